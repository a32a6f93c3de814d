//! The certificate catalogue (证明事项目录, 4.5): the city's and districts' certificate types
//! and the entries by which a district adopts a type, wholly.

use std::collections::HashSet;

use sea_orm::ActiveValue::Set;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
};

use crate::StoreError;
use crate::entity::{catalogue_entry, certificate_type, node};

/// The node among `ids` of the stored kind `kind` (the district on a path).
pub async fn among_of_kind<C: ConnectionTrait>(
    conn: &C,
    ids: Vec<i64>,
    kind: &str,
) -> Result<Option<node::Model>, StoreError> {
    Ok(node::Entity::find()
        .filter(node::Column::Id.is_in(ids))
        .filter(node::Column::Kind.eq(kind))
        .one(conn)
        .await?)
}

/// The ids of the types district `district_id` has adopted.
pub async fn adopted<C: ConnectionTrait>(
    conn: &C,
    district_id: i64,
) -> Result<HashSet<i64>, StoreError> {
    Ok(catalogue_entry::Entity::find()
        .filter(catalogue_entry::Column::DistrictNodeId.eq(district_id))
        .all(conn)
        .await?
        .into_iter()
        .map(|e| e.type_id)
        .collect())
}

/// The types defined at the nodes `scopes` (the city's and one district's), by id.
pub async fn types_of<C: ConnectionTrait>(
    conn: &C,
    scopes: Vec<i64>,
) -> Result<Vec<certificate_type::Model>, StoreError> {
    Ok(certificate_type::Entity::find()
        .filter(certificate_type::Column::ScopeNodeId.is_in(scopes))
        .order_by_asc(certificate_type::Column::Id)
        .all(conn)
        .await?)
}

/// The type with the code `code`.
pub async fn type_by_code<C: ConnectionTrait>(
    conn: &C,
    code: &str,
) -> Result<Option<certificate_type::Model>, StoreError> {
    Ok(certificate_type::Entity::find()
        .filter(certificate_type::Column::Code.eq(code))
        .one(conn)
        .await?)
}

/// Every certificate type of the stored listing `listing` (retained, discontinued).
pub async fn types_listed<C: ConnectionTrait>(
    conn: &C,
    listing: &str,
) -> Result<Vec<certificate_type::Model>, StoreError> {
    Ok(certificate_type::Entity::find()
        .filter(certificate_type::Column::Listing.eq(listing))
        .all(conn)
        .await?)
}

/// The certificate type with `code` kept by one of the nodes `scopes`, if any.
pub async fn type_by_code_in<C: ConnectionTrait>(
    conn: &C,
    code: &str,
    scopes: Vec<i64>,
) -> Result<Option<certificate_type::Model>, StoreError> {
    Ok(certificate_type::Entity::find()
        .filter(certificate_type::Column::Code.eq(code))
        .filter(certificate_type::Column::ScopeNodeId.is_in(scopes))
        .one(conn)
        .await?)
}

/// One type.
pub async fn type_by_id<C: ConnectionTrait>(
    conn: &C,
    id: i64,
) -> Result<Option<certificate_type::Model>, StoreError> {
    Ok(certificate_type::Entity::find_by_id(id).one(conn).await?)
}

/// Whether district `district_id` has adopted type `type_id`.
pub async fn is_adopted<C: ConnectionTrait>(
    conn: &C,
    district_id: i64,
    type_id: i64,
) -> Result<bool, StoreError> {
    Ok(catalogue_entry::Entity::find_by_id((district_id, type_id))
        .one(conn)
        .await?
        .is_some())
}

/// District `district_id` adopts type `type_id`.
pub async fn adopt<C: ConnectionTrait>(
    conn: &C,
    district_id: i64,
    type_id: i64,
    now: i64,
) -> Result<(), StoreError> {
    catalogue_entry::ActiveModel {
        district_node_id: Set(district_id),
        type_id: Set(type_id),
        created_at: Set(now),
    }
    .insert(conn)
    .await?;
    Ok(())
}

/// District `district_id` drops type `type_id`.
pub async fn drop<C: ConnectionTrait>(
    conn: &C,
    district_id: i64,
    type_id: i64,
) -> Result<(), StoreError> {
    catalogue_entry::Entity::delete_by_id((district_id, type_id))
        .exec(conn)
        .await?;
    Ok(())
}

/// Inserts a type row (its id is assigned by the database) and returns its id.
pub async fn insert_type<C: ConnectionTrait>(
    conn: &C,
    t: certificate_type::Model,
) -> Result<i64, StoreError> {
    let row = certificate_type::ActiveModel {
        scope_node_id: Set(t.scope_node_id),
        code: Set(t.code),
        name: Set(t.name),
        listing: Set(t.listing),
        basis_kind: Set(t.basis_kind),
        basis_title: Set(t.basis_title),
        basis_article: Set(t.basis_article),
        within_duty: Set(t.within_duty),
        conditions: Set(t.conditions),
        materials: Set(t.materials),
        template: Set(t.template),
        processing_days: Set(t.processing_days),
        needs_investigation: Set(t.needs_investigation),
        public_interest: Set(t.public_interest),
        purpose: Set(t.purpose),
        steps: Set(t.steps),
        alternative_route: Set(t.alternative_route),
        alternative_note: Set(t.alternative_note),
        source: Set(t.source),
        decision: Set(t.decision),
        created_at: Set(t.created_at),
        updated_at: Set(t.updated_at),
        discontinued_on: Set(t.discontinued_on),
        ..Default::default()
    }
    .insert(conn)
    .await?;
    Ok(row.id)
}
