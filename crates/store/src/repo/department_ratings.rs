//! Communities' ratings of the departments and streets that place work on them (社区评议部门,
//! 5.3-2; issue 12 §3), wholly here: the units a community may rate (the requesters of the
//! demands aimed at it, the units its unadmitted-demand reports name), the ratings, their
//! guarded writes taking the caller's `tx.conn()` so the audit entry commits with them, and the
//! facts the product knows of each unit (admitted demands and their burden, overdue notices).
//! The domain passes the stored texts of its states and the year's bounds.

use sea_orm::ActiveValue::Set;
use sea_orm::sea_query::{Expr, Func, OnConflict, Query};
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Statement,
};

use crate::entity::{
    demand, demand_target, department_rating, node, rectification_notice, supervision_case,
};
use crate::scope::Scope;
use crate::{Store, StoreError};

/// The requesters of the demands in one of `states` aimed at `community` whose validity meets
/// the days `from`..=`to` (`YYYY-MM-DD`).
pub async fn requesters_for(
    store: &Store,
    community: i64,
    states: &[&str],
    from: &str,
    to: &str,
) -> Result<Vec<i64>, StoreError> {
    Ok(demand::Entity::find()
        .select_only()
        .column(demand::Column::RequesterNodeId)
        .distinct()
        .filter(demand::Column::Status.is_in(states.iter().copied()))
        .filter(demand::Column::ValidFrom.lte(to))
        .filter(demand::Column::ValidTo.gte(from))
        .filter(
            demand::Column::Id.in_subquery(
                Query::select()
                    .column(demand_target::Column::DemandId)
                    .from(demand_target::Entity)
                    .and_where(demand_target::Column::CommunityNodeId.eq(community))
                    .to_owned(),
            ),
        )
        .into_tuple()
        .all(store.db())
        .await?)
}

/// A community's report of a demand that came without admission, with what names its unit.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Report {
    pub case_id: i64,
    pub community_node_id: i64,
    /// The unit as the community wrote it.
    pub demanding_unit: String,
    /// The requester of the demand whose number the report claimed, if it matched one.
    pub requester_node_id: Option<i64>,
    /// The unit the case's rectification notice names, if one was issued.
    pub notice_unit_node_id: Option<i64>,
}

/// The cases of `kind` reported between `from_ms` (inclusive) and `to_ms` (exclusive), by
/// `community` or by every community.
pub async fn reports(
    store: &Store,
    kind: &str,
    from_ms: i64,
    to_ms: i64,
    community: Option<i64>,
) -> Result<Vec<Report>, StoreError> {
    let mut q = supervision_case::Entity::find()
        .filter(supervision_case::Column::Kind.eq(kind))
        .filter(supervision_case::Column::CreatedAt.gte(from_ms))
        .filter(supervision_case::Column::CreatedAt.lt(to_ms));
    if let Some(c) = community {
        q = q.filter(supervision_case::Column::CommunityNodeId.eq(c));
    }
    let cases = q
        .order_by_asc(supervision_case::Column::Id)
        .all(store.db())
        .await?;
    let demand_ids: Vec<i64> = cases.iter().filter_map(|c| c.demand_id).collect();
    let requesters: Vec<(i64, i64)> = if demand_ids.is_empty() {
        Vec::new()
    } else {
        demand::Entity::find()
            .select_only()
            .column(demand::Column::Id)
            .column(demand::Column::RequesterNodeId)
            .filter(demand::Column::Id.is_in(demand_ids))
            .into_tuple()
            .all(store.db())
            .await?
    };
    let case_ids: Vec<i64> = cases.iter().map(|c| c.id).collect();
    let notices: Vec<(i64, i64)> = if case_ids.is_empty() {
        Vec::new()
    } else {
        rectification_notice::Entity::find()
            .select_only()
            .column(rectification_notice::Column::CaseId)
            .column(rectification_notice::Column::UnitNodeId)
            .filter(rectification_notice::Column::CaseId.is_in(case_ids))
            .into_tuple()
            .all(store.db())
            .await?
    };
    Ok(cases
        .into_iter()
        .map(|c| Report {
            case_id: c.id,
            community_node_id: c.community_node_id,
            requester_node_id: c
                .demand_id
                .and_then(|d| requesters.iter().find(|r| r.0 == d).map(|r| r.1)),
            notice_unit_node_id: notices.iter().find(|n| n.0 == c.id).map(|n| n.1),
            demanding_unit: c.demanding_unit,
        })
        .collect())
}

/// The nodes of one of `kinds` named exactly one of `names`.
pub async fn units_named(
    store: &Store,
    names: Vec<String>,
    kinds: &[&str],
) -> Result<Vec<node::Model>, StoreError> {
    if names.is_empty() {
        return Ok(Vec::new());
    }
    Ok(node::Entity::find()
        .filter(node::Column::Name.is_in(names))
        .filter(node::Column::Kind.is_in(kinds.iter().copied()))
        .order_by_asc(node::Column::Id)
        .all(store.db())
        .await?)
}

/// The nodes among `ids` in `scope`, by name.
pub async fn units_in(
    store: &Store,
    scope: &Scope,
    ids: Vec<i64>,
) -> Result<Vec<node::Model>, StoreError> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    Ok(node::Entity::find()
        .filter(node::Column::Id.is_in(ids))
        .filter(scope.path_condition())
        .order_by_asc(node::Column::Name)
        .all(store.db())
        .await?)
}

/// The requesters of every demand in one of `states` whose validity meets `from`..=`to`.
pub async fn requesters_in(
    store: &Store,
    states: &[&str],
    from: &str,
    to: &str,
) -> Result<Vec<i64>, StoreError> {
    Ok(demand::Entity::find()
        .select_only()
        .column(demand::Column::RequesterNodeId)
        .distinct()
        .filter(demand::Column::Status.is_in(states.iter().copied()))
        .filter(demand::Column::ValidFrom.lte(to))
        .filter(demand::Column::ValidTo.gte(from))
        .into_tuple()
        .all(store.db())
        .await?)
}

/// A unit's admitted demands of a year and the burden they put on the communities.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct DemandFacts {
    pub unit_node_id: i64,
    /// Demands (each once, whatever its number of communities).
    pub demands: i64,
    /// Minutes per year, summed over every community each demand is aimed at.
    pub minutes: i64,
}

/// [`DemandFacts`] of every requester, over the demands in one of `states` whose validity meets
/// `from`..=`to`. Aggregated in SQL.
pub async fn demand_facts(
    store: &Store,
    states: &[&str],
    from: &str,
    to: &str,
) -> Result<Vec<DemandFacts>, StoreError> {
    let marks: Vec<String> = (0..states.len()).map(|i| format!("${}", i + 3)).collect();
    let sql = format!(
        "SELECT d.requester_node_id AS id, COUNT(DISTINCT d.id) AS n, \
         CAST(SUM(CAST(d.minutes_per_occurrence AS BIGINT) * d.occurrences_per_year) AS BIGINT) AS minutes \
         FROM demand d JOIN demand_target t ON t.demand_id = d.id \
         WHERE d.valid_from <= $1 AND d.valid_to >= $2 AND d.status IN ({}) \
         GROUP BY d.requester_node_id",
        marks.join(", ")
    );
    let mut values: Vec<sea_orm::Value> = vec![to.into(), from.into()];
    values.extend(states.iter().map(|s| (*s).into()));
    let db = store.db();
    let rows = db
        .query_all_raw(Statement::from_sql_and_values(
            db.get_database_backend(),
            sql,
            values,
        ))
        .await?;
    rows.into_iter()
        .map(|r| {
            Ok(DemandFacts {
                unit_node_id: r.try_get("", "id")?,
                demands: r.try_get("", "n")?,
                minutes: r.try_get("", "minutes")?,
            })
        })
        .collect()
}

/// Per unit, the rectification notices due in `from`..=`to` that went past their due day
/// without an answer: still in the stored state `rectifying` after `today`, or escalated.
pub async fn overdue_notices(
    store: &Store,
    rectifying: &str,
    from: &str,
    to: &str,
    today: &str,
) -> Result<Vec<(i64, i64)>, StoreError> {
    let sql = "SELECT n.unit_node_id AS id, COUNT(*) AS n \
         FROM rectification_notice n JOIN supervision_case c ON c.id = n.case_id \
         WHERE n.due_on >= $1 AND n.due_on <= $2 \
         AND ((c.status = $3 AND n.due_on < $4) OR c.escalated_at IS NOT NULL) \
         GROUP BY n.unit_node_id";
    let db = store.db();
    let rows = db
        .query_all_raw(Statement::from_sql_and_values(
            db.get_database_backend(),
            sql,
            [from.into(), to.into(), rectifying.into(), today.into()],
        ))
        .await?;
    rows.into_iter()
        .map(|r| Ok((r.try_get("", "id")?, r.try_get("", "n")?)))
        .collect()
}

/// The rating of `unit` by `community` for `year`, if any.
pub async fn rating_of<C: ConnectionTrait>(
    conn: &C,
    year: i32,
    community: i64,
    unit: i64,
) -> Result<Option<department_rating::Model>, StoreError> {
    Ok(department_rating::Entity::find()
        .filter(department_rating::Column::Year.eq(year))
        .filter(department_rating::Column::CommunityNodeId.eq(community))
        .filter(department_rating::Column::UnitNodeId.eq(unit))
        .one(conn)
        .await?)
}

/// A community's ratings of `year`.
pub async fn ratings_by(
    store: &Store,
    year: i32,
    community: i64,
) -> Result<Vec<department_rating::Model>, StoreError> {
    Ok(department_rating::Entity::find()
        .filter(department_rating::Column::Year.eq(year))
        .filter(department_rating::Column::CommunityNodeId.eq(community))
        .all(store.db())
        .await?)
}

/// The ratings of `year` of the units among `units` (every unit when `None`), ordered by their
/// comment (never by who rated or when: the order must not tell the raters apart).
pub async fn ratings_of(
    store: &Store,
    year: i32,
    units: Option<Vec<i64>>,
) -> Result<Vec<department_rating::Model>, StoreError> {
    let mut q = department_rating::Entity::find().filter(department_rating::Column::Year.eq(year));
    if let Some(units) = units {
        q = q.filter(department_rating::Column::UnitNodeId.is_in(units));
    }
    Ok(q.order_by_asc(department_rating::Column::Comment)
        .all(store.db())
        .await?)
}

/// The units rated in `year`.
pub async fn rated_units(store: &Store, year: i32) -> Result<Vec<i64>, StoreError> {
    Ok(department_rating::Entity::find()
        .select_only()
        .column(department_rating::Column::UnitNodeId)
        .distinct()
        .filter(department_rating::Column::Year.eq(year))
        .into_tuple()
        .all(store.db())
        .await?)
}

/// How many units each of `communities` rated in `year` (communities that rated none are
/// absent): counts only, for the district's breakdown.
pub async fn rated_counts(
    store: &Store,
    year: i32,
    communities: Vec<i64>,
) -> Result<Vec<(i64, i64)>, StoreError> {
    Ok(department_rating::Entity::find()
        .select_only()
        .column(department_rating::Column::CommunityNodeId)
        .expr(Func::count(Expr::col(department_rating::Column::Id)))
        .filter(department_rating::Column::Year.eq(year))
        .filter(department_rating::Column::CommunityNodeId.is_in(communities))
        .group_by(department_rating::Column::CommunityNodeId)
        .into_tuple()
        .all(store.db())
        .await?)
}

/// What a rating writes.
#[derive(Clone, Copy, Debug)]
pub struct Rated<'a> {
    pub year: i32,
    pub community_node_id: i64,
    pub unit_node_id: i64,
    pub answers: &'a str,
    pub comment: &'a str,
    pub rated_by: i64,
    pub now: i64,
}

/// Inserts a first rating; `None` when the community already rated the unit that year (another
/// request did first).
pub async fn insert<C: ConnectionTrait>(conn: &C, r: Rated<'_>) -> Result<Option<i64>, StoreError> {
    let inserted = department_rating::Entity::insert(department_rating::ActiveModel {
        year: Set(r.year),
        community_node_id: Set(r.community_node_id),
        unit_node_id: Set(r.unit_node_id),
        answers: Set(r.answers.to_owned()),
        comment: Set(r.comment.to_owned()),
        rated_by: Set(r.rated_by),
        created_at: Set(r.now),
        updated_at: Set(r.now),
        ..Default::default()
    })
    .on_conflict(
        OnConflict::columns([
            department_rating::Column::Year,
            department_rating::Column::CommunityNodeId,
            department_rating::Column::UnitNodeId,
        ])
        .do_nothing()
        .to_owned(),
    )
    .exec_without_returning(conn)
    .await?;
    if inserted != 1 {
        return Ok(None);
    }
    Ok(rating_of(conn, r.year, r.community_node_id, r.unit_node_id)
        .await?
        .map(|m| m.id))
}

/// Replaces rating `id` (a correction), guarded by the `updated_at` the caller read; false when
/// it changed meanwhile.
pub async fn replace<C: ConnectionTrait>(
    conn: &C,
    id: i64,
    read_at: i64,
    r: Rated<'_>,
) -> Result<bool, StoreError> {
    let changed = department_rating::Entity::update_many()
        .col_expr(department_rating::Column::Answers, Expr::value(r.answers))
        .col_expr(department_rating::Column::Comment, Expr::value(r.comment))
        .col_expr(department_rating::Column::RatedBy, Expr::value(r.rated_by))
        .col_expr(department_rating::Column::UpdatedAt, Expr::value(r.now))
        .filter(department_rating::Column::Id.eq(id))
        .filter(department_rating::Column::UpdatedAt.eq(read_at))
        .exec(conn)
        .await?
        .rows_affected;
    Ok(changed == 1)
}
