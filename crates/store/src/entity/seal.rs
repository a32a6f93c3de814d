//! A community's electronic seal: its signed record and its encrypted SM2 key.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "seal")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub community_node_id: i64,
    pub seal_code: String,
    pub record: String,
    pub key_blob: String,
    pub status: String,
    pub valid_from: String,
    pub valid_to: String,
    pub created_at: i64,
    pub updated_at: i64,
    /// The GB/T 38540 `SESeal` (DER), made by the seal maker; NULL for seals made before
    /// migration `m20261208_000410_pki`.
    pub es_seal: Option<Vec<u8>>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
