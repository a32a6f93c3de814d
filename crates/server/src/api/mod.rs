//! The JSON API under `/api/v1`: the same tree, account and audit operations as the pages,
//! for machine clients (bearer token) and scripts (session cookie + `X-CSRF-Token`). The
//! OpenAPI document is generated from these handlers' annotations.

pub mod annual_report;
pub mod audit;
pub mod bulletins;
pub mod certificates;
pub mod comprehensive;
pub mod data_sharing;
pub mod demands;
pub mod department_rating;
pub mod dictionary;
pub mod evaluations;
pub mod form_returns;
pub mod import;
pub mod monitoring;
pub mod nodes;
pub mod overview;
pub mod person_records;
pub mod pki;
pub mod plaques;
pub mod public_reports;
pub mod report_forms;
pub mod resets;
pub mod satisfaction;
pub mod second_factor;
pub mod supervision;
pub mod texts;
pub mod users;

use axum::Json;
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use utoipa::openapi::security::{ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi, ToSchema};

use crate::access::CurrentUser;
use crate::error::{FieldProblem, Problem};

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

/// The answers every operation may give besides its own, declared once here so that the document
/// matches what the extractors and the access layer really send: problem+json for every error,
/// 400 for an unreadable path or body, 401/403 on protected operations, 404 where a path names a
/// record, 413/415/422 where a body is read, 422 for query parameters out of range.
struct Contract;

const PROBLEM_JSON: &str = "application/problem+json";

fn problem_response(description: &str) -> utoipa::openapi::RefOr<utoipa::openapi::Response> {
    use utoipa::openapi::{ContentBuilder, Ref, ResponseBuilder};
    ResponseBuilder::new()
        .description(description)
        .content(
            PROBLEM_JSON,
            ContentBuilder::new()
                .schema(Some(Ref::from_schema_name("Problem")))
                .build(),
        )
        .build()
        .into()
}

impl Modify for Contract {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::RefOr;
        use utoipa::openapi::path::ParameterIn;
        for (path, item) in openapi.paths.paths.iter_mut() {
            let ops = [
                ("get", &mut item.get),
                ("put", &mut item.put),
                ("post", &mut item.post),
                ("delete", &mut item.delete),
                ("patch", &mut item.patch),
            ];
            for (method, op) in ops {
                let Some(op) = op.as_mut() else { continue };
                // Handler names repeat across modules (`list`, `get`); OpenAPI wants unique ids.
                let slug: String = path
                    .trim_start_matches("/api/v1/")
                    .chars()
                    .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
                    .collect();
                op.operation_id = Some(format!("{method}_{}", slug.trim_end_matches('_')));
                // utoipa writes `body = Problem` as application/json; the server sends problem+json.
                for (status, r) in op.responses.responses.iter_mut() {
                    // OpenAPI requires a description on every response.
                    if let RefOr::T(r) = r
                        && r.description.is_empty()
                    {
                        r.description = status
                            .parse::<u16>()
                            .ok()
                            .and_then(|s| axum::http::StatusCode::from_u16(s).ok())
                            .and_then(|s| s.canonical_reason())
                            .unwrap_or("Response")
                            .to_owned();
                    }
                    if let RefOr::T(r) = r
                        && let Some(c) = r.content.shift_remove("application/json")
                    {
                        let is_problem = matches!(&c, RefOr::T(c) if matches!(&c.schema, Some(RefOr::Ref(x)) if x.ref_location.ends_with("/Problem")));
                        let key = if is_problem {
                            PROBLEM_JSON
                        } else {
                            "application/json"
                        };
                        r.content.insert(key.to_owned(), c);
                    }
                }
                let params = op.parameters.iter().flatten().filter_map(|p| match p {
                    RefOr::T(p) => Some(p.parameter_in.clone()),
                    RefOr::Ref(_) => None,
                });
                let in_path = params.clone().any(|p| p == ParameterIn::Path);
                let in_query = params.into_iter().any(|p| p == ParameterIn::Query);
                let body = op.request_body.is_some();
                // An operation with `security(())` is public.
                let public = op.security.as_ref().is_some_and(|s| {
                    s.iter()
                        .all(|r| serde_json::to_value(r).is_ok_and(|v| v == serde_json::json!({})))
                });
                let mut add = |status: &str, description: &str, when: bool| {
                    if when {
                        op.responses
                            .responses
                            .entry(status.to_owned())
                            .or_insert_with(|| problem_response(description));
                    }
                };
                add(
                    "400",
                    "Unreadable path parameter or body (`path_invalid`, `json_malformed`)",
                    in_path || body,
                );
                add(
                    "401",
                    "Not logged in, or the token is no longer valid",
                    !public,
                );
                add(
                    "403",
                    "Not allowed for the caller's roles or jurisdiction",
                    !public,
                );
                add("404", "No such record", in_path);
                add(
                    "413",
                    "Body over the operation's size limit (`payload_too_large`)",
                    body,
                );
                add(
                    "415",
                    "Body is not `application/json` (`json_content_type`)",
                    body,
                );
                add("422", "Invalid input; `field` names it", body || in_query);
            }
        }
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
        resets::list, resets::request, resets::approve, resets::reject,
        second_factor::status, second_factor::start, second_factor::confirm,
        second_factor::recovery_codes, second_factor::disable, second_factor::reset,
        second_factor::policy, second_factor::set_policy,
        audit::list, audit::verify,
        demands::list, demands::create, demands::get, demands::submit, demands::admit, demands::overrule_wording, demands::reject, demands::revoke,
        demands::register, demands::return_registration,
        demands::lookup, demands::report, demands::cases, demands::ledger,
        supervision::get, supervision::evidence, supervision::decide, supervision::notice, supervision::notice_pdf,
        supervision::answer, supervision::accept, supervision::send_back, supervision::close,
        supervision::accountability,
        bulletins::list, bulletins::get, bulletins::pdf, bulletins::drafts, bulletins::draft,
        bulletins::create, bulletins::sign_off, bulletins::publish,
        monitoring::list, monitoring::get, monitoring::designate, monitoring::end, monitoring::answer,
        demands::request_temporary_plaque, demands::create_agency_requirement, demands::create_certificate_demand,
        evaluations::create,
        report_forms::assess,
        report_forms::create,
        report_forms::agri_caps,
        report_forms::set_agri_cap,
        dictionary::list, dictionary::get, dictionary::create, dictionary::update,
        import::import_demands,
        certificates::verify, certificates::seal_authority, certificates::catalogue, certificates::create_local_type,
        certificates::apply, certificates::mine, certificates::list, certificates::get, certificates::issue,
        certificates::refuse, certificates::request_material, certificates::supplement, certificates::revoke,
        certificates::seal_uses,
        plaques::list, plaques::create, plaques::get, plaques::update, plaques::confirm, plaques::remove,
        plaques::tasks, plaques::close_task,
        plaques::campaigns, plaques::launch, plaques::campaign, plaques::complete,
        comprehensive::list, comprehensive::create, comprehensive::get, comprehensive::nominate,
        comprehensive::review, comprehensive::respond, comprehensive::score, comprehensive::close,
        comprehensive::appeal, comprehensive::answer_appeal,
        pki::root_pem, pki::root_der, pki::signers, pki::revoke,
        overview::overview,
        pki::certificates,
        public_reports::report, public_reports::follow_up,
        department_rating::ranking, department_rating::rate, department_rating::targets,
        department_rating::mine, department_rating::unit,
        form_returns::due, form_returns::get, form_returns::save, form_returns::correct,
        form_returns::table, form_returns::remind,
        certificates::verify_file,
        supervision::my_reports,
        comprehensive::issue_codes, satisfaction::survey, satisfaction::respond,
        evaluations::visit_check,
        department_rating::communities,
        form_returns::template, form_returns::upload,
        data_sharing::read, data_sharing::list, data_sharing::create, data_sharing::approve,
        data_sharing::refuse,
        annual_report::annual, annual_report::annual_pdf, annual_report::annual_xlsx,
        person_records::list, person_records::create, person_records::export,
        person_records::mine, person_records::log, person_records::set_identity,
        public_reports::units,
    ),
    components(schemas(Problem, FieldProblem)),
    modifiers(&Security, &Contract),
    security(("token" = []), ("session" = [])),
)]
pub struct ApiDoc;

/// The OpenAPI document as JSON text (also used by tests and `jianfu` tooling).
pub fn openapi_json() -> String {
    let mut doc = serde_json::to_value(ApiDoc::openapi()).unwrap_or_default();
    texts::apply(&mut doc);
    serde_json::to_string_pretty(&doc).unwrap_or_default()
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
    /// A role requires a second factor and none is enrolled: only the enrolment endpoints
    /// (`/api/v1/me/second-factor…`) answer until it is.
    pub must_enrol_second_factor: bool,
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
        must_enrol_second_factor: p.must_enrol_second_factor,
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

/// The page a list asks for: one query for every paged list of the API.
#[derive(serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PageParams {
    /// 1-based page number.
    #[param(minimum = 1, maximum = 1000000)]
    pub page: Option<u64>,
    /// Items per page (default 20).
    #[param(minimum = 1, maximum = 200)]
    pub per_page: Option<u64>,
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
