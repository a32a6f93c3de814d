//! Bulletins over the API (通报批评, 5.3-3; issue 14, slice 4): the public list and bulletin
//! with its PDF (no login), and the staff's twins of `/bulletin-drafts`: the level's bulletins
//! in every state, drafting, sign-off and publishing.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use jianfu_domain::bulletin::{BulletinForm, BulletinLineView, BulletinView};
use jianfu_domain::page::{Page, PageRequest};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::access::CurrentUser;
use crate::api::{PageOut, PageParams};
use crate::error::{ApiError, Problem};
use crate::extract::{Json as Body, Path, Query};
use crate::state::AppState;

/// One line of a bulletin: a closed case (never who reported it).
#[derive(Serialize, ToSchema)]
pub struct BulletinLineOut {
    pub position: i32,
    /// The case (its page is for the supervisors of its jurisdiction).
    pub case_id: i64,
    /// The unit found wanting (the unit the rectification notice named).
    pub unit_name: String,
    pub violation: String,
    /// Clause IDs of the policy.
    pub clauses: Vec<String>,
    pub outcome: String,
    /// `YYYY-MM-DD`.
    pub closed_on: String,
}

/// A bulletin. `drafted_by` is empty on the public endpoints.
#[derive(Serialize, ToSchema)]
pub struct BulletinOut {
    pub id: i64,
    pub title: String,
    /// The district or the city whose bulletin it is.
    pub scope_id: i64,
    pub scope_name: String,
    /// The supervising department that drafted and published it.
    pub issuer_name: String,
    pub period_from: String,
    pub period_to: String,
    /// `draft`, `signed_off` or `published`.
    pub status: String,
    pub status_zh: String,
    pub drafted_by: String,
    pub drafted_at: i64,
    /// The approver who signed it off (签发人).
    pub signed_off_by: Option<String>,
    pub signed_off_at: Option<i64>,
    pub sign_off_opinion: Option<String>,
    pub published_at: Option<i64>,
    /// `TB-YYYY-NNNNNN`, once published.
    pub serial: Option<String>,
    /// The public verification address printed as a QR code on the PDF.
    pub verify_url: Option<String>,
    /// The sealed PDF (public, once published).
    pub pdf_url: Option<String>,
    pub clauses: Vec<String>,
    pub lines: Vec<BulletinLineOut>,
}

impl From<BulletinView> for BulletinOut {
    fn from(b: BulletinView) -> Self {
        Self {
            pdf_url: b
                .serial
                .as_ref()
                .map(|_| format!("/api/v1/bulletins/{}/pdf", b.id)),
            id: b.id,
            title: b.title,
            scope_id: b.scope_id,
            scope_name: b.scope_name,
            issuer_name: b.issuer_name,
            period_from: b.period_from,
            period_to: b.period_to,
            status: b.status.as_str().to_owned(),
            status_zh: b.status.label_zh().to_owned(),
            drafted_by: b.drafted_by,
            drafted_at: b.drafted_at,
            signed_off_by: b.signed_off_by,
            signed_off_at: b.signed_off_at,
            sign_off_opinion: b.sign_off_opinion,
            published_at: b.published_at,
            serial: b.serial,
            verify_url: b.verify_url,
            clauses: b.clauses,
            lines: b.lines.into_iter().map(line_out).collect(),
        }
    }
}

fn line_out(l: BulletinLineView) -> BulletinLineOut {
    BulletinLineOut {
        position: l.position,
        case_id: l.case_id,
        unit_name: l.unit_name,
        violation: l.violation,
        clauses: l.clauses,
        outcome: l.outcome,
        closed_on: l.closed_on,
    }
}

fn page_out(p: Page<BulletinView>) -> PageOut<BulletinOut> {
    PageOut {
        items: p.items.into_iter().map(BulletinOut::from).collect(),
        total: p.total,
        page: p.page,
        per_page: p.per_page,
    }
}

/// The published bulletins, newest first (public, no login).
#[utoipa::path(get, path = "/api/v1/bulletins", params(PageParams), security(()),
    responses((status = 200, body = PageOut<BulletinOut>), (status = 422, body = Problem)))]
pub async fn list(
    State(s): State<AppState>,
    Query(p): Query<PageParams>,
) -> Result<Json<PageOut<BulletinOut>>, ApiError> {
    let req = PageRequest::parse(p.page, p.per_page)?;
    Ok(Json(page_out(s.app.published_bulletins(req).await?)))
}

/// One published bulletin (public, no login); a draft or an unknown id is not found.
#[utoipa::path(get, path = "/api/v1/bulletins/{id}", params(("id" = i64, Path)), security(()),
    responses((status = 200, body = BulletinOut), (status = 404, body = Problem)))]
pub async fn get(
    State(s): State<AppState>,
    Path(id): Path<i64>,
) -> Result<Json<BulletinOut>, ApiError> {
    Ok(Json(s.app.published_bulletin(id).await?.into()))
}

/// The sealed PDF of a published bulletin (public; `jianfu verify` checks it offline).
#[utoipa::path(get, path = "/api/v1/bulletins/{id}/pdf", params(("id" = i64, Path)), security(()),
    responses((status = 200, description = "通报 PDF", content_type = "application/pdf"), (status = 404, body = Problem)))]
pub async fn pdf(State(s): State<AppState>, Path(id): Path<i64>) -> Result<Response, ApiError> {
    let (name, pdf) = s.app.bulletin_pdf(id).await?;
    Ok(crate::views::list::download(
        pdf,
        "application/pdf",
        &name,
        false,
    ))
}

/// The bulletins of the caller's level in every state, newest first (its supervisors and its
/// approver).
#[utoipa::path(get, path = "/api/v1/bulletin-drafts", params(PageParams),
    responses((status = 200, body = PageOut<BulletinOut>), (status = 403, body = Problem), (status = 422, body = Problem)))]
pub async fn drafts(
    State(s): State<AppState>,
    user: CurrentUser,
    Query(p): Query<PageParams>,
) -> Result<Json<PageOut<BulletinOut>>, ApiError> {
    let req = PageRequest::parse(p.page, p.per_page)?;
    Ok(Json(page_out(
        s.app.staff_bulletins(&user.ctx(), req).await?,
    )))
}

/// One bulletin of the caller's level in any state.
#[utoipa::path(get, path = "/api/v1/bulletin-drafts/{id}", params(("id" = i64, Path)),
    responses((status = 200, body = BulletinOut), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn draft(
    State(s): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
) -> Result<Json<BulletinOut>, ApiError> {
    Ok(Json(s.app.bulletin_detail(&user.ctx(), id).await?.into()))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BulletinIn {
    pub title: String,
    /// `YYYY-MM-DD`; the period must be over.
    pub period_from: String,
    pub period_to: String,
    /// 1–8 cases of the caller's level closed in the period, in the order listed.
    #[serde(default)]
    pub case_ids: Vec<i64>,
}

/// Drafts a bulletin of the caller's level (supervisors, 5.3-3). Every problem at once
/// (`errors`); a case that is not closed answers 409 `case_not_closed`.
#[utoipa::path(post, path = "/api/v1/bulletin-drafts", request_body = BulletinIn,
    responses((status = 201, body = BulletinOut), (status = 403, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn create(
    State(s): State<AppState>,
    user: CurrentUser,
    Body(b): Body<BulletinIn>,
) -> Result<(StatusCode, Json<BulletinOut>), ApiError> {
    let form = BulletinForm {
        title: b.title,
        period_from: b.period_from,
        period_to: b.period_to,
        case_ids: b.case_ids,
    };
    let v = s.app.draft_bulletin(&user.ctx(), &form).await?;
    Ok((StatusCode::CREATED, Json(v.into())))
}

#[derive(Deserialize, ToSchema, Default)]
#[serde(deny_unknown_fields)]
pub struct SignOffIn {
    /// Optional, at most 500 characters.
    #[serde(default)]
    pub opinion: String,
}

/// Signs off a draft (the approver of its level, never its drafter: 403
/// `bulletin_signoff_by_drafter`; not a draft: 409 `bulletin_not_draft`).
#[utoipa::path(post, path = "/api/v1/bulletin-drafts/{id}/sign-off", params(("id" = i64, Path)), request_body = SignOffIn,
    responses((status = 200, body = BulletinOut), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn sign_off(
    State(s): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
    Body(b): Body<SignOffIn>,
) -> Result<Json<BulletinOut>, ApiError> {
    Ok(Json(
        s.app
            .sign_off_bulletin(&user.ctx(), id, &b.opinion)
            .await?
            .into(),
    ))
}

/// Publishes a signed-off bulletin (a supervisor of the drafting department): the sealed PDF
/// and the public page. Before sign-off: 409 `bulletin_not_signed_off`.
#[utoipa::path(post, path = "/api/v1/bulletin-drafts/{id}/publish", params(("id" = i64, Path)),
    responses((status = 200, body = BulletinOut), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem)))]
pub async fn publish(
    State(s): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
) -> Result<Json<BulletinOut>, ApiError> {
    Ok(Json(s.app.publish_bulletin(&user.ctx(), id).await?.into()))
}
