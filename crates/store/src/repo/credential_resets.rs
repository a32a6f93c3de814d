//! Requests to reset an administrator's credentials under dual control, and the record of
//! resets made from the shell or by the security administrator alone.
//!
//! The domain passes the stored texts of the request's state (`credential_reset::ResetState::as_str`).

use sea_orm::ActiveValue::Set;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, JoinType, QueryFilter, QueryOrder,
    QuerySelect, RelationDef,
};

use crate::StoreError;
use crate::entity::{account, credential_reset};
use crate::scope::Scope;

pub use crate::entity::credential_reset::Model as ResetRow;

/// One request.
pub async fn by_id<C: ConnectionTrait>(conn: &C, id: i64) -> Result<Option<ResetRow>, StoreError> {
    Ok(credential_reset::Entity::find_by_id(id).one(conn).await?)
}

/// Whether an account has a request of `kind` in the stored state `state` made at or after
/// `since` (Unix ms).
pub async fn exists_since<C: ConnectionTrait>(
    conn: &C,
    account_id: i64,
    kind: &str,
    state: &str,
    since: i64,
) -> Result<bool, StoreError> {
    Ok(credential_reset::Entity::find()
        .filter(credential_reset::Column::AccountId.eq(account_id))
        .filter(credential_reset::Column::Kind.eq(kind))
        .filter(credential_reset::Column::State.eq(state))
        .filter(credential_reset::Column::RequestedAt.gte(since))
        .one(conn)
        .await?
        .is_some())
}

/// What a new row records: a request (who asked, in which role) or a reset already done
/// (`decided_at` set).
#[derive(Clone, Copy, Debug)]
pub struct NewReset<'a> {
    pub account_id: i64,
    pub kind: &'a str,
    pub target_role: Option<&'a str>,
    pub state: &'a str,
    pub requested_by: Option<i64>,
    pub requested_by_name: &'a str,
    pub requested_role: Option<&'a str>,
    pub requested_at: i64,
    pub decided_at: Option<i64>,
}

/// Stores a request or a reset; returns the row as stored.
pub async fn insert<C: ConnectionTrait>(
    conn: &C,
    r: &NewReset<'_>,
) -> Result<ResetRow, StoreError> {
    Ok(credential_reset::ActiveModel {
        account_id: Set(r.account_id),
        kind: Set(r.kind.to_owned()),
        target_role: Set(r.target_role.map(str::to_owned)),
        state: Set(r.state.to_owned()),
        requested_by: Set(r.requested_by),
        requested_by_name: Set(r.requested_by_name.to_owned()),
        requested_role: Set(r.requested_role.map(str::to_owned)),
        requested_at: Set(r.requested_at),
        decided_at: Set(r.decided_at),
        ..Default::default()
    }
    .insert(conn)
    .await?)
}

/// Who decided a request, in which role and when.
#[derive(Clone, Copy, Debug)]
pub struct Decision<'a> {
    pub state: &'a str,
    pub by: i64,
    pub by_name: &'a str,
    pub role: &'a str,
    pub at: i64,
}

/// Decides a request still in the stored state `pending`; false when it no longer is (two
/// approvers at once cannot both decide).
pub async fn decide<C: ConnectionTrait>(
    conn: &C,
    id: i64,
    pending: &str,
    d: &Decision<'_>,
) -> Result<bool, StoreError> {
    use credential_reset::Column as Col;
    let n = credential_reset::Entity::update_many()
        .col_expr(Col::State, Expr::value(d.state))
        .col_expr(Col::DecidedBy, Expr::value(Some(d.by)))
        .col_expr(Col::DecidedByName, Expr::value(Some(d.by_name)))
        .col_expr(Col::DecidedRole, Expr::value(Some(d.role)))
        .col_expr(Col::DecidedAt, Expr::value(Some(d.at)))
        .filter(Col::Id.eq(id))
        .filter(Col::State.eq(pending))
        .exec(conn)
        .await?;
    Ok(n.rows_affected == 1)
}

/// The requests about accounts whose home lies in `scope`, newest first, at most `limit`.
pub async fn in_scope<C: ConnectionTrait>(
    conn: &C,
    scope: &Scope,
    limit: u64,
) -> Result<Vec<ResetRow>, StoreError> {
    let of: RelationDef = credential_reset::Entity::belongs_to(account::Entity)
        .from(credential_reset::Column::AccountId)
        .to(account::Column::Id)
        .into();
    Ok(credential_reset::Entity::find()
        .join(JoinType::InnerJoin, of)
        .filter(scope.holds(account::Column::HomeNodeId))
        .order_by_desc(credential_reset::Column::Id)
        .limit(limit)
        .all(conn)
        .await?)
}

/// The requests about one account, newest first, at most `limit`.
pub async fn of_account<C: ConnectionTrait>(
    conn: &C,
    account_id: i64,
    limit: u64,
) -> Result<Vec<ResetRow>, StoreError> {
    Ok(credential_reset::Entity::find()
        .filter(credential_reset::Column::AccountId.eq(account_id))
        .order_by_desc(credential_reset::Column::Id)
        .limit(limit)
        .all(conn)
        .await?)
}
