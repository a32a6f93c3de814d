//! The seal authority's PKI: its certificates (root, seal maker, signers) with their sealed
//! keys, and the revocation of a signer's certificate.

use sea_orm::ActiveValue::Set;
use sea_orm::prelude::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect,
};

use crate::StoreError;
use crate::entity::pki_certificate;

/// The text stored in `pki_certificate.role`.
pub const ROOT: &str = "root";
/// The seal maker's certificate.
pub const SEAL_MAKER: &str = "seal_maker";
/// A signer's certificate.
pub const SIGNER: &str = "signer";

/// The newest certificate of `role` (the root or the seal maker: there is one of each).
pub async fn newest<C: ConnectionTrait>(
    conn: &C,
    role: &str,
) -> Result<Option<pki_certificate::Model>, StoreError> {
    Ok(pki_certificate::Entity::find()
        .filter(pki_certificate::Column::Role.eq(role))
        .order_by_desc(pki_certificate::Column::Id)
        .one(conn)
        .await?)
}

/// The newest signer certificate of `account_id` that is not revoked and still valid at `now`
/// (milliseconds).
pub async fn signer_of<C: ConnectionTrait>(
    conn: &C,
    account_id: i64,
    now: i64,
) -> Result<Option<pki_certificate::Model>, StoreError> {
    Ok(pki_certificate::Entity::find()
        .filter(pki_certificate::Column::Role.eq(SIGNER))
        .filter(pki_certificate::Column::AccountId.eq(account_id))
        .filter(pki_certificate::Column::RevokedAt.is_null())
        .filter(pki_certificate::Column::NotBefore.lte(now))
        .filter(pki_certificate::Column::NotAfter.gt(now))
        .order_by_desc(pki_certificate::Column::Id)
        .one(conn)
        .await?)
}

/// Whether the newest signer certificate of `account_id` is revoked (none: false). One small
/// read on the issuing path.
pub async fn newest_signer_revoked<C: ConnectionTrait>(
    conn: &C,
    account_id: i64,
) -> Result<Option<(String, bool)>, StoreError> {
    Ok(pki_certificate::Entity::find()
        .select_only()
        .columns([
            pki_certificate::Column::Serial,
            pki_certificate::Column::RevokedAt,
        ])
        .filter(pki_certificate::Column::Role.eq(SIGNER))
        .filter(pki_certificate::Column::AccountId.eq(account_id))
        .order_by_desc(pki_certificate::Column::Id)
        .into_tuple::<(String, Option<i64>)>()
        .one(conn)
        .await?
        .map(|(serial, revoked)| (serial, revoked.is_some())))
}

/// One certificate by its row id.
pub async fn by_id<C: ConnectionTrait>(
    conn: &C,
    id: i64,
) -> Result<Option<pki_certificate::Model>, StoreError> {
    Ok(pki_certificate::Entity::find_by_id(id).one(conn).await?)
}

/// Every signer certificate, newest first (the authority's register of them).
pub async fn signers<C: ConnectionTrait>(
    conn: &C,
) -> Result<Vec<pki_certificate::Model>, StoreError> {
    Ok(pki_certificate::Entity::find()
        .filter(pki_certificate::Column::Role.eq(SIGNER))
        .order_by_desc(pki_certificate::Column::Id)
        .all(conn)
        .await?)
}

/// The revocation list: (serial as hex, revoked at in milliseconds) of every revoked
/// certificate.
pub async fn revoked<C: ConnectionTrait>(conn: &C) -> Result<Vec<(String, i64)>, StoreError> {
    Ok(pki_certificate::Entity::find()
        .filter(pki_certificate::Column::RevokedAt.is_not_null())
        .all(conn)
        .await?
        .into_iter()
        .filter_map(|c| c.revoked_at.map(|at| (c.serial, at)))
        .collect())
}

/// Records the revocation of signer certificate `id` unless it is already revoked; answers
/// whether this call revoked it.
pub async fn revoke<C: ConnectionTrait>(
    conn: &C,
    id: i64,
    by: i64,
    at: i64,
    reason: &str,
) -> Result<bool, StoreError> {
    let done = pki_certificate::Entity::update_many()
        .col_expr(pki_certificate::Column::RevokedAt, Expr::value(at))
        .col_expr(pki_certificate::Column::RevokedBy, Expr::value(by))
        .col_expr(
            pki_certificate::Column::RevokeReason,
            Expr::value(reason.to_string()),
        )
        .filter(pki_certificate::Column::Id.eq(id))
        .filter(pki_certificate::Column::Role.eq(SIGNER))
        .filter(pki_certificate::Column::RevokedAt.is_null())
        .exec(conn)
        .await?;
    Ok(done.rows_affected == 1)
}

/// One page of the PKI's certificates that `scope` sees, the root, then the seal maker (they
/// belong to the whole authority and are shown to everyone who manages seals), then the
/// signers whose account's home unit lies in `scope`, newest first; and how many there are.
pub async fn page_in<C: ConnectionTrait>(
    conn: &C,
    scope: &crate::scope::Scope,
    offset: u64,
    limit: u64,
) -> Result<(Vec<pki_certificate::Model>, u64), StoreError> {
    use sea_orm::PaginatorTrait;
    use sea_orm::sea_query::{Condition, Query};

    use crate::entity::account;
    let signers_here = Query::select()
        .column(account::Column::Id)
        .from(account::Entity)
        .cond_where(scope.holds(account::Column::HomeNodeId))
        .to_owned();
    let s = pki_certificate::Entity::find()
        .filter(
            Condition::any()
                .add(pki_certificate::Column::Role.ne(SIGNER))
                .add(pki_certificate::Column::AccountId.in_subquery(signers_here)),
        )
        .order_by_asc(pki_certificate::Column::Role.eq(SIGNER))
        .order_by_asc(pki_certificate::Column::Role.eq(SEAL_MAKER))
        .order_by_desc(pki_certificate::Column::Id);
    let total = s.clone().count(conn).await?;
    let rows = s.offset(offset).limit(limit).all(conn).await?;
    Ok((rows, total))
}

/// What a new PKI certificate row stores (the key already encrypted by the domain).
pub struct NewCertificate<'a> {
    pub role: &'a str,
    pub serial: String,
    pub subject: String,
    pub account_id: Option<i64>,
    pub der: Vec<u8>,
    pub key_blob: String,
    pub not_before: i64,
    pub not_after: i64,
    pub created_at: i64,
}

/// Inserts a certificate of the PKI inside the caller's write transaction.
pub async fn insert<C: ConnectionTrait>(conn: &C, c: NewCertificate<'_>) -> Result<(), StoreError> {
    pki_certificate::ActiveModel {
        role: Set(c.role.to_owned()),
        serial: Set(c.serial),
        subject: Set(c.subject),
        account_id: Set(c.account_id),
        der: Set(c.der),
        key_blob: Set(c.key_blob),
        not_before: Set(c.not_before),
        not_after: Set(c.not_after),
        created_at: Set(c.created_at),
        ..Default::default()
    }
    .insert(conn)
    .await?;
    Ok(())
}
