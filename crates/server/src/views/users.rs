//! Account administration pages: the list, the new-account form, and one account's page with
//! the forms each administrator may use on it (edit and reset: system administrator; roles and
//! locking: security administrator).

use crate::extract::{Form, Path, Query};
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use jianfu_domain::accounts::{AccountEdit, AccountQuery, AccountView, NewAccount};
use jianfu_domain::authz::{Action, Role};
use jianfu_domain::page::{Page, every_row};
use serde::Deserialize;

use crate::access::CurrentUser;
use crate::error::PageError;
use crate::state::AppState;
use crate::views::list::{self, Cell, Column, ListExport, ListQuery};
use crate::views::{Chrome, DoneQuery, FormError, Shown, is_form_error, render, when};

#[derive(askama::Template)]
#[template(path = "users.html")]
struct ListPage {
    chrome: Chrome,
    q: String,
    can_create: bool,
    page: Page<AccountView>,
    pager_base: String,
    export_href: String,
}

pub async fn list(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(lq): Query<ListQuery<AccountQuery>>,
) -> Response {
    let q = lq.f.q.clone().unwrap_or_default();
    let query = &lq.f;
    let page = match state.app.list_accounts(&user.ctx(), query, lq.page()).await {
        Ok(p) => p,
        Err(e) => return PageError(e).into_response(),
    };
    let pager_base = list::pager_base("/admin/users", &[("q", &q)]);
    let export_href = list::export_href("/admin/users/export.xlsx", &query);
    render(
        StatusCode::OK,
        &ListPage {
            chrome: Chrome::new("账号管理", Some(&user), "/admin/users")
                .with_done(lq.done.as_deref()),
            can_create: user.principal.may(Action::ManageAccounts),
            q,
            page,
            pager_base,
            export_href,
        },
    )
}

/// The accounts the administrator sees, as searched, every page, as a workbook (audited).
pub async fn export(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(query): Query<AccountQuery>,
) -> Response {
    let ctx = user.ctx();
    let rows = every_row(|r| state.app.list_accounts(&ctx, &query, r)).await;
    ACCOUNT_EXPORT.answer(&state, &user, &query, rows).await
}

/// An account's state as the list shows it.
fn account_state(a: &AccountView) -> &'static str {
    if a.disabled {
        "已停用"
    } else if a.locked_until.is_some() {
        "失败锁定中"
    } else if a.must_change_password {
        "待改密码"
    } else {
        "正常"
    }
}

const ACCOUNT_EXPORT: ListExport<'static, AccountView> = ListExport {
    action: "account.export",
    target_type: "account",
    sheet: "账号",
    file_name: "账号.xlsx",
    columns: &[
        Column::new("用户名", |a| Cell::Text(&a.username)),
        Column::new("姓名", |a| Cell::Text(&a.display_name)),
        Column::wide("所属单位", 24.0, |a| Cell::Text(&a.home_node_name)),
        Column::wide("角色", 48.0, |a| {
            Cell::Owned(
                a.grants
                    .iter()
                    .map(|g| format!("{}·{}", g.node_name, g.role_zh))
                    .collect::<Vec<_>>()
                    .join("、"),
            )
        }),
        Column::new("双因素认证", |a| {
            Cell::Text(if a.second_factor { "已启用" } else { "" })
        }),
        Column::new("状态", |a| Cell::Text(account_state(a))),
    ],
};

/// Nodes where the user may take `action`, as (id, indented label) for a select.
async fn node_options(state: &AppState, user: &CurrentUser, action: Action) -> Vec<(i64, String)> {
    let nodes = state
        .app
        .nodes_where(&user.principal, action)
        .await
        .unwrap_or_default();
    let rows = crate::views::tree::nest(nodes);
    let mut depth = 0usize;
    let mut out = Vec::with_capacity(rows.len());
    for r in rows {
        out.push((
            r.node.id,
            format!(
                "{}{}（{}）",
                "　".repeat(depth),
                r.node.name,
                r.node.kind_zh
            ),
        ));
        if r.opens {
            depth += 1;
        }
        depth = depth.saturating_sub(r.closes);
    }
    out
}

#[derive(Deserialize, Default, Clone)]
pub struct NewForm {
    #[serde(default)]
    username: String,
    #[serde(default)]
    display_name: String,
    #[serde(default)]
    home_node_id: i64,
    #[serde(default)]
    password: String,
}

#[derive(askama::Template)]
#[template(path = "user_form.html")]
struct NewPage {
    chrome: Chrome,
    form: NewForm,
    home_nodes: Vec<(i64, String)>,
    error: FormError,
}

async fn new_page(state: &AppState, user: &CurrentUser, mut shown: Shown<'_, NewForm>) -> Response {
    let mut form = shown.entered_or_default();
    let Shown { error, status, .. } = shown;
    form.password.clear();
    let home_nodes = node_options(state, user, Action::ManageAccounts).await;
    render(
        status,
        &NewPage {
            chrome: Chrome::new("新建账号", Some(user), "/admin/users"),
            form,
            home_nodes,
            error,
        },
    )
}

pub async fn new_form(State(state): State<AppState>, user: CurrentUser) -> Response {
    new_page(&state, &user, Shown::fresh(None)).await
}

pub async fn create(
    State(state): State<AppState>,
    user: CurrentUser,
    Form(form): Form<NewForm>,
) -> Response {
    let new = NewAccount {
        username: form.username.clone(),
        display_name: form.display_name.clone(),
        home_node_id: form.home_node_id,
        password: form.password.clone(),
    };
    match state.app.create_account(&user.ctx(), new).await {
        Ok(a) => {
            Redirect::to(&format!("/admin/users/{}?done=account_created", a.id)).into_response()
        }
        Err(e) if is_form_error(&e) => new_page(&state, &user, Shown::refused(&e, form)).await,
        Err(e) => PageError(e).into_response(),
    }
}

#[derive(askama::Template)]
#[template(path = "user.html")]
struct DetailPage {
    chrome: Chrome,
    a: AccountView,
    locked_text: Option<String>,
    password_changed: String,
    created: String,
    can_grant: bool,
    can_lock: bool,
    can_manage: bool,
    can_reset_second_factor: bool,
    roles: Vec<(&'static str, &'static str)>,
    grant_nodes: Vec<(i64, String)>,
    home_nodes: Vec<(i64, String)>,
    /// The resident's ID number section: `Some(masked or None)` for a resident account whose
    /// administrator may record it (4.8-3, `/me/data-access` finds reads by it).
    identity: Option<Option<String>>,
    error: FormError,
}

async fn detail_page(
    state: &AppState,
    user: &CurrentUser,
    id: i64,
    shown: Shown<'_, ()>,
) -> Response {
    let Shown {
        error,
        status,
        done: chrome_done,
        ..
    } = shown;
    let a = match state.app.account_detail(&user.ctx(), id).await {
        Ok(a) => a,
        Err(e) => return PageError(e).into_response(),
    };
    let p = &user.principal;
    let (can_grant, can_lock, can_manage) = (
        p.may(Action::GrantRoles),
        p.may(Action::LockAccounts),
        p.may(Action::ManageAccounts),
    );
    let can_reset_second_factor = p.may(Action::ResetSecondFactor) && a.second_factor;
    let grant_nodes = if can_grant {
        node_options(state, user, Action::GrantRoles).await
    } else {
        vec![]
    };
    let home_nodes = if can_manage {
        node_options(state, user, Action::ManageAccounts).await
    } else {
        vec![]
    };
    let identity = if can_manage && a.grants.iter().any(|g| g.role == Role::Resident) {
        match state.app.resident_identity(&user.ctx(), id).await {
            Ok(masked) => Some(masked),
            Err(e) => return PageError(e).into_response(),
        }
    } else {
        None
    };
    render(
        status,
        &DetailPage {
            chrome: Chrome::new(format!("账号 {}", a.username), Some(user), "/admin/users")
                .with_done(chrome_done),
            locked_text: a.locked_until.map(when),
            password_changed: when(a.password_changed_at),
            created: when(a.created_at),
            a,
            can_grant,
            can_lock,
            can_manage,
            can_reset_second_factor,
            roles: Role::ALL
                .iter()
                .map(|r| (r.as_str(), r.label_zh()))
                .collect(),
            grant_nodes,
            home_nodes,
            identity,
            error,
        },
    )
}

pub async fn detail(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
    Query(done): Query<DoneQuery>,
) -> Response {
    detail_page(&state, &user, id, Shown::fresh(done.done.as_deref())).await
}

/// After a form on the account page: redirect on success, re-render with the error otherwise.
async fn after(
    state: &AppState,
    user: &CurrentUser,
    id: i64,
    r: jianfu_domain::Result<()>,
    done: &str,
) -> Response {
    match r {
        Ok(()) => Redirect::to(&format!("/admin/users/{id}?done={done}")).into_response(),
        Err(e) if is_form_error(&e) => detail_page(state, user, id, Shown::refused(&e, None)).await,
        Err(e) => PageError(e).into_response(),
    }
}

#[derive(Deserialize)]
pub struct EditForm {
    #[serde(default)]
    display_name: String,
    #[serde(default)]
    home_node_id: i64,
}

pub async fn update(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
    Form(f): Form<EditForm>,
) -> Response {
    let r = state
        .app
        .update_account(
            &user.ctx(),
            id,
            AccountEdit {
                display_name: f.display_name,
                home_node_id: f.home_node_id,
            },
        )
        .await
        .map(|_| ());
    after(&state, &user, id, r, "account_updated").await
}

#[derive(Deserialize)]
pub struct IdentityForm {
    #[serde(default)]
    id_number: String,
}

/// The system administrator records a resident's ID number (实名登记), through the same use
/// case as `PUT /api/v1/users/{id}/identity` (checked, sealed, audited `resident.identity`).
pub async fn set_identity(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
    Form(f): Form<IdentityForm>,
) -> Response {
    let r = state
        .app
        .set_resident_identity(&user.ctx(), id, &f.id_number)
        .await;
    after(&state, &user, id, r, "identity_set").await
}

#[derive(Deserialize)]
pub struct PasswordForm {
    #[serde(default)]
    password: String,
}

pub async fn reset_password(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
    Form(f): Form<PasswordForm>,
) -> Response {
    let r = state.app.reset_password(&user.ctx(), id, &f.password).await;
    after(&state, &user, id, r, "password_reset").await
}

pub async fn lock(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
) -> Response {
    let r = state.app.set_account_locked(&user.ctx(), id, true).await;
    after(&state, &user, id, r, "locked").await
}

/// The security administrator resets a non-administrator's second factor (an administrator's
/// goes through dual control at `/admin/resets`).
pub async fn reset_second_factor(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
) -> Response {
    let r = state.app.reset_second_factor(&user.ctx(), id).await;
    after(&state, &user, id, r, "second_factor_reset").await
}

pub async fn unlock(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
) -> Response {
    let r = state.app.set_account_locked(&user.ctx(), id, false).await;
    after(&state, &user, id, r, "unlocked").await
}

#[derive(Deserialize)]
pub struct GrantForm {
    #[serde(default)]
    role: String,
    #[serde(default)]
    node_id: i64,
}

pub async fn grant(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<i64>,
    Form(f): Form<GrantForm>,
) -> Response {
    let r = match Role::parse(&f.role) {
        Ok(role) => state
            .app
            .grant_role(&user.ctx(), id, role, f.node_id)
            .await
            .map(|_| ()),
        Err(e) => Err(e),
    };
    after(&state, &user, id, r, "granted").await
}

pub async fn revoke(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(grant_id): Path<i64>,
) -> Response {
    let account = state.app.grant_account(grant_id).await;
    let r = state.app.revoke_role(&user.ctx(), grant_id).await;
    match (r, account) {
        (Ok(()), Ok(aid)) => {
            Redirect::to(&format!("/admin/users/{aid}?done=revoked")).into_response()
        }
        (Err(e), Ok(aid)) if is_form_error(&e) => {
            detail_page(&state, &user, aid, Shown::refused(&e, None)).await
        }
        (Err(e), _) | (Ok(()), Err(e)) => PageError(e).into_response(),
    }
}
