//! Grouping reports of the same violation into one case, and reopening a closed one (5.3-2, 5.3-3).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use jianfu_rules::Date;
use jianfu_rules::grouping::{
    Apart, CaseFacts, Grouping, RECURRENCE_DAYS, ReportFacts, SIMILAR_PERCENT, same_violation,
    title_similarity,
};

fn date(s: &str) -> Date {
    Date::parse(s).unwrap()
}

const TITLE: &str = "要求社区每周报送创城工作台账";

fn case(closed_on: Option<&str>) -> CaseFacts<'static> {
    CaseFacts {
        unit: "铁东区文明办",
        title: TITLE,
        communities: &[10, 11],
        first: date("2026-03-01"),
        last: date("2026-03-10"),
        window_days: 30,
        closed_on: closed_on.map(date),
    }
}

fn report<'a>(unit: &'a str, title: &'a str, communities: &'a [i64], on: &str) -> ReportFacts<'a> {
    ReportFacts {
        unit,
        title,
        communities,
        on: date(on),
    }
}

#[test]
fn the_constants_are_the_documented_ones() {
    assert_eq!(SIMILAR_PERCENT, 60);
    assert_eq!(RECURRENCE_DAYS, 365);
}

#[test]
fn similarity_counts_shared_character_pairs() {
    for (a, b, want) in [
        // The same title, with spaces and punctuation and case ignored.
        (TITLE, TITLE, 100),
        ("要求社区 每周报送，创城工作台账！", TITLE, 100),
        ("ABC", "abc", 100),
        // "ab","bc" vs "ab","bd": 2·1/4.
        ("abc", "abd", 50),
        // "ab","bc","cd" vs "ab","bc","ce": 2·2/6 = 66.6 → 66 (rounded down).
        ("abcd", "abce", 66),
        // One pair of five shared: 2·1/(3+2) = 40.
        ("abcd", "abx", 40),
        // A one-character title is its one character.
        ("a", "a", 100),
        ("a", "b", 0),
        ("a", "ab", 0),
        // Nothing in common, nothing at all.
        ("abc", "xyz", 0),
        ("", "", 0),
        ("，。", "abc", 0),
        // Repeated pairs count once.
        ("aaaa", "aa", 100),
    ] {
        assert_eq!(title_similarity(a, b), want, "{a} / {b}");
        assert_eq!(title_similarity(b, a), want, "{b} / {a}");
    }
    // A reworded report of the same demand is alike; another demand is not.
    assert!(title_similarity("要求社区每周报送创城台账", TITLE) >= SIMILAR_PERCENT);
    assert!(title_similarity("要求社区填报防汛物资统计表", TITLE) < SIMILAR_PERCENT);
}

#[test]
fn the_threshold_is_inclusive() {
    // "abcdef" vs "abcdxy": pairs ab bc cd de ef / ab bc cd dx xy → 2·3/10 = 60.
    assert_eq!(title_similarity("abcdef", "abcdxy"), 60);
    let c = CaseFacts {
        title: "abcdef",
        ..case(None)
    };
    assert_eq!(
        same_violation(&report("铁东区文明办", "abcdxy", &[10], "2026-03-05"), &c),
        Ok(Grouping::Join)
    );
    // "abcdef" vs "abcxyz": 2·2/10 = 40.
    assert_eq!(
        same_violation(&report("铁东区文明办", "abcxyz", &[10], "2026-03-05"), &c),
        Err(Apart::OtherTitle)
    );
    // 59 %: "abcdefghijklmnopqrstuvwxyz" style boundary — 2·s/t just under 60.
    // "abcdefghij" (9 pairs) vs "abcdefgxyz" (9 pairs): shares ab…fg = 6 → 2·6/18 = 66;
    // "abcdefghijk" (10) vs "abcdefgxyzw" (10): 6 shared → 60; "abcdefghijkl" (11) vs
    // "abcdefgxyzwv" (11): 6 shared → 54.
    assert_eq!(title_similarity("abcdefghijk", "abcdefgxyzw"), 60);
    assert_eq!(title_similarity("abcdefghijkl", "abcdefgxyzwv"), 54);
    let c = CaseFacts {
        title: "abcdefghijkl",
        ..case(None)
    };
    assert_eq!(
        same_violation(
            &report("铁东区文明办", "abcdefgxyzwv", &[10], "2026-03-05"),
            &c
        ),
        Err(Apart::OtherTitle)
    );
}

#[test]
fn a_report_joins_a_case_being_dealt_with_within_its_period() {
    let c = case(None);
    for (on, want) in [
        ("2026-02-28", Err(Apart::OtherPeriod)),
        ("2026-03-01", Ok(Grouping::Join)),
        ("2026-03-05", Ok(Grouping::Join)),
        ("2026-03-10", Ok(Grouping::Join)),
        // Thirty days after the last report is the last day of the window.
        ("2026-04-09", Ok(Grouping::Join)),
        ("2026-04-10", Err(Apart::OtherPeriod)),
    ] {
        assert_eq!(
            same_violation(&report("铁东区文明办", TITLE, &[11], on), &c),
            want,
            "{on}"
        );
    }
}

#[test]
fn a_report_after_closing_reopens_the_case_within_a_year() {
    let c = case(Some("2026-05-01"));
    for (on, want) in [
        // Before or on the day it closed: not a recurrence (and no longer joinable).
        ("2026-03-05", Err(Apart::OtherPeriod)),
        ("2026-05-01", Err(Apart::OtherPeriod)),
        ("2026-05-02", Ok(Grouping::Reopen)),
        // 365 days after closing is the last day.
        ("2027-05-01", Ok(Grouping::Reopen)),
        ("2027-05-02", Err(Apart::OtherPeriod)),
    ] {
        assert_eq!(
            same_violation(&report("铁东区文明办", TITLE, &[10], on), &c),
            want,
            "{on}"
        );
    }
}

#[test]
fn the_unit_title_and_communities_must_match_in_that_order() {
    let c = case(None);
    for (unit, title, communities, want) in [
        // The unit's name ignores spaces and punctuation, not its words.
        ("铁东区 文明办", TITLE, &[10][..], Ok(Grouping::Join)),
        ("铁东区文明办。", TITLE, &[10][..], Ok(Grouping::Join)),
        ("铁西区文明办", TITLE, &[10][..], Err(Apart::OtherUnit)),
        ("铁西区文明办", "别的事项", &[99][..], Err(Apart::OtherUnit)),
        (
            "铁东区文明办",
            "要求社区填报防汛物资统计表",
            &[10][..],
            Err(Apart::OtherTitle),
        ),
        (
            "铁东区文明办",
            "要求社区填报防汛物资统计表",
            &[99][..],
            Err(Apart::OtherTitle),
        ),
        (
            "铁东区文明办",
            TITLE,
            &[99][..],
            Err(Apart::OtherCommunities),
        ),
        ("铁东区文明办", TITLE, &[][..], Err(Apart::OtherCommunities)),
        // One community in common is enough.
        ("铁东区文明办", TITLE, &[99, 11][..], Ok(Grouping::Join)),
    ] {
        assert_eq!(
            same_violation(&report(unit, title, communities, "2026-03-05"), &c),
            want,
            "{unit} {title} {communities:?}"
        );
    }
    // The order: a report outside the period with another title is refused for its title.
    assert_eq!(
        same_violation(&report("铁东区文明办", "别的事项", &[10], "2030-01-01"), &c),
        Err(Apart::OtherTitle)
    );
    assert_eq!(
        same_violation(&report("铁东区文明办", TITLE, &[99], "2030-01-01"), &c),
        Err(Apart::OtherCommunities)
    );
}

#[test]
fn each_grouping_cites_its_clause() {
    assert_eq!(Grouping::Join.clause().as_str(), "5.3-2");
    assert_eq!(Grouping::Reopen.clause().as_str(), "5.3-3");
}

#[test]
fn a_window_past_the_calendar_stands_apart() {
    // A window that leaves the calendar's range cannot be satisfied.
    let c = CaseFacts {
        window_days: i32::MAX,
        ..case(None)
    };
    assert_eq!(
        same_violation(&report("铁东区文明办", TITLE, &[10], "2026-03-05"), &c),
        Err(Apart::OtherPeriod)
    );
}
