//! Logging in and staying logged in: argon2id passwords and the password policy, lockout per
//! account and per source address, server-side sessions with CSRF tokens, and API tokens.

use argon2::password_hash::{PasswordHasher as _, PasswordVerifier as _};
use argon2::{Algorithm, Argon2, Params, Version};
use base64::Engine as _;
use jianfu_store::entity::{account, api_token};
use jianfu_store::repo::accounts;
use jianfu_store::repo::sessions as repo;
use jianfu_store::repo::tree;
use jianfu_store::{AuditOutcome, NewAuditEntry};
use serde::{Deserialize, Serialize};
use sm3::{Digest, Sm3};

use crate::authz::{Action, Grant, Principal, Role};
use crate::division::NodeKind;
use crate::error::{DomainError, ErrorKind, Result};
use crate::{App, Ctx};

/// argon2id with the parameters in force. Production uses the crate's defaults (argon2id,
/// 19 MiB, 2 passes); tests use a cheap setting so that a suite with many logins stays fast.
#[derive(Clone, Debug)]
pub struct PasswordHasher {
    params: Params,
    /// A hash to verify against when the username is unknown, made once with these params.
    dummy: std::sync::Arc<std::sync::OnceLock<String>>,
}

impl Default for PasswordHasher {
    fn default() -> Self {
        Self::with_params(Params::default())
    }
}

impl PasswordHasher {
    /// Minimal cost, for tests only.
    pub fn fast_for_tests() -> Self {
        Self::with_params(Params::new(Params::MIN_M_COST, 1, 1, None).unwrap_or_default())
    }

    fn with_params(params: Params) -> Self {
        Self {
            params,
            dummy: Default::default(),
        }
    }

    /// Spends the same effort as a real check, so that timing does not reveal which usernames
    /// exist. Always false.
    pub fn verify_dummy(&self, password: &str) -> bool {
        let phc = self
            .dummy
            .get_or_init(|| self.hash("jianfu-dummy-password").unwrap_or_default());
        let _ = std::hint::black_box(self.verify(password, phc));
        false
    }

    fn argon(&self) -> Argon2<'static> {
        Argon2::new(Algorithm::Argon2id, Version::V0x13, self.params.clone())
    }

    pub fn hash(&self, password: &str) -> Result<String> {
        self.argon()
            .hash_password(password.as_bytes())
            .map(|h| h.to_string())
            .map_err(|e| {
                tracing::error!(error = %e, "password hashing failed");
                DomainError::internal()
            })
    }

    /// Verifies against a stored PHC string; its own parameters apply, so hashes made with
    /// other costs still verify.
    pub fn verify(&self, password: &str, phc: &str) -> bool {
        self.argon()
            .verify_password(password.as_bytes(), phc)
            .is_ok()
    }
}

/// Password and lockout policy; the security administrator may change it within bounds.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SecurityPolicy {
    /// Days after which a password must be changed (0 = never).
    pub password_max_age_days: i64,
    /// Consecutive failures that lock an account.
    pub lockout_threshold: i32,
    /// How long a failure lockout lasts.
    pub lockout_minutes: i64,
    /// Failed logins from one address within `lockout_minutes` before that address is refused.
    pub ip_failure_limit: u64,
    pub session_idle_minutes: i64,
    pub session_absolute_hours: i64,
}

impl Default for SecurityPolicy {
    fn default() -> Self {
        Self {
            password_max_age_days: 90,
            lockout_threshold: 5,
            lockout_minutes: 15,
            ip_failure_limit: 30,
            session_idle_minutes: 30,
            session_absolute_hours: 12,
        }
    }
}

impl SecurityPolicy {
    pub const KEY: &'static str = "security_policy";

    /// Bounds keep an administrator from switching the protections off.
    pub fn validate(&self) -> Result<()> {
        let checks: [(bool, &'static str, &str); 6] = [
            (
                (0..=365).contains(&self.password_max_age_days),
                "password_max_age_days",
                "密码有效期应在 0–365 天之间（0 表示不过期）",
            ),
            (
                (3..=10).contains(&self.lockout_threshold),
                "lockout_threshold",
                "锁定阈值应在 3–10 次之间",
            ),
            (
                (5..=1440).contains(&self.lockout_minutes),
                "lockout_minutes",
                "锁定时长应在 5–1440 分钟之间",
            ),
            (
                (5..=1000).contains(&self.ip_failure_limit),
                "ip_failure_limit",
                "单个地址失败上限应在 5–1000 次之间",
            ),
            (
                (5..=120).contains(&self.session_idle_minutes),
                "session_idle_minutes",
                "会话空闲超时应在 5–120 分钟之间",
            ),
            (
                (1..=24).contains(&self.session_absolute_hours),
                "session_absolute_hours",
                "会话最长时长应在 1–24 小时之间",
            ),
        ];
        for (ok, field, msg) in checks {
            if !ok {
                return Err(DomainError::field(
                    field,
                    "security_policy_out_of_range",
                    msg,
                ));
            }
        }
        Ok(())
    }
}

/// ≥ 8 characters from at least 3 of the 4 classes (lower, upper, digit, other), at most 128,
/// and not containing the username.
pub fn check_password_strength(password: &str, username: &str) -> Result<()> {
    let n = password.chars().count();
    if n < 8 {
        return Err(DomainError::field(
            "password",
            "password_too_short",
            "密码至少 8 位",
        ));
    }
    if n > 128 {
        return Err(DomainError::field(
            "password",
            "password_too_long",
            "密码不能超过 128 位",
        ));
    }
    let classes = [
        password.chars().any(|c| c.is_ascii_lowercase()),
        password.chars().any(|c| c.is_ascii_uppercase()),
        password.chars().any(|c| c.is_ascii_digit()),
        password.chars().any(|c| !c.is_ascii_alphanumeric()),
    ]
    .into_iter()
    .filter(|b| *b)
    .count();
    if classes < 3 {
        return Err(DomainError::field(
            "password",
            "password_too_weak",
            "密码须包含大写字母、小写字母、数字、符号中的至少三类",
        ));
    }
    if !username.is_empty() && password.to_lowercase().contains(&username.to_lowercase()) {
        return Err(DomainError::field(
            "password",
            "password_contains_username",
            "密码不能包含用户名",
        ));
    }
    Ok(())
}

/// SM3 digest of a secret token, as stored.
pub fn token_digest(token: &str) -> String {
    hex::encode(Sm3::digest(token.as_bytes()))
}

/// A fresh random secret for one-off tokens (CSRF, login forms).
pub fn random_secret() -> String {
    random_token("")
}

fn random_token(prefix: &str) -> String {
    let bytes: [u8; 32] = rand::random();
    format!(
        "{prefix}{}",
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
    )
}

/// A fresh session: the cookie value (shown once) and its CSRF token.
#[derive(Clone, Debug)]
pub struct NewSession {
    pub token: String,
    pub csrf_token: String,
    pub principal: Principal,
}

/// Where a login stands after the password.
#[derive(Clone, Debug)]
pub enum LoginStep {
    /// Logged in.
    Session(NewSession),
    /// The password was right and the account has a second factor: the code is asked for next,
    /// on the login challenge this token names (a cookie, shown once).
    SecondFactor { challenge: String },
}

/// A session found by its cookie.
#[derive(Clone, Debug)]
pub struct SessionInfo {
    pub principal: Principal,
    pub csrf_token: String,
}

/// The one answer to every refused password login: an unknown username, a wrong password and a
/// locked account read the same, so that the answer does not tell which usernames exist.
pub const FAILED_LOGIN: &str = "用户名或密码错误；连续失败多次的账号会被暂时锁定，请稍后再试";
/// How many of an account's previous passwords its owner may not reuse (besides the current).
pub const PASSWORD_HISTORY: u64 = 5;
const TOUCH_EVERY_MS: i64 = 60_000;

/// An API token as its owner sees it: name, the first characters, dates; not its digest.
#[derive(Clone, Debug, Serialize)]
pub struct ApiTokenView {
    pub id: i64,
    pub name: String,
    /// The first characters of the token (`jf_…`), to tell tokens apart.
    pub prefix: String,
    pub created_at: i64,
    pub expires_at: Option<i64>,
    pub last_used_at: Option<i64>,
    pub revoked_at: Option<i64>,
}

impl From<api_token::Model> for ApiTokenView {
    fn from(t: api_token::Model) -> Self {
        Self {
            id: t.id,
            name: t.name,
            prefix: t.prefix,
            created_at: t.created_at,
            expires_at: t.expires_at,
            last_used_at: t.last_used_at,
            revoked_at: t.revoked_at,
        }
    }
}

/// Why a resident may not keep API tokens.
const TOKENS_REFUSED: &str = "API 令牌供对接系统的工作人员使用，居民账号不能创建或查看令牌";

impl App {
    pub async fn security_policy(&self) -> Result<SecurityPolicy> {
        let value = repo::setting(self.store.db(), SecurityPolicy::KEY).await?;
        Ok(value
            .and_then(|v| serde_json::from_str(&v).ok())
            .unwrap_or_default())
    }

    pub async fn set_security_policy(&self, ctx: &Ctx, policy: SecurityPolicy) -> Result<()> {
        let root = self.root_node().await?;
        self.check(
            ctx,
            crate::Action::EditSecurityPolicy,
            &crate::authz::Target {
                node_id: root.id,
                path: &root.path,
            },
        )
        .await?;
        policy.validate()?;
        let before = self.security_policy().await?;
        let value = serde_json::to_string(&policy).map_err(|_| DomainError::internal())?;
        let mut tx = self.store.begin_write().await?;
        repo::put_setting(tx.conn(), SecurityPolicy::KEY, &value, self.now_ms()).await?;
        tx.audit(ctx.entry(
            "security_policy.update",
            "setting",
            Some(SecurityPolicy::KEY.to_owned()),
            serde_json::json!({ "before": before, "after": policy }),
        ))
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Loads the principal (account + grants with their scopes) for an account.
    pub async fn principal(&self, account: &account::Model) -> Result<Principal> {
        let policy = self.security_policy().await?;
        let db = self.store.db();
        let grants = accounts::grants(db, account.id).await?;
        let mut out = Vec::with_capacity(grants.len());
        for g in grants {
            let Ok(role) = Role::parse(&g.role) else {
                continue;
            };
            let Some(n) = tree::by_id(db, g.node_id).await? else {
                continue;
            };
            let kind = NodeKind::parse(&n.kind)?;
            // A department's jurisdiction is the place it serves.
            let scope = if kind == NodeKind::Department {
                match n.parent_id {
                    Some(pid) => tree::by_id(db, pid).await?,
                    None => None,
                }
            } else {
                None
            };
            let (scope_path, scope_node_id) = match &scope {
                Some(s) => (s.path.clone(), s.id),
                None => (n.path.clone(), n.id),
            };
            out.push(Grant {
                id: g.id,
                role,
                node_id: n.id,
                node_name: n.name.clone(),
                node_kind: kind,
                scope_path,
                scope_node_id,
            });
        }
        let expired = policy.password_max_age_days > 0
            && self.now_ms() - account.password_changed_at
                > policy.password_max_age_days * 86_400_000;
        let roles: Vec<Role> = out.iter().map(|g| g.role).collect();
        let must_enrol = self.second_factor_required_for(&roles).await?
            && !self.second_factor_enrolled(account.id).await?;
        Ok(Principal {
            account_id: account.id,
            username: account.username.clone(),
            display_name: account.display_name.clone(),
            grants: out,
            must_change_password: account.must_change_password || expired,
            must_enrol_second_factor: must_enrol,
        })
    }

    fn login_entry(
        username: &str,
        account_id: Option<i64>,
        ip: Option<&str>,
        outcome: AuditOutcome,
        reason: &str,
    ) -> NewAuditEntry {
        NewAuditEntry {
            actor_id: account_id,
            actor_name: username.chars().take(64).collect(),
            action: "auth.login".into(),
            outcome,
            target_type: "account".into(),
            target_id: account_id.map(|i| i.to_string()),
            summary: serde_json::json!({ "result": reason }),
            ip: ip.map(str::to_owned),
        }
    }

    /// Refuses an address with too many recent failures (audited).
    async fn refuse_busy_address(
        &self,
        username: &str,
        ip_key: &str,
        ip: Option<&str>,
        now: i64,
        policy: &SecurityPolicy,
    ) -> Result<()> {
        let window_start = now - policy.lockout_minutes * 60_000;
        let recent_failures = repo::failures_since(self.store.db(), ip_key, window_start).await?;
        if recent_failures >= policy.ip_failure_limit {
            self.store
                .audit_only(Self::login_entry(
                    username,
                    None,
                    ip,
                    AuditOutcome::Denied,
                    "ip_limited",
                ))
                .await?;
            return Err(DomainError::new(
                ErrorKind::TooMany,
                "ip_rate_limited",
                format!(
                    "该地址登录失败次数过多，请 {} 分钟后再试",
                    policy.lockout_minutes
                ),
            ));
        }
        Ok(())
    }

    /// Checks a username and password. Without a second factor this opens a session; with one
    /// it opens a login challenge for the code ([`App::login_second_factor`]). Every attempt is
    /// audited; failures count towards the account lockout and the per-address limit.
    pub async fn login(
        &self,
        username: &str,
        password: &str,
        ip: Option<&str>,
    ) -> Result<LoginStep> {
        let now = self.now_ms();
        let policy = self.security_policy().await?;
        let ip_key = ip.unwrap_or("unknown");
        // One login at a time per address (within this process), so that a burst of parallel
        // guesses cannot all pass the limit check before any failure is recorded.
        let _one_at_a_time = self.login_lock(ip_key).lock().await;
        self.refuse_busy_address(username, ip_key, ip, now, &policy)
            .await?;
        let account = accounts::by_username(self.store.db(), username.trim()).await?;
        let Some(account) = account else {
            self.hasher.verify_dummy(password);
            self.record_failure(None, username, ip_key, ip, "unknown_user", now, &policy)
                .await?;
            return Err(DomainError::unauthenticated("login_failed", FAILED_LOGIN));
        };
        if let Some(until) = account.locked_until
            && until > now
        {
            // Answered exactly like a wrong password (same code, text and effort, and it counts
            // against the address like one): a distinct "locked" answer would tell a guesser
            // that the username exists. The audit log keeps the real reason.
            let _ = std::hint::black_box(self.hasher.verify(password, &account.password_hash));
            let mut tx = self.store.begin_write().await?;
            repo::record_failure(tx.conn(), ip_key, now).await?;
            tx.audit(Self::login_entry(
                username,
                Some(account.id),
                ip,
                AuditOutcome::Denied,
                "locked",
            ))
            .await?;
            tx.commit().await?;
            return Err(DomainError::unauthenticated("login_failed", FAILED_LOGIN));
        }
        if !self.hasher.verify(password, &account.password_hash) {
            self.record_failure(
                Some(&account),
                username,
                ip_key,
                ip,
                "bad_password",
                now,
                &policy,
            )
            .await?;
            return Err(DomainError::unauthenticated("login_failed", FAILED_LOGIN));
        }
        if account.disabled {
            self.store
                .audit_only(Self::login_entry(
                    username,
                    Some(account.id),
                    ip,
                    AuditOutcome::Denied,
                    "disabled",
                ))
                .await?;
            return Err(DomainError::new(
                ErrorKind::Unauthenticated,
                "account_disabled",
                "账号已被停用，请联系安全管理员",
            ));
        }
        if self.second_factor_enrolled(account.id).await? {
            // The failure count is left as it is: it is cleared only once the code is right, so
            // that typing a known password again does not buy fresh guesses at the code.
            let challenge = random_token("");
            let mut tx = self.store.begin_write().await?;
            // Challenges left behind (the code never typed) lapse; drop them as we go.
            repo::open_challenge(
                tx.conn(),
                &token_digest(&challenge),
                account.id,
                now,
                now + crate::second_factor::CHALLENGE_VALID_MS,
                ip.map(|i| i.chars().take(64).collect()),
            )
            .await?;
            tx.audit(Self::login_entry(
                username,
                Some(account.id),
                ip,
                AuditOutcome::Ok,
                "password_ok_second_factor_next",
            ))
            .await?;
            tx.commit().await?;
            return Ok(LoginStep::SecondFactor { challenge });
        }
        let mut tx = self.store.begin_write().await?;
        let s = self.open_session(&tx, &account, ip, now, &policy).await?;
        let reason = if s.principal.must_change_password {
            "ok_must_change_password"
        } else if s.principal.must_enrol_second_factor {
            "ok_must_enrol_second_factor"
        } else {
            "ok"
        };
        tx.audit(Self::login_entry(
            username,
            Some(account.id),
            ip,
            AuditOutcome::Ok,
            reason,
        ))
        .await?;
        tx.commit().await?;
        Ok(LoginStep::Session(s))
    }

    /// Clears the account's failure count and opens a session, inside the login's write.
    async fn open_session(
        &self,
        tx: &jianfu_store::WriteTx,
        account: &account::Model,
        ip: Option<&str>,
        now: i64,
        policy: &SecurityPolicy,
    ) -> Result<NewSession> {
        let principal = self.principal(account).await?;
        let token = random_token("");
        let csrf_token = random_token("");
        repo::open(
            tx.conn(),
            repo::NewSession {
                digest: &token_digest(&token),
                account_id: account.id,
                csrf_token: &csrf_token,
                now,
                expires_at: now + policy.session_absolute_hours * 3_600_000,
                ip,
            },
        )
        .await?;
        Ok(NewSession {
            token,
            csrf_token,
            principal,
        })
    }

    /// The second step of a login: the code from the authenticator app, or a recovery code, on
    /// the challenge the password step opened. A wrong code counts like a wrong password (the
    /// account's lockout and the address's limit); the session exists only after a right one.
    pub async fn login_second_factor(
        &self,
        challenge: &str,
        code: &str,
        ip: Option<&str>,
    ) -> Result<NewSession> {
        let now = self.now_ms();
        let policy = self.security_policy().await?;
        let ip_key = ip.unwrap_or("unknown");
        let _one_at_a_time = self.login_lock(ip_key).lock().await;
        let gone = || {
            DomainError::unauthenticated(
                "login_challenge_expired",
                "登录已超时或已结束，请重新输入用户名和密码",
            )
        };
        let digest = token_digest(challenge);
        let Some(c) = repo::challenge(self.store.db(), &digest).await? else {
            return Err(gone());
        };
        let Some(account) = accounts::by_id(self.store.db(), c.account_id).await? else {
            return Err(gone());
        };
        self.refuse_busy_address(&account.username, ip_key, ip, now, &policy)
            .await?;
        let drop_challenge = |reason: &'static str, outcome: AuditOutcome| {
            let account_id = account.id;
            let username = account.username.clone();
            let digest = digest.clone();
            async move {
                let mut tx = self.store.begin_write().await?;
                repo::drop_challenge(tx.conn(), &digest).await?;
                tx.audit(Self::login_entry(
                    &username,
                    Some(account_id),
                    ip,
                    outcome,
                    reason,
                ))
                .await?;
                tx.commit().await?;
                Result::<()>::Ok(())
            }
        };
        if now > c.expires_at {
            drop_challenge("second_factor_expired", AuditOutcome::Denied).await?;
            return Err(gone());
        }
        if account.disabled {
            drop_challenge("disabled", AuditOutcome::Denied).await?;
            return Err(gone());
        }
        if account.locked_until.is_some_and(|u| u > now) {
            // Locked meanwhile (by failures or by the security administrator): start over,
            // where the answer is the one for every refused login.
            drop_challenge("locked", AuditOutcome::Denied).await?;
            return Err(DomainError::unauthenticated("login_failed", FAILED_LOGIN));
        }
        let passed = self.check_second_factor(&account, code).await?;
        if let Some(passed) = passed {
            let mut tx = self.store.begin_write().await?;
            if let Some(left) = self.take_passed(&tx, account.id, passed).await? {
                repo::drop_challenge(tx.conn(), &digest).await?;
                let s = self.open_session(&tx, &account, ip, now, &policy).await?;
                let factor = match passed {
                    crate::second_factor::Passed::Code(_) => "totp",
                    crate::second_factor::Passed::RecoveryCode(_) => "recovery_code",
                };
                let mut entry = Self::login_entry(
                    &account.username,
                    Some(account.id),
                    ip,
                    AuditOutcome::Ok,
                    "ok",
                );
                entry.summary = serde_json::json!({ "result": "ok", "factor": factor });
                tx.audit(entry).await?;
                if let Some(left) = left {
                    let mut used = Self::login_entry(
                        &account.username,
                        Some(account.id),
                        ip,
                        AuditOutcome::Ok,
                        "recovery_code_used",
                    );
                    used.action = "second_factor.recovery_code_used".into();
                    used.summary = serde_json::json!({ "recovery_codes_left": left });
                    tx.audit(used).await?;
                }
                tx.commit().await?;
                return Ok(s);
            }
            // Another login took this code first: a replay, answered as a wrong code.
        }
        self.record_failure(
            Some(&account),
            &account.username,
            ip_key,
            ip,
            "bad_second_factor",
            now,
            &policy,
        )
        .await?;
        let locked = accounts::by_id(self.store.db(), account.id)
            .await?
            .is_some_and(|a| a.locked_until.is_some_and(|u| u > now));
        if locked {
            drop_challenge("second_factor_locked", AuditOutcome::Denied).await?;
            return Err(DomainError::unauthenticated("login_failed", FAILED_LOGIN));
        }
        Err(DomainError::field(
            "code",
            "second_factor_invalid",
            crate::second_factor::WRONG_CODE,
        ))
    }

    #[allow(clippy::too_many_arguments)]
    async fn record_failure(
        &self,
        account: Option<&account::Model>,
        username: &str,
        ip_key: &str,
        ip: Option<&str>,
        reason: &str,
        now: i64,
        policy: &SecurityPolicy,
    ) -> Result<()> {
        let mut tx = self.store.begin_write().await?;
        repo::record_failure(tx.conn(), ip_key, now).await?;
        let mut locked = false;
        if let Some(a) = account {
            // Re-read inside the write transaction: writers are serialized by the chain lock,
            // so concurrent failures each see the count the one before left.
            let Some(a) = accounts::by_id(tx.conn(), a.id).await? else {
                return Err(DomainError::internal());
            };
            let already_locked = a.locked_until.is_some_and(|u| u > now);
            let failures = if already_locked {
                0
            } else {
                a.failed_attempts + 1
            };
            locked = already_locked || failures >= policy.lockout_threshold;
            let (failures, until) = if already_locked {
                (0, a.locked_until)
            } else if locked {
                (0, Some(now + policy.lockout_minutes * 60_000))
            } else {
                (failures, None)
            };
            repo::set_failures(tx.conn(), a.id, failures, until).await?;
        }
        let reason = if locked {
            format!("{reason}_now_locked")
        } else {
            reason.to_owned()
        };
        tx.audit(Self::login_entry(
            username,
            account.map(|a| a.id),
            ip,
            AuditOutcome::Failed,
            &reason,
        ))
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Finds the session for a cookie value, enforcing the idle and absolute limits.
    pub async fn session(&self, token: &str) -> Result<SessionInfo> {
        let now = self.now_ms();
        let expired = || DomainError::unauthenticated("session_expired", "会话已过期，请重新登录");
        let Some(s) = repo::by_digest(self.store.db(), &token_digest(token)).await? else {
            return Err(expired());
        };
        let policy = self.security_policy().await?;
        if now > s.expires_at || now - s.last_seen_at > policy.session_idle_minutes * 60_000 {
            repo::end(self.store.db(), &s.token_hash).await?;
            return Err(expired());
        }
        let Some(account) = accounts::by_id(self.store.db(), s.account_id).await? else {
            return Err(expired());
        };
        if account.disabled {
            return Err(expired());
        }
        if now - s.last_seen_at > TOUCH_EVERY_MS {
            // Bookkeeping, not a change of record: not audited.
            repo::touch(self.store.db(), &s.token_hash, now).await?;
        }
        Ok(SessionInfo {
            principal: self.principal(&account).await?,
            csrf_token: s.csrf_token,
        })
    }

    /// Ends a session on the server; the cookie is then worthless.
    pub async fn logout(&self, ctx: &Ctx, token: &str) -> Result<()> {
        let mut tx = self.store.begin_write().await?;
        repo::end(tx.conn(), &token_digest(token)).await?;
        tx.audit(ctx.entry(
            "auth.logout",
            "account",
            Some(ctx.principal.account_id.to_string()),
            serde_json::json!({}),
        ))
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// The owner changes their password (also how an expired or temporary password is replaced).
    /// All other sessions of the account end.
    pub async fn change_password(
        &self,
        ctx: &Ctx,
        current: &str,
        new: &str,
        keep_session: Option<&str>,
    ) -> Result<()> {
        let Some(a) = accounts::by_id(self.store.db(), ctx.principal.account_id).await? else {
            return Err(DomainError::not_found("账号"));
        };
        // The current password and the new one's strength are both reported; the new one is
        // compared with the current and the history only once both pass.
        let mut p = crate::Problems::new();
        if !self.hasher.verify(current, &a.password_hash) {
            p.push(DomainError::field(
                "current_password",
                "current_password_wrong",
                "当前密码不正确",
            ));
        }
        p.take(check_password_strength(new, &a.username));
        p.finish()?;
        if current == new {
            return Err(DomainError::field(
                "password",
                "password_unchanged",
                "新密码不能与当前密码相同",
            ));
        }
        let history = repo::password_history(self.store.db(), a.id, PASSWORD_HISTORY).await?;
        if history.iter().any(|h| self.hasher.verify(new, h)) {
            return Err(DomainError::field(
                "password",
                "password_reused",
                format!("新密码不能与最近 {PASSWORD_HISTORY} 次使用过的密码相同"),
            ));
        }
        let hash = self.hasher.hash(new)?;
        let now = self.now_ms();
        let mut tx = self.store.begin_write().await?;
        self.retire_password(&tx, &a, now).await?;
        repo::set_password(tx.conn(), a.id, &hash, now).await?;
        let keep = keep_session.map(token_digest);
        repo::end_others(tx.conn(), a.id, keep.as_deref()).await?;
        tx.audit(ctx.entry(
            "account.password_change",
            "account",
            Some(a.id.to_string()),
            serde_json::json!({}),
        ))
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Keeps the password an account is about to leave behind in its history, unless it was a
    /// temporary one set by someone else (the owner never chose it), and drops the rows beyond
    /// the [`PASSWORD_HISTORY`] newest. Call inside the transaction that replaces the hash.
    pub(crate) async fn retire_password(
        &self,
        tx: &jianfu_store::WriteTx,
        a: &account::Model,
        now: i64,
    ) -> Result<()> {
        // A temporary password set by someone else is not kept: the owner never chose it.
        let chosen = (!a.must_change_password).then_some(a.password_hash.as_str());
        repo::retire_password(tx.conn(), a.id, chosen, PASSWORD_HISTORY, now).await?;
        Ok(())
    }

    /// Creates an API token for the caller. The token is returned once and stored only as a
    /// digest.
    pub async fn create_api_token(
        &self,
        ctx: &Ctx,
        name: &str,
        days: Option<i64>,
    ) -> Result<(ApiTokenView, String)> {
        self.visible_or_deny(ctx, Action::ManageApiTokens, TOKENS_REFUSED)
            .await?;
        let name = name.trim();
        if name.is_empty() || name.chars().count() > 100 {
            return Err(DomainError::field(
                "name",
                "token_name_invalid",
                "令牌名称应为 1–100 个字",
            ));
        }
        if let Some(d) = days
            && !(1..=366).contains(&d)
        {
            return Err(DomainError::field(
                "days",
                "token_days_invalid",
                "有效期应在 1–366 天之间",
            ));
        }
        let token = random_token("jf_");
        let now = self.now_ms();
        let mut tx = self.store.begin_write().await?;
        let prefix: String = token.chars().take(10).collect();
        let row = repo::insert_token(
            tx.conn(),
            repo::NewToken {
                account_id: ctx.principal.account_id,
                name,
                digest: &token_digest(&token),
                prefix: &prefix,
                now,
                expires_at: days.map(|d| now + d * 86_400_000),
            },
        )
        .await?;
        tx.audit(ctx.entry(
            "api_token.create",
            "api_token",
            Some(row.id.to_string()),
            serde_json::json!({ "name": name, "prefix": row.prefix }),
        ))
        .await?;
        tx.commit().await?;
        Ok((ApiTokenView::from(row), token))
    }

    /// The caller's own API tokens, newest first (never their digests).
    pub async fn list_api_tokens(&self, ctx: &Ctx) -> Result<Vec<ApiTokenView>> {
        self.visible_or_deny(ctx, Action::ManageApiTokens, TOKENS_REFUSED)
            .await?;
        Ok(repo::tokens_of(self.store.db(), ctx.principal.account_id)
            .await?
            .into_iter()
            .map(ApiTokenView::from)
            .collect())
    }

    pub async fn revoke_api_token(&self, ctx: &Ctx, id: i64) -> Result<()> {
        self.visible_or_deny(ctx, Action::ManageApiTokens, TOKENS_REFUSED)
            .await?;
        let Some(t) = repo::token(self.store.db(), id).await? else {
            return Err(DomainError::not_found("令牌"));
        };
        if t.account_id != ctx.principal.account_id {
            // Someone else's token: as far as this user is concerned it does not exist.
            return Err(DomainError::not_found("令牌"));
        }
        if t.revoked_at.is_some() {
            return Err(DomainError::conflict(
                "token_already_revoked",
                "该令牌已被吊销",
            ));
        }
        let mut tx = self.store.begin_write().await?;
        repo::revoke_token(tx.conn(), id, self.now_ms()).await?;
        tx.audit(ctx.entry(
            "api_token.revoke",
            "api_token",
            Some(id.to_string()),
            serde_json::json!({ "name": t.name, "prefix": t.prefix }),
        ))
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// The principal behind an API bearer token.
    pub async fn principal_for_token(&self, token: &str) -> Result<Principal> {
        let invalid =
            || DomainError::unauthenticated("token_invalid", "API 令牌无效、已过期或已吊销");
        let now = self.now_ms();
        let Some(t) = repo::token_by_digest(self.store.db(), &token_digest(token)).await? else {
            return Err(invalid());
        };
        if t.revoked_at.is_some() || t.expires_at.is_some_and(|e| e < now) {
            return Err(invalid());
        }
        let Some(account) = accounts::by_id(self.store.db(), t.account_id).await? else {
            return Err(invalid());
        };
        if account.disabled {
            return Err(invalid());
        }
        if t.last_used_at.is_none_or(|u| now - u > TOUCH_EVERY_MS) {
            repo::touch_token(self.store.db(), t.id, now).await?;
        }
        self.principal(&account).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn password_strength_table() {
        let cases = [
            ("Abc123!", "x", Some("password_too_short")),
            ("abcdefgh", "x", Some("password_too_weak")),
            ("abcdefg1", "x", Some("password_too_weak")),
            ("abcdefG1", "x", None),
            ("abcdef1!", "x", None),
            ("Zhang3!san", "zhang3", Some("password_contains_username")),
            ("密码密码密码Aa1", "x", None),
        ];
        for (pw, user, want) in cases {
            assert_eq!(
                check_password_strength(pw, user).err().map(|e| e.code),
                want,
                "{pw}"
            );
        }
        let long = format!("Aa1!{}", "x".repeat(200));
        assert_eq!(
            check_password_strength(&long, "u").unwrap_err().code,
            "password_too_long"
        );
    }

    #[test]
    fn hashes_are_argon2id_and_verify() {
        let h = PasswordHasher::fast_for_tests();
        let phc = h.hash("Secret#2026").unwrap();
        assert!(phc.starts_with("$argon2id$"));
        assert!(h.verify("Secret#2026", &phc));
        assert!(!h.verify("Secret#2027", &phc));
        assert!(!h.verify_dummy("jianfu-dummy-password"));
    }

    #[test]
    fn policy_bounds() {
        assert!(SecurityPolicy::default().validate().is_ok());
        let p = SecurityPolicy {
            lockout_threshold: 0,
            ..Default::default()
        };
        assert_eq!(p.validate().unwrap_err().field, Some("lockout_threshold"));
    }

    #[test]
    fn tokens_are_random_and_digested() {
        let a = random_token("jf_");
        let b = random_token("jf_");
        assert_ne!(a, b);
        assert!(a.starts_with("jf_") && a.len() > 40);
        assert_eq!(token_digest(&a).len(), 64);
    }
}
