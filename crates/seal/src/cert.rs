//! Seal records, certificate content, sealing and verification.
//!
//! # Canonical bytes
//!
//! What gets signed is never JSON (whose spelling may vary) but a canonical byte string:
//!
//! ```text
//! <domain>\n
//! <field name>:<length of value in UTF-8 bytes, decimal>:<value>\n     (once per field, in a fixed order)
//! ```
//!
//! Numbers are written in decimal; a list is written as a field `<name>#` whose value is the
//! element count, followed by one field `<name>[i]` per element. The domain line keeps a
//! signature over one kind of object from being valid for another: `jianfu-seal-record-v1` for
//! [`SealRecord`], `jianfu-certificate-v1` for [`CertificateContent`] and `jianfu-pdf-v1` for
//! the file signature at the end of a PDF (see [`crate::render_pdf`]).

use serde::{Deserialize, Serialize};

use crate::error::{SealError, VerifyError};
use crate::keys::{ALGORITHM, PublicKey, SealKey, sm3_hex};

/// Domain line of [`SealRecord::canonical_bytes`].
pub const SEAL_RECORD_DOMAIN: &str = "jianfu-seal-record-v1";
/// Domain line of [`CertificateContent::canonical_bytes`].
pub const CERTIFICATE_DOMAIN: &str = "jianfu-certificate-v1";

/// Builder of the canonical encoding described in the module docs.
struct Canon {
    buf: Vec<u8>,
}

impl Canon {
    fn new(domain: &str) -> Canon {
        let mut buf = Vec::with_capacity(1024);
        buf.extend_from_slice(domain.as_bytes());
        buf.push(b'\n');
        Canon { buf }
    }

    fn field(&mut self, name: &str, value: &str) -> &mut Canon {
        self.buf.extend_from_slice(name.as_bytes());
        self.buf.push(b':');
        self.buf
            .extend_from_slice(value.len().to_string().as_bytes());
        self.buf.push(b':');
        self.buf.extend_from_slice(value.as_bytes());
        self.buf.push(b'\n');
        self
    }

    fn list(&mut self, name: &str, values: &[String]) -> &mut Canon {
        self.field(&format!("{name}#"), &values.len().to_string());
        for (i, value) in values.iter().enumerate() {
            self.field(&format!("{name}[{i}]"), value);
        }
        self
    }

    fn finish(&mut self) -> Vec<u8> {
        std::mem::take(&mut self.buf)
    }
}

/// A seal record modelled on GB/T 38540 (电子印章): who the seal belongs to, who may use it,
/// and when. The seal authority signs it ([`sign_seal_record`]); certificates carry it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SealRecord {
    /// Format version, currently 1.
    pub version: u32,
    /// Seal identifier, e.g. `"210302001001-01"`.
    pub seal_id: String,
    /// Text on the seal (along the upper arc), e.g. `"鞍山市铁东区示例和平社区居民委员会"`.
    pub name: String,
    /// 12-digit statistical division code of the owning community.
    pub owner_code: String,
    /// Kind of seal, printed under the star, e.g. `"证明专用章"`.
    pub kind: String,
    /// The seal's own SM2 public key.
    pub public_key: PublicKey,
    /// Usernames of the accounts allowed to use the seal.
    pub allowed_signers: Vec<String>,
    /// First valid day, `YYYY-MM-DD`, inclusive.
    pub valid_from: String,
    /// Last valid day, `YYYY-MM-DD`, inclusive.
    pub valid_to: String,
    /// The authority that issued the seal, e.g. `"鞍山市电子印章管理机构"`.
    pub issuer: String,
    /// Signature algorithm, `"SM2-SM3"`.
    pub algorithm: String,
}

impl SealRecord {
    /// The bytes the authority signs: domain `jianfu-seal-record-v1`, then the fields `version`,
    /// `seal_id`, `name`, `owner_code`, `kind`, `public_key` (lowercase hex), `allowed_signers`
    /// (as a list), `valid_from`, `valid_to`, `issuer`, `algorithm` in this order.
    pub fn canonical_bytes(&self) -> Vec<u8> {
        Canon::new(SEAL_RECORD_DOMAIN)
            .field("version", &self.version.to_string())
            .field("seal_id", &self.seal_id)
            .field("name", &self.name)
            .field("owner_code", &self.owner_code)
            .field("kind", &self.kind)
            .field("public_key", &self.public_key.to_hex())
            .list("allowed_signers", &self.allowed_signers)
            .field("valid_from", &self.valid_from)
            .field("valid_to", &self.valid_to)
            .field("issuer", &self.issuer)
            .field("algorithm", &self.algorithm)
            .finish()
    }

    /// Whether `day` (`YYYY-MM-DD`) lies within `valid_from..=valid_to`. Errors if any of the
    /// three is not a real date.
    pub fn is_valid_on(&self, day: &str) -> Result<bool, SealError> {
        let day_n = parse_date(day)?;
        let from = parse_date(&self.valid_from)?;
        let to = parse_date(&self.valid_to)?;
        Ok(from <= day_n && day_n <= to)
    }
}

/// A seal record with the seal authority's signature.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SignedSealRecord {
    /// The record.
    pub record: SealRecord,
    /// SM2 signature by the authority key over [`SealRecord::canonical_bytes`], hex `r || s`.
    pub signature: String,
}

/// The seal authority signs a seal record. The record is taken as given; the caller decides
/// what goes into it.
pub fn sign_seal_record(record: SealRecord, authority: &SealKey) -> SignedSealRecord {
    let signature = authority.sign_hex(&record.canonical_bytes());
    SignedSealRecord { record, signature }
}

/// Check that a seal record is signed by `authority` and uses `SM2-SM3`; use it when loading
/// a seal before issuing with it. ([`verify_sealed`] does the same as part of its checks.)
pub fn verify_seal_record(
    seal: &SignedSealRecord,
    authority: &PublicKey,
) -> Result<(), VerifyError> {
    if seal.record.algorithm != ALGORITHM {
        return Err(VerifyError::WrongAlgorithm(seal.record.algorithm.clone()));
    }
    if seal.record.version != 1 {
        return Err(VerifyError::UnsupportedVersion(seal.record.version));
    }
    if !authority.verify_hex(&seal.record.canonical_bytes(), &seal.signature) {
        return Err(VerifyError::SealRecordNotTrusted);
    }
    Ok(())
}

/// What a certificate says. Its [`canonical_bytes`](CertificateContent::canonical_bytes) are
/// what the seal signs.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CertificateContent {
    /// Format version, currently 1.
    pub version: u32,
    /// Serial number, e.g. `"ZM-2026-000123"`.
    pub serial: String,
    /// Unguessable check code (核验码), e.g. from [`crate::generate_check_code`].
    pub check_code: String,
    /// Catalogue key of the certificate type.
    pub type_code: String,
    /// Certificate type name, e.g. `"亲属关系证明"`; printed as the title.
    pub type_name: String,
    /// Name of the issuing community, printed above the date.
    pub community_name: String,
    /// 12-digit division code of the issuing community.
    pub community_code: String,
    /// Applicant's name.
    pub applicant_name: String,
    /// Applicant's full 18-character ID number; only the holder of the PDF/JSON sees it.
    pub applicant_id_number: String,
    /// What the certificate is for.
    pub purpose: String,
    /// The filled certificate wording; `\n` separates paragraphs.
    pub body: String,
    /// Issue date, `YYYY-MM-DD`; printed as `2026年11月28日`.
    pub issued_on: String,
    /// Full URL the QR code encodes, with serial and check code.
    pub verify_url: String,
    /// The seal used, equal to the seal record's `seal_id`.
    pub seal_id: String,
    /// Username of the issuing worker; must be among the seal's allowed signers.
    pub signer: String,
}

impl CertificateContent {
    /// The bytes the seal signs: domain `jianfu-certificate-v1`, then the fields `version`,
    /// `serial`, `check_code`, `type_code`, `type_name`, `community_name`, `community_code`,
    /// `applicant_name`, `applicant_id_number`, `purpose`, `body`, `issued_on`, `verify_url`,
    /// `seal_id`, `signer` in this order, each as `name:len:value\n` (see the module docs).
    pub fn canonical_bytes(&self) -> Vec<u8> {
        Canon::new(CERTIFICATE_DOMAIN)
            .field("version", &self.version.to_string())
            .field("serial", &self.serial)
            .field("check_code", &self.check_code)
            .field("type_code", &self.type_code)
            .field("type_name", &self.type_name)
            .field("community_name", &self.community_name)
            .field("community_code", &self.community_code)
            .field("applicant_name", &self.applicant_name)
            .field("applicant_id_number", &self.applicant_id_number)
            .field("purpose", &self.purpose)
            .field("body", &self.body)
            .field("issued_on", &self.issued_on)
            .field("verify_url", &self.verify_url)
            .field("seal_id", &self.seal_id)
            .field("signer", &self.signer)
            .finish()
    }
}

/// A certificate with its seal: content, the authority-signed seal record, and the seal's
/// signature. This is the JSON a holder gets, and what a PDF embeds as `certificate.json`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SealedCertificate {
    /// What the certificate says.
    pub content: CertificateContent,
    /// The seal used, as signed by the authority.
    pub seal: SignedSealRecord,
    /// `"SM2-SM3"`.
    pub algorithm: String,
    /// SM3 of `content.canonical_bytes()`, lowercase hex.
    pub digest: String,
    /// SM2 signature (distid `1234567812345678`) by the seal key over
    /// `content.canonical_bytes()`, hex `r || s`.
    pub signature: String,
}

impl SealedCertificate {
    /// Pretty-printed JSON of the sealed certificate (what [`crate::verify_file`] accepts).
    pub fn to_json(&self) -> String {
        // Serializing plain strings and numbers cannot fail.
        serde_json::to_string_pretty(self).unwrap_or_default()
    }
}

/// Seal a certificate: check the seal's rules and sign the content with the seal key.
///
/// Refuses, in this order: a record whose algorithm is not `SM2-SM3`
/// ([`SealError::WrongAlgorithm`]), a content or record version other than 1, a key that does
/// not match `seal.record.public_key` ([`SealError::KeyMismatch`]), a different `seal_id`, a
/// community that does not own the seal ([`SealError::NotSealOwner`]), dates
/// that are not real `YYYY-MM-DD` days, an issue date outside the seal's validity, a signer not
/// in `allowed_signers`, and text the PDF font cannot print
/// ([`SealError::UnsupportedCharacters`], so that every sealed certificate can be rendered).
/// It does not check the authority's signature on the record: do that once when loading the
/// seal, with [`verify_seal_record`].
pub fn seal_certificate(
    content: CertificateContent,
    seal: &SignedSealRecord,
    key: &SealKey,
) -> Result<SealedCertificate, SealError> {
    let record = &seal.record;
    if record.algorithm != ALGORITHM {
        return Err(SealError::WrongAlgorithm(record.algorithm.clone()));
    }
    if record.version != 1 {
        return Err(SealError::UnsupportedVersion(record.version));
    }
    if content.version != 1 {
        return Err(SealError::UnsupportedVersion(content.version));
    }
    if key.public_key() != record.public_key {
        return Err(SealError::KeyMismatch);
    }
    if content.seal_id != record.seal_id {
        return Err(SealError::SealIdMismatch {
            content: content.seal_id.clone(),
            record: record.seal_id.clone(),
        });
    }
    if !issuer_owns_seal(&content, record) {
        return Err(SealError::NotSealOwner {
            community: format!("{}（{}）", content.community_name, content.community_code),
            owner: format!("{}（{}）", record.name, record.owner_code),
        });
    }
    if !record.is_valid_on(&content.issued_on)? {
        return Err(SealError::OutsideValidity {
            issued_on: content.issued_on.clone(),
            valid_from: record.valid_from.clone(),
            valid_to: record.valid_to.clone(),
        });
    }
    if !record.allowed_signers.contains(&content.signer) {
        return Err(SealError::SignerNotAllowed(content.signer.clone()));
    }
    crate::layout::check_printable(&crate::render::printed_texts(&content, record))?;
    let bytes = content.canonical_bytes();
    Ok(SealedCertificate {
        digest: sm3_hex(&bytes),
        signature: key.sign_hex(&bytes),
        algorithm: ALGORITHM.to_string(),
        seal: seal.clone(),
        content,
    })
}

/// Verify a sealed certificate against the seal authority's public key.
///
/// Checks, in this order, each failure its own [`VerifyError`]: algorithm of the certificate
/// and of the seal record (`WrongAlgorithm`), format versions (`UnsupportedVersion`), the
/// canonical spelling of the digest and signatures (`NotCanonical`: lowercase hex only), the
/// authority's signature on the seal record (`SealRecordNotTrusted`), the seal id
/// (`SealIdMismatch`), the issuing community as the seal's owner (`NotSealOwner`, see
/// [`issuer_owns_seal`]), the SM3 digest of the content (`DigestMismatch`: content changed), the
/// seal's SM2 signature over the content (`BadSignature`), the issue date within the seal's
/// validity (`OutsideValidity`; `InvalidDate` if a date is malformed) and the signer among the
/// allowed signers (`SignerNotAllowed`).
pub fn verify_sealed(doc: &SealedCertificate, authority: &PublicKey) -> Result<(), VerifyError> {
    if doc.algorithm != ALGORITHM {
        return Err(VerifyError::WrongAlgorithm(doc.algorithm.clone()));
    }
    if doc.content.version != 1 {
        return Err(VerifyError::UnsupportedVersion(doc.content.version));
    }
    for (what, hex, len) in [
        ("摘要", &doc.digest, 64),
        ("证明签名", &doc.signature, 128),
        ("印章记录签名", &doc.seal.signature, 128),
    ] {
        if !is_lower_hex(hex, len) {
            return Err(VerifyError::NotCanonical(what));
        }
    }
    verify_seal_record(&doc.seal, authority)?;
    let record = &doc.seal.record;
    if doc.content.seal_id != record.seal_id {
        return Err(VerifyError::SealIdMismatch);
    }
    if !issuer_owns_seal(&doc.content, record) {
        return Err(VerifyError::NotSealOwner);
    }
    let bytes = doc.content.canonical_bytes();
    if sm3_hex(&bytes) != doc.digest {
        return Err(VerifyError::DigestMismatch);
    }
    if !record.public_key.verify_hex(&bytes, &doc.signature) {
        return Err(VerifyError::BadSignature);
    }
    match record.is_valid_on(&doc.content.issued_on) {
        Ok(true) => {}
        Ok(false) => return Err(VerifyError::OutsideValidity),
        Err(e) => return Err(VerifyError::InvalidDate(e.message())),
    }
    if !record.allowed_signers.contains(&doc.content.signer) {
        return Err(VerifyError::SignerNotAllowed);
    }
    Ok(())
}

/// Whether the certificate's issuing community is the seal's owner: the same division code,
/// and the seal's text names the community. A seal's text is the community's name, often
/// with the city and district before it and 居民委员会 or 村民委员会 after it
/// (鞍山市铁东区示例和平社区居民委员会 for 示例和平社区); the certificate may write either form.
pub fn issuer_owns_seal(content: &CertificateContent, record: &SealRecord) -> bool {
    fn stem(name: &str) -> &str {
        let name = name.trim();
        name.strip_suffix("居民委员会")
            .or_else(|| name.strip_suffix("村民委员会"))
            .unwrap_or(name)
    }
    let community = stem(&content.community_name);
    content.community_code == record.owner_code
        && !community.is_empty()
        && stem(&record.name).ends_with(community)
}

/// Whether `s` is exactly `len` lowercase hex digits: the one spelling signed documents use.
fn is_lower_hex(s: &str, len: usize) -> bool {
    s.len() == len && s.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

/// Parse `YYYY-MM-DD` into a sortable number `YYYYMMDD`, checking it is a real calendar day.
pub(crate) fn parse_date(s: &str) -> Result<u32, SealError> {
    let (y, m, d) = date_parts(s).ok_or_else(|| SealError::InvalidDate(s.to_string()))?;
    Ok(y * 10_000 + m * 100 + d)
}

/// `(year, month, day)` of a real `YYYY-MM-DD` day, or `None`.
pub(crate) fn date_parts(s: &str) -> Option<(u32, u32, u32)> {
    let b = s.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let num = |r: std::ops::Range<usize>| -> Option<u32> {
        let part = &s[r];
        if part.bytes().all(|c| c.is_ascii_digit()) {
            part.parse().ok()
        } else {
            None
        }
    };
    let (y, m, d) = (num(0..4)?, num(5..7)?, num(8..10)?);
    let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    let days = match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return None,
    };
    if y == 0 || d == 0 || d > days {
        return None;
    }
    Some((y, m, d))
}
