//! Anonymous public reports (issue 14 §1): a case may have no reporting account
//! (`supervision_case.reported_by` becomes nullable — a resident reporting from the public
//! site, or a scheduled job), every case records its `source` (community report, detector,
//! inspection, public complaint, monitoring), and a public report keeps only the SM3 hash of
//! its one-time follow-up code (`follow_up_hash`, unique).
//!
//! PostgreSQL drops the NOT NULL. SQLite cannot alter a column; a rebuild of the table would
//! need `foreign_keys=OFF` on one connection outside any transaction (four tables reference
//! it). Removing a NOT NULL changes nothing stored, so SQLite takes the procedure its
//! documentation gives for exactly that (ALTER TABLE, "making other kinds of table schema
//! changes"): in one transaction, rewrite the table's definition in `sqlite_schema`, bump
//! `schema_version` so every connection rereads it, and check the database.

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::{ConnectionTrait, DbBackend, Statement};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum SupervisionCase {
    Table,
    Source,
    FollowUpHash,
}

/// The column as `m20261128_000002_demand` created it on SQLite, and without its NOT NULL.
const SQLITE_NOT_NULL: &str = "\"reported_by\" integer NOT NULL";
const SQLITE_NULLABLE: &str = "\"reported_by\" integer NULL";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }

    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        use SupervisionCase as C;
        let db = m.get_connection();
        if m.get_database_backend() == DbBackend::Postgres {
            db.execute_unprepared(
                "ALTER TABLE supervision_case ALTER COLUMN reported_by DROP NOT NULL",
            )
            .await?;
        } else {
            let row = db
                .query_one_raw(Statement::from_string(
                    DbBackend::Sqlite,
                    "SELECT sql FROM sqlite_schema WHERE type = 'table' AND name = 'supervision_case'",
                ))
                .await?
                .ok_or_else(|| DbErr::Migration("supervision_case 表不存在".into()))?;
            let sql: String = row.try_get("", "sql")?;
            if sql.matches(SQLITE_NOT_NULL).count() != 1 {
                return Err(DbErr::Migration(format!(
                    "supervision_case 的定义与预期不同，未修改：{sql}"
                )));
            }
            let new_sql = sql.replace(SQLITE_NOT_NULL, SQLITE_NULLABLE);
            let version_row = db
                .query_one_raw(Statement::from_string(
                    DbBackend::Sqlite,
                    "PRAGMA schema_version",
                ))
                .await?
                .ok_or_else(|| DbErr::Migration("无法读取 schema_version".into()))?;
            let version: i64 = version_row.try_get_by_index(0)?;
            db.execute_unprepared("PRAGMA writable_schema = ON").await?;
            db.execute_raw(Statement::from_sql_and_values(
                DbBackend::Sqlite,
                "UPDATE sqlite_schema SET sql = ? WHERE type = 'table' AND name = 'supervision_case'",
                [new_sql.into()],
            ))
            .await?;
            db.execute_unprepared(&format!("PRAGMA schema_version = {}", version + 1))
                .await?;
            db.execute_unprepared("PRAGMA writable_schema = OFF")
                .await?;
            let check = db
                .query_one_raw(Statement::from_string(
                    DbBackend::Sqlite,
                    "PRAGMA quick_check",
                ))
                .await?
                .ok_or_else(|| DbErr::Migration("quick_check 无结果".into()))?;
            let verdict: String = check.try_get_by_index(0)?;
            if verdict != "ok" {
                return Err(DbErr::Migration(format!(
                    "修改 supervision_case 后数据库检查未通过：{verdict}"
                )));
            }
        }
        m.alter_table(
            Table::alter()
                .table(C::Table)
                .add_column(
                    ColumnDef::new(C::Source)
                        .string_len(32)
                        .not_null()
                        .default("community_report"),
                )
                .to_owned(),
        )
        .await?;
        m.alter_table(
            Table::alter()
                .table(C::Table)
                .add_column(ColumnDef::new(C::FollowUpHash).string_len(64).null())
                .to_owned(),
        )
        .await?;
        // The cases opened so far: monitoring points' and detectors' findings.
        db.execute_unprepared(
            "UPDATE supervision_case SET source = 'monitoring' WHERE kind LIKE 'monitoring%'",
        )
        .await?;
        db.execute_unprepared(
            "UPDATE supervision_case SET source = 'detector' WHERE kind = 'temporary_plaque_overdue'",
        )
        .await?;
        m.create_index(
            Index::create()
                .name("supervision_case_follow_up")
                .table(C::Table)
                .col(C::FollowUpHash)
                .unique()
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        use SupervisionCase as C;
        m.drop_index(
            Index::drop()
                .name("supervision_case_follow_up")
                .table(C::Table)
                .to_owned(),
        )
        .await?;
        for col in [C::FollowUpHash, C::Source] {
            m.alter_table(Table::alter().table(C::Table).drop_column(col).to_owned())
                .await?;
        }
        Ok(())
    }
}
