//! A reset of an administrator's password or second factor under dual control (or from the
//! shell), kept so that the owner and the audit administrator see it.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "credential_reset")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub account_id: i64,
    /// `password` or `second_factor`.
    pub kind: String,
    /// The administrator role the account held when the reset was asked for.
    pub target_role: Option<String>,
    /// `pending`, `approved`, `rejected`, or `shell` (done with `jianfu user passwd`).
    pub state: String,
    pub requested_by: Option<i64>,
    pub requested_by_name: String,
    pub requested_role: Option<String>,
    pub requested_at: i64,
    pub decided_by: Option<i64>,
    pub decided_by_name: Option<String>,
    pub decided_role: Option<String>,
    pub decided_at: Option<i64>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
