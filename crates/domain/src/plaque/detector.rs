//! The overdue-temporary-plaque detector (4.1-5: 于工作结束后立即清理掉): a background job that
//! turns every temporary plaque still hanging after its task's last day into a supervision
//! case for the district's and city's supervisors.
//!
//! Idempotent and safe with two server processes: a case is inserted with `ON CONFLICT DO
//! NOTHING` against the unique index on (kind, plaque_id), so a second run — in this process or
//! another — finds the case there and inserts nothing.

use jianfu_rules::plaque::{
    StaffingApproval, TemporaryPlaqueFacts, UnitKind, check_temporary_plaque,
};
use jianfu_store::repo::cases::NewCase;
use jianfu_store::repo::detections as repo;
use jianfu_store::{AuditOutcome, NewAuditEntry};
use serde::Serialize;

use super::{PlaqueStatus, rules_date};
use crate::App;
use crate::demand::ReasonView;
use crate::division::NodeKind;
use crate::error::{DomainError, ErrorKind, Result};

/// The actor the audit log records for the detector's cases.
pub const DETECTOR_ACTOR: &str = "系统(挂牌检测)";
/// The case kind of an overdue temporary plaque.
pub const OVERDUE_KIND: &str = "temporary_plaque_overdue";

/// What one run found.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct DetectorReport {
    /// Hanging temporary plaques looked at.
    pub checked: usize,
    /// Cases inserted by this run.
    pub flagged: usize,
    /// Overdue plaques that already had their case.
    pub already_flagged: usize,
    /// Plaques whose request could not be read as admitted (revoked since): nothing to date.
    pub skipped: usize,
}

impl App {
    /// Flags every hanging temporary plaque whose task ended before today (Beijing date of the
    /// injected clock) as a supervision case `temporary_plaque_overdue` with the rule's finding
    /// (4.1-5); each insert is audited. Running it again inserts nothing.
    pub async fn run_plaque_detectors(&self) -> Result<DetectorReport> {
        let mut report = DetectorReport::default();
        let today = self.today();
        let rows =
            repo::hanging_temporary_plaques(&self.store, PlaqueStatus::Hanging.as_str()).await?;
        for (plaque_id, unit_id, name, since, demand_id) in rows {
            report.checked += 1;
            let grant = match self.admitted_temporary_plaque(demand_id).await {
                Ok(g) => g,
                Err(e) if e.kind != ErrorKind::Internal => {
                    report.skipped += 1;
                    continue;
                }
                Err(e) => return Err(e),
            };
            let unit = self.find_node(unit_id).await?;
            let (Some(start), Some(end), Some(hung)) = (
                jianfu_rules::Date::parse(&grant.start),
                jianfu_rules::Date::parse(&grant.end),
                jianfu_rules::Date::parse(&since),
            ) else {
                report.skipped += 1;
                continue;
            };
            let decision = check_temporary_plaque(&TemporaryPlaqueFacts {
                name: &name,
                unit: if unit.kind == NodeKind::Town {
                    UnitKind::Town
                } else {
                    UnitKind::Street
                },
                task: &grant.task,
                start,
                end,
                approval: Some(StaffingApproval {
                    approved_on: start,
                    document: &grant.admission_number,
                }),
                hung_on: Some(hung),
                removed_on: None,
                today: rules_date(today)?,
            });
            let Some(reason) = decision
                .reasons
                .iter()
                .find(|r| r.code == "temporary_plaque_overdue")
            else {
                continue;
            };
            let flagged = repo::plaque_case(self.store.db(), OVERDUE_KIND, plaque_id).await?;
            if flagged.is_some() {
                report.already_flagged += 1;
                continue;
            }
            // The case is reported in the name of the account that requested the plaque: the
            // table needs an account, and it is the requester who must take the plaque down.
            let reporter = repo::demand_requester(&self.store, demand_id)
                .await?
                .ok_or_else(DomainError::internal)?;
            let finding = ReasonView::of(reason);
            let now = self.now_ms();
            let mut tx = self.store.begin_write().await?;
            let case = NewCase {
                kind: OVERDUE_KIND,
                status: crate::demand::CaseStatus::Open.as_str(),
                source: crate::supervision::CaseSource::Detector.as_str(),
                node_id: unit.id,
                reported_by: Some(reporter),
                demanding_unit: unit.name.clone(),
                description: format!(
                    "临时加挂牌子“{name}”（准入编号 {}，工作任务：{}）工作已于 {} 结束，至 {today} 仍悬挂未清理",
                    grant.admission_number, grant.task, grant.end
                ),
                claimed_number: Some(grant.admission_number.clone()),
                demand_id: Some(demand_id),
                finding: finding.to_json()?,
                plaque_id: Some(plaque_id),
                now,
                ..NewCase::default()
            };
            let Some(case_id) = repo::insert_plaque_case(tx.conn(), case).await? else {
                // Another process flagged it first; the transaction rolls back unused.
                report.already_flagged += 1;
                continue;
            };
            tx.audit(NewAuditEntry {
                actor_id: None,
                actor_name: DETECTOR_ACTOR.into(),
                action: "case.detect".into(),
                outcome: AuditOutcome::Ok,
                target_type: "supervision_case".into(),
                target_id: Some(case_id.to_string()),
                summary: serde_json::json!({
                    "kind": OVERDUE_KIND, "unit": unit.name, "plaque": name, "plaque_id": plaque_id,
                    "demand_id": demand_id, "admission_number": grant.admission_number,
                    "end": grant.end, "today": today.to_string(), "clause": finding.clause,
                }),
                ip: None,
            })
            .await?;
            tx.commit().await?;
            report.flagged += 1;
            // The registry agrees at once: re-checked, the plaque is non-compliant and gets its
            // removal task (due at once: 4.1-5 says 立即).
            let row = self.plaque_row(plaque_id).await?;
            self.recheck(
                super::Actor::Operator,
                &unit,
                vec![row],
                "plaque.recheck_overdue",
            )
            .await?;
        }
        Ok(report)
    }
}
