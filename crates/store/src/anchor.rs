//! The audit checkpoint published outside the database. The signed checkpoint row catches a
//! deleted tail or a forged head, but not a rollback of the whole database (or of the audit
//! tables together with an old checkpoint row, say from a backup): the old state is
//! consistent. So every checkpoint, once committed, is also appended as one line to a file
//! outside the database (append-only, mode 0600) and logged as a line of its own (target
//! `jianfu_audit_anchor`; under systemd the log goes to journald), and `jianfu audit anchor`
//! prints the current one for an external witness. `jianfu audit verify --anchor FILE` then
//! checks the chain against those lines: an anchor past the end of the chain, or one whose
//! hash differs from the chain's at its seq, is a rollback.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, OnceLock};

use serde::{Deserialize, Serialize};

use crate::audit::{AuditKey, ChainHead};

/// Format tag of an anchor line, so that a witness's file can hold other lines too.
pub const FORMAT: &str = "jianfu-audit-anchor/1";

/// One published checkpoint: the chain head (seq and hash) and its HMAC-SM3 tag.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Anchor {
    pub format: String,
    pub seq: i64,
    pub hash: String,
    /// When the checkpoint was committed (milliseconds since the epoch).
    pub at: i64,
    pub mac: String,
}

impl Anchor {
    pub(crate) fn new(key: &AuditKey, head: &ChainHead, at: i64) -> Self {
        Self {
            format: FORMAT.to_owned(),
            seq: head.seq,
            hash: head.hash.clone(),
            at,
            mac: key.tag(head.seq, &head.hash),
        }
    }

    /// The line as published (JSON, no newline).
    pub fn line(&self) -> String {
        // A struct of plain fields always serializes.
        serde_json::to_string(self).unwrap_or_default()
    }

    /// Reads anchor lines: blank lines and lines starting with `#` are skipped; anything else
    /// must be an anchor line, or the whole file is refused (naming the line).
    pub fn parse_lines(text: &str) -> Result<Vec<Anchor>, String> {
        let mut out = Vec::new();
        for (i, line) in text.lines().enumerate() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            match serde_json::from_str::<Anchor>(line) {
                Ok(a) if a.format == FORMAT && a.seq > 0 && !a.hash.is_empty() => out.push(a),
                _ => return Err(format!("第 {} 行不是审计锚点", i + 1)),
            }
        }
        Ok(out)
    }
}

/// The append-only anchor file.
#[derive(Debug)]
pub(crate) struct AnchorLog {
    path: PathBuf,
    file: Mutex<std::fs::File>,
}

/// Where this store publishes its checkpoints; nothing until [`crate::Store::publish_anchors`]
/// is called (tests and benchmarks publish nowhere).
#[derive(Debug, Default)]
pub(crate) struct Anchors(OnceLock<AnchorLog>);

impl Anchors {
    pub(crate) fn open(&self, path: &Path) -> std::io::Result<()> {
        let file = crate::private_files::open_options()
            .append(true)
            .create(true)
            .open(path)?;
        crate::private_files::restrict(path)?;
        let _ = self.0.set(AnchorLog {
            path: path.to_owned(),
            file: Mutex::new(file),
        });
        Ok(())
    }

    /// Publishes a committed checkpoint. The commit is already durable: a failure here is
    /// logged, not returned (the next commit publishes a later head all the same). The line is
    /// written with one `write` on a file opened for appending, so lines of several processes
    /// do not interleave; it is not synced (a crash may lose the last lines, which only makes
    /// the window a rollback could hide in longer, never a false alarm).
    pub(crate) fn publish(&self, key: &AuditKey, head: &ChainHead, at: i64) {
        let Some(log) = self.0.get() else {
            return;
        };
        let line = Anchor::new(key, head, at).line();
        tracing::info!(target: "jianfu_audit_anchor", "{line}");
        let mut bytes = line.into_bytes();
        bytes.push(b'\n');
        let written = match log.file.lock() {
            Ok(mut f) => f.write_all(&bytes),
            Err(poisoned) => poisoned.into_inner().write_all(&bytes),
        };
        if let Err(e) = written {
            tracing::warn!(file = %log.path.display(), error = %e, "could not append the audit anchor");
        }
    }
}
