//! The supervision cases (问题线索): a case by id, the condition that keeps the cases a caller
//! sees (its supervised subtrees, or the cases whose notice names one of its units), and the
//! guarded move of a case from the state the caller read to the next. The domain passes the
//! [`Scope`] and units it computed and the stored texts of its states; these functions only
//! build the statements, the same on both databases.

use sea_orm::sea_query::{Expr, ExprTrait, Query};
use sea_orm::{ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter};

use crate::StoreError;
use crate::entity::{rectification_notice, supervision_case};
use crate::scope::Scope;

/// Case `id`, if it exists.
pub async fn by_id<C: ConnectionTrait>(
    conn: &C,
    id: i64,
) -> Result<Option<supervision_case::Model>, StoreError> {
    Ok(supervision_case::Entity::find_by_id(id).one(conn).await?)
}

/// The cases at a community `supervised` holds, or whose notice names one of `notified`, as a
/// condition on `supervision_case` rows (false when both are empty).
pub fn visible(supervised: &Scope, notified: &[i64]) -> Condition {
    let mut any = Condition::any().add(ExprTrait::eq(Expr::val(1), 0));
    if !supervised.is_empty() {
        any = any.add(supervised.holds(supervision_case::Column::CommunityNodeId));
    }
    if !notified.is_empty() {
        let named = Query::select()
            .column(rectification_notice::Column::CaseId)
            .from(rectification_notice::Entity)
            .and_where(rectification_notice::Column::UnitNodeId.is_in(notified.to_vec()))
            .to_owned();
        any = any.add(supervision_case::Column::Id.in_subquery(named));
    }
    any
}

/// Moves case `id` from the stored state `from` to `to`, inside the caller's write
/// transaction; `false` when the case is no longer in `from` (someone else moved it first).
pub async fn move_status<C: ConnectionTrait>(
    conn: &C,
    id: i64,
    from: &str,
    to: &str,
    now: i64,
) -> Result<bool, StoreError> {
    let updated = supervision_case::Entity::update_many()
        .col_expr(supervision_case::Column::Status, Expr::value(to))
        .col_expr(supervision_case::Column::UpdatedAt, Expr::value(now))
        .filter(supervision_case::Column::Id.eq(id))
        .filter(supervision_case::Column::Status.eq(from))
        .exec(conn)
        .await?;
    Ok(updated.rows_affected == 1)
}
