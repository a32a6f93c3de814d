//! The supervision case workflow (监督检查, 5.3; issue 14), first slice: a supervisor opens a
//! case of their jurisdiction, sees its history, and verifies it (the facts hold: 已核实) or
//! dismisses it with a reason (不予立案). The rectification loop that follows is in
//! `rectification.rs`; escalation and reopening are the next slices.

use jianfu_store::entity::supervision_case;
use jianfu_store::orm::prelude::Expr;
use jianfu_store::orm::{ColumnTrait, EntityTrait, QueryFilter};

use crate::authz::{self, Action};
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

/// The longest opinion or reason.
const MAX_OPINION: usize = 500;

impl App {
    /// The case's view, if `ctx` may take `action` at its community.
    async fn case_for(&self, ctx: &Ctx, id: i64, action: Action) -> Result<CaseView> {
        let row = supervision_case::Entity::find_by_id(id)
            .one(self.store.db())
            .await?
            .ok_or_else(|| DomainError::not_found("问题线索"))?;
        let community = self.find_node(row.community_node_id).await?;
        // The unit a notice names sees the case about itself, never who reported it.
        if action == Action::ViewCases
            && authz::authorize(&ctx.principal, action, &community.target()).is_err()
            && self.is_notified_unit(ctx, id).await?
        {
            let mut view = self.case_view(row, community).await?;
            view.reporter = String::new();
            view.reporter_hidden = true;
            return Ok(view);
        }
        self.check(ctx, action, &community.target()).await?;
        self.case_view(row, community).await
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
        let updated = supervision_case::Entity::update_many()
            .col_expr(
                supervision_case::Column::Status,
                Expr::value(decision.status().as_str()),
            )
            .col_expr(supervision_case::Column::UpdatedAt, Expr::value(now))
            .filter(supervision_case::Column::Id.eq(id))
            .filter(supervision_case::Column::Status.eq(CaseStatus::Open.as_str()))
            .exec(tx.conn())
            .await?;
        if updated.rows_affected != 1 {
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

    /// The case's history (办理过程): reported or detected, verified or dismissed. Takes the
    /// view [`App::case_detail`] returned.
    pub async fn case_timeline(&self, c: &CaseView) -> Result<Vec<TimelineEntry>> {
        let actions = crate::timeline::actions_of("case.", &["case.export"]);
        let mut steps = self
            .timeline(&[("supervision_case", c.id.to_string())], &actions, |s| {
                Annotation {
                    outcome: s.details["status"]
                        .as_str()
                        .map(|st| CaseStatus::stored(st).label_zh()),
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
                        _ => None,
                    },
                }
            })
            .await?;
        if c.reporter_hidden {
            let reported = crate::audit_log::action_label("case.report");
            for s in steps.iter_mut().filter(|s| s.what == reported) {
                s.who = "（不公开）".into();
            }
        }
        Ok(steps)
    }
}
