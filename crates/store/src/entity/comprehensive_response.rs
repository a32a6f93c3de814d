//! One resident's satisfaction answers for their community, without who gave them.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "comprehensive_response")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub campaign_id: i64,
    pub community_node_id: i64,
    /// JSON array of rating codes, one per question.
    pub ratings: String,
    pub comment: Option<String>,
    pub low: bool,
    pub answered_on: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
