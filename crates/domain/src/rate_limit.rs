//! Limits per client address on the public endpoints that can be used to guess or to flood
//! (certificate verification, anonymous reports, follow-up and satisfaction codes). Counted in
//! the database every server shares (`repo::rate_limits`), so that the limit holds in total
//! when several servers answer behind one proxy, not per process (issue 17 §3). A fixed window
//! per address begins at its first hit; the count is bookkeeping, not a change of record, and
//! is not audited (like a session's last-seen time). The limit is checked before the work and
//! counted after it: requests of one address sent at the same moment may all pass the check,
//! so the overshoot is at most the number of such requests in flight.

use crate::{App, Result};

/// One limit: at most `max` hits per address in a window of `window_ms`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RateLimit {
    /// Its name in the table (`rate_window.bucket`).
    pub bucket: &'static str,
    pub max: u32,
    pub window_ms: i64,
}

const MINUTE_MS: i64 = 60_000;

/// Failed certificate verifications: 20 per 10 minutes.
pub const VERIFY_FAILURES: RateLimit = RateLimit {
    bucket: "verify_failure",
    max: 20,
    window_ms: 10 * MINUTE_MS,
};
/// Anonymous public reports filed: 5 per hour.
pub const PUBLIC_REPORTS: RateLimit = RateLimit {
    bucket: "public_report",
    max: 5,
    window_ms: 60 * MINUTE_MS,
};
/// Follow-up codes of public reports that found no case: 10 per 10 minutes.
pub const FOLLOW_UP_FAILURES: RateLimit = RateLimit {
    bucket: "follow_up_failure",
    max: 10,
    window_ms: 10 * MINUTE_MS,
};
/// Satisfaction codes that found nothing: 10 per 10 minutes.
pub const SATISFACTION_CODE_FAILURES: RateLimit = RateLimit {
    bucket: "satisfaction_code_failure",
    max: 10,
    window_ms: 10 * MINUTE_MS,
};

/// The longest an address text is kept as it came (a longer one is cut: the column's width).
const MAX_SUBJECT_CHARS: usize = 200;

fn subject(address: Option<&str>) -> String {
    address
        .unwrap_or("unknown")
        .chars()
        .take(MAX_SUBJECT_CHARS)
        .collect()
}

impl App {
    /// Whether the client `address` may try again now under `limit`.
    pub async fn rate_allowed(&self, limit: RateLimit, address: Option<&str>) -> Result<bool> {
        let hits = jianfu_store::repo::rate_limits::hits(
            self.store.db(),
            limit.bucket,
            &subject(address),
            self.now_ms(),
            limit.window_ms,
        )
        .await?;
        Ok(hits < i64::from(limit.max))
    }

    /// Counts one hit of the client `address` under `limit`.
    pub async fn rate_count(&self, limit: RateLimit, address: Option<&str>) -> Result<()> {
        // Bookkeeping, not a change of record: not audited.
        jianfu_store::repo::rate_limits::hit(
            self.store.db(),
            limit.bucket,
            &subject(address),
            self.now_ms(),
            limit.window_ms,
        )
        .await?;
        Ok(())
    }
}
