//! Returns of admitted report forms (issue 13 §3): the community's to-do of returns due (with
//! its Excel export), the return's page — the web form generated from the fields, pre-filled
//! values marked with their source and day, save a draft, submit, correct, every version — and
//! the filing department's table of its form's returns with completeness, its export and the
//! reminder.

use std::collections::BTreeMap;

use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use jianfu_domain::form_return::{DueReturnView, ReturnInput, ReturnTableView, ReturnView};
use jianfu_domain::page::{Page, every_row};

use crate::access::CurrentUser;
use crate::error::PageError;
use crate::extract::{Form, Path, Query};
use crate::state::AppState;
use crate::views::list::{Cell, Column, ListExport, ListQuery, NoFilter};
use crate::views::{Chrome, DoneQuery, FormError, Shown, is_form_error, list, render};

#[derive(askama::Template)]
#[template(path = "form_returns.html")]
struct TodoPage {
    chrome: Chrome,
    page: Page<DueReturnView>,
    pager: String,
    export: String,
}

/// 报表填报: the reader's communities' returns due.
pub async fn todo(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(q): Query<ListQuery<NoFilter>>,
) -> Response {
    let page = match state.app.list_due_returns(&user.ctx(), q.page()).await {
        Ok(p) => p,
        Err(e) => return PageError(e).into_response(),
    };
    render(
        axum::http::StatusCode::OK,
        &TodoPage {
            chrome: Chrome::new("报表填报", Some(&user), "/form-returns")
                .with_done(q.done.as_deref()),
            pager: list::pager_base("/form-returns", &NoFilter {}),
            export: list::export_href("/form-returns/export.xlsx", &NoFilter {}),
            page,
        },
    )
}

/// The to-do as a workbook (audited as `form_return.export`).
pub async fn todo_export(State(state): State<AppState>, user: CurrentUser) -> Response {
    let ctx = user.ctx();
    let rows = every_row(|r| state.app.list_due_returns(&ctx, r)).await;
    DUE_EXPORT.answer(&state, &user, &NoFilter {}, rows).await
}

const DUE_EXPORT: ListExport<'static, DueReturnView> = ListExport {
    action: "form_return.export",
    target_type: "form_return",
    sheet: "报表填报",
    file_name: "报表填报.xlsx",
    columns: &[
        Column::wide("报表", 24.0, |r| Cell::Text(&r.title)),
        Column::new("表号", |r| Cell::Text(&r.form_number)),
        Column::wide("社区(村)", 16.0, |r| Cell::Text(&r.community_name)),
        Column::new("填报期起", |r| Cell::Text(&r.period_start)),
        Column::new("填报期止", |r| Cell::Text(&r.period_end)),
        Column::new("报送截止", |r| Cell::Text(&r.deadline)),
        Column::new("状态", |r| Cell::Text(r.state_zh)),
        Column::new("逾期", |r| {
            Cell::Text(if r.overdue { "是" } else { "否" })
        }),
        Column::new("版本", |r| Cell::Number(f64::from(r.version))),
    ],
};

#[derive(askama::Template)]
#[template(path = "form_return.html")]
struct ReturnPage {
    chrome: Chrome,
    r: ReturnView,
    error: FormError,
}

fn entered(form: &BTreeMap<String, String>) -> ReturnInput {
    ReturnInput {
        values: form
            .iter()
            .filter_map(|(k, v)| Some((k.strip_prefix("v_")?.to_owned(), v.clone())))
            .collect(),
    }
}

async fn return_page(
    state: &AppState,
    user: &CurrentUser,
    (demand_id, community_id, key): (i64, i64, String),
    shown: Shown<'_, BTreeMap<String, String>>,
) -> Response {
    let mut r = match state
        .app
        .form_return(&user.ctx(), demand_id, community_id, &key)
        .await
    {
        Ok(r) => r,
        Err(e) => return PageError(e).into_response(),
    };
    let Shown {
        entered: typed,
        error,
        status,
        done,
    } = shown;
    if let Some(typed) = typed {
        let input = entered(&typed);
        for f in &mut r.fields {
            let v = input.values.get(&f.code).cloned().unwrap_or_default();
            if v != f.value {
                f.prefill = None;
            }
            f.value = v;
        }
    }
    render(
        status,
        &ReturnPage {
            chrome: Chrome::new("报表填报", Some(user), "/form-returns").with_done(done),
            r,
            error,
        },
    )
}

/// A return: the form generated from the fields, and every version.
pub async fn show(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(at): Path<(i64, i64, String)>,
    Query(q): Query<DoneQuery>,
) -> Response {
    return_page(&state, &user, at, Shown::fresh(q.done.as_deref())).await
}

/// Saves the return as a draft, or submits it (`intent=submit`).
pub async fn save(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(at): Path<(i64, i64, String)>,
    Form(f): Form<BTreeMap<String, String>>,
) -> Response {
    let submit = f.get("intent").is_some_and(|i| i == "submit");
    let (demand_id, community_id, key) = at.clone();
    match state
        .app
        .save_form_return(
            &user.ctx(),
            demand_id,
            community_id,
            &key,
            &entered(&f),
            submit,
        )
        .await
    {
        Ok(_) => Redirect::to(&format!(
            "/form-returns/{demand_id}/{community_id}/{key}?done={}",
            if submit {
                "return_submitted"
            } else {
                "return_saved"
            }
        ))
        .into_response(),
        Err(e) if is_form_error(&e) => return_page(&state, &user, at, Shown::refused(&e, f)).await,
        Err(e) => PageError(e).into_response(),
    }
}

/// Opens a correction of a submitted return (a new version).
pub async fn correct(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(at): Path<(i64, i64, String)>,
) -> Response {
    let (demand_id, community_id, key) = at.clone();
    match state
        .app
        .correct_form_return(&user.ctx(), demand_id, community_id, &key)
        .await
    {
        Ok(_) => Redirect::to(&format!(
            "/form-returns/{demand_id}/{community_id}/{key}?done=return_correcting"
        ))
        .into_response(),
        Err(e) if is_form_error(&e) => {
            return_page(&state, &user, at, Shown::refused(&e, None)).await
        }
        Err(e) => PageError(e).into_response(),
    }
}

#[derive(askama::Template)]
#[template(path = "form_return_table.html")]
struct TablePage {
    chrome: Chrome,
    t: ReturnTableView,
    page: Page<DueReturnView>,
    pager: String,
    export: String,
    error: FormError,
}

async fn table_page(
    state: &AppState,
    user: &CurrentUser,
    id: i64,
    q: &ListQuery<NoFilter>,
    shown: Shown<'_, ()>,
) -> Response {
    let ctx = user.ctx();
    let (t, page) = match (
        state.app.form_return_table(&ctx, id).await,
        state.app.list_form_return_rows(&ctx, id, q.page()).await,
    ) {
        (Ok(t), Ok(p)) => (t, p),
        (Err(e), _) | (_, Err(e)) => return PageError(e).into_response(),
    };
    let base = format!("/report-forms/{id}/returns");
    render(
        shown.status,
        &TablePage {
            chrome: Chrome::new("报表填报情况", Some(user), "/demands").with_done(shown.done),
            pager: list::pager_base(&base, &NoFilter {}),
            export: list::export_href(&format!("{base}/export.xlsx"), &NoFilter {}),
            t,
            page,
            error: shown.error,
        },
    )
}

/// The department's table of its form's returns.
pub async fn table(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
    Query(q): Query<ListQuery<NoFilter>>,
) -> Response {
    let done = q.done.clone();
    table_page(&state, &user, id, &q, Shown::fresh(done.as_deref())).await
}

/// The table as a workbook (audited as `form_return.export`).
pub async fn table_export(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
) -> Response {
    let ctx = user.ctx();
    let rows = every_row(|r| state.app.list_form_return_rows(&ctx, id, r)).await;
    TABLE_EXPORT.answer(&state, &user, &NoFilter {}, rows).await
}

const TABLE_EXPORT: ListExport<'static, DueReturnView> = ListExport {
    action: "form_return.export",
    target_type: "demand",
    sheet: "报表填报情况",
    file_name: "报表填报情况.xlsx",
    columns: &[
        Column::wide("社区(村)", 16.0, |r| Cell::Text(&r.community_name)),
        Column::new("填报期起", |r| Cell::Text(&r.period_start)),
        Column::new("填报期止", |r| Cell::Text(&r.period_end)),
        Column::new("报送截止", |r| Cell::Text(&r.deadline)),
        Column::new("状态", |r| Cell::Text(r.state_zh)),
        Column::new("逾期", |r| {
            Cell::Text(if r.overdue { "是" } else { "否" })
        }),
        Column::new("版本", |r| Cell::Number(f64::from(r.version))),
        Column::new("报送时间", |r| {
            Cell::Text(r.submitted_at.as_deref().unwrap_or(""))
        }),
        Column::wide("填报内容（按字段顺序）", 40.0, |r| {
            Cell::Owned(r.values.join("；"))
        }),
    ],
};

/// Reminds the communities not yet submitted.
pub async fn remind(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
) -> Response {
    match state.app.remind_form_returns(&user.ctx(), id).await {
        Ok(_) => Redirect::to(&format!("/report-forms/{id}/returns?done=returns_reminded"))
            .into_response(),
        Err(e) if is_form_error(&e) => {
            table_page(
                &state,
                &user,
                id,
                &ListQuery::default(),
                Shown::refused(&e, None),
            )
            .await
        }
        Err(e) => PageError(e).into_response(),
    }
}

/// The return as an Excel template to fill offline (issue 13 §3).
pub async fn template(
    State(state): State<AppState>,
    user: CurrentUser,
    Path((demand_id, community_id, key)): Path<(i64, i64, String)>,
) -> Response {
    match state
        .app
        .form_return_template(&user.ctx(), demand_id, community_id, &key)
        .await
    {
        Ok((name, bytes)) => list::download(bytes, XLSX, &name, false),
        Err(e) => PageError(e).into_response(),
    }
}

const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/// Request body limit of the template upload: the 1 MiB file plus the multipart framing.
pub const TEMPLATE_BODY_LIMIT: usize =
    jianfu_domain::form_return_xlsx::MAX_TEMPLATE_BYTES + 64 * 1024;

/// Saves or submits the return from an uploaded template; every problem by row and column.
pub async fn upload(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(at): Path<(i64, i64, String)>,
    m: Result<axum::extract::Multipart, axum::extract::multipart::MultipartRejection>,
) -> Response {
    let (demand_id, community_id, key) = at.clone();
    let up = match crate::views::import::read_upload(m).await {
        Ok(up) => up,
        Err((status, code, message)) => {
            return crate::error::error_page(status, "无法读取上传的文件", message, code);
        }
    };
    let Some(file) = up.file.filter(|f| !f.is_empty()) else {
        let e = jianfu_domain::DomainError::field(
            "file",
            "template_file_required",
            "请选择填好的 Excel 填报模板",
        );
        return return_page(&state, &user, at, Shown::refused(&e, None)).await;
    };
    match state
        .app
        .upload_form_return(&user.ctx(), demand_id, community_id, &key, &file, up.submit)
        .await
    {
        Ok(_) => Redirect::to(&format!(
            "/form-returns/{demand_id}/{community_id}/{key}?done={}",
            if up.submit {
                "return_submitted"
            } else {
                "return_saved"
            }
        ))
        .into_response(),
        Err(e) if is_form_error(&e) => {
            return_page(&state, &user, at, Shown::refused(&e, None)).await
        }
        Err(e) => PageError(e).into_response(),
    }
}
