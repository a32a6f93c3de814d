//! The logged-in user's own things: changing the password (required when it expired or was set
//! by an administrator) and API tokens for machine clients.

use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use jianfu_domain::auth::ApiTokenView;
use jianfu_domain::credential_reset::CredentialResetView;
use serde::Deserialize;

use crate::access::CurrentUser;
use crate::error::PageError;
use crate::extract::{Form, Path, Query};
use crate::state::AppState;
use crate::views::{Chrome, DoneQuery, FormError, Shown, is_form_error, render, when};

#[derive(askama::Template)]
#[template(path = "password.html")]
struct PasswordPage {
    chrome: Chrome,
    forced: bool,
    error: FormError,
    /// Resets of this account's credentials by others (the owner sees every one), with times.
    resets: Vec<(CredentialResetView, String)>,
}

async fn password_page(state: &AppState, user: &CurrentUser, shown: Shown<'_, ()>) -> Response {
    let Shown {
        error,
        status,
        done,
        ..
    } = shown;
    let resets = match state.app.own_credential_resets(&user.ctx()).await {
        Ok(r) => r
            .into_iter()
            .map(|r| {
                let at = when(r.decided_at.unwrap_or(r.requested_at));
                (r, at)
            })
            .collect(),
        Err(e) => return PageError(e).into_response(),
    };
    render(
        status,
        &PasswordPage {
            chrome: Chrome::new("修改密码", Some(user), "/password").with_done(done),
            forced: user.principal.must_change_password,
            error,
            resets,
        },
    )
}

pub async fn password_form(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(done): Query<DoneQuery>,
) -> Response {
    password_page(&state, &user, Shown::fresh(done.done.as_deref())).await
}

#[derive(Deserialize)]
pub struct PasswordForm {
    #[serde(default)]
    current_password: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    password_again: String,
}

pub async fn password_submit(
    State(state): State<AppState>,
    user: CurrentUser,
    Form(f): Form<PasswordForm>,
) -> Response {
    if f.password != f.password_again {
        let shown = Shown::invalid(FormError::field("password_again", "两次输入的新密码不一致"));
        return password_page(&state, &user, shown).await;
    }
    match state
        .app
        .change_password(
            &user.ctx(),
            &f.current_password,
            &f.password,
            user.session_token(),
        )
        .await
    {
        Ok(()) => Redirect::to("/password?done=password_changed").into_response(),
        Err(e) if is_form_error(&e) => password_page(&state, &user, Shown::refused(&e, None)).await,
        Err(e) => PageError(e).into_response(),
    }
}

pub struct TokenRow {
    pub t: ApiTokenView,
    pub created: String,
    pub expires: String,
    pub last_used: String,
}

#[derive(askama::Template)]
#[template(path = "tokens.html")]
struct TokensPage {
    chrome: Chrome,
    tokens: Vec<TokenRow>,
    new_token: Option<String>,
    error: FormError,
}

async fn tokens_page(
    state: &AppState,
    user: &CurrentUser,
    new_token: Option<String>,
    shown: Shown<'_, ()>,
) -> Response {
    let Shown {
        error,
        status,
        done,
        ..
    } = shown;
    let tokens = match state.app.list_api_tokens(&user.ctx()).await {
        Ok(t) => t,
        Err(e) => return PageError(e).into_response(),
    };
    let tokens = tokens
        .into_iter()
        .map(|t| TokenRow {
            created: when(t.created_at),
            expires: t.expires_at.map(when).unwrap_or_else(|| "不过期".into()),
            last_used: t
                .last_used_at
                .map(when)
                .unwrap_or_else(|| "从未使用".into()),
            t,
        })
        .collect();
    render(
        status,
        &TokensPage {
            chrome: Chrome::new("API 令牌", Some(user), "/tokens").with_done(done),
            tokens,
            new_token,
            error,
        },
    )
}

pub async fn tokens(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(done): Query<DoneQuery>,
) -> Response {
    tokens_page(&state, &user, None, Shown::fresh(done.done.as_deref())).await
}

#[derive(Deserialize)]
pub struct TokenForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    days: String,
}

pub async fn token_create(
    State(state): State<AppState>,
    user: CurrentUser,
    Form(f): Form<TokenForm>,
) -> Response {
    let days = match f.days.trim() {
        "" => None,
        d => match d.parse::<i64>() {
            Ok(n) => Some(n),
            Err(_) => {
                let e = FormError::field("days", "有效期应为整数天");
                return tokens_page(&state, &user, None, Shown::invalid(e)).await;
            }
        },
    };
    match state.app.create_api_token(&user.ctx(), &f.name, days).await {
        // Shown once, on this response only.
        Ok((_, token)) => tokens_page(&state, &user, Some(token), Shown::fresh(None)).await,
        Err(e) if is_form_error(&e) => {
            tokens_page(&state, &user, None, Shown::refused(&e, None)).await
        }
        Err(e) => PageError(e).into_response(),
    }
}

pub async fn token_revoke(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
) -> Response {
    match state.app.revoke_api_token(&user.ctx(), id).await {
        Ok(()) => Redirect::to("/tokens?done=token_revoked").into_response(),
        Err(e) => PageError(e).into_response(),
    }
}
