//! Issue 17 §5 and §7: the client address behind trusted proxies only, the request id (header,
//! error page), `/metrics` closed to others and with the pool's figures, and a database pool
//! that has no connection to give answering 429 `database_busy` with Retry-After.

use jianfu_server::ServerConfig;
use jianfu_server::net::IpNet;
use jianfu_store::PoolSettings;
use jianfu_store::orm::{ConnectionTrait, TransactionTrait};
use reqwest::StatusCode;

use crate::helpers::{client, spawn_app};

fn request_id(r: &reqwest::Response) -> String {
    r.headers()
        .get("x-request-id")
        .expect("every answer carries X-Request-Id")
        .to_str()
        .unwrap()
        .to_owned()
}

#[tokio::test]
async fn every_answer_carries_a_request_id_that_the_error_page_shows() {
    let t = spawn_app().await;
    let c = client();
    // None sent: a new one, 32 hex digits, different each time.
    let a = c.get(t.url("/livez")).send().await.unwrap();
    let b = c.get(t.url("/livez")).send().await.unwrap();
    let (a, b) = (request_id(&a), request_id(&b));
    assert_eq!(a.len(), 32, "{a}");
    assert!(a.bytes().all(|x| x.is_ascii_hexdigit()), "{a}");
    assert_ne!(a, b);

    // A well-formed one (a proxy's) is kept; on an error page it is shown to be quoted.
    let r = c
        .get(t.url("/no-such-page"))
        .header("x-request-id", "nginx-4f2a.9:1")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    assert_eq!(request_id(&r), "nginx-4f2a.9:1");
    let html = r.text().await.unwrap();
    assert!(html.contains("请求编号"), "{html}");
    assert!(
        html.contains(r#"<code id="request-id">nginx-4f2a.9:1</code>"#),
        "{html}"
    );

    // A malformed one (markup, too long, spaces) is replaced, never echoed.
    for bad in ["<script>alert(1)</script>", &"x".repeat(65), "a b"] {
        let r = c
            .get(t.url("/no-such-page"))
            .header("x-request-id", bad)
            .send()
            .await
            .unwrap();
        let id = request_id(&r);
        assert_ne!(id, bad);
        assert_eq!(id.len(), 32);
        let html = r.text().await.unwrap();
        assert!(!html.contains("<script>alert"), "{html}");
        assert!(html.contains(&id), "the page shows the id that replaced it");
    }

    // A page error from a handler (a domain error) shows it too; the API's problem carries it
    // in the header.
    let b = t.login("resident").await;
    let r = b.client.get(t.url("/admin/users")).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let id = request_id(&r);
    assert!(r.text().await.unwrap().contains(&id));
    let r = c.get(t.url("/api/v1/demands")).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(request_id(&r).len(), 32);
}

#[tokio::test]
async fn forwarded_for_counts_only_from_a_trusted_proxy() {
    let t = spawn_app().await;
    let (base, app) = t
        .server_with(
            PoolSettings::default(),
            ServerConfig {
                trusted_proxies: vec![IpNet::parse("127.0.0.1").unwrap()],
                ..ServerConfig::default()
            },
        )
        .await;
    let c = client();
    // Through the proxy (127.0.0.1 here): the address it appended, the rightmost one.
    for (i, xff) in ["198.51.100.1", "10.9.9.9, 198.51.100.2"]
        .iter()
        .enumerate()
    {
        let page = c
            .get(format!("{base}/login"))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        let csrf = crate::helpers::csrf_in(&page).unwrap();
        let r = c
            .post(format!("{base}/login"))
            .header("x-forwarded-for", *xff)
            .form(&[
                ("username", format!("ghost{i}")),
                ("password", "Wrong#Pass2026".to_owned()),
                ("csrf_token", csrf),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    }
    let db = app.store.db();
    let ips = db
        .query_all_raw(jianfu_store::orm::Statement::from_string(
            db.get_database_backend(),
            "SELECT ip FROM login_attempt ORDER BY id".to_owned(),
        ))
        .await
        .unwrap()
        .iter()
        .map(|r| r.try_get_by_index::<String>(0).unwrap())
        .collect::<Vec<_>>();
    assert_eq!(ips, ["198.51.100.1", "198.51.100.2"]);
}

#[tokio::test]
async fn metrics_are_closed_to_others_and_show_the_pool() {
    let t = spawn_app().await;
    let c = client();
    // The default: the loopback addresses (this test's).
    let r = c.get(t.url("/metrics")).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let text = r.text().await.unwrap();
    for series in [
        r#"jianfu_db_pool_max_connections{pool="primary"}"#,
        r#"jianfu_db_pool_connections{pool="primary"}"#,
        r#"jianfu_db_pool_idle_connections{pool="primary"}"#,
        r#"jianfu_db_pool_in_use_connections{pool="primary"}"#,
        r#"jianfu_db_pool_acquire_timeouts{pool="primary"}"#,
    ] {
        assert!(text.contains(series), "{series} missing:\n{text}");
    }
    let max = if t.app.store.backend() == jianfu_store::orm::DbBackend::Postgres {
        16
    } else {
        8
    };
    assert!(
        text.contains(&format!(
            "jianfu_db_pool_max_connections{{pool=\"primary\"}} {max}"
        )),
        "{text}"
    );

    // Only 10.0.0.0/8 and a token: this test's loopback address is refused, the token opens.
    let token = "a-long-enough-metrics-token";
    let (base, _app) = t
        .server_with(
            PoolSettings::default(),
            ServerConfig {
                metrics_allow: Some(vec![IpNet::parse("10.0.0.0/8").unwrap()]),
                metrics_token: Some(token.to_owned()),
                ..ServerConfig::default()
            },
        )
        .await;
    let r = c.get(format!("{base}/metrics")).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let body = r.text().await.unwrap();
    assert!(body.contains("metrics_forbidden"), "{body}");
    assert!(!body.contains("jianfu_http_requests_total"));
    // A client's own X-Forwarded-For does not help: no proxy is trusted.
    let r = c
        .get(format!("{base}/metrics"))
        .header("x-forwarded-for", "10.1.2.3")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let r = c
        .get(format!("{base}/metrics"))
        .bearer_auth("a-long-enough-metrics-tokeX")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let r = c
        .get(format!("{base}/metrics"))
        .bearer_auth(token)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert!(
        r.text()
            .await
            .unwrap()
            .contains("jianfu_db_pool_connections")
    );
}

#[tokio::test]
async fn a_pool_without_a_free_connection_answers_database_busy_with_retry_after() {
    let t = spawn_app().await;
    // A server whose pool has one connection and waits 300 ms for it.
    let (base, app) = t
        .server_with(
            PoolSettings {
                max_connections: Some(1),
                acquire_timeout: Some(std::time::Duration::from_millis(300)),
            },
            ServerConfig::default(),
        )
        .await;
    let c = client();
    // With its connection free (the start-up jobs may hold it a moment).
    let answered = || async {
        for _ in 0..50 {
            let r = c
                .get(format!("{base}/api/v1/bulletins"))
                .send()
                .await
                .unwrap();
            if r.status() == StatusCode::OK {
                return true;
            }
            tokio::time::sleep(std::time::Duration::from_millis(200)).await;
        }
        false
    };
    assert!(answered().await, "answered while its connection is free");

    // The one connection is taken (a long transaction): the next request cannot get it.
    let mut tries = 0;
    let held = loop {
        match app.store.db().begin().await {
            Ok(t) => break t,
            Err(e) if tries < 50 => {
                tries += 1;
                let _ = e;
                tokio::time::sleep(std::time::Duration::from_millis(100)).await;
            }
            Err(e) => panic!("no connection to hold: {e}"),
        }
    };
    let r = c
        .get(format!("{base}/api/v1/bulletins"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(r.headers()["retry-after"], "2");
    let body = r.text().await.unwrap();
    assert!(body.contains(r#""code":"database_busy""#), "{body}");
    assert!(body.contains("系统繁忙"), "{body}");
    // The page says so in Chinese, with the request id and Retry-After.
    let r = c.get(format!("{base}/bulletins")).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(r.headers()["retry-after"], "2");
    let id = request_id(&r);
    let html = r.text().await.unwrap();
    assert!(
        html.contains("请求过于频繁") && html.contains("系统繁忙"),
        "{html}"
    );
    assert!(html.contains(&id));
    held.rollback().await.unwrap();

    // Free again: answered, and the refusals are counted on /metrics.
    assert!(
        answered().await,
        "answered once the connection is free again"
    );
    let text = c
        .get(format!("{base}/metrics"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        text.contains(r#"jianfu_db_pool_max_connections{pool="primary"} 1"#),
        "{text}"
    );
    let timeouts = text
        .lines()
        .find_map(|l| l.strip_prefix(r#"jianfu_db_pool_acquire_timeouts{pool="primary"} "#))
        .and_then(|v| v.trim().parse::<u64>().ok())
        .expect("the timeouts series");
    assert!(timeouts >= 2, "{text}");
}
