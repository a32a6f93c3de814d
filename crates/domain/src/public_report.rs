//! Anonymous public reports (群众匿名举报, 5.3-1 with 4.2-5; issue 14 §1): a resident or a
//! community worker reports, from the public site and without an account, a unit that demanded
//! work of a community without admission. The report opens a case (source
//! `public_complaint`, no reporting account) and answers a one-time follow-up code (查询码),
//! shown once and stored only as its SM3 hash. With the code anyone reads the case's public
//! status — state, dates, clause, the rectification's deadline — never names or notes. An
//! unknown code answers one neutral message whatever it looks like. Who reported is known to
//! nobody: the audit entry keeps the client address, which only the audit administrator reads.
//! The unit is picked from the list of departments and streets ([`App::public_report_units`]),
//! not typed; evidence files (photos, PDFs) are checked by content like rectification evidence
//! and kept beside the case, where the supervisors open them.

use jianfu_store::repo::cases::{self, NewCase};
use jianfu_store::repo::public_reports as repo;
use jianfu_store::repo::rectification::NewEvidence;
use jianfu_store::{AuditOutcome, NewAuditEntry};
use serde::{Deserialize, Serialize};

use crate::certificate::{AttachmentUpload, MAX_ATTACHMENTS, check_upload};
use crate::demand::{CaseStatus, ReasonView, case_kind_zh};
use crate::division::NodeKind;
use crate::error::{DomainError, ErrorKind, Result};
use crate::rectification::EvidenceView;
use crate::supervision::CaseSource;
use crate::{App, Ctx, Problems, text};

/// The actor the audit log names for an anonymous report.
pub const ANONYMOUS_ACTOR: &str = "匿名举报人（公众）";

/// The neutral answer to any code that finds no case (malformed, mistyped, unknown alike).
pub const FOLLOW_UP_UNKNOWN: &str = "未查到与该查询码对应的办理情况。请核对查询码后再试。";

/// Letters and digits that cannot be mistaken for one another (no 0/O, 1/I/L, U).
const CODE_ALPHABET: &[u8] = b"ABCDEFGHJKMNPQRSTVWXYZ23456789";
/// Characters of a code (16 × log2(30) ≈ 78 bits), shown in groups of four.
const CODE_LEN: usize = 16;

/// What a reporter fills in on the public form.
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct PublicReportForm {
    /// The community (村) the demand reached, by its full name.
    pub community: String,
    /// The department, street or town that demanded it, picked from
    /// [`App::public_report_units`] by its id (the page's select).
    pub unit_id: String,
    /// The same unit by its exact name, for API callers that do not send `unit_id`; a name
    /// that is not one of the listed units is refused.
    pub demanding_unit: String,
    /// What was demanded, when and how.
    pub description: String,
}

/// A unit a public report may name: a department, street or town.
#[derive(Clone, Debug, Serialize)]
pub struct ReportUnit {
    pub id: i64,
    pub name: String,
    /// The name with the place above it and its kind, for the select.
    pub label: String,
}

/// What the reporter gets back once: the case number and the follow-up code.
#[derive(Clone, Debug, Serialize)]
pub struct PublicReceipt {
    pub case_id: i64,
    pub follow_up_code: String,
}

/// A case's public status (no names, no opinions, no notes).
#[derive(Clone, Debug, Serialize)]
pub struct PublicCaseStatus {
    pub case_id: i64,
    pub kind_zh: &'static str,
    pub status: CaseStatus,
    pub community_name: String,
    /// `YYYY-MM-DD` (China time).
    pub received_on: String,
    pub updated_on: String,
    /// The clause the case concerns.
    pub finding: ReasonView,
    /// The rectification's deadline once a notice is issued.
    pub due_on: Option<String>,
    pub overdue: bool,
}

/// A fresh follow-up code, `XXXX-XXXX-XXXX-XXXX`.
fn new_code() -> String {
    let mut out = String::with_capacity(CODE_LEN + 3);
    for i in 0..CODE_LEN {
        if i > 0 && i % 4 == 0 {
            out.push('-');
        }
        let n = rand::random_range(0..CODE_ALPHABET.len());
        out.push(char::from(CODE_ALPHABET[n]));
    }
    out
}

/// The code as stored: upper case, without separators or spaces; `None` if it cannot be one.
pub fn normalized_code(code: &str) -> Option<String> {
    let c: String = code
        .chars()
        .filter(|c| !matches!(c, '-' | ' ' | '\u{3000}'))
        .map(|c| c.to_ascii_uppercase())
        .collect();
    (c.len() == CODE_LEN && c.bytes().all(|b| CODE_ALPHABET.contains(&b))).then_some(c)
}

fn code_hash(normalized: &str) -> String {
    crate::auth::token_digest(&format!("follow-up:{normalized}"))
}

fn date_of(ms: i64) -> String {
    crate::clock::cst_date(ms)
        .map(|d| d.to_string())
        .unwrap_or_default()
}

impl App {
    /// Files an anonymous report (no login): checks every field at once (the community by its
    /// full name — `community_not_found` or `community_ambiguous` —, the unit picked from the
    /// list — `demanding_unit_required`, `demanding_unit_unknown` —, the description, and up to
    /// five evidence files, each a PNG, JPEG or PDF by its content with a matching name —
    /// `attachment_type`, `attachment_damaged`, `attachment_disguised` …), opens the case with
    /// its evidence and returns its one-time follow-up code. Audited as
    /// `case.public_report` by [`ANONYMOUS_ACTOR`] with the client address `ip`.
    pub async fn report_publicly(
        &self,
        ip: Option<String>,
        f: &PublicReportForm,
        evidence: &[AttachmentUpload],
    ) -> Result<PublicReceipt> {
        let mut p = Problems::new();
        let name = text::visible(&f.community);
        let mut community = None;
        if name.is_empty() {
            p.push(DomainError::field(
                "community",
                "community_required",
                "请填写社区(村)的全称，例如“示例和平社区”",
            ));
        } else {
            let found: Vec<_> = self
                .find_communities(name, 20)
                .await?
                .into_iter()
                .filter(|(n, _)| n.name == name)
                .collect();
            match found.len() {
                0 => p.push(DomainError::field(
                    "community",
                    "community_not_found",
                    format!("未找到名为“{name}”的社区(村)，请填写全称"),
                )),
                1 => community = found.into_iter().next().map(|(n, _)| n),
                _ => p.push(DomainError::field(
                    "community",
                    "community_ambiguous",
                    format!(
                        "名为“{name}”的社区(村)不止一个，请在描述中写明所属街道(乡镇)后联系区民政局"
                    ),
                )),
            }
        }
        let units = self.public_report_units().await?;
        let picked = text::visible(&f.unit_id);
        let named = text::visible(&f.demanding_unit);
        let unit = if !picked.is_empty() {
            let found = picked
                .parse::<i64>()
                .ok()
                .and_then(|id| units.iter().find(|u| u.id == id));
            if found.is_none() {
                p.push(DomainError::field(
                    "unit_id",
                    "demanding_unit_unknown",
                    "所选的部门或街道(乡镇)不在列表中，请从列表中重新选择",
                ));
            }
            found
        } else if !named.is_empty() {
            let found: Vec<_> = units.iter().filter(|u| u.name == named).collect();
            if found.len() != 1 {
                p.push(DomainError::field(
                    "unit_id",
                    "demanding_unit_unknown",
                    format!(
                        "“{}”不是列表中的一个部门或街道(乡镇)，请从列表中选择",
                        named.chars().take(60).collect::<String>()
                    ),
                ));
            }
            found.into_iter().next()
        } else {
            p.push(DomainError::field(
                "unit_id",
                "demanding_unit_required",
                "请从列表中选择要求社区(村)做事的部门或街道(乡镇)",
            ));
            None
        };
        let description = text::visible(&f.description);
        let length = description.chars().count();
        if !(10..=5000).contains(&length) {
            p.push(DomainError::field(
                "description",
                "description_required",
                "请写明要求做的事、时间和方式（10–5000 字）",
            ));
        }
        let mut kinds = Vec::with_capacity(evidence.len());
        if evidence.len() > MAX_ATTACHMENTS {
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
        let community = community.ok_or_else(DomainError::internal)?;
        let unit = unit.ok_or_else(DomainError::internal)?;
        if !matches!(community.kind, NodeKind::Community | NodeKind::Village) {
            return Err(DomainError::internal());
        }
        let finding = jianfu_rules::work_item::unadmitted_demand_finding();
        let finding = ReasonView::of(&finding);
        let finding_json = finding.to_json()?;
        let code = new_code();
        let hash = code_hash(&normalized_code(&code).ok_or_else(DomainError::internal)?);
        let now = self.now_ms();
        let mut tx = self.store.begin_write().await?;
        let case_id = cases::insert(
            tx.conn(),
            NewCase {
                kind: crate::demand::UNADMITTED_KIND,
                status: CaseStatus::Open.as_str(),
                source: CaseSource::PublicComplaint.as_str(),
                node_id: community.id,
                demanding_unit: unit.name.clone(),
                description: description.to_owned(),
                finding: finding_json,
                follow_up_hash: Some(hash),
                now,
                ..NewCase::default()
            },
        )
        .await?;
        let files: Vec<NewEvidence<'_>> = evidence
            .iter()
            .zip(kinds)
            .map(|(u, kind)| NewEvidence {
                file_name: u.file_name.trim(),
                content_type: kind,
                sm3: jianfu_seal::sm3_hex(&u.bytes),
                content: &u.bytes,
            })
            .collect();
        repo::insert_attachments(tx.conn(), case_id, &files, now).await?;
        tx.audit(NewAuditEntry {
            actor_id: None,
            actor_name: ANONYMOUS_ACTOR.into(),
            action: "case.public_report".into(),
            outcome: AuditOutcome::Ok,
            target_type: "supervision_case".into(),
            target_id: Some(case_id.to_string()),
            summary: serde_json::json!({
                "community": community.name, "demanding_unit": unit.name,
                "unit_id": unit.id,
                "evidence": evidence.iter().map(|u| u.file_name.trim()).collect::<Vec<_>>(),
                "source": CaseSource::PublicComplaint.as_str(),
                "clauses": [finding.clause, jianfu_rules::clause!("5.3-1").as_str()],
            }),
            ip,
        })
        .await?;
        tx.commit().await?;
        Ok(PublicReceipt {
            case_id,
            follow_up_code: code,
        })
    }

    /// The units a public report may name: every department, street and town, each labelled
    /// with the place above it (names of public bodies are public), in tree order.
    pub async fn public_report_units(&self) -> Result<Vec<ReportUnit>> {
        let kinds = [
            NodeKind::Department.as_str(),
            NodeKind::Street.as_str(),
            NodeKind::Town.as_str(),
        ];
        let mut rows = jianfu_store::repo::tree::of_kinds(self.store.db(), &kinds).await?;
        rows.sort_by(|a, b| a.path.cmp(&b.path));
        let parents = jianfu_store::repo::tree::names(
            self.store.db(),
            rows.iter().filter_map(|r| r.parent_id).collect(),
        )
        .await?;
        rows.into_iter()
            .map(|r| {
                let parent = r
                    .parent_id
                    .and_then(|p| parents.get(&p).cloned())
                    .unwrap_or_default();
                let node = crate::tree::NodeView::from_row(r)?;
                Ok(ReportUnit {
                    label: format!("{}（{}·{}）", node.name, parent, node.kind_zh),
                    id: node.id,
                    name: node.name,
                })
            })
            .collect()
    }

    /// The evidence files a public report brought to case `id`, for the supervisors of the
    /// case; the unit the case is about sees none (a photo could tell who reported).
    pub async fn report_attachments(&self, ctx: &Ctx, id: i64) -> Result<Vec<EvidenceView>> {
        if self.case_detail(ctx, id).await?.reporter_hidden {
            return Ok(Vec::new());
        }
        Ok(repo::attachments_of(self.store.db(), id)
            .await?
            .into_iter()
            .map(|f| EvidenceView {
                id: f.id,
                file_name: f.file_name,
                content_type: f.content_type,
                size_bytes: f.size_bytes,
            })
            .collect())
    }

    /// One evidence file of a public report on case `id`, for the case's supervisors: (name,
    /// type, bytes). The unit the case is about gets 404 as for a file that does not exist.
    pub async fn report_attachment(
        &self,
        ctx: &Ctx,
        id: i64,
        attachment_id: i64,
    ) -> Result<(String, String, Vec<u8>)> {
        let not_found = || DomainError::not_found("举报佐证材料");
        if self.case_detail(ctx, id).await?.reporter_hidden {
            return Err(not_found());
        }
        let f = repo::attachment_file(self.store.db(), id, attachment_id)
            .await?
            .ok_or_else(not_found)?;
        Ok((f.file_name, f.content_type, f.content))
    }

    /// The public status of the case a follow-up code belongs to. Any code that finds none —
    /// malformed or unknown — answers `follow_up_unknown` (404) with one neutral message.
    pub async fn follow_up(&self, code: &str) -> Result<PublicCaseStatus> {
        let unknown =
            || DomainError::new(ErrorKind::NotFound, "follow_up_unknown", FOLLOW_UP_UNKNOWN);
        let Some(normalized) = normalized_code(code) else {
            return Err(unknown());
        };
        let Some(row) = repo::case_by_follow_up(self.store.db(), &code_hash(&normalized)).await?
        else {
            return Err(unknown());
        };
        let community = self.find_node(row.community_node_id).await?;
        let status = CaseStatus::stored(&row.status);
        let notice = self.notice_row(row.id).await?;
        let overdue = notice
            .as_ref()
            .is_some_and(|n| crate::escalation::is_overdue(status, &n.due_on, self.today()));
        Ok(PublicCaseStatus {
            case_id: row.id,
            kind_zh: case_kind_zh(&row.kind),
            status,
            community_name: community.name,
            received_on: date_of(row.created_at),
            updated_on: date_of(row.updated_at),
            finding: serde_json::from_str(&row.finding).map_err(|_| DomainError::internal())?,
            due_on: notice.map(|n| n.due_on),
            overdue,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_grouped_from_the_alphabet_and_normalize_back() {
        let c = new_code();
        assert_eq!(c.len(), CODE_LEN + 3);
        assert_eq!(c.matches('-').count(), 3);
        let n = normalized_code(&c).unwrap();
        assert_eq!(n.len(), CODE_LEN);
        assert_eq!(normalized_code(&c.to_lowercase()), Some(n.clone()));
        assert_eq!(normalized_code(&n), Some(n));
        assert_ne!(new_code(), c, "random");
        assert_eq!(normalized_code("ABCD-EFGH-JKMN-PQR"), None, "too short");
        assert_eq!(
            normalized_code("ABCD-EFGH-JKMN-PQR0"),
            None,
            "0 is not in the alphabet"
        );
    }
}
