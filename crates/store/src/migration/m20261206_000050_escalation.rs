//! Escalation of overdue rectifications (逾期上报, 5.3-3; issue 14 slice 3): a case whose notice
//! passed its due day unanswered is escalated once to the next level's supervisors. The case
//! keeps when and to which node (the city, for a district's notice), so that the UPDATE that sets
//! them is guarded by `escalated_at IS NULL` and two servers never escalate a case twice. Each
//! run of a scheduled job is a `job_run` row (started, finished, what it changed) for the system
//! administrator.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum SupervisionCase {
    Table,
    EscalatedAt,
    EscalatedToNodeId,
}

#[derive(DeriveIden)]
enum JobRun {
    Table,
    Id,
    Job,
    StartedAt,
    FinishedAt,
    Examined,
    Changed,
    Error,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        use SupervisionCase as C;
        // Two statements: SQLite adds one column per ALTER TABLE.
        m.alter_table(
            Table::alter()
                .table(C::Table)
                .add_column(big_integer_null(C::EscalatedAt))
                .to_owned(),
        )
        .await?;
        m.alter_table(
            Table::alter()
                .table(C::Table)
                .add_column(big_integer_null(C::EscalatedToNodeId))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(JobRun::Table)
                .col(big_pk_auto(JobRun::Id))
                // The job's name, e.g. `escalate_overdue`.
                .col(string_len(JobRun::Job, 64))
                .col(big_integer(JobRun::StartedAt))
                // NULL while running (or if the process died during the run).
                .col(big_integer_null(JobRun::FinishedAt))
                // Rows looked at, and rows changed by this run.
                .col(big_integer(JobRun::Examined).default(0))
                .col(big_integer(JobRun::Changed).default(0))
                .col(text_null(JobRun::Error))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("job_run_job_started")
                .table(JobRun::Table)
                .col(JobRun::Job)
                .col(JobRun::StartedAt)
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(JobRun::Table).to_owned())
            .await?;
        for c in [
            SupervisionCase::EscalatedAt,
            SupervisionCase::EscalatedToNodeId,
        ] {
            m.alter_table(
                Table::alter()
                    .table(SupervisionCase::Table)
                    .drop_column(c)
                    .to_owned(),
            )
            .await?;
        }
        Ok(())
    }
}
