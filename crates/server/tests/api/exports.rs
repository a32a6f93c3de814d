//! Every list page exports what it shows: the same rows (every page, under the same filters and
//! the same scope) as an Excel workbook, never cached, with an audit entry naming the export.

use calamine::Reader;
use reqwest::StatusCode;

use crate::helpers::*;

/// The first sheet of an exported workbook, as text cells, header row first.
async fn sheet(r: reqwest::Response) -> Vec<Vec<String>> {
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(
        r.headers()["content-type"],
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    );
    assert_eq!(r.headers()["cache-control"], "private, no-store");
    let bytes = r.bytes().await.unwrap().to_vec();
    let mut book = workbook(bytes);
    let name = book.sheet_names()[0].clone();
    sheet_rows(&mut book, &name)
}

/// Every ID number in column `header` (below the header row) is masked: a `*`, at most ten
/// digits shown.
fn assert_masked(cells: &[Vec<String>], header: &str) {
    let col = cells[0].iter().position(|h| h == header).unwrap();
    for row in &cells[1..] {
        let id = &row[col];
        assert!(id.contains('*'), "unmasked: {id}");
        assert!(
            id.chars().filter(char::is_ascii_digit).nth(10).is_none(),
            "more than ten digits shown: {id}"
        );
    }
}

/// The "共 N 条" of a list page's pager.
async fn page_total(c: &Browser, path: &str) -> usize {
    let (s, html) = c.get_text(path).await;
    assert_eq!(s, StatusCode::OK, "{path}");
    let at = html
        .find("共 ")
        .unwrap_or_else(|| panic!("{path}: no pager"));
    html[at + "共 ".len()..]
        .split(' ')
        .next()
        .unwrap()
        .parse()
        .unwrap()
}

#[tokio::test]
async fn every_list_exports_the_rows_it_shows_and_each_export_is_audited() {
    let t = spawn_app().await;
    t.app.escalate_overdue().await.unwrap();
    let cases = [
        ("district_dept", "/demands", "demand.export", "事项名称"),
        (
            "district_dept",
            "/demands?status=admitted",
            "demand.export",
            "事项名称",
        ),
        ("city_dept", "/demands", "demand.export", "事项名称"),
        ("supervisor", "/cases", "case.export", "依据条款"),
        ("worker", "/certificates", "certificate.export", "身份证号"),
        (
            "worker",
            "/certificates?status=issued",
            "certificate.export",
            "证明编号",
        ),
        ("district_approver", "/plaques", "plaque.export", "在挂牌子"),
        (
            "district_approver",
            "/plaques?compliance=noncompliant",
            "plaque.export",
            "不合规",
        ),
        (
            "worker",
            "/removal-tasks?status=all",
            "removal_task.export",
            "问题",
        ),
        ("sysadmin", "/admin/users", "account.export", "角色"),
        (
            "sysadmin",
            "/admin/users?q=district",
            "account.export",
            "角色",
        ),
        ("worker", "/seal-uses", "seal_ledger.export", "用印依据"),
        ("city_dept", "/dictionary", "dictionary.export", "共享属性"),
        (
            "worker",
            "/dictionary?sharing_class=conditional",
            "dictionary.export",
            "共享条件/不予共享依据",
        ),
        (
            "district_supervisor",
            "/comprehensive",
            "comprehensive_campaign.export",
            "自荐申报截止",
        ),
        (
            "resident",
            "/comprehensive",
            "comprehensive_campaign.export",
            "考评",
        ),
        // The escalation job's runs (one at the server's start at least).
        ("sysadmin", "/admin/jobs", "job.export", "处理"),
        // The level's bulletins in every state (none in the demo data: the header row alone).
        (
            "district_supervisor",
            "/bulletin-drafts",
            "bulletin.export",
            "签发人",
        ), // The PKI's certificates (issue 18): the root, the seal maker and the signers.
        ("sysadmin", "/pki/certificates", "pki.export", "序列号"),
        // A community's returns due (issue 13 §3): the demo's admitted monthly form, this
        // month's return.
        ("worker", "/form-returns", "form_return.export", "表号"),
        // The department ranking (5.3-2): the demo's rated department.
        (
            "district_supervisor",
            "/department-ratings",
            "department_rating.export",
            "被评议单位",
        ),
        // The worker's own reports (issue 14 §1): none in the demo data.
        ("worker", "/reports/mine", "report.export", "线索状态"),
        // Each community's part in the ratings (5.3-2): counts per community of 铁东区.
        (
            "district_supervisor",
            "/department-ratings/communities",
            "department_rating_communities.export",
            "应评议单位",
        ),
    ];
    let mut seen_rows = 0;
    for (who, list, action, header) in cases {
        let c = t.login(who).await;
        let shown = page_total(&c, list).await;
        // The page links to its export, carrying the list's filters; follow that link.
        let (_, html) = c.get_text(list).await;
        let path = list.split('?').next().unwrap();
        let marker = format!("href=\"{path}/export.xlsx");
        let at = html
            .find(&marker)
            .unwrap_or_else(|| panic!("{who} {list}: no export link"));
        let href = &html[at + "href=\"".len()..];
        // As a browser reads the attribute (askama writes `&` as `&#38;`).
        let export = href[..href.find('"').unwrap()]
            .replace("&#38;", "&")
            .replace("&amp;", "&");
        if let Some((_, query)) = list.split_once('?') {
            assert!(export.contains(query), "{list}: {export}");
        }
        let before = t.audit_count(action).await;
        let cells = sheet(c.get(&export).await).await;
        assert!(
            cells[0].iter().any(|h| h == header),
            "{list}: {:?}",
            cells[0]
        );
        assert_eq!(
            cells.len() - 1,
            shown,
            "{who} {list}: rows exported vs shown"
        );
        assert_eq!(t.audit_count(action).await, before + 1, "{who} {list}");
        seen_rows += shown;
    }
    assert!(seen_rows > 20, "the demo lists are not empty: {seen_rows}");
}

#[tokio::test]
async fn an_export_is_scoped_like_its_list_and_keeps_id_numbers_masked() {
    let t = spawn_app().await;
    // A department of the city sees other demands than a district's department: each export
    // holds its own list, titles included.
    let mut titles = Vec::new();
    for who in ["district_dept", "city_dept"] {
        let c = t.login(who).await;
        let cells = sheet(c.get("/demands/export.xlsx").await).await;
        let col = cells[0].iter().position(|h| h == "事项名称").unwrap();
        let mut mine: Vec<String> = cells[1..].iter().map(|r| r[col].clone()).collect();
        mine.sort();
        let (_, body) = c.get_api("/api/v1/demands?per_page=200").await;
        let mut api: Vec<String> = body["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| d["title"].as_str().unwrap().to_owned())
            .collect();
        api.sort();
        assert_eq!(mine, api, "{who}");
        titles.push(mine);
    }
    assert_ne!(titles[0], titles[1]);

    // Applications: the ID numbers leave the system masked, as on the page.
    let worker = t.login("worker").await;
    let cells = sheet(worker.get("/certificates/export.xlsx").await).await;
    assert!(cells.len() > 1);
    assert_masked(&cells, "身份证号");
}

#[tokio::test]
async fn an_export_refused_or_with_a_bad_filter_records_no_export() {
    let t = spawn_app().await;
    // Not allowed to see the list: no export either.
    let resident = t.login("resident").await;
    for path in [
        "/demands/export.xlsx",
        "/cases/export.xlsx",
        "/certificates/export.xlsx",
        "/admin/users/export.xlsx",
    ] {
        assert_eq!(
            resident.get(path).await.status(),
            StatusCode::FORBIDDEN,
            "{path}"
        );
    }
    // An approver is neither a supervisor nor a unit a notice can name.
    let approver = t.login("city_approver").await;
    assert_eq!(
        approver.get("/cases/export.xlsx").await.status(),
        StatusCode::FORBIDDEN
    );
    let worker = t.login("worker").await;
    for action in [
        "demand.export",
        "case.export",
        "certificate.export",
        "account.export",
    ] {
        assert_eq!(t.audit_count(action).await, 0, "{action}");
    }
    // A filter the list refuses is refused by its export, with the page's message.
    let (s, html) = worker
        .get_text("/seal-uses/export.xlsx?from=2026-02-30")
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html.contains("日期"), "{html}");
    assert_eq!(t.audit_count("seal_ledger.export").await, 0);
}

/// The overview (issue 14 §4) exports every chart's figures, one sheet per chart, the same as
/// its API; the export is recorded once with the place it covers.
#[tokio::test]
async fn the_overview_exports_one_sheet_per_chart() {
    let t = spawn_app().await;
    let c = t.login("supervisor").await;
    let tiedong = t.node_id("铁东区").await;
    let (_, o) = c
        .get_api(&format!("/api/v1/overview?district={tiedong}"))
        .await;
    let r = c
        .get(&format!("/overview/export.xlsx?district={tiedong}"))
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.headers()["cache-control"], "private, no-store");
    let bytes = r.bytes().await.unwrap().to_vec();
    let mut book = workbook(bytes);
    assert_eq!(
        book.sheet_names(),
        [
            "负担前20",
            "负担分布",
            "按月事项",
            "问题线索状态",
            "责任单位",
            "整改按期",
            "证明时限",
            "挂牌合规",
            "部门评议"
        ]
    );
    // Title line (place, clauses), header, then one row per bar — the API's figures.
    let status = sheet_rows(&mut book, "问题线索状态");
    assert!(status[0][0].starts_with("铁东区"), "{status:?}");
    assert!(status[0][0].contains("5.3-3"), "{status:?}");
    assert_eq!(status[1], ["状态", "数量"]);
    let api: Vec<Vec<String>> = o["cases_by_status"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| vec![b["label"].as_str().unwrap().to_owned(), b["n"].to_string()])
        .collect();
    assert_eq!(status[2..].to_vec(), api);
    let months = sheet_rows(&mut book, "按月事项");
    assert_eq!(months.len(), 2 + 12);
    assert_eq!(months[1], ["月份", "准入", "不予准入", "撤销"]);
    let top = sheet_rows(&mut book, "负担前20");
    assert_eq!(top.len() - 2, o["top_burden"].as_array().unwrap().len());
    assert_eq!(top[2][0], o["top_burden"][0]["name"].as_str().unwrap());
    // The charts by area: one row per street with the API's counts; the ranking's empty state.
    let plaques = sheet_rows(&mut book, "挂牌合规");
    assert!(plaques[0][0].contains("4.1-4"), "{plaques:?}");
    assert_eq!(
        plaques[1],
        ["街道(乡镇)", "合规悬挂", "不合规（待清理或整改）", "已清理"]
    );
    let api: Vec<Vec<String>> = o["plaques"]["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            std::iter::once(r["area"].as_str().unwrap().to_owned())
                .chain(
                    r["counts"]
                        .as_array()
                        .unwrap()
                        .iter()
                        .map(ToString::to_string),
                )
                .collect()
        })
        .collect();
    assert!(!api.is_empty());
    assert_eq!(plaques[2..].to_vec(), api);
    let certs = sheet_rows(&mut book, "证明时限");
    assert_eq!(certs[1][0], "区域");
    assert_eq!(
        certs.len() - 2,
        o["certificates"]["rows"].as_array().unwrap().len()
    );
    let ranking = sheet_rows(&mut book, "部门评议");
    assert!(ranking[0][0].contains("尚无评议结果"), "{ranking:?}");
    assert_eq!(ranking.len(), 2, "{ranking:?}");
    assert_eq!(t.audit_count("overview.export").await, 1);
}

#[tokio::test]
async fn person_records_and_the_access_log_export_masked_and_scoped() {
    let t = spawn_app().await;
    assert!(t.app.seed_demo_reads().await.unwrap());
    const FULL: &str = "210302199001011238";
    let export = |who: &'static str| {
        let t = &t;
        async move {
            t.login(who)
                .await
                .post_form(
                    "/person-records/export.xlsx",
                    &[
                        ("item_code", "DJLR_MD"),
                        ("purpose", "核对独居老人探访名单"),
                    ],
                )
                .await
        }
    };
    // The community's records of one item: its own two, the numbers masked.
    let cells = sheet(export("worker").await).await;
    // A title row, then the header.
    let cells = &cells[1..];
    assert_eq!(cells.len(), 1 + 2, "{cells:?}");
    assert_masked(cells, "身份证号");
    assert!(!cells.iter().flatten().any(|c| c.contains(FULL)));
    // No department exports a community's records.
    assert_eq!(
        export("district_dept").await.status(),
        StatusCode::FORBIDDEN
    );
    // The access log: the auditor's export holds exactly the list's rows under its filter; no
    // ID number in it; nobody else exports it.
    let auditor = t.login("auditor").await;
    let all = sheet(auditor.get("/data-access/export.xlsx").await).await;
    assert_eq!(all.len() - 1, page_total(&auditor, "/data-access").await);
    assert_eq!(all.len() - 1, 2);
    assert!(!all.iter().flatten().any(|c| c.contains(FULL)));
    let guangming = t.node_id("示例光明社区").await;
    let none = sheet(
        auditor
            .get(&format!("/data-access/export.xlsx?community={guangming}"))
            .await,
    )
    .await;
    assert_eq!(none.len(), 1, "{none:?}");
    for who in ["district_dept", "head", "worker", "resident", "sysadmin"] {
        let b = t.login(who).await;
        let r = b.get("/data-access/export.xlsx").await;
        assert_eq!(r.status(), StatusCode::FORBIDDEN, "{who}");
    }
}
