//! Resident satisfaction by one-time code over the API (4.3-4; issue 12 §2), the twin of the
//! page `/satisfaction`: no login, limited per client address like the page.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use jianfu_domain::comprehensive::{CodeResponseForm, CodeSurvey};
use serde::Deserialize;
use utoipa::ToSchema;

use crate::access::ClientIp;
use crate::error::{ApiError, Problem};
use crate::extract::Json as Body;
use crate::state::AppState;
use crate::views::satisfaction::{answer_survey, open_survey};

/// A one-time satisfaction code.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SatisfactionCodeIn {
    pub code: String,
}

/// The survey a code opens (no login). Unknown code: 404 `code_unknown`; used: 409
/// `code_used`; the campaign closed: 409 `comprehensive_closed`.
#[utoipa::path(post, path = "/api/v1/satisfaction/survey", tag = "comprehensive", security(()),
    request_body = SatisfactionCodeIn,
    responses(
        (status = 200, body = CodeSurvey),
        (status = 404, description = "No such code", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The code was used, or the campaign is closed", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many unknown codes from this address", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn survey(
    State(s): State<AppState>,
    ip: ClientIp,
    Body(b): Body<SatisfactionCodeIn>,
) -> Result<Json<CodeSurvey>, ApiError> {
    Ok(Json(open_survey(&s, &ip, &b.code).await?))
}

/// A code holder's answer: one rating code per question (`very_satisfied` … ), an optional
/// comment.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SatisfactionIn {
    pub code: String,
    pub ratings: Vec<String>,
    #[serde(default)]
    pub comment: String,
}

/// Answers the survey with a one-time code (no login): the code is used up with the answer.
#[utoipa::path(post, path = "/api/v1/satisfaction", tag = "comprehensive", security(()),
    request_body = SatisfactionIn,
    responses(
        (status = 201, body = CodeSurvey),
        (status = 404, description = "No such code", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The code was used, or the campaign is closed", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "An answer is missing or the comment is invalid", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many unknown codes from this address", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn respond(
    State(s): State<AppState>,
    ip: ClientIp,
    Body(b): Body<SatisfactionIn>,
) -> Result<(StatusCode, Json<CodeSurvey>), ApiError> {
    let form = CodeResponseForm {
        code: b.code,
        ratings: b.ratings,
        comment: b.comment,
    };
    Ok((
        StatusCode::CREATED,
        Json(answer_survey(&s, &ip, &form).await?),
    ))
}
