//! Supervision cases over the API (issue 14): one case with its notice and answers, a
//! supervisor's verification or dismissal, and the rectification loop (notice and its PDF,
//! answer and its evidence files, accept, send back, close) — the twins of `/cases/{id}` and its
//! forms.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use jianfu_domain::DomainError;
use jianfu_domain::accountability::{AccountabilityForm, AccountabilityView};
use jianfu_domain::case_grouping::{CaseReportView, MyReportView};
use jianfu_domain::demand::CaseView;
use jianfu_domain::page::PageRequest;
use jianfu_domain::rectification::{AnswerView, NoticeForm, NoticeView, Review};
use jianfu_domain::supervision::CaseDecision;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::access::CurrentUser;
use crate::api::certificates::AttachmentIn;
use crate::api::demands::CaseOut;
use crate::api::{PageOut, PageParams};
use crate::error::{ApiError, Problem};
use crate::extract::{Json as Body, Path, Query};
use crate::state::AppState;

/// A case with its rectification: the notice (absent before one is issued) and the unit's
/// answers, oldest first, with their evidence.
#[derive(Serialize, ToSchema)]
pub struct CaseDetailOut {
    #[serde(flatten)]
    pub case: CaseOut,
    pub notice: Option<NoticeInfoOut>,
    pub answers: Vec<AnswerOut>,
    /// 4.1-9: the accountability decisions people took, as supervisors recorded them.
    pub accountability: Vec<AccountabilityView>,
    /// Every report of the same violation the case lists, oldest first (5.3-2; a reopening
    /// report, 5.3-3).
    pub reports: Vec<CaseReportView>,
    /// What a detector on data matched, for the cases they opened (issue 14 §2, 4.1-8).
    pub detection: Option<DetectionOut>,
}

/// The match a detector on data found: which row matched which, the likeness or the days
/// that triggered it, and every clause cited.
#[derive(Serialize, ToSchema)]
pub struct DetectionOut {
    /// `certificate_relapse`, `plaque_relapse` or `demand_relapse`.
    pub kind: String,
    /// The application, new plaque or new demand found.
    pub subject_id: i64,
    pub subject_label: String,
    /// The day it was received, registered or submitted.
    pub subject_on: String,
    /// The discontinued type, removed plaque or revoked demand it matched.
    pub matched_id: i64,
    pub matched_label: String,
    /// The day that one was discontinued, removed or revoked.
    pub matched_on: String,
    /// Percent alike, when names or titles were compared.
    pub similarity: Option<i32>,
    pub clauses: Vec<String>,
}

impl From<jianfu_domain::detection::DetectionView> for DetectionOut {
    fn from(d: jianfu_domain::detection::DetectionView) -> Self {
        DetectionOut {
            kind: d.kind,
            subject_id: d.subject_id,
            subject_label: d.subject_label,
            subject_on: d.subject_on,
            matched_id: d.matched_id,
            matched_label: d.matched_label,
            matched_on: d.matched_on,
            similarity: d.similarity,
            clauses: d.clauses,
        }
    }
}

/// The caller's own reports of unadmitted demands, newest first, each with the status of the
/// case it went to (a new case, grouped into one of the same violation, or reopening it).
#[utoipa::path(get, path = "/api/v1/reports/mine", params(PageParams),
    responses((status = 200, body = PageOut<MyReportView>), (status = 403, body = Problem), (status = 422, body = Problem)))]
pub async fn my_reports(
    State(s): State<AppState>,
    user: CurrentUser,
    Query(p): Query<PageParams>,
) -> Result<Json<PageOut<MyReportView>>, ApiError> {
    let page = s
        .app
        .my_reports(&user.ctx(), PageRequest::parse(p.page, p.per_page)?)
        .await?;
    Ok(Json(PageOut::from_page(page, std::convert::identity)))
}

/// What a rectification notice says, and where it stands.
#[derive(Serialize, ToSchema)]
pub struct NoticeInfoOut {
    /// `ZG-YYYY-NNNNNN`.
    pub serial: String,
    pub unit_id: i64,
    pub unit_name: String,
    pub issuer_name: String,
    pub clauses: Vec<String>,
    pub deadline_days: i32,
    /// The last working day of the deadline, `YYYY-MM-DD`.
    pub due_on: String,
    /// 逾期: the due day has passed while the case is `rectifying`.
    pub overdue: bool,
    /// 已上报: the overdue rectification was escalated to the next level's supervisors.
    pub escalated: bool,
    pub issued_at: i64,
    /// The public verification address printed as a QR code on the PDF.
    pub verify_url: String,
    /// The sealed PDF (`GET`, the case's readers).
    pub pdf_url: String,
}

impl NoticeInfoOut {
    fn of(case: &CaseView, n: NoticeView) -> Self {
        Self {
            pdf_url: format!("/api/v1/cases/{}/notice.pdf", case.id),
            escalated: case.escalated,
            serial: n.serial,
            unit_id: n.unit_id,
            unit_name: n.unit_name,
            issuer_name: n.issuer_name,
            clauses: n.clauses,
            deadline_days: n.deadline_days,
            due_on: n.due_on,
            overdue: n.overdue,
            issued_at: n.issued_at,
            verify_url: n.verify_url,
        }
    }
}

/// One answer of the unit, with its review and evidence.
#[derive(Serialize, ToSchema)]
pub struct AnswerOut {
    pub id: i64,
    pub body: String,
    pub answered_by: String,
    pub answered_at: i64,
    /// `null` while awaiting review, else `accepted` or `sent_back`.
    pub review: Option<String>,
    pub review_reason: Option<String>,
    pub reviewed_at: Option<i64>,
    pub evidence: Vec<EvidenceOut>,
}

/// One evidence file of an answer.
#[derive(Serialize, ToSchema)]
pub struct EvidenceOut {
    pub id: i64,
    pub file_name: String,
    /// `image/png`, `image/jpeg` or `application/pdf` (judged by content on upload).
    pub content_type: String,
    pub size_bytes: i64,
    /// The file itself (`GET`, the case's readers).
    pub download_url: String,
}

fn answer_out(case_id: i64, a: AnswerView) -> AnswerOut {
    AnswerOut {
        id: a.id,
        body: a.body,
        answered_by: a.answered_by,
        answered_at: a.answered_at,
        review: a.review,
        review_reason: a.review_reason,
        reviewed_at: a.reviewed_at,
        evidence: a
            .evidence
            .into_iter()
            .map(|e| EvidenceOut {
                download_url: format!("/api/v1/cases/{case_id}/evidence/{}", e.id),
                id: e.id,
                file_name: e.file_name,
                content_type: e.content_type,
                size_bytes: e.size_bytes,
            })
            .collect(),
    }
}

/// One supervision case: for the supervisors of its jurisdiction, and for the unit its notice
/// names (without who reported it). With the notice (serial, due day, overdue, escalated) and
/// the answers with their evidence.
#[utoipa::path(get, path = "/api/v1/cases/{id}", params(("id" = i64, Path)),
    responses((status = 200, body = CaseDetailOut), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn get(
    State(s): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
) -> Result<Json<CaseDetailOut>, ApiError> {
    let c = s.app.case_detail(&user.ctx(), id).await?;
    let r = s.app.rectification(&c).await?;
    let records = s.app.accountability(&c).await?;
    let reports = s.app.case_reports(&c).await?;
    let detection = s.app.case_detection(&c).await?;
    Ok(Json(CaseDetailOut {
        detection: detection.map(DetectionOut::from),
        accountability: records,
        reports,
        notice: r.notice.map(|n| NoticeInfoOut::of(&c, n)),
        answers: r.answers.into_iter().map(|a| answer_out(id, a)).collect(),
        case: c.into(),
    }))
}

/// One evidence file of a case's answers, for the case's readers (the supervisors and the
/// notified unit).
#[utoipa::path(get, path = "/api/v1/cases/{id}/evidence/{eid}", params(("id" = i64, Path), ("eid" = i64, Path)),
    responses((status = 200, description = "佐证材料（PNG、JPEG 或 PDF）"), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn evidence(
    State(s): State<AppState>,
    user: CurrentUser,
    Path((id, eid)): Path<(i64, i64)>,
) -> Result<Response, ApiError> {
    let (name, kind, bytes) = s.app.evidence_file(&user.ctx(), id, eid).await?;
    Ok(crate::views::list::download(bytes, &kind, &name, false))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DecisionIn {
    /// `verify` (属实, 已核实) or `dismiss` (不予立案).
    #[schema(schema_with = crate::api::texts::case_decision)]
    pub decision: String,
    /// The opinion; required (5–500 characters) to dismiss, at most 500 to verify.
    #[serde(default)]
    pub opinion: String,
}

/// Verifies an open case or dismisses it with a reason (5.3-2; supervisors of its
/// jurisdiction). A decided case answers 409.
#[utoipa::path(post, path = "/api/v1/cases/{id}/decide", params(("id" = i64, Path)), request_body = DecisionIn,
    responses((status = 200, body = CaseOut), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn decide(
    State(s): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
    Body(b): Body<DecisionIn>,
) -> Result<Json<CaseOut>, ApiError> {
    let decision = CaseDecision::parse(&b.decision)?;
    Ok(Json(
        s.app
            .decide_case(&user.ctx(), id, decision, &b.opinion)
            .await?
            .into(),
    ))
}

/// A rectification notice as the API answers it when issued: the case, and the notice.
#[derive(Serialize, ToSchema)]
pub struct NoticeOut {
    pub case: CaseOut,
    #[serde(flatten)]
    pub notice: NoticeInfoOut,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NoticeIn {
    /// The responsible unit: a department, street or community of the caller's jurisdiction.
    pub unit_id: Option<i64>,
    pub facts: String,
    /// Clause IDs of the policy; empty or absent for the case finding's clause and 5.3-2.
    #[serde(default)]
    pub clauses: Vec<String>,
    pub action_required: String,
    /// The deadline in working days, 1–60 (counted on the holiday calendar).
    pub deadline_days: Option<i64>,
}

/// Issues the rectification notice of a verified case (5.3-3; supervisors of its
/// jurisdiction): a PDF sealed with the supervising department's seal. Every problem of the
/// body is answered at once (`errors`); a case that is not verified answers 409.
#[utoipa::path(post, path = "/api/v1/cases/{id}/notice", params(("id" = i64, Path)), request_body = NoticeIn,
    responses((status = 201, body = NoticeOut), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn notice(
    State(s): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
    Body(b): Body<NoticeIn>,
) -> Result<(StatusCode, Json<NoticeOut>), ApiError> {
    let form = NoticeForm {
        unit_id: b.unit_id,
        facts: b.facts,
        clauses: b.clauses,
        action_required: b.action_required,
        deadline_days: b.deadline_days.map(|d| d.to_string()).unwrap_or_default(),
    };
    let c = s.app.issue_notice(&user.ctx(), id, &form).await?;
    let n = s
        .app
        .rectification(&c)
        .await?
        .notice
        .ok_or_else(DomainError::internal)?;
    Ok((
        StatusCode::CREATED,
        Json(NoticeOut {
            notice: NoticeInfoOut::of(&c, n),
            case: c.into(),
        }),
    ))
}

/// The case's sealed rectification notice (PDF, signed; `jianfu verify` checks it offline),
/// for the supervisors of the case and the notified unit.
#[utoipa::path(get, path = "/api/v1/cases/{id}/notice.pdf", params(("id" = i64, Path)),
    responses((status = 200, description = "整改通知书 PDF", content_type = "application/pdf"), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn notice_pdf(
    State(s): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
) -> Result<Response, ApiError> {
    let (name, pdf) = s.app.notice_pdf(&user.ctx(), id).await?;
    Ok(crate::views::list::download(
        pdf,
        "application/pdf",
        &name,
        false,
    ))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AnswerIn {
    /// What the unit did (1–2,000 characters).
    pub answer: String,
    /// At least one file (PNG, JPEG or PDF, judged by content; at most 5 of 5 MB each).
    #[serde(default)]
    pub evidence: Vec<AttachmentIn>,
}

/// The notified unit answers its rectification notice with evidence (5.3-3): the case awaits
/// review. Another unit answers 403; a second answer while one awaits review answers 409.
#[utoipa::path(post, path = "/api/v1/cases/{id}/answer", params(("id" = i64, Path)), request_body = AnswerIn,
    responses((status = 200, body = CaseOut), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn answer(
    State(s): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
    Body(b): Body<AnswerIn>,
) -> Result<Json<CaseOut>, ApiError> {
    let files = crate::api::certificates::decode_uploads(b.evidence, "evidence")?;
    Ok(Json(
        s.app
            .answer_notice(&user.ctx(), id, &b.answer, &files)
            .await?
            .into(),
    ))
}

#[derive(Deserialize, ToSchema, Default)]
#[serde(deny_unknown_fields, default)]
pub struct ReasonIn {
    /// The opinion; required (5–500 characters) to send an answer back.
    pub reason: String,
}

/// Accepts the rectification awaiting review (已验收; supervisors). 409 when none awaits review.
#[utoipa::path(post, path = "/api/v1/cases/{id}/accept", params(("id" = i64, Path)), request_body = ReasonIn,
    responses((status = 200, body = CaseOut), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn accept(
    State(s): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
    Body(b): Body<ReasonIn>,
) -> Result<Json<CaseOut>, ApiError> {
    let c = s
        .app
        .review_answer(&user.ctx(), id, Review::Accept, &b.reason)
        .await?;
    Ok(Json(c.into()))
}

/// Sends the rectification awaiting review back with a reason: the unit answers again.
#[utoipa::path(post, path = "/api/v1/cases/{id}/send-back", params(("id" = i64, Path)), request_body = ReasonIn,
    responses((status = 200, body = CaseOut), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn send_back(
    State(s): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
    Body(b): Body<ReasonIn>,
) -> Result<Json<CaseOut>, ApiError> {
    let c = s
        .app
        .review_answer(&user.ctx(), id, Review::SendBack, &b.reason)
        .await?;
    Ok(Json(c.into()))
}

/// Closes an accepted case (办结). Any other state answers 409.
#[utoipa::path(post, path = "/api/v1/cases/{id}/close", params(("id" = i64, Path)), request_body = ReasonIn,
    responses((status = 200, body = CaseOut), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn close(
    State(s): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
    Body(b): Body<ReasonIn>,
) -> Result<Json<CaseOut>, ApiError> {
    Ok(Json(
        s.app.close_case(&user.ctx(), id, &b.reason).await?.into(),
    ))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AccountabilityIn {
    /// Who decided: the person.
    #[serde(default)]
    pub decider_name: String,
    /// … and the body they decided for.
    #[serde(default)]
    pub decider_body: String,
    /// `interview`, `criticism`, `admonition`, `discipline` or `other`.
    #[serde(default)]
    pub measure: String,
    /// The measure in words; required for `other`.
    #[serde(default)]
    pub measure_text: String,
    #[serde(default)]
    pub document_number: String,
    /// `YYYY-MM-DD`, not after today.
    #[serde(default)]
    pub decided_on: String,
}

/// Records the accountability decision people took about a case (4.1-9; supervisors of its
/// jurisdiction, on a case at least verified: 409 `case_not_verified`). Every problem at once.
#[utoipa::path(post, path = "/api/v1/cases/{id}/accountability", params(("id" = i64, Path)), request_body = AccountabilityIn,
    responses((status = 201, body = AccountabilityView), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn accountability(
    State(s): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
    Body(b): Body<AccountabilityIn>,
) -> Result<(StatusCode, Json<AccountabilityView>), ApiError> {
    let form = AccountabilityForm {
        decider_name: b.decider_name,
        decider_body: b.decider_body,
        measure: b.measure,
        measure_text: b.measure_text,
        document_number: b.document_number,
        decided_on: b.decided_on,
    };
    let c = s.app.record_accountability(&user.ctx(), id, &form).await?;
    let last = s
        .app
        .accountability(&c)
        .await?
        .pop()
        .ok_or_else(DomainError::internal)?;
    Ok((StatusCode::CREATED, Json(last)))
}
