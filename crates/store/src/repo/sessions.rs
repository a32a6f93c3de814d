//! Signing in and staying signed in, wholly: the settings row of the security policy, failed
//! attempts per address, second-factor login challenges, server-side sessions, the password
//! history and API tokens. Tokens arrive here as digests only; the domain makes and hashes
//! them.

use sea_orm::ActiveValue::Set;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder, QuerySelect,
};

use crate::StoreError;
use crate::entity::{
    account, api_token, login_attempt, login_challenge, password_history, session, setting,
};

/// The stored value of the setting `key`.
pub async fn setting<C: ConnectionTrait>(
    conn: &C,
    key: &str,
) -> Result<Option<String>, StoreError> {
    Ok(setting::Entity::find_by_id(key.to_owned())
        .one(conn)
        .await?
        .map(|r| r.value))
}

/// Replaces the setting `key` with `value`.
pub async fn put_setting<C: ConnectionTrait>(
    conn: &C,
    key: &str,
    value: &str,
    now: i64,
) -> Result<(), StoreError> {
    setting::Entity::delete_by_id(key.to_owned())
        .exec(conn)
        .await?;
    setting::ActiveModel {
        key: Set(key.to_owned()),
        value: Set(value.to_owned()),
        updated_at: Set(now),
    }
    .insert(conn)
    .await?;
    Ok(())
}

/// How many failed attempts the address `ip` made since `since`.
pub async fn failures_since<C: ConnectionTrait>(
    conn: &C,
    ip: &str,
    since: i64,
) -> Result<u64, StoreError> {
    Ok(login_attempt::Entity::find()
        .filter(login_attempt::Column::Ip.eq(ip))
        .filter(login_attempt::Column::At.gte(since))
        .count(conn)
        .await?)
}

/// Records a failed attempt from the address `ip`.
pub async fn record_failure<C: ConnectionTrait>(
    conn: &C,
    ip: &str,
    now: i64,
) -> Result<(), StoreError> {
    login_attempt::ActiveModel {
        ip: Set(ip.to_owned()),
        at: Set(now),
        ..Default::default()
    }
    .insert(conn)
    .await?;
    Ok(())
}

/// Sets an account's failure count and lockout (`None`: not locked).
pub async fn set_failures<C: ConnectionTrait>(
    conn: &C,
    account_id: i64,
    failures: i32,
    locked_until: Option<i64>,
) -> Result<(), StoreError> {
    account::Entity::update_many()
        .col_expr(account::Column::FailedAttempts, Expr::value(failures))
        .col_expr(account::Column::LockedUntil, Expr::value(locked_until))
        .filter(account::Column::Id.eq(account_id))
        .exec(conn)
        .await?;
    Ok(())
}

/// Opens a second-factor challenge (its token's digest), dropping challenges lapsed by `now`.
pub async fn open_challenge<C: ConnectionTrait>(
    conn: &C,
    digest: &str,
    account_id: i64,
    now: i64,
    expires_at: i64,
    ip: Option<String>,
) -> Result<(), StoreError> {
    login_challenge::Entity::delete_many()
        .filter(login_challenge::Column::ExpiresAt.lt(now))
        .exec(conn)
        .await?;
    login_challenge::ActiveModel {
        token_hash: Set(digest.to_owned()),
        account_id: Set(account_id),
        created_at: Set(now),
        expires_at: Set(expires_at),
        ip: Set(ip),
    }
    .insert(conn)
    .await?;
    Ok(())
}

/// The challenge with the token digest `digest`.
pub async fn challenge<C: ConnectionTrait>(
    conn: &C,
    digest: &str,
) -> Result<Option<login_challenge::Model>, StoreError> {
    Ok(login_challenge::Entity::find_by_id(digest.to_owned())
        .one(conn)
        .await?)
}

/// Ends the challenge with the token digest `digest`.
pub async fn drop_challenge<C: ConnectionTrait>(conn: &C, digest: &str) -> Result<(), StoreError> {
    login_challenge::Entity::delete_by_id(digest.to_owned())
        .exec(conn)
        .await?;
    Ok(())
}

/// What a new session holds.
pub struct NewSession<'a> {
    pub digest: &'a str,
    pub account_id: i64,
    pub csrf_token: &'a str,
    pub now: i64,
    pub expires_at: i64,
    pub ip: Option<&'a str>,
}

/// Opens a session, clearing the account's failure count and lockout (a login that passed).
pub async fn open<C: ConnectionTrait>(conn: &C, s: NewSession<'_>) -> Result<(), StoreError> {
    set_failures(conn, s.account_id, 0, None).await?;
    session::ActiveModel {
        token_hash: Set(s.digest.to_owned()),
        account_id: Set(s.account_id),
        csrf_token: Set(s.csrf_token.to_owned()),
        created_at: Set(s.now),
        last_seen_at: Set(s.now),
        expires_at: Set(s.expires_at),
        ip: Set(s.ip.map(str::to_owned)),
    }
    .insert(conn)
    .await?;
    Ok(())
}

/// The session with the token digest `digest`.
pub async fn by_digest<C: ConnectionTrait>(
    conn: &C,
    digest: &str,
) -> Result<Option<session::Model>, StoreError> {
    Ok(session::Entity::find_by_id(digest.to_owned())
        .one(conn)
        .await?)
}

/// Ends the session with the token digest `digest`.
pub async fn end<C: ConnectionTrait>(conn: &C, digest: &str) -> Result<(), StoreError> {
    session::Entity::delete_by_id(digest.to_owned())
        .exec(conn)
        .await?;
    Ok(())
}

/// Ends every session of an account except the one with the digest `keep`.
pub async fn end_others<C: ConnectionTrait>(
    conn: &C,
    account_id: i64,
    keep: Option<&str>,
) -> Result<(), StoreError> {
    let mut del = session::Entity::delete_many().filter(session::Column::AccountId.eq(account_id));
    if let Some(keep) = keep {
        del = del.filter(session::Column::TokenHash.ne(keep));
    }
    del.exec(conn).await?;
    Ok(())
}

/// Notes that the session was used at `now`.
pub async fn touch<C: ConnectionTrait>(conn: &C, digest: &str, now: i64) -> Result<(), StoreError> {
    session::Entity::update_many()
        .col_expr(session::Column::LastSeenAt, Expr::value(now))
        .filter(session::Column::TokenHash.eq(digest))
        .exec(conn)
        .await?;
    Ok(())
}

/// Replaces an account's password hash (chosen by its owner: no change is then required).
pub async fn set_password<C: ConnectionTrait>(
    conn: &C,
    account_id: i64,
    hash: &str,
    now: i64,
) -> Result<(), StoreError> {
    account::Entity::update_many()
        .col_expr(account::Column::PasswordHash, Expr::value(hash))
        .col_expr(account::Column::PasswordChangedAt, Expr::value(now))
        .col_expr(account::Column::MustChangePassword, Expr::value(false))
        .col_expr(account::Column::UpdatedAt, Expr::value(now))
        .filter(account::Column::Id.eq(account_id))
        .exec(conn)
        .await?;
    Ok(())
}

/// The newest `n` password hashes an account used.
pub async fn password_history<C: ConnectionTrait>(
    conn: &C,
    account_id: i64,
    n: u64,
) -> Result<Vec<String>, StoreError> {
    Ok(password_history::Entity::find()
        .filter(password_history::Column::AccountId.eq(account_id))
        .order_by_desc(password_history::Column::Id)
        .limit(n)
        .all(conn)
        .await?
        .into_iter()
        .map(|h| h.password_hash)
        .collect())
}

/// Keeps `hash` (when given) in an account's password history and drops the rows beyond the
/// `keep` newest.
pub async fn retire_password<C: ConnectionTrait>(
    conn: &C,
    account_id: i64,
    hash: Option<&str>,
    keep: u64,
    now: i64,
) -> Result<(), StoreError> {
    if let Some(hash) = hash {
        password_history::ActiveModel {
            account_id: Set(account_id),
            password_hash: Set(hash.to_owned()),
            created_at: Set(now),
            ..Default::default()
        }
        .insert(conn)
        .await?;
    }
    let kept: Vec<i64> = password_history::Entity::find()
        .select_only()
        .column(password_history::Column::Id)
        .filter(password_history::Column::AccountId.eq(account_id))
        .order_by_desc(password_history::Column::Id)
        .limit(keep)
        .into_tuple()
        .all(conn)
        .await?;
    password_history::Entity::delete_many()
        .filter(password_history::Column::AccountId.eq(account_id))
        .filter(password_history::Column::Id.is_not_in(kept))
        .exec(conn)
        .await?;
    Ok(())
}

/// What a new API token holds (its digest and shown prefix).
pub struct NewToken<'a> {
    pub account_id: i64,
    pub name: &'a str,
    pub digest: &'a str,
    pub prefix: &'a str,
    pub now: i64,
    pub expires_at: Option<i64>,
}

/// Stores a new API token.
pub async fn insert_token<C: ConnectionTrait>(
    conn: &C,
    t: NewToken<'_>,
) -> Result<api_token::Model, StoreError> {
    Ok(api_token::ActiveModel {
        account_id: Set(t.account_id),
        name: Set(t.name.to_owned()),
        token_hash: Set(t.digest.to_owned()),
        prefix: Set(t.prefix.to_owned()),
        created_at: Set(t.now),
        expires_at: Set(t.expires_at),
        ..Default::default()
    }
    .insert(conn)
    .await?)
}

/// An account's API tokens, newest first.
pub async fn tokens_of<C: ConnectionTrait>(
    conn: &C,
    account_id: i64,
) -> Result<Vec<api_token::Model>, StoreError> {
    Ok(api_token::Entity::find()
        .filter(api_token::Column::AccountId.eq(account_id))
        .order_by_desc(api_token::Column::Id)
        .all(conn)
        .await?)
}

/// One API token.
pub async fn token<C: ConnectionTrait>(
    conn: &C,
    id: i64,
) -> Result<Option<api_token::Model>, StoreError> {
    Ok(api_token::Entity::find_by_id(id).one(conn).await?)
}

/// The API token with the digest `digest`.
pub async fn token_by_digest<C: ConnectionTrait>(
    conn: &C,
    digest: &str,
) -> Result<Option<api_token::Model>, StoreError> {
    Ok(api_token::Entity::find()
        .filter(api_token::Column::TokenHash.eq(digest))
        .one(conn)
        .await?)
}

/// Marks an API token revoked at `now`.
pub async fn revoke_token<C: ConnectionTrait>(
    conn: &C,
    id: i64,
    now: i64,
) -> Result<(), StoreError> {
    api_token::Entity::update_many()
        .col_expr(api_token::Column::RevokedAt, Expr::value(now))
        .filter(api_token::Column::Id.eq(id))
        .exec(conn)
        .await?;
    Ok(())
}

/// Notes that an API token was used at `now`.
pub async fn touch_token<C: ConnectionTrait>(
    conn: &C,
    id: i64,
    now: i64,
) -> Result<(), StoreError> {
    api_token::Entity::update_many()
        .col_expr(api_token::Column::LastUsedAt, Expr::value(now))
        .filter(api_token::Column::Id.eq(id))
        .exec(conn)
        .await?;
    Ok(())
}
