//! Certificates (证明事项, item 4.5): the catalogue a community may issue from, residents'
//! applications with working-day time limits, issuing with an electronic seal (SM2/SM3, PDF with
//! QR), public verification, revocation and the seal-use ledger.
//!
//! The rules of 4.5 are pure functions in `jianfu_rules::certificate`; this module gathers their
//! facts from the database, stores every decision with its clauses, and is the only code that
//! opens a seal key: a seal is applied in exactly one place, [`App::issue_certificate`], and
//! only to an application that the rules allow to be issued, so there is no way to stamp
//! anything else (the "万能章" of 4.5-5).

mod catalogue;
mod issue;
mod pki;
mod seals;

use serde::{Deserialize, Serialize};

pub(crate) use catalogue::load_catalogue;
pub use catalogue::{CatalogueView, CertificateTypeView, LocalTypeForm};
pub use issue::{
    ApplicationFilter, ApplicationForm, ApplicationView, AttachmentUpload, AttachmentView,
    DeliberationForm, IssuedView, RecordForm, VerifyView, verify_url,
};
pub(crate) use issue::{CertificateTodos, VerifiedDocument, check_upload, text_field};
pub use issue::{MAX_ATTACHMENT_BYTES, MAX_ATTACHMENTS};
pub use pki::{
    CertificateFormat, FileVerification, MAX_VERIFY_FILE_BYTES, PkiCertState, PkiCertificateView,
    SEAL_MAKER_NAME, pki_role_zh,
};
pub use seals::{AUTHORITY_NAME, HolidayYearView, SealUseFilter, SealUseView, SealView};
pub(crate) use seals::{NodeSeal, OpenSeal};

/// Hands out certificate serial numbers before the issue's write transaction (the number is
/// signed into the certificate, which is rendered outside the transaction). Per counter key
/// (`certificate:{year}`) it keeps the next new number and the numbers given back by issues
/// that failed, which are handed out again first, smallest first — so that serial numbers
/// have no gaps. Shared by every clone of the [`App`]; the database stays the source of truth
/// (see [`App::issue_certificate`]).
#[derive(Clone, Debug, Default)]
pub(crate) struct Serials {
    pools: std::sync::Arc<std::sync::Mutex<std::collections::HashMap<String, SerialPool>>>,
}

#[derive(Debug, Default)]
struct SerialPool {
    next: i64,
    returned: std::collections::BTreeSet<i64>,
}

impl Serials {
    /// A number for `key`, whose counter in the database now holds `stored` (the highest
    /// number used, by this process or another).
    pub(crate) fn take(&self, key: &str, stored: i64) -> SerialTicket {
        let mut pools = self.pools.lock().unwrap_or_else(|p| p.into_inner());
        let pool = pools.entry(key.to_owned()).or_default();
        pool.next = pool.next.max(stored + 1);
        let seq = pool.returned.pop_first().unwrap_or_else(|| {
            pool.next += 1;
            pool.next - 1
        });
        SerialTicket {
            serials: self.clone(),
            key: key.to_owned(),
            seq,
            spent: false,
        }
    }
}

/// A serial number handed out by [`Serials`]: given back when dropped, unless [`burn`]ed
/// (used by a committed certificate, or found taken).
///
/// [`burn`]: SerialTicket::burn
#[derive(Debug)]
pub(crate) struct SerialTicket {
    serials: Serials,
    key: String,
    seq: i64,
    spent: bool,
}

impl SerialTicket {
    pub(crate) fn seq(&self) -> i64 {
        self.seq
    }

    /// The number is used (or taken): never hand it out again.
    pub(crate) fn burn(&mut self) {
        self.spent = true;
    }
}

impl Drop for SerialTicket {
    fn drop(&mut self) {
        if !self.spent {
            let mut pools = self.serials.pools.lock().unwrap_or_else(|p| p.into_inner());
            if let Some(pool) = pools.get_mut(&self.key) {
                pool.returned.insert(self.seq);
            }
        }
    }
}

/// Numbers a sealed document (a rectification notice, a bulletin) inside its write transaction.
/// The document was signed ahead of the transaction with `predicted`, the counter's value
/// plus one as read then (the number is part of what is signed). Here the counter's next
/// number is taken in one statement that keeps its row locked until the transaction ends
/// (`repo::counters::next`); when another writer — of this process or of another server on the
/// same database — took the predicted number meanwhile, the document is signed again with the
/// number actually taken, inside the transaction. So the request never fails for contention
/// and the numbers stay unique and without gaps.
pub(crate) async fn numbered<T, F, Fut>(
    tx: &mut jianfu_store::WriteTx,
    key: &str,
    predicted: (i64, T),
    sign: F,
) -> crate::Result<T>
where
    F: FnOnce(i64) -> Fut,
    Fut: std::future::Future<Output = crate::Result<T>>,
{
    let seq = jianfu_store::repo::counters::next(tx.conn(), key).await?;
    if seq == predicted.0 {
        Ok(predicted.1)
    } else {
        sign(seq).await
    }
}

/// Where an application stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ApplicationStatus {
    /// Received, being processed.
    Submitted,
    /// Refused (by the rules at application, or by the community with a reason).
    Refused,
    /// A certificate was issued.
    Issued,
}

impl ApplicationStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Submitted => "submitted",
            Self::Refused => "refused",
            Self::Issued => "issued",
        }
    }
    pub fn label_zh(self) -> &'static str {
        match self {
            Self::Submitted => "办理中",
            Self::Refused => "不予出具",
            Self::Issued => "已出具",
        }
    }
    pub fn stored(s: &str) -> Self {
        match s {
            "refused" => Self::Refused,
            "issued" => Self::Issued,
            _ => Self::Submitted,
        }
    }
}

/// Whether a community's seal is the one in use (stored as `as_str`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SealStatus {
    Active,
    /// Replaced by a newer seal; its certificates still verify.
    Retired,
}

impl SealStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Active => "active",
            Self::Retired => "retired",
        }
    }
}

/// Whether an issued certificate still stands (stored as `as_str`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CertificateStatus {
    Issued,
    /// Revoked by the issuing community or a supervisor over it, with a reason.
    Revoked,
}

impl CertificateStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Issued => "issued",
            Self::Revoked => "revoked",
        }
    }
    /// The status of a stored row (anything but `revoked` stands).
    pub fn stored(s: &str) -> Self {
        if s == Self::Revoked.as_str() {
            Self::Revoked
        } else {
            Self::Issued
        }
    }
}

/// The check code alphabet: no 0/O, 1/I/L, so a code read off paper is typed right.
const CHECK_ALPHABET: &[u8] = b"ABCDEFGHJKMNPQRSTUVWXYZ23456789";
/// Length of a check code: 31^10 ≈ 8·10^14 possibilities, and guesses are rate-limited.
const CHECK_LEN: usize = 10;

pub(crate) fn new_check_code() -> String {
    use rand::Rng;
    let mut rng = rand::rng();
    (0..CHECK_LEN)
        .map(|_| CHECK_ALPHABET[rng.random_range(0..CHECK_ALPHABET.len())] as char)
        .collect()
}

/// A serial number `ZM-YYYY-NNNNNN`.
fn serial(year: i32, seq: i64) -> String {
    format!("ZM-{year}-{seq:06}")
}

/// Whether `s` has the shape of a serial number (checked before any database access).
pub fn serial_is_well_formed(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() >= 14
        && b.len() <= 16
        && s.starts_with("ZM-")
        && b[3..7].iter().all(u8::is_ascii_digit)
        && b[7] == b'-'
        && b[8..].iter().all(u8::is_ascii_digit)
}

/// Whether `s` has the shape of a check code.
pub fn check_code_is_well_formed(s: &str) -> bool {
    s.len() == CHECK_LEN && s.bytes().all(|c| CHECK_ALPHABET.contains(&c))
}

/// Masks a person's name for public pages: the family name and one * per other character.
pub fn mask_name(name: &str) -> String {
    let mut chars = name.chars();
    match chars.next() {
        Some(first) => std::iter::once(first).chain(chars.map(|_| '*')).collect(),
        None => String::new(),
    }
}

/// A rules decision that refuses, as an error: every reason with its clause, in one message;
/// the code is the first reason's.
pub(crate) fn rules_error(d: &jianfu_rules::Decision) -> crate::DomainError {
    let code = d.reasons.first().map(|r| r.code).unwrap_or("rules_refused");
    let message = d
        .reasons
        .iter()
        .map(|r| format!("{}（{}）", r.message, r.clause.as_str()))
        .collect::<Vec<_>>()
        .join("；");
    crate::DomainError::invalid(code, message)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serial_numbers_given_back_are_handed_out_again_first() {
        let serials = Serials::default();
        let key = "certificate:2026";
        // The database's counter says 5 numbers were used.
        let mut a = serials.take(key, 5);
        let b = serials.take(key, 5);
        let c = serials.take(key, 5);
        assert_eq!((a.seq(), b.seq(), c.seq()), (6, 7, 8));
        a.burn(); // committed
        drop(c); // failed: 8 comes back
        drop(b); // failed: 7 comes back
        assert_eq!(
            serials.take(key, 6).seq(),
            7,
            "smallest given-back number first"
        );
        // (that ticket was dropped unused: 7 is back again)
        let mut d = serials.take(key, 6);
        assert_eq!(d.seq(), 7);
        d.burn();
        let mut e = serials.take(key, 7);
        assert_eq!(e.seq(), 8);
        e.burn();
        assert_eq!(serials.take(key, 8).seq(), 9, "then new numbers");
        // Another process used up to 20: new numbers continue after it; years are separate.
        // (a given-back number at or below it may have been taken by that process meanwhile:
        // the issue's insert then meets the unique serial and tries the next number)
        let mut nine = serials.take(key, 20);
        assert_eq!(nine.seq(), 9, "9 was given back just now");
        nine.burn();
        let mut f = serials.take(key, 20);
        f.burn();
        assert_eq!(f.seq(), 21);
        assert_eq!(serials.take("certificate:2027", 0).seq(), 1);
    }

    #[test]
    fn serials_and_codes_have_a_checked_shape() {
        assert_eq!(serial(2026, 42), "ZM-2026-000042");
        assert!(serial_is_well_formed("ZM-2026-000042"));
        assert!(serial_is_well_formed(&serial(2026, 1_234_567)));
        assert!(!serial_is_well_formed("ZM-2026-00004"));
        assert!(!serial_is_well_formed("ZM-20X6-000042"));
        assert!(!serial_is_well_formed("AZ-2026-000042"));
        assert!(!serial_is_well_formed("ZM-2026-000042'--"));
        let c = new_check_code();
        assert!(check_code_is_well_formed(&c));
        assert_ne!(c, new_check_code());
        assert!(!check_code_is_well_formed("ABCDEFGHJ0"));
        assert!(!check_code_is_well_formed("ABCDEFGHJ"));
        assert_eq!(mask_name("张三丰"), "张**");
    }
}
