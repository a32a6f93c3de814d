//! The route table: every route of the product with its access policy. The router is built
//! from this table only, so a route cannot exist without a declared policy; the integration
//! suite checks every role against every entry.

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::handler::Handler;
use axum::http::{HeaderValue, Method, header};
use axum::middleware::from_fn_with_state;
use axum::response::{IntoResponse, Response};
use axum::routing::{MethodFilter, MethodRouter, on};
use jianfu_domain::Action;
use tower_http::set_header::SetResponseHeaderLayer;

use crate::access::{Access, gate};
use crate::state::AppState;
use crate::{api, assets, metrics, views};

pub struct RouteSpec {
    pub method: Method,
    pub path: &'static str,
    pub access: Access,
    handler: MethodRouter<AppState>,
}

impl std::fmt::Debug for RouteSpec {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {} {:?}", self.method, self.path, self.access)
    }
}

fn r<H, T>(method: Method, path: &'static str, access: Access, handler: H) -> RouteSpec
where
    H: Handler<T, AppState>,
    T: 'static,
{
    let filter = MethodFilter::try_from(method.clone()).unwrap_or(MethodFilter::GET);
    RouteSpec {
        method,
        path,
        access,
        handler: on(filter, handler),
    }
}

/// Admitting and rejecting: the city's or a district's authority, by the demand's level; the
/// district staffing office for temporary plaques (4.1-5).
const ADMIT: &[Action] = &[
    Action::AdmitCityDemand,
    Action::AdmitDistrictDemand,
    Action::ApproveTemporaryPlaque,
];

/// Reading an application: its applicant (who can apply) or an official who sees certificates.
const CERT_READ: &[Action] = &[Action::ApplyCertificate, Action::ViewCertificates];
/// The documents carry the full ID number: the applicant, or the issuing community's staff.
const CERT_HOLDER: &[Action] = &[Action::ApplyCertificate, Action::ProcessCertificate];

/// Every route, in one list.
pub fn route_table() -> Vec<RouteSpec> {
    use Access::{Act, AnyOf, Login, Public, User};
    use Action as A;
    let (get, post, put, delete) = (Method::GET, Method::POST, Method::PUT, Method::DELETE);
    vec![
        // Public pages and machine endpoints.
        r(get.clone(), "/login", Public, views::login::form),
        r(post.clone(), "/login", Public, views::login::submit),
        r(get.clone(), "/policy", Public, views::policy::page),
        r(get.clone(), "/healthz", Public, views::system::healthz),
        r(get.clone(), "/livez", Public, views::system::livez),
        r(get.clone(), "/metrics", Public, metrics::metrics_page),
        r(get.clone(), "/static/{name}", Public, assets::asset),
        r(get.clone(), "/api/v1/openapi.json", Public, api::openapi),
        // The logged-in user's own things.
        r(post.clone(), "/logout", Login, views::login::logout),
        r(get.clone(), "/password", Login, views::me::password_form),
        r(post.clone(), "/password", Login, views::me::password_submit),
        r(get.clone(), "/", User, views::home::page),
        r(get.clone(), "/tokens", User, views::me::tokens),
        r(post.clone(), "/tokens", User, views::me::token_create),
        r(
            post.clone(),
            "/tokens/{id}/revoke",
            User,
            views::me::token_revoke,
        ),
        r(get.clone(), "/api/v1/me", User, api::me),
        // The administrative tree.
        r(get.clone(), "/tree", Act(A::ViewTree), views::tree::page),
        r(
            get.clone(),
            "/tree/{id}",
            Act(A::ViewTree),
            views::tree::node,
        ),
        r(
            get.clone(),
            "/admin/nodes/new",
            Act(A::ManageTree),
            views::nodes::new_form,
        ),
        r(
            post.clone(),
            "/admin/nodes",
            Act(A::ManageTree),
            views::nodes::create,
        ),
        r(
            get.clone(),
            "/admin/nodes/{id}/edit",
            Act(A::ManageTree),
            views::nodes::edit_form,
        ),
        r(
            post.clone(),
            "/admin/nodes/{id}",
            Act(A::ManageTree),
            views::nodes::update,
        ),
        r(
            post.clone(),
            "/admin/nodes/{id}/delete",
            Act(A::ManageTree),
            views::nodes::delete,
        ),
        r(
            get.clone(),
            "/api/v1/nodes",
            Act(A::ViewTree),
            api::nodes::list,
        ),
        r(
            post.clone(),
            "/api/v1/nodes",
            Act(A::ManageTree),
            api::nodes::create,
        ),
        r(
            get.clone(),
            "/api/v1/nodes/{id}",
            Act(A::ViewTree),
            api::nodes::get,
        ),
        r(
            put.clone(),
            "/api/v1/nodes/{id}",
            Act(A::ManageTree),
            api::nodes::update,
        ),
        r(
            delete.clone(),
            "/api/v1/nodes/{id}",
            Act(A::ManageTree),
            api::nodes::delete,
        ),
        // Accounts and roles.
        r(
            get.clone(),
            "/admin/users",
            Act(A::ViewAccounts),
            views::users::list,
        ),
        r(
            get.clone(),
            "/admin/users/new",
            Act(A::ManageAccounts),
            views::users::new_form,
        ),
        r(
            post.clone(),
            "/admin/users",
            Act(A::ManageAccounts),
            views::users::create,
        ),
        r(
            get.clone(),
            "/admin/users/{id}",
            Act(A::ViewAccounts),
            views::users::detail,
        ),
        r(
            post.clone(),
            "/admin/users/{id}",
            Act(A::ManageAccounts),
            views::users::update,
        ),
        r(
            post.clone(),
            "/admin/users/{id}/password",
            Act(A::ManageAccounts),
            views::users::reset_password,
        ),
        r(
            post.clone(),
            "/admin/users/{id}/lock",
            Act(A::LockAccounts),
            views::users::lock,
        ),
        r(
            post.clone(),
            "/admin/users/{id}/unlock",
            Act(A::LockAccounts),
            views::users::unlock,
        ),
        r(
            post.clone(),
            "/admin/users/{id}/grants",
            Act(A::GrantRoles),
            views::users::grant,
        ),
        r(
            post.clone(),
            "/admin/grants/{id}/delete",
            Act(A::GrantRoles),
            views::users::revoke,
        ),
        r(
            get.clone(),
            "/api/v1/users",
            Act(A::ViewAccounts),
            api::users::list,
        ),
        r(
            post.clone(),
            "/api/v1/users",
            Act(A::ManageAccounts),
            api::users::create,
        ),
        r(
            get.clone(),
            "/api/v1/users/{id}",
            Act(A::ViewAccounts),
            api::users::get,
        ),
        r(
            put.clone(),
            "/api/v1/users/{id}",
            Act(A::ManageAccounts),
            api::users::update,
        ),
        r(
            post.clone(),
            "/api/v1/users/{id}/password",
            Act(A::ManageAccounts),
            api::users::reset_password,
        ),
        r(
            post.clone(),
            "/api/v1/users/{id}/lock",
            Act(A::LockAccounts),
            api::users::lock,
        ),
        r(
            post.clone(),
            "/api/v1/users/{id}/unlock",
            Act(A::LockAccounts),
            api::users::unlock,
        ),
        r(
            post.clone(),
            "/api/v1/users/{id}/grants",
            Act(A::GrantRoles),
            api::users::grant,
        ),
        r(
            delete.clone(),
            "/api/v1/grants/{id}",
            Act(A::GrantRoles),
            api::users::revoke,
        ),
        // Demands and admission (4.2).
        r(
            get.clone(),
            "/demands",
            Act(A::ViewDemands),
            views::demands::list,
        ),
        r(
            get.clone(),
            "/demands/new",
            Act(A::DraftDemand),
            views::demands::new_form,
        ),
        r(
            post.clone(),
            "/demands",
            Act(A::DraftDemand),
            views::demands::create,
        ),
        r(
            get.clone(),
            "/demands/{id}",
            Act(A::ViewDemands),
            views::demands::detail,
        ),
        // The other demand kinds: a street's temporary plaque (4.1-5), a department's agency,
        // venue, staff or plaque requirement (4.4-3).
        r(
            get.clone(),
            "/demands/temporary-plaque",
            Act(A::RequestTemporaryPlaque),
            views::demand_kinds::temporary_plaque_form,
        ),
        r(
            post.clone(),
            "/demands/temporary-plaque",
            Act(A::RequestTemporaryPlaque),
            views::demand_kinds::temporary_plaque_submit,
        ),
        r(
            post.clone(),
            "/api/v1/temporary-plaques",
            Act(A::RequestTemporaryPlaque),
            api::demands::request_temporary_plaque,
        ),
        r(
            get.clone(),
            "/demands/agency",
            Act(A::DraftDemand),
            views::demand_kinds::agency_form,
        ),
        r(
            post.clone(),
            "/demands/agency",
            Act(A::DraftDemand),
            views::demand_kinds::agency_submit,
        ),
        r(
            post.clone(),
            "/api/v1/agency-requirements",
            Act(A::DraftDemand),
            api::demands::create_agency_requirement,
        ),
        // Batch import from Excel (the upload route takes a 5 MiB body).
        r(
            get.clone(),
            "/demands/import",
            Act(A::DraftDemand),
            views::import::form,
        ),
        r(
            post.clone(),
            "/demands/import",
            Act(A::DraftDemand),
            views::import::submit.layer(DefaultBodyLimit::max(views::import::UPLOAD_BODY_LIMIT)),
        ),
        r(
            get.clone(),
            "/demands/import/sample.xlsx",
            Act(A::DraftDemand),
            views::import::sample,
        ),
        r(
            post.clone(),
            "/api/v1/demands/import",
            Act(A::DraftDemand),
            api::import::import_demands
                .layer(DefaultBodyLimit::max(views::import::UPLOAD_BODY_LIMIT)),
        ),
        r(
            get.clone(),
            "/demands/{id}/edit",
            Act(A::DraftDemand),
            views::demands::edit_form,
        ),
        r(
            post.clone(),
            "/demands/{id}",
            Act(A::DraftDemand),
            views::demands::update,
        ),
        r(
            post.clone(),
            "/demands/{id}/submit",
            Act(A::DraftDemand),
            views::demands::submit,
        ),
        r(
            post.clone(),
            "/demands/{id}/admit",
            AnyOf(ADMIT),
            views::demands::admit,
        ),
        r(
            post.clone(),
            "/demands/{id}/reject",
            AnyOf(ADMIT),
            views::demands::reject,
        ),
        r(
            post.clone(),
            "/demands/{id}/overrule-wording",
            AnyOf(ADMIT),
            views::demands::overrule_wording,
        ),
        r(
            post.clone(),
            "/demands/{id}/revoke",
            Act(A::RevokeDemand),
            views::demands::revoke,
        ),
        r(get.clone(), "/lookup", Public, views::demands::lookup),
        r(
            get.clone(),
            "/communities/{id}/work-items",
            Public,
            views::demands::community_list,
        ),
        r(
            get.clone(),
            "/reports/new",
            Act(A::ReportUnadmitted),
            views::demands::report_form,
        ),
        r(
            post.clone(),
            "/reports",
            Act(A::ReportUnadmitted),
            views::demands::report_submit,
        ),
        r(
            get.clone(),
            "/reports/{id}/filed",
            Act(A::ReportUnadmitted),
            views::demands::report_filed,
        ),
        r(
            get.clone(),
            "/cases",
            Act(A::ViewCases),
            views::demands::cases,
        ),
        r(
            get.clone(),
            "/ledger",
            Act(A::ViewLedger),
            views::demands::ledger,
        ),
        r(
            get.clone(),
            "/ledger/export.xlsx",
            Act(A::ViewLedger),
            views::demands::ledger_export,
        ),
        r(
            get.clone(),
            "/api/v1/lookup/{number}",
            Public,
            api::demands::lookup,
        ),
        r(
            get.clone(),
            "/api/v1/demands",
            Act(A::ViewDemands),
            api::demands::list,
        ),
        r(
            post.clone(),
            "/api/v1/demands",
            Act(A::DraftDemand),
            api::demands::create,
        ),
        r(
            get.clone(),
            "/api/v1/demands/{id}",
            Act(A::ViewDemands),
            api::demands::get,
        ),
        r(
            post.clone(),
            "/api/v1/demands/{id}/submit",
            Act(A::DraftDemand),
            api::demands::submit,
        ),
        r(
            post.clone(),
            "/api/v1/demands/{id}/admit",
            AnyOf(ADMIT),
            api::demands::admit,
        ),
        r(
            post.clone(),
            "/api/v1/demands/{id}/reject",
            AnyOf(ADMIT),
            api::demands::reject,
        ),
        r(
            post.clone(),
            "/api/v1/demands/{id}/overrule-wording",
            AnyOf(ADMIT),
            api::demands::overrule_wording,
        ),
        r(
            post.clone(),
            "/api/v1/demands/{id}/revoke",
            Act(A::RevokeDemand),
            api::demands::revoke,
        ),
        r(
            get.clone(),
            "/api/v1/cases",
            Act(A::ViewCases),
            api::demands::cases,
        ),
        r(
            get.clone(),
            "/api/v1/ledger",
            Act(A::ViewLedger),
            api::demands::ledger,
        ),
        // Security policy.
        r(
            get.clone(),
            "/admin/security",
            Act(A::EditSecurityPolicy),
            views::security::form,
        ),
        r(
            post.clone(),
            "/admin/security",
            Act(A::EditSecurityPolicy),
            views::security::submit,
        ),
        // Audit.
        r(get.clone(), "/audit", Act(A::ReadAudit), views::audit::list),
        r(
            get.clone(),
            "/audit/export.xlsx",
            Act(A::ReadAudit),
            views::audit::export,
        ),
        r(
            post.clone(),
            "/audit/verify",
            Act(A::ReadAudit),
            views::audit::verify,
        ),
        // Plaques (4.1, 4.4): registries, removal tasks, campaigns.
        r(
            get.clone(),
            "/plaques",
            Act(A::ViewPlaques),
            views::plaques::units,
        ),
        r(
            get.clone(),
            "/plaques/units/{id}",
            Act(A::ViewPlaques),
            views::plaques::unit,
        ),
        r(
            post.clone(),
            "/plaques/units/{id}",
            Act(A::ManagePlaques),
            views::plaques::add.layer(DefaultBodyLimit::max(views::plaques::PHOTO_BODY_LIMIT)),
        ),
        r(
            post.clone(),
            "/plaques/units/{id}/recheck",
            Act(A::ManagePlaques),
            views::plaques::recheck,
        ),
        r(
            get.clone(),
            "/plaques/{id}",
            Act(A::ViewPlaques),
            views::plaques::detail,
        ),
        r(
            post.clone(),
            "/plaques/{id}",
            Act(A::ManagePlaques),
            views::plaques::edit.layer(DefaultBodyLimit::max(views::plaques::PHOTO_BODY_LIMIT)),
        ),
        r(
            post.clone(),
            "/plaques/{id}/confirm",
            Act(A::ManagePlaques),
            views::plaques::confirm,
        ),
        r(
            post.clone(),
            "/plaques/{id}/remove",
            Act(A::ManagePlaques),
            views::plaques::remove.layer(DefaultBodyLimit::max(views::plaques::PHOTO_BODY_LIMIT)),
        ),
        r(
            get.clone(),
            "/plaques/{id}/photo",
            Act(A::ViewPlaques),
            views::plaques::photo,
        ),
        r(
            get.clone(),
            "/removal-tasks",
            Act(A::ViewPlaques),
            views::plaques::tasks,
        ),
        r(
            post.clone(),
            "/removal-tasks/{id}/close",
            Act(A::ManagePlaques),
            views::plaques::close_task
                .layer(DefaultBodyLimit::max(views::plaques::PHOTO_BODY_LIMIT)),
        ),
        r(
            get.clone(),
            "/removal-tasks/{id}/evidence",
            Act(A::ViewPlaques),
            views::plaques::evidence,
        ),
        r(
            get.clone(),
            "/campaigns",
            Act(A::ViewPlaques),
            views::plaques::campaigns,
        ),
        r(
            post.clone(),
            "/campaigns",
            Act(A::LaunchCampaign),
            views::plaques::launch,
        ),
        r(
            get.clone(),
            "/campaigns/{id}",
            Act(A::ViewPlaques),
            views::plaques::campaign,
        ),
        r(
            post.clone(),
            "/campaigns/{id}/units/{unit_id}/complete",
            Act(A::CompleteSelfInspection),
            views::plaques::complete,
        ),
        r(
            get.clone(),
            "/campaigns/{id}/export.xlsx",
            Act(A::ViewPlaques),
            views::plaques::export,
        ),
        r(
            get.clone(),
            "/api/v1/plaques",
            Act(A::ViewPlaques),
            api::plaques::list,
        ),
        r(
            post.clone(),
            "/api/v1/plaques",
            Act(A::ManagePlaques),
            api::plaques::create.layer(DefaultBodyLimit::max(api::plaques::PHOTO_JSON_LIMIT)),
        ),
        r(
            get.clone(),
            "/api/v1/plaques/{id}",
            Act(A::ViewPlaques),
            api::plaques::get,
        ),
        r(
            put.clone(),
            "/api/v1/plaques/{id}",
            Act(A::ManagePlaques),
            api::plaques::update.layer(DefaultBodyLimit::max(api::plaques::PHOTO_JSON_LIMIT)),
        ),
        r(
            post.clone(),
            "/api/v1/plaques/{id}/confirm",
            Act(A::ManagePlaques),
            api::plaques::confirm,
        ),
        r(
            post.clone(),
            "/api/v1/plaques/{id}/remove",
            Act(A::ManagePlaques),
            api::plaques::remove.layer(DefaultBodyLimit::max(api::plaques::PHOTO_JSON_LIMIT)),
        ),
        r(
            get.clone(),
            "/api/v1/removal-tasks",
            Act(A::ViewPlaques),
            api::plaques::tasks,
        ),
        r(
            post.clone(),
            "/api/v1/removal-tasks/{id}/close",
            Act(A::ManagePlaques),
            api::plaques::close_task.layer(DefaultBodyLimit::max(api::plaques::PHOTO_JSON_LIMIT)),
        ),
        r(
            get.clone(),
            "/api/v1/campaigns",
            Act(A::ViewPlaques),
            api::plaques::campaigns,
        ),
        r(
            post.clone(),
            "/api/v1/campaigns",
            Act(A::LaunchCampaign),
            api::plaques::launch,
        ),
        r(
            get.clone(),
            "/api/v1/campaigns/{id}",
            Act(A::ViewPlaques),
            api::plaques::campaign,
        ),
        r(
            post.clone(),
            "/api/v1/campaigns/{id}/units/{unit_id}/complete",
            Act(A::CompleteSelfInspection),
            api::plaques::complete,
        ),
        // (end of plaque routes)
        // Certificates (4.5): public guides and verification.
        r(get.clone(), "/guides", Public, views::certificates::guides),
        r(
            get.clone(),
            "/guides/{code}",
            Public,
            views::certificates::guide,
        ),
        r(
            get.clone(),
            "/guides/{code}/sample.pdf",
            Public,
            views::certificates::guide_sample,
        ),
        r(get.clone(), "/verify", Public, views::certificates::verify),
        r(
            get.clone(),
            "/api/v1/verify",
            Public,
            api::certificates::verify,
        ),
        r(
            get.clone(),
            "/api/v1/seal-authority",
            Public,
            api::certificates::seal_authority,
        ),
        r(
            get.clone(),
            "/api/v1/catalogue/{district_id}",
            Public,
            api::certificates::catalogue,
        ),
        // Applying (a resident, or community staff on a resident's behalf).
        r(
            get.clone(),
            "/certificates/apply",
            Act(A::ApplyCertificate),
            views::certificates::apply_form,
        ),
        r(
            post.clone(),
            "/certificates/apply",
            Act(A::ApplyCertificate),
            views::certificates::apply_submit
                .layer(DefaultBodyLimit::max(views::certificates::APPLY_BODY_LIMIT)),
        ),
        r(
            get.clone(),
            "/certificates/mine",
            Act(A::ApplyCertificate),
            views::certificates::mine,
        ),
        r(
            post.clone(),
            "/api/v1/certificates",
            Act(A::ApplyCertificate),
            api::certificates::apply.layer(DefaultBodyLimit::max(
                views::certificates::APPLY_BODY_LIMIT * 4 / 3 + 4096,
            )),
        ),
        // Processing in the community; reading for the applicant and officials above.
        r(
            get.clone(),
            "/certificates",
            Act(A::ViewCertificates),
            views::certificates::list,
        ),
        r(
            get.clone(),
            "/api/v1/certificates",
            Act(A::ViewCertificates),
            api::certificates::list,
        ),
        r(
            get.clone(),
            "/certificates/{id}",
            AnyOf(CERT_READ),
            views::certificates::detail,
        ),
        r(
            get.clone(),
            "/api/v1/certificates/{id}",
            AnyOf(CERT_READ),
            api::certificates::get,
        ),
        r(
            get.clone(),
            "/certificates/{id}/attachments/{aid}",
            AnyOf(CERT_READ),
            views::certificates::attachment,
        ),
        r(
            post.clone(),
            "/certificates/{id}/reveal-id",
            AnyOf(CERT_HOLDER),
            views::certificates::reveal_id,
        ),
        r(
            post.clone(),
            "/certificates/{id}/record/{step}",
            Act(A::ProcessCertificate),
            views::certificates::record,
        ),
        r(
            post.clone(),
            "/certificates/{id}/sign",
            Act(A::SignCertificate),
            views::certificates::sign,
        ),
        r(
            post.clone(),
            "/certificates/{id}/issue",
            Act(A::ProcessCertificate),
            views::certificates::issue,
        ),
        r(
            post.clone(),
            "/api/v1/certificates/{id}/issue",
            Act(A::ProcessCertificate),
            api::certificates::issue,
        ),
        r(
            post.clone(),
            "/certificates/{id}/refuse",
            Act(A::ProcessCertificate),
            views::certificates::refuse,
        ),
        r(
            get.clone(),
            "/issued/{id}/pdf",
            AnyOf(CERT_HOLDER),
            views::certificates::issued_pdf,
        ),
        r(
            get.clone(),
            "/issued/{id}/json",
            AnyOf(CERT_HOLDER),
            views::certificates::issued_json,
        ),
        r(
            post.clone(),
            "/issued/{id}/revoke",
            Act(A::RevokeCertificate),
            views::certificates::revoke,
        ),
        r(
            post.clone(),
            "/api/v1/issued/{id}/revoke",
            Act(A::RevokeCertificate),
            api::certificates::revoke,
        ),
        // Seals, the seal-use ledger, the catalogue and the holiday calendar.
        r(
            get.clone(),
            "/seal-uses",
            Act(A::ViewSealLedger),
            views::certificates::seal_uses,
        ),
        r(
            get.clone(),
            "/seal-uses/export.xlsx",
            Act(A::ViewSealLedger),
            views::certificates::seal_uses_export,
        ),
        r(
            get.clone(),
            "/api/v1/seal-uses",
            Act(A::ViewSealLedger),
            api::certificates::seal_uses,
        ),
        r(
            get.clone(),
            "/seals",
            AnyOf(&[A::ManageSeals, A::ViewSealLedger]),
            views::certificates::seals,
        ),
        r(
            post.clone(),
            "/seals/{id}/make",
            Act(A::ManageSeals),
            views::certificates::make_seal,
        ),
        r(
            get.clone(),
            "/catalogue",
            Act(A::ManageCatalogue),
            views::certificates::catalogue,
        ),
        r(
            post.clone(),
            "/catalogue/{district}/entries/{type_id}",
            Act(A::ManageCatalogue),
            views::certificates::catalogue_entry,
        ),
        r(
            post.clone(),
            "/catalogue/{district}/local",
            Act(A::ManageCatalogue),
            views::certificates::catalogue_local,
        ),
        r(
            get.clone(),
            "/admin/holidays",
            Act(A::ManageHolidays),
            views::certificates::holidays,
        ),
        r(
            post.clone(),
            "/admin/holidays",
            Act(A::ManageHolidays),
            views::certificates::holidays_import,
        ),
        r(
            get.clone(),
            "/api/v1/audit",
            Act(A::ReadAudit),
            api::audit::list,
        ),
        r(
            post,
            "/api/v1/audit/verify",
            Act(A::ReadAudit),
            api::audit::verify,
        ),
    ]
}

const CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
                   font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; \
                   form-action 'self'; frame-ancestors 'none'";

async fn fallback(uri: axum::http::Uri) -> Response {
    if uri.path().starts_with("/api/") {
        crate::error::problem(
            axum::http::StatusCode::NOT_FOUND,
            "route_not_found",
            "没有这个接口，请查阅 /api/v1/openapi.json",
            None,
        )
    } else {
        crate::error::not_found_page()
    }
    .into_response()
}

pub fn build(state: AppState) -> Router {
    let mut router: Router<AppState> = Router::new();
    for spec in route_table() {
        let gated = spec
            .handler
            .route_layer(from_fn_with_state((state.clone(), spec.access), gate));
        router = router.route(spec.path, gated);
    }
    let h = |v: &'static str| HeaderValue::from_static(v);
    router
        .fallback(fallback)
        .layer(from_fn_with_state(state.clone(), metrics::track))
        .layer(axum::extract::DefaultBodyLimit::max(crate::BODY_LIMIT))
        .layer(SetResponseHeaderLayer::overriding(
            header::CONTENT_SECURITY_POLICY,
            h(CSP),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::X_CONTENT_TYPE_OPTIONS,
            h("nosniff"),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::X_FRAME_OPTIONS,
            h("DENY"),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::REFERRER_POLICY,
            h("same-origin"),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::HeaderName::from_static("permissions-policy"),
            h("camera=(), microphone=(), geolocation=()"),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::CACHE_CONTROL,
            h("no-store"),
        ))
        .with_state(state)
}
