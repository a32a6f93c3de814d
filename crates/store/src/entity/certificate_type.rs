//! A certificate type (证明事项) of the city catalogue, a district's local addition, or the discontinued list (不再保留).

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "certificate_type")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub scope_node_id: i64,
    pub code: String,
    pub name: String,
    pub listing: String,
    pub basis_kind: Option<String>,
    pub basis_title: Option<String>,
    pub basis_article: Option<String>,
    pub within_duty: bool,
    pub conditions: String,
    pub materials: String,
    pub template: String,
    pub processing_days: i32,
    pub needs_investigation: bool,
    pub public_interest: bool,
    pub purpose: String,
    pub steps: String,
    pub alternative_route: Option<String>,
    pub alternative_note: Option<String>,
    pub source: String,
    pub decision: String,
    pub created_at: i64,
    pub updated_at: i64,
    /// The day the type was put on the discontinued list (不再保留, 4.5-12); `None` for a type
    /// in force.
    pub discontinued_on: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
