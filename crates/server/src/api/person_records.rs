//! Person-level records and the access log over the API (issue 13 §4, 4.8-3): a community's
//! staff add and list their records and export them with a purpose; a resident reads who read
//! their data (`/api/v1/me/data-access`); the audit administrator reads every read; the system
//! administrator records a resident account's ID number. Twins of `/person-records`,
//! `/me/data-access` and `/data-access`. ID numbers are masked in every answer but a clear
//! export by the community head.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use jianfu_domain::page::PageRequest;
use jianfu_domain::person_record::{
    AccessQuery, DataAccessView, PersonExportRow, PersonRecordForm, PersonRecordView,
};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::access::CurrentUser;
use crate::api::PageOut;
use crate::error::{ApiError, Problem};
use crate::extract::{Json as Body, Path, Query};
use crate::state::AppState;

/// A person's record as its community sees it (ID number masked).
#[derive(Serialize, ToSchema)]
pub struct PersonRecordOut {
    pub id: i64,
    pub community_id: i64,
    pub item_code: String,
    pub item_name: String,
    pub name: String,
    /// Masked: the first 4 and last 4 characters.
    pub id_masked: String,
    pub details: String,
    pub created_by: String,
    pub created_at: String,
}

impl From<PersonRecordView> for PersonRecordOut {
    fn from(r: PersonRecordView) -> Self {
        Self {
            id: r.id,
            community_id: r.community_id,
            item_code: r.item_code,
            item_name: r.item_name,
            name: r.name,
            id_masked: r.id_masked,
            details: r.details,
            created_by: r.created_by,
            created_at: r.created_at,
        }
    }
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct RecordParams {
    /// Only this person-level item's records.
    item: Option<String>,
    /// A text in the name, or a full ID number (found by its blind index).
    q: Option<String>,
    #[param(minimum = 1, maximum = 1000000)]
    page: Option<u64>,
    #[param(minimum = 1, maximum = 200)]
    per_page: Option<u64>,
}

/// The person-level records community `community_id` keeps, newest first (its own staff
/// only: another community's 403 `person_records_other_community`).
#[utoipa::path(get, path = "/api/v1/communities/{community_id}/person-records",
    params(("community_id" = i64, Path), RecordParams),
    responses((status = 200, body = PageOut<PersonRecordOut>), (status = 403, body = Problem), (status = 422, body = Problem)))]
pub async fn list(
    State(s): State<AppState>,
    user: CurrentUser,
    Path(community_id): Path<i64>,
    Query(p): Query<RecordParams>,
) -> Result<Json<PageOut<PersonRecordOut>>, ApiError> {
    let req = PageRequest::parse(p.page, p.per_page)?;
    let page = s
        .app
        .list_person_records(
            &user.ctx(),
            community_id,
            p.item.as_deref(),
            p.q.as_deref(),
            req,
        )
        .await?;
    Ok(Json(PageOut::from_page(page, PersonRecordOut::from)))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PersonRecordIn {
    /// A data item of type `person_record`.
    pub item_code: String,
    pub name: String,
    /// 18 characters, GB 11643 check character; stored encrypted, answered masked.
    pub id_number: String,
    #[serde(default)]
    pub details: String,
}

/// Adds a record of a person. Problems: 422 `person_record_item_invalid`, `required` (name),
/// `id_number_checksum` and the other `id_number_*` codes; 409 `person_record_duplicate`; 403
/// `person_records_other_community`.
#[utoipa::path(post, path = "/api/v1/communities/{community_id}/person-records",
    params(("community_id" = i64, Path)), request_body = PersonRecordIn,
    responses((status = 200, body = PersonRecordOut), (status = 403, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn create(
    State(s): State<AppState>,
    user: CurrentUser,
    Path(community_id): Path<i64>,
    Body(b): Body<PersonRecordIn>,
) -> Result<Json<PersonRecordOut>, ApiError> {
    let f = PersonRecordForm {
        item_code: b.item_code,
        name: b.name,
        id_number: b.id_number,
        details: b.details,
    };
    Ok(Json(
        s.app
            .add_person_record(&user.ctx(), community_id, &f)
            .await?
            .into(),
    ))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PersonExportIn {
    pub item_code: String,
    /// Required (at most 200 characters): 422 `export_purpose_required`.
    pub purpose: String,
    /// Full ID numbers: the community head only (403 `export_clear_id_forbidden`); the read is
    /// logged.
    #[serde(default)]
    pub clear_id: bool,
}

/// One exported record.
#[derive(Serialize, ToSchema)]
pub struct PersonExportOut {
    pub item_name: String,
    pub name: String,
    /// Masked unless `clear_id` was granted.
    pub id_number: String,
    pub details: String,
    pub created_at: String,
}

impl From<PersonExportRow> for PersonExportOut {
    fn from(r: PersonExportRow) -> Self {
        Self {
            item_name: r.item_name,
            name: r.name,
            id_number: r.id_number,
            details: r.details,
            created_at: r.created_at,
        }
    }
}

/// Exports the community's records of one item with a purpose (masked by default).
#[utoipa::path(post, path = "/api/v1/communities/{community_id}/person-records/export",
    params(("community_id" = i64, Path)), request_body = PersonExportIn,
    responses((status = 200, body = Vec<PersonExportOut>), (status = 403, body = Problem), (status = 422, body = Problem)))]
pub async fn export(
    State(s): State<AppState>,
    user: CurrentUser,
    Path(community_id): Path<i64>,
    Body(b): Body<PersonExportIn>,
) -> Result<Json<Vec<PersonExportOut>>, ApiError> {
    let rows = s
        .app
        .export_person_records(
            &user.ctx(),
            community_id,
            &b.item_code,
            &b.purpose,
            b.clear_id,
        )
        .await?;
    Ok(Json(rows.into_iter().map(PersonExportOut::from).collect()))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PageParams {
    #[param(minimum = 1, maximum = 1000000)]
    page: Option<u64>,
    #[param(minimum = 1, maximum = 200)]
    per_page: Option<u64>,
}

/// The reads of the caller's own records, newest first.
#[derive(Serialize, ToSchema)]
pub struct MyDataAccessOut {
    /// The masked ID number recorded for the account; absent when none was recorded (then
    /// nothing can be found).
    pub id_masked: Option<String>,
    pub reads: PageOut<DataAccessView>,
}

/// A resident's reads of their own data by others (departments, exports), newest first.
#[utoipa::path(get, path = "/api/v1/me/data-access", params(PageParams),
    responses((status = 200, body = MyDataAccessOut), (status = 403, body = Problem), (status = 422, body = Problem)))]
pub async fn mine(
    State(s): State<AppState>,
    user: CurrentUser,
    Query(p): Query<PageParams>,
) -> Result<Json<MyDataAccessOut>, ApiError> {
    let req = PageRequest::parse(p.page, p.per_page)?;
    let m = s.app.my_data_access(&user.ctx(), req).await?;
    Ok(Json(MyDataAccessOut {
        id_masked: m.id_masked,
        reads: PageOut::from_page(m.reads, std::convert::identity),
    }))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct LogParams {
    /// The reading unit's id.
    unit: Option<String>,
    /// The community holding the records.
    community: Option<String>,
    /// A data item code.
    item: Option<String>,
    /// From this day (`YYYY-MM-DD`).
    from: Option<String>,
    /// Up to this day, inclusive.
    to: Option<String>,
    #[param(minimum = 1, maximum = 1000000)]
    page: Option<u64>,
    #[param(minimum = 1, maximum = 200)]
    per_page: Option<u64>,
}

/// Every read of personal data (the audit administrator), newest first.
#[utoipa::path(get, path = "/api/v1/data-access", params(LogParams),
    responses((status = 200, body = PageOut<DataAccessView>), (status = 403, body = Problem), (status = 422, body = Problem)))]
pub async fn log(
    State(s): State<AppState>,
    user: CurrentUser,
    Query(p): Query<LogParams>,
) -> Result<Json<PageOut<DataAccessView>>, ApiError> {
    let req = PageRequest::parse(p.page, p.per_page)?;
    let q = AccessQuery {
        unit: p.unit,
        community: p.community,
        item: p.item,
        from: p.from,
        to: p.to,
    };
    let page = s.app.list_data_access(&user.ctx(), &q, req).await?;
    Ok(Json(PageOut::from_page(page, std::convert::identity)))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct IdentityIn {
    /// The resident's ID number, checked in person; only its blind index and masked form are
    /// kept.
    pub id_number: String,
}

/// Records a resident account's ID number (实名), by which the resident finds the reads of
/// their own records. Not a resident: 409 `identity_not_resident`; malformed: 422.
#[utoipa::path(put, path = "/api/v1/users/{id}/identity", params(("id" = i64, Path)),
    request_body = IdentityIn,
    responses((status = 204), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn set_identity(
    State(s): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
    Body(b): Body<IdentityIn>,
) -> Result<StatusCode, ApiError> {
    s.app
        .set_resident_identity(&user.ctx(), id, &b.id_number)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}
