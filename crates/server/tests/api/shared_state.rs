//! Several servers on one database (issue 17 §2, §3): numbers taken at the same moment by two
//! servers never collide, fail or leave a gap, and the limits per client address hold in
//! total, not per server. The two-server tests run when the suite runs on PostgreSQL (the
//! deployment with several servers); the window of a limit is checked on both databases.

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::auth::{refused, scalar};
use crate::certificates::{application, apply};
use crate::helpers::{Browser, TestApp, postgres_url, spawn_app, this_year_on};

const AT_ONCE: usize = 200;

/// The numbers at the end of `AZ-2026-000123-7`-like or `2026-000123`-like texts, sorted.
fn sequence_numbers(texts: &[String], part_from_end: usize) -> Vec<i64> {
    let mut n: Vec<i64> = texts
        .iter()
        .map(|s| {
            s.rsplit('-')
                .nth(part_from_end)
                .unwrap_or_else(|| panic!("numbered text {s}"))
                .parse()
                .unwrap_or_else(|_| panic!("numbered text {s}"))
        })
        .collect();
    n.sort_unstable();
    n
}

/// Requests in flight at any moment, over both servers. All 200 are sent at once, and each
/// waits for one of these slots: 200 truly simultaneous issues in a debug build on this
/// machine queue longer for a database connection than the pool's 10 s (answered 500), which is
/// load, not numbering — the slots keep the test about numbering under contention.
const IN_FLIGHT: usize = 32;

/// POSTs each call at once (at most [`IN_FLIGHT`] in flight); returns each answer's `field`,
/// all 200 OK.
async fn all_at_once(calls: Vec<(&Browser, String, Value)>, field: &'static str) -> Vec<String> {
    let slots = std::sync::Arc::new(tokio::sync::Semaphore::new(IN_FLIGHT));
    let tasks: Vec<_> = calls
        .into_iter()
        .map(|(b, path, body)| {
            let req = b.json(Method::POST, &path).json(&body);
            let slots = slots.clone();
            tokio::spawn(async move {
                let _slot = slots.acquire_owned().await.unwrap();
                let r = req.send().await.unwrap();
                let s = r.status();
                (s, r.json::<Value>().await.unwrap_or(Value::Null))
            })
        })
        .collect();
    let mut out = Vec::new();
    for task in tasks {
        let (s, v) = task.await.unwrap();
        assert_eq!(s, StatusCode::OK, "every request succeeds: {v}");
        out.push(
            v[field]
                .as_str()
                .unwrap_or_else(|| panic!("{field} in {v}"))
                .to_owned(),
        );
    }
    out
}

async fn counter(t: &TestApp, key: &str) -> i64 {
    scalar(
        t,
        &format!("SELECT COALESCE(MAX(value), 0) FROM counter WHERE key = '{key}'"),
    )
    .await
}

/// Issue 17 §2: two servers issue 200 certificates at once — every issue succeeds (no 429
/// `serial_contended`), and the serials are unique and follow one another without a gap.
#[tokio::test]
async fn two_servers_issue_200_certificates_at_once_without_a_failure_or_gap() {
    if postgres_url().is_none() {
        return;
    }
    let t = spawn_app().await;
    let t2 = t.second_server().await;
    let resident = t.login("resident").await;
    let mut ids = Vec::new();
    for _ in 0..AT_ONCE {
        ids.push(
            apply(&resident, &application("residence")).await["id"]
                .as_i64()
                .unwrap(),
        );
    }
    let key = format!("certificate:{}", chrono::Datelike::year(&t.today()));
    let before = counter(&t, &key).await;
    let certificates = scalar(&t, "SELECT COUNT(*) FROM certificate").await;
    // One worker on each server: sessions live in the database, but each server numbers
    // ahead of its transactions from its own memory.
    let on_first = t.login("worker").await;
    let on_second = t2.login("head").await;
    let calls = ids
        .iter()
        .enumerate()
        .map(|(i, id)| {
            let b = if i % 2 == 0 { &on_first } else { &on_second };
            (b, format!("/api/v1/certificates/{id}/issue"), json!({}))
        })
        .collect();
    let serials = all_at_once(calls, "serial").await;
    let numbers = sequence_numbers(&serials, 0);
    assert_eq!(
        numbers,
        (before + 1..=before + AT_ONCE as i64).collect::<Vec<_>>(),
        "unique and without gaps: {serials:?}"
    );
    assert_eq!(counter(&t, &key).await, before + AT_ONCE as i64);
    assert_eq!(
        scalar(&t, "SELECT COUNT(*) FROM certificate").await,
        certificates + AT_ONCE as i64
    );
    // Every certificate verifies with the serial it was signed with (a number taken again
    // under the lock was signed again).
    let anon = crate::helpers::client();
    for (i, serial) in serials.iter().enumerate().step_by(37) {
        let code = scalar(
            &t,
            &format!("SELECT COUNT(*) FROM certificate WHERE serial = '{serial}'"),
        )
        .await;
        assert_eq!(code, 1, "{serial}");
        let on = if i % 2 == 0 { &t } else { &t2 };
        let page = anon
            .get(on.url(&format!("/issued/{}", ids[i])))
            .send()
            .await
            .unwrap();
        assert_ne!(page.status(), StatusCode::INTERNAL_SERVER_ERROR);
    }
    assert!(
        t.app
            .store
            .verify_audit(|_| {})
            .await
            .unwrap()
            .broken
            .is_none()
    );
}

/// A submitted work item from 铁东区卫生健康局 to one community, waiting for the district.
fn work_item(n: usize, target: i64, requester: i64) -> Value {
    json!({
        "requester_node_id": requester,
        "title": format!("协助开展第{n}批流感疫苗接种通知"),
        "description": "入户通知老年人接种时间地点",
        "category": "health",
        "community_role": "assisting",
        "funding_yuan": "1200",
        "funding_source": "区级财政专项资金",
        "minutes_per_occurrence": 30,
        "occurrences_per_year": 12,
        "period_start": this_year_on("01-01"),
        "period_end": this_year_on("12-31"),
        "target_mode": "communities",
        "target_ids": [target],
        "submit": true,
    })
}

/// Issue 17 §2: two servers admit 200 demands at once — every admission succeeds and the
/// admission numbers of the year are unique and without gaps.
#[tokio::test]
async fn two_servers_admit_200_demands_at_once_without_a_failure_or_gap() {
    if postgres_url().is_none() {
        return;
    }
    let t = spawn_app().await;
    let t2 = t.second_server().await;
    let dept = t.login("district_dept").await;
    let requester = t.node_id("铁东区卫生健康局").await;
    let target = t.node_id("示例和平社区").await;
    let mut ids = Vec::new();
    for n in 0..AT_ONCE {
        let r = dept
            .json(Method::POST, "/api/v1/demands")
            .json(&work_item(n, target, requester))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::CREATED);
        let d: Value = r.json().await.unwrap();
        assert_eq!(d["status"], "submitted", "{d}");
        ids.push(d["id"].as_i64().unwrap());
    }
    let key = format!("admission:{}", chrono::Datelike::year(&t.today()));
    let before = counter(&t, &key).await;
    let on_first = t.login("district_approver").await;
    let on_second = t2.login("district_approver").await;
    let calls = ids
        .iter()
        .enumerate()
        .map(|(i, id)| {
            let b = if i % 2 == 0 { &on_first } else { &on_second };
            (b, format!("/api/v1/demands/{id}/admit"), json!({}))
        })
        .collect();
    let admitted = all_at_once(calls, "admission_number").await;
    // `AZ-2026-000123-7`: the sequence is the part before the check character.
    let numbers = sequence_numbers(&admitted, 1);
    assert_eq!(
        numbers,
        (before + 1..=before + AT_ONCE as i64).collect::<Vec<_>>(),
        "unique and without gaps: {admitted:?}"
    );
    assert_eq!(counter(&t, &key).await, before + AT_ONCE as i64);
}

/// Issue 17 §3: the per-address login limit holds in total across two servers: the failures
/// split between them add up, and the next attempt — the right password, on either — is
/// refused.
#[tokio::test]
async fn the_login_limit_per_address_holds_across_two_servers() {
    if postgres_url().is_none() {
        return;
    }
    let t = spawn_app().await;
    let t2 = t.second_server().await;
    let limit = t.app.security_policy().await.unwrap().ip_failure_limit;
    for i in 0..limit {
        let on = if i % 2 == 0 { &t } else { &t2 };
        let (status, _) = refused(on, &format!("ghost{i}"), "Wrong#Pass2026").await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "attempt {i}");
    }
    for on in [&t, &t2] {
        let (status, flash) = refused(on, "worker", jianfu_domain::bootstrap::DEMO_PASSWORD).await;
        assert_eq!(status, StatusCode::TOO_MANY_REQUESTS, "{flash}");
        assert!(flash.contains("该地址登录失败次数过多"), "{flash}");
    }
}

async fn verify_status(t: &TestApp, serial: &str, code: &str) -> (StatusCode, Value) {
    let r = crate::helpers::client()
        .get(t.url(&format!("/api/v1/verify?serial={serial}&code={code}")))
        .send()
        .await
        .unwrap();
    let s = r.status();
    (s, r.json().await.unwrap_or(Value::Null))
}

/// Issue 17 §3: failed verifications of one address count on both servers together: 20
/// failures split between them, and the 21st try — a right one — is refused on either.
#[tokio::test]
async fn the_verification_limit_per_address_holds_across_two_servers() {
    if postgres_url().is_none() {
        return;
    }
    let t = spawn_app().await;
    let t2 = t.second_server().await;
    let year = chrono::Datelike::year(&t.today());
    for i in 0..20 {
        let on = if i % 2 == 0 { &t } else { &t2 };
        let (s, v) = verify_status(on, &format!("ZM-{year}-9{i:05}"), "ABCDEFGHJK").await;
        assert_eq!(s, StatusCode::OK, "{v}");
        assert_eq!(v["state"], "unknown", "{v}");
    }
    for on in [&t, &t2] {
        let (s, v) = verify_status(on, &format!("ZM-{year}-900001"), "ABCDEFGHJK").await;
        assert_eq!(s, StatusCode::TOO_MANY_REQUESTS, "{v}");
        assert_eq!(v["code"], "verify_rate_limited", "{v}");
    }
}

/// A limit's window: counted in the database, forgiven when the window has passed, and the
/// rows of ended windows are deleted as new windows of the limit begin (the table keeps live
/// windows only).
#[tokio::test]
async fn a_limit_window_ends_and_ended_windows_are_pruned() {
    use jianfu_domain::rate_limit::{FOLLOW_UP_FAILURES, VERIFY_FAILURES};
    let t = spawn_app().await;
    let year = chrono::Datelike::year(&t.today());
    let serial = format!("ZM-{year}-900001");
    for _ in 0..20 {
        let (s, _) = verify_status(&t, &serial, "ABCDEFGHJK").await;
        assert_eq!(s, StatusCode::OK);
    }
    let (s, _) = verify_status(&t, &serial, "ABCDEFGHJK").await;
    assert_eq!(s, StatusCode::TOO_MANY_REQUESTS);
    let hits =
        "SELECT hits FROM rate_window WHERE bucket = 'verify_failure' AND subject = '127.0.0.1'";
    assert_eq!(scalar(&t, hits).await, 20, "the refused try is not counted");
    // Another address, and another limit of this address, are counted apart.
    let other = Some("10.0.0.1");
    t.app.rate_count(VERIFY_FAILURES, other).await.unwrap();
    assert!(t.app.rate_allowed(VERIFY_FAILURES, other).await.unwrap());
    t.app
        .rate_count(FOLLOW_UP_FAILURES, Some("127.0.0.1"))
        .await
        .unwrap();
    assert!(
        t.app
            .rate_allowed(FOLLOW_UP_FAILURES, Some("127.0.0.1"))
            .await
            .unwrap()
    );
    assert_eq!(scalar(&t, "SELECT COUNT(*) FROM rate_window").await, 3);
    // After the window's length the address may try again: its failure begins a new window,
    // which deletes the limit's ended windows (10.0.0.1's) but not another limit's.
    t.app.clock.advance_ms(VERIFY_FAILURES.window_ms);
    assert!(t.app.rate_allowed(VERIFY_FAILURES, other).await.unwrap());
    let (s, v) = verify_status(&t, &serial, "ABCDEFGHJK").await;
    assert_eq!((s, v["state"].as_str()), (StatusCode::OK, Some("unknown")));
    assert_eq!(scalar(&t, hits).await, 1);
    assert_eq!(
        scalar(
            &t,
            "SELECT COUNT(*) FROM rate_window WHERE bucket = 'verify_failure'"
        )
        .await,
        1,
        "the ended window of 10.0.0.1 is gone"
    );
    assert_eq!(scalar(&t, "SELECT COUNT(*) FROM rate_window").await, 2);
}
