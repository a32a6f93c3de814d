//! Person-level records: which reads are logged and what an export needs (4.8-3), as tables.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use jianfu_rules::person_data::{CLAUSE, ExportRefusal, MAX_PURPOSE, Reader, check_export, logged};

#[test]
fn reads_by_anyone_but_the_holder_and_clear_reads_are_logged() {
    let cases = [
        (Reader::Holder, false, None),
        (Reader::Holder, true, Some("4.8-3")),
        (Reader::Other, false, Some("4.8-3")),
        (Reader::Other, true, Some("4.8-3")),
    ];
    for (reader, clear, want) in cases {
        assert_eq!(
            logged(reader, clear).map(|c| c.as_str()),
            want,
            "{reader:?} clear={clear}"
        );
    }
}

#[test]
fn an_export_needs_a_purpose_and_clear_ids_need_the_right() {
    let long = "用".repeat(MAX_PURPOSE + 1);
    let exact = "用".repeat(MAX_PURPOSE);
    let cases: [(&str, bool, bool, Result<bool, ExportRefusal>); 9] = [
        ("探访关爱", false, false, Ok(false)),
        ("  探访关爱 ", true, true, Ok(true)),
        ("探访关爱", false, true, Ok(false)),
        ("探访关爱", true, false, Err(ExportRefusal::ClearNotAllowed)),
        ("", false, false, Err(ExportRefusal::PurposeRequired)),
        (" \t ", true, true, Err(ExportRefusal::PurposeRequired)),
        (&long, false, true, Err(ExportRefusal::PurposeTooLong)),
        (&exact, false, false, Ok(false)),
        // An empty purpose is refused before the clear-ID right is looked at.
        ("", true, false, Err(ExportRefusal::PurposeRequired)),
    ];
    for (purpose, clear, may, want) in cases {
        let got = check_export(purpose, clear, may);
        match (&got, &want) {
            (Ok(t), Ok(c)) => {
                assert_eq!(t.clear_id, *c, "{purpose:?}");
                assert_eq!(t.purpose, purpose.trim());
                assert_eq!(t.clause.as_str(), "4.8-3");
            }
            (Err(e), Err(w)) => {
                assert_eq!(e, w, "{purpose:?}");
                assert_eq!(e.clause(), CLAUSE);
            }
            _ => panic!("{purpose:?} clear={clear} may={may}: {got:?} vs {want:?}"),
        }
    }
}
