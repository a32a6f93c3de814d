//! Report forms as demands (issue 13, slice 2): the per-district cap on weekly and monthly
//! agricultural report forms (涉农报表, 4.9-2) as dated data. A district sets a value with the
//! day it takes effect; every value is kept (the history), and the rule reads the one in force
//! on the filing day. The forms themselves are demands of kind `form` (their fields in the
//! demand's JSON column), so they need no table of their own.

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
enum AgriFormCap {
    Table,
    Id,
    DistrictNodeId,
    Cap,
    EffectiveFrom,
    Note,
    SetBy,
    SetByName,
    SetAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        use AgriFormCap as A;
        m.create_table(
            Table::create()
                .table(A::Table)
                .col(big_pk_auto(A::Id))
                .col(big_integer(A::DistrictNodeId))
                // Weekly and monthly agricultural forms allowed at once (0 allows none).
                .col(integer(A::Cap))
                // YYYY-MM-DD: the first day the value is in force.
                .col(string_len(A::EffectiveFrom, 10))
                // The district's document or reason for the value.
                .col(string_len(A::Note, 200))
                .col(big_integer(A::SetBy))
                .col(string_len(A::SetByName, 64))
                .col(big_integer(A::SetAt))
                .foreign_key(
                    ForeignKey::create()
                        .from(A::Table, A::DistrictNodeId)
                        .to(Node::Table, Node::Id)
                        .on_delete(ForeignKeyAction::Restrict),
                )
                .to_owned(),
        )
        .await?;
        // One value per district and day: a second value for the same day is refused.
        m.create_index(
            Index::create()
                .name("agri_form_cap_district_day")
                .table(A::Table)
                .col(A::DistrictNodeId)
                .col(A::EffectiveFrom)
                .unique()
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(AgriFormCap::Table).to_owned())
            .await
    }
}
