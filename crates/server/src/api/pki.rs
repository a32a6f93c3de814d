//! `/api/v1/seal-authority/root.pem|der` (public: the seal authority's root certificate for
//! offline verification, `jianfu verify --root`) and `/api/v1/pki/signers` (the signers'
//! certificates, their revocation): the PKI of issue 18.

use axum::Json;
use axum::extract::State;
use axum::response::Response;
use jianfu_domain::certificate::PkiCertificateView;
use jianfu_domain::page::PageRequest;
use serde::Serialize;
use utoipa::ToSchema;

use crate::access::CurrentUser;
use crate::api::certificates::RefusalIn;
use crate::api::{PageOut, PageParams};
use crate::error::{ApiError, Problem};
use crate::extract::{Json as Body, Path, Query};
use crate::state::AppState;

/// File name of the root certificate as downloaded.
pub const ROOT_FILE: &str = "jianfu-seal-authority-root";

/// The seal authority's root certificate (self-signed SM2 X.509, SM3withSM2) as PEM: the
/// trust anchor of seals, signatures, OFD files and PDF signature fields.
#[utoipa::path(get, path = "/api/v1/seal-authority/root.pem", security(()),
    responses((status = 200, description = "根证书（PEM）", content_type = "application/x-pem-file"), (status = 404, body = Problem)))]
pub async fn root_pem(State(s): State<AppState>) -> Result<Response, ApiError> {
    let cert = s.app.root_certificate().await?;
    Ok(public_file(
        cert.to_pem().into_bytes(),
        "application/x-pem-file",
        &format!("{ROOT_FILE}.pem"),
    ))
}

/// The same root certificate as DER.
#[utoipa::path(get, path = "/api/v1/seal-authority/root.der", security(()),
    responses((status = 200, description = "根证书（DER）", content_type = "application/pkix-cert"), (status = 404, body = Problem)))]
pub async fn root_der(State(s): State<AppState>) -> Result<Response, ApiError> {
    let cert = s.app.root_certificate().await?;
    Ok(public_file(
        cert.der().to_vec(),
        "application/pkix-cert",
        &format!("{ROOT_FILE}.der"),
    ))
}

/// A public file: the same for everyone, so caches may keep it.
fn public_file(bytes: Vec<u8>, content_type: &str, name: &str) -> Response {
    let mut response = crate::views::list::download(bytes, content_type, name, false);
    response.headers_mut().insert(
        axum::http::header::CACHE_CONTROL,
        axum::http::HeaderValue::from_static("public, max-age=3600"),
    );
    response
}

#[derive(Serialize, ToSchema)]
pub struct PkiCertificateOut {
    pub id: i64,
    /// `signer` here (`root`, `seal_maker` exist too).
    pub role: String,
    /// Serial number, lowercase hex.
    pub serial: String,
    /// `CN=…, O=…`.
    pub subject: String,
    pub account_id: Option<i64>,
    pub not_before: String,
    pub not_after: String,
    pub revoked_at: Option<String>,
    pub revoke_reason: Option<String>,
    /// 根证书, 制章者证书 or 签章人证书.
    pub role_zh: String,
    /// Now: `valid`, `revoked`, `expired` or `not_yet_valid`.
    pub state: String,
    /// 有效, 已撤销, 已过期 or 未生效.
    pub state_zh: String,
}

impl From<PkiCertificateView> for PkiCertificateOut {
    fn from(v: PkiCertificateView) -> Self {
        PkiCertificateOut {
            id: v.id,
            role: v.role,
            serial: v.serial,
            subject: v.subject,
            account_id: v.account_id,
            not_before: v.not_before,
            not_after: v.not_after,
            revoked_at: v.revoked_at,
            revoke_reason: v.revoke_reason,
            role_zh: v.role_zh.into(),
            state: v.state.as_str().into(),
            state_zh: v.state.label_zh().into(),
        }
    }
}

/// The signers' certificates of the accounts in the caller's seal administration, newest
/// first.
#[utoipa::path(get, path = "/api/v1/pki/signers",
    responses((status = 200, body = Vec<PkiCertificateOut>), (status = 403, body = Problem)))]
pub async fn signers(
    State(s): State<AppState>,
    user: CurrentUser,
) -> Result<Json<Vec<PkiCertificateOut>>, ApiError> {
    Ok(Json(
        s.app
            .list_signer_certificates(&user.ctx())
            .await?
            .into_iter()
            .map(Into::into)
            .collect(),
    ))
}

/// Revokes a signer's certificate (the signer left the seal), with a reason. The signer can
/// no longer apply a seal; signatures verify as revoked from this moment on.
#[utoipa::path(post, path = "/api/v1/pki/signers/{id}/revoke", params(("id" = i64, Path, description = "certificate id")), request_body = RefusalIn,
    responses((status = 200, body = PkiCertificateOut), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn revoke(
    State(s): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
    Body(b): Body<RefusalIn>,
) -> Result<Json<PkiCertificateOut>, ApiError> {
    Ok(Json(
        s.app
            .revoke_signer_certificate(&user.ctx(), id, &b.reason)
            .await?
            .into(),
    ))
}

/// The PKI's certificates the caller sees: the root and the seal maker, then the signers of
/// the accounts in the caller's seal administration, newest first, each with its state now.
#[utoipa::path(get, path = "/api/v1/pki/certificates", params(PageParams),
    responses((status = 200, body = PageOut<PkiCertificateOut>), (status = 403, body = Problem), (status = 422, body = Problem)))]
pub async fn certificates(
    State(s): State<AppState>,
    user: CurrentUser,
    Query(p): Query<PageParams>,
) -> Result<Json<PageOut<PkiCertificateOut>>, ApiError> {
    let req = PageRequest::parse(p.page, p.per_page)?;
    let page = s.app.list_pki_certificates(&user.ctx(), req).await?;
    Ok(Json(PageOut {
        items: page.items.into_iter().map(Into::into).collect(),
        total: page.total,
        page: page.page,
        per_page: page.per_page,
    }))
}
