//! Fixtures for the PKI and GB/T 38540 tests: fixed keys (so encodings are deterministic), a
//! root, a seal maker, two signers, a seal picture, and a runner for the OpenSSL command line.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use jianfu_seal::pki::*;
use jianfu_seal::ses::*;
use jianfu_seal::*;

/// 2026-01-01T00:00:00Z.
pub const JAN_2026: u64 = 1_767_225_600;
pub const DAY: u64 = 86_400;

pub fn at(unix: u64) -> SystemTime {
    UNIX_EPOCH + Duration::from_secs(unix)
}

/// A fixed key derived from a label (SM3 of the label as the scalar).
pub fn fixed_key(label: &str) -> SealKey {
    let secret: [u8; 32] = hex::decode(sm3_hex(label.as_bytes()))
        .unwrap()
        .try_into()
        .unwrap();
    SealKey::from_secret_bytes(&secret).unwrap()
}

pub fn spec(cn: &str, o: &str, serial: u64, from: u64, days: u64) -> CertificateSpec {
    CertificateSpec {
        subject: Subject::new(cn, o),
        serial: Serial::from_u64(serial).unwrap(),
        not_before: at(from),
        not_after: at(from + days * DAY),
    }
}

pub const AUTHORITY: &str = "鞍山市电子印章管理机构";
pub const COMMUNITY: &str = "鞍山市铁东区示例和平社区居民委员会";

pub struct Pki {
    pub root_key: SealKey,
    pub root: X509Certificate,
    pub maker_key: SealKey,
    pub maker: X509Certificate,
    pub signer_key: SealKey,
    pub signer: X509Certificate,
    pub other_signer_key: SealKey,
    pub other_signer: X509Certificate,
}

impl Pki {
    pub fn trusted(&self) -> TrustedRoot {
        TrustedRoot::new(self.root.clone()).unwrap()
    }
}

/// A fixed key for `label` and its certificate from `root`, valid `days` from 2026-01-01.
fn leaf(
    (root, root_key): (&X509Certificate, &SealKey),
    label: &str,
    role: CertRole,
    (cn, o, serial, days): (&str, &str, u64, u64),
) -> (SealKey, X509Certificate) {
    let key = fixed_key(label);
    let spec = spec(cn, o, serial, JAN_2026, days);
    let cert = issue(&spec, role, &key.public_key(), root, root_key).unwrap();
    (key, cert)
}

/// Root (20 years), seal maker (5 years) and two signers (2 years), all from 2026-01-01.
pub fn pki() -> Pki {
    let root_key = fixed_key("jianfu test root");
    let root = issue_root(&spec(AUTHORITY, AUTHORITY, 1, JAN_2026, 7305), &root_key).unwrap();
    let issuer = (&root, &root_key);
    let (maker_key, maker) = leaf(
        issuer,
        "jianfu test maker",
        CertRole::SealMaker,
        ("鞍山市电子印章制作中心", AUTHORITY, 2, 1826),
    );
    let (signer_key, signer) = leaf(
        issuer,
        "jianfu test signer wang.li",
        CertRole::Signer,
        ("王丽", COMMUNITY, 3, 730),
    );
    let (other_signer_key, other_signer) = leaf(
        issuer,
        "jianfu test signer zhao.min",
        CertRole::Signer,
        ("赵敏", COMMUNITY, 4, 730),
    );
    Pki {
        root_key,
        root,
        maker_key,
        maker,
        signer_key,
        signer,
        other_signer_key,
        other_signer,
    }
}

/// Another authority with the same name as ours and a signer of its own (same name, serial).
pub fn foreign_signer() -> (X509Certificate, SealKey) {
    let root_key = fixed_key("another authority");
    let root = issue_root(&spec(AUTHORITY, AUTHORITY, 1, JAN_2026, 7305), &root_key).unwrap();
    let (key, cert) = leaf(
        (&root, &root_key),
        "another authority's signer",
        CertRole::Signer,
        ("王丽", COMMUNITY, 3, 730),
    );
    (cert, key)
}

/// A 2×2 seal-red PNG (74 bytes).
pub const PNG: &str = "89504e470d0a1a0a0000000d494844520000000200000002080600000072b60d24000000114944415478da63b8cec0ff1f8419600c0043380795684736810000000049454e44ae426082";

pub fn picture() -> SealPicture {
    SealPicture::png(hex::decode(PNG).unwrap(), 42, 42).unwrap()
}

/// The community's certificate seal, valid through 2026, listing `signers`.
pub fn seal_spec(signers: Vec<X509Certificate>) -> SealSpec {
    SealSpec {
        es_id: "210302001001-01".to_string(),
        seal_type: SealType::Organization,
        name: format!("{COMMUNITY}证明专用章"),
        signers,
        created: at(JAN_2026),
        valid_start: at(JAN_2026),
        valid_end: at(JAN_2026 + 365 * DAY - 1),
        picture: picture(),
    }
}

/// OpenSSL 3 with SM2 on PATH. Missing, the test is skipped with a note, except in CI
/// (`CI` set), where it fails: the checks by a tool we did not write must run there.
pub fn openssl_available() -> bool {
    let ok = Command::new("openssl")
        .args([
            "genpkey",
            "-algorithm",
            "EC",
            "-pkeyopt",
            "ec_paramgen_curve:SM2",
        ])
        .output()
        .is_ok_and(|o| o.status.success());
    if !ok {
        assert!(
            std::env::var_os("CI").is_none(),
            "OpenSSL 3 with SM2 is required in CI (apt-get install openssl)"
        );
        eprintln!("SKIPPED: openssl with SM2 not available");
    }
    ok
}

/// A scratch directory for OpenSSL's files, removed when dropped.
pub struct Scratch(pub PathBuf);

impl Scratch {
    pub fn new(name: &str) -> Scratch {
        let dir = std::env::temp_dir().join(format!("jianfu-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        Scratch(dir)
    }

    pub fn write(&self, name: &str, bytes: impl AsRef<[u8]>) -> &Path {
        std::fs::write(self.0.join(name), bytes).unwrap();
        &self.0
    }

    pub fn read(&self, name: &str) -> Vec<u8> {
        std::fs::read(self.0.join(name)).unwrap()
    }

    /// Run `openssl ARGS` in the directory: (success, stdout + stderr).
    pub fn openssl(&self, args: &[&str]) -> (bool, String) {
        let out = Command::new("openssl")
            .current_dir(&self.0)
            .args(args)
            .output()
            .unwrap();
        (
            out.status.success(),
            String::from_utf8_lossy(&out.stdout).to_string()
                + &String::from_utf8_lossy(&out.stderr),
        )
    }

    /// `openssl dgst -sm3 -verify PUB -sigopt distid:1234567812345678 -signature SIG DATA`.
    pub fn sm2_verify(&self, public_pem: &str, signature: &str, data: &str) -> (bool, String) {
        self.openssl(&[
            "dgst",
            "-sm3",
            "-verify",
            public_pem,
            "-sigopt",
            "distid:1234567812345678",
            "-signature",
            signature,
            data,
        ])
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// One DER TLV with a short- or long-form length.
pub fn tlv(tag: u8, content: &[u8]) -> Vec<u8> {
    let mut out = vec![tag];
    let len = content.len();
    if len < 0x80 {
        out.push(len as u8);
    } else {
        let bytes: Vec<u8> = len
            .to_be_bytes()
            .into_iter()
            .skip_while(|&b| b == 0)
            .collect();
        out.push(0x80 | bytes.len() as u8);
        out.extend(bytes);
    }
    out.extend_from_slice(content);
    out
}

pub fn seq(parts: &[&[u8]]) -> Vec<u8> {
    tlv(0x30, &parts.concat())
}

/// Raw `r || s` → DER `SEQUENCE { INTEGER r, INTEGER s }`.
pub fn raw_to_der(raw: &[u8]) -> Vec<u8> {
    let int = |v: &[u8]| {
        let mut v: Vec<u8> = v.iter().copied().skip_while(|&b| b == 0).collect();
        if v.first().is_none_or(|&b| b & 0x80 != 0) {
            v.insert(0, 0);
        }
        tlv(0x02, &v)
    };
    seq(&[&int(&raw[..32]), &int(&raw[32..])])
}

/// An SM2 signature by `key` over `message` as the BIT STRING GB/T 38540 carries: raw
/// `r || s` or DER.
pub fn bit_string_signature(key: &SealKey, message: &[u8], raw: bool) -> Vec<u8> {
    let sig = hex::decode(key.sign_hex(message)).unwrap();
    let value = if raw { sig } else { raw_to_der(&sig) };
    tlv(0x03, &[&[0u8][..], &value].concat())
}

/// The DER of OID 1.2.156.10197.1.501 (SM3withSM2).
pub const SM3_WITH_SM2_DER: &[u8] = &[0x06, 0x08, 0x2a, 0x81, 0x1c, 0xcf, 0x55, 0x01, 0x83, 0x75];

/// `YYYYMMDDHHMMSSZ` of a Unix time, as a DER GeneralizedTime.
pub fn generalized_time(unix: u64) -> Vec<u8> {
    let t = der::DateTime::from_unix_duration(Duration::from_secs(unix)).unwrap();
    let text = format!(
        "{:04}{:02}{:02}{:02}{:02}{:02}Z",
        t.year(),
        t.month(),
        t.day(),
        t.hour(),
        t.minutes(),
        t.seconds()
    );
    tlv(0x18, text.as_bytes())
}

/// A `SES_Signature` assembled by hand, field by field as GB/T 38540 v4 lays it out, signed
/// by `key` as `cert` over the `TBS_Sign` bytes: what any vendor's code would produce. No
/// checks, so it can carry what `ses::sign` refuses to make.
pub fn hand_signature(
    seal: &EsSeal,
    data: &[u8],
    property: &str,
    time: u64,
    cert: &X509Certificate,
    key: &SealKey,
    raw: bool,
) -> Vec<u8> {
    let hash = hex::decode(sm3_hex(data)).unwrap();
    let tbs = seq(&[
        &tlv(0x02, &[4]),
        seal.der(),
        &generalized_time(time),
        &tlv(0x03, &[&[0u8][..], &hash].concat()),
        &tlv(0x16, property.as_bytes()),
    ]);
    seq(&[
        &tbs,
        &tlv(0x04, cert.der()),
        SM3_WITH_SM2_DER,
        &bit_string_signature(key, &tbs, raw),
    ])
}
