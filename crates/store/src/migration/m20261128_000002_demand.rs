//! Demands (事项) and their admission: one table for every kind of demand, so that later kinds
//! (evaluations, report forms, secondments, plaques, ...) reuse one lifecycle; the communities
//! each demand targets; counters for admission numbers; and supervision cases raised by
//! communities that refuse unadmitted demands.

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
enum Account {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Demand {
    Table,
    Id,
    Kind,
    Title,
    Description,
    RequesterNodeId,
    RequesterAccountId,
    Level,
    ScopeNodeId,
    Status,
    Details,
    LegalBasisKind,
    LegalBasisTitle,
    LegalBasisArticle,
    FundingFen,
    FundingSource,
    MinutesPerOccurrence,
    OccurrencesPerYear,
    PeriodStart,
    PeriodEnd,
    Decision,
    Authority,
    SubmittedAt,
    ReviewedBy,
    ReviewedAt,
    ReviewNote,
    AdmissionNumber,
    ValidFrom,
    ValidTo,
    RevokedBy,
    RevokedAt,
    RevokeReason,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum DemandTarget {
    Table,
    DemandId,
    CommunityNodeId,
}

#[derive(DeriveIden)]
enum Counter {
    Table,
    Key,
    Value,
}

#[derive(DeriveIden)]
enum SupervisionCase {
    Table,
    Id,
    Kind,
    Status,
    CommunityNodeId,
    ReportedBy,
    DemandingUnit,
    Description,
    ClaimedNumber,
    DemandId,
    Finding,
    CreatedAt,
    UpdatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(Demand::Table)
                .col(big_pk_auto(Demand::Id))
                // work_item now; evaluation, report_form, secondment, ... later.
                .col(string_len(Demand::Kind, 32))
                .col(string_len(Demand::Title, 200))
                .col(text(Demand::Description))
                .col(big_integer(Demand::RequesterNodeId))
                .col(big_integer(Demand::RequesterAccountId))
                .col(string_len(Demand::Level, 16))
                // The city or district the requesting department serves: the demand's
                // jurisdiction, and where its approving authority sits.
                .col(big_integer(Demand::ScopeNodeId))
                .col(string_len(Demand::Status, 16))
                // Kind-specific fields as JSON; the lifecycle does not look inside.
                .col(text(Demand::Details))
                .col(string_len_null(Demand::LegalBasisKind, 16))
                .col(string_len_null(Demand::LegalBasisTitle, 200))
                .col(string_len_null(Demand::LegalBasisArticle, 100))
                .col(big_integer_null(Demand::FundingFen))
                .col(string_len_null(Demand::FundingSource, 200))
                // Standard Cost Model burden: minutes per occurrence × occurrences per year,
                // per target community.
                .col(integer(Demand::MinutesPerOccurrence))
                .col(integer(Demand::OccurrencesPerYear))
                // Dates as YYYY-MM-DD text: exact on both databases and ordered as text.
                .col(string_len(Demand::PeriodStart, 10))
                .col(string_len(Demand::PeriodEnd, 10))
                // The rules' decision at submission (outcome, clauses, reasons) as JSON.
                .col(text_null(Demand::Decision))
                .col(string_len_null(Demand::Authority, 32))
                .col(big_integer_null(Demand::SubmittedAt))
                .col(big_integer_null(Demand::ReviewedBy))
                .col(big_integer_null(Demand::ReviewedAt))
                .col(text_null(Demand::ReviewNote))
                .col(string_len_null(Demand::AdmissionNumber, 32).unique_key())
                .col(string_len_null(Demand::ValidFrom, 10))
                .col(string_len_null(Demand::ValidTo, 10))
                .col(big_integer_null(Demand::RevokedBy))
                .col(big_integer_null(Demand::RevokedAt))
                .col(text_null(Demand::RevokeReason))
                .col(big_integer(Demand::CreatedAt))
                .col(big_integer(Demand::UpdatedAt))
                .foreign_key(
                    ForeignKey::create()
                        .from(Demand::Table, Demand::RequesterNodeId)
                        .to(Node::Table, Node::Id)
                        .on_delete(ForeignKeyAction::Restrict),
                )
                .foreign_key(
                    ForeignKey::create()
                        .from(Demand::Table, Demand::ScopeNodeId)
                        .to(Node::Table, Node::Id)
                        .on_delete(ForeignKeyAction::Restrict),
                )
                .foreign_key(
                    ForeignKey::create()
                        .from(Demand::Table, Demand::RequesterAccountId)
                        .to(Account::Table, Account::Id)
                        .on_delete(ForeignKeyAction::Restrict),
                )
                .to_owned(),
        )
        .await?;
        for (name, col) in [
            ("demand_status", Demand::Status),
            ("demand_requester", Demand::RequesterNodeId),
            ("demand_scope", Demand::ScopeNodeId),
        ] {
            m.create_index(
                Index::create()
                    .name(name)
                    .table(Demand::Table)
                    .col(col)
                    .to_owned(),
            )
            .await?;
        }

        m.create_table(
            Table::create()
                .table(DemandTarget::Table)
                .col(big_integer(DemandTarget::DemandId))
                .col(big_integer(DemandTarget::CommunityNodeId))
                .primary_key(
                    Index::create()
                        .col(DemandTarget::DemandId)
                        .col(DemandTarget::CommunityNodeId),
                )
                .foreign_key(
                    ForeignKey::create()
                        .from(DemandTarget::Table, DemandTarget::DemandId)
                        .to(Demand::Table, Demand::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .foreign_key(
                    ForeignKey::create()
                        .from(DemandTarget::Table, DemandTarget::CommunityNodeId)
                        .to(Node::Table, Node::Id)
                        .on_delete(ForeignKeyAction::Restrict),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("demand_target_community")
                .table(DemandTarget::Table)
                .col(DemandTarget::CommunityNodeId)
                .to_owned(),
        )
        .await?;

        // Sequences that must not repeat (admission numbers per year), bumped inside the
        // write transaction that uses them.
        m.create_table(
            Table::create()
                .table(Counter::Table)
                .col(string_len(Counter::Key, 64).primary_key())
                .col(big_integer(Counter::Value))
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(SupervisionCase::Table)
                .col(big_pk_auto(SupervisionCase::Id))
                .col(string_len(SupervisionCase::Kind, 32))
                .col(string_len(SupervisionCase::Status, 16))
                .col(big_integer(SupervisionCase::CommunityNodeId))
                .col(big_integer(SupervisionCase::ReportedBy))
                .col(string_len(SupervisionCase::DemandingUnit, 200))
                .col(text(SupervisionCase::Description))
                .col(string_len_null(SupervisionCase::ClaimedNumber, 64))
                .col(big_integer_null(SupervisionCase::DemandId))
                // The rule finding that makes it a case (JSON Reason with its clause).
                .col(text(SupervisionCase::Finding))
                .col(big_integer(SupervisionCase::CreatedAt))
                .col(big_integer(SupervisionCase::UpdatedAt))
                .foreign_key(
                    ForeignKey::create()
                        .from(SupervisionCase::Table, SupervisionCase::CommunityNodeId)
                        .to(Node::Table, Node::Id)
                        .on_delete(ForeignKeyAction::Restrict),
                )
                .foreign_key(
                    ForeignKey::create()
                        .from(SupervisionCase::Table, SupervisionCase::ReportedBy)
                        .to(Account::Table, Account::Id)
                        .on_delete(ForeignKeyAction::Restrict),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("supervision_case_community")
                .table(SupervisionCase::Table)
                .col(SupervisionCase::CommunityNodeId)
                .to_owned(),
        )
        .await?;
        Ok(())
    }
}
