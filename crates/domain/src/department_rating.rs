//! Communities rate the departments and streets that place work on them (社区评议部门, 5.3-2;
//! issue 12 §3). The round is per year and implicit: the ratings of a year are taken from its
//! 1 January until 31 January of the next year ([`round_closes_on`]), with nobody to open it.
//! A community's staff rate each unit that placed demands on it that year — the requesters of
//! the admitted demands aimed at it and the units its unadmitted-demand reports name — on the
//! five questions of [`jianfu_rules::department_rating::QUESTIONS`] with an optional comment;
//! one rating per community, unit and year, which a correction replaces while the round is
//! open. The district and city see the ranking of the units of their jurisdiction
//! ([`App::list_department_ranking`]) with the facts the product knows; a unit sees its own
//! result ([`App::own_department_ratings`]) — never who rated it, and nothing of the rating
//! until [`MIN_RATERS`] communities gave one. A community with units still to rate has a
//! to-do ([`RatingTodos`]).

use std::collections::{BTreeMap, HashMap};

use chrono::{Datelike, NaiveDate};
use jianfu_rules::comprehensive::{Rating, Tally, satisfaction};
use jianfu_rules::department_rating::{self as rules, Facts, MIN_RATERS, QUESTIONS};
use jianfu_store::repo::department_ratings::{self as repo, Rated, Report};
use serde::{Deserialize, Serialize};

use crate::authz::{self, Action};
use crate::demand::{CaseStatus, DemandStatus, ReasonView};
use crate::division::NodeKind;
use crate::error::{DomainError, Problems, Result};
use crate::inbox::{TodoFuture, TodoItem, TodoProvider};
use crate::page::{Page, PageRequest};
use crate::text::{self, Lines};
use crate::tree::NodeView;
use crate::{App, Ctx};

/// The longest comment, in characters.
pub const COMMENT_MAX: usize = 500;

/// The kind of supervision case that is a community's report of an unadmitted demand.
use crate::demand::UNADMITTED_KIND;

/// The kinds of node that are rated: departments, streets and towns.
const UNIT_KINDS: [NodeKind; 3] = [NodeKind::Department, NodeKind::Street, NodeKind::Town];

/// The demand states that mean it was admitted and placed on the communities in its validity
/// (revoked or expired since: it still weighed on them that year).
const PLACED: [DemandStatus; 3] = [
    DemandStatus::Admitted,
    DemandStatus::Expired,
    DemandStatus::Revoked,
];

fn placed() -> Vec<&'static str> {
    PLACED.iter().map(|s| s.as_str()).collect()
}

fn unit_kinds() -> Vec<&'static str> {
    UNIT_KINDS.iter().map(|k| k.as_str()).collect()
}

/// Whether a node of this kind is rated.
pub fn is_unit(kind: NodeKind) -> bool {
    UNIT_KINDS.contains(&kind)
}

/// The last day a year's round takes ratings and corrections: 31 January of the next year
/// (the product's decision; the policy sets no date).
pub fn round_closes_on(year: i32) -> NaiveDate {
    NaiveDate::from_ymd_opt(year + 1, 1, 31).unwrap_or(NaiveDate::MAX)
}

/// Whether the round of `year` takes ratings on `today`: from its 1 January to
/// [`round_closes_on`].
pub fn round_open(year: i32, today: NaiveDate) -> bool {
    today.year() >= year && today <= round_closes_on(year)
}

/// The rounds open on `today`, newest first: this year's, and in January last year's.
pub fn open_years(today: NaiveDate) -> Vec<i32> {
    let y = today.year();
    if round_open(y - 1, today) {
        vec![y, y - 1]
    } else {
        vec![y]
    }
}

/// Points in hundredths as text: `8533` → `85.33`.
pub fn centi_text(c: u32) -> String {
    format!("{}.{:02}", c / 100, c % 100)
}

fn year_bounds(year: i32) -> (String, String, i64, i64) {
    let from = format!("{year:04}-01-01");
    let to = format!("{year:04}-12-31");
    // Midnight in China Standard Time (UTC+8), in milliseconds.
    let ms = |y: i32| {
        NaiveDate::from_ymd_opt(y, 1, 1)
            .and_then(|d| d.and_hms_opt(0, 0, 0))
            .map(|t| t.and_utc().timestamp_millis() - 8 * 3_600_000)
            .unwrap_or(0)
    };
    (from, to, ms(year), ms(year + 1))
}

/// The parent path of a materialized path (`/1/4/17/` → `/1/4/`).
fn parent_path(path: &str) -> &str {
    let t = path.trim_end_matches('/');
    match t.rfind('/') {
        Some(i) => &path[..=i],
        None => path,
    }
}

/// Why a unit is among a community's units to rate.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TargetReason {
    /// It placed admitted demands on the community.
    Demands,
    /// The community reported a demand of it that came without admission.
    Reported,
    Both,
}

impl TargetReason {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Demands => "demands",
            Self::Reported => "reported",
            Self::Both => "both",
        }
    }
    pub fn label_zh(self) -> &'static str {
        match self {
            Self::Demands => "向本社区派出已准入事项",
            Self::Reported => "本社区报告其未经准入事项",
            Self::Both => "派出已准入事项，且有未经准入事项被报告",
        }
    }
}

/// One answer of a rating: a question's code and a rating's code (`very_satisfied` …).
#[derive(Clone, Debug, Default, Deserialize, Serialize, PartialEq, Eq)]
#[serde(default)]
pub struct RatingAnswer {
    pub question: String,
    pub rating: String,
}

/// A community's rating of a unit as its staff send it.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct RateForm {
    pub community_id: i64,
    pub unit_id: i64,
    /// The round's year; 0 for this year's.
    pub year: i32,
    pub answers: Vec<RatingAnswer>,
    pub comment: String,
    /// A correction of the community's rating of the unit that year (replaces it).
    pub correct: bool,
}

/// A community's own rating of a unit, as its staff see it.
#[derive(Clone, Debug, Serialize)]
pub struct GivenView {
    pub id: i64,
    /// (question code, rating code, rating label) in the order of the questions.
    pub answers: Vec<(String, String, String)>,
    pub comment: String,
    pub updated_at: i64,
}

impl GivenView {
    /// The rating code given to `question` (empty when none).
    pub fn said(&self, question: &str) -> &str {
        self.answers
            .iter()
            .find(|a| a.0 == question)
            .map_or("", |a| a.1.as_str())
    }
}

/// A unit a community may rate in a year, with its rating if given.
#[derive(Clone, Debug, Serialize)]
pub struct TargetView {
    pub unit_id: i64,
    pub unit_name: String,
    pub unit_kind_zh: &'static str,
    pub reason: TargetReason,
    pub given: Option<GivenView>,
}

/// A community's units to rate in one round.
#[derive(Clone, Debug, Serialize)]
pub struct RatingBoard {
    pub year: i32,
    pub open: bool,
    /// `YYYY-MM-DD`.
    pub closes_on: String,
    pub community_id: i64,
    pub community_name: String,
    /// The communities the reader rates for, as (id, name).
    pub communities: Vec<(i64, String)>,
    pub targets: Vec<TargetView>,
}

impl RatingBoard {
    /// Units not rated yet.
    pub fn to_rate(&self) -> usize {
        self.targets.iter().filter(|t| t.given.is_none()).count()
    }
}

/// The average of one question, once shown.
#[derive(Clone, Debug, Serialize)]
pub struct QuestionScore {
    pub code: &'static str,
    pub text: &'static str,
    /// Hundredths of a point, once [`MIN_RATERS`] communities rated.
    pub score: Option<u32>,
}

/// A unit's result of a year: the communities' rating beside the facts the product knows,
/// the findings (each citing 5.3-2), and the comments — never who gave them.
#[derive(Clone, Debug, Serialize)]
pub struct UnitResultView {
    pub unit_id: i64,
    pub unit_name: String,
    pub unit_kind_zh: &'static str,
    pub year: i32,
    /// Its place in the ranking it was read from (1 = best), when rated by enough communities.
    pub rank: Option<u64>,
    /// Communities that rated it.
    pub raters: u64,
    /// Hundredths of a point, once [`MIN_RATERS`] communities rated.
    pub rating: Option<u32>,
    /// Whether the rating and comments are shown ([`rules::shown_to_department`]).
    pub shown: bool,
    pub questions: Vec<QuestionScore>,
    pub facts: Facts,
    pub unadmitted_percent: Option<u32>,
    /// Burden in hours, one decimal.
    pub burden_hours: String,
    pub findings: Vec<ReasonView>,
    pub clauses: Vec<String>,
    /// The comments, in the order of their text (not of who or when), once shown.
    pub comments: Vec<String>,
}

impl UnitResultView {
    pub fn rating_text(&self) -> String {
        self.rating.map(centi_text).unwrap_or_default()
    }
}

/// A community's part in a year's ratings, for the district (5.3-2): how many units it rated
/// of those it may rate — counts only, never which units or what it answered.
#[derive(Clone, Debug, Serialize)]
pub struct CommunityRatingRow {
    pub community_id: i64,
    pub community_name: String,
    pub street: String,
    pub year: i32,
    /// Units that placed work on it (or that it reported) that year.
    pub to_rate: u64,
    /// Units it rated.
    pub rated: u64,
    /// Units still not rated.
    pub missing: u64,
}

/// The ranking's filter, as a query string holds it.
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct RankingFilter {
    /// The year (empty: this year).
    pub year: String,
}

impl RankingFilter {
    /// The year asked for; `rating_year_invalid` (422) for a text that is not a year from
    /// 2000 to next year.
    pub fn year(&self, today: NaiveDate) -> Result<i32> {
        let t = self.year.trim();
        if t.is_empty() {
            return Ok(today.year());
        }
        match t.parse::<i32>() {
            Ok(y) if (2000..=today.year() + 1).contains(&y) => Ok(y),
            _ => Err(DomainError::field(
                "year",
                "rating_year_invalid",
                "请填写评议年度，例如 2026",
            )),
        }
    }
}

/// What the product knows of every unit in a year, and whom each report names.
struct YearFacts {
    demands: HashMap<i64, repo::DemandFacts>,
    overdue: HashMap<i64, i64>,
    /// Unit → reports naming it.
    reported: HashMap<i64, u64>,
}

impl YearFacts {
    fn of(&self, unit: i64) -> Facts {
        let d = self.demands.get(&unit).copied().unwrap_or_default();
        Facts {
            admitted: u64::try_from(d.demands).unwrap_or(0),
            unadmitted_reported: self.reported.get(&unit).copied().unwrap_or(0),
            burden_minutes: u64::try_from(d.minutes).unwrap_or(0),
            overdue_cases: self
                .overdue
                .get(&unit)
                .and_then(|n| u64::try_from(*n).ok())
                .unwrap_or(0),
        }
    }
}

fn rating_denied() -> DomainError {
    DomainError::forbidden("您不能查看该单位的评议结果")
}

impl App {
    /// The unit each report names: the unit its rectification notice names, else the requester
    /// of the demand whose number it claimed, else the department, street or town whose name
    /// the community wrote exactly, serving the community's place.
    async fn report_units(&self, reports: &[Report]) -> Result<Vec<(i64, i64)>> {
        let mut names: Vec<String> = reports
            .iter()
            .filter(|r| r.notice_unit_node_id.is_none() && r.requester_node_id.is_none())
            .map(|r| r.demanding_unit.trim().to_owned())
            .collect();
        names.sort();
        names.dedup();
        let named = repo::units_named(&self.store, names, &unit_kinds()).await?;
        let mut paths: HashMap<i64, String> = HashMap::new();
        let mut out = Vec::new();
        for r in reports {
            let unit = match r.notice_unit_node_id.or(r.requester_node_id) {
                Some(u) => Some(u),
                None => {
                    if !paths.contains_key(&r.community_node_id) {
                        let c = self.find_node(r.community_node_id).await?;
                        paths.insert(c.id, c.path);
                    }
                    let path = paths.get(&r.community_node_id).cloned().unwrap_or_default();
                    named
                        .iter()
                        .find(|n| {
                            n.name == r.demanding_unit.trim()
                                && path.starts_with(parent_path(&n.path))
                        })
                        .map(|n| n.id)
                }
            };
            if let Some(u) = unit {
                out.push((r.case_id, u));
            }
        }
        Ok(out)
    }

    async fn year_facts(&self, year: i32) -> Result<YearFacts> {
        let (from, to, from_ms, to_ms) = year_bounds(year);
        let demands = repo::demand_facts(&self.store, &placed(), &from, &to)
            .await?
            .into_iter()
            .map(|d| (d.unit_node_id, d))
            .collect();
        let today = self.today().to_string();
        let overdue = repo::overdue_notices(
            &self.store,
            CaseStatus::Rectifying.as_str(),
            &from,
            &to,
            &today,
        )
        .await?
        .into_iter()
        .collect();
        let reports = repo::reports(&self.store, UNADMITTED_KIND, from_ms, to_ms, None).await?;
        let mut reported: HashMap<i64, u64> = HashMap::new();
        for (_, unit) in self.report_units(&reports).await? {
            *reported.entry(unit).or_default() += 1;
        }
        Ok(YearFacts {
            demands,
            overdue,
            reported,
        })
    }

    /// The units `community` may rate in `year`, with why.
    async fn rating_targets(
        &self,
        community: &NodeView,
        year: i32,
    ) -> Result<Vec<(NodeView, TargetReason)>> {
        let (from, to, from_ms, to_ms) = year_bounds(year);
        let demanding =
            repo::requesters_for(&self.store, community.id, &placed(), &from, &to).await?;
        let reports = repo::reports(
            &self.store,
            UNADMITTED_KIND,
            from_ms,
            to_ms,
            Some(community.id),
        )
        .await?;
        let reported: Vec<i64> = self
            .report_units(&reports)
            .await?
            .into_iter()
            .map(|r| r.1)
            .collect();
        let mut ids: Vec<i64> = demanding.iter().chain(&reported).copied().collect();
        ids.sort_unstable();
        ids.dedup();
        // One read for every candidate unit, in the order of `ids`.
        let mut rows: HashMap<i64, NodeView> = HashMap::new();
        for n in jianfu_store::repo::tree::by_ids(self.store.db(), ids.clone()).await? {
            rows.insert(n.id, NodeView::from_row(n)?);
        }
        let mut out = Vec::new();
        for id in ids {
            let Some(n) = rows.remove(&id) else {
                return Err(DomainError::not_found("节点"));
            };
            if !is_unit(n.kind) {
                continue;
            }
            let reason = match (demanding.contains(&id), reported.contains(&id)) {
                (true, true) => TargetReason::Both,
                (false, _) => TargetReason::Reported,
                (true, false) => TargetReason::Demands,
            };
            out.push((n, reason));
        }
        out.sort_by(|a, b| a.0.name.cmp(&b.0.name));
        Ok(out)
    }

    fn given_view(r: &jianfu_store::entity::department_rating::Model) -> GivenView {
        let stored: BTreeMap<String, String> = serde_json::from_str(&r.answers).unwrap_or_default();
        GivenView {
            id: r.id,
            answers: QUESTIONS
                .iter()
                .map(|q| {
                    let code = stored.get(q.code).cloned().unwrap_or_default();
                    let label = Rating::parse(&code)
                        .map(|x| x.label_zh().to_owned())
                        .unwrap_or_default();
                    (q.code.to_owned(), code, label)
                })
                .collect(),
            comment: r.comment.clone(),
            updated_at: r.updated_at,
        }
    }

    /// The communities the caller rates for (its own), as (id, name).
    async fn rating_communities(&self, ctx: &Ctx) -> Result<Vec<NodeView>> {
        let mut out = Vec::new();
        for id in authz::own_units(&ctx.principal, Action::RateDepartment) {
            let n = self.find_node(id).await?;
            if n.kind.is_community() {
                out.push(n);
            }
        }
        Ok(out)
    }

    /// A community's units to rate in the round of `year` (0: this year's) with its ratings:
    /// `community_id` 0 for the caller's first community. Another community: 403.
    pub async fn department_rating_board(
        &self,
        ctx: &Ctx,
        community_id: i64,
        year: i32,
    ) -> Result<RatingBoard> {
        let mine = self.rating_communities(ctx).await?;
        let community = if community_id == 0 {
            match mine.first() {
                Some(c) => c.clone(),
                None => {
                    self.record_denial(ctx, Action::RateDepartment, None).await;
                    return Err(DomainError::forbidden("只有社区(村)工作人员评议部门和街道"));
                }
            }
        } else {
            let c = self.find_node(community_id).await?;
            self.check(ctx, Action::RateDepartment, &c.target()).await?;
            c
        };
        let today = self.today();
        let year = if year == 0 { today.year() } else { year };
        let given = repo::ratings_by(&self.store, year, community.id).await?;
        let targets = self
            .rating_targets(&community, year)
            .await?
            .into_iter()
            .map(|(n, reason)| TargetView {
                unit_id: n.id,
                unit_kind_zh: n.kind.label_zh(),
                unit_name: n.name,
                reason,
                given: given
                    .iter()
                    .find(|g| g.unit_node_id == n.id)
                    .map(Self::given_view),
            })
            .collect();
        Ok(RatingBoard {
            year,
            open: round_open(year, today),
            closes_on: round_closes_on(year).to_string(),
            community_id: community.id,
            community_name: community.name,
            communities: mine.into_iter().map(|c| (c.id, c.name)).collect(),
            targets,
        })
    }

    /// A community's staff rate a unit that placed demands on it (5.3-2), or correct their
    /// rating while the round is open. Every problem at once: `rating_not_community`,
    /// `rating_unit_unknown`, `rating_unit_not_demanding`, `rating_answer_missing`,
    /// `rating_answer_invalid`, `rating_question_unknown`, the comment's `too_long` /
    /// `invalid_characters`; another community: 403; the round closed:
    /// `rating_round_closed` (409) or not begun: `rating_round_not_open` (409); rated already
    /// without asking to correct: `rating_exists` (409). Audited as `department_rating.rate`
    /// or `department_rating.correct` (with the answers replaced).
    pub async fn rate_department(&self, ctx: &Ctx, f: &RateForm) -> Result<TargetView> {
        let mut p = Problems::new();
        let community = match self.find_node(f.community_id).await {
            Ok(c) if c.kind.is_community() => {
                self.check(ctx, Action::RateDepartment, &c.target()).await?;
                Some(c)
            }
            Ok(_) | Err(_) => {
                p.push(DomainError::field(
                    "community_id",
                    "rating_not_community",
                    "请选择本社区(村)",
                ));
                None
            }
        };
        let today = self.today();
        let year = if f.year == 0 { today.year() } else { f.year };
        let unit = match self.find_node(f.unit_id).await {
            Ok(u) if is_unit(u.kind) => Some(u),
            _ => {
                p.push(DomainError::field(
                    "unit_id",
                    "rating_unit_unknown",
                    "请选择被评议的部门或街道(乡镇)",
                ));
                None
            }
        };
        let mut reason = TargetReason::Demands;
        if let (Some(c), Some(u)) = (&community, &unit) {
            match self
                .rating_targets(c, year)
                .await?
                .into_iter()
                .find(|t| t.0.id == u.id)
            {
                Some(t) => reason = t.1,
                None => p.push(DomainError::field(
                    "unit_id",
                    "rating_unit_not_demanding",
                    format!(
                        "{} {year} 年度未向{}派出已准入事项，也没有被报告未经准入事项，不在本社区的评议范围（〔5.3-2〕）",
                        u.name, c.name
                    ),
                )),
            }
        }
        let mut answers: BTreeMap<String, String> = BTreeMap::new();
        for q in QUESTIONS {
            match f.answers.iter().find(|a| a.question == q.code) {
                None => p.push(DomainError::field(
                    q.code,
                    "rating_answer_missing",
                    format!("请评价：{}", q.text),
                )),
                Some(a) if a.rating.trim().is_empty() => p.push(DomainError::field(
                    q.code,
                    "rating_answer_missing",
                    format!("请评价：{}", q.text),
                )),
                Some(a) => match Rating::parse(a.rating.trim()) {
                    Some(r) => {
                        answers.insert(q.code.to_owned(), r.as_str().to_owned());
                    }
                    None => p.push(DomainError::field(
                        q.code,
                        "rating_answer_invalid",
                        format!(
                            "评价只能是 非常满意、满意、一般、不满意、非常不满意 之一：{}",
                            q.text
                        ),
                    )),
                },
            }
        }
        if let Some(a) = f
            .answers
            .iter()
            .find(|a| !QUESTIONS.iter().any(|q| q.code == a.question))
        {
            p.push(DomainError::field(
                "answers",
                "rating_question_unknown",
                format!("没有这一评议问题：{}", a.question),
            ));
        }
        let comment = p
            .take(text::optional(
                &f.comment,
                Lines::Many,
                "comment",
                "意见",
                COMMENT_MAX,
            ))
            .flatten()
            .unwrap_or_default();
        p.finish()?;
        let (Some(community), Some(unit)) = (community, unit) else {
            return Err(DomainError::internal());
        };
        if !round_open(year, today) {
            return Err(if year > today.year() {
                DomainError::conflict(
                    "rating_round_not_open",
                    format!("{year} 年度的部门评议尚未开始"),
                )
            } else {
                DomainError::conflict(
                    "rating_round_closed",
                    format!(
                        "{year} 年度的部门评议已于 {} 截止，不能再评议或更正（〔5.3-2〕）",
                        round_closes_on(year)
                    ),
                )
            });
        }
        let exists = || {
            DomainError::conflict(
                "rating_exists",
                format!(
                    "本社区已评议 {} 的 {year} 年度工作；如需修改，请选择“更正评议”",
                    unit.name
                ),
            )
        };
        let stored = serde_json::to_string(&answers).map_err(|_| DomainError::internal())?;
        let existing = repo::rating_of(self.store.db(), year, community.id, unit.id).await?;
        if existing.is_some() && !f.correct {
            return Err(exists());
        }
        let now = self.now_ms();
        let rated = Rated {
            year,
            community_node_id: community.id,
            unit_node_id: unit.id,
            answers: &stored,
            comment: &comment,
            rated_by: ctx.principal.account_id,
            now,
        };
        let mut tx = self.store.begin_write().await?;
        let (id, action, before) = match &existing {
            Some(old) => {
                if !repo::replace(tx.conn(), old.id, old.updated_at, rated).await? {
                    return Err(DomainError::conflict(
                        "rating_changed",
                        "该评议刚被他人更正，请刷新后再试",
                    ));
                }
                let before: serde_json::Value =
                    serde_json::from_str(&old.answers).unwrap_or_default();
                (old.id, "department_rating.correct", Some(before))
            }
            None => match repo::insert(tx.conn(), rated).await? {
                Some(id) => (id, "department_rating.rate", None),
                None => return Err(exists()),
            },
        };
        tx.audit(ctx.entry(
            action,
            "department_rating",
            Some(id.to_string()),
            serde_json::json!({
                "community": community.name, "unit": unit.name, "year": year,
                "answers": answers, "before": before,
                "comment_chars": comment.chars().count(), "clause": "5.3-2",
            }),
        ))
        .await?;
        tx.commit().await?;
        let row = repo::rating_of(self.store.db(), year, community.id, unit.id)
            .await?
            .ok_or_else(DomainError::internal)?;
        Ok(TargetView {
            unit_id: unit.id,
            unit_kind_zh: unit.kind.label_zh(),
            unit_name: unit.name,
            reason,
            given: Some(Self::given_view(&row)),
        })
    }

    /// A unit's result of `year` from its ratings and the year's facts (5.3-2).
    fn unit_result(
        n: &NodeView,
        year: i32,
        ratings: &[&jianfu_store::entity::department_rating::Model],
        facts: Facts,
    ) -> UnitResultView {
        let mut all = Tally::default();
        let mut per: Vec<Tally> = vec![Tally::default(); QUESTIONS.len()];
        for r in ratings {
            let stored: BTreeMap<String, String> =
                serde_json::from_str(&r.answers).unwrap_or_default();
            all.responses += 1;
            for (i, q) in QUESTIONS.iter().enumerate() {
                if let Some(x) = stored.get(q.code).and_then(|c| Rating::parse(c)) {
                    all.add(x);
                    per[i].add(x);
                    per[i].responses += 1;
                }
            }
        }
        let a = rules::assess(&all, &facts);
        let shown = rules::shown_to_department(a.raters);
        UnitResultView {
            unit_id: n.id,
            unit_name: n.name.clone(),
            unit_kind_zh: n.kind.label_zh(),
            year,
            rank: None,
            raters: a.raters,
            rating: a.rating,
            shown,
            questions: QUESTIONS
                .iter()
                .zip(&per)
                .map(|(q, t)| QuestionScore {
                    code: q.code,
                    text: q.text,
                    score: if shown {
                        satisfaction(t, MIN_RATERS)
                    } else {
                        None
                    },
                })
                .collect(),
            facts,
            unadmitted_percent: a.unadmitted_percent,
            burden_hours: {
                let t = facts.burden_tenth_hours();
                format!("{}.{}", t / 10, t % 10)
            },
            findings: a.decision.reasons.iter().map(ReasonView::of).collect(),
            clauses: a
                .decision
                .clauses
                .iter()
                .map(|c| c.as_str().to_owned())
                .collect(),
            comments: if shown {
                let mut c: Vec<String> = ratings
                    .iter()
                    .map(|r| r.comment.clone())
                    .filter(|c| !c.is_empty())
                    .collect();
                c.sort();
                c
            } else {
                Vec::new()
            },
        }
    }

    /// The results of `units` in `year`.
    async fn unit_results(&self, units: &[NodeView], year: i32) -> Result<Vec<UnitResultView>> {
        let facts = self.year_facts(year).await?;
        let rows = repo::ratings_of(
            &self.store,
            year,
            Some(units.iter().map(|u| u.id).collect()),
        )
        .await?;
        Ok(units
            .iter()
            .map(|u| {
                let mine: Vec<_> = rows.iter().filter(|r| r.unit_node_id == u.id).collect();
                Self::unit_result(u, year, &mine, facts.of(u.id))
            })
            .collect())
    }

    /// The ranking of the departments and streets of the caller's jurisdiction in a year
    /// (the district's and city's supervisors and approvers, 5.3-2): every unit that was rated
    /// or placed or was reported for demands that year, the best rating first (units rated by
    /// fewer than [`MIN_RATERS`] communities unranked, last).
    pub async fn list_department_ranking(
        &self,
        ctx: &Ctx,
        filter: &RankingFilter,
        req: PageRequest,
    ) -> Result<Page<UnitResultView>> {
        let scope = self
            .visible_or_deny(
                ctx,
                Action::ViewDepartmentRanking,
                "您的角色不能查看部门评议排名",
            )
            .await?;
        let year = filter.year(self.today())?;
        let results = self.ranking_in(&scope, year).await?;
        let total = results.len() as u64;
        let items = results
            .into_iter()
            .skip(usize::try_from(req.offset()).unwrap_or(usize::MAX))
            .take(usize::try_from(req.per_page).unwrap_or(usize::MAX))
            .collect();
        Ok(req.page(items, total))
    }

    /// The ranking of the units in `scope` in `year`: every unit rated, placing or reported
    /// for demands that year, the best rating first with its rank (units rated by fewer than
    /// [`MIN_RATERS`] communities unranked, last). No authorization: the caller's.
    pub(crate) async fn ranking_in(
        &self,
        scope: &authz::Scope,
        year: i32,
    ) -> Result<Vec<UnitResultView>> {
        let (from, to, from_ms, to_ms) = year_bounds(year);
        let mut ids = repo::rated_units(&self.store, year).await?;
        ids.extend(repo::requesters_in(&self.store, &placed(), &from, &to).await?);
        let reports = repo::reports(&self.store, UNADMITTED_KIND, from_ms, to_ms, None).await?;
        ids.extend(self.report_units(&reports).await?.into_iter().map(|r| r.1));
        ids.sort_unstable();
        ids.dedup();
        // The rows already read are the nodes: no second read per unit.
        let mut units = Vec::new();
        for n in repo::units_in(&self.store, scope, ids).await? {
            let v = NodeView::from_row(n)?;
            if is_unit(v.kind) {
                units.push(v);
            }
        }
        let mut results = self.unit_results(&units, year).await?;
        results.sort_by(|a, b| {
            b.rating
                .cmp(&a.rating)
                .then(b.raters.cmp(&a.raters))
                .then(a.unit_name.cmp(&b.unit_name))
        });
        let mut rank = 0;
        for r in &mut results {
            if r.rating.is_some() {
                rank += 1;
                r.rank = Some(rank);
            }
        }
        Ok(results)
    }

    /// The district's (and city's) breakdown per community of a year's ratings (5.3-2): for
    /// every community of the caller's jurisdiction, how many units it may rate and how many it
    /// rated — counts only, so no rated unit can learn from it who rated it. In tree order.
    pub async fn list_department_rating_communities(
        &self,
        ctx: &Ctx,
        filter: &RankingFilter,
        req: PageRequest,
    ) -> Result<Page<CommunityRatingRow>> {
        let scope = self
            .visible_or_deny(
                ctx,
                Action::ViewDepartmentRanking,
                "您的角色不能查看各社区(村)的评议情况",
            )
            .await?;
        let year = filter.year(self.today())?;
        let nodes = self.nodes_under(&scope).await?;
        let names: HashMap<i64, &str> = nodes.iter().map(|n| (n.id, n.name.as_str())).collect();
        let communities: Vec<&NodeView> = nodes.iter().filter(|n| n.kind.is_community()).collect();
        let total = communities.len() as u64;
        let shown: Vec<&NodeView> = communities
            .into_iter()
            .skip(usize::try_from(req.offset()).unwrap_or(usize::MAX))
            .take(usize::try_from(req.per_page).unwrap_or(usize::MAX))
            .collect();
        let rated: HashMap<i64, i64> =
            repo::rated_counts(&self.store, year, shown.iter().map(|c| c.id).collect())
                .await?
                .into_iter()
                .collect();
        let mut items = Vec::with_capacity(shown.len());
        for c in shown {
            let to_rate = self.rating_targets(c, year).await?.len() as u64;
            let rated = rated
                .get(&c.id)
                .and_then(|n| u64::try_from(*n).ok())
                .unwrap_or(0);
            items.push(CommunityRatingRow {
                community_id: c.id,
                community_name: c.name.clone(),
                street: c
                    .parent_id
                    .and_then(|p| names.get(&p))
                    .map(|s| (*s).to_owned())
                    .unwrap_or_default(),
                year,
                to_rate,
                rated,
                missing: to_rate.saturating_sub(rated),
            });
        }
        Ok(req.page(items, total))
    }

    /// One unit's result in a year: for the unit's own staff, and for the supervisors and
    /// approvers whose jurisdiction holds it. Not a department or street: 404.
    pub async fn department_rating(
        &self,
        ctx: &Ctx,
        unit_id: i64,
        filter: &RankingFilter,
    ) -> Result<UnitResultView> {
        let unit = self.find_node(unit_id).await?;
        if !is_unit(unit.kind) {
            return Err(DomainError::not_found("被评议的部门或街道"));
        }
        let own = authz::own_units(&ctx.principal, Action::ViewOwnRating).contains(&unit.id);
        if !own
            && authz::authorize(
                &ctx.principal,
                Action::ViewDepartmentRanking,
                &unit.target(),
            )
            .is_err()
        {
            self.record_denial(ctx, Action::ViewOwnRating, Some(unit.id))
                .await;
            return Err(ctx.principal.blocked().unwrap_or_else(rating_denied));
        }
        let year = filter.year(self.today())?;
        let mut v = self.unit_results(&[unit], year).await?;
        v.pop().ok_or_else(DomainError::internal)
    }

    /// The results of the caller's own units (a department's or street's staff) in a year.
    pub async fn own_department_ratings(
        &self,
        ctx: &Ctx,
        filter: &RankingFilter,
    ) -> Result<Vec<UnitResultView>> {
        let own = authz::own_units(&ctx.principal, Action::ViewOwnRating);
        if own.is_empty() {
            self.record_denial(ctx, Action::ViewOwnRating, None).await;
            return Err(ctx.principal.blocked().unwrap_or_else(|| {
                DomainError::forbidden("只有被评议的部门和街道查看本单位评议结果")
            }));
        }
        let year = filter.year(self.today())?;
        let mut units = Vec::new();
        for id in own {
            let n = self.find_node(id).await?;
            if is_unit(n.kind) {
                units.push(n);
            }
        }
        self.unit_results(&units, year).await
    }

    async fn rating_todos(&self, ctx: &Ctx) -> Result<Vec<TodoItem>> {
        let today = self.today();
        let mut items = Vec::new();
        for c in self.rating_communities(ctx).await? {
            for year in open_years(today) {
                let board = self.department_rating_board(ctx, c.id, year).await?;
                let n = board.to_rate();
                if n == 0 {
                    continue;
                }
                items.push(
                    TodoItem::new(
                        "部门评议",
                        "待评议",
                        format!("{} {year} 年度评议部门和街道：{n} 个单位待评议", c.name),
                        "对向本社区派出事项的部门和街道作出评价（〔5.3-2〕）".into(),
                        format!("/department-ratings/rate?community_id={}&year={year}", c.id),
                    )
                    .due_on(Some(round_closes_on(year)), today),
                );
            }
        }
        items.truncate(usize::try_from(crate::inbox::PER_PROVIDER).unwrap_or(usize::MAX));
        Ok(items)
    }
}

/// A community's units still to rate in the open rounds (5.3-2), for its staff.
pub(crate) struct RatingTodos;

impl TodoProvider for RatingTodos {
    fn items<'a>(
        &'a self,
        app: &'a App,
        ctx: &'a Ctx,
        _today: chrono::NaiveDate,
    ) -> TodoFuture<'a> {
        Box::pin(app.rating_todos(ctx))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn a_round_runs_from_its_new_year_to_the_end_of_next_january() {
        for (year, today, open) in [
            (2026, d(2025, 12, 31), false),
            (2026, d(2026, 1, 1), true),
            (2026, d(2026, 12, 31), true),
            (2026, d(2027, 1, 31), true),
            (2026, d(2027, 2, 1), false),
        ] {
            assert_eq!(round_open(year, today), open, "{year} on {today}");
        }
        assert_eq!(open_years(d(2027, 1, 31)), vec![2027, 2026]);
        assert_eq!(open_years(d(2027, 2, 1)), vec![2027]);
        assert_eq!(round_closes_on(2026), d(2027, 1, 31));
    }

    #[test]
    fn paths_and_points_read_as_expected() {
        assert_eq!(parent_path("/1/4/17/"), "/1/4/");
        assert_eq!(centi_text(8533), "85.33");
        assert_eq!(centi_text(6000), "60.00");
        let (from, to, a, b) = year_bounds(2026);
        assert_eq!((from.as_str(), to.as_str()), ("2026-01-01", "2026-12-31"));
        assert_eq!(b - a, 365 * 86_400_000);
    }
}
