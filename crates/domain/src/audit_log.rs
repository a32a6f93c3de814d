//! Reading the audit log: the audit administrator's filtered, paged list, the export (itself
//! audited) and the chain check.

use jianfu_store::entity::audit_entry;
use jianfu_store::orm::{
    ColumnTrait, Condition, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect,
};
use jianfu_store::{NewAuditEntry, VerifyReport};
use serde::{Deserialize, Serialize};

use crate::authz::Action;
use crate::clock::fmt_ms;
use crate::error::{DomainError, Result};
use crate::page::{Page, PageRequest};
use crate::{App, Ctx};

/// Filters of the audit list; dates are Beijing calendar days, inclusive.
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
pub struct AuditFilter {
    /// Part of the actor's username.
    pub actor: Option<String>,
    /// Action code prefix, e.g. `node.` or `auth.login`.
    pub action: Option<String>,
    /// `ok`, `denied` or `failed`.
    pub outcome: Option<String>,
    /// `YYYY-MM-DD`.
    pub from: Option<String>,
    /// `YYYY-MM-DD`.
    pub to: Option<String>,
}

#[derive(Clone, Debug, Serialize)]
pub struct AuditView {
    pub seq: i64,
    pub at: i64,
    pub at_text: String,
    pub actor_name: String,
    pub action: String,
    pub action_zh: &'static str,
    pub outcome: String,
    pub outcome_zh: &'static str,
    pub target: String,
    pub summary: String,
    pub ip: String,
}

/// Chinese names of audit actions, for people reading the log.
pub fn action_label(action: &str) -> &'static str {
    match action {
        "auth.login" => "登录",
        "auth.logout" => "退出登录",
        "permission.denied" => "越权访问被拒绝",
        "node.create" => "新增区划/部门",
        "node.update" => "修改区划/部门",
        "node.delete" => "删除区划/部门",
        "account.create" => "新建账号",
        "account.update" => "修改账号",
        "account.password_change" => "修改密码",
        "account.password_reset" => "重置密码",
        "credential_reset.request" => "申请重置管理员凭据",
        "credential_reset.approve" => "批准重置管理员凭据",
        "credential_reset.reject" => "拒绝重置管理员凭据",
        "account.lock" => "锁定账号",
        "account.unlock" => "解锁账号",
        "role.grant" => "授予角色",
        "role.revoke" => "撤销角色",
        "security_policy.update" => "修改安全策略",
        "api_token.create" => "创建 API 令牌",
        "api_token.revoke" => "吊销 API 令牌",
        "audit.export" => "导出审计日志",
        "audit.verify" => "校验审计日志",
        "system.init" => "系统初始化",
        "personal_data.encrypt" => "加密个人信息",
        _ => "其他操作",
    }
}

pub fn outcome_label(outcome: &str) -> &'static str {
    match outcome {
        "ok" => "成功",
        "denied" => "拒绝",
        "failed" => "失败",
        _ => "未知",
    }
}

use crate::clock::day_start_ms;

impl AuditFilter {
    fn condition(&self) -> Result<Condition> {
        let mut c = Condition::all();
        if let Some(a) = self
            .actor
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
        {
            c = c.add(audit_entry::Column::ActorName.contains(a));
        }
        if let Some(a) = self
            .action
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
        {
            c = c.add(audit_entry::Column::Action.starts_with(a));
        }
        if let Some(o) = self
            .outcome
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
        {
            if !["ok", "denied", "failed"].contains(&o) {
                return Err(DomainError::field(
                    "outcome",
                    "outcome_invalid",
                    "结果只能是成功、拒绝或失败",
                ));
            }
            c = c.add(audit_entry::Column::Outcome.eq(o));
        }
        let from = match self.from.as_deref().filter(|s| !s.trim().is_empty()) {
            Some(d) => Some(day_start_ms(d, "from")?),
            None => None,
        };
        let to = match self.to.as_deref().filter(|s| !s.trim().is_empty()) {
            Some(d) => Some(day_start_ms(d, "to")? + 86_400_000),
            None => None,
        };
        if let (Some(f), Some(t)) = (from, to)
            && f >= t
        {
            return Err(DomainError::field(
                "to",
                "date_range_invalid",
                "结束日期不能早于开始日期",
            ));
        }
        if let Some(f) = from {
            c = c.add(audit_entry::Column::At.gte(f));
        }
        if let Some(t) = to {
            c = c.add(audit_entry::Column::At.lt(t));
        }
        Ok(c)
    }
}

fn view(e: audit_entry::Model) -> AuditView {
    AuditView {
        seq: e.seq,
        at: e.at,
        at_text: fmt_ms(e.at),
        action_zh: action_label(&e.action),
        outcome_zh: outcome_label(&e.outcome),
        target: match e.target_id {
            Some(id) => format!("{} #{id}", e.target_type),
            None => e.target_type,
        },
        actor_name: e.actor_name,
        action: e.action,
        outcome: e.outcome,
        summary: e.summary,
        ip: e.ip.unwrap_or_default(),
    }
}

/// Exports are capped so one request cannot exhaust memory; narrow the filter for more.
pub const EXPORT_LIMIT: u64 = 100_000;

impl App {
    async fn check_audit_reader(&self, ctx: &Ctx) -> Result<()> {
        let root = self.root_node().await?;
        self.check(ctx, Action::ReadAudit, &root.target()).await
    }

    pub async fn list_audit(
        &self,
        ctx: &Ctx,
        filter: &AuditFilter,
        page: PageRequest,
    ) -> Result<Page<AuditView>> {
        self.check_audit_reader(ctx).await?;
        let q = audit_entry::Entity::find().filter(filter.condition()?);
        let total = q.clone().count(self.store.db()).await?;
        let rows = q
            .order_by_desc(audit_entry::Column::Seq)
            .offset(page.offset())
            .limit(page.per_page)
            .all(self.store.db())
            .await?;
        Ok(Page {
            items: rows.into_iter().map(view).collect(),
            total,
            page: page.page,
            per_page: page.per_page,
        })
    }

    /// Rows for an export, newest first. The export itself is recorded first, so that the
    /// record of it can never be missing from what was taken.
    pub async fn export_audit(&self, ctx: &Ctx, filter: &AuditFilter) -> Result<Vec<AuditView>> {
        self.check_audit_reader(ctx).await?;
        let cond = filter.condition()?;
        self.store
            .audit_only(ctx.entry(
                "audit.export",
                "audit_log",
                None,
                serde_json::json!({ "filter": filter }),
            ))
            .await?;
        let rows = audit_entry::Entity::find()
            .filter(cond)
            .order_by_desc(audit_entry::Column::Seq)
            .limit(EXPORT_LIMIT)
            .all(self.store.db())
            .await?;
        Ok(rows.into_iter().map(view).collect())
    }

    /// Walks the chain; records that it was checked and what was found.
    pub async fn verify_audit(&self, ctx: &Ctx) -> Result<VerifyReport> {
        self.check_audit_reader(ctx).await?;
        let report = self.store.verify_audit(|_| {}).await?;
        let entry: NewAuditEntry = ctx.entry(
            "audit.verify",
            "audit_log",
            None,
            serde_json::json!({ "entries": report.entries, "broken": report.broken }),
        );
        self.store.audit_only(entry).await?;
        Ok(report)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn filter_validation() {
        let bad_date = AuditFilter {
            from: Some("2026-13-01".into()),
            ..Default::default()
        };
        assert_eq!(bad_date.condition().unwrap_err().code, "date_invalid");
        let reversed = AuditFilter {
            from: Some("2026-05-02".into()),
            to: Some("2026-05-01".into()),
            ..Default::default()
        };
        assert_eq!(reversed.condition().unwrap_err().code, "date_range_invalid");
        let same_day = AuditFilter {
            from: Some("2026-05-01".into()),
            to: Some("2026-05-01".into()),
            ..Default::default()
        };
        assert!(same_day.condition().is_ok());
        let bad_outcome = AuditFilter {
            outcome: Some("maybe".into()),
            ..Default::default()
        };
        assert_eq!(bad_outcome.condition().unwrap_err().code, "outcome_invalid");
    }

    #[test]
    fn day_start_is_beijing_midnight() {
        // 2026-01-01 00:00 in Beijing is 2025-12-31 16:00 UTC.
        assert_eq!(
            day_start_ms("2026-01-01", "from").unwrap(),
            1_767_196_800_000
        );
    }
}
