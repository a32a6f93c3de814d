//! The shared data dictionary's pages (数据字典, 4.8-3): the list with search, filters, paging
//! and Excel export; an item with its whole history; the administrator's new-item and edit
//! forms (every change a new version).

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use jianfu_domain::authz::Action;
use jianfu_domain::data_dictionary::{
    DataItemDetail, DataItemFilter, DataItemForm, DataItemView, SOURCE_COMMUNITY, UpdateCycle,
};
use jianfu_domain::page::{Page, every_row};
use jianfu_domain::tree::NodeView;
use jianfu_rules::{FieldKind, SharingClass};

use crate::access::CurrentUser;
use crate::error::PageError;
use crate::extract::{Form, Path, Query};
use crate::state::AppState;
use crate::views::list::{self, Cell, Column, ListExport, ListQuery};
use crate::views::{Chrome, FormError, Shown, form_status, is_form_error, render};

/// (value, label) pairs for the selects.
type Choices = Vec<(&'static str, &'static str)>;

fn kinds() -> Choices {
    FieldKind::ALL
        .into_iter()
        .map(|k| (k.as_str(), k.label_zh()))
        .collect()
}

fn classes() -> Choices {
    SharingClass::ALL
        .into_iter()
        .map(|c| (c.as_str(), c.label_zh()))
        .collect()
}

fn cycles() -> Choices {
    UpdateCycle::ALL
        .into_iter()
        .map(|c| (c.as_str(), c.label_zh()))
        .collect()
}

#[derive(askama::Template)]
#[template(path = "dictionary.html")]
struct ListPage {
    chrome: Chrome,
    f: DataItemFilter,
    page: Page<DataItemView>,
    pager_base: String,
    export_href: String,
    kinds: Choices,
    classes: Choices,
    can_manage: bool,
    error: FormError,
}

pub async fn list(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(q): Query<ListQuery<DataItemFilter>>,
) -> Response {
    let req = q.page();
    let f = q.f;
    let (page, error, status) = match state.app.list_data_items(&user.ctx(), &f, req).await {
        Ok(page) => (page, FormError::default(), StatusCode::OK),
        Err(e) if is_form_error(&e) => (
            req.page(Vec::new(), 0),
            FormError::from_domain(&e),
            form_status(&e),
        ),
        Err(e) => return PageError(e).into_response(),
    };
    let mut chrome = Chrome::new("数据字典", Some(&user), "/dictionary");
    if let Some(d) = q.done.as_deref() {
        chrome = chrome.with_flash(true, done_text(d));
    }
    render(
        status,
        &ListPage {
            chrome,
            pager_base: list::pager_base("/dictionary", &f),
            export_href: list::export_href("/dictionary/export.xlsx", &f),
            kinds: kinds(),
            classes: classes(),
            can_manage: user.principal.may(Action::ManageDataDictionary),
            f,
            page,
            error,
        },
    )
}

fn done_text(code: &str) -> &'static str {
    match code {
        "created" => "已新增数据项（第1版）",
        "updated" => "已保存修改，生成新版本；旧版本保留在修改历史中",
        _ => "操作已完成",
    }
}

/// The dictionary as filtered, every page, as a workbook (audited).
pub async fn export(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(f): Query<DataItemFilter>,
) -> Response {
    let ctx = user.ctx();
    let rows = every_row(|r| state.app.list_data_items(&ctx, &f, r)).await;
    DICTIONARY_EXPORT.answer(&state, &user, &f, rows).await
}

const DICTIONARY_EXPORT: ListExport<'static, DataItemView> = ListExport {
    action: "dictionary.export",
    target_type: "data_item",
    sheet: "数据字典",
    file_name: "数据字典.xlsx",
    columns: &[
        Column::new("编码", |d| Cell::Text(&d.code)),
        Column::wide("名称", 20.0, |d| Cell::Text(&d.name)),
        Column::new("数据类型", |d| Cell::Text(&d.kind_zh)),
        Column::wide("选项", 24.0, |d| Cell::Owned(d.options.join("、"))),
        Column::new("计量单位", |d| Cell::Text(&d.unit)),
        Column::wide("定义和统计口径", 40.0, |d| Cell::Text(&d.definition)),
        Column::wide("权威来源", 20.0, |d| Cell::Text(&d.source_name)),
        Column::new("更新周期", |d| Cell::Text(&d.update_cycle_zh)),
        Column::new("共享属性", |d| Cell::Text(&d.sharing_class_zh)),
        Column::wide("共享条件/不予共享依据", 32.0, |d| {
            Cell::Text(&d.sharing_basis)
        }),
        Column::new("个人数据", |d| {
            Cell::Text(if d.personal { "是" } else { "" })
        }),
        Column::new("版本", |d| Cell::Number(f64::from(d.version))),
        Column::new("更新时间", |d| Cell::Text(&d.updated_at)),
    ],
};

#[derive(askama::Template)]
#[template(path = "data_item.html")]
struct DetailPage {
    chrome: Chrome,
    d: DataItemDetail,
    can_manage: bool,
}

pub async fn detail(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(code): Path<String>,
    Query(q): Query<crate::views::DoneQuery>,
) -> Response {
    match state.app.data_item(&user.ctx(), &code).await {
        Ok(d) => {
            let mut chrome = Chrome::new(d.item.name.clone(), Some(&user), "/dictionary");
            if let Some(done) = q.done.as_deref() {
                chrome = chrome.with_flash(true, done_text(done));
            }
            render(
                StatusCode::OK,
                &DetailPage {
                    chrome,
                    can_manage: user.principal.may(Action::ManageDataDictionary),
                    d,
                },
            )
        }
        Err(e) => PageError(e).into_response(),
    }
}

#[derive(askama::Template)]
#[template(path = "data_item_form.html")]
struct FormPage {
    chrome: Chrome,
    heading: String,
    action: String,
    cancel: String,
    is_new: bool,
    form: DataItemForm,
    error: FormError,
    sources: Vec<NodeView>,
    community: &'static str,
    kinds: Choices,
    classes: Choices,
    cycles: Choices,
}

async fn form_page(
    state: &AppState,
    user: &CurrentUser,
    code: Option<&str>,
    shown: Shown<'_, DataItemForm>,
) -> Response {
    let Shown {
        entered,
        error,
        status,
        ..
    } = shown;
    // A new item's source is the community itself until chosen.
    let form = entered.unwrap_or_else(|| DataItemForm {
        source: SOURCE_COMMUNITY.to_owned(),
        ..DataItemForm::default()
    });
    let sources = match state.app.data_item_sources(&user.ctx()).await {
        Ok(s) => s,
        Err(e) => return PageError(e).into_response(),
    };
    let (heading, action, cancel) = match code {
        Some(c) => (
            format!("修改数据项 {c}"),
            format!("/dictionary/{c}"),
            format!("/dictionary/{c}"),
        ),
        None => (
            "新增数据项".to_owned(),
            "/dictionary".to_owned(),
            "/dictionary".to_owned(),
        ),
    };
    render(
        status,
        &FormPage {
            chrome: Chrome::new(heading.clone(), Some(user), "/dictionary"),
            heading,
            action,
            cancel,
            is_new: code.is_none(),
            form,
            error,
            sources,
            community: SOURCE_COMMUNITY,
            kinds: kinds(),
            classes: classes(),
            cycles: cycles(),
        },
    )
}

pub async fn new_form(State(state): State<AppState>, user: CurrentUser) -> Response {
    form_page(&state, &user, None, Shown::fresh(None)).await
}

pub async fn create(
    State(state): State<AppState>,
    user: CurrentUser,
    Form(f): Form<DataItemForm>,
) -> Response {
    match state.app.create_data_item(&user.ctx(), &f).await {
        Ok(v) => Redirect::to(&format!("/dictionary/{}?done=created", v.code)).into_response(),
        Err(e) if is_form_error(&e) => form_page(&state, &user, None, Shown::refused(&e, f)).await,
        Err(e) => PageError(e).into_response(),
    }
}

pub async fn edit_form(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(code): Path<String>,
) -> Response {
    match state.app.data_item(&user.ctx(), &code).await {
        Ok(d) => {
            form_page(
                &state,
                &user,
                Some(d.item.code.as_str()),
                Shown::fresh(None).with(d.item.form()),
            )
            .await
        }
        Err(e) => PageError(e).into_response(),
    }
}

pub async fn update(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(code): Path<String>,
    Form(mut f): Form<DataItemForm>,
) -> Response {
    match state.app.update_data_item(&user.ctx(), &code, &f).await {
        Ok(v) => Redirect::to(&format!("/dictionary/{}?done=updated", v.code)).into_response(),
        Err(e) if is_form_error(&e) => {
            f.code.clone_from(&code);
            form_page(&state, &user, Some(code.as_str()), Shown::refused(&e, f)).await
        }
        Err(e) => PageError(e).into_response(),
    }
}
