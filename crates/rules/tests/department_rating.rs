//! Communities rate departments (5.3-2) as tables: tallies and facts in, rating, findings
//! (codes, wordings) and the clause out; the rater threshold and the rounding at their edges.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use jianfu_rules::Outcome::Allow;
use jianfu_rules::comprehensive::{Rating, Tally};
use jianfu_rules::department_rating::{
    Facts, LOW_RATING, MIN_RATERS, QUESTIONS, assess, shown_to_department,
};

/// `raters` communities, each answering every question with `r`.
fn all(raters: u64, r: Rating) -> Tally {
    let mut t = Tally {
        responses: raters,
        ..Tally::default()
    };
    for _ in 0..raters * QUESTIONS.len() as u64 {
        t.add(r);
    }
    t
}

fn facts(admitted: u64, unadmitted: u64, minutes: u64, overdue: u64) -> Facts {
    Facts {
        admitted,
        unadmitted_reported: unadmitted,
        burden_minutes: minutes,
        overdue_cases: overdue,
    }
}

/// A case: its name, the communities' answers, the facts, the rating and the finding codes.
type Case = (&'static str, Tally, Facts, Option<u32>, Vec<&'static str>);

#[test]
fn assessments_by_case() {
    use Rating::*;
    // (case, tally, facts, rating, codes)
    let cases: Vec<Case> = vec![
        (
            "no rater, no facts",
            Tally::default(),
            Facts::default(),
            None,
            vec!["too_few_raters"],
        ),
        (
            "two raters: not yet",
            all(2, VerySatisfied),
            facts(3, 0, 0, 0),
            None,
            vec!["too_few_raters"],
        ),
        (
            "three raters: counts",
            all(3, Satisfied),
            facts(3, 0, 0, 0),
            Some(8_000),
            vec![],
        ),
        (
            "neutral is not low",
            all(3, Neutral),
            Facts::default(),
            Some(6_000),
            vec![],
        ),
        (
            "below neutral is low",
            all(4, Dissatisfied),
            Facts::default(),
            Some(4_000),
            vec!["low_rating"],
        ),
        (
            "every finding",
            all(3, VeryDissatisfied),
            facts(1, 3, 120, 2),
            Some(2_000),
            vec!["unadmitted_demands", "overdue_cases", "low_rating"],
        ),
        (
            "too few and unadmitted",
            all(1, Satisfied),
            facts(0, 1, 0, 0),
            None,
            vec!["too_few_raters", "unadmitted_demands"],
        ),
    ];
    for (case, t, f, rating, codes) in cases {
        let a = assess(&t, &f);
        assert_eq!(a.rating, rating, "{case}");
        assert_eq!(a.raters, t.responses, "{case}");
        assert_eq!(a.decision.codes().collect::<Vec<_>>(), codes, "{case}");
        assert_eq!(a.decision.outcome, Allow, "{case}");
        assert!(a.decision.cites(jianfu_rules::clause!("5.3-2")), "{case}");
        assert_eq!(a.unadmitted_percent, f.unadmitted_percent(), "{case}");
    }
}

#[test]
fn the_rating_is_the_mean_to_the_hundredth_and_low_just_below_sixty() {
    // One 一般 short of all 一般 among 3 × 5 answers: (14 × 60 + 40) / 15 = 58.67 → low.
    let mut t = all(3, Rating::Neutral);
    t.counts[2] -= 1;
    t.add(Rating::Dissatisfied);
    let a = assess(&t, &Facts::default());
    assert_eq!(a.rating, Some(5_867));
    assert!(a.rating.unwrap() < LOW_RATING);
    assert_eq!(a.decision.codes().collect::<Vec<_>>(), ["low_rating"]);
    let msg = &a.decision.reasons[0].message;
    assert!(msg.contains("58.67") && msg.contains("一般"), "{msg}");
    // One 满意 in place of an 一般: (14 × 60 + 80) / 15 = 61.33 → not low.
    let mut t = all(3, Rating::Neutral);
    t.counts[2] -= 1;
    t.add(Rating::Satisfied);
    assert_eq!(assess(&t, &Facts::default()).rating, Some(6_133));
    assert!(assess(&t, &Facts::default()).decision.reasons.is_empty());
}

#[test]
fn wordings_name_the_numbers() {
    let a = assess(&all(2, Rating::Satisfied), &facts(1, 3, 0, 2));
    let m: Vec<&str> = a
        .decision
        .reasons
        .iter()
        .map(|r| r.message.as_ref())
        .collect();
    assert!(m[0].contains("不足 3 个（现为 2）"), "{}", m[0]);
    assert!(
        m[1].contains("3 项未经准入") && m[1].contains("75%"),
        "{}",
        m[1]
    );
    assert!(m[2].contains("2 件督办案件逾期"), "{}", m[2]);
}

#[test]
fn the_threshold_hides_a_lone_rater() {
    assert_eq!(MIN_RATERS, 3);
    assert!(!shown_to_department(0));
    assert!(!shown_to_department(2));
    assert!(shown_to_department(3));
    assert!(shown_to_department(4));
}

#[test]
fn facts_in_percent_and_hours() {
    // (admitted, unadmitted) → percent, half up.
    for (a, u, p) in [
        (0, 0, None),
        (1, 0, Some(0)),
        (0, 2, Some(100)),
        (1, 1, Some(50)),
        (2, 1, Some(33)),
        (1, 2, Some(67)),
        (7, 1, Some(13)),
    ] {
        assert_eq!(facts(a, u, 0, 0).unadmitted_percent(), p, "{a}/{u}");
    }
    // Minutes → tenths of an hour, half up: 3 min = 0.05 h → 0.1; 2 min → 0.0; 90 → 1.5.
    for (m, t) in [(0, 0), (2, 0), (3, 1), (8, 1), (9, 2), (90, 15), (125, 21)] {
        assert_eq!(facts(0, 0, m, 0).burden_tenth_hours(), t, "{m} min");
    }
}

#[test]
fn questions_have_unique_codes_and_texts() {
    let mut codes: Vec<&str> = QUESTIONS.iter().map(|q| q.code).collect();
    codes.sort_unstable();
    codes.dedup();
    assert_eq!(codes.len(), QUESTIONS.len());
    assert!(QUESTIONS.iter().all(|q| !q.text.is_empty()));
}
