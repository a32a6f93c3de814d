//! The administrative tree (cities, districts, streets, communities, departments): its reads,
//! for the tree module and every module that names a place, and its guarded writes.

use std::collections::HashMap;

use sea_orm::ActiveValue::Set;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder, QuerySelect,
};

use crate::entity::node;
use crate::repo::IDS_PER_STATEMENT;
use crate::scope::Scope;
use crate::{StoreError, is_foreign_key_violation};

/// The nodes `ids` (those that exist), in no particular order; at most
/// [`IDS_PER_STATEMENT`] ids bound per statement.
pub async fn by_ids<C: ConnectionTrait>(
    conn: &C,
    ids: Vec<i64>,
) -> Result<Vec<node::Model>, StoreError> {
    let mut out = Vec::with_capacity(ids.len());
    for batch in ids.chunks(IDS_PER_STATEMENT) {
        out.extend(
            node::Entity::find()
                .filter(node::Column::Id.is_in(batch.iter().copied()))
                .all(conn)
                .await?,
        );
    }
    Ok(out)
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

/// Every node of one of the stored kinds `kinds`, by division code.
pub async fn of_kinds<C: ConnectionTrait>(
    conn: &C,
    kinds: &[&str],
) -> Result<Vec<node::Model>, StoreError> {
    Ok(node::Entity::find()
        .filter(node::Column::Kind.is_in(kinds.iter().copied()))
        .order_by_asc(node::Column::DivisionCode)
        .all(conn)
        .await?)
}

/// Whether the tree has any node.
pub async fn any<C: ConnectionTrait>(conn: &C) -> Result<bool, StoreError> {
    Ok(node::Entity::find().count(conn).await? > 0)
}

/// The first node named `name` (a demo's or an operator's reference to a unique name).
pub async fn by_name<C: ConnectionTrait>(
    conn: &C,
    name: &str,
) -> Result<Option<node::Model>, StoreError> {
    Ok(node::Entity::find()
        .filter(node::Column::Name.eq(name))
        .one(conn)
        .await?)
}

/// The node with the division code `code`.
pub async fn by_division_code<C: ConnectionTrait>(
    conn: &C,
    code: &str,
) -> Result<Option<node::Model>, StoreError> {
    by_code(conn, code, None).await
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

/// The root of the tree (the city): the first node without a parent.
pub async fn root<C: ConnectionTrait>(conn: &C) -> Result<Option<node::Model>, StoreError> {
    Ok(node::Entity::find()
        .filter(node::Column::ParentId.is_null())
        .order_by_asc(node::Column::Id)
        .one(conn)
        .await?)
}

/// One node.
pub async fn by_id<C: ConnectionTrait>(
    conn: &C,
    id: i64,
) -> Result<Option<node::Model>, StoreError> {
    Ok(node::Entity::find_by_id(id).one(conn).await?)
}

/// The node with the materialized path `path`.
pub async fn by_path<C: ConnectionTrait>(
    conn: &C,
    path: &str,
) -> Result<Option<node::Model>, StoreError> {
    Ok(node::Entity::find()
        .filter(node::Column::Path.eq(path))
        .one(conn)
        .await?)
}

/// The node with the division code `code`, except `except` (the node being edited).
pub async fn by_code<C: ConnectionTrait>(
    conn: &C,
    code: &str,
    except: Option<i64>,
) -> Result<Option<node::Model>, StoreError> {
    let mut q = node::Entity::find().filter(node::Column::DivisionCode.eq(code));
    if let Some(id) = except {
        q = q.filter(node::Column::Id.ne(id));
    }
    Ok(q.one(conn).await?)
}

/// Whether `parent_id` has a child named `name` other than `except`.
pub async fn sibling_named<C: ConnectionTrait>(
    conn: &C,
    parent_id: i64,
    name: &str,
    except: Option<i64>,
) -> Result<bool, StoreError> {
    let mut q = node::Entity::find()
        .filter(node::Column::ParentId.eq(parent_id))
        .filter(node::Column::Name.eq(name));
    if let Some(id) = except {
        q = q.filter(node::Column::Id.ne(id));
    }
    Ok(q.one(conn).await?.is_some())
}

/// Nodes of the stored kinds `kinds` whose name contains `needle`, by name, at most `limit`.
pub async fn named_like<C: ConnectionTrait>(
    conn: &C,
    needle: &str,
    kinds: &[&str],
    limit: u64,
) -> Result<Vec<node::Model>, StoreError> {
    Ok(node::Entity::find()
        .filter(node::Column::Name.contains(needle))
        .filter(node::Column::Kind.is_in(kinds.iter().copied()))
        .order_by_asc(node::Column::Name)
        .limit(limit)
        .all(conn)
        .await?)
}

/// Every node in `scope`, by path.
pub async fn under<C: ConnectionTrait>(
    conn: &C,
    scope: &Scope,
) -> Result<Vec<node::Model>, StoreError> {
    Ok(node::Entity::find()
        .filter(scope.path_condition())
        .order_by_asc(node::Column::Path)
        .all(conn)
        .await?)
}

/// How many children a node has.
pub async fn child_count<C: ConnectionTrait>(conn: &C, id: i64) -> Result<u64, StoreError> {
    Ok(node::Entity::find()
        .filter(node::Column::ParentId.eq(id))
        .count(conn)
        .await?)
}

/// What a new node records (its path follows from the parent's and its own id).
#[derive(Clone, Copy, Debug)]
pub struct NewNode<'a> {
    pub kind: &'a str,
    pub subtype: Option<&'a str>,
    pub name: &'a str,
    pub division_code: Option<&'a str>,
    /// `None` for the root (the city).
    pub parent_id: Option<i64>,
    /// `/` for the root.
    pub parent_path: &'a str,
    pub now: i64,
}

/// Stores a node under its parent and sets its path; returns the row as stored. A duplicate
/// name or code answers the store's unique violation.
pub async fn insert<C: ConnectionTrait>(
    conn: &C,
    n: &NewNode<'_>,
) -> Result<node::Model, StoreError> {
    let row = node::ActiveModel {
        kind: Set(n.kind.to_owned()),
        subtype: Set(n.subtype.map(str::to_owned)),
        name: Set(n.name.to_owned()),
        division_code: Set(n.division_code.map(str::to_owned)),
        parent_id: Set(n.parent_id),
        path: Set(String::new()),
        created_at: Set(n.now),
        updated_at: Set(n.now),
        ..Default::default()
    }
    .insert(conn)
    .await?;
    let path = format!("{}{}/", n.parent_path, row.id);
    node::Entity::update_many()
        .col_expr(node::Column::Path, Expr::value(path.clone()))
        .filter(node::Column::Id.eq(row.id))
        .exec(conn)
        .await?;
    Ok(node::Model { path, ..row })
}

/// Renames a node and sets its subtype and division code. A duplicate name or code answers the
/// store's unique violation.
pub async fn update<C: ConnectionTrait>(
    conn: &C,
    id: i64,
    name: &str,
    subtype: Option<&str>,
    division_code: Option<&str>,
    now: i64,
) -> Result<(), StoreError> {
    node::Entity::update_many()
        .col_expr(node::Column::Name, Expr::value(name))
        .col_expr(node::Column::Subtype, Expr::value(subtype))
        .col_expr(node::Column::DivisionCode, Expr::value(division_code))
        .col_expr(node::Column::UpdatedAt, Expr::value(now))
        .filter(node::Column::Id.eq(id))
        .exec(conn)
        .await?;
    Ok(())
}

/// Deletes a node; false when records elsewhere still name it (their foreign keys refuse).
pub async fn delete<C: ConnectionTrait>(conn: &C, id: i64) -> Result<bool, StoreError> {
    match node::Entity::delete_by_id(id).exec(conn).await {
        Ok(_) => Ok(true),
        Err(e) if is_foreign_key_violation(&e) => Ok(false),
        Err(e) => Err(e.into()),
    }
}

/// Every node whose path starts with `path` (the node of that path and all below it).
pub async fn under_path<C: ConnectionTrait>(
    conn: &C,
    path: &str,
) -> Result<Vec<node::Model>, StoreError> {
    Ok(node::Entity::find()
        .filter(node::Column::Path.starts_with(path))
        .all(conn)
        .await?)
}

/// The nodes named, or with a division code, among `tokens`.
pub async fn named_or_coded<C: ConnectionTrait>(
    conn: &C,
    tokens: Vec<String>,
) -> Result<Vec<node::Model>, StoreError> {
    Ok(node::Entity::find()
        .filter(
            sea_orm::Condition::any()
                .add(node::Column::Name.is_in(tokens.clone()))
                .add(node::Column::DivisionCode.is_in(tokens)),
        )
        .all(conn)
        .await?)
}
