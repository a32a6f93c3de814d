//! Reports of the same violation grouped into one case (5.3-2), the reporter following its
//! reports from its own list, and a closed case reopened when the violation recurs (5.3-3;
//! issue 14 §1).

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::auth::scalar;
use crate::helpers::{Browser, TestApp, spawn_app};

async fn report(t: &TestApp, worker: &Browser, unit: &str, description: &str) -> i64 {
    let (s, v) = worker
        .post_api(
            "/api/v1/reports",
            &json!({
                "community_id": t.node_id("示例和平社区").await,
                "demanding_unit": unit,
                "description": description,
                "claimed_number": "",
            }),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    v["id"].as_i64().unwrap()
}

async fn rows(t: &TestApp, table: &str) -> i64 {
    scalar(t, &format!("SELECT COUNT(*) FROM {table}")).await
}

async fn mine(c: &Browser) -> Value {
    let (s, v) = c.get_api("/api/v1/reports/mine").await;
    assert_eq!(s, StatusCode::OK, "{v}");
    v
}

fn texts<'a>(v: &'a Value, key: &str) -> Vec<&'a str> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|x| x[key].as_str().unwrap())
        .collect()
}

#[tokio::test]
async fn reports_of_the_same_violation_are_one_case_that_lists_every_report() {
    let t = spawn_app().await;
    let worker = t.login("worker").await;
    let sup = t.login("district_supervisor").await;
    let cases_before = rows(&t, "supervision_case").await;

    let first = report(&t, &worker, "铁东区文明办", "要求社区每周报送创城工作台账").await;
    // Reworded, with other spacing and punctuation in the unit's name: the same violation.
    let again = report(
        &t,
        &worker,
        "铁东区 文明办",
        "要求社区每周报送创城工作台账（纸质版）",
    )
    .await;
    assert_eq!(again, first, "grouped into the first report's case");
    // Another unit, or another demand of the same unit: cases of their own.
    let other_unit = report(&t, &worker, "铁东区城管局", "要求社区每周报送创城工作台账").await;
    let other_title = report(&t, &worker, "铁东区文明办", "要求社区填报防汛物资统计表").await;
    assert!(other_unit != first && other_title != first && other_unit != other_title);
    assert_eq!(rows(&t, "supervision_case").await, cases_before + 3);
    assert_eq!(t.audit_count("case.group").await, 1);
    assert_eq!(t.audit_count("case.report").await, 3);

    // The supervisor's case lists both reports, with the clause of the grouping.
    let (s, c) = sup.get_api(&format!("/api/v1/cases/{first}")).await;
    assert_eq!(s, StatusCode::OK, "{c}");
    assert_eq!(texts(&c["reports"], "grouping"), ["first", "join"]);
    assert_eq!(
        texts(&c["reports"], "description"),
        [
            "要求社区每周报送创城工作台账",
            "要求社区每周报送创城工作台账（纸质版）"
        ]
    );
    assert_eq!(texts(&c["reports"], "reporter"), ["示例和平社区工作者"; 2]);
    assert_eq!(c["status"], "open");
    let (_, html) = sup.get_text(&format!("/cases/{first}")).await;
    assert!(html.contains("同一问题的举报（2 次"), "{html}");
    assert!(html.contains("同一问题，已并入该线索"), "{html}");
    assert!(html.contains("href=\"/policy#5.3-2\""), "{html}");
    // Its history shows the grouping.
    assert!(html.contains("同一问题并入线索"), "{html}");
    // A case with one report shows no list.
    let (_, html) = sup.get_text(&format!("/cases/{other_unit}")).await;
    assert!(!html.contains("id=\"reports\""), "{html}");

    // The worker follows its four reports, newest first, with the case each went to.
    let m = mine(&worker).await;
    assert_eq!(m["total"], 4);
    let items = &m["items"];
    let case_ids: Vec<i64> = items
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["case_id"].as_i64().unwrap())
        .collect();
    assert_eq!(case_ids, [other_title, other_unit, first, first]);
    assert_eq!(
        texts(items, "grouping"),
        ["first", "first", "join", "first"]
    );
    assert_eq!(items[2]["reports_on_case"], 2);
    assert_eq!(items[0]["reports_on_case"], 1);
    assert_eq!(texts(items, "case_status"), ["open"; 4]);

    // The supervisor verifies the grouped case: the worker sees it on both of its reports.
    let (s, v) = sup
        .post_api(
            &format!("/api/v1/cases/{first}/decide"),
            &json!({"decision": "verify", "opinion": "属实"}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let m = mine(&worker).await;
    assert_eq!(
        texts(&m["items"], "case_status"),
        ["open", "open", "verified", "verified"]
    );
    let (s, html) = worker.get_text("/reports/mine").await;
    assert_eq!(s, StatusCode::OK);
    assert!(html.contains("已核实") && html.contains("2 次"), "{html}");
    assert!(html.contains("同一问题，已并入该线索"), "{html}");
    assert!(
        html.contains("href=\"/reports/mine/export.xlsx\""),
        "{html}"
    );
    // A report filed after the verification still joins the case being dealt with.
    let third = report(&t, &worker, "铁东区文明办", "要求社区每周报送创城台账").await;
    assert_eq!(third, first);
    let (_, c) = sup.get_api(&format!("/api/v1/cases/{first}")).await;
    assert_eq!(texts(&c["reports"], "grouping"), ["first", "join", "join"]);
    assert_eq!(c["status"], "verified", "joining does not move the case");
}

#[tokio::test]
async fn a_report_outside_the_window_or_of_a_dismissed_case_opens_a_new_case() {
    let t = spawn_app().await;
    let worker = t.login("worker").await;
    let sup = t.login("district_supervisor").await;
    let first = report(&t, &worker, "铁东区文明办", "要求社区每周报送创城工作台账").await;
    // Dismissed: a later report of it is a new case.
    let (s, v) = sup
        .post_api(
            &format!("/api/v1/cases/{first}/decide"),
            &json!({"decision": "dismiss", "opinion": "该事项已准入，不属实"}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let second = report(&t, &worker, "铁东区文明办", "要求社区每周报送创城工作台账").await;
    assert_ne!(second, first);
    // 91 days after the last report, the window (90 days) has passed: the reports are dated
    // back 91 days (moving the clock that far would expire the demo passwords).
    t.sql("UPDATE case_report SET created_at = created_at - 7862400000")
        .await;
    let third = report(&t, &worker, "铁东区文明办", "要求社区每周报送创城工作台账").await;
    assert_ne!(third, second);
    assert_eq!(t.audit_count("case.group").await, 0);
    assert_eq!(t.audit_count("case.reopen").await, 0);
}

#[tokio::test]
async fn a_recurring_violation_reopens_the_closed_case_with_its_history() {
    let t = spawn_app().await;
    let sup = t.login("district_supervisor").await;
    let id = crate::bulletins::closed_case(&t, &sup).await;
    let (_, c) = sup.get_api(&format!("/api/v1/cases/{id}")).await;
    assert_eq!(c["status"], "closed");
    let unit = c["demanding_unit"].as_str().unwrap().to_owned();
    let description = c["description"].as_str().unwrap().to_owned();

    // The same day it closed: not yet a recurrence, a case of its own.
    let worker = t.login("worker").await;
    let same_day = report(&t, &worker, &unit, &description).await;
    assert_ne!(same_day, id);

    // Two days later the violation recurs: the closed case is reopened, not a new one (the
    // same day's case, still open, would take it first: dismiss it).
    let (s, v) = sup
        .post_api(
            &format!("/api/v1/cases/{same_day}/decide"),
            &json!({"decision": "dismiss", "opinion": "原问题线索刚办结，不重复立案"}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    t.advance_clock_ms(2 * 86_400_000);
    let worker = t.login("worker").await;
    let sup = t.login("district_supervisor").await;
    let cases = rows(&t, "supervision_case").await;
    let reopened = report(&t, &worker, &unit, &format!("{description}，又来了")).await;
    assert_eq!(reopened, id);
    assert_eq!(rows(&t, "supervision_case").await, cases);
    assert_eq!(t.audit_count("case.reopen").await, 1);
    let (_, c) = sup.get_api(&format!("/api/v1/cases/{id}")).await;
    assert_eq!(c["status"], "open");
    assert_eq!(
        texts(&c["reports"], "grouping").last().copied(),
        Some("reopen")
    );
    // The page: 待核实 again, the report listed with 5.3-3, and the whole history kept.
    let (_, html) = sup.get_text(&format!("/cases/{id}")).await;
    assert!(html.contains(">待核实<"), "{html}");
    assert!(html.contains("问题复发，已重新打开该线索"), "{html}");
    assert!(html.contains("href=\"/policy#5.3-3\""), "{html}");
    assert!(
        html.contains("办结") && html.contains("问题复发，重新打开线索"),
        "{html}"
    );
    // The supervisor can verify it again.
    let (s, v) = sup
        .post_api(
            &format!("/api/v1/cases/{id}/decide"),
            &json!({"decision": "verify", "opinion": "复查属实"}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    // The worker sees its report went to the reopened case.
    let m = mine(&worker).await;
    assert_eq!(m["items"][0]["case_id"], id);
    assert_eq!(m["items"][0]["grouping"], "reopen");
    assert_eq!(m["items"][0]["case_status"], "verified");
}

#[tokio::test]
async fn only_reporting_staff_have_a_list_of_their_reports_and_the_unit_never_sees_who() {
    let t = spawn_app().await;
    for who in ["district_supervisor", "district_dept", "resident"] {
        let c = t.login(who).await;
        let (s, _) = c.get_api("/api/v1/reports/mine").await;
        assert_eq!(s, StatusCode::FORBIDDEN, "{who}");
        assert_eq!(
            c.get("/reports/mine").await.status(),
            StatusCode::FORBIDDEN,
            "{who}"
        );
    }
    // A worker who reported nothing has an empty list.
    let worker = t.login("worker").await;
    let m = mine(&worker).await;
    assert_eq!(m["total"], 0);
    let (_, html) = worker.get_text("/reports/mine").await;
    assert!(html.contains("id=\"no-reports\""), "{html}");
    // Bad paging is refused.
    let (s, v) = worker.get_api("/api/v1/reports/mine?per_page=0").await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
}
