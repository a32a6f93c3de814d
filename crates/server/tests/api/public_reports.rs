//! Anonymous public reports (issue 14 §1): a resident reports from the public page without an
//! account, gets a one-time follow-up code, and reads the case's public status with it; the
//! supervisors and the notified department never see who reported; unknown codes get one
//! neutral answer and are limited; bad reports change nothing.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::auth::scalar;
use crate::helpers::{TestApp, client, csrf_in, spawn_app};
use crate::supervision::notice_body;

async fn counts(t: &TestApp) -> (i64, i64) {
    (
        scalar(t, "SELECT COUNT(*) FROM supervision_case").await,
        scalar(t, "SELECT COUNT(*) FROM audit_entry WHERE outcome = 'ok'").await,
    )
}

fn report() -> Value {
    json!({
        "community": "示例和平社区",
        "demanding_unit": "铁东区卫生健康局",
        "description": "要求社区每周报送入户走访照片台账，没有准入编号",
    })
}

async fn public_post(t: &TestApp, path: &str, body: &Value) -> (StatusCode, Value) {
    let r = client().post(t.url(path)).json(body).send().await.unwrap();
    let s = r.status();
    (s, r.json().await.unwrap_or(Value::Null))
}

#[tokio::test]
async fn a_resident_reports_anonymously_and_follows_the_case_with_the_code() {
    let t = spawn_app().await;
    let before = counts(&t).await;

    // The public page, without logging in: its form carries the double-submit token.
    let c = client();
    let html = c.get(t.url("/report-violation")).send().await.unwrap();
    assert_eq!(html.status(), StatusCode::OK);
    let html = html.text().await.unwrap();
    assert!(html.contains("4.2-5") && html.contains("5.3-1"), "{html}");
    let token = csrf_in(&html).expect("the form has a token");
    let r = c
        .post(t.url("/report-violation"))
        .form(&[
            ("csrf_token", token.as_str()),
            ("community", "示例和平社区"),
            ("demanding_unit", "铁东区卫生健康局"),
            (
                "description",
                "要求社区每月报送入户走访照片台账，未见准入编号",
            ),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let receipt = r.text().await.unwrap();
    let doc = scraper::Html::parse_document(&receipt);
    let sel = scraper::Selector::parse("#follow-up-code").unwrap();
    let code = doc
        .select(&sel)
        .next()
        .expect("the code is shown once")
        .text()
        .collect::<String>();
    assert_eq!(code.len(), 19, "{code}");
    let after = counts(&t).await;
    assert_eq!((after.0, after.1), (before.0 + 1, before.1 + 1));
    assert_eq!(t.audit_count("case.public_report").await, 1);
    // Only the hash is stored; no account reported it; its source says so.
    let id = scalar(&t, "SELECT MAX(id) FROM supervision_case").await;
    assert_eq!(
        scalar(
            &t,
            &format!(
                "SELECT COUNT(*) FROM supervision_case WHERE id = {id} AND reported_by IS NULL \
                 AND source = 'public_complaint' AND follow_up_hash IS NOT NULL \
                 AND follow_up_hash NOT LIKE '%{}%'",
                &code[..4]
            )
        )
        .await,
        1
    );
    // The audit administrator alone can trace the report: its entry keeps the address.
    assert_eq!(
        scalar(
            &t,
            &format!(
                "SELECT COUNT(*) FROM audit_entry WHERE action = 'case.public_report' \
                 AND actor_id IS NULL AND target_id = '{id}' AND ip IS NOT NULL"
            )
        )
        .await,
        1
    );
    let auditor = t.login("auditor").await;
    let (s, log) = auditor
        .get_api("/api/v1/audit?action=case.public_report")
        .await;
    assert_eq!(s, StatusCode::OK, "{log}");
    assert!(log.to_string().contains("case.public_report"), "{log}");

    // The follow-up page shows the public status only.
    let page = c.get(t.url("/cases/follow-up")).send().await.unwrap();
    let token = csrf_in(&page.text().await.unwrap()).unwrap();
    let r = c
        .post(t.url("/cases/follow-up"))
        .form(&[
            ("csrf_token", token.as_str()),
            ("code", &code.to_lowercase()),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let status = r.text().await.unwrap();
    assert!(
        status.contains("待核实") && status.contains("4.2-5"),
        "{status}"
    );
    assert!(status.contains("示例和平社区"), "{status}");

    // The district's supervisor sees the case, never who reported it.
    let sup = t.login("district_supervisor").await;
    let (s, v) = sup.get_api(&format!("/api/v1/cases/{id}")).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["source"], "public_complaint", "{v}");
    let (_, html) = sup.get_text(&format!("/cases/{id}")).await;
    assert!(html.contains("匿名举报人（不公开）"), "{html}");
    assert!(
        !html.contains("127.0.0.1"),
        "the address is the audit log's only"
    );
    // It goes through the workflow: verified, then a notice to the department.
    let (s, v) = sup
        .post_api(
            &format!("/api/v1/cases/{id}/decide"),
            &json!({"decision": "verify", "opinion": "经电话核实属实（内部意见）"}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let unit = t.node_id("铁东区卫生健康局").await;
    let (s, n) = sup
        .post_api(&format!("/api/v1/cases/{id}/notice"), &notice_body(unit, 7))
        .await;
    assert_eq!(s, StatusCode::CREATED, "{n}");
    // The department sees the case about itself without any reporter.
    let dept = t.login("district_dept").await;
    let (s, html) = dept.get_text(&format!("/cases/{id}")).await;
    assert_eq!(s, StatusCode::OK);
    assert!(!html.contains("匿名举报人"), "{html}");
    let (_, v) = dept.get_api(&format!("/api/v1/cases/{id}")).await;
    assert!(!v.to_string().contains("匿名举报人"), "{v}");

    // The API follow-up: state and deadline, no names, no opinions.
    let (s, f) = public_post(&t, "/api/v1/cases/follow-up", &json!({"code": code})).await;
    assert_eq!(s, StatusCode::OK, "{f}");
    assert_eq!(f["status"], "rectifying", "{f}");
    assert_eq!(f["clause"], "4.2-5");
    assert!(f["due_on"].is_string(), "{f}");
    let text = f.to_string();
    for hidden in [
        "内部意见",
        "示例铁东区民政局监督员",
        "铁东区卫生健康局",
        "127.0.0.1",
    ] {
        assert!(!text.contains(hidden), "{hidden} in {f}");
    }
}

#[tokio::test]
async fn the_api_reports_and_bad_reports_change_nothing() {
    let t = spawn_app().await;
    let (s, r) = public_post(&t, "/api/v1/public-reports", &report()).await;
    assert_eq!(s, StatusCode::CREATED, "{r}");
    let code = r["follow_up_code"].as_str().unwrap().to_owned();
    let (s, f) = public_post(&t, "/api/v1/cases/follow-up", &json!({"code": code})).await;
    assert_eq!(
        (s, f["status"].as_str()),
        (StatusCode::OK, Some("open")),
        "{f}"
    );

    let before = counts(&t).await;
    // Every problem at once, each with its field.
    let (s, p) = public_post(
        &t,
        "/api/v1/public-reports",
        &json!({"community": "", "demanding_unit": " ", "description": "太短"}),
    )
    .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{p}");
    let codes: Vec<&str> = std::iter::once(&p)
        .chain(p["errors"].as_array().into_iter().flatten())
        .filter_map(|e| e["code"].as_str())
        .collect();
    for c in [
        "community_required",
        "demanding_unit_required",
        "description_required",
    ] {
        assert!(codes.contains(&c), "{c} in {p}");
    }
    let mut body = report();
    body["community"] = json!("不存在的社区");
    let (s, p) = public_post(&t, "/api/v1/public-reports", &body).await;
    assert_eq!(
        (s, p["code"].as_str(), p["field"].as_str()),
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            Some("community_not_found"),
            Some("community")
        ),
        "{p}"
    );
    // A street is not a community.
    body["community"] = json!("示例一街道");
    let (s, p) = public_post(&t, "/api/v1/public-reports", &body).await;
    assert_eq!(p["code"], "community_not_found", "{s} {p}");
    // The page without its token: the form again, nothing filed.
    let r = client()
        .post(t.url("/report-violation"))
        .form(&[
            ("community", "示例和平社区"),
            ("demanding_unit", "铁东区卫生健康局"),
            ("description", "要求社区每月报送入户走访照片台账"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    assert!(r.text().await.unwrap().contains("安全校验"));
    assert_eq!(counts(&t).await, before);

    // Five reports an hour per address (one filed above).
    for _ in 0..4 {
        let (s, r) = public_post(&t, "/api/v1/public-reports", &report()).await;
        assert_eq!(s, StatusCode::CREATED, "{r}");
    }
    let before = counts(&t).await;
    let (s, p) = public_post(&t, "/api/v1/public-reports", &report()).await;
    assert_eq!(
        (s, p["code"].as_str()),
        (
            StatusCode::TOO_MANY_REQUESTS,
            Some("public_report_rate_limited")
        ),
        "{p}"
    );
    assert_eq!(counts(&t).await, before);
}

#[tokio::test]
async fn unknown_codes_get_one_neutral_answer_and_are_limited() {
    let t = spawn_app().await;
    let (_, r) = public_post(&t, "/api/v1/public-reports", &report()).await;
    let code = r["follow_up_code"].as_str().unwrap().to_owned();
    let before = counts(&t).await;
    // One character off, another well-formed code, a malformed one: the same answer.
    let mut near = code.clone().into_bytes();
    near[0] = if near[0] == b'A' { b'B' } else { b'A' };
    let near = String::from_utf8(near).unwrap();
    let mut answers = Vec::new();
    for c in [near.as_str(), "ABCD-EFGH-JKMN-PQRS", "123", ""] {
        let (s, p) = public_post(&t, "/api/v1/cases/follow-up", &json!({"code": c})).await;
        assert_eq!(s, StatusCode::NOT_FOUND, "{c}: {p}");
        assert_eq!(p["code"], "follow_up_unknown");
        answers.push(p["detail"].clone());
    }
    assert!(answers.windows(2).all(|w| w[0] == w[1]), "{answers:?}");
    assert_eq!(counts(&t).await, before);
    // Ten misses in ten minutes from one address, then even the right code waits.
    for _ in 0..6 {
        let (s, _) = public_post(&t, "/api/v1/cases/follow-up", &json!({"code": near})).await;
        assert_eq!(s, StatusCode::NOT_FOUND);
    }
    let (s, p) = public_post(&t, "/api/v1/cases/follow-up", &json!({"code": code})).await;
    assert_eq!(
        (s, p["code"].as_str()),
        (
            StatusCode::TOO_MANY_REQUESTS,
            Some("follow_up_rate_limited")
        ),
        "{p}"
    );
    t.advance_clock_ms(10 * 60 * 1000 + 1);
    let (s, p) = public_post(&t, "/api/v1/cases/follow-up", &json!({"code": code})).await;
    assert_eq!(s, StatusCode::OK, "{p}");
}
