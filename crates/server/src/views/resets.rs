//! The administrators' page for credential resets under dual control: ask for a reset of
//! another administrator's password or second factor, approve or reject the requests one may decide, and see
//! the approval's temporary password once.

use axum::extract::State;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Redirect, Response};
use jianfu_domain::credential_reset::{CredentialResetView, ResetDone, ResetKind};
use serde::Deserialize;

use crate::access::CurrentUser;
use crate::error::PageError;
use crate::extract::{Form, Path, Query};
use crate::state::AppState;
use crate::views::{Chrome, DoneQuery, FormError, Shown, is_form_error, render, when};

pub struct Row {
    pub r: CredentialResetView,
    pub requested: String,
    pub decided: String,
}

#[derive(askama::Template)]
#[template(path = "resets.html")]
struct ResetsPage {
    chrome: Chrome,
    rows: Vec<Row>,
    kinds: Vec<(&'static str, &'static str)>,
    username: String,
    error: FormError,
    /// After an approval: the account and its temporary password, shown this once.
    done: Option<(String, String)>,
}

async fn page(
    state: &AppState,
    user: &CurrentUser,
    shown: Shown<'_, String>,
    done: Option<(String, String)>,
) -> Response {
    let Shown {
        entered,
        error,
        status,
        done: flash,
    } = shown;
    let username = entered.unwrap_or_default();
    let rows = match state.app.list_admin_resets(&user.ctx()).await {
        Ok(r) => r,
        Err(e) => return PageError(e).into_response(),
    };
    let rows = rows
        .into_iter()
        .map(|r| Row {
            requested: when(r.requested_at),
            decided: r.decided_at.map(when).unwrap_or_default(),
            r,
        })
        .collect();
    let mut res = render(
        status,
        &ResetsPage {
            chrome: Chrome::new("管理员凭据重置", Some(user), "/admin/resets").with_done(flash),
            rows,
            kinds: ResetKind::ALL
                .iter()
                .map(|k| (k.as_str(), k.label_zh()))
                .collect(),
            username,
            error,
            done,
        },
    );
    // The page may carry a temporary password: never keep it in a cache.
    res.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    res
}

pub async fn list(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(done): Query<DoneQuery>,
) -> Response {
    page(&state, &user, Shown::fresh(done.done.as_deref()), None).await
}

#[derive(Deserialize)]
pub struct RequestForm {
    #[serde(default)]
    username: String,
    #[serde(default)]
    kind: String,
}

pub async fn request(
    State(state): State<AppState>,
    user: CurrentUser,
    Form(f): Form<RequestForm>,
) -> Response {
    match state
        .app
        .request_admin_reset(&user.ctx(), &f.username, &f.kind)
        .await
    {
        Ok(_) => Redirect::to("/admin/resets?done=reset_requested").into_response(),
        Err(e) if is_form_error(&e) => {
            page(&state, &user, Shown::refused(&e, f.username), None).await
        }
        Err(e) => PageError(e).into_response(),
    }
}

async fn decide(state: AppState, user: CurrentUser, id: i64, approve: bool) -> Response {
    match state.app.decide_admin_reset(&user.ctx(), id, approve).await {
        Ok(ResetDone {
            request,
            temporary_password: Some(p),
        }) => {
            page(
                &state,
                &user,
                Shown::fresh(Some("reset_approved")),
                Some((request.username, p)),
            )
            .await
        }
        // A second factor's reset has no temporary password: the owner enrols again.
        Ok(_) if approve => Redirect::to("/admin/resets?done=second_factor_reset").into_response(),
        Ok(_) => Redirect::to("/admin/resets?done=reset_rejected").into_response(),
        Err(e) if is_form_error(&e) => page(&state, &user, Shown::refused(&e, None), None).await,
        Err(e) => PageError(e).into_response(),
    }
}

pub async fn approve(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
) -> Response {
    decide(state, user, id, true).await
}

pub async fn reject(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
) -> Response {
    decide(state, user, id, false).await
}
