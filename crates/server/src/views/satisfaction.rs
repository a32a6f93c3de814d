//! Resident satisfaction by one-time code (评价码, 4.3-4; issue 12 §2): `/satisfaction` (no
//! login) opens the survey a community's printed code belongs to and takes one answer per
//! code. The form is protected against cross-site posting by the public double-submit token,
//! and an address that tries too many codes finding nothing is held off for 10 minutes (the
//! follow-up limiter, under its own key).

use std::collections::HashMap;

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum_extra::extract::cookie::CookieJar;
use jianfu_domain::comprehensive::{CodeResponseForm, CodeSurvey};
use jianfu_domain::{DomainError, ErrorKind};
use jianfu_rules::comprehensive::Rating;

use crate::access::{ClientIp, MaybeUser, double_submit_ok, double_submit_token};
use crate::error::PageError;
use crate::extract::Form;
use crate::state::AppState;
use crate::views::comprehensive::ratings_of;
use crate::views::{Chrome, FormError, render};

const PUBLIC_CSRF_COOKIE: &str = "jianfu_public_csrf";

/// Refused when an address tried too many codes that found nothing.
pub fn codes_limited() -> DomainError {
    DomainError::new(
        ErrorKind::TooMany,
        "satisfaction_code_rate_limited",
        "评价码输入错误次数过多，请 10 分钟后再试",
    )
}

/// Runs `f` for a code if the address may: the limiter counts each code that found nothing.
async fn limited<T>(
    state: &AppState,
    ip: &ClientIp,
    f: impl std::future::Future<Output = Result<T, DomainError>>,
) -> Result<T, DomainError> {
    let address = ip.0.as_deref();
    if !state
        .app
        .rate_allowed(state.satisfaction_codes, address)
        .await?
    {
        return Err(codes_limited());
    }
    let r = f.await;
    if r.as_ref().is_err_and(|e| e.code == "code_unknown") {
        state
            .app
            .rate_count(state.satisfaction_codes, address)
            .await?;
    }
    r
}

/// The survey a code opens, if the address may.
pub async fn open_survey(
    state: &AppState,
    ip: &ClientIp,
    code: &str,
) -> Result<CodeSurvey, DomainError> {
    limited(state, ip, state.app.satisfaction_by_code(code)).await
}

/// Answers with a code, if the address may.
pub async fn answer_survey(
    state: &AppState,
    ip: &ClientIp,
    form: &CodeResponseForm,
) -> Result<CodeSurvey, DomainError> {
    limited(state, ip, state.app.respond_by_code(ip.0.clone(), form)).await
}

#[derive(askama::Template)]
#[template(path = "satisfaction.html")]
struct SatisfactionPage {
    chrome: Chrome,
    csrf: String,
    /// The code entered (kept in the survey form).
    code: String,
    /// The survey to answer, once a code opened it.
    survey: Option<CodeSurvey>,
    /// After a recorded answer.
    thanks: Option<CodeSurvey>,
    ratings: Vec<(&'static str, &'static str)>,
    typed: HashMap<String, String>,
    error: FormError,
}

impl SatisfactionPage {
    fn rating_checked(&self, q: &usize, value: &str) -> bool {
        self.typed.get(&format!("rating_{q}")).map(String::as_str) == Some(value)
    }
    fn comment(&self) -> &str {
        self.typed.get("comment").map_or("", String::as_str)
    }
}

struct Shown {
    status: StatusCode,
    code: String,
    survey: Option<CodeSurvey>,
    thanks: Option<CodeSurvey>,
    typed: HashMap<String, String>,
    error: FormError,
}

impl Shown {
    fn entry(status: StatusCode, code: String, error: FormError) -> Self {
        Self {
            status,
            code,
            survey: None,
            thanks: None,
            typed: HashMap::new(),
            error,
        }
    }
}

fn page(
    state: &AppState,
    user: Option<&crate::access::CurrentUser>,
    jar: CookieJar,
    s: Shown,
) -> Response {
    let (c, csrf) = double_submit_token(state, PUBLIC_CSRF_COOKIE);
    let jar = jar.add(c);
    let p = SatisfactionPage {
        chrome: Chrome::new("居民满意度评价", user, "/satisfaction"),
        csrf,
        code: s.code,
        survey: s.survey,
        thanks: s.thanks,
        ratings: Rating::ALL
            .iter()
            .map(|r| (r.as_str(), r.label_zh()))
            .collect(),
        typed: s.typed,
        error: s.error,
    };
    (jar, render(s.status, &p)).into_response()
}

pub async fn form(
    State(state): State<AppState>,
    MaybeUser(user): MaybeUser,
    jar: CookieJar,
) -> Response {
    page(
        &state,
        user.as_ref(),
        jar,
        Shown::entry(StatusCode::OK, String::new(), FormError::default()),
    )
}

/// The code form (`code`) and the survey form (`code`, `answer=1`, `rating_N`, `comment`).
pub async fn submit(
    State(state): State<AppState>,
    MaybeUser(user): MaybeUser,
    ip: ClientIp,
    jar: CookieJar,
    Form(f): Form<HashMap<String, String>>,
) -> Response {
    let user = user.as_ref();
    let code = f.get("code").cloned().unwrap_or_default();
    let sent = f.get("csrf_token").map_or("", String::as_str);
    if !double_submit_ok(&jar, PUBLIC_CSRF_COOKIE, sent) {
        let e = DomainError::new(
            ErrorKind::Invalid,
            "csrf_invalid",
            "页面已过期或安全校验失败，请重新输入评价码",
        );
        return page(
            &state,
            user,
            jar,
            Shown::entry(StatusCode::BAD_REQUEST, code, FormError::from_domain(&e)),
        );
    }
    let refused = |e: &DomainError| {
        Shown::entry(
            crate::error::status_for(e.kind),
            code.clone(),
            FormError::from_domain(e),
        )
    };
    if !f.contains_key("answer") {
        return match open_survey(&state, &ip, &code).await {
            Ok(s) => page(
                &state,
                user,
                jar,
                Shown {
                    status: StatusCode::OK,
                    code: code.clone(),
                    survey: Some(s),
                    thanks: None,
                    typed: HashMap::new(),
                    error: FormError::default(),
                },
            ),
            Err(e)
                if matches!(
                    e.kind,
                    ErrorKind::NotFound | ErrorKind::Conflict | ErrorKind::TooMany
                ) =>
            {
                page(&state, user, jar, refused(&e))
            }
            Err(e) => PageError(e).into_response(),
        };
    }
    let form = CodeResponseForm {
        code: code.clone(),
        ratings: ratings_of(&f),
        comment: f.get("comment").cloned().unwrap_or_default(),
    };
    match answer_survey(&state, &ip, &form).await {
        Ok(s) => page(
            &state,
            user,
            jar,
            Shown {
                status: StatusCode::OK,
                code: String::new(),
                survey: None,
                thanks: Some(s),
                typed: HashMap::new(),
                error: FormError::default(),
            },
        ),
        Err(e) if e.kind == ErrorKind::Invalid => {
            // The survey again, with what was chosen.
            let survey = state.app.satisfaction_by_code(&code).await.ok();
            page(
                &state,
                user,
                jar,
                Shown {
                    status: crate::error::status_for(e.kind),
                    code: code.clone(),
                    survey,
                    thanks: None,
                    typed: f,
                    error: FormError::from_domain(&e),
                },
            )
        }
        Err(e)
            if matches!(
                e.kind,
                ErrorKind::NotFound | ErrorKind::Conflict | ErrorKind::TooMany
            ) =>
        {
            page(&state, user, jar, refused(&e))
        }
        Err(e) => PageError(e).into_response(),
    }
}
