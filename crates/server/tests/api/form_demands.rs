//! Report forms as demands (issue 13 §2, kind `form`): a department builds a form from the data
//! dictionary, sees its burden before filing (fields the platform already shares with it are
//! pre-filled and cost nothing, 4.8-3), files it; the rules decide at once (4.9-2 … 4.9-4); the
//! authority admits it with a number that becomes its 表号, shown in its corner and in the
//! public lookup. Bad input is refused with every problem, nothing stored.

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::auth::{scalar, texts};
use crate::helpers::{Browser, TestApp, client, spawn_app, this_year_on};

async fn post(b: &Browser, path: &str, v: &Value) -> (StatusCode, Value) {
    let r = b.json(Method::POST, path).json(v).send().await.unwrap();
    let s = r.status();
    (s, r.json().await.unwrap_or(Value::Null))
}

/// A lawful quarterly form of 铁东区卫生健康局 to 示例和平社区: 户籍人口数 (公安, shared:
/// pre-filled), 常住人口数 (the community's: asked, 2 minutes), 家庭医生签约人数 (the health
/// department's own: pre-filled) and 人居环境整治进度 (the community's choice: asked, 1 minute).
async fn form(t: &TestApp, extra: Value) -> Value {
    let mut v = json!({
        "requester_node_id": t.node_id("铁东区卫生健康局").await,
        "title": "社区健康基本情况季报",
        "purpose": "掌握社区常住人口与家庭医生签约情况",
        "item_codes": ["HJ_RKS", "CZ_RKS", "JTYS_QY", "HJZZ_JD"],
        "respondent_level": "community",
        "proper_respondent": "community",
        "frequency": "quarterly",
        "period_start": this_year_on("01-01"),
        "period_end": this_year_on("12-31"),
        "legal_basis": "《中华人民共和国基本医疗卫生与健康促进法》第三十一条",
        "target_mode": "communities",
        "target_ids": [t.node_id("示例和平社区").await],
    });
    for (k, x) in extra.as_object().unwrap() {
        v[k] = x.clone();
    }
    v
}

fn findings(d: &Value) -> Vec<String> {
    d["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["code"].as_str().unwrap().to_owned())
        .collect()
}

fn strings(v: &Value) -> Vec<String> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|c| c.as_str().unwrap().to_owned())
        .collect()
}

/// Every code of a problem document: the first one, then the others.
fn codes(p: &Value) -> Vec<String> {
    let mut out = vec![p["code"].as_str().unwrap_or("").to_owned()];
    for e in p["errors"].as_array().into_iter().flatten() {
        let c = e["code"].as_str().unwrap_or("").to_owned();
        if !out.contains(&c) {
            out.push(c);
        }
    }
    out
}

async fn counts(t: &TestApp) -> (i64, i64) {
    (
        scalar(t, "SELECT COUNT(*) FROM demand").await,
        scalar(t, "SELECT COUNT(*) FROM audit_entry").await,
    )
}

#[tokio::test]
async fn a_form_is_assessed_filed_admitted_and_carries_its_corner_in_the_lookup() {
    let t = spawn_app().await;
    let dept = t.login("district_dept").await;
    let before = counts(&t).await;
    // 计算负担: nothing stored.
    let (s, a) = post(
        &dept,
        "/api/v1/report-forms/assess",
        &form(&t, json!({})).await,
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{a}");
    assert_eq!(counts(&t).await, before, "assessing stores nothing");
    assert_eq!(a["outcome"], "allow", "{a}");
    assert_eq!(strings(&a["clauses"]), ["4.9-4", "4.8-3"], "{a}");
    assert_eq!(findings(&a), ["fields_prefilled"], "{a}");
    let prefilled: Vec<(String, bool, String)> = a["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["code"].as_str().unwrap().to_owned(),
                f["prefilled"].as_bool().unwrap(),
                f["source_name"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    assert_eq!(
        prefilled,
        [
            ("HJ_RKS".into(), true, "鞍山市公安局".into()),
            ("CZ_RKS".into(), false, "社区(村)".into()),
            ("JTYS_QY".into(), true, "鞍山市卫生健康委员会".into()),
            ("HJZZ_JD".into(), false, "社区(村)".into()),
        ]
    );
    // 2 + 1 minutes a return, 4 quarterly returns, one community; the two pre-filled
    // integers (2 minutes each) save 16 minutes.
    assert_eq!(
        (
            a["respondents"].as_u64(),
            a["returns"].as_u64(),
            a["minutes_per_return"].as_u64(),
            a["burden_minutes"].as_u64(),
            a["minutes_saved"].as_u64(),
        ),
        (Some(1), Some(4), Some(3), Some(12), Some(16)),
        "{a}"
    );
    assert_eq!(a["hours_per_year"], 0.2, "{a}");

    let (s, d) = post(&dept, "/api/v1/report-forms", &form(&t, json!({})).await).await;
    assert_eq!(s, StatusCode::CREATED, "{d}");
    assert_eq!(
        (d["kind"].as_str(), d["status"].as_str()),
        (Some("form"), Some("submitted")),
        "{d}"
    );
    assert_eq!(d["hours_per_community"], 0.2, "{d}");
    assert!(
        d["report_form"]["corner"].is_null(),
        "no corner before admission"
    );
    // (The demo files and admits one report form of its own: this is the second.)
    assert_eq!(t.audit_count("demand.create_report_form").await, 2);
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
    let corner = &a["report_form"]["corner"];
    assert_eq!(corner["form_number"], number.as_str(), "{a}");
    assert_eq!(corner["maker"], "铁东区卫生健康局", "{a}");
    assert_eq!(corner["valid_to"], this_year_on("12-31").as_str(), "{a}");

    // The public lookup shows the corner, without login.
    let anon = client();
    let r = anon
        .get(t.url(&format!("/api/v1/lookup/{number}")))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let l: Value = r.json().await.unwrap();
    assert_eq!(l["state"], "valid", "{l}");
    assert_eq!(l["form_corner"]["form_number"], number.as_str(), "{l}");
    assert_eq!(l["form_corner"]["maker"], "铁东区卫生健康局", "{l}");
    let r = anon
        .get(t.url(&format!("/lookup?number={number}")))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let html = r.text().await.unwrap();
    assert_eq!(texts(&html, "#form-number"), std::slice::from_ref(&number));
    assert!(texts(&html, "#form-maker")[0].contains("铁东区卫生健康局"));

    // The demand page: the corner, and the fields with the pre-filled ones' sources.
    let (s, html) = dept.get_text(&format!("/demands/{id}")).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(texts(&html, "#form-number"), [number]);
    let rows = texts(&html, "#report-form-fields tbody tr");
    assert_eq!(rows.len(), 4, "{rows:?}");
    assert!(
        rows[0].contains("已预填") && rows[0].contains("鞍山市公安局"),
        "{rows:?}"
    );
    assert!(rows[1].contains("社区(村)填报"), "{rows:?}");
}

#[tokio::test]
async fn the_rules_reject_forms_with_their_clauses() {
    let t = spawn_app().await;
    let dept = t.login("district_dept").await;
    let cases = [
        // A monthly 人居环境整治 dispatch: 4.9-3; agricultural and monthly with no cap set in
        // 铁东区: 4.9-2.
        (
            json!({"frequency": "monthly", "rural_work": "living_environment"}),
            vec![
                "rural_dispatch_too_frequent",
                "agri_cap_unset",
                "fields_prefilled",
            ],
            vec!["4.9-4", "4.9-3", "4.9-2", "4.8-3"],
        ),
        (
            json!({"proper_respondent": "family_farm"}),
            vec!["respondent_is_new_agri_entity", "fields_prefilled"],
            vec!["4.9-4", "4.8-3"],
        ),
        (
            json!({"proper_respondent": "street_government"}),
            vec!["work_of_street_government", "fields_prefilled"],
            vec!["4.9-4", "4.8-3"],
        ),
        // Every field already shared: use the shared data.
        (
            json!({"item_codes": ["HJ_RKS", "DB_HS"]}),
            vec!["use_shared_data"],
            vec!["4.9-4", "4.8-3"],
        ),
    ];
    for (extra, want, clauses) in cases {
        let (s, d) = post(
            &dept,
            "/api/v1/report-forms",
            &form(&t, extra.clone()).await,
        )
        .await;
        assert_eq!(s, StatusCode::CREATED, "{extra}: {d}");
        assert_eq!(
            (d["status"].as_str(), d["outcome"].as_str()),
            (Some("rejected"), Some("reject")),
            "{extra}: {d}"
        );
        assert_eq!(findings(&d), want, "{extra}: {d}");
        assert_eq!(strings(&d["clauses"]), clauses, "{extra}: {d}");
    }
    // A quarterly 人居环境整治 form passes 4.9-3, and is not capped (4.9-2 counts weekly and
    // monthly ones only).
    let (s, d) = post(
        &dept,
        "/api/v1/report-forms",
        &form(&t, json!({"rural_work": "living_environment"})).await,
    )
    .await;
    assert_eq!(
        (s, d["status"].as_str()),
        (StatusCode::CREATED, Some("submitted")),
        "{d}"
    );
    assert_eq!(strings(&d["clauses"]), ["4.9-4", "4.9-3", "4.8-3"], "{d}");
}

#[tokio::test]
async fn bad_forms_are_refused_with_every_problem_and_nothing_is_stored() {
    let t = spawn_app().await;
    let dept = t.login("district_dept").await;
    let before = counts(&t).await;
    let cases = [
        (json!({"title": " "}), "title_invalid"),
        (json!({"purpose": ""}), "purpose_required"),
        (json!({"item_codes": []}), "fields_required"),
        (json!({"item_codes": ["NO_SUCH"]}), "data_item_unknown"),
        (
            json!({"item_codes": ["CZ_RKS", "CJR_MD"]}),
            "field_not_shared",
        ),
        (
            json!({"respondent_level": "street"}),
            "respondent_level_invalid",
        ),
        (json!({"respondent_level": "village"}), "respondents_none"),
        (
            json!({"proper_respondent": "someone"}),
            "proper_respondent_invalid",
        ),
        (json!({"frequency": "daily"}), "frequency_invalid"),
        (json!({"legal_basis": ""}), "legal_basis_required"),
        (json!({"rural_work": "fishing"}), "rural_work_invalid"),
        (
            json!({"frequency": "weekly", "period_start": this_year_on("12-01"), "period_end": this_year_on("12-02")}),
            "frequency_period_mismatch",
        ),
        (
            json!({"period_start": this_year_on("12-31"), "period_end": this_year_on("01-01")}),
            "period_end_before_start",
        ),
        (json!({"period_start": "2026-13-01"}), "date_invalid"),
        (json!({"target_mode": "nowhere"}), "target_mode_invalid"),
    ];
    for (extra, code) in cases {
        for path in ["/api/v1/report-forms", "/api/v1/report-forms/assess"] {
            let (s, p) = post(&dept, path, &form(&t, extra.clone()).await).await;
            assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{path} {extra}: {p}");
            assert_eq!(codes(&p), [code], "{path} {extra}: {p}");
            assert!(p["detail"].as_str().is_some_and(|d| !d.is_empty()), "{p}");
        }
    }
    // Every problem at once.
    let (s, p) = post(
        &dept,
        "/api/v1/report-forms",
        &form(
            &t,
            json!({"title": "", "item_codes": [], "frequency": "", "legal_basis": ""}),
        )
        .await,
    )
    .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        codes(&p),
        [
            "title_invalid",
            "fields_required",
            "frequency_invalid",
            "legal_basis_required"
        ],
        "{p}"
    );
    // An unknown member is refused by the API's own schema.
    let (s, _) = post(
        &dept,
        "/api/v1/report-forms",
        &form(&t, json!({"extra": 1})).await,
    )
    .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    // A worker may not file one.
    let worker = t.login("worker").await;
    let (s, _) = post(&worker, "/api/v1/report-forms", &form(&t, json!({})).await).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (demands, _) = counts(&t).await;
    assert_eq!(demands, before.0, "nothing stored");
    // Only the demo's own report form was ever filed.
    assert_eq!(t.audit_count("demand.create_report_form").await, 1);
}

#[tokio::test]
async fn the_page_computes_the_burden_before_filing_and_files_the_form() {
    let t = spawn_app().await;
    let dept = t.login("district_dept").await;
    let (s, html) = dept.get_text("/demands/report-form").await;
    assert_eq!(s, StatusCode::OK);
    assert!(
        texts(&html, "input[name=item_codes]").len() >= 10,
        "the dictionary's items"
    );
    let heping = t.node_id("示例和平社区").await.to_string();
    let start = this_year_on("01-01");
    let end = this_year_on("12-31");
    let fields = vec![
        ("requester_node_id", "0"),
        ("title", "社区人口季报"),
        ("purpose", "掌握人口变动"),
        ("item_codes", "HJ_RKS"),
        ("item_codes", "CZ_RKS"),
        ("respondent_level", "community"),
        ("proper_respondent", "community"),
        ("frequency", "quarterly"),
        ("period_start", start.as_str()),
        ("period_end", end.as_str()),
        ("legal_basis", "《中华人民共和国统计法》"),
        ("rural_work", ""),
        ("target_mode", "communities"),
        ("target_ids", heping.as_str()),
    ];
    let before = counts(&t).await;
    let r = dept.post_form("/demands/report-form/assess", &fields).await;
    assert_eq!(r.status(), StatusCode::OK);
    let html = r.text().await.unwrap();
    assert_eq!(counts(&t).await, before, "计算负担 stores nothing");
    let rows = texts(&html, "#preview-fields tbody tr");
    assert!(
        rows[0].contains("已预填") && rows[0].contains("鞍山市公安局"),
        "{rows:?}"
    );
    assert!(
        texts(&html, "#preview-minutes")[0].contains("2 分钟"),
        "{html}"
    );
    assert!(html.contains("4.8-3"));
    assert!(html.contains("value=\"社区人口季报\""), "entries kept");

    // Refused: entries kept, the problem named.
    let mut bad = fields.clone();
    bad.retain(|f| f.0 != "item_codes");
    let r = dept.post_form("/demands/report-form", &bad).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = r.text().await.unwrap();
    assert!(texts(&html, "#form-error")[0].contains("请至少从数据字典中选择一个字段"));
    assert!(html.contains("value=\"社区人口季报\""));
    assert_eq!(counts(&t).await, before);

    let r = dept.post_form("/demands/report-form", &fields).await;
    assert_eq!(
        r.status(),
        StatusCode::SEE_OTHER,
        "{}",
        r.text().await.unwrap()
    );
    let to = r.headers()["location"].to_str().unwrap().to_owned();
    let (_, html) = dept.get_text(&to).await;
    assert_eq!(texts(&html, "#report-form-fields tbody tr").len(), 2);
    assert!(texts(&html, "#report-form-basis")[0].contains("统计法"));
}

async fn caps_rows(t: &TestApp) -> (i64, u64) {
    (
        scalar(t, "SELECT COUNT(*) FROM agri_form_cap").await,
        t.audit_count("report_form.set_agri_cap").await,
    )
}

#[tokio::test]
async fn the_district_sets_its_agricultural_cap_as_dated_data_and_the_rule_reads_it() {
    let t = spawn_app().await;
    let district = t.node_id("铁东区").await;
    let path = format!("/api/v1/agri-form-caps/{district}");
    let dept = t.login("district_dept").await;
    let (s, c) = dept.get_api(&path).await;
    assert_eq!(s, StatusCode::OK, "{c}");
    assert!(
        c["in_force"].is_null() && c["history"].as_array().unwrap().is_empty(),
        "{c}"
    );

    let approver = t.login("district_approver").await;
    let today = t.today();
    let (s, c) = post(
        &approver,
        &path,
        &json!({"cap": 1, "effective_from": today.to_string(), "note": "铁委办发〔2026〕9号"}),
    )
    .await;
    assert_eq!(s, StatusCode::CREATED, "{c}");
    assert_eq!(c["in_force"]["cap"], 1, "{c}");
    assert_eq!(caps_rows(&t).await, (1, 1));

    // A value from tomorrow is kept in the history, not yet in force.
    let tomorrow = today.succ_opt().unwrap().to_string();
    let (s, c) = post(
        &approver,
        &path,
        &json!({"cap": 0, "effective_from": tomorrow, "note": "进一步压减"}),
    )
    .await;
    assert_eq!(s, StatusCode::CREATED, "{c}");
    assert_eq!(
        (
            c["in_force"]["cap"].as_i64(),
            c["history"].as_array().unwrap().len()
        ),
        (Some(1), 2),
        "{c}"
    );

    // A monthly agricultural form (其他涉农工作, not a 4.9-3 dispatch) now passes 4.9-2 …
    let monthly = json!({"frequency": "monthly", "rural_work": "other"});
    let (s, d) = post(
        &dept,
        "/api/v1/report-forms",
        &form(&t, monthly.clone()).await,
    )
    .await;
    assert_eq!(
        (s, d["status"].as_str()),
        (StatusCode::CREATED, Some("submitted")),
        "{d}"
    );
    assert_eq!(strings(&d["clauses"]), ["4.9-4", "4.9-2", "4.8-3"], "{d}");
    let id = d["id"].as_i64().unwrap();
    let (s, a) = post(
        &approver,
        &format!("/api/v1/demands/{id}/admit"),
        &json!({}),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{a}");
    let (_, c) = dept.get_api(&path).await;
    assert_eq!(c["counted"], 1, "{c}");
    // … and the second one is over the cap of 1.
    let (s, d) = post(&dept, "/api/v1/report-forms", &form(&t, monthly).await).await;
    assert_eq!(
        (s, d["status"].as_str()),
        (StatusCode::CREATED, Some("rejected")),
        "{d}"
    );
    assert_eq!(
        findings(&d),
        ["agri_cap_exceeded", "fields_prefilled"],
        "{d}"
    );

    // The page lists the history and, for the approver, the form.
    let (s, html) = approver
        .get_text(&format!("/agri-form-caps/{district}"))
        .await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(texts(&html, "#agri-cap-history tbody tr").len(), 2);
    assert!(texts(&html, "#agri-cap-in-force")[0].contains("1 张"));
    assert_eq!(texts(&html, "#agri-cap-form").len(), 1);
    let (s, html) = dept.get_text(&format!("/agri-form-caps/{district}")).await;
    assert_eq!(s, StatusCode::OK);
    assert!(
        texts(&html, "#agri-cap-form").is_empty(),
        "only the approver sets it"
    );
}

#[tokio::test]
async fn bad_caps_are_refused_and_nothing_changes() {
    let t = spawn_app().await;
    let district = t.node_id("铁东区").await;
    let path = format!("/api/v1/agri-form-caps/{district}");
    let approver = t.login("district_approver").await;
    let today = t.today();
    let yesterday = today.pred_opt().unwrap().to_string();
    let ok = json!({"cap": 2, "effective_from": today.to_string(), "note": "铁委办发〔2026〕9号"});
    let (s, _) = post(&approver, &path, &ok).await;
    assert_eq!(s, StatusCode::CREATED);
    let before = caps_rows(&t).await;
    let cases = [
        (
            json!({"cap": 101}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "agri_cap_invalid",
        ),
        (
            json!({"effective_from": yesterday}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "agri_cap_backdated",
        ),
        (
            json!({"effective_from": "2026-02-30"}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "date_invalid",
        ),
        (
            json!({"note": " "}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "agri_cap_note_required",
        ),
        (json!({}), StatusCode::CONFLICT, "agri_cap_day_taken"),
    ];
    for (extra, status, code) in cases {
        let mut v = ok.clone();
        for (k, x) in extra.as_object().unwrap() {
            v[k] = x.clone();
        }
        let (s, p) = post(&approver, &path, &v).await;
        assert_eq!((s, codes(&p)[0].as_str()), (status, code), "{extra}: {p}");
    }
    // Not a district: 404; another role: 403.
    let community = t.node_id("示例和平社区").await;
    let (s, _) = post(
        &approver,
        &format!("/api/v1/agri-form-caps/{community}"),
        &ok,
    )
    .await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let dept = t.login("district_dept").await;
    let (s, _) = post(&dept, &path, &ok).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    // The page keeps what was entered.
    let r = approver
        .post_form(
            &format!("/agri-form-caps/{district}"),
            &[
                ("cap", "abc"),
                ("effective_from", &today.to_string()),
                ("note", "说明"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = r.text().await.unwrap();
    assert!(html.contains("value=\"abc\""));
    assert_eq!(caps_rows(&t).await, before, "nothing stored");
}

#[tokio::test]
async fn the_cap_is_read_within_and_over_its_district_only() {
    let t = spawn_app().await;
    let district = t.node_id("铁东区").await;
    for who in ["worker", "street", "city_dept", "district_dept"] {
        let (s, _) = t
            .login(who)
            .await
            .get_api(&format!("/api/v1/agri-form-caps/{district}"))
            .await;
        assert_eq!(s, StatusCode::OK, "{who}");
    }
    // Another district's cap is not the worker's to read.
    let other = scalar(
        &t,
        "SELECT MIN(id) FROM node WHERE kind = 'district' AND name <> '铁东区'",
    )
    .await;
    assert!(other > 0, "the demo has other districts");
    let (s, _) = t
        .login("worker")
        .await
        .get_api(&format!("/api/v1/agri-form-caps/{other}"))
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn the_report_form_and_the_demand_list_link_the_caps_the_user_reads() {
    let t = spawn_app().await;
    let district = t.node_id("铁东区").await;
    let other = scalar(
        &t,
        "SELECT MIN(id) FROM node WHERE kind = 'district' AND name <> '铁东区'",
    )
    .await;
    let link = format!("href=\"/agri-form-caps/{district}\"");
    let other_link = format!("href=\"/agri-form-caps/{other}\"");

    // The department filing a form finds its district's cap beside the form, and the link works.
    let dept = t.login("district_dept").await;
    let (s, html) = dept.get_text("/demands/report-form").await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(
        texts(&html, "#agri-cap-links a[href^=\"/agri-form-caps/\"]"),
        vec!["铁东区".to_owned()]
    );
    assert!(
        html.contains(&link) && !html.contains(&other_link),
        "{html}"
    );
    let (s, page) = dept.get_text(&format!("/agri-form-caps/{district}")).await;
    assert_eq!(s, StatusCode::OK, "{page}");

    // The demand list offers it too, also to roles that read the cap but file no forms (the
    // approver who sets it, the community worker), never another district's.
    for who in ["district_dept", "district_approver", "worker"] {
        let (s, html) = t.login(who).await.get_text("/demands").await;
        assert_eq!(s, StatusCode::OK, "{who}");
        assert!(html.contains(&link), "{who}");
        assert!(!html.contains(&other_link), "{who}");
    }
    // Staff over every district find every district's cap.
    let (_, html) = t.login("city_dept").await.get_text("/demands").await;
    assert!(html.contains(&link) && html.contains(&other_link));
}
