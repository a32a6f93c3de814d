//! Appeals (申诉) against a published comprehensive evaluation (4.3-4; issue 12 §2).
//!
//! After the district closes the campaign and publishes the ranking, a community's staff (who
//! self-nominate for it, [`Action::NominateComprehensive`]) may appeal its score within
//! [`APPEAL_WORKING_DAYS`] working days of the closing day, counted on the product's holiday
//! calendar the way certificate time limits are (the closing day does not count; the last day
//! is the last working day). One appeal of a community may be open at a time; a reason is
//! required, evidence files are optional and checked by content like every attachment. The
//! district ([`Action::RunComprehensive`]) answers each: upheld — the indicator scores it names
//! are corrected with the recorded reason, the community's total is recomputed and the ranking
//! re-published (the page and its export show the corrected ranking with a note) — or rejected
//! with a reason. Every step is audited; the old and new totals stay on the appeal.

use std::collections::BTreeMap;

use jianfu_rules::calendar::Calendar;
use jianfu_rules::certificate::Processing;
use jianfu_rules::comprehensive::{Group, rank, total};
use jianfu_store::entity::comprehensive_appeal;
use jianfu_store::repo::comprehensive as repo;
use serde::Serialize;

use super::{
    CLAUSE, CampaignStatus, CommunityView, ComprehensiveView, EvidenceView, parse_points, points,
};
use crate::authz::{Action, authorize, own_units, visible};
use crate::certificate::{AttachmentUpload, MAX_ATTACHMENTS};
use crate::error::{DomainError, ErrorKind, Problems, Result};
use crate::tree::NodeView;
use crate::{App, Ctx};

/// How long a community may appeal after the ranking is published: 5 working days, the
/// period a result notice usually leaves for objections and long enough to gather evidence
/// across a weekend (the policy sets none).
pub const APPEAL_WORKING_DAYS: u8 = 5;

/// An appeal's state.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum AppealStatus {
    /// Waiting for the district's answer.
    Open,
    /// Upheld: the score was corrected.
    Upheld,
    Rejected,
}

impl AppealStatus {
    pub const ALL: [Self; 3] = [Self::Open, Self::Upheld, Self::Rejected];
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Open => "open",
            Self::Upheld => "upheld",
            Self::Rejected => "rejected",
        }
    }
    pub fn label_zh(self) -> &'static str {
        match self {
            Self::Open => "待区答复",
            Self::Upheld => "申诉成立，得分已更正",
            Self::Rejected => "申诉不成立",
        }
    }
    pub fn stored(s: &str) -> Self {
        match s {
            "upheld" => Self::Upheld,
            "rejected" => Self::Rejected,
            _ => Self::Open,
        }
    }
}

/// An appeal as its readers see it.
#[derive(Clone, Debug, Serialize)]
pub struct AppealView {
    pub id: i64,
    pub community_id: i64,
    pub community: String,
    pub street: String,
    pub reason: String,
    pub status: AppealStatus,
    pub status_zh: &'static str,
    pub filed_on: String,
    pub answer: Option<String>,
    pub answered_on: Option<String>,
    /// The total before and after an upheld appeal.
    pub old_total: Option<String>,
    pub new_total: Option<String>,
    pub evidence: Vec<EvidenceView>,
    /// The viewer (the district) may answer it now.
    pub can_answer: bool,
}

/// What the appeals part of a campaign's page shows.
#[derive(Clone, Debug, Default, Serialize)]
pub struct AppealsPart {
    /// The last day to appeal (after publication), or why it cannot be told.
    pub deadline: Option<String>,
    /// The communities the viewer may appeal for now (id, name).
    pub may_appeal: Vec<(i64, String)>,
    pub appeals: Vec<AppealView>,
}

/// The district's answer.
#[derive(Clone, Debug, Default)]
pub struct AppealAnswer {
    pub uphold: bool,
    pub answer: String,
    /// Upheld: the corrected indicator scores (indicator number, points as typed).
    pub scores: Vec<(i32, String)>,
}

fn appeal_evidence(rows: &[(i64, i64, String, String, i64)], appeal: i64) -> Vec<EvidenceView> {
    rows.iter()
        .filter(|e| e.1 == appeal)
        .map(|e| EvidenceView {
            id: e.0,
            file_name: e.2.clone(),
            content_type: e.3.clone(),
            size_bytes: e.4,
        })
        .collect()
}

/// The last day to appeal a campaign closed on `closed_on`.
fn appeal_due(cal: &Calendar, closed_on: chrono::NaiveDate) -> Result<chrono::NaiveDate> {
    let d = cal
        .due_date(
            crate::clock::rules_date(closed_on)?,
            Processing::WorkingDays(APPEAL_WORKING_DAYS),
        )
        .map_err(|_| {
            DomainError::conflict(
                "calendar_not_covered",
                "申诉期所在年份的节假日安排尚未导入，无法计算申诉截止日期，请联系系统管理员导入",
            )
        })?;
    chrono::NaiveDate::parse_from_str(&d.to_string(), "%Y-%m-%d")
        .map_err(|_| DomainError::internal())
}

impl App {
    /// The appeal deadline of a closed campaign.
    async fn appeal_deadline(
        &self,
        row: &jianfu_store::entity::comprehensive_campaign::Model,
    ) -> Result<Option<chrono::NaiveDate>> {
        let Some(closed) = row.closed_at.and_then(crate::clock::cst_date) else {
            return Ok(None);
        };
        appeal_due(&self.calendar().await?, closed).map(Some)
    }

    /// The appeals part of a campaign's page: every appeal the viewer sees (the district all,
    /// others those of the communities in their jurisdiction), the deadline, and where the
    /// viewer may appeal now.
    pub(super) async fn appeals_part(
        &self,
        ctx: &Ctx,
        row: &jianfu_store::entity::comprehensive_campaign::Model,
        district: &NodeView,
        communities: &[CommunityView],
        nodes: &[NodeView],
    ) -> Result<AppealsPart> {
        if CampaignStatus::stored(&row.status) != CampaignStatus::Closed {
            return Ok(AppealsPart::default());
        }
        let can_run =
            authorize(&ctx.principal, Action::RunComprehensive, &district.target()).is_ok();
        let view_scope = visible(&ctx.principal, Action::ViewComprehensive);
        let deadline = match self.appeal_deadline(row).await {
            Ok(d) => d,
            Err(e) if e.kind == ErrorKind::Conflict => None,
            Err(e) => return Err(e),
        };
        let db = self.store.db();
        let rows = repo::appeals_of(db, row.id).await?;
        let node = |id: i64| nodes.iter().find(|n| n.id == id);
        let rows: Vec<comprehensive_appeal::Model> = rows
            .into_iter()
            .filter(|a| {
                can_run || node(a.community_node_id).is_some_and(|n| view_scope.covers(&n.path))
            })
            .collect();
        let evidence = repo::appeal_evidence_of(db, rows.iter().map(|a| a.id).collect()).await?;
        let today = self.today();
        let open_window = deadline.is_some_and(|d| today <= d);
        let may_appeal = if open_window {
            own_units(&ctx.principal, Action::NominateComprehensive)
                .into_iter()
                .filter_map(node)
                .filter(|c| {
                    c.kind.is_community()
                        && c.path.starts_with(&district.path)
                        && !rows.iter().any(|a| {
                            a.community_node_id == c.id
                                && AppealStatus::stored(&a.status) == AppealStatus::Open
                        })
                })
                .map(|c| (c.id, c.name.clone()))
                .collect()
        } else {
            Vec::new()
        };
        let appeals = rows
            .iter()
            .map(|a| {
                let status = AppealStatus::stored(&a.status);
                let c = communities.iter().find(|c| c.id == a.community_node_id);
                AppealView {
                    id: a.id,
                    community_id: a.community_node_id,
                    community: c.map(|c| c.name.clone()).unwrap_or_default(),
                    street: c.map(|c| c.street.clone()).unwrap_or_default(),
                    reason: a.reason.clone(),
                    status,
                    status_zh: status.label_zh(),
                    filed_on: a.filed_on.clone(),
                    answer: a.answer.clone(),
                    answered_on: a
                        .answered_at
                        .and_then(crate::clock::cst_date)
                        .map(|d| d.to_string()),
                    old_total: a.old_total.clone(),
                    new_total: a.new_total.clone(),
                    evidence: appeal_evidence(&evidence, a.id),
                    can_answer: can_run && status == AppealStatus::Open,
                }
            })
            .collect();
        Ok(AppealsPart {
            deadline: deadline.map(|d| d.to_string()),
            may_appeal,
            appeals,
        })
    }

    /// A community appeals its published score (申诉): only its own community (403), only
    /// after publication and within the appeal period (409), one open appeal at a time (409),
    /// a reason (422) and up to five evidence files checked by content.
    pub async fn file_appeal(
        &self,
        ctx: &Ctx,
        campaign_id: i64,
        community_id: i64,
        reason: &str,
        files: &[AttachmentUpload],
    ) -> Result<ComprehensiveView> {
        let l = self.load_comprehensive(campaign_id).await?;
        let community = self.own_community_in(ctx, &l, community_id).await?;
        if CampaignStatus::stored(&l.row.status) != CampaignStatus::Closed {
            return Err(DomainError::conflict(
                "comprehensive_not_published",
                "综合考评结束并公布结果后，才能对得分提出申诉",
            ));
        }
        let Some(deadline) = self.appeal_deadline(&l.row).await? else {
            return Err(DomainError::internal());
        };
        let today = self.today();
        if today > deadline {
            return Err(DomainError::conflict(
                "appeal_deadline_passed",
                format!(
                    "申诉期（结果公布后 {APPEAL_WORKING_DAYS} 个工作日）已于 {deadline} 届满，不能再申诉"
                ),
            ));
        }
        let open = repo::appeals_in_state(
            self.store.db(),
            campaign_id,
            community.id,
            AppealStatus::Open.as_str(),
        )
        .await?;
        if open > 0 {
            return Err(DomainError::conflict(
                "appeal_open",
                format!(
                    "{}已有一项申诉等待区里答复，答复后才能再次申诉",
                    community.name
                ),
            ));
        }
        let mut p = Problems::new();
        let reason = p.take(crate::certificate::text_field(
            reason,
            "reason",
            "申诉理由",
            2000,
            true,
        ));
        let mut kinds = Vec::with_capacity(files.len());
        if files.len() > MAX_ATTACHMENTS {
            p.push(DomainError::field(
                "evidence",
                "evidence_too_many",
                format!("佐证材料最多 {MAX_ATTACHMENTS} 个"),
            ));
        } else {
            for u in files {
                if let Some(kind) = p.take(crate::certificate::check_upload(u, "evidence")) {
                    kinds.push(kind);
                }
            }
        }
        p.finish()?;
        let reason = reason.unwrap_or_default();
        let now = self.now_ms();
        let mut tx = self.store.begin_write().await?;
        let appeal_id = repo::insert_appeal(
            tx.conn(),
            &repo::NewAppeal {
                campaign: campaign_id,
                community: community.id,
                reason: &reason,
                status: AppealStatus::Open.as_str(),
                by: ctx.principal.account_id,
                now,
                filed_on: &today.to_string(),
            },
        )
        .await?;
        for (u, kind) in files.iter().zip(&kinds) {
            repo::insert_appeal_evidence(
                tx.conn(),
                appeal_id,
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
            "comprehensive.appeal",
            "comprehensive_campaign",
            Some(campaign_id.to_string()),
            serde_json::json!({
                "appeal": appeal_id, "community": community.name, "reason": reason,
                "evidence": files.iter().map(|f| f.file_name.trim()).collect::<Vec<_>>(),
                "deadline": deadline.to_string(), "clauses": [CLAUSE],
            }),
        ))
        .await?;
        tx.commit().await?;
        self.comprehensive_view(ctx, l).await
    }

    /// The district answers an appeal: upheld with the corrected indicator scores and the
    /// reason (the community's total is recomputed and the corrected ranking recorded), or
    /// rejected with the reason. 409 when it was already answered.
    pub async fn answer_appeal(
        &self,
        ctx: &Ctx,
        appeal_id: i64,
        a: &AppealAnswer,
    ) -> Result<ComprehensiveView> {
        let appeal = repo::appeal(self.store.db(), appeal_id)
            .await?
            .ok_or_else(|| DomainError::not_found("申诉"))?;
        let l = self.load_comprehensive(appeal.campaign_id).await?;
        self.check(ctx, Action::RunComprehensive, &l.district.target())
            .await?;
        if AppealStatus::stored(&appeal.status) != AppealStatus::Open {
            return Err(DomainError::conflict("appeal_answered", "该申诉已经答复"));
        }
        let mut p = Problems::new();
        let answer = p.take(crate::certificate::text_field(
            &a.answer,
            "answer",
            if a.uphold {
                "更正理由"
            } else {
                "不予支持的理由"
            },
            2000,
            true,
        ));
        let mut parsed: BTreeMap<i32, u32> = BTreeMap::new();
        let mut bad = Vec::new();
        for (no, s) in &a.scores {
            if s.trim().is_empty() {
                continue;
            }
            match (l.design.indicator(*no), parse_points(s)) {
                (Some(_), Some(v)) => {
                    parsed.insert(*no, v);
                }
                (Some(i), None) => bad.push(format!("“{}”的得分“{}”", i.name, s.trim())),
                (None, _) => bad.push(format!("第 {no} 项指标不存在")),
            }
        }
        if a.uphold {
            if !bad.is_empty() {
                p.push(DomainError::field(
                    "scores",
                    "score_invalid",
                    format!("得分应为 0 至 100 的数（最多两位小数）：{}", bad.join("、")),
                ));
            } else if parsed.is_empty() {
                p.push(DomainError::field(
                    "scores",
                    "scores_required",
                    "申诉成立时请填写更正后的指标得分",
                ));
            }
        }
        p.finish()?;
        let answer = answer.unwrap_or_default();
        // The result as published now, and as corrected.
        let before = self.comprehensive_view(ctx, l).await?;
        let Some(c) = before
            .communities
            .iter()
            .find(|c| c.id == appeal.community_node_id)
        else {
            return Err(DomainError::internal());
        };
        let old_scores: BTreeMap<i32, Option<String>> = c
            .nominations
            .iter()
            .map(|n| (n.indicator, n.score.clone()))
            .collect();
        let new_total = if a.uphold {
            corrected_total(&before, c, &parsed)
        } else {
            c.total_centi
        };
        let ranking = if a.uphold {
            let mut totals: Vec<(String, i64, u32)> = before
                .communities
                .iter()
                .filter_map(|m| {
                    let t = if m.id == c.id {
                        new_total
                    } else {
                        m.total_centi
                    };
                    t.map(|t| (m.name.clone(), m.id, t))
                })
                .collect();
            totals.sort();
            let ids: Vec<(i64, u32)> = totals.iter().map(|(_, id, t)| (*id, *t)).collect();
            rank(&ids)
                .into_iter()
                .map(|(id, t, r)| {
                    let name = totals
                        .iter()
                        .find(|x| x.1 == id)
                        .map(|x| x.0.clone())
                        .unwrap_or_default();
                    serde_json::json!({"rank": r, "community": name, "total": points(t)})
                })
                .collect::<Vec<_>>()
        } else {
            Vec::new()
        };
        let to = if a.uphold {
            AppealStatus::Upheld
        } else {
            AppealStatus::Rejected
        };
        let now = self.now_ms();
        let mut tx = self.store.begin_write().await?;
        let new_total_text = new_total.map(points);
        let done = repo::answer_appeal(
            tx.conn(),
            appeal.id,
            AppealStatus::Open.as_str(),
            &repo::Answered {
                status: to.as_str(),
                answer: &answer,
                by: ctx.principal.account_id,
                now,
                old_total: c.total.as_deref(),
                new_total: new_total_text.as_deref(),
            },
        )
        .await?;
        if !done {
            return Err(DomainError::conflict(
                "appeal_answered",
                "该申诉刚刚已经答复",
            ));
        }
        if a.uphold {
            let nos: Vec<i32> = parsed.keys().copied().collect();
            let scores: Vec<(i32, i32)> = parsed
                .iter()
                .map(|(no, v)| (*no, i32::try_from(*v).unwrap_or(0)))
                .collect();
            repo::replace_scores(
                tx.conn(),
                &repo::Scored {
                    campaign: appeal.campaign_id,
                    community: c.id,
                    indicators: &nos,
                    scores: &scores,
                    by: ctx.principal.account_id,
                    now,
                },
            )
            .await?;
        }
        tx.audit(ctx.entry(
            "comprehensive.appeal_answer",
            "comprehensive_campaign",
            Some(appeal.campaign_id.to_string()),
            serde_json::json!({
                "appeal": appeal.id, "community": c.name, "outcome": to.as_str(),
                "answer": answer,
                "corrected": parsed.iter().map(|(no, v)| (no.to_string(), serde_json::json!({
                    "from": old_scores.get(no).cloned().flatten(), "to": points(*v)
                }))).collect::<BTreeMap<_, _>>(),
                "old_total": c.total, "new_total": new_total.map(points),
                "ranking": ranking,
                "clauses": [CLAUSE],
            }),
        ))
        .await?;
        tx.commit().await?;
        self.comprehensive(ctx, appeal.campaign_id).await
    }

    /// One evidence file of an appeal, for whoever sees that appeal.
    pub async fn appeal_evidence(
        &self,
        ctx: &Ctx,
        evidence_id: i64,
    ) -> Result<(String, String, Vec<u8>)> {
        let not_found = || DomainError::not_found("申诉佐证材料");
        let e = repo::appeal_evidence(self.store.db(), evidence_id)
            .await?
            .ok_or_else(not_found)?;
        let a = repo::appeal(self.store.db(), e.appeal_id)
            .await?
            .ok_or_else(not_found)?;
        let l = self.load_comprehensive(a.campaign_id).await?;
        let community = self.find_node(a.community_node_id).await?;
        let sees = visible(&ctx.principal, Action::ViewComprehensive).covers(&community.path)
            || authorize(
                &ctx.principal,
                Action::RunComprehensive,
                &l.district.target(),
            )
            .is_ok();
        if !sees {
            self.record_denial(ctx, Action::ViewComprehensive, Some(community.id))
                .await;
            return Err(DomainError::forbidden("该申诉材料不在您的管辖范围内"));
        }
        Ok((e.file_name, e.content_type, e.content))
    }
}

/// A community's total with some indicator scores replaced: each group's score recomputed
/// from its indicators (the satisfaction group's as published), then the total.
fn corrected_total(
    v: &ComprehensiveView,
    c: &CommunityView,
    corrected: &BTreeMap<i32, u32>,
) -> Option<u32> {
    let current: BTreeMap<i32, u32> = c
        .nominations
        .iter()
        .filter_map(|n| {
            n.score
                .as_deref()
                .and_then(parse_points)
                .map(|s| (n.indicator, s))
        })
        .collect();
    let score = |no: i32| corrected.get(&no).or_else(|| current.get(&no)).copied();
    let mut group_scores = Vec::with_capacity(v.design.groups.len());
    for (g, line) in v.design.groups.iter().zip(&c.groups) {
        if g.satisfaction {
            group_scores.push(line.score.as_deref().and_then(parse_points));
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
        let is: Vec<Option<u32>> = g.indicators.iter().map(|i| score(i.no)).collect();
        group_scores.push(total(&ig, &is).ok());
    }
    total(&v.design.rule_groups(), &group_scores).ok()
}

impl App {
    /// The appeals' to-dos: for the district, the open appeals of its campaigns to answer;
    /// for a community's staff, the answer to their appeal (news, for 30 days).
    pub(super) async fn appeal_todos(
        &self,
        ctx: &Ctx,
        nominating: &[i64],
    ) -> Result<Vec<crate::inbox::TodoItem>> {
        use crate::inbox::TodoItem;
        let mut items = Vec::new();
        let run = visible(&ctx.principal, Action::RunComprehensive);
        let db = self.store.db();
        if !run.is_empty() {
            let open = repo::appeals_in(db, AppealStatus::Open.as_str()).await?;
            let mut per: BTreeMap<i64, usize> = BTreeMap::new();
            for a in &open {
                *per.entry(a.campaign_id).or_default() += 1;
            }
            for (campaign, n) in per {
                let Some(row) = repo::campaign(db, campaign).await? else {
                    continue;
                };
                let district = self.find_node(row.district_node_id).await?;
                if authorize(&ctx.principal, Action::RunComprehensive, &district.target()).is_err()
                {
                    continue;
                }
                items.push(TodoItem::new(
                    "综合考评",
                    "待答复申诉",
                    row.name.clone(),
                    format!("{n} 项社区(村)对得分的申诉待答复"),
                    format!("/comprehensive/{}#appeals", row.id),
                ));
            }
        }
        if !nominating.is_empty() {
            let since = self.now_ms() - 30 * 86_400_000;
            let answered =
                repo::answered_appeals(db, AppealStatus::Open.as_str(), nominating, since).await?;
            for a in answered {
                let community = self.find_node(a.community_node_id).await?;
                if authorize(
                    &ctx.principal,
                    Action::NominateComprehensive,
                    &community.target(),
                )
                .is_err()
                {
                    continue;
                }
                let status = AppealStatus::stored(&a.status);
                items.push(
                    TodoItem::new(
                        "综合考评",
                        "申诉已答复",
                        format!("{}的申诉", community.name),
                        status.label_zh().to_owned(),
                        format!("/comprehensive/{}#appeal-{}", a.campaign_id, a.id),
                    )
                    .notice(),
                );
            }
        }
        Ok(items)
    }
}
