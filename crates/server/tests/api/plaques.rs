//! Plaques (挂牌, clauses 4.1 and 4.4) end to end over HTTP: a community records a plaque, the
//! rules flag it with its clause and open a removal task, closing the task takes the plaque
//! down; temporary street plaques need their approval and are flagged once when overdue; a
//! district's self-inspection campaign shows progress per street and exports to Excel. And the
//! bad inputs of the issue: a clear error with a stable code, and nothing changed.

use base64::Engine;
use jianfu_domain::Role;
use jianfu_domain::demand_kinds::TemporaryPlaqueForm;
use reqwest::{Method, Response, StatusCode};
use serde_json::{Value, json};

use crate::auth::{field_error, location, problem, scalar, texts};
use crate::helpers::{Browser, TestApp, spawn_app};

/// A whole 2 × 2 PNG: uploads are decoded before they are kept.
const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x02\0\0\0\x02\x08\x02\0\0\0\xfd\xd4\x9a\x73\0\0\0\x10IDAT\x78\xda\x63\x38\x21\xa0\x00\x44\x0c\x10\x0a\x00\x1d\xce\x03\xe1\x09\x8c\x9b\x0d\0\0\0\0IEND\xae\x42\x60\x82";
const DAY_MS: i64 = 86_400_000;
/// A password that meets the policy, for accounts the tests add.
const NEW_PASSWORD: &str = "Shou#ce2026x";

async fn post(b: &Browser, path: &str, v: &Value) -> (StatusCode, Value) {
    let r = b.json(Method::POST, path).json(v).send().await.unwrap();
    let s = r.status();
    (s, r.json().await.unwrap_or(Value::Null))
}

async fn get(b: &Browser, path: &str) -> (StatusCode, Value) {
    let r = b.json(Method::GET, path).send().await.unwrap();
    let s = r.status();
    (s, r.json().await.unwrap_or(Value::Null))
}

/// An API error: status, stable code, the Chinese message and the field.
async fn api_error(res: Response) -> (StatusCode, String, String, String) {
    let (s, body) = problem(res).await;
    let text = |k: &str| body[k].as_str().unwrap_or_default().to_owned();
    (s, text("code"), text("detail"), text("field"))
}

async fn post_error(b: &Browser, path: &str, v: &Value) -> (StatusCode, String, String, String) {
    api_error(b.json(Method::POST, path).json(v).send().await.unwrap()).await
}

async fn count(t: &TestApp, table: &str) -> i64 {
    scalar(t, &format!("SELECT COUNT(*) FROM {table}")).await
}

/// Rows of everything a refused request must leave alone, the audit log included.
async fn state(t: &TestApp) -> [i64; 7] {
    [
        count(t, "plaque").await,
        count(t, "removal_task").await,
        scalar(t, "SELECT COUNT(*) FROM removal_task WHERE status = 'open'").await,
        scalar(t, "SELECT COUNT(*) FROM plaque WHERE status = 'hanging'").await,
        count(t, "campaign").await,
        count(t, "supervision_case").await,
        count(t, "audit_entry").await,
    ]
}

fn plaque(unit: i64, name: &str, placement: &str) -> Value {
    json!({
        "unit_id": unit,
        "name": name,
        "placement": placement,
        "location": "办公楼正门东侧",
        "since": "2024-05-01",
    })
}

/// Registers an outdoor 综合治理工作站 (not compliant: 4.4-4) on `unit` through the page's form.
pub(crate) async fn add_outdoor_station(b: &Browser, unit: i64) -> Response {
    b.post_multipart(
        &format!("/plaques/units/{unit}"),
        &[
            ("name", "综合治理工作站"),
            ("placement", "outdoor"),
            ("location", "办公楼东侧墙面"),
            ("since", "2024-05-01"),
        ],
        &[],
    )
    .await
}

fn b64(bytes: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

async fn add_and_login(t: &TestApp, username: &str, code: &str, role: Role) -> Browser {
    t.app
        .add_account_as_operator(username, "示例新增账号", code, &[role], NEW_PASSWORD, false)
        .await
        .unwrap();
    t.login_with(username, NEW_PASSWORD)
        .await
        .unwrap_or_else(|_| panic!("{username} logs in"))
}

/// 1. The issue's story: 示例和平社区 hangs “综合治理工作站” outdoors; the rules flag it under
/// 4.4-4 and open a removal task its supervisors see; closing the task without a date changes
/// nothing; closing it with the date and a photo takes the plaque down.
#[tokio::test]
async fn an_outdoor_comprehensive_station_is_flagged_and_its_removal_task_takes_it_down() {
    let t = spawn_app().await;
    let heping = t.node_id("示例和平社区").await;
    let worker = t.login("worker").await;
    let today = t.today();
    let adds = t.audit_count("plaque.add").await + 1;
    let r = add_outdoor_station(&worker, heping).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let to = location(&r);
    assert!(to.contains("done=added_noncompliant"), "{to}");
    let id = scalar(
        &t,
        "SELECT MAX(id) FROM plaque WHERE name = '综合治理工作站'",
    )
    .await;

    // The registry page shows the finding with its clause, linked to the policy text.
    let (s, html) = worker.get_text(&to).await;
    assert_eq!(s, StatusCode::OK);
    let row = format!("#plaque-{id}");
    let findings = texts(&html, &format!("{row} .finding"));
    assert!(
        findings
            .iter()
            .any(|f| f.contains("4.4-4") && f.contains("综合治理工作站")),
        "{findings:?}"
    );
    assert!(
        html.contains(r#"href="/policy#4.4-4""#),
        "the clause links to the policy text"
    );
    assert!(html.contains(&format!(r#"id="plaque-{id}" data-compliant="false""#)));
    assert!(!texts(&html, "#open-tasks li").is_empty());

    // The API says the same, with the task and its deadline (the demo campaign of 铁东区 ends
    // a week after its launch today; without a campaign it would also be a week, 4.1-7).
    let (s, p) = get(&worker, &format!("/api/v1/plaques/{id}")).await;
    assert_eq!(s, StatusCode::OK, "{p}");
    assert_eq!(p["compliant"], false);
    assert_eq!(p["outcome"], "reject");
    assert!(
        p["clauses"].as_array().unwrap().contains(&json!("4.4-4")),
        "{p}"
    );
    assert_eq!(p["findings"][0]["code"], "outdoor_not_whitelisted");
    let task = p["open_task"]["id"].as_i64().unwrap();
    assert_eq!(p["open_task"]["clause"], "4.4-4");
    assert_eq!(
        p["open_task"]["deadline"],
        (today + chrono::Duration::days(7)).to_string()
    );

    // The unit's supervisors see the task: the street and the district.
    for who in ["street", "district_supervisor", "district_approver"] {
        let b = t.login(who).await;
        let (s, tasks) = get(&b, "/api/v1/removal-tasks?per_page=200").await;
        assert_eq!(s, StatusCode::OK, "{who}: {tasks}");
        assert!(
            tasks["items"]
                .as_array()
                .unwrap()
                .iter()
                .any(|x| x["id"] == task),
            "{who} sees the task"
        );
    }
    let (_, html) = t.login("street").await.get_text("/removal-tasks").await;
    assert!(html.contains(&format!(r#"id="task-{task}""#)));

    // Closing without a date (page and API), with a date in the future or before the plaque
    // went up: refused, nothing changes.
    let before = state(&t).await;
    let r = worker
        .post_multipart(
            &format!("/removal-tasks/{task}/close"),
            &[("removed_on", "")],
            &[],
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = r.text().await.unwrap();
    assert!(
        html.contains("请填写牌子实际清理"),
        "the error is shown at the task"
    );
    let close = format!("/api/v1/removal-tasks/{task}/close");
    let tomorrow = (today + chrono::Duration::days(1)).to_string();
    for (body, code) in [
        (json!({}), "removed_on_required"),
        (json!({ "removed_on": "  " }), "removed_on_required"),
        (json!({ "removed_on": "2026-02-30" }), "date_invalid"),
        (json!({ "removed_on": tomorrow }), "removed_on_in_future"),
        (
            json!({ "removed_on": "2024-04-30" }),
            "removed_before_since",
        ),
    ] {
        let (s, c, detail, field) = post_error(&worker, &close, &body).await;
        assert_eq!(
            (s, c.as_str()),
            (StatusCode::UNPROCESSABLE_ENTITY, code),
            "{body}: {detail}"
        );
        assert_eq!(field, "removed_on");
    }
    assert_eq!(state(&t).await, before, "a refused close changes nothing");

    // Closing with the date and a photo: the plaque is taken down, the task closed.
    let r = worker
        .post_multipart(
            &format!("/removal-tasks/{task}/close"),
            &[("removed_on", &today.to_string())],
            &[("photo", "after.png", PNG)],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&r), "/removal-tasks?done=closed");
    let (_, p) = get(&worker, &format!("/api/v1/plaques/{id}")).await;
    assert_eq!(p["status"], "removed");
    assert_eq!(p["removed_on"], today.to_string());
    assert!(p["open_task"].is_null());
    let (_, closed) = get(&worker, "/api/v1/removal-tasks?status=closed").await;
    let closed = closed["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["id"] == task)
        .cloned()
        .unwrap();
    assert_eq!(closed["resolution"], "removed");
    assert_eq!(closed["closed_on"], today.to_string());
    assert_eq!(closed["has_evidence"], true);
    let r = worker.get(&format!("/removal-tasks/{task}/evidence")).await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.headers()["content-type"], "image/png");
    assert_eq!(r.bytes().await.unwrap().as_ref(), PNG);
    assert_eq!(t.audit_count("removal_task.close").await, 1);
    assert_eq!(t.audit_count("plaque.add").await, adds);

    // Closing it again is a conflict; a removed plaque cannot be edited.
    let (s, c, ..) = post_error(&worker, &close, &json!({ "removed_on": today.to_string() })).await;
    assert_eq!((s, c.as_str()), (StatusCode::CONFLICT, "task_closed"));
    let r = worker
        .json(Method::PUT, &format!("/api/v1/plaques/{id}"))
        .json(&plaque(heping, "综合治理工作站", "indoor"))
        .send()
        .await
        .unwrap();
    let (s, c, ..) = api_error(r).await;
    assert_eq!((s, c.as_str()), (StatusCode::CONFLICT, "plaque_removed"));
}

/// 2. A plaque moved to where it belongs passes, and its task closes as corrected.
#[tokio::test]
async fn moving_a_plaque_indoors_corrects_it_and_closes_its_task() {
    let t = spawn_app().await;
    let heping = t.node_id("示例和平社区").await;
    let worker = t.login("worker").await;
    let (s, p) = post(
        &worker,
        "/api/v1/plaques",
        &plaque(heping, "示例和平社区警务室", "outdoor"),
    )
    .await;
    assert_eq!(s, StatusCode::CREATED, "{p}");
    assert_eq!(p["findings"][0]["code"], "indoor_name_outdoors", "{p}");
    assert_eq!(p["open_task"]["move_to"], "indoor");
    let (id, task) = (p["id"].as_i64().unwrap(), p["open_task"]["id"].clone());
    let r = worker
        .json(Method::PUT, &format!("/api/v1/plaques/{id}"))
        .json(&plaque(0, "示例和平社区警务室", "indoor"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let p: Value = r.json().await.unwrap();
    assert_eq!(p["compliant"], true, "{p}");
    assert_eq!(p["matched_key"], "police_office");
    assert!(p["open_task"].is_null());
    let (_, all) = get(&worker, "/api/v1/removal-tasks?status=all&per_page=200").await;
    let t2 = all["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["id"] == task)
        .cloned()
        .unwrap();
    assert_eq!(t2["resolution"], "corrected");
    assert_eq!(p["status"], "hanging");
}

/// 3. A plaque for a unit outside the user's jurisdiction: 403, audited, nothing stored.
#[tokio::test]
async fn a_plaque_for_a_unit_outside_the_users_jurisdiction_is_refused() {
    let t = spawn_app().await;
    let guangming = t.node_id("示例光明社区").await;
    let xinhua = t.node_id("示例新华社区").await;
    let worker = t.login("worker").await;
    let street = t.login("street").await;
    let denials = t.audit_count("permission.denied").await;
    let before = state(&t).await;
    // A community worker for the neighbouring community, a street official for a community of
    // another street; by the API and by the page's form.
    let (s, c, ..) = post_error(
        &worker,
        "/api/v1/plaques",
        &plaque(guangming, "社区党委", "outdoor"),
    )
    .await;
    assert_eq!((s, c.as_str()), (StatusCode::FORBIDDEN, "forbidden"));
    let (s, c, ..) = post_error(
        &street,
        "/api/v1/plaques",
        &plaque(xinhua, "社区党委", "outdoor"),
    )
    .await;
    assert_eq!((s, c.as_str()), (StatusCode::FORBIDDEN, "forbidden"));
    let r = worker
        .post_multipart(
            &format!("/plaques/units/{guangming}"),
            &[
                ("name", "社区党委"),
                ("placement", "outdoor"),
                ("location", "正门"),
                ("since", "2024-05-01"),
            ],
            &[("photo", "p.png", PNG)],
        )
        .await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let after = state(&t).await;
    assert_eq!(after[..6], before[..6], "nothing stored");
    assert_eq!(t.audit_count("permission.denied").await, denials + 3);
    // Nor may they read that registry, edit its plaques or close its tasks.
    let (s, _) = worker.get_text(&format!("/plaques/units/{xinhua}")).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let other = scalar(
        &t,
        &format!("SELECT MIN(id) FROM plaque WHERE unit_node_id = {xinhua}"),
    )
    .await;
    let r = street
        .json(Method::PUT, &format!("/api/v1/plaques/{other}"))
        .json(&plaque(0, "社区党委", "outdoor"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    // The street may keep the registries of its own communities.
    let (s, p) = post(
        &street,
        "/api/v1/plaques",
        &plaque(guangming, "社区党委", "outdoor"),
    )
    .await;
    assert_eq!(s, StatusCode::CREATED, "{p}");
    assert_eq!(p["compliant"], true, "{p}");
}

/// 4. Photos: checked by content, at most 5 MB, nothing stored otherwise; served only through
/// an authorized route.
#[tokio::test]
async fn photos_are_checked_by_content_and_size_and_served_with_authorization() {
    let t = spawn_app().await;
    let heping = t.node_id("示例和平社区").await;
    let worker = t.login("worker").await;
    let fields = [
        ("name", "示例和平社区居委会"),
        ("placement", "outdoor"),
        ("location", "正门右侧"),
        ("since", "2024-05-01"),
    ];
    let path = format!("/plaques/units/{heping}");
    let before = state(&t).await;
    let mut too_big = vec![0xFF, 0xD8, 0xFF, 0xE0];
    too_big.resize(jianfu_domain::plaque::MAX_PHOTO_BYTES + 1, 0);
    for (file, bytes, says) in [
        ("plaque.jpg", b"GIF89a not a jpeg".as_slice(), "JPG 或 PNG"),
        (
            "plaque.png",
            b"%PDF-1.7 a document".as_slice(),
            "JPG 或 PNG",
        ),
        ("plaque.exe", b"MZ\x90\0".as_slice(), "JPG 或 PNG"),
        ("plaque.jpg", too_big.as_slice(), "5 MB"),
        // Found in issue 15: an image signature followed by garbage was kept as a photo.
        (
            "plaque.png",
            b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR-test-image".as_slice(),
            "PNG 图片，但内容已损坏",
        ),
        (
            "plaque.jpg",
            [0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10].as_slice(),
            "JPG 图片，但内容已损坏",
        ),
    ] {
        let r = worker
            .post_multipart(&path, &fields, &[("photo", file, bytes)])
            .await;
        assert_eq!(
            r.status(),
            StatusCode::UNPROCESSABLE_ENTITY,
            "{file} {}",
            bytes.len()
        );
        let html = r.text().await.unwrap();
        let e = field_error(&html, "photo").unwrap_or_default();
        assert!(e.contains(says), "{file}: {e}");
        assert!(
            html.contains("示例和平社区居委会"),
            "the form keeps its input"
        );
    }
    for (photo, code) in [
        (b64(b"plain text"), "photo_not_image"),
        ("not base64!".to_owned(), "photo_base64"),
        (b64(&too_big), "photo_too_large"),
    ] {
        let mut body = plaque(heping, "示例和平社区居委会", "outdoor");
        body["photo_base64"] = json!(photo);
        let (s, c, _, field) = post_error(&worker, "/api/v1/plaques", &body).await;
        assert_eq!(
            (s, c.as_str(), field.as_str()),
            (StatusCode::UNPROCESSABLE_ENTITY, code, "photo")
        );
    }
    assert_eq!(
        state(&t).await,
        before,
        "no photo stored, no plaque, no audit entry"
    );

    // A PNG is stored in the database and served to who sees the registry, and no one else.
    let r = worker
        .post_multipart(&path, &fields, &[("photo", "plaque.png", PNG)])
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let id = scalar(&t, "SELECT MAX(id) FROM plaque").await;
    for who in ["worker", "street", "district_supervisor"] {
        let r = t
            .login(who)
            .await
            .get(&format!("/plaques/{id}/photo"))
            .await;
        assert_eq!(r.status(), StatusCode::OK, "{who}");
        assert_eq!(r.headers()["content-type"], "image/png");
        assert_eq!(r.bytes().await.unwrap().as_ref(), PNG);
    }
    let other = add_and_login(
        &t,
        "guangming_worker",
        "210302091002",
        Role::CommunityWorker,
    )
    .await;
    assert_eq!(
        other.get(&format!("/plaques/{id}/photo")).await.status(),
        StatusCode::FORBIDDEN
    );
    let anon = crate::helpers::client();
    let r = anon
        .get(t.url(&format!("/plaques/{id}/photo")))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (_, html) = worker.get_text(&format!("/plaques/{id}")).await;
    assert!(html.contains(&format!(r#"src="/plaques/{id}/photo""#)));
}

/// 5. Bad form input is shown next to its field; nothing is stored.
#[tokio::test]
async fn bad_plaque_input_is_refused_next_to_its_field() {
    let t = spawn_app().await;
    let heping = t.node_id("示例和平社区").await;
    let district = t.node_id("铁东区").await;
    let worker = t.login("worker").await;
    let before = state(&t).await;
    let tomorrow = (t.today() + chrono::Duration::days(1)).to_string();
    let cases: Vec<(Value, &str, &str)> = vec![
        (
            json!({ "unit_id": heping, "name": " ", "placement": "outdoor", "location": "门口", "since": "2024-01-01" }),
            "name",
            "required",
        ),
        (
            json!({ "unit_id": heping, "name": "社区党委", "placement": "roof", "location": "门口", "since": "2024-01-01" }),
            "placement",
            "placement_invalid",
        ),
        (
            json!({ "unit_id": heping, "name": "社区党委", "placement": "outdoor", "location": "", "since": "2024-01-01" }),
            "location",
            "required",
        ),
        (
            json!({ "unit_id": heping, "name": "社区党委", "placement": "outdoor", "location": "门口", "since": "" }),
            "since",
            "since_required",
        ),
        (
            json!({ "unit_id": heping, "name": "社区党委", "placement": "outdoor", "location": "门口", "since": tomorrow }),
            "since",
            "since_in_future",
        ),
        (
            json!({ "unit_id": district, "name": "社区党委", "placement": "outdoor", "location": "门口", "since": "2024-01-01" }),
            "unit_id",
            "unit_invalid",
        ),
        (
            json!({ "unit_id": 999_999, "name": "社区党委", "placement": "outdoor", "location": "门口", "since": "2024-01-01" }),
            "unit_id",
            "unit_invalid",
        ),
        (
            json!({ "unit_id": heping, "name": "社区党委", "placement": "outdoor", "location": "门口", "since": "2024-01-01", "temporary_demand_id": 1 }),
            "temporary_demand_id",
            "temporary_street_only",
        ),
    ];
    for (body, field, code) in cases {
        let (s, c, detail, f) = post_error(&worker, "/api/v1/plaques", &body).await;
        assert_eq!(
            (s, c.as_str(), f.as_str()),
            (StatusCode::UNPROCESSABLE_ENTITY, code, field),
            "{body}: {detail}"
        );
    }
    let r = worker
        .post_multipart(
            &format!("/plaques/units/{heping}"),
            &[
                ("name", "社区党委"),
                ("placement", "outdoor"),
                ("location", ""),
                ("since", "2024-05-01"),
            ],
            &[],
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = r.text().await.unwrap();
    assert!(
        field_error(&html, "location")
            .unwrap_or_default()
            .contains("悬挂地点")
    );
    assert_eq!(state(&t).await, before);
}

/// 6. A campaign for a district the user does not supervise: 403, audited, nothing launched.
#[tokio::test]
async fn a_campaign_for_a_district_the_user_does_not_supervise_is_refused() {
    let t = spawn_app().await;
    let tiexi = t.node_id("铁西区").await;
    let tiedong = t.node_id("铁东区").await;
    let street = t.node_id("示例一街道").await;
    let before = state(&t).await;
    let denials = t.audit_count("permission.denied").await;
    for who in ["district_approver", "district_supervisor"] {
        let b = t.login(who).await;
        let (s, c, ..) =
            post_error(&b, "/api/v1/campaigns", &json!({ "district_id": tiexi })).await;
        assert_eq!(
            (s, c.as_str()),
            (StatusCode::FORBIDDEN, "forbidden"),
            "{who}"
        );
        let r = b
            .post_form(
                "/campaigns",
                &[("district_id", &tiexi.to_string()), ("title", "")],
            )
            .await;
        assert_eq!(r.status(), StatusCode::FORBIDDEN, "{who}");
    }
    assert_eq!(t.audit_count("permission.denied").await, denials + 4);
    // Not a district; no district; a second campaign while 铁东区's runs.
    let b = t.login("district_approver").await;
    for (body, status, code) in [
        (
            json!({ "district_id": street }),
            StatusCode::UNPROCESSABLE_ENTITY,
            "district_invalid",
        ),
        (
            json!({ "district_id": 0 }),
            StatusCode::UNPROCESSABLE_ENTITY,
            "district_invalid",
        ),
        (
            json!({ "district_id": tiedong }),
            StatusCode::CONFLICT,
            "campaign_in_progress",
        ),
    ] {
        let (s, c, detail, _) = post_error(&b, "/api/v1/campaigns", &body).await;
        assert_eq!((s, c.as_str()), (status, code), "{body}: {detail}");
    }
    let after = state(&t).await;
    assert_eq!(after[..6], before[..6], "nothing launched");
    // The form shows the error next to the district.
    let r = b.post_form("/campaigns", &[("district_id", "0")]).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = r.text().await.unwrap();
    assert!(
        field_error(&html, "district_id")
            .unwrap_or_default()
            .contains("请选择")
    );
}

/// 7. Campaign progress: per street, completion only after every plaque was re-checked, late
/// and overdue units (4.1-7), and the Excel export (audited).
#[tokio::test]
async fn campaign_progress_completion_and_export() {
    let t = spawn_app().await;
    let today = t.today();
    let one = t.node_id("示例一街道").await;
    let two = t.node_id("示例二街道").await;
    let three = t.node_id("示例三街道").await;
    let tiexi = t.node_id("铁西区").await;
    // The demo campaign of 铁东区: 示例一街道 done, 示例二街道 not.
    let sup = t.login("district_supervisor").await;
    let (s, list) = get(&sup, "/api/v1/campaigns").await;
    assert_eq!(s, StatusCode::OK, "{list}");
    assert_eq!(list["total"], 1, "{list}");
    let demo = list["items"][0]["id"].as_i64().unwrap();
    assert_eq!(list["items"][0]["completed"], 1);
    let (_, c) = get(&sup, &format!("/api/v1/campaigns/{demo}")).await;
    assert_eq!(
        c["deadline"],
        (today + chrono::Duration::days(7)).to_string()
    );
    let state_of = |c: &Value, unit: i64| {
        c["units"]
            .as_array()
            .unwrap()
            .iter()
            .find(|u| u["unit_id"] == unit)
            .map(|u| u["state"].as_str().unwrap().to_owned())
            .unwrap()
    };
    assert_eq!(state_of(&c, one), "on_time");
    assert_eq!(state_of(&c, two), "open");
    let names: Vec<&str> = c["noncompliant_plaques"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["name"].as_str().unwrap())
        .collect();
    for n in [
        "综合治理工作站",
        "计划生育协会",
        "示例一街道招商引资服务中心",
    ] {
        assert!(names.contains(&n), "{names:?}");
    }

    // The city's supervisor launches one in 铁西区; its street completes after re-checking.
    let city = t.login("supervisor").await;
    let (s, c) = post(&city, "/api/v1/campaigns", &json!({ "district_id": tiexi })).await;
    assert_eq!(s, StatusCode::CREATED, "{c}");
    let cid = c["id"].as_i64().unwrap();
    assert_eq!(state_of(&c, three), "open");
    assert_eq!(t.audit_count("campaign.launch").await, 2);
    let s3 = add_and_login(&t, "street3", "210303091000", Role::StreetOfficial).await;
    let complete = format!("/api/v1/campaigns/{cid}/units/{three}/complete");
    let (s, code, detail, _) = post_error(&s3, &complete, &json!({ "note": "" })).await;
    assert_eq!(
        (s, code.as_str()),
        (StatusCode::CONFLICT, "plaques_not_rechecked"),
        "{detail}"
    );
    assert!(detail.contains("未复核"), "{detail}");
    // Another street's official may not complete it.
    let street = t.login("street").await;
    let (s, ..) = post_error(&street, &complete, &json!({})).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    // Re-check every plaque (the page's button), then report completion (the page's form).
    let r = s3
        .post_form(
            &format!("/plaques/units/{three}/recheck"),
            &[("campaign_id", &cid.to_string())],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&r), format!("/campaigns/{cid}?done=rechecked"));
    let r = s3
        .post_form(
            &format!("/campaigns/{cid}/units/{three}/complete"),
            &[("note", "逐块复核，均符合清单")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (_, c) = get(&city, &format!("/api/v1/campaigns/{cid}")).await;
    let u = &c["units"][0];
    assert_eq!(u["state"], "on_time", "{c}");
    assert_eq!(u["completed_on"], today.to_string());
    assert_eq!(u["rechecked"], u["hanging"]);
    assert!(u["hanging"].as_u64().unwrap() > 0);
    let (s, code, ..) = post_error(&s3, &complete, &json!({})).await;
    assert_eq!(
        (s, code.as_str()),
        (StatusCode::CONFLICT, "self_inspection_completed")
    );

    // Eight days later 示例二街道 is overdue (4.1-7); 示例一街道 stays done on time.
    t.advance_clock_ms(8 * DAY_MS);
    let sup = t.login("district_supervisor").await;
    let (_, c) = get(&sup, &format!("/api/v1/campaigns/{demo}")).await;
    assert_eq!(state_of(&c, one), "on_time");
    assert_eq!(state_of(&c, two), "overdue");
    assert_eq!(c["overdue"], 1);
    let (_, html) = sup.get_text(&format!("/campaigns/{demo}")).await;
    assert!(html.contains(&format!(r#"id="unit-{two}" data-state="overdue""#)));
    assert!(html.contains(r#"href="/policy#4.1-7""#));
    let (_, list) = get(&sup, "/api/v1/campaigns").await;
    assert_eq!(list["items"][0]["overdue"], 1, "{list}");

    // The export: a workbook, audited.
    let r = sup.get(&format!("/campaigns/{demo}/export.xlsx")).await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(
        r.headers()["content-type"],
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    );
    let bytes = r.bytes().await.unwrap();
    assert!(bytes.starts_with(b"PK"), "an xlsx is a zip");
    assert_eq!(t.audit_count("campaign.export").await, 1);
    // A community of another district sees neither 铁东区's campaign nor its export.
    let other = add_and_login(&t, "fanrong_worker", "210303091001", Role::CommunityWorker).await;
    assert_eq!(
        other
            .get(&format!("/campaigns/{demo}/export.xlsx"))
            .await
            .status(),
        StatusCode::FORBIDDEN
    );
}

/// 8. Temporary street plaques (4.1-5): not before the staffing office approves; once hung,
/// flagged overdue the day after the task ends — once, however often the detector runs.
#[tokio::test]
async fn a_temporary_plaque_needs_approval_and_is_flagged_once_when_overdue() {
    let t = spawn_app().await;
    let one = t.node_id("示例一街道").await;
    let today = t.today();
    let day = |d: i64| (today + chrono::Duration::days(d)).to_string();
    let text = "示例一街道创城迎检指挥部";
    let d = t
        .app
        .request_temporary_plaque(
            &t.ctx("street").await,
            &TemporaryPlaqueForm {
                unit_id: 0,
                task: "全国文明城市创建迎检".into(),
                plaque_text: text.into(),
                placement: "outdoor".into(),
                start: day(-1),
                end: day(3),
            },
        )
        .await
        .unwrap();
    let street = t.login("street").await;
    let mut body = plaque(one, text, "outdoor");
    body["since"] = json!(today.to_string());
    body["temporary_demand_id"] = json!(d.id);

    // Submitted, not admitted: recording it as hanging is refused with 4.1-5.
    let before = state(&t).await;
    let (s, code, detail, field) = post_error(&street, "/api/v1/plaques", &body).await;
    assert_eq!(
        (s, code.as_str(), field.as_str()),
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            "temporary_not_approved",
            "temporary_demand_id"
        ),
        "{detail}"
    );
    assert!(detail.contains("4.1-5"), "{detail}");
    assert_eq!(state(&t).await, before, "nothing recorded");

    t.app
        .admit_demand(
            &t.ctx("staffing").await,
            d.id,
            &day(-1),
            &day(3),
            "同意临时加挂",
        )
        .await
        .unwrap();
    // Admitted: the text and placement must be the approved ones; hung before the approval's
    // first day is refused too.
    let mut other = body.clone();
    other["name"] = json!("示例一街道创城指挥部");
    let (s, code, ..) = post_error(&street, "/api/v1/plaques", &other).await;
    assert_eq!(
        (s, code.as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, "temporary_text_mismatch")
    );
    let mut early = body.clone();
    early["since"] = json!(day(-5));
    let (s, code, detail, _) = post_error(&street, "/api/v1/plaques", &early).await;
    assert_eq!(
        (s, code.as_str()),
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            "temporary_hung_before_approval"
        ),
        "{detail}"
    );
    let (s, p) = post(&street, "/api/v1/plaques", &body).await;
    assert_eq!(s, StatusCode::CREATED, "{p}");
    assert_eq!(p["compliant"], true, "{p}");
    assert!(
        p["clauses"].as_array().unwrap().contains(&json!("4.1-5")),
        "{p}"
    );
    let id = p["id"].as_i64().unwrap();
    let cases = format!(
        "SELECT COUNT(*) FROM supervision_case WHERE kind = 'temporary_plaque_overdue' AND plaque_id = {id}"
    );

    // Within the task: nothing to flag.
    let r = t.app.run_plaque_detectors().await.unwrap();
    assert!(r.checked >= 1, "{r:?}");
    assert_eq!(r.flagged, 0);
    assert_eq!(scalar(&t, &cases).await, 0);

    // Past the task's last day: flagged once, however often the detector runs — also when two
    // runs race (both find no case, the second INSERT meets the unique index and does nothing).
    t.advance_clock_ms(5 * DAY_MS);
    let (a, b) = tokio::join!(t.app.run_plaque_detectors(), t.app.run_plaque_detectors());
    let (a, b) = (a.unwrap(), b.unwrap());
    assert!(a.flagged + b.flagged <= 1, "{a:?} {b:?}");
    let second = t.app.run_plaque_detectors().await.unwrap();
    assert_eq!(second.flagged, 0, "{second:?}");
    assert!(second.already_flagged >= 1);
    assert_eq!(scalar(&t, &cases).await, 1);
    // The demo's own overdue temporary plaque was flagged at seeding; this one once more.
    assert_eq!(t.audit_count("case.detect").await, 2);
    // Two processes racing: the unique index refuses a second case for the plaque.
    let dup = format!(
        "INSERT INTO supervision_case (kind, status, community_node_id, reported_by, demanding_unit, description, finding, plaque_id, created_at, updated_at) \
         SELECT kind, status, community_node_id, reported_by, demanding_unit, description, finding, plaque_id, created_at, updated_at FROM supervision_case WHERE plaque_id = {id}"
    );
    let db = t.app.store.db();
    use jianfu_store::orm::ConnectionTrait;
    let err = db
        .execute_raw(jianfu_store::orm::Statement::from_string(
            db.get_database_backend(),
            dup,
        ))
        .await;
    assert!(err.is_err(), "the index allows one case per plaque");

    // The district supervisor sees the case with its clause on /cases.
    let sup = t.login("district_supervisor").await;
    let (_, html) = sup.get_text("/cases").await;
    assert!(html.contains("临时挂牌逾期未清理"), "{html}");
    assert!(html.contains(text));
    assert!(html.contains(r#"href="/policy#4.1-5""#));
    let (_, api) = get(&sup, "/api/v1/cases").await;
    assert!(
        api["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c["clause"] == "4.1-5" && c["description"].as_str().unwrap().contains(text)),
        "{api}"
    );
    // The registry agrees once the plaque is re-checked: non-compliant, with a removal task.
    let street = t.login("street").await;
    let (s, p) = post(
        &street,
        &format!("/api/v1/plaques/{id}/confirm"),
        &json!({}),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{p}");
    assert_eq!(p["compliant"], false, "{p}");
    assert_eq!(p["open_task"]["reason_code"], "temporary_plaque_overdue");
}

/// 9. The demo data: most units compliant, a few non-compliant plaques with their tasks, and
/// the filters of the overview.
#[tokio::test]
async fn demo_registries_and_the_units_overview() {
    let t = spawn_app().await;
    let approver = t.login("district_approver").await;
    let (s, html) = approver.get_text("/plaques?compliance=noncompliant").await;
    assert_eq!(s, StatusCode::OK);
    let units = texts(&html, "#units tbody td:first-child");
    assert_eq!(units, vec!["示例一街道", "示例和平社区"], "{units:?}");
    let (_, html) = approver.get_text("/plaques?compliance=compliant").await;
    let units = texts(&html, "#units tbody td:first-child");
    for u in ["示例光明社区", "示例二街道", "示例新华社区"] {
        assert!(units.contains(&u.to_owned()), "{units:?}");
    }
    // 综合治理工作站, 计划生育协会, 招商引资服务中心, and the demo's overdue temporary plaque.
    let (_, tasks) = get(&approver, "/api/v1/removal-tasks").await;
    assert_eq!(tasks["total"], 4, "{tasks}");
    let codes: Vec<&str> = tasks["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["reason_code"].as_str().unwrap())
        .collect();
    assert!(codes.contains(&"temporary_plaque_overdue"), "{codes:?}");
    let (_, ps) = get(&approver, "/api/v1/plaques?compliance=noncompliant").await;
    assert_eq!(ps["total"], 4, "{ps}");
    // The overdue one is a supervision case for the district's supervisors (4.1-5).
    let sup = t.login("district_supervisor").await;
    let (_, cases) = sup.get_text("/cases").await;
    assert!(
        cases.contains("示例一街道防汛抗旱指挥部") || cases.contains("临时挂牌逾期未清理"),
        "{cases}"
    );
    // Every page renders for a community worker.
    let worker = t.login("worker").await;
    let heping = t.node_id("示例和平社区").await;
    let id = scalar(&t, "SELECT MIN(id) FROM plaque").await;
    for path in [
        "/plaques".to_owned(),
        format!("/plaques/units/{heping}"),
        format!("/plaques/{id}"),
        "/removal-tasks".to_owned(),
        "/campaigns".to_owned(),
    ] {
        let (s, html) = worker.get_text(&path).await;
        assert_eq!(s, StatusCode::OK, "{path}");
        assert!(html.contains("挂牌"), "{path}");
    }
}

/// Issue 15: a plaque name's place words are checked against where the unit sits. The issue's
/// example, 中共鞍山市铁西区示例社区委员会 for a community in 铁东区, is recorded as another place's
/// plaque (`place_mismatch`, cited as the entry's clause 4.4-4) with a removal task, like the
/// other name findings; the same name in 铁西区 is compliant; another street is caught too.
#[tokio::test]
async fn place_mismatch_a_plaque_naming_another_district_or_street_is_flagged() {
    let t = spawn_app().await;
    let heping = t.node_id("示例和平社区").await;
    let worker = t.login("worker").await;
    let tasks = count(&t, "removal_task").await;

    let (s, p) = post(
        &worker,
        "/api/v1/plaques",
        &plaque(heping, "中共鞍山市铁西区示例和平社区委员会", "outdoor"),
    )
    .await;
    assert_eq!(s, StatusCode::CREATED, "{p}");
    assert_eq!(p["compliant"], false, "{p}");
    assert_eq!(p["findings"].as_array().unwrap().len(), 1, "{p}");
    assert_eq!(p["findings"][0]["code"], "place_mismatch", "{p}");
    assert_eq!(p["findings"][0]["clause"], "4.4-4", "{p}");
    assert_eq!(
        p["findings"][0]["message"],
        "“中共鞍山市铁西区示例和平社区委员会”中的“铁西区”与本社区所在的“铁东区”不符"
    );
    assert_eq!(p["matched_key"], "party_organization", "{p}");
    assert_eq!(p["open_task"]["clause"], "4.4-4", "{p}");
    assert!(p["open_task"]["move_to"].is_null(), "{p}");
    assert_eq!(count(&t, "removal_task").await, tasks + 1);

    // Another street of the same district.
    let (s, p) = post(
        &worker,
        "/api/v1/plaques",
        &plaque(
            heping,
            "鞍山市铁东区示例二街道示例和平社区党群服务中心",
            "outdoor",
        ),
    )
    .await;
    assert_eq!(s, StatusCode::CREATED, "{p}");
    assert_eq!(p["findings"][0]["code"], "place_mismatch", "{p}");
    assert!(
        p["findings"][0]["message"]
            .as_str()
            .unwrap()
            .contains("“示例二街道”与本社区所在的“示例一街道”不符"),
        "{p}"
    );

    // Its own places, written in full: compliant, no task.
    let (s, p) = post(
        &worker,
        "/api/v1/plaques",
        &plaque(
            heping,
            "中共鞍山市铁东区示例一街道示例和平社区委员会",
            "outdoor",
        ),
    )
    .await;
    assert_eq!(s, StatusCode::CREATED, "{p}");
    assert_eq!(p["compliant"], true, "{p}");
    assert!(p["open_task"].is_null(), "{p}");

    // The same district word for a community that does sit in 铁西区: compliant.
    let fanrong = t.node_id("示例繁荣社区").await;
    let tiexi = add_and_login(&t, "fanrong_worker", "210303091001", Role::CommunityWorker).await;
    let (s, p) = post(
        &tiexi,
        "/api/v1/plaques",
        &plaque(fanrong, "中共鞍山市铁西区示例繁荣社区委员会", "outdoor"),
    )
    .await;
    assert_eq!(s, StatusCode::CREATED, "{p}");
    assert_eq!(p["compliant"], true, "{p}");
    assert!(p["findings"].as_array().unwrap().is_empty(), "{p}");

    // Re-checking the unit's plaques reads its places too: the finding stays, the rest pass.
    let r = worker
        .post_form(&format!("/plaques/units/{heping}/recheck"), &[])
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let id = scalar(
        &t,
        "SELECT id FROM plaque WHERE name = '中共鞍山市铁西区示例和平社区委员会'",
    )
    .await;
    let (_, p) = get(&worker, &format!("/api/v1/plaques/{id}")).await;
    assert_eq!(p["findings"][0]["code"], "place_mismatch", "{p}");
    assert_eq!(
        scalar(
            &t,
            &format!(
                "SELECT COUNT(*) FROM plaque WHERE unit_node_id = {heping} AND compliant = false \
                 AND name LIKE '%鞍山市%'"
            ),
        )
        .await,
        2
    );
}
