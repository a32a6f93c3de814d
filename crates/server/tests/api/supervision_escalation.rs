//! Escalation of overdue rectifications (issue 14 slice 3, 5.3-3): past its due day a notice
//! the unit has not answered escalates, once, to the city's supervisor — in their inbox as
//! overdue, on the case page, in the case list's `overdue` filter and in the timeline — and each
//! run of the job is recorded for the system administrator. A case due today and an answered
//! case are not escalated. Also the notified unit's case list and the API's full case.

use reqwest::StatusCode;
use serde_json::json;

use crate::helpers::{TestApp, spawn_app};
use crate::supervision::{evidence, notice_body, verified_case};

/// Moves the clock to 10:00 in Beijing on `day` (`YYYY-MM-DD`), which must be ahead.
fn to_day(t: &TestApp, day: &str) {
    let day = chrono::NaiveDate::parse_from_str(day, "%Y-%m-%d").unwrap();
    assert!(t.move_clock_to(day), "{day} is ahead");
}

async fn escalation(t: &TestApp, id: i64) -> (Option<i64>, Option<i64>) {
    use jianfu_store::entity::supervision_case;
    use jianfu_store::orm::EntityTrait;
    let c = supervision_case::Entity::find_by_id(id)
        .one(t.app.store.db())
        .await
        .unwrap()
        .unwrap();
    (c.escalated_at, c.escalated_to_node_id)
}

#[tokio::test]
async fn an_overdue_rectification_escalates_once_to_the_city_supervisor() {
    let t = spawn_app().await;
    let sup = t.login("district_supervisor").await;
    let unit = t.node_id("铁东区卫生健康局").await;
    // Case A: nobody answers. Case B: the department answers in time.
    let a = verified_case(&t, &sup).await;
    let (s, n) = sup
        .post_api(&format!("/api/v1/cases/{a}/notice"), &notice_body(unit, 1))
        .await;
    assert_eq!(s, StatusCode::CREATED, "{n}");
    let due = n["due_on"].as_str().unwrap().to_owned();
    let b = verified_case(&t, &sup).await;
    let (s, nb) = sup
        .post_api(&format!("/api/v1/cases/{b}/notice"), &notice_body(unit, 1))
        .await;
    assert_eq!(s, StatusCode::CREATED, "{nb}");
    let dept = t.login("district_dept").await;
    let (s, v) = dept
        .post_api(
            &format!("/api/v1/cases/{b}/answer"),
            &json!({"answer": "已停止下派", "evidence": [evidence("停止通知.png", crate::certificates::PNG)]}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");

    // On the due day itself: still in time, nothing escalates.
    to_day(&t, &due);
    let r = t.app.escalate_overdue().await.unwrap();
    assert_eq!((r.examined, r.escalated), (0, 0));
    assert_eq!(escalation(&t, a).await, (None, None));
    assert_eq!(t.audit_count("case.escalate").await, 0);

    // The day after: A escalates to the city, once, even with two runs at the same time.
    t.advance_clock_ms(86_400_000);
    let (r1, r2) = tokio::join!(t.app.escalate_overdue(), t.app.escalate_overdue());
    let (r1, r2) = (r1.unwrap(), r2.unwrap());
    assert_eq!(r1.escalated + r2.escalated, 1, "{r1:?} {r2:?}");
    let city = t.node_id("鞍山市").await;
    let (at, to) = escalation(&t, a).await;
    assert!(at.is_some());
    assert_eq!(to, Some(city));
    assert_eq!(
        escalation(&t, b).await,
        (None, None),
        "answered: not escalated"
    );
    let again = t.app.escalate_overdue().await.unwrap();
    assert_eq!(again.escalated, 0, "{again:?}");
    assert_eq!(t.audit_count("case.escalate").await, 1);

    // The audit entry: the system, on the case, citing 5.3-3.
    {
        use jianfu_store::entity::audit_entry;
        use jianfu_store::orm::{ColumnTrait, EntityTrait, QueryFilter};
        let e = audit_entry::Entity::find()
            .filter(audit_entry::Column::Action.eq("case.escalate"))
            .one(t.app.store.db())
            .await
            .unwrap()
            .unwrap();
        assert_eq!(e.actor_id, None);
        assert_eq!(e.actor_name, "系统(逾期上报)");
        assert_eq!(e.target_id, Some(a.to_string()));
        let summary: serde_json::Value = serde_json::from_str(&e.summary).unwrap();
        assert_eq!(summary["clauses"], json!(["5.3-3"]));
        assert_eq!(summary["escalated_to"], "鞍山市");
        assert_eq!(summary["due_on"], due.as_str());
    }

    // Every run is recorded, finished, with what it changed.
    {
        use jianfu_store::entity::job_run;
        use jianfu_store::orm::EntityTrait;
        for (run, changed) in [(r.run_id, 0), (again.run_id, 0)] {
            let row = job_run::Entity::find_by_id(run)
                .one(t.app.store.db())
                .await
                .unwrap()
                .unwrap();
            assert_eq!(row.job, "escalate_overdue");
            assert!(row.finished_at.is_some() && row.error.is_none());
            assert_eq!(row.changed, changed);
        }
        let both = [r1.run_id, r2.run_id];
        let changed: i64 = job_run::Entity::find()
            .all(t.app.store.db())
            .await
            .unwrap()
            .iter()
            .filter(|j| both.contains(&j.id))
            .map(|j| j.changed)
            .sum();
        assert_eq!(changed, 1);
    }
    // The system administrator reads them at /admin/jobs; a supervisor may not.
    let admin = t.login("sysadmin").await;
    let (s, html) = admin.get_text("/admin/jobs").await;
    assert_eq!(s, StatusCode::OK);
    assert!(html.contains("整改逾期上报") && html.contains("data-job=\"escalate_overdue\""));
    let sup = t.login("district_supervisor").await;
    assert_eq!(sup.get("/admin/jobs").await.status(), StatusCode::FORBIDDEN);

    // The city's supervisor finds it in the inbox as overdue; the district's has no such item.
    let href = format!("/cases/{a}");
    let inbox = t.app.inbox(&t.ctx("supervisor").await).await.unwrap();
    let item = inbox
        .items
        .iter()
        .find(|i| i.href == href && i.kind_zh == "逾期未整改（已上报）")
        .expect("escalated to the city's supervisor");
    assert!(item.overdue);
    assert_eq!(item.due.unwrap().to_string(), due);
    let district = t
        .app
        .inbox(&t.ctx("district_supervisor").await)
        .await
        .unwrap();
    assert!(
        !district
            .items
            .iter()
            .any(|i| i.kind_zh == "逾期未整改（已上报）")
    );
    // The case page, the list and its filter, the timeline: 逾期 and 已上报.
    let city_sup = t.login("supervisor").await;
    let (s, html) = city_sup.get_text(&href).await;
    assert_eq!(s, StatusCode::OK);
    assert!(
        html.contains("id=\"overdue\"") && html.contains("已上报鞍山市"),
        "{html}"
    );
    assert!(
        html.contains("逾期上报") && html.contains("系统(逾期上报)"),
        "{html}"
    );
    let (_, list) = sup.get_api("/api/v1/cases?status=overdue").await;
    let items = list["items"].as_array().unwrap();
    assert_eq!(items.len(), 1, "{list}");
    assert_eq!(items[0]["id"], a);
    assert_eq!(
        (
            &items[0]["overdue"],
            &items[0]["escalated"],
            &items[0]["escalated_to"]
        ),
        (&json!(true), &json!(true), &json!("鞍山市"))
    );
    let (_, html) = sup.get_text("/cases?status=overdue").await;
    assert!(html.contains("已上报") && html.contains(&format!("href=\"/cases/{a}\"")));
    assert!(!html.contains(&format!("href=\"/cases/{b}\"")));
    let (_, one) = sup.get_api(&format!("/api/v1/cases/{a}")).await;
    assert_eq!(
        (&one["notice"]["overdue"], &one["notice"]["escalated"]),
        (&json!(true), &json!(true)),
        "{one}"
    );

    // Once the unit answers, the escalated item leaves the city's inbox; it was escalated once.
    let dept = t.login("district_dept").await;
    let (s, v) = dept
        .post_api(
            &format!("/api/v1/cases/{a}/answer"),
            &json!({"answer": "已整改", "evidence": [evidence("a.png", crate::certificates::PNG)]}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let inbox = t.app.inbox(&t.ctx("supervisor").await).await.unwrap();
    assert!(
        !inbox
            .items
            .iter()
            .any(|i| i.kind_zh == "逾期未整改（已上报）")
    );
    assert_eq!(t.app.escalate_overdue().await.unwrap().escalated, 0);
}

#[tokio::test]
async fn the_unit_lists_its_cases_and_the_api_gives_the_whole_case_without_the_reporter() {
    let t = spawn_app().await;
    let sup = t.login("district_supervisor").await;
    let unit = t.node_id("铁东区卫生健康局").await;
    let id = verified_case(&t, &sup).await;
    let other = verified_case(&t, &sup).await;
    let dept = t.login("district_dept").await;
    // Before the notice the department lists nothing (and may open the list).
    let (s, list) = dept.get_api("/api/v1/cases").await;
    assert_eq!(s, StatusCode::OK, "{list}");
    assert_eq!(list["total"], 0);
    let (s, n) = sup
        .post_api(&format!("/api/v1/cases/{id}/notice"), &notice_body(unit, 5))
        .await;
    assert_eq!(s, StatusCode::CREATED, "{n}");
    let (s, v) = dept
        .post_api(
            &format!("/api/v1/cases/{id}/answer"),
            &json!({"answer": "已停止下派", "evidence": [evidence("停止通知.png", crate::certificates::PNG)]}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");

    // The department's list: exactly the case its notice names, never the other.
    let (_, list) = dept.get_api("/api/v1/cases").await;
    let ids: Vec<i64> = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_i64().unwrap())
        .collect();
    assert_eq!(ids, vec![id]);
    let (s, html) = dept.get_text("/cases").await;
    assert_eq!(s, StatusCode::OK);
    assert!(html.contains(&format!("href=\"/cases/{id}\"")));
    assert!(!html.contains(&format!("href=\"/cases/{other}\"")));
    // Never who reported it.
    let (_, page) = dept.get_text(&format!("/cases/{id}")).await;
    assert!(!page.contains("示例和平社区工作者") && page.contains("举报人不向被督办单位公开"));

    // The API's whole case: the notice and the answers with their evidence.
    let (s, c) = dept.get_api(&format!("/api/v1/cases/{id}")).await;
    assert_eq!(s, StatusCode::OK, "{c}");
    assert_eq!(c["status"], "rectified");
    assert_eq!(c["notice"]["serial"], n["serial"]);
    assert_eq!(c["notice"]["due_on"], n["due_on"]);
    assert_eq!(
        (&c["notice"]["overdue"], &c["notice"]["escalated"]),
        (&json!(false), &json!(false))
    );
    assert_eq!(
        c["notice"]["pdf_url"],
        format!("/api/v1/cases/{id}/notice.pdf")
    );
    let answer = &c["answers"][0];
    assert_eq!(answer["body"], "已停止下派");
    assert!(answer["review"].is_null());
    let file = &answer["evidence"][0];
    assert_eq!(file["file_name"], "停止通知.png");
    assert_eq!(file["content_type"], "image/png");
    let url = file["download_url"].as_str().unwrap().to_owned();
    assert!(
        url.starts_with(&format!("/api/v1/cases/{id}/evidence/")),
        "{url}"
    );
    for who in ["district_dept", "district_supervisor", "supervisor"] {
        let r = t.login(who).await.get(&url).await;
        assert_eq!(r.status(), StatusCode::OK, "{who}");
        assert_eq!(r.headers()["content-type"], "image/png");
        assert_eq!(&r.bytes().await.unwrap()[..], crate::certificates::PNG);
    }
    // Not for another unit, nor through another case's path.
    assert_eq!(
        t.login("city_dept").await.get(&url).await.status(),
        StatusCode::FORBIDDEN
    );
    let eid = file["id"].as_i64().unwrap();
    let (s, _) = sup
        .get_api(&format!("/api/v1/cases/{other}/evidence/{eid}"))
        .await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    // A case without a notice has none, and no answers.
    let (_, c) = sup.get_api(&format!("/api/v1/cases/{other}")).await;
    assert!(c["notice"].is_null() && c["answers"] == json!([]), "{c}");
}
