//! A demand (事项) placed on communities by a department, through its whole lifecycle:
//! draft → submitted → admitted | rejected → (expired) | revoked.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "demand")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub kind: String,
    pub title: String,
    pub description: String,
    pub requester_node_id: i64,
    pub requester_account_id: i64,
    pub level: String,
    pub scope_node_id: i64,
    pub status: String,
    pub details: String,
    pub legal_basis_kind: Option<String>,
    pub legal_basis_title: Option<String>,
    pub legal_basis_article: Option<String>,
    pub funding_fen: Option<i64>,
    pub funding_source: Option<String>,
    pub minutes_per_occurrence: i32,
    pub occurrences_per_year: i32,
    pub period_start: String,
    pub period_end: String,
    pub decision: Option<String>,
    pub authority: Option<String>,
    pub submitted_at: Option<i64>,
    pub reviewed_by: Option<i64>,
    pub reviewed_at: Option<i64>,
    pub review_note: Option<String>,
    #[sea_orm(unique)]
    pub admission_number: Option<String>,
    pub valid_from: Option<String>,
    pub valid_to: Option<String>,
    pub revoked_by: Option<i64>,
    pub revoked_at: Option<i64>,
    pub revoke_reason: Option<String>,
    pub created_at: i64,
    pub updated_at: i64,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
