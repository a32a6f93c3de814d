//! Returns of admitted report forms (issue 13 §3): each community's return of each period of a
//! form, every version kept (a correction after submission is a new version), and the
//! community's current value of each data item ("最多报一次", 4.8-3), which pre-fills every
//! later form asking for it.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Node {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Demand {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum FormReturn {
    Table,
    Id,
    DemandId,
    CommunityNodeId,
    PeriodKey,
    Version,
    State,
    FieldValues,
    SavedBy,
    SavedByName,
    SavedAt,
    SubmittedBy,
    SubmittedByName,
    SubmittedAt,
}

#[derive(DeriveIden)]
enum CommunityValue {
    Table,
    Id,
    CommunityNodeId,
    ItemCode,
    Value,
    SourceDemandId,
    SourceReturnId,
    AsOf,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum FormReturnReminder {
    Table,
    Id,
    DemandId,
    CommunityNodeId,
    PeriodKey,
    SentBy,
    SentByName,
    SentAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        use FormReturn as R;
        m.create_table(
            Table::create()
                .table(R::Table)
                .col(big_pk_auto(R::Id))
                .col(big_integer(R::DemandId))
                .col(big_integer(R::CommunityNodeId))
                // YYYY-MM-DD: the first day of the return period.
                .col(string_len(R::PeriodKey, 10))
                // 1 for the first return; a correction after submission is the next.
                .col(integer(R::Version))
                // draft | submitted
                .col(string_len(R::State, 16))
                // JSON object: data item code → the value entered.
                .col(text(R::FieldValues))
                .col(big_integer(R::SavedBy))
                .col(string_len(R::SavedByName, 64))
                .col(big_integer(R::SavedAt))
                .col(big_integer_null(R::SubmittedBy))
                .col(string_len_null(R::SubmittedByName, 64))
                .col(big_integer_null(R::SubmittedAt))
                .foreign_key(
                    ForeignKey::create()
                        .from(R::Table, R::DemandId)
                        .to(Demand::Table, Demand::Id)
                        .on_delete(ForeignKeyAction::Restrict),
                )
                .foreign_key(
                    ForeignKey::create()
                        .from(R::Table, R::CommunityNodeId)
                        .to(Node::Table, Node::Id)
                        .on_delete(ForeignKeyAction::Restrict),
                )
                .to_owned(),
        )
        .await?;
        // One row per version: two saves racing for the same version cannot both land.
        m.create_index(
            Index::create()
                .name("form_return_version")
                .table(R::Table)
                .col(R::DemandId)
                .col(R::CommunityNodeId)
                .col(R::PeriodKey)
                .col(R::Version)
                .unique()
                .to_owned(),
        )
        .await?;
        use CommunityValue as V;
        m.create_table(
            Table::create()
                .table(V::Table)
                .col(big_pk_auto(V::Id))
                .col(big_integer(V::CommunityNodeId))
                .col(string_len(V::ItemCode, 64))
                .col(text(V::Value))
                .col(big_integer(V::SourceDemandId))
                .col(big_integer(V::SourceReturnId))
                // YYYY-MM-DD: the day the return carrying it was submitted.
                .col(string_len(V::AsOf, 10))
                .col(big_integer(V::UpdatedAt))
                .foreign_key(
                    ForeignKey::create()
                        .from(V::Table, V::CommunityNodeId)
                        .to(Node::Table, Node::Id)
                        .on_delete(ForeignKeyAction::Restrict),
                )
                .foreign_key(
                    ForeignKey::create()
                        .from(V::Table, V::SourceReturnId)
                        .to(R::Table, R::Id)
                        .on_delete(ForeignKeyAction::Restrict),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("community_value_item")
                .table(V::Table)
                .col(V::CommunityNodeId)
                .col(V::ItemCode)
                .unique()
                .to_owned(),
        )
        .await?;
        // A department's reminder to a community that has not submitted a period's return.
        use FormReturnReminder as M;
        m.create_table(
            Table::create()
                .table(M::Table)
                .col(big_pk_auto(M::Id))
                .col(big_integer(M::DemandId))
                .col(big_integer(M::CommunityNodeId))
                .col(string_len(M::PeriodKey, 10))
                .col(big_integer(M::SentBy))
                .col(string_len(M::SentByName, 64))
                .col(big_integer(M::SentAt))
                .foreign_key(
                    ForeignKey::create()
                        .from(M::Table, M::DemandId)
                        .to(Demand::Table, Demand::Id)
                        .on_delete(ForeignKeyAction::Restrict),
                )
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(FormReturnReminder::Table).to_owned())
            .await?;
        m.drop_table(Table::drop().table(CommunityValue::Table).to_owned())
            .await?;
        m.drop_table(Table::drop().table(FormReturn::Table).to_owned())
            .await
    }
}
