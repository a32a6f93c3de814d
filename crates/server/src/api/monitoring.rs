//! Monitoring points over the API (减负监测点, 4.1-8; issue 14 §2): the twins of
//! `/monitoring-points` — the list, one point with its months, designating and ending a point
//! (the district's supervisor) and a month's answer (the point's community staff), whose every
//! "yes" opens a supervision case.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use jianfu_domain::monitoring::{
    AnswerForm, AnswerView, DesignateForm, ItemAnswer, PointDetail, PointView,
};
use jianfu_domain::page::{Page, PageRequest};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::access::CurrentUser;
use crate::api::{PageOut, PageParams};
use crate::error::{ApiError, Problem};
use crate::extract::{Json as Body, Path, Query};
use crate::state::AppState;

/// A monitoring point.
#[derive(Serialize, ToSchema)]
pub struct PointOut {
    pub id: i64,
    pub community_id: i64,
    pub community_name: String,
    pub district_name: String,
    /// `active` or `ended`.
    pub status: String,
    pub status_zh: String,
    /// `YYYY-MM-DD`.
    pub designated_on: String,
    pub ended_on: Option<String>,
    pub note: String,
    /// The month (`YYYY-MM`) the point should answer now, while unanswered.
    pub due_month: Option<String>,
}

impl From<PointView> for PointOut {
    fn from(p: PointView) -> Self {
        Self {
            id: p.id,
            community_id: p.community_id,
            community_name: p.community_name,
            district_name: p.district_name,
            status: p.status.as_str().to_owned(),
            status_zh: p.status.label_zh().to_owned(),
            designated_on: p.designated_on,
            ended_on: p.ended_on,
            note: p.note,
            due_month: p.due_month,
        }
    }
}

/// One answered question.
#[derive(Serialize, ToSchema)]
pub struct ItemOut {
    /// `certificates`, `plaques`, `evaluations_or_forms` or `seconded`.
    pub item: String,
    pub question: String,
    pub yes: bool,
    pub description: String,
    /// The clause the question's subject was cleared under.
    pub clause: String,
}

/// A month of a point: answered, or recorded missed by the scheduled job.
#[derive(Serialize, ToSchema)]
pub struct MonitoringAnswerOut {
    pub id: i64,
    /// `YYYY-MM`.
    pub month: String,
    /// `answered` or `missed`.
    pub status: String,
    pub status_zh: String,
    pub items: Vec<ItemOut>,
    pub answered_by: String,
    pub answered_at: Option<i64>,
    /// The supervision cases this month opened.
    pub case_ids: Vec<i64>,
}

impl From<AnswerView> for MonitoringAnswerOut {
    fn from(a: AnswerView) -> Self {
        Self {
            id: a.id,
            month: a.month,
            status: a.status.as_str().to_owned(),
            status_zh: a.status.label_zh().to_owned(),
            items: a
                .items
                .into_iter()
                .map(|i| ItemOut {
                    item: i.item.to_owned(),
                    question: i.question.to_owned(),
                    yes: i.yes,
                    description: i.description,
                    clause: i.clause.to_owned(),
                })
                .collect(),
            answered_by: a.answered_by,
            answered_at: a.answered_at,
            case_ids: a.case_ids,
        }
    }
}

/// A point with its months, newest first.
#[derive(Serialize, ToSchema)]
pub struct PointDetailOut {
    pub point: PointOut,
    pub answers: Vec<MonitoringAnswerOut>,
}

impl From<PointDetail> for PointDetailOut {
    fn from(d: PointDetail) -> Self {
        Self {
            point: d.point.into(),
            answers: d
                .answers
                .into_iter()
                .map(MonitoringAnswerOut::from)
                .collect(),
        }
    }
}

fn page_out(p: Page<PointView>) -> PageOut<PointOut> {
    PageOut {
        items: p.items.into_iter().map(PointOut::from).collect(),
        total: p.total,
        page: p.page,
        per_page: p.per_page,
    }
}

/// The monitoring points of the caller's jurisdiction (supervisors) or own community (its
/// staff), active first.
#[utoipa::path(get, path = "/api/v1/monitoring-points", params(PageParams),
    responses((status = 200, body = PageOut<PointOut>), (status = 403, body = Problem), (status = 422, body = Problem)))]
pub async fn list(
    State(s): State<AppState>,
    user: CurrentUser,
    Query(p): Query<PageParams>,
) -> Result<Json<PageOut<PointOut>>, ApiError> {
    let req = PageRequest::parse(p.page, p.per_page)?;
    Ok(Json(page_out(
        s.app.list_monitoring_points(&user.ctx(), req).await?,
    )))
}

/// One point with its months.
#[utoipa::path(get, path = "/api/v1/monitoring-points/{id}", params(("id" = i64, Path)),
    responses((status = 200, body = PointDetailOut), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn get(
    State(s): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
) -> Result<Json<PointDetailOut>, ApiError> {
    Ok(Json(s.app.monitoring_point(&user.ctx(), id).await?.into()))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DesignateIn {
    /// A community (村) of the caller's district.
    pub community_id: i64,
    /// Optional, at most 500 characters.
    #[serde(default)]
    pub note: String,
}

/// Designates a community of the caller's district as a monitoring point (the district's
/// supervisor, 4.1-8). Not a community: 422 `monitoring_not_community`; a point already: 409
/// `monitoring_point_exists`; another district's community or a city supervisor: 403.
#[utoipa::path(post, path = "/api/v1/monitoring-points", request_body = DesignateIn,
    responses((status = 201, body = PointOut), (status = 403, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn designate(
    State(s): State<AppState>,
    user: CurrentUser,
    Body(b): Body<DesignateIn>,
) -> Result<(StatusCode, Json<PointOut>), ApiError> {
    let form = DesignateForm {
        community_id: b.community_id,
        note: b.note,
    };
    let v = s.app.designate_monitoring_point(&user.ctx(), &form).await?;
    Ok((StatusCode::CREATED, Json(v.into())))
}

/// Ends a designation (the district's supervisor). Ended already: 409 `monitoring_point_ended`.
#[utoipa::path(post, path = "/api/v1/monitoring-points/{id}/end", params(("id" = i64, Path)),
    responses((status = 200, body = PointOut), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem)))]
pub async fn end(
    State(s): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
) -> Result<Json<PointOut>, ApiError> {
    Ok(Json(
        s.app.end_monitoring_point(&user.ctx(), id).await?.into(),
    ))
}

/// One question's answer.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ItemIn {
    /// `certificates`, `plaques`, `evaluations_or_forms` or `seconded`.
    pub item: String,
    pub yes: bool,
    /// Required when `yes` (at most 1,000 characters).
    #[serde(default)]
    pub description: String,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MonitoringAnswerIn {
    /// `YYYY-MM`: a month of the designation that has begun.
    pub month: String,
    /// Every question, once.
    pub items: Vec<ItemIn>,
}

/// A month's answer (the point's community staff, 4.1-8); every "yes" opens a supervision case
/// (`case_ids`). Every problem at once (`errors`): `monitoring_month_malformed`,
/// `monitoring_month_in_future`, `monitoring_month_before_designation`,
/// `monitoring_item_unanswered`, `monitoring_description_required`; answered already: 409
/// `monitoring_month_answered`; an ended point: 409 `monitoring_point_ended`; another
/// community's point: 403.
#[utoipa::path(post, path = "/api/v1/monitoring-points/{id}/answers", params(("id" = i64, Path)), request_body = MonitoringAnswerIn,
    responses((status = 201, body = MonitoringAnswerOut), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn answer(
    State(s): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
    Body(b): Body<MonitoringAnswerIn>,
) -> Result<(StatusCode, Json<MonitoringAnswerOut>), ApiError> {
    let form = AnswerForm {
        month: b.month,
        items: b
            .items
            .into_iter()
            .map(|i| ItemAnswer {
                item: i.item,
                yes: Some(i.yes),
                description: i.description,
            })
            .collect(),
    };
    let v = s.app.answer_monitoring(&user.ctx(), id, &form).await?;
    Ok((StatusCode::CREATED, Json(v.into())))
}
