//! A community's appeal (申诉) against its published comprehensive-evaluation score, and the
//! district's answer.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "comprehensive_appeal")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub campaign_id: i64,
    pub community_node_id: i64,
    pub reason: String,
    pub status: String,
    pub filed_by: i64,
    pub filed_at: i64,
    pub filed_on: String,
    pub answer: Option<String>,
    pub answered_by: Option<i64>,
    pub answered_at: Option<i64>,
    pub old_total: Option<String>,
    pub new_total: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
