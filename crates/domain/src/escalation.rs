//! Escalation of overdue rectifications (逾期上报, 5.3-3 对工作不到位的……督促整改; issue 14
//! slice 3). A notice past its due day whose case is still 整改中 (the unit has not answered, or
//! its answer was sent back) is escalated once to the supervisors of the next level — a district
//! supervisor's notice to the city's — who find it in their inbox as overdue; the case page, the
//! case list and the timeline say 逾期 and 已上报.
//!
//! The job runs inside the server (`jianfu_server::serve` starts it, hourly by default) and each
//! run is a `job_run` row the system administrator reads at `/admin/jobs`. Idempotent and safe
//! with two servers on one database: the UPDATE that escalates is guarded by the case's state and
//! `escalated_at IS NULL`, so only one run — in this process or another — escalates a case.

use jianfu_store::entity::job_run;
use jianfu_store::repo::{escalations as repo, jobs};
use jianfu_store::{AuditOutcome, NewAuditEntry};
use serde::Serialize;

use crate::authz::{self, Action};
use crate::demand::{CaseStatus, case_kind_zh};
use crate::error::Result;
use crate::inbox::{PER_PROVIDER, TodoFuture, TodoItem, TodoProvider};
use crate::page::{Page, PageRequest};
use crate::rectification::notice_todo;
use crate::{App, Ctx};

/// The name of the escalation job in `job_run`.
pub const ESCALATION_JOB: &str = "escalate_overdue";
/// The actor the audit log records for an escalation.
pub const ESCALATION_ACTOR: &str = "系统(逾期上报)";

/// Whether a notice due on `due_on` (`YYYY-MM-DD`) is overdue on `today` for a case in
/// `status`: the due day has passed (the due day itself is still in time) and the case waits for
/// the unit (整改中).
pub fn is_overdue(status: CaseStatus, due_on: &str, today: chrono::NaiveDate) -> bool {
    status == CaseStatus::Rectifying && due_on < today.to_string().as_str()
}

/// What one run of the escalation job did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct EscalationReport {
    /// The `job_run` row of this run.
    pub run_id: i64,
    /// Overdue cases not yet escalated that the run looked at.
    pub examined: i64,
    /// Cases this run escalated.
    pub escalated: i64,
    /// Overdue cases with no level above the notice's issuer (a city supervisor's notice): they
    /// show as overdue, and stay with the city.
    pub top_level: i64,
}

/// One run of a scheduled job, as the system administrator reads it.
#[derive(Clone, Debug, Serialize)]
pub struct JobRunView {
    pub id: i64,
    pub job: String,
    pub started_at: i64,
    pub finished_at: Option<i64>,
    pub examined: i64,
    pub changed: i64,
    pub error: Option<String>,
}

impl From<job_run::Model> for JobRunView {
    fn from(r: job_run::Model) -> Self {
        Self {
            id: r.id,
            job: r.job,
            started_at: r.started_at,
            finished_at: r.finished_at,
            examined: r.examined,
            changed: r.changed,
            error: r.error,
        }
    }
}

impl App {
    /// Runs the escalation job once at the injected clock's now, recording the run in
    /// `job_run`: every case 整改中 whose notice's due day has passed and that was not escalated
    /// yet is escalated to the level above the notice's issuer, with an audit entry by
    /// [`ESCALATION_ACTOR`] citing 5.3-3. Running it again escalates nothing twice.
    pub async fn escalate_overdue(&self) -> Result<EscalationReport> {
        let started = self.now_ms();
        // What a failed run did before failing is kept: its escalations are committed.
        let mut report = EscalationReport::default();
        let outcome = self.escalate_each(&mut report).await;
        let (examined, changed) = (report.examined, report.escalated);
        let run_id = self
            .record_job_run(
                ESCALATION_JOB,
                ESCALATION_ACTOR,
                started,
                examined,
                changed,
                &outcome,
            )
            .await?;
        outcome.map(|()| EscalationReport { run_id, ..report })
    }

    /// Records one run of a scheduled job when it is over: a `job_run` row (started, finished,
    /// looked at, changed, the error of a failed run) with its `job.run` audit entry by the
    /// job's system actor, in one transaction. Returns the row's id. Every job records its runs
    /// this way (`/admin/jobs`); what a failed run did before failing stays committed.
    pub(crate) async fn record_job_run(
        &self,
        job: &str,
        actor: &str,
        started: i64,
        examined: i64,
        changed: i64,
        outcome: &Result<()>,
    ) -> Result<i64> {
        let error = outcome
            .as_ref()
            .err()
            .map(|e| format!("{}: {}", e.code, e.message));
        let finished = self.now_ms();
        let mut tx = self.store.begin_write().await?;
        let run_id = jobs::insert(
            tx.conn(),
            jobs::NewRun {
                job,
                started_at: started,
                finished_at: finished,
                examined,
                changed,
                error: error.clone(),
            },
        )
        .await?;
        tx.audit(NewAuditEntry {
            actor_id: None,
            actor_name: actor.into(),
            action: "job.run".into(),
            outcome: if error.is_none() {
                AuditOutcome::Ok
            } else {
                AuditOutcome::Failed
            },
            target_type: "job_run".into(),
            target_id: Some(run_id.to_string()),
            summary: serde_json::json!({
                "job": job, "started_at": started, "finished_at": finished,
                "examined": examined, "changed": changed, "error": error,
            }),
            ip: None,
        })
        .await?;
        tx.commit().await?;
        Ok(run_id)
    }

    async fn escalate_each(&self, report: &mut EscalationReport) -> Result<()> {
        let today = self.today();
        let rectifying = CaseStatus::Rectifying.as_str();
        let cases = repo::due_before(self.store.db(), rectifying, &today.to_string()).await?;
        for case in cases {
            let Some(notice) = self.notice_row(case.id).await? else {
                continue;
            };
            if !is_overdue(CaseStatus::stored(&case.status), &notice.due_on, today) {
                continue;
            }
            report.examined += 1;
            // The issuer is a supervising department; its parent is the district (or the city)
            // it serves; the level above that receives the escalation.
            let issuer = self.find_node(notice.issuer_node_id).await?;
            let level = match issuer.parent_id {
                Some(p) => self.find_node(p).await?,
                None => issuer,
            };
            let Some(above) = level.parent_id else {
                report.top_level += 1;
                continue;
            };
            let above = self.find_node(above).await?;
            let unit = self.find_node(notice.unit_node_id).await?;
            let now = self.now_ms();
            let mut tx = self.store.begin_write().await?;
            let moved = repo::escalate(tx.conn(), case.id, rectifying, above.id, now).await?;
            if !moved {
                // Answered or escalated meanwhile (by another server): nothing to do here.
                continue;
            }
            tx.audit(NewAuditEntry {
                actor_id: None,
                actor_name: ESCALATION_ACTOR.into(),
                action: "case.escalate".into(),
                outcome: AuditOutcome::Ok,
                target_type: "supervision_case".into(),
                target_id: Some(case.id.to_string()),
                summary: serde_json::json!({
                    "status": CaseStatus::Rectifying.as_str(),
                    "serial": notice.serial,
                    "unit": unit.name,
                    "due_on": notice.due_on,
                    "today": today.to_string(),
                    "escalated_to": above.name,
                    "escalated_to_id": above.id,
                    "clauses": [jianfu_rules::clause!("5.3-3").as_str()],
                }),
                ip: None,
            })
            .await?;
            tx.commit().await?;
            report.escalated += 1;
        }
        Ok(())
    }

    /// The runs of the server's scheduled jobs, newest first (the system administrator).
    pub async fn list_job_runs(&self, ctx: &Ctx, page: PageRequest) -> Result<Page<JobRunView>> {
        self.visible_or_deny(
            ctx,
            Action::ViewJobs,
            "只有系统管理员能查看定时任务运行记录",
        )
        .await?;
        let (rows, total) = jobs::page(self.store.db(), page.offset(), page.per_page).await?;
        Ok(page.page(rows.into_iter().map(JobRunView::from).collect(), total))
    }

    /// The escalated supervisors' to-dos: overdue cases escalated to a node of their
    /// jurisdiction (the city's, for a district's notice) while the unit has not answered.
    async fn escalation_todos(&self, ctx: &Ctx, today: chrono::NaiveDate) -> Result<Vec<TodoItem>> {
        let scope = authz::visible(&ctx.principal, Action::DecideCase);
        if scope.is_empty() {
            return Ok(Vec::new());
        }
        let rows =
            repo::escalated_to(self.store.db(), &scope, CaseStatus::Rectifying.as_str()).await?;
        let mut out = Vec::new();
        for r in rows {
            if out.len() as u64 >= PER_PROVIDER {
                break;
            }
            let Some(n) = self.notice_row(r.id).await? else {
                continue;
            };
            let community = self.find_node(r.community_node_id).await?;
            let unit = self.find_node(n.unit_node_id).await?;
            out.push(notice_todo(
                "逾期未整改（已上报）",
                format!(
                    "{}：{}（{}）",
                    community.name,
                    case_kind_zh(&r.kind),
                    n.serial
                ),
                format!(
                    "责任单位 {} 逾期未整改，整改期限截止 {}，{} 上报",
                    unit.name,
                    n.due_on,
                    r.escalated_at.map(crate::clock::fmt_ms).unwrap_or_default()
                ),
                &n,
                today,
            ));
        }
        Ok(out)
    }
}

/// The escalated supervisors' to-dos (逾期未整改（已上报）).
pub(crate) struct EscalationTodos;

impl TodoProvider for EscalationTodos {
    fn items<'a>(&'a self, app: &'a App, ctx: &'a Ctx, today: chrono::NaiveDate) -> TodoFuture<'a> {
        Box::pin(app.escalation_todos(ctx, today))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn overdue_is_after_the_due_day_while_the_unit_owes_an_answer() {
        let today = chrono::NaiveDate::from_ymd_opt(2027, 2, 16).unwrap();
        assert!(is_overdue(CaseStatus::Rectifying, "2027-02-15", today));
        assert!(
            !is_overdue(CaseStatus::Rectifying, "2027-02-16", today),
            "due today"
        );
        assert!(!is_overdue(CaseStatus::Rectifying, "2027-02-17", today));
        for answered in [
            CaseStatus::Rectified,
            CaseStatus::Accepted,
            CaseStatus::Closed,
        ] {
            assert!(!is_overdue(answered, "2027-02-15", today), "{answered:?}");
        }
    }
}
