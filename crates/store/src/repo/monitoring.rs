//! Monitoring points (4.1-8) and their monthly answers, wholly: the lists, a community's
//! active designation, the answers of a point, the points whose month is still unanswered (for
//! the scheduled job and the to-dos), and the writes — designating and ending a point (guarded
//! by its state), a month answered or recorded missed (guarded by the unique point and month),
//! and the case a "yes" or a missed month opens. The domain passes the [`Scope`] it computed and
//! the stored texts of its states; these functions only build the statements, the same on both
//! databases. Writes take the caller's `tx.conn()` so the audit entry commits with them.

use sea_orm::ActiveValue::Set;
use sea_orm::sea_query::{Expr, OnConflict};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder, QuerySelect,
};

use crate::entity::{monitoring_answer, monitoring_point, supervision_case};
use crate::scope::Scope;
use crate::{Store, StoreError};

/// One page of the monitoring points of `scope` (active first, then by community) and how many
/// there are. `status` keeps one stored state, or `None` for every state.
pub async fn list_points(
    store: &Store,
    scope: &Scope,
    status: Option<&str>,
    offset: u64,
    limit: u64,
) -> Result<(Vec<monitoring_point::Model>, u64), StoreError> {
    let mut s = monitoring_point::Entity::find()
        .filter(scope.holds(monitoring_point::Column::CommunityNodeId));
    if let Some(status) = status {
        s = s.filter(monitoring_point::Column::Status.eq(status));
    }
    let s = s
        .order_by_asc(monitoring_point::Column::Status)
        .order_by_asc(monitoring_point::Column::CommunityNodeId)
        .order_by_desc(monitoring_point::Column::Id);
    let total = s.clone().count(store.db()).await?;
    let rows = s.offset(offset).limit(limit).all(store.db()).await?;
    Ok((rows, total))
}

/// The designation of `community` in the stored state `status`, if any.
pub async fn point_of(
    store: &Store,
    community: i64,
    status: &str,
) -> Result<Option<monitoring_point::Model>, StoreError> {
    Ok(monitoring_point::Entity::find()
        .filter(monitoring_point::Column::CommunityNodeId.eq(community))
        .filter(monitoring_point::Column::Status.eq(status))
        .order_by_desc(monitoring_point::Column::Id)
        .one(store.db())
        .await?)
}

/// Every designation in the stored state `status` (the job's round over the points).
pub async fn points_in(
    store: &Store,
    status: &str,
) -> Result<Vec<monitoring_point::Model>, StoreError> {
    Ok(monitoring_point::Entity::find()
        .filter(monitoring_point::Column::Status.eq(status))
        .order_by_asc(monitoring_point::Column::Id)
        .all(store.db())
        .await?)
}

/// A point's answers and missed months, newest month first.
pub async fn answers(
    store: &Store,
    point: i64,
) -> Result<Vec<monitoring_answer::Model>, StoreError> {
    Ok(monitoring_answer::Entity::find()
        .filter(monitoring_answer::Column::PointId.eq(point))
        .order_by_desc(monitoring_answer::Column::Month)
        .all(store.db())
        .await?)
}

/// The row of `point`'s `month` (`YYYY-MM`), if it was answered or recorded missed.
pub async fn answer_of(
    store: &Store,
    point: i64,
    month: &str,
) -> Result<Option<monitoring_answer::Model>, StoreError> {
    Ok(monitoring_answer::Entity::find()
        .filter(monitoring_answer::Column::PointId.eq(point))
        .filter(monitoring_answer::Column::Month.eq(month))
        .one(store.db())
        .await?)
}

/// The months of `point` already answered or recorded missed.
pub async fn months_done(store: &Store, point: i64) -> Result<Vec<String>, StoreError> {
    Ok(monitoring_answer::Entity::find()
        .select_only()
        .column(monitoring_answer::Column::Month)
        .filter(monitoring_answer::Column::PointId.eq(point))
        .into_tuple()
        .all(store.db())
        .await?)
}

/// Point `id`, if it exists.
pub async fn point<C: ConnectionTrait>(
    conn: &C,
    id: i64,
) -> Result<Option<monitoring_point::Model>, StoreError> {
    Ok(monitoring_point::Entity::find_by_id(id).one(conn).await?)
}

/// Answer row `id`, if it exists.
pub async fn answer<C: ConnectionTrait>(
    conn: &C,
    id: i64,
) -> Result<Option<monitoring_answer::Model>, StoreError> {
    Ok(monitoring_answer::Entity::find_by_id(id).one(conn).await?)
}

/// The ids of the cases answer row `answer_id` opened.
pub async fn cases_of_answer<C: ConnectionTrait>(
    conn: &C,
    answer_id: i64,
) -> Result<Vec<i64>, StoreError> {
    Ok(supervision_case::Entity::find()
        .select_only()
        .column(supervision_case::Column::Id)
        .filter(supervision_case::Column::MonitoringAnswerId.eq(answer_id))
        .into_tuple()
        .all(conn)
        .await?)
}

/// What a designation stores.
pub struct NewPoint<'a> {
    pub community_node_id: i64,
    pub district_node_id: i64,
    pub status: &'a str,
    pub designated_on: &'a str,
    pub designated_by: i64,
    pub note: &'a str,
    pub now: i64,
}

/// Inserts a designation inside the caller's write transaction; the new row. The partial
/// unique index refuses a second active designation of a community (an error).
pub async fn insert_point<C: ConnectionTrait>(
    conn: &C,
    p: NewPoint<'_>,
) -> Result<monitoring_point::Model, StoreError> {
    Ok(monitoring_point::ActiveModel {
        community_node_id: Set(p.community_node_id),
        district_node_id: Set(p.district_node_id),
        status: Set(p.status.to_owned()),
        designated_on: Set(p.designated_on.to_owned()),
        designated_by: Set(p.designated_by),
        ended_on: Set(None),
        ended_by: Set(None),
        note: Set(p.note.to_owned()),
        created_at: Set(p.now),
        updated_at: Set(p.now),
        ..Default::default()
    }
    .insert(conn)
    .await?)
}

/// Ends point `id` still in the stored state `active`: it moves to `ended` on the day `on`,
/// by `by`. `false` when it was no longer active.
pub async fn end_point<C: ConnectionTrait>(
    conn: &C,
    id: i64,
    active: &str,
    ended: &str,
    on: &str,
    by: i64,
    now: i64,
) -> Result<bool, StoreError> {
    let changed = monitoring_point::Entity::update_many()
        .col_expr(monitoring_point::Column::Status, Expr::value(ended))
        .col_expr(monitoring_point::Column::EndedOn, Expr::value(on))
        .col_expr(monitoring_point::Column::EndedBy, Expr::value(by))
        .col_expr(monitoring_point::Column::UpdatedAt, Expr::value(now))
        .filter(monitoring_point::Column::Id.eq(id))
        .filter(monitoring_point::Column::Status.eq(active))
        .exec(conn)
        .await?
        .rows_affected;
    Ok(changed == 1)
}

/// What a month's row stores: an answer (`answered_by` set) or a missed month.
pub struct NewAnswer<'a> {
    pub point_id: i64,
    pub community_node_id: i64,
    pub month: &'a str,
    pub status: &'a str,
    /// The items' answers, as JSON.
    pub items: &'a str,
    pub answered_by: Option<i64>,
    pub now: i64,
}

/// Inserts the row of a point's month inside the caller's write transaction; its id, or `None`
/// when the month already has a row (the unique point and month: another request or run was
/// first, nothing written).
pub async fn insert_answer<C: ConnectionTrait>(
    conn: &C,
    a: NewAnswer<'_>,
) -> Result<Option<i64>, StoreError> {
    let inserted = monitoring_answer::Entity::insert(monitoring_answer::ActiveModel {
        point_id: Set(a.point_id),
        community_node_id: Set(a.community_node_id),
        month: Set(a.month.to_owned()),
        status: Set(a.status.to_owned()),
        items: Set(a.items.to_owned()),
        answered_by: Set(a.answered_by),
        answered_at: Set(a.answered_by.map(|_| a.now)),
        created_at: Set(a.now),
        updated_at: Set(a.now),
        ..Default::default()
    })
    .on_conflict(
        OnConflict::columns([
            monitoring_answer::Column::PointId,
            monitoring_answer::Column::Month,
        ])
        .do_nothing()
        .to_owned(),
    )
    .exec_without_returning(conn)
    .await?;
    if inserted != 1 {
        return Ok(None);
    }
    let id = monitoring_answer::Entity::find()
        .select_only()
        .column(monitoring_answer::Column::Id)
        .filter(monitoring_answer::Column::PointId.eq(a.point_id))
        .filter(monitoring_answer::Column::Month.eq(a.month))
        .into_tuple::<i64>()
        .one(conn)
        .await?;
    id.map(Some)
        .ok_or_else(|| StoreError::Integrity("监测报送行写入后无法读回".into()))
}

/// Answers month row `id` recorded in the stored state `missed`: it becomes `answered` with
/// `items`, by `by`. `false` when it was no longer missed (answered meanwhile).
pub async fn answer_missed<C: ConnectionTrait>(
    conn: &C,
    id: i64,
    missed: &str,
    answered: &str,
    items: &str,
    by: i64,
    now: i64,
) -> Result<bool, StoreError> {
    let changed = monitoring_answer::Entity::update_many()
        .col_expr(monitoring_answer::Column::Status, Expr::value(answered))
        .col_expr(monitoring_answer::Column::Items, Expr::value(items))
        .col_expr(monitoring_answer::Column::AnsweredBy, Expr::value(by))
        .col_expr(monitoring_answer::Column::AnsweredAt, Expr::value(now))
        .col_expr(monitoring_answer::Column::UpdatedAt, Expr::value(now))
        .filter(monitoring_answer::Column::Id.eq(id))
        .filter(monitoring_answer::Column::Status.eq(missed))
        .exec(conn)
        .await?
        .rows_affected;
    Ok(changed == 1)
}
