//! Evaluation demands (考核评比, 4.3; issue 12 §1): filed by a department through the API and
//! the page, decided at once by 4.3-2, 4.3-3 and 4.3-5, admitted with a number by the
//! authority of the department's level; bad input refused with every problem, nothing stored.

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::auth::{scalar, texts};
use crate::helpers::{Browser, TestApp, spawn_app, this_year_on};

async fn post(b: &Browser, path: &str, v: &Value) -> (StatusCode, Value) {
    let r = b.json(Method::POST, path).json(v).send().await.unwrap();
    let s = r.status();
    (s, r.json().await.unwrap_or(Value::Null))
}

/// A lawful evaluation: a 评比 under the city's mandate, folded into the district's
/// comprehensive evaluation, two indicators, two materials, one visit day, one community.
async fn evaluation(t: &TestApp, extra: Value) -> Value {
    let mut v = json!({
        "requester_node_id": t.node_id("铁东区卫生健康局").await,
        "title": "健康社区评比",
        "evaluation_kind": "appraisal",
        "organisation": "comprehensive",
        "mandate_level": "city",
        "mandate_document": "鞍委办发〔2026〕7号",
        "mandate_title": "关于开展健康社区创建的通知",
        "indicators": [
            {"name": "健康教育", "weight": 40, "method": "按活动台账计分"},
            {"name": "居民满意度", "weight": 60, "method": "抽样问卷"},
        ],
        "rules_text": "各项得分加总",
        "materials": [{"name": "健康教育活动台账", "minutes": 90}, {"name": "工作总结", "minutes": 30}],
        "visit_days": 1,
        "period_start": this_year_on("01-01"),
        "period_end": this_year_on("12-31"),
        "target_mode": "communities",
        "target_ids": [t.node_id("示例和平社区").await],
    });
    for (k, x) in extra.as_object().unwrap() {
        v[k] = x.clone();
    }
    v
}

fn codes(d: &Value) -> Vec<String> {
    d["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["code"].as_str().unwrap().to_owned())
        .collect()
}

fn clauses(d: &Value) -> Vec<String> {
    d["clauses"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c.as_str().unwrap().to_owned())
        .collect()
}

async fn demands(t: &TestApp) -> i64 {
    scalar(t, "SELECT COUNT(*) FROM demand").await
}

#[tokio::test]
async fn a_mandated_evaluation_is_admitted_with_a_number_and_counts_in_the_ledger() {
    let t = spawn_app().await;
    let dept = t.login("district_dept").await;
    let (s, d) = post(
        &dept,
        "/api/v1/evaluations",
        &evaluation(&t, json!({})).await,
    )
    .await;
    assert_eq!(s, StatusCode::CREATED, "{d}");
    assert_eq!(
        (d["kind"].as_str(), d["status"].as_str()),
        (Some("evaluation"), Some("submitted")),
        "{d}"
    );
    assert_eq!(d["outcome"], "allow", "{d}");
    assert_eq!(clauses(&d), ["4.3-2", "4.3-3", "4.3-5"], "{d}");
    assert_eq!(codes(&d), ["evaluation_mandate_cited"], "{d}");
    // 90 + 30 minutes of materials and one visit day of 8 hours: 10 hours per community.
    assert_eq!(d["hours_per_community"], 10.0, "{d}");
    let id = d["id"].as_i64().unwrap();

    let approver = t.login("district_approver").await;
    let (s, a) = post(
        &approver,
        &format!("/api/v1/demands/{id}/admit"),
        &json!({"note": "同意"}),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{a}");
    let number = a["admission_number"].as_str().unwrap().to_owned();
    let (s, l) = t
        .login("worker")
        .await
        .get_api(&format!("/api/v1/lookup/{number}"))
        .await;
    assert_eq!(
        (s, l["state"].as_str()),
        (StatusCode::OK, Some("valid")),
        "{l}"
    );

    // The demand page shows the evaluation's own fields and its clauses.
    let (s, html) = dept.get_text(&format!("/demands/{id}")).await;
    assert_eq!(s, StatusCode::OK);
    assert!(texts(&html, "#evaluation-mandate")[0].contains("鞍委办发〔2026〕7号"));
    let rows = texts(&html, "#evaluation-indicators tbody tr");
    assert_eq!(rows.len(), 2, "{rows:?}");
    assert!(
        rows[1].contains("居民满意度") && rows[1].contains("60%"),
        "{rows:?}"
    );
    assert_eq!(t.audit_count("demand.create_evaluation").await, 1);
}

#[tokio::test]
async fn the_rules_reject_with_their_clauses_and_say_which_text_matched() {
    let t = spawn_app().await;
    let dept = t.login("district_dept").await;
    let cases = [
        (
            json!({"mandate_level": ""}),
            vec!["evaluation_without_mandate"],
        ),
        (
            json!({"mandate_level": "district"}),
            vec!["mandate_level_insufficient"],
        ),
        (
            json!({"organisation": "separate"}),
            vec!["evaluation_mandate_cited", "department_own_assessment"],
        ),
        (
            json!({"indicators": [{"name": "安全生产", "weight": 100, "method": "", "veto": true}]}),
            vec!["evaluation_mandate_cited", "veto_flagged"],
        ),
        (
            json!({"rules_text": "发生重大安全事故的，总分记零。"}),
            vec!["evaluation_mandate_cited", "veto_wording"],
        ),
    ];
    for (extra, expected) in cases {
        let (s, d) = post(
            &dept,
            "/api/v1/evaluations",
            &evaluation(&t, extra.clone()).await,
        )
        .await;
        assert_eq!(s, StatusCode::CREATED, "{extra}: {d}");
        assert_eq!(
            (d["status"].as_str(), d["outcome"].as_str()),
            (Some("rejected"), Some("reject")),
            "{extra}: {d}"
        );
        assert_eq!(codes(&d), expected, "{extra}: {d}");
    }
    // The wording found is quoted with where it was.
    let (_, d) = post(
        &dept,
        "/api/v1/evaluations",
        &evaluation(&t, json!({"indicators": [{"name": "信访稳定", "weight": 100, "method": "出现越级上访的，实行一票否决"}]})).await,
    )
    .await;
    let message = d["findings"][1]["message"].as_str().unwrap();
    assert!(
        message.contains("指标“信访稳定”的评分方法含“一票否决”"),
        "{message}"
    );
    assert!(clauses(&d).contains(&"4.3-5".to_owned()), "{d}");
    // An inspection does not score communities: 4.3-3 is not cited, separate is fine.
    let (_, d) = post(
        &dept,
        "/api/v1/evaluations",
        &evaluation(
            &t,
            json!({"evaluation_kind": "inspection", "organisation": "separate"}),
        )
        .await,
    )
    .await;
    assert_eq!(
        (d["status"].as_str(), clauses(&d)),
        (
            Some("submitted"),
            vec!["4.3-2".to_owned(), "4.3-5".to_owned()]
        ),
        "{d}"
    );
}

#[tokio::test]
async fn bad_evaluations_are_refused_with_every_problem_and_change_nothing() {
    let t = spawn_app().await;
    let dept = t.login("district_dept").await;
    let before = (
        demands(&t).await,
        t.audit_count("demand.create_evaluation").await,
    );
    let cases = [
        (
            json!({"indicators": [{"name": "a", "weight": 30}, {"name": "b", "weight": 30}]}),
            "weights_sum_invalid",
            "indicators",
        ),
        (
            json!({"indicators": [{"name": "a", "weight": 130}]}),
            "weight_invalid",
            "indicators",
        ),
        (
            json!({"indicators": []}),
            "indicators_required",
            "indicators",
        ),
        (
            json!({"indicators": [{"name": " ", "weight": 100}]}),
            "indicator_invalid",
            "indicators",
        ),
        (
            json!({"mandate_document": " "}),
            "mandate_document_required",
            "mandate_document",
        ),
        (
            json!({"mandate_title": ""}),
            "mandate_title_required",
            "mandate_title",
        ),
        (
            json!({"mandate_level": "emperor"}),
            "mandate_level_invalid",
            "mandate_level",
        ),
        (
            json!({"evaluation_kind": "contest"}),
            "evaluation_kind_invalid",
            "evaluation_kind",
        ),
        (
            json!({"organisation": "both"}),
            "organisation_invalid",
            "organisation",
        ),
        (json!({"target_ids": []}), "targets_required", "target_ids"),
        (
            json!({"visit_days": 31}),
            "visit_days_invalid",
            "visit_days",
        ),
        (
            json!({"materials": [{"name": "台账", "minutes": 0}]}),
            "material_minutes_invalid",
            "materials",
        ),
        (json!({"title": ""}), "title_invalid", "title"),
        (
            json!({"period_end": "2026-02-30"}),
            "date_invalid",
            "period_end",
        ),
    ];
    for (extra, code, field) in cases {
        let (s, p) = post(
            &dept,
            "/api/v1/evaluations",
            &evaluation(&t, extra.clone()).await,
        )
        .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{extra}: {p}");
        assert_eq!(
            (p["code"].as_str(), p["field"].as_str()),
            (Some(code), Some(field)),
            "{extra}: {p}"
        );
        assert!(
            p["detail"].as_str().is_some_and(|d| !d.is_ascii()),
            "a Chinese detail: {p}"
        );
    }
    // Several at once, in the form's order.
    let (_, p) = post(
        &dept,
        "/api/v1/evaluations",
        &evaluation(
            &t,
            json!({"title": "", "evaluation_kind": "x", "indicators": [], "target_ids": []}),
        )
        .await,
    )
    .await;
    let mut fields = vec![p["field"].as_str().unwrap().to_owned()];
    fields.extend(
        p["errors"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["field"].as_str().unwrap().to_owned()),
    );
    assert_eq!(
        fields,
        ["title", "evaluation_kind", "indicators", "target_ids"],
        "{p}"
    );
    // Not a department: refused, audited as a denial.
    let (s, _) = post(
        &t.login("worker").await,
        "/api/v1/evaluations",
        &evaluation(&t, json!({})).await,
    )
    .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    assert_eq!(
        (
            demands(&t).await,
            t.audit_count("demand.create_evaluation").await
        ),
        before
    );
}

#[tokio::test]
async fn the_page_files_an_evaluation_from_its_rows_and_keeps_them_on_error() {
    let t = spawn_app().await;
    let dept = t.login("district_dept").await;
    let (s, html) = dept.get_text("/demands/evaluation").await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(
        texts(&html, "input[name=indicator_name]").len(),
        5,
        "five blank indicator rows"
    );
    let heping = t.node_id("示例和平社区").await.to_string();
    let start = this_year_on("01-01");
    let end = this_year_on("12-31");
    let base = vec![
        ("requester_node_id", "0"),
        ("title", "文明社区创建检查"),
        ("evaluation_kind", "demonstration"),
        ("organisation", "separate"),
        ("mandate_level", "provincial"),
        ("mandate_document", "辽委办发〔2026〕3号"),
        ("mandate_title", "关于文明社区创建的通知"),
        ("indicator_name", "环境卫生"),
        ("indicator_weight", "50"),
        ("indicator_method", "现场查看"),
        ("indicator_veto", "no"),
        ("indicator_name", "志愿服务"),
        ("indicator_weight", "40"),
        ("indicator_method", "查阅台账"),
        ("indicator_veto", "no"),
        ("indicator_name", ""),
        ("indicator_weight", ""),
        ("indicator_method", ""),
        ("indicator_veto", "no"),
        ("material_name", "创建台账"),
        ("material_minutes", "60"),
        ("visit_days", "0"),
        ("period_start", start.as_str()),
        ("period_end", end.as_str()),
        ("target_mode", "communities"),
        ("target_ids", heping.as_str()),
    ];
    // 50 + 40 = 90: refused, the rows entered are shown again with the error.
    let r = dept.post_form("/demands/evaluation", &base).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = r.text().await.unwrap();
    assert!(
        texts(&html, "#form-error")[0].contains("各项指标权重之和须为 100，现为 90"),
        "{:?}",
        texts(&html, "#form-error")
    );
    assert!(
        html.contains("value=\"志愿服务\"") && html.contains("value=\"40\""),
        "rows kept"
    );
    // Corrected, it is filed and the browser goes to the demand's page.
    let mut fixed = base.clone();
    for f in fixed.iter_mut() {
        if *f == ("indicator_weight", "40") {
            f.1 = "50";
        }
    }
    let r = dept.post_form("/demands/evaluation", &fixed).await;
    assert_eq!(
        r.status(),
        StatusCode::SEE_OTHER,
        "{}",
        r.text().await.unwrap()
    );
    let to = r.headers()["location"].to_str().unwrap().to_owned();
    let (_, html) = dept.get_text(&to).await;
    assert_eq!(texts(&html, "#evaluation-indicators tbody tr").len(), 2);
    assert!(
        html.contains("示范创建") && html.contains("创建台账"),
        "{to}"
    );
}

#[tokio::test]
async fn the_community_sees_admitted_evaluations_and_the_district_keeps_an_annual_plan() {
    let t = spawn_app().await;
    let dept = t.login("district_dept").await;
    let (_, d) = post(
        &dept,
        "/api/v1/evaluations",
        &evaluation(&t, json!({})).await,
    )
    .await;
    let id = d["id"].as_i64().unwrap();
    let heping = t.node_id("示例和平社区").await;
    // Before admission the community's list shows none.
    let anon = crate::helpers::client();
    let page = |anon: reqwest::Client| {
        let url = t.url(&format!("/communities/{heping}/work-items"));
        async move { anon.get(url).send().await.unwrap().text().await.unwrap() }
    };
    let html = page(anon.clone()).await;
    assert_eq!(texts(&html, "#evaluation-count"), ["0"]);
    let approver = t.login("district_approver").await;
    let (s, a) = post(
        &approver,
        &format!("/api/v1/demands/{id}/admit"),
        &json!({}),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{a}");
    let number = a["admission_number"].as_str().unwrap();
    let html = page(anon).await;
    assert_eq!(texts(&html, "#evaluation-count"), ["1"]);
    let row = texts(&html, "#evaluations tbody tr").join(" ");
    assert!(
        row.contains(number)
            && row.contains("评比")
            && row.contains("健康教育活动台账")
            && row.contains("1 天"),
        "{row}"
    );

    // The annual plan: the admitted evaluations of a year, on the list and in its export.
    let year = chrono::Datelike::year(&t.today());
    let (s, l) = approver
        .get_api(&format!(
            "/api/v1/demands?kind=evaluation&status=admitted&year={year}"
        ))
        .await;
    assert_eq!(s, StatusCode::OK, "{l}");
    let ids: Vec<i64> = l["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["id"].as_i64().unwrap())
        .collect();
    assert_eq!(ids, [id], "{l}");
    let (_, l) = approver
        .get_api(&format!(
            "/api/v1/demands?kind=evaluation&year={}",
            year + 1
        ))
        .await;
    assert_eq!(l["total"], 0, "{l}");
    let (_, l) = approver
        .get_api("/api/v1/demands?kind=work_item&status=admitted")
        .await;
    assert!(
        l["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|d| d["kind"] == "work_item"),
        "{l}"
    );
    for (q, code) in [
        ("kind=exam", "kind_invalid"),
        ("year=1999", "year_invalid"),
        ("year=abcd", "year_invalid"),
    ] {
        let (s, p) = approver.get_api(&format!("/api/v1/demands?{q}")).await;
        assert_eq!(
            (s, p["code"].as_str()),
            (StatusCode::UNPROCESSABLE_ENTITY, Some(code)),
            "{q}: {p}"
        );
    }
    let (s, html) = approver.get_text("/demands").await;
    assert_eq!(s, StatusCode::OK);
    assert!(html.contains(&format!("{year} 年度考核评比计划")));
    let r = approver
        .get(&format!(
            "/demands/export.xlsx?kind=evaluation&status=admitted&year={year}"
        ))
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let bytes = r.bytes().await.unwrap();
    assert!(bytes.starts_with(b"PK"), "an xlsx workbook");
}

/// An on-site check (4.2-5 with 4.3-2): received with an admitted evaluation aimed at the
/// community; refused without a number, with an unknown one, one of another kind or one aimed
/// elsewhere — and the refusal leads into the unadmitted-demand report, prefilled.
#[tokio::test]
async fn an_on_site_check_without_an_admitted_number_is_refused_and_reported() {
    let t = spawn_app().await;
    let dept = t.login("district_dept").await;
    let approver = t.login("district_approver").await;
    let mut numbers = Vec::new();
    for community in ["示例和平社区", "示例新华社区"] {
        let ev = evaluation(
            &t,
            json!({"target_ids": [t.node_id(community).await], "title": format!("{community}现场评比")}),
        )
        .await;
        let (s, d) = post(&dept, "/api/v1/evaluations", &ev).await;
        assert_eq!(s, StatusCode::CREATED, "{d}");
        let id = d["id"].as_i64().unwrap();
        let (s, a) = post(
            &approver,
            &format!("/api/v1/demands/{id}/admit"),
            &json!({}),
        )
        .await;
        assert_eq!(s, StatusCode::OK, "{a}");
        numbers.push(a["admission_number"].as_str().unwrap().to_owned());
    }
    let worker = t.login("worker").await;
    let (_, items) = worker
        .get_api("/api/v1/demands?kind=work_item&status=admitted")
        .await;
    let work_item = items["items"][0]["admission_number"]
        .as_str()
        .unwrap_or_else(|| panic!("{items}"))
        .to_owned();
    let cases = scalar(&t, "SELECT COUNT(*) FROM supervision_case").await;
    let check = |number: String| {
        let worker = &worker;
        async move {
            post(
                worker,
                "/api/v1/evaluations/visit-check",
                &json!({"number": number, "unit": "铁东区卫生健康局", "activity": "健康社区评比"}),
            )
            .await
        }
    };
    let (s, r) = check(numbers[0].clone()).await;
    assert_eq!(s, StatusCode::OK, "{r}");
    assert_eq!(
        (r["outcome"].as_str(), r["refuse"].as_bool()),
        (Some("allow"), Some(false))
    );
    assert_eq!(clauses(&r), ["4.2-5", "4.3-2"]);
    for (number, code) in [
        (String::new(), "visit_without_number"),
        ("XYZ-1".to_owned(), "visit_number_unknown"),
        (work_item, "visit_not_an_evaluation"),
        (numbers[1].clone(), "visit_not_for_community"),
    ] {
        let (s, r) = check(number.clone()).await;
        assert_eq!(s, StatusCode::OK, "{r}");
        assert_eq!(r["refuse"], true, "{number}: {r}");
        assert_eq!(codes(&r), [code, code], "{number}");
        assert_eq!(clauses(&r), ["4.2-5", "4.3-2"]);
        assert!(
            r["report_href"]
                .as_str()
                .unwrap()
                .starts_with("/reports/new?community=")
        );
    }
    // The page: no number → refuse, and the button opens the report with everything filled in.
    let (s, html) = worker
        .get_text("/evaluations/visit-check?check=1&number=&unit=%E5%B8%82%E6%9F%90%E5%8D%8F%E4%BC%9A&activity=%E6%96%87%E6%98%8E%E7%A4%BE%E5%8C%BA%E6%A3%80%E6%9F%A5")
        .await;
    assert_eq!(s, StatusCode::OK);
    assert!(
        html.contains("visit_without_number") || html.contains("可以拒绝接待"),
        "{html}"
    );
    let doc = scraper::Html::parse_document(&html);
    let sel = scraper::Selector::parse("#report-visit").unwrap();
    let href = doc
        .select(&sel)
        .next()
        .expect("the report button")
        .value()
        .attr("href")
        .unwrap()
        .to_owned();
    let (s, form) = worker.get_text(&href).await;
    assert_eq!(s, StatusCode::OK);
    let doc = scraper::Html::parse_document(&form);
    let unit = scraper::Selector::parse("#demanding_unit").unwrap();
    assert_eq!(
        doc.select(&unit).next().unwrap().value().attr("value"),
        Some("市某协会")
    );
    let desc = texts(&form, "#description").join("");
    assert!(
        desc.contains("文明社区检查") && desc.contains("未能出示准入编号"),
        "{desc}"
    );
    // Filing it is the existing report: one case.
    let heping = t.node_id("示例和平社区").await;
    let r = worker
        .post_form(
            "/reports",
            &[
                ("community_id", &heping.to_string()),
                ("demanding_unit", "市某协会"),
                ("description", &desc),
                ("claimed_number", ""),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        scalar(&t, "SELECT COUNT(*) FROM supervision_case").await,
        cases + 1
    );
    // Another community's check: 403; a unit name too long: 422; nothing changes.
    let xinhua = t.node_id("示例新华社区").await;
    let (s, _) = post(
        &worker,
        "/api/v1/evaluations/visit-check",
        &json!({"community_id": xinhua, "number": ""}),
    )
    .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, p) = post(
        &worker,
        "/api/v1/evaluations/visit-check",
        &json!({"number": "", "unit": "长".repeat(201)}),
    )
    .await;
    assert_eq!(
        (s, p["code"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("text_too_long")),
        "{p}"
    );
    assert_eq!(
        scalar(&t, "SELECT COUNT(*) FROM supervision_case").await,
        cases + 1
    );
    // Residents and departments do not check visits.
    let (s, _) = post(
        &t.login("district_dept").await,
        "/api/v1/evaluations/visit-check",
        &json!({"number": ""}),
    )
    .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
}
