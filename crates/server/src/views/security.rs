//! The security administrator's page: password and lockout policy.

use crate::extract::{Form, Query};
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use jianfu_domain::auth::SecurityPolicy;

use crate::access::CurrentUser;
use crate::error::PageError;
use crate::state::AppState;
use crate::views::{Chrome, DoneQuery, FormError, form_status, is_form_error, render};

#[derive(askama::Template)]
#[template(path = "security.html")]
struct SecurityPage {
    chrome: Chrome,
    p: SecurityPolicy,
    error: FormError,
}

pub async fn form(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(done): Query<DoneQuery>,
) -> Response {
    match state.app.security_policy().await {
        Ok(p) => render(
            StatusCode::OK,
            &SecurityPage {
                chrome: Chrome::new("安全策略", Some(&user), "/admin/security")
                    .with_done(done.done.as_deref()),
                p,
                error: FormError::default(),
            },
        ),
        Err(e) => PageError(e).into_response(),
    }
}

pub async fn submit(
    State(state): State<AppState>,
    user: CurrentUser,
    Form(p): Form<SecurityPolicy>,
) -> Response {
    match state.app.set_security_policy(&user.ctx(), p.clone()).await {
        Ok(()) => Redirect::to("/admin/security?done=policy_saved").into_response(),
        Err(e) if is_form_error(&e) => render(
            form_status(&e),
            &SecurityPage {
                chrome: Chrome::new("安全策略", Some(&user), "/admin/security"),
                p,
                error: FormError::from_domain(&e),
            },
        ),
        Err(e) => PageError(e).into_response(),
    }
}
