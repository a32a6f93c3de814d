//! Monitoring points (4.1-8) and their monthly answers: the lists, a community's active
//! designation, the answers of a point, and the points whose month is still unanswered (for
//! the scheduled job and the to-dos). The domain passes the [`Scope`] it computed and the
//! stored texts of its states; these functions only build the statements, the same on both
//! databases.

use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect};

use crate::entity::{monitoring_answer, monitoring_point};
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
