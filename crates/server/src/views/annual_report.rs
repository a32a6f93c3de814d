//! The annual burden report page (`/annual-report`, 年度减负工作报告, issue 14 §5): the year and
//! area pickers, the figures as charts drawn like the overview's (Chart.js from a JSON data
//! block, `static/overview.js`), each with its table, the long lists cut to their top rows with
//! a link to the whole list in the workbook (the phone page stays short), and the downloads — the PDF with its charts and the
//! workbook with the same figures, one sheet per section. Each download is recorded in the
//! audit log (`annual_report.export`).

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use jianfu_domain::annual_report::{
    AnnualReport, CLAUSES_REPORT, ClauseCount, CommunityBurden, DiscontinuedType,
};
use jianfu_domain::overview::{Bar, CERTIFICATE_BUCKETS, MonthRow};
use serde::{Deserialize, Serialize};

use crate::access::CurrentUser;
use crate::error::PageError;
use crate::extract::Query;
use crate::state::AppState;
use crate::views::list::{self, Cell, Column, Export};
use crate::views::overview::{area, areas, bar_columns, bars, nth, script_json};
use crate::views::{Chrome, render};

/// The page's and the downloads' query: the year and the area, as texts.
#[derive(Deserialize, Serialize, Default)]
pub struct AnnualQuery {
    #[serde(default)]
    pub year: Option<String>,
    #[serde(default)]
    pub area: Option<String>,
}

#[derive(askama::Template)]
#[template(path = "annual_report.html")]
struct AnnualPage {
    chrome: Chrome,
    r: AnnualReport,
    pdf_href: String,
    xlsx_href: String,
    clauses: String,
    /// The most burdened communities (the page's chart and table; the workbook has them all).
    burden_rows: Vec<BurdenRow>,
    /// How many communities the report lists in all.
    burden_total: usize,
    /// The first discontinued certificate types (the workbook has them all).
    discontinued: Vec<DiscontinuedType>,
    /// The figures the charts draw (JSON), exactly those of the tables.
    data: String,
}

/// How many communities the page names in its burden chart and table.
pub const PAGE_BURDEN_ROWS: usize = 20;
/// How many discontinued certificate types the page lists.
pub const PAGE_DISCONTINUED_ROWS: usize = 10;

/// A community's burden as the page prints it.
struct BurdenRow {
    name: String,
    parent: String,
    before: String,
    now: String,
    change: String,
}

impl AnnualPage {
    /// Whether the year picker's option `y` (however the loop lends it) is the year shown.
    fn year_selected(&self, y: impl std::fmt::Display) -> bool {
        y.to_string() == self.r.year.to_string()
    }
    fn area_selected(&self, id: impl std::borrow::Borrow<i64>) -> bool {
        self.r.scope.id == *id.borrow()
    }
}

fn one(v: f64) -> String {
    format!("{v:.1}")
}

/// The query of the report shown, for its download links.
fn shown(r: &AnnualReport) -> AnnualQuery {
    AnnualQuery {
        year: Some(r.year.to_string()),
        area: Some(r.scope.id.to_string()),
    }
}

pub async fn annual_report(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(q): Query<AnnualQuery>,
) -> Response {
    let r = match state
        .app
        .annual_report(&user.ctx(), q.year.as_deref(), q.area.as_deref())
        .await
    {
        Ok(r) => r,
        Err(e) => return PageError(e).into_response(),
    };
    let q = shown(&r);
    let burden_rows = r
        .burden
        .iter()
        .take(PAGE_BURDEN_ROWS)
        .map(|c| BurdenRow {
            name: c.name.clone(),
            parent: c.parent.clone(),
            before: one(c.hours_before),
            now: one(c.hours_now),
            change: one(c.change()),
        })
        .collect();
    render(
        StatusCode::OK,
        &AnnualPage {
            chrome: Chrome::new("年度减负工作报告", Some(&user), "/annual-report"),
            pdf_href: list::export_href("/annual-report/report.pdf", &q),
            xlsx_href: list::export_href("/annual-report/report.xlsx", &q),
            clauses: CLAUSES_REPORT.join("、"),
            burden_rows,
            burden_total: r.burden.len(),
            discontinued: r
                .discontinued
                .iter()
                .take(PAGE_DISCONTINUED_ROWS)
                .cloned()
                .collect(),
            data: chart_data(&r),
            r,
        },
    )
}

/// The figures the page's charts draw, exactly those of its tables (the burden chart: the
/// communities the page lists).
fn chart_data(r: &AnnualReport) -> String {
    let top = &r.burden[..r.burden.len().min(PAGE_BURDEN_ROWS)];
    let round = |h: f64| (h * 10.0).round() / 10.0;
    let d = &r.demands;
    script_json(&serde_json::json!({
        "months": {
            "labels": d.months.iter().map(|m| m.month.as_str()).collect::<Vec<_>>(),
            "admitted": d.months.iter().map(|m| m.admitted).collect::<Vec<_>>(),
            "rejected": d.months.iter().map(|m| m.rejected).collect::<Vec<_>>(),
            "revoked": d.months.iter().map(|m| m.revoked).collect::<Vec<_>>(),
        },
        "burden_change": {
            "labels": top.iter().map(|c| c.name.as_str()).collect::<Vec<_>>(),
            "before_label": r.burden_before_on,
            "now_label": r.burden_now_on,
            "before": top.iter().map(|c| round(c.hours_before)).collect::<Vec<_>>(),
            "now": top.iter().map(|c| round(c.hours_now)).collect::<Vec<_>>(),
        },
        "plaques_removed": areas(&r.plaques_removed),
        "certificates": areas(&r.certificates),
        "cases_by_status": bars(&r.cases_by_status),
        "cases_by_source": bars(&r.cases_by_source),
        "rectification": bars(&r.rectification),
        "findings": bars(&r.monitoring.findings),
    }))
}

pub async fn annual_report_pdf(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(q): Query<AnnualQuery>,
) -> Response {
    match state
        .app
        .annual_report_pdf(&user.ctx(), q.year.as_deref(), q.area.as_deref())
        .await
    {
        Ok((name, pdf)) => list::download(pdf, "application/pdf", &name, false),
        Err(e) => PageError(e).into_response(),
    }
}

pub async fn annual_report_xlsx(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(q): Query<AnnualQuery>,
) -> Response {
    match annual_workbook(&state, &user, &q).await {
        Ok((name, book)) => list::xlsx(book, &name),
        Err(e) => PageError(e).into_response(),
    }
}

/// The report of `q` as a workbook, its download recorded: (file name, workbook).
pub(crate) async fn annual_workbook(
    state: &AppState,
    user: &CurrentUser,
    q: &AnnualQuery,
) -> Result<(String, Result<Vec<u8>, rust_xlsxwriter::XlsxError>), jianfu_domain::DomainError> {
    let ctx = user.ctx();
    let r = state
        .app
        .annual_report(&ctx, q.year.as_deref(), q.area.as_deref())
        .await?;
    state.app.record_annual_download(&ctx, &r, "xlsx").await?;
    Ok((r.file_name("xlsx"), workbook(&r)))
}

fn clause_columns(key: &'static str) -> [Column<ClauseCount>; 2] {
    [
        Column::wide(key, 24.0, |c| Cell::Text(&c.clause)),
        Column::new("事项数", |c| Cell::Number(c.n as f64)),
    ]
}

/// One sheet per section of the report, each headed by the place, the year and the clauses.
fn workbook(r: &AnnualReport) -> Result<Vec<u8>, rust_xlsxwriter::XlsxError> {
    let head = |what: &str, clauses: &str| {
        [format!(
            "{} · {} 年度 · {}（生成于 {}，依据 {}）",
            r.scope.name, r.year, what, r.as_of, clauses
        )]
    };
    let d = &r.demands;
    let summary = vec![
        Bar {
            key: "admitted".into(),
            label: "准入（含备案）".into(),
            n: d.admitted,
        },
        Bar {
            key: "rejected".into(),
            label: "不予准入".into(),
            n: d.rejected,
        },
        Bar {
            key: "revoked".into(),
            label: "撤销".into(),
            n: d.revoked,
        },
        Bar {
            key: "plaques_removed".into(),
            label: "清理牌子".into(),
            n: r.plaques_removed_total(),
        },
        Bar {
            key: "discontinued".into(),
            label: "取消证明事项".into(),
            n: r.discontinued.len() as i64,
        },
        Bar {
            key: "cases".into(),
            label: "问题线索".into(),
            n: r.cases_total(),
        },
        Bar {
            key: "monitoring_answered".into(),
            label: "监测点按月报送".into(),
            n: r.monitoring.answered,
        },
        Bar {
            key: "monitoring_missed".into(),
            label: "监测点逾期未报".into(),
            n: r.monitoring.missed,
        },
    ];
    let months: [Column<MonthRow>; 4] = [
        Column::new("月份", |m| Cell::Text(&m.month)),
        Column::new("准入", |m| Cell::Number(m.admitted as f64)),
        Column::new("不予准入", |m| Cell::Number(m.rejected as f64)),
        Column::new("撤销", |m| Cell::Number(m.revoked as f64)),
    ];
    let burden: [Column<CommunityBurden>; 5] = [
        Column::wide("社区(村)", 24.0, |c| Cell::Text(&c.name)),
        Column::wide("街道(乡镇)", 20.0, |c| Cell::Text(&c.parent)),
        Column::new("上年末(小时/年)", |c| Cell::Decimal(c.hours_before)),
        Column::new("本年末(小时/年)", |c| Cell::Decimal(c.hours_now)),
        Column::new("增减(小时)", |c| Cell::Decimal(c.change())),
    ];
    let discontinued: [Column<DiscontinuedType>; 4] = [
        Column::new("编码", |t| Cell::Text(&t.code)),
        Column::wide("证明事项", 30.0, |t| Cell::Text(&t.name)),
        Column::new("取消日期", |t| Cell::Text(&t.discontinued_on)),
        Column::wide("目录", 20.0, |t| Cell::Text(&t.catalogue)),
    ];
    let mut x = Export::new();
    x.sheet(
        "概况",
        &head("年度概况", &CLAUSES_REPORT.join("、")),
        &bar_columns("项目"),
        &summary,
    )?
    .sheet(
        "按月事项",
        &head("按月准入、不予准入、撤销的事项", "4.2-4、4.2-5"),
        &months,
        &d.months,
    )?
    .sheet(
        "准入条款",
        &head("准入事项所依据条款", "4.2-4"),
        &clause_columns("条款"),
        &d.admitted_clauses,
    )?
    .sheet(
        "不予准入条款",
        &head("不予准入所依据条款", "4.2-4、4.2-6"),
        &clause_columns("条款"),
        &d.rejected_clauses,
    )?
    .sheet(
        "撤销条款",
        &head("撤销所依据条款", "4.2-5"),
        &clause_columns("条款"),
        &d.revoked_clauses,
    )?
    .sheet(
        "负担同比",
        &head(
            &format!(
                "社区(村)年负担同比（{} 与 {}）",
                r.burden_before_on, r.burden_now_on
            ),
            "4.2-1、4.2-4",
        ),
        &burden,
        &r.burden,
    )?
    .sheet(
        "清理牌子",
        &head("清理牌子", "4.4-2"),
        &[
            Column::wide("区域", 20.0, area),
            Column::new("已清理", nth::<0>),
        ],
        &r.plaques_removed.rows,
    )?
    .sheet(
        "取消证明",
        &head("取消（不再保留）的证明事项", "4.5-12"),
        &discontinued,
        &r.discontinued,
    )?
    .sheet(
        "证明时限",
        &head("证明申请按时限出具（按区域）", "4.5-6、4.5-9"),
        &[
            Column::wide("区域", 20.0, area),
            Column::new(CERTIFICATE_BUCKETS[0].1, nth::<0>),
            Column::new(CERTIFICATE_BUCKETS[1].1, nth::<1>),
            Column::new(CERTIFICATE_BUCKETS[2].1, nth::<2>),
            Column::new(CERTIFICATE_BUCKETS[3].1, nth::<3>),
        ],
        &r.certificates.rows,
    )?
    .sheet(
        "问题线索",
        &head("问题线索按状态", "5.3-2、5.3-3"),
        &bar_columns("状态"),
        &r.cases_by_status,
    )?
    .sheet(
        "线索来源",
        &head("问题线索按来源", "5.3-1、4.1-8"),
        &bar_columns("来源"),
        &r.cases_by_source,
    )?
    .sheet(
        "整改按期",
        &head("整改按期与逾期", "5.3-3"),
        &bar_columns("整改情况"),
        &r.rectification,
    )?
    .sheet(
        "监测发现",
        &head(
            &format!(
                "减负监测点发现的问题（{} 个监测点，报送 {} 次，逾期未报 {} 次）",
                r.monitoring.points, r.monitoring.answered, r.monitoring.missed
            ),
            "4.1-8",
        ),
        &bar_columns("监测发现"),
        &r.monitoring.findings,
    )?;
    x.finish()
}
