//! `/api/v1/credential-resets`: resets of administrators' credentials under dual control, the
//! same as the page `/admin/resets`.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use jianfu_domain::credential_reset::CredentialResetView;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::access::CurrentUser;
use crate::error::{ApiError, Problem};
use crate::extract::{Json as Body, Path};
use crate::state::AppState;

#[derive(Serialize, ToSchema)]
pub struct ResetOut {
    pub id: i64,
    pub account_id: i64,
    pub username: String,
    /// `password` or `second_factor`.
    pub kind: String,
    /// `pending`, `approved`, `rejected`, `shell` or `direct` (a non-administrator's second
    /// factor reset by the security administrator).
    pub state: String,
    pub requested_by: String,
    pub requested_at: i64,
    pub decided_by: Option<String>,
    pub decided_at: Option<i64>,
    /// Whether the caller may approve or reject it now.
    pub can_decide: bool,
}

impl From<CredentialResetView> for ResetOut {
    fn from(r: CredentialResetView) -> Self {
        Self {
            id: r.id,
            account_id: r.account_id,
            username: r.username,
            kind: r.kind,
            state: r.state,
            requested_by: r.requested_by_name,
            requested_at: r.requested_at,
            decided_by: r.decided_by_name,
            decided_at: r.decided_at,
            can_decide: r.can_decide,
        }
    }
}

/// Requests and shell resets of administrator accounts in the caller's jurisdiction.
#[utoipa::path(get, path = "/api/v1/credential-resets",
    responses((status = 200, body = [ResetOut]), (status = 403, body = Problem)))]
pub async fn list(
    State(s): State<AppState>,
    user: CurrentUser,
) -> Result<Json<Vec<ResetOut>>, ApiError> {
    let rows = s.app.list_admin_resets(&user.ctx()).await?;
    Ok(Json(rows.into_iter().map(Into::into).collect()))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ResetIn {
    /// The administrator account to reset.
    #[serde(default)]
    #[schema(required = true)]
    pub username: String,
    /// `password` or `second_factor`.
    #[serde(default)]
    #[schema(schema_with = crate::api::texts::reset_kind, required = true)]
    pub kind: String,
}

/// Asks for a reset of another administrator's credentials (one of the two other
/// administrator roles); the third must approve it.
#[utoipa::path(post, path = "/api/v1/credential-resets", request_body = ResetIn,
    responses((status = 201, body = ResetOut), (status = 403, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn request(
    State(s): State<AppState>,
    user: CurrentUser,
    Body(b): Body<ResetIn>,
) -> Result<(StatusCode, Json<ResetOut>), ApiError> {
    let r = s
        .app
        .request_admin_reset(&user.ctx(), &b.username, &b.kind)
        .await?;
    Ok((StatusCode::CREATED, Json(r.into())))
}

#[derive(Serialize, ToSchema)]
pub struct ApprovedOut {
    pub request: ResetOut,
    /// The temporary password (kind `password`), returned this once; the owner must change it
    /// at next login. None for `second_factor`: the owner enrols again at next login.
    pub temporary_password: Option<String>,
}

/// Approves a request (the third administrator role): the reset is done at once.
#[utoipa::path(post, path = "/api/v1/credential-resets/{id}/approve", params(("id" = i64, Path)),
    responses((status = 200, body = ApprovedOut), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem)))]
pub async fn approve(
    State(s): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
) -> Result<Json<ApprovedOut>, ApiError> {
    let d = s.app.decide_admin_reset(&user.ctx(), id, true).await?;
    Ok(Json(ApprovedOut {
        request: d.request.into(),
        temporary_password: d.temporary_password,
    }))
}

/// Rejects a request (the third administrator role).
#[utoipa::path(post, path = "/api/v1/credential-resets/{id}/reject", params(("id" = i64, Path)),
    responses((status = 200, body = ResetOut), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem)))]
pub async fn reject(
    State(s): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
) -> Result<Json<ResetOut>, ApiError> {
    let d = s.app.decide_admin_reset(&user.ctx(), id, false).await?;
    Ok(Json(d.request.into()))
}
