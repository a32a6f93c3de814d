//! A department's reminder (催报) to a community that has not submitted a period's return.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "form_return_reminder")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub demand_id: i64,
    pub community_node_id: i64,
    pub period_key: String,
    pub sent_by: i64,
    pub sent_by_name: String,
    pub sent_at: i64,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
