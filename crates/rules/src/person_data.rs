//! Person-level records and who read them (人员明细, issue 13 §4): which reads of a person's
//! record are written to the access log, and what an export of personal data needs.
//!
//! | function | decides | clauses |
//! |---|---|---|
//! | [`logged`] | whether a read of a person's record is written to the access log | 4.8-3 |
//! | [`check_export`] | an export of personal data: its purpose, masked or clear ID numbers | 4.8-3 |
//!
//! 4.8-3 asks to 规范各类业务应用系统的共享范围、共享方式和共享标准: data is collected once and
//! shared, and sharing has a range, a way and a standard. The product's reading for personal
//! data: the community that holds a record keeps it; everyone else reads it only within the
//! item's sharing class and every such read is logged with its purpose, for the person to see;
//! an export states its purpose and shows ID numbers masked unless the reader may see them in
//! clear — and a clear read is logged even for the holder.

use crate::clause;
use crate::clause::ClauseId;

/// The clause of every decision here.
pub const CLAUSE: ClauseId = clause!("4.8-3");

/// Who reads a person's record, against the community that holds it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Reader {
    /// The staff of the community that keeps the record.
    Holder,
    /// Anyone else: a department, a street, another level.
    Other,
}

/// Whether a read of a person's record is written to the access log (and cites 4.8-3): every
/// read by anyone but the holding community, and every read of the full ID number.
///
/// > [4.8-3] 规范各类业务应用系统的共享范围、共享方式和共享标准,实现数据一次采集、资源多方共享。
#[must_use]
pub fn logged(reader: Reader, clear_id: bool) -> Option<ClauseId> {
    (reader == Reader::Other || clear_id).then_some(CLAUSE)
}

/// Why an export of personal data is refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExportRefusal {
    /// No purpose (blank after trimming).
    PurposeRequired,
    /// Longer than [`MAX_PURPOSE`] characters.
    PurposeTooLong,
    /// Clear ID numbers asked by a reader who may not see them.
    ClearNotAllowed,
}

impl ExportRefusal {
    /// The clause the refusal applies.
    #[must_use]
    pub fn clause(self) -> ClauseId {
        CLAUSE
    }
}

/// The longest purpose an export or a read states.
pub const MAX_PURPOSE: usize = 200;

/// What an admitted export does.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExportTerms {
    /// The purpose, trimmed.
    pub purpose: String,
    /// Full ID numbers in the file (else masked).
    pub clear_id: bool,
    pub clause: ClauseId,
}

/// An export of personal data (4.8-3 共享方式和共享标准): a purpose is required; ID numbers are
/// masked unless clear ones are asked for by a reader who `may_clear`.
///
/// > [4.8-3] 规范各类业务应用系统的共享范围、共享方式和共享标准,实现数据一次采集、资源多方共享。
pub fn check_export(
    purpose: &str,
    clear_requested: bool,
    may_clear: bool,
) -> Result<ExportTerms, ExportRefusal> {
    let purpose = purpose.trim();
    if purpose.is_empty() {
        return Err(ExportRefusal::PurposeRequired);
    }
    if purpose.chars().count() > MAX_PURPOSE {
        return Err(ExportRefusal::PurposeTooLong);
    }
    if clear_requested && !may_clear {
        return Err(ExportRefusal::ClearNotAllowed);
    }
    Ok(ExportTerms {
        purpose: purpose.to_owned(),
        clear_id: clear_requested,
        clause: CLAUSE,
    })
}
