//! A monitoring point (减负监测点, 4.1-8): a community its district designated to answer the
//! monthly checklist, from `designated_on` until `ended_on`.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "monitoring_point")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub community_node_id: i64,
    pub district_node_id: i64,
    /// `active` or `ended` (the domain's `PointStatus`).
    pub status: String,
    /// `YYYY-MM-DD`.
    pub designated_on: String,
    pub designated_by: i64,
    pub ended_on: Option<String>,
    pub ended_by: Option<i64>,
    pub note: String,
    pub created_at: i64,
    pub updated_at: i64,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
