//! Supervision rules (5.3): what a rectification notice cites, and its due day on the official
//! holiday calendar.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use jianfu_rules::supervision::{
    BulletinRefusal, bulletin_line, bulletin_period, notice_clauses, rectification_due,
};
use jianfu_rules::{Calendar, CalendarError, ClauseId, Date};

fn date(s: &str) -> Date {
    Date::parse(s).unwrap()
}

fn ids(v: &[ClauseId]) -> Vec<&'static str> {
    v.iter().map(|c| c.as_str()).collect()
}

#[test]
fn a_notice_cites_the_finding_and_5_3_2_once_each() {
    for (finding, want) in [
        ("4.2-5", vec!["4.2-5", "5.3-2"]),
        ("4.1-5", vec!["4.1-5", "5.3-2"]),
        ("5.3-2", vec!["5.3-2"]),
    ] {
        let c = ClauseId::lookup(finding).unwrap();
        assert_eq!(ids(&notice_clauses(c)), want, "{finding}");
    }
}

#[test]
fn the_due_day_counts_working_days_after_the_day_of_issue() {
    let cal = Calendar::official().unwrap();
    for (issued, days, want) in [
        // A Friday: the weekend is skipped.
        ("2026-12-04", 1, "2026-12-07"),
        // A Saturday: the day of issue does not count, Sunday is a rest day.
        ("2026-12-05", 1, "2026-12-07"),
        ("2026-12-07", 10, "2026-12-21"),
        // Before the Spring Festival of 2027: Sunday 01-31 is a make-up workday (1), 02-01…02-04
        // (2–5), 02-05…02-13 the holiday, Sunday 02-14 a make-up workday (6), Monday 02-15 (7).
        ("2027-01-29", 7, "2027-02-15"),
        ("2027-01-29", 6, "2027-02-14"),
    ] {
        assert_eq!(
            rectification_due(cal, date(issued), days).unwrap(),
            date(want),
            "{issued} + {days}"
        );
    }
    // A deadline reaching into a year with no holiday file cannot be counted.
    assert!(matches!(
        rectification_due(cal, date("2027-12-20"), 60),
        Err(CalendarError::NotCovered { year: 2028 })
    ));
}

#[test]
fn a_bulletin_reports_a_period_that_is_over() {
    let today = date("2026-12-07");
    for (from, to, want) in [
        ("2026-11-01", "2026-11-30", Ok("5.3-3")),
        // One day, and a period ending today.
        ("2026-12-07", "2026-12-07", Ok("5.3-3")),
        ("2026-12-06", "2026-12-07", Ok("5.3-3")),
        (
            "2026-12-01",
            "2026-11-30",
            Err(BulletinRefusal::PeriodReversed),
        ),
        (
            "2026-12-01",
            "2026-12-08",
            Err(BulletinRefusal::PeriodNotOver),
        ),
        // Reversed wins over not over.
        (
            "2026-12-09",
            "2026-12-08",
            Err(BulletinRefusal::PeriodReversed),
        ),
    ] {
        let got = bulletin_period(date(from), date(to), today).map(|c| c.as_str());
        assert_eq!(got, want, "{from}–{to}");
    }
}

#[test]
fn a_bulletin_lists_cases_closed_in_its_period_only() {
    let (from, to) = (date("2026-11-01"), date("2026-11-30"));
    for (closed, want) in [
        (Some("2026-11-01"), Ok("5.3-3")),
        (Some("2026-11-15"), Ok("5.3-3")),
        (Some("2026-11-30"), Ok("5.3-3")),
        (
            Some("2026-10-31"),
            Err(BulletinRefusal::ClosedOutsidePeriod),
        ),
        (
            Some("2026-12-01"),
            Err(BulletinRefusal::ClosedOutsidePeriod),
        ),
        (None, Err(BulletinRefusal::CaseNotClosed)),
    ] {
        let got = bulletin_line(closed.map(date), from, to).map(|c| c.as_str());
        assert_eq!(got, want, "{closed:?}");
    }
}
