//! Verifying a certificate file: the signed PDF or the JSON.

use lopdf::{LoadOptions, Object};

use crate::cert::{SealedCertificate, verify_sealed};
use crate::error::VerifyError;
use crate::keys::PublicKey;
use crate::render::{EMBEDDED_FILE_NAME, FILE_SIGNATURE_PREFIX, file_message};

/// Upper bound on the embedded JSON once decoded (a real one is a few KiB).
const MAX_EMBEDDED_JSON: usize = 1 << 20;

/// Verify a certificate file, given the seal authority's public key, and return what it
/// certifies.
///
/// * PDF (starts with `%PDF-`): the last line must be `%JIANFU-SM2 <128 hex>\n`
///   ([`VerifyError::NotSigned`] otherwise, e.g. for samples and cut-off files); the embedded
///   `certificate.json` is read ([`VerifyError::EmbeddedCertificateMissing`]); the file
///   signature must verify with the seal key named in that certificate's seal record over all
///   bytes before the last line ([`VerifyError::FileSignatureInvalid`]); then [`verify_sealed`].
/// * JSON (starts with `{`, optionally after a UTF-8 BOM or white space): parsed as a
///   [`SealedCertificate`] and checked with [`verify_sealed`].
pub fn verify_file(bytes: &[u8], authority: &PublicKey) -> Result<SealedCertificate, VerifyError> {
    let trimmed = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let first = trimmed.iter().position(|b| !b.is_ascii_whitespace());
    match first.map(|i| &trimmed[i..]) {
        Some(rest) if rest.starts_with(b"%PDF-") => verify_pdf(bytes, authority),
        Some(rest) if rest.starts_with(b"{") => {
            let doc: SealedCertificate = serde_json::from_slice(trimmed)
                .map_err(|e| VerifyError::Malformed(format!("证明数据不是有效的 JSON：{e}")))?;
            verify_sealed(&doc, authority)?;
            Ok(doc)
        }
        _ => Err(VerifyError::Malformed(
            "既不是 PDF 文件，也不是证明数据 JSON".to_string(),
        )),
    }
}

/// Split a signed PDF into the signed bytes and the 64-byte signature of its last line.
fn split_signature(bytes: &[u8]) -> Result<(&[u8], [u8; 64]), VerifyError> {
    let body = bytes.strip_suffix(b"\n").ok_or(VerifyError::NotSigned)?;
    let start = body.iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1);
    let line = &body[start..];
    let Some(hex_part) = line.strip_prefix(FILE_SIGNATURE_PREFIX) else {
        return Err(VerifyError::NotSigned);
    };
    let mut signature = [0u8; 64];
    hex::decode_to_slice(hex_part, &mut signature)
        .map_err(|_| VerifyError::FileSignatureInvalid)?;
    Ok((&bytes[..start], signature))
}

fn verify_pdf(bytes: &[u8], authority: &PublicKey) -> Result<SealedCertificate, VerifyError> {
    let (signed_part, signature) = split_signature(bytes)?;
    let doc = embedded_certificate(signed_part)?;
    if !doc
        .seal
        .record
        .public_key
        .verify_raw(&file_message(signed_part), &signature)
    {
        return Err(VerifyError::FileSignatureInvalid);
    }
    verify_sealed(&doc, authority)?;
    Ok(doc)
}

/// What a PDF without a `%JIANFU-SM2` line certifies, from its embedded `certificate.json`
/// checked with [`verify_sealed`] (content signed by the seal, seal record by `authority`).
///
/// This does not check that the file is unchanged: call it only on a PDF whose signature field
/// [`crate::pdf_sign::verify_pdf_signature`] verified, which covers every byte of the file (how
/// [`crate::seal_and_render_for_signature_field`] files are made).
/// [`VerifyError::EmbeddedCertificateMissing`] when the PDF carries no certificate data.
pub fn verify_embedded(
    pdf: &[u8],
    authority: &PublicKey,
) -> Result<SealedCertificate, VerifyError> {
    let doc = embedded_certificate(pdf)?;
    verify_sealed(&doc, authority)?;
    Ok(doc)
}

/// The embedded `certificate.json`, parsed (not verified).
fn embedded_certificate(pdf: &[u8]) -> Result<SealedCertificate, VerifyError> {
    serde_json::from_slice(&embedded_json(pdf)?)
        .map_err(|_| VerifyError::EmbeddedCertificateMissing)
}

/// The decoded content of the one embedded file named `certificate.json`.
fn embedded_json(pdf: &[u8]) -> Result<Vec<u8>, VerifyError> {
    let options = LoadOptions {
        max_decompressed_size: Some(8 << 20),
        ..LoadOptions::default()
    };
    // The bytes are not yet authenticated (the key to check them is inside), so a parser
    // panic on hostile input must not take the caller down.
    let loaded = std::panic::catch_unwind(|| lopdf::Document::load_mem_with_options(pdf, options))
        .map_err(|_| VerifyError::Malformed("PDF 文件结构无法解析".to_string()))?
        .map_err(|e| VerifyError::Malformed(format!("PDF 文件结构无法解析：{e}")))?;
    let mut found: Vec<Vec<u8>> = Vec::new();
    for object in loaded.objects.values() {
        let Ok(dict) = object.as_dict() else { continue };
        let is_filespec = dict
            .get(b"Type")
            .and_then(Object::as_name)
            .is_ok_and(|name| name == b"Filespec");
        if !is_filespec {
            continue;
        }
        let name = dict
            .get(b"UF")
            .or_else(|_| dict.get(b"F"))
            .and_then(Object::as_str);
        if name.ok() != Some(EMBEDDED_FILE_NAME.as_bytes()) {
            continue;
        }
        let stream = dict
            .get(b"EF")
            .and_then(Object::as_dict)
            .and_then(|ef| ef.get(b"F"))
            .and_then(Object::as_reference)
            .and_then(|id| loaded.get_object(id))
            .and_then(Object::as_stream);
        let Ok(stream) = stream else { continue };
        if let Ok(content) = stream.get_plain_content_with_limit(MAX_EMBEDDED_JSON) {
            found.push(content);
        }
    }
    match found.len() {
        1 => Ok(found.remove(0)),
        0 => Err(VerifyError::EmbeddedCertificateMissing),
        _ => Err(VerifyError::Malformed("文件中有多份证明数据".to_string())),
    }
}
