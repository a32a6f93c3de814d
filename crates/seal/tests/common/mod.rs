//! Fixtures shared by the integration tests: an authority, two communities with their seals,
//! and a certificate.
#![allow(dead_code)]

pub mod pki;

use jianfu_seal::*;

pub struct Community {
    pub key: SealKey,
    pub seal: SignedSealRecord,
}

pub fn authority() -> SealKey {
    SealKey::generate()
}

pub fn record(key: &SealKey, seal_id: &str, name: &str, code: &str) -> SealRecord {
    SealRecord {
        version: 1,
        seal_id: seal_id.to_string(),
        name: name.to_string(),
        owner_code: code.to_string(),
        kind: "证明专用章".to_string(),
        public_key: key.public_key(),
        allowed_signers: vec!["wang.li".to_string(), "zhao.min".to_string()],
        valid_from: "2026-01-01".to_string(),
        valid_to: "2026-12-31".to_string(),
        issuer: "鞍山市电子印章管理机构".to_string(),
        algorithm: "SM2-SM3".to_string(),
    }
}

pub fn community(authority: &SealKey) -> Community {
    let key = SealKey::generate();
    let seal = sign_seal_record(
        record(
            &key,
            "210302001001-01",
            "鞍山市铁东区示例和平社区居民委员会",
            "210302001001",
        ),
        authority,
    );
    Community { key, seal }
}

pub fn other_community(authority: &SealKey) -> Community {
    let key = SealKey::generate();
    let seal = sign_seal_record(
        record(
            &key,
            "210302002003-01",
            "鞍山市铁东区示例胜利社区居民委员会",
            "210302002003",
        ),
        authority,
    );
    Community { key, seal }
}

pub fn content() -> CertificateContent {
    CertificateContent {
        version: 1,
        serial: "ZM-2026-000123".to_string(),
        check_code: "7KQ2M9XW4B".to_string(),
        type_code: "kinship".to_string(),
        type_name: "亲属关系证明".to_string(),
        community_name: "鞍山市铁东区示例和平社区居民委员会".to_string(),
        community_code: "210302001001".to_string(),
        applicant_name: "张小明".to_string(),
        applicant_id_number: "210302199001011234".to_string(),
        purpose: "办理户口迁移".to_string(),
        body: "兹证明张小明（身份证号码：210302199001011234）与张大山（身份证号码：210302196505054321）系父子关系。\n经本社区居民委员会走访核实，以上情况属实，特此证明。\n本证明用于办理户口迁移，有效期三个月。".to_string(),
        issued_on: "2026-11-28".to_string(),
        verify_url: "https://jianfu.example.gov.cn/v/ZM-2026-000123?c=7KQ2M9XW4B".to_string(),
        seal_id: "210302001001-01".to_string(),
        signer: "wang.li".to_string(),
    }
}

/// A certificate built by hand, signed with `key` without seal_certificate's checks: what a
/// forger holding some key could produce.
pub fn forge(
    content: CertificateContent,
    seal: &SignedSealRecord,
    key: &SealKey,
) -> SealedCertificate {
    let bytes = content.canonical_bytes();
    SealedCertificate {
        digest: sm3_hex(&bytes),
        signature: key.sign_hex(&bytes),
        algorithm: "SM2-SM3".to_string(),
        seal: seal.clone(),
        content,
    }
}
