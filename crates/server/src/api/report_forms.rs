//! Report forms (填表报数, 4.8-3, 4.9-2 … 4.9-4) through the API: assessed before filing (the
//! burden and the rules' decision, nothing stored) and filed like the page's form, decided at
//! once by the rules, answered as a demand.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use jianfu_domain::demand::DemandView;
use jianfu_domain::report_form::{
    FormCorner, FormFieldDetails, ReportFormAssessment, ReportFormForm,
};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::access::CurrentUser;
use crate::api::demands::{DemandOut, FindingOut, FormCornerOut};
use crate::error::{ApiError, Problem};
use crate::extract::Json as Body;
use crate::state::AppState;

/// A report form as the API takes it.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReportFormIn {
    pub requester_node_id: i64,
    pub title: String,
    /// What the data is collected for.
    pub purpose: String,
    /// Data dictionary codes of its fields (1–50), e.g. `HJ_RKS`.
    pub item_codes: Vec<String>,
    /// `community` or `village`.
    #[schema(schema_with = respondent_level)]
    pub respondent_level: String,
    /// Who should properly fill it: `community`, `family_farm`, `cooperative`,
    /// `agricultural_enterprise` or `street_government` (4.9-4).
    #[schema(schema_with = proper_respondent)]
    pub proper_respondent: String,
    /// `once`, `weekly`, `monthly`, `quarterly`, `half_yearly` or `yearly`.
    #[schema(schema_with = frequency)]
    pub frequency: String,
    #[schema(format = Date)]
    pub period_start: String,
    #[schema(format = Date)]
    pub period_end: String,
    /// The law, regulation or document it rests on (制表依据).
    pub legal_basis: String,
    /// An agricultural form (涉农报表, 4.9-2).
    #[serde(default)]
    pub agricultural: bool,
    /// The rural-revitalisation work it dispatches: `production`, `living_environment`,
    /// `ecology`, `other`, or empty for none (4.9-3).
    #[serde(default)]
    #[schema(schema_with = rural_work)]
    pub rural_work: String,
    /// `scope`, `streets` or `communities`.
    #[schema(schema_with = crate::api::texts::target_mode)]
    pub target_mode: String,
    #[serde(default)]
    pub target_ids: Vec<i64>,
}

fn respondent_level() -> utoipa::openapi::Object {
    crate::api::texts::codes(&["community", "village"])
}
fn proper_respondent() -> utoipa::openapi::Object {
    crate::api::texts::codes(&jianfu_rules::ProperRespondent::ALL.map(|r| r.as_str()))
}
fn frequency() -> utoipa::openapi::Object {
    crate::api::texts::codes(&jianfu_rules::Frequency::ALL.map(|f| f.as_str()))
}
fn rural_work() -> utoipa::openapi::Object {
    let mut all = vec![""];
    all.extend(jianfu_rules::RuralWork::ALL.map(|w| w.as_str()));
    crate::api::texts::codes(&all)
}

impl From<ReportFormIn> for ReportFormForm {
    fn from(b: ReportFormIn) -> Self {
        Self {
            requester_node_id: b.requester_node_id,
            title: b.title,
            purpose: b.purpose,
            item_codes: b.item_codes,
            respondent_level: b.respondent_level,
            proper_respondent: b.proper_respondent,
            frequency: b.frequency,
            period_start: b.period_start,
            period_end: b.period_end,
            legal_basis: b.legal_basis,
            agricultural: b.agricultural,
            rural_work: b.rural_work,
            target_mode: b.target_mode,
            target_ids: b.target_ids,
        }
    }
}

/// One field of a form.
#[derive(Serialize, ToSchema)]
pub struct FormFieldOut {
    pub code: String,
    pub name: String,
    /// The data item's type: `integer`, `decimal`, `text`, `date`, `choice` or `person_record`.
    pub kind: String,
    pub unit: String,
    /// Pre-filled from shared data (4.8-3): not asked of communities.
    pub prefilled: bool,
    /// Whose data pre-fills it, or 社区(村) for a field asked.
    pub source_name: String,
    /// Minutes one return of it costs when asked.
    pub minutes: u32,
}

impl From<FormFieldDetails> for FormFieldOut {
    fn from(f: FormFieldDetails) -> Self {
        Self {
            code: f.code,
            name: f.name,
            kind: f.kind,
            unit: f.unit,
            prefilled: f.prefilled,
            source_name: f.source_name,
            minutes: f.minutes,
        }
    }
}

/// A report form's own fields, in a demand.
#[derive(Serialize, ToSchema)]
pub struct ReportFormOut {
    pub purpose: String,
    pub fields: Vec<FormFieldOut>,
    pub respondent_level: String,
    pub proper_respondent: String,
    pub frequency: String,
    pub legal_basis: String,
    pub agricultural: bool,
    pub rural_work: String,
    /// Minutes one return costs one community (the fields left to fill).
    pub minutes_per_return: u32,
    /// Returns over the period.
    pub returns: u32,
    /// Once admitted: 表号, 制定机关, 批准机关, 批准文号, 有效期限.
    pub corner: Option<FormCornerOut>,
}

impl ReportFormOut {
    pub fn of(d: &DemandView) -> Option<Self> {
        let f = d.report_form.clone()?;
        Some(Self {
            purpose: f.purpose,
            fields: f.fields.into_iter().map(Into::into).collect(),
            respondent_level: f.respondent_level,
            proper_respondent: f.proper_respondent,
            frequency: f.frequency,
            legal_basis: f.legal_basis,
            agricultural: f.agricultural,
            rural_work: f.rural_work,
            minutes_per_return: f.minutes_per_return,
            returns: f.returns,
            corner: FormCorner::of(d).map(Into::into),
        })
    }
}

/// What a form would be if filed now: its fields, its burden and the rules' decision.
#[derive(Serialize, ToSchema)]
pub struct AssessmentOut {
    pub fields: Vec<FormFieldOut>,
    /// Target communities (or villages) that fill it.
    pub respondents: u32,
    /// Returns over the period, and in one year.
    pub returns: u32,
    pub returns_per_year: u32,
    pub minutes_per_return: u32,
    /// Minutes over the whole period, every community.
    pub burden_minutes: u64,
    /// Hours per year for one community, and across every target community.
    pub hours_per_community: f64,
    pub hours_per_year: f64,
    /// Minutes the pre-filled fields save over the period, every community.
    pub minutes_saved: u64,
    /// `allow` or `reject`.
    pub outcome: String,
    pub clauses: Vec<String>,
    pub findings: Vec<FindingOut>,
}

impl From<ReportFormAssessment> for AssessmentOut {
    fn from(a: ReportFormAssessment) -> Self {
        Self {
            fields: a.fields.into_iter().map(Into::into).collect(),
            respondents: a.respondents,
            returns: a.returns,
            returns_per_year: a.returns_per_year,
            minutes_per_return: a.minutes_per_return,
            burden_minutes: a.burden_minutes,
            hours_per_community: a.hours_per_community,
            hours_per_year: a.hours_per_year,
            minutes_saved: a.minutes_saved,
            outcome: a.decision.outcome,
            clauses: a.decision.clauses,
            findings: a
                .decision
                .reasons
                .into_iter()
                .map(|r| FindingOut {
                    clause: r.clause,
                    code: r.code,
                    message: r.message,
                })
                .collect(),
        }
    }
}

/// The burden and the rules' decision of a form before it is filed (nothing stored): fields
/// the platform already shares with the department are pre-filled and cost nothing (4.8-3).
#[utoipa::path(post, path = "/api/v1/report-forms/assess", request_body = ReportFormIn,
    responses((status = 200, body = AssessmentOut), (status = 403, body = Problem), (status = 422, body = Problem)))]
pub async fn assess(
    State(s): State<AppState>,
    user: CurrentUser,
    Body(b): Body<ReportFormIn>,
) -> Result<Json<AssessmentOut>, ApiError> {
    let a = s.app.assess_report_form(&user.ctx(), &b.into()).await?;
    Ok(Json(a.into()))
}

/// A department files a report form aimed at communities or villages: rejected at once when
/// every field is already shared (4.8-3, use the shared data), when its proper respondent is a
/// new agricultural entity or the street/town government (4.9-4), when it dispatches
/// 生产经营, 人居环境整治 or 生态文明建设 work more often than quarterly (4.9-3), or when a weekly
/// or monthly agricultural form passes a district's cap (4.9-2); otherwise it waits for the
/// authority of its level, who admits it with a number (its 表号).
#[utoipa::path(post, path = "/api/v1/report-forms", request_body = ReportFormIn,
    responses((status = 201, body = DemandOut), (status = 403, body = Problem), (status = 422, body = Problem)))]
pub async fn create(
    State(s): State<AppState>,
    user: CurrentUser,
    Body(b): Body<ReportFormIn>,
) -> Result<(StatusCode, Json<DemandOut>), ApiError> {
    let d = s.app.create_report_form(&user.ctx(), &b.into()).await?;
    Ok((StatusCode::CREATED, Json(d.into())))
}

/// One value a district set.
#[derive(Serialize, ToSchema)]
pub struct AgriCapOut {
    pub cap: i32,
    #[schema(format = Date)]
    pub effective_from: String,
    pub note: String,
    pub set_by: String,
    pub set_at: String,
    /// The value in force today.
    pub in_force: bool,
}

impl From<jianfu_domain::report_form::AgriCapView> for AgriCapOut {
    fn from(c: jianfu_domain::report_form::AgriCapView) -> Self {
        Self {
            cap: c.cap,
            effective_from: c.effective_from,
            note: c.note,
            set_by: c.set_by,
            set_at: c.set_at,
            in_force: c.in_force,
        }
    }
}

/// A district's cap on weekly and monthly agricultural forms (4.9-2).
#[derive(Serialize, ToSchema)]
pub struct AgriCapsOut {
    pub district_id: i64,
    pub district_name: String,
    /// The value in force today; absent when none is set (no weekly or monthly agricultural
    /// form is admitted then).
    pub in_force: Option<AgriCapOut>,
    /// Weekly and monthly agricultural forms admitted and running there today.
    pub counted: u32,
    /// Every value set, the latest effective day first.
    pub history: Vec<AgriCapOut>,
    #[schema(format = Date)]
    pub as_of: String,
}

impl From<jianfu_domain::report_form::AgriCapsView> for AgriCapsOut {
    fn from(v: jianfu_domain::report_form::AgriCapsView) -> Self {
        Self {
            district_id: v.district.id,
            district_name: v.district.name,
            in_force: v.in_force.map(Into::into),
            counted: v.counted,
            history: v.history.into_iter().map(Into::into).collect(),
            as_of: v.as_of,
        }
    }
}

/// A new value as the API takes it.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AgriCapIn {
    /// Weekly and monthly agricultural forms allowed at once, 0–100.
    #[schema(minimum = 0, maximum = 100)]
    pub cap: u32,
    /// The first day in force: today or later.
    #[schema(format = Date)]
    pub effective_from: String,
    /// The district's document or reason.
    pub note: String,
}

/// A district's cap on weekly and monthly agricultural forms: the value in force today, the
/// forms it counts, and every value set (4.9-2).
#[utoipa::path(get, path = "/api/v1/agri-form-caps/{district_id}",
    params(("district_id" = i64, Path, description = "The district's node id")),
    responses((status = 200, body = AgriCapsOut), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn agri_caps(
    State(s): State<AppState>,
    user: CurrentUser,
    crate::extract::Path(district_id): crate::extract::Path<i64>,
) -> Result<Json<AgriCapsOut>, ApiError> {
    Ok(Json(
        s.app.agri_caps(&user.ctx(), district_id).await?.into(),
    ))
}

/// The district's Party committee and government set a new value, in force from a day (today
/// or later); every value is kept (4.9-2).
#[utoipa::path(post, path = "/api/v1/agri-form-caps/{district_id}", request_body = AgriCapIn,
    params(("district_id" = i64, Path, description = "The district's node id")),
    responses((status = 201, body = AgriCapsOut), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn set_agri_cap(
    State(s): State<AppState>,
    user: CurrentUser,
    crate::extract::Path(district_id): crate::extract::Path<i64>,
    Body(b): Body<AgriCapIn>,
) -> Result<(StatusCode, Json<AgriCapsOut>), ApiError> {
    let f = jianfu_domain::report_form::AgriCapForm {
        cap: b.cap.to_string(),
        effective_from: b.effective_from,
        note: b.note,
    };
    let v = s.app.set_agri_cap(&user.ctx(), district_id, &f).await?;
    Ok((StatusCode::CREATED, Json(v.into())))
}
