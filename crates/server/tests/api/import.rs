//! Excel import of work items: a department uploads a spreadsheet; good rows become demands
//! through the same lifecycle as the draft form, bad rows come back with row, column and
//! message and leave nothing behind; files that are not usable import nothing at all.

use std::time::Instant;

use reqwest::StatusCode;
use rust_xlsxwriter::{DocProperties, ExcelDateTime, Format, Workbook};
use serde_json::Value;

use crate::helpers::{Browser, TestApp, spawn_app, this_year, this_year_on};

/// The header row, in the order the sample uses.
const HEADERS: [&str; 19] = [
    "事项名称",
    "事项内容",
    "事项类别",
    "社区角色",
    "属于部门职责",
    "依据类别",
    "依据名称",
    "条款",
    "经费(元)",
    "经费来源",
    "公益性",
    "专业性",
    "技术性",
    "每次耗时(分钟)",
    "每年次数",
    "开始日期",
    "结束日期",
    "派发范围",
    "派发对象",
];

const REQUESTER: &str = "铁东区卫生健康局";

/// A row that imports cleanly (and is admissible: legal basis, assisting), with some cells
/// replaced.
fn row(changes: &[(&str, &str)]) -> Vec<String> {
    // Next year, so that the period never lies in the past (4.2-4 refuses that on submit).
    let (start, end) = (
        format!("{}-01-01", this_year() + 1),
        format!("{}-12-31", this_year() + 1),
    );
    let good = [
        ("事项名称", "协助开展居民健康档案信息核对"),
        ("事项内容", "入户核对辖区居民健康档案基本信息"),
        ("事项类别", "卫生健康"),
        ("社区角色", "协助"),
        ("属于部门职责", "否"),
        ("依据类别", "法律"),
        ("依据名称", "《中华人民共和国基本医疗卫生与健康促进法》"),
        ("条款", "第六十九条"),
        ("经费(元)", ""),
        ("经费来源", ""),
        ("公益性", "是"),
        ("专业性", "否"),
        ("技术性", "否"),
        ("每次耗时(分钟)", "30"),
        ("每年次数", "12"),
        ("开始日期", start.as_str()),
        ("结束日期", end.as_str()),
        ("派发范围", "社区"),
        ("派发对象", "示例和平社区、示例光明社区"),
    ];
    HEADERS
        .iter()
        .map(|h| {
            changes
                .iter()
                .find(|(k, _)| k == h)
                .or_else(|| good.iter().find(|(k, _)| k == h))
                .map(|(_, v)| (*v).to_owned())
                .unwrap()
        })
        .collect()
}

/// A workbook whose first sheet holds `rows` as text (the first row is the header).
fn xlsx(rows: &[Vec<String>]) -> Vec<u8> {
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    for (r, cells) in rows.iter().enumerate() {
        for (c, v) in cells.iter().enumerate() {
            if !v.is_empty() {
                ws.write_string(r as u32, c as u16, v).unwrap();
            }
        }
    }
    wb.save_to_buffer().unwrap()
}

fn header() -> Vec<String> {
    HEADERS.iter().map(|h| (*h).to_owned()).collect()
}

/// A file with the header and these data rows.
fn file(rows: Vec<Vec<String>>) -> Vec<u8> {
    let mut all = vec![header()];
    all.extend(rows);
    xlsx(&all)
}

/// The committed sample (`data/samples/work-items-import-sample.xlsx`): five work items of
/// 铁东区卫生健康局 for the demo communities, the last in a category 4.2-6 bans. Dates are Excel
/// dates in the first two rows and text in the others, as people fill them in.
fn sample_workbook() -> Vec<u8> {
    let rows: [[&str; 19]; 5] = [
        [
            "协助开展居民健康档案信息核对",
            "入户核对辖区居民健康档案基本信息，更正错漏",
            "卫生健康",
            "协助",
            "否",
            "法律",
            "《中华人民共和国基本医疗卫生与健康促进法》",
            "第六十九条",
            "",
            "",
            "是",
            "否",
            "否",
            "30",
            "12",
            "2027-01-01",
            "2027-12-31",
            "社区",
            "示例和平社区、示例光明社区",
        ],
        [
            "协助组织老年人免费体检通知",
            "通知辖区 65 岁以上老年人参加免费健康体检",
            "卫生健康",
            "协助",
            "否",
            "",
            "",
            "",
            "8000",
            "区级财政专项资金",
            "是",
            "否",
            "否",
            "60",
            "2",
            "2027-03-01",
            "2027-10-31",
            "街道",
            "示例一街道",
        ],
        [
            "协助开展爱国卫生运动宣传",
            "在社区宣传栏张贴爱国卫生运动宣传材料",
            "civilization_campaign",
            "协助",
            "否",
            "法律",
            "《中华人民共和国基本医疗卫生与健康促进法》",
            "第七十二条",
            "",
            "",
            "是",
            "否",
            "否",
            "90",
            "4",
            "2027-01-01",
            "2027-12-31",
            "社区",
            "210302092001",
        ],
        [
            "协助开展控烟宣传入户",
            "入户发放控烟宣传材料",
            "卫生健康",
            "协助",
            "否",
            "",
            "",
            "",
            "2000",
            "区级财政专项资金",
            "是",
            "否",
            "否",
            "30",
            "4",
            "2027-01-01",
            "2027-12-31",
            "全辖区",
            "",
        ],
        [
            "社区承担辖区环境卫生整治任务",
            "由社区负责辖区背街小巷环境卫生整治并接受考核",
            "环境整治",
            "责任主体",
            "否",
            "",
            "",
            "",
            "5000",
            "区级财政专项资金",
            "否",
            "否",
            "否",
            "120",
            "12",
            "2027-01-01",
            "2027-12-31",
            "全辖区",
            "",
        ],
    ];
    let mut wb = Workbook::new();
    // A fixed creation time, so that regenerating an unchanged sample gives the same bytes.
    wb.set_properties(
        &DocProperties::new()
            .set_title("工作事项批量导入示例")
            .set_author("jianfu")
            .set_creation_datetime(&ExcelDateTime::from_ymd(2026, 11, 28).unwrap()),
    );
    let bold = Format::new().set_bold();
    let date = Format::new().set_num_format("yyyy-mm-dd");
    let ws = wb.add_worksheet();
    ws.set_name("事项").unwrap();
    for (c, h) in HEADERS.iter().enumerate() {
        ws.write_string_with_format(0, c as u16, *h, &bold).unwrap();
        let width = if c < 2 || c == 6 || c == 18 { 30 } else { 12 };
        ws.set_column_width(c as u16, width).unwrap();
    }
    ws.set_freeze_panes(1, 0).unwrap();
    for (r, cells) in rows.iter().enumerate() {
        let r = r as u32 + 1;
        for (c, v) in cells.iter().enumerate() {
            let is_date = c == 15 || c == 16;
            if is_date && r <= 2 {
                let (y, m, d) = (&v[0..4], &v[5..7], &v[8..10]);
                let dt = ExcelDateTime::from_ymd(
                    y.parse().unwrap(),
                    m.parse().unwrap(),
                    d.parse().unwrap(),
                )
                .unwrap();
                ws.write_date_with_format(r, c as u16, &dt, &date).unwrap();
            } else if matches!(c, 8 | 13 | 14) && !v.is_empty() {
                ws.write_number(r, c as u16, v.parse::<f64>().unwrap())
                    .unwrap();
            } else if !v.is_empty() {
                ws.write_string(r, c as u16, *v).unwrap();
            }
        }
    }
    let help = wb.add_worksheet();
    help.set_name("填写说明").unwrap();
    let notes = [
        (
            "说明",
            "系统只读取第一个工作表；第一行为表头，从第二行起每行一个事项。",
        ),
        (
            "事项类别",
            "类别名称（如 卫生健康）或代码（如 health）；招商引资、协税护税、经济创收，以及社区为责任主体的执法、拆迁拆违、环境整治、城市管理，按 4.2-6 不予准入。",
        ),
        ("社区角色", "责任主体 或 协助"),
        (
            "是/否 列",
            "属于部门职责、公益性、专业性、技术性：填 是 或 否，空视为否。",
        ),
        (
            "依据类别",
            "法律、法规、规章；无依据留空，此时须填写经费及其来源。",
        ),
        ("日期", "YYYY-MM-DD 文本或 Excel 日期；期限最长 5 年。"),
        ("派发范围", "全辖区（派发对象留空）、街道 或 社区。"),
        (
            "派发对象",
            "名称或 12 位区划代码，多个用“、”或“,”分隔；只能是本部门辖区内的街道(乡镇)或社区(村)。",
        ),
    ];
    help.set_column_width(0, 14).unwrap();
    help.set_column_width(1, 90).unwrap();
    for (r, (k, v)) in notes.iter().enumerate() {
        help.write_string_with_format(r as u32, 0, *k, &bold)
            .unwrap();
        help.write_string(r as u32, 1, *v).unwrap();
    }
    wb.save_to_buffer().unwrap()
}

/// Regenerates the committed sample file:
/// `cargo test -p jianfu-server --test api write_import_sample -- --ignored`.
#[test]
#[ignore]
fn write_import_sample() {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../data/samples/work-items-import-sample.xlsx"
    );
    std::fs::write(path, sample_workbook()).unwrap();
}

#[test]
fn committed_sample_matches_its_generator() {
    let committed = include_bytes!("../../../../data/samples/work-items-import-sample.xlsx");
    assert!(
        committed[..] == sample_workbook()[..],
        "data/samples/work-items-import-sample.xlsx is stale: run \
         cargo test -p jianfu-server --test api write_import_sample -- --ignored"
    );
}

const BOUNDARY: &str = "jianfu-import-test-boundary-4f2a9c";

/// A `multipart/form-data` body with the file in field `file` and the given text fields.
fn multipart(file: &[u8], fields: &[(&str, &str)]) -> Vec<u8> {
    let mut body = Vec::new();
    for (name, value) in fields {
        body.extend_from_slice(
            format!(
                "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
            )
            .as_bytes(),
        );
    }
    body.extend_from_slice(
        format!(
            "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"work-items.xlsx\"\r\n\
             Content-Type: application/vnd.openxmlformats-officedocument.spreadsheetml.sheet\r\n\r\n"
        )
        .as_bytes(),
    );
    body.extend_from_slice(file);
    body.extend_from_slice(format!("\r\n--{BOUNDARY}--\r\n").as_bytes());
    body
}

fn content_type() -> String {
    format!("multipart/form-data; boundary={BOUNDARY}")
}

/// Uploads through the page, as the form does (CSRF token in the action's query string).
async fn post_page(b: &Browser, requester: i64, file: &[u8], submit: bool) -> reqwest::Response {
    let mut fields = vec![("requester_node_id", requester.to_string())];
    if submit {
        fields.push(("submit", "true".into()));
    }
    let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
    b.client
        .post(b.url(&format!("/demands/import?csrf_token={}", b.csrf)))
        .header("content-type", content_type())
        .body(multipart(file, &fields))
        .send()
        .await
        .unwrap()
}

/// Uploads through the API with the session and the CSRF header.
async fn post_api(b: &Browser, requester: i64, file: &[u8], submit: bool) -> reqwest::Response {
    b.client
        .post(b.url(&format!(
            "/api/v1/demands/import?requester_node_id={requester}&submit={submit}"
        )))
        .header("x-csrf-token", &b.csrf)
        .header("content-type", content_type())
        .body(multipart(file, &[]))
        .send()
        .await
        .unwrap()
}

/// Imports through the API and returns the report; panics unless the answer is 200.
async fn import(b: &Browser, requester: i64, file: &[u8], submit: bool) -> Value {
    let res = post_api(b, requester, file, submit).await;
    let status = res.status();
    let body: Value = res.json().await.unwrap();
    assert_eq!(status, StatusCode::OK, "{body}");
    body
}

async fn demand_count(t: &TestApp) -> u64 {
    use jianfu_store::entity::demand;
    use jianfu_store::orm::{EntityTrait, PaginatorTrait};
    demand::Entity::find()
        .count(t.app.store.db())
        .await
        .unwrap()
}

/// The failure reported for an Excel row.
fn failure(report: &Value, row: u64) -> &Value {
    report["failed"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["row"] == row)
        .unwrap_or_else(|| panic!("no failure for row {row}: {report}"))
}

#[tokio::test]
async fn sample_file_imports_through_the_page_with_targets_and_burden() {
    let t = spawn_app().await;
    let b = t.login("district_dept").await;
    let requester = t.node_id(REQUESTER).await;

    let (status, form) = b.get_text("/demands/import").await;
    assert_eq!(status, StatusCode::OK);
    assert!(form.contains("enctype=\"multipart/form-data\""));
    assert!(form.contains(&format!("action=\"/demands/import?csrf_token={}\"", b.csrf)));
    assert!(form.contains("href=\"/demands/import/sample.xlsx\""));
    let (_, list) = b.get_text("/demands").await;
    assert!(list.contains("href=\"/demands/import\""), "批量导入 link");

    let res = b.get("/demands/import/sample.xlsx").await;
    assert_eq!(res.status(), StatusCode::OK);
    assert!(
        res.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .contains("work-items-import-sample.xlsx")
    );
    let sample = res.bytes().await.unwrap().to_vec();
    assert!(sample.starts_with(b"PK\x03\x04"));

    let before = demand_count(&t).await;
    let res = post_page(&b, requester, &sample, true).await;
    assert_eq!(res.status(), StatusCode::OK);
    let html = res.text().await.unwrap();
    assert!(
        html.contains("共 5 行，导入 <strong>5</strong> 行（其中 1 行经检查不予准入）"),
        "{html}"
    );
    assert_eq!(demand_count(&t).await, before + 5);
    let doc = scraper::Html::parse_document(&html);
    let links = scraper::Selector::parse("#imported ~ .table-wrap a[href^=\"/demands/\"]").unwrap();
    let ids: Vec<i64> = doc
        .select(&links)
        .map(|a| {
            a.value().attr("href").unwrap()["/demands/".len()..]
                .parse()
                .unwrap()
        })
        .collect();
    assert_eq!(ids.len(), 5, "{html}");

    // Each demand as the API shows it: targets resolved from names, a street and a code.
    let get = |id: i64| {
        let b = &b;
        async move {
            let r = b
                .json(reqwest::Method::GET, &format!("/api/v1/demands/{id}"))
                .send()
                .await
                .unwrap();
            assert_eq!(r.status(), StatusCode::OK);
            r.json::<Value>().await.unwrap()
        }
    };
    let (heping, guangming, xinhua) = (
        t.node_id("示例和平社区").await,
        t.node_id("示例光明社区").await,
        t.node_id("示例新华社区").await,
    );
    let targets = |d: &Value| -> Vec<i64> {
        let mut v: Vec<i64> = d["target_ids"]
            .as_array()
            .unwrap()
            .iter()
            .map(|x| x.as_i64().unwrap())
            .collect();
        v.sort_unstable();
        v
    };
    let sorted = |mut v: Vec<i64>| {
        v.sort_unstable();
        v
    };
    let d = get(ids[0]).await;
    assert_eq!(d["title"], "协助开展居民健康档案信息核对");
    assert_eq!(d["status"], "for_registration");
    assert_eq!(d["category"], "health");
    assert_eq!(targets(&d), sorted(vec![heping, guangming]));
    assert_eq!(d["hours_per_community"], 6.0); // 30 min × 12 / 60
    assert_eq!(d["total_hours"], 12.0);
    let d = get(ids[1]).await;
    assert_eq!(
        targets(&d),
        sorted(vec![heping, guangming]),
        "示例一街道's communities"
    );
    assert_eq!(d["hours_per_community"], 2.0);
    let d = get(ids[2]).await;
    assert_eq!(d["category"], "civilization_campaign");
    assert_eq!(targets(&d), vec![xinhua], "by division code");
    assert_eq!(d["hours_per_community"], 6.0);
    let d = get(ids[3]).await;
    assert_eq!(
        targets(&d),
        sorted(vec![heping, guangming, xinhua]),
        "全辖区"
    );
    let d = get(ids[4]).await;
    assert_eq!(d["status"], "rejected");
    assert!(
        d["clauses"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c == "4.2-6"),
        "{d}"
    );

    // One summary entry besides each row's own entries.
    assert_eq!(t.audit_count("demand.import").await, 1);
}

#[tokio::test]
async fn excel_dates_and_numbers_read_like_the_form() {
    let t = spawn_app().await;
    let b = t.login("district_dept").await;
    let requester = t.node_id(REQUESTER).await;
    let report = import(&b, requester, &sample_workbook(), false).await;
    assert_eq!(report["total_rows"], 5);
    assert_eq!(report["failed"], serde_json::json!([]));
    let first = &report["imported"][0];
    assert_eq!(first["row"], 2);
    assert_eq!(first["status"], "draft", "without submit, rows are drafts");
    let id = report["imported"][1]["demand_id"].as_i64().unwrap();
    let d = t
        .app
        .demand_detail(&ctx_of(&t, "district_dept").await, id)
        .await
        .unwrap();
    assert_eq!(d.period_start, "2027-03-01", "Excel date cell");
    assert_eq!(d.period_end, "2027-10-31");
    assert_eq!(d.funding_fen, Some(800_000), "number cell 8000");
    assert_eq!(d.minutes_per_occurrence, 60);
}

/// The domain context of a demo user, to read what the API does not show.
async fn ctx_of(t: &TestApp, username: &str) -> jianfu_domain::Ctx {
    use jianfu_store::entity::account;
    use jianfu_store::orm::EntityTrait;
    let id = t.account_id(username).await;
    let a = account::Entity::find_by_id(id)
        .one(t.app.store.db())
        .await
        .unwrap()
        .unwrap();
    jianfu_domain::Ctx::new(t.app.principal(&a).await.unwrap(), None)
}

#[tokio::test]
async fn bad_rows_are_reported_by_row_and_column_and_the_rest_go_in() {
    let t = spawn_app().await;
    let b = t.login("district_dept").await;
    let requester = t.node_id(REQUESTER).await;
    let before = demand_count(&t).await;
    let rows = vec![
        row(&[]),                                                 // 2 good
        row(&[("开始日期", "2027-13-01")]),                       // 3
        row(&[("派发范围", "街道"), ("派发对象", "示例一街道")]), // 4 good
        row(&[("事项名称", "")]),                                 // 5
        row(&[("经费(元)", "1000")]),                             // 6
        row(&[("公益性", "也许")]),                               // 7
        row(&[("派发对象", "示例和平社区、示例不存在社区")]),     // 8
        vec![String::new(); 19],                                  // 9 blank: skipped
        row(&[("派发对象", "210302092001")]),                     // 10 good
        row(&[("事项类别", "招商")]),                             // 11
        row(&[("结束日期", &this_year_on("12-31"))]),             // 12
        row(&[("每次耗时(分钟)", "半小时")]),                     // 13
        row(&[("派发范围", "社区"), ("派发对象", "示例一街道")]), // 14
        row(&[("派发对象", "铁东区")]),                           // 15: the district itself
    ];
    let report = import(&b, requester, &file(rows), false).await;
    assert_eq!(report["total_rows"], 13, "the blank row is not counted");
    let imported: Vec<u64> = report["imported"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["row"].as_u64().unwrap())
        .collect();
    assert_eq!(imported, vec![2, 4, 10]);
    assert_eq!(
        demand_count(&t).await,
        before + 3,
        "only the good rows went in"
    );

    let expect = [
        (3, "开始日期", "date_invalid"),
        (5, "事项名称", "title_invalid"),
        (6, "经费来源", "funding_source_required"),
        (7, "公益性", "import_yes_no_invalid"),
        (8, "派发对象", "import_target_not_found"),
        (11, "事项类别", "import_category_unknown"),
        (12, "结束日期", "period_end_before_start"),
        (13, "每次耗时(分钟)", "burden_invalid"),
        (14, "派发对象", "target_kind_invalid"),
        (15, "派发对象", "target_kind_invalid"),
    ];
    assert_eq!(
        report["failed"].as_array().unwrap().len(),
        expect.len(),
        "{report}"
    );
    for (r, column, code) in expect {
        let f = failure(&report, r);
        assert_eq!(f["column"], column, "row {r}: {f}");
        assert_eq!(f["code"], code, "row {r}: {f}");
        assert!(!f["message"].as_str().unwrap().is_empty());
    }
    assert!(
        failure(&report, 8)["message"]
            .as_str()
            .unwrap()
            .contains("示例不存在社区")
    );
    assert!(
        failure(&report, 3)["message"]
            .as_str()
            .unwrap()
            .contains("YYYY-MM-DD")
    );

    // The page shows the same table.
    let res = post_page(
        &b,
        requester,
        &file(vec![row(&[("开始日期", "明年")])]),
        false,
    )
    .await;
    assert_eq!(res.status(), StatusCode::OK);
    let html = res.text().await.unwrap();
    assert!(
        html.contains("<td class=\"num\">2</td><td class=\"nowrap\">开始日期</td>"),
        "{html}"
    );
}

#[tokio::test]
async fn a_banned_category_row_is_imported_as_rejected_with_its_clause() {
    let t = spawn_app().await;
    let b = t.login("district_dept").await;
    let requester = t.node_id(REQUESTER).await;
    let banned = row(&[
        ("事项名称", "社区负责辖区招商引资任务"),
        ("事项类别", "investment_attraction"),
        ("依据类别", ""),
        ("依据名称", ""),
        ("条款", ""),
        ("经费(元)", "5000"),
        ("经费来源", "区级财政专项资金"),
    ]);
    let report = import(&b, requester, &file(vec![row(&[]), banned]), true).await;
    assert_eq!(report["failed"], serde_json::json!([]));
    let good = &report["imported"][0];
    assert_eq!(good["status"], "for_registration");
    let bad = &report["imported"][1];
    assert_eq!(bad["row"], 3);
    assert_eq!(bad["status"], "rejected");
    assert!(
        bad["clauses"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c == "4.2-6"),
        "{bad}"
    );
    let id = bad["demand_id"].as_i64().unwrap();
    let d: Value = b
        .json(reqwest::Method::GET, &format!("/api/v1/demands/{id}"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(d["status"], "rejected");
    assert!(
        d["findings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["clause"] == "4.2-6")
    );
    // Each row has its own lifecycle entries, and the import one summary.
    assert!(t.audit_count("demand.submit").await >= 2);
    assert_eq!(t.audit_count("demand.import").await, 1);
}

#[tokio::test]
async fn a_file_that_is_not_xlsx_imports_nothing() {
    let t = spawn_app().await;
    let b = t.login("district_dept").await;
    let requester = t.node_id(REQUESTER).await;
    let before = demand_count(&t).await;
    let text = "事项名称,事项类别\n协助开展居民健康档案信息核对,卫生健康\n".as_bytes();
    let res = post_api(&b, requester, text, true).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let p: Value = res.json().await.unwrap();
    assert_eq!(p["code"], "import_not_xlsx");
    // A zip that is not a workbook (renamed archive) is no better.
    let mut wb_bytes = sample_workbook();
    wb_bytes.truncate(200);
    let res = post_api(&b, requester, &wb_bytes, true).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        res.json::<Value>().await.unwrap()["code"],
        "import_not_xlsx"
    );
    // The page re-shows the form with the message.
    let res = post_page(&b, requester, text, true).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.text().await.unwrap().contains("文件不是 Excel 工作簿"));
    assert_eq!(demand_count(&t).await, before);
    assert_eq!(t.audit_count("demand.import").await, 0);
}

#[tokio::test]
async fn empty_workbooks_and_header_only_files_are_refused() {
    let t = spawn_app().await;
    let b = t.login("district_dept").await;
    let requester = t.node_id(REQUESTER).await;
    let mut wb = Workbook::new();
    wb.add_worksheet();
    let empty = wb.save_to_buffer().unwrap();
    for (what, bytes) in [
        ("empty sheet", empty),
        ("header only", file(vec![])),
        ("blank rows only", file(vec![vec![String::new(); 19]; 3])),
    ] {
        let res = post_api(&b, requester, &bytes, true).await;
        assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY, "{what}");
        assert_eq!(
            res.json::<Value>().await.unwrap()["code"],
            "import_empty",
            "{what}"
        );
    }
}

#[tokio::test]
async fn missing_columns_are_named() {
    let t = spawn_app().await;
    let b = t.login("district_dept").await;
    let requester = t.node_id(REQUESTER).await;
    let before = demand_count(&t).await;
    let drop = |cells: Vec<String>| -> Vec<String> {
        cells
            .into_iter()
            .enumerate()
            .filter(|(i, _)| HEADERS[*i] != "派发对象" && HEADERS[*i] != "经费来源")
            .map(|(_, c)| c)
            .collect()
    };
    let bytes = xlsx(&[drop(header()), drop(row(&[]))]);
    let res = post_api(&b, requester, &bytes, true).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let p: Value = res.json().await.unwrap();
    assert_eq!(p["code"], "import_missing_columns");
    let detail = p["detail"].as_str().unwrap();
    assert!(
        detail.contains("派发对象") && detail.contains("经费来源"),
        "{detail}"
    );
    assert!(!detail.contains("事项名称"), "{detail}");
    assert_eq!(demand_count(&t).await, before);

    // Full-width parentheses and extra columns are fine.
    let mut h = header();
    h[8] = "经费（元）".into();
    h.push("备注".into());
    let mut r = row(&[]);
    r.push("随便写".into());
    assert_eq!(
        import(&b, requester, &xlsx(&[h, r]), false).await["imported"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
}

#[tokio::test]
async fn targets_outside_the_departments_district_are_refused_per_row() {
    let t = spawn_app().await;
    let b = t.login("district_dept").await; // 铁东区卫生健康局
    let requester = t.node_id(REQUESTER).await;
    let before = demand_count(&t).await;
    let rows = vec![
        row(&[("派发对象", "示例和平社区、示例繁荣社区")]), // 示例繁荣社区 is in 铁西区
        row(&[("派发对象", "210303091001")]),               // the same, by code
        row(&[("派发范围", "街道"), ("派发对象", "示例三街道")]),
    ];
    let report = import(&b, requester, &file(rows), true).await;
    assert_eq!(report["imported"], serde_json::json!([]));
    for r in [2, 3, 4] {
        let f = failure(&report, r);
        assert_eq!(f["column"], "派发对象", "{f}");
        assert_eq!(f["code"], "import_target_out_of_jurisdiction", "{f}");
        assert!(
            f["message"]
                .as_str()
                .unwrap()
                .contains("不在本部门管辖范围内")
        );
    }
    assert_eq!(demand_count(&t).await, before, "nothing of those rows");

    // Nor may one import in another department's name.
    let other = t.node_id("铁西区民政局").await;
    let res = post_api(&b, other, &file(vec![row(&[])]), true).await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    assert_eq!(demand_count(&t).await, before);
}

#[tokio::test]
async fn multipart_posts_without_the_csrf_token_are_refused() {
    let t = spawn_app().await;
    let b = t.login("district_dept").await;
    let requester = t.node_id(REQUESTER).await;
    let before = demand_count(&t).await;
    let body = multipart(
        &sample_workbook(),
        &[("requester_node_id", &requester.to_string())],
    );
    for path in [
        "/demands/import",
        "/demands/import?csrf_token=wrong",
        "/api/v1/demands/import?requester_node_id=1",
    ] {
        let res = b
            .client
            .post(b.url(path))
            .header("content-type", content_type())
            .body(body.clone())
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::FORBIDDEN, "{path}");
    }
    // A token in the body is not looked for (only the query string counts for multipart).
    let with_field = multipart(
        &sample_workbook(),
        &[
            ("requester_node_id", &requester.to_string()),
            ("csrf_token", &b.csrf),
        ],
    );
    let res = b
        .client
        .post(b.url("/demands/import"))
        .header("content-type", content_type())
        .body(with_field)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    assert_eq!(demand_count(&t).await, before);
    assert_eq!(t.audit_count("demand.import").await, 0);
}

#[tokio::test]
async fn oversized_uploads_and_too_many_rows_are_refused() {
    let t = spawn_app().await;
    let b = t.login("district_dept").await;
    let requester = t.node_id(REQUESTER).await;
    let mut big = b"PK\x03\x04".to_vec();
    big.resize(6 * 1024 * 1024, b'x');
    let res = post_api(&b, requester, &big, true).await;
    assert_eq!(res.status(), StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(
        res.json::<Value>().await.unwrap()["code"],
        "import_file_too_large"
    );

    let rows = vec![row(&[]); 10_001];
    let res = post_api(&b, requester, &file(rows), true).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        res.json::<Value>().await.unwrap()["code"],
        "import_too_many_rows"
    );
    assert_eq!(t.audit_count("demand.import").await, 0);
}

/// The largest file allowed, a tenth of it bad, submitted at once: every row accounted for, the
/// bad ones by row and column. Prints the wall time.
#[tokio::test]
async fn ten_thousand_rows_with_a_tenth_bad() {
    let t = spawn_app().await;
    let b = t.login("district_dept").await;
    let requester = t.node_id(REQUESTER).await;
    let before = demand_count(&t).await;
    let rows: Vec<Vec<String>> = (0..10_000)
        .map(|i| {
            let title = format!("批量事项 {i:05}");
            if i % 10 == 9 {
                match (i / 10) % 3 {
                    0 => row(&[("事项名称", &title), ("开始日期", "2027/02/30")]),
                    1 => row(&[("事项名称", &title), ("派发对象", "示例繁荣社区")]),
                    _ => row(&[("事项名称", &title), ("每年次数", "400")]),
                }
            } else if i % 7 == 0 {
                row(&[
                    ("事项名称", &title),
                    ("派发范围", "全辖区"),
                    ("派发对象", ""),
                ])
            } else {
                row(&[("事项名称", &title)])
            }
        })
        .collect();
    let bytes = file(rows);
    let started = Instant::now();
    let report = import(&b, requester, &bytes, true).await;
    let elapsed = started.elapsed();
    eprintln!(
        "import of 10,000 rows ({} KiB, 1,000 bad, submitted) on {:?}: {:.1} s",
        bytes.len() / 1024,
        t.app.store.backend(),
        elapsed.as_secs_f64()
    );
    assert_eq!(report["total_rows"], 10_000);
    assert_eq!(report["imported"].as_array().unwrap().len(), 9_000);
    assert_eq!(report["failed"].as_array().unwrap().len(), 1_000);
    assert_eq!(demand_count(&t).await, before + 9_000);
    // Data row i sits on Excel row i + 2.
    let f = failure(&report, 11); // i = 9
    assert_eq!(
        (f["column"].as_str(), f["code"].as_str()),
        (Some("开始日期"), Some("date_invalid"))
    );
    let f = failure(&report, 21); // i = 19
    assert_eq!(
        (f["column"].as_str(), f["code"].as_str()),
        (Some("派发对象"), Some("import_target_out_of_jurisdiction"))
    );
    let f = failure(&report, 31); // i = 29
    assert_eq!(
        (f["column"].as_str(), f["code"].as_str()),
        (Some("每年次数"), Some("burden_out_of_range"))
    );
    let f = failure(&report, 10_001); // i = 9999
    assert_eq!(f["code"], "date_invalid");
    let last = report["imported"].as_array().unwrap().last().unwrap();
    assert_eq!(last["row"], 10_000);
    assert!(elapsed.as_secs() < 600, "import took {elapsed:?}");
}

/// Found in issue 15: a 1.5 KB workbook with cells at A1 and XFD1048576 made the import
/// build a dense range of 17 billion cells (512 GiB) and the process aborted. Now it is
/// refused at once, through the API and the page, and nothing is imported.
#[tokio::test]
async fn sparse_workbook_with_far_cell_is_refused_through_the_api_and_the_page() {
    let t = spawn_app().await;
    let b = t.login("district_dept").await;
    let requester = t.node_id(REQUESTER).await;
    let before = demand_count(&t).await;
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    for (i, h) in HEADERS.iter().enumerate() {
        ws.write_string(0, i as u16, *h).unwrap();
    }
    ws.write_string(1, 0, "协助开展居民健康档案信息核对")
        .unwrap();
    ws.write_string(1_048_575, 16_383, "x").unwrap();
    let bytes = wb.save_to_buffer().unwrap();
    assert!(bytes.len() < 8 * 1024);
    let started = Instant::now();
    let res = post_api(&b, requester, &bytes, true).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let p: Value = res.json().await.unwrap();
    assert_eq!(p["code"], "import_sheet_too_large");
    let detail = p["detail"].as_str().unwrap();
    assert!(
        detail.starts_with("表格范围过大") && detail.contains("XFD1048576"),
        "{detail}"
    );
    let res = post_page(&b, requester, &bytes, true).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.text().await.unwrap().contains("表格范围过大"));
    assert!(started.elapsed().as_secs() < 30, "{:?}", started.elapsed());
    assert_eq!(demand_count(&t).await, before);
    assert_eq!(t.audit_count("demand.import").await, 0);
}
