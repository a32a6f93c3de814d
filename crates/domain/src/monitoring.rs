//! Monitoring points against relapse (减负监测点, 4.1-8; issue 14 §2). A district's supervisor
//! designates communities of the district as points (and can end a designation); each month a
//! point's community staff answer the checklist of [`jianfu_rules::monitoring::CheckItem`], each
//! "yes" with a description; every "yes" opens a supervision case citing the clause that cleared
//! it, which then flows through the case workflow. A month left unanswered when it ends is
//! recorded as missed by the scheduled job [`App::record_missed_monitoring`], which opens a case
//! of its own (4.1-8). The month due reaches the point's inbox through [`MonitoringTodos`].

use jianfu_rules::monitoring::{self as rules, CheckItem, Month, MonthRefusal};
use jianfu_store::entity::{monitoring_answer, monitoring_point};
use jianfu_store::repo::cases::{self, NewCase};
use jianfu_store::repo::monitoring::{self as repo, NewAnswer, NewPoint};
use jianfu_store::{AuditOutcome, NewAuditEntry};
use serde::{Deserialize, Serialize};

use crate::authz::{self, Action};
use crate::clock::rules_date;
use crate::demand::{CaseStatus, ReasonView};
use crate::division::NodeKind;
use crate::error::{DomainError, Problems, Result};
use crate::inbox::{TodoFuture, TodoItem, TodoProvider};
use crate::page::{Page, PageRequest};
use crate::tree::NodeView;
use crate::{App, Ctx};

/// The name of the missed-answer job in `job_run`.
pub const MISSED_JOB: &str = "monitoring_missed";
/// The actor the audit log records for the job's cases.
pub const MISSED_ACTOR: &str = "系统(监测点漏报)";
/// The case kind of a missed monthly answer.
pub const MISSED_KIND: &str = "monitoring_missed";

/// The case kind a "yes" to `item` opens.
pub fn relapse_kind(item: CheckItem) -> &'static str {
    match item {
        CheckItem::Certificates => "monitoring_certificates",
        CheckItem::Plaques => "monitoring_plaques",
        CheckItem::EvaluationsOrForms => "monitoring_evaluations_or_forms",
        CheckItem::Seconded => "monitoring_seconded",
    }
}

/// What a case kind of this module is about, in Chinese (`None` for other kinds).
pub fn case_kind_zh(kind: &str) -> Option<&'static str> {
    Some(match kind {
        "monitoring_certificates" => "监测点：已取消证明又被要求出具",
        "monitoring_plaques" => "监测点：已清理牌子重新挂回",
        "monitoring_evaluations_or_forms" => "监测点：已取消考核评比或报表重新下派",
        "monitoring_seconded" => "监测点：社区工作者被借调占用",
        MISSED_KIND => "监测点未按期报送",
        _ => return None,
    })
}

/// The form field of an item's description (`certificates_description` …).
pub fn description_field(item: CheckItem) -> &'static str {
    match item {
        CheckItem::Certificates => "certificates_description",
        CheckItem::Plaques => "plaques_description",
        CheckItem::EvaluationsOrForms => "evaluations_or_forms_description",
        CheckItem::Seconded => "seconded_description",
    }
}

/// A designation's state.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PointStatus {
    Active,
    Ended,
}

impl PointStatus {
    pub const ALL: [Self; 2] = [Self::Active, Self::Ended];
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Active => "active",
            Self::Ended => "ended",
        }
    }
    pub fn label_zh(self) -> &'static str {
        match self {
            Self::Active => "监测中",
            Self::Ended => "已结束",
        }
    }
    /// The state stored in the column (an unknown text reads as ended: nothing is due).
    pub fn stored(s: &str) -> Self {
        Self::ALL
            .into_iter()
            .find(|x| x.as_str() == s)
            .unwrap_or(Self::Ended)
    }
}

/// A month's state at a point.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum AnswerStatus {
    Answered,
    /// The month ended without an answer (the job recorded it and opened a case).
    Missed,
}

impl AnswerStatus {
    pub const ALL: [Self; 2] = [Self::Answered, Self::Missed];
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Answered => "answered",
            Self::Missed => "missed",
        }
    }
    pub fn label_zh(self) -> &'static str {
        match self {
            Self::Answered => "已报送",
            Self::Missed => "逾期未报",
        }
    }
    pub fn stored(s: &str) -> Self {
        Self::ALL
            .into_iter()
            .find(|x| x.as_str() == s)
            .unwrap_or(Self::Missed)
    }
}

/// What a supervisor fills in to designate a point.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct DesignateForm {
    pub community_id: i64,
    pub note: String,
}

/// One question answered: `yes` is `None` when left unanswered.
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct ItemAnswer {
    pub item: String,
    pub yes: Option<bool>,
    pub description: String,
}

/// A month's answer as the point sends it.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct AnswerForm {
    /// `YYYY-MM`.
    pub month: String,
    pub items: Vec<ItemAnswer>,
}

/// One answered question as pages show it.
#[derive(Clone, Debug, Serialize)]
pub struct ItemView {
    pub item: &'static str,
    pub question: &'static str,
    pub yes: bool,
    pub description: String,
    /// The clause its subject was cleared under (cited on the case a "yes" opened).
    pub clause: &'static str,
}

/// A month of a point.
#[derive(Clone, Debug, Serialize)]
pub struct AnswerView {
    pub id: i64,
    pub month: String,
    pub status: AnswerStatus,
    pub items: Vec<ItemView>,
    pub answered_by: String,
    pub answered_at: Option<i64>,
    /// The cases this month opened (one per "yes", or the missed month's).
    pub case_ids: Vec<i64>,
}

/// A monitoring point as its pages and the API show it.
#[derive(Clone, Debug, Serialize)]
pub struct PointView {
    pub id: i64,
    pub community_id: i64,
    pub community_name: String,
    pub district_name: String,
    pub status: PointStatus,
    pub designated_on: String,
    pub ended_on: Option<String>,
    pub note: String,
    /// The month the point should answer now (the current month while unanswered), if any.
    pub due_month: Option<String>,
    /// The reader may answer for this point / end it.
    pub can_answer: bool,
    pub can_end: bool,
}

/// A point with its months.
#[derive(Clone, Debug, Serialize)]
pub struct PointDetail {
    pub point: PointView,
    pub answers: Vec<AnswerView>,
    /// The questions, for the answer form.
    pub questions: Vec<(&'static str, &'static str, &'static str)>,
}

/// What one run of the missed-answer job did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct MissedReport {
    pub run_id: i64,
    /// Active points looked at.
    pub examined: i64,
    /// Months recorded missed (each with its case) by this run.
    pub missed: i64,
}

/// A question answered and checked: the item, yes or no, the description.
type Checked = (CheckItem, bool, String);

fn month_refusal(r: MonthRefusal) -> DomainError {
    match r {
        MonthRefusal::InFuture => DomainError::field(
            "month",
            "monitoring_month_in_future",
            "该月份尚未开始，不能报送（〔4.1-8〕）",
        ),
        MonthRefusal::BeforeDesignation => DomainError::field(
            "month",
            "monitoring_month_before_designation",
            "该月份在指定为监测点之前，无需报送（〔4.1-8〕）",
        ),
    }
}

impl App {
    fn point_target_denied(&self) -> DomainError {
        DomainError::forbidden("您不能查看该监测点")
    }

    async fn point_row(&self, id: i64) -> Result<monitoring_point::Model> {
        repo::point(self.store.db(), id)
            .await?
            .ok_or_else(|| DomainError::not_found("监测点"))
    }

    async fn point_view(&self, ctx: &Ctx, r: monitoring_point::Model) -> Result<PointView> {
        let community = self.find_node(r.community_node_id).await?;
        let district = self.find_node(r.district_node_id).await?;
        let status = PointStatus::stored(&r.status);
        let current = Month::of(rules_date(self.today())?).to_string();
        let due_month = if status == PointStatus::Active
            && repo::answer_of(&self.store, r.id, &current)
                .await?
                .is_none()
        {
            Some(current)
        } else {
            None
        };
        let can_answer = status == PointStatus::Active
            && authz::authorize(
                &ctx.principal,
                Action::AnswerMonitoring,
                &community.target(),
            )
            .is_ok();
        let can_end = status == PointStatus::Active
            && authz::at_level(
                &ctx.principal,
                &[Action::DesignateMonitoringPoint],
                &district.path,
            );
        Ok(PointView {
            id: r.id,
            community_id: community.id,
            community_name: community.name,
            district_name: district.name,
            status,
            designated_on: r.designated_on,
            ended_on: r.ended_on,
            note: r.note,
            due_month,
            can_answer,
            can_end,
        })
    }

    async fn answer_view(&self, r: monitoring_answer::Model) -> Result<AnswerView> {
        let stored: Vec<ItemAnswer> = serde_json::from_str(&r.items).unwrap_or_default();
        let items = stored
            .iter()
            .filter_map(|a| {
                let item = CheckItem::parse(&a.item)?;
                Some(ItemView {
                    item: item.code(),
                    question: item.question_zh(),
                    yes: a.yes == Some(true),
                    description: a.description.clone(),
                    clause: item.clause().as_str(),
                })
            })
            .collect();
        let answered_by = match r.answered_by {
            Some(a) => jianfu_store::repo::accounts::by_id(self.store.db(), a)
                .await?
                .map(|a| a.display_name)
                .unwrap_or_default(),
            None => String::new(),
        };
        let case_ids = repo::cases_of_answer(self.store.db(), r.id).await?;
        Ok(AnswerView {
            id: r.id,
            month: r.month,
            status: AnswerStatus::stored(&r.status),
            items,
            answered_by,
            answered_at: r.answered_at,
            case_ids,
        })
    }

    /// The monitoring points of the caller's jurisdiction (supervisors) or of their own
    /// community (its staff), active first.
    pub async fn list_monitoring_points(
        &self,
        ctx: &Ctx,
        req: PageRequest,
    ) -> Result<Page<PointView>> {
        let scope = self
            .visible_or_deny(ctx, Action::ViewMonitoring, "您的角色不能查看减负监测点")
            .await?;
        let (rows, total) =
            repo::list_points(&self.store, &scope, None, req.offset(), req.per_page).await?;
        let mut items = Vec::with_capacity(rows.len());
        for r in rows {
            items.push(self.point_view(ctx, r).await?);
        }
        Ok(req.page(items, total))
    }

    /// One point with its months, for whoever may see its community.
    pub async fn monitoring_point(&self, ctx: &Ctx, id: i64) -> Result<PointDetail> {
        let row = self.point_row(id).await?;
        let community = self.find_node(row.community_node_id).await?;
        self.check(ctx, Action::ViewMonitoring, &community.target())
            .await
            .map_err(|e| {
                if e.kind == crate::ErrorKind::Forbidden {
                    self.point_target_denied()
                } else {
                    e
                }
            })?;
        let mut answers = Vec::new();
        for a in repo::answers(&self.store, row.id).await? {
            answers.push(self.answer_view(a).await?);
        }
        Ok(PointDetail {
            point: self.point_view(ctx, row).await?,
            answers,
            questions: CheckItem::ALL
                .into_iter()
                .map(|i| (i.code(), i.question_zh(), description_field(i)))
                .collect(),
        })
    }

    /// The communities the caller may designate (of a district whose supervisor at its own level
    /// the caller is) that are not points now, as (id, name), for the page's select.
    pub async fn monitoring_candidates(&self, ctx: &Ctx) -> Result<Vec<(i64, String)>> {
        let nodes = self
            .nodes_under(&authz::visible(
                &ctx.principal,
                Action::DesignateMonitoringPoint,
            ))
            .await?;
        let districts: Vec<&str> = nodes
            .iter()
            .filter(|n| {
                n.kind == NodeKind::District
                    && authz::at_level(&ctx.principal, &[Action::DesignateMonitoringPoint], &n.path)
            })
            .map(|n| n.path.as_str())
            .collect();
        let mut out = Vec::new();
        for n in &nodes {
            if matches!(n.kind, NodeKind::Community | NodeKind::Village)
                && districts.iter().any(|d| n.path.starts_with(d))
                && repo::point_of(&self.store, n.id, PointStatus::Active.as_str())
                    .await?
                    .is_none()
            {
                out.push((n.id, n.name.clone()));
            }
        }
        Ok(out)
    }

    /// The district (its node) whose supervisor at its own level `ctx` is, for `community`;
    /// forbidden otherwise (a city supervisor, another district's).
    async fn designating_district(&self, ctx: &Ctx, community: &NodeView) -> Result<NodeView> {
        self.check(ctx, Action::DesignateMonitoringPoint, &community.target())
            .await?;
        let district = self.district_of(&community.path).await?;
        if !authz::at_level(
            &ctx.principal,
            &[Action::DesignateMonitoringPoint],
            &district.path,
        ) {
            self.record_denial(ctx, Action::DesignateMonitoringPoint, Some(community.id))
                .await;
            return Err(DomainError::forbidden(
                "只有社区所在区(县、市)的监督部门可以指定或结束监测点（〔4.1-8〕）",
            ));
        }
        Ok(district)
    }

    /// Designates a community of the caller's district as a monitoring point (4.1-8). Not a
    /// community: `monitoring_not_community` (422); already a point: `monitoring_point_exists`
    /// (409). Audited as `monitoring.designate`.
    pub async fn designate_monitoring_point(
        &self,
        ctx: &Ctx,
        f: &DesignateForm,
    ) -> Result<PointView> {
        let community = match self.find_node(f.community_id).await {
            Ok(n) => n,
            Err(e) if e.kind == crate::ErrorKind::NotFound => {
                return Err(DomainError::field(
                    "community_id",
                    "monitoring_not_community",
                    "请选择一个社区(村)",
                ));
            }
            Err(e) => return Err(e),
        };
        let district = self.designating_district(ctx, &community).await?;
        let mut p = Problems::new();
        if !matches!(community.kind, NodeKind::Community | NodeKind::Village) {
            p.push(DomainError::field(
                "community_id",
                "monitoring_not_community",
                "只能指定社区(村)为减负监测点",
            ));
        }
        let note = crate::text::visible(&f.note).to_owned();
        if note.chars().count() > 500 {
            p.push(DomainError::field(
                "note",
                "note_too_long",
                "备注不超过 500 字",
            ));
        }
        p.finish()?;
        if repo::point_of(&self.store, community.id, PointStatus::Active.as_str())
            .await?
            .is_some()
        {
            return Err(DomainError::conflict(
                "monitoring_point_exists",
                format!("{} 已是减负监测点", community.name),
            ));
        }
        let now = self.now_ms();
        let today = self.today().to_string();
        let mut tx = self.store.begin_write().await?;
        let inserted = repo::insert_point(
            tx.conn(),
            NewPoint {
                community_node_id: community.id,
                district_node_id: district.id,
                status: PointStatus::Active.as_str(),
                designated_on: &today,
                designated_by: ctx.principal.account_id,
                note: &note,
                now,
            },
        )
        .await;
        let row = match inserted {
            Ok(row) => row,
            Err(e) => {
                drop(tx);
                // The partial unique index refuses a second active designation made at the
                // same time by another request or server.
                if repo::point_of(&self.store, community.id, PointStatus::Active.as_str())
                    .await?
                    .is_some()
                {
                    return Err(DomainError::conflict(
                        "monitoring_point_exists",
                        format!("{} 已是减负监测点", community.name),
                    ));
                }
                return Err(e.into());
            }
        };
        tx.audit(ctx.entry(
            "monitoring.designate",
            "monitoring_point",
            Some(row.id.to_string()),
            serde_json::json!({ "community": community.name, "district": district.name, "designated_on": today, "note": note, "clause": "4.1-8" }),
        ))
        .await?;
        tx.commit().await?;
        self.point_view(ctx, row).await
    }

    /// Ends a designation (the district's supervisor). Ended already: `monitoring_point_ended`
    /// (409). The months up to today's stay due. Audited as `monitoring.end`.
    pub async fn end_monitoring_point(&self, ctx: &Ctx, id: i64) -> Result<PointView> {
        let row = self.point_row(id).await?;
        let community = self.find_node(row.community_node_id).await?;
        self.designating_district(ctx, &community).await?;
        let today = self.today().to_string();
        let now = self.now_ms();
        let mut tx = self.store.begin_write().await?;
        let ended = repo::end_point(
            tx.conn(),
            id,
            PointStatus::Active.as_str(),
            PointStatus::Ended.as_str(),
            &today,
            ctx.principal.account_id,
            now,
        )
        .await?;
        if !ended {
            return Err(DomainError::conflict(
                "monitoring_point_ended",
                "该监测点已结束",
            ));
        }
        tx.audit(ctx.entry(
            "monitoring.end",
            "monitoring_point",
            Some(id.to_string()),
            serde_json::json!({ "community": community.name, "ended_on": today }),
        ))
        .await?;
        tx.commit().await?;
        self.point_view(ctx, self.point_row(id).await?).await
    }

    /// Checks a month's answer: every question answered, each "yes" with a description (at
    /// most 1,000 characters), the month well-formed and answerable (4.1-8).
    fn check_answer(
        &self,
        row: &monitoring_point::Model,
        f: &AnswerForm,
    ) -> Result<(Month, Vec<Checked>)> {
        let mut p = Problems::new();
        let month = match Month::parse(f.month.trim()) {
            None => {
                p.push(DomainError::field(
                    "month",
                    "monitoring_month_malformed",
                    "请按 年-月 填写月份，例如 2026-03",
                ));
                None
            }
            Some(m) => {
                let designated = jianfu_rules::Date::parse(&row.designated_on)
                    .ok_or_else(DomainError::internal)?;
                match rules::answerable(m, designated, rules_date(self.today())?) {
                    Ok(_) => Some(m),
                    Err(r) => {
                        p.push(month_refusal(r));
                        None
                    }
                }
            }
        };
        let mut answers = Vec::new();
        for item in CheckItem::ALL {
            let given = f.items.iter().find(|a| a.item == item.code());
            let description = given
                .map(|a| crate::text::visible(&a.description).to_owned())
                .unwrap_or_default();
            match given.and_then(|a| a.yes) {
                None => p.push(DomainError::field(
                    item.code(),
                    "monitoring_item_unanswered",
                    format!("请回答：{}", item.question_zh()),
                )),
                Some(true) if description.is_empty() => p.push(DomainError::field(
                    description_field(item),
                    "monitoring_description_required",
                    format!("回答“是”时请写明具体情况：{}", item.question_zh()),
                )),
                Some(_) if description.chars().count() > 1000 => p.push(DomainError::field(
                    description_field(item),
                    "monitoring_description_too_long",
                    "情况说明不超过 1000 字",
                )),
                Some(yes) => answers.push((item, yes, description)),
            }
        }
        if let Some(a) = f.items.iter().find(|a| CheckItem::parse(&a.item).is_none()) {
            p.push(DomainError::field(
                "items",
                "monitoring_item_unknown",
                format!("没有这一监测项：{}", a.item),
            ));
        }
        p.finish()?;
        Ok((month.ok_or_else(DomainError::internal)?, answers))
    }

    /// The point's community staff answer a month (4.1-8): each "yes" opens a supervision case
    /// (kind per question, the clause that cleared its subject) in the same transaction. Another
    /// community's point: 403; an ended point: `monitoring_point_ended` (409); a month already
    /// answered: `monitoring_month_answered` (409) — a month recorded missed may still be
    /// answered late (its missed case stays). Audited as `monitoring.answer`, each case as
    /// `case.report`.
    pub async fn answer_monitoring(
        &self,
        ctx: &Ctx,
        point_id: i64,
        f: &AnswerForm,
    ) -> Result<AnswerView> {
        let row = self.point_row(point_id).await?;
        let community = self.find_node(row.community_node_id).await?;
        self.check(ctx, Action::AnswerMonitoring, &community.target())
            .await?;
        if PointStatus::stored(&row.status) != PointStatus::Active {
            return Err(DomainError::conflict(
                "monitoring_point_ended",
                "该监测点已结束，无需再报送",
            ));
        }
        let (month, answers) = self.check_answer(&row, f)?;
        let month_text = month.to_string();
        let existing = repo::answer_of(&self.store, row.id, &month_text).await?;
        if existing
            .as_ref()
            .is_some_and(|a| AnswerStatus::stored(&a.status) == AnswerStatus::Answered)
        {
            return Err(DomainError::conflict(
                "monitoring_month_answered",
                format!("{month_text} 的监测情况已经报送"),
            ));
        }
        let stored: Vec<ItemAnswer> = answers
            .iter()
            .map(|(i, yes, d)| ItemAnswer {
                item: i.code().into(),
                yes: Some(*yes),
                description: d.clone(),
            })
            .collect();
        let items = serde_json::to_string(&stored).map_err(|_| DomainError::internal())?;
        let now = self.now_ms();
        let mut tx = self.store.begin_write().await?;
        let answer_id = match existing {
            Some(missed) => {
                let changed = repo::answer_missed(
                    tx.conn(),
                    missed.id,
                    AnswerStatus::Missed.as_str(),
                    AnswerStatus::Answered.as_str(),
                    &items,
                    ctx.principal.account_id,
                    now,
                )
                .await?;
                if !changed {
                    return Err(DomainError::conflict(
                        "monitoring_month_answered",
                        format!("{month_text} 的监测情况已经报送"),
                    ));
                }
                missed.id
            }
            None => {
                let inserted = repo::insert_answer(
                    tx.conn(),
                    NewAnswer {
                        point_id: row.id,
                        community_node_id: community.id,
                        month: &month_text,
                        status: AnswerStatus::Answered.as_str(),
                        items: &items,
                        answered_by: Some(ctx.principal.account_id),
                        now,
                    },
                )
                .await?;
                let Some(id) = inserted else {
                    return Err(DomainError::conflict(
                        "monitoring_month_answered",
                        format!("{month_text} 的监测情况已经报送"),
                    ));
                };
                id
            }
        };
        let mut cases = Vec::new();
        for (item, yes, description) in &answers {
            if !yes {
                continue;
            }
            let finding = item.finding();
            let finding = ReasonView::of(&finding);
            let kind = relapse_kind(*item);
            let case_id = cases::insert(
                tx.conn(),
                NewCase {
                    kind,
                    status: CaseStatus::Open.as_str(),
                    node_id: community.id,
                    reported_by: Some(ctx.principal.account_id),
                    source: crate::supervision::CaseSource::Monitoring.as_str(),
                    demanding_unit: "见情况说明".into(),
                    description: format!(
                        "监测点 {} {month_text} 月度监测：{} 是。{description}",
                        community.name,
                        item.question_zh()
                    ),
                    finding: finding.to_json()?,
                    monitoring_answer_id: Some(answer_id),
                    now,
                    ..NewCase::default()
                },
            )
            .await?;
            tx.audit(ctx.entry(
                "case.report",
                "supervision_case",
                Some(case_id.to_string()),
                serde_json::json!({ "community": community.name, "kind": kind, "month": month_text, "clause": finding.clause }),
            ))
            .await?;
            cases.push(case_id);
        }
        tx.audit(ctx.entry(
            "monitoring.answer",
            "monitoring_answer",
            Some(answer_id.to_string()),
            serde_json::json!({ "community": community.name, "month": month_text, "yes": answers.iter().filter(|a| a.1).map(|a| a.0.code()).collect::<Vec<_>>(), "cases": cases, "clause": "4.1-8" }),
        ))
        .await?;
        tx.commit().await?;
        let a = repo::answer(self.store.db(), answer_id)
            .await?
            .ok_or_else(DomainError::internal)?;
        self.answer_view(a).await
    }

    /// Runs the missed-answer job once at the injected clock's now, recorded in `job_run`: for
    /// every active point (and each month of its designation that is over and has no row), the
    /// month is recorded missed and a case `monitoring_missed` citing 4.1-8 is opened, in one
    /// transaction, audited by [`MISSED_ACTOR`]. The unique (point, month) index makes a second
    /// run — here or in another server — record nothing twice.
    pub async fn record_missed_monitoring(&self) -> Result<MissedReport> {
        let started = self.now_ms();
        let mut report = MissedReport::default();
        let outcome = self.record_missed_each(&mut report).await;
        let (examined, changed) = (report.examined, report.missed);
        let run_id = self
            .record_job_run(
                MISSED_JOB,
                MISSED_ACTOR,
                started,
                examined,
                changed,
                &outcome,
            )
            .await?;
        outcome.map(|()| MissedReport { run_id, ..report })
    }

    async fn record_missed_each(&self, report: &mut MissedReport) -> Result<()> {
        let today = rules_date(self.today())?;
        for point in repo::points_in(&self.store, PointStatus::Active.as_str()).await? {
            report.examined += 1;
            let Some(designated) = jianfu_rules::Date::parse(&point.designated_on) else {
                continue;
            };
            let done = repo::months_done(&self.store, point.id).await?;
            let mut month = Month::of(designated);
            while let Some(reason) = rules::missed(month, designated, None, today) {
                if !done.contains(&month.to_string())
                    && self.record_missed(&point, month, &reason).await?
                {
                    report.missed += 1;
                }
                month = month.next();
            }
        }
        Ok(())
    }

    /// Records `month` of `point` missed with its case; false when another run did first.
    async fn record_missed(
        &self,
        point: &monitoring_point::Model,
        month: Month,
        reason: &jianfu_rules::Reason,
    ) -> Result<bool> {
        let community = self.find_node(point.community_node_id).await?;
        let month_text = month.to_string();
        let now = self.now_ms();
        let mut tx = self.store.begin_write().await?;
        let inserted = repo::insert_answer(
            tx.conn(),
            NewAnswer {
                point_id: point.id,
                community_node_id: community.id,
                month: &month_text,
                status: AnswerStatus::Missed.as_str(),
                items: "[]",
                answered_by: None,
                now,
            },
        )
        .await?;
        let Some(answer_id) = inserted else {
            return Ok(false);
        };
        let finding = ReasonView::of(reason);
        // Opened by the scheduled job: no reporting account (the audit names the job).
        let case_id = cases::insert(
            tx.conn(),
            NewCase {
                kind: MISSED_KIND,
                status: CaseStatus::Open.as_str(),
                node_id: community.id,
                reported_by: None,
                source: crate::supervision::CaseSource::Monitoring.as_str(),
                demanding_unit: community.name.clone(),
                description: format!("减负监测点 {} {}", community.name, finding.message),
                finding: finding.to_json()?,
                monitoring_answer_id: Some(answer_id),
                now,
                ..NewCase::default()
            },
        )
        .await?;
        tx.audit(NewAuditEntry {
            actor_id: None,
            actor_name: MISSED_ACTOR.into(),
            action: "case.detect".into(),
            outcome: AuditOutcome::Ok,
            target_type: "supervision_case".into(),
            target_id: Some(case_id.to_string()),
            summary: serde_json::json!({
                "kind": MISSED_KIND, "community": community.name, "point_id": point.id,
                "month": month_text, "clause": finding.clause,
            }),
            ip: None,
        })
        .await?;
        tx.commit().await?;
        Ok(true)
    }

    async fn monitoring_todos(&self, ctx: &Ctx) -> Result<Vec<TodoItem>> {
        let scope = authz::visible(&ctx.principal, Action::AnswerMonitoring);
        if scope.is_empty() {
            return Ok(Vec::new());
        }
        let today = self.today();
        let (rows, _) = repo::list_points(
            &self.store,
            &scope,
            Some(PointStatus::Active.as_str()),
            0,
            crate::inbox::PER_PROVIDER,
        )
        .await?;
        let mut items = Vec::new();
        for r in rows {
            let p = self.point_view(ctx, r).await?;
            let Some(month) = p.due_month.clone() else {
                continue;
            };
            let due = Month::parse(&month).and_then(|m| {
                let d = m.last_day();
                chrono::NaiveDate::from_ymd_opt(d.year(), u32::from(d.month()), u32::from(d.day()))
            });
            items.push(
                TodoItem::new(
                    "监测点",
                    "待报送",
                    format!("{} {month} 月度监测情况", p.community_name),
                    "已取消证明、牌子、考核评比或报表是否反弹，社区工作者是否被借调（〔4.1-8〕）"
                        .into(),
                    format!("/monitoring-points/{}", p.id),
                )
                .due_on(due, today),
            );
        }
        Ok(items)
    }
}

/// The monthly answer due at a point, for its community's staff (4.1-8).
pub(crate) struct MonitoringTodos;

impl TodoProvider for MonitoringTodos {
    fn items<'a>(
        &'a self,
        app: &'a App,
        ctx: &'a Ctx,
        _today: chrono::NaiveDate,
    ) -> TodoFuture<'a> {
        Box::pin(app.monitoring_todos(ctx))
    }
}
