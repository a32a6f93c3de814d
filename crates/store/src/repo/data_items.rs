//! The shared data dictionary (数据字典, 4.8-3): the current version of each item and every
//! version kept whole. A change is an UPDATE guarded by the version it was based on, so two
//! administrators editing one item at once cannot overwrite each other unseen.

use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, EntityTrait, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect, Set,
};

use crate::StoreError;
use crate::entity::{data_item, data_item_version};

pub use crate::entity::data_item::Model as DataItemRow;
pub use crate::entity::data_item_version::Model as DataItemVersionRow;

/// Who made a version, and when.
#[derive(Clone, Debug)]
pub struct Change<'a> {
    pub by: Option<i64>,
    pub by_name: &'a str,
    pub at: i64,
    /// The item as it reads in this version (JSON).
    pub body: &'a str,
}

/// Inserts a new item (version 1, `row.id` and `row.version` ignored) and its first version;
/// the new id.
pub async fn insert<C: ConnectionTrait>(
    conn: &C,
    row: DataItemRow,
    change: &Change<'_>,
) -> Result<i64, StoreError> {
    let saved = data_item::ActiveModel {
        code: Set(row.code),
        name: Set(row.name),
        kind: Set(row.kind),
        options: Set(row.options),
        unit: Set(row.unit),
        definition: Set(row.definition),
        source_node_id: Set(row.source_node_id),
        update_cycle: Set(row.update_cycle),
        sharing_class: Set(row.sharing_class),
        sharing_basis: Set(row.sharing_basis),
        personal: Set(row.personal),
        version: Set(1),
        created_at: Set(change.at),
        updated_at: Set(change.at),
        ..Default::default()
    }
    .insert(conn)
    .await?;
    insert_version(conn, saved.id, 1, change).await?;
    Ok(saved.id)
}

async fn insert_version<C: ConnectionTrait>(
    conn: &C,
    item_id: i64,
    version: i32,
    change: &Change<'_>,
) -> Result<(), StoreError> {
    data_item_version::ActiveModel {
        item_id: Set(item_id),
        version: Set(version),
        body: Set(change.body.to_owned()),
        changed_by: Set(change.by),
        changed_by_name: Set(change.by_name.to_owned()),
        changed_at: Set(change.at),
        ..Default::default()
    }
    .insert(conn)
    .await?;
    Ok(())
}

/// Replaces item `row.id`'s fields (not its code) if it is still at version `row.version`,
/// making it `row.version + 1` and keeping that version; false when another change came first.
pub async fn update<C: ConnectionTrait>(
    conn: &C,
    row: DataItemRow,
    change: &Change<'_>,
) -> Result<bool, StoreError> {
    use data_item::Column as C;
    let next = row.version + 1;
    let r = data_item::Entity::update_many()
        .col_expr(C::Name, row.name.into())
        .col_expr(C::Kind, row.kind.into())
        .col_expr(C::Options, row.options.into())
        .col_expr(C::Unit, row.unit.into())
        .col_expr(C::Definition, row.definition.into())
        .col_expr(C::SourceNodeId, row.source_node_id.into())
        .col_expr(C::UpdateCycle, row.update_cycle.into())
        .col_expr(C::SharingClass, row.sharing_class.into())
        .col_expr(C::SharingBasis, row.sharing_basis.into())
        .col_expr(C::Personal, row.personal.into())
        .col_expr(C::Version, next.into())
        .col_expr(C::UpdatedAt, change.at.into())
        .filter(C::Id.eq(row.id))
        .filter(C::Version.eq(row.version))
        .exec(conn)
        .await?;
    if r.rows_affected != 1 {
        return Ok(false);
    }
    insert_version(conn, row.id, next, change).await?;
    Ok(true)
}

/// The item with `code`, if any.
pub async fn by_code<C: ConnectionTrait>(
    conn: &C,
    code: &str,
) -> Result<Option<DataItemRow>, StoreError> {
    Ok(data_item::Entity::find()
        .filter(data_item::Column::Code.eq(code))
        .one(conn)
        .await?)
}

/// The items with these ids (any order).
pub async fn by_ids<C: ConnectionTrait>(
    conn: &C,
    ids: &[i64],
) -> Result<Vec<DataItemRow>, StoreError> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    Ok(data_item::Entity::find()
        .filter(data_item::Column::Id.is_in(ids.iter().copied()))
        .all(conn)
        .await?)
}

/// What the list asks for: a text in the code or name, a type, a sharing class (empty: any).
#[derive(Clone, Copy, Debug, Default)]
pub struct ListFilter<'a> {
    pub q: &'a str,
    pub kind: &'a str,
    pub sharing_class: &'a str,
}

/// One page of the dictionary by code: the total matching and the page's rows.
pub async fn list<C: ConnectionTrait>(
    conn: &C,
    f: ListFilter<'_>,
    offset: u64,
    limit: u64,
) -> Result<(u64, Vec<DataItemRow>), StoreError> {
    use data_item::Column as C;
    let mut q = data_item::Entity::find();
    if !f.q.is_empty() {
        q = q.filter(
            Condition::any()
                .add(C::Code.contains(f.q))
                .add(C::Name.contains(f.q))
                .add(C::Definition.contains(f.q)),
        );
    }
    if !f.kind.is_empty() {
        q = q.filter(C::Kind.eq(f.kind));
    }
    if !f.sharing_class.is_empty() {
        q = q.filter(C::SharingClass.eq(f.sharing_class));
    }
    let total = q.clone().count(conn).await?;
    let rows = q
        .order_by_asc(C::Code)
        .offset(offset)
        .limit(limit)
        .all(conn)
        .await?;
    Ok((total, rows))
}

/// Every version of item `item_id`, the newest first.
pub async fn versions<C: ConnectionTrait>(
    conn: &C,
    item_id: i64,
) -> Result<Vec<DataItemVersionRow>, StoreError> {
    Ok(data_item_version::Entity::find()
        .filter(data_item_version::Column::ItemId.eq(item_id))
        .order_by_desc(data_item_version::Column::Version)
        .all(conn)
        .await?)
}
