//! A district's comprehensive evaluation of its communities for one year (综合考评, 4.3-4).

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "comprehensive_campaign")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub district_node_id: i64,
    pub name: String,
    pub year: i32,
    /// The groups, indicators and questions as JSON.
    pub design: String,
    pub nomination_deadline: String,
    pub min_responses: i32,
    pub status: String,
    pub created_by: i64,
    pub created_at: i64,
    pub closed_by: Option<i64>,
    pub closed_at: Option<i64>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
