//! Returns of admitted report forms over the API (issue 13 §3): the twins of `/form-returns`
//! and `/report-forms/{id}/returns` — the community's returns due, one return with its fields
//! and versions, saving or submitting it, correcting it, and the filing department's table
//! with completeness and the reminder.

use std::collections::BTreeMap;

use axum::Json;
use axum::extract::State;
use jianfu_domain::form_return::{
    DueReturnView, ReturnFieldView, ReturnInput, ReturnTableView, ReturnVersionView, ReturnView,
};
use jianfu_domain::page::PageRequest;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::access::CurrentUser;
use crate::api::{PageOut, PageParams};
use crate::error::{ApiError, Problem};
use crate::extract::{Json as Body, Path, Query};
use crate::state::AppState;

/// One period's return of a form, on a to-do or in a department's table.
#[derive(Serialize, ToSchema)]
pub struct DueReturnOut {
    pub demand_id: i64,
    pub title: String,
    /// 表号 (the admission number).
    pub form_number: String,
    pub community_id: i64,
    pub community_name: String,
    /// The period's first day (`YYYY-MM-DD`), its key in the return's path.
    pub period_key: String,
    pub period_start: String,
    pub period_end: String,
    pub deadline: String,
    /// 未填报 / 草稿 / 已报送 / 更正中.
    pub state_zh: String,
    pub submitted: bool,
    pub overdue: bool,
    pub version: i32,
    pub submitted_at: Option<String>,
    /// The latest submitted values in the asked fields' order (department table only).
    pub values: Vec<String>,
}

impl From<DueReturnView> for DueReturnOut {
    fn from(r: DueReturnView) -> Self {
        Self {
            demand_id: r.demand_id,
            title: r.title,
            form_number: r.form_number,
            community_id: r.community_id,
            community_name: r.community_name,
            period_key: r.period_key,
            period_start: r.period_start,
            period_end: r.period_end,
            deadline: r.deadline,
            state_zh: r.state_zh.to_owned(),
            submitted: r.submitted,
            overdue: r.overdue,
            version: r.version,
            submitted_at: r.submitted_at,
            values: r.values,
        }
    }
}

/// One field of a return.
#[derive(Serialize, ToSchema)]
pub struct ReturnFieldOut {
    /// The name a problem's `field` gives (`f1` … in the form's order).
    pub slot: String,
    pub code: String,
    pub name: String,
    /// `integer`, `decimal`, `text`, `date`, `choice` or `person_record`.
    pub kind: String,
    pub unit: String,
    pub options: Vec<String>,
    pub value: String,
    /// Where a pre-filled value comes from (the form and day), 4.8-3.
    pub prefill: Option<String>,
    /// Not asked: the named department's shared data fills it.
    pub shared_from: Option<String>,
    pub online: bool,
}

impl From<ReturnFieldView> for ReturnFieldOut {
    fn from(f: ReturnFieldView) -> Self {
        Self {
            slot: f.slot.to_owned(),
            code: f.code,
            name: f.name,
            kind: f.kind,
            unit: f.unit,
            options: f.options,
            value: f.value,
            prefill: f.prefill,
            shared_from: f.shared_from,
            online: f.online,
        }
    }
}

/// One kept version of a return.
#[derive(Serialize, ToSchema)]
pub struct ReturnVersionOut {
    pub version: i32,
    /// `draft` or `submitted`.
    pub state: String,
    pub saved_by: String,
    pub saved_at: String,
    pub submitted_at: Option<String>,
    /// (field name, value) pairs.
    pub values: Vec<(String, String)>,
}

impl From<ReturnVersionView> for ReturnVersionOut {
    fn from(v: ReturnVersionView) -> Self {
        Self {
            version: v.version,
            state: v.state.as_str().to_owned(),
            saved_by: v.saved_by,
            saved_at: v.saved_at,
            submitted_at: v.submitted_at,
            values: v.values,
        }
    }
}

/// A community's return of one period.
#[derive(Serialize, ToSchema)]
pub struct FormReturnOut {
    pub demand_id: i64,
    pub title: String,
    pub form_number: String,
    pub community_id: i64,
    pub community_name: String,
    pub period_key: String,
    pub period_start: String,
    pub period_end: String,
    pub deadline: String,
    /// The last day a late return or a correction is taken.
    pub closes: String,
    pub period_zh: String,
    pub overdue: bool,
    /// `draft` or `submitted`; none before the first save.
    pub state: Option<String>,
    pub version: i32,
    pub editable: bool,
    pub can_correct: bool,
    pub fields: Vec<ReturnFieldOut>,
    pub history: Vec<ReturnVersionOut>,
    pub clauses: Vec<String>,
}

impl From<ReturnView> for FormReturnOut {
    fn from(r: ReturnView) -> Self {
        Self {
            demand_id: r.demand_id,
            title: r.title,
            form_number: r.form_number,
            community_id: r.community_id,
            community_name: r.community_name,
            period_key: r.period_key,
            period_start: r.period_start,
            period_end: r.period_end,
            deadline: r.deadline,
            closes: r.closes,
            period_zh: r.period_zh.to_owned(),
            overdue: r.overdue,
            state: r.state.map(|s| s.as_str().to_owned()),
            version: r.version,
            editable: r.editable,
            can_correct: r.can_correct,
            fields: r.fields.into_iter().map(ReturnFieldOut::from).collect(),
            history: r.history.into_iter().map(ReturnVersionOut::from).collect(),
            clauses: r.clauses,
        }
    }
}

/// A department's table of its form's returns.
#[derive(Serialize, ToSchema)]
pub struct ReturnTableOut {
    pub demand_id: i64,
    pub title: String,
    pub form_number: String,
    /// The asked fields' names, the columns of `rows[].values`.
    pub fields: Vec<String>,
    pub due: usize,
    pub submitted: usize,
    pub overdue: usize,
    pub unsubmitted_communities: usize,
    pub rows: Vec<DueReturnOut>,
}

impl From<ReturnTableView> for ReturnTableOut {
    fn from(t: ReturnTableView) -> Self {
        Self {
            demand_id: t.demand_id,
            title: t.title,
            form_number: t.form_number,
            fields: t.fields,
            due: t.due,
            submitted: t.submitted,
            overdue: t.overdue,
            unsubmitted_communities: t.unsubmitted_communities,
            rows: t.rows.into_iter().map(DueReturnOut::from).collect(),
        }
    }
}

/// The returns due of the caller's communities (begun, not closed), overdue first.
#[utoipa::path(get, path = "/api/v1/form-returns", params(PageParams),
    responses((status = 200, body = PageOut<DueReturnOut>), (status = 403, body = Problem), (status = 422, body = Problem)))]
pub async fn due(
    State(s): State<AppState>,
    user: CurrentUser,
    Query(p): Query<PageParams>,
) -> Result<Json<PageOut<DueReturnOut>>, ApiError> {
    let req = PageRequest::parse(p.page, p.per_page)?;
    let page = s.app.list_due_returns(&user.ctx(), req).await?;
    Ok(Json(PageOut {
        items: page.items.into_iter().map(DueReturnOut::from).collect(),
        total: page.total,
        page: page.page,
        per_page: page.per_page,
    }))
}

/// One return: its fields (pre-filled values with their source) and every version.
#[utoipa::path(get, path = "/api/v1/form-returns/{demand_id}/{community_id}/{period_key}",
    params(("demand_id" = i64, Path), ("community_id" = i64, Path), ("period_key" = String, Path)),
    responses((status = 200, body = FormReturnOut), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn get(
    State(s): State<AppState>,
    user: CurrentUser,
    Path((demand_id, community_id, key)): Path<(i64, i64, String)>,
) -> Result<Json<FormReturnOut>, ApiError> {
    Ok(Json(
        s.app
            .form_return(&user.ctx(), demand_id, community_id, &key)
            .await?
            .into(),
    ))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FormReturnIn {
    /// Data item code → value; an asked field left out stays empty.
    #[serde(default)]
    pub values: BTreeMap<String, String>,
    /// Submit (every asked field required); otherwise saved as a draft.
    #[serde(default)]
    pub submit: bool,
}

/// Saves or submits a return. A value not of its field's type: 422 `return_value_invalid`
/// (field `fN`, every problem in `errors`); a period not begun or closed: 422
/// `return_period_not_due` / `return_period_closed`; submitted already: 409
/// `return_already_submitted` (correct it first); another community's: 403.
#[utoipa::path(post, path = "/api/v1/form-returns/{demand_id}/{community_id}/{period_key}",
    params(("demand_id" = i64, Path), ("community_id" = i64, Path), ("period_key" = String, Path)),
    request_body = FormReturnIn,
    responses((status = 200, body = FormReturnOut), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn save(
    State(s): State<AppState>,
    user: CurrentUser,
    Path((demand_id, community_id, key)): Path<(i64, i64, String)>,
    Body(b): Body<FormReturnIn>,
) -> Result<Json<FormReturnOut>, ApiError> {
    let input = ReturnInput { values: b.values };
    Ok(Json(
        s.app
            .save_form_return(&user.ctx(), demand_id, community_id, &key, &input, b.submit)
            .await?
            .into(),
    ))
}

/// Opens a correction of a submitted return: a new draft version, every version kept. Not
/// submitted: 409 `return_not_submitted`.
#[utoipa::path(post, path = "/api/v1/form-returns/{demand_id}/{community_id}/{period_key}/correct",
    params(("demand_id" = i64, Path), ("community_id" = i64, Path), ("period_key" = String, Path)),
    responses((status = 200, body = FormReturnOut), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn correct(
    State(s): State<AppState>,
    user: CurrentUser,
    Path((demand_id, community_id, key)): Path<(i64, i64, String)>,
) -> Result<Json<FormReturnOut>, ApiError> {
    Ok(Json(
        s.app
            .correct_form_return(&user.ctx(), demand_id, community_id, &key)
            .await?
            .into(),
    ))
}

/// The filing department's table of its form's returns with completeness.
#[utoipa::path(get, path = "/api/v1/report-forms/{id}/returns", params(("id" = i64, Path)),
    responses((status = 200, body = ReturnTableOut), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn table(
    State(s): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
) -> Result<Json<ReturnTableOut>, ApiError> {
    Ok(Json(s.app.form_return_table(&user.ctx(), id).await?.into()))
}

/// What a reminder reached.
#[derive(Serialize, ToSchema)]
pub struct ReminderOut {
    /// Returns reminded (community × period not submitted).
    pub reminded: usize,
}

/// Reminds every community with a return not submitted. Nothing to remind: 409
/// `return_nothing_to_remind`.
#[utoipa::path(post, path = "/api/v1/report-forms/{id}/returns/remind", params(("id" = i64, Path)),
    responses((status = 200, body = ReminderOut), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem)))]
pub async fn remind(
    State(s): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
) -> Result<Json<ReminderOut>, ApiError> {
    Ok(Json(ReminderOut {
        reminded: s.app.remind_form_returns(&user.ctx(), id).await?,
    }))
}

/// The return as an Excel template (the same workbook as the page's download): a corner with
/// the form's id, the community, the period and the return's version, then one row per field.
#[utoipa::path(get, path = "/api/v1/form-returns/{demand_id}/{community_id}/{period_key}/template.xlsx",
    params(("demand_id" = i64, Path), ("community_id" = i64, Path), ("period_key" = String, Path)),
    responses((status = 200, content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", body = Vec<u8>), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn template(
    State(s): State<AppState>,
    user: CurrentUser,
    Path((demand_id, community_id, key)): Path<(i64, i64, String)>,
) -> axum::response::Response {
    use axum::response::IntoResponse;
    match s
        .app
        .form_return_template(&user.ctx(), demand_id, community_id, &key)
        .await
    {
        Ok((name, bytes)) => crate::views::list::download(
            bytes,
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            &name,
            false,
        ),
        Err(e) => ApiError(e).into_response(),
    }
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct UploadParams {
    /// Submit the return (every asked field required); otherwise saved as a draft.
    #[serde(default)]
    submit: bool,
}

/// The multipart body: one field `file` holding the filled template (at most 1 MiB).
#[derive(ToSchema)]
#[allow(dead_code)] // Only describes the body for OpenAPI; the handler reads it as `Multipart`.
pub struct TemplateUpload {
    #[schema(value_type = String, format = Binary)]
    file: Vec<u8>,
}

/// Saves or submits a return from its filled Excel template, with the online return's
/// validation. A value not of its field's type: 422 `return_value_invalid`, each message
/// starting with its row and column (`第 9 行、E 列（填报值）：…`), every problem in `errors`;
/// not an xlsx: 422 `template_not_xlsx`; another form's, community's or period's template: 422
/// `template_other_form`; older than the return or with other fields: 422 `template_outdated`;
/// a period not begun or closed: 422 `return_period_not_due` / `return_period_closed`.
/// Nothing is stored on any error.
#[utoipa::path(post, path = "/api/v1/form-returns/{demand_id}/{community_id}/{period_key}/upload",
    params(("demand_id" = i64, Path), ("community_id" = i64, Path), ("period_key" = String, Path), UploadParams),
    request_body(content = inline(TemplateUpload), content_type = "multipart/form-data"),
    responses((status = 200, body = FormReturnOut), (status = 400, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem), (status = 413, body = Problem), (status = 422, body = Problem)))]
pub async fn upload(
    State(s): State<AppState>,
    user: CurrentUser,
    Path((demand_id, community_id, key)): Path<(i64, i64, String)>,
    Query(p): Query<UploadParams>,
    m: Result<axum::extract::Multipart, axum::extract::multipart::MultipartRejection>,
) -> axum::response::Response {
    use axum::response::IntoResponse;
    let submit = p.submit;
    let up = match crate::views::import::read_upload(m).await {
        Ok(up) => up,
        Err((status, code, message)) => {
            return crate::error::problem(status, code, message, None);
        }
    };
    let Some(file) = up.file.filter(|f| !f.is_empty()) else {
        return ApiError(jianfu_domain::DomainError::field(
            "file",
            "template_file_required",
            "请在 multipart 字段 file 中上传填好的 Excel 填报模板",
        ))
        .into_response();
    };
    match s
        .app
        .upload_form_return(
            &user.ctx(),
            demand_id,
            community_id,
            &key,
            &file,
            submit || up.submit,
        )
        .await
    {
        Ok(r) => Json(FormReturnOut::from(r)).into_response(),
        Err(e) => ApiError(e).into_response(),
    }
}
