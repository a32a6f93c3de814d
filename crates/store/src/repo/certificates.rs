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
    /// What identifies the stored PDF and OFD bytes without reading them (see [`FilesMark`]).
    pub files: FilesMark,
    /// How many PKI certificates are revoked, read in the same statement: the set of
    /// revocations only grows (a revocation is never undone, a certificate never deleted), so
    /// this count names it, and a verifier keeps the list it read under its length.
    pub revocations: i64,
}

/// The bytes a stored file is recognised by without reading it whole: its length, its first
/// [`HEAD`] bytes and its last [`TAIL`] bytes. For a file under a data key (`jf1\0`, the key id,
/// the random nonce, …, the GCM tag) these change with every re-encryption and every edit that
/// still decrypts (an edit must re-encrypt: any other change fails the tag). A file not under a
/// data key (an older installation's plaintext) is recognised only by its whole bytes.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FilesMark {
    pub pdf: Option<(i64, Vec<u8>, Vec<u8>)>,
    pub ofd: Option<(i64, Vec<u8>, Vec<u8>)>,
}

/// How many leading bytes [`FilesMark`] keeps: the 4-byte marker, the 4-byte key id and the
/// 12-byte nonce.
pub const HEAD: i64 = 20;
/// How many trailing bytes [`FilesMark`] keeps: the 16-byte GCM tag.
pub const TAIL: i64 = 16;

type MarkParts = (Option<i64>, Option<Vec<u8>>, Option<Vec<u8>>);

fn get<T: sea_orm::TryGetable>(r: &sea_orm::QueryResult, i: usize) -> Result<T, sea_orm::DbErr> {
    r.try_get_by_index(i)
}

fn mark((len, head, tail): MarkParts) -> Option<(i64, Vec<u8>, Vec<u8>)> {
    Some((len?, head?, tail?))
}

/// The certificate with this serial, for verification; on a SQLite file inline on this
/// thread's read-only connection (a public read at any rate, like the lookup). The PDF and
/// OFD are not read: only their [`FilesMark`].
pub async fn verify_row(store: &Store, serial: &str) -> Result<Option<VerifyRow>, StoreError> {
    type Head = (i64, i64, String, String, String, Option<String>, String);
    type Tuple = (Head, MarkParts, MarkParts, i64);
    const SQLITE: &str = "SELECT id, application_id, check_code, document, status, revoke_reason, format, \
         length(pdf), substr(pdf, 1, 20), substr(pdf, -16), \
         length(ofd), substr(ofd, 1, 20), substr(ofd, -16), \
         (SELECT count(*) FROM pki_certificate WHERE revoked_at IS NOT NULL) \
         FROM certificate WHERE serial = ?1";
    const POSTGRES: &str = "SELECT id, application_id, check_code, document, status, revoke_reason, format, \
         octet_length(pdf)::bigint, substring(pdf from 1 for 20), substring(pdf from greatest(octet_length(pdf) - 15, 1)), \
         octet_length(ofd)::bigint, substring(ofd from 1 for 20), substring(ofd from greatest(octet_length(ofd) - 15, 1)), \
         (SELECT count(*) FROM pki_certificate WHERE revoked_at IS NOT NULL) \
         FROM certificate WHERE serial = $1";
    let found: Option<Tuple> = if let Some(reads) = store.sqlite_reads() {
        use rusqlite::OptionalExtension;
        reads.query(|c| {
            c.prepare_cached(SQLITE)?
                .query_row([serial], |r| {
                    Ok((
                        (
                            r.get(0)?,
                            r.get(1)?,
                            r.get(2)?,
                            r.get(3)?,
                            r.get(4)?,
                            r.get(5)?,
                            r.get(6)?,
                        ),
                        (r.get(7)?, r.get(8)?, r.get(9)?),
                        (r.get(10)?, r.get(11)?, r.get(12)?),
                        r.get(13)?,
                    ))
                })
                .optional()
        })?
    } else {
        let db = store.db();
        let backend = db.get_database_backend();
        let sql = match backend {
            sea_orm::DbBackend::Postgres => POSTGRES,
            _ => SQLITE,
        };
        let row = db
            .query_one_raw(sea_orm::Statement::from_sql_and_values(
                backend,
                sql,
                [serial.into()],
            ))
            .await?;
        match row {
            None => None,
            Some(r) => Some((
                (
                    get(&r, 0)?,
                    get(&r, 1)?,
                    get(&r, 2)?,
                    get(&r, 3)?,
                    get(&r, 4)?,
                    get(&r, 5)?,
                    get(&r, 6)?,
                ),
                (get(&r, 7)?, get(&r, 8)?, get(&r, 9)?),
                (get(&r, 10)?, get(&r, 11)?, get(&r, 12)?),
                get(&r, 13)?,
            )),
        }
    };
    Ok(found.map(
        |(
            (id, application_id, check_code, document, status, revoke_reason, format),
            pdf,
            ofd,
            revocations,
        )| {
            VerifyRow {
                id,
                application_id,
                check_code,
                document,
                status,
                revoke_reason,
                format,
                files: FilesMark {
                    pdf: mark(pdf),
                    ofd: mark(ofd),
                },
                revocations,
            }
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

/// Whether a certificate with this serial exists (read inside the issuing transaction, after
/// the year's counter row is locked).
pub async fn serial_taken<C: ConnectionTrait>(conn: &C, serial: &str) -> Result<bool, StoreError> {
    Ok(certificate::Entity::find()
        .select_only()
        .column(certificate::Column::Id)
        .filter(certificate::Column::Serial.eq(serial))
        .into_tuple::<i64>()
        .one(conn)
        .await?
        .is_some())
}

/// Inserts an issued certificate inside the caller's write transaction (its serial is unique:
/// see [`serial_taken`]).
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
