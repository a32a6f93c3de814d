//! jianfu's domain: validated value types, roles and authorization, and the use cases the web
//! server and the CLI call. It reaches the database only through the store crate.

pub mod accountability;
pub mod accounts;
pub mod admission;
pub mod annual_report;
pub mod audit_log;
pub mod auth;
pub mod authz;
pub mod bootstrap;
pub mod bulletin;
pub mod case_grouping;
pub mod certificate;
pub mod clock;
pub mod comprehensive;
pub mod credential_reset;
pub mod data_dictionary;
pub mod data_sharing;
pub mod demand;
pub mod demand_kinds;
pub mod department_rating;
pub mod detection;
pub mod division;
pub mod error;
pub mod escalation;
pub mod evaluation;
pub(crate) mod form;
pub mod form_draft;
pub mod form_return;
pub mod form_return_xlsx;
pub mod id_number;
pub mod import;
pub mod inbox;
pub mod monitoring;
pub mod overview;
pub mod page;
pub mod person_record;
pub mod personal_data;
pub mod plaque;
pub mod public_report;
pub mod rate_limit;
pub mod rectification;
pub mod report_form;
pub mod second_factor;
pub mod supervision;
pub mod text;
pub mod timeline;
pub mod tree;
pub(crate) mod upload;

use jianfu_store::{AuditOutcome, NewAuditEntry, Store};

pub use authz::{Action, Principal, Role};
pub use clock::Clock;
pub use error::{DomainError, ErrorKind, Problems, Result};
/// A database pool's figures (for `/metrics`).
pub use jianfu_store::PoolFigures;

/// Who is acting, and from where: what every use case needs for authorization and audit.
#[derive(Clone, Debug)]
pub struct Ctx {
    pub principal: Principal,
    pub ip: Option<String>,
}

impl Ctx {
    pub fn new(principal: Principal, ip: Option<String>) -> Self {
        Self { principal, ip }
    }

    /// An audit entry by this actor.
    pub fn entry(
        &self,
        action: &str,
        target_type: &str,
        target_id: Option<String>,
        summary: serde_json::Value,
    ) -> NewAuditEntry {
        NewAuditEntry {
            actor_id: Some(self.principal.account_id),
            actor_name: self.principal.username.clone(),
            action: action.to_owned(),
            outcome: AuditOutcome::Ok,
            target_type: target_type.to_owned(),
            target_id,
            summary,
            ip: self.ip.clone(),
        }
    }
}

/// The application: the store, the clock and the settings every use case shares.
#[derive(Clone, Debug)]
pub struct App {
    pub store: Store,
    pub clock: Clock,
    pub hasher: auth::PasswordHasher,
    /// Login attempts are serialized per source address (sharded, so memory stays bounded).
    login_locks: std::sync::Arc<Vec<tokio::sync::Mutex<()>>>,
    /// The address the public reaches this deployment at: certificates' QR codes point here.
    public_url: std::sync::Arc<str>,
    /// Certificate documents whose signatures were checked, by certificate id, with the exact
    /// stored text they were checked on: public verification redoes neither the two SM2
    /// verifications nor the JSON parse while the row is unchanged.
    pub(crate) verified_documents: Memo<i64, std::sync::Arc<certificate::VerifiedDocument>>,
    /// Seals opened for issuing, by seal row id, with the exact record, key blob and authority
    /// key they were opened from: issuing does not redo the record's SM2 verification and the
    /// key's decryption while those are unchanged.
    pub(crate) open_seals: Memo<i64, std::sync::Arc<certificate::OpenSeal>>,
    /// The PKI's revoked certificates by how many there are (see
    /// [`App::revocations_counted`]).
    pub(crate) revocations: Memo<i64, std::sync::Arc<Vec<jianfu_seal::pki::Revocation>>>,
    /// Certificate serial numbers handed out ahead of their write transactions.
    pub(crate) serials: certificate::Serials,
}

/// A bounded map shared by every clone of the [`App`]: a memo of work done, never a source of
/// truth (it is emptied when full, each process has its own, and every user checks that an
/// entry still matches what the database holds).
#[derive(Debug)]
pub(crate) struct Memo<K, V> {
    inner: std::sync::Arc<std::sync::Mutex<std::collections::HashMap<K, V>>>,
    max: usize,
}

impl<K, V> Clone for Memo<K, V> {
    fn clone(&self) -> Self {
        Self {
            inner: self.inner.clone(),
            max: self.max,
        }
    }
}

impl<K: std::hash::Hash + Eq, V: Clone> Memo<K, V> {
    pub(crate) fn new(max: usize) -> Self {
        Self {
            inner: Default::default(),
            max: max.max(1),
        }
    }

    pub(crate) fn get(&self, key: &K) -> Option<V> {
        self.inner.lock().ok().and_then(|m| m.get(key).cloned())
    }

    pub(crate) fn insert(&self, key: K, value: V) {
        if let Ok(mut m) = self.inner.lock() {
            if m.len() >= self.max && !m.contains_key(&key) {
                m.clear();
            }
            m.insert(key, value);
        }
    }
}

const LOGIN_LOCK_SHARDS: usize = 64;
/// Where a deployment is reached when nothing else is configured (the `serve` default).
pub const DEFAULT_PUBLIC_URL: &str = "http://127.0.0.1:8080";

impl App {
    pub fn new(store: Store, clock: Clock, hasher: auth::PasswordHasher) -> Self {
        Self {
            store,
            clock,
            hasher,
            login_locks: std::sync::Arc::new(
                (0..LOGIN_LOCK_SHARDS)
                    .map(|_| tokio::sync::Mutex::new(()))
                    .collect(),
            ),
            public_url: std::sync::Arc::from(DEFAULT_PUBLIC_URL),
            // A stored document is a few KB: at most ≈ 40 MB of checked documents.
            verified_documents: Memo::new(4096),
            open_seals: Memo::new(1024),
            revocations: Memo::new(4),
            serials: certificate::Serials::default(),
        }
    }

    /// Sets the public address (e.g. `https://jianfu.anshan.gov.cn`) printed in certificates.
    pub fn with_public_url(mut self, url: &str) -> Self {
        self.public_url = std::sync::Arc::from(url.trim_end_matches('/'));
        self
    }

    /// The public address certificates link to.
    pub fn public_base_url(&self) -> String {
        self.public_url.to_string()
    }

    /// The database connection pools' figures now (size, idle, in use, waits refused), for
    /// `/metrics`.
    pub fn database_pools(&self) -> Vec<jianfu_store::PoolFigures> {
        self.store.pool_figures()
    }

    fn login_lock(&self, ip: &str) -> &tokio::sync::Mutex<()> {
        use std::hash::{Hash, Hasher};
        let mut h = std::collections::hash_map::DefaultHasher::new();
        ip.hash(&mut h);
        &self.login_locks[(h.finish() as usize) % LOGIN_LOCK_SHARDS]
    }

    pub fn now_ms(&self) -> i64 {
        self.clock.now_ms()
    }

    /// Today's date in Beijing, by this application's clock.
    pub fn today(&self) -> chrono::NaiveDate {
        clock::cst_date(self.now_ms()).unwrap_or_default()
    }

    /// Asks [`authz::authorize`] and, when it says no, records the denial in the audit log
    /// before returning the error.
    pub async fn check(&self, ctx: &Ctx, action: Action, target: &authz::Target<'_>) -> Result<()> {
        match authz::authorize(&ctx.principal, action, target) {
            Ok(()) => Ok(()),
            Err(e) => {
                self.record_denial(ctx, action, Some(target.node_id)).await;
                Err(e)
            }
        }
    }

    /// Where the caller may take `action` ([`authz::visible`]), for a list. When that is
    /// nowhere, records the denial in the audit log and refuses with `refusal` (or with what the
    /// account must do first, when it is blocked).
    pub async fn visible_or_deny(
        &self,
        ctx: &Ctx,
        action: Action,
        refusal: &str,
    ) -> Result<authz::Scope> {
        let scope = authz::visible(&ctx.principal, action);
        if scope.is_empty() {
            self.record_denial(ctx, action, None).await;
            return Err(ctx
                .principal
                .blocked()
                .unwrap_or_else(|| DomainError::forbidden(refusal)));
        }
        Ok(scope)
    }

    /// Records that `ctx` was refused `action`. Failure to record is logged, not raised: the
    /// user gets the refusal either way.
    pub async fn record_denial(&self, ctx: &Ctx, action: Action, node_id: Option<i64>) {
        let mut e = ctx.entry(
            "permission.denied",
            "node",
            node_id.map(|i| i.to_string()),
            serde_json::json!({ "action": action, "action_zh": action.label_zh() }),
        );
        e.outcome = AuditOutcome::Denied;
        if let Err(err) = self.store.audit_only(e).await {
            tracing::error!(error = %err, "could not record a permission denial");
        }
    }
}
