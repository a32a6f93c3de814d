//! The responsible unit's answer to a rectification notice (整改答复), and the supervisor's
//! review of it: `review` is NULL while it awaits review, then `accepted` or `sent_back`.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "rectification_answer")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub notice_id: i64,
    pub body: String,
    pub answered_by: i64,
    pub answered_at: i64,
    pub review: Option<String>,
    pub review_reason: Option<String>,
    pub reviewed_by: Option<i64>,
    pub reviewed_at: Option<i64>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
