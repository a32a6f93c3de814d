//! Bulletins (通报批评, 5.3-3) wholly: the closed cases a draft may list, the bulletin with its
//! lines, the staff's and the public lists, and the guarded moves from draft to signed off to
//! published. The domain passes the stored texts of its states; a guarded write answers whether
//! it moved the row (`false`: another request moved it first).

use sea_orm::ActiveValue::Set;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, EntityTrait, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect,
};

use crate::StoreError;
use crate::entity::{bulletin, bulletin_line, rectification_notice, supervision_case};
use crate::scope::Scope;

/// The cases in `scope` (by their community) whose status is `status`, most recently changed
/// first, at most `limit`.
pub async fn cases_in<C: ConnectionTrait>(
    conn: &C,
    scope: &Scope,
    status: &str,
    limit: u64,
) -> Result<Vec<supervision_case::Model>, StoreError> {
    Ok(supervision_case::Entity::find()
        .filter(supervision_case::Column::Status.eq(status))
        .filter(scope.holds(supervision_case::Column::CommunityNodeId))
        .order_by_desc(supervision_case::Column::UpdatedAt)
        .limit(limit)
        .all(conn)
        .await?)
}

/// One case, to be listed in a bulletin.
pub async fn case<C: ConnectionTrait>(
    conn: &C,
    id: i64,
) -> Result<Option<supervision_case::Model>, StoreError> {
    Ok(supervision_case::Entity::find_by_id(id).one(conn).await?)
}

/// The rectification notice issued on a case, if any.
pub async fn notice_of<C: ConnectionTrait>(
    conn: &C,
    case_id: i64,
) -> Result<Option<rectification_notice::Model>, StoreError> {
    Ok(rectification_notice::Entity::find()
        .filter(rectification_notice::Column::CaseId.eq(case_id))
        .one(conn)
        .await?)
}

/// A new draft's values.
pub struct NewBulletin<'a> {
    pub scope_node_id: i64,
    pub issuer_node_id: i64,
    pub title: &'a str,
    pub period_from: &'a str,
    pub period_to: &'a str,
    /// The stored text of the draft state.
    pub status: &'a str,
    pub drafted_by: i64,
    pub now: i64,
}

/// One line of a new draft, in its position.
pub struct NewLine<'a> {
    pub case_id: i64,
    pub unit_name: &'a str,
    pub violation: &'a str,
    /// The clause IDs as a JSON list.
    pub clauses: &'a str,
    pub outcome: &'a str,
    pub closed_on: &'a str,
}

/// Stores a draft and its lines (positions from 1).
pub async fn insert<C: ConnectionTrait>(
    conn: &C,
    new: NewBulletin<'_>,
    lines: &[NewLine<'_>],
) -> Result<bulletin::Model, StoreError> {
    let b = bulletin::ActiveModel {
        scope_node_id: Set(new.scope_node_id),
        issuer_node_id: Set(new.issuer_node_id),
        title: Set(new.title.to_owned()),
        period_from: Set(new.period_from.to_owned()),
        period_to: Set(new.period_to.to_owned()),
        status: Set(new.status.to_owned()),
        drafted_by: Set(new.drafted_by),
        drafted_at: Set(new.now),
        ..Default::default()
    }
    .insert(conn)
    .await?;
    for (i, l) in lines.iter().enumerate() {
        bulletin_line::ActiveModel {
            bulletin_id: Set(b.id),
            position: Set(i32::try_from(i + 1).unwrap_or(i32::MAX)),
            case_id: Set(l.case_id),
            unit_name: Set(l.unit_name.to_owned()),
            violation: Set(l.violation.to_owned()),
            clauses: Set(l.clauses.to_owned()),
            outcome: Set(l.outcome.to_owned()),
            closed_on: Set(l.closed_on.to_owned()),
            ..Default::default()
        }
        .insert(conn)
        .await?;
    }
    Ok(b)
}

/// One page of the bulletins of the levels `drafting` (by id) or in `approving`, in every
/// state, newest first, and how many there are.
pub async fn staff_page<C: ConnectionTrait>(
    conn: &C,
    drafting: Vec<i64>,
    approving: &Scope,
    offset: u64,
    limit: u64,
) -> Result<(Vec<bulletin::Model>, u64), StoreError> {
    let mut any = Condition::any().add(bulletin::Column::ScopeNodeId.is_in(drafting));
    if !approving.is_empty() {
        any = any.add(approving.holds(bulletin::Column::ScopeNodeId));
    }
    let q = bulletin::Entity::find()
        .filter(any)
        .order_by_desc(bulletin::Column::Id);
    let total = q.clone().count(conn).await?;
    Ok((q.offset(offset).limit(limit).all(conn).await?, total))
}

/// One page of the bulletins in `status` (the published ones), newest first, and how many.
pub async fn page_in_status<C: ConnectionTrait>(
    conn: &C,
    status: &str,
    offset: u64,
    limit: u64,
) -> Result<(Vec<bulletin::Model>, u64), StoreError> {
    let q = bulletin::Entity::find()
        .filter(bulletin::Column::Status.eq(status))
        .order_by_desc(bulletin::Column::PublishedAt)
        .order_by_desc(bulletin::Column::Id);
    let total = q.clone().count(conn).await?;
    Ok((q.offset(offset).limit(limit).all(conn).await?, total))
}

/// One bulletin.
pub async fn by_id<C: ConnectionTrait>(
    conn: &C,
    id: i64,
) -> Result<Option<bulletin::Model>, StoreError> {
    Ok(bulletin::Entity::find_by_id(id).one(conn).await?)
}

/// The bulletin with the serial `serial` (its `TB-` number).
pub async fn by_serial<C: ConnectionTrait>(
    conn: &C,
    serial: &str,
) -> Result<Option<bulletin::Model>, StoreError> {
    Ok(bulletin::Entity::find()
        .filter(bulletin::Column::Serial.eq(serial))
        .one(conn)
        .await?)
}

/// A bulletin's lines in order.
pub async fn lines<C: ConnectionTrait>(
    conn: &C,
    bulletin_id: i64,
) -> Result<Vec<bulletin_line::Model>, StoreError> {
    Ok(bulletin_line::Entity::find()
        .filter(bulletin_line::Column::BulletinId.eq(bulletin_id))
        .order_by_asc(bulletin_line::Column::Position)
        .all(conn)
        .await?)
}

/// The bulletins in `scope` in `status` that `not_by` did not draft (drafts to sign off), oldest
/// first, at most `limit`.
pub async fn waiting_in<C: ConnectionTrait>(
    conn: &C,
    scope: &Scope,
    status: &str,
    not_by: i64,
    limit: u64,
) -> Result<Vec<bulletin::Model>, StoreError> {
    Ok(bulletin::Entity::find()
        .filter(scope.holds(bulletin::Column::ScopeNodeId))
        .filter(bulletin::Column::Status.eq(status))
        .filter(bulletin::Column::DraftedBy.ne(not_by))
        .order_by_asc(bulletin::Column::Id)
        .limit(limit)
        .all(conn)
        .await?)
}

/// The bulletins issued by one of `issuers` in `status` (signed off, to publish), oldest first,
/// at most `limit`.
pub async fn issued_by<C: ConnectionTrait>(
    conn: &C,
    issuers: Vec<i64>,
    status: &str,
    limit: u64,
) -> Result<Vec<bulletin::Model>, StoreError> {
    Ok(bulletin::Entity::find()
        .filter(bulletin::Column::IssuerNodeId.is_in(issuers))
        .filter(bulletin::Column::Status.eq(status))
        .order_by_asc(bulletin::Column::Id)
        .limit(limit)
        .all(conn)
        .await?)
}

/// Moves a bulletin from `from` to the signed-off state `to`; `false` if it was not in `from`.
pub async fn sign_off<C: ConnectionTrait>(
    conn: &C,
    id: i64,
    (from, to): (&str, &str),
    by: i64,
    opinion: Option<&str>,
    now: i64,
) -> Result<bool, StoreError> {
    let moved = bulletin::Entity::update_many()
        .col_expr(bulletin::Column::Status, Expr::value(to))
        .col_expr(bulletin::Column::SignedOffBy, Expr::value(by))
        .col_expr(bulletin::Column::SignedOffAt, Expr::value(now))
        .col_expr(
            bulletin::Column::SignOffOpinion,
            Expr::value(opinion.map(str::to_owned)),
        )
        .filter(bulletin::Column::Id.eq(id))
        .filter(bulletin::Column::Status.eq(from))
        .exec(conn)
        .await?;
    Ok(moved.rows_affected == 1)
}

/// What publishing stores: the serial, check code, seal, sealed document and PDF.
pub struct Publication<'a> {
    pub by: i64,
    pub now: i64,
    pub serial: &'a str,
    pub check_code: &'a str,
    pub seal_id: i64,
    pub document: &'a str,
    pub pdf: &'a [u8],
}

/// Moves a bulletin from `from` to the published state `to`; `false` if it was not in `from`.
pub async fn publish<C: ConnectionTrait>(
    conn: &C,
    id: i64,
    (from, to): (&str, &str),
    p: Publication<'_>,
) -> Result<bool, StoreError> {
    let moved = bulletin::Entity::update_many()
        .col_expr(bulletin::Column::Status, Expr::value(to))
        .col_expr(bulletin::Column::PublishedBy, Expr::value(p.by))
        .col_expr(bulletin::Column::PublishedAt, Expr::value(p.now))
        .col_expr(bulletin::Column::Serial, Expr::value(p.serial))
        .col_expr(bulletin::Column::CheckCode, Expr::value(p.check_code))
        .col_expr(bulletin::Column::SealId, Expr::value(p.seal_id))
        .col_expr(bulletin::Column::Document, Expr::value(p.document))
        .col_expr(bulletin::Column::Pdf, Expr::value(p.pdf.to_vec()))
        .filter(bulletin::Column::Id.eq(id))
        .filter(bulletin::Column::Status.eq(from))
        .exec(conn)
        .await?;
    Ok(moved.rows_affected == 1)
}
