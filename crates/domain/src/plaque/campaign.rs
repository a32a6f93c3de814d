//! Self-inspection campaigns (自检自查, 4.1-3): a district launches one; each of its streets and
//! towns re-checks its plaques and those of its communities and reports completion within the
//! period of 4.1-7; the district and city see progress per unit and the non-compliant plaques.

use crate::text;
use std::collections::HashMap;

use jianfu_rules::plaque::{SelfInspectionFacts, check_self_inspection, self_inspection_deadline};
use jianfu_store::entity::{campaign, campaign_unit};
use jianfu_store::repo::{plaques as repo, tree};
use serde::{Deserialize, Serialize};

use super::{Counts, PlaqueStatus, PlaqueView, lists, rules_date};
use crate::authz::{Action, Scope, authorize};
use crate::division::NodeKind;
use crate::error::{DomainError, ErrorKind, Result};
use crate::page::{Page, PageRequest};
use crate::tree::NodeView;
use crate::{App, Ctx};

/// What the launch form sends.
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct CampaignForm {
    pub district_id: i64,
    /// Defaults to 《{district}街道(乡镇)挂牌自检自查》.
    pub title: String,
}

// A campaign in the list (the API's `CampaignSummaryOut` as it is; plain comments keep its
// schema as it was).
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
#[schema(as = CampaignSummaryOut)]
pub struct CampaignSummary {
    pub id: i64,
    pub district_id: i64,
    pub district_name: String,
    pub title: String,
    pub launched_on: String,
    pub deadline: String,
    pub units: u64,
    pub completed: u64,
    // Past the deadline and still open.
    pub overdue: u64,
}

/// One street's or town's self-inspection in a campaign.
#[derive(Clone, Debug, Serialize)]
pub struct CampaignUnitView {
    pub unit_id: i64,
    pub unit_name: String,
    pub kind_zh: &'static str,
    pub completed_on: Option<String>,
    pub completed_by: Option<String>,
    pub note: Option<String>,
    /// `on_time`, `late`, `open` or `overdue` (from `check_self_inspection`).
    pub state: &'static str,
    pub state_zh: &'static str,
    /// The rule's finding when late or overdue, with its clause.
    pub finding: Option<String>,
    pub finding_clause: Option<String>,
    /// The street's and its communities' plaques.
    pub counts: Counts,
    /// Hanging plaques checked since the launch.
    pub rechecked: u64,
    /// The user may complete this unit's self-inspection now.
    pub can_complete: bool,
}

/// A campaign with its progress.
#[derive(Clone, Debug, Serialize)]
pub struct CampaignView {
    pub id: i64,
    pub district_id: i64,
    pub district_name: String,
    pub title: String,
    pub launched_on: String,
    pub deadline: String,
    pub launched_by: String,
    pub clauses: Vec<String>,
    pub units: Vec<CampaignUnitView>,
    pub totals: Counts,
    pub completed: u64,
    pub overdue: u64,
    /// Hanging non-compliant plaques in the district (at most 500), by unit.
    pub noncompliant: Vec<PlaqueView>,
    pub today: String,
}

/// Whether `ctx` sees campaigns of `district`: plaque viewers over it, and the staff of its
/// streets and communities.
fn sees_district(ctx: &Ctx, district: &NodeView) -> bool {
    crate::authz::visible(&ctx.principal, Action::ViewPlaques).meets(&district.path)
}

impl App {
    /// A district approver or a district or city supervisor launches a self-inspection
    /// campaign over a district in their jurisdiction (4.1-3, 4.1-8): every street and town of
    /// the district gets its self-inspection, due after the 4.1-7 period.
    pub async fn launch_campaign(&self, ctx: &Ctx, f: &CampaignForm) -> Result<CampaignView> {
        let bad = || DomainError::field("district_id", "district_invalid", "请选择区(县、市)");
        // The district and the title are both checked before anything is refused (a district
        // that exists is authorized first).
        let mut p = crate::Problems::new();
        let district = match self.find_node(f.district_id).await {
            Ok(d) => {
                self.check(ctx, Action::LaunchCampaign, &d.target()).await?;
                Some(d).filter(|d| d.kind == NodeKind::District)
            }
            Err(e) if e.kind == ErrorKind::NotFound => None,
            Err(e) => return Err(e),
        };
        if district.is_none() {
            p.push(bad());
        }
        let title = text::visible(&f.title);
        if title.chars().count() > 200 || title.chars().any(char::is_control) {
            p.push(DomainError::field(
                "title",
                "title_invalid",
                "标题不能超过 200 字",
            ));
        }
        p.finish()?;
        let district = district.ok_or_else(bad)?;
        let title = if title.is_empty() {
            format!("{}街道(乡镇)挂牌自检自查", district.name)
        } else {
            title.to_owned()
        };
        let today = self.today();
        let deadline = self_inspection_deadline(rules_date(today)?, lists()?).ok_or_else(|| {
            DomainError::conflict(
                "self_inspection_period_missing",
                "当日没有生效的自检自查期限（4.1-7），请先维护挂牌清单数据",
            )
        })?;
        if let Some(c) =
            repo::latest_campaign(self.store.db(), district.id, &today.to_string()).await?
        {
            return Err(DomainError::conflict(
                "campaign_in_progress",
                format!(
                    "{}已有进行中的自检自查“{}”（{} 截止），截止后方可再次部署",
                    district.name, c.title, c.deadline
                ),
            ));
        }
        let kinds = [NodeKind::Street.as_str(), NodeKind::Town.as_str()];
        let units = tree::children_of_kinds(self.store.db(), district.id, &kinds).await?;
        if units.is_empty() {
            return Err(DomainError::conflict(
                "campaign_no_units",
                format!("{}下没有街道(乡镇)，无需部署自检自查", district.name),
            ));
        }
        let now = self.now_ms();
        let mut tx = self.store.begin_write().await?;
        let unit_ids: Vec<i64> = units.iter().map(|u| u.id).collect();
        let new = repo::NewCampaign {
            district_id: district.id,
            title: &title,
            launched_on: &today.to_string(),
            deadline: &deadline.to_string(),
            launched_by: ctx.principal.account_id,
            now,
            units: &unit_ids,
        };
        let id = repo::insert_campaign(tx.conn(), &new).await?;
        tx.audit(ctx.entry(
            "campaign.launch",
            "campaign",
            Some(id.to_string()),
            serde_json::json!({ "district": district.name, "title": title, "launched_on": today.to_string(), "deadline": deadline.to_string(), "units": units.iter().map(|u| u.name.as_str()).collect::<Vec<_>>(), "clauses": ["4.1-3", "4.1-7"] }),
        ))
        .await?;
        tx.commit().await?;
        self.campaign(ctx, id).await
    }

    /// The districts where the user may launch a campaign.
    pub async fn campaign_districts(&self, ctx: &Ctx) -> Result<Vec<NodeView>> {
        Ok(self
            .nodes_under(&crate::authz::visible(
                &ctx.principal,
                Action::LaunchCampaign,
            ))
            .await?
            .into_iter()
            .filter(|n| n.kind == NodeKind::District)
            .collect())
    }

    /// Campaigns of the districts the user sees, newest first.
    pub async fn list_campaigns(
        &self,
        ctx: &Ctx,
        page: PageRequest,
    ) -> Result<Page<CampaignSummary>> {
        self.visible_or_deny(ctx, Action::ViewPlaques, "您的角色不能查看挂牌自检自查")
            .await?;
        let districts: HashMap<i64, NodeView> =
            tree::of_kind(self.store.db(), NodeKind::District.as_str())
                .await?
                .into_iter()
                .map(|n| NodeView::from_row(n).map(|v| (v.id, v)))
                .collect::<Result<_>>()?;
        let visible: Vec<i64> = districts
            .values()
            .filter(|d| sees_district(ctx, d))
            .map(|d| d.id)
            .collect();
        let db = self.store.db();
        let (rows, total) = repo::campaigns(db, visible, page.offset(), page.per_page).await?;
        let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
        let units = repo::campaign_units(db, ids).await?;
        let today = self.today().to_string();
        let items = rows
            .into_iter()
            .map(|r| {
                let mine: Vec<&campaign_unit::Model> =
                    units.iter().filter(|u| u.campaign_id == r.id).collect();
                CampaignSummary {
                    id: r.id,
                    district_id: r.district_node_id,
                    district_name: districts
                        .get(&r.district_node_id)
                        .map(|d| d.name.clone())
                        .unwrap_or_default(),
                    units: mine.len() as u64,
                    completed: mine.iter().filter(|u| u.completed_on.is_some()).count() as u64,
                    overdue: if r.deadline < today {
                        mine.iter().filter(|u| u.completed_on.is_none()).count() as u64
                    } else {
                        0
                    },
                    title: r.title,
                    launched_on: r.launched_on,
                    deadline: r.deadline,
                }
            })
            .collect();
        Ok(page.page(items, total))
    }

    async fn campaign_row(&self, id: i64) -> Result<(campaign::Model, NodeView)> {
        let row = repo::campaign(self.store.db(), id)
            .await?
            .ok_or_else(|| DomainError::not_found("自检自查"))?;
        let district = self.find_node(row.district_node_id).await?;
        Ok((row, district))
    }

    /// A campaign with its progress per unit (4.1-3, 4.1-7) and the district's non-compliant
    /// plaques: for plaque viewers over the district and the staff under it.
    pub async fn campaign(&self, ctx: &Ctx, id: i64) -> Result<CampaignView> {
        let (row, district) = self.campaign_row(id).await?;
        if !sees_district(ctx, &district) {
            self.record_denial(ctx, Action::ViewPlaques, Some(district.id))
                .await;
            return Err(DomainError::forbidden("该自检自查不在您的管辖范围内"));
        }
        let lists = lists()?;
        let today = self.today();
        let launched =
            jianfu_rules::Date::parse(&row.launched_on).ok_or_else(DomainError::internal)?;
        let db = self.store.db();
        let unit_rows = repo::campaign_units(db, vec![id]).await?;
        let nodes: HashMap<i64, NodeView> =
            tree::by_ids(db, unit_rows.iter().map(|u| u.unit_node_id).collect())
                .await?
                .into_iter()
                .map(|n| NodeView::from_row(n).map(|v| (v.id, v)))
                .collect::<Result<_>>()?;
        let mut people: Vec<i64> = unit_rows.iter().filter_map(|u| u.completed_by).collect();
        people.push(row.launched_by);
        let names = jianfu_store::repo::accounts::display_names(db, people).await?;
        let counts = self.unit_counts(&Scope::subtree(&district.path)).await?;
        let district_nodes = self.nodes_under(&Scope::subtree(&district.path)).await?;
        // Hanging plaques checked since the launch, per unit.
        let subtree = Scope::subtree(&district.path);
        let hanging = PlaqueStatus::Hanging.as_str();
        let rechecked = repo::checked_since_by_unit(db, &subtree, hanging, row.created_at).await?;
        let rechecked: HashMap<i64, u64> = rechecked
            .into_iter()
            .map(|(u, n)| (u, u64::try_from(n).unwrap_or(0)))
            .collect();
        let mut units = Vec::with_capacity(unit_rows.len());
        let mut totals = Counts::default();
        for u in unit_rows {
            let Some(n) = nodes.get(&u.unit_node_id) else {
                continue;
            };
            // The street's own plaques and those of its communities and villages.
            let mut c = Counts::default();
            let mut checked = 0;
            for d in district_nodes
                .iter()
                .filter(|d| d.path.starts_with(&n.path))
            {
                if let Some(x) = counts.get(&d.id) {
                    c.hanging += x.hanging;
                    c.noncompliant += x.noncompliant;
                    c.open_tasks += x.open_tasks;
                }
                checked += rechecked.get(&d.id).copied().unwrap_or(0);
            }
            totals.hanging += c.hanging;
            totals.noncompliant += c.noncompliant;
            totals.open_tasks += c.open_tasks;
            let completed = match &u.completed_on {
                Some(d) => Some(jianfu_rules::Date::parse(d).ok_or_else(DomainError::internal)?),
                None => None,
            };
            let d = check_self_inspection(
                &SelfInspectionFacts {
                    launched_on: launched,
                    completed_on: completed,
                    today: rules_date(today)?,
                },
                lists,
            );
            let late = d.reasons.iter().find(|r| r.code == "self_inspection_late");
            let overdue = d
                .reasons
                .iter()
                .find(|r| r.code == "self_inspection_overdue");
            let (state, state_zh) = match (completed.is_some(), late.is_some(), overdue.is_some()) {
                (true, true, _) => ("late", "逾期完成"),
                (true, false, _) => ("on_time", "按时完成"),
                (false, _, true) => ("overdue", "逾期未完成"),
                (false, _, false) => ("open", "进行中"),
            };
            let finding = late.or(overdue);
            units.push(CampaignUnitView {
                unit_id: n.id,
                unit_name: n.name.clone(),
                kind_zh: n.kind_zh,
                completed_by: u
                    .completed_by
                    .map(|a| names.get(&a).cloned().unwrap_or_else(|| a.to_string())),
                completed_on: u.completed_on,
                note: u.note,
                state,
                state_zh,
                finding: finding.map(|r| r.message.to_string()),
                finding_clause: finding.map(|r| r.clause.as_str().to_owned()),
                counts: c,
                rechecked: checked,
                can_complete: state != "on_time"
                    && state != "late"
                    && authorize(&ctx.principal, Action::CompleteSelfInspection, &n.target())
                        .is_ok(),
            });
        }
        units.sort_by(|a, b| a.unit_name.cmp(&b.unit_name));
        let query = repo::PlaqueQuery {
            place: repo::Where::Scope(&subtree),
            status: Some(hanging),
            compliant: Some(false),
            name_contains: "",
        };
        let (noncompliant_rows, _) = repo::list(&self.store, query, 0, 500).await?;
        let noncompliant = self.plaque_views(noncompliant_rows).await?;
        Ok(CampaignView {
            id: row.id,
            district_id: district.id,
            district_name: district.name,
            title: row.title,
            launched_on: row.launched_on,
            deadline: row.deadline,
            launched_by: names.get(&row.launched_by).cloned().unwrap_or_default(),
            clauses: vec!["4.1-3".into(), "4.1-7".into()],
            completed: units.iter().filter(|u| u.completed_on.is_some()).count() as u64,
            overdue: units.iter().filter(|u| u.state == "overdue").count() as u64,
            units,
            totals,
            noncompliant,
            today: today.to_string(),
        })
    }

    /// A street's or town's official reports its self-inspection complete (4.1-7). Every
    /// hanging plaque of the unit and of its communities must have been checked since the
    /// launch (confirmed or corrected); removals are tracked by their own tasks. Completing
    /// after the deadline is recorded as late.
    pub async fn complete_self_inspection(
        &self,
        ctx: &Ctx,
        campaign_id: i64,
        unit_id: i64,
        note: &str,
    ) -> Result<CampaignView> {
        let (row, district) = self.campaign_row(campaign_id).await?;
        let unit = self.find_node(unit_id).await?;
        self.check(ctx, Action::CompleteSelfInspection, &unit.target())
            .await?;
        let cu = repo::campaign_unit(self.store.db(), campaign_id, unit_id)
            .await?
            .ok_or_else(|| {
                DomainError::not_found(&format!("{}在本次自检自查中的记录", unit.name))
            })?;
        if let Some(d) = &cu.completed_on {
            return Err(DomainError::conflict(
                "self_inspection_completed",
                format!("{}已于 {d} 完成本次自检自查", unit.name),
            ));
        }
        let note = note.trim();
        if note.chars().count() > 1000 {
            return Err(DomainError::field(
                "note",
                "note_too_long",
                "说明不能超过 1000 字",
            ));
        }
        let pending = repo::names_unchecked_since(
            self.store.db(),
            &Scope::subtree(&unit.path),
            PlaqueStatus::Hanging.as_str(),
            row.created_at,
        )
        .await?;
        if !pending.is_empty() {
            let shown: Vec<&str> = pending.iter().take(5).map(String::as_str).collect();
            return Err(DomainError::conflict(
                "plaques_not_rechecked",
                format!(
                    "还有 {} 块牌子在部署后未复核（{}{}）；请逐块确认或修正后再报告完成（4.1-3）",
                    pending.len(),
                    shown.join("、"),
                    if pending.len() > 5 { "等" } else { "" }
                ),
            ));
        }
        let today = self.today();
        let decision = check_self_inspection(
            &SelfInspectionFacts {
                launched_on: jianfu_rules::Date::parse(&row.launched_on)
                    .ok_or_else(DomainError::internal)?,
                completed_on: Some(rules_date(today)?),
                today: rules_date(today)?,
            },
            lists()?,
        );
        let late = decision
            .reasons
            .iter()
            .any(|r| r.code == "self_inspection_late");
        let mut tx = self.store.begin_write().await?;
        let note = Some(note).filter(|s| !s.is_empty());
        let on = today.to_string();
        let by = ctx.principal.account_id;
        let completed =
            repo::complete_campaign_unit(tx.conn(), campaign_id, unit_id, &on, by, note).await?;
        if !completed {
            return Err(DomainError::conflict(
                "self_inspection_completed",
                format!("{}已完成本次自检自查", unit.name),
            ));
        }
        tx.audit(ctx.entry(
            "campaign.complete",
            "campaign",
            Some(campaign_id.to_string()),
            serde_json::json!({ "district": district.name, "unit": unit.name, "completed_on": today.to_string(), "deadline": row.deadline, "late": late, "note": note }),
        ))
        .await?;
        tx.commit().await?;
        self.campaign(ctx, campaign_id).await
    }
}
