//! Certificates (证明事项与电子印章, clause 4.5) end to end over HTTP: a resident applies, the
//! rules decide, the community processes and issues under its seal, anyone verifies, the seal
//! ledger records every use. And every bad input of the issue: a clear error with a stable code,
//! a Chinese message, and nothing stored.

use jianfu_domain::Role;
use jianfu_domain::bootstrap::DEMO_ID_NUMBER;
use jianfu_rules::calendar::Calendar;
use jianfu_rules::certificate::Processing;
use reqwest::{Method, Response, StatusCode};
use serde_json::{Value, json};

use crate::auth::{dump, location, problem, scalar, texts};
use crate::helpers::{Browser, TestApp, client, spawn_app};

/// The demo resident's ID number, masked as every list and the public verification show it.
const MASKED_ID: &str = "2103**********1238";
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

/// An API error: status, stable code and the Chinese message (`detail`).
async fn api_error(res: Response) -> (StatusCode, String, String) {
    let (s, body) = problem(res).await;
    (
        s,
        body["code"].as_str().unwrap_or_default().to_owned(),
        body["detail"].as_str().unwrap_or_default().to_owned(),
    )
}

async fn count(t: &TestApp, table: &str) -> i64 {
    scalar(t, &format!("SELECT COUNT(*) FROM {table}")).await
}

/// Rows of the tables a refused request must leave alone.
async fn certificate_state(t: &TestApp) -> [i64; 5] {
    [
        count(t, "certificate_application").await,
        count(t, "attachment").await,
        count(t, "certificate").await,
        count(t, "seal_use").await,
        count(t, "audit_entry").await,
    ]
}

/// An application for the demo resident.
pub(crate) fn application(type_code: &str) -> Value {
    json!({
        "type_code": type_code,
        "applicant_name": "示例居民张三",
        "id_number": DEMO_ID_NUMBER,
        "purpose": "子女入学",
        "details": "自2019年3月起居住于和平街1号。",
    })
}

/// Applies through the API and expects the application to be stored (201).
pub(crate) async fn apply(b: &Browser, body: &Value) -> Value {
    let (s, a) = post(b, "/api/v1/certificates", body).await;
    assert_eq!(s, StatusCode::CREATED, "{a}");
    a
}

async fn issue(b: &Browser, id: i64) -> Response {
    b.json(Method::POST, &format!("/api/v1/certificates/{id}/issue"))
        .json(&json!({}))
        .send()
        .await
        .unwrap()
}

/// Issues and expects success; returns the application with its certificate.
pub(crate) async fn issue_ok(b: &Browser, id: i64) -> Value {
    let r = issue(b, id).await;
    let s = r.status();
    let v: Value = r.json().await.unwrap();
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["status"], "issued", "{v}");
    v
}

/// Issuing is refused by the rules: 422 with `code`, a message citing `clause`, nothing issued.
async fn issue_refused(t: &TestApp, b: &Browser, id: i64, code: &str, clause: &str) -> String {
    let before = certificate_state(t).await;
    let (s, c, detail) = api_error(issue(b, id).await).await;
    assert_eq!(
        (s, c.as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, code),
        "{detail}"
    );
    assert!(detail.contains(&format!("（{clause}）")), "{detail}");
    assert_eq!(
        certificate_state(t).await,
        before,
        "a refused issue stores nothing"
    );
    let (_, a) = get(b, &format!("/api/v1/certificates/{id}")).await;
    assert_eq!(a["status"], "submitted", "{a}");
    detail
}

/// Records a processing step through the page's form; expects the redirect back.
pub(crate) async fn record(b: &Browser, id: i64, step: &str, fields: &[(&str, &str)]) {
    let r = b
        .post_form(&format!("/certificates/{id}/record/{step}"), fields)
        .await;
    let s = r.status();
    let loc = location(&r);
    assert_eq!(
        s,
        StatusCode::SEE_OTHER,
        "{step}: {}",
        r.text().await.unwrap()
    );
    assert_eq!(loc, format!("/certificates/{id}?done=recorded"));
}

fn codes(a: &Value) -> Vec<String> {
    a["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["code"].as_str().unwrap().to_owned())
        .collect()
}

fn clauses(a: &Value) -> Vec<String> {
    a["clauses"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c.as_str().unwrap().to_owned())
        .collect()
}

/// The check code in a certificate's verification URL.
/// Verifies a downloaded certificate file offline as `jianfu verify --root` does: a PDF with a
/// signature field (issued under a GB/T 38540 seal) has that signature checked against the
/// root and its embedded data (or, issued before, its first revision's own file signature)
/// against the authority key; other files
/// (old-format PDFs, the JSON) with the key alone.
fn verify_offline(
    bytes: &[u8],
    key: &jianfu_seal::PublicKey,
    root: &jianfu_seal::pki::TrustedRoot,
) -> Result<jianfu_seal::SealedCertificate, String> {
    if jianfu_seal::pdf_sign::has_signature_field(bytes) {
        jianfu_seal::pdf_sign::verify_pdf_signature(bytes, root, &[]).map_err(|e| e.to_string())?;
        // Issued with a `%JIANFU-SM2` line before the field: that revision; since: the data.
        return match jianfu_seal::pdf_sign::original_revision(bytes) {
            Some(first) => jianfu_seal::verify_file(first, key),
            None => jianfu_seal::verify_embedded(bytes, key),
        }
        .map_err(|e| e.to_string());
    }
    jianfu_seal::verify_file(bytes, key).map_err(|e| e.to_string())
}

async fn trusted_root(t: &TestApp) -> jianfu_seal::pki::TrustedRoot {
    jianfu_seal::pki::TrustedRoot::new(t.app.root_certificate().await.unwrap()).unwrap()
}

fn check_code(a: &Value) -> String {
    let url = a["verify_url"].as_str().unwrap();
    url.split("code=").nth(1).unwrap().to_owned()
}

fn rules_date(d: chrono::NaiveDate) -> jianfu_rules::Date {
    jianfu_rules::Date::parse(&d.to_string()).unwrap()
}

/// The due date the official calendar gives for an application received today.
fn due_on(t: &TestApp, processing: Processing) -> String {
    Calendar::official()
        .unwrap()
        .due_date(rules_date(t.today()), processing)
        .unwrap()
        .to_string()
}

/// The table row (class, text) that links to `href`, in the table with id `table`.
fn row(html: &str, table: &str, href: &str) -> Option<(String, String)> {
    let doc = scraper::Html::parse_document(html);
    let tr = scraper::Selector::parse(&format!("#{table} tbody tr")).unwrap();
    let a = scraper::Selector::parse(&format!(r#"a[href="{href}"]"#)).unwrap();
    doc.select(&tr)
        .find(|r| r.select(&a).next().is_some())
        .map(|r| {
            (
                r.value().attr("class").unwrap_or_default().to_owned(),
                r.text().collect::<String>(),
            )
        })
}

/// Adds an account with `role` at the place with `code` and logs it in.
async fn add_and_login(t: &TestApp, username: &str, code: &str, role: Role) -> Browser {
    t.app
        .add_account_as_operator(username, "示例新增账号", code, &[role], NEW_PASSWORD, false)
        .await
        .unwrap();
    t.login_with(username, NEW_PASSWORD)
        .await
        .unwrap_or_else(|_| panic!("{username} logs in"))
}

/// A community worker of 示例光明社区 (same street as 示例和平社区, another community).
async fn other_worker(t: &TestApp) -> Browser {
    add_and_login(t, "guangming_worker", "210302091002", Role::CommunityWorker).await
}

/// A valid ID number from its first 17 digits (GB 11643 check character computed).
fn with_check(first17: &str) -> String {
    const W: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    let sum: u32 = first17
        .bytes()
        .zip(W)
        .map(|(c, w)| u32::from(c - b'0') * w)
        .sum();
    format!("{first17}{}", b"10X98765432"[(sum % 11) as usize] as char)
}

/// A one-page PDF with its cross-reference table.
pub(crate) const PDF: &[u8] = b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n2 0 obj\n<< /Type /Pages /Kids [3 0 R] /Count 1 >>\nendobj\n3 0 obj\n<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>\nendobj\nxref\n0 4\n0000000000 65535 f \n0000000009 00000 n \n0000000058 00000 n \n0000000115 00000 n \ntrailer\n<< /Size 4 /Root 1 0 R >>\nstartxref\n186\n%%EOF\n";
/// A whole 2 × 2 PNG: uploads are decoded before they are kept.
pub(crate) const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x02\0\0\0\x02\x08\x02\0\0\0\xfd\xd4\x9a\x73\0\0\0\x10IDAT\x78\xda\x63\x38\x21\xa0\x00\x44\x0c\x10\x0a\x00\x1d\xce\x03\xe1\x09\x8c\x9b\x0d\0\0\0\0IEND\xae\x42\x60\x82";

/// 1. The story: a resident applies, the worker issues, the holders download, anyone verifies
/// (masked), the ledger records the use, the worker revokes, verification says so.
#[tokio::test]
async fn story_apply_issue_download_verify_revoke() {
    let t = spawn_app().await;
    let resident = t.login("resident").await;
    let worker = t.login("worker").await;
    let today = t.today();

    let a = apply(&resident, &application("residence")).await;
    assert_eq!(a["status"], "submitted", "{a}");
    assert_eq!(a["path"], "catalogue");
    assert_eq!(a["outcome"], "allow");
    assert_eq!(a["received_on"], today.to_string());
    // Same day (当场办结): today, or the next working day when applied on a rest day.
    let due = due_on(&t, Processing::SameDay);
    assert_eq!(a["due_on"], due.as_str(), "{a}");
    let cal = Calendar::official().unwrap();
    if cal.is_working_day(rules_date(today)).unwrap() {
        assert_eq!(due, today.to_string());
    }
    assert_eq!(a["id_number"], MASKED_ID);
    assert!(clauses(&a).contains(&"4.5-9".to_owned()), "{a}");
    let id = a["id"].as_i64().unwrap();

    // The worker issues: a serial ZM-YYYY-NNNNNN, one seal-ledger row, one audit entry.
    let uses_before = count(&t, "seal_use").await;
    let audits_before = t.audit_count("certificate.issue").await;
    let i = issue_ok(&worker, id).await;
    assert_eq!(i["certificate_status"], "issued");
    let serial = i["serial"].as_str().unwrap().to_owned();
    let year = chrono::Datelike::year(&today);
    assert!(
        serial.len() == 14
            && serial.starts_with(&format!("ZM-{year}-"))
            && serial[8..].bytes().all(|b| b.is_ascii_digit()),
        "{serial}"
    );
    let cid = i["certificate_id"].as_i64().unwrap();
    let code = check_code(&i);
    assert_eq!(count(&t, "seal_use").await, uses_before + 1);
    assert_eq!(t.audit_count("certificate.issue").await, audits_before + 1);

    // Issuing twice: conflict, still one certificate.
    let (s, c, _) = api_error(issue(&worker, id).await).await;
    assert_eq!(
        (s, c.as_str()),
        (StatusCode::CONFLICT, "application_closed")
    );
    assert_eq!(count(&t, "seal_use").await, uses_before + 1);

    // The PDF: for the applicant and the issuing community's staff only.
    let head = t.login("head").await;
    for (who, b) in [
        ("resident", &resident),
        ("worker", &worker),
        ("head", &head),
    ] {
        let r = b.get(&format!("/issued/{cid}/pdf")).await;
        assert_eq!(r.status(), StatusCode::OK, "{who}");
        assert_eq!(r.headers()["content-type"], "application/pdf", "{who}");
        let bytes = r.bytes().await.unwrap();
        assert!(bytes.starts_with(b"%PDF-"), "{who}");
    }
    let street = t.login("street").await;
    let other = other_worker(&t).await;
    for (who, b) in [("street", &street), ("另一社区的工作者", &other)] {
        for kind in ["pdf", "json"] {
            let r = b.get(&format!("/issued/{cid}/{kind}")).await;
            assert_eq!(r.status(), StatusCode::FORBIDDEN, "{who} {kind}");
        }
    }

    // Another community's resident reads nothing of it; another community's worker cannot
    // revoke it.
    let stranger = add_and_login(&t, "guangming_resident", "210302091002", Role::Resident).await;
    for path in [
        format!("/certificates/{id}"),
        format!("/api/v1/certificates/{id}"),
        format!("/issued/{cid}/pdf"),
        format!("/issued/{cid}/json"),
    ] {
        let r = stranger.get(&path).await;
        assert_eq!(r.status(), StatusCode::FORBIDDEN, "{path}");
        assert!(!r.text().await.unwrap().contains(DEMO_ID_NUMBER), "{path}");
    }
    let r = stranger
        .post_form(&format!("/certificates/{id}/reveal-id"), &[])
        .await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let res = other
        .json(Method::POST, &format!("/api/v1/issued/{cid}/revoke"))
        .json(&json!({ "reason": "不是本社区出具的" }))
        .send()
        .await
        .unwrap();
    assert_eq!(api_error(res).await.0, StatusCode::FORBIDDEN);

    // The signed data as JSON.
    let r = resident.get(&format!("/issued/{cid}/json")).await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.headers()["content-type"], "application/json");
    let doc: Value = r.json().await.unwrap();
    assert_eq!(doc["content"]["serial"], serial.as_str());
    assert_eq!(doc["content"]["check_code"], code.as_str());
    assert_eq!(doc["algorithm"], "SM2-SM3");

    // Anyone verifies, without logging in; personal data masked.
    let anon = client();
    let verify = |serial: String, code: String| {
        let anon = anon.clone();
        let url = t.url(&format!("/api/v1/verify?serial={serial}&code={code}"));
        async move {
            let r = anon.get(url).send().await.unwrap();
            assert_eq!(r.status(), StatusCode::OK);
            let text = r.text().await.unwrap();
            assert!(
                !text.contains(DEMO_ID_NUMBER),
                "full ID number in /api/v1/verify: {text}"
            );
            serde_json::from_str::<Value>(&text).unwrap()
        }
    };
    let v = verify(serial.clone(), code.clone()).await;
    assert_eq!(v["state"], "authentic", "{v}");
    assert_eq!(v["state_zh"], "真实有效");
    assert_eq!(v["applicant"], "示*****");
    assert_eq!(v["id_number"], MASKED_ID);
    assert_eq!(v["type_name"], "居住情况证明");
    assert_eq!(v["community_name"], "示例和平社区");
    let page = anon
        .get(t.url(&format!("/verify?serial={serial}&code={code}")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("真实有效") && !page.contains(DEMO_ID_NUMBER));
    assert!(
        !page.contains("示例居民张三"),
        "the public page masks the name"
    );

    // The full number is in no list, no page of an official, and not in the audit log.
    for (who, b, path) in [
        ("worker", &worker, "/certificates".to_owned()),
        ("street", &street, "/certificates".to_owned()),
        ("worker", &worker, format!("/certificates/{id}")),
        ("street", &street, format!("/certificates/{id}")),
        ("resident", &resident, "/certificates/mine".to_owned()),
        ("worker", &worker, "/api/v1/certificates".to_owned()),
        ("worker", &worker, format!("/api/v1/certificates/{id}")),
        ("worker", &worker, "/seal-uses".to_owned()),
    ] {
        let (s, html) = b.get_text(&path).await;
        assert_eq!(s, StatusCode::OK, "{who} {path}");
        assert!(
            !html.contains(DEMO_ID_NUMBER),
            "{who} {path} shows the full ID number"
        );
    }
    let (_, list) = worker.get_text("/certificates").await;
    assert!(list.contains(MASKED_ID), "the list shows the masked number");
    let audit = dump(&t, "SELECT * FROM audit_entry").await;
    assert!(
        !audit.contains(DEMO_ID_NUMBER),
        "full ID number in the audit log"
    );
    let auditor = t.login("auditor").await;
    let (s, log) = auditor.get_text("/audit?per_page=200").await;
    assert_eq!(s, StatusCode::OK);
    assert!(!log.contains(DEMO_ID_NUMBER));

    // The seal ledger has the row, naming the serial and what authorised it.
    let (s, uses) = get(&worker, &format!("/api/v1/seal-uses?q={serial}")).await;
    assert_eq!(s, StatusCode::OK, "{uses}");
    let items = uses["items"].as_array().unwrap();
    assert_eq!(items.len(), 1, "{uses}");
    assert_eq!(items[0]["serial"], serial.as_str());
    assert_eq!(items[0]["certificate_id"], cid);
    assert!(items[0]["account"].as_str().unwrap().contains("worker"));
    assert!(
        items[0]["approval"]
            .as_str()
            .unwrap()
            .contains(&format!("证明申请 #{id}")),
        "{uses}"
    );

    // Revoke with a reason: verification says revoked, with the reason. Twice: conflict.
    let reason = "申请人信息有误，收回重新出具";
    let (s, r) = post(
        &worker,
        &format!("/api/v1/issued/{cid}/revoke"),
        &json!({ "reason": reason }),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{r}");
    assert_eq!(r["certificate_status"], "revoked");
    assert_eq!(t.audit_count("certificate.revoke").await, 1);
    let v = verify(serial.clone(), code.clone()).await;
    assert_eq!(v["state"], "revoked", "{v}");
    assert_eq!(v["revoke_reason"], reason);
    let res = worker
        .json(Method::POST, &format!("/api/v1/issued/{cid}/revoke"))
        .json(&json!({ "reason": "再次撤销" }))
        .send()
        .await
        .unwrap();
    let (s, c, _) = api_error(res).await;
    assert_eq!((s, c.as_str()), (StatusCode::CONFLICT, "already_revoked"));
    assert_eq!(t.audit_count("certificate.revoke").await, 1);
    let v = verify(serial, code).await;
    assert_eq!(v["revoke_reason"], reason, "the first reason stands");
}

/// 1b. The page's multipart form: the application with an attachment, stored and readable by
/// the community (as the file it was), the ID number masked on the page.
#[tokio::test]
async fn html_form_application_with_an_attachment() {
    let t = spawn_app().await;
    let resident = t.login("resident").await;
    let (s, form) = resident
        .get_text("/certificates/apply?type=residence")
        .await;
    assert_eq!(s, StatusCode::OK);
    assert!(
        form.contains("multipart/form-data"),
        "the form uploads files"
    );
    let before = count(&t, "certificate_application").await;
    let r = resident
        .post_multipart(
            "/certificates/apply",
            &[
                ("type_code", "residence"),
                ("applicant_name", "示例居民张三"),
                ("id_number", DEMO_ID_NUMBER),
                ("purpose", "办理居住证"),
                ("demanded_by", "铁东区公安分局"),
            ],
            &[("attachments", "租赁合同.png", PNG)],
        )
        .await;
    assert_eq!(
        r.status(),
        StatusCode::SEE_OTHER,
        "{}",
        r.text().await.unwrap()
    );
    let loc = location(&r);
    assert!(loc.ends_with("?done=applied"), "{loc}");
    assert_eq!(count(&t, "certificate_application").await, before + 1);
    let id: i64 = loc
        .trim_start_matches("/certificates/")
        .split('?')
        .next()
        .unwrap()
        .parse()
        .unwrap();
    let (s, page) = resident.get_text(&loc).await;
    assert_eq!(s, StatusCode::OK);
    assert!(page.contains("申请已提交") && page.contains("租赁合同.png"));
    // The department that asked, as the resident named it on the form (4.5-4).
    let check = texts(&page, "#demand-check").join("");
    assert!(check.contains("铁东区公安分局"), "{check}");
    assert!(page.contains(MASKED_ID) && !page.contains(DEMO_ID_NUMBER));
    let aid = scalar(
        &t,
        &format!("SELECT id FROM attachment WHERE application_id = {id}"),
    )
    .await;
    let worker = t.login("worker").await;
    let r = worker
        .get(&format!("/certificates/{id}/attachments/{aid}"))
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.headers()["content-type"], "image/png");
    assert_eq!(&r.bytes().await.unwrap()[..], PNG);
    // Another community's worker may not read it.
    let other = other_worker(&t).await;
    let r = other
        .get(&format!("/certificates/{id}/attachments/{aid}"))
        .await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
}

/// 2. Offline verification (`jianfu verify`): the downloaded PDF and JSON verify against the
/// published seal-authority key; one byte changed, or another authority's key, fails.
#[tokio::test]
async fn offline_verification_of_the_downloaded_pdf_and_json() {
    let t = spawn_app().await;
    let resident = t.login("resident").await;
    let worker = t.login("worker").await;
    let a = apply(&resident, &application("residence")).await;
    let i = issue_ok(&worker, a["id"].as_i64().unwrap()).await;
    let cid = i["certificate_id"].as_i64().unwrap();
    let serial = i["serial"].as_str().unwrap();
    let pdf = resident
        .get(&format!("/issued/{cid}/pdf"))
        .await
        .bytes()
        .await
        .unwrap()
        .to_vec();
    let json_doc = resident
        .get(&format!("/issued/{cid}/json"))
        .await
        .bytes()
        .await
        .unwrap()
        .to_vec();
    let authority: Value = client()
        .get(t.url("/api/v1/seal-authority"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(authority["algorithm"], "SM2-SM3");
    let key = jianfu_seal::PublicKey::from_hex(authority["public_key"].as_str().unwrap()).unwrap();

    let root = trusted_root(&t).await;
    let doc = verify_offline(&pdf, &key, &root).expect("the PDF verifies");
    assert_eq!(doc.content.serial, serial);
    assert_eq!(doc.content.applicant_id_number, DEMO_ID_NUMBER);
    let doc = jianfu_seal::verify_file(&json_doc, &key).expect("the JSON verifies");
    assert_eq!(doc.content.serial, serial);

    for at in [9, pdf.len() / 3, pdf.len() / 2, pdf.len() - 10] {
        let mut bad = pdf.clone();
        bad[at] ^= 0x01;
        assert!(
            verify_offline(&bad, &key, &root).is_err(),
            "one byte changed at {at} of {} must fail",
            pdf.len()
        );
    }
    let text = String::from_utf8(json_doc.clone()).unwrap();
    let tampered = text.replace("示例居民张三", "示例居民李四");
    assert_ne!(tampered, text);
    assert!(jianfu_seal::verify_file(tampered.as_bytes(), &key).is_err());
    let stranger = jianfu_seal::SealKey::generate().public_key();
    assert!(verify_offline(&pdf, &stranger, &root).is_err());
    assert!(jianfu_seal::verify_file(&json_doc, &stranger).is_err());
}

/// 3. A public-interest matter (4.5-5): no seal without a deliberation with consent and the
/// head's signature; the head signs once.
#[tokio::test]
async fn public_interest_needs_deliberation_and_the_heads_signature() {
    let t = spawn_app().await;
    let resident = t.login("resident").await;
    let worker = t.login("worker").await;
    let head = t.login("head").await;
    let a = apply(&resident, &application("common_interest_opinion")).await;
    assert_eq!(a["status"], "submitted");
    assert!(codes(&a).contains(&"deliberation_ahead".to_owned()), "{a}");
    assert!(clauses(&a).contains(&"4.5-5".to_owned()), "{a}");
    assert_eq!(
        a["due_on"],
        due_on(&t, Processing::WorkingDays(10)).as_str()
    );
    let id = a["id"].as_i64().unwrap();

    let msg = issue_refused(&t, &worker, id, "deliberation_required", "4.5-5").await;
    assert!(
        msg.contains("无议事协商记录") && msg.contains("负责人签字"),
        "{msg}"
    );

    // Bad deliberation records change nothing.
    let today = t.today();
    let tomorrow = today.succ_opt().unwrap().to_string();
    for (fields, message) in [
        (
            vec![
                ("date", tomorrow.as_str()),
                ("participants", "30"),
                ("outcome", "consented"),
                ("minutes", "同意"),
            ],
            "议事协商日期不能晚于今天",
        ),
        (
            vec![
                ("date", "2026-02-30"),
                ("participants", "30"),
                ("outcome", "consented"),
                ("minutes", "同意"),
            ],
            "议事协商日期格式应为 YYYY-MM-DD",
        ),
        (
            vec![
                ("date", "2026-01-05"),
                ("participants", "三十"),
                ("outcome", "consented"),
                ("minutes", "同意"),
            ],
            "请填写参加人数（正整数）",
        ),
        (
            vec![
                ("date", "2026-01-05"),
                ("participants", "30"),
                ("outcome", "maybe"),
                ("minutes", "同意"),
            ],
            "请选择协商结果",
        ),
    ] {
        let r = worker
            .post_form(&format!("/certificates/{id}/record/deliberation"), &fields)
            .await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY, "{message}");
        let html = r.text().await.unwrap();
        assert!(html.contains(message), "{message}");
    }
    assert_eq!(t.audit_count("certificate.record").await, 0);

    // The residents did not consent: still no seal.
    let today_s = today.to_string();
    record(
        &worker,
        id,
        "deliberation",
        &[
            ("date", today_s.as_str()),
            ("participants", "36"),
            ("outcome", "not_consented"),
            ("minutes", "多数居民不同意"),
        ],
    )
    .await;
    let msg = issue_refused(&t, &worker, id, "deliberation_required", "4.5-5").await;
    assert!(msg.contains("议事协商未获同意"), "{msg}");
    // Deliberated again, with consent: the head's signature is still missing.
    record(
        &worker,
        id,
        "deliberation",
        &[
            ("date", today_s.as_str()),
            ("participants", "42"),
            ("outcome", "consented"),
            ("minutes", "居民讨论同意加装电梯"),
        ],
    )
    .await;
    assert_eq!(t.audit_count("certificate.record").await, 2);
    let (_, page) = worker.get_text(&format!("/certificates/{id}")).await;
    assert_eq!(texts(&page, "#deliberation").len(), 1);
    assert!(texts(&page, "#deliberation")[0].contains("42 人参加，讨论同意"));
    issue_refused(&t, &worker, id, "head_signature_required", "4.5-5").await;

    // Only the head signs; once.
    let r = worker
        .post_form(&format!("/certificates/{id}/sign"), &[])
        .await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let r = head
        .post_form(&format!("/certificates/{id}/sign"), &[])
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&r), format!("/certificates/{id}?done=signed"));
    assert_eq!(t.audit_count("certificate.head_sign").await, 1);
    let r = head
        .post_form(&format!("/certificates/{id}/sign"), &[])
        .await;
    assert_eq!(r.status(), StatusCode::CONFLICT);
    assert!(r.text().await.unwrap().contains("负责人已签字"));
    assert_eq!(t.audit_count("certificate.head_sign").await, 1);
    let (_, page) = worker.get_text(&format!("/certificates/{id}")).await;
    assert!(texts(&page, "#head-signed")[0].contains("head"));

    let i = issue_ok(&worker, id).await;
    let serial = i["serial"].as_str().unwrap();
    let (_, uses) = get(&worker, &format!("/api/v1/seal-uses?q={serial}")).await;
    let approval = uses["items"][0]["approval"].as_str().unwrap();
    assert!(
        approval.contains("议事协商") && approval.contains("社区负责人已签字"),
        "{approval}"
    );
}

/// 4. Types outside the catalogue (4.5-10), discontinued types (4.5-11/12) and the transitional
/// path (4.5-12/13) walked through to a certificate.
#[tokio::test]
async fn types_outside_the_catalogue_and_the_transitional_path() {
    let t = spawn_app().await;
    let resident = t.login("resident").await;
    let worker = t.login("worker").await;

    // 铁东区 did not adopt the city's volunteer-service type: refused with 4.5-10, stored, and
    // the resident sees the reason online.
    let refused_before = t.audit_count("certificate.apply_refused").await;
    let v = apply(&resident, &application("volunteer_service")).await;
    assert_eq!(v["status"], "refused", "{v}");
    assert_eq!(v["outcome"], "reject");
    assert_eq!(v["path"], "none");
    assert!(v["due_on"].is_null());
    assert!(clauses(&v).contains(&"4.5-10".to_owned()), "{v}");
    assert_eq!(codes(&v), ["not_in_catalogue"]);
    let reason = v["refuse_reason"].as_str().unwrap().to_owned();
    assert!(reason.contains("社区(村)组织不予出具"), "{reason}");
    assert_eq!(
        t.audit_count("certificate.apply_refused").await,
        refused_before + 1
    );
    let (s, mine) = resident.get_text("/certificates/mine").await;
    assert_eq!(s, StatusCode::OK);
    let vid = v["id"].as_i64().unwrap();
    let (_, text) = row(&mine, "my-applications", &format!("/certificates/{vid}")).unwrap();
    assert!(
        text.contains("不予出具") && text.contains(&reason) && text.contains("4.5-10"),
        "{text}"
    );
    // It cannot be issued.
    let (s, c, _) = api_error(issue(&worker, vid).await).await;
    assert_eq!(
        (s, c.as_str()),
        (StatusCode::CONFLICT, "application_closed")
    );

    // A certificate in no catalogue at all.
    let mut other = application("other");
    other["other_name"] = json!("房屋产权归属证明");
    let o = apply(&resident, &other).await;
    assert_eq!(o["status"], "refused");
    assert_eq!(o["type_name"], "房屋产权归属证明");
    assert!(clauses(&o).contains(&"4.5-10".to_owned()), "{o}");
    // `other` without saying what: a field error, nothing stored.
    let before = certificate_state(&t).await;
    let res = resident
        .json(Method::POST, "/api/v1/certificates")
        .json(&application("other"))
        .send()
        .await
        .unwrap();
    let (s, c, _) = api_error(res).await;
    assert_eq!(
        (s, c.as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, "required")
    );
    assert_eq!(certificate_state(&t).await, before);

    // Discontinued and outside the community's duties (亲属关系证明): refused, and the resident
    // is told where to go instead (data check by the departments holding the records).
    for need in ["", "policy_gap"] {
        let mut k = application("kinship");
        k["need"] = json!(need);
        let k = apply(&resident, &k).await;
        assert_eq!(k["status"], "refused", "{k}");
        assert!(clauses(&k).contains(&"4.5-12".to_owned()), "{k}");
        let codes = codes(&k);
        assert!(
            codes.contains(&"discontinued_outside_duty".to_owned()),
            "{k}"
        );
        assert_eq!(
            codes.contains(&"transitional_need_not_stated".to_owned()),
            need.is_empty(),
            "{k}"
        );
        let reason = k["refuse_reason"].as_str().unwrap();
        assert!(
            reason.contains("部门核查") && reason.contains("公安机关户籍信息"),
            "the refusal names the alternative: {reason}"
        );
    }

    // Discontinued but within duty (健在证明): without a stated need, refused…
    let al = apply(&resident, &application("alive")).await;
    assert_eq!(al["status"], "refused");
    assert!(codes(&al).contains(&"transitional_need_not_stated".to_owned()));
    // …with one, accepted on the transitional path (4.5-12) with the 4.5-13 precautions ahead.
    let mut body = application("alive");
    body["need"] = json!("policy_gap");
    body["purpose"] = json!("银行要求提供健在证明");
    let a = apply(&resident, &body).await;
    assert_eq!(a["status"], "submitted", "{a}");
    assert_eq!(a["path"], "transitional");
    assert_eq!(a["outcome"], "needs_approval");
    let cl = clauses(&a);
    assert!(
        cl.contains(&"4.5-12".to_owned()) && cl.contains(&"4.5-13".to_owned()),
        "{a}"
    );
    let c = codes(&a);
    assert!(
        c.contains(&"transitional_path".to_owned())
            && c.contains(&"legal_risk_precautions".to_owned()),
        "{a}"
    );
    let id = a["id"].as_i64().unwrap();

    issue_refused(
        &t,
        &worker,
        id,
        "transitional_investigation_required",
        "4.5-12",
    )
    .await;
    record(
        &worker,
        id,
        "investigation",
        &[("note", "入户核实，本人健在，居住于和平街1号")],
    )
    .await;
    issue_refused(&t, &worker, id, "risk_deliberation_required", "4.5-13").await;
    let today = t.today().to_string();
    record(
        &worker,
        id,
        "deliberation",
        &[
            ("date", today.as_str()),
            ("participants", "7"),
            ("outcome", "consented"),
            ("minutes", "居民代表议事协商"),
        ],
    )
    .await;
    issue_refused(&t, &worker, id, "risk_assessment_required", "4.5-13").await;
    record(
        &worker,
        id,
        "risk",
        &[("note", "仅证明入户核实时健在，注明核实日期")],
    )
    .await;
    let i = issue_ok(&worker, id).await;
    let serial = i["serial"].as_str().unwrap();
    let (_, uses) = get(&worker, &format!("/api/v1/seal-uses?q={serial}")).await;
    let approval = uses["items"][0]["approval"].as_str().unwrap();
    assert!(
        approval.contains("4.5-12") && approval.contains("已调查核实"),
        "{approval}"
    );
}

/// 5. Working-day clocks (4.5-9): the due date on the holiday calendar, overdue flagged for the
/// community and the street, issuing late only with the reason for the delay recorded.
#[tokio::test]
async fn time_limits_count_working_days_and_late_issue_needs_a_delay_note() {
    let t = spawn_app().await;
    let resident = t.login("resident").await;
    let a = apply(&resident, &application("hardship")).await;
    let id = a["id"].as_i64().unwrap();
    let due = due_on(&t, Processing::WorkingDays(5));
    assert_eq!(a["due_on"], due.as_str(), "{a}");
    assert_eq!(a["overdue"], false);
    let worker = t.login("worker").await;
    let (_, list) = get(&worker, "/api/v1/certificates?status=overdue").await;
    assert!(
        !list["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|i| i["id"] == id),
        "{list}"
    );

    // Past the due date (sessions go idle meanwhile: log in again).
    let due_date = chrono::NaiveDate::parse_from_str(&due, "%Y-%m-%d").unwrap();
    let days = (due_date - t.today()).num_days() + 1;
    t.advance_clock_ms(days * 86_400_000);
    assert!(t.today() > due_date);
    let worker = t.login("worker").await;
    let street = t.login("street").await;

    let (s, list) = get(&worker, "/api/v1/certificates?status=overdue").await;
    assert_eq!(s, StatusCode::OK, "{list}");
    let item = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["id"] == id)
        .expect("overdue list has the application")
        .clone();
    assert_eq!(item["overdue"], true);
    let href = format!("/certificates/{id}");
    for (who, b, path) in [
        ("worker", &worker, "/certificates?status=overdue"),
        ("worker", &worker, "/certificates"),
        ("street", &street, "/certificates"),
        ("street", &street, "/certificates?status=overdue"),
    ] {
        let (s, html) = b.get_text(path).await;
        assert_eq!(s, StatusCode::OK, "{who} {path}");
        let (class, text) =
            row(&html, "applications", &href).unwrap_or_else(|| panic!("{who} {path}"));
        assert_eq!(class, "overdue", "{who} {path}");
        assert!(text.contains("已超时限"), "{who} {path}: {text}");
    }
    let (_, page) = worker.get_text(&href).await;
    assert_eq!(
        texts(&page, "#overdue").len(),
        1,
        "the detail page flags it"
    );

    issue_refused(&t, &worker, id, "investigation_required", "4.5-9").await;
    record(
        &worker,
        id,
        "investigation",
        &[("note", "入户调查：家庭人均收入低于当地标准")],
    )
    .await;
    let msg = issue_refused(&t, &worker, id, "overdue_without_delay_note", "4.5-9").await;
    assert!(msg.contains(&due), "{msg}");
    record(
        &worker,
        id,
        "delay",
        &[("note", "申请人外出，补充材料延后")],
    )
    .await;
    let i = issue_ok(&worker, id).await;
    let serial = i["serial"].as_str().unwrap();
    let (_, uses) = get(&worker, &format!("/api/v1/seal-uses?q={serial}")).await;
    let approval = uses["items"][0]["approval"].as_str().unwrap();
    assert!(approval.contains("已记录延期原因"), "{approval}");
    let (_, list) = get(&worker, "/api/v1/certificates?status=overdue").await;
    assert!(
        !list["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|i| i["id"] == id)
    );
}

/// 6a. Invalid ID numbers: each kind with its code, from the API and the form; nothing stored,
/// and the form does not echo the number back.
#[tokio::test]
async fn invalid_id_numbers_are_refused_and_nothing_is_stored() {
    let t = spawn_app().await;
    let resident = t.login("resident").await;
    let cases = [
        (
            "21030219900101123",
            "id_number_length",
            "身份证号码应为18位",
        ),
        (
            "2103021990010112345",
            "id_number_length",
            "身份证号码应为18位",
        ),
        (
            "21030219900101123Y",
            "id_number_characters",
            "前17位应为数字",
        ),
        (
            "2103021990O101123X",
            "id_number_characters",
            "前17位应为数字",
        ),
        (
            "210302199001011239",
            "id_number_check_digit",
            "校验位不正确",
        ),
        (
            &*with_check("21030219900230123"),
            "id_number_birth_date",
            "出生日期不存在",
        ),
    ]
    .map(|(n, c, m)| (n.to_owned(), c, m));
    let before = certificate_state(&t).await;
    for (number, code, message) in &cases {
        let mut body = application("residence");
        body["id_number"] = json!(number);
        let res = resident
            .json(Method::POST, "/api/v1/certificates")
            .json(&body)
            .send()
            .await
            .unwrap();
        let (s, body) = problem(res).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{number}");
        assert_eq!(body["code"], *code, "{number}: {body}");
        assert_eq!(body["field"], "id_number");
        assert!(body["detail"].as_str().unwrap().contains(message), "{body}");
    }
    assert_eq!(certificate_state(&t).await, before);
    // The form: the message next to the field, the number not echoed back.
    let bad = with_check("21030219900230123");
    let r = resident
        .post_multipart(
            "/certificates/apply",
            &[
                ("type_code", "residence"),
                ("applicant_name", "示例居民张三"),
                ("id_number", bad.as_str()),
                ("purpose", "子女入学"),
            ],
            &[],
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    // The entry is kept for correcting (issue 16), in a page no cache keeps.
    assert_eq!(r.headers()["cache-control"], "no-store");
    let html = r.text().await.unwrap();
    assert!(html.contains("身份证号码中的出生日期不存在"));
    assert!(
        html.contains(&format!("value=\"{bad}\"")),
        "the applicant's entry is kept in the field"
    );
    assert_eq!(
        html.matches(bad.as_str()).count(),
        1,
        "and shown nowhere else"
    );
    assert_eq!(certificate_state(&t).await, before);

    // Several problems: all of them at once, in the order of the form's fields, on the API
    // and in the form's summary.
    let mut body = application("residence");
    body["applicant_name"] = json!("");
    body["id_number"] = json!("210302199001011239");
    body["purpose"] = json!("");
    let res = resident
        .json(Method::POST, "/api/v1/certificates")
        .json(&body)
        .send()
        .await
        .unwrap();
    let (s, body) = problem(res).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    let fields: Vec<&str> = body["errors"]
        .as_array()
        .unwrap_or_else(|| panic!("{body}"))
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    assert_eq!(
        body["field"], "applicant_name",
        "the first problem is the document's"
    );
    assert_eq!(
        fields,
        ["id_number", "purpose"],
        "the others follow: {body}"
    );
    let r = resident
        .post_multipart(
            "/certificates/apply",
            &[
                ("type_code", "other"),
                ("other_name", ""),
                ("applicant_name", "示例居民张三"),
                ("id_number", bad.as_str()),
                ("purpose", ""),
            ],
            &[],
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = r.text().await.unwrap();
    assert!(html.contains("有 3 处需要修改"), "{html}");
    for field in ["other_name", "id_number", "purpose"] {
        assert!(
            html.contains(&format!("<a href=\"#{field}\">")),
            "{field}: {html}"
        );
    }
    // The field only 其他 needs is shown, since 其他 was chosen.
    assert!(
        html.contains("data-shown-for=\"type_code=other\">"),
        "{html}"
    );
    assert_eq!(certificate_state(&t).await, before);
}

/// 6b. Attachments: too large, disguised, not an image or PDF, a path in the name — each
/// refused with its code and nothing stored.
#[tokio::test]
async fn attachments_are_checked_by_size_content_and_name() {
    use base64::Engine;
    let t = spawn_app().await;
    let resident = t.login("resident").await;
    let mut big = PNG.to_vec();
    big.resize(5 * 1024 * 1024 + 1, 0);
    let exe: &[u8] = b"MZ\x90\0\x03\0\0\0\x04\0\0\0\xff\xff";
    let pdf: &[u8] = PDF;
    let mut garbage_png = b"\x89PNG\r\n\x1a\n".to_vec();
    garbage_png.extend_from_slice(&[0x41; 256]);
    let cases: [(&str, &[u8], &str, &str); 7] = [
        ("photo.png", &big, "attachment_too_large", "超过 5 MB"),
        (
            "photo.png",
            exe,
            "attachment_type",
            "不是图片（JPG、PNG）或 PDF 文件",
        ),
        (
            "scan.png",
            pdf,
            "attachment_disguised",
            "扩展名与文件内容不符",
        ),
        (
            "../../etc/passwd.png",
            PNG,
            "attachment_name_invalid",
            "不能含路径",
        ),
        // Found in issue 15: checked by the first bytes only, these were kept as a PNG and a
        // PDF; they are decoded or parsed in full now.
        (
            "photo.png",
            &garbage_png,
            "attachment_damaged",
            "看起来是PNG 图片，但内容已损坏",
        ),
        (
            "scan.pdf",
            b"%PDF-1.7\n%test\n",
            "attachment_damaged",
            "看起来是PDF 文件，但内容已损坏",
        ),
        (
            "cut.pdf",
            &PDF[..PDF.len() / 2],
            "attachment_damaged",
            "内容已损坏或不完整",
        ),
    ];
    let before = certificate_state(&t).await;
    for (name, bytes, code, message) in cases {
        let mut body = application("residence");
        body["attachments"] = json!([{
            "file_name": name,
            "content_base64": base64::engine::general_purpose::STANDARD.encode(bytes),
        }]);
        let res = resident
            .json(Method::POST, "/api/v1/certificates")
            .json(&body)
            .send()
            .await
            .unwrap();
        let (s, body) = problem(res).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{name}");
        assert_eq!(body["code"], code, "{name}: {body}");
        assert_eq!(body["field"], "attachments");
        assert!(body["detail"].as_str().unwrap().contains(message), "{body}");
        assert_eq!(certificate_state(&t).await, before, "{name}");

        // The same file through the page's form.
        let r = resident
            .post_multipart(
                "/certificates/apply",
                &[
                    ("type_code", "residence"),
                    ("applicant_name", "示例居民张三"),
                    ("id_number", DEMO_ID_NUMBER),
                    ("purpose", "子女入学"),
                ],
                &[("attachments", name, bytes)],
            )
            .await;
        let s = r.status();
        let html = r.text().await.unwrap();
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "form {name}");
        assert!(html.contains(message), "form {name}: the message is shown");
        assert_eq!(certificate_state(&t).await, before, "form {name}");
    }
    // A request body over the route's own limit (five attachments of 5 MB, base64): 413 with a
    // message that does not state some other limit.
    let mut body = application("residence");
    body["attachments"] =
        json!([{ "file_name": "big.png", "content_base64": "A".repeat(36 * 1024 * 1024) }]);
    let res = resident
        .json(Method::POST, "/api/v1/certificates")
        .json(&body)
        .send()
        .await
        .unwrap();
    let (s, c, detail) = api_error(res).await;
    assert_eq!(
        (s, c.as_str()),
        (StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large")
    );
    assert!(
        !detail.contains("超过 1 MiB") && detail.contains("5 MB"),
        "the limit here is not 1 MiB: {detail}"
    );
    assert_eq!(certificate_state(&t).await, before);
    // Six attachments: too many.
    let mut body = application("residence");
    let one = json!({ "file_name": "a.png", "content_base64": base64::engine::general_purpose::STANDARD.encode(PNG) });
    body["attachments"] = json!([one, one, one, one, one, one]);
    let (s, c, _) = api_error(
        resident
            .json(Method::POST, "/api/v1/certificates")
            .json(&body)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(
        (s, c.as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, "too_many_attachments")
    );
    assert_eq!(certificate_state(&t).await, before);
}

/// 6c. A district's local type is not issued in another district.
#[tokio::test]
async fn a_local_type_of_another_district_cannot_be_applied_for() {
    let t = spawn_app().await;
    let tiexi = t.node_id("铁西区").await;
    let city = t.login("city_approver").await;
    let r = city
        .post_form(
            &format!("/catalogue/{tiexi}/local"),
            &[
                ("code", "tiexi_parking_residence"),
                ("name", "停车位申请居住情况证明"),
                ("basis_kind", "retained_list"),
                ("basis_title", "铁西区社区出具证明事项清单（示例）"),
                ("basis_article", "city"),
                ("within_duty", "1"),
                ("conditions", "申请人在本社区辖区实际居住。"),
                ("materials", "居民身份证"),
                (
                    "template",
                    "兹证明{姓名}在{社区}辖区实际居住。此证明仅用于{用途}。",
                ),
                ("processing_days", "0"),
                ("purpose", "申请小区停车位。"),
                ("steps", "提交申请\n当场出具"),
            ],
        )
        .await;
    assert_eq!(
        r.status(),
        StatusCode::SEE_OTHER,
        "{}",
        r.text().await.unwrap()
    );
    assert_eq!(
        t.audit_count("catalogue.create_local").await,
        2,
        "demo + this one"
    );
    let (_, cat) = get(&city, &format!("/api/v1/catalogue/{tiexi}")).await;
    assert!(
        cat["types"]
            .as_array()
            .unwrap()
            .iter()
            .any(|t| t["code"] == "tiexi_parking_residence" && t["local"] == true),
        "{cat}"
    );

    let resident = t.login("resident").await;
    let before = certificate_state(&t).await;
    let res = resident
        .json(Method::POST, "/api/v1/certificates")
        .json(&application("tiexi_parking_residence"))
        .send()
        .await
        .unwrap();
    let (s, body) = problem(res).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body["code"], "type_of_other_district", "{body}");
    assert_eq!(body["field"], "type_code");
    assert!(
        body["detail"]
            .as_str()
            .unwrap()
            .contains("是其他区(县、市)的本地证明事项，铁东区的社区不能出具"),
        "{body}"
    );
    assert_eq!(certificate_state(&t).await, before);
    // Nor to another community than the resident's own.
    let mut body = application("residence");
    body["community_id"] = json!(t.node_id("示例光明社区").await);
    let res = resident
        .json(Method::POST, "/api/v1/certificates")
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(api_error(res).await.0, StatusCode::FORBIDDEN);
    assert_eq!(certificate_state(&t).await[..4], before[..4]);
    let before = certificate_state(&t).await;
    // An unknown code is a field error too.
    let res = resident
        .json(Method::POST, "/api/v1/certificates")
        .json(&application("no_such_type"))
        .send()
        .await
        .unwrap();
    let (s, c, _) = api_error(res).await;
    assert_eq!(
        (s, c.as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, "type_unknown")
    );
    assert_eq!(certificate_state(&t).await, before);
}

/// 6d. Verification: malformed serial or code is a 422 with its code; 20 failures from one
/// client, and the 21st request is refused with 429 — even a correct one.
#[tokio::test]
async fn verify_rejects_malformed_input_and_rate_limits_guessing() {
    let t = spawn_app().await;
    let worker = t.login("worker").await;
    let (_, issued) = get(&worker, "/api/v1/certificates?status=issued").await;
    let demo = &issued["items"][0];
    let serial = demo["serial"].as_str().unwrap().to_owned();
    let code = check_code(demo);
    let anon = client();
    let verify = |s: &str, c: &str| {
        let url = t.url(&format!("/api/v1/verify?serial={s}&code={c}"));
        let anon = anon.clone();
        async move { anon.get(url).send().await.unwrap() }
    };
    let r = verify(&serial, &code).await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.json::<Value>().await.unwrap()["state"], "authentic");

    let mut failures = 0;
    for bad in [
        "ZM-26-1",
        "ZM-2026-00001",
        "AZ-2026-000001",
        "ZM-2026-000001'--",
    ] {
        let (s, c, detail) = api_error(verify(bad, &code).await).await;
        assert_eq!(
            (s, c.as_str()),
            (StatusCode::UNPROCESSABLE_ENTITY, "serial_malformed"),
            "{bad}"
        );
        for part in [
            "ZM-年份-六位数字（证明）",
            "ZG-年份-六位数字（整改通知书）",
            "TB-年份-六位数字（通报）",
        ] {
            assert!(detail.contains(part), "{part} in {detail}");
        }
        failures += 1;
    }
    // The page says the same, with the same status.
    let r = anon
        .get(t.url(&format!("/verify?serial=ZM-2026-1&code={code}")))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        r.text()
            .await
            .unwrap()
            .contains("编号格式应为 ZM-年份-六位数字（证明）、ZG-年份-六位数字（整改通知书）或 TB-年份-六位数字（通报）")
    );
    failures += 1;
    for bad in ["abc", "ABCDEFGHJ0", "ABCDEFGHJKM"] {
        let (s, c, detail) = api_error(verify(&serial, bad).await).await;
        assert_eq!(
            (s, c.as_str()),
            (StatusCode::UNPROCESSABLE_ENTITY, "check_code_malformed"),
            "{bad}"
        );
        assert!(detail.contains("核验码"), "{detail}");
        failures += 1;
    }
    // A wrong code looks like an unknown serial, and counts as a failure too.
    let wrong = if code == "ABCDEFGHJK" {
        "ABCDEFGHJM"
    } else {
        "ABCDEFGHJK"
    };
    while failures < 20 {
        let r = verify(&serial, wrong).await;
        assert_eq!(r.status(), StatusCode::OK);
        let v: Value = r.json().await.unwrap();
        assert_eq!(v["state"], "unknown", "{v}");
        assert!(v["applicant"].is_null() && v["type_name"].is_null());
        failures += 1;
    }
    let (s, c, detail) = api_error(verify(&serial, &code).await).await;
    assert_eq!(
        (s, c.as_str()),
        (StatusCode::TOO_MANY_REQUESTS, "verify_rate_limited")
    );
    assert!(detail.contains("核验失败次数过多"), "{detail}");
    let r = anon
        .get(t.url(&format!("/verify?serial={serial}&code={code}")))
        .send()
        .await
        .unwrap();
    assert_eq!(
        r.status(),
        StatusCode::TOO_MANY_REQUESTS,
        "the page shares the limit"
    );
    assert!(r.text().await.unwrap().contains("核验失败次数过多"));
    // Ten minutes later the client may try again.
    t.advance_clock_ms(10 * 60 * 1000 + 1000);
    let r = verify(&serial, &code).await;
    assert_eq!(r.status(), StatusCode::OK);
}

const HOLIDAYS_2028: &str = r#"year = 2028
reference = "测试用：2028年部分节假日安排（示例）"

[[holiday]]
name = "元旦"
from = "2028-01-01"
to = "2028-01-03"

[[holiday]]
name = "劳动节"
from = "2028-05-01"
to = "2028-05-05"
workdays = ["2028-04-29"]
"#;

/// 6e. The holiday calendar: overlapping holidays or a malformed date change nothing; a valid
/// year imports and shows.
#[tokio::test]
async fn holiday_calendar_import_rejects_overlaps_and_malformed_dates() {
    let t = spawn_app().await;
    let admin = t.login("sysadmin").await;
    let ctx = t.ctx("sysadmin").await;
    let overlapping = HOLIDAYS_2028.replace(
        "workdays = [\"2028-04-29\"]\n",
        "workdays = [\"2028-04-29\"]\n\n[[holiday]]\nname = \"测试节\"\nfrom = \"2028-05-04\"\nto = \"2028-05-06\"\n",
    );
    let malformed = HOLIDAYS_2028.replace("2028-01-03", "2028-02-30");
    for (text, code, message) in [
        (&overlapping, "overlapping_holidays", "放假日期重叠"),
        (&malformed, "malformed_date", "2028-02-30"),
    ] {
        let r = admin.post_form("/admin/holidays", &[("text", text)]).await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY, "{code}");
        let html = r.text().await.unwrap();
        let err = texts(&html, "#form-error");
        assert_eq!(err.len(), 1, "{code}");
        assert!(
            err[0].starts_with("节假日文件有误") && err[0].contains(message),
            "{err:?}"
        );
        assert_eq!(count(&t, "holiday_year").await, 0, "{code}: nothing stored");
        assert_eq!(t.audit_count("holidays.import").await, 0);
        // The stable code, from the use case the page calls.
        let e = t.app.import_holidays(&ctx, text).await.unwrap_err();
        assert_eq!(e.code, code);
        assert_eq!(count(&t, "holiday_year").await, 0);
    }
    let r = admin
        .post_form("/admin/holidays", &[("text", HOLIDAYS_2028)])
        .await;
    assert_eq!(
        r.status(),
        StatusCode::SEE_OTHER,
        "{}",
        r.text().await.unwrap()
    );
    assert_eq!(location(&r), "/admin/holidays?done=imported");
    assert_eq!(count(&t, "holiday_year").await, 1);
    assert_eq!(t.audit_count("holidays.import").await, 1);
    let (s, page) = admin.get_text("/admin/holidays").await;
    assert_eq!(s, StatusCode::OK);
    let year = texts(&page, r#"section[data-year="2028"]"#);
    assert_eq!(year.len(), 1, "2028 is shown");
    assert!(
        year[0].contains("已导入") && year[0].contains("劳动节") && year[0].contains("2028-04-29")
    );
    // Only the system administrator imports.
    let worker = t.login("worker").await;
    let r = worker
        .post_form("/admin/holidays", &[("text", HOLIDAYS_2028)])
        .await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
}

/// 7. The district keeps its catalogue (4.5-2): adopt and drop city types, in its own district
/// only; local types need a basis (4.5-3) and a complete guide (4.5-6).
#[tokio::test]
async fn a_district_keeps_its_own_catalogue() {
    let t = spawn_app().await;
    let tiedong = t.node_id("铁东区").await;
    let tiexi = t.node_id("铁西区").await;
    let volunteer = scalar(
        &t,
        "SELECT id FROM certificate_type WHERE code = 'volunteer_service'",
    )
    .await;
    let approver = t.login("district_approver").await;
    let anon = client();
    let catalogue = |id: i64| {
        let url = t.url(&format!("/api/v1/catalogue/{id}"));
        let anon = anon.clone();
        async move {
            let v: Value = anon.get(url).send().await.unwrap().json().await.unwrap();
            let names = |k: &str| -> Vec<String> {
                v[k].as_array()
                    .unwrap()
                    .iter()
                    .map(|t| t["code"].as_str().unwrap().to_owned())
                    .collect()
            };
            (names("types"), names("not_adopted"), names("discontinued"))
        }
    };
    let (types, not_adopted, discontinued) = catalogue(tiedong).await;
    assert!(
        !types.contains(&"volunteer_service".into())
            && not_adopted.contains(&"volunteer_service".into())
    );
    assert!(
        types.contains(&"tiedong_elderly_allowance_residence".into()),
        "the demo local type"
    );
    assert_eq!(discontinued.len(), 20);

    let r = approver
        .post_form(
            &format!("/catalogue/{tiedong}/entries/{volunteer}"),
            &[("adopt", "1")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(t.audit_count("catalogue.adopt").await, 1);
    let (types, not_adopted, _) = catalogue(tiedong).await;
    assert!(
        types.contains(&"volunteer_service".into())
            && !not_adopted.contains(&"volunteer_service".into())
    );
    // Now a resident of 铁东区 gets it.
    let resident = t.login("resident").await;
    let a = apply(&resident, &application("volunteer_service")).await;
    assert_eq!(a["status"], "submitted", "{a}");

    let r = approver
        .post_form(
            &format!("/catalogue/{tiedong}/entries/{volunteer}"),
            &[("adopt", "0")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(t.audit_count("catalogue.drop").await, 1);
    let (types, not_adopted, _) = catalogue(tiedong).await;
    assert!(
        !types.contains(&"volunteer_service".into())
            && not_adopted.contains(&"volunteer_service".into())
    );

    // A discontinued type cannot be adopted (4.5-11).
    let kinship = scalar(&t, "SELECT id FROM certificate_type WHERE code = 'kinship'").await;
    let entries = count(&t, "catalogue_entry").await;
    let r = approver
        .post_form(
            &format!("/catalogue/{tiedong}/entries/{kinship}"),
            &[("adopt", "1")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::CONFLICT);
    assert!(r.text().await.unwrap().contains("不再保留的证明事项清单"));
    assert_eq!(count(&t, "catalogue_entry").await, entries);

    // Not 铁西区's catalogue: 403, audited.
    let denied = t.audit_count("permission.denied").await;
    let r = approver
        .post_form(
            &format!("/catalogue/{tiexi}/entries/{volunteer}"),
            &[("adopt", "0")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    assert_eq!(t.audit_count("permission.denied").await, denied + 1);
    let r = approver
        .post_form(
            &format!("/catalogue/{tiexi}/local"),
            &[("code", "x"), ("name", "x")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    assert_eq!(t.audit_count("permission.denied").await, denied + 2);
    assert_eq!(count(&t, "catalogue_entry").await, entries);
    let (tiexi_types, ..) = catalogue(tiexi).await;
    assert!(tiexi_types.contains(&"volunteer_service".into()));

    // Local types: no basis (4.5-3), an incomplete guide (4.5-6) — refused, nothing stored.
    let complete: Vec<(&str, &str)> = vec![
        ("code", "tiedong_test_local"),
        ("name", "测试本地证明"),
        ("basis_kind", "regulation"),
        ("basis_title", "《辽宁省某条例》（示例）"),
        ("basis_article", "第十条"),
        ("within_duty", "1"),
        ("conditions", "本社区居民。"),
        ("materials", "居民身份证"),
        ("template", "兹证明{姓名}居住在{社区}。此证明仅用于{用途}。"),
        ("processing_days", "3"),
        ("purpose", "测试。"),
        ("steps", "提交申请\n核实\n出具"),
    ];
    let without = |drop: &[&str]| -> Vec<(&str, &str)> {
        complete
            .iter()
            .filter(|(k, _)| !drop.contains(k))
            .copied()
            .collect()
    };
    let types_before = count(&t, "certificate_type").await;
    let audit_before = count(&t, "audit_entry").await;
    for (fields, clause, message) in [
        (
            without(&["basis_kind", "basis_title", "basis_article"]),
            "4.5-3",
            "未提供依据",
        ),
        (
            without(&["basis_article"]),
            "4.5-3",
            "法律法规依据须写明名称和具体条款",
        ),
        (
            without(&["within_duty"]),
            "4.5-3",
            "不属于社区(村)组织职责范围",
        ),
        (without(&["template", "steps"]), "4.5-6", "缺少"),
    ] {
        let r = approver
            .post_form(&format!("/catalogue/{tiedong}/local"), &fields)
            .await;
        assert_eq!(
            r.status(),
            StatusCode::UNPROCESSABLE_ENTITY,
            "{clause} {message}"
        );
        let html = r.text().await.unwrap();
        let err = texts(&html, "#form-error");
        assert_eq!(err.len(), 1);
        assert!(
            err[0].contains(message) && err[0].contains(&format!("（{clause}）")),
            "{err:?}"
        );
        assert_eq!(count(&t, "certificate_type").await, types_before);
        assert_eq!(count(&t, "audit_entry").await, audit_before);
    }
    let r = approver
        .post_form(&format!("/catalogue/{tiedong}/local"), &complete)
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(count(&t, "certificate_type").await, types_before + 1);
    let (types, ..) = catalogue(tiedong).await;
    assert!(types.contains(&"tiedong_test_local".into()));
}

/// 8. The full ID number: shown only on request to the applicant and the issuing community,
/// every look audited (without the number); never to the street.
#[tokio::test]
async fn the_full_id_number_is_shown_only_on_request_and_audited() {
    let t = spawn_app().await;
    let resident = t.login("resident").await;
    let a = apply(&resident, &application("residence")).await;
    let id = a["id"].as_i64().unwrap();
    let path = format!("/certificates/{id}/reveal-id");
    let worker = t.login("worker").await;
    let (_, page) = worker.get_text(&format!("/certificates/{id}")).await;
    assert_eq!(texts(&page, "#id-masked"), [MASKED_ID]);
    assert!(!page.contains(DEMO_ID_NUMBER));
    let mut looks = 0;
    for (who, b) in [("worker", &worker), ("resident", &resident)] {
        let r = b.post_form(&path, &[]).await;
        assert_eq!(r.status(), StatusCode::OK, "{who}");
        let html = r.text().await.unwrap();
        assert_eq!(texts(&html, "#id-full"), [DEMO_ID_NUMBER], "{who}");
        looks += 1;
        assert_eq!(t.audit_count("certificate.reveal_id_number").await, looks);
    }
    let street = t.login("street").await;
    let other = other_worker(&t).await;
    let supervisor = t.login("district_supervisor").await;
    for (who, b) in [
        ("street", &street),
        ("另一社区", &other),
        ("district_supervisor", &supervisor),
    ] {
        let r = b.post_form(&path, &[]).await;
        assert_eq!(r.status(), StatusCode::FORBIDDEN, "{who}");
        assert!(!r.text().await.unwrap().contains(DEMO_ID_NUMBER));
    }
    assert_eq!(t.audit_count("certificate.reveal_id_number").await, looks);
    let audit = dump(
        &t,
        "SELECT * FROM audit_entry WHERE action = 'certificate.reveal_id_number'",
    )
    .await;
    assert!(
        audit.contains(MASKED_ID) && !audit.contains(DEMO_ID_NUMBER),
        "{audit}"
    );
}

/// 9. Seals: a remade seal retires the old one (its certificates still verify), new
/// certificates carry the new seal; only the seal's listed signers may use it; a district's
/// administrator makes no seal outside the district.
#[tokio::test]
async fn remaking_a_seal_retires_the_old_one_and_limits_who_may_use_it() {
    let t = spawn_app().await;
    let heping = t.node_id("示例和平社区").await;
    let resident = t.login("resident").await;
    let worker = t.login("worker").await;
    let first = issue_ok(
        &worker,
        apply(&resident, &application("residence")).await["id"]
            .as_i64()
            .unwrap(),
    )
    .await;
    let old_seal = scalar(
        &t,
        &format!("SELECT id FROM seal WHERE community_node_id = {heping} AND status = 'active'"),
    )
    .await;
    let anon = client();
    let verify = |a: &Value| {
        let url = t.url(&format!(
            "/api/v1/verify?serial={}&code={}",
            a["serial"].as_str().unwrap(),
            check_code(a)
        ));
        let anon = anon.clone();
        async move {
            anon.get(url)
                .send()
                .await
                .unwrap()
                .json::<Value>()
                .await
                .unwrap()
        }
    };
    let v1 = verify(&first).await;
    assert_eq!(v1["state"], "authentic");
    let old_code = v1["seal_id"].as_str().unwrap().to_owned();
    assert_eq!(old_code, "210302091001-01");

    // 铁西区's administrator cannot make a seal in 铁东区.
    let seals_before = count(&t, "seal").await;
    let denied = t.audit_count("permission.denied").await;
    let tiexi_admin = t.login("tiexi_admin").await;
    let r = tiexi_admin
        .post_form(&format!("/seals/{heping}/make"), &[])
        .await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    assert_eq!(count(&t, "seal").await, seals_before);
    assert_eq!(t.audit_count("permission.denied").await, denied + 1);

    let admin = t.login("sysadmin").await;
    let made = t.audit_count("seal.make").await;
    let r = admin.post_form(&format!("/seals/{heping}/make"), &[]).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&r), "/seals?done=made");
    assert_eq!(t.audit_count("seal.make").await, made + 1);
    let status_of_old = dump(
        &t,
        &format!("SELECT status FROM seal WHERE id = {old_seal}"),
    )
    .await;
    assert!(status_of_old.contains("retired"), "{status_of_old}");
    let (_, seals) = admin.get_text("/seals").await;
    assert!(seals.contains("210302091001-02"));

    // The old certificate still verifies; a new one carries the new seal.
    assert_eq!(verify(&first).await["state"], "authentic");
    let second = issue_ok(
        &worker,
        apply(&resident, &application("residence")).await["id"]
            .as_i64()
            .unwrap(),
    )
    .await;
    let v2 = verify(&second).await;
    assert_eq!(v2["state"], "authentic");
    assert_eq!(v2["seal_id"], "210302091001-02");
    let (_, uses) = get(
        &worker,
        &format!("/api/v1/seal-uses?q={}", second["serial"].as_str().unwrap()),
    )
    .await;
    assert_eq!(uses["items"][0]["seal_code"], "210302091001-02");

    // A worker given the role after the seal was made is not on its list: 403 naming the seal.
    let newcomer = add_and_login(&t, "heping_worker2", "210302091001", Role::CommunityWorker).await;
    let a = apply(&resident, &application("residence")).await;
    let id = a["id"].as_i64().unwrap();
    let before = certificate_state(&t).await;
    let (s, c, detail) = api_error(issue(&newcomer, id).await).await;
    assert_eq!(
        (s, c.as_str()),
        (StatusCode::FORBIDDEN, "forbidden"),
        "{detail}"
    );
    assert!(
        detail.contains("示例和平社区居民委员会") && detail.contains("授权用印人"),
        "{detail}"
    );
    assert_eq!(
        certificate_state(&t).await[..4],
        before[..4],
        "nothing issued"
    );
    // Once the seal is remade, the list includes the newcomer.
    let r = admin.post_form(&format!("/seals/{heping}/make"), &[]).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let i = issue_ok(&newcomer, id).await;
    assert_eq!(verify(&i).await["seal_id"], "210302091001-03");
}

/// 10. The seal-use ledger: each official sees the uses in their jurisdiction; a malformed date
/// filter is a 422; the Excel export is audited.
#[tokio::test]
async fn the_seal_ledger_is_scoped_filtered_and_exported() {
    let t = spawn_app().await;
    let worker = t.login("worker").await;
    let (_, issued) = get(&worker, "/api/v1/certificates?status=issued").await;
    let serial = issued["items"][0]["serial"].as_str().unwrap().to_owned();
    for who in [
        "head",
        "worker",
        "street",
        "district_supervisor",
        "district_approver",
        "supervisor",
        "city_approver",
    ] {
        let b = t.login(who).await;
        let (s, html) = b.get_text("/seal-uses").await;
        assert_eq!(s, StatusCode::OK, "{who}");
        assert!(
            html.contains(&serial),
            "{who} sees the demo certificate's seal use"
        );
        let (s, v) = get(&b, "/api/v1/seal-uses").await;
        assert_eq!(s, StatusCode::OK, "{who}");
        assert_eq!(v["total"], 1, "{who}: {v}");
    }
    // Out of scope: another community's worker, and 铁西区's officials see none of it.
    let other = other_worker(&t).await;
    let (s, v) = get(&other, "/api/v1/seal-uses").await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(v["total"], 0, "{v}");
    let tiexi_approver =
        add_and_login(&t, "tiexi_approver", "210303000000", Role::DistrictApprover).await;
    let (_, v) = get(&tiexi_approver, "/api/v1/seal-uses").await;
    assert_eq!(v["total"], 0, "{v}");
    // Residents have no ledger.
    let resident = t.login("resident").await;
    assert_eq!(
        resident.get("/seal-uses").await.status(),
        StatusCode::FORBIDDEN
    );

    // Filters: a good date range finds it, a malformed date is an error.
    let head = t.login("head").await;
    let today = t.today();
    let (s, v) = get(&head, &format!("/api/v1/seal-uses?from={today}&to={today}")).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(v["total"], 1, "{v}");
    let tomorrow = today.succ_opt().unwrap();
    let (_, v) = get(&head, &format!("/api/v1/seal-uses?from={tomorrow}")).await;
    assert_eq!(v["total"], 0, "{v}");
    let (s, html) = head.get_text("/seal-uses?from=2026-13-01").await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html.contains("日期格式应为 YYYY-MM-DD"));
    let res = head
        .json(Method::GET, "/api/v1/seal-uses?to=yesterday")
        .send()
        .await
        .unwrap();
    let (s, body) = problem(res).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body["code"], "date_invalid");
    assert_eq!(body["field"], "to");

    // Export: an xlsx (a zip), audited.
    let exports = t.audit_count("seal_ledger.export").await;
    let r = head.get("/seal-uses/export.xlsx").await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(
        r.headers()["content-type"],
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    );
    let bytes = r.bytes().await.unwrap();
    assert!(bytes.starts_with(b"PK\x03\x04"), "an xlsx is a zip");
    assert_eq!(t.audit_count("seal_ledger.export").await, exports + 1);
    let r = head.get("/seal-uses/export.xlsx?from=bad").await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(t.audit_count("seal_ledger.export").await, exports + 1);
}

/// 0. The published service guides (4.5-6, 4.5-7): public, with a printable sample that is
/// marked as such and does not verify; the discontinued list names the alternative.
#[tokio::test]
async fn public_service_guides_and_samples() {
    let t = spawn_app().await;
    let anon = client();
    let get_text = |path: &str| {
        let url = t.url(path);
        let anon = anon.clone();
        async move {
            let r = anon.get(url).send().await.unwrap();
            (r.status(), r.text().await.unwrap())
        }
    };
    let tiedong = t.node_id("铁东区").await;
    let (s, index) = get_text(&format!("/guides?district={tiedong}")).await;
    assert_eq!(s, StatusCode::OK);
    assert!(index.contains("居住情况证明") && index.contains("亲属关系证明"));
    let (s, guide) = get_text("/guides/hardship").await;
    assert_eq!(s, StatusCode::OK);
    let g = texts(&guide, "#guide")[0].clone();
    for part in [
        "鞍山市社区(村)组织出具证明事项保留清单（示例）",
        "限时办结（5个工作日）",
        "需要入户调查核实",
        "家庭成员收入情况说明",
        "示例",
    ] {
        assert!(g.contains(part), "the guide states {part}: {g}");
    }
    let (s, kinship) = get_text("/guides/kinship").await;
    assert_eq!(s, StatusCode::OK);
    assert!(
        kinship.contains("4.5-11")
            && kinship.contains("部门核查")
            && kinship.contains("公安机关户籍信息")
    );
    let (s, _) = get_text("/guides/no_such_type").await;
    assert_eq!(s, StatusCode::NOT_FOUND);

    let r = anon
        .get(t.url("/guides/residence/sample.pdf"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.headers()["content-type"], "application/pdf");
    let sample = r.bytes().await.unwrap();
    assert!(sample.starts_with(b"%PDF-"));
    let authority: Value = anon
        .get(t.url("/api/v1/seal-authority"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let key = jianfu_seal::PublicKey::from_hex(authority["public_key"].as_str().unwrap()).unwrap();
    assert!(
        jianfu_seal::verify_file(&sample, &key).is_err(),
        "a sample is not a certificate"
    );

    // The catalogue API answers for districts only.
    let street = t.node_id("示例一街道").await;
    let r = anon
        .get(t.url(&format!("/api/v1/catalogue/{street}")))
        .send()
        .await
        .unwrap();
    let (s, c, _) = api_error(r).await;
    assert_eq!((s, c.as_str()), (StatusCode::NOT_FOUND, "not_found"));
}

/// 6f. Issuing twice at the same moment: one certificate, one seal use, the others a conflict.
#[tokio::test]
async fn concurrent_issues_of_one_application_seal_once() {
    let t = spawn_app().await;
    let resident = t.login("resident").await;
    let worker = t.login("worker").await;
    let head = t.login("head").await;
    let id = apply(&resident, &application("residence")).await["id"]
        .as_i64()
        .unwrap();
    let before = certificate_state(&t).await;
    let mut tasks = Vec::new();
    for b in [&worker, &head, &worker, &head, &worker, &head] {
        let req = b
            .json(Method::POST, &format!("/api/v1/certificates/{id}/issue"))
            .json(&json!({}));
        tasks.push(tokio::spawn(async move {
            let r = req.send().await.unwrap();
            let s = r.status();
            (s, r.text().await.unwrap())
        }));
    }
    let mut ok = 0;
    for task in tasks {
        let (s, body) = task.await.unwrap();
        match s {
            StatusCode::OK => ok += 1,
            StatusCode::CONFLICT => assert!(
                body.contains("already_issued") || body.contains("application_closed"),
                "{body}"
            ),
            other => panic!("concurrent issue: {other} {body}"),
        }
    }
    assert_eq!(ok, 1, "exactly one issue succeeds");
    let after = certificate_state(&t).await;
    assert_eq!(after[2], before[2] + 1, "one certificate");
    assert_eq!(after[3], before[3] + 1, "one seal use");
    assert_eq!(
        t.audit_count("certificate.issue").await,
        2,
        "demo + this one"
    );
}

/// Issues by several workers at once run in parallel (signing and rendering happen before the
/// write transaction), and their serial numbers still come out unique and without gaps.
#[tokio::test]
async fn concurrent_issues_of_many_applications_number_without_gaps() {
    let t = spawn_app().await;
    let resident = t.login("resident").await;
    let worker = t.login("worker").await;
    let head = t.login("head").await;
    let mut ids = Vec::new();
    for _ in 0..8 {
        ids.push(
            apply(&resident, &application("residence")).await["id"]
                .as_i64()
                .unwrap(),
        );
    }
    let year = chrono::Datelike::year(&t.today());
    let counter = format!("SELECT value FROM counter WHERE key = 'certificate:{year}'");
    let highest_before = scalar(&t, &counter).await;
    let before = certificate_state(&t).await;
    let mut tasks = Vec::new();
    for (i, id) in ids.iter().enumerate() {
        let b = if i % 2 == 0 { &worker } else { &head };
        let req = b
            .json(Method::POST, &format!("/api/v1/certificates/{id}/issue"))
            .json(&json!({}));
        tasks.push(tokio::spawn(async move {
            let r = req.send().await.unwrap();
            let s = r.status();
            (s, r.json::<Value>().await.unwrap())
        }));
    }
    let mut serials = Vec::new();
    for task in tasks {
        let (s, v) = task.await.unwrap();
        assert_eq!(s, StatusCode::OK, "{v}");
        assert_eq!(v["status"], "issued", "{v}");
        serials.push(v["serial"].as_str().unwrap().to_owned());
    }
    let mut numbers: Vec<i64> = serials
        .iter()
        .map(|s| s.rsplit('-').next().unwrap().parse().unwrap())
        .collect();
    numbers.sort_unstable();
    let first = numbers[0];
    assert_eq!(
        numbers,
        (first..first + 8).collect::<Vec<_>>(),
        "unique and consecutive: {serials:?}"
    );
    assert_eq!(first, highest_before + 1, "{serials:?} follow the demo's");
    let after = certificate_state(&t).await;
    assert_eq!(after[2], before[2] + 8);
    assert_eq!(after[3], before[3] + 8);
    assert_eq!(
        scalar(&t, &counter).await,
        highest_before + 8,
        "the counter holds the highest number used"
    );
}

/// Verification and issuing remember the documents and seals they checked; a row edited in the
/// database afterwards is checked afresh, not served from memory.
#[tokio::test]
async fn rows_edited_in_the_database_are_checked_afresh() {
    let t = spawn_app().await;
    let resident = t.login("resident").await;
    let worker = t.login("worker").await;
    let first = apply(&resident, &application("residence")).await["id"]
        .as_i64()
        .unwrap();
    let second = apply(&resident, &application("residence")).await["id"]
        .as_i64()
        .unwrap();
    let i = issue_ok(&worker, first).await;
    let serial = i["serial"].as_str().unwrap().to_owned();
    let code = check_code(&i);
    let anon = client();
    let url = t.url(&format!("/api/v1/verify?serial={serial}&code={code}"));
    let state = || async {
        anon.get(url.clone())
            .send()
            .await
            .unwrap()
            .json::<Value>()
            .await
            .unwrap()["state"]
            .clone()
    };
    assert_eq!(state().await, "authentic");
    assert_eq!(state().await, "authentic", "from memory, still authentic");

    // Someone with access to the database and the data key changes the applicant's name in the
    // stored document.
    edit_document(&t, &serial, |d| d.replace("示例居民张三", "示例居民李四")).await;
    assert_eq!(
        state().await,
        "invalid",
        "the edited document is checked again"
    );

    // And the seal's record (the name printed in the seal) after the seal was used.
    t.sql("UPDATE seal SET record = replace(record, '示例和平社区', '示例太平社区') WHERE status = 'active'")
        .await;
    let before = certificate_state(&t).await;
    let (s, c, detail) = api_error(issue(&worker, second).await).await;
    assert_eq!(
        (s, c.as_str()),
        (StatusCode::CONFLICT, "seal_record_invalid"),
        "{detail}"
    );
    assert_eq!(certificate_state(&t).await, before, "nothing stored");
}

#[tokio::test]
async fn full_width_serial_and_check_code_verify() {
    let t = spawn_app().await;
    let worker = t.login("worker").await;
    let (_, issued) = get(&worker, "/api/v1/certificates?status=issued").await;
    let demo = &issued["items"][0];
    let full_width = |s: &str| -> String {
        s.chars()
            .map(|c| char::from_u32(c as u32 + 0xFEE0).unwrap())
            .collect()
    };
    let serial = full_width(demo["serial"].as_str().unwrap());
    let code = full_width(&check_code(demo));
    let r = client()
        .get(t.url("/api/v1/verify"))
        .query(&[("serial", serial.as_str()), ("code", code.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.json::<Value>().await.unwrap()["state"], "authentic");
}

/// Issue 15 item 3: the applicant's full ID number was plain text in `certificate_application`.
/// Now a raw read of the table shows only ciphertext and the masked form; the applicant still
/// sees the full number, a worker still finds the application by it, rotation keeps it
/// readable, plaintext rows of an older installation are encrypted at start-up, and a
/// ciphertext moved into another row does not decrypt.
#[tokio::test]
async fn id_numbers_are_encrypted_at_rest_yet_shown_found_and_rotated() {
    let t = spawn_app().await;
    let resident = t.login("resident").await;
    let worker = t.login("worker").await;
    let first = apply(&resident, &application("residence")).await["id"]
        .as_i64()
        .unwrap();
    let raw = || dump(&t, "SELECT * FROM certificate_application");
    let table = raw().await;
    assert!(!table.contains(DEMO_ID_NUMBER), "{table}");
    assert!(
        table.contains(MASKED_ID) && table.contains("jf1:1:"),
        "{table}"
    );

    shows_full(&resident, first).await;
    shows_full(&worker, first).await;
    finds(&worker, first).await;

    // Rotation: every row under the new key; the old one still reads until then.
    let rotated = t.app.store.data_keys().rotated();
    t.app.store.use_data_keys(rotated, None);
    // Applications, and the demo's issued certificates (document and PDF encrypted too).
    let rows = (count(&t, "certificate_application").await
        + count(&t, "certificate").await
        + count(&t, "attachment").await) as u64;
    assert_eq!(
        t.app.personal_data_not_under_current_key().await.unwrap(),
        rows
    );
    shows_full(&resident, first).await;
    assert_eq!(t.app.seal_personal_data().await.unwrap(), rows);
    assert_eq!(
        t.app.personal_data_not_under_current_key().await.unwrap(),
        0
    );
    let table = raw().await;
    assert!(
        table.contains("jf1:2:") && !table.contains("jf1:1:"),
        "{table}"
    );
    let only_new = t.app.store.data_keys().without_old_keys();
    t.app.store.use_data_keys(only_new, None);
    shows_full(&resident, first).await;
    finds(&worker, first).await;

    // A row written before encryption (an older installation): encrypted at start-up.
    t.sql(&format!(
        "UPDATE certificate_application SET applicant_id_number = '{DEMO_ID_NUMBER}', \
         applicant_id_masked = '', applicant_id_index = NULL WHERE id = {first}"
    ))
    .await;
    assert_eq!(t.app.seal_personal_data().await.unwrap(), 1);
    assert!(!raw().await.contains(DEMO_ID_NUMBER));
    shows_full(&resident, first).await;
    finds(&worker, first).await;
    assert!(t.audit_count("personal_data.encrypt").await >= 2);

    // A ciphertext copied into another row is refused with a clear error, not shown.
    let second = apply(&resident, &application("residence")).await["id"]
        .as_i64()
        .unwrap();
    t.sql(&format!(
        "UPDATE certificate_application SET applicant_id_number = \
         (SELECT applicant_id_number FROM certificate_application WHERE id = {first}) \
         WHERE id = {second}"
    ))
    .await;
    let err = t
        .app
        .reveal_id_number(&t.ctx("resident").await, second)
        .await
        .unwrap_err();
    assert_eq!(err.code, "personal_data_unreadable");
    assert!(err.message.contains("无法解密"), "{}", err.message);
    shows_full(&resident, first).await;
}

async fn shows_full(b: &Browser, id: i64) {
    let r = b
        .post_form(&format!("/certificates/{id}/reveal-id"), &[])
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(
        texts(&r.text().await.unwrap(), "#id-full"),
        [DEMO_ID_NUMBER]
    );
}

async fn finds(worker: &Browser, id: i64) {
    let (s, v) = get(worker, &format!("/api/v1/certificates?q={DEMO_ID_NUMBER}")).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert!(
        v["items"].as_array().unwrap().iter().any(|a| a["id"] == id),
        "{v}"
    );
    let (_, none) = get(worker, "/api/v1/certificates?q=210302199001011234").await;
    assert_eq!(none["total"], 0, "{none}");
}

/// Edits the stored JSON document of certificate `serial` as someone with the database and the
/// data key could: decrypts it, applies `edit`, encrypts it again for the same row.
async fn edit_document(t: &TestApp, serial: &str, edit: impl FnOnce(&str) -> String) {
    use jianfu_store::entity::certificate;
    use jianfu_store::orm::{ColumnTrait, EntityTrait, QueryFilter, prelude::Expr};
    use jianfu_store::personal::{CERTIFICATE_DOCUMENT, certificate_row};
    let db = t.app.store.db();
    let cert = certificate::Entity::find()
        .filter(certificate::Column::Serial.eq(serial))
        .one(db)
        .await
        .unwrap()
        .unwrap();
    let row = certificate_row(cert.application_id, &cert.serial);
    let keys = t.app.store.data_keys();
    let plain = keys
        .decrypt(CERTIFICATE_DOCUMENT, &row, &cert.document)
        .unwrap();
    let edited = edit(&plain);
    assert_ne!(edited, plain, "the edit changes the document");
    certificate::Entity::update_many()
        .col_expr(
            certificate::Column::Document,
            Expr::value(keys.encrypt(CERTIFICATE_DOCUMENT, &row, &edited)),
        )
        .filter(certificate::Column::Id.eq(cert.id))
        .exec(db)
        .await
        .unwrap();
}

/// The raw bytes of a binary column of one row.
async fn raw_bytes(t: &TestApp, sql: &str) -> Vec<u8> {
    use jianfu_store::orm::{ConnectionTrait, Statement};
    let db = t.app.store.db();
    db.query_one_raw(Statement::from_string(
        db.get_database_backend(),
        sql.to_owned(),
    ))
    .await
    .unwrap()
    .unwrap()
    .try_get_by_index::<Vec<u8>>(0)
    .unwrap()
}

/// Issue 15 item 3, the rest: the issued certificate's JSON document and PDF and the files
/// attached to the application carried the full ID number (and the whole document) in clear.
/// Now a raw read of the tables shows ciphertext only, on SQLite and PostgreSQL; the
/// downloads, the public verification (page and API), offline verification of the downloaded
/// files, the seal ledger and the attachment download still work; rotation and start-up
/// encryption of clear rows cover them; a ciphertext moved into another row is refused with
/// `personal_data_unreadable`, not served.
#[tokio::test]
async fn issued_certificates_are_encrypted_at_rest() {
    let t = spawn_app().await;
    let resident = t.login("resident").await;
    let worker = t.login("worker").await;
    let (first, cid, serial, code, aid) = issued_with_attachment(&t, &resident, &worker).await;

    // A raw read of the tables: no ID number, no document, no PDF, no image.
    let raw = || async {
        format!(
            "{}{}",
            dump(&t, "SELECT * FROM certificate").await,
            dump(&t, "SELECT * FROM attachment").await
        )
    };
    let tables = raw().await;
    for clear in [
        DEMO_ID_NUMBER,
        "示例居民张三",
        "applicant_id_number",
        "%PDF",
        "IHDR",
        "居住情况证明",
    ] {
        assert!(!tables.contains(clear), "{clear} in clear: {tables}");
    }
    assert!(tables.contains("document=jf1:1:"), "{tables}");
    let pdf_at_rest = raw_bytes(&t, &format!("SELECT pdf FROM certificate WHERE id = {cid}")).await;
    assert!(
        pdf_at_rest.starts_with(b"jf1\0\0\0\0\x01"),
        "the binary form"
    );
    let png_at_rest = raw_bytes(
        &t,
        &format!("SELECT content FROM attachment WHERE id = {aid}"),
    )
    .await;
    assert!(
        png_at_rest.starts_with(b"jf1\0\0\0\0\x01"),
        "the binary form"
    );
    assert_ne!(&png_at_rest[8..], PNG);

    // Everything that reads them still works.
    let works = || async {
        readable_everywhere(&t, &resident, &worker, cid, &serial, &code, first, aid).await
    };
    works().await;

    // Rotation brings the certificate and the attachment under the new key too.
    let rotated = t.app.store.data_keys().rotated();
    t.app.store.use_data_keys(rotated, None);
    let not_current = t.app.personal_data_not_under_current_key().await.unwrap();
    let certificates = count(&t, "certificate").await as u64;
    let attachments = count(&t, "attachment").await as u64;
    let applications = count(&t, "certificate_application").await as u64;
    assert_eq!(not_current, applications + certificates + attachments);
    assert_eq!(t.app.seal_personal_data().await.unwrap(), not_current);
    assert_eq!(
        t.app.personal_data_not_under_current_key().await.unwrap(),
        0
    );
    let only_new = t.app.store.data_keys().without_old_keys();
    t.app.store.use_data_keys(only_new, None);
    let tables = raw().await;
    assert!(
        tables.contains("document=jf1:2:") && !tables.contains("jf1:1:"),
        "{tables}"
    );
    let pdf_at_rest = raw_bytes(&t, &format!("SELECT pdf FROM certificate WHERE id = {cid}")).await;
    assert!(pdf_at_rest.starts_with(b"jf1\0\0\0\0\x02"));
    works().await;
    let encrypted = t.audit_count("personal_data.encrypt").await;

    // Rows of an installation from before: clear document, PDF and attachment are encrypted
    // at start-up (here: the same step, called directly), in audited batches.
    put_back_in_clear(&t, cid, aid).await;
    assert!(
        raw().await.contains(DEMO_ID_NUMBER),
        "the rows are in clear now"
    );
    assert_eq!(
        t.app.personal_data_not_under_current_key().await.unwrap(),
        2
    );
    assert_eq!(t.app.seal_personal_data().await.unwrap(), 2);
    assert!(!raw().await.contains(DEMO_ID_NUMBER));
    assert_eq!(t.audit_count("personal_data.encrypt").await, encrypted + 2);
    works().await;

    // A ciphertext moved into another row does not decrypt: the certificate's document and
    // PDF into another certificate of the same resident, the attachment into another one.
    let (second, cid2, serial2, code2, aid2) = issued_with_attachment(&t, &resident, &worker).await;
    readable_everywhere(&t, &resident, &worker, cid2, &serial2, &code2, second, aid2).await;
    let own_document = dump(
        &t,
        &format!("SELECT document FROM certificate WHERE id = {cid2}"),
    )
    .await
    .trim()
    .trim_start_matches("document=")
    .to_owned();
    let own_pdf = raw_bytes(
        &t,
        &format!("SELECT pdf FROM certificate WHERE id = {cid2}"),
    )
    .await;
    let own_content = raw_bytes(
        &t,
        &format!("SELECT content FROM attachment WHERE id = {aid2}"),
    )
    .await;
    t.sql(&format!(
        "UPDATE certificate SET document = (SELECT document FROM certificate WHERE id = {cid}), \
         pdf = (SELECT pdf FROM certificate WHERE id = {cid}) WHERE id = {cid2}"
    ))
    .await;
    t.sql(&format!(
        "UPDATE attachment SET content = (SELECT content FROM attachment WHERE id = {aid}) \
         WHERE id = {aid2}"
    ))
    .await;
    for path in [
        format!("/api/v1/verify?serial={serial2}&code={code2}"),
        "/api/v1/seal-uses".to_owned(),
    ] {
        let r = worker.json(Method::GET, &path).send().await.unwrap();
        let (s, c, detail) = api_error(r).await;
        assert_eq!(
            (s, c.as_str()),
            (
                StatusCode::INTERNAL_SERVER_ERROR,
                "personal_data_unreadable"
            ),
            "{path}: {detail}"
        );
        assert!(detail.contains("无法解密"), "{detail}");
    }
    for path in [
        format!("/issued/{cid2}/pdf"),
        format!("/issued/{cid2}/json"),
        format!("/certificates/{second}/attachments/{aid2}"),
        format!("/verify?serial={serial2}&code={code2}"),
        "/seal-uses".to_owned(),
    ] {
        let r = worker.get(&path).await;
        assert_eq!(r.status(), StatusCode::INTERNAL_SERVER_ERROR, "{path}");
        let page = r.text().await.unwrap();
        assert!(!page.contains(DEMO_ID_NUMBER), "{path}: {page}");
    }
    let err = t
        .app
        .certificate_document(&t.ctx("worker").await, cid2)
        .await
        .unwrap_err();
    assert_eq!(err.code, "personal_data_unreadable");
    assert!(err.message.contains(&serial2), "{}", err.message);
    // Their own ciphertexts put back, both read again; the first was never affected.
    {
        use jianfu_store::entity::{attachment, certificate};
        use jianfu_store::orm::{ColumnTrait, EntityTrait, QueryFilter, prelude::Expr};
        let db = t.app.store.db();
        certificate::Entity::update_many()
            .col_expr(certificate::Column::Document, Expr::value(own_document))
            .col_expr(certificate::Column::Pdf, Expr::value(own_pdf))
            .filter(certificate::Column::Id.eq(cid2))
            .exec(db)
            .await
            .unwrap();
        attachment::Entity::update_many()
            .col_expr(attachment::Column::Content, Expr::value(own_content))
            .filter(attachment::Column::Id.eq(aid2))
            .exec(db)
            .await
            .unwrap();
    }
    readable_everywhere(&t, &resident, &worker, cid2, &serial2, &code2, second, aid2).await;
    works().await;
}

/// An application with a PNG attachment, issued: (application, certificate id, serial, check
/// code, attachment id).
async fn issued_with_attachment(
    t: &TestApp,
    resident: &Browser,
    worker: &Browser,
) -> (i64, i64, String, String, i64) {
    let mut body = application("residence");
    body["attachments"] = json!([{
        "file_name": "租赁合同.png",
        "content_base64": base64::Engine::encode(&base64::engine::general_purpose::STANDARD, PNG),
    }]);
    let app = apply(resident, &body).await["id"].as_i64().unwrap();
    let i = issue_ok(worker, app).await;
    let aid = scalar(
        t,
        &format!("SELECT id FROM attachment WHERE application_id = {app}"),
    )
    .await;
    (
        app,
        i["certificate_id"].as_i64().unwrap(),
        i["serial"].as_str().unwrap().to_owned(),
        check_code(&i),
        aid,
    )
}

/// The certificate `cid` of application `app` (with attachment `aid`) downloads as a PDF and a
/// JSON that verify offline, verifies publicly (page and API), shows in the seal ledger, and
/// its attachment downloads as it was uploaded.
#[allow(clippy::too_many_arguments)]
async fn readable_everywhere(
    t: &TestApp,
    resident: &Browser,
    worker: &Browser,
    cid: i64,
    serial: &str,
    code: &str,
    app: i64,
    aid: i64,
) {
    let authority: Value = client()
        .get(t.url("/api/v1/seal-authority"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let key = jianfu_seal::PublicKey::from_hex(authority["public_key"].as_str().unwrap()).unwrap();
    for (b, kind) in [(resident, "pdf"), (resident, "json"), (worker, "pdf")] {
        let r = b.get(&format!("/issued/{cid}/{kind}")).await;
        assert_eq!(r.status(), StatusCode::OK, "{kind}");
        let bytes = r.bytes().await.unwrap().to_vec();
        if kind == "pdf" {
            assert!(bytes.starts_with(b"%PDF"));
        }
        let root = trusted_root(t).await;
        let doc = verify_offline(&bytes, &key, &root).expect("the download verifies offline");
        assert_eq!(doc.content.serial, serial);
        assert_eq!(doc.content.applicant_id_number, DEMO_ID_NUMBER);
    }
    let anon = client();
    let v: Value = anon
        .get(t.url(&format!("/api/v1/verify?serial={serial}&code={code}")))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(v["state"], "authentic", "{v}");
    assert_eq!(v["id_number"], MASKED_ID);
    let page = anon
        .get(t.url(&format!("/verify?serial={serial}&code={code}")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("真实有效"), "{page}");
    let (s, ledger) = get(worker, "/api/v1/seal-uses").await;
    assert_eq!(s, StatusCode::OK, "{ledger}");
    assert!(
        ledger["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|u| u["serial"] == serial && u["type_name"] == "居住情况证明"),
        "{ledger}"
    );
    let r = worker
        .get(&format!("/certificates/{app}/attachments/{aid}"))
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(&r.bytes().await.unwrap()[..], PNG);
}

/// Writes certificate `cid`'s document and PDF and attachment `aid`'s content back in clear, as
/// an installation from before their encryption holds them.
async fn put_back_in_clear(t: &TestApp, cid: i64, aid: i64) {
    use jianfu_store::entity::{attachment, certificate};
    use jianfu_store::orm::{ColumnTrait, EntityTrait, QueryFilter, prelude::Expr};
    use jianfu_store::personal::{
        ATTACHMENT_CONTENT, CERTIFICATE_DOCUMENT, CERTIFICATE_PDF, certificate_row,
    };
    let db = t.app.store.db();
    let keys = t.app.store.data_keys();
    let cert = certificate::Entity::find_by_id(cid)
        .one(db)
        .await
        .unwrap()
        .unwrap();
    let row = certificate_row(cert.application_id, &cert.serial);
    certificate::Entity::update_many()
        .col_expr(
            certificate::Column::Document,
            Expr::value(
                keys.decrypt(CERTIFICATE_DOCUMENT, &row, &cert.document)
                    .unwrap(),
            ),
        )
        .col_expr(
            certificate::Column::Pdf,
            Expr::value(
                keys.decrypt_bytes(CERTIFICATE_PDF, &row, &cert.pdf)
                    .unwrap(),
            ),
        )
        .filter(certificate::Column::Id.eq(cid))
        .exec(db)
        .await
        .unwrap();
    let a = attachment::Entity::find_by_id(aid)
        .one(db)
        .await
        .unwrap()
        .unwrap();
    attachment::Entity::update_many()
        .col_expr(
            attachment::Column::Content,
            Expr::value(
                keys.decrypt_bytes(ATTACHMENT_CONTENT, aid, &a.content)
                    .unwrap(),
            ),
        )
        .filter(attachment::Column::Id.eq(aid))
        .exec(db)
        .await
        .unwrap();
}

/// 补正材料: the worker asks for more material all at once; the resident sees it among the 待办
/// and adds a file (checked by content); asked nothing, adding is refused; the request and the
/// addition are audited; who does not process the community's applications cannot ask.
#[tokio::test]
async fn a_worker_asks_for_material_and_the_resident_adds_it() {
    let t = spawn_app().await;
    let resident = t.login("resident").await;
    let worker = t.login("worker").await;
    let a = apply(&resident, &application("residence")).await;
    let id = a["id"].as_i64().unwrap();
    use base64::Engine as _;
    let b64 = |bytes: &[u8]| base64::engine::general_purpose::STANDARD.encode(bytes);
    let supplement =
        json!({ "attachments": [{ "file_name": "租赁合同.png", "content_base64": b64(PNG) }] });

    // Nothing asked yet: adding is refused.
    let (s, p) = post(
        &resident,
        &format!("/api/v1/certificates/{id}/supplement"),
        &supplement,
    )
    .await;
    assert_eq!(
        (s, p["code"].as_str()),
        (StatusCode::CONFLICT, Some("no_material_requested")),
        "{p}"
    );
    // A request needs its note; another community's staff cannot ask.
    let path = format!("/api/v1/certificates/{id}/request-material");
    let (s, p) = post(&worker, &path, &json!({ "note": " " })).await;
    assert_eq!(
        (s, p["field"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("material_note")),
        "{p}"
    );
    let (s, _) = post(
        &t.login("street").await,
        &path,
        &json!({ "note": "请补充" }),
    )
    .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, a) = post(&worker, &path, &json!({ "note": "请补充租赁合同复印件" })).await;
    assert_eq!(s, StatusCode::OK, "{a}");
    assert_eq!(a["status"], "submitted");
    assert_eq!(t.audit_count("certificate.request_material").await, 1);

    // The resident's 待办 says so and links to the form; the page shows the request.
    let (_, inbox) = resident.get_text("/inbox").await;
    assert!(
        inbox.contains("需补充材料") && inbox.contains("请补充租赁合同复印件"),
        "{inbox}"
    );
    assert!(inbox.contains(&format!("/certificates/{id}#supplement")));
    let (_, page) = resident.get_text(&format!("/certificates/{id}")).await;
    assert_eq!(texts(&page, "#material-request"), ["请补充租赁合同复印件"]);

    // Not what it claims: refused, nothing kept, the request stands.
    let bad = json!({ "attachments": [{ "file_name": "合同.png", "content_base64": b64(b"not an image") }] });
    let (s, p) = post(
        &resident,
        &format!("/api/v1/certificates/{id}/supplement"),
        &bad,
    )
    .await;
    assert_eq!(
        (s, p["field"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("attachments")),
        "{p}"
    );
    let (s, p) = post(
        &resident,
        &format!("/api/v1/certificates/{id}/supplement"),
        &json!({ "attachments": [] }),
    )
    .await;
    assert_eq!(
        (s, p["code"].as_str()),
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            Some("attachments_required")
        ),
        "{p}"
    );
    let count_sql = format!("SELECT COUNT(*) FROM attachment WHERE application_id = {id}");
    let files = || scalar(&t, &count_sql);
    assert_eq!(files().await, 0);

    // Through the page's form: the file is kept, the request answered, the worker is told.
    let r = resident
        .post_multipart(
            &format!("/certificates/{id}/supplement"),
            &[],
            &[("attachments", "租赁合同.png", PNG)],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(files().await, 1);
    assert_eq!(t.audit_count("certificate.supplement").await, 1);
    let (_, a) = worker.get_api(&format!("/api/v1/certificates/{id}")).await;
    assert!(
        a["material_request"].is_null() || a.get("material_request").is_none(),
        "{a}"
    );
    let (_, inbox) = resident.get_text("/inbox").await;
    assert!(!inbox.contains("需补充材料"), "the item is gone once added");
    // Twice: nothing asked any more.
    let (s, _) = post(
        &resident,
        &format!("/api/v1/certificates/{id}/supplement"),
        &supplement,
    )
    .await;
    assert_eq!(s, StatusCode::CONFLICT);
}
