//! The reports of supervision cases (issue 14 §1): the cases a new report may belong to, the
//! guarded writes that list a report on its case or reopen a closed one, and the lists of a
//! case's reports and of a reporter's own. The domain decides with `jianfu_rules::grouping`
//! and passes the stored texts of the states.

use sea_orm::sea_query::Query;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect, prelude::Expr,
};

use crate::StoreError;
use crate::entity::{case_report, supervision_case};

/// A case a report may be grouped into, with its reports (oldest first).
pub struct Candidate {
    pub case: supervision_case::Model,
    pub reports: Vec<case_report::Model>,
}

/// The cases of `kind` not in `dropped` (dismissed) with a report at `community` since
/// `since` (ms), newest first, each with its reports.
pub async fn candidates<C: ConnectionTrait>(
    conn: &C,
    kind: &str,
    dropped: &str,
    community: i64,
    since: i64,
) -> Result<Vec<Candidate>, StoreError> {
    let reported_here = Query::select()
        .column(case_report::Column::CaseId)
        .from(case_report::Entity)
        .and_where(case_report::Column::CommunityNodeId.eq(community))
        .and_where(case_report::Column::CreatedAt.gte(since))
        .to_owned();
    let cases = supervision_case::Entity::find()
        .filter(supervision_case::Column::Kind.eq(kind))
        .filter(supervision_case::Column::Status.ne(dropped))
        .filter(supervision_case::Column::Id.in_subquery(reported_here))
        .order_by_desc(supervision_case::Column::Id)
        .limit(50)
        .all(conn)
        .await?;
    let mut out = Vec::with_capacity(cases.len());
    for case in cases {
        let reports = of_case(conn, case.id).await?;
        out.push(Candidate { case, reports });
    }
    Ok(out)
}

/// What a report stores.
pub struct NewReport<'a> {
    pub case_id: i64,
    pub community: i64,
    pub reported_by: Option<i64>,
    pub demanding_unit: &'a str,
    pub description: &'a str,
    pub claimed_number: Option<&'a str>,
    pub grouping: &'a str,
    pub now: i64,
}

/// Lists a report on its case inside the caller's transaction; its id.
pub async fn insert<C: ConnectionTrait>(conn: &C, r: &NewReport<'_>) -> Result<i64, StoreError> {
    let row = case_report::ActiveModel {
        case_id: Set(r.case_id),
        community_node_id: Set(r.community),
        reported_by: Set(r.reported_by),
        demanding_unit: Set(r.demanding_unit.to_owned()),
        description: Set(r.description.to_owned()),
        claimed_number: Set(r.claimed_number.map(str::to_owned)),
        grouping: Set(r.grouping.to_owned()),
        created_at: Set(r.now),
        ..Default::default()
    }
    .insert(conn)
    .await?;
    Ok(row.id)
}

/// Sets a case from `from` (closed) to `to` (open) once; `false` when it was no longer in
/// `from` (someone else reopened it first).
pub async fn reopen<C: ConnectionTrait>(
    conn: &C,
    case_id: i64,
    from: &str,
    to: &str,
    now: i64,
) -> Result<bool, StoreError> {
    let r = supervision_case::Entity::update_many()
        .col_expr(supervision_case::Column::Status, Expr::value(to))
        .col_expr(supervision_case::Column::UpdatedAt, Expr::value(now))
        .filter(supervision_case::Column::Id.eq(case_id))
        .filter(supervision_case::Column::Status.eq(from))
        .exec(conn)
        .await?;
    Ok(r.rows_affected == 1)
}

/// Marks a case as touched by a new report (its `updated_at`) while it is in `status`;
/// `false` when it moved meanwhile.
pub async fn touch<C: ConnectionTrait>(
    conn: &C,
    case_id: i64,
    status: &str,
    now: i64,
) -> Result<bool, StoreError> {
    let r = supervision_case::Entity::update_many()
        .col_expr(supervision_case::Column::UpdatedAt, Expr::value(now))
        .filter(supervision_case::Column::Id.eq(case_id))
        .filter(supervision_case::Column::Status.eq(status))
        .exec(conn)
        .await?;
    Ok(r.rows_affected == 1)
}

/// The reports of a case, oldest first.
pub async fn of_case<C: ConnectionTrait>(
    conn: &C,
    case_id: i64,
) -> Result<Vec<case_report::Model>, StoreError> {
    Ok(case_report::Entity::find()
        .filter(case_report::Column::CaseId.eq(case_id))
        .order_by_asc(case_report::Column::Id)
        .all(conn)
        .await?)
}

/// One page of the reports an account filed, newest first, each with its case, and how many.
pub async fn of_reporter<C: ConnectionTrait>(
    conn: &C,
    account: i64,
    offset: u64,
    limit: u64,
) -> Result<
    (
        Vec<(case_report::Model, Option<supervision_case::Model>)>,
        u64,
    ),
    StoreError,
> {
    let q = case_report::Entity::find()
        .filter(case_report::Column::ReportedBy.eq(account))
        .order_by_desc(case_report::Column::Id);
    let total = q.clone().count(conn).await?;
    let rows = q.offset(offset).limit(limit).all(conn).await?;
    let mut out = Vec::with_capacity(rows.len());
    for r in rows {
        let case = supervision_case::Entity::find_by_id(r.case_id)
            .one(conn)
            .await?;
        out.push((r, case));
    }
    Ok((out, total))
}

/// How many reports each of `cases` lists.
pub async fn count_of<C: ConnectionTrait>(conn: &C, case_id: i64) -> Result<u64, StoreError> {
    Ok(case_report::Entity::find()
        .filter(case_report::Column::CaseId.eq(case_id))
        .count(conn)
        .await?)
}
