//! Seal keys at rest and public key encoding.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use jianfu_seal::*;

const KEK: [u8; 16] = *b"0123456789abcdef";

#[test]
fn at_rest_round_trip_keeps_the_key() {
    let key = SealKey::generate();
    let blob = key.seal_at_rest(&KEK);
    assert_eq!(blob.len(), 65);
    assert_eq!(&blob[..5], b"JFSK\x01");
    let back = SealKey::open_at_rest(&blob, &KEK).unwrap();
    assert_eq!(back.public_key(), key.public_key());
    // The reopened key signs for the original public key.
    let sig = back.sign_hex(b"seal use");
    assert!(key.public_key().verify_hex(b"seal use", &sig));
    // Fresh nonce every time: two blobs of one key differ, both open.
    let blob2 = key.seal_at_rest(&KEK);
    assert_ne!(blob, blob2);
    assert_eq!(
        SealKey::open_at_rest(&blob2, &KEK).unwrap().public_key(),
        key.public_key()
    );
}

#[test]
fn at_rest_blob_does_not_contain_the_secret() {
    let secret = [0x42u8; 32];
    let key = SealKey::from_secret_bytes(&secret).unwrap();
    let blob = key.seal_at_rest(&KEK);
    assert!(!blob.windows(8).any(|w| w == &secret[..8]));
}

#[test]
fn wrong_kek_fails() {
    let key = SealKey::generate();
    let blob = key.seal_at_rest(&KEK);
    let mut other = KEK;
    other[15] ^= 1;
    let err = SealKey::open_at_rest(&blob, &other).unwrap_err();
    assert_eq!(err, SealError::KeyBlobDecrypt);
    assert_eq!(err.code(), "key_blob_decrypt");
    assert!(err.message().contains("解密失败"));
}

#[test]
fn every_tampered_byte_of_the_blob_is_detected() {
    let key = SealKey::generate();
    let blob = key.seal_at_rest(&KEK);
    for i in 0..blob.len() {
        let mut bad = blob.clone();
        bad[i] ^= 0x01;
        let err = SealKey::open_at_rest(&bad, &KEK).unwrap_err();
        let expected = match i {
            0..=3 => "key_blob_malformed",
            4 => "key_blob_version",
            _ => "key_blob_decrypt",
        };
        assert_eq!(err.code(), expected, "byte {i}");
    }
    assert_eq!(
        SealKey::open_at_rest(&blob[..64], &KEK).unwrap_err(),
        SealError::KeyBlobMalformed
    );
    assert_eq!(
        SealKey::open_at_rest(b"", &KEK).unwrap_err(),
        SealError::KeyBlobMalformed
    );
    let mut longer = blob.clone();
    longer.push(0);
    assert_eq!(
        SealKey::open_at_rest(&longer, &KEK).unwrap_err(),
        SealError::KeyBlobMalformed
    );
}

#[test]
fn debug_shows_no_private_key() {
    let secret = [0x5Au8; 32];
    let key = SealKey::from_secret_bytes(&secret).unwrap();
    let debug = format!("{key:?}");
    assert!(
        !debug.to_lowercase().contains(&hex::encode(&secret[..4])),
        "{debug}"
    );
    assert!(!debug.contains("90, 90, 90"), "{debug}");
    assert!(debug.contains(&key.public_key().to_hex()), "{debug}");
}

#[test]
fn public_key_hex_and_serde() {
    let key = SealKey::generate();
    let public = key.public_key();
    let hex = public.to_hex();
    assert_eq!(hex.len(), 130);
    assert!(hex.starts_with("04"));
    assert_eq!(PublicKey::from_hex(&hex.to_uppercase()).unwrap(), public);
    let json = serde_json::to_string(&public).unwrap();
    assert_eq!(json, format!("\"{hex}\""));
    assert_eq!(serde_json::from_str::<PublicKey>(&json).unwrap(), public);

    // Wrong length, compressed form, a point off the curve, not hex.
    assert_eq!(
        PublicKey::from_hex(&hex[..128]).unwrap_err(),
        SealError::InvalidPublicKey
    );
    let compressed = format!("02{}", &hex[2..66]);
    assert!(PublicKey::from_hex(&compressed).is_err());
    let mut off_curve = hex::decode(&hex).unwrap();
    off_curve[64] ^= 1;
    assert!(PublicKey::from_hex(&hex::encode(off_curve)).is_err());
    assert!(PublicKey::from_hex("zz").is_err());
    assert!(serde_json::from_str::<PublicKey>("\"04abcd\"").is_err());
}

#[test]
fn check_codes_are_crockford_base32_and_differ() {
    let codes: Vec<String> = (0..200).map(|_| generate_check_code()).collect();
    for c in &codes {
        assert_eq!(c.len(), 10);
        assert!(
            c.chars()
                .all(|ch| "0123456789ABCDEFGHJKMNPQRSTVWXYZ".contains(ch)),
            "{c}"
        );
    }
    let mut unique = codes.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), codes.len());
}
