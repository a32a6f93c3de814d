//! Logging in and out. The login forms are protected against cross-site posting by a
//! double-submit token (cookie + hidden field), since there is no session yet to hold one.
//! An account with a second factor logs in in two steps: the password opens a login challenge
//! (its token in a cookie), and only the right code on the second form opens the session.

use crate::extract::Form;
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::cookie::{Cookie, CookieJar};
use serde::Deserialize;

use crate::access::{
    ClientIp, CurrentUser, MaybeUser, NEXT_COOKIE, SESSION_COOKIE, double_submit_ok,
    double_submit_token, is_local_page, site_cookie,
};
use crate::state::AppState;
use crate::views::{Chrome, render};
use axum::extract::State;
use axum::http::StatusCode;
use jianfu_domain::auth::LoginStep;

const LOGIN_CSRF_COOKIE: &str = "jianfu_login_csrf";
const CHALLENGE_COOKIE: &str = "jianfu_login_challenge";

#[derive(askama::Template)]
#[template(path = "login.html")]
struct LoginPage {
    chrome: Chrome,
    login_csrf: String,
    username: String,
    error: Option<String>,
    /// The demo data has the second-factor requirement off: say so where everyone logs in.
    demo_second_factor_off: bool,
}

#[derive(askama::Template)]
#[template(path = "login_code.html")]
struct CodePage {
    chrome: Chrome,
    login_csrf: String,
    error: Option<String>,
}

async fn page(
    state: &AppState,
    jar: CookieJar,
    status: StatusCode,
    username: String,
    error: Option<String>,
) -> Response {
    let (c, token) = double_submit_token(state, LOGIN_CSRF_COOKIE);
    let jar = jar.add(c);
    let demo_second_factor_off = state
        .app
        .second_factor_policy()
        .await
        .is_ok_and(|p| p.demo_off);
    let t = LoginPage {
        chrome: Chrome::new("登录", None, "/login"),
        login_csrf: token,
        username,
        error,
        demo_second_factor_off,
    };
    (jar, render(status, &t)).into_response()
}

fn code_page(
    state: &AppState,
    jar: CookieJar,
    status: StatusCode,
    error: Option<String>,
) -> Response {
    let (c, token) = double_submit_token(state, LOGIN_CSRF_COOKIE);
    let jar = jar.add(c);
    let t = CodePage {
        chrome: Chrome::new("输入动态口令", None, "/login"),
        login_csrf: token,
        error,
    };
    (jar, render(status, &t)).into_response()
}

/// Whether the form's double-submit token matches its cookie.
fn login_csrf_ok(jar: &CookieJar, sent: &str) -> bool {
    double_submit_ok(jar, LOGIN_CSRF_COOKIE, sent)
}

/// Where a fresh session goes first.
fn landing(p: &jianfu_domain::Principal) -> &'static str {
    if p.must_change_password {
        "/password"
    } else if p.must_enrol_second_factor {
        "/me/second-factor"
    } else {
        "/"
    }
}

/// Sets the session cookie (a new session id at every login) and goes on: to the page the
/// visitor asked for before logging in (when it is a local page and nothing must come first),
/// else to the landing page.
fn logged_in(state: &AppState, jar: CookieJar, s: jianfu_domain::auth::NewSession) -> Response {
    let asked: Option<String> = jar.get(NEXT_COOKIE).and_then(|c| {
        form_urlencoded::parse(format!("v={}", c.value()).as_bytes())
            .next()
            .map(|(_, v)| v.into_owned())
            .filter(|p| is_local_page(p))
    });
    let landing = landing(&s.principal);
    let to = match asked {
        Some(p) if landing == "/" => p,
        _ => landing.to_owned(),
    };
    let jar = jar
        .remove(Cookie::build(LOGIN_CSRF_COOKIE).path("/"))
        .remove(Cookie::build(CHALLENGE_COOKIE).path("/"))
        .remove(Cookie::build(NEXT_COOKIE).path("/"))
        .add(site_cookie(state, SESSION_COOKIE, s.token));
    (jar, Redirect::to(&to)).into_response()
}

pub async fn form(
    State(state): State<AppState>,
    MaybeUser(user): MaybeUser,
    jar: CookieJar,
) -> Response {
    if user.is_some() {
        return Redirect::to("/").into_response();
    }
    page(&state, jar, StatusCode::OK, String::new(), None).await
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
    if !login_csrf_ok(&jar, &f.csrf_token) {
        return page(
            &state,
            jar,
            StatusCode::FORBIDDEN,
            f.username,
            Some("登录页面已过期，请重新输入用户名和密码".into()),
        )
        .await;
    }
    if f.username.trim().is_empty() || f.password.is_empty() {
        return page(
            &state,
            jar,
            StatusCode::UNPROCESSABLE_ENTITY,
            f.username,
            Some("请输入用户名和密码".into()),
        )
        .await;
    }
    match state
        .app
        .login(&f.username, &f.password, ip.as_deref())
        .await
    {
        Ok(LoginStep::Session(s)) => logged_in(&state, jar, s),
        Ok(LoginStep::SecondFactor { challenge }) => {
            let jar = jar.add(site_cookie(&state, CHALLENGE_COOKIE, challenge));
            (jar, Redirect::to("/login/second-factor")).into_response()
        }
        Err(e) => {
            let status = crate::error::status_for(e.kind);
            page(&state, jar, status, f.username, Some(e.message)).await
        }
    }
}

/// The second step's form; without a login challenge there is nothing to ask.
pub async fn code_form(
    State(state): State<AppState>,
    MaybeUser(user): MaybeUser,
    jar: CookieJar,
) -> Response {
    if user.is_some() {
        return Redirect::to("/").into_response();
    }
    if jar.get(CHALLENGE_COOKIE).is_none() {
        return Redirect::to("/login").into_response();
    }
    code_page(&state, jar, StatusCode::OK, None)
}

#[derive(Deserialize)]
pub struct CodeForm {
    #[serde(default)]
    code: String,
    #[serde(default)]
    csrf_token: String,
}

pub async fn code_submit(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    jar: CookieJar,
    Form(f): Form<CodeForm>,
) -> Response {
    let Some(challenge) = jar.get(CHALLENGE_COOKIE).map(|c| c.value().to_owned()) else {
        return Redirect::to("/login").into_response();
    };
    if !login_csrf_ok(&jar, &f.csrf_token) {
        return code_page(
            &state,
            jar,
            StatusCode::FORBIDDEN,
            Some("页面已过期，请重新输入动态口令".into()),
        );
    }
    if f.code.trim().is_empty() {
        return code_page(
            &state,
            jar,
            StatusCode::UNPROCESSABLE_ENTITY,
            Some("请输入验证器中显示的 6 位动态口令，或一个恢复码".into()),
        );
    }
    match state
        .app
        .login_second_factor(&challenge, &f.code, ip.as_deref())
        .await
    {
        Ok(s) => logged_in(&state, jar, s),
        Err(e) if e.code == "second_factor_invalid" || e.code == "ip_rate_limited" => {
            let status = crate::error::status_for(e.kind);
            code_page(&state, jar, status, Some(e.message))
        }
        // The challenge is gone (timed out, locked, ended): start over at the password.
        Err(e) => {
            let status = crate::error::status_for(e.kind);
            let jar = jar.remove(Cookie::build(CHALLENGE_COOKIE).path("/"));
            page(&state, jar, status, String::new(), Some(e.message)).await
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
