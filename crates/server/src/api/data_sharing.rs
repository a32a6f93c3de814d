//! Shared data over the API (issue 13 §3, 4.8-3): a department reads a community's current
//! values without filing a form, as each item's sharing class lets it, and asks for a 有条件
//! item; the item's owner approves once or refuses. Twins of `/data` and `/data-requests`.

use axum::Json;
use axum::extract::State;
use jianfu_domain::data_sharing::{
    DataRequestForm, DataRequestView, ReadHow, SharedDataView, SharedValueView,
};
use jianfu_domain::page::PageRequest;
use jianfu_domain::person_record::{AccessChannel, PersonEntryView};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::access::CurrentUser;
use crate::api::{PageOut, PageParams};
use crate::error::{ApiError, Problem};
use crate::extract::{Json as Body, Path, Query};
use crate::state::AppState;

/// One item's current value.
#[derive(Serialize, ToSchema)]
pub struct SharedValueOut {
    pub code: String,
    pub name: String,
    pub unit: String,
    /// `unconditional`, `conditional` or `not_shared`.
    pub sharing_class: String,
    pub sharing_class_zh: String,
    /// Why this reader may read it.
    pub basis: String,
    /// Absent when the community holds no value yet.
    pub value: Option<String>,
    /// `YYYY-MM-DD` of the value.
    pub as_of: Option<String>,
    /// The form whose return carried the value.
    pub source: Option<String>,
    /// For a person-level item, its persons with name and ID number masked (each read is
    /// written to the access log); absent for other items.
    pub persons: Option<Vec<PersonEntryOut>>,
}

/// A person of a person-level item as a department reads it (masked).
#[derive(Serialize, ToSchema)]
pub struct PersonEntryOut {
    pub record_id: i64,
    pub name_masked: String,
    pub id_masked: String,
}

impl From<PersonEntryView> for PersonEntryOut {
    fn from(p: PersonEntryView) -> Self {
        Self {
            record_id: p.record_id,
            name_masked: p.name_masked,
            id_masked: p.id_masked,
        }
    }
}

impl From<SharedValueView> for SharedValueOut {
    fn from(v: SharedValueView) -> Self {
        Self {
            code: v.code,
            name: v.name,
            unit: v.unit,
            sharing_class: v.sharing_class,
            sharing_class_zh: v.sharing_class_zh.to_owned(),
            basis: v.basis,
            value: v.value,
            as_of: v.as_of,
            source: v.source,
            persons: v
                .persons
                .map(|ps| ps.into_iter().map(PersonEntryOut::from).collect()),
        }
    }
}

/// A read of one community's values.
#[derive(Serialize, ToSchema)]
pub struct SharedDataOut {
    pub community_id: i64,
    pub community_name: String,
    pub values: Vec<SharedValueOut>,
    /// The clauses the decision applied (4.8-3).
    pub clauses: Vec<String>,
}

impl From<SharedDataView> for SharedDataOut {
    fn from(v: SharedDataView) -> Self {
        Self {
            community_id: v.community_id,
            community_name: v.community_name,
            values: v.values.into_iter().map(SharedValueOut::from).collect(),
            clauses: v.clauses,
        }
    }
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ReadParams {
    /// Data item codes, comma-separated (at most 50).
    items: Option<String>,
    /// Why the data is read: required for a person-level item without an approved request
    /// (the read of each person is written to the access log).
    purpose: Option<String>,
}

/// Reads community `community_id`'s current values of `items`. Refused (403) with the first
/// item the reader may not read: `data_not_shared` (不予共享, citing its legal reason),
/// `data_request_required`, `data_request_pending` or `data_request_refused` (有条件);
/// a person-level item without a purpose (and no approved request): 422
/// `data_purpose_required`; a community outside the department's jurisdiction: 403 `data_community_out_of_reach`; a
/// reader without a sharing right: 403 `data_read_forbidden`; no or unknown items: 422.
#[utoipa::path(get, path = "/api/v1/data/{community_id}",
    params(("community_id" = i64, Path), ReadParams),
    responses((status = 200, body = SharedDataOut), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn read(
    State(s): State<AppState>,
    user: CurrentUser,
    Path(community_id): Path<i64>,
    Query(p): Query<ReadParams>,
) -> Result<Json<SharedDataOut>, ApiError> {
    let codes: Vec<String> = p
        .items
        .unwrap_or_default()
        .split(',')
        .map(str::to_owned)
        .collect();
    Ok(Json(
        s.app
            .read_shared_data(
                &user.ctx(),
                community_id,
                &codes,
                &ReadHow {
                    purpose: p.purpose.as_deref().unwrap_or(""),
                    channel: AccessChannel::ApiRead,
                },
            )
            .await?
            .into(),
    ))
}

/// The requests the caller's department filed and those its unit decides, the newest first.
#[utoipa::path(get, path = "/api/v1/data-requests", params(PageParams),
    responses((status = 200, body = PageOut<DataRequestView>), (status = 403, body = Problem), (status = 422, body = Problem)))]
pub async fn list(
    State(s): State<AppState>,
    user: CurrentUser,
    Query(p): Query<PageParams>,
) -> Result<Json<PageOut<DataRequestView>>, ApiError> {
    let req = PageRequest::parse(p.page, p.per_page)?;
    let page = s.app.list_data_requests(&user.ctx(), req).await?;
    Ok(Json(PageOut::from_page(page, std::convert::identity)))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DataRequestIn {
    pub community_id: i64,
    pub item_code: String,
    /// What the data is read for (4–500 characters).
    pub purpose: String,
}

/// Asks to read a 有条件 item of a community. An item that needs no request: 409
/// `data_request_not_needed`; 不予共享: 403 `data_not_shared`; one pending or approved already:
/// 409 `data_request_exists`; no purpose: 422 `data_request_purpose_invalid`.
#[utoipa::path(post, path = "/api/v1/data-requests", request_body = DataRequestIn,
    responses((status = 200, body = DataRequestView), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn create(
    State(s): State<AppState>,
    user: CurrentUser,
    Body(b): Body<DataRequestIn>,
) -> Result<Json<DataRequestView>, ApiError> {
    let f = DataRequestForm {
        community_id: b.community_id,
        item_code: b.item_code,
        purpose: b.purpose,
    };
    Ok(Json(s.app.create_data_request(&user.ctx(), &f).await?))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DataRequestDecisionIn {
    /// The reason (required to refuse).
    #[serde(default)]
    pub note: String,
}

/// The owner approves a pending request (once). Decided already: 409 `data_request_decided`;
/// not the owner: 403.
#[utoipa::path(post, path = "/api/v1/data-requests/{id}/approve", params(("id" = i64, Path)),
    request_body = DataRequestDecisionIn,
    responses((status = 200, body = DataRequestView), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem)))]
pub async fn approve(
    State(s): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
    Body(b): Body<DataRequestDecisionIn>,
) -> Result<Json<DataRequestView>, ApiError> {
    Ok(Json(
        s.app
            .decide_data_request(&user.ctx(), id, true, &b.note)
            .await?,
    ))
}

/// The owner refuses a pending request with a reason. No reason: 422
/// `data_request_note_invalid`; decided already: 409 `data_request_decided`.
#[utoipa::path(post, path = "/api/v1/data-requests/{id}/refuse", params(("id" = i64, Path)),
    request_body = DataRequestDecisionIn,
    responses((status = 200, body = DataRequestView), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn refuse(
    State(s): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
    Body(b): Body<DataRequestDecisionIn>,
) -> Result<Json<DataRequestView>, ApiError> {
    Ok(Json(
        s.app
            .decide_data_request(&user.ctx(), id, false, &b.note)
            .await?,
    ))
}
