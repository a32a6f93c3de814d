//! The audit hash chain: every write appends entries inside its own transaction, each linked to
//! the one before by `hash = SM3(prev_hash || canonical entry)`, and the chain head is kept in a
//! checkpoint row tagged with HMAC-SM3 under a key that lives outside the database.

use hmac::{KeyInit, Mac, SimpleHmac};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect, prelude::Expr,
};
use serde::Serialize;
use sm3::{Digest, Sm3};

use std::collections::BTreeMap;

use crate::StoreError;
use crate::anchor::Anchor;
use crate::entity::{audit_checkpoint, audit_entry};

/// `prev_hash` of the first entry.
pub const GENESIS_HASH: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// The secret that tags checkpoints. Kept in a file beside (not inside) the database, or given
/// by the environment; losing it means checkpoints can no longer be checked, not data loss.
#[derive(Clone)]
pub struct AuditKey(Vec<u8>);

impl AuditKey {
    pub fn new(bytes: Vec<u8>) -> Result<Self, StoreError> {
        if bytes.len() < 16 {
            return Err(StoreError::Config("审计密钥太短（至少 16 字节）".into()));
        }
        Ok(Self(bytes))
    }

    /// A key for another purpose, derived from this deployment secret with HMAC-SM3 over a
    /// label (so one secret file serves the audit checkpoint and, e.g., the key that encrypts
    /// seal keys at rest, without the two ever being the same key).
    pub fn derive(&self, label: &str) -> [u8; 32] {
        let mut out = [0u8; 32];
        if let Ok(mut mac) = <SimpleHmac<Sm3> as KeyInit>::new_from_slice(&self.0) {
            mac.update(b"jianfu-derive:");
            mac.update(label.as_bytes());
            out.copy_from_slice(&mac.finalize().into_bytes());
        }
        out
    }

    pub(crate) fn tag(&self, seq: i64, hash: &str) -> String {
        // SimpleHmac accepts a key of any length, so this cannot fail.
        let Ok(mut mac) = <SimpleHmac<Sm3> as KeyInit>::new_from_slice(&self.0) else {
            return String::new();
        };
        mac.update(format!("jianfu-audit-checkpoint:{seq}:{hash}").as_bytes());
        hex::encode(mac.finalize().into_bytes())
    }
}

impl std::fmt::Debug for AuditKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("AuditKey(…)")
    }
}

/// What a caller records; the store adds seq, time and the hashes.
#[derive(Clone, Debug)]
pub struct NewAuditEntry {
    pub actor_id: Option<i64>,
    pub actor_name: String,
    pub action: String,
    pub outcome: AuditOutcome,
    pub target_type: String,
    pub target_id: Option<String>,
    /// Before/after summary. Callers must leave out secrets and mask ID numbers.
    pub summary: serde_json::Value,
    pub ip: Option<String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AuditOutcome {
    Ok,
    Denied,
    Failed,
}

impl AuditOutcome {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Ok => "ok",
            Self::Denied => "denied",
            Self::Failed => "failed",
        }
    }
}

/// The exact bytes that are hashed. Field order is fixed by this struct; the summary is hashed
/// as the stored text, so no JSON re-ordering can change a hash.
#[derive(Serialize)]
struct Canonical<'a> {
    seq: i64,
    at: i64,
    actor_id: Option<i64>,
    actor_name: &'a str,
    action: &'a str,
    outcome: &'a str,
    target_type: &'a str,
    target_id: Option<&'a str>,
    summary: &'a str,
    ip: Option<&'a str>,
}

pub(crate) fn entry_hash(prev_hash: &str, e: &audit_entry::Model) -> String {
    let canonical = Canonical {
        seq: e.seq,
        at: e.at,
        actor_id: e.actor_id,
        actor_name: &e.actor_name,
        action: &e.action,
        outcome: &e.outcome,
        target_type: &e.target_type,
        target_id: e.target_id.as_deref(),
        summary: &e.summary,
        ip: e.ip.as_deref(),
    };
    // Serializing a struct of plain fields to a String cannot fail.
    let json = serde_json::to_string(&canonical).unwrap_or_default();
    let mut h = Sm3::new();
    h.update(prev_hash.as_bytes());
    h.update(json.as_bytes());
    hex::encode(h.finalize())
}

/// The head of the chain as seen inside one write transaction.
#[derive(Clone, Debug)]
pub(crate) struct ChainHead {
    pub seq: i64,
    pub hash: String,
}

/// Takes the chain lock (an UPDATE of the checkpoint row, so the database orders all writers,
/// across processes too) and returns the current head.
pub(crate) async fn lock_head<C: ConnectionTrait>(conn: &C) -> Result<ChainHead, StoreError> {
    // A no-op update takes the write lock (SQLite) or the row lock (PostgreSQL) and returns
    // the head in the same statement.
    let cp = audit_checkpoint::Entity::update_many()
        .col_expr(
            audit_checkpoint::Column::Seq,
            Expr::col(audit_checkpoint::Column::Seq),
        )
        .filter(audit_checkpoint::Column::Id.eq(1))
        .exec_with_returning(conn)
        .await?
        .pop()
        .ok_or_else(|| StoreError::Integrity("审计检查点缺失".into()))?;
    Ok(ChainHead {
        seq: cp.seq,
        hash: cp.hash,
    })
}

pub(crate) async fn append<C: ConnectionTrait>(
    conn: &C,
    head: &mut ChainHead,
    e: NewAuditEntry,
    now_ms: i64,
) -> Result<i64, StoreError> {
    use sea_orm::ActiveValue::Set;
    let mut model = audit_entry::Model {
        seq: head.seq + 1,
        at: now_ms,
        actor_id: e.actor_id,
        actor_name: e.actor_name,
        action: e.action,
        outcome: e.outcome.as_str().to_owned(),
        target_type: e.target_type,
        target_id: e.target_id,
        summary: e.summary.to_string(),
        ip: e.ip,
        prev_hash: head.hash.clone(),
        hash: String::new(),
    };
    model.hash = entry_hash(&head.hash, &model);
    let seq = model.seq;
    let hash = model.hash.clone();
    audit_entry::Entity::insert(audit_entry::ActiveModel {
        seq: Set(model.seq),
        at: Set(model.at),
        actor_id: Set(model.actor_id),
        actor_name: Set(model.actor_name),
        action: Set(model.action),
        outcome: Set(model.outcome),
        target_type: Set(model.target_type),
        target_id: Set(model.target_id),
        summary: Set(model.summary),
        ip: Set(model.ip),
        prev_hash: Set(model.prev_hash),
        hash: Set(model.hash),
    })
    .exec_without_returning(conn)
    .await?;
    head.seq = seq;
    head.hash = hash;
    Ok(seq)
}

pub(crate) async fn save_head<C: ConnectionTrait>(
    conn: &C,
    key: &AuditKey,
    head: &ChainHead,
    now_ms: i64,
) -> Result<(), StoreError> {
    audit_checkpoint::Entity::update_many()
        .col_expr(audit_checkpoint::Column::Seq, Expr::value(head.seq))
        .col_expr(
            audit_checkpoint::Column::Hash,
            Expr::value(head.hash.clone()),
        )
        .col_expr(
            audit_checkpoint::Column::Mac,
            Expr::value(key.tag(head.seq, &head.hash)),
        )
        .col_expr(audit_checkpoint::Column::UpdatedAt, Expr::value(now_ms))
        .filter(audit_checkpoint::Column::Id.eq(1))
        .exec(conn)
        .await?;
    Ok(())
}

/// Result of walking the whole chain.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct VerifyReport {
    /// Entries checked.
    pub entries: i64,
    /// Anchors (checkpoints published outside the database) checked against the chain.
    pub anchors: usize,
    /// `None` when the chain and checkpoint are intact.
    pub broken: Option<ChainBreak>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ChainBreak {
    /// The first entry that fails, or the checkpoint's seq when the tail is missing.
    pub seq: i64,
    pub problem: BreakKind,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum BreakKind {
    /// A sequence number is missing (a row was deleted from the middle).
    Gap,
    /// `prev_hash` does not match the hash of the entry before.
    PrevMismatch,
    /// The entry's content does not hash to its stored hash (it was edited).
    HashMismatch,
    /// The checkpoint names a later entry than the chain has (the tail was deleted).
    TailMissing,
    /// The checkpoint's head does not match the last entry, or its tag is wrong (it was forged).
    CheckpointMismatch,
    /// An anchor published outside the database names a later entry than the chain has: the
    /// database (chain and checkpoint together) was rolled back.
    RolledBack,
    /// The chain's entry at an anchor's seq is not the one the anchor recorded: the database
    /// was rolled back and has been written since.
    AnchorMismatch,
    /// An anchor's tag is wrong: the anchor file was edited, or the audit key is not this
    /// deployment's.
    AnchorForged,
}

impl ChainBreak {
    /// A sentence for people (CLI and admin page).
    pub fn describe(&self) -> String {
        let s = self.seq;
        match self.problem {
            BreakKind::Gap => format!("第 {s} 条缺失：序号不连续，中间的记录被删除"),
            BreakKind::PrevMismatch => format!("第 {s} 条的前序哈希与上一条不符：链条在此断开"),
            BreakKind::HashMismatch => format!("第 {s} 条的内容与其哈希不符：该记录被修改"),
            BreakKind::TailMissing => {
                format!("检查点记录到第 {s} 条，但日志没有这么多：末尾的记录被删除")
            }
            BreakKind::CheckpointMismatch => {
                format!("第 {s} 条与签名检查点不符：检查点被篡改或密钥不对")
            }
            BreakKind::RolledBack => format!(
                "外部锚点记录到第 {s} 条，但数据库中的日志没有这么多：数据库（连同检查点）被回滚"
            ),
            BreakKind::AnchorMismatch => {
                format!("第 {s} 条与外部锚点不符：数据库被回滚后又写入了新记录")
            }
            BreakKind::AnchorForged => {
                format!("第 {s} 条的外部锚点签名不符：锚点文件被改动或密钥不对")
            }
        }
    }
}

const PAGE: u64 = 1000;

/// Walks the chain in pages (bounded memory) and checks it against the checkpoint and against
/// the anchors published outside the database, if any are given.
pub async fn verify(
    db: &DatabaseConnection,
    key: &AuditKey,
    anchors: &[Anchor],
    mut progress: impl FnMut(i64),
) -> Result<VerifyReport, StoreError> {
    // Anchors by seq; every one of them must carry this deployment's tag.
    let mut by_seq: BTreeMap<i64, &str> = BTreeMap::new();
    for a in anchors {
        if a.mac != key.tag(a.seq, &a.hash) {
            return Ok(VerifyReport {
                entries: 0,
                anchors: 0,
                broken: Some(ChainBreak {
                    seq: a.seq,
                    problem: BreakKind::AnchorForged,
                }),
            });
        }
        // Two anchors for one seq with different hashes: the chain was rolled back past it
        // and written again.
        if by_seq.insert(a.seq, &a.hash).is_some_and(|h| h != a.hash) {
            return Ok(VerifyReport {
                entries: 0,
                anchors: 0,
                broken: Some(ChainBreak {
                    seq: a.seq,
                    problem: BreakKind::AnchorMismatch,
                }),
            });
        }
    }
    let mut prev = GENESIS_HASH.to_owned();
    let mut expected_seq = 1i64;
    loop {
        let rows = audit_entry::Entity::find()
            .filter(audit_entry::Column::Seq.gte(expected_seq))
            .order_by_asc(audit_entry::Column::Seq)
            .limit(PAGE)
            .all(db)
            .await?;
        let n = rows.len() as u64;
        for e in rows {
            let problem = if e.seq != expected_seq {
                Some(BreakKind::Gap)
            } else if e.prev_hash != prev {
                Some(BreakKind::PrevMismatch)
            } else if entry_hash(&prev, &e) != e.hash {
                Some(BreakKind::HashMismatch)
            } else if by_seq.get(&e.seq).is_some_and(|h| *h != e.hash) {
                Some(BreakKind::AnchorMismatch)
            } else {
                None
            };
            if let Some(problem) = problem {
                return Ok(VerifyReport {
                    entries: expected_seq - 1,
                    anchors: by_seq.range(..expected_seq).count(),
                    broken: Some(ChainBreak {
                        seq: expected_seq,
                        problem,
                    }),
                });
            }
            prev = e.hash;
            expected_seq += 1;
        }
        progress(expected_seq - 1);
        if n < PAGE {
            break;
        }
    }
    let last = expected_seq - 1;
    let cp = audit_checkpoint::Entity::find_by_id(1)
        .one(db)
        .await?
        .ok_or_else(|| StoreError::Integrity("审计检查点缺失".into()))?;
    let beyond = by_seq.range(last + 1..).next_back().map(|(s, _)| *s);
    let broken = if cp.seq > last {
        Some(ChainBreak {
            seq: cp.seq,
            problem: BreakKind::TailMissing,
        })
    } else if cp.seq < last || cp.hash != prev || (last > 0 && cp.mac != key.tag(cp.seq, &cp.hash))
    {
        Some(ChainBreak {
            seq: last,
            problem: BreakKind::CheckpointMismatch,
        })
    } else {
        beyond.map(|seq| ChainBreak {
            seq,
            problem: BreakKind::RolledBack,
        })
    };
    Ok(VerifyReport {
        entries: last,
        anchors: by_seq.len(),
        broken,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sm3_known_answer_abc() {
        // GB/T 32905-2016 example 1.
        let d = hex::encode(Sm3::digest(b"abc"));
        assert_eq!(
            d,
            "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0"
        );
    }

    #[test]
    fn tag_depends_on_key_seq_and_hash() {
        let k1 = AuditKey::new(vec![1; 32]).unwrap();
        let k2 = AuditKey::new(vec![2; 32]).unwrap();
        assert_ne!(k1.tag(1, "a"), k2.tag(1, "a"));
        assert_ne!(k1.tag(1, "a"), k1.tag(2, "a"));
        assert_ne!(k1.tag(1, "a"), k1.tag(1, "b"));
        assert!(AuditKey::new(vec![0; 8]).is_err());
    }
}
