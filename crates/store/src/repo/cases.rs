//! The supervision cases (问题线索): the one insert every source of a case uses ([`NewCase`],
//! [`insert`]), a case by id, the [`Visible`] cases a caller sees, turned into SQL here (its
//! supervised subtrees, or the cases whose notice names one of its units), and the
//! guarded move of a case from the state the caller read to the next. The domain passes the
//! [`Scope`] and units it computed and the stored texts of its states; these functions only
//! build the statements, the same on both databases.

use sea_orm::ActiveValue::Set;
use sea_orm::sea_query::{Expr, ExprTrait, Query};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
    QuerySelect,
};

use crate::StoreError;
use crate::entity::{rectification_notice, supervision_case};
use crate::scope::Scope;

/// A new case, whatever opened it: a community's report, a resident's anonymous report, a
/// monitoring point's answer or missed month, a detector. The domain passes the stored texts of
/// its kind, state and source; what a source does not know stays at its default (`None`).
#[derive(Clone, Debug, Default)]
pub struct NewCase<'a> {
    pub kind: &'a str,
    /// The stored text of the state it opens in.
    pub status: &'a str,
    /// The stored text of where it came from.
    pub source: &'a str,
    /// The node whose supervisors see the case (a community, a street, a district).
    pub node_id: i64,
    /// The account it is reported in the name of; `None` for an anonymous report or a job.
    pub reported_by: Option<i64>,
    pub demanding_unit: String,
    pub description: String,
    pub claimed_number: Option<String>,
    pub demand_id: Option<i64>,
    /// The finding (JSON of the domain's reason view).
    pub finding: String,
    /// The plaque a detected case is about.
    pub plaque_id: Option<i64>,
    /// The monitoring answer (or missed month) it was opened from.
    pub monitoring_answer_id: Option<i64>,
    /// The hash of an anonymous report's follow-up code.
    pub follow_up_hash: Option<String>,
    pub now: i64,
}

impl NewCase<'_> {
    pub(crate) fn active(self) -> supervision_case::ActiveModel {
        supervision_case::ActiveModel {
            kind: Set(self.kind.to_owned()),
            status: Set(self.status.to_owned()),
            source: Set(self.source.to_owned()),
            community_node_id: Set(self.node_id),
            reported_by: Set(self.reported_by),
            demanding_unit: Set(self.demanding_unit),
            description: Set(self.description),
            claimed_number: Set(self.claimed_number),
            demand_id: Set(self.demand_id),
            finding: Set(self.finding),
            plaque_id: Set(self.plaque_id),
            monitoring_answer_id: Set(self.monitoring_answer_id),
            follow_up_hash: Set(self.follow_up_hash),
            created_at: Set(self.now),
            updated_at: Set(self.now),
            ..Default::default()
        }
    }
}

/// Inserts a case inside the caller's write transaction (so its audit entry commits with it);
/// its id.
pub async fn insert<C: ConnectionTrait>(conn: &C, case: NewCase<'_>) -> Result<i64, StoreError> {
    Ok(supervision_case::Entity::insert(case.active())
        .exec(conn)
        .await?
        .last_insert_id)
}

/// Case `id`, if it exists.
pub async fn by_id<C: ConnectionTrait>(
    conn: &C,
    id: i64,
) -> Result<Option<supervision_case::Model>, StoreError> {
    Ok(supervision_case::Entity::find_by_id(id).one(conn).await?)
}

/// Who sees which cases, as the domain worked it out from the authorization table; turned
/// into SQL by [`Visible::condition`] (the domain answers a single case with the same value).
#[derive(Clone, Copy, Debug)]
pub struct Visible<'a> {
    /// The cases at a community in these jurisdictions.
    pub supervised: &'a Scope,
    /// The cases whose notice names one of these units.
    pub notified: &'a [i64],
}

impl Visible<'_> {
    /// The visible cases as a condition on `supervision_case` rows (false when nothing is
    /// visible).
    fn condition(&self) -> Condition {
        let mut any = Condition::any().add(ExprTrait::eq(Expr::val(1), 0));
        if !self.supervised.is_empty() {
            any = any.add(
                self.supervised
                    .holds(supervision_case::Column::CommunityNodeId),
            );
        }
        if !self.notified.is_empty() {
            let named = Query::select()
                .column(rectification_notice::Column::CaseId)
                .from(rectification_notice::Entity)
                .and_where(rectification_notice::Column::UnitNodeId.is_in(self.notified.to_vec()))
                .to_owned();
            any = any.add(supervision_case::Column::Id.in_subquery(named));
        }
        any
    }
}

/// The first `limit` cases at a community of `scope` in one of the stored `states`, oldest
/// first (a supervisor's to-dos).
pub async fn waiting<C: ConnectionTrait>(
    conn: &C,
    scope: &Scope,
    states: &[&str],
    limit: u64,
) -> Result<Vec<supervision_case::Model>, StoreError> {
    Ok(supervision_case::Entity::find()
        .filter(scope.holds(supervision_case::Column::CommunityNodeId))
        .filter(supervision_case::Column::Status.is_in(states.to_vec()))
        .order_by_asc(supervision_case::Column::Id)
        .limit(limit)
        .all(conn)
        .await?)
}

/// Which cases of the list: all, those in a stored state, or those still in the stored state
/// `rectifying` whose notice was due before `today` (YYYY-MM-DD).
#[derive(Clone, Debug)]
pub enum StateFilter<'a> {
    Any,
    Is(&'a str),
    Overdue { rectifying: &'a str, today: String },
}

/// The cases `visible` holds (a [`visible`] condition) passing `state`, newest first: the
/// total and one window of rows.
pub async fn list<C: ConnectionTrait>(
    conn: &C,
    visible: &Visible<'_>,
    state: &StateFilter<'_>,
    offset: u64,
    limit: u64,
) -> Result<(u64, Vec<supervision_case::Model>), StoreError> {
    let mut q = supervision_case::Entity::find().filter(visible.condition());
    match state {
        StateFilter::Any => {}
        StateFilter::Is(s) => q = q.filter(supervision_case::Column::Status.eq(*s)),
        StateFilter::Overdue { rectifying, today } => {
            let overdue = Query::select()
                .column(rectification_notice::Column::CaseId)
                .from(rectification_notice::Entity)
                .and_where(rectification_notice::Column::DueOn.lt(today.as_str()))
                .to_owned();
            q = q
                .filter(supervision_case::Column::Status.eq(*rectifying))
                .filter(supervision_case::Column::Id.in_subquery(overdue));
        }
    }
    let q = q.order_by_desc(supervision_case::Column::Id);
    let total = q.clone().count(conn).await?;
    Ok((total, q.offset(offset).limit(limit).all(conn).await?))
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
