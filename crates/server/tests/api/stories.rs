//! Stories: what users do end to end, through the pages and the API.

use reqwest::{Method, StatusCode};

use crate::helpers::{client, csrf_in, spawn_app};

/// A new community gets an account: the system administrator creates both, the security
/// administrator grants the role, the new worker logs in, must change the temporary password,
/// then sees their community; the audit administrator sees every step and exports it.
#[tokio::test]
async fn onboarding_a_new_community_worker() {
    let t = spawn_app().await;
    let admin = t.login("sysadmin").await;
    let street = t.node_id("示例三街道").await;
    let r = admin
        .post_form(
            "/admin/nodes",
            &[
                ("parent_id", &street.to_string()),
                ("kind", "community"),
                ("name", "示例新建社区"),
                ("division_code", "210303091002"),
                ("subtype", ""),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let community = t.node_id("示例新建社区").await;
    let (_, html) = admin
        .get_text(&format!("/tree/{community}?done=node_created"))
        .await;
    assert!(html.contains("已新增节点") && html.contains("210303091002"));

    let r = admin
        .post_form(
            "/admin/users",
            &[
                ("username", "li.si"),
                ("display_name", "李四"),
                ("home_node_id", &community.to_string()),
                ("password", "Temp#2026pass"),
            ],
        )
        .await;
    assert_eq!(
        r.status(),
        StatusCode::SEE_OTHER,
        "{}",
        r.text().await.unwrap()
    );
    let id = t.account_id("li.si").await;

    // The system administrator cannot grant roles; the security administrator can.
    let r = admin
        .post_form(
            &format!("/admin/users/{id}/grants"),
            &[
                ("role", "community_worker"),
                ("node_id", &community.to_string()),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let sec = t.login("secadmin").await;
    let r = sec
        .post_form(
            &format!("/admin/users/{id}/grants"),
            &[
                ("role", "community_worker"),
                ("node_id", &community.to_string()),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);

    // First login: temporary password must be changed.
    let c = client();
    let page = c
        .get(t.url("/login"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let token = csrf_in(&page).unwrap();
    let r = c
        .post(t.url("/login"))
        .form(&[
            ("username", "li.si"),
            ("password", "Temp#2026pass"),
            ("csrf_token", &token),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.headers()["location"], "/password");
    let r = c.get(t.url("/tree")).send().await.unwrap();
    assert_eq!(
        r.headers()["location"],
        "/password",
        "nothing else until the password is changed"
    );
    let page = c
        .get(t.url("/password"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let csrf = csrf_in(&page).unwrap();
    let r = c
        .post(t.url("/password"))
        .form(&[
            ("current_password", "Temp#2026pass"),
            ("password", "Mine#2026pass"),
            ("password_again", "Mine#2026pass"),
            ("csrf_token", &csrf),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let tree = c
        .get(t.url("/tree"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(tree.contains("示例新建社区"));
    assert!(
        !tree.contains("铁东区"),
        "a community worker sees only their own community"
    );

    // The audit administrator sees all of it, and can export it.
    let auditor = t.login("auditor").await;
    let (_, log) = auditor.get_text("/audit?per_page=50").await;
    for action in [
        "node.create",
        "account.create",
        "role.grant",
        "account.password_change",
        "permission.denied",
    ] {
        assert!(log.contains(action), "audit page lists {action}");
    }
    let x = auditor.get("/audit/export.xlsx?action=role.").await;
    assert_eq!(x.status(), StatusCode::OK);
    assert_eq!(
        x.headers()["content-type"],
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    );
    let bytes = x.bytes().await.unwrap();
    assert_eq!(&bytes[..2], b"PK", "an xlsx file is a zip");
    assert_eq!(
        t.audit_count("audit.export").await,
        1,
        "exports are audited"
    );
}

/// A machine client manages the tree through the API with a bearer token.
#[tokio::test]
async fn api_client_with_a_token() {
    let t = spawn_app().await;
    let admin = t.login("sysadmin").await;
    let html = admin
        .post_form("/tokens", &[("name", "区数据平台"), ("days", "30")])
        .await
        .text()
        .await
        .unwrap();
    let token = html
        .split(r#"<code id="new-token">"#)
        .nth(1)
        .and_then(|s| s.split("</code>").next())
        .unwrap()
        .to_owned();
    assert!(token.starts_with("jf_"));
    let api = reqwest::Client::new();
    let auth = format!("Bearer {token}");
    let me: serde_json::Value = api
        .get(t.url("/api/v1/me"))
        .header("authorization", &auth)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(me["username"], "sysadmin");
    let district = t.node_id("立山区").await;
    let r = api
        .post(t.url("/api/v1/nodes"))
        .header("authorization", &auth)
        .json(&serde_json::json!({ "parent_id": district, "kind": "street", "name": "示例接口街道", "division_code": "210304092000" }))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::CREATED);
    let created: serde_json::Value = r.json().await.unwrap();
    let id = created["id"].as_i64().unwrap();
    let r = api
        .put(t.url(&format!("/api/v1/nodes/{id}")))
        .header("authorization", &auth)
        .json(
            &serde_json::json!({ "name": "示例接口街道（更名）", "division_code": "210304092000" }),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let list: Vec<serde_json::Value> = api
        .get(t.url("/api/v1/nodes"))
        .header("authorization", &auth)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(list.iter().any(|n| n["name"] == "示例接口街道（更名）"));
    let r = api
        .delete(t.url(&format!("/api/v1/nodes/{id}")))
        .header("authorization", &auth)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
    let r = api
        .get(t.url(&format!("/api/v1/nodes/{id}")))
        .header("authorization", &auth)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    assert_eq!(r.headers()["content-type"], "application/problem+json");
}

/// The OpenAPI document describes every API route of the route table, and nothing else.
#[tokio::test]
async fn openapi_covers_the_api_routes() {
    let t = spawn_app().await;
    let doc: serde_json::Value = client()
        .get(t.url("/api/v1/openapi.json"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(doc["openapi"].as_str().unwrap().starts_with("3."));
    let paths = doc["paths"].as_object().unwrap();
    let mut documented = Vec::new();
    for (p, ops) in paths {
        for m in ops.as_object().unwrap().keys() {
            documented.push((m.to_uppercase(), p.clone()));
        }
    }
    let mut routed: Vec<(String, String)> = jianfu_server::route_table()
        .iter()
        .filter(|r| r.path.starts_with("/api/v1/") && r.path != "/api/v1/openapi.json")
        .map(|r| (r.method.to_string(), r.path.to_owned()))
        .collect();
    documented.sort();
    routed.sort();
    assert_eq!(documented, routed);
}

/// Lists page and search on the server.
#[tokio::test]
async fn account_list_pages_and_searches() {
    let t = spawn_app().await;
    let admin = t.login("sysadmin").await;
    let (_, p1) = admin.get_text("/admin/users?per_page=5").await;
    assert!(
        p1.contains("第 1 / 3 页") && p1.contains("共 15 条"),
        "{p1}"
    );
    // A page beyond the last says so and leads back, instead of "第 9 / 3 页".
    let (s, p9) = admin.get_text("/admin/users?per_page=5&page=9").await;
    assert_eq!(s, reqwest::StatusCode::OK);
    assert!(p9.contains("第 9 页超出范围（共 3 页）"), "{p9}");
    assert!(p9.contains("page=3\">回到最后一页"), "{p9}");
    assert!(!p9.contains("第 9 / 3 页"));
    let (_, s) = admin.get_text("/admin/users?q=%E5%BC%A0%E4%B8%89").await; // 张三
    assert!(s.contains("resident") && !s.contains("sysadmin</a>"), "{s}");
    let page: serde_json::Value = admin
        .json(Method::GET, "/api/v1/users?per_page=2&page=2")
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(page["items"].as_array().unwrap().len(), 2);
    assert_eq!(page["page"], 2);
}
