//! The district's comprehensive evaluation of communities (社区(村)工作综合考评, 4.3-4): the
//! story from design to the published ranking through page and API, and each bad input of
//! issue 12 §2 this slice touches (nothing changes, a clear message, a stable code).

use jianfu_domain::Role;
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::certificates::PNG;
use crate::helpers::{Browser, TestApp, spawn_app, this_year};
use crate::supervision::evidence;

const PASSWORD: &str = "Ping#jia2026x";

/// A design for 铁东区 next year (the demo holds this year's), due today: satisfaction 40 %,
/// 基层党建 30 % (one indicator), 治理服务 30 % (two of 50 %), two questions, a minimum of
/// two responses.
fn design() -> Value {
    json!({
        "name": "铁东区社区(村)工作综合考评（测试）",
        "year": (this_year() + 1).to_string(),
        "nomination_deadline": "",
        "min_responses": "2",
        "satisfaction_weight": "40",
        "questions": ["您对社区办事服务是否满意？", "您对社区环境是否满意？"],
        "groups": [{"name": "基层党建", "weight": "30"}, {"name": "治理服务", "weight": "30"}],
        "indicators": [
            {"group": "基层党建", "name": "党组织建设", "weight": "100", "method": "逐项评分"},
            {"group": "治理服务", "name": "居民议事", "weight": "50", "method": ""},
            {"group": "治理服务", "name": "便民服务", "weight": "50", "method": ""}
        ]
    })
}

fn due_today(t: &TestApp, mut d: Value) -> Value {
    d["nomination_deadline"] = json!(t.today().to_string());
    d
}

async fn resident(t: &TestApp, username: &str, community_code: &str) -> Browser {
    t.app
        .add_account_as_operator(
            username,
            "示例居民",
            community_code,
            &[Role::Resident],
            PASSWORD,
            false,
        )
        .await
        .unwrap();
    t.login_with(username, PASSWORD)
        .await
        .unwrap_or_else(|_| panic!("{username} logs in"))
}

async fn campaigns(t: &TestApp) -> i64 {
    crate::auth::scalar(t, "SELECT COUNT(*) FROM comprehensive_campaign").await
}

fn community<'a>(c: &'a Value, name: &str) -> &'a Value {
    c["communities"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["name"] == name)
        .unwrap_or_else(|| panic!("{name} in {c}"))
}

/// The codes of every problem: the document's own, then its `errors`.
fn codes(p: &Value) -> Vec<String> {
    let mut all = vec![p["code"].as_str().unwrap_or_default().to_owned()];
    for e in p["errors"].as_array().into_iter().flatten() {
        all.push(e["code"].as_str().unwrap().to_owned());
    }
    all
}

/// Design → nominate with an attachment (API and page) → review (accept, amend, accept) → two
/// residents rate → the district scores → closes after the deadline → the ranking with the
/// calculation, its export, and every refusal on the way.
#[tokio::test]
async fn the_story_from_design_to_ranking() {
    let t = spawn_app().await;
    let district = t.login("district_supervisor").await;
    let (s, c) = district
        .post_api("/api/v1/comprehensive", &due_today(&t, design()))
        .await;
    assert_eq!(s, StatusCode::CREATED, "{c}");
    let id = c["id"].as_i64().unwrap();
    assert_eq!(c["clauses"], json!(["4.3-4"]));
    assert_eq!(c["groups"][0]["name"], "居民群众满意度");
    assert_eq!(c["groups"][0]["weight"], 40);
    let heping = t.node_id("示例和平社区").await;
    assert!(community(&c, "示例和平社区")["nominations"][0]["state"] == "due");
    // The same district and year again: 409.
    let (s, p) = district
        .post_api("/api/v1/comprehensive", &due_today(&t, design()))
        .await;
    assert_eq!(
        (s, p["code"].as_str()),
        (StatusCode::CONFLICT, Some("comprehensive_exists"))
    );

    // The worker's inbox asks for the self-nomination by the deadline.
    let todo = |who: &'static str, kind: &'static str| {
        let t = &t;
        async move {
            t.app
                .inbox(&t.ctx(who).await)
                .await
                .unwrap()
                .items
                .into_iter()
                .filter(|i| {
                    i.kind_zh == kind && i.href.starts_with(&format!("/comprehensive/{id}"))
                })
                .count()
        }
    };
    assert_eq!(todo("worker", "待自荐申报").await, 1);
    assert_eq!(todo("street", "待审核").await, 0);

    // The worker nominates indicator 1 through the API and indicator 2 through the page.
    let worker = t.login("worker").await;
    let (s, c) = worker
        .post_api(
            &format!("/api/v1/comprehensive/{id}/nominations"),
            &json!({"indicator": 1, "report": "全年召开党员大会 4 次", "evidence": [evidence("会议记录.png", PNG)]}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{c}");
    let n1 = &community(&c, "示例和平社区")["nominations"][0];
    assert_eq!(n1["state"], "submitted");
    assert_eq!(n1["evidence"].as_array().unwrap().len(), 1);
    let r = worker
        .post_multipart(
            &format!("/comprehensive/{id}/nominations"),
            &[
                ("community_id", &heping.to_string()),
                ("indicator", "2"),
                ("report", "议事会每月一次"),
            ],
            &[("evidence", "议事记录.png", PNG)],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    // The worker's page shows only its own community, with the two reports.
    let (s, html) = worker.get_text(&format!("/comprehensive/{id}")).await;
    assert_eq!(s, StatusCode::OK);
    assert!(html.contains("议事会每月一次") && html.contains("待街道审核"));
    assert!(!html.contains("示例新华社区"), "another street's community");

    assert_eq!(
        todo("street", "待审核").await,
        1,
        "one item for the campaign"
    );
    assert_eq!(
        todo("worker", "待自荐申报").await,
        1,
        "indicator 3 is still due"
    );

    // The street accepts the first and sends the second back; the worker amends; accepted.
    let street = t.login("street").await;
    let (_, c) = street.get_api(&format!("/api/v1/comprehensive/{id}")).await;
    let nom = |c: &Value, i: usize| {
        community(c, "示例和平社区")["nominations"][i]["id"]
            .as_i64()
            .unwrap()
    };
    let (n1, n2) = (nom(&c, 0), nom(&c, 1));
    let (s, _) = street
        .post_api(
            &format!("/api/v1/comprehensive/nominations/{n1}/review"),
            &json!({"decision": "accept"}),
        )
        .await;
    assert_eq!(s, StatusCode::OK);
    // Amending needs a reason: 422 with the field, nothing changes.
    let (s, p) = street
        .post_api(
            &format!("/api/v1/comprehensive/nominations/{n2}/review"),
            &json!({"decision": "amend"}),
        )
        .await;
    assert_eq!(
        (s, p["field"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("reason"))
    );
    let r = street
        .post_form(
            &format!("/comprehensive/nominations/{n2}/review"),
            &[
                ("decision", "amend"),
                ("reason", "请补充议事决定落实情况"),
                ("campaign_id", &id.to_string()),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(todo("worker", "待补正").await, 1);
    let (_, c) = worker.get_api(&format!("/api/v1/comprehensive/{id}")).await;
    let n = &community(&c, "示例和平社区")["nominations"][1];
    assert_eq!(
        (n["state"].as_str(), n["review_reason"].as_str()),
        (Some("amend"), Some("请补充议事决定落实情况"))
    );
    let (s, _) = worker
        .post_api(
            &format!("/api/v1/comprehensive/{id}/nominations"),
            &json!({"indicator": 2, "report": "议事会每月一次，决定均已落实"}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "an amendment may keep the files it has");
    // Reviewed twice: 409.
    let (s, _) = street
        .post_api(
            &format!("/api/v1/comprehensive/nominations/{n2}/review"),
            &json!({"decision": "accept"}),
        )
        .await;
    assert_eq!(s, StatusCode::OK);
    let (s, p) = street
        .post_api(
            &format!("/api/v1/comprehensive/nominations/{n2}/review"),
            &json!({"decision": "accept"}),
        )
        .await;
    assert_eq!(
        (s, p["code"].as_str()),
        (StatusCode::CONFLICT, Some("nomination_not_submitted"))
    );
    // An accepted nomination cannot be changed.
    let (s, p) = worker
        .post_api(
            &format!("/api/v1/comprehensive/{id}/nominations"),
            &json!({"indicator": 1, "report": "改一改", "evidence": [evidence("a.png", PNG)]}),
        )
        .await;
    assert_eq!(
        (s, p["code"].as_str()),
        (StatusCode::CONFLICT, Some("nomination_accepted"))
    );

    // Two residents of 示例和平社区 rate it; the second try of one is refused.
    let r1 = t.login("resident").await;
    let (s, c) = r1
        .post_api(
            &format!("/api/v1/comprehensive/{id}/responses"),
            &json!({"ratings": ["very_satisfied", "satisfied"], "comment": "办事很方便"}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{c}");
    assert_eq!(
        (c["answered"].as_bool(), c["can_respond"].as_bool()),
        (Some(true), Some(false))
    );
    let (s, p) = r1
        .post_api(
            &format!("/api/v1/comprehensive/{id}/responses"),
            &json!({"ratings": ["neutral", "neutral"]}),
        )
        .await;
    assert_eq!(
        (s, p["code"].as_str()),
        (StatusCode::CONFLICT, Some("response_exists"))
    );
    assert!(p["detail"].as_str().unwrap().contains("只能评价一次"));
    let r2 = resident(&t, "heping.r2", "210302091001").await;
    let page = r2.get_text(&format!("/comprehensive/{id}")).await.1;
    assert!(page.contains("survey-form"), "the resident sees the survey");
    let r = r2
        .post_form(
            &format!("/comprehensive/{id}/responses"),
            &[
                ("rating_1", "dissatisfied"),
                ("rating_2", "very_dissatisfied"),
                ("comment", "楼道灯坏了很久"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    // Only one response each: the second answer changed nothing.
    assert_eq!(
        crate::auth::scalar(&t, "SELECT COUNT(*) FROM comprehensive_response").await,
        2
    );

    // The community sees counts only: no comment, no answers, no follow-up list.
    let (_, c) = worker.get_api(&format!("/api/v1/comprehensive/{id}")).await;
    let m = community(&c, "示例和平社区");
    assert_eq!(m["responses"], 2);
    assert_eq!(
        m["rating_counts"][0],
        json!({"rating": "非常满意", "count": 1})
    );
    assert_eq!(c["follow_ups"], json!([]));
    let text = c.to_string();
    assert!(
        !text.contains("楼道灯") && !text.contains("办事很方便") && !text.contains("heping.r2")
    );
    let (_, html) = worker.get_text(&format!("/comprehensive/{id}")).await;
    assert!(!html.contains("楼道灯") && !html.contains("办事很方便"));
    // The district's follow-up list has the low rating with its comment (not who gave it).
    let (_, c) = district
        .get_api(&format!("/api/v1/comprehensive/{id}"))
        .await;
    let f = c["follow_ups"].as_array().unwrap();
    assert_eq!(f.len(), 1, "{c}");
    assert_eq!(f[0]["comment"], "楼道灯坏了很久");
    assert_eq!(f[0]["community"], "示例和平社区");
    // The audit of a response names the community, never the answers.
    assert_eq!(t.audit_count("comprehensive.respond").await, 2);

    // Scores: 90; 80 and 70 (indicator 3 was never nominated: the district decides).
    let (s, p) = district
        .post_api(
            &format!("/api/v1/comprehensive/{id}/scores"),
            &json!({"community_id": heping, "scores": [{"indicator": 1, "score": "101"}, {"indicator": 2, "score": "-5"}]}),
        )
        .await;
    assert_eq!(
        (s, p["code"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("score_invalid"))
    );
    assert!(
        p["detail"].as_str().unwrap().contains("101")
            && p["detail"].as_str().unwrap().contains("-5")
    );
    let r = district
        .post_form(
            &format!("/comprehensive/{id}/scores"),
            &[
                ("community_id", &heping.to_string()),
                ("score_1", "90"),
                ("score_2", "80"),
                ("score_3", "70"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    // Closing before the deadline has passed: 409.
    let (s, p) = district
        .post_api(&format!("/api/v1/comprehensive/{id}/close"), &json!({}))
        .await;
    assert_eq!(
        (s, p["code"].as_str()),
        (StatusCode::CONFLICT, Some("comprehensive_nomination_open"))
    );

    t.advance_clock_ms(86_400_000);
    let district = t.login("district_supervisor").await;
    let (s, c) = district
        .post_api(&format!("/api/v1/comprehensive/{id}/close"), &json!({}))
        .await;
    assert_eq!(s, StatusCode::OK, "{c}");
    assert_eq!(c["status"], "closed");
    // 40 % × 60.00 (100, 80, 40, 20) + 30 % × 90 + 30 % × (50 % × 80 + 50 % × 70) = 73.50.
    assert_eq!(
        c["ranking"],
        json!([{"rank": 1, "community_id": heping, "community": "示例和平社区", "total": "73.50"}])
    );
    let m = community(&c, "示例和平社区");
    assert_eq!(m["groups"][0]["score"], "60.00");
    assert_eq!(m["groups"][2]["score"], "75.00");
    let guangming = community(&c, "示例光明社区");
    assert_eq!(guangming["total"], Value::Null);
    assert!(
        guangming["incomplete"]
            .as_str()
            .unwrap()
            .contains("最少 2 份")
    );

    // Published: every reader sees the ranking and each breakdown; a resident too.
    let worker = t.login("worker").await;
    let (_, html) = worker.get_text(&format!("/comprehensive/{id}")).await;
    assert!(html.contains("73.50") && html.contains("考评结果（已公布）"));
    assert!(
        html.contains("示例新华社区"),
        "every community's breakdown once published"
    );
    let r1 = t.login("resident").await;
    let (_, c) = r1.get_api(&format!("/api/v1/comprehensive/{id}")).await;
    assert_eq!(c["ranking"][0]["total"], "73.50");
    let x = r1.get(&format!("/comprehensive/{id}/ranking.xlsx")).await;
    assert_eq!(x.status(), StatusCode::OK);
    assert!(x.bytes().await.unwrap().starts_with(b"PK"));
    assert_eq!(t.audit_count("comprehensive.export").await, 1);

    // After closing: a response is refused, nothing is scored or nominated.
    let r3 = resident(&t, "heping.r3", "210302091001").await;
    let (s, p) = r3
        .post_api(
            &format!("/api/v1/comprehensive/{id}/responses"),
            &json!({"ratings": ["satisfied", "satisfied"]}),
        )
        .await;
    assert_eq!(
        (s, p["code"].as_str()),
        (StatusCode::CONFLICT, Some("comprehensive_closed"))
    );
    let (s, _) = district
        .post_api(
            &format!("/api/v1/comprehensive/{id}/scores"),
            &json!({"community_id": heping, "scores": [{"indicator": 1, "score": "10"}]}),
        )
        .await;
    assert_eq!(s, StatusCode::CONFLICT);
    assert_eq!(
        crate::auth::scalar(&t, "SELECT COUNT(*) FROM comprehensive_response").await,
        2
    );
    let (_, c) = district
        .get_api(&format!("/api/v1/comprehensive/{id}"))
        .await;
    assert_eq!(
        c["ranking"][0]["total"], "73.50",
        "the same inputs give the same result"
    );
}

/// Weights that do not add up to 100, a negative weight, satisfaction not the largest group:
/// 422 with every problem at once and the clause, nothing stored; the page shows them too.
#[tokio::test]
async fn bad_designs_are_refused_with_every_problem() {
    let t = spawn_app().await;
    let district = t.login("district_supervisor").await;
    let before = campaigns(&t).await;

    let mut d = due_today(&t, design());
    d["satisfaction_weight"] = json!("30");
    let (s, p) = district.post_api("/api/v1/comprehensive", &d).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        codes(&p),
        ["weights_sum_invalid", "satisfaction_not_largest"],
        "{p}"
    );
    assert!(p["detail"].as_str().unwrap().contains("现为 90"));

    let mut d = due_today(&t, design());
    d["groups"][0]["weight"] = json!("-10");
    d["name"] = json!("");
    let (s, p) = district.post_api("/api/v1/comprehensive", &d).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(codes(&p), ["name_invalid", "weight_invalid"], "{p}");
    assert!(
        p["errors"][0]["detail"]
            .as_str()
            .unwrap()
            .contains("不能为负")
    );

    // 40 against a group of 40: not the largest (4.3-4), with the indicator weights wrong too.
    let mut d = due_today(&t, design());
    d["groups"] =
        json!([{"name": "基层党建", "weight": "40"}, {"name": "治理服务", "weight": "20"}]);
    d["indicators"][0]["weight"] = json!("90");
    let (s, p) = district.post_api("/api/v1/comprehensive", &d).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        codes(&p),
        ["indicator_weights_sum_invalid", "satisfaction_not_largest"],
        "{p}"
    );
    let sat = &p["errors"][0];
    assert_eq!(sat["field"], "satisfaction_weight");
    assert!(sat["detail"].as_str().unwrap().contains("4.3-4"));
    assert!(sat["detail"].as_str().unwrap().contains("基层党建"));

    // The page: the same problems, linked to their fields, nothing stored.
    let r = district
        .post_form(
            "/comprehensive",
            &[
                ("name", "测试"),
                ("year", &(this_year() + 1).to_string()),
                ("nomination_deadline", &t.today().to_string()),
                ("min_responses", "2"),
                ("satisfaction_weight", "20"),
                ("question", "满意吗？"),
                ("group_name", "基层党建"),
                ("group_weight", "80"),
                ("indicator_group", "基层党建"),
                ("indicator_name", "党组织建设"),
                ("indicator_weight", "100"),
                ("indicator_method", ""),
                ("indicator_demand", "0"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = r.text().await.unwrap();
    assert!(html.contains(r##"href="#satisfaction_weight""##), "{html}");
    assert!(html.contains("4.3-4"));
    assert_eq!(campaigns(&t).await, before);

    // The city's supervisor runs no district's evaluation (its own level only).
    let city = t.login("supervisor").await;
    let (s, _) = city
        .post_api("/api/v1/comprehensive", &due_today(&t, design()))
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    assert_eq!(campaigns(&t).await, before);
}

/// A community nominates only for itself (403), only files that are what their names say
/// (422), and not after the deadline (409: shown as missing to the district).
#[tokio::test]
async fn nominations_refused_for_another_community_bad_files_and_late() {
    let t = spawn_app().await;
    let district = t.login("district_supervisor").await;
    let (_, c) = district
        .post_api("/api/v1/comprehensive", &due_today(&t, design()))
        .await;
    let id = c["id"].as_i64().unwrap();
    let guangming = t.node_id("示例光明社区").await;
    let worker = t.login("worker").await;

    let (s, _) = worker
        .post_api(
            &format!("/api/v1/comprehensive/{id}/nominations"),
            &json!({"community_id": guangming, "indicator": 1, "report": "代报", "evidence": [evidence("a.png", PNG)]}),
        )
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN);

    let (s, p) = worker
        .post_api(
            &format!("/api/v1/comprehensive/{id}/nominations"),
            &json!({"indicator": 1, "report": "", "evidence": [evidence("照片.pdf", PNG)]}),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(codes(&p), ["required", "attachment_disguised"], "{p}");
    let (s, p) = worker
        .post_api(
            &format!("/api/v1/comprehensive/{id}/nominations"),
            &json!({"indicator": 9, "report": "x", "evidence": [evidence("a.png", b"not a picture")]}),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(codes(&p), ["indicator_unknown", "attachment_type"], "{p}");
    // The page says the same, next to the file field.
    let heping = t.node_id("示例和平社区").await;
    let r = worker
        .post_multipart(
            &format!("/comprehensive/{id}/nominations"),
            &[
                ("community_id", &heping.to_string()),
                ("indicator", "1"),
                ("report", "说明"),
            ],
            &[("evidence", "扫描件.jpg", PNG)],
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().await.unwrap().contains("扩展名与文件内容不符"));
    assert_eq!(
        crate::auth::scalar(&t, "SELECT COUNT(*) FROM comprehensive_nomination").await,
        0
    );

    // After the deadline: refused, and the district sees it missing.
    t.advance_clock_ms(86_400_000);
    let worker = t.login("worker").await;
    let (s, p) = worker
        .post_api(
            &format!("/api/v1/comprehensive/{id}/nominations"),
            &json!({"indicator": 1, "report": "迟到的申报", "evidence": [evidence("a.png", PNG)]}),
        )
        .await;
    assert_eq!(
        (s, p["code"].as_str()),
        (StatusCode::CONFLICT, Some("nomination_deadline_passed"))
    );
    let district = t.login("district_supervisor").await;
    let (_, c) = district
        .get_api(&format!("/api/v1/comprehensive/{id}"))
        .await;
    assert_eq!(
        community(&c, "示例和平社区")["nominations"][0]["state"],
        "missing"
    );
    let (_, html) = district.get_text(&format!("/comprehensive/{id}")).await;
    assert!(html.contains("逾期未报"));
}

/// A resident of another district cannot answer; bad ratings are refused with every problem.
#[tokio::test]
async fn only_residents_of_the_district_answer_every_question() {
    let t = spawn_app().await;
    let district = t.login("district_supervisor").await;
    let (_, c) = district
        .post_api("/api/v1/comprehensive", &due_today(&t, design()))
        .await;
    let id = c["id"].as_i64().unwrap();
    let r = t.login("resident").await;
    let (s, p) = r
        .post_api(
            &format!("/api/v1/comprehensive/{id}/responses"),
            &json!({"ratings": ["satisfied", "great"], "comment": "长".repeat(501)}),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{p}");
    assert_eq!(codes(&p).len(), 2, "{p}");
    assert!(p["detail"].as_str().unwrap().contains("第 2 题"));
    // A resident of 铁西区 (示例繁荣社区) neither sees the campaign nor may answer.
    let other = resident(&t, "fanrong.r", "210303091001").await;
    let (s, _) = other
        .post_api(
            &format!("/api/v1/comprehensive/{id}/responses"),
            &json!({"ratings": ["satisfied", "satisfied"]}),
        )
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, _) = other.get_api(&format!("/api/v1/comprehensive/{id}")).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    assert_eq!(
        crate::auth::scalar(&t, "SELECT COUNT(*) FROM comprehensive_response").await,
        0
    );
}

async fn appeals(t: &TestApp) -> i64 {
    crate::auth::scalar(t, "SELECT COUNT(*) FROM comprehensive_appeal").await
}

/// Appeals (申诉): after the district closes the campaign, 示例和平社区 appeals its score within
/// 5 working days — refused before publication, for another community, without a reason, with
/// a disguised file and while another is open; the district rejects or upholds it (corrected
/// scores, the total and ranking recomputed, a note on the page and in the export), each
/// answer once; to-dos on both sides; after the deadline no appeal.
#[tokio::test]
async fn a_community_appeals_its_score_and_the_district_answers() {
    let t = spawn_app().await;
    let district = t.login("district_supervisor").await;
    let mut d = due_today(&t, design());
    d["min_responses"] = json!("1");
    let (s, c) = district.post_api("/api/v1/comprehensive", &d).await;
    assert_eq!(s, StatusCode::CREATED, "{c}");
    let id = c["id"].as_i64().unwrap();
    let heping = t.node_id("示例和平社区").await;
    let guangming = t.node_id("示例光明社区").await;
    let r1 = resident(&t, "appeal.r1", "210302091001").await;
    let (s, c) = r1
        .post_api(
            &format!("/api/v1/comprehensive/{id}/responses"),
            &json!({"ratings": ["satisfied", "satisfied"]}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{c}");
    let (s, c) = district
        .post_api(
            &format!("/api/v1/comprehensive/{id}/scores"),
            &json!({"community_id": heping, "scores": [
                {"indicator": 1, "score": "90"}, {"indicator": 2, "score": "80"}, {"indicator": 3, "score": "70"}]}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{c}");
    // Before publication: 409.
    let (s, p) = t
        .login("worker")
        .await
        .post_api(
            &format!("/api/v1/comprehensive/{id}/appeals"),
            &json!({"reason": "便民服务得分有误"}),
        )
        .await;
    assert_eq!(
        (s, p["code"].as_str()),
        (StatusCode::CONFLICT, Some("comprehensive_not_published")),
        "{p}"
    );
    t.advance_clock_ms(86_400_000);
    let district = t.login("district_supervisor").await;
    let worker = t.login("worker").await;
    let r1 = t.login_with("appeal.r1", PASSWORD).await.unwrap();
    let appeal = |body: Value| {
        let worker = &worker;
        async move {
            worker
                .post_api(&format!("/api/v1/comprehensive/{id}/appeals"), &body)
                .await
        }
    };
    let (s, c) = district
        .post_api(&format!("/api/v1/comprehensive/{id}/close"), &json!({}))
        .await;
    assert_eq!(s, StatusCode::OK, "{c}");
    // 40 % × 80 + 30 % × 90 + 30 % × (80 + 70) / 2 = 81.50.
    assert_eq!(c["ranking"][0]["total"], "81.50");
    let deadline = c["appeal_deadline"].as_str().unwrap().to_owned();
    let (_, c) = worker.get_api(&format!("/api/v1/comprehensive/{id}")).await;
    assert_eq!(c["may_appeal"], json!([heping]));
    assert_eq!(c["appeal_deadline"], json!(deadline));

    // Bad input: another community (403), no reason, a file that is not what it says (422).
    let audits = t.audit_count("comprehensive.appeal").await;
    let (s, p) = appeal(json!({"community_id": guangming, "reason": "替光明社区申诉"})).await;
    assert_eq!(
        (s, p["code"].as_str()),
        (StatusCode::FORBIDDEN, Some("forbidden")),
        "{p}"
    );
    let (s, p) =
        appeal(json!({"reason": "  ", "evidence": [evidence("截图.png", b"not a png")]})).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{p}");
    assert_eq!(codes(&p), ["required", "attachment_type"], "{p}");
    // The page: the same refusal re-renders the form with the message.
    let r = worker
        .post_multipart(
            &format!("/comprehensive/{id}/appeals"),
            &[("community_id", &heping.to_string()), ("reason", "")],
            &[],
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().await.unwrap().contains("请填写申诉理由"));
    assert_eq!(appeals(&t).await, 0);
    assert_eq!(t.audit_count("comprehensive.appeal").await, audits);

    // Through the page with evidence: filed.
    let r = worker
        .post_multipart(
            &format!("/comprehensive/{id}/appeals"),
            &[
                ("community_id", &heping.to_string()),
                ("reason", "便民服务有台账佐证，得分偏低"),
            ],
            &[("evidence", "台账.png", PNG)],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(appeals(&t).await, 1);
    assert_eq!(t.audit_count("comprehensive.appeal").await, audits + 1);
    // A second one while it is open: 409.
    let (s, p) = appeal(json!({"reason": "再次申诉"})).await;
    assert_eq!(
        (s, p["code"].as_str()),
        (StatusCode::CONFLICT, Some("appeal_open")),
        "{p}"
    );
    assert_eq!(appeals(&t).await, 1);
    let (_, c) = worker.get_api(&format!("/api/v1/comprehensive/{id}")).await;
    let a = &c["appeals"][0];
    assert_eq!(
        (a["status"].as_str(), a["community_id"].as_i64()),
        (Some("open"), Some(heping))
    );
    assert_eq!(c["may_appeal"], json!([]));
    let aid = a["id"].as_i64().unwrap();
    let ev = a["evidence"][0].as_i64().unwrap();
    assert_eq!(
        worker
            .get(&format!("/comprehensive/appeal-evidence/{ev}"))
            .await
            .status(),
        StatusCode::OK
    );
    // A resident does not open the file.
    assert_eq!(
        r1.get(&format!("/comprehensive/appeal-evidence/{ev}"))
            .await
            .status(),
        StatusCode::FORBIDDEN
    );

    // The district's inbox asks for the answer.
    let todo = |who: &'static str, kind: &'static str| {
        let t = &t;
        async move {
            t.app
                .inbox(&t.ctx(who).await)
                .await
                .unwrap()
                .items
                .into_iter()
                .filter(|i| {
                    i.kind_zh == kind && i.href.starts_with(&format!("/comprehensive/{id}"))
                })
                .count()
        }
    };
    assert_eq!(todo("district_supervisor", "待答复申诉").await, 1);

    // Answers refused: no reason; upheld without a corrected score; a bad score; not the
    // district (the gate).
    let answer = format!("/api/v1/comprehensive/appeals/{aid}/answer");
    let (s, p) = district
        .post_api(&answer, &json!({"decision": "reject", "answer": ""}))
        .await;
    assert_eq!(
        (s, p["code"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("required")),
        "{p}"
    );
    let (s, p) = district
        .post_api(
            &answer,
            &json!({"decision": "uphold", "answer": "台账属实"}),
        )
        .await;
    assert_eq!(
        (s, p["code"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("scores_required")),
        "{p}"
    );
    let (s, p) = district
        .post_api(&answer, &json!({"decision": "uphold", "answer": "台账属实", "scores": [{"indicator": 3, "score": "120"}]}))
        .await;
    assert_eq!(
        (s, p["code"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("score_invalid")),
        "{p}"
    );
    let (s, p) = district
        .post_api(&answer, &json!({"decision": "maybe", "answer": "x"}))
        .await;
    assert_eq!(
        (s, p["code"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("decision_invalid")),
        "{p}"
    );
    let (s, _) = worker
        .post_api(
            &answer,
            &json!({"decision": "reject", "answer": "自己答复"}),
        )
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    assert_eq!(t.audit_count("comprehensive.appeal_answer").await, 0);
    let (_, c) = district
        .get_api(&format!("/api/v1/comprehensive/{id}"))
        .await;
    assert_eq!(c["ranking"][0]["total"], "81.50", "nothing changed");

    // Upheld through the page: 便民服务 70 → 90, the total 81.50 → 84.50.
    let r = district
        .post_form(
            &format!("/comprehensive/appeals/{aid}/answer"),
            &[
                ("campaign_id", &id.to_string()),
                ("decision", "uphold"),
                ("answer", "台账属实，便民服务得分更正为 90"),
                ("score_3", "90"),
                ("score_1", ""),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (_, c) = worker.get_api(&format!("/api/v1/comprehensive/{id}")).await;
    assert_eq!(c["ranking"][0]["total"], "84.50", "{c}");
    let a = &c["appeals"][0];
    assert_eq!(a["status"], "upheld");
    assert_eq!(
        (a["old_total"].as_str(), a["new_total"].as_str()),
        (Some("81.50"), Some("84.50"))
    );
    assert_eq!(
        community(&c, "示例和平社区")["nominations"][2]["score"],
        "90.00"
    );
    assert_eq!(t.audit_count("comprehensive.appeal_answer").await, 1);
    let (_, html) = worker.get_text(&format!("/comprehensive/{id}")).await;
    assert!(html.contains("经申诉更正得分") && html.contains("申诉成立，得分已更正"));
    let x = worker
        .get(&format!("/comprehensive/{id}/ranking.xlsx"))
        .await;
    assert_eq!(x.status(), StatusCode::OK);
    assert!(x.bytes().await.unwrap().starts_with(b"PK"));
    // Answered once: 409; the inboxes move on.
    let (s, p) = district
        .post_api(
            &answer,
            &json!({"decision": "reject", "answer": "再答一次"}),
        )
        .await;
    assert_eq!(
        (s, p["code"].as_str()),
        (StatusCode::CONFLICT, Some("appeal_answered")),
        "{p}"
    );
    assert_eq!(todo("district_supervisor", "待答复申诉").await, 0);
    assert_eq!(todo("worker", "申诉已答复").await, 1);

    // A second appeal within the period, rejected with a reason.
    let (s, c) = appeal(json!({"reason": "居民议事得分也偏低"})).await;
    assert_eq!(s, StatusCode::OK, "{c}");
    let aid2 = c["appeals"][1]["id"].as_i64().unwrap();
    let (s, c) = district
        .post_api(
            &format!("/api/v1/comprehensive/appeals/{aid2}/answer"),
            &json!({"decision": "reject", "answer": "议事记录不全"}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{c}");
    assert_eq!(c["appeals"][1]["status"], "rejected");
    assert_eq!(c["ranking"][0]["total"], "84.50");

    // After the deadline: 409, nothing filed.
    let last = chrono::NaiveDate::parse_from_str(&deadline, "%Y-%m-%d").unwrap();
    t.move_clock_to(last.succ_opt().unwrap());
    let worker = t.login("worker").await;
    let (s, p) = worker
        .post_api(
            &format!("/api/v1/comprehensive/{id}/appeals"),
            &json!({"reason": "逾期申诉"}),
        )
        .await;
    assert_eq!(
        (s, p["code"].as_str()),
        (StatusCode::CONFLICT, Some("appeal_deadline_passed")),
        "{p}"
    );
    assert!(p["detail"].as_str().unwrap().contains(&deadline));
    assert_eq!(appeals(&t).await, 2);
}
