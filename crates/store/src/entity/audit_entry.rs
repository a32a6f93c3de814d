//! One link of the audit hash chain. `seq` is contiguous from 1; `hash = SM3(prev_hash ||
//! canonical entry)`.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "audit_entry")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub seq: i64,
    pub at: i64,
    pub actor_id: Option<i64>,
    pub actor_name: String,
    pub action: String,
    /// `ok`, `denied` or `failed`.
    pub outcome: String,
    pub target_type: String,
    pub target_id: Option<String>,
    /// JSON text with the before/after summary; never secrets, ID numbers masked.
    pub summary: String,
    pub ip: Option<String>,
    pub prev_hash: String,
    pub hash: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
