//! The district's comprehensive evaluation of its communities (社区(村)工作综合考评, 4.3-4;
//! issue 12 §2): "以自荐申报为主要形式，以居民群众满意度为主要标准".
//!
//! - **Design**: the district's civil-affairs or organisation department (the supervisor role
//!   held at a department of the district — [`Action::RunComprehensive`], at its own level only)
//!   creates the year's campaign: indicator groups with weights and indicators under them, and
//!   the resident-satisfaction group with its questions, which must weigh more than any other
//!   group ([`jianfu_rules::comprehensive::check_design`]). Admitted evaluation demands of the
//!   district's departments may be folded in as indicators (4.3-3). Every community and
//!   village of the district is evaluated.
//! - **Self-nomination** (自荐申报): each community's staff report per indicator with evidence
//!   files (checked by content like certificate attachments) until the deadline; the street
//!   accepts each report or asks to amend it with a reason (an amendment may come after the
//!   deadline and is then marked late). The district sees who is missing.
//! - **Satisfaction**: residents of the community rate it on the five-level scale, once per
//!   campaign. Who answered is kept apart from what was answered (see the migration): counts
//!   only, for everyone. Low ratings with a comment reach the district's follow-up list (回访).
//! - **Scoring**: the district enters each indicator's score; a group's score is the weighted
//!   mean of its indicators, the satisfaction group's is [`satisfaction`] once the community has
//!   the minimum number of responses, and the total and ranking come from [`total`] and
//!   [`rank`], in whole hundredths, so the same inputs give the same result. Closing freezes the
//!   inputs and publishes the ranking with each community's calculation.

mod appeal;
mod codes;

use std::collections::{BTreeMap, HashMap};

use jianfu_rules::comprehensive::{
    Group, Incomplete, Rating, Tally, check_design, rank, satisfaction, total,
};
use jianfu_store::entity::comprehensive_campaign;
use jianfu_store::repo::comprehensive as repo;
use serde::{Deserialize, Serialize};

use crate::authz::{Action, Scope, authorize, visible};
use crate::certificate::{AttachmentUpload, MAX_ATTACHMENTS};
use crate::demand::{DemandKind, DemandStatus};
use crate::division::NodeKind;
use crate::error::{DomainError, ErrorKind, Problems, Result};
use crate::page::{Page, PageRequest};
use crate::tree::NodeView;
use crate::{App, Ctx, text};

pub use appeal::{APPEAL_WORKING_DAYS, AppealAnswer, AppealStatus, AppealView, AppealsPart};
pub use codes::{
    CODE_HOLDER, CODE_UNKNOWN, CodeBatch, CodeBatchForm, CodeCounts, CodeResponseForm, CodeSurvey,
    MAX_CODES_PER_BATCH,
};

/// The clause every decision of this module applies.
pub const CLAUSE: &str = "4.3-4";
/// The clause under which departments' evaluations enter as indicators.
pub const FOLD_CLAUSE: &str = "4.3-3";
/// The most groups, indicators and questions a design has.
pub const MAX_ROWS: usize = 50;
/// The satisfaction group's name.
pub const SATISFACTION_GROUP: &str = "居民群众满意度";

/// A campaign's state.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CampaignStatus {
    /// Self-nomination, review, responses and scoring go on.
    Open,
    /// Closed by the district: inputs frozen, ranking published.
    Closed,
}

impl CampaignStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Open => "open",
            Self::Closed => "closed",
        }
    }
    pub fn label_zh(self) -> &'static str {
        match self {
            Self::Open => "进行中",
            Self::Closed => "已结束并公布",
        }
    }
    pub fn stored(s: &str) -> Self {
        if s == Self::Closed.as_str() {
            Self::Closed
        } else {
            Self::Open
        }
    }
}

/// A self-nomination's state.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum NominationStatus {
    /// Waiting for the street's review.
    Submitted,
    Accepted,
    /// The street asked for an amendment.
    Amend,
}

impl NominationStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Submitted => "submitted",
            Self::Accepted => "accepted",
            Self::Amend => "amend",
        }
    }
    pub fn label_zh(self) -> &'static str {
        match self {
            Self::Submitted => "待街道审核",
            Self::Accepted => "已通过",
            Self::Amend => "退回补正",
        }
    }
    pub fn stored(s: &str) -> Self {
        match s {
            "accepted" => Self::Accepted,
            "amend" => Self::Amend,
            _ => Self::Submitted,
        }
    }
}

// ---------------------------------------------------------------- design

/// One indicator group as the form sends it (not the satisfaction group).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct GroupForm {
    pub name: String,
    /// Percent of the total, a whole number 0–100.
    pub weight: String,
}

/// One indicator as the form sends it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct IndicatorForm {
    /// The name of the group it belongs to.
    pub group: String,
    pub name: String,
    /// Percent of its group, a whole number 0–100; a group's indicators add up to 100.
    pub weight: String,
    /// 评分方法.
    pub method: String,
    /// An admitted evaluation demand of a department of the district folded in (4.3-3); 0 for
    /// none.
    pub demand_id: i64,
}

/// The design form.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct DesignForm {
    /// The district; the caller's own when 0.
    pub district_id: i64,
    pub name: String,
    pub year: String,
    /// YYYY-MM-DD, the last day of self-nomination.
    pub nomination_deadline: String,
    /// Responses a community needs before its satisfaction counts.
    pub min_responses: String,
    /// Percent of the total for resident satisfaction.
    pub satisfaction_weight: String,
    /// The satisfaction questions, one per row.
    pub questions: Vec<String>,
    pub groups: Vec<GroupForm>,
    pub indicators: Vec<IndicatorForm>,
}

/// An indicator as stored.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct IndicatorDesign {
    /// 1-based number across the groups: what nominations and scores refer to.
    pub no: i32,
    pub name: String,
    pub weight: u32,
    pub method: String,
    pub demand_id: Option<i64>,
    /// The folded-in demand's title and admission number, as they were at design time.
    pub demand_title: Option<String>,
    pub demand_number: Option<String>,
}

/// A group as stored.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct GroupDesign {
    pub name: String,
    pub weight: u32,
    pub satisfaction: bool,
    pub indicators: Vec<IndicatorDesign>,
}

/// A campaign's design (the JSON column).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Design {
    /// The satisfaction group first, then the others in the order given.
    pub groups: Vec<GroupDesign>,
    pub questions: Vec<String>,
}

impl Design {
    /// The groups as the rules see them.
    pub fn rule_groups(&self) -> Vec<Group<'_>> {
        self.groups
            .iter()
            .map(|g| Group {
                name: &g.name,
                weight: g.weight,
                satisfaction: g.satisfaction,
            })
            .collect()
    }
    /// Every indicator (not the satisfaction group), in order.
    pub fn indicators(&self) -> impl Iterator<Item = &IndicatorDesign> {
        self.groups.iter().flat_map(|g| g.indicators.iter())
    }
    pub fn indicator(&self, no: i32) -> Option<&IndicatorDesign> {
        self.indicators().find(|i| i.no == no)
    }
}

/// An admitted evaluation demand of a department of the district, which may enter the design
/// as an indicator (4.3-3).
#[derive(Clone, Debug, Serialize)]
pub struct FoldableDemand {
    pub id: i64,
    pub title: String,
    pub number: String,
    pub department: String,
}

/// A whole number in `range`, or the field's error.
fn whole(
    s: &str,
    range: std::ops::RangeInclusive<u32>,
    field: &'static str,
    msg: String,
) -> Result<u32> {
    s.trim()
        .parse::<u32>()
        .ok()
        .filter(|n| range.contains(n))
        .ok_or_else(|| DomainError::field(field, "weight_invalid", msg))
}

/// Points as typed (`85`, `85.5`, `85.25`) in hundredths, 0–10000.
pub fn parse_points(s: &str) -> Option<u32> {
    let s = s.trim();
    let (int, frac) = s.split_once('.').unwrap_or((s, ""));
    if int.is_empty() || !int.bytes().all(|b| b.is_ascii_digit()) || int.len() > 3 {
        return None;
    }
    if frac.len() > 2 || !frac.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let int: u32 = int.parse().ok()?;
    let frac: u32 = if frac.is_empty() {
        0
    } else {
        let f: u32 = frac.parse().ok()?;
        if frac.len() == 1 { f * 10 } else { f }
    };
    let v = int * 100 + frac;
    (v <= 10_000).then_some(v)
}

/// Hundredths as points with two decimals (`8550` → `85.50`).
pub fn points(h: u32) -> String {
    format!("{}.{:02}", h / 100, h % 100)
}

/// A rule's reason as a form message, its clause first (shown to users).
fn with_clause(r: &jianfu_rules::Reason) -> String {
    format!("〔{}〕{}", r.clause.as_str(), r.message)
}

// ---------------------------------------------------------------- views

/// A campaign in the list.
#[derive(Clone, Debug, Serialize)]
pub struct CampaignSummary {
    pub id: i64,
    pub district_id: i64,
    pub district_name: String,
    pub name: String,
    pub year: i32,
    pub nomination_deadline: String,
    pub status: CampaignStatus,
    pub status_zh: &'static str,
}

/// An evidence file of a nomination (without its content).
#[derive(Clone, Debug, Serialize)]
pub struct EvidenceView {
    pub id: i64,
    pub file_name: String,
    pub content_type: String,
    pub size_bytes: i64,
}

/// A community's self-nomination for one indicator, or its absence.
#[derive(Clone, Debug, Serialize)]
pub struct NominationView {
    pub indicator: i32,
    pub indicator_name: String,
    /// None: nothing submitted.
    pub id: Option<i64>,
    pub status: Option<NominationStatus>,
    /// `submitted` | `accepted` | `amend` | `missing` (nothing, deadline passed) | `due`
    /// (nothing yet, before the deadline).
    pub state: &'static str,
    pub state_zh: &'static str,
    pub late: bool,
    pub report: String,
    pub review_reason: Option<String>,
    pub evidence: Vec<EvidenceView>,
    /// The district's score, in points (two decimals).
    pub score: Option<String>,
    /// The viewer may (re)submit it now.
    pub can_submit: bool,
    /// The viewer may review it now.
    pub can_review: bool,
}

/// One line of a community's calculation.
#[derive(Clone, Debug, Serialize)]
pub struct GroupLine {
    pub name: String,
    pub weight: u32,
    pub satisfaction: bool,
    /// The group's score in points, or None while incomplete.
    pub score: Option<String>,
    /// How the group's score came about, in words.
    pub how: String,
}

/// A community's progress and, once complete, its score.
#[derive(Clone, Debug, Serialize)]
pub struct CommunityView {
    pub id: i64,
    pub name: String,
    pub street: String,
    pub nominations: Vec<NominationView>,
    pub submitted: usize,
    pub missing: usize,
    pub late: usize,
    /// Satisfaction responses received (counts only, never who or what).
    pub responses: u64,
    /// Answers per rating, in the order of [`Rating::ALL`].
    pub rating_counts: Vec<(&'static str, u64)>,
    /// The minimum sample is reached: satisfaction counts.
    pub sample_reached: bool,
    /// One-time satisfaction codes the community issued and those used (counts only).
    pub codes: CodeCounts,
    /// The viewer issues this community's codes.
    pub can_issue_codes: bool,
    pub groups: Vec<GroupLine>,
    /// The total in points, or None with the reason in `incomplete`.
    pub total: Option<String>,
    pub total_centi: Option<u32>,
    pub incomplete: Option<String>,
    /// Published rank (after closing) or the district's preview.
    pub rank: Option<usize>,
    /// The viewer scores it (district).
    pub can_score: bool,
}

/// A row of the ranking.
#[derive(Clone, Debug, Serialize)]
pub struct RankRow {
    pub rank: usize,
    pub community_id: i64,
    pub community: String,
    pub street: String,
    pub total: String,
    pub total_centi: u32,
}

/// A low rating with a comment, for the district's follow-up (回访): which community and
/// questions, never who.
#[derive(Clone, Debug, Serialize)]
pub struct FollowUp {
    pub community: String,
    pub answered_on: String,
    /// The questions rated 不满意 or 非常不满意, with the rating.
    pub low: Vec<(String, &'static str)>,
    pub comment: String,
}

/// A campaign as a viewer sees it.
#[derive(Clone, Debug, Serialize)]
pub struct ComprehensiveView {
    pub id: i64,
    pub district_id: i64,
    pub district_name: String,
    pub name: String,
    pub year: i32,
    pub nomination_deadline: String,
    pub deadline_passed: bool,
    pub min_responses: u32,
    pub status: CampaignStatus,
    pub status_zh: &'static str,
    pub created_by: String,
    pub design: Design,
    pub clauses: Vec<String>,
    /// The communities the viewer may see (all after publication).
    pub communities: Vec<CommunityView>,
    /// The ranking: published after closing; the district sees a preview before.
    pub ranking: Vec<RankRow>,
    pub published: bool,
    /// Communities of the district in all (the viewer may see fewer before publication).
    pub community_count: usize,
    pub can_run: bool,
    pub can_close: bool,
    /// For a resident: the community they rate, whether they have, and whether they may now.
    pub my_community: Option<String>,
    pub answered: bool,
    pub can_respond: bool,
    /// For the district only.
    pub follow_ups: Vec<FollowUp>,
    pub today: String,
    /// After publication: the appeals the viewer sees, the deadline, where they may appeal.
    pub appeals: AppealsPart,
}

/// What a resident answers.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct ResponseForm {
    /// One rating code per question ([`Rating::as_str`]).
    pub ratings: Vec<String>,
    pub comment: String,
}

struct Loaded {
    row: comprehensive_campaign::Model,
    district: NodeView,
    design: Design,
}

fn deadline_of(row: &comprehensive_campaign::Model) -> Result<chrono::NaiveDate> {
    chrono::NaiveDate::parse_from_str(&row.nomination_deadline, "%Y-%m-%d")
        .map_err(|_| DomainError::internal())
}

fn closed_error() -> DomainError {
    DomainError::conflict(
        "comprehensive_closed",
        "本次综合考评已结束并公布结果，不能再提交或修改",
    )
}

/// A response's answers, checked: one rating per question, an optional comment.
struct Answers {
    /// JSON array of rating codes.
    ratings: String,
    comment: Option<String>,
    low: bool,
}

/// Checks a response form against a design with `questions` questions; every problem at once.
fn answers_of(questions: usize, f: &ResponseForm) -> Result<Answers> {
    let mut p = Problems::new();
    let ratings: Vec<Option<Rating>> = (0..questions)
        .map(|i| f.ratings.get(i).and_then(|r| Rating::parse(r.trim())))
        .collect();
    let unanswered: Vec<String> = ratings
        .iter()
        .enumerate()
        .filter(|(_, r)| r.is_none())
        .map(|(i, _)| (i + 1).to_string())
        .collect();
    if !unanswered.is_empty() || f.ratings.len() > questions {
        p.push(DomainError::field(
            "ratings",
            "ratings_invalid",
            if unanswered.is_empty() {
                format!("本次评价共 {questions} 个问题，请逐一作答")
            } else {
                format!(
                    "请对每个问题作出评价（非常满意、满意、一般、不满意、非常不满意），第 {} 题未选",
                    unanswered.join("、")
                )
            },
        ));
    }
    let comment = p.take(crate::certificate::text_field(
        &f.comment,
        "comment",
        "意见建议",
        500,
        false,
    ));
    p.finish()?;
    let ratings: Vec<Rating> = ratings.into_iter().flatten().collect();
    let codes: Vec<&str> = ratings.iter().map(|r| r.as_str()).collect();
    Ok(Answers {
        ratings: serde_json::to_string(&codes).map_err(|_| DomainError::internal())?,
        comment: comment.filter(|c| !c.is_empty()),
        low: ratings.iter().any(|r| r.is_low()),
    })
}

impl App {
    // ------------------------------------------------------------ design

    /// The districts where the user may design a comprehensive evaluation.
    pub async fn comprehensive_districts(&self, ctx: &Ctx) -> Result<Vec<NodeView>> {
        Ok(self
            .nodes_under(&visible(&ctx.principal, Action::RunComprehensive))
            .await?
            .into_iter()
            .filter(|n| n.kind == NodeKind::District)
            .collect())
    }

    /// The admitted evaluation demands of the departments of the districts where the user
    /// designs, to fold in as indicators (4.3-3).
    pub async fn foldable_demands(&self, ctx: &Ctx) -> Result<Vec<FoldableDemand>> {
        let districts: Vec<i64> = self
            .comprehensive_districts(ctx)
            .await?
            .into_iter()
            .map(|d| d.id)
            .collect();
        self.foldable_in(&districts).await
    }

    async fn foldable_in(&self, districts: &[i64]) -> Result<Vec<FoldableDemand>> {
        if districts.is_empty() {
            return Ok(Vec::new());
        }
        let departments: HashMap<i64, String> =
            repo::departments_of(self.store.db(), districts, NodeKind::Department.as_str())
                .await?
                .into_iter()
                .collect();
        let today = self.today().to_string();
        let rows = repo::demands_of(
            self.store.db(),
            DemandKind::Evaluation.as_str(),
            DemandStatus::Admitted.as_str(),
            departments.keys().copied().collect(),
        )
        .await?;
        Ok(rows
            .into_iter()
            .filter(|d| d.valid_to.as_deref().is_none_or(|v| v >= today.as_str()))
            .map(|d| FoldableDemand {
                id: d.id,
                department: departments
                    .get(&d.requester_node_id)
                    .cloned()
                    .unwrap_or_default(),
                title: d.title,
                number: d.admission_number.unwrap_or_default(),
            })
            .collect())
    }

    /// The district designs the year's comprehensive evaluation (4.3-4): every problem of the
    /// form at once, the design rule's with its clause; one campaign per district and year.
    pub async fn create_comprehensive(
        &self,
        ctx: &Ctx,
        f: &DesignForm,
    ) -> Result<ComprehensiveView> {
        let districts = self.comprehensive_districts(ctx).await?;
        let district = if f.district_id == 0 {
            match districts.as_slice() {
                [d] => d.clone(),
                [] => {
                    self.record_denial(ctx, Action::RunComprehensive, None)
                        .await;
                    return Err(DomainError::forbidden(
                        "只有区(市、县)的民政或组织部门可以组织社区(村)工作综合考评",
                    ));
                }
                _ => {
                    return Err(DomainError::field(
                        "district_id",
                        "district_invalid",
                        "请选择区(县、市)",
                    ));
                }
            }
        } else {
            let d = match self.find_node(f.district_id).await {
                Ok(d) => d,
                Err(e) if e.kind == ErrorKind::NotFound => {
                    return Err(DomainError::field(
                        "district_id",
                        "district_invalid",
                        "请选择区(县、市)",
                    ));
                }
                Err(e) => return Err(e),
            };
            self.check(ctx, Action::RunComprehensive, &d.target())
                .await?;
            if d.kind != NodeKind::District {
                return Err(DomainError::field(
                    "district_id",
                    "district_invalid",
                    "综合考评由区(市、县)组织，请选择区(县、市)",
                ));
            }
            d
        };
        let mut p = Problems::new();
        let name = text::visible(&f.name);
        if name.is_empty() || name.chars().count() > 200 || name.chars().any(char::is_control) {
            p.push(DomainError::field(
                "name",
                "name_invalid",
                "请填写考评名称（不超过 200 字）",
            ));
        }
        let year = f
            .year
            .trim()
            .parse::<i32>()
            .ok()
            .filter(|y| (2000..=2100).contains(y));
        if year.is_none() {
            p.push(DomainError::field(
                "year",
                "year_invalid",
                "请填写考评年度（如 2026）",
            ));
        }
        let today = self.today();
        let deadline =
            chrono::NaiveDate::parse_from_str(f.nomination_deadline.trim(), "%Y-%m-%d").ok();
        match deadline {
            None => p.push(DomainError::field(
                "nomination_deadline",
                "deadline_invalid",
                "请填写自荐申报截止日期（年-月-日）",
            )),
            Some(d) if d < today => p.push(DomainError::field(
                "nomination_deadline",
                "deadline_past",
                format!("自荐申报截止日期（{d}）早于今天（{today}）"),
            )),
            Some(_) => {}
        }
        let min_responses = p.take(
            f.min_responses
                .trim()
                .parse::<u32>()
                .ok()
                .filter(|n| (1..=10_000).contains(n))
                .ok_or_else(|| {
                    DomainError::field(
                        "min_responses",
                        "min_responses_invalid",
                        "每个社区(村)的最少有效评价数应为 1 至 10000 的整数",
                    )
                }),
        );
        // Satisfaction: its weight and questions.
        let satisfaction_weight = p.take(whole(
            &f.satisfaction_weight,
            0..=100,
            "satisfaction_weight",
            "居民满意度的权重应为 0 至 100 的整数（百分比，不能为负）".into(),
        ));
        let questions: Vec<String> = f
            .questions
            .iter()
            .map(|q| text::visible(q).to_owned())
            .filter(|q| !q.is_empty())
            .collect();
        if questions.is_empty() {
            p.push(DomainError::field(
                "questions",
                "questions_required",
                "请至少填写一个居民满意度问题",
            ));
        } else if questions.len() > 20 {
            p.push(DomainError::field(
                "questions",
                "questions_too_many",
                "居民满意度问题不超过 20 个",
            ));
        } else if questions
            .iter()
            .any(|q| q.chars().count() > 200 || q.chars().any(char::is_control))
        {
            p.push(DomainError::field(
                "questions",
                "question_invalid",
                "每个问题不超过 200 字",
            ));
        }
        // The other groups.
        let group_rows: Vec<&GroupForm> = f
            .groups
            .iter()
            .filter(|g| !(text::visible(&g.name).is_empty() && g.weight.trim().is_empty()))
            .collect();
        let mut groups: Vec<GroupDesign> = Vec::new();
        if group_rows.is_empty() {
            p.push(DomainError::field(
                "groups",
                "groups_required",
                "请至少设一个自荐申报的指标组（名称、权重）",
            ));
        } else if group_rows.len() > MAX_ROWS {
            p.push(DomainError::field(
                "groups",
                "groups_too_many",
                format!("指标组不超过 {MAX_ROWS} 个"),
            ));
        } else {
            for (i, g) in group_rows.iter().enumerate() {
                let n = i + 1;
                let gname = text::visible(&g.name);
                if gname.is_empty() || gname.chars().count() > 100 || gname == SATISFACTION_GROUP {
                    p.push(DomainError::field(
                        "groups",
                        "group_invalid",
                        format!(
                            "第 {n} 个指标组须有名称（不超过 100 字，且不与“{SATISFACTION_GROUP}”重名）"
                        ),
                    ));
                    continue;
                }
                if groups.iter().any(|x| x.name == gname) {
                    p.push(DomainError::field(
                        "groups",
                        "group_duplicate",
                        format!("指标组“{gname}”重复"),
                    ));
                    continue;
                }
                if let Some(w) = p.take(whole(
                    &g.weight,
                    0..=100,
                    "groups",
                    format!("指标组“{gname}”的权重应为 0 至 100 的整数（百分比，不能为负）"),
                )) {
                    groups.push(GroupDesign {
                        name: gname.to_owned(),
                        weight: w,
                        satisfaction: false,
                        indicators: Vec::new(),
                    });
                }
            }
        }
        let groups_ok = !p.has("groups") && !p.has("satisfaction_weight");
        if groups_ok && let Some(sw) = satisfaction_weight {
            let sum: u32 = sw + groups.iter().map(|g| g.weight).sum::<u32>();
            if sum != 100 {
                p.push(DomainError::field(
                    "groups",
                    "weights_sum_invalid",
                    format!("居民满意度与各指标组的权重之和须为 100，现为 {sum}"),
                ));
            }
        }
        // The indicators.
        let foldable = self.foldable_in(&[district.id]).await?;
        let rows: Vec<&IndicatorForm> = f
            .indicators
            .iter()
            .filter(|r| {
                !(text::visible(&r.group).is_empty()
                    && text::visible(&r.name).is_empty()
                    && r.weight.trim().is_empty()
                    && text::visible(&r.method).is_empty()
                    && r.demand_id == 0)
            })
            .collect();
        if rows.len() > MAX_ROWS {
            p.push(DomainError::field(
                "indicators",
                "indicators_too_many",
                format!("指标不超过 {MAX_ROWS} 项"),
            ));
        } else if groups_ok {
            let mut no = 0;
            for (i, r) in rows.iter().enumerate() {
                let n = i + 1;
                let iname = text::visible(&r.name);
                let method = text::visible(&r.method);
                let gname = text::visible(&r.group);
                let Some(gi) = groups.iter().position(|g| g.name == gname) else {
                    p.push(DomainError::field(
                        "indicators",
                        "indicator_group_unknown",
                        format!("第 {n} 项指标所属的指标组“{gname}”不在上面的指标组中"),
                    ));
                    continue;
                };
                if iname.is_empty() || iname.chars().count() > 100 || method.chars().count() > 1000
                {
                    p.push(DomainError::field(
                        "indicators",
                        "indicator_invalid",
                        format!("第 {n} 项指标须有名称（不超过 100 字），评分方法不超过 1000 字"),
                    ));
                    continue;
                }
                let demand = if r.demand_id == 0 {
                    None
                } else if let Some(d) = foldable.iter().find(|d| d.id == r.demand_id) {
                    Some(d)
                } else {
                    p.push(DomainError::field(
                        "indicators",
                        "indicator_demand_invalid",
                        format!(
                            "第 {n} 项指标纳入的考核评比不是本区部门已准入的考核评比事项（{FOLD_CLAUSE}）"
                        ),
                    ));
                    continue;
                };
                let Some(w) = p.take(whole(
                    &r.weight,
                    0..=100,
                    "indicators",
                    format!("第 {n} 项指标“{iname}”的权重应为 0 至 100 的整数（占所属指标组的百分比，不能为负）"),
                )) else {
                    continue;
                };
                no += 1;
                groups[gi].indicators.push(IndicatorDesign {
                    no,
                    name: iname.to_owned(),
                    weight: w,
                    method: method.to_owned(),
                    demand_id: demand.map(|d| d.id),
                    demand_title: demand.map(|d| d.title.clone()),
                    demand_number: demand.map(|d| d.number.clone()),
                });
            }
            if !p.has("indicators") {
                for g in &groups {
                    let sum: u32 = g.indicators.iter().map(|i| i.weight).sum();
                    if g.indicators.is_empty() {
                        p.push(DomainError::field(
                            "indicators",
                            "group_without_indicators",
                            format!("指标组“{}”下还没有指标", g.name),
                        ));
                    } else if sum != 100 {
                        p.push(DomainError::field(
                            "indicators",
                            "indicator_weights_sum_invalid",
                            format!("指标组“{}”下各指标的权重之和须为 100，现为 {sum}", g.name),
                        ));
                    }
                }
            }
        }
        // The design rule (4.3-4): satisfaction the largest group.
        if let Some(sw) = satisfaction_weight
            && groups_ok
        {
            let mut rule_groups = vec![Group {
                name: SATISFACTION_GROUP,
                weight: sw,
                satisfaction: true,
            }];
            rule_groups.extend(groups.iter().map(|g| Group {
                name: &g.name,
                weight: g.weight,
                satisfaction: false,
            }));
            let decision = check_design(&rule_groups);
            for r in &decision.reasons {
                p.push(DomainError::field(
                    "satisfaction_weight",
                    r.code,
                    with_clause(r),
                ));
            }
        }
        p.finish()?;
        let (Some(year), Some(deadline), Some(min_responses), Some(sw)) =
            (year, deadline, min_responses, satisfaction_weight)
        else {
            return Err(DomainError::internal());
        };
        if repo::campaign_exists(self.store.db(), district.id, year).await? {
            return Err(DomainError::conflict(
                "comprehensive_exists",
                format!(
                    "{}{year} 年度的社区(村)工作综合考评已经设立（每区每年一次）",
                    district.name
                ),
            ));
        }
        let communities = self.district_communities(&district).await?;
        if communities.is_empty() {
            return Err(DomainError::conflict(
                "comprehensive_no_communities",
                format!("{}下没有社区(村)，无需组织综合考评", district.name),
            ));
        }
        let mut all = vec![GroupDesign {
            name: SATISFACTION_GROUP.into(),
            weight: sw,
            satisfaction: true,
            indicators: Vec::new(),
        }];
        all.extend(groups);
        let design = Design {
            groups: all,
            questions,
        };
        let json = serde_json::to_string(&design).map_err(|_| DomainError::internal())?;
        let now = self.now_ms();
        let mut tx = self.store.begin_write().await?;
        let id = repo::insert_campaign(
            tx.conn(),
            &repo::NewCampaign {
                district: district.id,
                name,
                year,
                design: &json,
                nomination_deadline: &deadline.to_string(),
                min_responses: i32::try_from(min_responses).unwrap_or(1),
                status: CampaignStatus::Open.as_str(),
                created_by: ctx.principal.account_id,
                now,
            },
        )
        .await?;
        tx.audit(ctx.entry(
            "comprehensive.create",
            "comprehensive_campaign",
            Some(id.to_string()),
            serde_json::json!({
                "district": district.name, "name": name, "year": year,
                "nomination_deadline": deadline.to_string(), "min_responses": min_responses,
                "groups": design.groups.iter().map(|g| serde_json::json!({"name": g.name, "weight": g.weight, "indicators": g.indicators.len()})).collect::<Vec<_>>(),
                "questions": design.questions.len(),
                "communities": communities.len(),
                "clauses": [CLAUSE],
            }),
        ))
        .await?;
        tx.commit().await?;
        self.comprehensive(ctx, id).await
    }

    async fn district_communities(&self, district: &NodeView) -> Result<Vec<NodeView>> {
        Ok(self
            .nodes_under(&Scope::subtree(&district.path))
            .await?
            .into_iter()
            .filter(|n| n.kind.is_community())
            .collect())
    }

    async fn load_comprehensive(&self, id: i64) -> Result<Loaded> {
        let row = repo::campaign(self.store.db(), id)
            .await?
            .ok_or_else(|| DomainError::not_found("综合考评"))?;
        let district = self.find_node(row.district_node_id).await?;
        let design: Design =
            serde_json::from_str(&row.design).map_err(|_| DomainError::internal())?;
        Ok(Loaded {
            row,
            district,
            design,
        })
    }

    /// Whether the user sees the campaign: officials over the district or under it, and the
    /// residents of its communities.
    fn sees_comprehensive(ctx: &Ctx, district: &NodeView) -> bool {
        visible(&ctx.principal, Action::ViewComprehensive).meets(&district.path)
            || visible(&ctx.principal, Action::RateCommunity).meets(&district.path)
    }

    /// The community a resident rates in this district.
    async fn resident_community(&self, ctx: &Ctx, district: &NodeView) -> Result<Option<NodeView>> {
        let ids: Vec<i64> = ctx
            .principal
            .grants
            .iter()
            .filter(|g| crate::authz::permits(g.role, Action::RateCommunity))
            .map(|g| g.node_id)
            .collect();
        for id in ids {
            let n = self.find_node(id).await?;
            if n.kind.is_community()
                && n.path.starts_with(&district.path)
                && authorize(&ctx.principal, Action::RateCommunity, &n.target()).is_ok()
            {
                return Ok(Some(n));
            }
        }
        Ok(None)
    }

    /// The campaigns of the districts the user sees, newest first.
    pub async fn list_comprehensive(
        &self,
        ctx: &Ctx,
        page: PageRequest,
    ) -> Result<Page<CampaignSummary>> {
        let view = visible(&ctx.principal, Action::ViewComprehensive);
        let rate = visible(&ctx.principal, Action::RateCommunity);
        if view.is_empty() && rate.is_empty() {
            self.record_denial(ctx, Action::ViewComprehensive, None)
                .await;
            return Err(DomainError::forbidden(
                "您的角色不能查看社区(村)工作综合考评",
            ));
        }
        let districts: HashMap<i64, NodeView> =
            jianfu_store::repo::tree::of_kind(self.store.db(), NodeKind::District.as_str())
                .await?
                .into_iter()
                .map(|n| NodeView::from_row(n).map(|v| (v.id, v)))
                .collect::<Result<_>>()?;
        let seen: Vec<i64> = districts
            .values()
            .filter(|d| Self::sees_comprehensive(ctx, d))
            .map(|d| d.id)
            .collect();
        let (rows, total) =
            repo::campaigns_of(self.store.db(), seen, page.offset(), page.per_page).await?;
        let items = rows
            .into_iter()
            .map(|r| {
                let status = CampaignStatus::stored(&r.status);
                CampaignSummary {
                    id: r.id,
                    district_id: r.district_node_id,
                    district_name: districts
                        .get(&r.district_node_id)
                        .map(|d| d.name.clone())
                        .unwrap_or_default(),
                    name: r.name,
                    year: r.year,
                    nomination_deadline: r.nomination_deadline,
                    status,
                    status_zh: status.label_zh(),
                }
            })
            .collect();
        Ok(page.page(items, total))
    }

    /// A campaign as the user may see it: the design; the communities in the user's
    /// jurisdiction with their self-nominations, response counts and scores (every community
    /// once published); the ranking once published (the district sees a preview); the
    /// follow-up list for the district.
    pub async fn comprehensive(&self, ctx: &Ctx, id: i64) -> Result<ComprehensiveView> {
        let l = self.load_comprehensive(id).await?;
        if !Self::sees_comprehensive(ctx, &l.district) {
            self.record_denial(ctx, Action::ViewComprehensive, Some(l.district.id))
                .await;
            return Err(DomainError::forbidden("该综合考评不在您的管辖范围内"));
        }
        self.comprehensive_view(ctx, l).await
    }

    async fn comprehensive_view(&self, ctx: &Ctx, l: Loaded) -> Result<ComprehensiveView> {
        let Loaded {
            row,
            district,
            design,
        } = l;
        let status = CampaignStatus::stored(&row.status);
        let published = status == CampaignStatus::Closed;
        let today = self.today();
        let deadline = deadline_of(&row)?;
        let deadline_passed = today > deadline;
        let can_run =
            authorize(&ctx.principal, Action::RunComprehensive, &district.target()).is_ok();
        let view_scope = visible(&ctx.principal, Action::ViewComprehensive);
        let nodes = self.nodes_under(&Scope::subtree(&district.path)).await?;
        let names: HashMap<i64, &NodeView> = nodes.iter().map(|n| (n.id, n)).collect();
        let all: Vec<&NodeView> = nodes.iter().filter(|n| n.kind.is_community()).collect();
        let community_count = all.len();
        let shown: Vec<&NodeView> = all
            .iter()
            .copied()
            .filter(|c| published || view_scope.covers(&c.path))
            .collect();
        let db = self.store.db();
        let nominations = repo::nominations_of(db, row.id).await?;
        let evidence = repo::evidence_of(db, nominations.iter().map(|n| n.id).collect()).await?;
        let scores = repo::scores_of(db, row.id).await?;
        let responses = repo::responses_of(db, row.id).await?;
        let code_counts = self.code_counts(row.id).await?;
        let mut tallies: HashMap<i64, Tally> = HashMap::new();
        for (c, ratings) in &responses {
            let t = tallies.entry(*c).or_default();
            t.responses += 1;
            for r in serde_json::from_str::<Vec<String>>(ratings).unwrap_or_default() {
                if let Some(r) = Rating::parse(&r) {
                    t.add(r);
                }
            }
        }
        let nom: HashMap<(i64, i32), &jianfu_store::entity::comprehensive_nomination::Model> =
            nominations
                .iter()
                .map(|n| ((n.community_node_id, n.indicator), n))
                .collect();
        let sc: HashMap<(i64, i32), u32> = scores
            .iter()
            .map(|s| {
                (
                    (s.community_node_id, s.indicator),
                    u32::try_from(s.score).unwrap_or(0),
                )
            })
            .collect();
        let min = u64::try_from(row.min_responses).unwrap_or(1);
        let rule_groups = design.rule_groups();
        let mut communities = Vec::with_capacity(shown.len());
        for c in &shown {
            let street = c
                .parent_id
                .and_then(|p| names.get(&p))
                .map(|n| n.name.clone())
                .unwrap_or_default();
            let can_nominate = !published
                && authorize(&ctx.principal, Action::NominateComprehensive, &c.target()).is_ok();
            let can_review = !published
                && authorize(&ctx.principal, Action::ReviewNomination, &c.target()).is_ok();
            let mut noms = Vec::new();
            for i in design.indicators() {
                let n = nom.get(&(c.id, i.no));
                let st = n.map(|n| NominationStatus::stored(&n.status));
                let (state, state_zh) = match st {
                    Some(s) => (s.as_str(), s.label_zh()),
                    None if deadline_passed => ("missing", "逾期未报"),
                    None => ("due", "未申报"),
                };
                noms.push(NominationView {
                    indicator: i.no,
                    indicator_name: i.name.clone(),
                    id: n.map(|n| n.id),
                    status: st,
                    state,
                    state_zh,
                    late: n.is_some_and(|n| n.late),
                    report: n.map(|n| n.report.clone()).unwrap_or_default(),
                    review_reason: n.and_then(|n| n.review_reason.clone()),
                    evidence: n
                        .map(|n| {
                            evidence
                                .iter()
                                .filter(|e| e.1 == n.id)
                                .map(|e| EvidenceView {
                                    id: e.0,
                                    file_name: e.2.clone(),
                                    content_type: e.3.clone(),
                                    size_bytes: e.4,
                                })
                                .collect()
                        })
                        .unwrap_or_default(),
                    score: sc.get(&(c.id, i.no)).map(|s| points(*s)),
                    can_submit: can_nominate
                        && match st {
                            None | Some(NominationStatus::Submitted) => !deadline_passed,
                            Some(NominationStatus::Amend) => true,
                            Some(NominationStatus::Accepted) => false,
                        },
                    can_review: can_review && st == Some(NominationStatus::Submitted),
                });
            }
            let tally = tallies.get(&c.id).copied().unwrap_or_default();
            let sat = satisfaction(&tally, min);
            let mut group_scores: Vec<Option<u32>> = Vec::with_capacity(design.groups.len());
            let mut lines = Vec::with_capacity(design.groups.len());
            for g in &design.groups {
                if g.satisfaction {
                    group_scores.push(sat);
                    lines.push(GroupLine {
                        name: g.name.clone(),
                        weight: g.weight,
                        satisfaction: true,
                        score: sat.map(points),
                        how: match sat {
                            Some(_) => format!(
                                "{} 份评价、{} 个回答的平均分（非常满意 100、满意 80、一般 60、不满意 40、非常不满意 20）",
                                tally.responses,
                                tally.answers()
                            ),
                            None => format!(
                                "有效评价 {} 份，未达最少 {} 份，暂不计分",
                                tally.responses, min
                            ),
                        },
                    });
                    continue;
                }
                let ig: Vec<Group<'_>> = g
                    .indicators
                    .iter()
                    .map(|i| Group {
                        name: &i.name,
                        weight: i.weight,
                        satisfaction: false,
                    })
                    .collect();
                let is: Vec<Option<u32>> = g
                    .indicators
                    .iter()
                    .map(|i| sc.get(&(c.id, i.no)).copied())
                    .collect();
                let s = total(&ig, &is).ok();
                group_scores.push(s);
                let parts: Vec<String> = g
                    .indicators
                    .iter()
                    .zip(&is)
                    .map(|(i, s)| {
                        format!(
                            "{} {}%×{}",
                            i.name,
                            i.weight,
                            s.map_or_else(|| "未评分".to_owned(), points)
                        )
                    })
                    .collect();
                lines.push(GroupLine {
                    name: g.name.clone(),
                    weight: g.weight,
                    satisfaction: false,
                    score: s.map(points),
                    how: parts.join("；"),
                });
            }
            let (tot, incomplete) = match total(&rule_groups, &group_scores) {
                Ok(t) => (Some(t), None),
                Err(Incomplete::Missing(i)) => (
                    None,
                    Some(if design.groups[i].satisfaction {
                        format!("居民满意度有效评价未达最少 {min} 份")
                    } else {
                        format!("指标组“{}”尚有指标未评分", design.groups[i].name)
                    }),
                ),
                Err(_) => (None, Some("得分无法计算".to_owned())),
            };
            communities.push(CommunityView {
                id: c.id,
                name: c.name.clone(),
                street,
                submitted: noms.iter().filter(|n| n.id.is_some()).count(),
                missing: noms.iter().filter(|n| n.state == "missing").count(),
                late: noms.iter().filter(|n| n.late).count(),
                nominations: noms,
                responses: tally.responses,
                rating_counts: Rating::ALL
                    .iter()
                    .zip(tally.counts)
                    .map(|(r, n)| (r.label_zh(), n))
                    .collect(),
                sample_reached: tally.responses >= min,
                codes: code_counts.get(&c.id).copied().unwrap_or_default(),
                can_issue_codes: !published
                    && authorize(&ctx.principal, Action::IssueSatisfactionCodes, &c.target())
                        .is_ok(),
                groups: lines,
                total: tot.map(points),
                total_centi: tot,
                incomplete,
                rank: None,
                can_score: can_run && !published,
            });
        }
        communities.sort_by(|a, b| a.street.cmp(&b.street).then(a.name.cmp(&b.name)));
        // The ranking: every community with a complete total, ties in name order.
        let ranking = if published || can_run {
            let mut complete: Vec<&CommunityView> = communities
                .iter()
                .filter(|c| c.total_centi.is_some())
                .collect();
            complete.sort_by(|a, b| a.name.cmp(&b.name));
            let totals: Vec<(i64, u32)> = complete
                .iter()
                .map(|c| (c.id, c.total_centi.unwrap_or(0)))
                .collect();
            rank(&totals)
                .into_iter()
                .filter_map(|(id, t, r)| {
                    communities.iter().find(|c| c.id == id).map(|c| RankRow {
                        rank: r,
                        community_id: id,
                        community: c.name.clone(),
                        street: c.street.clone(),
                        total: points(t),
                        total_centi: t,
                    })
                })
                .collect::<Vec<_>>()
        } else {
            Vec::new()
        };
        for c in &mut communities {
            c.rank = ranking
                .iter()
                .find(|r| r.community_id == c.id)
                .map(|r| r.rank);
        }
        // A resident's own state.
        let mine = self.resident_community(ctx, &district).await?;
        let answered = if mine.is_some() {
            repo::has_responded(db, row.id, ctx.principal.account_id).await?
        } else {
            false
        };
        let follow_ups = if can_run {
            self.follow_ups(&row, &design, &names).await?
        } else {
            Vec::new()
        };
        let appeals = self
            .appeals_part(ctx, &row, &district, &communities, &nodes)
            .await?;
        let created_by = jianfu_store::repo::accounts::display_names(db, vec![row.created_by])
            .await?
            .remove(&row.created_by)
            .unwrap_or_default();
        Ok(ComprehensiveView {
            id: row.id,
            district_id: district.id,
            district_name: district.name.clone(),
            name: row.name,
            year: row.year,
            nomination_deadline: row.nomination_deadline,
            deadline_passed,
            min_responses: u32::try_from(row.min_responses).unwrap_or(1),
            status,
            status_zh: status.label_zh(),
            created_by,
            clauses: if design.indicators().any(|i| i.demand_id.is_some()) {
                vec![FOLD_CLAUSE.into(), CLAUSE.into()]
            } else {
                vec![CLAUSE.into()]
            },
            design,
            communities,
            ranking,
            published,
            community_count,
            can_run,
            can_close: can_run && !published && deadline_passed,
            can_respond: mine.is_some() && !answered && !published,
            my_community: mine.map(|m| m.name),
            answered,
            follow_ups,
            today: today.to_string(),
            appeals,
        })
    }

    async fn follow_ups(
        &self,
        row: &comprehensive_campaign::Model,
        design: &Design,
        names: &HashMap<i64, &NodeView>,
    ) -> Result<Vec<FollowUp>> {
        let rows = repo::low_with_comment(self.store.db(), row.id).await?;
        Ok(rows
            .into_iter()
            .map(|r| {
                let ratings: Vec<String> = serde_json::from_str(&r.ratings).unwrap_or_default();
                FollowUp {
                    community: names
                        .get(&r.community_node_id)
                        .map(|n| n.name.clone())
                        .unwrap_or_default(),
                    answered_on: r.answered_on,
                    low: design
                        .questions
                        .iter()
                        .zip(ratings)
                        .filter_map(|(q, x)| {
                            Rating::parse(&x)
                                .filter(|r| r.is_low())
                                .map(|r| (q.clone(), r.label_zh()))
                        })
                        .collect(),
                    comment: r.comment.unwrap_or_default(),
                }
            })
            .collect())
    }

    // ------------------------------------------------------------ self-nomination

    /// The community a nomination or appeal is for: `community_id`, or with 0 the caller's own;
    /// its staff only (403, recorded), and a community of the campaign's district (404).
    async fn own_community_in(&self, ctx: &Ctx, l: &Loaded, community_id: i64) -> Result<NodeView> {
        let community_id = if community_id == 0 {
            crate::authz::own_units(&ctx.principal, Action::NominateComprehensive)
                .into_iter()
                .next()
                .unwrap_or(0)
        } else {
            community_id
        };
        let community = match self.find_node(community_id).await {
            Ok(c) => c,
            Err(e) if e.kind == ErrorKind::NotFound => {
                return Err(DomainError::not_found("社区(村)"));
            }
            Err(e) => return Err(e),
        };
        self.check(ctx, Action::NominateComprehensive, &community.target())
            .await?;
        if !community.kind.is_community() || !community.path.starts_with(&l.district.path) {
            return Err(DomainError::not_found(&format!(
                "{}在本次综合考评中的记录",
                community.name
            )));
        }
        Ok(community)
    }

    /// A community's staff submit (or, before the deadline or when asked to amend, resubmit)
    /// the self-nomination for one indicator: a report and at least one evidence file (PNG,
    /// JPEG or PDF, checked by content). Only for their own community (403 otherwise); after
    /// the deadline only an amendment the street asked for, marked late.
    pub async fn submit_nomination(
        &self,
        ctx: &Ctx,
        campaign_id: i64,
        community_id: i64,
        indicator: i32,
        report: &str,
        files: &[AttachmentUpload],
    ) -> Result<ComprehensiveView> {
        let l = self.load_comprehensive(campaign_id).await?;
        let community = self.own_community_in(ctx, &l, community_id).await?;
        if CampaignStatus::stored(&l.row.status) == CampaignStatus::Closed {
            return Err(closed_error());
        }
        let today = self.today();
        let deadline = deadline_of(&l.row)?;
        let late = today > deadline;
        let existing =
            repo::nomination_for(self.store.db(), campaign_id, community.id, indicator).await?;
        let mut p = Problems::new();
        let ind = l.design.indicator(indicator);
        if ind.is_none() {
            p.push(DomainError::field(
                "indicator",
                "indicator_unknown",
                "请选择本次考评的一项指标",
            ));
        }
        match existing
            .as_ref()
            .map(|n| NominationStatus::stored(&n.status))
        {
            Some(NominationStatus::Accepted) => p.push(DomainError::conflict(
                "nomination_accepted",
                "该指标的自荐申报已由街道审核通过，不能再修改",
            )),
            Some(NominationStatus::Amend) => {}
            _ if late => p.push(DomainError::conflict(
                "nomination_deadline_passed",
                format!("自荐申报已于 {deadline} 截止，不能再申报（街道退回补正的除外）"),
            )),
            _ => {}
        }
        let report = p.take(crate::certificate::text_field(
            report,
            "report",
            "自荐申报材料（工作情况）",
            5000,
            true,
        ));
        let had: u64 = match &existing {
            Some(n) => repo::evidence_count(self.store.db(), n.id).await?,
            None => 0,
        };
        let mut kinds = Vec::with_capacity(files.len());
        if files.is_empty() && had == 0 {
            p.push(DomainError::field(
                "evidence",
                "evidence_required",
                "请上传至少一份佐证材料（图片或 PDF）",
            ));
        } else if had as usize + files.len() > MAX_ATTACHMENTS {
            p.push(DomainError::field(
                "evidence",
                "evidence_too_many",
                format!("每项指标的佐证材料最多 {MAX_ATTACHMENTS} 个"),
            ));
        } else {
            for u in files {
                if let Some(kind) = p.take(crate::certificate::check_upload(u, "evidence")) {
                    kinds.push(kind);
                }
            }
        }
        p.finish()?;
        let (Some(report), Some(ind)) = (report, ind) else {
            return Err(DomainError::internal());
        };
        let now = self.now_ms();
        let mut tx = self.store.begin_write().await?;
        let submitted = repo::Submitted {
            campaign: campaign_id,
            community: community.id,
            indicator,
            report: &report,
            status: NominationStatus::Submitted.as_str(),
            late,
            by: ctx.principal.account_id,
            now,
        };
        let nomination_id = match &existing {
            None => repo::insert_nomination(tx.conn(), &submitted).await?,
            Some(n) => {
                if !repo::resubmit_nomination(tx.conn(), n.id, &n.status, &submitted).await? {
                    return Err(DomainError::conflict(
                        "nomination_changed",
                        "该自荐申报刚刚已被审核或修改，请刷新后再试",
                    ));
                }
                n.id
            }
        };
        for (u, kind) in files.iter().zip(&kinds) {
            repo::insert_evidence(
                tx.conn(),
                nomination_id,
                &repo::NewEvidence {
                    file_name: u.file_name.trim(),
                    content_type: kind,
                    sm3: &jianfu_seal::sm3_hex(&u.bytes),
                    content: &u.bytes,
                    by: ctx.principal.account_id,
                    now,
                },
            )
            .await?;
        }
        tx.audit(ctx.entry(
            "comprehensive.nominate",
            "comprehensive_campaign",
            Some(campaign_id.to_string()),
            serde_json::json!({
                "community": community.name, "indicator": ind.no, "indicator_name": ind.name,
                "evidence": files.iter().map(|f| f.file_name.trim()).collect::<Vec<_>>(),
                "late": late, "resubmitted": existing.is_some(), "clauses": [CLAUSE],
            }),
        ))
        .await?;
        tx.commit().await?;
        self.comprehensive_view(ctx, l).await
    }

    /// One evidence file of a self-nomination, for whoever sees that community's nominations.
    pub async fn nomination_evidence(
        &self,
        ctx: &Ctx,
        evidence_id: i64,
    ) -> Result<(String, String, Vec<u8>)> {
        let not_found = || DomainError::not_found("佐证材料");
        let e = repo::evidence(self.store.db(), evidence_id)
            .await?
            .ok_or_else(not_found)?;
        let n = repo::nomination(self.store.db(), e.nomination_id)
            .await?
            .ok_or_else(not_found)?;
        let l = self.load_comprehensive(n.campaign_id).await?;
        let community = self.find_node(n.community_node_id).await?;
        let published = CampaignStatus::stored(&l.row.status) == CampaignStatus::Closed;
        let sees = visible(&ctx.principal, Action::ViewComprehensive).covers(&community.path)
            || (published && Self::sees_comprehensive(ctx, &l.district));
        if !sees {
            self.record_denial(ctx, Action::ViewComprehensive, Some(community.id))
                .await;
            return Err(DomainError::forbidden("该佐证材料不在您的管辖范围内"));
        }
        Ok((e.file_name, e.content_type, e.content))
    }

    /// The street reviews a self-nomination of one of its communities: accepts it, or asks
    /// for an amendment with a reason.
    pub async fn review_nomination(
        &self,
        ctx: &Ctx,
        nomination_id: i64,
        accept: bool,
        reason: &str,
    ) -> Result<ComprehensiveView> {
        let n = repo::nomination(self.store.db(), nomination_id)
            .await?
            .ok_or_else(|| DomainError::not_found("自荐申报"))?;
        let community = self.find_node(n.community_node_id).await?;
        self.check(ctx, Action::ReviewNomination, &community.target())
            .await?;
        let l = self.load_comprehensive(n.campaign_id).await?;
        let mut p = Problems::new();
        if CampaignStatus::stored(&l.row.status) == CampaignStatus::Closed {
            p.push(closed_error());
        }
        let status = NominationStatus::stored(&n.status);
        if status != NominationStatus::Submitted {
            p.push(DomainError::conflict(
                "nomination_not_submitted",
                format!("该自荐申报当前为“{}”，无需审核", status.label_zh()),
            ));
        }
        let reason = p.take(crate::certificate::text_field(
            reason,
            "reason",
            "退回理由",
            1000,
            !accept,
        ));
        p.finish()?;
        let reason = reason.unwrap_or_default();
        let to = if accept {
            NominationStatus::Accepted
        } else {
            NominationStatus::Amend
        };
        let now = self.now_ms();
        let mut tx = self.store.begin_write().await?;
        let done = repo::review_nomination(
            tx.conn(),
            n.id,
            NominationStatus::Submitted.as_str(),
            to.as_str(),
            Some(reason.as_str()).filter(|r| !r.is_empty()),
            ctx.principal.account_id,
            now,
        )
        .await?;
        if !done {
            return Err(DomainError::conflict(
                "nomination_changed",
                "该自荐申报刚刚已被审核或修改，请刷新后再试",
            ));
        }
        tx.audit(ctx.entry(
            "comprehensive.review",
            "comprehensive_campaign",
            Some(n.campaign_id.to_string()),
            serde_json::json!({
                "community": community.name, "indicator": n.indicator,
                "outcome": to.as_str(), "reason": reason,
            }),
        ))
        .await?;
        tx.commit().await?;
        self.comprehensive_view(ctx, l).await
    }

    // ------------------------------------------------------------ satisfaction

    /// A resident rates their community (居民群众满意度, 4.3-4): one rating per question and an
    /// optional comment, once per campaign (409 the second time), while the campaign is open.
    /// What they answered is stored apart from who answered.
    pub async fn respond_comprehensive(
        &self,
        ctx: &Ctx,
        campaign_id: i64,
        f: &ResponseForm,
    ) -> Result<ComprehensiveView> {
        let l = self.load_comprehensive(campaign_id).await?;
        let Some(community) = self.resident_community(ctx, &l.district).await? else {
            self.record_denial(ctx, Action::RateCommunity, Some(l.district.id))
                .await;
            return Err(DomainError::forbidden(format!(
                "只有{}所辖社区(村)的居民可以参加本次满意度评价",
                l.district.name
            )));
        };
        if CampaignStatus::stored(&l.row.status) == CampaignStatus::Closed {
            return Err(DomainError::conflict(
                "comprehensive_closed",
                "本次综合考评已结束，满意度评价已关闭",
            ));
        }
        if repo::has_responded(self.store.db(), campaign_id, ctx.principal.account_id).await? {
            return Err(DomainError::conflict(
                "response_exists",
                "您已参加过本次满意度评价，每位居民只能评价一次",
            ));
        }
        let answers = answers_of(l.design.questions.len(), f)?;
        let mut tx = self.store.begin_write().await?;
        if !repo::insert_respondent(tx.conn(), campaign_id, ctx.principal.account_id).await? {
            return Err(DomainError::conflict(
                "response_exists",
                "您已参加过本次满意度评价，每位居民只能评价一次",
            ));
        }
        let today = self.today().to_string();
        repo::insert_response(
            tx.conn(),
            &repo::NewResponse {
                campaign: campaign_id,
                community: community.id,
                ratings: &answers.ratings,
                comment: answers.comment.as_deref(),
                low: answers.low,
                answered_on: &today,
            },
        )
        .await?;
        // Who took part, not what they said.
        tx.audit(ctx.entry(
            "comprehensive.respond",
            "comprehensive_campaign",
            Some(campaign_id.to_string()),
            serde_json::json!({ "community": community.name, "clauses": [CLAUSE] }),
        ))
        .await?;
        tx.commit().await?;
        self.comprehensive_view(ctx, l).await
    }

    // ------------------------------------------------------------ scoring and closing

    /// The district enters (or corrects) one community's indicator scores, 0–100 with up to
    /// two decimals; a blank leaves an indicator unscored. A self-nomination still waiting for
    /// the street's review is not scored yet.
    pub async fn score_community(
        &self,
        ctx: &Ctx,
        campaign_id: i64,
        community_id: i64,
        scores: &[(i32, String)],
    ) -> Result<ComprehensiveView> {
        let l = self.load_comprehensive(campaign_id).await?;
        self.check(ctx, Action::RunComprehensive, &l.district.target())
            .await?;
        let community = match self.find_node(community_id).await {
            Ok(c) if c.kind.is_community() && c.path.starts_with(&l.district.path) => c,
            Ok(_) => return Err(DomainError::not_found("本次综合考评中的社区(村)")),
            Err(e) => return Err(e),
        };
        if CampaignStatus::stored(&l.row.status) == CampaignStatus::Closed {
            return Err(closed_error());
        }
        let pending: Vec<i32> = repo::indicators_in_state(
            self.store.db(),
            campaign_id,
            community.id,
            NominationStatus::Submitted.as_str(),
        )
        .await?;
        let mut bad = Vec::new();
        let mut waiting = Vec::new();
        let mut parsed: BTreeMap<i32, Option<u32>> = BTreeMap::new();
        for (no, s) in scores {
            let Some(ind) = l.design.indicator(*no) else {
                bad.push(format!("第 {no} 项指标不存在"));
                continue;
            };
            if s.trim().is_empty() {
                parsed.insert(*no, None);
                continue;
            }
            match parse_points(s) {
                Some(_) if pending.contains(no) => waiting.push(ind.name.clone()),
                Some(v) => {
                    parsed.insert(*no, Some(v));
                }
                None => bad.push(format!("“{}”的得分“{}”", ind.name, s.trim())),
            }
        }
        let mut p = Problems::new();
        if !bad.is_empty() {
            p.push(DomainError::field(
                "scores",
                "score_invalid",
                format!("得分应为 0 至 100 的数（最多两位小数）：{}", bad.join("、")),
            ));
        }
        if !waiting.is_empty() {
            p.push(DomainError::field(
                "pending",
                "score_pending_review",
                format!(
                    "以下指标的自荐申报尚待街道审核，审核后再评分：{}",
                    waiting.join("、")
                ),
            ));
        }
        p.finish()?;
        let now = self.now_ms();
        let mut tx = self.store.begin_write().await?;
        let nos: Vec<i32> = parsed.keys().copied().collect();
        let given: Vec<(i32, i32)> = parsed
            .iter()
            .filter_map(|(no, v)| v.map(|v| (*no, i32::try_from(v).unwrap_or(0))))
            .collect();
        jianfu_store::repo::comprehensive::replace_scores(
            tx.conn(),
            &jianfu_store::repo::comprehensive::Scored {
                campaign: campaign_id,
                community: community.id,
                indicators: &nos,
                scores: &given,
                by: ctx.principal.account_id,
                now,
            },
        )
        .await?;
        tx.audit(ctx.entry(
            "comprehensive.score",
            "comprehensive_campaign",
            Some(campaign_id.to_string()),
            serde_json::json!({
                "community": community.name,
                "scores": parsed.iter().map(|(k, v)| (k.to_string(), v.map(points))).collect::<BTreeMap<_, _>>(),
            }),
        ))
        .await?;
        tx.commit().await?;
        self.comprehensive_view(ctx, l).await
    }

    /// The district closes the campaign after the self-nomination deadline: the inputs are
    /// frozen and the ranking with every community's calculation is published. The audit
    /// entry keeps the totals and ranks as published.
    pub async fn close_comprehensive(
        &self,
        ctx: &Ctx,
        campaign_id: i64,
    ) -> Result<ComprehensiveView> {
        let l = self.load_comprehensive(campaign_id).await?;
        self.check(ctx, Action::RunComprehensive, &l.district.target())
            .await?;
        if CampaignStatus::stored(&l.row.status) == CampaignStatus::Closed {
            return Err(DomainError::conflict(
                "comprehensive_closed",
                "本次综合考评已经结束并公布",
            ));
        }
        let deadline = deadline_of(&l.row)?;
        if self.today() <= deadline {
            return Err(DomainError::conflict(
                "comprehensive_nomination_open",
                format!("自荐申报至 {deadline} 截止，截止后方可结束考评并公布结果"),
            ));
        }
        // The result as it is published: the district's preview at this moment, the inputs
        // frozen from here on.
        let v = self.comprehensive_view(ctx, l).await?;
        let now = self.now_ms();
        let mut tx = self.store.begin_write().await?;
        let done = repo::close_campaign(
            tx.conn(),
            campaign_id,
            CampaignStatus::Open.as_str(),
            CampaignStatus::Closed.as_str(),
            ctx.principal.account_id,
            now,
        )
        .await?;
        if !done {
            return Err(DomainError::conflict(
                "comprehensive_closed",
                "本次综合考评刚刚已经结束",
            ));
        }
        tx.audit(ctx.entry(
            "comprehensive.close",
            "comprehensive_campaign",
            Some(campaign_id.to_string()),
            serde_json::json!({
                "district": v.district_name, "year": v.year,
                "ranking": v.ranking.iter().map(|r| serde_json::json!({"rank": r.rank, "community": r.community, "total": r.total})).collect::<Vec<_>>(),
                "unscored": v.communities.iter().filter(|c| c.total.is_none()).map(|c| serde_json::json!({"community": c.name, "why": c.incomplete})).collect::<Vec<_>>(),
                "clauses": [CLAUSE],
            }),
        ))
        .await?;
        tx.commit().await?;
        self.comprehensive(ctx, campaign_id).await
    }
}

/// The comprehensive evaluation's to-dos: a community's self-nominations still due or sent
/// back, a street's nominations to review, and for a resident the invitation to rate their
/// community (news, not counted on the badge).
pub struct ComprehensiveTodos;

impl crate::inbox::TodoProvider for ComprehensiveTodos {
    fn items<'a>(
        &'a self,
        app: &'a App,
        ctx: &'a Ctx,
        today: chrono::NaiveDate,
    ) -> crate::inbox::TodoFuture<'a> {
        Box::pin(app.comprehensive_todos(ctx, today))
    }
}

impl App {
    async fn comprehensive_todos(
        &self,
        ctx: &Ctx,
        today: chrono::NaiveDate,
    ) -> Result<Vec<crate::inbox::TodoItem>> {
        use crate::inbox::{PER_PROVIDER, TodoItem};
        let nominating = crate::authz::own_units(&ctx.principal, Action::NominateComprehensive);
        let review = visible(&ctx.principal, Action::ReviewNomination);
        let rates = !visible(&ctx.principal, Action::RateCommunity).is_empty();
        let mut items = self.appeal_todos(ctx, &nominating).await?;
        if nominating.is_empty() && review.is_empty() && !rates {
            return Ok(items);
        }
        let db = self.store.db();
        let open = repo::campaigns_in_state(db, CampaignStatus::Open.as_str()).await?;
        for row in open {
            let district = self.find_node(row.district_node_id).await?;
            let design: Design =
                serde_json::from_str(&row.design).map_err(|_| DomainError::internal())?;
            let deadline = deadline_of(&row)?;
            let href = format!("/comprehensive/{}", row.id);
            let indicators = design.indicators().count();
            for unit in &nominating {
                let c = self.find_node(*unit).await?;
                if !c.kind.is_community() || !c.path.starts_with(&district.path) {
                    continue;
                }
                let mine = repo::nominations_by(db, row.id, c.id).await?;
                let due = indicators.saturating_sub(mine.len());
                if due > 0 && today <= deadline {
                    items.push(
                        TodoItem::new(
                            "综合考评",
                            "待自荐申报",
                            row.name.clone(),
                            format!("{}：{due} 项指标尚未申报，{deadline} 截止", c.name),
                            format!("{href}#community-{}", c.id),
                        )
                        .due_on(Some(deadline), today),
                    );
                }
                let amend = mine
                    .iter()
                    .filter(|n| NominationStatus::stored(&n.status) == NominationStatus::Amend)
                    .count();
                if amend > 0 {
                    items.push(TodoItem::new(
                        "综合考评",
                        "待补正",
                        row.name.clone(),
                        format!("{}：街道退回 {amend} 项自荐申报，请补正", c.name),
                        format!("{href}#community-{}", c.id),
                    ));
                }
            }
            if !review.is_empty() {
                let waiting = repo::nominations_waiting(
                    db,
                    row.id,
                    NominationStatus::Submitted.as_str(),
                    &review,
                )
                .await?;
                if waiting > 0 {
                    items.push(TodoItem::new(
                        "综合考评",
                        "待审核",
                        row.name.clone(),
                        format!("{waiting} 项自荐申报待街道审核"),
                        href.clone(),
                    ));
                }
            }
            if rates
                && let Some(c) = self.resident_community(ctx, &district).await?
                && !repo::has_responded(db, row.id, ctx.principal.account_id).await?
            {
                items.push(
                    TodoItem::new(
                        "综合考评",
                        "邀请评价",
                        row.name.clone(),
                        format!("请为{}的工作打分（匿名，社区看不到谁作了什么回答）", c.name),
                        format!("{href}#survey"),
                    )
                    .notice(),
                );
            }
        }
        items.truncate(usize::try_from(PER_PROVIDER).unwrap_or(100));
        Ok(items)
    }
}
