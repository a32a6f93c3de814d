//! Anonymous public reports (issue 14 §1): the case a follow-up code's hash finds (the case a
//! report opens goes in through [`super::cases::insert`]). The domain validates and hashes; these functions only build
//! the statements, the same on both databases.

use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};

use crate::StoreError;
use crate::entity::supervision_case;

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
