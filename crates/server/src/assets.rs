//! Static assets compiled into the binary, so the product runs offline from any directory.

use crate::extract::Path;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};

const APP_CSS: &str = include_str!("../../../static/app.css");
const HTMX: &str = include_str!("../../../static/vendor/htmx.min.js");
const APP_JS: &str = include_str!("../../../static/app.js");
/// Chart.js, vendored (static/vendor/README.md); only the overview page loads it.
const CHART_JS: &str = include_str!("../../../static/vendor/chart.umd.js");
const OVERVIEW_JS: &str = include_str!("../../../static/overview.js");

pub async fn asset(Path(name): Path<String>) -> Response {
    let (body, ctype) = match name.as_str() {
        "app.css" => (APP_CSS, "text/css; charset=utf-8"),
        "htmx.min.js" => (HTMX, "text/javascript; charset=utf-8"),
        "app.js" => (APP_JS, "text/javascript; charset=utf-8"),
        "chart.umd.js" => (CHART_JS, "text/javascript; charset=utf-8"),
        "overview.js" => (OVERVIEW_JS, "text/javascript; charset=utf-8"),
        _ => return crate::error::not_found_page().into_response(),
    };
    (
        StatusCode::OK,
        [
            (header::CONTENT_TYPE, ctype),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        body,
    )
        .into_response()
}
