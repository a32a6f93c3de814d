//! An accountability record (追究责任, 4.1-9): the decision people took about a case, as a
//! supervisor recorded it. The software decides nothing.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "accountability_record")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub case_id: i64,
    /// Who decided: the person, and the body they act for.
    pub decider_name: String,
    pub decider_body: String,
    /// `interview`, `criticism`, `admonition`, `discipline` or `other`.
    pub measure: String,
    pub measure_text: String,
    pub document_number: String,
    /// `YYYY-MM-DD`.
    pub decided_on: String,
    pub recorded_by: i64,
    pub recorded_at: i64,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
