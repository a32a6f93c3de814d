//! The SM2 X.509 PKI: deterministic encodings, round trips, chain checks with each failure
//! reason, a certificate with another vendor's quirks, OpenSSL 3 as the independent reader and
//! verifier, and a parser that never panics.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::pki::*;
use der::{Decode, Encode};
use jianfu_seal::pki::*;
use jianfu_seal::*;
use proptest::prelude::*;

#[test]
fn fixed_keys_give_fixed_certificates() {
    // SM2 signing here is deterministic (RFC 6979 nonces), so a fixed key, subject, serial and
    // validity give the same DER every time; these digests pin the encoding.
    let a = pki();
    let b = pki();
    assert_eq!(a.root.der(), b.root.der());
    assert_eq!(a.signer.der(), b.signer.der());
    assert_eq!(
        sm3_hex(a.root.der()),
        "288e6f4a215a26a94029d30cc0b79e86f8c21699940e977582a3919d30b6f946",
        "root DER changed"
    );
    assert_eq!(
        sm3_hex(a.signer.der()),
        "a05e1e29cdd1bf9c98537cec0c81ffda2a8f0ca93fd67d8553cff9687550cc22",
        "signer DER changed"
    );
}

#[test]
fn certificates_round_trip_through_der_and_pem() {
    let p = pki();
    for cert in [&p.root, &p.maker, &p.signer] {
        let again = X509Certificate::from_der(cert.der()).unwrap();
        assert_eq!(&again, cert);
        let pem = cert.to_pem();
        assert!(pem.starts_with("-----BEGIN CERTIFICATE-----\n"), "{pem}");
        assert_eq!(&X509Certificate::from_pem(&pem).unwrap(), cert);
        // x509-cert reads the same bytes and writes them back unchanged.
        let parsed = x509_cert::Certificate::from_der(cert.der()).unwrap();
        assert_eq!(parsed.to_der().unwrap(), cert.der());
    }
    assert_eq!(
        X509Certificate::from_pem("-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----"),
        Err(PkiError::Pem("CERTIFICATE"))
    );
}

#[test]
fn certificates_say_who_what_and_when() {
    let p = pki();
    assert_eq!(p.signer.subject(), Subject::new("王丽", COMMUNITY));
    assert_eq!(
        p.signer.subject_string(),
        format!("CN=王丽,O={COMMUNITY},C=CN")
    );
    assert_eq!(p.signer.issuer_string(), p.root.subject_string());
    assert_eq!(p.root.subject_string(), p.root.issuer_string());
    assert_eq!(p.signer.serial().to_string(), "03");
    assert_eq!(p.signer.not_before(), at(JAN_2026));
    assert_eq!(p.signer.not_after(), at(JAN_2026 + 730 * DAY));
    assert_eq!(p.signer.public_key(), &p.signer_key.public_key());
    assert!(p.root.is_ca() && !p.maker.is_ca() && !p.signer.is_ca());
    // The key identifier is the leftmost 160 bits of SM3 over the public key bits.
    let point = hex::decode(p.signer_key.public_key().to_hex()).unwrap();
    assert_eq!(
        p.signer.key_identifier().unwrap(),
        hex::decode(&sm3_hex(&point)[..40]).unwrap()
    );
    // What the signature covers is the tbsCertificate as encoded, and it verifies.
    assert!(
        p.signer
            .der()
            .windows(p.signer.tbs_der().len())
            .any(|w| w == p.signer.tbs_der())
    );
    assert!(p.signer.is_signed_by(p.root.public_key()));
    assert!(!p.signer.is_signed_by(p.maker.public_key()));
}

#[test]
fn chain_verifies_and_each_failure_has_its_reason() {
    let p = pki();
    let root = p.trusted();
    let mid_2026 = at(JAN_2026 + 180 * DAY);
    root.verify(&p.signer, mid_2026, &[]).unwrap();
    root.verify(&p.maker, mid_2026, &[]).unwrap();

    // Another authority, even under the same name.
    let (foreign, _) = foreign_signer();
    assert_eq!(
        root.verify(&foreign, mid_2026, &[]),
        Err(PkiError::ForeignAuthority("03".to_string()))
    );
    // Before, after the validity.
    let err = root.verify(&p.signer, at(JAN_2026 - 1), &[]).unwrap_err();
    assert_eq!(err.code(), "certificate_outside_validity");
    assert!(err.message().contains("2026-01-01T00:00:00Z"), "{err}");
    let err = root
        .verify(&p.signer, at(JAN_2026 + 731 * DAY), &[])
        .unwrap_err();
    assert_eq!(err.code(), "certificate_outside_validity");
    // Revoked: from the revocation time on, not before.
    let revoked = [Revocation {
        serial: p.signer.serial().clone(),
        revoked_at: at(JAN_2026 + 100 * DAY),
    }];
    root.verify(&p.signer, at(JAN_2026 + 99 * DAY), &revoked)
        .unwrap();
    let err = root
        .verify(&p.signer, at(JAN_2026 + 100 * DAY), &revoked)
        .unwrap_err();
    assert_eq!(
        err,
        PkiError::Revoked {
            serial: "03".to_string(),
            revoked_at: "2026-04-11T00:00:00Z".to_string()
        }
    );
    assert_eq!(err.message(), "证书 03 已于 2026-04-11T00:00:00Z 注销");
    root.verify(&p.other_signer, mid_2026, &revoked).unwrap();
    // The root is no signer.
    assert_eq!(
        root.verify(&p.root, mid_2026, &[]),
        Err(PkiError::WrongKeyUsage("01".to_string()))
    );
}

#[test]
fn only_a_self_signed_ca_is_a_root() {
    let p = pki();
    assert_eq!(
        TrustedRoot::new(p.signer.clone()).unwrap_err(),
        PkiError::InvalidRoot
    );
    // A byte of the root's validity changed: its self-signature fails.
    let mut der = p.root.der().to_vec();
    let i = find(&der, b"260101000000Z");
    der[i + 1] = b'7';
    let altered = X509Certificate::from_der(&der).unwrap();
    assert_eq!(
        TrustedRoot::new(altered).unwrap_err(),
        PkiError::InvalidRoot
    );
}

#[test]
fn issuing_refuses_a_root_key_that_is_not_the_roots() {
    let p = pki();
    let err = issue(
        &spec("王丽", COMMUNITY, 9, JAN_2026, 30),
        CertRole::Signer,
        &p.signer_key.public_key(),
        &p.root,
        &p.maker_key,
    )
    .unwrap_err();
    assert_eq!(err, PkiError::KeyMismatch);
    let err = issue(
        &spec("王丽", COMMUNITY, 9, JAN_2026, 30),
        CertRole::Signer,
        &p.signer_key.public_key(),
        &p.maker,
        &p.maker_key,
    )
    .unwrap_err();
    assert_eq!(err.code(), "wrong_key_usage");
    let err = issue_root(&spec("", AUTHORITY, 1, JAN_2026, 30), &p.root_key).unwrap_err();
    assert_eq!(err.code(), "invalid_name");
    let err = issue_root(&spec(AUTHORITY, AUTHORITY, 1, JAN_2026, 0), &p.root_key).unwrap_err();
    assert_eq!(err.code(), "invalid_time");
}

#[test]
fn serial_numbers() {
    assert_eq!(Serial::from_u64(0), Err(PkiError::InvalidSerial));
    assert_eq!(Serial::from_u64(0x0102).unwrap().as_bytes(), &[1, 2]);
    assert_eq!(Serial::from_bytes(&[0, 0, 7]).unwrap().to_string(), "07");
    assert!(Serial::from_bytes(&[1; 21]).is_err());
    let a = Serial::random();
    assert_ne!(a, Serial::random());
    // 127 bits: at most 16 bytes, and the top bit clear when all 16 are there (a shorter one,
    // whose leading zero byte was dropped, may start with any byte; ≈ 1 in 512 draws).
    let b = a.as_bytes();
    assert!(b.len() <= 16 && (b.len() < 16 || b[0] < 0x80), "{b:02x?}");
}

fn find(haystack: &[u8], needle: &[u8]) -> usize {
    haystack
        .windows(needle.len())
        .position(|w| w == needle)
        .expect("needle in haystack")
}

/// A signer certificate as another vendor writes it: every extension with `critical` spelled
/// out even where it is FALSE (not DER: DEFAULT values must be left out), and the signature
/// value as raw `r || s` when `raw`. Built from our signer's tbsCertificate by hand and signed
/// by the root.
fn vendor_certificate(p: &Pki, raw: bool) -> Vec<u8> {
    let tbs = x509_cert::TbsCertificate::from_der(p.signer.tbs_der()).unwrap();
    let extensions: Vec<u8> = tbs
        .extensions()
        .unwrap()
        .iter()
        .map(|e| {
            seq(&[
                &e.extn_id.to_der().unwrap(),
                &tlv(0x01, &[if e.critical { 0xff } else { 0x00 }]),
                &e.extn_value.to_der().unwrap(),
            ])
        })
        .collect::<Vec<_>>()
        .concat();
    let tbs_der = seq(&[
        &tlv(0xa0, &tlv(0x02, &[2])),
        &tbs.serial_number().to_der().unwrap(),
        &tbs.signature().to_der().unwrap(),
        &tbs.issuer().to_der().unwrap(),
        &tbs.validity().to_der().unwrap(),
        &tbs.subject().to_der().unwrap(),
        &tbs.subject_public_key_info().to_der().unwrap(),
        &tlv(0xa3, &tlv(0x30, &extensions)),
    ]);
    seq(&[
        &tbs_der,
        &tbs.signature().to_der().unwrap(),
        &bit_string_signature(&p.root_key, &tbs_der, raw),
    ])
}

#[test]
fn explicit_critical_false_and_raw_signature_from_another_vendor_verify() {
    let p = pki();
    let der = vendor_certificate(&p, true);
    // The quirk is really there: a DER writer would drop the explicit FALSE.
    assert!(der.windows(3).any(|w| w == [0x01, 0x01, 0x00]));
    let reencoded = x509_cert::Certificate::from_der(&der)
        .unwrap()
        .to_der()
        .unwrap();
    assert_ne!(reencoded, der);

    let cert = X509Certificate::from_der(&der).unwrap();
    assert_eq!(cert.der(), der.as_slice());
    assert_eq!(cert.signature_value().len(), 64);
    p.trusted().verify(&cert, at(JAN_2026 + DAY), &[]).unwrap();
    let with_der_signature = X509Certificate::from_der(&vendor_certificate(&p, false)).unwrap();
    p.trusted()
        .verify(&with_der_signature, at(JAN_2026 + DAY), &[])
        .unwrap();
    // Verified over the received bytes: change one byte of them and it fails.
    let mut altered = der.clone();
    let i = find(&altered, "王丽".as_bytes());
    altered[i + 2] ^= 1;
    let altered = X509Certificate::from_der(&altered).unwrap();
    assert_eq!(
        p.trusted().verify(&altered, at(JAN_2026 + DAY), &[]),
        Err(PkiError::ForeignAuthority("03".to_string()))
    );
}

#[test]
fn openssl_reads_and_verifies_the_chain() {
    if !openssl_available() {
        return;
    }
    let p = pki();
    let (foreign, _) = foreign_signer();
    let dir = Scratch::new("pki-openssl");
    dir.write("root.pem", p.root.to_pem());
    dir.write("maker.pem", p.maker.to_pem());
    dir.write("signer.pem", p.signer.to_pem());
    dir.write("foreign.pem", foreign.to_pem());
    // OpenSSL reads only DER signature values, so it gets the explicit FALSE alone.
    dir.write("vendor.der", vendor_certificate(&p, false));

    // `openssl x509 -text` reads every certificate.
    let (ok, root_text) = dir.openssl(&["x509", "-in", "root.pem", "-text", "-noout"]);
    assert!(ok, "{root_text}");
    for expected in [
        "Signature Algorithm: SM2-with-SM3",
        "Public Key Algorithm: id-ecPublicKey",
        "ASN1 OID: SM2",
        "X509v3 Basic Constraints: critical\n                CA:TRUE, pathlen:0",
        "X509v3 Key Usage: critical\n                Certificate Sign, CRL Sign",
        "X509v3 Subject Key Identifier",
        "X509v3 Authority Key Identifier",
        "Not Before: Jan  1 00:00:00 2026 GMT",
    ] {
        assert!(root_text.contains(expected), "{expected} in {root_text}");
    }
    let (ok, text) = dir.openssl(&[
        "x509",
        "-in",
        "signer.pem",
        "-text",
        "-noout",
        "-nameopt",
        "utf8,sep_comma_plus_space",
    ]);
    assert!(ok, "{text}");
    for expected in [
        "Serial Number: 3 (0x3)",
        "Subject: C=CN, O=鞍山市铁东区示例和平社区居民委员会, CN=王丽",
        "Issuer: C=CN, O=鞍山市电子印章管理机构, CN=鞍山市电子印章管理机构",
        "X509v3 Key Usage: critical\n                Digital Signature, Non Repudiation",
        "X509v3 Basic Constraints: critical\n                CA:FALSE",
    ] {
        assert!(text.contains(expected), "{expected} in {text}");
    }
    // The signer's authorityKeyIdentifier is the root's subjectKeyIdentifier.
    let root_ski = hex::encode_upper(p.root.key_identifier().unwrap());
    let root_ski: Vec<String> = root_ski
        .as_bytes()
        .chunks(2)
        .map(|c| String::from_utf8(c.to_vec()).unwrap())
        .collect();
    assert!(text.contains(&root_ski.join(":")), "{text}");
    let (ok, text) = dir.openssl(&[
        "x509",
        "-in",
        "vendor.der",
        "-inform",
        "DER",
        "-out",
        "vendor.pem",
    ]);
    assert!(ok, "{text}");

    // `openssl verify -x509_strict` with the distinguishing ID (OpenSSL 3.0 uses an empty
    // one unless told) at a fixed time inside the validity.
    let attime = (JAN_2026 + 180 * DAY).to_string();
    let verify = |cert: &str| {
        dir.openssl(&[
            "verify",
            "-x509_strict",
            "-vfyopt",
            "distid:1234567812345678",
            "-attime",
            &attime,
            "-CAfile",
            "root.pem",
            cert,
        ])
    };
    for cert in ["signer.pem", "maker.pem", "vendor.pem"] {
        let (ok, out) = verify(cert);
        assert!(ok && out.contains(&format!("{cert}: OK")), "{out}");
    }
    // Another authority's signer, and our signer checked at a time past its validity, fail.
    let (ok, out) = verify("foreign.pem");
    assert!(!ok, "{out}");
    let (ok, out) = dir.openssl(&[
        "verify",
        "-x509_strict",
        "-vfyopt",
        "distid:1234567812345678",
        "-attime",
        &(JAN_2026 + 800 * DAY).to_string(),
        "-CAfile",
        "root.pem",
        "signer.pem",
    ]);
    assert!(!ok && out.contains("expired"), "{out}");

    // The certificate's signature verifies with `openssl dgst` over the exact tbsCertificate
    // bytes we keep, with the signature value as it stands in the certificate.
    dir.write("tbs.der", p.signer.tbs_der());
    dir.write("sig.der", p.signer.signature_value());
    let (ok, out) = dir.openssl(&[
        "x509",
        "-in",
        "root.pem",
        "-pubkey",
        "-noout",
        "-out",
        "root-pub.pem",
    ]);
    assert!(ok, "{out}");
    let (ok, out) = dir.sm2_verify("root-pub.pem", "sig.der", "tbs.der");
    assert!(ok && out.contains("Verified OK"), "{out}");
    dir.write("tbs.der", p.maker.tbs_der());
    let (ok, _) = dir.sm2_verify("root-pub.pem", "sig.der", "tbs.der");
    assert!(!ok);
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn certificate_parser_never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..600)) {
        let _ = X509Certificate::from_der(&bytes);
    }

    #[test]
    fn certificate_parser_never_panics_on_altered_certificates(
        index in any::<prop::sample::Index>(),
        value in any::<u8>(),
        cut in any::<prop::sample::Index>(),
    ) {
        let p = pki();
        let mut der = p.signer.der().to_vec();
        let i = index.index(der.len());
        der[i] = value;
        if let Ok(cert) = X509Certificate::from_der(&der) {
            let _ = p.trusted().verify(&cert, at(JAN_2026 + DAY), &[]);
        }
        der.truncate(cut.index(der.len()));
        prop_assert!(X509Certificate::from_der(&der).is_err());
    }
}
