//! SM2 keys, SM3 digests and the encrypted-at-rest form of a seal key.

use std::fmt;

use aes_gcm::AesGcm;
use aes_gcm::aead::consts::U12;
use aes_gcm::aead::{Aead, Generate, KeyInit, Payload};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use sm2::dsa::signature::{Signer, Verifier};
use sm2::dsa::{DerSignature, Signature, SigningKey, VerifyingKey};
use sm2::elliptic_curve::sec1::ToSec1Point;
use sm3::{Digest, Sm3};
use sm4::Sm4;
use zeroize::Zeroize;

use crate::error::SealError;

/// The SM2 distinguishing identifier used for every signature made or checked by this crate:
/// the default of GB/T 35276 and of OpenSSL 3 (`-sigopt distid:1234567812345678`).
pub const DISTID: &str = "1234567812345678";

/// The only algorithm name this crate writes and accepts: SM2 signatures over SM3.
pub const ALGORITHM: &str = "SM2-SM3";

/// SM4-GCM with a 96-bit nonce and 128-bit tag.
type Sm4Gcm = AesGcm<Sm4, U12>;

/// Header of an encrypted key blob: magic `JFSK` ("jianfu seal key") and the format version.
const BLOB_MAGIC: &[u8; 4] = b"JFSK";
const BLOB_VERSION: u8 = 1;
const BLOB_HEADER_LEN: usize = 5;
const NONCE_LEN: usize = 12;
const SECRET_LEN: usize = 32;
const TAG_LEN: usize = 16;
const BLOB_LEN: usize = BLOB_HEADER_LEN + NONCE_LEN + SECRET_LEN + TAG_LEN;

/// SM3 digest of `data` as 64 lowercase hex characters.
pub fn sm3_hex(data: &[u8]) -> String {
    hex::encode(Sm3::digest(data))
}

/// SM3 digest of `data` as raw bytes.
pub(crate) fn sm3_bytes(data: &[u8]) -> [u8; 32] {
    Sm3::digest(data).into()
}

/// An SM2 private key: a seal's own key, or the seal authority's key.
///
/// `Debug` shows only the public key. There is no way to export the private key in the clear:
/// store it with [`SealKey::seal_at_rest`] and load it with [`SealKey::open_at_rest`].
#[derive(Clone)]
pub struct SealKey {
    signing: SigningKey,
}

impl fmt::Debug for SealKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SealKey")
            .field("public_key", &self.public_key().to_hex())
            .finish_non_exhaustive()
    }
}

impl SealKey {
    /// A new random key from the operating system's random number generator.
    pub fn generate() -> SealKey {
        loop {
            // Rejection sampling: 32 random bytes are a valid key unless 0 or >= n
            // (probability about 2^-32), in which case draw again.
            let mut bytes = <[u8; SECRET_LEN]>::generate();
            let key = SigningKey::from_slice(DISTID, &bytes);
            bytes.zeroize();
            if let Ok(signing) = key {
                return SealKey { signing };
            }
        }
    }

    /// Import an existing private key given as its 32-byte big-endian scalar (for example a
    /// published test vector, or a key moved from another system). Prefer [`SealKey::generate`].
    pub fn from_secret_bytes(bytes: &[u8; 32]) -> Result<SealKey, SealError> {
        SigningKey::from_slice(DISTID, bytes)
            .map(|signing| SealKey { signing })
            .map_err(|_| SealError::InvalidPrivateKey)
    }

    /// The matching public key.
    pub fn public_key(&self) -> PublicKey {
        let point = self.signing.verifying_key().to_sec1_point(false);
        PublicKey {
            sec1: point.as_bytes().to_vec(),
        }
    }

    /// SM2 signature (distid [`DISTID`], SM3 inside as the standard prescribes) over `message`,
    /// as 128 lowercase hex characters `r || s`. Signing is deterministic (RFC 6979 nonces).
    ///
    /// This is the raw primitive; certificates are signed with [`crate::seal_certificate`],
    /// which also checks the seal's rules.
    pub fn sign_hex(&self, message: &[u8]) -> String {
        hex::encode(self.sign_raw(message))
    }

    pub(crate) fn sign_raw(&self, message: &[u8]) -> [u8; 64] {
        let signature: Signature = self.signing.sign(message);
        signature.to_bytes().into()
    }

    /// The same signature as [`SealKey::sign_raw`], encoded as DER `SEQUENCE { r, s }` (the
    /// form X.509 and GB/T 38540 structures carry, GM/T 0009).
    pub(crate) fn sign_der(&self, message: &[u8]) -> Vec<u8> {
        let signature: Signature = self.signing.sign(message);
        DerSignature::from(signature).to_vec()
    }

    pub(crate) fn signing_key(&self) -> &SigningKey {
        &self.signing
    }

    /// The private key encrypted with SM4-GCM under a 16-byte key-encryption key (KEK), with a
    /// fresh random 96-bit nonce. Layout (65 bytes): `"JFSK"`, version byte `1`, 12-byte nonce,
    /// 32-byte ciphertext of the scalar, 16-byte tag; the 5 header bytes are authenticated as
    /// associated data.
    pub fn seal_at_rest(&self, kek: &[u8; 16]) -> Vec<u8> {
        let cipher = Sm4Gcm::new(kek.into());
        let nonce = aes_gcm::Nonce::<U12>::generate();
        let mut secret: [u8; SECRET_LEN] = self.signing.to_bytes().into();
        let mut header = [0u8; BLOB_HEADER_LEN];
        header[..4].copy_from_slice(BLOB_MAGIC);
        header[4] = BLOB_VERSION;
        let sealed = cipher.encrypt(
            &nonce,
            Payload {
                msg: &secret,
                aad: &header,
            },
        );
        secret.zeroize();
        let mut blob = Vec::with_capacity(BLOB_LEN);
        blob.extend_from_slice(&header);
        blob.extend_from_slice(&nonce);
        // SM4-GCM encryption of 32 bytes cannot fail (the only error is a message longer than
        // GCM's 64 GiB limit); an empty ciphertext would make open_at_rest fail loudly.
        blob.extend_from_slice(&sealed.unwrap_or_default());
        blob
    }

    /// Decrypt a blob made by [`SealKey::seal_at_rest`] with the same KEK.
    ///
    /// Errors: [`SealError::KeyBlobMalformed`] (wrong length or header),
    /// [`SealError::KeyBlobVersion`], [`SealError::KeyBlobDecrypt`] (wrong KEK or altered blob).
    pub fn open_at_rest(blob: &[u8], kek: &[u8; 16]) -> Result<SealKey, SealError> {
        if blob.len() < BLOB_HEADER_LEN || &blob[..4] != BLOB_MAGIC {
            return Err(SealError::KeyBlobMalformed);
        }
        if blob[4] != BLOB_VERSION {
            return Err(SealError::KeyBlobVersion(blob[4]));
        }
        if blob.len() != BLOB_LEN {
            return Err(SealError::KeyBlobMalformed);
        }
        let (header, rest) = blob.split_at(BLOB_HEADER_LEN);
        let (nonce, ciphertext) = rest.split_at(NONCE_LEN);
        let nonce =
            aes_gcm::Nonce::<U12>::try_from(nonce).map_err(|_| SealError::KeyBlobMalformed)?;
        let cipher = Sm4Gcm::new(kek.into());
        let mut secret = cipher
            .decrypt(
                &nonce,
                Payload {
                    msg: ciphertext,
                    aad: header,
                },
            )
            .map_err(|_| SealError::KeyBlobDecrypt)?;
        let key = SigningKey::from_slice(DISTID, &secret)
            .map(|signing| SealKey { signing })
            .map_err(|_| SealError::KeyBlobDecrypt);
        secret.zeroize();
        key
    }
}

/// An SM2 public key, kept as the 65-byte SEC1 uncompressed point `04 || x || y`; serialized
/// (serde) as its 130 lowercase hex characters.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct PublicKey {
    sec1: Vec<u8>,
}

impl fmt::Debug for PublicKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "PublicKey({})", self.to_hex())
    }
}

impl PublicKey {
    /// Lowercase hex of the uncompressed point (130 characters, starting `04`).
    pub fn to_hex(&self) -> String {
        hex::encode(&self.sec1)
    }

    /// Parse hex (either case) of an uncompressed point, checking that it lies on the SM2 curve.
    pub fn from_hex(s: &str) -> Result<PublicKey, SealError> {
        let bytes = hex::decode(s.trim()).map_err(|_| SealError::InvalidPublicKey)?;
        PublicKey::from_sec1(&bytes)
    }

    /// Whether `signature_hex` (128 hex characters `r || s`) is a valid SM2 signature by this
    /// key over `message` with distid [`DISTID`].
    pub fn verify_hex(&self, message: &[u8], signature_hex: &str) -> bool {
        match hex::decode(signature_hex) {
            Ok(raw) => self.verify_raw(message, &raw),
            Err(_) => false,
        }
    }

    pub(crate) fn verify_raw(&self, message: &[u8], signature: &[u8]) -> bool {
        let Ok(key) = VerifyingKey::from_sec1_bytes(DISTID, &self.sec1) else {
            return false;
        };
        let Ok(signature) = Signature::from_slice(signature) else {
            return false;
        };
        key.verify(message, &signature).is_ok()
    }

    /// Whether `signature` is a valid SM2 signature by this key over `message` (distid
    /// [`DISTID`]), given either as the 64 bytes `r || s` or as DER `SEQUENCE { r, s }`: both
    /// occur in GB/T 38540 structures made by different vendors. `message` is verified exactly
    /// as given; nothing is re-encoded.
    pub fn verify_raw_or_der(&self, message: &[u8], signature: &[u8]) -> bool {
        if signature.len() == 64 {
            return self.verify_raw(message, signature);
        }
        let Ok(der) = DerSignature::from_bytes(signature) else {
            return false;
        };
        let Ok(signature) = Signature::try_from(der) else {
            return false;
        };
        self.verify_raw(message, &signature.to_bytes())
    }

    /// Parse the 65-byte uncompressed point `04 || x || y`, checking that it lies on the curve.
    pub(crate) fn from_sec1(bytes: &[u8]) -> Result<PublicKey, SealError> {
        if bytes.len() != 65 || bytes[0] != 0x04 {
            return Err(SealError::InvalidPublicKey);
        }
        VerifyingKey::from_sec1_bytes(DISTID, bytes).map_err(|_| SealError::InvalidPublicKey)?;
        Ok(PublicKey {
            sec1: bytes.to_vec(),
        })
    }

    pub(crate) fn verifying_key(&self) -> Result<VerifyingKey, SealError> {
        VerifyingKey::from_sec1_bytes(DISTID, &self.sec1).map_err(|_| SealError::InvalidPublicKey)
    }
}

impl Serialize for PublicKey {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.to_hex())
    }
}

impl<'de> Deserialize<'de> for PublicKey {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let s = String::deserialize(deserializer)?;
        let key = PublicKey::from_hex(&s).map_err(serde::de::Error::custom)?;
        // Signed documents have one spelling: the 130 lowercase hex characters it serializes
        // to (`from_hex` is lenient for keys typed by people, not for documents).
        if key.to_hex() != s {
            return Err(serde::de::Error::custom(
                "公钥不是规范格式：应为 130 位小写十六进制",
            ));
        }
        Ok(key)
    }
}

/// A fresh check code (核验码) for a certificate: 10 characters of Crockford base32
/// (`0-9A-Z` without `I L O U`), i.e. 50 random bits from the operating system.
pub fn generate_check_code() -> String {
    const ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";
    let bytes = <[u8; 8]>::generate();
    let mut bits = u64::from_be_bytes(bytes);
    let mut code = String::with_capacity(10);
    for _ in 0..10 {
        code.push(char::from(ALPHABET[(bits & 31) as usize]));
        bits >>= 5;
    }
    code
}
