//! Request body extractors whose rejections speak Chinese: a form that cannot be read gets the
//! error page; JSON that cannot be read gets problem+json with a stable code.

use axum::extract::rejection::JsonRejection;
use axum::extract::{FromRequest, Request};
use axum::http::StatusCode;
use axum::response::Response;
use axum_extra::extract::FormRejection;

use crate::error::{error_page, problem};

/// `application/x-www-form-urlencoded` body for HTML forms (repeated keys fill a `Vec`).
pub struct Form<T>(pub T);

impl<T, S> FromRequest<S> for Form<T>
where
    axum_extra::extract::Form<T>: FromRequest<S, Rejection = FormRejection>,
    S: Send + Sync,
{
    type Rejection = Response;
    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        match axum_extra::extract::Form::<T>::from_request(req, state).await {
            Ok(axum_extra::extract::Form(v)) => Ok(Self(v)),
            Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => Err(error_page(
                StatusCode::PAYLOAD_TOO_LARGE,
                "提交内容过大",
                "提交的内容超过了允许的大小，本次操作未执行",
                "payload_too_large",
            )),
            Err(e) => Err({
                tracing::info!(error = %e.body_text(), "form rejected");
                error_page(
                    StatusCode::UNPROCESSABLE_ENTITY,
                    "输入有误",
                    "表单内容无法识别（例如数字栏填了非数字），本次操作未执行；请返回检查后重试",
                    "form_invalid",
                )
            }),
        }
    }
}

/// JSON body for the API.
pub struct Json<T>(pub T);

impl<T, S> FromRequest<S> for Json<T>
where
    axum::Json<T>: FromRequest<S, Rejection = JsonRejection>,
    S: Send + Sync,
{
    type Rejection = Response;
    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        match axum::Json::<T>::from_request(req, state).await {
            Ok(axum::Json(v)) => Ok(Self(v)),
            Err(e) => Err(match e {
                JsonRejection::MissingJsonContentType(_) => problem(
                    StatusCode::UNSUPPORTED_MEDIA_TYPE,
                    "json_content_type",
                    "请求体须为 JSON，并设置 Content-Type: application/json",
                    None,
                ),
                JsonRejection::JsonSyntaxError(_) => problem(
                    StatusCode::BAD_REQUEST,
                    "json_malformed",
                    "JSON 格式错误，无法解析",
                    None,
                ),
                JsonRejection::JsonDataError(err) => problem(
                    StatusCode::UNPROCESSABLE_ENTITY,
                    "json_invalid_data",
                    &format!("JSON 字段缺失或类型不符：{}", err.body_text()),
                    None,
                ),
                other if other.status() == StatusCode::PAYLOAD_TOO_LARGE => problem(
                    StatusCode::PAYLOAD_TOO_LARGE,
                    "payload_too_large",
                    // Routes set their own limits (certificate applications carry files).
                    "请求体超过该接口允许的大小（一般接口 1 MiB；证明申请最多 5 个附件，每个不超过 5 MB），本次请求未执行",
                    None,
                ),
                _ => problem(
                    StatusCode::BAD_REQUEST,
                    "body_unreadable",
                    "无法读取请求体",
                    None,
                ),
            }),
        }
    }
}
