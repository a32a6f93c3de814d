//! `POST /api/v1/demands/import`: the Excel import of work items for machine clients. The
//! report has the same rows as the result page.

use axum::Json;
use axum::extract::multipart::MultipartRejection;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Multipart, Query, State};
use axum::response::{IntoResponse, Response};
use jianfu_domain::DomainError;
use jianfu_domain::import::ImportReport;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::access::CurrentUser;
use crate::error::{ApiError, Problem, problem};
use crate::state::AppState;
use crate::views::import::read_upload;

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ImportParams {
    /// The department the demands are drafted for (one the caller belongs to).
    requester_node_id: i64,
    /// Submit each imported row at once: the rules decide, refused rows are stored as rejected.
    #[serde(default)]
    submit: bool,
}

/// The multipart body: one field `file` holding the `.xlsx` file (at most 5 MiB).
#[derive(ToSchema)]
#[allow(dead_code)] // Only describes the body for OpenAPI; the handler reads it as `Multipart`.
pub struct ImportUpload {
    #[schema(value_type = String, format = Binary)]
    file: Vec<u8>,
}

#[derive(Serialize, ToSchema)]
pub struct ImportedRowOut {
    /// Row number as Excel shows it (the header is row 1).
    pub row: u32,
    pub demand_id: i64,
    pub title: String,
    /// `draft`, `submitted` or `rejected`.
    pub status: String,
    /// Clauses the rules applied, e.g. `4.2-6` for a banned category.
    pub clauses: Vec<String>,
}

#[derive(Serialize, ToSchema)]
pub struct ImportFailureOut {
    pub row: u32,
    /// Chinese column header at fault, e.g. `开始日期`.
    pub column: Option<String>,
    /// Stable code, e.g. `date_invalid`, `import_target_not_found`.
    pub code: String,
    /// Chinese explanation.
    pub message: String,
}

#[derive(Serialize, ToSchema)]
pub struct ImportReportOut {
    /// Data rows in the file; each is in `imported` or in `failed`.
    pub total_rows: usize,
    pub imported: Vec<ImportedRowOut>,
    pub failed: Vec<ImportFailureOut>,
}

impl From<ImportReport> for ImportReportOut {
    fn from(r: ImportReport) -> Self {
        Self {
            total_rows: r.total_rows,
            imported: r
                .imported
                .into_iter()
                .map(|i| ImportedRowOut {
                    row: i.row,
                    demand_id: i.demand_id,
                    title: i.title,
                    status: i.status.as_str().into(),
                    clauses: i.clauses,
                })
                .collect(),
            failed: r
                .failed
                .into_iter()
                .map(|f| ImportFailureOut {
                    row: f.row,
                    column: f.column.map(str::to_owned),
                    code: f.code.into(),
                    message: f.message,
                })
                .collect(),
        }
    }
}

/// Imports work items from an Excel file (format: `docs/import.md`). Bad rows are reported
/// with row, column and message and leave nothing behind; the others are imported. Problems with
/// the file as a whole (`import_not_xlsx`, `import_empty`, `import_missing_columns`,
/// `import_too_many_rows`, `import_file_too_large`) import nothing and answer 422 (413 for an
/// oversized body).
#[utoipa::path(post, path = "/api/v1/demands/import", params(ImportParams),
    request_body(content = inline(ImportUpload), content_type = "multipart/form-data"),
    responses((status = 200, body = ImportReportOut), (status = 403, body = Problem), (status = 413, body = Problem), (status = 422, body = Problem)))]
pub async fn import_demands(
    State(s): State<AppState>,
    user: CurrentUser,
    p: Result<Query<ImportParams>, QueryRejection>,
    m: Result<Multipart, MultipartRejection>,
) -> Response {
    let Ok(Query(p)) = p else {
        return problem(
            axum::http::StatusCode::BAD_REQUEST,
            "query_invalid",
            "请在查询参数中给出 requester_node_id（提出部门的节点 ID），可选 submit=true",
            None,
        );
    };
    let up = match read_upload(m).await {
        Ok(up) => up,
        Err((status, code, message)) => return problem(status, code, message, None),
    };
    let Some(file) = up.file.filter(|f| !f.is_empty()) else {
        return ApiError(DomainError::field(
            "file",
            "import_file_required",
            "请在 multipart 字段 file 中上传 Excel 文件",
        ))
        .into_response();
    };
    match s
        .app
        .import_demands(&user.ctx(), p.requester_node_id, &file, p.submit)
        .await
    {
        Ok(r) => Json(ImportReportOut::from(r)).into_response(),
        Err(e) => ApiError(e).into_response(),
    }
}
