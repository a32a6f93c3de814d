//! A calendar date for effective dates, so the rules crate stays free of chrono (and of clocks).
//!
//! Rules never ask what day it is: the caller passes the date a decision is made on, and dated
//! data (`effective_from`, `effective_to`) is compared with it. Only the proleptic Gregorian
//! calendar and years 1–9999 are needed, so a valid `Date` is three small numbers whose field
//! order gives chronological order.

use std::fmt;
use std::str::FromStr;

use serde::de::{self, Deserialize, Deserializer, Visitor};
use serde::{Serialize, Serializer};

/// A valid Gregorian calendar date in years 1–9999, such as 2021-08-10.
///
/// Build it with [`Date::new`] or [`Date::parse`] (`"YYYY-MM-DD"`); both reject impossible dates
/// (2021-02-29, 2021-13-01), so every `Date` is a real day. Orders chronologically, displays and
/// serialises as `YYYY-MM-DD`. To convert from chrono at the edge:
/// `Date::new(d.year(), d.month() as u8, d.day() as u8)`.
///
/// ```
/// use jianfu_rules::Date;
/// let issued = Date::parse("2021-08-10").unwrap();
/// assert_eq!(Date::new(2021, 8, 10), Some(issued));
/// assert!(issued < Date::parse("2021-12-31").unwrap());
/// assert_eq!(issued.to_string(), "2021-08-10");
/// assert_eq!(Date::parse("2021-02-29"), None);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Date {
    // Field order is chronological order, which the derived `Ord` relies on.
    y: i32,
    m: u8,
    d: u8,
}

impl Date {
    /// The date `y-m-d`, or `None` if there is no such day (or the year is outside 1–9999).
    #[must_use]
    pub const fn new(y: i32, m: u8, d: u8) -> Option<Date> {
        if y < 1 || y > 9999 || m < 1 || m > 12 || d < 1 || d > days_in_month(y, m) {
            return None;
        }
        Some(Date { y, m, d })
    }

    /// Parses exactly `YYYY-MM-DD` (four-digit year, two-digit month and day); `None` otherwise.
    #[must_use]
    pub fn parse(s: &str) -> Option<Date> {
        let b = s.as_bytes();
        if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
            return None;
        }
        let y = digits(&b[0..4])?;
        let m = digits(&b[5..7])?;
        let d = digits(&b[8..10])?;
        Date::new(
            i32::try_from(y).ok()?,
            u8::try_from(m).ok()?,
            u8::try_from(d).ok()?,
        )
    }

    /// The year, 1–9999.
    #[must_use]
    pub const fn year(self) -> i32 {
        self.y
    }

    /// The month, 1–12.
    #[must_use]
    pub const fn month(self) -> u8 {
        self.m
    }

    /// The day of the month, from 1.
    #[must_use]
    pub const fn day(self) -> u8 {
        self.d
    }

    /// The day of the week.
    ///
    /// ```
    /// use jianfu_rules::{Date, Weekday};
    /// let issued = Date::parse("2021-08-10").unwrap();
    /// assert_eq!(issued.weekday(), Weekday::Tuesday);
    /// assert_eq!(issued.weekday().label_zh(), "星期二");
    /// ```
    #[must_use]
    pub const fn weekday(self) -> Weekday {
        // 1970-01-01 was a Thursday, index 3 counting from Monday = 0.
        match (self.day_number() + 3).rem_euclid(7) {
            0 => Weekday::Monday,
            1 => Weekday::Tuesday,
            2 => Weekday::Wednesday,
            3 => Weekday::Thursday,
            4 => Weekday::Friday,
            5 => Weekday::Saturday,
            _ => Weekday::Sunday,
        }
    }

    /// The date `days` days later (earlier if negative), or `None` outside years 1–9999.
    #[must_use]
    pub const fn add_days(self, days: i32) -> Option<Date> {
        match self.day_number().checked_add(days) {
            Some(n) => Date::from_day_number(n),
            None => None,
        }
    }

    /// The next day, or `None` after 9999-12-31. Cheaper than `add_days(1)`.
    #[must_use]
    pub const fn next_day(self) -> Option<Date> {
        if self.d < days_in_month(self.y, self.m) {
            Some(Date {
                d: self.d + 1,
                ..self
            })
        } else if self.m < 12 {
            Some(Date {
                y: self.y,
                m: self.m + 1,
                d: 1,
            })
        } else {
            Date::new(self.y + 1, 1, 1)
        }
    }

    /// The previous day, or `None` before 0001-01-01.
    #[must_use]
    pub const fn previous_day(self) -> Option<Date> {
        if self.d > 1 {
            Some(Date {
                d: self.d - 1,
                ..self
            })
        } else if self.m > 1 {
            Some(Date {
                y: self.y,
                m: self.m - 1,
                d: days_in_month(self.y, self.m - 1),
            })
        } else {
            Date::new(self.y - 1, 12, 31)
        }
    }

    /// Calendar days from `from` to `to`: positive when `to` is later, 0 on the same day.
    ///
    /// ```
    /// use jianfu_rules::Date;
    /// let d = |s| Date::parse(s).unwrap();
    /// assert_eq!(Date::days_between(d("2026-02-28"), d("2026-03-01")), 1);
    /// assert_eq!(Date::days_between(d("2027-01-01"), d("2026-01-01")), -365);
    /// ```
    #[must_use]
    pub const fn days_between(from: Date, to: Date) -> i32 {
        to.day_number() - from.day_number()
    }

    /// Days since 1970-01-01 (negative before it), by the days-from-civil algorithm of Howard
    /// Hinnant: the year is taken to start on 1 March, so that the leap day comes last.
    const fn day_number(self) -> i32 {
        // Years are 1–9999, so `y` below is never negative and plain division is floor division.
        let y = if self.m <= 2 { self.y - 1 } else { self.y };
        let era = y / 400;
        let year_of_era = y - era * 400;
        let month_from_march = (self.m as i32 + 9) % 12;
        let day_of_year = (153 * month_from_march + 2) / 5 + self.d as i32 - 1;
        let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
        era * 146_097 + day_of_era - 719_468
    }

    /// The inverse of [`Date::day_number`]; `None` outside years 1–9999.
    const fn from_day_number(n: i32) -> Option<Date> {
        // 0001-01-01 is day -719_162, so `z` is positive for every day that can be a `Date`.
        let z = match n.checked_add(719_468) {
            Some(z) if z >= 0 => z,
            _ => return None,
        };
        let era = z / 146_097;
        let day_of_era = z - era * 146_097;
        let year_of_era =
            (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
        let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
        let month_from_march = (5 * day_of_year + 2) / 153;
        let d = day_of_year - (153 * month_from_march + 2) / 5 + 1;
        let m = if month_from_march < 10 {
            month_from_march + 3
        } else {
            month_from_march - 9
        };
        let y = year_of_era + era * 400 + if m <= 2 { 1 } else { 0 };
        // `m` is 1–12 and `d` 1–31 by construction; `new` checks the year range.
        Date::new(y, m as u8, d as u8)
    }
}

/// A day of the week. Saturday and Sunday are the weekly rest days (双休日) unless the holiday
/// calendar makes one a working day (调休上班), see [`crate::calendar`].
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, serde::Deserialize,
)]
#[serde(rename_all = "snake_case")]
pub enum Weekday {
    Monday,
    Tuesday,
    Wednesday,
    Thursday,
    Friday,
    Saturday,
    Sunday,
}

impl Weekday {
    /// True for Saturday and Sunday.
    #[must_use]
    pub const fn is_weekend(self) -> bool {
        matches!(self, Weekday::Saturday | Weekday::Sunday)
    }

    /// The word shown to users: 星期一 … 星期日.
    #[must_use]
    pub const fn label_zh(self) -> &'static str {
        match self {
            Weekday::Monday => "星期一",
            Weekday::Tuesday => "星期二",
            Weekday::Wednesday => "星期三",
            Weekday::Thursday => "星期四",
            Weekday::Friday => "星期五",
            Weekday::Saturday => "星期六",
            Weekday::Sunday => "星期日",
        }
    }
}

const fn is_leap(y: i32) -> bool {
    (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
}

const fn days_in_month(y: i32, m: u8) -> u8 {
    match m {
        2 if is_leap(y) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// The value of a run of ASCII digits; `None` if any byte is not a digit.
fn digits(bytes: &[u8]) -> Option<u32> {
    bytes.iter().try_fold(0u32, |acc, &b| {
        b.is_ascii_digit().then(|| acc * 10 + u32::from(b - b'0'))
    })
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.y, self.m, self.d)
    }
}

/// Why a string is not a [`Date`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DateError(String);

impl fmt::Display for DateError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?} is not a date of the form YYYY-MM-DD", self.0)
    }
}

impl std::error::Error for DateError {}

impl FromStr for Date {
    type Err = DateError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Date::parse(s).ok_or_else(|| DateError(s.to_owned()))
    }
}

impl Serialize for Date {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Date {
    /// Accepts only `YYYY-MM-DD` strings of real days.
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct DateVisitor;
        impl Visitor<'_> for DateVisitor {
            type Value = Date;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a date of the form YYYY-MM-DD")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Date, E> {
                v.parse().map_err(E::custom)
            }
        }
        deserializer.deserialize_str(DateVisitor)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

    use super::*;

    #[test]
    fn parses_real_days_only() {
        type Case = (&'static str, Option<(i32, u8, u8)>);
        let cases: &[Case] = &[
            ("2021-08-10", Some((2021, 8, 10))),
            ("2024-02-29", Some((2024, 2, 29))),
            ("2000-02-29", Some((2000, 2, 29))),
            ("0001-01-01", Some((1, 1, 1))),
            ("9999-12-31", Some((9999, 12, 31))),
            ("2021-02-29", None),
            ("1900-02-29", None),
            ("2021-04-31", None),
            ("2021-13-01", None),
            ("2021-00-10", None),
            ("2021-08-00", None),
            ("0000-01-01", None),
            ("2021-8-10", None),
            ("21-08-10", None),
            ("2021/08/10", None),
            ("2021-08/10", None),
            ("2021/08-10", None),
            ("2021-08-10 ", None),
            ("+021-08-10", None),
            ("2021-0a-10", None),
            ("２０２１-08-10", None),
            ("", None),
        ];
        for (input, expected) in cases {
            let got = Date::parse(input).map(|d| (d.year(), d.month(), d.day()));
            assert_eq!(got, *expected, "Date::parse({input:?})");
            assert_eq!(input.parse::<Date>().ok(), Date::parse(input), "{input:?}");
        }
        assert_eq!(Date::new(10000, 1, 1), None);
        assert_eq!(Date::new(0, 1, 1), None);
    }

    #[test]
    fn orders_chronologically_and_round_trips() {
        let mut dates: Vec<Date> = ["2022-01-01", "2021-12-31", "2021-08-10", "2021-09-01"]
            .iter()
            .map(|s| Date::parse(s).unwrap())
            .collect();
        dates.sort();
        let strs: Vec<String> = dates.iter().map(Date::to_string).collect();
        assert_eq!(
            strs,
            ["2021-08-10", "2021-09-01", "2021-12-31", "2022-01-01"]
        );

        let d = Date::new(2021, 8, 10).unwrap();
        let json = serde_json::to_string(&d).unwrap();
        assert_eq!(json, "\"2021-08-10\"");
        assert_eq!(serde_json::from_str::<Date>(&json).unwrap(), d);
        assert!(serde_json::from_str::<Date>("\"2021-02-30\"").is_err());
        // A value that is no string says what was expected.
        let err = serde_json::from_str::<Date>("20210210").unwrap_err();
        assert!(
            err.to_string().contains("a date of the form YYYY-MM-DD"),
            "{err}"
        );
        assert_eq!(
            "x".parse::<Date>().unwrap_err().to_string(),
            "\"x\" is not a date of the form YYYY-MM-DD"
        );
    }

    #[test]
    fn weekdays_of_known_days() {
        let cases: &[(&str, Weekday)] = &[
            ("1970-01-01", Weekday::Thursday),
            ("0001-01-01", Weekday::Monday),
            ("2000-02-29", Weekday::Tuesday),
            ("2021-08-10", Weekday::Tuesday),
            ("2026-01-01", Weekday::Thursday),
            ("2026-01-04", Weekday::Sunday),
            ("2026-02-14", Weekday::Saturday),
            ("2026-10-01", Weekday::Thursday),
            ("2027-01-01", Weekday::Friday),
            ("2027-02-06", Weekday::Saturday),
            ("9999-12-31", Weekday::Friday),
        ];
        for (s, want) in cases {
            assert_eq!(Date::parse(s).unwrap().weekday(), *want, "{s}");
        }
        assert!(Weekday::Saturday.is_weekend() && Weekday::Sunday.is_weekend());
        assert!(!Weekday::Friday.is_weekend() && !Weekday::Monday.is_weekend());
        assert_eq!(Weekday::Sunday.label_zh(), "星期日");
        assert_eq!(
            serde_json::to_string(&Weekday::Monday).unwrap(),
            "\"monday\""
        );
    }

    #[test]
    fn day_arithmetic() {
        let d = |s: &str| Date::parse(s).unwrap();
        let cases: &[(&str, i32, Option<&str>)] = &[
            ("2026-02-28", 1, Some("2026-03-01")),
            ("2024-02-28", 1, Some("2024-02-29")),
            ("2026-12-31", 1, Some("2027-01-01")),
            ("2027-01-01", -1, Some("2026-12-31")),
            ("2026-01-01", 365, Some("2027-01-01")),
            ("2024-01-01", 366, Some("2025-01-01")),
            ("2021-08-10", 0, Some("2021-08-10")),
            ("1970-01-01", -719_162, Some("0001-01-01")),
            ("0001-01-01", -1, None),
            ("9999-12-31", 1, None),
            ("2026-01-01", i32::MAX, None),
            ("2026-01-01", i32::MIN, None),
        ];
        for (from, days, want) in cases {
            assert_eq!(d(from).add_days(*days), want.map(d), "{from} + {days}");
            if let Some(to) = want {
                assert_eq!(Date::days_between(d(from), d(to)), *days, "{from}..{to}");
            }
        }
        // next_day/previous_day agree with add_days over four years, leap day included.
        let mut day = d("2023-12-30");
        for _ in 0..1500 {
            let next = day.next_day().unwrap();
            assert_eq!(Some(next), day.add_days(1), "{day}");
            assert_eq!(next.previous_day(), Some(day), "{next}");
            assert!(next > day);
            day = next;
        }
        // Across the days where the Gregorian rules turn: century years that are not leap
        // years, the 400-year leap day that ends an era, and the ends of the range.
        for start in [
            "0001-01-01",
            "0399-12-01",
            "1599-12-01",
            "1699-12-01",
            "1899-12-01",
            "1999-12-01",
            "2099-12-01",
            "2399-12-01",
            "9999-10-01",
        ] {
            let mut day = d(start);
            while let Some(next) = day.next_day() {
                assert_eq!(day.add_days(1), Some(next), "{day} + 1");
                assert_eq!(next.add_days(-1), Some(day), "{next} - 1");
                assert_eq!(Date::days_between(day, next), 1, "{day}..{next}");
                if Date::days_between(d(start), next) > 120 {
                    break;
                }
                day = next;
            }
        }
        assert_eq!(d("2000-02-28").add_days(2), Some(d("2000-03-01")));
        assert_eq!(d("1900-02-28").add_days(1), Some(d("1900-03-01")));
        assert_eq!(d("1600-01-01").add_days(146_097), Some(d("2000-01-01")));
        assert_eq!(d("2000-02-29").add_days(-146_097), Some(d("1600-02-29")));
        assert_eq!(d("9999-12-31").next_day(), None);
        assert_eq!(d("0001-01-01").previous_day(), None);
        assert_eq!(d("2026-03-01").previous_day(), Some(d("2026-02-28")));
    }
}
