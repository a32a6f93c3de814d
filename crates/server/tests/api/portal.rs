//! The public's front page, the way to a community's published list, and logging in that
//! returns to the page asked for (never to another site).

use reqwest::StatusCode;

use jianfu_domain::bootstrap::DEMO_PASSWORD;

use crate::helpers::{TestApp, client, csrf_in, spawn_app};

/// A GET without a session.
async fn anon(t: &TestApp, path: &str) -> (StatusCode, String) {
    let res = client().get(t.url(path)).send().await.unwrap();
    (res.status(), res.text().await.unwrap())
}

#[tokio::test]
async fn the_public_front_page_offers_the_services_and_finds_communities() {
    let t = spawn_app().await;
    let c = client();
    let res = c.get(t.url("/")).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let html = res.text().await.unwrap();
    for (href, name) in [
        ("/guides", "办事指南"),
        ("/verify", "证明核验"),
        ("/lookup", "准入编号查询"),
        ("/policy", "政策原文"),
        ("/login", "登录"),
    ] {
        assert!(
            html.contains(&format!("href=\"{href}\"")),
            "no link to {href}"
        );
        assert!(html.contains(name), "no {name}");
    }
    // A logged-in user gets the home page at the same address.
    let worker = t.login("worker").await;
    let (_, home) = worker.get_text("/").await;
    assert!(home.contains("待办") && home.contains("我的角色"));
    assert!(!home.contains("基层减负 · 公共服务"));

    let peace = t.node_id("示例和平社区").await;
    let (s, found) = anon(&t, "/communities?q=和平").await;
    assert_eq!(s, StatusCode::OK);
    assert!(
        found.contains(&format!("href=\"/communities/{peace}/work-items\"")),
        "{found}"
    );
    assert!(
        found.contains("示例一街道"),
        "the street is named beside the community"
    );
    assert!(found.contains("data-found=\"1\""));
    // Streets, districts and departments are not communities.
    let (_, streets) = anon(&t, "/communities?q=街道").await;
    assert!(streets.contains("data-found=\"0\""), "{streets}");
    let (_, none) = anon(&t, "/communities?q=").await;
    assert!(!none.contains("data-found"));
    let long = "和".repeat(500);
    let (s, _) = anon(&t, &format!("/communities?q={long}")).await;
    assert_eq!(s, StatusCode::OK);
}

/// Logs in with `c`'s cookies and returns where the login sends the browser.
async fn log_in(t: &TestApp, c: &reqwest::Client, username: &str) -> String {
    let res = crate::auth::post_login_with(t, c, username, DEMO_PASSWORD).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    res.headers()["location"].to_str().unwrap().to_owned()
}

#[tokio::test]
async fn logging_in_returns_to_the_page_asked_for_and_only_to_a_local_one() {
    let t = spawn_app().await;
    let c = client();
    let res = c
        .get(t.url("/certificates/apply?type=residence"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(res.headers()["location"], "/login");
    assert_eq!(
        log_in(&t, &c, "resident").await,
        "/certificates/apply?type=residence"
    );
    let res = c
        .get(t.url("/certificates/apply?type=residence"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    // Used once: the next login lands on the home page.
    let c2 = client();
    c2.get(t.url("/inbox")).send().await.unwrap();
    assert_eq!(log_in(&t, &c2, "worker").await, "/inbox");
    let inbox = c2
        .get(t.url("/inbox"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let csrf = csrf_in(&inbox).unwrap();
    let out = c2
        .post(t.url("/logout"))
        .form(&[("csrf_token", csrf.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(out.status(), StatusCode::SEE_OTHER);
    assert_eq!(log_in(&t, &c2, "worker").await, "/");

    // A POST is not remembered, nor an API path.
    let c3 = client();
    c3.post(t.url("/tokens")).send().await.unwrap();
    c3.get(t.url("/api/v1/demands")).send().await.unwrap();
    assert_eq!(log_in(&t, &c3, "worker").await, "/");

    // A cookie pointing elsewhere (set by hand, not by the server) is ignored.
    for evil in [
        "//evil.example/x",
        "https://evil.example/",
        "/\\evil.example",
        "/login",
        "%2F%2Fevil.example",
    ] {
        let c4 = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap();
        let page = c4.get(t.url("/login")).send().await.unwrap();
        let login_csrf_cookie = page
            .headers()
            .get_all("set-cookie")
            .iter()
            .map(|v| v.to_str().unwrap().split(';').next().unwrap().to_owned())
            .collect::<Vec<_>>()
            .join("; ");
        let token = csrf_in(&page.text().await.unwrap()).unwrap();
        let encoded: String = url_encode(evil);
        let res = c4
            .post(t.url("/login"))
            .header(
                "cookie",
                format!("{login_csrf_cookie}; jianfu_next={encoded}"),
            )
            .form(&[
                ("username", "worker"),
                ("password", DEMO_PASSWORD),
                ("csrf_token", token.as_str()),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::SEE_OTHER, "{evil}");
        assert_eq!(res.headers()["location"], "/", "{evil}");
    }
}

fn url_encode(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}
