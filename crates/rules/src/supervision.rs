//! Supervision (监督检查, item 5.3): what a rectification notice cites and when it falls due.
//!
//! | function | decides | clauses |
//! |---|---|---|
//! | [`notice_clauses`] | the clauses a rectification notice cites unless the supervisor names others | the finding's clause, 5.3-2 |
//! | [`rectification_due`] | the last day of a rectification deadline given in working days | 5.3-3 |
//! | [`bulletin_period`] | whether a bulletin's period is one that has passed | 5.3-3 |
//! | [`bulletin_line`] | whether a case may be a line of a bulletin of a period | 5.3-3 |
//!
//! The policy names no length for a rectification deadline: the longest a notice may give is
//! the product's decision (the domain's `MAX_DEADLINE_DAYS`), not a rule of this crate.

use crate::calendar::{Calendar, CalendarError};
use crate::certificate::Processing;
use crate::clause;
use crate::clause::ClauseId;
use crate::date::Date;

/// **5.3-2** 各区(市、县)要把街道(乡镇)社区(村)减负工作纳入街道(乡镇)及各部门的评议考核体系,加强监督检查。
///
/// A notice cites the clause the verified case found broken (4.2-5 for a demand without
/// admission, 4.1-5 for an overdue temporary plaque) and the supervision it comes from, 5.3-2;
/// each once.
#[must_use]
pub fn notice_clauses(finding: ClauseId) -> Vec<ClauseId> {
    let supervision = clause!("5.3-2");
    if finding == supervision {
        vec![supervision]
    } else {
        vec![finding, supervision]
    }
}

/// **5.3-3** 对工作不到位的,及时进行通报批评并督促整改。
///
/// 督促整改: the unit is given `working_days` to rectify, counted as certificate time limits are
/// ([`Calendar::due_date`]): the day the notice is issued does not count, rest days are
/// skipped and make-up workdays count. The due day is the last working day of the deadline.
///
/// # Errors
/// [`CalendarError::NotCovered`] when a day counted falls in a year with no holiday file.
pub fn rectification_due(
    calendar: &Calendar,
    issued_on: Date,
    working_days: u8,
) -> Result<Date, CalendarError> {
    calendar.due_date(issued_on, Processing::WorkingDays(working_days))
}

/// Why a bulletin's period or one of its cases is refused (5.3-3).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BulletinRefusal {
    /// The period ends before it begins.
    PeriodReversed,
    /// The period ends after today: a bulletin reports what has been done (及时通报), not what
    /// may still happen.
    PeriodNotOver,
    /// The case is not closed (办结): only finished cases are reported, with their outcome.
    CaseNotClosed,
    /// The case was closed outside the period.
    ClosedOutsidePeriod,
}

/// **5.3-3** 对工作不到位的,及时进行通报批评并督促整改。
///
/// A bulletin (通报) reports the cases of a period that is over: from `from` to `to`, both
/// days included, with `to` no later than `today`. Returns the clause it applies.
///
/// # Errors
/// [`BulletinRefusal::PeriodReversed`] when `to` is before `from`;
/// [`BulletinRefusal::PeriodNotOver`] when `to` is after `today`.
pub fn bulletin_period(from: Date, to: Date, today: Date) -> Result<ClauseId, BulletinRefusal> {
    if to < from {
        Err(BulletinRefusal::PeriodReversed)
    } else if to > today {
        Err(BulletinRefusal::PeriodNotOver)
    } else {
        Ok(clause!("5.3-3"))
    }
}

/// **5.3-3** 对工作不到位的,及时进行通报批评并督促整改。
///
/// A case is a line of the bulletin of `from`–`to` (both included) when it was closed
/// (`closed_on`, `None` while it is not) on a day of the period: the bulletin names the unit
/// found wanting together with its rectification, so an unfinished case is not reported yet.
/// Returns the clause it applies.
///
/// # Errors
/// [`BulletinRefusal::CaseNotClosed`] or [`BulletinRefusal::ClosedOutsidePeriod`].
pub fn bulletin_line(
    closed_on: Option<Date>,
    from: Date,
    to: Date,
) -> Result<ClauseId, BulletinRefusal> {
    match closed_on {
        None => Err(BulletinRefusal::CaseNotClosed),
        Some(d) if d < from || d > to => Err(BulletinRefusal::ClosedOutsidePeriod),
        Some(_) => Ok(clause!("5.3-3")),
    }
}
