//! The supervision cases (问题线索) read by id. The case workflow's other queries still sit in
//! `supervision.rs` and `rectification.rs` of the domain and move here in a later slice.

use sea_orm::{ConnectionTrait, EntityTrait};

use crate::StoreError;
use crate::entity::supervision_case;

/// Case `id`, if it exists.
pub async fn by_id<C: ConnectionTrait>(
    conn: &C,
    id: i64,
) -> Result<Option<supervision_case::Model>, StoreError> {
    Ok(supervision_case::Entity::find_by_id(id).one(conn).await?)
}
