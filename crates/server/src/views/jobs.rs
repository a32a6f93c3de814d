//! `/admin/jobs`: the runs of the server's scheduled jobs (the escalation of overdue
//! rectifications), for the system administrator to see that they run and what they changed.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use jianfu_domain::escalation::JobRunView;
use jianfu_domain::page::{Page, PageRequest, every_row};
use serde::{Deserialize, Serialize};

use crate::access::CurrentUser;
use crate::error::PageError;
use crate::extract::Query;
use crate::state::AppState;
use crate::views::list::{self, Cell, Column, ListExport};
use crate::views::{Chrome, render, when};

#[derive(askama::Template)]
#[template(path = "jobs.html")]
struct JobsPage {
    chrome: Chrome,
    page: Page<JobRunView>,
    pager: String,
    export: String,
}

impl JobsPage {
    fn when(&self, ms: &i64) -> String {
        when(*ms)
    }
    fn job_zh(&self, job: &str) -> &'static str {
        job_zh(job)
    }
}

fn job_zh(job: &str) -> &'static str {
    match job {
        jianfu_domain::escalation::ESCALATION_JOB => "整改逾期上报",
        jianfu_domain::monitoring::MISSED_JOB => "监测点逾期未报",
        _ => "其他任务",
    }
}

/// The list has no filter; the pager and export keep an empty one.
#[derive(Serialize, Default)]
struct NoFilter {}

#[derive(Deserialize, Default)]
pub struct JobsQuery {
    page: Option<u64>,
    per_page: Option<u64>,
}

pub async fn jobs(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(q): Query<JobsQuery>,
) -> Response {
    match state
        .app
        .list_job_runs(&user.ctx(), PageRequest::new(q.page, q.per_page))
        .await
    {
        Ok(page) => render(
            StatusCode::OK,
            &JobsPage {
                chrome: Chrome::new("定时任务", Some(&user), "/admin/jobs"),
                page,
                pager: list::pager_base("/admin/jobs", &NoFilter {}),
                export: list::export_href("/admin/jobs/export.xlsx", &NoFilter {}),
            },
        ),
        Err(e) => PageError(e).into_response(),
    }
}

/// Every recorded run, as a workbook (audited).
pub async fn jobs_export(State(state): State<AppState>, user: CurrentUser) -> Response {
    let ctx = user.ctx();
    let rows = every_row(|r| state.app.list_job_runs(&ctx, r)).await;
    JOB_EXPORT.answer(&state, &user, &NoFilter {}, rows).await
}

const JOB_EXPORT: ListExport<'static, JobRunView> = ListExport {
    action: "job.export",
    target_type: "job_run",
    sheet: "定时任务",
    file_name: "定时任务运行记录.xlsx",
    columns: &[
        Column::new("编号", |r| Cell::Number(r.id as f64)),
        Column::new("任务", |r| Cell::Text(job_zh(&r.job))),
        Column::wide("开始", 20.0, |r| Cell::Owned(when(r.started_at))),
        Column::wide("结束", 20.0, |r| {
            Cell::Owned(r.finished_at.map(when).unwrap_or_default())
        }),
        Column::new("检查", |r| Cell::Number(r.examined as f64)),
        Column::new("处理", |r| Cell::Number(r.changed as f64)),
        Column::wide("错误", 40.0, |r| {
            Cell::Text(r.error.as_deref().unwrap_or(""))
        }),
    ],
};
