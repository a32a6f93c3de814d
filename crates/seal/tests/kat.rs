//! Known-answer tests for SM3 and SM2, and a cross-check with the OpenSSL command line.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use jianfu_seal::*;

#[test]
fn sm3_known_answers_gbt_32905() {
    // GB/T 32905-2016, Annex A, examples 1 and 2.
    assert_eq!(
        sm3_hex(b"abc"),
        "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0"
    );
    assert_eq!(
        sm3_hex("abcd".repeat(16).as_bytes()),
        "debe9ff92275b8a138604889c18e5a4d6fdb70e5387e5765293dcba39c0c5732"
    );
    assert_ne!(sm3_hex(b"abd"), sm3_hex(b"abc"));
}

// GM/T 0003.5-2012 (= GB/T 32918.5-2017) Annex A: signature on the recommended curve with
// ID "1234567812345678" and message "message digest".
const GMT_PRIVATE: &str = "3945208F7B2144B13F36E38AC6D39F95889393692860B51A42FB81EF4DF7C5B8";
const GMT_PUBLIC: &str = "04\
09F9DF311E5421A150DD7D161E4BC5C672179FAD1833FC076BB08FF356F35020\
CCEA490CE26775A52DC6EA718CC1AA600AED05FBF35E084A6632F6072DA9AD13";
const GMT_SIGNATURE: &str = "\
F5A03B0648D2C4630EEAC513E1BB81A15944DA3827D5B74143AC7EACEEE720B3\
B1B6AA29DF212FD8763182BC0D421CA1BB9038FD1F7F42D4840B69C485BBC1AA";

#[test]
fn sm2_published_example_verifies() {
    assert_eq!(DISTID, "1234567812345678");
    let public = PublicKey::from_hex(GMT_PUBLIC).unwrap();
    assert!(public.verify_hex(b"message digest", GMT_SIGNATURE));
    // One bit less in the message, in r, in s: all rejected.
    assert!(!public.verify_hex(b"message digesu", GMT_SIGNATURE));
    let mut sig = hex::decode(GMT_SIGNATURE).unwrap();
    sig[0] ^= 1;
    assert!(!public.verify_hex(b"message digest", &hex::encode(&sig)));
    sig[0] ^= 1;
    sig[63] ^= 0x80;
    assert!(!public.verify_hex(b"message digest", &hex::encode(&sig)));
    assert!(!public.verify_hex(b"message digest", "not hex"));
}

#[test]
fn sm2_published_private_key_gives_published_public_key() {
    let secret: [u8; 32] = hex::decode(GMT_PRIVATE).unwrap().try_into().unwrap();
    let key = SealKey::from_secret_bytes(&secret).unwrap();
    assert_eq!(key.public_key(), PublicKey::from_hex(GMT_PUBLIC).unwrap());
    assert_eq!(key.public_key().to_hex(), GMT_PUBLIC.to_lowercase());
    // Our signatures with the published key verify with the published public key; the nonce
    // differs from the example's, so the bytes do too.
    let sig = key.sign_hex(b"message digest");
    assert_eq!(sig.len(), 128);
    assert!(
        PublicKey::from_hex(GMT_PUBLIC)
            .unwrap()
            .verify_hex(b"message digest", &sig)
    );
    assert!(SealKey::from_secret_bytes(&[0u8; 32]).is_err());
    assert!(
        SealKey::from_secret_bytes(&[0xFF; 32]).is_err(),
        "n <= 2^256-1 is out of range"
    );
}

#[test]
fn sm2_round_trip_and_wrong_key() {
    let a = SealKey::generate();
    let b = SealKey::generate();
    assert_ne!(a.public_key(), b.public_key());
    let sig = a.sign_hex(b"jianfu");
    assert!(a.public_key().verify_hex(b"jianfu", &sig));
    assert!(!b.public_key().verify_hex(b"jianfu", &sig));
    assert!(!a.public_key().verify_hex(b"jianfu!", &sig));
}

/// SEC1 point → SubjectPublicKeyInfo DER for an SM2 key (id-ecPublicKey, curve 1.2.156.10197.1.301).
fn spki_der(public: &PublicKey) -> Vec<u8> {
    let mut der = hex::decode("3059301306072a8648ce3d020106082a811ccf5501822d034200").unwrap();
    der.extend(hex::decode(public.to_hex()).unwrap());
    der
}

/// DER `SEQUENCE { INTEGER r, INTEGER s }` → raw r || s.
fn der_to_sig(der: &[u8]) -> Vec<u8> {
    assert_eq!(der[0], 0x30);
    let mut out = Vec::new();
    let mut i = 2;
    for _ in 0..2 {
        assert_eq!(der[i], 0x02);
        let len = der[i + 1] as usize;
        let int = &der[i + 2..i + 2 + len];
        let int: Vec<u8> = int.iter().copied().skip_while(|&b| b == 0).collect();
        out.extend(std::iter::repeat_n(0u8, 32 - int.len()));
        out.extend(int);
        i += 2 + len;
    }
    out
}

#[test]
fn cross_check_with_openssl() {
    if !common::pki::openssl_available() {
        return;
    }
    let dir = common::pki::Scratch::new("seal-openssl");
    let msg = "兹证明张小明系本社区居民。".as_bytes();
    dir.write("msg", msg);
    let run = |args: &[&str]| dir.openssl(args);

    // Ours → OpenSSL.
    let key = SealKey::generate();
    dir.write("pub.der", spki_der(&key.public_key()));
    let sig = hex::decode(key.sign_hex(msg)).unwrap();
    dir.write("sig.der", common::pki::raw_to_der(&sig));
    let verify = [
        "dgst",
        "-sm3",
        "-verify",
        "pub.der",
        "-keyform",
        "DER",
        "-sigopt",
        "distid:1234567812345678",
        "-signature",
        "sig.der",
        "msg",
    ];
    let (ok, out) = run(&verify);
    assert!(ok && out.contains("Verified OK"), "{out}");
    // OpenSSL rejects it under another distid, and with a changed message.
    let (ok, _) = run(&[
        "dgst",
        "-sm3",
        "-verify",
        "pub.der",
        "-keyform",
        "DER",
        "-sigopt",
        "distid:1234567812345679",
        "-signature",
        "sig.der",
        "msg",
    ]);
    assert!(!ok);
    dir.write("msg", b"other");
    let (ok, _) = run(&verify);
    assert!(!ok);
    dir.write("msg", msg);

    // OpenSSL → ours.
    let (ok, out) = run(&[
        "genpkey",
        "-algorithm",
        "EC",
        "-pkeyopt",
        "ec_paramgen_curve:SM2",
        "-out",
        "k.pem",
    ]);
    assert!(ok, "{out}");
    let (ok, out) = run(&[
        "pkey", "-in", "k.pem", "-pubout", "-outform", "DER", "-out", "opub.der",
    ]);
    assert!(ok, "{out}");
    let (ok, out) = run(&[
        "dgst",
        "-sm3",
        "-sign",
        "k.pem",
        "-sigopt",
        "distid:1234567812345678",
        "-out",
        "osig.der",
        "msg",
    ]);
    assert!(ok, "{out}");
    let spki = dir.read("opub.der");
    let public = PublicKey::from_hex(&hex::encode(&spki[spki.len() - 65..])).unwrap();
    let raw = der_to_sig(&dir.read("osig.der"));
    assert!(public.verify_hex(msg, &hex::encode(&raw)));
    assert!(!public.verify_hex(b"other", &hex::encode(&raw)));
}
