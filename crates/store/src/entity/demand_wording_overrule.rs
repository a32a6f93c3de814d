//! A reviewer's recorded overrule of a banned-wording match (4.2-6) on one demand.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "demand_wording_overrule")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub demand_id: i64,
    /// The overruled findings as JSON (`[{clause, code, message}]`).
    pub findings: String,
    pub reason: String,
    pub overruled_by: i64,
    pub overruled_at: i64,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
