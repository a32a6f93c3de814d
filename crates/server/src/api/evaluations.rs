//! Evaluation demands (考核评比, 4.3) through the API: filed like the page's form, decided at
//! once by the rules, answered as a demand.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use jianfu_domain::evaluation::{EvaluationForm, IndicatorForm, MaterialForm};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::access::CurrentUser;
use crate::api::demands::DemandOut;
use crate::error::{ApiError, Problem};
use crate::extract::Json as Body;
use crate::state::AppState;

/// One indicator: its name, weight (percent) and scoring method.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct IndicatorIn {
    pub name: String,
    /// Percent, 0–100; the weights of all indicators add up to 100.
    #[schema(minimum = 0, maximum = 100)]
    pub weight: u32,
    #[serde(default)]
    pub method: String,
    /// Marked 一票否决: refused by 4.3-5.
    #[serde(default)]
    pub veto: bool,
}

/// One material communities must supply, with the minutes it costs each of them.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EvaluationMaterialIn {
    pub name: String,
    #[schema(minimum = 1, maximum = 10000)]
    pub minutes: u32,
}

/// An evaluation aimed at communities as the API takes it (4.3).
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EvaluationIn {
    pub requester_node_id: i64,
    pub title: String,
    /// `compliance` 达标, `inspection` 检查, `appraisal` 评比, `demonstration` 示范创建 or
    /// `supervision` 督查.
    #[schema(schema_with = crate::api::texts::evaluation_kind)]
    pub evaluation_kind: String,
    /// `separate` (the department alone) or `comprehensive` (an indicator of the district's
    /// comprehensive evaluation).
    #[schema(schema_with = crate::api::texts::organisation)]
    pub organisation: String,
    /// Who required it: `central`, `provincial`, `city`, `district`, `other`, or empty for none.
    #[serde(default)]
    #[schema(schema_with = crate::api::texts::mandate_level)]
    pub mandate_level: String,
    #[serde(default)]
    pub mandate_document: String,
    #[serde(default)]
    pub mandate_title: String,
    pub indicators: Vec<IndicatorIn>,
    /// The activity's own rules (考核办法).
    #[serde(default)]
    pub rules_text: String,
    #[serde(default)]
    pub materials: Vec<EvaluationMaterialIn>,
    /// Days of on-site visits in each community, 0–30.
    #[serde(default)]
    #[schema(minimum = 0, maximum = 30)]
    pub visit_days: u32,
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

/// A department files an evaluation aimed at communities: rejected at once without a mandate
/// of 党中央/国务院, 省委/省政府 or 市委/市政府 (4.3-2), as a 达标 or 评比 it runs on its own
/// (4.3-3), or with a one-vote veto in an indicator or its rules (4.3-5); otherwise it waits
/// for the authority of its level, who admits it with a number.
#[utoipa::path(post, path = "/api/v1/evaluations", request_body = EvaluationIn,
    responses((status = 201, body = DemandOut), (status = 403, body = Problem), (status = 422, body = Problem)))]
pub async fn create(
    State(s): State<AppState>,
    user: CurrentUser,
    Body(b): Body<EvaluationIn>,
) -> Result<(StatusCode, Json<DemandOut>), ApiError> {
    let f = EvaluationForm {
        requester_node_id: b.requester_node_id,
        title: b.title,
        evaluation_kind: b.evaluation_kind,
        organisation: b.organisation,
        mandate_level: b.mandate_level,
        mandate_document: b.mandate_document,
        mandate_title: b.mandate_title,
        indicators: b
            .indicators
            .into_iter()
            .map(|i| IndicatorForm {
                name: i.name,
                weight: i.weight.to_string(),
                method: i.method,
                veto: i.veto,
            })
            .collect(),
        rules_text: b.rules_text,
        materials: b
            .materials
            .into_iter()
            .map(|m| MaterialForm {
                name: m.name,
                minutes: m.minutes.to_string(),
            })
            .collect(),
        visit_days: b.visit_days.to_string(),
        period_start: b.period_start,
        period_end: b.period_end,
        target_mode: b.target_mode,
        target_ids: b.target_ids,
    };
    let d = s.app.create_evaluation(&user.ctx(), &f).await?;
    Ok((StatusCode::CREATED, Json(d.into())))
}

/// An on-site check's number, as a community worker enters it.
#[derive(Deserialize, ToSchema, Default)]
#[serde(default)]
pub struct VisitCheckIn {
    /// The community visited (0 or absent: the caller's own).
    pub community_id: i64,
    /// The admission number the inspectors show; empty when they show none.
    pub number: String,
    pub unit: String,
    pub activity: String,
}

/// Receive the check, or refuse it and report it.
#[derive(Serialize, ToSchema)]
pub struct VisitCheckOut {
    pub community_id: i64,
    pub community_name: String,
    pub number: String,
    /// `allow` (receive) or `reject` (may be refused and reported).
    pub outcome: String,
    pub refuse: bool,
    pub clauses: Vec<String>,
    pub findings: Vec<crate::api::demands::FindingOut>,
    /// The page of the unadmitted-demand report, prefilled.
    pub report_href: String,
}

/// A community checks the admission number shown for an on-site check of an evaluation
/// (4.2-5 with 4.3-2): only an admitted evaluation in force aimed at the community is received.
#[utoipa::path(post, path = "/api/v1/evaluations/visit-check", request_body = VisitCheckIn,
    responses((status = 200, body = VisitCheckOut), (status = 403, body = Problem), (status = 422, body = Problem)))]
pub async fn visit_check(
    State(s): State<AppState>,
    user: CurrentUser,
    Body(b): Body<VisitCheckIn>,
) -> Result<Json<VisitCheckOut>, ApiError> {
    let r = s
        .app
        .check_visit(
            &user.ctx(),
            &jianfu_domain::evaluation::VisitCheckForm {
                community_id: b.community_id,
                number: b.number,
                unit: b.unit,
                activity: b.activity,
            },
        )
        .await?;
    Ok(Json(VisitCheckOut {
        community_id: r.community_id,
        community_name: r.community_name,
        number: r.number,
        outcome: r.decision.outcome,
        refuse: r.refuse,
        clauses: r.decision.clauses,
        findings: r
            .decision
            .reasons
            .into_iter()
            .map(|x| crate::api::demands::FindingOut {
                clause: x.clause,
                code: x.code,
                message: x.message,
            })
            .collect(),
        report_href: r.report_href,
    }))
}
