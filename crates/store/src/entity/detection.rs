//! What a detector on data matched (issue 14 §2, 4.1-8): one row per (kind, subject row), the
//! case it opened, the row it matched, the likeness or dates that triggered it and the clauses.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "detection")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    /// The case kind (`certificate_relapse`, `plaque_relapse`, `demand_relapse`).
    pub kind: String,
    /// The row found: the application, the new plaque, the new demand.
    pub subject_id: i64,
    /// The case opened for it; set in the same transaction as the row.
    pub case_id: Option<i64>,
    /// The row it matched: the discontinued type, the removed plaque, the revoked demand.
    pub matched_id: i64,
    pub subject_label: String,
    pub matched_label: String,
    /// Percent alike, when names or titles were compared.
    pub similarity: Option<i32>,
    /// The subject's day (applied, registered, submitted).
    pub subject_on: String,
    /// The matched row's day (discontinued, removed, revoked).
    pub matched_on: String,
    /// JSON array of the clause IDs cited.
    pub clauses: String,
    pub created_at: i64,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
