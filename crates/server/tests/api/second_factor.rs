//! Issue 15 item 4, the second login factor: enrolment with a QR code and recovery codes, the
//! two-step login, no replay, wrong codes locking like passwords, accounts that must enrol
//! confined to the enrolment (pages and API), and resets (an administrator's only under dual
//! control).

use jianfu_domain::bootstrap::DEMO_PASSWORD;
use jianfu_domain::second_factor::SecondFactorPolicy;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::auth::{dump, location, logged_in, post_login, problem, scalar, texts};
use crate::helpers::{Browser, TestApp, client, csrf_in, spawn_app};

/// The code an authenticator app shows now, on the server's clock.
fn code(t: &TestApp, secret: &str) -> String {
    let bytes = totp_rs::Secret::try_from_base32(secret).unwrap();
    let totp = jianfu_domain::second_factor::totp(bytes.as_bytes(), "x").unwrap();
    totp.generate(u64::try_from(t.app.now_ms() / 1000).unwrap())
        .to_string()
}

/// Moves the server's clock to the next 30-second step (a new code).
fn next_step(t: &TestApp) {
    t.advance_clock_ms(30_000);
}

/// Turns the requirement on as a real installation has it (the demo data has it off).
async fn require_as_installed(t: &TestApp) {
    let ctx = t.ctx("secadmin").await;
    t.app
        .set_second_factor_policy(&ctx, SecondFactorPolicy::DEFAULT_ROLES.to_vec())
        .await
        .unwrap();
}

/// Enrols a logged-in user through the API; returns the secret and the recovery codes.
async fn enrol(t: &TestApp, b: &Browser) -> (String, Vec<String>) {
    let r = b
        .json(Method::POST, "/api/v1/me/second-factor/enrolment")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::CREATED);
    let e: Value = r.json().await.unwrap();
    let secret = e["secret"].as_str().unwrap().to_owned();
    assert!(
        e["otpauth_uri"]
            .as_str()
            .unwrap()
            .starts_with("otpauth://totp/jianfu:")
    );
    let r = b
        .json(Method::POST, "/api/v1/me/second-factor/enrolment/confirm")
        .json(&json!({ "code": code(t, &secret) }))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let body: Value = r.json().await.unwrap();
    let codes = body["recovery_codes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c.as_str().unwrap().to_owned())
        .collect();
    (secret, codes)
}

/// The password step: the client holding its cookies and the response to `POST /login`.
async fn password_step(t: &TestApp, username: &str) -> (reqwest::Client, reqwest::Response) {
    post_login(t, username, DEMO_PASSWORD).await
}

/// The code step on a client that passed the password step.
async fn code_step(t: &TestApp, c: &reqwest::Client, typed: &str) -> reqwest::Response {
    let page = c
        .get(t.url("/login/second-factor"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let token = csrf_in(&page).expect("the code form has a csrf token");
    c.post(t.url("/login/second-factor"))
        .form(&[("code", typed), ("csrf_token", token.as_str())])
        .send()
        .await
        .unwrap()
}

/// `POST /api/v1/users/{id}/second-factor/reset` as `b`.
async fn api_reset(b: &Browser, id: i64) -> reqwest::Response {
    b.json(
        Method::POST,
        &format!("/api/v1/users/{id}/second-factor/reset"),
    )
    .send()
    .await
    .unwrap()
}

/// Both steps; panics unless they log in.
async fn login_2fa(t: &TestApp, username: &str, typed: &str) -> Browser {
    let (c, res) = password_step(t, username).await;
    assert_eq!(location(&res), "/login/second-factor", "{username}");
    let res = code_step(t, &c, typed).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER, "{username} code step");
    logged_in(t, c, &res).await.0
}

fn flash(html: &str) -> String {
    texts(html, ".flash.error").join(" ")
}

#[tokio::test]
async fn login_is_two_steps_and_a_code_is_accepted_once() {
    let t = spawn_app().await;
    let b = t.login("worker").await;
    // Enrolment through the page: the QR code and the secret as text.
    let r = b.post_form("/me/second-factor/start", &[]).await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(
        r.headers()["cache-control"],
        "no-store",
        "the secret is never cached"
    );
    let html = r.text().await.unwrap();
    assert!(html.contains("<svg"), "the QR code is drawn inline");
    assert!(
        html.contains("<code>worker</code>"),
        "manual entry names the account as the QR code does"
    );
    let secret = texts(&html, "#enrol-secret").concat();
    assert_eq!(secret.len(), 32, "160 bits in base32");
    assert!(texts(&html, "#enrol-uri").concat().contains(&secret));
    // At rest the column holds ciphertext, not the base32 secret.
    let id = t.account_id("worker").await;
    let stored = dump(
        &t,
        &format!("SELECT secret FROM second_factor WHERE account_id = {id}"),
    )
    .await;
    assert!(stored.contains("tk1:"), "{stored}");
    assert!(!stored.contains(&secret));
    // A wrong code does not confirm; the right one shows ten recovery codes once.
    let r = b
        .post_form("/me/second-factor/confirm", &[("code", "000000")])
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let r = b
        .post_form("/me/second-factor/confirm", &[("code", &code(&t, &secret))])
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let html = r.text().await.unwrap();
    let recovery = texts(&html, "#recovery-codes li");
    assert_eq!(recovery.len(), 10);
    let (_, again) = b.get_text("/me/second-factor").await;
    assert!(!again.contains(&recovery[0]), "shown once");
    assert!(
        !again.contains(&secret),
        "the secret is not shown after enrolment"
    );
    assert_eq!(
        t.audit_count("second_factor.enrol").await,
        2,
        "the wrong code (failed) and the confirmation"
    );

    // The password alone opens no session.
    let (c, res) = password_step(&t, "worker").await;
    assert_eq!(location(&res), "/login/second-factor");
    assert!(
        res.headers()
            .get_all("set-cookie")
            .iter()
            .all(|v| !v.to_str().unwrap().starts_with("jianfu_session=")),
        "no session before the code"
    );
    let home = c.get(t.url("/inbox")).send().await.unwrap();
    assert_eq!(location(&home), "/login");
    // The code used at enrolment, in the same time step, is a replay.
    let res = code_step(&t, &c, &code(&t, &secret)).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(flash(&res.text().await.unwrap()).contains("动态口令或恢复码错误"));
    // The next step's code logs in; the same code again on another login does not.
    next_step(&t);
    let now = code(&t, &secret);
    let res = code_step(&t, &c, &now).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    // Back to the page asked for before logging in (the probe of /inbox above).
    assert_eq!(location(&res), "/inbox");
    assert_eq!(
        c.get(t.url("/inbox")).send().await.unwrap().status(),
        StatusCode::OK
    );
    let (c2, _) = password_step(&t, "worker").await;
    let replay = code_step(&t, &c2, &now).await;
    assert_eq!(
        replay.status(),
        StatusCode::UNPROCESSABLE_ENTITY,
        "replay refused"
    );
    // A recovery code works once, in any case and with or without its dash.
    let res = code_step(&t, &c2, &recovery[3].to_uppercase().replace('-', "")).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(t.audit_count("second_factor.recovery_code_used").await, 1);
    let (c3, _) = password_step(&t, "worker").await;
    let res = code_step(&t, &c3, &recovery[3]).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY, "used once");
    let b = login_2fa(&t, "worker", &recovery[4]).await;
    let (_, html) = b.get_text("/me/second-factor").await;
    assert!(
        texts(&html, "#second-factor-status")
            .concat()
            .contains("剩余可用恢复码 8 个")
    );
    // The audit log says which factor each login used, and records the failures.
    let log = dump(
        &t,
        "SELECT summary FROM audit_entry WHERE action = 'auth.login'",
    )
    .await;
    assert!(log.contains("\"factor\":\"totp\""), "{log}");
    assert!(log.contains("\"factor\":\"recovery_code\""), "{log}");
    assert!(log.contains("bad_second_factor"), "{log}");
}

/// A wrong code counts like a wrong password, and typing the known password again does not
/// clear the count: five wrong codes over two logins lock the account.
#[tokio::test]
async fn wrong_codes_lock_the_account_and_the_password_does_not_reset_the_count() {
    let t = spawn_app().await;
    let b = t.login("head").await;
    let (secret, _) = enrol(&t, &b).await;
    next_step(&t);
    let (c, _) = password_step(&t, "head").await;
    for _ in 0..2 {
        let r = code_step(&t, &c, "123456").await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    }
    let (c, _) = password_step(&t, "head").await;
    for _ in 0..2 {
        let r = code_step(&t, &c, "654321").await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    }
    // The fifth failure locks: the form is gone and the answer is the one for every refusal.
    let r = code_step(&t, &c, "111111").await;
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    assert!(flash(&r.text().await.unwrap()).contains(jianfu_domain::auth::FAILED_LOGIN));
    let row = crate::auth::account_row(&t, "head").await;
    assert!(row.locked_until.is_some(), "locked after five wrong codes");
    // Even the right password and code now get nowhere until the lock ends.
    let (_, res) = password_step(&t, "head").await;
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    t.advance_clock_ms(16 * 60_000);
    let b = login_2fa(&t, "head", &code(&t, &secret)).await;
    assert_eq!(b.get("/inbox").await.status(), StatusCode::OK);
}

/// An account whose role requires a second factor may, after its password, only enrol: pages
/// redirect to the enrolment, the API answers `second_factor_required`, API tokens included.
#[tokio::test]
async fn must_enrol_blocks_pages_and_the_api_until_enrolled() {
    let t = spawn_app().await;
    // A token made while the demo's setting was in force.
    let ctx = t.ctx("district_approver").await;
    let (_, token) = t.app.create_api_token(&ctx, "对接", None).await.unwrap();
    require_as_installed(&t).await;

    let b = t.login("district_approver").await;
    for page in ["/", "/demands", "/tokens"] {
        let r = b.get(page).await;
        assert_eq!(location(&r), "/me/second-factor", "{page}");
    }
    let (status, html) = b.get_text("/me/second-factor").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(texts(&html, "#must-enrol").len(), 1);
    let bearer = |path: &str| {
        client()
            .get(t.url(path))
            .header("authorization", format!("Bearer {token}"))
    };
    let (status, p) = problem(bearer("/api/v1/demands").send().await.unwrap()).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(p["code"], "second_factor_required");
    let (_, p) = problem(b.json(Method::GET, "/api/v1/demands").send().await.unwrap()).await;
    assert_eq!(p["code"], "second_factor_required", "the session too");
    let me: Value = bearer("/api/v1/me")
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(me["must_enrol_second_factor"], true);
    let r = bearer("/api/v1/me/second-factor").send().await.unwrap();
    let status: Value = r.json().await.unwrap();
    assert_eq!(status["required"], true);
    assert_eq!(status["enrolled"], false);

    // Enrolling through the API lifts it, for the session and the token alike.
    let (secret, _) = enrol(&t, &b).await;
    assert_eq!(b.get("/demands").await.status(), StatusCode::OK);
    assert_eq!(
        bearer("/api/v1/demands").send().await.unwrap().status(),
        StatusCode::OK
    );
    // A role that requires it cannot switch it off.
    next_step(&t);
    let r = b
        .json(Method::POST, "/api/v1/me/second-factor/disable")
        .json(&json!({ "code": code(&t, &secret) }))
        .send()
        .await
        .unwrap();
    let (status, p) = problem(r).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(p["code"], "second_factor_required_by_role");
    // Next login: two steps, and the landing page is home.
    next_step(&t);
    let b = login_2fa(&t, "district_approver", &code(&t, &secret)).await;
    assert_eq!(b.get("/inbox").await.status(), StatusCode::OK);

    // A role the policy does not name is unaffected.
    let w = t.login("worker").await;
    assert_eq!(w.get("/inbox").await.status(), StatusCode::OK);
}

/// The security administrator sets the roles; the administrator roles cannot be dropped, and a
/// change is audited.
#[tokio::test]
async fn the_policy_keeps_the_administrators_and_is_audited() {
    let t = spawn_app().await;
    let b = t.login("secadmin").await;
    let p: Value = b
        .json(Method::GET, "/api/v1/second-factor-policy")
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(p["demo_off"], true, "the demo data has it off");
    let r = b
        .json(Method::PUT, "/api/v1/second-factor-policy")
        .json(&json!({ "required_roles": ["system_admin", "security_admin", "city_approver"] }))
        .send()
        .await
        .unwrap();
    let (status, p) = problem(r).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(p["code"], "second_factor_admin_required");
    // The page's form: the administrators are sent as fixed hidden fields.
    let r = b
        .post_form(
            "/admin/security/second-factor",
            &[
                ("roles", "system_admin"),
                ("roles", "security_admin"),
                ("roles", "audit_admin"),
                ("roles", "community_head"),
            ],
        )
        .await;
    assert_eq!(
        location(&r),
        "/admin/security?done=second_factor_policy_saved"
    );
    let p = t.app.second_factor_policy().await.unwrap();
    assert!(!p.demo_off);
    assert!(p.requires(jianfu_domain::Role::CommunityHead));
    assert!(!p.requires(jianfu_domain::Role::CityApprover));
    assert_eq!(
        t.audit_count("second_factor_policy.update").await,
        2,
        "seed + change"
    );
    // The security administrator's own session now must enrol before anything else.
    assert_eq!(
        location(&b.get("/admin/security").await),
        "/me/second-factor"
    );
}

/// An administrator's second factor is reset only under dual control: the security
/// administrator alone cannot, the owner cannot ask, the requester cannot approve; one of the
/// two others asks and the third approves, which removes the factor and ends the sessions.
#[tokio::test]
async fn an_administrators_second_factor_is_reset_only_under_dual_control() {
    let t = spawn_app().await;
    let sys = t.login("sysadmin").await;
    enrol(&t, &sys).await;
    let sys_id = t.account_id("sysadmin").await;
    let sec = t.login("secadmin").await;
    let aud = t.login("auditor").await;

    let r = api_reset(&sec, sys_id).await;
    let (status, p) = problem(r).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(p["code"], "second_factor_reset_dual_control");
    let ask = |b: &Browser| {
        b.json(Method::POST, "/api/v1/credential-resets")
            .json(&json!({ "username": "sysadmin", "kind": "second_factor" }))
    };
    let (_, p) = problem(ask(&sys).send().await.unwrap()).await;
    assert_eq!(p["code"], "admin_reset_own_account");
    let r = ask(&sec).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::CREATED);
    let req: Value = r.json().await.unwrap();
    assert_eq!(req["kind"], "second_factor");
    let id = req["id"].as_i64().unwrap();
    let approve = format!("/api/v1/credential-resets/{id}/approve");
    for who in [&sec, &sys] {
        let r = who.json(Method::POST, &approve).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::FORBIDDEN);
    }
    assert_eq!(
        scalar(
            &t,
            &format!("SELECT COUNT(*) FROM second_factor WHERE account_id = {sys_id}")
        )
        .await,
        1,
        "still enrolled"
    );
    let r = aud.json(Method::POST, &approve).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let done: Value = r.json().await.unwrap();
    assert_eq!(done["temporary_password"], Value::Null);
    for table in ["second_factor", "recovery_code", "session"] {
        assert_eq!(
            scalar(
                &t,
                &format!("SELECT COUNT(*) FROM {table} WHERE account_id = {sys_id}")
            )
            .await,
            0,
            "{table}"
        );
    }
    assert_eq!(
        location(&sys.get("/inbox").await),
        "/login",
        "sessions ended"
    );
    // Next login: the password alone, and (as on a real installation) enrol again.
    require_as_installed(&t).await;
    let (_, res) = password_step(&t, "sysadmin").await;
    assert_eq!(location(&res), "/me/second-factor");
    assert_eq!(t.audit_count("credential_reset.approve").await, 1);
}

/// Any other account's second factor the security administrator resets alone; audited, and
/// the owner sees it among the resets of their account.
#[tokio::test]
async fn the_security_administrator_resets_a_non_administrator_directly() {
    let t = spawn_app().await;
    let w = t.login("worker").await;
    enrol(&t, &w).await;
    let id = t.account_id("worker").await;
    let sys = t.login("sysadmin").await;
    let r = api_reset(&sys, id).await;
    assert_eq!(
        r.status(),
        StatusCode::FORBIDDEN,
        "not the system administrator"
    );
    let sec = t.login("secadmin").await;
    let (_, html) = sec.get_text(&format!("/admin/users/{id}")).await;
    assert_eq!(texts(&html, "#second-factor").concat(), "已启用");
    let r = sec
        .post_form(&format!("/admin/users/{id}/second-factor/reset"), &[])
        .await;
    assert_eq!(
        location(&r),
        format!("/admin/users/{id}?done=second_factor_reset")
    );
    assert_eq!(t.audit_count("second_factor.reset").await, 1);
    assert_eq!(
        location(&w.get("/inbox").await),
        "/login",
        "the owner's sessions ended"
    );
    let w = t.login("worker").await;
    let (_, html) = w.get_text("/password").await;
    assert!(html.contains("安全管理员重置"), "the owner sees the reset");
    // Nothing left to reset.
    let r = api_reset(&sec, id).await;
    let (status, p) = problem(r).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(p["code"], "second_factor_not_enrolled");
}

/// The owner makes new recovery codes (the old ones stop working) and, when no role requires
/// it, switches the factor off; both need a current code.
#[tokio::test]
async fn recovery_codes_are_regenerated_and_the_factor_disabled_with_a_current_code() {
    let t = spawn_app().await;
    let b = t.login("resident").await;
    let (secret, old) = enrol(&t, &b).await;
    next_step(&t);
    let r = b
        .json(Method::POST, "/api/v1/me/second-factor/recovery-codes")
        .json(&json!({ "code": "000000" }))
        .send()
        .await
        .unwrap();
    let (status, p) = problem(r).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(p["code"], "second_factor_code_invalid");
    let r = b
        .json(Method::POST, "/api/v1/me/second-factor/recovery-codes")
        .json(&json!({ "code": code(&t, &secret) }))
        .send()
        .await
        .unwrap();
    let new: Value = r.json().await.unwrap();
    let new: Vec<String> = new["recovery_codes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c.as_str().unwrap().to_owned())
        .collect();
    assert_eq!(new.len(), 10);
    let (c, _) = password_step(&t, "resident").await;
    let r = code_step(&t, &c, &old[0]).await;
    assert_eq!(
        r.status(),
        StatusCode::UNPROCESSABLE_ENTITY,
        "old codes are void"
    );
    let b = login_2fa(&t, "resident", &new[0]).await;
    next_step(&t);
    let r = b
        .post_form("/me/second-factor/disable", &[("code", &code(&t, &secret))])
        .await;
    assert_eq!(
        location(&r),
        "/me/second-factor?done=second_factor_disabled"
    );
    assert_eq!(t.audit_count("second_factor.disable").await, 1);
    // Back to the password alone.
    let (_, res) = password_step(&t, "resident").await;
    assert_eq!(location(&res), "/");
}
