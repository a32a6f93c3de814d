//! The crate's two error types: [`SealError`] for making keys, certificates and files, and
//! [`VerifyError`] for checking them. Each variant has a stable snake_case [`code`](SealError::code)
//! for APIs and logs and a Chinese [`message`](SealError::message) for people; `Display` prints
//! the message.

/// Failure while creating or opening keys, sealing a certificate or rendering a file.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SealError {
    /// The text to print contains characters that the embedded font cannot draw; the string
    /// lists each such character once, in order of first appearance.
    #[error("证明文本含字体不支持的字符：{0}")]
    UnsupportedCharacters(String),
    /// The seal key does not belong to the seal record (its public key differs).
    #[error("印章密钥与印章记录中的公钥不一致，不能用印")]
    KeyMismatch,
    /// The certificate names a different seal than the record given.
    #[error("证明所写印章编号 {content} 与印章记录 {record} 不一致")]
    SealIdMismatch {
        /// `seal_id` written in the certificate.
        content: String,
        /// `seal_id` of the seal record.
        record: String,
    },
    /// The certificate's issuing community is not the seal's owner (see
    /// [`crate::issuer_owns_seal`]).
    #[error("出具单位 {community} 不是印章 {owner} 的所有者，不能用该印章出具证明")]
    NotSealOwner {
        /// The certificate's community, name and division code.
        community: String,
        /// The seal's text and owner's division code.
        owner: String,
    },
    /// The issuing worker is not among the seal's allowed signers.
    #[error("经办人 {0} 不在该印章的授权用印人名单中")]
    SignerNotAllowed(String),
    /// The issue date lies outside the seal's validity window.
    #[error("出具日期 {issued_on} 不在印章有效期 {valid_from} 至 {valid_to} 之内")]
    OutsideValidity {
        /// The certificate's issue date.
        issued_on: String,
        /// First valid day of the seal.
        valid_from: String,
        /// Last valid day of the seal.
        valid_to: String,
    },
    /// A date is not a real calendar day written as `YYYY-MM-DD`.
    #[error("日期格式错误：“{0}”，应为 YYYY-MM-DD 格式的真实日期")]
    InvalidDate(String),
    /// The seal record names an algorithm other than `SM2-SM3`.
    #[error("不支持的签名算法：{0}（仅支持 SM2-SM3）")]
    WrongAlgorithm(String),
    /// The record or certificate has a format version this crate does not know.
    #[error("不支持的数据格式版本：{0}")]
    UnsupportedVersion(u32),
    /// A public key is not hex of an uncompressed SM2 point (65 bytes, `04 || x || y`) on the curve.
    #[error("公钥格式错误：应为 SM2 曲线上未压缩点的十六进制（130 位）")]
    InvalidPublicKey,
    /// A private key value is outside the valid range `1..n`.
    #[error("私钥格式错误")]
    InvalidPrivateKey,
    /// An encrypted key blob is too short or does not start with the expected header.
    #[error("加密的印章密钥数据格式错误")]
    KeyBlobMalformed,
    /// An encrypted key blob has a version this crate cannot open.
    #[error("加密的印章密钥数据版本 {0} 不受支持")]
    KeyBlobVersion(u8),
    /// Decryption failed: wrong key-encryption key, or the blob was altered.
    #[error("印章密钥解密失败：密钥加密密钥不正确，或数据已被篡改")]
    KeyBlobDecrypt,
    /// A formal (non-sample) PDF needs the seal key to sign the file.
    #[error("正式证明文件必须用印章密钥签名，请提供印章密钥")]
    SigningKeyRequired,
    /// The certificate's own signature or digest does not check out, so no file is made from it.
    #[error("证明的数字签名无效，拒绝生成文件")]
    InvalidSignature,
    /// The certificate text does not fit on one A4 page.
    #[error("证明正文过长，一页 A4 纸排不下（请精简正文）")]
    TextTooLong,
    /// The verify URL cannot be encoded as a QR code (too long).
    #[error("核验网址过长，无法生成二维码")]
    QrCode,
    /// The PDF library failed; the string says why (for logs).
    #[error("生成 PDF 失败：{0}")]
    Pdf(String),
}

impl SealError {
    /// Stable snake_case code of the error, for APIs, logs and tests.
    pub fn code(&self) -> &'static str {
        match self {
            SealError::UnsupportedCharacters(_) => "unsupported_characters",
            SealError::KeyMismatch => "key_mismatch",
            SealError::SealIdMismatch { .. } => "seal_id_mismatch",
            SealError::NotSealOwner { .. } => "not_seal_owner",
            SealError::SignerNotAllowed(_) => "signer_not_allowed",
            SealError::OutsideValidity { .. } => "outside_validity",
            SealError::InvalidDate(_) => "invalid_date",
            SealError::WrongAlgorithm(_) => "wrong_algorithm",
            SealError::UnsupportedVersion(_) => "unsupported_version",
            SealError::InvalidPublicKey => "invalid_public_key",
            SealError::InvalidPrivateKey => "invalid_private_key",
            SealError::KeyBlobMalformed => "key_blob_malformed",
            SealError::KeyBlobVersion(_) => "key_blob_version",
            SealError::KeyBlobDecrypt => "key_blob_decrypt",
            SealError::SigningKeyRequired => "signing_key_required",
            SealError::InvalidSignature => "invalid_signature",
            SealError::TextTooLong => "text_too_long",
            SealError::QrCode => "qr_code",
            SealError::Pdf(_) => "pdf",
        }
    }

    /// Chinese message for the user (the same text as `Display`).
    pub fn message(&self) -> String {
        self.to_string()
    }
}

/// Why a sealed certificate, or a file carrying one, failed verification.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum VerifyError {
    /// The certificate or its seal record names an algorithm other than `SM2-SM3`.
    #[error("签名算法不受支持：{0}（应为 SM2-SM3）")]
    WrongAlgorithm(String),
    /// The certificate or seal record has an unknown format version.
    #[error("数据格式版本 {0} 不受支持")]
    UnsupportedVersion(u32),
    /// The seal record was not signed by the trusted seal authority (or was altered after).
    #[error("印章记录未经电子印章管理机构签发，或已被改动")]
    SealRecordNotTrusted,
    /// The certificate names a different seal than the record it carries.
    #[error("证明所写印章编号与所附印章记录不一致")]
    SealIdMismatch,
    /// The issuing community the certificate names (division code and name) is not the owner
    /// of the seal it carries: a seal lent to, or taken by, another community.
    #[error("证明所写出具单位不是所盖印章的所有者（区划代码或名称不符）")]
    NotSealOwner,
    /// A field is spelled other than in the one canonical form (hex in lowercase); the
    /// string names the field.
    #[error("证明数据不是规范格式：{0}应为小写十六进制")]
    NotCanonical(&'static str),
    /// The certificate content no longer matches its recorded SM3 digest: it was changed.
    #[error("证明内容与其摘要不符：内容已被改动")]
    DigestMismatch,
    /// The certificate's SM2 signature does not verify with the seal's public key.
    #[error("证明的电子印章签名无效（不是该印章所盖，或内容已被改动）")]
    BadSignature,
    /// The issue date lies outside the seal's validity window.
    #[error("出具日期不在印章有效期内")]
    OutsideValidity,
    /// The issuing worker was not allowed to use the seal.
    #[error("经办人无权使用该印章")]
    SignerNotAllowed,
    /// A date field is not a valid `YYYY-MM-DD` day.
    #[error("日期格式错误：{0}")]
    InvalidDate(String),
    /// A public key or signature field is not well-formed hex of the right length.
    #[error("密钥或签名数据格式错误")]
    MalformedSignature,
    /// The PDF carries no jianfu file signature: a sample (样本), a file not issued by this
    /// system, or a file cut short.
    #[error("文件没有电子印章签名：可能是样本、非本系统出具的文件，或文件不完整")]
    NotSigned,
    /// The PDF's file signature does not match its bytes: the file was changed or damaged.
    #[error("文件已被改动或损坏：文件签名不符")]
    FileSignatureInvalid,
    /// A signed PDF without a readable embedded `certificate.json`.
    #[error("文件中找不到可读取的证明数据（certificate.json）")]
    EmbeddedCertificateMissing,
    /// Neither a PDF nor the certificate JSON, or not readable as such.
    #[error("无法识别的文件：{0}")]
    Malformed(String),
}

impl VerifyError {
    /// Stable snake_case code of the error, for APIs, logs and tests.
    pub fn code(&self) -> &'static str {
        match self {
            VerifyError::WrongAlgorithm(_) => "wrong_algorithm",
            VerifyError::UnsupportedVersion(_) => "unsupported_version",
            VerifyError::SealRecordNotTrusted => "seal_record_not_trusted",
            VerifyError::SealIdMismatch => "seal_id_mismatch",
            VerifyError::NotSealOwner => "not_seal_owner",
            VerifyError::NotCanonical(_) => "not_canonical",
            VerifyError::DigestMismatch => "digest_mismatch",
            VerifyError::BadSignature => "bad_signature",
            VerifyError::OutsideValidity => "outside_validity",
            VerifyError::SignerNotAllowed => "signer_not_allowed",
            VerifyError::InvalidDate(_) => "invalid_date",
            VerifyError::MalformedSignature => "malformed_signature",
            VerifyError::NotSigned => "not_signed",
            VerifyError::FileSignatureInvalid => "file_signature_invalid",
            VerifyError::EmbeddedCertificateMissing => "embedded_certificate_missing",
            VerifyError::Malformed(_) => "malformed",
        }
    }

    /// Chinese message for the user (the same text as `Display`).
    pub fn message(&self) -> String {
        self.to_string()
    }
}
