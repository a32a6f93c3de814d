//! What every handler shares: the domain application, server settings and metrics.

use std::sync::Arc;

use jianfu_domain::App;
use jianfu_domain::rate_limit::{self, RateLimit};

use crate::metrics::Metrics;

#[derive(Clone, Debug, Default)]
pub struct ServerConfig {
    /// Mark cookies `Secure` (set when the server is reached over HTTPS, directly or through a
    /// proxy that terminates TLS).
    pub secure_cookies: bool,
    /// The proxies whose `X-Forwarded-For` is believed (addresses or networks); from any other
    /// peer the header is ignored and the socket's address is the client's.
    pub trusted_proxies: Vec<crate::net::IpNet>,
    /// Who may read `/metrics` without a token (the client address as resolved through the
    /// trusted proxies); `None` for the loopback addresses only.
    pub metrics_allow: Option<Vec<crate::net::IpNet>>,
    /// A bearer token that opens `/metrics` from any address (`Authorization: Bearer …`).
    pub metrics_token: Option<String>,
    /// How often the escalation of overdue rectifications runs; `None` for
    /// [`DEFAULT_ESCALATION_PERIOD`] (hourly).
    pub escalation_period: Option<std::time::Duration>,
}

/// The escalation job's default period: a notice becomes overdue at midnight, so an hour's
/// delay is immaterial and the job stays cheap.
pub const DEFAULT_ESCALATION_PERIOD: std::time::Duration = std::time::Duration::from_secs(3600);

#[derive(Clone)]
pub struct AppState {
    pub app: App,
    pub config: Arc<ServerConfig>,
    pub metrics: Arc<Metrics>,
    /// Failed certificate verifications per client address (20 per 10 minutes). The limits
    /// are counted in the database, so they hold across servers (`jianfu_domain::rate_limit`).
    pub verify_failures: RateLimit,
    /// Anonymous public reports per client address (5 per hour).
    pub public_reports: RateLimit,
    /// Follow-up codes that found no case, per client address (10 per 10 minutes).
    pub follow_up_failures: RateLimit,
    /// Satisfaction codes that found nothing, per client address (10 per 10 minutes).
    pub satisfaction_codes: RateLimit,
}

impl AppState {
    pub fn new(app: App, config: ServerConfig) -> Self {
        Self {
            app,
            config: Arc::new(config),
            metrics: Arc::new(Metrics::new()),
            verify_failures: rate_limit::VERIFY_FAILURES,
            public_reports: rate_limit::PUBLIC_REPORTS,
            follow_up_failures: rate_limit::FOLLOW_UP_FAILURES,
            satisfaction_codes: rate_limit::SATISFACTION_CODE_FAILURES,
        }
    }
}
