//! A monitoring point's answer for one month, or the month recorded as missed.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "monitoring_answer")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub point_id: i64,
    pub community_node_id: i64,
    /// `YYYY-MM`.
    pub month: String,
    /// `answered` or `missed` (the domain's `AnswerStatus`).
    pub status: String,
    /// JSON: `[{"item": code, "yes": bool, "description": text}]` (empty for a missed month).
    pub items: String,
    pub answered_by: Option<i64>,
    pub answered_at: Option<i64>,
    pub created_at: i64,
    pub updated_at: i64,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
