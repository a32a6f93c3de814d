//! Certificates (4.5) as tables: facts in, outcome, clauses and reason codes out, for catalogue
//! entries, applications, issue and departments' demands; plus messages, labels and the doc
//! comments' quotations.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::BTreeSet;

use jianfu_rules::certificate::{
    basis_and_duty, deliberation_ahead, deliberation_and_signature, demand_basis, discontinued,
    district_catalogue, investigation, legal_risk_ahead, legal_risk_precautions, not_in_catalogue,
    processing_class, service_guide, time_limit, transitional_investigation,
};
use jianfu_rules::{
    AlternativeRoute, ApplicationFacts, CatalogueOrigin, CatalogueStatus, CertificateBasis,
    CertificateDemandFacts, CertificateTypeFacts, Date, Decision, DeliberationOutcome, GuideField,
    IssueFacts, IssuePath, LegalBasis, LegalBasisKind, Outcome, Policy, Processing,
    RetainedListApprover, ServiceGuide, TransitionalNeed, check_application,
    check_certificate_demand, check_certificate_type, check_issue,
};

use Outcome::{Allow, NeedsApproval, Reject};

fn date(s: &str) -> Date {
    Date::parse(s).unwrap()
}

const LAW: CertificateBasis<'static> = CertificateBasis::Legal(LegalBasis {
    kind: LegalBasisKind::Law,
    title: "《中华人民共和国城市居民委员会组织法》",
    article: "第三条",
});

const RETAINED: CertificateBasis<'static> = CertificateBasis::RetainedList {
    approver: RetainedListApprover::Province,
    list: "《辽宁省保留的证明事项清单》",
};

const GUIDE: ServiceGuide<'static> = ServiceGuide {
    conditions: "本社区常住居民",
    materials: "居民身份证",
    template: "兹证明……（附表单样本）",
    time_limit: Some(Processing::WorkingDays(3)),
    purpose: "办理社会救助",
    steps: "申请、核实、出具",
    basis: "《社会救助暂行办法》第十一条",
};

/// Checks a decision against the expected outcome, clauses (as a set) and codes (in order).
fn check(
    name: &str,
    d: &Decision,
    outcome: Outcome,
    clauses: &[&str],
    codes: &[&str],
) -> Option<String> {
    let cited: BTreeSet<&str> = d.clauses.iter().map(|c| c.as_str()).collect();
    assert_eq!(cited.len(), d.clauses.len(), "{name}: a clause cited twice");
    for reason in &d.reasons {
        assert!(d.cites(reason.clause), "{name}: {reason:?} not cited");
        assert!(!reason.message.is_empty(), "{name}: empty message");
    }
    let got = (
        d.outcome,
        cited.into_iter().collect::<Vec<_>>(),
        d.codes().collect::<Vec<_>>(),
    );
    let mut want_clauses: Vec<&str> = clauses.to_vec();
    want_clauses.sort_unstable();
    let want = (outcome, want_clauses, codes.to_vec());
    (got != want).then(|| format!("{name}:\n    got  {got:?}\n    want {want:?}"))
}

/// (case, facts, outcome, clauses, codes in order)
type Row<F> = (
    &'static str,
    F,
    Outcome,
    &'static [&'static str],
    &'static [&'static str],
);

fn assert_no_failures(failures: Vec<String>) {
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
}

// Catalogue entries (4.5-2, 4.5-3, 4.5-6).

fn local_type() -> CertificateTypeFacts<'static> {
    CertificateTypeFacts {
        origin: CatalogueOrigin::Local,
        basis: Some(LAW),
        within_community_duty: true,
        guide: Some(GUIDE),
    }
}

fn from_city(city_type: &'static str, listed: bool) -> CertificateTypeFacts<'static> {
    CertificateTypeFacts {
        origin: CatalogueOrigin::FromCity {
            city_type,
            city_type_listed: listed,
        },
        basis: Some(RETAINED),
        ..local_type()
    }
}

fn city_type() -> CertificateTypeFacts<'static> {
    CertificateTypeFacts {
        origin: CatalogueOrigin::City,
        guide: None,
        ..local_type()
    }
}

const DISTRICT: &[&str] = &["4.5-2", "4.5-3", "4.5-6"];
const CITED: &[&str] = &["basis_cited"];

#[test]
fn certificate_type_table() {
    let rows: Vec<Row<CertificateTypeFacts<'static>>> = vec![
        (
            "local type, law, full guide",
            local_type(),
            Allow,
            DISTRICT,
            CITED,
        ),
        (
            "taken over from a listed city type",
            from_city("居住证明", true),
            Allow,
            DISTRICT,
            CITED,
        ),
        (
            "city type, no guide needed",
            city_type(),
            Allow,
            &["4.5-3"],
            CITED,
        ),
        (
            "city type, retained list",
            CertificateTypeFacts {
                basis: Some(RETAINED),
                ..city_type()
            },
            Allow,
            &["4.5-3"],
            CITED,
        ),
        (
            "city type with an incomplete guide: not read",
            CertificateTypeFacts {
                guide: Some(ServiceGuide::default()),
                ..city_type()
            },
            Allow,
            &["4.5-3"],
            CITED,
        ),
        // 4.5-2.
        (
            "taken over from an unlisted city type",
            from_city("已取消的市级事项", false),
            Reject,
            DISTRICT,
            &["city_type_not_listed", "basis_cited"],
        ),
        (
            "taken over from no named city type",
            from_city(" ", true),
            Reject,
            DISTRICT,
            &["city_type_not_listed", "basis_cited"],
        ),
        // 4.5-3.
        (
            "local type without basis",
            CertificateTypeFacts {
                basis: None,
                ..local_type()
            },
            Reject,
            DISTRICT,
            &["no_basis"],
        ),
        (
            "city type without basis",
            CertificateTypeFacts {
                basis: None,
                ..city_type()
            },
            Reject,
            &["4.5-3"],
            &["no_basis"],
        ),
        (
            "law without article",
            CertificateTypeFacts {
                basis: Some(CertificateBasis::Legal(LegalBasis {
                    kind: LegalBasisKind::Regulation,
                    title: "《辽宁省城市居民委员会工作条例》",
                    article: "",
                })),
                ..local_type()
            },
            Reject,
            DISTRICT,
            &["basis_incomplete"],
        ),
        (
            "retained list without name",
            CertificateTypeFacts {
                basis: Some(CertificateBasis::RetainedList {
                    approver: RetainedListApprover::State,
                    list: "  ",
                }),
                ..local_type()
            },
            Reject,
            DISTRICT,
            &["basis_incomplete"],
        ),
        (
            "outside the community's duty",
            CertificateTypeFacts {
                within_community_duty: false,
                ..local_type()
            },
            Reject,
            DISTRICT,
            &["basis_cited", "outside_duty"],
        ),
        (
            "city type outside duty and without basis",
            CertificateTypeFacts {
                basis: None,
                within_community_duty: false,
                ..city_type()
            },
            Reject,
            &["4.5-3"],
            &["no_basis", "outside_duty"],
        ),
        // 4.5-6.
        (
            "district type without guide",
            CertificateTypeFacts {
                guide: None,
                ..local_type()
            },
            Reject,
            DISTRICT,
            &["basis_cited", "incomplete_guide"],
        ),
        (
            "guide without time limit and purpose",
            CertificateTypeFacts {
                guide: Some(ServiceGuide {
                    time_limit: None,
                    purpose: " ",
                    ..GUIDE
                }),
                ..local_type()
            },
            Reject,
            DISTRICT,
            &["basis_cited", "incomplete_guide"],
        ),
        (
            "guide with 0 working days",
            CertificateTypeFacts {
                guide: Some(ServiceGuide {
                    time_limit: Some(Processing::WorkingDays(0)),
                    ..GUIDE
                }),
                ..from_city("居住证明", true)
            },
            Reject,
            DISTRICT,
            &["basis_cited", "time_limit_zero"],
        ),
        (
            "guide with same-day processing",
            CertificateTypeFacts {
                guide: Some(ServiceGuide {
                    time_limit: Some(Processing::SameDay),
                    ..GUIDE
                }),
                ..local_type()
            },
            Allow,
            DISTRICT,
            CITED,
        ),
        // Everything at once.
        (
            "everything wrong",
            CertificateTypeFacts {
                origin: CatalogueOrigin::FromCity {
                    city_type: "x",
                    city_type_listed: false,
                },
                basis: None,
                within_community_duty: false,
                guide: None,
            },
            Reject,
            DISTRICT,
            &[
                "city_type_not_listed",
                "no_basis",
                "outside_duty",
                "incomplete_guide",
            ],
        ),
    ];
    let failures = rows
        .iter()
        .filter_map(|(name, facts, outcome, clauses, codes)| {
            check(
                name,
                &check_certificate_type(facts),
                *outcome,
                clauses,
                codes,
            )
        })
        .collect();
    assert_no_failures(failures);
}

#[test]
fn guide_lists_what_is_missing() {
    assert_eq!(GUIDE.missing().count(), 0);
    let empty = ServiceGuide::default();
    assert_eq!(empty.missing().collect::<Vec<_>>(), GuideField::ALL);
    let partial = ServiceGuide {
        materials: "",
        steps: "\t",
        time_limit: None,
        ..GUIDE
    };
    assert_eq!(
        partial.missing().collect::<Vec<_>>(),
        [
            GuideField::Materials,
            GuideField::TimeLimit,
            GuideField::Steps
        ]
    );
    let d = service_guide(Some(&partial));
    assert_eq!(
        d.reasons[0].message,
        "办事指南须明确证明的具体式样、办理程序、出具时限、办理用途、具体流程及法律法规依据，并提供统一规范的表单样本；缺少：申请材料、出具时限、办理流程"
    );
    let all = service_guide(None);
    assert!(
        all.reasons[0]
            .message
            .ends_with("缺少：办理条件、申请材料、证明式样及表单样本、出具时限、办理用途、办理流程、法律法规依据"),
        "{}",
        all.reasons[0].message
    );
}

// Applications (4.5-9, 4.5-10, 4.5-12, 4.5-13, 4.5-5).

fn retained(processing: Processing, needs_investigation: bool) -> ApplicationFacts<'static> {
    ApplicationFacts {
        status: CatalogueStatus::Retained {
            processing,
            needs_investigation,
        },
        public_interest: false,
    }
}

fn discontinued_app(
    need: Option<TransitionalNeed>,
    within_duty: bool,
    verifiable: bool,
    legal_risk: bool,
) -> ApplicationFacts<'static> {
    ApplicationFacts {
        status: CatalogueStatus::Discontinued {
            need,
            within_duty,
            verifiable,
            legal_risk,
        },
        public_interest: false,
    }
}

fn not_listed(alternative: Option<AlternativeRoute>) -> ApplicationFacts<'static> {
    ApplicationFacts {
        status: CatalogueStatus::NotListed {
            alternative,
            department: "区人力资源和社会保障局",
        },
        public_interest: false,
    }
}

fn public(facts: ApplicationFacts<'static>) -> ApplicationFacts<'static> {
    ApplicationFacts {
        public_interest: true,
        ..facts
    }
}

const GAP: Option<TransitionalNeed> = Some(TransitionalNeed::PolicyGap);
const BANK: Option<TransitionalNeed> = Some(TransitionalNeed::CounterpartyRequires);

#[test]
fn application_table() {
    use Processing::{SameDay, WorkingDays};
    let rows: Vec<Row<ApplicationFacts<'static>>> = vec![
        // Retained: processing class.
        (
            "same day",
            retained(SameDay, false),
            Allow,
            &["4.5-9"],
            &["processing_class"],
        ),
        (
            "5 working days",
            retained(WorkingDays(5), false),
            Allow,
            &["4.5-9"],
            &["processing_class"],
        ),
        (
            "needs investigation",
            retained(WorkingDays(3), true),
            Allow,
            &["4.5-9"],
            &["processing_class"],
        ),
        (
            "public interest: deliberation announced",
            public(retained(SameDay, false)),
            Allow,
            &["4.5-5", "4.5-9"],
            &["processing_class", "deliberation_ahead"],
        ),
        // Not listed: refused.
        (
            "not listed",
            not_listed(None),
            Reject,
            &["4.5-10"],
            &["not_in_catalogue"],
        ),
        (
            "not listed, with a route",
            not_listed(Some(AlternativeRoute::WrittenPromise)),
            Reject,
            &["4.5-10"],
            &["not_in_catalogue"],
        ),
        (
            "not listed, public interest: nothing announced",
            public(not_listed(None)),
            Reject,
            &["4.5-10"],
            &["not_in_catalogue"],
        ),
        // Discontinued: transitional path.
        (
            "discontinued, policy gap, within duty, verifiable",
            discontinued_app(GAP, true, true, false),
            NeedsApproval,
            &["4.5-12"],
            &["transitional_path"],
        ),
        (
            "discontinued, bank requires it",
            discontinued_app(BANK, true, true, false),
            NeedsApproval,
            &["4.5-12"],
            &["transitional_path"],
        ),
        (
            "discontinued with legal risk",
            discontinued_app(GAP, true, true, true),
            NeedsApproval,
            &["4.5-12", "4.5-13"],
            &["transitional_path", "legal_risk_precautions"],
        ),
        (
            "discontinued, public interest, legal risk",
            public(discontinued_app(BANK, true, true, true)),
            NeedsApproval,
            &["4.5-5", "4.5-12", "4.5-13"],
            &[
                "transitional_path",
                "legal_risk_precautions",
                "deliberation_ahead",
            ],
        ),
        (
            "discontinued, outside duty",
            discontinued_app(GAP, false, true, false),
            Reject,
            &["4.5-12"],
            &["discontinued_outside_duty"],
        ),
        (
            "discontinued, not verifiable",
            discontinued_app(GAP, true, false, false),
            Reject,
            &["4.5-12"],
            &["discontinued_not_verifiable"],
        ),
        (
            "discontinued, no reason stated",
            discontinued_app(None, true, true, false),
            Reject,
            &["4.5-12"],
            &["transitional_need_not_stated"],
        ),
        (
            "discontinued, everything missing, risk and public interest not announced",
            public(discontinued_app(None, false, false, true)),
            Reject,
            &["4.5-12"],
            &[
                "transitional_need_not_stated",
                "discontinued_outside_duty",
                "discontinued_not_verifiable",
            ],
        ),
    ];
    let failures = rows
        .iter()
        .filter_map(|(name, facts, outcome, clauses, codes)| {
            check(name, &check_application(facts), *outcome, clauses, codes)
        })
        .collect();
    assert_no_failures(failures);
}

#[test]
fn application_messages() {
    let message = |facts: ApplicationFacts<'static>, code: &str| {
        let d = check_application(&facts);
        let r = d.reasons.iter().find(|r| r.code == code).unwrap();
        r.message.clone().into_owned()
    };
    let refused = message(not_listed(None), "not_in_catalogue");
    assert!(refused.ends_with("社区(村)组织不予出具"), "{refused}");
    for (route, explained) in [
        (
            AlternativeRoute::DataCheck,
            "由办事部门通过信息共享、数据比对自行核查",
        ),
        (
            AlternativeRoute::WrittenPromise,
            "由申请人书面承诺符合条件，办事部门事后核查",
        ),
        (
            AlternativeRoute::DepartmentVerification,
            "由办事部门自行调查核实",
        ),
    ] {
        assert_eq!(route.explain_zh(), explained);
    }
    for (route, words) in [
        (AlternativeRoute::DataCheck, "部门核查"),
        (AlternativeRoute::WrittenPromise, "告知承诺制"),
        (AlternativeRoute::DepartmentVerification, "部门核实"),
    ] {
        let m = message(not_listed(Some(route)), "not_in_catalogue");
        assert!(
            m.contains(&format!("可改由区人力资源和社会保障局通过{words}办理：")),
            "{m}"
        );
        assert!(m.ends_with(route.explain_zh()), "{m}");
        assert_eq!(route.label_zh(), words);
    }
    let unnamed = check_application(&ApplicationFacts {
        status: CatalogueStatus::NotListed {
            alternative: Some(AlternativeRoute::DataCheck),
            department: " ",
        },
        public_interest: false,
    });
    assert!(
        unnamed.reasons[0]
            .message
            .contains("可改由相关部门通过部门核查办理")
    );

    assert_eq!(
        message(retained(Processing::SameDay, false), "processing_class"),
        "当场办结：符合出具证明条件的，接到申请时根据掌握的信息依法及时出具"
    );
    assert_eq!(
        message(
            retained(Processing::WorkingDays(5), true),
            "processing_class"
        ),
        "限时办结：自接到申请的次日起5个工作日内出具；需要调查核实的，应当及时完成调查核实工作并据实出具"
    );
    let m = message(
        discontinued_app(BANK, true, true, false),
        "transitional_path",
    );
    assert!(m.contains("因各类民商事主体明确要求"), "{m}");
    let m = message(
        discontinued_app(GAP, true, true, false),
        "transitional_path",
    );
    assert!(m.contains("因政策措施衔接不到位"), "{m}");
}

// Issue (4.5-5, 4.5-9, 4.5-12, 4.5-13).

/// A retained type without investigation, not public, issued on its due date: allowed.
fn issue() -> IssueFacts<'static> {
    IssueFacts {
        path: IssuePath::Retained {
            needs_investigation: false,
        },
        public_interest: false,
        deliberation: None,
        head_signature: false,
        investigation_recorded: false,
        risk_assessed: false,
        issued_on: date("2026-03-10"),
        due: Some(date("2026-03-10")),
        delay_note: None,
    }
}

fn public_issue(
    deliberation: Option<DeliberationOutcome>,
    head_signature: bool,
) -> IssueFacts<'static> {
    IssueFacts {
        public_interest: true,
        deliberation,
        head_signature,
        ..issue()
    }
}

fn transitional(legal_risk: bool) -> IssueFacts<'static> {
    IssueFacts {
        path: IssuePath::Transitional { legal_risk },
        investigation_recorded: true,
        due: None,
        ..issue()
    }
}

fn late(note: Option<&'static str>) -> IssueFacts<'static> {
    IssueFacts {
        issued_on: date("2026-03-11"),
        delay_note: note,
        ..issue()
    }
}

const CONSENTED: Option<DeliberationOutcome> = Some(DeliberationOutcome::Consented);
const REFUSED: Option<DeliberationOutcome> = Some(DeliberationOutcome::NotConsented);

#[test]
fn issue_table() {
    let rows: Vec<Row<IssueFacts<'static>>> = vec![
        ("ordinary, on the due date", issue(), Allow, &["4.5-9"], &[]),
        (
            "ordinary, early",
            IssueFacts {
                issued_on: date("2026-03-09"),
                ..issue()
            },
            Allow,
            &["4.5-9"],
            &[],
        ),
        (
            "no time limit given",
            IssueFacts {
                due: None,
                ..issue()
            },
            Allow,
            &[],
            &[],
        ),
        // 4.5-5.
        (
            "public, consented and signed",
            public_issue(CONSENTED, true),
            Allow,
            &["4.5-5", "4.5-9"],
            &[],
        ),
        (
            "public, no deliberation",
            public_issue(None, true),
            Reject,
            &["4.5-5", "4.5-9"],
            &["deliberation_required"],
        ),
        (
            "public, deliberation refused",
            public_issue(REFUSED, true),
            Reject,
            &["4.5-5", "4.5-9"],
            &["deliberation_required"],
        ),
        (
            "public, not signed",
            public_issue(CONSENTED, false),
            Reject,
            &["4.5-5", "4.5-9"],
            &["head_signature_required"],
        ),
        (
            "public, nothing",
            public_issue(None, false),
            Reject,
            &["4.5-5", "4.5-9"],
            &["deliberation_required", "head_signature_required"],
        ),
        // 4.5-9 investigation.
        (
            "needs investigation, recorded",
            IssueFacts {
                path: IssuePath::Retained {
                    needs_investigation: true,
                },
                investigation_recorded: true,
                ..issue()
            },
            Allow,
            &["4.5-9"],
            &[],
        ),
        (
            "needs investigation, not recorded",
            IssueFacts {
                path: IssuePath::Retained {
                    needs_investigation: true,
                },
                ..issue()
            },
            Reject,
            &["4.5-9"],
            &["investigation_required"],
        ),
        // 4.5-9 time limit.
        (
            "late without note",
            late(None),
            Reject,
            &["4.5-9"],
            &["overdue_without_delay_note"],
        ),
        (
            "late with blank note",
            late(Some("  ")),
            Reject,
            &["4.5-9"],
            &["overdue_without_delay_note"],
        ),
        (
            "late with note",
            late(Some("申请人补充材料")),
            Allow,
            &["4.5-9"],
            &["overdue_with_delay_note"],
        ),
        // 4.5-12 and 4.5-13.
        (
            "transitional, investigated",
            transitional(false),
            Allow,
            &["4.5-12"],
            &[],
        ),
        (
            "transitional, not investigated",
            IssueFacts {
                investigation_recorded: false,
                ..transitional(false)
            },
            Reject,
            &["4.5-12"],
            &["transitional_investigation_required"],
        ),
        (
            "transitional with risk, nothing but the investigation",
            transitional(true),
            Reject,
            &["4.5-12", "4.5-13"],
            &["risk_deliberation_required", "risk_assessment_required"],
        ),
        (
            "transitional with risk, deliberated (any outcome) and assessed",
            IssueFacts {
                deliberation: REFUSED,
                risk_assessed: true,
                ..transitional(true)
            },
            Allow,
            &["4.5-12", "4.5-13"],
            &[],
        ),
        (
            "transitional with risk and public interest: 4.5-5 needs consent",
            IssueFacts {
                public_interest: true,
                deliberation: REFUSED,
                head_signature: true,
                risk_assessed: true,
                ..transitional(true)
            },
            Reject,
            &["4.5-5", "4.5-12", "4.5-13"],
            &["deliberation_required"],
        ),
        (
            "transitional with risk, no investigation, no assessment, late",
            IssueFacts {
                investigation_recorded: false,
                deliberation: CONSENTED,
                due: Some(date("2026-03-01")),
                ..transitional(true)
            },
            Reject,
            &["4.5-9", "4.5-12", "4.5-13"],
            &[
                "transitional_investigation_required",
                "risk_assessment_required",
                "overdue_without_delay_note",
            ],
        ),
    ];
    let failures = rows
        .iter()
        .filter_map(|(name, facts, outcome, clauses, codes)| {
            check(name, &check_issue(facts), *outcome, clauses, codes)
        })
        .collect();
    assert_no_failures(failures);
}

#[test]
fn issue_messages() {
    let d = check_issue(&late(None));
    assert_eq!(
        d.reasons[0].message,
        "已超过出具时限（应于2026-03-10前出具）：须先登记延期原因"
    );
    let d = check_issue(&late(Some(" 申请人补充材料 ")));
    assert_eq!(
        d.reasons[0].message,
        "超过出具时限（应于2026-03-10前出具），延期原因：申请人补充材料"
    );
    let d = check_issue(&public_issue(None, true));
    assert!(d.reasons[0].message.contains("无议事协商记录"));
    let d = check_issue(&public_issue(REFUSED, true));
    assert!(d.reasons[0].message.contains("议事协商未获同意"));
    let d = check_issue(&public_issue(CONSENTED, false));
    assert!(d.reasons[0].message.contains("负责人签字"));
}

// Departments' demands (4.5-4).

#[test]
fn demand_table() {
    let demand =
        |basis: Option<CertificateBasis<'static>>, in_catalogue: bool| CertificateDemandFacts {
            basis,
            in_catalogue,
        };
    let rows: Vec<Row<CertificateDemandFacts<'static>>> = vec![
        (
            "law supplied",
            demand(Some(LAW), true),
            Allow,
            &["4.5-4"],
            CITED,
        ),
        (
            "retained list supplied",
            demand(Some(RETAINED), true),
            Allow,
            &["4.5-4"],
            CITED,
        ),
        (
            "no basis",
            demand(None, true),
            Reject,
            &["4.5-4"],
            &["no_basis_provided"],
        ),
        (
            "basis without title",
            demand(
                Some(CertificateBasis::Legal(LegalBasis {
                    kind: LegalBasisKind::Rule,
                    title: "",
                    article: "第五条",
                })),
                true,
            ),
            Reject,
            &["4.5-4"],
            &["basis_incomplete"],
        ),
        (
            "basis supplied, type not in the catalogue",
            demand(Some(LAW), false),
            Reject,
            &["4.5-4", "4.5-10"],
            &["basis_cited", "not_in_catalogue"],
        ),
        (
            "nothing",
            demand(None, false),
            Reject,
            &["4.5-4", "4.5-10"],
            &["no_basis_provided", "not_in_catalogue"],
        ),
    ];
    let failures = rows
        .iter()
        .filter_map(|(name, facts, outcome, clauses, codes)| {
            check(
                name,
                &check_certificate_demand(facts),
                *outcome,
                clauses,
                codes,
            )
        })
        .collect();
    assert_no_failures(failures);

    let d = check_certificate_demand(&demand(Some(LAW), true));
    assert_eq!(
        d.reasons[0].message,
        "依据：《中华人民共和国城市居民委员会组织法》 第三条"
    );
    let d = check_certificate_demand(&demand(Some(RETAINED), true));
    assert_eq!(
        d.reasons[0].message,
        "依据：经省批准列入《辽宁省保留的证明事项清单》"
    );
    let d = check_certificate_demand(&demand(None, true));
    assert!(
        d.reasons[0]
            .message
            .contains("应当同时提供由社区(村)组织出具此证明事项的有关依据")
    );
}

// Single rules, labels and serialisation.

/// Rules that find nothing to say cite nothing, so clause lists stay short.
#[test]
fn single_rules_cite_only_what_they_apply() {
    assert_eq!(district_catalogue(CatalogueOrigin::City), Decision::allow());
    assert_eq!(
        deliberation_and_signature(false, None, false),
        Decision::allow()
    );
    assert_eq!(investigation(false, false), Decision::allow());
    let cited_only = |d: Decision, id: &str| {
        assert!(d.is_allowed() && d.reasons.is_empty(), "{d:?}");
        assert_eq!(d.clauses.len(), 1);
        assert_eq!(d.clauses[0].as_str(), id);
    };
    cited_only(district_catalogue(CatalogueOrigin::Local), "4.5-2");
    cited_only(service_guide(Some(&GUIDE)), "4.5-6");
    cited_only(investigation(true, true), "4.5-9");
    cited_only(transitional_investigation(true), "4.5-12");
    cited_only(
        legal_risk_precautions(Some(DeliberationOutcome::Consented), true),
        "4.5-13",
    );
    cited_only(
        time_limit(date("2026-03-01"), date("2026-03-01"), None),
        "4.5-9",
    );
    cited_only(
        deliberation_and_signature(true, Some(DeliberationOutcome::Consented), true),
        "4.5-5",
    );
    // Informational reasons do not change the outcome.
    for d in [
        deliberation_ahead(),
        legal_risk_ahead(),
        processing_class(Processing::SameDay, false),
    ] {
        assert_eq!((d.outcome, d.reasons.len()), (Allow, 1), "{d:?}");
    }
    assert_eq!(basis_and_duty(Some(&LAW), true).outcome, Allow);
    assert_eq!(demand_basis(None).outcome, Reject);
    assert_eq!(not_in_catalogue(None, "").outcome, Reject);
    assert_eq!(discontinued(GAP, true, true).outcome, NeedsApproval);
}

#[test]
fn labels() {
    assert_eq!(Processing::SameDay.label_zh(), "当场办结");
    assert_eq!(Processing::WorkingDays(0).label_zh(), "当场办结");
    assert_eq!(
        Processing::WorkingDays(20).label_zh(),
        "限时办结（20个工作日）"
    );
    assert_eq!(Processing::SameDay.class_zh(), "当场办结");
    assert_eq!(Processing::WorkingDays(3).class_zh(), "限时办结");
    assert_eq!(Processing::WorkingDays(7).working_days(), 7);
    assert_eq!(Processing::SameDay.working_days(), 0);
    assert_eq!(RetainedListApprover::State.label_zh(), "国家");
    assert_eq!(RetainedListApprover::City.label_zh(), "市");
    assert_eq!(TransitionalNeed::PolicyGap.label_zh(), "政策措施衔接不到位");
    assert!(CatalogueOrigin::Local.is_district());
    assert!(!CatalogueOrigin::City.is_district());
    assert_eq!(
        RETAINED.describe_zh(),
        "经省批准列入《辽宁省保留的证明事项清单》"
    );
}

#[test]
fn serialisation() {
    let json = |v: serde_json::Value| v;
    assert_eq!(
        json(serde_json::to_value(Processing::SameDay).unwrap()),
        serde_json::json!("same_day")
    );
    assert_eq!(
        serde_json::to_value(Processing::WorkingDays(5)).unwrap(),
        serde_json::json!({"working_days": 5})
    );
    let back: Processing = serde_json::from_str("{\"working_days\": 3}").unwrap();
    assert_eq!(back, Processing::WorkingDays(3));
    let back: Processing = serde_json::from_str("\"same_day\"").unwrap();
    assert_eq!(back, Processing::SameDay);
    assert!(serde_json::from_str::<Processing>("{\"working_days\": 256}").is_err());

    assert_eq!(
        serde_json::to_value(RETAINED).unwrap(),
        serde_json::json!({"retained_list": {"approver": "province", "list": "《辽宁省保留的证明事项清单》"}})
    );
    let app = serde_json::to_value(public(discontinued_app(GAP, true, false, true))).unwrap();
    assert_eq!(
        app,
        serde_json::json!({
            "status": {
                "status": "discontinued",
                "need": "policy_gap",
                "within_duty": true,
                "verifiable": false,
                "legal_risk": true,
            },
            "public_interest": true,
        })
    );
    let origin = serde_json::to_value(CatalogueOrigin::FromCity {
        city_type: "居住证明",
        city_type_listed: true,
    })
    .unwrap();
    assert_eq!(
        origin,
        serde_json::json!({"kind": "from_city", "city_type": "居住证明", "city_type_listed": true})
    );
    let d = check_issue(&late(None));
    let v = serde_json::to_value(&d).unwrap();
    assert_eq!(v["outcome"], "reject");
    assert_eq!(v["clauses"], serde_json::json!(["4.5-9"]));
    assert_eq!(v["reasons"][0]["code"], "overdue_without_delay_note");
}

/// The doc comment of each rule quotes its clause verbatim, and every clause the module cites
/// is quoted.
#[test]
fn rule_doc_comments_quote_the_policy() {
    let policy = Policy::official().unwrap();
    let source = include_str!("../src/certificate.rs");
    let mut quoted = BTreeSet::new();
    for line in source.lines() {
        let Some(rest) = line.trim().strip_prefix("/// **") else {
            continue;
        };
        let (id, quote) = rest.split_once("** ").unwrap();
        let text = &policy.clause(id).unwrap_or_else(|| panic!("{id}")).text;
        assert_eq!(quote, text, "{id}");
        quoted.insert(id.to_owned());
    }
    let ids: Vec<&str> = quoted.iter().map(String::as_str).collect();
    let expected = [
        "4.5-10", "4.5-12", "4.5-13", "4.5-2", "4.5-3", "4.5-4", "4.5-5", "4.5-6", "4.5-9",
    ];
    assert_eq!(ids, expected);
    // And the module cites exactly these clauses.
    let cited: BTreeSet<&str> = source
        .split(concat!("clause", "!(\""))
        .skip(1)
        .filter_map(|rest| rest.split('"').next())
        .collect();
    assert_eq!(cited.into_iter().collect::<Vec<_>>(), expected);
}
