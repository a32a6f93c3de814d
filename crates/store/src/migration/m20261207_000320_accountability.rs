//! Accountability records (追究责任, 4.1-9; issue 14, slice 4): on a verified case, a
//! supervisor records the decision people took — who decided (a person and the body they act
//! for), what (约谈, 通报批评, 诫勉, 党纪政务处分 or another measure in words), its document number
//! and date. The software decides nothing; it keeps and shows the record.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum SupervisionCase {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum AccountabilityRecord {
    Table,
    Id,
    CaseId,
    DeciderName,
    DeciderBody,
    Measure,
    MeasureText,
    DocumentNumber,
    DecidedOn,
    RecordedBy,
    RecordedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        use AccountabilityRecord as A;
        m.create_table(
            Table::create()
                .table(A::Table)
                .col(big_pk_auto(A::Id))
                .col(big_integer(A::CaseId))
                .col(string_len(A::DeciderName, 100))
                .col(string_len(A::DeciderBody, 200))
                // interview | criticism | admonition | discipline | other
                .col(string_len(A::Measure, 16))
                // The measure in words (required for `other`, optional detail otherwise).
                .col(text(A::MeasureText))
                .col(string_len(A::DocumentNumber, 100))
                // YYYY-MM-DD, never after the day it was recorded.
                .col(string_len(A::DecidedOn, 10))
                .col(big_integer(A::RecordedBy))
                .col(big_integer(A::RecordedAt))
                .foreign_key(
                    ForeignKey::create()
                        .from(A::Table, A::CaseId)
                        .to(SupervisionCase::Table, SupervisionCase::Id)
                        .on_delete(ForeignKeyAction::Restrict),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("accountability_record_case")
                .table(A::Table)
                .col(A::CaseId)
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(AccountabilityRecord::Table).to_owned())
            .await
    }
}
