//! Monitoring points (4.1-8): the checklist's findings, which months a point may answer, and
//! when an answer is missed — each boundary day pinned.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use jianfu_rules::Date;
use jianfu_rules::monitoring::{CheckItem, Month, MonthRefusal, answerable, missed};

fn date(s: &str) -> Date {
    Date::parse(s).unwrap()
}

fn month(s: &str) -> Month {
    Month::parse(s).unwrap()
}

#[test]
fn each_question_has_a_code_a_question_and_a_finding_under_its_clause() {
    let want = [
        ("certificates", "4.5-10", "relapse_certificates", "证明"),
        ("plaques", "4.4-5", "relapse_plaques", "牌子"),
        (
            "evaluations_or_forms",
            "4.3-2",
            "relapse_evaluations_or_forms",
            "考核评比",
        ),
        ("seconded", "4.7-3", "relapse_seconded", "借调"),
    ];
    assert_eq!(CheckItem::ALL.len(), want.len());
    for (item, (code, clause, finding, word)) in CheckItem::ALL.into_iter().zip(want) {
        assert_eq!(item.code(), code);
        assert_eq!(CheckItem::parse(code), Some(item));
        assert_eq!(item.clause().as_str(), clause);
        let f = item.finding();
        assert_eq!((f.clause.as_str(), f.code), (clause, finding));
        assert!(f.message.starts_with("监测点反映："), "{}", f.message);
        assert!(f.message.contains(word), "{}", f.message);
        assert!(item.question_zh().contains(word), "{}", item.question_zh());
        assert!(item.question_zh().starts_with("本月是否有"));
    }
    assert_eq!(CheckItem::parse("Plaques"), None);
    assert_eq!(CheckItem::parse(""), None);
}

#[test]
fn months_parse_strictly_and_know_their_days() {
    assert_eq!(month("2026-02").to_string(), "2026-02");
    assert_eq!(month("2026-02").first_day(), date("2026-02-01"));
    assert_eq!(month("2026-02").last_day(), date("2026-02-28"));
    assert_eq!(month("2028-02").last_day(), date("2028-02-29"));
    assert_eq!(month("2026-12").last_day(), date("2026-12-31"));
    assert_eq!(month("2026-04").last_day(), date("2026-04-30"));
    assert_eq!(month("2026-12").next(), month("2027-01"));
    assert_eq!(month("2026-01").next(), month("2026-02"));
    assert_eq!(month("2000-01").first_day(), date("2000-01-01"));
    assert_eq!(month("2999-12").last_day(), date("2999-12-31"));
    for bad in [
        "",
        "2026",
        "2026-13",
        "2026-00",
        "2026-1",
        "26-01",
        "2026-011",
        "2026/01",
        "1999-12",
        "3000-01",
        "+026-01",
        "2026-+1",
        "２０２６-01",
    ] {
        assert_eq!(Month::parse(bad), None, "{bad}");
    }
    assert_eq!(Month::of(date("2026-03-01")), month("2026-03"));
    assert_eq!(Month::of(date("2026-03-31")), month("2026-03"));
    assert_eq!(
        Month::of(date("2026-03-15")).first_day(),
        date("2026-03-01")
    );
    assert!(month("2026-03") < month("2026-04"));
    assert!(month("2025-12") < month("2026-01"));
}

#[test]
fn a_month_is_answerable_from_its_first_day_and_within_the_designation() {
    let designated = date("2026-03-20");
    // The month of the designation, from its first day, and later months once begun.
    assert_eq!(
        answerable(month("2026-03"), designated, date("2026-03-20")).map(|c| c.as_str()),
        Ok("4.1-8")
    );
    assert!(answerable(month("2026-04"), designated, date("2026-04-01")).is_ok());
    assert!(answerable(month("2026-03"), designated, date("2026-09-01")).is_ok());
    // Not before it begins.
    assert_eq!(
        answerable(month("2026-04"), designated, date("2026-03-31")),
        Err(MonthRefusal::InFuture)
    );
    // Not a month that ended before the designation.
    assert_eq!(
        answerable(month("2026-02"), designated, date("2026-03-31")),
        Err(MonthRefusal::BeforeDesignation)
    );
}

#[test]
fn an_answer_is_missed_the_day_after_its_month_ends() {
    let designated = date("2026-03-20");
    assert!(missed(month("2026-03"), designated, None, date("2026-03-31")).is_none());
    let r = missed(month("2026-03"), designated, None, date("2026-04-01")).unwrap();
    assert_eq!(
        (r.clause.as_str(), r.code),
        ("4.1-8", "monitoring_answer_missing")
    );
    assert_eq!(
        r.message,
        "监测点未按期报送 2026-03 月度监测情况（应于 2026-03-31 前报送）"
    );
    // A month before the designation is never missed.
    assert!(missed(month("2026-02"), designated, None, date("2026-09-01")).is_none());
    // An ended designation: its last month still counts, the next does not.
    let ended = Some(date("2026-05-10"));
    assert!(missed(month("2026-05"), designated, ended, date("2026-06-01")).is_some());
    assert!(missed(month("2026-06"), designated, ended, date("2026-07-01")).is_none());
}
