//! Working days (工作日) on the official holiday calendar, for the time limits of certificates
//! (限时办结, 4.5-9) and anything else counted in working days.
//!
//! 4.5-9 reads 大力推行简单证明当场办结、复杂证明限时办结制: a simple certificate is issued on
//! the spot, a complex one within a time limit the service guide states in working days (see
//! [`Processing`]). Which days are working days is decreed each year by the State Council General
//! Office's notice on holiday arrangements (部分节假日安排的通知): holidays are rest days, and
//! some Saturdays and Sundays around them become working days (调休上班). This module reads those
//! notices as data, one TOML file per year under `data/holidays/`, and counts on them.
//!
//! # File format
//!
//! ```toml
//! year = 2026                       # the year of the notice, 1–9999
//! reference = "国务院办公厅关于2026年部分节假日安排的通知（国办发明电〔2025〕7号）"
//! provisional = false               # optional, default false; see below
//!
//! [[holiday]]                       # one table per holiday, at least one
//! name = "春节"
//! from = "2026-02-15"               # first rest day, quoted YYYY-MM-DD
//! to = "2026-02-23"                 # last rest day, inclusive; equal to `from` for one day
//! workdays = ["2026-02-14", "2026-02-28"]   # optional: weekend days made working days (调休上班)
//! ```
//!
//! No other keys are accepted. A file is checked as a whole, and the first mistake found is
//! reported as a [`CalendarError`] with a stable [`code`](CalendarError::code) and a Chinese
//! message naming the holiday:
//!
//! - every date is a real day written `"YYYY-MM-DD"` (`malformed_date`); a TOML date literal
//!   without quotes is a `wrong_type`, so the file has one spelling of dates;
//! - `from` is not after `to` (`from_after_to`);
//! - every date lies in `year`, except that the New Year holiday of `year` and its make-up day
//!   may fall in December of the year before, as the notice for 2019 did (2018年12月30日至
//!   2019年1月1日放假调休，2018年12月29日上班); a holiday must still end in `year`
//!   (`outside_year`);
//! - holidays do not overlap (`overlapping_holidays`); adjacent ones may touch;
//! - a make-up workday is a Saturday or a Sunday (`workday_not_weekend`), lies in no holiday of
//!   the file (`workday_in_holiday`) and is listed once (`duplicate_workday`);
//! - holiday names are unique in a file (`duplicate_name`): each notice names each festival once,
//!   and the name is how messages and the UI point at a holiday;
//! - `name` and `reference` are not blank (`empty_field`), `year` is 1–9999 (`bad_year`), and
//!   there is at least one holiday (`no_holidays`): a year without one is not a notice.
//!
//! # Provisional years
//!
//! A notice is published around November for the following year; until then a time limit that
//! runs into that year could not be computed at all. A file may therefore be marked
//! `provisional = true`: its days are worked out from the lunar calendar and the pattern of past
//! notices, and its `reference` says so. [`HolidayCalendar::provisional`] and
//! [`Calendar::is_provisional`] expose the flag, so the UI can warn beside every due date that
//! depends on such a year; the file is replaced when the notice appears.
//!
//! # Counting
//!
//! A [`Calendar`] joins the files of several years. A day is a working day when it is a make-up
//! workday of some file, else a rest day when it lies in a holiday, else a working day exactly
//! when it is Monday to Friday. A day of a year without a file is [`CalendarError::NotCovered`]:
//! the calendar never guesses. Days at the end of December may belong to the next year's New
//! Year holiday; they are read from the next year's file when it is loaded.
//!
//! Time limits follow the rule for periods counted in days (民法典第二百零一条: 开始的当日不计入，
//! 自下一日开始计算) with only working days counted, as 工作日 limits are in administrative
//! law: see [`Calendar::due_date`].

use std::fmt;
use std::sync::OnceLock;

use serde::Serialize;
use toml::{Table, Value};

use crate::certificate::Processing;
use crate::date::{Date, Weekday};

/// The official holiday files, embedded at build time, in year order.
const OFFICIAL_FILES: [&str; 2] = [
    include_str!("../../../data/holidays/2026.toml"),
    include_str!("../../../data/holidays/2027.toml"),
];

/// One holiday of a notice: a closed range of rest days and the weekend days made working days
/// around it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Holiday {
    /// The festival as the notice names it, e.g. 春节.
    pub name: String,
    /// First rest day.
    pub from: Date,
    /// Last rest day (inclusive).
    pub to: Date,
    /// Saturdays and Sundays that are working days (调休上班), in file order.
    pub workdays: Vec<Date>,
}

impl Holiday {
    /// True when `day` is one of the holiday's rest days.
    #[must_use]
    pub fn contains(&self, day: Date) -> bool {
        self.from <= day && day <= self.to
    }

    /// Number of rest days, `to - from + 1`.
    #[must_use]
    pub fn days(&self) -> u32 {
        Date::days_between(self.from, self.to).unsigned_abs() + 1
    }
}

/// One year's notice, parsed and validated: build it with [`HolidayCalendar::parse`].
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct HolidayCalendar {
    year: i32,
    reference: String,
    provisional: bool,
    holidays: Vec<Holiday>,
}

/// Why a holiday file was not accepted, or why a day cannot be counted.
///
/// Each variant has a stable [`code`](CalendarError::code); `Display` is the Chinese message.
/// `place` and `holiday` name where the mistake is: 日历文件 for the top level, 假日“春节” for a
/// named holiday, 第N个假日 for one whose name is missing; merge errors prefix the year.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CalendarError {
    /// Not TOML at all.
    Syntax { message: String },
    /// A required key is absent.
    MissingField { place: String, field: &'static str },
    /// A key the format does not have.
    UnknownField { place: String, field: String },
    /// A value of the wrong TOML type; `expected` says what it should be.
    WrongType {
        place: String,
        field: &'static str,
        expected: &'static str,
    },
    /// A text field that is blank.
    EmptyField { place: String, field: &'static str },
    /// `year` outside 1–9999.
    BadYear { year: i64 },
    /// A date string that is not a real `YYYY-MM-DD` day.
    MalformedDate {
        place: String,
        field: &'static str,
        value: String,
    },
    /// `from` after `to`.
    FromAfterTo { holiday: String },
    /// A date outside the file's year (December of the year before is allowed for New Year).
    OutsideYear {
        holiday: String,
        date: Date,
        year: i32,
    },
    /// A file without any holiday.
    NoHolidays { year: i32 },
    /// Two holidays of one file with the same name.
    DuplicateName { holiday: String },
    /// Two holidays sharing a day (in one file, or across files of a [`Calendar`]).
    Overlap { first: String, second: String },
    /// A make-up workday inside a holiday.
    WorkdayInHoliday {
        holiday: String,
        date: Date,
        inside: String,
    },
    /// A make-up workday that is Monday to Friday, hence a working day anyway.
    WorkdayNotWeekend {
        holiday: String,
        date: Date,
        weekday: Weekday,
    },
    /// A make-up workday listed twice.
    DuplicateWorkday { date: Date },
    /// Two files for the same year given to [`Calendar::new`].
    DuplicateYear { year: i32 },
    /// A day of a year for which no holiday file is loaded.
    NotCovered { year: i32 },
}

impl CalendarError {
    /// Stable snake_case code for programs and tests.
    #[must_use]
    pub const fn code(&self) -> &'static str {
        match self {
            CalendarError::Syntax { .. } => "syntax",
            CalendarError::MissingField { .. } => "missing_field",
            CalendarError::UnknownField { .. } => "unknown_field",
            CalendarError::WrongType { .. } => "wrong_type",
            CalendarError::EmptyField { .. } => "empty_field",
            CalendarError::BadYear { .. } => "bad_year",
            CalendarError::MalformedDate { .. } => "malformed_date",
            CalendarError::FromAfterTo { .. } => "from_after_to",
            CalendarError::OutsideYear { .. } => "outside_year",
            CalendarError::NoHolidays { .. } => "no_holidays",
            CalendarError::DuplicateName { .. } => "duplicate_name",
            CalendarError::Overlap { .. } => "overlapping_holidays",
            CalendarError::WorkdayInHoliday { .. } => "workday_in_holiday",
            CalendarError::WorkdayNotWeekend { .. } => "workday_not_weekend",
            CalendarError::DuplicateWorkday { .. } => "duplicate_workday",
            CalendarError::DuplicateYear { .. } => "duplicate_year",
            CalendarError::NotCovered { .. } => "not_covered",
        }
    }
}

impl fmt::Display for CalendarError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CalendarError::Syntax { message } => {
                write!(f, "节假日文件不是有效的TOML：{message}")
            }
            CalendarError::MissingField { place, field } => {
                write!(f, "{place}缺少字段 `{field}`")
            }
            CalendarError::UnknownField { place, field } => {
                write!(f, "{place}含有未定义的字段 `{field}`")
            }
            CalendarError::WrongType {
                place,
                field,
                expected,
            } => write!(f, "{place}的字段 `{field}` 类型错误，应为{expected}"),
            CalendarError::EmptyField { place, field } => {
                write!(f, "{place}的字段 `{field}` 不能为空")
            }
            CalendarError::BadYear { year } => {
                write!(f, "年份 {year} 无效，应在1至9999之间")
            }
            CalendarError::MalformedDate {
                place,
                field,
                value,
            } => write!(
                f,
                "{place}的字段 `{field}` 的值“{value}”不是有效日期，应写作\"YYYY-MM-DD\""
            ),
            CalendarError::FromAfterTo { holiday } => {
                write!(f, "{holiday}的开始日期晚于结束日期")
            }
            CalendarError::OutsideYear {
                holiday,
                date,
                year,
            } => write!(
                f,
                "{holiday}的日期 {date} 不在{year}年内（仅元旦假期及其调休上班日可始于上一年12月）"
            ),
            CalendarError::NoHolidays { year } => {
                write!(f, "{year}年的节假日文件没有任何假日")
            }
            CalendarError::DuplicateName { holiday } => {
                write!(f, "{holiday}重复出现，同一年每个节日只能列一次")
            }
            CalendarError::Overlap { first, second } => {
                write!(f, "{first}与{second}的放假日期重叠")
            }
            CalendarError::WorkdayInHoliday {
                holiday,
                date,
                inside,
            } => write!(f, "{holiday}的调休上班日 {date} 落在{inside}的放假日期内"),
            CalendarError::WorkdayNotWeekend {
                holiday,
                date,
                weekday,
            } => write!(
                f,
                "{holiday}的调休上班日 {date} 是{}，调休上班日只能是星期六或星期日",
                weekday.label_zh()
            ),
            CalendarError::DuplicateWorkday { date } => {
                write!(f, "调休上班日 {date} 重复列出")
            }
            CalendarError::DuplicateYear { year } => {
                write!(f, "{year}年的节假日文件重复加载")
            }
            CalendarError::NotCovered { year } => write!(
                f,
                "尚无{year}年的节假日安排，无法计算工作日；请先导入该年度节假日文件"
            ),
        }
    }
}

impl std::error::Error for CalendarError {}

const TOP: &str = "日历文件";
const DATE_STRING: &str = "带引号的日期字符串\"YYYY-MM-DD\"";

impl HolidayCalendar {
    /// Parses and validates one year's holiday file (format in the module docs).
    ///
    /// # Errors
    /// The first [`CalendarError`] found: the keys of the file, then each holiday in file order,
    /// then the holidays against each other.
    pub fn parse(text: &str) -> Result<HolidayCalendar, CalendarError> {
        let table: Table = text
            .parse()
            .map_err(|e: toml::de::Error| CalendarError::Syntax {
                message: e.to_string().trim_end().to_owned(),
            })?;
        only_keys(
            &table,
            TOP,
            &["year", "reference", "provisional", "holiday"],
        )?;
        let year = match required(&table, TOP, "year")? {
            Value::Integer(y) if (1..=9999).contains(y) => {
                i32::try_from(*y).map_err(|_| CalendarError::BadYear { year: *y })?
            }
            Value::Integer(y) => return Err(CalendarError::BadYear { year: *y }),
            _ => return Err(wrong_type(TOP, "year", "整数")),
        };
        let reference = text_field(&table, TOP, "reference")?;
        let provisional = match table.get("provisional") {
            None => false,
            Some(Value::Boolean(b)) => *b,
            Some(_) => return Err(wrong_type(TOP, "provisional", "true 或 false")),
        };
        let Value::Array(raw_holidays) = required(&table, TOP, "holiday")? else {
            return Err(wrong_type(TOP, "holiday", "[[holiday]] 表的数组"));
        };
        if raw_holidays.is_empty() {
            return Err(CalendarError::NoHolidays { year });
        }
        let mut holidays = Vec::with_capacity(raw_holidays.len());
        for (index, raw) in raw_holidays.iter().enumerate() {
            holidays.push(holiday(raw, index, year)?);
        }
        check_together(&holidays, |h| holiday_place(&h.name))?;
        Ok(HolidayCalendar {
            year,
            reference,
            provisional,
            holidays,
        })
    }

    /// The year of the notice.
    #[must_use]
    pub fn year(&self) -> i32 {
        self.year
    }

    /// The notice's title and number, or for a provisional file how its days were obtained.
    #[must_use]
    pub fn reference(&self) -> &str {
        &self.reference
    }

    /// True when the days are not yet the State Council's but worked out in advance; the UI warns
    /// beside every date that depends on them.
    #[must_use]
    pub fn provisional(&self) -> bool {
        self.provisional
    }

    /// The holidays, in file order.
    #[must_use]
    pub fn holidays(&self) -> &[Holiday] {
        &self.holidays
    }
}

/// The holiday calendars of several years, joined for counting working days.
///
/// Build it with [`Calendar::new`] from parsed year files, or use [`Calendar::official`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Calendar {
    /// Year files, sorted by year, years unique.
    years: Vec<HolidayCalendar>,
    /// Every holiday range as (from, to, year index, holiday index), sorted, not overlapping.
    rest: Vec<(Date, Date, usize, usize)>,
    /// Every make-up workday, sorted, unique.
    work: Vec<Date>,
}

static OFFICIAL: OnceLock<Result<Calendar, CalendarError>> = OnceLock::new();

impl Calendar {
    /// The official calendar of `data/holidays/` (2026 and the provisional 2027), embedded at
    /// build time and parsed once.
    ///
    /// # Errors
    /// The validation error, if the embedded data is invalid (a test guarantees it is not).
    pub fn official() -> Result<&'static Calendar, &'static CalendarError> {
        OFFICIAL
            .get_or_init(|| {
                let mut years = Vec::with_capacity(OFFICIAL_FILES.len());
                for text in OFFICIAL_FILES {
                    years.push(HolidayCalendar::parse(text)?);
                }
                Calendar::new(years)
            })
            .as_ref()
    }

    /// Joins year files into one calendar.
    ///
    /// # Errors
    /// [`CalendarError::DuplicateYear`] for two files of one year; [`CalendarError::Overlap`],
    /// [`CalendarError::WorkdayInHoliday`] or [`CalendarError::DuplicateWorkday`] when files
    /// disagree about a day (possible only in the December a New Year holiday reaches back to).
    pub fn new(
        years: impl IntoIterator<Item = HolidayCalendar>,
    ) -> Result<Calendar, CalendarError> {
        let mut years: Vec<HolidayCalendar> = years.into_iter().collect();
        years.sort_by_key(|y| y.year);
        if let Some(pair) = years.windows(2).find(|w| w[0].year == w[1].year) {
            return Err(CalendarError::DuplicateYear { year: pair[0].year });
        }
        // Within a file the checks have passed; across files, check the union the same way.
        let all: Vec<(i32, &Holiday)> = years
            .iter()
            .flat_map(|y| y.holidays.iter().map(move |h| (y.year, h)))
            .collect();
        let labelled: Vec<Holiday> = all
            .iter()
            .map(|(year, h)| Holiday {
                name: format!("{year}年{}", h.name),
                ..(*h).clone()
            })
            .collect();
        check_together(&labelled, |h| holiday_place(&h.name))?;

        let mut rest = Vec::new();
        let mut work = Vec::new();
        for (yi, y) in years.iter().enumerate() {
            for (hi, h) in y.holidays.iter().enumerate() {
                rest.push((h.from, h.to, yi, hi));
                work.extend_from_slice(&h.workdays);
            }
        }
        rest.sort_unstable();
        work.sort_unstable();
        Ok(Calendar { years, rest, work })
    }

    /// True when a holiday file for `year` is loaded.
    #[must_use]
    pub fn covers(&self, year: i32) -> bool {
        self.year(year).is_some()
    }

    /// The file of `year`, if loaded.
    #[must_use]
    pub fn year(&self, year: i32) -> Option<&HolidayCalendar> {
        self.years
            .binary_search_by_key(&year, |y| y.year)
            .ok()
            .and_then(|i| self.years.get(i))
    }

    /// The loaded year files, in year order.
    #[must_use]
    pub fn years(&self) -> &[HolidayCalendar] {
        &self.years
    }

    /// True when `year` is loaded from a provisional file (see the module docs); false when it
    /// is official or not loaded.
    #[must_use]
    pub fn is_provisional(&self, year: i32) -> bool {
        self.year(year).is_some_and(HolidayCalendar::provisional)
    }

    /// The holiday `day` is a rest day of, if any (whether or not its year is covered).
    #[must_use]
    pub fn holiday_on(&self, day: Date) -> Option<&Holiday> {
        // Ranges are sorted and disjoint: the candidate is the last one starting on or before.
        let i = self.rest.partition_point(|r| r.0 <= day).checked_sub(1)?;
        let &(from, to, yi, hi) = self.rest.get(i)?;
        if from <= day && day <= to {
            self.years.get(yi)?.holidays.get(hi)
        } else {
            None
        }
    }

    /// True when `day` is a working day: a make-up workday, or else Monday to Friday outside
    /// every holiday.
    ///
    /// # Errors
    /// [`CalendarError::NotCovered`] when no file for `day`'s year is loaded.
    pub fn is_working_day(&self, day: Date) -> Result<bool, CalendarError> {
        if !self.covers(day.year()) {
            return Err(CalendarError::NotCovered { year: day.year() });
        }
        if self.work.binary_search(&day).is_ok() {
            return Ok(true);
        }
        Ok(self.holiday_on(day).is_none() && !day.weekday().is_weekend())
    }

    /// The day a certificate received on `received` is due (4.5-9, 当场办结 / 限时办结).
    ///
    /// - [`Processing::SameDay`] (and `WorkingDays(0)`): `received` itself when it is a working
    ///   day, else the next working day. An application handed in on a rest day is dealt with on
    ///   the first day the office works.
    /// - [`Processing::WorkingDays(n)`](Processing::WorkingDays): the n-th working day after
    ///   `received`. The day of receipt is not counted, whatever the hour and whether or not it
    ///   is a working day (民法典第二百零一条: 开始的当日不计入); rest days are skipped, make-up
    ///   workdays count. Received on Friday 2026-02-13 with 2 working days: Saturday 02-14 is a
    ///   make-up workday (day 1), 02-15 … 02-23 is the Spring Festival, so the certificate is due
    ///   on Tuesday 02-24.
    ///
    /// # Errors
    /// [`CalendarError::NotCovered`] for the first year counted into that has no file.
    pub fn due_date(&self, received: Date, processing: Processing) -> Result<Date, CalendarError> {
        let n = processing.working_days();
        let mut day = received;
        if n == 0 {
            while !self.is_working_day(day)? {
                day = self.next(day)?;
            }
            return Ok(day);
        }
        let mut counted = 0;
        while counted < n {
            day = self.next(day)?;
            if self.is_working_day(day)? {
                counted += 1;
            }
        }
        Ok(day)
    }

    /// Working days in `(from, to]`: after `from`, up to and including `to`; the negative count
    /// of `(to, from]` when `to` is earlier, so `working_days_between(a, b) ==
    /// -working_days_between(b, a)`.
    ///
    /// This is the count [`Calendar::due_date`] uses: for `n ≥ 1`,
    /// `working_days_between(received, due_date(received, WorkingDays(n))) == n`. Applied to a
    /// due date and the day of issue it gives how many working days a certificate was late.
    ///
    /// # Errors
    /// [`CalendarError::NotCovered`] when a day counted has no file.
    pub fn working_days_between(&self, from: Date, to: Date) -> Result<i32, CalendarError> {
        let (start, end, sign) = if from <= to {
            (from, to, 1)
        } else {
            (to, from, -1)
        };
        let mut count = 0;
        let mut day = start;
        while day < end {
            day = self.next(day)?;
            if self.is_working_day(day)? {
                count += 1;
            }
        }
        Ok(sign * count)
    }

    fn next(&self, day: Date) -> Result<Date, CalendarError> {
        day.next_day().ok_or(CalendarError::NotCovered {
            year: day.year().saturating_add(1),
        })
    }
}

/// How a holiday is named in messages.
fn holiday_place(name: &str) -> String {
    ["假日“", name, "”"].concat()
}

fn wrong_type(place: &str, field: &'static str, expected: &'static str) -> CalendarError {
    CalendarError::WrongType {
        place: place.to_owned(),
        field,
        expected,
    }
}

/// Rejects keys other than `allowed` (the first in the table's order).
fn only_keys(table: &Table, place: &str, allowed: &[&str]) -> Result<(), CalendarError> {
    match table.keys().find(|k| !allowed.contains(&k.as_str())) {
        Some(field) => Err(CalendarError::UnknownField {
            place: place.to_owned(),
            field: field.clone(),
        }),
        None => Ok(()),
    }
}

fn required<'t>(
    table: &'t Table,
    place: &str,
    field: &'static str,
) -> Result<&'t Value, CalendarError> {
    table.get(field).ok_or_else(|| CalendarError::MissingField {
        place: place.to_owned(),
        field,
    })
}

/// A required, non-blank string, trimmed.
fn text_field(table: &Table, place: &str, field: &'static str) -> Result<String, CalendarError> {
    match required(table, place, field)? {
        Value::String(s) if s.trim().is_empty() => Err(CalendarError::EmptyField {
            place: place.to_owned(),
            field,
        }),
        Value::String(s) => Ok(s.trim().to_owned()),
        _ => Err(wrong_type(place, field, "字符串")),
    }
}

fn date_value(value: &Value, place: &str, field: &'static str) -> Result<Date, CalendarError> {
    let Value::String(s) = value else {
        return Err(wrong_type(place, field, DATE_STRING));
    };
    Date::parse(s).ok_or_else(|| CalendarError::MalformedDate {
        place: place.to_owned(),
        field,
        value: s.clone(),
    })
}

/// Parses and checks one `[[holiday]]` table on its own.
fn holiday(raw: &Value, index: usize, year: i32) -> Result<Holiday, CalendarError> {
    let numbered = format!("第{}个假日", index + 1);
    let Value::Table(table) = raw else {
        return Err(wrong_type(&numbered, "holiday", "[[holiday]] 表"));
    };
    only_keys(table, &numbered, &["name", "from", "to", "workdays"])?;
    let name = text_field(table, &numbered, "name")?;
    let place = holiday_place(&name);
    let from = date_value(required(table, &place, "from")?, &place, "from")?;
    let to = date_value(required(table, &place, "to")?, &place, "to")?;
    let workdays = match table.get("workdays") {
        None => Vec::new(),
        Some(Value::Array(items)) => items
            .iter()
            .map(|v| date_value(v, &place, "workdays"))
            .collect::<Result<Vec<Date>, CalendarError>>()?,
        Some(_) => return Err(wrong_type(&place, "workdays", "日期字符串的数组")),
    };
    if from > to {
        return Err(CalendarError::FromAfterTo { holiday: place });
    }
    // December of the year before is allowed for New Year (see the module docs).
    let in_window = |d: Date| d.year() == year || (d.year() == year - 1 && d.month() == 12);
    let outside = [from, to]
        .into_iter()
        .chain(workdays.iter().copied())
        .find(|d| !in_window(*d))
        .or((to.year() != year).then_some(to));
    if let Some(date) = outside {
        return Err(CalendarError::OutsideYear {
            holiday: place,
            date,
            year,
        });
    }
    if let Some(date) = workdays.iter().find(|d| !d.weekday().is_weekend()) {
        return Err(CalendarError::WorkdayNotWeekend {
            holiday: place,
            date: *date,
            weekday: date.weekday(),
        });
    }
    Ok(Holiday {
        name,
        from,
        to,
        workdays,
    })
}

/// Checks holidays against each other: names unique, ranges disjoint, make-up workdays outside
/// every range and listed once. `label` names a holiday in messages.
fn check_together(
    holidays: &[Holiday],
    label: impl Fn(&Holiday) -> String,
) -> Result<(), CalendarError> {
    for (i, h) in holidays.iter().enumerate() {
        if holidays[..i].iter().any(|e| e.name == h.name) {
            return Err(CalendarError::DuplicateName { holiday: label(h) });
        }
    }
    let mut by_start: Vec<&Holiday> = holidays.iter().collect();
    by_start.sort_by_key(|h| (h.from, h.to));
    if let Some(pair) = by_start.windows(2).find(|w| w[1].from <= w[0].to) {
        return Err(CalendarError::Overlap {
            first: label(pair[0]),
            second: label(pair[1]),
        });
    }
    let mut seen: Vec<Date> = Vec::new();
    for h in holidays {
        for &date in &h.workdays {
            if let Some(inside) = holidays.iter().find(|o| o.contains(date)) {
                return Err(CalendarError::WorkdayInHoliday {
                    holiday: label(h),
                    date,
                    inside: label(inside),
                });
            }
            if seen.contains(&date) {
                return Err(CalendarError::DuplicateWorkday { date });
            }
            seen.push(date);
        }
    }
    Ok(())
}
