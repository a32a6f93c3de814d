//! The rectification loop of a supervision case (督促整改, 5.3-3): the sealed notice, the
//! notified unit's answers with their evidence, the supervisor's review and the closing. Each
//! step of the loop is one typed [`Step`] applied by one guarded write ([`apply`]): it moves the
//! case from the state the caller read and writes the step's rows in the caller's transaction,
//! or changes nothing when someone else moved the case first. The domain validates, seals and
//! decides; these functions only build the statements, the same on both databases.

use sea_orm::ActiveValue::Set;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect,
};

use crate::StoreError;
use crate::entity::{
    rectification_answer as answer, rectification_evidence as evidence,
    rectification_notice as notice, supervision_case,
};

/// The notice of case `case_id`, if one was issued.
pub async fn notice_of_case<C: ConnectionTrait>(
    conn: &C,
    case_id: i64,
) -> Result<Option<notice::Model>, StoreError> {
    Ok(notice::Entity::find()
        .filter(notice::Column::CaseId.eq(case_id))
        .one(conn)
        .await?)
}

/// The notice with the serial `serial` (ZG-…), if any.
pub async fn notice_by_serial<C: ConnectionTrait>(
    conn: &C,
    serial: &str,
) -> Result<Option<notice::Model>, StoreError> {
    Ok(notice::Entity::find()
        .filter(notice::Column::Serial.eq(serial))
        .one(conn)
        .await?)
}

/// The answers to notice `notice_id`, oldest first.
pub async fn answers_of<C: ConnectionTrait>(
    conn: &C,
    notice_id: i64,
) -> Result<Vec<answer::Model>, StoreError> {
    Ok(answer::Entity::find()
        .filter(answer::Column::NoticeId.eq(notice_id))
        .order_by_asc(answer::Column::Id)
        .all(conn)
        .await?)
}

/// An evidence file as listed (without its content).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EvidenceRow {
    pub id: i64,
    pub answer_id: i64,
    pub file_name: String,
    pub content_type: String,
    pub size_bytes: i64,
}

/// The evidence files of the answers `answer_ids`, oldest first.
pub async fn evidence_of<C: ConnectionTrait>(
    conn: &C,
    answer_ids: Vec<i64>,
) -> Result<Vec<EvidenceRow>, StoreError> {
    let rows: Vec<(i64, i64, String, String, i64)> = evidence::Entity::find()
        .select_only()
        .columns([
            evidence::Column::Id,
            evidence::Column::AnswerId,
            evidence::Column::FileName,
            evidence::Column::ContentType,
            evidence::Column::SizeBytes,
        ])
        .filter(evidence::Column::AnswerId.is_in(answer_ids))
        .order_by_asc(evidence::Column::Id)
        .into_tuple()
        .all(conn)
        .await?;
    Ok(rows
        .into_iter()
        .map(
            |(id, answer_id, file_name, content_type, size_bytes)| EvidenceRow {
                id,
                answer_id,
                file_name,
                content_type,
                size_bytes,
            },
        )
        .collect())
}

/// Evidence file `id` with its content, and the notice its answer replies to; `None` when
/// either is gone.
pub async fn evidence_file<C: ConnectionTrait>(
    conn: &C,
    id: i64,
) -> Result<Option<(evidence::Model, i64)>, StoreError> {
    let Some(e) = evidence::Entity::find_by_id(id).one(conn).await? else {
        return Ok(None);
    };
    let Some(a) = answer::Entity::find_by_id(e.answer_id).one(conn).await? else {
        return Ok(None);
    };
    Ok(Some((e, a.notice_id)))
}

/// The notices naming one of `units` whose case is in the stored state `waiting`, by due day.
pub async fn notices_waiting<C: ConnectionTrait>(
    conn: &C,
    units: Vec<i64>,
    waiting: &str,
) -> Result<Vec<notice::Model>, StoreError> {
    let notices = notice::Entity::find()
        .filter(notice::Column::UnitNodeId.is_in(units))
        .order_by_asc(notice::Column::DueOn)
        .all(conn)
        .await?;
    let cases: Vec<i64> = supervision_case::Entity::find()
        .select_only()
        .column(supervision_case::Column::Id)
        .filter(
            supervision_case::Column::Id
                .is_in(notices.iter().map(|n| n.case_id).collect::<Vec<_>>()),
        )
        .filter(supervision_case::Column::Status.eq(waiting))
        .into_tuple()
        .all(conn)
        .await?;
    Ok(notices
        .into_iter()
        .filter(|n| cases.contains(&n.case_id))
        .collect())
}

/// What an issued notice stores (sealed and rendered by the domain).
pub struct NewNotice {
    pub serial: String,
    pub check_code: String,
    pub unit_node_id: i64,
    pub issuer_node_id: i64,
    pub seal_id: i64,
    pub facts: String,
    /// The clause IDs, as a JSON array.
    pub clauses: String,
    pub action_required: String,
    pub deadline_days: i32,
    pub due_on: String,
    /// The sealed document, as JSON.
    pub document: String,
    pub pdf: Vec<u8>,
    pub issued_by: i64,
}

/// One evidence file of an answer (its type checked by content).
pub struct NewEvidence<'a> {
    pub file_name: &'a str,
    pub content_type: &'a str,
    pub sm3: String,
    pub content: &'a [u8],
}

/// One step of the loop: the case moves to `to` (a stored state) and the step's rows are
/// written.
pub enum Step<'a> {
    /// 下发整改通知: the notice.
    Notice(NewNotice),
    /// 整改答复: the answer to notice `notice_id` and its evidence.
    Answer {
        notice_id: i64,
        body: String,
        by: i64,
        evidence: Vec<NewEvidence<'a>>,
    },
    /// 验收 or 退回: the answer of notice `notice_id` awaiting review records the review.
    Review {
        notice_id: i64,
        review: &'a str,
        reason: Option<String>,
        by: i64,
    },
    /// 办结: only the case moves.
    Close,
}

/// Applies `step` to case `case_id` in the caller's write transaction if the case is still in
/// the stored state `open`, moving it to `to`. `None` when it no longer is (nothing written);
/// otherwise the id of the notice or answer the step wrote, or the case's own id for a review
/// or closing.
pub async fn apply<C: ConnectionTrait>(
    conn: &C,
    case_id: i64,
    open: &str,
    to: &str,
    step: Step<'_>,
    now: i64,
) -> Result<Option<i64>, StoreError> {
    if !super::cases::move_status(conn, case_id, open, to, now).await? {
        return Ok(None);
    }
    let written = match step {
        Step::Notice(n) => {
            notice::ActiveModel {
                case_id: Set(case_id),
                serial: Set(n.serial),
                check_code: Set(n.check_code),
                unit_node_id: Set(n.unit_node_id),
                issuer_node_id: Set(n.issuer_node_id),
                seal_id: Set(n.seal_id),
                facts: Set(n.facts),
                clauses: Set(n.clauses),
                action_required: Set(n.action_required),
                deadline_days: Set(n.deadline_days),
                due_on: Set(n.due_on),
                document: Set(n.document),
                pdf: Set(n.pdf),
                issued_by: Set(n.issued_by),
                issued_at: Set(now),
                ..Default::default()
            }
            .insert(conn)
            .await?
            .id
        }
        Step::Answer {
            notice_id,
            body,
            by,
            evidence: files,
        } => {
            let a = answer::ActiveModel {
                notice_id: Set(notice_id),
                body: Set(body),
                answered_by: Set(by),
                answered_at: Set(now),
                ..Default::default()
            }
            .insert(conn)
            .await?;
            for f in files {
                evidence::ActiveModel {
                    answer_id: Set(a.id),
                    file_name: Set(f.file_name.to_owned()),
                    content_type: Set(f.content_type.to_owned()),
                    size_bytes: Set(i64::try_from(f.content.len()).unwrap_or(i64::MAX)),
                    sm3: Set(f.sm3),
                    content: Set(f.content.to_vec()),
                    created_at: Set(now),
                    ..Default::default()
                }
                .insert(conn)
                .await?;
            }
            a.id
        }
        Step::Review {
            notice_id,
            review,
            reason,
            by,
        } => {
            answer::Entity::update_many()
                .col_expr(answer::Column::Review, Expr::value(review))
                .col_expr(answer::Column::ReviewReason, Expr::value(reason))
                .col_expr(answer::Column::ReviewedBy, Expr::value(by))
                .col_expr(answer::Column::ReviewedAt, Expr::value(now))
                .filter(answer::Column::NoticeId.eq(notice_id))
                .filter(answer::Column::Review.is_null())
                .exec(conn)
                .await?;
            case_id
        }
        Step::Close => case_id,
    };
    Ok(Some(written))
}
