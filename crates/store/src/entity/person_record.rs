//! A community's record of one person for a `person_record` data item (issue 13 §4): the full
//! ID number sealed, its masked form and blind index in clear.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "person_record")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    /// The community that keeps the record.
    pub community_node_id: i64,
    pub item_code: String,
    pub name: String,
    /// Sealed (`jf1:…`), bound to this row; never shown but to a reader who may see it.
    pub id_number: String,
    pub id_masked: String,
    /// HMAC-SM3 blind index of the full number.
    pub id_index: String,
    pub details: String,
    pub created_by: i64,
    pub created_by_name: String,
    pub created_at: i64,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
