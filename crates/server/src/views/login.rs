//! Logging in and out. The login form is protected against cross-site posting by a
//! double-submit token (cookie + hidden field), since there is no session yet to hold one.

use crate::extract::Form;
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::cookie::{Cookie, CookieJar, SameSite};
use serde::Deserialize;

use crate::access::{ClientIp, CurrentUser, MaybeUser, SESSION_COOKIE, same_secret};
use crate::state::AppState;
use crate::views::{Chrome, render};
use axum::extract::State;
use axum::http::StatusCode;

const LOGIN_CSRF_COOKIE: &str = "jianfu_login_csrf";

#[derive(askama::Template)]
#[template(path = "login.html")]
struct LoginPage {
    chrome: Chrome,
    login_csrf: String,
    username: String,
    error: Option<String>,
}

fn cookie(state: &AppState, name: &'static str, value: String) -> Cookie<'static> {
    Cookie::build((name, value))
        .path("/")
        .http_only(true)
        .same_site(SameSite::Strict)
        .secure(state.config.secure_cookies)
        .build()
}

fn page(
    state: &AppState,
    jar: CookieJar,
    status: StatusCode,
    username: String,
    error: Option<String>,
) -> Response {
    let token = jianfu_domain::auth::random_secret();
    let jar = jar.add(cookie(state, LOGIN_CSRF_COOKIE, token.clone()));
    let t = LoginPage {
        chrome: Chrome::new("登录", None, "/login"),
        login_csrf: token,
        username,
        error,
    };
    (jar, render(status, &t)).into_response()
}

pub async fn form(
    State(state): State<AppState>,
    MaybeUser(user): MaybeUser,
    jar: CookieJar,
) -> Response {
    if user.is_some() {
        return Redirect::to("/").into_response();
    }
    page(&state, jar, StatusCode::OK, String::new(), None)
}

#[derive(Deserialize)]
pub struct LoginForm {
    #[serde(default)]
    username: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    csrf_token: String,
}

pub async fn submit(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    jar: CookieJar,
    Form(f): Form<LoginForm>,
) -> Response {
    let expected = jar.get(LOGIN_CSRF_COOKIE).map(|c| c.value().to_owned());
    if !expected.is_some_and(|e| !e.is_empty() && same_secret(&e, &f.csrf_token)) {
        return page(
            &state,
            jar,
            StatusCode::FORBIDDEN,
            f.username,
            Some("登录页面已过期，请重新输入用户名和密码".into()),
        );
    }
    if f.username.trim().is_empty() || f.password.is_empty() {
        return page(
            &state,
            jar,
            StatusCode::UNPROCESSABLE_ENTITY,
            f.username,
            Some("请输入用户名和密码".into()),
        );
    }
    match state
        .app
        .login(&f.username, &f.password, ip.as_deref())
        .await
    {
        Ok(s) => {
            // A new session id at every login; the old cookie (if any) is replaced.
            let jar = jar
                .remove(Cookie::build(LOGIN_CSRF_COOKIE).path("/"))
                .add(cookie(&state, SESSION_COOKIE, s.token));
            let to = if s.principal.must_change_password {
                "/password"
            } else {
                "/"
            };
            (jar, Redirect::to(to)).into_response()
        }
        Err(e) => {
            let status = crate::error::status_for(e.kind);
            page(&state, jar, status, f.username, Some(e.message))
        }
    }
}

pub async fn logout(State(state): State<AppState>, user: CurrentUser, jar: CookieJar) -> Response {
    if let Some(token) = user.session_token()
        && let Err(e) = state.app.logout(&user.ctx(), token).await
    {
        return crate::error::PageError(e).into_response();
    }
    let jar = jar.remove(Cookie::build(SESSION_COOKIE).path("/"));
    (jar, Redirect::to("/login")).into_response()
}
