//! The annual burden report (年度减负工作报告, issue 14 §5, 1.0-4, 5.3-4): the figures of a year
//! checked against the test's own reading of the seeded tables, and moving when a demand is
//! revoked or a case reported; the PDF read back with `pdftotext` (skipped only when the binary
//! is absent) and the workbook with calamine, both with the API's figures; each download
//! audited; bad years and areas refused with a Chinese message, a stable code and nothing
//! recorded.

use calamine::Reader;
use chrono::Datelike;
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::auth::scalar;
use crate::helpers::{Browser, TestApp, sheet_rows, spawn_app, workbook};
use crate::supervision::report_case;

async fn report(c: &Browser, query: &str) -> Value {
    let (s, r) = c.get_api(&format!("/api/v1/reports/annual{query}")).await;
    assert_eq!(s, StatusCode::OK, "{r}");
    r
}

fn bar(v: &Value, key: &str) -> i64 {
    v.as_array()
        .unwrap()
        .iter()
        .find(|b| b["key"] == key)
        .map_or(0, |b| b["n"].as_i64().unwrap())
}

fn total(v: &Value) -> i64 {
    v.as_array()
        .unwrap()
        .iter()
        .map(|b| b["n"].as_i64().unwrap())
        .sum()
}

/// The year's bounds in milliseconds (Beijing days).
fn bounds(year: i32) -> (i64, i64) {
    let at = |d: String| jianfu_domain::clock::day_start_ms(&d, "year").unwrap();
    (
        at(format!("{year}-01-01")),
        at(format!("{}-01-01", year + 1)),
    )
}

/// Demands aimed at the subtree `path` in `states` whose `column` falls in the year.
async fn demands_in_year(t: &TestApp, states: &str, column: &str, path: &str, year: i32) -> i64 {
    let (lo, hi) = bounds(year);
    scalar(
        t,
        &format!(
            "SELECT COUNT(*) FROM demand d WHERE d.status IN ({states}) \
             AND d.{column} >= {lo} AND d.{column} < {hi} \
             AND EXISTS (SELECT 1 FROM demand_target x JOIN node c ON c.id = x.community_node_id \
             WHERE x.demand_id = d.id AND c.path LIKE '{path}%')"
        ),
    )
    .await
}

#[tokio::test]
async fn the_annual_report_counts_the_years_seeded_data_and_moves_with_it() {
    let t = spawn_app().await;
    let sup = t.login("district_supervisor").await;
    let tiedong = t.node_id("铁东区").await;
    let path = t.node_path("铁东区").await;
    let year = t.today().year();
    let before = report(&sup, "").await;
    assert_eq!(before["year"], year);
    assert_eq!(before["scope_node_id"], tiedong);
    assert_eq!(before["scope_name"], "铁东区");
    assert_eq!(
        before["areas"],
        json!([{ "id": tiedong, "name": "铁东区" }])
    );
    assert_eq!(before["years"][0], year);
    assert_eq!(before["clauses"], json!(["1.0-4", "5.3-4"]));

    // 1. Demands: the year's admissions (registrations), rejections and revocations.
    let d = &before["demands"];
    let admitted = demands_in_year(&t, "'admitted', 'revoked'", "reviewed_at", &path, year).await;
    assert!(admitted > 0, "the demo admits demands in 铁东区");
    assert_eq!(d["admitted"], admitted);
    assert_eq!(
        d["rejected"],
        demands_in_year(&t, "'rejected'", "reviewed_at", &path, year).await
    );
    assert_eq!(
        d["revoked"],
        demands_in_year(&t, "'revoked'", "revoked_at", &path, year).await
    );
    let months = d["months"].as_array().unwrap();
    assert_eq!(months.len(), 12);
    assert_eq!(months[0]["month"], format!("{year}-01"));
    assert_eq!(months[11]["month"], format!("{year}-12"));
    let sum: i64 = months.iter().map(|m| m["admitted"].as_i64().unwrap()).sum();
    assert_eq!(sum, admitted);
    // Every admitted demand's decision names its clauses: the most applied one counts no more
    // demands than were admitted, and some clause is applied.
    let clauses = d["admitted_clauses"].as_array().unwrap();
    assert!(!clauses.is_empty(), "{d}");
    assert!(clauses[0]["n"].as_i64().unwrap() <= admitted);

    // 2. Burden now: the ledger's total today; every community of the ledger is listed.
    let (s, ledger) = sup.get_api("/api/v1/ledger").await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(before["burden_now_on"], t.today().to_string());
    assert_eq!(before["burden_before_on"], format!("{}-12-31", year - 1));
    assert!(
        (before["hours_now"].as_f64().unwrap() - ledger["total_hours"].as_f64().unwrap()).abs()
            < 1e-9
    );
    let burdened = ledger["by_community"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["hours_per_year"].as_f64().unwrap() > 0.0)
        .count();
    let listed_now = before["burden"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|b| b["hours_now"].as_f64().unwrap() > 0.0)
        .count();
    assert_eq!(listed_now, burdened);
    let last_day = format!("{}-12-31", year - 1);
    let (lo, _) = bounds(year);
    let minutes_before = scalar(
        &t,
        &format!(
            "SELECT CAST(COALESCE(SUM(CAST(d.minutes_per_occurrence AS BIGINT) * d.occurrences_per_year), 0) AS BIGINT) \
             FROM demand_target x JOIN demand d ON d.id = x.demand_id \
             JOIN node c ON c.id = x.community_node_id \
             WHERE (d.status = 'admitted' OR (d.status = 'revoked' AND d.revoked_at >= {lo})) \
             AND d.valid_from <= '{last_day}' AND d.valid_to >= '{last_day}' AND c.path LIKE '{path}%'"
        ),
    )
    .await;
    assert!((before["hours_before"].as_f64().unwrap() - minutes_before as f64 / 60.0).abs() < 1e-9);

    // 3. Plaques removed, types discontinued, applications received in the year.
    let removed = scalar(
        &t,
        &format!(
            "SELECT COUNT(*) FROM plaque p JOIN node u ON u.id = p.unit_node_id \
             WHERE p.status = 'removed' AND p.removed_on >= '{year}-01-01' \
             AND p.removed_on <= '{year}-12-31' AND u.path LIKE '{path}_%'"
        ),
    )
    .await;
    assert_eq!(total(&before["plaques_removed"]["totals"]), removed);
    let received = scalar(
        &t,
        &format!(
            "SELECT COUNT(*) FROM certificate_application a JOIN node c ON c.id = a.community_node_id \
             WHERE a.due_on IS NOT NULL AND a.status IN ('issued', 'submitted') \
             AND a.received_on >= '{year}-01-01' AND a.received_on <= '{year}-12-31' \
             AND c.path LIKE '{path}_%'"
        ),
    )
    .await;
    assert_eq!(total(&before["certificates"]["totals"]), received);
    let discontinued = scalar(
        &t,
        &format!(
            "SELECT COUNT(*) FROM certificate_type ty JOIN node s ON s.id = ty.scope_node_id \
             WHERE ty.discontinued_on >= '{year}-01-01' AND ty.discontinued_on <= '{year}-12-31' \
             AND (s.path LIKE '{path}%' OR '{path}' LIKE s.path || '%')"
        ),
    )
    .await;
    assert_eq!(
        before["discontinued"].as_array().unwrap().len() as i64,
        discontinued
    );

    // 4. Cases opened and notices issued in the year.
    let (lo, hi) = bounds(year);
    let cases = scalar(
        &t,
        &format!(
            "SELECT COUNT(*) FROM supervision_case sc JOIN node c ON c.id = sc.community_node_id \
             WHERE sc.created_at >= {lo} AND sc.created_at < {hi} AND c.path LIKE '{path}%'"
        ),
    )
    .await;
    assert_eq!(total(&before["cases_by_status"]), cases);
    assert_eq!(total(&before["cases_by_source"]), cases);
    let notices = scalar(
        &t,
        &format!(
            "SELECT COUNT(*) FROM rectification_notice n JOIN supervision_case sc ON sc.id = n.case_id \
             JOIN node c ON c.id = sc.community_node_id \
             WHERE n.issued_at >= {lo} AND n.issued_at < {hi} AND c.path LIKE '{path}%'"
        ),
    )
    .await;
    assert_eq!(total(&before["rectification"]), notices);

    // 5. The monitoring points: the demo's 示例和平社区 answered this month.
    let answered = scalar(
        &t,
        &format!(
            "SELECT COUNT(*) FROM monitoring_answer a JOIN node c ON c.id = a.community_node_id \
             WHERE a.status = 'answered' AND a.month LIKE '{year}-%' AND c.path LIKE '{path}%'"
        ),
    )
    .await;
    assert!(answered >= 1);
    assert_eq!(before["monitoring"]["answered"], answered);
    assert!(before["monitoring"]["points"].as_i64().unwrap() >= 1);

    // A demand revoked now and a case reported: both counted in this year.
    let id = scalar(
        &t,
        &format!(
            "SELECT MIN(d.id) FROM demand d JOIN demand_target x ON x.demand_id = d.id \
             JOIN node c ON c.id = x.community_node_id \
             WHERE d.status = 'admitted' AND d.valid_from <= '{}' AND d.valid_to >= '{}' \
             AND c.path LIKE '{path}%'",
            t.today(),
            t.today()
        ),
    )
    .await;
    let (s, r) = sup
        .post_api(
            &format!("/api/v1/demands/{id}/revoke"),
            &json!({ "reason": "经核查属于部门职责", "clause": "" }),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{r}");
    let worker = t.login("worker").await;
    report_case(&t, &worker, "要求社区每周报送垃圾分类照片，未出示准入编号").await;
    let after = report(&sup, "").await;
    let da = &after["demands"];
    assert_eq!(da["revoked"], d["revoked"].as_i64().unwrap() + 1);
    assert_eq!(da["admitted"], d["admitted"], "still admitted this year");
    let revoked_clauses = da["revoked_clauses"].as_array().unwrap();
    assert_eq!(revoked_clauses.len(), 1);
    assert_eq!(revoked_clauses[0]["clause"], "4.2-5");
    assert_eq!(revoked_clauses[0]["n"], da["revoked"]);
    assert!(
        after["hours_now"].as_f64().unwrap() < before["hours_now"].as_f64().unwrap(),
        "the revoked demand no longer burdens"
    );
    assert_eq!(after["hours_before"], before["hours_before"]);
    assert_eq!(
        bar(&after["cases_by_status"], "open"),
        bar(&before["cases_by_status"], "open") + 1
    );
    assert_eq!(
        bar(&after["cases_by_source"], "community_report"),
        bar(&before["cases_by_source"], "community_report") + 1
    );

    // The city sees itself and every district; 铁东区 picked gives the district's figures.
    let city = t.login("supervisor").await;
    let whole = report(&city, "").await;
    assert_eq!(whole["scope_name"], "鞍山市");
    let areas = whole["areas"].as_array().unwrap();
    assert_eq!(areas[0]["name"], "鞍山市");
    assert!(areas.iter().any(|a| a["id"] == tiedong));
    assert!(whole["demands"]["admitted"].as_i64().unwrap() >= da["admitted"].as_i64().unwrap());
    let picked = report(&city, &format!("?area={tiedong}&year={year}")).await;
    assert_eq!(picked["demands"], after["demands"]);
    assert_eq!(picked["burden"], after["burden"]);
    assert_eq!(picked["cases_by_status"], after["cases_by_status"]);
    let anshan = t.node_id("鞍山市").await;
    let own = report(&city, &format!("?area={anshan}")).await;
    assert_eq!(own["demands"], whole["demands"]);

    // Last year: nothing reviewed in it, the compared days move back a year.
    if year
        > whole["years"]
            .as_array()
            .unwrap()
            .last()
            .unwrap()
            .as_i64()
            .unwrap() as i32
    {
        let last = report(&city, &format!("?year={}", year - 1)).await;
        assert_eq!(last["burden_now_on"], format!("{}-12-31", year - 1));
    }
}

/// The text `pdftotext` reads from `pdf`, or `None` when the binary is absent.
fn pdf_text(pdf: &[u8]) -> Option<String> {
    let dir = std::env::temp_dir().join(format!(
        "jianfu-annual-{}-{}",
        std::process::id(),
        jianfu_seal::sm3_hex(pdf)
    ));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("report.pdf");
    std::fs::write(&file, pdf).unwrap();
    let out = std::process::Command::new("pdftotext")
        .arg("-enc")
        .arg("UTF-8")
        .arg(&file)
        .arg("-")
        .output();
    let _ = std::fs::remove_dir_all(&dir);
    match out {
        Ok(o) => {
            assert!(o.status.success(), "pdftotext failed");
            Some(String::from_utf8(o.stdout).unwrap())
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
        Err(e) => panic!("pdftotext: {e}"),
    }
}

#[tokio::test]
async fn the_pdf_and_the_workbook_carry_the_reports_figures_and_are_audited() {
    let t = spawn_app().await;
    let sup = t.login("district_supervisor").await;
    let year = t.today().year();
    let r = report(&sup, "").await;

    let res = sup.get("/api/v1/reports/annual.pdf").await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.headers()["content-type"], "application/pdf");
    let disposition = res.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(disposition.starts_with("attachment"), "{disposition}");
    let pdf = res.bytes().await.unwrap().to_vec();
    assert!(pdf.starts_with(b"%PDF-"));
    let doc = lopdf::Document::load_mem(&pdf).unwrap();
    assert!(doc.get_pages().len() >= 2, "a report of several pages");
    // The charts are vector paths: filled shapes (bars, markers) and stroked lines (axes,
    // grid, the month lines) in the pages' content, no image.
    let (mut fills, mut strokes) = (0, 0);
    for p in doc.get_pages().values() {
        let content = String::from_utf8_lossy(&doc.get_page_content(*p)).to_string();
        assert!(!content.contains(" Do"), "no image drawn");
        fills += content.lines().filter(|l| l.trim() == "f").count();
        strokes += content.lines().filter(|l| l.trim() == "S").count();
    }
    assert!(
        fills > 20 && strokes > 20,
        "fills {fills}, strokes {strokes}"
    );
    match pdf_text(&pdf) {
        None => eprintln!("pdftotext is not installed: the PDF's text is not read back"),
        Some(text) => {
            let flat: String = text.split_whitespace().collect();
            for needle in [
                format!("铁东区{year}年度减负工作报告"),
                format!(
                    "全年准入（含备案）工作事项{}件，不予准入{}件，撤销{}件。",
                    r["demands"]["admitted"], r["demands"]["rejected"], r["demands"]["revoked"]
                ),
                "按月准入、不予准入、撤销的事项".to_string(),
                "年负担最重的社区(村)".to_string(),
                "整改按期与逾期".to_string(),
                format!("个监测点全年按月报送{}次", r["monitoring"]["answered"]),
                "第1页共".to_string(),
            ] {
                assert!(flat.contains(&needle), "{needle} not in: {flat}");
            }
            if let Some(top) = r["burden"][0]["name"].as_str() {
                assert!(flat.contains(top), "{top}");
            }
        }
    }

    // The page's workbook: one sheet per section, with the API's figures.
    let res = sup.get("/annual-report/report.xlsx").await;
    assert_eq!(res.status(), StatusCode::OK);
    let bytes = res.bytes().await.unwrap().to_vec();
    let mut book = workbook(bytes);
    assert_eq!(
        book.sheet_names(),
        [
            "概况",
            "按月事项",
            "准入条款",
            "不予准入条款",
            "撤销条款",
            "负担同比",
            "清理牌子",
            "取消证明",
            "证明时限",
            "问题线索",
            "线索来源",
            "整改按期",
            "监测发现"
        ]
    );
    let summary = sheet_rows(&mut book, "概况");
    assert!(
        summary[0][0].starts_with(&format!("铁东区 · {year} 年度")),
        "{summary:?}"
    );
    assert!(summary[0][0].contains("1.0-4、5.3-4"), "{summary:?}");
    assert_eq!(
        summary[2],
        ["准入（含备案）", &r["demands"]["admitted"].to_string()]
    );
    assert_eq!(
        summary[3],
        ["不予准入", &r["demands"]["rejected"].to_string()]
    );
    let months = sheet_rows(&mut book, "按月事项");
    assert_eq!(months.len(), 2 + 12);
    for (i, m) in r["demands"]["months"]
        .as_array()
        .unwrap()
        .iter()
        .enumerate()
    {
        assert_eq!(
            months[2 + i],
            [
                m["month"].as_str().unwrap().to_owned(),
                m["admitted"].to_string(),
                m["rejected"].to_string(),
                m["revoked"].to_string()
            ]
        );
    }
    let burden = sheet_rows(&mut book, "负担同比");
    assert_eq!(burden.len() - 2, r["burden"].as_array().unwrap().len());
    if burden.len() > 2 {
        assert_eq!(burden[2][0], r["burden"][0]["name"].as_str().unwrap());
        let now: f64 = burden[2][3].parse().unwrap();
        assert!((now - r["burden"][0]["hours_now"].as_f64().unwrap()).abs() < 0.01);
    }
    let status = sheet_rows(&mut book, "问题线索");
    let api: Vec<Vec<String>> = r["cases_by_status"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| vec![b["label"].as_str().unwrap().to_owned(), b["n"].to_string()])
        .collect();
    assert_eq!(status[2..].to_vec(), api);
    let findings = sheet_rows(&mut book, "监测发现");
    assert!(findings[0][0].contains(&format!("报送 {} 次", r["monitoring"]["answered"])));

    // The API's workbook is the same; every download recorded with the year and format.
    let res = sup.get("/api/v1/reports/annual.xlsx").await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(t.audit_count("annual_report.export").await, 3);
    let formats = scalar(
        &t,
        "SELECT COUNT(*) FROM audit_entry WHERE action = 'annual_report.export' \
         AND summary LIKE '%pdf%'",
    )
    .await;
    assert_eq!(formats, 1);

    // The page offers the pickers and both downloads.
    let (s, html) = sup.get_text("/annual-report").await;
    assert_eq!(s, StatusCode::OK);
    assert!(
        html.contains("<select id=\"year\" name=\"year\">"),
        "{html}"
    );
    assert!(html.contains("<select id=\"area\" name=\"area\">"));
    let tiedong = t.node_id("铁东区").await;
    assert!(
        html.contains(&format!(
            "href=\"/annual-report/report.pdf?year={year}&#38;area={tiedong}\""
        )),
        "{html}"
    );
    assert!(html.contains(&format!(
        "id=\"annual-admitted\">{}<",
        r["demands"]["admitted"]
    )));
}

#[tokio::test]
async fn bad_years_and_areas_are_refused_and_nothing_is_recorded() {
    let t = spawn_app().await;
    let year = t.today().year();
    for who in ["worker", "city_dept", "street", "sysadmin"] {
        let c = t.login(who).await;
        let (s, _) = c.get_api("/api/v1/reports/annual").await;
        assert_eq!(s, StatusCode::FORBIDDEN, "{who}");
    }
    let city = t.login("supervisor").await;
    let district = t.login("district_supervisor").await;
    let tiexi = t.node_id("铁西区").await;
    let heping = t.node_id("示例和平社区").await;
    let ok_entries = "SELECT COUNT(*) FROM audit_entry WHERE outcome = 'ok'";
    let ok0 = scalar(&t, ok_entries).await;
    let first = report(&city, "").await["years"]
        .as_array()
        .unwrap()
        .last()
        .unwrap()
        .as_i64()
        .unwrap();
    let cases: [(&Browser, String, StatusCode, &str, &str, &str); 8] = [
        (
            &city,
            "year=abc".into(),
            StatusCode::UNPROCESSABLE_ENTITY,
            "annual_report_year_invalid",
            "四位数字",
            "year",
        ),
        (
            &city,
            format!("year={}", year + 1),
            StatusCode::UNPROCESSABLE_ENTITY,
            "annual_report_year_future",
            "尚未到来",
            "year",
        ),
        (
            &city,
            format!("year={}", first - 1),
            StatusCode::UNPROCESSABLE_ENTITY,
            "annual_report_year_no_data",
            "早于平台最早的数据",
            "year",
        ),
        (
            &city,
            "year=2026.5".into(),
            StatusCode::UNPROCESSABLE_ENTITY,
            "annual_report_year_invalid",
            "四位数字",
            "year",
        ),
        (
            &city,
            "area=abc".into(),
            StatusCode::UNPROCESSABLE_ENTITY,
            "annual_report_area_invalid",
            "编号应为数字",
            "area",
        ),
        (
            &city,
            format!("area={heping}"),
            StatusCode::UNPROCESSABLE_ENTITY,
            "annual_report_area_unknown",
            "不是区(县、市)",
            "area",
        ),
        (
            &district,
            format!("area={tiexi}"),
            StatusCode::FORBIDDEN,
            "annual_report_area_forbidden",
            "不能查看铁西区",
            "area",
        ),
        (
            &district,
            "area=99999999".into(),
            StatusCode::UNPROCESSABLE_ENTITY,
            "annual_report_area_unknown",
            "没有编号为 99999999",
            "area",
        ),
    ];
    for (c, query, status, code, message, field) in cases {
        let (s, p) = c.get_api(&format!("/api/v1/reports/annual?{query}")).await;
        assert_eq!(
            (s, p["code"].as_str()),
            (status, Some(code)),
            "{query}: {p}"
        );
        assert!(p["detail"].as_str().unwrap().contains(message), "{p}");
        if status != StatusCode::FORBIDDEN {
            assert_eq!(p["field"], field, "{p}");
        }
        let (s, html) = c.get_text(&format!("/annual-report?{query}")).await;
        assert_eq!(s, status, "page {query}");
        assert!(html.contains(message), "page {query}");
        for file in [
            "/annual-report/report.pdf",
            "/annual-report/report.xlsx",
            "/api/v1/reports/annual.pdf",
            "/api/v1/reports/annual.xlsx",
        ] {
            let r = c.get(&format!("{file}?{query}")).await;
            assert_eq!(r.status(), status, "{file}?{query}");
        }
    }
    // A bad year and a bad area at once: both named.
    let (s, p) = city.get_api("/api/v1/reports/annual?year=x&area=y").await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(p["field"], "year", "{p}");
    let fields: Vec<&str> = p["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, ["area"], "{p}");
    assert_eq!(
        scalar(&t, ok_entries).await,
        ok0,
        "nothing recorded as done"
    );
    assert_eq!(t.audit_count("annual_report.export").await, 0);
}

/// The page at phone size stays short: its charts (the same vendored Chart.js and data block
/// as the overview, one chart box per figure, each with its table), the burden table cut to
/// the 20 most burdened communities with a link to all of them in the workbook, whose sheet
/// still lists every one.
#[tokio::test]
async fn the_page_draws_charts_and_lists_the_top_communities_with_a_link_to_all() {
    let t = spawn_app().await;
    let sup = t.login("district_supervisor").await;
    // 30 more communities of 示例一街道, each a target of demo demand 1 (admitted).
    let street = t.node_id("示例一街道").await;
    let path = t.node_path("示例一街道").await;
    t.sql(&format!(
        "WITH RECURSIVE k(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM k WHERE i < 30) \
         INSERT INTO node (kind, name, parent_id, path, created_at, updated_at) \
         SELECT 'community', '负担社区' || i, {street}, '{path}' || 'f' || i || '/', 0, 0 FROM k"
    ))
    .await;
    t.sql(
        "INSERT INTO demand_target (demand_id, community_node_id) \
         SELECT 1, id FROM node WHERE name LIKE '负担社区%'",
    )
    .await;
    let r = report(&sup, "").await;
    let listed = r["burden"].as_array().unwrap().len();
    assert!(listed > 30, "{listed}");

    let (s, html) = sup.get_text("/annual-report").await;
    assert_eq!(s, StatusCode::OK);
    assert!(html.contains("/static/chart.umd.js") && html.contains("/static/overview.js"));
    let doc = scraper::Html::parse_document(&html);
    let select = |css: &str| {
        let sel = scraper::Selector::parse(css).unwrap();
        doc.select(&sel).map(|e| e.html()).collect::<Vec<String>>()
    };
    let data: Value = serde_json::from_str(
        &scraper::Html::parse_document(&html)
            .select(&scraper::Selector::parse("#overview-data").unwrap())
            .next()
            .unwrap()
            .text()
            .collect::<String>(),
    )
    .unwrap();
    for chart in [
        "months",
        "burden_change",
        "plaques_removed",
        "certificates",
        "cases_by_status",
        "cases_by_source",
        "rectification",
        "findings",
    ] {
        assert_eq!(
            select(&format!("[data-chart=\"{chart}\"]")).len(),
            1,
            "{chart} has a chart box"
        );
        assert!(data[chart].is_object(), "{chart} has figures: {data}");
    }
    // Each chart with its table view.
    assert_eq!(select("details.table-view table.data").len(), 8);
    // The burden: the 20 most burdened, the chart drawing the table's figures.
    assert_eq!(select("#annual-burden tbody tr").len(), 20);
    assert_eq!(
        data["burden_change"]["labels"].as_array().unwrap().len(),
        20
    );
    assert_eq!(
        data["burden_change"]["labels"][0], r["burden"][0]["name"],
        "most burdened first"
    );
    let all = select("#annual-burden-all");
    assert_eq!(all.len(), 1, "{html}");
    assert!(
        all[0].contains(&format!("全部 {listed} 个社区(村)（导出 Excel）"))
            && all[0].contains("/annual-report/report.xlsx?"),
        "{}",
        all[0]
    );
    // The cases' figures are those of the API.
    let statuses: Vec<i64> = data["cases_by_status"]["values"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_i64().unwrap())
        .collect();
    assert_eq!(statuses.iter().sum::<i64>(), total(&r["cases_by_status"]));

    // The workbook still lists every community.
    let res = sup.get("/annual-report/report.xlsx").await;
    assert_eq!(res.status(), StatusCode::OK);
    let bytes = res.bytes().await.unwrap();
    let mut book = calamine::Xlsx::new(std::io::Cursor::new(bytes.to_vec())).unwrap();
    let sheet = book.worksheet_range("负担同比").unwrap();
    let names = sheet
        .rows()
        .filter(|row| {
            row.first()
                .is_some_and(|c| c.to_string().starts_with("负担社区"))
        })
        .count();
    assert_eq!(names, 30);
}
