//! Resetting an administrator's credentials under dual control (三员分立, issue 15 item 2).
//!
//! A system administrator who could set the audit administrator's password, log in as them and
//! change it would hold two of the three powers. So a reset of any account holding an
//! administrator role is asked for by one of the two other administrators and approved by the
//! third ([`crate::authz::dual_control`]); the approval sets a random temporary password (shown
//! once, to the approver, who hands it over), ends the account's sessions, and the owner must
//! choose a new password at next login. The other way is the shell (`jianfu user passwd`),
//! which is for whoever runs the server and is audited as the operator. Every reset stays in
//! `credential_reset`: the owner sees the resets of their own account, the administrators the
//! requests in their jurisdiction, the audit administrator also in the audit log.

use jianfu_store::entity::account;
use jianfu_store::repo::{accounts, credential_resets as repo};
use serde::{Deserialize, Serialize};

use crate::authz::{Action, Role, dual_control};
use crate::error::{DomainError, Result};
use crate::{App, Ctx};

/// A request not decided within this time lapses; a new one must be made.
pub const REQUEST_VALID_MS: i64 = 24 * 3_600_000;

/// What is reset.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ResetKind {
    Password,
    /// The TOTP second factor: the approval removes it (and its recovery codes); the owner
    /// enrols again at next login.
    SecondFactor,
}

impl ResetKind {
    pub const ALL: [ResetKind; 2] = [Self::Password, Self::SecondFactor];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Password => "password",
            Self::SecondFactor => "second_factor",
        }
    }

    pub fn parse(s: &str) -> Result<Self> {
        Self::ALL
            .into_iter()
            .find(|k| k.as_str() == s)
            .ok_or_else(|| DomainError::field("kind", "reset_kind_unknown", "重置内容无效"))
    }

    pub fn label_zh(self) -> &'static str {
        match self {
            Self::Password => "密码",
            Self::SecondFactor => "动态口令",
        }
    }
}

/// Where a request or reset stands (stored as `as_str`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ResetState {
    /// Requested, waiting for the third administrator.
    Pending,
    Approved,
    Rejected,
    /// Done from the shell with `jianfu user passwd`.
    Shell,
    /// A non-administrator's second factor reset by the security administrator alone.
    Direct,
}

impl ResetState {
    pub const ALL: [ResetState; 5] = [
        Self::Pending,
        Self::Approved,
        Self::Rejected,
        Self::Shell,
        Self::Direct,
    ];

    /// The text stored in the column (stable).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Approved => "approved",
            Self::Rejected => "rejected",
            Self::Shell => "shell",
            Self::Direct => "direct",
        }
    }

    pub fn label_zh(self) -> &'static str {
        match self {
            Self::Pending => "待批准",
            Self::Approved => "已批准并重置",
            Self::Rejected => "已拒绝",
            Self::Shell => "命令行重置",
            Self::Direct => "安全管理员重置",
        }
    }

    /// The state of a stored row; `None` for a text no version has written.
    pub fn stored(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|x| x.as_str() == s)
    }
}

/// A request (or a shell reset) as pages and the API show it.
#[derive(Clone, Debug, Serialize)]
pub struct CredentialResetView {
    pub id: i64,
    pub account_id: i64,
    pub username: String,
    pub display_name: String,
    pub kind: String,
    pub kind_zh: &'static str,
    pub target_role_zh: String,
    pub state: String,
    pub state_zh: &'static str,
    pub requested_by_name: String,
    pub requested_role_zh: String,
    pub requested_at: i64,
    pub decided_by_name: Option<String>,
    pub decided_role_zh: Option<String>,
    pub decided_at: Option<i64>,
    /// Whether the caller may approve or reject it now.
    pub can_decide: bool,
}

/// The outcome of an approval: the temporary password, shown once.
#[derive(Clone, Debug, Serialize)]
pub struct ResetDone {
    pub request: CredentialResetView,
    pub temporary_password: Option<String>,
}

fn role_zh(r: Option<&str>) -> String {
    r.and_then(|r| Role::parse(r).ok())
        .map(|r| r.label_zh().to_owned())
        .unwrap_or_default()
}

fn state_zh(s: &str) -> &'static str {
    ResetState::stored(s).map_or("", ResetState::label_zh)
}

/// A random temporary password that meets the password policy (four classes, 20 characters).
pub(crate) fn temporary_password(username: &str) -> String {
    loop {
        let p = format!("Jf#{}", crate::auth::random_secret());
        let p: String = p.chars().take(20).collect();
        if crate::auth::check_password_strength(&p, username).is_ok() {
            return p;
        }
    }
}

impl App {
    /// The administrator role an account holds, if any.
    async fn admin_role_of(&self, account_id: i64) -> Result<Option<Role>> {
        let roles = accounts::granted_roles(self.store.db(), account_id).await?;
        Ok(roles
            .iter()
            .filter_map(|r| Role::parse(r).ok())
            .find(|r| r.is_admin()))
    }

    /// Whether an account holds an administrator role (its credentials are then reset only
    /// under dual control).
    pub async fn is_admin_account(&self, account_id: i64) -> Result<bool> {
        Ok(self.admin_role_of(account_id).await?.is_some())
    }

    fn reset_view(
        &self,
        ctx: Option<&Ctx>,
        r: repo::ResetRow,
        a: Option<&account::Model>,
    ) -> CredentialResetView {
        let kind = ResetKind::parse(&r.kind).unwrap_or(ResetKind::Password);
        let can_decide = ctx.is_some_and(|ctx| {
            let p = &ctx.principal;
            r.state == ResetState::Pending.as_str()
                && self.now_ms() - r.requested_at <= REQUEST_VALID_MS
                && p.account_id != r.account_id
                && Some(p.account_id) != r.requested_by
                && p.may(Action::ApproveAdminReset)
                && match (
                    r.target_role.as_deref().map(Role::parse),
                    r.requested_role.as_deref().map(Role::parse),
                    p.admin_role(),
                ) {
                    (Some(Ok(t)), Some(Ok(q)), Some(me)) => dual_control(t, q, Some(me)).is_ok(),
                    _ => false,
                }
        });
        CredentialResetView {
            id: r.id,
            account_id: r.account_id,
            username: a.map(|a| a.username.clone()).unwrap_or_default(),
            display_name: a.map(|a| a.display_name.clone()).unwrap_or_default(),
            kind: r.kind.clone(),
            kind_zh: kind.label_zh(),
            target_role_zh: role_zh(r.target_role.as_deref()),
            state_zh: state_zh(&r.state),
            state: r.state,
            requested_by_name: r.requested_by_name,
            requested_role_zh: role_zh(r.requested_role.as_deref()),
            requested_at: r.requested_at,
            decided_by_name: r.decided_by_name,
            decided_role_zh: r.decided_role.as_deref().map(|d| role_zh(Some(d))),
            decided_at: r.decided_at,
            can_decide,
        }
    }

    /// An administrator asks for a reset of another administrator's credentials.
    pub async fn request_admin_reset(
        &self,
        ctx: &Ctx,
        username: &str,
        kind: &str,
    ) -> Result<CredentialResetView> {
        let username = username.trim().to_lowercase();
        let mut p = crate::Problems::new();
        if username.is_empty() {
            p.push(DomainError::field(
                "username",
                "username_required",
                "请输入要重置的管理员账号的用户名",
            ));
        }
        let kind = p.take(ResetKind::parse(kind));
        p.finish()?;
        let kind = kind.ok_or_else(DomainError::internal)?;
        let Some(a) = accounts::by_username(self.store.db(), &username).await? else {
            return Err(DomainError::field(
                "username",
                "account_not_found",
                format!("账号 {username} 不存在"),
            ));
        };
        let home = self.find_node(a.home_node_id).await?;
        self.check(ctx, Action::RequestAdminReset, &home.target())
            .await?;
        let Some(target_role) = self.admin_role_of(a.id).await? else {
            return Err(DomainError {
                field: Some("username"),
                ..DomainError::conflict(
                    "admin_reset_target_not_admin",
                    "该账号不是管理员账号，由系统管理员直接重置即可",
                )
            });
        };
        if a.id == ctx.principal.account_id {
            return Err(DomainError::conflict(
                "admin_reset_own_account",
                "不能申请重置自己的凭据；忘记密码请联系另外两类管理员",
            ));
        }
        let requester = ctx
            .principal
            .admin_role()
            .ok_or_else(|| DomainError::forbidden("只有管理员可以申请重置管理员凭据"))?;
        if let Err(e) = dual_control(target_role, requester, None) {
            self.record_denial(ctx, Action::RequestAdminReset, Some(home.id))
                .await;
            return Err(e);
        }
        if kind == ResetKind::SecondFactor && !self.second_factor_enrolled(a.id).await? {
            return Err(DomainError::conflict(
                "second_factor_not_enrolled",
                "该账号尚未绑定动态口令，无需重置",
            ));
        }
        let now = self.now_ms();
        let since = now - REQUEST_VALID_MS;
        if repo::exists_since(
            self.store.db(),
            a.id,
            kind.as_str(),
            ResetState::Pending.as_str(),
            since,
        )
        .await?
        {
            return Err(DomainError::conflict(
                "admin_reset_pending",
                "该账号已有一个待批准的重置申请",
            ));
        }
        let mut tx = self.store.begin_write().await?;
        let new = repo::NewReset {
            account_id: a.id,
            kind: kind.as_str(),
            target_role: Some(target_role.as_str()),
            state: ResetState::Pending.as_str(),
            requested_by: Some(ctx.principal.account_id),
            requested_by_name: &ctx.principal.username,
            requested_role: Some(requester.as_str()),
            requested_at: now,
            decided_at: None,
        };
        let row = repo::insert(tx.conn(), &new).await?;
        tx.audit(ctx.entry(
            "credential_reset.request",
            "account",
            Some(a.id.to_string()),
            serde_json::json!({
                "request": row.id, "username": a.username, "kind": kind,
                "target_role": target_role, "requested_role": requester,
            }),
        ))
        .await?;
        tx.commit().await?;
        Ok(self.reset_view(Some(ctx), row, Some(&a)))
    }

    /// The third administrator approves (the reset is done at once) or rejects a request.
    pub async fn decide_admin_reset(&self, ctx: &Ctx, id: i64, approve: bool) -> Result<ResetDone> {
        let r = repo::by_id(self.store.db(), id)
            .await?
            .ok_or_else(|| DomainError::not_found("重置申请"))?;
        let (a, home) = {
            let a = accounts::by_id(self.store.db(), r.account_id)
                .await?
                .ok_or_else(|| DomainError::not_found("账号"))?;
            let home = self.find_node(a.home_node_id).await?;
            (a, home)
        };
        self.check(ctx, Action::ApproveAdminReset, &home.target())
            .await?;
        if r.state != ResetState::Pending.as_str() {
            return Err(DomainError::conflict(
                "admin_reset_decided",
                "该申请已处理，不能再批准或拒绝",
            ));
        }
        let now = self.now_ms();
        if now - r.requested_at > REQUEST_VALID_MS {
            return Err(DomainError::conflict(
                "admin_reset_expired",
                "该申请已超过 24 小时未处理，已失效；请重新申请",
            ));
        }
        if a.id == ctx.principal.account_id {
            return Err(DomainError::new(
                crate::ErrorKind::Forbidden,
                "admin_reset_own_account",
                "不能批准重置自己凭据的申请",
            ));
        }
        if r.requested_by == Some(ctx.principal.account_id) {
            return Err(DomainError::new(
                crate::ErrorKind::Forbidden,
                "admin_reset_own_request",
                "申请人不能批准自己的申请，须由第三位管理员批准",
            ));
        }
        // The roles as they are now: if the target's or the requester's role changed since the
        // request, the check is made against what holds today.
        let target_role = self.admin_role_of(a.id).await?.ok_or_else(|| {
            DomainError::conflict(
                "admin_reset_target_not_admin",
                "该账号已不是管理员账号，由系统管理员直接重置即可",
            )
        })?;
        let requested_role = r
            .requested_role
            .as_deref()
            .map(Role::parse)
            .transpose()?
            .ok_or_else(DomainError::internal)?;
        let approver = ctx
            .principal
            .admin_role()
            .ok_or_else(|| DomainError::forbidden("只有管理员可以批准重置管理员凭据"))?;
        if let Err(e) = dual_control(target_role, requested_role, Some(approver)) {
            self.record_denial(ctx, Action::ApproveAdminReset, Some(home.id))
                .await;
            return Err(e);
        }
        let kind = ResetKind::parse(&r.kind)?;
        let mut temporary = None;
        let mut tx = self.store.begin_write().await?;
        if approve {
            match kind {
                ResetKind::Password => {
                    let p = temporary_password(&a.username);
                    let hash = self.hasher.hash(&p)?;
                    self.retire_password(&tx, &a, now).await?;
                    accounts::set_temporary_password(tx.conn(), a.id, &hash, now).await?;
                    temporary = Some(p);
                }
                ResetKind::SecondFactor => self.remove_second_factor(&tx, a.id).await?,
            }
            accounts::end_sessions(tx.conn(), a.id).await?;
        }
        let new_state = if approve {
            ResetState::Approved.as_str()
        } else {
            ResetState::Rejected.as_str()
        };
        // Only a still-pending row is decided: two approvers at once cannot both reset.
        let decision = repo::Decision {
            state: new_state,
            by: ctx.principal.account_id,
            by_name: &ctx.principal.username,
            role: approver.as_str(),
            at: now,
        };
        let decided =
            repo::decide(tx.conn(), r.id, ResetState::Pending.as_str(), &decision).await?;
        if !decided {
            return Err(DomainError::conflict(
                "admin_reset_decided",
                "该申请已处理，不能再批准或拒绝",
            ));
        }
        tx.audit(ctx.entry(
            if approve {
                "credential_reset.approve"
            } else {
                "credential_reset.reject"
            },
            "account",
            Some(a.id.to_string()),
            serde_json::json!({
                "request": r.id, "username": a.username, "kind": kind,
                "target_role": target_role, "requested_by": r.requested_by_name,
                "requested_role": requested_role, "decided_role": approver,
            }),
        ))
        .await?;
        tx.commit().await?;
        let row = repo::by_id(self.store.db(), r.id)
            .await?
            .ok_or_else(DomainError::internal)?;
        Ok(ResetDone {
            request: self.reset_view(Some(ctx), row, Some(&a)),
            temporary_password: temporary,
        })
    }

    /// Requests and shell resets of administrator accounts in the caller's jurisdiction, newest
    /// first.
    pub async fn list_admin_resets(&self, ctx: &Ctx) -> Result<Vec<CredentialResetView>> {
        let scope = crate::authz::visible(&ctx.principal, Action::RequestAdminReset).union(
            &crate::authz::visible(&ctx.principal, Action::ApproveAdminReset),
        );
        if scope.is_empty() {
            self.record_denial(ctx, Action::ApproveAdminReset, None)
                .await;
            return Err(DomainError::forbidden("您没有权限查看管理员凭据重置申请"));
        }
        let rows = repo::in_scope(self.store.db(), &scope, 100).await?;
        self.views_of(Some(ctx), rows).await
    }

    /// The resets of the caller's own account (the owner sees every one), newest first.
    pub async fn own_credential_resets(&self, ctx: &Ctx) -> Result<Vec<CredentialResetView>> {
        let rows = repo::of_account(self.store.db(), ctx.principal.account_id, 20).await?;
        self.views_of(None, rows).await
    }

    async fn views_of(
        &self,
        ctx: Option<&Ctx>,
        rows: Vec<repo::ResetRow>,
    ) -> Result<Vec<CredentialResetView>> {
        let mut out = Vec::with_capacity(rows.len());
        for r in rows {
            let a = accounts::by_id(self.store.db(), r.account_id).await?;
            out.push(self.reset_view(ctx, r, a.as_ref()));
        }
        Ok(out)
    }

    /// Records a reset made from the shell, inside its transaction (see `jianfu user passwd`).
    pub(crate) async fn record_shell_reset(
        &self,
        tx: &jianfu_store::WriteTx,
        a: &account::Model,
        kind: ResetKind,
        now: i64,
    ) -> Result<()> {
        let target_role = self.admin_role_of(a.id).await?;
        let new = repo::NewReset {
            account_id: a.id,
            kind: kind.as_str(),
            target_role: target_role.map(|r| r.as_str()),
            state: ResetState::Shell.as_str(),
            requested_by: None,
            requested_by_name: crate::bootstrap::OPERATOR,
            requested_role: None,
            requested_at: now,
            decided_at: Some(now),
        };
        repo::insert(tx.conn(), &new).await?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn temporary_passwords_meet_the_policy_and_differ() {
        let a = temporary_password("sysadmin");
        let b = temporary_password("sysadmin");
        assert_ne!(a, b);
        assert_eq!(a.chars().count(), 20);
        assert!(crate::auth::check_password_strength(&a, "sysadmin").is_ok());
    }
}
