//! A community's rating of a department or street for one year (社区评议部门, 5.3-2).

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "department_rating")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub year: i32,
    pub community_node_id: i64,
    pub unit_node_id: i64,
    /// JSON: `{"question code": "rating code", …}`.
    pub answers: String,
    pub comment: String,
    pub rated_by: i64,
    pub created_at: i64,
    pub updated_at: i64,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
