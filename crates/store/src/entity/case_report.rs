//! One report of a supervision case (issue 14 §1): the case lists every report of the same
//! violation. `grouping` says how the report met its case: `first` (it opened it), `join`
//! (grouped into a case being dealt with, 5.3-2) or `reopen` (the violation recurred after the
//! case was closed, 5.3-3).

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "case_report")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub case_id: i64,
    pub community_node_id: i64,
    /// The reporting account.
    pub reported_by: Option<i64>,
    pub demanding_unit: String,
    pub description: String,
    pub claimed_number: Option<String>,
    pub grouping: String,
    pub created_at: i64,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
