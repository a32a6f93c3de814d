//! Communities rate departments and streets over the API (社区评议部门, 5.3-2; issue 12 §3):
//! the twins of `/department-ratings` — a community's units to rate and its rating, the
//! ranking (district and city), a unit's result and the caller's own units' results, which
//! never name the communities that rated.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use jianfu_domain::department_rating::{
    RankingFilter, RateForm, RatingAnswer, RatingBoard, TargetView, UnitResultView,
};
use jianfu_domain::page::{Page, PageRequest};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::access::CurrentUser;
use crate::api::PageOut;
use crate::error::{ApiError, Problem};
use crate::extract::{Json as Body, Path, Query};
use crate::state::AppState;

/// One answer of a rating.
#[derive(Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DepartmentRatingAnswer {
    /// `demands`, `forms`, `materials`, `feedback` or `overall`.
    pub question: String,
    /// `very_satisfied`, `satisfied`, `neutral`, `dissatisfied` or `very_dissatisfied`.
    pub rating: String,
}

/// A community's rating of a unit, as the community sees it.
#[derive(Serialize, ToSchema)]
pub struct GivenRatingOut {
    pub id: i64,
    pub answers: Vec<DepartmentRatingAnswer>,
    pub comment: String,
    pub updated_at: i64,
}

/// A unit a community may rate in the year.
#[derive(Serialize, ToSchema)]
pub struct RatingTargetOut {
    pub unit_id: i64,
    pub unit_name: String,
    pub unit_kind_zh: String,
    /// `demands`, `reported` or `both`.
    pub reason: String,
    pub given: Option<GivenRatingOut>,
}

impl From<TargetView> for RatingTargetOut {
    fn from(t: TargetView) -> Self {
        Self {
            unit_id: t.unit_id,
            unit_name: t.unit_name,
            unit_kind_zh: t.unit_kind_zh.to_owned(),
            reason: t.reason.as_str().to_owned(),
            given: t.given.map(|g| GivenRatingOut {
                id: g.id,
                answers: g
                    .answers
                    .into_iter()
                    .map(|(question, rating, _)| DepartmentRatingAnswer { question, rating })
                    .collect(),
                comment: g.comment,
                updated_at: g.updated_at,
            }),
        }
    }
}

/// A community's units to rate in a round.
#[derive(Serialize, ToSchema)]
pub struct RatingBoardOut {
    pub year: i32,
    pub open: bool,
    /// `YYYY-MM-DD`: the last day ratings and corrections are taken.
    pub closes_on: String,
    pub community_id: i64,
    pub community_name: String,
    pub targets: Vec<RatingTargetOut>,
}

impl From<RatingBoard> for RatingBoardOut {
    fn from(b: RatingBoard) -> Self {
        Self {
            year: b.year,
            open: b.open,
            closes_on: b.closes_on,
            community_id: b.community_id,
            community_name: b.community_name,
            targets: b.targets.into_iter().map(RatingTargetOut::from).collect(),
        }
    }
}

/// A finding of the assessment, with its clause.
#[derive(Serialize, ToSchema)]
pub struct RatingFindingOut {
    pub clause: String,
    pub code: String,
    pub message: String,
}

/// One question's average.
#[derive(Serialize, ToSchema)]
pub struct QuestionScoreOut {
    pub code: String,
    pub text: String,
    /// Hundredths of a point, once three communities rated.
    pub score: Option<u32>,
}

/// A unit's result of a year: never which communities rated it.
#[derive(Serialize, ToSchema)]
pub struct UnitRatingOut {
    pub unit_id: i64,
    pub unit_name: String,
    pub unit_kind_zh: String,
    pub year: i32,
    /// Its place in the ranking (1 = best); none when unranked.
    pub rank: Option<u64>,
    /// How many communities rated it.
    pub raters: u64,
    /// Hundredths of a point (非常满意 100 … 非常不满意 20), once three communities rated.
    pub rating: Option<u32>,
    /// Whether the rating and comments are published (three raters or more).
    pub shown: bool,
    pub questions: Vec<QuestionScoreOut>,
    /// Admitted demands in force in the year.
    pub admitted: u64,
    /// Demands without admission that communities reported.
    pub unadmitted_reported: u64,
    pub unadmitted_percent: Option<u32>,
    /// Burden of its admitted demands, in minutes per year.
    pub burden_minutes: u64,
    /// Notices to it that went past their due day.
    pub overdue_cases: u64,
    /// Each citing 5.3-2.
    pub findings: Vec<RatingFindingOut>,
    pub clauses: Vec<String>,
    /// The comments, in the order of their text.
    pub comments: Vec<String>,
}

impl From<UnitResultView> for UnitRatingOut {
    fn from(r: UnitResultView) -> Self {
        Self {
            unit_id: r.unit_id,
            unit_name: r.unit_name,
            unit_kind_zh: r.unit_kind_zh.to_owned(),
            year: r.year,
            rank: r.rank,
            raters: r.raters,
            rating: r.rating,
            shown: r.shown,
            questions: r
                .questions
                .into_iter()
                .map(|q| QuestionScoreOut {
                    code: q.code.to_owned(),
                    text: q.text.to_owned(),
                    score: q.score,
                })
                .collect(),
            admitted: r.facts.admitted,
            unadmitted_reported: r.facts.unadmitted_reported,
            unadmitted_percent: r.unadmitted_percent,
            burden_minutes: r.facts.burden_minutes,
            overdue_cases: r.facts.overdue_cases,
            findings: r
                .findings
                .into_iter()
                .map(|f| RatingFindingOut {
                    clause: f.clause,
                    code: f.code,
                    message: f.message,
                })
                .collect(),
            clauses: r.clauses,
            comments: r.comments,
        }
    }
}

fn page_out(p: Page<UnitResultView>) -> PageOut<UnitRatingOut> {
    PageOut {
        items: p.items.into_iter().map(UnitRatingOut::from).collect(),
        total: p.total,
        page: p.page,
        per_page: p.per_page,
    }
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct RankingParams {
    /// The year (default: this year).
    year: Option<String>,
    /// 1-based page number.
    #[param(minimum = 1, maximum = 1000000)]
    page: Option<u64>,
    /// Items per page (default 20).
    #[param(minimum = 1, maximum = 200)]
    per_page: Option<u64>,
}

/// The ranking of the departments and streets of the caller's jurisdiction (district and
/// city, 5.3-2). A year that is not one: 422 `rating_year_invalid`.
#[utoipa::path(get, path = "/api/v1/department-ratings", params(RankingParams),
    responses((status = 200, body = PageOut<UnitRatingOut>), (status = 403, body = Problem), (status = 422, body = Problem)))]
pub async fn ranking(
    State(s): State<AppState>,
    user: CurrentUser,
    Query(p): Query<RankingParams>,
) -> Result<Json<PageOut<UnitRatingOut>>, ApiError> {
    let req = PageRequest::parse(p.page, p.per_page)?;
    let f = RankingFilter {
        year: p.year.unwrap_or_default(),
    };
    Ok(Json(page_out(
        s.app.list_department_ranking(&user.ctx(), &f, req).await?,
    )))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct YearParams {
    /// The year (default: this year).
    year: Option<String>,
}

/// One unit's result: its own staff, or the district's and city's. Not a department or street:
/// 404.
#[utoipa::path(get, path = "/api/v1/department-ratings/units/{id}", params(("id" = i64, Path), YearParams),
    responses((status = 200, body = UnitRatingOut), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn unit(
    State(s): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
    Query(p): Query<YearParams>,
) -> Result<Json<UnitRatingOut>, ApiError> {
    let f = RankingFilter {
        year: p.year.unwrap_or_default(),
    };
    Ok(Json(
        s.app.department_rating(&user.ctx(), id, &f).await?.into(),
    ))
}

/// The results of the caller's own units (a department's or street's staff).
#[utoipa::path(get, path = "/api/v1/department-ratings/mine", params(YearParams),
    responses((status = 200, body = Vec<UnitRatingOut>), (status = 403, body = Problem), (status = 422, body = Problem)))]
pub async fn mine(
    State(s): State<AppState>,
    user: CurrentUser,
    Query(p): Query<YearParams>,
) -> Result<Json<Vec<UnitRatingOut>>, ApiError> {
    let f = RankingFilter {
        year: p.year.unwrap_or_default(),
    };
    Ok(Json(
        s.app
            .own_department_ratings(&user.ctx(), &f)
            .await?
            .into_iter()
            .map(UnitRatingOut::from)
            .collect(),
    ))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct BoardParams {
    /// The community (default: the caller's first).
    community_id: Option<i64>,
    /// The round's year (default: this year).
    year: Option<i32>,
}

/// A community's units to rate in a round, with its ratings (its staff). Another community:
/// 403.
#[utoipa::path(get, path = "/api/v1/department-ratings/targets", params(BoardParams),
    responses((status = 200, body = RatingBoardOut), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn targets(
    State(s): State<AppState>,
    user: CurrentUser,
    Query(p): Query<BoardParams>,
) -> Result<Json<RatingBoardOut>, ApiError> {
    Ok(Json(
        s.app
            .department_rating_board(
                &user.ctx(),
                p.community_id.unwrap_or(0),
                p.year.unwrap_or(0),
            )
            .await?
            .into(),
    ))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DepartmentRatingIn {
    /// The caller's community.
    pub community_id: i64,
    /// A department or street that placed demands on it that year.
    pub unit_id: i64,
    /// The round's year (default: this year).
    #[serde(default)]
    pub year: i32,
    /// Every question, once.
    pub answers: Vec<DepartmentRatingAnswer>,
    /// Optional, at most 500 characters.
    #[serde(default)]
    pub comment: String,
    /// Replace the community's rating of the unit that year (while the round is open).
    #[serde(default)]
    pub correct: bool,
}

/// A community rates a unit (5.3-2). Every problem at once (`errors`): `rating_not_community`,
/// `rating_unit_unknown`, `rating_unit_not_demanding`, `rating_answer_missing`,
/// `rating_answer_invalid`, `rating_question_unknown`, `too_long`, `invalid_characters`;
/// another community: 403; rated already without `correct`: 409 `rating_exists`; the round
/// closed: 409 `rating_round_closed` (not begun: `rating_round_not_open`).
#[utoipa::path(post, path = "/api/v1/department-ratings", request_body = DepartmentRatingIn,
    responses((status = 201, body = RatingTargetOut), (status = 403, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn rate(
    State(s): State<AppState>,
    user: CurrentUser,
    Body(b): Body<DepartmentRatingIn>,
) -> Result<(StatusCode, Json<RatingTargetOut>), ApiError> {
    let form = RateForm {
        community_id: b.community_id,
        unit_id: b.unit_id,
        year: b.year,
        answers: b
            .answers
            .into_iter()
            .map(|a| RatingAnswer {
                question: a.question,
                rating: a.rating,
            })
            .collect(),
        comment: b.comment,
        correct: b.correct,
    };
    let v = s.app.rate_department(&user.ctx(), &form).await?;
    Ok((StatusCode::CREATED, Json(v.into())))
}

/// A community's part in a year's ratings: counts only, never which units or what it said.
#[derive(Serialize, ToSchema)]
pub struct CommunityRatingOut {
    pub community_id: i64,
    pub community_name: String,
    pub street: String,
    pub year: i32,
    /// Units that placed work on it (or that it reported) that year.
    pub to_rate: u64,
    pub rated: u64,
    pub missing: u64,
}

/// How many units each community of the caller's jurisdiction rated in a year (district and
/// city, 5.3-2), in tree order. A year that is not one: 422 `rating_year_invalid`.
#[utoipa::path(get, path = "/api/v1/department-ratings/communities", params(RankingParams),
    responses((status = 200, body = PageOut<CommunityRatingOut>), (status = 403, body = Problem), (status = 422, body = Problem)))]
pub async fn communities(
    State(s): State<AppState>,
    user: CurrentUser,
    Query(p): Query<RankingParams>,
) -> Result<Json<PageOut<CommunityRatingOut>>, ApiError> {
    let req = PageRequest::parse(p.page, p.per_page)?;
    let f = RankingFilter {
        year: p.year.unwrap_or_default(),
    };
    let page = s
        .app
        .list_department_rating_communities(&user.ctx(), &f, req)
        .await?;
    Ok(Json(PageOut {
        items: page
            .items
            .into_iter()
            .map(|r| CommunityRatingOut {
                community_id: r.community_id,
                community_name: r.community_name,
                street: r.street,
                year: r.year,
                to_rate: r.to_rate,
                rated: r.rated,
                missing: r.missing,
            })
            .collect(),
        total: page.total,
        page: page.page,
        per_page: page.per_page,
    }))
}
