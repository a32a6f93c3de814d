//! Certificate applications (证明申请) and their attachments: the resident's application, the
//! community's processing steps, each a guarded write that only an application still in the
//! state the caller read can take, and the lists and to-dos. The domain validates, encrypts
//! and decides; these functions only build the statements, the same on both databases.

use sea_orm::ActiveValue::Set;
use sea_orm::sea_query::{Expr, SimpleExpr};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, EntityTrait, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect,
};

use crate::StoreError;
use crate::entity::{attachment, certificate, certificate_application as app};
use crate::scope::Scope;

/// What a new application stores (validated and decided by the domain). The ID number's
/// ciphertext is written afterwards, bound to the new row's id; the column starts empty.
pub struct NewApplication {
    pub community_node_id: i64,
    pub type_id: Option<i64>,
    pub requested_name: String,
    pub applicant_account_id: Option<i64>,
    pub applicant_name: String,
    pub applicant_id_masked: String,
    pub applicant_id_index: Option<String>,
    pub purpose: String,
    pub details: String,
    pub demanded_by: Option<String>,
    pub demand_number: Option<String>,
    pub status: String,
    pub path: String,
    pub received_on: String,
    pub due_on: Option<String>,
    pub decision: String,
    pub refuse_reason: Option<String>,
    pub created_by: i64,
    pub now: i64,
}

/// Inserts an application inside the caller's write transaction; the new row.
pub async fn insert<C: ConnectionTrait>(
    conn: &C,
    a: NewApplication,
) -> Result<app::Model, StoreError> {
    Ok(app::ActiveModel {
        community_node_id: Set(a.community_node_id),
        type_id: Set(a.type_id),
        requested_name: Set(a.requested_name),
        applicant_account_id: Set(a.applicant_account_id),
        applicant_name: Set(a.applicant_name),
        applicant_id_number: Set(String::new()),
        applicant_id_masked: Set(a.applicant_id_masked),
        applicant_id_index: Set(a.applicant_id_index),
        purpose: Set(a.purpose),
        details: Set(a.details),
        demanded_by: Set(a.demanded_by),
        demand_number: Set(a.demand_number),
        status: Set(a.status),
        path: Set(a.path),
        received_on: Set(a.received_on),
        due_on: Set(a.due_on),
        decision: Set(a.decision),
        refuse_reason: Set(a.refuse_reason),
        created_by: Set(a.created_by),
        created_at: Set(a.now),
        updated_at: Set(a.now),
        ..Default::default()
    }
    .insert(conn)
    .await?)
}

/// What one stored attachment records (its content is written encrypted afterwards).
pub struct NewAttachment<'a> {
    pub application_id: i64,
    pub file_name: &'a str,
    pub content_type: &'a str,
    pub size_bytes: i64,
    pub sm3: String,
    pub created_by: i64,
    pub created_at: i64,
}

/// Inserts an attachment's row with empty content; its id.
pub async fn insert_attachment<C: ConnectionTrait>(
    conn: &C,
    a: NewAttachment<'_>,
) -> Result<i64, StoreError> {
    let row = attachment::ActiveModel {
        application_id: Set(a.application_id),
        file_name: Set(a.file_name.to_owned()),
        content_type: Set(a.content_type.to_owned()),
        size_bytes: Set(a.size_bytes),
        sm3: Set(a.sm3),
        content: Set(Vec::new()),
        created_by: Set(a.created_by),
        created_at: Set(a.created_at),
        ..Default::default()
    }
    .insert(conn)
    .await?;
    Ok(row.id)
}

/// Application `id`, as stored (its ID number still encrypted).
pub async fn by_id<C: ConnectionTrait>(
    conn: &C,
    id: i64,
) -> Result<Option<app::Model>, StoreError> {
    Ok(app::Entity::find_by_id(id).one(conn).await?)
}

/// The newest `limit` applications made by account `account_id`.
pub async fn of_applicant<C: ConnectionTrait>(
    conn: &C,
    account_id: i64,
    limit: u64,
) -> Result<Vec<app::Model>, StoreError> {
    Ok(app::Entity::find()
        .filter(app::Column::ApplicantAccountId.eq(account_id))
        .order_by_desc(app::Column::Id)
        .limit(limit)
        .all(conn)
        .await?)
}

/// Which applications a list shows, already validated by the domain.
pub enum StatusFilter<'a> {
    Any,
    /// In `status`.
    In(&'a str),
    /// In `status` (the open one) with a due day before `today` (`YYYY-MM-DD`).
    DueBefore {
        status: &'a str,
        today: &'a str,
    },
}

/// One page of the applications of the communities in `scope`, newest first, and how many
/// there are. `needle` is found in the applicant's or the type's name, or (`id_index`, the
/// blind index of a full ID number) as the applicant's ID number.
pub async fn page<C: ConnectionTrait>(
    conn: &C,
    scope: &Scope,
    status: StatusFilter<'_>,
    needle: Option<(&str, &str)>,
    offset: u64,
    limit: u64,
) -> Result<(Vec<app::Model>, u64), StoreError> {
    let mut q = app::Entity::find().filter(scope.holds(app::Column::CommunityNodeId));
    match status {
        StatusFilter::Any => {}
        StatusFilter::In(s) => q = q.filter(app::Column::Status.eq(s)),
        StatusFilter::DueBefore { status, today } => {
            q = q
                .filter(app::Column::Status.eq(status))
                .filter(app::Column::DueOn.lt(today));
        }
    }
    if let Some((needle, id_index)) = needle {
        q = q.filter(
            Condition::any()
                .add(app::Column::ApplicantName.contains(needle))
                .add(app::Column::RequestedName.contains(needle))
                .add(app::Column::ApplicantIdIndex.eq(id_index)),
        );
    }
    let q = q.order_by_desc(app::Column::Id);
    let total = q.clone().count(conn).await?;
    Ok((q.offset(offset).limit(limit).all(conn).await?, total))
}

/// The attachments of application `id` without their content: id, file name, content type
/// and size.
pub async fn attachments_of<C: ConnectionTrait>(
    conn: &C,
    id: i64,
) -> Result<Vec<(i64, String, String, i64)>, StoreError> {
    Ok(attachment::Entity::find()
        .select_only()
        .columns([
            attachment::Column::Id,
            attachment::Column::FileName,
            attachment::Column::ContentType,
            attachment::Column::SizeBytes,
        ])
        .filter(attachment::Column::ApplicationId.eq(id))
        .into_tuple()
        .all(conn)
        .await?)
}

/// How many attachments application `id` has.
pub async fn count_attachments<C: ConnectionTrait>(conn: &C, id: i64) -> Result<u64, StoreError> {
    Ok(attachment::Entity::find()
        .filter(attachment::Column::ApplicationId.eq(id))
        .count(conn)
        .await?)
}

/// Attachment `attachment_id` of application `application_id`, with its (encrypted) content.
pub async fn attachment<C: ConnectionTrait>(
    conn: &C,
    application_id: i64,
    attachment_id: i64,
) -> Result<Option<attachment::Model>, StoreError> {
    Ok(attachment::Entity::find_by_id(attachment_id)
        .filter(attachment::Column::ApplicationId.eq(application_id))
        .one(conn)
        .await?)
}

/// The certificate issued on application `id`, as its page shows it: id, serial, check code,
/// status, issued at, revocation reason and format.
pub type IssuedRow = (i64, String, String, String, i64, Option<String>, String);

/// The certificate issued on application `id`, if any.
pub async fn issued_on<C: ConnectionTrait>(
    conn: &C,
    id: i64,
) -> Result<Option<IssuedRow>, StoreError> {
    Ok(certificate::Entity::find()
        .select_only()
        .columns([
            certificate::Column::Id,
            certificate::Column::Serial,
            certificate::Column::CheckCode,
            certificate::Column::Status,
            certificate::Column::IssuedAt,
            certificate::Column::RevokeReason,
            certificate::Column::Format,
        ])
        .filter(certificate::Column::ApplicationId.eq(id))
        .into_tuple()
        .one(conn)
        .await?)
}

/// A processing step's change of an application's columns.
pub enum Step {
    /// 调查核实: the note and who investigated.
    Investigation { note: String, by: i64 },
    /// 风险评估 (4.5-13).
    Risk(String),
    /// The reason for a delay (4.5-9).
    Delay(String),
    /// 议事协商 (4.5-5), as JSON.
    Deliberation(String),
    /// 社区负责人签字: only while nobody has signed.
    HeadSign { by: i64 },
    /// 一次性告知补正材料: the request (replacing an earlier one).
    RequestMaterial(String),
    /// Material added: the request is answered (only while there is one).
    MaterialAdded,
    /// Closed (issued or refused) by `by`, with a refusal's reason.
    Close {
        to: String,
        by: i64,
        refuse_reason: Option<String>,
    },
}

/// Applies `step` to application `id` at `now`, only while it is in `open` (and, for a head's
/// signature, unsigned; for added material, with a request outstanding — that step does not
/// look at the state). Whether this call made the change.
pub async fn apply<C: ConnectionTrait>(
    conn: &C,
    id: i64,
    open: &str,
    step: Step,
    now: i64,
) -> Result<bool, StoreError> {
    let mut sets: Vec<(app::Column, SimpleExpr)> = vec![(app::Column::UpdatedAt, Expr::value(now))];
    let mut guard = Condition::all().add(app::Column::Id.eq(id));
    let in_open = app::Column::Status.eq(open);
    match step {
        Step::Investigation { note, by } => {
            sets.push((app::Column::InvestigationNote, Expr::value(note)));
            sets.push((app::Column::InvestigatedBy, Expr::value(by)));
            guard = guard.add(in_open);
        }
        Step::Risk(note) => {
            sets.push((app::Column::RiskAssessment, Expr::value(note)));
            guard = guard.add(in_open);
        }
        Step::Delay(note) => {
            sets.push((app::Column::DelayNote, Expr::value(note)));
            guard = guard.add(in_open);
        }
        Step::Deliberation(json) => {
            sets.push((app::Column::Deliberation, Expr::value(json)));
            guard = guard.add(in_open);
        }
        Step::HeadSign { by } => {
            sets.push((app::Column::HeadApprovedBy, Expr::value(by)));
            sets.push((app::Column::HeadApprovedAt, Expr::value(now)));
            guard = guard
                .add(in_open)
                .add(app::Column::HeadApprovedBy.is_null());
        }
        Step::RequestMaterial(note) => {
            sets.push((app::Column::MaterialRequest, Expr::value(note)));
            sets.push((app::Column::MaterialRequestedAt, Expr::value(now)));
            guard = guard.add(in_open);
        }
        Step::MaterialAdded => {
            sets.push((
                app::Column::MaterialRequest,
                Expr::value(Option::<String>::None),
            ));
            sets.push((
                app::Column::MaterialRequestedAt,
                Expr::value(Option::<i64>::None),
            ));
            guard = guard.add(app::Column::MaterialRequest.is_not_null());
        }
        Step::Close {
            to,
            by,
            refuse_reason,
        } => {
            sets.push((app::Column::Status, Expr::value(to)));
            sets.push((app::Column::ReviewedBy, Expr::value(by)));
            if let Some(r) = refuse_reason {
                sets.push((app::Column::RefuseReason, Expr::value(r)));
            }
            guard = guard.add(in_open);
        }
    }
    let mut update = app::Entity::update_many();
    for (column, value) in sets {
        update = update.col_expr(column, value);
    }
    let n = update.filter(guard).exec(conn).await?;
    Ok(n.rows_affected == 1)
}

/// The open applications of the communities in `scope`, soonest due first, at most `limit`
/// (the community's to-dos).
pub async fn open_in<C: ConnectionTrait>(
    conn: &C,
    scope: &Scope,
    open: &str,
    limit: u64,
) -> Result<Vec<app::Model>, StoreError> {
    Ok(app::Entity::find()
        .filter(scope.holds(app::Column::CommunityNodeId))
        .filter(app::Column::Status.eq(open))
        .order_by_asc(app::Column::DueOn)
        .order_by_asc(app::Column::Id)
        .limit(limit)
        .all(conn)
        .await?)
}

/// Applicant `account_id`'s open applications with material asked for, oldest request first,
/// at most `limit`.
pub async fn material_asked_of<C: ConnectionTrait>(
    conn: &C,
    account_id: i64,
    open: &str,
    limit: u64,
) -> Result<Vec<app::Model>, StoreError> {
    Ok(app::Entity::find()
        .filter(app::Column::ApplicantAccountId.eq(account_id))
        .filter(app::Column::Status.eq(open))
        .filter(app::Column::MaterialRequest.is_not_null())
        .order_by_asc(app::Column::MaterialRequestedAt)
        .limit(limit)
        .all(conn)
        .await?)
}

/// Applicant `account_id`'s applications in one of `states` changed since `since`, newest
/// change first, at most `limit`.
pub async fn decided_of<C: ConnectionTrait>(
    conn: &C,
    account_id: i64,
    states: &[&str],
    since: i64,
    limit: u64,
) -> Result<Vec<app::Model>, StoreError> {
    Ok(app::Entity::find()
        .filter(app::Column::ApplicantAccountId.eq(account_id))
        .filter(app::Column::Status.is_in(states.iter().copied()))
        .filter(app::Column::UpdatedAt.gte(since))
        .order_by_desc(app::Column::UpdatedAt)
        .limit(limit)
        .all(conn)
        .await?)
}
