//! A community's self-nomination (自荐申报) for one indicator, and the street's review of it.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "comprehensive_nomination")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub campaign_id: i64,
    pub community_node_id: i64,
    pub indicator: i32,
    pub report: String,
    pub status: String,
    pub late: bool,
    pub submitted_by: i64,
    pub submitted_at: i64,
    pub review_reason: Option<String>,
    pub reviewed_by: Option<i64>,
    pub reviewed_at: Option<i64>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
