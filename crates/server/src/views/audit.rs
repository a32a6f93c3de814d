//! The audit administrator's pages: the filtered, paged log, its Excel export, and the chain
//! check.

use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use jianfu_domain::audit_log::{AuditFilter, AuditView};
use jianfu_domain::page::{Page, PageRequest};
use rust_xlsxwriter::{Format, Workbook};
use serde::Deserialize;

use crate::access::CurrentUser;
use crate::error::PageError;
use crate::extract::Query;
use crate::state::AppState;
use crate::views::{Chrome, FormError, render};

#[derive(Deserialize, Default)]
pub struct AuditQuery {
    #[serde(flatten)]
    filter: AuditFilter,
    page: Option<u64>,
    per_page: Option<u64>,
}

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
    let req = PageRequest::new(q.page, q.per_page);
    match state.app.list_audit(&user.ctx(), &q.filter, req).await {
        Ok(page) => render(
            StatusCode::OK,
            &AuditPage {
                chrome: Chrome::new("审计日志", Some(user), "/audit"),
                query: query_string(&q.filter),
                pager_base: format!("/audit?{}&", query_string(&q.filter)),
                f: q.filter,
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
                f: q.filter,
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
    let rows = match state.app.export_audit(&user.ctx(), &q.filter).await {
        Ok(r) => r,
        Err(e) => return PageError(e).into_response(),
    };
    match workbook(&rows) {
        Ok(bytes) => (
            [
                (
                    header::CONTENT_TYPE,
                    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                ),
                (
                    header::CONTENT_DISPOSITION,
                    "attachment; filename=\"audit-log.xlsx\"",
                ),
            ],
            bytes,
        )
            .into_response(),
        Err(e) => {
            tracing::error!(error = %e, "xlsx export failed");
            PageError(jianfu_domain::DomainError::internal()).into_response()
        }
    }
}

fn workbook(rows: &[AuditView]) -> Result<Vec<u8>, rust_xlsxwriter::XlsxError> {
    let mut wb = Workbook::new();
    let sheet = wb.add_worksheet();
    sheet.set_name("审计日志")?;
    let bold = Format::new().set_bold();
    let headers = [
        "序号",
        "时间",
        "操作人",
        "操作",
        "操作代码",
        "结果",
        "对象",
        "摘要",
        "来源地址",
    ];
    for (c, h) in headers.iter().enumerate() {
        sheet.write_string_with_format(0, c as u16, *h, &bold)?;
    }
    for (i, r) in rows.iter().enumerate() {
        let row = (i + 1) as u32;
        sheet.write_number(row, 0, r.seq as f64)?;
        sheet.write_string(row, 1, &r.at_text)?;
        sheet.write_string(row, 2, &r.actor_name)?;
        sheet.write_string(row, 3, r.action_zh)?;
        sheet.write_string(row, 4, &r.action)?;
        sheet.write_string(row, 5, r.outcome_zh)?;
        sheet.write_string(row, 6, &r.target)?;
        sheet.write_string(row, 7, &r.summary)?;
        sheet.write_string(row, 8, &r.ip)?;
    }
    sheet.set_column_width(1, 20)?;
    sheet.set_column_width(7, 60)?;
    sheet.set_freeze_panes(1, 0)?;
    wb.save_to_buffer()
}
