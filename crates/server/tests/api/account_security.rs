//! Issue 15, accounts and login: a locked account answers like an unknown one, passwords are
//! not reused, administrators' credentials are reset only under dual control, and the
//! second factor.

use std::collections::HashMap;

use jianfu_domain::auth::FAILED_LOGIN;
use jianfu_domain::bootstrap::DEMO_PASSWORD;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::auth::{account_row, field_error, location, login_to, problem, refused, scalar, texts};
use crate::helpers::{Browser, TestApp, spawn_app};

/// Changes the password of a logged-in user through the form; returns the response.
async fn change(b: &Browser, current: &str, new: &str) -> reqwest::Response {
    b.post_form(
        "/password",
        &[
            ("current_password", current),
            ("password", new),
            ("password_again", new),
        ],
    )
    .await
}

// ---------------------------------------------------------------------------------------------
// 6a: the lockout answer.

/// Once a bug: a locked account answered "账号已锁定，请 N 分钟后再试" while an unknown
/// username kept answering "用户名或密码错误", so five wrong guesses told whether a username
/// exists.
#[tokio::test]
async fn a_locked_account_answers_like_an_unknown_username() {
    let t = spawn_app().await;
    for _ in 0..5 {
        refused(&t, "resident", "Wrong#Pass2026").await;
    }
    assert!(account_row(&t, "resident").await.locked_until.is_some());
    // The same five guesses against a name that does not exist.
    for _ in 0..5 {
        refused(&t, "nobody-here", "Wrong#Pass2026").await;
    }
    let locked = refused(&t, "resident", "Wrong#Pass2026").await;
    let locked_right = refused(&t, "resident", DEMO_PASSWORD).await;
    let unknown = refused(&t, "nobody-here", "Wrong#Pass2026").await;
    assert_eq!(locked, unknown, "locked vs unknown");
    assert_eq!(
        locked_right, unknown,
        "locked with the right password vs unknown"
    );
    assert_eq!(unknown.0, StatusCode::UNAUTHORIZED);
    assert!(unknown.1.contains(FAILED_LOGIN), "{}", unknown.1);
    // The refusals while locked count against the address like any failure.
    assert_eq!(
        scalar(&t, "SELECT COUNT(*) FROM login_attempt").await,
        13,
        "5 + 5 failures and 3 refusals"
    );
}

// ---------------------------------------------------------------------------------------------
// 6a: password history.

#[tokio::test]
async fn none_of_the_last_five_passwords_may_be_reused() {
    let t = spawn_app().await;
    let b = t.login("worker").await;
    // Five changes: DEMO → P1 → … → P5. DEMO and P1…P4 are the five before the current.
    let pw: Vec<String> = (1..=5).map(|i| format!("Own#Choice{i}x")).collect();
    let mut current = DEMO_PASSWORD.to_owned();
    for p in &pw {
        let r = change(&b, &current, p).await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER, "change to {p}");
        current = p.clone();
    }
    let hash = account_row(&t, "worker").await.password_hash;
    let before = t.audit_count("account.password_change").await;
    let mut old: Vec<String> = vec![DEMO_PASSWORD.to_owned()];
    old.extend(pw[..4].iter().cloned());
    for o in &old {
        let r = change(&b, &current, o).await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY, "reuse of {o}");
        let html = r.text().await.unwrap();
        let err = field_error(&html, "password").unwrap_or_default();
        assert!(err.contains("最近 5 次"), "{o}: {err:?}");
        assert_eq!(account_row(&t, "worker").await.password_hash, hash, "{o}");
    }
    assert_eq!(t.audit_count("account.password_change").await, before);
    // One more change pushes DEMO out of the window: it may be used again.
    let r = change(&b, &current, "Own#Choice6x").await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let r = change(&b, "Own#Choice6x", DEMO_PASSWORD).await;
    assert_eq!(
        r.status(),
        StatusCode::SEE_OTHER,
        "six changes ago is allowed"
    );
    // Only the newest five are kept.
    let id = t.account_id("worker").await;
    assert_eq!(
        scalar(
            &t,
            &format!("SELECT COUNT(*) FROM password_history WHERE account_id = {id}")
        )
        .await,
        5
    );
    let (_, to) = login_to(&t, "worker", DEMO_PASSWORD).await;
    assert_eq!(to, "/");
}

// ---------------------------------------------------------------------------------------------
// 2: dual control over the administrators' credentials.

const ADMINS: [&str; 3] = ["sysadmin", "secadmin", "auditor"];

/// Logs in with a known password; panics unless it succeeds.
async fn enter(t: &TestApp, username: &str, password: &str) -> Browser {
    t.login_with(username, password)
        .await
        .unwrap_or_else(|_| panic!("{username} logs in"))
}

async fn api_reset(b: &Browser, path: &str, body: serde_json::Value) -> reqwest::Response {
    b.json(Method::POST, path).json(&body).send().await.unwrap()
}

/// Once a bug: the system administrator set the audit (or security) administrator's password
/// through the account page, logged in as them and changed it, and so held two of the three
/// powers alone.
#[tokio::test]
async fn no_administrator_alone_resets_an_administrators_password() {
    let t = spawn_app().await;
    let sys = t.login("sysadmin").await;
    for target in ["secadmin", "auditor", "tiexi_admin", "sysadmin"] {
        let id = t.account_id(target).await;
        let hash = account_row(&t, target).await.password_hash;
        let r = sys
            .post_form(
                &format!("/admin/users/{id}/password"),
                &[("password", "Temp#Reset2026")],
            )
            .await;
        assert_eq!(r.status(), StatusCode::FORBIDDEN, "page, {target}");
        assert!(r.text().await.unwrap().contains("jianfu user passwd"));
        let (s, p) = problem(
            api_reset(
                &sys,
                &format!("/api/v1/users/{id}/password"),
                json!({ "password": "Temp#Reset2026" }),
            )
            .await,
        )
        .await;
        assert_eq!(s, StatusCode::FORBIDDEN, "api, {target}");
        assert_eq!(p["code"], "admin_reset_needs_dual_control", "{target}");
        assert_eq!(
            account_row(&t, target).await.password_hash,
            hash,
            "{target}"
        );
        let (status, _) = refused(&t, target, "Temp#Reset2026").await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{target}");
    }
    assert_eq!(t.audit_count("account.password_reset").await, 0);
    // A non-administrator is still reset by the system administrator alone.
    let id = t.account_id("worker").await;
    let r = sys
        .post_form(
            &format!("/admin/users/{id}/password"),
            &[("password", "Temp#Reset2026")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
}

/// The whole matrix: each administrator asks for a reset of each other one; neither the
/// requester nor the target may approve, only the third; the approval resets at once, ends
/// the target's sessions, and the owner and the audit administrator see it.
#[tokio::test]
async fn an_administrators_reset_needs_one_request_and_the_thirds_approval() {
    let t = spawn_app().await;
    let mut passwords: HashMap<&str, String> = ADMINS
        .iter()
        .map(|a| (*a, DEMO_PASSWORD.to_owned()))
        .collect();
    let mut n = 0;
    for target in ADMINS {
        for requester in ADMINS {
            let rb = enter(&t, requester, &passwords[requester]).await;
            let body = json!({ "username": target, "kind": "password" });
            let r = api_reset(&rb, "/api/v1/credential-resets", body.clone()).await;
            if requester == target {
                let (s, p) = problem(r).await;
                assert_eq!(s, StatusCode::CONFLICT, "{requester} for self");
                assert_eq!(p["code"], "admin_reset_own_account");
                continue;
            }
            assert_eq!(
                r.status(),
                StatusCode::CREATED,
                "{requester} asks for {target}"
            );
            let id = r.json::<Value>().await.unwrap()["id"].as_i64().unwrap();
            // A second request for the same account waits for the first.
            let (s, p) = problem(api_reset(&rb, "/api/v1/credential-resets", body).await).await;
            assert_eq!(
                (s, p["code"].as_str()),
                (StatusCode::CONFLICT, Some("admin_reset_pending"))
            );
            let hash = account_row(&t, target).await.password_hash;
            let target_session = enter(&t, target, &passwords[target]).await;
            let third = ADMINS
                .into_iter()
                .find(|a| *a != target && *a != requester)
                .unwrap();
            // The requester and the target cannot approve, by page or API.
            for (who, code) in [
                (requester, "admin_reset_own_request"),
                (target, "admin_reset_own_account"),
            ] {
                let b = enter(&t, who, &passwords[who]).await;
                let url = format!("/api/v1/credential-resets/{id}/approve");
                let (s, p) = problem(api_reset(&b, &url, json!({})).await).await;
                assert_eq!(
                    s,
                    StatusCode::FORBIDDEN,
                    "{who} approves {requester}→{target}"
                );
                assert_eq!(p["code"], code);
                let r = b
                    .post_form(&format!("/admin/resets/{id}/approve"), &[])
                    .await;
                assert_eq!(r.status(), StatusCode::FORBIDDEN, "page: {who}");
                assert_eq!(account_row(&t, target).await.password_hash, hash);
            }
            assert_eq!(
                target_session.get("/password").await.status(),
                StatusCode::OK,
                "nothing happened to {target} yet"
            );
            // The third approves on the page and sees the temporary password once.
            let tb = enter(&t, third, &passwords[third]).await;
            let (_, list) = tb.get_text("/admin/resets").await;
            assert!(
                list.contains("批准并重置"),
                "{third} is offered the approval"
            );
            let r = tb
                .post_form(&format!("/admin/resets/{id}/approve"), &[])
                .await;
            assert_eq!(
                r.status(),
                StatusCode::OK,
                "{third} approves {requester}→{target}"
            );
            assert_eq!(r.headers()["cache-control"], "no-store");
            let html = r.text().await.unwrap();
            let temporary = texts(&html, "#temporary-password").pop().unwrap();
            let a = account_row(&t, target).await;
            assert_ne!(a.password_hash, hash);
            assert!(a.must_change_password);
            assert_eq!(
                location(&target_session.get("/password").await),
                "/login",
                "{target}'s sessions ended"
            );
            // Deciding twice does nothing more.
            let (s, p) = problem(
                api_reset(
                    &tb,
                    &format!("/api/v1/credential-resets/{id}/approve"),
                    json!({}),
                )
                .await,
            )
            .await;
            assert_eq!(
                (s, p["code"].as_str()),
                (StatusCode::CONFLICT, Some("admin_reset_decided"))
            );
            // The owner logs in with the temporary password, must change it, and sees who did it.
            let (ob, to) = login_to(&t, target, &temporary).await;
            assert_eq!(to, "/password");
            let (_, page) = ob.get_text("/password").await;
            assert!(page.contains("本账号的凭据重置记录"), "{page}");
            assert!(page.contains(requester) && page.contains(third), "{page}");
            n += 1;
            let new = format!("Neu#Pass{n}x");
            assert_eq!(
                change(&ob, &temporary, &new).await.status(),
                StatusCode::SEE_OTHER
            );
            passwords.insert(target, new);
        }
    }
    assert_eq!(n, 6);
    assert_eq!(t.audit_count("credential_reset.request").await, 6);
    assert_eq!(t.audit_count("credential_reset.approve").await, 6);
    // The audit administrator reads every step in the audit log.
    let auditor = enter(&t, "auditor", &passwords["auditor"]).await;
    let (s, log) = auditor
        .get_text("/audit?action=credential_reset.approve")
        .await;
    assert_eq!(s, StatusCode::OK);
    assert!(log.contains("批准重置管理员凭据"), "{log}");
    let temporaries = scalar(
        &t,
        "SELECT COUNT(*) FROM credential_reset WHERE state = 'approved'",
    )
    .await;
    assert_eq!(temporaries, 6);
}

#[tokio::test]
async fn a_rejected_or_lapsed_request_changes_nothing() {
    let t = spawn_app().await;
    let sys = t.login("sysadmin").await;
    let sec = t.login("secadmin").await;
    let hash = account_row(&t, "auditor").await.password_hash;
    let ask = |b: &Browser| {
        let b = b.json(Method::POST, "/api/v1/credential-resets");
        async move {
            b.json(&json!({ "username": "auditor", "kind": "password" }))
                .send()
                .await
                .unwrap()
                .json::<Value>()
                .await
                .unwrap()["id"]
                .as_i64()
                .unwrap()
        }
    };
    let id = ask(&sys).await;
    let r = sec
        .post_form(&format!("/admin/resets/{id}/reject"), &[])
        .await;
    assert_eq!(location(&r), "/admin/resets?done=reset_rejected");
    assert_eq!(account_row(&t, "auditor").await.password_hash, hash);
    assert_eq!(t.audit_count("credential_reset.reject").await, 1);
    t.login("auditor").await;

    // A request not decided within 24 hours lapses.
    let id = ask(&sys).await;
    t.app.clock.advance_ms(25 * 3_600_000);
    let sys = t.login("sysadmin").await;
    let sec = t.login("secadmin").await;
    let (s, p) = problem(
        api_reset(
            &sec,
            &format!("/api/v1/credential-resets/{id}/approve"),
            json!({}),
        )
        .await,
    )
    .await;
    assert_eq!(
        (s, p["code"].as_str()),
        (StatusCode::CONFLICT, Some("admin_reset_expired"))
    );
    assert_eq!(account_row(&t, "auditor").await.password_hash, hash);
    // …and no longer blocks a new one.
    ask(&sys).await;

    // Bad input: a clear message next to the field, a stable code, nothing stored.
    let before = scalar(&t, "SELECT COUNT(*) FROM credential_reset").await;
    for (body, code) in [
        (
            json!({ "username": "", "kind": "password" }),
            "username_required",
        ),
        (
            json!({ "username": "ghost", "kind": "password" }),
            "account_not_found",
        ),
        (
            json!({ "username": "worker", "kind": "password" }),
            "admin_reset_target_not_admin",
        ),
        (
            json!({ "username": "auditor", "kind": "everything" }),
            "reset_kind_unknown",
        ),
    ] {
        let (s, p) = problem(api_reset(&sys, "/api/v1/credential-resets", body).await).await;
        assert!(
            s == StatusCode::UNPROCESSABLE_ENTITY || s == StatusCode::CONFLICT,
            "{code}: {s}"
        );
        assert_eq!(p["code"], code);
    }
    let r = sys
        .post_form(
            "/admin/resets",
            &[("username", "worker"), ("kind", "password")],
        )
        .await;
    let html = r.text().await.unwrap();
    assert!(
        field_error(&html, "username")
            .unwrap_or_default()
            .contains("不是管理员账号"),
        "{html}"
    );
    assert_eq!(
        scalar(&t, "SELECT COUNT(*) FROM credential_reset").await,
        before
    );
    // A second system administrator (铁西区) cannot ask for the city's: same role, and
    // outside their jurisdiction.
    let tiexi = t.login("tiexi_admin").await;
    let (s, _) = problem(
        api_reset(
            &tiexi,
            "/api/v1/credential-resets",
            json!({ "username": "sysadmin", "kind": "password" }),
        )
        .await,
    )
    .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
}

/// `jianfu user passwd` is the other way: done by whoever runs the server, audited as the
/// operator, the account's sessions end, and the owner sees it.
#[tokio::test]
async fn a_shell_reset_is_audited_ends_sessions_and_is_shown_to_the_owner() {
    let t = spawn_app().await;
    let before = t.login("auditor").await;
    t.app
        .set_password_as_operator("auditor", "Shell#Reset2026")
        .await
        .unwrap();
    assert_eq!(location(&before.get("/password").await), "/login");
    assert_eq!(t.audit_count("account.password_reset").await, 1);
    let (b, to) = login_to(&t, "auditor", "Shell#Reset2026").await;
    assert_eq!(to, "/password");
    let (_, page) = b.get_text("/password").await;
    assert!(page.contains("命令行重置"), "{page}");
}
