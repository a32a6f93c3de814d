//! The overview (减负工作总览, issue 14 §4): the city's and districts' dashboards. The figures
//! are the demo data's (the ledger's sums, the cases and notices in the database) and move when
//! a case is reported, a notice issued, a demand revoked or a deadline passes; a district's
//! staff see their district only; bad filters are refused with a Chinese message, a stable
//! code and nothing changed.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::auth::scalar;
use crate::helpers::{Browser, TestApp, spawn_app};
use crate::supervision::{notice_body, report_case, verified_case};

async fn overview(c: &Browser, query: &str) -> Value {
    let (s, o) = c.get_api(&format!("/api/v1/overview{query}")).await;
    assert_eq!(s, StatusCode::OK, "{o}");
    o
}

/// The count of the bar `key` in the chart `chart`.
fn bar(o: &Value, chart: &str, key: &str) -> i64 {
    o[chart]
        .as_array()
        .unwrap()
        .iter()
        .find(|b| b["key"] == key)
        .map_or(0, |b| b["n"].as_i64().unwrap())
}

fn month_sum(o: &Value, what: &str) -> i64 {
    o["months"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m[what].as_i64().unwrap())
        .sum()
}

#[tokio::test]
async fn the_overview_shows_the_ledger_and_the_cases_and_moves_with_them() {
    let t = spawn_app().await;
    let sup = t.login("district_supervisor").await;
    let tiedong = t.node_id("铁东区").await;
    let before = overview(&sup, "").await;
    assert_eq!(before["scope_node_id"], tiedong);
    assert_eq!(before["districts"], json!([]), "a district has no filter");
    assert_eq!(before["clauses"]["rectification"], json!(["5.3-3"]));

    // 1. Burden: the ledger's figures, most burdened first, and every community in a bucket.
    let (s, ledger) = sup.get_api("/api/v1/ledger").await;
    assert_eq!(s, StatusCode::OK);
    let top = before["top_burden"].as_array().unwrap();
    assert!(!top.is_empty());
    let burdened: Vec<&Value> = ledger["by_community"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["hours_per_year"].as_f64().unwrap() > 0.0)
        .collect();
    assert_eq!(top.len(), burdened.len().min(20));
    // The same communities with the same hours (ties may come in another order).
    assert_eq!(top[0]["hours_per_year"], burdened[0]["hours_per_year"]);
    for row in top {
        let l = burdened
            .iter()
            .find(|r| r["node_id"] == row["node_id"])
            .unwrap_or_else(|| panic!("{row} not in the ledger"));
        assert_eq!(
            (&l["name"], &l["hours_per_year"], &l["demands"]),
            (&row["name"], &row["hours_per_year"], &row["demands"])
        );
    }
    assert!(
        (before["total_hours"].as_f64().unwrap() - ledger["total_hours"].as_f64().unwrap()).abs()
            < 1e-9
    );
    let path = t.node_path("铁东区").await;
    let communities = scalar(
        &t,
        &format!(
            "SELECT COUNT(*) FROM node WHERE path LIKE '{path}%' AND kind IN ('community', 'village')"
        ),
    )
    .await;
    assert_eq!(before["communities"], communities);
    let in_buckets: i64 = before["burden_histogram"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b["n"].as_i64().unwrap())
        .sum();
    assert_eq!(in_buckets, communities, "every community in one bucket");
    assert_eq!(
        bar(&before, "burden_histogram", "b0"),
        communities - burdened.len() as i64
    );

    // 2. Demands by month: 12 months, the current one last; the demo's admissions are counted.
    assert_eq!(before["months"].as_array().unwrap().len(), 12);
    assert_eq!(
        before["months"][11]["month"],
        t.today().format("%Y-%m").to_string()
    );
    let admitted = scalar(
        &t,
        &format!(
            "SELECT COUNT(*) FROM demand d WHERE d.status IN ('admitted', 'revoked') \
             AND EXISTS (SELECT 1 FROM demand_target x JOIN node c ON c.id = x.community_node_id \
             WHERE x.demand_id = d.id AND c.path LIKE '{path}%')"
        ),
    )
    .await;
    assert!(admitted > 0);
    assert_eq!(month_sum(&before, "admitted"), admitted);

    // A demand revoked now: one more revoked this month; still counted as admitted when it was.
    let id = scalar(
        &t,
        &format!(
            "SELECT MIN(d.id) FROM demand d JOIN demand_target x ON x.demand_id = d.id \
             JOIN node c ON c.id = x.community_node_id \
             WHERE d.status = 'admitted' AND c.path LIKE '{path}%'"
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

    // 3. A case reported in 和平社区 (铁东区) and verified, then its notice.
    let case = verified_case(&t, &sup).await;
    let after = overview(&sup, "").await;
    assert_eq!(
        month_sum(&after, "revoked"),
        month_sum(&before, "revoked") + 1
    );
    assert_eq!(
        after["months"][11]["revoked"],
        before["months"][11]["revoked"].as_i64().unwrap() + 1
    );
    assert_eq!(month_sum(&after, "admitted"), admitted);
    assert_eq!(
        bar(&after, "cases_by_status", "verified"),
        bar(&before, "cases_by_status", "verified") + 1
    );
    assert_eq!(
        bar(&after, "cases_by_unit", "铁东区某局"),
        bar(&before, "cases_by_unit", "铁东区某局") + 1
    );
    let unit = t.node_id("铁东区卫生健康局").await;
    let (s, n) = sup
        .post_api(
            &format!("/api/v1/cases/{case}/notice"),
            &notice_body(unit, 5),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{n}");
    let notified = overview(&sup, "").await;
    assert_eq!(
        bar(&notified, "rectification", "pending"),
        bar(&after, "rectification", "pending") + 1
    );
    assert_eq!(
        bar(&notified, "cases_by_status", "rectifying"),
        bar(&after, "cases_by_status", "rectifying") + 1
    );

    // The city sees it too, city-wide and with 铁东区 picked; 铁西区's figures do not move.
    let city = t.login("supervisor").await;
    let whole = overview(&city, "").await;
    assert!(whole["districts"].as_array().unwrap().len() >= 2);
    let tiexi = t.node_id("铁西区").await;
    let west_before = overview(&city, &format!("?district={tiexi}")).await;
    assert_eq!(west_before["scope_name"], "铁西区");
    let picked = overview(&city, &format!("?district={tiedong}")).await;
    assert_eq!(picked["cases_by_status"], notified["cases_by_status"]);
    assert_eq!(picked["rectification"], notified["rectification"]);
    let worker = t.login("worker").await;
    report_case(&t, &worker, "要求每周报送垃圾分类照片，未出示准入编号").await;
    let west_after = overview(&city, &format!("?district={tiexi}")).await;
    assert_eq!(
        west_after["cases_by_status"],
        west_before["cases_by_status"]
    );
    let whole_after = overview(&city, "").await;
    assert_eq!(
        bar(&whole_after, "cases_by_status", "open"),
        bar(&whole, "cases_by_status", "open") + 1
    );

    // The deadline passes unanswered: the notice counts as overdue.
    t.advance_clock_ms(30 * 24 * 3_600_000);
    let sup = t.login("district_supervisor").await;
    let late = overview(&sup, "").await;
    assert_eq!(
        bar(&late, "rectification", "overdue"),
        bar(&notified, "rectification", "overdue") + 1
    );
    assert_eq!(
        bar(&late, "rectification", "pending"),
        bar(&notified, "rectification", "pending") - 1
    );
}

#[tokio::test]
async fn the_overview_page_draws_charts_from_its_tables_figures() {
    let t = spawn_app().await;
    let city = t.login("supervisor").await;
    let (s, html) = city.get_text("/overview").await;
    assert_eq!(s, StatusCode::OK);
    for id in [
        "id=\"top-burden\"",
        "id=\"burden-histogram\"",
        "id=\"demand-months\"",
        "id=\"cases-by-status\"",
        "id=\"cases-by-unit\"",
        "id=\"rectification\"",
        "<script type=\"application/json\" id=\"overview-data\">",
        "<script src=\"/static/chart.umd.js\" defer></script>",
        "<script src=\"/static/overview.js\" defer></script>",
        "href=\"/overview/export.xlsx\"",
        "5.3-3",
    ] {
        assert!(html.contains(id), "{id} missing");
    }
    // The district filter lists the city's districts.
    let tiexi = t.node_id("铁西区").await;
    assert!(html.contains(&format!("<option value=\"{tiexi}\">铁西区</option>")));
    // The data block holds the table's figures (the API's).
    let o = overview(&city, "").await;
    let start = html.find("id=\"overview-data\">").unwrap() + "id=\"overview-data\">".len();
    let end = start + html[start..].find("</script>").unwrap();
    let data: Value = serde_json::from_str(&html[start..end]).unwrap();
    let values: Vec<i64> = o["cases_by_status"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b["n"].as_i64().unwrap())
        .collect();
    assert_eq!(data["cases_by_status"]["values"], json!(values));
    assert_eq!(data["months"]["admitted"].as_array().unwrap().len(), 12);
    // Picked district: the export link keeps the filter.
    let (_, picked) = city.get_text(&format!("/overview?district={tiexi}")).await;
    assert!(picked.contains(&format!("/overview/export.xlsx?district={tiexi}")));
    assert!(picked.contains("铁西区 · 减负工作总览"));

    // The charting library is served, and only the overview loads it.
    let r = city.get("/static/chart.umd.js").await;
    assert_eq!(r.status(), StatusCode::OK);
    assert!(r.text().await.unwrap().contains("Chart.js v4"));
    assert_eq!(
        city.get("/static/overview.js").await.status(),
        StatusCode::OK
    );
    let (_, ledger) = city.get_text("/ledger").await;
    assert!(!ledger.contains("chart.umd.js"));
    // The overview leaves htmx out (nothing swaps there; it keeps the page under 100 KB).
    assert!(!html.contains("htmx.min.js"));
    assert!(ledger.contains("htmx.min.js"));
    // The nav links the page for those who may see it.
    assert!(html.contains("href=\"/overview\""));
    let (_, home) = t.login("worker").await.get_text("/").await;
    assert!(!home.contains("href=\"/overview\""));
}

#[tokio::test]
async fn only_those_who_oversee_a_level_see_it_and_bad_filters_change_nothing() {
    let t = spawn_app().await;
    for who in [
        "city_dept",
        "district_dept",
        "staffing",
        "street",
        "head",
        "worker",
        "resident",
        "sysadmin",
    ] {
        let c = t.login(who).await;
        let (s, _) = c.get_api("/api/v1/overview").await;
        assert_eq!(s, StatusCode::FORBIDDEN, "{who}");
        assert_eq!(
            c.get("/overview").await.status(),
            StatusCode::FORBIDDEN,
            "{who}"
        );
    }
    for who in ["district_approver", "city_approver"] {
        let c = t.login(who).await;
        overview(&c, "").await;
    }

    let tiexi = t.node_id("铁西区").await;
    let heping = t.node_id("示例和平社区").await;
    let anshan = t.node_id("鞍山市").await;
    let city = t.login("supervisor").await;
    let district = t.login("district_approver").await;
    let ok_entries = "SELECT COUNT(*) FROM audit_entry WHERE outcome = 'ok'";
    let exports = "SELECT COUNT(*) FROM audit_entry WHERE action = 'overview.export'";
    let (ok0, ex0) = (scalar(&t, ok_entries).await, scalar(&t, exports).await);
    let cases: [(&Browser, String, StatusCode, &str, &str); 5] = [
        (
            &city,
            "abc".into(),
            StatusCode::UNPROCESSABLE_ENTITY,
            "overview_district_invalid",
            "编号应为数字",
        ),
        (
            &city,
            "99999999".into(),
            StatusCode::UNPROCESSABLE_ENTITY,
            "overview_district_unknown",
            "没有编号为 99999999 的区(县、市)",
        ),
        (
            &city,
            heping.to_string(),
            StatusCode::UNPROCESSABLE_ENTITY,
            "overview_district_unknown",
            "不是区(县、市)",
        ),
        // Another district's id: 铁东区's staff never see 铁西区's figures.
        (
            &district,
            tiexi.to_string(),
            StatusCode::FORBIDDEN,
            "overview_district_forbidden",
            "不能查看铁西区",
        ),
        (
            &district,
            anshan.to_string(),
            StatusCode::UNPROCESSABLE_ENTITY,
            "overview_district_unknown",
            "不是区(县、市)",
        ),
    ];
    for (c, value, status, code, message) in cases {
        let (s, p) = c
            .get_api(&format!("/api/v1/overview?district={value}"))
            .await;
        assert_eq!(
            (s, p["code"].as_str()),
            (status, Some(code)),
            "{value}: {p}"
        );
        assert!(p["detail"].as_str().unwrap().contains(message), "{p}");
        if status != StatusCode::FORBIDDEN {
            assert_eq!(p["field"], "district", "{p}");
        }
        let (s, html) = c.get_text(&format!("/overview?district={value}")).await;
        assert_eq!(s, status, "page {value}");
        assert!(html.contains(message), "page {value}");
        let r = c
            .get(&format!("/overview/export.xlsx?district={value}"))
            .await;
        assert_eq!(r.status(), status, "export {value}");
    }
    assert_eq!(
        scalar(&t, ok_entries).await,
        ok0,
        "nothing recorded as done"
    );
    assert_eq!(scalar(&t, exports).await, ex0, "no export recorded");
    // The refused look at another district is recorded as a denial.
    let denied = scalar(
        &t,
        &format!(
            "SELECT COUNT(*) FROM audit_entry WHERE action = 'permission.denied' AND target_id = '{tiexi}'"
        ),
    )
    .await;
    assert!(denied >= 1);
}

/// Rows of a raw query, each column read as text (NULL as empty) — the test's own reading of
/// the tables, independent of `repo::overview`.
async fn rows(t: &TestApp, sql: &str, columns: &[&str]) -> Vec<Vec<String>> {
    let db = t.app.store.db();
    use jianfu_store::orm::{ConnectionTrait, Statement};
    db.query_all_raw(Statement::from_string(db.get_database_backend(), sql))
        .await
        .unwrap()
        .into_iter()
        .map(|r| {
            columns
                .iter()
                .map(|c| {
                    r.try_get::<Option<String>>("", c)
                        .or_else(|_| {
                            r.try_get::<Option<i64>>("", c)
                                .map(|v| v.map(|n| n.to_string()))
                        })
                        .or_else(|_| {
                            r.try_get::<Option<bool>>("", c)
                                .map(|v| v.map(|b| (b as i64).to_string()))
                        })
                        .unwrap()
                        .unwrap_or_default()
                })
                .collect()
        })
        .collect()
}

/// The counts of the area `area` in the chart `chart` (zeros when the area has no row).
fn area_row(o: &Value, chart: &str, area: i64) -> Vec<i64> {
    let width = o[chart]["totals"].as_array().unwrap().len();
    o[chart]["rows"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["area_id"] == area)
        .map_or(vec![0; width], |r| {
            r["counts"]
                .as_array()
                .unwrap()
                .iter()
                .map(|n| n.as_i64().unwrap())
                .collect()
        })
}

/// Every area row of a chart as (area id, counts).
fn area_rows(o: &Value, chart: &str) -> Vec<(i64, Vec<i64>)> {
    let mut v: Vec<(i64, Vec<i64>)> = o[chart]["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["area_id"].as_i64().unwrap(),
                r["counts"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|n| n.as_i64().unwrap())
                    .collect(),
            )
        })
        .collect();
    v.sort();
    v
}

/// The certificate chart counted by hand: each application with a time limit read one by one,
/// its bucket decided here (`on_time`, `late`, `pending`, `overdue`), per child of `scope`.
async fn certificates_by_hand(t: &TestApp, scope: i64) -> Vec<(i64, Vec<i64>)> {
    let areas = rows(
        t,
        &format!("SELECT id, path FROM node WHERE parent_id = {scope}"),
        &["id", "path"],
    )
    .await;
    let apps = rows(
        t,
        "SELECT a.status AS status, a.due_on AS due_on, c.path AS path, \
         (SELECT MIN(ce.issued_at) FROM certificate ce WHERE ce.application_id = a.id) AS first \
         FROM certificate_application a JOIN node c ON c.id = a.community_node_id \
         WHERE a.due_on IS NOT NULL",
        &["status", "due_on", "path", "first"],
    )
    .await;
    let today = t.today().to_string();
    let mut out: Vec<(i64, Vec<i64>)> = Vec::new();
    for a in &apps {
        let Some(area) = areas.iter().find(|x| a[2].starts_with(&x[1])) else {
            continue;
        };
        let i = match a[0].as_str() {
            "issued" => {
                let ms: i64 = a[3].parse().unwrap();
                let day = chrono::DateTime::from_timestamp_millis(ms + 8 * 3_600_000)
                    .unwrap()
                    .date_naive()
                    .to_string();
                if day <= a[1] { 0 } else { 1 }
            }
            "submitted" if a[1] < today => 3,
            "submitted" => 2,
            _ => continue,
        };
        let id: i64 = area[0].parse().unwrap();
        match out.iter_mut().find(|(x, _)| *x == id) {
            Some((_, c)) => c[i] += 1,
            None => {
                let mut c = vec![0; 4];
                c[i] += 1;
                out.push((id, c));
            }
        }
    }
    out.sort();
    out
}

/// The plaque chart counted by hand: each plaque read one by one and put in the street or town
/// above it (`compliant`, `non_compliant`, `removed`), for the streets under `path`.
async fn plaques_by_hand(t: &TestApp, path: &str) -> Vec<(i64, Vec<i64>)> {
    let streets = rows(
        t,
        &format!(
            "SELECT id, path FROM node WHERE kind IN ('street', 'town') AND path LIKE '{path}%'"
        ),
        &["id", "path"],
    )
    .await;
    let plaques = rows(
        t,
        "SELECT p.status AS status, p.compliant AS compliant, u.path AS path \
         FROM plaque p JOIN node u ON u.id = p.unit_node_id",
        &["status", "compliant", "path"],
    )
    .await;
    let mut out: Vec<(i64, Vec<i64>)> = Vec::new();
    for p in &plaques {
        let Some(s) = streets.iter().find(|s| p[2].starts_with(&s[1])) else {
            continue;
        };
        let i = if p[0] == "removed" {
            2
        } else if p[1] == "1" {
            0
        } else {
            1
        };
        let id: i64 = s[0].parse().unwrap();
        match out.iter_mut().find(|(x, _)| *x == id) {
            Some((_, c)) => c[i] += 1,
            None => {
                let mut c = vec![0; 3];
                c[i] += 1;
                out.push((id, c));
            }
        }
    }
    out.sort();
    out
}

#[tokio::test]
async fn certificate_time_limits_are_counted_per_area_and_move_with_the_applications() {
    use crate::certificates::{application, apply, issue_ok, record};
    let t = spawn_app().await;
    let tiedong = t.node_id("铁东区").await;
    let anshan = t.node_id("鞍山市").await;
    let street: i64 = rows(
        &t,
        "SELECT parent_id FROM node WHERE name = '示例和平社区'",
        &["parent_id"],
    )
    .await[0][0]
        .parse()
        .unwrap();
    let sup = t.login("district_supervisor").await;
    let before = overview(&sup, "").await;
    assert_eq!(before["clauses"]["certificates"], json!(["4.5-6", "4.5-9"]));
    let keys: Vec<&str> = before["certificates"]["totals"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b["key"].as_str().unwrap())
        .collect();
    assert_eq!(keys, ["on_time", "late", "pending", "overdue"]);
    // The district's areas are its streets; the figures are the hand count's.
    assert_eq!(
        area_rows(&before, "certificates"),
        certificates_by_hand(&t, tiedong).await
    );
    assert!(
        area_row(&before, "certificates", street)[0] >= 1,
        "the demo's issued one"
    );

    // A new application with a time limit: pending in 和平社区's street.
    let resident = t.login("resident").await;
    let a = apply(&resident, &application("hardship")).await;
    let id = a["id"].as_i64().unwrap();
    let due = chrono::NaiveDate::parse_from_str(a["due_on"].as_str().unwrap(), "%Y-%m-%d").unwrap();
    let applied = overview(&sup, "").await;
    let mut expected = area_row(&before, "certificates", street);
    expected[2] += 1;
    assert_eq!(area_row(&applied, "certificates", street), expected);

    // Past its due day: overdue (and every pending one of the demo with it).
    t.advance_clock_ms(((due - t.today()).num_days() + 1) * 86_400_000);
    let sup = t.login("district_supervisor").await;
    let late = overview(&sup, "").await;
    assert_eq!(
        area_rows(&late, "certificates"),
        certificates_by_hand(&t, tiedong).await
    );
    let row = area_row(&late, "certificates", street);
    let was = area_row(&applied, "certificates", street);
    // The new one (and any of the demo's due by then) moved from pending to overdue.
    assert!(row[3] > was[3] && row[2] < was[2], "{was:?} → {row:?}");
    assert_eq!(row[2] + row[3], was[2] + was[3]);

    // Issued late with the delay recorded: late, no longer overdue.
    let worker = t.login("worker").await;
    record(
        &worker,
        id,
        "investigation",
        &[("note", "入户调查：家庭人均收入低于当地标准")],
    )
    .await;
    record(
        &worker,
        id,
        "delay",
        &[("note", "申请人外出，补充材料延后")],
    )
    .await;
    issue_ok(&worker, id).await;
    let issued = overview(&sup, "").await;
    let mut expected = row.clone();
    expected[1] += 1;
    expected[3] -= 1;
    assert_eq!(area_row(&issued, "certificates", street), expected);

    // The city sees one row per district; 铁东区's sums the district's streets.
    let city = t.login("supervisor").await;
    let whole = overview(&city, "").await;
    assert_eq!(
        area_rows(&whole, "certificates"),
        certificates_by_hand(&t, anshan).await
    );
    let district_totals: Vec<i64> = issued["certificates"]["totals"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b["n"].as_i64().unwrap())
        .collect();
    assert_eq!(area_row(&whole, "certificates", tiedong), district_totals);
    // The page shows the table with its clause.
    let (_, html) = sup.get_text("/overview").await;
    assert!(html.contains("id=\"certificates\"") && html.contains("4.5-9"));
    assert!(html.contains("超时限出具"));
}

#[tokio::test]
async fn plaques_are_counted_per_street_of_the_scope_only() {
    let t = spawn_app().await;
    let tiedong = t.node_id("铁东区").await;
    let tiexi = t.node_id("铁西区").await;
    let heping = t.node_id("示例和平社区").await;
    let street: i64 = rows(
        &t,
        &format!("SELECT parent_id FROM node WHERE id = {heping}"),
        &["parent_id"],
    )
    .await[0][0]
        .parse()
        .unwrap();
    let path = t.node_path("铁东区").await;
    let sup = t.login("district_supervisor").await;
    let before = overview(&sup, "").await;
    assert_eq!(
        area_rows(&before, "plaques"),
        plaques_by_hand(&t, &path).await
    );
    assert!(
        !area_rows(&before, "plaques").is_empty(),
        "the demo registers plaques"
    );
    // Only 铁东区's streets.
    for (id, _) in area_rows(&before, "plaques") {
        let p = rows(
            &t,
            &format!("SELECT path FROM node WHERE id = {id}"),
            &["path"],
        )
        .await;
        assert!(p[0][0].starts_with(&path), "{id} outside 铁东区");
    }

    // An outdoor comprehensive station registered in 和平社区: one more non-compliant there.
    let worker = t.login("worker").await;
    let r = crate::plaques::add_outdoor_station(&worker, heping).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let after = overview(&sup, "").await;
    let mut expected = area_row(&before, "plaques", street);
    expected[1] += 1;
    assert_eq!(area_row(&after, "plaques", street), expected);
    assert_eq!(
        after["plaques"]["totals"][1]["n"],
        before["plaques"]["totals"][1]["n"].as_i64().unwrap() + 1
    );

    // The city picking 铁西区 sees none of 铁东区's streets.
    let city = t.login("supervisor").await;
    let west = overview(&city, &format!("?district={tiexi}")).await;
    let west_path = t.node_path("铁西区").await;
    assert_eq!(
        area_rows(&west, "plaques"),
        plaques_by_hand(&t, &west_path).await
    );
    assert_eq!(area_row(&west, "plaques", street), vec![0, 0, 0]);
    let picked = overview(&city, &format!("?district={tiedong}")).await;
    assert_eq!(picked["plaques"], after["plaques"]);
    let (_, html) = sup.get_text("/overview").await;
    assert!(html.contains("id=\"plaques\"") && html.contains("不合规（待清理或整改）"));
}

#[tokio::test]
async fn the_department_ranking_shows_once_a_year_has_results() {
    use crate::department_rating::{body, two_raters};
    let t = spawn_app().await;
    let sup = t.login("district_supervisor").await;
    let empty = overview(&sup, "").await;
    assert_eq!(empty["ranking"], json!({ "year": null, "units": [] }));
    let (_, html) = sup.get_text("/overview").await;
    assert!(html.contains("id=\"ranking-empty\""), "a real empty state");
    assert!(!html.contains("id=\"ranking\""));

    // Three communities rate the department: it is ranked this year.
    let unit = t.node_id("铁东区卫生健康局").await;
    let heping = t.node_id("示例和平社区").await;
    let worker = t.login("worker").await;
    let (s, p) = worker
        .post_api(
            "/api/v1/department-ratings",
            &body(heping, unit, ["satisfied"; 5], ""),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{p}");
    two_raters(&t, unit).await;
    let ranked = overview(&sup, "").await;
    let year = t.today().format("%Y").to_string().parse::<i64>().unwrap();
    assert_eq!(ranked["ranking"]["year"], year);
    let first = &ranked["ranking"]["units"][0];
    assert_eq!(
        (&first["unit_id"], &first["rank"], &first["raters"]),
        (&json!(unit), &json!(1), &json!(3))
    );
    // The same rating as the ranking page's.
    let (s, list) = sup.get_api("/api/v1/department-ratings").await;
    assert_eq!(s, StatusCode::OK, "{list}");
    let row = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["unit_id"] == unit)
        .unwrap();
    assert_eq!(first["rating"], row["rating"]);
    let (_, html) = sup.get_text("/overview").await;
    assert!(html.contains("id=\"ranking\"") && html.contains("铁东区卫生健康局"));
    assert!(html.contains(&format!("{year} 年度部门评议排名")));

    // 铁西区's overview does not rank 铁东区's department; the city's does.
    let city = t.login("supervisor").await;
    let tiexi = t.node_id("铁西区").await;
    let west = overview(&city, &format!("?district={tiexi}")).await;
    assert!(
        !west["ranking"]["units"]
            .as_array()
            .unwrap()
            .iter()
            .any(|u| u["unit_id"] == unit)
    );
    let whole = overview(&city, "").await;
    assert!(
        whole["ranking"]["units"]
            .as_array()
            .unwrap()
            .iter()
            .any(|u| u["unit_id"] == unit)
    );

    // Next year, before anyone rates: last year's ranking is shown, with its year.
    let next = chrono::NaiveDate::from_ymd_opt(year as i32 + 1, 2, 15).unwrap();
    t.advance_clock_ms((next - t.today()).num_days() * 86_400_000);
    let sup = t.login("district_supervisor").await;
    let later = overview(&sup, "").await;
    assert_eq!(later["ranking"]["year"], year);
}

/// The names of many communities (the annual report names every burdened one) are read in
/// batches: 700 new communities and 70,000 ids in all — more than SQLite's and PostgreSQL's
/// limits of bound values in one statement — come back named, each with its street, and ids
/// that name no node are left out.
#[tokio::test]
async fn names_of_more_ids_than_one_statement_binds_come_back_in_batches() {
    use jianfu_store::repo::{IDS_PER_STATEMENT, overview as overview_repo, tree};

    let t = spawn_app().await;
    let street = t.node_id("示例一街道").await;
    let path = {
        let db = t.app.store.db();
        use jianfu_store::orm::{ConnectionTrait, Statement};
        let row = db
            .query_one_raw(Statement::from_sql_and_values(
                db.get_database_backend(),
                "SELECT path FROM node WHERE id = $1",
                [street.into()],
            ))
            .await
            .unwrap()
            .unwrap();
        row.try_get::<String>("", "path").unwrap()
    };
    t.sql(&format!(
        "WITH RECURSIVE k(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM k WHERE i < 700) \
         INSERT INTO node (kind, name, parent_id, path, created_at, updated_at) \
         SELECT 'community', '批量社区' || i, {street}, '{path}' || 'b' || i || '/', 0, 0 FROM k"
    ))
    .await;
    let first = scalar(&t, "SELECT MIN(id) FROM node WHERE name LIKE '批量社区%'").await;
    let last = scalar(&t, "SELECT MAX(id) FROM node WHERE name LIKE '批量社区%'").await;
    assert_eq!(last - first, 699);
    const { assert!(700 > IDS_PER_STATEMENT) };

    // 70,000 ids: the 700 new communities among them, the rest mostly naming nothing.
    let ids: Vec<i64> = (1..=70_000).map(|i| first - 100 + i).collect();
    let named = overview_repo::names(&t.app.store, &ids).await.unwrap();
    let batch: Vec<_> = named
        .iter()
        .filter(|(_, name, _)| name.starts_with("批量社区"))
        .collect();
    assert_eq!(batch.len(), 700, "every new community is named once");
    let street_name = named
        .iter()
        .find(|(id, _, _)| *id == first)
        .map(|(_, name, parent)| (name.clone(), parent.clone()))
        .unwrap();
    assert_eq!(
        street_name,
        ("批量社区1".to_owned(), "示例一街道".to_owned())
    );
    let existing = scalar(
        &t,
        &format!(
            "SELECT COUNT(*) FROM node WHERE id BETWEEN {} AND {}",
            first - 99,
            first - 100 + 70_000
        ),
    )
    .await;
    assert_eq!(
        named.len() as i64,
        existing,
        "ids that name no node are left out"
    );

    let nodes = tree::by_ids(t.app.store.db(), ids).await.unwrap();
    assert_eq!(nodes.len() as i64, existing);
    assert_eq!(
        nodes
            .iter()
            .filter(|n| n.name.starts_with("批量社区") && n.parent_id == Some(street))
            .count(),
        700
    );
}
