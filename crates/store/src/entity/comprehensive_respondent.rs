//! That an account has answered a campaign's satisfaction survey — and nothing about what.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "comprehensive_respondent")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub campaign_id: i64,
    #[sea_orm(primary_key, auto_increment = false)]
    pub account_id: i64,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
