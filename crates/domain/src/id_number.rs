//! 公民身份号码 (GB 11643-1999): 18 characters — a 6-digit address code, the birth date as
//! YYYYMMDD, a 3-digit sequence and an ISO 7064 MOD 11-2 check character (0–9 or X).
//!
//! An [`IdNumber`] is only ever built by [`IdNumber::parse`], so holding one means the number
//! is well formed. It prints masked (`Display` and `Debug` both show `2103**********123X`), so a
//! full number cannot reach a log or a page by accident; [`IdNumber::full`] is the one way to
//! the whole number, for the applicant, the issuing worker (audited) and the certificate.

use std::fmt;

use jianfu_rules::Date;

use crate::error::{DomainError, Result};

/// A validated 18-character citizen ID number.
#[derive(Clone, PartialEq, Eq)]
pub struct IdNumber(String);

/// Weights of the 17 digits in the MOD 11-2 check (2^(18-i) mod 11).
const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
/// The check character for each remainder 0–10.
const CHECK: [u8; 11] = *b"10X98765432";

impl IdNumber {
    /// Parses and validates `s` (surrounding spaces ignored, full-width digits read as digits, a
    /// lower-case `x` accepted).
    /// `today` bounds the birth date: nobody is born in the future.
    pub fn parse(s: &str, today: Date) -> Result<IdNumber> {
        let s = crate::admission::typed(s).to_ascii_uppercase();
        let err = |code: &'static str, msg: &str| DomainError::field("id_number", code, msg);
        if s.chars().count() != 18 {
            return Err(err("id_number_length", "身份证号码应为18位"));
        }
        let b = s.as_bytes();
        if !b[..17].iter().all(u8::is_ascii_digit) || !(b[17].is_ascii_digit() || b[17] == b'X') {
            return Err(err(
                "id_number_characters",
                "身份证号码前17位应为数字，最后一位为数字或X",
            ));
        }
        let year = digits(&b[6..10]);
        let month = digits(&b[10..12]);
        let day = digits(&b[12..14]);
        let birth = i32::try_from(year)
            .ok()
            .and_then(|y| Date::new(y, u8::try_from(month).ok()?, u8::try_from(day).ok()?));
        match birth {
            Some(d) if d <= today && year >= 1900 => {}
            _ => return Err(err("id_number_birth_date", "身份证号码中的出生日期不存在")),
        }
        if b[..6] == *b"000000" {
            return Err(err("id_number_address", "身份证号码中的地址码无效"));
        }
        let sum: u32 = b[..17]
            .iter()
            .zip(WEIGHTS)
            .map(|(c, w)| u32::from(c - b'0') * w)
            .sum();
        if CHECK[(sum % 11) as usize] != b[17] {
            return Err(err(
                "id_number_check_digit",
                "身份证号码校验位不正确，请核对是否输错",
            ));
        }
        Ok(IdNumber(s))
    }

    /// The whole number. Only for the applicant, the issuing worker and the certificate itself.
    pub fn full(&self) -> &str {
        &self.0
    }

    /// The masked form shown everywhere else: first 4 and last 4 characters.
    pub fn masked(&self) -> String {
        mask(&self.0)
    }
}

/// Masks any stored ID number for display: keeps the first 4 and last 4 characters.
pub fn mask(s: &str) -> String {
    let chars: Vec<char> = s.chars().collect();
    if chars.len() <= 8 {
        return "*".repeat(chars.len());
    }
    let mut out: String = chars[..4].iter().collect();
    out.push_str(&"*".repeat(chars.len() - 8));
    out.extend(&chars[chars.len() - 4..]);
    out
}

fn digits(b: &[u8]) -> u32 {
    b.iter().fold(0, |acc, c| acc * 10 + u32::from(c - b'0'))
}

impl fmt::Display for IdNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.masked())
    }
}

impl fmt::Debug for IdNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "IdNumber({})", self.masked())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> Date {
        Date::new(2026, 11, 28).unwrap()
    }

    /// Makes a valid number from 17 digits by computing its check character.
    fn with_check(first17: &str) -> String {
        let sum: u32 = first17
            .bytes()
            .zip(WEIGHTS)
            .map(|(c, w)| u32::from(c - b'0') * w)
            .sum();
        format!("{first17}{}", CHECK[(sum % 11) as usize] as char)
    }

    #[test]
    fn accepts_the_published_example_and_computed_numbers() {
        // The worked example of GB 11643-1999 appendix: 11010519491231002X.
        assert!(IdNumber::parse("11010519491231002X", today()).is_ok());
        assert!(IdNumber::parse("11010519491231002x", today()).is_ok());
        assert!(IdNumber::parse(&with_check("21030219900101123"), today()).is_ok());
        assert!(IdNumber::parse(&with_check("21030220000229001"), today()).is_ok());
    }

    #[test]
    fn full_width_id_number_reads_as_typed_on_screen() {
        let ascii = "11010519491231002X";
        let full_width: String = ascii
            .chars()
            .map(|c| char::from_u32(c as u32 + 0xFEE0).unwrap())
            .collect();
        assert_eq!(full_width, "１１０１０５１９４９１２３１００２Ｘ");
        let parsed = IdNumber::parse(&full_width, today()).unwrap();
        assert_eq!(parsed, IdNumber::parse(ascii, today()).unwrap());
        assert!(IdNumber::parse("１１０１０５１９４９１２３１００２ｘ", today()).is_ok());
    }

    #[test]
    fn rejects_each_kind_of_error_with_its_code() {
        let code = |s: &str| IdNumber::parse(s, today()).unwrap_err().code;
        assert_eq!(code("2103021990010112"), "id_number_length");
        assert_eq!(code("2103021990010112345"), "id_number_length");
        assert_eq!(code("21030219900101123Y"), "id_number_characters");
        assert_eq!(code("2103021990O101123X"), "id_number_characters");
        assert_eq!(code("110105194912310021"), "id_number_check_digit");
        assert_eq!(
            code(&with_check("21030219900230123")),
            "id_number_birth_date"
        );
        assert_eq!(
            code(&with_check("21030219901301123")),
            "id_number_birth_date"
        );
        assert_eq!(
            code(&with_check("21030220990101123")),
            "id_number_birth_date"
        );
        assert_eq!(
            code(&with_check("21030218500101123")),
            "id_number_birth_date"
        );
        assert_eq!(code(&with_check("00000019900101123")), "id_number_address");
    }

    #[test]
    fn never_prints_the_full_number() {
        let id = IdNumber::parse("11010519491231002X", today()).unwrap();
        assert_eq!(id.to_string(), "1101**********002X");
        assert_eq!(format!("{id:?}"), "IdNumber(1101**********002X)");
        assert_eq!(id.full(), "11010519491231002X");
        assert_eq!(mask("abc"), "***");
    }
}
