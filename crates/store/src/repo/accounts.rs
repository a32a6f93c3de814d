//! Accounts: the reads other modules make (who closed a task, who decided), and what the
//! credential resets change (a temporary password, the sessions ended).
//!
//! The accounts module's own queries (sign-in, sessions, grants) still sit in
//! `domain/src/accounts.rs` and `auth.rs` (issue 11 moves them next).

use std::collections::HashMap;

use sea_orm::sea_query::Expr;
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QuerySelect,
};

use crate::StoreError;
use crate::entity::{account, role_grant, session};

/// The display names of the accounts `ids`, by id.
pub async fn display_names<C: ConnectionTrait>(
    conn: &C,
    ids: Vec<i64>,
) -> Result<HashMap<i64, String>, StoreError> {
    let rows: Vec<(i64, String)> = account::Entity::find()
        .select_only()
        .column(account::Column::Id)
        .column(account::Column::DisplayName)
        .filter(account::Column::Id.is_in(ids))
        .into_tuple()
        .all(conn)
        .await?;
    Ok(rows.into_iter().collect())
}

/// How many accounts have `node_id` as their home, and how many role grants name it.
pub async fn at_node<C: ConnectionTrait>(conn: &C, node_id: i64) -> Result<(u64, u64), StoreError> {
    let accounts = account::Entity::find()
        .filter(account::Column::HomeNodeId.eq(node_id))
        .count(conn)
        .await?;
    let grants = role_grant::Entity::find()
        .filter(role_grant::Column::NodeId.eq(node_id))
        .count(conn)
        .await?;
    Ok((accounts, grants))
}

/// One account.
pub async fn by_id<C: ConnectionTrait>(
    conn: &C,
    id: i64,
) -> Result<Option<account::Model>, StoreError> {
    Ok(account::Entity::find_by_id(id).one(conn).await?)
}

/// The account with the (lower-case) user name `username`.
pub async fn by_username<C: ConnectionTrait>(
    conn: &C,
    username: &str,
) -> Result<Option<account::Model>, StoreError> {
    Ok(account::Entity::find()
        .filter(account::Column::Username.eq(username))
        .one(conn)
        .await?)
}

/// The stored role texts an account holds, one per grant.
pub async fn granted_roles<C: ConnectionTrait>(
    conn: &C,
    account_id: i64,
) -> Result<Vec<String>, StoreError> {
    Ok(role_grant::Entity::find()
        .select_only()
        .column(role_grant::Column::Role)
        .filter(role_grant::Column::AccountId.eq(account_id))
        .into_tuple()
        .all(conn)
        .await?)
}

/// Gives an account a new password hash that must be changed at the next sign-in.
pub async fn set_temporary_password<C: ConnectionTrait>(
    conn: &C,
    account_id: i64,
    hash: &str,
    now: i64,
) -> Result<(), StoreError> {
    account::Entity::update_many()
        .col_expr(account::Column::PasswordHash, Expr::value(hash))
        .col_expr(account::Column::PasswordChangedAt, Expr::value(now))
        .col_expr(account::Column::MustChangePassword, Expr::value(true))
        .col_expr(account::Column::UpdatedAt, Expr::value(now))
        .filter(account::Column::Id.eq(account_id))
        .exec(conn)
        .await?;
    Ok(())
}

/// Ends every session of an account.
pub async fn end_sessions<C: ConnectionTrait>(conn: &C, account_id: i64) -> Result<(), StoreError> {
    session::Entity::delete_many()
        .filter(session::Column::AccountId.eq(account_id))
        .exec(conn)
        .await?;
    Ok(())
}
