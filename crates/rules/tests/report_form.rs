//! Report forms (4.8-3, 4.9-2 … 4.9-4) as tables: facts in, outcome, clauses and reason codes
//! out; the periods each frequency fits, the burden, the sharing classes and every wording.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use jianfu_rules::report_form::{
    agri_cap, collected_once, occurrences, proper_respondent, rural_dispatch_quarterly,
};
use jianfu_rules::{
    Date, Decision, DistrictCap, FieldKind, FormField, Frequency, Outcome, PeriodError,
    ProperRespondent, ReportFormFacts, RuralWork, SharingClass, burden_minutes, check_report_form,
};

use Frequency::{HalfYearly, Monthly, Once, Quarterly, Weekly, Yearly};
use Outcome::{Allow, Reject};

fn clauses(d: &Decision) -> Vec<&'static str> {
    d.clauses.iter().map(|c| c.as_str()).collect()
}

fn codes(d: &Decision) -> Vec<&'static str> {
    d.codes().collect()
}

fn messages(d: &Decision) -> Vec<String> {
    d.reasons.iter().map(|r| r.message.to_string()).collect()
}

fn day(s: &str) -> Date {
    Date::parse(s).unwrap()
}

const fn field(name: &'static str, kind: FieldKind, shared: bool) -> FormField<'static> {
    FormField { name, kind, shared }
}

#[test]
fn how_often_a_frequency_falls_in_a_period() {
    let cases: &[(Frequency, &str, &str, Result<u32, PeriodError>)] = &[
        // One-off: any period of at least a day.
        (Once, "2026-03-01", "2026-03-01", Ok(1)),
        (Once, "2026-03-01", "2026-12-31", Ok(1)),
        (Once, "2026-03-02", "2026-03-01", Err(PeriodError::Reversed)),
        // Weekly: whole weeks of seven days.
        (
            Weekly,
            "2026-03-02",
            "2026-03-03",
            Err(PeriodError::TooShort),
        ),
        (
            Weekly,
            "2026-03-02",
            "2026-03-07",
            Err(PeriodError::TooShort),
        ),
        (Weekly, "2026-03-02", "2026-03-08", Ok(1)),
        (Weekly, "2026-03-02", "2026-03-15", Ok(2)),
        (Weekly, "2026-03-02", "2026-03-21", Ok(2)),
        (
            Weekly,
            "2026-03-02",
            "2026-03-01",
            Err(PeriodError::Reversed),
        ),
        // Monthly: whole calendar months up to the day after the end.
        (
            Monthly,
            "2026-01-01",
            "2026-01-30",
            Err(PeriodError::TooShort),
        ),
        (Monthly, "2026-01-01", "2026-01-31", Ok(1)),
        (
            Monthly,
            "2026-01-15",
            "2026-02-13",
            Err(PeriodError::TooShort),
        ),
        (Monthly, "2026-01-15", "2026-02-14", Ok(1)),
        (Monthly, "2026-01-01", "2026-12-31", Ok(12)),
        (Monthly, "2025-12-01", "2026-02-28", Ok(3)),
        (Monthly, "2026-01-01", "2026-12-30", Ok(11)),
        // Quarterly, half-yearly, yearly: three, six and twelve whole months.
        (
            Quarterly,
            "2026-01-01",
            "2026-03-30",
            Err(PeriodError::TooShort),
        ),
        (Quarterly, "2026-01-01", "2026-03-31", Ok(1)),
        (Quarterly, "2026-01-01", "2026-12-31", Ok(4)),
        (
            HalfYearly,
            "2026-01-01",
            "2026-06-29",
            Err(PeriodError::TooShort),
        ),
        (HalfYearly, "2026-01-01", "2026-06-30", Ok(1)),
        (HalfYearly, "2026-01-01", "2027-12-31", Ok(4)),
        (
            Yearly,
            "2026-01-01",
            "2026-12-30",
            Err(PeriodError::TooShort),
        ),
        (Yearly, "2026-01-01", "2026-12-31", Ok(1)),
        (Yearly, "2026-07-01", "2028-06-30", Ok(2)),
        (
            Yearly,
            "2026-07-01",
            "2026-06-30",
            Err(PeriodError::Reversed),
        ),
        // The last day of the calendar: no day after it, the months end on it.
        (Once, "9999-12-31", "9999-12-31", Ok(1)),
    ];
    for (frequency, start, end, expected) in cases {
        assert_eq!(
            occurrences(*frequency, day(start), day(end)),
            *expected,
            "{frequency:?} {start}..{end}"
        );
    }
}

#[test]
fn period_errors_have_codes_and_messages() {
    assert_eq!(PeriodError::Reversed.code(), "period_reversed");
    assert_eq!(PeriodError::TooShort.code(), "frequency_period_mismatch");
    assert_eq!(
        PeriodError::Reversed.message(),
        "填报期间的结束日期早于开始日期"
    );
    assert_eq!(
        PeriodError::TooShort.message(),
        "填报期间短于一个填报周期，频度与期间不相符"
    );
}

#[test]
fn vocabularies_round_trip_with_their_labels() {
    let frequencies = [
        (Once, "once", "一次性", false),
        (Weekly, "weekly", "周报", true),
        (Monthly, "monthly", "月报", true),
        (Quarterly, "quarterly", "季报", false),
        (HalfYearly, "half_yearly", "半年报", false),
        (Yearly, "yearly", "年报", false),
    ];
    assert_eq!(Frequency::ALL.len(), frequencies.len());
    for (f, s, zh, often) in frequencies {
        assert_eq!((f.as_str(), f.label_zh()), (s, zh));
        assert_eq!(Frequency::parse(s), Some(f));
        assert_eq!(f.more_often_than_quarterly(), often, "{s}");
    }
    assert_eq!(Frequency::parse("daily"), None);

    let kinds = [
        (FieldKind::Integer, "integer", "整数", 2),
        (FieldKind::Decimal, "decimal", "小数", 3),
        (FieldKind::Text, "text", "文本", 5),
        (FieldKind::Date, "date", "日期", 1),
        (FieldKind::Choice, "choice", "选项", 1),
        (FieldKind::PersonRecord, "person_record", "人员明细", 30),
    ];
    assert_eq!(FieldKind::ALL.len(), kinds.len());
    for (k, s, zh, minutes) in kinds {
        assert_eq!((k.as_str(), k.label_zh(), k.minutes()), (s, zh, minutes));
        assert_eq!(FieldKind::parse(s), Some(k));
    }
    assert_eq!(FieldKind::parse("blob"), None);

    let classes = [
        (SharingClass::Unconditional, "unconditional", "无条件共享"),
        (SharingClass::Conditional, "conditional", "有条件共享"),
        (SharingClass::NotShared, "not_shared", "不予共享"),
    ];
    assert_eq!(SharingClass::ALL.len(), classes.len());
    for (c, s, zh) in classes {
        assert_eq!((c.as_str(), c.label_zh()), (s, zh));
        assert_eq!(SharingClass::parse(s), Some(c));
    }
    assert_eq!(SharingClass::parse("open"), None);

    let works = [
        (RuralWork::Production, "production", "生产经营", true),
        (
            RuralWork::LivingEnvironment,
            "living_environment",
            "人居环境整治",
            true,
        ),
        (RuralWork::Ecology, "ecology", "生态文明建设", true),
        (RuralWork::Other, "other", "其他涉农工作", false),
    ];
    assert_eq!(RuralWork::ALL.len(), works.len());
    for (w, s, zh, quarterly) in works {
        assert_eq!((w.as_str(), w.label_zh()), (s, zh));
        assert_eq!(RuralWork::parse(s), Some(w));
        assert_eq!(w.dispatched_quarterly(), quarterly, "{s}");
    }
    assert_eq!(RuralWork::parse("industry"), None);

    let respondents = [
        (ProperRespondent::Community, "community", "社区(村)组织"),
        (ProperRespondent::FamilyFarm, "family_farm", "家庭农场"),
        (ProperRespondent::Cooperative, "cooperative", "农民合作社"),
        (
            ProperRespondent::AgriculturalEnterprise,
            "agricultural_enterprise",
            "农业企业",
        ),
        (
            ProperRespondent::StreetGovernment,
            "street_government",
            "街道(乡镇)政府",
        ),
    ];
    assert_eq!(ProperRespondent::ALL.len(), respondents.len());
    for (r, s, zh) in respondents {
        assert_eq!((r.as_str(), r.label_zh()), (s, zh));
        assert_eq!(ProperRespondent::parse(s), Some(r));
    }
    assert_eq!(ProperRespondent::parse("household"), None);
}

#[test]
fn who_may_read_an_item_of_each_sharing_class() {
    // (class, reader is the source, request granted, readable)
    let cases = [
        (SharingClass::Unconditional, false, false, true),
        (SharingClass::Unconditional, true, false, true),
        (SharingClass::Conditional, false, false, false),
        (SharingClass::Conditional, false, true, true),
        (SharingClass::Conditional, true, false, true),
        (SharingClass::NotShared, false, false, false),
        (SharingClass::NotShared, false, true, false),
        (SharingClass::NotShared, true, false, true),
    ];
    for (class, source, granted, readable) in cases {
        assert_eq!(
            class.readable(source, granted),
            readable,
            "{class:?} source={source} granted={granted}"
        );
    }
}

/// (case, fields, outcome, reason codes, messages).
type SharedCase<'a> = (
    &'static str,
    &'a [FormField<'static>],
    Outcome,
    &'static [&'static str],
    &'static [&'static str],
);

/// (frequency, rural work, outcome, clauses, reason codes).
type RuralCase = (
    Frequency,
    Option<RuralWork>,
    Outcome,
    &'static [&'static str],
    &'static [&'static str],
);

#[test]
fn data_is_collected_once_4_8_3() {
    let population = field("户籍人口数", FieldKind::Integer, true);
    let farmland = field("耕地面积", FieldKind::Decimal, true);
    let elderly = field("独居老人名单", FieldKind::PersonRecord, false);
    let note = field("备注", FieldKind::Text, false);
    let cases: &[SharedCase<'_>] = &[
        ("nothing shared", &[elderly, note], Allow, &[], &[]),
        (
            "one of three shared is pre-filled",
            &[population, elderly, note],
            Allow,
            &["fields_prefilled"],
            &["平台已有且本部门可共享读取的字段（户籍人口数）将预先填好，不再要求社区(村)填报"],
        ),
        (
            "two shared, one to fill",
            &[population, farmland, elderly],
            Allow,
            &["fields_prefilled"],
            &[
                "平台已有且本部门可共享读取的字段（户籍人口数、耕地面积）将预先填好，不再要求社区(村)填报",
            ],
        ),
        (
            "every field shared: use the shared data",
            &[population, farmland],
            Reject,
            &["use_shared_data"],
            &[
                "所有字段（户籍人口数、耕地面积）平台已有且本部门可共享读取，请直接使用共享数据，不再要求社区(村)填报",
            ],
        ),
        ("no fields: nothing to say", &[], Allow, &[], &[]),
    ];
    for (name, fields, outcome, expected_codes, expected_messages) in cases {
        let d = collected_once(fields);
        assert_eq!(d.outcome, *outcome, "{name}");
        assert_eq!(clauses(&d), ["4.8-3"], "{name}");
        assert_eq!(codes(&d), *expected_codes, "{name}");
        assert_eq!(messages(&d), *expected_messages, "{name}");
    }
}

#[test]
fn rural_dispatch_is_quarterly_or_half_yearly_4_9_3() {
    use RuralWork::{Ecology, LivingEnvironment, Other, Production};
    let cases: &[RuralCase] = &[
        (Monthly, None, Allow, &[], &[]),
        (Weekly, None, Allow, &[], &[]),
        (Monthly, Some(Other), Allow, &[], &[]),
        (
            Weekly,
            Some(Production),
            Reject,
            &["4.9-3"],
            &["rural_dispatch_too_frequent"],
        ),
        (
            Monthly,
            Some(Production),
            Reject,
            &["4.9-3"],
            &["rural_dispatch_too_frequent"],
        ),
        (
            Monthly,
            Some(LivingEnvironment),
            Reject,
            &["4.9-3"],
            &["rural_dispatch_too_frequent"],
        ),
        (
            Weekly,
            Some(Ecology),
            Reject,
            &["4.9-3"],
            &["rural_dispatch_too_frequent"],
        ),
        (Quarterly, Some(LivingEnvironment), Allow, &["4.9-3"], &[]),
        (HalfYearly, Some(Production), Allow, &["4.9-3"], &[]),
        (Yearly, Some(Ecology), Allow, &["4.9-3"], &[]),
        (Once, Some(Ecology), Allow, &["4.9-3"], &[]),
    ];
    for (frequency, work, outcome, expected_clauses, expected_codes) in cases {
        let d = rural_dispatch_quarterly(*frequency, *work);
        let name = format!("{frequency:?} {work:?}");
        assert_eq!(d.outcome, *outcome, "{name}");
        assert_eq!(clauses(&d), *expected_clauses, "{name}");
        assert_eq!(codes(&d), *expected_codes, "{name}");
    }
    let d = rural_dispatch_quarterly(Monthly, Some(LivingEnvironment));
    assert_eq!(
        messages(&d),
        ["人居环境整治等乡村振兴相关工作的调度应当按季度或者半年填报，不得按月报填报"]
    );
}

#[test]
fn weekly_and_monthly_agri_report_forms_stay_under_the_cap_4_9_2() {
    let tiedong = |cap, counted| DistrictCap {
        district: "铁东区",
        cap,
        counted,
    };
    let haicheng = |cap, counted| DistrictCap {
        district: "海城市",
        cap,
        counted,
    };
    let some = Some(RuralWork::Other);
    type Case = (
        Frequency,
        Option<RuralWork>,
        Vec<DistrictCap<'static>>,
        Outcome,
        &'static [&'static str],
        &'static [&'static str],
    );
    let cases: Vec<Case> = vec![
        // Not agricultural, or not weekly/monthly: the cap does not apply.
        (Monthly, None, vec![tiedong(Some(0), 9)], Allow, &[], &[]),
        (Quarterly, some, vec![tiedong(Some(0), 9)], Allow, &[], &[]),
        (Once, some, vec![tiedong(None, 0)], Allow, &[], &[]),
        (Yearly, some, vec![tiedong(None, 0)], Allow, &[], &[]),
        // Under the cap: one place left.
        (
            Monthly,
            some,
            vec![tiedong(Some(3), 2)],
            Allow,
            &["4.9-2"],
            &[],
        ),
        (
            Weekly,
            some,
            vec![tiedong(Some(1), 0)],
            Allow,
            &["4.9-2"],
            &[],
        ),
        // At the cap: this one would pass it.
        (
            Monthly,
            some,
            vec![tiedong(Some(3), 3)],
            Reject,
            &["4.9-2"],
            &["agri_cap_exceeded"],
        ),
        (
            Weekly,
            some,
            vec![tiedong(Some(0), 0)],
            Reject,
            &["4.9-2"],
            &["agri_cap_exceeded"],
        ),
        (
            Monthly,
            Some(RuralWork::Production),
            vec![tiedong(Some(2), 5)],
            Reject,
            &["4.9-2"],
            &["agri_cap_exceeded"],
        ),
        // No cap set: rejected for that district.
        (
            Monthly,
            some,
            vec![tiedong(None, 0)],
            Reject,
            &["4.9-2"],
            &["agri_cap_unset"],
        ),
        // Each district on its own.
        (
            Monthly,
            some,
            vec![tiedong(Some(3), 1), haicheng(Some(2), 2)],
            Reject,
            &["4.9-2"],
            &["agri_cap_exceeded"],
        ),
        (
            Weekly,
            some,
            vec![tiedong(None, 0), haicheng(Some(2), 2)],
            Reject,
            &["4.9-2"],
            &["agri_cap_unset", "agri_cap_exceeded"],
        ),
        (
            Monthly,
            some,
            vec![tiedong(Some(3), 1), haicheng(Some(3), 2)],
            Allow,
            &["4.9-2"],
            &[],
        ),
    ];
    for (frequency, work, districts, outcome, expected_clauses, expected_codes) in &cases {
        let d = agri_cap(*frequency, *work, districts);
        let name = format!("{frequency:?} {work:?} {districts:?}");
        assert_eq!(d.outcome, *outcome, "{name}");
        assert_eq!(clauses(&d), *expected_clauses, "{name}");
        assert_eq!(codes(&d), *expected_codes, "{name}");
    }
    let d = agri_cap(Monthly, some, &[tiedong(None, 0), haicheng(Some(2), 2)]);
    assert_eq!(
        messages(&d),
        [
            "铁东区尚未设定周、月涉农报表数量上限，不能再向其社区(村)下发周报、月报",
            "海城市的周、月涉农报表上限为2张，已有2张在填报，不能再增加",
        ]
    );
}

#[test]
fn the_proper_respondent_fills_it_4_9_4() {
    use ProperRespondent::{
        AgriculturalEnterprise, Community, Cooperative, FamilyFarm, StreetGovernment,
    };
    let cases = [
        (Community, Allow, None, None),
        (
            FamilyFarm,
            Reject,
            Some("respondent_is_new_agri_entity"),
            Some("应当由家庭农场等新型农业经营主体填制的报表，不得转给社区(村)组织填制报送"),
        ),
        (
            Cooperative,
            Reject,
            Some("respondent_is_new_agri_entity"),
            Some("应当由农民合作社等新型农业经营主体填制的报表，不得转给社区(村)组织填制报送"),
        ),
        (
            AgriculturalEnterprise,
            Reject,
            Some("respondent_is_new_agri_entity"),
            Some("应当由农业企业等新型农业经营主体填制的报表，不得转给社区(村)组织填制报送"),
        ),
        (
            StreetGovernment,
            Reject,
            Some("work_of_street_government"),
            Some("应当由街道(乡镇)政府收集、整理、汇总的报表工作，不得转嫁给社区(村)组织负责"),
        ),
    ];
    for (respondent, outcome, code, message) in cases {
        let d = proper_respondent(respondent);
        assert_eq!(d.outcome, outcome, "{respondent:?}");
        assert_eq!(clauses(&d), ["4.9-4"], "{respondent:?}");
        assert_eq!(codes(&d), code.into_iter().collect::<Vec<_>>());
        assert_eq!(
            messages(&d),
            message.into_iter().map(str::to_owned).collect::<Vec<_>>()
        );
    }
}

#[test]
fn the_whole_form_combines_every_rule() {
    let fields = [
        field("户籍人口数", FieldKind::Integer, true),
        field("人居环境整治进度", FieldKind::Text, false),
    ];
    let districts = [DistrictCap {
        district: "铁东区",
        cap: Some(2),
        counted: 2,
    }];
    let admitted = ReportFormFacts {
        frequency: Quarterly,
        rural_work: Some(RuralWork::LivingEnvironment),
        proper_respondent: ProperRespondent::Community,
        fields: &fields,
        districts: &districts,
    };
    let d = check_report_form(&admitted);
    assert_eq!(d.outcome, Allow);
    assert_eq!(clauses(&d), ["4.9-4", "4.9-3", "4.8-3"]);
    assert_eq!(codes(&d), ["fields_prefilled"]);

    let everything_wrong = ReportFormFacts {
        frequency: Monthly,
        proper_respondent: ProperRespondent::Cooperative,
        fields: &fields[..1],
        ..admitted
    };
    let d = check_report_form(&everything_wrong);
    assert_eq!(d.outcome, Reject);
    assert_eq!(clauses(&d), ["4.9-4", "4.9-3", "4.9-2", "4.8-3"]);
    assert_eq!(
        codes(&d),
        [
            "respondent_is_new_agri_entity",
            "rural_dispatch_too_frequent",
            "agri_cap_exceeded",
            "use_shared_data",
        ]
    );

    let plain = ReportFormFacts {
        frequency: Weekly,
        rural_work: None,
        proper_respondent: ProperRespondent::Community,
        fields: &fields[1..],
        districts: &[],
    };
    let d = check_report_form(&plain);
    assert_eq!(d.outcome, Allow);
    assert_eq!(clauses(&d), ["4.9-4", "4.8-3"]);
    assert!(d.reasons.is_empty());
}

#[test]
fn burden_counts_only_the_fields_left_to_fill() {
    let population = field("户籍人口数", FieldKind::Integer, true);
    let farmland = field("耕地面积", FieldKind::Decimal, false);
    let elderly = field("独居老人名单", FieldKind::PersonRecord, false);
    let note = field("备注", FieldKind::Text, false);
    let date = field("统计日期", FieldKind::Date, false);
    let choice = field("是否完成", FieldKind::Choice, false);
    let cases: &[(&[FormField<'static>], u32, u32, u64)] = &[
        (&[], 10, 4, 0),
        (&[population], 10, 4, 0),
        (&[farmland], 1, 1, 3),
        (&[population, farmland], 1, 1, 3),
        (&[farmland, elderly], 1, 1, 33),
        (&[farmland, elderly, note, date, choice], 1, 1, 40),
        (&[farmland, elderly], 10, 1, 330),
        (&[farmland, elderly], 10, 4, 1320),
        (&[farmland, elderly], 0, 4, 0),
        (&[farmland, elderly], 10, 0, 0),
        (&[farmland, note], 3, 2, 48),
        // Large figures do not overflow.
        (&[elderly], u32::MAX, 1, 30 * u64::from(u32::MAX)),
        (&[elderly, note], u32::MAX, u32::MAX, u64::MAX),
    ];
    for (fields, respondents, occurrences, minutes) in cases {
        assert_eq!(
            burden_minutes(fields, *respondents, *occurrences),
            *minutes,
            "{fields:?} × {respondents} × {occurrences}"
        );
    }
}
