//! Supervision pages (监督检查, 5.3; issue 14): one case with its history, the supervisor's
//! verification or dismissal, and the rectification loop (notice, answer, review, close). The case list stays in `demands.rs` for now.

use axum::extract::multipart::MultipartRejection;
use axum::extract::{Multipart, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use jianfu_domain::accountability::{AccountabilityForm, AccountabilityView, Measure};
use jianfu_domain::authz::{Action, answers_for};
use jianfu_domain::case_grouping::MyReportView;
use jianfu_domain::certificate::AttachmentUpload;
use jianfu_domain::demand::{CaseStatus, CaseView};
use jianfu_domain::rectification::{NoticeForm, RectificationView, Review, UnitChoice};
use jianfu_domain::supervision::CaseDecision;
use serde::Deserialize;

use crate::access::CurrentUser;
use crate::error::PageError;
use crate::extract::{Form, Path, Query};
use crate::state::AppState;
use crate::views::list::{Cell, Column, ListExport, ListQuery, NoFilter};
use crate::views::{Chrome, FormError, form_status, is_form_error, list, render, when};

#[derive(askama::Template)]
#[template(path = "case.html")]
struct CasePage {
    chrome: Chrome,
    c: CaseView,
    reported: String,
    /// Every report of the same violation the case lists (issue 14 §1).
    reports: Vec<jianfu_domain::case_grouping::CaseReportView>,
    timeline: Vec<(String, jianfu_domain::timeline::TimelineEntry)>,
    rect: RectificationView,
    can_decide: bool,
    can_notice: bool,
    can_answer: bool,
    can_review: bool,
    can_close: bool,
    /// 4.1-9: the accountability records, and whether the reader may add one.
    records: Vec<AccountabilityView>,
    can_record: bool,
    measures: [Measure; 5],
    units: Vec<UnitChoice>,
    typed: Typed,
    error: FormError,
    /// What a detector on data matched (issue 14 §2), for the cases they opened.
    detection: Option<jianfu_domain::detection::DetectionView>,
    /// The evidence files a public report brought (issue 14 §1), for its supervisors.
    attachments: Vec<jianfu_domain::rectification::EvidenceView>,
}

impl CasePage {
    fn when(&self, ms: &i64) -> String {
        when(*ms)
    }
}

/// What the user typed into the case page's forms, shown again with the problems found.
#[derive(Default)]
struct Typed {
    opinion: String,
    notice: NoticePageForm,
    answer: String,
    reason: String,
    acc: AccountabilityForm,
}

async fn case_page(
    state: &AppState,
    user: &CurrentUser,
    id: i64,
    mut typed: Typed,
    error: FormError,
    status: StatusCode,
) -> Response {
    let ctx = user.ctx();
    let c = match state.app.case_detail(&ctx, id).await {
        Ok(c) => c,
        Err(e) => return PageError(e).into_response(),
    };
    let loaded = async {
        let timeline = state.app.case_timeline(&c).await?;
        let rect = state.app.rectification(&c).await?;
        let records = state.app.accountability(&c).await?;
        let reports = state.app.case_reports(&c).await?;
        let detection = state.app.case_detection(&c).await?;
        let attachments = state.app.report_attachments(&ctx, c.id).await?;
        Ok::<_, jianfu_domain::DomainError>((
            timeline,
            rect,
            records,
            reports,
            detection,
            attachments,
        ))
    };
    let (timeline, rect, records, reports, detection, attachments) = match loaded.await {
        Ok(v) => v,
        Err(e) => return PageError(e).into_response(),
    };
    let supervises = !c.reporter_hidden && user.principal.may(Action::DecideCase);
    let can_notice = c.status == CaseStatus::Verified && supervises;
    let units = if can_notice {
        match state.app.notice_units(&ctx).await {
            Ok(u) => u,
            Err(e) => return PageError(e).into_response(),
        }
    } else {
        Vec::new()
    };
    if can_notice && typed.notice.facts.is_empty() && error.all().is_empty() {
        typed.notice.facts = c.description.clone();
        typed.notice.clauses = format!("{} 5.3-2", c.finding.clause);
    }
    let can_answer = c.status == CaseStatus::Rectifying
        && rect
            .notice
            .as_ref()
            .is_some_and(|n| answers_for(&user.principal, n.unit_id));
    render(
        status,
        &CasePage {
            chrome: Chrome::new("问题线索", Some(user), "/cases"),
            reported: when(c.created_at),
            can_decide: c.status == CaseStatus::Open && supervises,
            can_notice,
            can_answer,
            can_review: c.status == CaseStatus::Rectified && supervises,
            can_close: c.status == CaseStatus::Accepted && supervises,
            can_record: supervises && jianfu_domain::accountability::may_record(c.status),
            records,
            reports,
            measures: Measure::ALL,
            units,
            c,
            timeline: super::timeline(timeline),
            rect,
            typed,
            error,
            detection,
            attachments,
        },
    )
}

/// The case page again after `e`, with what was typed.
async fn again(
    state: &AppState,
    user: &CurrentUser,
    id: i64,
    typed: Typed,
    e: jianfu_domain::DomainError,
) -> Response {
    if is_form_error(&e) {
        let status = form_status(&e);
        case_page(state, user, id, typed, FormError::from_domain(&e), status).await
    } else {
        PageError(e).into_response()
    }
}

pub async fn detail(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
) -> Response {
    case_page(
        &state,
        &user,
        id,
        Typed::default(),
        FormError::default(),
        StatusCode::OK,
    )
    .await
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct DecisionForm {
    /// `verify` (已核实) or `dismiss` (不予立案).
    decision: String,
    opinion: String,
}

/// 核实 or 不予立案.
pub async fn decide(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
    Form(f): Form<DecisionForm>,
) -> Response {
    let typed = Typed {
        opinion: f.opinion.clone(),
        ..Typed::default()
    };
    let decided = match CaseDecision::parse(&f.decision) {
        Ok(d) => state.app.decide_case(&user.ctx(), id, d, &f.opinion).await,
        Err(e) => Err(e),
    };
    match decided {
        Ok(_) => Redirect::to(&format!("/cases/{id}")).into_response(),
        Err(e) => again(&state, &user, id, typed, e).await,
    }
}

/// The notice form as the page sends it: the clauses as one line of IDs.
#[derive(Deserialize, Default, Clone)]
#[serde(default)]
pub struct NoticePageForm {
    unit_id: String,
    facts: String,
    clauses: String,
    action_required: String,
    deadline_days: String,
}

impl NoticePageForm {
    fn selected(&self, id: &i64) -> bool {
        self.unit_id.trim() == id.to_string()
    }
}

/// 下发整改通知.
pub async fn notice(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
    Form(f): Form<NoticePageForm>,
) -> Response {
    let form = NoticeForm {
        unit_id: f.unit_id.trim().parse().ok(),
        facts: f.facts.clone(),
        clauses: f
            .clauses
            .split([' ', ',', '，', '、', ';', '；'])
            .map(str::to_owned)
            .collect(),
        action_required: f.action_required.clone(),
        deadline_days: f.deadline_days.clone(),
    };
    match state.app.issue_notice(&user.ctx(), id, &form).await {
        Ok(_) => Redirect::to(&format!("/cases/{id}#notice")).into_response(),
        Err(e) => {
            let typed = Typed {
                notice: f,
                ..Typed::default()
            };
            again(&state, &user, id, typed, e).await
        }
    }
}

/// The sealed notice (PDF).
pub async fn notice_pdf(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
) -> Response {
    match state.app.notice_pdf(&user.ctx(), id).await {
        Ok((name, pdf)) => list::download(pdf, "application/pdf", &name, true),
        Err(e) => PageError(e).into_response(),
    }
}

/// One evidence file of an answer.
pub async fn evidence(
    State(state): State<AppState>,
    user: CurrentUser,
    Path((id, eid)): Path<(i64, i64)>,
) -> Response {
    match state.app.evidence_file(&user.ctx(), id, eid).await {
        Ok((name, kind, bytes)) => list::download(bytes, &kind, &name, false),
        Err(e) => PageError(e).into_response(),
    }
}

/// `GET /cases/{id}/attachments/{aid}`: an evidence file a public report brought.
pub async fn attachment(
    State(state): State<AppState>,
    user: CurrentUser,
    Path((id, aid)): Path<(i64, i64)>,
) -> Response {
    match state.app.report_attachment(&user.ctx(), id, aid).await {
        Ok((name, kind, bytes)) => list::download(bytes, &kind, &name, false),
        Err(e) => PageError(e).into_response(),
    }
}

/// Reads the multipart answer: its text and the evidence files.
async fn read_answer(
    m: Result<Multipart, MultipartRejection>,
) -> Result<(String, Vec<AttachmentUpload>), jianfu_domain::DomainError> {
    let unreadable = || {
        jianfu_domain::DomainError::field(
            "evidence",
            "upload_unreadable",
            "提交的内容无法识别，或佐证材料总大小超过限制（每个不超过 5 MB，最多 5 个）",
        )
    };
    let mut m = m.map_err(|_| unreadable())?;
    let mut text = String::new();
    let mut files = Vec::new();
    while let Some(field) = m.next_field().await.map_err(|_| unreadable())? {
        match field.name().unwrap_or("") {
            "evidence" => {
                let file_name = field.file_name().unwrap_or("").to_owned();
                let bytes = field.bytes().await.map_err(|_| unreadable())?;
                // An empty file input submits one nameless empty part: no file.
                if !(file_name.is_empty() && bytes.is_empty()) {
                    files.push(AttachmentUpload {
                        file_name,
                        bytes: bytes.to_vec(),
                    });
                }
            }
            "answer" => text = field.text().await.map_err(|_| unreadable())?,
            _ => {}
        }
    }
    Ok((text, files))
}

/// 整改答复 (multipart: the text and the evidence files).
pub async fn answer(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
    m: Result<Multipart, MultipartRejection>,
) -> Response {
    let (text, files) = match read_answer(m).await {
        Ok(v) => v,
        Err(e) => return again(&state, &user, id, Typed::default(), e).await,
    };
    match state
        .app
        .answer_notice(&user.ctx(), id, &text, &files)
        .await
    {
        Ok(_) => Redirect::to(&format!("/cases/{id}")).into_response(),
        Err(e) => {
            let typed = Typed {
                answer: text,
                ..Typed::default()
            };
            again(&state, &user, id, typed, e).await
        }
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ReasonForm {
    reason: String,
}

async fn review(
    state: &AppState,
    user: &CurrentUser,
    id: i64,
    review: Option<Review>,
    reason: String,
) -> Response {
    let ctx = user.ctx();
    let done = match review {
        Some(r) => state.app.review_answer(&ctx, id, r, &reason).await,
        None => state.app.close_case(&ctx, id, &reason).await,
    };
    match done {
        Ok(_) => Redirect::to(&format!("/cases/{id}")).into_response(),
        Err(e) => {
            let typed = Typed {
                reason,
                ..Typed::default()
            };
            again(state, user, id, typed, e).await
        }
    }
}

/// 验收.
pub async fn accept(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
    Form(f): Form<ReasonForm>,
) -> Response {
    review(&state, &user, id, Some(Review::Accept), f.reason).await
}

/// 退回整改.
pub async fn send_back(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
    Form(f): Form<ReasonForm>,
) -> Response {
    review(&state, &user, id, Some(Review::SendBack), f.reason).await
}

/// 办结.
pub async fn close(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
    Form(f): Form<ReasonForm>,
) -> Response {
    review(&state, &user, id, None, f.reason).await
}

/// 记录责任追究 (4.1-9): the decision people took, as a supervisor records it.
pub async fn accountability(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
    Form(f): Form<AccountabilityForm>,
) -> Response {
    match state.app.record_accountability(&user.ctx(), id, &f).await {
        Ok(_) => Redirect::to(&format!("/cases/{id}#accountability")).into_response(),
        Err(e) => {
            let typed = Typed {
                acc: f,
                ..Typed::default()
            };
            again(&state, &user, id, typed, e).await
        }
    }
}

// ---------------------------------------------------------------- the reporter's own reports

#[derive(askama::Template)]
#[template(path = "my_reports.html")]
struct MyReportsPage {
    chrome: Chrome,
    page: jianfu_domain::page::Page<MyReportView>,
    pager: String,
    export: String,
}

impl MyReportsPage {
    fn when(&self, ms: &i64) -> String {
        when(*ms)
    }
}

/// 我的举报: the worker's own reports of unadmitted demands, each with the status of the case
/// it went to (issue 14 §1).
pub async fn my_reports(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(q): Query<ListQuery<NoFilter>>,
) -> Response {
    match state.app.my_reports(&user.ctx(), q.page()).await {
        Ok(page) => render(
            StatusCode::OK,
            &MyReportsPage {
                chrome: Chrome::new("我的举报", Some(&user), "/reports/mine"),
                pager: list::pager_base("/reports/mine", &NoFilter {}),
                export: list::export_href("/reports/mine/export.xlsx", &NoFilter {}),
                page,
            },
        ),
        Err(e) => PageError(e).into_response(),
    }
}

/// The worker's own reports, every page, as a workbook (audited).
pub async fn my_reports_export(State(state): State<AppState>, user: CurrentUser) -> Response {
    let ctx = user.ctx();
    let rows = jianfu_domain::page::every_row(|r| state.app.my_reports(&ctx, r)).await;
    MY_REPORTS_EXPORT
        .answer(&state, &user, &NoFilter {}, rows)
        .await
}

const MY_REPORTS_EXPORT: ListExport<'static, MyReportView> = ListExport {
    action: "report.export",
    target_type: "case_report",
    sheet: "我的举报",
    file_name: "我的举报.xlsx",
    columns: &[
        Column::wide("时间", 20.0, |r| Cell::Owned(when(r.created_at))),
        Column::wide("社区(村)", 20.0, |r| Cell::Text(&r.community_name)),
        Column::wide("下派单位", 20.0, |r| Cell::Text(&r.demanding_unit)),
        Column::wide("情况", 40.0, |r| Cell::Text(&r.description)),
        Column::new("问题线索编号", |r| Cell::Number(r.case_id as f64)),
        Column::wide("处理", 24.0, |r| Cell::Text(r.grouping_zh)),
        Column::new("同一问题举报次数", |r| {
            Cell::Number(r.reports_on_case as f64)
        }),
        Column::new("线索状态", |r| Cell::Text(r.case_status_zh)),
    ],
};
