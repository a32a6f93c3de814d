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
    /// Signing a file (OFD or PDF) with the GB/T 38540 seal or the signer's certificate failed.
    #[error("{0}")]
    Pki(#[from] PkiError),
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
            SealError::Pki(e) => e.code(),
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

/// Failure while issuing, reading or verifying X.509 certificates ([`crate::pki`]),
/// GB/T 38540 seals and signatures ([`crate::ses`]), signed OFD packages ([`crate::ofd`]) and
/// PDF signature fields ([`crate::pdf_sign`]). Verification stops at the first failure,
/// and each reason has its own variant, so that a person is told what is wrong.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PkiError {
    /// The bytes are not the DER structure expected; the string names what was being read.
    #[error("数据格式错误，无法读取{0}")]
    Malformed(&'static str),
    /// A PEM text without the expected label (e.g. `CERTIFICATE`) or with broken Base64.
    #[error("PEM 格式错误：应为 {0}")]
    Pem(&'static str),
    /// A signature algorithm other than SM3withSM2 (1.2.156.10197.1.501); the string is the OID.
    #[error("签名算法 {0} 不受支持（应为 SM3withSM2，1.2.156.10197.1.501）")]
    UnsupportedAlgorithm(String),
    /// The certificate's public key is not an SM2 key (id-ecPublicKey with the SM2 curve).
    #[error("证书中的公钥不是 SM2 公钥")]
    NotSm2Key,
    /// A serial number that is zero, negative or longer than 20 bytes.
    #[error("证书序列号无效（应为 1 至 20 字节的正整数）")]
    InvalidSerial,
    /// A time outside what the encoding can hold, or a validity that ends before it starts.
    #[error("时间无效：{0}")]
    InvalidTime(&'static str),
    /// A subject name part is empty or not printable in a certificate.
    #[error("证书主体名称无效：{0}")]
    InvalidName(&'static str),
    /// The private key given does not belong to the certificate it should sign as.
    #[error("私钥与证书中的公钥不一致")]
    KeyMismatch,
    /// The root certificate is not a usable trust anchor: not self-issued, its self-signature
    /// fails, or it lacks the CA basic constraint or the keyCertSign usage.
    #[error("根证书无效：不是可签发证书的自签名机构证书")]
    InvalidRoot,
    /// The certificate was not issued by the trusted root: another issuer, or a signature the
    /// root's key does not verify (a certificate from another authority, or one altered after).
    #[error("证书 {0} 不是本电子印章管理机构签发的（签发者不符或证书签名无效）")]
    ForeignAuthority(String),
    /// The certificate (or the root) is not valid at the time that counts.
    #[error("证书 {serial} 在 {at} 不在有效期内（{not_before} 至 {not_after}）")]
    CertificateOutsideValidity {
        /// Serial number (hex).
        serial: String,
        /// The time checked, UTC.
        at: String,
        /// Start of validity, UTC.
        not_before: String,
        /// End of validity, UTC.
        not_after: String,
    },
    /// The certificate was revoked at or before the time that counts.
    #[error("证书 {serial} 已于 {revoked_at} 注销")]
    Revoked {
        /// Serial number (hex).
        serial: String,
        /// When it was revoked, UTC.
        revoked_at: String,
    },
    /// The certificate's key usage or basic constraints do not allow this use (a CA certificate
    /// used to sign a seal, or an end-entity certificate without digitalSignature/nonRepudiation).
    #[error("证书 {0} 的密钥用途不允许用于电子印章或签章")]
    WrongKeyUsage(String),
    /// Not a GB/T 38540 v4 structure: the header is not `ES`/4, or `TBS_Sign` is not version 4.
    #[error("电子印章数据版本不受支持：{0}（应为 GB/T 38540-2020 第 4 版）")]
    UnsupportedVersion(String),
    /// The seal picture is not a PNG image, or its size in millimetres is zero.
    #[error("印章图片无效：应为 PNG 图片，宽高为正的毫米数")]
    InvalidPicture,
    /// The seal maker's signature over `SES_SealInfo` does not verify: the seal's data or its
    /// picture was changed after the seal was made.
    #[error("电子印章的制章签名无效：印章信息或印章图片已被改动")]
    SealSignatureInvalid,
    /// The picture stamped on the document is not the picture signed in the seal.
    #[error("盖印的印章图片与电子印章中经签名的图片不一致：图片已被替换或改动")]
    PictureMismatch,
    /// The signing time lies outside the seal's validity (validStart..validEnd).
    #[error("签章时间 {at} 不在印章有效期内（{valid_start} 至 {valid_end}）")]
    SealOutsideValidity {
        /// The signing time, UTC.
        at: String,
        /// Start of the seal's validity, UTC.
        valid_start: String,
        /// End of the seal's validity, UTC.
        valid_end: String,
    },
    /// The signer's certificate is not among the seal's signer certificates (certList).
    #[error("签章人证书 {0} 不在该电子印章的签章人证书列表中，无权使用该印章")]
    SignerNotInSeal(String),
    /// The signature over `TBS_Sign` does not verify with the signer's certificate.
    #[error("电子签章的签名值无效：签章信息已被改动，或不是该签章人所签")]
    BadSignature,
    /// The SM3 hash of the document differs from the hash signed in the signature.
    #[error("原文杂凑值不符：被签章的文件已被改动")]
    DataHashMismatch,
    /// Making a certificate or structure failed inside the encoder (for logs).
    #[error("生成证书或电子印章数据失败：{0}")]
    Encoding(String),
    /// An OFD package (zip and XML) or a PDF that cannot be read as such; the string says
    /// what is wrong.
    #[error("文件结构无法读取：{0}")]
    Package(String),
    /// The file carries no signature to verify (no `Signatures.xml` entry in the OFD, no
    /// signature field in the PDF).
    #[error("文件中没有电子签章")]
    NotSigned,
    /// A digest method other than SM3 (1.2.156.10197.1.401); the string is what was named.
    #[error("摘要算法 {0} 不受支持（应为 SM3，1.2.156.10197.1.401）")]
    UnsupportedDigest(String),
    /// A file named in the signature's references is not in the package.
    #[error("签章保护的文件 {0} 不在文件包中：文件已被删除或改名")]
    ReferenceMissing(String),
    /// A file's SM3 digest differs from the check value the signature recorded.
    #[error("文件 {0} 的杂凑值与签章记录不符：该文件已被改动")]
    ReferenceMismatch(String),
    /// A file of the package that no signature protects (GM/T 0099 calls it 夹带, smuggled).
    #[error("文件 {0} 不受任何签章保护（夹带文件）")]
    UnprotectedFile(String),
    /// The seal file (`Seal.esl`) is not the seal carried inside the signature value.
    #[error("印章文件 Seal.esl 与签章值中的电子印章不一致")]
    SealFileMismatch,
    /// A PDF signature whose `/ByteRange` does not cover the whole file except its
    /// `/Contents`: bytes were added after signing, or the range is forged.
    #[error("PDF 签名范围无效：签名未覆盖整个文件（签名后又追加或改动了内容）")]
    ByteRangeInvalid,
}

impl PkiError {
    /// Stable snake_case code of the error, for APIs, logs and tests.
    pub fn code(&self) -> &'static str {
        match self {
            PkiError::Malformed(_) => "malformed",
            PkiError::Pem(_) => "pem",
            PkiError::UnsupportedAlgorithm(_) => "unsupported_algorithm",
            PkiError::NotSm2Key => "not_sm2_key",
            PkiError::InvalidSerial => "invalid_serial",
            PkiError::InvalidTime(_) => "invalid_time",
            PkiError::InvalidName(_) => "invalid_name",
            PkiError::KeyMismatch => "key_mismatch",
            PkiError::InvalidRoot => "invalid_root",
            PkiError::ForeignAuthority(_) => "foreign_authority",
            PkiError::CertificateOutsideValidity { .. } => "certificate_outside_validity",
            PkiError::Revoked { .. } => "revoked",
            PkiError::WrongKeyUsage(_) => "wrong_key_usage",
            PkiError::UnsupportedVersion(_) => "unsupported_version",
            PkiError::InvalidPicture => "invalid_picture",
            PkiError::SealSignatureInvalid => "seal_signature_invalid",
            PkiError::PictureMismatch => "picture_mismatch",
            PkiError::SealOutsideValidity { .. } => "seal_outside_validity",
            PkiError::SignerNotInSeal(_) => "signer_not_in_seal",
            PkiError::BadSignature => "bad_signature",
            PkiError::DataHashMismatch => "data_hash_mismatch",
            PkiError::Encoding(_) => "encoding",
            PkiError::Package(_) => "package",
            PkiError::NotSigned => "not_signed",
            PkiError::UnsupportedDigest(_) => "unsupported_digest",
            PkiError::ReferenceMissing(_) => "reference_missing",
            PkiError::ReferenceMismatch(_) => "reference_mismatch",
            PkiError::UnprotectedFile(_) => "unprotected_file",
            PkiError::SealFileMismatch => "seal_file_mismatch",
            PkiError::ByteRangeInvalid => "byte_range_invalid",
        }
    }

    /// Chinese message for the user (the same text as `Display`).
    pub fn message(&self) -> String {
        self.to_string()
    }
}
