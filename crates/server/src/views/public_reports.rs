//! Anonymous public reports (群众匿名举报, issue 14 §1): `/report-violation` (no login) files a
//! report and shows its one-time follow-up code once; `/cases/follow-up` reads the case's
//! public status with the code. Both forms are protected against cross-site posting by a
//! double-submit token (cookie + hidden field) as the login forms are, and limited per client
//! address: 5 reports an hour, 10 codes that find nothing in 10 minutes.

use axum::extract::multipart::MultipartRejection;
use axum::extract::{Multipart, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum_extra::extract::cookie::CookieJar;
use jianfu_domain::certificate::AttachmentUpload;
use jianfu_domain::public_report::{PublicCaseStatus, PublicReceipt, PublicReportForm, ReportUnit};
use jianfu_domain::{DomainError, ErrorKind};
use serde::Deserialize;

use crate::access::{ClientIp, MaybeUser, double_submit_ok, double_submit_token};
use crate::error::PageError;
use crate::extract::Form;
use crate::state::AppState;
use crate::views::{Chrome, FormError, Shown, is_form_error, render};

const PUBLIC_CSRF_COOKIE: &str = "jianfu_public_csrf";

/// Refused when an address filed too many reports.
pub fn report_limited() -> DomainError {
    DomainError::new(
        ErrorKind::TooMany,
        "public_report_rate_limited",
        "同一网络提交举报过于频繁，请 1 小时后再试",
    )
}

/// Refused when an address tried too many codes that found nothing.
pub fn follow_up_limited() -> DomainError {
    DomainError::new(
        ErrorKind::TooMany,
        "follow_up_rate_limited",
        "查询失败次数过多，请 10 分钟后再试",
    )
}

/// Files a report if the address may: the limiter counts each report filed.
pub async fn file_report(
    state: &AppState,
    ip: &ClientIp,
    form: &PublicReportForm,
    evidence: &[AttachmentUpload],
) -> Result<PublicReceipt, DomainError> {
    let address = ip.0.as_deref();
    if !state
        .app
        .rate_allowed(state.public_reports, address)
        .await?
    {
        return Err(report_limited());
    }
    let receipt = state
        .app
        .report_publicly(ip.0.clone(), form, evidence)
        .await?;
    state.app.rate_count(state.public_reports, address).await?;
    Ok(receipt)
}

/// Reads a case by its code if the address may: the limiter counts each code that found none.
pub async fn read_follow_up(
    state: &AppState,
    ip: &ClientIp,
    code: &str,
) -> Result<PublicCaseStatus, DomainError> {
    let address = ip.0.as_deref();
    if !state
        .app
        .rate_allowed(state.follow_up_failures, address)
        .await?
    {
        return Err(follow_up_limited());
    }
    let r = state.app.follow_up(code).await;
    if r.as_ref().is_err_and(|e| e.kind == ErrorKind::NotFound) {
        state
            .app
            .rate_count(state.follow_up_failures, address)
            .await?;
    }
    r
}

fn with_token(state: &AppState, jar: CookieJar) -> (CookieJar, String) {
    let (c, token) = double_submit_token(state, PUBLIC_CSRF_COOKIE);
    (jar.add(c), token)
}

fn token_ok(jar: &CookieJar, sent: &str) -> bool {
    double_submit_ok(jar, PUBLIC_CSRF_COOKIE, sent)
}

/// A form posted without this browser's token (expired page, or another site): the form again,
/// 400, nothing filed.
fn csrf_refused() -> DomainError {
    DomainError::new(
        ErrorKind::Invalid,
        "csrf_invalid",
        "页面已过期或安全校验失败，请重新填写后提交",
    )
}

#[derive(askama::Template)]
#[template(path = "public_report.html")]
struct ReportPage {
    chrome: Chrome,
    csrf: String,
    typed: PublicReportForm,
    error: FormError,
    receipt: Option<PublicReceipt>,
    /// The departments, streets and towns to pick the unit from.
    units: Vec<ReportUnit>,
}

async fn report_page(
    state: &AppState,
    user: Option<&crate::access::CurrentUser>,
    jar: CookieJar,
    shown: Shown<'_, PublicReportForm>,
    receipt: Option<PublicReceipt>,
) -> Response {
    let units = match state.app.public_report_units().await {
        Ok(u) => u,
        Err(e) => return PageError(e).into_response(),
    };
    let (jar, csrf) = with_token(state, jar);
    let page = ReportPage {
        units,
        chrome: Chrome::new("匿名举报", user, "/report-violation"),
        csrf,
        typed: shown.entered.unwrap_or_default(),
        error: shown.error,
        receipt,
    };
    (jar, render(shown.status, &page)).into_response()
}

pub async fn report_form(
    State(state): State<AppState>,
    MaybeUser(user): MaybeUser,
    jar: CookieJar,
) -> Response {
    report_page(&state, user.as_ref(), jar, Shown::fresh(None), None).await
}

/// Reads the multipart report: its token, its fields and the evidence files (`evidence`).
async fn read_report(
    m: Result<Multipart, MultipartRejection>,
) -> Result<(String, PublicReportForm, Vec<AttachmentUpload>), DomainError> {
    let (mut fields, files) = super::read_evidence_form(m).await?;
    let mut take = |name: &str| fields.remove(name).unwrap_or_default();
    let token = take("csrf_token");
    let form = PublicReportForm {
        community: take("community"),
        unit_id: take("unit_id"),
        description: take("description"),
        ..PublicReportForm::default()
    };
    Ok((token, form, files))
}

/// `POST /report-violation` (multipart: community, unit_id, description, evidence files).
pub async fn report_submit(
    State(state): State<AppState>,
    MaybeUser(user): MaybeUser,
    ip: ClientIp,
    jar: CookieJar,
    m: Result<Multipart, MultipartRejection>,
) -> Response {
    let (token, form, files) = match read_report(m).await {
        Ok(v) => v,
        Err(e) => {
            let shown = Shown::refused(&e, PublicReportForm::default());
            return report_page(&state, user.as_ref(), jar, shown, None).await;
        }
    };
    if !token_ok(&jar, &token) {
        let mut shown = Shown::refused(&csrf_refused(), form);
        shown.status = StatusCode::BAD_REQUEST;
        return report_page(&state, user.as_ref(), jar, shown, None).await;
    }
    match file_report(&state, &ip, &form, &files).await {
        Ok(receipt) => {
            let shown = Shown::fresh(None).with(PublicReportForm::default());
            report_page(&state, user.as_ref(), jar, shown, Some(receipt)).await
        }
        Err(e) if is_form_error(&e) || e.kind == ErrorKind::TooMany => {
            let mut shown = Shown::refused(&e, form);
            if e.kind == ErrorKind::TooMany {
                shown.status = StatusCode::TOO_MANY_REQUESTS;
            }
            report_page(&state, user.as_ref(), jar, shown, None).await
        }
        Err(e) => PageError(e).into_response(),
    }
}

#[derive(askama::Template)]
#[template(path = "follow_up.html")]
struct FollowUpPage {
    chrome: Chrome,
    csrf: String,
    error: String,
    result: Option<PublicCaseStatus>,
}

async fn follow_up_page(
    state: &AppState,
    user: Option<&crate::access::CurrentUser>,
    jar: CookieJar,
    status: StatusCode,
    error: String,
    result: Option<PublicCaseStatus>,
) -> Response {
    let (jar, csrf) = with_token(state, jar);
    let page = FollowUpPage {
        chrome: Chrome::new("举报办理查询", user, "/cases/follow-up"),
        csrf,
        error,
        result,
    };
    (jar, render(status, &page)).into_response()
}

pub async fn follow_up_form(
    State(state): State<AppState>,
    MaybeUser(user): MaybeUser,
    jar: CookieJar,
) -> Response {
    follow_up_page(
        &state,
        user.as_ref(),
        jar,
        StatusCode::OK,
        String::new(),
        None,
    )
    .await
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct FollowUpBody {
    csrf_token: String,
    code: String,
}

pub async fn follow_up_submit(
    State(state): State<AppState>,
    MaybeUser(user): MaybeUser,
    ip: ClientIp,
    jar: CookieJar,
    Form(b): Form<FollowUpBody>,
) -> Response {
    if !token_ok(&jar, &b.csrf_token) {
        let e = csrf_refused();
        return follow_up_page(
            &state,
            user.as_ref(),
            jar,
            StatusCode::BAD_REQUEST,
            e.message,
            None,
        )
        .await;
    }
    match read_follow_up(&state, &ip, &b.code).await {
        Ok(r) => {
            follow_up_page(
                &state,
                user.as_ref(),
                jar,
                StatusCode::OK,
                String::new(),
                Some(r),
            )
            .await
        }
        Err(e) if matches!(e.kind, ErrorKind::NotFound | ErrorKind::TooMany) => {
            let status = crate::error::status_for(e.kind);
            follow_up_page(&state, user.as_ref(), jar, status, e.message, None).await
        }
        Err(e) => PageError(e).into_response(),
    }
}
