//! Detectors on data (issue 14 §2, 4.1-8): an application for a discontinued certificate type
//! after its day, a plaque registered with the name of a plaque removed earlier in the same
//! unit, a demand whose title matches a revoked demand of the same department — each opens
//! exactly one case with the match shown and its clauses; a second run opens none; rows that
//! do not match (the day itself, another name, another department) open none; the case is seen
//! by its district's supervisor and not by another district's.

use reqwest::StatusCode;
use serde_json::Value;

use crate::auth::scalar;
use crate::helpers::{Browser, TestApp, spawn_app};

async fn tiexi_supervisor(t: &TestApp) -> Browser {
    let node = t.node_id("铁西区民政局").await;
    t.app
        .add_account_as_operator(
            "tiexi.detect",
            "示例铁西区民政局监督员",
            &node.to_string(),
            &[jianfu_domain::Role::Supervisor],
            "Tie#xi2026det",
            false,
        )
        .await
        .unwrap();
    t.login_with("tiexi.detect", "Tie#xi2026det")
        .await
        .unwrap_or_else(|_| panic!("login"))
}

async fn case_of(t: &TestApp, kind: &str, subject: i64) -> i64 {
    scalar(
        t,
        &format!("SELECT case_id FROM detection WHERE kind = '{kind}' AND subject_id = {subject}"),
    )
    .await
}

async fn cases_of_kind(t: &TestApp, kind: &str) -> i64 {
    scalar(
        t,
        &format!("SELECT COUNT(*) FROM supervision_case WHERE kind = '{kind}'"),
    )
    .await
}

fn clauses(d: &Value) -> Vec<&str> {
    d["clauses"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(Value::as_str)
        .collect()
}

#[tokio::test]
async fn each_detector_opens_one_case_with_the_match_and_a_second_run_none() {
    let t = spawn_app().await;
    // The demo data holds no relapse.
    let first = t.app.run_data_detectors().await.unwrap();
    assert_eq!(first.flagged, 0, "{first:?}");
    let cases_before = scalar(&t, "SELECT COUNT(*) FROM supervision_case").await;
    let detect_audits = t.audit_count("case.detect").await;
    let now = t.app.now_ms();

    // 1. Certificates: a discontinued type no application names yet, discontinued on 01-10;
    // one application received the day after (a relapse), one the day itself (not yet).
    let ty = scalar(
        &t,
        "SELECT MIN(id) FROM certificate_type t WHERE listing = 'discontinued' AND NOT EXISTS \
         (SELECT 1 FROM certificate_application a WHERE a.type_id = t.id)",
    )
    .await;
    let (app_after, app_same) = (
        scalar(&t, "SELECT MIN(id) FROM certificate_application").await,
        scalar(&t, "SELECT MAX(id) FROM certificate_application").await,
    );
    assert_ne!(app_after, app_same, "the demo has two applications");
    t.sql(&format!(
        "UPDATE certificate_type SET discontinued_on = '2026-01-10' WHERE id = {ty}"
    ))
    .await;
    t.sql(&format!(
        "UPDATE certificate_application SET type_id = {ty}, received_on = '2026-01-11', \
         demanded_by = '铁东区某银行网点' WHERE id = {app_after}"
    ))
    .await;
    t.sql(&format!(
        "UPDATE certificate_application SET type_id = {ty}, received_on = '2026-01-10' \
         WHERE id = {app_same}"
    ))
    .await;

    // 2. Plaques: 示例和平社区's “综合治理工作站” removed on 01-05; the same name registered
    // again (spaces aside) is a relapse, an unrelated name is not.
    let heping = t.node_id("示例和平社区").await;
    let old = scalar(
        &t,
        &format!(
            "SELECT MIN(id) FROM plaque WHERE unit_node_id = {heping} AND name = '综合治理工作站'"
        ),
    )
    .await;
    t.sql(&format!(
        "UPDATE plaque SET status = 'removed', removed_on = '2026-01-05' WHERE id = {old}"
    ))
    .await;
    for name in ["综合治理 工作站", "老年人协会活动室"] {
        t.sql(&format!(
            "INSERT INTO plaque (unit_node_id, name, placement, kind, location, since, status, \
             decision, compliant, checked_at, created_at, updated_at) SELECT unit_node_id, \
             '{name}', placement, kind, location, since, 'hanging', decision, false, checked_at, \
             {now}, {now} FROM plaque WHERE id = {old}"
        ))
        .await;
    }
    let new_plaque = scalar(
        &t,
        &format!(
            "SELECT id FROM plaque WHERE name = '综合治理 工作站' AND unit_node_id = {heping}"
        ),
    )
    .await;
    let other_plaque = scalar(&t, "SELECT id FROM plaque WHERE name = '老年人协会活动室'").await;

    // 3. Demands: an admitted demand of 铁东区卫生健康局 revoked yesterday; a similar title
    // submitted again by the same department is a relapse, by another department it is not.
    let dept = t.node_id("铁东区卫生健康局").await;
    let other_dept = t.node_id("铁东区民政局").await;
    let revoked = scalar(
        &t,
        &format!(
            "SELECT MIN(id) FROM demand WHERE requester_node_id = {dept} AND status = 'admitted'"
        ),
    )
    .await;
    let yesterday = now - 86_400_000;
    t.sql(&format!(
        "UPDATE demand SET status = 'revoked', revoked_at = {yesterday}, \
         title = '社区慢病随访季度汇总表', admission_number = 'JF-DETECT-9001' WHERE id = {revoked}"
    ))
    .await;
    let number = "JF-DETECT-9001";
    for (title, requester) in [
        ("社区慢病随访季度汇总报表", dept),
        ("社区慢病随访季度汇总表", other_dept),
    ] {
        t.sql(&format!(
            "INSERT INTO demand (kind, title, description, requester_node_id, \
             requester_account_id, level, scope_node_id, status, details, \
             minutes_per_occurrence, occurrences_per_year, period_start, period_end, \
             submitted_at, created_at, updated_at) SELECT kind, '{title}', description, \
             {requester}, requester_account_id, level, scope_node_id, 'submitted', details, \
             minutes_per_occurrence, occurrences_per_year, period_start, period_end, {now}, \
             {now}, {now} FROM demand WHERE id = {revoked}"
        ))
        .await;
    }
    let again = scalar(
        &t,
        &format!("SELECT id FROM demand WHERE title = '社区慢病随访季度汇总报表' AND requester_node_id = {dept}"),
    )
    .await;
    let elsewhere = scalar(
        &t,
        &format!("SELECT id FROM demand WHERE requester_node_id = {other_dept} AND title = '社区慢病随访季度汇总表'"),
    )
    .await;

    // Two runs racing, then a third: one case per match, each audited once.
    let (a, b) = tokio::join!(t.app.run_data_detectors(), t.app.run_data_detectors());
    let (a, b) = (a.unwrap(), b.unwrap());
    assert_eq!(a.flagged + b.flagged, 3, "{a:?} {b:?}");
    let third = t.app.run_data_detectors().await.unwrap();
    assert_eq!(third.flagged, 0, "{third:?}");
    assert_eq!(
        scalar(&t, "SELECT COUNT(*) FROM supervision_case").await,
        cases_before + 3
    );
    assert_eq!(t.audit_count("case.detect").await, detect_audits + 3);
    for kind in ["certificate_relapse", "plaque_relapse", "demand_relapse"] {
        assert_eq!(cases_of_kind(&t, kind).await, 1, "{kind}");
    }
    // The rows that did not match were looked at and left alone.
    for (kind, id) in [
        ("certificate_relapse", app_same),
        ("plaque_relapse", other_plaque),
        ("demand_relapse", elsewhere),
    ] {
        assert_eq!(
            scalar(
                &t,
                &format!(
                    "SELECT COUNT(*) FROM detection WHERE kind = '{kind}' AND subject_id = {id}"
                )
            )
            .await,
            0,
            "{kind} {id}"
        );
    }

    let sup = t.login("district_supervisor").await;
    let tiexi = tiexi_supervisor(&t).await;

    // The certificate case: the application, the type and its day, 4.5-12 and 4.1-8.
    let c1 = case_of(&t, "certificate_relapse", app_after).await;
    let (s, v) = sup.get_api(&format!("/api/v1/cases/{c1}")).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let d = &v["detection"];
    assert_eq!(d["kind"], "certificate_relapse", "{v}");
    assert_eq!(
        (d["subject_id"].as_i64(), d["matched_id"].as_i64()),
        (Some(app_after), Some(ty))
    );
    assert_eq!(
        (d["subject_on"].as_str(), d["matched_on"].as_str()),
        (Some("2026-01-11"), Some("2026-01-10"))
    );
    assert!(d["similarity"].is_null(), "{v}");
    assert_eq!(clauses(d), ["4.5-12", "4.1-8"]);
    assert_eq!(v["source"], "detector", "{v}");
    assert_eq!(v["demanding_unit"], "铁东区某银行网点", "{v}");
    let (s, html) = sup.get_text(&format!("/cases/{c1}")).await;
    assert_eq!(s, StatusCode::OK);
    assert!(html.contains("数据检测发现的匹配"), "{html}");
    assert!(html.contains("不再保留的证明事项") && html.contains("2026-01-10"));
    assert!(html.contains("4.5-12") && html.contains("4.1-8"));

    // The plaque case: the new plaque, the removed one and its day, the same name.
    let c2 = case_of(&t, "plaque_relapse", new_plaque).await;
    let (s, v) = sup.get_api(&format!("/api/v1/cases/{c2}")).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let d = &v["detection"];
    assert_eq!(d["matched_id"].as_i64(), Some(old), "{v}");
    assert_eq!(d["matched_label"], "综合治理工作站");
    assert_eq!(d["matched_on"], "2026-01-05");
    assert_eq!(d["similarity"], 100);
    assert_eq!(clauses(d), ["4.4-2", "4.1-8"]);
    let (_, html) = sup.get_text(&format!("/cases/{c2}")).await;
    assert!(html.contains("已清理的牌子") && html.contains("100%") && html.contains("4.4-2"));

    // The demand case: the revoked demand's number and the likeness.
    let c3 = case_of(&t, "demand_relapse", again).await;
    let (s, v) = sup.get_api(&format!("/api/v1/cases/{c3}")).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let d = &v["detection"];
    assert_eq!(d["matched_id"].as_i64(), Some(revoked), "{v}");
    let sim = d["similarity"].as_i64().unwrap();
    assert!((60..100).contains(&sim), "{v}");
    assert_eq!(clauses(d), ["4.2-5", "4.1-8"]);
    assert!(d["matched_label"].as_str().unwrap().contains(number), "{v}");
    assert_eq!(v["demanding_unit"], "铁东区卫生健康局", "{v}");
    let (_, html) = sup.get_text(&format!("/cases/{c3}")).await;
    assert!(html.contains("已撤销的事项") && html.contains(&format!("{sim}%")));

    // Scoping: 铁西区's supervisor sees none of 铁东区's cases.
    for c in [c1, c2, c3] {
        assert_eq!(
            tiexi.get(&format!("/cases/{c}")).await.status(),
            StatusCode::FORBIDDEN,
            "case {c}"
        );
        let (s, _) = tiexi.get_api(&format!("/api/v1/cases/{c}")).await;
        assert_eq!(s, StatusCode::FORBIDDEN, "case {c}");
    }

    // A case opened otherwise (the demo's overdue temporary plaque) shows no detection.
    let other = scalar(
        &t,
        "SELECT MIN(id) FROM supervision_case WHERE kind = 'temporary_plaque_overdue'",
    )
    .await;
    let (s, v) = sup.get_api(&format!("/api/v1/cases/{other}")).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert!(v["detection"].is_null(), "{v}");
    let (_, html) = sup.get_text(&format!("/cases/{other}")).await;
    assert!(!html.contains("数据检测发现的匹配"));
}
