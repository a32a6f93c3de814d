//! `/api/v1/plaques`, `/api/v1/removal-tasks`, `/api/v1/campaigns`: plaque registries (4.1,
//! 4.4), their removal tasks and self-inspection campaigns (4.1-3, 4.1-7) for machine clients.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use base64::Engine;
use jianfu_domain::DomainError;
use jianfu_domain::page::PageRequest;
use jianfu_domain::plaque::{
    CampaignForm, CampaignSummary, CampaignView, PlaqueFilter, PlaqueForm, PlaqueView,
    RemovalTaskView, TaskFilter,
};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::access::CurrentUser;
use crate::api::demands::FindingOut;
use crate::api::{PageOut, PageParams};
use crate::error::{ApiError, Problem};
use crate::extract::{Json as Body, Path, Query};
use crate::state::AppState;

/// Request body limit of the JSON routes that carry a photo (base64 of 5 MB and the fields).
pub const PHOTO_JSON_LIMIT: usize = jianfu_domain::plaque::MAX_PHOTO_BYTES * 4 / 3 + 64 * 1024;

#[derive(Serialize, ToSchema)]
pub struct RemovalTaskOut {
    pub id: i64,
    pub plaque_id: i64,
    pub plaque_name: String,
    pub unit_id: i64,
    pub unit_name: String,
    /// The rules' finding: code, clause (`/policy#4.4-4`) and message.
    pub reason_code: String,
    pub clause: String,
    pub message: String,
    /// `outdoor` or `indoor` when moving the plaque fixes it.
    pub move_to: Option<String>,
    pub deadline: String,
    /// `open` or `closed`.
    pub status: String,
    pub overdue: bool,
    /// `removed` or `corrected`.
    pub resolution: Option<String>,
    pub closed_on: Option<String>,
    pub has_evidence: bool,
}

impl From<RemovalTaskView> for RemovalTaskOut {
    fn from(t: RemovalTaskView) -> Self {
        Self {
            id: t.id,
            plaque_id: t.plaque_id,
            plaque_name: t.plaque_name,
            unit_id: t.unit_node_id,
            unit_name: t.unit_name,
            reason_code: t.reason_code,
            clause: t.clause,
            message: t.message,
            move_to: t.move_to,
            deadline: t.deadline,
            status: t.status,
            overdue: t.overdue,
            resolution: t.resolution,
            closed_on: t.closed_on,
            has_evidence: t.has_evidence,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct PlaqueOut {
    pub id: i64,
    pub unit_id: i64,
    pub unit_name: String,
    pub name: String,
    /// `outdoor` or `indoor`.
    pub placement: String,
    /// Streets and towns: `work_agency`, `functional`, `comprehensive_office`, `honorary`.
    pub kind: Option<String>,
    pub location: String,
    pub since: String,
    /// `hanging` or `removed`.
    pub status: String,
    pub removed_on: Option<String>,
    pub has_photo: bool,
    pub temporary_demand_id: Option<i64>,
    pub compliant: bool,
    /// Outcome of the rules: `allow` or `reject`.
    pub outcome: String,
    pub clauses: Vec<String>,
    pub findings: Vec<FindingOut>,
    /// The list entry the name was recognised as, e.g. `residents_committee`.
    pub matched_key: Option<String>,
    pub open_task: Option<RemovalTaskOut>,
}

impl From<PlaqueView> for PlaqueOut {
    fn from(p: PlaqueView) -> Self {
        Self {
            id: p.id,
            unit_id: p.unit_node_id,
            unit_name: p.unit_name,
            name: p.name,
            placement: p.placement,
            kind: p.kind,
            location: p.location,
            since: p.since,
            status: p.status,
            removed_on: p.removed_on,
            has_photo: p.has_photo,
            temporary_demand_id: p.temporary_demand_id,
            compliant: p.compliant,
            outcome: p.decision.outcome,
            clauses: p.decision.clauses,
            findings: p
                .decision
                .reasons
                .into_iter()
                .map(|r| FindingOut {
                    clause: r.clause,
                    code: r.code,
                    message: r.message,
                })
                .collect(),
            matched_key: p.matched_key,
            open_task: p.open_task.map(Into::into),
        }
    }
}

fn decode_photo(b64: Option<String>) -> Result<Option<Vec<u8>>, ApiError> {
    match b64.filter(|s| !s.trim().is_empty()) {
        None => Ok(None),
        Some(s) => base64::engine::general_purpose::STANDARD
            .decode(s.trim().as_bytes())
            .map(Some)
            .map_err(|_| {
                ApiError(DomainError::field(
                    "photo",
                    "photo_base64",
                    "照片不是有效的 base64",
                ))
            }),
    }
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PlaqueParams {
    /// One unit's plaques; otherwise every unit in the caller's jurisdiction.
    unit_id: Option<i64>,
    /// `compliant` or `noncompliant`.
    #[param(schema_with = crate::api::texts::plaque_compliance)]
    compliance: Option<String>,
    /// `hanging` (default), `removed` or `all`.
    #[param(schema_with = crate::api::texts::plaque_status)]
    status: Option<String>,
    /// Name contains.
    q: Option<String>,
    /// 1-based page number.
    #[param(minimum = 1, maximum = 1000000)]
    page: Option<u64>,
    /// Items per page (default 20).
    #[param(minimum = 1, maximum = 200)]
    per_page: Option<u64>,
}

/// Plaques in the caller's jurisdiction, with the rules' findings.
#[utoipa::path(get, path = "/api/v1/plaques", params(PlaqueParams),
    responses((status = 200, body = PageOut<PlaqueOut>), (status = 403, body = Problem), (status = 404, description = "No unit with `unit_id`", body = Problem), (status = 422, body = Problem)))]
pub async fn list(
    State(s): State<AppState>,
    user: CurrentUser,
    Query(p): Query<PlaqueParams>,
) -> Result<Json<PageOut<PlaqueOut>>, ApiError> {
    let f = PlaqueFilter {
        unit_id: p.unit_id,
        compliance: p.compliance.unwrap_or_default(),
        status: p.status.unwrap_or_default(),
        q: p.q.unwrap_or_default(),
    };
    let page = s
        .app
        .list_plaques(&user.ctx(), &f, PageRequest::parse(p.page, p.per_page)?)
        .await?;
    Ok(Json(PageOut::from_page(page, PlaqueOut::from)))
}

/// A plaque as the API takes it.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PlaqueIn {
    /// The street, town, community or village (ignored on update).
    #[serde(default)]
    pub unit_id: i64,
    pub name: String,
    /// `outdoor` or `indoor`.
    #[schema(schema_with = crate::api::texts::placement)]
    pub placement: String,
    /// Streets and towns only.
    #[serde(default)]
    #[schema(schema_with = crate::api::texts::plaque_kind)]
    pub kind: String,
    pub location: String,
    /// YYYY-MM-DD.
    #[schema(format = Date)]
    pub since: String,
    /// A temporary street plaque: its admitted request (4.1-5). Ignored on update.
    #[serde(default)]
    pub temporary_demand_id: Option<i64>,
    /// JPEG or PNG, base64 (standard alphabet), at most 5 MB decoded.
    #[serde(default)]
    pub photo_base64: Option<String>,
}

impl PlaqueIn {
    fn form(&self) -> PlaqueForm {
        PlaqueForm {
            unit_id: self.unit_id,
            name: self.name.clone(),
            placement: self.placement.clone(),
            kind: self.kind.clone(),
            location: self.location.clone(),
            since: self.since.clone(),
            temporary_demand_id: self.temporary_demand_id,
        }
    }
}

/// Records a plaque; the rules decide at once and a rejected plaque gets a removal task.
#[utoipa::path(post, path = "/api/v1/plaques", request_body = PlaqueIn,
    responses((status = 201, body = PlaqueOut), (status = 403, body = Problem), (status = 422, body = Problem)))]
pub async fn create(
    State(s): State<AppState>,
    user: CurrentUser,
    Body(b): Body<PlaqueIn>,
) -> Result<(StatusCode, Json<PlaqueOut>), ApiError> {
    let form = b.form();
    let photo = decode_photo(b.photo_base64)?;
    let p = s
        .app
        .add_plaque(&user.ctx(), &form, photo.as_deref())
        .await?;
    Ok((StatusCode::CREATED, Json(p.into())))
}

/// One plaque.
#[utoipa::path(get, path = "/api/v1/plaques/{id}", params(("id" = i64, Path)),
    responses((status = 200, body = PlaqueOut), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn get(
    State(s): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
) -> Result<Json<PlaqueOut>, ApiError> {
    Ok(Json(s.app.plaque(&user.ctx(), id).await?.into()))
}

/// Corrects a hanging plaque; the rules run again (a plaque that now passes closes its task).
#[utoipa::path(put, path = "/api/v1/plaques/{id}", params(("id" = i64, Path)), request_body = PlaqueIn,
    responses((status = 200, body = PlaqueOut), (status = 403, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn update(
    State(s): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
    Body(b): Body<PlaqueIn>,
) -> Result<Json<PlaqueOut>, ApiError> {
    let form = b.form();
    let photo = decode_photo(b.photo_base64)?;
    let p = s
        .app
        .edit_plaque(&user.ctx(), id, &form, photo.as_deref())
        .await?;
    Ok(Json(p.into()))
}

/// Re-checks a hanging plaque with today's lists (self-inspection).
#[utoipa::path(post, path = "/api/v1/plaques/{id}/confirm", params(("id" = i64, Path)),
    responses((status = 200, body = PlaqueOut), (status = 403, body = Problem), (status = 409, body = Problem)))]
pub async fn confirm(
    State(s): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
) -> Result<Json<PlaqueOut>, ApiError> {
    Ok(Json(s.app.confirm_plaque(&user.ctx(), id).await?.into()))
}

/// The day a plaque came down, with an optional photo.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RemovalIn {
    /// YYYY-MM-DD: required, not before the plaque went up, not in the future.
    #[serde(default)]
    #[schema(format = Date, required = true)]
    pub removed_on: String,
    #[serde(default)]
    pub photo_base64: Option<String>,
}

/// Records that a plaque was taken down; its open removal task closes.
#[utoipa::path(post, path = "/api/v1/plaques/{id}/remove", params(("id" = i64, Path)), request_body = RemovalIn,
    responses((status = 200, body = PlaqueOut), (status = 403, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn remove(
    State(s): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
    Body(b): Body<RemovalIn>,
) -> Result<Json<PlaqueOut>, ApiError> {
    let photo = decode_photo(b.photo_base64)?;
    let p = s
        .app
        .remove_plaque(&user.ctx(), id, &b.removed_on, photo.as_deref())
        .await?;
    Ok(Json(p.into()))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct TaskParams {
    /// `open` (default), `overdue`, `closed` or `all`.
    #[param(schema_with = crate::api::texts::task_status)]
    status: Option<String>,
    unit_id: Option<i64>,
    /// 1-based page number.
    #[param(minimum = 1, maximum = 1000000)]
    page: Option<u64>,
    /// Items per page (default 20).
    #[param(minimum = 1, maximum = 200)]
    per_page: Option<u64>,
}

/// Removal tasks in the caller's jurisdiction.
#[utoipa::path(get, path = "/api/v1/removal-tasks", params(TaskParams),
    responses((status = 200, body = PageOut<RemovalTaskOut>), (status = 403, body = Problem), (status = 404, description = "No unit with `unit_id`", body = Problem), (status = 422, body = Problem)))]
pub async fn tasks(
    State(s): State<AppState>,
    user: CurrentUser,
    Query(p): Query<TaskParams>,
) -> Result<Json<PageOut<RemovalTaskOut>>, ApiError> {
    let f = TaskFilter {
        status: p.status.unwrap_or_default(),
        unit_id: p.unit_id,
    };
    let page = s
        .app
        .list_removal_tasks(&user.ctx(), &f, PageRequest::parse(p.page, p.per_page)?)
        .await?;
    Ok(Json(PageOut::from_page(page, RemovalTaskOut::from)))
}

/// Closes a removal task: the plaque came down on `removed_on` (required).
#[utoipa::path(post, path = "/api/v1/removal-tasks/{id}/close", params(("id" = i64, Path)), request_body = RemovalIn,
    responses((status = 200, body = RemovalTaskOut), (status = 403, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn close_task(
    State(s): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
    Body(b): Body<RemovalIn>,
) -> Result<Json<RemovalTaskOut>, ApiError> {
    let photo = decode_photo(b.photo_base64)?;
    let t = s
        .app
        .close_removal_task(&user.ctx(), id, &b.removed_on, photo.as_deref())
        .await?;
    Ok(Json(t.into()))
}

#[derive(Serialize, ToSchema)]
pub struct CampaignUnitOut {
    pub unit_id: i64,
    pub unit_name: String,
    /// `on_time`, `late`, `open` or `overdue` (4.1-7).
    pub state: String,
    pub completed_on: Option<String>,
    pub note: Option<String>,
    /// Hanging plaques of the street or town and its communities.
    pub hanging: u64,
    pub rechecked: u64,
    pub noncompliant: u64,
    pub open_tasks: u64,
}

#[derive(Serialize, ToSchema)]
pub struct CampaignOut {
    pub id: i64,
    pub district_id: i64,
    pub district_name: String,
    pub title: String,
    pub launched_on: String,
    pub deadline: String,
    pub clauses: Vec<String>,
    pub units: Vec<CampaignUnitOut>,
    pub completed: u64,
    pub overdue: u64,
    pub noncompliant_plaques: Vec<PlaqueOut>,
}

impl From<CampaignView> for CampaignOut {
    fn from(c: CampaignView) -> Self {
        Self {
            id: c.id,
            district_id: c.district_id,
            district_name: c.district_name,
            title: c.title,
            launched_on: c.launched_on,
            deadline: c.deadline,
            clauses: c.clauses,
            units: c
                .units
                .into_iter()
                .map(|u| CampaignUnitOut {
                    unit_id: u.unit_id,
                    unit_name: u.unit_name,
                    state: u.state.into(),
                    completed_on: u.completed_on,
                    note: u.note,
                    hanging: u.counts.hanging,
                    rechecked: u.rechecked,
                    noncompliant: u.counts.noncompliant,
                    open_tasks: u.counts.open_tasks,
                })
                .collect(),
            completed: c.completed,
            overdue: c.overdue,
            noncompliant_plaques: c.noncompliant.into_iter().map(Into::into).collect(),
        }
    }
}

/// Campaigns of the districts the caller sees, newest first.
#[utoipa::path(get, path = "/api/v1/campaigns", params(PageParams),
    responses((status = 200, body = PageOut<CampaignSummary>), (status = 403, body = Problem)))]
pub async fn campaigns(
    State(s): State<AppState>,
    user: CurrentUser,
    Query(p): Query<PageParams>,
) -> Result<Json<PageOut<CampaignSummary>>, ApiError> {
    let page = s
        .app
        .list_campaigns(&user.ctx(), PageRequest::parse(p.page, p.per_page)?)
        .await?;
    Ok(Json(PageOut::from_page(page, std::convert::identity)))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CampaignIn {
    pub district_id: i64,
    #[serde(default)]
    pub title: String,
}

/// Launches a self-inspection campaign over a district in the caller's jurisdiction (4.1-3).
#[utoipa::path(post, path = "/api/v1/campaigns", request_body = CampaignIn,
    responses((status = 201, body = CampaignOut), (status = 403, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn launch(
    State(s): State<AppState>,
    user: CurrentUser,
    Body(b): Body<CampaignIn>,
) -> Result<(StatusCode, Json<CampaignOut>), ApiError> {
    let c = s
        .app
        .launch_campaign(
            &user.ctx(),
            &CampaignForm {
                district_id: b.district_id,
                title: b.title,
            },
        )
        .await?;
    Ok((StatusCode::CREATED, Json(c.into())))
}

/// A campaign's progress per street or town, and the district's non-compliant plaques.
#[utoipa::path(get, path = "/api/v1/campaigns/{id}", params(("id" = i64, Path)),
    responses((status = 200, body = CampaignOut), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn campaign(
    State(s): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
) -> Result<Json<CampaignOut>, ApiError> {
    Ok(Json(s.app.campaign(&user.ctx(), id).await?.into()))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CompleteIn {
    #[serde(default)]
    pub note: String,
}

/// A street's or town's official reports its self-inspection complete (4.1-7).
#[utoipa::path(post, path = "/api/v1/campaigns/{id}/units/{unit_id}/complete",
    params(("id" = i64, Path), ("unit_id" = i64, Path)), request_body = CompleteIn,
    responses((status = 200, body = CampaignOut), (status = 403, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn complete(
    State(s): State<AppState>,
    user: CurrentUser,
    Path((id, unit)): Path<(i64, i64)>,
    Body(b): Body<CompleteIn>,
) -> Result<Json<CampaignOut>, ApiError> {
    let c = s
        .app
        .complete_self_inspection(&user.ctx(), id, unit, &b.note)
        .await?;
    Ok(Json(c.into()))
}
