//! Personal data at rest, its storage side: writing an application's sealed ID number and an
//! attachment's sealed content, and the reads and writes that bring every row under the
//! current data key (`jianfu keys rotate-data`). The domain seals and opens the values; this
//! module only finds the rows not yet under a key and stores what it is given.

use sea_orm::sea_query::{ExprTrait, Func, IntoColumnRef};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
    QuerySelect, prelude::Expr,
};

use crate::StoreError;
use crate::entity::{attachment, certificate, certificate_application};
use crate::personal::{PREFIX, binary_header};

/// A certificate row as the re-encryption reads it: id, application, serial, stored document,
/// stored PDF, stored OFD.
pub type StoredCertificateRow = (i64, i64, String, String, Vec<u8>, Option<Vec<u8>>);

/// Certificates whose document or PDF (or OFD) is not under key `key_id` (in clear, or under
/// an older key): the document does not begin with `jf1:<id>:`, or a file with `jf1\0` and
/// the id.
fn certificate_not_under(key_id: u32) -> Condition {
    Condition::any()
        .add(certificate::Column::Document.not_like(format!("{PREFIX}{key_id}:%")))
        .add(ExprTrait::ne(
            binary_head(certificate::Column::Pdf),
            binary_header(key_id),
        ))
        .add(
            Condition::all()
                .add(certificate::Column::Ofd.is_not_null())
                .add(ExprTrait::ne(
                    binary_head(certificate::Column::Ofd),
                    binary_header(key_id),
                )),
        )
}

fn attachment_not_under(key_id: u32) -> Condition {
    Condition::any().add(ExprTrait::ne(
        binary_head(attachment::Column::Content),
        binary_header(key_id),
    ))
}

fn id_number_not_under(key_id: u32) -> Condition {
    Condition::all().add(
        certificate_application::Column::ApplicantIdNumber.not_like(format!("{PREFIX}{key_id}:%")),
    )
}

/// The first eight bytes of a binary column (`substr` reads bytes of a BLOB on SQLite and of a
/// `bytea` on PostgreSQL).
fn binary_head(column: impl IntoColumnRef) -> Expr {
    Expr::expr(
        Func::cust("substr")
            .arg(Expr::col(column))
            .arg(1i32)
            .arg(8i32),
    )
}

/// Stores the sealed ID number of application `id`.
pub async fn set_id_number<C: ConnectionTrait>(
    conn: &C,
    id: i64,
    sealed: String,
) -> Result<(), StoreError> {
    certificate_application::Entity::update_many()
        .col_expr(
            certificate_application::Column::ApplicantIdNumber,
            Expr::value(sealed),
        )
        .filter(certificate_application::Column::Id.eq(id))
        .exec(conn)
        .await?;
    Ok(())
}

/// Stores the sealed content of attachment `id`.
pub async fn set_attachment<C: ConnectionTrait>(
    conn: &C,
    id: i64,
    sealed: Vec<u8>,
) -> Result<(), StoreError> {
    attachment::Entity::update_many()
        .col_expr(attachment::Column::Content, Expr::value(sealed))
        .filter(attachment::Column::Id.eq(id))
        .exec(conn)
        .await?;
    Ok(())
}

/// The first `limit` applications (by id) whose ID number is not under key `key_id`: (id,
/// stored ID number).
pub async fn id_numbers_not_under<C: ConnectionTrait>(
    conn: &C,
    key_id: u32,
    limit: u64,
) -> Result<Vec<(i64, String)>, StoreError> {
    Ok(certificate_application::Entity::find()
        .select_only()
        .column(certificate_application::Column::Id)
        .column(certificate_application::Column::ApplicantIdNumber)
        .filter(id_number_not_under(key_id))
        .order_by_asc(certificate_application::Column::Id)
        .limit(limit)
        .into_tuple()
        .all(conn)
        .await?)
}

/// Replaces application `id`'s sealed ID number with its masked form and blind index.
pub async fn reseal_id_number<C: ConnectionTrait>(
    conn: &C,
    id: i64,
    sealed: String,
    masked: String,
    index: String,
) -> Result<(), StoreError> {
    certificate_application::Entity::update_many()
        .col_expr(
            certificate_application::Column::ApplicantIdNumber,
            Expr::value(sealed),
        )
        .col_expr(
            certificate_application::Column::ApplicantIdMasked,
            Expr::value(masked),
        )
        .col_expr(
            certificate_application::Column::ApplicantIdIndex,
            Expr::value(index),
        )
        .filter(certificate_application::Column::Id.eq(id))
        .exec(conn)
        .await?;
    Ok(())
}

/// The first `limit` certificates (by id) with a file not under key `key_id`.
pub async fn certificates_not_under<C: ConnectionTrait>(
    conn: &C,
    key_id: u32,
    limit: u64,
) -> Result<Vec<StoredCertificateRow>, StoreError> {
    Ok(certificate::Entity::find()
        .select_only()
        .columns([
            certificate::Column::Id,
            certificate::Column::ApplicationId,
            certificate::Column::Serial,
            certificate::Column::Document,
            certificate::Column::Pdf,
            certificate::Column::Ofd,
        ])
        .filter(certificate_not_under(key_id))
        .order_by_asc(certificate::Column::Id)
        .limit(limit)
        .into_tuple()
        .all(conn)
        .await?)
}

/// Replaces certificate `id`'s sealed document, PDF and OFD.
pub async fn reseal_certificate<C: ConnectionTrait>(
    conn: &C,
    id: i64,
    document: String,
    pdf: Vec<u8>,
    ofd: Option<Vec<u8>>,
) -> Result<(), StoreError> {
    certificate::Entity::update_many()
        .col_expr(certificate::Column::Ofd, Expr::value(ofd))
        .col_expr(certificate::Column::Document, Expr::value(document))
        .col_expr(certificate::Column::Pdf, Expr::value(pdf))
        .filter(certificate::Column::Id.eq(id))
        .exec(conn)
        .await?;
    Ok(())
}

/// The first `limit` attachments (by id) not under key `key_id`: (id, stored content).
pub async fn attachments_not_under<C: ConnectionTrait>(
    conn: &C,
    key_id: u32,
    limit: u64,
) -> Result<Vec<(i64, Vec<u8>)>, StoreError> {
    Ok(attachment::Entity::find()
        .select_only()
        .columns([attachment::Column::Id, attachment::Column::Content])
        .filter(attachment_not_under(key_id))
        .order_by_asc(attachment::Column::Id)
        .limit(limit)
        .into_tuple()
        .all(conn)
        .await?)
}

/// How many rows of personal data at rest are not under key `key_id`.
pub async fn count_not_under<C: ConnectionTrait>(conn: &C, key_id: u32) -> Result<u64, StoreError> {
    Ok(certificate_application::Entity::find()
        .filter(id_number_not_under(key_id))
        .count(conn)
        .await?
        + certificate::Entity::find()
            .filter(certificate_not_under(key_id))
            .count(conn)
            .await?
        + attachment::Entity::find()
            .filter(attachment_not_under(key_id))
            .count(conn)
            .await?)
}
