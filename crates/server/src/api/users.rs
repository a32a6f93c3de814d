//! `/api/v1/users` and `/api/v1/grants`: accounts and role grants.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use jianfu_domain::accounts::{AccountEdit, AccountQuery, AccountView, NewAccount};
use jianfu_domain::authz::Role;
use jianfu_domain::page::PageRequest;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::access::CurrentUser;
use crate::api::{GrantOut, PageOut};
use crate::error::{ApiError, Problem};
use crate::extract::{Json as Body, Path, Query};
use crate::state::AppState;

#[derive(Serialize, ToSchema)]
pub struct UserOut {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    pub home_node_id: i64,
    pub home_node_name: String,
    pub must_change_password: bool,
    pub disabled: bool,
    /// Unix ms until which failed logins keep the account locked.
    pub locked_until: Option<i64>,
    pub grants: Vec<GrantOut>,
}

impl From<AccountView> for UserOut {
    fn from(a: AccountView) -> Self {
        Self {
            id: a.id,
            username: a.username,
            display_name: a.display_name,
            home_node_id: a.home_node_id,
            home_node_name: a.home_node_name,
            must_change_password: a.must_change_password,
            disabled: a.disabled,
            locked_until: a.locked_until,
            grants: a
                .grants
                .into_iter()
                .map(|g| GrantOut {
                    id: g.id,
                    role: g.role.as_str().into(),
                    role_zh: g.role_zh.into(),
                    node_id: g.node_id,
                    node_name: g.node_name,
                })
                .collect(),
        }
    }
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListParams {
    /// Part of the username or display name.
    q: Option<String>,
    /// 1-based page number.
    #[param(minimum = 1, maximum = 1000000)]
    page: Option<u64>,
    /// Items per page (default 20).
    #[param(minimum = 1, maximum = 200)]
    per_page: Option<u64>,
}

/// Accounts in the caller's jurisdiction, by username.
#[utoipa::path(get, path = "/api/v1/users", params(ListParams), responses((status = 200, body = PageOut<UserOut>), (status = 403, body = Problem)))]
pub async fn list(
    State(s): State<AppState>,
    user: CurrentUser,
    Query(p): Query<ListParams>,
) -> Result<Json<PageOut<UserOut>>, ApiError> {
    let page = s
        .app
        .list_accounts(
            &user.ctx(),
            &AccountQuery { q: p.q },
            PageRequest::parse(p.page, p.per_page)?,
        )
        .await?;
    Ok(Json(PageOut {
        items: page.items.into_iter().map(UserOut::from).collect(),
        total: page.total,
        page: page.page,
        per_page: page.per_page,
    }))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UserIn {
    pub username: String,
    pub display_name: String,
    pub home_node_id: i64,
    /// Initial password; the owner must change it at first login.
    pub password: String,
}

/// Creates an account (system administrator). It has no roles until granted.
#[utoipa::path(post, path = "/api/v1/users", request_body = UserIn,
    responses((status = 201, body = UserOut), (status = 403, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn create(
    State(s): State<AppState>,
    user: CurrentUser,
    Body(b): Body<UserIn>,
) -> Result<(StatusCode, Json<UserOut>), ApiError> {
    let a = s
        .app
        .create_account(
            &user.ctx(),
            NewAccount {
                username: b.username,
                display_name: b.display_name,
                home_node_id: b.home_node_id,
                password: b.password,
            },
        )
        .await?;
    Ok((StatusCode::CREATED, Json(a.into())))
}

/// One account.
#[utoipa::path(get, path = "/api/v1/users/{id}", params(("id" = i64, Path)), responses((status = 200, body = UserOut), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn get(
    State(s): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
) -> Result<Json<UserOut>, ApiError> {
    Ok(Json(s.app.account_detail(&user.ctx(), id).await?.into()))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UserEditIn {
    pub display_name: String,
    pub home_node_id: i64,
}

/// Edits an account's name or home unit.
#[utoipa::path(put, path = "/api/v1/users/{id}", params(("id" = i64, Path)), request_body = UserEditIn,
    responses((status = 200, body = UserOut), (status = 403, body = Problem), (status = 422, body = Problem)))]
pub async fn update(
    State(s): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
    Body(b): Body<UserEditIn>,
) -> Result<Json<UserOut>, ApiError> {
    let a = s
        .app
        .update_account(
            &user.ctx(),
            id,
            AccountEdit {
                display_name: b.display_name,
                home_node_id: b.home_node_id,
            },
        )
        .await?;
    Ok(Json(a.into()))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PasswordIn {
    pub password: String,
}

/// Sets a temporary password; the owner must change it at next login.
#[utoipa::path(post, path = "/api/v1/users/{id}/password", params(("id" = i64, Path)), request_body = PasswordIn,
    responses((status = 204), (status = 403, body = Problem), (status = 422, body = Problem)))]
pub async fn reset_password(
    State(s): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
    Body(b): Body<PasswordIn>,
) -> Result<StatusCode, ApiError> {
    s.app.reset_password(&user.ctx(), id, &b.password).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Locks (disables) an account and ends its sessions (security administrator).
#[utoipa::path(post, path = "/api/v1/users/{id}/lock", params(("id" = i64, Path)), responses((status = 204), (status = 403, body = Problem)))]
pub async fn lock(
    State(s): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
) -> Result<StatusCode, ApiError> {
    s.app.set_account_locked(&user.ctx(), id, true).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Unlocks an account, also lifting a failed-login lockout (security administrator).
#[utoipa::path(post, path = "/api/v1/users/{id}/unlock", params(("id" = i64, Path)), responses((status = 204), (status = 403, body = Problem)))]
pub async fn unlock(
    State(s): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
) -> Result<StatusCode, ApiError> {
    s.app.set_account_locked(&user.ctx(), id, false).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct GrantIn {
    /// Role code, e.g. `community_head`.
    #[schema(schema_with = crate::api::texts::role)]
    pub role: String,
    pub node_id: i64,
}

/// Grants a role at a node (security administrator, within jurisdiction).
#[utoipa::path(post, path = "/api/v1/users/{id}/grants", params(("id" = i64, Path)), request_body = GrantIn,
    responses((status = 201, body = GrantOut), (status = 403, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn grant(
    State(s): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
    Body(b): Body<GrantIn>,
) -> Result<(StatusCode, Json<GrantOut>), ApiError> {
    let role = Role::parse(&b.role)?;
    let g = s.app.grant_role(&user.ctx(), id, role, b.node_id).await?;
    Ok((
        StatusCode::CREATED,
        Json(GrantOut {
            id: g.id,
            role: g.role.as_str().into(),
            role_zh: g.role_zh.into(),
            node_id: g.node_id,
            node_name: g.node_name,
        }),
    ))
}

/// Revokes a role grant.
#[utoipa::path(delete, path = "/api/v1/grants/{id}", params(("id" = i64, Path)), responses((status = 204), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, description = "The caller's own grant (`self_revoke`)", body = Problem)))]
pub async fn revoke(
    State(s): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
) -> Result<StatusCode, ApiError> {
    s.app.revoke_role(&user.ctx(), id).await?;
    Ok(StatusCode::NO_CONTENT)
}
