//! The escalation of overdue rectifications (5.3-3): the cases the job looks at, its guarded
//! write, and the escalated supervisors' to-do list. The domain decides what is overdue and
//! where a case goes; these functions only build the statements, the same on both databases.

use sea_orm::sea_query::{Expr, Query};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};

use crate::StoreError;
use crate::entity::{rectification_notice, supervision_case};
use crate::scope::Scope;

/// The cases in `status` not yet escalated whose notice's due day (`YYYY-MM-DD`) is before
/// `today`, oldest first.
pub async fn due_before<C: ConnectionTrait>(
    conn: &C,
    status: &str,
    today: &str,
) -> Result<Vec<supervision_case::Model>, StoreError> {
    let overdue_notices = Query::select()
        .column(rectification_notice::Column::CaseId)
        .from(rectification_notice::Entity)
        .and_where(rectification_notice::Column::DueOn.lt(today))
        .to_owned();
    Ok(supervision_case::Entity::find()
        .filter(supervision_case::Column::Status.eq(status))
        .filter(supervision_case::Column::EscalatedAt.is_null())
        .filter(supervision_case::Column::Id.in_subquery(overdue_notices))
        .order_by_asc(supervision_case::Column::Id)
        .all(conn)
        .await?)
}

/// Escalates case `id` to node `to` at `now`, only while it is still in `status` and not
/// escalated (another server may have got there first, or the unit answered meanwhile).
/// Whether this call made the change.
pub async fn escalate<C: ConnectionTrait>(
    conn: &C,
    id: i64,
    status: &str,
    to: i64,
    now: i64,
) -> Result<bool, StoreError> {
    let moved = supervision_case::Entity::update_many()
        .col_expr(supervision_case::Column::EscalatedAt, Expr::value(now))
        .col_expr(supervision_case::Column::EscalatedToNodeId, Expr::value(to))
        .col_expr(supervision_case::Column::UpdatedAt, Expr::value(now))
        .filter(supervision_case::Column::Id.eq(id))
        .filter(supervision_case::Column::Status.eq(status))
        .filter(supervision_case::Column::EscalatedAt.is_null())
        .exec(conn)
        .await?;
    Ok(moved.rows_affected == 1)
}

/// The cases in `status` escalated to a node of `scope`, in the order they were escalated.
pub async fn escalated_to<C: ConnectionTrait>(
    conn: &C,
    scope: &Scope,
    status: &str,
) -> Result<Vec<supervision_case::Model>, StoreError> {
    Ok(supervision_case::Entity::find()
        .filter(scope.holds(supervision_case::Column::EscalatedToNodeId))
        .filter(supervision_case::Column::Status.eq(status))
        .order_by_asc(supervision_case::Column::EscalatedAt)
        .order_by_asc(supervision_case::Column::Id)
        .all(conn)
        .await?)
}
