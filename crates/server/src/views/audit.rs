//! The audit administrator's pages: the filtered, paged log, its Excel export, and the chain
//! check.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use jianfu_domain::audit_log::{AuditFilter, AuditView};
use jianfu_domain::page::Page;

use crate::access::CurrentUser;
use crate::error::PageError;
use crate::extract::Query;
use crate::state::AppState;
use crate::views::list::{self, Cell, Column, Export, ListQuery};
use crate::views::{Chrome, FormError, render};

/// The audit log's query: its filter, page and size.
type AuditQuery = ListQuery<AuditFilter>;

#[derive(askama::Template)]
#[template(path = "audit.html")]
struct AuditPage {
    chrome: Chrome,
    f: AuditFilter,
    page: Page<AuditView>,
    query: String,
    pager_base: String,
    error: FormError,
    verify: Option<(bool, String)>,
}

fn query_string(f: &AuditFilter) -> String {
    serde_urlencoded::to_string(f).unwrap_or_default()
}

async fn page_with(
    state: &AppState,
    user: &CurrentUser,
    q: AuditQuery,
    verify: Option<(bool, String)>,
) -> Response {
    let req = q.page();
    match state.app.list_audit(&user.ctx(), &q.f, req).await {
        Ok(page) => render(
            StatusCode::OK,
            &AuditPage {
                chrome: Chrome::new("审计日志", Some(user), "/audit"),
                query: query_string(&q.f),
                pager_base: list::pager_base("/audit", &q.f),
                f: q.f,
                page,
                error: FormError::default(),
                verify,
            },
        ),
        Err(e) if e.kind == jianfu_domain::ErrorKind::Invalid => render(
            StatusCode::UNPROCESSABLE_ENTITY,
            &AuditPage {
                chrome: Chrome::new("审计日志", Some(user), "/audit"),
                query: String::new(),
                pager_base: "/audit?".into(),
                f: q.f,
                page: Page {
                    items: vec![],
                    total: 0,
                    page: 1,
                    per_page: req.per_page,
                },
                error: FormError::from_domain(&e),
                verify,
            },
        ),
        Err(e) => PageError(e).into_response(),
    }
}

pub async fn list(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(q): Query<AuditQuery>,
) -> Response {
    page_with(&state, &user, q, None).await
}

pub async fn verify(State(state): State<AppState>, user: CurrentUser) -> Response {
    let verdict = match state.app.verify_audit(&user.ctx()).await {
        Ok(r) => match r.broken {
            None => (
                true,
                format!("审计日志完整：共 {} 条，哈希链与签名检查点一致", r.entries),
            ),
            Some(b) => (false, format!("审计日志被篡改：{}", b.describe())),
        },
        Err(e) => return PageError(e).into_response(),
    };
    page_with(&state, &user, AuditQuery::default(), Some(verdict)).await
}

pub async fn export(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(q): Query<AuditQuery>,
) -> Response {
    let rows = match state.app.export_audit(&user.ctx(), &q.f).await {
        Ok(r) => r,
        Err(e) => return PageError(e).into_response(),
    };
    list::xlsx(workbook(&rows), "audit-log.xlsx")
}

/// The audit log's columns in its Excel export.
const COLUMNS: [Column<AuditView>; 9] = [
    Column::new("序号", |r| Cell::Number(r.seq as f64)),
    Column::wide("时间", 20.0, |r| Cell::Text(&r.at_text)),
    Column::new("操作人", |r| Cell::Text(&r.actor_name)),
    Column::new("操作", |r| Cell::Text(r.action_zh)),
    Column::new("操作代码", |r| Cell::Text(&r.action)),
    Column::new("结果", |r| Cell::Text(r.outcome_zh)),
    Column::new("对象", |r| Cell::Text(&r.target)),
    Column::wide("摘要", 60.0, |r| Cell::Text(&r.summary)),
    Column::new("来源地址", |r| Cell::Text(&r.ip)),
];

fn workbook(rows: &[AuditView]) -> Result<Vec<u8>, rust_xlsxwriter::XlsxError> {
    let mut x = Export::new();
    x.sheet("审计日志", &[], &COLUMNS, rows)?;
    x.finish()
}
