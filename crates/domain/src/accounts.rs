//! Accounts and role grants: the system administrator creates and edits accounts within their
//! jurisdiction; the security administrator grants and revokes roles, locks and unlocks.

use crate::text;
use jianfu_store::entity::account;
use jianfu_store::repo::accounts as repo;
use jianfu_store::repo::tree;
use serde::{Deserialize, Serialize};

use crate::auth::check_password_strength;
use crate::authz::{Action, Role};
use crate::division::NodeKind;
use crate::error::{DomainError, Result};
use crate::page::{Page, PageRequest};
use crate::tree::NodeView;
use crate::{App, Ctx};

/// An account as lists and detail pages show it (never the password hash).
#[derive(Clone, Debug, Serialize)]
pub struct AccountView {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    pub home_node_id: i64,
    pub home_node_name: String,
    pub must_change_password: bool,
    pub disabled: bool,
    /// Locked by failed logins until this time (Unix ms), if still in force.
    pub locked_until: Option<i64>,
    pub password_changed_at: i64,
    pub created_at: i64,
    pub grants: Vec<GrantView>,
    /// A confirmed second factor (TOTP) is asked for at login.
    pub second_factor: bool,
}

#[derive(Clone, Debug, Serialize)]
pub struct GrantView {
    pub id: i64,
    pub role: Role,
    pub role_zh: &'static str,
    pub node_id: i64,
    pub node_name: String,
}

#[derive(Clone, Debug, Deserialize, Default)]
pub struct NewAccount {
    pub username: String,
    pub display_name: String,
    pub home_node_id: i64,
    /// Initial password; the owner must change it at first login.
    pub password: String,
}

#[derive(Clone, Debug, Deserialize, Default)]
pub struct AccountEdit {
    pub display_name: String,
    pub home_node_id: i64,
}

/// Usernames: 3–32 of a–z, 0–9, `_`, `.`, `-`, starting with a letter.
pub fn check_username(u: &str) -> Result<String> {
    let u = u.trim().to_lowercase();
    let ok_chars = u
        .chars()
        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '_' | '.' | '-'));
    if !(3..=32).contains(&u.len()) || !ok_chars || !u.starts_with(|c: char| c.is_ascii_lowercase())
    {
        return Err(DomainError::field(
            "username",
            "username_invalid",
            "用户名应为 3–32 位小写字母、数字、下划线、点或连字符，并以字母开头",
        ));
    }
    Ok(u)
}

fn check_display_name(n: &str) -> Result<String> {
    let n = text::visible(n);
    if n.is_empty() || n.chars().count() > 100 {
        return Err(DomainError::field(
            "display_name",
            "display_name_invalid",
            "姓名应为 1–100 个字",
        ));
    }
    Ok(n.to_owned())
}

#[derive(Clone, Debug, Default, Deserialize, Serialize)]
pub struct AccountQuery {
    /// Matches username or display name.
    pub q: Option<String>,
}

impl App {
    async fn account_view(&self, a: account::Model) -> Result<AccountView> {
        let db = self.store.db();
        let home = tree::by_id(db, a.home_node_id).await?;
        let grants = repo::grants(db, a.id).await?;
        let mut gv = Vec::with_capacity(grants.len());
        for g in grants {
            let role = Role::parse(&g.role)?;
            let n = tree::by_id(db, g.node_id).await?;
            gv.push(GrantView {
                id: g.id,
                role,
                role_zh: role.label_zh(),
                node_id: g.node_id,
                node_name: n.map(|n| n.name).unwrap_or_default(),
            });
        }
        let now = self.now_ms();
        let second_factor = self.second_factor_enrolled(a.id).await?;
        Ok(AccountView {
            id: a.id,
            username: a.username,
            display_name: a.display_name,
            home_node_id: a.home_node_id,
            home_node_name: home.map(|n| n.name).unwrap_or_default(),
            must_change_password: a.must_change_password,
            disabled: a.disabled,
            locked_until: a.locked_until.filter(|u| *u > now),
            password_changed_at: a.password_changed_at,
            created_at: a.created_at,
            grants: gv,
            second_factor,
        })
    }

    /// Accounts whose home node lies in the caller's jurisdiction for viewing accounts.
    pub async fn list_accounts(
        &self,
        ctx: &Ctx,
        query: &AccountQuery,
        page: PageRequest,
    ) -> Result<Page<AccountView>> {
        let scope = self
            .visible_or_deny(ctx, Action::ViewAccounts, "您没有权限查看账号")
            .await?;
        let text = query.q.as_deref().map(str::trim).filter(|t| !t.is_empty());
        let (rows, total) =
            repo::list(self.store.db(), &scope, text, page.offset(), page.per_page).await?;
        let mut items = Vec::with_capacity(rows.len());
        for a in rows {
            items.push(self.account_view(a).await?);
        }
        Ok(Page {
            items,
            total,
            page: page.page,
            per_page: page.per_page,
        })
    }

    async fn load_account(&self, id: i64) -> Result<(account::Model, NodeView)> {
        let a = repo::by_id(self.store.db(), id)
            .await?
            .ok_or_else(|| DomainError::not_found("账号"))?;
        let home = self.find_node(a.home_node_id).await?;
        Ok((a, home))
    }

    /// The caller's own account (no administrator role needed).
    pub async fn account_detail_self(&self, ctx: &Ctx) -> Result<AccountView> {
        let (a, _) = self.load_account(ctx.principal.account_id).await?;
        self.account_view(a).await
    }

    pub async fn account_detail(&self, ctx: &Ctx, id: i64) -> Result<AccountView> {
        let (a, home) = self.load_account(id).await?;
        self.check(ctx, Action::ViewAccounts, &home.target())
            .await?;
        self.account_view(a).await
    }

    async fn home_node_for(&self, id: i64) -> Result<NodeView> {
        match self.find_node(id).await {
            Err(e) if e.kind == crate::ErrorKind::NotFound => Err(DomainError::field(
                "home_node_id",
                "home_node_not_found",
                "所属单位不存在",
            )),
            other => other,
        }
    }

    pub async fn create_account(&self, ctx: &Ctx, new: NewAccount) -> Result<AccountView> {
        // A home that does not exist is one problem among the others (the route's gate already
        // asked for ManageAccounts somewhere); one that exists is authorized first.
        let mut p = crate::Problems::new();
        let home = p.take(self.home_node_for(new.home_node_id).await);
        if let Some(home) = &home {
            self.check(ctx, Action::ManageAccounts, &home.target())
                .await?;
        }
        let username = p.take(check_username(&new.username));
        let display_name = p.take(check_display_name(&new.display_name));
        p.take(check_password_strength(
            &new.password,
            // An invalid username is not compared (it is refused on its own).
            username.as_deref().unwrap_or(""),
        ));
        p.finish()?;
        let (Some(home), Some(username), Some(display_name)) = (home, username, display_name)
        else {
            return Err(DomainError::internal());
        };
        if repo::by_username(self.store.db(), &username)
            .await?
            .is_some()
        {
            return Err(DomainError {
                field: Some("username"),
                ..DomainError::conflict("username_taken", format!("用户名 {username} 已被使用"))
            });
        }
        let hash = self.hasher.hash(&new.password)?;
        let now = self.now_ms();
        let mut tx = self.store.begin_write().await?;
        let row = repo::insert(
            tx.conn(),
            repo::NewAccount {
                username: &username,
                display_name: &display_name,
                home_node_id: home.id,
                password_hash: &hash,
                must_change_password: true,
            },
            now,
        )
        .await?;
        tx.audit(ctx.entry(
            "account.create",
            "account",
            Some(row.id.to_string()),
            serde_json::json!({ "after": { "username": row.username, "display_name": row.display_name, "home_node": home.name } }),
        ))
        .await?;
        tx.commit().await?;
        self.account_view(row).await
    }

    pub async fn update_account(
        &self,
        ctx: &Ctx,
        id: i64,
        edit: AccountEdit,
    ) -> Result<AccountView> {
        let (a, old_home) = self.load_account(id).await?;
        self.check(ctx, Action::ManageAccounts, &old_home.target())
            .await?;
        let new_home = self.home_node_for(edit.home_node_id).await?;
        self.check(ctx, Action::ManageAccounts, &new_home.target())
            .await?;
        let display_name = check_display_name(&edit.display_name)?;
        let mut tx = self.store.begin_write().await?;
        repo::update(tx.conn(), id, &display_name, new_home.id, self.now_ms()).await?;
        tx.audit(ctx.entry(
            "account.update",
            "account",
            Some(id.to_string()),
            serde_json::json!({
                "before": { "display_name": a.display_name, "home_node": old_home.name },
                "after": { "display_name": display_name, "home_node": new_home.name },
            }),
        ))
        .await?;
        tx.commit().await?;
        let (a, _) = self.load_account(id).await?;
        self.account_view(a).await
    }

    /// Sets a temporary password the owner must change at next login; ends their sessions.
    /// Not for administrator accounts: theirs are reset under dual control
    /// ([`crate::credential_reset`]) or from the shell.
    pub async fn reset_password(&self, ctx: &Ctx, id: i64, temporary: &str) -> Result<()> {
        let (a, home) = self.load_account(id).await?;
        self.check(ctx, Action::ManageAccounts, &home.target())
            .await?;
        if self.is_admin_account(a.id).await? {
            self.record_denial(ctx, Action::ManageAccounts, Some(home.id))
                .await;
            return Err(DomainError::new(
                crate::ErrorKind::Forbidden,
                "admin_reset_needs_dual_control",
                "管理员账号的密码不能由一人重置：须由另一类管理员申请、第三类管理员批准（见“管理员凭据重置”），或由运维人员在服务器上用 jianfu user passwd 重置",
            ));
        }
        check_password_strength(temporary, &a.username)?;
        let hash = self.hasher.hash(temporary)?;
        let now = self.now_ms();
        let mut tx = self.store.begin_write().await?;
        self.retire_password(&tx, &a, now).await?;
        repo::set_temporary_password(tx.conn(), id, &hash, now).await?;
        repo::end_sessions(tx.conn(), id).await?;
        tx.audit(ctx.entry(
            "account.password_reset",
            "account",
            Some(id.to_string()),
            serde_json::json!({ "username": a.username }),
        ))
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Locks (disables) or unlocks an account. Unlocking also clears a failure lockout.
    pub async fn set_account_locked(&self, ctx: &Ctx, id: i64, locked: bool) -> Result<()> {
        let (a, home) = self.load_account(id).await?;
        self.check(ctx, Action::LockAccounts, &home.target())
            .await?;
        if locked && a.id == ctx.principal.account_id {
            return Err(DomainError::conflict("self_lock", "不能锁定自己的账号"));
        }
        let now = self.now_ms();
        let mut tx = self.store.begin_write().await?;
        repo::set_disabled(tx.conn(), id, locked, now).await?;
        if locked {
            repo::end_sessions(tx.conn(), id).await?;
        }
        tx.audit(ctx.entry(
            if locked { "account.lock" } else { "account.unlock" },
            "account",
            Some(id.to_string()),
            serde_json::json!({ "username": a.username, "before": { "disabled": a.disabled, "locked_until": a.locked_until } }),
        ))
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Grants `role` at `node_id` to an account. The node must lie in the caller's
    /// jurisdiction and be able to carry the role; no account holds two administrator roles.
    pub async fn grant_role(
        &self,
        ctx: &Ctx,
        account_id: i64,
        role: Role,
        node_id: i64,
    ) -> Result<GrantView> {
        let (a, _) = self.load_account(account_id).await?;
        let node = match self.find_node(node_id).await {
            Err(e) if e.kind == crate::ErrorKind::NotFound => {
                return Err(DomainError::field(
                    "node_id",
                    "node_not_found",
                    "授权单位不存在",
                ));
            }
            other => other?,
        };
        self.check(ctx, Action::GrantRoles, &node.target()).await?;
        if account_id == ctx.principal.account_id {
            return Err(DomainError::conflict("self_grant", "不能给自己授予角色"));
        }
        let parent_kind: Option<NodeKind> = match node.parent_id {
            Some(p) => Some(self.find_node(p).await?.kind),
            None => None,
        };
        if !role.can_be_held_at(node.kind, node.department_function(), parent_kind) {
            return Err(DomainError::field(
                "role",
                "role_not_allowed_at_node",
                format!(
                    "“{}”角色只能设在{}，不能设在“{}”",
                    role.label_zh(),
                    role.where_held_zh(),
                    node.name
                ),
            ));
        }
        let existing = repo::grants(self.store.db(), account_id).await?;
        if existing
            .iter()
            .any(|g| g.role == role.as_str() && g.node_id == node_id)
        {
            return Err(DomainError::conflict(
                "grant_exists",
                "该账号在此单位已有这个角色",
            ));
        }
        if role.is_admin()
            && let Some(other) = existing
                .iter()
                .filter_map(|g| Role::parse(&g.role).ok())
                .find(|r| r.is_admin() && *r != role)
        {
            return Err(DomainError::conflict(
                "admin_roles_separated",
                format!(
                    "三员分立：该账号已是{}，不能再兼任{}",
                    other.label_zh(),
                    role.label_zh()
                ),
            ));
        }
        let mut tx = self.store.begin_write().await?;
        let row = repo::insert_grant(
            tx.conn(),
            account_id,
            role.as_str(),
            node_id,
            Some(ctx.principal.account_id),
            self.now_ms(),
        )
        .await?;
        tx.audit(ctx.entry(
            "role.grant",
            "account",
            Some(account_id.to_string()),
            serde_json::json!({ "username": a.username, "role": role, "node": node.name }),
        ))
        .await?;
        tx.commit().await?;
        Ok(GrantView {
            id: row.id,
            role,
            role_zh: role.label_zh(),
            node_id,
            node_name: node.name,
        })
    }

    /// The account a grant belongs to.
    pub async fn grant_account(&self, grant_id: i64) -> Result<i64> {
        repo::grant(self.store.db(), grant_id)
            .await?
            .map(|g| g.account_id)
            .ok_or_else(|| DomainError::not_found("角色授权"))
    }

    pub async fn revoke_role(&self, ctx: &Ctx, grant_id: i64) -> Result<()> {
        let g = repo::grant(self.store.db(), grant_id)
            .await?
            .ok_or_else(|| DomainError::not_found("角色授权"))?;
        let node = self.find_node(g.node_id).await?;
        self.check(ctx, Action::GrantRoles, &node.target()).await?;
        if g.account_id == ctx.principal.account_id {
            return Err(DomainError::conflict("self_revoke", "不能撤销自己的角色"));
        }
        let mut tx = self.store.begin_write().await?;
        repo::delete_grant(tx.conn(), grant_id).await?;
        tx.audit(ctx.entry(
            "role.revoke",
            "account",
            Some(g.account_id.to_string()),
            serde_json::json!({ "role": g.role, "node": node.name }),
        ))
        .await?;
        tx.commit().await?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn usernames() {
        assert_eq!(check_username(" Zhang.San ").unwrap(), "zhang.san");
        for bad in ["ab", "1abc", "张三", "a b c", &"a".repeat(33)] {
            assert_eq!(
                check_username(bad).unwrap_err().code,
                "username_invalid",
                "{bad}"
            );
        }
    }
}
