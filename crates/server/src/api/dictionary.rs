//! The shared data dictionary (数据字典, 4.8-3) through the API: read by staff, kept by the
//! city's data administrator; every change a new version, the history kept.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use jianfu_domain::data_dictionary::{
    DataItemDetail, DataItemFilter, DataItemForm, DataItemVersionView, DataItemView,
};
use jianfu_domain::page::PageRequest;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::access::CurrentUser;
use crate::api::PageOut;
use crate::error::{ApiError, Problem};
use crate::extract::{Json as Body, Path, Query};
use crate::state::AppState;

/// A data item.
#[derive(Serialize, ToSchema)]
pub struct DataItemOut {
    pub id: i64,
    pub code: String,
    pub name: String,
    /// `integer`, `decimal`, `text`, `date`, `choice` or `person_record`.
    pub kind: String,
    pub kind_zh: String,
    /// The options of a choice list.
    pub options: Vec<String>,
    pub unit: String,
    /// Definition and how it is counted (统计口径).
    pub definition: String,
    /// The department owning the value (一数一源); null: the community itself.
    pub source_node_id: Option<i64>,
    pub source_name: String,
    /// `real_time`, `daily`, `monthly`, `quarterly`, `yearly` or `on_change`.
    pub update_cycle: String,
    pub update_cycle_zh: String,
    /// `unconditional` 无条件共享, `conditional` 有条件共享 or `not_shared` 不予共享.
    pub sharing_class: String,
    pub sharing_class_zh: String,
    /// The condition (conditional) or the legal reason (not shared).
    pub sharing_basis: String,
    /// Personal data (个人信息).
    pub personal: bool,
    pub version: i32,
    /// When this version was made (Beijing time).
    pub updated_at: String,
}

impl From<DataItemView> for DataItemOut {
    fn from(v: DataItemView) -> Self {
        Self {
            id: v.id,
            code: v.code,
            name: v.name,
            kind: v.kind,
            kind_zh: v.kind_zh,
            options: v.options,
            unit: v.unit,
            definition: v.definition,
            source_node_id: v.source_node_id,
            source_name: v.source_name,
            update_cycle: v.update_cycle,
            update_cycle_zh: v.update_cycle_zh,
            sharing_class: v.sharing_class,
            sharing_class_zh: v.sharing_class_zh,
            sharing_basis: v.sharing_basis,
            personal: v.personal,
            version: v.version,
            updated_at: v.updated_at,
        }
    }
}

/// One version of an item, as it read then.
#[derive(Serialize, ToSchema)]
pub struct DataItemVersionOut {
    pub version: i32,
    pub changed_by: String,
    pub changed_at: String,
    pub item: DataItemOut,
}

impl From<DataItemVersionView> for DataItemVersionOut {
    fn from(v: DataItemVersionView) -> Self {
        Self {
            version: v.version,
            changed_by: v.changed_by,
            changed_at: v.changed_at,
            item: v.item.into(),
        }
    }
}

/// An item and its history, the newest version first.
#[derive(Serialize, ToSchema)]
pub struct DataItemDetailOut {
    pub item: DataItemOut,
    pub versions: Vec<DataItemVersionOut>,
}

impl From<DataItemDetail> for DataItemDetailOut {
    fn from(d: DataItemDetail) -> Self {
        Self {
            item: d.item.into(),
            versions: d.versions.into_iter().map(Into::into).collect(),
        }
    }
}

/// A data item as the administrator files it.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DataItemIn {
    /// Letters, digits, `_`, `-`, `.`; 1–32, unique. Ignored on a change (the code stays).
    #[serde(default)]
    pub code: String,
    pub name: String,
    /// `integer`, `decimal`, `text`, `date`, `choice` or `person_record`.
    #[schema(schema_with = crate::api::texts::field_kind)]
    pub kind: String,
    /// A choice list's options (at least two); empty for other kinds.
    #[serde(default)]
    pub options: Vec<String>,
    #[serde(default)]
    pub unit: String,
    pub definition: String,
    /// The owning department's node id; null: the community itself.
    pub source_node_id: Option<i64>,
    /// `real_time`, `daily`, `monthly`, `quarterly`, `yearly` or `on_change`.
    #[schema(schema_with = crate::api::texts::update_cycle)]
    pub update_cycle: String,
    /// `unconditional`, `conditional` (with its condition) or `not_shared` (with its legal
    /// reason).
    #[schema(schema_with = crate::api::texts::sharing_class)]
    pub sharing_class: String,
    #[serde(default)]
    pub sharing_basis: String,
    #[serde(default)]
    pub personal: bool,
    /// On a change: the version it is based on (409 `data_item_changed` if the item moved on).
    pub version: Option<i32>,
}

impl From<DataItemIn> for DataItemForm {
    fn from(b: DataItemIn) -> Self {
        Self {
            code: b.code,
            name: b.name,
            kind: b.kind,
            options: b.options.join("\n"),
            unit: b.unit,
            definition: b.definition,
            source: b.source_node_id.map_or_else(
                || jianfu_domain::data_dictionary::SOURCE_COMMUNITY.to_owned(),
                |id| id.to_string(),
            ),
            update_cycle: b.update_cycle,
            sharing_class: b.sharing_class,
            sharing_basis: b.sharing_basis,
            personal: b.personal,
            version: b.version.map(|v| v.to_string()).unwrap_or_default(),
        }
    }
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListParams {
    /// A text in the code, name or definition.
    q: Option<String>,
    /// A type (`integer` …); empty: all.
    #[param(schema_with = crate::api::texts::field_kind_filter)]
    kind: Option<String>,
    /// A sharing class (`unconditional` …); empty: all.
    #[param(schema_with = crate::api::texts::sharing_class_filter)]
    sharing_class: Option<String>,
    /// 1-based page number.
    #[param(minimum = 1, maximum = 1000000)]
    page: Option<u64>,
    /// Items per page (default 20).
    #[param(minimum = 1, maximum = 200)]
    per_page: Option<u64>,
}

/// The data dictionary by code, searched and filtered.
#[utoipa::path(get, path = "/api/v1/dictionary", params(ListParams),
    responses((status = 200, body = PageOut<DataItemOut>), (status = 403, body = Problem), (status = 422, body = Problem)))]
pub async fn list(
    State(s): State<AppState>,
    user: CurrentUser,
    Query(p): Query<ListParams>,
) -> Result<Json<PageOut<DataItemOut>>, ApiError> {
    let f = DataItemFilter {
        q: p.q.unwrap_or_default(),
        kind: p.kind.unwrap_or_default(),
        sharing_class: p.sharing_class.unwrap_or_default(),
    };
    let page = s
        .app
        .list_data_items(&user.ctx(), &f, PageRequest::parse(p.page, p.per_page)?)
        .await?;
    Ok(Json(PageOut::from_page(page, DataItemOut::from)))
}

/// One item and every version of it.
#[utoipa::path(get, path = "/api/v1/dictionary/{code}", params(("code" = String, Path)),
    responses((status = 200, body = DataItemDetailOut), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn get(
    State(s): State<AppState>,
    user: CurrentUser,
    Path(code): Path<String>,
) -> Result<Json<DataItemDetailOut>, ApiError> {
    Ok(Json(s.app.data_item(&user.ctx(), &code).await?.into()))
}

/// Adds an item (version 1): 409 `data_item_code_taken` for a code in use, 422
/// `not_shared_reason_required` for 不予共享 without its legal reason.
#[utoipa::path(post, path = "/api/v1/dictionary", request_body = DataItemIn,
    responses((status = 201, body = DataItemOut), (status = 403, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn create(
    State(s): State<AppState>,
    user: CurrentUser,
    Body(b): Body<DataItemIn>,
) -> Result<(StatusCode, Json<DataItemOut>), ApiError> {
    let v = s.app.create_data_item(&user.ctx(), &b.into()).await?;
    Ok((StatusCode::CREATED, Json(v.into())))
}

/// Changes an item: a new version, the old ones kept.
#[utoipa::path(put, path = "/api/v1/dictionary/{code}", params(("code" = String, Path)), request_body = DataItemIn,
    responses((status = 200, body = DataItemOut), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn update(
    State(s): State<AppState>,
    user: CurrentUser,
    Path(code): Path<String>,
    Body(b): Body<DataItemIn>,
) -> Result<Json<DataItemOut>, ApiError> {
    Ok(Json(
        s.app
            .update_data_item(&user.ctx(), &code, &b.into())
            .await?
            .into(),
    ))
}
