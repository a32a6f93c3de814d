//! jianfu's web server: the HTML views (askama + htmx), the JSON API under `/api/v1`, and the
//! layers every response passes through (access gate, CSRF, security headers, metrics).

mod access;
mod api;
mod assets;
mod error;
mod extract;
mod limit;
mod metrics;
mod routes;
mod state;
mod views;

use std::net::SocketAddr;

pub use access::Access;
pub use api::openapi_json;
pub use routes::{RouteSpec, route_table};
pub use state::{AppState, DEFAULT_ESCALATION_PERIOD, ServerConfig};

/// Requests larger than this are refused with 413 before any handler runs.
pub const BODY_LIMIT: usize = 1024 * 1024;

/// Builds the complete router for a state. Every route comes from [`route_table`], each with
/// its declared access policy.
pub fn router(state: AppState) -> axum::Router {
    routes::build(state)
}

/// Binds `addr` and serves until `shutdown` resolves. Returns the bound address through
/// `on_bound` (useful with port 0).
pub async fn serve(
    state: AppState,
    listener: tokio::net::TcpListener,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let detector = tokio::spawn(run_detectors(state.app.clone()));
    let escalation = tokio::spawn(run_escalation(
        state.app.clone(),
        state
            .config
            .escalation_period
            .unwrap_or(state::DEFAULT_ESCALATION_PERIOD),
    ));
    let app = router(state).into_make_service_with_connect_info::<SocketAddr>();
    let served = axum::serve(listener, app)
        .with_graceful_shutdown(shutdown)
        .await;
    detector.abort();
    escalation.abort();
    served
}

/// The scheduled escalation of overdue rectifications (5.3-3), at start and then every
/// `period`: each run is recorded in `job_run` by the use case itself (with its error, if it
/// failed); a failed run is logged and retried at the next tick, never stopping the server. Safe
/// with several server processes (see `jianfu_domain::escalation`).
async fn run_escalation(app: jianfu_domain::App, period: std::time::Duration) {
    let mut tick = tokio::time::interval(period.max(std::time::Duration::from_secs(1)));
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tick.tick().await;
        match app.escalate_overdue().await {
            Ok(r) if r.escalated > 0 => {
                tracing::info!(
                    escalated = r.escalated,
                    examined = r.examined,
                    "overdue rectifications escalated"
                );
            }
            Ok(_) => {}
            Err(e) => tracing::error!(error = %e, "escalation run failed"),
        }
    }
}

/// How often the background detectors run (the first run is at start).
const DETECTOR_PERIOD: std::time::Duration = std::time::Duration::from_secs(60);

/// The background job: the overdue-temporary-plaque detector (4.1-5) at start and then every
/// minute. A failed run is logged and retried at the next tick; it never stops the server.
/// Safe with several server processes: the detector inserts each case at most once.
async fn run_detectors(app: jianfu_domain::App) {
    let mut tick = tokio::time::interval(DETECTOR_PERIOD);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tick.tick().await;
        match app.run_plaque_detectors().await {
            Ok(r) if r.flagged > 0 => {
                tracing::info!(
                    flagged = r.flagged,
                    checked = r.checked,
                    "overdue temporary plaques flagged"
                );
            }
            Ok(_) => {}
            Err(e) => tracing::error!(error = %e, "plaque detector run failed"),
        }
    }
}
