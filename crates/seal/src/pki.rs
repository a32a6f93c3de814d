//! A small SM2 X.509 PKI after the GM/T 0015 profile, so that other government systems can read
//! who signed: the seal authority (电子印章管理机构) has a self-signed root; it issues a
//! certificate to each seal maker (制章者, the body that makes seals) and to each signer
//! (签章人, the worker or head who applies a seal).
//!
//! * Keys are SM2 (GB/T 32918) as `id-ecPublicKey` (1.2.840.10045.2.1) with the curve
//!   parameter 1.2.156.10197.1.301; certificates are signed SM3withSM2 (1.2.156.10197.1.501)
//!   with the distinguishing ID `1234567812345678`; the signature value is DER
//!   `SEQUENCE { r, s }` (GM/T 0009), as OpenSSL 3 writes and reads it.
//! * Subjects are `C=CN, O=<organization>, CN=<name>`; the root has basicConstraints CA
//!   (path length 0, critical) and keyUsage keyCertSign + cRLSign (critical); seal makers and
//!   signers have basicConstraints CA:FALSE and keyUsage digitalSignature + nonRepudiation
//!   (both critical). Every certificate carries subjectKeyIdentifier and
//!   authorityKeyIdentifier; the key identifier is the leftmost 160 bits of the SM3 hash of the
//!   subjectPublicKey bits (RFC 7093 method 1 with SM3 in place of SHA-256: no SHA-1 in a
//!   system that is otherwise SM-only).
//! * [`TrustedRoot::verify`] checks a certificate against the root: issuer and signature (over
//!   the `tbsCertificate` bytes as received, so a certificate from another vendor that encodes
//!   `critical FALSE` explicitly still verifies), validity of both at a given time, key usage,
//!   and a revocation list that the caller passes in ([`Revocation`]).
//!
//! Certificates are built with RustCrypto's `x509-cert` builder and a profile of our own
//! ([`GmProfile`]); the builder signs through [`DerSigner`], which turns `sm2`'s `r || s`
//! signature into the DER form X.509 needs.

use std::fmt;
use std::time::SystemTime;

use aes_gcm::aead::Generate;
use der::asn1::{Any, BitString, ObjectIdentifier, OctetString};
use der::pem::LineEnding;
use der::{Decode, Encode, Sequence, Tag};
use sm2::dsa::signature::{Keypair, Signer};
use sm2::dsa::{DerSignature, Signature, VerifyingKey};
use spki::{
    AlgorithmIdentifier, AlgorithmIdentifierOwned, AssociatedAlgorithmIdentifier,
    SignatureAlgorithmIdentifier, SubjectPublicKeyInfoOwned, SubjectPublicKeyInfoRef,
};
use x509_cert::TbsCertificate;
use x509_cert::attr::AttributeTypeAndValue;
use x509_cert::builder::profile::BuilderProfile;
use x509_cert::builder::{Builder, CertificateBuilder};
use x509_cert::ext::pkix::{
    AuthorityKeyIdentifier, BasicConstraints, KeyUsage, KeyUsages, SubjectKeyIdentifier,
};
use x509_cert::ext::{Extension, ToExtension};
use x509_cert::name::{Name, RdnSequence, RelativeDistinguishedName};
use x509_cert::serial_number::SerialNumber;
use x509_cert::time::{Time, Validity};

use crate::asn1::{Raw, show_time, truncate};
use crate::error::PkiError;
use crate::keys::{PublicKey, SealKey, sm3_bytes};

/// id-ecPublicKey (RFC 5480), the algorithm of an SM2 SubjectPublicKeyInfo.
pub const OID_EC_PUBLIC_KEY: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.2.1");
/// The SM2 curve (GM/T 0006), the parameter of an SM2 SubjectPublicKeyInfo.
pub const OID_SM2: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.156.10197.1.301");
/// SM3withSM2 (GM/T 0006), the only signature algorithm made or accepted here.
pub const OID_SM3_WITH_SM2: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.156.10197.1.501");

const OID_COUNTRY: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.4.6");
const OID_ORGANIZATION: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.4.10");
const OID_COMMON_NAME: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.4.3");

/// What a certificate is for; decides its extensions.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CertRole {
    /// The seal authority's self-signed root: CA, keyCertSign + cRLSign.
    Root,
    /// A seal maker: signs `SESeal` structures; digitalSignature + nonRepudiation.
    SealMaker,
    /// A signer who applies a seal: signs `SES_Signature`; digitalSignature + nonRepudiation.
    Signer,
}

/// The subject of a certificate: `C=CN, O=organization, CN=common_name`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Subject {
    /// CN: the person's or body's name, e.g. `王丽` or `鞍山市电子印章管理机构`.
    pub common_name: String,
    /// O: the organization, e.g. `鞍山市铁东区示例和平社区居民委员会`.
    pub organization: String,
}

impl Subject {
    /// A subject from its two names.
    pub fn new(common_name: &str, organization: &str) -> Subject {
        Subject {
            common_name: common_name.to_string(),
            organization: organization.to_string(),
        }
    }

    fn to_name(&self) -> Result<Name, PkiError> {
        for (text, what) in [
            (&self.common_name, "CN 为空或含控制字符"),
            (&self.organization, "O 为空或含控制字符"),
        ] {
            if text.trim().is_empty() || text.chars().any(char::is_control) {
                return Err(PkiError::InvalidName(what));
            }
        }
        let attribute = |oid, tag, text: &str| -> Result<RelativeDistinguishedName, PkiError> {
            let value = Any::new(tag, text.as_bytes()).map_err(encoding)?;
            RelativeDistinguishedName::try_from(vec![AttributeTypeAndValue { oid, value }])
                .map_err(encoding)
        };
        let rdns = RdnSequence::from(vec![
            attribute(OID_COUNTRY, Tag::PrintableString, "CN")?,
            attribute(OID_ORGANIZATION, Tag::Utf8String, &self.organization)?,
            attribute(OID_COMMON_NAME, Tag::Utf8String, &self.common_name)?,
        ]);
        Name::from_der(&rdns.to_der().map_err(encoding)?).map_err(encoding)
    }
}

fn encoding(e: impl fmt::Display) -> PkiError {
    PkiError::Encoding(e.to_string())
}

/// A certificate serial number: a positive integer of at most 20 bytes, kept big-endian
/// without leading zeros. Shown as lowercase hex.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Serial(Vec<u8>);

impl Serial {
    /// A serial from its big-endian bytes (leading zeros are dropped).
    pub fn from_bytes(bytes: &[u8]) -> Result<Serial, PkiError> {
        let start = bytes.iter().position(|&b| b != 0).unwrap_or(bytes.len());
        let bytes = &bytes[start..];
        if bytes.is_empty() || bytes.len() > 20 || (bytes.len() == 20 && bytes[0] & 0x80 != 0) {
            return Err(PkiError::InvalidSerial);
        }
        Ok(Serial(bytes.to_vec()))
    }

    /// A serial from a number (not zero).
    pub fn from_u64(n: u64) -> Result<Serial, PkiError> {
        Serial::from_bytes(&n.to_be_bytes())
    }

    /// A fresh random serial of 127 bits from the operating system.
    pub fn random() -> Serial {
        loop {
            let mut bytes = <[u8; 16]>::generate();
            bytes[0] &= 0x7f;
            if let Ok(serial) = Serial::from_bytes(&bytes) {
                return serial;
            }
        }
    }

    /// Big-endian bytes without leading zeros.
    pub fn as_bytes(&self) -> &[u8] {
        &self.0
    }

    fn to_x509(&self) -> Result<SerialNumber, PkiError> {
        SerialNumber::new(&self.0).map_err(|_| PkiError::InvalidSerial)
    }
}

impl fmt::Display for Serial {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&hex::encode(&self.0))
    }
}

impl fmt::Debug for Serial {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Serial({self})")
    }
}

/// One revoked certificate: its serial and when it was revoked (a signer who left the seal).
/// Signatures made before `revoked_at` stay valid; the caller keeps the list (the database
/// record comes with the slice that wires this into issuing).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Revocation {
    /// Serial of the revoked certificate.
    pub serial: Serial,
    /// When it was revoked.
    pub revoked_at: SystemTime,
}

/// The parts of a certificate as received: the exact `tbsCertificate` bytes (with their
/// decoded value), the outer algorithm and the signature bits (RFC 5280 §4.1).
#[derive(Sequence)]
struct SignedTbs {
    tbs: Raw<TbsCertificate>,
    signature_algorithm: AlgorithmIdentifierOwned,
    signature: BitString,
}

/// An SM2 X.509 certificate, read from DER or PEM or issued here. Keeps the bytes as received;
/// equality is equality of those bytes.
#[derive(Clone)]
pub struct X509Certificate {
    der: Vec<u8>,
    signed: std::sync::Arc<SignedTbs>,
    public_key: PublicKey,
    serial: Serial,
}

impl PartialEq for X509Certificate {
    fn eq(&self, other: &Self) -> bool {
        self.der == other.der
    }
}

impl Eq for X509Certificate {}

impl fmt::Debug for X509Certificate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("X509Certificate")
            .field("serial", &self.serial)
            .field("subject", &self.subject_string())
            .field("issuer", &self.issuer_string())
            .finish_non_exhaustive()
    }
}

impl X509Certificate {
    /// Read a DER certificate. It must be signed SM3withSM2 and carry an SM2 key; anything
    /// else in it is taken as it comes (the signature is later checked over the received bytes).
    pub fn from_der(der: &[u8]) -> Result<X509Certificate, PkiError> {
        let signed = SignedTbs::from_der(der).map_err(|_| PkiError::Malformed("X.509 证书"))?;
        let tbs = signed.tbs.value();
        require_sm3_with_sm2(&signed.signature_algorithm.oid)?;
        require_sm3_with_sm2(&tbs.signature().oid)?;
        if signed.signature_algorithm != *tbs.signature() {
            return Err(PkiError::Malformed("X.509 证书（内外签名算法不一致）"));
        }
        let public_key = sm2_public_key(tbs.subject_public_key_info())?;
        let serial = Serial::from_bytes(tbs.serial_number().as_bytes())?;
        Ok(X509Certificate {
            der: der.to_vec(),
            signed: std::sync::Arc::new(signed),
            public_key,
            serial,
        })
    }

    /// Read a PEM certificate (`-----BEGIN CERTIFICATE-----`).
    pub fn from_pem(pem: &str) -> Result<X509Certificate, PkiError> {
        let (label, der) = der::pem::decode_vec(pem.trim().as_bytes())
            .map_err(|_| PkiError::Pem("CERTIFICATE"))?;
        if label != "CERTIFICATE" {
            return Err(PkiError::Pem("CERTIFICATE"));
        }
        X509Certificate::from_der(&der)
    }

    /// The DER bytes, exactly as read or issued.
    pub fn der(&self) -> &[u8] {
        &self.der
    }

    /// PEM text with LF line endings.
    pub fn to_pem(&self) -> String {
        // Base64 of a Vec cannot fail; an empty string would be refused by any reader.
        der::pem::encode_string("CERTIFICATE", LineEnding::LF, &self.der).unwrap_or_default()
    }

    /// The `tbsCertificate` bytes as received: what the issuer's signature covers.
    pub fn tbs_der(&self) -> &[u8] {
        self.signed.tbs.der()
    }

    /// The signature value as received (DER `SEQUENCE { r, s }` from us; raw `r || s` from
    /// some vendors).
    pub fn signature_value(&self) -> &[u8] {
        self.signed.signature.raw_bytes()
    }

    /// The serial number.
    pub fn serial(&self) -> &Serial {
        &self.serial
    }

    /// The SM2 public key of the subject.
    pub fn public_key(&self) -> &PublicKey {
        &self.public_key
    }

    fn tbs(&self) -> &TbsCertificate {
        self.signed.tbs.value()
    }

    /// CN and O of the subject (empty where absent or not a string).
    pub fn subject(&self) -> Subject {
        let name = self.tbs().subject();
        let text = |value: der::Result<Option<x509_cert::ext::pkix::name::DirectoryString>>| {
            value
                .ok()
                .flatten()
                .map(|s| s.value().into_owned())
                .unwrap_or_default()
        };
        Subject {
            common_name: text(name.common_name()),
            organization: text(name.organization()),
        }
    }

    /// The subject as an RFC 4514 string.
    pub fn subject_string(&self) -> String {
        self.tbs().subject().to_string()
    }

    /// The issuer as an RFC 4514 string.
    pub fn issuer_string(&self) -> String {
        self.tbs().issuer().to_string()
    }

    /// Start of validity.
    pub fn not_before(&self) -> SystemTime {
        self.tbs().validity().not_before.to_system_time()
    }

    /// End of validity.
    pub fn not_after(&self) -> SystemTime {
        self.tbs().validity().not_after.to_system_time()
    }

    /// Whether basicConstraints says CA (absent means not a CA).
    pub fn is_ca(&self) -> bool {
        matches!(
            self.tbs().get_extension::<BasicConstraints>(),
            Ok(Some((_, bc))) if bc.ca
        )
    }

    fn key_usage(&self) -> Option<KeyUsage> {
        self.tbs()
            .get_extension::<KeyUsage>()
            .ok()
            .flatten()
            .map(|(_, usage)| usage)
    }

    /// The subjectKeyIdentifier, if present.
    pub fn key_identifier(&self) -> Option<Vec<u8>> {
        self.tbs()
            .get_extension::<SubjectKeyIdentifier>()
            .ok()
            .flatten()
            .map(|(_, ski)| ski.0.as_bytes().to_vec())
    }

    /// Whether `issuer`'s key verifies this certificate's signature over the received
    /// `tbsCertificate` bytes (raw or DER signature value).
    pub fn is_signed_by(&self, issuer: &PublicKey) -> bool {
        signature_holds(issuer, self.tbs_der(), &self.signed.signature)
    }

    /// Whether this certificate's validity covers `at`.
    pub fn is_valid_at(&self, at: SystemTime) -> bool {
        self.not_before() <= at && at <= self.not_after()
    }

    fn outside_validity(&self, at: SystemTime) -> PkiError {
        PkiError::CertificateOutsideValidity {
            serial: self.serial.to_string(),
            at: show_time(at),
            not_before: show_time(self.not_before()),
            not_after: show_time(self.not_after()),
        }
    }
}

/// Whether `signature` (a BIT STRING of whole bytes holding raw `r || s` or DER
/// `SEQUENCE { r, s }`) is `key`'s SM2 signature over `signed`, exactly as given.
pub(crate) fn signature_holds(key: &PublicKey, signed: &[u8], signature: &BitString) -> bool {
    signature.unused_bits() == 0 && key.verify_raw_or_der(signed, signature.raw_bytes())
}

/// `oid` must be SM3withSM2.
pub(crate) fn require_sm3_with_sm2(oid: &ObjectIdentifier) -> Result<(), PkiError> {
    if *oid != OID_SM3_WITH_SM2 {
        return Err(PkiError::UnsupportedAlgorithm(oid.to_string()));
    }
    Ok(())
}

/// The SM2 key of a SubjectPublicKeyInfo: id-ecPublicKey with the SM2 curve, uncompressed point.
fn sm2_public_key(spki: &SubjectPublicKeyInfoOwned) -> Result<PublicKey, PkiError> {
    if spki.algorithm.oid != OID_EC_PUBLIC_KEY {
        return Err(PkiError::NotSm2Key);
    }
    let curve = spki
        .algorithm
        .parameters
        .as_ref()
        .and_then(|p| p.decode_as::<ObjectIdentifier>().ok());
    if curve != Some(OID_SM2) {
        return Err(PkiError::NotSm2Key);
    }
    let point = spki
        .subject_public_key
        .as_bytes()
        .ok_or(PkiError::NotSm2Key)?;
    PublicKey::from_sec1(point).map_err(|_| PkiError::NotSm2Key)
}

/// The key identifier of a public key: the leftmost 160 bits of SM3 over the subjectPublicKey
/// bits (RFC 7093 method 1, with SM3).
fn key_identifier(spk: SubjectPublicKeyInfoRef<'_>) -> Vec<u8> {
    sm3_bytes(spk.subject_public_key.raw_bytes())[..20].to_vec()
}

/// The certificate profile of this PKI (see the module docs), for `x509-cert`'s builder.
struct GmProfile {
    role: CertRole,
    subject: Name,
    issuer: Name,
    /// The issuer's subjectKeyIdentifier when it has one (for the authorityKeyIdentifier).
    issuer_key_id: Option<Vec<u8>>,
}

impl BuilderProfile for GmProfile {
    fn get_issuer(&self, _subject: &Name) -> Name {
        self.issuer.clone()
    }

    fn get_subject(&self) -> Name {
        self.subject.clone()
    }

    fn build_extensions(
        &self,
        spk: SubjectPublicKeyInfoRef<'_>,
        issuer_spk: SubjectPublicKeyInfoRef<'_>,
        tbs: &TbsCertificate,
    ) -> x509_cert::builder::Result<Vec<Extension>> {
        let subject = tbs.subject();
        let (constraints, usage) = match self.role {
            CertRole::Root => (
                BasicConstraints {
                    ca: true,
                    path_len_constraint: Some(0),
                },
                KeyUsages::KeyCertSign | KeyUsages::CRLSign,
            ),
            CertRole::SealMaker | CertRole::Signer => (
                BasicConstraints {
                    ca: false,
                    path_len_constraint: None,
                },
                KeyUsages::DigitalSignature | KeyUsages::NonRepudiation,
            ),
        };
        let ski = SubjectKeyIdentifier(OctetString::new(key_identifier(spk))?);
        let issuer_key_id = match &self.issuer_key_id {
            Some(id) => id.clone(),
            None => key_identifier(issuer_spk),
        };
        let aki = AuthorityKeyIdentifier {
            key_identifier: Some(OctetString::new(issuer_key_id)?),
            authority_cert_issuer: None,
            authority_cert_serial_number: None,
        };
        Ok(vec![
            (true, &constraints).to_extension(subject, &[])?,
            (true, &KeyUsage(usage)).to_extension(subject, &[])?,
            (false, &ski).to_extension(subject, &[])?,
            (false, &aki).to_extension(subject, &[])?,
        ])
    }
}

/// Signs for `x509-cert`'s builder with an SM2 key, producing the DER `SEQUENCE { r, s }`
/// signature value X.509 carries (`sm2`'s own `Signer` gives `r || s`).
struct DerSigner<'a>(&'a SealKey);

impl Keypair for DerSigner<'_> {
    type VerifyingKey = VerifyingKey;

    fn verifying_key(&self) -> VerifyingKey {
        self.0.signing_key().verifying_key().clone()
    }
}

impl SignatureAlgorithmIdentifier for DerSigner<'_> {
    type Params = der::AnyRef<'static>;

    const SIGNATURE_ALGORITHM_IDENTIFIER: AlgorithmIdentifier<Self::Params> =
        Signature::ALGORITHM_IDENTIFIER;
}

impl Signer<DerSignature> for DerSigner<'_> {
    fn try_sign(&self, message: &[u8]) -> Result<DerSignature, sm2::dsa::signature::Error> {
        let signature: Signature = self.0.signing_key().try_sign(message)?;
        Ok(signature.into())
    }
}

/// What a new certificate says besides its key and role.
#[derive(Clone, Debug)]
pub struct CertificateSpec {
    /// Whom it is for.
    pub subject: Subject,
    /// Its serial number (unique per issuer).
    pub serial: Serial,
    /// Start of validity (cut to whole seconds).
    pub not_before: SystemTime,
    /// End of validity (cut to whole seconds).
    pub not_after: SystemTime,
}

fn build(
    spec: &CertificateSpec,
    role: CertRole,
    subject_key: &PublicKey,
    issuer: Option<&X509Certificate>,
    issuer_key: &SealKey,
) -> Result<X509Certificate, PkiError> {
    let not_before = truncate(spec.not_before)?;
    let not_after = truncate(spec.not_after)?;
    if not_after <= not_before {
        return Err(PkiError::InvalidTime("有效期终止时间应晚于起始时间"));
    }
    let time = |t: SystemTime| {
        Time::try_from(t).map_err(|_| PkiError::InvalidTime("超出 1970 至 9999 年的范围"))
    };
    let validity = Validity::new(time(not_before)?, time(not_after)?);
    let subject = spec.subject.to_name()?;
    let (issuer_name, issuer_key_id) = match issuer {
        Some(cert) => (cert.tbs().subject().clone(), cert.key_identifier()),
        None => (subject.clone(), None),
    };
    let spki = SubjectPublicKeyInfoOwned::from_key(
        &subject_key
            .verifying_key()
            .map_err(|_| PkiError::NotSm2Key)?,
    )
    .map_err(encoding)?;
    let profile = GmProfile {
        role,
        subject,
        issuer: issuer_name,
        issuer_key_id,
    };
    let builder = CertificateBuilder::new(profile, spec.serial.to_x509()?, validity, spki)
        .map_err(encoding)?;
    let cert = builder
        .build::<_, DerSignature>(&DerSigner(issuer_key))
        .map_err(encoding)?;
    X509Certificate::from_der(&cert.to_der().map_err(encoding)?)
}

/// Make the seal authority's self-signed root certificate for `key`.
pub fn issue_root(spec: &CertificateSpec, key: &SealKey) -> Result<X509Certificate, PkiError> {
    build(spec, CertRole::Root, &key.public_key(), None, key)
}

/// Issue a seal maker's or signer's certificate for `subject_key`, signed by the root.
/// `root_key` must belong to `root`.
pub fn issue(
    spec: &CertificateSpec,
    role: CertRole,
    subject_key: &PublicKey,
    root: &X509Certificate,
    root_key: &SealKey,
) -> Result<X509Certificate, PkiError> {
    if root_key.public_key() != *root.public_key() {
        return Err(PkiError::KeyMismatch);
    }
    if role == CertRole::Root || !root.is_ca() {
        return Err(PkiError::WrongKeyUsage(root.serial().to_string()));
    }
    build(spec, role, subject_key, Some(root), root_key)
}

/// The seal authority's root, checked once, against which certificates are verified.
#[derive(Clone, Debug)]
pub struct TrustedRoot {
    cert: X509Certificate,
}

impl TrustedRoot {
    /// Accept `cert` as the trust anchor if it is self-issued, its self-signature verifies,
    /// and it is a CA allowed to sign certificates. Its validity is checked with each
    /// [`TrustedRoot::verify`].
    pub fn new(cert: X509Certificate) -> Result<TrustedRoot, PkiError> {
        let tbs = cert.tbs();
        let can_sign = cert.key_usage().is_some_and(|u| u.key_cert_sign());
        if tbs.subject() != tbs.issuer()
            || !cert.is_signed_by(cert.public_key())
            || !cert.is_ca()
            || !can_sign
        {
            return Err(PkiError::InvalidRoot);
        }
        Ok(TrustedRoot { cert })
    }

    /// The root certificate.
    pub fn certificate(&self) -> &X509Certificate {
        &self.cert
    }

    /// Check that `cert` is an end-entity certificate (seal maker or signer) issued by this
    /// root and good at time `at`: issuer name and signature ([`PkiError::ForeignAuthority`]),
    /// the root's and the certificate's validity
    /// ([`PkiError::CertificateOutsideValidity`]), key usage digitalSignature or
    /// nonRepudiation and not a CA ([`PkiError::WrongKeyUsage`]), and not revoked at or before
    /// `at` ([`PkiError::Revoked`]).
    pub fn verify(
        &self,
        cert: &X509Certificate,
        at: SystemTime,
        revoked: &[Revocation],
    ) -> Result<(), PkiError> {
        if cert.tbs().issuer() != self.cert.tbs().subject()
            || !cert.is_signed_by(self.cert.public_key())
        {
            return Err(PkiError::ForeignAuthority(cert.serial().to_string()));
        }
        if !self.cert.is_valid_at(at) {
            return Err(self.cert.outside_validity(at));
        }
        if !cert.is_valid_at(at) {
            return Err(cert.outside_validity(at));
        }
        let signs = cert
            .key_usage()
            .is_some_and(|u| u.digital_signature() || u.non_repudiation());
        if cert.is_ca() || !signs {
            return Err(PkiError::WrongKeyUsage(cert.serial().to_string()));
        }
        if let Some(entry) = revoked
            .iter()
            .find(|r| r.serial == *cert.serial() && r.revoked_at <= at)
        {
            return Err(PkiError::Revoked {
                serial: cert.serial().to_string(),
                revoked_at: show_time(entry.revoked_at),
            });
        }
        Ok(())
    }
}
