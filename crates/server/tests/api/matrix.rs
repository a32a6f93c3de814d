//! Every role against every route. The expectations are written out by hand per route, so that
//! a change to a route's policy must change this table too, and a route missing from the table
//! fails the test.

use jianfu_domain::bootstrap::DEMO_ACCOUNTS;
use jianfu_server::route_table;
use reqwest::{Method, StatusCode};

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
const SYS: &[&str] = &["sysadmin"];
const SEC: &[&str] = &["secadmin"];
const AUD: &[&str] = &["auditor"];
const ACCOUNTS: &[&str] = &["sysadmin", "secadmin"];
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
/// The demo demand's own department (铁东区卫生健康局) and its authority (铁东区).
const OWN_DEPT: &[&str] = &["district_dept"];
const DISTRICT_AUTHORITY: &[&str] = &["district_approver"];
const REVOKERS: &[&str] = &[
    "city_approver",
    "supervisor",
    "district_approver",
    "district_supervisor",
];
const COMMUNITY: &[&str] = &["head", "worker"];
const SUPERVISORS: &[&str] = &["supervisor", "district_supervisor"];
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
        ("GET", "/policy", PUBLIC, true),
        ("GET", "/healthz", PUBLIC, true),
        ("GET", "/livez", PUBLIC, true),
        ("GET", "/metrics", PUBLIC, true),
        ("GET", "/static/{name}", PUBLIC, true),
        ("GET", "/api/v1/openapi.json", PUBLIC, true),
        ("POST", "/logout", ALL, false),
        ("GET", "/password", ALL, false),
        ("POST", "/password", ALL, false),
        ("GET", "/", ALL, false),
        ("GET", "/tokens", ALL, false),
        ("POST", "/tokens", ALL, false),
        ("POST", "/tokens/{id}/revoke", ALL, false),
        ("GET", "/api/v1/me", ALL, false),
        ("GET", "/tree", ALL, false),
        ("GET", "/tree/{id}", ALL, false),
        ("GET", "/admin/nodes/new", SYS, false),
        ("POST", "/admin/nodes", SYS, false),
        ("GET", "/admin/nodes/{id}/edit", SYS, false),
        ("POST", "/admin/nodes/{id}", SYS, false),
        ("POST", "/admin/nodes/{id}/delete", SYS, false),
        ("GET", "/api/v1/nodes", ALL, false),
        ("POST", "/api/v1/nodes", SYS, false),
        ("GET", "/api/v1/nodes/{id}", ALL, false),
        ("PUT", "/api/v1/nodes/{id}", SYS, false),
        ("DELETE", "/api/v1/nodes/{id}", SYS, false),
        ("GET", "/admin/users", ACCOUNTS, false),
        ("GET", "/admin/users/new", SYS, false),
        ("POST", "/admin/users", SYS, false),
        ("GET", "/admin/users/{id}", ACCOUNTS, false),
        ("POST", "/admin/users/{id}", SYS, false),
        ("POST", "/admin/users/{id}/password", SYS, false),
        ("POST", "/admin/users/{id}/lock", SEC, false),
        ("POST", "/admin/users/{id}/unlock", SEC, false),
        ("POST", "/admin/users/{id}/grants", SEC, false),
        ("POST", "/admin/grants/{id}/delete", SEC, false),
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
        ("GET", "/demands/new", DRAFT, false),
        ("POST", "/demands", DRAFT, false),
        ("GET", "/demands/{id}", VIEW_DEMANDS, false),
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
        ("POST", "/demands/{id}/revoke", REVOKERS, false),
        ("GET", "/lookup", PUBLIC, true),
        ("GET", "/communities/{id}/work-items", PUBLIC, true),
        ("GET", "/reports/new", COMMUNITY, false),
        ("POST", "/reports", COMMUNITY, false),
        ("GET", "/reports/{id}/filed", COMMUNITY, false),
        ("GET", "/cases", SUPERVISORS, false),
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
        ("POST", "/api/v1/demands/{id}/revoke", REVOKERS, false),
        ("GET", "/api/v1/cases", SUPERVISORS, false),
        ("GET", "/api/v1/ledger", LEDGER, false),
        ("GET", "/admin/security", SEC, false),
        ("POST", "/admin/security", SEC, false),
        ("GET", "/audit", AUD, false),
        ("GET", "/audit/export.xlsx", AUD, false),
        ("POST", "/audit/verify", AUD, false),
        ("GET", "/api/v1/audit", AUD, false),
        ("POST", "/api/v1/audit/verify", AUD, false),
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

/// Ids to put in paths: the role's own grant node (always inside its jurisdiction), a victim
/// account and grant, an unknown token.
struct Ids {
    victim_account: i64,
    victim_grant: i64,
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
    }
}

fn fill(path: &str, node: i64, ids: &Ids) -> String {
    if path.contains("/grants/{id}") {
        path.replace("{id}", &ids.victim_grant.to_string())
    } else if path.contains("/users/{id}") {
        path.replace("{id}", &ids.victim_account.to_string())
    } else if path.starts_with("/tokens/") {
        path.replace("{id}", "999999")
    } else if path.contains("/demands/{id}") || path.starts_with("/reports/") {
        // Demo demand 1: admitted, from 铁东区卫生健康局 to every community of 铁东区.
        path.replace("{id}", "1")
    } else if path.contains("{number}") {
        path.replace("{number}", "AZ-2026-000001-8")
    } else {
        path.replace("{id}", &node.to_string())
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
