//! Time for the domain: real in production, movable in tests (so that expiry, lockout and
//! deadlines can be tested without sleeping).

use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};

use chrono::{DateTime, NaiveDate, NaiveDateTime};

/// Beijing time is UTC+8 all year (no daylight saving).
const CST_OFFSET_MS: i64 = 8 * 3_600_000;

/// Unix milliseconds as Beijing wall-clock time.
pub fn to_cst(ms: i64) -> Option<NaiveDateTime> {
    DateTime::from_timestamp_millis(ms + CST_OFFSET_MS).map(|t| t.naive_utc())
}

/// The Beijing calendar date of an instant.
pub fn cst_date(ms: i64) -> Option<NaiveDate> {
    to_cst(ms).map(|t| t.date())
}

/// Formats Unix milliseconds as Beijing time, `2026-11-28 16:20:05`.
pub fn fmt_ms(ms: i64) -> String {
    match to_cst(ms) {
        Some(t) => t.format("%Y-%m-%d %H:%M:%S").to_string(),
        None => String::from("-"),
    }
}

/// The instant a Beijing calendar day (`YYYY-MM-DD`) begins, for date filters; a malformed day
/// is an error on `field`.
pub fn day_start_ms(day: &str, field: &'static str) -> crate::Result<i64> {
    let d = NaiveDate::parse_from_str(day.trim(), "%Y-%m-%d")
        .map_err(|_| crate::DomainError::field(field, "date_invalid", "日期格式应为 YYYY-MM-DD"))?;
    let t = d
        .and_hms_opt(0, 0, 0)
        .ok_or_else(crate::DomainError::internal)?;
    Ok(t.and_utc().timestamp_millis() - CST_OFFSET_MS)
}

/// A calendar date as the rules crate's [`jianfu_rules::Date`].
pub fn rules_date(d: NaiveDate) -> crate::Result<jianfu_rules::Date> {
    use chrono::Datelike;
    u8::try_from(d.month())
        .ok()
        .zip(u8::try_from(d.day()).ok())
        .and_then(|(m, day)| jianfu_rules::Date::new(d.year(), m, day))
        .ok_or_else(crate::DomainError::internal)
}

#[derive(Clone, Debug)]
pub struct Clock {
    /// Added to the system time; tests move it forward.
    offset_ms: Arc<AtomicI64>,
}

impl Default for Clock {
    fn default() -> Self {
        Self::system()
    }
}

impl Clock {
    pub fn system() -> Self {
        Self {
            offset_ms: Arc::new(AtomicI64::new(0)),
        }
    }

    pub fn now_ms(&self) -> i64 {
        chrono::Utc::now().timestamp_millis() + self.offset_ms.load(Ordering::Relaxed)
    }

    /// Moves this clock (and every copy of it) forward. For tests and demos of deadlines.
    pub fn advance_ms(&self, ms: i64) {
        self.offset_ms.fetch_add(ms, Ordering::Relaxed);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_in_beijing_time() {
        // 2026-01-01T00:00:00Z is 08:00 in Beijing.
        assert_eq!(fmt_ms(1_767_225_600_000), "2026-01-01 08:00:00");
    }

    #[test]
    fn advance_moves_all_copies() {
        let c = Clock::system();
        let d = c.clone();
        let before = d.now_ms();
        c.advance_ms(3_600_000);
        assert!(d.now_ms() - before >= 3_600_000);
    }
}
