//! Health checks for load balancers and monitoring: `/healthz` answers only when the database
//! does; `/livez` only says the process serves HTTP (liveness), without touching the database.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::IntoResponse;

use crate::state::AppState;

pub async fn healthz(State(state): State<AppState>) -> impl IntoResponse {
    match state.app.root_node().await {
        Ok(_) => (StatusCode::OK, "ok"),
        Err(_) => (StatusCode::SERVICE_UNAVAILABLE, "database unavailable"),
    }
}

/// Liveness: the process is up and serving requests. Restart it when this fails; take it out
/// of rotation when `/healthz` fails.
pub async fn livez() -> &'static str {
    "ok"
}
