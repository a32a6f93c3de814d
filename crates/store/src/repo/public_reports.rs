//! Anonymous public reports (issue 14 §1): the case a follow-up code's hash finds (the case a
//! report opens goes in through [`super::cases::insert`]), and the evidence files a report
//! brings (`case_attachment`). The domain validates and hashes; these functions only build
//! the statements, the same on both databases.

use sea_orm::ActiveValue::Set;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect,
};

use crate::StoreError;
use crate::entity::{case_attachment, supervision_case};
use crate::repo::rectification::NewEvidence;

/// The case whose follow-up code hashes to `hash`, if any.
pub async fn case_by_follow_up(
    conn: &impl ConnectionTrait,
    hash: &str,
) -> Result<Option<supervision_case::Model>, StoreError> {
    Ok(supervision_case::Entity::find()
        .filter(supervision_case::Column::FollowUpHash.eq(hash))
        .one(conn)
        .await?)
}

/// Keeps the evidence files `files` of case `case_id` (in the report's transaction).
pub async fn insert_attachments<C: ConnectionTrait>(
    conn: &C,
    case_id: i64,
    files: &[NewEvidence<'_>],
    now: i64,
) -> Result<(), StoreError> {
    for f in files {
        case_attachment::ActiveModel {
            case_id: Set(case_id),
            file_name: Set(f.file_name.to_owned()),
            content_type: Set(f.content_type.to_owned()),
            size_bytes: Set(i64::try_from(f.content.len()).unwrap_or(i64::MAX)),
            sm3: Set(f.sm3.clone()),
            content: Set(f.content.to_vec()),
            created_at: Set(now),
            ..Default::default()
        }
        .insert(conn)
        .await?;
    }
    Ok(())
}

/// A report's evidence file as listed (without its content).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AttachmentRow {
    pub id: i64,
    pub file_name: String,
    pub content_type: String,
    pub size_bytes: i64,
}

/// The evidence files of case `case_id`, oldest first.
pub async fn attachments_of<C: ConnectionTrait>(
    conn: &C,
    case_id: i64,
) -> Result<Vec<AttachmentRow>, StoreError> {
    let rows: Vec<(i64, String, String, i64)> = case_attachment::Entity::find()
        .select_only()
        .columns([
            case_attachment::Column::Id,
            case_attachment::Column::FileName,
            case_attachment::Column::ContentType,
            case_attachment::Column::SizeBytes,
        ])
        .filter(case_attachment::Column::CaseId.eq(case_id))
        .order_by_asc(case_attachment::Column::Id)
        .into_tuple()
        .all(conn)
        .await?;
    Ok(rows
        .into_iter()
        .map(|(id, file_name, content_type, size_bytes)| AttachmentRow {
            id,
            file_name,
            content_type,
            size_bytes,
        })
        .collect())
}

/// Evidence file `id` of case `case_id` with its content; `None` if the case has no such file.
pub async fn attachment_file<C: ConnectionTrait>(
    conn: &C,
    case_id: i64,
    id: i64,
) -> Result<Option<case_attachment::Model>, StoreError> {
    Ok(case_attachment::Entity::find_by_id(id)
        .filter(case_attachment::Column::CaseId.eq(case_id))
        .one(conn)
        .await?)
}
