//! Anonymous public reports (issue 14 §1): a resident reports from the public page without an
//! account, gets a one-time follow-up code, and reads the case's public status with it; the
//! supervisors and the notified department never see who reported; unknown codes get one
//! neutral answer and are limited; bad reports change nothing.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::auth::scalar;
use crate::certificates::PNG;
use crate::helpers::{TestApp, client, csrf_in, spawn_app};
use crate::supervision::notice_body;

/// Posts the public report page's multipart form with `client` (its cookie jar holds the
/// double-submit cookie): text `fields`, and `files` as (file name, bytes) in `evidence`.
async fn post_report_page(
    t: &TestApp,
    c: &reqwest::Client,
    fields: &[(&str, &str)],
    files: &[(&str, &[u8])],
) -> reqwest::Response {
    let boundary = format!("----jianfu-report-{:016x}", rand::random::<u64>());
    let mut body: Vec<u8> = Vec::new();
    for (name, value) in fields {
        body.extend_from_slice(
            format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n")
                .as_bytes(),
        );
        body.extend_from_slice(value.as_bytes());
        body.extend_from_slice(b"\r\n");
    }
    for (file_name, bytes) in files {
        body.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"evidence\"; filename=\"{file_name}\"\r\nContent-Type: application/octet-stream\r\n\r\n"
            )
            .as_bytes(),
        );
        body.extend_from_slice(bytes);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    c.post(t.url("/report-violation"))
        .header(
            "content-type",
            format!("multipart/form-data; boundary={boundary}"),
        )
        .body(body)
        .send()
        .await
        .unwrap()
}

/// The value of the unit select's option whose label starts with `name`.
fn unit_option(html: &str, name: &str) -> String {
    let doc = scraper::Html::parse_document(html);
    let sel = scraper::Selector::parse("select#unit_id option").unwrap();
    doc.select(&sel)
        .find(|o| o.text().collect::<String>().starts_with(name))
        .and_then(|o| o.value().attr("value"))
        .unwrap_or_else(|| panic!("{name} is offered in the unit picker"))
        .to_owned()
}

async fn counts(t: &TestApp) -> (i64, i64) {
    (
        scalar(t, "SELECT COUNT(*) FROM supervision_case").await,
        scalar(t, "SELECT COUNT(*) FROM audit_entry WHERE outcome = 'ok'").await,
    )
}

fn report() -> Value {
    json!({
        "community": "示例和平社区",
        "demanding_unit": "铁东区卫生健康局",
        "description": "要求社区每周报送入户走访照片台账，没有准入编号",
    })
}

async fn public_post(t: &TestApp, path: &str, body: &Value) -> (StatusCode, Value) {
    let r = client().post(t.url(path)).json(body).send().await.unwrap();
    let s = r.status();
    (s, r.json().await.unwrap_or(Value::Null))
}

#[tokio::test]
async fn a_resident_reports_anonymously_and_follows_the_case_with_the_code() {
    let t = spawn_app().await;
    let before = counts(&t).await;

    // The public page, without logging in: its form carries the double-submit token.
    let c = client();
    let html = c.get(t.url("/report-violation")).send().await.unwrap();
    assert_eq!(html.status(), StatusCode::OK);
    let html = html.text().await.unwrap();
    assert!(html.contains("4.2-5") && html.contains("5.3-1"), "{html}");
    let token = csrf_in(&html).expect("the form has a token");
    // The unit is picked from the departments and streets, not typed.
    let unit_id = unit_option(&html, "铁东区卫生健康局");
    assert_eq!(unit_id, t.node_id("铁东区卫生健康局").await.to_string());
    unit_option(&html, "示例一街道");
    assert!(
        !html.contains(">示例和平社区（"),
        "communities are not units that demand"
    );
    let r = post_report_page(
        &t,
        &c,
        &[
            ("csrf_token", token.as_str()),
            ("community", "示例和平社区"),
            ("unit_id", unit_id.as_str()),
            (
                "description",
                "要求社区每月报送入户走访照片台账，未见准入编号",
            ),
        ],
        &[("通知截图.png", PNG)],
    )
    .await;
    assert_eq!(r.status(), StatusCode::OK);
    let receipt = r.text().await.unwrap();
    let doc = scraper::Html::parse_document(&receipt);
    let sel = scraper::Selector::parse("#follow-up-code").unwrap();
    let code = doc
        .select(&sel)
        .next()
        .expect("the code is shown once")
        .text()
        .collect::<String>();
    assert_eq!(code.len(), 19, "{code}");
    let after = counts(&t).await;
    assert_eq!((after.0, after.1), (before.0 + 1, before.1 + 1));
    assert_eq!(t.audit_count("case.public_report").await, 1);
    // Only the hash is stored; no account reported it; its source says so.
    let id = scalar(&t, "SELECT MAX(id) FROM supervision_case").await;
    assert_eq!(
        scalar(
            &t,
            &format!(
                "SELECT COUNT(*) FROM supervision_case WHERE id = {id} AND reported_by IS NULL \
                 AND source = 'public_complaint' AND follow_up_hash IS NOT NULL \
                 AND follow_up_hash NOT LIKE '%{}%'",
                &code[..4]
            )
        )
        .await,
        1
    );
    // The audit administrator alone can trace the report: its entry keeps the address.
    assert_eq!(
        scalar(
            &t,
            &format!(
                "SELECT COUNT(*) FROM audit_entry WHERE action = 'case.public_report' \
                 AND actor_id IS NULL AND target_id = '{id}' AND ip IS NOT NULL"
            )
        )
        .await,
        1
    );
    let auditor = t.login("auditor").await;
    let (s, log) = auditor
        .get_api("/api/v1/audit?action=case.public_report")
        .await;
    assert_eq!(s, StatusCode::OK, "{log}");
    assert!(log.to_string().contains("case.public_report"), "{log}");

    // The follow-up page shows the public status only.
    let page = c.get(t.url("/cases/follow-up")).send().await.unwrap();
    let token = csrf_in(&page.text().await.unwrap()).unwrap();
    let r = c
        .post(t.url("/cases/follow-up"))
        .form(&[
            ("csrf_token", token.as_str()),
            ("code", &code.to_lowercase()),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let status = r.text().await.unwrap();
    assert!(
        status.contains("待核实") && status.contains("4.2-5"),
        "{status}"
    );
    assert!(status.contains("示例和平社区"), "{status}");

    // The district's supervisor sees the case, never who reported it.
    let sup = t.login("district_supervisor").await;
    let (s, v) = sup.get_api(&format!("/api/v1/cases/{id}")).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["source"], "public_complaint", "{v}");
    let (_, html) = sup.get_text(&format!("/cases/{id}")).await;
    assert!(html.contains("匿名举报人（不公开）"), "{html}");
    assert!(
        html.contains("下派单位或责任单位</dt><dd>铁东区卫生健康局"),
        "{html}"
    );
    // The evidence the report brought is kept with the case; the supervisor opens it.
    let attachment = scalar(
        &t,
        &format!("SELECT MIN(id) FROM case_attachment WHERE case_id = {id}"),
    )
    .await;
    assert!(
        html.contains(&format!("/cases/{id}/attachments/{attachment}")),
        "{html}"
    );
    assert!(html.contains("通知截图.png"), "{html}");
    let file = sup
        .get(&format!("/cases/{id}/attachments/{attachment}"))
        .await;
    assert_eq!(file.status(), StatusCode::OK);
    assert_eq!(
        file.headers()["content-type"].to_str().unwrap(),
        "image/png"
    );
    assert_eq!(file.bytes().await.unwrap().as_ref(), PNG);
    assert!(
        !html.contains("127.0.0.1"),
        "the address is the audit log's only"
    );
    // It goes through the workflow: verified, then a notice to the department.
    let (s, v) = sup
        .post_api(
            &format!("/api/v1/cases/{id}/decide"),
            &json!({"decision": "verify", "opinion": "经电话核实属实（内部意见）"}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let unit = t.node_id("铁东区卫生健康局").await;
    let (s, n) = sup
        .post_api(&format!("/api/v1/cases/{id}/notice"), &notice_body(unit, 7))
        .await;
    assert_eq!(s, StatusCode::CREATED, "{n}");
    // The department sees the case about itself without any reporter.
    let dept = t.login("district_dept").await;
    let (s, html) = dept.get_text(&format!("/cases/{id}")).await;
    assert_eq!(s, StatusCode::OK);
    assert!(!html.contains("匿名举报人"), "{html}");
    let (_, v) = dept.get_api(&format!("/api/v1/cases/{id}")).await;
    assert!(!v.to_string().contains("匿名举报人"), "{v}");
    // Nor the reporter's evidence, which could tell who reported.
    assert!(!html.contains("通知截图.png"), "{html}");
    let file = dept
        .get(&format!("/cases/{id}/attachments/{attachment}"))
        .await;
    assert_eq!(file.status(), StatusCode::NOT_FOUND);

    // The API follow-up: state and deadline, no names, no opinions.
    let (s, f) = public_post(&t, "/api/v1/cases/follow-up", &json!({"code": code})).await;
    assert_eq!(s, StatusCode::OK, "{f}");
    assert_eq!(f["status"], "rectifying", "{f}");
    assert_eq!(f["clause"], "4.2-5");
    assert!(f["due_on"].is_string(), "{f}");
    let text = f.to_string();
    for hidden in [
        "内部意见",
        "示例铁东区民政局监督员",
        "铁东区卫生健康局",
        "127.0.0.1",
    ] {
        assert!(!text.contains(hidden), "{hidden} in {f}");
    }
}

#[tokio::test]
async fn the_api_reports_and_bad_reports_change_nothing() {
    let t = spawn_app().await;
    let (s, r) = public_post(&t, "/api/v1/public-reports", &report()).await;
    assert_eq!(s, StatusCode::CREATED, "{r}");
    let code = r["follow_up_code"].as_str().unwrap().to_owned();
    let (s, f) = public_post(&t, "/api/v1/cases/follow-up", &json!({"code": code})).await;
    assert_eq!(
        (s, f["status"].as_str()),
        (StatusCode::OK, Some("open")),
        "{f}"
    );

    let before = counts(&t).await;
    // Every problem at once, each with its field.
    let (s, p) = public_post(
        &t,
        "/api/v1/public-reports",
        &json!({"community": "", "demanding_unit": " ", "description": "太短"}),
    )
    .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{p}");
    let codes: Vec<&str> = std::iter::once(&p)
        .chain(p["errors"].as_array().into_iter().flatten())
        .filter_map(|e| e["code"].as_str())
        .collect();
    for c in [
        "community_required",
        "demanding_unit_required",
        "description_required",
    ] {
        assert!(codes.contains(&c), "{c} in {p}");
    }
    let mut body = report();
    body["community"] = json!("不存在的社区");
    let (s, p) = public_post(&t, "/api/v1/public-reports", &body).await;
    assert_eq!(
        (s, p["code"].as_str(), p["field"].as_str()),
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            Some("community_not_found"),
            Some("community")
        ),
        "{p}"
    );
    // A street is not a community.
    body["community"] = json!("示例一街道");
    let (s, p) = public_post(&t, "/api/v1/public-reports", &body).await;
    assert_eq!(p["code"], "community_not_found", "{s} {p}");
    // A unit that is not in the list (a community, a name typed freely) is refused.
    let mut body = report();
    body["demanding_unit"] = json!("某个随便写的单位");
    let (s, p) = public_post(&t, "/api/v1/public-reports", &body).await;
    assert_eq!(
        (s, p["code"].as_str(), p["field"].as_str()),
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            Some("demanding_unit_unknown"),
            Some("unit_id")
        ),
        "{p}"
    );
    let community = t.node_id("示例和平社区").await;
    let body = json!({
        "community": "示例和平社区",
        "unit_id": community,
        "description": "要求社区每周报送入户走访照片台账，没有准入编号",
    });
    let (s, p) = public_post(&t, "/api/v1/public-reports", &body).await;
    assert_eq!(
        (s, p["code"].as_str()),
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            Some("demanding_unit_unknown")
        ),
        "{p}"
    );
    // The list the API offers, and a report naming a unit by its id.
    let r = client()
        .get(t.url("/api/v1/public-reports/units"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let units: Value = r.json().await.unwrap();
    let dept = t.node_id("铁东区卫生健康局").await;
    assert!(
        units.as_array().unwrap().iter().any(|u| u["id"] == dept),
        "{units}"
    );
    assert!(
        !units
            .as_array()
            .unwrap()
            .iter()
            .any(|u| u["id"] == community),
        "{units}"
    );
    assert_eq!(counts(&t).await, before);
    // The page without its token: the form again, nothing filed.
    let r = post_report_page(
        &t,
        &client(),
        &[
            ("community", "示例和平社区"),
            ("unit_id", &dept.to_string()),
            ("description", "要求社区每月报送入户走访照片台账"),
        ],
        &[],
    )
    .await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    assert!(r.text().await.unwrap().contains("安全校验"));
    assert_eq!(counts(&t).await, before);

    // Five reports an hour per address (one filed above).
    for _ in 0..4 {
        let (s, r) = public_post(&t, "/api/v1/public-reports", &report()).await;
        assert_eq!(s, StatusCode::CREATED, "{r}");
    }
    let before = counts(&t).await;
    let (s, p) = public_post(&t, "/api/v1/public-reports", &report()).await;
    assert_eq!(
        (s, p["code"].as_str()),
        (
            StatusCode::TOO_MANY_REQUESTS,
            Some("public_report_rate_limited")
        ),
        "{p}"
    );
    assert_eq!(counts(&t).await, before);
}

#[tokio::test]
async fn unknown_codes_get_one_neutral_answer_and_are_limited() {
    let t = spawn_app().await;
    let (_, r) = public_post(&t, "/api/v1/public-reports", &report()).await;
    let code = r["follow_up_code"].as_str().unwrap().to_owned();
    let before = counts(&t).await;
    // One character off, another well-formed code, a malformed one: the same answer.
    let mut near = code.clone().into_bytes();
    near[0] = if near[0] == b'A' { b'B' } else { b'A' };
    let near = String::from_utf8(near).unwrap();
    let mut answers = Vec::new();
    for c in [near.as_str(), "ABCD-EFGH-JKMN-PQRS", "123", ""] {
        let (s, p) = public_post(&t, "/api/v1/cases/follow-up", &json!({"code": c})).await;
        assert_eq!(s, StatusCode::NOT_FOUND, "{c}: {p}");
        assert_eq!(p["code"], "follow_up_unknown");
        answers.push(p["detail"].clone());
    }
    assert!(answers.windows(2).all(|w| w[0] == w[1]), "{answers:?}");
    assert_eq!(counts(&t).await, before);
    // Ten misses in ten minutes from one address, then even the right code waits.
    for _ in 0..6 {
        let (s, _) = public_post(&t, "/api/v1/cases/follow-up", &json!({"code": near})).await;
        assert_eq!(s, StatusCode::NOT_FOUND);
    }
    let (s, p) = public_post(&t, "/api/v1/cases/follow-up", &json!({"code": code})).await;
    assert_eq!(
        (s, p["code"].as_str()),
        (
            StatusCode::TOO_MANY_REQUESTS,
            Some("follow_up_rate_limited")
        ),
        "{p}"
    );
    t.advance_clock_ms(10 * 60 * 1000 + 1);
    let (s, p) = public_post(&t, "/api/v1/cases/follow-up", &json!({"code": code})).await;
    assert_eq!(s, StatusCode::OK, "{p}");
}

/// A report's evidence that is not what it claims — text named `.png`, a PNG named `.pdf`, a
/// PDF cut short, an empty file, six files — is refused with a clear message and its code,
/// and nothing is filed; a real PDF with a real photo goes in.
#[tokio::test]
async fn hostile_evidence_files_are_refused_and_nothing_is_filed() {
    let t = spawn_app().await;
    let c = client();
    let html = c
        .get(t.url("/report-violation"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    // Every page the form is shown on sets a new token: the next post sends that one.
    let mut token = csrf_in(&html).unwrap();
    let unit = unit_option(&html, "铁东区卫生健康局");
    let fields = |token: &str| {
        [
            ("csrf_token", token.to_owned()),
            ("community", "示例和平社区".to_owned()),
            ("unit_id", unit.clone()),
            (
                "description",
                "要求社区每月报送入户走访照片台账，未见准入编号".to_owned(),
            ),
        ]
    };
    let app: &TestApp = &t;
    let post = |token: String, files: Vec<(&'static str, &'static [u8])>| {
        let c = c.clone();
        let f = fields(&token);
        async move {
            let f: Vec<(&str, &str)> = f.iter().map(|(k, v)| (*k, v.as_str())).collect();
            post_report_page(app, &c, &f, &files).await
        }
    };
    let pdf = crate::certificates::PDF;
    let cut = &pdf[..pdf.len() / 2];
    let before = counts(&t).await;
    let attachments = || scalar(&t, "SELECT COUNT(*) FROM case_attachment");
    let none = attachments().await;
    let six: Vec<(&'static str, &'static [u8])> = (0..6).map(|_| ("照片.png", PNG)).collect();
    for (files, code, words) in [
        (
            vec![("照片.png", b"this is only text, not a picture".as_slice())],
            "attachment_type",
            "不是图片",
        ),
        (
            vec![("通知.pdf", PNG)],
            "attachment_disguised",
            "扩展名与文件内容不符",
        ),
        (vec![("通知.pdf", cut)], "attachment_damaged", "已损坏"),
        (
            vec![("空.png", b"".as_slice())],
            "attachment_empty",
            "空文件",
        ),
        (six, "evidence_too_many", "最多 5 个"),
    ] {
        let r = post(token.clone(), files.clone()).await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY, "{code}");
        let page = r.text().await.unwrap();
        token = csrf_in(&page).unwrap();
        assert!(page.contains(words), "{code}: {page}");
        assert!(
            page.contains("href=\"#evidence\""),
            "{code}: the summary links the field"
        );
        // What was entered stays.
        assert!(page.contains("要求社区每月报送入户走访照片台账"), "{code}");
        assert_eq!(counts(&t).await, before, "{code}");
        assert_eq!(attachments().await, none, "{code}");
        // The codes, as the use case answers them.
        let uploads: Vec<jianfu_domain::certificate::AttachmentUpload> = files
            .iter()
            .map(|(n, b)| jianfu_domain::certificate::AttachmentUpload {
                file_name: (*n).to_owned(),
                bytes: b.to_vec(),
            })
            .collect();
        let form = jianfu_domain::public_report::PublicReportForm {
            community: "示例和平社区".into(),
            unit_id: unit.clone(),
            demanding_unit: String::new(),
            description: "要求社区每月报送入户走访照片台账，未见准入编号".into(),
        };
        let e = t
            .app
            .report_publicly(None, &form, &uploads)
            .await
            .unwrap_err();
        let all: Vec<&str> = std::iter::once(e.code)
            .chain(e.more.iter().map(|m| m.code))
            .collect();
        assert!(all.contains(&code), "{code} in {all:?}");
    }
    assert_eq!(counts(&t).await, before);

    let r = post(token, vec![("通知.pdf", pdf), ("现场.png", PNG)]).await;
    assert_eq!(r.status(), StatusCode::OK);
    assert!(r.text().await.unwrap().contains("follow-up-code"));
    let id = scalar(&t, "SELECT MAX(id) FROM supervision_case").await;
    assert_eq!(
        scalar(
            &t,
            &format!(
                "SELECT COUNT(*) FROM case_attachment WHERE case_id = {id} \
                 AND content_type IN ('application/pdf', 'image/png')"
            )
        )
        .await,
        2
    );
}
