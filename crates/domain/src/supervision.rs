//! The supervision case workflow (监督检查, 5.3; issue 14), first slice: a supervisor opens a
//! case of their jurisdiction, sees its history, and verifies it (the facts hold: 已核实) or
//! dismisses it with a reason (不予立案). The rectification loop that follows is in
//! `rectification.rs`, the escalation of overdue ones in `escalation.rs`; reopening is next.

use jianfu_store::repo::cases as repo;

use crate::authz::{self, Action, Principal, Scope};
use crate::demand::{CaseStatus, CaseView};
use crate::error::{DomainError, Result};
use crate::timeline::{Annotation, TimelineEntry};
use crate::{App, Ctx, text};

/// What a supervisor decides on an open case.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CaseDecision {
    /// The facts hold (已核实).
    Verify,
    /// Nothing to pursue (不予立案): the reason is required.
    Dismiss,
}

impl CaseDecision {
    /// The decision a form or request names: `verify` or `dismiss`.
    pub fn parse(s: &str) -> Result<Self> {
        match s {
            "verify" => Ok(Self::Verify),
            "dismiss" => Ok(Self::Dismiss),
            _ => Err(DomainError::field(
                "decision",
                "decision_invalid",
                "请选择核实结论：属实（verify）或不予立案（dismiss）",
            )),
        }
    }

    fn status(self) -> CaseStatus {
        match self {
            Self::Verify => CaseStatus::Verified,
            Self::Dismiss => CaseStatus::Dismissed,
        }
    }
    fn action(self) -> &'static str {
        match self {
            Self::Verify => "case.verify",
            Self::Dismiss => "case.dismiss",
        }
    }
}

/// Where a case came from (stored as `as_str` in `supervision_case.source`; issue 14 §1).
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CaseSource {
    /// A community refused an unadmitted demand and reported it (4.2-5).
    CommunityReport,
    /// A detector found it in the data (an overdue temporary plaque, 4.1-5).
    Detector,
    /// A supervisor's inspection (明察暗访, 5.3-1).
    Inspection,
    /// A resident's or community worker's anonymous report from the public site (5.3-1).
    PublicComplaint,
    /// A monitoring point's answer or missed month (4.1-8).
    Monitoring,
}

impl CaseSource {
    pub const ALL: [CaseSource; 5] = [
        Self::CommunityReport,
        Self::Detector,
        Self::Inspection,
        Self::PublicComplaint,
        Self::Monitoring,
    ];
    pub fn as_str(self) -> &'static str {
        match self {
            Self::CommunityReport => "community_report",
            Self::Detector => "detector",
            Self::Inspection => "inspection",
            Self::PublicComplaint => "public_complaint",
            Self::Monitoring => "monitoring",
        }
    }
    pub fn label_zh(self) -> &'static str {
        match self {
            Self::CommunityReport => "社区(村)报告",
            Self::Detector => "系统比对发现",
            Self::Inspection => "明察暗访",
            Self::PublicComplaint => "群众匿名举报",
            Self::Monitoring => "减负监测点",
        }
    }
    /// The source of a stored row (an unknown text reads as a community's report).
    pub fn stored(s: &str) -> Self {
        Self::ALL
            .into_iter()
            .find(|c| c.as_str() == s)
            .unwrap_or(Self::CommunityReport)
    }
}

/// The longest opinion or reason.
const MAX_OPINION: usize = 500;

/// Who sees which cases, from the authorization table: the supervisors of the case's community
/// ([`authz::visible`] for [`Action::ViewCases`]) see it whole; the unit its notice names
/// ([`authz::own_units`] for [`Action::AnswerNotice`]: a department, street or community itself)
/// sees it without who reported it. One value answers a single case
/// ([`CaseVisibility::admits`]) and becomes the list's SQL ([`CaseVisibility::stored`], `repo::cases::Visible`), so
/// the list shows exactly the cases a direct fetch allows.
pub(crate) struct CaseVisibility {
    supervised: Scope,
    notified: Vec<i64>,
}

/// How a visible case is read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum CaseReader {
    /// A supervisor of its community: the whole case.
    Supervisor,
    /// The unit its notice names: the case without its reporter.
    NotifiedUnit,
}

impl CaseVisibility {
    pub(crate) fn of(p: &Principal) -> Self {
        Self {
            supervised: authz::visible(p, Action::ViewCases),
            notified: authz::own_units(p, Action::AnswerNotice),
        }
    }

    /// Whether the caller sees no case at all.
    pub(crate) fn is_empty(&self) -> bool {
        self.supervised.is_empty() && self.notified.is_empty()
    }

    /// How the caller reads a case at `community_path` whose notice names `notice_unit`
    /// (`None` before a notice is issued); `None` when it may not.
    pub(crate) fn admits(
        &self,
        community_path: &str,
        notice_unit: Option<i64>,
    ) -> Option<CaseReader> {
        if self.supervised.covers(community_path) {
            Some(CaseReader::Supervisor)
        } else if notice_unit.is_some_and(|u| self.notified.contains(&u)) {
            Some(CaseReader::NotifiedUnit)
        } else {
            None
        }
    }

    /// Whether a case listed with [`CaseVisibility::stored`] is read as a supervisor.
    pub(crate) fn supervises(&self, community_path: &str) -> bool {
        self.supervised.covers(community_path)
    }

    /// The same, as the value the case repository turns into SQL.
    pub(crate) fn stored(&self) -> repo::Visible<'_> {
        repo::Visible {
            supervised: &self.supervised,
            notified: &self.notified,
        }
    }
}

impl App {
    /// The case's view, if `ctx` may take `action` at its community.
    async fn case_for(&self, ctx: &Ctx, id: i64, action: Action) -> Result<CaseView> {
        let row = repo::by_id(self.store.db(), id)
            .await?
            .ok_or_else(|| DomainError::not_found("问题线索"))?;
        let community = self.find_node(row.community_node_id).await?;
        // The unit a notice names sees the case about itself, never who reported it.
        if action == Action::ViewCases {
            let unit = self.notice_row(id).await?.map(|n| n.unit_node_id);
            let reader = CaseVisibility::of(&ctx.principal).admits(&community.path, unit);
            if reader == Some(CaseReader::NotifiedUnit) {
                return self.case_view(row, community, false).await;
            }
        }
        self.check(ctx, action, &community.target()).await?;
        self.case_view(row, community, true).await
    }

    /// One case, for the supervisors of its community's jurisdiction.
    pub async fn case_detail(&self, ctx: &Ctx, id: i64) -> Result<CaseView> {
        self.case_for(ctx, id, Action::ViewCases).await
    }

    /// Verifies or dismisses an open case (5.3-2). The reason is required to dismiss;
    /// an opinion may go with a verification. Audited with the clauses the case concerns.
    pub async fn decide_case(
        &self,
        ctx: &Ctx,
        id: i64,
        decision: CaseDecision,
        opinion: &str,
    ) -> Result<CaseView> {
        let case = self.case_for(ctx, id, Action::DecideCase).await?;
        let opinion = text::visible(opinion).to_owned();
        let length = opinion.chars().count();
        if decision == CaseDecision::Dismiss && length < 5 {
            return Err(DomainError::field(
                "opinion",
                "dismiss_reason_required",
                "请写明不予立案的理由（5–500 字）",
            ));
        }
        if length > MAX_OPINION {
            return Err(DomainError::field(
                "opinion",
                "opinion_too_long",
                "意见不超过 500 字",
            ));
        }
        if case.status != CaseStatus::Open {
            return Err(DomainError::conflict(
                "case_already_decided",
                format!("该问题线索的状态为“{}”，不能再核实", case.status.label_zh()),
            ));
        }
        let now = self.now_ms();
        let mut tx = self.store.begin_write().await?;
        let moved = repo::move_status(
            tx.conn(),
            id,
            CaseStatus::Open.as_str(),
            decision.status().as_str(),
            now,
        )
        .await?;
        if !moved {
            return Err(DomainError::conflict(
                "case_already_decided",
                "该问题线索已被他人处理，请刷新",
            ));
        }
        tx.audit(ctx.entry(
            decision.action(),
            "supervision_case",
            Some(id.to_string()),
            serde_json::json!({
                "reason": opinion,
                "status": decision.status().as_str(),
                // The finding's own clause (4.2-5, 4.1-5 …), and the supervision it is part of.
                "clauses": [case.finding.clause.as_str(), jianfu_rules::clause!("5.3-2").as_str()],
            }),
        ))
        .await?;
        tx.commit().await?;
        self.case_detail(ctx, id).await
    }

    /// The case's history (办理过程): reported or detected, verified or dismissed, the notice,
    /// answers and reviews, and an escalation (逾期 · 已上报). Takes the
    /// view [`App::case_detail`] returned.
    pub async fn case_timeline(&self, c: &CaseView) -> Result<Vec<TimelineEntry>> {
        let actions = crate::timeline::actions_of("case.", &["case.export"]);
        let mut steps = self
            .timeline(&[("supervision_case", c.id.to_string())], &actions, |s| {
                Annotation {
                    outcome: if s.action == "case.escalate" {
                        Some("逾期 · 已上报")
                    } else {
                        s.details["status"]
                            .as_str()
                            .map(|st| CaseStatus::stored(st).label_zh())
                    },
                    // A notice says to whom and by when; an answer, its evidence.
                    opinion: match s.action.as_str() {
                        "case.notice" => Some(format!(
                            "整改通知书 {}：责任单位 {}，{} 个工作日内整改，截止 {}",
                            s.details["serial"].as_str().unwrap_or_default(),
                            s.details["unit"].as_str().unwrap_or_default(),
                            s.details["deadline_days"],
                            s.details["due_on"].as_str().unwrap_or_default(),
                        )),
                        "case.answer" => s.details["evidence"].as_array().map(|files| {
                            let names: Vec<&str> =
                                files.iter().filter_map(|f| f.as_str()).collect();
                            format!("佐证材料：{}", names.join("、"))
                        }),
                        "case.accountability" => Some(format!(
                            "{}（{}）决定：{}{}，文号 {}，{}（4.1-9）",
                            s.details["body"].as_str().unwrap_or_default(),
                            s.details["decider"].as_str().unwrap_or_default(),
                            s.details["measure_zh"].as_str().unwrap_or_default(),
                            s.details["measure_text"]
                                .as_str()
                                .filter(|t| !t.is_empty())
                                .map(|t| format!("（{t}）"))
                                .unwrap_or_default(),
                            s.details["document_number"].as_str().unwrap_or_default(),
                            s.details["decided_on"].as_str().unwrap_or_default(),
                        )),
                        "case.escalate" => Some(format!(
                            "责任单位 {} 逾期未整改（截止 {}），已上报{}监督人员（5.3-3）",
                            s.details["unit"].as_str().unwrap_or_default(),
                            s.details["due_on"].as_str().unwrap_or_default(),
                            s.details["escalated_to"].as_str().unwrap_or_default(),
                        )),
                        _ => None,
                    },
                }
            })
            .await?;
        if c.reporter_hidden {
            let reported = [
                crate::audit_log::action_label("case.report"),
                crate::audit_log::action_label("case.public_report"),
            ];
            for s in steps.iter_mut().filter(|s| reported.contains(&s.what)) {
                s.who = "（不公开）".into();
            }
        }
        Ok(steps)
    }
}
