//! Supervision cases over the API (issue 14, slice 1): one case, and a supervisor's
//! verification or dismissal — the twins of `/cases/{id}` and its 核实 form.

use axum::Json;
use axum::extract::State;
use jianfu_domain::supervision::CaseDecision;
use serde::Deserialize;
use utoipa::ToSchema;

use crate::access::CurrentUser;
use crate::api::demands::CaseOut;
use crate::error::{ApiError, Problem};
use crate::extract::{Json as Body, Path};
use crate::state::AppState;

/// One supervision case of the caller's jurisdiction.
#[utoipa::path(get, path = "/api/v1/cases/{id}", params(("id" = i64, Path)),
    responses((status = 200, body = CaseOut), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn get(
    State(s): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
) -> Result<Json<CaseOut>, ApiError> {
    Ok(Json(s.app.case_detail(&user.ctx(), id).await?.into()))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DecisionIn {
    /// `verify` (属实, 已核实) or `dismiss` (不予立案).
    #[schema(schema_with = crate::api::texts::case_decision)]
    pub decision: String,
    /// The opinion; required (5–500 characters) to dismiss, at most 500 to verify.
    #[serde(default)]
    pub opinion: String,
}

/// Verifies an open case or dismisses it with a reason (5.3-2; supervisors of its
/// jurisdiction). A decided case answers 409.
#[utoipa::path(post, path = "/api/v1/cases/{id}/decide", params(("id" = i64, Path)), request_body = DecisionIn,
    responses((status = 200, body = CaseOut), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn decide(
    State(s): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
    Body(b): Body<DecisionIn>,
) -> Result<Json<CaseOut>, ApiError> {
    let decision = CaseDecision::parse(&b.decision)?;
    Ok(Json(
        s.app
            .decide_case(&user.ctx(), id, decision, &b.opinion)
            .await?
            .into(),
    ))
}
