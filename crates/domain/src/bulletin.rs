//! Bulletins (通报批评, 5.3-3; issue 14, slice 4). A supervisor of a district or of the city
//! drafts a bulletin of the cases of its jurisdiction closed in a period (each line: the unit,
//! the violation with its clauses, the outcome — never who reported it); the approver of that
//! level (区委/区政府 or 市委/市政府, [`Action::ApproveBulletin`], a different account from the
//! drafter) signs it off; only then does a supervisor of the drafting department publish it: a
//! PDF sealed with the department's seal like a rectification notice (serial `TB-`, verifiable
//! at `/verify`) and a public page. Drafts are seen only by the supervisors and approvers of
//! their level. Each step is audited with clause 5.3-3.

use jianfu_rules::supervision::{BulletinRefusal, bulletin_line, bulletin_period};
use jianfu_store::entity::{bulletin, supervision_case};
use jianfu_store::repo::bulletins as repo;
use serde::Serialize;

use crate::authz::{self, Action};
use crate::certificate::{VerifyView, text_field};
use crate::demand::CaseStatus;
use crate::error::{DomainError, ErrorKind, Problems, Result};
use crate::inbox::{PER_PROVIDER, TodoFuture, TodoItem, TodoProvider};
use crate::page::{Page, PageRequest};
use crate::rectification::{SealedDocument, SupervisionDocument};
use crate::tree::NodeView;
use crate::{App, Ctx};

/// The most cases one bulletin lists: its sealed PDF is one A4 page.
pub const MAX_LINES: usize = 8;
/// The title printed on the PDF, and its type in the sealed document.
const BULLETIN_TITLE: &str = "通报";
const BULLETIN_TYPE_CODE: &str = "supervision_bulletin";
/// The clause every bulletin applies.
const CLAUSE: &str = jianfu_rules::clause!("5.3-3").as_str();

/// Where a bulletin stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum BulletinStatus {
    /// 待签发: drafted, waiting for the approver.
    Draft,
    /// 已签发: signed off, waiting to be published.
    SignedOff,
    /// 已发布: public, with its sealed PDF.
    Published,
}

impl BulletinStatus {
    pub const ALL: [Self; 3] = [Self::Draft, Self::SignedOff, Self::Published];
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Draft => "draft",
            Self::SignedOff => "signed_off",
            Self::Published => "published",
        }
    }
    pub fn label_zh(self) -> &'static str {
        match self {
            Self::Draft => "待签发",
            Self::SignedOff => "已签发（待发布）",
            Self::Published => "已发布",
        }
    }
    /// The CSS badge of the state.
    pub fn badge(self) -> &'static str {
        match self {
            Self::Draft => "warn",
            Self::SignedOff => "muted",
            Self::Published => "ok",
        }
    }
    /// The state stored in the column (an unknown text reads as a draft: never public).
    pub fn stored(s: &str) -> Self {
        Self::ALL
            .into_iter()
            .find(|x| x.as_str() == s)
            .unwrap_or(Self::Draft)
    }
}

/// What a supervisor fills in to draft a bulletin.
#[derive(Clone, Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct BulletinForm {
    pub title: String,
    /// `YYYY-MM-DD`, both days included.
    pub period_from: String,
    pub period_to: String,
    /// The closed cases it lists, in this order.
    pub case_ids: Vec<i64>,
}

/// One line of a bulletin.
#[derive(Clone, Debug, Serialize)]
pub struct BulletinLineView {
    pub position: i32,
    pub case_id: i64,
    pub unit_name: String,
    pub violation: String,
    pub clauses: Vec<String>,
    pub outcome: String,
    pub closed_on: String,
}

/// A bulletin as its pages and the API show it. The drafter's name is only filled for the
/// staff of its level (`drafted_by` is empty on the public page).
#[derive(Clone, Debug, Serialize)]
pub struct BulletinView {
    pub id: i64,
    pub title: String,
    pub scope_id: i64,
    pub scope_name: String,
    pub issuer_name: String,
    pub period_from: String,
    pub period_to: String,
    pub status: BulletinStatus,
    pub drafted_by: String,
    pub drafted_at: i64,
    /// The approver who signed it off (签发人), by name.
    pub signed_off_by: Option<String>,
    pub signed_off_at: Option<i64>,
    pub sign_off_opinion: Option<String>,
    pub published_at: Option<i64>,
    /// `TB-YYYY-NNNNNN`, once published.
    pub serial: Option<String>,
    pub verify_url: Option<String>,
    pub clauses: Vec<String>,
    pub lines: Vec<BulletinLineView>,
    /// What the reader may do next (staff only).
    pub can_sign_off: bool,
    pub can_publish: bool,
}

/// A closed case the drafter may pick, for the page's checkboxes.
#[derive(Clone, Debug, Serialize)]
pub struct BulletinCandidate {
    pub case_id: i64,
    pub unit_name: String,
    pub violation: String,
    pub closed_on: String,
}

/// The serial of a bulletin: `TB-YYYY-NNNNNN` (通报).
pub fn bulletin_serial(year: i32, seq: i64) -> String {
    format!("TB-{year}-{seq:06}")
}

/// Whether `s` has the shape of a bulletin serial.
pub fn serial_is_well_formed(s: &str) -> bool {
    crate::rectification::serial_shaped(s, "TB-")
}

fn parse_day(s: &str, field: &'static str, label: &str) -> Result<chrono::NaiveDate> {
    let t = s.trim();
    if t.is_empty() {
        return Err(DomainError::field(
            field,
            "required",
            format!("请填写{label}"),
        ));
    }
    chrono::NaiveDate::parse_from_str(t, "%Y-%m-%d")
        .map_err(|_| DomainError::field(field, "date_invalid", "日期格式应为 YYYY-MM-DD"))
}

fn not_found() -> DomainError {
    DomainError::not_found("通报")
}

/// `2026-12-18` → `2026年12月18日`.
fn chinese_day(d: &str) -> String {
    match chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d") {
        Ok(d) => crate::rectification::chinese_day(d),
        Err(_) => d.to_owned(),
    }
}

impl App {
    /// The level (district or city) `ctx` drafts bulletins for: the scope node of their first
    /// grant that permits [`Action::DraftBulletin`], with the supervising department itself.
    async fn drafting_level(&self, ctx: &Ctx) -> Result<(NodeView, NodeView)> {
        let Some(grant) = ctx
            .principal
            .grants
            .iter()
            .find(|g| authz::permits(g.role, Action::DraftBulletin))
            .filter(|_| ctx.principal.blocked().is_none())
        else {
            self.record_denial(ctx, Action::DraftBulletin, None).await;
            return Err(ctx
                .principal
                .blocked()
                .unwrap_or_else(|| DomainError::forbidden("您的角色不能起草通报")));
        };
        let level = self.find_node(grant.scope_node_id).await?;
        let department = self.find_node(grant.node_id).await?;
        Ok((level, department))
    }

    /// The day a closed case was closed (its last change: closing is final).
    fn closed_on(row: &supervision_case::Model) -> Option<chrono::NaiveDate> {
        (CaseStatus::stored(&row.status) == CaseStatus::Closed)
            .then(|| crate::clock::cst_date(row.updated_at))
            .flatten()
    }

    /// The closed cases of `ctx`'s level, newest first (at most 200), for the draft form.
    pub async fn bulletin_candidates(&self, ctx: &Ctx) -> Result<Vec<BulletinCandidate>> {
        let (level, _) = self.drafting_level(ctx).await?;
        let scope = jianfu_store::Scope::subtree(&level.path);
        let rows =
            repo::cases_in(self.store.db(), &scope, CaseStatus::Closed.as_str(), 200).await?;
        let mut out = Vec::with_capacity(rows.len());
        for row in rows {
            let closed_on = Self::closed_on(&row)
                .map(|d| d.to_string())
                .unwrap_or_default();
            let line = self.line_of(row).await?;
            out.push(BulletinCandidate {
                case_id: line.case_id,
                unit_name: line.unit_name,
                violation: line.violation,
                closed_on,
            });
        }
        Ok(out)
    }

    /// A closed case as a bulletin line: the unit its notice named, the violation found (the
    /// rule's wording) with the notice's clauses, and the outcome. Never the reporter.
    async fn line_of(&self, row: supervision_case::Model) -> Result<BulletinLineView> {
        let closed_on = Self::closed_on(&row)
            .map(|d| d.to_string())
            .unwrap_or_default();
        let notice = repo::notice_of(self.store.db(), row.id).await?;
        let community = self.find_node(row.community_node_id).await?;
        let id = row.id;
        let case = self.case_view(row, community, false).await?;
        let (unit_name, mut clauses, outcome) = match notice {
            Some(n) => {
                let unit = self.find_node(n.unit_node_id).await?;
                let clauses: Vec<String> = serde_json::from_str(&n.clauses).unwrap_or_default();
                (
                    unit.name,
                    clauses,
                    format!(
                        "已按整改通知书 {} 整改，经验收于 {} 办结",
                        n.serial,
                        chinese_day(&closed_on)
                    ),
                )
            }
            None => (
                case.demanding_unit.clone(),
                vec![case.finding.clause.clone()],
                format!("已于 {} 办结", chinese_day(&closed_on)),
            ),
        };
        if !clauses.iter().any(|c| c == CLAUSE) {
            clauses.push(CLAUSE.to_owned());
        }
        Ok(BulletinLineView {
            position: 0,
            case_id: id,
            unit_name,
            violation: case.finding.message,
            clauses,
            outcome,
            closed_on,
        })
    }

    /// Drafts a bulletin (5.3-3) of `ctx`'s level: a title, a period that is over, and 1–8
    /// cases of the level's jurisdiction closed in that period. Every problem at once: no
    /// cases (`bulletin_no_cases`), too many, a case that does not exist or lies outside the
    /// jurisdiction (`bulletin_case_unknown`), is not closed (`case_not_closed`, 409) or was
    /// closed outside the period (`case_outside_period`). Audited as `bulletin.draft`.
    pub async fn draft_bulletin(&self, ctx: &Ctx, f: &BulletinForm) -> Result<BulletinView> {
        let (level, department) = self.drafting_level(ctx).await?;
        let mut p = Problems::new();
        let title = p.take(
            text_field(&f.title, "title", "标题", 100, true).and_then(|t| {
                match jianfu_seal::check_printable(&[&t]) {
                    Ok(()) => Ok(t),
                    Err(_) => Err(DomainError::field(
                        "title",
                        "text_unprintable",
                        "标题含通报 PDF 字体不支持的字符，请删除或改写",
                    )),
                }
            }),
        );
        let from = p.take(parse_day(
            &f.period_from,
            "period_from",
            "通报期间的起始日期",
        ));
        let to = p.take(parse_day(&f.period_to, "period_to", "通报期间的截止日期"));
        let period = match (from, to) {
            (Some(a), Some(b)) => {
                let today = crate::clock::rules_date(self.today())?;
                match bulletin_period(
                    crate::clock::rules_date(a)?,
                    crate::clock::rules_date(b)?,
                    today,
                ) {
                    Ok(_) => Some((a, b)),
                    Err(BulletinRefusal::PeriodReversed) => {
                        p.push(DomainError::field(
                            "period_to",
                            "period_reversed",
                            "截止日期不能早于起始日期",
                        ));
                        None
                    }
                    Err(_) => {
                        p.push(DomainError::field(
                            "period_to",
                            "period_not_over",
                            "通报期间须已结束（截止日期不晚于今天）",
                        ));
                        None
                    }
                }
            }
            _ => None,
        };
        let mut ids: Vec<i64> = Vec::new();
        for id in &f.case_ids {
            if !ids.contains(id) {
                ids.push(*id);
            }
        }
        if ids.is_empty() {
            p.push(DomainError::field(
                "case_ids",
                "bulletin_no_cases",
                "请至少选择一件已办结的问题线索",
            ));
        } else if ids.len() > MAX_LINES {
            p.push(DomainError::field(
                "case_ids",
                "bulletin_too_many_cases",
                format!("一期通报最多列 {MAX_LINES} 件问题线索"),
            ));
        }
        let mut lines = Vec::new();
        for id in ids.iter().take(MAX_LINES) {
            let row = repo::case(self.store.db(), *id).await?;
            let community = match &row {
                Some(r) => Some(self.find_node(r.community_node_id).await?),
                None => None,
            };
            let (Some(row), Some(community)) = (row, community) else {
                p.push(unknown_case(*id));
                continue;
            };
            if !community.path.starts_with(&level.path) {
                p.push(unknown_case(*id));
                continue;
            }
            if let Some((a, b)) = period {
                let closed = Self::closed_on(&row)
                    .map(crate::clock::rules_date)
                    .transpose()?;
                match bulletin_line(
                    closed,
                    crate::clock::rules_date(a)?,
                    crate::clock::rules_date(b)?,
                ) {
                    Ok(_) => {}
                    Err(BulletinRefusal::CaseNotClosed) => {
                        let mut e = DomainError::conflict(
                            "case_not_closed",
                            format!(
                                "问题线索 #{id} 的状态为“{}”，尚未办结，不能列入通报",
                                CaseStatus::stored(&row.status).label_zh()
                            ),
                        );
                        e.field = Some("case_ids");
                        p.push(e);
                        continue;
                    }
                    Err(_) => {
                        p.push(DomainError::field(
                            "case_ids",
                            "case_outside_period",
                            format!("问题线索 #{id} 不是在通报期间内办结的"),
                        ));
                        continue;
                    }
                }
            }
            lines.push(self.line_of(row).await?);
        }
        p.finish()?;
        let (Some(title), Some((from, to))) = (title, period) else {
            return Err(DomainError::internal());
        };
        let now = self.now_ms();
        let mut tx = self.store.begin_write().await?;
        let clauses = lines
            .iter()
            .map(|l| serde_json::to_string(&l.clauses).map_err(|_| DomainError::internal()))
            .collect::<Result<Vec<_>>>()?;
        let new_lines: Vec<repo::NewLine<'_>> = lines
            .iter()
            .zip(&clauses)
            .map(|(l, clauses)| repo::NewLine {
                case_id: l.case_id,
                unit_name: &l.unit_name,
                violation: &l.violation,
                clauses,
                outcome: &l.outcome,
                closed_on: &l.closed_on,
            })
            .collect();
        let (from_s, to_s) = (from.to_string(), to.to_string());
        let b = repo::insert(
            tx.conn(),
            repo::NewBulletin {
                scope_node_id: level.id,
                issuer_node_id: department.id,
                title: &title,
                period_from: &from_s,
                period_to: &to_s,
                status: BulletinStatus::Draft.as_str(),
                drafted_by: ctx.principal.account_id,
                now,
            },
            &new_lines,
        )
        .await?;
        tx.audit(ctx.entry(
            "bulletin.draft",
            "bulletin",
            Some(b.id.to_string()),
            serde_json::json!({
                "title": title,
                "level": level.name,
                "period": [from.to_string(), to.to_string()],
                "cases": lines.iter().map(|l| l.case_id).collect::<Vec<_>>(),
                "status": BulletinStatus::Draft.as_str(),
                "clauses": [CLAUSE],
            }),
        ))
        .await?;
        tx.commit().await?;
        self.bulletin_detail(ctx, b.id).await
    }

    /// Whether `ctx` may see the bulletins of the level at `level_path` that are not
    /// published: its drafters (the supervisors of that level) and its approvers.
    fn staff_of(ctx: &Ctx, level_path: &str) -> bool {
        authz::at_level(
            &ctx.principal,
            &[Action::DraftBulletin, Action::ApproveBulletin],
            level_path,
        )
    }

    /// The bulletins of `ctx`'s levels in every state, newest first: the supervisors' and
    /// approvers' list (drafts are never public).
    pub async fn staff_bulletins(&self, ctx: &Ctx, req: PageRequest) -> Result<Page<BulletinView>> {
        let drafters = authz::jurisdictions(&ctx.principal, Action::DraftBulletin);
        let approvers = authz::visible(&ctx.principal, Action::ApproveBulletin);
        if ctx.principal.blocked().is_some() || (drafters.is_empty() && approvers.is_empty()) {
            self.record_denial(ctx, Action::DraftBulletin, None).await;
            return Err(ctx
                .principal
                .blocked()
                .unwrap_or_else(|| DomainError::forbidden("您的角色不能查看未发布的通报")));
        }
        let (rows, total) = repo::staff_page(
            self.store.db(),
            drafters,
            &approvers,
            req.offset(),
            req.per_page,
        )
        .await?;
        let mut items = Vec::with_capacity(rows.len());
        for r in rows {
            items.push(self.bulletin_view(Some(ctx), r).await?);
        }
        Ok(req.page(items, total))
    }

    /// The published bulletins, newest first: the public list (no login).
    pub async fn published_bulletins(&self, req: PageRequest) -> Result<Page<BulletinView>> {
        let (rows, total) = repo::page_in_status(
            self.store.db(),
            BulletinStatus::Published.as_str(),
            req.offset(),
            req.per_page,
        )
        .await?;
        let mut items = Vec::with_capacity(rows.len());
        for r in rows {
            items.push(self.bulletin_view(None, r).await?);
        }
        Ok(req.page(items, total))
    }

    /// One published bulletin, for anyone; anything else is not found.
    pub async fn published_bulletin(&self, id: i64) -> Result<BulletinView> {
        let row = self.bulletin_row(id).await?;
        if BulletinStatus::stored(&row.status) != BulletinStatus::Published {
            return Err(not_found());
        }
        self.bulletin_view(None, row).await
    }

    /// The sealed PDF of a published bulletin, for anyone: (file name, bytes).
    pub async fn bulletin_pdf(&self, id: i64) -> Result<(String, Vec<u8>)> {
        let row = self.bulletin_row(id).await?;
        match (BulletinStatus::stored(&row.status), row.serial, row.pdf) {
            (BulletinStatus::Published, Some(serial), Some(pdf)) => {
                Ok((format!("通报-{serial}.pdf"), pdf))
            }
            _ => Err(not_found()),
        }
    }

    async fn bulletin_row(&self, id: i64) -> Result<bulletin::Model> {
        repo::by_id(self.store.db(), id)
            .await?
            .ok_or_else(not_found)
    }

    /// One bulletin in any state, for the staff of its level (a published one for anyone
    /// logged in, as on the public page). 404 for a draft outside the reader's levels.
    pub async fn bulletin_detail(&self, ctx: &Ctx, id: i64) -> Result<BulletinView> {
        let row = self.bulletin_row(id).await?;
        let level = self.find_node(row.scope_node_id).await?;
        if Self::staff_of(ctx, &level.path) {
            return self.bulletin_view(Some(ctx), row).await;
        }
        if BulletinStatus::stored(&row.status) == BulletinStatus::Published {
            return self.bulletin_view(None, row).await;
        }
        self.record_denial(ctx, Action::DraftBulletin, Some(level.id))
            .await;
        Err(DomainError::forbidden(
            "该通报尚未发布，仅本级监督部门和签发人可以查看",
        ))
    }

    async fn bulletin_view(&self, ctx: Option<&Ctx>, r: bulletin::Model) -> Result<BulletinView> {
        let db = self.store.db();
        let names =
            jianfu_store::repo::tree::names(db, vec![r.scope_node_id, r.issuer_node_id]).await?;
        let accounts = jianfu_store::repo::accounts::display_names(
            db,
            [Some(r.drafted_by), r.signed_off_by]
                .into_iter()
                .flatten()
                .collect(),
        )
        .await?;
        let lines = repo::lines(db, r.id)
            .await?
            .into_iter()
            .map(|l| BulletinLineView {
                position: l.position,
                case_id: l.case_id,
                unit_name: l.unit_name,
                violation: l.violation,
                clauses: serde_json::from_str(&l.clauses).unwrap_or_default(),
                outcome: l.outcome,
                closed_on: l.closed_on,
            })
            .collect();
        let status = BulletinStatus::stored(&r.status);
        let (can_sign_off, can_publish) = match ctx {
            Some(ctx) => {
                let level = self.find_node(r.scope_node_id).await?;
                (
                    status == BulletinStatus::Draft
                        && r.drafted_by != ctx.principal.account_id
                        && authz::authorize(
                            &ctx.principal,
                            Action::ApproveBulletin,
                            &level.target(),
                        )
                        .is_ok(),
                    status == BulletinStatus::SignedOff
                        && authz::own_units(&ctx.principal, Action::DraftBulletin)
                            .contains(&r.issuer_node_id),
                )
            }
            None => (false, false),
        };
        Ok(BulletinView {
            id: r.id,
            title: r.title,
            scope_id: r.scope_node_id,
            scope_name: names.get(&r.scope_node_id).cloned().unwrap_or_default(),
            issuer_name: names.get(&r.issuer_node_id).cloned().unwrap_or_default(),
            period_from: r.period_from,
            period_to: r.period_to,
            status,
            drafted_by: if ctx.is_some() {
                accounts.get(&r.drafted_by).cloned().unwrap_or_default()
            } else {
                String::new()
            },
            drafted_at: r.drafted_at,
            signed_off_by: r.signed_off_by.and_then(|a| accounts.get(&a).cloned()),
            signed_off_at: r.signed_off_at,
            sign_off_opinion: r.sign_off_opinion,
            published_at: r.published_at,
            verify_url: match (&r.serial, &r.check_code) {
                (Some(s), Some(c)) => Some(crate::certificate::verify_url(
                    &self.public_base_url(),
                    s,
                    c,
                )),
                _ => None,
            },
            serial: r.serial,
            clauses: vec![CLAUSE.to_owned()],
            lines,
            can_sign_off,
            can_publish,
        })
    }

    /// The approver of the bulletin's level signs it off (签发, 5.3-3), with an optional
    /// opinion: a different account from the drafter (`bulletin_signoff_by_drafter`, 403), only
    /// a draft (`bulletin_not_draft`, 409). Audited as `bulletin.sign_off`.
    pub async fn sign_off_bulletin(
        &self,
        ctx: &Ctx,
        id: i64,
        opinion: &str,
    ) -> Result<BulletinView> {
        let row = self.bulletin_row(id).await?;
        let level = self.find_node(row.scope_node_id).await?;
        self.check(ctx, Action::ApproveBulletin, &level.target())
            .await?;
        if row.drafted_by == ctx.principal.account_id {
            self.record_denial(ctx, Action::ApproveBulletin, Some(level.id))
                .await;
            return Err(DomainError::new(
                ErrorKind::Forbidden,
                "bulletin_signoff_by_drafter",
                "起草人不能签发自己起草的通报，须由本级另一位有签发权限的负责人签发",
            ));
        }
        let mut p = Problems::new();
        let status = BulletinStatus::stored(&row.status);
        if status != BulletinStatus::Draft {
            p.push(DomainError::conflict(
                "bulletin_not_draft",
                format!("该通报的状态为“{}”，不能再签发", status.label_zh()),
            ));
        }
        let opinion = p.take(text_field(opinion, "opinion", "签发意见", 500, false));
        p.finish()?;
        let opinion = opinion.unwrap_or_default();
        let now = self.now_ms();
        let mut tx = self.store.begin_write().await?;
        let moved = repo::sign_off(
            tx.conn(),
            id,
            (
                BulletinStatus::Draft.as_str(),
                BulletinStatus::SignedOff.as_str(),
            ),
            ctx.principal.account_id,
            (!opinion.is_empty()).then_some(opinion.as_str()),
            now,
        )
        .await?;
        if !moved {
            return Err(DomainError::conflict(
                "bulletin_not_draft",
                "该通报刚刚已被签发，请刷新",
            ));
        }
        tx.audit(ctx.entry(
            "bulletin.sign_off",
            "bulletin",
            Some(id.to_string()),
            serde_json::json!({
                "status": BulletinStatus::SignedOff.as_str(),
                "reason": opinion,
                "clauses": [CLAUSE],
            }),
        ))
        .await?;
        tx.commit().await?;
        self.bulletin_detail(ctx, id).await
    }

    /// A supervisor of the drafting department publishes a signed-off bulletin: it is sealed
    /// and rendered as a PDF with the department's seal (serial `TB-YYYY-NNNNNN`) and appears
    /// on the public page. Before sign-off: `bulletin_not_signed_off` (409); published already:
    /// `bulletin_already_published` (409). Audited as `bulletin.publish`.
    pub async fn publish_bulletin(&self, ctx: &Ctx, id: i64) -> Result<BulletinView> {
        let row = self.bulletin_row(id).await?;
        let level = self.find_node(row.scope_node_id).await?;
        self.check(ctx, Action::DraftBulletin, &level.target())
            .await?;
        if !authz::own_units(&ctx.principal, Action::DraftBulletin).contains(&row.issuer_node_id) {
            self.record_denial(ctx, Action::DraftBulletin, Some(level.id))
                .await;
            return Err(DomainError::forbidden("只有起草该通报的监督部门可以发布它"));
        }
        match BulletinStatus::stored(&row.status) {
            BulletinStatus::SignedOff => {}
            BulletinStatus::Draft => {
                return Err(DomainError::conflict(
                    "bulletin_not_signed_off",
                    "该通报尚未签发，签发后才能发布",
                ));
            }
            BulletinStatus::Published => {
                return Err(DomainError::conflict(
                    "bulletin_already_published",
                    "该通报已发布",
                ));
            }
        }
        let view = self.bulletin_view(Some(ctx), row.clone()).await?;
        let department = self.find_node(row.issuer_node_id).await?;
        let (seal_row, open) = self
            .supervision_seal(ctx, &department, &format!("发布通报《{}》", row.title))
            .await?;
        let today = self.today();
        let year = chrono::Datelike::year(&today);
        let mut body = format!(
            "{}\n{}至{}，本级监督检查中发现并已办结以下问题，现予通报（《关于进一步开展街道(乡镇)社区(村)减负工作的实施意见》第 5.3-3 条）：",
            view.title,
            chinese_day(&view.period_from),
            chinese_day(&view.period_to),
        );
        for l in &view.lines {
            body.push_str(&format!(
                "\n{}. {}：{}（第 {} 条）。{}。",
                l.position,
                l.unit_name,
                l.violation,
                l.clauses.join("、"),
                l.outcome
            ));
        }
        if let Some(name) = &view.signed_off_by {
            body.push_str(&format!("\n签发人：{name}"));
        }
        let (mut tx, sealed) = self
            .seal_numbered(
                ctx,
                &open,
                SupervisionDocument {
                    counter_key: format!("bulletin:{year}"),
                    year,
                    serial: bulletin_serial,
                    type_code: BULLETIN_TYPE_CODE,
                    type_name: BULLETIN_TITLE,
                    department: &department,
                    addressee: level.name.clone(),
                    purpose: view.title.clone(),
                    body,
                    issued_on: today.to_string(),
                    unprintable: |e| {
                        DomainError::conflict(
                            "bulletin_unprintable",
                            format!(
                                "无法用印或生成通报 PDF：{}（可减少所列问题线索后重新起草）",
                                e.message()
                            ),
                        )
                    },
                },
            )
            .await?;
        let now = self.now_ms();
        let SealedDocument {
            serial,
            check_code: code,
            document,
            pdf,
        } = sealed;
        let moved = repo::publish(
            tx.conn(),
            id,
            (
                BulletinStatus::SignedOff.as_str(),
                BulletinStatus::Published.as_str(),
            ),
            repo::Publication {
                by: ctx.principal.account_id,
                now,
                serial: &serial,
                check_code: &code,
                seal_id: seal_row.id,
                document: &document,
                pdf: &pdf,
            },
        )
        .await?;
        if !moved {
            return Err(DomainError::conflict(
                "bulletin_already_published",
                "该通报刚刚已被发布，请刷新",
            ));
        }
        tx.audit(ctx.entry(
            "bulletin.publish",
            "bulletin",
            Some(id.to_string()),
            serde_json::json!({
                "status": BulletinStatus::Published.as_str(),
                "serial": serial,
                "seal": seal_row.seal_code,
                "clauses": [CLAUSE],
            }),
        ))
        .await?;
        tx.commit().await?;
        self.bulletin_detail(ctx, id).await
    }

    /// Public verification of a bulletin by serial and check code (`/verify` sends `TB-`
    /// serials here). A wrong code looks exactly like an unknown serial.
    pub(crate) async fn verify_bulletin(&self, serial: String, code: &str) -> Result<VerifyView> {
        let b = repo::by_serial(self.store.db(), &serial).await?;
        let stored = b.and_then(|b| b.check_code.zip(b.document));
        self.verify_stored_document(
            serial,
            code,
            stored,
            vec![CLAUSE.to_owned()],
            "签名校验未通过，请联系发布单位",
        )
        .await
    }
}

impl App {
    /// The bulletins waiting on `ctx`: drafts of their level to sign off (approvers, never
    /// their own) and signed-off ones of their department to publish (supervisors).
    async fn bulletin_todos(&self, ctx: &Ctx) -> Result<Vec<TodoItem>> {
        if ctx.principal.blocked().is_some() {
            return Ok(Vec::new());
        }
        let approvers = authz::visible(&ctx.principal, Action::ApproveBulletin);
        let departments = authz::own_units(&ctx.principal, Action::DraftBulletin);
        let mut out = Vec::new();
        if !approvers.is_empty() {
            let rows = repo::waiting_in(
                self.store.db(),
                &approvers,
                BulletinStatus::Draft.as_str(),
                ctx.principal.account_id,
                PER_PROVIDER,
            )
            .await?;
            out.extend(rows.into_iter().map(|b| {
                TodoItem::new(
                    "通报",
                    "待签发",
                    b.title,
                    format!("通报期间 {} 至 {}", b.period_from, b.period_to),
                    format!("/bulletin-drafts/{}", b.id),
                )
            }));
        }
        if !departments.is_empty() {
            let rows = repo::issued_by(
                self.store.db(),
                departments,
                BulletinStatus::SignedOff.as_str(),
                PER_PROVIDER,
            )
            .await?;
            out.extend(rows.into_iter().map(|b| {
                TodoItem::new(
                    "通报",
                    "待发布",
                    b.title,
                    "已签发，待发布".to_owned(),
                    format!("/bulletin-drafts/{}", b.id),
                )
            }));
        }
        Ok(out)
    }
}

/// The bulletins to sign off or publish (签发、发布).
pub(crate) struct BulletinTodos;

impl TodoProvider for BulletinTodos {
    fn items<'a>(
        &'a self,
        app: &'a App,
        ctx: &'a Ctx,
        _today: chrono::NaiveDate,
    ) -> TodoFuture<'a> {
        Box::pin(app.bulletin_todos(ctx))
    }
}

fn unknown_case(id: i64) -> DomainError {
    DomainError::field(
        "case_ids",
        "bulletin_case_unknown",
        format!("问题线索 #{id} 不存在或不在本级管辖范围内"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bulletin_serials_have_a_checked_shape() {
        assert_eq!(bulletin_serial(2026, 7), "TB-2026-000007");
        assert!(serial_is_well_formed("TB-2026-000007"));
        assert!(!serial_is_well_formed("ZG-2026-000007"));
        assert!(!serial_is_well_formed("TB-2026-00007"));
        assert!(!serial_is_well_formed("TB-2026x000007"));
    }

    #[test]
    fn states_read_back_and_unknown_is_never_public() {
        for s in BulletinStatus::ALL {
            assert_eq!(BulletinStatus::stored(s.as_str()), s);
        }
        assert_eq!(BulletinStatus::stored("x"), BulletinStatus::Draft);
    }
}
