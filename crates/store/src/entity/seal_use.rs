//! One use of a seal (用印登记): always on an issued certificate.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "seal_use")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub seal_id: i64,
    pub certificate_id: i64,
    pub account_id: i64,
    pub at: i64,
    pub approval: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
