//! `/api/v1/audit`: the audit log for the audit administrator.

use axum::Json;
use axum::extract::State;
use jianfu_domain::audit_log::AuditFilter;
use jianfu_domain::page::PageRequest;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::access::CurrentUser;
use crate::api::{PageOut, texts};
use crate::error::{ApiError, Problem};
use crate::extract::Query;
use crate::state::AppState;

#[derive(Serialize, ToSchema)]
pub struct AuditOut {
    pub seq: i64,
    /// Unix ms.
    pub at: i64,
    pub actor_name: String,
    pub action: String,
    /// `ok`, `denied` or `failed`.
    pub outcome: String,
    pub target: String,
    /// JSON text of the before/after summary.
    pub summary: String,
    pub ip: String,
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AuditParams {
    actor: Option<String>,
    /// Action code prefix, e.g. `node.`.
    action: Option<String>,
    /// `ok`, `denied` or `failed`.
    #[param(schema_with = crate::api::texts::audit_outcome)]
    outcome: Option<String>,
    /// First day, `YYYY-MM-DD` (Beijing time).
    #[param(schema_with = crate::api::texts::day)]
    from: Option<String>,
    /// Last day, inclusive.
    #[param(schema_with = crate::api::texts::day)]
    to: Option<String>,
    /// 1-based page number.
    #[param(minimum = 1, maximum = 1000000)]
    page: Option<u64>,
    /// Items per page (default 20).
    #[param(minimum = 1, maximum = 200)]
    per_page: Option<u64>,
}

/// Filtered audit entries, newest first.
#[utoipa::path(get, path = "/api/v1/audit", params(AuditParams), responses((status = 200, body = PageOut<AuditOut>), (status = 403, body = Problem), (status = 422, body = Problem)))]
pub async fn list(
    State(s): State<AppState>,
    user: CurrentUser,
    Query(p): Query<AuditParams>,
) -> Result<Json<PageOut<AuditOut>>, ApiError> {
    let filter = AuditFilter {
        actor: p.actor,
        action: p.action,
        outcome: p.outcome,
        from: Some(texts::day_filter(p.from, "from")?).filter(|d| !d.is_empty()),
        to: Some(texts::day_filter(p.to, "to")?).filter(|d| !d.is_empty()),
    };
    let page = s
        .app
        .list_audit(
            &user.ctx(),
            &filter,
            PageRequest::parse(p.page, p.per_page)?,
        )
        .await?;
    Ok(Json(PageOut {
        items: page
            .items
            .into_iter()
            .map(|e| AuditOut {
                seq: e.seq,
                at: e.at,
                actor_name: e.actor_name,
                action: e.action,
                outcome: e.outcome,
                target: e.target,
                summary: e.summary,
                ip: e.ip,
            })
            .collect(),
        total: page.total,
        page: page.page,
        per_page: page.per_page,
    }))
}

#[derive(Serialize, ToSchema)]
pub struct AuditVerifyOut {
    pub entries: i64,
    pub intact: bool,
    /// First broken entry, when not intact.
    pub broken_seq: Option<i64>,
    /// Chinese description of the break.
    pub detail: Option<String>,
}

/// Walks the SM3 hash chain and checks the signed checkpoint.
#[utoipa::path(post, path = "/api/v1/audit/verify", responses((status = 200, body = AuditVerifyOut), (status = 403, body = Problem)))]
pub async fn verify(
    State(s): State<AppState>,
    user: CurrentUser,
) -> Result<Json<AuditVerifyOut>, ApiError> {
    let r = s.app.verify_audit(&user.ctx()).await?;
    Ok(Json(AuditVerifyOut {
        entries: r.entries,
        intact: r.broken.is_none(),
        broken_seq: r.broken.as_ref().map(|b| b.seq),
        detail: r.broken.as_ref().map(|b| b.describe()),
    }))
}
