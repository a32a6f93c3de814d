//! Request extractors whose rejections stay inside the contract: under `/api/` every rejection
//! is problem+json with a stable code and a Chinese detail, elsewhere it is the error page.
//! They also refuse, before any handler runs, a text holding a control character (see
//! `jianfu_domain::text`), so that no input path can carry one to the database.

use axum::body::{Body, Bytes};
use axum::extract::rejection::{JsonRejection, PathRejection};
use axum::extract::{FromRequest, FromRequestParts, RawPathParams, Request};
use axum::http::request::Parts;
use axum::http::{StatusCode, Uri};
use axum::response::Response;
use axum_extra::extract::FormRejection;
use jianfu_domain::text::{Lines, is_forbidden};
use serde::de::DeserializeOwned;

use crate::error::{error_page, problem};

/// Whether the request is answered by the API (problem+json) rather than a page.
fn is_api(uri: &Uri) -> bool {
    uri.path().starts_with("/api/")
}

/// One rejection, in the API's or the page's form.
pub fn reject(
    api: bool,
    status: StatusCode,
    code: &str,
    detail: &str,
    field: Option<&str>,
) -> Response {
    if api {
        problem(status, code, detail, field)
    } else {
        let title = match status {
            StatusCode::PAYLOAD_TOO_LARGE => "提交内容过大",
            StatusCode::NOT_FOUND => "页面不存在",
            StatusCode::UNSUPPORTED_MEDIA_TYPE => "提交格式有误",
            _ => "输入有误",
        };
        error_page(status, title, detail, code)
    }
}

fn control_characters(api: bool, field: &str) -> Response {
    let detail = if field.is_empty() {
        "提交的内容含有不可见的控制字符（如 NUL），本次操作未执行；请删除后重试".to_owned()
    } else {
        format!("字段 {field} 含有不可见的控制字符（如 NUL），本次操作未执行；请删除后重试")
    };
    reject(
        api,
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid_characters",
        &detail,
        (!field.is_empty()).then_some(field),
    )
}

/// The first name/value pair of a urlencoded text that holds a forbidden character.
fn forbidden_pair(text: &[u8]) -> Option<String> {
    form_urlencoded::parse(text)
        .find(|(k, v)| {
            k.chars().any(|c| is_forbidden(c, Lines::Many))
                || v.chars().any(|c| is_forbidden(c, Lines::Many))
        })
        .map(|(k, _)| k.chars().filter(|c| !c.is_control()).collect())
}

/// The path (`a.b[0]`) of the first JSON string or key holding a forbidden character.
fn forbidden_json(v: &serde_json::Value, path: &str) -> Option<String> {
    let bad = |s: &str| s.chars().any(|c| is_forbidden(c, Lines::Many));
    match v {
        serde_json::Value::String(s) => bad(s).then(|| path.to_owned()),
        serde_json::Value::Array(a) => a
            .iter()
            .enumerate()
            .find_map(|(i, x)| forbidden_json(x, &format!("{path}[{i}]"))),
        serde_json::Value::Object(o) => o.iter().find_map(|(k, x)| {
            let p = if path.is_empty() {
                k.clone()
            } else {
                format!("{path}.{k}")
            };
            if bad(k) {
                Some(path.to_owned())
            } else {
                forbidden_json(x, &p)
            }
        }),
        _ => None,
    }
}

/// The field a serde error points at: its path, or the name of a missing field.
fn serde_field<E: std::fmt::Display>(e: &serde_path_to_error::Error<E>) -> Option<String> {
    let msg = e.inner().to_string();
    let path = e.path().to_string();
    // An unknown field's path already ends with its name.
    if msg.starts_with("unknown field `") && !matches!(path.as_str(), "." | "") {
        return Some(path);
    }
    let missing = msg
        .strip_prefix("missing field `")
        .or_else(|| msg.strip_prefix("unknown field `"))
        .and_then(|r| r.split('`').next());
    match (missing, path.as_str()) {
        (Some(m), "." | "") => Some(m.to_owned()),
        (Some(m), p) => Some(format!("{p}.{m}")),
        (None, "." | "") => None,
        (None, p) => Some(p.to_owned()),
    }
}

fn serde_detail(what: &str, field: Option<&str>, missing: bool, unknown: bool) -> String {
    match (field, missing) {
        (Some(f), _) if unknown => {
            format!("{what}含有接口不认识的字段 {f}（字段名是否写错？），本次请求未执行")
        }
        (Some(f), true) => format!("{what}缺少必填字段 {f}，本次请求未执行"),
        (Some(f), false) => format!("{what}字段 {f} 的类型或取值不符，本次请求未执行"),
        (None, _) => format!("{what}的结构不符（字段缺失或类型不符），本次请求未执行"),
    }
}

/// A value that did not deserialize, answered in the request's form with the failing field named.
fn serde_rejection<E: std::fmt::Display>(
    api: bool,
    what: &str,
    code: &str,
    e: &serde_path_to_error::Error<E>,
) -> Response {
    let field = serde_field(e);
    let missing = e.inner().to_string().starts_with("missing field");
    let unknown = e.inner().to_string().starts_with("unknown field");
    tracing::info!(error = %e, "{code}");
    reject(
        api,
        StatusCode::UNPROCESSABLE_ENTITY,
        code,
        &serde_detail(what, field.as_deref(), missing, unknown),
        field.as_deref(),
    )
}

/// `application/x-www-form-urlencoded` body for HTML forms (repeated keys fill a `Vec`).
pub struct Form<T>(pub T);

impl<T, S> FromRequest<S> for Form<T>
where
    axum_extra::extract::Form<T>: FromRequest<S, Rejection = FormRejection>,
    S: Send + Sync,
{
    type Rejection = Response;
    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let api = is_api(req.uri());
        let too_large = || {
            reject(
                api,
                StatusCode::PAYLOAD_TOO_LARGE,
                "payload_too_large",
                "提交的内容超过了允许的大小，本次操作未执行",
                None,
            )
        };
        // The body is read once here (within the route's size limit) to check its texts, then
        // handed to the form parser in a request rebuilt from the same head.
        let (parts, body) = req.into_parts();
        let (method, uri, version, headers) = (
            parts.method.clone(),
            parts.uri.clone(),
            parts.version,
            parts.headers.clone(),
        );
        let bytes = match Bytes::from_request(Request::from_parts(parts, body), state).await {
            Ok(b) => b,
            Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => return Err(too_large()),
            Err(_) => {
                return Err(reject(
                    api,
                    StatusCode::BAD_REQUEST,
                    "body_unreadable",
                    "无法读取提交的内容，本次操作未执行",
                    None,
                ));
            }
        };
        let in_query = uri.query().and_then(|q| forbidden_pair(q.as_bytes()));
        if let Some(field) = forbidden_pair(&bytes).or(in_query) {
            return Err(control_characters(api, &field));
        }
        let mut rebuilt = Request::new(Body::from(bytes));
        *rebuilt.method_mut() = method;
        *rebuilt.uri_mut() = uri;
        *rebuilt.version_mut() = version;
        *rebuilt.headers_mut() = headers;
        match axum_extra::extract::Form::<T>::from_request(rebuilt, state).await {
            Ok(axum_extra::extract::Form(v)) => Ok(Self(v)),
            Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => Err(too_large()),
            Err(e) => Err({
                tracing::info!(error = %e.body_text(), "form rejected");
                reject(
                    api,
                    StatusCode::UNPROCESSABLE_ENTITY,
                    "form_invalid",
                    "表单内容无法识别（例如数字栏填了非数字），本次操作未执行；请返回检查后重试",
                    None,
                )
            }),
        }
    }
}

/// JSON body for the API.
pub struct Json<T>(pub T);

impl<T, S> FromRequest<S> for Json<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = Response;
    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let api = is_api(req.uri());
        let value = match axum::Json::<serde_json::Value>::from_request(req, state).await {
            Ok(axum::Json(v)) => v,
            Err(e) => {
                return Err(match e {
                    JsonRejection::MissingJsonContentType(_) => reject(
                        api,
                        StatusCode::UNSUPPORTED_MEDIA_TYPE,
                        "json_content_type",
                        "请求体须为 JSON，并设置 Content-Type: application/json",
                        None,
                    ),
                    JsonRejection::JsonSyntaxError(_) | JsonRejection::JsonDataError(_) => reject(
                        api,
                        StatusCode::BAD_REQUEST,
                        "json_malformed",
                        "JSON 格式错误，无法解析",
                        None,
                    ),
                    other if other.status() == StatusCode::PAYLOAD_TOO_LARGE => reject(
                        api,
                        StatusCode::PAYLOAD_TOO_LARGE,
                        "payload_too_large",
                        // Routes set their own limits (certificate applications carry files).
                        "请求体超过该接口允许的大小（一般接口 1 MiB；证明申请最多 5 个附件，每个不超过 5 MB），本次请求未执行",
                        None,
                    ),
                    _ => reject(
                        api,
                        StatusCode::BAD_REQUEST,
                        "body_unreadable",
                        "无法读取请求体",
                        None,
                    ),
                });
            }
        };
        if let Some(field) = forbidden_json(&value, "") {
            return Err(control_characters(api, &field));
        }
        serde_path_to_error::deserialize(value)
            .map(Self)
            .map_err(|e| serde_rejection(api, "JSON 请求体", "json_invalid_data", &e))
    }
}

/// Query string parameters.
pub struct Query<T>(pub T);

impl<T, S> FromRequestParts<S> for Query<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = Response;
    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        let api = is_api(&parts.uri);
        let q = parts.uri.query().unwrap_or("");
        if let Some(field) = forbidden_pair(q.as_bytes()) {
            return Err(control_characters(api, &field));
        }
        let de = serde_urlencoded::Deserializer::new(form_urlencoded::parse(q.as_bytes()));
        serde_path_to_error::deserialize(de)
            .map(Self)
            .map_err(|e| serde_rejection(api, "查询参数", "query_invalid", &e))
    }
}

/// Path parameters (`/nodes/{id}`): a value that does not parse names the parameter.
pub struct Path<T>(pub T);

impl<T, S> FromRequestParts<S> for Path<T>
where
    T: DeserializeOwned + Send,
    S: Send + Sync,
{
    type Rejection = Response;
    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        use axum::extract::path::ErrorKind;
        let api = is_api(&parts.uri);
        match axum::extract::Path::<T>::from_request_parts(parts, state).await {
            Ok(axum::extract::Path(v)) => Ok(Self(v)),
            Err(PathRejection::FailedToDeserializePathParams(e)) => {
                // A single value (`Path<i64>`) is reported without its key; take it from the route.
                let only_key = match RawPathParams::from_request_parts(parts, state).await {
                    Ok(raw) if raw.iter().count() == 1 => {
                        raw.iter().next().map(|(k, _)| k.to_owned())
                    }
                    _ => None,
                };
                let key = match e.kind() {
                    ErrorKind::ParseErrorAtKey { key, .. }
                    | ErrorKind::InvalidUtf8InPathParam { key }
                    | ErrorKind::DeserializeError { key, .. } => Some(key.clone()),
                    _ => only_key,
                };
                tracing::info!(error = %e.body_text(), "path rejected");
                let detail = match &key {
                    Some(k) => format!("地址中的 {k} 不是有效的值（例如编号应为数字），请检查地址"),
                    None => "地址中的参数无效，请检查地址".to_owned(),
                };
                Err(reject(
                    api,
                    StatusCode::BAD_REQUEST,
                    "path_invalid",
                    &detail,
                    key.as_deref(),
                ))
            }
            Err(e) => {
                tracing::warn!(error = %e.body_text(), "path parameters missing");
                Err(reject(
                    api,
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "internal",
                    "系统内部错误，操作未完成；请稍后重试或联系管理员",
                    None,
                ))
            }
        }
    }
}
