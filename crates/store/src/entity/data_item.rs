//! A data item of the shared dictionary (4.8-3), its current version.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "data_item")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    #[sea_orm(unique)]
    pub code: String,
    pub name: String,
    pub kind: String,
    /// JSON array of the choice list's options.
    pub options: String,
    pub unit: String,
    pub definition: String,
    /// The department owning the value; `None`: the community.
    pub source_node_id: Option<i64>,
    pub update_cycle: String,
    pub sharing_class: String,
    /// Condition (有条件) or legal reason (不予共享); empty for 无条件.
    pub sharing_basis: String,
    pub personal: bool,
    pub version: i32,
    pub created_at: i64,
    pub updated_at: i64,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
