//! The security administrator's page: password and lockout policy, and which roles must log in
//! with a second factor.

use crate::extract::{Form, Query};
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use jianfu_domain::Role;
use jianfu_domain::auth::SecurityPolicy;
use jianfu_domain::second_factor::SecondFactorPolicy;
use serde::Deserialize;

use crate::access::CurrentUser;
use crate::error::PageError;
use crate::state::AppState;
use crate::views::{Chrome, DoneQuery, FormError, Shown, is_form_error, render};

#[derive(askama::Template)]
#[template(path = "security.html")]
struct SecurityPage {
    chrome: Chrome,
    p: SecurityPolicy,
    error: FormError,
    /// Every role: code, name, required now, fixed (an administrator role).
    roles: Vec<(&'static str, &'static str, bool, bool)>,
    demo_off: bool,
    /// The roles a fresh installation requires it of, for the note.
    default_roles_zh: String,
}

async fn page(
    state: &AppState,
    user: &CurrentUser,
    p: SecurityPolicy,
    shown: Shown<'_, ()>,
) -> Response {
    let Shown {
        error,
        status,
        done,
        ..
    } = shown;
    let sf = match state.app.second_factor_policy().await {
        Ok(sf) => sf,
        Err(e) => return PageError(e).into_response(),
    };
    render(
        status,
        &SecurityPage {
            chrome: Chrome::new("安全策略", Some(user), "/admin/security").with_done(done),
            p,
            error,
            roles: Role::ALL
                .into_iter()
                .map(|r| (r.as_str(), r.label_zh(), sf.requires(r), r.is_admin()))
                .collect(),
            demo_off: sf.demo_off,
            default_roles_zh: SecondFactorPolicy::DEFAULT_ROLES
                .iter()
                .map(|r| r.label_zh())
                .collect::<Vec<_>>()
                .join("、"),
        },
    )
}

pub async fn form(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(done): Query<DoneQuery>,
) -> Response {
    match state.app.security_policy().await {
        Ok(p) => page(&state, &user, p, Shown::fresh(done.done.as_deref())).await,
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
        Err(e) if is_form_error(&e) => page(&state, &user, p, Shown::refused(&e, None)).await,
        Err(e) => PageError(e).into_response(),
    }
}

#[derive(Deserialize)]
pub struct SecondFactorForm {
    /// Role codes ticked (repeated `roles` fields).
    #[serde(default)]
    roles: Vec<String>,
}

/// Which roles must log in with a second factor (the administrator roles always).
pub async fn second_factor(
    State(state): State<AppState>,
    user: CurrentUser,
    Form(f): Form<SecondFactorForm>,
) -> Response {
    let roles: Result<Vec<Role>, _> = f.roles.iter().map(|r| Role::parse(r)).collect();
    let r = match roles {
        Ok(roles) => state.app.set_second_factor_policy(&user.ctx(), roles).await,
        Err(e) => Err(e),
    };
    match r {
        Ok(()) => Redirect::to("/admin/security?done=second_factor_policy_saved").into_response(),
        Err(e) if is_form_error(&e) => match state.app.security_policy().await {
            Ok(p) => page(&state, &user, p, Shown::refused(&e, None)).await,
            Err(e) => PageError(e).into_response(),
        },
        Err(e) => PageError(e).into_response(),
    }
}
