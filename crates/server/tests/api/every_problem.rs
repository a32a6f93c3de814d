//! Every form reports every problem at once (issue 16): the first problem is the problem+json
//! document, the others its `errors` list in the form's field order; the page shows them all in
//! the summary at the form's top, each linking to its field. Nothing is stored or audited.

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::auth::{scalar, texts};
use crate::helpers::{Browser, TestApp, spawn_app, this_year_on};

async fn send(b: &Browser, method: Method, path: &str, v: &Value) -> (StatusCode, Value) {
    let r = b.json(method, path).json(v).send().await.unwrap();
    let s = r.status();
    (s, r.json().await.unwrap_or(Value::Null))
}

/// The fields at fault, in order: the document's own, then its `errors`.
fn fields(p: &Value) -> Vec<String> {
    let mut all = vec![p["field"].as_str().unwrap_or("").to_owned()];
    for e in p["errors"].as_array().into_iter().flatten() {
        all.push(e["field"].as_str().unwrap_or("").to_owned());
    }
    all
}

/// Posts `v` and expects 422 naming exactly `expected` fields, in that order.
async fn refused(b: &Browser, path: &str, v: &Value, expected: &[&str]) -> Value {
    let (s, p) = send(b, Method::POST, path, v).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{path}: {p}");
    assert_eq!(fields(&p), expected, "{path}: {p}");
    for e in p["errors"].as_array().into_iter().flatten() {
        assert!(
            e["code"].as_str().is_some_and(|c| !c.is_empty())
                && e["detail"].as_str().is_some_and(|d| !d.is_empty()),
            "every problem has a code and a Chinese detail: {e}"
        );
    }
    p
}

async fn count(t: &TestApp, table: &str) -> i64 {
    scalar(t, &format!("SELECT COUNT(*) FROM {table}")).await
}

/// The links of the page's error summary (`#form-error a`), as their targets.
fn summary_links(html: &str) -> Vec<String> {
    let doc = scraper::Html::parse_document(html);
    let sel = scraper::Selector::parse("#form-error a").unwrap();
    doc.select(&sel)
        .filter_map(|a| a.value().attr("href").map(str::to_owned))
        .collect()
}

#[tokio::test]
async fn a_plaque_with_five_problems_names_all_five_and_stores_nothing() {
    let t = spawn_app().await;
    let heping = t.node_id("示例和平社区").await;
    let worker = t.login("worker").await;
    let (plaques, audits) = (count(&t, "plaque").await, t.audit_count("plaque.add").await);
    let not_an_image = "aGVsbG8gd29ybGQ="; // "hello world"
    let p = refused(
        &worker,
        "/api/v1/plaques",
        &json!({
            "unit_id": heping, "name": "", "placement": "roof", "location": " ",
            "since": "2999-01-01", "photo_base64": not_an_image,
        }),
        &["name", "placement", "location", "since", "photo"],
    )
    .await;
    assert_eq!(p["code"], "required", "{p}");
    assert_eq!(p["errors"][2]["code"], "since_in_future", "{p}");
    // The page: the same five in the summary, each a link to its field, and the values kept.
    let r = worker
        .post_multipart(
            &format!("/plaques/units/{heping}"),
            &[
                ("name", ""),
                ("placement", "roof"),
                ("location", ""),
                ("since", "2999-01-01"),
            ],
            &[("photo", "a.png", b"hello world")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = r.text().await.unwrap();
    assert_eq!(
        summary_links(&html),
        ["#name", "#placement", "#location", "#since", "#photo"]
    );
    assert_eq!(texts(&html, "#form-error p"), ["有 5 处需要修改："]);
    assert!(html.contains("value=\"2999-01-01\""), "the date is kept");
    assert_eq!(count(&t, "plaque").await, plaques);
    assert_eq!(t.audit_count("plaque.add").await, audits);
}

#[tokio::test]
async fn a_removal_with_a_future_date_and_a_bad_photo_names_both() {
    let t = spawn_app().await;
    let heping = t.node_id("示例和平社区").await;
    let worker = t.login("worker").await;
    let (s, p) = send(
        &worker,
        Method::POST,
        "/api/v1/plaques",
        &json!({"unit_id": heping, "name": "社区党委", "placement": "outdoor",
                "location": "正门", "since": "2024-05-01"}),
    )
    .await;
    assert_eq!(s, StatusCode::CREATED, "{p}");
    let id = p["id"].as_i64().unwrap();
    refused(
        &worker,
        &format!("/api/v1/plaques/{id}/remove"),
        &json!({"removed_on": "2999-01-01", "photo_base64": "aGVsbG8="}),
        &["removed_on", "photo"],
    )
    .await;
    let (_, p) = send(
        &worker,
        Method::GET,
        &format!("/api/v1/plaques/{id}"),
        &json!(null),
    )
    .await;
    assert_eq!(p["status"], "hanging", "{p}");
}

#[tokio::test]
async fn an_account_node_report_campaign_and_local_type_name_every_problem() {
    let t = spawn_app().await;
    let sys = t.login("sysadmin").await;
    let street = t.node_id("示例一街道").await;
    let (accounts, nodes) = (count(&t, "account").await, count(&t, "node").await);
    refused(
        &sys,
        "/api/v1/users",
        &json!({"username": "A", "display_name": "", "home_node_id": street, "password": "short"}),
        &["username", "display_name", "password"],
    )
    .await;
    // A home that does not exist is one of the problems, not the only one.
    refused(
        &sys,
        "/api/v1/users",
        &json!({"username": "A", "display_name": "张三", "home_node_id": 999_999, "password": "Str0ng!Passw0rd"}),
        &["home_node_id", "username"],
    )
    .await;
    refused(
        &sys,
        "/api/v1/nodes",
        &json!({"parent_id": street, "kind": "community", "name": "", "division_code": "12"}),
        &["name", "division_code"],
    )
    .await;
    assert_eq!(count(&t, "account").await, accounts);
    assert_eq!(count(&t, "node").await, nodes);

    let worker = t.login("worker").await;
    let cases = count(&t, "supervision_case").await;
    refused(
        &worker,
        "/api/v1/reports",
        &json!({"community_id": t.node_id("示例和平社区").await, "demanding_unit": "", "description": " "}),
        &["demanding_unit", "description"],
    )
    .await;
    assert_eq!(count(&t, "supervision_case").await, cases);

    let approver = t.login("district_approver").await;
    let campaigns = count(&t, "campaign").await;
    refused(
        &approver,
        "/api/v1/campaigns",
        &json!({"district_id": 0, "title": "长".repeat(201)}),
        &["district_id", "title"],
    )
    .await;
    assert_eq!(count(&t, "campaign").await, campaigns);

    let district = t.node_id("铁东区").await;
    let types = count(&t, "certificate_type").await;
    refused(
        &approver,
        &format!("/api/v1/catalogue/{district}/local"),
        &json!({"code": "Bad Code", "name": "", "basis_kind": "edict", "within_duty": true, "processing_days": 99}),
        &["code", "name", "basis_kind", "processing_days"],
    )
    .await;
    assert_eq!(count(&t, "certificate_type").await, types);

    let sec = t.login("secadmin").await;
    refused(
        &sec,
        "/api/v1/credential-resets",
        &json!({"username": "", "kind": "everything"}),
        &["username", "kind"],
    )
    .await;
}

#[tokio::test]
async fn an_admission_or_rejection_with_two_problems_names_both() {
    let t = spawn_app().await;
    let dept = t.login("district_dept").await;
    let (s, d) = send(
        &dept,
        Method::POST,
        "/api/v1/demands",
        &json!({
            "requester_node_id": t.node_id("铁东区卫生健康局").await,
            "title": "协助开展流感疫苗接种通知",
            "description": "入户通知老年人接种时间地点",
            "category": "health", "community_role": "assisting",
            "funding_yuan": "1200", "funding_source": "区级财政专项资金",
            "minutes_per_occurrence": 30, "occurrences_per_year": 12,
            "period_start": this_year_on("01-01"), "period_end": this_year_on("12-31"),
            "target_mode": "communities", "target_ids": [t.node_id("示例和平社区").await],
            "submit": true,
        }),
    )
    .await;
    assert_eq!(s, StatusCode::CREATED, "{d}");
    let id = d["id"].as_i64().unwrap();
    let approver = t.login("district_approver").await;
    refused(
        &approver,
        &format!("/api/v1/demands/{id}/admit"),
        &json!({"valid_from": "2026-02-30", "valid_to": "tomorrow", "note": ""}),
        &["valid_from", "valid_to"],
    )
    .await;
    refused(
        &approver,
        &format!("/api/v1/demands/{id}/reject"),
        &json!({"reason": " ", "clause": "9.9-9"}),
        &["reason", "clause"],
    )
    .await;
    let (_, d) = send(
        &dept,
        Method::GET,
        &format!("/api/v1/demands/{id}"),
        &json!(null),
    )
    .await;
    assert_eq!(d["status"], "submitted", "{d}");
}

#[tokio::test]
async fn a_deliberation_record_with_four_problems_names_all_four_on_the_page() {
    let t = spawn_app().await;
    let resident = t.login("resident").await;
    let (s, a) = send(
        &resident,
        Method::POST,
        "/api/v1/certificates",
        &json!({
            "type_code": "common_interest_opinion",
            "applicant_name": "示例居民张三",
            "id_number": jianfu_domain::bootstrap::DEMO_ID_NUMBER,
            "purpose": "子女入学",
            "details": "自2019年3月起居住于和平街1号。",
        }),
    )
    .await;
    assert_eq!(s, StatusCode::CREATED, "{a}");
    let id = a["id"].as_i64().unwrap();
    let worker = t.login("worker").await;
    let r = worker
        .post_form(
            &format!("/certificates/{id}/record/deliberation"),
            &[
                ("date", "2026-02-30"),
                ("participants", "三十"),
                ("outcome", "maybe"),
                ("minutes", ""),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = r.text().await.unwrap();
    assert_eq!(
        summary_links(&html),
        ["#date", "#participants", "#outcome", "#minutes"]
    );
    assert_eq!(t.audit_count("certificate.record").await, 0);
}
