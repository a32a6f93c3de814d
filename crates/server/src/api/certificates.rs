//! `/api/v1/verify`, `/api/v1/seal-authority`, `/api/v1/catalogue`, `/api/v1/certificates`,
//! `/api/v1/issued`, `/api/v1/seal-uses`: certificates (4.5) for machine clients.

use axum::Json;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use base64::Engine;
use jianfu_domain::DomainError;
use jianfu_domain::certificate::{
    ApplicationFilter, ApplicationForm, ApplicationView, AttachmentUpload, LocalTypeForm,
    SealUseFilter,
};
use jianfu_domain::page::PageRequest;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::access::{ClientIp, CurrentUser};
use crate::api::PageOut;
use crate::api::demands::FindingOut;
use crate::error::{ApiError, Problem, problem};
use crate::extract::{Json as Body, Path, Query};
use crate::state::AppState;
use crate::views::certificates::{VerifyQuery, verify_outcome};

/// An application with its attachments as base64 JSON: the form's limit, a third more.
pub const APPLY_JSON_LIMIT: usize = crate::views::certificates::APPLY_BODY_LIMIT * 4 / 3 + 4096;

#[derive(Serialize, ToSchema)]
pub struct VerifyOut {
    /// `authentic`, `revoked`, `seal_expired`, `invalid` or `unknown`.
    pub state: String,
    pub state_zh: String,
    pub serial: String,
    pub type_name: Option<String>,
    pub community_name: Option<String>,
    /// Masked, e.g. `张**`.
    pub applicant: Option<String>,
    /// Masked, e.g. `2103**********1238`.
    pub id_number: Option<String>,
    pub issued_on: Option<String>,
    pub seal_id: Option<String>,
    pub revoke_reason: Option<String>,
    /// The signature format in words: 旧格式 (JSON seal record) or GB/T 38540 签章.
    pub format_zh: Option<String>,
    /// Set when a signer certificate of the PDF `/Sig` or the OFD was revoked after the
    /// signature was made: the signature stays valid (`state` `authentic`) and this says which
    /// certificate and when. A revocation before the signature makes `state` `invalid`.
    pub signer_revoked: Option<String>,
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct VerifyParams {
    /// e.g. `ZM-2026-000001`.
    #[param(pattern = r"^[Zz][Mm]-[0-9]{4}-[0-9]{6,8}$")]
    pub serial: String,
    /// The 10-character check code printed on the certificate (no 0, 1, I, L or O).
    #[param(pattern = r"^[A-HJKMNP-Za-hjkmnp-z2-9]{10}$")]
    pub code: String,
}

/// Public verification of a certificate (no login). Failed attempts are rate-limited per
/// client address (429 after 20 in 10 minutes).
#[utoipa::path(get, path = "/api/v1/verify", params(VerifyParams), security(()),
    responses((status = 200, body = VerifyOut), (status = 422, body = Problem), (status = 429, body = Problem)))]
pub async fn verify(
    State(s): State<AppState>,
    ip: ClientIp,
    Query(p): Query<VerifyParams>,
) -> Response {
    let q = VerifyQuery {
        serial: Some(p.serial),
        code: Some(p.code),
    };
    match verify_outcome(&s, &ip, &q).await {
        Ok(Some(v)) => Json(VerifyOut {
            state: v.state.into(),
            state_zh: v.state_zh.into(),
            serial: v.serial,
            type_name: v.type_name,
            community_name: v.community_name,
            applicant: v.applicant,
            id_number: v.id_number,
            issued_on: v.issued_on,
            seal_id: v.seal_id,
            revoke_reason: v.revoke_reason,
            format_zh: v.format_zh.map(Into::into),
            signer_revoked: v.signer_revoked,
        })
        .into_response(),
        Ok(None) => ApiError(DomainError::field(
            "serial",
            "serial_malformed",
            "请填写证明编号和核验码",
        ))
        .into_response(),
        Err((status, e)) => problem(status, e.code, &e.message, e.field),
    }
}

#[derive(Serialize, ToSchema)]
pub struct FileVerificationOut {
    /// `true` when every signature of the file holds.
    pub valid: bool,
    /// `pdf` or `ofd`.
    pub kind: String,
    /// `json-v1` (old format) or `ses-v4` (GB/T 38540: PDF `/Sig`, GM/T 0099 OFD).
    pub format: String,
    pub format_zh: String,
    /// Why the file failed (Chinese), and the stable code of that reason (e.g.
    /// `reference_mismatch`, `foreign_authority`, `revoked`, `bad_signature`).
    pub reason: Option<String>,
    pub code: Option<String>,
    /// What was checked, in order.
    pub checks: Vec<String>,
    /// Each signature's signer and seal.
    pub signers: Vec<String>,
    /// The certificate's serial as the file gives it.
    pub serial: Option<String>,
}

/// Online check of a certificate file (no login): the request body is the PDF or OFD file
/// itself (at most 4 MB). Every signature is checked against the seal authority's root
/// certificate and today's revocation list (GB/T 38540 format) or the authority's key (old
/// format). A file that fails answers 200 with `valid: false` and the reason; a body that is
/// not a PDF or OFD answers 422 (`file_unsupported`). Failed checks count towards the same
/// per-address limit as `/api/v1/verify` (429). Nothing is stored.
#[utoipa::path(post, path = "/api/v1/verify/file", security(()),
    request_body(content = Vec<u8>, content_type = "application/octet-stream"),
    responses((status = 200, body = FileVerificationOut), (status = 413, body = Problem),
        (status = 422, body = Problem), (status = 429, body = Problem)))]
pub async fn verify_file(
    State(s): State<AppState>,
    ip: ClientIp,
    body: Result<axum::body::Bytes, axum::extract::rejection::BytesRejection>,
) -> Response {
    let Ok(body) = body else {
        return problem(
            axum::http::StatusCode::PAYLOAD_TOO_LARGE,
            "file_too_large",
            "文件过大：证明文件不超过 4 MB",
            Some("file"),
        );
    };
    match crate::views::certificates::verify_file_outcome(&s, &ip, body.to_vec()).await {
        Ok(v) => Json(FileVerificationOut {
            valid: v.valid,
            kind: v.kind.into(),
            format: v.format.into(),
            format_zh: v.format_zh.into(),
            reason: v.reason,
            code: v.code.map(Into::into),
            checks: v.checks,
            signers: v.signers,
            serial: v.serial,
        })
        .into_response(),
        Err((status, e)) => problem(status, e.code, &e.message, e.field),
    }
}

#[derive(Serialize, ToSchema)]
pub struct SealAuthorityOut {
    pub name: String,
    /// SM2 public key, hex of the uncompressed SEC1 point; verify seal records with it.
    pub public_key: String,
    pub algorithm: String,
}

/// The city's seal-authority public key, for offline verification (`jianfu verify`).
#[utoipa::path(get, path = "/api/v1/seal-authority", security(()),
    responses((status = 200, body = SealAuthorityOut), (status = 404, body = Problem)))]
pub async fn seal_authority(State(s): State<AppState>) -> Result<Json<SealAuthorityOut>, ApiError> {
    let key = s
        .app
        .seal_authority_key()
        .await?
        .ok_or_else(|| DomainError::not_found("电子印章管理机构（尚未制作任何印章）"))?;
    Ok(Json(SealAuthorityOut {
        name: jianfu_domain::certificate::AUTHORITY_NAME.into(),
        public_key: key.to_hex(),
        algorithm: "SM2-SM3".into(),
    }))
}

#[derive(Serialize, ToSchema)]
pub struct TypeOut {
    pub code: String,
    pub name: String,
    /// `retained` or `discontinued`.
    pub listing: String,
    pub local: bool,
    pub basis: String,
    pub processing: String,
    pub processing_days: i32,
    pub public_interest: bool,
    pub needs_investigation: bool,
    pub alternative: Option<String>,
    pub source: String,
}

#[derive(Serialize, ToSchema)]
pub struct CatalogueOut {
    pub district_id: i64,
    pub district_name: String,
    pub types: Vec<TypeOut>,
    pub not_adopted: Vec<TypeOut>,
    pub discontinued: Vec<TypeOut>,
}

fn type_out(t: jianfu_domain::certificate::CertificateTypeView) -> TypeOut {
    TypeOut {
        code: t.code,
        name: t.name,
        listing: t.listing,
        local: t.local,
        basis: t.basis_zh,
        processing: t.processing_zh,
        processing_days: t.processing_days,
        public_interest: t.public_interest,
        needs_investigation: t.needs_investigation,
        alternative: t.alternative_zh,
        source: t.source,
    }
}

/// A district's public certificate catalogue (4.5-2, 4.5-7).
#[utoipa::path(get, path = "/api/v1/catalogue/{district_id}", params(("district_id" = i64, Path)), security(()),
    responses((status = 200, body = CatalogueOut), (status = 404, body = Problem)))]
pub async fn catalogue(
    State(s): State<AppState>,
    Path(id): Path<i64>,
) -> Result<Json<CatalogueOut>, ApiError> {
    let c = s.app.catalogue(id).await?;
    Ok(Json(CatalogueOut {
        district_id: c.district.id,
        district_name: c.district.name,
        types: c.types.into_iter().map(type_out).collect(),
        not_adopted: c.not_adopted.into_iter().map(type_out).collect(),
        discontinued: c.discontinued.into_iter().map(type_out).collect(),
    }))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LocalTypeIn {
    /// Lower-case letters, digits and `_`, unique in the district.
    pub code: String,
    pub name: String,
    /// `law`, `regulation`, `rule` or `retained_list`; empty when there is none (then 4.5-3
    /// refuses the type).
    #[serde(default)]
    #[schema(schema_with = crate::api::texts::certificate_basis_kind)]
    pub basis_kind: String,
    #[serde(default)]
    pub basis_title: String,
    /// The article, or for a retained list its approver: `state`, `province` or `city`.
    #[serde(default)]
    pub basis_article: String,
    /// Whether issuing it is within the community's duties (4.5-6).
    pub within_duty: bool,
    /// Conditions, one per line.
    #[serde(default)]
    pub conditions: String,
    /// Materials to bring, one per line.
    #[serde(default)]
    pub materials: String,
    /// Certificate text template.
    #[serde(default)]
    pub template: String,
    /// Working days, 0 (on the spot) to 60.
    #[serde(default)]
    #[schema(minimum = 0, maximum = 60)]
    pub processing_days: Option<i32>,
    #[serde(default)]
    pub needs_investigation: bool,
    #[serde(default)]
    pub public_interest: bool,
    #[serde(default)]
    pub purpose: String,
    /// Steps, one per line.
    #[serde(default)]
    pub steps: String,
    /// Where the type comes from; default "<district>本地证明事项".
    #[serde(default)]
    pub source: String,
}

/// A district adds a local certificate type to its catalogue (4.5-2), checked by 4.5-3 and
/// 4.5-6; a refused type is answered 422 with the rules' reasons and nothing is stored.
#[utoipa::path(post, path = "/api/v1/catalogue/{district_id}/local", params(("district_id" = i64, Path)), request_body = LocalTypeIn,
    responses((status = 201, body = TypeOut), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn create_local_type(
    State(s): State<AppState>,
    user: CurrentUser,
    Path(district_id): Path<i64>,
    Body(b): Body<LocalTypeIn>,
) -> Result<(axum::http::StatusCode, Json<TypeOut>), ApiError> {
    let form = LocalTypeForm {
        code: b.code,
        name: b.name,
        basis_kind: b.basis_kind,
        basis_title: b.basis_title,
        basis_article: b.basis_article,
        within_duty: b.within_duty,
        conditions: b.conditions,
        materials: b.materials,
        template: b.template,
        processing_days: b.processing_days.map(|d| d.to_string()).unwrap_or_default(),
        needs_investigation: b.needs_investigation,
        public_interest: b.public_interest,
        purpose: b.purpose,
        steps: b.steps,
        source: b.source,
    };
    let t = s
        .app
        .create_local_type(&user.ctx(), district_id, &form)
        .await?;
    Ok((axum::http::StatusCode::CREATED, Json(type_out(t))))
}

#[derive(Serialize, ToSchema)]
pub struct ApplicationOut {
    pub id: i64,
    pub community_id: i64,
    pub community_name: String,
    pub type_code: Option<String>,
    pub type_name: String,
    pub applicant_name: String,
    /// Always masked.
    pub id_number: String,
    pub purpose: String,
    /// The department that asked for the certificate, as the applicant named it (4.5-4).
    pub demanded_by: Option<String>,
    /// The admission number of that department's certificate demand, as given; look it up
    /// with `GET /api/v1/lookup/{number}`.
    pub demand_number: Option<String>,
    /// `submitted`, `refused` or `issued`.
    pub status: String,
    /// `catalogue`, `transitional` or `none`.
    pub path: String,
    pub received_on: String,
    pub due_on: Option<String>,
    pub overdue: bool,
    /// Outcome of the rules at application: `allow`, `needs_approval` or `reject`.
    pub outcome: String,
    pub clauses: Vec<String>,
    pub findings: Vec<FindingOut>,
    pub refuse_reason: Option<String>,
    pub certificate_id: Option<i64>,
    pub serial: Option<String>,
    pub certificate_status: Option<String>,
    pub verify_url: Option<String>,
}

impl From<ApplicationView> for ApplicationOut {
    fn from(a: ApplicationView) -> Self {
        let c = a.certificate;
        Self {
            id: a.id,
            community_id: a.community_node_id,
            community_name: a.community_name,
            type_code: a.type_code,
            type_name: a.type_name,
            applicant_name: a.applicant_name,
            id_number: a.id_number_masked,
            purpose: a.purpose,
            demanded_by: a.demanded_by,
            demand_number: a.demand_number,
            status: a.status,
            path: a.path,
            received_on: a.received_on,
            due_on: a.due_on,
            overdue: a.overdue,
            outcome: a.decision.outcome,
            clauses: a.decision.clauses,
            findings: a
                .decision
                .reasons
                .into_iter()
                .map(|r| FindingOut {
                    clause: r.clause,
                    code: r.code,
                    message: r.message,
                })
                .collect(),
            refuse_reason: a.refuse_reason,
            certificate_id: c.as_ref().map(|c| c.id),
            serial: c.as_ref().map(|c| c.serial.clone()),
            certificate_status: c.as_ref().map(|c| c.status.clone()),
            verify_url: c.map(|c| c.verify_url),
        }
    }
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AttachmentIn {
    pub file_name: String,
    /// The file, base64 (standard alphabet).
    pub content_base64: String,
}

/// The files of a body, decoded from base64; a file that is not base64 is a problem of `field`.
pub(crate) fn decode_uploads(
    files: Vec<AttachmentIn>,
    field: &'static str,
) -> Result<Vec<AttachmentUpload>, DomainError> {
    files
        .into_iter()
        .map(|a| {
            let bytes = base64::engine::general_purpose::STANDARD
                .decode(a.content_base64.as_bytes())
                .map_err(|_| {
                    DomainError::field(
                        field,
                        "attachment_base64",
                        format!(
                            "附件“{}”不是有效的 base64",
                            a.file_name.chars().take(60).collect::<String>()
                        ),
                    )
                })?;
            Ok(AttachmentUpload {
                file_name: a.file_name,
                bytes,
            })
        })
        .collect()
}

/// An application as the API takes it.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ApplicationIn {
    /// Defaults to the caller's own community.
    pub community_id: Option<i64>,
    /// A catalogue code, or `other` for a certificate in no catalogue (refused, 4.5-10).
    pub type_code: String,
    #[serde(default)]
    pub other_name: String,
    pub applicant_name: String,
    pub id_number: String,
    pub purpose: String,
    #[serde(default)]
    pub details: String,
    /// For a discontinued type: `policy_gap` or `counterparty_requires`.
    #[serde(default)]
    #[schema(schema_with = crate::api::texts::certificate_need)]
    pub need: String,
    /// The department that asked for the certificate (optional, 4.5-4).
    #[serde(default)]
    pub demanded_by: String,
    /// The admission number of that department's certificate demand (optional), e.g.
    /// AZ-2026-000123-7; a malformed one is refused.
    #[serde(default)]
    pub demand_number: String,
    #[serde(default)]
    pub attachments: Vec<AttachmentIn>,
}

/// Applies for a certificate; the rules decide at once (a refusal is stored and returned).
#[utoipa::path(post, path = "/api/v1/certificates", request_body = ApplicationIn,
    responses((status = 201, body = ApplicationOut), (status = 403, body = Problem), (status = 422, body = Problem)))]
pub async fn apply(
    State(s): State<AppState>,
    user: CurrentUser,
    Body(b): Body<ApplicationIn>,
) -> Result<(axum::http::StatusCode, Json<ApplicationOut>), ApiError> {
    let uploads = decode_uploads(b.attachments, "attachments")?;
    let form = ApplicationForm {
        community_id: b.community_id,
        type_code: b.type_code,
        other_name: b.other_name,
        applicant_name: b.applicant_name,
        id_number: b.id_number,
        purpose: b.purpose,
        details: b.details,
        need: b.need,
        demanded_by: b.demanded_by,
        demand_number: b.demand_number,
    };
    let v = s
        .app
        .apply_certificate(&user.ctx(), &form, &uploads)
        .await?;
    Ok((axum::http::StatusCode::CREATED, Json(v.into())))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListParams {
    /// `submitted`, `overdue`, `issued` or `refused`; empty: all.
    #[param(schema_with = crate::api::texts::application_status)]
    status: Option<String>,
    q: Option<String>,
    /// 1-based page number.
    #[param(minimum = 1, maximum = 1000000)]
    page: Option<u64>,
    /// Items per page (default 20).
    #[param(minimum = 1, maximum = 200)]
    per_page: Option<u64>,
}

/// Applications in the caller's jurisdiction, newest first.
#[utoipa::path(get, path = "/api/v1/certificates", params(ListParams),
    responses((status = 200, body = PageOut<ApplicationOut>), (status = 403, body = Problem)))]
pub async fn list(
    State(s): State<AppState>,
    user: CurrentUser,
    Query(p): Query<ListParams>,
) -> Result<Json<PageOut<ApplicationOut>>, ApiError> {
    let f = ApplicationFilter {
        status: p.status.unwrap_or_default(),
        q: p.q.unwrap_or_default(),
    };
    let page = s
        .app
        .list_applications(&user.ctx(), &f, PageRequest::parse(p.page, p.per_page)?)
        .await?;
    Ok(Json(PageOut::from_page(page, ApplicationOut::from)))
}

/// The caller's own applications, newest first (a resident's 我的证明申请).
#[utoipa::path(get, path = "/api/v1/certificates/mine",
    responses((status = 200, body = Vec<ApplicationOut>), (status = 403, body = Problem)))]
pub async fn mine(
    State(s): State<AppState>,
    user: CurrentUser,
) -> Result<Json<Vec<ApplicationOut>>, ApiError> {
    let items = s.app.my_applications(&user.ctx()).await?;
    Ok(Json(items.into_iter().map(ApplicationOut::from).collect()))
}

/// One application (its applicant, or an official over its community).
#[utoipa::path(get, path = "/api/v1/certificates/{id}", params(("id" = i64, Path)),
    responses((status = 200, body = ApplicationOut), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn get(
    State(s): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
) -> Result<Json<ApplicationOut>, ApiError> {
    Ok(Json(s.app.application(&user.ctx(), id).await?.into()))
}

/// Issues the certificate, sealing it (4.5-5, 4.5-9, 4.5-12, 4.5-13 must allow it).
#[utoipa::path(post, path = "/api/v1/certificates/{id}/issue", params(("id" = i64, Path)),
    responses((status = 200, body = ApplicationOut), (status = 403, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn issue(
    State(s): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
) -> Result<Json<ApplicationOut>, ApiError> {
    let ctx = user.ctx();
    s.app.issue_certificate(&ctx, id).await?;
    Ok(Json(s.app.application(&ctx, id).await?.into()))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RefusalIn {
    pub reason: String,
}

/// Refuses an application with a written reason (the community's staff).
#[utoipa::path(post, path = "/api/v1/certificates/{id}/refuse", params(("id" = i64, Path)), request_body = RefusalIn,
    responses((status = 200, body = ApplicationOut), (status = 403, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn refuse(
    State(s): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
    Body(b): Body<RefusalIn>,
) -> Result<Json<ApplicationOut>, ApiError> {
    let ctx = user.ctx();
    s.app.refuse_application(&ctx, id, &b.reason).await?;
    Ok(Json(s.app.application(&ctx, id).await?.into()))
}

/// What the applicant must add (一次性告知).
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MaterialRequestIn {
    pub note: String,
}

/// Asks the applicant for more material, all at once; the application stays in progress and the
/// applicant sees the request in the inbox (the community's staff).
#[utoipa::path(post, path = "/api/v1/certificates/{id}/request-material", params(("id" = i64, Path)), request_body = MaterialRequestIn,
    responses((status = 200, body = ApplicationOut), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn request_material(
    State(s): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
    Body(b): Body<MaterialRequestIn>,
) -> Result<Json<ApplicationOut>, ApiError> {
    Ok(Json(
        s.app
            .request_material(&user.ctx(), id, &b.note)
            .await?
            .into(),
    ))
}

/// The material asked for.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SupplementIn {
    pub attachments: Vec<AttachmentIn>,
}

/// Adds the material asked for (the applicant, or the community's staff for them); each file is
/// checked by content; 409 when nothing was asked.
#[utoipa::path(post, path = "/api/v1/certificates/{id}/supplement", params(("id" = i64, Path)), request_body = SupplementIn,
    responses((status = 200, body = ApplicationOut), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn supplement(
    State(s): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
    Body(b): Body<SupplementIn>,
) -> Result<Json<ApplicationOut>, ApiError> {
    let uploads = decode_uploads(b.attachments, "attachments")?;
    Ok(Json(
        s.app
            .supplement_application(&user.ctx(), id, &uploads)
            .await?
            .into(),
    ))
}

/// Revokes an issued certificate.
#[utoipa::path(post, path = "/api/v1/issued/{id}/revoke", params(("id" = i64, Path, description = "certificate id")), request_body = RefusalIn,
    responses((status = 200, body = ApplicationOut), (status = 403, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn revoke(
    State(s): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
    Body(b): Body<RefusalIn>,
) -> Result<Json<ApplicationOut>, ApiError> {
    Ok(Json(
        s.app
            .revoke_certificate(&user.ctx(), id, &b.reason)
            .await?
            .into(),
    ))
}

#[derive(Serialize, ToSchema)]
pub struct SealUseOut {
    pub id: i64,
    pub at: i64,
    pub seal_code: String,
    pub community_name: String,
    pub serial: String,
    pub certificate_id: i64,
    pub type_name: String,
    pub account: String,
    pub approval: String,
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SealUseParams {
    q: Option<String>,
    /// First day, `YYYY-MM-DD`.
    #[param(schema_with = crate::api::texts::day)]
    from: Option<String>,
    /// Last day, inclusive.
    #[param(schema_with = crate::api::texts::day)]
    to: Option<String>,
    /// 1-based page number.
    #[param(minimum = 1, maximum = 1000000)]
    page: Option<u64>,
    /// Items per page (default 20).
    #[param(minimum = 1, maximum = 200)]
    per_page: Option<u64>,
}

/// The seal-use ledger in the caller's jurisdiction.
#[utoipa::path(get, path = "/api/v1/seal-uses", params(SealUseParams),
    responses((status = 200, body = PageOut<SealUseOut>), (status = 403, body = Problem), (status = 422, body = Problem)))]
pub async fn seal_uses(
    State(s): State<AppState>,
    user: CurrentUser,
    Query(p): Query<SealUseParams>,
) -> Result<Json<PageOut<SealUseOut>>, ApiError> {
    let f = SealUseFilter {
        q: p.q.unwrap_or_default(),
        from: crate::api::texts::day_filter(p.from, "from")?,
        to: crate::api::texts::day_filter(p.to, "to")?,
    };
    let page = s
        .app
        .seal_ledger(&user.ctx(), &f, PageRequest::parse(p.page, p.per_page)?)
        .await?;
    Ok(Json(PageOut::from_page(page, |r| SealUseOut {
        id: r.id,
        at: r.at,
        seal_code: r.seal_code,
        community_name: r.community_name,
        serial: r.serial,
        certificate_id: r.certificate_id,
        type_name: r.type_name,
        account: r.account,
        approval: r.approval,
    })))
}
