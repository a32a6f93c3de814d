//! A certificate type in a district's catalogue (4.5-2).

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "catalogue_entry")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub district_node_id: i64,
    #[sea_orm(primary_key, auto_increment = false)]
    pub type_id: i64,
    pub created_at: i64,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
