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
        assert_eq!(
            "x".parse::<Date>().unwrap_err().to_string(),
            "\"x\" is not a date of the form YYYY-MM-DD"
        );
    }
}
