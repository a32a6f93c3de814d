//! The holiday notices an administrator imported (one per year), which replace the built-in
//! years of the working-day calendar.

use sea_orm::ActiveValue::Set;
use sea_orm::{ActiveModelTrait, ConnectionTrait, EntityTrait};

use crate::StoreError;
use crate::entity::holiday_year;

/// Every imported year.
pub async fn all<C: ConnectionTrait>(conn: &C) -> Result<Vec<holiday_year::Model>, StoreError> {
    Ok(holiday_year::Entity::find().all(conn).await?)
}

/// Replaces year `year`'s notice with `source`, inside the caller's write transaction.
pub async fn replace<C: ConnectionTrait>(
    conn: &C,
    year: i32,
    source: &str,
    by: i64,
    at: i64,
) -> Result<(), StoreError> {
    holiday_year::Entity::delete_by_id(year).exec(conn).await?;
    holiday_year::ActiveModel {
        year: Set(year),
        source: Set(source.to_owned()),
        imported_by: Set(by),
        imported_at: Set(at),
    }
    .insert(conn)
    .await?;
    Ok(())
}
