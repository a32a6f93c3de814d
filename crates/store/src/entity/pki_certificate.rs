//! An X.509 certificate of the seal authority's PKI (root, seal maker or signer) with its
//! sealed key (migration `m20261208_000410_pki`).

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "pki_certificate")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub role: String,
    pub serial: String,
    pub subject: String,
    pub account_id: Option<i64>,
    pub der: Vec<u8>,
    pub key_blob: String,
    pub not_before: i64,
    pub not_after: i64,
    pub revoked_at: Option<i64>,
    pub revoked_by: Option<i64>,
    pub revoke_reason: Option<String>,
    pub created_at: i64,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
