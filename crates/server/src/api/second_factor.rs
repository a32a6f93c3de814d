//! `/api/v1/me/second-factor`, `/api/v1/users/{id}/second-factor/reset` and
//! `/api/v1/second-factor-policy`: the second login factor, the same as the pages
//! `/me/second-factor`, the account page and `/admin/security`. (An administrator's second
//! factor is reset under dual control through `/api/v1/credential-resets`, kind
//! `second_factor`.)

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use jianfu_domain::Role;
use jianfu_domain::second_factor::{Enrolment, SecondFactorStatus};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::access::CurrentUser;
use crate::error::{ApiError, Problem};
use crate::extract::{Json as Body, Path};
use crate::state::AppState;

/// The caller's second factor.
#[utoipa::path(get, path = "/api/v1/me/second-factor",
    responses((status = 200, body = SecondFactorStatus), (status = 401, body = Problem)))]
pub async fn status(
    State(s): State<AppState>,
    user: CurrentUser,
) -> Result<Json<SecondFactorStatus>, ApiError> {
    Ok(Json(s.app.second_factor_status(&user.ctx()).await?))
}

#[derive(Serialize, ToSchema)]
pub struct EnrolmentOut {
    /// The secret in base32, to type into an authenticator app by hand.
    pub secret: String,
    /// `otpauth://totp/jianfu:USER?secret=…&issuer=jianfu` (SHA-1, 6 digits, 30 s).
    pub otpauth_uri: String,
}

impl From<Enrolment> for EnrolmentOut {
    fn from(e: Enrolment) -> Self {
        Self {
            secret: e.secret,
            otpauth_uri: e.otpauth_uri,
        }
    }
}

/// Starts (or starts over) an enrolment: a new secret, returned this once; confirm it with a
/// first code.
#[utoipa::path(post, path = "/api/v1/me/second-factor/enrolment",
    responses((status = 201, body = EnrolmentOut), (status = 409, body = Problem)))]
pub async fn start(
    State(s): State<AppState>,
    user: CurrentUser,
) -> Result<(StatusCode, Json<EnrolmentOut>), ApiError> {
    let e = s.app.start_second_factor(&user.ctx()).await?;
    Ok((StatusCode::CREATED, Json(e.into())))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CodeIn {
    /// The 6-digit code the authenticator app shows now.
    pub code: String,
}

#[derive(Serialize, ToSchema)]
pub struct RecoveryCodesOut {
    /// Ten single-use recovery codes, returned this once (earlier ones no longer work).
    pub recovery_codes: Vec<String>,
}

/// Confirms the enrolment with a first code; returns the recovery codes.
#[utoipa::path(post, path = "/api/v1/me/second-factor/enrolment/confirm", request_body = CodeIn,
    responses((status = 200, body = RecoveryCodesOut), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn confirm(
    State(s): State<AppState>,
    user: CurrentUser,
    Body(b): Body<CodeIn>,
) -> Result<Json<RecoveryCodesOut>, ApiError> {
    let codes = s.app.confirm_second_factor(&user.ctx(), &b.code).await?;
    Ok(Json(RecoveryCodesOut {
        recovery_codes: codes,
    }))
}

/// Makes a new set of recovery codes, with a current code.
#[utoipa::path(post, path = "/api/v1/me/second-factor/recovery-codes", request_body = CodeIn,
    responses((status = 200, body = RecoveryCodesOut), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn recovery_codes(
    State(s): State<AppState>,
    user: CurrentUser,
    Body(b): Body<CodeIn>,
) -> Result<Json<RecoveryCodesOut>, ApiError> {
    let codes = s
        .app
        .regenerate_recovery_codes(&user.ctx(), &b.code)
        .await?;
    Ok(Json(RecoveryCodesOut {
        recovery_codes: codes,
    }))
}

/// Switches the second factor off, with a current code, when no role of the caller requires it.
#[utoipa::path(post, path = "/api/v1/me/second-factor/disable", request_body = CodeIn,
    responses((status = 204), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn disable(
    State(s): State<AppState>,
    user: CurrentUser,
    Body(b): Body<CodeIn>,
) -> Result<StatusCode, ApiError> {
    s.app.disable_second_factor(&user.ctx(), &b.code).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Resets the second factor of an account holding no administrator role (security
/// administrator): its factor and recovery codes are removed and its sessions end.
#[utoipa::path(post, path = "/api/v1/users/{id}/second-factor/reset", params(("id" = i64, Path)),
    responses((status = 204), (status = 403, body = Problem), (status = 409, body = Problem)))]
pub async fn reset(
    State(s): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
) -> Result<StatusCode, ApiError> {
    s.app.reset_second_factor(&user.ctx(), id).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PolicyIo {
    /// Role codes that must log in with a second factor; the three administrator roles
    /// (`system_admin`, `security_admin`, `audit_admin`) must be among them.
    pub required_roles: Vec<String>,
}

#[derive(Serialize, ToSchema)]
pub struct PolicyOut {
    pub required_roles: Vec<String>,
    /// True while the demo data's setting (nothing required) stands.
    pub demo_off: bool,
}

/// Which roles must log in with a second factor.
#[utoipa::path(get, path = "/api/v1/second-factor-policy",
    responses((status = 200, body = PolicyOut), (status = 403, body = Problem)))]
pub async fn policy(State(s): State<AppState>) -> Result<Json<PolicyOut>, ApiError> {
    let p = s.app.second_factor_policy().await?;
    Ok(Json(PolicyOut {
        required_roles: p
            .required_roles
            .iter()
            .map(|r| r.as_str().to_owned())
            .collect(),
        demo_off: p.demo_off,
    }))
}

/// Sets which roles must log in with a second factor (security administrator).
#[utoipa::path(put, path = "/api/v1/second-factor-policy", request_body = PolicyIo,
    responses((status = 204), (status = 403, body = Problem), (status = 422, body = Problem)))]
pub async fn set_policy(
    State(s): State<AppState>,
    user: CurrentUser,
    Body(b): Body<PolicyIo>,
) -> Result<StatusCode, ApiError> {
    let roles = b
        .required_roles
        .iter()
        .map(|r| Role::parse(r))
        .collect::<Result<Vec<_>, _>>()?;
    s.app.set_second_factor_policy(&user.ctx(), roles).await?;
    Ok(StatusCode::NO_CONTENT)
}
