//! Plaques (挂牌, items 4.1 and 4.4): every street's, town's, community's and village's plaque
//! registry, the removal tasks non-compliant plaques open, temporary street plaques hung under
//! an admitted request (4.1-5) and the detector that flags them once their task has ended, and
//! the districts' self-inspection campaigns (自检自查, 4.1-3, 4.1-7).
//!
//! The rules are `jianfu_rules::plaque`'s; this module gathers their facts, stores each decision
//! with its clauses, and turns a rejection into work with a deadline.
//!
//! # Decisions taken here
//!
//! - **Every add, edit and confirmation runs the rules** with the lists in force that day and
//!   stores the decision; the registry records what hangs, compliant or not (a plaque on the
//!   wall is a fact: refusing to record it would hide it). Only a temporary plaque is refused
//!   at recording when its request is not (or no longer) admitted, or when it went up before
//!   the request's first day: recording it would make the registry say it was approved. A
//!   temporary plaque past its task's end is recorded, non-compliant (4.1-5), with a task.
//! - **A rejected plaque opens one removal task** (at most one open per plaque, a unique index
//!   enforces it). Its deadline is the deadline of the self-inspection campaign in progress in
//!   the unit's district, if one is; otherwise the self-inspection period of 4.1-7 in force that
//!   day (一周, 7 calendar days, from `data/street_plaque_list.toml`) counted from the day the
//!   plaque was found non-compliant. 4.1-7 is the policy's only time limit for a clean-up, so
//!   a plaque found outside a campaign gets the same week.
//! - **A task closes with the date the plaque came down** (not before it went up, not in the
//!   future), with an optional photo, and the plaque is marked removed on that date. A plaque
//!   whose only fault was where it hung may instead be moved: editing its placement re-runs the
//!   rules, and a plaque that now passes closes its task as `corrected`.
//! - **Self-inspection completes** when the street's official reports it and every hanging
//!   plaque of the street and of its communities has been checked (added, edited or confirmed)
//!   since the campaign was launched: 4.1-3 asks the district to check against the list, and
//!   the issue asks each unit to confirm or correct every plaque. Completing does not wait for
//!   the removals: those are tracked by their own tasks and shown as non-compliant counts.

mod campaign;
mod detector;
mod registry;

use jianfu_rules::plaque::{PlaqueKind, PlaqueLists, UnitKind};
use jianfu_store::NewAuditEntry;
use serde::Serialize;

use crate::Ctx;
use crate::division::NodeKind;
use crate::error::{DomainError, Result};

pub use campaign::{CampaignForm, CampaignSummary, CampaignUnitView, CampaignView};
pub use detector::{DETECTOR_ACTOR, DetectorReport};
pub(crate) use registry::PlaqueTodos;
pub use registry::{
    PlaqueFilter, PlaqueForm, PlaqueView, RemovalTaskView, TaskFilter, UnitRegistry, UnitSummary,
    UnitSummaryFilter,
};

/// Largest photo accepted (plaque photo or removal evidence).
pub const MAX_PHOTO_BYTES: usize = 5 * 1024 * 1024;

/// A photo as uploaded: checked by content (JPEG or PNG) and size before anything is stored.
pub(crate) fn check_photo(bytes: &[u8], field: &'static str) -> Result<&'static str> {
    if bytes.len() > MAX_PHOTO_BYTES {
        return Err(DomainError::field(
            field,
            "photo_too_large",
            "照片不能超过 5 MB",
        ));
    }
    match crate::upload::inspect(bytes) {
        Ok(kind @ (crate::upload::JPEG | crate::upload::PNG)) => Ok(kind),
        Err(crate::upload::Refusal::Damaged(kind @ (crate::upload::JPEG | crate::upload::PNG))) => {
            Err(DomainError::field(
                field,
                "photo_damaged",
                format!(
                    "照片看起来是{}，但内容已损坏或不完整，无法打开；请重新拍摄或导出后上传",
                    crate::upload::kind_zh(kind)
                ),
            ))
        }
        _ => Err(DomainError::field(
            field,
            "photo_not_image",
            "照片须为 JPG 或 PNG 图片（按文件内容判断，不看文件名）",
        )),
    }
}

/// The official plaque lists (embedded data, validated by a test of the rules crate).
pub(crate) fn lists() -> Result<&'static PlaqueLists> {
    PlaqueLists::official().map_err(|e| {
        tracing::error!(file = e.file.path(), "the plaque lists are invalid");
        DomainError::internal()
    })
}

/// The rules' unit kind of a node, if plaques are registered there.
pub(crate) fn unit_kind(kind: NodeKind) -> Option<UnitKind> {
    match kind {
        NodeKind::Street => Some(UnitKind::Street),
        NodeKind::Town => Some(UnitKind::Town),
        NodeKind::Community => Some(UnitKind::Community),
        NodeKind::Village => Some(UnitKind::Village),
        _ => None,
    }
}

/// A 4.1-2 kind from its stored name.
pub(crate) fn parse_kind(s: &str) -> Option<PlaqueKind> {
    match s {
        "work_agency" => Some(PlaqueKind::WorkAgency),
        "functional" => Some(PlaqueKind::Functional),
        "comprehensive_office" => Some(PlaqueKind::ComprehensiveOffice),
        "honorary" => Some(PlaqueKind::Honorary),
        _ => None,
    }
}

pub(crate) fn kind_str(k: PlaqueKind) -> &'static str {
    match k {
        PlaqueKind::WorkAgency => "work_agency",
        PlaqueKind::Functional => "functional",
        PlaqueKind::ComprehensiveOffice => "comprehensive_office",
        PlaqueKind::Honorary => "honorary",
    }
}

/// The four kinds with their labels, for forms.
pub const PLAQUE_KINDS: [(&str, &str); 4] = [
    ("work_agency", "工作机构挂牌（室外）"),
    ("functional", "功能性挂牌（室外）"),
    ("comprehensive_office", "综合办事机构挂牌（室内）"),
    ("honorary", "荣誉性挂牌（室内）"),
];

pub(crate) fn placement_zh(s: &str) -> &'static str {
    match s {
        "outdoor" => "室外",
        "indoor" => "室内",
        _ => "—",
    }
}

pub(crate) use crate::clock::rules_date;

/// Who records a change: a logged-in user, or the operator (demo data and registers migrated
/// from paper), audited as such like the rest of `bootstrap`.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Actor<'a> {
    User(&'a Ctx),
    Operator,
}

impl Actor<'_> {
    pub(crate) fn account_id(&self) -> Option<i64> {
        match self {
            Actor::User(ctx) => Some(ctx.principal.account_id),
            Actor::Operator => None,
        }
    }

    pub(crate) fn entry(
        &self,
        action: &str,
        target_type: &str,
        target_id: Option<String>,
        summary: serde_json::Value,
    ) -> NewAuditEntry {
        match self {
            Actor::User(ctx) => ctx.entry(action, target_type, target_id, summary),
            Actor::Operator => NewAuditEntry {
                actor_id: None,
                actor_name: crate::bootstrap::OPERATOR.into(),
                action: action.into(),
                outcome: jianfu_store::AuditOutcome::Ok,
                target_type: target_type.into(),
                target_id,
                summary,
                ip: None,
            },
        }
    }
}

/// Whether a registered plaque still hangs (stored as `as_str`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PlaqueStatus {
    Hanging,
    /// Taken down (removal recorded); kept in the registry as history.
    Removed,
}

impl PlaqueStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Hanging => "hanging",
            Self::Removed => "removed",
        }
    }
    pub fn label_zh(self) -> &'static str {
        match self {
            Self::Hanging => "悬挂中",
            Self::Removed => "已清理",
        }
    }
    /// The status of a stored row (anything but `removed` hangs).
    pub fn stored(s: &str) -> Self {
        if s == Self::Removed.as_str() {
            Self::Removed
        } else {
            Self::Hanging
        }
    }
}

/// How a removal task was closed (stored as `as_str`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Resolution {
    /// The plaque was taken down.
    Removed,
    /// The plaque was corrected and a recheck found it compliant.
    Corrected,
}

impl Resolution {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Removed => "removed",
            Self::Corrected => "corrected",
        }
    }
    pub fn label_zh(self) -> &'static str {
        match self {
            Self::Removed => "已清理",
            Self::Corrected => "已纠正（复核符合规定）",
        }
    }
    /// The resolution of a stored row (anything but `corrected` was a removal).
    pub fn stored(s: &str) -> Self {
        if s == Self::Corrected.as_str() {
            Self::Corrected
        } else {
            Self::Removed
        }
    }
}

/// Where a removal task stands (stored as `as_str`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TaskStatus {
    /// The plaque still has to come down (or be corrected) by the deadline.
    Open,
    /// Removal or correction recorded.
    Closed,
}

impl TaskStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Open => "open",
            Self::Closed => "closed",
        }
    }
    pub fn label_zh(self) -> &'static str {
        match self {
            Self::Open => "待清理",
            Self::Closed => "已办结",
        }
    }
    /// The status of a stored row (anything but `open` is closed).
    pub fn stored(s: &str) -> Self {
        if s == Self::Open.as_str() {
            Self::Open
        } else {
            Self::Closed
        }
    }
}

/// A count for pages and the export.
#[derive(Clone, Copy, Debug, Default, Serialize, PartialEq, Eq)]
pub struct Counts {
    pub hanging: u64,
    pub noncompliant: u64,
    pub open_tasks: u64,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn photos_are_checked_by_content_and_size() {
        use crate::upload::samples;
        assert_eq!(
            check_photo(&samples::png(), "photo").ok(),
            Some("image/png")
        );
        assert_eq!(
            check_photo(&samples::jpeg(), "photo").ok(),
            Some("image/jpeg")
        );
        let code = |b: &[u8]| check_photo(b, "photo").err().map(|e| e.code);
        assert_eq!(code(&samples::pdf()), Some("photo_not_image"));
        assert_eq!(code(b"GIF89a"), Some("photo_not_image"));
        assert_eq!(code(b""), Some("photo_not_image"));
        let mut big = samples::jpeg();
        big.resize(MAX_PHOTO_BYTES + 1, 0);
        assert_eq!(code(&big), Some("photo_too_large"));
        let mut max = samples::jpeg();
        max.resize(MAX_PHOTO_BYTES, 0);
        assert!(check_photo(&max, "photo").is_ok());
    }

    /// Found in issue 15: a photo was checked by its first bytes only, so a PNG signature
    /// followed by garbage was stored (and served) as image/png.
    #[test]
    fn a_photo_with_an_image_signature_and_garbage_is_refused_as_damaged() {
        let code = |b: &[u8]| check_photo(b, "photo").err().map(|e| e.code);
        assert_eq!(code(b"\x89PNG\r\n\x1a\n0000"), Some("photo_damaged"));
        assert_eq!(code(&[0xFF, 0xD8, 0xFF, 0xE0]), Some("photo_damaged"));
        let e = check_photo(b"\x89PNG\r\n\x1a\n0000", "photo")
            .err()
            .unwrap();
        assert!(e.message.contains("PNG 图片"), "{}", e.message);
        assert_eq!(e.field, Some("photo"));
    }

    #[test]
    fn kinds_round_trip() {
        for (k, _) in PLAQUE_KINDS {
            assert_eq!(parse_kind(k).map(kind_str), Some(k));
        }
        assert_eq!(parse_kind("other"), None);
    }
}
