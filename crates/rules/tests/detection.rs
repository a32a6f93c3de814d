//! Detectors on data (4.1-8): a discontinued certificate applied for again, a removed plaque
//! registered again, a revoked demand submitted again — each boundary pinned (the day before,
//! the day itself, the day after; exactly at the likeness threshold and one below).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use jianfu_rules::Date;
use jianfu_rules::detection::{
    DemandFacts, PlaqueFacts, PlaqueUnit, Relapse, certificate_relapse, demand_relapse,
    plaque_relapse, same_name,
};
use jianfu_rules::grouping::{SIMILAR_PERCENT, title_similarity};

fn date(s: &str) -> Date {
    Date::parse(s).unwrap()
}

/// (clause, code) of each reason, in order.
fn cited(r: &Relapse) -> Vec<(String, &'static str)> {
    r.reasons
        .iter()
        .map(|x| (x.clause.as_str().to_owned(), x.code))
        .collect()
}

/// Titles exactly at the threshold (60 %) and one below (59 %), computed, not assumed.
const AT_A: &str = "abcdef";
const AT_B: &str = "abcdxy";
const BELOW_A: &str = "abcdefghijklmno";
const BELOW_B: &str = "abcdefghiVWXYZ";

#[test]
fn the_threshold_titles_are_where_the_tests_say() {
    assert_eq!(SIMILAR_PERCENT, 60);
    assert_eq!(title_similarity(AT_A, AT_B), 60);
    assert_eq!(title_similarity(BELOW_A, BELOW_B), 59);
}

#[test]
fn certificate_relapse_table() {
    // (case, discontinued on, applied on, matched)
    let table = [
        (
            "applied the day before it was discontinued",
            "2026-03-10",
            "2026-03-09",
            false,
        ),
        (
            "applied on the day it was discontinued",
            "2026-03-10",
            "2026-03-10",
            false,
        ),
        ("applied the day after", "2026-03-10", "2026-03-11", true),
        ("applied a year later", "2026-03-10", "2027-03-10", true),
    ];
    for (case, off, on, matched) in table {
        let r = certificate_relapse("居住证明", date(off), date(on));
        assert_eq!(r.is_some(), matched, "{case}");
        if let Some(r) = r {
            assert_eq!(
                cited(&r),
                [
                    ("4.5-12".to_owned(), "discontinued_certificate_demanded"),
                    ("4.1-8".to_owned(), "relapse_detected")
                ],
                "{case}"
            );
            let clauses: Vec<&str> = r.clauses().iter().map(|c| c.as_str()).collect();
            assert_eq!(clauses, ["4.5-12", "4.1-8"], "{case}");
            assert_eq!(r.similarity, None, "{case}");
            let m = &r.reasons[0].message;
            assert!(
                m.contains("“居住证明”") && m.contains(off) && m.contains(on),
                "{m}"
            );
            assert!(
                r.reasons[1].message.contains("证明事项"),
                "{}",
                r.reasons[1].message
            );
        }
    }
}

#[test]
fn same_name_ignores_spaces_punctuation_and_case_only() {
    let table = [
        ("综合治理工作站", "综合治理工作站", true),
        ("综合治理 工作站", "综合治理·工作站！", true),
        ("ABC站", "abc 站", true),
        ("综合治理工作站", "综合治理工作室", false),
        ("", "", false),
        ("··", "—", false),
        ("站", "", false),
    ];
    for (a, b, same) in table {
        assert_eq!(same_name(a, b), same, "{a} / {b}");
        assert_eq!(same_name(b, a), same, "{b} / {a}");
    }
}

#[test]
fn plaque_relapse_table() {
    // (case, unit, new name, registered on, compliant, old name, removed on, outcome)
    // outcome: None, or Some((clause, similarity, same name))
    let s = PlaqueUnit::StreetOrTown;
    let c = PlaqueUnit::CommunityOrVillage;
    let table = [
        (
            "same name, registered the day it was removed",
            c,
            "综合治理工作站",
            "2026-05-01",
            false,
            "综合治理工作站",
            "2026-05-01",
            Some(("4.4-2", 100, true)),
        ),
        (
            "same name, the day after",
            s,
            "综合治理 工作站",
            "2026-05-02",
            false,
            "综合治理工作站！",
            "2026-05-01",
            Some(("4.1-2", 100, true)),
        ),
        (
            "same name, registered the day before it was removed",
            c,
            "综合治理工作站",
            "2026-04-30",
            false,
            "综合治理工作站",
            "2026-05-01",
            None,
        ),
        (
            "same name but on the unit's list",
            c,
            "综合治理工作站",
            "2026-05-02",
            true,
            "综合治理工作站",
            "2026-05-01",
            None,
        ),
        (
            "exactly at the threshold",
            c,
            AT_A,
            "2026-05-02",
            false,
            AT_B,
            "2026-05-01",
            Some(("4.4-2", 60, false)),
        ),
        (
            "one below the threshold",
            c,
            BELOW_A,
            "2026-05-02",
            false,
            BELOW_B,
            "2026-05-01",
            None,
        ),
        (
            "unrelated names",
            s,
            "文明实践站",
            "2026-05-02",
            false,
            "综合治理工作站",
            "2026-05-01",
            None,
        ),
        (
            "empty names",
            s,
            "",
            "2026-05-02",
            false,
            "",
            "2026-05-01",
            None,
        ),
    ];
    for (case, unit, new, on, compliant, old, removed_on, want) in table {
        let r = plaque_relapse(
            unit,
            PlaqueFacts {
                name: new,
                on: date(on),
            },
            compliant,
            PlaqueFacts {
                name: old,
                on: date(removed_on),
            },
        );
        match (r, want) {
            (None, None) => {}
            (Some(r), Some((clause, similarity, same))) => {
                assert_eq!(
                    cited(&r),
                    [
                        (clause.to_owned(), "removed_plaque_back"),
                        ("4.1-8".to_owned(), "relapse_detected")
                    ],
                    "{case}"
                );
                assert_eq!(r.similarity, Some(similarity), "{case}");
                let m = &r.reasons[0].message;
                assert!(m.contains(new) && m.contains(old), "{case}: {m}");
                assert!(m.contains(on) && m.contains(removed_on), "{case}: {m}");
                assert_eq!(m.contains("同名"), same, "{case}: {m}");
                assert_eq!(
                    m.contains(&format!("相似度 {similarity}%")),
                    !same,
                    "{case}: {m}"
                );
                assert!(r.reasons[1].message.contains("牌子"), "{case}");
            }
            (got, want) => panic!("{case}: got {got:?}, want {want:?}"),
        }
    }
}

#[test]
fn plaque_units_cite_their_clearing_clause() {
    assert_eq!(PlaqueUnit::StreetOrTown.clause().as_str(), "4.1-2");
    assert_eq!(PlaqueUnit::CommunityOrVillage.clause().as_str(), "4.4-2");
}

#[test]
fn demand_relapse_table() {
    // (case, new title, submitted on, revoked title, revoked on, similarity if matched)
    let table = [
        (
            "same title, submitted the day it was revoked",
            "社区消防安全台账报送",
            "2026-06-01",
            "社区消防安全台账报送",
            "2026-06-01",
            Some(100),
        ),
        (
            "same title, the day after",
            "社区消防安全台账报送",
            "2026-06-02",
            "社区消防安全台账报送",
            "2026-06-01",
            Some(100),
        ),
        (
            "same title, submitted the day before it was revoked",
            "社区消防安全台账报送",
            "2026-05-31",
            "社区消防安全台账报送",
            "2026-06-01",
            None,
        ),
        (
            "exactly at the threshold",
            AT_A,
            "2026-06-02",
            AT_B,
            "2026-06-01",
            Some(60),
        ),
        (
            "one below the threshold",
            BELOW_A,
            "2026-06-02",
            BELOW_B,
            "2026-06-01",
            None,
        ),
        (
            "unrelated titles",
            "老年人健康档案",
            "2026-06-02",
            "社区消防安全台账报送",
            "2026-06-01",
            None,
        ),
    ];
    for (case, title, on, old, revoked_on, want) in table {
        let r = demand_relapse(
            DemandFacts {
                title,
                number: "—",
                on: date(on),
            },
            DemandFacts {
                title: old,
                number: "TD-2026-0007",
                on: date(revoked_on),
            },
        );
        assert_eq!(r.as_ref().and_then(|r| r.similarity), want, "{case}");
        if let Some(r) = r {
            assert_eq!(
                cited(&r),
                [
                    ("4.2-5".to_owned(), "revoked_demand_back"),
                    ("4.1-8".to_owned(), "relapse_detected")
                ],
                "{case}"
            );
            let m = &r.reasons[0].message;
            assert!(m.contains("TD-2026-0007"), "{case}: {m}");
            assert!(m.contains(title) && m.contains(old), "{case}: {m}");
            assert!(m.contains(on) && m.contains(revoked_on), "{case}: {m}");
            assert!(
                m.contains(&format!("相似度 {}%", want.unwrap())),
                "{case}: {m}"
            );
            assert!(r.reasons[1].message.contains("撤销"), "{case}");
        }
    }
}
