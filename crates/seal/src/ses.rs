//! Electronic seals and signatures in the GB/T 38540-2020 version 4 structures (`SESeal`,
//! `SES_Signature`), so that other systems of the e-seal and e-licence ecosystem can read and
//! check them.
//!
//! A seal maker signs the DER of `SES_SealInfo` (header `ES`/4/vendor, the seal's identifier,
//! its properties with the signers' certificates, its validity, and its PNG picture with the
//! size in millimetres): [`EsSeal::make`]. A signer whose certificate the seal lists signs the
//! DER of `TBS_Sign` (version 4, the whole seal, the time, the SM3 hash of the document and a
//! property string): [`sign`]. Both signatures are SM3withSM2 with the distinguishing ID
//! `1234567812345678`, written as DER `SEQUENCE { r, s }` inside the BIT STRING.
//!
//! [`EsSignature::verify`] checks, in this order, each with its own [`PkiError`]: the seal
//! maker's certificate chains to the root and was good when the seal was made, and its
//! signature over `SES_SealInfo` holds ([`PkiError::SealSignatureInvalid`]: the seal's data or
//! picture was changed); the signature over `TBS_Sign` holds with the signer's key
//! ([`PkiError::BadSignature`]); the signer's certificate is in the seal's list
//! ([`PkiError::SignerNotInSeal`]), chains to the root and was good and not revoked at the
//! signing time ([`PkiError::ForeignAuthority`], [`PkiError::CertificateOutsideValidity`],
//! [`PkiError::Revoked`]); the signing time lies in the seal's validity
//! ([`PkiError::SealOutsideValidity`]); and the document's SM3 hash matches
//! ([`PkiError::DataHashMismatch`]). Signatures are verified over the bytes as received (kept
//! from the parse, never re-encoded), and a signature value may be raw `r || s` or DER: both
//! occur in files made by other vendors.
//!
//! # The ASN.1
//!
//! Field order, types and tags follow the GB/T 38540-2020 v4 definitions as implemented in
//! ofdrw (`ofdrw-gm`, package `org.ofdrw.gm.ses.v4`: `SESeal`, `SES_SealInfo`,
//! `SES_ESPropertyInfo`, `SES_CertList`, `CertInfoList`, `TBS_Sign`, `SES_Signature`; and
//! `org.ofdrw.gm.ses.v1` for `SES_Header`, `SES_ESPictrueInfo`, `ExtData`), which
//! Chingliu/gm_0031_38540_verifier (`38540.cpp`, `SESv4_*`/`TBSv4_Sign`) agrees with:
//!
//! ```text
//! SESeal ::= SEQUENCE {
//!     eSealInfo   SES_SealInfo,
//!     cert        OCTET STRING,        -- seal maker's certificate (DER)
//!     signAlgID   OBJECT IDENTIFIER,   -- 1.2.156.10197.1.501
//!     signedValue BIT STRING }         -- over the DER of eSealInfo
//! SES_SealInfo ::= SEQUENCE {
//!     header   SES_Header,             -- SEQUENCE { id IA5String "ES", version INTEGER 4, vid IA5String }
//!     esID     IA5String,
//!     property SES_ESPropertyInfo,
//!     picture  SES_ESPictrueInfo,      -- SEQUENCE { type IA5String, data OCTET STRING,
//!                                      --            width INTEGER, height INTEGER }  (mm)
//!     extDatas ExtensionDatas OPTIONAL }
//! SES_ESPropertyInfo ::= SEQUENCE {
//!     type INTEGER, name UTF8String,
//!     certListType INTEGER,            -- 1: certificates, 2: certificate digests
//!     certList SES_CertList,           -- CHOICE { certs SEQUENCE OF OCTET STRING,
//!                                      --   certDigestList SEQUENCE OF CertDigestObj }
//!     createDate GeneralizedTime, validStart GeneralizedTime, validEnd GeneralizedTime }
//! ExtensionDatas ::= SEQUENCE OF ExtData  -- SEQUENCE { extnID OID, critical BOOLEAN DEFAULT FALSE,
//!                                      --            extnValue OCTET STRING }
//! TBS_Sign ::= SEQUENCE {
//!     version INTEGER 4, eseal SESeal, timeInfo GeneralizedTime,
//!     dataHash BIT STRING,             -- SM3 of the signed data
//!     propertyInfo IA5String,
//!     extDatas [0] EXPLICIT ExtensionDatas OPTIONAL }
//! SES_Signature ::= SEQUENCE {
//!     toSign TBS_Sign, cert OCTET STRING,  -- signer's certificate (DER)
//!     signatureAlgID OBJECT IDENTIFIER, signature BIT STRING,  -- over the DER of toSign
//!     timeStamp [0] EXPLICIT BIT STRING OPTIONAL }
//! ```
//!
//! The two CHOICE alternatives of `SES_CertList` share the SEQUENCE tag, so `certListType`
//! decides how `certList` is read (as ofdrw's `SES_CertList.getInstance(type, obj)` does).

use std::time::SystemTime;

use der::asn1::PrintableString;
use der::asn1::{Any, BitString, GeneralizedTime, Ia5String, ObjectIdentifier, OctetString};
use der::{Decode, Encode, Sequence};

use crate::asn1::{Raw, generalized_time, show_time, truncate};
use crate::error::PkiError;
use crate::keys::{SealKey, sm3_bytes};
use crate::pki::{
    OID_SM3_WITH_SM2, Revocation, TrustedRoot, X509Certificate, require_sm3_with_sm2,
    signature_holds,
};

/// `SES_Header.id`: always `ES`.
pub const HEADER_ID: &str = "ES";
/// The structure version written and read: 4 (GB/T 38540-2020).
pub const VERSION: u32 = 4;
/// `SES_Header.vid`, the vendor identifier this crate writes.
pub const VENDOR_ID: &str = "jianfu";
/// `certListType` 1: `certList` holds the signers' certificates.
const CERT_LIST_CERTIFICATES: i64 = 1;
/// `certListType` 2: `certList` holds digests of the signers' certificates.
const CERT_LIST_DIGESTS: i64 = 2;
const PNG_MAGIC: &[u8] = b"\x89PNG\r\n\x1a\n";

#[derive(Clone, Debug, Sequence)]
struct SesHeader {
    id: Ia5String,
    version: u32,
    vid: Ia5String,
}

#[derive(Clone, Debug, Sequence)]
struct CertDigestObj {
    digest_type: PrintableString,
    value: OctetString,
}

#[derive(Clone, Debug, Sequence)]
struct PropertyInfo {
    seal_type: i64,
    name: String,
    cert_list_type: i64,
    /// Read according to `cert_list_type` (see the module docs).
    cert_list: Any,
    create_date: GeneralizedTime,
    valid_start: GeneralizedTime,
    valid_end: GeneralizedTime,
}

#[derive(Clone, Debug, Sequence)]
struct PictureInfo {
    picture_type: Ia5String,
    data: OctetString,
    width: u32,
    height: u32,
}

#[derive(Clone, Debug, Sequence)]
struct ExtData {
    extn_id: ObjectIdentifier,
    #[asn1(default = "Default::default")]
    critical: bool,
    extn_value: OctetString,
}

#[derive(Clone, Debug, Sequence)]
struct SealInfo {
    header: SesHeader,
    es_id: Ia5String,
    property: PropertyInfo,
    picture: PictureInfo,
    #[asn1(optional = "true")]
    ext_datas: Option<Vec<ExtData>>,
}

#[derive(Clone, Debug, Sequence)]
struct SealAsn {
    e_seal_info: Raw<SealInfo>,
    cert: OctetString,
    sign_alg_id: ObjectIdentifier,
    signed_value: BitString,
}

#[derive(Clone, Debug, Sequence)]
struct TbsSign {
    version: u32,
    eseal: Raw<SealAsn>,
    time_info: GeneralizedTime,
    data_hash: BitString,
    property_info: Ia5String,
    #[asn1(context_specific = "0", tag_mode = "EXPLICIT", optional = "true")]
    ext_datas: Option<Vec<ExtData>>,
}

#[derive(Clone, Debug, Sequence)]
struct SignatureAsn {
    to_sign: Raw<TbsSign>,
    cert: OctetString,
    signature_alg_id: ObjectIdentifier,
    signature: BitString,
    #[asn1(context_specific = "0", tag_mode = "EXPLICIT", optional = "true")]
    time_stamp: Option<BitString>,
}

fn encoding(e: der::Error) -> PkiError {
    PkiError::Encoding(e.to_string())
}

fn ia5(text: &str, what: &'static str) -> Result<Ia5String, PkiError> {
    Ia5String::new(text).map_err(|_| PkiError::InvalidName(what))
}

/// The seal picture (`SES_ESPictrueInfo`): the image stamped on documents, and its printed size.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SealPicture {
    /// Picture type as written (`PNG` for seals made here).
    pub picture_type: String,
    /// The image file's bytes.
    pub data: Vec<u8>,
    /// Printed width in millimetres.
    pub width_mm: u32,
    /// Printed height in millimetres.
    pub height_mm: u32,
}

impl SealPicture {
    /// A PNG picture; refused unless `png` starts with the PNG signature and both sizes are
    /// positive.
    pub fn png(png: Vec<u8>, width_mm: u32, height_mm: u32) -> Result<SealPicture, PkiError> {
        if !png.starts_with(PNG_MAGIC) || width_mm == 0 || height_mm == 0 {
            return Err(PkiError::InvalidPicture);
        }
        Ok(SealPicture {
            picture_type: "PNG".to_string(),
            data: png,
            width_mm,
            height_mm,
        })
    }
}

/// `SES_ESPropertyInfo.type`: whose seal it is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SealType {
    /// 1: a body's seal (单位印章), such as a community's certificate seal.
    Organization,
    /// 2: a person's seal (个人印章).
    Personal,
}

impl SealType {
    fn code(self) -> i64 {
        match self {
            SealType::Organization => 1,
            SealType::Personal => 2,
        }
    }
}

/// What a new seal says ([`EsSeal::make`]).
#[derive(Clone, Debug)]
pub struct SealSpec {
    /// `esID`, the seal's identifier (ASCII), e.g. `210302001001-01`.
    pub es_id: String,
    /// Whose seal it is.
    pub seal_type: SealType,
    /// The seal's name, e.g. `鞍山市铁东区示例和平社区居民委员会证明专用章`.
    pub name: String,
    /// Certificates of the signers who may apply the seal (`certList`, `certListType` 1).
    pub signers: Vec<X509Certificate>,
    /// When the seal was made (`createDate`).
    pub created: SystemTime,
    /// First moment of validity (`validStart`).
    pub valid_start: SystemTime,
    /// Last moment of validity (`validEnd`).
    pub valid_end: SystemTime,
    /// The picture (must be PNG, see [`SealPicture::png`]).
    pub picture: SealPicture,
}

/// Who may apply a seal, as its `certList` says.
#[derive(Clone, Debug)]
enum SignerList {
    /// `certListType` 1: each signer's certificate, DER.
    Certificates(Vec<Vec<u8>>),
    /// `certListType` 2: (digest algorithm name, digest) of each signer's certificate.
    Digests(Vec<(String, Vec<u8>)>),
}

impl SignerList {
    fn read(property: &PropertyInfo) -> Result<SignerList, PkiError> {
        let malformed = |_| PkiError::Malformed("电子印章的签章人证书列表");
        let list = property.cert_list.to_der().map_err(malformed)?;
        match property.cert_list_type {
            CERT_LIST_CERTIFICATES => {
                let certs = Vec::<OctetString>::from_der(&list).map_err(malformed)?;
                Ok(SignerList::Certificates(
                    certs
                        .into_iter()
                        .map(|c| c.into_bytes().into_vec())
                        .collect(),
                ))
            }
            CERT_LIST_DIGESTS => {
                let digests = Vec::<CertDigestObj>::from_der(&list).map_err(malformed)?;
                Ok(SignerList::Digests(
                    digests
                        .into_iter()
                        .map(|d| (d.digest_type.to_string(), d.value.into_bytes().into_vec()))
                        .collect(),
                ))
            }
            _ => Err(PkiError::Malformed("电子印章的签章人证书列表类型")),
        }
    }

    /// Whether `cert` is on the list: byte-equal to a listed certificate, or its SM3 digest
    /// listed as `sm3` (the only digest this crate can compute).
    fn contains(&self, cert: &X509Certificate) -> bool {
        match self {
            SignerList::Certificates(certs) => certs.iter().any(|c| c == cert.der()),
            SignerList::Digests(digests) => {
                let digest = sm3_bytes(cert.der());
                digests
                    .iter()
                    .any(|(kind, value)| kind.eq_ignore_ascii_case("sm3") && *value == digest)
            }
        }
    }
}

/// A GB/T 38540 v4 electronic seal (`SESeal`), made here or read from DER. Keeps the bytes as
/// received.
#[derive(Clone, Debug)]
pub struct EsSeal {
    der: Vec<u8>,
    asn: SealAsn,
    maker: X509Certificate,
    signers: SignerList,
}

impl EsSeal {
    /// Make and sign a seal as the seal maker (`maker_key` must belong to `maker`).
    pub fn make(
        spec: &SealSpec,
        maker: &X509Certificate,
        maker_key: &SealKey,
    ) -> Result<EsSeal, PkiError> {
        if maker_key.public_key() != *maker.public_key() {
            return Err(PkiError::KeyMismatch);
        }
        if !spec.picture.data.starts_with(PNG_MAGIC)
            || spec.picture.picture_type != "PNG"
            || spec.picture.width_mm == 0
            || spec.picture.height_mm == 0
        {
            return Err(PkiError::InvalidPicture);
        }
        if truncate(spec.valid_end)? <= truncate(spec.valid_start)? {
            return Err(PkiError::InvalidTime("印章有效期终止时间应晚于起始时间"));
        }
        let certs = spec
            .signers
            .iter()
            .map(|c| OctetString::new(c.der()))
            .collect::<der::Result<Vec<_>>>()
            .map_err(encoding)?;
        let info = SealInfo {
            header: SesHeader {
                id: ia5(HEADER_ID, "印章头")?,
                version: VERSION,
                vid: ia5(VENDOR_ID, "厂商标识")?,
            },
            es_id: ia5(&spec.es_id, "印章标识须为 ASCII 字符")?,
            property: PropertyInfo {
                seal_type: spec.seal_type.code(),
                name: spec.name.clone(),
                cert_list_type: CERT_LIST_CERTIFICATES,
                cert_list: Any::encode_from(&certs).map_err(encoding)?,
                create_date: generalized_time(spec.created)?,
                valid_start: generalized_time(spec.valid_start)?,
                valid_end: generalized_time(spec.valid_end)?,
            },
            picture: PictureInfo {
                picture_type: ia5(&spec.picture.picture_type, "图片类型")?,
                data: OctetString::new(spec.picture.data.as_slice()).map_err(encoding)?,
                width: spec.picture.width_mm,
                height: spec.picture.height_mm,
            },
            ext_datas: None,
        };
        let info = Raw::new(info).map_err(encoding)?;
        let signed_value = maker_key.sign_der(info.der());
        let asn = SealAsn {
            e_seal_info: info,
            cert: OctetString::new(maker.der()).map_err(encoding)?,
            sign_alg_id: OID_SM3_WITH_SM2,
            signed_value: BitString::from_bytes(&signed_value).map_err(encoding)?,
        };
        EsSeal::from_der(&asn.to_der().map_err(encoding)?)
    }

    /// Read a DER `SESeal` (version 4).
    pub fn from_der(der: &[u8]) -> Result<EsSeal, PkiError> {
        let asn = SealAsn::from_der(der).map_err(|_| PkiError::Malformed("电子印章（SESeal）"))?;
        EsSeal::from_asn(der.to_vec(), asn)
    }

    fn from_asn(der: Vec<u8>, asn: SealAsn) -> Result<EsSeal, PkiError> {
        let header = &asn.e_seal_info.value().header;
        if header.id.as_str() != HEADER_ID || header.version != VERSION {
            return Err(PkiError::UnsupportedVersion(format!(
                "{}/{}",
                header.id.as_str(),
                header.version
            )));
        }
        let maker = X509Certificate::from_der(asn.cert.as_bytes())?;
        let signers = SignerList::read(&asn.e_seal_info.value().property)?;
        Ok(EsSeal {
            der,
            asn,
            maker,
            signers,
        })
    }

    /// The `SESeal` DER bytes, exactly as read or made (the OFD `Seal.esl` file).
    pub fn der(&self) -> &[u8] {
        &self.der
    }

    /// The `SES_SealInfo` bytes as received: what the seal maker's signature covers.
    pub fn seal_info_der(&self) -> &[u8] {
        self.asn.e_seal_info.der()
    }

    /// The seal maker's signature value as received (the BIT STRING's bytes).
    pub fn signature_value(&self) -> &[u8] {
        self.asn.signed_value.raw_bytes()
    }

    fn info(&self) -> &SealInfo {
        self.asn.e_seal_info.value()
    }

    /// `vid`: who made the structure.
    pub fn vendor_id(&self) -> &str {
        self.info().header.vid.as_str()
    }

    /// `esID`: the seal's identifier.
    pub fn es_id(&self) -> &str {
        self.info().es_id.as_str()
    }

    /// `type`: 1 for a body's seal, 2 for a person's (as written; other vendors may use more).
    pub fn seal_type(&self) -> i64 {
        self.info().property.seal_type
    }

    /// The seal's name.
    pub fn name(&self) -> &str {
        &self.info().property.name
    }

    /// When the seal was made.
    pub fn created(&self) -> SystemTime {
        self.info().property.create_date.to_system_time()
    }

    /// First moment of validity.
    pub fn valid_start(&self) -> SystemTime {
        self.info().property.valid_start.to_system_time()
    }

    /// Last moment of validity.
    pub fn valid_end(&self) -> SystemTime {
        self.info().property.valid_end.to_system_time()
    }

    /// The signed picture.
    pub fn picture(&self) -> SealPicture {
        let p = &self.info().picture;
        SealPicture {
            picture_type: p.picture_type.to_string(),
            data: p.data.as_bytes().to_vec(),
            width_mm: p.width,
            height_mm: p.height,
        }
    }

    /// The seal maker's certificate.
    pub fn maker(&self) -> &X509Certificate {
        &self.maker
    }

    /// The signers' certificates (empty when the seal lists digests instead); a listed
    /// certificate that cannot be read is an error.
    pub fn signer_certificates(&self) -> Result<Vec<X509Certificate>, PkiError> {
        match &self.signers {
            SignerList::Certificates(certs) => {
                certs.iter().map(|c| X509Certificate::from_der(c)).collect()
            }
            SignerList::Digests(_) => Ok(Vec::new()),
        }
    }

    /// Whether the seal lists `cert` among its signers.
    pub fn lists_signer(&self, cert: &X509Certificate) -> bool {
        self.signers.contains(cert)
    }

    /// Check the seal on its own: the algorithm, the maker's certificate against the root at
    /// the time the seal was made (chain, validity, key usage, revocation), and the maker's
    /// signature over the received `SES_SealInfo` bytes.
    pub fn verify(&self, root: &TrustedRoot, revoked: &[Revocation]) -> Result<(), PkiError> {
        require_sm3_with_sm2(&self.asn.sign_alg_id)?;
        root.verify(&self.maker, self.created(), revoked)?;
        if !signature_holds(
            self.maker.public_key(),
            self.seal_info_der(),
            &self.asn.signed_value,
        ) {
            return Err(PkiError::SealSignatureInvalid);
        }
        Ok(())
    }

    /// Check that the picture stamped on a document is the seal's signed picture.
    pub fn check_stamped_picture(&self, stamped: &[u8]) -> Result<(), PkiError> {
        if self.info().picture.data.as_bytes() != stamped {
            return Err(PkiError::PictureMismatch);
        }
        Ok(())
    }

    fn outside_validity(&self, at: SystemTime) -> Option<PkiError> {
        if self.valid_start() <= at && at <= self.valid_end() {
            return None;
        }
        Some(PkiError::SealOutsideValidity {
            at: show_time(at),
            valid_start: show_time(self.valid_start()),
            valid_end: show_time(self.valid_end()),
        })
    }
}

/// A GB/T 38540 v4 electronic signature (`SES_Signature`), made by [`sign`] or read from DER.
/// Keeps the bytes as received.
#[derive(Clone, Debug)]
pub struct EsSignature {
    der: Vec<u8>,
    asn: SignatureAsn,
    seal: EsSeal,
    signer: X509Certificate,
}

/// Sign `data` with `seal` as the signer `signer` (`signer_key` must belong to it): the
/// signer must be listed in the seal and `time` must lie in the seal's validity. `property`
/// is `propertyInfo` (ASCII), e.g. the path of what is signed in an OFD package.
pub fn sign(
    seal: &EsSeal,
    data: &[u8],
    property: &str,
    time: SystemTime,
    signer: &X509Certificate,
    signer_key: &SealKey,
) -> Result<EsSignature, PkiError> {
    if signer_key.public_key() != *signer.public_key() {
        return Err(PkiError::KeyMismatch);
    }
    if !seal.lists_signer(signer) {
        return Err(PkiError::SignerNotInSeal(signer.serial().to_string()));
    }
    let time = truncate(time)?;
    if let Some(error) = seal.outside_validity(time) {
        return Err(error);
    }
    let eseal =
        Raw::<SealAsn>::from_der(seal.der()).map_err(|_| PkiError::Malformed("电子印章"))?;
    let tbs = TbsSign {
        version: VERSION,
        eseal,
        time_info: generalized_time(time)?,
        data_hash: BitString::from_bytes(&sm3_bytes(data)).map_err(encoding)?,
        property_info: ia5(property, "签章属性须为 ASCII 字符")?,
        ext_datas: None,
    };
    let tbs = Raw::new(tbs).map_err(encoding)?;
    let signature = signer_key.sign_der(tbs.der());
    let asn = SignatureAsn {
        to_sign: tbs,
        cert: OctetString::new(signer.der()).map_err(encoding)?,
        signature_alg_id: OID_SM3_WITH_SM2,
        signature: BitString::from_bytes(&signature).map_err(encoding)?,
        time_stamp: None,
    };
    EsSignature::from_der(&asn.to_der().map_err(encoding)?)
}

impl EsSignature {
    /// Read a DER `SES_Signature` (version 4).
    pub fn from_der(der: &[u8]) -> Result<EsSignature, PkiError> {
        let asn = SignatureAsn::from_der(der)
            .map_err(|_| PkiError::Malformed("电子签章（SES_Signature）"))?;
        let tbs = asn.to_sign.value();
        if tbs.version != VERSION {
            return Err(PkiError::UnsupportedVersion(format!(
                "TBS_Sign {}",
                tbs.version
            )));
        }
        let seal = EsSeal::from_asn(tbs.eseal.der().to_vec(), tbs.eseal.value().clone())?;
        let signer = X509Certificate::from_der(asn.cert.as_bytes())?;
        Ok(EsSignature {
            der: der.to_vec(),
            asn,
            seal,
            signer,
        })
    }

    /// The `SES_Signature` DER bytes, exactly as read or made (the OFD `SignedValue.dat`).
    pub fn der(&self) -> &[u8] {
        &self.der
    }

    /// The `TBS_Sign` bytes as received: what the signer's signature covers.
    pub fn tbs_der(&self) -> &[u8] {
        self.asn.to_sign.der()
    }

    /// The signer's signature value as received (the BIT STRING's bytes).
    pub fn signature_value(&self) -> &[u8] {
        self.asn.signature.raw_bytes()
    }

    /// The seal the signature carries.
    pub fn seal(&self) -> &EsSeal {
        &self.seal
    }

    /// The signer's certificate.
    pub fn signer(&self) -> &X509Certificate {
        &self.signer
    }

    /// `timeInfo`: when it was signed, as the signer wrote it.
    pub fn time(&self) -> SystemTime {
        self.asn.to_sign.value().time_info.to_system_time()
    }

    /// `dataHash`: the SM3 hash of the signed data.
    pub fn data_hash(&self) -> &[u8] {
        self.asn.to_sign.value().data_hash.raw_bytes()
    }

    /// `propertyInfo`.
    pub fn property_info(&self) -> &str {
        self.asn.to_sign.value().property_info.as_str()
    }

    /// Verify the signature over `data` against `root` and the revocation list, in the order
    /// the module docs give; the first failure is returned.
    ///
    /// `timeInfo` is the time the signer's certificate, its revocation and the seal's
    /// validity are judged at: there is no time-stamp authority, so it is trusted as the
    /// issuing system wrote it (and covered by the signature).
    pub fn verify(
        &self,
        data: &[u8],
        root: &TrustedRoot,
        revoked: &[Revocation],
    ) -> Result<(), PkiError> {
        require_sm3_with_sm2(&self.asn.signature_alg_id)?;
        self.seal.verify(root, revoked)?;
        if !signature_holds(
            self.signer.public_key(),
            self.tbs_der(),
            &self.asn.signature,
        ) {
            return Err(PkiError::BadSignature);
        }
        if !self.seal.lists_signer(&self.signer) {
            return Err(PkiError::SignerNotInSeal(self.signer.serial().to_string()));
        }
        let at = self.time();
        root.verify(&self.signer, at, revoked)?;
        if let Some(error) = self.seal.outside_validity(at) {
            return Err(error);
        }
        let hash = &self.asn.to_sign.value().data_hash;
        if hash.unused_bits() != 0 || hash.raw_bytes() != sm3_bytes(data) {
            return Err(PkiError::DataHashMismatch);
        }
        Ok(())
    }
}
