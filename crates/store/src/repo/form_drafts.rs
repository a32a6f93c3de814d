//! Unfinished forms (暂存): every read and write names the owner, so a row is only ever found
//! by the account that saved it (another account's id answers as if it did not exist).

use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect, Set,
};

use crate::StoreError;
use crate::entity::form_draft;

pub use crate::entity::form_draft::Model as FormDraftRow;

/// Saves a new unfinished form of `owner`; its id.
pub async fn insert<C: ConnectionTrait>(
    conn: &C,
    owner: i64,
    kind: &str,
    title: &str,
    body: &str,
    now: i64,
) -> Result<i64, StoreError> {
    let row = form_draft::ActiveModel {
        account_id: Set(owner),
        kind: Set(kind.to_owned()),
        title: Set(title.to_owned()),
        body: Set(body.to_owned()),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(conn)
    .await?;
    Ok(row.id)
}

/// Replaces the title and body of `owner`'s form `id` of `kind`; false when there is none.
pub async fn update<C: ConnectionTrait>(
    conn: &C,
    owner: i64,
    id: i64,
    kind: &str,
    title: &str,
    body: &str,
    now: i64,
) -> Result<bool, StoreError> {
    let r = form_draft::Entity::update_many()
        .col_expr(form_draft::Column::Title, title.into())
        .col_expr(form_draft::Column::Body, body.into())
        .col_expr(form_draft::Column::UpdatedAt, now.into())
        .filter(form_draft::Column::Id.eq(id))
        .filter(form_draft::Column::AccountId.eq(owner))
        .filter(form_draft::Column::Kind.eq(kind))
        .exec(conn)
        .await?;
    Ok(r.rows_affected == 1)
}

/// `owner`'s form `id`, if it is theirs.
pub async fn get<C: ConnectionTrait>(
    conn: &C,
    owner: i64,
    id: i64,
) -> Result<Option<FormDraftRow>, StoreError> {
    Ok(form_draft::Entity::find_by_id(id)
        .filter(form_draft::Column::AccountId.eq(owner))
        .one(conn)
        .await?)
}

/// `owner`'s unfinished forms, the latest saved first, at most `limit`.
pub async fn of_owner<C: ConnectionTrait>(
    conn: &C,
    owner: i64,
    limit: u64,
) -> Result<Vec<FormDraftRow>, StoreError> {
    Ok(form_draft::Entity::find()
        .filter(form_draft::Column::AccountId.eq(owner))
        .order_by_desc(form_draft::Column::UpdatedAt)
        .order_by_desc(form_draft::Column::Id)
        .limit(limit)
        .all(conn)
        .await?)
}

/// Deletes `owner`'s form `id`; false when there was none.
pub async fn delete<C: ConnectionTrait>(conn: &C, owner: i64, id: i64) -> Result<bool, StoreError> {
    let r = form_draft::Entity::delete_many()
        .filter(form_draft::Column::Id.eq(id))
        .filter(form_draft::Column::AccountId.eq(owner))
        .exec(conn)
        .await?;
    Ok(r.rows_affected == 1)
}
