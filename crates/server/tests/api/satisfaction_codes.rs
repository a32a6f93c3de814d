//! One-time satisfaction codes (评价码, 4.3-4; issue 12 §2): a community issues codes, shown
//! once and stored as hashes; a code holder without an account answers once on the public page
//! or the API; the code is used up atomically; the district audits issued and used counts per
//! community; unknown and used codes, a closed campaign, a bad count and another community are
//! refused with nothing changed.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::auth::scalar;
use crate::helpers::{TestApp, client, csrf_in, spawn_app, this_year};

fn design(t: &TestApp) -> Value {
    json!({
        "name": "铁东区社区(村)工作综合考评（评价码）",
        "year": (this_year() + 1).to_string(),
        "nomination_deadline": t.today().to_string(),
        "min_responses": "2",
        "satisfaction_weight": "60",
        "questions": ["您对社区办事服务是否满意？", "您对社区环境是否满意？"],
        "groups": [{"name": "基层党建", "weight": "40"}],
        "indicators": [
            {"group": "基层党建", "name": "党组织建设", "weight": "100", "method": ""}
        ]
    })
}

/// (codes, used codes, responses, ok audit entries)
async fn counts(t: &TestApp) -> (i64, i64, i64, i64) {
    (
        scalar(t, "SELECT COUNT(*) FROM satisfaction_code").await,
        scalar(
            t,
            "SELECT COUNT(*) FROM satisfaction_code WHERE used_on IS NOT NULL",
        )
        .await,
        scalar(t, "SELECT COUNT(*) FROM comprehensive_response").await,
        scalar(t, "SELECT COUNT(*) FROM audit_entry WHERE outcome = 'ok'").await,
    )
}

async fn public_post(t: &TestApp, path: &str, body: &Value) -> (StatusCode, Value) {
    let r = client().post(t.url(path)).json(body).send().await.unwrap();
    let s = r.status();
    (s, r.json().await.unwrap_or(Value::Null))
}

fn community<'a>(c: &'a Value, name: &str) -> &'a Value {
    c["communities"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["name"] == name)
        .unwrap_or_else(|| panic!("{name} in {c}"))
}

async fn campaign(t: &TestApp) -> i64 {
    let district = t.login("district_supervisor").await;
    let (s, c) = district.post_api("/api/v1/comprehensive", &design(t)).await;
    assert_eq!(s, StatusCode::CREATED, "{c}");
    c["id"].as_i64().unwrap()
}

#[tokio::test]
async fn a_community_issues_codes_and_each_answers_once() {
    let t = spawn_app().await;
    let id = campaign(&t).await;
    let worker = t.login("worker").await;
    let before = counts(&t).await;

    // The API: three codes, shown once, stored only as hashes.
    let (s, b) = worker
        .post_api(
            &format!("/api/v1/comprehensive/{id}/codes"),
            &json!({"count": 3}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{b}");
    assert_eq!(b["community_name"], "示例和平社区");
    let codes: Vec<String> = b["codes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c.as_str().unwrap().to_owned())
        .collect();
    assert_eq!(codes.len(), 3);
    assert!(codes.iter().all(|c| c.len() == 14), "{codes:?}");
    assert_ne!(codes[0], codes[1]);
    let after = counts(&t).await;
    assert_eq!(after, (before.0 + 3, 0, before.2, before.3 + 1));
    assert_eq!(t.audit_count("comprehensive.codes_issue").await, 1);
    let plain = codes[0].replace('-', "");
    assert_eq!(
        scalar(
            &t,
            &format!("SELECT COUNT(*) FROM satisfaction_code WHERE code_hash LIKE '%{plain}%'"),
        )
        .await,
        0,
        "the code itself is not stored"
    );

    // The page: a printable list of two more.
    let page = worker.get_text(&format!("/comprehensive/{id}")).await.1;
    assert!(
        page.contains("codes-form-"),
        "the worker is offered the form"
    );
    let heping = t.node_id("示例和平社区").await;
    let r = worker
        .post_form(
            &format!("/comprehensive/{id}/codes"),
            &[("community_id", &heping.to_string()), ("count", "2")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let html = r.text().await.unwrap();
    let doc = scraper::Html::parse_document(&html);
    let sel = scraper::Selector::parse("#codes .code").unwrap();
    let printed: Vec<String> = doc
        .select(&sel)
        .map(|e| e.text().collect::<String>())
        .collect();
    assert_eq!(printed.len(), 2, "{html}");
    assert_eq!(counts(&t).await.0, before.0 + 5);

    // Public API: the survey a code opens, then one answer (lower case, no dashes).
    let (s, sv) = public_post(
        &t,
        "/api/v1/satisfaction/survey",
        &json!({"code": codes[0]}),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{sv}");
    assert_eq!(sv["community_name"], "示例和平社区");
    assert_eq!(sv["questions"].as_array().unwrap().len(), 2);
    let (s, a) = public_post(
        &t,
        "/api/v1/satisfaction",
        &json!({"code": codes[0].replace('-', "").to_lowercase(), "ratings": ["very_satisfied", "dissatisfied"], "comment": "希望延长周末办事时间"}),
    )
    .await;
    assert_eq!(s, StatusCode::CREATED, "{a}");
    assert_eq!(t.audit_count("comprehensive.respond_by_code").await, 1);
    let mid = counts(&t).await;
    assert_eq!((mid.1, mid.2), (1, before.2 + 1));

    // The same code again: 409, nothing changes.
    let (s, p) = public_post(
        &t,
        "/api/v1/satisfaction",
        &json!({"code": codes[0], "ratings": ["satisfied", "satisfied"]}),
    )
    .await;
    assert_eq!(
        (s, p["code"].as_str()),
        (StatusCode::CONFLICT, Some("code_used"))
    );
    assert!(p["detail"].as_str().unwrap().contains("只能评价一次"));
    let (s, p) = public_post(
        &t,
        "/api/v1/satisfaction/survey",
        &json!({"code": codes[0]}),
    )
    .await;
    assert_eq!(
        (s, p["code"].as_str()),
        (StatusCode::CONFLICT, Some("code_used"))
    );
    // Unknown and malformed codes: 404 with one message.
    for bad in ["AAAA-BBBB-CCCC", "xyz", ""] {
        let (s, p) = public_post(
            &t,
            "/api/v1/satisfaction",
            &json!({"code": bad, "ratings": ["satisfied", "satisfied"]}),
        )
        .await;
        assert_eq!(
            (s, p["code"].as_str()),
            (StatusCode::NOT_FOUND, Some("code_unknown")),
            "{bad}"
        );
    }
    // A missing answer: 422, and the code stays usable.
    let (s, p) = public_post(
        &t,
        "/api/v1/satisfaction",
        &json!({"code": codes[1], "ratings": ["satisfied"]}),
    )
    .await;
    assert_eq!(
        (s, p["code"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("ratings_invalid"))
    );
    assert_eq!(counts(&t).await, mid);

    // Two submissions of one code at once: one response.
    let body = json!({"code": codes[1], "ratings": ["satisfied", "neutral"]});
    let (a, b) = tokio::join!(
        public_post(&t, "/api/v1/satisfaction", &body),
        public_post(&t, "/api/v1/satisfaction", &body)
    );
    let mut got = [a.0, b.0];
    got.sort();
    assert_eq!(
        got,
        [StatusCode::CREATED, StatusCode::CONFLICT],
        "{a:?} {b:?}"
    );
    assert_eq!(counts(&t).await.2, before.2 + 2);

    // The public page: code, survey, thanks — with the double-submit token.
    let c = client();
    let html = c.get(t.url("/satisfaction")).send().await.unwrap();
    assert_eq!(html.status(), StatusCode::OK);
    let token = csrf_in(&html.text().await.unwrap()).expect("token");
    let r = c
        .post(t.url("/satisfaction"))
        .form(&[
            ("csrf_token", token.as_str()),
            ("code", printed[0].as_str()),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let html = r.text().await.unwrap();
    assert!(
        html.contains("code-survey-form") && html.contains("示例和平社区"),
        "{html}"
    );
    let token = csrf_in(&html).expect("token");
    // One answer missing: the survey again with the message, the code unused.
    let r = c
        .post(t.url("/satisfaction"))
        .form(&[
            ("csrf_token", token.as_str()),
            ("code", printed[0].as_str()),
            ("answer", "1"),
            ("rating_1", "satisfied"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = r.text().await.unwrap();
    assert!(html.contains("第 2 题") && html.contains("code-survey-form"));
    assert_eq!(counts(&t).await.2, before.2 + 2);
    // The form comes back with the token it now carries.
    let token = csrf_in(&html).expect("token");
    let r = c
        .post(t.url("/satisfaction"))
        .form(&[
            ("csrf_token", token.as_str()),
            ("code", printed[0].as_str()),
            ("answer", "1"),
            ("rating_1", "satisfied"),
            ("rating_2", "very_satisfied"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert!(r.text().await.unwrap().contains("code-thanks"));
    assert_eq!(counts(&t).await.2, before.2 + 3);
    // Without the token: 400, nothing recorded.
    let r = c
        .post(t.url("/satisfaction"))
        .form(&[("csrf_token", "forged"), ("code", printed[1].as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);

    // The district audits: 5 issued, 3 used, 3 responses; the community sees its counts.
    let district = t.login("district_supervisor").await;
    let (_, v) = district
        .get_api(&format!("/api/v1/comprehensive/{id}"))
        .await;
    let m = community(&v, "示例和平社区");
    assert_eq!(
        (m["codes_issued"].as_i64(), m["codes_used"].as_i64()),
        (Some(5), Some(3)),
        "{m}"
    );
    assert_eq!(m["responses"], 3);
    let other = community(&v, "示例新华社区");
    assert_eq!(
        (other["codes_issued"].as_i64(), other["codes_used"].as_i64()),
        (Some(0), Some(0))
    );
    let html = district.get_text(&format!("/comprehensive/{id}")).await.1;
    assert!(
        html.contains("已发放 <strong class=\"codes-issued\">5</strong>"),
        "{html}"
    );
    assert!(
        !html.contains("codes-form-"),
        "the district does not issue codes"
    );
    // The community never sees what a code holder answered.
    let (_, w) = worker.get_api(&format!("/api/v1/comprehensive/{id}")).await;
    assert!(!w.to_string().contains("周末办事"));
    assert_eq!(community(&w, "示例和平社区")["codes_used"], 3);
}

#[tokio::test]
async fn bad_batches_other_communities_and_closed_campaigns_change_nothing() {
    let t = spawn_app().await;
    let id = campaign(&t).await;
    let worker = t.login("worker").await;
    let (_, b) = worker
        .post_api(
            &format!("/api/v1/comprehensive/{id}/codes"),
            &json!({"count": 1}),
        )
        .await;
    let code = b["codes"][0].as_str().unwrap().to_owned();
    let before = counts(&t).await;
    // Counts out of range: 422 count_invalid (API and page).
    for n in [0, 501] {
        let (s, p) = worker
            .post_api(
                &format!("/api/v1/comprehensive/{id}/codes"),
                &json!({"count": n}),
            )
            .await;
        assert_eq!(
            (s, p["code"].as_str()),
            (StatusCode::UNPROCESSABLE_ENTITY, Some("count_invalid")),
            "{n}"
        );
    }
    let r = worker
        .post_form(
            &format!("/comprehensive/{id}/codes"),
            &[
                ("count", "很多"),
                ("community_id", &t.node_id("示例和平社区").await.to_string()),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().await.unwrap().contains("1–500"));
    // Another community (示例新华社区 is not the worker's): 403.
    let xinhua = t.node_id("示例新华社区").await;
    let (s, _) = worker
        .post_api(
            &format!("/api/v1/comprehensive/{id}/codes"),
            &json!({"community_id": xinhua, "count": 2}),
        )
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    // The district and a resident do not issue codes: 403.
    for who in ["district_supervisor", "resident"] {
        let b = t.login(who).await;
        let (s, _) = b
            .post_api(
                &format!("/api/v1/comprehensive/{id}/codes"),
                &json!({"count": 2}),
            )
            .await;
        assert_eq!(s, StatusCode::FORBIDDEN, "{who}");
    }
    let (c, u, r, _) = counts(&t).await;
    assert_eq!((c, u, r), (before.0, before.1, before.2));

    // Closed: the code no longer answers, and no more codes are issued.
    t.advance_clock_ms(86_400_000);
    let district = t.login("district_supervisor").await;
    let (s, v) = district
        .post_api(&format!("/api/v1/comprehensive/{id}/close"), &json!({}))
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    // Signing in is audited: before the counts are taken.
    let worker = t.login("worker").await;
    let before = counts(&t).await;
    let (s, p) = public_post(
        &t,
        "/api/v1/satisfaction",
        &json!({"code": code, "ratings": ["satisfied", "satisfied"]}),
    )
    .await;
    assert_eq!(
        (s, p["code"].as_str()),
        (StatusCode::CONFLICT, Some("comprehensive_closed"))
    );
    let (s, p) = worker
        .post_api(
            &format!("/api/v1/comprehensive/{id}/codes"),
            &json!({"count": 2}),
        )
        .await;
    assert_eq!(
        (s, p["code"].as_str()),
        (StatusCode::CONFLICT, Some("comprehensive_closed"))
    );
    assert_eq!(counts(&t).await, before);
}
