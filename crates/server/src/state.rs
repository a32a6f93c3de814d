//! What every handler shares: the domain application, server settings and metrics.

use std::sync::Arc;

use jianfu_domain::App;

use crate::metrics::Metrics;

#[derive(Clone, Debug, Default)]
pub struct ServerConfig {
    /// Mark cookies `Secure` (set when the server is reached over HTTPS, directly or through a
    /// proxy that terminates TLS).
    pub secure_cookies: bool,
    /// Take the client address from `X-Forwarded-For` (only behind a trusted proxy).
    pub trust_forwarded_for: bool,
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
    /// Failed certificate verifications per client address (20 per 10 minutes).
    pub verify_failures: Arc<crate::limit::FailureLimiter>,
    /// Anonymous public reports per client address (5 per hour).
    pub public_reports: Arc<crate::limit::FailureLimiter>,
    /// Follow-up codes that found no case, per client address (10 per 10 minutes).
    pub follow_up_failures: Arc<crate::limit::FailureLimiter>,
}

impl AppState {
    pub fn new(app: App, config: ServerConfig) -> Self {
        Self {
            app,
            config: Arc::new(config),
            metrics: Arc::new(Metrics::new()),
            verify_failures: Arc::new(crate::limit::FailureLimiter::new(20, 10 * 60 * 1000)),
            public_reports: Arc::new(crate::limit::FailureLimiter::new(5, 60 * 60 * 1000)),
            follow_up_failures: Arc::new(crate::limit::FailureLimiter::new(10, 10 * 60 * 1000)),
        }
    }
}
