//! Supervision cases (issue 14, slice 1): a supervisor of the case's jurisdiction opens it from
//! the inbox, sees its history, and verifies it or dismisses it with a reason; nobody else can,
//! bad input changes nothing, and a decided case cannot be decided again.

use reqwest::StatusCode;
use serde_json::json;

use crate::auth::scalar;
use crate::helpers::{Browser, TestApp, spawn_app};

async fn status_of(t: &TestApp, id: i64) -> String {
    use jianfu_store::entity::supervision_case;
    use jianfu_store::orm::EntityTrait;
    supervision_case::Entity::find_by_id(id)
        .one(t.app.store.db())
        .await
        .unwrap()
        .unwrap()
        .status
}

/// The demo worker of 示例和平社区 reports an unadmitted demand; the case's id.
pub(crate) async fn report_case(t: &TestApp, worker: &Browser, description: &str) -> i64 {
    let (s, report) = worker
        .post_api(
            "/api/v1/reports",
            &json!({
                "community_id": t.node_id("示例和平社区").await,
                "demanding_unit": "铁东区某局",
                "description": description,
                "claimed_number": "",
            }),
        )
        .await;
    assert!(s.is_success(), "{report}");
    report["id"].as_i64().unwrap()
}

#[tokio::test]
async fn a_supervisor_verifies_or_dismisses_a_case_and_its_history_shows_it() {
    let t = spawn_app().await;
    let worker = t.login("worker").await;
    let id = report_case(&t, &worker, "要求每周报送照片台账，未出示准入编号").await;
    let page = format!("/cases/{id}");
    let decide = format!("/cases/{id}/decide");

    // The district's supervisor finds it in the inbox and opens it: open, reported by the worker.
    let sup = t.login("district_supervisor").await;
    let (_, inbox) = sup.get_text("/inbox").await;
    assert!(inbox.contains(&format!("href=\"{page}\"")), "{inbox}");
    let (s, html) = sup.get_text(&page).await;
    assert_eq!(s, StatusCode::OK);
    assert!(html.contains(">待核实<"), "{html}");
    assert!(
        html.contains("办理过程") && html.contains("举报问题"),
        "{html}"
    );
    assert!(html.contains(&format!("action=\"{decide}\"")), "{html}");
    // The list links to it.
    let (_, list) = sup.get_text("/cases").await;
    assert!(list.contains(&format!("href=\"{page}\"")));

    // Others: the reporting worker may not open it nor decide.
    assert_eq!(worker.get(&page).await.status(), StatusCode::FORBIDDEN);
    let r = worker
        .post_form(&decide, &[("decision", "verify"), ("opinion", "")])
        .await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);

    // Bad input: dismissal without a reason, an unknown decision — nothing changes.
    let r = sup
        .post_form(&decide, &[("decision", "dismiss"), ("opinion", "无")])
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = r.text().await.unwrap();
    assert!(html.contains("请写明不予立案的理由"), "{html}");
    assert!(
        html.contains(">无</textarea>"),
        "the opinion is kept: {html}"
    );
    let r = sup
        .post_form(&decide, &[("decision", "close"), ("opinion", "")])
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let long = "长".repeat(501);
    let r = sup
        .post_form(&decide, &[("decision", "verify"), ("opinion", &long)])
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(status_of(&t, id).await, "open");
    assert_eq!(t.audit_count("case.dismiss").await, 0);

    // Verified, with an opinion: the state, the step with its opinion and clauses.
    let r = sup
        .post_form(
            &decide,
            &[("decision", "verify"), ("opinion", "已电话核实，情况属实")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(status_of(&t, id).await, "verified");
    assert_eq!(t.audit_count("case.verify").await, 1);
    let (_, html) = sup.get_text(&page).await;
    assert!(html.contains(">已核实<"), "{html}");
    assert!(
        html.contains("核实问题线索") && html.contains("已电话核实，情况属实"),
        "{html}"
    );
    assert!(html.contains("href=\"/policy#5.3-2\""), "{html}");
    assert!(
        !html.contains(&format!("action=\"{decide}\"")),
        "no second decision offered"
    );
    // Deciding again is a conflict and changes nothing.
    let r = sup
        .post_form(
            &decide,
            &[("decision", "dismiss"), ("opinion", "重复举报，不予立案")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::CONFLICT);
    assert_eq!(status_of(&t, id).await, "verified");
    // It has left the inbox.
    let (_, inbox) = sup.get_text("/inbox").await;
    assert!(!inbox.contains(&format!("href=\"{page}\"")));
    // The API says the same.
    let (s, v) = sup.get_api(&format!("/api/v1/cases/{id}")).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(
        (v["status"].as_str(), v["clause"].as_str()),
        (Some("verified"), Some("4.2-5"))
    );
}

#[tokio::test]
async fn the_api_decides_a_case_and_refuses_bad_input() {
    let t = spawn_app().await;
    let worker = t.login("worker").await;
    let id = report_case(&t, &worker, "要求填报未准入的统计表").await;
    let decide = format!("/api/v1/cases/{id}/decide");
    let sup = t.login("supervisor").await;
    let (s, v) = sup.get_api(&format!("/api/v1/cases/{id}")).await;
    assert_eq!((s, v["status"].as_str()), (StatusCode::OK, Some("open")));
    let (s, v) = sup.get_api("/api/v1/cases").await;
    assert_eq!(s, StatusCode::OK);
    assert!(
        v["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|c| c["status"].is_string())
    );
    // Bad input: an unknown decision, a dismissal without its reason, an unknown field.
    for (body, code) in [
        (json!({"decision": "close"}), "decision_invalid"),
        (
            json!({"decision": "dismiss", "opinion": " "}),
            "dismiss_reason_required",
        ),
    ] {
        let (s, p) = sup.post_api(&decide, &body).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{p}");
        assert_eq!(p["code"], code, "{p}");
    }
    let (s, _) = sup
        .post_api(&decide, &json!({"decision": "verify", "note": "x"}))
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    let (s, _) = sup.get_api("/api/v1/cases/999999").await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    assert_eq!(status_of(&t, id).await, "open");
    // Dismissed with a reason; then a second decision conflicts.
    let (s, v) = sup
        .post_api(
            &decide,
            &json!({"decision": "dismiss", "opinion": "该局已撤回，未实际下派"}),
        )
        .await;
    assert_eq!(
        (s, v["status"].as_str()),
        (StatusCode::OK, Some("dismissed")),
        "{v}"
    );
    let (s, p) = sup.post_api(&decide, &json!({"decision": "verify"})).await;
    assert_eq!(
        (s, p["code"].as_str()),
        (StatusCode::CONFLICT, Some("case_already_decided"))
    );
    // Not a supervisor: refused.
    let (s, _) = worker
        .post_api(&decide, &json!({"decision": "verify"}))
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn only_supervisors_whose_jurisdiction_covers_the_case_decide_it() {
    let t = spawn_app().await;
    // A case at 示例繁荣社区 (铁西区): outside 铁东区's supervisor, inside the city's.
    let community = t.node_id("示例繁荣社区").await;
    let reporter = t.account_id("worker").await;
    t.sql(&format!(
        "INSERT INTO supervision_case (kind, status, community_node_id, reported_by, \
         demanding_unit, description, claimed_number, demand_id, finding, plaque_id, created_at, \
         updated_at) VALUES ('unadmitted_demand', 'open', {community}, {reporter}, '铁西区某局', \
         '未经准入的材料报送', NULL, NULL, \
         '{{\"clause\":\"4.2-5\",\"code\":\"unadmitted_demand\",\"message\":\"未经准入\"}}', NULL, 0, 0)"
    ))
    .await;
    let id = scalar(&t, "SELECT MAX(id) FROM supervision_case").await;
    let district = t.login("district_supervisor").await;
    assert_eq!(
        district.get(&format!("/cases/{id}")).await.status(),
        StatusCode::FORBIDDEN
    );
    let r = district
        .post_form(
            &format!("/cases/{id}/decide"),
            &[("decision", "dismiss"), ("opinion", "不属于本区管辖范围")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    assert_eq!(status_of(&t, id).await, "open");
    let city = t.login("supervisor").await;
    let r = city
        .post_form(
            &format!("/cases/{id}/decide"),
            &[("decision", "dismiss"), ("opinion", "经核查该局已撤回要求")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(status_of(&t, id).await, "dismissed");
    let (_, html) = city.get_text(&format!("/cases/{id}")).await;
    assert!(
        html.contains(">不予立案<") && html.contains("经核查该局已撤回要求"),
        "{html}"
    );
    assert_eq!(
        t.audit_count("case.dismiss").await,
        1,
        "the dismissal is audited"
    );
}
