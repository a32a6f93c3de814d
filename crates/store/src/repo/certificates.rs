//! Certificates: issuing, revoking, reading one, and the public verification read.

use sea_orm::ActiveValue::Set;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect,
};

use crate::entity::certificate;
use crate::{Store, StoreError};

/// The columns verification reads of a certificate (never the PDF).
#[derive(Clone, Debug)]
pub struct VerifyRow {
    pub id: i64,
    pub application_id: i64,
    pub check_code: String,
    /// The sealed document as stored (encrypted).
    pub document: String,
    pub status: String,
    pub revoke_reason: Option<String>,
    /// `json-v1` or `ses-v4`.
    pub format: String,
}

/// The certificate with this serial, for verification; on a SQLite file inline on this
/// thread's read-only connection (a public read at any rate, like the lookup).
pub async fn verify_row(store: &Store, serial: &str) -> Result<Option<VerifyRow>, StoreError> {
    type Tuple = (i64, i64, String, String, String, Option<String>, String);
    let found: Option<Tuple> = if let Some(reads) = store.sqlite_reads() {
        use rusqlite::OptionalExtension;
        reads.query(|c| {
            c.prepare_cached(
                "SELECT id, application_id, check_code, document, status, revoke_reason, format \
                 FROM certificate WHERE serial = ?1",
            )?
            .query_row([serial], |r| {
                Ok((
                    r.get(0)?,
                    r.get(1)?,
                    r.get(2)?,
                    r.get(3)?,
                    r.get(4)?,
                    r.get(5)?,
                    r.get(6)?,
                ))
            })
            .optional()
        })?
    } else {
        certificate::Entity::find()
            .select_only()
            .columns([
                certificate::Column::Id,
                certificate::Column::ApplicationId,
                certificate::Column::CheckCode,
                certificate::Column::Document,
                certificate::Column::Status,
                certificate::Column::RevokeReason,
                certificate::Column::Format,
            ])
            .filter(certificate::Column::Serial.eq(serial))
            .into_tuple::<Tuple>()
            .one(store.db())
            .await?
    };
    Ok(found.map(
        |(id, application_id, check_code, document, status, revoke_reason, format)| VerifyRow {
            id,
            application_id,
            check_code,
            document,
            status,
            revoke_reason,
            format,
        },
    ))
}

/// The signed files of certificate `id` as stored (encrypted): the PDF and, for a `ses-v4`
/// certificate, the OFD. Read by online verification to re-check their signatures.
pub async fn signed_files(
    store: &Store,
    id: i64,
) -> Result<Option<(Vec<u8>, Option<Vec<u8>>)>, StoreError> {
    Ok(certificate::Entity::find_by_id(id)
        .select_only()
        .columns([certificate::Column::Pdf, certificate::Column::Ofd])
        .into_tuple::<(Vec<u8>, Option<Vec<u8>>)>()
        .one(store.db())
        .await?)
}

/// Certificate `id` with its stored (encrypted) files.
pub async fn by_id<C: ConnectionTrait>(
    conn: &C,
    id: i64,
) -> Result<Option<certificate::Model>, StoreError> {
    Ok(certificate::Entity::find_by_id(id).one(conn).await?)
}

/// What an issued certificate stores (its document and files already sealed and encrypted).
pub struct NewCertificate {
    pub application_id: i64,
    pub serial: String,
    pub check_code: String,
    pub seal_id: i64,
    pub document: String,
    pub pdf: Vec<u8>,
    pub ofd: Option<Vec<u8>>,
    pub format: String,
    pub status: String,
    pub issued_by: i64,
    pub issued_at: i64,
}

/// Inserts an issued certificate inside the caller's write transaction. A serial another
/// process took meanwhile fails with a unique violation (`StoreError::is_unique_violation`).
pub async fn insert<C: ConnectionTrait>(
    conn: &C,
    c: NewCertificate,
) -> Result<certificate::Model, StoreError> {
    Ok(certificate::ActiveModel {
        application_id: Set(c.application_id),
        serial: Set(c.serial),
        check_code: Set(c.check_code),
        seal_id: Set(c.seal_id),
        document: Set(c.document),
        pdf: Set(c.pdf),
        ofd: Set(c.ofd),
        format: Set(c.format),
        status: Set(c.status),
        issued_by: Set(c.issued_by),
        issued_at: Set(c.issued_at),
        ..Default::default()
    }
    .insert(conn)
    .await?)
}

/// Revokes certificate `id` (sets `revoked` with who, when and why) only while it is in
/// `issued`. Whether this call made the change.
pub async fn revoke<C: ConnectionTrait>(
    conn: &C,
    id: i64,
    issued: &str,
    revoked: &str,
    by: i64,
    at: i64,
    reason: &str,
) -> Result<bool, StoreError> {
    let n = certificate::Entity::update_many()
        .col_expr(certificate::Column::Status, Expr::value(revoked))
        .col_expr(certificate::Column::RevokedBy, Expr::value(by))
        .col_expr(certificate::Column::RevokedAt, Expr::value(at))
        .col_expr(certificate::Column::RevokeReason, Expr::value(reason))
        .filter(certificate::Column::Id.eq(id))
        .filter(certificate::Column::Status.eq(issued))
        .exec(conn)
        .await?;
    Ok(n.rows_affected == 1)
}
