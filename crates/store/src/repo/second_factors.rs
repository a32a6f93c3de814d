//! Second factors wholly: an account's TOTP factor (its sealed secret, confirmation and the
//! last step accepted) and its single-use recovery codes (as argon2id hashes). The guarded
//! writes answer whether they took effect, so two logins racing with one code cannot both pass.

use sea_orm::ActiveValue::Set;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, EntityTrait, PaginatorTrait,
    QueryFilter,
};

use crate::StoreError;
use crate::entity::{login_challenge, recovery_code, second_factor, session};

/// An account's factor, confirmed or waiting for its first code.
pub async fn of<C: ConnectionTrait>(
    conn: &C,
    account_id: i64,
) -> Result<Option<second_factor::Model>, StoreError> {
    Ok(second_factor::Entity::find_by_id(account_id)
        .one(conn)
        .await?)
}

/// Starts (or starts over) an enrolment with the sealed `secret`, unconfirmed.
pub async fn start<C: ConnectionTrait>(
    conn: &C,
    account_id: i64,
    secret: String,
    now: i64,
) -> Result<(), StoreError> {
    second_factor::Entity::delete_by_id(account_id)
        .exec(conn)
        .await?;
    second_factor::ActiveModel {
        account_id: Set(account_id),
        secret: Set(secret),
        confirmed_at: Set(None),
        last_step: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(conn)
    .await?;
    Ok(())
}

/// Marks an account's factor confirmed at `now`.
pub async fn confirm<C: ConnectionTrait>(
    conn: &C,
    account_id: i64,
    now: i64,
) -> Result<(), StoreError> {
    second_factor::Entity::update_many()
        .col_expr(second_factor::Column::ConfirmedAt, Expr::value(Some(now)))
        .filter(second_factor::Column::AccountId.eq(account_id))
        .exec(conn)
        .await?;
    Ok(())
}

/// Records the acceptance of the TOTP step `step`, only if it is later than the last one:
/// `false` when another login used it first.
pub async fn take_step<C: ConnectionTrait>(
    conn: &C,
    account_id: i64,
    step: i64,
    now: i64,
) -> Result<bool, StoreError> {
    let r = second_factor::Entity::update_many()
        .col_expr(second_factor::Column::LastStep, Expr::value(Some(step)))
        .col_expr(second_factor::Column::UpdatedAt, Expr::value(now))
        .filter(second_factor::Column::AccountId.eq(account_id))
        .filter(
            Condition::any()
                .add(second_factor::Column::LastStep.is_null())
                .add(second_factor::Column::LastStep.lt(step)),
        )
        .exec(conn)
        .await?;
    Ok(r.rows_affected == 1)
}

/// Replaces an account's recovery codes with the hashes `hashes`.
pub async fn replace_recovery_codes<C: ConnectionTrait>(
    conn: &C,
    account_id: i64,
    hashes: Vec<String>,
    now: i64,
) -> Result<(), StoreError> {
    recovery_code::Entity::delete_many()
        .filter(recovery_code::Column::AccountId.eq(account_id))
        .exec(conn)
        .await?;
    for hash in hashes {
        recovery_code::ActiveModel {
            account_id: Set(account_id),
            code_hash: Set(hash),
            used_at: Set(None),
            created_at: Set(now),
            ..Default::default()
        }
        .insert(conn)
        .await?;
    }
    Ok(())
}

/// An account's unused recovery codes.
pub async fn unused_codes<C: ConnectionTrait>(
    conn: &C,
    account_id: i64,
) -> Result<Vec<recovery_code::Model>, StoreError> {
    Ok(recovery_code::Entity::find()
        .filter(recovery_code::Column::AccountId.eq(account_id))
        .filter(recovery_code::Column::UsedAt.is_null())
        .all(conn)
        .await?)
}

/// How many recovery codes an account has left.
pub async fn codes_left<C: ConnectionTrait>(conn: &C, account_id: i64) -> Result<u64, StoreError> {
    Ok(recovery_code::Entity::find()
        .filter(recovery_code::Column::AccountId.eq(account_id))
        .filter(recovery_code::Column::UsedAt.is_null())
        .count(conn)
        .await?)
}

/// Uses the recovery code `id` at `now`, only if it is unused: `false` when another login
/// took it first.
pub async fn use_code<C: ConnectionTrait>(conn: &C, id: i64, now: i64) -> Result<bool, StoreError> {
    let r = recovery_code::Entity::update_many()
        .col_expr(recovery_code::Column::UsedAt, Expr::value(Some(now)))
        .filter(recovery_code::Column::Id.eq(id))
        .filter(recovery_code::Column::UsedAt.is_null())
        .exec(conn)
        .await?;
    Ok(r.rows_affected == 1)
}

/// Removes an account's factor, its recovery codes, its open login challenges and sessions.
pub async fn remove<C: ConnectionTrait>(conn: &C, account_id: i64) -> Result<(), StoreError> {
    second_factor::Entity::delete_by_id(account_id)
        .exec(conn)
        .await?;
    recovery_code::Entity::delete_many()
        .filter(recovery_code::Column::AccountId.eq(account_id))
        .exec(conn)
        .await?;
    login_challenge::Entity::delete_many()
        .filter(login_challenge::Column::AccountId.eq(account_id))
        .exec(conn)
        .await?;
    session::Entity::delete_many()
        .filter(session::Column::AccountId.eq(account_id))
        .exec(conn)
        .await?;
    Ok(())
}
