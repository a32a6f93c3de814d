//! A second login factor (issue 15 item 4): 等保2.0 level 3 asks administrators to authenticate
//! with two kinds of credential, so accounts whose roles need it log in with their password and a
//! time-based one-time code (TOTP, RFC 6238: HMAC-SHA1, 6 digits, 30-second steps, one step of
//! clock skew either way) from an authenticator app, or one of ten single-use recovery codes.
//!
//! - **Which roles.** A per-role setting the security administrator edits
//!   ([`SecondFactorPolicy`]). By default the three administrator roles and the roles that
//!   approve (区委/区政府审批, 市委/市政府审批 — they admit demands, 4.2-4 — and 区编办, which approves
//!   temporary plaques, 4.1-5); the administrator roles cannot be taken off. Other accounts may
//!   enrol of their own accord. An account whose role requires it and that has not enrolled may,
//!   after its password, do nothing but enrol (pages and API alike, code
//!   `second_factor_required`).
//! - **The secret.** 20 random bytes, shown once as a QR code and as base32 text while enrolling,
//!   stored SM4-GCM-encrypted under a key derived from the deployment's audit key
//!   (`totp-kek-v1`) with associated data naming the account, so the column holds no base32
//!   secret and a value moved to another account does not decrypt.
//! - **No replay.** The time step of the last accepted code is kept per account; a code of that
//!   step or an earlier one is refused, and the update is conditional, so two logins racing with
//!   one code cannot both pass.
//! - **Guessing.** A wrong code counts like a wrong password: towards the account's lockout and
//!   the per-address limit (the same [`crate::auth::SecurityPolicy`]). The password step does not
//!   clear the account's failure count when a code is still to come, so re-entering a known
//!   password does not buy fresh guesses. Reaching the code form does tell whoever typed the
//!   password that it was right; that is inherent to a two-step form and the code is what stands
//!   between them and the account.
//! - **Recovery codes.** Ten codes shown once at enrolment, kept as argon2id hashes, each good
//!   for one login; the owner makes a new set with a current code.
//! - **Resets.** An administrator's second factor is reset only under dual control
//!   ([`crate::credential_reset`], kind `second_factor`); any other account's by the security
//!   administrator ([`Action::ResetSecondFactor`]). Either ends the account's sessions; the owner
//!   enrols again at next login. Every enrolment, disabling, reset, policy change, recovery-code
//!   use and wrong code is audited.

use jianfu_store::entity::account;
use jianfu_store::repo::second_factors as repo;
use jianfu_store::repo::{accounts, credential_resets, sessions};
use jianfu_store::{AuditOutcome, WriteTx};
use serde::{Deserialize, Serialize};
use totp_rs::{Algorithm, Builder, Totp};
use zeroize::Zeroizing;

use crate::authz::{Action, Role};
use crate::error::{DomainError, ErrorKind, Result};
use crate::{App, Ctx};

/// Digits of a code.
pub const DIGITS: u8 = 6;
/// Seconds per time step.
pub const STEP_SECONDS: u64 = 30;
/// Steps accepted either side of the current one (RFC 6238 5.2 recommends one).
pub const SKEW: u16 = 1;
/// Recovery codes made at enrolment.
pub const RECOVERY_CODES: usize = 10;
/// How long the code form of a login stays open after the password.
pub const CHALLENGE_VALID_MS: i64 = 5 * 60_000;
/// Shown as the issuer in the authenticator app.
pub const ISSUER: &str = "jianfu";
/// Prefix of a stored secret, with the format version.
const SECRET_PREFIX: &str = "tk1:";
/// Letters and digits of recovery codes: no 0/o, 1/l/i, so that a code copied by hand reads back.
const RECOVERY_ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyz23456789";
const RECOVERY_LEN: usize = 10;

/// The answer to a wrong code at login (whether TOTP or recovery code).
pub const WRONG_CODE: &str = "动态口令或恢复码错误；连续失败多次的账号会被暂时锁定，请稍后再试";

/// Which roles must log in with a second factor.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SecondFactorPolicy {
    pub required_roles: Vec<Role>,
    /// Set only by `init --demo`: the demo data switches the requirement off so that its
    /// accounts log in with the shared demo password; pages say so. Saving the policy clears it.
    #[serde(default)]
    pub demo_off: bool,
}

impl Default for SecondFactorPolicy {
    fn default() -> Self {
        Self {
            required_roles: Self::DEFAULT_ROLES.to_vec(),
            demo_off: false,
        }
    }
}

impl SecondFactorPolicy {
    pub const KEY: &'static str = "second_factor_policy";
    /// The administrators (等保 level 3) and the approving roles: the authorities that admit
    /// demands (4.2-4) and the staffing office that approves temporary plaques (4.1-5).
    pub const DEFAULT_ROLES: [Role; 6] = [
        Role::SystemAdmin,
        Role::SecurityAdmin,
        Role::AuditAdmin,
        Role::DistrictApprover,
        Role::CityApprover,
        Role::StaffingOffice,
    ];

    /// The demo data's policy: nothing required (see [`Self::demo_off`]).
    pub fn demo() -> Self {
        Self {
            required_roles: Vec::new(),
            demo_off: true,
        }
    }

    pub fn requires(&self, role: Role) -> bool {
        !self.demo_off && self.required_roles.contains(&role)
    }

    /// The administrator roles cannot be taken off: 等保 level 3 asks two factors of them.
    pub fn validate(&self) -> Result<()> {
        if let Some(r) = Role::ALL
            .into_iter()
            .find(|r| r.is_admin() && !self.required_roles.contains(r))
        {
            return Err(DomainError::field(
                "required_roles",
                "second_factor_admin_required",
                format!(
                    "{}必须使用动态口令（等保三级要求管理员采用两种鉴别方式），不能取消",
                    r.label_zh()
                ),
            ));
        }
        Ok(())
    }
}

// The owner's view of their second factor (the API's `StatusOut` as it is).
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
#[schema(as = StatusOut)]
pub struct SecondFactorStatus {
    /// A confirmed factor is asked for at every login.
    pub enrolled: bool,
    /// An enrolment was started and waits for its first code.
    pub pending: bool,
    /// A role of the account requires it (then it cannot be disabled).
    pub required: bool,
    /// Unix ms of the confirmation.
    pub confirmed_at: Option<i64>,
    pub recovery_codes_left: u64,
}

/// What the owner needs to set up the authenticator app (shown while enrolling only).
#[derive(Clone, Debug, Serialize)]
pub struct Enrolment {
    /// The secret in base32, for typing in by hand.
    pub secret: String,
    /// `otpauth://totp/...`: what the QR code holds.
    pub otpauth_uri: String,
    /// The QR code of the URI as an inline SVG image.
    pub qr_svg: String,
}

/// How a login's second step was passed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Passed {
    /// A TOTP code of this time step.
    Code(i64),
    /// This recovery code (row id).
    RecoveryCode(i64),
}

/// The TOTP of a secret with this product's parameters.
pub fn totp(secret: &[u8], account_name: &str) -> Result<Totp> {
    Builder::new()
        .with_algorithm(Algorithm::SHA1)
        .with_digits(DIGITS)
        .with_skew(SKEW)
        .with_step_duration(STEP_SECONDS)
        .with_secret(secret.to_vec())
        .with_issuer(Some(ISSUER))
        // A colon would end the label early; usernames hold none, but be sure.
        .with_account_name(account_name.replace(':', "_"))
        .build()
        .map_err(|e| {
            tracing::error!(error = ?e, "TOTP parameters refused");
            DomainError::internal()
        })
}

/// The time step a typed code matches at `unix_seconds` (within the skew), if it is later than
/// the last one accepted: `None` for a wrong code and for a replayed one.
pub fn accept_code(
    totp: &Totp,
    typed: &str,
    unix_seconds: u64,
    last_step: Option<i64>,
) -> Option<i64> {
    let typed: String = typed.chars().filter(|c| !c.is_whitespace()).collect();
    let step = i64::try_from(totp.check(&typed, unix_seconds)?).ok()?;
    match last_step {
        Some(last) if step <= last => None,
        _ => Some(step),
    }
}

fn secret_aad(account_id: i64) -> Vec<u8> {
    format!("jianfu-totp/1|second_factor|secret|{account_id}").into_bytes()
}

/// Encrypts a secret for an account's row (`tk1:` + base64 of nonce ‖ ciphertext ‖ tag).
pub fn seal_secret(kek: &[u8; 16], account_id: i64, secret: &[u8]) -> String {
    use base64::Engine as _;
    let blob = jianfu_store::personal::seal_bytes(kek, &secret_aad(account_id), secret);
    format!(
        "{SECRET_PREFIX}{}",
        base64::engine::general_purpose::STANDARD_NO_PAD.encode(blob)
    )
}

/// Decrypts a secret stored by [`seal_secret`] for the same account.
pub fn open_secret(kek: &[u8; 16], account_id: i64, stored: &str) -> Result<Zeroizing<Vec<u8>>> {
    use base64::Engine as _;
    let unreadable = || {
        DomainError::new(
            ErrorKind::Internal,
            "second_factor_unreadable",
            "动态口令密钥无法解密（密钥或数据已改动），请联系安全管理员重置动态口令",
        )
    };
    let body = stored.strip_prefix(SECRET_PREFIX).ok_or_else(unreadable)?;
    let blob = base64::engine::general_purpose::STANDARD_NO_PAD
        .decode(body)
        .map_err(|_| unreadable())?;
    jianfu_store::personal::open_bytes(kek, &secret_aad(account_id), &blob)
        .map(Zeroizing::new)
        .map_err(|_| unreadable())
}

/// Ten fresh recovery codes, `xxxxx-xxxxx`.
pub fn new_recovery_codes() -> Vec<String> {
    (0..RECOVERY_CODES)
        .map(|_| {
            let raw: String = (0..RECOVERY_LEN)
                .map(|_| {
                    let i = rand::random_range(0..RECOVERY_ALPHABET.len());
                    char::from(RECOVERY_ALPHABET[i])
                })
                .collect();
            format!("{}-{}", &raw[..5], &raw[5..])
        })
        .collect()
}

/// A typed recovery code in its stored form (lower case, no dashes or spaces), or `None` when
/// it cannot be one.
pub fn normalize_recovery_code(typed: &str) -> Option<String> {
    let s: String = typed
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .flat_map(char::to_lowercase)
        .collect();
    (s.len() == RECOVERY_LEN && s.bytes().all(|b| RECOVERY_ALPHABET.contains(&b))).then_some(s)
}

fn code_field_error() -> DomainError {
    DomainError::field(
        "code",
        "second_factor_code_invalid",
        "动态口令不正确或已使用过，请输入验证器中当前显示的 6 位数字",
    )
}

impl App {
    /// The key that encrypts TOTP secrets at rest, derived from the deployment secret.
    fn totp_kek(&self) -> [u8; 16] {
        let k = self.store.audit_key().derive("totp-kek-v1");
        let mut out = [0u8; 16];
        out.copy_from_slice(&k[..16]);
        out
    }

    fn unix_seconds(&self) -> u64 {
        u64::try_from(self.now_ms() / 1000).unwrap_or(0)
    }

    pub async fn second_factor_policy(&self) -> Result<SecondFactorPolicy> {
        let value = sessions::setting(self.store.db(), SecondFactorPolicy::KEY).await?;
        Ok(value
            .and_then(|v| serde_json::from_str(&v).ok())
            .unwrap_or_default())
    }

    /// The security administrator sets which roles must use a second factor.
    pub async fn set_second_factor_policy(&self, ctx: &Ctx, required: Vec<Role>) -> Result<()> {
        let root = self.root_node().await?;
        self.check(ctx, Action::EditSecurityPolicy, &root.target())
            .await?;
        let mut required_roles: Vec<Role> = Role::ALL
            .into_iter()
            .filter(|r| required.contains(r))
            .collect();
        required_roles.dedup();
        let policy = SecondFactorPolicy {
            required_roles,
            demo_off: false,
        };
        policy.validate()?;
        let before = self.second_factor_policy().await?;
        let value = serde_json::to_string(&policy).map_err(|_| DomainError::internal())?;
        let mut tx = self.store.begin_write().await?;
        self.put_second_factor_policy(&tx, value).await?;
        tx.audit(ctx.entry(
            "second_factor_policy.update",
            "setting",
            Some(SecondFactorPolicy::KEY.to_owned()),
            serde_json::json!({ "before": before, "after": policy }),
        ))
        .await?;
        tx.commit().await?;
        Ok(())
    }

    pub(crate) async fn put_second_factor_policy(&self, tx: &WriteTx, value: String) -> Result<()> {
        sessions::put_setting(tx.conn(), SecondFactorPolicy::KEY, &value, self.now_ms()).await?;
        Ok(())
    }

    /// Whether the account has a confirmed second factor.
    pub async fn second_factor_enrolled(&self, account_id: i64) -> Result<bool> {
        Ok(repo::of(self.store.db(), account_id)
            .await?
            .is_some_and(|f| f.confirmed_at.is_some()))
    }

    /// Whether any of these roles must use a second factor under the policy in force.
    pub(crate) async fn second_factor_required_for(&self, roles: &[Role]) -> Result<bool> {
        let policy = self.second_factor_policy().await?;
        Ok(roles.iter().any(|r| policy.requires(*r)))
    }

    pub async fn second_factor_status(&self, ctx: &Ctx) -> Result<SecondFactorStatus> {
        let id = ctx.principal.account_id;
        let row = repo::of(self.store.db(), id).await?;
        let roles: Vec<Role> = ctx.principal.grants.iter().map(|g| g.role).collect();
        let left = repo::codes_left(self.store.db(), id).await?;
        Ok(SecondFactorStatus {
            enrolled: row.as_ref().is_some_and(|f| f.confirmed_at.is_some()),
            pending: row.as_ref().is_some_and(|f| f.confirmed_at.is_none()),
            required: self.second_factor_required_for(&roles).await?,
            confirmed_at: row.and_then(|f| f.confirmed_at),
            recovery_codes_left: left,
        })
    }

    fn enrolment_of(&self, username: &str, secret: &[u8]) -> Result<Enrolment> {
        let t = totp(secret, username)?;
        let uri = t.to_url().map_err(|e| {
            tracing::error!(error = ?e, "otpauth URI failed");
            DomainError::internal()
        })?;
        let qr_svg = jianfu_seal::qr_svg(&uri, 220).map_err(|_| DomainError::internal())?;
        Ok(Enrolment {
            secret: t.secret().to_base32(),
            otpauth_uri: uri,
            qr_svg,
        })
    }

    /// The enrolment the owner started and has not confirmed yet, to show again.
    pub async fn pending_enrolment(&self, ctx: &Ctx) -> Result<Option<Enrolment>> {
        let id = ctx.principal.account_id;
        let Some(row) = repo::of(self.store.db(), id)
            .await?
            .filter(|f| f.confirmed_at.is_none())
        else {
            return Ok(None);
        };
        let secret = open_secret(&self.totp_kek(), id, &row.secret)?;
        self.enrolment_of(&ctx.principal.username, &secret)
            .map(Some)
    }

    /// Starts (or starts over) an enrolment: a new secret, stored encrypted, unconfirmed.
    pub async fn start_second_factor(&self, ctx: &Ctx) -> Result<Enrolment> {
        let id = ctx.principal.account_id;
        if self.second_factor_enrolled(id).await? {
            return Err(DomainError::conflict(
                "second_factor_already_enrolled",
                "您已绑定动态口令；如需更换，请先停用（角色要求时请联系安全管理员重置）",
            ));
        }
        let secret = Zeroizing::new(rand::random::<[u8; 20]>().to_vec());
        let enrolment = self.enrolment_of(&ctx.principal.username, &secret)?;
        let now = self.now_ms();
        let mut tx = self.store.begin_write().await?;
        repo::start(
            tx.conn(),
            id,
            seal_secret(&self.totp_kek(), id, &secret),
            now,
        )
        .await?;
        tx.audit(ctx.entry(
            "second_factor.enrol_start",
            "account",
            Some(id.to_string()),
            serde_json::json!({}),
        ))
        .await?;
        tx.commit().await?;
        Ok(enrolment)
    }

    /// Replaces the caller's recovery codes with a fresh set, audits it as `action` and commits
    /// the write; returns the codes (shown once).
    async fn commit_recovery_set(
        &self,
        mut tx: WriteTx,
        ctx: &Ctx,
        action: &str,
    ) -> Result<Vec<String>> {
        let account_id = ctx.principal.account_id;
        let codes = new_recovery_codes();
        let mut hashes = Vec::with_capacity(codes.len());
        for c in &codes {
            let plain = normalize_recovery_code(c).ok_or_else(DomainError::internal)?;
            hashes.push(self.hasher.hash(&plain)?);
        }
        repo::replace_recovery_codes(tx.conn(), account_id, hashes, self.now_ms()).await?;
        tx.audit(ctx.entry(
            action,
            "account",
            Some(account_id.to_string()),
            serde_json::json!({ "recovery_codes": codes.len() }),
        ))
        .await?;
        tx.commit().await?;
        Ok(codes)
    }

    /// Records the acceptance of a TOTP step, only if it is later than the last one: false when
    /// another login used it first.
    async fn take_step(&self, tx: &WriteTx, account_id: i64, step: i64) -> Result<bool> {
        Ok(repo::take_step(tx.conn(), account_id, step, self.now_ms()).await?)
    }

    /// The owner types the first code: the factor is confirmed and the recovery codes are made
    /// (returned once).
    pub async fn confirm_second_factor(&self, ctx: &Ctx, code: &str) -> Result<Vec<String>> {
        let id = ctx.principal.account_id;
        let tx = self
            .owner_code(ctx, code, false, "second_factor.enrol")
            .await?;
        repo::confirm(tx.conn(), id, self.now_ms()).await?;
        self.commit_recovery_set(tx, ctx, "second_factor.enrol")
            .await
    }

    /// Checks a current TOTP code of the caller's factor — the confirmed one, or with
    /// `confirmed` false the enrolment waiting for its first code — and records its step in a
    /// write it returns for the change to go on in. A wrong or replayed code is audited as a
    /// failure of `what`.
    async fn owner_code(
        &self,
        ctx: &Ctx,
        code: &str,
        confirmed: bool,
        what: &str,
    ) -> Result<WriteTx> {
        let id = ctx.principal.account_id;
        let Some(row) = repo::of(self.store.db(), id)
            .await?
            .filter(|f| f.confirmed_at.is_some() == confirmed)
        else {
            return Err(if confirmed {
                DomainError::conflict("second_factor_not_enrolled", "您尚未绑定动态口令")
            } else {
                DomainError::conflict(
                    "second_factor_not_started",
                    "没有待确认的动态口令绑定，请先开始绑定",
                )
            });
        };
        let secret = open_secret(&self.totp_kek(), id, &row.secret)?;
        let t = totp(&secret, &ctx.principal.username)?;
        let step = accept_code(&t, code, self.unix_seconds(), row.last_step);
        let tx = match step {
            Some(step) => {
                let tx = self.store.begin_write().await?;
                if self.take_step(&tx, id, step).await? {
                    Some(tx)
                } else {
                    None
                }
            }
            None => None,
        };
        match tx {
            Some(tx) => Ok(tx),
            None => {
                let mut entry = ctx.entry(
                    what,
                    "account",
                    Some(id.to_string()),
                    serde_json::json!({ "result": "bad_code" }),
                );
                entry.outcome = AuditOutcome::Failed;
                self.store.audit_only(entry).await?;
                Err(code_field_error())
            }
        }
    }

    /// The owner makes a new set of recovery codes (the old ones stop working), with a current
    /// code.
    pub async fn regenerate_recovery_codes(&self, ctx: &Ctx, code: &str) -> Result<Vec<String>> {
        let tx = self
            .owner_code(ctx, code, true, "second_factor.recovery_codes")
            .await?;
        self.commit_recovery_set(tx, ctx, "second_factor.recovery_codes")
            .await
    }

    /// The owner switches the second factor off, with a current code, when no role of theirs
    /// requires it.
    pub async fn disable_second_factor(&self, ctx: &Ctx, code: &str) -> Result<()> {
        let roles: Vec<Role> = ctx.principal.grants.iter().map(|g| g.role).collect();
        if self.second_factor_required_for(&roles).await? {
            return Err(DomainError::conflict(
                "second_factor_required_by_role",
                "您的角色要求使用动态口令，不能停用；更换手机请联系安全管理员重置",
            ));
        }
        let id = ctx.principal.account_id;
        let mut tx = self
            .owner_code(ctx, code, true, "second_factor.disable")
            .await?;
        self.remove_second_factor(&tx, id).await?;
        tx.audit(ctx.entry(
            "second_factor.disable",
            "account",
            Some(id.to_string()),
            serde_json::json!({}),
        ))
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Removes an account's second factor, its recovery codes, its open logins and sessions
    /// (inside the caller's transaction).
    pub(crate) async fn remove_second_factor(&self, tx: &WriteTx, account_id: i64) -> Result<()> {
        Ok(repo::remove(tx.conn(), account_id).await?)
    }

    /// The security administrator resets the second factor of an account that holds no
    /// administrator role (an administrator's goes through dual control at `/admin/resets`).
    pub async fn reset_second_factor(&self, ctx: &Ctx, account_id: i64) -> Result<()> {
        let a = accounts::by_id(self.store.db(), account_id)
            .await?
            .ok_or_else(|| DomainError::not_found("账号"))?;
        let home = self.find_node(a.home_node_id).await?;
        self.check(ctx, Action::ResetSecondFactor, &home.target())
            .await?;
        if self.is_admin_account(a.id).await? {
            return Err(DomainError::new(
                ErrorKind::Forbidden,
                "second_factor_reset_dual_control",
                "管理员账号的动态口令须经双人控制重置：由另外两类管理员中的一位在“凭据重置”页申请、第三位批准",
            ));
        }
        if a.id == ctx.principal.account_id {
            return Err(DomainError::conflict(
                "admin_reset_own_account",
                "不能重置自己的动态口令",
            ));
        }
        let enrolled = repo::of(self.store.db(), a.id).await?.is_some();
        if !enrolled {
            return Err(DomainError::conflict(
                "second_factor_not_enrolled",
                "该账号尚未绑定动态口令，无需重置",
            ));
        }
        let now = self.now_ms();
        let mut tx = self.store.begin_write().await?;
        self.remove_second_factor(&tx, a.id).await?;
        credential_resets::insert(
            tx.conn(),
            &credential_resets::NewReset {
                account_id: a.id,
                kind: crate::credential_reset::ResetKind::SecondFactor.as_str(),
                target_role: None,
                state: crate::credential_reset::ResetState::Direct.as_str(),
                requested_by: Some(ctx.principal.account_id),
                requested_by_name: &ctx.principal.username,
                requested_role: ctx.principal.admin_role().map(|r| r.as_str()),
                requested_at: now,
                decided_at: Some(now),
            },
        )
        .await?;
        tx.audit(ctx.entry(
            "second_factor.reset",
            "account",
            Some(a.id.to_string()),
            serde_json::json!({ "username": a.username }),
        ))
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Checks a login's second step: a TOTP code (6 digits) or a recovery code. Nothing is
    /// recorded here; [`App::take_passed`] does that inside the login's write.
    pub(crate) async fn check_second_factor(
        &self,
        a: &account::Model,
        typed: &str,
    ) -> Result<Option<Passed>> {
        let Some(row) = repo::of(self.store.db(), a.id)
            .await?
            .filter(|f| f.confirmed_at.is_some())
        else {
            return Ok(None);
        };
        let compact: String = typed.chars().filter(|c| !c.is_whitespace()).collect();
        if compact.len() == usize::from(DIGITS) && compact.bytes().all(|b| b.is_ascii_digit()) {
            let secret = open_secret(&self.totp_kek(), a.id, &row.secret)?;
            let t = totp(&secret, &a.username)?;
            return Ok(
                accept_code(&t, &compact, self.unix_seconds(), row.last_step).map(Passed::Code),
            );
        }
        let Some(plain) = normalize_recovery_code(typed) else {
            return Ok(None);
        };
        let unused = repo::unused_codes(self.store.db(), a.id).await?;
        Ok(unused
            .into_iter()
            .find(|c| self.hasher.verify(&plain, &c.code_hash))
            .map(|c| Passed::RecoveryCode(c.id)))
    }

    /// Records what passed a login's second step, only if no other login took it first; the
    /// recovery codes left when one was used.
    pub(crate) async fn take_passed(
        &self,
        tx: &WriteTx,
        account_id: i64,
        passed: Passed,
    ) -> Result<Option<Option<u64>>> {
        match passed {
            Passed::Code(step) => Ok(self.take_step(tx, account_id, step).await?.then_some(None)),
            Passed::RecoveryCode(id) => {
                if !repo::use_code(tx.conn(), id, self.now_ms()).await? {
                    return Ok(None);
                }
                let left = repo::codes_left(tx.conn(), account_id).await?;
                Ok(Some(Some(left)))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 6238 Appendix B, SHA-1 (the 8-digit values' last 6 digits): the crate computes them.
    #[test]
    fn rfc_6238_test_vectors() {
        let t = totp(b"12345678901234567890", "u").unwrap();
        for (time, code) in [
            (59, "287082"),
            (1_111_111_109, "081804"),
            (1_111_111_111, "050471"),
            (1_234_567_890, "005924"),
            (2_000_000_000, "279037"),
            (20_000_000_000, "353130"),
        ] {
            assert_eq!(t.generate(time).to_string(), code, "T = {time}");
            assert_eq!(
                accept_code(&t, code, time, None),
                Some(i64::try_from(time / 30).unwrap())
            );
        }
    }

    #[test]
    fn skew_window_is_one_step_either_way() {
        let t = totp(b"12345678901234567890", "u").unwrap();
        let now = 1_111_111_109;
        let step = now / 30;
        for (offset, ok) in [(-2i64, false), (-1, true), (0, true), (1, true), (2, false)] {
            let at = u64::try_from(i64::try_from(now).unwrap() + offset * 30).unwrap();
            let code = t.generate(at).to_string();
            assert_eq!(
                accept_code(&t, &code, now, None).is_some(),
                ok,
                "offset {offset}"
            );
        }
        // Spaces typed in the middle are ignored; anything else is not a code.
        let code = t.generate(now).to_string();
        let spaced = format!("{} {}", &code[..3], &code[3..]);
        assert!(accept_code(&t, &spaced, now, None).is_some());
        assert_eq!(accept_code(&t, "+81804", now, None), None);
        assert_eq!(accept_code(&t, "0818045", now, None), None);
        assert_eq!(step, 37_037_036);
    }

    #[test]
    fn replay_is_refused() {
        let t = totp(b"12345678901234567890", "u").unwrap();
        let now = 1_111_111_109;
        let code = t.generate(now).to_string();
        let step = accept_code(&t, &code, now, None).unwrap();
        // The same code again, and the previous step's code, after this step was accepted.
        assert_eq!(accept_code(&t, &code, now, Some(step)), None);
        let previous = t.generate(now - 30).to_string();
        assert_eq!(accept_code(&t, &previous, now, Some(step)), None);
        // The next step's code is new.
        let next = t.generate(now + 30).to_string();
        assert_eq!(accept_code(&t, &next, now + 30, Some(step)), Some(step + 1));
    }

    #[test]
    fn secrets_are_encrypted_and_bound_to_the_account() {
        let kek = [7u8; 16];
        let secret = b"12345678901234567890";
        let base32 = totp(secret, "u").unwrap().secret().to_base32();
        let stored = seal_secret(&kek, 42, secret);
        assert!(stored.starts_with("tk1:"));
        assert!(!stored.contains(&base32), "no base32 secret in the column");
        assert_ne!(stored, seal_secret(&kek, 42, secret), "fresh nonce");
        assert_eq!(open_secret(&kek, 42, &stored).unwrap().as_slice(), secret);
        assert_eq!(
            open_secret(&kek, 43, &stored).unwrap_err().code,
            "second_factor_unreadable"
        );
        assert!(open_secret(&[8u8; 16], 42, &stored).is_err());
        assert!(open_secret(&kek, 42, &base32).is_err());
    }

    #[test]
    fn recovery_codes_are_ten_distinct_and_normalize() {
        let codes = new_recovery_codes();
        assert_eq!(codes.len(), RECOVERY_CODES);
        let mut set = codes.clone();
        set.sort();
        set.dedup();
        assert_eq!(set.len(), RECOVERY_CODES);
        for c in &codes {
            assert_eq!(c.len(), 11);
            assert_eq!(
                normalize_recovery_code(&c.to_uppercase()),
                Some(c.replace('-', ""))
            );
        }
        assert_eq!(normalize_recovery_code("123456"), None);
        assert_eq!(normalize_recovery_code("abcde-fghi0"), None);
        assert_eq!(
            normalize_recovery_code(" abcde fghjk "),
            Some("abcdefghjk".into())
        );
    }

    #[test]
    fn recovery_codes_verify_once_against_their_hash() {
        let h = crate::auth::PasswordHasher::fast_for_tests();
        let code = &new_recovery_codes()[0];
        let phc = h.hash(&normalize_recovery_code(code).unwrap()).unwrap();
        assert!(phc.starts_with("$argon2id$"));
        assert!(h.verify(
            &normalize_recovery_code(&code.to_uppercase()).unwrap(),
            &phc
        ));
        assert!(!h.verify("abcdefghjk", &phc));
    }

    #[test]
    fn policy_defaults_and_admins_cannot_be_dropped() {
        let p = SecondFactorPolicy::default();
        assert!(p.validate().is_ok());
        for r in Role::ALL {
            assert_eq!(
                p.requires(r),
                SecondFactorPolicy::DEFAULT_ROLES.contains(&r),
                "{r:?}"
            );
        }
        let without_auditor = SecondFactorPolicy {
            required_roles: vec![Role::SystemAdmin, Role::SecurityAdmin],
            demo_off: false,
        };
        assert_eq!(
            without_auditor.validate().unwrap_err().code,
            "second_factor_admin_required"
        );
        assert!(!SecondFactorPolicy::demo().requires(Role::SystemAdmin));
    }
}
