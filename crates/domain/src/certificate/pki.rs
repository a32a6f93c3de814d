//! The seal authority's PKI (issue 18): a self-signed SM2 root whose key is the authority's
//! key (the key that signed every seal record so far), a certificate for the seal maker, and
//! one for each signer (an account that may apply a seal), all kept in `pki_certificate` with
//! their keys sealed like the seal keys. A signer who leaves the seal has the certificate
//! revoked: recorded, audited, refused when issuing and listed for verification.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use jianfu_seal::SealKey;
use jianfu_seal::pki::{
    CertRole, CertificateSpec, Revocation, Serial, Subject, X509Certificate, issue, issue_root,
};
use jianfu_store::entity::{account, pki_certificate};
use jianfu_store::orm::ConnectionTrait;
use jianfu_store::repo::{accounts, pki as repo};
use serde::Serialize;

use super::issue::text_field;
use super::seals::{AUTHORITY_NAME, open_blob};
use crate::authz::Action;
use crate::error::{DomainError, Result};
use crate::page::{Page, PageRequest};
use crate::{App, Ctx};

/// The seal maker's name (CN of its certificate): the authority's seal-making system.
pub const SEAL_MAKER_NAME: &str = "鞍山市电子印章制作系统";
const DAY_MS: i64 = 86_400_000;
const ROOT_DAYS: i64 = 20 * 365;
const SEAL_MAKER_DAYS: i64 = 10 * 365;
/// A signer's certificate lasts as long as a seal made today (three years) and a day more.
const SIGNER_DAYS: i64 = 3 * 366 + 1;

pub(crate) fn time_of(ms: i64) -> SystemTime {
    UNIX_EPOCH + Duration::from_millis(u64::try_from(ms).unwrap_or(0))
}

fn pki_error(e: jianfu_seal::PkiError) -> DomainError {
    tracing::error!(code = e.code(), "the PKI refused an operation");
    DomainError::internal()
}

/// Where a certificate of the PKI stands at a moment: derived from its validity and its
/// revocation, never stored.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PkiCertState {
    /// Within its validity and not revoked.
    Valid,
    /// Revoked (the signer left the seal); wins over the validity.
    Revoked,
    /// Past its `notAfter`.
    Expired,
    /// Before its `notBefore`.
    NotYetValid,
}

impl PkiCertState {
    /// The state of a certificate valid `[not_before, not_after)` and revoked at `revoked_at`,
    /// at `now` (milliseconds).
    pub fn at(not_before: i64, not_after: i64, revoked_at: Option<i64>, now: i64) -> Self {
        if revoked_at.is_some_and(|at| at <= now) {
            Self::Revoked
        } else if now < not_before {
            Self::NotYetValid
        } else if now >= not_after {
            Self::Expired
        } else {
            Self::Valid
        }
    }
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Valid => "valid",
            Self::Revoked => "revoked",
            Self::Expired => "expired",
            Self::NotYetValid => "not_yet_valid",
        }
    }
    pub fn label_zh(self) -> &'static str {
        match self {
            Self::Valid => "有效",
            Self::Revoked => "已撤销",
            Self::Expired => "已过期",
            Self::NotYetValid => "未生效",
        }
    }
}

/// The Chinese name of a certificate's role (`root`, `seal_maker`, `signer`).
pub fn pki_role_zh(role: &str) -> &'static str {
    match role {
        repo::ROOT => "根证书",
        repo::SEAL_MAKER => "制章者证书",
        _ => "签章人证书",
    }
}

/// A certificate of the PKI as the seal administration sees it (never the key).
#[derive(Clone, Debug, Serialize)]
pub struct PkiCertificateView {
    pub id: i64,
    /// `root`, `seal_maker` or `signer`.
    pub role: String,
    /// 根证书, 制章者证书 or 签章人证书.
    pub role_zh: &'static str,
    /// Serial number, hex.
    pub serial: String,
    pub subject: String,
    pub account_id: Option<i64>,
    pub not_before: String,
    pub not_after: String,
    /// Where it stands now.
    pub state: PkiCertState,
    pub revoked_at: Option<String>,
    pub revoke_reason: Option<String>,
}

fn view(row: pki_certificate::Model, now: i64) -> PkiCertificateView {
    PkiCertificateView {
        id: row.id,
        role_zh: pki_role_zh(&row.role),
        state: PkiCertState::at(row.not_before, row.not_after, row.revoked_at, now),
        role: row.role,
        serial: row.serial,
        subject: row.subject,
        account_id: row.account_id,
        not_before: crate::clock::fmt_ms(row.not_before),
        not_after: crate::clock::fmt_ms(row.not_after),
        revoked_at: row.revoked_at.map(crate::clock::fmt_ms),
        revoke_reason: row.revoke_reason,
    }
}

impl App {
    async fn store_pki_certificate<C: ConnectionTrait>(
        &self,
        conn: &C,
        role: &str,
        cert: &X509Certificate,
        account_id: Option<i64>,
        key: &SealKey,
        (from, days): (i64, i64),
    ) -> Result<()> {
        repo::insert(
            conn,
            repo::NewCertificate {
                role,
                serial: cert.serial().to_string(),
                subject: cert.subject_string(),
                account_id,
                der: cert.der().to_vec(),
                key_blob: hex::encode(key.seal_at_rest(&self.seal_kek())),
                not_before: from / 1000 * 1000,
                not_after: (from + days * DAY_MS) / 1000 * 1000,
                created_at: self.now_ms(),
            },
        )
        .await?;
        Ok(())
    }

    fn spec(subject: Subject, from: i64, days: i64) -> CertificateSpec {
        CertificateSpec {
            subject,
            serial: Serial::random(),
            not_before: time_of(from),
            not_after: time_of(from + days * DAY_MS),
        }
    }

    /// The root certificate and its key (the seal authority's key), creating the authority
    /// and the root on first use, inside `conn`'s write transaction.
    pub(crate) async fn pki_root_in<C: ConnectionTrait>(
        &self,
        conn: &C,
    ) -> Result<(X509Certificate, SealKey)> {
        let key = self.authority_key(conn).await?;
        if let Some(row) = repo::newest(conn, repo::ROOT).await? {
            let cert = X509Certificate::from_der(&row.der).map_err(pki_error)?;
            if *cert.public_key() == key.public_key() {
                return Ok((cert, key));
            }
        }
        let now = self.now_ms();
        let spec = Self::spec(Subject::new(AUTHORITY_NAME, AUTHORITY_NAME), now, ROOT_DAYS);
        let cert = issue_root(&spec, &key).map_err(pki_error)?;
        self.store_pki_certificate(conn, repo::ROOT, &cert, None, &key, (now, ROOT_DAYS))
            .await?;
        Ok((cert, key))
    }

    /// The seal maker's certificate and key, creating the PKI as far as needed.
    pub(crate) async fn pki_seal_maker_in<C: ConnectionTrait>(
        &self,
        conn: &C,
    ) -> Result<(X509Certificate, SealKey)> {
        let (root, root_key) = self.pki_root_in(conn).await?;
        let now = self.now_ms();
        if let Some(row) = repo::newest(conn, repo::SEAL_MAKER).await?
            && row.not_after > now
        {
            let cert = X509Certificate::from_der(&row.der).map_err(pki_error)?;
            if cert.is_signed_by(root.public_key()) {
                return Ok((cert, open_blob(&row.key_blob, &self.seal_kek())?));
            }
        }
        let key = SealKey::generate();
        let spec = Self::spec(
            Subject::new(SEAL_MAKER_NAME, AUTHORITY_NAME),
            now,
            SEAL_MAKER_DAYS,
        );
        let cert = issue(
            &spec,
            CertRole::SealMaker,
            &key.public_key(),
            &root,
            &root_key,
        )
        .map_err(pki_error)?;
        self.store_pki_certificate(
            conn,
            repo::SEAL_MAKER,
            &cert,
            None,
            &key,
            (now, SEAL_MAKER_DAYS),
        )
        .await?;
        Ok((cert, key))
    }

    /// The signer certificate (and key) of account `a`, valid now and not revoked; a new one
    /// is issued by the root when there is none (`organization`: where the signer works).
    pub(crate) async fn signer_certificate_in<C: ConnectionTrait>(
        &self,
        conn: &C,
        a: &account::Model,
        organization: &str,
    ) -> Result<(X509Certificate, SealKey)> {
        let now = self.now_ms();
        if let Some(row) = repo::signer_of(conn, a.id, now).await? {
            let cert = X509Certificate::from_der(&row.der).map_err(pki_error)?;
            return Ok((cert, open_blob(&row.key_blob, &self.seal_kek())?));
        }
        let (root, root_key) = self.pki_root_in(conn).await?;
        let key = SealKey::generate();
        let spec = Self::spec(
            Subject::new(&a.display_name, organization),
            now,
            SIGNER_DAYS,
        );
        let cert = issue(&spec, CertRole::Signer, &key.public_key(), &root, &root_key)
            .map_err(pki_error)?;
        self.store_pki_certificate(
            conn,
            repo::SIGNER,
            &cert,
            Some(a.id),
            &key,
            (now, SIGNER_DAYS),
        )
        .await?;
        Ok((cert, key))
    }

    /// Creates the root and the seal maker's certificate at installation (in `conn`'s
    /// transaction); nothing when they exist.
    pub(crate) async fn init_pki_in<C: ConnectionTrait>(&self, conn: &C) -> Result<String> {
        self.pki_seal_maker_in(conn).await?;
        let (root, _) = self.pki_root_in(conn).await?;
        Ok(root.serial().to_string())
    }

    /// The seal authority's root certificate, for download beside `/verify` and for
    /// `jianfu verify --root`. Not found before the PKI exists.
    pub async fn root_certificate(&self) -> Result<X509Certificate> {
        let row = repo::newest(self.store.db(), repo::ROOT)
            .await?
            .ok_or_else(|| DomainError::not_found("电子印章根证书"))?;
        X509Certificate::from_der(&row.der).map_err(pki_error)
    }

    /// Every revoked certificate, for verifying signatures.
    pub async fn pki_revocations(&self) -> Result<Vec<Revocation>> {
        repo::revoked(self.store.db())
            .await?
            .into_iter()
            .map(|(serial, at)| {
                let bytes = hex::decode(&serial).map_err(|_| DomainError::internal())?;
                Ok(Revocation {
                    serial: Serial::from_bytes(&bytes).map_err(pki_error)?,
                    revoked_at: time_of(at),
                })
            })
            .collect()
    }

    /// The revoked certificates when `count` of them are recorded (read with the row being
    /// verified): the list read last is kept under its length, as the set only grows, so a
    /// verification reads it again only after a revocation — in this process or another.
    pub(crate) async fn revocations_counted(
        &self,
        count: i64,
    ) -> Result<std::sync::Arc<Vec<Revocation>>> {
        if let Some(list) = self.revocations.get(&count) {
            return Ok(list);
        }
        let list = std::sync::Arc::new(self.pki_revocations().await?);
        self.revocations
            .insert(i64::try_from(list.len()).unwrap_or(i64::MAX), list.clone());
        Ok(list)
    }

    /// Refuses `ctx`'s use of a seal when the caller's newest signer certificate is revoked
    /// (a signer who left the seal; the seal must be made again to list a new certificate).
    pub(crate) async fn check_signer_not_revoked(&self, ctx: &Ctx) -> Result<()> {
        if let Some((serial, true)) =
            repo::newest_signer_revoked(self.store.db(), ctx.principal.account_id).await?
        {
            self.record_denial(ctx, Action::ProcessCertificate, None)
                .await;
            return Err(DomainError::conflict(
                "signer_certificate_revoked",
                format!(
                    "您的签章人证书（序列号 {serial}）已撤销，不能用印；请系统管理员重新制作本单位印章"
                ),
            ));
        }
        Ok(())
    }

    /// The signers' certificates of the accounts whose home lies where the caller manages
    /// seals, newest first.
    pub async fn list_signer_certificates(&self, ctx: &Ctx) -> Result<Vec<PkiCertificateView>> {
        let scope = self
            .visible_or_deny(ctx, Action::ManageSeals, "您的角色不能管理电子印章")
            .await?;
        let mut out = Vec::new();
        for row in repo::signers(self.store.db()).await? {
            let Some(account_id) = row.account_id else {
                continue;
            };
            let Some(a) = accounts::by_id(self.store.db(), account_id).await? else {
                continue;
            };
            let home = self.find_node(a.home_node_id).await?;
            if scope.covers(&home.path) {
                out.push(view(row, self.now_ms()));
            }
        }
        Ok(out)
    }

    /// One page of the PKI's certificates the caller sees (`/pki/certificates`): the root and
    /// the seal maker, and the signers whose home unit lies where the caller manages seals.
    pub async fn list_pki_certificates(
        &self,
        ctx: &Ctx,
        r: PageRequest,
    ) -> Result<Page<PkiCertificateView>> {
        let scope = self
            .visible_or_deny(ctx, Action::ManageSeals, "您的角色不能管理电子印章")
            .await?;
        let (rows, total) = repo::page_in(self.store.db(), &scope, r.offset(), r.per_page).await?;
        let now = self.now_ms();
        Ok(r.page(rows.into_iter().map(|row| view(row, now)).collect(), total))
    }

    /// Revokes signer certificate `id` (the signer left the seal) with a reason: an
    /// administrator managing seals over the signer's home unit. Recorded and audited in one
    /// transaction; issuing refuses the signer from now on and verification lists it.
    pub async fn revoke_signer_certificate(
        &self,
        ctx: &Ctx,
        id: i64,
        reason: &str,
    ) -> Result<PkiCertificateView> {
        let row = repo::by_id(self.store.db(), id)
            .await?
            .filter(|r| r.role == repo::SIGNER)
            .ok_or_else(|| DomainError::not_found("签章人证书"))?;
        let account_id = row.account_id.ok_or_else(DomainError::internal)?;
        let a = accounts::by_id(self.store.db(), account_id)
            .await?
            .ok_or_else(DomainError::internal)?;
        let home = self.find_node(a.home_node_id).await?;
        self.check(ctx, Action::ManageSeals, &home.target()).await?;
        let reason = text_field(reason, "reason", "撤销理由", 500, true)?;
        let now = self.now_ms();
        let mut tx = self.store.begin_write().await?;
        if !repo::revoke(tx.conn(), id, ctx.principal.account_id, now, &reason).await? {
            return Err(DomainError::conflict(
                "already_revoked",
                "该签章人证书已撤销",
            ));
        }
        tx.audit(ctx.entry(
            "pki.revoke",
            "pki_certificate",
            Some(id.to_string()),
            serde_json::json!({ "serial": row.serial, "account": a.username, "reason": reason }),
        ))
        .await?;
        tx.commit().await?;
        let row = repo::by_id(self.store.db(), id)
            .await?
            .ok_or_else(DomainError::internal)?;
        Ok(view(row, self.now_ms()))
    }
}

impl App {
    /// At installation: the root and the seal maker's certificate, audited in `tx`.
    pub(crate) async fn audit_pki_init(&self, tx: &mut jianfu_store::WriteTx) -> Result<()> {
        let root = self.init_pki_in(tx.conn()).await?;
        tx.audit(crate::bootstrap::operator_entry(
            "pki.create",
            "pki_certificate",
            None,
            serde_json::json!({ "root_serial": root, "authority": AUTHORITY_NAME, "seal_maker": SEAL_MAKER_NAME }),
        ))
        .await?;
        Ok(())
    }

    /// Creates the PKI of an installation made before it existed (at `serve`'s start): the
    /// root for the authority's key and the seal maker's certificate, audited; nothing when
    /// both exist.
    pub async fn ensure_pki(&self) -> Result<()> {
        let db = self.store.db();
        if repo::newest(db, repo::ROOT).await?.is_some()
            && repo::newest(db, repo::SEAL_MAKER).await?.is_some()
        {
            return Ok(());
        }
        let mut tx = self.store.begin_write().await?;
        self.audit_pki_init(&mut tx).await?;
        tx.commit().await?;
        Ok(())
    }
}

/// The seal picture's size: 42 mm across, at 300 dots per inch.
const PICTURE_MM: u32 = 42;
const PICTURE_PX: u32 = 496;

impl App {
    /// The GB/T 38540 `SESeal` (DER) of a seal being made: its record's name, kind and
    /// validity (`days` from `now`), the signers' certificates, the seal's picture as PNG,
    /// signed by the seal maker.
    pub(crate) async fn make_es_seal<C: ConnectionTrait>(
        &self,
        conn: &C,
        record: &jianfu_seal::SealRecord,
        signers: Vec<X509Certificate>,
        now: i64,
        days: i64,
    ) -> Result<Vec<u8>> {
        let (maker, maker_key) = self.pki_seal_maker_in(conn).await?;
        let (name, kind) = (record.name.clone(), record.kind.clone());
        let png = tokio::task::spawn_blocking(move || seal_png(&name, &kind))
            .await
            .map_err(|_| DomainError::internal())??;
        let spec = jianfu_seal::ses::SealSpec {
            es_id: record.seal_id.clone(),
            seal_type: jianfu_seal::ses::SealType::Organization,
            name: format!("{}{}", record.name, record.kind),
            signers,
            created: time_of(now),
            valid_start: time_of(now),
            valid_end: time_of(now + days.max(1) * DAY_MS),
            picture: jianfu_seal::ses::SealPicture::png(png, PICTURE_MM, PICTURE_MM)
                .map_err(pki_error)?,
        };
        let seal = jianfu_seal::ses::EsSeal::make(&spec, &maker, &maker_key).map_err(pki_error)?;
        Ok(seal.der().to_vec())
    }
}

/// Alpha levels of the seal picture: the drawing is one red with anti-aliased edges, so a
/// 16-entry palette (one red, 16 opacities) at 4 bits a pixel keeps it, at about a quarter of
/// an 8-bit RGBA file's size. The picture travels twice in every OFD (the seal and the
/// signature carry it) and is hashed and encrypted with it, at every issue.
const PICTURE_LEVELS: u8 = 16;

/// The seal drawing as a PNG picture (indexed colour, 4 bits, transparency per entry).
fn seal_png(name: &str, kind: &str) -> Result<Vec<u8>> {
    let rgba = jianfu_seal::seal_raster(name, kind, PICTURE_PX).map_err(|e| {
        DomainError::invalid(e.code(), format!("无法绘制印章图片：{}", e.message()))
    })?;
    indexed_png(&rgba, PICTURE_PX).ok_or_else(DomainError::internal)
}

/// `rgba` (a square of `side` pixels, all of one colour) as a 4-bit indexed PNG whose entries
/// are that colour at [`PICTURE_LEVELS`] opacities.
fn indexed_png(rgba: &[u8], side: u32) -> Option<Vec<u8>> {
    let (r, g, b) = rgba
        .chunks_exact(4)
        .find(|p| p[3] > 0)
        .map_or((0, 0, 0), |p| (p[0], p[1], p[2]));
    let top = u16::from(PICTURE_LEVELS - 1);
    let level = |alpha: u8| (u16::from(alpha) * top + 127) / 255;
    let width = usize::try_from(side).ok()?;
    let mut packed = Vec::with_capacity(rgba.len() / 8 + width);
    for row in rgba.chunks_exact(width * 4) {
        for pair in row.chunks(8) {
            let hi = level(pair[3]);
            let lo = pair.get(7).map_or(0, |&a| level(a));
            packed.push(u8::try_from(hi << 4 | lo).ok()?);
        }
    }
    let palette: Vec<u8> = (0..PICTURE_LEVELS).flat_map(|_| [r, g, b]).collect();
    let opacity: Vec<u8> = (0..top + 1)
        .map(|l| u8::try_from(l * 255 / top).unwrap_or(u8::MAX))
        .collect();
    let mut png = Vec::new();
    let mut encoder = png::Encoder::new(&mut png, side, side);
    encoder.set_color(png::ColorType::Indexed);
    encoder.set_depth(png::BitDepth::Four);
    encoder.set_palette(palette);
    encoder.set_trns(opacity);
    encoder.set_compression(png::Compression::High);
    let mut writer = encoder.write_header().ok()?;
    writer.write_image_data(&packed).ok()?;
    writer.finish().ok()?;
    Some(png)
}

#[cfg(test)]
mod picture_tests {
    use super::*;

    /// The picture decodes to the drawing: the same colour everywhere it shows, every opacity
    /// within half a level of the drawing's, and the file a fraction of an 8-bit RGBA one.
    #[test]
    fn the_indexed_picture_is_the_drawing_at_sixteen_opacities() {
        let rgba = jianfu_seal::seal_raster(
            "鞍山市铁东区示例和平社区居民委员会",
            "证明专用章",
            PICTURE_PX,
        )
        .unwrap();
        let png = seal_png("鞍山市铁东区示例和平社区居民委员会", "证明专用章").unwrap();
        let decoded = image::load_from_memory_with_format(&png, image::ImageFormat::Png)
            .unwrap()
            .to_rgba8();
        assert_eq!(decoded.dimensions(), (PICTURE_PX, PICTURE_PX));
        let half_level = 255 / u16::from(PICTURE_LEVELS - 1) / 2 + 1;
        let mut shown = 0;
        for (want, got) in rgba.chunks_exact(4).zip(decoded.as_raw().chunks_exact(4)) {
            let diff = u16::from(want[3].abs_diff(got[3]));
            assert!(
                diff <= half_level,
                "opacity {} drawn as {}",
                want[3],
                got[3]
            );
            if got[3] > 0 {
                shown += 1;
                assert_eq!(&got[..3], &want[..3], "one red");
            }
        }
        assert!(shown > 10_000, "the seal shows: {shown} pixels");
        let mut rgba_png = Vec::new();
        image::RgbaImage::from_raw(PICTURE_PX, PICTURE_PX, rgba)
            .unwrap()
            .write_to(
                &mut std::io::Cursor::new(&mut rgba_png),
                image::ImageFormat::Png,
            )
            .unwrap();
        assert!(
            png.len() * 2 < rgba_png.len(),
            "indexed {} B vs RGBA {} B",
            png.len(),
            rgba_png.len()
        );
    }
}

/// Who signs a certificate in GB/T 38540 form: the signer's certificate (listed in the seal)
/// and key.
pub(crate) struct SignerIdentity {
    pub(crate) certificate: X509Certificate,
    pub(crate) key: SealKey,
}

impl App {
    /// The caller's signer certificate and key for sealing with `seal` (a GB/T 38540 seal):
    /// valid now, not revoked, and listed in the seal.
    pub(crate) async fn signer_identity(
        &self,
        ctx: &Ctx,
        seal: &jianfu_seal::ses::EsSeal,
    ) -> Result<SignerIdentity> {
        let refused = || {
            DomainError::conflict(
                "signer_not_in_seal",
                "本社区电子印章未列入您当前的签章人证书，请系统管理员重新制作本单位印章后再出具",
            )
        };
        let row = repo::signer_of(self.store.db(), ctx.principal.account_id, self.now_ms())
            .await?
            .ok_or_else(refused)?;
        let certificate = X509Certificate::from_der(&row.der).map_err(pki_error)?;
        if !seal.lists_signer(&certificate) {
            return Err(refused());
        }
        Ok(SignerIdentity {
            certificate,
            key: open_blob(&row.key_blob, &self.seal_kek())?,
        })
    }
}

/// How a certificate is signed (`certificate.format`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CertificateFormat {
    /// `json-v1`: the JSON seal record signed by the authority and the PDF's own file
    /// signature (certificates issued before the PKI, or under a seal made before it).
    Json,
    /// `ses-v4`: also a GB/T 38540 seal, the PDF's `/Sig` field (CMS, SM2) and a signed OFD.
    Ses,
}

impl CertificateFormat {
    pub fn as_str(self) -> &'static str {
        match self {
            CertificateFormat::Json => "json-v1",
            CertificateFormat::Ses => "ses-v4",
        }
    }

    /// The stored text read back; anything unknown is the old format.
    pub fn stored(s: &str) -> CertificateFormat {
        if s == CertificateFormat::Ses.as_str() {
            CertificateFormat::Ses
        } else {
            CertificateFormat::Json
        }
    }

    pub fn label_zh(self) -> &'static str {
        match self {
            CertificateFormat::Json => "旧格式（JSON 印章记录，SM2 文件签名）",
            CertificateFormat::Ses => {
                "GB/T 38540 签章（PDF 签名域与 GM/T 0099 签章的 OFD，SM2 数字证书）"
            }
        }
    }
}

/// The largest certificate file `/verify/file` takes (a certificate's PDF or OFD is a few
/// hundred KB).
pub const MAX_VERIFY_FILE_BYTES: usize = 4 << 20;

/// What the online check of an uploaded certificate file found (`POST /verify/file`,
/// `POST /api/v1/verify/file`): every signature of the file, against the root certificate and
/// the revocation list of today (a PDF or OFD in the GB/T 38540 format), or against the
/// authority's key (the old format). A refusal names its reason and a stable code.
#[derive(Clone, Debug, Serialize)]
pub struct FileVerification {
    /// `true` when every signature of the file holds.
    pub valid: bool,
    /// `pdf` or `ofd`.
    pub kind: &'static str,
    /// `json-v1` or `ses-v4`.
    pub format: &'static str,
    pub format_zh: &'static str,
    /// Why it failed (Chinese) and the stable code of that reason.
    pub reason: Option<String>,
    pub code: Option<&'static str>,
    /// What was checked, in order (when valid).
    pub checks: Vec<String>,
    /// Each signature's signer and seal, as the file names them.
    pub signers: Vec<String>,
    /// The certificate's serial as the file gives it, when it could be read.
    pub serial: Option<String>,
}

impl FileVerification {
    fn refused(
        kind: &'static str,
        format: CertificateFormat,
        code: &'static str,
        reason: String,
    ) -> Self {
        Self {
            valid: false,
            kind,
            format: format.as_str(),
            format_zh: format.label_zh(),
            reason: Some(reason),
            code: Some(code),
            checks: Vec::new(),
            signers: Vec::new(),
            serial: None,
        }
    }
}

/// The checks of one uploaded file (CPU only; see [`App::verify_certificate_file`]).
fn verify_file_bytes(
    bytes: &[u8],
    root: &jianfu_seal::pki::TrustedRoot,
    revoked: &[Revocation],
    authority: Option<&jianfu_seal::PublicKey>,
) -> FileVerification {
    if jianfu_seal::ofd::is_zip(bytes) {
        let format = CertificateFormat::Ses;
        return match jianfu_seal::ofd::verify_ofd(bytes, root, revoked) {
            Ok(report) => FileVerification {
                valid: true,
                kind: "ofd",
                format: format.as_str(),
                format_zh: format.label_zh(),
                reason: None,
                code: None,
                checks: report.checks,
                signers: report
                    .signatures
                    .iter()
                    .map(|s| {
                        format!(
                            "{}（{}）签章人 {}（{}，证书 {}）",
                            s.seal_name,
                            s.seal_id,
                            s.signer.common_name,
                            s.signer.organization,
                            s.signer_serial
                        )
                    })
                    .collect(),
                serial: report
                    .text
                    .iter()
                    .find_map(|l| l.strip_prefix("编号：").map(str::to_owned)),
            },
            Err(e) => FileVerification::refused("ofd", format, e.code(), e.message()),
        };
    }
    let mut legacy: Option<&[u8]> = Some(bytes);
    let mut format = CertificateFormat::Json;
    let mut checks = Vec::new();
    let mut signers = Vec::new();
    if jianfu_seal::pdf_sign::has_signature_field(bytes) {
        format = CertificateFormat::Ses;
        match jianfu_seal::pdf_sign::verify_pdf_signature(bytes, root, revoked) {
            Ok(report) => {
                checks = report.checks;
                signers.push(format!(
                    "签章人 {}（{}，证书 {}）",
                    report.signer.common_name, report.signer.organization, report.signer_serial
                ));
            }
            Err(e) => return FileVerification::refused("pdf", format, e.code(), e.message()),
        }
        // Issued before the file line was dropped: the revision that line signs. Else the
        // signature field just verified covers the file, and its embedded data is read.
        legacy = jianfu_seal::pdf_sign::original_revision(bytes);
    }
    let Some(authority) = authority else {
        return FileVerification::refused(
            "pdf",
            format,
            "no_authority",
            "尚未设立电子印章管理机构，无法核验".to_owned(),
        );
    };
    let verified = match legacy {
        Some(file) => jianfu_seal::verify_file(file, authority),
        None => jianfu_seal::verify_embedded(bytes, authority),
    };
    match verified {
        Err(jianfu_seal::VerifyError::EmbeddedCertificateMissing) if legacy.is_none() => {
            FileVerification::refused(
                "pdf",
                format,
                "not_our_pdf",
                "PDF 签名有效，但文件不是本平台出具的证明".to_owned(),
            )
        }
        Ok(doc) => {
            checks.push("证明内容与印章记录的 SM2 签名有效，文件未被篡改".to_owned());
            signers.push(format!(
                "{}（印章 {}）",
                doc.content.community_name, doc.seal.record.seal_id
            ));
            FileVerification {
                valid: true,
                kind: "pdf",
                format: format.as_str(),
                format_zh: format.label_zh(),
                reason: None,
                code: None,
                checks,
                signers,
                serial: Some(doc.content.serial),
            }
        }
        Err(e) => FileVerification::refused("pdf", format, e.code(), e.message()),
    }
}

impl App {
    /// Checks an uploaded certificate file (PDF or OFD) online: its signatures against the
    /// seal authority's root certificate and today's revocation list (GB/T 38540 format), or
    /// against the authority's key (old format). Changes nothing. A file that is neither a PDF
    /// nor an OFD package, empty or too large, is refused (`file_unsupported`, `file_too_large`).
    pub async fn verify_certificate_file(&self, bytes: Vec<u8>) -> Result<FileVerification> {
        if bytes.len() > MAX_VERIFY_FILE_BYTES {
            return Err(DomainError::field(
                "file",
                "file_too_large",
                "文件过大：证明文件不超过 4 MB",
            ));
        }
        if !(jianfu_seal::ofd::is_zip(&bytes) || bytes.starts_with(b"%PDF-")) {
            return Err(DomainError::field(
                "file",
                "file_unsupported",
                "请选择本平台出具的证明文件（PDF 或 OFD 格式）",
            ));
        }
        let root = jianfu_seal::pki::TrustedRoot::new(self.root_certificate().await?)
            .map_err(pki_error)?;
        let revoked = self.pki_revocations().await?;
        let authority = self.seal_authority_key().await?;
        tokio::task::spawn_blocking(move || {
            verify_file_bytes(&bytes, &root, &revoked, authority.as_ref())
        })
        .await
        .map_err(|_| DomainError::internal())
    }
}
