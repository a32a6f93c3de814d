//! The annual burden report over the API (年度减负工作报告, issue 14 §5, 1.0-4, 5.3-4): the
//! figures as JSON, and the PDF and workbook the page offers, for the staff who see the
//! overview. Downloads are recorded in the audit log.

use axum::Json;
use axum::extract::State;
use axum::response::Response;
use jianfu_domain::annual_report::{CLAUSES_REPORT, ClauseCount};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::access::CurrentUser;
use crate::api::overview::{
    OverviewAreaChartOut, OverviewBarOut, OverviewDistrictOut, OverviewMonthOut, areas, bars,
};
use crate::error::{ApiError, Problem};
use crate::extract::Query;
use crate::state::AppState;
use crate::views::annual_report::{AnnualQuery, annual_workbook};
use crate::views::list;

/// How many demands a clause was applied to.
#[derive(Serialize, ToSchema)]
pub struct AnnualClauseOut {
    pub clause: String,
    pub n: i64,
}

/// The year's demand decisions.
#[derive(Serialize, ToSchema)]
pub struct AnnualDemandsOut {
    /// Admitted or registered in the year (those revoked since included).
    pub admitted: i64,
    pub rejected: i64,
    /// Revoked in the year.
    pub revoked: i64,
    /// January to December.
    pub months: Vec<OverviewMonthOut>,
    pub admitted_clauses: Vec<AnnualClauseOut>,
    pub rejected_clauses: Vec<AnnualClauseOut>,
    pub revoked_clauses: Vec<AnnualClauseOut>,
}

/// A community's burden hours per year on the two days compared.
#[derive(Serialize, ToSchema)]
pub struct AnnualBurdenOut {
    pub node_id: i64,
    pub name: String,
    pub parent: String,
    pub hours_before: f64,
    pub hours_now: f64,
}

/// A certificate type discontinued in the year.
#[derive(Serialize, ToSchema)]
pub struct AnnualDiscontinuedOut {
    pub code: String,
    pub name: String,
    pub discontinued_on: String,
    pub catalogue: String,
}

/// What the monitoring points reported for the year's months.
#[derive(Serialize, ToSchema)]
pub struct AnnualMonitoringOut {
    pub points: i64,
    pub answered: i64,
    pub missed: i64,
    /// The cases their months opened, per case kind.
    pub findings: Vec<OverviewBarOut>,
}

/// The annual report of one level and year.
#[derive(Serialize, ToSchema)]
pub struct AnnualReportOut {
    pub year: i32,
    pub scope_node_id: i64,
    pub scope_name: String,
    /// The day the report is made.
    pub as_of: String,
    /// The areas the caller may pick (their own level first).
    pub areas: Vec<OverviewDistrictOut>,
    /// The years the caller may pick, latest first.
    pub years: Vec<i32>,
    pub demands: AnnualDemandsOut,
    pub burden_before_on: String,
    pub burden_now_on: String,
    pub hours_before: f64,
    pub hours_now: f64,
    /// Every community with a burden on either day, most burdened now first.
    pub burden: Vec<AnnualBurdenOut>,
    /// Plaques removed in the year per area (one bucket, `removed`).
    pub plaques_removed: OverviewAreaChartOut,
    pub discontinued: Vec<AnnualDiscontinuedOut>,
    /// Applications received in the year: `on_time`, `late`, `pending`, `overdue`.
    pub certificates: OverviewAreaChartOut,
    pub cases_by_status: Vec<OverviewBarOut>,
    pub cases_by_source: Vec<OverviewBarOut>,
    /// Notices issued in the year: `on_time`, `late`, `pending`, `overdue`.
    pub rectification: Vec<OverviewBarOut>,
    pub monitoring: AnnualMonitoringOut,
    pub clauses: Vec<String>,
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AnnualParams {
    /// The year (four digits); default: this year.
    year: Option<String>,
    /// The city's or a district's node id; default: the caller's own level.
    area: Option<String>,
}

impl AnnualParams {
    fn query(self) -> AnnualQuery {
        AnnualQuery {
            year: self.year,
            area: self.area,
        }
    }
}

fn clauses(v: Vec<ClauseCount>) -> Vec<AnnualClauseOut> {
    v.into_iter()
        .map(|c| AnnualClauseOut {
            clause: c.clause,
            n: c.n,
        })
        .collect()
}

/// The annual report's figures.
#[utoipa::path(get, path = "/api/v1/reports/annual", params(AnnualParams), responses((status = 200, body = AnnualReportOut), (status = 403, description = "Not a role that oversees a level, or another district (`annual_report_area_forbidden`)", body = Problem), (status = 422, description = "A year that is not a number, in the future or before any data (`annual_report_year_invalid`, `annual_report_year_future`, `annual_report_year_no_data`); an area that is not a district (`annual_report_area_invalid`, `annual_report_area_unknown`)", body = Problem)))]
pub async fn annual(
    State(s): State<AppState>,
    user: CurrentUser,
    Query(p): Query<AnnualParams>,
) -> Result<Json<AnnualReportOut>, ApiError> {
    let r = s
        .app
        .annual_report(&user.ctx(), p.year.as_deref(), p.area.as_deref())
        .await?;
    let d = r.demands;
    Ok(Json(AnnualReportOut {
        year: r.year,
        scope_node_id: r.scope.id,
        scope_name: r.scope.name,
        as_of: r.as_of,
        areas: r
            .areas
            .into_iter()
            .map(|a| OverviewDistrictOut {
                id: a.id,
                name: a.name,
            })
            .collect(),
        years: r.years,
        demands: AnnualDemandsOut {
            admitted: d.admitted,
            rejected: d.rejected,
            revoked: d.revoked,
            months: d
                .months
                .into_iter()
                .map(|m| OverviewMonthOut {
                    month: m.month,
                    admitted: m.admitted,
                    rejected: m.rejected,
                    revoked: m.revoked,
                })
                .collect(),
            admitted_clauses: clauses(d.admitted_clauses),
            rejected_clauses: clauses(d.rejected_clauses),
            revoked_clauses: clauses(d.revoked_clauses),
        },
        burden_before_on: r.burden_before_on,
        burden_now_on: r.burden_now_on,
        hours_before: r.hours_before,
        hours_now: r.hours_now,
        burden: r
            .burden
            .into_iter()
            .map(|b| AnnualBurdenOut {
                node_id: b.node_id,
                name: b.name,
                parent: b.parent,
                hours_before: b.hours_before,
                hours_now: b.hours_now,
            })
            .collect(),
        plaques_removed: areas(r.plaques_removed),
        discontinued: r
            .discontinued
            .into_iter()
            .map(|t| AnnualDiscontinuedOut {
                code: t.code,
                name: t.name,
                discontinued_on: t.discontinued_on,
                catalogue: t.catalogue,
            })
            .collect(),
        certificates: areas(r.certificates),
        cases_by_status: bars(r.cases_by_status),
        cases_by_source: bars(r.cases_by_source),
        rectification: bars(r.rectification),
        monitoring: AnnualMonitoringOut {
            points: r.monitoring.points,
            answered: r.monitoring.answered,
            missed: r.monitoring.missed,
            findings: bars(r.monitoring.findings),
        },
        clauses: CLAUSES_REPORT.iter().map(|c| (*c).to_string()).collect(),
    }))
}

/// The annual report as a PDF with its charts (the download is audited).
#[utoipa::path(get, path = "/api/v1/reports/annual.pdf", params(AnnualParams), responses((status = 200, description = "年度减负工作报告 PDF", content_type = "application/pdf"), (status = 403, body = Problem), (status = 422, body = Problem)))]
pub async fn annual_pdf(
    State(s): State<AppState>,
    user: CurrentUser,
    Query(p): Query<AnnualParams>,
) -> Result<Response, ApiError> {
    let (name, pdf) = s
        .app
        .annual_report_pdf(&user.ctx(), p.year.as_deref(), p.area.as_deref())
        .await?;
    Ok(list::download(pdf, "application/pdf", &name, false))
}

/// The annual report as an Excel workbook, one sheet per section (the download is audited).
#[utoipa::path(get, path = "/api/v1/reports/annual.xlsx", params(AnnualParams), responses((status = 200, description = "年度减负工作报告 Excel", content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"), (status = 403, body = Problem), (status = 422, body = Problem)))]
pub async fn annual_xlsx(
    State(s): State<AppState>,
    user: CurrentUser,
    Query(p): Query<AnnualParams>,
) -> Result<Response, ApiError> {
    let (name, book) = annual_workbook(&s, &user, &p.query()).await?;
    Ok(list::xlsx(book, &name))
}
