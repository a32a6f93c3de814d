//! Accounts: the reads other modules make (who closed a task, who decided), and what the
//! credential resets change (a temporary password, the sessions ended).
//!
//! The accounts module's own queries live here wholly (the list scoped by the caller's
//! jurisdiction, create, edit, lock, and the role grants); sign-in and sessions are in
//! [`super::sessions`].

use std::collections::HashMap;

use sea_orm::ActiveValue::Set;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, EntityTrait, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect,
};

use crate::StoreError;
use crate::entity::{account, role_grant, session};
use crate::scope::Scope;

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

/// One page of the accounts whose home lies in `scope`, by user name, with those matching
/// `text` (user name or display name) when given, and how many there are in all.
pub async fn list<C: ConnectionTrait>(
    conn: &C,
    scope: &Scope,
    text: Option<&str>,
    offset: u64,
    limit: u64,
) -> Result<(Vec<account::Model>, u64), StoreError> {
    let mut q = account::Entity::find().filter(scope.holds(account::Column::HomeNodeId));
    if let Some(text) = text {
        q = q.filter(
            Condition::any()
                .add(account::Column::Username.contains(text))
                .add(account::Column::DisplayName.contains(text)),
        );
    }
    let total = q.clone().count(conn).await?;
    let rows = q
        .order_by_asc(account::Column::Username)
        .offset(offset)
        .limit(limit)
        .all(conn)
        .await?;
    Ok((rows, total))
}

/// What a new account starts with.
pub struct NewAccount<'a> {
    pub username: &'a str,
    pub display_name: &'a str,
    pub home_node_id: i64,
    pub password_hash: &'a str,
    /// The password was set by someone else: the owner must change it at first sign-in.
    pub must_change_password: bool,
}

/// Creates an account.
pub async fn insert<C: ConnectionTrait>(
    conn: &C,
    new: NewAccount<'_>,
    now: i64,
) -> Result<account::Model, StoreError> {
    Ok(account::ActiveModel {
        username: Set(new.username.to_owned()),
        display_name: Set(new.display_name.to_owned()),
        home_node_id: Set(new.home_node_id),
        password_hash: Set(new.password_hash.to_owned()),
        password_changed_at: Set(now),
        must_change_password: Set(new.must_change_password),
        failed_attempts: Set(0),
        locked_until: Set(None),
        disabled: Set(false),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(conn)
    .await?)
}

/// Changes an account's display name and home unit.
pub async fn update<C: ConnectionTrait>(
    conn: &C,
    id: i64,
    display_name: &str,
    home_node_id: i64,
    now: i64,
) -> Result<(), StoreError> {
    account::Entity::update_many()
        .col_expr(account::Column::DisplayName, Expr::value(display_name))
        .col_expr(account::Column::HomeNodeId, Expr::value(home_node_id))
        .col_expr(account::Column::UpdatedAt, Expr::value(now))
        .filter(account::Column::Id.eq(id))
        .exec(conn)
        .await?;
    Ok(())
}

/// Disables (`true`) or enables an account, clearing its failed attempts and any lockout.
pub async fn set_disabled<C: ConnectionTrait>(
    conn: &C,
    id: i64,
    disabled: bool,
    now: i64,
) -> Result<(), StoreError> {
    account::Entity::update_many()
        .col_expr(account::Column::Disabled, Expr::value(disabled))
        .col_expr(account::Column::FailedAttempts, Expr::value(0))
        .col_expr(
            account::Column::LockedUntil,
            Expr::value(Option::<i64>::None),
        )
        .col_expr(account::Column::UpdatedAt, Expr::value(now))
        .filter(account::Column::Id.eq(id))
        .exec(conn)
        .await?;
    Ok(())
}

/// The role grants of an account, oldest first.
pub async fn grants<C: ConnectionTrait>(
    conn: &C,
    account_id: i64,
) -> Result<Vec<role_grant::Model>, StoreError> {
    Ok(role_grant::Entity::find()
        .filter(role_grant::Column::AccountId.eq(account_id))
        .order_by_asc(role_grant::Column::Id)
        .all(conn)
        .await?)
}

/// One role grant.
pub async fn grant<C: ConnectionTrait>(
    conn: &C,
    id: i64,
) -> Result<Option<role_grant::Model>, StoreError> {
    Ok(role_grant::Entity::find_by_id(id).one(conn).await?)
}

/// Grants the stored role text `role` at `node_id` to an account.
pub async fn insert_grant<C: ConnectionTrait>(
    conn: &C,
    account_id: i64,
    role: &str,
    node_id: i64,
    granted_by: Option<i64>,
    now: i64,
) -> Result<role_grant::Model, StoreError> {
    Ok(role_grant::ActiveModel {
        account_id: Set(account_id),
        role: Set(role.to_owned()),
        node_id: Set(node_id),
        granted_by: Set(granted_by),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(conn)
    .await?)
}

/// Removes one role grant.
pub async fn delete_grant<C: ConnectionTrait>(conn: &C, id: i64) -> Result<(), StoreError> {
    role_grant::Entity::delete_by_id(id).exec(conn).await?;
    Ok(())
}
