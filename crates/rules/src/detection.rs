//! Detectors on data (监督管理, 发现问题及时纠正, 4.1-8; issue 14 §2): what was cleared coming
//! back, found in the records themselves rather than reported.
//!
//! | function | decides | clauses |
//! |---|---|---|
//! | [`certificate_relapse`] | an application for a discontinued certificate type made after the type was discontinued | 4.5-12, 4.1-8 |
//! | [`plaque_relapse`] | a plaque registered with the name of a plaque removed earlier in the same unit | 4.1-2 (street, town) or 4.4-2 (community, village), 4.1-8 |
//! | [`demand_relapse`] | a demand whose title matches a demand of the same department that was revoked | 4.2-5, 4.1-8 |
//!
//! Each returns `None` when nothing matched, or a [`Relapse`]: the reasons (clause, code,
//! message) and, for titles, how alike they are. Which rows are compared (the same unit, the
//! same department) is the query's part; the dates and the likeness are decided here.

use std::borrow::Cow;

use crate::clause;
use crate::clause::ClauseId;
use crate::date::Date;
use crate::decision::Reason;
use crate::grouping::{SIMILAR_PERCENT, letters, title_similarity};

/// What a detector found: the reasons, in the order cited (the clause that cleared the thing
/// first, then 4.1-8's relapse), and the likeness of the names when names were compared.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Relapse {
    pub reasons: Vec<Reason>,
    /// Percent alike ([`title_similarity`]); 100 for the same name ignoring spaces and
    /// punctuation; `None` when no names were compared.
    pub similarity: Option<u32>,
}

impl Relapse {
    /// Every clause cited, in order.
    #[must_use]
    pub fn clauses(&self) -> Vec<ClauseId> {
        self.reasons.iter().map(|r| r.clause).collect()
    }
}

/// The reason of 4.1-8 every relapse carries: what was cleared is back, and the supervisors
/// are to correct it.
fn supervision(what: &str) -> Reason {
    Reason::new(
        clause!("4.1-8"),
        "relapse_detected",
        format!("{what}，清理规范后又出现，须监督管理、及时纠正"),
    )
}

/// **4.5-12** 不再保留的证明事项 / **4.1-8** 发现问题及时纠正.
///
/// An application received on `applied_on` for a type the catalogue discontinued on
/// `discontinued_on` is a relapse when it was received after that day (the day itself is
/// not: the type was still being taken off the catalogue).
#[must_use]
pub fn certificate_relapse(
    type_name: &str,
    discontinued_on: Date,
    applied_on: Date,
) -> Option<Relapse> {
    if applied_on <= discontinued_on {
        return None;
    }
    Some(Relapse {
        reasons: vec![
            Reason::new(
                clause!("4.5-12"),
                "discontinued_certificate_demanded",
                format!(
                    "“{type_name}”已于 {discontinued_on} 列入不再保留的证明事项，{applied_on} 仍有人申请出具"
                ),
            ),
            supervision("已取消的证明事项又被要求出具"),
        ],
        similarity: None,
    })
}

/// The kind of unit a plaque hangs on: streets and towns are cleared under 4.1, communities and
/// villages under 4.4.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PlaqueUnit {
    StreetOrTown,
    CommunityOrVillage,
}

impl PlaqueUnit {
    /// The clause the unit's plaques were cleared under.
    #[must_use]
    pub const fn clause(self) -> ClauseId {
        match self {
            PlaqueUnit::StreetOrTown => clause!("4.1-2"),
            PlaqueUnit::CommunityOrVillage => clause!("4.4-2"),
        }
    }
}

/// A plaque of the unit, as the detector compares it.
#[derive(Clone, Copy, Debug)]
pub struct PlaqueFacts<'a> {
    pub name: &'a str,
    /// The day it was registered (the new one) or removed (the old one).
    pub on: Date,
}

/// Whether two names are the same, ignoring spaces, punctuation and case (two names without
/// a letter or digit are not).
#[must_use]
pub fn same_name(a: &str, b: &str) -> bool {
    let la = letters(a);
    !la.is_empty() && la == letters(b)
}

/// **4.1-2** / **4.4-2** 清理规范挂牌 / **4.1-8** 发现问题及时纠正.
///
/// A plaque `registered` in a unit is the `removed` plaque back when its name is the same
/// (ignoring spaces and punctuation) or at least [`SIMILAR_PERCENT`] alike, it was registered
/// on or after the day the other was removed, and it is not itself on the list the unit may
/// hang (`compliant`: a plaque of the list replaced by a new one of the same name is no
/// relapse).
#[must_use]
pub fn plaque_relapse(
    unit: PlaqueUnit,
    registered: PlaqueFacts<'_>,
    compliant: bool,
    removed: PlaqueFacts<'_>,
) -> Option<Relapse> {
    if compliant || registered.on < removed.on {
        return None;
    }
    let same = same_name(registered.name, removed.name);
    let similarity = if same {
        100
    } else {
        title_similarity(registered.name, removed.name)
    };
    if similarity < SIMILAR_PERCENT {
        return None;
    }
    let how: Cow<'static, str> = if same {
        "同名".into()
    } else {
        format!("名称相似度 {similarity}%").into()
    };
    Some(Relapse {
        reasons: vec![
            Reason::new(
                unit.clause(),
                "removed_plaque_back",
                format!(
                    "“{}”与 {} 已清理的牌子“{}”{how}，于 {} 重新登记悬挂",
                    registered.name, removed.on, removed.name, registered.on
                ),
            ),
            supervision("已清理的牌子又挂回"),
        ],
        similarity: Some(similarity),
    })
}

/// A demand of a department, as the detector compares it.
#[derive(Clone, Copy, Debug)]
pub struct DemandFacts<'a> {
    pub title: &'a str,
    /// Its number (the revoked one's admission number), shown in the finding.
    pub number: &'a str,
    /// The day it was submitted (the new one) or revoked (the old one).
    pub on: Date,
}

/// **4.2-5** 未经准入的事项不得下派 / **4.1-8** 发现问题及时纠正.
///
/// A demand `submitted` by a department matches the `revoked` demand of the same department
/// when their titles are at least [`SIMILAR_PERCENT`] alike ([`title_similarity`], the
/// grouping threshold) and it was submitted on or after the day the other was revoked.
#[must_use]
pub fn demand_relapse(submitted: DemandFacts<'_>, revoked: DemandFacts<'_>) -> Option<Relapse> {
    if submitted.on < revoked.on {
        return None;
    }
    let similarity = title_similarity(submitted.title, revoked.title);
    if similarity < SIMILAR_PERCENT {
        return None;
    }
    Some(Relapse {
        reasons: vec![
            Reason::new(
                clause!("4.2-5"),
                "revoked_demand_back",
                format!(
                    "“{}”与 {} 已撤销的事项“{}”（编号 {}）标题相似度 {similarity}%，于 {} 再次提交",
                    submitted.title, revoked.on, revoked.title, revoked.number, submitted.on
                ),
            ),
            supervision("已撤销的事项又被下派"),
        ],
        similarity: Some(similarity),
    })
}
