//! A rectification notice (整改通知书, 5.3-3): what a supervisor orders the responsible unit of a
//! verified case to put right, by when, sealed as a PDF with the supervising department's seal.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "rectification_notice")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub case_id: i64,
    pub serial: String,
    pub check_code: String,
    pub unit_node_id: i64,
    pub issuer_node_id: i64,
    pub seal_id: i64,
    pub facts: String,
    /// JSON array of clause IDs.
    pub clauses: String,
    pub action_required: String,
    pub deadline_days: i32,
    /// `YYYY-MM-DD`.
    pub due_on: String,
    pub document: String,
    pub pdf: Vec<u8>,
    pub issued_by: i64,
    pub issued_at: i64,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
