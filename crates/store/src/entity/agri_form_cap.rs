//! A district's cap on weekly and monthly agricultural report forms (4.9-2), in force from a
//! day; every value kept.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "agri_form_cap")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub district_node_id: i64,
    pub cap: i32,
    /// `YYYY-MM-DD`.
    pub effective_from: String,
    pub note: String,
    pub set_by: i64,
    pub set_by_name: String,
    pub set_at: i64,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
