//! Reports of the same violation grouped into one case, and a closed case reopened when the
//! violation recurs (issue 14 §1; 5.3-2, 5.3-3). A community's report of an unadmitted demand
//! first looks for a case of the same violation at its community
//! ([`jianfu_rules::grouping::same_violation`]): a case being dealt with lists it as one more
//! report; a closed one is reopened (back to 待核实, its history kept) for its supervisors to
//! verify again; otherwise the report opens a case of its own. The reporter follows each of its
//! reports, and the case it went to, in its own list ([`App::my_reports`]).

use jianfu_rules::grouping::{CaseFacts, Grouping, ReportFacts, same_violation, title_similarity};
use jianfu_store::WriteTx;
use jianfu_store::repo::case_reports::{self, NewReport};
use serde::Serialize;

use crate::authz::Action;
use crate::demand::CaseStatus;
use crate::error::{DomainError, Result};
use crate::page::{Page, PageRequest};
use crate::{App, Ctx, clock};

/// How many days after a case's last report another report still joins it (the product's
/// decision; the policy names none).
pub const GROUPING_WINDOW_DAYS: i32 = 90;

/// How far back the candidates' reports are read (the window and the rules' recurrence year).
const LOOKBACK_DAYS: i64 = 365 + 90 + 1;

const DAY_MS: i64 = 86_400_000;

/// How a report met its case (stored as `as_str` in `case_report.grouping`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ReportGrouping {
    /// It opened the case.
    First,
    /// It was grouped into a case being dealt with (5.3-2).
    Join,
    /// It reopened the closed case (5.3-3).
    Reopen,
}

impl ReportGrouping {
    pub const ALL: [Self; 3] = [Self::First, Self::Join, Self::Reopen];
    pub fn as_str(self) -> &'static str {
        match self {
            Self::First => "first",
            Self::Join => "join",
            Self::Reopen => "reopen",
        }
    }
    pub fn label_zh(self) -> &'static str {
        match self {
            Self::First => "立为新的问题线索",
            Self::Join => "同一问题，已并入该线索",
            Self::Reopen => "问题复发，已重新打开该线索",
        }
    }
    pub fn stored(s: &str) -> Self {
        Self::ALL
            .into_iter()
            .find(|g| g.as_str() == s)
            .unwrap_or(Self::First)
    }
}

// A report as its case lists it.
/// One report a case lists.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
#[schema(as = CaseReportOut)]
pub struct CaseReportView {
    pub id: i64,
    pub community_name: String,
    // Who reported it; empty for the unit the case is about (it never sees who reported).
    /// Who reported it; empty for the unit the case is about.
    pub reporter: String,
    pub demanding_unit: String,
    pub description: String,
    pub claimed_number: Option<String>,
    /// `first` (opened the case), `join` (grouped into it, 5.3-2) or `reopen` (reopened it,
    /// 5.3-3).
    #[schema(value_type = String)]
    pub grouping: ReportGrouping,
    #[schema(value_type = String)]
    pub grouping_zh: &'static str,
    pub created_at: i64,
}

/// One of the caller's own reports with its case's status now.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
#[schema(as = MyReportOut)]
pub struct MyReportView {
    pub id: i64,
    /// The case it is listed on (see `/api/v1/cases/{id}` for its supervisors).
    pub case_id: i64,
    pub community_name: String,
    pub demanding_unit: String,
    pub description: String,
    /// `first`, `join` or `reopen`.
    #[schema(value_type = String)]
    pub grouping: ReportGrouping,
    #[schema(value_type = String)]
    pub grouping_zh: &'static str,
    // The case's state (its public status: no opinions, no names).
    /// The case's state now (`open`, `verified`, `dismissed`, `rectifying`, `rectified`,
    /// `accepted`, `closed`).
    #[schema(value_type = String)]
    pub case_status: CaseStatus,
    #[schema(value_type = String)]
    pub case_status_zh: &'static str,
    // How many reports the case lists (this one included).
    /// How many reports the case lists.
    pub reports_on_case: u64,
    pub created_at: i64,
}

/// What the grouping decided for a new report.
pub(crate) struct Grouped {
    pub case_id: i64,
}

/// The new report, as the grouping reads it.
pub(crate) struct NewCaseReport<'a> {
    pub community: i64,
    pub community_name: &'a str,
    pub demanding_unit: &'a str,
    pub description: &'a str,
    pub claimed_number: Option<&'a str>,
    pub now: i64,
}

impl App {
    /// Inside the report's transaction: the case of the same violation the report belongs to,
    /// joined or reopened (audited `case.group` or `case.reopen` with the match and its
    /// clause), or `None` when it opens a case of its own.
    pub(crate) async fn group_report(
        &self,
        tx: &mut WriteTx,
        ctx: &Ctx,
        r: &NewCaseReport<'_>,
    ) -> Result<Option<Grouped>> {
        let on = clock::rules_date(clock::cst_date(r.now).ok_or_else(DomainError::internal)?)?;
        let candidates = case_reports::candidates(
            tx.conn(),
            crate::demand::UNADMITTED_KIND,
            CaseStatus::Dismissed.as_str(),
            r.community,
            r.now - LOOKBACK_DAYS * DAY_MS,
        )
        .await?;
        let day = |ms: i64| -> Result<jianfu_rules::Date> {
            clock::rules_date(clock::cst_date(ms).ok_or_else(DomainError::internal)?)
        };
        for c in candidates {
            let status = CaseStatus::stored(&c.case.status);
            let communities: Vec<i64> = c.reports.iter().map(|x| x.community_node_id).collect();
            let first = c
                .reports
                .first()
                .map_or(c.case.created_at, |x| x.created_at);
            let last = c.reports.last().map_or(c.case.created_at, |x| x.created_at);
            let facts = CaseFacts {
                unit: &c.case.demanding_unit,
                title: &c.case.description,
                communities: &communities,
                first: day(first)?,
                last: day(last)?,
                window_days: GROUPING_WINDOW_DAYS,
                closed_on: if status == CaseStatus::Closed {
                    Some(day(c.case.updated_at)?)
                } else {
                    None
                },
            };
            let report = ReportFacts {
                unit: r.demanding_unit,
                title: r.description,
                communities: &[r.community],
                on,
            };
            let Ok(grouping) = same_violation(&report, &facts) else {
                continue;
            };
            let (kind, action) = match grouping {
                Grouping::Join => (ReportGrouping::Join, "case.group"),
                Grouping::Reopen => (ReportGrouping::Reopen, "case.reopen"),
            };
            let moved = match grouping {
                Grouping::Join => {
                    case_reports::touch(tx.conn(), c.case.id, status.as_str(), r.now).await?
                }
                Grouping::Reopen => {
                    case_reports::reopen(
                        tx.conn(),
                        c.case.id,
                        CaseStatus::Closed.as_str(),
                        CaseStatus::Open.as_str(),
                        r.now,
                    )
                    .await?
                }
            };
            if !moved {
                return Err(DomainError::conflict(
                    "case_changed",
                    "同一问题的线索正在被他人处理，请稍后重新提交",
                ));
            }
            let report_id = case_reports::insert(
                tx.conn(),
                &NewReport {
                    case_id: c.case.id,
                    community: r.community,
                    reported_by: Some(ctx.principal.account_id),
                    demanding_unit: r.demanding_unit,
                    description: r.description,
                    claimed_number: r.claimed_number,
                    grouping: kind.as_str(),
                    now: r.now,
                },
            )
            .await?;
            let similarity = title_similarity(r.description, &c.case.description);
            let mut details = serde_json::json!({
                "report": report_id,
                "community": r.community_name,
                "demanding_unit": r.demanding_unit,
                "matched": c.case.description,
                "similarity": similarity,
                "clause": grouping.clause().as_str(),
            });
            if grouping == Grouping::Reopen {
                details["status"] = CaseStatus::Open.as_str().into();
            }
            tx.audit(ctx.entry(
                action,
                "supervision_case",
                Some(c.case.id.to_string()),
                details,
            ))
            .await?;
            return Ok(Some(Grouped { case_id: c.case.id }));
        }
        Ok(None)
    }

    /// Lists the report a new case was opened with, inside its transaction.
    pub(crate) async fn list_first_report(
        &self,
        tx: &mut WriteTx,
        ctx: &Ctx,
        case_id: i64,
        r: &NewCaseReport<'_>,
    ) -> Result<()> {
        case_reports::insert(
            tx.conn(),
            &NewReport {
                case_id,
                community: r.community,
                reported_by: Some(ctx.principal.account_id),
                demanding_unit: r.demanding_unit,
                description: r.description,
                claimed_number: r.claimed_number,
                grouping: ReportGrouping::First.as_str(),
                now: r.now,
            },
        )
        .await?;
        Ok(())
    }

    /// Every report a case lists, oldest first, for a reader of the case (the view
    /// [`App::case_detail`] returned): the unit the case is about reads them without who
    /// reported.
    pub async fn case_reports(&self, c: &crate::demand::CaseView) -> Result<Vec<CaseReportView>> {
        let rows = case_reports::of_case(self.store.db(), c.id).await?;
        let mut out = Vec::with_capacity(rows.len());
        for r in rows {
            let reporter = match (c.reporter_hidden, r.reported_by) {
                (true, _) | (false, None) => String::new(),
                (false, Some(a)) => jianfu_store::repo::accounts::by_id(self.store.db(), a)
                    .await?
                    .map(|a| a.display_name)
                    .unwrap_or_default(),
            };
            let grouping = ReportGrouping::stored(&r.grouping);
            out.push(CaseReportView {
                id: r.id,
                community_name: self.find_node(r.community_node_id).await?.name,
                reporter,
                demanding_unit: r.demanding_unit,
                description: r.description,
                claimed_number: r.claimed_number,
                grouping,
                grouping_zh: grouping.label_zh(),
                created_at: r.created_at,
            });
        }
        Ok(out)
    }

    /// The caller's own reports of unadmitted demands, newest first, each with its case's
    /// status now: the worker follows what became of what it reported (issue 14 §1).
    pub async fn my_reports(&self, ctx: &Ctx, page: PageRequest) -> Result<Page<MyReportView>> {
        self.visible_or_deny(
            ctx,
            Action::ReportUnadmitted,
            "只有社区(村)工作人员能查看本人的举报",
        )
        .await?;
        let (rows, total) = case_reports::of_reporter(
            self.store.db(),
            ctx.principal.account_id,
            page.offset(),
            page.per_page,
        )
        .await?;
        let mut items = Vec::with_capacity(rows.len());
        for (r, case) in rows {
            let case = case.ok_or_else(DomainError::internal)?;
            let status = CaseStatus::stored(&case.status);
            let grouping = ReportGrouping::stored(&r.grouping);
            items.push(MyReportView {
                id: r.id,
                case_id: r.case_id,
                community_name: self.find_node(r.community_node_id).await?.name,
                demanding_unit: r.demanding_unit,
                description: r.description,
                grouping,
                grouping_zh: grouping.label_zh(),
                case_status: status,
                case_status_zh: status.label_zh(),
                reports_on_case: case_reports::count_of(self.store.db(), r.case_id).await?,
                created_at: r.created_at,
            });
        }
        Ok(page.page(items, total))
    }
}
