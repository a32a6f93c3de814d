//! Anonymous public reports (群众匿名举报, 5.3-1 with 4.2-5; issue 14 §1): a resident or a
//! community worker reports, from the public site and without an account, a unit that demanded
//! work of a community without admission. The report opens a case (source
//! `public_complaint`, no reporting account) and answers a one-time follow-up code (查询码),
//! shown once and stored only as its SM3 hash. With the code anyone reads the case's public
//! status — state, dates, clause, the rectification's deadline — never names or notes. An
//! unknown code answers one neutral message whatever it looks like. Who reported is known to
//! nobody: the audit entry keeps the client address, which only the audit administrator reads.

use jianfu_store::repo::cases::{self, NewCase};
use jianfu_store::repo::public_reports as repo;
use jianfu_store::{AuditOutcome, NewAuditEntry};
use serde::{Deserialize, Serialize};

use crate::demand::{CaseStatus, ReasonView, case_kind_zh};
use crate::division::NodeKind;
use crate::error::{DomainError, ErrorKind, Result};
use crate::supervision::CaseSource;
use crate::{App, Problems, text};

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
    /// The department or unit that demanded it, as the reporter names it.
    pub demanding_unit: String,
    /// What was demanded, when and how.
    pub description: String,
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
    /// full name — `community_not_found` or `community_ambiguous` —, the unit, the
    /// description), opens the case and returns its one-time follow-up code. Audited as
    /// `case.public_report` by [`ANONYMOUS_ACTOR`] with the client address `ip`.
    pub async fn report_publicly(
        &self,
        ip: Option<String>,
        f: &PublicReportForm,
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
        let unit = text::visible(&f.demanding_unit);
        if unit.is_empty() || unit.chars().count() > 200 {
            p.push(DomainError::field(
                "demanding_unit",
                "demanding_unit_required",
                "请写明要求社区(村)做事的部门或单位（不超过 200 字）",
            ));
        }
        let description = text::visible(&f.description);
        let length = description.chars().count();
        if !(10..=5000).contains(&length) {
            p.push(DomainError::field(
                "description",
                "description_required",
                "请写明要求做的事、时间和方式（10–5000 字）",
            ));
        }
        p.finish()?;
        let community = community.ok_or_else(DomainError::internal)?;
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
                demanding_unit: unit.to_owned(),
                description: description.to_owned(),
                finding: finding_json,
                follow_up_hash: Some(hash),
                now,
                ..NewCase::default()
            },
        )
        .await?;
        tx.audit(NewAuditEntry {
            actor_id: None,
            actor_name: ANONYMOUS_ACTOR.into(),
            action: "case.public_report".into(),
            outcome: AuditOutcome::Ok,
            target_type: "supervision_case".into(),
            target_id: Some(case_id.to_string()),
            summary: serde_json::json!({
                "community": community.name, "demanding_unit": unit,
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
