//! The district's score of one community on one indicator, in hundredths of a point.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "comprehensive_score")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub campaign_id: i64,
    #[sea_orm(primary_key, auto_increment = false)]
    pub community_node_id: i64,
    #[sea_orm(primary_key, auto_increment = false)]
    pub indicator: i32,
    pub score: i32,
    pub scored_by: i64,
    pub scored_at: i64,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
