//! One line of a bulletin: a closed case as it stood when the bulletin was drafted (the unit,
//! the violation and its clauses, the outcome). Never who reported it.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "bulletin_line")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub bulletin_id: i64,
    /// 1, 2, … in the order the drafter listed the cases.
    pub position: i32,
    pub case_id: i64,
    pub unit_name: String,
    pub violation: String,
    /// JSON array of clause IDs.
    pub clauses: String,
    pub outcome: String,
    /// `YYYY-MM-DD`, the day the case was closed.
    pub closed_on: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
