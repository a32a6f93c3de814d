//! Requests to read 有条件 shared data items (issue 13 §3, 4.8-3), wholly here: the insert,
//! one by id, the requests of some departments or owned by some units, the requests a reader
//! holds for an item and community, and the guarded decision. Writes take the caller's
//! `tx.conn()` so the audit entry commits with them.

use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, EntityTrait, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect, Set,
};

use crate::StoreError;
use crate::entity::data_request;

pub use crate::entity::data_request::Model as DataRequestRow;

/// Stores a new request; its id.
pub async fn insert<C: ConnectionTrait>(conn: &C, row: &DataRequestRow) -> Result<i64, StoreError> {
    let m = data_request::ActiveModel {
        requester_node_id: Set(row.requester_node_id),
        requested_by: Set(row.requested_by),
        requested_by_name: Set(row.requested_by_name.clone()),
        item_code: Set(row.item_code.clone()),
        community_node_id: Set(row.community_node_id),
        owner_node_id: Set(row.owner_node_id),
        purpose: Set(row.purpose.clone()),
        state: Set(row.state.clone()),
        decided_by: Set(None),
        decided_by_name: Set(None),
        decided_at: Set(None),
        decision_note: Set(String::new()),
        created_at: Set(row.created_at),
        ..Default::default()
    }
    .insert(conn)
    .await?;
    Ok(m.id)
}

/// The request `id`, if any.
pub async fn by_id<C: ConnectionTrait>(
    conn: &C,
    id: i64,
) -> Result<Option<DataRequestRow>, StoreError> {
    Ok(data_request::Entity::find_by_id(id).one(conn).await?)
}

/// The requests of department `requester` for `item_code` of `community`, the newest first.
pub async fn of_reader<C: ConnectionTrait>(
    conn: &C,
    requester: &[i64],
    item_codes: &[String],
    community: i64,
) -> Result<Vec<DataRequestRow>, StoreError> {
    use data_request::Column as R;
    if requester.is_empty() || item_codes.is_empty() {
        return Ok(Vec::new());
    }
    Ok(data_request::Entity::find()
        .filter(R::RequesterNodeId.is_in(requester.iter().copied()))
        .filter(R::ItemCode.is_in(item_codes.iter().cloned()))
        .filter(R::CommunityNodeId.eq(community))
        .order_by_desc(R::Id)
        .all(conn)
        .await?)
}

/// One page of the requests filed by the units `requesters` or owned by the units `owners`,
/// the newest first: the total and the page's rows.
pub async fn list<C: ConnectionTrait>(
    conn: &C,
    requesters: &[i64],
    owners: &[i64],
    offset: u64,
    limit: u64,
) -> Result<(u64, Vec<DataRequestRow>), StoreError> {
    use data_request::Column as R;
    if requesters.is_empty() && owners.is_empty() {
        return Ok((0, Vec::new()));
    }
    let mut any = Condition::any();
    if !requesters.is_empty() {
        any = any.add(R::RequesterNodeId.is_in(requesters.iter().copied()));
    }
    if !owners.is_empty() {
        any = any.add(R::OwnerNodeId.is_in(owners.iter().copied()));
    }
    let q = data_request::Entity::find().filter(any);
    let total = q.clone().count(conn).await?;
    let rows = q
        .order_by_desc(R::Id)
        .offset(offset)
        .limit(limit)
        .all(conn)
        .await?;
    Ok((total, rows))
}

/// How a request is decided.
#[derive(Clone, Copy, Debug)]
pub struct Decision<'a> {
    /// The state it must still be in.
    pub from: &'a str,
    pub to: &'a str,
    pub by: i64,
    pub by_name: &'a str,
    pub at: i64,
    pub note: &'a str,
}

/// Decides request `id` if it is still in `d.from`: whether it changed (a request is decided
/// once).
pub async fn decide<C: ConnectionTrait>(
    conn: &C,
    id: i64,
    d: Decision<'_>,
) -> Result<bool, StoreError> {
    use data_request::Column as R;
    let r = data_request::Entity::update_many()
        .col_expr(R::State, d.to.into())
        .col_expr(R::DecidedBy, d.by.into())
        .col_expr(R::DecidedByName, d.by_name.into())
        .col_expr(R::DecidedAt, d.at.into())
        .col_expr(R::DecisionNote, d.note.into())
        .filter(R::Id.eq(id))
        .filter(R::State.eq(d.from))
        .exec(conn)
        .await?;
    Ok(r.rows_affected == 1)
}

/// How many requests were ever filed (the demo's reads are seeded once, on none).
pub async fn count_all<C: ConnectionTrait>(conn: &C) -> Result<u64, StoreError> {
    Ok(data_request::Entity::find().count(conn).await?)
}
