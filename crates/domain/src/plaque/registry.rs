//! Plaque registries (one per street, town, community and village) and the removal tasks their
//! non-compliant plaques open.

use crate::text;
use std::collections::HashMap;

use chrono::NaiveDate;
use jianfu_rules::plaque::{
    Placement, PlaqueFacts, PlaqueKind, StaffingApproval, TemporaryPlaqueFacts, UnitKind,
    UnitPlaces, check_plaque, check_temporary_plaque, normalise_name,
};
use jianfu_rules::{Decision, Outcome};
use jianfu_store::orm::ConnectionTrait;
use jianfu_store::repo::plaques::{self as repo, TaskSelection, Where};
use serde::{Deserialize, Serialize};

use super::{
    Actor, Counts, PlaqueStatus, Resolution, TaskStatus, check_photo, kind_str, lists, parse_kind,
    placement_zh, rules_date, unit_kind,
};
use crate::authz::{Action, Scope, authorize};
use crate::demand::{DecisionView, parse_date};
use crate::demand_kinds::TemporaryPlaqueGrant;
use crate::division::NodeKind;
use crate::error::{DomainError, ErrorKind, Result};
use crate::page::{Page, PageRequest};
use crate::tree::NodeView;
use crate::{App, Ctx};

/// What the add and edit forms (and the API) send.
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct PlaqueForm {
    /// The street, town, community or village; fixed on edit.
    pub unit_id: i64,
    /// The text on the plaque.
    pub name: String,
    /// `outdoor` or `indoor`.
    pub placement: String,
    /// Streets and towns: `work_agency`, `functional`, `comprehensive_office`, `honorary`, or
    /// empty. Ignored for communities and villages.
    pub kind: String,
    /// Where it hangs (大门东侧).
    pub location: String,
    /// Hung since (YYYY-MM-DD).
    pub since: String,
    /// A temporary street plaque (4.1-5): the admitted request. Fixed on edit.
    pub temporary_demand_id: Option<i64>,
}

/// One plaque as pages and the API show it.
#[derive(Clone, Debug, Serialize)]
pub struct PlaqueView {
    pub id: i64,
    pub unit_node_id: i64,
    pub unit_name: String,
    pub unit_kind_zh: &'static str,
    pub name: String,
    pub placement: String,
    pub placement_zh: &'static str,
    pub kind: Option<String>,
    pub kind_zh: Option<&'static str>,
    pub location: String,
    pub since: String,
    /// `hanging` or `removed`.
    pub status: String,
    pub status_zh: &'static str,
    pub removed_on: Option<String>,
    pub has_photo: bool,
    pub temporary_demand_id: Option<i64>,
    pub decision: DecisionView,
    pub compliant: bool,
    /// The list entry the name was recognised as: key and name.
    pub matched_key: Option<String>,
    pub matched_name: Option<String>,
    pub checked_at: i64,
    pub checked_at_text: String,
    pub open_task: Option<RemovalTaskView>,
    pub created_at: String,
}

/// A removal task as pages and the API show it.
#[derive(Clone, Debug, Serialize)]
pub struct RemovalTaskView {
    pub id: i64,
    pub plaque_id: i64,
    pub plaque_name: String,
    pub plaque_placement_zh: &'static str,
    pub plaque_since: String,
    pub unit_node_id: i64,
    pub unit_name: String,
    pub reason_code: String,
    pub clause: String,
    pub message: String,
    /// `outdoor` or `indoor` when the fix is to move the plaque.
    pub move_to: Option<String>,
    pub move_to_zh: Option<&'static str>,
    pub deadline: String,
    /// `open` or `closed`.
    pub status: String,
    pub status_zh: &'static str,
    pub overdue: bool,
    /// `removed` or `corrected`.
    pub resolution: Option<String>,
    pub resolution_zh: Option<&'static str>,
    pub closed_on: Option<String>,
    pub closed_by: Option<String>,
    pub has_evidence: bool,
    pub created_at: String,
}

/// One unit's registry page.
#[derive(Clone, Debug, Serialize)]
pub struct UnitRegistry {
    pub unit: NodeView,
    pub parent_name: String,
    /// 街道(乡镇)挂牌清单 or 社区(村)挂牌清单, with the clauses.
    pub list_zh: &'static str,
    pub is_subdistrict: bool,
    /// Hanging first, then removed; each newest first.
    pub plaques: Vec<PlaqueView>,
    pub open_tasks: Vec<RemovalTaskView>,
    pub counts: Counts,
    /// The user may add, edit and remove plaques here.
    pub can_manage: bool,
    /// Names allowed today, outdoors and indoors (what the form offers as hints).
    pub outdoor_names: Vec<String>,
    pub indoor_names: Vec<String>,
    /// For a street or town: its communities and villages.
    pub children: Vec<UnitSummary>,
    pub today: String,
}

/// A unit with its counts, for the overview.
#[derive(Clone, Debug, Serialize)]
pub struct UnitSummary {
    pub id: i64,
    pub name: String,
    pub kind_zh: &'static str,
    pub parent_name: String,
    pub counts: Counts,
}

/// Filters of the units overview.
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct UnitSummaryFilter {
    /// Unit name contains.
    pub q: String,
    /// `compliant` (no non-compliant plaque), `noncompliant` (at least one), or empty.
    pub compliance: String,
}

/// Filters of the plaque list.
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct PlaqueFilter {
    pub unit_id: Option<i64>,
    /// `compliant`, `noncompliant` or empty.
    pub compliance: String,
    /// `hanging` (default), `removed` or `all`.
    pub status: String,
    /// Name contains.
    pub q: String,
}

/// Filters of the removal-task list.
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct TaskFilter {
    /// `open` (default), `overdue`, `closed` or `all`.
    pub status: String,
    pub unit_id: Option<i64>,
}

/// A form validated: what the rules and the row need.
struct Valid {
    name: String,
    placement: Placement,
    kind: Option<PlaqueKind>,
    location: String,
    since: NaiveDate,
    temporary: Option<TemporaryPlaqueGrant>,
}

/// What the rules read of one plaque.
#[derive(Clone, Copy)]
struct Facts<'a> {
    name: &'a str,
    placement: Placement,
    kind: Option<PlaqueKind>,
    since: NaiveDate,
}

impl Valid {
    fn facts(&self) -> Facts<'_> {
        Facts {
            name: &self.name,
            placement: self.placement,
            kind: self.kind,
            since: self.since,
        }
    }

    /// The plaque as its row stores it (`since` is the date as text, a new photo with its type).
    fn described<'a>(
        &'a self,
        since: &'a str,
        photo: Option<(&'a [u8], &'a str)>,
    ) -> repo::Described<'a> {
        repo::Described {
            name: &self.name,
            placement: placement_str(self.placement),
            kind: self.kind.map(kind_str),
            location: &self.location,
            since,
            photo,
        }
    }
}

/// The finding a removal task records.
struct Finding {
    code: String,
    clause: String,
    message: String,
}

/// The rules' verdict on one plaque.
struct Judgement {
    decision: Decision,
    finding: Option<Finding>,
    matched_key: Option<String>,
    move_to: Option<Placement>,
}

impl Judgement {
    /// The verdict as the plaque's row stores it, checked at `at`; `decision` is the JSON of
    /// its [`DecisionView`] (see [`decision_json`]).
    fn stored<'a>(&'a self, decision: &'a str, at: i64) -> repo::Judged<'a> {
        repo::Judged {
            decision,
            compliant: self.decision.outcome != Outcome::Reject,
            matched_key: self.matched_key.as_deref(),
            at,
        }
    }
}

/// The decision as the plaque's row stores it.
fn decision_json(d: &DecisionView) -> Result<String> {
    serde_json::to_string(d).map_err(|_| DomainError::internal())
}

fn placement_str(p: Placement) -> &'static str {
    match p {
        Placement::Outdoor => "outdoor",
        Placement::Indoor => "indoor",
    }
}

fn parse_placement(s: &str) -> Result<Placement> {
    match s.trim() {
        "outdoor" => Ok(Placement::Outdoor),
        "indoor" => Ok(Placement::Indoor),
        _ => Err(DomainError::field(
            "placement",
            "placement_invalid",
            "请选择悬挂位置：室外或室内",
        )),
    }
}

fn text(s: &str, field: &'static str, label: &str, max: usize) -> Result<String> {
    let t = text::visible(s);
    if t.is_empty() {
        return Err(DomainError::field(
            field,
            "required",
            format!("请填写{label}"),
        ));
    }
    if t.chars().count() > max {
        return Err(DomainError::field(
            field,
            "too_long",
            format!("{label}不能超过 {max} 字"),
        ));
    }
    text::check_chars(t, text::Lines::One, field, label)?;
    Ok(t.to_owned())
}

/// Where a unit sits: the names of its city, district and street or town in the tree.
#[derive(Clone, Debug, Default)]
pub(crate) struct Places {
    city: String,
    district: String,
    street: String,
}

impl Places {
    fn rules(&self) -> UnitPlaces<'_> {
        UnitPlaces {
            city: &self.city,
            district: &self.district,
            street: &self.street,
        }
    }
}

/// Runs the rules on one plaque: the street list or the whitelist (4.1, 4.4), with the place
/// words of its name checked against where the unit sits, and for a temporary street plaque
/// also 4.1-5 (approved, not past its task's end).
fn judge(
    unit: &NodeView,
    uk: UnitKind,
    places: &Places,
    p: &Facts<'_>,
    temporary: Option<&TemporaryPlaqueGrant>,
    today: NaiveDate,
) -> Result<Judgement> {
    let Facts {
        name,
        placement,
        kind,
        since,
    } = *p;
    let lists = lists()?;
    let on = rules_date(today)?;
    let ruling = check_plaque(
        &PlaqueFacts {
            name,
            placement,
            unit: uk,
            unit_name: &unit.name,
            kind: kind.filter(|_| uk.is_subdistrict()),
            temporary_approved: temporary.is_some(),
            places: places.rules(),
        },
        lists,
        on,
    );
    let mut finding = (ruling.decision.outcome == Outcome::Reject)
        .then(|| ruling.decision.reasons.first())
        .flatten()
        .map(|r| Finding {
            code: r.code.to_owned(),
            clause: r.clause.as_str().to_owned(),
            message: r.message.to_string(),
        });
    let mut decision = ruling.decision;
    if let Some(g) = temporary {
        let t = temporary_decision(name, uk, g, since, today)?;
        if finding.is_none() && t.outcome == Outcome::Reject {
            finding = t.reasons.first().map(|r| Finding {
                code: r.code.to_owned(),
                clause: r.clause.as_str().to_owned(),
                message: r.message.to_string(),
            });
        }
        decision.merge(t);
    }
    Ok(Judgement {
        finding,
        decision,
        matched_key: ruling.matched.map(|e| e.key.clone()),
        move_to: ruling.move_to,
    })
}

/// 4.1-5 on a temporary plaque hung on `since` under an admitted request. The request's first
/// day stands for the day of consent: the plaque may go up from then (a request is admitted
/// before its task starts), and must be gone the day after its last day.
fn temporary_decision(
    name: &str,
    uk: UnitKind,
    g: &TemporaryPlaqueGrant,
    since: NaiveDate,
    today: NaiveDate,
) -> Result<Decision> {
    let start = jianfu_rules::Date::parse(&g.start).ok_or_else(DomainError::internal)?;
    let end = jianfu_rules::Date::parse(&g.end).ok_or_else(DomainError::internal)?;
    Ok(check_temporary_plaque(&TemporaryPlaqueFacts {
        name,
        unit: uk,
        task: &g.task,
        start,
        end,
        approval: g.approved.then_some(StaffingApproval {
            approved_on: start,
            document: &g.admission_number,
        }),
        hung_on: Some(rules_date(since)?),
        removed_on: None,
        today: rules_date(today)?,
    }))
}

/// Validates the date a plaque came down: given, a date, not before it went up, not in the
/// future.
fn removal_date(s: &str, since: &str, today: NaiveDate) -> Result<NaiveDate> {
    if s.trim().is_empty() {
        return Err(DomainError::field(
            "removed_on",
            "removed_on_required",
            "请填写牌子实际清理（摘除）的日期",
        ));
    }
    let d = parse_date(s, "removed_on")?;
    if d > today {
        return Err(DomainError::field(
            "removed_on",
            "removed_on_in_future",
            "清理日期不能晚于今天",
        ));
    }
    if since > d.to_string().as_str() {
        return Err(DomainError::field(
            "removed_on",
            "removed_before_since",
            format!("清理日期不能早于悬挂日期 {since}"),
        ));
    }
    Ok(d)
}

/// A photo's bytes with their content type.
type Photo<'a> = (&'a [u8], &'static str);

/// The date a plaque came down and its photo, both checked (every problem at once).
fn removal<'a>(
    removed_on: &str,
    since: &str,
    photo: Option<&'a [u8]>,
    today: NaiveDate,
) -> Result<(NaiveDate, Option<Photo<'a>>)> {
    let mut p = crate::Problems::new();
    let date = p.take(removal_date(removed_on, since, today));
    let photo = match photo.filter(|b| !b.is_empty()) {
        Some(b) => p.take(check_photo(b, "photo")).map(|t| (b, t)),
        None => None,
    };
    p.finish()?;
    Ok((date.ok_or_else(DomainError::internal)?, photo))
}

fn status_zh(s: &str) -> &'static str {
    PlaqueStatus::stored(s).label_zh()
}

impl App {
    /// A node that keeps a plaque registry: a street, town, community or village.
    pub(crate) async fn plaque_unit(&self, id: i64) -> Result<(NodeView, UnitKind)> {
        let bad = || {
            DomainError::field(
                "unit_id",
                "unit_invalid",
                "请选择登记挂牌的街道(乡镇)或社区(村)",
            )
        };
        let n = match self.find_node(id).await {
            Ok(n) => n,
            Err(e) if e.kind == ErrorKind::NotFound => return Err(bad()),
            Err(e) => return Err(e),
        };
        let uk = unit_kind(n.kind).ok_or_else(bad)?;
        Ok((n, uk))
    }

    /// The city, district and street or town `unit` sits in, read from its ancestors.
    pub(crate) async fn unit_places(&self, unit: &NodeView) -> Result<Places> {
        let ids: Vec<i64> = unit
            .path
            .split('/')
            .filter_map(|s| s.parse().ok())
            .filter(|i| *i != unit.id)
            .collect();
        let mut places = Places::default();
        if ids.is_empty() {
            return Ok(places);
        }
        for n in jianfu_store::repo::tree::by_ids(self.store.db(), ids).await? {
            let slot = match NodeKind::parse(&n.kind)? {
                NodeKind::City => &mut places.city,
                NodeKind::District => &mut places.district,
                NodeKind::Street | NodeKind::Town => &mut places.street,
                NodeKind::Community | NodeKind::Village | NodeKind::Department => continue,
            };
            *slot = n.name;
        }
        Ok(places)
    }

    pub(crate) async fn plaque_row(&self, id: i64) -> Result<repo::PlaqueRow> {
        repo::plaque(self.store.db(), id)
            .await?
            .ok_or_else(|| DomainError::not_found("挂牌"))
    }

    /// Every problem of a plaque form at once (a field shows its first); the photo, when one
    /// came, is checked with the rest and its content type returned.
    async fn validate_plaque(
        &self,
        unit: &NodeView,
        uk: UnitKind,
        f: &PlaqueForm,
        photo: Option<&[u8]>,
        today: NaiveDate,
    ) -> Result<(Valid, Option<&'static str>)> {
        let mut p = crate::Problems::new();
        let name = p.take(text(&f.name, "name", "牌子名称（牌面文字）", 100));
        let placement = p.take(parse_placement(&f.placement));
        let kind = if uk.is_subdistrict() && !f.kind.trim().is_empty() {
            p.take(parse_kind(f.kind.trim()).ok_or_else(|| {
                DomainError::field("kind", "kind_invalid", "请选择挂牌类别（4.1-2）")
            }))
        } else {
            None
        };
        let location = p.take(text(
            &f.location,
            "location",
            "悬挂地点（如：办公楼正门东侧）",
            200,
        ));
        let since = if f.since.trim().is_empty() {
            p.push(DomainError::field(
                "since",
                "since_required",
                "请填写开始悬挂的日期",
            ));
            None
        } else {
            match p.take(parse_date(&f.since, "since")) {
                Some(d) if d > today => {
                    p.push(DomainError::field(
                        "since",
                        "since_in_future",
                        "开始悬挂日期不能晚于今天；尚未悬挂的牌子不登记",
                    ));
                    None
                }
                d => d,
            }
        };
        let photo_type = match photo.filter(|b| !b.is_empty()) {
            Some(b) => p.take(check_photo(b, "photo")),
            None => None,
        };
        // The request is checked against the text and placement given, so only once both are.
        let temporary = match (f.temporary_demand_id, &name, placement) {
            (Some(id), Some(name), Some(placement)) => {
                p.take(self.temporary_grant(unit, uk, id, name, placement).await)
            }
            _ => None,
        };
        // A temporary plaque that could not lawfully go up (hung before its approval) is
        // refused; one that hung lawfully but is past its task's end is a fact to record: it is
        // recorded non-compliant, with a removal task, and the detector flags it.
        if let (Some(g), Some(name), Some(since)) = (&temporary, &name, since) {
            let d = temporary_decision(name, uk, g, since, today)?;
            if d.outcome == Outcome::Reject && d.codes().any(|c| c != "temporary_plaque_overdue") {
                let mut e = crate::certificate::rules_error(&d);
                e.field = Some("since");
                p.push(e);
            }
        }
        p.finish()?;
        match (name, placement, location, since) {
            (Some(name), Some(placement), Some(location), Some(since)) => Ok((
                Valid {
                    name,
                    placement,
                    kind,
                    location,
                    since,
                    temporary,
                },
                photo_type,
            )),
            _ => Err(DomainError::internal()),
        }
    }

    /// The admitted request a temporary plaque is recorded under (4.1-5): of this street or
    /// town, for this text and placement. A request not (or no longer) admitted is refused by
    /// [`App::admitted_temporary_plaque`] with clause 4.1-5.
    async fn temporary_grant(
        &self,
        unit: &NodeView,
        uk: UnitKind,
        demand_id: i64,
        name: &str,
        placement: Placement,
    ) -> Result<TemporaryPlaqueGrant> {
        let field = "temporary_demand_id";
        if !uk.is_subdistrict() {
            return Err(DomainError::field(
                field,
                "temporary_street_only",
                "临时加挂牌子仅限街道(乡镇)报经区(市、县)编制部门同意（4.1-5）；社区(村)只悬挂清单所列牌子",
            ));
        }
        let g = match self.admitted_temporary_plaque(demand_id).await {
            Ok(g) => g,
            Err(e) if e.kind == ErrorKind::NotFound => {
                return Err(DomainError::field(
                    field,
                    "temporary_demand_unknown",
                    "找不到该临时加挂牌子申请",
                ));
            }
            Err(e) => return Err(e),
        };
        if g.unit_node_id != unit.id {
            return Err(DomainError::field(
                field,
                "temporary_other_unit",
                "该临时加挂牌子申请不是本单位提出的",
            ));
        }
        if !g.approved {
            return Err(DomainError::field(
                field,
                "temporary_not_approved",
                "临时加挂牌子尚未经区(市、县)编制部门同意，不能悬挂（4.1-5）",
            ));
        }
        if normalise_name(name) != normalise_name(&g.plaque_text) {
            return Err(DomainError::field(
                "name",
                "temporary_text_mismatch",
                format!("牌子名称须与经同意的申请一致：“{}”（4.1-5）", g.plaque_text),
            ));
        }
        if placement != g.placement {
            return Err(DomainError::field(
                "placement",
                "temporary_placement_mismatch",
                format!("经同意的悬挂位置是{}（4.1-5）", g.placement.label_zh()),
            ));
        }
        Ok(g)
    }

    /// The deadline of a removal task opened today at `unit`: the deadline of the campaign in
    /// progress in its district, or today plus the 4.1-7 period in force (see the module docs).
    /// A temporary plaque whose task has ended is due at once: 4.1-5 says 立即清理.
    async fn task_deadline(
        &self,
        unit: &NodeView,
        today: NaiveDate,
        j: &Judgement,
    ) -> Result<String> {
        let today_s = today.to_string();
        if j.finding
            .as_ref()
            .is_some_and(|f| f.code == "temporary_plaque_overdue")
        {
            return Ok(today_s);
        }
        if let Ok(district) = self.district_of(&unit.path).await
            && let Some(c) = repo::latest_campaign(self.store.db(), district.id, &today_s).await?
        {
            return Ok(c.deadline);
        }
        // 一周 (4.1-7) when the data has no period in force that day.
        let days = lists()?
            .self_inspection_days(rules_date(today)?)
            .unwrap_or(7);
        Ok((today + chrono::Duration::days(i64::from(days))).to_string())
    }

    /// Records a plaque hanging at a unit (ManagePlaques there). The rules decide at once; a
    /// plaque they reject is recorded with a removal task. A temporary plaque needs its request
    /// admitted (4.1-5). Bad input, a photo that is not an image or too large, changes nothing.
    pub async fn add_plaque(
        &self,
        ctx: &Ctx,
        f: &PlaqueForm,
        photo: Option<&[u8]>,
    ) -> Result<PlaqueView> {
        let (unit, uk) = self.plaque_unit(f.unit_id).await?;
        self.check(ctx, Action::ManagePlaques, &unit.target())
            .await?;
        let id = self
            .record_plaque(Actor::User(ctx), &unit, uk, f, photo)
            .await?;
        self.plaque_view_of(self.plaque_row(id).await?).await
    }

    /// The recording shared by [`App::add_plaque`] and the demo data.
    pub(crate) async fn record_plaque(
        &self,
        actor: Actor<'_>,
        unit: &NodeView,
        uk: UnitKind,
        f: &PlaqueForm,
        photo: Option<&[u8]>,
    ) -> Result<i64> {
        self.record_plaques(actor, &[(unit, uk, f, photo)])
            .await?
            .pop()
            .ok_or_else(DomainError::internal)
    }

    /// Records plaques in one transaction, each validated and judged first (nothing is stored
    /// if any is refused) and each with its own audit entry. The caller has authorized them.
    pub(crate) async fn record_plaques(
        &self,
        actor: Actor<'_>,
        items: &[(&NodeView, UnitKind, &PlaqueForm, Option<&[u8]>)],
    ) -> Result<Vec<i64>> {
        let today = self.today();
        let mut prepared = Vec::with_capacity(items.len());
        for &(unit, uk, f, photo) in items {
            let (v, photo_type) = self.validate_plaque(unit, uk, f, photo, today).await?;
            let photo = photo.filter(|b| !b.is_empty());
            let places = self.unit_places(unit).await?;
            let j = judge(unit, uk, &places, &v.facts(), v.temporary.as_ref(), today)?;
            let deadline = if j.finding.is_some() {
                self.task_deadline(unit, today, &j).await?
            } else {
                String::new()
            };
            prepared.push((unit, v, photo, photo_type, j, deadline));
        }
        let now = self.now_ms();
        let mut tx = self.store.begin_write().await?;
        let mut ids = Vec::with_capacity(prepared.len());
        for (unit, v, photo, photo_type, j, deadline) in prepared {
            let decision = DecisionView::from_decision(&j.decision);
            let since = v.since.to_string();
            let described = v.described(&since, photo.zip(photo_type));
            let id = repo::insert_plaque(
                tx.conn(),
                unit.id,
                &described,
                PlaqueStatus::Hanging.as_str(),
                v.temporary.as_ref().map(|g| g.demand_id),
                &j.stored(&decision_json(&decision)?, now),
                actor.account_id(),
            )
            .await?;
            let task = sync_task(tx.conn(), id, unit.id, &j, &deadline, actor, today, now).await?;
            tx.audit(actor.entry(
                "plaque.add",
                "plaque",
                Some(id.to_string()),
                serde_json::json!({
                    "unit": unit.name, "name": v.name, "placement": placement_str(v.placement),
                    "kind": v.kind.map(kind_str), "since": v.since.to_string(),
                    "temporary_demand_id": v.temporary.as_ref().map(|g| g.demand_id),
                    "photo": photo.map(<[u8]>::len), "outcome": decision.outcome,
                    "clauses": decision.clauses, "removal_task": task.opened(),
                }),
            ))
            .await?;
            ids.push(id);
        }
        tx.commit().await?;
        Ok(ids)
    }

    /// Corrects a hanging plaque (name, placement, kind, location, since, photo); the rules run
    /// again: a plaque that now passes closes its open task as corrected, one that fails gets a
    /// task (or its open task's finding is updated).
    pub async fn edit_plaque(
        &self,
        ctx: &Ctx,
        id: i64,
        f: &PlaqueForm,
        photo: Option<&[u8]>,
    ) -> Result<PlaqueView> {
        let row = self.plaque_row(id).await?;
        let (unit, uk) = self.plaque_unit(row.unit_node_id).await?;
        self.check(ctx, Action::ManagePlaques, &unit.target())
            .await?;
        if row.status != PlaqueStatus::Hanging.as_str() {
            return Err(DomainError::conflict(
                "plaque_removed",
                format!(
                    "该牌子已于 {} 清理，不能再修改",
                    row.removed_on.as_deref().unwrap_or("-")
                ),
            ));
        }
        let today = self.today();
        let form = PlaqueForm {
            unit_id: row.unit_node_id,
            temporary_demand_id: row.temporary_demand_id,
            ..f.clone()
        };
        let (v, photo_type) = self.validate_plaque(&unit, uk, &form, photo, today).await?;
        let photo = photo.filter(|b| !b.is_empty());
        let places = self.unit_places(&unit).await?;
        let j = judge(&unit, uk, &places, &v.facts(), v.temporary.as_ref(), today)?;
        let deadline = self.task_deadline(&unit, today, &j).await?;
        let decision = DecisionView::from_decision(&j.decision);
        let now = self.now_ms();
        let actor = Actor::User(ctx);
        let mut tx = self.store.begin_write().await?;
        let since = v.since.to_string();
        let described = v.described(&since, photo.zip(photo_type));
        let hanging = PlaqueStatus::Hanging.as_str();
        let json = decision_json(&decision)?;
        let corrected =
            repo::correct_plaque(tx.conn(), id, hanging, &described, &j.stored(&json, now)).await?;
        if !corrected {
            return Err(DomainError::conflict(
                "plaque_removed",
                "该牌子已清理，不能再修改；请刷新",
            ));
        }
        let task = sync_task(tx.conn(), id, unit.id, &j, &deadline, actor, today, now).await?;
        tx.audit(ctx.entry(
            "plaque.edit",
            "plaque",
            Some(id.to_string()),
            serde_json::json!({
                "unit": unit.name,
                "before": { "name": row.name, "placement": row.placement, "kind": row.kind, "location": row.location, "since": row.since, "compliant": row.compliant },
                "after": { "name": v.name, "placement": placement_str(v.placement), "kind": v.kind.map(kind_str), "location": v.location, "since": v.since.to_string(), "compliant": j.decision.outcome != Outcome::Reject },
                "photo_replaced": photo.is_some(), "clauses": decision.clauses, "removal_task": task.summary(),
            }),
        ))
        .await?;
        tx.commit().await?;
        self.plaque_view_of(self.plaque_row(id).await?).await
    }

    /// Confirms a hanging plaque as it is (自检自查): the rules run again with today's lists.
    pub async fn confirm_plaque(&self, ctx: &Ctx, id: i64) -> Result<PlaqueView> {
        let row = self.plaque_row(id).await?;
        let (unit, _) = self.plaque_unit(row.unit_node_id).await?;
        self.check(ctx, Action::ManagePlaques, &unit.target())
            .await?;
        if row.status != PlaqueStatus::Hanging.as_str() {
            return Err(DomainError::conflict(
                "plaque_removed",
                "该牌子已清理，无需复核",
            ));
        }
        let n = self
            .recheck(Actor::User(ctx), &unit, vec![row], "plaque.confirm")
            .await?;
        tracing::debug!(rechecked = n.0, "plaque confirmed");
        self.plaque_view_of(self.plaque_row(id).await?).await
    }

    /// Re-checks every hanging plaque of a unit and, for a street or town, of its communities
    /// and villages (the self-inspection's confirmation, 4.1-3). Returns (checked,
    /// non-compliant).
    pub async fn recheck_unit_plaques(&self, ctx: &Ctx, unit_id: i64) -> Result<(usize, usize)> {
        let (unit, _) = self.plaque_unit(unit_id).await?;
        self.check(ctx, Action::ManagePlaques, &unit.target())
            .await?;
        let subtree = Scope::subtree(&unit.path);
        let hanging = PlaqueStatus::Hanging.as_str();
        let rows = repo::plaques_in(self.store.db(), Where::Scope(&subtree), hanging).await?;
        self.recheck(Actor::User(ctx), &unit, rows, "plaque.recheck_all")
            .await
    }

    /// Runs the rules again on `rows` and stores the results, in one transaction with one audit
    /// entry. Returns (checked, non-compliant).
    pub(crate) async fn recheck(
        &self,
        actor: Actor<'_>,
        scope: &NodeView,
        rows: Vec<repo::PlaqueRow>,
        action: &str,
    ) -> Result<(usize, usize)> {
        let today = self.today();
        let mut units: HashMap<i64, (NodeView, UnitKind, Places)> = HashMap::new();
        let mut plans = Vec::with_capacity(rows.len());
        for r in &rows {
            if let std::collections::hash_map::Entry::Vacant(e) = units.entry(r.unit_node_id) {
                let (unit, uk) = self.plaque_unit(r.unit_node_id).await?;
                let places = self.unit_places(&unit).await?;
                e.insert((unit, uk, places));
            }
            let Some((unit, uk, places)) = units.get(&r.unit_node_id) else {
                return Err(DomainError::internal());
            };
            let grant = match r.temporary_demand_id {
                // A request no longer admitted leaves an ordinary plaque, judged by the list.
                Some(d) => self.admitted_temporary_plaque(d).await.ok(),
                None => None,
            };
            let placement = parse_placement(&r.placement).map_err(|_| DomainError::internal())?;
            let since = parse_date(&r.since, "since").map_err(|_| DomainError::internal())?;
            let facts = Facts {
                name: &r.name,
                placement,
                kind: r.kind.as_deref().and_then(parse_kind),
                since,
            };
            let j = judge(unit, *uk, places, &facts, grant.as_ref(), today)?;
            let deadline = if j.finding.is_some() {
                self.task_deadline(unit, today, &j).await?
            } else {
                String::new()
            };
            plans.push((r.id, r.unit_node_id, j, deadline));
        }
        let now = self.now_ms();
        let mut tx = self.store.begin_write().await?;
        let mut noncompliant = 0;
        let mut opened = Vec::new();
        for (id, unit_id, j, deadline) in &plans {
            let decision = DecisionView::from_decision(&j.decision);
            let compliant = j.decision.outcome != Outcome::Reject;
            if !compliant {
                noncompliant += 1;
            }
            let hanging = PlaqueStatus::Hanging.as_str();
            let json = decision_json(&decision)?;
            repo::rejudge_plaque(tx.conn(), *id, hanging, &j.stored(&json, now)).await?;
            let t = sync_task(tx.conn(), *id, *unit_id, j, deadline, actor, today, now).await?;
            if let Some(t) = t.opened() {
                opened.push(t);
            }
        }
        let target = if plans.len() == 1 {
            ("plaque", plans.first().map(|p| p.0.to_string()))
        } else {
            ("node", Some(scope.id.to_string()))
        };
        tx.audit(actor.entry(
            action,
            target.0,
            target.1,
            serde_json::json!({ "unit": scope.name, "checked": plans.len(), "noncompliant": noncompliant, "removal_tasks_opened": opened }),
        ))
        .await?;
        tx.commit().await?;
        Ok((plans.len(), noncompliant))
    }

    /// Takes a plaque off the wall on a date (not before it went up, not in the future); its
    /// open removal task, if any, closes with that date and the optional photo as evidence.
    pub async fn remove_plaque(
        &self,
        ctx: &Ctx,
        id: i64,
        removed_on: &str,
        photo: Option<&[u8]>,
    ) -> Result<PlaqueView> {
        let row = self.plaque_row(id).await?;
        let (unit, _) = self.plaque_unit(row.unit_node_id).await?;
        self.check(ctx, Action::ManagePlaques, &unit.target())
            .await?;
        if row.status != PlaqueStatus::Hanging.as_str() {
            return Err(DomainError::conflict(
                "plaque_already_removed",
                "该牌子已清理",
            ));
        }
        let (date, photo) = removal(removed_on, &row.since, photo, self.today())?;
        let mut tx = self.store.begin_write().await?;
        let task = take_down(
            tx.conn(),
            id,
            &date.to_string(),
            photo,
            Actor::User(ctx),
            self.now_ms(),
        )
        .await?;
        tx.audit(ctx.entry(
            "plaque.remove",
            "plaque",
            Some(id.to_string()),
            serde_json::json!({ "unit": unit.name, "name": row.name, "removed_on": date.to_string(), "removal_task": task, "photo": photo.map(|p| p.0.len()) }),
        ))
        .await?;
        tx.commit().await?;
        self.plaque_view_of(self.plaque_row(id).await?).await
    }

    /// Closes a removal task: the plaque came down on `removed_on` (required; not before it
    /// went up, not in the future), optionally with a photo. The plaque is marked removed.
    pub async fn close_removal_task(
        &self,
        ctx: &Ctx,
        task_id: i64,
        removed_on: &str,
        photo: Option<&[u8]>,
    ) -> Result<RemovalTaskView> {
        let task = self.task_row(task_id).await?;
        let (unit, _) = self.plaque_unit(task.unit_node_id).await?;
        self.check(ctx, Action::ManagePlaques, &unit.target())
            .await?;
        if TaskStatus::stored(&task.status) != TaskStatus::Open {
            return Err(DomainError::conflict(
                "task_closed",
                format!(
                    "该清理任务已于 {} 办结",
                    task.closed_on.as_deref().unwrap_or("-")
                ),
            ));
        }
        let p = self.plaque_row(task.plaque_id).await?;
        let (date, photo) = removal(removed_on, &p.since, photo, self.today())?;
        let mut tx = self.store.begin_write().await?;
        take_down(
            tx.conn(),
            p.id,
            &date.to_string(),
            photo,
            Actor::User(ctx),
            self.now_ms(),
        )
        .await?;
        tx.audit(ctx.entry(
            "removal_task.close",
            "removal_task",
            Some(task_id.to_string()),
            serde_json::json!({ "unit": unit.name, "plaque": p.name, "plaque_id": p.id, "removed_on": date.to_string(), "deadline": task.deadline, "late": date.to_string() > task.deadline, "photo": photo.map(|p| p.0.len()) }),
        ))
        .await?;
        tx.commit().await?;
        self.task_view_of(self.task_row(task_id).await?).await
    }

    async fn task_row(&self, id: i64) -> Result<repo::TaskRow> {
        repo::task(self.store.db(), id)
            .await?
            .ok_or_else(|| DomainError::not_found("清理任务"))
    }

    /// One plaque, for whoever sees plaques at its unit.
    pub async fn plaque(&self, ctx: &Ctx, id: i64) -> Result<PlaqueView> {
        let row = self.plaque_row(id).await?;
        let unit = self.find_node(row.unit_node_id).await?;
        self.check(ctx, Action::ViewPlaques, &unit.target()).await?;
        self.plaque_view_of(row).await
    }

    /// Whether the user may manage plaques at a unit (for showing forms; no audit).
    pub fn may_manage_plaques(&self, ctx: &Ctx, unit: &NodeView) -> bool {
        authorize(&ctx.principal, Action::ManagePlaques, &unit.target()).is_ok()
    }

    /// A plaque's photo (content type, bytes), through authorization only.
    pub async fn plaque_photo(&self, ctx: &Ctx, id: i64) -> Result<(String, Vec<u8>)> {
        let (unit_id, photo, photo_type) = repo::plaque_photo(self.store.db(), id)
            .await?
            .ok_or_else(|| DomainError::not_found("挂牌"))?;
        let unit = self.find_node(unit_id).await?;
        self.check(ctx, Action::ViewPlaques, &unit.target()).await?;
        match (photo, photo_type) {
            (Some(b), Some(t)) => Ok((t, b)),
            _ => Err(DomainError::not_found("照片")),
        }
    }

    /// A closed task's evidence photo, through authorization only.
    pub async fn task_evidence(&self, ctx: &Ctx, id: i64) -> Result<(String, Vec<u8>)> {
        let (unit_id, evidence, evidence_type) = repo::task_evidence(self.store.db(), id)
            .await?
            .ok_or_else(|| DomainError::not_found("清理任务"))?;
        let unit = self.find_node(unit_id).await?;
        self.check(ctx, Action::ViewPlaques, &unit.target()).await?;
        match (evidence, evidence_type) {
            (Some(b), Some(t)) => Ok((t, b)),
            _ => Err(DomainError::not_found("照片")),
        }
    }

    /// One removal task.
    pub async fn removal_task(&self, ctx: &Ctx, id: i64) -> Result<RemovalTaskView> {
        let row = self.task_row(id).await?;
        let unit = self.find_node(row.unit_node_id).await?;
        self.check(ctx, Action::ViewPlaques, &unit.target()).await?;
        self.task_view_of(row).await
    }

    /// One unit's registry: its plaques with the rules' findings, its open tasks, and what may
    /// hang there today.
    pub async fn unit_registry(&self, ctx: &Ctx, unit_id: i64) -> Result<UnitRegistry> {
        let (unit, uk) = match self.plaque_unit(unit_id).await {
            Ok(u) => u,
            Err(e) if e.kind == ErrorKind::Invalid => {
                return Err(DomainError::not_found("挂牌登记单位"));
            }
            Err(e) => return Err(e),
        };
        self.check(ctx, Action::ViewPlaques, &unit.target()).await?;
        let rows = repo::unit_plaques(self.store.db(), unit.id, 1000).await?;
        let plaques = self.plaque_views(rows).await?;
        let open = TaskStatus::Open.as_str();
        let (tasks, _) = repo::tasks(
            &self.store,
            Where::Unit(unit.id),
            TaskSelection::ByDeadline { status: open },
            0,
            i64::MAX.unsigned_abs(),
        )
        .await?;
        let open_tasks = self.task_views(tasks).await?;
        let counts = Counts {
            hanging: plaques
                .iter()
                .filter(|p| p.status == PlaqueStatus::Hanging.as_str())
                .count() as u64,
            noncompliant: plaques
                .iter()
                .filter(|p| p.status == PlaqueStatus::Hanging.as_str() && !p.compliant)
                .count() as u64,
            open_tasks: open_tasks.len() as u64,
        };
        let today = self.today();
        let on = rules_date(today)?;
        let lists = lists()?;
        let names = |p| lists.allowed(uk, p, on).map(|e| e.name.clone()).collect();
        let parent_name = match unit.parent_id {
            Some(p) => self.find_node(p).await?.name,
            None => String::new(),
        };
        let children = if uk.is_subdistrict() {
            let kids: Vec<NodeView> = jianfu_store::repo::tree::children(self.store.db(), unit.id)
                .await?
                .into_iter()
                .map(NodeView::from_row)
                .collect::<Result<_>>()?;
            let counts = self.unit_counts(&Scope::subtree(&unit.path)).await?;
            kids.into_iter()
                .filter(|k| k.kind.is_community())
                .map(|k| UnitSummary {
                    counts: counts.get(&k.id).copied().unwrap_or_default(),
                    id: k.id,
                    kind_zh: k.kind_zh,
                    name: k.name,
                    parent_name: unit.name.clone(),
                })
                .collect()
        } else {
            Vec::new()
        };
        Ok(UnitRegistry {
            can_manage: self.may_manage_plaques(ctx, &unit),
            parent_name,
            list_zh: if uk.is_subdistrict() {
                "街道(乡镇)挂牌清单（4.1-2、4.1-3）"
            } else {
                "社区(村)挂牌清单（室外 4.4-4，室内 4.4-5）"
            },
            is_subdistrict: uk.is_subdistrict(),
            plaques,
            open_tasks,
            counts,
            outdoor_names: names(Placement::Outdoor),
            indoor_names: names(Placement::Indoor),
            children,
            today: today.to_string(),
            unit,
        })
    }

    /// Counts per unit in `scope`: hanging, non-compliant and open tasks.
    pub(crate) async fn unit_counts(&self, scope: &Scope) -> Result<HashMap<i64, Counts>> {
        let mut out: HashMap<i64, Counts> = HashMap::new();
        let hanging = PlaqueStatus::Hanging.as_str();
        for (unit, compliant, n) in repo::hanging_by_unit(&self.store, scope, hanging).await? {
            let c = out.entry(unit).or_default();
            let n = u64::try_from(n).unwrap_or(0);
            c.hanging += n;
            if !compliant {
                c.noncompliant += n;
            }
        }
        let open = TaskStatus::Open.as_str();
        for (unit, n) in repo::open_tasks_by_unit(&self.store, scope, open).await? {
            out.entry(unit).or_default().open_tasks = u64::try_from(n).unwrap_or(0);
        }
        Ok(out)
    }

    /// The units whose registries the user sees, with their counts, filtered and paged.
    pub async fn plaque_units(
        &self,
        ctx: &Ctx,
        f: &UnitSummaryFilter,
        page: PageRequest,
    ) -> Result<Page<UnitSummary>> {
        let scope = self
            .visible_or_deny(ctx, Action::ViewPlaques, "您的角色不能查看挂牌")
            .await?;
        let compliance = f.compliance.trim();
        if !matches!(compliance, "" | "compliant" | "noncompliant") {
            return Err(DomainError::field(
                "compliance",
                "compliance_invalid",
                "筛选条件无效",
            ));
        }
        let nodes = self.nodes_under(&scope).await?;
        // Parents too, also those above the user's jurisdiction (a community's street).
        let parents = nodes.iter().filter_map(|n| n.parent_id).collect();
        let names = jianfu_store::repo::tree::names(self.store.db(), parents).await?;
        let counts = self.unit_counts(&scope).await?;
        let needle = f.q.trim();
        let all: Vec<UnitSummary> = nodes
            .into_iter()
            .filter(|n| unit_kind(n.kind).is_some())
            .filter(|n| needle.is_empty() || n.name.contains(needle))
            .map(|n| UnitSummary {
                counts: counts.get(&n.id).copied().unwrap_or_default(),
                parent_name: n
                    .parent_id
                    .and_then(|p| names.get(&p).cloned())
                    .unwrap_or_default(),
                id: n.id,
                kind_zh: n.kind_zh,
                name: n.name,
            })
            .filter(|u| match compliance {
                "compliant" => u.counts.noncompliant == 0,
                "noncompliant" => u.counts.noncompliant > 0,
                _ => true,
            })
            .collect();
        let total = all.len() as u64;
        let items = all
            .into_iter()
            .skip(usize::try_from(page.offset()).unwrap_or(usize::MAX))
            .take(usize::try_from(page.per_page).unwrap_or(0))
            .collect();
        Ok(page.page(items, total))
    }

    /// Plaques in the user's jurisdiction (or of one unit), filtered and paged.
    pub async fn list_plaques(
        &self,
        ctx: &Ctx,
        f: &PlaqueFilter,
        page: PageRequest,
    ) -> Result<Page<PlaqueView>> {
        let scope = self
            .visible_or_deny(ctx, Action::ViewPlaques, "您的角色不能查看挂牌")
            .await?;
        let place = self.list_place(ctx, f.unit_id, &scope).await?;
        let status = match f.status.trim() {
            "" | "hanging" => Some(PlaqueStatus::Hanging.as_str()),
            "removed" => Some(PlaqueStatus::Removed.as_str()),
            "all" => None,
            _ => {
                return Err(DomainError::field(
                    "status",
                    "status_invalid",
                    "状态应为 hanging、removed 或 all",
                ));
            }
        };
        let compliant = match f.compliance.trim() {
            "" => None,
            "compliant" => Some(true),
            "noncompliant" => Some(false),
            _ => {
                return Err(DomainError::field(
                    "compliance",
                    "compliance_invalid",
                    "合规筛选应为 compliant 或 noncompliant",
                ));
            }
        };
        let q = repo::PlaqueQuery {
            place,
            status,
            compliant,
            name_contains: f.q.trim(),
        };
        let (rows, total) = repo::list(&self.store, q, page.offset(), page.per_page).await?;
        let items = self.plaque_views(rows).await?;
        Ok(page.page(items, total))
    }

    /// Removal tasks in the user's jurisdiction: open ones by deadline (default), overdue,
    /// closed, or all.
    pub async fn list_removal_tasks(
        &self,
        ctx: &Ctx,
        f: &TaskFilter,
        page: PageRequest,
    ) -> Result<Page<RemovalTaskView>> {
        let scope = self
            .visible_or_deny(ctx, Action::ViewPlaques, "您的角色不能查看挂牌清理任务")
            .await?;
        let place = self.list_place(ctx, f.unit_id, &scope).await?;
        let today = self.today().to_string();
        let open = TaskStatus::Open.as_str();
        let which = match f.status.trim() {
            "" | "open" => TaskSelection::ByDeadline { status: open },
            "overdue" => TaskSelection::DueBefore {
                status: open,
                today: &today,
            },
            "closed" => TaskSelection::LastChanged {
                status: TaskStatus::Closed.as_str(),
            },
            "all" => TaskSelection::All,
            _ => {
                return Err(DomainError::field(
                    "status",
                    "status_invalid",
                    "状态应为 open、overdue、closed 或 all",
                ));
            }
        };
        let (rows, total) =
            repo::tasks(&self.store, place, which, page.offset(), page.per_page).await?;
        let items = self.task_views(rows).await?;
        Ok(page.page(items, total))
    }

    /// Where a plaque list looks: the one unit asked for (checked like a direct fetch), else
    /// every unit of the user's scope.
    async fn list_place<'s>(
        &self,
        ctx: &Ctx,
        unit_id: Option<i64>,
        scope: &'s Scope,
    ) -> Result<repo::Where<'s>> {
        Ok(match unit_id {
            Some(id) => {
                let unit = self.find_node(id).await?;
                self.check(ctx, Action::ViewPlaques, &unit.target()).await?;
                Where::Unit(id)
            }
            None => Where::Scope(scope),
        })
    }

    async fn plaque_view_of(&self, row: repo::PlaqueRow) -> Result<PlaqueView> {
        self.plaque_views(vec![row])
            .await?
            .pop()
            .ok_or_else(DomainError::internal)
    }

    pub(crate) async fn plaque_views(&self, rows: Vec<repo::PlaqueRow>) -> Result<Vec<PlaqueView>> {
        let unit_ids: Vec<i64> = rows.iter().map(|r| r.unit_node_id).collect();
        let units: HashMap<i64, NodeView> =
            jianfu_store::repo::tree::by_ids(self.store.db(), unit_ids)
                .await?
                .into_iter()
                .map(|n| NodeView::from_row(n).map(|v| (v.id, v)))
                .collect::<Result<_>>()?;
        let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
        let open = TaskStatus::Open.as_str();
        let tasks = repo::tasks_of_plaques(self.store.db(), ids, open).await?;
        let mut tasks: HashMap<i64, RemovalTaskView> = self
            .task_views(tasks)
            .await?
            .into_iter()
            .map(|t| (t.plaque_id, t))
            .collect();
        let lists = lists()?;
        let mut out = Vec::with_capacity(rows.len());
        for r in rows {
            let unit = units.get(&r.unit_node_id);
            let subdistrict = unit.is_some_and(|u| u.kind.is_subdistrict());
            let list = if subdistrict {
                lists.street_list()
            } else {
                lists.whitelist()
            };
            let matched_name = r
                .matched_key
                .as_deref()
                .and_then(|k| list.iter().find(|e| e.key == k))
                .map(|e| e.name.clone());
            let kind = r.kind.as_deref().and_then(parse_kind);
            out.push(PlaqueView {
                id: r.id,
                unit_node_id: r.unit_node_id,
                unit_name: unit.map(|u| u.name.clone()).unwrap_or_default(),
                unit_kind_zh: unit.map(|u| u.kind_zh).unwrap_or(""),
                placement_zh: placement_zh(&r.placement),
                kind_zh: kind.map(|k| k.label_zh()),
                status_zh: status_zh(&r.status),
                has_photo: r.photo_type.is_some(),
                decision: serde_json::from_str(&r.decision).map_err(|_| DomainError::internal())?,
                open_task: tasks.remove(&r.id),
                checked_at_text: crate::clock::fmt_ms(r.checked_at),
                created_at: crate::clock::fmt_ms(r.created_at),
                name: r.name,
                placement: r.placement,
                kind: r.kind,
                location: r.location,
                since: r.since,
                status: r.status,
                removed_on: r.removed_on,
                temporary_demand_id: r.temporary_demand_id,
                compliant: r.compliant,
                matched_key: r.matched_key,
                matched_name,
                checked_at: r.checked_at,
            });
        }
        Ok(out)
    }

    async fn task_view_of(&self, row: repo::TaskRow) -> Result<RemovalTaskView> {
        self.task_views(vec![row])
            .await?
            .pop()
            .ok_or_else(DomainError::internal)
    }

    pub(crate) async fn task_views(
        &self,
        rows: Vec<repo::TaskRow>,
    ) -> Result<Vec<RemovalTaskView>> {
        let plaque_ids: Vec<i64> = rows.iter().map(|r| r.plaque_id).collect();
        let plaques: HashMap<i64, (String, String, String)> =
            repo::plaque_briefs(self.store.db(), plaque_ids)
                .await?
                .into_iter()
                .map(|(id, n, p, s)| (id, (n, p, s)))
                .collect();
        let unit_ids: Vec<i64> = rows.iter().map(|r| r.unit_node_id).collect();
        let units = jianfu_store::repo::tree::names(self.store.db(), unit_ids).await?;
        let closers: Vec<i64> = rows.iter().filter_map(|r| r.closed_by).collect();
        let accounts =
            jianfu_store::repo::accounts::display_names(self.store.db(), closers).await?;
        let today = self.today().to_string();
        Ok(rows
            .into_iter()
            .map(|r| {
                let p = plaques.get(&r.plaque_id);
                RemovalTaskView {
                    id: r.id,
                    plaque_id: r.plaque_id,
                    plaque_name: p.map(|p| p.0.clone()).unwrap_or_default(),
                    plaque_placement_zh: p.map(|p| placement_zh(&p.1)).unwrap_or("—"),
                    plaque_since: p.map(|p| p.2.clone()).unwrap_or_default(),
                    unit_node_id: r.unit_node_id,
                    unit_name: units.get(&r.unit_node_id).cloned().unwrap_or_default(),
                    move_to_zh: r.move_to.as_deref().map(placement_zh),
                    overdue: TaskStatus::stored(&r.status) == TaskStatus::Open
                        && r.deadline < today,
                    status_zh: TaskStatus::stored(&r.status).label_zh(),
                    resolution_zh: r
                        .resolution
                        .as_deref()
                        .map(|s| Resolution::stored(s).label_zh()),
                    closed_by: r
                        .closed_by
                        .map(|a| accounts.get(&a).cloned().unwrap_or_else(|| a.to_string())),
                    has_evidence: r.evidence_type.is_some(),
                    created_at: crate::clock::fmt_ms(r.created_at),
                    reason_code: r.reason_code,
                    clause: r.clause,
                    message: r.message,
                    move_to: r.move_to,
                    deadline: r.deadline,
                    status: r.status,
                    resolution: r.resolution,
                    closed_on: r.closed_on,
                }
            })
            .collect())
    }
}

/// What happened to a plaque's removal task on a check.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum TaskChange {
    None,
    Opened(i64),
    Updated(i64),
    Corrected(i64),
}

impl TaskChange {
    fn opened(self) -> Option<i64> {
        match self {
            TaskChange::Opened(id) => Some(id),
            _ => None,
        }
    }
    fn summary(self) -> serde_json::Value {
        match self {
            TaskChange::None => serde_json::Value::Null,
            TaskChange::Opened(id) => serde_json::json!({ "opened": id }),
            TaskChange::Updated(id) => serde_json::json!({ "updated": id }),
            TaskChange::Corrected(id) => serde_json::json!({ "corrected": id }),
        }
    }
}

/// Brings a plaque's open removal task in line with a judgement: a finding opens one (or
/// updates the open one's finding), no finding closes the open one as corrected.
#[allow(clippy::too_many_arguments)]
async fn sync_task<C: ConnectionTrait>(
    conn: &C,
    plaque_id: i64,
    unit_id: i64,
    j: &Judgement,
    deadline: &str,
    actor: Actor<'_>,
    today: NaiveDate,
    now: i64,
) -> Result<TaskChange> {
    let open_status = TaskStatus::Open.as_str();
    let open = repo::task_of_plaque(conn, plaque_id, open_status).await?;
    let move_to = j.move_to.map(placement_str);
    let finding = j.finding.as_ref().map(|f| repo::Finding {
        code: &f.code,
        clause: &f.clause,
        message: &f.message,
        move_to,
    });
    match (finding, open) {
        (Some(f), None) => {
            let id =
                repo::insert_task(conn, plaque_id, unit_id, &f, deadline, open_status, now).await?;
            Ok(TaskChange::Opened(id))
        }
        (Some(f), Some(id)) => {
            repo::refind_task(conn, id, &f, now).await?;
            Ok(TaskChange::Updated(id))
        }
        (None, Some(id)) => {
            let closing = repo::Closing {
                status: TaskStatus::Closed.as_str(),
                resolution: Resolution::Corrected.as_str(),
                on: &today.to_string(),
                by: actor.account_id(),
                evidence: None,
            };
            repo::close_task(conn, id, &closing, now).await?;
            Ok(TaskChange::Corrected(id))
        }
        (None, None) => Ok(TaskChange::None),
    }
}

/// Marks a hanging plaque removed on `date` and closes its open task with that date and the
/// evidence photo. Returns the task closed, if there was one.
async fn take_down<C: ConnectionTrait>(
    conn: &C,
    plaque_id: i64,
    date: &str,
    photo: Option<(&[u8], &'static str)>,
    actor: Actor<'_>,
    now: i64,
) -> Result<Option<i64>> {
    let hanging = PlaqueStatus::Hanging.as_str();
    let removed = PlaqueStatus::Removed.as_str();
    if !repo::take_down_plaque(conn, plaque_id, hanging, removed, date, now).await? {
        return Err(DomainError::conflict(
            "plaque_already_removed",
            "该牌子已清理，请刷新",
        ));
    }
    let open = repo::task_of_plaque(conn, plaque_id, TaskStatus::Open.as_str()).await?;
    let Some(task) = open else {
        return Ok(None);
    };
    let closing = repo::Closing {
        status: TaskStatus::Closed.as_str(),
        resolution: Resolution::Removed.as_str(),
        on: date,
        by: actor.account_id(),
        evidence: photo,
    };
    repo::close_task(conn, task, &closing, now).await?;
    Ok(Some(task))
}

/// The plaque module's to-dos: open removal tasks at the units one keeps (4.1-2, 4.1-4), by
/// deadline; and a street's or town's self-inspections not yet completed (4.1-7).
pub(crate) struct PlaqueTodos;

impl crate::inbox::TodoProvider for PlaqueTodos {
    fn items<'a>(
        &'a self,
        app: &'a App,
        ctx: &'a Ctx,
        today: NaiveDate,
    ) -> crate::inbox::TodoFuture<'a> {
        Box::pin(app.plaque_todos(ctx, today))
    }
}

impl App {
    async fn plaque_todos(
        &self,
        ctx: &Ctx,
        today: NaiveDate,
    ) -> Result<Vec<crate::inbox::TodoItem>> {
        use crate::inbox::{PER_PROVIDER, TodoItem};
        let db = self.store.db();
        let mut out = Vec::new();
        let scope = crate::authz::visible(&ctx.principal, Action::ManagePlaques);
        if !scope.is_empty() {
            let open = TaskStatus::Open.as_str();
            let (tasks, _) = repo::tasks(
                &self.store,
                Where::Scope(&scope),
                TaskSelection::ByDeadline { status: open },
                0,
                PER_PROVIDER,
            )
            .await?;
            for t in tasks {
                let name = repo::plaque(db, t.plaque_id)
                    .await?
                    .map(|p| p.name)
                    .unwrap_or_default();
                let unit = self.find_node(t.unit_node_id).await?;
                out.push(
                    TodoItem::new(
                        "挂牌",
                        "待清理",
                        format!("{}：{}", unit.name, name),
                        format!("{}（{}）", t.message, t.clause),
                        format!("/plaques/units/{}", t.unit_node_id),
                    )
                    .due_on(t.deadline.parse().ok(), today),
                );
            }
        }
        let units = crate::authz::own_units(&ctx.principal, Action::CompleteSelfInspection);
        if !units.is_empty() {
            for c in repo::owed_self_inspections(db, units, PER_PROVIDER).await? {
                out.push(
                    TodoItem::new(
                        "挂牌",
                        "待自检自查",
                        c.title,
                        format!("{} 部署", c.launched_on),
                        format!("/campaigns/{}", c.id),
                    )
                    .due_on(c.deadline.parse().ok(), today),
                );
            }
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn removal_dates_are_checked() {
        let today = NaiveDate::from_ymd_opt(2026, 11, 28).unwrap_or_default();
        let code = |s: &str| removal_date(s, "2026-01-01", today).err().map(|e| e.code);
        assert_eq!(code(""), Some("removed_on_required"));
        assert_eq!(code("  "), Some("removed_on_required"));
        assert_eq!(code("2026-13-01"), Some("date_invalid"));
        assert_eq!(code("2026-11-29"), Some("removed_on_in_future"));
        assert_eq!(code("2025-12-31"), Some("removed_before_since"));
        assert_eq!(code("2026-01-01"), None);
        assert_eq!(code("2026-11-28"), None);
    }
}
