//! Evaluations aimed at communities (4.3) as tables: facts in, outcome, clauses and reason codes
//! out; the veto wordings one by one, their negations, and the messages that say what matched.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use jianfu_rules::evaluation::{
    VETO_WORDINGS, mandate_required, no_separate_assessment, no_veto, normalise,
};
use jianfu_rules::{
    ClauseId, Decision, EvaluationFacts, EvaluationKind, Indicator, Mandate, MandateLevel,
    Organisation, Outcome, check_evaluation, veto_wording,
};

use EvaluationKind::{Appraisal, Compliance, Demonstration, Inspection, Supervision};
use Organisation::{Comprehensive, Separate};
use Outcome::{Allow, Reject};

fn clauses(d: &Decision) -> Vec<&'static str> {
    d.clauses.iter().map(|c| c.as_str()).collect()
}

fn codes(d: &Decision) -> Vec<&'static str> {
    d.codes().collect()
}

const CITY: Mandate<'static> = Mandate {
    level: MandateLevel::City,
    document: "鞍委办发〔2021〕12号",
};

fn mandate(level: MandateLevel, document: &'static str) -> Option<Mandate<'static>> {
    Some(Mandate { level, document })
}

const PLAIN: Indicator<'static> = Indicator {
    name: "居民服务",
    method: "按服务台账计分，满分 20 分",
    veto: false,
};

#[test]
fn a_mandate_of_the_three_levels_with_its_number_is_needed() {
    let cases: [(Option<Mandate<'static>>, Outcome, &str); 9] = [
        (
            mandate(MandateLevel::Central, "中办发〔2019〕10号"),
            Allow,
            "evaluation_mandate_cited",
        ),
        (
            mandate(MandateLevel::Provincial, "辽委办发〔2020〕3号"),
            Allow,
            "evaluation_mandate_cited",
        ),
        (Some(CITY), Allow, "evaluation_mandate_cited"),
        (
            mandate(MandateLevel::City, " "),
            Reject,
            "mandate_without_document",
        ),
        (
            mandate(MandateLevel::Central, ""),
            Reject,
            "mandate_without_document",
        ),
        (
            mandate(MandateLevel::District, "铁东区委发〔2021〕2号"),
            Reject,
            "mandate_level_insufficient",
        ),
        (
            mandate(MandateLevel::Other, "铁东区卫健局发〔2021〕2号"),
            Reject,
            "mandate_level_insufficient",
        ),
        // An insufficient level without a number is still the level's fault.
        (
            mandate(MandateLevel::Other, ""),
            Reject,
            "mandate_level_insufficient",
        ),
        (None, Reject, "evaluation_without_mandate"),
    ];
    for (m, outcome, code) in cases {
        let d = mandate_required(m);
        assert_eq!(d.outcome, outcome, "{m:?}");
        assert_eq!(codes(&d), [code], "{m:?}");
        assert_eq!(clauses(&d), ["4.3-2"], "{m:?}");
    }
    let d = mandate_required(Some(CITY));
    assert_eq!(
        d.reasons[0].message,
        "依据：市委、市政府明确要求开展（鞍委办发〔2021〕12号）"
    );
    let d = mandate_required(mandate(MandateLevel::District, "x"));
    assert!(
        d.reasons[0]
            .message
            .contains("区(市、县)党委、政府的文件不足以作为依据"),
        "{d:?}"
    );
    let d = mandate_required(mandate(MandateLevel::Other, "x"));
    assert!(
        d.reasons[0]
            .message
            .contains("其他机关的文件不足以作为依据"),
        "{d:?}"
    );
}

#[test]
fn levels_read_and_write_their_codes() {
    for l in MandateLevel::ALL {
        assert_eq!(MandateLevel::parse(l.as_str()), Some(l));
    }
    assert_eq!(MandateLevel::parse("emperor"), None);
    assert_eq!(MandateLevel::Other.label_zh(), "其他机关");
    assert!(!MandateLevel::Other.suffices() && !MandateLevel::District.suffices());
    assert!(MandateLevel::City.suffices());
    for k in EvaluationKind::ALL {
        assert_eq!(EvaluationKind::parse(k.as_str()), Some(k));
    }
    assert_eq!(EvaluationKind::parse("contest"), None);
    let labels: Vec<&str> = EvaluationKind::ALL.iter().map(|k| k.label_zh()).collect();
    assert_eq!(labels, ["达标", "检查", "评比", "示范创建", "督查"]);
    for o in [Separate, Comprehensive] {
        assert_eq!(Organisation::parse(o.as_str()), Some(o));
    }
    assert_eq!(Organisation::parse("both"), None);
    assert_eq!(Separate.label_zh(), "本部门单独组织");
    assert_eq!(
        Comprehensive.label_zh(),
        "纳入区(市、县)社区(村)工作综合考评"
    );
}

#[test]
fn a_department_does_not_run_its_own_assessment_of_communities() {
    let cases = [
        (
            Compliance,
            Separate,
            Reject,
            vec!["4.3-3"],
            vec!["department_own_assessment"],
        ),
        (
            Appraisal,
            Separate,
            Reject,
            vec!["4.3-3"],
            vec!["department_own_assessment"],
        ),
        (Compliance, Comprehensive, Allow, vec!["4.3-3"], vec![]),
        (Appraisal, Comprehensive, Allow, vec!["4.3-3"], vec![]),
        (Inspection, Separate, Allow, vec![], vec![]),
        (Demonstration, Separate, Allow, vec![], vec![]),
        (Supervision, Separate, Allow, vec![], vec![]),
        (Inspection, Comprehensive, Allow, vec![], vec![]),
    ];
    for (kind, org, outcome, cl, co) in cases {
        let d = no_separate_assessment(kind, org);
        assert_eq!(d.outcome, outcome, "{kind:?} {org:?}");
        assert_eq!(clauses(&d), cl, "{kind:?} {org:?}");
        assert_eq!(codes(&d), co, "{kind:?} {org:?}");
    }
    let d = no_separate_assessment(Appraisal, Separate);
    assert!(
        d.reasons[0].message.contains("评比只能作为指标纳入"),
        "{d:?}"
    );
    assert!(Compliance.assesses() && Appraisal.assesses());
    assert!(!Inspection.assesses() && !Demonstration.assesses() && !Supervision.assesses());
}

#[test]
fn every_listed_veto_wording_is_found_and_named() {
    for w in VETO_WORDINGS {
        let text = format!("考核中凡发生安全事故的，{w}。");
        assert_eq!(veto_wording(&text).as_deref(), Some(*w), "{text}");
        // At the very start and the very end of a text too.
        assert_eq!(veto_wording(w).as_deref(), Some(*w), "{w}");
    }
}

#[test]
fn zeroing_the_total_is_a_veto_and_a_score_is_not() {
    let found = [
        ("发生重大事故的，总分记零", "总分记零"),
        ("出现信访事件的总分为0", "总分为0"),
        ("总分为0。", "总分为0"),
        ("出现问题的，总成绩一律清零", "总成绩一律清零"),
        ("考核得分按零分计算", "考核得分按零分"),
        ("总得分计 0 分", "总得分计0"),
        ("全部得分归零", "全部得分归零"),
        ("考核成绩为零", "考核成绩为零"),
        ("总分记0分", "总分记0"),
        ("考核得分按0分计", "考核得分按0分"),
        ("总分为零", "总分为零"),
        // Full-width digits are read as digits.
        ("总分为０", "总分为0"),
    ];
    for (text, expected) in found {
        assert_eq!(veto_wording(text).as_deref(), Some(expected), "{text}");
    }
    let not = [
        "总分100分，其中居民满意度占40分",
        "总分为05分制的换算", // "为0" followed by a digit is a number
        "总分为0.5倍权重换算后计入",
        "该项不得分，总分按其余各项计算",
        "本项为零的，不影响其他项目得分",
        "总分一二三四五六为零", // the zeroing is too far from the total
        "按服务台账计分，满分 20 分",
        "",
    ];
    for text in not {
        assert_eq!(veto_wording(text), None, "{text}");
    }
}

#[test]
fn a_negated_wording_is_not_a_veto_and_other_words_before_it_are() {
    let not = [
        "本办法不实行一票否决",
        "不搞一票否决",
        "取消一票否决",
        "严禁实行一票否决",
        "杜绝一票否决",
        "无一票否决事项",
        "没有一票否决",
        "未设一票否决",
        "不再实行一票否决",
        "不得采取一票否决",
        "不予采用一票否决",
        "禁止使用一票否决",
        "不适用一票否决",
        "不作一票否决",
        "不设置一票否决",
    ];
    for text in not {
        assert_eq!(veto_wording(text), None, "{text}");
    }
    let found = [
        ("考核不合格的实行一票否决", "一票否决"),
        ("不合格一票否决", "一票否决"),
        // A negation further back than it reaches does not count.
        ("不按要求报送材料的社区一律一票否决", "一票否决"),
        // One negated occurrence does not hide a later one.
        ("一般问题不实行一票否决，重大事故一票否决", "一票否决"),
    ];
    for (text, expected) in found {
        assert_eq!(veto_wording(text).as_deref(), Some(expected), "{text}");
    }
}

#[test]
fn text_is_normalised_before_matching() {
    assert_eq!(normalise(" 一票 否决\n"), "一票否决");
    assert_eq!(normalise("总分为０ＡＢ"), "总分为0AB");
    assert_eq!(normalise("ａｚ０９"), "az09");
    assert_eq!(normalise("（）"), "（）", "full-width brackets stay");
    assert_eq!(
        veto_wording("实行 一 票 否 决").as_deref(),
        Some("一票否决")
    );
}

#[test]
fn a_flagged_indicator_or_a_veto_text_rejects_naming_where() {
    let flagged = Indicator {
        name: "安全生产",
        method: "无事故得满分",
        veto: true,
    };
    let d = no_veto(&[PLAIN, flagged], "");
    assert_eq!((d.outcome, clauses(&d)), (Reject, vec!["4.3-5"]));
    assert_eq!(codes(&d), ["veto_flagged"]);
    assert_eq!(
        d.reasons[0].message,
        "指标“安全生产”设为一票否决；对社区(村)的“一票否决”事项已取消"
    );

    let in_method = Indicator {
        name: " 信访稳定 ",
        method: "发生越级上访的，总分记零",
        veto: false,
    };
    let d = no_veto(&[in_method], "");
    assert_eq!(codes(&d), ["veto_wording"]);
    assert_eq!(
        d.reasons[0].message,
        "指标“信访稳定”的评分方法含“总分记零”，实际是一票否决；对社区(村)的“一票否决”事项已取消"
    );

    let in_name = Indicator {
        name: "安全一票否决",
        method: "",
        veto: false,
    };
    let d = no_veto(&[in_name], "");
    assert_eq!(
        d.reasons[0].message,
        "指标名称“安全一票否决”含“一票否决”，实际是一票否决；对社区(村)的“一票否决”事项已取消"
    );

    let d = no_veto(&[PLAIN], "出现重大舆情的，取消评优评先资格");
    assert_eq!(codes(&d), ["veto_wording"]);
    assert_eq!(
        d.reasons[0].message,
        "考核办法含“取消评优评先资格”，实际是一票否决；对社区(村)的“一票否决”事项已取消"
    );

    // Every place is reported: the flag, the name, the method and the rules.
    let all = Indicator {
        name: "一票否决项",
        method: "直接评为不合格",
        veto: true,
    };
    let d = no_veto(&[all], "总分为零");
    assert_eq!(
        codes(&d),
        [
            "veto_flagged",
            "veto_wording",
            "veto_wording",
            "veto_wording"
        ]
    );

    // Clean: allowed, 4.3-5 still cited.
    let d = no_veto(&[PLAIN], "按各项得分加总");
    assert_eq!(
        (d.outcome, clauses(&d), codes(&d)),
        (Allow, vec!["4.3-5"], vec![])
    );
    let d = no_veto(&[], "");
    assert_eq!((d.outcome, clauses(&d)), (Allow, vec!["4.3-5"]));
}

#[test]
fn the_whole_check_applies_the_three_rules_in_order() {
    type Case = (
        EvaluationKind,
        Organisation,
        Option<Mandate<'static>>,
        bool,
        &'static str,
        Outcome,
        &'static [&'static str],
        &'static [&'static str],
    );
    let cases: [Case; 6] = [
        (
            Inspection,
            Separate,
            Some(CITY),
            false,
            "",
            Allow,
            &["4.3-2", "4.3-5"],
            &["evaluation_mandate_cited"],
        ),
        (
            Appraisal,
            Comprehensive,
            Some(CITY),
            false,
            "",
            Allow,
            &["4.3-2", "4.3-3", "4.3-5"],
            &["evaluation_mandate_cited"],
        ),
        (
            Appraisal,
            Separate,
            Some(CITY),
            false,
            "",
            Reject,
            &["4.3-2", "4.3-3", "4.3-5"],
            &["evaluation_mandate_cited", "department_own_assessment"],
        ),
        (
            Demonstration,
            Separate,
            None,
            false,
            "",
            Reject,
            &["4.3-2", "4.3-5"],
            &["evaluation_without_mandate"],
        ),
        (
            Supervision,
            Separate,
            Some(CITY),
            true,
            "",
            Reject,
            &["4.3-2", "4.3-5"],
            &["evaluation_mandate_cited", "veto_flagged"],
        ),
        (
            Compliance,
            Separate,
            None,
            false,
            "实行一票否决",
            Reject,
            &["4.3-2", "4.3-3", "4.3-5"],
            &[
                "evaluation_without_mandate",
                "department_own_assessment",
                "veto_wording",
            ],
        ),
    ];
    for (kind, organisation, mandate, veto, rules_text, outcome, cl, co) in cases {
        let indicators = [Indicator { veto, ..PLAIN }];
        let d = check_evaluation(&EvaluationFacts {
            kind,
            organisation,
            mandate,
            indicators: &indicators,
            rules_text,
        });
        assert_eq!(d.outcome, outcome, "{kind:?} {organisation:?}");
        assert_eq!(clauses(&d), cl, "{kind:?} {organisation:?}");
        assert_eq!(codes(&d), co, "{kind:?} {organisation:?}");
    }
}

#[test]
fn the_clauses_cited_exist_in_the_policy() {
    for id in ["4.3-2", "4.3-3", "4.3-5"] {
        assert!(ClauseId::lookup(id).is_some(), "{id}");
    }
}

#[test]
fn an_on_site_check_without_an_admitted_number_for_the_community_may_be_refused() {
    use jianfu_rules::evaluation::{VisitNumber as V, on_site_check};
    let table = [
        (V::Admitted, Allow, None),
        (V::Missing, Reject, Some("visit_without_number")),
        (V::Unknown, Reject, Some("visit_number_unknown")),
        (V::NotAnEvaluation, Reject, Some("visit_not_an_evaluation")),
        (V::NotInForce, Reject, Some("visit_number_not_in_force")),
        (
            V::NotForThisCommunity,
            Reject,
            Some("visit_not_for_community"),
        ),
    ];
    for (case, outcome, code) in table {
        let d = on_site_check(case);
        assert_eq!(d.outcome, outcome, "{case:?}");
        assert_eq!(clauses(&d), ["4.2-5", "4.3-2"], "{case:?}");
        match code {
            None => assert!(d.reasons.is_empty(), "{case:?}"),
            Some(code) => {
                assert_eq!(codes(&d), [code, code], "{case:?}");
                assert_eq!(d.reasons[0].clause.as_str(), "4.2-5");
                assert!(
                    d.reasons[0].message.contains("可以拒绝接待并举报"),
                    "{case:?}"
                );
                assert!(d.reasons[1].message.contains("须经准入"), "{case:?}");
            }
        }
    }
}
