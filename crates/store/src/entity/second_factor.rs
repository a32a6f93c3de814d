//! An account's TOTP second factor (RFC 6238). The secret is SM4-GCM ciphertext bound to the
//! account (see `jianfu_domain::second_factor`); a row whose `confirmed_at` is null is an
//! enrolment not finished yet.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "second_factor")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub account_id: i64,
    /// `tk1:<base64 of nonce ‖ ciphertext ‖ tag>`; never the base32 secret.
    pub secret: String,
    pub confirmed_at: Option<i64>,
    /// The time step (Unix seconds / 30) of the last code accepted; a code of this step or an
    /// earlier one is refused (no replay).
    pub last_step: Option<i64>,
    pub created_at: i64,
    pub updated_at: i64,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
