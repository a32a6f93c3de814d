//! A task to take down (or move) a plaque the rules reject, with its deadline; closed with the
//! removal date and, optionally, a photo as evidence.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "removal_task")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub plaque_id: i64,
    pub unit_node_id: i64,
    pub reason_code: String,
    pub clause: String,
    pub message: String,
    pub move_to: Option<String>,
    pub deadline: String,
    pub status: String,
    pub resolution: Option<String>,
    pub closed_on: Option<String>,
    pub closed_by: Option<i64>,
    pub evidence: Option<Vec<u8>>,
    pub evidence_type: Option<String>,
    pub created_at: i64,
    pub updated_at: i64,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

/// A task without its evidence photo, for lists.
#[derive(Clone, Debug, PartialEq, Eq, DerivePartialModel)]
#[sea_orm(entity = "Entity")]
pub struct Listed {
    pub id: i64,
    pub plaque_id: i64,
    pub unit_node_id: i64,
    pub reason_code: String,
    pub clause: String,
    pub message: String,
    pub move_to: Option<String>,
    pub deadline: String,
    pub status: String,
    pub resolution: Option<String>,
    pub closed_on: Option<String>,
    pub closed_by: Option<i64>,
    pub evidence_type: Option<String>,
    pub created_at: i64,
    pub updated_at: i64,
}
