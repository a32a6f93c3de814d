//! The JSON API under `/api/v1`: the same tree, account and audit operations as the pages,
//! for machine clients (bearer token) and scripts (session cookie + `X-CSRF-Token`). The
//! OpenAPI document is generated from these handlers' annotations.

pub mod audit;
pub mod certificates;
pub mod demands;
pub mod import;
pub mod nodes;
pub mod plaques;
pub mod users;

use axum::Json;
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use utoipa::openapi::security::{ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi, ToSchema};

use crate::access::CurrentUser;
use crate::error::Problem;

struct Security;

impl Modify for Security {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "token",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
        components.add_security_scheme(
            "session",
            SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::new(
                crate::access::SESSION_COOKIE,
            ))),
        );
    }
}

#[derive(OpenApi)]
#[openapi(
    info(title = "jianfu 基层减负管理平台 API", version = "1", description = "Errors are application/problem+json with a stable `code` and a Chinese `detail`. Authenticate with `Authorization: Bearer <token>` (create tokens at /tokens), or with the session cookie plus an `X-CSRF-Token` header on state changes."),
    paths(
        me,
        nodes::list, nodes::create, nodes::get, nodes::update, nodes::delete,
        users::list, users::create, users::get, users::update, users::reset_password,
        users::lock, users::unlock, users::grant, users::revoke,
        audit::list, audit::verify,
        demands::list, demands::create, demands::get, demands::submit, demands::admit, demands::overrule_wording, demands::reject, demands::revoke,
        demands::lookup, demands::cases, demands::ledger,
        demands::request_temporary_plaque, demands::create_agency_requirement,
        import::import_demands,
        certificates::verify, certificates::seal_authority, certificates::catalogue,
        certificates::apply, certificates::list, certificates::get, certificates::issue, certificates::revoke,
        certificates::seal_uses,
        plaques::list, plaques::create, plaques::get, plaques::update, plaques::confirm, plaques::remove,
        plaques::tasks, plaques::close_task,
        plaques::campaigns, plaques::launch, plaques::campaign, plaques::complete,
    ),
    components(schemas(Problem)),
    modifiers(&Security),
    security(("token" = []), ("session" = [])),
)]
pub struct ApiDoc;

/// The OpenAPI document as JSON text (also used by tests and `jianfu` tooling).
pub fn openapi_json() -> String {
    ApiDoc::openapi().to_pretty_json().unwrap_or_default()
}

pub async fn openapi() -> Response {
    (
        [(axum::http::header::CONTENT_TYPE, "application/json")],
        openapi_json(),
    )
        .into_response()
}

#[derive(Serialize, ToSchema)]
pub struct GrantOut {
    pub id: i64,
    /// Role code, e.g. `system_admin`.
    pub role: String,
    pub role_zh: String,
    pub node_id: i64,
    pub node_name: String,
}

#[derive(Serialize, ToSchema)]
pub struct MeOut {
    pub account_id: i64,
    pub username: String,
    pub display_name: String,
    pub must_change_password: bool,
    pub grants: Vec<GrantOut>,
}

/// Who am I: the caller's account and roles.
#[utoipa::path(get, path = "/api/v1/me", responses((status = 200, body = MeOut), (status = 401, body = Problem)))]
pub async fn me(user: CurrentUser) -> Json<MeOut> {
    let p = user.principal;
    Json(MeOut {
        account_id: p.account_id,
        username: p.username,
        display_name: p.display_name,
        must_change_password: p.must_change_password,
        grants: p
            .grants
            .into_iter()
            .map(|g| GrantOut {
                id: g.id,
                role: g.role.as_str().into(),
                role_zh: g.role.label_zh().into(),
                node_id: g.node_id,
                node_name: g.node_name,
            })
            .collect(),
    })
}

/// A page of results.
#[derive(Serialize, ToSchema)]
pub struct PageOut<T: ToSchema> {
    pub items: Vec<T>,
    pub total: u64,
    pub page: u64,
    pub per_page: u64,
}

impl<T: ToSchema> PageOut<T> {
    /// A domain page with each item mapped to its API shape.
    pub fn from_page<U>(p: jianfu_domain::page::Page<U>, f: impl FnMut(U) -> T) -> Self {
        Self {
            items: p.items.into_iter().map(f).collect(),
            total: p.total,
            page: p.page,
            per_page: p.per_page,
        }
    }
}
