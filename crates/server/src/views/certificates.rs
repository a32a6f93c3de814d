//! Certificate pages (证明, 4.5): public service guides and verification; the resident's
//! application form and list; the community's processing page (investigation, deliberation,
//! head signature, issue, refuse, revoke); the seal-use ledger; seals; the district catalogue;
//! the holiday calendar.

use axum::extract::multipart::MultipartRejection;
use axum::extract::{Multipart, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use jianfu_domain::authz::Action;
use jianfu_domain::certificate::{
    ApplicationFilter, ApplicationForm, ApplicationStatus, ApplicationView, AttachmentUpload,
    CatalogueView, CertificateTypeView, FileVerification, HolidayYearView, LocalTypeForm,
    RecordForm, SealUseFilter, SealUseView, SealView, VerifyView,
};
use jianfu_domain::page::{Page, every_row};
use jianfu_domain::tree::NodeView;
use jianfu_domain::{DomainError, ErrorKind};
use serde::Deserialize;

use crate::access::{ClientIp, CurrentUser, MaybeUser, double_submit_ok, double_submit_token};
use crate::error::PageError;
use crate::extract::{Form, Path, Query};
use crate::state::AppState;
use crate::views::list::{self, Cell, Column, ListExport, ListQuery};
use crate::views::{Chrome, DoneQuery, FormError, Shown, form_status, is_form_error, render};
use axum_extra::extract::cookie::CookieJar;

/// Request body limit of the application upload: five attachments of 5 MB and the fields.
pub const APPLY_BODY_LIMIT: usize =
    5 * jianfu_domain::certificate::MAX_ATTACHMENT_BYTES + 256 * 1024;

// ---------------------------------------------------------------- public guides

#[derive(askama::Template)]
#[template(path = "guides.html")]
struct GuidesPage {
    chrome: Chrome,
    districts: Vec<NodeView>,
    catalogue: Option<CatalogueView>,
}

#[derive(Deserialize, Default)]
pub struct GuidesQuery {
    district: Option<i64>,
}

/// The public catalogue of one district (service guides, 4.5-6/4.5-7), and the discontinued list.
pub async fn guides(
    State(state): State<AppState>,
    MaybeUser(user): MaybeUser,
    Query(q): Query<GuidesQuery>,
) -> Response {
    let districts = match state.app.districts().await {
        Ok(d) => d,
        Err(e) => return PageError(e).into_response(),
    };
    let chosen = q.district.or_else(|| districts.first().map(|d| d.id));
    let catalogue = match chosen {
        Some(id) => match state.app.catalogue(id).await {
            Ok(c) => Some(c),
            Err(e) => return PageError(e).into_response(),
        },
        None => None,
    };
    render(
        StatusCode::OK,
        &GuidesPage {
            chrome: Chrome::new("证明事项办事指南", user.as_ref(), "/guides"),
            districts,
            catalogue,
        },
    )
}

#[derive(askama::Template)]
#[template(path = "guide.html")]
struct GuidePage {
    chrome: Chrome,
    t: CertificateTypeView,
    can_apply: bool,
    /// The departments that require this certificate, with their basis (4.5-4).
    required_by: Vec<jianfu_domain::demand_kinds::CertificateRequirement>,
}

pub async fn guide(
    State(state): State<AppState>,
    MaybeUser(user): MaybeUser,
    Path(code): Path<String>,
) -> Response {
    let t = match state.app.certificate_type(&code).await {
        Ok(t) => t,
        Err(e) => return PageError(e).into_response(),
    };
    let required_by = match state.app.certificate_requirements(&t.code).await {
        Ok(r) => r,
        Err(e) => return PageError(e).into_response(),
    };
    render(
        StatusCode::OK,
        &GuidePage {
            chrome: Chrome::new(format!("办事指南：{}", t.name), user.as_ref(), "/guides"),
            can_apply: user
                .as_ref()
                .is_some_and(|u| u.principal.may(Action::ApplyCertificate)),
            t,
            required_by,
        },
    )
}

/// A printable sample of the certificate (样本): not signed, watermarked.
pub async fn guide_sample(State(state): State<AppState>, Path(code): Path<String>) -> Response {
    let t = match state.app.certificate_type(&code).await {
        Ok(t) => t,
        Err(e) => return PageError(e).into_response(),
    };
    match state.app.sample_pdf(&t) {
        Ok(pdf) => pdf_response(pdf, &format!("{}-样本.pdf", t.code), true),
        Err(e) => PageError(e).into_response(),
    }
}

fn pdf_response(bytes: Vec<u8>, file_name: &str, inline: bool) -> Response {
    list::download(bytes, "application/pdf", file_name, inline)
}

// ---------------------------------------------------------------- public verification

#[derive(askama::Template)]
#[template(path = "verify.html")]
struct VerifyPage {
    chrome: Chrome,
    serial: String,
    code: String,
    result: Option<VerifyView>,
    error: String,
    /// The token of the file form.
    csrf: String,
    /// What the check of an uploaded file found, and why a file could not be checked.
    file: Option<FileVerification>,
    file_error: String,
}

#[derive(Deserialize, Default)]
pub struct VerifyQuery {
    pub serial: Option<String>,
    pub code: Option<String>,
}

/// Refuses the client address after too many failed verifications (counted across servers).
async fn verify_allowed(state: &AppState, ip: &ClientIp) -> Result<(), (StatusCode, DomainError)> {
    let allowed = state
        .app
        .rate_allowed(state.verify_failures, ip.0.as_deref())
        .await
        .map_err(|e| (crate::error::status_for(e.kind), e))?;
    if allowed {
        return Ok(());
    }
    Err((
        StatusCode::TOO_MANY_REQUESTS,
        DomainError::new(
            ErrorKind::Invalid,
            "verify_rate_limited",
            "核验失败次数过多，请 10 分钟后再试",
        ),
    ))
}

/// Counts a failed verification of the client address.
async fn verify_failed(state: &AppState, ip: &ClientIp) -> Result<(), (StatusCode, DomainError)> {
    state
        .app
        .rate_count(state.verify_failures, ip.0.as_deref())
        .await
        .map_err(|e| (crate::error::status_for(e.kind), e))
}

/// What a verification came to, for the page and the API: a result, or an error with status.
pub async fn verify_outcome(
    state: &AppState,
    ip: &ClientIp,
    q: &VerifyQuery,
) -> Result<Option<VerifyView>, (StatusCode, DomainError)> {
    let serial = q.serial.as_deref().unwrap_or("").trim();
    let code = q.code.as_deref().unwrap_or("").trim();
    if serial.is_empty() && code.is_empty() {
        return Ok(None);
    }
    verify_allowed(state, ip).await?;
    match state.app.verify_certificate(serial, code).await {
        Ok(v) => {
            if v.state == "unknown" {
                verify_failed(state, ip).await?;
            }
            Ok(Some(v))
        }
        Err(e) if e.kind == ErrorKind::Invalid => {
            verify_failed(state, ip).await?;
            Err((StatusCode::UNPROCESSABLE_ENTITY, e))
        }
        Err(e) => Err((crate::error::status_for(e.kind), e)),
    }
}

pub async fn verify(
    State(state): State<AppState>,
    MaybeUser(user): MaybeUser,
    ip: ClientIp,
    jar: CookieJar,
    Query(q): Query<VerifyQuery>,
) -> Response {
    let (result, error, status) = match verify_outcome(&state, &ip, &q).await {
        Ok(r) => (r, String::new(), StatusCode::OK),
        Err((status, e)) if e.kind != ErrorKind::Internal => (None, e.message, status),
        Err((_, e)) => return PageError(e).into_response(),
    };
    let (jar, csrf) = verify_token(&state, user.as_ref(), jar);
    let page = VerifyPage {
        chrome: Chrome::new("证明核验", user.as_ref(), "/verify"),
        serial: q.serial.unwrap_or_default(),
        code: q.code.unwrap_or_default(),
        result,
        error,
        csrf,
        file: None,
        file_error: String::new(),
    };
    (jar, render(status, &page)).into_response()
}

/// The double-submit cookie of the file form on `/verify` (a visitor without a session).
const VERIFY_CSRF_COOKIE: &str = "jianfu_verify_csrf";

/// The token the file form sends in its query string: the session's with a session (the
/// access layer checks it), else a fresh double-submit token (checked by [`verify_file`]).
fn verify_token(
    state: &AppState,
    user: Option<&CurrentUser>,
    jar: CookieJar,
) -> (CookieJar, String) {
    match user {
        Some(u) => (jar, u.csrf().to_owned()),
        None => {
            let (c, token) = double_submit_token(state, VERIFY_CSRF_COOKIE);
            (jar.add(c), token)
        }
    }
}

/// Request body limit of `/verify/file`: the file and the form around it.
pub const VERIFY_FILE_BODY_LIMIT: usize =
    jianfu_domain::certificate::MAX_VERIFY_FILE_BYTES + 64 * 1024;

/// Checks an uploaded certificate file (see [`jianfu_domain::App::verify_certificate_file`]).
/// Invalid files count as failed verifications of the client address (the same limit as
/// serial and code: 429 after too many), so the check cannot be used to grind the server.
pub async fn verify_file_outcome(
    state: &AppState,
    ip: &ClientIp,
    bytes: Vec<u8>,
) -> Result<FileVerification, (StatusCode, DomainError)> {
    verify_allowed(state, ip).await?;
    match state.app.verify_certificate_file(bytes).await {
        Ok(v) => {
            if !v.valid {
                verify_failed(state, ip).await?;
            }
            Ok(v)
        }
        Err(e) if e.kind == ErrorKind::Invalid => {
            verify_failed(state, ip).await?;
            Err((StatusCode::UNPROCESSABLE_ENTITY, e))
        }
        Err(e) => Err((crate::error::status_for(e.kind), e)),
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct TokenQuery {
    csrf_token: String,
}

/// `POST /verify/file` (multipart, field `file`): the verify page with what the check of the
/// uploaded PDF or OFD found — valid, or the reason it is not. Changes nothing.
pub async fn verify_file(
    State(state): State<AppState>,
    MaybeUser(user): MaybeUser,
    ip: ClientIp,
    jar: CookieJar,
    t: Result<Query<TokenQuery>, Response>,
    m: Result<Multipart, MultipartRejection>,
) -> Response {
    let sent = t.map(|Query(t)| t.csrf_token).unwrap_or_default();
    let page = |jar: CookieJar, status, file, file_error: String| {
        let (jar, csrf) = verify_token(&state, user.as_ref(), jar);
        let page = VerifyPage {
            chrome: Chrome::new("证明核验", user.as_ref(), "/verify"),
            serial: String::new(),
            code: String::new(),
            result: None,
            error: String::new(),
            csrf,
            file,
            file_error,
        };
        (jar, render(status, &page)).into_response()
    };
    // With a session the access layer has checked the session's token; without one, the
    // double-submit cookie must match.
    if user.is_none() && !double_submit_ok(&jar, VERIFY_CSRF_COOKIE, &sent) {
        return page(
            jar,
            StatusCode::BAD_REQUEST,
            None,
            "页面已过期或安全校验失败，请刷新页面后重新选择文件".to_owned(),
        );
    }
    let bytes = match read_verify_upload(m).await {
        Ok(b) => b,
        Err(e) => return page(jar, StatusCode::UNPROCESSABLE_ENTITY, None, e.message),
    };
    match verify_file_outcome(&state, &ip, bytes).await {
        Ok(v) => page(jar, StatusCode::OK, Some(v), String::new()),
        Err((status, e)) if e.kind != ErrorKind::Internal => page(jar, status, None, e.message),
        Err((_, e)) => PageError(e).into_response(),
    }
}

/// The `file` part of the verify form.
async fn read_verify_upload(
    m: Result<Multipart, MultipartRejection>,
) -> Result<Vec<u8>, DomainError> {
    let unreadable = || {
        DomainError::field(
            "file",
            "upload_unreadable",
            "提交的内容无法识别，或文件超过 4 MB",
        )
    };
    let mut m = m.map_err(|_| unreadable())?;
    while let Some(field) = m.next_field().await.map_err(|_| unreadable())? {
        if field.name() == Some("file") {
            let bytes = field.bytes().await.map_err(|_| unreadable())?;
            if bytes.is_empty() {
                break;
            }
            return Ok(bytes.to_vec());
        }
    }
    Err(DomainError::field(
        "file",
        "file_required",
        "请选择要核验的证明文件（PDF 或 OFD）",
    ))
}

// ---------------------------------------------------------------- applying

#[derive(askama::Template)]
#[template(path = "cert_apply.html")]
struct ApplyPage {
    chrome: Chrome,
    catalogue: CatalogueView,
    community: NodeView,
    form: ApplicationForm,
    error: FormError,
    on_behalf: bool,
    /// The chosen type is one communities no longer issue (4.5-12): the select offers it, and
    /// the form asks why it is still needed.
    discontinued_chosen: bool,
}

#[derive(Deserialize, Default)]
pub struct ApplyQuery {
    #[serde(rename = "type")]
    type_code: Option<String>,
}

async fn apply_page(
    state: &AppState,
    user: &CurrentUser,
    mut shown: Shown<'_, ApplicationForm>,
) -> Response {
    let form = shown.entered_or_default();
    let Shown { error, status, .. } = shown;
    let Some(grant) = user
        .principal
        .grants
        .iter()
        .find(|g| jianfu_domain::authz::permits(g.role, Action::ApplyCertificate))
    else {
        return PageError(DomainError::forbidden("您的角色不能申请证明")).into_response();
    };
    let community = match state.app.find_node(grant.node_id).await {
        Ok(c) => c,
        Err(e) => return PageError(e).into_response(),
    };
    let district = match state.app.district_of_node(&community).await {
        Ok(d) => d,
        Err(e) => return PageError(e).into_response(),
    };
    let catalogue = match state.app.catalogue(district.id).await {
        Ok(c) => c,
        Err(e) => return PageError(e).into_response(),
    };
    render(
        status,
        &ApplyPage {
            chrome: Chrome::new("申请开具证明", Some(user), "/certificates/apply"),
            on_behalf: grant.role != jianfu_domain::Role::Resident,
            discontinued_chosen: catalogue
                .discontinued
                .iter()
                .any(|t| t.code == form.type_code),
            catalogue,
            community,
            form,
            error,
        },
    )
}

pub async fn apply_form(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(q): Query<ApplyQuery>,
) -> Response {
    let mut form = ApplicationForm {
        type_code: q.type_code.unwrap_or_default(),
        ..Default::default()
    };
    if user.principal.has_role(jianfu_domain::Role::Resident) {
        form.applicant_name = user.principal.display_name.clone();
    }
    apply_page(&state, &user, Shown::fresh(None).with(form)).await
}

/// Reads the multipart application: text fields into the form, files into uploads.
async fn read_application(
    m: Result<Multipart, MultipartRejection>,
) -> Result<(ApplicationForm, Vec<AttachmentUpload>), DomainError> {
    let unreadable = || {
        DomainError::field(
            "attachments",
            "upload_unreadable",
            "提交的内容无法识别，或附件总大小超过限制（每个附件不超过 5 MB，最多 5 个）",
        )
    };
    let mut m = m.map_err(|_| unreadable())?;
    let mut f = ApplicationForm::default();
    let mut files = Vec::new();
    while let Some(field) = m.next_field().await.map_err(|_| unreadable())? {
        let name = field.name().unwrap_or("").to_owned();
        if name == "attachments" {
            let file_name = field.file_name().unwrap_or("").to_owned();
            let bytes = field.bytes().await.map_err(|_| unreadable())?;
            // An empty file input submits one nameless empty part: that is "no attachment".
            if file_name.is_empty() && bytes.is_empty() {
                continue;
            }
            files.push(AttachmentUpload {
                file_name,
                bytes: bytes.to_vec(),
            });
            continue;
        }
        let value = field.text().await.map_err(|_| unreadable())?;
        match name.as_str() {
            "community_id" => f.community_id = value.trim().parse().ok(),
            "type_code" => f.type_code = value,
            "other_name" => f.other_name = value,
            "applicant_name" => f.applicant_name = value,
            "id_number" => f.id_number = value,
            "purpose" => f.purpose = value,
            "details" => f.details = value,
            "need" => f.need = value,
            "demanded_by" => f.demanded_by = value,
            "demand_number" => f.demand_number = value,
            _ => {}
        }
    }
    Ok((f, files))
}

pub async fn apply_submit(
    State(state): State<AppState>,
    user: CurrentUser,
    m: Result<Multipart, MultipartRejection>,
) -> Response {
    let (form, files) = match read_application(m).await {
        Ok(x) => x,
        Err(e) => return apply_page(&state, &user, Shown::refused(&e, None)).await,
    };
    match state
        .app
        .apply_certificate(&user.ctx(), &form, &files)
        .await
    {
        Ok(v) => {
            let done = if ApplicationStatus::stored(&v.status) == ApplicationStatus::Refused {
                "applied_refused"
            } else {
                "applied"
            };
            Redirect::to(&format!("/certificates/{}?done={done}", v.id)).into_response()
        }
        // The applicant's own entry comes back into the form (so that a typo is corrected
        // rather than retyped); the page is `no-store`, the field `autocomplete="off"`, and
        // nothing else ever shows the full number.
        Err(e) if is_form_error(&e) => apply_page(&state, &user, Shown::refused(&e, form)).await,
        Err(e) => PageError(e).into_response(),
    }
}

#[derive(askama::Template)]
#[template(path = "cert_mine.html")]
struct MinePage {
    chrome: Chrome,
    items: Vec<ApplicationView>,
}

pub async fn mine(State(state): State<AppState>, user: CurrentUser) -> Response {
    match state.app.my_applications(&user.ctx()).await {
        Ok(items) => render(
            StatusCode::OK,
            &MinePage {
                chrome: Chrome::new("我的证明申请", Some(&user), "/certificates/mine"),
                items,
            },
        ),
        Err(e) => PageError(e).into_response(),
    }
}

// ---------------------------------------------------------------- community processing

#[derive(askama::Template)]
#[template(path = "cert_list.html")]
struct ListPage {
    chrome: Chrome,
    f: ApplicationFilter,
    page: Page<ApplicationView>,
    pager_base: String,
    export_href: String,
    /// Community staff apply on a resident's behalf; streets and supervisors only watch.
    can_apply: bool,
}

pub async fn list(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(q): Query<ListQuery<ApplicationFilter>>,
) -> Response {
    let req = q.page();
    let f = q.f;
    match state.app.list_applications(&user.ctx(), &f, req).await {
        Ok(page) => render(
            StatusCode::OK,
            &ListPage {
                chrome: Chrome::new("证明办理", Some(&user), "/certificates"),
                pager_base: list::pager_base("/certificates", &f),
                export_href: list::export_href("/certificates/export.xlsx", &f),
                can_apply: user.principal.may(Action::ApplyCertificate),
                f,
                page,
            },
        ),
        Err(e) => PageError(e).into_response(),
    }
}

/// The applications as the user filtered them, every page, as a workbook (audited). ID
/// numbers stay masked as on the page.
pub async fn export(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(f): Query<ApplicationFilter>,
) -> Response {
    let ctx = user.ctx();
    let rows = every_row(|r| state.app.list_applications(&ctx, &f, r)).await;
    APPLICATION_EXPORT.answer(&state, &user, &f, rows).await
}

const APPLICATION_EXPORT: ListExport<'static, ApplicationView> = ListExport {
    action: "certificate.export",
    target_type: "certificate_application",
    sheet: "证明办理",
    file_name: "证明办理.xlsx",
    columns: &[
        Column::new("申请", |a| Cell::Number(a.id as f64)),
        Column::wide("证明事项", 28.0, |a| Cell::Text(&a.type_name)),
        Column::new("申请人", |a| Cell::Text(&a.applicant_name)),
        Column::wide("身份证号", 20.0, |a| Cell::Text(&a.id_number_masked)),
        Column::wide("社区(村)", 20.0, |a| Cell::Text(&a.community_name)),
        Column::wide("用途", 24.0, |a| Cell::Text(&a.purpose)),
        Column::new("受理日期", |a| Cell::Text(&a.received_on)),
        Column::new("办理时限", |a| {
            Cell::Text(a.due_on.as_deref().unwrap_or(""))
        }),
        Column::new("超时限", |a| {
            Cell::Text(if a.overdue { "是" } else { "" })
        }),
        Column::new("状态", |a| Cell::Text(a.status_zh)),
        Column::new("证明编号", |a| {
            Cell::Text(a.certificate.as_ref().map_or("", |c| c.serial.as_str()))
        }),
    ],
};

#[derive(askama::Template)]
#[template(path = "cert_detail.html")]
struct DetailPage {
    chrome: Chrome,
    a: ApplicationView,
    error: FormError,
    revealed: Option<String>,
    /// What a refused step form carried, shown again in its fields.
    entered: RecordForm,
    /// The admission number the applicant gave for the department's demand, looked up (4.5-4).
    demand_lookup: Option<jianfu_domain::demand::LookupResult>,
    /// 办理过程.
    timeline: Vec<(String, jianfu_domain::timeline::TimelineEntry)>,
    can_process: bool,
    can_sign: bool,
    can_revoke: bool,
    can_download: bool,
    /// The applicant, or the community's staff for them, may add material asked for.
    can_supplement: bool,
    today: String,
}

/// The application page: besides the application, a refused step form's error and input, the
/// flash of a step just done (`shown`), and the ID number when its holder asked to reveal it.
async fn detail_page(
    state: &AppState,
    user: &CurrentUser,
    id: i64,
    mut shown: Shown<'_, RecordForm>,
    revealed: Option<String>,
) -> Response {
    let entered = shown.entered_or_default();
    let Shown {
        error,
        status,
        done,
        ..
    } = shown;
    let ctx = user.ctx();
    let a = match state.app.application(&ctx, id).await {
        Ok(a) => a,
        Err(e) => return PageError(e).into_response(),
    };
    let community = match state.app.find_node(a.community_node_id).await {
        Ok(c) => c,
        Err(e) => return PageError(e).into_response(),
    };
    let demand_lookup = match a.demand_number.as_deref() {
        Some(n) => match state.app.lookup(n).await {
            Ok(l) => Some(l),
            Err(e) => return PageError(e).into_response(),
        },
        None => None,
    };
    let timeline = match state.app.application_timeline(&a).await {
        Ok(t) => super::timeline(t),
        Err(e) => return PageError(e).into_response(),
    };
    let may_here = |action| {
        jianfu_domain::authz::authorize(&user.principal, action, &community.target()).is_ok()
    };
    let can_process = may_here(Action::ProcessCertificate);
    let mut chrome = Chrome::new(format!("证明申请 #{id}"), Some(user), "/certificates");
    if let Some(d) = done {
        chrome = chrome.with_flash(d != "applied_refused", done_text(d));
    }
    render(
        status,
        &DetailPage {
            chrome,
            can_sign: may_here(Action::SignCertificate),
            can_revoke: may_here(Action::RevokeCertificate),
            can_download: can_process || a.applicant_account_id == Some(user.principal.account_id),
            can_supplement: can_process
                || a.applicant_account_id == Some(user.principal.account_id),
            can_process,
            today: jianfu_domain::clock::cst_date(state.app.now_ms())
                .map(|d| d.to_string())
                .unwrap_or_default(),
            a,
            error,
            revealed,
            entered,
            demand_lookup,
            timeline,
        },
    )
}

fn done_text(code: &str) -> &'static str {
    match code {
        "applied" => "申请已提交",
        "applied_refused" => "申请已记录；按规定不予出具，理由见下方",
        "recorded" => "已记录",
        "signed" => "负责人已签字",
        "issued" => "证明已出具，已登记用印",
        "refused" => "已不予出具，申请人可在线查看理由",
        "revoked" => "证明已撤销，核验将显示已撤销",
        "material_requested" => "已告知申请人补充材料",
        "supplemented" => "材料已补充，等待社区办理",
        _ => "已完成",
    }
}

pub async fn detail(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
    Query(d): Query<DoneQuery>,
) -> Response {
    detail_page(&state, &user, id, Shown::fresh(d.done.as_deref()), None).await
}

async fn after(
    state: &AppState,
    user: &CurrentUser,
    id: i64,
    done: &str,
    r: jianfu_domain::Result<impl Sized>,
    entered: RecordForm,
) -> Response {
    match r {
        Ok(_) => Redirect::to(&format!("/certificates/{id}?done={done}")).into_response(),
        Err(e) if is_form_error(&e) => {
            detail_page(state, user, id, Shown::refused(&e, entered), None).await
        }
        Err(e) => PageError(e).into_response(),
    }
}

pub async fn record(
    State(state): State<AppState>,
    user: CurrentUser,
    Path((id, step)): Path<(i64, String)>,
    Form(f): Form<RecordForm>,
) -> Response {
    let r = state.app.record_step(&user.ctx(), id, &step, &f).await;
    after(&state, &user, id, "recorded", r, f).await
}

pub async fn sign(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
) -> Response {
    let r = state.app.head_approve(&user.ctx(), id).await;
    after(&state, &user, id, "signed", r, RecordForm::default()).await
}

pub async fn issue(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
) -> Response {
    let r = state.app.issue_certificate(&user.ctx(), id).await;
    after(&state, &user, id, "issued", r, RecordForm::default()).await
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ReasonForm {
    reason: String,
}

pub async fn refuse(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
    Form(f): Form<ReasonForm>,
) -> Response {
    let r = state
        .app
        .refuse_application(&user.ctx(), id, &f.reason)
        .await;
    after(&state, &user, id, "refused", r, RecordForm::default()).await
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct MaterialForm {
    material_note: String,
}

/// 告知补充材料: the worker says what the applicant must add.
pub async fn request_material(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
    Form(f): Form<MaterialForm>,
) -> Response {
    let r = state
        .app
        .request_material(&user.ctx(), id, &f.material_note)
        .await;
    after(
        &state,
        &user,
        id,
        "material_requested",
        r,
        RecordForm::default(),
    )
    .await
}

/// 补充材料: the applicant (or a worker for them) adds the files asked for.
pub async fn supplement(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
    m: Result<Multipart, MultipartRejection>,
) -> Response {
    let r = match read_application(m).await {
        Ok((_, files)) => {
            state
                .app
                .supplement_application(&user.ctx(), id, &files)
                .await
        }
        Err(e) => Err(e),
    };
    after(&state, &user, id, "supplemented", r, RecordForm::default()).await
}

pub async fn reveal_id(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
) -> Response {
    match state.app.reveal_id_number(&user.ctx(), id).await {
        Ok(full) => detail_page(&state, &user, id, Shown::fresh(None), Some(full)).await,
        Err(e) => PageError(e).into_response(),
    }
}

pub async fn attachment(
    State(state): State<AppState>,
    user: CurrentUser,
    Path((id, aid)): Path<(i64, i64)>,
) -> Response {
    match state.app.attachment(&user.ctx(), id, aid).await {
        Ok((name, content_type, bytes)) => list::download(bytes, &content_type, &name, false),
        Err(e) => PageError(e).into_response(),
    }
}

pub async fn issued_pdf(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(cid): Path<i64>,
) -> Response {
    match state.app.certificate_document(&user.ctx(), cid).await {
        Ok((serial, _, pdf)) => pdf_response(pdf, &format!("{serial}.pdf"), false),
        Err(e) => PageError(e).into_response(),
    }
}

/// The certificate's signed OFD (GB/T 33190, GM/T 0099), for those who may download its PDF.
pub async fn issued_ofd(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(cid): Path<i64>,
) -> Response {
    match state.app.certificate_ofd(&user.ctx(), cid).await {
        Ok((serial, ofd)) => {
            list::download(ofd, "application/ofd", &format!("{serial}.ofd"), false)
        }
        Err(e) => PageError(e).into_response(),
    }
}

pub async fn issued_json(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(cid): Path<i64>,
) -> Response {
    match state.app.certificate_document(&user.ctx(), cid).await {
        Ok((serial, json, _)) => list::download(
            json.into(),
            "application/json",
            &format!("{serial}.json"),
            false,
        ),
        Err(e) => PageError(e).into_response(),
    }
}

pub async fn revoke(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(cid): Path<i64>,
    Form(f): Form<ReasonForm>,
) -> Response {
    match state
        .app
        .revoke_certificate(&user.ctx(), cid, &f.reason)
        .await
    {
        Ok(a) => Redirect::to(&format!("/certificates/{}?done=revoked", a.id)).into_response(),
        Err(e) if is_form_error(&e) => match state.app.application_of_certificate(cid).await {
            Ok(id) => detail_page(&state, &user, id, Shown::refused(&e, None), None).await,
            Err(e) => PageError(e).into_response(),
        },
        Err(e) => PageError(e).into_response(),
    }
}

// ---------------------------------------------------------------- seal ledger and seals

#[derive(askama::Template)]
#[template(path = "seal_uses.html")]
struct SealUsesPage {
    chrome: Chrome,
    f: SealUseFilter,
    page: Page<SealUseView>,
    pager_base: String,
    export_href: String,
    error: String,
}

pub async fn seal_uses(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(q): Query<ListQuery<SealUseFilter>>,
) -> Response {
    let req = q.page();
    let f = q.f;
    let (page, error, status) = match state.app.seal_ledger(&user.ctx(), &f, req).await {
        Ok(p) => (p, String::new(), StatusCode::OK),
        Err(e) if e.kind == ErrorKind::Invalid => (
            Page {
                items: Vec::new(),
                total: 0,
                page: 1,
                per_page: 20,
            },
            e.message,
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        Err(e) => return PageError(e).into_response(),
    };
    render(
        status,
        &SealUsesPage {
            chrome: Chrome::new("用印登记", Some(&user), "/seal-uses"),
            pager_base: list::pager_base("/seal-uses", &f),
            export_href: list::export_href("/seal-uses/export.xlsx", &f),
            f,
            page,
            error,
        },
    )
}

pub async fn seal_uses_export(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(f): Query<SealUseFilter>,
) -> Response {
    let ctx = user.ctx();
    let rows = every_row(|r| state.app.seal_ledger(&ctx, &f, r)).await;
    SEAL_USE_EXPORT.answer(&state, &user, &f, rows).await
}

/// The seal-use ledger's Excel export.
const SEAL_USE_EXPORT: ListExport<'static, SealUseView> = ListExport {
    action: "seal_ledger.export",
    target_type: "seal_use",
    sheet: "用印登记",
    file_name: "用印登记.xlsx",
    columns: &[
        Column::wide("时间", 20.0, |r| Cell::Text(&r.at_text)),
        Column::new("印章编号", |r| Cell::Text(&r.seal_code)),
        Column::new("社区(村)", |r| Cell::Text(&r.community_name)),
        Column::new("证明编号", |r| Cell::Text(&r.serial)),
        Column::new("证明事项", |r| Cell::Text(&r.type_name)),
        Column::new("用印人", |r| Cell::Text(&r.account)),
        Column::wide("用印依据", 60.0, |r| Cell::Text(&r.approval)),
    ],
};

#[derive(askama::Template)]
#[template(path = "seals.html")]
struct SealsPage {
    chrome: Chrome,
    seals: Vec<SealView>,
    communities: Vec<NodeView>,
    can_make: bool,
    error: String,
}

async fn seals_page(
    state: &AppState,
    user: &CurrentUser,
    error: String,
    status: StatusCode,
    done: bool,
) -> Response {
    let ctx = user.ctx();
    let seals = match state.app.list_seals(&ctx).await {
        Ok(s) => s,
        Err(e) => return PageError(e).into_response(),
    };
    let can_make = user.principal.may(Action::ManageSeals);
    let communities = if can_make {
        match state
            .app
            .nodes_where(&user.principal, Action::ManageSeals)
            .await
        {
            Ok(n) => n.into_iter().filter(|n| n.kind.is_community()).collect(),
            Err(e) => return PageError(e).into_response(),
        }
    } else {
        Vec::new()
    };
    let mut chrome = Chrome::new("电子印章", Some(user), "/seals");
    if done {
        chrome = chrome.with_flash(true, "已制作电子印章，原印章停用（其已出具的证明仍可核验）");
    }
    render(
        status,
        &SealsPage {
            chrome,
            seals,
            communities,
            can_make,
            error,
        },
    )
}

pub async fn seals(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(d): Query<DoneQuery>,
) -> Response {
    seals_page(
        &state,
        &user,
        String::new(),
        StatusCode::OK,
        d.done.is_some(),
    )
    .await
}

pub async fn make_seal(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
) -> Response {
    match state.app.make_seal(&user.ctx(), id).await {
        Ok(_) => Redirect::to("/seals?done=made").into_response(),
        Err(e) if is_form_error(&e) => {
            let status = form_status(&e);
            seals_page(&state, &user, e.message, status, false).await
        }
        Err(e) => PageError(e).into_response(),
    }
}

// ---------------------------------------------------------------- district catalogue

#[derive(askama::Template)]
#[template(path = "catalogue.html")]
struct CataloguePage {
    chrome: Chrome,
    districts: Vec<NodeView>,
    catalogue: Option<CatalogueView>,
    form: LocalTypeForm,
    error: FormError,
}

async fn catalogue_page(
    state: &AppState,
    user: &CurrentUser,
    district: Option<i64>,
    mut shown: Shown<'_, LocalTypeForm>,
) -> Response {
    let form = shown.entered_or_default();
    let Shown {
        error,
        status,
        done,
        ..
    } = shown;
    let districts: Vec<NodeView> = match state
        .app
        .nodes_where(&user.principal, Action::ManageCatalogue)
        .await
    {
        Ok(n) => n
            .into_iter()
            .filter(|n| n.kind == jianfu_domain::division::NodeKind::District)
            .collect(),
        Err(e) => return PageError(e).into_response(),
    };
    let chosen = district
        .filter(|d| districts.iter().any(|x| x.id == *d))
        .or_else(|| districts.first().map(|d| d.id));
    let catalogue = match chosen {
        Some(id) => match state.app.catalogue(id).await {
            Ok(c) => Some(c),
            Err(e) => return PageError(e).into_response(),
        },
        None => None,
    };
    let mut chrome = Chrome::new("证明事项目录维护", Some(user), "/catalogue");
    if let Some(d) = done {
        chrome = chrome.with_flash(
            true,
            if d == "created" {
                "已新增本地证明事项并列入目录"
            } else {
                "已更新目录"
            },
        );
    }
    render(
        status,
        &CataloguePage {
            chrome,
            districts,
            catalogue,
            form,
            error,
        },
    )
}

#[derive(Deserialize, Default)]
pub struct CatalogueQuery {
    district: Option<i64>,
    done: Option<String>,
}

pub async fn catalogue(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(q): Query<CatalogueQuery>,
) -> Response {
    catalogue_page(&state, &user, q.district, Shown::fresh(q.done.as_deref())).await
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct AdoptForm {
    adopt: String,
}

pub async fn catalogue_entry(
    State(state): State<AppState>,
    user: CurrentUser,
    Path((district, type_id)): Path<(i64, i64)>,
    Form(f): Form<AdoptForm>,
) -> Response {
    match state
        .app
        .set_catalogue_entry(&user.ctx(), district, type_id, f.adopt == "1")
        .await
    {
        Ok(()) => {
            Redirect::to(&format!("/catalogue?district={district}&done=updated")).into_response()
        }
        Err(e) if is_form_error(&e) => {
            catalogue_page(&state, &user, Some(district), Shown::refused(&e, None)).await
        }
        Err(e) => PageError(e).into_response(),
    }
}

pub async fn catalogue_local(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(district): Path<i64>,
    Form(f): Form<LocalTypeForm>,
) -> Response {
    match state.app.create_local_type(&user.ctx(), district, &f).await {
        Ok(_) => {
            Redirect::to(&format!("/catalogue?district={district}&done=created")).into_response()
        }
        Err(e) if is_form_error(&e) => {
            catalogue_page(&state, &user, Some(district), Shown::refused(&e, f)).await
        }
        Err(e) => PageError(e).into_response(),
    }
}

// ---------------------------------------------------------------- holidays

#[derive(askama::Template)]
#[template(path = "holidays.html")]
struct HolidaysPage {
    chrome: Chrome,
    years: Vec<HolidayYearView>,
    text: String,
    error: FormError,
}

async fn holidays_page(
    state: &AppState,
    user: &CurrentUser,
    mut shown: Shown<'_, String>,
) -> Response {
    let text = shown.entered_or_default();
    let Shown {
        error,
        status,
        done,
        ..
    } = shown;
    let years = match state.app.holiday_years().await {
        Ok(y) => y,
        Err(e) => return PageError(e).into_response(),
    };
    let mut chrome = Chrome::new("节假日安排", Some(user), "/admin/holidays");
    if done.is_some() {
        chrome = chrome.with_flash(true, "已导入节假日安排；此后受理的申请按新安排计算办理时限");
    }
    render(
        status,
        &HolidaysPage {
            chrome,
            years,
            text,
            error,
        },
    )
}

pub async fn holidays(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(d): Query<DoneQuery>,
) -> Response {
    holidays_page(&state, &user, Shown::fresh(d.done.as_deref())).await
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct HolidayForm {
    text: String,
}

pub async fn holidays_import(
    State(state): State<AppState>,
    user: CurrentUser,
    Form(f): Form<HolidayForm>,
) -> Response {
    match state.app.import_holidays(&user.ctx(), &f.text).await {
        Ok(_) => Redirect::to("/admin/holidays?done=imported").into_response(),
        Err(e) if is_form_error(&e) => {
            holidays_page(&state, &user, Shown::refused(&e, f.text)).await
        }
        Err(e) => PageError(e).into_response(),
    }
}
