//! The detectors on data (issue 14 §2): the rows they look at, the cases they open and what
//! each matched. The overdue-temporary-plaque detector (4.1-5) reads and writes here too.
//!
//! The domain decides with `jianfu_rules` which rows match and passes the stored texts of its
//! states; these functions only turn that into statements, the same on both databases. The
//! writes take the connection of the caller's transaction (`WriteTx::conn`), so a case, its
//! detection row and the audit entry commit together.
//!
//! Idempotency: a detection is inserted with `ON CONFLICT DO NOTHING` against the unique index
//! on (kind, subject_id) *before* its case, so a second run — in this process or another —
//! inserts neither.

use std::collections::HashSet;

use sea_orm::ActiveValue::Set;
use sea_orm::sea_query::{Expr, OnConflict};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect, QueryTrait,
};

use crate::entity::{
    certificate_application, certificate_type, demand, detection, plaque, supervision_case,
};
use crate::{Store, StoreError};

use super::cases::NewCase;

// ---- the overdue temporary plaques (4.1-5) ----

/// A hanging temporary plaque: (id, unit, name, since, the demand that granted it).
pub type TemporaryPlaque = (i64, i64, String, String, i64);

/// Every hanging plaque granted by a temporary-plaque demand.
pub async fn hanging_temporary_plaques(
    store: &Store,
    hanging: &str,
) -> Result<Vec<TemporaryPlaque>, StoreError> {
    Ok(plaque::Entity::find()
        .select_only()
        .columns([
            plaque::Column::Id,
            plaque::Column::UnitNodeId,
            plaque::Column::Name,
            plaque::Column::Since,
            plaque::Column::TemporaryDemandId,
        ])
        .filter(plaque::Column::Status.eq(hanging))
        .filter(plaque::Column::TemporaryDemandId.is_not_null())
        .into_tuple()
        .all(store.db())
        .await?)
}

/// The case of `kind` about plaque `plaque_id`, if there is one.
pub async fn plaque_case<C: ConnectionTrait>(
    conn: &C,
    kind: &str,
    plaque_id: i64,
) -> Result<Option<i64>, StoreError> {
    Ok(supervision_case::Entity::find()
        .select_only()
        .column(supervision_case::Column::Id)
        .filter(supervision_case::Column::Kind.eq(kind))
        .filter(supervision_case::Column::PlaqueId.eq(plaque_id))
        .into_tuple()
        .one(conn)
        .await?)
}

/// The account that requested demand `id`.
pub async fn demand_requester(store: &Store, id: i64) -> Result<Option<i64>, StoreError> {
    Ok(demand::Entity::find_by_id(id)
        .select_only()
        .column(demand::Column::RequesterAccountId)
        .into_tuple()
        .one(store.db())
        .await?)
}

/// Inserts a plaque's case unless one of its kind is there (the unique index on (kind,
/// plaque_id)); returns the new case's id, or `None` when another run was first.
pub async fn insert_plaque_case<C: ConnectionTrait>(
    conn: &C,
    case: NewCase<'_>,
) -> Result<Option<i64>, StoreError> {
    let (kind, plaque_id) = (case.kind, case.plaque_id);
    let inserted = supervision_case::Entity::insert(case.active())
        .on_conflict(
            OnConflict::columns([
                supervision_case::Column::Kind,
                supervision_case::Column::PlaqueId,
            ])
            .do_nothing()
            .to_owned(),
        )
        .exec_without_returning(conn)
        .await?;
    if inserted == 0 {
        return Ok(None);
    }
    match plaque_id {
        Some(p) => plaque_case(conn, kind, p).await,
        None => Ok(None),
    }
}

// ---- the detectors on data (issue 14 §2) ----

/// The subjects of `kind` already detected (whatever the outcome), to skip.
pub async fn detected(store: &Store, kind: &str) -> Result<HashSet<i64>, StoreError> {
    let ids: Vec<i64> = detection::Entity::find()
        .select_only()
        .column(detection::Column::SubjectId)
        .filter(detection::Column::Kind.eq(kind))
        .into_tuple()
        .all(store.db())
        .await?;
    Ok(ids.into_iter().collect())
}

/// A discontinued type with its day: (id, name, discontinued_on).
pub type DiscontinuedType = (i64, String, String);

/// Every type of the discontinued list that has its day.
pub async fn discontinued_types(
    store: &Store,
    listing: &str,
) -> Result<Vec<DiscontinuedType>, StoreError> {
    Ok(certificate_type::Entity::find()
        .select_only()
        .columns([certificate_type::Column::Id, certificate_type::Column::Name])
        .column(certificate_type::Column::DiscontinuedOn)
        .filter(certificate_type::Column::Listing.eq(listing))
        .filter(certificate_type::Column::DiscontinuedOn.is_not_null())
        .into_tuple()
        .all(store.db())
        .await?)
}

/// An application for a type: (id, community, type, received_on, demanded_by, created_by).
pub type ApplicationForType = (i64, i64, i64, String, Option<String>, i64);

/// Every application for one of `types`.
pub async fn applications_for(
    store: &Store,
    types: &[i64],
) -> Result<Vec<ApplicationForType>, StoreError> {
    if types.is_empty() {
        return Ok(Vec::new());
    }
    Ok(certificate_application::Entity::find()
        .select_only()
        .columns([
            certificate_application::Column::Id,
            certificate_application::Column::CommunityNodeId,
            certificate_application::Column::TypeId,
            certificate_application::Column::ReceivedOn,
            certificate_application::Column::DemandedBy,
            certificate_application::Column::CreatedBy,
        ])
        .filter(certificate_application::Column::TypeId.is_in(types.iter().copied()))
        .into_tuple()
        .all(store.db())
        .await?)
}

/// A plaque as the relapse detector compares it: (id, unit, name, removed_on, created_at,
/// compliant).
pub type PlaqueForRelapse = (i64, i64, String, Option<String>, i64, bool);

/// The plaques of `status` (removed ones with their day), in units that have a removed plaque.
pub async fn plaques_in_units_with_removed(
    store: &Store,
    status: &str,
    removed: &str,
) -> Result<Vec<PlaqueForRelapse>, StoreError> {
    let units = plaque::Entity::find()
        .select_only()
        .column(plaque::Column::UnitNodeId)
        .filter(plaque::Column::Status.eq(removed))
        .filter(plaque::Column::RemovedOn.is_not_null())
        .into_query();
    Ok(plaque::Entity::find()
        .select_only()
        .columns([
            plaque::Column::Id,
            plaque::Column::UnitNodeId,
            plaque::Column::Name,
            plaque::Column::RemovedOn,
            plaque::Column::CreatedAt,
            plaque::Column::Compliant,
        ])
        .filter(plaque::Column::Status.eq(status))
        .filter(plaque::Column::UnitNodeId.in_subquery(units))
        .into_tuple()
        .all(store.db())
        .await?)
}

/// A demand as the relapse detector compares it: (id, department, scope, title, number,
/// submitted_at or revoked_at, requester account).
pub type DemandForRelapse = (i64, i64, i64, String, Option<String>, Option<i64>, i64);

/// The revoked demands, with the day they were revoked.
pub async fn revoked_demands(
    store: &Store,
    revoked: &str,
) -> Result<Vec<DemandForRelapse>, StoreError> {
    demands_where(
        store,
        demand::Column::RevokedAt,
        Condition::all().add(demand::Column::Status.eq(revoked)),
    )
    .await
}

/// The demands in one of `statuses` (submitted and after) of the departments that have a
/// revoked demand, with the day they were submitted.
pub async fn submitted_demands_of_departments_with(
    store: &Store,
    statuses: &[&str],
    revoked: &str,
) -> Result<Vec<DemandForRelapse>, StoreError> {
    let departments = demand::Entity::find()
        .select_only()
        .column(demand::Column::RequesterNodeId)
        .filter(demand::Column::Status.eq(revoked))
        .into_query();
    demands_where(
        store,
        demand::Column::SubmittedAt,
        Condition::all()
            .add(demand::Column::Status.is_in(statuses.iter().copied()))
            .add(demand::Column::SubmittedAt.is_not_null())
            .add(demand::Column::RequesterNodeId.in_subquery(departments)),
    )
    .await
}

async fn demands_where(
    store: &Store,
    at: demand::Column,
    condition: Condition,
) -> Result<Vec<DemandForRelapse>, StoreError> {
    Ok(demand::Entity::find()
        .select_only()
        .columns([
            demand::Column::Id,
            demand::Column::RequesterNodeId,
            demand::Column::ScopeNodeId,
            demand::Column::Title,
            demand::Column::AdmissionNumber,
        ])
        .column(at)
        .column(demand::Column::RequesterAccountId)
        .filter(condition)
        .into_tuple()
        .all(store.db())
        .await?)
}

/// What a detector matched, stored with its case.
#[derive(Clone, Debug)]
pub struct NewDetection {
    pub subject_id: i64,
    pub matched_id: i64,
    pub subject_label: String,
    pub matched_label: String,
    pub similarity: Option<i32>,
    pub subject_on: String,
    pub matched_on: String,
    /// JSON array of clause IDs.
    pub clauses: String,
}

/// Records the detection and opens its case, unless the subject was detected already (the
/// unique index on (kind, subject_id)); returns the new case's id, or `None` when another run
/// was first.
pub async fn open_case<C: ConnectionTrait>(
    conn: &C,
    case: NewCase<'_>,
    found: NewDetection,
) -> Result<Option<i64>, StoreError> {
    let (kind, now, subject) = (case.kind, case.now, found.subject_id);
    let inserted = detection::Entity::insert(detection::ActiveModel {
        kind: Set(kind.into()),
        subject_id: Set(subject),
        case_id: Set(None),
        matched_id: Set(found.matched_id),
        subject_label: Set(found.subject_label),
        matched_label: Set(found.matched_label),
        similarity: Set(found.similarity),
        subject_on: Set(found.subject_on),
        matched_on: Set(found.matched_on),
        clauses: Set(found.clauses),
        created_at: Set(now),
        ..Default::default()
    })
    .on_conflict(
        OnConflict::columns([detection::Column::Kind, detection::Column::SubjectId])
            .do_nothing()
            .to_owned(),
    )
    .exec_without_returning(conn)
    .await?;
    if inserted == 0 {
        return Ok(None);
    }
    let case_id = supervision_case::Entity::insert(case.active())
        .exec(conn)
        .await?
        .last_insert_id;
    detection::Entity::update_many()
        .col_expr(detection::Column::CaseId, Expr::value(case_id))
        .filter(detection::Column::Kind.eq(kind))
        .filter(detection::Column::SubjectId.eq(subject))
        .exec(conn)
        .await?;
    Ok(Some(case_id))
}

/// What case `case_id` was opened from, if a detector on data opened it.
pub async fn of_case(store: &Store, case_id: i64) -> Result<Option<detection::Model>, StoreError> {
    Ok(detection::Entity::find()
        .filter(detection::Column::CaseId.eq(case_id))
        .one(store.db())
        .await?)
}
