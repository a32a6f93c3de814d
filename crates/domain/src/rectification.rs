//! The rectification loop of a verified supervision case (督促整改, 5.3-3; issue 14, slice 2):
//! the supervisor issues a sealed notice (整改通知书) to the responsible unit with a deadline in
//! working days; the unit answers with its rectification and evidence (整改答复); the supervisor
//! accepts it (验收) or sends it back with a reason (退回), and closes the accepted case (办结).
//! Each step moves `demand::CaseStatus` and is audited on the case, so it shows on the case's
//! timeline. Overdue notices escalate (`escalation.rs`); reopening is the next slice.

use std::sync::Arc;

use jianfu_rules::ClauseId;
use jianfu_seal::CertificateContent;
use jianfu_store::entity::{rectification_notice, seal, supervision_case};
use jianfu_store::repo::rectification::{self as repo, NewEvidence, NewNotice, Step};
use serde::Serialize;

use crate::authz::{self, Action, Role};
use crate::certificate::{
    AttachmentUpload, MAX_ATTACHMENTS, NodeSeal, OpenSeal, VerifyView, check_upload, text_field,
};
use crate::demand::{CaseStatus, CaseView};
use crate::error::{DomainError, Problems, Result};
use crate::inbox::{PER_PROVIDER, TodoFuture, TodoItem, TodoProvider};
use crate::tree::NodeView;
use crate::{App, Ctx};

/// The longest deadline a notice may give, in working days (about three months): a product
/// decision, the policy names none.
pub const MAX_DEADLINE_DAYS: i64 = 60;
/// The kind printed under the star of a supervising department's seal.
const SUPERVISION_SEAL_KIND: &str = "监督检查专用章";
/// The title printed on the notice, and its type in the sealed document.
const NOTICE_TITLE: &str = "整改通知书";
const NOTICE_TYPE_CODE: &str = "rectification_notice";

/// What a supervisor fills in to issue a notice.
#[derive(Clone, Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct NoticeForm {
    /// The responsible unit: a department, street or community of the supervisor's jurisdiction.
    pub unit_id: Option<i64>,
    pub facts: String,
    /// Clause IDs; empty for the default (the case finding's clause and 5.3-2).
    pub clauses: Vec<String>,
    pub action_required: String,
    /// Working days, 1–60, as typed.
    pub deadline_days: String,
}

/// The supervisor's review of an answer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Review {
    /// 验收: the rectification is done.
    Accept,
    /// 退回: not done yet; the reason is required and the unit answers again.
    SendBack,
}

impl Review {
    fn as_str(self) -> &'static str {
        match self {
            Self::Accept => "accepted",
            Self::SendBack => "sent_back",
        }
    }
    fn label_zh(s: &str) -> &'static str {
        match s {
            "accepted" => "已验收",
            "sent_back" => "已退回",
            _ => "待验收",
        }
    }
    fn status(self) -> CaseStatus {
        match self {
            Self::Accept => CaseStatus::Accepted,
            Self::SendBack => CaseStatus::Rectifying,
        }
    }
    fn action(self) -> &'static str {
        match self {
            Self::Accept => "case.accept",
            Self::SendBack => "case.send_back",
        }
    }
}

/// A notice as the case page and the API show it.
#[derive(Clone, Debug, Serialize)]
pub struct NoticeView {
    pub id: i64,
    pub serial: String,
    pub unit_id: i64,
    pub unit_name: String,
    pub issuer_name: String,
    pub facts: String,
    pub clauses: Vec<String>,
    pub action_required: String,
    pub deadline_days: i32,
    pub due_on: String,
    /// Past its due day while the case still waits for the unit.
    pub overdue: bool,
    pub issued_at: i64,
    pub verify_url: String,
}

/// One evidence file of an answer.
#[derive(Clone, Debug, Serialize)]
pub struct EvidenceView {
    pub id: i64,
    pub file_name: String,
    pub content_type: String,
    pub size_bytes: i64,
}

/// One answer of the unit, with its review.
#[derive(Clone, Debug, Serialize)]
pub struct AnswerView {
    pub id: i64,
    pub body: String,
    pub answered_by: String,
    pub answered_at: i64,
    /// `None` while awaiting review; `accepted` or `sent_back`.
    pub review: Option<String>,
    pub review_zh: &'static str,
    pub review_reason: Option<String>,
    pub reviewed_at: Option<i64>,
    pub evidence: Vec<EvidenceView>,
}

/// The rectification of a case: its notice (none before it is issued) and answers, oldest first.
#[derive(Clone, Debug, Default, Serialize)]
pub struct RectificationView {
    pub notice: Option<NoticeView>,
    pub answers: Vec<AnswerView>,
}

/// A unit the notice may name, for the page's select.
#[derive(Clone, Debug, Serialize)]
pub struct UnitChoice {
    pub id: i64,
    pub label: String,
}

/// What a supervision document (整改通知书, 通报) says and how it is numbered, for
/// [`App::seal_numbered`].
pub(crate) struct SupervisionDocument<'a> {
    /// The counter its serial is taken from (one a kind and year).
    pub counter_key: String,
    pub year: i32,
    /// Its serial from the year and number.
    pub serial: fn(i32, i64) -> String,
    pub type_code: &'static str,
    pub type_name: &'static str,
    /// The issuing department, whose seal it bears.
    pub department: &'a NodeView,
    /// Whom it is addressed to.
    pub addressee: String,
    pub purpose: String,
    pub body: String,
    pub issued_on: String,
    /// The refusal when it cannot be sealed or printed.
    pub unprintable: fn(&jianfu_seal::SealError) -> DomainError,
}

/// A sealed, numbered supervision document: its serial, check code, the sealed document as
/// JSON and the PDF.
pub(crate) struct SealedDocument {
    pub serial: String,
    pub check_code: String,
    pub document: String,
    pub pdf: Vec<u8>,
}

/// The serial of a notice: `ZG-YYYY-NNNNNN` (整改).
pub fn notice_serial(year: i32, seq: i64) -> String {
    format!("ZG-{year}-{seq:06}")
}

/// Whether `s` has the shape of a notice serial.
pub fn notice_serial_is_well_formed(s: &str) -> bool {
    serial_shaped(s, "ZG-")
}

/// Whether `s` has the shape `PP-YYYY-NNNNNN` (six to eight digits) with the prefix `prefix`
/// (`ZG-` notices, `TB-` bulletins).
pub(crate) fn serial_shaped(s: &str, prefix: &str) -> bool {
    let b = s.as_bytes();
    (14..=16).contains(&b.len())
        && s.starts_with(prefix)
        && b[3..7].iter().all(u8::is_ascii_digit)
        && b[7] == b'-'
        && b[8..].iter().all(u8::is_ascii_digit)
}

/// Whether a node may be named responsible: a department, a street or town, a community or
/// village (not the city or a district as a whole).
fn answerable(n: &NodeView) -> bool {
    !matches!(
        n.kind,
        crate::division::NodeKind::City | crate::division::NodeKind::District
    )
}

fn conflict_state(code: &'static str, status: CaseStatus, doing: &str) -> DomainError {
    DomainError::conflict(
        code,
        format!("该问题线索的状态为“{}”，不能{doing}", status.label_zh()),
    )
}

/// The deadline as typed: required, a whole number of working days in 1–60.
fn parse_deadline(s: &str) -> Result<u8> {
    let t = s.trim();
    if t.is_empty() {
        return Err(DomainError::field(
            "deadline_days",
            "deadline_required",
            "请填写整改期限（工作日数）",
        ));
    }
    match t.parse::<i64>() {
        Ok(n) if (1..=MAX_DEADLINE_DAYS).contains(&n) => {
            u8::try_from(n).map_err(|_| DomainError::internal())
        }
        _ => Err(DomainError::field(
            "deadline_days",
            "deadline_out_of_range",
            format!("整改期限应为 1–{MAX_DEADLINE_DAYS} 个工作日的整数"),
        )),
    }
}

/// A check that a text can be printed on the notice (the PDF's font covers GB 2312): the
/// problem is the field's, found with the form's others instead of when the PDF is rendered.
fn printable(field: &'static str) -> impl Fn(String) -> Result<String> {
    move |t| match jianfu_seal::check_printable(&[&t]) {
        Ok(()) => Ok(t),
        Err(jianfu_seal::SealError::UnsupportedCharacters(chars)) => Err(DomainError::field(
            field,
            "text_unprintable",
            format!("含整改通知书字体不支持的字符：{chars}，请删除或改写"),
        )),
        Err(_) => Err(DomainError::internal()),
    }
}

/// `2026-12-18` → `2026年12月18日`.
pub(crate) fn chinese_day(d: chrono::NaiveDate) -> String {
    use chrono::Datelike;
    format!("{}年{}月{}日", d.year(), d.month(), d.day())
}

impl App {
    /// The case row, for `ctx` as a supervisor who may take `action` at its community.
    async fn supervised_case(
        &self,
        ctx: &Ctx,
        id: i64,
        action: Action,
    ) -> Result<(supervision_case::Model, NodeView)> {
        let row = jianfu_store::repo::cases::by_id(self.store.db(), id)
            .await?
            .ok_or_else(|| DomainError::not_found("问题线索"))?;
        let community = self.find_node(row.community_node_id).await?;
        self.check(ctx, action, &community.target()).await?;
        Ok((row, community))
    }

    /// The case's notice row, if one was issued.
    pub(crate) async fn notice_row(
        &self,
        case_id: i64,
    ) -> Result<Option<rectification_notice::Model>> {
        Ok(repo::notice_of_case(self.store.db(), case_id).await?)
    }

    /// The units a supervisor may name in a notice of case `id`: departments, streets and
    /// communities of their jurisdiction, in tree order.
    pub async fn notice_units(&self, ctx: &Ctx) -> Result<Vec<UnitChoice>> {
        let scope = authz::visible(&ctx.principal, Action::DecideCase);
        Ok(self
            .nodes_under(&scope)
            .await?
            .into_iter()
            .filter(answerable)
            .map(|n| UnitChoice {
                id: n.id,
                label: format!(
                    "{}{}（{}）",
                    "　".repeat(n.depth.saturating_sub(1)),
                    n.name,
                    n.kind_zh
                ),
            })
            .collect())
    }

    /// The supervising department `ctx` issues from for a case at `community`: the node of the
    /// nearest grant that lets them decide there.
    async fn issuing_department(&self, ctx: &Ctx, community: &NodeView) -> Result<NodeView> {
        let grant = ctx
            .principal
            .grants
            .iter()
            .filter(|g| authz::permits(g.role, Action::DecideCase))
            .filter(|g| community.path.starts_with(&g.scope_path))
            .max_by_key(|g| g.scope_path.len())
            .ok_or_else(|| DomainError::forbidden("您没有权限下发整改通知"))?;
        self.find_node(grant.node_id).await
    }

    /// Seals and renders a supervision document (整改通知书, 通报) with the department's seal,
    /// numbered from its counter: the number is predicted and the PDF rendered before the write
    /// transaction opens, and rendered again inside it only if another took that number
    /// meanwhile. Returns the open transaction, so that the caller's write and audit entry commit
    /// with the number.
    pub(crate) async fn seal_numbered(
        &self,
        ctx: &Ctx,
        open: &Arc<OpenSeal>,
        doc: SupervisionDocument<'_>,
    ) -> Result<(jianfu_store::WriteTx, SealedDocument)> {
        let base_url = self.public_base_url();
        let sign = |seq: i64| {
            let serial = (doc.serial)(doc.year, seq);
            let code = crate::certificate::new_check_code();
            let verify = crate::certificate::verify_url(&base_url, &serial, &code);
            let content = CertificateContent {
                version: 1,
                serial,
                check_code: code,
                type_code: doc.type_code.into(),
                type_name: doc.type_name.into(),
                community_name: doc.department.name.clone(),
                community_code: doc.department.division_code.clone().unwrap_or_default(),
                applicant_name: doc.addressee.clone(),
                applicant_id_number: String::new(),
                purpose: doc.purpose.clone(),
                body: doc.body.clone(),
                issued_on: doc.issued_on.clone(),
                verify_url: verify,
                seal_id: open.record.record.seal_id.clone(),
                signer: ctx.principal.username.clone(),
            };
            let open = open.clone();
            let unprintable = doc.unprintable;
            async move {
                tokio::task::spawn_blocking(move || {
                    jianfu_seal::seal_and_render(content, &open.record, &open.key)
                        .map_err(|e| unprintable(&e))
                })
                .await
                .map_err(|_| DomainError::internal())?
            }
        };
        let seq = jianfu_store::repo::counters::value(self.store.db(), &doc.counter_key).await? + 1;
        let predicted = sign(seq).await?;
        let mut tx = self.store.begin_write().await?;
        let (sealed, pdf) =
            crate::certificate::numbered(&mut tx, &doc.counter_key, (seq, predicted), sign).await?;
        let document = serde_json::to_string(&sealed).map_err(|_| DomainError::internal())?;
        Ok((
            tx,
            SealedDocument {
                serial: sealed.content.serial,
                check_code: sealed.content.check_code,
                document,
                pdf,
            },
        ))
    }

    /// The supervising department's seal, opened for `signer`. A department has no seal until
    /// its first sealed document (a notice or a bulletin): it is then made like a community's
    /// (a new SM2 key, a record signed by the seal authority, listing the department's
    /// supervisors), and remade when `signer` joined after it was made. Audited as `seal.make`
    /// with the reason naming `occasion`, the document that needed it (「下发整改通知」).
    pub(crate) async fn supervision_seal(
        &self,
        ctx: &Ctx,
        department: &NodeView,
        occasion: &str,
    ) -> Result<(seal::Model, Arc<OpenSeal>)> {
        if let Ok((row, open)) = self.active_seal(department.id).await
            && open
                .record
                .record
                .allowed_signers
                .contains(&ctx.principal.username)
        {
            return Ok((row, open));
        }
        let mut tx = self.store.begin_write().await?;
        let made = self
            .make_node_seal(
                tx.conn(),
                department,
                NodeSeal {
                    signers: &[Role::Supervisor],
                    name: department.name.clone(),
                    kind: SUPERVISION_SEAL_KIND,
                    no_signers: "该监督部门还没有监督人员账号，无法确定用印人",
                },
            )
            .await?;
        tx.audit(ctx.entry(
            "seal.make",
            "seal",
            Some(made.id.to_string()),
            serde_json::json!({ "department": department.name, "seal_code": made.seal_code, "allowed_signers": made.allowed_signers, "valid_to": made.valid_to, "reason": format!("{occasion}时制作监督部门印章") }),
        ))
        .await?;
        tx.commit().await?;
        self.active_seal(department.id).await
    }

    /// Issues the rectification notice of a verified case (5.3-3): the responsible unit, the
    /// facts, the clauses, the required action and a deadline of 1–60 working days counted on
    /// the holiday calendar. The notice is sealed and rendered as a PDF with the supervising
    /// department's seal; the case becomes 整改中. Every problem of the form is reported at
    /// once; a case that is not verified answers 409.
    pub async fn issue_notice(&self, ctx: &Ctx, id: i64, f: &NoticeForm) -> Result<CaseView> {
        let (row, community) = self.supervised_case(ctx, id, Action::DecideCase).await?;
        let case = self.case_view(row, community.clone(), true).await?;
        let mut p = Problems::new();
        if case.status != CaseStatus::Verified {
            p.push(conflict_state(
                "case_not_verified",
                case.status,
                "下发整改通知（须先核实属实）",
            ));
        }
        let unit = match f.unit_id {
            None => {
                p.push(DomainError::field(
                    "unit_id",
                    "unit_required",
                    "请选择责任单位",
                ));
                None
            }
            Some(u) => match self.find_node(u).await {
                Ok(n)
                    if answerable(&n)
                        && authz::authorize(&ctx.principal, Action::DecideCase, &n.target())
                            .is_ok() =>
                {
                    Some(n)
                }
                _ => {
                    p.push(DomainError::field(
                        "unit_id",
                        "unit_outside_jurisdiction",
                        "责任单位须是您管辖范围内的部门、街道(乡镇)或社区(村)",
                    ));
                    None
                }
            },
        };
        let facts = p.take(
            text_field(&f.facts, "facts", "问题事实", 2000, true).and_then(printable("facts")),
        );
        let mut clauses: Vec<String> = Vec::new();
        for c in f.clauses.iter().map(|c| c.trim()).filter(|c| !c.is_empty()) {
            match ClauseId::lookup(c) {
                Some(id) if !clauses.iter().any(|x| x == id.as_str()) => {
                    clauses.push(id.as_str().to_owned());
                }
                Some(_) => {}
                None => p.push(DomainError::field(
                    "clauses",
                    "clause_unknown",
                    format!(
                        "条款“{}”不在实施意见中（格式如 4.2-5）",
                        c.chars().take(20).collect::<String>()
                    ),
                )),
            }
        }
        if clauses.is_empty() {
            let finding =
                ClauseId::lookup(&case.finding.clause).unwrap_or(jianfu_rules::clause!("4.2-5"));
            clauses = jianfu_rules::supervision::notice_clauses(finding)
                .into_iter()
                .map(|c| c.as_str().to_owned())
                .collect();
        }
        let action_required = p.take(
            text_field(
                &f.action_required,
                "action_required",
                "整改要求",
                1000,
                true,
            )
            .and_then(printable("action_required")),
        );
        let days = p.take(parse_deadline(&f.deadline_days));
        let today = self.today();
        let due = match days {
            Some(n) => {
                let cal = self.calendar().await?;
                match jianfu_rules::supervision::rectification_due(
                    &cal,
                    crate::clock::rules_date(today)?,
                    n,
                ) {
                    Ok(d) => Some(
                        chrono::NaiveDate::parse_from_str(&d.to_string(), "%Y-%m-%d")
                            .map_err(|_| DomainError::internal())?,
                    ),
                    Err(_) => {
                        p.push(DomainError::field(
                            "deadline_days",
                            "calendar_not_covered",
                            "截止日期所在年份的节假日安排尚未导入，无法计算工作日",
                        ));
                        None
                    }
                }
            }
            None => None,
        };
        p.finish()?;
        let (Some(unit), Some(facts), Some(action_required), Some(days), Some(due)) =
            (unit, facts, action_required, days, due)
        else {
            return Err(DomainError::internal());
        };
        let department = self.issuing_department(ctx, &community).await?;
        let (seal_row, open) = self
            .supervision_seal(ctx, &department, "下发整改通知")
            .await?;
        let year = chrono::Datelike::year(&today);
        let clause_text = clauses.join("、");
        let body = format!(
            "{unit}：\n经核实，{facts}\n上述问题不符合《关于进一步开展街道(乡镇)社区(村)减负工作的实施意见》第 {clause_text} 条的规定。\n整改要求：{action_required}\n请于{due_zh}前（{days}个工作日内）完成整改，并通过减负平台提交整改答复及佐证材料。\n问题线索编号：{id}",
            unit = unit.name,
            due_zh = chinese_day(due),
        );
        let (mut tx, sealed) = self
            .seal_numbered(
                ctx,
                &open,
                SupervisionDocument {
                    counter_key: format!("rectification_notice:{year}"),
                    year,
                    serial: notice_serial,
                    type_code: NOTICE_TYPE_CODE,
                    type_name: NOTICE_TITLE,
                    department: &department,
                    addressee: unit.name.clone(),
                    purpose: format!("问题线索 {id} 整改"),
                    body,
                    issued_on: today.to_string(),
                    unprintable: |e| {
                        DomainError::field(
                            "facts",
                            e.code(),
                            format!("无法用印或生成整改通知书：{}", e.message()),
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
        let clauses_json = serde_json::to_string(&clauses).map_err(|_| DomainError::internal())?;
        let notice = Step::Notice(NewNotice {
            serial: serial.clone(),
            check_code: code,
            unit_node_id: unit.id,
            issuer_node_id: department.id,
            seal_id: seal_row.id,
            facts,
            clauses: clauses_json,
            action_required,
            deadline_days: i32::from(days),
            due_on: due.to_string(),
            document,
            pdf,
            issued_by: ctx.principal.account_id,
        });
        let Some(notice_id) = repo::apply(
            tx.conn(),
            id,
            CaseStatus::Verified.as_str(),
            CaseStatus::Rectifying.as_str(),
            notice,
            now,
        )
        .await?
        else {
            return Err(DomainError::conflict(
                "case_not_verified",
                "该问题线索已被他人处理，请刷新",
            ));
        };
        tx.audit(ctx.entry(
            "case.notice",
            "supervision_case",
            Some(id.to_string()),
            serde_json::json!({
                "status": CaseStatus::Rectifying.as_str(),
                "notice": notice_id,
                "serial": serial,
                "unit": unit.name,
                "deadline_days": days,
                "due_on": due.to_string(),
                "seal": seal_row.seal_code,
                "clauses": clauses,
            }),
        ))
        .await?;
        tx.commit().await?;
        self.case_detail(ctx, id).await
    }

    /// The notice's sealed PDF, for the supervisors of the case and the notified unit:
    /// (file name, bytes).
    pub async fn notice_pdf(&self, ctx: &Ctx, id: i64) -> Result<(String, Vec<u8>)> {
        self.case_detail(ctx, id).await?;
        let n = self
            .notice_row(id)
            .await?
            .ok_or_else(|| DomainError::not_found("整改通知书"))?;
        Ok((format!("整改通知书-{}.pdf", n.serial), n.pdf))
    }

    /// The notice and answers of a case the caller may see ([`App::case_detail`]'s view).
    pub async fn rectification(&self, c: &CaseView) -> Result<RectificationView> {
        let Some(n) = self.notice_row(c.id).await? else {
            return Ok(RectificationView::default());
        };
        let names = jianfu_store::repo::tree::names(
            self.store.db(),
            vec![n.unit_node_id, n.issuer_node_id],
        )
        .await?;
        let today = self.today();
        let notice = NoticeView {
            id: n.id,
            serial: n.serial.clone(),
            unit_id: n.unit_node_id,
            unit_name: names.get(&n.unit_node_id).cloned().unwrap_or_default(),
            issuer_name: names.get(&n.issuer_node_id).cloned().unwrap_or_default(),
            facts: n.facts,
            clauses: serde_json::from_str(&n.clauses).unwrap_or_default(),
            action_required: n.action_required,
            deadline_days: n.deadline_days,
            overdue: crate::escalation::is_overdue(c.status, &n.due_on, today),
            due_on: n.due_on,
            issued_at: n.issued_at,
            verify_url: crate::certificate::verify_url(
                &self.public_base_url(),
                &n.serial,
                &n.check_code,
            ),
        };
        let rows = repo::answers_of(self.store.db(), n.id).await?;
        let ids: Vec<i64> = rows.iter().map(|a| a.id).collect();
        let files = repo::evidence_of(self.store.db(), ids).await?;
        let accounts = jianfu_store::repo::accounts::display_names(
            self.store.db(),
            rows.iter().map(|a| a.answered_by).collect(),
        )
        .await?;
        let answers = rows
            .into_iter()
            .map(|a| AnswerView {
                id: a.id,
                answered_by: accounts.get(&a.answered_by).cloned().unwrap_or_default(),
                answered_at: a.answered_at,
                review_zh: Review::label_zh(a.review.as_deref().unwrap_or("")),
                review: a.review,
                review_reason: a.review_reason,
                reviewed_at: a.reviewed_at,
                evidence: files
                    .iter()
                    .filter(|f| f.answer_id == a.id)
                    .map(|f| EvidenceView {
                        id: f.id,
                        file_name: f.file_name.clone(),
                        content_type: f.content_type.clone(),
                        size_bytes: f.size_bytes,
                    })
                    .collect(),
                body: a.body,
            })
            .collect();
        Ok(RectificationView {
            notice: Some(notice),
            answers,
        })
    }

    /// One evidence file of case `id`, for whoever may see the case: (name, type, bytes).
    pub async fn evidence_file(
        &self,
        ctx: &Ctx,
        id: i64,
        evidence_id: i64,
    ) -> Result<(String, String, Vec<u8>)> {
        self.case_detail(ctx, id).await?;
        let not_found = || DomainError::not_found("佐证材料");
        let n = self.notice_row(id).await?.ok_or_else(not_found)?;
        let (e, notice_id) = repo::evidence_file(self.store.db(), evidence_id)
            .await?
            .ok_or_else(not_found)?;
        if notice_id != n.id {
            return Err(not_found());
        }
        Ok((e.file_name, e.content_type, e.content))
    }

    /// The notified unit answers (整改答复, 5.3-3) with what it did and at least one evidence
    /// file (PNG, JPEG or PDF, checked by content): the case becomes 已整改（待验收）. Only the
    /// unit the notice names answers (403 for anyone else); a case already awaiting review, or
    /// not being rectified, answers 409. Every problem of the form is reported at once.
    pub async fn answer_notice(
        &self,
        ctx: &Ctx,
        id: i64,
        text: &str,
        evidence: &[AttachmentUpload],
    ) -> Result<CaseView> {
        let row = jianfu_store::repo::cases::by_id(self.store.db(), id)
            .await?
            .ok_or_else(|| DomainError::not_found("问题线索"))?;
        let notice = self.notice_row(id).await?;
        let Some(notice) = notice.filter(|n| authz::answers_for(&ctx.principal, n.unit_node_id))
        else {
            self.record_denial(ctx, Action::AnswerNotice, Some(row.community_node_id))
                .await;
            return Err(DomainError::forbidden(
                "该问题线索没有发给您单位的整改通知，不能答复",
            ));
        };
        let status = CaseStatus::stored(&row.status);
        let mut p = Problems::new();
        match status {
            CaseStatus::Rectifying => {}
            CaseStatus::Rectified => p.push(DomainError::conflict(
                "answer_awaiting_review",
                "已提交的整改答复正在等待验收，不能重复答复",
            )),
            other => p.push(conflict_state("case_not_rectifying", other, "答复整改")),
        }
        let body = p.take(text_field(text, "answer", "整改情况", 2000, true));
        let mut kinds = Vec::with_capacity(evidence.len());
        if evidence.is_empty() {
            p.push(DomainError::field(
                "evidence",
                "evidence_required",
                "请上传至少一份整改佐证材料（图片或 PDF）",
            ));
        } else if evidence.len() > MAX_ATTACHMENTS {
            p.push(DomainError::field(
                "evidence",
                "evidence_too_many",
                format!("佐证材料最多 {MAX_ATTACHMENTS} 个"),
            ));
        } else {
            for u in evidence {
                if let Some(kind) = p.take(check_upload(u, "evidence")) {
                    kinds.push(kind);
                }
            }
        }
        p.finish()?;
        let body = body.ok_or_else(DomainError::internal)?;
        let now = self.now_ms();
        let mut tx = self.store.begin_write().await?;
        let step = Step::Answer {
            notice_id: notice.id,
            body,
            by: ctx.principal.account_id,
            evidence: evidence
                .iter()
                .zip(kinds)
                .map(|(u, kind)| NewEvidence {
                    file_name: u.file_name.trim(),
                    content_type: kind,
                    sm3: jianfu_seal::sm3_hex(&u.bytes),
                    content: &u.bytes,
                })
                .collect(),
        };
        let Some(answer_id) = repo::apply(
            tx.conn(),
            id,
            CaseStatus::Rectifying.as_str(),
            CaseStatus::Rectified.as_str(),
            step,
            now,
        )
        .await?
        else {
            return Err(DomainError::conflict(
                "answer_awaiting_review",
                "该整改通知刚刚已被答复，请刷新",
            ));
        };
        tx.audit(ctx.entry(
            "case.answer",
            "supervision_case",
            Some(id.to_string()),
            serde_json::json!({
                "status": CaseStatus::Rectified.as_str(),
                "answer": answer_id,
                "evidence": evidence.iter().map(|u| u.file_name.trim()).collect::<Vec<_>>(),
                "clauses": [jianfu_rules::clause!("5.3-3").as_str()],
            }),
        ))
        .await?;
        tx.commit().await?;
        self.case_detail(ctx, id).await
    }

    /// The supervisor reviews the answer awaiting review: accepts it (已验收) or sends it back
    /// with a reason (5–500 characters; the case is 整改中 again and the unit answers anew).
    /// A case with no answer awaiting review answers 409.
    pub async fn review_answer(
        &self,
        ctx: &Ctx,
        id: i64,
        review: Review,
        reason: &str,
    ) -> Result<CaseView> {
        let (row, _) = self.supervised_case(ctx, id, Action::DecideCase).await?;
        let status = CaseStatus::stored(&row.status);
        let mut p = Problems::new();
        if status != CaseStatus::Rectified {
            p.push(conflict_state(
                "case_not_awaiting_review",
                status,
                if review == Review::Accept {
                    "验收"
                } else {
                    "退回"
                },
            ));
        }
        let reason = p.take(text_field(reason, "reason", "意见", 500, false));
        if review == Review::SendBack && reason.as_ref().is_some_and(|r| r.chars().count() < 5) {
            p.push(DomainError::field(
                "reason",
                "send_back_reason_required",
                "请写明退回整改的理由（5–500 字）",
            ));
        }
        p.finish()?;
        let reason = reason.unwrap_or_default();
        let notice = self
            .notice_row(id)
            .await?
            .ok_or_else(DomainError::internal)?;
        let now = self.now_ms();
        let mut tx = self.store.begin_write().await?;
        let step = Step::Review {
            notice_id: notice.id,
            review: review.as_str(),
            reason: (!reason.is_empty()).then(|| reason.clone()),
            by: ctx.principal.account_id,
        };
        let moved = repo::apply(
            tx.conn(),
            id,
            CaseStatus::Rectified.as_str(),
            review.status().as_str(),
            step,
            now,
        )
        .await?;
        if moved.is_none() {
            return Err(DomainError::conflict(
                "case_not_awaiting_review",
                "该整改答复刚刚已被他人处理，请刷新",
            ));
        }
        tx.audit(ctx.entry(
            review.action(),
            "supervision_case",
            Some(id.to_string()),
            serde_json::json!({
                "status": review.status().as_str(),
                "reason": reason,
                "clauses": [jianfu_rules::clause!("5.3-3").as_str()],
            }),
        ))
        .await?;
        tx.commit().await?;
        self.case_detail(ctx, id).await
    }

    /// Closes an accepted case (办结). Any other state answers 409.
    pub async fn close_case(&self, ctx: &Ctx, id: i64, opinion: &str) -> Result<CaseView> {
        let (row, _) = self.supervised_case(ctx, id, Action::DecideCase).await?;
        let status = CaseStatus::stored(&row.status);
        let mut p = Problems::new();
        if status != CaseStatus::Accepted {
            p.push(conflict_state(
                "case_not_accepted",
                status,
                "办结（须先验收整改）",
            ));
        }
        let opinion = p.take(text_field(opinion, "reason", "意见", 500, false));
        p.finish()?;
        let now = self.now_ms();
        let mut tx = self.store.begin_write().await?;
        let moved = repo::apply(
            tx.conn(),
            id,
            CaseStatus::Accepted.as_str(),
            CaseStatus::Closed.as_str(),
            Step::Close,
            now,
        )
        .await?;
        if moved.is_none() {
            return Err(DomainError::conflict(
                "case_not_accepted",
                "该问题线索刚刚已被他人处理，请刷新",
            ));
        }
        tx.audit(ctx.entry(
            "case.close",
            "supervision_case",
            Some(id.to_string()),
            serde_json::json!({
                "status": CaseStatus::Closed.as_str(),
                "reason": opinion.unwrap_or_default(),
                "clauses": [jianfu_rules::clause!("5.3-3").as_str()],
            }),
        ))
        .await?;
        tx.commit().await?;
        self.case_detail(ctx, id).await
    }

    /// Public verification of a notice by serial and check code (the QR on its PDF leads to
    /// `/verify`, which sends `ZG-` serials here): the stored sealed document is checked
    /// against the seal authority again. A wrong code looks exactly like an unknown serial.
    pub(crate) async fn verify_notice(&self, serial: String, code: &str) -> Result<VerifyView> {
        let n = repo::notice_by_serial(self.store.db(), &serial).await?;
        let Some(n) = n else {
            return Ok(VerifyView::unknown(serial));
        };
        let clauses = serde_json::from_str(&n.clauses).unwrap_or_default();
        let stored = Some((n.check_code, n.document));
        self.verify_stored_document(
            serial,
            code,
            stored,
            clauses,
            "签名校验未通过，请联系下发单位",
        )
        .await
    }

    /// The public check of a sealed supervision document (a notice, a bulletin) kept as
    /// `stored` = (check code, sealed document JSON): unknown unless the code matches
    /// (compared in constant time), then the seal and signature checked against the seal
    /// authority again; `invalid_zh` tells whom to contact when that fails.
    pub(crate) async fn verify_stored_document(
        &self,
        serial: String,
        code: &str,
        stored: Option<(String, String)>,
        clauses: Vec<String>,
        invalid_zh: &'static str,
    ) -> Result<VerifyView> {
        let Some((stored_code, document)) = stored else {
            return Ok(VerifyView::unknown(serial));
        };
        let same = stored_code.len() == code.len()
            && stored_code
                .bytes()
                .zip(code.bytes())
                .fold(0u8, |acc, (a, b)| acc | (a ^ b))
                == 0;
        if !same {
            return Ok(VerifyView::unknown(serial));
        }
        let doc: jianfu_seal::SealedCertificate =
            serde_json::from_str(&document).map_err(|_| DomainError::internal())?;
        let authority = self
            .seal_authority_key()
            .await?
            .ok_or_else(DomainError::internal)?;
        if let Err(e) = jianfu_seal::verify_sealed(&doc, &authority) {
            tracing::error!(serial = %serial, code = e.code(), "a stored sealed document fails verification");
            return Ok(VerifyView {
                state: "invalid",
                state_zh: invalid_zh,
                ..VerifyView::unknown(serial)
            });
        }
        Ok(VerifyView {
            state: "authentic",
            state_zh: "真实有效",
            type_name: Some(doc.content.type_name),
            community_name: Some(doc.content.community_name),
            applicant: Some(doc.content.applicant_name),
            issued_on: Some(doc.content.issued_on),
            seal_id: Some(doc.seal.record.seal_id),
            seal_valid: Some(format!(
                "{} 至 {}",
                doc.seal.record.valid_from, doc.seal.record.valid_to
            )),
            clauses,
            ..VerifyView::unknown(serial)
        })
    }

    /// The notified units' to-dos: notices of their own unit waiting for an answer, due on the
    /// notice's due day (overdue first, as the inbox sorts).
    async fn notice_todos(&self, ctx: &Ctx, today: chrono::NaiveDate) -> Result<Vec<TodoItem>> {
        let units = authz::own_units(&ctx.principal, Action::AnswerNotice);
        if units.is_empty() {
            return Ok(Vec::new());
        }
        let notices =
            repo::notices_waiting(self.store.db(), units, CaseStatus::Rectifying.as_str()).await?;
        let mut out = Vec::new();
        for n in notices {
            if out.len() as u64 >= PER_PROVIDER {
                break;
            }
            let issuer = self.find_node(n.issuer_node_id).await?;
            out.push(notice_todo(
                "待整改答复",
                format!("{}{}（{}）", issuer.name, NOTICE_TITLE, n.serial),
                format!("整改期限 {} 个工作日，截止 {}", n.deadline_days, n.due_on),
                &n,
                today,
            ));
        }
        Ok(out)
    }
}

/// A to-do about a notice's case (its page acts on it), due on the notice's due day.
pub(crate) fn notice_todo(
    kind_zh: &'static str,
    title: String,
    detail: String,
    n: &rectification_notice::Model,
    today: chrono::NaiveDate,
) -> TodoItem {
    TodoItem::new(
        "问题线索",
        kind_zh,
        title,
        detail,
        format!("/cases/{}", n.case_id),
    )
    .due_on(
        chrono::NaiveDate::parse_from_str(&n.due_on, "%Y-%m-%d").ok(),
        today,
    )
}

/// The notified units' to-dos (待整改答复).
pub(crate) struct NoticeTodos;

impl TodoProvider for NoticeTodos {
    fn items<'a>(&'a self, app: &'a App, ctx: &'a Ctx, today: chrono::NaiveDate) -> TodoFuture<'a> {
        Box::pin(app.notice_todos(ctx, today))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deadlines_are_one_to_sixty_working_days() {
        assert_eq!(parse_deadline("1").unwrap(), 1);
        assert_eq!(parse_deadline(" 60 ").unwrap(), 60);
        assert_eq!(parse_deadline("").unwrap_err().code, "deadline_required");
        for bad in ["0", "61", "-3", "1.5", "十"] {
            assert_eq!(
                parse_deadline(bad).unwrap_err().code,
                "deadline_out_of_range",
                "{bad}"
            );
        }
    }

    #[test]
    fn notice_serials_have_a_checked_shape() {
        assert_eq!(notice_serial(2026, 7), "ZG-2026-000007");
        assert!(notice_serial_is_well_formed("ZG-2026-000007"));
        assert!(!notice_serial_is_well_formed("ZM-2026-000007"));
        assert!(!notice_serial_is_well_formed("ZG-2026-00007"));
    }
}
