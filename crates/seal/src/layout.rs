//! The embedded font, character coverage, glyph measurement and line breaking.
//!
//! We lay out text ourselves (no shaping engine): one glyph per character from the font's
//! `cmap`, advanced by its `hmtx` width. That is exact for CJK text and fine for the ASCII in
//! serials and URLs, and it lets us measure lines with the same numbers we draw with.

use std::sync::OnceLock;

use krilla::text::{Font, GlyphId, KrillaGlyph};
use skrifa::instance::{LocationRef, Size};
use skrifa::metrics::GlyphMetrics;
use skrifa::{FontRef, MetadataProvider};

use crate::error::SealError;

/// Noto Serif CJK SC subset (ASCII, CJK punctuation, full-width forms, GB 2312); see
/// `fonts/make-subset.py` and `fonts/OFL.txt`.
pub(crate) static FONT_BYTES: &[u8] = include_bytes!("../fonts/NotoSerifSC-GB2312-subset.otf");

/// The krilla font, parsed once per process (parsing hashes the 4 MB font).
pub(crate) fn pdf_font() -> Result<Font, SealError> {
    static FONT: OnceLock<Option<Font>> = OnceLock::new();
    FONT.get_or_init(|| Font::new(krilla::Data::from(FONT_BYTES), 0))
        .clone()
        .ok_or_else(|| SealError::Pdf("内置字体无法解析".to_string()))
}

/// Read access to the font's tables for measuring and outlining glyphs.
pub(crate) struct Metrics {
    pub(crate) font: FontRef<'static>,
    charmap: skrifa::charmap::Charmap<'static>,
    glyph_metrics: GlyphMetrics<'static>,
    units_per_em: f32,
}

impl Metrics {
    pub(crate) fn load() -> Result<Metrics, SealError> {
        let font = FontRef::new(FONT_BYTES)
            .map_err(|e| SealError::Pdf(format!("内置字体无法读取：{e}")))?;
        let charmap = font.charmap();
        let glyph_metrics = font.glyph_metrics(Size::unscaled(), LocationRef::default());
        let units_per_em = f32::from(
            font.metrics(Size::unscaled(), LocationRef::default())
                .units_per_em,
        );
        Ok(Metrics {
            font,
            charmap,
            glyph_metrics,
            units_per_em,
        })
    }

    /// Glyph of `c`, if the font has one.
    pub(crate) fn glyph(&self, c: char) -> Option<skrifa::GlyphId> {
        self.charmap.map(c).filter(|g| g.to_u32() != 0)
    }

    /// Advance of `c` in em (1.0 = font size); `None` when the font lacks `c`.
    pub(crate) fn advance(&self, c: char) -> Option<f32> {
        let gid = self.glyph(c)?;
        Some(
            self.glyph_metrics
                .advance_width(gid)
                .unwrap_or(self.units_per_em)
                / self.units_per_em,
        )
    }

    /// Width of `text` in em.
    pub(crate) fn width(&self, text: &str) -> f32 {
        text.chars().filter_map(|c| self.advance(c)).sum()
    }

    /// krilla glyphs for `text` (every character must be covered; uncovered ones are skipped,
    /// which [`check_printable`] rules out beforehand).
    pub(crate) fn glyphs(&self, text: &str) -> Vec<KrillaGlyph> {
        text.char_indices()
            .filter_map(|(i, c)| {
                let gid = self.glyph(c)?;
                let adv = self.advance(c)?;
                Some(KrillaGlyph::new(
                    GlyphId::new(gid.to_u32()),
                    adv,
                    0.0,
                    0.0,
                    0.0,
                    i..i + c.len_utf8(),
                    None,
                ))
            })
            .collect()
    }
}

/// Characters treated as layout rather than printed: paragraph breaks and carriage returns
/// (tabs are printed as spaces).
fn is_layout_control(c: char) -> bool {
    matches!(c, '\n' | '\r')
}

/// Check that every character of `texts` can be printed with the embedded font.
/// Errors with [`SealError::UnsupportedCharacters`] listing each missing character once.
pub(crate) fn check_printable(texts: &[&str]) -> Result<(), SealError> {
    let metrics = Metrics::load()?;
    let mut missing = String::new();
    for text in texts {
        for c in text.chars() {
            if is_layout_control(c) || c == '\t' {
                continue;
            }
            if metrics.glyph(c).is_none() && !missing.contains(c) {
                if !missing.is_empty() {
                    missing.push('、');
                }
                missing.push(c);
            }
        }
    }
    if missing.is_empty() {
        Ok(())
    } else {
        // Name the code points too: a missing character may be invisible or look like another.
        let described: Vec<String> = missing
            .split('、')
            .filter_map(|s| s.chars().next())
            .map(|c| {
                if c.is_control() || c.is_whitespace() {
                    format!("U+{:04X}", u32::from(c))
                } else {
                    format!("“{c}”(U+{:04X})", u32::from(c))
                }
            })
            .collect();
        Err(SealError::UnsupportedCharacters(described.join("、")))
    }
}

/// Characters that may not start a line (Chinese line-breaking rules, 避头点).
fn no_line_start(c: char) -> bool {
    "，。、；：？！）》」』】〕〉”’…—·%,.;:?!)]}".contains(c)
}

/// Characters that may not end a line (避尾点).
fn no_line_end(c: char) -> bool {
    "（《「『【〔〈“‘([{".contains(c)
}

/// A unit that is never split across lines unless it is longer than a whole line: a run of
/// ASCII letters/digits/punctuation (a word, number, URL), a space, or any other single char.
fn units(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start = None::<usize>;
    for (i, c) in text.char_indices() {
        let wordish = c.is_ascii_graphic();
        match (start, wordish) {
            (None, true) => start = Some(i),
            (Some(_), true) => {}
            (Some(s), false) => {
                out.push(&text[s..i]);
                start = None;
                out.push(&text[i..i + c.len_utf8()]);
            }
            (None, false) => out.push(&text[i..i + c.len_utf8()]),
        }
    }
    if let Some(s) = start {
        out.push(&text[s..]);
    }
    out
}

/// Break one paragraph into lines no wider than `width` em (the first line `first_width`).
/// CJK text breaks between any two characters, ASCII words stay together where they fit,
/// closing punctuation may hang past the margin rather than start a line, and opening
/// punctuation moves to the next line rather than end one.
pub(crate) fn wrap(metrics: &Metrics, text: &str, first_width: f32, width: f32) -> Vec<String> {
    let text: String = text
        .chars()
        .map(|c| if c == '\t' { ' ' } else { c })
        .collect();
    let mut lines: Vec<String> = Vec::new();
    let mut line = String::new();
    let mut line_w = 0.0f32;
    let limit = |lines: &Vec<String>| if lines.is_empty() { first_width } else { width };
    let push_line = |lines: &mut Vec<String>, line: &mut String, line_w: &mut f32| {
        let trimmed = line.trim_end_matches(' ').to_string();
        lines.push(trimmed);
        line.clear();
        *line_w = 0.0;
    };
    for unit in units(&text) {
        let unit_w = metrics.width(unit);
        if line_w + unit_w <= limit(&lines) + 1e-3 {
            line.push_str(unit);
            line_w += unit_w;
            continue;
        }
        if unit == " " {
            push_line(&mut lines, &mut line, &mut line_w);
            continue;
        }
        let first = unit.chars().next().unwrap_or(' ');
        if unit.chars().count() == 1 && no_line_start(first) && !line.is_empty() {
            // Hanging punctuation: let it overhang the margin.
            line.push_str(unit);
            push_line(&mut lines, &mut line, &mut line_w);
            continue;
        }
        if unit_w > width {
            // A word longer than a line: break it between characters.
            for c in unit.chars() {
                let cw = metrics.advance(c).unwrap_or(0.0);
                if line_w + cw > limit(&lines) + 1e-3 && !line.is_empty() {
                    push_line(&mut lines, &mut line, &mut line_w);
                }
                line.push(c);
                line_w += cw;
            }
            continue;
        }
        // Break before this unit; an opening bracket at the end of the line moves down with it.
        let mut carry = String::new();
        while let Some(last) = line.chars().last() {
            if no_line_end(last) && line.chars().count() > 1 {
                line.pop();
                carry.insert(0, last);
            } else {
                break;
            }
        }
        if !line.is_empty() {
            push_line(&mut lines, &mut line, &mut line_w);
        }
        let unit = unit.trim_start_matches(' ');
        line.push_str(&carry);
        line.push_str(unit);
        line_w = metrics.width(&line);
    }
    if !line.is_empty() || lines.is_empty() {
        push_line(&mut lines, &mut line, &mut line_w);
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gb2312_hanzi_and_punctuation_are_covered() {
        assert!(
            check_printable(&[
                "鞍山市铁东区和平社区居民委员会证明专用章，。（）《》“”：；ABCabc123"
            ])
            .is_ok()
        );
    }

    #[test]
    fn missing_characters_are_listed_once() {
        let err = check_printable(&["张𠀀三𠀀", "😀"]).unwrap_err();
        assert_eq!(err.code(), "unsupported_characters");
        let SealError::UnsupportedCharacters(list) = err else {
            panic!()
        };
        assert_eq!(list, "“𠀀”(U+20000)、“😀”(U+1F600)");
    }

    #[test]
    fn wraps_cjk_anywhere_and_keeps_ascii_words() {
        let m = Metrics::load().unwrap();
        let lines = wrap(
            &m,
            "兹证明张三同志身份证号码210302199001011234系我社区居民。",
            10.0,
            10.0,
        );
        for l in &lines {
            assert!(m.width(l) <= 10.0 + 1.0, "{l}");
        }
        assert!(
            lines.iter().any(|l| l.contains("210302199001011234")),
            "{lines:?}"
        );
        assert_eq!(
            lines.concat(),
            "兹证明张三同志身份证号码210302199001011234系我社区居民。"
        );
    }

    #[test]
    fn closing_punctuation_never_starts_a_line() {
        let m = Metrics::load().unwrap();
        // Exactly 4 em fit, the fifth character is a full stop: it hangs.
        let lines = wrap(&m, "一二三四。五六", 4.0, 4.0);
        assert_eq!(lines, vec!["一二三四。", "五六"]);
        let lines = wrap(&m, "一二三（四五", 4.0, 4.0);
        assert_eq!(lines, vec!["一二三", "（四五"]);
    }
}
