//! jianfu electronic seal (电子印章).
//!
//! Communities issue certificates (证明) to residents under a seal. This crate holds the
//! cryptography and the documents:
//!
//! * [`SealKey`] / [`PublicKey`]: SM2 keys (GB/T 32918, distid `1234567812345678`, interoperable
//!   with OpenSSL 3); a seal key is stored encrypted with SM4-GCM ([`SealKey::seal_at_rest`]).
//! * [`SealRecord`]: who a seal belongs to, who may use it and when (modelled on GB/T 38540),
//!   signed by the seal authority ([`sign_seal_record`]).
//! * [`CertificateContent`] → [`seal_certificate`] → [`SealedCertificate`]: the content's
//!   canonical bytes signed with the seal key after the seal's rules are checked;
//!   [`verify_sealed`] checks everything again against the authority's public key.
//! * [`render_pdf`]: an A4 PDF with the red seal drawn as vectors, a QR code for online
//!   checking, the certificate JSON embedded, and an SM2 signature over the whole file;
//!   [`verify_file`] accepts that PDF or the JSON.
//! * [`seal_svg`]: the same seal drawing for web pages.
//! * [`pki`]: SM2 X.509 certificates after GM/T 0015 (the seal authority's root, seal makers,
//!   signers), verified against the root with validity and a revocation list.
//! * [`ses`]: seals and signatures as GB/T 38540-2020 v4 `SESeal` / `SES_Signature` DER,
//!   verified with each failure reason of its own. Issuing uses them for seals made since the
//!   PKI exists (the product keeps it in its database); the certificates above still carry the
//!   JSON seal record as well, so earlier ones keep verifying.
//! * [`ofd`]: the same page as an OFD package (GB/T 33190) stamped with a GB/T 38540 seal and
//!   signed per GM/T 0099-2020 ([`ofd::render_ofd`]), and [`ofd::verify_ofd`].
//! * [`pdf_sign`]: a PDF signature field readers see (`/Sig`, `/ByteRange`, detached CMS
//!   SignedData with SM2/SM3) added as an incremental update, and its verification.
//!
//! All text is printed with a GB 2312 subset of Noto Serif CJK SC shipped in the crate
//! (`fonts/`); text the font cannot print is refused with [`SealError::UnsupportedCharacters`].

#![warn(missing_docs)]

mod asn1;
mod cert;
mod error;
mod file;
mod font_subset;
mod keys;
mod layout;
pub mod ofd;
pub mod pdf_sign;
pub mod pki;
mod render;
pub mod report;
mod seal;
pub mod ses;

pub use cert::{
    CERTIFICATE_DOMAIN, CertificateContent, SEAL_RECORD_DOMAIN, SealRecord, SealedCertificate,
    SignedSealRecord, issuer_owns_seal, seal_certificate, sign_seal_record, verify_seal_record,
    verify_sealed,
};
pub use error::{PkiError, SealError, VerifyError};
pub use file::{verify_embedded, verify_file};
pub use keys::{ALGORITHM, DISTID, PublicKey, SealKey, generate_check_code, sm3_hex};
pub use render::{
    EMBEDDED_FILE_NAME, FILE_SIGNATURE_PREFIX, PDF_DOMAIN, RenderOptions, qr_svg, render_pdf,
    seal_and_render, seal_and_render_for_signature_field,
};

/// The seal drawing (ring, star, `name` along the upper arc, `kind` under the star) as a
/// standalone SVG document in seal red, 160×160 px by default (scale it with CSS). Glyphs are
/// embedded as outlines, so the page needs no Chinese web font.
pub fn seal_svg(name: &str, kind: &str) -> String {
    seal::svg(name, kind)
}

/// The seal drawing as a `size`×`size` RGBA image (straight alpha; seal red on transparent,
/// anti-aliased), 42 mm across at `size` pixels: the picture a GB/T 38540 seal carries
/// ([`ses::SealPicture`], once encoded as PNG by the caller).
pub fn seal_raster(name: &str, kind: &str, size: u32) -> Result<Vec<u8>, SealError> {
    seal::raster(name, kind, size)
}

/// Check that texts can be printed with the embedded font, e.g. a certificate template or a
/// seal name before it is saved. Errors with [`SealError::UnsupportedCharacters`].
pub fn check_printable(texts: &[&str]) -> Result<(), SealError> {
    layout::check_printable(texts)
}
