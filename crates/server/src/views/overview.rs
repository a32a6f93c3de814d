//! The overview page (`/overview`, 减负工作总览) of the city's or a district's staff who oversee
//! it: each chart drawn by `static/overview.js` (Chart.js, loaded on this page only) from the
//! figures the server puts in a JSON data block, each with a plain table of the same figures
//! (what screen readers, the tests and a browser without JavaScript read), and a workbook with
//! one sheet per chart.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use jianfu_domain::overview::{
    AreaChart, AreaRow, Bar, BurdenBar, CERTIFICATE_BUCKETS, CLAUSES_BURDEN, CLAUSES_CASES,
    CLAUSES_CERTIFICATES, CLAUSES_DEMANDS, CLAUSES_OVERVIEW, CLAUSES_PLAQUES, CLAUSES_RANKING,
    CLAUSES_RECTIFICATION, MonthRow, Overview, PLAQUE_BUCKETS, RankedUnit,
};
use serde::Deserialize;

use crate::access::CurrentUser;
use crate::error::PageError;
use crate::extract::Query;
use crate::state::AppState;
use crate::views::list::{self, Cell, Column, Export};
use crate::views::{Chrome, render};

#[derive(Deserialize, Default, serde::Serialize)]
pub struct OverviewQuery {
    /// The id of a district, as text (empty: the viewer's own level).
    #[serde(default)]
    pub district: Option<String>,
}

#[derive(askama::Template)]
#[template(path = "overview.html")]
struct OverviewPage {
    chrome: Chrome,
    o: Overview,
    /// The charts' figures as JSON, safe inside a `<script type="application/json">`.
    data: String,
    export_href: String,
    clauses_overview: String,
    clauses_burden: String,
    clauses_demands: String,
    clauses_cases: String,
    clauses_rectification: String,
    clauses_certificates: String,
    clauses_plaques: String,
    clauses_ranking: String,
}

impl OverviewPage {
    /// Whether the filter's option for district `id` is the one shown.
    fn selected(&self, id: impl std::borrow::Borrow<i64>) -> bool {
        self.o.district == Some(*id.borrow())
    }
}

/// A chart split by area as Chart.js stacks it: the areas, and one series per bucket.
pub(crate) fn areas(c: &AreaChart) -> serde_json::Value {
    serde_json::json!({
        "labels": c.rows.iter().map(|r| r.area.as_str()).collect::<Vec<_>>(),
        "series": c.totals.iter().enumerate().map(|(i, b)| serde_json::json!({
            "label": b.label,
            "values": c.rows.iter().map(|r| r.counts.get(i).copied().unwrap_or(0)).collect::<Vec<_>>(),
        })).collect::<Vec<_>>(),
    })
}

/// A bar chart's figures: one label and one value per bar.
pub(crate) fn bars(v: &[Bar]) -> serde_json::Value {
    serde_json::json!({
        "labels": v.iter().map(|b| b.label.as_str()).collect::<Vec<_>>(),
        "values": v.iter().map(|b| b.n).collect::<Vec<_>>(),
    })
}

/// `json` as the text of a `<script type="application/json">` block: nothing in it may close
/// the element, so the characters HTML reads are escaped.
pub(crate) fn script_json(json: &serde_json::Value) -> String {
    json.to_string()
        .replace('<', "\\u003c")
        .replace('>', "\\u003e")
        .replace('&', "\\u0026")
}

/// The figures the charts draw, exactly those of the tables.
fn chart_data(o: &Overview) -> String {
    let json = serde_json::json!({
        "top_burden": {
            "labels": o.top_burden.iter().map(|b| b.name.as_str()).collect::<Vec<_>>(),
            "values": o.top_burden.iter().map(|b| (b.hours_per_year * 10.0).round() / 10.0).collect::<Vec<_>>(),
        },
        "burden_histogram": bars(&o.burden_histogram),
        "months": {
            "labels": o.months.iter().map(|m| m.month.as_str()).collect::<Vec<_>>(),
            "admitted": o.months.iter().map(|m| m.admitted).collect::<Vec<_>>(),
            "rejected": o.months.iter().map(|m| m.rejected).collect::<Vec<_>>(),
            "revoked": o.months.iter().map(|m| m.revoked).collect::<Vec<_>>(),
        },
        "cases_by_status": bars(&o.cases_by_status),
        "cases_by_unit": bars(&o.cases_by_unit),
        "rectification": bars(&o.rectification),
        "certificates": areas(&o.certificates),
        "plaques": areas(&o.plaques),
        "ranking": {
            "labels": o.ranking.units.iter().map(|u| u.name.as_str()).collect::<Vec<_>>(),
            "values": o.ranking.units.iter().map(|u| f64::from(u.rating) / 100.0).collect::<Vec<_>>(),
        },
    });
    script_json(&json)
}

pub async fn overview(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(q): Query<OverviewQuery>,
) -> Response {
    let o = match state.app.overview(&user.ctx(), q.district.as_deref()).await {
        Ok(o) => o,
        Err(e) => return PageError(e).into_response(),
    };
    let export_href = list::export_href("/overview/export.xlsx", &q);
    let join = |c: &[&str]| c.join("、");
    render(
        StatusCode::OK,
        &OverviewPage {
            chrome: Chrome::new("减负工作总览", Some(&user), "/overview"),
            data: chart_data(&o),
            o,
            export_href,
            clauses_overview: join(CLAUSES_OVERVIEW),
            clauses_burden: join(CLAUSES_BURDEN),
            clauses_demands: join(CLAUSES_DEMANDS),
            clauses_cases: join(CLAUSES_CASES),
            clauses_rectification: join(CLAUSES_RECTIFICATION),
            clauses_certificates: join(CLAUSES_CERTIFICATES),
            clauses_plaques: join(CLAUSES_PLAQUES),
            clauses_ranking: join(CLAUSES_RANKING),
        },
    )
}

pub async fn overview_export(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(q): Query<OverviewQuery>,
) -> Response {
    let ctx = user.ctx();
    let o = match state.app.overview(&ctx, q.district.as_deref()).await {
        Ok(o) => o,
        Err(e) => return PageError(e).into_response(),
    };
    let rows = o.top_burden.len()
        + o.burden_histogram.len()
        + o.months.len()
        + o.cases_by_status.len()
        + o.cases_by_unit.len()
        + o.rectification.len()
        + o.certificates.rows.len()
        + o.plaques.rows.len()
        + o.ranking.units.len();
    let filter = serde_json::json!({ "scope": o.scope.name, "district": o.district });
    if let Err(e) = state
        .app
        .record_export(
            &ctx,
            "overview.export",
            ("node", Some(o.scope.id)),
            rows,
            filter,
        )
        .await
    {
        return PageError(e).into_response();
    }
    list::xlsx(workbook(&o), "burden-overview.xlsx")
}

pub(crate) fn bar_columns(key: &'static str) -> [Column<Bar>; 2] {
    [
        Column::wide(key, 28.0, |b| Cell::Text(&b.label)),
        Column::new("数量", |b| Cell::Number(b.n as f64)),
    ]
}

/// The count of the `I`-th bucket of an area's row.
pub(crate) fn nth<const I: usize>(r: &AreaRow) -> Cell<'_> {
    Cell::Number(r.counts.get(I).copied().unwrap_or(0) as f64)
}

/// The area's name, first column of a chart split by area.
pub(crate) fn area(r: &AreaRow) -> Cell<'_> {
    Cell::Text(&r.area)
}

/// One sheet per chart, each headed by the place, the day and the clauses.
fn workbook(o: &Overview) -> Result<Vec<u8>, rust_xlsxwriter::XlsxError> {
    let head = |what: &str, clauses: &[&str]| {
        [format!(
            "{} · {}（截至 {}，依据 {}）",
            o.scope.name,
            what,
            o.as_of,
            clauses.join("、")
        )]
    };
    let burden: [Column<BurdenBar>; 4] = [
        Column::wide("社区(村)", 24.0, |r| Cell::Text(&r.name)),
        Column::wide("街道(乡镇)", 20.0, |r| Cell::Text(&r.parent)),
        Column::new("事项数", |r| Cell::Number(r.demands as f64)),
        Column::new("年负担(小时)", |r| Cell::Decimal(r.hours_per_year)),
    ];
    let months: [Column<MonthRow>; 4] = [
        Column::new("月份", |m| Cell::Text(&m.month)),
        Column::new("准入", |m| Cell::Number(m.admitted as f64)),
        Column::new("不予准入", |m| Cell::Number(m.rejected as f64)),
        Column::new("撤销", |m| Cell::Number(m.revoked as f64)),
    ];
    let mut x = Export::new();
    x.sheet(
        "负担前20",
        &head("年负担最重的社区(村)", CLAUSES_BURDEN),
        &burden,
        &o.top_burden,
    )?
    .sheet(
        "负担分布",
        &head("社区(村)年负担分布", CLAUSES_BURDEN),
        &bar_columns("年负担区间"),
        &o.burden_histogram,
    )?
    .sheet(
        "按月事项",
        &head("近12个月准入、不予准入、撤销的事项", CLAUSES_DEMANDS),
        &months,
        &o.months,
    )?
    .sheet(
        "问题线索状态",
        &head("问题线索按状态", CLAUSES_CASES),
        &bar_columns("状态"),
        &o.cases_by_status,
    )?
    .sheet(
        "责任单位",
        &head("问题线索按责任单位（前10）", CLAUSES_CASES),
        &bar_columns("责任单位"),
        &o.cases_by_unit,
    )?
    .sheet(
        "整改按期",
        &head("整改按期与逾期", CLAUSES_RECTIFICATION),
        &bar_columns("整改情况"),
        &o.rectification,
    )?
    .sheet(
        "证明时限",
        &head("证明事项按时限出具（按区域）", CLAUSES_CERTIFICATES),
        &[
            Column::wide("区域", 20.0, area),
            Column::new(CERTIFICATE_BUCKETS[0].1, nth::<0>),
            Column::new(CERTIFICATE_BUCKETS[1].1, nth::<1>),
            Column::new(CERTIFICATE_BUCKETS[2].1, nth::<2>),
            Column::new(CERTIFICATE_BUCKETS[3].1, nth::<3>),
        ],
        &o.certificates.rows,
    )?
    .sheet(
        "挂牌合规",
        &head("各街道(乡镇)挂牌合规情况", CLAUSES_PLAQUES),
        &[
            Column::wide("街道(乡镇)", 20.0, area),
            Column::new(PLAQUE_BUCKETS[0].1, nth::<0>),
            Column::new(PLAQUE_BUCKETS[1].1, nth::<1>),
            Column::new(PLAQUE_BUCKETS[2].1, nth::<2>),
        ],
        &o.plaques.rows,
    )?;
    let ranked: [Column<RankedUnit>; 5] = [
        Column::new("名次", |u| Cell::Number(u.rank as f64)),
        Column::wide("单位", 24.0, |u| Cell::Text(&u.name)),
        Column::new("类别", |u| Cell::Text(u.kind_zh)),
        Column::new("评议社区数", |u| Cell::Number(u.raters as f64)),
        Column::new("满意度", |u| Cell::Text(&u.rating_text)),
    ];
    let what = match o.ranking.year {
        Some(y) => format!("{y} 年度部门评议排名"),
        None => String::from("部门评议排名（尚无评议结果）"),
    };
    x.sheet(
        "部门评议",
        &head(&what, CLAUSES_RANKING),
        &ranked,
        &o.ranking.units,
    )?;
    x.finish()
}
