//! Prometheus metrics: request counts and latencies by route pattern (never by raw path, so
//! that ids in URLs cannot blow up the number of series), and the database pools' figures.
//! `/metrics` answers only the addresses of `metrics_allow` (the loopback addresses by default)
//! or a caller with the `metrics_token`.

use std::net::SocketAddr;
use std::time::Instant;

use axum::extract::{ConnectInfo, MatchedPath, Request, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{Histogram, exponential_buckets};
use prometheus_client::registry::Registry;

use crate::state::AppState;

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct RequestLabels {
    pub method: String,
    pub route: String,
    pub status: u16,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct RouteLabels {
    pub route: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct PoolLabels {
    pub pool: String,
}

pub struct Metrics {
    registry: Registry,
    requests: Family<RequestLabels, Counter>,
    latency: Family<RouteLabels, Histogram>,
    /// The database pools, set from [`jianfu_domain::App::database_pools`] at each scrape.
    pool_max: Family<PoolLabels, Gauge>,
    pool_size: Family<PoolLabels, Gauge>,
    pool_idle: Family<PoolLabels, Gauge>,
    pool_in_use: Family<PoolLabels, Gauge>,
    pool_timeouts: Family<PoolLabels, Gauge>,
}

impl std::fmt::Debug for Metrics {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Metrics")
    }
}

fn latency_histogram() -> Histogram {
    Histogram::new(exponential_buckets(0.001, 2.0, 14))
}

impl Metrics {
    pub fn new() -> Self {
        let mut registry = Registry::with_prefix("jianfu");
        let requests = Family::<RequestLabels, Counter>::default();
        let latency = Family::<RouteLabels, Histogram>::new_with_constructor(
            latency_histogram as fn() -> Histogram,
        );
        registry.register("http_requests", "HTTP requests served", requests.clone());
        registry.register(
            "http_request_duration_seconds",
            "Time to serve HTTP requests",
            latency.clone(),
        );
        let gauge = |registry: &mut Registry, name: &str, help: &str| {
            let g = Family::<PoolLabels, Gauge>::default();
            registry.register(name, help, g.clone());
            g
        };
        let pool_max = gauge(
            &mut registry,
            "db_pool_max_connections",
            "Most connections the database pool opens",
        );
        let pool_size = gauge(
            &mut registry,
            "db_pool_connections",
            "Connections the database pool holds open now (in use and idle)",
        );
        let pool_idle = gauge(
            &mut registry,
            "db_pool_idle_connections",
            "Idle connections of the database pool",
        );
        let pool_in_use = gauge(
            &mut registry,
            "db_pool_in_use_connections",
            "Connections of the database pool in use",
        );
        let pool_timeouts = gauge(
            &mut registry,
            "db_pool_acquire_timeouts",
            "Requests refused (429 database_busy) because no pooled connection came within the pool's wait, since start",
        );
        Self {
            registry,
            requests,
            latency,
            pool_max,
            pool_size,
            pool_idle,
            pool_in_use,
            pool_timeouts,
        }
    }

    /// Takes the pools' figures of now into the gauges.
    fn set_pools(&self, pools: &[jianfu_domain::PoolFigures]) {
        let g = |i: u64| i64::try_from(i).unwrap_or(i64::MAX);
        for p in pools {
            let l = PoolLabels {
                pool: p.pool.to_owned(),
            };
            self.pool_max.get_or_create(&l).set(g(p.max.into()));
            self.pool_size.get_or_create(&l).set(g(p.size.into()));
            self.pool_idle.get_or_create(&l).set(g(p.idle.into()));
            self.pool_in_use.get_or_create(&l).set(g(p.in_use.into()));
            self.pool_timeouts
                .get_or_create(&l)
                .set(g(p.acquire_timeouts));
        }
    }

    pub fn render(&self) -> String {
        let mut out = String::new();
        if prometheus_client::encoding::text::encode(&mut out, &self.registry).is_err() {
            out.clear();
        }
        out
    }
}

impl Default for Metrics {
    fn default() -> Self {
        Self::new()
    }
}

pub async fn track(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let start = Instant::now();
    let method = req.method().to_string();
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map(|p| p.as_str().to_owned())
        .unwrap_or_else(|| "unmatched".to_owned());
    let res = next.run(req).await;
    state
        .metrics
        .requests
        .get_or_create(&RequestLabels {
            method,
            route: route.clone(),
            status: res.status().as_u16(),
        })
        .inc();
    state
        .metrics
        .latency
        .get_or_create(&RouteLabels { route })
        .observe(start.elapsed().as_secs_f64());
    res
}

/// Whether the caller may read the metrics: the right bearer token from anywhere, else a client
/// address (through the trusted proxies) in `metrics_allow`.
fn may_read(state: &AppState, headers: &HeaderMap, conn: Option<&ConnectInfo<SocketAddr>>) -> bool {
    if let Some(token) = &state.config.metrics_token
        && let Some(sent) = headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
    {
        return crate::access::same_secret(sent.trim(), token);
    }
    let Some(ip) = crate::access::client_ip(state, headers, conn).and_then(|ip| ip.parse().ok())
    else {
        return false;
    };
    match &state.config.metrics_allow {
        Some(nets) => crate::net::any_contains(nets, ip),
        None => crate::net::any_contains(&crate::net::IpNet::loopback(), ip),
    }
}

pub async fn metrics_page(State(state): State<AppState>, req: Request) -> Response {
    let conn = req.extensions().get::<ConnectInfo<SocketAddr>>();
    if !may_read(&state, req.headers(), conn) {
        return crate::error::problem(
            StatusCode::FORBIDDEN,
            "metrics_forbidden",
            "运行指标只对配置的地址（metrics_allow）或持有指标令牌（metrics_token）的调用方开放",
            None,
        );
    }
    state.metrics.set_pools(&state.app.database_pools());
    (
        [(
            header::CONTENT_TYPE,
            "application/openmetrics-text; version=1.0.0; charset=utf-8",
        )],
        state.metrics.render(),
    )
        .into_response()
}
