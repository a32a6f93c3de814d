//! A supervision case (问题线索): a community's report of a demand that came without a valid
//! admission number, or a detector's finding (an overdue temporary plaque, kind
//! `temporary_plaque_overdue`, with its `plaque_id`). The case workflow (notice, rectification,
//! reopen) comes later.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "supervision_case")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub kind: String,
    pub status: String,
    pub community_node_id: i64,
    /// The reporting account; `None` for an anonymous public report or a scheduled job's case.
    pub reported_by: Option<i64>,
    pub demanding_unit: String,
    pub description: String,
    pub claimed_number: Option<String>,
    pub demand_id: Option<i64>,
    pub finding: String,
    /// The plaque a detected case is about (e.g. an overdue temporary plaque, 4.1-5).
    pub plaque_id: Option<i64>,
    pub created_at: i64,
    pub updated_at: i64,
    /// When an overdue rectification was escalated (逾期上报); NULL until then. Set once.
    pub escalated_at: Option<i64>,
    /// The node whose supervisors it was escalated to (the city, for a district's notice).
    pub escalated_to_node_id: Option<i64>,
    /// The monitoring point's answer (or missed month) a case was opened from (4.1-8).
    pub monitoring_answer_id: Option<i64>,
    /// Where the case came from: `community_report`, `detector`, `inspection`,
    /// `public_complaint` or `monitoring`.
    pub source: String,
    /// The SM3 hash (hex) of a public report's one-time follow-up code; never the code.
    pub follow_up_hash: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
