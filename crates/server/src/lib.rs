//! jianfu's web server: the HTML views (askama + htmx), the JSON API under `/api/v1`, and the
//! layers every response passes through (access gate, CSRF, security headers, metrics).

mod access;
mod api;
mod assets;
mod error;
mod extract;
mod metrics;
mod routes;
mod state;
mod views;

use std::net::SocketAddr;

pub use access::Access;
pub use api::openapi_json;
pub use routes::{RouteSpec, route_table};
pub use state::{AppState, ServerConfig};

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
    let app = router(state).into_make_service_with_connect_info::<SocketAddr>();
    axum::serve(listener, app)
        .with_graceful_shutdown(shutdown)
        .await
}
