//! One-time satisfaction codes (评价码, 4.3-4; issue 12 §2): residents without an account
//! rate their community with a code the community hands out.
//!
//! A community's staff ([`Action::IssueSatisfactionCodes`]) issue codes for a campaign of
//! their district while it is open, in batches of at most [`MAX_CODES_PER_BATCH`]; the codes
//! are shown once, as a printable list, and stored only as their SM3 hashes. Whoever holds a
//! code answers the survey once on the public page `/satisfaction`, for the community that
//! issued it: the code is consumed by a guarded write in the same transaction as the
//! response, so two submissions of one code give one response. The used code keeps the day of
//! use, never which response it gave. Everyone who sees a community on the campaign page sees
//! its issued and used counts; the district audits them per community.

use jianfu_store::repo::comprehensive as repo;
use jianfu_store::{AuditOutcome, NewAuditEntry};
use serde::{Deserialize, Serialize};

use super::{CLAUSE, CampaignStatus, ResponseForm, answers_of};
use crate::authz::{Action, own_units};
use crate::error::{DomainError, ErrorKind, Problems, Result};
use crate::tree::NodeView;
use crate::{App, Ctx};

/// The most codes one batch issues (a printed sheet or two).
pub const MAX_CODES_PER_BATCH: u32 = 500;
/// The actor the audit log names for a response given with a code.
pub const CODE_HOLDER: &str = "评价码持有人（居民）";
/// The answer to a code that finds nothing (malformed, mistyped, unknown alike).
pub const CODE_UNKNOWN: &str = "评价码无效，请核对社区发放的评价码后重新输入";
/// Letters and digits that cannot be mistaken for one another (no 0/O, 1/I/L, U).
const ALPHABET: &[u8] = b"ABCDEFGHJKMNPQRSTVWXYZ23456789";
/// Characters of a code (12 × log2(30) ≈ 59 bits), shown in groups of four.
const CODE_LEN: usize = 12;

/// How many codes a community asks for.
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct CodeBatchForm {
    /// The community (0: the caller's own).
    pub community_id: i64,
    /// How many, as entered.
    pub count: String,
}

/// A batch just issued: the only time its codes are shown.
#[derive(Clone, Debug, Serialize)]
pub struct CodeBatch {
    pub campaign_id: i64,
    pub campaign_name: String,
    pub community_id: i64,
    pub community_name: String,
    pub issued_on: String,
    pub codes: Vec<String>,
}

/// The survey a code opens: the campaign, the community it rates, the questions.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
#[schema(as = SatisfactionSurveyOut)]
pub struct CodeSurvey {
    pub campaign_id: i64,
    pub campaign_name: String,
    pub district_name: String,
    pub community_name: String,
    pub questions: Vec<String>,
}

/// A code's answer, with the code.
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct CodeResponseForm {
    pub code: String,
    pub ratings: Vec<String>,
    pub comment: String,
}

/// Issued and used codes of one community, for the campaign page.
#[derive(Clone, Copy, Debug, Default, Serialize)]
pub struct CodeCounts {
    pub issued: u64,
    pub used: u64,
}

fn new_code() -> String {
    let mut out = String::with_capacity(CODE_LEN + 2);
    for i in 0..CODE_LEN {
        if i > 0 && i % 4 == 0 {
            out.push('-');
        }
        let n = rand::random_range(0..ALPHABET.len());
        out.push(char::from(ALPHABET[n]));
    }
    out
}

/// The code as hashed: upper case, without separators or spaces; `None` if it cannot be one.
pub fn normalized(code: &str) -> Option<String> {
    let c: String = code
        .chars()
        .filter(|c| !matches!(c, '-' | ' ' | '\u{3000}'))
        .map(|c| c.to_ascii_uppercase())
        .collect();
    (c.len() == CODE_LEN && c.bytes().all(|b| ALPHABET.contains(&b))).then_some(c)
}

fn hash(normalized: &str) -> String {
    crate::auth::token_digest(&format!("satisfaction-code:{normalized}"))
}

fn unknown() -> DomainError {
    DomainError::new(ErrorKind::NotFound, "code_unknown", CODE_UNKNOWN)
}

fn used() -> DomainError {
    DomainError::conflict("code_used", "该评价码已经使用过，每个评价码只能评价一次")
}

fn closed() -> DomainError {
    DomainError::conflict(
        "comprehensive_closed",
        "本次综合考评已结束，满意度评价已关闭",
    )
}

impl App {
    /// The community a batch is for: `community_id`, or with 0 the caller's own; its staff
    /// only (403, recorded), a community of the campaign's district (404).
    async fn code_community(
        &self,
        ctx: &Ctx,
        l: &super::Loaded,
        community_id: i64,
    ) -> Result<NodeView> {
        let id = if community_id == 0 {
            own_units(&ctx.principal, Action::IssueSatisfactionCodes)
                .into_iter()
                .next()
                .unwrap_or(0)
        } else {
            community_id
        };
        let community = match self.find_node(id).await {
            Ok(c) => c,
            Err(e) if e.kind == ErrorKind::NotFound => {
                self.record_denial(ctx, Action::IssueSatisfactionCodes, None)
                    .await;
                return Err(DomainError::forbidden(
                    "只有社区(村)工作人员可以发放本社区(村)的满意度评价码",
                ));
            }
            Err(e) => return Err(e),
        };
        self.check(ctx, Action::IssueSatisfactionCodes, &community.target())
            .await?;
        if !community.kind.is_community() || !community.path.starts_with(&l.district.path) {
            return Err(DomainError::not_found(&format!(
                "{}在本次综合考评中的记录",
                community.name
            )));
        }
        Ok(community)
    }

    /// A community's staff issue `count` (1–500) one-time codes for the campaign while it is
    /// open. The codes are returned once and stored as hashes; audited with the count.
    pub async fn issue_satisfaction_codes(
        &self,
        ctx: &Ctx,
        campaign_id: i64,
        f: &CodeBatchForm,
    ) -> Result<CodeBatch> {
        let l = self.load_comprehensive(campaign_id).await?;
        let community = self.code_community(ctx, &l, f.community_id).await?;
        if CampaignStatus::stored(&l.row.status) == CampaignStatus::Closed {
            return Err(closed());
        }
        let mut p = Problems::new();
        let count = match f.count.trim().parse::<u32>() {
            Ok(n) if (1..=MAX_CODES_PER_BATCH).contains(&n) => n,
            _ => {
                p.push(DomainError::field(
                    "count",
                    "count_invalid",
                    format!("请填写要发放的评价码数量（1–{MAX_CODES_PER_BATCH} 个）"),
                ));
                0
            }
        };
        p.finish()?;
        let codes: Vec<String> = (0..count).map(|_| new_code()).collect();
        let hashes: Vec<String> = codes
            .iter()
            .map(|c| normalized(c).map(|n| hash(&n)))
            .collect::<Option<_>>()
            .ok_or_else(DomainError::internal)?;
        let mut tx = self.store.begin_write().await?;
        repo::insert_codes(
            tx.conn(),
            campaign_id,
            community.id,
            &hashes,
            ctx.principal.account_id,
            self.now_ms(),
        )
        .await?;
        tx.audit(ctx.entry(
            "comprehensive.codes_issue",
            "comprehensive_campaign",
            Some(campaign_id.to_string()),
            serde_json::json!({
                "community": community.name, "count": count, "clauses": [CLAUSE],
            }),
        ))
        .await?;
        tx.commit().await?;
        Ok(CodeBatch {
            campaign_id,
            campaign_name: l.row.name,
            community_id: community.id,
            community_name: community.name,
            issued_on: self.today().to_string(),
            codes,
        })
    }

    /// The survey a code opens (no login): unknown → `code_unknown` (404), used → `code_used`
    /// (409), closed campaign → `comprehensive_closed` (409).
    pub async fn satisfaction_by_code(&self, code: &str) -> Result<CodeSurvey> {
        let (row, l) = self.open_code(code).await?;
        let community = self.find_node(row.community_node_id).await?;
        Ok(CodeSurvey {
            campaign_id: l.row.id,
            campaign_name: l.row.name,
            district_name: l.district.name,
            community_name: community.name,
            questions: l.design.questions,
        })
    }

    async fn open_code(
        &self,
        code: &str,
    ) -> Result<(
        jianfu_store::entity::satisfaction_code::Model,
        super::Loaded,
    )> {
        let n = normalized(code).ok_or_else(unknown)?;
        let row = repo::code_by_hash(self.store.db(), &hash(&n))
            .await?
            .ok_or_else(unknown)?;
        let l = self.load_comprehensive(row.campaign_id).await?;
        if CampaignStatus::stored(&l.row.status) == CampaignStatus::Closed {
            return Err(closed());
        }
        if row.used_on.is_some() {
            return Err(used());
        }
        Ok((row, l))
    }

    /// Answers the survey with a code (no login), once: the code is consumed in the same
    /// transaction as the response. Audited by [`CODE_HOLDER`] with the client address, the
    /// community only.
    pub async fn respond_by_code(
        &self,
        ip: Option<String>,
        f: &CodeResponseForm,
    ) -> Result<CodeSurvey> {
        let (row, l) = self.open_code(&f.code).await?;
        let answers = answers_of(
            l.design.questions.len(),
            &ResponseForm {
                ratings: f.ratings.clone(),
                comment: f.comment.clone(),
            },
        )?;
        let community = self.find_node(row.community_node_id).await?;
        let today = self.today().to_string();
        let mut tx = self.store.begin_write().await?;
        if !repo::use_code(tx.conn(), row.id, &today).await? {
            return Err(used());
        }
        repo::insert_response(
            tx.conn(),
            &repo::NewResponse {
                campaign: l.row.id,
                community: community.id,
                ratings: &answers.ratings,
                comment: answers.comment.as_deref(),
                low: answers.low,
                answered_on: &today,
            },
        )
        .await?;
        tx.audit(NewAuditEntry {
            actor_id: None,
            actor_name: CODE_HOLDER.into(),
            action: "comprehensive.respond_by_code".into(),
            outcome: AuditOutcome::Ok,
            target_type: "comprehensive_campaign".into(),
            target_id: Some(l.row.id.to_string()),
            summary: serde_json::json!({ "community": community.name, "clauses": [CLAUSE] }),
            ip,
        })
        .await?;
        tx.commit().await?;
        Ok(CodeSurvey {
            campaign_id: l.row.id,
            campaign_name: l.row.name,
            district_name: l.district.name,
            community_name: community.name,
            questions: l.design.questions,
        })
    }

    /// Issued and used codes per community of a campaign.
    pub(super) async fn code_counts(
        &self,
        campaign_id: i64,
    ) -> Result<std::collections::HashMap<i64, CodeCounts>> {
        Ok(repo::code_counts(self.store.db(), campaign_id)
            .await?
            .into_iter()
            .map(|c| {
                (
                    c.community_node_id,
                    CodeCounts {
                        issued: u64::try_from(c.issued).unwrap_or(0),
                        used: u64::try_from(c.used).unwrap_or(0),
                    },
                )
            })
            .collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_grouped_from_the_alphabet_and_normalize_back() {
        let c = new_code();
        assert_eq!(c.len(), CODE_LEN + 2);
        assert_eq!(c.matches('-').count(), 2);
        let n = normalized(&c).unwrap();
        assert_eq!(n.len(), CODE_LEN);
        assert_eq!(normalized(&c.to_lowercase()), Some(n.clone()));
        assert_eq!(normalized(&format!(" {n} ")), Some(n.clone()));
        assert_eq!(
            normalized("0000-0000-0000"),
            None,
            "0 is not in the alphabet"
        );
        assert_eq!(normalized("ABCD-EFGH-JKM"), None, "too short");
        assert_ne!(hash(&n), hash(&normalized(&new_code()).unwrap()));
    }
}
