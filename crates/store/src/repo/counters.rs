//! Named counters: the highest number given so far in a sequence (admission numbers of a year,
//! certificate serials of a year). One shared service: every module that numbers things takes
//! its numbers here, inside its own write transaction.

use sea_orm::sea_query::{Expr, OnConflict};
use sea_orm::{ConnectionTrait, DbBackend, EntityTrait, Set};

use crate::StoreError;
use crate::entity::counter;

/// Takes the next value of a named counter inside the caller's transaction.
pub async fn next<C: ConnectionTrait>(conn: &C, key: &str) -> Result<i64, StoreError> {
    let next = value(conn, key).await? + 1;
    raise(conn, key, next).await?;
    Ok(next)
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
