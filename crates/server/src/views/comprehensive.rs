//! The district's comprehensive evaluation of communities (社区(村)工作综合考评, 4.3-4): the
//! list with the design form, and one campaign's page — self-nomination per indicator with
//! evidence files, the street's review, residents' satisfaction survey, the district's scores,
//! closing, the published ranking with each community's calculation, and its Excel export.

use std::collections::HashMap;

use axum::extract::multipart::MultipartRejection;
use axum::extract::{Multipart, State};
use axum::response::{IntoResponse, Redirect, Response};
use jianfu_domain::DomainError;
use jianfu_domain::authz::Action;
use jianfu_domain::comprehensive::{
    AppealAnswer, AppealStatus, AppealView, CampaignSummary, CodeBatch, CodeBatchForm,
    ComprehensiveView, DesignForm, FoldableDemand, GroupForm, IndicatorForm, RankRow, ResponseForm,
};
use jianfu_domain::page::Page;
use jianfu_domain::tree::NodeView;
use jianfu_rules::comprehensive::Rating;
use serde::Deserialize;

use crate::access::CurrentUser;
use crate::error::PageError;
use crate::extract::{Form, Path, Query};
use crate::state::AppState;
use crate::views::list::{self, Cell, Column, Export, ListExport, ListQuery, NoFilter};
use crate::views::{Chrome, DoneQuery, FormError, Shown, is_form_error, render};

/// Request body limit of a self-nomination: five files of 5 MB and the report.
pub const NOMINATION_BODY_LIMIT: usize = jianfu_domain::certificate::MAX_ATTACHMENTS
    * jianfu_domain::certificate::MAX_ATTACHMENT_BYTES
    + 256 * 1024;

fn done_text(code: &str) -> &'static str {
    match code {
        "created" => "综合考评已设立，各社区(村)可以开始自荐申报",
        "nominated" => "自荐申报已提交，等待街道审核",
        "reviewed" => "已审核",
        "responded" => "感谢您的评价！您的回答不会显示给社区，也不会与您的账号关联",
        "scored" => "得分已保存",
        "closed" => "综合考评已结束，排名和各社区(村)得分已公布",
        "appealed" => "申诉已提交，等待区里答复",
        "answered" => "申诉已答复",
        _ => "已完成",
    }
}

// ---------------------------------------------------------------- list and design

#[derive(askama::Template)]
#[template(path = "comprehensive_list.html")]
struct ListPage {
    chrome: Chrome,
    page: Page<CampaignSummary>,
    districts: Vec<NodeView>,
    foldable: Vec<FoldableDemand>,
    form: DesignForm,
    questions: Vec<String>,
    groups: Vec<GroupForm>,
    indicators: Vec<IndicatorForm>,
    error: FormError,
    export_href: String,
}

type PageQuery = ListQuery<NoFilter>;

fn padded<T: Clone + Default>(rows: &[T], at_least: usize) -> Vec<T> {
    let mut v = rows.to_vec();
    let n = at_least.max(v.len() + 1);
    v.resize(n, T::default());
    v
}

async fn list_page(
    state: &AppState,
    user: &CurrentUser,
    q: PageQuery,
    mut shown: Shown<'_, DesignForm>,
) -> Response {
    let form = shown.entered_or_default();
    let Shown { error, status, .. } = shown;
    let ctx = user.ctx();
    let page = match state.app.list_comprehensive(&ctx, q.page()).await {
        Ok(p) => p,
        Err(e) => return PageError(e).into_response(),
    };
    let (districts, foldable) = if user.principal.may(Action::RunComprehensive) {
        match (
            state.app.comprehensive_districts(&ctx).await,
            state.app.foldable_demands(&ctx).await,
        ) {
            (Ok(d), Ok(f)) => (d, f),
            (Err(e), _) | (_, Err(e)) => return PageError(e).into_response(),
        }
    } else {
        (Vec::new(), Vec::new())
    };
    render(
        status,
        &ListPage {
            chrome: Chrome::new("综合考评", Some(user), "/comprehensive"),
            page,
            districts,
            foldable,
            questions: padded(&form.questions, 3),
            groups: padded(&form.groups, 3),
            indicators: padded(&form.indicators, 5),
            form,
            error,
            export_href: list::export_href("/comprehensive/export.xlsx", &NoFilter::default()),
        },
    )
}

/// The campaigns the user sees, every page, as a workbook (audited).
pub async fn list_export(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(f): Query<NoFilter>,
) -> Response {
    let ctx = user.ctx();
    let rows = jianfu_domain::page::every_row(|r| state.app.list_comprehensive(&ctx, r)).await;
    CAMPAIGN_EXPORT.answer(&state, &user, &f, rows).await
}

const CAMPAIGN_EXPORT: ListExport<'static, CampaignSummary> = ListExport {
    action: "comprehensive_campaign.export",
    target_type: "comprehensive_campaign",
    sheet: "综合考评",
    file_name: "社区(村)工作综合考评.xlsx",
    columns: &[
        Column::wide("考评", 30.0, |c| Cell::Text(&c.name)),
        Column::wide("区(县、市)", 16.0, |c| Cell::Text(&c.district_name)),
        Column::new("年度", |c| Cell::Number(f64::from(c.year))),
        Column::new("自荐申报截止", |c| Cell::Text(&c.nomination_deadline)),
        Column::new("状态", |c| Cell::Text(c.status_zh)),
    ],
};

pub async fn list(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(q): Query<PageQuery>,
) -> Response {
    let form = DesignForm {
        min_responses: "30".into(),
        ..DesignForm::default()
    };
    list_page(&state, &user, q, Shown::fresh(None).with(form)).await
}

/// The design form: groups and indicators come as repeated fields, one value per row.
#[derive(Deserialize, Default)]
#[serde(default)]
pub struct DesignPageForm {
    district_id: i64,
    name: String,
    year: String,
    nomination_deadline: String,
    min_responses: String,
    satisfaction_weight: String,
    question: Vec<String>,
    group_name: Vec<String>,
    group_weight: Vec<String>,
    indicator_group: Vec<String>,
    indicator_name: Vec<String>,
    indicator_weight: Vec<String>,
    indicator_method: Vec<String>,
    indicator_demand: Vec<i64>,
}

fn nth(v: &[String], i: usize) -> String {
    v.get(i).cloned().unwrap_or_default()
}

impl DesignPageForm {
    fn into_form(self) -> DesignForm {
        DesignForm {
            district_id: self.district_id,
            name: self.name,
            year: self.year,
            nomination_deadline: self.nomination_deadline,
            min_responses: self.min_responses,
            satisfaction_weight: self.satisfaction_weight,
            questions: self.question,
            groups: (0..self.group_name.len())
                .map(|i| GroupForm {
                    name: nth(&self.group_name, i),
                    weight: nth(&self.group_weight, i),
                })
                .collect(),
            indicators: (0..self.indicator_name.len())
                .map(|i| IndicatorForm {
                    group: nth(&self.indicator_group, i),
                    name: nth(&self.indicator_name, i),
                    weight: nth(&self.indicator_weight, i),
                    method: nth(&self.indicator_method, i),
                    demand_id: self.indicator_demand.get(i).copied().unwrap_or(0),
                })
                .collect(),
        }
    }
}

pub async fn create(
    State(state): State<AppState>,
    user: CurrentUser,
    Form(f): Form<DesignPageForm>,
) -> Response {
    let f = f.into_form();
    match state.app.create_comprehensive(&user.ctx(), &f).await {
        Ok(c) => Redirect::to(&format!("/comprehensive/{}?done=created", c.id)).into_response(),
        Err(e) if is_form_error(&e) => {
            list_page(&state, &user, PageQuery::default(), Shown::refused(&e, f)).await
        }
        Err(e) => PageError(e).into_response(),
    }
}

// ---------------------------------------------------------------- one campaign

#[derive(askama::Template)]
#[template(path = "comprehensive.html")]
struct DetailPage {
    chrome: Chrome,
    c: ComprehensiveView,
    ratings: Vec<(&'static str, &'static str)>,
    /// Which form the error belongs to (`nominate-{community}-{indicator}`,
    /// `review-{nomination}`, `respond`, `score-{community}`, `close`), empty for none.
    error_key: String,
    error: FormError,
    /// What the user typed into the form that failed.
    typed: HashMap<String, String>,
    appeal_days: u8,
}

impl DetailPage {
    /// The id of a field: its plain name in the form that failed (so the error summary's
    /// links reach it), else made unique with the form's key.
    fn fid(&self, key: &str, field: &str) -> String {
        if self.error_key == key {
            field.to_owned()
        } else {
            format!("{field}-{key}")
        }
    }
    fn err(&self, key: &str, field: &str) -> &str {
        if self.error_key == key {
            self.error.for_field(field)
        } else {
            ""
        }
    }
    fn nkey(&self, community: &i64, indicator: &i32) -> String {
        format!("nominate-{community}-{indicator}")
    }
    fn rkey(&self, nomination: &i64) -> String {
        format!("review-{nomination}")
    }
    fn skey(&self, community: &i64) -> String {
        format!("score-{community}")
    }
    fn akey(&self, appeal: &i64) -> String {
        format!("answer-{appeal}")
    }
    fn ckey(&self, community: &i64) -> String {
        format!("codes-{community}")
    }
    /// The survey's answer to question `q` (1-based) as typed, when the survey failed.
    fn rating_checked(&self, q: &usize, value: &str) -> bool {
        self.typed("respond", &format!("rating_{q}")) == value
    }
    fn typed(&self, key: &str, field: &str) -> &str {
        if self.error_key == key {
            self.typed.get(field).map_or("", String::as_str)
        } else {
            ""
        }
    }
}

/// Which of the page's many small forms failed (`nominate-{community}-{indicator}`,
/// `review-{nomination}`, `respond`, `score-{community}`, `appeal`, `answer-{appeal}`, `close`)
/// and what was typed into it.
#[derive(Default)]
struct Entered {
    key: String,
    typed: HashMap<String, String>,
}

async fn detail_page(
    state: &AppState,
    user: &CurrentUser,
    id: i64,
    mut shown: Shown<'_, Entered>,
) -> Response {
    let Entered {
        key: error_key,
        typed,
    } = shown.entered_or_default();
    let Shown {
        error,
        status,
        done,
        ..
    } = shown;
    let c = match state.app.comprehensive(&user.ctx(), id).await {
        Ok(c) => c,
        Err(e) => return PageError(e).into_response(),
    };
    let mut chrome = Chrome::new(c.name.clone(), Some(user), "/comprehensive");
    if let Some(d) = done {
        chrome = chrome.with_flash(true, done_text(d));
    }
    render(
        status,
        &DetailPage {
            chrome,
            c,
            ratings: Rating::ALL
                .iter()
                .map(|r| (r.as_str(), r.label_zh()))
                .collect(),
            error_key,
            error,
            typed,
            appeal_days: jianfu_domain::comprehensive::APPEAL_WORKING_DAYS,
        },
    )
}

pub async fn detail(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
    Query(d): Query<DoneQuery>,
) -> Response {
    detail_page(&state, &user, id, Shown::fresh(d.done.as_deref())).await
}

/// After an action: back to the page with a flash, or the page again with the form's error.
async fn after<T>(
    state: &AppState,
    user: &CurrentUser,
    id: i64,
    r: jianfu_domain::Result<T>,
    done: &str,
    key: String,
    typed: HashMap<String, String>,
) -> Response {
    match r {
        Ok(_) => Redirect::to(&format!("/comprehensive/{id}?done={done}")).into_response(),
        Err(e) if is_form_error(&e) => {
            detail_page(state, user, id, Shown::refused(&e, Entered { key, typed })).await
        }
        Err(e) => PageError(e).into_response(),
    }
}

/// 自荐申报 (multipart: community, indicator, report, evidence files).
pub async fn nominate(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
    m: Result<Multipart, MultipartRejection>,
) -> Response {
    let (fields, files) = match super::read_evidence_form(m).await {
        Ok(v) => v,
        Err(e) => {
            return after::<()>(&state, &user, id, Err(e), "", String::new(), HashMap::new()).await;
        }
    };
    let num = |k: &str| {
        fields
            .get(k)
            .and_then(|v| v.trim().parse::<i64>().ok())
            .unwrap_or(0)
    };
    let community = num("community_id");
    let indicator = i32::try_from(num("indicator")).unwrap_or(0);
    let report = fields.get("report").cloned().unwrap_or_default();
    let r = state
        .app
        .submit_nomination(&user.ctx(), id, community, indicator, &report, &files)
        .await;
    let key = format!("nominate-{community}-{indicator}");
    after(&state, &user, id, r, "nominated", key, fields).await
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ReviewForm {
    /// `accept` or `amend`.
    decision: String,
    reason: String,
    campaign_id: i64,
}

pub async fn review(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(nid): Path<i64>,
    Form(f): Form<ReviewForm>,
) -> Response {
    let r = state
        .app
        .review_nomination(&user.ctx(), nid, f.decision == "accept", &f.reason)
        .await;
    let id = match &r {
        Ok(v) => v.id,
        Err(_) => f.campaign_id,
    };
    let typed = HashMap::from([("reason".to_owned(), f.reason.clone())]);
    after(
        &state,
        &user,
        id,
        r,
        "reviewed",
        format!("review-{nid}"),
        typed,
    )
    .await
}

/// The answers `rating_1`, `rating_2`, … of a survey form, in order; a gap before a later
/// answer is an empty answer.
pub(crate) fn ratings_of(f: &HashMap<String, String>) -> Vec<String> {
    let mut ratings = Vec::new();
    for i in 1..=100 {
        match f.get(&format!("rating_{i}")) {
            Some(v) => ratings.push(v.clone()),
            None if f.keys().any(|k| {
                k.strip_prefix("rating_")
                    .and_then(|n| n.parse::<usize>().ok())
                    .is_some_and(|n| n > i)
            }) =>
            {
                ratings.push(String::new());
            }
            None => break,
        }
    }
    ratings
}

#[derive(askama::Template)]
#[template(path = "satisfaction_codes.html")]
struct CodesPage {
    chrome: Chrome,
    b: CodeBatch,
}

/// A community issues one-time satisfaction codes (`community_id`, `count`): the printable
/// list, shown this once; a refused count is the campaign page again with the error.
pub async fn issue_codes(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
    Form(f): Form<HashMap<String, String>>,
) -> Response {
    let form = CodeBatchForm {
        community_id: f
            .get("community_id")
            .and_then(|c| c.trim().parse().ok())
            .unwrap_or(0),
        count: f.get("count").cloned().unwrap_or_default(),
    };
    match state
        .app
        .issue_satisfaction_codes(&user.ctx(), id, &form)
        .await
    {
        Ok(b) => render(
            axum::http::StatusCode::OK,
            &CodesPage {
                chrome: Chrome::new("满意度评价码", Some(&user), "/comprehensive"),
                b,
            },
        ),
        Err(e) if is_form_error(&e) => {
            let key = format!("codes-{}", form.community_id);
            detail_page(
                &state,
                &user,
                id,
                Shown::refused(&e, Entered { key, typed: f }),
            )
            .await
        }
        Err(e) => PageError(e).into_response(),
    }
}

/// The survey: `rating_1`, `rating_2`, … (one per question) and `comment`.
pub async fn respond(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
    Form(f): Form<HashMap<String, String>>,
) -> Response {
    let ratings = ratings_of(&f);
    let form = ResponseForm {
        ratings,
        comment: f.get("comment").cloned().unwrap_or_default(),
    };
    let r = state
        .app
        .respond_comprehensive(&user.ctx(), id, &form)
        .await;
    after(&state, &user, id, r, "responded", "respond".into(), f).await
}

/// The district's scores of one community: `community_id` and `score_{indicator}`.
pub async fn score(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
    Form(f): Form<HashMap<String, String>>,
) -> Response {
    let community = f
        .get("community_id")
        .and_then(|v| v.trim().parse::<i64>().ok())
        .unwrap_or(0);
    let scores: Vec<(i32, String)> = f
        .iter()
        .filter_map(|(k, v)| {
            k.strip_prefix("score_")
                .and_then(|n| n.parse::<i32>().ok())
                .map(|n| (n, v.clone()))
        })
        .collect();
    let r = state
        .app
        .score_community(&user.ctx(), id, community, &scores)
        .await;
    after(
        &state,
        &user,
        id,
        r,
        "scored",
        format!("score-{community}"),
        f,
    )
    .await
}

pub async fn close(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
) -> Response {
    let r = state.app.close_comprehensive(&user.ctx(), id).await;
    after(
        &state,
        &user,
        id,
        r,
        "closed",
        "close".into(),
        HashMap::new(),
    )
    .await
}

/// 申诉 (multipart: community, reason, optional evidence files).
pub async fn appeal(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
    m: Result<Multipart, MultipartRejection>,
) -> Response {
    let (fields, files) = match super::read_evidence_form(m).await {
        Ok(v) => v,
        Err(e) => {
            return after::<()>(
                &state,
                &user,
                id,
                Err(e),
                "",
                "appeal".into(),
                HashMap::new(),
            )
            .await;
        }
    };
    let community = fields
        .get("community_id")
        .and_then(|v| v.trim().parse::<i64>().ok())
        .unwrap_or(0);
    let reason = fields.get("reason").cloned().unwrap_or_default();
    let r = state
        .app
        .file_appeal(&user.ctx(), id, community, &reason, &files)
        .await;
    after(&state, &user, id, r, "appealed", "appeal".into(), fields).await
}

/// The district's answer to an appeal: `decision` (`uphold` or `reject`), `answer`, and for
/// an upheld one the corrected `score_{indicator}` fields.
pub async fn answer_appeal(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(aid): Path<i64>,
    Form(f): Form<HashMap<String, String>>,
) -> Response {
    let scores: Vec<(i32, String)> = f
        .iter()
        .filter_map(|(k, v)| {
            k.strip_prefix("score_")
                .and_then(|n| n.parse::<i32>().ok())
                .map(|n| (n, v.clone()))
        })
        .collect();
    let a = AppealAnswer {
        uphold: f.get("decision").map(String::as_str) == Some("uphold"),
        answer: f.get("answer").cloned().unwrap_or_default(),
        scores,
    };
    let campaign = f
        .get("campaign_id")
        .and_then(|v| v.trim().parse::<i64>().ok())
        .unwrap_or(0);
    let r = state.app.answer_appeal(&user.ctx(), aid, &a).await;
    let id = match &r {
        Ok(v) => v.id,
        Err(_) => campaign,
    };
    after(&state, &user, id, r, "answered", format!("answer-{aid}"), f).await
}

/// One evidence file of an appeal.
pub async fn appeal_evidence(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(eid): Path<i64>,
) -> Response {
    match state.app.appeal_evidence(&user.ctx(), eid).await {
        Ok((name, kind, bytes)) => list::download(bytes, &kind, &name, false),
        Err(e) => PageError(e).into_response(),
    }
}

/// One evidence file of a self-nomination.
pub async fn evidence(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(eid): Path<i64>,
) -> Response {
    match state.app.nomination_evidence(&user.ctx(), eid).await {
        Ok((name, kind, bytes)) => list::download(bytes, &kind, &name, false),
        Err(e) => PageError(e).into_response(),
    }
}

/// The published ranking and every community's breakdown as a workbook (audited).
pub async fn export(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
) -> Response {
    let ctx = user.ctx();
    let c = match state.app.comprehensive(&ctx, id).await {
        Ok(c) => c,
        Err(e) => return PageError(e).into_response(),
    };
    if !c.published {
        return PageError(DomainError::conflict(
            "comprehensive_not_published",
            "综合考评结束后才公布排名，届时可以导出",
        ))
        .into_response();
    }
    let filter = serde_json::json!({ "district": c.district_name, "year": c.year });
    if let Err(e) = state
        .app
        .record_export(
            &ctx,
            "comprehensive.export",
            ("comprehensive_campaign", Some(id)),
            c.ranking.len(),
            filter,
        )
        .await
    {
        return PageError(e).into_response();
    }
    list::xlsx(
        workbook(&c),
        &format!(
            "{}{}年度社区(村)工作综合考评排名.xlsx",
            c.district_name, c.year
        ),
    )
}

const RANK_COLUMNS: [Column<RankRow>; 4] = [
    Column::new("名次", |r| Cell::Number(r.rank as f64)),
    Column::wide("社区(村)", 18.0, |r| Cell::Text(&r.community)),
    Column::wide("街道(乡镇)", 16.0, |r| Cell::Text(&r.street)),
    Column::new("总分", |r| Cell::Text(&r.total)),
];

/// One line per community and group: the calculation as published.
struct BreakdownRow {
    community: String,
    group: String,
    weight: f64,
    score: String,
    how: String,
    total: String,
}

const BREAKDOWN_COLUMNS: [Column<BreakdownRow>; 6] = [
    Column::wide("社区(村)", 18.0, |r| Cell::Text(&r.community)),
    Column::wide("指标组", 18.0, |r| Cell::Text(&r.group)),
    Column::new("权重(%)", |r| Cell::Number(r.weight)),
    Column::new("组得分", |r| Cell::Text(&r.score)),
    Column::wide("计算", 60.0, |r| Cell::Text(&r.how)),
    Column::new("总分", |r| Cell::Text(&r.total)),
];

const APPEAL_COLUMNS: [Column<AppealView>; 8] = [
    Column::wide("社区(村)", 18.0, |a| Cell::Text(&a.community)),
    Column::new("提出日期", |a| Cell::Text(&a.filed_on)),
    Column::wide("申诉理由", 40.0, |a| Cell::Text(&a.reason)),
    Column::new("状态", |a| Cell::Text(a.status_zh)),
    Column::wide("答复", 40.0, |a| {
        Cell::Text(a.answer.as_deref().unwrap_or_default())
    }),
    Column::new("答复日期", |a| {
        Cell::Text(a.answered_on.as_deref().unwrap_or_default())
    }),
    Column::new("原总分", |a| {
        Cell::Text(a.old_total.as_deref().unwrap_or_default())
    }),
    Column::new("更正后总分", |a| {
        Cell::Text(a.new_total.as_deref().unwrap_or_default())
    }),
];

fn workbook(c: &ComprehensiveView) -> Result<Vec<u8>, rust_xlsxwriter::XlsxError> {
    let mut lines = vec![
        format!("{}（{} 年度）", c.name, c.year),
        format!(
            "{}；总分 = Σ 指标组权重 × 组得分（4.3-4：以居民群众满意度为主要标准，居民满意度最少有效评价 {} 份）",
            c.district_name, c.min_responses
        ),
    ];
    // The note of every upheld appeal: the ranking below is the corrected one.
    for a in c
        .appeals
        .appeals
        .iter()
        .filter(|a| a.status == AppealStatus::Upheld)
    {
        lines.push(format!(
            "注：{}经申诉更正得分（{}，原总分 {}，更正后 {}），排名已按更正后的得分重新公布",
            a.community,
            a.answered_on.as_deref().unwrap_or_default(),
            a.old_total.as_deref().unwrap_or("—"),
            a.new_total.as_deref().unwrap_or("—"),
        ));
    }
    lines.push(String::new());
    let breakdown: Vec<BreakdownRow> = c
        .communities
        .iter()
        .flat_map(|m| {
            m.groups.iter().map(|g| BreakdownRow {
                community: m.name.clone(),
                group: g.name.clone(),
                weight: f64::from(g.weight),
                score: g.score.clone().unwrap_or_else(|| "—".into()),
                how: g.how.clone(),
                total: m
                    .total
                    .clone()
                    .or_else(|| m.incomplete.clone())
                    .unwrap_or_default(),
            })
        })
        .collect();
    let mut x = Export::new();
    x.sheet("排名", &lines, &RANK_COLUMNS, &c.ranking)?.sheet(
        "得分明细",
        &[],
        &BREAKDOWN_COLUMNS,
        &breakdown,
    )?;
    x.sheet("申诉", &[], &APPEAL_COLUMNS, &c.appeals.appeals)?;
    x.finish()
}
