//! Personal data at rest: fields such as an applicant's full ID number are stored encrypted
//! with SM4-GCM under a data key kept outside the database (a key file beside the audit key,
//! mode 0600), so a copy of the database file, a backup or a raw SQL read shows no full number.
//! Exact search keeps working through a blind index (HMAC-SM3 of the value under a separate
//! key); the masked form is stored in clear for lists.
//!
//! A stored value is `jf1:<key id>:<base64 of nonce ‖ ciphertext ‖ tag>`: a fresh random
//! 96-bit nonce per value, and associated data that binds it to its table, column, row id and
//! key id, so a value copied into another row or column does not decrypt. Keys have ids so
//! that rotation (`jianfu keys rotate-data`) can re-encrypt rows under a new key while rows
//! under the old ones stay readable.
//!
//! Binary columns (an issued certificate's PDF, an application's attachments) use the binary
//! form of the same construction: `jf1\0`, the key id as four big-endian bytes, then
//! `nonce ‖ ciphertext ‖ tag` ([`DataKeys::encrypt_bytes`]). Text columns that hold whole
//! documents (the issued certificate's JSON) use the text form.
//!
//! The row in the associated data is the row's id where the value is written after the row
//! has one (an application's ID number, an attachment: both written in the transaction that
//! inserts the row). An issued certificate's document and PDF are bound instead to
//! `"<application id>/<serial>"` ([`certificate_row`]): both are unique, in clear in the same row
//! and never change, and they are known before the row is inserted, so the document and the
//! PDF are encrypted before the write transaction begins (no encryption of a PDF while the
//! database's writer waits) and a certificate's ciphertext copied into another certificate's
//! row does not decrypt. The two forms cannot collide (an id has no `/`).

use std::collections::BTreeMap;
use std::path::Path;

use aes_gcm::AesGcm;
use aes_gcm::aead::consts::U12;
use aes_gcm::aead::{Aead, KeyInit, Payload};
use base64::Engine;
use base64::engine::general_purpose::STANDARD_NO_PAD;
use hmac::{Mac, SimpleHmac};
use sm3::Sm3;
use sm4::Sm4;

use crate::{AuditKey, StoreError};

/// SM4-GCM with a 96-bit nonce and a 128-bit tag (the generic GCM of RustCrypto's `aes-gcm`
/// over the SM4 block cipher).
type Sm4Gcm = AesGcm<Sm4, U12>;

/// Prefix of an encrypted value, with the format version.
pub const PREFIX: &str = "jf1:";
/// Prefix of an encrypted binary value, with the format version; the key id follows as four
/// big-endian bytes.
pub const BINARY_PREFIX: &[u8; 4] = b"jf1\0";
const NONCE_LEN: usize = 12;

/// A column that holds encrypted personal data; its names go into the associated data.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Field {
    pub table: &'static str,
    pub column: &'static str,
}

/// The applicant's full ID number of a certificate application.
pub const APPLICANT_ID_NUMBER: Field = Field {
    table: "certificate_application",
    column: "applicant_id_number",
};

/// The full ID number of a person in a community's person-level records (issue 13 §4). Its
/// blind index is taken under [`APPLICANT_ID_NUMBER`], so one person has one index everywhere.
pub const PERSON_ID_NUMBER: Field = Field {
    table: "person_record",
    column: "id_number",
};

/// The JSON document of an issued certificate (it carries the full ID number).
pub const CERTIFICATE_DOCUMENT: Field = Field {
    table: "certificate",
    column: "document",
};

/// The PDF of an issued certificate.
pub const CERTIFICATE_PDF: Field = Field {
    table: "certificate",
    column: "pdf",
};

/// The signed OFD of an issued certificate (`ses-v4` certificates only).
pub const CERTIFICATE_OFD: Field = Field {
    table: "certificate",
    column: "ofd",
};

/// A file attached to an application.
pub const ATTACHMENT_CONTENT: Field = Field {
    table: "attachment",
    column: "content",
};

/// The row an issued certificate's document and PDF are bound to: its application and serial
/// (see the module documentation).
pub fn certificate_row(application_id: i64, serial: &str) -> String {
    format!("{application_id}/{serial}")
}

/// The first bytes of every binary value encrypted under key `key_id` (for finding the rows
/// not yet under the current key).
pub fn binary_header(key_id: u32) -> Vec<u8> {
    let mut h = BINARY_PREFIX.to_vec();
    h.extend_from_slice(&key_id.to_be_bytes());
    h
}

/// The data keys: SM4 keys by id (the highest is current) and the blind-index key.
#[derive(Clone)]
pub struct DataKeys {
    keys: BTreeMap<u32, [u8; 16]>,
    index: [u8; 32],
}

impl std::fmt::Debug for DataKeys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DataKeys")
            .field("ids", &self.keys.keys().collect::<Vec<_>>())
            .finish_non_exhaustive()
    }
}

/// Why a stored value could not be read.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum DecryptError {
    #[error("密文格式无效")]
    Malformed,
    #[error("密钥编号 {0} 不在数据密钥文件中")]
    UnknownKey(u32),
    #[error("解密失败：密文与所在的行和列不符（被调换或改动），或密钥不对")]
    Mismatch,
}

impl DataKeys {
    /// New random keys: data key 1 and a blind-index key.
    pub fn generate() -> Self {
        Self {
            keys: BTreeMap::from([(1, rand::random())]),
            index: rand::random(),
        }
    }

    /// Keys derived from the deployment's audit key, for a store given no data-key file
    /// (tests, benchmarks). A real installation keeps its own file (see the CLI).
    pub fn derived(audit: &AuditKey) -> Self {
        let mut k = [0u8; 16];
        k.copy_from_slice(&audit.derive("personal-data-key/1")[..16]);
        Self {
            keys: BTreeMap::from([(1, k)]),
            index: audit.derive("personal-data-index"),
        }
    }

    /// The id new values are encrypted under.
    pub fn current_id(&self) -> u32 {
        self.keys.keys().next_back().copied().unwrap_or(1)
    }

    pub fn ids(&self) -> Vec<u32> {
        self.keys.keys().copied().collect()
    }

    /// These keys plus a new random current key (old ones stay, for reading).
    pub fn rotated(&self) -> Self {
        let mut next = self.clone();
        next.keys.insert(self.current_id() + 1, rand::random());
        next
    }

    /// Only the current key (and the index key): once no value uses the others.
    pub fn without_old_keys(&self) -> Self {
        let id = self.current_id();
        Self {
            keys: self
                .keys
                .iter()
                .filter(|(k, _)| **k == id)
                .map(|(k, v)| (*k, *v))
                .collect(),
            index: self.index,
        }
    }

    /// The key file's text: one `key ID HEX` line per data key and an `index HEX` line.
    pub fn to_text(&self) -> String {
        let mut s = String::from(
            "# jianfu data keys (SM4-GCM for personal data, HMAC-SM3 blind index).\n\
             # Keep outside the database, back up with it, mode 0600; losing it loses the data.\n",
        );
        s.push_str(&format!("index {}\n", hex::encode(self.index)));
        for (id, k) in &self.keys {
            s.push_str(&format!("key {id} {}\n", hex::encode(k)));
        }
        s
    }

    pub fn from_text(text: &str) -> Result<Self, StoreError> {
        let bad = |n: usize| StoreError::Config(format!("数据密钥文件第 {n} 行无效"));
        let mut keys = BTreeMap::new();
        let mut index = None;
        for (i, line) in text.lines().enumerate() {
            let parts: Vec<&str> = line.split_whitespace().collect();
            match parts.as_slice() {
                [] => {}
                [c, ..] if c.starts_with('#') => {}
                ["index", h] => {
                    let b = hex::decode(h).map_err(|_| bad(i + 1))?;
                    index = Some(<[u8; 32]>::try_from(b.as_slice()).map_err(|_| bad(i + 1))?);
                }
                ["key", id, h] => {
                    let id: u32 = id.parse().map_err(|_| bad(i + 1))?;
                    let b = hex::decode(h).map_err(|_| bad(i + 1))?;
                    let k = <[u8; 16]>::try_from(b.as_slice()).map_err(|_| bad(i + 1))?;
                    if keys.insert(id, k).is_some() {
                        return Err(bad(i + 1));
                    }
                }
                _ => return Err(bad(i + 1)),
            }
        }
        match index {
            Some(index) if !keys.is_empty() => Ok(Self { keys, index }),
            _ => Err(StoreError::Config(
                "数据密钥文件不完整（应有 index 行和至少一行 key）".into(),
            )),
        }
    }

    /// Reads the key file at `path`, or creates it (mode 0600) with new keys.
    pub fn load_or_create(path: &Path) -> Result<Self, StoreError> {
        if !path.exists() {
            Self::generate().save_new(path)?;
        }
        Self::load(path)
    }

    pub fn load(path: &Path) -> Result<Self, StoreError> {
        crate::private_files::restrict(path).map_err(|e| {
            StoreError::Config(format!(
                "无法把数据密钥 {} 设为仅属主可读写：{e}",
                path.display()
            ))
        })?;
        let text = std::fs::read_to_string(path)
            .map_err(|e| StoreError::Config(format!("无法读取数据密钥 {}：{e}", path.display())))?;
        Self::from_text(&text)
    }

    fn save_new(&self, path: &Path) -> Result<(), StoreError> {
        use std::io::Write;
        crate::private_files::open_options()
            .create_new(true)
            .open(path)
            .and_then(|mut f| {
                f.write_all(self.to_text().as_bytes())?;
                f.sync_all()
            })
            .map_err(|e| StoreError::Config(format!("无法写入数据密钥 {}：{e}", path.display())))
    }

    /// Replaces the key file (written beside it, synced, then renamed over it).
    pub fn save(&self, path: &Path) -> Result<(), StoreError> {
        let mut tmp = path.as_os_str().to_owned();
        tmp.push(".new");
        let tmp = std::path::PathBuf::from(tmp);
        let _ = std::fs::remove_file(&tmp);
        self.save_new(&tmp)?;
        std::fs::rename(&tmp, path)
            .map_err(|e| StoreError::Config(format!("无法替换数据密钥 {}：{e}", path.display())))
    }

    fn aad(field: Field, row: &dyn std::fmt::Display, key_id: u32) -> Vec<u8> {
        format!(
            "jianfu-personal-data/1|{}|{}|{row}|{key_id}",
            field.table, field.column
        )
        .into_bytes()
    }

    /// Encrypts `plain` for `field` of `row` (its id, or [`certificate_row`]) under the
    /// current key.
    pub fn encrypt(&self, field: Field, row: impl std::fmt::Display, plain: &str) -> String {
        let id = self.current_id();
        let Some(key) = self.keys.get(&id) else {
            return String::new();
        };
        let blob = seal_bytes(key, &Self::aad(field, &row, id), plain.as_bytes());
        format!("{PREFIX}{id}:{}", STANDARD_NO_PAD.encode(blob))
    }

    /// The binary form of [`DataKeys::encrypt`]: `jf1\0`, the key id (four bytes, big-endian),
    /// `nonce ‖ ciphertext ‖ tag`.
    pub fn encrypt_bytes(
        &self,
        field: Field,
        row: impl std::fmt::Display,
        plain: &[u8],
    ) -> Vec<u8> {
        let id = self.current_id();
        let Some(key) = self.keys.get(&id) else {
            return Vec::new();
        };
        let mut out = binary_header(id);
        out.extend_from_slice(&seal_bytes(key, &Self::aad(field, &row, id), plain));
        out
    }

    /// The key id a stored binary value is encrypted under; `None` for a value in clear.
    pub fn key_id_of_bytes(stored: &[u8]) -> Option<u32> {
        let rest = stored.strip_prefix(&BINARY_PREFIX[..])?;
        let id: [u8; 4] = rest.get(..4)?.try_into().ok()?;
        Some(u32::from_be_bytes(id))
    }

    /// Decrypts a value made by [`DataKeys::encrypt_bytes`] for the same field and row.
    pub fn decrypt_bytes(
        &self,
        field: Field,
        row: impl std::fmt::Display,
        stored: &[u8],
    ) -> Result<Vec<u8>, DecryptError> {
        let id = Self::key_id_of_bytes(stored).ok_or(DecryptError::Malformed)?;
        let key = self.keys.get(&id).ok_or(DecryptError::UnknownKey(id))?;
        open_bytes(
            key,
            &Self::aad(field, &row, id),
            &stored[BINARY_PREFIX.len() + 4..],
        )
    }

    /// The key id a stored value is encrypted under; `None` for a value in clear.
    pub fn key_id_of(stored: &str) -> Option<u32> {
        let rest = stored.strip_prefix(PREFIX)?;
        rest.split_once(':')?.0.parse().ok()
    }

    /// Decrypts a value made by [`DataKeys::encrypt`] for the same field and row.
    pub fn decrypt(
        &self,
        field: Field,
        row: impl std::fmt::Display,
        stored: &str,
    ) -> Result<String, DecryptError> {
        let rest = stored.strip_prefix(PREFIX).ok_or(DecryptError::Malformed)?;
        let (id, body) = rest.split_once(':').ok_or(DecryptError::Malformed)?;
        let id: u32 = id.parse().map_err(|_| DecryptError::Malformed)?;
        let key = self.keys.get(&id).ok_or(DecryptError::UnknownKey(id))?;
        let blob = STANDARD_NO_PAD
            .decode(body)
            .map_err(|_| DecryptError::Malformed)?;
        let plain = open_bytes(key, &Self::aad(field, &row, id), &blob)?;
        String::from_utf8(plain).map_err(|_| DecryptError::Mismatch)
    }

    /// The blind index of a value: HMAC-SM3 under the index key, hex. Equal values have equal
    /// indexes, so an exact search is a lookup of the index; the value is not recoverable from it.
    pub fn blind_index(&self, field: Field, plain: &str) -> String {
        let Ok(mut mac) = <SimpleHmac<Sm3> as hmac::KeyInit>::new_from_slice(&self.index) else {
            return String::new();
        };
        mac.update(format!("jianfu-blind-index/1|{}|{}|", field.table, field.column).as_bytes());
        mac.update(plain.as_bytes());
        hex::encode(mac.finalize().into_bytes())
    }
}

/// SM4-GCM of `msg` under `key` with associated data `aad` and a fresh random 96-bit nonce:
/// `nonce ‖ ciphertext ‖ tag`. The one sealing routine of the store's data at rest (personal
/// data here; the domain's second-factor secrets with their own key and associated data).
pub fn seal_bytes(key: &[u8; 16], aad: &[u8], msg: &[u8]) -> Vec<u8> {
    let cipher = Sm4Gcm::new(key.into());
    let nonce: [u8; NONCE_LEN] = rand::random();
    let Ok(n) = aes_gcm::Nonce::<U12>::try_from(&nonce[..]) else {
        return Vec::new();
    };
    // GCM encryption fails only past 64 GiB; an empty result would fail to decrypt loudly.
    let sealed = cipher.encrypt(&n, Payload { msg, aad }).unwrap_or_default();
    let mut blob = Vec::with_capacity(NONCE_LEN + sealed.len());
    blob.extend_from_slice(&nonce);
    blob.extend_from_slice(&sealed);
    blob
}

/// Opens a blob made by [`seal_bytes`] with the same key and associated data.
pub fn open_bytes(key: &[u8; 16], aad: &[u8], blob: &[u8]) -> Result<Vec<u8>, DecryptError> {
    if blob.len() < NONCE_LEN + 16 {
        return Err(DecryptError::Malformed);
    }
    let (nonce, ct) = blob.split_at(NONCE_LEN);
    let nonce = aes_gcm::Nonce::<U12>::try_from(nonce).map_err(|_| DecryptError::Malformed)?;
    Sm4Gcm::new(key.into())
        .decrypt(&nonce, Payload { msg: ct, aad })
        .map_err(|_| DecryptError::Mismatch)
}

#[cfg(test)]
mod tests {
    use super::*;

    const OTHER: Field = Field {
        table: "certificate_application",
        column: "other",
    };

    #[test]
    fn round_trip_and_binding_to_row_and_column() {
        let k = DataKeys::generate();
        let c = k.encrypt(APPLICANT_ID_NUMBER, 7, "210302199001011234");
        assert!(c.starts_with("jf1:1:"), "{c}");
        assert!(!c.contains("210302199001011234"));
        assert_eq!(
            k.decrypt(APPLICANT_ID_NUMBER, 7, &c).unwrap(),
            "210302199001011234"
        );
        // Fresh nonce per value.
        assert_ne!(c, k.encrypt(APPLICANT_ID_NUMBER, 7, "210302199001011234"));
        assert_eq!(
            k.decrypt(APPLICANT_ID_NUMBER, 8, &c),
            Err(DecryptError::Mismatch)
        );
        assert_eq!(k.decrypt(OTHER, 7, &c), Err(DecryptError::Mismatch));
        // Another deployment's keys, a changed key id, a cut value.
        assert_eq!(
            DataKeys::generate().decrypt(APPLICANT_ID_NUMBER, 7, &c),
            Err(DecryptError::Mismatch)
        );
        let renumbered = c.replacen("jf1:1:", "jf1:2:", 1);
        assert_eq!(
            k.rotated().decrypt(APPLICANT_ID_NUMBER, 7, &renumbered),
            Err(DecryptError::Mismatch)
        );
        assert_eq!(
            k.decrypt(APPLICANT_ID_NUMBER, 7, &c[..20]),
            Err(DecryptError::Malformed)
        );
        assert_eq!(
            k.decrypt(APPLICANT_ID_NUMBER, 7, "210302199001011234"),
            Err(DecryptError::Malformed)
        );
    }

    #[test]
    fn binary_form_round_trips_and_is_bound_to_row_column_and_key() {
        let k = DataKeys::generate();
        let pdf = b"%PDF-1.7 210302199001011234 \x00\xff".to_vec();
        let row = certificate_row(3, "ZM-2026-000001");
        let c = k.encrypt_bytes(CERTIFICATE_PDF, &row, &pdf);
        assert_eq!(&c[..8], b"jf1\0\0\0\0\x01");
        assert_eq!(DataKeys::key_id_of_bytes(&c), Some(1));
        assert_eq!(DataKeys::key_id_of_bytes(&pdf), None);
        assert!(!c.windows(8).any(|w| w == b"21030219" || w == b"%PDF-1.7"));
        assert_eq!(k.decrypt_bytes(CERTIFICATE_PDF, &row, &c).unwrap(), pdf);
        assert_ne!(c, k.encrypt_bytes(CERTIFICATE_PDF, &row, &pdf));
        // Another certificate (application or serial), another column, another table.
        for other in [
            certificate_row(4, "ZM-2026-000001"),
            certificate_row(3, "ZM-2026-000002"),
        ] {
            assert_eq!(
                k.decrypt_bytes(CERTIFICATE_PDF, &other, &c),
                Err(DecryptError::Mismatch)
            );
        }
        let as_attachment = Field {
            table: "attachment",
            column: "pdf",
        };
        assert_eq!(
            k.decrypt_bytes(as_attachment, &row, &c),
            Err(DecryptError::Mismatch)
        );
        let other_column = Field {
            table: "certificate",
            column: "content",
        };
        assert_eq!(
            k.decrypt_bytes(other_column, &row, &c),
            Err(DecryptError::Mismatch)
        );
        // Another key, a renumbered key id, a flipped byte, a cut value, a value in clear.
        assert_eq!(
            DataKeys::generate().decrypt_bytes(CERTIFICATE_PDF, &row, &c),
            Err(DecryptError::Mismatch)
        );
        let k2 = k.rotated();
        let mut renumbered = c.clone();
        renumbered[7] = 2;
        assert_eq!(
            k2.decrypt_bytes(CERTIFICATE_PDF, &row, &renumbered),
            Err(DecryptError::Mismatch)
        );
        assert_eq!(
            k2.without_old_keys()
                .decrypt_bytes(CERTIFICATE_PDF, &row, &c),
            Err(DecryptError::UnknownKey(1))
        );
        let mut flipped = c.clone();
        *flipped.last_mut().unwrap() ^= 1;
        assert_eq!(
            k.decrypt_bytes(CERTIFICATE_PDF, &row, &flipped),
            Err(DecryptError::Mismatch)
        );
        assert_eq!(
            k.decrypt_bytes(CERTIFICATE_PDF, &row, &c[..20]),
            Err(DecryptError::Malformed)
        );
        assert_eq!(
            k.decrypt_bytes(CERTIFICATE_PDF, &row, &pdf),
            Err(DecryptError::Malformed)
        );
        // Rows by id and by application/serial are distinct; an empty value round-trips.
        let by_id = k.encrypt_bytes(ATTACHMENT_CONTENT, 7, b"");
        assert_eq!(k.decrypt_bytes(ATTACHMENT_CONTENT, 7, &by_id).unwrap(), b"");
        assert_eq!(
            k.decrypt_bytes(ATTACHMENT_CONTENT, "7/", &by_id),
            Err(DecryptError::Mismatch)
        );
        // Under the rotated key, the header names key 2.
        let c2 = k2.encrypt_bytes(CERTIFICATE_PDF, &row, &pdf);
        assert_eq!(&c2[..8], &binary_header(2)[..]);
        assert_eq!(k2.decrypt_bytes(CERTIFICATE_PDF, &row, &c2).unwrap(), pdf);
    }

    #[test]
    fn rotation_keeps_old_values_readable_and_the_index_stable() {
        let k1 = DataKeys::generate();
        let old = k1.encrypt(APPLICANT_ID_NUMBER, 1, "x");
        let k2 = k1.rotated();
        assert_eq!(k2.current_id(), 2);
        assert_eq!(k2.decrypt(APPLICANT_ID_NUMBER, 1, &old).unwrap(), "x");
        let new = k2.encrypt(APPLICANT_ID_NUMBER, 1, "x");
        assert_eq!(DataKeys::key_id_of(&new), Some(2));
        assert_eq!(
            k2.blind_index(APPLICANT_ID_NUMBER, "x"),
            k1.blind_index(APPLICANT_ID_NUMBER, "x")
        );
        let k3 = k2.without_old_keys();
        assert_eq!(k3.ids(), vec![2]);
        assert_eq!(
            k3.decrypt(APPLICANT_ID_NUMBER, 1, &old),
            Err(DecryptError::UnknownKey(1))
        );
        // The file round-trips.
        let again = DataKeys::from_text(&k2.to_text()).unwrap();
        assert_eq!(again.ids(), vec![1, 2]);
        assert_eq!(again.decrypt(APPLICANT_ID_NUMBER, 1, &old).unwrap(), "x");
        assert!(DataKeys::from_text("key 1 00").is_err());
    }
}
