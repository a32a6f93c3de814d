//! The district's comprehensive evaluation (4.3-4) as tables: designs in, outcome and codes
//! out; satisfaction from tallies at the sample boundary; totals and rankings to the hundredth.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use jianfu_rules::Outcome::{Allow, Reject};
use jianfu_rules::comprehensive::{
    Group, Incomplete, Rating, Tally, check_design, rank, satisfaction, total,
};

fn g(name: &'static str, weight: u32, satisfaction: bool) -> Group<'static> {
    Group {
        name,
        weight,
        satisfaction,
    }
}

fn codes(d: &jianfu_rules::Decision) -> Vec<&'static str> {
    d.codes().collect()
}

#[test]
fn satisfaction_must_be_there_once_and_weigh_most() {
    let cases: [(Vec<Group<'static>>, jianfu_rules::Outcome, Vec<&str>); 7] = [
        (
            vec![
                g("居民满意度", 40, true),
                g("自荐申报", 35, false),
                g("部门指标", 25, false),
            ],
            Allow,
            vec![],
        ),
        (vec![g("居民满意度", 100, true)], Allow, vec![]),
        // One point more is enough; equal is not.
        (
            vec![
                g("居民满意度", 34, true),
                g("自荐申报", 33, false),
                g("部门指标", 33, false),
            ],
            Allow,
            vec![],
        ),
        (
            vec![
                g("居民满意度", 35, true),
                g("自荐申报", 35, false),
                g("部门指标", 30, false),
            ],
            Reject,
            vec!["satisfaction_not_largest"],
        ),
        (
            vec![
                g("自荐申报", 30, false),
                g("居民满意度", 30, true),
                g("部门指标", 40, false),
            ],
            Reject,
            vec!["satisfaction_not_largest"],
        ),
        (
            vec![g("自荐申报", 60, false), g("部门指标", 40, false)],
            Reject,
            vec!["satisfaction_missing"],
        ),
        (
            vec![g("满意度一", 50, true), g("满意度二", 50, true)],
            Reject,
            vec!["satisfaction_twice"],
        ),
    ];
    for (groups, outcome, expected) in cases {
        let d = check_design(&groups);
        assert_eq!(d.outcome, outcome, "{groups:?}");
        assert_eq!(codes(&d), expected, "{groups:?}");
        let cl: Vec<&str> = d.clauses.iter().map(|c| c.as_str()).collect();
        assert_eq!(cl, ["4.3-4"], "{groups:?}");
    }
    let d = check_design(&[g("居民满意度", 30, true), g(" 部门指标 ", 40, false)]);
    assert_eq!(
        d.reasons[0].message,
        "综合考评以居民群众满意度为主要标准：居民满意度的权重（30%）须大于其他任何指标组，“部门指标”为 40%"
    );
    assert!(
        check_design(&[]).reasons[0]
            .message
            .contains("请设居民满意度指标组")
    );
}

#[test]
fn ratings_read_write_and_score() {
    let points: Vec<u32> = Rating::ALL.iter().map(|r| r.points()).collect();
    assert_eq!(points, [100, 80, 60, 40, 20]);
    let labels: Vec<&str> = Rating::ALL.iter().map(|r| r.label_zh()).collect();
    assert_eq!(labels, ["非常满意", "满意", "一般", "不满意", "非常不满意"]);
    for r in Rating::ALL {
        assert_eq!(Rating::parse(r.as_str()), Some(r));
    }
    assert_eq!(Rating::parse("ok"), None);
    let low: Vec<bool> = Rating::ALL.iter().map(|r| r.is_low()).collect();
    assert_eq!(low, [false, false, false, true, true]);
}

fn tally(answers: &[Rating], responses: u64) -> Tally {
    let mut t = Tally {
        responses,
        ..Tally::default()
    };
    for a in answers {
        t.add(*a);
    }
    t
}

#[test]
fn satisfaction_counts_from_the_minimum_sample_rounded_half_up() {
    use Rating::*;
    let t = tally(&[VerySatisfied, Satisfied, Neutral], 3);
    assert_eq!(t.answers(), 3);
    assert_eq!(t.counts, [1, 1, 1, 0, 0]);
    // (100 + 80 + 60) / 3 = 80.00
    assert_eq!(satisfaction(&t, 3), Some(8000));
    assert_eq!(satisfaction(&t, 4), None, "below the minimum sample");
    assert_eq!(satisfaction(&t, 0), Some(8000));
    // (100 + 100 + 20) / 3 = 73.333… → 7333
    assert_eq!(
        satisfaction(
            &tally(&[VerySatisfied, VerySatisfied, VeryDissatisfied], 1),
            1
        ),
        Some(7333)
    );
    // (100 + 80 + 80) / 3 = 86.666… → 8667 (half up)
    assert_eq!(
        satisfaction(&tally(&[VerySatisfied, Satisfied, Satisfied], 1), 1),
        Some(8667)
    );
    // 40 and 20 over two: 30.00; 20 alone: 20.00
    assert_eq!(
        satisfaction(&tally(&[Dissatisfied, VeryDissatisfied], 2), 2),
        Some(3000)
    );
    assert_eq!(satisfaction(&tally(&[VeryDissatisfied], 1), 1), Some(2000));
    // (100 + 40) / 2 = 70.00
    assert_eq!(
        satisfaction(&tally(&[VerySatisfied, Dissatisfied], 1), 1),
        Some(7000)
    );
    // No answer: nothing to count, whatever the responses.
    assert_eq!(satisfaction(&tally(&[], 5), 0), None);
    // Answers of many questions per response: the sample is counted in responses.
    let t = tally(&[Satisfied; 12], 3);
    assert_eq!(
        (satisfaction(&t, 3), satisfaction(&t, 4)),
        (Some(8000), None)
    );
}

#[test]
fn a_total_is_the_weighted_sum_in_hundredths_and_needs_every_group() {
    let groups = [
        g("居民满意度", 40, true),
        g("自荐申报", 35, false),
        g("部门指标", 25, false),
    ];
    // 40 × 80.00 + 35 × 90.00 + 25 × 70.00 = 3200 + 3150 + 1750 = 81.00
    assert_eq!(
        total(&groups, &[Some(8000), Some(9000), Some(7000)]),
        Ok(8100)
    );
    // 40 × 73.33 + 35 × 66.67 + 25 × 100 = 2933.2 + 2333.45 + 2500 → 77.6665 → 77.67
    assert_eq!(
        total(&groups, &[Some(7333), Some(6667), Some(10000)]),
        Ok(7767)
    );
    // Half a hundredth rounds up: 50 × 0.01 = 0.005 → 0.01; 49 × 0.01 = 0.0049 → 0.
    assert_eq!(
        total(&[g("a", 50, true), g("b", 50, false)], &[Some(1), Some(0)]),
        Ok(1)
    );
    assert_eq!(
        total(&[g("a", 49, true), g("b", 51, false)], &[Some(1), Some(0)]),
        Ok(0)
    );
    assert_eq!(total(&groups, &[Some(0), Some(0), Some(0)]), Ok(0));
    assert_eq!(
        total(&groups, &[Some(10000), Some(10000), Some(10000)]),
        Ok(10000)
    );
    assert_eq!(
        total(&groups, &[Some(8000), None, Some(7000)]),
        Err(Incomplete::Missing(1))
    );
    assert_eq!(
        total(&groups, &[Some(8000), Some(9000)]),
        Err(Incomplete::Mismatch)
    );
    assert_eq!(
        total(&groups, &[Some(8000), Some(9000), Some(10001)]),
        Err(Incomplete::OutOfRange(2))
    );
    assert_eq!(total(&[], &[]), Ok(0));
}

#[test]
fn ranks_share_ties_and_skip_after_them() {
    let r = rank(&[
        ("和平", 8100),
        ("光明", 9000),
        ("新华", 8100),
        ("繁荣", 7000),
        ("新建", 9000),
    ]);
    let got: Vec<(&str, u32, usize)> = r.into_iter().collect();
    assert_eq!(
        got,
        [
            ("光明", 9000, 1),
            ("新建", 9000, 1),
            ("和平", 8100, 3),
            ("新华", 8100, 3),
            ("繁荣", 7000, 5)
        ]
    );
    assert!(rank::<i64>(&[]).is_empty());
    assert_eq!(rank(&[(7, 0)]), [(7, 0, 1)]);
    assert_eq!(rank(&[(1, 5), (2, 6)]), [(2, 6, 1), (1, 5, 2)]);
}
