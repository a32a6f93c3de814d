//! The owner's second factor (`/me/second-factor`): enrol with the QR code (or the secret typed
//! by hand), confirm with a first code, see the recovery codes once; make new recovery codes;
//! switch it off when no role requires it. Accounts that must enrol are sent here after their
//! password and may use nothing else until they have.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use jianfu_domain::second_factor::{Enrolment, SecondFactorStatus};
use serde::Deserialize;

use crate::access::CurrentUser;
use crate::error::PageError;
use crate::extract::{Form, Query};
use crate::state::AppState;
use crate::views::{Chrome, DoneQuery, FormError, form_status, is_form_error, render, when};

#[derive(askama::Template)]
#[template(path = "second_factor.html")]
struct SecondFactorPage {
    chrome: Chrome,
    status: SecondFactorStatus,
    /// The account name the authenticator shows (the username, as in the QR code).
    username: String,
    confirmed: String,
    must_enrol: bool,
    demo_off: bool,
    enrolment: Option<Enrolment>,
    /// Recovery codes, on the response that made them only.
    recovery_codes: Vec<String>,
    /// Which form the error belongs to: `confirm`, `recovery` or `disable`.
    error_form: &'static str,
    error: FormError,
}

/// What a render of the page carries besides the state read from the database.
#[derive(Default)]
struct Shown {
    enrolment: Option<Enrolment>,
    recovery_codes: Vec<String>,
    error_form: &'static str,
    error: FormError,
    status: Option<StatusCode>,
    done: Option<String>,
}

async fn page(state: &AppState, user: &CurrentUser, shown: Shown) -> Response {
    let ctx = user.ctx();
    let status = match state.app.second_factor_status(&ctx).await {
        Ok(s) => s,
        Err(e) => return PageError(e).into_response(),
    };
    let enrolment = match shown.enrolment {
        Some(e) => Some(e),
        None if status.pending => match state.app.pending_enrolment(&ctx).await {
            Ok(e) => e,
            Err(e) => return PageError(e).into_response(),
        },
        None => None,
    };
    let demo_off = match state.app.second_factor_policy().await {
        Ok(p) => p.demo_off,
        Err(e) => return PageError(e).into_response(),
    };
    // The page may carry the secret or recovery codes: like every page without its own
    // Cache-Control, it is sent `no-store` (routes.rs).
    render(
        shown.status.unwrap_or(StatusCode::OK),
        &SecondFactorPage {
            chrome: Chrome::new("动态口令", Some(user), "/me/second-factor")
                .with_done(shown.done.as_deref()),
            username: user.principal.username.clone(),
            confirmed: status.confirmed_at.map(when).unwrap_or_default(),
            status,
            must_enrol: user.principal.must_enrol_second_factor,
            demo_off,
            enrolment,
            recovery_codes: shown.recovery_codes,
            error_form: shown.error_form,
            error: shown.error,
        },
    )
}

pub async fn show(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(done): Query<DoneQuery>,
) -> Response {
    page(
        &state,
        &user,
        Shown {
            done: done.done,
            ..Default::default()
        },
    )
    .await
}

pub async fn start(State(state): State<AppState>, user: CurrentUser) -> Response {
    match state.app.start_second_factor(&user.ctx()).await {
        Ok(e) => {
            let shown = Shown {
                enrolment: Some(e),
                ..Default::default()
            };
            page(&state, &user, shown).await
        }
        Err(e) => PageError(e).into_response(),
    }
}

#[derive(Deserialize)]
pub struct CodeForm {
    #[serde(default)]
    code: String,
}

/// The outcome of a form that takes a code: the page with the recovery codes, a redirect, or
/// the form's error.
async fn after_code(
    state: &AppState,
    user: &CurrentUser,
    form: &'static str,
    result: jianfu_domain::Result<Vec<String>>,
    done: &str,
) -> Response {
    match result {
        Ok(codes) if !codes.is_empty() => {
            let shown = Shown {
                recovery_codes: codes,
                ..Default::default()
            };
            page(state, user, shown).await
        }
        Ok(_) => Redirect::to(&format!("/me/second-factor?done={done}")).into_response(),
        Err(e) if is_form_error(&e) => {
            let shown = Shown {
                error_form: form,
                status: Some(form_status(&e)),
                error: FormError::from_domain(&e),
                ..Default::default()
            };
            page(state, user, shown).await
        }
        Err(e) => PageError(e).into_response(),
    }
}

pub async fn confirm(
    State(state): State<AppState>,
    user: CurrentUser,
    Form(f): Form<CodeForm>,
) -> Response {
    let r = state.app.confirm_second_factor(&user.ctx(), &f.code).await;
    after_code(&state, &user, "confirm", r, "").await
}

pub async fn recovery_codes(
    State(state): State<AppState>,
    user: CurrentUser,
    Form(f): Form<CodeForm>,
) -> Response {
    let r = state
        .app
        .regenerate_recovery_codes(&user.ctx(), &f.code)
        .await;
    after_code(&state, &user, "recovery", r, "").await
}

pub async fn disable(
    State(state): State<AppState>,
    user: CurrentUser,
    Form(f): Form<CodeForm>,
) -> Response {
    let r = state
        .app
        .disable_second_factor(&user.ctx(), &f.code)
        .await
        .map(|()| Vec::new());
    after_code(&state, &user, "disable", r, "second_factor_disabled").await
}
