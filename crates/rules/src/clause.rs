//! Clause IDs: the one way code cites the policy, checked against the policy text at compile time.
//!
//! A clause ID is `S.I-N`: part `S`, item `I` (0 where the part has no items), sentence `N`
//! (from 1), as defined at the top of `policy/anshan-2021-18.md`. Numbers are written without
//! leading zeros, so two IDs are the same clause exactly when their strings are equal.
//!
//! The [`clause!`](crate::clause!) macro is evaluated in a `const` block: a malformed ID or one
//! that is not in the policy text stops the build. The same ID grammar (one `const fn`) is used by
//! [`crate::policy::Policy::parse`], so the compile-time check and the parser cannot disagree.

use std::cmp::Ordering;
use std::fmt;

use serde::de::{self, Deserialize, Deserializer, Visitor};
use serde::{Serialize, Serializer};

/// The clause-numbered policy text, embedded so that clause IDs can be checked without IO.
pub(crate) const POLICY_TEXT: &str = include_str!("../../../policy/anshan-2021-18.md");

/// A reference to one clause of 鞍民发〔2021〕18号, such as `4.2-4`.
///
/// Build it with [`clause!`](crate::clause!) in code, or with [`ClauseId::lookup`] for IDs read
/// from data. Either way the ID exists in the official policy text. Serialises as the plain
/// string; orders numerically (`4.2-9` before `4.2-10`).
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct ClauseId(&'static str);

/// Cites a clause of the policy: `clause!("4.2-4")` is a [`ClauseId`].
///
/// This is the only way code should cite a clause: the coverage test finds citations by scanning
/// source for the macro's name followed by a string literal, so write the ID as a literal, on the
/// same line. The ID is checked at compile time:
///
/// ```
/// use jianfu_rules::{ClauseId, clause};
/// const ADMISSION: ClauseId = clause!("4.2-4");
/// assert_eq!(ADMISSION.as_str(), "4.2-4");
/// ```
///
/// A clause that is not in `policy/anshan-2021-18.md` does not compile:
///
/// ```compile_fail
/// let _ = jianfu_rules::clause!("4.2-99");
/// ```
///
/// Nor does a malformed ID:
///
/// ```compile_fail
/// let _ = jianfu_rules::clause!("4.2");
/// ```
#[macro_export]
macro_rules! clause {
    ($id:literal $(,)?) => {
        const { $crate::ClauseId::__from_macro($id) }
    };
}

impl ClauseId {
    /// Finds `id` in the official policy text; `None` if it is malformed or not a clause there.
    ///
    /// Use this for IDs that arrive as data (TOML, JSON, form input); code uses
    /// [`clause!`](crate::clause!).
    #[must_use]
    pub fn lookup(id: &str) -> Option<Self> {
        let key = parse_id(id)?;
        let entry = find(&RUNTIME_TABLE, key)?;
        POLICY_TEXT.get(entry.start..entry.end).map(ClauseId)
    }

    /// Implementation detail of [`clause!`](crate::clause!); call it only in a `const` context,
    /// where its assertions are compile errors.
    #[doc(hidden)]
    #[must_use]
    pub const fn __from_macro(id: &'static str) -> Self {
        let key = parse_id(id);
        assert!(
            key.is_some(),
            "clause!: malformed clause ID; expected S.I-N such as \"4.2-4\""
        );
        if let Some(key) = key {
            assert!(
                find(&TABLE, key).is_some(),
                "clause!: no clause with this ID in policy/anshan-2021-18.md"
            );
        }
        ClauseId(id)
    }

    /// The ID as written in the policy, e.g. `"4.2-4"`.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        self.0
    }

    /// Link to the clause on the policy page, e.g. `/policy#4.2-4`.
    #[must_use]
    pub fn href(&self) -> String {
        format!("/policy#{}", self.0)
    }

    /// Part number `S` (4 for `4.2-4`).
    #[must_use]
    pub fn part(self) -> u8 {
        self.key().part
    }

    /// Item number `I` within the part (2 for `4.2-4`; 0 where the part has no items).
    #[must_use]
    pub fn item(self) -> u8 {
        self.key().item
    }

    /// Sentence number `N` within the item (4 for `4.2-4`), counted from 1.
    #[must_use]
    pub fn sentence(self) -> u16 {
        self.key().sentence
    }

    fn key(self) -> IdKey {
        // Every constructor checks the ID, so the fallback is never taken.
        parse_id(self.0).unwrap_or(IdKey {
            part: 0,
            item: 0,
            sentence: 0,
        })
    }
}

impl fmt::Display for ClauseId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0)
    }
}

impl fmt::Debug for ClauseId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "clause!({:?})", self.0)
    }
}

impl PartialOrd for ClauseId {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for ClauseId {
    fn cmp(&self, other: &Self) -> Ordering {
        self.key()
            .cmp(&other.key())
            .then_with(|| self.0.cmp(other.0))
    }
}

impl Serialize for ClauseId {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.0)
    }
}

impl<'de> Deserialize<'de> for ClauseId {
    /// Accepts only IDs of clauses in the official policy text.
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct IdVisitor;
        impl Visitor<'_> for IdVisitor {
            type Value = ClauseId;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a clause ID of 鞍民发〔2021〕18号 such as \"4.2-4\"")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<ClauseId, E> {
                ClauseId::lookup(v).ok_or_else(|| E::custom(format!("unknown clause ID {v:?}")))
            }
        }
        deserializer.deserialize_str(IdVisitor)
    }
}

/// The numbers of a clause ID: part, item, sentence. Field order gives numeric ordering.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct IdKey {
    pub(crate) part: u8,
    pub(crate) item: u8,
    pub(crate) sentence: u16,
}

/// Parses a whole string as a clause ID.
pub(crate) const fn parse_id(id: &str) -> Option<IdKey> {
    match parse_id_prefix(id.as_bytes(), 0) {
        Some((key, end)) if end == id.len() => Some(key),
        _ => None,
    }
}

/// Parses a clause ID starting at `bytes[at]`; returns it and the index just after it.
pub(crate) const fn parse_id_prefix(bytes: &[u8], at: usize) -> Option<(IdKey, usize)> {
    let (part, at) = match parse_number(bytes, at, u8::MAX as u32) {
        Some(found) => found,
        None => return None,
    };
    if at >= bytes.len() || bytes[at] != b'.' {
        return None;
    }
    let (item, at) = match parse_number(bytes, at + 1, u8::MAX as u32) {
        Some(found) => found,
        None => return None,
    };
    if at >= bytes.len() || bytes[at] != b'-' {
        return None;
    }
    let (sentence, at) = match parse_number(bytes, at + 1, u16::MAX as u32) {
        Some(found) => found,
        None => return None,
    };
    if sentence == 0 {
        return None;
    }
    let key = IdKey {
        part: part as u8,
        item: item as u8,
        sentence: sentence as u16,
    };
    Some((key, at))
}

/// Parses a decimal number without leading zeros and not above `max`.
const fn parse_number(bytes: &[u8], start: usize, max: u32) -> Option<(u32, usize)> {
    let mut at = start;
    let mut value: u32 = 0;
    while at < bytes.len() && bytes[at].is_ascii_digit() {
        if at - start == 5 {
            return None;
        }
        value = value * 10 + (bytes[at] - b'0') as u32;
        at += 1;
    }
    let leading_zero = at - start > 1 && bytes[start] == b'0';
    if at == start || leading_zero || value > max {
        return None;
    }
    Some((value, at))
}

/// Room for this many clauses; the policy has 98. Overflow is a compile error of this crate.
const CAPACITY: usize = 256;

/// Where a clause ID sits in [`POLICY_TEXT`].
#[derive(Clone, Copy)]
struct Entry {
    key: IdKey,
    start: usize,
    end: usize,
}

/// Every clause ID of [`POLICY_TEXT`], found once at compile time.
struct Table {
    entries: [Entry; CAPACITY],
    len: usize,
}

const TABLE: Table = scan(POLICY_TEXT.as_bytes());

/// The table again as a static, so that runtime lookups read it in place instead of copying.
static RUNTIME_TABLE: Table = TABLE;

/// Collects every `[S.I-N]` that opens a line, the way clauses are marked in the policy file.
const fn scan(text: &[u8]) -> Table {
    let empty = Entry {
        key: IdKey {
            part: 0,
            item: 0,
            sentence: 0,
        },
        start: 0,
        end: 0,
    };
    let mut table = Table {
        entries: [empty; CAPACITY],
        len: 0,
    };
    let mut at = 0;
    while at < text.len() {
        if text[at] == b'['
            && (at == 0 || text[at - 1] == b'\n')
            && let Some((key, end)) = parse_id_prefix(text, at + 1)
            && end < text.len()
            && text[end] == b']'
        {
            assert!(
                table.len < CAPACITY,
                "policy has more clauses than CAPACITY"
            );
            table.entries[table.len] = Entry {
                key,
                start: at + 1,
                end,
            };
            table.len += 1;
            at = end;
        }
        at += 1;
    }
    table
}

const fn find(table: &Table, key: IdKey) -> Option<Entry> {
    let mut i = 0;
    while i < table.len {
        let entry = table.entries[i];
        if entry.key.part == key.part
            && entry.key.item == key.item
            && entry.key.sentence == key.sentence
        {
            return Some(entry);
        }
        i += 1;
    }
    None
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

    use super::*;

    #[test]
    fn parses_well_formed_ids_and_rejects_the_rest() {
        type Case = (&'static str, Option<(u8, u8, u16)>);
        let cases: &[Case] = &[
            ("4.2-4", Some((4, 2, 4))),
            ("0.0-1", Some((0, 0, 1))),
            ("4.5-13", Some((4, 5, 13))),
            ("255.255-65535", Some((255, 255, 65535))),
            ("4.2", None),
            ("4.2-", None),
            ("4.2-0", None),
            ("4.02-1", None),
            ("04.2-1", None),
            ("4.2-01", None),
            ("256.0-1", None),
            ("4.2-65536", None),
            ("4.2-4 ", None),
            (" 4.2-4", None),
            ("4-2.4", None),
            ("a.b-c", None),
            ("", None),
            ("4", None),
            ("4x2-1", None),
            ("4.2x1", None),
            ("4.12-1", Some((4, 12, 1))),
            ("12.34-56789", Some((12, 34, 56789))),
            ("4.2-123456", None),
        ];
        for (input, expected) in cases {
            let got = parse_id(input).map(|k| (k.part, k.item, k.sentence));
            assert_eq!(got, *expected, "parse_id({input:?})");
        }
    }

    #[test]
    fn lookup_finds_clauses_of_the_policy_only() {
        assert_eq!(
            ClauseId::lookup("4.2-4").map(ClauseId::as_str),
            Some("4.2-4")
        );
        assert_eq!(
            ClauseId::lookup("0.0-1").map(ClauseId::as_str),
            Some("0.0-1")
        );
        assert_eq!(ClauseId::lookup("4.2-99"), None);
        assert_eq!(ClauseId::lookup("4.2"), None);
        assert_eq!(ClauseId::lookup("4.02-4"), None);
    }

    #[test]
    fn compile_time_table_matches_the_parsed_policy() {
        let policy = crate::Policy::official().unwrap();
        let parsed: Vec<&str> = policy.clauses().map(|c| c.id.as_str()).collect();
        let scanned: Vec<&str> = RUNTIME_TABLE.entries[..RUNTIME_TABLE.len]
            .iter()
            .map(|e| &POLICY_TEXT[e.start..e.end])
            .collect();
        assert_eq!(parsed, scanned);
    }

    /// The scanner over texts other than the policy: a mark on the very first byte, a mark
    /// cut off at the end of the text, and marks not at the start of a line.
    #[test]
    fn scan_takes_marks_that_open_a_line_and_are_closed() {
        let ids = |text: &str| -> Vec<String> {
            let t = scan(text.as_bytes());
            t.entries[..t.len]
                .iter()
                .map(|e| text[e.start..e.end].to_owned())
                .collect()
        };
        assert_eq!(ids("[1.1-1] 甲\n[1.1-2] 乙"), ["1.1-1", "1.1-2"]);
        assert_eq!(ids("文 [1.1-1] 甲\n [1.1-2]\n[1.1-3]"), ["1.1-3"]);
        assert_eq!(ids("[1.1-1"), Vec::<String>::new());
        assert_eq!(ids("\n[1.1-1]"), ["1.1-1"]);
        assert_eq!(ids("[1.1-1)"), Vec::<String>::new());
    }

    /// `find` looks at the filled entries only: the empty slots after them never match.
    #[test]
    fn find_sees_only_filled_entries() {
        let table = scan(b"[1.1-1] x\n[2.3-4] y");
        let key = |part, item, sentence| IdKey {
            part,
            item,
            sentence,
        };
        assert!(find(&table, key(2, 3, 4)).is_some());
        assert!(find(&table, key(1, 1, 1)).is_some());
        assert!(find(&table, key(0, 0, 0)).is_none());
        assert!(find(&table, key(2, 3, 5)).is_none());
        assert!(find(&table, key(2, 4, 4)).is_none());
        assert!(find(&table, key(3, 3, 4)).is_none());
    }

    #[test]
    fn macro_display_href_and_parts() {
        let id = clause!("3.5-3");
        assert_eq!(id.as_str(), "3.5-3");
        assert_eq!(id.to_string(), "3.5-3");
        assert_eq!(id.href(), "/policy#3.5-3");
        assert_eq!((id.part(), id.item(), id.sentence()), (3, 5, 3));
        assert_eq!(format!("{id:?}"), "clause!(\"3.5-3\")");
    }

    #[test]
    fn orders_numerically() {
        let mut ids = [
            ClauseId::lookup("4.5-10").unwrap(),
            ClauseId::lookup("4.5-9").unwrap(),
            ClauseId::lookup("3.1-1").unwrap(),
        ];
        ids.sort();
        let strs: Vec<&str> = ids.iter().map(|id| id.as_str()).collect();
        assert_eq!(strs, ["3.1-1", "4.5-9", "4.5-10"]);
    }

    #[test]
    fn serde_round_trip_accepts_only_known_ids() {
        let id = clause!("2.0-1");
        let json = serde_json::to_string(&id).unwrap();
        assert_eq!(json, "\"2.0-1\"");
        let back: ClauseId = serde_json::from_str(&json).unwrap();
        assert_eq!(back, id);
        let err = serde_json::from_str::<ClauseId>("\"4.2-99\"").unwrap_err();
        assert!(err.to_string().contains("unknown clause ID"), "{err}");
        // A value that is no string says what was expected.
        let err = serde_json::from_str::<ClauseId>("42").unwrap_err();
        assert!(
            err.to_string()
                .contains("a clause ID of 鞍民发〔2021〕18号"),
            "{err}"
        );
    }
}
