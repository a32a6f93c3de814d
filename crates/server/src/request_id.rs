//! A request id per request: the client's (or the proxy's) `X-Request-Id` when it is
//! well-formed, else a new one. It is echoed in the `X-Request-Id` response header, carried by
//! every log line written while the request is served (a `request` span), written in one
//! structured line per request (target `jianfu::request`), and shown on the HTML error page
//! ("请求编号 …") so that a user can quote it to the administrator.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Instant;

use axum::extract::{ConnectInfo, MatchedPath, Request, State};
use axum::http::HeaderValue;
use axum::middleware::Next;
use axum::response::Response;
use tracing::Instrument;

use crate::state::AppState;

pub const HEADER: &str = "x-request-id";

tokio::task_local! {
    static REQUEST_ID: Arc<str>;
}

/// The id of the request being served on this task, if any.
pub fn current() -> Option<Arc<str>> {
    REQUEST_ID.try_with(Arc::clone).ok()
}

/// An incoming id is taken as it is when it is 1–64 characters of letters, digits and `-._:`
/// (a UUID, nginx's `$request_id`, a trace id); anything else is replaced, never logged.
pub fn well_formed(id: &str) -> bool {
    (1..=64).contains(&id.len())
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b':'))
}

/// 128 random bits as 32 lowercase hex digits.
fn generate() -> String {
    let bytes: [u8; 16] = rand::random();
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

pub async fn layer(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let start = Instant::now();
    let id: Arc<str> = req
        .headers()
        .get(HEADER)
        .and_then(|v| v.to_str().ok())
        .filter(|v| well_formed(v))
        .map(Arc::from)
        .unwrap_or_else(|| Arc::from(generate()));
    let method = req.method().clone();
    let path = req.uri().path().to_owned();
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map(|p| p.as_str().to_owned());
    let conn = req.extensions().get::<ConnectInfo<SocketAddr>>().cloned();
    let client = crate::access::client_ip(&state, req.headers(), conn.as_ref());
    let span = tracing::info_span!("request", id = %id);
    let mut res = REQUEST_ID
        .scope(id.clone(), next.run(req).instrument(span))
        .await;
    if let Ok(v) = HeaderValue::from_str(&id) {
        res.headers_mut().insert(HEADER, v);
    }
    // Paths only, never query strings (they may carry tokens and search terms).
    tracing::info!(
        target: "jianfu::request",
        request_id = %id,
        method = %method,
        path = %path,
        route = %route.as_deref().unwrap_or("unmatched"),
        status = res.status().as_u16(),
        ms = %format!("{:.1}", start.elapsed().as_secs_f64() * 1000.0),
        client = %client.as_deref().unwrap_or("-"),
        "request served"
    );
    res
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn incoming_ids_are_checked() {
        assert!(well_formed("0f8e2c1a-9d3b-4c55-8e7f-1234567890ab"));
        assert!(well_formed("nginx.abc_1:2"));
        assert!(!well_formed(""));
        assert!(!well_formed(&"a".repeat(65)));
        assert!(!well_formed("a b"));
        assert!(!well_formed("a\"<script>"));
        assert!(!well_formed("编号"));
        let g = generate();
        assert_eq!(g.len(), 32);
        assert!(well_formed(&g));
        assert_ne!(g, generate());
    }
}
