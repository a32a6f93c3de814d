//! Working days on the holiday calendar (4.5-9 time limits) as tables: due dates across the
//! Spring Festival and National Day with their make-up days, weekend receipt, the year boundary
//! and uncovered years; and the holiday file's validation, one broken file per kind of mistake.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use jianfu_rules::{Calendar, CalendarError, Date, HolidayCalendar, Processing, Weekday};

const Y2026: &str = include_str!("../../../data/holidays/2026.toml");
const Y2027: &str = include_str!("../../../data/holidays/2027.toml");

fn date(s: &str) -> Date {
    Date::parse(s).unwrap()
}

fn official() -> &'static Calendar {
    Calendar::official().unwrap()
}

use Processing::{SameDay, WorkingDays};

// The official data.

/// The 2026 file says what the State Council notice says, day by day.
#[test]
fn official_2026_matches_the_notice() {
    let y = HolidayCalendar::parse(Y2026).unwrap();
    assert_eq!(y.year(), 2026);
    assert!(!y.provisional());
    assert!(
        y.reference().contains("国办发明电〔2025〕7号"),
        "{}",
        y.reference()
    );
    type Row = (
        &'static str,
        &'static str,
        &'static str,
        u32,
        &'static [&'static str],
    );
    let want: &[Row] = &[
        ("元旦", "2026-01-01", "2026-01-03", 3, &["2026-01-04"]),
        (
            "春节",
            "2026-02-15",
            "2026-02-23",
            9,
            &["2026-02-14", "2026-02-28"],
        ),
        ("清明节", "2026-04-04", "2026-04-06", 3, &[]),
        ("劳动节", "2026-05-01", "2026-05-05", 5, &["2026-05-09"]),
        ("端午节", "2026-06-19", "2026-06-21", 3, &[]),
        ("中秋节", "2026-09-25", "2026-09-27", 3, &[]),
        (
            "国庆节",
            "2026-10-01",
            "2026-10-07",
            7,
            &["2026-09-20", "2026-10-10"],
        ),
    ];
    assert_eq!(y.holidays().len(), want.len());
    for (h, (name, from, to, days, workdays)) in y.holidays().iter().zip(want) {
        assert_eq!(h.name, *name);
        assert_eq!((h.from, h.to), (date(from), date(to)), "{name}");
        assert_eq!(h.days(), *days, "{name}");
        let wd: Vec<Date> = workdays.iter().map(|s| date(s)).collect();
        assert_eq!(h.workdays, wd, "{name}");
    }
    // The weekdays the notice prints beside each date.
    let weekdays: &[(&str, Weekday)] = &[
        ("2026-01-01", Weekday::Thursday),
        ("2026-01-03", Weekday::Saturday),
        ("2026-01-04", Weekday::Sunday),
        ("2026-02-14", Weekday::Saturday),
        ("2026-02-15", Weekday::Sunday),
        ("2026-02-23", Weekday::Monday),
        ("2026-02-28", Weekday::Saturday),
        ("2026-04-04", Weekday::Saturday),
        ("2026-04-06", Weekday::Monday),
        ("2026-05-01", Weekday::Friday),
        ("2026-05-05", Weekday::Tuesday),
        ("2026-05-09", Weekday::Saturday),
        ("2026-06-19", Weekday::Friday),
        ("2026-06-21", Weekday::Sunday),
        ("2026-09-20", Weekday::Sunday),
        ("2026-09-25", Weekday::Friday),
        ("2026-09-27", Weekday::Sunday),
        ("2026-10-01", Weekday::Thursday),
        ("2026-10-07", Weekday::Wednesday),
        ("2026-10-10", Weekday::Saturday),
    ];
    for (d, w) in weekdays {
        assert_eq!(date(d).weekday(), *w, "{d}");
    }
}

/// 2027 is provisional and says so; it is still a valid, complete year.
#[test]
fn official_2027_is_provisional() {
    let y = HolidayCalendar::parse(Y2027).unwrap();
    assert_eq!(y.year(), 2027);
    assert!(y.provisional());
    assert!(
        y.reference()
            .contains("暂按农历推算，国务院通知发布后须替换"),
        "{}",
        y.reference()
    );
    let names: Vec<&str> = y.holidays().iter().map(|h| h.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "元旦",
            "春节",
            "清明节",
            "劳动节",
            "端午节",
            "中秋节",
            "国庆节"
        ]
    );
    // The lunar festival days fall inside their holidays.
    for (name, day) in [
        ("春节", "2027-02-06"),
        ("春节", "2027-02-05"), // 除夕, a statutory day since 2025
        ("清明节", "2027-04-05"),
        ("端午节", "2027-06-09"),
        ("中秋节", "2027-09-15"),
    ] {
        let h = y.holidays().iter().find(|h| h.name == name).unwrap();
        assert!(h.contains(date(day)), "{name} {day}");
    }
    let cal = official();
    assert!(cal.is_provisional(2027));
    assert!(!cal.is_provisional(2026));
    assert!(!cal.is_provisional(2028), "not loaded is not provisional");
    assert_eq!(cal.year(2027).unwrap().reference(), y.reference());
}

#[test]
fn official_calendar_covers_2026_and_2027_only() {
    let cal = official();
    let years: Vec<i32> = cal.years().iter().map(HolidayCalendar::year).collect();
    assert_eq!(years, [2026, 2027]);
    for (year, covered) in [(2025, false), (2026, true), (2027, true), (2028, false)] {
        assert_eq!(cal.covers(year), covered, "{year}");
    }
}

/// Working days per year, counted independently of `working_days_between`.
#[test]
fn working_days_per_year() {
    let cal = official();
    for (year, want, rest) in [(2026, 248, 117), (2027, 248, 117)] {
        let mut day = Date::new(year, 1, 1).unwrap();
        let (mut working, mut resting) = (0, 0);
        while day.year() == year {
            if cal.is_working_day(day).unwrap() {
                working += 1;
            } else {
                resting += 1;
            }
            day = day.next_day().unwrap();
        }
        assert_eq!((working, resting), (want, rest), "{year}");
        let first = Date::new(year, 1, 1).unwrap().previous_day().unwrap();
        let last = Date::new(year, 12, 31).unwrap();
        if cal.covers(year - 1) {
            assert_eq!(cal.working_days_between(first, last).unwrap(), want);
        }
    }
}

#[test]
fn is_working_day_table() {
    let cal = official();
    let cases: &[(&str, Result<bool, i32>, &str)] = &[
        ("2026-01-01", Ok(false), "元旦 on a Thursday"),
        ("2026-01-04", Ok(true), "make-up Sunday"),
        ("2026-01-05", Ok(true), "ordinary Monday"),
        ("2026-01-10", Ok(false), "ordinary Saturday"),
        (
            "2026-02-14",
            Ok(true),
            "make-up Saturday before the Spring Festival",
        ),
        ("2026-02-16", Ok(false), "Spring Festival Monday"),
        ("2026-02-23", Ok(false), "last day of the Spring Festival"),
        ("2026-02-24", Ok(true), "first day back"),
        (
            "2026-02-28",
            Ok(true),
            "make-up Saturday after the Spring Festival",
        ),
        ("2026-03-01", Ok(false), "Sunday after the make-up Saturday"),
        ("2026-04-06", Ok(false), "清明 Monday"),
        ("2026-05-09", Ok(true), "make-up Saturday after 劳动节"),
        ("2026-09-20", Ok(true), "make-up Sunday before National Day"),
        ("2026-10-07", Ok(false), "National Day Wednesday"),
        (
            "2026-10-10",
            Ok(true),
            "make-up Saturday after National Day",
        ),
        ("2026-12-31", Ok(true), "Thursday"),
        ("2027-01-01", Ok(false), "元旦 2027 (provisional)"),
        ("2027-01-31", Ok(true), "make-up Sunday 2027 (provisional)"),
        ("2027-06-09", Ok(false), "端午 2027 on a Wednesday"),
        ("2025-12-31", Err(2025), "no 2025 file"),
        ("2028-01-03", Err(2028), "no 2028 file"),
    ];
    for (d, want, name) in cases {
        let got = cal.is_working_day(date(d)).map_err(|e| match e {
            CalendarError::NotCovered { year } => year,
            other => panic!("{name}: {other:?}"),
        });
        assert_eq!(got, *want, "{d}: {name}");
    }
    assert_eq!(
        cal.holiday_on(date("2026-02-20")).map(|h| h.name.as_str()),
        Some("春节")
    );
    assert_eq!(cal.holiday_on(date("2026-02-14")), None);
    assert_eq!(cal.holiday_on(date("2026-01-05")), None);
    assert_eq!(cal.holiday_on(date("2020-01-01")), None);
}

#[test]
fn due_date_table() {
    let cal = official();
    // (case, received, processing, due or the uncovered year)
    let cases: &[(&str, &str, Processing, Result<&str, i32>)] = &[
        // Same day.
        (
            "same day on a working day",
            "2026-03-04",
            SameDay,
            Ok("2026-03-04"),
        ),
        (
            "same day on a Saturday",
            "2026-03-07",
            SameDay,
            Ok("2026-03-09"),
        ),
        (
            "same day on a Sunday",
            "2026-03-08",
            SameDay,
            Ok("2026-03-09"),
        ),
        (
            "same day on a make-up Saturday",
            "2026-02-14",
            SameDay,
            Ok("2026-02-14"),
        ),
        (
            "same day in the Spring Festival",
            "2026-02-15",
            SameDay,
            Ok("2026-02-24"),
        ),
        (
            "same day on the Festival's last day",
            "2026-02-23",
            SameDay,
            Ok("2026-02-24"),
        ),
        (
            "same day on National Day",
            "2026-10-01",
            SameDay,
            Ok("2026-10-08"),
        ),
        (
            "WorkingDays(0) is same day",
            "2026-10-03",
            WorkingDays(0),
            Ok("2026-10-08"),
        ),
        (
            "same day on 元旦 with a make-up Sunday",
            "2026-01-02",
            SameDay,
            Ok("2026-01-04"),
        ),
        // Ordinary weeks.
        (
            "1 day, Monday",
            "2026-03-02",
            WorkingDays(1),
            Ok("2026-03-03"),
        ),
        (
            "1 day, Friday",
            "2026-03-06",
            WorkingDays(1),
            Ok("2026-03-09"),
        ),
        (
            "5 days, Monday",
            "2026-03-02",
            WorkingDays(5),
            Ok("2026-03-09"),
        ),
        (
            "received Saturday, 1 day",
            "2026-03-07",
            WorkingDays(1),
            Ok("2026-03-09"),
        ),
        (
            "received Sunday, 1 day",
            "2026-03-08",
            WorkingDays(1),
            Ok("2026-03-09"),
        ),
        (
            "received Sunday, 3 days",
            "2026-03-08",
            WorkingDays(3),
            Ok("2026-03-11"),
        ),
        (
            "20 days across 清明",
            "2026-03-30",
            WorkingDays(20),
            Ok("2026-04-28"),
        ),
        // Spring Festival: 02-14 (Sat) and 02-28 (Sat) are working days, 02-15 … 02-23 rest.
        (
            "Friday before, 1 day: the make-up Saturday",
            "2026-02-13",
            WorkingDays(1),
            Ok("2026-02-14"),
        ),
        (
            "Friday before, 2 days: over the Festival",
            "2026-02-13",
            WorkingDays(2),
            Ok("2026-02-24"),
        ),
        (
            "Friday before, 5 days",
            "2026-02-13",
            WorkingDays(5),
            Ok("2026-02-27"),
        ),
        (
            "Friday before, 6 days: the second make-up Saturday",
            "2026-02-13",
            WorkingDays(6),
            Ok("2026-02-28"),
        ),
        (
            "Friday before, 7 days",
            "2026-02-13",
            WorkingDays(7),
            Ok("2026-03-02"),
        ),
        (
            "received on the make-up Saturday, 1 day",
            "2026-02-14",
            WorkingDays(1),
            Ok("2026-02-24"),
        ),
        (
            "received in the Festival, 1 day",
            "2026-02-18",
            WorkingDays(1),
            Ok("2026-02-24"),
        ),
        (
            "received in the Festival, 10 days",
            "2026-02-18",
            WorkingDays(10),
            Ok("2026-03-06"),
        ),
        // National Day: 09-20 (Sun) and 10-10 (Sat) working, 09-25 … 09-27 中秋, 10-01 … 10-07.
        (
            "Friday before the make-up Sunday, 1 day",
            "2026-09-18",
            WorkingDays(1),
            Ok("2026-09-20"),
        ),
        (
            "Thursday before 中秋, 1 day",
            "2026-09-24",
            WorkingDays(1),
            Ok("2026-09-28"),
        ),
        (
            "Wednesday before National Day, 1 day",
            "2026-09-30",
            WorkingDays(1),
            Ok("2026-10-08"),
        ),
        (
            "Wednesday before National Day, 3 days: the make-up Saturday",
            "2026-09-30",
            WorkingDays(3),
            Ok("2026-10-10"),
        ),
        (
            "Wednesday before National Day, 4 days",
            "2026-09-30",
            WorkingDays(4),
            Ok("2026-10-12"),
        ),
        (
            "received on National Day, 2 days",
            "2026-10-05",
            WorkingDays(2),
            Ok("2026-10-09"),
        ),
        (
            "two weeks through 中秋 and National Day",
            "2026-09-21",
            WorkingDays(10),
            Ok("2026-10-12"),
        ),
        // Year boundary 2026 → 2027 (2027 provisional: 元旦 01-01 … 01-03).
        (
            "New Year's Eve, 1 day",
            "2026-12-31",
            WorkingDays(1),
            Ok("2027-01-04"),
        ),
        (
            "last Monday of 2026, 5 days",
            "2026-12-28",
            WorkingDays(5),
            Ok("2027-01-05"),
        ),
        (
            "same day on 2027 元旦",
            "2027-01-02",
            SameDay,
            Ok("2027-01-04"),
        ),
        (
            "received before the 2026 file, counted inside it",
            "2025-12-31",
            WorkingDays(1),
            Ok("2026-01-04"),
        ),
        // Not covered.
        ("same day in 2025", "2025-12-31", SameDay, Err(2025)),
        ("received in 2028", "2028-01-03", WorkingDays(1), Err(2028)),
        ("same day in 2028", "2028-01-03", SameDay, Err(2028)),
        ("running into 2028", "2027-12-30", WorkingDays(2), Err(2028)),
        (
            "one day before the edge",
            "2027-12-30",
            WorkingDays(1),
            Ok("2027-12-31"),
        ),
        (
            "255 days from mid-2027",
            "2027-06-01",
            WorkingDays(255),
            Err(2028),
        ),
        (
            "255 days from the start of 2026",
            "2026-01-05",
            WorkingDays(255),
            Ok("2027-01-14"),
        ),
    ];
    let mut failures = Vec::new();
    for (name, received, processing, want) in cases {
        let got = cal
            .due_date(date(received), *processing)
            .map_err(|e| match e {
                CalendarError::NotCovered { year } => year,
                other => panic!("{name}: {other:?}"),
            });
        let want = want.map(date);
        if got != want {
            failures.push(format!("{name}: got {got:?}, want {want:?}"));
        }
    }
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
}

/// `working_days_between` is the count `due_date` uses, in both directions.
#[test]
fn working_days_between_agrees_with_due_date() {
    let cal = official();
    let between = |a: &str, b: &str| cal.working_days_between(date(a), date(b)).unwrap();
    assert_eq!(between("2026-02-13", "2026-02-27"), 5);
    assert_eq!(between("2026-02-27", "2026-02-13"), -5);
    assert_eq!(between("2026-02-13", "2026-02-13"), 0);
    assert_eq!(
        between("2026-02-15", "2026-02-23"),
        0,
        "inside the Festival"
    );
    assert_eq!(between("2026-09-30", "2026-10-10"), 3);
    assert_eq!(between("2026-12-31", "2027-01-04"), 1);
    assert_eq!(
        cal.working_days_between(date("2027-12-30"), date("2028-01-04")),
        Err(CalendarError::NotCovered { year: 2028 })
    );
    assert_eq!(
        cal.working_days_between(date("2028-01-04"), date("2027-12-30")),
        Err(CalendarError::NotCovered { year: 2028 }),
        "reversed: the same days are counted"
    );

    // Every receipt day of 2026, every limit up to 30: the count to the due date is the limit,
    // the due date is a working day, and same-day due dates are the first working day.
    let mut received = date("2026-01-01");
    while received.year() == 2026 {
        for n in 1..=30u8 {
            let due = cal.due_date(received, WorkingDays(n)).unwrap();
            assert!(cal.is_working_day(due).unwrap(), "{received} +{n} = {due}");
            assert_eq!(
                cal.working_days_between(received, due).unwrap(),
                i32::from(n),
                "{received} +{n} = {due}"
            );
        }
        let same = cal.due_date(received, SameDay).unwrap();
        assert!(same >= received && cal.is_working_day(same).unwrap());
        let mut d = received;
        while d < same {
            assert!(!cal.is_working_day(d).unwrap(), "{d} skipped");
            d = d.next_day().unwrap();
        }
        received = received.next_day().unwrap();
    }
}

// The file format.

/// A valid one-holiday file for 2026, with each line of `extra` (`field = value`) replacing or
/// adding a top-level field; `field = DELETE` removes it. `holidays` is appended as written.
fn file(extra: &str, holidays: &str) -> String {
    let mut lines = vec![
        "year = 2026".to_owned(),
        "reference = \"测试用通知\"".to_owned(),
    ];
    for field in extra.lines().filter(|l| !l.trim().is_empty()) {
        let name = field.split('=').next().unwrap().trim();
        lines.retain(|l| l.split('=').next().unwrap().trim() != name);
        if !field.trim().ends_with("= DELETE") {
            lines.push(field.trim().to_owned());
        }
    }
    format!("{}\n{holidays}", lines.join("\n"))
}

/// One `[[holiday]]` table: name, from, to and optional extra lines.
fn holiday(name: &str, from: &str, to: &str, extra: &str) -> String {
    format!("[[holiday]]\nname = \"{name}\"\nfrom = \"{from}\"\nto = \"{to}\"\n{extra}\n")
}

fn spring() -> String {
    holiday(
        "春节",
        "2026-02-15",
        "2026-02-23",
        "workdays = [\"2026-02-14\", \"2026-02-28\"]",
    )
}

#[test]
fn minimal_files_parse() {
    let y = HolidayCalendar::parse(&file("", &spring())).unwrap();
    assert_eq!(
        (y.year(), y.reference(), y.provisional()),
        (2026, "测试用通知", false)
    );
    assert_eq!(y.holidays()[0].workdays.len(), 2);

    let y = HolidayCalendar::parse(&file(
        "provisional = true",
        &holiday("端午节", "2026-06-19", "2026-06-19", ""),
    ))
    .unwrap();
    assert!(y.provisional());
    assert!(y.holidays()[0].workdays.is_empty());
    assert_eq!(y.holidays()[0].days(), 1);

    // New Year reaching back into December, as the notice for 2019 did.
    let y = HolidayCalendar::parse(&file(
        "year = 2019",
        &holiday(
            "元旦",
            "2018-12-30",
            "2019-01-01",
            "workdays = [\"2018-12-29\"]",
        ),
    ))
    .unwrap();
    assert_eq!(y.holidays()[0].from, date("2018-12-30"));

    // Adjacent holidays may touch (2023: 中秋 09-29 and 国庆 09-30 … 10-06 were one block).
    let adjacent = format!(
        "{}{}",
        holiday("中秋节", "2026-09-25", "2026-09-30", ""),
        holiday("国庆节", "2026-10-01", "2026-10-07", "")
    );
    assert!(HolidayCalendar::parse(&file("", &adjacent)).is_ok());
}

#[test]
fn file_validation() {
    let s = |v: &str| v.to_owned();
    let place = |name: &str| format!("假日“{name}”");
    let top = || s("日历文件");
    let cases: Vec<(&str, String, CalendarError)> = vec![
        // Shape.
        (
            "missing year",
            file("year = DELETE", &spring()),
            CalendarError::MissingField {
                place: top(),
                field: "year",
            },
        ),
        (
            "missing reference",
            file("reference = DELETE", &spring()),
            CalendarError::MissingField {
                place: top(),
                field: "reference",
            },
        ),
        (
            "missing holidays",
            file("", ""),
            CalendarError::MissingField {
                place: top(),
                field: "holiday",
            },
        ),
        (
            "no holidays",
            file("holiday = []", ""),
            CalendarError::NoHolidays { year: 2026 },
        ),
        (
            "missing holiday name",
            file(
                "",
                "[[holiday]]\nfrom = \"2026-02-15\"\nto = \"2026-02-23\"\n",
            ),
            CalendarError::MissingField {
                place: s("第1个假日"),
                field: "name",
            },
        ),
        (
            "missing from",
            file(
                "",
                &format!(
                    "{}[[holiday]]\nname = \"清明节\"\nto = \"2026-04-06\"\n",
                    spring()
                ),
            ),
            CalendarError::MissingField {
                place: place("清明节"),
                field: "from",
            },
        ),
        (
            "missing to",
            file(
                "",
                "[[holiday]]\nname = \"清明节\"\nfrom = \"2026-04-04\"\n",
            ),
            CalendarError::MissingField {
                place: place("清明节"),
                field: "to",
            },
        ),
        (
            "unknown top-level field",
            file("source = \"x\"", &spring()),
            CalendarError::UnknownField {
                place: top(),
                field: s("source"),
            },
        ),
        (
            "unknown holiday field",
            file("", &holiday("春节", "2026-02-15", "2026-02-23", "days = 9")),
            CalendarError::UnknownField {
                place: s("第1个假日"),
                field: s("days"),
            },
        ),
        (
            "misspelt workdays",
            file(
                "",
                &holiday(
                    "春节",
                    "2026-02-15",
                    "2026-02-23",
                    "workday = [\"2026-02-14\"]",
                ),
            ),
            CalendarError::UnknownField {
                place: s("第1个假日"),
                field: s("workday"),
            },
        ),
        (
            "year as a string",
            file("year = \"2026\"", &spring()),
            CalendarError::WrongType {
                place: top(),
                field: "year",
                expected: "整数",
            },
        ),
        (
            "provisional as a string",
            file("provisional = \"yes\"", &spring()),
            CalendarError::WrongType {
                place: top(),
                field: "provisional",
                expected: "true 或 false",
            },
        ),
        (
            "reference as a number",
            file("reference = 7", &spring()),
            CalendarError::WrongType {
                place: top(),
                field: "reference",
                expected: "字符串",
            },
        ),
        (
            "single [holiday] table instead of an array",
            file(
                "",
                "[holiday]\nname = \"春节\"\nfrom = \"2026-02-15\"\nto = \"2026-02-23\"\n",
            ),
            CalendarError::WrongType {
                place: top(),
                field: "holiday",
                expected: "[[holiday]] 表的数组",
            },
        ),
        (
            "array of non-tables",
            file("holiday = [1]", ""),
            CalendarError::WrongType {
                place: s("第1个假日"),
                field: "holiday",
                expected: "[[holiday]] 表",
            },
        ),
        (
            "unquoted TOML date",
            file(
                "",
                "[[holiday]]\nname = \"春节\"\nfrom = 2026-02-15\nto = \"2026-02-23\"\n",
            ),
            CalendarError::WrongType {
                place: place("春节"),
                field: "from",
                expected: "带引号的日期字符串\"YYYY-MM-DD\"",
            },
        ),
        (
            "workdays not an array",
            file(
                "",
                &holiday(
                    "春节",
                    "2026-02-15",
                    "2026-02-23",
                    "workdays = \"2026-02-14\"",
                ),
            ),
            CalendarError::WrongType {
                place: place("春节"),
                field: "workdays",
                expected: "日期字符串的数组",
            },
        ),
        (
            "workday as a number",
            file(
                "",
                &holiday("春节", "2026-02-15", "2026-02-23", "workdays = [20260214]"),
            ),
            CalendarError::WrongType {
                place: place("春节"),
                field: "workdays",
                expected: "带引号的日期字符串\"YYYY-MM-DD\"",
            },
        ),
        (
            "blank reference",
            file("reference = \"  \"", &spring()),
            CalendarError::EmptyField {
                place: top(),
                field: "reference",
            },
        ),
        (
            "blank name",
            file("", &holiday(" ", "2026-02-15", "2026-02-23", "")),
            CalendarError::EmptyField {
                place: s("第1个假日"),
                field: "name",
            },
        ),
        (
            "year 0",
            file("year = 0", &spring()),
            CalendarError::BadYear { year: 0 },
        ),
        (
            "year 10000",
            file("year = 10000", &spring()),
            CalendarError::BadYear { year: 10000 },
        ),
        // Dates.
        (
            "impossible date",
            file("", &holiday("春节", "2026-02-15", "2026-02-30", "")),
            CalendarError::MalformedDate {
                place: place("春节"),
                field: "to",
                value: s("2026-02-30"),
            },
        ),
        (
            "slashes",
            file("", &holiday("春节", "2026/02/15", "2026-02-23", "")),
            CalendarError::MalformedDate {
                place: place("春节"),
                field: "from",
                value: s("2026/02/15"),
            },
        ),
        (
            "malformed workday",
            file(
                "",
                &holiday(
                    "春节",
                    "2026-02-15",
                    "2026-02-23",
                    "workdays = [\"2026-2-14\"]",
                ),
            ),
            CalendarError::MalformedDate {
                place: place("春节"),
                field: "workdays",
                value: s("2026-2-14"),
            },
        ),
        (
            "from after to",
            file("", &holiday("春节", "2026-02-23", "2026-02-15", "")),
            CalendarError::FromAfterTo {
                holiday: place("春节"),
            },
        ),
        (
            "holiday in another year",
            file("", &holiday("春节", "2027-02-05", "2027-02-13", "")),
            CalendarError::OutsideYear {
                holiday: place("春节"),
                date: date("2027-02-05"),
                year: 2026,
            },
        ),
        (
            "holiday starting in November of the year before",
            file("", &holiday("元旦", "2025-11-30", "2026-01-01", "")),
            CalendarError::OutsideYear {
                holiday: place("元旦"),
                date: date("2025-11-30"),
                year: 2026,
            },
        ),
        (
            "holiday wholly in December of the year before",
            file("", &holiday("元旦", "2025-12-30", "2025-12-31", "")),
            CalendarError::OutsideYear {
                holiday: place("元旦"),
                date: date("2025-12-31"),
                year: 2026,
            },
        ),
        (
            "holiday running into the next year",
            file("", &holiday("元旦", "2026-12-31", "2027-01-01", "")),
            CalendarError::OutsideYear {
                holiday: place("元旦"),
                date: date("2027-01-01"),
                year: 2026,
            },
        ),
        (
            "workday in the next year",
            file(
                "",
                &holiday(
                    "国庆节",
                    "2026-10-01",
                    "2026-10-07",
                    "workdays = [\"2027-01-02\"]",
                ),
            ),
            CalendarError::OutsideYear {
                holiday: place("国庆节"),
                date: date("2027-01-02"),
                year: 2026,
            },
        ),
        // Make-up workdays.
        (
            "workday on a Friday",
            file(
                "",
                &holiday(
                    "春节",
                    "2026-02-15",
                    "2026-02-23",
                    "workdays = [\"2026-02-13\"]",
                ),
            ),
            CalendarError::WorkdayNotWeekend {
                holiday: place("春节"),
                date: date("2026-02-13"),
                weekday: Weekday::Friday,
            },
        ),
        (
            "workday inside its own holiday",
            file(
                "",
                &holiday(
                    "春节",
                    "2026-02-15",
                    "2026-02-23",
                    "workdays = [\"2026-02-21\"]",
                ),
            ),
            CalendarError::WorkdayInHoliday {
                holiday: place("春节"),
                date: date("2026-02-21"),
                inside: place("春节"),
            },
        ),
        (
            "workday inside another holiday",
            file(
                "",
                &format!(
                    "{}{}",
                    holiday("清明节", "2026-04-04", "2026-04-06", ""),
                    holiday(
                        "劳动节",
                        "2026-05-01",
                        "2026-05-05",
                        "workdays = [\"2026-04-05\"]"
                    )
                ),
            ),
            CalendarError::WorkdayInHoliday {
                holiday: place("劳动节"),
                date: date("2026-04-05"),
                inside: place("清明节"),
            },
        ),
        (
            "workday listed twice",
            file(
                "",
                &format!(
                    "{}{}",
                    spring(),
                    holiday(
                        "清明节",
                        "2026-04-04",
                        "2026-04-06",
                        "workdays = [\"2026-02-28\"]"
                    )
                ),
            ),
            CalendarError::DuplicateWorkday {
                date: date("2026-02-28"),
            },
        ),
        // Holidays against each other.
        (
            "overlapping holidays",
            file(
                "",
                &format!(
                    "{}{}",
                    holiday("国庆节", "2026-10-01", "2026-10-07", ""),
                    holiday("中秋节", "2026-09-25", "2026-10-01", "")
                ),
            ),
            CalendarError::Overlap {
                first: place("中秋节"),
                second: place("国庆节"),
            },
        ),
        (
            "duplicate name",
            file(
                "",
                &format!(
                    "{}{}",
                    spring(),
                    holiday("春节", "2026-04-04", "2026-04-06", "")
                ),
            ),
            CalendarError::DuplicateName {
                holiday: place("春节"),
            },
        ),
    ];
    let mut failures = Vec::new();
    let mut codes = std::collections::BTreeSet::new();
    for (name, text, want) in &cases {
        match HolidayCalendar::parse(text) {
            Err(got) if got == *want => {
                codes.insert(got.code());
                assert!(!got.to_string().is_empty(), "{name}");
            }
            other => failures.push(format!("{name}: got {other:?}\n    want {want:?}\n{text}")),
        }
    }
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));

    let syntax = HolidayCalendar::parse("year = 2026\nreference = \"x\n").unwrap_err();
    assert_eq!(syntax.code(), "syntax");
    assert!(
        syntax.to_string().starts_with("节假日文件不是有效的TOML："),
        "{syntax}"
    );
    codes.insert(syntax.code());

    // Every code of a single file is exercised above.
    let expected = [
        "bad_year",
        "duplicate_name",
        "duplicate_workday",
        "empty_field",
        "from_after_to",
        "malformed_date",
        "missing_field",
        "no_holidays",
        "outside_year",
        "overlapping_holidays",
        "syntax",
        "unknown_field",
        "workday_in_holiday",
        "workday_not_weekend",
        "wrong_type",
    ];
    assert_eq!(codes.into_iter().collect::<Vec<_>>(), expected);
}

#[test]
fn messages_are_chinese_and_name_the_place() {
    let cases: &[(CalendarError, &str)] = &[
        (
            CalendarError::NotCovered { year: 2028 },
            "尚无2028年的节假日安排，无法计算工作日；请先导入该年度节假日文件",
        ),
        (
            CalendarError::WorkdayNotWeekend {
                holiday: "假日“春节”".to_owned(),
                date: date("2026-02-13"),
                weekday: Weekday::Friday,
            },
            "假日“春节”的调休上班日 2026-02-13 是星期五，调休上班日只能是星期六或星期日",
        ),
        (
            CalendarError::MissingField {
                place: "第2个假日".to_owned(),
                field: "name",
            },
            "第2个假日缺少字段 `name`",
        ),
        (
            CalendarError::Overlap {
                first: "假日“中秋节”".to_owned(),
                second: "假日“国庆节”".to_owned(),
            },
            "假日“中秋节”与假日“国庆节”的放假日期重叠",
        ),
        (
            CalendarError::DuplicateYear { year: 2026 },
            "2026年的节假日文件重复加载",
        ),
    ];
    for (e, want) in cases {
        assert_eq!(e.to_string(), *want);
    }
    assert_eq!(CalendarError::NotCovered { year: 1 }.code(), "not_covered");
    assert_eq!(
        CalendarError::DuplicateYear { year: 1 }.code(),
        "duplicate_year"
    );
}

// Joining years.

#[test]
fn calendar_from_several_years() {
    let y26 = HolidayCalendar::parse(Y2026).unwrap();
    let y27 = HolidayCalendar::parse(Y2027).unwrap();

    // Order of the files does not matter.
    let cal = Calendar::new([y27.clone(), y26.clone()]).unwrap();
    assert_eq!(&cal, official());

    // One year only: the other is not covered.
    let only = Calendar::new([y26.clone()]).unwrap();
    assert_eq!(
        only.due_date(date("2026-12-31"), WorkingDays(1)),
        Err(CalendarError::NotCovered { year: 2027 })
    );
    assert!(Calendar::new([]).unwrap().years().is_empty());

    assert_eq!(
        Calendar::new([y26.clone(), y26.clone()]),
        Err(CalendarError::DuplicateYear { year: 2026 })
    );

    // A New Year holiday of 2027 reaching back into a December that the 2026 file already
    // uses: the files must agree.
    let new_year = |from: &str, workdays: &str| {
        HolidayCalendar::parse(&format!(
            "year = 2027\nreference = \"测试\"\n{}",
            holiday("元旦", from, "2027-01-01", workdays)
        ))
        .unwrap()
    };
    let a2026 = HolidayCalendar::parse(&file(
        "",
        &holiday(
            "年末",
            "2026-12-30",
            "2026-12-31",
            "workdays = [\"2026-12-27\"]",
        ),
    ))
    .unwrap();
    assert_eq!(
        Calendar::new([a2026.clone(), new_year("2026-12-31", "")]),
        Err(CalendarError::Overlap {
            first: "假日“2026年年末”".to_owned(),
            second: "假日“2027年元旦”".to_owned(),
        })
    );
    assert_eq!(
        Calendar::new([
            a2026.clone(),
            new_year("2027-01-01", "workdays = [\"2026-12-27\"]")
        ]),
        Err(CalendarError::DuplicateWorkday {
            date: date("2026-12-27"),
        })
    );
    let b2026 = HolidayCalendar::parse(&file("", &holiday("年末", "2026-12-26", "2026-12-27", "")))
        .unwrap();
    assert_eq!(
        Calendar::new([b2026, new_year("2027-01-01", "workdays = [\"2026-12-27\"]")]),
        Err(CalendarError::WorkdayInHoliday {
            holiday: "假日“2027年元旦”".to_owned(),
            date: date("2026-12-27"),
            inside: "假日“2026年年末”".to_owned(),
        })
    );

    // When they agree, the next year's New Year decides the end of December.
    let cal = Calendar::new([y26, new_year("2026-12-31", "workdays = [\"2026-12-27\"]")]).unwrap();
    assert_eq!(cal.is_working_day(date("2026-12-31")), Ok(false));
    assert_eq!(
        cal.is_working_day(date("2026-12-27")),
        Ok(true),
        "make-up Sunday"
    );
    assert_eq!(
        cal.holiday_on(date("2026-12-31")).map(|h| h.name.as_str()),
        Some("元旦")
    );
    assert_eq!(
        cal.due_date(date("2026-12-30"), WorkingDays(1)),
        Ok(date("2027-01-04"))
    );
}
