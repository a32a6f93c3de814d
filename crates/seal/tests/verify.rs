//! Sealing and verifying certificates: the rules and every way verification must fail.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;
use common::*;
use jianfu_seal::*;

#[test]
fn a_sealed_certificate_verifies() {
    let authority = authority();
    let c = community(&authority);
    let doc = seal_certificate(content(), &c.seal, &c.key).unwrap();
    assert_eq!(doc.algorithm, "SM2-SM3");
    assert_eq!(doc.digest, sm3_hex(&doc.content.canonical_bytes()));
    verify_sealed(&doc, &authority.public_key()).unwrap();
    verify_seal_record(&c.seal, &authority.public_key()).unwrap();
}

#[test]
fn canonical_bytes_are_the_documented_encoding() {
    let mut c = content();
    c.body = "第一段\n第二段".to_string();
    let bytes = c.canonical_bytes();
    let text = String::from_utf8(bytes.clone()).unwrap();
    let expected = "jianfu-certificate-v1\n\
        version:1:1\n\
        serial:14:ZM-2026-000123\n\
        check_code:10:7KQ2M9XW4B\n\
        type_code:7:kinship\n\
        type_name:18:亲属关系证明\n\
        community_name:51:鞍山市铁东区示例和平社区居民委员会\n\
        community_code:12:210302001001\n\
        applicant_name:9:张小明\n\
        applicant_id_number:18:210302199001011234\n\
        purpose:18:办理户口迁移\n\
        body:19:第一段\n第二段\n\
        issued_on:10:2026-11-28\n\
        verify_url:59:https://jianfu.example.gov.cn/v/ZM-2026-000123?c=7KQ2M9XW4B\n\
        seal_id:15:210302001001-01\n\
        signer:7:wang.li\n";
    assert_eq!(text, expected);
    // Deterministic, and a character moved from one field to the next changes the bytes.
    assert_eq!(bytes, c.canonical_bytes());
    let mut moved = c.clone();
    moved.applicant_name = "张小".to_string();
    moved.applicant_id_number = format!("明{}", c.applicant_id_number);
    assert_ne!(moved.canonical_bytes(), bytes);

    let key = SealKey::generate();
    let r = record(&key, "S-1", "社区", "210302001001");
    let text = String::from_utf8(r.canonical_bytes()).unwrap();
    assert!(text.starts_with("jianfu-seal-record-v1\nversion:1:1\nseal_id:3:S-1\nname:6:社区\n"));
    assert!(text.contains(
        "allowed_signers#:1:2\nallowed_signers[0]:7:wang.li\nallowed_signers[1]:8:zhao.min\n"
    ));
    assert!(text.contains(&format!("public_key:130:{}\n", key.public_key().to_hex())));
    assert!(text.ends_with("algorithm:7:SM2-SM3\n"));
}

#[test]
fn changed_content_fails_with_digest_mismatch_then_bad_signature() {
    let authority = authority();
    let c = community(&authority);
    let doc = seal_certificate(content(), &c.seal, &c.key).unwrap();

    let mut changed = doc.clone();
    changed.content.applicant_name = "张小朋".to_string();
    assert_eq!(
        verify_sealed(&changed, &authority.public_key()).unwrap_err(),
        VerifyError::DigestMismatch
    );

    // The forger also fixes the digest: now the signature does not match.
    changed.digest = sm3_hex(&changed.content.canonical_bytes());
    let err = verify_sealed(&changed, &authority.public_key()).unwrap_err();
    assert_eq!(err, VerifyError::BadSignature);
    assert_eq!(err.code(), "bad_signature");

    // One byte of the ID number.
    let mut changed = doc.clone();
    changed
        .content
        .applicant_id_number
        .replace_range(17..18, "5");
    assert_eq!(
        verify_sealed(&changed, &authority.public_key()).unwrap_err(),
        VerifyError::DigestMismatch
    );

    // A damaged signature.
    let mut changed = doc.clone();
    changed.signature.replace_range(
        0..1,
        if doc.signature.starts_with('0') {
            "1"
        } else {
            "0"
        },
    );
    assert_eq!(
        verify_sealed(&changed, &authority.public_key()).unwrap_err(),
        VerifyError::BadSignature
    );
}

#[test]
fn signature_by_another_communitys_key_fails() {
    let authority = authority();
    let ours = community(&authority);
    let theirs = other_community(&authority);
    // Signed with their (valid, authority-approved) key, but carrying our seal record.
    let forged = forge(content(), &ours.seal, &theirs.key);
    assert_eq!(
        verify_sealed(&forged, &authority.public_key()).unwrap_err(),
        VerifyError::BadSignature
    );
    // seal_certificate refuses to do that in the first place.
    assert_eq!(
        seal_certificate(content(), &ours.seal, &theirs.key).unwrap_err(),
        SealError::KeyMismatch
    );
    // Their seal record with our seal id in the content: seal id mismatch.
    let forged = forge(content(), &theirs.seal, &theirs.key);
    assert_eq!(
        verify_sealed(&forged, &authority.public_key()).unwrap_err(),
        VerifyError::SealIdMismatch
    );
}

#[test]
fn issue_date_outside_the_seal_validity_fails() {
    let authority = authority();
    let c = community(&authority);
    for day in ["2027-01-01", "2025-12-31"] {
        let mut late = content();
        late.issued_on = day.to_string();
        let forged = forge(late.clone(), &c.seal, &c.key);
        let err = verify_sealed(&forged, &authority.public_key()).unwrap_err();
        assert_eq!(err, VerifyError::OutsideValidity, "{day}");
        assert_eq!(err.code(), "outside_validity");
        assert!(matches!(
            seal_certificate(late, &c.seal, &c.key).unwrap_err(),
            SealError::OutsideValidity { .. }
        ));
    }
    // Both ends of the window are inclusive.
    for day in ["2026-01-01", "2026-12-31"] {
        let mut edge = content();
        edge.issued_on = day.to_string();
        let doc = seal_certificate(edge, &c.seal, &c.key).unwrap();
        verify_sealed(&doc, &authority.public_key()).unwrap();
    }
    // Not a real day.
    let mut bad = content();
    bad.issued_on = "2026-02-29".to_string();
    assert_eq!(
        seal_certificate(bad.clone(), &c.seal, &c.key).unwrap_err(),
        SealError::InvalidDate("2026-02-29".to_string())
    );
    let forged = forge(bad, &c.seal, &c.key);
    assert_eq!(
        verify_sealed(&forged, &authority.public_key())
            .unwrap_err()
            .code(),
        "invalid_date"
    );
}

#[test]
fn signer_not_in_the_allowed_list_fails() {
    let authority = authority();
    let c = community(&authority);
    let mut content = content();
    content.signer = "li.hacker".to_string();
    assert_eq!(
        seal_certificate(content.clone(), &c.seal, &c.key).unwrap_err(),
        SealError::SignerNotAllowed("li.hacker".to_string())
    );
    let forged = forge(content, &c.seal, &c.key);
    let err = verify_sealed(&forged, &authority.public_key()).unwrap_err();
    assert_eq!(err, VerifyError::SignerNotAllowed);
    assert_eq!(err.code(), "signer_not_allowed");
}

#[test]
fn wrong_algorithm_fails() {
    let authority = authority();
    let c = community(&authority);
    let doc = seal_certificate(content(), &c.seal, &c.key).unwrap();
    let mut rsa = doc.clone();
    rsa.algorithm = "RSA-SHA256".to_string();
    assert_eq!(
        verify_sealed(&rsa, &authority.public_key()).unwrap_err(),
        VerifyError::WrongAlgorithm("RSA-SHA256".to_string())
    );
    // A seal record claiming another algorithm, even properly signed by the authority.
    let mut r = c.seal.record.clone();
    r.algorithm = "ECDSA-SHA256".to_string();
    let odd_seal = sign_seal_record(r, &authority);
    let forged = forge(content(), &odd_seal, &c.key);
    let err = verify_sealed(&forged, &authority.public_key()).unwrap_err();
    assert_eq!(err, VerifyError::WrongAlgorithm("ECDSA-SHA256".to_string()));
    assert_eq!(err.code(), "wrong_algorithm");
    assert_eq!(
        seal_certificate(content(), &odd_seal, &c.key)
            .unwrap_err()
            .code(),
        "wrong_algorithm"
    );
}

#[test]
fn seal_record_from_another_authority_fails() {
    let authority = authority();
    let rogue = SealKey::generate();
    // A complete, self-consistent certificate whose seal record a rogue authority signed.
    let c = community(&rogue);
    let doc = seal_certificate(content(), &c.seal, &c.key).unwrap();
    verify_sealed(&doc, &rogue.public_key()).unwrap();
    let err = verify_sealed(&doc, &authority.public_key()).unwrap_err();
    assert_eq!(err, VerifyError::SealRecordNotTrusted);
    assert_eq!(err.code(), "seal_record_not_trusted");
    assert!(verify_seal_record(&c.seal, &authority.public_key()).is_err());
}

#[test]
fn seal_record_changed_after_signing_fails() {
    let authority = authority();
    let c = community(&authority);
    // The community adds a user to the allowed list without the authority.
    let mut seal = c.seal.clone();
    seal.record.allowed_signers.push("li.hacker".to_string());
    let mut content = content();
    content.signer = "li.hacker".to_string();
    let doc = seal_certificate(content, &seal, &c.key).unwrap();
    assert_eq!(
        verify_sealed(&doc, &authority.public_key()).unwrap_err(),
        VerifyError::SealRecordNotTrusted
    );
    // Extending the validity likewise.
    let mut seal = c.seal.clone();
    seal.record.valid_to = "2099-12-31".to_string();
    let forged = forge(self::content(), &seal, &c.key);
    assert_eq!(
        verify_sealed(&forged, &authority.public_key()).unwrap_err(),
        VerifyError::SealRecordNotTrusted
    );
}

#[test]
fn seal_id_mismatch_is_refused() {
    let authority = authority();
    let c = community(&authority);
    let mut content = content();
    content.seal_id = "210302001001-02".to_string();
    assert_eq!(
        seal_certificate(content.clone(), &c.seal, &c.key)
            .unwrap_err()
            .code(),
        "seal_id_mismatch"
    );
    let forged = forge(content, &c.seal, &c.key);
    assert_eq!(
        verify_sealed(&forged, &authority.public_key()).unwrap_err(),
        VerifyError::SealIdMismatch
    );
}

#[test]
fn unsupported_characters_are_refused_when_sealing() {
    let authority = authority();
    let c = community(&authority);
    let mut content = content();
    // U+2003E (CJK Extension B) in the printed body; also an emoji and a control character.
    content.applicant_name = "张𠀾明".to_string();
    content.body = content.body.replace("张小明", "张𠀾明");
    let err = seal_certificate(content.clone(), &c.seal, &c.key).unwrap_err();
    assert_eq!(
        err,
        SealError::UnsupportedCharacters("“𠀾”(U+2003E)".to_string())
    );
    assert_eq!(err.code(), "unsupported_characters");
    assert_eq!(err.message(), "证明文本含字体不支持的字符：“𠀾”(U+2003E)");
    content.purpose = "办理😀".to_string();
    content.body.push_str("落款😀\u{7}𠀾");
    assert_eq!(
        seal_certificate(content, &c.seal, &c.key).unwrap_err(),
        SealError::UnsupportedCharacters("“𠀾”(U+2003E)、“😀”(U+1F600)、U+0007".to_string())
    );
    assert!(check_printable(&["鞍山市铁东区", "证明专用章"]).is_ok());
}

#[test]
fn versions_other_than_one_are_refused() {
    let authority = authority();
    let c = community(&authority);
    let mut content = content();
    content.version = 2;
    assert_eq!(
        seal_certificate(content.clone(), &c.seal, &c.key).unwrap_err(),
        SealError::UnsupportedVersion(2)
    );
    let forged = forge(content, &c.seal, &c.key);
    assert_eq!(
        verify_sealed(&forged, &authority.public_key()).unwrap_err(),
        VerifyError::UnsupportedVersion(2)
    );
}

#[test]
fn json_file_round_trip_and_tamper() {
    let authority = authority();
    let c = community(&authority);
    let doc = seal_certificate(content(), &c.seal, &c.key).unwrap();
    let json = doc.to_json();
    assert_eq!(
        verify_file(json.as_bytes(), &authority.public_key()).unwrap(),
        doc
    );
    // With a BOM and leading white space.
    let padded = format!("\u{feff}\n  {json}");
    assert_eq!(
        verify_file(padded.as_bytes(), &authority.public_key()).unwrap(),
        doc
    );
    let tampered = json.replace("张小明", "张小朋");
    assert_eq!(
        verify_file(tampered.as_bytes(), &authority.public_key()).unwrap_err(),
        VerifyError::DigestMismatch
    );
    assert_eq!(
        verify_file(b"{\"not\": 1}", &authority.public_key())
            .unwrap_err()
            .code(),
        "malformed"
    );
    assert_eq!(
        verify_file(b"hello", &authority.public_key())
            .unwrap_err()
            .code(),
        "malformed"
    );
    assert_eq!(
        verify_file(b"", &authority.public_key())
            .unwrap_err()
            .code(),
        "malformed"
    );
}

/// Found in issue 15: verification checked the seal but not whose it was, so a community
/// holding a valid seal could issue certificates in another community's name.
#[test]
fn a_certificate_issued_in_another_communitys_name_fails_as_not_seal_owner() {
    let authority = authority();
    let ours = community(&authority);
    let theirs = other_community(&authority);
    let mut claimed = content();
    claimed.community_name = "鞍山市铁东区示例胜利社区居民委员会".to_string();
    claimed.community_code = theirs.seal.record.owner_code.clone();
    // Our seal, their name and code.
    let forged = forge(claimed.clone(), &ours.seal, &ours.key);
    assert_eq!(
        verify_sealed(&forged, &authority.public_key()).unwrap_err(),
        VerifyError::NotSealOwner
    );
    assert_eq!(
        verify_file(forged.to_json().as_bytes(), &authority.public_key()).unwrap_err(),
        VerifyError::NotSealOwner
    );
    assert_eq!(
        seal_certificate(claimed, &ours.seal, &ours.key)
            .unwrap_err()
            .code(),
        "not_seal_owner"
    );
    // Our code with their name, and their code with our name, fail alike.
    for (name, code) in [
        ("鞍山市铁东区示例胜利社区居民委员会", "210302001001"),
        ("鞍山市铁东区示例和平社区居民委员会", "210302002003"),
        ("", "210302001001"),
    ] {
        let mut c = content();
        c.community_name = name.to_string();
        c.community_code = code.to_string();
        assert_eq!(
            verify_sealed(&forge(c, &ours.seal, &ours.key), &authority.public_key()).unwrap_err(),
            VerifyError::NotSealOwner,
            "{name} {code}"
        );
    }
    // The community's own short name, as the product writes it, is the seal's owner.
    let mut short = content();
    short.community_name = "示例和平社区".to_string();
    let doc = seal_certificate(short, &ours.seal, &ours.key).unwrap();
    verify_sealed(&doc, &authority.public_key()).unwrap();
}

/// Found in issue 15: a certificate's JSON had many spellings that verified (extra fields,
/// upper-case hex); a document now has one.
#[test]
fn standalone_json_with_unknown_fields_or_uppercase_hex_fails() {
    let authority = authority();
    let c = community(&authority);
    let doc = seal_certificate(content(), &c.seal, &c.key).unwrap();
    let key = authority.public_key();
    let value: serde_json::Value = serde_json::from_str(&doc.to_json()).unwrap();
    let verify = |v: &serde_json::Value| verify_file(v.to_string().as_bytes(), &key);
    assert_eq!(verify(&value).unwrap(), doc);
    for path in [&[][..], &["content"], &["seal"], &["seal", "record"]] {
        let mut extra = value.clone();
        let mut at = &mut extra;
        for p in path {
            at = &mut at[*p];
        }
        at["note"] = serde_json::json!("x");
        assert_eq!(verify(&extra).unwrap_err().code(), "malformed", "{path:?}");
    }
    for (path, code) in [
        (&["digest"][..], "not_canonical"),
        (&["signature"], "not_canonical"),
        (&["seal", "signature"], "not_canonical"),
        (&["seal", "record", "public_key"], "malformed"),
    ] {
        let mut upper = value.clone();
        let mut at = &mut upper;
        for p in path {
            at = &mut at[*p];
        }
        *at = serde_json::json!(at.as_str().unwrap().to_ascii_uppercase());
        assert_eq!(verify(&upper).unwrap_err().code(), code, "{path:?}");
    }
    // A duplicated field is not one document either.
    let json = doc.to_json();
    let duplicated = json.replacen(
        "\"algorithm\"",
        "\"algorithm\": \"SM2-SM3\", \"algorithm\"",
        1,
    );
    assert_eq!(
        verify_file(duplicated.as_bytes(), &key).unwrap_err().code(),
        "malformed"
    );
}

mod fuzz {
    //! Bounded property-based fuzzing of `verify_file` (stable Rust, part of `cargo test`):
    //! whatever the bytes, it answers with an error or a certificate, never a panic.
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

        #[test]
        fn any_bytes_are_answered(
            kind in 0usize..3,
            tail in prop::collection::vec(any::<u8>(), 0..2048),
        ) {
            let key = SealKey::generate().public_key();
            let mut bytes = [&b"%PDF-1.7\n"[..], b"{", b""][kind].to_vec();
            bytes.extend_from_slice(&tail);
            prop_assert!(verify_file(&bytes, &key).is_err());
        }

        #[test]
        fn changed_certificate_json_is_answered(
            changes in prop::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..6),
        ) {
            let authority = authority();
            let c = community(&authority);
            let doc = seal_certificate(content(), &c.seal, &c.key).unwrap();
            let mut bytes = doc.to_json().into_bytes();
            let original = bytes.clone();
            for (at, b) in changes {
                let i = at.index(bytes.len());
                bytes[i] = b;
            }
            let result = verify_file(&bytes, &authority.public_key());
            if bytes != original {
                // A changed document may still verify only if it parses to the same one
                // (e.g. white space changed); it never verifies as another.
                if let Ok(d) = result {
                    prop_assert_eq!(d, doc);
                }
            }
        }
    }
}
