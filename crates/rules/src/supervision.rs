//! Supervision (监督检查, item 5.3): what a rectification notice cites and when it falls due.
//!
//! | function | decides | clauses |
//! |---|---|---|
//! | [`notice_clauses`] | the clauses a rectification notice cites unless the supervisor names others | the finding's clause, 5.3-2 |
//! | [`rectification_due`] | the last day of a rectification deadline given in working days | 5.3-3 |
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
