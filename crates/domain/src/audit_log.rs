//! Reading the audit log: the audit administrator's filtered, paged list, the export (itself
//! audited) and the chain check.

use jianfu_store::entity::audit_entry;
use jianfu_store::repo::audit_entries::{self as repo, AuditQuery};
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

/// Every audit action the system records, with its Chinese name for people reading the log.
/// A test reads the sources and fails when an action is recorded that this table does not name.
pub const ACTIONS: &[(&str, &str)] = &[
    ("auth.login", "登录"),
    ("auth.logout", "退出登录"),
    ("permission.denied", "越权访问被拒绝"),
    ("node.create", "新增区划/部门"),
    ("node.update", "修改区划/部门"),
    ("node.delete", "删除区划/部门"),
    ("account.create", "新建账号"),
    ("account.update", "修改账号"),
    ("account.password_change", "修改密码"),
    ("account.password_reset", "重置密码"),
    ("account.lock", "锁定账号"),
    ("account.unlock", "解锁账号"),
    ("credential_reset.request", "申请重置管理员凭据"),
    ("credential_reset.approve", "批准重置管理员凭据"),
    ("credential_reset.reject", "拒绝重置管理员凭据"),
    ("role.grant", "授予角色"),
    ("role.revoke", "撤销角色"),
    ("security_policy.update", "修改安全策略"),
    ("second_factor_policy.update", "修改双因素认证要求"),
    ("second_factor.enrol_start", "开始绑定身份验证器"),
    ("second_factor.enrol", "绑定身份验证器"),
    ("second_factor.disable", "停用双因素认证"),
    ("second_factor.reset", "重置双因素认证"),
    ("second_factor.recovery_codes", "生成恢复码"),
    ("second_factor.recovery_code_used", "使用恢复码登录"),
    ("api_token.create", "创建 API 令牌"),
    ("api_token.revoke", "吊销 API 令牌"),
    ("audit.export", "导出审计日志"),
    ("audit.verify", "校验审计日志"),
    ("system.init", "系统初始化"),
    ("personal_data.encrypt", "加密个人信息"),
    ("demand.create", "起草事项"),
    ("demand.update", "修改事项草稿"),
    ("demand.import", "批量导入事项"),
    ("demand.submit", "提交事项"),
    ("demand.admit", "准入事项"),
    ("demand.reject", "不予准入"),
    ("demand.register", "备案事项"),
    ("demand.return_registration", "退回备案"),
    ("demand.overrule_wording", "复核禁止类用语"),
    ("demand.revoke", "撤销准入"),
    ("demand.create_agency_requirement", "提出设立机构要求"),
    ("demand.create_certificate_demand", "提出出具证明要求"),
    ("demand.create_evaluation", "提出考核评比活动"),
    ("demand.create_report_form", "提出报表准入"),
    ("report_form.set_agri_cap", "设定周、月涉农报表上限"),
    ("demand.request_temporary_plaque", "申请临时挂牌"),
    ("demand.export", "导出事项清单"),
    ("ledger.export", "导出负担台账"),
    ("case.detect", "发现问题线索"),
    ("case.report", "举报问题"),
    ("case.verify", "核实问题线索"),
    ("case.dismiss", "不予立案"),
    ("case.notice", "下发整改通知"),
    ("case.answer", "整改答复"),
    ("case.accept", "验收整改"),
    ("case.send_back", "退回整改"),
    ("case.close", "办结"),
    ("case.escalate", "逾期上报"),
    ("case.accountability", "记录责任追究"),
    ("bulletin.draft", "起草通报"),
    ("bulletin.sign_off", "签发通报"),
    ("bulletin.publish", "发布通报"),
    ("case.export", "导出问题线索"),
    ("job.export", "导出定时任务运行记录"),
    ("job.run", "定时任务运行"),
    ("catalogue.load", "载入证明事项目录"),
    ("catalogue.adopt", "采用证明事项"),
    ("catalogue.drop", "停用证明事项"),
    ("catalogue.create_local", "新增本区证明事项"),
    ("dictionary.create", "新增数据项"),
    ("dictionary.update", "修改数据项（新版本）"),
    ("dictionary.export", "导出数据字典"),
    ("holidays.import", "导入节假日安排"),
    ("certificate.apply", "申请证明"),
    ("certificate.apply_refused", "证明申请被拒"),
    ("certificate.record", "记录办理环节"),
    ("certificate.head_sign", "负责人签批"),
    ("certificate.issue", "出具证明"),
    ("certificate.refuse", "不予出具证明"),
    ("certificate.request_material", "告知补充材料"),
    ("certificate.supplement", "补充申请材料"),
    ("certificate.revoke", "撤销证明"),
    ("certificate.download", "下载证明"),
    ("certificate.reveal_id_number", "查看完整身份证号"),
    ("certificate.export", "导出证明申请"),
    ("seal.make", "刻制印章"),
    ("seal_ledger.export", "导出用印登记"),
    ("plaque.add", "登记挂牌"),
    ("plaque.edit", "修改挂牌"),
    ("plaque.confirm", "确认挂牌"),
    ("plaque.remove", "摘除挂牌"),
    ("plaque.recheck_all", "重新检查全部挂牌"),
    ("plaque.recheck_overdue", "检查逾期临时挂牌"),
    ("plaque.export", "导出挂牌情况"),
    ("removal_task.close", "完成清理任务"),
    ("removal_task.export", "导出清理任务"),
    ("campaign.launch", "部署自检自查"),
    ("campaign.complete", "报告自检自查完成"),
    ("campaign.export", "导出自检自查进度"),
    ("comprehensive.create", "设立社区(村)工作综合考评"),
    ("comprehensive.nominate", "提交自荐申报"),
    ("comprehensive.review", "审核自荐申报"),
    ("comprehensive.respond", "参加居民满意度评价"),
    ("comprehensive.score", "录入综合考评得分"),
    ("comprehensive.close", "结束综合考评并公布结果"),
    ("comprehensive.export", "导出综合考评排名"),
    ("comprehensive_campaign.export", "导出综合考评列表"),
    ("comprehensive.appeal", "对综合考评得分提出申诉"),
    ("comprehensive.appeal_answer", "答复综合考评申诉"),
    ("account.export", "导出账号"),
    ("form_draft.save", "暂存草稿"),
    ("form_draft.discard", "删除暂存草稿"),
    ("bulletin.export", "导出通报"),
    ("pki.create", "建立电子印章根证书"),
    ("pki.revoke", "撤销签章人证书"),
    ("monitoring.designate", "指定减负监测点"),
    ("monitoring.end", "结束减负监测点"),
    ("monitoring.answer", "报送月度监测情况"),
    ("monitoring.export", "导出减负监测点"),
    ("overview.export", "导出减负工作总览"),
    ("pki.export", "导出签章人证书"),
    ("case.public_report", "群众匿名举报"),
    ("department_rating.rate", "评议部门和街道"),
    ("department_rating.correct", "更正部门评议"),
    ("department_rating.export", "导出部门评议排名"),
    ("form_return.save", "暂存报表填报"),
    ("form_return.submit", "报送报表"),
    ("form_return.correct", "更正已报送的报表"),
    ("form_return.remind", "催报报表"),
    ("form_return.export", "导出报表填报情况"),
    ("case.group", "同一问题并入线索"),
    ("case.reopen", "问题复发，重新打开线索"),
    ("report.export", "导出我的举报"),
    ("comprehensive.codes_issue", "发放满意度评价码"),
    (
        "comprehensive.respond_by_code",
        "凭评价码参加居民满意度评价",
    ),
    (
        "department_rating_communities.export",
        "导出各社区(村)评议情况",
    ),
    ("data.read", "读取共享数据"),
    ("data_request.create", "提交共享申请"),
    ("data_request.approve", "同意共享申请"),
    ("data_request.refuse", "拒绝共享申请"),
    ("annual_report.export", "下载年度减负工作报告"),
    ("person_record.create", "登记人员明细"),
    ("person_record.export", "导出人员明细"),
    ("resident.identity", "登记居民身份证号（实名）"),
    ("data_access.export", "导出个人数据访问记录"),
];

/// The Chinese name of an audit action, for people reading the log.
pub fn action_label(action: &str) -> &'static str {
    ACTIONS
        .iter()
        .find(|(code, _)| *code == action)
        .map_or("其他操作", |(_, label)| label)
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
    /// The filter as the repository takes it, checked: every problem is the user's.
    fn query(&self) -> Result<AuditQuery<'_>> {
        fn text(v: &Option<String>) -> Option<&str> {
            v.as_deref().map(str::trim).filter(|s| !s.is_empty())
        }
        let outcome = text(&self.outcome);
        if let Some(o) = outcome
            && !["ok", "denied", "failed"].contains(&o)
        {
            return Err(DomainError::field(
                "outcome",
                "outcome_invalid",
                "结果只能是成功、拒绝或失败",
            ));
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
        Ok(AuditQuery {
            actor: text(&self.actor),
            action_prefix: text(&self.action),
            outcome,
            from,
            to,
        })
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
    /// Records that `ctx` exported a list: the action (one of [`ACTIONS`], `*.export`), what
    /// kind of record it lists (and the one record it is of, if any), how many rows left the system and the filter that chose them.
    /// Exports carry personal data and the burden picture of whole districts, so each is audited.
    pub async fn record_export(
        &self,
        ctx: &Ctx,
        action: &'static str,
        target: (&str, Option<i64>),
        rows: usize,
        filter: serde_json::Value,
    ) -> Result<()> {
        debug_assert!(action.ends_with(".export") && action_label(action) != "其他操作");
        self.store
            .audit_only(ctx.entry(
                action,
                target.0,
                target.1.map(|id| id.to_string()),
                serde_json::json!({ "rows": rows, "filter": filter }),
            ))
            .await?;
        Ok(())
    }

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
        let q = filter.query()?;
        let (rows, total) = repo::page(self.store.db(), &q, page.offset(), page.per_page).await?;
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
        let q = filter.query()?;
        self.store
            .audit_only(ctx.entry(
                "audit.export",
                "audit_log",
                None,
                serde_json::json!({ "filter": filter }),
            ))
            .await?;
        let rows = repo::newest(self.store.db(), &q, EXPORT_LIMIT).await?;
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

    /// Every `"area.verb"` literal of an audited area in the sources of the crates that record
    /// audit entries is an action with a Chinese name (file names such as `audit.key` aside).
    #[test]
    fn every_recorded_action_has_a_chinese_name() {
        let areas: std::collections::BTreeSet<&str> = ACTIONS
            .iter()
            .map(|(code, _)| code.split('.').next().unwrap_or_default())
            .collect();
        let not_actions = ["audit.key", "audit.anchor", "data.key"];
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        let mut missing = Vec::new();
        let mut seen = 0;
        let mut dirs = vec![
            root.join("domain/src"),
            root.join("server/src"),
            root.join("cli/src"),
        ];
        while let Some(dir) = dirs.pop() {
            for entry in std::fs::read_dir(&dir).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    dirs.push(path);
                    continue;
                }
                if path.extension().is_none_or(|e| e != "rs") {
                    continue;
                }
                let text = std::fs::read_to_string(&path).unwrap();
                for literal in text.split('"').skip(1).step_by(2) {
                    let Some((area, verb)) = literal.split_once('.') else {
                        continue;
                    };
                    let word = |w: &str| {
                        !w.is_empty() && w.bytes().all(|b| b.is_ascii_lowercase() || b == b'_')
                    };
                    if !areas.contains(area) || !word(verb) || verb == "html" || verb == "js" {
                        continue;
                    }
                    if not_actions.contains(&literal) {
                        continue;
                    }
                    seen += 1;
                    if action_label(literal) == "其他操作" {
                        missing.push(format!("{}: {literal}", path.display()));
                    }
                }
            }
        }
        assert!(seen > 50, "the scan found only {seen} actions");
        assert!(
            missing.is_empty(),
            "actions without a Chinese name: {missing:#?}"
        );
        let mut codes: Vec<&str> = ACTIONS.iter().map(|(c, _)| *c).collect();
        codes.sort_unstable();
        codes.dedup();
        assert_eq!(codes.len(), ACTIONS.len(), "an action is named twice");
        assert!(ACTIONS.iter().all(|(_, label)| !label.is_empty()));
        assert_eq!(action_label("demand.admit"), "准入事项");
        assert_eq!(action_label("no.such"), "其他操作");
    }

    #[test]
    fn filter_validation() {
        let bad_date = AuditFilter {
            from: Some("2026-13-01".into()),
            ..Default::default()
        };
        assert_eq!(bad_date.query().unwrap_err().code, "date_invalid");
        let reversed = AuditFilter {
            from: Some("2026-05-02".into()),
            to: Some("2026-05-01".into()),
            ..Default::default()
        };
        assert_eq!(reversed.query().unwrap_err().code, "date_range_invalid");
        let same_day = AuditFilter {
            from: Some("2026-05-01".into()),
            to: Some("2026-05-01".into()),
            ..Default::default()
        };
        assert!(same_day.query().is_ok());
        let bad_outcome = AuditFilter {
            outcome: Some("maybe".into()),
            ..Default::default()
        };
        assert_eq!(bad_outcome.query().unwrap_err().code, "outcome_invalid");
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
