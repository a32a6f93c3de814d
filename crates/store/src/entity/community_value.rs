//! A community's current value of a data item ("最多报一次", 4.8-3): the last submitted return
//! carrying it.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "community_value")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub community_node_id: i64,
    pub item_code: String,
    pub value: String,
    pub source_demand_id: i64,
    pub source_return_id: i64,
    /// `YYYY-MM-DD`.
    pub as_of: String,
    pub updated_at: i64,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
