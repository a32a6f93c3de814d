//! Accounts, as other modules read them (who closed a task, who decided).
//!
//! The accounts module's own queries (sign-in, sessions, grants) still sit in
//! `domain/src/accounts.rs` and `auth.rs` (issue 11 moves them next).

use std::collections::HashMap;

use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QuerySelect,
};

use crate::StoreError;
use crate::entity::{account, role_grant};

/// The display names of the accounts `ids`, by id.
pub async fn display_names<C: ConnectionTrait>(
    conn: &C,
    ids: Vec<i64>,
) -> Result<HashMap<i64, String>, StoreError> {
    let rows: Vec<(i64, String)> = account::Entity::find()
        .select_only()
        .column(account::Column::Id)
        .column(account::Column::DisplayName)
        .filter(account::Column::Id.is_in(ids))
        .into_tuple()
        .all(conn)
        .await?;
    Ok(rows.into_iter().collect())
}

/// How many accounts have `node_id` as their home, and how many role grants name it.
pub async fn at_node<C: ConnectionTrait>(conn: &C, node_id: i64) -> Result<(u64, u64), StoreError> {
    let accounts = account::Entity::find()
        .filter(account::Column::HomeNodeId.eq(node_id))
        .count(conn)
        .await?;
    let grants = role_grant::Entity::find()
        .filter(role_grant::Column::NodeId.eq(node_id))
        .count(conn)
        .await?;
    Ok((accounts, grants))
}
