//! Bulletins (通报批评, 5.3-3; issue 14, slice 4): a district supervisor drafts a bulletin of
//! the closed cases of a period, the district's approver (never the drafter) signs it off, and
//! only then is it published — a sealed PDF that verifies and a public page without the
//! reporters. Bad input changes nothing.

use reqwest::StatusCode;
use serde_json::json;

use crate::auth::scalar;
use crate::helpers::{Browser, TestApp, client, spawn_app};
use crate::supervision::{evidence, notice_body, verified_case};

/// A case reported by the demo worker, verified, noticed to 铁东区卫生健康局, answered,
/// accepted and closed by 铁东区's supervisor (through the API).
pub(crate) async fn closed_case(t: &TestApp, sup: &Browser) -> i64 {
    let id = verified_case(t, sup).await;
    let unit = t.node_id("铁东区卫生健康局").await;
    let api = format!("/api/v1/cases/{id}");
    let (s, v) = sup
        .post_api(&format!("{api}/notice"), &notice_body(unit, 5))
        .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let dept = t.login("district_dept").await;
    let answer = json!({"answer": "已停止下派", "evidence": [evidence("停止通知.png", crate::certificates::PNG)]});
    let (s, v) = dept.post_api(&format!("{api}/answer"), &answer).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let (s, v) = sup
        .post_api(&format!("{api}/accept"), &json!({"reason": "整改到位"}))
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let (s, v) = sup.post_api(&format!("{api}/close"), &json!({})).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    id
}

fn period(t: &TestApp) -> (String, String) {
    let today = t.today();
    (
        (today - chrono::Days::new(30)).to_string(),
        today.to_string(),
    )
}

async fn rows(t: &TestApp, table: &str) -> i64 {
    scalar(t, &format!("SELECT COUNT(*) FROM {table}")).await
}

async fn authority_key(t: &TestApp) -> jianfu_seal::PublicKey {
    let a: serde_json::Value = client()
        .get(t.url("/api/v1/seal-authority"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    jianfu_seal::PublicKey::from_hex(a["public_key"].as_str().unwrap()).unwrap()
}

#[tokio::test]
async fn a_bulletin_is_drafted_signed_off_and_published_through_the_pages() {
    let t = spawn_app().await;
    let sup = t.login("district_supervisor").await;
    let id = closed_case(&t, &sup).await;
    let (from, to) = period(&t);

    // The supervisor's page offers the closed case; a draft is made from the form.
    let (s, html) = sup.get_text("/bulletin-drafts").await;
    assert_eq!(s, StatusCode::OK);
    assert!(
        html.contains(&format!("name=\"case_ids\" value=\"{id}\"")),
        "{html}"
    );
    let r = sup
        .post_form(
            "/bulletin-drafts",
            &[
                ("title", "关于违规向社区下派事项问题的通报"),
                ("period_from", &from),
                ("period_to", &to),
                ("case_ids", &id.to_string()),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let page = r.headers()["location"].to_str().unwrap().to_owned();
    let bid: i64 = page.rsplit('/').next().unwrap().parse().unwrap();
    assert_eq!(t.audit_count("bulletin.draft").await, 1);
    let (_, html) = sup.get_text(&page).await;
    assert!(
        html.contains(">待签发<") && html.contains("铁东区卫生健康局"),
        "{html}"
    );
    assert!(html.contains("href=\"/policy#5.3-3\""), "{html}");
    assert!(
        !html.contains("action=\"/bulletin-drafts/"),
        "the drafter neither signs nor publishes yet: {html}"
    );

    // Not public yet: the public page, list and API do not show it.
    let c = client();
    let r = c
        .get(t.url(&format!("/bulletins/{bid}")))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    let html = c
        .get(t.url("/bulletins"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(!html.contains("关于违规向社区下派事项问题的通报"), "{html}");
    let r = c
        .get(t.url(&format!("/api/v1/bulletins/{bid}")))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    // Nor to another level's staff or to the department.
    let city = t.login("city_approver").await;
    assert_eq!(city.get(&page).await.status(), StatusCode::FORBIDDEN);
    let dept = t.login("district_dept").await;
    assert_eq!(dept.get(&page).await.status(), StatusCode::FORBIDDEN);

    // Publishing before sign-off: 409, nothing changes.
    let r = sup.post_form(&format!("{page}/publish"), &[]).await;
    assert_eq!(r.status(), StatusCode::CONFLICT);
    assert!(r.text().await.unwrap().contains("尚未签发"));

    // The district's approver signs it off from the page.
    let approver = t.login("district_approver").await;
    let (_, inbox) = approver.get_text("/inbox").await;
    assert!(inbox.contains(&format!("href=\"{page}\"")), "{inbox}");
    let (_, html) = approver.get_text(&page).await;
    assert!(
        html.contains(&format!("action=\"{page}/sign-off\"")),
        "{html}"
    );
    let r = approver
        .post_form(&format!("{page}/sign-off"), &[("opinion", "同意通报")])
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(t.audit_count("bulletin.sign_off").await, 1);
    let (_, html) = sup.get_text(&page).await;
    assert!(
        html.contains("示例铁东区政府审批人") && html.contains("同意通报"),
        "{html}"
    );
    assert!(
        html.contains(&format!("action=\"{page}/publish\"")),
        "{html}"
    );
    let (_, inbox) = sup.get_text("/inbox").await;
    assert!(
        inbox.contains(&format!("href=\"{page}\"")) && inbox.contains("待发布"),
        "{inbox}"
    );

    // Published: the public page, with the unit, violation, clauses and outcome, no reporter.
    let r = sup.post_form(&format!("{page}/publish"), &[]).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        r.headers()["location"],
        format!("/bulletins/{bid}").as_str()
    );
    assert_eq!(t.audit_count("bulletin.publish").await, 1);
    let html = c
        .get(t.url(&format!("/bulletins/{bid}")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        html.contains("关于违规向社区下派事项问题的通报")
            && html.contains("铁东区卫生健康局")
            && html.contains("href=\"/policy#5.3-3\"")
            && html.contains("href=\"/policy#4.2-5\"")
            && html.contains("办结")
            && html.contains("示例铁东区政府审批人")
            && html.contains("TB-"),
        "{html}"
    );
    for hidden in ["示例和平社区工作者", "示例铁东区民政局监督员", "/cases/"] {
        assert!(
            !html.contains(hidden),
            "{hidden} on the public page: {html}"
        );
    }
    let html = c
        .get(t.url("/bulletins"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        html.contains(&format!("href=\"/bulletins/{bid}\"")),
        "{html}"
    );

    // The PDF is sealed with the district supervisor's seal and verifies, online too.
    let r = c
        .get(t.url(&format!("/bulletins/{bid}/pdf")))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.headers()["content-type"], "application/pdf");
    let pdf = r.bytes().await.unwrap().to_vec();
    let doc = jianfu_seal::verify_file(&pdf, &authority_key(&t).await).expect("verifies");
    assert_eq!(doc.content.type_name, "通报");
    assert_eq!(doc.content.community_name, "铁东区民政局");
    assert_eq!(doc.content.applicant_name, "铁东区");
    assert_eq!(doc.seal.record.kind, "监督检查专用章");
    assert!(doc.content.serial.starts_with("TB-"));
    assert!(doc.content.body.contains("铁东区卫生健康局") && doc.content.body.contains("5.3-3"));
    assert!(doc.content.body.contains("签发人：示例铁东区政府审批人"));
    assert!(!doc.content.body.contains("示例和平社区工作者"));
    let query = doc
        .content
        .verify_url
        .split_once("/verify")
        .unwrap()
        .1
        .to_owned();
    let html = c
        .get(t.url(&format!("/verify{query}")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        html.contains("data-state=\"authentic\"") && html.contains("通报"),
        "{html}"
    );
    let wrong = format!("/verify?serial={}&code=ABCDEFGHJK", doc.content.serial);
    let html = c
        .get(t.url(&wrong))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains("data-state=\"unknown\""), "{html}");

    // Publishing again: 409.
    let r = sup.post_form(&format!("{page}/publish"), &[]).await;
    assert_eq!(r.status(), StatusCode::CONFLICT);
    assert_eq!(t.audit_count("bulletin.publish").await, 1);
}

#[tokio::test]
async fn the_api_drafts_signs_off_and_publishes_and_refuses_bad_input() {
    let t = spawn_app().await;
    let sup = t.login("district_supervisor").await;
    let closed = closed_case(&t, &sup).await;
    // A second case, only verified.
    let open = verified_case(&t, &sup).await;
    let (from, to) = period(&t);
    let body = |ids: serde_json::Value| json!({"title": "铁东区减负工作通报", "period_from": from, "period_to": to, "case_ids": ids});
    let before = (rows(&t, "bulletin").await, rows(&t, "bulletin_line").await);

    // Bad input, each with its code; nothing is written.
    let (s, p) = sup
        .post_api("/api/v1/bulletin-drafts", &body(json!([])))
        .await;
    assert_eq!(
        (s, p["code"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("bulletin_no_cases")),
        "{p}"
    );
    let (s, p) = sup
        .post_api("/api/v1/bulletin-drafts", &body(json!([closed, open])))
        .await;
    assert_eq!(
        (s, p["code"].as_str()),
        (StatusCode::CONFLICT, Some("case_not_closed")),
        "{p}"
    );
    let (s, p) = sup
        .post_api("/api/v1/bulletin-drafts", &body(json!([999_999])))
        .await;
    assert_eq!(
        (s, p["code"].as_str()),
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            Some("bulletin_case_unknown")
        ),
        "{p}"
    );
    let tomorrow = (t.today() + chrono::Days::new(1)).to_string();
    let (s, p) = sup
        .post_api(
            "/api/v1/bulletin-drafts",
            &json!({"title": "", "period_from": to, "period_to": tomorrow, "case_ids": []}),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{p}");
    let codes: Vec<&str> = std::iter::once(&p)
        .chain(p["errors"].as_array().into_iter().flatten())
        .filter_map(|e| e["code"].as_str())
        .collect();
    for code in ["required", "period_not_over", "bulletin_no_cases"] {
        assert!(codes.contains(&code), "{code} in {p}");
    }
    let (s, p) = sup
        .post_api(
            "/api/v1/bulletin-drafts",
            &json!({"title": "x标题", "period_from": to, "period_to": from, "case_ids": [closed]}),
        )
        .await;
    assert_eq!(
        (s, p["code"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("period_reversed")),
        "{p}"
    );
    // A period that ended before the case was closed.
    let old = (t.today() - chrono::Days::new(40)).to_string();
    let older = (t.today() - chrono::Days::new(35)).to_string();
    let (s, p) = sup
        .post_api(
            "/api/v1/bulletin-drafts",
            &json!({"title": "旧通报", "period_from": old, "period_to": older, "case_ids": [closed]}),
        )
        .await;
    assert_eq!(
        (s, p["code"].as_str()),
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            Some("case_outside_period")
        ),
        "{p}"
    );
    // The city's supervisor: the case lies in its jurisdiction, but not the district's draft.
    assert_eq!(
        (rows(&t, "bulletin").await, rows(&t, "bulletin_line").await),
        before
    );
    assert_eq!(t.audit_count("bulletin.draft").await, 0);

    // Drafted.
    let (s, b) = sup
        .post_api("/api/v1/bulletin-drafts", &body(json!([closed])))
        .await;
    assert_eq!(s, StatusCode::CREATED, "{b}");
    assert_eq!(b["status"], "draft");
    assert_eq!(b["scope_name"], "铁东区");
    assert_eq!(b["lines"][0]["unit_name"], "铁东区卫生健康局");
    assert_eq!(b["lines"][0]["case_id"], closed);
    assert!(
        b["lines"][0]["clauses"]
            .as_array()
            .unwrap()
            .contains(&json!("5.3-3")),
        "{b}"
    );
    assert_eq!(b["serial"], serde_json::Value::Null);
    let bid = b["id"].as_i64().unwrap();
    let api = format!("/api/v1/bulletin-drafts/{bid}");
    let (s, list) = sup.get_api("/api/v1/bulletin-drafts").await;
    assert_eq!(s, StatusCode::OK);
    assert!(
        list["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|x| x["id"] == bid)
    );
    // Not public.
    let (s, list) = sup.get_api("/api/v1/bulletins").await;
    assert_eq!(s, StatusCode::OK);
    assert!(
        !list["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|x| x["id"] == bid)
    );

    // Publishing before sign-off.
    let (s, p) = sup.post_api(&format!("{api}/publish"), &json!({})).await;
    assert_eq!(
        (s, p["code"].as_str()),
        (StatusCode::CONFLICT, Some("bulletin_not_signed_off")),
        "{p}"
    );
    // The city's approver is not this level's.
    let city = t.login("city_approver").await;
    let (s, _) = city.post_api(&format!("{api}/sign-off"), &json!({})).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, _) = city.get_api(&api).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, list) = city.get_api("/api/v1/bulletin-drafts").await;
    assert_eq!(s, StatusCode::OK);
    assert!(
        !list["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|x| x["id"] == bid)
    );

    // Sign-off by the drafter: an account holding both roles is still refused.
    use jianfu_domain::Role;
    let mz = t.node_id("铁东区民政局").await;
    let both = t
        .app
        .add_account_as_operator(
            "sup_and_head",
            "兼任审批人的监督员",
            &mz.to_string(),
            &[Role::Supervisor],
            "Shou#ce2026x",
            false,
        )
        .await
        .unwrap();
    grant(&t, both, Role::DistrictApprover, "铁东区").await;
    {
        let dual = t.login_with("sup_and_head", "Shou#ce2026x").await.unwrap();
        let (s, b2) = dual
            .post_api("/api/v1/bulletin-drafts", &body(json!([closed])))
            .await;
        assert_eq!(s, StatusCode::CREATED, "{b2}");
        let own = format!("/api/v1/bulletin-drafts/{}/sign-off", b2["id"]);
        let (s, p) = dual.post_api(&own, &json!({})).await;
        assert_eq!(
            (s, p["code"].as_str()),
            (StatusCode::FORBIDDEN, Some("bulletin_signoff_by_drafter")),
            "{p}"
        );
        assert_eq!(t.audit_count("bulletin.sign_off").await, 0);
        // The district's approver, another account, signs this one off.
        let approver = t.login("district_approver").await;
        let (s, p) = approver.post_api(&own, &json!({})).await;
        assert_eq!(s, StatusCode::OK, "{p}");
    }

    // Signed off by the district's approver; a second sign-off conflicts.
    let approver = t.login("district_approver").await;
    let (s, v) = approver
        .post_api(&format!("{api}/sign-off"), &json!({"opinion": "同意"}))
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["status"], "signed_off");
    assert_eq!(v["signed_off_by"], "示例铁东区政府审批人");
    let (s, p) = approver
        .post_api(&format!("{api}/sign-off"), &json!({}))
        .await;
    assert_eq!(
        (s, p["code"].as_str()),
        (StatusCode::CONFLICT, Some("bulletin_not_draft")),
        "{p}"
    );
    // The approver does not publish; the city's supervisor (another department) neither.
    let (s, _) = approver
        .post_api(&format!("{api}/publish"), &json!({}))
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let city_sup = t.login("supervisor").await;
    let (s, _) = city_sup
        .post_api(&format!("{api}/publish"), &json!({}))
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN);

    // Published, by a supervisor who joined 铁东区民政局 after its seal was made (for the
    // notice): the seal is remade, and its audit reason names the bulletin, not a notice.
    grant(
        &t,
        t.account_id("staffing").await,
        jianfu_domain::Role::Supervisor,
        "铁东区民政局",
    )
    .await;
    let made = t.audit_count("seal.make").await;
    let newcomer = t.login("staffing").await;
    let (s, v) = newcomer
        .post_api(&format!("{api}/publish"), &json!({}))
        .await;
    assert_eq!(t.audit_count("seal.make").await, made + 1);
    let reason = crate::auth::dump(
        &t,
        "SELECT summary FROM audit_entry WHERE action = 'seal.make' ORDER BY seq DESC LIMIT 1",
    )
    .await;
    assert!(
        reason.contains("发布通报《铁东区减负工作通报》时制作监督部门印章"),
        "{reason}"
    );
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["status"], "published");
    let serial = v["serial"].as_str().unwrap().to_owned();
    assert!(serial.starts_with("TB-"), "{serial}");
    let c = client();
    let pub_one: serde_json::Value = c
        .get(t.url(&format!("/api/v1/bulletins/{bid}")))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(pub_one["serial"], serial.as_str());
    assert_eq!(pub_one["drafted_by"], "", "the drafter is not public");
    let text = pub_one.to_string();
    assert!(!text.contains("示例和平社区工作者"), "{text}");
    let list: serde_json::Value = c
        .get(t.url("/api/v1/bulletins"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(
        list["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|x| x["id"] == bid)
    );
    let r = c
        .get(t.url(pub_one["pdf_url"].as_str().unwrap()))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let (s, v) = c
        .get(t.url(&format!("/api/v1/verify?serial={serial}&code=ABCDEFGHJK")))
        .send()
        .await
        .map(|r| (r.status(), r))
        .unwrap();
    assert_eq!(s, StatusCode::OK);
    let v: serde_json::Value = v.json().await.unwrap();
    assert_eq!(v["state"], "unknown");
}

/// A second role for `account`, written straight into the store (the security administrator's
/// grant form is tested elsewhere).
async fn grant(t: &TestApp, account: i64, role: jianfu_domain::Role, node: &str) {
    use jianfu_store::entity::role_grant;
    use jianfu_store::orm::{ActiveModelTrait, ActiveValue::Set};
    let node = t.node_id(node).await;
    role_grant::ActiveModel {
        account_id: Set(account),
        role: Set(role.as_str().to_owned()),
        node_id: Set(node),
        granted_by: Set(None),
        created_at: Set(0),
        ..Default::default()
    }
    .insert(t.app.store.db())
    .await
    .unwrap();
}

#[tokio::test]
async fn accountability_decisions_are_recorded_on_verified_cases_only() {
    let t = spawn_app().await;
    let worker = t.login("worker").await;
    let sup = t.login("district_supervisor").await;
    let open =
        crate::supervision::report_case(&t, &worker, "要求每日上报打卡截图，未出示准入编号").await;
    let good = json!({
        "decider_name": "张某",
        "decider_body": "中共铁东区纪律检查委员会",
        "measure": "interview",
        "measure_text": "",
        "document_number": "铁东纪〔2026〕12号",
        "decided_on": t.today().to_string(),
    });
    // An open case: nobody was found wanting yet.
    let (s, p) = sup
        .post_api(&format!("/api/v1/cases/{open}/accountability"), &good)
        .await;
    assert_eq!(
        (s, p["code"].as_str()),
        (StatusCode::CONFLICT, Some("case_not_verified")),
        "{p}"
    );

    let id = verified_case(&t, &sup).await;
    let api = format!("/api/v1/cases/{id}/accountability");
    // Bad input, each with its code, all at once; nothing is written.
    let (s, p) = sup.post_api(&api, &json!({})).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{p}");
    let fields: Vec<(&str, &str)> = std::iter::once(&p)
        .chain(p["errors"].as_array().into_iter().flatten())
        .map(|e| {
            (
                e["field"].as_str().unwrap_or(""),
                e["code"].as_str().unwrap_or(""),
            )
        })
        .collect();
    for want in [
        ("decider_name", "required"),
        ("decider_body", "required"),
        ("measure", "required"),
        ("document_number", "required"),
        ("decided_on", "required"),
    ] {
        assert!(fields.contains(&want), "{want:?} in {p}");
    }
    let tomorrow = (t.today() + chrono::Days::new(1)).to_string();
    for (patch, field, code) in [
        (
            json!({"decided_on": tomorrow}),
            "decided_on",
            "date_in_future",
        ),
        (
            json!({"decided_on": "2026-13-01"}),
            "decided_on",
            "date_invalid",
        ),
        (json!({"measure": "fire"}), "measure", "measure_invalid"),
        (json!({"measure": "other"}), "measure_text", "required"),
        (json!({"decider_name": "  "}), "decider_name", "required"),
    ] {
        let mut body = good.clone();
        for (k, v) in patch.as_object().unwrap() {
            body[k] = v.clone();
        }
        let (s, p) = sup.post_api(&api, &body).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{p}");
        assert_eq!(
            (p["field"].as_str(), p["code"].as_str()),
            (Some(field), Some(code)),
            "{p}"
        );
    }
    assert_eq!(rows(&t, "accountability_record").await, 0);
    assert_eq!(t.audit_count("case.accountability").await, 0);
    // Others may not record.
    let (s, _) = worker.post_api(&api, &good).await;
    assert_eq!(s, StatusCode::FORBIDDEN);

    // Recorded through the API and through the page.
    let (s, v) = sup.post_api(&api, &good).await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    assert_eq!(
        (v["measure_zh"].as_str(), v["clause"].as_str()),
        (Some("约谈"), Some("4.1-9"))
    );
    let page = format!("/cases/{id}");
    let r = sup
        .post_form(
            &format!("{page}/accountability"),
            &[
                ("decider_name", "李某"),
                ("decider_body", "铁东区人民政府"),
                ("measure", "other"),
                ("measure_text", "责令书面检查"),
                ("document_number", "铁东政〔2026〕3号"),
                ("decided_on", &t.today().to_string()),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    // A bad page form keeps what was typed and says what is wrong.
    let r = sup
        .post_form(
            &format!("{page}/accountability"),
            &[("decider_name", "王某"), ("decided_on", &tomorrow)],
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = r.text().await.unwrap();
    assert!(
        html.contains("决定日期不能晚于今天") && html.contains("value=\"王某\""),
        "{html}"
    );
    assert_eq!(rows(&t, "accountability_record").await, 2);
    assert_eq!(t.audit_count("case.accountability").await, 2);
    let (_, html) = sup.get_text(&page).await;
    assert!(
        html.contains("中共铁东区纪律检查委员会")
            && html.contains("铁东纪〔2026〕12号")
            && html.contains("责令书面检查")
            && html.contains("href=\"/policy#4.1-9\"")
            && html.contains("记录责任追究"),
        "{html}"
    );
    let (_, v) = sup.get_api(&format!("/api/v1/cases/{id}")).await;
    assert_eq!(v["accountability"].as_array().unwrap().len(), 2, "{v}");
}
