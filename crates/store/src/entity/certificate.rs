//! An issued certificate: the sealed document, its PDF, and its revocation.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "certificate")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub application_id: i64,
    pub serial: String,
    pub check_code: String,
    pub seal_id: i64,
    pub document: String,
    pub pdf: Vec<u8>,
    pub status: String,
    pub issued_by: i64,
    pub issued_at: i64,
    pub revoked_by: Option<i64>,
    pub revoked_at: Option<i64>,
    pub revoke_reason: Option<String>,
    /// The signed OFD (encrypted like `pdf`); NULL for `json-v1` certificates.
    pub ofd: Option<Vec<u8>>,
    /// `json-v1` (JSON seal record only) or `ses-v4` (also GB/T 38540, PDF `/Sig`, OFD).
    pub format: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
