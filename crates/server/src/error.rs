//! The server's error responses: every domain error maps to one HTTP status here, rendered as
//! `application/problem+json` (stable `code`, Chinese `detail`) for the API and as a Chinese
//! page for browsers.

use askama::Template;
use axum::http::{StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use jianfu_domain::{DomainError, ErrorKind};
use serde::Serialize;

pub fn status_for(kind: ErrorKind) -> StatusCode {
    match kind {
        ErrorKind::Invalid => StatusCode::UNPROCESSABLE_ENTITY,
        ErrorKind::Unauthenticated => StatusCode::UNAUTHORIZED,
        ErrorKind::Forbidden => StatusCode::FORBIDDEN,
        ErrorKind::NotFound => StatusCode::NOT_FOUND,
        ErrorKind::Conflict => StatusCode::CONFLICT,
        ErrorKind::TooMany => StatusCode::TOO_MANY_REQUESTS,
        ErrorKind::Internal => StatusCode::INTERNAL_SERVER_ERROR,
    }
}

/// RFC 9457 problem details, with jianfu's stable `code` and the offending `field`.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Problem {
    /// Always `about:blank`: the `code` says what happened.
    #[serde(rename = "type")]
    pub type_: String,
    /// Short English title of the status.
    pub title: String,
    pub status: u16,
    /// Stable snake_case code, e.g. `division_code_length`.
    pub code: String,
    /// Chinese explanation for people.
    pub detail: String,
    /// The input field at fault, when there is one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    /// The other input errors found with this one (every error of the request at once); absent
    /// when there are none.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<FieldProblem>,
}

/// One more input error of the same request.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct FieldProblem {
    /// Stable snake_case code.
    pub code: String,
    /// Chinese explanation for people.
    pub detail: String,
    /// The input field at fault, when there is one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
}

pub fn problem(status: StatusCode, code: &str, detail: &str, field: Option<&str>) -> Response {
    problem_with(status, code, detail, field, Vec::new())
}

/// [`problem`] with the request's other input errors.
pub fn problem_with(
    status: StatusCode,
    code: &str,
    detail: &str,
    field: Option<&str>,
    errors: Vec<FieldProblem>,
) -> Response {
    let body = Problem {
        type_: "about:blank".into(),
        title: status.canonical_reason().unwrap_or("Error").into(),
        status: status.as_u16(),
        code: code.into(),
        detail: detail.into(),
        field: field.map(str::to_owned),
        errors,
    };
    let json = serde_json::to_string(&body).unwrap_or_default();
    (
        status,
        [(header::CONTENT_TYPE, "application/problem+json")],
        json,
    )
        .into_response()
}

/// An error answered as problem+json.
#[derive(Debug)]
pub struct ApiError(pub DomainError);

impl From<DomainError> for ApiError {
    fn from(e: DomainError) -> Self {
        Self(e)
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let e = self.0;
        let more = e
            .more
            .iter()
            .map(|m| FieldProblem {
                code: m.code.to_owned(),
                detail: m.message.clone(),
                field: m.field.map(str::to_owned),
            })
            .collect();
        let mut res = problem_with(status_for(e.kind), e.code, &e.message, e.field, more);
        retry_after(&e, &mut res);
        res
    }
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage<'a> {
    status: u16,
    title: &'a str,
    message: &'a str,
    code: &'a str,
    /// The request's id, for the user to quote (see `request_id`).
    request_id: Option<std::sync::Arc<str>>,
}

pub fn error_page(status: StatusCode, title: &str, message: &str, code: &str) -> Response {
    let html = ErrorPage {
        status: status.as_u16(),
        title,
        message,
        code,
        request_id: crate::request_id::current(),
    }
    .render()
    .unwrap_or_else(|_| message.to_owned());
    (status, Html(html)).into_response()
}

pub fn not_found_page() -> Response {
    error_page(
        StatusCode::NOT_FOUND,
        "页面不存在",
        "您访问的页面不存在，可能地址有误或内容已被删除。",
        "not_found",
    )
}

/// An error answered as an HTML page (for browser routes).
#[derive(Debug)]
pub struct PageError(pub DomainError);

impl From<DomainError> for PageError {
    fn from(e: DomainError) -> Self {
        Self(e)
    }
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        let e = self.0;
        if e.kind == ErrorKind::Unauthenticated {
            return axum::response::Redirect::to("/login").into_response();
        }
        let title = match e.kind {
            ErrorKind::Invalid => "输入有误",
            ErrorKind::Unauthenticated => "请先登录",
            ErrorKind::Forbidden => "没有权限",
            ErrorKind::NotFound => "未找到",
            ErrorKind::Conflict => "无法完成操作",
            ErrorKind::TooMany => "请求过于频繁",
            ErrorKind::Internal => "系统错误",
        };
        let mut res = error_page(status_for(e.kind), title, &e.message, e.code);
        retry_after(&e, &mut res);
        res
    }
}

/// Seconds a client should wait before trying again after the database was too busy to take
/// the request (a write's turn or a pooled connection did not come in time).
pub const BUSY_RETRY_AFTER_SECS: u32 = 2;

/// `Retry-After` on an answer that only asks the client to come back (`database_busy`).
fn retry_after(e: &DomainError, res: &mut Response) {
    if e.code == "database_busy" {
        res.headers_mut().insert(
            header::RETRY_AFTER,
            header::HeaderValue::from(BUSY_RETRY_AFTER_SECS),
        );
    }
}
