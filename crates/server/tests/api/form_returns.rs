//! Returns of admitted report forms (issue 13 §3): the admitted form's periods reach the target
//! communities' to-do and inbox; the worker fills the web form generated from the fields, saves a
//! draft, submits; the values become the community's current values and pre-fill the next form
//! asking for them (4.8-3); a correction is a new version with the history kept; the department
//! sees its table with completeness, exports it and reminds the community not yet submitted.
//! Bad input — a type mismatch, a period not due or closed, another community's return,
//! submitting twice — is refused and changes nothing.

use chrono::{Datelike, Months, NaiveDate};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::auth::scalar;
use crate::helpers::{Browser, TestApp, spawn_app};

async fn post(b: &Browser, path: &str, v: &Value) -> (StatusCode, Value) {
    let r = b.json(Method::POST, path).json(v).send().await.unwrap();
    let s = r.status();
    (s, r.json().await.unwrap_or(Value::Null))
}

fn first_of_month(d: NaiveDate) -> NaiveDate {
    d.with_day(1).unwrap()
}

/// Files and admits a monthly form of 铁东区卫生健康局 asking 常住人口数 (integer) and
/// 人居环境整治进度 (choice), 户籍人口数 pre-filled from 公安's shared data, to 示例和平社区 and
/// 示例新华社区 over three months from this month's first day. Its id.
async fn admitted_form(t: &TestApp, title: &str, codes: &[&str]) -> i64 {
    let dept = t.login("district_dept").await;
    let start = first_of_month(t.today());
    let end = start + Months::new(3) - chrono::Days::new(1);
    let (s, d) = post(
        &dept,
        "/api/v1/report-forms",
        &json!({
            "requester_node_id": t.node_id("铁东区卫生健康局").await,
            "title": title,
            "purpose": "掌握社区常住人口情况",
            "item_codes": codes,
            "respondent_level": "community",
            "proper_respondent": "community",
            "frequency": "monthly",
            "period_start": start.to_string(),
            "period_end": end.to_string(),
            "legal_basis": "《中华人民共和国基本医疗卫生与健康促进法》第三十一条",
            "target_mode": "communities",
            "target_ids": [t.node_id("示例和平社区").await, t.node_id("示例新华社区").await],
        }),
    )
    .await;
    assert_eq!(s, StatusCode::CREATED, "{d}");
    let id = d["id"].as_i64().unwrap();
    let approver = t.login("district_approver").await;
    let (s, a) = post(
        &approver,
        &format!("/api/v1/demands/{id}/admit"),
        &json!({"note": "同意"}),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{a}");
    id
}

async fn counts(t: &TestApp) -> (i64, i64, i64, i64) {
    (
        scalar(t, "SELECT COUNT(*) FROM form_return").await,
        scalar(t, "SELECT COUNT(*) FROM community_value").await,
        scalar(t, "SELECT COUNT(*) FROM form_return_reminder").await,
        scalar(t, "SELECT COUNT(*) FROM audit_entry WHERE outcome = 'ok'").await,
    )
}

fn codes(p: &Value) -> Vec<(String, String)> {
    std::iter::once(p)
        .chain(p["errors"].as_array().into_iter().flatten())
        .map(|e| {
            (
                e["code"].as_str().unwrap_or("").to_owned(),
                e["field"].as_str().unwrap_or("").to_owned(),
            )
        })
        .collect()
}

#[tokio::test]
async fn a_community_fills_submits_and_corrects_and_the_department_sees_and_reminds() {
    let t = spawn_app().await;
    let id = admitted_form(&t, "社区常住人口月报", &["HJ_RKS", "CZ_RKS", "HJZZ_JD"]).await;
    let heping = t.node_id("示例和平社区").await;
    let xinhua = t.node_id("示例新华社区").await;
    let key = first_of_month(t.today()).to_string();

    // The to-do: this month's return, not yet filled, for the worker's community only.
    let worker = t.login("worker").await;
    let (s, due) = worker.get_api("/api/v1/form-returns").await;
    assert_eq!(s, StatusCode::OK, "{due}");
    // (The demo's own admitted form reaches 示例和平社区 too: only this form's rows count.)
    let items: Vec<&Value> = due["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|i| i["demand_id"] == id)
        .collect();
    assert_eq!(items.len(), 1, "{due}");
    assert_eq!(
        (
            items[0]["community_id"].as_i64(),
            items[0]["period_key"].as_str(),
            items[0]["state_zh"].as_str(),
            items[0]["overdue"].as_bool()
        ),
        (
            Some(heping),
            Some(key.as_str()),
            Some("未填报"),
            Some(false)
        )
    );
    let (s, html) = worker.get_text("/form-returns").await;
    assert_eq!(s, StatusCode::OK);
    assert!(html.contains("社区常住人口月报") && html.contains("/form-returns/export.xlsx"));
    let inbox = t.app.inbox(&t.ctx("worker").await).await.unwrap();
    assert!(
        inbox
            .items
            .iter()
            .any(|i| i.kind_zh == "填报报表"
                && i.href == format!("/form-returns/{id}/{heping}/{key}")),
        "{inbox:?}"
    );

    // The page: the form generated from the fields; the shared field is not asked.
    let path = format!("/form-returns/{id}/{heping}/{key}");
    let (s, html) = worker.get_text(&path).await;
    assert_eq!(s, StatusCode::OK, "{html}");
    assert!(html.contains("由鞍山市公安局的共享数据预填"), "{html}");
    assert!(html.contains("name=\"v_CZ_RKS\"") && html.contains("<option value=\"进行中\""));

    // Save a draft through the page, then submit through the API.
    let r = worker
        .post_form(&path, &[("v_CZ_RKS", "3200"), ("intent", "save")])
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(t.audit_count("form_return.save").await, 1);
    let api = format!("/api/v1{path}");
    let (s, r) = post(
        &worker,
        &api,
        &json!({"values": {"CZ_RKS": "3210", "HJZZ_JD": "进行中"}, "submit": true}),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{r}");
    assert_eq!(
        (r["state"].as_str(), r["version"].as_i64()),
        (Some("submitted"), Some(1))
    );
    assert_eq!(t.audit_count("form_return.submit").await, 1);
    assert_eq!(
        scalar(
            &t,
            &format!("SELECT COUNT(*) FROM community_value WHERE community_node_id = {heping}")
        )
        .await,
        2
    );

    // Submitting twice is refused; a correction makes version 2, version 1 kept.
    let before = counts(&t).await;
    let (s, p) = post(
        &worker,
        &api,
        &json!({"values": {"CZ_RKS": "1"}, "submit": true}),
    )
    .await;
    assert_eq!(
        (s, p["code"].as_str()),
        (StatusCode::CONFLICT, Some("return_already_submitted")),
        "{p}"
    );
    assert_eq!(counts(&t).await, before);
    let (s, r) = post(&worker, &format!("{api}/correct"), &json!({})).await;
    assert_eq!(
        (s, r["version"].as_i64(), r["state"].as_str()),
        (StatusCode::OK, Some(2), Some("draft")),
        "{r}"
    );
    let (s, r) = post(
        &worker,
        &api,
        &json!({"values": {"CZ_RKS": "3215", "HJZZ_JD": "已完成"}, "submit": true}),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{r}");
    let history = r["history"].as_array().unwrap();
    assert_eq!(history.len(), 2, "{r}");
    assert_eq!(
        history[1]["values"],
        json!([["常住人口数", "3210"], ["人居环境整治进度", "进行中"]])
    );
    let (_, html) = worker.get_text(&path).await;
    assert!(html.contains("第 1 版") && html.contains("第 2 版") && html.contains("3215"));

    // 最多报一次: the next form asking 常住人口数 is pre-filled from it, marked with its source.
    let next = admitted_form(&t, "社区人口季度核对表", &["CZ_RKS"]).await;
    let (s, r) = worker
        .get_api(&format!("/api/v1/form-returns/{next}/{heping}/{key}"))
        .await;
    assert_eq!(s, StatusCode::OK, "{r}");
    assert_eq!(r["fields"][0]["value"], "3215", "{r}");
    assert!(
        r["fields"][0]["prefill"]
            .as_str()
            .unwrap()
            .contains("社区常住人口月报"),
        "{r}"
    );

    // The department's table: two communities due, one submitted; export; reminder.
    let dept = t.login("district_dept").await;
    let (s, tab) = dept
        .get_api(&format!("/api/v1/report-forms/{id}/returns"))
        .await;
    assert_eq!(s, StatusCode::OK, "{tab}");
    assert_eq!(
        (
            tab["due"].as_u64(),
            tab["submitted"].as_u64(),
            tab["unsubmitted_communities"].as_u64()
        ),
        (Some(2), Some(1), Some(1)),
        "{tab}"
    );
    assert_eq!(tab["fields"], json!(["常住人口数", "人居环境整治进度"]));
    let row = tab["rows"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["community_id"] == heping)
        .unwrap();
    assert_eq!(row["values"], json!(["3215", "已完成"]), "{tab}");
    let (s, html) = dept.get_text(&format!("/report-forms/{id}/returns")).await;
    assert_eq!(s, StatusCode::OK);
    assert!(
        html.contains("已报送 <strong>1</strong>") && html.contains("示例新华社区"),
        "{html}"
    );
    // The admitted form's page leads its own department to the table, and no one else.
    let link = format!("href=\"/report-forms/{id}/returns\"");
    let (s, html) = dept.get_text(&format!("/demands/{id}")).await;
    assert_eq!(s, StatusCode::OK);
    assert!(html.contains(&link), "{html}");
    for other in ["city_dept", "district_approver"] {
        let b = t.login(other).await;
        let (_, html) = b.get_text(&format!("/demands/{id}")).await;
        assert!(!html.contains(&link), "{other} sees no link to the returns");
    }
    let r = dept
        .get(&format!("/report-forms/{id}/returns/export.xlsx"))
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(t.audit_count("form_return.export").await, 1);
    let r = dept
        .post_form(&format!("/report-forms/{id}/returns/remind"), &[])
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(t.audit_count("form_return.remind").await, 1);
    assert_eq!(
        scalar(
            &t,
            &format!(
                "SELECT COUNT(*) FROM form_return_reminder WHERE community_node_id = {xinhua}"
            )
        )
        .await,
        1
    );

    // Another department and the community do not read the table; the worker never fills
    // another community's return.
    let city = t.login("city_dept").await;
    let before = counts(&t).await;
    let (s, _) = city
        .get_api(&format!("/api/v1/report-forms/{id}/returns"))
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, p) = post(
        &worker,
        &format!("/api/v1/form-returns/{id}/{xinhua}/{key}"),
        &json!({"values": {"CZ_RKS": "1"}}),
    )
    .await;
    assert_eq!(s, StatusCode::FORBIDDEN, "{p}");
    let (s, _) = worker
        .get_api(&format!("/api/v1/form-returns/{id}/{xinhua}/{key}"))
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let after = counts(&t).await;
    assert_eq!((after.0, after.1, after.2), (before.0, before.1, before.2));
    assert_eq!(after.3, before.3, "no ok audit entry for refusals");
}

#[tokio::test]
async fn bad_returns_are_refused_with_the_field_named_and_nothing_changes() {
    let t = spawn_app().await;
    let id = admitted_form(&t, "社区常住人口月报", &["CZ_RKS", "HJZZ_JD"]).await;
    let heping = t.node_id("示例和平社区").await;
    let start = first_of_month(t.today());
    let key = start.to_string();
    let worker = t.login("worker").await;
    let api = format!("/api/v1/form-returns/{id}/{heping}/{key}");
    let before = counts(&t).await;

    // A type mismatch in each field: every problem at once, each field named.
    let (s, p) = post(
        &worker,
        &api,
        &json!({"values": {"CZ_RKS": "三千", "HJZZ_JD": "差不多"}, "submit": true}),
    )
    .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{p}");
    assert_eq!(
        codes(&p),
        [
            ("return_value_invalid".to_owned(), "f1".to_owned()),
            ("return_value_invalid".to_owned(), "f2".to_owned())
        ],
        "{p}"
    );
    assert!(
        p["detail"]
            .as_str()
            .unwrap()
            .contains("“常住人口数”应为整数"),
        "{p}"
    );
    // The page shows it beside the field, the value kept.
    let r = worker
        .post_form(
            &format!("/form-returns/{id}/{heping}/{key}"),
            &[("v_CZ_RKS", "三千"), ("intent", "submit")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = r.text().await.unwrap();
    assert!(
        html.contains("应为整数") && html.contains("value=\"三千\""),
        "{html}"
    );
    // Submitting with a field left empty.
    let (s, p) = post(
        &worker,
        &api,
        &json!({"values": {"CZ_RKS": "12"}, "submit": true}),
    )
    .await;
    assert_eq!(
        (s, codes(&p)),
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            vec![("return_value_required".to_owned(), "f2".to_owned())]
        ),
        "{p}"
    );
    // A period not due (next month's) and one that names no period.
    let next = (start + Months::new(1)).to_string();
    let (s, p) = post(
        &worker,
        &format!("/api/v1/form-returns/{id}/{heping}/{next}"),
        &json!({"values": {"CZ_RKS": "12"}}),
    )
    .await;
    assert_eq!(
        (s, codes(&p)),
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            vec![("return_period_not_due".to_owned(), "period_key".to_owned())]
        ),
        "{p}"
    );
    assert!(p["detail"].as_str().unwrap().contains("4.9-2"), "{p}");
    // Correcting a return never submitted.
    let (s, p) = post(&worker, &format!("{api}/correct"), &json!({})).await;
    assert_eq!(
        (s, p["code"].as_str()),
        (StatusCode::CONFLICT, Some("return_not_submitted")),
        "{p}"
    );
    // Reminding is the department's; nothing to remind once all submitted is a conflict.
    let (s, _) = post(
        &worker,
        &format!("/api/v1/report-forms/{id}/returns/remind"),
        &json!({}),
    )
    .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let after = counts(&t).await;
    assert_eq!((after.0, after.1, after.2), (before.0, before.1, before.2));
    assert_eq!(after.3, before.3, "no ok audit entry for refusals");

    // After its deadline the unsubmitted return is overdue on the to-do.
    assert!(t.move_clock_to(start + Months::new(1)));
    let worker = t.login("worker").await;
    let (_, due) = worker.get_api("/api/v1/form-returns").await;
    assert!(
        due["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|i| i["period_key"] == key.as_str() && i["overdue"] == true),
        "{due}"
    );
    // Once the late window is over the period is closed: nothing is taken.
    let closes = start + Months::new(1) - chrono::Days::new(1) + chrono::Days::new(31);
    assert!(t.move_clock_to(closes));
    let worker = t.login("worker").await;
    let before = counts(&t).await;
    let (s, p) = post(&worker, &api, &json!({"values": {"CZ_RKS": "12"}})).await;
    assert_eq!(
        (s, p["code"].as_str()),
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            Some("return_period_closed")
        ),
        "{p}"
    );
    assert_eq!(counts(&t).await.0, before.0);
}

/// The cells of a workbook's first sheet as text, by (0-based row, column).
fn sheet_cells(bytes: &[u8]) -> std::collections::BTreeMap<(u32, u32), String> {
    use calamine::Reader;
    let mut book = calamine::Xlsx::new(std::io::Cursor::new(bytes.to_vec())).unwrap();
    let name = book.sheet_names()[0].clone();
    let range = book.worksheet_range(&name).unwrap();
    let (r0, c0) = range.start().unwrap_or((0, 0));
    let mut out = std::collections::BTreeMap::new();
    for (r, row) in range.rows().enumerate() {
        for (c, cell) in row.iter().enumerate() {
            let text = cell.to_string();
            if !text.is_empty() {
                out.insert((r0 + r as u32, c0 + c as u32), text);
            }
        }
    }
    out
}

/// The template `bytes` with `values` written into column E at the given Excel rows, saved
/// again as a user's spreadsheet program would.
fn filled(bytes: &[u8], values: &[(u32, &str)]) -> Vec<u8> {
    let mut cells = sheet_cells(bytes);
    for (row, v) in values {
        cells.insert((row - 1, 4), (*v).to_owned());
    }
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name("填报").unwrap();
    for ((r, c), v) in &cells {
        ws.write_string(*r, *c as u16, v).unwrap();
    }
    wb.save_to_buffer().unwrap()
}

async fn template(b: &Browser, id: i64, community: i64, key: &str) -> Vec<u8> {
    let r = b
        .get(&format!(
            "/form-returns/{id}/{community}/{key}/template.xlsx"
        ))
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(
        r.headers()["content-type"],
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    );
    r.bytes().await.unwrap().to_vec()
}

async fn upload(b: &Browser, path: &str, bytes: &[u8], submit: bool) -> (StatusCode, Value) {
    let r = b
        .post_multipart(
            &format!("/api/v1{path}/upload?submit={submit}"),
            &[],
            &[("file", "填报模板.xlsx", bytes)],
        )
        .await;
    let s = r.status();
    (s, r.json().await.unwrap_or(Value::Null))
}

#[tokio::test]
async fn a_return_is_filled_in_its_excel_template_and_bad_templates_change_nothing() {
    let t = spawn_app().await;
    let id = admitted_form(&t, "社区常住人口月报", &["HJ_RKS", "CZ_RKS", "HJZZ_JD"]).await;
    let other = admitted_form(&t, "社区人口季度核对表", &["CZ_RKS"]).await;
    let heping = t.node_id("示例和平社区").await;
    let start = first_of_month(t.today());
    let key = start.to_string();
    let path = format!("/form-returns/{id}/{heping}/{key}");
    let worker = t.login("worker").await;

    // The page offers the template and the upload; the template carries the form's corner and
    // one row per field, the shared one marked.
    let (s, html) = worker.get_text(&path).await;
    assert_eq!(s, StatusCode::OK);
    assert!(
        html.contains(&format!("href=\"{path}/template.xlsx\""))
            && html.contains(&format!("action=\"{path}/upload?csrf_token="))
            && html.contains("multipart/form-data"),
        "{html}"
    );
    let v0 = template(&worker, id, heping, &key).await;
    let cells = sheet_cells(&v0);
    assert_eq!(cells[&(0, 0)], "报表编号");
    assert_eq!(cells[&(0, 1)], id.to_string());
    assert_eq!(cells[&(2, 1)], key);
    assert_eq!(cells[&(3, 1)], "0");
    assert_eq!(cells[&(7, 4)], "填报值");
    assert_eq!(
        (
            cells[&(8, 0)].as_str(),
            cells[&(9, 0)].as_str(),
            cells[&(10, 0)].as_str()
        ),
        ("HJ_RKS", "CZ_RKS", "HJZZ_JD")
    );
    assert!(cells[&(8, 5)].contains("鞍山市公安局"), "{cells:?}");
    let api = format!("/api/v1/form-returns/{id}/{heping}/{key}/template.xlsx");
    let r = worker.get(&api).await;
    assert_eq!(r.status(), StatusCode::OK);

    let before = counts(&t).await;
    // Type mismatches: every problem at once, each with its row, column and reason.
    let (s, p) = upload(
        &worker,
        &path,
        &filled(&v0, &[(10, "三千"), (11, "差不多")]),
        true,
    )
    .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{p}");
    assert_eq!(
        codes(&p),
        [
            ("return_value_invalid".to_owned(), "f2".to_owned()),
            ("return_value_invalid".to_owned(), "f3".to_owned())
        ],
        "{p}"
    );
    assert!(
        p["detail"]
            .as_str()
            .unwrap()
            .starts_with("第 10 行、E 列（填报值）：“常住人口数”应为整数"),
        "{p}"
    );
    assert!(
        p["errors"][0]["detail"]
            .as_str()
            .unwrap()
            .starts_with("第 11 行、E 列（填报值）：“人居环境整治进度”应为以下选项之一"),
        "{p}"
    );
    // The page shows the same, by row and column.
    let r = worker
        .post_multipart(
            &format!("{path}/upload"),
            &[("submit", "1")],
            &[("file", "填报模板.xlsx", &filled(&v0, &[(10, "三千")]))],
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = r.text().await.unwrap();
    assert!(html.contains("第 10 行、E 列（填报值）"), "{html}");
    // Not an xlsx file.
    let (s, p) = upload(&worker, &path, b"CZ_RKS,3100\n", false).await;
    assert_eq!(
        (s, p["code"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("template_not_xlsx")),
        "{p}"
    );
    // Another form's template.
    let theirs = template(&worker, other, heping, &key).await;
    let (s, p) = upload(&worker, &path, &filled(&theirs, &[(9, "3100")]), false).await;
    assert_eq!(
        (s, p["code"].as_str()),
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            Some("template_other_form")
        ),
        "{p}"
    );
    // A period not due: next month's template is refused with 4.9-2.
    let next = (start + Months::new(1)).to_string();
    let later = template(&worker, id, heping, &next).await;
    let (s, p) = upload(
        &worker,
        &format!("/form-returns/{id}/{heping}/{next}"),
        &filled(&later, &[(10, "3100"), (11, "进行中")]),
        false,
    )
    .await;
    assert_eq!(
        (s, p["code"].as_str()),
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            Some("return_period_not_due")
        ),
        "{p}"
    );
    assert_eq!(counts(&t).await, before, "nothing stored, nothing audited");

    // A good template, uploaded through the page and submitted: version 1 with its values.
    let r = worker
        .post_multipart(
            &format!("{path}/upload"),
            &[("submit", "1")],
            &[(
                "file",
                "填报模板.xlsx",
                &filled(&v0, &[(10, "3100"), (11, "进行中")]),
            )],
        )
        .await;
    assert_eq!(
        r.status(),
        StatusCode::SEE_OTHER,
        "{}",
        r.text().await.unwrap()
    );
    let (_, ret) = worker.get_api(&format!("/api/v1{path}")).await;
    assert_eq!(
        (ret["state"].as_str(), ret["version"].as_i64()),
        (Some("submitted"), Some(1)),
        "{ret}"
    );
    assert_eq!(ret["fields"][1]["value"], "3100");
    assert_eq!(t.audit_count("form_return.submit").await, 1);

    // The old template (version 0) is refused once the return moved on; so is it after a
    // correction (version 2).
    let (s, p) = post(&worker, &format!("/api/v1{path}/correct"), &json!({})).await;
    assert_eq!(s, StatusCode::OK, "{p}");
    let before = counts(&t).await;
    let (s, p) = upload(
        &worker,
        &path,
        &filled(&v0, &[(10, "3200"), (11, "已完成")]),
        true,
    )
    .await;
    assert_eq!(
        (s, p["code"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("template_outdated")),
        "{p}"
    );
    // The current template works: the correction submitted as version 2.
    let v2 = template(&worker, id, heping, &key).await;
    assert_eq!(sheet_cells(&v2)[&(3, 1)], "2");
    assert_eq!(counts(&t).await, before);
    // Once the period is closed the current template is refused too.
    let closes = start + Months::new(1) - chrono::Days::new(1) + chrono::Days::new(31);
    assert!(t.move_clock_to(closes));
    let worker = t.login("worker").await;
    let before = counts(&t).await; // (logging in again is audited)
    let (s, p) = upload(
        &worker,
        &path,
        &filled(&v2, &[(10, "3200"), (11, "已完成")]),
        true,
    )
    .await;
    assert_eq!(
        (s, p["code"].as_str()),
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            Some("return_period_closed")
        ),
        "{p}"
    );
    assert_eq!(counts(&t).await, before);
}
