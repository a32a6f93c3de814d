//! The one check every free text passes before it is stored, whichever way it came in (JSON,
//! form, query, multipart, spreadsheet): control characters are refused (PostgreSQL rejects a
//! NUL byte with an internal error while SQLite stores it silently), and a text that holds only
//! invisible characters counts as empty. The server's extractors call [`check_chars`] on every
//! incoming string; the domain's field helpers call [`required`] / [`optional`].

use crate::{DomainError, Result};

/// Whether the text may span lines (a text area) or is a single-line field.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Lines {
    One,
    Many,
}

/// A character no text may hold: C0/C1 control characters (NUL, ESC, DEL, …), except newline,
/// carriage return and tab, which a text area may carry.
pub fn is_forbidden(c: char, lines: Lines) -> bool {
    match c {
        '\n' | '\r' | '\t' => lines == Lines::One,
        c => c.is_control(),
    }
}

/// A character that shows nothing: white space, zero-width characters, the byte-order mark,
/// bidirectional marks and other format characters (Unicode category Cf) that an input box can
/// hold without the user seeing anything.
pub fn is_invisible(c: char) -> bool {
    c.is_whitespace()
        || c.is_control()
        || matches!(c,
            '\u{00AD}' | '\u{034F}' | '\u{061C}' | '\u{115F}' | '\u{1160}' | '\u{17B4}' | '\u{17B5}'
            | '\u{180B}'..='\u{180F}' | '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}'
            | '\u{2060}'..='\u{206F}' | '\u{3164}' | '\u{FE00}'..='\u{FE0F}' | '\u{FEFF}'
            | '\u{FFA0}' | '\u{FFF0}'..='\u{FFF8}' | '\u{E0000}'..='\u{E007F}')
}

/// True when nothing visible remains once invisible characters are removed.
pub fn is_blank(s: &str) -> bool {
    s.chars().all(is_invisible)
}

/// The text without the invisible characters around it (what `str::trim` does for white space):
/// a text of invisible characters only becomes empty, so every "required" check sees it as such.
pub fn visible(s: &str) -> &str {
    s.trim_matches(is_invisible)
}

/// Refuses a text holding a forbidden character (see [`is_forbidden`]).
pub fn check_chars(s: &str, lines: Lines, field: &'static str, label: &str) -> Result<()> {
    if s.chars().any(|c| is_forbidden(c, lines)) {
        return Err(DomainError::field(
            field,
            "invalid_characters",
            if lines == Lines::One {
                format!("{label}含有换行或不可见的控制字符，请删除后重试")
            } else {
                format!("{label}含有不可见的控制字符，请删除后重试")
            },
        ));
    }
    Ok(())
}

/// A required text: trimmed, visible, at most `max` characters, no forbidden character.
pub fn required(
    s: &str,
    lines: Lines,
    field: &'static str,
    label: &str,
    max: usize,
) -> Result<String> {
    match optional(s, lines, field, label, max)? {
        Some(t) => Ok(t),
        None => Err(DomainError::field(
            field,
            "required",
            format!("请填写{label}"),
        )),
    }
}

/// An optional text: `None` when blank (only invisible characters), otherwise as [`required`].
pub fn optional(
    s: &str,
    lines: Lines,
    field: &'static str,
    label: &str,
    max: usize,
) -> Result<Option<String>> {
    check_chars(s, lines, field, label)?;
    if is_blank(s) {
        return Ok(None);
    }
    let t = visible(s);
    if t.chars().count() > max {
        return Err(DomainError::field(
            field,
            "too_long",
            format!("{label}不能超过 {max} 字"),
        ));
    }
    Ok(Some(t.to_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `Ok(Some(kept))`, `Ok(None)` for blank, or `Err(code)`.
    type Expected = std::result::Result<Option<&'static str>, &'static str>;

    #[test]
    fn forbidden_and_invisible_characters() {
        // case, input, lines, expected: Ok(Some)/Ok(None)/Err(code)
        let cases: &[(&str, &str, Lines, Expected)] = &[
            ("plain", " 社区 ", Lines::One, Ok(Some("社区"))),
            ("nul", "社\0区", Lines::One, Err("invalid_characters")),
            (
                "nul in text area",
                "社\0区",
                Lines::Many,
                Err("invalid_characters"),
            ),
            (
                "escape",
                "a\u{1b}[31m",
                Lines::Many,
                Err("invalid_characters"),
            ),
            (
                "c1 control",
                "a\u{85}b",
                Lines::Many,
                Err("invalid_characters"),
            ),
            (
                "newline in one line",
                "a\nb",
                Lines::One,
                Err("invalid_characters"),
            ),
            (
                "newline in text area",
                "a\r\n\tb",
                Lines::Many,
                Ok(Some("a\r\n\tb")),
            ),
            (
                "zero width only",
                "\u{200B}\u{FEFF} \u{3000}",
                Lines::One,
                Ok(None),
            ),
            (
                "zero width around",
                "\u{200B}社区\u{2060}",
                Lines::One,
                Ok(Some("社区")),
            ),
            ("hangul filler", "\u{3164}", Lines::One, Ok(None)),
            ("empty", "", Lines::Many, Ok(None)),
        ];
        for (case, input, lines, expected) in cases {
            let got = optional(input, *lines, "f", "字段", 100);
            match expected {
                Ok(want) => assert_eq!(got.ok(), Some(want.map(str::to_owned)), "{case}"),
                Err(code) => assert_eq!(got.err().map(|e| e.code), Some(*code), "{case}"),
            }
        }
    }

    #[test]
    fn required_refuses_invisible_only_and_too_long() {
        assert_eq!(
            required("\u{200B}", Lines::One, "f", "名称", 10)
                .err()
                .map(|e| e.code),
            Some("required")
        );
        assert_eq!(
            required("一二三", Lines::One, "f", "名称", 2)
                .err()
                .map(|e| e.code),
            Some("too_long")
        );
    }
}
