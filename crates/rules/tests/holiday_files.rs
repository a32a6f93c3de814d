//! The holiday file is uploaded by an administrator (`/admin/holidays`): hostile inputs and
//! bounded property-based fuzzing (stable Rust, part of `cargo test`) of its parser. Whatever
//! the text (the domain accepts at most 64 KB), [`HolidayCalendar::parse`] answers with a
//! calendar or a [`CalendarError`], never a panic or a stack overflow, and quickly.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::time::{Duration, Instant};

use jianfu_rules::{Calendar, HolidayCalendar};
use proptest::prelude::*;

const Y2026: &str = include_str!("../../../data/holidays/2026.toml");
/// The largest file the domain passes to the parser.
const MAX_FILE: usize = 64 * 1024;

fn answered_quickly(text: &str) -> Result<HolidayCalendar, String> {
    let started = Instant::now();
    let result = HolidayCalendar::parse(text).map_err(|e| e.code().to_owned());
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "{} bytes took {:?}",
        text.len(),
        started.elapsed()
    );
    result
}

#[test]
fn deeply_nested_arrays_and_tables_are_refused_without_overflowing_the_stack() {
    let depth = MAX_FILE / 2 - 16;
    let arrays = format!("x = {}{}", "[".repeat(depth), "]".repeat(depth));
    assert!(answered_quickly(&arrays).is_err());
    let tables = format!("x = {}{}", "{a=".repeat(depth / 3), "}".repeat(depth / 3));
    assert!(answered_quickly(&tables[..MAX_FILE.min(tables.len())]).is_err());
    let keys = format!("{} = 1", vec!["a"; depth].join("."));
    assert!(answered_quickly(&keys).is_err());
}

#[test]
fn a_holiday_spanning_the_whole_year_or_thousands_of_workdays_is_answered() {
    let long = "year = 2026\nreference = \"r\"\n[[holiday]]\nname = \"全年\"\nfrom = \"2026-01-01\"\nto = \"2026-12-31\"\n";
    if let Ok(y) = answered_quickly(long) {
        // Counting on it terminates too.
        let cal = Calendar::new(vec![y]).unwrap();
        let _ = cal.is_working_day(jianfu_rules::Date::parse("2026-06-01").unwrap());
    }
    let mut many = String::from("year = 2026\nreference = \"r\"\n");
    for i in 0..2_000 {
        many.push_str(&format!(
            "[[holiday]]\nname = \"节{i}\"\nfrom = \"2026-01-01\"\nto = \"2026-01-01\"\n"
        ));
    }
    many.truncate(MAX_FILE);
    assert!(answered_quickly(&many).is_err());
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn any_text_is_answered(text in "\\PC{0,400}") {
        let _ = answered_quickly(&text);
    }

    #[test]
    fn the_official_file_with_bytes_changed_is_answered(
        changes in prop::collection::vec((any::<prop::sample::Index>(), any::<char>()), 1..6),
    ) {
        let mut chars: Vec<char> = Y2026.chars().collect();
        for (at, c) in changes {
            let i = at.index(chars.len());
            chars[i] = c;
        }
        let text: String = chars.into_iter().collect();
        if let Ok(y) = answered_quickly(&text) {
            prop_assert_eq!(y.year(), 2026);
        }
    }
}
