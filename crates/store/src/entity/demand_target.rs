//! One community (or village) a demand is placed on.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "demand_target")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub demand_id: i64,
    #[sea_orm(primary_key, auto_increment = false)]
    pub community_node_id: i64,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
