//! Anonymous public reports (issue 14 §1): the case a resident's report opens, and the case a
//! follow-up code's hash finds. The domain validates and hashes; these functions only build
//! the statements, the same on both databases.

use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter,
};

use crate::StoreError;
use crate::entity::supervision_case;

/// What an anonymous report stores (no reporting account).
pub struct NewPublicCase<'a> {
    pub kind: &'a str,
    pub status: &'a str,
    pub source: &'a str,
    pub community: i64,
    pub demanding_unit: &'a str,
    pub description: &'a str,
    pub finding: &'a str,
    pub follow_up_hash: &'a str,
    pub now: i64,
}

/// Inserts the case of an anonymous report inside the caller's transaction; its id.
pub async fn insert_case(
    conn: &impl ConnectionTrait,
    c: &NewPublicCase<'_>,
) -> Result<i64, StoreError> {
    let row = supervision_case::ActiveModel {
        kind: Set(c.kind.to_owned()),
        status: Set(c.status.to_owned()),
        source: Set(c.source.to_owned()),
        community_node_id: Set(c.community),
        reported_by: Set(None),
        demanding_unit: Set(c.demanding_unit.to_owned()),
        description: Set(c.description.to_owned()),
        claimed_number: Set(None),
        demand_id: Set(None),
        finding: Set(c.finding.to_owned()),
        follow_up_hash: Set(Some(c.follow_up_hash.to_owned())),
        created_at: Set(c.now),
        updated_at: Set(c.now),
        ..Default::default()
    }
    .insert(conn)
    .await?;
    Ok(row.id)
}

/// The case whose follow-up code hashes to `hash`, if any.
pub async fn case_by_follow_up(
    conn: &impl ConnectionTrait,
    hash: &str,
) -> Result<Option<supervision_case::Model>, StoreError> {
    Ok(supervision_case::Entity::find()
        .filter(supervision_case::Column::FollowUpHash.eq(hash))
        .one(conn)
        .await?)
}
