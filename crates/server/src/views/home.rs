//! The home page: what waits for me (the inbox's first items), who I am, where my roles apply,
//! where to go.

use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use jianfu_domain::Action;
use jianfu_domain::inbox::Inbox;

use crate::access::{CurrentUser, MaybeUser};
use crate::error::PageError;
use crate::extract::Query;
use crate::state::AppState;
use crate::views::{Chrome, ok};

/// How many of the inbox's items the home page shows (the rest are one click away).
const HOME_ITEMS: usize = 8;

#[derive(askama::Template)]
#[template(path = "home.html")]
struct HomePage {
    chrome: Chrome,
    user_name: String,
    place_line: String,
    password_days_left: i64,
    /// (role, node id when the user may open it in the tree, node name, scope description)
    grants: Vec<(String, Option<i64>, String, String)>,
    /// The first items of the user's inbox.
    inbox: Inbox,
    /// How many things wait in all, and how many of them are overdue.
    to_do: usize,
    overdue: usize,
    /// (href, label, description)
    links: Vec<(&'static str, &'static str, &'static str)>,
    /// (community id, name) for community roles.
    community_lists: Vec<(i64, String)>,
}

/// `/`: a logged-in user's home page; for the public, the service portal.
pub async fn page(State(state): State<AppState>, MaybeUser(user): MaybeUser) -> Response {
    let Some(user) = user else {
        return ok(&PortalPage {
            chrome: Chrome::new("首页", None, "/"),
            q: String::new(),
            found: None,
        });
    };
    // What the account must do first comes before its home page (the gate does this for
    // every page that needs a login; `/` is public).
    if user.principal.must_change_password {
        return Redirect::to("/password").into_response();
    }
    if user.principal.must_enrol_second_factor {
        return Redirect::to("/me/second-factor").into_response();
    }
    match build(&state, &user).await {
        Ok(p) => ok(&p),
        Err(e) => PageError(e).into_response(),
    }
}

/// The public's front page: the services that need no login, the way to a community's
/// published work-item list, and the way in for officials and residents.
#[derive(askama::Template)]
#[template(path = "portal.html")]
struct PortalPage {
    chrome: Chrome,
    q: String,
    /// Communities found by name: (id, name, street or town), or `None` before a search.
    found: Option<Vec<(i64, String, String)>>,
}

/// How many communities a search lists.
const FOUND_MAX: u64 = 50;

#[derive(serde::Deserialize)]
pub struct CommunityQuery {
    #[serde(default)]
    q: String,
}

/// `/communities?q=`: communities and villages by name, each linking to its published
/// work-item list (4.2-2).
pub async fn communities(
    State(state): State<AppState>,
    MaybeUser(user): MaybeUser,
    Query(query): Query<CommunityQuery>,
) -> Response {
    let q = query.q.trim().chars().take(50).collect::<String>();
    match state.app.find_communities(&q, FOUND_MAX).await {
        Ok(found) => ok(&PortalPage {
            chrome: Chrome::new("社区(村)工作事项清单", user.as_ref(), "/"),
            // Without a name there is nothing to show but the search box.
            found: (!q.is_empty()).then(|| {
                found
                    .into_iter()
                    .map(|(n, parent)| (n.id, n.name, parent))
                    .collect()
            }),
            q,
        }),
        Err(e) => PageError(e).into_response(),
    }
}

async fn build(state: &AppState, user: &CurrentUser) -> jianfu_domain::Result<HomePage> {
    let ctx = user.ctx();
    let p = &user.principal;
    let mut grants = Vec::new();
    for g in &p.grants {
        let scope = state.app.find_node(g.scope_node_id).await?;
        grants.push((
            g.role.label_zh().to_owned(),
            p.may(Action::ViewTree).then_some(g.node_id),
            g.node_name.clone(),
            format!("{}及其下级", scope.name),
        ));
    }
    let mut inbox = state.app.inbox(&ctx).await?;
    let (to_do, overdue) = (inbox.to_do(), inbox.overdue());
    inbox.items.truncate(HOME_ITEMS);
    let mut links = Vec::new();
    if p.may(Action::ViewTree) {
        links.push(("/tree", "行政区划", "浏览管辖范围内的区划和部门"));
    }
    if p.may(Action::ManageTree) {
        links.push(("/tree", "维护区划和部门", "在节点页面新增、修改、删除下级"));
    }
    if p.may(Action::ViewAccounts) {
        links.push(("/admin/users", "账号管理", "查找账号、分配角色、锁定与解锁"));
    }
    if p.may(Action::EditSecurityPolicy) {
        links.push((
            "/admin/security",
            "安全策略",
            "密码有效期、登录失败锁定、会话时长",
        ));
    }
    if p.may(Action::ReadAudit) {
        links.push(("/audit", "审计日志", "查阅、筛选、导出操作记录，校验哈希链"));
    }
    if p.may(Action::DraftDemand) {
        links.push(("/demands/new", "起草事项", "向社区(村)派发工作事项须经准入"));
    }
    if p.may(Action::DraftDemand) {
        links.push((
            "/demands/agency",
            "机构场所人员要求",
            "要求社区(村)设立机构、场所、专职人员或挂牌，须有依据（4.4-3）",
        ));
    }
    if p.may(Action::DraftDemand) {
        links.push((
            "/demands/evaluation",
            "考核评比活动",
            "面向社区(村)的达标、检查评比、示范创建须有上级明确要求，不得一票否决（4.3）",
        ));
    }
    if p.may(Action::RequestTemporaryPlaque) {
        links.push((
            "/demands/temporary-plaque",
            "申请临时加挂牌子",
            "因重大工作任务临时挂牌，须报编制部门同意（4.1-5）",
        ));
    }
    if p.may(Action::ApproveTemporaryPlaque) {
        links.push((
            "/demands?status=submitted",
            "审批临时加挂牌子",
            "街道(乡镇)报请的临时挂牌，同意后赋准入编号",
        ));
    }
    if p.may(Action::AdmitCityDemand) || p.may(Action::AdmitDistrictDemand) {
        links.push((
            "/demands?status=submitted",
            "审批事项",
            "部门提交的工作事项：准入并赋号，或不予准入（4.2-4）",
        ));
    }
    if p.may(Action::RegisterDemand) {
        links.push((
            "/demands?status=for_registration",
            "工作事项备案",
            "有法律法规规章依据的工作事项：核对所引条款后备案赋号，或退回（4.2-2、4.2-4）",
        ));
    }
    if p.may(Action::ViewLedger) && !p.may(Action::ReportUnadmitted) {
        links.push(("/ledger", "负担台账", "辖区各社区、各部门的年负担小时数"));
    }
    if p.may(Action::ReportUnadmitted) {
        links.push((
            "/reports/new",
            "拒收并举报",
            "未经准入的事项，社区(村)可以拒绝承接",
        ));
    }
    if p.may(Action::ApplyCertificate) {
        links.push((
            "/certificates/apply",
            "申请开具证明",
            "目录内的证明在线申请，查看办理进度和理由",
        ));
    }
    if p.may(Action::ApplyCertificate) && !p.may(Action::ViewCertificates) {
        links.push((
            "/certificates/mine",
            "我的证明申请",
            "办理状态、不予出具的理由、下载证明",
        ));
    }
    if p.may(Action::ViewCertificates) {
        links.push((
            "/certificates?status=overdue",
            "证明办理",
            "受理、调查核实、议事协商、出具和撤销；超时限的申请",
        ));
    }
    if p.may(Action::ViewSealLedger) {
        links.push((
            "/seal-uses",
            "用印登记",
            "每一次用印对应的证明和依据，可导出",
        ));
    }
    if p.may(Action::ManageCatalogue) {
        links.push(("/catalogue", "证明事项目录", "采用市级事项、新增本地事项"));
    }
    if p.may(Action::ManageSeals) {
        links.push(("/seals", "电子印章", "为社区(村)制作证明专用电子印章"));
    }
    if p.may(Action::ManageHolidays) {
        links.push(("/admin/holidays", "节假日安排", "导入每年的放假和调休安排"));
    }
    links.push((
        "/guides",
        "证明事项办事指南",
        "各区社区(村)可出具的证明及替代方式",
    ));
    links.push(("/verify", "证明核验", "核对证明是否真实有效"));
    links.push(("/lookup", "准入编号查询", "核对部门下派事项的准入编号"));
    links.push(("/policy", "政策原文", "鞍民发〔2021〕18号，按条款编号"));
    if p.may(Action::ManageApiTokens) {
        links.push(("/tokens", "API 令牌", "为对接系统创建访问令牌"));
    }
    let policy = state.app.security_policy().await?;
    let account = state.app.account_detail_self(&ctx).await?;
    let password_days_left = if policy.password_max_age_days > 0 {
        let age_days = (state.app.now_ms() - account.password_changed_at) / 86_400_000;
        policy.password_max_age_days - age_days
    } else {
        -1
    };
    let place_line = p
        .grants
        .first()
        .map(|g| format!("{} · {}", g.node_name, g.role.label_zh()))
        .unwrap_or_else(|| "尚未分配角色：请联系安全管理员授权".to_owned());
    // Community roles see their own published work-item list and its yearly burden.
    let community_lists = p
        .grants
        .iter()
        .filter(|g| g.node_kind.is_community())
        .map(|g| (g.node_id, g.node_name.clone()))
        .collect();
    Ok(HomePage {
        community_lists,
        chrome: Chrome::new("首页", Some(user), "/"),
        user_name: p.display_name.clone(),
        place_line,
        password_days_left,
        grants,
        inbox,
        to_do,
        overdue,
        links,
    })
}
