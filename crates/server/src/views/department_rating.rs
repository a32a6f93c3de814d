//! Communities rate departments and streets (社区评议部门, 5.3-2; issue 12 §3): a community's
//! units to rate with a form each (its staff), the ranking of the units of a jurisdiction with
//! its Excel export (district and city), and a unit's result — its own staff's page shows no
//! community, nothing of the rating below three raters.

use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use jianfu_domain::department_rating::{
    CommunityRatingRow, RankingFilter, RateForm, RatingAnswer, RatingBoard, UnitResultView,
};
use jianfu_domain::page::{Page, every_row};
use jianfu_rules::comprehensive::Rating;
use jianfu_rules::department_rating::QUESTIONS;
use serde::Deserialize;

use crate::access::CurrentUser;
use crate::error::PageError;
use crate::extract::{Form, Path, Query};
use crate::state::AppState;
use crate::views::list::{Cell, Column, ListExport, ListQuery};
use crate::views::{Chrome, FormError, Shown, is_form_error, list, render};

/// The five questions and the five ratings, for the forms.
pub struct Scale {
    pub questions: Vec<(&'static str, &'static str)>,
    pub ratings: Vec<(&'static str, &'static str)>,
}

fn scale() -> Scale {
    Scale {
        questions: QUESTIONS.iter().map(|q| (q.code, q.text)).collect(),
        ratings: Rating::ALL
            .iter()
            .map(|r| (r.as_str(), r.label_zh()))
            .collect(),
    }
}

#[derive(askama::Template)]
#[template(path = "department_rating_board.html")]
struct BoardPage {
    chrome: Chrome,
    b: RatingBoard,
    scale: Scale,
    typed: RatePageForm,
    error: FormError,
}

impl BoardPage {
    /// The rating shown selected for `unit`'s `question`: what was typed into the refused form,
    /// else what the community gave.
    fn chosen(&self, unit: &i64, question: &str) -> String {
        let unit = *unit;
        if self.typed.unit_id.trim() == unit.to_string() {
            return self.typed.answer(question).to_owned();
        }
        self.b
            .targets
            .iter()
            .find(|t| t.unit_id == unit)
            .and_then(|t| t.given.as_ref())
            .map(|g| g.said(question).to_owned())
            .unwrap_or_default()
    }
    fn comment(&self, unit: &i64) -> String {
        let unit = *unit;
        if self.typed.unit_id.trim() == unit.to_string() {
            return self.typed.comment.clone();
        }
        self.b
            .targets
            .iter()
            .find(|t| t.unit_id == unit)
            .and_then(|t| t.given.as_ref())
            .map(|g| g.comment.clone())
            .unwrap_or_default()
    }
    /// The refused form's error shows beside the unit it was for.
    fn error_for(&self, unit: &i64) -> bool {
        let unit = *unit;
        self.typed.unit_id.trim() == unit.to_string()
    }
}

/// A rating as the page sends it.
#[derive(Deserialize, Default, Clone)]
#[serde(default)]
pub struct RatePageForm {
    community_id: String,
    unit_id: String,
    year: String,
    demands: String,
    forms: String,
    materials: String,
    feedback: String,
    overall: String,
    comment: String,
    correct: String,
}

impl RatePageForm {
    fn answer(&self, question: &str) -> &str {
        match question {
            "demands" => &self.demands,
            "forms" => &self.forms,
            "materials" => &self.materials,
            "feedback" => &self.feedback,
            "overall" => &self.overall,
            _ => "",
        }
    }
}

/// Which community and round the board shows.
#[derive(Deserialize, Default)]
#[serde(default)]
pub struct BoardQuery {
    community_id: String,
    year: String,
    done: Option<String>,
}

async fn board_page(
    state: &AppState,
    user: &CurrentUser,
    community_id: i64,
    year: i32,
    mut shown: Shown<'_, RatePageForm>,
) -> Response {
    let b = match state
        .app
        .department_rating_board(&user.ctx(), community_id, year)
        .await
    {
        Ok(b) => b,
        Err(e) => return PageError(e).into_response(),
    };
    let typed = shown.entered_or_default();
    let Shown {
        error,
        status,
        done,
        ..
    } = shown;
    render(
        status,
        &BoardPage {
            chrome: Chrome::new("评议部门和街道", Some(user), "/department-ratings/rate")
                .with_done(done),
            b,
            scale: scale(),
            typed,
            error,
        },
    )
}

/// 评议部门和街道: the community's units to rate in a round.
pub async fn board(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(q): Query<BoardQuery>,
) -> Response {
    let community_id = q.community_id.trim().parse().unwrap_or(0);
    let year = q.year.trim().parse().unwrap_or(0);
    board_page(
        &state,
        &user,
        community_id,
        year,
        Shown::fresh(q.done.as_deref()),
    )
    .await
}

/// Rates a unit (or corrects the rating).
pub async fn rate(
    State(state): State<AppState>,
    user: CurrentUser,
    Form(f): Form<RatePageForm>,
) -> Response {
    let form = RateForm {
        community_id: f.community_id.trim().parse().unwrap_or(0),
        unit_id: f.unit_id.trim().parse().unwrap_or(0),
        year: f.year.trim().parse().unwrap_or(0),
        answers: QUESTIONS
            .iter()
            .map(|q| RatingAnswer {
                question: q.code.to_owned(),
                rating: f.answer(q.code).to_owned(),
            })
            .collect(),
        comment: f.comment.clone(),
        correct: f.correct == "1",
    };
    match state.app.rate_department(&user.ctx(), &form).await {
        Ok(_) => Redirect::to(&format!(
            "/department-ratings/rate?community_id={}&year={}&done=department_rated",
            form.community_id, form.year
        ))
        .into_response(),
        Err(e) if is_form_error(&e) || e.code.starts_with("rating_") => {
            board_page(
                &state,
                &user,
                form.community_id,
                form.year,
                Shown::refused(&e, f),
            )
            .await
        }
        Err(e) => PageError(e).into_response(),
    }
}

#[derive(askama::Template)]
#[template(path = "department_ranking.html")]
struct RankingPage {
    chrome: Chrome,
    page: Page<UnitResultView>,
    year: i32,
    pager: String,
    export: String,
}

/// 部门评议排名: the units of the reader's jurisdiction, best rating first.
pub async fn ranking(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(q): Query<ListQuery<RankingFilter>>,
) -> Response {
    let year = match q.f.year(state.app.today()) {
        Ok(y) => y,
        Err(e) => return PageError(e).into_response(),
    };
    let page = match state
        .app
        .list_department_ranking(&user.ctx(), &q.f, q.page())
        .await
    {
        Ok(p) => p,
        Err(e) => return PageError(e).into_response(),
    };
    render(
        axum::http::StatusCode::OK,
        &RankingPage {
            chrome: Chrome::new("部门评议排名", Some(&user), "/department-ratings")
                .with_done(q.done.as_deref()),
            pager: list::pager_base("/department-ratings", &q.f),
            export: list::export_href("/department-ratings/export.xlsx", &q.f),
            page,
            year,
        },
    )
}

/// The ranking as a workbook (audited as `department_rating.export`).
pub async fn export(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(f): Query<RankingFilter>,
) -> Response {
    let ctx = user.ctx();
    let rows = every_row(|r| state.app.list_department_ranking(&ctx, &f, r)).await;
    RANKING_EXPORT.answer(&state, &user, &f, rows).await
}

const RANKING_EXPORT: ListExport<'static, UnitResultView> = ListExport {
    action: "department_rating.export",
    target_type: "department_rating",
    sheet: "部门评议排名",
    file_name: "部门评议排名.xlsx",
    columns: &[
        Column::new("名次", |r| match r.rank {
            Some(n) => Cell::Number(n as f64),
            None => Cell::Text("未排名"),
        }),
        Column::wide("被评议单位", 24.0, |r| Cell::Text(&r.unit_name)),
        Column::new("类别", |r| Cell::Text(r.unit_kind_zh)),
        Column::new("年度", |r| Cell::Number(f64::from(r.year))),
        Column::new("评价社区数", |r| Cell::Number(r.raters as f64)),
        Column::new("评分", |r| match r.rating {
            Some(c) => Cell::Decimal(f64::from(c) / 100.0),
            None => Cell::Text("评价社区不足 3 个"),
        }),
        Column::new("已准入事项", |r| Cell::Number(r.facts.admitted as f64)),
        Column::new("被报告未经准入事项", |r| {
            Cell::Number(r.facts.unadmitted_reported as f64)
        }),
        Column::new("负担(小时/年)", |r| Cell::Text(&r.burden_hours)),
        Column::new("逾期未整改", |r| {
            Cell::Number(r.facts.overdue_cases as f64)
        }),
        Column::wide("发现的问题", 40.0, |r| {
            Cell::Owned(
                r.findings
                    .iter()
                    .map(|f| format!("{}〔{}〕", f.message, f.clause))
                    .collect::<Vec<_>>()
                    .join("；"),
            )
        }),
        Column::new("依据", |r| Cell::Owned(r.clauses.join("、"))),
    ],
};

#[derive(askama::Template)]
#[template(path = "department_rating_unit.html")]
struct UnitPage {
    chrome: Chrome,
    results: Vec<UnitResultView>,
    year: i32,
    mine: bool,
}

/// A unit's result (its own staff, or the district's and city's).
pub async fn unit(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
    Query(f): Query<RankingFilter>,
) -> Response {
    let year = match f.year(state.app.today()) {
        Ok(y) => y,
        Err(e) => return PageError(e).into_response(),
    };
    match state.app.department_rating(&user.ctx(), id, &f).await {
        Ok(r) => render(
            axum::http::StatusCode::OK,
            &UnitPage {
                chrome: Chrome::new("部门评议结果", Some(&user), "/department-ratings"),
                results: vec![r],
                year,
                mine: false,
            },
        ),
        Err(e) => PageError(e).into_response(),
    }
}

/// 本单位评议结果: the reader's own units.
pub async fn mine(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(f): Query<RankingFilter>,
) -> Response {
    let year = match f.year(state.app.today()) {
        Ok(y) => y,
        Err(e) => return PageError(e).into_response(),
    };
    match state.app.own_department_ratings(&user.ctx(), &f).await {
        Ok(results) => render(
            axum::http::StatusCode::OK,
            &UnitPage {
                chrome: Chrome::new("本单位评议结果", Some(&user), "/department-ratings/mine"),
                results,
                year,
                mine: true,
            },
        ),
        Err(e) => PageError(e).into_response(),
    }
}

#[derive(askama::Template)]
#[template(path = "department_rating_communities.html")]
struct CommunitiesPage {
    chrome: Chrome,
    page: Page<CommunityRatingRow>,
    year: i32,
    pager: String,
    export: String,
}

/// 各社区(村)评议情况: how many units each community of the jurisdiction rated (counts only).
pub async fn communities(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(q): Query<ListQuery<RankingFilter>>,
) -> Response {
    let year = match q.f.year(state.app.today()) {
        Ok(y) => y,
        Err(e) => return PageError(e).into_response(),
    };
    let page = match state
        .app
        .list_department_rating_communities(&user.ctx(), &q.f, q.page())
        .await
    {
        Ok(p) => p,
        Err(e) => return PageError(e).into_response(),
    };
    render(
        axum::http::StatusCode::OK,
        &CommunitiesPage {
            chrome: Chrome::new("各社区(村)评议情况", Some(&user), "/department-ratings")
                .with_done(q.done.as_deref()),
            pager: list::pager_base("/department-ratings/communities", &q.f),
            export: list::export_href("/department-ratings/communities/export.xlsx", &q.f),
            page,
            year,
        },
    )
}

/// The breakdown as a workbook (audited as `department_rating_communities.export`).
pub async fn communities_export(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(f): Query<RankingFilter>,
) -> Response {
    let ctx = user.ctx();
    let rows = every_row(|r| state.app.list_department_rating_communities(&ctx, &f, r)).await;
    COMMUNITIES_EXPORT.answer(&state, &user, &f, rows).await
}

const COMMUNITIES_EXPORT: ListExport<'static, CommunityRatingRow> = ListExport {
    action: "department_rating_communities.export",
    target_type: "department_rating",
    sheet: "各社区评议情况",
    file_name: "各社区(村)评议情况.xlsx",
    columns: &[
        Column::wide("社区(村)", 20.0, |r| Cell::Text(&r.community_name)),
        Column::wide("街道(乡镇)", 16.0, |r| Cell::Text(&r.street)),
        Column::new("年度", |r| Cell::Number(f64::from(r.year))),
        Column::new("应评议单位", |r| Cell::Number(r.to_rate as f64)),
        Column::new("已评议", |r| Cell::Number(r.rated as f64)),
        Column::new("未评议", |r| Cell::Number(r.missing as f64)),
    ],
};
