//! The chain head (last seq and hash) with an HMAC-SM3 tag made with a key kept outside the
//! database. Deleting the last audit rows leaves the checkpoint ahead of the chain; forging a new
//! checkpoint needs the key. The single row also serves as the lock that orders all writers.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "audit_checkpoint")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: i32,
    pub seq: i64,
    pub hash: String,
    pub mac: String,
    pub updated_at: i64,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
