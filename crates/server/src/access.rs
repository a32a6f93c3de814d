//! The access gate every route passes: who the caller is (session cookie or API token), whether
//! their roles allow the route's declared action, and — for cookie-authenticated state changes —
//! whether the CSRF token matches. Handlers receive the caller as [`CurrentUser`].

use std::net::SocketAddr;

use axum::body::Body;
use axum::extract::{ConnectInfo, FromRequestParts, Request, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::cookie::{Cookie, CookieJar, SameSite};
use jianfu_domain::{Action, Ctx, DomainError, Principal};

use crate::error::{ApiError, PageError, error_page, problem};
use crate::state::AppState;

pub const SESSION_COOKIE: &str = "jianfu_session";
/// Where an anonymous visitor was going when sent to log in (a local path with its query).
pub const NEXT_COOKIE: &str = "jianfu_next";
pub const CSRF_FIELD: &str = "csrf_token";
pub const CSRF_HEADER: &str = "x-csrf-token";

/// The access policy a route declares. Every route has exactly one (see `routes.rs`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Access {
    /// Anyone, without logging in.
    Public,
    /// Logged in, even when the password must be changed or a second factor enrolled first
    /// (change password, log out).
    Login,
    /// Logged in with a current password, even when a second factor must be enrolled first
    /// (the enrolment itself, and who am I).
    Enrol,
    /// Logged in with a current password; what is shown is then filtered by jurisdiction.
    User,
    /// Logged in and holding a role that permits this action (the use case then checks the
    /// target lies in the user's jurisdiction).
    Act(Action),
    /// Like `Act`, for routes that either of several actions may use (e.g. admitting city or
    /// district demands); the use case decides which applies.
    AnyOf(&'static [Action]),
}

/// How the caller proved who they are.
#[derive(Clone, Debug)]
pub enum Credential {
    Session { token: String, csrf: String },
    ApiToken,
}

/// The authenticated caller, put into request extensions by the gate.
#[derive(Clone, Debug)]
pub struct CurrentUser {
    pub principal: Principal,
    pub credential: Credential,
    pub ip: Option<String>,
}

impl CurrentUser {
    pub fn ctx(&self) -> Ctx {
        Ctx::new(self.principal.clone(), self.ip.clone())
    }
    /// The CSRF token to put in forms (empty for API-token callers, who need none).
    pub fn csrf(&self) -> &str {
        match &self.credential {
            Credential::Session { csrf, .. } => csrf,
            Credential::ApiToken => "",
        }
    }
    pub fn session_token(&self) -> Option<&str> {
        match &self.credential {
            Credential::Session { token, .. } => Some(token),
            Credential::ApiToken => None,
        }
    }
}

impl<S: Send + Sync> FromRequestParts<S> for CurrentUser {
    type Rejection = Response;
    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        parts
            .extensions
            .get::<CurrentUser>()
            .cloned()
            .ok_or_else(|| Redirect::to("/login").into_response())
    }
}

/// The caller on a public page, if logged in (for the top bar).
#[derive(Clone, Debug)]
pub struct MaybeUser(pub Option<CurrentUser>);

impl<S: Send + Sync> FromRequestParts<S> for MaybeUser {
    type Rejection = std::convert::Infallible;
    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(Self(parts.extensions.get::<CurrentUser>().cloned()))
    }
}

/// The client's address: the socket's peer, or behind a trusted proxy the address that proxy
/// put into `X-Forwarded-For` (see [`crate::net::client_address`]).
#[derive(Clone, Debug)]
pub struct ClientIp(pub Option<String>);

pub fn client_ip(
    state: &AppState,
    headers: &HeaderMap,
    conn: Option<&ConnectInfo<SocketAddr>>,
) -> Option<String> {
    let peer = conn?.0.ip();
    let forwarded = headers.get("x-forwarded-for").and_then(|v| v.to_str().ok());
    Some(crate::net::client_address(peer, forwarded, &state.config.trusted_proxies).to_string())
}

impl FromRequestParts<AppState> for ClientIp {
    type Rejection = std::convert::Infallible;
    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let conn = parts.extensions.get::<ConnectInfo<SocketAddr>>();
        Ok(Self(client_ip(state, &parts.headers, conn)))
    }
}

fn is_api(path: &str) -> bool {
    path.starts_with("/api/")
}

fn deny(api: bool, e: DomainError) -> Response {
    if api {
        ApiError(e).into_response()
    } else {
        PageError(e).into_response()
    }
}

/// A cookie of ours: the whole site, never read by scripts, never sent by another site, and
/// over TLS only when the server says so.
pub fn site_cookie(state: &AppState, name: &'static str, value: String) -> Cookie<'static> {
    Cookie::build((name, value))
        .path("/")
        .http_only(true)
        .same_site(SameSite::Strict)
        .secure(state.config.secure_cookies)
        .build()
}

/// A fresh double-submit token for a form shown without a session (login, public forms): the
/// cookie `name` to set and the same value for the form's hidden field.
pub fn double_submit_token(state: &AppState, name: &'static str) -> (Cookie<'static>, String) {
    let token = jianfu_domain::auth::random_secret();
    (site_cookie(state, name, token.clone()), token)
}

/// Whether a form's double-submit token `sent` matches the cookie `name`.
pub fn double_submit_ok(jar: &CookieJar, name: &str, sent: &str) -> bool {
    jar.get(name)
        .is_some_and(|c| !c.value().is_empty() && same_secret(c.value(), sent))
}

/// Compares secrets without an early exit.
pub fn same_secret(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

/// Resolves the caller from a bearer token or the session cookie. `Ok(None)`: no credential.
async fn authenticate(
    state: &AppState,
    headers: HeaderMap,
    ip: Option<String>,
) -> Result<Option<CurrentUser>, DomainError> {
    if let Some(auth) = headers.get(header::AUTHORIZATION) {
        let token = auth
            .to_str()
            .ok()
            .and_then(|v| v.strip_prefix("Bearer "))
            .map(str::trim)
            .ok_or_else(|| {
                DomainError::unauthenticated("token_invalid", "Authorization 头应为 Bearer 令牌")
            })?;
        let principal = state.app.principal_for_token(token).await?;
        return Ok(Some(CurrentUser {
            principal,
            credential: Credential::ApiToken,
            ip,
        }));
    }
    let jar = CookieJar::from_headers(&headers);
    let Some(cookie) = jar.get(SESSION_COOKIE) else {
        return Ok(None);
    };
    let token = cookie.value().to_owned();
    let info = state.app.session(&token).await?;
    Ok(Some(CurrentUser {
        principal: info.principal,
        credential: Credential::Session {
            token,
            csrf: info.csrf_token,
        },
        ip,
    }))
}

fn csrf_failure(api: bool) -> Response {
    let msg = "安全校验失败：页面已过期或请求来源不明（CSRF），本次操作未执行，请刷新页面后重试";
    if api {
        problem(StatusCode::FORBIDDEN, "csrf_invalid", msg, None)
    } else {
        error_page(StatusCode::FORBIDDEN, "安全校验失败", msg, "csrf_invalid")
    }
}

/// Reads the CSRF token from the header or, for forms, from the body, and gives the request
/// back whole.
async fn csrf_token_of(req: Request) -> Result<(Request, Option<String>), Response> {
    if let Some(v) = req.headers().get(CSRF_HEADER).and_then(|v| v.to_str().ok()) {
        let v = v.to_owned();
        return Ok((req, Some(v)));
    }
    let content_type = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    // File uploads (multipart) carry the token in the query string (`?csrf_token=…` in the
    // form's action): finding it in the body would mean buffering and parsing megabytes here,
    // before the route's own size limit and parser. A page form cannot set a header, and the
    // token is bound to the session cookie, so it is as good in the URL as in the body (the
    // server logs no query strings, and Referrer-Policy keeps it on this site).
    if content_type.starts_with("multipart/form-data") {
        let token = req.uri().query().and_then(|q| {
            serde_urlencoded::from_str::<Vec<(String, String)>>(q)
                .ok()?
                .into_iter()
                .find(|(k, _)| k == CSRF_FIELD)
                .map(|(_, v)| v)
        });
        return Ok((req, token));
    }
    let is_form = content_type.starts_with("application/x-www-form-urlencoded");
    if !is_form {
        return Ok((req, None));
    }
    let (parts, body) = req.into_parts();
    let bytes = axum::body::to_bytes(body, crate::BODY_LIMIT)
        .await
        .map_err(|_| {
            problem(
                StatusCode::PAYLOAD_TOO_LARGE,
                "payload_too_large",
                "提交的内容过大",
                None,
            )
        })?;
    let token = serde_urlencoded::from_bytes::<Vec<(String, String)>>(&bytes)
        .ok()
        .and_then(|pairs| {
            pairs
                .into_iter()
                .find(|(k, _)| k == CSRF_FIELD)
                .map(|(_, v)| v)
        });
    Ok((Request::from_parts(parts, Body::from(bytes)), token))
}

/// The login page, remembering the page an anonymous visitor asked for (a GET), so that logging
/// in returns there instead of to the home page.
fn to_login(state: &AppState, req: &Request) -> Response {
    let mut res = Redirect::to("/login").into_response();
    let next = req.uri().path_and_query().map(|p| p.as_str());
    if req.method() == Method::GET
        && let Some(next) = next.filter(|p| is_local_page(p))
    {
        let value: String = form_urlencoded::byte_serialize(next.as_bytes()).collect();
        let cookie = axum_extra::extract::cookie::Cookie::build((NEXT_COOKIE, value))
            .path("/")
            .http_only(true)
            .same_site(axum_extra::extract::cookie::SameSite::Lax)
            .secure(state.config.secure_cookies)
            .build();
        if let Ok(v) = header::HeaderValue::from_str(&cookie.to_string()) {
            res.headers_mut().append(header::SET_COOKIE, v);
        }
    }
    res
}

/// A page of this server worth returning to after logging in: an absolute local path (not
/// `//host` nor `/\host`, which browsers read as another site), short, without control
/// characters, and neither the home page nor the login pages themselves.
pub fn is_local_page(p: &str) -> bool {
    p.starts_with('/')
        && !p.starts_with("//")
        && p.len() <= 512
        && !p.chars().any(|c| c.is_control() || c == '\\')
        && p != "/"
        && !p.starts_with("/login")
        && !p.starts_with("/logout")
        && !p.starts_with("/api/")
}

pub async fn gate(
    State((state, access)): State<(AppState, Access)>,
    req: Request,
    next: Next,
) -> Response {
    let api = is_api(req.uri().path());
    let conn = req.extensions().get::<ConnectInfo<SocketAddr>>().cloned();
    let ip = client_ip(&state, req.headers(), conn.as_ref());
    let user = match authenticate(&state, req.headers().clone(), ip).await {
        Ok(u) => u,
        // A bad credential on a public page is the same as none.
        Err(_) if access == Access::Public => None,
        Err(e) => return deny(api, e),
    };
    let mut req = req;
    if access == Access::Public {
        if let Some(u) = user {
            req.extensions_mut().insert(u);
        }
        return next.run(req).await;
    }
    let Some(user) = user else {
        return if api {
            deny(
                true,
                DomainError::unauthenticated("login_required", "请先登录或提供 API 令牌"),
            )
        } else {
            to_login(&state, &req)
        };
    };
    if let Some(e) = user.principal.blocked() {
        let password_first = user.principal.must_change_password;
        let passes = match access {
            Access::Login => true,
            Access::Enrol => !password_first,
            _ => false,
        };
        if !passes {
            return match (api, password_first) {
                (true, true) => deny(
                    true,
                    DomainError::new(
                        jianfu_domain::ErrorKind::Forbidden,
                        "password_change_required",
                        "密码已过期或为临时密码，请先修改密码",
                    ),
                ),
                (true, false) => deny(true, e),
                (false, true) => Redirect::to("/password").into_response(),
                (false, false) => Redirect::to("/me/second-factor").into_response(),
            };
        }
    }
    let required: &[Action] = match &access {
        Access::Act(a) => std::slice::from_ref(a),
        Access::AnyOf(list) => list,
        _ => &[],
    };
    if !required.is_empty() && !required.iter().any(|a| user.principal.may(*a)) {
        let action = required[0];
        state.app.record_denial(&user.ctx(), action, None).await;
        return deny(
            api,
            DomainError::forbidden(format!("您的角色不能{}", action.label_zh())),
        );
    }
    let safe = matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS);
    if !safe && let Credential::Session { csrf, .. } = &user.credential {
        let expected = csrf.clone();
        let (r, token) = match csrf_token_of(req).await {
            Ok(x) => x,
            Err(resp) => return resp,
        };
        if !token.is_some_and(|t| same_secret(&t, &expected)) {
            return csrf_failure(api);
        }
        req = r;
    }
    req.extensions_mut().insert(user);
    next.run(req).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secret_comparison() {
        assert!(same_secret("abc", "abc"));
        assert!(!same_secret("abc", "abd"));
        assert!(!same_secret("abc", "ab"));
        assert!(!same_secret("", "a"));
    }
}
