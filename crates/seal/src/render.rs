//! The certificate as an A4 PDF, and the file signature appended to it.

use std::collections::HashMap;
use std::sync::{LazyLock, Mutex, PoisonError};

use krilla::Document;
use krilla::blend::BlendMode;
use krilla::color::rgb;
use krilla::embed::{AssociationKind, EmbeddedFile, MimeType};
use krilla::geom::{PathBuilder, Point, Rect, Transform};
use krilla::graphic::Graphic;
use krilla::metadata::{DateTime, Metadata};
use krilla::num::NormalizedF32;
use krilla::page::PageSettings;
use krilla::paint::{Fill, FillRule, Stroke};
use krilla::stream::Stream;
use krilla::surface::Surface;
use krilla::text::Font;

use crate::cert::{
    CertificateContent, SealRecord, SealedCertificate, SignedSealRecord, date_parts,
    seal_certificate,
};
use crate::error::SealError;
use crate::keys::{ALGORITHM, SealKey, sm3_bytes, sm3_hex};
use crate::layout::{Metrics, check_printable, pdf_font, wrap};
use crate::seal::{Affine, SEAL_RED, layout_seal};

/// How many renders krilla's memo keeps an unused entry for (see the end of [`render`]).
const MEMO_RENDERS: usize = 16;
/// Name of the embedded file that carries the [`SealedCertificate`] JSON.
pub const EMBEDDED_FILE_NAME: &str = "certificate.json";
/// Start of the last line of a signed PDF: `%JIANFU-SM2 <128 hex>\n`.
pub const FILE_SIGNATURE_PREFIX: &[u8] = b"%JIANFU-SM2 ";
/// Domain line of the message the file signature covers.
pub const PDF_DOMAIN: &str = "jianfu-pdf-v1";

const PAGE_W: f32 = 595.28;
const PAGE_H: f32 = 841.89;
const MARGIN_X: f32 = 28.0 * 72.0 / 25.4;
const TEXT_W: f32 = PAGE_W - 2.0 * MARGIN_X;
const TITLE_SIZE: f32 = 22.0;
const TITLE_BASELINE: f32 = 130.0;
const SERIAL_SIZE: f32 = 12.0;
const BODY_SIZE: f32 = 16.0;
const LINE_H: f32 = 28.8;
const QR_SIZE: f32 = 90.0;
const QR_TOP: f32 = PAGE_H - 180.0;
const CAPTION_SIZE: f32 = 9.0;
const CAPTION_LINE_H: f32 = 13.0;

/// How to render a certificate.
#[derive(Clone, Copy, Debug, Default)]
pub struct RenderOptions<'a> {
    /// `true`: a printable sample (样本) for service guides, with a big light "样本" watermark;
    /// not signed, no embedded data, and [`crate::verify_file`] rejects it. Any placeholder
    /// content will do; the seal key is not needed and ignored.
    pub sample: bool,
    /// The seal key, required for a formal (non-sample) certificate: it signs the file.
    pub key: Option<&'a SealKey>,
}

impl<'a> RenderOptions<'a> {
    /// Options for a formal certificate signed with the seal key.
    pub fn signed(key: &'a SealKey) -> RenderOptions<'a> {
        RenderOptions {
            sample: false,
            key: Some(key),
        }
    }

    /// Options for a sample (样本).
    pub fn sample() -> RenderOptions<'static> {
        RenderOptions {
            sample: true,
            key: None,
        }
    }
}

/// Every text printed on the certificate, for the font coverage check.
pub(crate) fn printed_texts<'a>(
    content: &'a CertificateContent,
    record: &'a SealRecord,
) -> Vec<&'a str> {
    vec![
        &content.type_name,
        &content.serial,
        &content.body,
        &content.community_name,
        &content.issued_on,
        &content.verify_url,
        &content.check_code,
        &record.name,
        &record.kind,
        "编号：扫码或访问核验核验码：年月日样本仅供参考，不具证明效力",
    ]
}

/// `2026-11-28` → `2026年11月28日`.
fn chinese_date(day: &str) -> Result<String, SealError> {
    let (y, m, d) = date_parts(day).ok_or_else(|| SealError::InvalidDate(day.to_string()))?;
    Ok(format!("{y}年{m}月{d}日"))
}

/// The message the file signature covers: `jianfu-pdf-v1\n` followed by the 32 raw bytes of
/// the SM3 digest of every byte before the signature line.
pub(crate) fn file_message(signed_part: &[u8]) -> Vec<u8> {
    let mut msg = Vec::with_capacity(PDF_DOMAIN.len() + 1 + 32);
    msg.extend_from_slice(PDF_DOMAIN.as_bytes());
    msg.push(b'\n');
    msg.extend_from_slice(&sm3_bytes(signed_part));
    msg
}

fn red() -> rgb::Color {
    let (r, g, b) = SEAL_RED;
    rgb::Color::new(r, g, b)
}

fn fill(color: rgb::Color, opacity: f32) -> Fill {
    Fill {
        paint: color.into(),
        opacity: NormalizedF32::new(opacity).unwrap_or(NormalizedF32::ONE),
        rule: FillRule::NonZero,
    }
}

fn transform(t: Affine) -> Transform {
    Transform::from_row(t.a, t.b, t.c, t.d, t.e, t.f)
}

/// Draw `text` with its baseline starting at (`x`, `y`).
fn draw_line(
    surface: &mut Surface,
    metrics: &Metrics,
    font: &Font,
    x: f32,
    y: f32,
    size: f32,
    text: &str,
) {
    let glyphs = metrics.glyphs(text);
    surface.draw_glyphs(
        Point::from_xy(x, y),
        &glyphs,
        font.clone(),
        text,
        size,
        false,
    );
}

/// Append a circle of radius `r` around (`cx`, `cy`) as four cubic Béziers.
fn circle(pb: &mut PathBuilder, cx: f32, cy: f32, r: f32) {
    const K: f32 = 0.552_284_8;
    let k = K * r;
    pb.move_to(cx + r, cy);
    pb.cubic_to(cx + r, cy + k, cx + k, cy + r, cx, cy + r);
    pb.cubic_to(cx - k, cy + r, cx - r, cy + k, cx - r, cy);
    pb.cubic_to(cx - r, cy - k, cx - k, cy - r, cx, cy - r);
    pb.cubic_to(cx + k, cy - r, cx + r, cy - k, cx + r, cy);
    pb.close();
}

/// The seal centred at the origin, as a graphic to place on the page.
///
/// A seal looks the same on every certificate it stamps, so its drawing (outlining its letters
/// is most of the page's drawing) is made once per seal and process and reused.
fn seal_graphic(metrics: &Metrics, font: &Font, record: &SealRecord) -> Graphic {
    type Drawn = HashMap<(String, String), Stream>;
    static DRAWN: LazyLock<Mutex<Drawn>> = LazyLock::new(Default::default);
    /// Seals remembered (one drawing is ≈ 40 KB); past this the memory starts afresh.
    const MAX_SEALS: usize = 256;
    let key = (record.name.clone(), record.kind.clone());
    let known = DRAWN
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .get(&key)
        .cloned();
    let stream = match known {
        Some(stream) => stream,
        None => {
            // Drawn on a scratch document, so that every page takes the seal the same way and
            // the same certificate always makes the same bytes.
            let mut scratch = Document::new();
            let mut page = scratch.start_page();
            let mut surface = page.surface();
            let mut builder = surface.stream_builder();
            let mut inner = builder.surface();
            draw_seal(&mut inner, metrics, font, record);
            inner.finish();
            let stream = builder.finish();
            let mut drawn = DRAWN.lock().unwrap_or_else(PoisonError::into_inner);
            if drawn.len() >= MAX_SEALS {
                drawn.clear();
            }
            drawn.insert(key, stream.clone());
            stream
        }
    };
    Graphic::new(stream, false)
}

/// Draw the seal centred at the origin, in opaque ink (the page multiplies it with what lies
/// under it).
///
/// Only paths and colours: the drawing is reused on other documents, where a graphics-state
/// resource (an opacity, a blend mode) would point at an object of the document it was drawn
/// on — which is why the blend mode is set on the page around it (`render`).
fn draw_seal(surface: &mut Surface, metrics: &Metrics, font: &Font, record: &SealRecord) {
    let drawing = layout_seal(metrics, &record.name, &record.kind);

    let mut pb = PathBuilder::new();
    circle(&mut pb, 0.0, 0.0, drawing.ring_radius);
    if let Some(path) = pb.finish() {
        surface.set_fill(None);
        surface.set_stroke(Some(Stroke {
            paint: red().into(),
            width: drawing.ring_width,
            ..Stroke::default()
        }));
        surface.draw_path(&path);
        surface.set_stroke(None);
    }

    let mut pb = PathBuilder::new();
    for (i, &(x, y)) in drawing.star.iter().enumerate() {
        if i == 0 {
            pb.move_to(x, y);
        } else {
            pb.line_to(x, y);
        }
    }
    pb.close();
    surface.set_fill(Some(fill(red(), 1.0)));
    if let Some(path) = pb.finish() {
        surface.draw_path(&path);
    }

    // A hairline stroke in the same ink thickens the serif strokes, as a rubber stamp does.
    // Opaque, so that each letter's outline is one path filled and stroked at once: with a
    // stroke opacity krilla writes (and compresses) every outline twice, once per paint.
    surface.set_stroke(Some(Stroke {
        paint: red().into(),
        width: 0.35,
        opacity: NormalizedF32::ONE,
        ..Stroke::default()
    }));
    for glyph in &drawing.glyphs {
        let text = glyph.ch.to_string();
        let glyphs = metrics.glyphs(&text);
        surface.push_transform(&transform(glyph.transform));
        // Outlined: the seal's letters are artwork, not text to select or extract.
        surface.draw_glyphs(
            Point::from_xy(0.0, 0.0),
            &glyphs,
            font.clone(),
            &text,
            glyph.size,
            true,
        );
        surface.pop();
    }
    surface.set_stroke(None);
    surface.set_fill(None);
}

/// A horizontal run of dark modules of a QR code: row, first column, length.
type QrRun = (usize, usize, usize);

/// The QR code of `text` (error correction M) as its width in modules and its runs of dark
/// modules.
pub(crate) fn qr_runs(text: &str) -> Result<(usize, Vec<QrRun>), SealError> {
    // A certificate's PDF and its OFD draw the same code one after the other on one thread:
    // the last code made is kept, so the second drawing does not encode and mask it again.
    thread_local! {
        static LAST: std::cell::RefCell<Option<(String, usize, Vec<QrRun>)>> =
            const { std::cell::RefCell::new(None) };
    }
    if let Some(hit) = LAST.with_borrow(|last| {
        last.as_ref()
            .filter(|(t, _, _)| t == text)
            .map(|(_, w, runs)| (*w, runs.clone()))
    }) {
        return Ok(hit);
    }
    let (width, runs) = encode_qr_runs(text)?;
    LAST.set(Some((text.to_owned(), width, runs.clone())));
    Ok((width, runs))
}

fn encode_qr_runs(text: &str) -> Result<(usize, Vec<QrRun>), SealError> {
    // No mask given: the builder chooses the one with the lowest penalty (ISO/IEC 18004 7.8).
    let code = fast_qr::QRBuilder::new(text.as_bytes())
        .ecl(fast_qr::ECL::M)
        .build()
        .map_err(|_| SealError::QrCode)?;
    let width = code.size;
    let mut runs = Vec::new();
    for row in 0..width {
        let modules = &code[row];
        let mut col = 0;
        while col < width {
            if modules[col].value() {
                let start = col;
                while col < width && modules[col].value() {
                    col += 1;
                }
                runs.push((row, start, col - start));
            } else {
                col += 1;
            }
        }
    }
    Ok((width, runs))
}

/// The QR code of `text` as a standalone SVG image (one path of the dark runs, a four-module
/// quiet zone), `pixels` wide, for a web page to show inline (e.g. an `otpauth://` URI to scan).
pub fn qr_svg(text: &str, pixels: u32) -> Result<String, SealError> {
    let (width, runs) = qr_runs(text)?;
    let side = width + 8;
    let mut d = String::with_capacity(runs.len() * 16);
    for (row, start, len) in runs {
        d.push_str(&format!("M{} {}h{len}v1h-{len}z", start + 4, row + 4));
    }
    Ok(format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {side} {side}\" width=\"{pixels}\" \
         height=\"{pixels}\" shape-rendering=\"crispEdges\" role=\"img\" aria-label=\"二维码\">\
         <rect width=\"{side}\" height=\"{side}\" fill=\"#fff\"/><path d=\"{d}\" fill=\"#000\"/></svg>"
    ))
}

/// Draw the QR code of `url` with its top-left corner at (`x`, `y`), `size` points wide.
///
/// Drawn in a coordinate system of one unit per module, so that each horizontal run of dark
/// modules is a rectangle of small integers (`3 5 2 1 re`): a third of the bytes of the same
/// rectangles in page coordinates, for the page's content stream to compress.
fn draw_qr(surface: &mut Surface, url: &str, x: f32, y: f32, size: f32) -> Result<(), SealError> {
    let (width, runs) = qr_runs(url)?;
    let module = size / width as f32;
    let mut pb = PathBuilder::new();
    for (row, start, len) in runs {
        if let Some(rect) = Rect::from_xywh(start as f32, row as f32, len as f32, 1.0) {
            pb.push_rect(rect);
        }
    }
    surface.push_transform(&Transform::from_row(module, 0.0, 0.0, module, x, y));
    surface.set_fill(Some(fill(rgb::Color::black(), 1.0)));
    if let Some(path) = pb.finish() {
        surface.draw_path(&path);
    }
    surface.set_fill(None);
    surface.pop();
    Ok(())
}

/// Render a certificate as a one-page A4 PDF.
///
/// Layout: the type name as title, "编号：serial" under it on the right, the body paragraphs
/// (first lines indented two characters, wrapped to the text width), the community name and
/// the date (`2026年11月28日`) at the bottom right with the red seal over them, and a QR code of
/// `verify_url` at the bottom left with the caption "扫码或访问 {verify_url} 核验" and
/// "核验码：{check_code}". The font is a subset of Noto Serif CJK SC embedded in the file.
///
/// A formal certificate (`opts.sample == false`) needs `opts.key`, the seal key: its digest and
/// signature are checked first ([`SealError::KeyMismatch`], [`SealError::InvalidSignature`]),
/// the [`SealedCertificate`] JSON is embedded as `certificate.json`, and after the PDF's
/// `%%EOF` a last line `%JIANFU-SM2 <hex>\n` is appended: the seal key's SM2 signature over
/// `jianfu-pdf-v1\n` followed by the SM3 digest of all bytes before that line. PDF readers
/// ignore the comment; [`crate::verify_file`] checks it, so any changed byte is detected.
///
/// A sample carries a large light "样本" watermark, no embedded data and no file signature.
pub fn render_pdf(doc: &SealedCertificate, opts: &RenderOptions<'_>) -> Result<Vec<u8>, SealError> {
    let content = &doc.content;
    let record = &doc.seal.record;
    let key = if opts.sample {
        None
    } else {
        let key = opts.key.ok_or(SealError::SigningKeyRequired)?;
        if key.public_key() != record.public_key {
            return Err(SealError::KeyMismatch);
        }
        let bytes = content.canonical_bytes();
        if doc.algorithm != ALGORITHM
            || !sm3_hex(&bytes).eq_ignore_ascii_case(&doc.digest)
            || !record.public_key.verify_hex(&bytes, &doc.signature)
        {
            return Err(SealError::InvalidSignature);
        }
        Some(key)
    };
    render(doc, key, key.is_some())
}

/// Seals `content` with [`seal_certificate`] and renders the formal, signed PDF of the result,
/// as [`render_pdf`] with [`RenderOptions::signed`] would: what issuing a certificate does.
/// The document was signed with `key` a moment before, so its signature is not verified a
/// second time before the file is signed (one SM2 verification fewer per certificate).
pub fn seal_and_render(
    content: CertificateContent,
    seal: &SignedSealRecord,
    key: &SealKey,
) -> Result<(SealedCertificate, Vec<u8>), SealError> {
    let doc = seal_certificate(content, seal, key)?;
    let pdf = render(&doc, Some(key), true)?;
    Ok((doc, pdf))
}

/// As [`seal_and_render`], but the PDF has no `%JIANFU-SM2` file signature line: for a PDF
/// that [`crate::pdf_sign::sign_pdf`] signs next, whose signature field covers every byte of
/// it (the line would be a second signature over the same bytes). Such a file is verified
/// with [`crate::pdf_sign::verify_pdf_signature`] and then [`crate::verify_embedded`].
pub fn seal_and_render_for_signature_field(
    content: CertificateContent,
    seal: &SignedSealRecord,
    key: &SealKey,
) -> Result<(SealedCertificate, Vec<u8>), SealError> {
    let doc = seal_certificate(content, seal, key)?;
    let pdf = render(&doc, Some(key), false)?;
    Ok((doc, pdf))
}

/// One line of text on the page: its baseline start, size and text.
#[derive(Clone, Debug)]
pub(crate) struct PlacedLine {
    /// Left end of the baseline, points from the left edge.
    pub(crate) x: f32,
    /// Baseline, points from the top edge.
    pub(crate) y: f32,
    /// Font size in points.
    pub(crate) size: f32,
    pub(crate) text: String,
}

/// Where everything of a certificate goes on the A4 page (points, origin at the top left, y
/// down): what the PDF draws and the OFD writes, so that both show the same page.
#[derive(Clone, Debug)]
pub(crate) struct PageLayout {
    /// Title, serial, body, community name and date, in black.
    pub(crate) lines: Vec<PlacedLine>,
    /// The caption under the QR code, in dark grey.
    pub(crate) captions: Vec<PlacedLine>,
    /// Top-left corner of the QR code and its side.
    pub(crate) qr: (f32, f32, f32),
    /// Centre of the seal.
    pub(crate) seal_centre: (f32, f32),
}

/// The page's width and height in points (A4).
pub(crate) const PAGE_SIZE: (f32, f32) = (PAGE_W, PAGE_H);
/// Dark grey of the caption under the QR code.
pub(crate) const CAPTION_GREY: (u8, u8, u8) = (0x33, 0x33, 0x33);

/// Lay out `content` on the page; [`SealError::TextTooLong`] when it does not fit. The caller
/// has checked that the font prints every character.
pub(crate) fn page_layout(
    content: &CertificateContent,
    metrics: &Metrics,
) -> Result<PageLayout, SealError> {
    let date = chinese_date(&content.issued_on)?;
    let mut lines = Vec::new();
    let title_lines = wrap(
        metrics,
        &content.type_name,
        TEXT_W / TITLE_SIZE,
        TEXT_W / TITLE_SIZE,
    );
    let title_last = TITLE_BASELINE + (title_lines.len() as f32 - 1.0) * TITLE_SIZE * 1.4;
    for (i, line) in title_lines.into_iter().enumerate() {
        let w = metrics.width(&line) * TITLE_SIZE;
        lines.push(PlacedLine {
            x: (PAGE_W - w) / 2.0,
            y: TITLE_BASELINE + i as f32 * TITLE_SIZE * 1.4,
            size: TITLE_SIZE,
            text: line,
        });
    }
    let serial_text = format!("编号：{}", content.serial);
    let serial_baseline = title_last + 34.0;
    let serial_w = metrics.width(&serial_text) * SERIAL_SIZE;
    lines.push(PlacedLine {
        x: PAGE_W - MARGIN_X - serial_w,
        y: serial_baseline,
        size: SERIAL_SIZE,
        text: serial_text,
    });
    let body_first = serial_baseline + 46.0;
    let mut body_count = 0usize;
    for paragraph in content.body.split('\n') {
        let paragraph = paragraph.trim_end_matches('\r').trim();
        if paragraph.is_empty() {
            continue;
        }
        let width = TEXT_W / BODY_SIZE;
        for (i, line) in wrap(metrics, paragraph, width - 2.0, width)
            .into_iter()
            .enumerate()
        {
            let indent = if i == 0 { 2.0 * BODY_SIZE } else { 0.0 };
            lines.push(PlacedLine {
                x: MARGIN_X + indent,
                y: body_first + body_count as f32 * LINE_H,
                size: BODY_SIZE,
                text: line,
            });
            body_count += 1;
        }
    }
    let body_last = body_first + (body_count.max(1) as f32 - 1.0) * LINE_H;

    let right = PAGE_W - MARGIN_X - 2.0 * BODY_SIZE;
    let name_w = metrics.width(&content.community_name) * BODY_SIZE;
    let date_w = metrics.width(&date) * BODY_SIZE;
    if name_w.max(date_w) > TEXT_W - 2.0 * BODY_SIZE {
        return Err(SealError::TextTooLong);
    }
    let name_baseline = body_last + 2.5 * LINE_H;
    let date_baseline = name_baseline + LINE_H;
    let block_left = right - name_w.max(date_w);
    let seal_cx = right - name_w.max(date_w) / 2.0;
    let seal_cy = name_baseline + LINE_H / 2.0 - 0.38 * BODY_SIZE;
    // The seal may come down beside the QR code, but not onto its caption; the signature
    // lines may only do so if they stay clear of the QR code horizontally.
    let caption_top = QR_TOP + QR_SIZE + 6.0;
    let clear_of_qr = block_left > MARGIN_X + QR_SIZE + 12.0
        && seal_cx - crate::seal::RADIUS > MARGIN_X + QR_SIZE + 6.0;
    let lowest = if clear_of_qr {
        caption_top
    } else {
        QR_TOP - 8.0
    };
    if seal_cy + crate::seal::RADIUS > lowest || date_baseline + 6.0 > lowest {
        return Err(SealError::TextTooLong);
    }
    lines.push(PlacedLine {
        x: right - name_w,
        y: name_baseline,
        size: BODY_SIZE,
        text: content.community_name.clone(),
    });
    lines.push(PlacedLine {
        x: right - date_w,
        y: date_baseline,
        size: BODY_SIZE,
        text: date,
    });
    let caption = format!("扫码或访问 {} 核验", content.verify_url);
    let mut caption_lines = wrap(
        metrics,
        &caption,
        TEXT_W / CAPTION_SIZE,
        TEXT_W / CAPTION_SIZE,
    );
    caption_lines.push(format!("核验码：{}", content.check_code));
    let caption_first = QR_TOP + QR_SIZE + 18.0;
    let footer_baseline = PAGE_H - 28.0;
    let caption_last = caption_first + (caption_lines.len() as f32 - 1.0) * CAPTION_LINE_H;
    if caption_last > footer_baseline - 10.0 {
        return Err(SealError::TextTooLong);
    }
    let captions = caption_lines
        .into_iter()
        .enumerate()
        .map(|(i, text)| PlacedLine {
            x: MARGIN_X,
            y: caption_first + i as f32 * CAPTION_LINE_H,
            size: CAPTION_SIZE,
            text,
        })
        .collect();
    Ok(PageLayout {
        lines,
        captions,
        qr: (MARGIN_X, QR_TOP, QR_SIZE),
        seal_centre: (seal_cx, seal_cy),
    })
}

/// Lays out and draws `doc`; with `key`, a formal certificate (embedded JSON, file signature),
/// without, a sample. The caller has checked the document against the key.
/// The certificate's PDF: a sample without `key`; with it, the JSON embedded and, when
/// `file_signature`, the `%JIANFU-SM2` line signed with it.
fn render(
    doc: &SealedCertificate,
    key: Option<&SealKey>,
    file_signature: bool,
) -> Result<Vec<u8>, SealError> {
    let content = &doc.content;
    let record = &doc.seal.record;
    let sample = key.is_none();
    check_printable(&printed_texts(content, record))?;
    let metrics = Metrics::load()?;
    let font = pdf_font()?;
    // Lay out everything first, so that overflow is an error before anything is drawn.
    let layout = page_layout(content, &metrics)?;
    let footer_baseline = PAGE_H - 28.0;

    let mut document = Document::new();
    let mut metadata = Metadata::new()
        .title(content.type_name.clone())
        .creator("jianfu".to_string())
        .language("zh-CN".to_string());
    if let Some((y, m, d)) = date_parts(&content.issued_on) {
        metadata = metadata.creation_date(DateTime::new(y as u16).month(m as u8).day(d as u8));
    }
    document.set_metadata(metadata);
    {
        let settings = PageSettings::from_wh(PAGE_W, PAGE_H)
            .ok_or_else(|| SealError::Pdf("页面尺寸无效".into()))?;
        let mut page = document.start_page_with(settings);
        let mut surface = page.surface();
        surface.set_fill(Some(fill(rgb::Color::black(), 1.0)));
        for line in &layout.lines {
            draw_line(
                &mut surface,
                &metrics,
                &font,
                line.x,
                line.y,
                line.size,
                &line.text,
            );
        }
        let (qr_x, qr_y, qr_size) = layout.qr;
        draw_qr(&mut surface, &content.verify_url, qr_x, qr_y, qr_size)?;
        let (r, g, b) = CAPTION_GREY;
        surface.set_fill(Some(fill(rgb::Color::new(r, g, b), 1.0)));
        for line in &layout.captions {
            draw_line(
                &mut surface,
                &metrics,
                &font,
                line.x,
                line.y,
                line.size,
                &line.text,
            );
        }
        let (seal_cx, seal_cy) = layout.seal_centre;

        let seal = seal_graphic(&metrics, &font, record);
        surface.push_blend_mode(BlendMode::Multiply);
        surface.push_transform(&Transform::from_translate(seal_cx, seal_cy));
        surface.draw_graphic(seal);
        surface.pop();
        surface.pop();

        if sample {
            let mark = "样本";
            let size = 180.0;
            let w = metrics.width(mark) * size;
            surface.set_fill(Some(fill(rgb::Color::new(0xC8, 0x32, 0x32), 0.13)));
            let t = Affine::translate(PAGE_W / 2.0, PAGE_H / 2.0)
                .then_inner(Affine::rotate(-30f32.to_radians()))
                .then_inner(Affine::translate(-w / 2.0, 0.38 * size));
            surface.push_transform(&transform(t));
            draw_line(&mut surface, &metrics, &font, 0.0, 0.0, size, mark);
            surface.pop();
            let note = "样本 · 仅供参考，不具证明效力";
            let note_w = metrics.width(note) * 10.0;
            surface.set_fill(Some(fill(red(), 1.0)));
            draw_line(
                &mut surface,
                &metrics,
                &font,
                (PAGE_W - note_w) / 2.0,
                footer_baseline,
                10.0,
                note,
            );
        }
        surface.finish();
        page.finish();
    }

    if key.is_some() {
        let json = serde_json::to_vec_pretty(doc).map_err(|e| SealError::Pdf(e.to_string()))?;
        let file = EmbeddedFile {
            path: EMBEDDED_FILE_NAME.to_string(),
            mime_type: MimeType::new("application/json"),
            description: Some("电子印章证明数据（SealedCertificate JSON）".to_string()),
            association_kind: AssociationKind::Data,
            data: json.into(),
            modification_date: None,
            compress: Some(false),
            location: None,
        };
        document
            .embed_file(file)
            .ok_or_else(|| SealError::Pdf("无法嵌入证明数据".into()))?;
    }
    let pdf = document.finish();
    // krilla's memo keeps what this render computed (stream compressions, font subsets, glyph
    // boxes); forget whatever the last `MEMO_RENDERS` renders did not use, so memory stays
    // bounded while a seal's drawing, used on every certificate it stamps, is compressed once.
    comemo::evict(MEMO_RENDERS);
    let mut pdf = pdf.map_err(|e| SealError::Pdf(format!("{e:?}")))?;

    if let Some(key) = key.filter(|_| file_signature) {
        if pdf.last() != Some(&b'\n') {
            pdf.push(b'\n');
        }
        let signature = key.sign_raw(&file_message(&pdf));
        pdf.extend_from_slice(FILE_SIGNATURE_PREFIX);
        pdf.extend_from_slice(hex::encode(signature).as_bytes());
        pdf.push(b'\n');
    }
    Ok(pdf)
}

#[cfg(test)]
mod qr_tests {
    use super::*;

    /// The SVG draws every dark module of the code once, inside a four-module quiet zone.
    #[test]
    fn qr_svg_draws_every_dark_module() {
        let uri =
            "otpauth://totp/jianfu:worker?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=jianfu";
        let code = fast_qr::QRBuilder::new(uri.as_bytes())
            .ecl(fast_qr::ECL::M)
            .build()
            .unwrap();
        let dark: usize = (0..code.size)
            .map(|r| (0..code.size).filter(|c| code[r][*c].value()).count())
            .sum();
        let (width, runs) = qr_runs(uri).unwrap();
        assert_eq!(width, code.size);
        assert_eq!(runs.iter().map(|r| r.2).sum::<usize>(), dark);
        let svg = qr_svg(uri, 220).unwrap();
        let side = width + 8;
        assert!(svg.starts_with("<svg "), "{svg}");
        assert!(svg.contains(&format!("viewBox=\"0 0 {side} {side}\"")));
        assert_eq!(svg.matches('z').count(), runs.len(), "one subpath per run");
    }
}
