//! A one-time satisfaction code a community issued for a campaign: its SM3 hash, who issued it
//! and when, and the day it was used (never which response it gave).

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "satisfaction_code")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub campaign_id: i64,
    pub community_node_id: i64,
    #[sea_orm(unique)]
    pub code_hash: String,
    pub issued_by: i64,
    pub issued_at: i64,
    /// `YYYY-MM-DD` once used.
    pub used_on: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
