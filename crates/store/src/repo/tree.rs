//! The administrative tree's nodes, read by id or by parent.
//!
//! The tree module's own queries (create, move, delete) still sit in `domain/src/tree.rs`
//! (issue 11 moves them next); these are the reads other modules make of it.

use std::collections::HashMap;

use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};

use crate::StoreError;
use crate::entity::node;

/// The nodes `ids` (those that exist), in no particular order.
pub async fn by_ids<C: ConnectionTrait>(
    conn: &C,
    ids: Vec<i64>,
) -> Result<Vec<node::Model>, StoreError> {
    Ok(node::Entity::find()
        .filter(node::Column::Id.is_in(ids))
        .all(conn)
        .await?)
}

/// The names of the nodes `ids`, by id.
pub async fn names<C: ConnectionTrait>(
    conn: &C,
    ids: Vec<i64>,
) -> Result<HashMap<i64, String>, StoreError> {
    Ok(by_ids(conn, ids)
        .await?
        .into_iter()
        .map(|n| (n.id, n.name))
        .collect())
}

/// The children of a node, by division code.
pub async fn children<C: ConnectionTrait>(
    conn: &C,
    parent_id: i64,
) -> Result<Vec<node::Model>, StoreError> {
    Ok(node::Entity::find()
        .filter(node::Column::ParentId.eq(parent_id))
        .order_by_asc(node::Column::DivisionCode)
        .all(conn)
        .await?)
}

/// The children of a node of the stored kinds `kinds`, by division code.
pub async fn children_of_kinds<C: ConnectionTrait>(
    conn: &C,
    parent_id: i64,
    kinds: &[&str],
) -> Result<Vec<node::Model>, StoreError> {
    Ok(node::Entity::find()
        .filter(node::Column::ParentId.eq(parent_id))
        .filter(node::Column::Kind.is_in(kinds.iter().copied()))
        .order_by_asc(node::Column::DivisionCode)
        .all(conn)
        .await?)
}

/// Every node of the stored kind `kind`.
pub async fn of_kind<C: ConnectionTrait>(
    conn: &C,
    kind: &str,
) -> Result<Vec<node::Model>, StoreError> {
    Ok(node::Entity::find()
        .filter(node::Column::Kind.eq(kind))
        .all(conn)
        .await?)
}
