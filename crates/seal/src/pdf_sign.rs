//! A PDF signature that PDF readers see: a signature field whose `/Sig` dictionary holds a
//! `/ByteRange` over the whole file and, in `/Contents`, a detached CMS `SignedData`
//! (RFC 5652) signed SM2 with SM3, added to an existing PDF as an incremental update
//! (ISO 32000-1 §7.5.6, §12.8).
//!
//! # Formats chosen
//!
//! * `/Filter /Adobe.PPKLite`, `/SubFilter /adbe.pkcs7.detached`: the detached-CMS signature
//!   of ISO 32000-1 §12.8.3.3. GM/T 0112-2021 (PDF 格式文档的电子签章) was not available to
//!   us to quote; what we could check is that readers (poppler's `pdfsig`, qpdf) need this
//!   `/SubFilter` to list a CMS signature, so it is used, and the SM2/SM3 algorithms are
//!   named inside the CMS. When GM/T 0112's own `/SubFilter` for CMS signatures is confirmed,
//!   only [`SUB_FILTER`] changes.
//! * Inside the CMS, the algorithms are GB/T 35275-2017's (SM2 密码算法加密签名消息语法规范)
//!   and GM/T 0006's: digest SM3 `1.2.156.10197.1.401`, signature `sm2-1`
//!   `1.2.156.10197.1.301.1` (the verifier also accepts SM3withSM2 `1.2.156.10197.1.501`,
//!   which OpenSSL writes), the signature value DER `SEQUENCE { r, s }`, distinguishing ID
//!   `1234567812345678`. The content types are PKCS #7's (`signedData`
//!   1.2.840.113549.1.7.2, `data` 1.2.840.113549.1.7.1) rather than GB/T 35275's
//!   1.2.156.10197.6.1.4.2.x: with those, NSS cannot read the structure and `pdfsig`
//!   (poppler 22.12) lists no signer ("Input couldn't be parsed as a CMS signature", tried on
//!   this code with only the three content-type OIDs changed); the verifier accepts both.
//! * Signed attributes: `contentType` (data), `signingTime` (UTCTime), `messageDigest` (SM3 of
//!   the byte ranges). The SM2 signature covers the DER of the attributes as a `SET OF`
//!   (RFC 5652 §5.4), checked over the bytes as received (only the `[0]` tag differs).
//! * The signer's X.509 certificate (see [`crate::pki`]) travels in `certificates`.
//!
//! The signature field is invisible (`/Rect [0 0 0 0]`, flags print + locked), on the first
//! page, named `jianfu-signature-1`; the catalog gets `/AcroForm` with `/SigFlags 3`.
//!
//! A PDF made by [`crate::render_pdf`] keeps its own file signature (the `%JIANFU-SM2` line
//! after `%%EOF`): the update comes after it, [`original_revision`] gives back the bytes that
//! line signs, and [`crate::verify_file`] checks them as before.

use std::fmt::Write as _;
use std::time::SystemTime;

use cms::cert::{CertificateChoices, IssuerAndSerialNumber};
use cms::content_info::{CmsVersion, ContentInfo};
use cms::signed_data::{
    CertificateSet, EncapsulatedContentInfo, SignedData, SignerIdentifier, SignerInfo, SignerInfos,
};
use der::asn1::{Any, ObjectIdentifier, OctetString, SetOfVec};
use der::{Decode, Encode, SliceReader};
use lopdf::{Dictionary, LoadOptions, Object, ObjectId};
use spki::AlgorithmIdentifierOwned;
use x509_cert::attr::Attribute;
use x509_cert::time::Time;

use crate::asn1::{show_time, truncate};
use crate::error::{PkiError, SealError};
use crate::keys::{SealKey, sm3_bytes};
use crate::pki::{OID_SM3_WITH_SM2, Revocation, Subject, TrustedRoot, X509Certificate};
use crate::render::FILE_SIGNATURE_PREFIX;

/// The `/SubFilter` written (see the module docs).
pub const SUB_FILTER: &str = "adbe.pkcs7.detached";
/// SM3 (GM/T 0004 / GB/T 35275).
pub const OID_SM3: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.156.10197.1.401");
/// `sm2-1`, the SM2 signature algorithm of GB/T 35275.
pub const OID_SM2_SIGN: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.156.10197.1.301.1");
const OID_PKCS7_DATA: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.7.1");
const OID_PKCS7_SIGNED_DATA: ObjectIdentifier =
    ObjectIdentifier::new_unwrap("1.2.840.113549.1.7.2");
/// GB/T 35275 `data` and `signedData`, accepted when reading.
const OID_GM_DATA: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.156.10197.6.1.4.2.1");
const OID_GM_SIGNED_DATA: ObjectIdentifier =
    ObjectIdentifier::new_unwrap("1.2.156.10197.6.1.4.2.2");
const OID_CONTENT_TYPE: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.9.3");
const OID_MESSAGE_DIGEST: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.9.4");
const OID_SIGNING_TIME: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.9.5");
/// Bytes reserved for the CMS in `/Contents` (written as twice as many hex digits).
const CONTENTS_RESERVED: usize = 8192;
/// Room for `0 a b c` in `/ByteRange [...]`.
const BYTE_RANGE_WIDTH: usize = 48;
/// Name of the signature field.
pub const FIELD_NAME: &str = "jianfu-signature-1";

fn pdf_error(e: impl std::fmt::Display) -> SealError {
    SealError::Pdf(e.to_string())
}

fn load(pdf: &[u8]) -> Result<lopdf::Document, String> {
    let options = LoadOptions {
        max_decompressed_size: Some(8 << 20),
        ..LoadOptions::default()
    };
    // The bytes may come from anywhere: a parser panic must not take the caller down.
    std::panic::catch_unwind(|| lopdf::Document::load_mem_with_options(pdf, options))
        .map_err(|_| "PDF 文件结构无法解析".to_string())?
        .map_err(|e| format!("PDF 文件结构无法解析：{e}"))
}

/// Write a PDF object (no streams: only what a catalog or a page dictionary holds inline).
fn write_object(out: &mut String, object: &Object) -> Result<(), SealError> {
    match object {
        Object::Null => out.push_str("null"),
        Object::Boolean(b) => out.push_str(if *b { "true" } else { "false" }),
        Object::Integer(i) => {
            let _ = write!(out, "{i}");
        }
        Object::Real(r) => {
            let _ = write!(out, "{r}");
        }
        Object::Name(name) => write_name(out, name),
        Object::String(bytes, _) => {
            out.push('<');
            out.push_str(&hex::encode(bytes));
            out.push('>');
        }
        Object::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(' ');
                }
                write_object(out, item)?;
            }
            out.push(']');
        }
        Object::Dictionary(dict) => write_dictionary(out, dict)?,
        Object::Reference((id, generation)) => {
            let _ = write!(out, "{id} {generation} R");
        }
        Object::Stream(_) => return Err(SealError::Pdf("目录或页面字典中含有内联流".into())),
    }
    Ok(())
}

fn write_name(out: &mut String, name: &[u8]) {
    out.push('/');
    for &b in name {
        if (0x21..=0x7e).contains(&b) && !b"()<>[]{}/%#".contains(&b) {
            out.push(char::from(b));
        } else {
            let _ = write!(out, "#{b:02X}");
        }
    }
}

fn write_dictionary(out: &mut String, dict: &Dictionary) -> Result<(), SealError> {
    out.push_str("<<");
    for (key, value) in dict.iter() {
        write_name(out, key);
        out.push(' ');
        write_object(out, value)?;
    }
    out.push_str(">>");
    Ok(())
}

/// `D:YYYYMMDDHHmmSSZ` of a time (UTC).
fn pdf_date(time: SystemTime) -> String {
    let shown = show_time(time); // YYYY-MM-DDTHH:MM:SSZ
    let digits: String = shown.chars().filter(char::is_ascii_digit).collect();
    format!("D:{digits}Z")
}

/// A PDF text string in UTF-16BE with its byte-order mark, as hex.
fn text_string(text: &str) -> String {
    let mut s = String::from("<FEFF");
    for unit in text.encode_utf16() {
        let _ = write!(s, "{unit:04X}");
    }
    s.push('>');
    s
}

/// The array (resolved if it is a reference) at `key` of `dict`, or an empty one.
fn array_at(doc: &lopdf::Document, dict: &Dictionary, key: &[u8]) -> Vec<Object> {
    match dict.get(key) {
        Ok(Object::Array(items)) => items.clone(),
        Ok(Object::Reference(id)) => doc
            .get_object(*id)
            .and_then(Object::as_array)
            .cloned()
            .unwrap_or_default(),
        _ => Vec::new(),
    }
}

/// Add an invisible signature field to `pdf` as an incremental update and sign it: a detached
/// CMS SignedData (SM2/SM3, see the module docs) by `signer` with `key`, at `time`, over the
/// whole file but the signature's `/Contents`.
///
/// Errors: [`SealError::Pki`] with [`PkiError::KeyMismatch`] when `key` is not the
/// certificate's, [`SealError::Pdf`] when the PDF cannot be read or updated.
pub fn sign_pdf(
    pdf: &[u8],
    signer: &X509Certificate,
    key: &SealKey,
    time: SystemTime,
) -> Result<Vec<u8>, SealError> {
    if key.public_key() != *signer.public_key() {
        return Err(PkiError::KeyMismatch.into());
    }
    let time = truncate(time)?;
    let doc = load(pdf).map_err(SealError::Pdf)?;
    let catalog_id = doc
        .trailer
        .get(b"Root")
        .and_then(Object::as_reference)
        .map_err(|_| pdf_error("PDF 没有文档目录（Root）"))?;
    let catalog = doc.get_dictionary(catalog_id).map_err(pdf_error)?.clone();
    let page_id: ObjectId = *doc
        .get_pages()
        .get(&1)
        .ok_or_else(|| pdf_error("PDF 没有页面"))?;
    let page = doc.get_dictionary(page_id).map_err(pdf_error)?.clone();
    let size = doc
        .trailer
        .get(b"Size")
        .and_then(Object::as_i64)
        .ok()
        .and_then(|s| u32::try_from(s).ok())
        .unwrap_or(doc.max_id + 1)
        .max(doc.max_id + 1);
    let prev = doc.xref_start;
    let sig_id = size;
    let field_id = size + 1;

    let mut out = pdf.to_vec();
    if out.last() != Some(&b'\n') {
        out.push(b'\n');
    }
    let mut offsets: Vec<(u32, u16, usize)> = Vec::new();

    // The signature dictionary, with room for the byte range and the CMS.
    offsets.push((sig_id, 0, out.len()));
    let name = signer.subject().common_name;
    let head = format!(
        "{sig_id} 0 obj\n<</Type/Sig/Filter/Adobe.PPKLite/SubFilter/{SUB_FILTER}/M ({})/Name {}\
         /Reason {}/ByteRange [",
        pdf_date(time),
        text_string(&name),
        text_string("电子印章签章"),
    );
    out.extend_from_slice(head.as_bytes());
    let range_at = out.len();
    out.extend_from_slice(&[b' '; BYTE_RANGE_WIDTH]);
    out.extend_from_slice(b"]/Contents ");
    let contents_start = out.len();
    out.push(b'<');
    out.extend(std::iter::repeat_n(b'0', CONTENTS_RESERVED * 2));
    out.push(b'>');
    let contents_end = out.len();
    out.extend_from_slice(b">>\nendobj\n");

    // The field (also its own widget), on the first page.
    offsets.push((field_id, 0, out.len()));
    out.extend_from_slice(
        format!(
            "{field_id} 0 obj\n<</Type/Annot/Subtype/Widget/FT/Sig/T ({FIELD_NAME})/V {sig_id} 0 R\
             /F 132/Rect [0 0 0 0]/P {} {} R>>\nendobj\n",
            page_id.0, page_id.1
        )
        .as_bytes(),
    );

    // The page with the widget among its annotations.
    let mut annots = array_at(&doc, &page, b"Annots");
    annots.push(Object::Reference((field_id, 0)));
    let mut page = page;
    page.set("Annots", Object::Array(annots));
    offsets.push((page_id.0, page_id.1, out.len()));
    let mut text = format!("{} {} obj\n", page_id.0, page_id.1);
    write_dictionary(&mut text, &page)?;
    text.push_str("\nendobj\n");
    out.extend_from_slice(text.as_bytes());

    // The catalog with the form.
    let mut form = match catalog.get(b"AcroForm") {
        Ok(Object::Dictionary(d)) => d.clone(),
        Ok(Object::Reference(id)) => doc.get_dictionary(*id).cloned().unwrap_or_default(),
        _ => Dictionary::new(),
    };
    let mut fields = array_at(&doc, &form, b"Fields");
    fields.push(Object::Reference((field_id, 0)));
    form.set("Fields", Object::Array(fields));
    form.set("SigFlags", Object::Integer(3));
    let mut catalog = catalog;
    catalog.set("AcroForm", Object::Dictionary(form));
    offsets.push((catalog_id.0, catalog_id.1, out.len()));
    let mut text = format!("{} {} obj\n", catalog_id.0, catalog_id.1);
    write_dictionary(&mut text, &catalog)?;
    text.push_str("\nendobj\n");
    out.extend_from_slice(text.as_bytes());

    // Cross-reference section and trailer.
    offsets.sort_by_key(|(id, _, _)| *id);
    let xref_at = out.len();
    let mut xref = String::from("xref\n0 1\n0000000000 65535 f \n");
    for (id, generation, offset) in &offsets {
        let _ = write!(xref, "{id} 1\n{offset:010} {generation:05} n \n");
    }
    let mut trailer = Dictionary::new();
    trailer.set("Size", Object::Integer(i64::from(field_id) + 1));
    trailer.set("Root", Object::Reference(catalog_id));
    for key in [&b"Info"[..], b"ID"] {
        if let Ok(value) = doc.trailer.get(key) {
            trailer.set(key.to_vec(), value.clone());
        }
    }
    trailer.set("Prev", Object::Integer(prev as i64));
    xref.push_str("trailer\n");
    write_dictionary(&mut xref, &trailer)?;
    let _ = write!(xref, "\nstartxref\n{xref_at}\n%%EOF\n");
    out.extend_from_slice(xref.as_bytes());

    // The byte range, then the CMS over it.
    let range = format!(
        "0 {contents_start} {contents_end} {}",
        out.len() - contents_end
    );
    out[range_at..range_at + range.len()].copy_from_slice(range.as_bytes());
    let mut signed = Vec::with_capacity(out.len());
    signed.extend_from_slice(&out[..contents_start]);
    signed.extend_from_slice(&out[contents_end..]);
    let cms = signed_data(&sm3_bytes(&signed), signer, key, time)?;
    if cms.len() > CONTENTS_RESERVED {
        return Err(pdf_error("签名数据超出预留空间"));
    }
    let hex = hex::encode(&cms);
    out[contents_start + 1..contents_start + 1 + hex.len()].copy_from_slice(hex.as_bytes());
    Ok(out)
}

fn encoding(e: der::Error) -> PkiError {
    PkiError::Encoding(e.to_string())
}

fn attribute(oid: ObjectIdentifier, value: Any) -> Result<Attribute, PkiError> {
    Ok(Attribute {
        oid,
        values: SetOfVec::try_from(vec![value]).map_err(encoding)?,
    })
}

fn algorithm(oid: ObjectIdentifier) -> AlgorithmIdentifierOwned {
    AlgorithmIdentifierOwned {
        oid,
        parameters: None,
    }
}

/// The DER ContentInfo of a detached SignedData over a document whose SM3 digest is `digest`.
fn signed_data(
    digest: &[u8; 32],
    signer: &X509Certificate,
    key: &SealKey,
    time: SystemTime,
) -> Result<Vec<u8>, PkiError> {
    let cert = x509_cert::Certificate::from_der(signer.der()).map_err(encoding)?;
    let attrs = SetOfVec::try_from(vec![
        attribute(
            OID_CONTENT_TYPE,
            Any::encode_from(&OID_PKCS7_DATA).map_err(encoding)?,
        )?,
        attribute(
            OID_SIGNING_TIME,
            Any::encode_from(
                &Time::try_from(time)
                    .map_err(|_| PkiError::InvalidTime("超出 1970 至 9999 年的范围"))?,
            )
            .map_err(encoding)?,
        )?,
        attribute(
            OID_MESSAGE_DIGEST,
            Any::encode_from(&OctetString::new(digest.as_slice()).map_err(encoding)?)
                .map_err(encoding)?,
        )?,
    ])
    .map_err(encoding)?;
    let signature = key.sign_der(&attrs.to_der().map_err(encoding)?);
    let info = SignerInfo {
        version: CmsVersion::V1,
        sid: SignerIdentifier::IssuerAndSerialNumber(IssuerAndSerialNumber {
            issuer: cert.tbs_certificate().issuer().clone(),
            serial_number: cert.tbs_certificate().serial_number().clone(),
        }),
        digest_alg: algorithm(OID_SM3),
        signed_attrs: Some(attrs),
        signature_algorithm: algorithm(OID_SM2_SIGN),
        signature: OctetString::new(signature).map_err(encoding)?,
        unsigned_attrs: None,
    };
    let data = SignedData {
        version: CmsVersion::V1,
        digest_algorithms: SetOfVec::try_from(vec![algorithm(OID_SM3)]).map_err(encoding)?,
        encap_content_info: EncapsulatedContentInfo {
            econtent_type: OID_PKCS7_DATA,
            econtent: None,
        },
        certificates: Some(CertificateSet(
            SetOfVec::try_from(vec![CertificateChoices::Certificate(cert)]).map_err(encoding)?,
        )),
        crls: None,
        signer_infos: SignerInfos(SetOfVec::try_from(vec![info]).map_err(encoding)?),
    };
    ContentInfo {
        content_type: OID_PKCS7_SIGNED_DATA,
        content: Any::encode_from(&data).map_err(encoding)?,
    }
    .to_der()
    .map_err(encoding)
}

/// Whether `pdf` has a signature dictionary with a byte range among its objects (not merely
/// the word in some text): what decides whether [`verify_pdf_signature`] applies.
pub fn has_signature_field(pdf: &[u8]) -> bool {
    pdf.starts_with(b"%PDF-")
        && pdf.windows(10).any(|w| w == b"/ByteRange")
        && signature_dictionary(pdf).is_ok()
}

/// The bytes that a [`crate::render_pdf`] file signature (`%JIANFU-SM2 …` line) signs,
/// together with that line, when an update follows it: what [`crate::verify_file`] checks.
/// `None` when the file has no such line.
pub fn original_revision(pdf: &[u8]) -> Option<&[u8]> {
    let mut search = pdf.len();
    while let Some(at) = pdf[..search]
        .windows(FILE_SIGNATURE_PREFIX.len() + 1)
        .rposition(|w| w[0] == b'\n' && &w[1..] == FILE_SIGNATURE_PREFIX)
    {
        let start = at + 1 + FILE_SIGNATURE_PREFIX.len();
        let line_end = start + 128;
        if pdf.len() > line_end
            && pdf[line_end] == b'\n'
            && pdf[start..line_end].iter().all(u8::is_ascii_hexdigit)
        {
            return Some(&pdf[..=line_end]);
        }
        search = at;
    }
    None
}

/// What [`verify_pdf_signature`] found.
#[derive(Clone, Debug)]
pub struct PdfSignatureReport {
    /// The signer (subject of the certificate in the CMS).
    pub signer: Subject,
    /// Serial of the signer's certificate, hex.
    pub signer_serial: String,
    /// `signingTime` of the signed attributes.
    pub time: SystemTime,
    /// The `/SubFilter` of the signature dictionary.
    pub sub_filter: String,
    /// Each check passed, in order, in Chinese.
    pub checks: Vec<String>,
    /// The signer's certificate.
    pub certificate: X509Certificate,
    /// The signed attributes as the SM2 signature covers them (DER `SET OF`).
    pub signed_attributes: Vec<u8>,
    /// The SM2 signature value as received.
    pub signature: Vec<u8>,
}

/// The signature dictionary covering the end of the file: (`/ByteRange`, `/Contents`,
/// `/SubFilter`).
fn signature_dictionary(pdf: &[u8]) -> Result<(Vec<i64>, Vec<u8>, String), PkiError> {
    let doc = load(pdf).map_err(PkiError::Package)?;
    let mut found: Vec<(Vec<i64>, Vec<u8>, String)> = Vec::new();
    for object in doc.objects.values() {
        let Ok(dict) = object.as_dict() else { continue };
        let (Ok(range), Ok(contents)) = (dict.get(b"ByteRange"), dict.get(b"Contents")) else {
            continue;
        };
        let range = range
            .as_array()
            .map(|a| a.iter().filter_map(|o| o.as_i64().ok()).collect::<Vec<_>>())
            .unwrap_or_default();
        let contents = contents.as_str().map(<[u8]>::to_vec).unwrap_or_default();
        let sub_filter = dict
            .get(b"SubFilter")
            .and_then(Object::as_name)
            .map(|n| String::from_utf8_lossy(n).into_owned())
            .unwrap_or_default();
        found.push((range, contents, sub_filter));
    }
    found.sort_by_key(|(range, _, _)| range.get(2).copied().unwrap_or(0));
    found.pop().ok_or(PkiError::NotSigned)
}

/// Check the byte range: `[0 a b c]` with the hex `/Contents` exactly between `a` and `b`
/// and `b + c` the end of the file. Returns the signed bytes.
fn signed_bytes(pdf: &[u8], range: &[i64], contents: &[u8]) -> Result<Vec<u8>, PkiError> {
    let [0, a, b, c] = range else {
        return Err(PkiError::ByteRangeInvalid);
    };
    let (Ok(a), Ok(b), Ok(c)) = (
        usize::try_from(*a),
        usize::try_from(*b),
        usize::try_from(*c),
    ) else {
        return Err(PkiError::ByteRangeInvalid);
    };
    if a + 2 > b || b.checked_add(c) != Some(pdf.len()) || pdf[a] != b'<' || pdf[b - 1] != b'>' {
        return Err(PkiError::ByteRangeInvalid);
    }
    let hex_part = &pdf[a + 1..b - 1];
    if hex::decode(hex_part).ok().as_deref() != Some(contents) {
        return Err(PkiError::ByteRangeInvalid);
    }
    let mut signed = Vec::with_capacity(a + c);
    signed.extend_from_slice(&pdf[..a]);
    signed.extend_from_slice(&pdf[b..]);
    Ok(signed)
}

fn attribute_value<'a>(
    attrs: &'a SetOfVec<Attribute>,
    oid: ObjectIdentifier,
    what: &'static str,
) -> Result<&'a Any, PkiError> {
    attrs
        .iter()
        .find(|a| a.oid == oid)
        .and_then(|a| a.values.iter().next())
        .ok_or(PkiError::Malformed(what))
}

/// Verify the PDF signature field that covers the end of `pdf` against the root: the byte
/// range covers the whole file but `/Contents` ([`PkiError::ByteRangeInvalid`]); the CMS is a
/// SignedData with one SM3/SM2 signer ([`PkiError::UnsupportedDigest`],
/// [`PkiError::UnsupportedAlgorithm`]); the signer's certificate chains to the root and was
/// valid and not revoked at `signingTime` ([`PkiError::ForeignAuthority`],
/// [`PkiError::CertificateOutsideValidity`], [`PkiError::Revoked`]); the SM2 signature over
/// the signed attributes as received holds ([`PkiError::BadSignature`]); and `messageDigest`
/// is the SM3 of the signed bytes ([`PkiError::DataHashMismatch`]).
pub fn verify_pdf_signature(
    pdf: &[u8],
    root: &TrustedRoot,
    revoked: &[Revocation],
) -> Result<PdfSignatureReport, PkiError> {
    let (range, contents, sub_filter) = signature_dictionary(pdf)?;
    let signed = signed_bytes(pdf, &range, &contents)?;
    let mut checks = vec![format!(
        "签名范围覆盖整个文件（{} 字节，除签名值本身）",
        pdf.len()
    )];
    let malformed = |_| PkiError::Malformed("PDF 签名中的 CMS SignedData");
    let info = ContentInfo::decode(&mut SliceReader::new(&contents).map_err(malformed)?)
        .map_err(malformed)?;
    if info.content_type != OID_PKCS7_SIGNED_DATA && info.content_type != OID_GM_SIGNED_DATA {
        return Err(PkiError::Malformed("PDF 签名中的 CMS SignedData"));
    }
    let data: SignedData = info.content.decode_as().map_err(malformed)?;
    if data.encap_content_info.econtent_type != OID_PKCS7_DATA
        && data.encap_content_info.econtent_type != OID_GM_DATA
    {
        return Err(PkiError::Malformed("PDF 签名中的 CMS 内容类型"));
    }
    let mut signers = data.signer_infos.0.iter();
    let (Some(signer_info), None) = (signers.next(), signers.next()) else {
        return Err(PkiError::Malformed("PDF 签名中的 CMS 签名者（应恰有一个）"));
    };
    if signer_info.digest_alg.oid != OID_SM3 {
        return Err(PkiError::UnsupportedDigest(
            signer_info.digest_alg.oid.to_string(),
        ));
    }
    let algorithm = signer_info.signature_algorithm.oid;
    if algorithm != OID_SM2_SIGN && algorithm != OID_SM3_WITH_SM2 {
        return Err(PkiError::UnsupportedAlgorithm(algorithm.to_string()));
    }
    let SignerIdentifier::IssuerAndSerialNumber(sid) = &signer_info.sid else {
        return Err(PkiError::Malformed("PDF 签名中的 CMS 签名者标识"));
    };
    let cert = data
        .certificates
        .iter()
        .flat_map(|set| set.0.iter())
        .find_map(|choice| match choice {
            CertificateChoices::Certificate(c)
                if c.tbs_certificate().issuer() == &sid.issuer
                    && c.tbs_certificate().serial_number() == &sid.serial_number =>
            {
                Some(c)
            }
            _ => None,
        })
        .ok_or(PkiError::Malformed("PDF 签名中的签名人证书"))?;
    let signer = X509Certificate::from_der(&cert.to_der().map_err(encoding)?)?;
    let attrs = signer_info
        .signed_attrs
        .as_ref()
        .ok_or(PkiError::Malformed("PDF 签名中的 CMS 签名属性"))?;
    let time: Time = attribute_value(attrs, OID_SIGNING_TIME, "CMS 签名属性 signingTime")?
        .decode_as()
        .map_err(|_| PkiError::Malformed("CMS 签名属性 signingTime"))?;
    let time = time.to_system_time();
    let digest: OctetString =
        attribute_value(attrs, OID_MESSAGE_DIGEST, "CMS 签名属性 messageDigest")?
            .decode_as()
            .map_err(|_| PkiError::Malformed("CMS 签名属性 messageDigest"))?;

    root.verify(&signer, time, revoked)?;
    let subject = signer.subject();
    checks.push(format!(
        "签名人 {}（{}，证书 {}）的证书由根证书签发，于签名时间 {} 有效且未注销",
        subject.common_name,
        subject.organization,
        signer.serial(),
        show_time(time)
    ));
    // The signed attributes as received: the `[0]` element with the SET tag (RFC 5652 §5.4).
    let mut received = attrs.to_der().map_err(encoding)?;
    let mut implicit = received.clone();
    implicit[0] = 0xA0;
    if !contents.windows(implicit.len()).any(|w| w == implicit) {
        return Err(PkiError::Malformed("CMS 签名属性（不是 DER 编码）"));
    }
    received[0] = 0x31;
    if !signer
        .public_key()
        .verify_raw_or_der(&received, signer_info.signature.as_bytes())
    {
        return Err(PkiError::BadSignature);
    }
    checks.push("签名属性上的 SM2 签名有效（SM3，区分标识 1234567812345678）".to_string());
    if digest.as_bytes() != sm3_bytes(&signed) {
        return Err(PkiError::DataHashMismatch);
    }
    checks.push("签名范围内文件内容的 SM3 杂凑值与签名属性 messageDigest 一致".to_string());
    Ok(PdfSignatureReport {
        signer: subject,
        signer_serial: signer.serial().to_string(),
        time,
        sub_filter,
        checks,
        certificate: signer,
        signed_attributes: received,
        signature: signer_info.signature.as_bytes().to_vec(),
    })
}
