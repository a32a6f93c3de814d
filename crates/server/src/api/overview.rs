//! The overview over the API (减负工作总览, issue 14 §4): the same figures as `/overview`, for
//! the city's and districts' staff who oversee a level.

use axum::Json;
use axum::extract::State;
use jianfu_domain::overview::{
    AreaChart, Bar, CLAUSES_BURDEN, CLAUSES_CASES, CLAUSES_CERTIFICATES, CLAUSES_DEMANDS,
    CLAUSES_OVERVIEW, CLAUSES_PLAQUES, CLAUSES_RANKING, CLAUSES_RECTIFICATION,
};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::access::CurrentUser;
use crate::error::{ApiError, Problem};
use crate::extract::Query;
use crate::state::AppState;

/// One bar of a chart: a stable key, its label and its count.
#[derive(Serialize, ToSchema)]
pub struct OverviewBarOut {
    pub key: String,
    pub label: String,
    pub n: i64,
}

/// A community among the most burdened.
#[derive(Serialize, ToSchema)]
pub struct OverviewBurdenOut {
    pub node_id: i64,
    pub name: String,
    /// Its street or town.
    pub parent: String,
    pub demands: i64,
    pub hours_per_year: f64,
}

/// One month of demand decisions.
#[derive(Serialize, ToSchema)]
pub struct OverviewMonthOut {
    /// `YYYY-MM`.
    pub month: String,
    pub admitted: i64,
    pub rejected: i64,
    pub revoked: i64,
}

/// A district the caller may narrow the overview to.
#[derive(Serialize, ToSchema)]
pub struct OverviewDistrictOut {
    pub id: i64,
    pub name: String,
}

/// The clauses each chart answers to.
#[derive(Serialize, ToSchema)]
pub struct OverviewClausesOut {
    pub overview: Vec<String>,
    pub burden: Vec<String>,
    pub demands: Vec<String>,
    pub cases: Vec<String>,
    pub rectification: Vec<String>,
    pub certificates: Vec<String>,
    pub plaques: Vec<String>,
    pub ranking: Vec<String>,
}

/// One area (a district of the city, a street of a district) of a chart split by area.
#[derive(Serialize, ToSchema)]
pub struct OverviewAreaOut {
    pub area_id: i64,
    pub area: String,
    /// The counts in the order of the chart's `totals`.
    pub counts: Vec<i64>,
}

/// A chart counted per area: the buckets with their totals, and one row per area.
#[derive(Serialize, ToSchema)]
pub struct OverviewAreaChartOut {
    pub totals: Vec<OverviewBarOut>,
    pub rows: Vec<OverviewAreaOut>,
}

/// A unit ranked by the communities' ratings.
#[derive(Serialize, ToSchema)]
pub struct OverviewRankedOut {
    pub rank: u64,
    pub unit_id: i64,
    pub name: String,
    pub kind: String,
    pub raters: u64,
    /// Hundredths of a point.
    pub rating: u32,
}

/// The department ranking of the latest rating year with results (this year, else last
/// year); `year` null and `units` empty when there is none.
#[derive(Serialize, ToSchema)]
pub struct OverviewRankingOut {
    pub year: Option<i32>,
    pub units: Vec<OverviewRankedOut>,
}

/// The overview of a level: the figures of every chart.
#[derive(Serialize, ToSchema)]
pub struct OverviewOut {
    pub scope_node_id: i64,
    pub scope_name: String,
    /// The day the figures are counted on.
    pub as_of: String,
    /// The districts the caller may pick (empty for a district's own staff).
    pub districts: Vec<OverviewDistrictOut>,
    pub communities: i64,
    pub total_hours: f64,
    /// The 20 most burdened communities, most first.
    pub top_burden: Vec<OverviewBurdenOut>,
    /// Communities per band of burden hours per year.
    pub burden_histogram: Vec<OverviewBarOut>,
    /// The last 12 months, oldest first.
    pub months: Vec<OverviewMonthOut>,
    pub cases_by_status: Vec<OverviewBarOut>,
    /// The 10 units with the most cases.
    pub cases_by_unit: Vec<OverviewBarOut>,
    /// Rectification notices: `on_time`, `late`, `pending`, `overdue`.
    pub rectification: Vec<OverviewBarOut>,
    /// Certificate applications with a time limit per area: `on_time`, `late`, `pending`,
    /// `overdue`.
    pub certificates: OverviewAreaChartOut,
    /// Plaques per street: `compliant`, `non_compliant`, `removed`.
    pub plaques: OverviewAreaChartOut,
    pub ranking: OverviewRankingOut,
    pub clauses: OverviewClausesOut,
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct OverviewParams {
    /// A district's node id (the city's staff); default: the caller's own level.
    district: Option<String>,
}

pub(crate) fn bars(v: Vec<Bar>) -> Vec<OverviewBarOut> {
    v.into_iter()
        .map(|b| OverviewBarOut {
            key: b.key,
            label: b.label,
            n: b.n,
        })
        .collect()
}

pub(crate) fn areas(c: AreaChart) -> OverviewAreaChartOut {
    OverviewAreaChartOut {
        totals: bars(c.totals),
        rows: c
            .rows
            .into_iter()
            .map(|r| OverviewAreaOut {
                area_id: r.area_id,
                area: r.area,
                counts: r.counts,
            })
            .collect(),
    }
}

fn texts(c: &[&str]) -> Vec<String> {
    c.iter().map(|s| (*s).to_string()).collect()
}

/// The overview of the caller's level, or of one district of the city.
#[utoipa::path(get, path = "/api/v1/overview", params(OverviewParams), responses((status = 200, body = OverviewOut), (status = 403, description = "Not a role that oversees a level, or another district (`overview_district_forbidden`)", body = Problem), (status = 422, description = "`district` is not a district's id (`overview_district_invalid`, `overview_district_unknown`)", body = Problem)))]
pub async fn overview(
    State(s): State<AppState>,
    user: CurrentUser,
    Query(p): Query<OverviewParams>,
) -> Result<Json<OverviewOut>, ApiError> {
    let o = s.app.overview(&user.ctx(), p.district.as_deref()).await?;
    Ok(Json(OverviewOut {
        scope_node_id: o.scope.id,
        scope_name: o.scope.name,
        as_of: o.as_of,
        districts: o
            .districts
            .into_iter()
            .map(|d| OverviewDistrictOut {
                id: d.id,
                name: d.name,
            })
            .collect(),
        communities: o.communities,
        total_hours: o.total_hours,
        top_burden: o
            .top_burden
            .into_iter()
            .map(|b| OverviewBurdenOut {
                node_id: b.node_id,
                name: b.name,
                parent: b.parent,
                demands: b.demands,
                hours_per_year: b.hours_per_year,
            })
            .collect(),
        burden_histogram: bars(o.burden_histogram),
        months: o
            .months
            .into_iter()
            .map(|m| OverviewMonthOut {
                month: m.month,
                admitted: m.admitted,
                rejected: m.rejected,
                revoked: m.revoked,
            })
            .collect(),
        cases_by_status: bars(o.cases_by_status),
        cases_by_unit: bars(o.cases_by_unit),
        rectification: bars(o.rectification),
        certificates: areas(o.certificates),
        plaques: areas(o.plaques),
        ranking: OverviewRankingOut {
            year: o.ranking.year,
            units: o
                .ranking
                .units
                .into_iter()
                .map(|u| OverviewRankedOut {
                    rank: u.rank,
                    unit_id: u.unit_id,
                    name: u.name,
                    kind: u.kind_zh.to_string(),
                    raters: u.raters,
                    rating: u.rating,
                })
                .collect(),
        },
        clauses: OverviewClausesOut {
            overview: texts(CLAUSES_OVERVIEW),
            burden: texts(CLAUSES_BURDEN),
            demands: texts(CLAUSES_DEMANDS),
            cases: texts(CLAUSES_CASES),
            rectification: texts(CLAUSES_RECTIFICATION),
            certificates: texts(CLAUSES_CERTIFICATES),
            plaques: texts(CLAUSES_PLAQUES),
            ranking: texts(CLAUSES_RANKING),
        },
    }))
}
