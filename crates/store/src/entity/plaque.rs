//! A plaque of a street's, town's, community's or village's inventory (挂牌, 4.1 and 4.4), with
//! the rules' decision at its last check.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "plaque")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub unit_node_id: i64,
    pub name: String,
    pub placement: String,
    pub kind: Option<String>,
    pub location: String,
    pub since: String,
    pub status: String,
    pub removed_on: Option<String>,
    pub photo: Option<Vec<u8>>,
    pub photo_type: Option<String>,
    pub temporary_demand_id: Option<i64>,
    pub decision: String,
    pub compliant: bool,
    pub matched_key: Option<String>,
    pub checked_at: i64,
    pub created_by: Option<i64>,
    pub created_at: i64,
    pub updated_at: i64,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

/// A plaque without its photo: what lists and checks read (a photo is up to 5 MB).
#[derive(Clone, Debug, PartialEq, Eq, DerivePartialModel)]
#[sea_orm(entity = "Entity")]
pub struct Listed {
    pub id: i64,
    pub unit_node_id: i64,
    pub name: String,
    pub placement: String,
    pub kind: Option<String>,
    pub location: String,
    pub since: String,
    pub status: String,
    pub removed_on: Option<String>,
    pub photo_type: Option<String>,
    pub temporary_demand_id: Option<i64>,
    pub decision: String,
    pub compliant: bool,
    pub matched_key: Option<String>,
    pub checked_at: i64,
    pub created_by: Option<i64>,
    pub created_at: i64,
    pub updated_at: i64,
}
