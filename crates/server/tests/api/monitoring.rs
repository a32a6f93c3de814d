//! Monitoring points (减负监测点, 4.1-8; issue 14 §2): the district's supervisor designates a
//! community, its staff answer the month's checklist, every "yes" opens a supervision case
//! citing the clause that cleared it, the month due is in the point's inbox, and a month left
//! unanswered opens a case of its own through the scheduled job. Bad input changes nothing.

use chrono::Datelike;
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::auth::scalar;
use crate::helpers::{TestApp, spawn_app};

async fn counts(t: &TestApp) -> (i64, i64, i64, i64) {
    (
        scalar(t, "SELECT COUNT(*) FROM monitoring_point").await,
        scalar(t, "SELECT COUNT(*) FROM monitoring_answer").await,
        scalar(t, "SELECT COUNT(*) FROM supervision_case").await,
        scalar(t, "SELECT COUNT(*) FROM audit_entry WHERE outcome = 'ok'").await,
    )
}

fn codes(p: &Value) -> Vec<String> {
    std::iter::once(p)
        .chain(p["errors"].as_array().into_iter().flatten())
        .filter_map(|e| e["code"].as_str().map(str::to_owned))
        .collect()
}

fn all_no(month: &str) -> Value {
    json!({"month": month, "items": [
        {"item": "certificates", "yes": false},
        {"item": "plaques", "yes": false},
        {"item": "evaluations_or_forms", "yes": false},
        {"item": "seconded", "yes": false},
    ]})
}

#[tokio::test]
async fn a_point_answers_its_month_and_each_yes_opens_a_case() {
    let t = spawn_app().await;
    let sup = t.login("district_supervisor").await;
    let heping = t.node_id("示例和平社区").await;
    let xinhua = t.node_id("示例新华社区").await;

    // The demo designates 示例和平社区 with this month answered, so the list is not empty and
    // nothing is due; the test ends that designation to walk a new one from the start.
    let month = format!("{:04}-{:02}", t.today().year(), t.today().month());
    let (s, list) = sup.get_api("/api/v1/monitoring-points").await;
    assert_eq!(s, StatusCode::OK, "{list}");
    assert_eq!(list["total"], 1, "{list}");
    let demo = list["items"][0]["id"].as_i64().unwrap();
    assert_eq!(list["items"][0]["community_id"], heping, "{list}");
    assert!(list["items"][0]["due_month"].is_null(), "{list}");
    let (_, d) = sup
        .get_api(&format!("/api/v1/monitoring-points/{demo}"))
        .await;
    assert_eq!(d["answers"][0]["month"], month.as_str(), "{d}");
    assert_eq!(d["answers"][0]["status"], "answered", "{d}");
    t.app
        .end_monitoring_point(&t.ctx("district_supervisor").await, demo)
        .await
        .unwrap();

    // Designated through the page: the select offers the district's communities.
    let (s, html) = sup.get_text("/monitoring-points").await;
    assert_eq!(s, StatusCode::OK);
    assert!(
        html.contains(&format!("<option value=\"{heping}\"")),
        "{html}"
    );
    assert!(html.contains("/monitoring-points/export.xlsx"));
    let r = sup
        .post_form(
            "/monitoring-points",
            &[
                ("community_id", &heping.to_string()),
                ("note", "首批监测点"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let page = r.headers()["location"].to_str().unwrap().to_owned();
    let id: i64 = page.rsplit('/').next().unwrap().parse().unwrap();
    assert_eq!(
        t.audit_count("monitoring.designate").await,
        2,
        "the demo's and this one"
    );

    // Bad designations change nothing.
    let city = t.login("supervisor").await;
    let before = counts(&t).await;
    let (s, p) = city
        .post_api(
            "/api/v1/monitoring-points",
            &json!({"community_id": xinhua}),
        )
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN, "the city does not designate: {p}");
    let (s, p) = sup
        .post_api(
            "/api/v1/monitoring-points",
            &json!({"community_id": heping}),
        )
        .await;
    assert_eq!(
        (s, p["code"].as_str()),
        (StatusCode::CONFLICT, Some("monitoring_point_exists")),
        "{p}"
    );
    let street = t.node_id("示例一街道").await;
    let (s, p) = sup
        .post_api(
            "/api/v1/monitoring-points",
            &json!({"community_id": street}),
        )
        .await;
    assert_eq!(
        (s, p["code"].as_str()),
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            Some("monitoring_not_community")
        ),
        "{p}"
    );
    let r = sup
        .post_form("/monitoring-points", &[("community_id", "")])
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().await.unwrap().contains("请选择一个社区(村)"));
    let (before_points, before_answers, before_cases, before_ok) = before;
    let after = counts(&t).await;
    assert_eq!(
        (after.0, after.1, after.2),
        (before_points, before_answers, before_cases)
    );
    assert_eq!(after.3, before_ok, "no ok audit entry for refusals");

    // The month due is in the worker's inbox, linking to the point.
    let worker = t.login("worker").await;
    let inbox = t.app.inbox(&t.ctx("worker").await).await.unwrap();
    let due = inbox
        .items
        .iter()
        .find(|i| i.href == page)
        .expect("the month due is a to-do");
    assert!(due.title.contains(&month), "{}", due.title);
    let (s, html) = worker.get_text(&page).await;
    assert_eq!(s, StatusCode::OK);
    assert!(html.contains("报送月度监测情况") && html.contains("4.1-8"));

    // Bad answers: each with its code, nothing written.
    let api = format!("/api/v1/monitoring-points/{id}/answers");
    let before = counts(&t).await;
    let mut body = all_no(&month);
    body["items"][1] = json!({"item": "plaques", "yes": true, "description": " "});
    body["items"].as_array_mut().unwrap().pop();
    let (s, p) = worker.post_api(&api, &body).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{p}");
    let got = codes(&p);
    for c in [
        "monitoring_description_required",
        "monitoring_item_unanswered",
    ] {
        assert!(got.iter().any(|g| g == c), "{c} in {p}");
    }
    let next = t
        .today()
        .checked_add_months(chrono::Months::new(1))
        .unwrap();
    let future = format!("{:04}-{:02}", next.year(), next.month());
    let (s, p) = worker.post_api(&api, &all_no(&future)).await;
    assert_eq!(
        (s, p["code"].as_str()),
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            Some("monitoring_month_in_future")
        ),
        "{p}"
    );
    let last = t
        .today()
        .checked_sub_months(chrono::Months::new(1))
        .unwrap();
    let earlier = format!("{:04}-{:02}", last.year(), last.month());
    let (s, p) = worker.post_api(&api, &all_no(&earlier)).await;
    assert_eq!(
        (s, p["code"].as_str()),
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            Some("monitoring_month_before_designation")
        ),
        "{p}"
    );
    let (s, p) = worker.post_api(&api, &all_no("2026-13")).await;
    assert_eq!(
        (s, p["code"].as_str()),
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            Some("monitoring_month_malformed")
        ),
        "{p}"
    );
    // Another community's point: 403.
    let (s, other) = sup
        .post_api(
            "/api/v1/monitoring-points",
            &json!({"community_id": xinhua}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{other}");
    let other_id = other["id"].as_i64().unwrap();
    let before = (before.0 + 1, before.1, before.2, before.3 + 1);
    let (s, _) = worker
        .post_api(
            &format!("/api/v1/monitoring-points/{other_id}/answers"),
            &all_no(&month),
        )
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    // The page shows every problem of a refused form, with what was typed.
    let r = worker
        .post_form(
            &format!("{page}/answers"),
            &[
                ("month", month.as_str()),
                ("certificates", "yes"),
                ("certificates_description", ""),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = r.text().await.unwrap();
    assert!(
        html.contains("回答“是”时请写明具体情况") && html.contains("请回答："),
        "{html}"
    );
    assert_eq!(counts(&t).await, before);

    // Answered through the page: two "yes", two cases citing their clauses.
    let r = worker
        .post_form(
            &format!("{page}/answers"),
            &[
                ("month", month.as_str()),
                ("certificates", "yes"),
                (
                    "certificates_description",
                    "某银行要求社区出具无犯罪记录证明",
                ),
                ("plaques", "no"),
                ("evaluations_or_forms", "no"),
                ("seconded", "yes"),
                ("seconded_description", "区卫健局借调一名社区工作者三个月"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (s, d) = worker
        .get_api(&format!("/api/v1/monitoring-points/{id}"))
        .await;
    assert_eq!(s, StatusCode::OK, "{d}");
    let a = &d["answers"][0];
    assert_eq!(
        (a["month"].as_str(), a["status"].as_str()),
        (Some(month.as_str()), Some("answered"))
    );
    let cases: Vec<i64> = a["case_ids"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c.as_i64().unwrap())
        .collect();
    assert_eq!(cases.len(), 2, "{d}");
    assert!(d["point"]["due_month"].is_null(), "answered: nothing due");
    let mut clauses = Vec::new();
    for c in &cases {
        let (s, v) = sup.get_api(&format!("/api/v1/cases/{c}")).await;
        assert_eq!(s, StatusCode::OK, "{v}");
        assert_eq!(v["status"], "open", "{v}");
        clauses.push(v.to_string());
    }
    assert!(clauses.iter().any(|v| v.contains("4.5-10")), "{clauses:?}");
    assert!(clauses.iter().any(|v| v.contains("4.7-3")), "{clauses:?}");
    // The case flows on: the supervisor verifies it.
    let (s, v) = sup
        .post_api(
            &format!("/api/v1/cases/{}/decide", cases[0]),
            &json!({"decision": "verify", "opinion": "经核实属实"}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    // The month is answered once; nothing due any more.
    let before = counts(&t).await;
    let (s, p) = worker.post_api(&api, &all_no(&month)).await;
    assert_eq!(
        (s, p["code"].as_str()),
        (StatusCode::CONFLICT, Some("monitoring_month_answered")),
        "{p}"
    );
    assert_eq!(counts(&t).await, before);
    let inbox = t.app.inbox(&t.ctx("worker").await).await.unwrap();
    assert!(!inbox.items.iter().any(|i| i.href == page));

    // The month ends: the job records 示例新华社区's month missed with a case (4.1-8), once.
    let first_of_next = next.with_day(1).unwrap();
    t.move_clock_to(first_of_next);
    let run = t.app.record_missed_monitoring().await.unwrap();
    // (The demo's ended point, its month answered, has nothing due.)
    assert_eq!((run.examined, run.missed), (2, 1), "{run:?}");
    let again = t.app.record_missed_monitoring().await.unwrap();
    assert_eq!(again.missed, 0);
    // Opened by the job, in nobody's name (no longer the designating supervisor's).
    assert_eq!(
        scalar(
            &t,
            "SELECT COUNT(*) FROM supervision_case WHERE kind = 'monitoring_missed' \
             AND reported_by IS NULL AND source = 'monitoring'"
        )
        .await,
        1
    );
    // (The sessions expired while the clock moved.)
    let sup = t.login("district_supervisor").await;
    let city = t.login("supervisor").await;
    let (s, d) = sup
        .get_api(&format!("/api/v1/monitoring-points/{other_id}"))
        .await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(d["answers"][0]["status"], "missed", "{d}");
    let missed_case = d["answers"][0]["case_ids"][0].as_i64().unwrap();
    let (_, v) = sup.get_api(&format!("/api/v1/cases/{missed_case}")).await;
    assert!(v.to_string().contains("4.1-8"), "{v}");
    assert!(v.to_string().contains("未按期报送"), "{v}");

    // Ending a designation: the district's supervisor only, once.
    let (s, _) = city
        .post_api(
            &format!("/api/v1/monitoring-points/{other_id}/end"),
            &json!({}),
        )
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, v) = sup
        .post_api(
            &format!("/api/v1/monitoring-points/{other_id}/end"),
            &json!({}),
        )
        .await;
    assert_eq!(
        (s, v["status"].as_str()),
        (StatusCode::OK, Some("ended")),
        "{v}"
    );
    let (s, p) = sup
        .post_api(
            &format!("/api/v1/monitoring-points/{other_id}/end"),
            &json!({}),
        )
        .await;
    assert_eq!(
        (s, p["code"].as_str()),
        (StatusCode::CONFLICT, Some("monitoring_point_ended")),
        "{p}"
    );
}
