//! A resident's application for a certificate, from submission to issue or refusal.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "certificate_application")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub community_node_id: i64,
    pub type_id: Option<i64>,
    pub requested_name: String,
    pub applicant_account_id: Option<i64>,
    pub applicant_name: String,
    /// Encrypted (`jianfu_store::personal`, bound to this row): never the number in clear.
    pub applicant_id_number: String,
    pub purpose: String,
    pub details: String,
    pub status: String,
    pub path: String,
    pub received_on: String,
    pub due_on: Option<String>,
    pub decision: String,
    pub investigation_note: Option<String>,
    pub investigated_by: Option<i64>,
    pub deliberation: Option<String>,
    pub head_approved_by: Option<i64>,
    pub head_approved_at: Option<i64>,
    pub risk_assessment: Option<String>,
    pub delay_note: Option<String>,
    pub refuse_reason: Option<String>,
    pub reviewed_by: Option<i64>,
    pub created_by: i64,
    pub created_at: i64,
    pub updated_at: i64,
    /// The ID number masked for display (`2103**********1234`).
    pub applicant_id_masked: String,
    /// HMAC-SM3 blind index of the full ID number, for exact search.
    pub applicant_id_index: Option<String>,
    /// The department that asked the resident for the certificate, as the resident names it.
    pub demanded_by: Option<String>,
    /// The admission number of that department's certificate demand (4.5-4), as given.
    pub demand_number: Option<String>,
    /// What a worker asked the applicant to add (补正材料), until it is added.
    pub material_request: Option<String>,
    pub material_requested_at: Option<i64>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
