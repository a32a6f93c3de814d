//! The accountability decisions people took about a case (4.1-9), recorded, never decided.

use sea_orm::ActiveValue::Set;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
};

use crate::StoreError;
use crate::entity::accountability_record;

/// One decision as the supervisor records it (validated by the domain).
pub struct NewRecord<'a> {
    pub case_id: i64,
    pub decider_name: &'a str,
    pub decider_body: &'a str,
    pub measure: &'a str,
    pub measure_text: &'a str,
    pub document_number: &'a str,
    pub decided_on: &'a str,
    pub recorded_by: i64,
    pub recorded_at: i64,
}

/// Inserts the record inside the caller's transaction; its id.
pub async fn insert<C: ConnectionTrait>(conn: &C, r: NewRecord<'_>) -> Result<i64, StoreError> {
    let row = accountability_record::ActiveModel {
        case_id: Set(r.case_id),
        decider_name: Set(r.decider_name.to_owned()),
        decider_body: Set(r.decider_body.to_owned()),
        measure: Set(r.measure.to_owned()),
        measure_text: Set(r.measure_text.to_owned()),
        document_number: Set(r.document_number.to_owned()),
        decided_on: Set(r.decided_on.to_owned()),
        recorded_by: Set(r.recorded_by),
        recorded_at: Set(r.recorded_at),
        ..Default::default()
    }
    .insert(conn)
    .await?;
    Ok(row.id)
}

/// The records of case `case_id`, oldest first.
pub async fn of_case<C: ConnectionTrait>(
    conn: &C,
    case_id: i64,
) -> Result<Vec<accountability_record::Model>, StoreError> {
    Ok(accountability_record::Entity::find()
        .filter(accountability_record::Column::CaseId.eq(case_id))
        .order_by_asc(accountability_record::Column::Id)
        .all(conn)
        .await?)
}
