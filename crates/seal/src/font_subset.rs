//! A subset of the embedded font for a document that names its text by Unicode (OFD): the
//! glyphs of the characters it prints, with a `cmap` so that any reader maps the text to them.
//!
//! `subsetter` (the subsetter krilla uses for the PDF) keeps the outlines, `head`, `hhea`,
//! `hmtx`, `maxp`, `name` and `post` of the glyphs asked for, renumbered, and drops `cmap` and
//! `OS/2`, as a PDF addresses glyphs by number. An OFD `TextObject` gives Unicode text
//! (`TextCode`), so [`subset_for_text`] adds a `cmap` (format 4, Windows Unicode BMP; the
//! shipped font covers only the BMP) from each character to its new glyph number, copies `OS/2`
//! from the full font, and writes a fresh table directory with the checksums and
//! `head.checkSumAdjustment` of the OpenType specification.

use std::collections::BTreeMap;

use crate::error::SealError;
use crate::layout::{FONT_BYTES, Metrics};

/// The tables of an OpenType font: (tag, bytes), as the table directory lists them.
fn tables(font: &[u8]) -> Option<Vec<([u8; 4], &[u8])>> {
    let count = usize::from(u16::from_be_bytes(font.get(4..6)?.try_into().ok()?));
    (0..count)
        .map(|i| {
            let rec = font.get(12 + 16 * i..28 + 16 * i)?;
            let tag: [u8; 4] = rec[..4].try_into().ok()?;
            let offset = u32::from_be_bytes(rec[8..12].try_into().ok()?) as usize;
            let len = u32::from_be_bytes(rec[12..16].try_into().ok()?) as usize;
            Some((tag, font.get(offset..offset.checked_add(len)?)?))
        })
        .collect()
}

/// The OpenType table checksum: the sum of the big-endian u32 words, zero-padded.
fn checksum(data: &[u8]) -> u32 {
    data.chunks(4).fold(0u32, |sum, chunk| {
        let mut word = [0u8; 4];
        word[..chunk.len()].copy_from_slice(chunk);
        sum.wrapping_add(u32::from_be_bytes(word))
    })
}

/// `searchRange`, `entrySelector`, `rangeShift` for `n` items of `unit` bytes (the binary
/// search header of the table directory and of cmap format 4).
fn search_header(n: u16, unit: u16) -> [u16; 3] {
    let mut power = 1u16;
    let mut log = 0u16;
    while power.saturating_mul(2) <= n {
        power *= 2;
        log += 1;
    }
    [power * unit, log, n * unit - power * unit]
}

/// A `cmap` table with one format 4 subtable (platform 3, encoding 1) mapping each character
/// to its glyph; one segment per character, then the closing 0xFFFF segment.
fn cmap(map: &BTreeMap<u16, u16>) -> Vec<u8> {
    let mut segments: Vec<(u16, u16)> = map.iter().map(|(&c, &g)| (c, g)).collect();
    segments.push((0xFFFF, 0));
    let seg_count = segments.len() as u16;
    let length = 16 + 8 * seg_count;
    let mut sub = Vec::with_capacity(usize::from(length));
    let [range, selector, shift] = search_header(seg_count, 2);
    for v in [4, length, 0, seg_count * 2, range, selector, shift] {
        sub.extend_from_slice(&v.to_be_bytes());
    }
    for &(c, _) in &segments {
        sub.extend_from_slice(&c.to_be_bytes()); // endCode
    }
    sub.extend_from_slice(&0u16.to_be_bytes()); // reservedPad
    for &(c, _) in &segments {
        sub.extend_from_slice(&c.to_be_bytes()); // startCode
    }
    for &(c, g) in &segments {
        // idDelta: glyph = (c + idDelta) mod 65536; the closing segment maps to glyph 0.
        let delta = if c == 0xFFFF { 1 } else { g.wrapping_sub(c) };
        sub.extend_from_slice(&delta.to_be_bytes());
    }
    for _ in &segments {
        sub.extend_from_slice(&0u16.to_be_bytes()); // idRangeOffset
    }
    let mut out = Vec::with_capacity(12 + sub.len());
    for v in [0u16, 1, 3, 1] {
        out.extend_from_slice(&v.to_be_bytes());
    }
    out.extend_from_slice(&12u32.to_be_bytes());
    out.extend_from_slice(&sub);
    out
}

/// A font file from `tables` (sorted by tag here) with a fresh directory and checksums.
fn assemble(sfnt_version: [u8; 4], mut tables: Vec<([u8; 4], Vec<u8>)>) -> Vec<u8> {
    tables.sort_by_key(|t| t.0);
    let n = tables.len() as u16;
    let mut out = Vec::new();
    out.extend_from_slice(&sfnt_version);
    out.extend_from_slice(&n.to_be_bytes());
    for v in search_header(n, 16) {
        out.extend_from_slice(&v.to_be_bytes());
    }
    let mut offset = 12 + 16 * tables.len();
    let mut head_at = None;
    for (tag, data) in &mut tables {
        if tag == b"head" && data.len() >= 12 {
            data[8..12].fill(0); // checkSumAdjustment, computed over the whole file below
            head_at = Some(offset);
        }
        out.extend_from_slice(tag);
        out.extend_from_slice(&checksum(data).to_be_bytes());
        out.extend_from_slice(&(offset as u32).to_be_bytes());
        out.extend_from_slice(&(data.len() as u32).to_be_bytes());
        offset += data.len().div_ceil(4) * 4;
    }
    for (_, data) in &tables {
        out.extend_from_slice(data);
        out.resize(out.len().div_ceil(4) * 4, 0);
    }
    if let Some(at) = head_at {
        let adjustment = 0xB1B0_AFBAu32.wrapping_sub(checksum(&out));
        out[at + 8..at + 12].copy_from_slice(&adjustment.to_be_bytes());
    }
    out
}

/// The embedded font reduced to the glyphs of `text`, with a `cmap` for them (see the module
/// documentation). Characters the font lacks and characters outside the BMP are left out (the
/// callers have checked the text with [`crate::layout::check_printable`]).
pub(crate) fn subset_for_text(
    metrics: &Metrics,
    text: impl IntoIterator<Item = char>,
) -> Result<Vec<u8>, SealError> {
    let mut remapper = subsetter::GlyphRemapper::new();
    let mut map = BTreeMap::new();
    for c in text {
        let (Ok(code), Some(glyph)) = (u16::try_from(u32::from(c)), metrics.glyph(c)) else {
            continue;
        };
        let Ok(glyph) = u16::try_from(glyph.to_u32()) else {
            continue;
        };
        map.insert(code, remapper.remap(glyph));
    }
    let broken = |what: &str| SealError::Pdf(format!("字体子集生成失败：{what}"));
    let subset = subsetter::subset(FONT_BYTES, 0, &remapper).map_err(|e| broken(&e.to_string()))?;
    let version: [u8; 4] = subset
        .get(..4)
        .and_then(|v| v.try_into().ok())
        .ok_or_else(|| broken("no header"))?;
    let mut out: Vec<([u8; 4], Vec<u8>)> = tables(&subset)
        .ok_or_else(|| broken("table directory"))?
        .into_iter()
        .filter(|(tag, _)| tag != b"cmap" && tag != b"OS/2")
        .map(|(tag, data)| (tag, data.to_vec()))
        .collect();
    out.push((*b"cmap", cmap(&map)));
    if let Some((_, os2)) = tables(FONT_BYTES)
        .ok_or_else(|| broken("table directory of the full font"))?
        .into_iter()
        .find(|(tag, _)| tag == b"OS/2")
    {
        out.push((*b"OS/2", os2.to_vec()));
    }
    Ok(assemble(version, out))
}

#[cfg(test)]
mod tests {
    use super::*;
    use skrifa::MetadataProvider;

    #[test]
    fn the_subset_maps_every_character_of_the_text_to_the_same_outline_and_advance() {
        let metrics = Metrics::load().unwrap();
        let text = "亲属关系证明 ZM-2026-000123 编号：核验码（）";
        let bytes = subset_for_text(&metrics, text.chars()).unwrap();
        assert!(
            bytes.len() < 64 * 1024,
            "a few glyphs, not the whole font: {} bytes",
            bytes.len()
        );
        let font = skrifa::FontRef::new(&bytes).expect("an OpenType font");
        let charmap = font.charmap();
        let full = skrifa::FontRef::new(FONT_BYTES).unwrap();
        let size = skrifa::instance::Size::unscaled();
        let loc = skrifa::instance::LocationRef::default();
        let (sub_adv, full_adv) = (font.glyph_metrics(size, loc), full.glyph_metrics(size, loc));
        for c in text.chars() {
            let g = charmap.map(c).unwrap_or_else(|| panic!("{c} is mapped"));
            assert_ne!(g.to_u32(), 0, "{c}");
            let orig = full.charmap().map(c).unwrap();
            assert_eq!(
                sub_adv.advance_width(g),
                full_adv.advance_width(orig),
                "{c}"
            );
        }
        // A character not in the text has no glyph.
        assert!(charmap.map('龙').is_none_or(|g| g.to_u32() == 0));
        // The checksums hold: each table's, and the whole file's with the head adjustment.
        for (tag, data) in tables(&bytes).unwrap() {
            let n = usize::from(u16::from_be_bytes([bytes[4], bytes[5]]));
            let rec = (0..n)
                .map(|i| &bytes[12 + 16 * i..28 + 16 * i])
                .find(|r| r[..4] == tag)
                .unwrap();
            let mut d = data.to_vec();
            if &tag == b"head" {
                d[8..12].fill(0);
            }
            assert_eq!(checksum(&d).to_be_bytes(), rec[4..8], "{tag:?}");
        }
        assert_eq!(checksum(&bytes), 0xB1B0_AFBA);
        let names: Vec<[u8; 4]> = tables(&bytes).unwrap().iter().map(|t| t.0).collect();
        for t in [
            b"CFF ", b"OS/2", b"cmap", b"head", b"hhea", b"hmtx", b"maxp",
        ] {
            assert!(names.contains(t), "{t:?} in {names:?}");
        }
    }

    #[test]
    fn search_headers_follow_the_specification() {
        assert_eq!(search_header(1, 16), [16, 0, 0]);
        assert_eq!(search_header(9, 16), [128, 3, 16]);
        assert_eq!(search_header(39, 2), [64, 5, 14]);
        assert_eq!(search_header(2, 2), [4, 1, 0]);
    }

    #[test]
    fn the_cmap_maps_by_delta_and_ends_with_ffff() {
        let map = BTreeMap::from([(0x41u16, 3u16), (0x4E00, 1)]);
        let t = cmap(&map);
        // header, one encoding record (3, 1) at offset 12
        assert_eq!(&t[..12], &[0, 0, 0, 1, 0, 3, 0, 1, 0, 0, 0, 12]);
        let sub = &t[12..];
        let word = |i: usize| u16::from_be_bytes([sub[2 * i], sub[2 * i + 1]]);
        assert_eq!((word(0), word(1), word(3)), (4, 16 + 8 * 3, 6));
        // endCode 0x41 0x4E00 0xFFFF, pad, startCode, idDelta
        assert_eq!(
            (word(7), word(8), word(9), word(10)),
            (0x41, 0x4E00, 0xFFFF, 0)
        );
        assert_eq!((word(11), word(12), word(13)), (0x41, 0x4E00, 0xFFFF));
        assert_eq!(word(14), 3u16.wrapping_sub(0x41));
        assert_eq!(word(15), 1u16.wrapping_sub(0x4E00));
        assert_eq!(word(16), 1);
        assert_eq!(sub.len(), 16 + 8 * 3);
    }
}
