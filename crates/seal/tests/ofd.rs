//! OFD output signed per GM/T 0099: the package's files and what is signed, verification,
//! each tampering and each bad signer with its own reason, other vendors' raw signatures, and
//! OpenSSL reading `Seal.esl` / `SignedValue.dat` and verifying the document signature.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::collections::BTreeMap;
use std::io::{Cursor, Read, Write};

use common::pki::*;
use jianfu_seal::ofd::*;
use jianfu_seal::pki::*;
use jianfu_seal::ses::*;
use jianfu_seal::*;

/// 2026-11-28T02:00:00Z: the content's issue day, inside every validity.
const SIGNED_AT: u64 = JAN_2026 + 331 * DAY + 7200;
const SIGNATURE_XML: &str = "Doc_0/Signs/Sign_0/Signature.xml";
const SIGNED_VALUE: &str = "Doc_0/Signs/Sign_0/SignedValue.dat";
const SEAL_ESL: &str = "Doc_0/Signs/Sign_0/Seal.esl";
const FONT_FILE: &str = "Doc_0/Res/font_0.otf";

struct Fixture {
    p: Pki,
    seal: EsSeal,
    ofd: Vec<u8>,
}

fn fixture() -> Fixture {
    let p = pki();
    let seal = EsSeal::make(&seal_spec(vec![p.signer.clone()]), &p.maker, &p.maker_key).unwrap();
    let ofd = render_ofd(
        &common::content(),
        &OfdStamp {
            seal: &seal,
            signer: &p.signer,
            key: &p.signer_key,
            time: at(SIGNED_AT),
        },
    )
    .unwrap();
    Fixture { p, seal, ofd }
}

fn unzip(bytes: &[u8]) -> BTreeMap<String, Vec<u8>> {
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).unwrap();
    let mut files = BTreeMap::new();
    for i in 0..archive.len() {
        let mut file = archive.by_index(i).unwrap();
        let mut data = Vec::new();
        file.read_to_end(&mut data).unwrap();
        files.insert(file.name().unwrap().to_string(), data);
    }
    files
}

fn rezip(files: &BTreeMap<String, Vec<u8>>) -> Vec<u8> {
    let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
    for (name, data) in files {
        zip.start_file(name.as_str(), zip::write::SimpleFileOptions::default())
            .unwrap();
        zip.write_all(data).unwrap();
    }
    zip.finish().unwrap().into_inner()
}

/// The package with `name` changed by `change`.
fn with_file(ofd: &[u8], name: &str, change: impl FnOnce(&mut Vec<u8>)) -> Vec<u8> {
    let mut files = unzip(ofd);
    change(
        files
            .get_mut(name)
            .unwrap_or_else(|| panic!("{name} in package")),
    );
    rezip(&files)
}

fn verify(f: &Fixture, ofd: &[u8]) -> Result<OfdReport, PkiError> {
    verify_ofd(ofd, &f.p.trusted(), &[])
}

fn code(result: Result<OfdReport, PkiError>) -> String {
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

#[test]
fn the_package_holds_the_page_and_a_gm_t_0099_signature_that_verifies() {
    let f = fixture();
    assert!(is_zip(&f.ofd));
    let files = unzip(&f.ofd);
    assert_eq!(
        files.keys().map(String::as_str).collect::<Vec<_>>(),
        vec![
            "Doc_0/Document.xml",
            "Doc_0/Pages/Page_0/Content.xml",
            "Doc_0/PublicRes.xml",
            FONT_FILE,
            SEAL_ESL,
            SIGNATURE_XML,
            SIGNED_VALUE,
            "Doc_0/Signs/Signatures.xml",
            "OFD.xml",
        ]
    );
    let ofd_xml = String::from_utf8(files["OFD.xml"].clone()).unwrap();
    assert!(ofd_xml.contains("<ofd:DocRoot>Doc_0/Document.xml</ofd:DocRoot>"));
    assert!(ofd_xml.contains("<ofd:Signatures>/Doc_0/Signs/Signatures.xml</ofd:Signatures>"));
    let content = String::from_utf8(files["Doc_0/Pages/Page_0/Content.xml"].clone()).unwrap();
    assert!(
        content.contains(">亲属关系证明</ofd:TextCode>"),
        "{content}"
    );
    assert!(content.contains(">编号：ZM-2026-000123</ofd:TextCode>"));
    assert!(content.contains(">2026年11月28日</ofd:TextCode>"));
    assert!(content.contains(">核验码：7KQ2M9XW4B</ofd:TextCode>"));
    assert!(content.contains("<ofd:PathObject"), "the QR code is drawn");
    // The font is embedded (GB/T 33190 ofd:FontFile, relative to the resource's BaseLoc).
    let res = String::from_utf8(files["Doc_0/PublicRes.xml"].clone()).unwrap();
    assert!(res.contains("BaseLoc=\"Res\""), "{res}");
    assert!(
        res.contains("<ofd:FontFile>font_0.otf</ofd:FontFile>"),
        "{res}"
    );

    // Seal.esl is the seal; SignedValue.dat signs the SM3 of Signature.xml, naming its path.
    assert_eq!(files[SEAL_ESL], f.seal.der());
    let signature = EsSignature::from_der(&files[SIGNED_VALUE]).unwrap();
    assert_eq!(signature.seal().der(), f.seal.der());
    assert_eq!(
        hex::encode(signature.data_hash()),
        sm3_hex(&files[SIGNATURE_XML])
    );
    assert_eq!(
        signature.property_info(),
        "/Doc_0/Signs/Sign_0/Signature.xml"
    );
    assert_eq!(signature.time(), at(SIGNED_AT));
    assert_eq!(signature.signer(), &f.p.signer);

    // One reference per file but the signature's own two, with the Base64 SM3 check value.
    let xml = String::from_utf8(files[SIGNATURE_XML].clone()).unwrap();
    assert!(xml.contains("<ofd:SignatureMethod>1.2.156.10197.1.501</ofd:SignatureMethod>"));
    assert!(xml.contains("<ofd:References CheckMethod=\"1.2.156.10197.1.401\">"));
    assert_eq!(xml.matches("<ofd:Reference ").count(), 7);
    for (name, data) in &files {
        let reference = format!("FileRef=\"/{name}\"");
        let own = name == SIGNATURE_XML || name == SIGNED_VALUE;
        assert_eq!(xml.contains(&reference), !own, "{name}");
        if !own {
            let digest = hex::decode(sm3_hex(data)).unwrap();
            use base64ct::Encoding;
            let check = base64ct::Base64::encode_string(&digest);
            assert!(xml.contains(&format!(
                "{reference}><ofd:CheckValue>{check}</ofd:CheckValue>"
            )));
        }
    }
    // The stamp: the seal's 42 mm picture on page 1, centred where the PDF draws the seal.
    assert!(xml.contains("<ofd:StampAnnot ID=\"1\" PageRef=\"1\" Boundary=\""));
    assert!(xml.contains(" 42 42\"/>"), "{xml}");
    assert!(xml.contains("<ofd:BaseLoc>/Doc_0/Signs/Sign_0/Seal.esl</ofd:BaseLoc>"));
    assert!(xml.contains("<ofd:SignedValue>/Doc_0/Signs/Sign_0/SignedValue.dat</ofd:SignedValue>"));

    let report = verify(&f, &f.ofd).unwrap();
    assert_eq!(report.signatures.len(), 1);
    let s = &report.signatures[0];
    assert_eq!(s.path, "/Doc_0/Signs/Sign_0/Signature.xml");
    assert_eq!(s.seal_name, format!("{COMMUNITY}证明专用章"));
    assert_eq!(s.seal_id, "210302001001-01");
    assert_eq!(s.signer.common_name, "王丽");
    assert_eq!(s.signer_serial, "03");
    assert_eq!(s.maker.common_name, "鞍山市电子印章制作中心");
    assert_eq!(s.time, at(SIGNED_AT));
    assert_eq!(s.references, 7);
    assert_eq!(s.stamps.len(), 1);
    assert_eq!(report.checks.len(), 5, "{:?}", report.checks);
    assert!(report.text.contains(&"亲属关系证明".to_string()));
    assert!(
        report
            .text
            .contains(&"鞍山市铁东区示例和平社区居民委员会".to_string())
    );
}

/// The embedded font maps every character of the page's text to a glyph of its own (through
/// its Unicode cmap, as a reader without our font uses it) with the advance the layout used, and
/// holds no more than the page needs.
#[test]
fn the_embedded_font_draws_every_character_of_the_page() {
    use skrifa::MetadataProvider;
    let f = fixture();
    let files = unzip(&f.ofd);
    let font_bytes = &files[FONT_FILE];
    assert!(
        font_bytes.len() < 200 * 1024,
        "a subset, not the 4 MB font: {} bytes",
        font_bytes.len()
    );
    assert_eq!(&font_bytes[..4], b"OTTO", "an OpenType (CFF) font");
    let font = skrifa::FontRef::new(font_bytes).expect("the embedded font parses");
    let charmap = font.charmap();
    let advances = font.glyph_metrics(
        skrifa::instance::Size::unscaled(),
        skrifa::instance::LocationRef::default(),
    );
    let report = verify(&f, &f.ofd).unwrap();
    let text: String = report.text.concat();
    assert!(
        text.contains("亲属关系证明") && text.contains("核验码"),
        "{text}"
    );
    let mut mapped = std::collections::BTreeSet::new();
    for c in text.chars().filter(|c| !c.is_whitespace()) {
        let glyph = charmap
            .map(c)
            .unwrap_or_else(|| panic!("{c:?} has no glyph in the embedded font"));
        assert_ne!(glyph.to_u32(), 0, "{c:?} maps to .notdef");
        assert!(advances.advance_width(glyph).unwrap_or(0.0) > 0.0, "{c:?}");
        mapped.insert(glyph.to_u32());
    }
    // The Content.xml DeltaX were measured with the same advances: 16 pt title glyphs are
    // full-width (1 em), i.e. 1000 units of the 1000-unit em.
    let g = charmap.map('亲').unwrap();
    assert_eq!(advances.advance_width(g), Some(1000.0));
    // Only the page's glyphs (and .notdef): a character not on the page is not there.
    assert!(charmap.map('龙').is_none_or(|g| g.to_u32() == 0));
    use skrifa::raw::TableProvider;
    let glyphs = usize::from(font.maxp().unwrap().num_glyphs());
    let distinct = text
        .chars()
        .collect::<std::collections::BTreeSet<_>>()
        .len();
    assert!(
        glyphs > mapped.len() && glyphs <= distinct + 1,
        "{glyphs} glyphs for {distinct} characters: the page's and .notdef"
    );
}

#[test]
fn the_same_certificate_makes_the_same_file() {
    let a = fixture();
    let b = fixture();
    assert_eq!(a.ofd, b.ofd);
}

/// A byte changed in any file of the package fails, each with its own reason; XML files
/// stay well-formed (the last byte, a newline, becomes a space).
#[test]
fn a_byte_changed_in_any_file_fails_with_its_own_reason() {
    let f = fixture();
    let last_newline = |data: &mut Vec<u8>| {
        let last = data.len() - 1;
        assert_eq!(data[last], b'\n');
        data[last] = b' ';
    };
    for (name, expected) in [
        ("OFD.xml", "reference_mismatch"),
        ("Doc_0/Document.xml", "reference_mismatch"),
        ("Doc_0/PublicRes.xml", "reference_mismatch"),
        ("Doc_0/Pages/Page_0/Content.xml", "reference_mismatch"),
        ("Doc_0/Signs/Signatures.xml", "reference_mismatch"),
        (SIGNATURE_XML, "data_hash_mismatch"),
    ] {
        let tampered = with_file(&f.ofd, name, last_newline);
        let result = verify(&f, &tampered);
        assert_eq!(code(result.clone()), expected, "{name}");
        if expected == "reference_mismatch" {
            assert_eq!(
                result.unwrap_err(),
                PkiError::ReferenceMismatch(format!("/{name}"))
            );
        }
    }
    // The embedded font: one byte of its outlines.
    let tampered = with_file(&f.ofd, FONT_FILE, |data| {
        let at = data.len() / 2;
        data[at] ^= 0x01;
    });
    assert_eq!(
        verify(&f, &tampered).unwrap_err(),
        PkiError::ReferenceMismatch(format!("/{FONT_FILE}"))
    );
    // The text itself, one character of the body.
    let tampered = with_file(&f.ofd, "Doc_0/Pages/Page_0/Content.xml", |data| {
        let at = find(data, "父子关系".as_bytes());
        data[at..at + "父子关系".len()].copy_from_slice("母子关系".as_bytes());
    });
    assert_eq!(code(verify(&f, &tampered)), "reference_mismatch");

    // Seal.esl: the maker's signature's last byte; SignedValue.dat: the signer's.
    let flip_last = |data: &mut Vec<u8>| {
        let last = data.len() - 1;
        data[last] ^= 0x01;
    };
    assert_eq!(
        code(verify(&f, &with_file(&f.ofd, SEAL_ESL, flip_last))),
        "seal_file_mismatch"
    );
    assert_eq!(
        code(verify(&f, &with_file(&f.ofd, SIGNED_VALUE, flip_last))),
        "bad_signature"
    );
    // The picture inside the signed seal: the seal maker's signature no longer holds; the same
    // change to Seal.esl alone makes it differ from the signed seal.
    let png = hex::decode(PNG).unwrap();
    let flip_picture = |data: &mut Vec<u8>| {
        let at = find(data, &png) + 40;
        data[at] ^= 0x01;
    };
    assert_eq!(
        code(verify(&f, &with_file(&f.ofd, SIGNED_VALUE, flip_picture))),
        "seal_signature_invalid"
    );
    assert_eq!(
        code(verify(&f, &with_file(&f.ofd, SEAL_ESL, flip_picture))),
        "seal_file_mismatch"
    );

    // A file added (夹带) or removed.
    let mut files = unzip(&f.ofd);
    files.insert("Doc_0/Res/extra.png".to_string(), png.clone());
    assert_eq!(
        verify(&f, &rezip(&files)).unwrap_err(),
        PkiError::UnprotectedFile("/Doc_0/Res/extra.png".to_string())
    );
    let mut files = unzip(&f.ofd);
    files.remove("Doc_0/PublicRes.xml");
    assert_eq!(
        verify(&f, &rezip(&files)).unwrap_err(),
        PkiError::ReferenceMissing("/Doc_0/PublicRes.xml".to_string())
    );
    // No signature at all.
    let mut files = unzip(&f.ofd);
    files.insert(
        "OFD.xml".to_string(),
        String::from_utf8(files["OFD.xml"].clone())
            .unwrap()
            .replace(
                "<ofd:Signatures>/Doc_0/Signs/Signatures.xml</ofd:Signatures>",
                "",
            )
            .into_bytes(),
    );
    assert_eq!(code(verify(&f, &rezip(&files))), "not_signed");

    // A byte flipped in the compressed data of the zip (the first file's starts at 37): the
    // package cannot be read (the zip's own timestamps are not signed, nor need they be).
    for at in [40, f.ofd.len() / 2] {
        let mut raw = f.ofd.clone();
        raw[at] ^= 0x40;
        assert!(verify(&f, &raw).is_err(), "byte {at}");
    }
    assert_eq!(code(verify(&f, b"PK\x03\x04 not a zip")), "package");
}

#[test]
fn bad_signers_and_times_fail_with_their_own_reasons() {
    let f = fixture();
    let content = common::content();

    // A signer certificate from another authority (same names and serial as ours).
    let (foreign, foreign_key) = foreign_signer();
    let seal = EsSeal::make(
        &seal_spec(vec![f.p.signer.clone(), foreign.clone()]),
        &f.p.maker,
        &f.p.maker_key,
    )
    .unwrap();
    let stamp = |signer: &X509Certificate, key: &SealKey| {
        render_ofd(
            &content,
            &OfdStamp {
                seal: &seal,
                signer,
                key,
                time: at(SIGNED_AT),
            },
        )
        .unwrap()
    };
    assert_eq!(
        code(verify(&f, &stamp(&foreign, &foreign_key))),
        "foreign_authority"
    );

    // A revoked signer: revoked before the signing time fails, after it still verifies.
    let ofd = stamp(&f.p.signer, &f.p.signer_key);
    let revoked = |when: u64| {
        vec![Revocation {
            serial: f.p.signer.serial().clone(),
            revoked_at: at(when),
        }]
    };
    assert_eq!(
        code(verify_ofd(&ofd, &f.p.trusted(), &revoked(SIGNED_AT - DAY))),
        "revoked"
    );
    verify_ofd(&ofd, &f.p.trusted(), &revoked(SIGNED_AT + DAY)).unwrap();

    // A signer the seal does not list cannot stamp.
    let err = render_ofd(
        &content,
        &OfdStamp {
            seal: &f.seal,
            signer: &f.p.other_signer,
            key: &f.p.other_signer_key,
            time: at(SIGNED_AT),
        },
    )
    .unwrap_err();
    assert_eq!(err.code(), "signer_not_in_seal");

    // Outside the seal's validity (2026): refused when stamping…
    let outside = JAN_2026 + 400 * DAY;
    let err = render_ofd(
        &content,
        &OfdStamp {
            seal: &f.seal,
            signer: &f.p.signer,
            key: &f.p.signer_key,
            time: at(outside),
        },
    )
    .unwrap_err();
    assert_eq!(err.code(), "seal_outside_validity");
    // …and when verifying a signature another system made then (the signer's certificate is
    // still valid in 2027).
    let files = unzip(&f.ofd);
    let late = hand_signature(
        &f.seal,
        &files[SIGNATURE_XML],
        "/Doc_0/Signs/Sign_0/Signature.xml",
        outside,
        &f.p.signer,
        &f.p.signer_key,
        false,
    );
    let tampered = with_file(&f.ofd, SIGNED_VALUE, |data| *data = late);
    assert_eq!(code(verify(&f, &tampered)), "seal_outside_validity");

    // Against another root, even our own signer's file is foreign.
    let (other_root_cert, _) = foreign_signer();
    let _ = other_root_cert;
    let other_root_key = fixed_key("another authority");
    let other_root = issue_root(
        &spec(AUTHORITY, AUTHORITY, 1, JAN_2026, 7305),
        &other_root_key,
    )
    .unwrap();
    assert_eq!(
        code(verify_ofd(
            &f.ofd,
            &TrustedRoot::new(other_root).unwrap(),
            &[]
        )),
        "foreign_authority"
    );
}

/// Another vendor's signature value (raw `r || s` signatures, as some devices write) over the
/// same Signature.xml verifies.
#[test]
fn another_vendors_raw_signature_verifies() {
    let f = fixture();
    let files = unzip(&f.ofd);
    let raw = hand_signature(
        &f.seal,
        &files[SIGNATURE_XML],
        "/Doc_0/Signs/Sign_0/Signature.xml",
        SIGNED_AT,
        &f.p.signer,
        &f.p.signer_key,
        true,
    );
    let ofd = with_file(&f.ofd, SIGNED_VALUE, |data| *data = raw);
    verify(&f, &ofd).unwrap();
}

/// OpenSSL reads Seal.esl and SignedValue.dat and verifies the signer's SM2 signature over
/// the exact TBS_Sign bytes.
#[test]
fn openssl_reads_the_signature_files_and_verifies_the_document_signature() {
    if !openssl_available() {
        return;
    }
    let f = fixture();
    let files = unzip(&f.ofd);
    let dir = Scratch::new("ofd-openssl");
    dir.write("Seal.esl", &files[SEAL_ESL]);
    dir.write("SignedValue.dat", &files[SIGNED_VALUE]);
    for file in ["Seal.esl", "SignedValue.dat"] {
        let (ok, out) = dir.openssl(&["asn1parse", "-inform", "DER", "-in", file]);
        assert!(ok, "{file}: {out}");
    }
    let signature = EsSignature::from_der(&files[SIGNED_VALUE]).unwrap();
    dir.write("tbs.der", signature.tbs_der());
    dir.write("sig.der", signature.signature_value());
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
    let (ok, out) = dir.sm2_verify("signer.pub", "sig.der", "tbs.der");
    assert!(ok && out.contains("Verified OK"), "{out}");
    // The data hash is SM3 of Signature.xml, as OpenSSL computes it.
    dir.write("Signature.xml", &files[SIGNATURE_XML]);
    let (ok, out) = dir.openssl(&["dgst", "-sm3", "-hex", "Signature.xml"]);
    assert!(
        ok && out.contains(&hex::encode(signature.data_hash())),
        "{out}"
    );
}

/// A maintained OFD reader from PyPI (`easyofd`) opens our OFD: its structure (the document,
/// one page, the signature on it) and its text. Runs when
/// `JIANFU_OFD_READER_PYTHON` names a Python that has it, e.g. after
/// `python3 -m venv V && V/bin/pip install easyofd==20260427`; the check itself is
/// `tests/ofd_reader.py`.
#[test]
fn a_maintained_ofd_reader_from_pypi_opens_our_ofd() {
    let Some(python) = std::env::var_os("JIANFU_OFD_READER_PYTHON") else {
        eprintln!("SKIPPED: JIANFU_OFD_READER_PYTHON is not set (a Python with easyofd from PyPI)");
        return;
    };
    let f = fixture();
    let dir = Scratch::new("ofd-reader");
    let path = dir.write("certificate.ofd", &f.ofd).join("certificate.ofd");
    let script = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/ofd_reader.py");
    let run = |file: &std::path::Path, expected: &[&str]| {
        std::process::Command::new(&python)
            .arg(&script)
            .arg(file)
            .args(expected)
            .output()
            .unwrap()
    };
    let out = run(&path, &["亲属关系证明", "ZM-2026-000123", "7KQ2M9XW4B"]);
    assert!(
        out.status.success(),
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        String::from_utf8_lossy(&out.stdout)
            .lines()
            .any(|l| l.starts_with("OK: easyofd read"))
    );
    // The check can fail: a text the page does not hold is reported.
    let out = run(&path, &["不在页面上的文字"]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stdout).contains("FAIL"));
}
