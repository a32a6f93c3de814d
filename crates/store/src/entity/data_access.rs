//! One read of one person's record by someone other than the community that holds it (or a
//! read of its full ID number): the access log a resident reads at `/me/data-access`.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "data_access")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub at: i64,
    pub reader_account_id: i64,
    pub reader_name: String,
    /// The department (or unit) the reader acted for.
    pub reader_unit_id: i64,
    pub reader_unit_name: String,
    pub community_node_id: i64,
    pub community_name: String,
    pub item_code: String,
    pub item_name: String,
    pub person_record_id: i64,
    /// The person's blind index, never the clear ID number.
    pub person_index: String,
    pub purpose: String,
    /// `api_read`, `page_read` or `export`.
    pub channel: String,
    /// The full ID number was read.
    pub clear_id: bool,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
