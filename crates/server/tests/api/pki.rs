//! The seal authority's PKI (issue 18, slice 3): the root certificate published beside
//! `/verify` (PEM and DER, public), the signers' certificates issued with each seal, and the
//! revocation of a signer's certificate (recorded, audited, refused when issuing; bad input
//! changes nothing).

use std::time::SystemTime;

use jianfu_domain::bootstrap::DEMO_ID_NUMBER;
use jianfu_seal::pki::{TrustedRoot, X509Certificate};
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::auth::scalar;
use crate::helpers::{Browser, TestApp, client, spawn_app};

/// The root as downloaded anonymously in PEM and DER (both must be the same certificate).
async fn downloaded_root(t: &TestApp) -> X509Certificate {
    let anon = client();
    let pem = anon
        .get(t.url("/api/v1/seal-authority/root.pem"))
        .send()
        .await
        .unwrap();
    assert_eq!(pem.status(), StatusCode::OK);
    assert_eq!(pem.headers()["content-type"], "application/x-pem-file");
    let pem = X509Certificate::from_pem(&pem.text().await.unwrap()).unwrap();
    let der = anon
        .get(t.url("/api/v1/seal-authority/root.der"))
        .send()
        .await
        .unwrap();
    assert_eq!(der.status(), StatusCode::OK);
    assert_eq!(der.headers()["content-type"], "application/pkix-cert");
    let der = X509Certificate::from_der(&der.bytes().await.unwrap()).unwrap();
    assert_eq!(pem.der(), der.der());
    der
}

async fn signers(admin: &Browser) -> Vec<Value> {
    let (s, v) = admin.get_api("/api/v1/pki/signers").await;
    assert_eq!(s, StatusCode::OK, "{v}");
    v.as_array().unwrap().clone()
}

/// The newest signer certificate of `account` as the list shows it.
async fn signer_of(t: &TestApp, admin: &Browser, username: &str) -> Value {
    let id = t.account_id(username).await;
    signers(admin)
        .await
        .into_iter()
        .find(|c| c["account_id"] == id)
        .unwrap_or_else(|| panic!("{username} holds no signer certificate"))
}

async fn stored_der(t: &TestApp, id: i64) -> X509Certificate {
    use jianfu_store::entity::pki_certificate;
    use jianfu_store::orm::EntityTrait;
    let row = pki_certificate::Entity::find_by_id(id)
        .one(t.app.store.db())
        .await
        .unwrap()
        .unwrap();
    X509Certificate::from_der(&row.der).unwrap()
}

#[tokio::test]
async fn the_root_is_published_and_every_signer_of_a_seal_is_certified_by_it() {
    let t = spawn_app().await;
    let root = downloaded_root(&t).await;
    let trusted = TrustedRoot::new(root.clone()).expect("a self-signed CA root");
    // The root certifies the very key that signed every seal record so far.
    let authority: Value = client()
        .get(t.url("/api/v1/seal-authority"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(root.public_key().to_hex(), authority["public_key"]);
    assert!(root.subject_string().contains("鞍山市电子印章管理机构"));
    // Created at installation, audited once.
    assert_eq!(t.audit_count("pki.create").await, 1);

    // The verify page links both files.
    let page = client()
        .get(t.url("/verify"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        page.contains(r#"href="/api/v1/seal-authority/root.pem""#),
        "{page}"
    );
    assert!(
        page.contains(r#"href="/api/v1/seal-authority/root.der""#),
        "{page}"
    );

    // The demo seals' signers (the community's worker and head) hold certificates of the
    // root, good now and not revoked.
    let admin = t.login("sysadmin").await;
    for who in ["worker", "head"] {
        let listed = signer_of(&t, &admin, who).await;
        assert_eq!(listed["role"], "signer");
        assert!(listed["revoked_at"].is_null());
        let cert = stored_der(&t, listed["id"].as_i64().unwrap()).await;
        assert_eq!(cert.serial().to_string(), listed["serial"]);
        trusted
            .verify(&cert, SystemTime::now(), &[])
            .unwrap_or_else(|e| panic!("{who}: {e}"));
    }

    // OpenSSL 3 reads and verifies the chain (with the SM2 distinguishing ID).
    if std::process::Command::new("openssl")
        .arg("version")
        .output()
        .is_ok()
    {
        let dir = std::env::temp_dir().join(format!("jianfu-pki-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let worker = signer_of(&t, &admin, "worker").await;
        let cert = stored_der(&t, worker["id"].as_i64().unwrap()).await;
        std::fs::write(dir.join("root.pem"), root.to_pem()).unwrap();
        std::fs::write(dir.join("signer.pem"), cert.to_pem()).unwrap();
        let out = std::process::Command::new("openssl")
            .args([
                "verify",
                "-x509_strict",
                "-vfyopt",
                "distid:1234567812345678",
            ])
            .arg("-CAfile")
            .arg(dir.join("root.pem"))
            .arg(dir.join("signer.pem"))
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        let _ = std::fs::remove_dir_all(&dir);
    } else if std::env::var_os("CI").is_some() {
        panic!("openssl is missing");
    } else {
        eprintln!("openssl is missing: the chain check by OpenSSL is skipped");
    }
}

/// An application for the demo resident, made through the API.
async fn apply(resident: &Browser) -> i64 {
    let (s, a) = resident
        .post_api(
            "/api/v1/certificates",
            &json!({
                "type_code": "residence",
                "applicant_name": "示例居民张三",
                "id_number": DEMO_ID_NUMBER,
                "purpose": "子女入学",
                "details": "自2019年3月起居住于和平街1号。",
            }),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{a}");
    a["id"].as_i64().unwrap()
}

async fn pki_state(t: &TestApp) -> [i64; 4] {
    [
        scalar(t, "SELECT COUNT(*) FROM pki_certificate").await,
        scalar(
            t,
            "SELECT COUNT(*) FROM pki_certificate WHERE revoked_at IS NOT NULL",
        )
        .await,
        scalar(t, "SELECT COUNT(*) FROM certificate").await,
        scalar(
            t,
            "SELECT COUNT(*) FROM audit_entry WHERE action = 'pki.revoke'",
        )
        .await,
    ]
}

#[tokio::test]
async fn a_revoked_signer_cannot_seal_until_the_seal_is_made_again() {
    let t = spawn_app().await;
    let admin = t.login("sysadmin").await;
    let worker = t.login("worker").await;
    let resident = t.login("resident").await;
    let cert = signer_of(&t, &admin, "worker").await;
    let id = cert["id"].as_i64().unwrap();
    let revoke = |id: i64, reason: &'static str| {
        let admin = &admin;
        async move {
            admin
                .post_api(
                    &format!("/api/v1/pki/signers/{id}/revoke"),
                    &json!({ "reason": reason }),
                )
                .await
        }
    };

    // Bad input: a clear message, a stable code, nothing changed.
    let before = pki_state(&t).await;
    let (s, e) = revoke(id, "   ").await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
    assert_eq!(e["code"], "required");
    assert_eq!(e["field"], "reason");
    assert!(e["detail"].as_str().unwrap().contains("撤销理由"), "{e}");
    let (s, e) = revoke(999_999, "离职").await;
    assert_eq!(s, StatusCode::NOT_FOUND, "{e}");
    // The root is no signer certificate.
    let root_id = scalar(&t, "SELECT id FROM pki_certificate WHERE role = 'root'").await;
    let (s, _) = revoke(root_id, "离职").await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let (s, e) = worker
        .post_api(
            &format!("/api/v1/pki/signers/{id}/revoke"),
            &json!({ "reason": "离职" }),
        )
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN, "{e}");
    assert_eq!(pki_state(&t).await, before);

    // Revoked: recorded and audited once; a second revocation is a conflict.
    let (s, v) = revoke(id, "调离本社区").await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert!(v["revoked_at"].is_string(), "{v}");
    assert_eq!(v["revoke_reason"], "调离本社区");
    let after = pki_state(&t).await;
    assert_eq!(after[1], before[1] + 1);
    assert_eq!(after[3], before[3] + 1);
    let (s, e) = revoke(id, "调离本社区").await;
    assert_eq!(s, StatusCode::CONFLICT, "{e}");
    assert_eq!(e["code"], "already_revoked");
    assert_eq!(pki_state(&t).await, after);
    let revocations = t.app.pki_revocations().await.unwrap();
    assert!(
        revocations
            .iter()
            .any(|r| r.serial.to_string() == cert["serial"].as_str().unwrap())
    );

    // The revoked signer may not seal: nothing is issued.
    let application = apply(&resident).await;
    let r = worker
        .json(
            reqwest::Method::POST,
            &format!("/api/v1/certificates/{application}/issue"),
        )
        .json(&json!({}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::CONFLICT);
    let e: Value = r.json().await.unwrap();
    assert_eq!(e["code"], "signer_certificate_revoked");
    assert!(e["detail"].as_str().unwrap().contains("已撤销"), "{e}");
    assert_eq!(pki_state(&t).await[2], after[2]);

    // The seal made again lists a fresh certificate; the signer seals again.
    let heping = t.node_id("示例和平社区").await;
    let r = admin.post_form(&format!("/seals/{heping}/make"), &[]).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let fresh = signer_of(&t, &admin, "worker").await;
    assert_ne!(fresh["id"], cert["id"]);
    assert!(fresh["revoked_at"].is_null());
    let (s, v) = worker
        .post_api(
            &format!("/api/v1/certificates/{application}/issue"),
            &json!({}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["status"], "issued");
}

#[tokio::test]
async fn a_new_certificate_downloads_as_signed_ofd_and_pdf_and_the_old_format_keeps_working() {
    let t = spawn_app().await;
    let root = TrustedRoot::new(downloaded_root(&t).await).unwrap();
    let authority = t.app.seal_authority_key().await.unwrap().unwrap();
    let resident = t.login("resident").await;
    let worker = t.login("worker").await;
    let admin = t.login("sysadmin").await;
    let signer = signer_of(&t, &admin, "worker").await;

    // Issued under a seal made in GB/T 38540 form.
    let application = apply(&resident).await;
    let (s, v) = worker
        .post_api(
            &format!("/api/v1/certificates/{application}/issue"),
            &json!({}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let cid = v["certificate_id"].as_i64().unwrap();
    let serial = v["serial"].as_str().unwrap().to_owned();
    for who in [&resident, &worker] {
        let r = who.get(&format!("/issued/{cid}/ofd")).await;
        assert_eq!(r.status(), StatusCode::OK);
        assert_eq!(r.headers()["content-type"], "application/ofd");
        let ofd = r.bytes().await.unwrap().to_vec();
        let report = jianfu_seal::ofd::verify_ofd(&ofd, &root, &[]).expect("the OFD verifies");
        assert_eq!(report.signatures.len(), 1);
        assert_eq!(report.signatures[0].signer_serial, signer["serial"]);
        assert!(
            report.text.iter().any(|l| l.contains(&serial)),
            "{:?}",
            report.text
        );
        // One byte of the package changed: refused.
        let mut changed = ofd.clone();
        let at = changed.len() / 2;
        changed[at] ^= 1;
        assert!(jianfu_seal::ofd::verify_ofd(&changed, &root, &[]).is_err());
    }
    let pdf = worker
        .get(&format!("/issued/{cid}/pdf"))
        .await
        .bytes()
        .await
        .unwrap();
    let report = jianfu_seal::pdf_sign::verify_pdf_signature(&pdf, &root, &[])
        .expect("the PDF's signature field verifies");
    assert_eq!(report.signer_serial, signer["serial"]);
    // The field covers the whole file: no `%JIANFU-SM2` line beside it; the embedded data
    // verifies against the authority.
    assert_eq!(jianfu_seal::pdf_sign::original_revision(&pdf), None);
    let doc = jianfu_seal::verify_embedded(&pdf, &authority).expect("the embedded data verifies");
    assert_eq!(doc.content.serial, v["serial"].as_str().unwrap());
    // The verify page and the API say the format; the detail page offers the OFD.
    let code = v["verify_url"]
        .as_str()
        .unwrap()
        .rsplit("code=")
        .next()
        .unwrap()
        .to_owned();
    let (_, page) = client_text(&t, &format!("/verify?serial={serial}&code={code}")).await;
    assert!(page.contains("GB/T 38540 签章"), "{page}");
    let (_, api) = resident
        .get_api(&format!("/api/v1/verify?serial={serial}&code={code}"))
        .await;
    assert_eq!(api["state"], "authentic", "{api}");
    assert!(
        api["format_zh"].as_str().unwrap().contains("GB/T 38540"),
        "{api}"
    );
    let (_, detail) = worker
        .get_text(&format!("/certificates/{application}"))
        .await;
    assert!(detail.contains(&format!("/issued/{cid}/ofd")), "{detail}");

    // Someone else's certificate: no OFD for another community's worker; nothing recorded
    // as a download.
    let downloads = t.audit_count("certificate.download").await;
    t.app
        .add_account_as_operator(
            "guangming_worker",
            "示例新增账号",
            "210302091002",
            &[jianfu_domain::Role::CommunityWorker],
            "Shou#ce2026x",
            false,
        )
        .await
        .unwrap();
    let stranger = t
        .login_with("guangming_worker", "Shou#ce2026x")
        .await
        .unwrap_or_else(|_| panic!("logs in"));
    let r = stranger.get(&format!("/issued/{cid}/ofd")).await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let r = worker.get("/issued/999999/ofd").await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    assert_eq!(t.audit_count("certificate.download").await, downloads);

    // A seal made before the PKI (no SESeal): the old format, which keeps verifying.
    let heping = t.node_id("示例和平社区").await;
    t.sql(&format!(
        "UPDATE seal SET es_seal = NULL WHERE community_node_id = {heping} AND status = 'active'"
    ))
    .await;
    let application = apply(&resident).await;
    let (s, v) = worker
        .post_api(
            &format!("/api/v1/certificates/{application}/issue"),
            &json!({}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let old_cid = v["certificate_id"].as_i64().unwrap();
    let old_serial = v["serial"].as_str().unwrap().to_owned();
    let r = worker.get(&format!("/issued/{old_cid}/ofd")).await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    let pdf = worker
        .get(&format!("/issued/{old_cid}/pdf"))
        .await
        .bytes()
        .await
        .unwrap();
    assert!(!jianfu_seal::pdf_sign::has_signature_field(&pdf));
    jianfu_seal::verify_file(&pdf, &authority).expect("an old-format PDF verifies");
    let code = v["verify_url"]
        .as_str()
        .unwrap()
        .rsplit("code=")
        .next()
        .unwrap()
        .to_owned();
    let (_, page) = client_text(&t, &format!("/verify?serial={old_serial}&code={code}")).await;
    assert!(page.contains("真实有效"), "{page}");
    assert!(page.contains("旧格式"), "{page}");
}

async fn client_text(t: &TestApp, path: &str) -> (StatusCode, String) {
    let r = client().get(t.url(path)).send().await.unwrap();
    let s = r.status();
    (s, r.text().await.unwrap())
}

/// The resident applies and the worker issues: the verification API and page paths of the
/// new certificate (serial and check code from its verify URL).
async fn issued_verify_paths(resident: &Browser, worker: &Browser) -> (String, String) {
    let application = apply(resident).await;
    let (s, v) = worker
        .post_api(
            &format!("/api/v1/certificates/{application}/issue"),
            &json!({}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let serial = v["serial"].as_str().unwrap();
    let code = v["verify_url"]
        .as_str()
        .unwrap()
        .rsplit("code=")
        .next()
        .unwrap();
    (
        format!("/api/v1/verify?serial={serial}&code={code}"),
        format!("/verify?serial={serial}&code={code}"),
    )
}

/// The public verification API's answer at `api`, anonymously.
async fn verify_json(t: &TestApp, api: &str) -> Value {
    client()
        .get(t.url(api))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap()
}

/// The state the certificates page's revoke form may change.
async fn revoke_state(t: &TestApp) -> [i64; 3] {
    [
        scalar(
            t,
            "SELECT COUNT(*) FROM pki_certificate WHERE revoked_at IS NOT NULL",
        )
        .await,
        scalar(
            t,
            "SELECT COUNT(*) FROM audit_entry WHERE action = 'pki.revoke'",
        )
        .await,
        scalar(t, "SELECT COUNT(*) FROM pki_certificate").await,
    ]
}

#[tokio::test]
async fn the_certificates_page_lists_the_pki_and_revokes_a_signer_with_a_reason() {
    let t = spawn_app().await;
    let admin = t.login("sysadmin").await;
    let worker_cert = signer_of(&t, &admin, "worker").await;
    let id = worker_cert["id"].as_i64().unwrap();
    let serial = worker_cert["serial"].as_str().unwrap().to_owned();

    // The page: the root and the seal maker first, then the signers, with their state.
    let (s, html) = admin.get_text("/pki/certificates").await;
    assert_eq!(s, StatusCode::OK);
    assert!(
        html.contains("根证书") && html.contains("制章者证书"),
        "{html}"
    );
    assert!(html.contains(&serial), "the worker's certificate is listed");
    assert!(
        html.contains("/pki/certificates/export.xlsx"),
        "export link"
    );
    assert!(
        html.contains("name=\"csrf_token\""),
        "the revoke form has CSRF"
    );
    assert!(
        !html.contains("已撤销</span>"),
        "nothing is revoked in the demo"
    );
    // The API's page says the same, and pages.
    let (s, v) = admin.get_api("/api/v1/pki/certificates?per_page=200").await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let items = v["items"].as_array().unwrap();
    assert_eq!(items[0]["role"], "root");
    assert_eq!(items[0]["role_zh"], "根证书");
    assert_eq!(items[1]["role"], "seal_maker");
    assert!(items.iter().all(|c| c["state"] == "valid"), "{v}");
    let total = v["total"].as_u64().unwrap();
    assert_eq!(
        total,
        u64::try_from(scalar(&t, "SELECT COUNT(*) FROM pki_certificate").await).unwrap(),
        "the city's administrator sees every certificate"
    );
    // Its signers are exactly those of the signers' register.
    let listed: std::collections::BTreeSet<i64> = items
        .iter()
        .filter(|c| c["role"] == "signer")
        .map(|c| c["id"].as_i64().unwrap())
        .collect();
    let register: std::collections::BTreeSet<i64> = signers(&admin)
        .await
        .iter()
        .map(|c| c["id"].as_i64().unwrap())
        .collect();
    assert_eq!(listed, register);
    let (s, p) = admin
        .get_api("/api/v1/pki/certificates?page=2&per_page=1")
        .await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(p["items"][0]["role"], "seal_maker");
    let (s, e) = admin.get_api("/api/v1/pki/certificates?per_page=0").await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
    assert_eq!(e["code"], "per_page_invalid");
    // Others may not see it.
    let worker = t.login("worker").await;
    assert_eq!(
        worker.get("/pki/certificates").await.status(),
        StatusCode::FORBIDDEN
    );
    let (s, _) = worker.get_api("/api/v1/pki/certificates").await;
    assert_eq!(s, StatusCode::FORBIDDEN);

    // Bad input on the page: a clear message beside the field, nothing changed.
    let before = revoke_state(&t).await;
    let id_text = id.to_string();
    let r = admin
        .post_form(
            "/pki/certificates/revoke",
            &[("certificate_id", &id_text), ("reason", "  ")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = r.text().await.unwrap();
    assert!(html.contains("撤销理由"), "{html}");
    assert!(
        html.contains("error-summary") || html.contains("has-error"),
        "{html}"
    );
    let r = admin
        .post_form(
            "/pki/certificates/revoke",
            &[("certificate_id", ""), ("reason", "离职")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = r.text().await.unwrap();
    assert!(html.contains("请选择要撤销的签章人证书"), "{html}");
    assert!(
        html.contains("value=\"离职\""),
        "what was typed stays: {html}"
    );
    let r = admin
        .post_form(
            "/pki/certificates/revoke",
            &[("certificate_id", "999999"), ("reason", "离职")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    let r = worker
        .post_form(
            "/pki/certificates/revoke",
            &[("certificate_id", &id_text), ("reason", "离职")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    // Without the CSRF token the form is refused.
    let r = admin
        .client
        .post(admin.url("/pki/certificates/revoke"))
        .form(&[("certificate_id", id_text.as_str()), ("reason", "离职")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    assert_eq!(revoke_state(&t).await, before);

    // Revoked through the page: recorded, audited, shown with its date and reason.
    let r = admin
        .post_form(
            "/pki/certificates/revoke",
            &[("certificate_id", &id_text), ("reason", "调离本社区")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        r.headers()["location"],
        "/pki/certificates?done=signer_certificate_revoked"
    );
    let after = revoke_state(&t).await;
    assert_eq!(after, [before[0] + 1, before[1] + 1, before[2]]);
    let (_, html) = admin
        .get_text("/pki/certificates?done=signer_certificate_revoked")
        .await;
    assert!(html.contains("已撤销该签章人证书"), "flash");
    assert!(
        html.contains("已撤销</span>") && html.contains("调离本社区"),
        "{html}"
    );
    let (_, v) = admin.get_api("/api/v1/pki/certificates?per_page=200").await;
    let row = v["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == id)
        .unwrap()
        .clone();
    assert_eq!(row["state"], "revoked");
    assert_eq!(row["state_zh"], "已撤销");
    assert_eq!(row["revoke_reason"], "调离本社区");
    // Revoking it again from the page: a conflict shown on the page, nothing changed.
    let r = admin
        .post_form(
            "/pki/certificates/revoke",
            &[("certificate_id", &id_text), ("reason", "调离本社区")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::CONFLICT);
    assert!(r.text().await.unwrap().contains("该签章人证书已撤销"));
    assert_eq!(revoke_state(&t).await, after);
}

#[tokio::test]
async fn online_verification_rechecks_the_signed_files_and_flags_a_signer_revoked_after_signing() {
    let t = spawn_app().await;
    let resident = t.login("resident").await;
    let worker = t.login("worker").await;
    let admin = t.login("sysadmin").await;
    let signer = signer_of(&t, &admin, "worker").await;
    let (api, page) = issued_verify_paths(&resident, &worker).await;
    let before = verify_json(&t, &api).await;
    assert_eq!(before["state"], "authentic", "{before}");
    assert!(before["signer_revoked"].is_null(), "{before}");
    let (_, html) = client_text(&t, &page).await;
    assert!(!html.contains("verify-signer-revoked"), "{html}");

    // The signer leaves the seal after signing: the signature made before stays valid, and
    // both the API and the page say the certificate was revoked, and when.
    let (s, r) = admin
        .post_api(
            &format!("/api/v1/pki/signers/{}/revoke", signer["id"]),
            &json!({ "reason": "调离本社区" }),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{r}");
    let after = verify_json(&t, &api).await;
    assert_eq!(after["state"], "authentic", "{after}");
    let note = after["signer_revoked"].as_str().expect("flagged");
    assert!(note.contains(signer["serial"].as_str().unwrap()), "{note}");
    assert!(note.contains("仍然有效"), "{note}");
    assert!(
        note.contains(r["revoked_at"].as_str().unwrap()),
        "the revocation time: {note}"
    );
    let (s, html) = client_text(&t, &page).await;
    assert_eq!(s, StatusCode::OK);
    assert!(html.contains("id=\"verify-signer-revoked\""), "{html}");
    assert!(html.contains("仍然有效"), "{html}");
}

/// The stored PDF or OFD of certificate `cid` (in clear), as the store holds it decrypted.
async fn stored_file(t: &TestApp, cid: i64, ofd: bool) -> (Vec<u8>, bool) {
    use jianfu_store::entity::certificate;
    use jianfu_store::orm::EntityTrait;
    use jianfu_store::personal::{CERTIFICATE_OFD, CERTIFICATE_PDF, DataKeys, certificate_row};
    let row = certificate::Entity::find_by_id(cid)
        .one(t.app.store.db())
        .await
        .unwrap()
        .unwrap();
    let (field, stored) = if ofd {
        (CERTIFICATE_OFD, row.ofd.unwrap())
    } else {
        (CERTIFICATE_PDF, row.pdf)
    };
    if DataKeys::key_id_of_bytes(&stored).is_none() {
        return (stored, false);
    }
    let app_row = certificate_row(row.application_id, &row.serial);
    let plain = t
        .app
        .store
        .data_keys()
        .decrypt_bytes(field, &app_row, &stored)
        .unwrap();
    (plain, true)
}

/// Stores `plain` as the PDF or OFD of certificate `cid`, encrypted when `encrypted`.
async fn store_file(t: &TestApp, cid: i64, ofd: bool, plain: &[u8], encrypted: bool) {
    use jianfu_store::entity::certificate;
    use jianfu_store::orm::{ColumnTrait, EntityTrait, QueryFilter, prelude::Expr};
    use jianfu_store::personal::{CERTIFICATE_OFD, CERTIFICATE_PDF, certificate_row};
    let db = t.app.store.db();
    let row = certificate::Entity::find_by_id(cid)
        .one(db)
        .await
        .unwrap()
        .unwrap();
    let (field, column) = if ofd {
        (CERTIFICATE_OFD, certificate::Column::Ofd)
    } else {
        (CERTIFICATE_PDF, certificate::Column::Pdf)
    };
    let bytes = if encrypted {
        let app_row = certificate_row(row.application_id, &row.serial);
        t.app
            .store
            .data_keys()
            .encrypt_bytes(field, &app_row, plain)
    } else {
        plain.to_vec()
    };
    certificate::Entity::update_many()
        .col_expr(column, Expr::value(bytes))
        .filter(certificate::Column::Id.eq(cid))
        .exec(db)
        .await
        .unwrap();
}

#[tokio::test]
async fn an_edit_of_the_stored_pdf_or_ofd_after_a_verification_fails_the_next_one_at_once() {
    let t = spawn_app().await;
    let resident = t.login("resident").await;
    let worker = t.login("worker").await;
    let application = apply(&resident).await;
    let (s, v) = worker
        .post_api(
            &format!("/api/v1/certificates/{application}/issue"),
            &json!({}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let serial = v["serial"].as_str().unwrap().to_owned();
    let cid = v["certificate_id"]
        .as_i64()
        .unwrap_or_else(|| panic!("certificate_id in {v}"));
    let code = v["verify_url"]
        .as_str()
        .unwrap()
        .rsplit("code=")
        .next()
        .unwrap()
        .to_owned();
    let api = format!("/api/v1/verify?serial={serial}&code={code}");
    let state = || async {
        let v: Value = client()
            .get(t.url(&api))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        v["state"].as_str().unwrap().to_owned()
    };
    // Verified once: the result is remembered.
    assert_eq!(state().await, "authentic");
    assert_eq!(state().await, "authentic");

    for ofd in [true, false] {
        let (good, encrypted) = stored_file(&t, cid, ofd).await;
        // One byte of the signed content changed (in the OFD's zip, past its first local
        // header; in the PDF, inside the signed byte range just past the header line).
        let mut edited = good.clone();
        let at = if ofd { good.len() / 2 } else { 12 };
        edited[at] ^= 0x01;
        store_file(&t, cid, ofd, &edited, encrypted).await;
        assert_eq!(
            state().await,
            "invalid",
            "the edited stored {} fails at once, without a restart",
            if ofd { "OFD" } else { "PDF" }
        );
        // Put back, it verifies again.
        store_file(&t, cid, ofd, &good, encrypted).await;
        assert_eq!(state().await, "authentic");
    }
}

/// Rows that an online file check must leave as they are.
async fn file_check_state(t: &TestApp) -> [i64; 3] {
    [
        scalar(t, "SELECT COUNT(*) FROM audit_entry").await,
        scalar(t, "SELECT COUNT(*) FROM certificate").await,
        scalar(t, "SELECT COUNT(*) FROM pki_certificate").await,
    ]
}

async fn check_file_api(t: &TestApp, bytes: &[u8]) -> (StatusCode, Value) {
    let r = client()
        .post(t.url("/api/v1/verify/file"))
        .header("content-type", "application/octet-stream")
        .body(bytes.to_vec())
        .send()
        .await
        .unwrap();
    let s = r.status();
    (s, r.json().await.unwrap_or(Value::Null))
}

#[tokio::test]
async fn an_uploaded_pdf_or_ofd_is_checked_online_and_a_tampered_one_shows_its_reason() {
    let t = spawn_app().await;
    let resident = t.login("resident").await;
    let worker = t.login("worker").await;
    let application = apply(&resident).await;
    let (s, v) = worker
        .post_api(
            &format!("/api/v1/certificates/{application}/issue"),
            &json!({}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let cid = v["certificate_id"].as_i64().unwrap();
    let serial = v["serial"].as_str().unwrap().to_owned();
    let ofd = worker
        .get(&format!("/issued/{cid}/ofd"))
        .await
        .bytes()
        .await
        .unwrap()
        .to_vec();
    let pdf = worker
        .get(&format!("/issued/{cid}/pdf"))
        .await
        .bytes()
        .await
        .unwrap()
        .to_vec();
    let before = file_check_state(&t).await;

    // The API: both files hold, with the format, the signer and the serial.
    for (bytes, kind) in [(&ofd, "ofd"), (&pdf, "pdf")] {
        let (s, v) = check_file_api(&t, bytes).await;
        assert_eq!(s, StatusCode::OK, "{v}");
        assert_eq!(v["valid"], true, "{v}");
        assert_eq!(v["kind"], kind);
        assert_eq!(v["format"], "ses-v4");
        assert_eq!(v["serial"], serial.as_str(), "{v}");
        assert!(!v["checks"].as_array().unwrap().is_empty(), "{v}");
        assert!(v["reason"].is_null() && v["code"].is_null(), "{v}");
    }
    // A changed file: refused with its own reason and code.
    let mut files: std::collections::BTreeMap<String, Vec<u8>> = std::collections::BTreeMap::new();
    {
        use std::io::Read;
        let mut z = zip::ZipArchive::new(std::io::Cursor::new(&ofd)).unwrap();
        for i in 0..z.len() {
            let mut f = z.by_index(i).unwrap();
            let mut data = Vec::new();
            f.read_to_end(&mut data).unwrap();
            files.insert(f.name().unwrap().to_string(), data);
        }
    }
    let content = "Doc_0/Pages/Page_0/Content.xml";
    let text = String::from_utf8(files[content].clone()).unwrap();
    let edited = text.replacen("居住", "户籍", 1);
    assert_ne!(text, edited, "the page names the certificate type");
    files.insert(content.to_owned(), edited.into_bytes());
    let tampered_ofd = {
        use std::io::Write;
        let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
        for (name, data) in &files {
            w.start_file(name.as_str(), zip::write::SimpleFileOptions::default())
                .unwrap();
            w.write_all(data).unwrap();
        }
        w.finish().unwrap().into_inner()
    };
    let (s, v) = check_file_api(&t, &tampered_ofd).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["valid"], false, "{v}");
    assert_eq!(v["code"], "reference_mismatch", "{v}");
    assert!(
        v["reason"].as_str().unwrap().contains(content),
        "the reason names the file: {v}"
    );
    let mut tampered_pdf = pdf.clone();
    tampered_pdf[12] ^= 0x01;
    let (s, v) = check_file_api(&t, &tampered_pdf).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["valid"], false, "{v}");
    assert!(v["code"].as_str().is_some_and(|c| !c.is_empty()), "{v}");
    // Not a certificate file at all, or nothing: 422 with a clear message.
    for body in [&b"hello"[..], &b""[..]] {
        let (s, v) = check_file_api(&t, body).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
        assert_eq!(v["code"], "file_unsupported", "{v}");
        assert!(v["detail"].as_str().unwrap().contains("PDF 或 OFD"), "{v}");
    }

    // The page, logged out: the form's token, the file, the verdict with its reason.
    let anon = crate::helpers::Browser {
        client: client(),
        base: t.base.clone(),
        csrf: String::new(),
    };
    let page = anon.get("/verify").await.text().await.unwrap();
    assert!(page.contains("id=\"verify-file-form\""), "{page}");
    let token = page
        .split("action=\"/verify/file?csrf_token=")
        .nth(1)
        .and_then(|r| r.split('"').next())
        .expect("the file form carries its token")
        .to_owned();
    let anon = crate::helpers::Browser {
        csrf: token,
        ..anon
    };
    let r = anon
        .post_multipart("/verify/file", &[], &[("file", "证明.ofd", &ofd)])
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let html = r.text().await.unwrap();
    assert!(html.contains("data-valid=\"true\""), "{html}");
    assert!(html.contains("签章有效"), "{html}");
    assert!(html.contains(&serial), "{html}");
    // The answer's form carries the token for the next file.
    let anon = crate::helpers::Browser {
        csrf: file_form_token(&html),
        ..anon
    };
    let r = anon
        .post_multipart("/verify/file", &[], &[("file", "证明.ofd", &tampered_ofd)])
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let html = r.text().await.unwrap();
    assert!(html.contains("data-valid=\"false\""), "{html}");
    assert!(html.contains("data-code=\"reference_mismatch\""), "{html}");
    assert!(html.contains("核验未通过"), "{html}");
    assert!(html.contains(content), "the reason names the file: {html}");
    // No file; not a certificate file: the form says why.
    let anon = crate::helpers::Browser {
        csrf: file_form_token(&html),
        ..anon
    };
    let r = anon.post_multipart("/verify/file", &[], &[]).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = r.text().await.unwrap();
    assert!(html.contains("请选择要核验的证明文件"));
    let anon = crate::helpers::Browser {
        csrf: file_form_token(&html),
        ..anon
    };
    let r = anon
        .post_multipart("/verify/file", &[], &[("file", "a.txt", b"hello")])
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().await.unwrap().contains("PDF 或 OFD"));
    // Without the form's token (another site's form): refused, nothing checked.
    let stranger = crate::helpers::Browser {
        client: client(),
        base: t.base.clone(),
        csrf: "forged".into(),
    };
    let r = stranger
        .post_multipart("/verify/file", &[], &[("file", "证明.ofd", &ofd)])
        .await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    let html = r.text().await.unwrap();
    assert!(html.contains("安全校验失败"), "{html}");
    assert!(!html.contains("verify-file-result"), "{html}");
    // Logged in, the session's token works the same.
    let r = resident
        .post_multipart("/verify/file", &[], &[("file", "证明.pdf", &pdf)])
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    assert!(r.text().await.unwrap().contains("data-valid=\"true\""));

    assert_eq!(
        file_check_state(&t).await,
        before,
        "a check changes nothing"
    );
}

/// The token of `/verify`'s file form in a page (each answer carries a fresh one).
fn file_form_token(html: &str) -> String {
    html.split("action=\"/verify/file?csrf_token=")
        .nth(1)
        .and_then(|r| r.split('"').next())
        .expect("the page's file form carries its token")
        .to_owned()
}

/// A verification reads the revocations again once their number changes, also when another
/// server recorded the revocation (here written to the database behind this server's back):
/// the remembered list is never served after a revocation.
#[tokio::test]
async fn a_revocation_recorded_by_another_server_is_seen_at_the_next_verification() {
    let t = spawn_app().await;
    let resident = t.login("resident").await;
    let worker = t.login("worker").await;
    let admin = t.login("sysadmin").await;
    let signer = signer_of(&t, &admin, "worker").await;
    let (api, _) = issued_verify_paths(&resident, &worker).await;
    // Another signer is revoked through this server: the list this server remembers holds one
    // revocation, not the worker's.
    let other = signers(&admin)
        .await
        .into_iter()
        .find(|c| c["id"] != signer["id"] && c["role"] == "signer" && c["revoked_at"].is_null())
        .expect("the demo has a second signer");
    let (s, r) = admin
        .post_api(
            &format!("/api/v1/pki/signers/{}/revoke", other["id"]),
            &json!({ "reason": "调离本社区" }),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{r}");
    let first = verify_json(&t, &api).await;
    assert_eq!(first["state"], "authentic", "{first}");
    assert!(first["signer_revoked"].is_null(), "{first}");
    // Another server revokes the worker's certificate: this server has not seen it happen.
    let at = t.app.clock.now_ms();
    let by = t.account_id("sysadmin").await;
    assert!(
        jianfu_store::repo::pki::revoke(
            t.app.store.db(),
            signer["id"].as_i64().unwrap(),
            by,
            at,
            "调离本社区"
        )
        .await
        .unwrap()
    );
    let second = verify_json(&t, &api).await;
    assert_eq!(second["state"], "authentic", "signed before: {second}");
    let note = second["signer_revoked"].as_str().expect("flagged");
    assert!(note.contains(signer["serial"].as_str().unwrap()), "{note}");
}
