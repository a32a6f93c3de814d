//! HTML pages. Each page is an askama template whose struct holds a [`Chrome`] (top bar, nav,
//! flash message, CSRF token) and its own data. Handlers parse, call the domain, render.

pub mod annual_report;
pub mod audit;
pub mod bulletins;
pub mod certificates;
pub mod comprehensive;
pub mod data_sharing;
pub mod demand_kinds;
pub mod demands;
pub mod department_rating;
pub mod dictionary;
pub mod evaluations;
pub mod form_return;
pub mod home;
pub mod import;
pub mod inbox;
pub mod jobs;
pub mod list;
pub mod login;
pub mod me;
pub mod monitoring;
pub mod nodes;
pub mod overview;
pub mod person_records;
pub mod pki;
pub mod plaques;
pub mod policy;
pub mod report_forms;
pub mod resets;
pub mod second_factor;
pub mod security;
pub mod supervision;
pub mod system;
pub mod tree;
pub mod users;

use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use jianfu_domain::{Action, DomainError};
use serde::Deserialize;

use crate::access::CurrentUser;
use crate::error::PageError;

pub struct NavItem {
    pub href: &'static str,
    pub label: &'static str,
    pub active: bool,
}

pub struct Flash {
    pub ok: bool,
    pub text: String,
}

/// What every page around its content needs.
pub struct Chrome {
    pub title: String,
    pub user_name: Option<String>,
    pub user_roles: String,
    pub csrf: String,
    pub nav: Vec<NavItem>,
    /// How many of `nav` stay in view on a phone (首页 and 待办 for a user, all for the
    /// public); the rest fold behind the 菜单 button there.
    pub primary: usize,
    pub flash: Option<Flash>,
}

impl Chrome {
    pub fn new(title: impl Into<String>, user: Option<&CurrentUser>, active: &str) -> Self {
        let mut nav = Vec::new();
        let mut roles = String::new();
        if let Some(u) = user {
            let p = &u.principal;
            let mut items: Vec<(&'static str, &'static str, bool)> = vec![
                ("/", "首页", true),
                ("/inbox", "待办", p.blocked().is_none()),
                ("/demands", "事项", p.may(Action::ViewDemands)),
                (
                    "/ledger",
                    "负担台账",
                    p.may(Action::ViewLedger) && !p.may(Action::ReportUnadmitted),
                ),
                (
                    "/cases",
                    "问题线索",
                    p.may(Action::ViewCases) || p.may(Action::AnswerNotice),
                ),
                (
                    "/bulletin-drafts",
                    "通报签发",
                    p.may(Action::DraftBulletin) || p.may(Action::ApproveBulletin),
                ),
                ("/certificates", "证明办理", p.may(Action::ViewCertificates)),
                (
                    "/certificates/mine",
                    "我的证明",
                    p.may(Action::ApplyCertificate) && !p.may(Action::ViewCertificates),
                ),
                ("/plaques", "挂牌", p.may(Action::ViewPlaques)),
                ("/removal-tasks", "挂牌清理", p.may(Action::ViewPlaques)),
                ("/campaigns", "自检自查", p.may(Action::ViewPlaques)),
                (
                    "/comprehensive",
                    "综合考评",
                    p.may(Action::ViewComprehensive) || p.may(Action::RateCommunity),
                ),
                ("/seal-uses", "用印登记", p.may(Action::ViewSealLedger)),
                ("/dictionary", "数据字典", p.may(Action::ViewDataDictionary)),
                ("/data", "共享数据", p.may(Action::ReadSharedData)),
                (
                    "/data-requests",
                    "共享申请",
                    p.may(Action::ReadSharedData) || p.may(Action::DecideDataRequest),
                ),
                ("/catalogue", "证明目录", p.may(Action::ManageCatalogue)),
                ("/seals", "电子印章", p.may(Action::ManageSeals)),
                ("/admin/holidays", "节假日", p.may(Action::ManageHolidays)),
                ("/admin/jobs", "定时任务", p.may(Action::ViewJobs)),
                ("/guides", "办事指南", true),
                ("/verify", "证明核验", true),
                ("/lookup", "编号查询", true),
                ("/bulletins", "通报", true),
                ("/tree", "行政区划", p.may(Action::ViewTree)),
                ("/admin/users", "账号管理", p.may(Action::ViewAccounts)),
                (
                    "/admin/security",
                    "安全策略",
                    p.may(Action::EditSecurityPolicy),
                ),
                ("/audit", "审计日志", p.may(Action::ReadAudit)),
                (
                    "/admin/resets",
                    "凭据重置",
                    p.may(Action::ApproveAdminReset),
                ),
                ("/tokens", "API 令牌", p.may(Action::ManageApiTokens)),
                ("/me/second-factor", "动态口令", !p.must_change_password),
                ("/overview", "减负总览", p.may(Action::ViewOverview)),
                (
                    "/department-ratings/rate",
                    "评议部门",
                    p.may(Action::RateDepartment),
                ),
                (
                    "/department-ratings",
                    "部门评议",
                    p.may(Action::ViewDepartmentRanking),
                ),
                (
                    "/department-ratings/mine",
                    "本单位评议",
                    p.may(Action::ViewOwnRating),
                ),
                ("/annual-report", "年度报告", p.may(Action::ViewOverview)),
                (
                    "/person-records",
                    "人员明细",
                    p.may(Action::KeepPersonRecords),
                ),
                (
                    "/me/data-access",
                    "我的数据被读取",
                    p.may(Action::ViewOwnDataAccess),
                ),
                (
                    "/data-access",
                    "数据访问记录",
                    p.may(Action::ViewDataAccessLog),
                ),
            ];
            items.push(("/policy", "政策原文", true));
            for (href, label, show) in items {
                if show {
                    nav.push(NavItem {
                        href,
                        label,
                        active: href == active,
                    });
                }
            }
            let mut labels: Vec<String> = p
                .grants
                .iter()
                .map(|g| format!("{}·{}", g.node_name, g.role.label_zh()))
                .collect();
            labels.dedup();
            roles = labels.join("、");
        } else {
            nav.push(NavItem {
                href: "/lookup",
                label: "编号查询",
                active: active == "/lookup",
            });
            nav.push(NavItem {
                href: "/guides",
                label: "办事指南",
                active: active == "/guides",
            });
            nav.push(NavItem {
                href: "/verify",
                label: "证明核验",
                active: active == "/verify",
            });
            nav.push(NavItem {
                href: "/bulletins",
                label: "通报",
                active: active == "/bulletins",
            });
            nav.push(NavItem {
                href: "/policy",
                label: "政策原文",
                active: active == "/policy",
            });
        }
        Self {
            title: title.into(),
            user_name: user.map(|u| u.principal.display_name.clone()),
            user_roles: roles,
            csrf: user.map(|u| u.csrf().to_owned()).unwrap_or_default(),
            primary: if user.is_some() {
                nav.iter()
                    .take_while(|i| matches!(i.href, "/" | "/inbox"))
                    .count()
            } else {
                nav.len()
            },
            nav,
            flash: None,
        }
    }

    pub fn with_flash(mut self, ok: bool, text: impl Into<String>) -> Self {
        self.flash = Some(Flash {
            ok,
            text: text.into(),
        });
        self
    }

    /// Shows the message for a `?done=` code set by a redirect after a successful change.
    pub fn with_done(self, done: Option<&str>) -> Self {
        match done.and_then(done_message) {
            Some(m) => self.with_flash(true, m),
            None => self,
        }
    }
}

/// Success messages after redirects, by code (no free text travels in URLs).
fn done_message(code: &str) -> Option<&'static str> {
    Some(match code {
        "node_created" => "已新增节点",
        "registration_returned" => "已退回起草部门",
        "node_updated" => "已保存修改",
        "node_deleted" => "已删除节点",
        "account_created" => "已创建账号；初始密码须在首次登录时修改",
        "account_updated" => "已保存账号信息",
        "password_reset" => "已设置临时密码；该用户须在下次登录时修改",
        "identity_set" => "已登记身份证号（页面只显示脱敏号码）",
        "locked" => "已锁定账号，其所有会话已结束",
        "unlocked" => "已解锁账号",
        "granted" => "已授予角色",
        "revoked" => "已撤销角色",
        "policy_saved" => "已保存安全策略",
        "password_changed" => "密码已修改",
        "token_revoked" => "已吊销令牌",
        "reset_requested" => "已提交重置申请，待第三类管理员批准",
        "reset_approved" => "已批准，密码已重置",
        "reset_rejected" => "已拒绝该重置申请",
        "second_factor_reset" => {
            "已重置动态口令：原动态口令和恢复码作废，该账号的会话已全部结束，本人登录后须重新绑定"
        }
        "second_factor_policy_saved" => "已保存动态口令要求",
        "second_factor_disabled" => "已停用动态口令",
        "stash_discarded" => "已删除暂存的草稿",
        "agri_cap_set" => "已设定周、月涉农报表上限",
        "monitoring_answered" => "已报送本月监测情况；回答“是”的各项已转为问题线索",
        "monitoring_ended" => "已结束该减负监测点",
        "signer_certificate_revoked" => {
            "已撤销该签章人证书；该签章人不能再用印，此后的签章核验为已撤销"
        }
        "department_rated" => "已保存评议；本年度评议截止前可以更正",
        "return_saved" => "已暂存本期报表",
        "return_submitted" => {
            "已报送本期报表；所填数据已存为本社区(村)的当前值，以后的报表将自动预填"
        }
        "return_correcting" => "已开始更正：修改后重新报送，原版本保留",
        "returns_reminded" => "已向未报送的社区(村)发出催报",
        "data_request_created" => "已提交共享申请，待权威来源审批",
        "data_request_approved" => "已同意该共享申请，申请部门可读取该数据项",
        "data_request_refused" => "已拒绝该共享申请",
        "person_record_created" => "已登记人员明细；身份证号已加密保存，页面只显示脱敏号码",
        _ => return None,
    })
}

#[derive(Debug, Deserialize, Default)]
pub struct DoneQuery {
    pub done: Option<String>,
}

/// Renders a template as a page with a status.
pub fn render(status: StatusCode, t: &impl askama::Template) -> Response {
    match t.render() {
        Ok(html) => (status, Html(html)).into_response(),
        Err(e) => {
            tracing::error!(error = %e, "template failed");
            PageError(DomainError::internal()).into_response()
        }
    }
}

pub fn ok(t: &impl askama::Template) -> Response {
    render(StatusCode::OK, t)
}

/// A form error: which field, and what to say next to it — and the form's other errors found
/// with it ([`DomainError::more`]), so that the page shows every error at once.
#[derive(Default, Clone, Debug)]
pub struct FormError {
    pub field: String,
    pub message: String,
    /// The other fields at fault, as (field, message).
    pub others: Vec<(String, String)>,
}

impl FormError {
    pub fn from_domain(e: &DomainError) -> Self {
        Self {
            field: e.field.unwrap_or("").to_owned(),
            message: e.message.clone(),
            others: e
                .more
                .iter()
                .map(|m| (m.field.unwrap_or("").to_owned(), m.message.clone()))
                .collect(),
        }
    }
    /// One error about one field.
    pub fn field(field: &str, message: &str) -> Self {
        Self {
            field: field.to_owned(),
            message: message.to_owned(),
            others: Vec::new(),
        }
    }
    /// The message that belongs to `field`, else empty (for `.field-error`).
    pub fn for_field(&self, field: &str) -> &str {
        if self.field == field {
            return &self.message;
        }
        self.others
            .iter()
            .find(|(f, _)| f == field)
            .map_or("", |(_, m)| m.as_str())
    }
    /// Every error, as (field, message), for the summary at the top of the form.
    pub fn all(&self) -> Vec<(&str, &str)> {
        let mut all = Vec::with_capacity(1 + self.others.len());
        if !self.message.is_empty() {
            all.push((self.field.as_str(), self.message.as_str()));
        }
        all.extend(self.others.iter().map(|(f, m)| (f.as_str(), m.as_str())));
        all
    }
}

/// Status for re-rendering a form after a domain error.
pub fn form_status(e: &DomainError) -> StatusCode {
    crate::error::status_for(e.kind)
}

/// How a page that holds a form is shown: fresh — with the flash of what was just done
/// (`?done=`) — or again after its form was refused, with the error, the status the refusal
/// answers with and what was entered (`F`: the form as typed, or for a list of small forms the
/// row whose form failed). Every such page function takes one, so that a handler re-renders
/// with one line: `Err(e) if is_form_error(&e) => x_page(&state, &user, Shown::refused(&e,
/// form)).await`.
#[derive(Debug)]
pub struct Shown<'a, F> {
    pub entered: Option<F>,
    pub error: FormError,
    pub status: StatusCode,
    pub done: Option<&'a str>,
}

impl<'a, F> Shown<'a, F> {
    /// The page as a GET shows it, with the flash of `done` if any.
    pub fn fresh(done: Option<&'a str>) -> Self {
        Self {
            entered: None,
            error: FormError::default(),
            status: StatusCode::OK,
            done,
        }
    }

    /// The page again after `e` refused its form; `entered` is what came with it (or `None`
    /// where the page's own defaults should show).
    pub fn refused(e: &DomainError, entered: impl Into<Option<F>>) -> Self {
        Self {
            entered: entered.into(),
            error: FormError::from_domain(e),
            status: form_status(e),
            done: None,
        }
    }

    /// A form refused by the page itself (before any use case): 422 with `error`.
    pub fn invalid(error: FormError) -> Self {
        Self {
            entered: None,
            error,
            status: StatusCode::UNPROCESSABLE_ENTITY,
            done: None,
        }
    }

    /// The form to show filled in (a GET that pre-fills it, as a parent chosen in the link).
    pub fn with(mut self, entered: F) -> Self {
        self.entered = Some(entered);
        self
    }

    /// What was entered, else the form's default.
    pub fn entered_or_default(&mut self) -> F
    where
        F: Default,
    {
        self.entered.take().unwrap_or_default()
    }
}

/// Reads a multipart form with evidence files (self-nominations, public reports): its text
/// fields by name and the files of `evidence` (an empty file input is no file). Anything
/// unreadable, or over the body limit, is `upload_unreadable`.
pub(crate) async fn read_evidence_form(
    m: Result<axum::extract::Multipart, axum::extract::multipart::MultipartRejection>,
) -> Result<
    (
        std::collections::HashMap<String, String>,
        Vec<jianfu_domain::certificate::AttachmentUpload>,
    ),
    DomainError,
> {
    let unreadable = || {
        DomainError::field(
            "evidence",
            "upload_unreadable",
            "提交的内容无法识别，或佐证材料总大小超过限制（每个不超过 5 MB，最多 5 个）",
        )
    };
    let mut m = m.map_err(|_| unreadable())?;
    let mut fields = std::collections::HashMap::new();
    let mut files = Vec::new();
    while let Some(field) = m.next_field().await.map_err(|_| unreadable())? {
        let name = field.name().unwrap_or("").to_owned();
        if name == "evidence" {
            let file_name = field.file_name().unwrap_or("").to_owned();
            let bytes = field.bytes().await.map_err(|_| unreadable())?;
            if !(file_name.is_empty() && bytes.is_empty()) {
                files.push(jianfu_domain::certificate::AttachmentUpload {
                    file_name,
                    bytes: bytes.to_vec(),
                });
            }
        } else {
            let v = field.text().await.map_err(|_| unreadable())?;
            fields.insert(name, v);
        }
    }
    Ok((fields, files))
}

/// Errors that are not about the form's input (no permission, gone, broken) get the error page.
pub fn is_form_error(e: &DomainError) -> bool {
    matches!(
        e.kind,
        jianfu_domain::ErrorKind::Invalid | jianfu_domain::ErrorKind::Conflict
    )
}

/// Formats Unix ms for pages.
/// A timeline (办理过程) as `templates/timeline.html` shows it: each step with its time as text.
pub fn timeline(
    entries: Vec<jianfu_domain::timeline::TimelineEntry>,
) -> Vec<(String, jianfu_domain::timeline::TimelineEntry)> {
    entries.into_iter().map(|e| (when(e.at), e)).collect()
}

pub fn when(ms: i64) -> String {
    jianfu_domain::clock::fmt_ms(ms)
}
pub mod public_reports;
pub mod satisfaction;
