//! Requests to read a 有条件 shared data item (issue 13 §3, 4.8-3): a department asks, stating
//! its purpose, to read one item of one community; the owner (the item's authoritative source
//! department, or the community holding the value) approves once or refuses.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum DataRequest {
    Table,
    Id,
    RequesterNodeId,
    RequestedBy,
    RequestedByName,
    ItemCode,
    CommunityNodeId,
    OwnerNodeId,
    Purpose,
    State,
    DecidedBy,
    DecidedByName,
    DecidedAt,
    DecisionNote,
    CreatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        use DataRequest as R;
        m.create_table(
            Table::create()
                .table(R::Table)
                .col(big_pk_auto(R::Id))
                .col(big_integer(R::RequesterNodeId))
                .col(big_integer(R::RequestedBy))
                .col(string_len(R::RequestedByName, 100))
                .col(string_len(R::ItemCode, 64))
                .col(big_integer(R::CommunityNodeId))
                .col(big_integer(R::OwnerNodeId))
                .col(text(R::Purpose))
                .col(string_len(R::State, 16))
                .col(big_integer_null(R::DecidedBy))
                .col(string_len_null(R::DecidedByName, 100))
                .col(big_integer_null(R::DecidedAt))
                .col(text(R::DecisionNote))
                .col(big_integer(R::CreatedAt))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("data_request_reader")
                .table(R::Table)
                .col(R::RequesterNodeId)
                .col(R::ItemCode)
                .col(R::CommunityNodeId)
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("data_request_owner")
                .table(R::Table)
                .col(R::OwnerNodeId)
                .col(R::State)
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(DataRequest::Table).to_owned())
            .await
    }
}
