//! Communities rate departments and streets (社区评议部门, 5.3-2; issue 12 §3): a community's
//! staff rate the unit that placed demands on it (page and API), correct it while the round is
//! open, the district and city rank the units with the facts beside the score and export the
//! ranking, and the rated unit sees its own result — only from three raters, and never which
//! community rated it. Bad input changes nothing.

use chrono::Datelike;
use reqwest::StatusCode;
use serde_json::{Value, json};

use jianfu_domain::Role;

use crate::auth::scalar;
use crate::helpers::{TestApp, spawn_app};

const RATER_PASSWORD: &str = "Shou#ce2026x";

/// Two more communities of 铁东区 rate the department through the API, as their own new
/// workers: 示例光明社区 with a comment, 示例新华社区 without.
pub(crate) async fn two_raters(t: &TestApp, unit: i64) {
    for (username, community, code, given, comment) in [
        (
            "rater_guangming",
            "示例光明社区",
            "210302091002",
            [
                "satisfied",
                "neutral",
                "satisfied",
                "very_satisfied",
                "satisfied",
            ],
            "健康档案核对的表格希望与上级系统打通，避免重复录入。",
        ),
        (
            "rater_xinhua",
            "示例新华社区",
            "210302092001",
            [
                "very_satisfied",
                "satisfied",
                "neutral",
                "satisfied",
                "satisfied",
            ],
            "",
        ),
    ] {
        t.app
            .add_account_as_operator(
                username,
                "示例评议人",
                code,
                &[Role::CommunityWorker],
                RATER_PASSWORD,
                false,
            )
            .await
            .unwrap();
        let b = t
            .login_with(username, RATER_PASSWORD)
            .await
            .unwrap_or_else(|_| panic!("{username} logs in"));
        let id = t.node_id(community).await;
        let (s, p) = b
            .post_api(
                "/api/v1/department-ratings",
                &body(id, unit, given, comment),
            )
            .await;
        assert_eq!(s, StatusCode::CREATED, "{username}: {p}");
    }
}

async fn counts(t: &TestApp) -> (i64, i64) {
    (
        scalar(t, "SELECT COUNT(*) FROM department_rating").await,
        scalar(t, "SELECT COUNT(*) FROM audit_entry WHERE outcome = 'ok'").await,
    )
}

fn codes(p: &Value) -> Vec<String> {
    std::iter::once(p)
        .chain(p["errors"].as_array().into_iter().flatten())
        .filter_map(|e| e["code"].as_str().map(str::to_owned))
        .collect()
}

pub(crate) fn body(community: i64, unit: i64, ratings: [&str; 5], comment: &str) -> Value {
    let qs = ["demands", "forms", "materials", "feedback", "overall"];
    json!({
        "community_id": community,
        "unit_id": unit,
        "answers": qs.iter().zip(ratings).map(|(q, r)| json!({"question": q, "rating": r})).collect::<Vec<_>>(),
        "comment": comment,
    })
}

/// Nothing in `text` names a community of the demo, nor carries a community's id as a field.
fn assert_no_community(text: &str, what: &str) {
    for name in [
        "示例和平社区",
        "示例光明社区",
        "示例新华社区",
        "community_id",
        "community_name",
    ] {
        assert!(!text.contains(name), "{what} leaks {name}: {text}");
    }
}

#[tokio::test]
async fn communities_rate_a_department_and_the_district_ranks_it_without_naming_them() {
    let t = spawn_app().await;
    let worker = t.login("worker").await;
    let unit = t.node_id("铁东区卫生健康局").await;
    let heping = t.node_id("示例和平社区").await;
    let guangming = t.node_id("示例光明社区").await;
    let year = t.today().year();

    // Two communities rate: the department sees that its result is not published yet.
    two_raters(&t, unit).await;
    let dept = t.login("district_dept").await;
    let (s, mine) = dept.get_api("/api/v1/department-ratings/mine").await;
    assert_eq!(s, StatusCode::OK, "{mine}");
    assert_eq!(mine[0]["unit_id"], unit);
    assert_eq!(mine[0]["raters"], 2);
    assert_eq!(
        (mine[0]["shown"].as_bool(), mine[0]["rating"].is_null()),
        (Some(false), true)
    );
    assert!(mine[0]["comments"].as_array().unwrap().is_empty(), "{mine}");
    let (s, html) = dept.get_text("/department-ratings/mine").await;
    assert_eq!(s, StatusCode::OK);
    assert!(
        html.contains("评价社区不足 3 个，暂不公布") && html.contains("5.3-2"),
        "{html}"
    );
    assert!(
        !html.contains("健康档案核对的表格"),
        "no comment below three raters"
    );

    // The worker's inbox asks for the rating; the page lists the unit with the form.
    let inbox = t.app.inbox(&t.ctx("worker").await).await.unwrap();
    let todo = inbox
        .items
        .iter()
        .find(|i| i.href.starts_with("/department-ratings/rate"))
        .expect("a rating to-do");
    assert!(todo.title.contains("个单位待评议"), "{}", todo.title);
    let (s, html) = worker.get_text(&todo.href).await;
    assert_eq!(s, StatusCode::OK);
    assert!(
        html.contains("铁东区卫生健康局") && html.contains("提交评议") && html.contains("5.3-2")
    );

    // Bad ratings: each with its code, nothing written.
    let before = counts(&t).await;
    let api = "/api/v1/department-ratings";
    let full = ["satisfied"; 5];
    let not_demanding = t.node_id("铁东区民政局").await;
    let (s, p) = worker
        .post_api(api, &body(heping, not_demanding, full, ""))
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{p}");
    assert!(
        codes(&p).contains(&"rating_unit_not_demanding".to_owned()),
        "{p}"
    );
    let mut b = body(
        heping,
        unit,
        [
            "satisfied",
            "excellent",
            "satisfied",
            "satisfied",
            "satisfied",
        ],
        "",
    );
    b["answers"].as_array_mut().unwrap().pop();
    let (s, p) = worker.post_api(api, &b).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{p}");
    let got = codes(&p);
    for c in ["rating_answer_invalid", "rating_answer_missing"] {
        assert!(got.contains(&c.to_owned()), "{c} in {got:?}");
    }
    let (s, p) = worker
        .post_api(api, &body(heping, unit, full, &"长".repeat(501)))
        .await;
    assert_eq!(
        (s, p["code"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("too_long")),
        "{p}"
    );
    let (s, p) = worker
        .post_api(api, &body(heping, unit, full, "意见\u{7}"))
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{p}");
    assert!(codes(&p).contains(&"invalid_characters".to_owned()), "{p}");
    let (s, p) = worker.post_api(api, &body(guangming, unit, full, "")).await;
    assert_eq!(s, StatusCode::FORBIDDEN, "another community: {p}");
    let r = worker
        .post_form(
            "/department-ratings/rate",
            &[
                ("community_id", &heping.to_string()),
                ("unit_id", &unit.to_string()),
                ("demands", "satisfied"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().await.unwrap().contains("请评价"));
    assert_eq!(counts(&t).await, before, "refusals change nothing");

    // The worker rates through the page: the third rater.
    let id = |v: i64| v.to_string();
    let r = worker
        .post_form(
            "/department-ratings/rate",
            &[
                ("community_id", &id(heping)),
                ("unit_id", &id(unit)),
                ("year", &id(i64::from(year))),
                ("demands", "dissatisfied"),
                ("forms", "neutral"),
                ("materials", "satisfied"),
                ("feedback", "satisfied"),
                ("overall", "neutral"),
                ("comment", "入户通知类事项偏多，希望合并。"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(t.audit_count("department_rating.rate").await, 3);
    let inbox = t.app.inbox(&t.ctx("worker").await).await.unwrap();
    assert!(
        !inbox
            .items
            .iter()
            .any(|i| i.href.starts_with("/department-ratings/rate")),
        "rated: no to-do"
    );

    // A second rating is refused; a correction replaces it (audited), the count stays.
    let before = counts(&t).await;
    let (s, p) = worker.post_api(api, &body(heping, unit, full, "")).await;
    assert_eq!(
        (s, p["code"].as_str()),
        (StatusCode::CONFLICT, Some("rating_exists")),
        "{p}"
    );
    assert_eq!(counts(&t).await, before);
    let mut fix = body(
        heping,
        unit,
        ["neutral", "neutral", "satisfied", "satisfied", "neutral"],
        "入户通知类事项偏多，希望合并。",
    );
    fix["correct"] = json!(true);
    let (s, p) = worker.post_api(api, &fix).await;
    assert_eq!(s, StatusCode::CREATED, "{p}");
    assert_eq!(p["given"]["answers"][0]["rating"], "neutral");
    assert_eq!(t.audit_count("department_rating.correct").await, 1);
    assert_eq!(
        scalar(&t, "SELECT COUNT(*) FROM department_rating").await,
        before.0
    );

    // The district ranks it: score, raters, facts and 5.3-2; page and export.
    let sup = t.login("district_supervisor").await;
    let (s, page) = sup.get_api("/api/v1/department-ratings").await;
    assert_eq!(s, StatusCode::OK, "{page}");
    let row = page["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["unit_id"] == unit)
        .expect("the department is ranked")
        .clone();
    assert_eq!(
        (row["raters"].as_u64(), row["rank"].as_u64()),
        (Some(3), Some(1)),
        "{row}"
    );
    // 15 answers: 光明 80+60+80+100+80, 新华 100+80+60+80+80, 和平 (corrected) 60+60+80+80+60 = 1140 → 76.00.
    assert_eq!(row["rating"], 7600, "{row}");
    assert!(row["admitted"].as_u64().unwrap() >= 3, "{row}");
    assert!(row["burden_minutes"].as_u64().unwrap() > 0, "{row}");
    assert!(row["clauses"].as_array().unwrap().contains(&json!("5.3-2")));
    let (s, html) = sup.get_text("/department-ratings").await;
    assert_eq!(s, StatusCode::OK);
    assert!(
        html.contains("铁东区卫生健康局") && html.contains("76.00") && html.contains("导出 Excel")
    );
    let r = sup.get("/department-ratings/export.xlsx").await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(t.audit_count("department_rating.export").await, 1);
    let (s, _) = t
        .login("supervisor")
        .await
        .get_api("/api/v1/department-ratings")
        .await;
    assert_eq!(s, StatusCode::OK, "the city sees the ranking");
    let (s, p) = sup.get_api("/api/v1/department-ratings?year=abc").await;
    assert_eq!(
        (s, p["code"].as_str()),
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            Some("rating_year_invalid")
        )
    );

    // The department now sees its score and the comments, and no community anywhere.
    let (s, mine) = dept.get_api("/api/v1/department-ratings/mine").await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(
        (mine[0]["shown"].as_bool(), mine[0]["rating"].as_u64()),
        (Some(true), Some(7600))
    );
    let comments = mine[0]["comments"].as_array().unwrap();
    assert_eq!(comments.len(), 2, "{mine}");
    assert_no_community(&mine.to_string(), "the API");
    let (s, one) = dept
        .get_api(&format!("/api/v1/department-ratings/units/{unit}"))
        .await;
    assert_eq!(s, StatusCode::OK);
    assert_no_community(&one.to_string(), "the unit API");
    for path in [
        "/department-ratings/mine".to_owned(),
        format!("/department-ratings/units/{unit}"),
    ] {
        let (s, html) = dept.get_text(&path).await;
        assert_eq!(s, StatusCode::OK);
        assert!(
            html.contains("76.00") && html.contains("入户通知类事项偏多"),
            "{html}"
        );
        assert_no_community(&html, &path);
    }
    // The department gets neither the ranking nor its export, nor another unit's result.
    assert_eq!(
        dept.get("/department-ratings/export.xlsx").await.status(),
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        dept.get_api("/api/v1/department-ratings").await.0,
        StatusCode::FORBIDDEN
    );
    let other = t.node_id("示例一街道").await;
    let (s, _) = dept
        .get_api(&format!("/api/v1/department-ratings/units/{other}"))
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, _) = t
        .login("street")
        .await
        .get_api(&format!("/api/v1/department-ratings/units/{unit}"))
        .await;
    assert_eq!(
        s,
        StatusCode::FORBIDDEN,
        "a street does not read a department's result"
    );

    // After the round closes, a correction is refused and nothing changes.
    assert!(t.move_clock_to(chrono::NaiveDate::from_ymd_opt(year + 1, 2, 1).unwrap()));
    let worker = t.login("worker").await;
    let before = counts(&t).await;
    let mut late = fix.clone();
    late["year"] = json!(year);
    let (s, p) = worker.post_api(api, &late).await;
    assert_eq!(
        (s, p["code"].as_str()),
        (StatusCode::CONFLICT, Some("rating_round_closed")),
        "{p}"
    );
    assert_eq!(counts(&t).await, before);
}

/// The district's breakdown per community (5.3-2): how many units each community rated of
/// those it may rate — counts only, no unit named, no answer, nothing a rated unit could use to
/// tell who rated it; the department cannot read it; the export is audited.
#[tokio::test]
async fn the_district_sees_how_many_units_each_community_rated_and_nothing_more() {
    let t = spawn_app().await;
    let unit = t.node_id("铁东区卫生健康局").await;
    let guangming = t.node_id("示例光明社区").await;
    let xinhua = t.node_id("示例新华社区").await;
    let heping = t.node_id("示例和平社区").await;
    let district = t.login("district_supervisor").await;
    let row = |v: &Value, id: i64| {
        v["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["community_id"] == id)
            .cloned()
            .unwrap_or_else(|| panic!("{id} in {v}"))
    };
    let (s, before) = district
        .get_api("/api/v1/department-ratings/communities?per_page=200")
        .await;
    assert_eq!(s, StatusCode::OK, "{before}");
    let to_rate = row(&before, heping)["to_rate"].as_u64().unwrap();
    assert!(
        to_rate >= 1,
        "the demo department placed work on 示例和平社区"
    );
    assert_eq!(row(&before, heping)["rated"], 0);
    assert_eq!(row(&before, guangming)["rated"], 0);

    two_raters(&t, unit).await;
    let (_, after) = district
        .get_api("/api/v1/department-ratings/communities?per_page=200")
        .await;
    assert_eq!(row(&after, guangming)["rated"], 1, "{after}");
    assert_eq!(row(&after, xinhua)["rated"], 1);
    assert_eq!(row(&after, heping)["rated"], 0);
    assert_eq!(
        row(&after, heping)["missing"].as_u64(),
        Some(to_rate),
        "{after}"
    );
    assert_eq!(before["total"], after["total"]);
    // Counts only: no unit, answer or comment in the answer or the page.
    let text = after.to_string();
    assert!(
        !text.contains("卫生健康局") && !text.contains("satisfied") && !text.contains("健康档案"),
        "{text}"
    );
    let (s, html) = district.get_text("/department-ratings/communities").await;
    assert_eq!(s, StatusCode::OK);
    assert!(
        html.contains("示例光明社区") && html.contains("5.3-2"),
        "{html}"
    );
    assert!(!html.contains("健康档案") && !html.contains("卫生健康局"));
    let audits = t.audit_count("department_rating_communities.export").await;
    let r = district
        .get("/department-ratings/communities/export.xlsx")
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    assert!(r.bytes().await.unwrap().starts_with(b"PK"));
    assert_eq!(
        t.audit_count("department_rating_communities.export").await,
        audits + 1
    );
    // The rated department and a community do not read it; a bad year is refused.
    for who in ["district_dept", "worker"] {
        let (s, _) = t
            .login(who)
            .await
            .get_api("/api/v1/department-ratings/communities")
            .await;
        assert_eq!(s, StatusCode::FORBIDDEN, "{who}");
    }
    let (s, p) = district
        .get_api("/api/v1/department-ratings/communities?year=1999")
        .await;
    assert_eq!(
        (s, p["code"].as_str()),
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            Some("rating_year_invalid")
        )
    );
}
