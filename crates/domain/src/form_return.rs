//! Returns of admitted report forms (填表报数, issue 13 §3): each target community's to-do of
//! the return periods due (from the admitted form's frequency and period, the rules'
//! [`jianfu_rules::form_return`]), the return filled online — a form generated from the
//! fields, each value checked against its type, every problem at once — saved as a draft,
//! submitted, and corrected after submission as a new version (every version kept and shown).
//! A submitted value becomes the community's current value of its data item and pre-fills every
//! later form asking for it ("最多报一次", 4.8-3). The department that filed the form reads the
//! returns across its target communities in one table with completeness, exports it, and
//! reminds the communities that have not submitted (an inbox notice).
//!
//! Who: the community's staff fill their own community's returns only
//! ([`Action::FillFormReturn`]); the filing department reads its own forms' returns only
//! ([`Action::ViewFormReturns`], [`Action::RemindFormReturns`]) and never a 不予共享 item of
//! another source.

use std::collections::{BTreeMap, HashMap};

use jianfu_rules::form_return::{
    PeriodState, ReturnPeriod, collected_once_clause, fillable, period_state, periods,
};
use jianfu_rules::{FieldKind, Frequency, SharingClass};
use jianfu_store::repo::data_items;
use jianfu_store::repo::form_returns::{
    self, CommunityValueRow, FormReturnRow, FormTarget, ReminderRow, Saver,
};
use serde::{Deserialize, Serialize};

use crate::authz::{self, Action};
use crate::clock::rules_date;
use crate::demand::{DemandKind, DemandStatus};
use crate::error::{DomainError, Result};
use crate::inbox::{TodoFuture, TodoItem, TodoProvider};
use crate::report_form::{MAX_FIELDS, ReportFormDetails};
use crate::{App, Ctx, text};

/// The names of a return's value inputs, one per field in the form's order (`f1` … `f50`):
/// the field a problem names.
pub const SLOTS: [&str; MAX_FIELDS] = [
    "f1", "f2", "f3", "f4", "f5", "f6", "f7", "f8", "f9", "f10", "f11", "f12", "f13", "f14", "f15",
    "f16", "f17", "f18", "f19", "f20", "f21", "f22", "f23", "f24", "f25", "f26", "f27", "f28",
    "f29", "f30", "f31", "f32", "f33", "f34", "f35", "f36", "f37", "f38", "f39", "f40", "f41",
    "f42", "f43", "f44", "f45", "f46", "f47", "f48", "f49", "f50",
];

/// The longest text value.
pub const MAX_TEXT: usize = 500;

/// Where one version of a return stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ReturnState {
    Draft,
    Submitted,
}

impl ReturnState {
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Draft => "draft",
            Self::Submitted => "submitted",
        }
    }
    pub const fn label_zh(self) -> &'static str {
        match self {
            Self::Draft => "草稿",
            Self::Submitted => "已报送",
        }
    }
    pub fn stored(s: &str) -> Result<Self> {
        match s {
            "draft" => Ok(Self::Draft),
            "submitted" => Ok(Self::Submitted),
            _ => Err(DomainError::internal()),
        }
    }
}

/// One field of a return as the page shows it.
#[derive(Clone, Debug, Serialize)]
pub struct ReturnFieldView {
    /// The input's name ([`SLOTS`]).
    pub slot: &'static str,
    pub code: String,
    pub name: String,
    /// [`FieldKind::as_str`].
    pub kind: String,
    pub kind_zh: &'static str,
    pub unit: String,
    /// A choice list's options.
    pub options: Vec<String>,
    /// The value shown: the latest version's, or the community's current value.
    pub value: String,
    /// Where a pre-filled value comes from: the form that carried it and the day (最多报一次).
    pub prefill: Option<String>,
    /// Not asked: the department's shared data fills it (4.8-3), its source named.
    pub shared_from: Option<String>,
    /// Filled online (a person-level record is not, yet).
    pub online: bool,
}

/// One kept version of a return.
#[derive(Clone, Debug, Serialize)]
pub struct ReturnVersionView {
    pub version: i32,
    pub state: ReturnState,
    pub state_zh: &'static str,
    pub saved_by: String,
    pub saved_at: String,
    pub submitted_at: Option<String>,
    /// (field name, value) of every field filled.
    pub values: Vec<(String, String)>,
}

/// A community's return of one period of a form: the fields to fill and every version.
#[derive(Clone, Debug, Serialize)]
pub struct ReturnView {
    pub demand_id: i64,
    pub title: String,
    pub form_number: String,
    pub community_id: i64,
    pub community_name: String,
    pub period_key: String,
    pub period_start: String,
    pub period_end: String,
    pub deadline: String,
    pub closes: String,
    /// 未开始 / 填报中 / 已逾期 / 已截止.
    pub period_zh: &'static str,
    pub overdue: bool,
    /// The latest version's state, none before the first save.
    pub state: Option<ReturnState>,
    pub version: i32,
    /// The values may be saved or submitted now (no version yet, or a draft; period open).
    pub editable: bool,
    /// A submitted return may be corrected now (a new version).
    pub can_correct: bool,
    pub fields: Vec<ReturnFieldView>,
    /// Every version, the latest first.
    pub history: Vec<ReturnVersionView>,
    /// The clauses the periods and pre-filling apply.
    pub clauses: Vec<String>,
}

/// One period's return on a community's to-do, or one row of a department's table.
#[derive(Clone, Debug, Serialize)]
pub struct DueReturnView {
    pub demand_id: i64,
    pub title: String,
    pub form_number: String,
    pub community_id: i64,
    pub community_name: String,
    pub period_key: String,
    pub period_start: String,
    pub period_end: String,
    pub deadline: String,
    /// 未填报 / 草稿 / 已报送 / 更正中.
    pub state_zh: &'static str,
    pub submitted: bool,
    pub overdue: bool,
    /// The latest version (0 before the first save).
    pub version: i32,
    pub submitted_at: Option<String>,
    /// The values of the latest submitted version, in field order (department table only).
    pub values: Vec<String>,
    pub href: String,
}

/// A department's table of one form's returns.
#[derive(Clone, Debug, Serialize)]
pub struct ReturnTableView {
    pub demand_id: i64,
    pub title: String,
    pub form_number: String,
    /// The asked fields' names, in order (a 不予共享 item of another source is left out).
    pub fields: Vec<String>,
    pub rows: Vec<DueReturnView>,
    /// Returns due so far (periods begun × communities), submitted, overdue.
    pub due: usize,
    pub submitted: usize,
    pub overdue: usize,
    /// Communities with a return not submitted (whom a reminder reaches).
    pub unsubmitted_communities: usize,
}

/// The values a community enters (page and API alike): data item code → value.
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct ReturnInput {
    pub values: BTreeMap<String, String>,
}

/// One admitted form reaching one community, with its periods.
struct Reach {
    target: FormTarget,
    details: ReportFormDetails,
    periods: Vec<ReturnPeriod>,
}

fn period_zh(s: PeriodState) -> &'static str {
    match s {
        PeriodState::NotYet => "未开始",
        PeriodState::Open => "填报中",
        PeriodState::Overdue => "已逾期",
        PeriodState::Closed => "已截止",
    }
}

fn return_href(demand_id: i64, community_id: i64, key: &str) -> String {
    format!("/form-returns/{demand_id}/{community_id}/{key}")
}

fn parse_values(json: &str) -> BTreeMap<String, String> {
    serde_json::from_str(json).unwrap_or_default()
}

/// (state label, submitted, latest version, latest submitted version) of a return's versions.
fn standing<'a>(
    versions: &[&'a FormReturnRow],
) -> (&'static str, bool, i32, Option<&'a FormReturnRow>) {
    let last = versions.last();
    let submitted = versions
        .iter()
        .rev()
        .find(|v| v.state == ReturnState::Submitted.as_str())
        .copied();
    let label = match (last, submitted) {
        (None, _) => "未填报",
        (Some(l), Some(_)) if l.state == ReturnState::Draft.as_str() => "更正中",
        (Some(_), Some(_)) => "已报送",
        (Some(_), None) => "草稿",
    };
    (
        label,
        submitted.is_some(),
        last.map_or(0, |l| l.version),
        submitted,
    )
}

/// Checks one value against its field's type; the value as stored.
fn check_value(
    slot: &'static str,
    name: &str,
    kind: FieldKind,
    options: &[String],
    raw: &str,
) -> std::result::Result<String, DomainError> {
    let v = text::visible(raw).trim().to_owned();
    let bad = |what: &str| {
        DomainError::field(
            slot,
            "return_value_invalid",
            format!(
                "“{name}”{what}，您填的是“{}”",
                v.chars().take(40).collect::<String>()
            ),
        )
    };
    match kind {
        FieldKind::Integer => v
            .parse::<i64>()
            .map(|n| n.to_string())
            .map_err(|_| bad("应为整数")),
        FieldKind::Decimal => match v.parse::<f64>() {
            Ok(n) if n.is_finite() => Ok(v.clone()),
            _ => Err(bad("应为数字（可带小数）")),
        },
        FieldKind::Date => jianfu_rules::Date::parse(&v)
            .map(|d| d.to_string())
            .ok_or_else(|| bad("应为日期（如 2026-01-31）")),
        FieldKind::Choice => {
            if options.contains(&v) {
                Ok(v.clone())
            } else {
                Err(bad(&format!("应为以下选项之一：{}", options.join("、"))))
            }
        }
        FieldKind::Text | FieldKind::PersonRecord => {
            if v.chars().count() > MAX_TEXT {
                Err(DomainError::field(
                    slot,
                    "return_value_too_long",
                    format!("“{name}”不超过 {MAX_TEXT} 字"),
                ))
            } else {
                Ok(v.clone())
            }
        }
    }
}

impl App {
    /// The admitted forms reaching `communities` (or form `demand_id`'s targets), each with its
    /// return periods.
    async fn reaches(
        &self,
        demand_id: Option<i64>,
        communities: Option<&[i64]>,
    ) -> Result<Vec<Reach>> {
        let rows = form_returns::form_targets(
            self.store.db(),
            DemandKind::Form.as_str(),
            DemandStatus::Admitted.as_str(),
            demand_id,
            communities,
        )
        .await?;
        let mut out = Vec::with_capacity(rows.len());
        for target in rows {
            let details: ReportFormDetails =
                serde_json::from_str(&target.details).map_err(|_| DomainError::internal())?;
            let (Some(f), Some(s), Some(e)) = (
                Frequency::parse(&details.frequency),
                jianfu_rules::Date::parse(&target.period_start),
                jianfu_rules::Date::parse(&target.period_end),
            ) else {
                return Err(DomainError::internal());
            };
            let periods = periods(f, s, e).unwrap_or_default();
            out.push(Reach {
                target,
                details,
                periods,
            });
        }
        Ok(out)
    }

    /// The periods begun (and, with `open_only`, not closed) of each reach, with their returns.
    async fn due_rows(&self, reaches: &[Reach], open_only: bool) -> Result<Vec<DueReturnView>> {
        let today = rules_date(self.today())?;
        let mut ids: Vec<i64> = reaches.iter().map(|r| r.target.demand_id).collect();
        ids.sort_unstable();
        ids.dedup();
        let communities: Vec<i64> = reaches.iter().map(|r| r.target.community_node_id).collect();
        let all = form_returns::returns_of(self.store.db(), &ids, Some(&communities)).await?;
        let mut by: HashMap<(i64, i64, &str), Vec<&FormReturnRow>> = HashMap::new();
        for r in &all {
            by.entry((r.demand_id, r.community_node_id, r.period_key.as_str()))
                .or_default()
                .push(r);
        }
        let mut out = Vec::new();
        for reach in reaches {
            let t = &reach.target;
            let asked: Vec<&str> = reach
                .details
                .fields
                .iter()
                .filter(|f| !f.prefilled)
                .map(|f| f.code.as_str())
                .collect();
            for p in &reach.periods {
                let key = p.key();
                let versions = by
                    .get(&(t.demand_id, t.community_node_id, key.as_str()))
                    .cloned()
                    .unwrap_or_default();
                let (label, submitted, version, last_submitted) = standing(&versions);
                let state = period_state(p, today, submitted);
                if state == PeriodState::NotYet || (open_only && state == PeriodState::Closed) {
                    continue;
                }
                let values = last_submitted
                    .map(|s| {
                        let v = parse_values(&s.field_values);
                        asked
                            .iter()
                            .map(|c| v.get(*c).cloned().unwrap_or_default())
                            .collect()
                    })
                    .unwrap_or_default();
                out.push(DueReturnView {
                    demand_id: t.demand_id,
                    title: t.title.clone(),
                    form_number: t.admission_number.clone().unwrap_or_default(),
                    community_id: t.community_node_id,
                    community_name: t.community_name.clone(),
                    href: return_href(t.demand_id, t.community_node_id, &key),
                    period_key: key,
                    period_start: p.start.to_string(),
                    period_end: p.end.to_string(),
                    deadline: p.deadline.to_string(),
                    state_zh: label,
                    submitted,
                    overdue: !submitted && today > p.deadline,
                    version,
                    submitted_at: last_submitted
                        .and_then(|s| s.submitted_at)
                        .map(crate::clock::fmt_ms),
                    values,
                });
            }
        }
        Ok(out)
    }

    /// A community's to-do of form returns: every period begun and not closed of every admitted
    /// form reaching the reader's communities, overdue ones marked, the most urgent first.
    pub async fn due_returns(&self, ctx: &Ctx) -> Result<Vec<DueReturnView>> {
        self.visible_or_deny(ctx, Action::FillFormReturn, "您的角色不填报社区(村)报表")
            .await?;
        let communities = authz::own_units(&ctx.principal, Action::FillFormReturn);
        let reaches = self.reaches(None, Some(&communities)).await?;
        let mut rows = self.due_rows(&reaches, true).await?;
        rows.sort_by(|a, b| {
            (a.submitted, !a.overdue, &a.deadline).cmp(&(b.submitted, !b.overdue, &b.deadline))
        });
        Ok(rows)
    }

    /// The form `demand_id` reaching community `community_id`, which `ctx` fills.
    async fn reach_to_fill(&self, ctx: &Ctx, demand_id: i64, community_id: i64) -> Result<Reach> {
        let community = self.find_node(community_id).await?;
        self.check(ctx, Action::FillFormReturn, &community.target())
            .await?;
        self.reaches(Some(demand_id), Some(&[community_id]))
            .await?
            .into_iter()
            .next()
            .ok_or_else(|| DomainError::not_found("报表"))
    }

    /// Community `community_id`'s return of period `key` of form `demand_id`: the fields
    /// (pre-filled from the community's current values, marked with their source and day) and
    /// every version.
    pub async fn form_return(
        &self,
        ctx: &Ctx,
        demand_id: i64,
        community_id: i64,
        key: &str,
    ) -> Result<ReturnView> {
        let reach = self.reach_to_fill(ctx, demand_id, community_id).await?;
        let period = reach
            .periods
            .iter()
            .find(|p| p.key() == key)
            .copied()
            .ok_or_else(|| DomainError::not_found("填报期"))?;
        self.return_view(&reach, &period, None).await
    }

    async fn return_view(
        &self,
        reach: &Reach,
        period: &ReturnPeriod,
        entered: Option<&BTreeMap<String, String>>,
    ) -> Result<ReturnView> {
        let db = self.store.db();
        let t = &reach.target;
        let key = period.key();
        let rows = form_returns::versions(db, t.demand_id, t.community_node_id, &key).await?;
        let refs: Vec<&FormReturnRow> = rows.iter().collect();
        let (_, submitted, version, _) = standing(&refs);
        let latest = rows.last();
        let state = latest.map(|l| ReturnState::stored(&l.state)).transpose()?;
        let today = rules_date(self.today())?;
        let pstate = period_state(period, today, submitted);
        let open = matches!(pstate, PeriodState::Open | PeriodState::Overdue);
        let codes: Vec<String> = reach
            .details
            .fields
            .iter()
            .map(|f| f.code.clone())
            .collect();
        let current = form_returns::current_values(db, t.community_node_id, &codes).await?;
        let current: HashMap<&str, &CommunityValueRow> =
            current.iter().map(|c| (c.item_code.as_str(), c)).collect();
        let source_ids: Vec<i64> = current.values().map(|c| c.source_demand_id).collect();
        let titles = form_returns::demand_titles(db, &source_ids).await?;
        let latest_values = latest
            .map(|l| parse_values(&l.field_values))
            .unwrap_or_default();
        let mut fields = Vec::with_capacity(reach.details.fields.len());
        for (i, f) in reach.details.fields.iter().enumerate() {
            let item = data_items::by_code(db, &f.code).await?;
            let options: Vec<String> = item
                .as_ref()
                .and_then(|it| serde_json::from_str(&it.options).ok())
                .unwrap_or_default();
            let kind = FieldKind::parse(&f.kind).unwrap_or(FieldKind::Text);
            let held = current.get(f.code.as_str());
            let value = match (entered, latest) {
                (Some(e), _) => e.get(&f.code).cloned().unwrap_or_default(),
                (None, Some(_)) => latest_values.get(&f.code).cloned().unwrap_or_default(),
                (None, None) => held.map(|c| c.value.clone()).unwrap_or_default(),
            };
            let prefill = held
                .filter(|c| !value.is_empty() && c.value == value)
                .map(|c| {
                    format!(
                        "预填自《{}》，{} 报送",
                        titles.get(&c.source_demand_id).map_or("—", String::as_str),
                        c.as_of
                    )
                });
            fields.push(ReturnFieldView {
                slot: SLOTS.get(i).copied().ok_or_else(DomainError::internal)?,
                code: f.code.clone(),
                name: f.name.clone(),
                kind: f.kind.clone(),
                kind_zh: kind.label_zh(),
                unit: f.unit.clone(),
                options,
                value,
                prefill,
                shared_from: f.prefilled.then(|| f.source_name.clone()),
                online: kind != FieldKind::PersonRecord,
            });
        }
        let names: HashMap<&str, &str> = reach
            .details
            .fields
            .iter()
            .map(|f| (f.code.as_str(), f.name.as_str()))
            .collect();
        let mut history = Vec::with_capacity(rows.len());
        for r in rows.iter().rev() {
            let st = ReturnState::stored(&r.state)?;
            history.push(ReturnVersionView {
                version: r.version,
                state: st,
                state_zh: st.label_zh(),
                saved_by: r.saved_by_name.clone(),
                saved_at: crate::clock::fmt_ms(r.saved_at),
                submitted_at: r.submitted_at.map(crate::clock::fmt_ms),
                values: parse_values(&r.field_values)
                    .into_iter()
                    .map(|(c, v)| (names.get(c.as_str()).map_or(c, |n| (*n).to_owned()), v))
                    .collect(),
            });
        }
        Ok(ReturnView {
            demand_id: t.demand_id,
            title: t.title.clone(),
            form_number: t.admission_number.clone().unwrap_or_default(),
            community_id: t.community_node_id,
            community_name: t.community_name.clone(),
            period_key: key,
            period_start: period.start.to_string(),
            period_end: period.end.to_string(),
            deadline: period.deadline.to_string(),
            closes: period.closes.to_string(),
            period_zh: period_zh(pstate),
            overdue: pstate == PeriodState::Overdue,
            state,
            version,
            editable: open && state != Some(ReturnState::Submitted),
            can_correct: open && state == Some(ReturnState::Submitted),
            fields,
            history,
            clauses: vec![
                jianfu_rules::form_return::ReturnRefusal::NotDue
                    .clause()
                    .as_str()
                    .to_owned(),
                collected_once_clause().as_str().to_owned(),
            ],
        })
    }

    /// The period of `key` if a return of it may be written today.
    fn period_to_fill(&self, reach: &Reach, key: &str) -> Result<ReturnPeriod> {
        let today = rules_date(self.today())?;
        fillable(&reach.periods, key, today).map_err(|r| {
            DomainError::field(
                "period_key",
                r.code(),
                format!("{}（{}）", r.message(), r.clause().as_str()),
            )
        })
    }

    /// Saves (or, with `submit`, submits) community `community_id`'s return of period `key` of
    /// form `demand_id`: every value checked against its field's type, every problem at once; a
    /// submission needs every asked field. A submitted return is not submitted again: it is
    /// corrected ([`App::correct_form_return`]) as a new version. Submitting makes each value
    /// the community's current value of its item (4.8-3). Audited.
    pub async fn save_form_return(
        &self,
        ctx: &Ctx,
        demand_id: i64,
        community_id: i64,
        key: &str,
        input: &ReturnInput,
        submit: bool,
    ) -> Result<ReturnView> {
        let reach = self.reach_to_fill(ctx, demand_id, community_id).await?;
        let mut p = crate::Problems::new();
        let period = p.take(self.period_to_fill(&reach, key));
        let db = self.store.db();
        let mut values = BTreeMap::new();
        for (i, f) in reach.details.fields.iter().enumerate() {
            if f.prefilled {
                continue;
            }
            let slot = SLOTS.get(i).copied().ok_or_else(DomainError::internal)?;
            let kind = FieldKind::parse(&f.kind).unwrap_or(FieldKind::Text);
            if kind == FieldKind::PersonRecord {
                continue;
            }
            let raw = input.values.get(&f.code).map_or("", String::as_str);
            if raw.trim().is_empty() {
                if submit {
                    p.push(DomainError::field(
                        slot,
                        "return_value_required",
                        format!("请填写“{}”后再报送", f.name),
                    ));
                }
                continue;
            }
            let item = data_items::by_code(db, &f.code).await?;
            let options: Vec<String> = item
                .as_ref()
                .and_then(|it| serde_json::from_str(&it.options).ok())
                .unwrap_or_default();
            if let Some(v) = p.take(check_value(slot, &f.name, kind, &options, raw)) {
                values.insert(f.code.clone(), v);
            }
        }
        let rows = form_returns::versions(db, demand_id, community_id, key).await?;
        if rows
            .last()
            .is_some_and(|l| l.state == ReturnState::Submitted.as_str())
        {
            p.push(DomainError {
                field: Some("period_key"),
                ..DomainError::conflict(
                    "return_already_submitted",
                    "本期报表已报送；如需修改，请先点“更正”，更正后作为新版本报送，原版本保留",
                )
            });
        }
        p.finish()?;
        let Some(period) = period else {
            return Err(DomainError::internal());
        };
        let json = serde_json::to_string(&values).map_err(|_| DomainError::internal())?;
        let now = self.now_ms();
        let saver = Saver {
            by: ctx.principal.account_id,
            by_name: &ctx.principal.username,
            at: now,
        };
        let new_state = if submit {
            ReturnState::Submitted
        } else {
            ReturnState::Draft
        };
        let mut tx = self.store.begin_write().await?;
        let (id, version) = match rows.last() {
            Some(draft) => {
                let ok = form_returns::save_draft(
                    tx.conn(),
                    draft.id,
                    ReturnState::Draft.as_str(),
                    new_state.as_str(),
                    &json,
                    saver,
                    submit,
                )
                .await?;
                if !ok {
                    return Err(DomainError::conflict(
                        "return_already_submitted",
                        "本期报表已由他人报送，请刷新后查看",
                    ));
                }
                (draft.id, draft.version)
            }
            None => {
                let row = FormReturnRow {
                    id: 0,
                    demand_id,
                    community_node_id: community_id,
                    period_key: key.to_owned(),
                    version: 1,
                    state: new_state.as_str().to_owned(),
                    field_values: json.clone(),
                    saved_by: 0,
                    saved_by_name: String::new(),
                    saved_at: 0,
                    submitted_by: submit.then_some(ctx.principal.account_id),
                    submitted_by_name: submit.then(|| ctx.principal.username.clone()),
                    submitted_at: submit.then_some(now),
                };
                (form_returns::insert(tx.conn(), &row, saver).await?, 1)
            }
        };
        if submit {
            let as_of = self.today().to_string();
            for (code, value) in &values {
                form_returns::set_current_value(
                    tx.conn(),
                    &CommunityValueRow {
                        id: 0,
                        community_node_id: community_id,
                        item_code: code.clone(),
                        value: value.clone(),
                        source_demand_id: demand_id,
                        source_return_id: id,
                        as_of: as_of.clone(),
                        updated_at: now,
                    },
                )
                .await?;
            }
        }
        tx.audit(ctx.entry(
            if submit {
                "form_return.submit"
            } else {
                "form_return.save"
            },
            "form_return",
            Some(id.to_string()),
            serde_json::json!({
                "demand_id": demand_id, "community": reach.target.community_name,
                "period": key, "version": version, "fields": values.len(),
                "clause": if submit { collected_once_clause().as_str() } else { "4.9-2" },
            }),
        ))
        .await?;
        tx.commit().await?;
        self.return_view(&reach, &period, None).await
    }

    /// Opens a correction of a submitted return: a new version, a draft holding the submitted
    /// values, every earlier version kept. Only while the period is not closed. Audited.
    pub async fn correct_form_return(
        &self,
        ctx: &Ctx,
        demand_id: i64,
        community_id: i64,
        key: &str,
    ) -> Result<ReturnView> {
        let reach = self.reach_to_fill(ctx, demand_id, community_id).await?;
        let period = self.period_to_fill(&reach, key)?;
        let db = self.store.db();
        let rows = form_returns::versions(db, demand_id, community_id, key).await?;
        let Some(last) = rows
            .last()
            .filter(|l| l.state == ReturnState::Submitted.as_str())
        else {
            return Err(DomainError {
                field: Some("period_key"),
                ..DomainError::conflict(
                    "return_not_submitted",
                    "本期报表尚未报送（或已在更正中），直接修改后报送即可",
                )
            });
        };
        let now = self.now_ms();
        let mut tx = self.store.begin_write().await?;
        let row = FormReturnRow {
            id: 0,
            version: last.version + 1,
            state: ReturnState::Draft.as_str().to_owned(),
            submitted_by: None,
            submitted_by_name: None,
            submitted_at: None,
            ..last.clone()
        };
        let id = form_returns::insert(
            tx.conn(),
            &row,
            Saver {
                by: ctx.principal.account_id,
                by_name: &ctx.principal.username,
                at: now,
            },
        )
        .await?;
        tx.audit(ctx.entry(
            "form_return.correct",
            "form_return",
            Some(id.to_string()),
            serde_json::json!({
                "demand_id": demand_id, "community": reach.target.community_name,
                "period": key, "version": row.version, "corrects": last.version,
            }),
        ))
        .await?;
        tx.commit().await?;
        self.return_view(&reach, &period, None).await
    }

    /// The reach of form `demand_id` for the department that filed it (`action` of its own
    /// units), or forbidden.
    async fn own_form(&self, ctx: &Ctx, demand_id: i64, action: Action) -> Result<Vec<Reach>> {
        let reaches = self.reaches(Some(demand_id), None).await?;
        let Some(first) = reaches.first() else {
            return Err(DomainError::not_found("报表"));
        };
        if !authz::own_units(&ctx.principal, action).contains(&first.target.requester_node_id) {
            self.record_denial(ctx, action, Some(first.target.requester_node_id))
                .await;
            return Err(DomainError::forbidden(
                "只有制发该报表的部门能查看和催报其填报情况",
            ));
        }
        Ok(reaches)
    }

    /// The department's table of form `demand_id`'s returns: one row per target community and
    /// period begun, with completeness (submitted / due / overdue); a 不予共享 item of another
    /// source is never shown.
    pub async fn form_return_table(&self, ctx: &Ctx, demand_id: i64) -> Result<ReturnTableView> {
        let reaches = self
            .own_form(ctx, demand_id, Action::ViewFormReturns)
            .await?;
        let first = &reaches[0];
        let db = self.store.db();
        let mut fields = Vec::new();
        let mut hidden = Vec::new();
        for f in first.details.fields.iter().filter(|f| !f.prefilled) {
            let item = data_items::by_code(db, &f.code).await?;
            let not_shared = item.as_ref().is_some_and(|it| {
                SharingClass::parse(&it.sharing_class) == Some(SharingClass::NotShared)
                    && it.source_node_id != Some(first.target.requester_node_id)
            });
            hidden.push(not_shared);
            fields.push(f.name.clone());
        }
        let mut rows = self.due_rows(&reaches, false).await?;
        for r in &mut rows {
            for (v, h) in r.values.iter_mut().zip(&hidden) {
                if *h {
                    *v = "（不予共享）".into();
                }
            }
        }
        let submitted = rows.iter().filter(|r| r.submitted).count();
        let overdue = rows.iter().filter(|r| r.overdue).count();
        let mut unsubmitted: Vec<i64> = rows
            .iter()
            .filter(|r| !r.submitted)
            .map(|r| r.community_id)
            .collect();
        unsubmitted.sort_unstable();
        unsubmitted.dedup();
        Ok(ReturnTableView {
            demand_id,
            title: first.target.title.clone(),
            form_number: first.target.admission_number.clone().unwrap_or_default(),
            fields,
            due: rows.len(),
            submitted,
            overdue,
            unsubmitted_communities: unsubmitted.len(),
            rows,
        })
    }

    /// Reminds (催报) every community with a return of form `demand_id` begun, not closed and
    /// not submitted: an inbox notice each; audited. How many returns it reminded.
    pub async fn remind_form_returns(&self, ctx: &Ctx, demand_id: i64) -> Result<usize> {
        let reaches = self
            .own_form(ctx, demand_id, Action::RemindFormReturns)
            .await?;
        let rows: Vec<DueReturnView> = self
            .due_rows(&reaches, true)
            .await?
            .into_iter()
            .filter(|r| !r.submitted)
            .collect();
        if rows.is_empty() {
            return Err(DomainError::conflict(
                "return_nothing_to_remind",
                "没有待报送的社区(村)：各填报期均已报送或尚未开始",
            ));
        }
        let now = self.now_ms();
        let mut tx = self.store.begin_write().await?;
        for r in &rows {
            form_returns::insert_reminder(
                tx.conn(),
                &ReminderRow {
                    id: 0,
                    demand_id,
                    community_node_id: r.community_id,
                    period_key: r.period_key.clone(),
                    sent_by: ctx.principal.account_id,
                    sent_by_name: ctx.principal.username.clone(),
                    sent_at: now,
                },
            )
            .await?;
        }
        let names: Vec<String> = rows
            .iter()
            .map(|r| format!("{} {}", r.community_name, r.period_key))
            .collect();
        tx.audit(ctx.entry(
            "form_return.remind",
            "demand",
            Some(demand_id.to_string()),
            serde_json::json!({ "returns": rows.len(), "to": names }),
        ))
        .await?;
        tx.commit().await?;
        Ok(rows.len())
    }

    /// The inbox items of the reader's communities: each return due and not submitted, and
    /// each department's reminder of one still not submitted (a notice).
    async fn form_return_todos(&self, ctx: &Ctx) -> Result<Vec<TodoItem>> {
        let communities = authz::own_units(&ctx.principal, Action::FillFormReturn);
        if communities.is_empty() {
            return Ok(Vec::new());
        }
        let reaches = self.reaches(None, Some(&communities)).await?;
        let rows = self.due_rows(&reaches, true).await?;
        let today = self.today();
        let mut out = Vec::new();
        let reminders = form_returns::reminders_to(self.store.db(), &communities).await?;
        for r in rows.iter().filter(|r| !r.submitted) {
            let due = chrono::NaiveDate::parse_from_str(&r.deadline, "%Y-%m-%d").ok();
            out.push(
                TodoItem::new(
                    "填表报数",
                    "填报报表",
                    r.title.clone(),
                    format!(
                        "{}：{} 至 {}（{}）",
                        r.community_name, r.period_start, r.period_end, r.state_zh
                    ),
                    r.href.clone(),
                )
                .due_on(due, today),
            );
            if let Some(m) = reminders.iter().find(|m| {
                m.demand_id == r.demand_id
                    && m.community_node_id == r.community_id
                    && m.period_key == r.period_key
            }) {
                out.push(
                    TodoItem::new(
                        "填表报数",
                        "催报",
                        r.title.clone(),
                        format!(
                            "制发部门于 {} 催报 {} 至 {} 的报表",
                            crate::clock::fmt_ms(m.sent_at),
                            r.period_start,
                            r.period_end
                        ),
                        r.href.clone(),
                    )
                    .notice(),
                );
            }
        }
        out.truncate(usize::try_from(crate::inbox::PER_PROVIDER).unwrap_or(100));
        Ok(out)
    }
}

/// The returns due reach the community's inbox.
pub(crate) struct FormReturnTodos;

impl TodoProvider for FormReturnTodos {
    fn items<'a>(
        &'a self,
        app: &'a App,
        ctx: &'a Ctx,
        _today: chrono::NaiveDate,
    ) -> TodoFuture<'a> {
        Box::pin(app.form_return_todos(ctx))
    }
}

fn paged<T>(all: Vec<T>, req: crate::page::PageRequest) -> crate::page::Page<T> {
    let total = u64::try_from(all.len()).unwrap_or(u64::MAX);
    let skip = usize::try_from(req.offset()).unwrap_or(usize::MAX);
    let take = usize::try_from(req.per_page).unwrap_or(usize::MAX);
    req.page(all.into_iter().skip(skip).take(take).collect(), total)
}

impl App {
    /// One page of [`App::due_returns`] (the to-do page and its export).
    pub async fn list_due_returns(
        &self,
        ctx: &Ctx,
        req: crate::page::PageRequest,
    ) -> Result<crate::page::Page<DueReturnView>> {
        Ok(paged(self.due_returns(ctx).await?, req))
    }

    /// One page of the rows of [`App::form_return_table`] (its export).
    pub async fn list_form_return_rows(
        &self,
        ctx: &Ctx,
        demand_id: i64,
        req: crate::page::PageRequest,
    ) -> Result<crate::page::Page<DueReturnView>> {
        Ok(paged(
            self.form_return_table(ctx, demand_id).await?.rows,
            req,
        ))
    }
}

/// The form hours pre-filling saves (4.8-3, the burden ledger's view of 一表通): over every
/// admitted report form, the hours a year its fields would cost the target communities if
/// every field were asked, and the hours left to fill with the shared fields pre-filled.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct FormBurdenSaved {
    /// Admitted report forms.
    pub forms: usize,
    /// Returns a year across every form and target community.
    pub returns_per_year: u64,
    /// Fields asked by the forms as filed, and of them pre-filled from shared data.
    pub fields: usize,
    pub prefilled_fields: usize,
    /// Minutes a year: every field asked, and only the fields left to fill.
    pub minutes_as_filed: u64,
    pub minutes_left: u64,
}

impl FormBurdenSaved {
    /// Hours a year, one decimal.
    pub fn hours_as_filed(&self) -> f64 {
        hours(self.minutes_as_filed)
    }
    pub fn hours_left(&self) -> f64 {
        hours(self.minutes_left)
    }
    pub fn hours_saved(&self) -> f64 {
        hours(self.minutes_as_filed.saturating_sub(self.minutes_left))
    }
}

fn hours(minutes: u64) -> f64 {
    // Minutes of real forms stay far below 2^52: the conversion is exact.
    #[allow(clippy::cast_precision_loss)]
    let m = minutes as f64;
    (m / 6.0).round() / 10.0
}

impl App {
    /// The burden pre-filling saves over every admitted report form (the README's figure,
    /// `jianfu form-burden`): the whole city, read by the operator.
    pub async fn form_burden_saved(&self) -> Result<FormBurdenSaved> {
        let reaches = self.reaches(None, None).await?;
        let mut by_form: BTreeMap<i64, (&ReportFormDetails, u64)> = BTreeMap::new();
        for r in &reaches {
            by_form
                .entry(r.target.demand_id)
                .or_insert((&r.details, 0))
                .1 += 1;
        }
        let mut out = FormBurdenSaved {
            forms: by_form.len(),
            returns_per_year: 0,
            fields: 0,
            prefilled_fields: 0,
            minutes_as_filed: 0,
            minutes_left: 0,
        };
        for (details, communities) in by_form.values() {
            let per_year = Frequency::parse(&details.frequency)
                .map_or(0, crate::report_form::returns_per_year)
                .min(details.returns);
            let returns = u64::from(per_year) * communities;
            let all: u64 = details.fields.iter().map(|f| u64::from(f.minutes)).sum();
            let left: u64 = details
                .fields
                .iter()
                .filter(|f| !f.prefilled)
                .map(|f| u64::from(f.minutes))
                .sum();
            out.returns_per_year += returns;
            out.fields += details.fields.len();
            out.prefilled_fields += details.prefilled();
            out.minutes_as_filed += all * returns;
            out.minutes_left += left * returns;
        }
        Ok(out)
    }
}
