//! The reports of a supervision case (issue 14 §1): reports of the same violation are grouped
//! into one case that lists every one of them, and a report of a violation that recurs after
//! the case was closed reopens it (`grouping`: `first`, `join` or `reopen`). Every existing
//! case of a community's report gets its first report from the case row itself.

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
enum CaseReport {
    Table,
    Id,
    CaseId,
    CommunityNodeId,
    ReportedBy,
    DemandingUnit,
    Description,
    ClaimedNumber,
    Grouping,
    CreatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        use CaseReport as R;
        m.create_table(
            Table::create()
                .table(R::Table)
                .col(big_pk_auto(R::Id))
                .col(big_integer(R::CaseId))
                .col(big_integer(R::CommunityNodeId))
                .col(big_integer_null(R::ReportedBy))
                .col(string_len(R::DemandingUnit, 200))
                .col(text(R::Description))
                .col(string_len_null(R::ClaimedNumber, 64))
                .col(string_len(R::Grouping, 16))
                .col(big_integer(R::CreatedAt))
                .foreign_key(
                    ForeignKey::create()
                        .from(R::Table, R::CaseId)
                        .to(SupervisionCase::Table, SupervisionCase::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("case_report_case")
                .table(R::Table)
                .col(R::CaseId)
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("case_report_reporter")
                .table(R::Table)
                .col(R::ReportedBy)
                .col(R::Id)
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("case_report_community")
                .table(R::Table)
                .col(R::CommunityNodeId)
                .col(R::CreatedAt)
                .to_owned(),
        )
        .await?;
        // The reports the cases of communities' reports were opened with.
        m.get_connection()
            .execute_unprepared(
                "INSERT INTO case_report (case_id, community_node_id, reported_by, \
                 demanding_unit, description, claimed_number, grouping, created_at) \
                 SELECT id, community_node_id, reported_by, demanding_unit, description, \
                 claimed_number, 'first', created_at FROM supervision_case \
                 WHERE source = 'community_report' AND kind = 'unadmitted_demand'",
            )
            .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(CaseReport::Table).to_owned())
            .await
    }
}
