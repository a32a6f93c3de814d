//! Plaque pages (挂牌, 4.1 and 4.4): the units overview, one unit's registry with the rules'
//! findings and the add form, one plaque (edit, confirm, remove, photo), the removal tasks, and
//! the self-inspection campaigns with their progress and Excel export.

use std::collections::HashMap;

use axum::extract::multipart::MultipartRejection;
use axum::extract::{Multipart, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use jianfu_domain::DomainError;
use jianfu_domain::authz::Action;
use jianfu_domain::page::{Page, PageRequest, every_row};
use jianfu_domain::plaque::{
    CampaignForm, CampaignSummary, CampaignUnitView, CampaignView, PLAQUE_KINDS, PlaqueForm,
    PlaqueView, RemovalTaskView, TaskFilter, UnitRegistry, UnitSummary, UnitSummaryFilter,
};
use jianfu_domain::tree::NodeView;
use serde::Deserialize;

use crate::access::CurrentUser;
use crate::error::PageError;
use crate::extract::{Form, Path, Query};
use crate::state::AppState;
use crate::views::list::{self, Cell, Column, Export, ListExport, ListQuery, NoFilter};
use crate::views::{Chrome, DoneQuery, FormError, Shown, is_form_error, render};

/// Request body limit of a photo upload: one photo of 5 MB and the form's fields.
pub const PHOTO_BODY_LIMIT: usize = jianfu_domain::plaque::MAX_PHOTO_BYTES + 256 * 1024;

/// RFC 3986 encoding of a query value or file name.
fn done_text(code: &str) -> &'static str {
    match code {
        "added" => "已登记；规则检查结果见下方",
        "added_noncompliant" => "已登记；该牌子不符合规定，已生成清理任务",
        "edited" => "已保存修改并重新检查",
        "confirmed" => "已复核",
        "removed" => "已登记清理，牌子状态改为“已清理”",
        "closed" => "清理任务已办结，牌子已登记清理",
        "rechecked" => "已按现行清单复核全部在挂牌子",
        "launched" => "已部署自检自查，各街道(乡镇)须在截止日期前完成",
        "completed" => "已报告本单位自检自查完成",
        _ => "已完成",
    }
}

/// Text fields and the `photo` file of a multipart form.
struct Upload {
    fields: HashMap<String, String>,
    photo: Option<Vec<u8>>,
}

impl Upload {
    fn get(&self, k: &str) -> String {
        self.fields.get(k).cloned().unwrap_or_default()
    }
    fn plaque_form(&self, unit_id: i64) -> PlaqueForm {
        PlaqueForm {
            unit_id,
            name: self.get("name"),
            placement: self.get("placement"),
            kind: self.get("kind"),
            location: self.get("location"),
            since: self.get("since"),
            temporary_demand_id: self
                .fields
                .get("temporary_demand_id")
                .map(|s| s.trim())
                .filter(|s| !s.is_empty())
                .and_then(|s| s.parse().ok()),
        }
    }
}

/// Reads a multipart form: text fields, and the `photo` file (none when the input was left
/// empty). Anything unreadable, or over the body limit, is an error on `photo`.
async fn read_upload(m: Result<Multipart, MultipartRejection>) -> Result<Upload, DomainError> {
    let unreadable = || {
        DomainError::field(
            "photo",
            "upload_unreadable",
            "提交的内容无法识别，或照片超过 5 MB",
        )
    };
    let mut m = m.map_err(|_| unreadable())?;
    let mut up = Upload {
        fields: HashMap::new(),
        photo: None,
    };
    while let Some(field) = m.next_field().await.map_err(|_| unreadable())? {
        let name = field.name().unwrap_or("").to_owned();
        if name == "photo" {
            let bytes = field.bytes().await.map_err(|_| unreadable())?;
            if !bytes.is_empty() {
                up.photo = Some(bytes.to_vec());
            }
            continue;
        }
        let value = field.text().await.map_err(|_| unreadable())?;
        up.fields.insert(name, value);
    }
    Ok(up)
}

fn image_response(content_type: String, bytes: Vec<u8>) -> Response {
    (
        [
            (header::CONTENT_TYPE, content_type),
            (header::CONTENT_DISPOSITION, "inline".to_owned()),
            (header::CACHE_CONTROL, "private, no-store".to_owned()),
        ],
        bytes,
    )
        .into_response()
}

fn today(state: &AppState) -> String {
    jianfu_domain::clock::cst_date(state.app.now_ms())
        .map(|d| d.to_string())
        .unwrap_or_default()
}

// ---------------------------------------------------------------- units overview

#[derive(askama::Template)]
#[template(path = "plaques.html")]
struct UnitsPage {
    chrome: Chrome,
    f: UnitSummaryFilter,
    page: Page<UnitSummary>,
    pager_base: String,
    export_href: String,
}

/// The registries the user sees: their own unit's, or every unit in their jurisdiction.
pub async fn units(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(q): Query<ListQuery<UnitSummaryFilter>>,
) -> Response {
    let req = q.page();
    let f = q.f;
    match state.app.plaque_units(&user.ctx(), &f, req).await {
        Ok(page) => render(
            StatusCode::OK,
            &UnitsPage {
                chrome: Chrome::new("挂牌登记", Some(&user), "/plaques"),
                pager_base: list::pager_base("/plaques", &f),
                export_href: list::export_href("/plaques/export.xlsx", &f),
                f,
                page,
            },
        ),
        Err(e) => PageError(e).into_response(),
    }
}

/// The units overview as the user filtered it, every page, as a workbook (audited).
pub async fn units_export(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(f): Query<UnitSummaryFilter>,
) -> Response {
    let ctx = user.ctx();
    let rows = every_row(|r| state.app.plaque_units(&ctx, &f, r)).await;
    UNIT_EXPORT.answer(&state, &user, &f, rows).await
}

const UNIT_EXPORT: ListExport<'static, UnitSummary> = ListExport {
    action: "plaque.export",
    target_type: "node",
    sheet: "挂牌登记",
    file_name: "挂牌登记.xlsx",
    columns: &[
        Column::wide("单位", 28.0, |u| Cell::Text(&u.name)),
        Column::new("类型", |u| Cell::Text(u.kind_zh)),
        Column::wide("上级", 20.0, |u| Cell::Text(&u.parent_name)),
        Column::new("在挂牌子", |u| Cell::Number(u.counts.hanging as f64)),
        Column::new("不合规", |u| Cell::Number(u.counts.noncompliant as f64)),
        Column::new("待清理任务", |u| {
            Cell::Number(u.counts.open_tasks as f64)
        }),
    ],
};

// ---------------------------------------------------------------- one unit

#[derive(askama::Template)]
#[template(path = "plaque_unit.html")]
struct UnitPage {
    chrome: Chrome,
    r: UnitRegistry,
    form: PlaqueForm,
    error: FormError,
    kinds: [(&'static str, &'static str); 4],
}

async fn unit_page(
    state: &AppState,
    user: &CurrentUser,
    id: i64,
    shown: Shown<'_, PlaqueForm>,
) -> Response {
    let Shown {
        entered: form,
        error,
        status,
        done,
    } = shown;
    let r = match state.app.unit_registry(&user.ctx(), id).await {
        Ok(r) => r,
        Err(e) => return PageError(e).into_response(),
    };
    let mut chrome = Chrome::new(format!("挂牌登记：{}", r.unit.name), Some(user), "/plaques");
    if let Some(d) = done {
        chrome = chrome.with_flash(d != "added_noncompliant", done_text(d));
    }
    let form = form.unwrap_or_else(|| PlaqueForm {
        since: r.today.clone(),
        placement: "outdoor".into(),
        ..Default::default()
    });
    render(
        status,
        &UnitPage {
            chrome,
            r,
            form,
            error,
            kinds: PLAQUE_KINDS,
        },
    )
}

pub async fn unit(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
    Query(d): Query<DoneQuery>,
) -> Response {
    unit_page(&state, &user, id, Shown::fresh(d.done.as_deref())).await
}

/// Adds a plaque to a unit's registry (multipart, with an optional photo).
pub async fn add(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
    m: Result<Multipart, MultipartRejection>,
) -> Response {
    let up = match read_upload(m).await {
        Ok(u) => u,
        Err(e) => return unit_page(&state, &user, id, Shown::refused(&e, None)).await,
    };
    let form = up.plaque_form(id);
    match state
        .app
        .add_plaque(&user.ctx(), &form, up.photo.as_deref())
        .await
    {
        Ok(p) => Redirect::to(&format!(
            "/plaques/units/{id}?done={}#plaque-{}",
            if p.compliant {
                "added"
            } else {
                "added_noncompliant"
            },
            p.id
        ))
        .into_response(),
        Err(e) if is_form_error(&e) => unit_page(&state, &user, id, Shown::refused(&e, form)).await,
        Err(e) => PageError(e).into_response(),
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct RecheckForm {
    /// Return to this campaign's page afterwards.
    campaign_id: Option<i64>,
}

/// Re-checks every hanging plaque of a unit and of its communities (self-inspection).
pub async fn recheck(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
    Form(f): Form<RecheckForm>,
) -> Response {
    match state.app.recheck_unit_plaques(&user.ctx(), id).await {
        Ok(_) => match f.campaign_id {
            Some(c) => Redirect::to(&format!("/campaigns/{c}?done=rechecked")).into_response(),
            None => Redirect::to(&format!("/plaques/units/{id}?done=rechecked")).into_response(),
        },
        Err(e) => PageError(e).into_response(),
    }
}

// ---------------------------------------------------------------- one plaque

#[derive(askama::Template)]
#[template(path = "plaque_detail.html")]
struct DetailPage {
    chrome: Chrome,
    p: PlaqueView,
    form: PlaqueForm,
    error: FormError,
    can_manage: bool,
    is_subdistrict: bool,
    kinds: [(&'static str, &'static str); 4],
    today: String,
}

async fn detail_page(
    state: &AppState,
    user: &CurrentUser,
    id: i64,
    shown: Shown<'_, PlaqueForm>,
) -> Response {
    let Shown {
        entered: form,
        error,
        status,
        done,
    } = shown;
    let ctx = user.ctx();
    let p = match state.app.plaque(&ctx, id).await {
        Ok(p) => p,
        Err(e) => return PageError(e).into_response(),
    };
    let unit: NodeView = match state.app.find_node(p.unit_node_id).await {
        Ok(u) => u,
        Err(e) => return PageError(e).into_response(),
    };
    let mut chrome = Chrome::new(format!("挂牌：{}", p.name), Some(user), "/plaques");
    if let Some(d) = done {
        chrome = chrome.with_flash(true, done_text(d));
    }
    let form = form.unwrap_or_else(|| PlaqueForm {
        unit_id: p.unit_node_id,
        name: p.name.clone(),
        placement: p.placement.clone(),
        kind: p.kind.clone().unwrap_or_default(),
        location: p.location.clone(),
        since: p.since.clone(),
        temporary_demand_id: p.temporary_demand_id,
    });
    render(
        status,
        &DetailPage {
            chrome,
            can_manage: state.app.may_manage_plaques(&ctx, &unit),
            is_subdistrict: unit.kind.is_subdistrict(),
            kinds: PLAQUE_KINDS,
            today: today(state),
            p,
            form,
            error,
        },
    )
}

pub async fn detail(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
    Query(d): Query<DoneQuery>,
) -> Response {
    detail_page(&state, &user, id, Shown::fresh(d.done.as_deref())).await
}

/// Edits a plaque (multipart; a new photo replaces the old one).
pub async fn edit(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
    m: Result<Multipart, MultipartRejection>,
) -> Response {
    let up = match read_upload(m).await {
        Ok(u) => u,
        Err(e) => return detail_page(&state, &user, id, Shown::refused(&e, None)).await,
    };
    let form = up.plaque_form(0);
    match state
        .app
        .edit_plaque(&user.ctx(), id, &form, up.photo.as_deref())
        .await
    {
        Ok(_) => Redirect::to(&format!("/plaques/{id}?done=edited")).into_response(),
        Err(e) if is_form_error(&e) => {
            detail_page(&state, &user, id, Shown::refused(&e, form)).await
        }
        Err(e) => PageError(e).into_response(),
    }
}

pub async fn confirm(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
) -> Response {
    match state.app.confirm_plaque(&user.ctx(), id).await {
        Ok(_) => Redirect::to(&format!("/plaques/{id}?done=confirmed")).into_response(),
        Err(e) if is_form_error(&e) => {
            detail_page(&state, &user, id, Shown::refused(&e, None)).await
        }
        Err(e) => PageError(e).into_response(),
    }
}

/// Takes a plaque off the wall on a date (multipart: the date and an optional photo).
pub async fn remove(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
    m: Result<Multipart, MultipartRejection>,
) -> Response {
    let r = match read_upload(m).await {
        Ok(up) => {
            state
                .app
                .remove_plaque(&user.ctx(), id, &up.get("removed_on"), up.photo.as_deref())
                .await
        }
        Err(e) => Err(e),
    };
    match r {
        Ok(_) => Redirect::to(&format!("/plaques/{id}?done=removed")).into_response(),
        Err(e) if is_form_error(&e) => {
            detail_page(&state, &user, id, Shown::refused(&e, None)).await
        }
        Err(e) => PageError(e).into_response(),
    }
}

pub async fn photo(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
) -> Response {
    match state.app.plaque_photo(&user.ctx(), id).await {
        Ok((t, b)) => image_response(t, b),
        Err(e) => PageError(e).into_response(),
    }
}

// ---------------------------------------------------------------- removal tasks

#[derive(askama::Template)]
#[template(path = "removal_tasks.html")]
struct TasksPage {
    chrome: Chrome,
    status: String,
    page: Page<RemovalTaskView>,
    pager_base: String,
    export_href: String,
    /// The task whose close form failed, and why.
    error_task: i64,
    error: FormError,
    manageable: Vec<i64>,
    today: String,
}

#[derive(Deserialize, Default)]
pub struct TasksQuery {
    #[serde(default)]
    status: String,
    unit: Option<i64>,
    done: Option<String>,
    page: Option<u64>,
    per_page: Option<u64>,
}

async fn tasks_page(
    state: &AppState,
    user: &CurrentUser,
    q: TasksQuery,
    shown: Shown<'_, i64>,
) -> Response {
    let Shown {
        entered: error_task,
        error,
        status,
        ..
    } = shown;
    let ctx = user.ctx();
    let f = TaskFilter {
        status: q.status.clone(),
        unit_id: q.unit,
    };
    let page = match state
        .app
        .list_removal_tasks(&ctx, &f, PageRequest::new(q.page, q.per_page))
        .await
    {
        Ok(p) => p,
        Err(e) => return PageError(e).into_response(),
    };
    let mut manageable = Vec::new();
    for t in &page.items {
        if let Ok(u) = state.app.find_node(t.unit_node_id).await
            && state.app.may_manage_plaques(&ctx, &u)
        {
            manageable.push(t.id);
        }
    }
    let mut chrome = Chrome::new("挂牌清理任务", Some(user), "/removal-tasks");
    if let Some(d) = q.done.as_deref() {
        chrome = chrome.with_flash(true, done_text(d));
    }
    render(
        status,
        &TasksPage {
            chrome,
            pager_base: list::pager_base("/removal-tasks", &tasks_filter(&q)),
            export_href: list::export_href("/removal-tasks/export.xlsx", &tasks_filter(&q)),
            status: q.status,
            page,
            error_task: error_task.unwrap_or(0),
            error,
            manageable,
            today: today(state),
        },
    )
}

impl TasksPage {
    fn may_close(&self, id: &i64) -> bool {
        self.manageable.contains(id)
    }
}

/// The task list's filters as its links carry them (`unit`, not the filter's `unit_id`).
fn tasks_filter(q: &TasksQuery) -> [(&'static str, Option<String>); 2] {
    [
        ("status", Some(q.status.clone())),
        ("unit", q.unit.map(|u| u.to_string())),
    ]
}

/// The removal tasks as the user filtered them, every page, as a workbook (audited).
pub async fn tasks_export(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(q): Query<TasksQuery>,
) -> Response {
    let ctx = user.ctx();
    let f = TaskFilter {
        status: q.status.clone(),
        unit_id: q.unit,
    };
    let rows = every_row(|r| state.app.list_removal_tasks(&ctx, &f, r)).await;
    TASK_EXPORT.answer(&state, &user, &f, rows).await
}

const TASK_EXPORT: ListExport<'static, RemovalTaskView> = ListExport {
    action: "removal_task.export",
    target_type: "removal_task",
    sheet: "清理任务",
    file_name: "挂牌清理任务.xlsx",
    columns: &[
        Column::wide("单位", 24.0, |t| Cell::Text(&t.unit_name)),
        Column::wide("牌子", 36.0, |t| Cell::Text(&t.plaque_name)),
        Column::new("位置", |t| Cell::Text(t.plaque_placement_zh)),
        Column::new("挂牌日期", |t| Cell::Text(&t.plaque_since)),
        Column::new("依据条款", |t| Cell::Text(&t.clause)),
        Column::wide("问题", 40.0, |t| Cell::Text(&t.message)),
        Column::new("应移至", |t| Cell::Text(t.move_to_zh.unwrap_or(""))),
        Column::new("期限", |t| Cell::Text(&t.deadline)),
        Column::new("状态", |t| Cell::Text(t.status_zh)),
        Column::new("逾期", |t| Cell::Text(if t.overdue { "是" } else { "" })),
        Column::new("处理结果", |t| {
            Cell::Text(t.resolution_zh.unwrap_or(""))
        }),
        Column::new("完成日期", |t| {
            Cell::Text(t.closed_on.as_deref().unwrap_or(""))
        }),
        Column::new("经办人", |t| {
            Cell::Text(t.closed_by.as_deref().unwrap_or(""))
        }),
    ],
};

pub async fn tasks(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(q): Query<TasksQuery>,
) -> Response {
    tasks_page(&state, &user, q, Shown::fresh(None)).await
}

/// Closes a removal task with the removal date and an optional photo (multipart).
pub async fn close_task(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
    m: Result<Multipart, MultipartRejection>,
) -> Response {
    let r = match read_upload(m).await {
        Ok(up) => {
            state
                .app
                .close_removal_task(&user.ctx(), id, &up.get("removed_on"), up.photo.as_deref())
                .await
        }
        Err(e) => Err(e),
    };
    match r {
        Ok(_) => Redirect::to("/removal-tasks?done=closed").into_response(),
        Err(e) if is_form_error(&e) => {
            tasks_page(&state, &user, TasksQuery::default(), Shown::refused(&e, id)).await
        }
        Err(e) => PageError(e).into_response(),
    }
}

pub async fn evidence(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
) -> Response {
    match state.app.task_evidence(&user.ctx(), id).await {
        Ok((t, b)) => image_response(t, b),
        Err(e) => PageError(e).into_response(),
    }
}

// ---------------------------------------------------------------- campaigns

#[derive(askama::Template)]
#[template(path = "campaigns.html")]
struct CampaignsPage {
    chrome: Chrome,
    page: Page<CampaignSummary>,
    districts: Vec<NodeView>,
    form: CampaignForm,
    error: FormError,
}

/// The campaigns list has no filter of its own.
type PageQuery = ListQuery<NoFilter>;

async fn campaigns_page(
    state: &AppState,
    user: &CurrentUser,
    q: PageQuery,
    mut shown: Shown<'_, CampaignForm>,
) -> Response {
    let ctx = user.ctx();
    let page = match state.app.list_campaigns(&ctx, q.page()).await {
        Ok(p) => p,
        Err(e) => return PageError(e).into_response(),
    };
    let districts = if user.principal.may(Action::LaunchCampaign) {
        match state.app.campaign_districts(&ctx).await {
            Ok(d) => d,
            Err(e) => return PageError(e).into_response(),
        }
    } else {
        Vec::new()
    };
    render(
        shown.status,
        &CampaignsPage {
            chrome: Chrome::new("挂牌自检自查", Some(user), "/campaigns"),
            page,
            districts,
            form: shown.entered_or_default(),
            error: shown.error,
        },
    )
}

pub async fn campaigns(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(q): Query<PageQuery>,
) -> Response {
    campaigns_page(&state, &user, q, Shown::fresh(None)).await
}

pub async fn launch(
    State(state): State<AppState>,
    user: CurrentUser,
    Form(f): Form<CampaignForm>,
) -> Response {
    match state.app.launch_campaign(&user.ctx(), &f).await {
        Ok(c) => Redirect::to(&format!("/campaigns/{}?done=launched", c.id)).into_response(),
        Err(e) if is_form_error(&e) => {
            campaigns_page(&state, &user, PageQuery::default(), Shown::refused(&e, f)).await
        }
        Err(e) => PageError(e).into_response(),
    }
}

#[derive(askama::Template)]
#[template(path = "campaign.html")]
struct CampaignPage {
    chrome: Chrome,
    c: CampaignView,
    error_unit: i64,
    error: FormError,
}

async fn campaign_page(
    state: &AppState,
    user: &CurrentUser,
    id: i64,
    shown: Shown<'_, i64>,
) -> Response {
    let Shown {
        entered: error_unit,
        error,
        status,
        done,
    } = shown;
    let c = match state.app.campaign(&user.ctx(), id).await {
        Ok(c) => c,
        Err(e) => return PageError(e).into_response(),
    };
    let mut chrome = Chrome::new(c.title.clone(), Some(user), "/campaigns");
    if let Some(d) = done {
        chrome = chrome.with_flash(true, done_text(d));
    }
    render(
        status,
        &CampaignPage {
            chrome,
            c,
            error_unit: error_unit.unwrap_or(0),
            error,
        },
    )
}

pub async fn campaign(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
    Query(d): Query<DoneQuery>,
) -> Response {
    campaign_page(&state, &user, id, Shown::fresh(d.done.as_deref())).await
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct CompleteForm {
    note: String,
}

pub async fn complete(
    State(state): State<AppState>,
    user: CurrentUser,
    Path((id, unit)): Path<(i64, i64)>,
    Form(f): Form<CompleteForm>,
) -> Response {
    match state
        .app
        .complete_self_inspection(&user.ctx(), id, unit, &f.note)
        .await
    {
        Ok(_) => Redirect::to(&format!("/campaigns/{id}?done=completed")).into_response(),
        Err(e) if is_form_error(&e) => {
            campaign_page(&state, &user, id, Shown::refused(&e, unit)).await
        }
        Err(e) => PageError(e).into_response(),
    }
}

/// The campaign's progress and non-compliant plaques as a workbook (audited like every export).
pub async fn export(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
) -> Response {
    let ctx = user.ctx();
    let c = match state.app.campaign(&ctx, id).await {
        Ok(c) => c,
        Err(e) => return PageError(e).into_response(),
    };
    let rows = c.units.len() + c.noncompliant.len();
    let filter = serde_json::json!({ "district": c.district_name });
    if let Err(e) = state
        .app
        .record_export(
            &ctx,
            "campaign.export",
            ("campaign", Some(id)),
            rows,
            filter,
        )
        .await
    {
        return PageError(e).into_response();
    }
    list::xlsx(
        campaign_workbook(&c),
        &format!("{}-自检自查进度.xlsx", c.district_name),
    )
}

/// A campaign's progress per street or town, in its Excel export.
const CAMPAIGN_UNIT_COLUMNS: [Column<CampaignUnitView>; 9] = [
    Column::wide("街道(乡镇)", 18.0, |u| Cell::Text(&u.unit_name)),
    Column::new("状态", |u| Cell::Text(u.state_zh)),
    Column::new("完成日期", |u| {
        Cell::Text(u.completed_on.as_deref().unwrap_or(""))
    }),
    Column::new("报告人", |u| {
        Cell::Text(u.completed_by.as_deref().unwrap_or(""))
    }),
    Column::new("在挂牌子", |u| Cell::Number(u.counts.hanging as f64)),
    Column::new("已复核", |u| Cell::Number(u.rechecked as f64)),
    Column::new("不合规", |u| Cell::Number(u.counts.noncompliant as f64)),
    Column::new("待清理任务", |u| {
        Cell::Number(u.counts.open_tasks as f64)
    }),
    Column::wide("说明", 40.0, |u| {
        Cell::Text(u.note.as_deref().unwrap_or(""))
    }),
];

/// A campaign's noncompliant plaques, with the first reason and the task's deadline.
const NONCOMPLIANT_COLUMNS: [Column<PlaqueView>; 7] = [
    Column::wide("单位", 16.0, |p| Cell::Text(&p.unit_name)),
    Column::wide("牌子名称", 28.0, |p| Cell::Text(&p.name)),
    Column::new("位置", |p| Cell::Text(p.placement_zh)),
    Column::new("悬挂地点", |p| Cell::Text(&p.location)),
    Column::wide("问题", 60.0, |p| {
        Cell::Text(
            p.decision
                .reasons
                .first()
                .map_or("", |r| r.message.as_str()),
        )
    }),
    Column::new("条款", |p| {
        Cell::Text(p.decision.reasons.first().map_or("", |r| r.clause.as_str()))
    }),
    Column::new("清理期限", |p| {
        Cell::Text(p.open_task.as_ref().map_or("", |t| t.deadline.as_str()))
    }),
];

fn campaign_workbook(c: &CampaignView) -> Result<Vec<u8>, rust_xlsxwriter::XlsxError> {
    let lines = [
        c.title.clone(),
        format!(
            "部署日期 {}，截止日期 {}（4.1-3、4.1-7）",
            c.launched_on, c.deadline
        ),
        String::new(),
    ];
    let mut x = Export::new();
    x.sheet("进度", &lines, &CAMPAIGN_UNIT_COLUMNS, &c.units)?
        .sheet("不合规挂牌", &[], &NONCOMPLIANT_COLUMNS, &c.noncompliant)?;
    x.finish()
}
