//! `/api/v1/nodes`: the administrative tree.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use jianfu_domain::tree::{NewNode, NodeEdit, NodeView};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::access::CurrentUser;
use crate::error::{ApiError, Problem};
use crate::extract::{Json as Body, Path};
use crate::state::AppState;

#[derive(Serialize, ToSchema)]
pub struct NodeOut {
    pub id: i64,
    /// `city`, `district`, `street`, `town`, `community`, `village` or `department`.
    pub kind: String,
    pub kind_zh: String,
    /// District type (区/县/县级市/开发区) or department function.
    pub subtype: Option<String>,
    pub name: String,
    /// 12-digit 统计用区划代码; absent for departments.
    pub division_code: Option<String>,
    pub parent_id: Option<i64>,
}

impl From<NodeView> for NodeOut {
    fn from(n: NodeView) -> Self {
        Self {
            id: n.id,
            kind: n.kind.as_str().into(),
            kind_zh: n.kind_zh.into(),
            subtype: n.subtype,
            name: n.name,
            division_code: n.division_code,
            parent_id: n.parent_id,
        }
    }
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NodeIn {
    pub parent_id: i64,
    #[schema(schema_with = crate::api::texts::node_kind)]
    pub kind: String,
    pub name: String,
    pub division_code: Option<String>,
    pub subtype: Option<String>,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NodeEditIn {
    pub name: String,
    pub division_code: Option<String>,
    pub subtype: Option<String>,
}

/// Every node the caller may see, parents before children.
#[utoipa::path(get, path = "/api/v1/nodes", responses((status = 200, body = Vec<NodeOut>), (status = 401, body = Problem)))]
pub async fn list(
    State(s): State<AppState>,
    user: CurrentUser,
) -> Result<Json<Vec<NodeOut>>, ApiError> {
    let nodes = s.app.visible_tree(&user.ctx()).await?;
    Ok(Json(nodes.into_iter().map(NodeOut::from).collect()))
}

/// Creates a place or department (system administrator, within jurisdiction).
#[utoipa::path(post, path = "/api/v1/nodes", request_body = NodeIn,
    responses((status = 201, body = NodeOut), (status = 403, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn create(
    State(s): State<AppState>,
    user: CurrentUser,
    Body(b): Body<NodeIn>,
) -> Result<(StatusCode, Json<NodeOut>), ApiError> {
    let n = s
        .app
        .create_node(
            &user.ctx(),
            NewNode {
                parent_id: b.parent_id,
                kind: b.kind,
                name: b.name,
                division_code: b.division_code,
                subtype: b.subtype,
            },
        )
        .await?;
    Ok((StatusCode::CREATED, Json(n.into())))
}

/// One node.
#[utoipa::path(get, path = "/api/v1/nodes/{id}", params(("id" = i64, Path)), responses((status = 200, body = NodeOut), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn get(
    State(s): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
) -> Result<Json<NodeOut>, ApiError> {
    Ok(Json(s.app.node_detail(&user.ctx(), id).await?.node.into()))
}

/// Renames a node or corrects its code or type. Nodes never move.
#[utoipa::path(put, path = "/api/v1/nodes/{id}", params(("id" = i64, Path)), request_body = NodeEditIn,
    responses((status = 200, body = NodeOut), (status = 403, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn update(
    State(s): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
    Body(b): Body<NodeEditIn>,
) -> Result<Json<NodeOut>, ApiError> {
    let n = s
        .app
        .update_node(
            &user.ctx(),
            id,
            NodeEdit {
                name: b.name,
                division_code: b.division_code,
                subtype: b.subtype,
            },
        )
        .await?;
    Ok(Json(n.into()))
}

/// Deletes a node without children, accounts or grants.
#[utoipa::path(delete, path = "/api/v1/nodes/{id}", params(("id" = i64, Path)),
    responses((status = 204), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem)))]
pub async fn delete(
    State(s): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
) -> Result<StatusCode, ApiError> {
    s.app.delete_node(&user.ctx(), id).await?;
    Ok(StatusCode::NO_CONTENT)
}
