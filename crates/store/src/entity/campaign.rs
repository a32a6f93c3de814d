//! A district's plaque self-inspection campaign (自检自查, 4.1-3) with its deadline (4.1-7).

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "campaign")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub district_node_id: i64,
    pub title: String,
    pub launched_on: String,
    pub deadline: String,
    pub launched_by: i64,
    pub created_at: i64,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
