//! Named counters: the highest number given so far in a sequence (admission numbers of a year,
//! certificate serials of a year). One shared service: every module that numbers things takes
//! its numbers here, inside its own write transaction.
//!
//! Several servers may share one PostgreSQL database, so a number is never read in one
//! statement and written in another: [`next`] adds one and returns the result in a single
//! upsert, which keeps the counter's row locked until the caller's transaction ends. A second
//! taker — in this process or on another server — waits for that and then gets the number
//! after it; a rolled-back transaction gives its number back. So the numbers are unique and
//! without gaps, and nobody is refused for contention.

use sea_orm::sea_query::{Expr, OnConflict};
use sea_orm::{ConnectionTrait, DbBackend, EntityTrait, Set, Statement};

use crate::StoreError;
use crate::entity::counter;

/// Takes the next value of a named counter inside the caller's transaction (one statement; the
/// row stays locked until the transaction ends, see the module's note).
pub async fn next<C: ConnectionTrait>(conn: &C, key: &str) -> Result<i64, StoreError> {
    let backend = conn.get_database_backend();
    let sql = match backend {
        DbBackend::Postgres => {
            "INSERT INTO counter (key, value) VALUES ($1, 1) \
             ON CONFLICT (key) DO UPDATE SET value = counter.value + 1 RETURNING value"
        }
        _ => {
            "INSERT INTO counter (key, value) VALUES (?1, 1) \
             ON CONFLICT (key) DO UPDATE SET value = counter.value + 1 RETURNING value"
        }
    };
    let row = conn
        .query_one_raw(Statement::from_sql_and_values(backend, sql, [key.into()]))
        .await?
        .ok_or_else(|| StoreError::Integrity(format!("计数器 {key} 未返回新值")))?;
    Ok(row.try_get_by_index::<i64>(0)?)
}

/// The counter's current value (0 before its first use).
pub async fn value<C: ConnectionTrait>(conn: &C, key: &str) -> Result<i64, StoreError> {
    Ok(counter::Entity::find_by_id(key.to_owned())
        .one(conn)
        .await?
        .map_or(0, |c| c.value))
}

/// Raises the counter to `value` if it is lower (it holds the highest number used): one upsert.
pub async fn raise<C: ConnectionTrait>(conn: &C, key: &str, value: i64) -> Result<(), StoreError> {
    let greatest = match conn.get_database_backend() {
        DbBackend::Postgres => "GREATEST(counter.value, excluded.value)",
        _ => "MAX(counter.value, excluded.value)",
    };
    counter::Entity::insert(counter::ActiveModel {
        key: Set(key.to_owned()),
        value: Set(value),
    })
    .on_conflict(
        OnConflict::column(counter::Column::Key)
            .value(counter::Column::Value, Expr::cust(greatest))
            .to_owned(),
    )
    .exec_without_returning(conn)
    .await?;
    Ok(())
}
