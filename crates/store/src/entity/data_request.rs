//! A department's request to read a 有条件 shared data item of one community (4.8-3), approved
//! once or refused by the item's owner.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "data_request")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    /// The department that asks.
    pub requester_node_id: i64,
    pub requested_by: i64,
    pub requested_by_name: String,
    pub item_code: String,
    /// The community whose value is asked.
    pub community_node_id: i64,
    /// Who decides: the item's authoritative source department, or the community itself.
    pub owner_node_id: i64,
    pub purpose: String,
    /// `pending`, `approved` or `refused`.
    pub state: String,
    pub decided_by: Option<i64>,
    pub decided_by_name: Option<String>,
    pub decided_at: Option<i64>,
    pub decision_note: String,
    pub created_at: i64,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
