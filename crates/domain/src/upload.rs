//! Files people upload to be kept (certificate attachments, plaque photos), recognised by what
//! they are rather than by their first bytes: an image is decoded in full and a PDF parsed
//! before anything is stored, so that a PNG signature followed by garbage is not kept (and
//! later served) as a picture. Decoding is bounded: a small file that declares a huge picture,
//! or a stream that inflates without end, is refused before its memory is taken.

use std::io::Cursor;

use image::{ImageFormat, ImageReader, Limits};

/// Widest or tallest picture accepted, in pixels (a 48-megapixel photo is 8,000 wide).
const MAX_IMAGE_SIDE: u32 = 12_000;
/// Most memory one picture may take while it is decoded.
const MAX_IMAGE_ALLOC: u64 = 256 * 1024 * 1024;
/// Most bytes one PDF stream may inflate to while the file is parsed.
const MAX_PDF_STREAM: usize = 32 * 1024 * 1024;

/// The kinds of file kept, by their media type.
pub(crate) const PNG: &str = "image/png";
pub(crate) const JPEG: &str = "image/jpeg";
pub(crate) const PDF: &str = "application/pdf";

/// Why an upload is not kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Refusal {
    /// Not a PNG, JPEG or PDF at all.
    Unknown,
    /// Starts like one of them (the media type given) but does not decode or parse as one.
    Damaged(&'static str),
}

/// The media type of an upload that is a whole PNG, JPEG or PDF file.
pub(crate) fn inspect(bytes: &[u8]) -> Result<&'static str, Refusal> {
    if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        decode_image(bytes, ImageFormat::Png).map(|()| PNG)
    } else if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        decode_image(bytes, ImageFormat::Jpeg).map(|()| JPEG)
    } else if bytes.starts_with(b"%PDF-") {
        parse_pdf(bytes).map(|()| PDF)
    } else {
        Err(Refusal::Unknown)
    }
}

/// What people call a kind, for messages.
pub(crate) fn kind_zh(kind: &str) -> &'static str {
    match kind {
        PNG => "PNG 图片",
        JPEG => "JPG 图片",
        _ => "PDF 文件",
    }
}

fn decode_image(bytes: &[u8], format: ImageFormat) -> Result<(), Refusal> {
    let kind = match format {
        ImageFormat::Png => PNG,
        _ => JPEG,
    };
    let mut reader = ImageReader::with_format(Cursor::new(bytes), format);
    let mut limits = Limits::default();
    limits.max_image_width = Some(MAX_IMAGE_SIDE);
    limits.max_image_height = Some(MAX_IMAGE_SIDE);
    limits.max_alloc = Some(MAX_IMAGE_ALLOC);
    reader.limits(limits);
    match reader.decode() {
        Ok(_) => Ok(()),
        Err(_) => Err(Refusal::Damaged(kind)),
    }
}

/// A PDF is kept when it ends as a PDF must (`%%EOF` in its last KiB: a file cut short does
/// not) and the parser finds at least one page in it. Parsing is lenient, as viewers are: a
/// scanner app's slightly wrong cross-reference offsets are repaired, not refused.
fn parse_pdf(bytes: &[u8]) -> Result<(), Refusal> {
    let tail = &bytes[bytes.len().saturating_sub(1024)..];
    if !tail.windows(5).any(|w| w == b"%%EOF") {
        return Err(Refusal::Damaged(PDF));
    }
    let options = lopdf::LoadOptions {
        max_decompressed_size: Some(MAX_PDF_STREAM),
        ..lopdf::LoadOptions::default()
    };
    // The parser is not ours and the bytes are anyone's: a panic in it refuses the file
    // instead of taking the request's task down.
    let loaded =
        std::panic::catch_unwind(|| lopdf::Document::load_mem_with_options(bytes, options));
    match loaded {
        Ok(Ok(doc)) if !doc.get_pages().is_empty() => Ok(()),
        _ => Err(Refusal::Damaged(PDF)),
    }
}

#[cfg(test)]
pub(crate) mod samples {
    //! Real files for tests, made by the same library that checks them.
    use image::{ImageBuffer, Rgb};

    fn picture() -> ImageBuffer<Rgb<u8>, Vec<u8>> {
        ImageBuffer::from_fn(16, 16, |x, y| {
            if x == 7 || y == 7 {
                Rgb([255, 255, 255])
            } else {
                Rgb([200, 16, 32])
            }
        })
    }

    pub(crate) fn png() -> Vec<u8> {
        let mut out = std::io::Cursor::new(Vec::new());
        picture()
            .write_to(&mut out, image::ImageFormat::Png)
            .unwrap();
        out.into_inner()
    }

    pub(crate) fn jpeg() -> Vec<u8> {
        let mut out = std::io::Cursor::new(Vec::new());
        picture()
            .write_to(&mut out, image::ImageFormat::Jpeg)
            .unwrap();
        out.into_inner()
    }

    /// A one-page PDF, written out object by object with a correct cross-reference table.
    pub(crate) fn pdf() -> Vec<u8> {
        let objects = [
            "<< /Type /Catalog /Pages 2 0 R >>",
            "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>",
        ];
        let mut out = b"%PDF-1.7\n".to_vec();
        let mut offsets = Vec::new();
        for (i, body) in objects.iter().enumerate() {
            offsets.push(out.len());
            out.extend_from_slice(format!("{} 0 obj\n{body}\nendobj\n", i + 1).as_bytes());
        }
        let xref = out.len();
        out.extend_from_slice(
            format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).as_bytes(),
        );
        for o in offsets {
            out.extend_from_slice(format!("{o:010} 00000 n \n").as_bytes());
        }
        out.extend_from_slice(
            format!(
                "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n",
                objects.len() + 1
            )
            .as_bytes(),
        );
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn whole_files_of_the_three_kinds_are_recognised() {
        assert_eq!(inspect(&samples::png()), Ok(PNG));
        assert_eq!(inspect(&samples::jpeg()), Ok(JPEG));
        assert_eq!(inspect(&samples::pdf()), Ok(PDF));
        assert_eq!(inspect(b"MZ\x90\0"), Err(Refusal::Unknown));
        assert_eq!(inspect(b""), Err(Refusal::Unknown));
    }

    #[test]
    fn a_png_signature_followed_by_garbage_is_not_an_image() {
        let mut fake = b"\x89PNG\r\n\x1a\n".to_vec();
        fake.extend_from_slice(&[0x41; 64]);
        assert_eq!(inspect(&fake), Err(Refusal::Damaged(PNG)));
        assert_eq!(
            inspect(&[0xFF, 0xD8, 0xFF, 0xE0, 1, 2, 3]),
            Err(Refusal::Damaged(JPEG))
        );
        assert_eq!(inspect(b"%PDF-1.7 a document"), Err(Refusal::Damaged(PDF)));
        // Cut-off files are damaged too.
        let png = samples::png();
        assert_eq!(inspect(&png[..png.len() - 20]), Err(Refusal::Damaged(PNG)));
        let pdf = samples::pdf();
        assert_eq!(inspect(&pdf[..pdf.len() / 2]), Err(Refusal::Damaged(PDF)));
    }

    /// A 100-byte PNG whose header declares 100,000 × 100,000 pixels (40 GB decoded) is
    /// refused by its header, before any of that memory is asked for.
    #[test]
    fn a_png_declaring_a_huge_picture_is_refused_before_decoding() {
        let mut png = samples::png();
        // IHDR's width and height follow the signature (8), length (4) and type (4).
        png[16..20].copy_from_slice(&100_000u32.to_be_bytes());
        png[20..24].copy_from_slice(&100_000u32.to_be_bytes());
        // Keep the chunk's CRC right, so that only the size is wrong.
        let crc = crc32(&png[12..29]);
        png[29..33].copy_from_slice(&crc.to_be_bytes());
        let started = std::time::Instant::now();
        assert_eq!(inspect(&png), Err(Refusal::Damaged(PNG)));
        assert!(started.elapsed() < std::time::Duration::from_secs(5));
    }

    fn crc32(data: &[u8]) -> u32 {
        let mut c = 0xFFFF_FFFFu32;
        for &b in data {
            c ^= u32::from(b);
            for _ in 0..8 {
                c = if c & 1 == 1 {
                    0xEDB8_8320 ^ (c >> 1)
                } else {
                    c >> 1
                };
            }
        }
        !c
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

        /// Bounded fuzzing (stable Rust, part of `cargo test`): any bytes behind any of the
        /// three signatures, and real files with bytes changed or cut off, are answered
        /// without a panic or an abort.
        #[test]
        fn any_bytes_are_answered(
            kind in 0usize..3,
            tail in prop::collection::vec(any::<u8>(), 0..2048),
        ) {
            let mut bytes = [&b"\x89PNG\r\n\x1a\n"[..], &[0xFF, 0xD8, 0xFF], b"%PDF-1."][kind].to_vec();
            bytes.extend_from_slice(&tail);
            let _ = inspect(&bytes);
        }

        #[test]
        fn damaged_real_files_are_answered(
            kind in 0usize..3,
            changes in prop::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 0..6),
            cut in any::<prop::sample::Index>(),
            shorten in any::<bool>(),
        ) {
            let mut bytes = match kind {
                0 => samples::png(),
                1 => samples::jpeg(),
                _ => samples::pdf(),
            };
            for (at, b) in changes {
                let i = at.index(bytes.len());
                bytes[i] = b;
            }
            if shorten {
                bytes.truncate(cut.index(bytes.len()));
            }
            let _ = inspect(&bytes);
        }
    }
}
