//! Demand pages: the list, the draft form, one demand with its rule findings and the actions
//! its viewer may take (submit, admit, reject, register, return, revoke), the public lookup and published lists,
//! the community's refusal report, supervision cases and the burden ledger.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use jianfu_domain::ErrorKind;
use jianfu_domain::authz::Action;
use jianfu_domain::demand::{
    CASE_FILTER_OVERDUE, CaseFilter, CaseStatus, CaseView, DemandFilter, DemandForm, DemandKind,
    DemandStatus, DemandView, Ledger, LedgerRow, LookupResult, ReportForm, form_of,
};
use jianfu_domain::form_draft::FormKind;
use jianfu_domain::page::{Page, every_row};
use jianfu_domain::tree::NodeView;
use serde::Deserialize;

use crate::access::{CurrentUser, MaybeUser};
use crate::error::PageError;
use crate::extract::{Form, Path, Query};
use crate::state::AppState;
use crate::views::list::{self, Cell, Column, Export, ListExport, ListQuery};
use crate::views::{Chrome, DoneQuery, FormError, Shown, is_form_error, render, when};

// ---------------------------------------------------------------- list

#[derive(askama::Template)]
#[template(path = "demands.html")]
struct ListPage {
    chrome: Chrome,
    f: DemandFilter,
    page: Page<DemandView>,
    pager_base: String,
    export_href: String,
    /// The status filter's choices, in the order of the lifecycle.
    statuses: [DemandStatus; 7],
    /// The kind filter's choices.
    kinds: [DemandKind; 6],
    /// This year, for the annual evaluation plan's link.
    this_year: i32,
    can_draft: bool,
    can_request_plaque: bool,
    /// The districts whose agricultural form cap the user reads (4.9-2), as (id, name).
    cap_districts: Vec<(i64, String)>,
}

pub async fn list(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(q): Query<ListQuery<DemandFilter>>,
) -> Response {
    let page = match state.app.list_demands(&user.ctx(), &q.f, q.page()).await {
        Ok(p) => p,
        Err(e) => return PageError(e).into_response(),
    };
    let cap_districts = match state.app.agri_cap_districts(&user.ctx()).await {
        Ok(d) => d,
        Err(e) => return PageError(e).into_response(),
    };
    render(
        StatusCode::OK,
        &ListPage {
            chrome: Chrome::new("事项", Some(&user), "/demands").with_done(q.done.as_deref()),
            pager_base: list::pager_base("/demands", &q.f),
            export_href: list::export_href("/demands/export.xlsx", &q.f),
            statuses: DemandStatus::ALL,
            kinds: DemandKind::ALL,
            this_year: chrono::Datelike::year(&state.app.today()),
            f: q.f,
            page,
            can_draft: user.principal.may(Action::DraftDemand),
            can_request_plaque: user.principal.may(Action::RequestTemporaryPlaque),
            cap_districts,
        },
    )
}

/// The demand list as the user filtered it, every page, as a workbook (audited).
pub async fn export(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(q): Query<ListQuery<DemandFilter>>,
) -> Response {
    let ctx = user.ctx();
    let rows = every_row(|r| state.app.list_demands(&ctx, &q.f, r)).await;
    DEMAND_EXPORT.answer(&state, &user, &q.f, rows).await
}

const DEMAND_EXPORT: ListExport<'static, DemandView> = ListExport {
    action: "demand.export",
    target_type: "demand",
    sheet: "事项清单",
    file_name: "事项清单.xlsx",
    columns: &[
        Column::new("准入编号", |d| {
            Cell::Text(d.admission_number.as_deref().unwrap_or(""))
        }),
        Column::wide("事项名称", 36.0, |d| Cell::Text(&d.title)),
        Column::new("类别", |d| Cell::Text(d.kind_zh)),
        Column::wide("提出部门", 20.0, |d| Cell::Text(&d.requester_name)),
        Column::new("层级", |d| Cell::Text(d.level_zh)),
        Column::new("状态", |d| Cell::Text(d.status_zh)),
        Column::new("社区数", |d| Cell::Number(d.targets.len() as f64)),
        Column::new("每社区年负担(小时)", |d| {
            Cell::Decimal(d.hours_per_community)
        }),
        Column::new("合计年负担(小时)", |d| Cell::Decimal(d.total_hours)),
        Column::new("开始日期", |d| Cell::Text(&d.period_start)),
        Column::new("结束日期", |d| Cell::Text(&d.period_end)),
        Column::new("准入有效期至", |d| {
            Cell::Text(d.valid_to.as_deref().unwrap_or(""))
        }),
        Column::new("依据条款", |d| {
            Cell::Owned(
                d.decision
                    .as_ref()
                    .map(|v| v.clauses.join("、"))
                    .unwrap_or_default(),
            )
        }),
    ],
};

// ---------------------------------------------------------------- form

#[derive(askama::Template)]
#[template(path = "demand_form.html")]
struct FormPage {
    chrome: Chrome,
    /// Where 保存草稿 posts; 提交审核 posts to the same with `submit=1`.
    action: String,
    /// The stashed form (暂存) this page continues, and when it was stashed.
    stash: Option<(i64, String)>,
    form: DemandForm,
    departments: Vec<NodeView>,
    places: Vec<NodeView>,
    categories: Vec<(String, String, bool)>,
    error: FormError,
}

impl FormPage {
    /// 保存草稿's URL: the action, carrying the stash it continues.
    fn save_action(&self) -> String {
        match self.stash {
            Some((s, _)) => format!("{}?stash={s}", self.action),
            None => self.action.clone(),
        }
    }

    /// 提交审核's URL.
    fn submit_action(&self) -> String {
        match self.stash {
            Some((s, _)) => format!("{}?submit=1&stash={s}", self.action),
            None => format!("{}?submit=1", self.action),
        }
    }
}

async fn form_page(
    state: &AppState,
    user: &CurrentUser,
    action: String,
    stash: Option<(i64, String)>,
    shown: Shown<'_, DemandForm>,
) -> Response {
    let Shown {
        entered,
        error,
        status,
        ..
    } = shown;
    let form = entered.unwrap_or_default();
    let (departments, places) = match state.app.drafting_context(&user.ctx()).await {
        Ok(x) => x,
        Err(e) => return PageError(e).into_response(),
    };
    render(
        status,
        &FormPage {
            chrome: Chrome::new("起草事项", Some(user), "/demands"),
            action,
            stash,
            form,
            departments,
            places,
            categories: state.app.demand_categories(),
            error,
        },
    )
}

pub async fn new_form(State(state): State<AppState>, user: CurrentUser) -> Response {
    let form = DemandForm {
        community_role: "assisting".into(),
        target_mode: "communities".into(),
        ..Default::default()
    };
    form_page(
        &state,
        &user,
        "/demands".into(),
        None,
        Shown::fresh(None).with(form),
    )
    .await
}

/// Which button was pressed: 提交审核 posts to `?submit=1` (its `formaction`), 保存草稿 to the
/// plain URL. (The choice cannot ride in a flattened form struct: flattening turns the typed
/// fields into text.) `stash` is the stashed form (暂存) the page continues.
#[derive(Deserialize, Default)]
pub struct SubmitQuery {
    #[serde(default)]
    submit: Option<u8>,
    #[serde(default)]
    stash: Option<i64>,
}

/// 保存草稿 on a new draft: a form that passes its checks becomes a draft demand (and the stash
/// it continued is removed); one that does not yet is stashed (暂存, issue 16) and reopened
/// with what is still missing. 提交审核 checks everything and stashes nothing.
pub async fn create(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(q): Query<SubmitQuery>,
    Form(form): Form<DemandForm>,
) -> Response {
    let ctx = user.ctx();
    let submit = q.submit == Some(1);
    match state.app.create_demand(&ctx, &form, submit).await {
        Ok(d) => {
            if let Some(stash) = q.stash {
                // The stash became this demand. It is the caller's alone, so a stale or foreign
                // id finds nothing; the demand is saved either way.
                let _ = state
                    .app
                    .discard_form_draft(&ctx, FormKind::Demand, stash, Some(d.id))
                    .await;
            }
            Redirect::to(&format!("/demands/{}", d.id)).into_response()
        }
        Err(e) if !submit && e.kind == ErrorKind::Invalid => {
            match state
                .app
                .save_form_draft(&ctx, FormKind::Demand, q.stash, &form.title, &form)
                .await
            {
                Ok(id) => Redirect::to(&FormKind::Demand.href(id)).into_response(),
                Err(e) if is_form_error(&e) => refill(&state, &user, None, form, &e).await,
                Err(e) => PageError(e).into_response(),
            }
        }
        Err(e) if is_form_error(&e) => refill(&state, &user, q.stash, form, &e).await,
        Err(e) => PageError(e).into_response(),
    }
}

/// The new-draft form again, with what was typed and `e`'s problems (continuing `stash`).
async fn refill(
    state: &AppState,
    user: &CurrentUser,
    stash: Option<i64>,
    form: DemandForm,
    e: &jianfu_domain::DomainError,
) -> Response {
    form_page(
        state,
        user,
        "/demands".into(),
        stash.map(|s| (s, String::new())),
        Shown::refused(e, form),
    )
    .await
}

/// A stashed form, reopened by its owner with every problem still in it.
pub async fn stashed_form(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
) -> Response {
    let ctx = user.ctx();
    let stash = match state
        .app
        .form_draft::<DemandForm>(&ctx, FormKind::Demand, id)
        .await
    {
        Ok(s) => s,
        Err(e) => return PageError(e).into_response(),
    };
    let error = match state.app.check_demand_form(&ctx, &stash.form).await {
        Ok(()) => FormError::default(),
        Err(e) if is_form_error(&e) => FormError::from_domain(&e),
        Err(e) => return PageError(e).into_response(),
    };
    form_page(
        &state,
        &user,
        "/demands".into(),
        Some((stash.id, when(stash.updated_at))),
        Shown {
            error,
            ..Shown::fresh(None).with(stash.form)
        },
    )
    .await
}

/// Discards a stashed form.
pub async fn discard_stash(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
) -> Response {
    match state
        .app
        .discard_form_draft(&user.ctx(), FormKind::Demand, id, None)
        .await
    {
        Ok(()) => Redirect::to("/inbox?done=stash_discarded").into_response(),
        Err(e) => PageError(e).into_response(),
    }
}

pub async fn edit_form(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
) -> Response {
    match state.app.demand_detail(&user.ctx(), id).await {
        Ok(d) if d.status == DemandStatus::Draft => {
            form_page(
                &state,
                &user,
                format!("/demands/{id}"),
                None,
                Shown::fresh(None).with(form_of(&d)),
            )
            .await
        }
        Ok(_) => PageError(jianfu_domain::DomainError::conflict(
            "demand_not_draft",
            "只有草稿可以修改",
        ))
        .into_response(),
        Err(e) => PageError(e).into_response(),
    }
}

pub async fn update(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
    Query(q): Query<SubmitQuery>,
    Form(form): Form<DemandForm>,
) -> Response {
    match state
        .app
        .update_demand(&user.ctx(), id, &form, q.submit == Some(1))
        .await
    {
        Ok(d) => Redirect::to(&format!("/demands/{}", d.id)).into_response(),
        Err(e) if is_form_error(&e) => {
            let page = format!("/demands/{id}");
            form_page(&state, &user, page, None, Shown::refused(&e, form)).await
        }
        Err(e) => PageError(e).into_response(),
    }
}

// ---------------------------------------------------------------- one demand

#[derive(askama::Template)]
#[template(path = "demand.html")]
struct DetailPage {
    chrome: Chrome,
    d: DemandView,
    can_edit: bool,
    can_review: bool,
    can_revoke: bool,
    /// The authority may overrule the banned-wording findings of a demand rejected on its words.
    can_overrule: bool,
    /// The list keeper of the demand's level may register it or return it (备案, 4.2-4).
    can_register: bool,
    /// The link to the report form's returns (its own department, once admitted).
    can_see_returns: bool,
    error: FormError,
    created: String,
    reviewed: String,
    revoked: String,
    /// The demand's history: (time, step).
    timeline: Vec<(String, jianfu_domain::timeline::TimelineEntry)>,
}

impl DetailPage {
    /// A report form's statistics-law corner, once admitted.
    fn corner(&self) -> Option<jianfu_domain::report_form::FormCorner> {
        jianfu_domain::report_form::FormCorner::of(&self.d)
    }
}

async fn detail_page(
    state: &AppState,
    user: &CurrentUser,
    id: i64,
    shown: Shown<'_, ()>,
) -> Response {
    let Shown {
        error,
        status,
        done,
        ..
    } = shown;
    let d = match state.app.demand_detail(&user.ctx(), id).await {
        Ok(d) => d,
        Err(e) => return PageError(e).into_response(),
    };
    let moves = match state.app.demand_moves(&user.ctx(), &d).await {
        Ok(m) => m,
        Err(e) => return PageError(e).into_response(),
    };
    let timeline = match state.app.demand_timeline(&d).await {
        Ok(t) => super::timeline(t),
        Err(e) => return PageError(e).into_response(),
    };
    render(
        status,
        &DetailPage {
            chrome: Chrome::new(d.title.clone(), Some(user), "/demands").with_done(done),
            timeline,
            created: when(d.created_at),
            reviewed: d.reviewed_at.map(when).unwrap_or_default(),
            revoked: d.revoked_at.map(when).unwrap_or_default(),
            d,
            can_edit: moves.edit,
            can_review: moves.review,
            can_revoke: moves.revoke,
            can_overrule: moves.overrule,
            can_register: moves.register,
            can_see_returns: moves.returns,
            error,
        },
    )
}

pub async fn detail(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
    Query(done): Query<DoneQuery>,
) -> Response {
    detail_page(&state, &user, id, Shown::fresh(done.done.as_deref())).await
}

async fn after(
    state: &AppState,
    user: &CurrentUser,
    id: i64,
    r: jianfu_domain::Result<DemandView>,
) -> Response {
    match r {
        Ok(_) => Redirect::to(&format!("/demands/{id}")).into_response(),
        Err(e) if is_form_error(&e) => detail_page(state, user, id, Shown::refused(&e, None)).await,
        Err(e) => PageError(e).into_response(),
    }
}

pub async fn submit(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
) -> Response {
    let r = state.app.submit_demand(&user.ctx(), id).await;
    after(&state, &user, id, r).await
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct AdmitForm {
    valid_from: String,
    valid_to: String,
    note: String,
}

pub async fn admit(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
    Form(f): Form<AdmitForm>,
) -> Response {
    let r = state
        .app
        .admit_demand(&user.ctx(), id, &f.valid_from, &f.valid_to, &f.note)
        .await;
    after(&state, &user, id, r).await
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ReasonForm {
    reason: String,
    clause: String,
}

pub async fn reject(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
    Form(f): Form<ReasonForm>,
) -> Response {
    let r = state
        .app
        .reject_demand(&user.ctx(), id, &f.reason, &f.clause)
        .await;
    after(&state, &user, id, r).await
}

pub async fn overrule_wording(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
    Form(f): Form<ReasonForm>,
) -> Response {
    let r = state.app.overrule_wording(&user.ctx(), id, &f.reason).await;
    after(&state, &user, id, r).await
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct RegisterForm {
    /// The checkbox: present (`on`) when ticked.
    basis_checked: String,
    opinion: String,
}

pub async fn register(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
    Form(f): Form<RegisterForm>,
) -> Response {
    let checked = matches!(f.basis_checked.as_str(), "on" | "true" | "1");
    let r = state
        .app
        .register_demand(&user.ctx(), id, checked, &f.opinion)
        .await;
    after(&state, &user, id, r).await
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ReturnForm {
    ground: String,
    reason: String,
}

pub async fn return_registration(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
    Form(f): Form<ReturnForm>,
) -> Response {
    let r = state
        .app
        .return_registration(&user.ctx(), id, &f.ground, &f.reason)
        .await;
    // Back in draft, the demand is its department's alone: the keeper returns to the queue.
    match r {
        Ok(_) => Redirect::to("/demands?status=for_registration&done=registration_returned")
            .into_response(),
        r => after(&state, &user, id, r).await,
    }
}

pub async fn revoke(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
    Form(f): Form<ReasonForm>,
) -> Response {
    let r = state.app.revoke_demand(&user.ctx(), id, &f.reason).await;
    after(&state, &user, id, r).await
}

// ---------------------------------------------------------------- public lookup and lists

#[derive(askama::Template)]
#[template(path = "lookup.html")]
struct LookupPage {
    chrome: Chrome,
    number: String,
    result: Option<LookupResult>,
    error: String,
    can_report: bool,
}

#[derive(Deserialize, Default)]
pub struct LookupQuery {
    number: Option<String>,
}

pub async fn lookup(
    State(state): State<AppState>,
    MaybeUser(user): MaybeUser,
    Query(q): Query<LookupQuery>,
) -> Response {
    let number = q.number.unwrap_or_default();
    let (result, error, status) = if number.trim().is_empty() {
        (None, String::new(), StatusCode::OK)
    } else {
        match state.app.lookup(&number).await {
            Ok(r) => (Some(r), String::new(), StatusCode::OK),
            Err(e) if e.kind == jianfu_domain::ErrorKind::Invalid => {
                (None, e.message, StatusCode::UNPROCESSABLE_ENTITY)
            }
            Err(e) => return PageError(e).into_response(),
        }
    };
    let can_report = user
        .as_ref()
        .is_some_and(|u| u.principal.may(Action::ReportUnadmitted));
    render(
        status,
        &LookupPage {
            chrome: Chrome::new("准入编号查询", user.as_ref(), "/lookup"),
            number,
            result,
            error,
            can_report,
        },
    )
}

#[derive(askama::Template)]
#[template(path = "community_list.html")]
struct CommunityListPage {
    chrome: Chrome,
    community: NodeView,
    items: Vec<DemandView>,
    hours: f64,
    /// How many of the items are evaluations (考核评比, 4.3).
    evaluations: usize,
    can_report: bool,
}

pub async fn community_list(
    State(state): State<AppState>,
    MaybeUser(user): MaybeUser,
    Path(id): Path<i64>,
) -> Response {
    let (community, items, hours) = match state.app.community_list(id).await {
        Ok(x) => x,
        Err(e) => return PageError(e).into_response(),
    };
    let can_report = user.as_ref().is_some_and(|u| {
        u.principal.may(Action::ReportUnadmitted)
            && jianfu_domain::authz::authorize(
                &u.principal,
                Action::ReportUnadmitted,
                &community.target(),
            )
            .is_ok()
    });
    render(
        StatusCode::OK,
        &CommunityListPage {
            chrome: Chrome::new(
                format!("{} 工作事项清单", community.name),
                user.as_ref(),
                "/demands",
            ),
            community,
            evaluations: items.iter().filter(|d| d.evaluation.is_some()).count(),
            items,
            hours,
            can_report,
        },
    )
}

// ---------------------------------------------------------------- refusal reports and cases

#[derive(askama::Template)]
#[template(path = "report.html")]
struct ReportPage {
    chrome: Chrome,
    communities: Vec<NodeView>,
    form: ReportFormView,
    error: FormError,
}

#[derive(Default)]
struct ReportFormView {
    community_id: i64,
    demanding_unit: String,
    description: String,
    claimed_number: String,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ReportQuery {
    number: String,
    community: i64,
    /// Prefilled by a refused on-site check (`/evaluations/visit-check`).
    unit: String,
    description: String,
}

async fn report_page(
    state: &AppState,
    user: &CurrentUser,
    shown: Shown<'_, ReportFormView>,
) -> Response {
    let Shown {
        entered,
        error,
        status,
        ..
    } = shown;
    let form = entered.unwrap_or_default();
    let communities = match state
        .app
        .nodes_where(&user.principal, Action::ReportUnadmitted)
        .await
    {
        Ok(n) => n.into_iter().filter(|n| n.kind.is_community()).collect(),
        Err(e) => return PageError(e).into_response(),
    };
    render(
        status,
        &ReportPage {
            chrome: Chrome::new("拒收并举报未准入事项", Some(user), "/reports/new"),
            communities,
            form,
            error,
        },
    )
}

pub async fn report_form(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(q): Query<ReportQuery>,
) -> Response {
    let form = ReportFormView {
        community_id: q.community,
        claimed_number: q.number,
        demanding_unit: q.unit,
        description: q.description,
    };
    report_page(&state, &user, Shown::fresh(None).with(form)).await
}

pub async fn report_submit(
    State(state): State<AppState>,
    user: CurrentUser,
    Form(f): Form<ReportForm>,
) -> Response {
    match state.app.report_unadmitted(&user.ctx(), &f).await {
        Ok(id) => Redirect::to(&format!("/reports/{id}/filed")).into_response(),
        Err(e) if is_form_error(&e) => {
            let form = ReportFormView {
                community_id: f.community_id,
                demanding_unit: f.demanding_unit,
                description: f.description,
                claimed_number: f.claimed_number,
            };
            report_page(&state, &user, Shown::refused(&e, form)).await
        }
        Err(e) => PageError(e).into_response(),
    }
}

#[derive(askama::Template)]
#[template(path = "report_filed.html")]
struct FiledPage {
    chrome: Chrome,
    id: i64,
}

pub async fn report_filed(user: CurrentUser, Path(id): Path<i64>) -> Response {
    render(
        StatusCode::OK,
        &FiledPage {
            chrome: Chrome::new("已举报", Some(&user), "/reports/new"),
            id,
        },
    )
}

#[derive(askama::Template)]
#[template(path = "cases.html")]
struct CasesPage {
    chrome: Chrome,
    page: Page<CaseView>,
    filter: CaseFilter,
    statuses: [CaseStatus; 7],
    /// The filter value of overdue rectifications.
    overdue: &'static str,
    pager: String,
    export: String,
}

/// The supervision cases the user sees, every page, as a workbook (audited).
pub async fn cases_export(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(f): Query<CaseFilter>,
) -> Response {
    let ctx = user.ctx();
    let rows = every_row(|r| state.app.list_cases(&ctx, &f, r)).await;
    CASE_EXPORT.answer(&state, &user, &f, rows).await
}

const CASE_EXPORT: ListExport<'static, CaseView> = ListExport {
    action: "case.export",
    target_type: "case",
    sheet: "问题线索",
    file_name: "问题线索.xlsx",
    columns: &[
        Column::new("编号", |c| Cell::Number(c.id as f64)),
        Column::wide("时间", 20.0, |c| Cell::Owned(when(c.created_at))),
        Column::new("类型", |c| Cell::Text(c.kind_zh)),
        Column::wide("单位", 20.0, |c| Cell::Text(&c.community_name)),
        Column::wide("下派单位或责任单位", 20.0, |c| {
            Cell::Text(&c.demanding_unit)
        }),
        Column::wide("情况", 40.0, |c| Cell::Text(&c.description)),
        Column::new("所称准入编号", |c| {
            Cell::Text(c.claimed_number.as_deref().unwrap_or(""))
        }),
        Column::new("依据条款", |c| Cell::Text(&c.finding.clause)),
        Column::wide("认定", 40.0, |c| Cell::Text(&c.finding.message)),
        Column::new("状态", |c| Cell::Text(c.status.label_zh())),
        Column::new("逾期", |c| {
            Cell::Text(if c.overdue { "逾期" } else { "" })
        }),
        Column::wide("逾期上报", 12.0, |c| Cell::Text(&c.escalated_to)),
    ],
};

impl CasesPage {
    fn when(&self, ms: &i64) -> String {
        when(*ms)
    }
}

pub async fn cases(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(q): Query<ListQuery<CaseFilter>>,
) -> Response {
    let req = q.page();
    let filter = q.f;
    match state.app.list_cases(&user.ctx(), &filter, req).await {
        Ok(page) => render(
            StatusCode::OK,
            &CasesPage {
                chrome: Chrome::new("问题线索", Some(&user), "/cases"),
                page,
                pager: list::pager_base("/cases", &filter),
                export: list::export_href("/cases/export.xlsx", &filter),
                statuses: CaseStatus::ALL,
                overdue: CASE_FILTER_OVERDUE,
                filter,
            },
        ),
        Err(e) => PageError(e).into_response(),
    }
}

// ---------------------------------------------------------------- ledger

#[derive(askama::Template)]
#[template(path = "ledger.html")]
struct LedgerPage {
    chrome: Chrome,
    l: Ledger,
    scopes: Vec<NodeView>,
    sort: String,
}

#[derive(Deserialize, Default)]
pub struct LedgerQuery {
    scope: Option<i64>,
    sort: Option<String>,
}

fn sort_ledger(l: &mut Ledger, sort: &str) {
    let key = |rows: &mut Vec<jianfu_domain::demand::LedgerRow>| match sort {
        "name" => rows.sort_by(|a, b| a.name.cmp(&b.name)),
        "demands" => rows.sort_by(|a, b| b.demands.cmp(&a.demands).then(a.name.cmp(&b.name))),
        _ => {}
    };
    key(&mut l.by_community);
    key(&mut l.by_department);
}

pub async fn ledger(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(q): Query<LedgerQuery>,
) -> Response {
    let ctx = user.ctx();
    let mut l = match state.app.ledger(&ctx, q.scope).await {
        Ok(l) => l,
        Err(e) => return PageError(e).into_response(),
    };
    let sort = q.sort.unwrap_or_else(|| "hours".into());
    sort_ledger(&mut l, &sort);
    // Places one may switch to: the city and districts within the user's ledger scopes.
    let scopes = state
        .app
        .nodes_where(&user.principal, Action::ViewLedger)
        .await
        .unwrap_or_default()
        .into_iter()
        .filter(|n| {
            !matches!(
                n.kind,
                jianfu_domain::division::NodeKind::Department
                    | jianfu_domain::division::NodeKind::Community
                    | jianfu_domain::division::NodeKind::Village
            )
        })
        .collect();
    render(
        StatusCode::OK,
        &LedgerPage {
            chrome: Chrome::new("负担台账", Some(&user), "/ledger"),
            l,
            scopes,
            sort,
        },
    )
}

pub async fn ledger_export(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(q): Query<LedgerQuery>,
) -> Response {
    let ctx = user.ctx();
    let l = match state.app.ledger(&ctx, q.scope).await {
        Ok(l) => l,
        Err(e) => return PageError(e).into_response(),
    };
    let rows = l.by_community.len() + l.by_department.len();
    let filter = serde_json::json!({ "scope": l.scope.name });
    let target = ("node", Some(l.scope.id));
    if let Err(e) = state
        .app
        .record_export(&ctx, "ledger.export", target, rows, filter)
        .await
    {
        return PageError(e).into_response();
    }
    list::xlsx(ledger_workbook(&l), "burden-ledger.xlsx")
}

/// The ledger's columns in its Excel export; `parent` heads the second column.
fn ledger_columns(parent: &'static str) -> [Column<LedgerRow>; 4] {
    [
        Column::wide("名称", 28.0, |r| Cell::Text(&r.name)),
        Column::wide(parent, 20.0, |r| Cell::Text(&r.parent)),
        Column::new("事项数", |r| Cell::Number(r.demands as f64)),
        Column::new("年负担(小时)", |r| Cell::Decimal(r.hours_per_year)),
    ]
}

fn ledger_workbook(l: &Ledger) -> Result<Vec<u8>, rust_xlsxwriter::XlsxError> {
    let title = [format!("{} 负担台账（截至 {}）", l.scope.name, l.as_of)];
    let mut x = Export::new();
    x.sheet(
        "按社区",
        &title,
        &ledger_columns("所属街道(乡镇)"),
        &l.by_community,
    )?
    .sheet(
        "按部门",
        &title,
        &ledger_columns("所属层级"),
        &l.by_department,
    )?;
    x.finish()
}
