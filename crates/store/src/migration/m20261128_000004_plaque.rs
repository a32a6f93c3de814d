//! Plaques (挂牌, 4.1 and 4.4): every street's, town's, community's and village's plaque
//! inventory with the rules' decision on each plaque, the removal tasks that non-compliant
//! plaques open, the districts' self-inspection campaigns (自检自查, 4.1-3 and 4.1-7) with one row
//! per street or town, and the link from a supervision case to the plaque it is about (the
//! overdue-temporary-plaque detector, 4.1-5).

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
}

#[derive(DeriveIden)]
enum Plaque {
    Table,
    Id,
    UnitNodeId,
    Name,
    Placement,
    Kind,
    Location,
    Since,
    Status,
    RemovedOn,
    Photo,
    PhotoType,
    TemporaryDemandId,
    Decision,
    Compliant,
    MatchedKey,
    CheckedAt,
    CreatedBy,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum RemovalTask {
    Table,
    Id,
    PlaqueId,
    UnitNodeId,
    ReasonCode,
    Clause,
    Message,
    MoveTo,
    Deadline,
    Status,
    Resolution,
    ClosedOn,
    ClosedBy,
    Evidence,
    EvidenceType,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum Campaign {
    Table,
    Id,
    DistrictNodeId,
    Title,
    LaunchedOn,
    Deadline,
    LaunchedBy,
    CreatedAt,
}

#[derive(DeriveIden)]
enum CampaignUnit {
    Table,
    CampaignId,
    UnitNodeId,
    CompletedOn,
    CompletedBy,
    Note,
}

#[derive(DeriveIden)]
enum SupervisionCase {
    Table,
    Kind,
    PlaqueId,
}

/// A foreign key from `table.col` to `to.id`.
fn fk(
    table: impl IntoIden,
    col: impl IntoIden,
    to: impl IntoIden,
    to_id: impl IntoIden,
    on_delete: ForeignKeyAction,
) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .from(table, col)
        .to(to, to_id)
        .on_delete(on_delete)
        .to_owned()
}

async fn index(
    m: &SchemaManager<'_>,
    name: &str,
    table: impl IntoIden,
    col: impl IntoIden,
) -> Result<(), DbErr> {
    m.create_index(Index::create().name(name).table(table).col(col).to_owned())
        .await
}

const RESTRICT: ForeignKeyAction = ForeignKeyAction::Restrict;
const CASCADE: ForeignKeyAction = ForeignKeyAction::Cascade;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        use Plaque as P;
        // Plaques are never deleted: a plaque taken down stays in the inventory as `removed` on
        // its date, so the registry shows what hung where and when.
        m.create_table(
            Table::create()
                .table(P::Table)
                .col(big_pk_auto(P::Id))
                // A street or town (4.1) or a community or village (4.4).
                .col(big_integer(P::UnitNodeId))
                .col(string_len(P::Name, 100))
                // outdoor | indoor
                .col(string_len(P::Placement, 16))
                // work_agency | functional | comprehensive_office | honorary (4.1-2); streets
                // and towns only.
                .col(string_len_null(P::Kind, 32))
                // Where it hangs (大门东侧, 二楼走廊).
                .col(string_len(P::Location, 200))
                // Dates as YYYY-MM-DD text, as everywhere.
                .col(string_len(P::Since, 10))
                // hanging | removed
                .col(string_len(P::Status, 16))
                .col(string_len_null(P::RemovedOn, 10))
                // The photo lives in the database (checked by content, served only through an
                // authorized route), never under a static path.
                .col(blob_null(P::Photo))
                .col(string_len_null(P::PhotoType, 32))
                // A temporary street plaque (4.1-5): the admitted request it hangs under.
                .col(big_integer_null(P::TemporaryDemandId))
                // The rules' decision at the last check (outcome, clauses, reasons) as JSON, and
                // its outcome as a column so that lists can filter on it.
                .col(text(P::Decision))
                .col(boolean(P::Compliant))
                // The list entry the name was recognised as (e.g. residents_committee).
                .col(string_len_null(P::MatchedKey, 64))
                // When the plaque was last checked against the lists (added, edited or
                // confirmed): a self-inspection is complete when every plaque was re-checked
                // after the campaign's launch.
                .col(big_integer(P::CheckedAt))
                // Null when recorded by the operator (demo data, migration of old registers).
                .col(big_integer_null(P::CreatedBy))
                .col(big_integer(P::CreatedAt))
                .col(big_integer(P::UpdatedAt))
                .foreign_key(&mut fk(
                    P::Table,
                    P::UnitNodeId,
                    Node::Table,
                    Node::Id,
                    RESTRICT,
                ))
                .foreign_key(&mut fk(
                    P::Table,
                    P::TemporaryDemandId,
                    Demand::Table,
                    Demand::Id,
                    RESTRICT,
                ))
                .foreign_key(&mut fk(
                    P::Table,
                    P::CreatedBy,
                    Account::Table,
                    Account::Id,
                    RESTRICT,
                ))
                .to_owned(),
        )
        .await?;
        index(m, "plaque_unit", P::Table, P::UnitNodeId).await?;
        index(m, "plaque_temporary_demand", P::Table, P::TemporaryDemandId).await?;

        use RemovalTask as R;
        m.create_table(
            Table::create()
                .table(R::Table)
                .col(big_pk_auto(R::Id))
                .col(big_integer(R::PlaqueId))
                // The plaque's unit, copied so that jurisdiction filters need no join.
                .col(big_integer(R::UnitNodeId))
                // The finding that opened the task: code, clause and message of the rules.
                .col(string_len(R::ReasonCode, 64))
                .col(string_len(R::Clause, 16))
                .col(text(R::Message))
                // When the fault is only where it hangs: outdoor | indoor.
                .col(string_len_null(R::MoveTo, 16))
                .col(string_len(R::Deadline, 10))
                // open | closed
                .col(string_len(R::Status, 16))
                // removed (taken down on closed_on) | corrected (the plaque now passes).
                .col(string_len_null(R::Resolution, 16))
                .col(string_len_null(R::ClosedOn, 10))
                .col(big_integer_null(R::ClosedBy))
                .col(blob_null(R::Evidence))
                .col(string_len_null(R::EvidenceType, 32))
                .col(big_integer(R::CreatedAt))
                .col(big_integer(R::UpdatedAt))
                .foreign_key(&mut fk(R::Table, R::PlaqueId, P::Table, P::Id, RESTRICT))
                .foreign_key(&mut fk(
                    R::Table,
                    R::UnitNodeId,
                    Node::Table,
                    Node::Id,
                    RESTRICT,
                ))
                .foreign_key(&mut fk(
                    R::Table,
                    R::ClosedBy,
                    Account::Table,
                    Account::Id,
                    RESTRICT,
                ))
                .to_owned(),
        )
        .await?;
        index(m, "removal_task_unit", R::Table, R::UnitNodeId).await?;
        // At most one open task per plaque, whatever two requests do at once.
        m.create_index(
            Index::create()
                .name("removal_task_one_open")
                .table(R::Table)
                .col(R::PlaqueId)
                .unique()
                .and_where(Expr::col(R::Status).eq("open"))
                .to_owned(),
        )
        .await?;

        use Campaign as C;
        m.create_table(
            Table::create()
                .table(C::Table)
                .col(big_pk_auto(C::Id))
                .col(big_integer(C::DistrictNodeId))
                .col(string_len(C::Title, 200))
                .col(string_len(C::LaunchedOn, 10))
                // launched_on + the self-inspection period in force that day (4.1-7, data).
                .col(string_len(C::Deadline, 10))
                .col(big_integer(C::LaunchedBy))
                .col(big_integer(C::CreatedAt))
                .foreign_key(&mut fk(
                    C::Table,
                    C::DistrictNodeId,
                    Node::Table,
                    Node::Id,
                    RESTRICT,
                ))
                .foreign_key(&mut fk(
                    C::Table,
                    C::LaunchedBy,
                    Account::Table,
                    Account::Id,
                    RESTRICT,
                ))
                .to_owned(),
        )
        .await?;
        index(m, "campaign_district", C::Table, C::DistrictNodeId).await?;

        // One row per street or town of the district at launch.
        use CampaignUnit as U;
        m.create_table(
            Table::create()
                .table(U::Table)
                .col(big_integer(U::CampaignId))
                .col(big_integer(U::UnitNodeId))
                .col(string_len_null(U::CompletedOn, 10))
                .col(big_integer_null(U::CompletedBy))
                .col(text_null(U::Note))
                .primary_key(Index::create().col(U::CampaignId).col(U::UnitNodeId))
                .foreign_key(&mut fk(U::Table, U::CampaignId, C::Table, C::Id, CASCADE))
                .foreign_key(&mut fk(
                    U::Table,
                    U::UnitNodeId,
                    Node::Table,
                    Node::Id,
                    RESTRICT,
                ))
                .foreign_key(&mut fk(
                    U::Table,
                    U::CompletedBy,
                    Account::Table,
                    Account::Id,
                    RESTRICT,
                ))
                .to_owned(),
        )
        .await?;
        index(m, "campaign_unit_unit", U::Table, U::UnitNodeId).await?;

        // A case may be about a plaque. The column is added with plain SQL because SQLite
        // cannot add a foreign key to an existing table except inline in ADD COLUMN, which this
        // statement (valid on both databases) does.
        m.get_connection()
            .execute_unprepared(
                "ALTER TABLE supervision_case ADD COLUMN plaque_id BIGINT NULL REFERENCES plaque (id)",
            )
            .await?;
        // A detector inserts a case at most once per plaque and kind, even with two server
        // processes racing: the second INSERT meets this index (NULLs, the cases that are not
        // about a plaque, never collide).
        m.create_index(
            Index::create()
                .name("supervision_case_plaque")
                .table(SupervisionCase::Table)
                .col(SupervisionCase::Kind)
                .col(SupervisionCase::PlaqueId)
                .unique()
                .to_owned(),
        )
        .await?;
        Ok(())
    }
}
