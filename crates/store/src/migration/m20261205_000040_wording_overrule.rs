//! A reviewer's overrule of a banned-wording match (4.2-6): the rules read a work item's title
//! and description for the wordings of the banned categories and reject on a match, as the
//! category would. Words can match by accident (招商银行…), so the authority that admits the
//! demand may overrule such a match — only with a reason, recorded here beside the findings it
//! overruled, who did it and when, and shown on the demand. One row per demand: a demand is
//! rejected on its words at most once (an overruled demand goes to the authority's queue).

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Account {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Demand {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum DemandWordingOverrule {
    Table,
    DemandId,
    Findings,
    Reason,
    OverruledBy,
    OverruledAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        use DemandWordingOverrule as O;
        m.create_table(
            Table::create()
                .table(O::Table)
                .col(big_integer(O::DemandId).primary_key())
                // The overruled findings (clause, code, message with the matched words) as JSON.
                .col(text(O::Findings))
                .col(text(O::Reason))
                .col(big_integer(O::OverruledBy))
                .col(big_integer(O::OverruledAt))
                .foreign_key(
                    ForeignKey::create()
                        .from(O::Table, O::DemandId)
                        .to(Demand::Table, Demand::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .foreign_key(
                    ForeignKey::create()
                        .from(O::Table, O::OverruledBy)
                        .to(Account::Table, Account::Id)
                        .on_delete(ForeignKeyAction::Restrict),
                )
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(DemandWordingOverrule::Table).to_owned())
            .await
    }
}
