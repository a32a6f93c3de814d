//! Returns of an admitted report form (填表报数, issue 13 §3): which return periods a form's
//! frequency and period make, which of them are due by a day, each period's deadline, and
//! whether a return is overdue or its period closed.
//!
//! | function | decides | clauses |
//! |---|---|---|
//! | [`periods`] | the return periods of a form: whole cycles of its frequency from its first day | 4.9-2 |
//! | [`period_state`] | a period not yet open, open, overdue (deadline passed, not submitted) or closed | 4.9-2 |
//! | [`fillable`] | whether a return of a period may be saved or submitted today | 4.9-2, 4.8-3 |
//!
//! The policy names no deadline: the product's reading is that a period's return is open from
//! the period's first day, due by its last day (报送截止日 = 期末), overdue after that, and may
//! still be filled late — or corrected — for [`LATE_DAYS`] days more; then the period is closed
//! and nothing of it changes. A community fills only the periods the admitted frequency makes
//! (4.9-2 controls how often forms are filled), and a value it enters once pre-fills every later
//! form (4.8-3).

use crate::clause;
use crate::clause::ClauseId;
use crate::date::Date;
use crate::report_form::{Frequency, PeriodError, occurrences};

/// Days after a period's deadline during which a late return or a correction is still taken.
pub const LATE_DAYS: i32 = 30;

/// One return period of a form.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ReturnPeriod {
    /// 1 for the form's first period.
    pub index: u32,
    pub start: Date,
    pub end: Date,
    /// The last day the return is on time (the period's last day).
    pub deadline: Date,
    /// The last day a late return or a correction is taken.
    pub closes: Date,
}

impl ReturnPeriod {
    /// The stable key of the period: its first day (`YYYY-MM-DD`).
    #[must_use]
    pub fn key(&self) -> String {
        self.start.to_string()
    }
}

/// Where a period stands on a day.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PeriodState {
    /// Its first day is still to come.
    NotYet,
    /// Open and on time.
    Open,
    /// Its deadline has passed without a submitted return; still taken late.
    Overdue,
    /// Its last late day has passed: nothing of it changes.
    Closed,
}

/// `date` moved by `months` calendar months, the day kept or, where the month is shorter,
/// its last day (January 31 + 1 month = February 28 or 29).
fn add_months(date: Date, months: u32) -> Option<Date> {
    let total = i64::from(date.year()) * 12 + i64::from(date.month()) - 1 + i64::from(months);
    let year = i32::try_from(total.div_euclid(12)).ok()?;
    let month = u8::try_from(total.rem_euclid(12) + 1).ok()?;
    (28..=date.day())
        .rev()
        .find_map(|d| Date::new(year, month, d))
        .or_else(|| Date::new(year, month, date.day()))
}

/// The first day of cycle `i` (0-based) of `frequency` from `start`.
fn cycle_start(frequency: Frequency, start: Date, i: u32) -> Option<Date> {
    match frequency {
        Frequency::Once => (i == 0).then_some(start),
        Frequency::Weekly => start.add_days(i32::try_from(i).ok()?.checked_mul(7)?),
        Frequency::Monthly => add_months(start, i),
        Frequency::Quarterly => add_months(start, i.checked_mul(3)?),
        Frequency::HalfYearly => add_months(start, i.checked_mul(6)?),
        Frequency::Yearly => add_months(start, i.checked_mul(12)?),
    }
}

/// **4.9-2** The return periods of a form of `frequency` over `start..=end`: one for a one-off
/// form (the whole period), otherwise the whole cycles the period holds (as many as
/// [`occurrences`] counts), each from its first day to the day before the next one's. Days
/// after the last whole cycle make no period.
///
/// # Errors
/// The [`PeriodError`] of [`occurrences`] when the period does not fit the frequency.
pub fn periods(
    frequency: Frequency,
    start: Date,
    end: Date,
) -> Result<Vec<ReturnPeriod>, PeriodError> {
    let n = occurrences(frequency, start, end)?;
    let mut out = Vec::new();
    for i in 0..n {
        let (Some(first), next) = (
            cycle_start(frequency, start, i),
            cycle_start(frequency, start, i + 1),
        ) else {
            break;
        };
        let last = next.and_then(Date::previous_day).unwrap_or(end);
        let Some(closes) = last.add_days(LATE_DAYS) else {
            break;
        };
        out.push(ReturnPeriod {
            index: i + 1,
            start: first,
            end: last,
            deadline: last,
            closes,
        });
    }
    Ok(out)
}

/// **4.9-2** Where `period` stands on `today` for a community that has (`submitted`) or has not
/// submitted its return: not yet open before its first day; closed after its last late day;
/// overdue after its deadline while not submitted; open otherwise.
#[must_use]
pub fn period_state(period: &ReturnPeriod, today: Date, submitted: bool) -> PeriodState {
    if today < period.start {
        PeriodState::NotYet
    } else if today > period.closes {
        PeriodState::Closed
    } else if today > period.deadline && !submitted {
        PeriodState::Overdue
    } else {
        PeriodState::Open
    }
}

/// Why a return may not be filled.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ReturnRefusal {
    /// The key names no period of the form.
    UnknownPeriod,
    /// The period has not begun.
    NotDue,
    /// The period is closed.
    Closed,
}

impl ReturnRefusal {
    /// Stable code for the API.
    #[must_use]
    pub const fn code(self) -> &'static str {
        match self {
            Self::UnknownPeriod => "return_period_unknown",
            Self::NotDue => "return_period_not_due",
            Self::Closed => "return_period_closed",
        }
    }

    /// Chinese message for users.
    #[must_use]
    pub const fn message(self) -> &'static str {
        match self {
            Self::UnknownPeriod => "该报表没有这个填报期：只按准入的频度和期间填报",
            Self::NotDue => "该填报期尚未开始，不能填报",
            Self::Closed => "该填报期已截止（逾期补报期也已结束），不能再填报或更正",
        }
    }

    /// The clause the refusal applies.
    #[must_use]
    pub fn clause(self) -> ClauseId {
        clause!("4.9-2")
    }
}

/// **4.9-2** The period of `periods` whose key is `key`, if a return of it may be saved or
/// submitted on `today`: it exists, has begun and is not closed (late is allowed).
///
/// # Errors
/// [`ReturnRefusal::UnknownPeriod`], [`ReturnRefusal::NotDue`], [`ReturnRefusal::Closed`].
pub fn fillable(
    periods: &[ReturnPeriod],
    key: &str,
    today: Date,
) -> Result<ReturnPeriod, ReturnRefusal> {
    let p = periods
        .iter()
        .find(|p| p.key() == key)
        .ok_or(ReturnRefusal::UnknownPeriod)?;
    match period_state(p, today, false) {
        PeriodState::NotYet => Err(ReturnRefusal::NotDue),
        PeriodState::Closed => Err(ReturnRefusal::Closed),
        PeriodState::Open | PeriodState::Overdue => Ok(*p),
    }
}

/// **4.8-3** The clause under which a submitted value becomes the community's current value of
/// its data item and pre-fills every later form asking for it (数据一次采集).
#[must_use]
pub fn collected_once_clause() -> ClauseId {
    clause!("4.8-3")
}
