//! `/api/v1/demands`, `/api/v1/lookup`, `/api/v1/cases`, `/api/v1/ledger`: demands and their
//! admission for machine clients.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use jianfu_domain::demand::{
    CaseFilter, CaseView, DemandFilter, DemandForm, DemandView, ReportForm,
};
use jianfu_domain::page::PageRequest;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::access::CurrentUser;
use crate::api::PageOut;
use crate::error::{ApiError, Problem};
use crate::extract::{Json as Body, Path, Query};
use crate::state::AppState;

#[derive(Serialize, ToSchema)]
pub struct FindingOut {
    /// Clause ID, e.g. `4.2-6`; the text is at `/policy#4.2-6`.
    pub clause: String,
    pub code: String,
    pub message: String,
}

#[derive(Serialize, ToSchema)]
pub struct DemandOut {
    pub id: i64,
    /// `work_item`.
    pub kind: String,
    pub title: String,
    pub requester_node_id: i64,
    pub requester_name: String,
    /// `city` or `district`.
    pub level: String,
    /// `draft`, `submitted` (待审批), `for_registration` (待备案), `admitted`, `rejected`,
    /// `revoked` or `expired`.
    pub status: String,
    /// Who admits it: the approving authority (审批机关), or for a work item with a legal basis
    /// the list keeper who registers it (备案机关, `by_registration`).
    pub authority_zh: String,
    /// Goes (or went) through registration (备案) by the list keeper instead of approval (4.2-4).
    pub by_registration: bool,
    /// The keeper's registration or return, once made.
    pub registration: Option<RegistrationOut>,
    pub category: String,
    pub admission_number: Option<String>,
    pub valid_from: Option<String>,
    pub valid_to: Option<String>,
    /// Outcome of the rules: `allow`, `needs_approval` or `reject`.
    pub outcome: Option<String>,
    /// Every clause the rules applied.
    pub clauses: Vec<String>,
    pub findings: Vec<FindingOut>,
    pub hours_per_community: f64,
    pub total_hours: f64,
    pub target_ids: Vec<i64>,
    pub revoke_reason: Option<String>,
    pub review_note: Option<String>,
    /// A reviewer's overrule of banned-wording findings (4.2-6): the findings judged false,
    /// the recorded reason, who and when.
    pub wording_overrule: Option<WordingOverruleOut>,
    /// A report form's own fields (kind `form`): its fields with the pre-filled ones, and once
    /// admitted its corner.
    pub report_form: Option<crate::api::report_forms::ReportFormOut>,
}

#[derive(Serialize, ToSchema)]
pub struct RegistrationOut {
    /// `registered` or `returned`.
    pub outcome: String,
    /// The keeper, e.g. `区(市、县)民政局 · 铁东区`.
    pub keeper: String,
    /// Who registered or returned it.
    pub by: String,
    pub at: String,
    /// A return's ground: `basis_not_applicable` or `article_not_found`.
    pub ground: Option<String>,
    pub ground_zh: Option<String>,
    /// The keeper's opinion or the return's reason.
    pub note: Option<String>,
    /// The clauses registration applies: `4.2-2`, `4.2-4`.
    pub clauses: Vec<String>,
}

#[derive(Serialize, ToSchema)]
pub struct WordingOverruleOut {
    pub findings: Vec<FindingOut>,
    pub reason: String,
    pub overruled_by: String,
    pub overruled_at: String,
}

impl From<DemandView> for DemandOut {
    fn from(d: DemandView) -> Self {
        let report_form = crate::api::report_forms::ReportFormOut::of(&d);
        let (outcome, clauses, findings, registration) = match d.decision {
            Some(dec) => (
                Some(dec.outcome),
                dec.clauses,
                dec.reasons
                    .into_iter()
                    .map(|r| FindingOut {
                        clause: r.clause,
                        code: r.code,
                        message: r.message,
                    })
                    .collect(),
                dec.registration.map(|r| RegistrationOut {
                    outcome: r.outcome,
                    keeper: r.keeper,
                    by: r.by,
                    at: r.at,
                    ground: r.ground,
                    ground_zh: r.ground_zh,
                    note: r.note,
                    clauses: r.clauses,
                }),
            ),
            None => (None, vec![], vec![], None),
        };
        Self {
            id: d.id,
            kind: d.kind.as_str().into(),
            title: d.title,
            requester_node_id: d.requester_node_id,
            requester_name: d.requester_name,
            level: d.level.as_str().into(),
            status: d.status.as_str().into(),
            authority_zh: d.authority_zh.into(),
            by_registration: d.by_registration,
            registration,
            category: d.details.category,
            admission_number: d.admission_number,
            valid_from: d.valid_from,
            valid_to: d.valid_to,
            outcome,
            clauses,
            findings,
            hours_per_community: d.hours_per_community,
            total_hours: d.total_hours,
            target_ids: d.targets.into_iter().map(|t| t.0).collect(),
            revoke_reason: d.revoke_reason,
            review_note: d.review_note,
            wording_overrule: d.wording_overrule.map(|o| WordingOverruleOut {
                findings: o
                    .findings
                    .into_iter()
                    .map(|r| FindingOut {
                        clause: r.clause,
                        code: r.code,
                        message: r.message,
                    })
                    .collect(),
                reason: o.reason,
                overruled_by: o.overruled_by,
                overruled_at: o.overruled_at,
            }),
            report_form,
        }
    }
}

/// A work-item demand as the API takes it. Numbers are strings or numbers; booleans default
/// to false.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DemandIn {
    pub requester_node_id: i64,
    pub title: String,
    #[serde(default)]
    pub description: String,
    /// Category key (see the draft form), e.g. `civil_affairs_service`.
    pub category: String,
    /// `responsible` or `assisting`.
    #[schema(schema_with = crate::api::texts::community_role)]
    pub community_role: String,
    #[serde(default)]
    pub within_own_duty: bool,
    /// `law`, `regulation`, `rule`, or empty for none.
    #[serde(default)]
    #[schema(schema_with = crate::api::texts::legal_basis_kind)]
    pub legal_basis_kind: String,
    #[serde(default)]
    pub legal_basis_title: String,
    #[serde(default)]
    pub legal_basis_article: String,
    /// Yuan, e.g. `"1200.00"`.
    #[serde(default)]
    pub funding_yuan: String,
    #[serde(default)]
    pub funding_source: String,
    #[serde(default)]
    pub public_interest: bool,
    #[serde(default)]
    pub professional: bool,
    #[serde(default)]
    pub technical: bool,
    /// Minutes each time, 1–2400.
    #[schema(minimum = 1, maximum = 2400)]
    pub minutes_per_occurrence: i64,
    /// Times a year, 1–366.
    #[schema(minimum = 1, maximum = 366)]
    pub occurrences_per_year: i64,
    /// `YYYY-MM-DD`.
    #[schema(format = Date)]
    pub period_start: String,
    #[schema(format = Date)]
    pub period_end: String,
    /// `scope`, `streets` or `communities`.
    #[schema(schema_with = crate::api::texts::target_mode)]
    pub target_mode: String,
    #[serde(default)]
    pub target_ids: Vec<i64>,
    /// Submit at once (run the rules and send to the authority).
    #[serde(default)]
    pub submit: bool,
}

impl DemandIn {
    fn form(self) -> (DemandForm, bool) {
        (
            DemandForm {
                requester_node_id: self.requester_node_id,
                title: self.title,
                description: self.description,
                category: self.category,
                community_role: self.community_role,
                within_own_duty: self.within_own_duty,
                legal_basis_kind: self.legal_basis_kind,
                legal_basis_title: self.legal_basis_title,
                legal_basis_article: self.legal_basis_article,
                funding_yuan: self.funding_yuan,
                funding_source: self.funding_source,
                public_interest: self.public_interest,
                professional: self.professional,
                technical: self.technical,
                minutes_per_occurrence: self.minutes_per_occurrence.to_string(),
                occurrences_per_year: self.occurrences_per_year.to_string(),
                period_start: self.period_start,
                period_end: self.period_end,
                target_mode: self.target_mode,
                target_ids: self.target_ids,
            },
            self.submit,
        )
    }
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListParams {
    /// Part of the title or admission number.
    q: Option<String>,
    /// `draft`, `submitted`, `admitted`, `expired`, `rejected` or `revoked`; empty: all.
    #[param(schema_with = crate::api::texts::demand_status)]
    status: Option<String>,
    /// `work_item`, `temporary_plaque`, `agency_requirement`, `certificate_demand` or
    /// `evaluation`; empty: every kind.
    #[param(schema_with = crate::api::texts::demand_kind)]
    kind: Option<String>,
    /// Demands whose period touches this year (2000–2100), e.g. an annual evaluation plan.
    #[param(schema_with = crate::api::texts::year)]
    year: Option<String>,
    /// 1-based page number.
    #[param(minimum = 1, maximum = 1000000)]
    page: Option<u64>,
    /// Items per page (default 20).
    #[param(minimum = 1, maximum = 200)]
    per_page: Option<u64>,
}

/// Demands the caller may see, newest first.
#[utoipa::path(get, path = "/api/v1/demands", params(ListParams), responses((status = 200, body = PageOut<DemandOut>), (status = 403, body = Problem)))]
pub async fn list(
    State(s): State<AppState>,
    user: CurrentUser,
    Query(p): Query<ListParams>,
) -> Result<Json<PageOut<DemandOut>>, ApiError> {
    let page = s
        .app
        .list_demands(
            &user.ctx(),
            &DemandFilter {
                q: p.q,
                status: p.status,
                kind: p.kind,
                year: p.year,
            },
            PageRequest::parse(p.page, p.per_page)?,
        )
        .await?;
    Ok(Json(PageOut {
        items: page.items.into_iter().map(DemandOut::from).collect(),
        total: page.total,
        page: page.page,
        per_page: page.per_page,
    }))
}

/// Drafts a work-item demand (and submits it with `submit: true`).
#[utoipa::path(post, path = "/api/v1/demands", request_body = DemandIn,
    responses((status = 201, body = DemandOut), (status = 403, body = Problem), (status = 422, body = Problem)))]
pub async fn create(
    State(s): State<AppState>,
    user: CurrentUser,
    Body(b): Body<DemandIn>,
) -> Result<(StatusCode, Json<DemandOut>), ApiError> {
    let (form, submit) = b.form();
    let d = s.app.create_demand(&user.ctx(), &form, submit).await?;
    Ok((StatusCode::CREATED, Json(d.into())))
}

/// One demand with the rules' findings.
#[utoipa::path(get, path = "/api/v1/demands/{id}", params(("id" = i64, Path)), responses((status = 200, body = DemandOut), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn get(
    State(s): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
) -> Result<Json<DemandOut>, ApiError> {
    Ok(Json(s.app.demand_detail(&user.ctx(), id).await?.into()))
}

/// Submits a draft: the rules decide, and it goes to the authority.
#[utoipa::path(post, path = "/api/v1/demands/{id}/submit", params(("id" = i64, Path)), responses((status = 200, body = DemandOut), (status = 403, body = Problem), (status = 409, body = Problem), (status = 422, description = "The draft cannot be submitted as it stands (e.g. its period has ended); `field` names the draft's field", body = Problem)))]
pub async fn submit(
    State(s): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
) -> Result<Json<DemandOut>, ApiError> {
    Ok(Json(s.app.submit_demand(&user.ctx(), id).await?.into()))
}

#[derive(Deserialize, ToSchema, Default)]
#[serde(default, deny_unknown_fields)]
pub struct AdmitIn {
    /// `YYYY-MM-DD`; empty or left out: the demand's period.
    #[schema(schema_with = crate::api::texts::day_or_empty)]
    pub valid_from: String,
    #[schema(schema_with = crate::api::texts::day_or_empty)]
    pub valid_to: String,
    pub note: String,
}

/// Admits a submitted demand and assigns its admission number (the authority of its level).
#[utoipa::path(post, path = "/api/v1/demands/{id}/admit", params(("id" = i64, Path)), request_body = AdmitIn,
    responses((status = 200, body = DemandOut), (status = 403, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn admit(
    State(s): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
    Body(b): Body<AdmitIn>,
) -> Result<Json<DemandOut>, ApiError> {
    Ok(Json(
        s.app
            .admit_demand(&user.ctx(), id, &b.valid_from, &b.valid_to, &b.note)
            .await?
            .into(),
    ))
}

#[derive(Deserialize, ToSchema, Default)]
#[serde(default, deny_unknown_fields)]
pub struct DemandReasonIn {
    pub reason: String,
    /// Optional clause ID the reason rests on.
    pub clause: String,
}

/// Rejects a submitted demand with a reason.
#[utoipa::path(post, path = "/api/v1/demands/{id}/reject", params(("id" = i64, Path)), request_body = DemandReasonIn,
    responses((status = 200, body = DemandOut), (status = 403, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn reject(
    State(s): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
    Body(b): Body<DemandReasonIn>,
) -> Result<Json<DemandOut>, ApiError> {
    Ok(Json(
        s.app
            .reject_demand(&user.ctx(), id, &b.reason, &b.clause)
            .await?
            .into(),
    ))
}

#[derive(Deserialize, ToSchema, Default)]
#[serde(default, deny_unknown_fields)]
pub struct OverruleIn {
    /// Why the banned-wording match is false (5–500 characters); recorded and shown.
    pub reason: String,
}

/// Overrules the banned-wording findings (4.2-6) of a demand rejected on its words, with a
/// recorded reason (the authority of its level); the demand goes to that authority's queue.
#[utoipa::path(post, path = "/api/v1/demands/{id}/overrule-wording", params(("id" = i64, Path)), request_body = OverruleIn,
    responses((status = 200, body = DemandOut), (status = 403, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn overrule_wording(
    State(s): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
    Body(b): Body<OverruleIn>,
) -> Result<Json<DemandOut>, ApiError> {
    Ok(Json(
        s.app
            .overrule_wording(&user.ctx(), id, &b.reason)
            .await?
            .into(),
    ))
}

#[derive(Deserialize, ToSchema, Default)]
#[serde(default)]
pub struct RegisterIn {
    /// Must be `true`: the keeper confirms that the cited article exists and applies to the
    /// item (else 422 `basis_not_checked`).
    pub basis_checked: bool,
    /// Optional opinion (up to 500 characters), shown on the demand.
    pub opinion: String,
}

/// Registers (备案) a work item that cites a law, regulation or rule (4.2-2, 4.2-4): the list
/// keeper of its level (民政) confirms the article; the admission number is given for the
/// demand's period. 409 `demand_not_awaiting_registration` when it is not waiting for it.
#[utoipa::path(post, path = "/api/v1/demands/{id}/register", params(("id" = i64, Path)), request_body = RegisterIn,
    responses((status = 200, body = DemandOut), (status = 400, body = Problem), (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn register(
    State(s): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
    Body(b): Body<RegisterIn>,
) -> Result<Json<DemandOut>, ApiError> {
    Ok(Json(
        s.app
            .register_demand(&user.ctx(), id, b.basis_checked, &b.opinion)
            .await?
            .into(),
    ))
}

#[derive(Deserialize, ToSchema, Default)]
#[serde(default)]
pub struct ReturnIn {
    /// `basis_not_applicable` (the article does not provide for this item) or
    /// `article_not_found` (no such article).
    pub ground: String,
    /// Required: what the drafter should correct.
    pub reason: String,
}

/// Returns a work item waiting for registration to its drafter (status `draft`), with a ground
/// and a reason, recorded on the decision (list keeper of its level).
#[utoipa::path(post, path = "/api/v1/demands/{id}/return-registration", params(("id" = i64, Path)), request_body = ReturnIn,
    responses((status = 200, body = DemandOut), (status = 400, body = Problem), (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn return_registration(
    State(s): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
    Body(b): Body<ReturnIn>,
) -> Result<Json<DemandOut>, ApiError> {
    Ok(Json(
        s.app
            .return_registration(&user.ctx(), id, &b.ground, &b.reason)
            .await?
            .into(),
    ))
}

/// Revokes an admitted demand (4.2-5).
#[utoipa::path(post, path = "/api/v1/demands/{id}/revoke", params(("id" = i64, Path)), request_body = DemandReasonIn,
    responses((status = 200, body = DemandOut), (status = 403, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn revoke(
    State(s): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
    Body(b): Body<DemandReasonIn>,
) -> Result<Json<DemandOut>, ApiError> {
    Ok(Json(
        s.app
            .revoke_demand(&user.ctx(), id, &b.reason)
            .await?
            .into(),
    ))
}

#[derive(Serialize, ToSchema)]
pub struct LookupOut {
    pub number: String,
    /// `valid`, `not_yet_valid`, `expired`, `revoked` or `unknown`.
    pub state: String,
    pub state_zh: String,
    pub title: Option<String>,
    pub requester_name: Option<String>,
    pub valid_from: Option<String>,
    pub valid_to: Option<String>,
    pub revoke_reason: Option<String>,
    pub target_count: usize,
    pub targets: Vec<String>,
    pub clauses: Vec<String>,
    /// A report form's corner (表号, 制定机关, 批准机关, 批准文号, 有效期限); absent for other kinds.
    pub form_corner: Option<FormCornerOut>,
}

/// The statistics-law corner of an admitted report form.
#[derive(Serialize, ToSchema)]
pub struct FormCornerOut {
    /// 表号: the admission number.
    pub form_number: String,
    /// 制定机关.
    pub maker: String,
    /// 批准机关.
    pub approver: String,
    /// 批准文号.
    pub approval_number: String,
    #[schema(format = Date)]
    pub valid_from: String,
    #[schema(format = Date)]
    pub valid_to: String,
}

impl From<jianfu_domain::report_form::FormCorner> for FormCornerOut {
    fn from(c: jianfu_domain::report_form::FormCorner) -> Self {
        Self {
            form_number: c.form_number,
            maker: c.maker,
            approver: c.approver,
            approval_number: c.approval_number,
            valid_from: c.valid_from,
            valid_to: c.valid_to,
        }
    }
}

/// Public lookup of an admission number (no login).
#[utoipa::path(get, path = "/api/v1/lookup/{number}", params(("number" = String, Path, description = "e.g. AZ-2026-000123-7; the last character is the ISO 7064 MOD 11-2 check character", pattern = r"^[Aa][Zz]-[0-9]{4}-[0-9]{6}-[0-9Xx]$")), security(()),
    responses((status = 200, body = LookupOut), (status = 422, body = Problem)))]
pub async fn lookup(
    State(s): State<AppState>,
    Path(number): Path<String>,
) -> Result<Json<LookupOut>, ApiError> {
    let r = s.app.lookup(&number).await?;
    Ok(Json(LookupOut {
        number: r.number,
        state: r.state.into(),
        state_zh: r.state_zh.into(),
        title: r.title,
        requester_name: r.requester_name,
        valid_from: r.valid_from,
        valid_to: r.valid_to,
        revoke_reason: r.revoke_reason,
        target_count: r.target_count,
        targets: r.targets,
        clauses: r.clauses,
        form_corner: r.form_corner.map(Into::into),
    }))
}

#[derive(Serialize, ToSchema)]
pub struct CaseOut {
    pub id: i64,
    pub community_id: i64,
    pub community_name: String,
    pub demanding_unit: String,
    pub description: String,
    pub claimed_number: Option<String>,
    pub clause: String,
    /// `open` (待核实), `verified` (已核实), `dismissed` (不予立案), `rectifying` (整改中),
    /// `rectified` (已整改, 待验收), `accepted` (已验收) or `closed` (已办结).
    #[schema(schema_with = crate::api::texts::case_status)]
    pub status: String,
    pub created_at: i64,
    /// 逾期: `rectifying` past the notice's due day.
    pub overdue: bool,
    /// 已上报: the overdue rectification was escalated to the next level's supervisors.
    pub escalated: bool,
    /// The node it was escalated to (e.g. 鞍山市), empty until then.
    pub escalated_to: String,
    /// Where it came from: `community_report`, `detector`, `inspection`, `public_complaint`
    /// (an anonymous report: who made it is shown to nobody) or `monitoring`.
    pub source: String,
    pub source_zh: String,
}

impl From<CaseView> for CaseOut {
    fn from(c: CaseView) -> Self {
        Self {
            id: c.id,
            community_id: c.community_id,
            community_name: c.community_name,
            demanding_unit: c.demanding_unit,
            description: c.description,
            claimed_number: c.claimed_number,
            clause: c.finding.clause,
            status: c.status.as_str().to_owned(),
            created_at: c.created_at,
            overdue: c.overdue,
            escalated: c.escalated,
            escalated_to: c.escalated_to,
            source: c.source.as_str().to_owned(),
            source_zh: c.source.label_zh().to_owned(),
        }
    }
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReportIn {
    /// The community (village) reporting; it must be the caller's own.
    pub community_id: i64,
    /// Who pushed the work item down.
    pub demanding_unit: String,
    /// What was demanded.
    pub description: String,
    /// The admission number the unit claimed, if any (e.g. `AZ-2026-000123-7`).
    #[serde(default)]
    pub claimed_number: String,
}

#[derive(Serialize, ToSchema)]
pub struct ReportOut {
    /// The supervision case opened by the report (see `/api/v1/cases`).
    pub id: i64,
}

/// A community refuses a demand that has no valid admission number and reports it; the report
/// becomes a supervision case for the district's and city's supervisors.
#[utoipa::path(post, path = "/api/v1/reports", request_body = ReportIn,
    responses((status = 201, body = ReportOut), (status = 403, body = Problem), (status = 422, body = Problem)))]
pub async fn report(
    State(s): State<AppState>,
    user: CurrentUser,
    Body(b): Body<ReportIn>,
) -> Result<(StatusCode, Json<ReportOut>), ApiError> {
    let form = ReportForm {
        community_id: b.community_id,
        demanding_unit: b.demanding_unit,
        description: b.description,
        claimed_number: b.claimed_number,
    };
    let id = s.app.report_unadmitted(&user.ctx(), &form).await?;
    Ok((StatusCode::CREATED, Json(ReportOut { id })))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PageParams {
    /// 1-based page number.
    #[param(minimum = 1, maximum = 1000000)]
    page: Option<u64>,
    /// Items per page (default 20).
    #[param(minimum = 1, maximum = 200)]
    per_page: Option<u64>,
    /// Only the cases in this state, or `overdue` ones (整改中 past the notice's due day).
    #[param(schema_with = crate::api::texts::case_filter)]
    status: Option<String>,
}

/// The supervision cases the caller sees, newest first: those of its jurisdiction
/// (supervisors), or those whose rectification notice names its unit (a department, street or
/// community; without who reported them). Optionally of one state, or overdue.
#[utoipa::path(get, path = "/api/v1/cases", params(PageParams), responses((status = 200, body = PageOut<CaseOut>), (status = 403, body = Problem)))]
pub async fn cases(
    State(s): State<AppState>,
    user: CurrentUser,
    Query(p): Query<PageParams>,
) -> Result<Json<PageOut<CaseOut>>, ApiError> {
    let page = s
        .app
        .list_cases(
            &user.ctx(),
            &CaseFilter {
                status: p.status.unwrap_or_default(),
            },
            PageRequest::parse(p.page, p.per_page)?,
        )
        .await?;
    Ok(Json(PageOut {
        items: page.items.into_iter().map(CaseOut::from).collect(),
        total: page.total,
        page: page.page,
        per_page: page.per_page,
    }))
}

#[derive(Serialize, ToSchema)]
pub struct LedgerRowOut {
    pub node_id: i64,
    pub name: String,
    pub parent: String,
    pub demands: i64,
    pub hours_per_year: f64,
}

#[derive(Serialize, ToSchema)]
pub struct LedgerOut {
    pub scope_node_id: i64,
    pub as_of: String,
    pub total_hours: f64,
    pub by_community: Vec<LedgerRowOut>,
    pub by_department: Vec<LedgerRowOut>,
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct LedgerParams {
    /// City or district node id; default: the caller's own scope.
    scope: Option<i64>,
}

/// The burden ledger per community and per requesting department.
#[utoipa::path(get, path = "/api/v1/ledger", params(LedgerParams), responses((status = 200, body = LedgerOut), (status = 403, body = Problem), (status = 404, description = "No place with id `scope`", body = Problem)))]
pub async fn ledger(
    State(s): State<AppState>,
    user: CurrentUser,
    Query(p): Query<LedgerParams>,
) -> Result<Json<LedgerOut>, ApiError> {
    let l = s.app.ledger(&user.ctx(), p.scope).await?;
    let rows = |v: Vec<jianfu_domain::demand::LedgerRow>| {
        v.into_iter()
            .map(|r| LedgerRowOut {
                node_id: r.node_id,
                name: r.name,
                parent: r.parent,
                demands: r.demands,
                hours_per_year: r.hours_per_year,
            })
            .collect()
    };
    Ok(Json(LedgerOut {
        scope_node_id: l.scope.id,
        as_of: l.as_of,
        total_hours: l.total_hours,
        by_community: rows(l.by_community),
        by_department: rows(l.by_department),
    }))
}

/// A temporary plaque request as the API takes it (4.1-5).
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TemporaryPlaqueIn {
    /// The street or town asking; the caller's own when omitted.
    #[serde(default)]
    pub unit_id: i64,
    pub task: String,
    pub plaque_text: String,
    /// `outdoor` or `indoor`.
    #[schema(schema_with = crate::api::texts::placement)]
    pub placement: String,
    /// YYYY-MM-DD.
    #[schema(format = Date)]
    pub start: String,
    /// YYYY-MM-DD; the plaque must be gone the day after.
    #[schema(format = Date)]
    pub end: String,
}

/// A street or town requests a temporary plaque; it goes to the district staffing office.
#[utoipa::path(post, path = "/api/v1/temporary-plaques", request_body = TemporaryPlaqueIn,
    responses((status = 201, body = DemandOut), (status = 403, body = Problem), (status = 422, body = Problem)))]
pub async fn request_temporary_plaque(
    State(s): State<AppState>,
    user: CurrentUser,
    Body(b): Body<TemporaryPlaqueIn>,
) -> Result<(StatusCode, Json<DemandOut>), ApiError> {
    let f = jianfu_domain::demand_kinds::TemporaryPlaqueForm {
        unit_id: b.unit_id,
        task: b.task,
        plaque_text: b.plaque_text,
        placement: b.placement,
        start: b.start,
        end: b.end,
    };
    let d = s.app.request_temporary_plaque(&user.ctx(), &f).await?;
    Ok((StatusCode::CREATED, Json(d.into())))
}

/// An agency, venue, staff or plaque requirement as the API takes it (4.4-3).
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AgencyIn {
    pub requester_node_id: i64,
    pub title: String,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub work_agency: bool,
    #[serde(default)]
    pub venue: bool,
    #[serde(default)]
    pub full_time_staff: bool,
    #[serde(default)]
    pub plaque: bool,
    /// `law`, `regulation`, `rule`, or empty.
    #[serde(default)]
    #[schema(schema_with = crate::api::texts::legal_basis_kind)]
    pub legal_basis_kind: String,
    #[serde(default)]
    pub legal_basis_title: String,
    #[serde(default)]
    pub legal_basis_article: String,
    /// `central`, `provincial`, `city`, `district`, or empty.
    #[serde(default)]
    #[schema(schema_with = crate::api::texts::mandate_level)]
    pub mandate_level: String,
    #[serde(default)]
    pub mandate_document: String,
    #[schema(format = Date)]
    pub period_start: String,
    #[schema(format = Date)]
    pub period_end: String,
    /// `scope`, `streets` or `communities`.
    #[schema(schema_with = crate::api::texts::target_mode)]
    pub target_mode: String,
    #[serde(default)]
    pub target_ids: Vec<i64>,
}

/// A department's agency, venue, staff or plaque requirement on communities: rejected at once
/// without a legal basis or a mandate (4.4-3), otherwise submitted to the authority.
#[utoipa::path(post, path = "/api/v1/agency-requirements", request_body = AgencyIn,
    responses((status = 201, body = DemandOut), (status = 403, body = Problem), (status = 422, body = Problem)))]
pub async fn create_agency_requirement(
    State(s): State<AppState>,
    user: CurrentUser,
    Body(b): Body<AgencyIn>,
) -> Result<(StatusCode, Json<DemandOut>), ApiError> {
    let f = jianfu_domain::demand_kinds::AgencyForm {
        requester_node_id: b.requester_node_id,
        title: b.title,
        description: b.description,
        work_agency: b.work_agency,
        venue: b.venue,
        full_time_staff: b.full_time_staff,
        plaque: b.plaque,
        legal_basis_kind: b.legal_basis_kind,
        legal_basis_title: b.legal_basis_title,
        legal_basis_article: b.legal_basis_article,
        mandate_level: b.mandate_level,
        mandate_document: b.mandate_document,
        period_start: b.period_start,
        period_end: b.period_end,
        target_mode: b.target_mode,
        target_ids: b.target_ids,
    };
    let d = s.app.create_agency_requirement(&user.ctx(), &f).await?;
    Ok((StatusCode::CREATED, Json(d.into())))
}

/// A certificate demand as the API takes it (4.5-4).
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CertificateDemandIn {
    pub requester_node_id: i64,
    /// A type of the catalogue (its code), or empty to name one in `type_name`.
    #[serde(default)]
    pub type_code: String,
    #[serde(default)]
    pub type_name: String,
    pub purpose: String,
    /// `law`, `regulation`, `rule`, `retained_list`, or empty for none.
    #[serde(default)]
    #[schema(schema_with = crate::api::texts::certificate_basis_kind)]
    pub basis_kind: String,
    #[serde(default)]
    pub basis_title: String,
    /// The article, or for a retained list its approver: `state`, `province` or `city`.
    #[serde(default)]
    pub basis_article: String,
    #[schema(format = Date)]
    pub period_start: String,
    #[schema(format = Date)]
    pub period_end: String,
    /// `scope`, `streets` or `communities`.
    #[schema(schema_with = crate::api::texts::target_mode)]
    pub target_mode: String,
    #[serde(default)]
    pub target_ids: Vec<i64>,
}

/// A department requires communities to issue a certificate: rejected at once without the
/// basis that makes the community its issuer (4.5-4) or for a type the catalogue of a community
/// concerned does not retain (4.5-10); otherwise it waits for the list keeper's registration.
#[utoipa::path(post, path = "/api/v1/certificate-demands", request_body = CertificateDemandIn,
    responses((status = 201, body = DemandOut), (status = 403, body = Problem), (status = 422, body = Problem)))]
pub async fn create_certificate_demand(
    State(s): State<AppState>,
    user: CurrentUser,
    Body(b): Body<CertificateDemandIn>,
) -> Result<(StatusCode, Json<DemandOut>), ApiError> {
    let f = jianfu_domain::demand_kinds::CertificateDemandForm {
        requester_node_id: b.requester_node_id,
        type_code: b.type_code,
        type_name: b.type_name,
        purpose: b.purpose,
        basis_kind: b.basis_kind,
        basis_title: b.basis_title,
        basis_article: b.basis_article,
        basis_approver: String::new(),
        period_start: b.period_start,
        period_end: b.period_end,
        target_mode: b.target_mode,
        target_ids: b.target_ids,
    };
    let d = s.app.create_certificate_demand(&user.ctx(), &f).await?;
    Ok((StatusCode::CREATED, Json(d.into())))
}
