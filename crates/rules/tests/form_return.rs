//! Returns of an admitted report form: its periods per frequency, each boundary day of a
//! period's state, and which periods may be filled.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use jianfu_rules::Date;
use jianfu_rules::form_return::{
    LATE_DAYS, PeriodState, ReturnRefusal, collected_once_clause, fillable, period_state, periods,
};
use jianfu_rules::{Frequency, PeriodError};

fn d(s: &str) -> Date {
    Date::parse(s).unwrap()
}

fn spans(f: Frequency, start: &str, end: &str) -> Vec<(u32, String, String, String)> {
    periods(f, d(start), d(end))
        .unwrap()
        .iter()
        .map(|p| {
            assert_eq!(p.deadline, p.end);
            assert_eq!(p.closes, p.end.add_days(LATE_DAYS).unwrap());
            assert_eq!(p.key(), p.start.to_string());
            (
                p.index,
                p.start.to_string(),
                p.end.to_string(),
                p.closes.to_string(),
            )
        })
        .collect()
}

fn s(i: u32, a: &str, b: &str, c: &str) -> (u32, String, String, String) {
    (i, a.into(), b.into(), c.into())
}

#[test]
fn each_frequency_makes_its_whole_cycles() {
    assert_eq!(LATE_DAYS, 30);
    assert_eq!(
        spans(Frequency::Once, "2026-01-10", "2026-03-31"),
        vec![s(1, "2026-01-10", "2026-03-31", "2026-04-30")]
    );
    assert_eq!(
        spans(Frequency::Weekly, "2026-01-05", "2026-01-20"),
        vec![
            s(1, "2026-01-05", "2026-01-11", "2026-02-10"),
            s(2, "2026-01-12", "2026-01-18", "2026-02-17"),
        ]
    );
    assert_eq!(
        spans(Frequency::Monthly, "2026-01-01", "2026-03-31"),
        vec![
            s(1, "2026-01-01", "2026-01-31", "2026-03-02"),
            s(2, "2026-02-01", "2026-02-28", "2026-03-30"),
            s(3, "2026-03-01", "2026-03-31", "2026-04-30"),
        ]
    );
    // A month from the 31st: the shorter month ends on its last day.
    assert_eq!(
        spans(Frequency::Monthly, "2026-01-31", "2026-03-30"),
        vec![
            s(1, "2026-01-31", "2026-02-27", "2026-03-29"),
            s(2, "2026-02-28", "2026-03-30", "2026-04-29"),
        ]
    );
    assert_eq!(
        spans(Frequency::Quarterly, "2026-01-01", "2026-12-31"),
        vec![
            s(1, "2026-01-01", "2026-03-31", "2026-04-30"),
            s(2, "2026-04-01", "2026-06-30", "2026-07-30"),
            s(3, "2026-07-01", "2026-09-30", "2026-10-30"),
            s(4, "2026-10-01", "2026-12-31", "2027-01-30"),
        ]
    );
    assert_eq!(
        spans(Frequency::HalfYearly, "2026-01-01", "2026-12-31"),
        vec![
            s(1, "2026-01-01", "2026-06-30", "2026-07-30"),
            s(2, "2026-07-01", "2026-12-31", "2027-01-30"),
        ]
    );
    assert_eq!(
        spans(Frequency::Yearly, "2026-01-01", "2027-12-31"),
        vec![
            s(1, "2026-01-01", "2026-12-31", "2027-01-30"),
            s(2, "2027-01-01", "2027-12-31", "2028-01-30"),
        ]
    );
    // Days after the last whole cycle make no period.
    assert_eq!(
        spans(Frequency::Monthly, "2026-01-01", "2026-02-27"),
        vec![s(1, "2026-01-01", "2026-01-31", "2026-03-02")]
    );
    // A leap year: January 31 + 1 month = February 29.
    assert_eq!(
        spans(Frequency::Monthly, "2028-01-31", "2028-03-30")[1],
        s(2, "2028-02-29", "2028-03-30", "2028-04-29")
    );
}

#[test]
fn a_period_that_does_not_fit_is_refused() {
    assert_eq!(
        periods(Frequency::Weekly, d("2026-01-01"), d("2026-01-02")),
        Err(PeriodError::TooShort)
    );
    assert_eq!(
        periods(Frequency::Monthly, d("2026-02-01"), d("2026-01-01")),
        Err(PeriodError::Reversed)
    );
}

#[test]
fn each_boundary_day_of_a_period() {
    let p = periods(Frequency::Monthly, d("2026-01-01"), d("2026-01-31")).unwrap()[0];
    let table = [
        ("2025-12-31", false, PeriodState::NotYet),
        ("2025-12-31", true, PeriodState::NotYet),
        ("2026-01-01", false, PeriodState::Open),
        ("2026-01-31", false, PeriodState::Open),
        ("2026-02-01", false, PeriodState::Overdue),
        ("2026-02-01", true, PeriodState::Open),
        ("2026-03-02", false, PeriodState::Overdue),
        ("2026-03-02", true, PeriodState::Open),
        ("2026-03-03", false, PeriodState::Closed),
        ("2026-03-03", true, PeriodState::Closed),
    ];
    for (day, submitted, want) in table {
        assert_eq!(
            period_state(&p, d(day), submitted),
            want,
            "{day} {submitted}"
        );
    }
}

#[test]
fn only_a_begun_unclosed_period_of_the_form_is_fillable() {
    let ps = periods(Frequency::Monthly, d("2026-01-01"), d("2026-03-31")).unwrap();
    let table: [(&str, &str, Result<u32, ReturnRefusal>); 7] = [
        ("2026-01-01", "2026-01-01", Ok(1)),
        ("2026-01-01", "2026-03-02", Ok(1)),
        ("2026-01-01", "2026-03-03", Err(ReturnRefusal::Closed)),
        ("2026-02-01", "2026-01-31", Err(ReturnRefusal::NotDue)),
        ("2026-02-01", "2026-02-01", Ok(2)),
        (
            "2026-01-15",
            "2026-02-01",
            Err(ReturnRefusal::UnknownPeriod),
        ),
        (
            "2026-04-01",
            "2026-04-01",
            Err(ReturnRefusal::UnknownPeriod),
        ),
    ];
    for (key, day, want) in table {
        assert_eq!(
            fillable(&ps, key, d(day)).map(|p| p.index),
            want,
            "{key} {day}"
        );
    }
}

#[test]
fn refusals_have_codes_messages_and_the_clause() {
    let want = [
        (
            ReturnRefusal::UnknownPeriod,
            "return_period_unknown",
            "没有这个填报期",
        ),
        (ReturnRefusal::NotDue, "return_period_not_due", "尚未开始"),
        (ReturnRefusal::Closed, "return_period_closed", "已截止"),
    ];
    for (r, code, word) in want {
        assert_eq!(r.code(), code);
        assert!(r.message().contains(word), "{}", r.message());
        assert_eq!(r.clause().as_str(), "4.9-2");
    }
    assert_eq!(collected_once_clause().as_str(), "4.8-3");
}
