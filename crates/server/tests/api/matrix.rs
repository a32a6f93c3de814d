//! Every role against every route. The expectations are written out by hand per route, so that
//! a change to a route's policy must change this table too, and a route missing from the table
//! fails the test.

use jianfu_domain::bootstrap::DEMO_ACCOUNTS;
use jianfu_server::route_table;
use reqwest::{Method, StatusCode};

use crate::auth::scalar;
use crate::helpers::{TestApp, spawn_app};

const ALL: &[&str] = &[
    "sysadmin",
    "secadmin",
    "auditor",
    "city_approver",
    "city_dept",
    "supervisor",
    "district_approver",
    "district_dept",
    "district_supervisor",
    "staffing",
    "street",
    "head",
    "worker",
    "resident",
];
/// Staff: every role but the resident (the tree, API tokens).
const STAFF: &[&str] = &[
    "sysadmin",
    "secadmin",
    "auditor",
    "city_approver",
    "city_dept",
    "supervisor",
    "district_approver",
    "district_dept",
    "district_supervisor",
    "staffing",
    "street",
    "head",
    "worker",
];
const SYS: &[&str] = &["sysadmin"];
const SEC: &[&str] = &["secadmin"];
const AUD: &[&str] = &["auditor"];
const ACCOUNTS: &[&str] = &["sysadmin", "secadmin"];
/// The three administrators: credential resets under dual control.
const ADMINS: &[&str] = &["sysadmin", "secadmin", "auditor"];
/// Anyone, logged in or not.
const PUBLIC: &[&str] = &[];
/// Roles that see demands (not residents, not the three administrators).
const VIEW_DEMANDS: &[&str] = &[
    "city_approver",
    "city_dept",
    "supervisor",
    "district_approver",
    "district_dept",
    "district_supervisor",
    "staffing",
    "street",
    "head",
    "worker",
];
const DRAFT: &[&str] = &["city_dept", "district_dept"];
/// Streets and towns request temporary plaques (4.1-5).
const STREET_OFFICIAL: &[&str] = &["street"];
/// The demo demand's own department (铁东区卫生健康局) and its authority (铁东区).
const OWN_DEPT: &[&str] = &["district_dept"];
const DISTRICT_AUTHORITY: &[&str] = &["district_approver"];
/// The keeper of 铁东区's work-item list (its 民政局): registers the demo demand, which cites a
/// law (4.2-4), and reviews its wording; the city's keeper does not keep a district's list.
const DISTRICT_KEEPER: &[&str] = &["district_supervisor"];
const REVOKERS: &[&str] = &[
    "city_approver",
    "supervisor",
    "district_approver",
    "district_supervisor",
];
const COMMUNITY: &[&str] = &["head", "worker"];
/// The city's data administrator keeps the data dictionary (the city government).
const DATA_ADMIN: &[&str] = &["city_approver"];
const SUPERVISORS: &[&str] = &["supervisor", "district_supervisor"];
/// Who answers rectification notices for their own unit (5.3-3): departments, streets and
/// community staff.
const ANSWERERS: &[&str] = &[
    "city_dept",
    "district_dept",
    "staffing",
    "street",
    "head",
    "worker",
];
/// Who may open a case: its supervisors and the unit its notice names (the gate lets every
/// answerer through; the use case narrows it to the notified unit).
const CASE_READERS: &[&str] = &[
    "city_dept",
    "supervisor",
    "district_dept",
    "district_supervisor",
    "staffing",
    "street",
    "head",
    "worker",
];
/// Bulletins (5.3-3): the level's staff — its supervisors (draft, publish) and approvers
/// (sign off).
const BULLETIN_STAFF: &[&str] = &[
    "city_approver",
    "supervisor",
    "district_approver",
    "district_supervisor",
];
const APPROVERS: &[&str] = &["city_approver", "district_approver"];
/// Certificates (4.5): who sees applications and the seal ledger (every official over 示例和平社区).
const CERT_VIEW: &[&str] = &[
    "city_approver",
    "supervisor",
    "district_approver",
    "district_supervisor",
    "street",
    "head",
    "worker",
];
/// Reading the demo application: its applicant (the resident) and every official over it.
const CERT_READ: &[&str] = &[
    "city_approver",
    "supervisor",
    "district_approver",
    "district_supervisor",
    "street",
    "head",
    "worker",
    "resident",
];
/// The documents and the full ID number: the applicant and the issuing community's staff.
const CERT_HOLDER: &[&str] = &["head", "worker", "resident"];
const HEAD: &[&str] = &["head"];
/// Revoking: the issuing community's staff and the supervisors over it.
const CERT_REVOKE: &[&str] = &["supervisor", "district_supervisor", "head", "worker"];
/// The seals page: the system administrator (makes seals) and who sees the ledger.
const SEALS: &[&str] = &[
    "sysadmin",
    "city_approver",
    "supervisor",
    "district_approver",
    "district_supervisor",
    "street",
    "head",
    "worker",
];
/// 铁东区's catalogue: its approver and the city's.
const CATALOGUE: &[&str] = &["city_approver", "district_approver"];
/// Plaques (4.1, 4.4): who sees the registries of 示例和平社区 (and the campaign of 铁东区).
const PLAQUE_VIEW: &[&str] = &[
    "city_approver",
    "supervisor",
    "district_approver",
    "district_supervisor",
    "staffing",
    "street",
    "head",
    "worker",
];
/// Who keeps 示例和平社区's registry: its staff and its street's official.
const PLAQUE_MANAGE: &[&str] = &["street", "head", "worker"];
/// Who launches campaigns over 铁东区 (4.1-3, 4.1-8).
const CAMPAIGN_LAUNCH: &[&str] = &["supervisor", "district_approver", "district_supervisor"];
/// Who completes 示例一街道's self-inspection (4.1-7).
const SELF_INSPECTION: &[&str] = &["street"];
/// The comprehensive evaluation (4.3-4): who reads 铁东区's demo campaign (officials over or
/// under the district, and its residents), who only officials.
const COMPREHENSIVE_READ: &[&str] = &[
    "city_approver",
    "supervisor",
    "district_approver",
    "district_supervisor",
    "street",
    "head",
    "worker",
    "resident",
];
const COMPREHENSIVE_VIEW: &[&str] = &[
    "city_approver",
    "supervisor",
    "district_approver",
    "district_supervisor",
    "street",
    "head",
    "worker",
];
/// 铁东区's 民政局 runs it; the city's supervisor passes the gate but not its own level.
const COMPREHENSIVE_RUN: &[&str] = &["district_supervisor"];
/// An appeal that does not exist: the city's supervisor passes the gate and learns that (404,
/// or 422 for the API's empty body), which it may read anyway; the rest are refused by it.
const COMPREHENSIVE_RUN_GATE: &[&str] = &["supervisor", "district_supervisor"];
const RESIDENT: &[&str] = &["resident"];
/// The departments that file report forms and read their returns (issue 13 §3).
const FORM_DEPARTMENTS: &[&str] = &["city_dept", "district_dept"];
/// Shared data requests (4.8-3): the departments that file them, the owners that decide.
const DATA_REQUESTS: &[&str] = &["city_dept", "district_dept", "head", "worker"];
/// Who sees monitoring points (4.1-8): the supervisors and the community's staff.
const MONITORING_VIEW: &[&str] = &["supervisor", "district_supervisor", "head", "worker"];
/// Who sees the overview of a level (issue 14 §4): its supervisors and approvers.
const OVERVIEW: &[&str] = &[
    "city_approver",
    "supervisor",
    "district_approver",
    "district_supervisor",
];
/// Who sees the department ranking (5.3-2): the district's and city's supervisors and approvers.
const RANKING: &[&str] = &[
    "city_approver",
    "supervisor",
    "district_approver",
    "district_supervisor",
];
/// The rated units' own staff: departments (the staffing office is one) and streets.
const RATED: &[&str] = &["city_dept", "district_dept", "staffing", "street"];
/// A unit's result: the ranking's readers and the units themselves.
const RATING_READ: &[&str] = &[
    "city_approver",
    "city_dept",
    "supervisor",
    "district_approver",
    "district_dept",
    "district_supervisor",
    "staffing",
    "street",
];
const LEDGER: &[&str] = &[
    "city_approver",
    "supervisor",
    "district_approver",
    "district_supervisor",
    "street",
    "head",
    "worker",
];

/// (method, path, who passes the gate). `PUBLIC` means no login needed at all.
fn expected() -> Vec<(&'static str, &'static str, &'static [&'static str], bool)> {
    // The last field: public route.
    vec![
        ("GET", "/login", PUBLIC, true),
        ("POST", "/login", PUBLIC, true),
        ("GET", "/login/second-factor", PUBLIC, true),
        ("POST", "/login/second-factor", PUBLIC, true),
        ("GET", "/policy", PUBLIC, true),
        ("GET", "/healthz", PUBLIC, true),
        ("GET", "/livez", PUBLIC, true),
        ("GET", "/metrics", PUBLIC, true),
        ("GET", "/static/{name}", PUBLIC, true),
        ("GET", "/api/v1/openapi.json", PUBLIC, true),
        ("POST", "/logout", ALL, false),
        ("GET", "/password", ALL, false),
        ("POST", "/password", ALL, false),
        ("GET", "/", PUBLIC, true),
        ("GET", "/communities", PUBLIC, true),
        ("GET", "/inbox", ALL, false),
        ("GET", "/inbox/badge", ALL, false),
        ("GET", "/tokens", STAFF, false),
        ("POST", "/tokens", STAFF, false),
        ("POST", "/tokens/{id}/revoke", STAFF, false),
        ("GET", "/api/v1/me", ALL, false),
        ("GET", "/me/second-factor", ALL, false),
        ("POST", "/me/second-factor/start", ALL, false),
        ("POST", "/me/second-factor/confirm", ALL, false),
        ("POST", "/me/second-factor/recovery-codes", ALL, false),
        ("POST", "/me/second-factor/disable", ALL, false),
        ("GET", "/api/v1/me/second-factor", ALL, false),
        ("POST", "/api/v1/me/second-factor/enrolment", ALL, false),
        (
            "POST",
            "/api/v1/me/second-factor/enrolment/confirm",
            ALL,
            false,
        ),
        (
            "POST",
            "/api/v1/me/second-factor/recovery-codes",
            ALL,
            false,
        ),
        ("POST", "/api/v1/me/second-factor/disable", ALL, false),
        ("POST", "/admin/users/{id}/second-factor/reset", SEC, false),
        ("POST", "/api/v1/users/{id}/second-factor/reset", SEC, false),
        ("POST", "/admin/security/second-factor", SEC, false),
        ("GET", "/api/v1/second-factor-policy", SEC, false),
        ("PUT", "/api/v1/second-factor-policy", SEC, false),
        ("GET", "/tree", STAFF, false),
        ("GET", "/tree/{id}", STAFF, false),
        ("GET", "/admin/nodes/new", SYS, false),
        ("POST", "/admin/nodes", SYS, false),
        ("GET", "/admin/nodes/{id}/edit", SYS, false),
        ("POST", "/admin/nodes/{id}", SYS, false),
        ("POST", "/admin/nodes/{id}/delete", SYS, false),
        ("GET", "/api/v1/nodes", STAFF, false),
        ("POST", "/api/v1/nodes", SYS, false),
        ("GET", "/api/v1/nodes/{id}", STAFF, false),
        ("PUT", "/api/v1/nodes/{id}", SYS, false),
        ("DELETE", "/api/v1/nodes/{id}", SYS, false),
        ("GET", "/admin/users", ACCOUNTS, false),
        ("GET", "/admin/users/export.xlsx", ACCOUNTS, false),
        ("GET", "/admin/users/new", SYS, false),
        ("POST", "/admin/users", SYS, false),
        ("GET", "/admin/users/{id}", ACCOUNTS, false),
        ("POST", "/admin/users/{id}", SYS, false),
        ("POST", "/admin/users/{id}/password", SYS, false),
        ("POST", "/admin/users/{id}/lock", SEC, false),
        ("POST", "/admin/users/{id}/unlock", SEC, false),
        ("POST", "/admin/users/{id}/grants", SEC, false),
        ("POST", "/admin/grants/{id}/delete", SEC, false),
        ("GET", "/admin/resets", ADMINS, false),
        ("POST", "/admin/resets", ADMINS, false),
        ("POST", "/admin/resets/{id}/approve", ADMINS, false),
        ("POST", "/admin/resets/{id}/reject", ADMINS, false),
        ("GET", "/api/v1/credential-resets", ADMINS, false),
        ("POST", "/api/v1/credential-resets", ADMINS, false),
        (
            "POST",
            "/api/v1/credential-resets/{id}/approve",
            ADMINS,
            false,
        ),
        (
            "POST",
            "/api/v1/credential-resets/{id}/reject",
            ADMINS,
            false,
        ),
        ("GET", "/api/v1/users", ACCOUNTS, false),
        ("POST", "/api/v1/users", SYS, false),
        ("GET", "/api/v1/users/{id}", ACCOUNTS, false),
        ("PUT", "/api/v1/users/{id}", SYS, false),
        ("POST", "/api/v1/users/{id}/password", SYS, false),
        ("POST", "/api/v1/users/{id}/lock", SEC, false),
        ("POST", "/api/v1/users/{id}/unlock", SEC, false),
        ("POST", "/api/v1/users/{id}/grants", SEC, false),
        ("DELETE", "/api/v1/grants/{id}", SEC, false),
        ("GET", "/demands", VIEW_DEMANDS, false),
        ("GET", "/demands/export.xlsx", VIEW_DEMANDS, false),
        ("GET", "/demands/new", DRAFT, false),
        ("POST", "/demands", DRAFT, false),
        // An unknown stash (the node id): 404 for those who may draft, 403 for the rest.
        ("GET", "/demands/drafts/{id}", DRAFT, false),
        ("POST", "/demands/drafts/{id}/discard", DRAFT, false),
        ("GET", "/demands/{id}", VIEW_DEMANDS, false),
        // The other demand kinds (demand_kinds.rs).
        ("GET", "/demands/temporary-plaque", STREET_OFFICIAL, false),
        ("POST", "/demands/temporary-plaque", STREET_OFFICIAL, false),
        ("POST", "/api/v1/temporary-plaques", STREET_OFFICIAL, false),
        ("GET", "/demands/agency", DRAFT, false),
        ("POST", "/demands/agency", DRAFT, false),
        ("POST", "/api/v1/agency-requirements", DRAFT, false),
        ("GET", "/demands/certificate", DRAFT, false),
        ("POST", "/demands/certificate", DRAFT, false),
        ("POST", "/api/v1/certificate-demands", DRAFT, false),
        ("GET", "/demands/evaluation", DRAFT, false),
        ("POST", "/demands/evaluation", DRAFT, false),
        ("POST", "/api/v1/evaluations", DRAFT, false),
        ("GET", "/demands/report-form", DRAFT, false),
        ("POST", "/demands/report-form", DRAFT, false),
        ("POST", "/demands/report-form/assess", DRAFT, false),
        ("POST", "/api/v1/report-forms", DRAFT, false),
        ("POST", "/api/v1/report-forms/assess", DRAFT, false),
        ("GET", "/agri-form-caps/{district_id}", VIEW_DEMANDS, false),
        (
            "POST",
            "/agri-form-caps/{district_id}",
            DISTRICT_AUTHORITY,
            false,
        ),
        (
            "GET",
            "/api/v1/agri-form-caps/{district_id}",
            VIEW_DEMANDS,
            false,
        ),
        (
            "POST",
            "/api/v1/agri-form-caps/{district_id}",
            DISTRICT_AUTHORITY,
            false,
        ),
        // Excel import (import.rs).
        ("GET", "/demands/import", DRAFT, false),
        ("POST", "/demands/import", DRAFT, false),
        ("GET", "/demands/import/sample.xlsx", DRAFT, false),
        ("POST", "/api/v1/demands/import", DRAFT, false),
        ("GET", "/demands/{id}/edit", DRAFT, false),
        ("POST", "/demands/{id}", OWN_DEPT, false),
        ("POST", "/demands/{id}/submit", OWN_DEPT, false),
        ("POST", "/demands/{id}/admit", DISTRICT_AUTHORITY, false),
        ("POST", "/demands/{id}/reject", DISTRICT_AUTHORITY, false),
        (
            "POST",
            "/demands/{id}/overrule-wording",
            DISTRICT_KEEPER,
            false,
        ),
        ("POST", "/demands/{id}/register", DISTRICT_KEEPER, false),
        (
            "POST",
            "/demands/{id}/return-registration",
            DISTRICT_KEEPER,
            false,
        ),
        ("POST", "/demands/{id}/revoke", REVOKERS, false),
        ("GET", "/lookup", PUBLIC, true),
        ("GET", "/communities/{id}/work-items", PUBLIC, true),
        ("GET", "/reports/new", COMMUNITY, false),
        ("POST", "/reports", COMMUNITY, false),
        ("GET", "/reports/{id}/filed", COMMUNITY, false),
        ("POST", "/api/v1/reports", COMMUNITY, false),
        ("GET", "/cases", CASE_READERS, false),
        ("GET", "/cases/export.xlsx", CASE_READERS, false),
        // An unknown case (the node id): 404 for its readers, 403 for the rest.
        ("GET", "/cases/{id}", CASE_READERS, false),
        ("POST", "/cases/{id}/decide", SUPERVISORS, false),
        ("POST", "/cases/{id}/notice", SUPERVISORS, false),
        ("GET", "/cases/{id}/notice.pdf", CASE_READERS, false),
        ("GET", "/cases/{id}/evidence/{eid}", CASE_READERS, false),
        ("POST", "/cases/{id}/answer", ANSWERERS, false),
        ("POST", "/cases/{id}/accept", SUPERVISORS, false),
        ("POST", "/cases/{id}/send-back", SUPERVISORS, false),
        ("POST", "/cases/{id}/close", SUPERVISORS, false),
        ("POST", "/cases/{id}/accountability", SUPERVISORS, false),
        ("GET", "/ledger", LEDGER, false),
        ("GET", "/ledger/export.xlsx", LEDGER, false),
        ("GET", "/api/v1/lookup/{number}", PUBLIC, true),
        ("GET", "/api/v1/demands", VIEW_DEMANDS, false),
        ("POST", "/api/v1/demands", DRAFT, false),
        ("GET", "/api/v1/demands/{id}", VIEW_DEMANDS, false),
        ("POST", "/api/v1/demands/{id}/submit", OWN_DEPT, false),
        (
            "POST",
            "/api/v1/demands/{id}/admit",
            DISTRICT_AUTHORITY,
            false,
        ),
        (
            "POST",
            "/api/v1/demands/{id}/reject",
            DISTRICT_AUTHORITY,
            false,
        ),
        (
            "POST",
            "/api/v1/demands/{id}/overrule-wording",
            DISTRICT_KEEPER,
            false,
        ),
        (
            "POST",
            "/api/v1/demands/{id}/register",
            DISTRICT_KEEPER,
            false,
        ),
        (
            "POST",
            "/api/v1/demands/{id}/return-registration",
            DISTRICT_KEEPER,
            false,
        ),
        ("POST", "/api/v1/demands/{id}/revoke", REVOKERS, false),
        // Bulletins (5.3-3): published ones are public; {id} is the role's node, no bulletin (404).
        ("GET", "/bulletins", PUBLIC, true),
        ("GET", "/bulletins/{id}", PUBLIC, true),
        ("GET", "/bulletins/{id}/pdf", PUBLIC, true),
        ("GET", "/bulletin-drafts", BULLETIN_STAFF, false),
        ("POST", "/bulletin-drafts", SUPERVISORS, false),
        ("GET", "/bulletin-drafts/{id}", BULLETIN_STAFF, false),
        ("POST", "/bulletin-drafts/{id}/sign-off", APPROVERS, false),
        ("POST", "/bulletin-drafts/{id}/publish", SUPERVISORS, false),
        ("GET", "/bulletin-drafts/export.xlsx", BULLETIN_STAFF, false),
        ("GET", "/api/v1/bulletins", PUBLIC, true),
        ("GET", "/api/v1/bulletins/{id}", PUBLIC, true),
        ("GET", "/api/v1/bulletins/{id}/pdf", PUBLIC, true),
        ("GET", "/api/v1/bulletin-drafts", BULLETIN_STAFF, false),
        ("POST", "/api/v1/bulletin-drafts", SUPERVISORS, false),
        ("GET", "/api/v1/bulletin-drafts/{id}", BULLETIN_STAFF, false),
        (
            "POST",
            "/api/v1/bulletin-drafts/{id}/sign-off",
            APPROVERS,
            false,
        ),
        (
            "POST",
            "/api/v1/bulletin-drafts/{id}/publish",
            SUPERVISORS,
            false,
        ),
        ("GET", "/api/v1/cases", CASE_READERS, false),
        ("GET", "/api/v1/cases/{id}", CASE_READERS, false),
        ("POST", "/api/v1/cases/{id}/decide", SUPERVISORS, false),
        ("POST", "/api/v1/cases/{id}/notice", SUPERVISORS, false),
        ("GET", "/api/v1/cases/{id}/notice.pdf", CASE_READERS, false),
        (
            "GET",
            "/api/v1/cases/{id}/evidence/{eid}",
            CASE_READERS,
            false,
        ),
        ("POST", "/api/v1/cases/{id}/answer", ANSWERERS, false),
        ("POST", "/api/v1/cases/{id}/accept", SUPERVISORS, false),
        ("POST", "/api/v1/cases/{id}/send-back", SUPERVISORS, false),
        ("POST", "/api/v1/cases/{id}/close", SUPERVISORS, false),
        (
            "POST",
            "/api/v1/cases/{id}/accountability",
            SUPERVISORS,
            false,
        ),
        ("GET", "/api/v1/ledger", LEDGER, false),
        ("GET", "/admin/security", SEC, false),
        ("POST", "/admin/security", SEC, false),
        ("GET", "/audit", AUD, false),
        ("GET", "/audit/export.xlsx", AUD, false),
        ("POST", "/audit/verify", AUD, false),
        ("GET", "/api/v1/audit", AUD, false),
        ("POST", "/api/v1/audit/verify", AUD, false),
        // Certificates (4.5, certificates.rs): public guides and verification.
        ("GET", "/guides", PUBLIC, true),
        ("GET", "/guides/{code}", PUBLIC, true),
        ("GET", "/guides/{code}/sample.pdf", PUBLIC, true),
        ("GET", "/verify", PUBLIC, true),
        ("GET", "/api/v1/verify", PUBLIC, true),
        ("POST", "/verify/file", PUBLIC, true),
        ("POST", "/api/v1/verify/file", PUBLIC, true),
        ("GET", "/api/v1/seal-authority", PUBLIC, true),
        ("GET", "/api/v1/seal-authority/root.pem", PUBLIC, true),
        ("GET", "/api/v1/seal-authority/root.der", PUBLIC, true),
        ("GET", "/api/v1/pki/signers", SYS, false),
        ("POST", "/api/v1/pki/signers/{id}/revoke", SYS, false),
        ("GET", "/api/v1/catalogue/{district_id}", PUBLIC, true),
        // Applying: residents, and community staff on a resident's behalf.
        ("GET", "/certificates/apply", CERT_HOLDER, false),
        ("POST", "/certificates/apply", CERT_HOLDER, false),
        ("GET", "/certificates/mine", CERT_HOLDER, false),
        ("GET", "/api/v1/certificates/mine", CERT_HOLDER, false),
        ("POST", "/api/v1/certificates", CERT_HOLDER, false),
        // The demo public-interest application of 示例和平社区 (by the resident).
        ("GET", "/certificates", CERT_VIEW, false),
        ("GET", "/certificates/export.xlsx", CERT_VIEW, false),
        ("GET", "/api/v1/certificates", CERT_VIEW, false),
        ("GET", "/certificates/{id}", CERT_READ, false),
        ("GET", "/api/v1/certificates/{id}", CERT_READ, false),
        (
            "GET",
            "/certificates/{id}/attachments/{aid}",
            CERT_READ,
            false,
        ),
        ("POST", "/certificates/{id}/reveal-id", CERT_HOLDER, false),
        ("POST", "/certificates/{id}/record/{step}", COMMUNITY, false),
        ("POST", "/certificates/{id}/sign", HEAD, false),
        ("POST", "/certificates/{id}/issue", COMMUNITY, false),
        ("POST", "/api/v1/certificates/{id}/issue", COMMUNITY, false),
        ("POST", "/certificates/{id}/refuse", COMMUNITY, false),
        ("POST", "/api/v1/certificates/{id}/refuse", COMMUNITY, false),
        (
            "POST",
            "/certificates/{id}/request-material",
            COMMUNITY,
            false,
        ),
        (
            "POST",
            "/api/v1/certificates/{id}/request-material",
            COMMUNITY,
            false,
        ),
        ("POST", "/certificates/{id}/supplement", CERT_HOLDER, false),
        (
            "POST",
            "/api/v1/certificates/{id}/supplement",
            CERT_HOLDER,
            false,
        ),
        // The demo certificate issued by 示例和平社区 to the resident.
        ("GET", "/issued/{id}/pdf", CERT_HOLDER, false),
        ("GET", "/issued/{id}/json", CERT_HOLDER, false),
        ("GET", "/issued/{id}/ofd", CERT_HOLDER, false),
        ("POST", "/issued/{id}/revoke", CERT_REVOKE, false),
        ("POST", "/api/v1/issued/{id}/revoke", CERT_REVOKE, false),
        // Seals, the seal-use ledger, 铁东区's catalogue, the holiday calendar.
        ("GET", "/seal-uses", CERT_VIEW, false),
        ("GET", "/seal-uses/export.xlsx", CERT_VIEW, false),
        ("GET", "/api/v1/seal-uses", CERT_VIEW, false),
        ("GET", "/seals", SEALS, false),
        ("POST", "/seals/{id}/make", SYS, false),
        ("GET", "/catalogue", CATALOGUE, false),
        (
            "POST",
            "/catalogue/{district}/entries/{type_id}",
            CATALOGUE,
            false,
        ),
        ("POST", "/catalogue/{district}/local", CATALOGUE, false),
        (
            "POST",
            "/api/v1/catalogue/{district_id}/local",
            CATALOGUE,
            false,
        ),
        // The shared data dictionary (4.8-3): read by staff who see demands, kept by the city.
        ("GET", "/dictionary", VIEW_DEMANDS, false),
        ("GET", "/dictionary/export.xlsx", VIEW_DEMANDS, false),
        ("GET", "/dictionary/new", DATA_ADMIN, false),
        ("POST", "/dictionary", DATA_ADMIN, false),
        ("GET", "/dictionary/{code}", VIEW_DEMANDS, false),
        ("GET", "/dictionary/{code}/edit", DATA_ADMIN, false),
        ("POST", "/dictionary/{code}", DATA_ADMIN, false),
        ("GET", "/api/v1/dictionary", VIEW_DEMANDS, false),
        ("POST", "/api/v1/dictionary", DATA_ADMIN, false),
        ("GET", "/api/v1/dictionary/{code}", VIEW_DEMANDS, false),
        ("PUT", "/api/v1/dictionary/{code}", DATA_ADMIN, false),
        ("GET", "/admin/jobs", SYS, false),
        ("GET", "/admin/jobs/export.xlsx", SYS, false),
        ("GET", "/admin/holidays", SYS, false),
        ("POST", "/admin/holidays", SYS, false),
        // Plaques (4.1, 4.4, plaques.rs): 示例和平社区's registry, its plaque “综合治理工作站”
        // and that plaque's removal task, 铁东区's demo campaign and 示例一街道 in it.
        ("GET", "/plaques", PLAQUE_VIEW, false),
        ("GET", "/plaques/export.xlsx", PLAQUE_VIEW, false),
        ("GET", "/plaques/units/{id}", PLAQUE_VIEW, false),
        ("POST", "/plaques/units/{id}", PLAQUE_MANAGE, false),
        ("POST", "/plaques/units/{id}/recheck", PLAQUE_MANAGE, false),
        ("GET", "/plaques/{id}", PLAQUE_VIEW, false),
        ("POST", "/plaques/{id}", PLAQUE_MANAGE, false),
        ("POST", "/plaques/{id}/confirm", PLAQUE_MANAGE, false),
        ("POST", "/plaques/{id}/remove", PLAQUE_MANAGE, false),
        ("GET", "/plaques/{id}/photo", PLAQUE_VIEW, false),
        ("GET", "/removal-tasks", PLAQUE_VIEW, false),
        ("GET", "/removal-tasks/export.xlsx", PLAQUE_VIEW, false),
        ("POST", "/removal-tasks/{id}/close", PLAQUE_MANAGE, false),
        ("GET", "/removal-tasks/{id}/evidence", PLAQUE_VIEW, false),
        ("GET", "/campaigns", PLAQUE_VIEW, false),
        ("POST", "/campaigns", CAMPAIGN_LAUNCH, false),
        ("GET", "/campaigns/{id}", PLAQUE_VIEW, false),
        (
            "POST",
            "/campaigns/{id}/units/{unit_id}/complete",
            SELF_INSPECTION,
            false,
        ),
        ("GET", "/campaigns/{id}/export.xlsx", PLAQUE_VIEW, false),
        ("GET", "/api/v1/plaques", PLAQUE_VIEW, false),
        ("POST", "/api/v1/plaques", PLAQUE_MANAGE, false),
        ("GET", "/api/v1/plaques/{id}", PLAQUE_VIEW, false),
        ("PUT", "/api/v1/plaques/{id}", PLAQUE_MANAGE, false),
        ("POST", "/api/v1/plaques/{id}/confirm", PLAQUE_MANAGE, false),
        ("POST", "/api/v1/plaques/{id}/remove", PLAQUE_MANAGE, false),
        ("GET", "/api/v1/removal-tasks", PLAQUE_VIEW, false),
        (
            "POST",
            "/api/v1/removal-tasks/{id}/close",
            PLAQUE_MANAGE,
            false,
        ),
        ("GET", "/comprehensive", COMPREHENSIVE_READ, false),
        ("POST", "/comprehensive", COMPREHENSIVE_RUN, false),
        ("GET", "/comprehensive/{id}", COMPREHENSIVE_READ, false),
        ("POST", "/comprehensive/{id}/nominations", COMMUNITY, false),
        (
            "POST",
            "/comprehensive/nominations/{id}/review",
            STREET_OFFICIAL,
            false,
        ),
        ("POST", "/comprehensive/{id}/responses", RESIDENT, false),
        (
            "POST",
            "/comprehensive/{id}/scores",
            COMPREHENSIVE_RUN,
            false,
        ),
        (
            "POST",
            "/comprehensive/{id}/close",
            COMPREHENSIVE_RUN,
            false,
        ),
        (
            "GET",
            "/comprehensive/{id}/ranking.xlsx",
            COMPREHENSIVE_READ,
            false,
        ),
        ("POST", "/comprehensive/{id}/appeals", COMMUNITY, false),
        (
            "POST",
            "/comprehensive/appeals/{id}/answer",
            COMPREHENSIVE_RUN_GATE,
            false,
        ),
        (
            "GET",
            "/comprehensive/appeal-evidence/{id}",
            COMPREHENSIVE_VIEW,
            false,
        ),
        (
            "POST",
            "/api/v1/comprehensive/{id}/appeals",
            COMMUNITY,
            false,
        ),
        (
            "POST",
            "/api/v1/comprehensive/appeals/{id}/answer",
            COMPREHENSIVE_RUN_GATE,
            false,
        ),
        (
            "GET",
            "/comprehensive/export.xlsx",
            COMPREHENSIVE_READ,
            false,
        ),
        (
            "GET",
            "/comprehensive/evidence/{id}",
            COMPREHENSIVE_VIEW,
            false,
        ),
        ("GET", "/api/v1/comprehensive", COMPREHENSIVE_READ, false),
        ("POST", "/api/v1/comprehensive", COMPREHENSIVE_RUN, false),
        (
            "GET",
            "/api/v1/comprehensive/{id}",
            COMPREHENSIVE_READ,
            false,
        ),
        (
            "POST",
            "/api/v1/comprehensive/{id}/nominations",
            COMMUNITY,
            false,
        ),
        (
            "POST",
            "/api/v1/comprehensive/nominations/{id}/review",
            STREET_OFFICIAL,
            false,
        ),
        (
            "POST",
            "/api/v1/comprehensive/{id}/responses",
            RESIDENT,
            false,
        ),
        (
            "POST",
            "/api/v1/comprehensive/{id}/scores",
            COMPREHENSIVE_RUN,
            false,
        ),
        (
            "POST",
            "/api/v1/comprehensive/{id}/close",
            COMPREHENSIVE_RUN,
            false,
        ),
        ("GET", "/api/v1/campaigns", PLAQUE_VIEW, false),
        ("POST", "/api/v1/campaigns", CAMPAIGN_LAUNCH, false),
        ("GET", "/api/v1/campaigns/{id}", PLAQUE_VIEW, false),
        (
            "POST",
            "/api/v1/campaigns/{id}/units/{unit_id}/complete",
            SELF_INSPECTION,
            false,
        ),
        // Monitoring points (4.1-8): {id} is the role's node, no point (404).
        ("GET", "/monitoring-points", MONITORING_VIEW, false),
        ("POST", "/monitoring-points", SUPERVISORS, false),
        (
            "GET",
            "/monitoring-points/export.xlsx",
            MONITORING_VIEW,
            false,
        ),
        ("GET", "/monitoring-points/{id}", MONITORING_VIEW, false),
        ("POST", "/monitoring-points/{id}/answers", COMMUNITY, false),
        ("POST", "/monitoring-points/{id}/end", SUPERVISORS, false),
        ("GET", "/api/v1/monitoring-points", MONITORING_VIEW, false),
        ("POST", "/api/v1/monitoring-points", SUPERVISORS, false),
        (
            "GET",
            "/api/v1/monitoring-points/{id}",
            MONITORING_VIEW,
            false,
        ),
        (
            "POST",
            "/api/v1/monitoring-points/{id}/answers",
            COMMUNITY,
            false,
        ),
        (
            "POST",
            "/api/v1/monitoring-points/{id}/end",
            SUPERVISORS,
            false,
        ),
        ("GET", "/overview", OVERVIEW, false),
        ("GET", "/overview/export.xlsx", OVERVIEW, false),
        ("GET", "/api/v1/overview", OVERVIEW, false),
        ("GET", "/pki/certificates", SYS, false),
        ("GET", "/pki/certificates/export.xlsx", SYS, false),
        ("POST", "/pki/certificates/revoke", SYS, false),
        ("GET", "/api/v1/pki/certificates", SYS, false),
        // Anonymous public reports and follow-up codes (issue 14 §1): no login.
        ("GET", "/report-violation", PUBLIC, true),
        ("POST", "/report-violation", PUBLIC, true),
        ("GET", "/cases/follow-up", PUBLIC, true),
        ("POST", "/cases/follow-up", PUBLIC, true),
        ("POST", "/api/v1/public-reports", PUBLIC, true),
        ("POST", "/api/v1/cases/follow-up", PUBLIC, true),
        // Communities rate departments (5.3-2): {id} is the role's node — a unit for the
        // departments, streets and supervisors (their own or in their jurisdiction), a place
        // for the approvers (404, not a unit).
        ("GET", "/department-ratings", RANKING, false),
        ("GET", "/department-ratings/export.xlsx", RANKING, false),
        ("GET", "/department-ratings/rate", COMMUNITY, false),
        ("POST", "/department-ratings/rate", COMMUNITY, false),
        ("GET", "/department-ratings/mine", RATED, false),
        ("GET", "/department-ratings/units/{id}", RATING_READ, false),
        ("GET", "/api/v1/department-ratings", RANKING, false),
        ("POST", "/api/v1/department-ratings", COMMUNITY, false),
        (
            "GET",
            "/api/v1/department-ratings/targets",
            COMMUNITY,
            false,
        ),
        ("GET", "/api/v1/department-ratings/mine", RATED, false),
        (
            "GET",
            "/api/v1/department-ratings/units/{id}",
            RATING_READ,
            false,
        ),
        ("GET", "/form-returns", COMMUNITY, false),
        ("GET", "/form-returns/export.xlsx", COMMUNITY, false),
        (
            "GET",
            "/form-returns/{demand_id}/{community_id}/{period_key}",
            COMMUNITY,
            false,
        ),
        (
            "POST",
            "/form-returns/{demand_id}/{community_id}/{period_key}",
            COMMUNITY,
            false,
        ),
        (
            "POST",
            "/form-returns/{demand_id}/{community_id}/{period_key}/correct",
            COMMUNITY,
            false,
        ),
        ("GET", "/report-forms/{id}/returns", FORM_DEPARTMENTS, false),
        (
            "GET",
            "/report-forms/{id}/returns/export.xlsx",
            FORM_DEPARTMENTS,
            false,
        ),
        (
            "POST",
            "/report-forms/{id}/returns/remind",
            FORM_DEPARTMENTS,
            false,
        ),
        ("GET", "/api/v1/form-returns", COMMUNITY, false),
        (
            "GET",
            "/api/v1/form-returns/{demand_id}/{community_id}/{period_key}",
            COMMUNITY,
            false,
        ),
        (
            "POST",
            "/api/v1/form-returns/{demand_id}/{community_id}/{period_key}",
            COMMUNITY,
            false,
        ),
        (
            "POST",
            "/api/v1/form-returns/{demand_id}/{community_id}/{period_key}/correct",
            COMMUNITY,
            false,
        ),
        (
            "GET",
            "/api/v1/report-forms/{id}/returns",
            FORM_DEPARTMENTS,
            false,
        ),
        (
            "POST",
            "/api/v1/report-forms/{id}/returns/remind",
            FORM_DEPARTMENTS,
            false,
        ),
        // The reporter's own reports (issue 14 §1).
        ("GET", "/reports/mine", COMMUNITY, false),
        ("GET", "/reports/mine/export.xlsx", COMMUNITY, false),
        ("GET", "/api/v1/reports/mine", COMMUNITY, false),
        // One-time satisfaction codes (4.3-4): the community issues them; anyone answers.
        ("POST", "/comprehensive/{id}/codes", COMMUNITY, false),
        ("GET", "/satisfaction", PUBLIC, true),
        ("POST", "/satisfaction", PUBLIC, true),
        ("POST", "/api/v1/comprehensive/{id}/codes", COMMUNITY, false),
        ("POST", "/api/v1/satisfaction/survey", PUBLIC, true),
        ("POST", "/api/v1/satisfaction", PUBLIC, true),
        // On-site checks of evaluations (4.2-5, 4.3-2): the community's staff.
        ("GET", "/evaluations/visit-check", COMMUNITY, false),
        ("POST", "/api/v1/evaluations/visit-check", COMMUNITY, false),
        // Each community's part in the department ratings (5.3-2): who sees the ranking.
        ("GET", "/department-ratings/communities", RANKING, false),
        (
            "GET",
            "/department-ratings/communities/export.xlsx",
            RANKING,
            false,
        ),
        (
            "GET",
            "/api/v1/department-ratings/communities",
            RANKING,
            false,
        ),
        (
            "GET",
            "/form-returns/{demand_id}/{community_id}/{period_key}/template.xlsx",
            COMMUNITY,
            false,
        ),
        (
            "POST",
            "/form-returns/{demand_id}/{community_id}/{period_key}/upload",
            COMMUNITY,
            false,
        ),
        (
            "GET",
            "/api/v1/form-returns/{demand_id}/{community_id}/{period_key}/template.xlsx",
            COMMUNITY,
            false,
        ),
        (
            "POST",
            "/api/v1/form-returns/{demand_id}/{community_id}/{period_key}/upload",
            COMMUNITY,
            false,
        ),
        ("GET", "/data", FORM_DEPARTMENTS, false),
        ("GET", "/data-requests", DATA_REQUESTS, false),
        ("POST", "/data-requests", FORM_DEPARTMENTS, false),
        ("POST", "/data-requests/{id}/approve", DATA_REQUESTS, false),
        ("POST", "/data-requests/{id}/refuse", DATA_REQUESTS, false),
        (
            "GET",
            "/api/v1/data/{community_id}",
            FORM_DEPARTMENTS,
            false,
        ),
        ("GET", "/api/v1/data-requests", DATA_REQUESTS, false),
        ("POST", "/api/v1/data-requests", FORM_DEPARTMENTS, false),
        (
            "POST",
            "/api/v1/data-requests/{id}/approve",
            DATA_REQUESTS,
            false,
        ),
        (
            "POST",
            "/api/v1/data-requests/{id}/refuse",
            DATA_REQUESTS,
            false,
        ),
        // The annual burden report (issue 14 §5): whoever sees the overview.
        ("GET", "/annual-report", OVERVIEW, false),
        ("GET", "/annual-report/report.pdf", OVERVIEW, false),
        ("GET", "/annual-report/report.xlsx", OVERVIEW, false),
        ("GET", "/api/v1/reports/annual", OVERVIEW, false),
        ("GET", "/api/v1/reports/annual.pdf", OVERVIEW, false),
        ("GET", "/api/v1/reports/annual.xlsx", OVERVIEW, false),
        ("GET", "/person-records", COMMUNITY, false),
        ("POST", "/person-records", COMMUNITY, false),
        ("POST", "/person-records/export.xlsx", COMMUNITY, false),
        ("GET", "/me/data-access", RESIDENT, false),
        ("GET", "/data-access", AUD, false),
        ("GET", "/data-access/export.xlsx", AUD, false),
        (
            "GET",
            "/api/v1/communities/{community_id}/person-records",
            COMMUNITY,
            false,
        ),
        (
            "POST",
            "/api/v1/communities/{community_id}/person-records",
            COMMUNITY,
            false,
        ),
        (
            "POST",
            "/api/v1/communities/{community_id}/person-records/export",
            COMMUNITY,
            false,
        ),
        ("GET", "/api/v1/me/data-access", RESIDENT, false),
        ("GET", "/api/v1/data-access", AUD, false),
        ("PUT", "/api/v1/users/{id}/identity", SYS, false),
        ("POST", "/admin/users/{id}/identity", SYS, false),
        ("GET", "/cases/{id}/attachments/{aid}", CASE_READERS, false),
        ("GET", "/api/v1/public-reports/units", PUBLIC, true),
    ]
}

#[test]
fn every_route_has_an_expectation_and_vice_versa() {
    let table: Vec<(String, String)> = route_table()
        .iter()
        .map(|r| (r.method.to_string(), r.path.to_owned()))
        .collect();
    let exp: Vec<(String, String)> = expected()
        .iter()
        .map(|(m, p, ..)| (m.to_string(), p.to_string()))
        .collect();
    for t in &table {
        assert!(
            exp.contains(t),
            "route {} {} has no expectation in the matrix test",
            t.0,
            t.1
        );
    }
    for e in &exp {
        assert!(
            table.contains(e),
            "matrix lists {} {} but the route table has no such route",
            e.0,
            e.1
        );
    }
    // Public in the table ⇔ public in the expectations.
    for r in route_table() {
        let (.., public) = expected()
            .into_iter()
            .find(|(m, p, ..)| *m == r.method.as_str() && *p == r.path)
            .unwrap();
        assert_eq!(
            public,
            r.access == jianfu_server::Access::Public,
            "{} {}",
            r.method,
            r.path
        );
    }
}

/// The OpenAPI document says which operations need no login as the gate decides it: a public
/// API route declares the empty security requirement (`security: [{}]`), every other one does
/// not (schemathesis sends requests without credentials and expects 401 where it is missing).
#[tokio::test]
async fn the_openapi_document_marks_exactly_the_public_api_routes_as_needing_no_login() {
    let t = spawn_app().await;
    let doc: serde_json::Value = crate::helpers::client()
        .get(t.url("/api/v1/openapi.json"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let (mut checked, mut wrong) = (0, Vec::new());
    for r in route_table() {
        let method = r.method.as_str().to_ascii_lowercase();
        let Some(op) = doc["paths"][r.path].get(&method) else {
            continue;
        };
        let anonymous = op["security"].as_array().is_some_and(|s| {
            s.iter()
                .any(|req| req.as_object().is_some_and(|o| o.is_empty()))
        });
        if anonymous != (r.access == jianfu_server::Access::Public) {
            wrong.push(format!("{} {} (public: {})", r.method, r.path, !anonymous));
        }
        checked += 1;
    }
    assert!(
        wrong.is_empty(),
        "the document's security does not match the route's access: {wrong:?}"
    );
    assert!(checked > 100, "only {checked} documented routes found");
}

/// Ids to put in paths: the role's own grant node (always inside its jurisdiction), a victim
/// account and grant, an unknown token.
struct Ids {
    victim_account: i64,
    victim_grant: i64,
    /// The demo public-interest application (submitted, 示例和平社区, by the resident).
    application: i64,
    /// The demo certificate (issued by 示例和平社区 to the resident).
    certificate: i64,
    /// 示例和平社区, 铁东区, and a discontinued type (adopt=0 on it changes nothing).
    community: i64,
    district: i64,
    type_id: i64,
    /// 示例和平社区's demo plaque “综合治理工作站”, its open removal task, 铁东区's demo
    /// campaign and 示例一街道 (which has completed it: completing again is a conflict).
    plaque: i64,
    removal_task: i64,
    campaign: i64,
    street: i64,
    /// 铁东区's demo comprehensive evaluation (open, before its deadline).
    comprehensive: i64,
}

async fn setup(t: &TestApp) -> Ids {
    let victim = t
        .app
        .add_account_as_operator(
            "victim",
            "受试账号",
            "210302091001",
            &[jianfu_domain::Role::Resident],
            "Shou#ce2026x",
            false,
        )
        .await
        .unwrap();
    use jianfu_store::entity::role_grant;
    use jianfu_store::orm::{ColumnTrait, EntityTrait, QueryFilter};
    let grant = role_grant::Entity::find()
        .filter(role_grant::Column::AccountId.eq(victim))
        .one(t.app.store.db())
        .await
        .unwrap()
        .unwrap()
        .id;
    Ids {
        victim_account: victim,
        victim_grant: grant,
        application: scalar(
            t,
            "SELECT a.id FROM certificate_application a JOIN certificate_type t ON t.id = a.type_id \
             WHERE t.code = 'common_interest_opinion'",
        )
        .await,
        certificate: scalar(t, "SELECT MIN(id) FROM certificate").await,
        community: t.node_id("示例和平社区").await,
        district: t.node_id("铁东区").await,
        type_id: scalar(t, "SELECT id FROM certificate_type WHERE code = 'kinship'").await,
        plaque: scalar(t, "SELECT MIN(id) FROM plaque WHERE name = '综合治理工作站'").await,
        removal_task: scalar(
            t,
            "SELECT r.id FROM removal_task r JOIN plaque p ON p.id = r.plaque_id \
             WHERE p.name = '综合治理工作站'",
        )
        .await,
        campaign: scalar(t, "SELECT MIN(id) FROM campaign").await,
        street: t.node_id("示例一街道").await,
        comprehensive: scalar(t, "SELECT MIN(id) FROM comprehensive_campaign").await,
    }
}

fn fill(path: &str, node: i64, ids: &Ids) -> String {
    let plaques = |p: &str| p.starts_with("/plaques") || p.starts_with("/api/v1/plaques");
    if path.contains("/comprehensive/nominations/")
        || path.contains("/comprehensive/evidence/")
        || path.contains("/comprehensive/appeals/")
        || path.contains("/comprehensive/appeal-evidence/")
    {
        path.replace("{id}", "999999")
    } else if path.contains("/comprehensive/{id}") {
        path.replace("{id}", &ids.comprehensive.to_string())
    } else if path.contains("/plaques/units/{id}") {
        path.replace("{id}", &ids.community.to_string())
    } else if plaques(path) {
        path.replace("{id}", &ids.plaque.to_string())
    } else if path.contains("/removal-tasks/{id}") {
        path.replace("{id}", &ids.removal_task.to_string())
    } else if path.contains("/campaigns/{id}") {
        path.replace("{id}", &ids.campaign.to_string())
            .replace("{unit_id}", &ids.street.to_string())
    } else if path.contains("/grants/{id}") {
        path.replace("{id}", &ids.victim_grant.to_string())
    } else if path.contains("/resets/{id}") {
        path.replace("{id}", "999999")
    } else if path.contains("/users/{id}") {
        path.replace("{id}", &ids.victim_account.to_string())
    } else if path.starts_with("/tokens/") {
        path.replace("{id}", "999999")
    } else if path.contains("/demands/{id}") || path.starts_with("/reports/") {
        // Demo demand 1: admitted (registered: it cites a law), from 铁东区卫生健康局 to every
        // community of 铁东区.
        path.replace("{id}", "1")
    } else if path.starts_with("/certificates/{id}")
        || path.starts_with("/api/v1/certificates/{id}")
    {
        path.replace("{id}", &ids.application.to_string())
            .replace("{aid}", "999999")
            .replace("{step}", "investigation")
    } else if path.starts_with("/issued/") || path.starts_with("/api/v1/issued/") {
        path.replace("{id}", &ids.certificate.to_string())
    } else if path.starts_with("/api/v1/pki/") {
        path.replace("{id}", "999999")
    } else if path.starts_with("/seals/") {
        path.replace("{id}", &ids.community.to_string())
    } else if path.starts_with("/dictionary/") || path.starts_with("/api/v1/dictionary/") {
        // The demo dictionary's 户籍人口数.
        path.replace("{code}", "HJ_RKS")
    } else if path.contains("{district") || path.contains("{code}") {
        path.replace("{district_id}", &ids.district.to_string())
            .replace("{district}", &ids.district.to_string())
            .replace("{type_id}", &ids.type_id.to_string())
            .replace("{code}", "residence")
    } else if path.contains("{number}") {
        path.replace("{number}", "AZ-2026-000001-8")
    } else {
        path.replace("{id}", &node.to_string())
            .replace("{eid}", "999999")
            .replace("{aid}", "999999")
            .replace("{name}", "app.css")
    }
}

#[tokio::test]
async fn role_by_route_matrix() {
    let t = spawn_app().await;
    let ids = setup(&t).await;
    let mut failures = Vec::new();
    for username in ALL {
        let node_name = DEMO_ACCOUNTS.iter().find(|a| a.0 == *username).unwrap().3;
        let node = t.node_id(node_name).await;
        let b = t.login(username).await;
        for (method, path, allowed, public) in expected() {
            if path == "/logout" || (path == "/login" && method == "POST") {
                continue; // logout below with its own session; the login form is tested in auth.rs
            }
            let url = fill(path, node, &ids);
            let m = Method::from_bytes(method.as_bytes()).unwrap();
            let req = if path.starts_with("/api/") {
                let r = b.json(m, &url);
                if method == "GET" || method == "DELETE" {
                    r
                } else {
                    r.json(&serde_json::json!({}))
                }
            } else if method == "POST" {
                b.client
                    .post(b.url(&url))
                    .form(&[("csrf_token", b.csrf.as_str())])
            } else {
                b.client.request(m, b.url(&url))
            };
            let status = req.send().await.unwrap().status();
            let should_pass = public || allowed.contains(username);
            let denied = status == StatusCode::FORBIDDEN;
            if should_pass == denied || status == StatusCode::UNAUTHORIZED {
                failures.push(format!(
                    "{username:>20} {method:6} {url}: got {status}, expected {}",
                    if should_pass { "allowed" } else { "403" }
                ));
            }
        }
        // Logout, last, with its own session.
        let b2 = t.login(username).await;
        let r = b2.post_form("/logout", &[]).await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER, "{username} logout");
    }
    assert!(
        failures.is_empty(),
        "role × route mismatches:\n{}",
        failures.join("\n")
    );
}

#[tokio::test]
async fn anonymous_gets_login_or_401_everywhere_but_public_routes() {
    let t = spawn_app().await;
    let ids = setup(&t).await;
    let node = t.node_id("鞍山市").await;
    let c = crate::helpers::client();
    for (method, path, _, public) in expected() {
        let url = t.url(&fill(path, node, &ids));
        let m = Method::from_bytes(method.as_bytes()).unwrap();
        let res = c.request(m, &url).send().await.unwrap();
        let status = res.status();
        if public {
            assert!(
                status != StatusCode::UNAUTHORIZED && status != StatusCode::FORBIDDEN,
                "{method} {path}: {status}"
            );
        } else if path.starts_with("/api/") {
            assert_eq!(status, StatusCode::UNAUTHORIZED, "{method} {path}");
            assert_eq!(res.headers()["content-type"], "application/problem+json");
        } else {
            assert_eq!(status, StatusCode::SEE_OTHER, "{method} {path}");
            assert_eq!(res.headers()["location"], "/login", "{method} {path}");
        }
    }
}
