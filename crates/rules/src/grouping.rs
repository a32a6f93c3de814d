//! Supervision (监督检查, 5.3): whether a report is the same violation as a case already filed.
//!
//! | function | decides | clauses |
//! |---|---|---|
//! | [`same_violation`] | a report joins an open case, reopens a closed one, or stands apart | 5.3-2 (join), 5.3-3 (reopen) |
//! | [`title_similarity`] | how alike two titles are, in percent (character pairs) | — |
//!
//! The same violation is the same unit (its name, ignoring spaces and punctuation), a similar
//! title ([`title_similarity`] at least [`SIMILAR_PERCENT`]), a community in common and an
//! overlapping period. Reports of it are one case (加强监督检查, 5.3-2) that lists every report;
//! when the case is closed and the violation recurs after its closing, within
//! [`RECURRENCE_DAYS`], the case is reopened (督促整改, 5.3-3). How far apart two reports may
//! be ([`window_days`](CaseFacts::window_days)) is the product's decision, passed in.

use std::collections::BTreeSet;

use crate::clause;
use crate::clause::ClauseId;
use crate::date::Date;

/// Two titles at least this alike (percent of shared character pairs) name the same demand.
pub const SIMILAR_PERCENT: u32 = 60;

/// A closed case is reopened by a report of the same violation at most this many days after it
/// was closed; a later one is a new case.
pub const RECURRENCE_DAYS: i32 = 365;

/// What a new report says.
#[derive(Clone, Copy, Debug)]
pub struct ReportFacts<'a> {
    /// The unit that made the demand.
    pub unit: &'a str,
    /// What it demanded (the title or description).
    pub title: &'a str,
    /// The communities it concerns.
    pub communities: &'a [i64],
    /// The day it was reported.
    pub on: Date,
}

/// What a filed case says.
#[derive(Clone, Copy, Debug)]
pub struct CaseFacts<'a> {
    pub unit: &'a str,
    pub title: &'a str,
    /// The communities of its reports (and of the demand they name).
    pub communities: &'a [i64],
    /// The first and the last day a report of it came in.
    pub first: Date,
    pub last: Date,
    /// How many days after `last` a report still belongs to it.
    pub window_days: i32,
    /// The day it was closed; `None` while it is still being dealt with.
    pub closed_on: Option<Date>,
}

/// What becomes of the report.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Grouping {
    /// It is listed on the case, which goes on (5.3-2).
    Join,
    /// The closed case is reopened with it: the violation recurred (5.3-3).
    Reopen,
}

impl Grouping {
    /// The clause it applies.
    #[must_use]
    pub fn clause(self) -> ClauseId {
        match self {
            Self::Join => clause!("5.3-2"),
            Self::Reopen => clause!("5.3-3"),
        }
    }
}

/// Why a report is not the case's violation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Apart {
    /// Another unit made the demand.
    OtherUnit,
    /// The titles are not alike enough.
    OtherTitle,
    /// No community in common.
    OtherCommunities,
    /// Outside the case's period (before its first report, after its window, before its
    /// closing, or more than [`RECURRENCE_DAYS`] after it).
    OtherPeriod,
}

/// The characters that carry meaning: letters and digits (Chinese characters included),
/// lower-cased; spaces and punctuation dropped.
pub(crate) fn letters(s: &str) -> Vec<char> {
    s.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

/// The set of adjacent character pairs (a one-character text is its one character).
fn pairs(chars: &[char]) -> BTreeSet<(char, char)> {
    if chars.len() == 1 {
        return BTreeSet::from([(chars[0], chars[0])]);
    }
    chars.windows(2).map(|w| (w[0], w[1])).collect()
}

/// How alike two titles are: twice the character pairs they share over the pairs of both
/// (Dice's coefficient), in whole percent, rounded down. Spaces, punctuation and case do not
/// count; two empty titles are 0 % alike.
#[must_use]
pub fn title_similarity(a: &str, b: &str) -> u32 {
    let (a, b) = (pairs(&letters(a)), pairs(&letters(b)));
    let total = a.len() + b.len();
    if total == 0 {
        return 0;
    }
    let shared = a.intersection(&b).count();
    u32::try_from(shared * 200 / total).unwrap_or(100)
}

/// **5.3-2** 加强监督检查 / **5.3-3** 督促整改.
///
/// Whether `report` is the violation of `case`: the same unit (ignoring spaces and punctuation),
/// titles at least [`SIMILAR_PERCENT`] alike, a community in common, and a day in the case's
/// period. For a case being dealt with that period runs from its first report to `window_days`
/// after its last; the report then joins it ([`Grouping::Join`], 5.3-2). For a closed case it
/// runs from the day after its closing to [`RECURRENCE_DAYS`] after it: the violation recurred
/// and the case is reopened ([`Grouping::Reopen`], 5.3-3).
///
/// # Errors
/// The first [`Apart`] found, in the order unit, title, communities, period.
pub fn same_violation(report: &ReportFacts, case: &CaseFacts) -> Result<Grouping, Apart> {
    if letters(report.unit) != letters(case.unit) {
        return Err(Apart::OtherUnit);
    }
    if title_similarity(report.title, case.title) < SIMILAR_PERCENT {
        return Err(Apart::OtherTitle);
    }
    if !report
        .communities
        .iter()
        .any(|c| case.communities.contains(c))
    {
        return Err(Apart::OtherCommunities);
    }
    match case.closed_on {
        None => {
            let until = case.last.add_days(case.window_days);
            if report.on >= case.first && until.is_some_and(|u| report.on <= u) {
                Ok(Grouping::Join)
            } else {
                Err(Apart::OtherPeriod)
            }
        }
        Some(closed) => {
            let until = closed.add_days(RECURRENCE_DAYS);
            if report.on > closed && until.is_some_and(|u| report.on <= u) {
                Ok(Grouping::Reopen)
            } else {
                Err(Apart::OtherPeriod)
            }
        }
    }
}
