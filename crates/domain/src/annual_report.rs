//! The annual burden report (年度减负工作报告, issue 14 §5; clauses 1.0-4 and 5.3-4): for one
//! year, the city's or a district's demands admitted, rejected and revoked with the clauses
//! applied, the burden hours per community against the year before, the plaques removed, the
//! certificate types discontinued and the applications answered within their time limit, the
//! cases and rectifications, and what the monitoring points found — what the city's
//! 组织部/民政局/农业农村局 take to their inspection (5.3-4). The same figures make the page,
//! the API's JSON, the PDF (charts drawn as vectors by `jianfu_seal::report`) and the workbook.
//!
//! The figures are the overview's counts (`repo::overview`, bounded by the year's
//! [`Span`]) and the ledger's sums (`repo::demands`), plus the few of `repo::annual_report`; this
//! module builds no query. Events count in the year they happened (a demand reviewed, a case
//! opened, a notice issued, an application received, a plaque removed, a month of a monitoring
//! point); their state is the one on the day the report is made.

use std::collections::HashMap;

use chrono::{Datelike, NaiveDate};
use jianfu_seal::report::{Block, Chart, Report, Series, number_text};
use jianfu_store::repo::annual_report as repo;
use jianfu_store::repo::demands as demand_repo;
use jianfu_store::repo::overview::{
    self as overview_repo, ApplicationStates, CasesBy, DemandEvent, Span,
};
use serde::Serialize;

use crate::certificate::ApplicationStatus;
use crate::clock::{cst_date, day_start_ms};
use crate::demand::{CaseStatus, DecisionView, DemandStatus};
use crate::error::{DomainError, Result};
use crate::monitoring::{AnswerStatus, case_kind_zh};
use crate::overview::{
    AreaChart, AreaCodes, Bar, CERTIFICATE_BUCKETS, Choice, Levels, MonthRow,
    RECTIFICATION_BUCKETS, rectification_bars,
};
use crate::plaque::PlaqueStatus;
use crate::supervision::CaseSource;
use crate::tree::NodeView;
use crate::{App, Ctx};

/// The clauses the report answers to.
pub const CLAUSES_REPORT: &[&str] = &["1.0-4", "5.3-4"];
/// How many communities the PDF's burden chart and table name (the workbook has them all).
pub const TOP_IN_PDF: usize = 20;

const AREA: AreaCodes = AreaCodes {
    field: "area",
    invalid: "annual_report_area_invalid",
    unknown: "annual_report_area_unknown",
    forbidden: "annual_report_area_forbidden",
    what: "年度报告",
};

/// How many demands a clause was applied to.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ClauseCount {
    pub clause: String,
    pub n: i64,
}

/// The year's demand decisions (4.2-4, 4.2-5): totals, by month, and the clauses applied.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct DemandFigures {
    /// Admitted or registered in the year (those revoked since included).
    pub admitted: i64,
    pub rejected: i64,
    /// Revoked in the year.
    pub revoked: i64,
    pub months: Vec<MonthRow>,
    pub admitted_clauses: Vec<ClauseCount>,
    pub rejected_clauses: Vec<ClauseCount>,
    pub revoked_clauses: Vec<ClauseCount>,
}

/// One community's burden hours per year at the end of the year before and of this year (or
/// today, for the current year).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct CommunityBurden {
    pub node_id: i64,
    pub name: String,
    /// Its street or town.
    pub parent: String,
    pub hours_before: f64,
    pub hours_now: f64,
}

impl CommunityBurden {
    /// The change in hours (negative: relieved).
    pub fn change(&self) -> f64 {
        self.hours_now - self.hours_before
    }
}

/// A certificate type discontinued in the year (4.5-12).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct DiscontinuedType {
    pub code: String,
    pub name: String,
    pub discontinued_on: String,
    pub catalogue: String,
}

/// What the monitoring points reported for the year's months (4.1-8).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct MonitoringFigures {
    /// Points that had a month of the year answered or recorded missed.
    pub points: i64,
    pub answered: i64,
    pub missed: i64,
    /// The cases their months opened, per kind.
    pub findings: Vec<Bar>,
}

/// The annual report of one level and year.
#[derive(Clone, Debug, Serialize)]
pub struct AnnualReport {
    pub year: i32,
    /// The city or the district reported on.
    pub scope: NodeView,
    /// The day the report is made (`YYYY-MM-DD`).
    pub as_of: String,
    /// The areas the viewer may pick: their own level first, then the districts.
    pub areas: Vec<Choice>,
    /// The years one may pick, latest first.
    pub years: Vec<i32>,
    pub demands: DemandFigures,
    /// The days the burden is read on: the last of the year before, and the last of this year
    /// (today, for the current year).
    pub burden_before_on: String,
    pub burden_now_on: String,
    pub hours_before: f64,
    pub hours_now: f64,
    /// Every community with a burden on either day, most burdened now first.
    pub burden: Vec<CommunityBurden>,
    /// Plaques removed in the year, per area (the city's districts, a district's streets).
    pub plaques_removed: AreaChart,
    pub discontinued: Vec<DiscontinuedType>,
    /// Certificate applications received in the year, per area and time-limit bucket.
    pub certificates: AreaChart,
    /// Cases opened in the year, by state (every state) and by source (every source).
    pub cases_by_status: Vec<Bar>,
    pub cases_by_source: Vec<Bar>,
    /// Notices issued in the year, on time or overdue.
    pub rectification: Vec<Bar>,
    pub monitoring: MonitoringFigures,
}

impl AnnualReport {
    pub fn cases_total(&self) -> i64 {
        self.cases_by_status.iter().map(|b| b.n).sum()
    }
    pub fn plaques_removed_total(&self) -> i64 {
        self.plaques_removed.totals.iter().map(|b| b.n).sum()
    }
    /// The file name of the PDF or workbook (`ext` without the dot).
    pub fn file_name(&self, ext: &str) -> String {
        format!("{}-{}年度减负工作报告.{ext}", self.scope.name, self.year)
    }
}

/// The clauses of stored decisions (JSON, each shared by `n` demands) counted per clause, most
/// applied first (then by clause).
pub fn clause_counts(decisions: &[(String, i64)]) -> Vec<ClauseCount> {
    let mut out: Vec<ClauseCount> = Vec::new();
    for (text, n) in decisions {
        let Ok(d) = serde_json::from_str::<DecisionView>(text) else {
            continue;
        };
        let mut seen: Vec<&str> = Vec::new();
        for c in &d.clauses {
            if seen.contains(&c.as_str()) {
                continue;
            }
            seen.push(c);
            match out.iter_mut().find(|x| x.clause == *c) {
                Some(x) => x.n += n,
                None => out.push(ClauseCount {
                    clause: c.clone(),
                    n: *n,
                }),
            }
        }
    }
    out.sort_by(|a, b| b.n.cmp(&a.n).then_with(|| a.clause.cmp(&b.clause)));
    out
}

/// The year of `text` (empty: `this_year`), refused when it is not a number, lies in the future
/// or before `first_year` (the first with data).
pub fn parse_year(text: Option<&str>, this_year: i32, first_year: i32) -> Result<i32> {
    let text = text.map(str::trim).unwrap_or("");
    if text.is_empty() {
        return Ok(this_year);
    }
    let year: i32 = match text.parse() {
        Ok(y) if text.len() == 4 => y,
        _ => {
            return Err(DomainError::field(
                "year",
                "annual_report_year_invalid",
                "年度应为四位数字的年份，如 2026",
            ));
        }
    };
    if year > this_year {
        return Err(DomainError::field(
            "year",
            "annual_report_year_future",
            format!("{year} 年尚未到来，只能生成 {this_year} 年及以前的年度报告"),
        ));
    }
    if year < first_year {
        return Err(DomainError::field(
            "year",
            "annual_report_year_no_data",
            format!("{year} 年早于平台最早的数据（{first_year} 年），没有可报告的内容"),
        ));
    }
    Ok(year)
}

fn day(y: i32, m: u32, d: u32) -> Result<NaiveDate> {
    NaiveDate::from_ymd_opt(y, m, d).ok_or_else(DomainError::internal)
}

fn hours(minutes: i64) -> f64 {
    minutes as f64 / 60.0
}

/// The hours of all `minutes`, from +0.0: `f64`'s `sum` of nothing is -0.0, which the page, the
/// PDF and the workbook would print as "-0.0".
fn total_hours(minutes: impl Iterator<Item = i64>) -> f64 {
    minutes.fold(0.0, |total, m| total + hours(m))
}

impl App {
    /// The annual report of `year` (text as a query brings it; empty: this year) for `area` (a
    /// node's id as text; empty: the viewer's own level), for the staff who see the overview.
    pub async fn annual_report(
        &self,
        ctx: &Ctx,
        year: Option<&str>,
        area: Option<&str>,
    ) -> Result<AnnualReport> {
        let Levels {
            visible,
            own,
            districts,
        } = self.overview_levels(ctx).await?;
        let today = self.today();
        let this_year = today.year();
        let first_year = repo::first_demand_at(&self.store)
            .await?
            .and_then(cst_date)
            .map_or(this_year, |d| d.year().min(this_year));
        let mut problems = crate::Problems::new();
        let year = problems.take(parse_year(year, this_year, first_year));
        let scope = match area.map(str::trim).filter(|s| !s.is_empty()) {
            None => Some(own.clone()),
            Some(text) if text == own.id.to_string() => Some(own.clone()),
            Some(text) => problems.take(self.overview_district(ctx, &visible, text, &AREA).await),
        };
        problems.finish()?;
        let (Some(year), Some(scope)) = (year, scope) else {
            return Err(DomainError::internal());
        };
        let areas: Vec<Choice> = std::iter::once(Choice {
            id: own.id,
            name: own.name.clone(),
        })
        .chain(districts)
        .collect();
        let path = scope.path.clone();
        let from_day = format!("{year:04}-01-01");
        let to_day = format!("{year:04}-12-31");
        let next_year = format!("{:04}-01-01", year + 1);
        let span = Span {
            from_ms: day_start_ms(&from_day, "year")?,
            to_ms: day_start_ms(&next_year, "year")?,
            from_day: &from_day,
            to_day: &to_day,
        };
        let as_of = today.to_string();

        // 1. Demands: by month (the overview's windows), and the clauses applied.
        let mut bounds = Vec::with_capacity(13);
        for m in 1..=12 {
            bounds.push(day_start_ms(&day(year, m, 1)?.to_string(), "year")?);
        }
        bounds.push(span.to_ms);
        let admitted_states = [
            DemandStatus::Admitted.as_str(),
            DemandStatus::Revoked.as_str(),
        ];
        let rejected_states = [DemandStatus::Rejected.as_str()];
        let revoked_states = [DemandStatus::Revoked.as_str()];
        let store = &self.store;
        let a = overview_repo::demands_per_window(
            store,
            DemandEvent::Reviewed,
            &admitted_states,
            &bounds,
            &path,
        )
        .await?;
        let j = overview_repo::demands_per_window(
            store,
            DemandEvent::Reviewed,
            &rejected_states,
            &bounds,
            &path,
        )
        .await?;
        let v = overview_repo::demands_per_window(
            store,
            DemandEvent::Revoked,
            &revoked_states,
            &bounds,
            &path,
        )
        .await?;
        let months: Vec<MonthRow> = (0..12)
            .map(|i| MonthRow {
                month: format!("{year:04}-{:02}", i + 1),
                admitted: a.get(i).copied().unwrap_or(0),
                rejected: j.get(i).copied().unwrap_or(0),
                revoked: v.get(i).copied().unwrap_or(0),
            })
            .collect();
        let pairs = |counts: Vec<overview_repo::Count>| -> Vec<(String, i64)> {
            counts.into_iter().map(|c| (c.key, c.n)).collect()
        };
        let admitted_clauses = clause_counts(&pairs(
            repo::decisions(store, &admitted_states, span, &path).await?,
        ));
        let rejected_clauses = clause_counts(&pairs(
            repo::decisions(store, &rejected_states, span, &path).await?,
        ));
        let revoked: i64 = v.iter().sum();
        let revoked_clauses = if revoked > 0 {
            vec![ClauseCount {
                clause: jianfu_rules::work_item::revocation_reason()
                    .clause
                    .as_str()
                    .to_owned(),
                n: revoked,
            }]
        } else {
            Vec::new()
        };
        let demands = DemandFigures {
            admitted: a.iter().sum(),
            rejected: j.iter().sum(),
            revoked,
            months,
            admitted_clauses,
            rejected_clauses,
            revoked_clauses,
        };

        // 2. Burden per community: the last day of the year before against the last of this
        // year (today for the current one), the ledger's sums on each day.
        let before_on = day(year - 1, 12, 31)?;
        let now_on = day(year, 12, 31)?.min(today);
        let states = (
            DemandStatus::Admitted.as_str(),
            DemandStatus::Revoked.as_str(),
        );
        let mut read = Vec::with_capacity(2);
        for on in [before_on, now_on] {
            let end = day_start_ms(&(on + chrono::Days::new(1)).to_string(), "year")?;
            read.push(demand_repo::burden_on(store, states, &on.to_string(), end, &path).await?);
        }
        let now = read.pop().unwrap_or_default();
        let before = read.pop().unwrap_or_default();
        let mut burden: Vec<CommunityBurden> = Vec::new();
        for (rows, is_now) in [(&before, false), (&now, true)] {
            for r in rows {
                let at = match burden.iter().position(|b| b.node_id == r.node_id) {
                    Some(i) => i,
                    None => {
                        burden.push(CommunityBurden {
                            node_id: r.node_id,
                            name: String::new(),
                            parent: String::new(),
                            hours_before: 0.0,
                            hours_now: 0.0,
                        });
                        burden.len() - 1
                    }
                };
                if is_now {
                    burden[at].hours_now = hours(r.minutes_per_year);
                } else {
                    burden[at].hours_before = hours(r.minutes_per_year);
                }
            }
        }
        let ids: Vec<i64> = burden.iter().map(|b| b.node_id).collect();
        let names: HashMap<i64, (String, String)> = overview_repo::names(&self.store, &ids)
            .await?
            .into_iter()
            .map(|(id, name, parent)| (id, (name, parent)))
            .collect();
        for b in &mut burden {
            if let Some((name, parent)) = names.get(&b.node_id) {
                b.name = name.clone();
                b.parent = parent.clone();
            }
        }
        burden.sort_by(|a, b| {
            b.hours_now
                .total_cmp(&a.hours_now)
                .then(b.hours_before.total_cmp(&a.hours_before))
                .then(a.node_id.cmp(&b.node_id))
        });
        let hours_before = total_hours(before.iter().map(|r| r.minutes_per_year));
        let hours_now = total_hours(now.iter().map(|r| r.minutes_per_year));

        // 3. Plaques removed, certificate types discontinued, applications on time.
        let removed =
            repo::plaques_removed(&self.store, scope.id, PlaqueStatus::Removed.as_str(), span)
                .await?;
        let plaques_removed = AreaChart::from_counts(&[("removed", "已清理")], &removed);
        let discontinued = repo::discontinued_types(&self.store, &path, span)
            .await?
            .into_iter()
            .map(|d| DiscontinuedType {
                code: d.code,
                name: d.name,
                discontinued_on: d.discontinued_on,
                catalogue: d.catalogue,
            })
            .collect();
        let counts = overview_repo::certificate_timeliness(
            &self.store,
            scope.id,
            ApplicationStates {
                issued: ApplicationStatus::Issued.as_str(),
                submitted: ApplicationStatus::Submitted.as_str(),
            },
            &as_of,
            Some(span),
        )
        .await?;
        let certificates = AreaChart::from_counts(&CERTIFICATE_BUCKETS, &counts);

        // 4. Cases opened in the year and the notices issued in it.
        let by = |by, limit| overview_repo::cases_by(&self.store, by, &path, limit, Some(span));
        let by_status = by(CasesBy::Status, CaseStatus::ALL.len() as u64).await?;
        let by_source = by(CasesBy::Source, CaseSource::ALL.len() as u64).await?;
        let count_of = |counts: &[overview_repo::Count], key: &str| {
            counts.iter().find(|c| c.key == key).map_or(0, |c| c.n)
        };
        let cases_by_status = CaseStatus::ALL
            .iter()
            .map(|s| Bar {
                key: s.as_str().to_string(),
                label: s.label_zh().to_string(),
                n: count_of(&by_status, s.as_str()),
            })
            .collect();
        let cases_by_source = CaseSource::ALL
            .iter()
            .map(|s| Bar {
                key: s.as_str().to_string(),
                label: s.label_zh().to_string(),
                n: count_of(&by_source, s.as_str()),
            })
            .collect();
        let rectification = rectification_bars(
            &overview_repo::notice_timings(&self.store, &path, Some(span)).await?,
            today,
        );

        // 5. The monitoring points' months of the year.
        let months_of_year = (format!("{year:04}-01"), format!("{year:04}-12"));
        let window = (months_of_year.0.as_str(), months_of_year.1.as_str());
        let (states_count, points) = repo::monitoring_months(&self.store, &path, window).await?;
        let findings = repo::monitoring_findings(&self.store, &path, window)
            .await?
            .into_iter()
            .map(|c| Bar {
                label: case_kind_zh(&c.key).unwrap_or("其他").to_string(),
                key: c.key,
                n: c.n,
            })
            .collect();
        let monitoring = MonitoringFigures {
            points,
            answered: count_of(&states_count, AnswerStatus::Answered.as_str()),
            missed: count_of(&states_count, AnswerStatus::Missed.as_str()),
            findings,
        };

        Ok(AnnualReport {
            year,
            scope,
            as_of,
            areas,
            years: (first_year..=this_year).rev().collect(),
            demands,
            burden_before_on: before_on.to_string(),
            burden_now_on: now_on.to_string(),
            hours_before,
            hours_now,
            burden,
            plaques_removed,
            discontinued,
            certificates,
            cases_by_status,
            cases_by_source,
            rectification,
            monitoring,
        })
    }

    /// The annual report as a PDF (file name, bytes), its download recorded in the audit log.
    pub async fn annual_report_pdf(
        &self,
        ctx: &Ctx,
        year: Option<&str>,
        area: Option<&str>,
    ) -> Result<(String, Vec<u8>)> {
        let r = self.annual_report(ctx, year, area).await?;
        self.record_annual_download(ctx, &r, "pdf").await?;
        let name = r.file_name("pdf");
        let doc = report_document(&r);
        let pdf = tokio::task::spawn_blocking(move || jianfu_seal::report::render_report(&doc))
            .await
            .map_err(|_| DomainError::internal())?
            .map_err(|e| {
                DomainError::conflict(
                    "annual_report_unprintable",
                    format!("无法生成年度报告 PDF：{}", e.message()),
                )
            })?;
        Ok((name, pdf))
    }

    /// Records the download of `r` as `format` (`pdf`, `xlsx`) in the audit log.
    pub async fn record_annual_download(
        &self,
        ctx: &Ctx,
        r: &AnnualReport,
        format: &str,
    ) -> Result<()> {
        self.record_export(
            ctx,
            "annual_report.export",
            ("node", Some(r.scope.id)),
            r.burden.len(),
            serde_json::json!({
                "year": r.year,
                "area": r.scope.name,
                "format": format,
                "clauses": CLAUSES_REPORT,
            }),
        )
        .await
    }
}

fn bars_table(head: &str, bars: &[Bar]) -> Block {
    Block::Table {
        headers: vec![head.to_string(), "数量".to_string()],
        rows: bars
            .iter()
            .map(|b| vec![b.label.clone(), b.n.to_string()])
            .collect(),
    }
}

fn bars_chart(title: &str, unit: &str, bars: &[Bar]) -> Block {
    Block::Bars(Chart {
        title: title.to_string(),
        unit: unit.to_string(),
        categories: bars.iter().map(|b| b.label.clone()).collect(),
        series: vec![Series {
            name: "数量".to_string(),
            values: bars.iter().map(|b| b.n as f64).collect(),
        }],
    })
}

fn clauses_table(what: &str, clauses: &[ClauseCount]) -> Block {
    Block::Table {
        headers: vec![format!("{what}所依据条款"), "事项数".to_string()],
        rows: clauses
            .iter()
            .map(|c| vec![format!("第 {} 条", c.clause), c.n.to_string()])
            .collect(),
    }
}

fn area_table(area: &str, buckets: &[(&str, &str)], c: &AreaChart) -> Block {
    let mut headers = vec![area.to_string()];
    headers.extend(buckets.iter().map(|(_, l)| (*l).to_string()));
    let mut rows: Vec<Vec<String>> = c
        .rows
        .iter()
        .map(|r| {
            std::iter::once(r.area.clone())
                .chain(r.counts.iter().map(i64::to_string))
                .collect()
        })
        .collect();
    rows.push(
        std::iter::once("合计".to_string())
            .chain(c.totals.iter().map(|b| b.n.to_string()))
            .collect(),
    );
    Block::Table { headers, rows }
}

/// The report as the PDF lays it out: each section's figures in words, a chart, and the table
/// of the same figures.
pub fn report_document(r: &AnnualReport) -> Report {
    let d = &r.demands;
    let area_word = if r.scope.kind == crate::division::NodeKind::City {
        "区(县、市)"
    } else {
        "街道(乡镇)"
    };
    let mut b = vec![
        Block::Paragraph(format!(
            "本报告依据《关于进一步开展街道(乡镇)社区(村)减负工作的实施意见》第 {} 条，汇总{}{} 年度街道(乡镇)社区(村)减负工作情况，供市委组织部、市民政局、市农业农村局会同有关部门指导和检查时使用。年度内发生的事项按发生时间计入，其状态为报告生成日（{}）的状态。",
            CLAUSES_REPORT.join("、"),
            r.scope.name,
            r.year,
            r.as_of
        )),
        Block::Heading("一、工作事项准入（第 4.2-4、4.2-5 条）".into()),
        Block::Paragraph(format!(
            "全年准入（含备案）工作事项 {} 件，不予准入 {} 件，撤销 {} 件。",
            d.admitted, d.rejected, d.revoked
        )),
        Block::Lines(Chart {
            title: "按月准入、不予准入、撤销的事项".into(),
            unit: "件".into(),
            categories: d
                .months
                .iter()
                .map(|m| m.month.get(5..).unwrap_or(&m.month).to_string() + "月")
                .collect(),
            series: vec![
                Series {
                    name: "准入".into(),
                    values: d.months.iter().map(|m| m.admitted as f64).collect(),
                },
                Series {
                    name: "不予准入".into(),
                    values: d.months.iter().map(|m| m.rejected as f64).collect(),
                },
                Series {
                    name: "撤销".into(),
                    values: d.months.iter().map(|m| m.revoked as f64).collect(),
                },
            ],
        }),
        Block::Table {
            headers: vec![
                "月份".into(),
                "准入".into(),
                "不予准入".into(),
                "撤销".into(),
            ],
            rows: d
                .months
                .iter()
                .map(|m| {
                    vec![
                        m.month.clone(),
                        m.admitted.to_string(),
                        m.rejected.to_string(),
                        m.revoked.to_string(),
                    ]
                })
                .collect(),
        },
        clauses_table("准入", &d.admitted_clauses),
        clauses_table("不予准入", &d.rejected_clauses),
        clauses_table("撤销", &d.revoked_clauses),
        Block::Heading("二、社区(村)负担同比（第 4.2-1、4.2-4 条）".into()),
        Block::Paragraph(format!(
            "按准入事项的标准成本测算，{} 的年负担合计 {} 小时，{} 为 {} 小时，同比{} {} 小时。",
            r.burden_before_on,
            number_text(r.hours_before),
            r.burden_now_on,
            number_text(r.hours_now),
            if r.hours_now <= r.hours_before {
                "减少"
            } else {
                "增加"
            },
            number_text((r.hours_now - r.hours_before).abs()),
        )),
    ];
    let top: Vec<&CommunityBurden> = r.burden.iter().take(TOP_IN_PDF).collect();
    b.push(Block::Bars(Chart {
        title: format!("年负担最重的社区(村)（前 {TOP_IN_PDF}）"),
        unit: "小时/年".into(),
        categories: top.iter().map(|c| c.name.clone()).collect(),
        series: vec![
            Series {
                name: format!("{} 年", r.year - 1),
                values: top.iter().map(|c| c.hours_before).collect(),
            },
            Series {
                name: format!("{} 年", r.year),
                values: top.iter().map(|c| c.hours_now).collect(),
            },
        ],
    }));
    b.push(Block::Table {
        headers: vec![
            "社区(村)".into(),
            "街道(乡镇)".into(),
            format!("{} 年(小时)", r.year - 1),
            format!("{} 年(小时)", r.year),
            "增减(小时)".into(),
        ],
        rows: top
            .iter()
            .map(|c| {
                vec![
                    c.name.clone(),
                    c.parent.clone(),
                    number_text(c.hours_before),
                    number_text(c.hours_now),
                    number_text(c.change()),
                ]
            })
            .collect(),
    });
    b.push(Block::Heading(
        "三、挂牌清理与证明事项（第 4.4-2、4.5-6、4.5-9、4.5-12 条）".into(),
    ));
    b.push(Block::Paragraph(format!(
        "全年清理牌子 {} 块；取消（不再保留）证明事项 {} 项；受理有时限要求的证明申请 {} 件，其中按时限出具 {} 件。",
        r.plaques_removed_total(),
        r.discontinued.len(),
        r.certificates.totals.iter().map(|b| b.n).sum::<i64>(),
        r.certificates.totals.first().map_or(0, |b| b.n),
    )));
    b.push(bars_chart(
        &format!("各{area_word}清理牌子"),
        "块",
        &r.plaques_removed
            .rows
            .iter()
            .map(|a| Bar {
                key: a.area_id.to_string(),
                label: a.area.clone(),
                n: a.counts.first().copied().unwrap_or(0),
            })
            .collect::<Vec<_>>(),
    ));
    b.push(area_table(
        area_word,
        &[("removed", "已清理")],
        &r.plaques_removed,
    ));
    b.push(Block::Table {
        headers: vec![
            "证明事项编码".into(),
            "名称".into(),
            "取消日期".into(),
            "目录".into(),
        ],
        rows: r
            .discontinued
            .iter()
            .map(|t| {
                vec![
                    t.code.clone(),
                    t.name.clone(),
                    t.discontinued_on.clone(),
                    t.catalogue.clone(),
                ]
            })
            .collect(),
    });
    b.push(bars_chart(
        "证明申请按时限出具情况",
        "件",
        &r.certificates.totals,
    ));
    b.push(area_table(area_word, &CERTIFICATE_BUCKETS, &r.certificates));
    b.push(Block::Heading(
        "四、问题线索与整改（第 5.3-1、5.3-2、5.3-3 条）".into(),
    ));
    b.push(Block::Paragraph(format!(
        "全年受理问题线索 {} 件；下发整改通知书 {} 份，其中按期整改 {} 份，逾期未整改 {} 份。",
        r.cases_total(),
        r.rectification.iter().map(|b| b.n).sum::<i64>(),
        r.rectification.first().map_or(0, |b| b.n),
        r.rectification
            .iter()
            .find(|b| b.key == RECTIFICATION_BUCKETS[3].0)
            .map_or(0, |b| b.n),
    )));
    b.push(bars_chart("问题线索按状态", "件", &r.cases_by_status));
    b.push(bars_table("状态", &r.cases_by_status));
    b.push(bars_table("来源", &r.cases_by_source));
    b.push(bars_chart("整改按期与逾期", "份", &r.rectification));
    b.push(bars_table("整改情况", &r.rectification));
    b.push(Block::Heading("五、减负监测点（第 4.1-8 条）".into()));
    let m = &r.monitoring;
    b.push(Block::Paragraph(format!(
        "{} 个监测点全年按月报送 {} 次，逾期未报 {} 次，发现问题 {} 件。",
        m.points,
        m.answered,
        m.missed,
        m.findings.iter().map(|f| f.n).sum::<i64>()
    )));
    b.push(bars_table("监测发现", &m.findings));
    Report {
        title: format!("{} {} 年度减负工作报告", r.scope.name, r.year),
        subtitle: format!(
            "依据第 {} 条 · 生成于 {}",
            CLAUSES_REPORT.join("、"),
            r.as_of
        ),
        made_on: r.as_of.clone(),
        blocks: b,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// No community with a burden prints 0.0, not -0.0; minutes add up to hours.
    #[test]
    fn hours_of_nothing_are_positive_zero() {
        let none = total_hours(std::iter::empty());
        assert_eq!(format!("{none:.1}"), "0.0");
        assert!(none.is_sign_positive());
        assert_eq!(total_hours([30, 60, 90].into_iter()), 3.0);
    }

    #[test]
    fn a_year_is_four_digits_not_in_the_future_nor_before_the_data() {
        assert_eq!(parse_year(None, 2026, 2025).unwrap(), 2026);
        assert_eq!(parse_year(Some(" "), 2026, 2025).unwrap(), 2026);
        assert_eq!(parse_year(Some("2025"), 2026, 2025).unwrap(), 2025);
        assert_eq!(parse_year(Some("2026"), 2026, 2025).unwrap(), 2026);
        let code = |t: &str| parse_year(Some(t), 2026, 2025).unwrap_err().code;
        assert_eq!(code("2027"), "annual_report_year_future");
        assert_eq!(code("2024"), "annual_report_year_no_data");
        assert_eq!(code("二〇二六"), "annual_report_year_invalid");
        assert_eq!(code("26"), "annual_report_year_invalid");
        assert_eq!(code("+2026"), "annual_report_year_invalid");
        assert_eq!(code("2026.0"), "annual_report_year_invalid");
        let e = parse_year(Some("2027"), 2026, 2025).unwrap_err();
        assert_eq!(e.field, Some("year"));
        assert!(e.message.contains("2027 年尚未到来"), "{}", e.message);
    }

    #[test]
    fn clauses_are_counted_once_per_demand_and_sorted() {
        let d = |clauses: &[&str]| {
            serde_json::to_string(&DecisionView {
                outcome: "reject".into(),
                clauses: clauses.iter().map(|c| (*c).to_string()).collect(),
                reasons: vec![],
                registration: None,
            })
            .unwrap()
        };
        let counts = clause_counts(&[
            (d(&["4.2-6", "4.2-3"]), 2),
            (d(&["4.2-6", "4.2-6"]), 1),
            (String::new(), 5),
            ("not json".into(), 3),
        ]);
        assert_eq!(
            counts,
            vec![
                ClauseCount {
                    clause: "4.2-6".into(),
                    n: 3
                },
                ClauseCount {
                    clause: "4.2-3".into(),
                    n: 2
                },
            ]
        );
    }
}
