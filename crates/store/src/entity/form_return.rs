//! One version of a community's return of one period of an admitted report form.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "form_return")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub demand_id: i64,
    pub community_node_id: i64,
    /// `YYYY-MM-DD`: the period's first day.
    pub period_key: String,
    pub version: i32,
    /// `draft` or `submitted`.
    pub state: String,
    /// JSON object: item code → value.
    pub field_values: String,
    pub saved_by: i64,
    pub saved_by_name: String,
    pub saved_at: i64,
    pub submitted_by: Option<i64>,
    pub submitted_by_name: Option<String>,
    pub submitted_at: Option<i64>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
