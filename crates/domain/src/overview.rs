//! The overview (总览) of a level for the staff who oversee it (issue 14 §4, 5.3-2, 5.3-4): the
//! city's or a district's burden hours per community (top 20 and their distribution), demands
//! admitted, rejected and revoked by month, cases by state and by responsible unit, and
//! rectifications on time or overdue. Every figure is counted by the database
//! (`store::repo::overview`, the burden ledger's sums of `repo::demands`); this module builds no
//! query. The figures are read when asked (no rollup maintained on write yet).

use chrono::{Datelike, NaiveDate};
use jianfu_store::repo::demands::{self as demand_repo, BurdenBy};
use jianfu_store::repo::overview::{
    self as repo, ApplicationStates, AreaCount, CasesBy, DemandEvent,
};
use jianfu_store::repo::tree as tree_repo;
use serde::Serialize;

use crate::authz::{self, Action, Scope};
use crate::certificate::ApplicationStatus;
use crate::clock::{cst_date, day_start_ms};
use crate::demand::{CaseStatus, DemandStatus};
use crate::division::NodeKind;
use crate::error::{DomainError, ErrorKind, Result};
use crate::plaque::PlaqueStatus;
use crate::tree::NodeView;
use crate::{App, Ctx};

/// How many communities the burden chart names.
pub const TOP_COMMUNITIES: usize = 20;
/// How many responsible units the case chart names.
pub const TOP_UNITS: u64 = 10;
/// How many months the demand chart covers (the current one included).
pub const MONTHS: usize = 12;
/// The histogram's bucket edges in hours per year: `0`, then `(EDGES[i-1], EDGES[i]]`, then
/// above the last.
pub const HOUR_EDGES: [f64; 5] = [10.0, 50.0, 100.0, 200.0, 500.0];

/// The clauses each chart answers to, shown beside it on the page and in the API.
pub const CLAUSES_OVERVIEW: &[&str] = &["5.3-2", "5.3-4"];
pub const CLAUSES_BURDEN: &[&str] = &["4.2-1", "4.2-4"];
pub const CLAUSES_DEMANDS: &[&str] = &["4.2-4", "4.2-5"];
pub const CLAUSES_CASES: &[&str] = &["5.3-2", "5.3-3"];
pub const CLAUSES_RECTIFICATION: &[&str] = &["5.3-3"];
pub const CLAUSES_CERTIFICATES: &[&str] = &["4.5-6", "4.5-9"];
pub const CLAUSES_PLAQUES: &[&str] = &["4.1-2", "4.1-4", "4.4-2", "5.3-2"];
pub const CLAUSES_RANKING: &[&str] = &["5.3-2"];
/// How many units the department ranking chart names.
pub const TOP_RANKED: usize = 20;

/// The certificate time-limit buckets, in the order shown, with their labels.
pub const CERTIFICATE_BUCKETS: [(&str, &str); 4] = [
    ("on_time", "按时限出具"),
    ("late", "超时限出具"),
    ("pending", "办理中（未超时限）"),
    ("overdue", "超时限未出具"),
];

/// The plaque compliance buckets, in the order shown, with their labels.
pub const PLAQUE_BUCKETS: [(&str, &str); 3] = [
    ("compliant", "合规悬挂"),
    ("non_compliant", "不合规（待清理或整改）"),
    ("removed", "已清理"),
];

/// One bar or slice: a stable key, its label and its count.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Bar {
    pub key: String,
    pub label: String,
    pub n: i64,
}

/// One community among the most burdened.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct BurdenBar {
    pub node_id: i64,
    pub name: String,
    /// Its street or town.
    pub parent: String,
    pub demands: i64,
    pub hours_per_year: f64,
}

/// One month of demand decisions.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct MonthRow {
    /// `YYYY-MM`.
    pub month: String,
    pub admitted: i64,
    pub rejected: i64,
    pub revoked: i64,
}

/// One area (a district of the city, a street of a district) of a chart split by area: its
/// counts in the order of the chart's buckets.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct AreaRow {
    pub area_id: i64,
    pub area: String,
    pub counts: Vec<i64>,
}

/// A chart of buckets counted per area: the buckets' totals and one row per area.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct AreaChart {
    pub totals: Vec<Bar>,
    pub rows: Vec<AreaRow>,
}

impl AreaChart {
    /// The chart of `buckets` from the database's counts (areas in the order they come).
    pub fn from_counts(buckets: &[(&str, &str)], counts: &[AreaCount]) -> Self {
        let mut rows: Vec<AreaRow> = Vec::new();
        for c in counts {
            let Some(i) = buckets.iter().position(|(k, _)| *k == c.key) else {
                continue;
            };
            let row = match rows.iter_mut().position(|r| r.area_id == c.area_id) {
                Some(at) => &mut rows[at],
                None => {
                    rows.push(AreaRow {
                        area_id: c.area_id,
                        area: c.area_name.clone(),
                        counts: vec![0; buckets.len()],
                    });
                    let last = rows.len() - 1;
                    &mut rows[last]
                }
            };
            row.counts[i] += c.n;
        }
        let totals = buckets
            .iter()
            .enumerate()
            .map(|(i, (key, label))| Bar {
                key: (*key).to_string(),
                label: (*label).to_string(),
                n: rows.iter().map(|r| r.counts[i]).sum(),
            })
            .collect();
        Self { totals, rows }
    }
}

/// One unit in the department ranking from the communities' ratings (5.3-2).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct RankedUnit {
    pub rank: u64,
    pub unit_id: i64,
    pub name: String,
    pub kind_zh: &'static str,
    /// Communities that rated it.
    pub raters: u64,
    /// Hundredths of a point.
    pub rating: u32,
    /// The rating as shown (`86.50`).
    pub rating_text: String,
}

/// The department ranking of the most recent rating year with results (this year, else last
/// year); `year` is `None` and `units` empty when neither has a unit rated by enough
/// communities.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct RankingChart {
    pub year: Option<i32>,
    pub units: Vec<RankedUnit>,
}

/// A place one may pick in the overview's filter.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Choice {
    pub id: i64,
    pub name: String,
}

/// Everything the overview page, its API and its workbook show.
#[derive(Clone, Debug, Serialize)]
pub struct Overview {
    /// The level shown: the city, or one district.
    pub scope: NodeView,
    /// The day the figures are counted on (`YYYY-MM-DD`).
    pub as_of: String,
    /// The districts the viewer may narrow to (empty for a district's own staff).
    pub districts: Vec<Choice>,
    /// The district picked, if any.
    pub district: Option<i64>,
    pub communities: i64,
    pub total_hours: f64,
    pub top_burden: Vec<BurdenBar>,
    pub burden_histogram: Vec<Bar>,
    pub months: Vec<MonthRow>,
    pub cases_by_status: Vec<Bar>,
    pub cases_by_unit: Vec<Bar>,
    pub rectification: Vec<Bar>,
    /// Certificate applications with a time limit, per area of the scope.
    pub certificates: AreaChart,
    /// Plaques per street of the scope.
    pub plaques: AreaChart,
    pub ranking: RankingChart,
}

/// Which of the four rectification buckets a notice falls in, on `today`: answered by its due
/// day, answered later, still open within its time, or open past it (as the escalation sees it,
/// [`crate::escalation::is_overdue`]).
pub fn rectification_bucket(
    due_on: &str,
    status: CaseStatus,
    first_answer: Option<NaiveDate>,
    today: NaiveDate,
) -> &'static str {
    match first_answer {
        Some(d) if d.to_string().as_str() <= due_on => "on_time",
        Some(_) => "late",
        None if crate::escalation::is_overdue(status, due_on, today) => "overdue",
        None => "pending",
    }
}

/// The notices `timings` counted in the four rectification buckets on `today`.
pub fn rectification_bars(timings: &[repo::NoticeTiming], today: NaiveDate) -> Vec<Bar> {
    let mut buckets = [0i64; RECTIFICATION_BUCKETS.len()];
    for n in timings {
        let status = CaseStatus::stored(&n.case_status);
        let answered = n.first_answer_at.and_then(cst_date);
        let key = rectification_bucket(&n.due_on, status, answered, today);
        if let Some(i) = RECTIFICATION_BUCKETS.iter().position(|(k, _)| *k == key) {
            buckets[i] += 1;
        }
    }
    RECTIFICATION_BUCKETS
        .iter()
        .zip(buckets)
        .map(|((key, label), n)| Bar {
            key: (*key).to_string(),
            label: (*label).to_string(),
            n,
        })
        .collect()
}

/// The level a viewer of the overview (and of the annual report) oversees: where the action is
/// allowed, their own (widest) jurisdiction, and the districts they may pick (the city's staff
/// only).
pub(crate) struct Levels {
    pub visible: Scope,
    pub own: NodeView,
    pub districts: Vec<Choice>,
}

/// The field and the stable codes and words of a refused district (or area) choice.
pub(crate) struct AreaCodes {
    pub field: &'static str,
    pub invalid: &'static str,
    pub unknown: &'static str,
    pub forbidden: &'static str,
    /// What the viewer may only see of their own jurisdiction (`总览`).
    pub what: &'static str,
}

const OVERVIEW_AREA: AreaCodes = AreaCodes {
    field: "district",
    invalid: "overview_district_invalid",
    unknown: "overview_district_unknown",
    forbidden: "overview_district_forbidden",
    what: "总览",
};

/// The four rectification buckets, in the order shown, with their labels.
pub const RECTIFICATION_BUCKETS: [(&str, &str); 4] = [
    ("on_time", "按期整改"),
    ("late", "逾期后整改"),
    ("pending", "整改中（未逾期）"),
    ("overdue", "逾期未整改"),
];

/// The histogram bucket of `hours` per year: its index in [`histogram_labels`].
pub fn hour_bucket(hours: f64) -> usize {
    if hours <= 0.0 {
        return 0;
    }
    HOUR_EDGES
        .iter()
        .position(|e| hours <= *e)
        .map_or(HOUR_EDGES.len() + 1, |i| i + 1)
}

/// The labels of the histogram's buckets.
pub fn histogram_labels() -> Vec<String> {
    let mut v = vec![String::from("0 小时")];
    let mut lo = 0.0;
    for e in HOUR_EDGES {
        v.push(format!("{lo}–{e} 小时"));
        lo = e;
    }
    v.push(format!("{lo} 小时以上"));
    v
}

/// The first days of the last [`MONTHS`] months up to `today`'s, and the first of the next.
pub fn month_starts(today: NaiveDate) -> Vec<NaiveDate> {
    let (mut y, mut m) = (today.year(), today.month());
    let mut v = Vec::with_capacity(MONTHS + 1);
    // Start at next month and walk back.
    if m == 12 {
        y += 1;
        m = 1;
    } else {
        m += 1;
    }
    for _ in 0..=MONTHS {
        if let Some(d) = NaiveDate::from_ymd_opt(y, m, 1) {
            v.push(d);
        }
        if m == 1 {
            y -= 1;
            m = 12;
        } else {
            m -= 1;
        }
    }
    v.reverse();
    v
}

impl App {
    /// The overview of the viewer's level, or of `district` (the text of a district's id, as a
    /// query string brings it; empty means none) for the city's staff.
    pub async fn overview(&self, ctx: &Ctx, district: Option<&str>) -> Result<Overview> {
        let Levels {
            visible,
            own,
            districts,
        } = self.overview_levels(ctx).await?;
        let picked = match district.map(str::trim).filter(|s| !s.is_empty()) {
            None => None,
            Some(text) => Some(
                self.overview_district(ctx, &visible, text, &OVERVIEW_AREA)
                    .await?,
            ),
        };
        let scope = picked.clone().unwrap_or(own);
        let today = self.today();
        let as_of = today.to_string();
        let path = scope.path.clone();

        // 1. Burden hours per community: the ledger's sums.
        let rows = demand_repo::burden(
            &self.store,
            BurdenBy::Community,
            DemandStatus::Admitted.as_str(),
            &as_of,
            &path,
        )
        .await?;
        let community_kinds = [NodeKind::Community.as_str(), NodeKind::Village.as_str()];
        let communities = repo::community_count(&self.store, &path, &community_kinds).await?;
        let mut histogram = vec![0i64; HOUR_EDGES.len() + 2];
        let mut burdened = 0i64;
        let mut total_hours = 0.0;
        for r in &rows {
            let hours = r.minutes_per_year as f64 / 60.0;
            total_hours += hours;
            if let Some(slot) = histogram.get_mut(hour_bucket(hours)) {
                *slot += 1;
                burdened += 1;
            }
        }
        // The communities with no burden at all have no ledger row.
        histogram[0] += (communities - burdened).max(0);
        let mut top = rows.clone();
        top.sort_by(|a, b| {
            b.minutes_per_year
                .cmp(&a.minutes_per_year)
                .then(a.node_id.cmp(&b.node_id))
        });
        top.truncate(TOP_COMMUNITIES);
        let ids: Vec<i64> = top.iter().map(|r| r.node_id).collect();
        let names = repo::names(&self.store, &ids).await?;
        let top_burden = top
            .iter()
            .map(|r| {
                let (name, parent) = names
                    .iter()
                    .find(|(id, _, _)| *id == r.node_id)
                    .map(|(_, n, p)| (n.clone(), p.clone()))
                    .unwrap_or_default();
                BurdenBar {
                    node_id: r.node_id,
                    name,
                    parent,
                    demands: r.demands,
                    hours_per_year: r.minutes_per_year as f64 / 60.0,
                }
            })
            .collect();
        let burden_histogram = histogram_labels()
            .into_iter()
            .zip(histogram)
            .enumerate()
            .map(|(i, (label, n))| Bar {
                key: format!("b{i}"),
                label,
                n,
            })
            .collect();

        // 2. Demands by month.
        let starts = month_starts(today);
        let mut bounds = Vec::with_capacity(starts.len());
        for d in &starts {
            bounds.push(day_start_ms(&d.to_string(), "month")?);
        }
        let admitted = [
            DemandStatus::Admitted.as_str(),
            DemandStatus::Revoked.as_str(),
        ];
        let rejected = [DemandStatus::Rejected.as_str()];
        let revoked = [DemandStatus::Revoked.as_str()];
        let a = repo::demands_per_window(
            &self.store,
            DemandEvent::Reviewed,
            &admitted,
            &bounds,
            &path,
        )
        .await?;
        let j = repo::demands_per_window(
            &self.store,
            DemandEvent::Reviewed,
            &rejected,
            &bounds,
            &path,
        )
        .await?;
        let v =
            repo::demands_per_window(&self.store, DemandEvent::Revoked, &revoked, &bounds, &path)
                .await?;
        let months = starts
            .iter()
            .take(MONTHS)
            .enumerate()
            .map(|(i, d)| MonthRow {
                month: d.format("%Y-%m").to_string(),
                admitted: a.get(i).copied().unwrap_or(0),
                rejected: j.get(i).copied().unwrap_or(0),
                revoked: v.get(i).copied().unwrap_or(0),
            })
            .collect();

        // 3. Cases by state (every state, zeros included) and by responsible unit.
        let by_status = repo::cases_by(
            &self.store,
            CasesBy::Status,
            &path,
            CaseStatus::ALL.len() as u64,
            None,
        )
        .await?;
        let cases_by_status = CaseStatus::ALL
            .iter()
            .map(|s| Bar {
                key: s.as_str().to_string(),
                label: s.label_zh().to_string(),
                n: by_status
                    .iter()
                    .find(|c| c.key == s.as_str())
                    .map_or(0, |c| c.n),
            })
            .collect();
        let cases_by_unit = repo::cases_by(&self.store, CasesBy::Unit, &path, TOP_UNITS, None)
            .await?
            .into_iter()
            .map(|c| Bar {
                label: c.key.clone(),
                key: c.key,
                n: c.n,
            })
            .collect();

        // 4. Rectifications on time or overdue.
        let rectification = rectification_bars(
            &repo::notice_timings(&self.store, &path, None).await?,
            today,
        );

        // 5. Certificates issued within their time limit, per area of the scope.
        let counts = repo::certificate_timeliness(
            &self.store,
            scope.id,
            ApplicationStates {
                issued: ApplicationStatus::Issued.as_str(),
                submitted: ApplicationStatus::Submitted.as_str(),
            },
            &as_of,
            None,
        )
        .await?;
        let certificates = AreaChart::from_counts(&CERTIFICATE_BUCKETS, &counts);

        // 6. Plaques per street.
        let street_kinds = [NodeKind::Street.as_str(), NodeKind::Town.as_str()];
        let counts = repo::plaques_per_street(
            &self.store,
            &path,
            &street_kinds,
            PlaqueStatus::Removed.as_str(),
        )
        .await?;
        let plaques = AreaChart::from_counts(&PLAQUE_BUCKETS, &counts);

        // 7. The department ranking of the latest year with results.
        let ranking = self.overview_ranking(&path, today.year()).await?;

        Ok(Overview {
            scope,
            as_of,
            districts,
            district: picked.map(|p| p.id),
            communities,
            total_hours,
            top_burden,
            burden_histogram,
            months,
            cases_by_status,
            cases_by_unit,
            rectification,
            certificates,
            plaques,
            ranking,
        })
    }

    /// The units of the subtree `path` ranked by the communities' ratings of `year`, or of the
    /// year before when `year` has no unit rated by enough communities yet.
    async fn overview_ranking(&self, path: &str, year: i32) -> Result<RankingChart> {
        let scope = Scope::subtree(path);
        for y in [year, year - 1] {
            let units: Vec<RankedUnit> = self
                .ranking_in(&scope, y)
                .await?
                .into_iter()
                .filter_map(|r| {
                    let rating = r.rating?;
                    Some(RankedUnit {
                        rank: r.rank?,
                        unit_id: r.unit_id,
                        rating_text: r.rating_text(),
                        name: r.unit_name,
                        kind_zh: r.unit_kind_zh,
                        raters: r.raters,
                        rating,
                    })
                })
                .take(TOP_RANKED)
                .collect();
            if !units.is_empty() {
                return Ok(RankingChart {
                    year: Some(y),
                    units,
                });
            }
        }
        Ok(RankingChart {
            year: None,
            units: Vec::new(),
        })
    }

    /// The viewer's levels for [`Action::ViewOverview`] (refused, and recorded, without one).
    pub(crate) async fn overview_levels(&self, ctx: &Ctx) -> Result<Levels> {
        let visible = self
            .visible_or_deny(ctx, Action::ViewOverview, "您的角色不能查看减负工作总览")
            .await?;
        // The viewer's own level: the widest jurisdiction where the action is allowed.
        let mut own: Option<NodeView> = None;
        for id in authz::jurisdictions(&ctx.principal, Action::ViewOverview) {
            let n = self.find_node(id).await?;
            if own.as_ref().is_none_or(|o| n.path.len() < o.path.len()) {
                own = Some(n);
            }
        }
        let own = own.ok_or_else(|| DomainError::forbidden("您的角色不能查看减负工作总览"))?;
        let district_kind = [NodeKind::District.as_str()];
        let districts: Vec<Choice> = if own.kind == NodeKind::City {
            tree_repo::children_of_kinds(self.store.db(), own.id, &district_kind)
                .await?
                .into_iter()
                .map(|n| Choice {
                    id: n.id,
                    name: n.name,
                })
                .collect()
        } else {
            Vec::new()
        };
        Ok(Levels {
            visible,
            own,
            districts,
        })
    }

    /// The district `text` names, checked: a number, a district that exists, within the
    /// viewer's overview; refused on `codes.field` with `codes`' codes.
    pub(crate) async fn overview_district(
        &self,
        ctx: &Ctx,
        visible: &authz::Scope,
        text: &str,
        codes: &AreaCodes,
    ) -> Result<NodeView> {
        let id: i64 = text.parse().map_err(|_| {
            DomainError::field(
                codes.field,
                codes.invalid,
                "区(县、市)须从列表中选择（编号应为数字）",
            )
        })?;
        let node = match self.find_node(id).await {
            Ok(n) if n.kind == NodeKind::District => n,
            Ok(_) => {
                return Err(DomainError::field(
                    codes.field,
                    codes.unknown,
                    format!("编号 {id} 不是区(县、市)"),
                ));
            }
            Err(e) if e.kind == ErrorKind::NotFound => {
                return Err(DomainError::field(
                    codes.field,
                    codes.unknown,
                    format!("没有编号为 {id} 的区(县、市)"),
                ));
            }
            Err(e) => return Err(e),
        };
        if !visible.covers(&node.path) {
            self.record_denial(ctx, Action::ViewOverview, Some(node.id))
                .await;
            return Err(DomainError {
                field: Some(codes.field),
                ..DomainError::new(
                    ErrorKind::Forbidden,
                    codes.forbidden,
                    format!("您只能查看本辖区的{}，不能查看{}", codes.what, node.name),
                )
            });
        }
        Ok(node)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_area_chart_keeps_every_bucket_and_sums_the_totals() {
        let c = |id: i64, name: &str, key: &str, n: i64| AreaCount {
            area_id: id,
            area_name: name.into(),
            key: key.into(),
            n,
        };
        let chart = AreaChart::from_counts(
            &PLAQUE_BUCKETS,
            &[
                c(2, "甲街道", "compliant", 3),
                c(2, "甲街道", "removed", 1),
                c(5, "乙街道", "non_compliant", 2),
                c(5, "乙街道", "unknown", 9),
            ],
        );
        assert_eq!(chart.rows.len(), 2);
        assert_eq!(chart.rows[0].counts, vec![3, 0, 1]);
        assert_eq!(chart.rows[1].area, "乙街道");
        assert_eq!(chart.rows[1].counts, vec![0, 2, 0]);
        let totals: Vec<i64> = chart.totals.iter().map(|b| b.n).collect();
        assert_eq!(totals, vec![3, 2, 1]);
        assert_eq!(chart.totals[1].key, "non_compliant");
        let empty = AreaChart::from_counts(&CERTIFICATE_BUCKETS, &[]);
        assert!(empty.rows.is_empty());
        assert_eq!(empty.totals.len(), 4);
    }

    fn day(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn hours_fall_in_their_buckets_at_each_edge() {
        assert_eq!(hour_bucket(0.0), 0);
        assert_eq!(hour_bucket(0.1), 1);
        assert_eq!(hour_bucket(10.0), 1);
        assert_eq!(hour_bucket(10.01), 2);
        assert_eq!(hour_bucket(50.0), 2);
        assert_eq!(hour_bucket(100.0), 3);
        assert_eq!(hour_bucket(200.0), 4);
        assert_eq!(hour_bucket(500.0), 5);
        assert_eq!(hour_bucket(500.5), 6);
        assert_eq!(histogram_labels().len(), 7);
        assert_eq!(histogram_labels()[1], "0–10 小时");
        assert_eq!(histogram_labels()[6], "500 小时以上");
    }

    #[test]
    fn twelve_months_end_with_the_current_one() {
        let m = month_starts(day("2026-12-07"));
        assert_eq!(m.len(), MONTHS + 1);
        assert_eq!(m[0], day("2026-01-01"));
        assert_eq!(m[11], day("2026-12-01"));
        assert_eq!(m[12], day("2027-01-01"));
        let m = month_starts(day("2026-03-31"));
        assert_eq!(m[0], day("2025-04-01"));
        assert_eq!(m[12], day("2026-04-01"));
    }

    #[test]
    fn a_rectification_is_on_time_up_to_its_due_day() {
        let today = day("2026-12-07");
        let due = "2026-12-01";
        let r = CaseStatus::Rectified;
        assert_eq!(
            rectification_bucket(due, r, Some(day("2026-12-01")), today),
            "on_time"
        );
        assert_eq!(
            rectification_bucket(due, r, Some(day("2026-12-02")), today),
            "late"
        );
        let open = CaseStatus::Rectifying;
        assert_eq!(rectification_bucket(due, open, None, today), "overdue");
        assert_eq!(
            rectification_bucket("2026-12-07", open, None, today),
            "pending"
        );
        assert_eq!(
            rectification_bucket("2026-12-08", open, None, today),
            "pending"
        );
    }
}
