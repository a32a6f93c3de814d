//! Monitoring points (减负监测点, 4.1-8; issue 14 §2): the communities a district designates to
//! answer a monthly checklist, their answers (one per point and month, or the month recorded as
//! missed by the scheduled job), and the case a "yes" or a missed month opens.

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
enum SupervisionCase {
    Table,
    Kind,
    MonitoringAnswerId,
}

#[derive(DeriveIden)]
enum MonitoringPoint {
    Table,
    Id,
    CommunityNodeId,
    DistrictNodeId,
    Status,
    DesignatedOn,
    DesignatedBy,
    EndedOn,
    EndedBy,
    Note,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum MonitoringAnswer {
    Table,
    Id,
    PointId,
    CommunityNodeId,
    Month,
    Status,
    Items,
    AnsweredBy,
    AnsweredAt,
    CreatedAt,
    UpdatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        use MonitoringAnswer as A;
        use MonitoringPoint as P;
        m.create_table(
            Table::create()
                .table(P::Table)
                .col(big_pk_auto(P::Id))
                .col(big_integer(P::CommunityNodeId))
                .col(big_integer(P::DistrictNodeId))
                // active | ended
                .col(string_len(P::Status, 16))
                // YYYY-MM-DD
                .col(string_len(P::DesignatedOn, 10))
                .col(big_integer(P::DesignatedBy))
                .col(string_len_null(P::EndedOn, 10))
                .col(big_integer_null(P::EndedBy))
                .col(text(P::Note))
                .col(big_integer(P::CreatedAt))
                .col(big_integer(P::UpdatedAt))
                .foreign_key(
                    ForeignKey::create()
                        .from(P::Table, P::CommunityNodeId)
                        .to(Node::Table, Node::Id)
                        .on_delete(ForeignKeyAction::Restrict),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("monitoring_point_community")
                .table(P::Table)
                .col(P::CommunityNodeId)
                .to_owned(),
        )
        .await?;
        // One active designation per community, even with two servers racing (a partial unique
        // index: the same statement on SQLite and PostgreSQL).
        m.get_connection()
            .execute_unprepared(
                "CREATE UNIQUE INDEX monitoring_point_active ON monitoring_point (community_node_id) WHERE status = 'active'",
            )
            .await?;
        m.create_table(
            Table::create()
                .table(A::Table)
                .col(big_pk_auto(A::Id))
                .col(big_integer(A::PointId))
                .col(big_integer(A::CommunityNodeId))
                // YYYY-MM
                .col(string_len(A::Month, 7))
                // answered | missed
                .col(string_len(A::Status, 16))
                // JSON: [{"item": code, "yes": bool, "description": text}]
                .col(text(A::Items))
                .col(big_integer_null(A::AnsweredBy))
                .col(big_integer_null(A::AnsweredAt))
                .col(big_integer(A::CreatedAt))
                .col(big_integer(A::UpdatedAt))
                .foreign_key(
                    ForeignKey::create()
                        .from(A::Table, A::PointId)
                        .to(P::Table, P::Id)
                        .on_delete(ForeignKeyAction::Restrict),
                )
                .to_owned(),
        )
        .await?;
        // A month is answered (or recorded missed) once per point.
        m.create_index(
            Index::create()
                .name("monitoring_answer_month")
                .table(A::Table)
                .col(A::PointId)
                .col(A::Month)
                .unique()
                .to_owned(),
        )
        .await?;
        m.get_connection()
            .execute_unprepared(
                "ALTER TABLE supervision_case ADD COLUMN monitoring_answer_id BIGINT NULL REFERENCES monitoring_answer (id)",
            )
            .await?;
        // One case per answer and kind (a kind per question, and one for a missed month).
        m.create_index(
            Index::create()
                .name("supervision_case_monitoring")
                .table(SupervisionCase::Table)
                .col(SupervisionCase::Kind)
                .col(SupervisionCase::MonitoringAnswerId)
                .unique()
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_index(
            Index::drop()
                .name("supervision_case_monitoring")
                .table(SupervisionCase::Table)
                .to_owned(),
        )
        .await?;
        m.alter_table(
            Table::alter()
                .table(SupervisionCase::Table)
                .drop_column(SupervisionCase::MonitoringAnswerId)
                .to_owned(),
        )
        .await?;
        m.drop_table(Table::drop().table(MonitoringAnswer::Table).to_owned())
            .await?;
        m.drop_table(Table::drop().table(MonitoringPoint::Table).to_owned())
            .await
    }
}
