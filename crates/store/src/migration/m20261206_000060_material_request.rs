//! A worker's request for more material on an application (一次性告知补正材料): what is missing
//! and when it was asked, until the applicant adds it. The application stays in progress.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum CertificateApplication {
    Table,
    MaterialRequest,
    MaterialRequestedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        use CertificateApplication as A;
        // One column per statement: SQLite alters one column at a time.
        m.alter_table(
            Table::alter()
                .table(A::Table)
                .add_column(text_null(A::MaterialRequest))
                .to_owned(),
        )
        .await?;
        m.alter_table(
            Table::alter()
                .table(A::Table)
                .add_column(big_integer_null(A::MaterialRequestedAt))
                .to_owned(),
        )
        .await
    }
}
