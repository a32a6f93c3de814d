//! Supervision cases (issue 14, slice 1): a supervisor of the case's jurisdiction opens it from
//! the inbox, sees its history, and verifies it or dismisses it with a reason; nobody else can,
//! bad input changes nothing, and a decided case cannot be decided again.

use reqwest::StatusCode;
use serde_json::json;

use crate::auth::scalar;
use crate::helpers::{Browser, TestApp, spawn_app};

async fn status_of(t: &TestApp, id: i64) -> String {
    use jianfu_store::entity::supervision_case;
    use jianfu_store::orm::EntityTrait;
    supervision_case::Entity::find_by_id(id)
        .one(t.app.store.db())
        .await
        .unwrap()
        .unwrap()
        .status
}

/// The demo worker of 示例和平社区 reports an unadmitted demand; the case's id.
pub(crate) async fn report_case(t: &TestApp, worker: &Browser, description: &str) -> i64 {
    let (s, report) = worker
        .post_api(
            "/api/v1/reports",
            &json!({
                "community_id": t.node_id("示例和平社区").await,
                "demanding_unit": "铁东区某局",
                "description": description,
                "claimed_number": "",
            }),
        )
        .await;
    assert!(s.is_success(), "{report}");
    report["id"].as_i64().unwrap()
}

#[tokio::test]
async fn a_supervisor_verifies_or_dismisses_a_case_and_its_history_shows_it() {
    let t = spawn_app().await;
    let worker = t.login("worker").await;
    let id = report_case(&t, &worker, "要求每周报送照片台账，未出示准入编号").await;
    let page = format!("/cases/{id}");
    let decide = format!("/cases/{id}/decide");

    // The district's supervisor finds it in the inbox and opens it: open, reported by the worker.
    let sup = t.login("district_supervisor").await;
    let (_, inbox) = sup.get_text("/inbox").await;
    assert!(inbox.contains(&format!("href=\"{page}\"")), "{inbox}");
    let (s, html) = sup.get_text(&page).await;
    assert_eq!(s, StatusCode::OK);
    assert!(html.contains(">待核实<"), "{html}");
    assert!(
        html.contains("办理过程") && html.contains("举报问题"),
        "{html}"
    );
    assert!(html.contains(&format!("action=\"{decide}\"")), "{html}");
    // The list links to it.
    let (_, list) = sup.get_text("/cases").await;
    assert!(list.contains(&format!("href=\"{page}\"")));

    // Others: the reporting worker may not open it nor decide.
    assert_eq!(worker.get(&page).await.status(), StatusCode::FORBIDDEN);
    let r = worker
        .post_form(&decide, &[("decision", "verify"), ("opinion", "")])
        .await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);

    // Bad input: dismissal without a reason, an unknown decision — nothing changes.
    let r = sup
        .post_form(&decide, &[("decision", "dismiss"), ("opinion", "无")])
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = r.text().await.unwrap();
    assert!(html.contains("请写明不予立案的理由"), "{html}");
    assert!(
        html.contains(">无</textarea>"),
        "the opinion is kept: {html}"
    );
    let r = sup
        .post_form(&decide, &[("decision", "close"), ("opinion", "")])
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let long = "长".repeat(501);
    let r = sup
        .post_form(&decide, &[("decision", "verify"), ("opinion", &long)])
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(status_of(&t, id).await, "open");
    assert_eq!(t.audit_count("case.dismiss").await, 0);

    // Verified, with an opinion: the state, the step with its opinion and clauses.
    let r = sup
        .post_form(
            &decide,
            &[("decision", "verify"), ("opinion", "已电话核实，情况属实")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(status_of(&t, id).await, "verified");
    assert_eq!(t.audit_count("case.verify").await, 1);
    let (_, html) = sup.get_text(&page).await;
    assert!(html.contains(">已核实<"), "{html}");
    assert!(
        html.contains("核实问题线索") && html.contains("已电话核实，情况属实"),
        "{html}"
    );
    assert!(html.contains("href=\"/policy#5.3-2\""), "{html}");
    assert!(
        !html.contains(&format!("action=\"{decide}\"")),
        "no second decision offered"
    );
    // Deciding again is a conflict and changes nothing.
    let r = sup
        .post_form(
            &decide,
            &[("decision", "dismiss"), ("opinion", "重复举报，不予立案")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::CONFLICT);
    assert_eq!(status_of(&t, id).await, "verified");
    // It has left the inbox.
    let (_, inbox) = sup.get_text("/inbox").await;
    assert!(!inbox.contains(&format!("href=\"{page}\"")));
    // The API says the same.
    let (s, v) = sup.get_api(&format!("/api/v1/cases/{id}")).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(
        (v["status"].as_str(), v["clause"].as_str()),
        (Some("verified"), Some("4.2-5"))
    );
}

#[tokio::test]
async fn the_api_decides_a_case_and_refuses_bad_input() {
    let t = spawn_app().await;
    let worker = t.login("worker").await;
    let id = report_case(&t, &worker, "要求填报未准入的统计表").await;
    let decide = format!("/api/v1/cases/{id}/decide");
    let sup = t.login("supervisor").await;
    let (s, v) = sup.get_api(&format!("/api/v1/cases/{id}")).await;
    assert_eq!((s, v["status"].as_str()), (StatusCode::OK, Some("open")));
    let (s, v) = sup.get_api("/api/v1/cases").await;
    assert_eq!(s, StatusCode::OK);
    assert!(
        v["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|c| c["status"].is_string())
    );
    // Bad input: an unknown decision, a dismissal without its reason, an unknown field.
    for (body, code) in [
        (json!({"decision": "close"}), "decision_invalid"),
        (
            json!({"decision": "dismiss", "opinion": " "}),
            "dismiss_reason_required",
        ),
    ] {
        let (s, p) = sup.post_api(&decide, &body).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{p}");
        assert_eq!(p["code"], code, "{p}");
    }
    let (s, _) = sup
        .post_api(&decide, &json!({"decision": "verify", "note": "x"}))
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    let (s, _) = sup.get_api("/api/v1/cases/999999").await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    assert_eq!(status_of(&t, id).await, "open");
    // Dismissed with a reason; then a second decision conflicts.
    let (s, v) = sup
        .post_api(
            &decide,
            &json!({"decision": "dismiss", "opinion": "该局已撤回，未实际下派"}),
        )
        .await;
    assert_eq!(
        (s, v["status"].as_str()),
        (StatusCode::OK, Some("dismissed")),
        "{v}"
    );
    let (s, p) = sup.post_api(&decide, &json!({"decision": "verify"})).await;
    assert_eq!(
        (s, p["code"].as_str()),
        (StatusCode::CONFLICT, Some("case_already_decided"))
    );
    // Not a supervisor: refused.
    let (s, _) = worker
        .post_api(&decide, &json!({"decision": "verify"}))
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn only_supervisors_whose_jurisdiction_covers_the_case_decide_it() {
    let t = spawn_app().await;
    // A case at 示例繁荣社区 (铁西区): outside 铁东区's supervisor, inside the city's.
    let community = t.node_id("示例繁荣社区").await;
    let reporter = t.account_id("worker").await;
    t.sql(&format!(
        "INSERT INTO supervision_case (kind, status, community_node_id, reported_by, \
         demanding_unit, description, claimed_number, demand_id, finding, plaque_id, created_at, \
         updated_at) VALUES ('unadmitted_demand', 'open', {community}, {reporter}, '铁西区某局', \
         '未经准入的材料报送', NULL, NULL, \
         '{{\"clause\":\"4.2-5\",\"code\":\"unadmitted_demand\",\"message\":\"未经准入\"}}', NULL, 0, 0)"
    ))
    .await;
    let id = scalar(&t, "SELECT MAX(id) FROM supervision_case").await;
    let district = t.login("district_supervisor").await;
    assert_eq!(
        district.get(&format!("/cases/{id}")).await.status(),
        StatusCode::FORBIDDEN
    );
    let r = district
        .post_form(
            &format!("/cases/{id}/decide"),
            &[("decision", "dismiss"), ("opinion", "不属于本区管辖范围")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    assert_eq!(status_of(&t, id).await, "open");
    let city = t.login("supervisor").await;
    let r = city
        .post_form(
            &format!("/cases/{id}/decide"),
            &[("decision", "dismiss"), ("opinion", "经核查该局已撤回要求")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(status_of(&t, id).await, "dismissed");
    let (_, html) = city.get_text(&format!("/cases/{id}")).await;
    assert!(
        html.contains(">不予立案<") && html.contains("经核查该局已撤回要求"),
        "{html}"
    );
    assert_eq!(
        t.audit_count("case.dismiss").await,
        1,
        "the dismissal is audited"
    );
}

// ------------------------------------------------------------------ rectification (slice 2)

/// Rows of a table, for "nothing changed" checks.
/// (field, code) of every problem of a problem+json answer: the first, then the others.
fn problems(p: &serde_json::Value) -> Vec<(String, String)> {
    std::iter::once(p)
        .chain(p["errors"].as_array().into_iter().flatten())
        .map(|e| {
            (
                e["field"].as_str().unwrap_or_default().to_owned(),
                e["code"].as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect()
}

async fn rows(t: &TestApp, table: &str) -> i64 {
    scalar(t, &format!("SELECT COUNT(*) FROM {table}")).await
}

/// Everything the rectification loop writes, counted: notices, answers, evidence, and the
/// audit entries of each step.
async fn footprint(t: &TestApp) -> Vec<i64> {
    let mut v = Vec::new();
    for table in [
        "rectification_notice",
        "rectification_answer",
        "rectification_evidence",
    ] {
        v.push(rows(t, table).await);
    }
    for action in [
        "case.notice",
        "case.answer",
        "case.accept",
        "case.send_back",
        "case.close",
    ] {
        v.push(i64::try_from(t.audit_count(action).await).unwrap());
    }
    v
}

/// A case reported by the demo worker and verified by 铁东区's supervisor (through the API).
/// Each call reports another violation (reports of the same one are grouped into one case).
pub(crate) async fn verified_case(t: &TestApp, sup: &Browser) -> i64 {
    const VIOLATIONS: [&str; 6] = [
        "要求每月报送入户走访照片台账，未出示准入编号",
        "要求填写防汛物资储备统计表并加盖公章",
        "安排社区人员到局里值班顶岗三个月",
        "要求开展文明城市问卷调查并逐户拍照留痕",
        "让社区出具居民无犯罪记录证明",
        "要求每日在工作群上传网格巡查打卡截图",
    ];
    static NEXT: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed) % VIOLATIONS.len();
    let worker = t.login("worker").await;
    let id = report_case(t, &worker, VIOLATIONS[n]).await;
    let (s, v) = sup
        .post_api(
            &format!("/api/v1/cases/{id}/decide"),
            &json!({"decision": "verify", "opinion": "经电话核实属实"}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    id
}

pub(crate) fn notice_body(unit: i64, days: i64) -> serde_json::Value {
    json!({
        "unit_id": unit,
        "facts": "铁东区卫生健康局要求示例和平社区每月报送入户走访照片台账，该事项未经准入",
        "action_required": "立即停止下派该事项，并书面说明情况",
        "deadline_days": days,
    })
}

pub(crate) fn evidence(name: &str, bytes: &[u8]) -> serde_json::Value {
    use base64::Engine;
    json!({ "file_name": name, "content_base64": base64::engine::general_purpose::STANDARD.encode(bytes) })
}

/// Moves the server's clock to Friday 2027-01-29, 10:00 in Beijing (before the Spring Festival,
/// with the make-up workday Sunday 01-31), when that is still ahead. Whether it moved.
fn to_spring_festival_eve(t: &TestApp) -> bool {
    t.move_clock_to(chrono::NaiveDate::from_ymd_opt(2027, 1, 29).unwrap())
}

async fn authority_key(t: &TestApp) -> jianfu_seal::PublicKey {
    let a: serde_json::Value = crate::helpers::client()
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
async fn the_rectification_loop_from_notice_to_close() {
    let t = spawn_app().await;
    // The clock moves first: sessions opened before would have expired.
    let moved = to_spring_festival_eve(&t);
    let sup = t.login("district_supervisor").await;
    let id = verified_case(&t, &sup).await;
    let unit = t.node_id("铁东区卫生健康局").await;
    let api = format!("/api/v1/cases/{id}");
    let page = format!("/cases/{id}");

    // The notice: 7 working days, default clauses (the finding's 4.2-5 and 5.3-2).
    let (s, n) = sup
        .post_api(&format!("{api}/notice"), &notice_body(unit, 7))
        .await;
    assert_eq!(s, StatusCode::CREATED, "{n}");
    assert_eq!(n["case"]["status"], "rectifying");
    assert_eq!(n["unit_name"], "铁东区卫生健康局");
    assert_eq!(n["issuer_name"], "铁东区民政局");
    assert_eq!(n["clauses"], json!(["4.2-5", "5.3-2"]));
    let serial = n["serial"].as_str().unwrap().to_owned();
    assert!(serial.starts_with("ZG-"), "{serial}");
    // Counted in working days on the holiday calendar: from Friday 01-29, Sunday 01-31 is a
    // make-up workday (1), 02-01…02-04 (2–5), the Spring Festival 02-05…02-13 is skipped,
    // Sunday 02-14 is a make-up workday (6), Monday 02-15 is the seventh.
    let due = n["due_on"].as_str().unwrap().to_owned();
    if moved {
        assert_eq!(due, "2027-02-15");
    }
    let expected = jianfu_rules::calendar::Calendar::official()
        .unwrap()
        .due_date(
            jianfu_rules::Date::parse(&t.today().to_string()).unwrap(),
            jianfu_rules::certificate::Processing::WorkingDays(7),
        )
        .unwrap()
        .to_string();
    assert_eq!(due, expected);
    assert_eq!(status_of(&t, id).await, "rectifying");

    // The PDF: sealed with the supervising department's seal, and it verifies.
    let r = sup.get(&format!("{api}/notice.pdf")).await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.headers()["content-type"], "application/pdf");
    let pdf = r.bytes().await.unwrap().to_vec();
    let key = authority_key(&t).await;
    let doc = jianfu_seal::verify_file(&pdf, &key).expect("the notice verifies");
    assert_eq!(doc.content.type_name, "整改通知书");
    assert_eq!(doc.content.serial, serial);
    assert_eq!(doc.content.applicant_name, "铁东区卫生健康局");
    assert_eq!(doc.content.community_name, "铁东区民政局");
    assert_eq!(doc.content.signer, "district_supervisor");
    assert_eq!(doc.seal.record.kind, "监督检查专用章");
    assert!(doc.content.body.contains("立即停止下派该事项"));
    assert!(doc.content.body.contains("4.2-5、5.3-2"));
    assert!(doc.content.verify_url.contains(&serial));
    // Its QR leads to the public verification page, which checks the stored notice again.
    let query = doc
        .content
        .verify_url
        .split_once("/verify")
        .unwrap()
        .1
        .to_owned();
    let c = crate::helpers::client();
    let html = c
        .get(t.url(&format!("/verify{query}")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        html.contains("data-state=\"authentic\"")
            && html.contains("整改通知书")
            && html.contains("铁东区卫生健康局"),
        "{html}"
    );
    let wrong = format!("/verify?serial={serial}&code=ABCDEFGHJK");
    let html = c
        .get(t.url(&wrong))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains("data-state=\"unknown\""), "{html}");
    let mut bad = pdf.clone();
    let at = bad.len() / 2;
    bad[at] ^= 1;
    assert!(jianfu_seal::verify_file(&bad, &key).is_err());

    // The department finds it in its inbox, opens the case without learning who reported it.
    let dept = t.login("district_dept").await;
    let (_, inbox) = dept.get_text("/inbox").await;
    assert!(
        inbox.contains("待整改答复") && inbox.contains(&format!("href=\"{page}\"")),
        "{inbox}"
    );
    let (s, html) = dept.get_text(&page).await;
    assert_eq!(s, StatusCode::OK);
    assert!(html.contains("举报人不向被督办单位公开"), "{html}");
    assert!(
        !html.contains("示例和平社区工作者"),
        "the reporter is hidden: {html}"
    );
    assert!(
        !html.contains(">worker<") && html.contains("（不公开）"),
        "{html}"
    );
    // A multipart form: the server reads its CSRF token from the query string, not the body
    // (the browser's answer was refused as CSRF while the action lacked it).
    assert!(
        html.contains(&format!(
            "action=\"{page}/answer?csrf_token={}\"",
            dept.csrf
        )),
        "{html}"
    );
    assert!(!html.contains(&format!("action=\"{page}/decide\"")));
    assert!(html.contains(&format!("href=\"{page}/notice.pdf\"")));
    assert_eq!(
        dept.get(&format!("{page}/notice.pdf")).await.status(),
        StatusCode::OK
    );
    let (s, _) = dept.get_api(&api).await;
    assert_eq!(s, StatusCode::OK);

    // Answer with evidence: awaiting review; a second answer now is a conflict.
    let answer = json!({"answer": "已停止下派并收回台账表格", "evidence": [evidence("停止通知.png", crate::certificates::PNG)]});
    let (s, v) = dept.post_api(&format!("{api}/answer"), &answer).await;
    assert_eq!(
        (s, v["status"].as_str()),
        (StatusCode::OK, Some("rectified")),
        "{v}"
    );
    let (s, p) = dept.post_api(&format!("{api}/answer"), &answer).await;
    assert_eq!(
        (s, p["code"].as_str()),
        (StatusCode::CONFLICT, Some("answer_awaiting_review"))
    );

    // The supervisor: 待验收 in the inbox; closing before acceptance is refused.
    let (_, inbox) = sup.get_text("/inbox").await;
    assert!(inbox.contains("待验收"), "{inbox}");
    let before = footprint(&t).await;
    let (s, p) = sup.post_api(&format!("{api}/close"), &json!({})).await;
    assert_eq!(
        (s, p["code"].as_str()),
        (StatusCode::CONFLICT, Some("case_not_accepted"))
    );
    let (s, p) = sup
        .post_api(&format!("{api}/send-back"), &json!({"reason": "不"}))
        .await;
    assert_eq!(
        (s, p["code"].as_str()),
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            Some("send_back_reason_required")
        )
    );
    assert_eq!(footprint(&t).await, before, "nothing changed");
    assert_eq!(status_of(&t, id).await, "rectified");

    // Sent back with a reason: rectifying again; the department answers again on its page,
    // with a PDF this time.
    let (s, v) = sup
        .post_api(
            &format!("{api}/send-back"),
            &json!({"reason": "佐证材料不足，请补充收回台账的书面通知"}),
        )
        .await;
    assert_eq!(
        (s, v["status"].as_str()),
        (StatusCode::OK, Some("rectifying")),
        "{v}"
    );
    let (_, inbox) = dept.get_text("/inbox").await;
    assert!(
        inbox.contains("待整改答复"),
        "back in the department's inbox"
    );
    let r = dept
        .post_multipart(
            &format!("{page}/answer"),
            &[("answer", "已补充书面通知")],
            &[("evidence", "书面通知.pdf", &pdf)],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(status_of(&t, id).await, "rectified");

    // Accepted, then closed.
    let (s, v) = sup
        .post_api(&format!("{api}/accept"), &json!({"reason": "整改到位"}))
        .await;
    assert_eq!(
        (s, v["status"].as_str()),
        (StatusCode::OK, Some("accepted")),
        "{v}"
    );
    let (_, inbox) = sup.get_text("/inbox").await;
    assert!(inbox.contains("待办结"), "{inbox}");
    let r = sup
        .post_form(&format!("{page}/close"), &[("reason", "")])
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(status_of(&t, id).await, "closed");

    // Every step is audited once and on the timeline, with its opinion and clauses; the page
    // shows both answers with their evidence.
    assert_eq!(footprint(&t).await[3..], [1, 2, 1, 1, 1]);
    let (_, html) = sup.get_text(&page).await;
    for step in [
        "下发整改通知",
        "整改答复",
        "退回整改",
        "验收整改",
        "办结",
        "佐证材料不足",
        "责任单位 铁东区卫生健康局，7 个工作日内整改",
        "佐证材料：停止通知.png",
    ] {
        assert!(html.contains(step), "{step}: {html}");
    }
    assert!(html.contains("href=\"/policy#5.3-3\""), "{html}");
    assert!(html.contains(">已办结<"), "{html}");
    assert!(html.contains("停止通知.png") && html.contains("书面通知.pdf"));
    let first: i64 = scalar(&t, "SELECT MIN(id) FROM rectification_evidence").await;
    let r = dept.get(&format!("{page}/evidence/{first}")).await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.headers()["content-type"], "image/png");
    assert_eq!(&r.bytes().await.unwrap()[..], crate::certificates::PNG);
    // The list filters by state, on the page, in the API and in the export.
    let ids = |v: &serde_json::Value| -> Vec<i64> {
        v["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["id"].as_i64().unwrap())
            .collect()
    };
    let (_, v) = sup.get_api("/api/v1/cases?status=closed").await;
    assert!(ids(&v).contains(&id), "{v}");
    let (_, v) = sup.get_api("/api/v1/cases?status=rectifying").await;
    assert!(!ids(&v).contains(&id), "{v}");
    let (s, p) = sup.get_api("/api/v1/cases?status=bogus").await;
    assert_eq!(
        (s, p["code"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("status_invalid"))
    );
    let (_, html) = sup.get_text("/cases?status=closed").await;
    assert!(
        html.contains(&format!("href=\"{page}\""))
            && html.contains("<option value=\"closed\" selected>")
            && html.contains("href=\"/cases/export.xlsx?status=closed\""),
        "{html}"
    );
    let (_, html) = sup.get_text("/cases?status=open").await;
    assert!(!html.contains(&format!("href=\"{page}\"")), "{html}");
    // Nothing left to do for either.
    let (_, inbox) = dept.get_text("/inbox").await;
    assert!(!inbox.contains(&format!("href=\"{page}\"")));
    let (_, inbox) = sup.get_text("/inbox").await;
    assert!(!inbox.contains(&format!("href=\"{page}\"")));
}

#[tokio::test]
async fn a_bad_notice_is_refused_whole_and_changes_nothing() {
    let t = spawn_app().await;
    let sup = t.login("district_supervisor").await;
    let worker = t.login("worker").await;
    let open = report_case(&t, &worker, "要求填报未准入的统计表").await;
    let unit = t.node_id("铁东区卫生健康局").await;
    let before = footprint(&t).await;

    // A case not yet verified: 409, whatever the body.
    let (s, p) = sup
        .post_api(
            &format!("/api/v1/cases/{open}/notice"),
            &notice_body(unit, 5),
        )
        .await;
    assert_eq!(
        (s, p["code"].as_str()),
        (StatusCode::CONFLICT, Some("case_not_verified")),
        "{p}"
    );

    let id = verified_case(&t, &sup).await;
    let url = format!("/api/v1/cases/{id}/notice");
    // Every problem at once: no deadline, a unit of another district, no facts, an unknown
    // clause, no required action.
    let outside = t.node_id("铁西区民政局").await;
    let (s, p) = sup
        .post_api(
            &url,
            &json!({"unit_id": outside, "facts": " ", "clauses": ["4.2-5", "9.9-9"], "action_required": ""}),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{p}");
    let codes = problems(&p);
    assert_eq!(
        codes,
        [
            ("unit_id", "unit_outside_jurisdiction"),
            ("facts", "required"),
            ("clauses", "clause_unknown"),
            ("action_required", "required"),
            ("deadline_days", "deadline_required"),
        ]
        .map(|(f, c)| (f.to_owned(), c.to_owned())),
        "{p}"
    );
    assert!(p["detail"].as_str().unwrap().contains("管辖范围"), "{p}");
    // Each deadline out of range, a missing unit, the district itself as the unit, a text the
    // notice's font cannot print.
    let mut emoji = notice_body(unit, 5);
    emoji["action_required"] = json!("立即整改😀");
    for (body, field, code) in [
        (emoji, "action_required", "text_unprintable"),
        (
            notice_body(unit, 0),
            "deadline_days",
            "deadline_out_of_range",
        ),
        (
            notice_body(unit, 61),
            "deadline_days",
            "deadline_out_of_range",
        ),
        (
            json!({"facts": "事实清楚", "action_required": "立即整改", "deadline_days": 5}),
            "unit_id",
            "unit_required",
        ),
        (
            notice_body(t.node_id("铁东区").await, 5),
            "unit_id",
            "unit_outside_jurisdiction",
        ),
    ] {
        let (s, p) = sup.post_api(&url, &body).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{p}");
        assert_eq!(
            (p["field"].as_str(), p["code"].as_str()),
            (Some(field), Some(code)),
            "{p}"
        );
    }
    // Not a supervisor: refused at the gate; the page's form says every problem in Chinese.
    let (s, _) = worker.post_api(&url, &notice_body(unit, 5)).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let r = sup
        .post_form(
            &format!("/cases/{id}/notice"),
            &[
                ("unit_id", ""),
                ("facts", "事实"),
                ("clauses", ""),
                ("action_required", ""),
                ("deadline_days", "0"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = r.text().await.unwrap();
    assert!(
        html.contains("有 3 处需要修改") && html.contains("请选择责任单位"),
        "{html}"
    );
    assert!(html.contains("整改期限应为 1–60 个工作日的整数"), "{html}");

    assert_eq!(footprint(&t).await, before, "nothing changed");
    assert_eq!(status_of(&t, id).await, "verified");
    assert_eq!(status_of(&t, open).await, "open");
    // The verified case offers the notice form with the units of the jurisdiction only.
    let (_, html) = sup.get_text(&format!("/cases/{id}")).await;
    assert!(
        html.contains(&format!("<option value=\"{unit}\"")),
        "{html}"
    );
    assert!(!html.contains(&format!("<option value=\"{outside}\"")));
    assert!(html.contains("data-confirm=\"确定下发整改通知书"));
}

#[tokio::test]
async fn only_the_notified_unit_answers_with_real_evidence() {
    let t = spawn_app().await;
    let sup = t.login("district_supervisor").await;
    let id = verified_case(&t, &sup).await;
    let unit = t.node_id("铁东区卫生健康局").await;
    let (s, n) = sup
        .post_api(
            &format!("/api/v1/cases/{id}/notice"),
            &notice_body(unit, 10),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{n}");
    let url = format!("/api/v1/cases/{id}/answer");
    let good =
        json!({"answer": "已整改", "evidence": [evidence("a.png", crate::certificates::PNG)]});
    let before = footprint(&t).await;

    // Another unit (the city's health commission, a street, the reporting community) may not
    // answer nor open the case; a supervisor is no answerer at all.
    for who in ["city_dept", "street", "worker"] {
        let b = t.login(who).await;
        let (s, p) = b.post_api(&url, &good).await;
        assert_eq!(s, StatusCode::FORBIDDEN, "{who}: {p}");
        assert_eq!(
            b.get(&format!("/cases/{id}")).await.status(),
            StatusCode::FORBIDDEN,
            "{who}"
        );
        let (_, inbox) = b.get_text("/inbox").await;
        assert!(!inbox.contains("待整改答复"), "{who}");
    }
    let (s, _) = sup.post_api(&url, &good).await;
    assert_eq!(s, StatusCode::FORBIDDEN);

    // The department: no text and no evidence at once; evidence that is not what its name says;
    // a file that is nothing; not base64.
    let dept = t.login("district_dept").await;
    let (s, p) = dept.post_api(&url, &json!({"answer": ""})).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{p}");
    let codes: Vec<String> = problems(&p).into_iter().map(|(_, c)| c).collect();
    assert_eq!(codes, ["required", "evidence_required"], "{p}");
    assert!(
        p["detail"].as_str().unwrap().contains("请填写整改情况"),
        "{p}"
    );
    for (file, code) in [
        (
            evidence("照片.pdf", crate::certificates::PNG),
            "attachment_disguised",
        ),
        (
            evidence("照片.png", b"not a picture at all"),
            "attachment_type",
        ),
        (
            json!({"file_name": "x.png", "content_base64": "%%%"}),
            "attachment_base64",
        ),
    ] {
        let (s, p) = dept
            .post_api(&url, &json!({"answer": "已整改", "evidence": [file]}))
            .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{p}");
        assert_eq!(
            (p["field"].as_str(), p["code"].as_str()),
            (Some("evidence"), Some(code)),
            "{p}"
        );
    }
    // The page's form says the same, keeps the text typed, and offers the form again.
    let r = dept
        .post_multipart(
            &format!("/cases/{id}/answer"),
            &[("answer", "已停止下派")],
            &[],
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = r.text().await.unwrap();
    assert!(
        html.contains("请上传至少一份整改佐证材料") && html.contains(">已停止下派</textarea>"),
        "{html}"
    );
    let r = dept
        .post_multipart(
            &format!("/cases/{id}/answer"),
            &[("answer", "已停止下派")],
            &[("evidence", "照片.jpg", crate::certificates::PNG)],
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().await.unwrap().contains("扩展名与文件内容不符"));
    // Accepting with nothing to review is a conflict.
    let (s, p) = sup
        .post_api(&format!("/api/v1/cases/{id}/accept"), &json!({}))
        .await;
    assert_eq!(
        (s, p["code"].as_str()),
        (StatusCode::CONFLICT, Some("case_not_awaiting_review"))
    );
    assert_eq!(footprint(&t).await, before, "nothing changed");
    assert_eq!(status_of(&t, id).await, "rectifying");

    // Overdue: past the due day the department's item is overdue and comes first.
    t.advance_clock_ms(30 * 86_400_000);
    let inbox = t.app.inbox(&t.ctx("district_dept").await).await.unwrap();
    let at = inbox
        .items
        .iter()
        .position(|i| i.href == format!("/cases/{id}"))
        .expect("the notice is in the inbox");
    let item = &inbox.items[at];
    assert_eq!((item.kind_zh, item.overdue), ("待整改答复", true));
    assert_eq!(item.due.unwrap().to_string(), n["due_on"].as_str().unwrap());
    assert!(
        inbox.items[..at].iter().all(|i| i.overdue),
        "overdue items come first"
    );
    // (A month later: both log in again.)
    let sup = t.login("district_supervisor").await;
    let dept = t.login("district_dept").await;
    let (_, html) = sup.get_text(&format!("/cases/{id}")).await;
    assert!(html.contains("已逾期"), "{html}");
    // The unit still answers late; the answer is kept with its evidence.
    let (s, v) = dept.post_api(&url, &good).await;
    assert_eq!(
        (s, v["status"].as_str()),
        (StatusCode::OK, Some("rectified")),
        "{v}"
    );
    assert_eq!(rows(&t, "rectification_evidence").await, 1);
}
