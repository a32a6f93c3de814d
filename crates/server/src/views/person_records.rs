//! Person-level records and the access log as pages (issue 13 §4, 4.8-3): `/person-records`,
//! where a community's staff add and list their records and export them with a purpose
//! (masked unless the head asks for full numbers); `/me/data-access`, a resident's reads of
//! their own data by others; `/data-access`, every read for the audit administrator, with
//! filters, paging and an Excel export.

use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use jianfu_domain::page::{Page, every_row};
use jianfu_domain::person_record::{
    AccessParties, AccessQuery, DataAccessView, MyDataAccess, PersonExportRow, PersonRecordForm,
    PersonRecordView,
};
use jianfu_domain::tree::NodeView;
use serde::{Deserialize, Serialize};

use crate::access::CurrentUser;
use crate::error::PageError;
use crate::extract::{Form, Query};
use crate::state::AppState;
use crate::views::list::{self, Cell, Column, Export, ListExport, ListQuery, NoFilter};
use crate::views::{Chrome, FormError, Shown, is_form_error, render};

/// The record list's filters.
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
pub struct RecordFilter {
    #[serde(default)]
    pub item: String,
    #[serde(default)]
    pub q: String,
}

/// The export form: item, purpose, and full ID numbers (the head only).
#[derive(Clone, Debug, Default, Deserialize)]
pub struct ExportForm {
    #[serde(default)]
    pub item_code: String,
    #[serde(default)]
    pub purpose: String,
    #[serde(default)]
    pub clear_id: Option<String>,
}

/// What a refused form on the page was: the new record or the export.
#[derive(Default)]
pub struct Entered {
    record: PersonRecordForm,
    export: ExportForm,
}

#[derive(askama::Template)]
#[template(path = "person_records.html")]
struct RecordsPage {
    chrome: Chrome,
    community: NodeView,
    items: Vec<(String, String)>,
    filter: RecordFilter,
    page: Page<PersonRecordView>,
    pager: String,
    may_clear: bool,
    record: PersonRecordForm,
    export: ExportForm,
    error: FormError,
}

async fn records_page(
    state: &AppState,
    user: &CurrentUser,
    q: &ListQuery<RecordFilter>,
    mut shown: Shown<'_, Entered>,
) -> Response {
    let ctx = user.ctx();
    let (community, may_clear) = match state.app.record_community(&ctx).await {
        Ok(c) => c,
        Err(e) => return PageError(e).into_response(),
    };
    let items = match state.app.person_record_items().await {
        Ok(i) => i,
        Err(e) => return PageError(e).into_response(),
    };
    let page = match state
        .app
        .list_person_records(
            &ctx,
            community.id,
            Some(q.f.item.as_str()),
            Some(q.f.q.as_str()),
            q.page(),
        )
        .await
    {
        Ok(p) => p,
        Err(e) => return PageError(e).into_response(),
    };
    let entered = shown.entered_or_default();
    render(
        shown.status,
        &RecordsPage {
            chrome: Chrome::new("人员明细", Some(user), "/person-records").with_done(shown.done),
            pager: list::pager_base("/person-records", &q.f),
            community,
            items,
            filter: q.f.clone(),
            page,
            may_clear,
            record: entered.record,
            export: entered.export,
            error: shown.error,
        },
    )
}

/// 人员明细: the community's records, the form to add one and the export form.
pub async fn list(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(q): Query<ListQuery<RecordFilter>>,
) -> Response {
    let done = q.done.clone();
    records_page(&state, &user, &q, Shown::fresh(done.as_deref())).await
}

/// Adds a record of a person to the caller's community.
pub async fn create(
    State(state): State<AppState>,
    user: CurrentUser,
    Form(f): Form<PersonRecordForm>,
) -> Response {
    let ctx = user.ctx();
    let community = match state.app.record_community(&ctx).await {
        Ok((c, _)) => c,
        Err(e) => return PageError(e).into_response(),
    };
    match state.app.add_person_record(&ctx, community.id, &f).await {
        Ok(_) => Redirect::to("/person-records?done=person_record_created").into_response(),
        Err(e) if is_form_error(&e) => {
            let entered = Entered {
                record: f,
                export: ExportForm::default(),
            };
            records_page(
                &state,
                &user,
                &ListQuery::default(),
                Shown::refused(&e, entered),
            )
            .await
        }
        Err(e) => PageError(e).into_response(),
    }
}

const RECORD_COLUMNS: &[Column<PersonExportRow>] = &[
    Column::new("数据项", |r| Cell::Text(&r.item_name)),
    Column::new("姓名", |r| Cell::Text(&r.name)),
    Column::wide("身份证号", 22.0, |r| Cell::Text(&r.id_number)),
    Column::wide("说明", 40.0, |r| Cell::Text(&r.details)),
    Column::new("登记时间", |r| Cell::Text(&r.created_at)),
];

/// Exports the community's records of one item with a purpose (audited in the use case; a
/// clear export is also in the access log).
pub async fn export(
    State(state): State<AppState>,
    user: CurrentUser,
    Form(f): Form<ExportForm>,
) -> Response {
    let ctx = user.ctx();
    let community = match state.app.record_community(&ctx).await {
        Ok((c, _)) => c,
        Err(e) => return PageError(e).into_response(),
    };
    let clear = f.clear_id.is_some();
    match state
        .app
        .export_person_records(&ctx, community.id, &f.item_code, &f.purpose, clear)
        .await
    {
        Ok(rows) => {
            let mut x = Export::new();
            let title = format!(
                "{}人员明细（{}；用途：{}）",
                community.name,
                if clear {
                    "含完整身份证号"
                } else {
                    "身份证号已脱敏"
                },
                f.purpose.trim()
            );
            if let Err(e) = x.sheet("人员明细", &[title], RECORD_COLUMNS, &rows) {
                return list::xlsx(Err(e), "人员明细.xlsx");
            }
            list::xlsx(x.finish(), "人员明细.xlsx")
        }
        Err(e) if is_form_error(&e) => {
            let entered = Entered {
                record: PersonRecordForm::default(),
                export: f,
            };
            records_page(
                &state,
                &user,
                &ListQuery::default(),
                Shown::refused(&e, entered),
            )
            .await
        }
        Err(e) => PageError(e).into_response(),
    }
}

#[derive(askama::Template)]
#[template(path = "my_data_access.html")]
struct MinePage {
    chrome: Chrome,
    mine: MyDataAccess,
    pager: String,
}

/// 我的数据被读取记录: who read the resident's records, newest first.
pub async fn mine(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(q): Query<ListQuery<NoFilter>>,
) -> Response {
    match state.app.my_data_access(&user.ctx(), q.page()).await {
        Ok(mine) => render(
            axum::http::StatusCode::OK,
            &MinePage {
                chrome: Chrome::new("我的数据被读取记录", Some(&user), "/me/data-access"),
                mine,
                pager: list::pager_base("/me/data-access", &NoFilter::default()),
            },
        ),
        Err(e) => PageError(e).into_response(),
    }
}

#[derive(askama::Template)]
#[template(path = "data_access.html")]
struct LogPage {
    chrome: Chrome,
    /// The filters' choices: the units, communities and items the log names.
    parties: AccessParties,
    /// The unit, community and item picked (trimmed; empty: all).
    picked: (String, String, String),
    filter: AccessQuery,
    page: Page<DataAccessView>,
    pager: String,
    export: String,
    error: FormError,
}

/// 个人数据访问记录: every read, with filters and paging (the audit administrator).
pub async fn log(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(q): Query<ListQuery<AccessQuery>>,
) -> Response {
    let parties = match state.app.data_access_parties(&user.ctx()).await {
        Ok(p) => p,
        Err(e) => return PageError(e).into_response(),
    };
    let (page, status, error) = match state
        .app
        .list_data_access(&user.ctx(), &q.f, q.page())
        .await
    {
        Ok(p) => (p, axum::http::StatusCode::OK, FormError::default()),
        Err(e) if is_form_error(&e) => {
            let page = q.page();
            (
                page.page(Vec::new(), 0),
                crate::views::form_status(&e),
                FormError::from_domain(&e),
            )
        }
        Err(e) => return PageError(e).into_response(),
    };
    render(
        status,
        &LogPage {
            chrome: Chrome::new("个人数据访问记录", Some(&user), "/data-access"),
            pager: list::pager_base("/data-access", &q.f),
            export: list::export_href("/data-access/export.xlsx", &q.f),
            parties,
            picked: (picked(&q.f.unit), picked(&q.f.community), picked(&q.f.item)),
            filter: q.f,
            page,
            error,
        },
    )
}

/// A filter's value as the selects compare it.
fn picked(v: &Option<String>) -> String {
    v.as_deref().map(str::trim).unwrap_or("").to_owned()
}

const ACCESS_EXPORT: ListExport<DataAccessView> = ListExport {
    action: "data_access.export",
    target_type: "data_access",
    sheet: "个人数据访问记录",
    file_name: "个人数据访问记录.xlsx",
    columns: &[
        Column::new("时间", |r| Cell::Text(&r.at)),
        Column::new("读取人", |r| Cell::Text(&r.reader_name)),
        Column::wide("读取单位", 24.0, |r| Cell::Text(&r.reader_unit_name)),
        Column::new("社区(村)", |r| Cell::Text(&r.community_name)),
        Column::new("数据项", |r| Cell::Text(&r.item_name)),
        Column::new("人员明细编号", |r| Cell::Number(r.record_id as f64)),
        Column::wide("用途", 30.0, |r| Cell::Text(&r.purpose)),
        Column::new("方式", |r| Cell::Text(r.channel_zh)),
        Column::new("完整身份证号", |r| {
            Cell::Text(if r.clear_id { "是" } else { "否" })
        }),
    ],
};

/// The access log under the same filters as Excel (audited `data_access.export`).
pub async fn log_export(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(q): Query<ListQuery<AccessQuery>>,
) -> Response {
    let ctx = user.ctx();
    let rows = every_row(|r| state.app.list_data_access(&ctx, &q.f, r)).await;
    ACCESS_EXPORT.answer(&state, &user, &q.f, rows).await
}
