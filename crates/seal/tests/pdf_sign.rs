//! The PDF signature field: an incremental update with a detached CMS (SM2/SM3) that
//! verifies, keeps the original file signature checkable, fails with its own reason when
//! tampered with, and is read by tools we did not write (qpdf, poppler's pdfsig, OpenSSL).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::process::Command;

use common::pki::*;
use jianfu_seal::pdf_sign::*;
use jianfu_seal::pki::*;
use jianfu_seal::*;

/// 2026-11-28T02:00:00Z.
const SIGNED_AT: u64 = JAN_2026 + 331 * DAY + 7200;

struct Fixture {
    p: Pki,
    authority: SealKey,
    original: Vec<u8>,
    signed: Vec<u8>,
}

fn fixture() -> Fixture {
    let authority = common::authority();
    let community = common::community(&authority);
    let doc = seal_certificate(common::content(), &community.seal, &community.key).unwrap();
    let original = render_pdf(&doc, &RenderOptions::signed(&community.key)).unwrap();
    let p = pki();
    let signed = sign_pdf(&original, &p.signer, &p.signer_key, at(SIGNED_AT)).unwrap();
    Fixture {
        p,
        authority,
        original,
        signed,
    }
}

fn code(result: Result<PdfSignatureReport, PkiError>) -> String {
    match result {
        Ok(_) => "ok".to_string(),
        Err(e) => e.code().to_string(),
    }
}

fn find(haystack: &[u8], needle: &[u8]) -> usize {
    haystack
        .windows(needle.len())
        .position(|w| w == needle)
        .expect("needle in haystack")
}

/// The hex `/Contents` of the signature: (start of the hex digits, decoded bytes).
fn contents(pdf: &[u8]) -> (usize, Vec<u8>) {
    let start = find(pdf, b"/Contents <") + b"/Contents <".len();
    let end = start + pdf[start..].iter().position(|&b| b == b'>').unwrap();
    (start, hex::decode(&pdf[start..end]).unwrap())
}

#[test]
fn the_signature_field_verifies_and_the_original_file_signature_still_does() {
    let f = fixture();
    assert!(f.signed.starts_with(&f.original), "an incremental update");
    assert!(has_signature_field(&f.signed) && !has_signature_field(&f.original));
    let report = verify_pdf_signature(&f.signed, &f.p.trusted(), &[]).unwrap();
    assert_eq!(report.signer.common_name, "王丽");
    assert_eq!(report.signer_serial, "03");
    assert_eq!(report.time, at(SIGNED_AT));
    assert_eq!(report.sub_filter, "adbe.pkcs7.detached");
    assert_eq!(report.certificate, f.p.signer);
    assert_eq!(report.checks.len(), 4, "{:?}", report.checks);
    let text = String::from_utf8_lossy(&f.signed[f.original.len()..]).into_owned();
    for part in [
        "/Type/Sig/Filter/Adobe.PPKLite/SubFilter/adbe.pkcs7.detached",
        "/FT/Sig/T (jianfu-signature-1)",
        "/AcroForm <</Fields [",
        "/SigFlags 3",
        "/M (D:20261128020000Z)",
    ] {
        assert!(text.contains(part), "{part}");
    }

    // The original revision is the file render_pdf made, and it verifies as before; the
    // whole file is not the old format (its last line is no longer the file signature).
    assert_eq!(original_revision(&f.signed), Some(&f.original[..]));
    assert_eq!(original_revision(&f.original), Some(&f.original[..]));
    verify_file(
        original_revision(&f.signed).unwrap(),
        &f.authority.public_key(),
    )
    .unwrap();
    assert_eq!(
        verify_file(&f.signed, &f.authority.public_key())
            .unwrap_err()
            .code(),
        "not_signed"
    );
    // The same input signs to the same bytes (deterministic SM2 nonces).
    assert_eq!(
        sign_pdf(&f.original, &f.p.signer, &f.p.signer_key, at(SIGNED_AT)).unwrap(),
        f.signed
    );
    // A key that is not the certificate's signs nothing.
    assert_eq!(
        sign_pdf(
            &f.original,
            &f.p.signer,
            &f.p.other_signer_key,
            at(SIGNED_AT)
        )
        .unwrap_err()
        .code(),
        "key_mismatch"
    );
    assert_eq!(
        code(verify_pdf_signature(&f.original, &f.p.trusted(), &[])),
        "not_signed"
    );
}

#[test]
fn tampering_and_bad_signers_fail_with_their_own_reasons() {
    let f = fixture();
    let root = f.p.trusted();
    let verify = |pdf: &[u8]| code(verify_pdf_signature(pdf, &root, &[]));

    // A byte of the document (in the title's metadata, or anywhere in the first revision).
    for at in [200, f.original.len() / 2] {
        let mut pdf = f.signed.clone();
        pdf[at] ^= 0x01;
        assert_eq!(verify(&pdf), "data_hash_mismatch", "byte {at}");
    }
    // Bytes appended after signing: the range no longer covers the file.
    let mut pdf = f.signed.clone();
    pdf.extend_from_slice(b"% appended\n");
    assert_eq!(verify(&pdf), "byte_range_invalid");

    // A byte of the signed attributes (inside messageDigest's value).
    let (start, cms) = contents(&f.signed);
    let report = verify_pdf_signature(&f.signed, &root, &[]).unwrap();
    let attrs_at = find(&cms, &report.signed_attributes[2..]);
    let mut changed = cms.clone();
    let last = attrs_at + report.signed_attributes.len() - 3;
    changed[last] ^= 0x01;
    let mut pdf = f.signed.clone();
    pdf[start..start + 2 * cms.len()].copy_from_slice(hex::encode(&changed).as_bytes());
    assert_eq!(verify(&pdf), "bad_signature");

    // A signer certificate from another authority.
    let (foreign, foreign_key) = foreign_signer();
    let pdf = sign_pdf(&f.original, &foreign, &foreign_key, at(SIGNED_AT)).unwrap();
    assert_eq!(verify(&pdf), "foreign_authority");

    // A revoked signer (before signing fails; after, still good).
    let revoked = |when: u64| {
        vec![Revocation {
            serial: f.p.signer.serial().clone(),
            revoked_at: at(when),
        }]
    };
    assert_eq!(
        code(verify_pdf_signature(
            &f.signed,
            &root,
            &revoked(SIGNED_AT - 1)
        )),
        "revoked"
    );
    verify_pdf_signature(&f.signed, &root, &revoked(SIGNED_AT + 1)).unwrap();

    // Signed outside the certificate's validity (two years from 2026-01-01).
    let late = sign_pdf(
        &f.original,
        &f.p.signer,
        &f.p.signer_key,
        at(JAN_2026 + 800 * DAY),
    )
    .unwrap();
    assert_eq!(verify(&late), "certificate_outside_validity");
}

/// A tool on PATH, or a printed reason to skip (CI must have it: `.ci/run` installs it).
fn tool(name: &str, arg: &str) -> bool {
    let ok = Command::new(name).arg(arg).output().is_ok();
    if !ok {
        assert!(
            std::env::var_os("CI").is_none(),
            "{name} is required in CI (apt-get install qpdf poppler-utils)"
        );
        eprintln!("SKIPPED: {name} not installed (apt-get install qpdf poppler-utils)");
    }
    ok
}

#[test]
fn qpdf_checks_the_file_and_pdfsig_lists_the_signature_over_the_whole_document() {
    let f = fixture();
    let dir = Scratch::new("pdf-sign-tools");
    dir.write("signed.pdf", &f.signed);
    if let Some(out) = std::env::var_os("JIANFU_DUMP_SIGNED_PDF") {
        std::fs::write(out, &f.signed).unwrap();
    }
    if tool("qpdf", "--version") {
        let out = Command::new("qpdf")
            .current_dir(&dir.0)
            .args(["--check", "signed.pdf"])
            .output()
            .unwrap();
        let text = String::from_utf8_lossy(&out.stdout).into_owned()
            + &String::from_utf8_lossy(&out.stderr);
        assert!(out.status.success(), "{text}");
        assert!(
            text.contains("No syntax or stream encoding errors"),
            "{text}"
        );
        assert!(!text.contains("WARNING"), "{text}");
    }
    if tool("pdfsig", "-v") {
        let out = Command::new("pdfsig")
            .current_dir(&dir.0)
            .arg("signed.pdf")
            .output()
            .unwrap();
        let text = String::from_utf8_lossy(&out.stdout).into_owned()
            + &String::from_utf8_lossy(&out.stderr);
        assert!(text.contains("Signature #1"), "{text}");
        assert!(
            text.contains("Signer Certificate Common Name: 王丽"),
            "{text}"
        );
        assert!(text.contains("Total document signed"), "{text}");
        assert!(text.contains("adbe.pkcs7.detached"), "{text}");
    }
}

/// `pdffonts` (poppler) lists every font of the signed certificate as an embedded subset
/// (`emb yes`, `sub yes`, a `ABCDEF+` subset tag): a reader without Noto Serif CJK shows the same
/// glyphs.
#[test]
fn pdffonts_lists_every_font_as_an_embedded_subset() {
    if !tool("pdffonts", "-v") {
        return;
    }
    let f = fixture();
    let dir = Scratch::new("pdf-fonts");
    dir.write("signed.pdf", &f.signed);
    let out = Command::new("pdffonts")
        .current_dir(&dir.0)
        .arg("signed.pdf")
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(out.status.success(), "{text}");
    // name type encoding emb sub uni object ID; the header and its rule first.
    let fonts: Vec<Vec<&str>> = text
        .lines()
        .skip(2)
        .map(|l| l.split_whitespace().collect())
        .collect();
    assert!(!fonts.is_empty(), "pdffonts found no font: {text}");
    for cols in &fonts {
        let n = cols.len();
        assert!(n >= 7, "{text}");
        let (emb, sub) = (cols[n - 5], cols[n - 4]);
        assert_eq!((emb, sub), ("yes", "yes"), "not an embedded subset: {text}");
        let name = cols[0];
        assert!(
            name.len() > 7 && name.as_bytes()[6] == b'+',
            "no subset tag in {name}: {text}"
        );
        assert!(name.contains("NotoSerif"), "{text}");
    }
}

#[test]
fn openssl_reads_the_cms_and_verifies_the_sm2_signature_over_the_signed_attributes() {
    if !openssl_available() {
        return;
    }
    let f = fixture();
    let report = verify_pdf_signature(&f.signed, &f.p.trusted(), &[]).unwrap();
    let (_, cms) = contents(&f.signed);
    let dir = Scratch::new("pdf-sign-openssl");
    dir.write("contents.der", &cms);
    let (ok, out) = dir.openssl(&["asn1parse", "-inform", "DER", "-in", "contents.der"]);
    assert!(ok, "{out}");
    assert!(out.contains("pkcs7-signedData"), "{out}");
    assert!(
        out.contains("messageDigest") && out.contains("signingTime"),
        "{out}"
    );
    dir.write("attrs.der", &report.signed_attributes);
    dir.write("sig.der", &report.signature);
    dir.write("signer.pem", f.p.signer.to_pem());
    let (ok, out) = dir.openssl(&[
        "x509",
        "-in",
        "signer.pem",
        "-pubkey",
        "-noout",
        "-out",
        "signer.pub",
    ]);
    assert!(ok, "{out}");
    let (ok, out) = dir.sm2_verify("signer.pub", "sig.der", "attrs.der");
    assert!(ok && out.contains("Verified OK"), "{out}");
}

/// The words of a signature dictionary in the certificate's text do not make a signature
/// field: the renderer's PDF carries the certificate JSON uncompressed.
#[test]
fn the_word_byte_range_in_the_text_is_not_a_signature_field() {
    let authority = common::authority();
    let community = common::community(&authority);
    let mut content = common::content();
    content.body = "材料编号 /ByteRange [0 1 2 3] /Contents <00> 已核实。".to_string();
    let doc = seal_certificate(content, &community.seal, &community.key).unwrap();
    let pdf = render_pdf(&doc, &RenderOptions::signed(&community.key)).unwrap();
    assert!(pdf.windows(10).any(|w| w == b"/ByteRange"));
    assert!(!has_signature_field(&pdf));
    verify_file(&pdf, &authority.public_key()).unwrap();
}

/// Issued since the signature field: the PDF has no `%JIANFU-SM2` line (one SM2 signature
/// and one SM3 of the file fewer per certificate). The signature field covers every byte, the
/// embedded data verifies against the authority, and the old file check does not apply.
#[test]
fn a_pdf_made_for_the_signature_field_has_no_file_line_and_verifies_by_the_field() {
    let f = fixture();
    let community = common::community(&f.authority);
    let (doc, original) =
        seal_and_render_for_signature_field(common::content(), &community.seal, &community.key)
            .unwrap();
    assert!(
        !original
            .windows(FILE_SIGNATURE_PREFIX.len())
            .any(|w| w == FILE_SIGNATURE_PREFIX),
        "no file signature line"
    );
    let signed = sign_pdf(&original, &f.p.signer, &f.p.signer_key, at(SIGNED_AT)).unwrap();
    assert_eq!(original_revision(&signed), None);
    verify_pdf_signature(&signed, &f.p.trusted(), &[]).unwrap();
    let read = verify_embedded(&signed, &f.authority.public_key()).unwrap();
    assert_eq!(read.content, doc.content);
    assert_eq!(
        verify_file(&signed, &f.authority.public_key())
            .unwrap_err()
            .code(),
        "not_signed"
    );
    // The same content as a file with the line: only the line differs.
    let with_line = render_pdf(&doc, &RenderOptions::signed(&community.key)).unwrap();
    assert!(with_line.starts_with(&original));

    // Another authority's seal record does not verify; a changed byte breaks the field.
    assert_eq!(
        verify_embedded(&signed, &SealKey::generate().public_key())
            .unwrap_err()
            .code(),
        "seal_record_not_trusted"
    );
    let mut changed = signed.clone();
    let at_byte = find(&changed, b"/Type/Page") + 1;
    changed[at_byte] ^= 0x20;
    assert!(verify_pdf_signature(&changed, &f.p.trusted(), &[]).is_err());
    // A sample carries no data.
    let sample = render_pdf(&doc, &RenderOptions::sample()).unwrap();
    assert_eq!(
        verify_embedded(&sample, &f.authority.public_key())
            .unwrap_err()
            .code(),
        "embedded_certificate_missing"
    );
}
