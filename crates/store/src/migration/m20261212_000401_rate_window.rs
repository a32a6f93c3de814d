//! Rate limits that hold across servers (issue 17 §3): one fixed window per limit ("bucket")
//! and client address, counted in the database that every server shares instead of in one
//! process's memory. A row is the address's current window: its start and the hits in it; the
//! rows of ended windows are deleted as new windows begin (`repo::rate_limits`).

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum RateWindow {
    Table,
    Bucket,
    Subject,
    WindowStart,
    Hits,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        use RateWindow as R;
        m.create_table(
            Table::create()
                .table(R::Table)
                .col(string_len(R::Bucket, 40))
                .col(string_len(R::Subject, 200))
                .col(big_integer(R::WindowStart))
                .col(big_integer(R::Hits))
                .primary_key(Index::create().col(R::Bucket).col(R::Subject))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("rate_window_bucket_start")
                .table(R::Table)
                .col(R::Bucket)
                .col(R::WindowStart)
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(RateWindow::Table).to_owned())
            .await
    }
}
