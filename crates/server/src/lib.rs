//! jianfu's web server: the HTML views (askama + htmx), the JSON API under `/api/v1`, and the
//! layers every response passes through (access gate, CSRF, security headers, metrics).

mod access;
mod api;
mod assets;
mod error;
mod extract;
mod metrics;
pub mod net;
mod request_id;
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

/// The largest request body any route takes (uploads of files, as forms or as base64 JSON): a
/// proxy in front must let bodies of this size through (`client_max_body_size` in
/// `deploy/nginx/jianfu.conf`, checked by a test); the server refuses larger ones per route.
pub const LARGEST_BODY_LIMIT: usize = {
    let limits = [
        BODY_LIMIT,
        views::import::UPLOAD_BODY_LIMIT,
        views::plaques::PHOTO_BODY_LIMIT,
        views::comprehensive::NOMINATION_BODY_LIMIT,
        views::certificates::APPLY_BODY_LIMIT,
        views::certificates::VERIFY_FILE_BODY_LIMIT,
        views::form_return::TEMPLATE_BODY_LIMIT,
        api::plaques::PHOTO_JSON_LIMIT,
        api::comprehensive::NOMINATION_JSON_LIMIT,
        api::certificates::APPLY_JSON_LIMIT,
    ];
    let mut max = 0;
    let mut i = 0;
    while i < limits.len() {
        if limits[i] > max {
            max = limits[i];
        }
        i += 1;
    }
    max
};

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
    let app = state.app.clone();
    let detector = tokio::spawn(periodically(
        DETECTOR_PERIOD,
        "overdue temporary plaques and relapses (discontinued certificates, removed plaques, revoked demands) flagged",
        move || {
            let app = app.clone();
            async move {
                let overdue = app.run_plaque_detectors().await.map(|r| r.flagged);
                // The detectors on data (issue 14 §2, 4.1-8), on the same tick.
                let relapses = app.run_data_detectors().await.map(|r| r.flagged)?;
                Ok(i64::try_from(overdue? + relapses).unwrap_or(i64::MAX))
            }
        },
    ));
    // The escalation of overdue rectifications (5.3-3): each run is recorded in `job_run` by
    // the use case itself, with its error if it failed. Safe with several server processes
    // (see `jianfu_domain::escalation`).
    let app = state.app.clone();
    let escalation = tokio::spawn(periodically(
        state
            .config
            .escalation_period
            .unwrap_or(state::DEFAULT_ESCALATION_PERIOD),
        "overdue rectifications escalated and missed monitoring months recorded",
        move || {
            let app = app.clone();
            // The monitoring points' missed months (4.1-8) first, on the same tick: each run
            // is recorded in `job_run` too, before the escalation's, which tests wait for.
            async move {
                let missed = app.record_missed_monitoring().await.map(|r| r.missed);
                let escalated = app.escalate_overdue().await.map(|r| r.escalated)?;
                Ok(missed? + escalated)
            }
        },
    ));
    let app = router(state).into_make_service_with_connect_info::<SocketAddr>();
    let served = axum::serve(listener, app)
        .with_graceful_shutdown(shutdown)
        .await;
    detector.abort();
    escalation.abort();
    served
}

/// How often the background detectors run (the first run is at start).
const DETECTOR_PERIOD: std::time::Duration = std::time::Duration::from_secs(60);

/// A background job inside the server: `run` at start and then every `period` (at least a
/// second), logging what it changed when it changed something (`what` says what that is). A
/// failed run is logged and retried at the next tick; it never stops the server.
async fn periodically<F, Fut>(period: std::time::Duration, what: &'static str, run: F)
where
    F: Fn() -> Fut,
    Fut: std::future::Future<Output = jianfu_domain::Result<i64>>,
{
    let mut tick = tokio::time::interval(period.max(std::time::Duration::from_secs(1)));
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tick.tick().await;
        match run().await {
            Ok(0) => {}
            Ok(changed) => tracing::info!(changed, "{what}"),
            Err(e) => tracing::error!(error = %e, job = what, "a background job's run failed"),
        }
    }
}

#[cfg(test)]
mod tests {
    /// The proxy in front must take what the server takes (issue 17 §5).
    #[test]
    fn nginx_takes_the_largest_body_a_route_takes() {
        let conf = include_str!("../../../deploy/nginx/jianfu.conf");
        let line = format!("client_max_body_size {};", super::LARGEST_BODY_LIMIT);
        assert!(
            conf.lines().any(|l| l.trim() == line),
            "deploy/nginx/jianfu.conf should say `{line}`"
        );
    }
}
