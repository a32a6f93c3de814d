//! A bulletin (通报, 5.3-3): the closed cases of a period in a district's or the city's
//! jurisdiction, drafted by a supervisor, signed off by the approver of that level, then
//! published as a sealed PDF and a public page.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "bulletin")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    /// The district or the city whose bulletin it is.
    pub scope_node_id: i64,
    /// The supervising department that drafted it (its seal goes on the PDF).
    pub issuer_node_id: i64,
    pub title: String,
    /// `YYYY-MM-DD`.
    pub period_from: String,
    pub period_to: String,
    /// `draft`, `signed_off` or `published`.
    pub status: String,
    pub drafted_by: i64,
    pub drafted_at: i64,
    pub signed_off_by: Option<i64>,
    pub signed_off_at: Option<i64>,
    pub sign_off_opinion: Option<String>,
    pub published_by: Option<i64>,
    pub published_at: Option<i64>,
    pub serial: Option<String>,
    pub check_code: Option<String>,
    pub seal_id: Option<i64>,
    pub document: Option<String>,
    pub pdf: Option<Vec<u8>>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
