//! Admission numbers (准入编号): `AZ-2026-000123-7` — "AZ" for 鞍准, the year of admission, a
//! sequence within the year, and a check character computed with ISO 7064 MOD 11-2 (the scheme
//! of the citizen ID number, so `X` stands for 10) over the ten digits. A mistyped digit or two
//! swapped neighbours never pass.

use serde::Serialize;

use crate::error::{DomainError, Result};

#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(transparent)]
pub struct AdmissionNumber(String);

/// A code as a person typed it, read as it looks: Unicode NFKC folds full-width letters,
/// digits and hyphens (`ＡＺ－２０２６`, what a Chinese input method produces) into their ASCII
/// forms, then surrounding spaces go. Every parser of typed numbers (admission numbers, ID
/// numbers, certificate serials and check codes) starts here.
pub fn typed(input: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    input.nfkc().collect::<String>().trim().to_owned()
}

/// ISO 7064 MOD 11-2 check character over ASCII digits.
fn check_char(digits: &str) -> char {
    let p = digits
        .bytes()
        .fold(0u32, |p, b| ((p + u32::from(b - b'0')) * 2) % 11);
    match (12 - p % 11) % 11 {
        10 => 'X',
        n => char::from(b'0' + n as u8),
    }
}

impl AdmissionNumber {
    pub const PREFIX: &'static str = "AZ";

    pub fn new(year: i32, seq: i64) -> Result<Self> {
        if !(2000..=9999).contains(&year) || !(1..=999_999).contains(&seq) {
            return Err(DomainError::internal());
        }
        let digits = format!("{year:04}{seq:06}");
        Ok(Self(format!(
            "{}-{year:04}-{seq:06}-{}",
            Self::PREFIX,
            check_char(&digits)
        )))
    }

    /// Parses what a person typed: case and surrounding spaces do not matter, `鞍准` may stand
    /// for `AZ`, and full-width letters, digits and hyphens are read as [`typed`] reads them.
    pub fn parse(input: &str) -> Result<Self> {
        let malformed = || {
            DomainError::field(
                "number",
                "admission_number_malformed",
                "准入编号格式不正确，应形如 AZ-2026-000123-7",
            )
        };
        let s = typed(input)
            .replace('鞍', "")
            .replace('准', "AZ")
            .replace(['－', '—', '–'], "-")
            .to_ascii_uppercase();
        let parts: Vec<&str> = s.split('-').collect();
        let [prefix, year, seq, check] = parts.as_slice() else {
            return Err(malformed());
        };
        if *prefix != Self::PREFIX
            || year.len() != 4
            || seq.len() != 6
            || check.len() != 1
            || !year.bytes().chain(seq.bytes()).all(|b| b.is_ascii_digit())
        {
            return Err(malformed());
        }
        let digits = format!("{year}{seq}");
        if !check.starts_with(check_char(&digits)) {
            return Err(DomainError::field(
                "number",
                "admission_number_check",
                "准入编号校验位不符，请核对是否抄错",
            ));
        }
        Ok(Self(s))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for AdmissionNumber {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_check_character() {
        let n = AdmissionNumber::new(2026, 123).unwrap();
        assert!(n.as_str().starts_with("AZ-2026-000123-"));
        assert_eq!(AdmissionNumber::parse(n.as_str()).unwrap(), n);
        assert_eq!(
            AdmissionNumber::parse(&format!(" {} ", n.as_str().to_lowercase())).unwrap(),
            n
        );
        let chinese = n.as_str().replacen("AZ", "鞍准", 1).replace('-', "－");
        assert_eq!(AdmissionNumber::parse(&chinese).unwrap(), n);
    }

    #[test]
    fn full_width_admission_number_reads_as_typed_on_screen() {
        // What a Chinese input method in full-width mode produces for AZ-2026-000008-1.
        let n = AdmissionNumber::new(2026, 8).unwrap();
        let full_width: String = n
            .as_str()
            .chars()
            .map(|c| char::from_u32(c as u32 + 0xFEE0).unwrap())
            .collect();
        assert!(full_width.starts_with("ＡＺ－２０２６－０００００８－"));
        assert_eq!(AdmissionNumber::parse(&full_width).unwrap(), n);
        assert_eq!(
            AdmissionNumber::parse(&format!("\u{3000}{}\u{3000}", full_width.to_lowercase()))
                .unwrap(),
            n
        );
    }

    #[test]
    fn single_digit_errors_and_swaps_are_caught() {
        for seq in [1, 42, 123, 999_999] {
            let good = AdmissionNumber::new(2026, seq).unwrap();
            let digits: Vec<char> = good.as_str().chars().collect();
            for i in [3usize, 4, 5, 6, 8, 9, 10, 11, 12, 13] {
                let mut d = digits.clone();
                d[i] = if d[i] == '9' {
                    '0'
                } else {
                    char::from(d[i] as u8 + 1)
                };
                let typo: String = d.iter().collect();
                assert!(AdmissionNumber::parse(&typo).is_err(), "{typo}");
            }
            let mut d = digits.clone();
            if d[12] != d[13] {
                d.swap(12, 13);
                let swapped: String = d.iter().collect();
                assert!(AdmissionNumber::parse(&swapped).is_err(), "{swapped}");
            }
        }
    }

    #[test]
    fn malformed_inputs() {
        for bad in [
            "",
            "AZ",
            "AZ-2026-123-7",
            "XX-2026-000123-7",
            "AZ-2026-000123",
            "AZ-20a6-000123-7",
            "AZ-2026-000123-77",
        ] {
            assert_eq!(
                AdmissionNumber::parse(bad).unwrap_err().code,
                "admission_number_malformed",
                "{bad}"
            );
        }
    }
}
