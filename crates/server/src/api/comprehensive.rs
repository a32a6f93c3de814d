//! `/api/v1/comprehensive`: the district's comprehensive evaluation of communities (综合考评,
//! 4.3-4) for machine clients — design, self-nomination with evidence (base64), review,
//! residents' satisfaction responses, scores, closing and the published ranking.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use jianfu_domain::comprehensive::{
    AppealAnswer, AppealView, CampaignSummary, ComprehensiveView, DesignForm, GroupForm,
    IndicatorForm, ResponseForm,
};
use jianfu_domain::page::PageRequest;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::access::CurrentUser;
use crate::api::certificates::{AttachmentIn, decode_uploads};
use crate::api::{PageOut, PageParams};
use crate::error::{ApiError, Problem};
use crate::extract::{Json as Body, Path, Query};
use crate::state::AppState;

/// Request body limit of a self-nomination: five files of 5 MB in base64 and the report.
pub const NOMINATION_JSON_LIMIT: usize = jianfu_domain::certificate::MAX_ATTACHMENTS
    * jianfu_domain::certificate::MAX_ATTACHMENT_BYTES
    * 4
    / 3
    + 64 * 1024;

#[derive(Serialize, ToSchema)]
pub struct ComprehensiveSummaryOut {
    pub id: i64,
    pub district_id: i64,
    pub district_name: String,
    pub name: String,
    pub year: i32,
    pub nomination_deadline: String,
    /// `open` or `closed` (closed = published).
    pub status: String,
}

impl From<CampaignSummary> for ComprehensiveSummaryOut {
    fn from(c: CampaignSummary) -> Self {
        Self {
            id: c.id,
            district_id: c.district_id,
            district_name: c.district_name,
            name: c.name,
            year: c.year,
            nomination_deadline: c.nomination_deadline,
            status: c.status.as_str().into(),
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct ComprehensiveIndicatorOut {
    /// The indicator's number: what nominations and scores name.
    pub no: i32,
    pub name: String,
    /// Percent of its group.
    pub weight: u32,
    pub method: String,
    /// The admitted evaluation demand folded in (4.3-3).
    pub demand_id: Option<i64>,
}

#[derive(Serialize, ToSchema)]
pub struct ComprehensiveGroupOut {
    pub name: String,
    /// Percent of the total.
    pub weight: u32,
    pub satisfaction: bool,
    pub indicators: Vec<ComprehensiveIndicatorOut>,
}

#[derive(Serialize, ToSchema)]
pub struct NominationOut {
    pub indicator: i32,
    pub id: Option<i64>,
    /// `submitted`, `accepted`, `amend`, `missing` (deadline passed) or `due`.
    pub state: String,
    pub late: bool,
    pub report: String,
    pub review_reason: Option<String>,
    /// Evidence file ids (download at `/comprehensive/evidence/{id}`).
    pub evidence: Vec<i64>,
    /// Points, two decimals.
    pub score: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct GroupLineOut {
    pub name: String,
    pub weight: u32,
    pub score: Option<String>,
    /// How the group's score came about.
    pub how: String,
}

#[derive(Serialize, ToSchema)]
pub struct RatingCountOut {
    pub rating: String,
    pub count: u64,
}

#[derive(Serialize, ToSchema)]
pub struct ComprehensiveCommunityOut {
    pub id: i64,
    pub name: String,
    pub street: String,
    pub nominations: Vec<NominationOut>,
    /// Satisfaction responses (counts only).
    pub responses: u64,
    pub rating_counts: Vec<RatingCountOut>,
    pub sample_reached: bool,
    /// One-time satisfaction codes issued and used (counts only).
    pub codes_issued: u64,
    pub codes_used: u64,
    pub groups: Vec<GroupLineOut>,
    pub total: Option<String>,
    pub incomplete: Option<String>,
    pub rank: Option<usize>,
}

#[derive(Serialize, ToSchema)]
pub struct RankOut {
    pub rank: usize,
    pub community_id: i64,
    pub community: String,
    pub total: String,
}

#[derive(Serialize, ToSchema)]
pub struct FollowUpOut {
    pub community: String,
    pub answered_on: String,
    /// The questions rated low, with the rating in words.
    pub low: Vec<String>,
    pub comment: String,
}

#[derive(Serialize, ToSchema)]
pub struct ComprehensiveOut {
    pub id: i64,
    pub district_id: i64,
    pub district_name: String,
    pub name: String,
    pub year: i32,
    pub nomination_deadline: String,
    pub min_responses: u32,
    pub status: String,
    pub published: bool,
    pub clauses: Vec<String>,
    pub groups: Vec<ComprehensiveGroupOut>,
    pub questions: Vec<String>,
    pub communities: Vec<ComprehensiveCommunityOut>,
    pub ranking: Vec<RankOut>,
    /// A resident's state: the community they rate, answered, may answer now.
    pub my_community: Option<String>,
    pub answered: bool,
    pub can_respond: bool,
    /// The district's follow-up list (回访): low ratings with comments, without who.
    pub follow_ups: Vec<FollowUpOut>,
    /// After publication: the last day a community may appeal (申诉).
    pub appeal_deadline: Option<String>,
    /// The communities the caller may appeal for now.
    pub may_appeal: Vec<i64>,
    /// The appeals the caller sees.
    pub appeals: Vec<AppealOut>,
}

/// A community's appeal against its published score, and the district's answer.
#[derive(Serialize, ToSchema)]
pub struct AppealOut {
    pub id: i64,
    pub community_id: i64,
    pub community: String,
    pub reason: String,
    /// `open`, `upheld` (score corrected) or `rejected`.
    pub status: String,
    pub filed_on: String,
    pub answer: Option<String>,
    pub answered_on: Option<String>,
    /// The total before and after an upheld appeal.
    pub old_total: Option<String>,
    pub new_total: Option<String>,
    /// Evidence file ids (download at `/comprehensive/appeal-evidence/{id}`).
    pub evidence: Vec<i64>,
}

impl From<AppealView> for AppealOut {
    fn from(a: AppealView) -> Self {
        Self {
            id: a.id,
            community_id: a.community_id,
            community: a.community,
            reason: a.reason,
            status: a.status.as_str().into(),
            filed_on: a.filed_on,
            answer: a.answer,
            answered_on: a.answered_on,
            old_total: a.old_total,
            new_total: a.new_total,
            evidence: a.evidence.iter().map(|e| e.id).collect(),
        }
    }
}

impl From<ComprehensiveView> for ComprehensiveOut {
    fn from(c: ComprehensiveView) -> Self {
        Self {
            id: c.id,
            district_id: c.district_id,
            district_name: c.district_name,
            name: c.name,
            year: c.year,
            nomination_deadline: c.nomination_deadline,
            min_responses: c.min_responses,
            status: c.status.as_str().into(),
            published: c.published,
            clauses: c.clauses,
            groups: c
                .design
                .groups
                .into_iter()
                .map(|g| ComprehensiveGroupOut {
                    name: g.name,
                    weight: g.weight,
                    satisfaction: g.satisfaction,
                    indicators: g
                        .indicators
                        .into_iter()
                        .map(|i| ComprehensiveIndicatorOut {
                            no: i.no,
                            name: i.name,
                            weight: i.weight,
                            method: i.method,
                            demand_id: i.demand_id,
                        })
                        .collect(),
                })
                .collect(),
            questions: c.design.questions,
            communities: c
                .communities
                .into_iter()
                .map(|m| ComprehensiveCommunityOut {
                    id: m.id,
                    name: m.name,
                    street: m.street,
                    nominations: m
                        .nominations
                        .into_iter()
                        .map(|n| NominationOut {
                            indicator: n.indicator,
                            id: n.id,
                            state: n.state.into(),
                            late: n.late,
                            report: n.report,
                            review_reason: n.review_reason,
                            evidence: n.evidence.iter().map(|e| e.id).collect(),
                            score: n.score,
                        })
                        .collect(),
                    responses: m.responses,
                    rating_counts: m
                        .rating_counts
                        .into_iter()
                        .map(|(r, n)| RatingCountOut {
                            rating: r.into(),
                            count: n,
                        })
                        .collect(),
                    sample_reached: m.sample_reached,
                    codes_issued: m.codes.issued,
                    codes_used: m.codes.used,
                    groups: m
                        .groups
                        .into_iter()
                        .map(|g| GroupLineOut {
                            name: g.name,
                            weight: g.weight,
                            score: g.score,
                            how: g.how,
                        })
                        .collect(),
                    total: m.total,
                    incomplete: m.incomplete,
                    rank: m.rank,
                })
                .collect(),
            ranking: c
                .ranking
                .into_iter()
                .map(|r| RankOut {
                    rank: r.rank,
                    community_id: r.community_id,
                    community: r.community,
                    total: r.total,
                })
                .collect(),
            my_community: c.my_community,
            answered: c.answered,
            can_respond: c.can_respond,
            follow_ups: c
                .follow_ups
                .into_iter()
                .map(|f| FollowUpOut {
                    community: f.community,
                    answered_on: f.answered_on,
                    low: f
                        .low
                        .into_iter()
                        .map(|(q, r)| format!("{q}：{r}"))
                        .collect(),
                    comment: f.comment,
                })
                .collect(),
            appeal_deadline: c.appeals.deadline,
            may_appeal: c.appeals.may_appeal.iter().map(|m| m.0).collect(),
            appeals: c.appeals.appeals.into_iter().map(Into::into).collect(),
        }
    }
}

/// The comprehensive evaluations of the districts the caller sees, newest first.
#[utoipa::path(get, path = "/api/v1/comprehensive", params(PageParams),
    responses((status = 200, body = PageOut<ComprehensiveSummaryOut>), (status = 403, body = Problem), (status = 422, body = Problem)))]
pub async fn list(
    State(s): State<AppState>,
    user: CurrentUser,
    Query(p): Query<PageParams>,
) -> Result<Json<PageOut<ComprehensiveSummaryOut>>, ApiError> {
    let page = s
        .app
        .list_comprehensive(&user.ctx(), PageRequest::parse(p.page, p.per_page)?)
        .await?;
    Ok(Json(PageOut::from_page(
        page,
        ComprehensiveSummaryOut::from,
    )))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DesignGroupIn {
    pub name: String,
    /// Percent of the total (a whole number as text or number text, e.g. "30").
    pub weight: String,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DesignIndicatorIn {
    /// The name of its group.
    pub group: String,
    pub name: String,
    /// Percent of its group.
    pub weight: String,
    #[serde(default)]
    pub method: String,
    /// An admitted evaluation demand of a department of the district (4.3-3).
    #[serde(default)]
    pub demand_id: Option<i64>,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DesignIn {
    /// Defaults to the caller's own district.
    #[serde(default)]
    pub district_id: Option<i64>,
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub year: String,
    /// YYYY-MM-DD.
    #[serde(default)]
    pub nomination_deadline: String,
    #[serde(default)]
    pub min_responses: String,
    /// Percent of the total for resident satisfaction: more than any other group (4.3-4).
    #[serde(default)]
    pub satisfaction_weight: String,
    #[serde(default)]
    pub questions: Vec<String>,
    #[serde(default)]
    pub groups: Vec<DesignGroupIn>,
    #[serde(default)]
    pub indicators: Vec<DesignIndicatorIn>,
}

/// Designs the year's comprehensive evaluation of the district (4.3-4): every problem at
/// once (422 with `errors`), 409 when the district already has one that year.
#[utoipa::path(post, path = "/api/v1/comprehensive", request_body = DesignIn,
    responses((status = 201, body = ComprehensiveOut), (status = 403, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn create(
    State(s): State<AppState>,
    user: CurrentUser,
    Body(b): Body<DesignIn>,
) -> Result<(StatusCode, Json<ComprehensiveOut>), ApiError> {
    let f = DesignForm {
        district_id: b.district_id.unwrap_or(0),
        name: b.name,
        year: b.year,
        nomination_deadline: b.nomination_deadline,
        min_responses: b.min_responses,
        satisfaction_weight: b.satisfaction_weight,
        questions: b.questions,
        groups: b
            .groups
            .into_iter()
            .map(|g| GroupForm {
                name: g.name,
                weight: g.weight,
            })
            .collect(),
        indicators: b
            .indicators
            .into_iter()
            .map(|i| IndicatorForm {
                group: i.group,
                name: i.name,
                weight: i.weight,
                method: i.method,
                demand_id: i.demand_id.unwrap_or(0),
            })
            .collect(),
    };
    let c = s.app.create_comprehensive(&user.ctx(), &f).await?;
    Ok((StatusCode::CREATED, Json(c.into())))
}

/// A campaign as the caller may see it (the communities of their jurisdiction; all of them
/// with the ranking once published).
#[utoipa::path(get, path = "/api/v1/comprehensive/{id}", params(("id" = i64, Path)),
    responses((status = 200, body = ComprehensiveOut), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn get(
    State(s): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
) -> Result<Json<ComprehensiveOut>, ApiError> {
    Ok(Json(s.app.comprehensive(&user.ctx(), id).await?.into()))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NominationIn {
    /// Defaults to the caller's own community.
    #[serde(default)]
    pub community_id: Option<i64>,
    pub indicator: i32,
    pub report: String,
    #[serde(default)]
    pub evidence: Vec<AttachmentIn>,
}

/// A community's self-nomination for one indicator (自荐申报), with evidence files checked by
/// content; 403 for another community, 409 after the deadline (unless asked to amend).
#[utoipa::path(post, path = "/api/v1/comprehensive/{id}/nominations", params(("id" = i64, Path)), request_body = NominationIn,
    responses((status = 200, body = ComprehensiveOut), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn nominate(
    State(s): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
    Body(b): Body<NominationIn>,
) -> Result<Json<ComprehensiveOut>, ApiError> {
    let files = decode_uploads(b.evidence, "evidence")?;
    Ok(Json(
        s.app
            .submit_nomination(
                &user.ctx(),
                id,
                b.community_id.unwrap_or(0),
                b.indicator,
                &b.report,
                &files,
            )
            .await?
            .into(),
    ))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NominationReviewIn {
    /// `accept` or `amend`.
    pub decision: String,
    /// Required to amend.
    #[serde(default)]
    pub reason: String,
}

/// The street accepts a self-nomination of one of its communities or asks to amend it.
#[utoipa::path(post, path = "/api/v1/comprehensive/nominations/{id}/review", params(("id" = i64, Path)), request_body = NominationReviewIn,
    responses((status = 200, body = ComprehensiveOut), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn review(
    State(s): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
    Body(b): Body<NominationReviewIn>,
) -> Result<Json<ComprehensiveOut>, ApiError> {
    let accept = match b.decision.as_str() {
        "accept" => true,
        "amend" => false,
        _ => {
            return Err(jianfu_domain::DomainError::field(
                "decision",
                "decision_invalid",
                "请选择审核通过（accept）或退回补正（amend）",
            )
            .into());
        }
    };
    Ok(Json(
        s.app
            .review_nomination(&user.ctx(), id, accept, &b.reason)
            .await?
            .into(),
    ))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ResponseIn {
    /// One rating per question: `very_satisfied`, `satisfied`, `neutral`, `dissatisfied`,
    /// `very_dissatisfied`.
    pub ratings: Vec<String>,
    #[serde(default)]
    pub comment: String,
}

/// A resident rates their community (once per campaign: 409 the second time or after close).
#[utoipa::path(post, path = "/api/v1/comprehensive/{id}/responses", params(("id" = i64, Path)), request_body = ResponseIn,
    responses((status = 201, body = ComprehensiveOut), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn respond(
    State(s): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
    Body(b): Body<ResponseIn>,
) -> Result<(StatusCode, Json<ComprehensiveOut>), ApiError> {
    let v = s
        .app
        .respond_comprehensive(
            &user.ctx(),
            id,
            &ResponseForm {
                ratings: b.ratings,
                comment: b.comment,
            },
        )
        .await?;
    Ok((StatusCode::CREATED, Json(v.into())))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ScoreIn {
    pub indicator: i32,
    /// 0–100 with up to two decimals; empty to clear.
    pub score: String,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ScoresIn {
    #[serde(default)]
    pub community_id: i64,
    #[serde(default)]
    pub scores: Vec<ScoreIn>,
}

/// The district enters one community's indicator scores.
#[utoipa::path(post, path = "/api/v1/comprehensive/{id}/scores", params(("id" = i64, Path)), request_body = ScoresIn,
    responses((status = 200, body = ComprehensiveOut), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn score(
    State(s): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
    Body(b): Body<ScoresIn>,
) -> Result<Json<ComprehensiveOut>, ApiError> {
    let scores: Vec<(i32, String)> = b
        .scores
        .into_iter()
        .map(|x| (x.indicator, x.score))
        .collect();
    Ok(Json(
        s.app
            .score_community(&user.ctx(), id, b.community_id, &scores)
            .await?
            .into(),
    ))
}

/// The district closes the campaign after the deadline and publishes the ranking.
#[utoipa::path(post, path = "/api/v1/comprehensive/{id}/close", params(("id" = i64, Path)),
    responses((status = 200, body = ComprehensiveOut), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem)))]
pub async fn close(
    State(s): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
) -> Result<Json<ComprehensiveOut>, ApiError> {
    Ok(Json(
        s.app.close_comprehensive(&user.ctx(), id).await?.into(),
    ))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AppealIn {
    /// The caller's own community when omitted.
    #[serde(default)]
    pub community_id: Option<i64>,
    pub reason: String,
    #[serde(default)]
    pub evidence: Vec<AttachmentIn>,
}

/// A community appeals its published score (申诉) within 5 working days of publication, with a
/// reason and optional evidence checked by content; 403 for another community, 409 before
/// publication, after the deadline or while another appeal of it is open.
#[utoipa::path(post, path = "/api/v1/comprehensive/{id}/appeals", params(("id" = i64, Path)), request_body = AppealIn,
    responses((status = 200, body = ComprehensiveOut), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn appeal(
    State(s): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
    Body(b): Body<AppealIn>,
) -> Result<Json<ComprehensiveOut>, ApiError> {
    let files = decode_uploads(b.evidence, "evidence")?;
    Ok(Json(
        s.app
            .file_appeal(
                &user.ctx(),
                id,
                b.community_id.unwrap_or(0),
                &b.reason,
                &files,
            )
            .await?
            .into(),
    ))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AppealAnswerIn {
    /// `uphold` (the score is corrected) or `reject`.
    pub decision: String,
    /// The reason, required either way.
    pub answer: String,
    /// Upheld: the corrected indicator scores.
    #[serde(default)]
    pub scores: Vec<ScoreIn>,
}

/// The district answers an appeal: upheld with corrected scores (the total and ranking are
/// recomputed and re-published) or rejected, each with a reason; 409 once answered.
#[utoipa::path(post, path = "/api/v1/comprehensive/appeals/{id}/answer", params(("id" = i64, Path)), request_body = AppealAnswerIn,
    responses((status = 200, body = ComprehensiveOut), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn answer_appeal(
    State(s): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
    Body(b): Body<AppealAnswerIn>,
) -> Result<Json<ComprehensiveOut>, ApiError> {
    let uphold = match b.decision.as_str() {
        "uphold" => true,
        "reject" => false,
        _ => {
            return Err(jianfu_domain::DomainError::field(
                "decision",
                "decision_invalid",
                "请选择申诉成立（uphold）或不成立（reject）",
            )
            .into());
        }
    };
    let a = AppealAnswer {
        uphold,
        answer: b.answer,
        scores: b
            .scores
            .into_iter()
            .map(|x| (x.indicator, x.score))
            .collect(),
    };
    Ok(Json(s.app.answer_appeal(&user.ctx(), id, &a).await?.into()))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CodesIn {
    /// The community (0 or absent: the caller's own).
    #[serde(default)]
    pub community_id: i64,
    /// How many codes, 1–500.
    pub count: u32,
}

/// A batch of one-time satisfaction codes, shown this once (stored only as hashes).
#[derive(Serialize, ToSchema)]
pub struct CodesOut {
    pub campaign_id: i64,
    pub community_id: i64,
    pub community_name: String,
    pub issued_on: String,
    /// `XXXX-XXXX-XXXX`; upper or lower case, with or without the dashes.
    pub codes: Vec<String>,
}

/// A community's staff issue one-time satisfaction codes for residents without an account
/// (4.3-4): answered once, at `/api/v1/satisfaction` or on the page `/satisfaction`.
#[utoipa::path(post, path = "/api/v1/comprehensive/{id}/codes", params(("id" = i64, Path)), request_body = CodesIn,
    responses((status = 201, body = CodesOut), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn issue_codes(
    State(s): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
    Body(b): Body<CodesIn>,
) -> Result<(StatusCode, Json<CodesOut>), ApiError> {
    let batch = s
        .app
        .issue_satisfaction_codes(
            &user.ctx(),
            id,
            &jianfu_domain::comprehensive::CodeBatchForm {
                community_id: b.community_id,
                count: b.count.to_string(),
            },
        )
        .await?;
    Ok((
        StatusCode::CREATED,
        Json(CodesOut {
            campaign_id: batch.campaign_id,
            community_id: batch.community_id,
            community_name: batch.community_name,
            issued_on: batch.issued_on,
            codes: batch.codes,
        }),
    ))
}
