//! Electronic seals (电子印章): the city's seal authority, one seal per community with the
//! accounts allowed to use it, the seal-use ledger (用印登记), and the holiday calendars that
//! time limits are counted on.

use std::sync::Arc;

use jianfu_rules::calendar::{Calendar, HolidayCalendar};
use jianfu_seal::{SealKey, SealRecord, SignedSealRecord, sign_seal_record};
use jianfu_store::entity::seal;
use jianfu_store::orm::ConnectionTrait;
use jianfu_store::repo::{holidays, seals as repo, tree};
use serde::{Deserialize, Serialize};

use super::SealStatus;
use crate::authz::{Action, Role};
use crate::error::{DomainError, Result};
use crate::page::{Page, PageRequest};
use crate::{App, Ctx};

/// Name of the seal authority, printed in every seal record.
pub const AUTHORITY_NAME: &str = "鞍山市电子印章管理机构";
/// How long a seal record is valid from the day it is made.
const SEAL_VALID_YEARS: i32 = 3;

/// A seal opened for issuing: its verified record and its decrypted key, with the stored text
/// they came from (see [`App::active_seal`]). The key stays inside the domain; it zeroizes
/// when the last issue using it is done and the memo has let it go.
pub(crate) struct OpenSeal {
    record_json: String,
    key_blob: String,
    authority_hex: String,
    es_seal_der: Option<Vec<u8>>,
    pub(crate) record: SignedSealRecord,
    pub(crate) key: SealKey,
    /// The GB/T 38540 seal, for seals made since the PKI exists.
    pub(crate) es_seal: Option<jianfu_seal::ses::EsSeal>,
}

impl std::fmt::Debug for OpenSeal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OpenSeal")
            .field("seal_id", &self.record.record.seal_id)
            .finish_non_exhaustive()
    }
}

/// A community's seal as its page shows it (never the key).
#[derive(Clone, Debug, Serialize)]
pub struct SealView {
    pub id: i64,
    pub community_node_id: i64,
    pub community_name: String,
    pub seal_code: String,
    pub name: String,
    pub kind: String,
    pub allowed_signers: Vec<String>,
    pub valid_from: String,
    pub valid_to: String,
    pub status: String,
    pub public_key: String,
    pub svg: String,
}

/// One row of the seal-use ledger.
#[derive(Clone, Debug, Serialize)]
pub struct SealUseView {
    pub id: i64,
    pub at: i64,
    pub at_text: String,
    pub seal_code: String,
    pub community_name: String,
    pub serial: String,
    pub certificate_id: i64,
    /// `issued` or `revoked`: the certificate as it stands now.
    pub certificate_status: String,
    pub type_name: String,
    pub account: String,
    pub approval: String,
}

/// Filter for the seal ledger.
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct SealUseFilter {
    /// Serial number or account name contains this.
    pub q: String,
    pub from: String,
    pub to: String,
}

/// One imported holiday year.
#[derive(Clone, Debug, Serialize)]
pub struct HolidayYearView {
    pub year: i32,
    pub reference: String,
    pub provisional: bool,
    pub holidays: Vec<(String, String, String, Vec<String>)>,
    /// `imported` (by an administrator) or `built_in`.
    pub origin: &'static str,
}

/// What a node's seal says and who may use it (see [`App::make_node_seal`]).
pub(crate) struct NodeSeal {
    /// The roles whose holders at the node may use the seal.
    pub(crate) signers: &'static [Role],
    /// The text along the upper arc.
    pub(crate) name: String,
    /// The kind under the star (证明专用章, 监督检查专用章).
    pub(crate) kind: &'static str,
    /// The refusal when nobody at the node holds one of `signers`.
    pub(crate) no_signers: &'static str,
}

impl App {
    /// The key that encrypts seal keys at rest, derived from the deployment secret.
    pub(super) fn seal_kek(&self) -> [u8; 16] {
        let k = self.store.audit_key().derive("seal-kek-v1");
        let mut out = [0u8; 16];
        out.copy_from_slice(&k[..16]);
        out
    }

    /// The seal authority's public key, for `/verify` and for offline verification.
    pub async fn seal_authority_key(&self) -> Result<Option<jianfu_seal::PublicKey>> {
        match repo::authority(self.store.db()).await? {
            Some(a) => Ok(Some(
                jianfu_seal::PublicKey::from_hex(&a.public_key)
                    .map_err(|_| DomainError::internal())?,
            )),
            None => Ok(None),
        }
    }

    /// Loads the authority's signing key, creating the authority on first use (inside `conn`'s
    /// write transaction, so two processes cannot both create it).
    pub(super) async fn authority_key<C: ConnectionTrait>(&self, conn: &C) -> Result<SealKey> {
        if let Some(a) = repo::authority(conn).await? {
            return open_blob(&a.key_blob, &self.seal_kek());
        }
        let key = SealKey::generate();
        repo::insert_authority(
            conn,
            AUTHORITY_NAME,
            &key.public_key().to_hex(),
            &hex::encode(key.seal_at_rest(&self.seal_kek())),
            self.now_ms(),
        )
        .await?;
        Ok(key)
    }

    /// Makes (or remakes) a community's seal: a new SM2 key, a seal record listing the accounts
    /// that now hold a community worker or head role there, signed by the seal authority. The
    /// previous seal is retired; certificates it sealed stay verifiable.
    pub async fn make_seal(&self, ctx: &Ctx, community_id: i64) -> Result<SealView> {
        let c = self.find_node(community_id).await?;
        if !c.kind.is_community() {
            return Err(DomainError::field(
                "community_id",
                "community_invalid",
                "请选择社区(村)",
            ));
        }
        self.check(ctx, Action::ManageSeals, &c.target()).await?;
        let mut tx = self.store.begin_write().await?;
        let view = self.make_seal_in(tx.conn(), &c).await?;
        tx.audit(ctx.entry(
            "seal.make",
            "seal",
            Some(view.id.to_string()),
            serde_json::json!({ "community": c.name, "seal_code": view.seal_code, "allowed_signers": view.allowed_signers, "valid_to": view.valid_to }),
        ))
        .await?;
        tx.commit().await?;
        Ok(view)
    }

    pub(crate) async fn make_seal_in<C: ConnectionTrait>(
        &self,
        conn: &C,
        c: &crate::tree::NodeView,
    ) -> Result<SealView> {
        let seal = NodeSeal {
            signers: &[Role::CommunityWorker, Role::CommunityHead],
            name: format!("{}居民委员会", c.name).replace("居民委员会居民委员会", "居民委员会"),
            kind: "证明专用章",
            no_signers: "该社区还没有社区工作者或负责人账号，无法确定用印人",
        };
        self.make_node_seal(conn, c, seal).await
    }

    /// Makes (or remakes) the seal of node `c` as `seal` describes: a new SM2 key and a record
    /// signed by the seal authority listing the accounts holding `seal.signers` roles at `c`;
    /// the node's previous seal is retired. Communities' seals and supervising departments'
    /// seals (on rectification notices) are made alike.
    pub(crate) async fn make_node_seal<C: ConnectionTrait>(
        &self,
        conn: &C,
        c: &crate::tree::NodeView,
        seal: NodeSeal,
    ) -> Result<SealView> {
        let authority = self.authority_key(conn).await?;
        let roles: Vec<&str> = seal.signers.iter().map(|r| r.as_str()).collect();
        let accounts = repo::signer_accounts(conn, c.id, &roles).await?;
        // Each signer holds a certificate of the seal authority (issued now if needed).
        let mut signer_certificates = Vec::with_capacity(accounts.len());
        for a in &accounts {
            signer_certificates.push(self.signer_certificate_in(conn, a, &c.name).await?.0);
        }
        let mut signers: Vec<String> = accounts.into_iter().map(|a| a.username).collect();
        signers.sort();
        if signers.is_empty() {
            return Err(DomainError::conflict("seal_no_signers", seal.no_signers));
        }
        let previous = repo::count_of_node(conn, c.id).await?;
        let today = crate::clock::cst_date(self.now_ms()).ok_or_else(DomainError::internal)?;
        let until =
            chrono::Datelike::with_year(&today, chrono::Datelike::year(&today) + SEAL_VALID_YEARS)
                .unwrap_or(today);
        let code = format!(
            "{}-{:02}",
            c.division_code.clone().unwrap_or_else(|| c.id.to_string()),
            previous + 1
        );
        let key = SealKey::generate();
        let record = SealRecord {
            version: 1,
            seal_id: code.clone(),
            name: seal.name,
            owner_code: c.division_code.clone().unwrap_or_default(),
            kind: seal.kind.into(),
            public_key: key.public_key(),
            allowed_signers: signers,
            valid_from: today.to_string(),
            valid_to: until.to_string(),
            issuer: AUTHORITY_NAME.into(),
            algorithm: "SM2-SM3".into(),
        };
        let now = self.now_ms();
        let es_seal = self
            .make_es_seal(
                conn,
                &record,
                signer_certificates,
                now,
                (until - today).num_days(),
            )
            .await?;
        let signed = sign_seal_record(record, &authority);
        let row = repo::replace(
            conn,
            SealStatus::Active.as_str(),
            SealStatus::Retired.as_str(),
            repo::NewSeal {
                node_id: c.id,
                seal_code: code,
                record: serde_json::to_string(&signed).map_err(|_| DomainError::internal())?,
                key_blob: hex::encode(key.seal_at_rest(&self.seal_kek())),
                status: SealStatus::Active.as_str().into(),
                valid_from: signed.record.valid_from.clone(),
                valid_to: signed.record.valid_to.clone(),
                es_seal,
                now,
            },
        )
        .await?;
        Ok(seal_view(row, c.name.clone()))
    }

    /// The community's active seal, opened for issuing: its record checked against the seal
    /// authority's signature and its key decrypted. Both are remembered per seal row (an
    /// [`OpenSeal`]) for as long as the row's record, key blob and the authority's public key
    /// stay byte for byte the same, so a row edited in the database is checked afresh.
    pub(crate) async fn active_seal(
        &self,
        community_id: i64,
    ) -> Result<(seal::Model, Arc<OpenSeal>)> {
        let db = self.store.db();
        let row = repo::active_of(db, community_id, SealStatus::Active.as_str())
            .await?
            .ok_or_else(|| {
                DomainError::conflict(
                    "seal_missing",
                    "本社区尚未制作电子印章，请联系系统管理员制作",
                )
            })?;
        // Its public key only: the authority's private key stays sealed.
        let authority_hex = repo::authority(db)
            .await?
            .ok_or_else(DomainError::internal)?
            .public_key;
        if let Some(open) = self.open_seals.get(&row.id)
            && open.record_json == row.record
            && open.key_blob == row.key_blob
            && open.authority_hex == authority_hex
            && open.es_seal_der == row.es_seal
        {
            return Ok((row, open));
        }
        let record: SignedSealRecord =
            serde_json::from_str(&row.record).map_err(|_| DomainError::internal())?;
        // The record must still be the authority's: a row edited in the database is refused.
        let authority = jianfu_seal::PublicKey::from_hex(&authority_hex)
            .map_err(|_| DomainError::internal())?;
        if let Err(e) = jianfu_seal::verify_seal_record(&record, &authority) {
            tracing::error!(seal = %row.seal_code, code = e.code(), "a seal record fails verification");
            return Err(DomainError::conflict(
                "seal_record_invalid",
                "本社区电子印章记录校验未通过，已停止用印；请联系系统管理员重新制作印章",
            ));
        }
        let key = open_blob(&row.key_blob, &self.seal_kek())?;
        let es_seal = match &row.es_seal {
            Some(der) => Some(jianfu_seal::ses::EsSeal::from_der(der).map_err(|e| {
                tracing::error!(seal = %row.seal_code, code = e.code(), "a stored SESeal cannot be read");
                DomainError::conflict(
                    "seal_record_invalid",
                    "本社区电子印章记录校验未通过，已停止用印；请联系系统管理员重新制作印章",
                )
            })?),
            None => None,
        };
        let open = Arc::new(OpenSeal {
            record_json: row.record.clone(),
            key_blob: row.key_blob.clone(),
            authority_hex,
            es_seal_der: row.es_seal.clone(),
            record,
            key,
            es_seal,
        });
        self.open_seals.insert(row.id, open.clone());
        Ok((row, open))
    }

    /// Seals of the communities in the caller's jurisdiction (administrators and communities).
    pub async fn list_seals(&self, ctx: &Ctx) -> Result<Vec<SealView>> {
        let scope = crate::authz::visible(&ctx.principal, Action::ManageSeals).union(
            &crate::authz::visible(&ctx.principal, Action::ViewSealLedger),
        );
        if scope.is_empty() {
            self.record_denial(ctx, Action::ViewSealLedger, None).await;
            return Err(DomainError::forbidden("您的角色不能查看电子印章"));
        }
        let communities = self.nodes_under(&scope).await?;
        let names: std::collections::HashMap<i64, String> = communities
            .into_iter()
            .filter(|n| n.kind.is_community())
            .map(|n| (n.id, n.name))
            .collect();
        let rows = repo::of_nodes(self.store.db(), names.keys().copied().collect()).await?;
        Ok(rows
            .into_iter()
            .map(|r| {
                let name = names.get(&r.community_node_id).cloned().unwrap_or_default();
                seal_view(r, name)
            })
            .collect())
    }

    /// The seal-use ledger in the caller's jurisdiction, newest first.
    pub async fn seal_ledger(
        &self,
        ctx: &Ctx,
        f: &SealUseFilter,
        page: PageRequest,
    ) -> Result<Page<SealUseView>> {
        let scope = self
            .visible_or_deny(ctx, Action::ViewSealLedger, "您的角色不能查看用印登记")
            .await?;
        let from = match f.from.trim() {
            "" => None,
            t => Some(crate::clock::day_start_ms(t, "from")?),
        };
        let to = match f.to.trim() {
            "" => None,
            t => Some(crate::clock::day_start_ms(t, "to")? + 86_400_000),
        };
        let needle = f.q.trim();
        let filter = repo::LedgerFilter {
            from,
            to,
            needle: (!needle.is_empty()).then_some(needle),
        };
        let (rows, total, seals) = repo::ledger_page(
            self.store.db(),
            &scope,
            &filter,
            page.offset(),
            page.per_page,
        )
        .await?;
        let cert_ids: Vec<i64> = rows.iter().map(|r| r.certificate_id).collect();
        // Serial, status and type of each certificate; the type is read from the stored
        // document, decrypted (never the PDF).
        let cert_rows = repo::ledger_certificates(self.store.db(), cert_ids).await?;
        let mut certs = std::collections::HashMap::new();
        for (id, application, serial, status, document) in cert_rows {
            let document = self.open_certificate_document(application, &serial, &document)?;
            let type_name = serde_json::from_str::<jianfu_seal::SealedCertificate>(&document)
                .map(|d| d.content.type_name)
                .unwrap_or_default();
            certs.insert(id, (serial, status, type_name));
        }
        let acc_ids: Vec<i64> = rows.iter().map(|r| r.account_id).collect();
        let accounts: std::collections::HashMap<i64, String> =
            repo::accounts(self.store.db(), acc_ids)
                .await?
                .into_iter()
                .map(|a| (a.id, format!("{}（{}）", a.display_name, a.username)))
                .collect();
        let names: std::collections::HashMap<i64, String> = tree::by_ids(
            self.store.db(),
            seals.values().map(|s| s.community_node_id).collect(),
        )
        .await?
        .into_iter()
        .map(|n| (n.id, n.name))
        .collect();
        let items = rows
            .into_iter()
            .map(|r| {
                let s = seals.get(&r.seal_id);
                let c = certs.get(&r.certificate_id);
                SealUseView {
                    id: r.id,
                    at: r.at,
                    at_text: crate::clock::fmt_ms(r.at),
                    seal_code: s.map(|s| s.seal_code.clone()).unwrap_or_default(),
                    community_name: s
                        .and_then(|s| names.get(&s.community_node_id).cloned())
                        .unwrap_or_default(),
                    serial: c.map(|c| c.0.clone()).unwrap_or_default(),
                    certificate_status: c.map(|c| c.1.clone()).unwrap_or_default(),
                    certificate_id: r.certificate_id,
                    type_name: c.map(|c| c.2.clone()).unwrap_or_default(),
                    account: accounts.get(&r.account_id).cloned().unwrap_or_default(),
                    approval: r.approval,
                }
            })
            .collect();
        Ok(page.page(items, total))
    }

    /// The working-day calendar in force: the built-in years, each replaced by an imported one.
    pub async fn calendar(&self) -> Result<Calendar> {
        let imported = holidays::all(self.store.db()).await?;
        let mut years: Vec<HolidayCalendar> = Vec::new();
        for row in &imported {
            years.push(HolidayCalendar::parse(&row.source).map_err(|_| DomainError::internal())?);
        }
        if let Ok(official) = Calendar::official() {
            for y in official.years() {
                if !years.iter().any(|i| i.year() == y.year()) {
                    years.push(y.clone());
                }
            }
        }
        Calendar::new(years).map_err(|_| DomainError::internal())
    }

    /// The years of the calendar in force, for the administrator's page.
    pub async fn holiday_years(&self) -> Result<Vec<HolidayYearView>> {
        let imported: Vec<i32> = holidays::all(self.store.db())
            .await?
            .into_iter()
            .map(|r| r.year)
            .collect();
        let cal = self.calendar().await?;
        Ok(cal
            .years()
            .iter()
            .map(|y| HolidayYearView {
                year: y.year(),
                reference: y.reference().to_owned(),
                provisional: y.provisional(),
                holidays: y
                    .holidays()
                    .iter()
                    .map(|h| {
                        (
                            h.name.clone(),
                            h.from.to_string(),
                            h.to.to_string(),
                            h.workdays.iter().map(ToString::to_string).collect(),
                        )
                    })
                    .collect(),
                origin: if imported.contains(&y.year()) {
                    "imported"
                } else {
                    "built_in"
                },
            })
            .collect())
    }

    /// An administrator imports a year's holiday notice (the TOML format of
    /// `jianfu_rules::calendar`); a malformed or inconsistent file changes nothing.
    pub async fn import_holidays(&self, ctx: &Ctx, text: &str) -> Result<i32> {
        let city = self.city_node().await?;
        let target = crate::authz::Target {
            node_id: city.id,
            path: &city.path,
        };
        self.check(ctx, Action::ManageHolidays, &target).await?;
        if text.len() > 64 * 1024 {
            return Err(DomainError::field(
                "file",
                "file_too_large",
                "节假日文件过大（不超过 64 KB）",
            ));
        }
        let cal = HolidayCalendar::parse(text)
            .map_err(|e| DomainError::field("file", e.code(), format!("节假日文件有误：{e}")))?;
        let year = cal.year();
        // The merged calendar must still be consistent (e.g. a New Year holiday reaching into
        // December of the year before).
        let mut others: Vec<HolidayCalendar> = self
            .calendar()
            .await?
            .years()
            .iter()
            .filter(|y| y.year() != year)
            .cloned()
            .collect();
        others.push(cal.clone());
        Calendar::new(others).map_err(|e| {
            DomainError::field("file", e.code(), format!("与其他年份的节假日安排冲突：{e}"))
        })?;
        let mut tx = self.store.begin_write().await?;
        holidays::replace(
            tx.conn(),
            year,
            text,
            ctx.principal.account_id,
            self.now_ms(),
        )
        .await?;
        tx.audit(ctx.entry(
            "holidays.import",
            "holiday_year",
            Some(year.to_string()),
            serde_json::json!({ "year": year, "reference": cal.reference(), "holidays": cal.holidays().len(), "provisional": cal.provisional() }),
        ))
        .await?;
        tx.commit().await?;
        Ok(year)
    }
}

pub(super) fn open_blob(hex_blob: &str, kek: &[u8; 16]) -> Result<SealKey> {
    let bytes = hex::decode(hex_blob).map_err(|_| DomainError::internal())?;
    SealKey::open_at_rest(&bytes, kek).map_err(|e| {
        tracing::error!(code = e.code(), "a seal key could not be opened");
        DomainError::new(
            crate::ErrorKind::Internal,
            "seal_key_unavailable",
            "印章密钥无法解密（部署密钥可能已更换），请联系系统管理员",
        )
    })
}

fn seal_view(r: seal::Model, community_name: String) -> SealView {
    let signed: Option<SignedSealRecord> = serde_json::from_str(&r.record).ok();
    let (name, kind, signers, key) = signed
        .map(|s| {
            (
                s.record.name,
                s.record.kind,
                s.record.allowed_signers,
                s.record.public_key.to_hex(),
            )
        })
        .unwrap_or_default();
    SealView {
        id: r.id,
        community_node_id: r.community_node_id,
        community_name,
        seal_code: r.seal_code,
        svg: jianfu_seal::seal_svg(&name, &kind),
        name,
        kind,
        allowed_signers: signers,
        valid_from: r.valid_from,
        valid_to: r.valid_to,
        status: r.status,
        public_key: key,
    }
}
