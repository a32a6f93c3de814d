//! A person's login account. Roles are granted separately (`role_grant`), scoped to a node.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "account")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    #[sea_orm(unique)]
    pub username: String,
    pub display_name: String,
    /// The unit the person works for (or, for residents, lives in).
    pub home_node_id: i64,
    /// argon2id PHC string; never leaves the store except to the password verifier.
    pub password_hash: String,
    pub password_changed_at: i64,
    /// Set when an administrator (re)sets the password: the owner must choose a new one.
    pub must_change_password: bool,
    pub failed_attempts: i32,
    pub locked_until: Option<i64>,
    /// Locked by an administrator (not by failures); only the security administrator lifts it.
    pub disabled: bool,
    pub created_at: i64,
    pub updated_at: i64,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
