//! Anonymous public reports over the API (issue 14 §1), the twins of `/report-violation` and
//! `/cases/follow-up`: no login, limited per client address like the pages.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use jianfu_domain::public_report::{PublicCaseStatus, PublicReportForm};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::access::ClientIp;
use crate::error::{ApiError, Problem};
use crate::extract::Json as Body;
use crate::state::AppState;
use crate::views::public_reports::{file_report, read_follow_up};

/// An anonymous report of a unit that demanded work of a community without admission.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PublicReportIn {
    /// The community (village) the demand reached, by its full name (e.g. 示例和平社区).
    pub community: String,
    /// The department, street or town that demanded it, by its id in
    /// `GET /api/v1/public-reports/units`.
    #[serde(default)]
    pub unit_id: Option<i64>,
    /// The same unit by its exact name (as listed there), when `unit_id` is not given.
    #[serde(default)]
    pub demanding_unit: String,
    /// What was demanded, when and how (10–5000 characters).
    pub description: String,
}

/// The case number and the one-time follow-up code (shown once, stored only as a hash).
#[derive(Serialize, ToSchema)]
pub struct PublicReportOut {
    pub case_id: i64,
    /// `XXXX-XXXX-XXXX-XXXX`; upper or lower case, with or without the dashes.
    pub follow_up_code: String,
}

/// Files an anonymous report (5.3-1, 4.2-5): opens a case with no reporting account and
/// answers its follow-up code once. At most 5 reports an hour per client address.
#[utoipa::path(post, path = "/api/v1/public-reports", tag = "supervision", security(()),
    request_body = PublicReportIn,
    responses(
        (status = 201, body = PublicReportOut),
        (status = 422, description = "A field is missing or names no community", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many reports from this address", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn report(
    State(s): State<AppState>,
    ip: ClientIp,
    Body(b): Body<PublicReportIn>,
) -> Result<(StatusCode, Json<PublicReportOut>), ApiError> {
    let form = PublicReportForm {
        community: b.community,
        unit_id: b.unit_id.map(|id| id.to_string()).unwrap_or_default(),
        demanding_unit: b.demanding_unit,
        description: b.description,
    };
    let r = file_report(&s, &ip, &form, &[]).await?;
    Ok((
        StatusCode::CREATED,
        Json(PublicReportOut {
            case_id: r.case_id,
            follow_up_code: r.follow_up_code,
        }),
    ))
}

/// A unit a public report may name: a department, street or town.
#[derive(Serialize, ToSchema)]
pub struct ReportUnitOut {
    pub id: i64,
    pub name: String,
    /// The name with the place above it and its kind (as the page's select shows it).
    pub label: String,
}

/// The departments, streets and towns a public report may name (`unit_id`), in tree order.
/// No login: names of public bodies are public.
#[utoipa::path(get, path = "/api/v1/public-reports/units", tag = "supervision", security(()),
    responses((status = 200, body = [ReportUnitOut])))]
pub async fn units(State(s): State<AppState>) -> Result<Json<Vec<ReportUnitOut>>, ApiError> {
    Ok(Json(
        s.app
            .public_report_units()
            .await?
            .into_iter()
            .map(|u| ReportUnitOut {
                id: u.id,
                name: u.name,
                label: u.label,
            })
            .collect(),
    ))
}

/// A follow-up code.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CaseFollowUpIn {
    pub code: String,
}

/// A case's public status: no names, no opinions or notes.
#[derive(Serialize, ToSchema)]
pub struct CaseFollowUpOut {
    pub case_id: i64,
    pub kind_zh: String,
    #[schema(schema_with = crate::api::texts::case_status)]
    pub status: String,
    pub status_zh: String,
    pub community_name: String,
    /// `YYYY-MM-DD`.
    pub received_on: String,
    pub updated_on: String,
    /// The clause the case concerns (e.g. 4.2-5).
    pub clause: String,
    pub finding: String,
    /// The rectification's deadline once a notice is issued.
    pub due_on: Option<String>,
    pub overdue: bool,
}

impl From<PublicCaseStatus> for CaseFollowUpOut {
    fn from(r: PublicCaseStatus) -> Self {
        Self {
            case_id: r.case_id,
            kind_zh: r.kind_zh.to_owned(),
            status: r.status.as_str().to_owned(),
            status_zh: r.status.label_zh().to_owned(),
            community_name: r.community_name,
            received_on: r.received_on,
            updated_on: r.updated_on,
            clause: r.finding.clause,
            finding: r.finding.message,
            due_on: r.due_on,
            overdue: r.overdue,
        }
    }
}

/// The public status of the case a follow-up code belongs to. Any code that finds none answers
/// `follow_up_unknown` (404) with the same message; 10 such codes in 10 minutes per client
/// address, then `follow_up_rate_limited` (429).
#[utoipa::path(post, path = "/api/v1/cases/follow-up", tag = "supervision", security(()),
    request_body = CaseFollowUpIn,
    responses(
        (status = 200, body = CaseFollowUpOut),
        (status = 422, description = "The body is not a code", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No case for this code", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many codes that found nothing", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn follow_up(
    State(s): State<AppState>,
    ip: ClientIp,
    Body(b): Body<CaseFollowUpIn>,
) -> Result<Json<CaseFollowUpOut>, ApiError> {
    Ok(Json(read_follow_up(&s, &ip, &b.code).await?.into()))
}
