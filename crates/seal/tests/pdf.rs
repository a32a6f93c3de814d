//! The certificate PDF: rendering, the file signature, and every way a file must fail.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;
use common::*;
use jianfu_seal::*;

struct Fixture {
    authority: SealKey,
    community: Community,
    doc: SealedCertificate,
    pdf: Vec<u8>,
}

fn fixture() -> Fixture {
    let authority = authority();
    let community = community(&authority);
    let doc = seal_certificate(content(), &community.seal, &community.key).unwrap();
    let pdf = render_pdf(&doc, &RenderOptions::signed(&community.key)).unwrap();
    Fixture {
        authority,
        community,
        doc,
        pdf,
    }
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

#[test]
fn pdf_round_trip() {
    let f = fixture();
    assert!(f.pdf.starts_with(b"%PDF-1.7"));
    let back = verify_file(&f.pdf, &f.authority.public_key()).unwrap();
    assert_eq!(back, f.doc);
    // The last line is the file signature: it verifies over the rest with the seal key.
    let body = &f.pdf[..f.pdf.len() - 1];
    let start = body.iter().rposition(|&b| b == b'\n').unwrap() + 1;
    let line = std::str::from_utf8(&body[start..]).unwrap();
    let sig = line.strip_prefix("%JIANFU-SM2 ").unwrap();
    assert_eq!(sig.len(), 128);
    let mut message = b"jianfu-pdf-v1\n".to_vec();
    message.extend(hex::decode(sm3_hex(&f.pdf[..start])).unwrap());
    assert!(f.community.key.public_key().verify_hex(&message, sig));
    assert!(f.pdf[..start].ends_with(b"%%EOF\n"));
    // The embedded JSON is stored as is.
    assert!(find(&f.pdf, b"certificate.json").is_some());
    assert!(find(&f.pdf, "\"applicant_name\": \"张小明\"".as_bytes()).is_some());
}

#[test]
fn every_sampled_flipped_byte_fails() {
    let f = fixture();
    let authority = f.authority.public_key();
    let mut positions: Vec<usize> = (0..f.pdf.len()).step_by(61).collect();
    positions.extend([
        1,
        5,
        f.pdf.len() / 2,
        f.pdf.len() - 1,
        f.pdf.len() - 2,
        f.pdf.len() - 100,
    ]);
    for i in positions {
        let mut bad = f.pdf.clone();
        bad[i] ^= 0x01;
        assert!(
            verify_file(&bad, &authority).is_err(),
            "flipped byte {i} of {} passed",
            bad.len()
        );
    }
}

#[test]
fn flipped_bytes_at_chosen_places_fail_with_file_signature_invalid() {
    let f = fixture();
    let authority = f.authority.public_key();
    let sig_line = find(&f.pdf, b"%JIANFU-SM2 ").unwrap();
    let json_serial = find(&f.pdf, b"\"serial\": \"ZM-2026-000123\"").unwrap() + 12;
    let places = [
        ("pdf version in the header", 7),
        ("middle of the file", f.pdf.len() / 2),
        ("serial inside the embedded JSON", json_serial),
        ("first hex digit of the signature", sig_line + 12),
        ("last hex digit of the signature", f.pdf.len() - 2),
        ("the %%EOF marker", find(&f.pdf, b"%%EOF").unwrap() + 2),
    ];
    for (what, i) in places {
        let mut bad = f.pdf.clone();
        // Keep the byte a hex digit / ASCII letter, so only the signature can notice.
        bad[i] = match bad[i] {
            b'0' => b'1',
            b'a' => b'b',
            b'Z' => b'Y',
            other => other ^ 0x01,
        };
        assert_eq!(
            verify_file(&bad, &authority).unwrap_err(),
            VerifyError::FileSignatureInvalid,
            "{what} (byte {i})"
        );
    }
    // A changed byte in the "%JIANFU-SM2 " prefix: no longer a signed file.
    let mut bad = f.pdf.clone();
    bad[sig_line + 1] = b'K';
    assert_eq!(
        verify_file(&bad, &authority).unwrap_err(),
        VerifyError::NotSigned
    );
    // The first byte: no longer a PDF.
    let mut bad = f.pdf.clone();
    bad[0] = b'$';
    assert_eq!(
        verify_file(&bad, &authority).unwrap_err().code(),
        "malformed"
    );
}

#[test]
fn truncated_or_extended_pdf_fails() {
    let f = fixture();
    let authority = f.authority.public_key();
    for cut in [1, 2, 60, 129, 141, 1000, f.pdf.len() / 2] {
        let short = &f.pdf[..f.pdf.len() - cut];
        let err = verify_file(short, &authority).unwrap_err();
        assert!(
            matches!(
                err,
                VerifyError::NotSigned | VerifyError::FileSignatureInvalid
            ),
            "cut {cut}: {err:?}"
        );
    }
    // Without the signature line exactly: a well-formed but unsigned PDF.
    let sig_line = find(&f.pdf, b"%JIANFU-SM2 ").unwrap();
    assert_eq!(
        verify_file(&f.pdf[..sig_line], &authority).unwrap_err(),
        VerifyError::NotSigned
    );
    // Anything appended after the signature, even a blank line.
    for tail in [&b"\n"[..], b"%%EOF\n", b" "] {
        let mut longer = f.pdf.clone();
        longer.extend_from_slice(tail);
        assert!(verify_file(&longer, &authority).is_err(), "{tail:?}");
    }
}

#[test]
fn resigned_or_foreign_pdfs_fail() {
    let f = fixture();
    let authority = f.authority.public_key();
    // Someone edits the embedded JSON and re-signs the file with another key.
    let thief = SealKey::generate();
    let sig_line = find(&f.pdf, b"%JIANFU-SM2 ").unwrap();
    let mut body = f.pdf[..sig_line].to_vec();
    let pos = find(&body, "张小明".as_bytes()).unwrap();
    body[pos..pos + 9].copy_from_slice("李小明".as_bytes());
    let mut message = b"jianfu-pdf-v1\n".to_vec();
    message.extend(hex::decode(sm3_hex(&body)).unwrap());
    body.extend_from_slice(format!("%JIANFU-SM2 {}\n", thief.sign_hex(&message)).as_bytes());
    assert_eq!(
        verify_file(&body, &authority).unwrap_err(),
        VerifyError::FileSignatureInvalid
    );

    // A complete certificate from a rogue "authority": it is internally consistent, but its
    // seal record is not ours.
    let rogue = SealKey::generate();
    let c = community(&rogue);
    let doc = seal_certificate(content(), &c.seal, &c.key).unwrap();
    let pdf = render_pdf(&doc, &RenderOptions::signed(&c.key)).unwrap();
    assert_eq!(verify_file(&pdf, &rogue.public_key()).unwrap(), doc);
    assert_eq!(
        verify_file(&pdf, &authority).unwrap_err(),
        VerifyError::SealRecordNotTrusted
    );
}

#[test]
fn sample_pdfs_are_not_accepted() {
    let f = fixture();
    let sample = render_pdf(&f.doc, &RenderOptions::sample()).unwrap();
    assert!(sample.starts_with(b"%PDF-"));
    assert!(find(&sample, b"%JIANFU-SM2").is_none());
    assert!(find(&sample, b"certificate.json").is_none());
    let err = verify_file(&sample, &f.authority.public_key()).unwrap_err();
    assert_eq!(err, VerifyError::NotSigned);
    assert_eq!(err.code(), "not_signed");
    assert!(err.message().contains("样本"));
    // A sample needs no key and no valid signature.
    let mut placeholder = f.doc.clone();
    placeholder.signature = String::new();
    placeholder.digest = String::new();
    assert!(render_pdf(&placeholder, &RenderOptions::sample()).is_ok());
}

#[test]
fn render_refusals() {
    let f = fixture();
    assert_eq!(
        render_pdf(&f.doc, &RenderOptions::default()).unwrap_err(),
        SealError::SigningKeyRequired
    );
    let other = SealKey::generate();
    assert_eq!(
        render_pdf(&f.doc, &RenderOptions::signed(&other)).unwrap_err(),
        SealError::KeyMismatch
    );
    let mut changed = f.doc.clone();
    changed.content.applicant_name = "李四".to_string();
    assert_eq!(
        render_pdf(&changed, &RenderOptions::signed(&f.community.key)).unwrap_err(),
        SealError::InvalidSignature
    );
    let mut long = f.doc.content.clone();
    long.body = "兹证明该居民长期居住在本社区，情况属实。".repeat(40);
    let doc = seal_certificate(long, &f.community.seal, &f.community.key).unwrap();
    let err = render_pdf(&doc, &RenderOptions::signed(&f.community.key)).unwrap_err();
    assert_eq!(err, SealError::TextTooLong);
    assert_eq!(err.code(), "text_too_long");
    let mut odd = f.doc.clone();
    odd.content.type_name = "亲属关系证明😀".to_string();
    assert_eq!(
        render_pdf(&odd, &RenderOptions::sample()).unwrap_err(),
        SealError::UnsupportedCharacters("“😀”(U+1F600)".to_string())
    );
}

#[test]
fn a_full_page_of_text_still_fits() {
    let f = fixture();
    let mut c = f.doc.content.clone();
    // About 300 characters in four paragraphs, with long numbers and a URL-like word.
    c.body = [
        "兹证明张小明（身份证号码：210302199001011234）与张大山（身份证号码：210302196505054321）系父子关系，二人户籍均在本社区。",
        "经本社区居民委员会于2026年11月20日入户走访，并查阅居民基本信息台账（编号HP-2026-0457），以上情况属实。",
        "本证明仅用于办理户口迁移手续，不作其他用途；有效期三个月，自出具之日起计算。如有疑问，请登录https://jianfu.example.gov.cn/help查询或致电社区服务站。",
        "特此证明。",
    ]
    .join("\n");
    let doc = seal_certificate(c, &f.community.seal, &f.community.key).unwrap();
    let pdf = render_pdf(&doc, &RenderOptions::signed(&f.community.key)).unwrap();
    assert_eq!(verify_file(&pdf, &f.authority.public_key()).unwrap(), doc);
    write_artifact("certificate-long.pdf", &pdf);
}

fn artifacts() -> std::path::PathBuf {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target/seal-artifacts");
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn write_artifact(name: &str, bytes: &[u8]) -> std::path::PathBuf {
    let path = artifacts().join(name);
    std::fs::write(&path, bytes).unwrap();
    path
}

fn tool(name: &str) -> bool {
    std::process::Command::new(name).arg("-v").output().is_ok()
}

fn pdf_text(path: &std::path::Path) -> String {
    let out = std::process::Command::new("pdftotext")
        .arg(path)
        .arg("-")
        .output()
        .unwrap();
    assert!(out.status.success());
    String::from_utf8(out.stdout).unwrap()
}

/// Decode the QR code of the first page at 150 dpi with zbarimg.
fn qr_of(path: &std::path::Path, stem: &str) -> String {
    let png_root = artifacts().join(stem);
    let out = std::process::Command::new("pdftoppm")
        .args(["-r", "150", "-png", "-singlefile"])
        .arg(path)
        .arg(&png_root)
        .output()
        .unwrap();
    assert!(out.status.success());
    // poppler reads the whole file without complaint (a resource that points at the wrong
    // object, say, is a "Syntax Error" here and a silently wrong page elsewhere).
    let complaints = String::from_utf8_lossy(&out.stderr);
    assert!(
        !complaints.contains("Error"),
        "pdftoppm complains about {}:\n{complaints}",
        path.display()
    );
    let out = std::process::Command::new("zbarimg")
        .args(["--quiet", "--raw"])
        .arg(png_root.with_extension("png"))
        .output()
        .unwrap();
    assert!(out.status.success(), "zbarimg found no code");
    String::from_utf8(out.stdout)
        .unwrap()
        .trim_end()
        .to_string()
}

#[test]
fn rendered_pdf_reads_back_with_poppler_and_zbar() {
    let f = fixture();
    let path = write_artifact("certificate.pdf", &f.pdf);
    let sample = render_pdf(&f.doc, &RenderOptions::sample()).unwrap();
    let sample_path = write_artifact("certificate-sample.pdf", &sample);
    std::fs::write(
        artifacts().join("seal.svg"),
        seal_svg(&f.doc.seal.record.name, &f.doc.seal.record.kind),
    )
    .unwrap();
    if !(tool("pdftoppm") && tool("zbarimg") && tool("pdftotext")) {
        eprintln!(
            "SKIPPED: pdftoppm, pdftotext or zbarimg missing (apt-get install poppler-utils zbar-tools)"
        );
        return;
    }
    assert_eq!(qr_of(&path, "certificate"), f.doc.content.verify_url);
    let text = pdf_text(&path);
    assert!(text.contains("亲属关系证明"), "{text}");
    assert!(text.contains("编号：ZM-2026-000123"), "{text}");
    assert!(text.contains("2026年11月28日"), "{text}");
    assert!(text.contains("核验码：7KQ2M9XW4B"), "{text}");
    assert!(
        text.contains(&format!("扫码或访问 {} 核验", f.doc.content.verify_url)),
        "{text}"
    );
    let one_line: String = text.split_whitespace().collect();
    assert!(
        one_line.contains("兹证明张小明（身份证号码：210302199001011234）与张大山"),
        "{text}"
    );
    // The seal's letters are drawn as outlines, not text.
    assert_eq!(text.matches("证明专用章").count(), 0, "{text}");

    assert_eq!(
        qr_of(&sample_path, "certificate-sample"),
        f.doc.content.verify_url
    );
    let text = pdf_text(&sample_path);
    assert!(text.contains("样本"), "{text}");
    assert!(text.contains("不具证明效力"), "{text}");
}

#[test]
fn rendering_is_deterministic() {
    let f = fixture();
    let again = render_pdf(&f.doc, &RenderOptions::signed(&f.community.key)).unwrap();
    assert_eq!(again, f.pdf);
}

mod fuzz {
    //! Bounded property-based fuzzing of a signed PDF given to `verify_file` (stable Rust,
    //! part of `cargo test`): the embedded certificate is read by a PDF parser before the
    //! file signature can be checked, so changed and cut-off files must get an answer, never
    //! a panic or an abort, and never a pass.
    use super::*;
    use proptest::prelude::*;
    use std::sync::OnceLock;

    fn signed() -> &'static Fixture {
        static F: OnceLock<Fixture> = OnceLock::new();
        F.get_or_init(fixture)
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

        #[test]
        fn changed_or_cut_pdfs_are_answered(
            changes in prop::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 0..6),
            cut in any::<prop::sample::Index>(),
            shorten in any::<bool>(),
        ) {
            let f = signed();
            let mut bytes = f.pdf.clone();
            for (at, b) in changes {
                let i = at.index(bytes.len());
                bytes[i] = b;
            }
            if shorten {
                bytes.truncate(cut.index(bytes.len()));
            }
            let result = verify_file(&bytes, &f.authority.public_key());
            if bytes != f.pdf {
                prop_assert!(result.is_err());
            }
        }
    }
}
