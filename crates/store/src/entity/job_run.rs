//! One run of a scheduled job inside the server (e.g. `escalate_overdue`): when it started and
//! finished, how many rows it looked at and changed, and its error if it failed.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "job_run")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub job: String,
    pub started_at: i64,
    pub finished_at: Option<i64>,
    pub examined: i64,
    pub changed: i64,
    pub error: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
