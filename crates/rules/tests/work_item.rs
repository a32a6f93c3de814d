//! Work-item admission (4.2) as tables: facts in, outcome, clauses and reason codes out; and the
//! category file's validation, one broken file per kind of mistake.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::BTreeSet;

use jianfu_rules::work_item::{
    admission_system, banned_category, banned_wording, funding_follows_task,
    legal_basis_or_approval, own_duty, revocation_reason, service_purchase,
    unadmitted_demand_finding,
};
use jianfu_rules::{
    Authority, CategoryKind, CommunityRole, Date, Funding, LegalBasis, LegalBasisKind, Level,
    ListError, Lists, Outcome, Policy, ServiceNature, WorkItemFacts, check_work_item,
    check_work_item_text,
};

const OFFICIAL: &str = include_str!("../../../data/work_item_categories.toml");

/// Two categories beside the official ones: one retired, one not yet in force.
const EXTRA: &str = r#"
[[category]]
key = "retired_campaign"
name = "已结束的专项活动"
kind = "ordinary"
effective_from = "2021-08-10"
effective_to = "2023-01-01"
reference = "测试用"

[[category]]
key = "future_item"
name = "尚未施行的类别"
kind = "ordinary"
effective_from = "2030-01-01"
reference = "测试用"
"#;

fn date(s: &str) -> Date {
    Date::parse(s).unwrap()
}

/// The day the table is decided on unless a row says otherwise.
fn today() -> Date {
    date("2024-06-01")
}

fn test_lists() -> Lists {
    Lists::parse(&format!("{OFFICIAL}\n{EXTRA}")).unwrap()
}

const LAW: LegalBasis<'static> = LegalBasis {
    kind: LegalBasisKind::Law,
    title: "《中华人民共和国城市居民委员会组织法》",
    article: "第三条",
};

const FUNDED: Funding<'static> = Funding {
    amount_fen: 5_000_000,
    source: "区财政专项资金",
};

/// A district department's assisting item with a legal basis: allowed unless a row changes it.
fn item(category: &'static str) -> WorkItemFacts<'static> {
    WorkItemFacts {
        level: Level::District,
        category,
        community_role: CommunityRole::Assisting,
        within_own_duty: false,
        legal_basis: Some(LAW),
        funding: None,
        service: ServiceNature::default(),
    }
}

fn responsible(category: &'static str) -> WorkItemFacts<'static> {
    WorkItemFacts {
        community_role: CommunityRole::Responsible,
        ..item(category)
    }
}

/// Without a legal basis, funded: needs approval by the authority of `level`.
fn unlegislated(category: &'static str, level: Level) -> WorkItemFacts<'static> {
    WorkItemFacts {
        level,
        legal_basis: None,
        funding: Some(FUNDED),
        ..item(category)
    }
}

fn unfunded(funding: Option<Funding<'static>>) -> WorkItemFacts<'static> {
    WorkItemFacts {
        funding,
        ..unlegislated("civil_affairs", Level::District)
    }
}

struct Row {
    name: &'static str,
    facts: WorkItemFacts<'static>,
    on: Date,
    outcome: Outcome,
    clauses: &'static [&'static str],
    codes: &'static [&'static str],
}

fn row(
    name: &'static str,
    facts: WorkItemFacts<'static>,
    outcome: Outcome,
    clauses: &'static [&'static str],
    codes: &'static [&'static str],
) -> Row {
    Row {
        name,
        facts,
        on: today(),
        outcome,
        clauses,
        codes,
    }
}

fn on(date_: &str, r: Row) -> Row {
    Row {
        on: date(date_),
        ..r
    }
}

use Outcome::{Allow, NeedsApproval, Reject};

const ALLOWED: &[&str] = &["4.2-2", "4.2-4"];
const BASIS: &[&str] = &["legal_basis_cited"];
const BANNED: &[&str] = &["4.2-2", "4.2-4", "4.2-6"];

fn rows() -> Vec<Row> {
    vec![
        // The baseline: an ordinary category with a legal basis.
        row(
            "ordinary with legal basis",
            item("civil_affairs"),
            Allow,
            ALLOWED,
            BASIS,
        ),
        // 4.2-6, task indicators: rejected whatever the role.
        row(
            "招商引资 assisting",
            item("investment_attraction"),
            Reject,
            BANNED,
            &["banned_task_indicator", "legal_basis_cited"],
        ),
        row(
            "协税护税 responsible",
            responsible("tax_assistance"),
            Reject,
            BANNED,
            &["banned_task_indicator", "legal_basis_cited"],
        ),
        row(
            "经济创收 assisting, no basis, funded",
            unlegislated("revenue_generation", Level::City),
            Reject,
            BANNED,
            &["banned_task_indicator", "needs_party_government_approval"],
        ),
        // 4.2-6, responsible-subject matters: rejected when responsible, allowed when assisting.
        row(
            "执法 responsible",
            responsible("law_enforcement"),
            Reject,
            BANNED,
            &["banned_responsible_subject", "legal_basis_cited"],
        ),
        row(
            "执法 assisting",
            item("law_enforcement"),
            Allow,
            BANNED,
            &["assisting_only", "legal_basis_cited"],
        ),
        row(
            "拆迁拆违 responsible",
            responsible("demolition"),
            Reject,
            BANNED,
            &["banned_responsible_subject", "legal_basis_cited"],
        ),
        row(
            "拆迁拆违 assisting, no basis, funded",
            unlegislated("demolition", Level::District),
            NeedsApproval,
            BANNED,
            &["assisting_only", "needs_party_government_approval"],
        ),
        row(
            "环境整治 responsible",
            responsible("environmental_remediation"),
            Reject,
            BANNED,
            &["banned_responsible_subject", "legal_basis_cited"],
        ),
        row(
            "环境整治 assisting",
            item("environmental_remediation"),
            Allow,
            BANNED,
            &["assisting_only", "legal_basis_cited"],
        ),
        row(
            "城市管理 responsible, no basis, funded",
            WorkItemFacts {
                community_role: CommunityRole::Responsible,
                ..unlegislated("urban_management", Level::City)
            },
            Reject,
            BANNED,
            &[
                "banned_responsible_subject",
                "needs_party_government_approval",
            ],
        ),
        row(
            "城市管理 assisting, city, no basis, funded",
            unlegislated("urban_management", Level::City),
            NeedsApproval,
            BANNED,
            &["assisting_only", "needs_party_government_approval"],
        ),
        // A responsible role matters only for banned kinds.
        row(
            "ordinary category, community responsible",
            responsible("party_building"),
            Allow,
            ALLOWED,
            BASIS,
        ),
        // 4.2-2: the list.
        row(
            "unknown category",
            item("no_such_category"),
            Reject,
            ALLOWED,
            &["category_unknown", "legal_basis_cited"],
        ),
        row(
            "empty category key",
            item(""),
            Reject,
            ALLOWED,
            &["category_unknown", "legal_basis_cited"],
        ),
        on(
            "2024-06-01",
            row(
                "retired category after its effective_to",
                item("retired_campaign"),
                Reject,
                ALLOWED,
                &["category_unknown", "legal_basis_cited"],
            ),
        ),
        on(
            "2023-01-01",
            row(
                "retired category on its effective_to (exclusive)",
                item("retired_campaign"),
                Reject,
                ALLOWED,
                &["category_unknown", "legal_basis_cited"],
            ),
        ),
        on(
            "2022-12-31",
            row(
                "retired category on its last day",
                item("retired_campaign"),
                Allow,
                ALLOWED,
                BASIS,
            ),
        ),
        row(
            "category not yet in force",
            item("future_item"),
            Reject,
            ALLOWED,
            &["category_unknown", "legal_basis_cited"],
        ),
        on(
            "2021-08-09",
            row(
                "official category the day before the policy",
                item("civil_affairs"),
                Reject,
                ALLOWED,
                &["category_unknown", "legal_basis_cited"],
            ),
        ),
        on(
            "2021-08-10",
            row(
                "official category on the policy's date",
                item("civil_affairs"),
                Allow,
                ALLOWED,
                BASIS,
            ),
        ),
        // 4.2-3.
        row(
            "within the department's own duty",
            WorkItemFacts {
                within_own_duty: true,
                ..item("work_safety")
            },
            Reject,
            &["4.2-2", "4.2-3", "4.2-4"],
            &["within_own_duty", "legal_basis_cited"],
        ),
        // 4.2-4: legal basis or approval, by level.
        row(
            "city, legal basis",
            WorkItemFacts {
                level: Level::City,
                ..item("health")
            },
            Allow,
            ALLOWED,
            BASIS,
        ),
        row(
            "district, regulation as basis",
            WorkItemFacts {
                legal_basis: Some(LegalBasis {
                    kind: LegalBasisKind::Regulation,
                    title: "《辽宁省实施〈中华人民共和国城市居民委员会组织法〉办法》",
                    article: "第十条",
                }),
                ..item("civil_affairs")
            },
            Allow,
            ALLOWED,
            BASIS,
        ),
        row(
            "city, no basis, funded",
            unlegislated("statistical_survey", Level::City),
            NeedsApproval,
            ALLOWED,
            &["needs_party_government_approval"],
        ),
        row(
            "district, no basis, funded",
            unlegislated("statistical_survey", Level::District),
            NeedsApproval,
            ALLOWED,
            &["needs_party_government_approval"],
        ),
        row(
            "no basis, funding missing",
            unfunded(None),
            Reject,
            ALLOWED,
            &["needs_party_government_approval", "funding_required"],
        ),
        row(
            "no basis, funding zero",
            unfunded(Some(Funding {
                amount_fen: 0,
                ..FUNDED
            })),
            Reject,
            ALLOWED,
            &["needs_party_government_approval", "funding_required"],
        ),
        row(
            "no basis, funding negative",
            unfunded(Some(Funding {
                amount_fen: -1,
                ..FUNDED
            })),
            Reject,
            ALLOWED,
            &["needs_party_government_approval", "funding_required"],
        ),
        row(
            "no basis, funding source empty",
            unfunded(Some(Funding {
                source: "",
                ..FUNDED
            })),
            Reject,
            ALLOWED,
            &["needs_party_government_approval", "funding_required"],
        ),
        row(
            "no basis, funding source blank",
            unfunded(Some(Funding {
                source: " \t",
                ..FUNDED
            })),
            Reject,
            ALLOWED,
            &["needs_party_government_approval", "funding_required"],
        ),
        row(
            "no basis, one fen with a source is enough for the software",
            unfunded(Some(Funding {
                amount_fen: 1,
                ..FUNDED
            })),
            NeedsApproval,
            ALLOWED,
            &["needs_party_government_approval"],
        ),
        row(
            "legal basis: funding is not required, not even checked",
            WorkItemFacts {
                funding: Some(Funding {
                    amount_fen: 0,
                    source: "",
                }),
                ..item("civil_affairs")
            },
            Allow,
            ALLOWED,
            BASIS,
        ),
        row(
            "legal basis with empty title",
            WorkItemFacts {
                legal_basis: Some(LegalBasis { title: "", ..LAW }),
                ..item("civil_affairs")
            },
            Reject,
            ALLOWED,
            &["legal_basis_incomplete"],
        ),
        row(
            "legal basis with blank article",
            WorkItemFacts {
                legal_basis: Some(LegalBasis {
                    kind: LegalBasisKind::Rule,
                    article: "  ",
                    ..LAW
                }),
                ..item("civil_affairs")
            },
            Reject,
            ALLOWED,
            &["legal_basis_incomplete"],
        ),
        // 4.2-7: advice, never a rejection.
        row(
            "public-interest service",
            WorkItemFacts {
                service: ServiceNature {
                    public_interest: true,
                    ..ServiceNature::default()
                },
                ..item("civil_affairs")
            },
            Allow,
            &["4.2-2", "4.2-4", "4.2-7"],
            &["legal_basis_cited", "service_purchase_possible"],
        ),
        row(
            "professional service",
            WorkItemFacts {
                service: ServiceNature {
                    professional: true,
                    ..ServiceNature::default()
                },
                ..item("health")
            },
            Allow,
            &["4.2-2", "4.2-4", "4.2-7"],
            &["legal_basis_cited", "service_purchase_possible"],
        ),
        row(
            "technical service without basis",
            WorkItemFacts {
                service: ServiceNature {
                    technical: true,
                    ..ServiceNature::default()
                },
                ..unlegislated("other", Level::City)
            },
            NeedsApproval,
            &["4.2-2", "4.2-4", "4.2-7"],
            &[
                "needs_party_government_approval",
                "service_purchase_possible",
            ],
        ),
        // Several findings at once: all are kept.
        row(
            "banned and within own duty",
            WorkItemFacts {
                within_own_duty: true,
                ..responsible("demolition")
            },
            Reject,
            &["4.2-2", "4.2-3", "4.2-4", "4.2-6"],
            &[
                "banned_responsible_subject",
                "within_own_duty",
                "legal_basis_cited",
            ],
        ),
        row(
            "everything wrong at once",
            WorkItemFacts {
                level: Level::City,
                category: "retired_campaign",
                community_role: CommunityRole::Responsible,
                within_own_duty: true,
                legal_basis: None,
                funding: None,
                service: ServiceNature {
                    public_interest: true,
                    professional: true,
                    technical: true,
                },
            },
            Reject,
            &["4.2-2", "4.2-3", "4.2-4", "4.2-7"],
            &[
                "category_unknown",
                "within_own_duty",
                "needs_party_government_approval",
                "funding_required",
                "service_purchase_possible",
            ],
        ),
    ]
}

fn sorted<'a>(items: impl IntoIterator<Item = &'a str>) -> Vec<&'a str> {
    let mut v: Vec<&str> = items.into_iter().collect();
    v.sort_unstable();
    v
}

#[test]
fn work_item_table() {
    let lists = test_lists();
    let mut failures = Vec::new();
    for r in rows() {
        let ruling = check_work_item(&r.facts, &lists, r.on);
        let d = &ruling.decision;
        let clauses: BTreeSet<&str> = d.clauses.iter().map(|c| c.as_str()).collect();
        assert_eq!(
            clauses.len(),
            d.clauses.len(),
            "{}: a clause cited twice",
            r.name
        );
        let got = (
            d.outcome,
            clauses.into_iter().collect::<Vec<_>>(),
            sorted(d.codes()),
        );
        let want = (
            r.outcome,
            sorted(r.clauses.iter().copied()),
            sorted(r.codes.iter().copied()),
        );
        if got != want {
            failures.push(format!("{}:\n    got  {got:?}\n    want {want:?}", r.name));
        }
        // Every reason's clause is cited, and 4.2-2 always is.
        for reason in &d.reasons {
            assert!(d.cites(reason.clause), "{}: {reason:?} not cited", r.name);
        }
        assert!(
            d.clauses.iter().any(|c| c.as_str() == "4.2-2"),
            "{}",
            r.name
        );
        let authority = match r.facts.level {
            Level::City => Authority::CityPartyAndGovernment,
            Level::District => Authority::DistrictPartyAndGovernment,
        };
        assert_eq!(ruling.authority, authority, "{}", r.name);
        assert_eq!(
            ruling.needs_funding,
            r.facts.legal_basis.is_none(),
            "{}",
            r.name
        );
    }
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
}

/// Every ordinary category of the official list is admitted with a legal basis, as responsible
/// or assisting, and needs approval without one.
#[test]
fn every_ordinary_category_is_admissible() {
    let lists = Lists::official().unwrap();
    let mut ordinary = 0;
    for c in lists.categories_on(today()) {
        if c.kind != CategoryKind::Ordinary {
            continue;
        }
        ordinary += 1;
        let key: &'static str = Box::leak(c.key.clone().into_boxed_str());
        for facts in [item(key), responsible(key)] {
            let d = check_work_item(&facts, lists, today()).decision;
            assert_eq!(d.outcome, Allow, "{key}: {d:?}");
            assert_eq!(sorted(d.codes()), BASIS, "{key}");
        }
        let d = check_work_item(&unlegislated(key, Level::City), lists, today()).decision;
        assert_eq!(d.outcome, NeedsApproval, "{key}: {d:?}");
    }
    assert_eq!(ordinary, 9);
}

#[test]
fn messages_name_the_authority_the_basis_and_the_principle() {
    let lists = Lists::official().unwrap();
    let message = |facts: &WorkItemFacts<'_>, code: &str| {
        let d = check_work_item(facts, lists, today()).decision;
        let reason = d.reasons.iter().find(|r| r.code == code).unwrap();
        reason.message.clone().into_owned()
    };
    let city = message(
        &unlegislated("other", Level::City),
        "needs_party_government_approval",
    );
    assert!(city.contains("市委、市政府批准"), "{city}");
    let district = message(
        &unlegislated("other", Level::District),
        "needs_party_government_approval",
    );
    assert!(
        district.contains("区(市、县)党(工)委") && district.contains("政府(管委会)"),
        "{district}"
    );
    assert_eq!(
        message(&item("other"), "legal_basis_cited"),
        "依据：《中华人民共和国城市居民委员会组织法》 第三条"
    );
    for funding in [
        None,
        Some(Funding {
            amount_fen: 0,
            ..FUNDED
        }),
        Some(Funding {
            source: "",
            ..FUNDED
        }),
    ] {
        let m = message(&unfunded(funding), "funding_required");
        assert!(m.contains("费随事转"), "{m}");
    }
    let m = message(&responsible("demolition"), "banned_responsible_subject");
    assert!(m.contains("拆迁拆违事项的责任主体"), "{m}");
    let m = message(&item("no_such_category"), "category_unknown");
    assert!(
        m.contains("no_such_category") && m.contains("2024-06-01"),
        "{m}"
    );
    assert_eq!(Authority::CityPartyAndGovernment.label_zh(), "市委、市政府");
    assert_eq!(
        Authority::for_level(Level::District).label_zh(),
        "区(市、县)党(工)委、区(市、县)政府(管委会)"
    );
}

/// The rules one by one, as the domain may call them.
#[test]
fn single_rules() {
    let lists = Lists::official().unwrap();
    let cat = |key: &str| lists.category(key, today()).unwrap();

    // 4.2-2 cites itself even when it finds nothing.
    let d = admission_system("civil_affairs", Some(cat("civil_affairs")), today());
    assert_eq!((d.outcome, d.clauses.len(), d.reasons.len()), (Allow, 1, 0));
    assert_eq!(d.clauses[0].as_str(), "4.2-2");
    assert_eq!(admission_system("x", None, today()).outcome, Reject);

    // 4.2-3, 4.2-7 and 4.2-6 on an ordinary category cite nothing when they find nothing.
    assert_eq!(own_duty(false), jianfu_rules::Decision::allow());
    assert_eq!(
        service_purchase(ServiceNature::default()),
        jianfu_rules::Decision::allow()
    );
    assert_eq!(
        banned_category(cat("party_building"), CommunityRole::Responsible),
        jianfu_rules::Decision::allow()
    );
    assert_eq!(own_duty(true).outcome, Reject);

    // 4.2-4 halves.
    assert_eq!(
        legal_basis_or_approval(Level::City, None).outcome,
        NeedsApproval
    );
    assert_eq!(
        legal_basis_or_approval(Level::City, Some(&LAW)).outcome,
        Allow
    );
    assert_eq!(
        funding_follows_task(Some(&FUNDED)),
        jianfu_rules::Decision::allow()
    );
    assert_eq!(funding_follows_task(None).outcome, Reject);
}

/// 4.2-5 gives the domain the reasons it records; it is not decided at admission time.
#[test]
fn revocation_reasons_cite_4_2_5() {
    let revoked = revocation_reason();
    assert_eq!(
        (revoked.clause.as_str(), revoked.code),
        ("4.2-5", "revoked_unapproved")
    );
    assert!(revoked.message.contains("立即撤销、终止"));
    let finding = unadmitted_demand_finding();
    assert_eq!(
        (finding.clause.as_str(), finding.code),
        ("4.2-5", "unadmitted_demand")
    );
    assert!(finding.message.contains("准入编号"));
}

#[test]
fn ruling_serialises_for_the_domain() {
    let lists = Lists::official().unwrap();
    let ruling = check_work_item(&unlegislated("other", Level::City), lists, today());
    let json = serde_json::to_value(&ruling).unwrap();
    assert_eq!(json["decision"]["outcome"], "needs_approval");
    assert_eq!(
        json["decision"]["clauses"],
        serde_json::json!(["4.2-2", "4.2-4"])
    );
    assert_eq!(json["authority"], "city_party_and_government");
    assert_eq!(json["needs_funding"], true);
}

/// The doc comment of each rule quotes its clause verbatim.
#[test]
fn rule_doc_comments_quote_the_policy() {
    let policy = Policy::official().unwrap();
    let source = include_str!("../src/work_item.rs");
    let mut quoted = BTreeSet::new();
    for line in source.lines() {
        let Some(rest) = line.trim().strip_prefix("/// **") else {
            continue;
        };
        let (id, quote) = rest.split_once("** ").unwrap();
        // `(second half) ……` introduces an excerpt.
        let quote = quote.strip_prefix("(second half) ").unwrap_or(quote);
        let excerpt = quote.strip_prefix("……");
        let text = &policy.clause(id).unwrap_or_else(|| panic!("{id}")).text;
        match excerpt {
            Some(tail) => assert!(
                text.ends_with(tail),
                "{id}: {tail:?} is not the end of {text:?}"
            ),
            None => assert_eq!(quote, text, "{id}"),
        }
        quoted.insert(id.to_owned());
    }
    let ids: Vec<&str> = quoted.iter().map(String::as_str).collect();
    assert_eq!(ids, ["4.2-2", "4.2-3", "4.2-4", "4.2-5", "4.2-6", "4.2-7"]);
}

// The category file.

#[test]
fn official_categories() {
    let lists = Lists::official().unwrap();
    let kinds: Vec<(&str, &str, CategoryKind)> = lists
        .categories()
        .iter()
        .map(|c| (c.key.as_str(), c.name.as_str(), c.kind))
        .collect();
    use CategoryKind::{Ordinary, ResponsibleSubject, TaskIndicator};
    assert_eq!(
        kinds,
        [
            ("party_building", "党建", Ordinary),
            ("civil_affairs", "民政服务", Ordinary),
            ("social_security", "社会保障", Ordinary),
            ("health", "卫生健康", Ordinary),
            ("comprehensive_governance", "综合治理", Ordinary),
            ("work_safety", "安全生产", Ordinary),
            ("civilization_campaign", "文明创建", Ordinary),
            ("statistical_survey", "统计调查", Ordinary),
            ("other", "其他", Ordinary),
            ("investment_attraction", "招商引资", TaskIndicator),
            ("tax_assistance", "协税护税", TaskIndicator),
            ("revenue_generation", "经济创收", TaskIndicator),
            ("law_enforcement", "执法", ResponsibleSubject),
            ("demolition", "拆迁拆违", ResponsibleSubject),
            ("environmental_remediation", "环境整治", ResponsibleSubject),
            ("urban_management", "城市管理", ResponsibleSubject),
        ]
    );
    for c in lists.categories() {
        assert_eq!(c.effective_from, date("2021-08-10"), "{}", c.key);
        assert_eq!(c.effective_to, None, "{}", c.key);
        assert_eq!(c.reference, "鞍民发〔2021〕18号 四(二)", "{}", c.key);
    }
    assert_eq!(lists.categories_on(date("2021-08-09")).count(), 0);
    assert_eq!(lists.categories_on(today()).count(), 16);
    let json = serde_json::to_value(&lists.categories()[9]).unwrap();
    assert_eq!(
        json,
        serde_json::json!({
            "key": "investment_attraction",
            "name": "招商引资",
            "kind": "task_indicator",
            "effective_from": "2021-08-10",
            "effective_to": null,
            "reference": "鞍民发〔2021〕18号 四(二)",
            "wordings": ["招商引资", "引进项目", "招商任务", "招商指标", "引资"],
        })
    );
    // Every banned category can be found in a text by its own name or a wording; ordinary ones
    // have none.
    for c in lists.categories() {
        assert_eq!(c.kind.is_banned(), !c.wordings.is_empty(), "{}", c.key);
    }

    let test = test_lists();
    let on_2022: Vec<&str> = test
        .categories_on(date("2022-06-01"))
        .map(|c| c.key.as_str())
        .collect();
    assert!(on_2022.contains(&"retired_campaign") && !on_2022.contains(&"future_item"));
    assert!(test.category("retired_campaign", today()).is_none());
    assert!(test.category("future_item", date("2030-01-01")).is_some());
}

/// One valid category table, with each line of `extra` (`field = value`) replacing or adding that
/// field; `field = DELETE` removes it.
fn one(key: &str, extra: &str) -> String {
    let mut lines = vec![
        format!("key = \"{key}\""),
        "name = \"测试\"".to_owned(),
        "kind = \"ordinary\"".to_owned(),
        "effective_from = \"2021-08-10\"".to_owned(),
        "reference = \"测试用\"".to_owned(),
    ];
    for field in extra.lines().filter(|l| !l.trim().is_empty()) {
        let name = field.split('=').next().unwrap().trim();
        lines.retain(|l| l.split('=').next().unwrap().trim() != name);
        if !field.trim().ends_with("= DELETE") {
            lines.push(field.trim().to_owned());
        }
    }
    format!("[[category]]\n{}\n", lines.join("\n"))
}

#[test]
fn category_file_validation() {
    let key = |k: &str| k.to_owned();
    let cases: Vec<(&str, String, ListError)> = vec![
        (
            "duplicate key",
            format!("{}\n{}", one("a", ""), one("a", "name = \"另一个\"")),
            ListError::DuplicateKey { key: key("a") },
        ),
        (
            "impossible date",
            one("a", "effective_from = \"2021-02-30\""),
            ListError::BadDate {
                key: key("a"),
                field: "effective_from",
                value: key("2021-02-30"),
            },
        ),
        (
            "wrong date format",
            one("a", "effective_to = \"2025/01/01\""),
            ListError::BadDate {
                key: key("a"),
                field: "effective_to",
                value: key("2025/01/01"),
            },
        ),
        (
            "banned kind without clause",
            one("a", "kind = \"task_indicator\""),
            ListError::BannedWithoutClause { key: key("a") },
        ),
        (
            "banned kind citing another clause",
            one("a", "kind = \"responsible_subject\"\nclause = \"4.2-5\""),
            ListError::WrongClause {
                key: key("a"),
                clause: key("4.2-5"),
            },
        ),
        (
            "ordinary kind citing a clause",
            one("a", "clause = \"4.2-6\""),
            ListError::WrongClause {
                key: key("a"),
                clause: key("4.2-6"),
            },
        ),
        (
            "unknown kind",
            one("a", "kind = \"forbidden\""),
            ListError::UnknownKind {
                key: key("a"),
                kind: key("forbidden"),
            },
        ),
        (
            "effective_to equal to effective_from",
            one("a", "effective_to = \"2021-08-10\""),
            ListError::EndNotAfterStart { key: key("a") },
        ),
        (
            "effective_to before effective_from",
            one("a", "effective_to = \"2020-01-01\""),
            ListError::EndNotAfterStart { key: key("a") },
        ),
        (
            "key not snake_case",
            one("Party Building", ""),
            ListError::BadKey {
                key: key("Party Building"),
            },
        ),
        (
            "blank name",
            one("a", "name = \" \""),
            ListError::EmptyField {
                key: key("a"),
                field: "name",
            },
        ),
        (
            "empty reference",
            one("a", "reference = \"\""),
            ListError::EmptyField {
                key: key("a"),
                field: "reference",
            },
        ),
        (
            "wordings on an ordinary category",
            one("a", "wordings = [\"党建\"]"),
            ListError::WordingsOnOrdinary { key: key("a") },
        ),
        (
            "blank wording",
            one(
                "a",
                "kind = \"task_indicator\"\nclause = \"4.2-6\"\nwordings = [\"招商\", \" \"]",
            ),
            ListError::EmptyWording { key: key("a") },
        ),
        (
            "blank responsible marker",
            format!("responsible_markers = [\"\"]\n{}", one("a", "")),
            ListError::EmptyWording { key: key("") },
        ),
    ];
    for (name, text, expected) in cases {
        assert_eq!(Lists::parse(&text), Err(expected), "{name}:\n{text}");
    }
    // The two kinds of blank entry say which list holds them.
    assert_eq!(
        ListError::EmptyWording { key: key("") }.to_string(),
        "`responsible_markers` has a blank entry"
    );
    assert_eq!(
        ListError::EmptyWording { key: key("a") }.to_string(),
        "category \"a\": `wordings` has a blank entry"
    );

    // Shape errors come from the TOML reader.
    let syntax: &[(&str, String)] = &[
        ("unknown field", one("a", "effective_form = \"2021-08-10\"")),
        ("missing field", one("a", "reference = DELETE")),
        ("unquoted date", one("a", "effective_from = 2021-08-10")),
        ("not TOML", "[[category]\nkey = ".to_owned()),
        ("unknown table", "[[categories]]\nkey = \"a\"\n".to_owned()),
    ];
    for (name, text) in syntax {
        assert!(
            matches!(Lists::parse(text), Err(ListError::Syntax(_))),
            "{name}: {:?}",
            Lists::parse(text)
        );
    }

    // A valid file of one ordinary and one banned category; an empty file is an empty list.
    let ok = format!(
        "{}\n{}",
        one("a", "effective_to = \"2021-08-11\""),
        one("b", "kind = \"task_indicator\"\nclause = \"4.2-6\"")
    );
    let lists = Lists::parse(&ok).unwrap();
    assert_eq!(lists.categories().len(), 2);
    assert_eq!(Lists::parse("").unwrap().categories().len(), 0);

    assert_eq!(
        ListError::BannedWithoutClause { key: key("a") }.to_string(),
        "category \"a\": a banned kind must cite the clause that bans it (\"4.2-6\")"
    );
}

/// Case, text, category picked, role, expected outcome, reason codes of 4.2-6 and the words the
/// findings must name.
type WordingCase = (
    &'static str,
    &'static str,
    &'static str,
    CommunityRole,
    Outcome,
    &'static [&'static str],
    &'static [&'static str],
);

/// 4.2-6 read in the work item's own words.
#[test]
fn banned_wordings_in_title_or_description_reject_as_the_category_would() {
    use CommunityRole::{Assisting, Responsible};
    let lists = Lists::official().unwrap();
    let cases: &[WordingCase] = &[
        (
            "招商引资任务 filed as 其他",
            "招商引资任务：每个社区每年引进项目2个",
            "other",
            Assisting,
            Reject,
            &["banned_wording_task_indicator"],
            &["招商引资"],
        ),
        (
            "社区负责拆除 filed as 其他, role assisting: the text makes the community responsible",
            "社区负责拆除辖区违法建筑",
            "other",
            Assisting,
            Reject,
            &["banned_wording_responsible_subject"],
            &["违法建筑", "社区负责"],
        ),
        (
            "违法建筑 with the community responsible by role",
            "清理辖区违法建筑",
            "other",
            Responsible,
            Reject,
            &["banned_wording_responsible_subject"],
            &["违法建筑"],
        ),
        (
            "违法建筑 assisting, no marker: a reminder only",
            "协助区城管局排查辖区违法建筑",
            "other",
            Assisting,
            Allow,
            &["assisting_only", "assisting_only"],
            &["违法建筑", "城管"],
        ),
        (
            "several matters, one finding each",
            "协税护税和经济创收指标",
            "civil_affairs",
            Assisting,
            Reject,
            &[
                "banned_wording_task_indicator",
                "banned_wording_task_indicator",
            ],
            &["协税护税", "经济创收"],
        ),
        (
            "the picked category is banned_category's finding, not a second one",
            "招商引资任务",
            "investment_attraction",
            Assisting,
            Allow,
            &[],
            &[],
        ),
        (
            "nothing banned in the text",
            "协助开展流感疫苗接种通知",
            "health",
            Responsible,
            Allow,
            &[],
            &[],
        ),
        (
            "almost the wording: 招商 alone is not 招商引资",
            "招商银行代发工资卡信息核对",
            "other",
            Assisting,
            Allow,
            &[],
            &[],
        ),
    ];
    for (name, text, picked, role, outcome, codes, words) in cases {
        let d = banned_wording(text, picked, *role, lists, today());
        assert_eq!(d.outcome, *outcome, "{name}");
        let got: Vec<&str> = d.reasons.iter().map(|r| r.code).collect();
        assert_eq!(got, *codes, "{name}");
        for w in *words {
            assert!(
                d.reasons.iter().any(|r| r.message.contains(w)),
                "{name}: no finding names {w}: {:?}",
                d.reasons
            );
        }
        let cited: Vec<&str> = d.clauses.iter().map(|c| c.as_str()).collect();
        let expected: &[&str] = if codes.is_empty() { &[] } else { &["4.2-6"] };
        assert_eq!(cited, expected, "{name}");
    }
}

#[test]
fn banned_wordings_follow_their_categorys_effective_dates() {
    let text = r#"
responsible_markers = ["社区负责"]

[[category]]
key = "retired_indicator"
name = "已取消的指标"
kind = "task_indicator"
effective_from = "2021-08-10"
effective_to = "2024-01-01"
reference = "测试用"
clause = "4.2-6"
wordings = ["旧指标"]

[[category]]
key = "other"
name = "其他"
kind = "ordinary"
effective_from = "2021-08-10"
reference = "测试用"
"#;
    let lists = Lists::parse(text).unwrap();
    let before = banned_wording(
        "完成旧指标",
        "other",
        CommunityRole::Assisting,
        &lists,
        date("2023-12-31"),
    );
    assert_eq!(before.outcome, Outcome::Reject);
    let after = banned_wording(
        "完成旧指标",
        "other",
        CommunityRole::Assisting,
        &lists,
        date("2024-01-01"),
    );
    assert_eq!(after, jianfu_rules::Decision::allow());
}

#[test]
fn check_work_item_text_adds_the_wording_finding_to_the_rest() {
    let lists = Lists::official().unwrap();
    let facts = item("other");
    let plain = check_work_item(&facts, lists, today());
    assert_eq!(plain.decision.outcome, Outcome::Allow);
    let read = check_work_item_text(
        &facts,
        "招商引资任务：每个社区每年引进项目2个",
        lists,
        today(),
    );
    assert_eq!(read.decision.outcome, Outcome::Reject);
    let codes: Vec<&str> = read.decision.reasons.iter().map(|r| r.code).collect();
    assert_eq!(
        codes,
        ["legal_basis_cited", "banned_wording_task_indicator"]
    );
    let clauses: Vec<&str> = read.decision.clauses.iter().map(|c| c.as_str()).collect();
    assert_eq!(clauses, ["4.2-2", "4.2-4", "4.2-6"]);
}

#[test]
fn legal_basis_kinds_are_shown_in_the_words_of_4_2_4() {
    assert_eq!(LegalBasisKind::Law.label_zh(), "法律");
    assert_eq!(LegalBasisKind::Regulation.label_zh(), "法规");
    assert_eq!(LegalBasisKind::Rule.label_zh(), "规章");
}

#[test]
fn stored_texts_are_the_serde_names_and_parse_back() {
    for l in Level::ALL {
        assert_eq!(serde_json::to_value(l).unwrap(), l.as_str());
        assert_eq!(Level::parse(l.as_str()), Some(l));
    }
    for r in CommunityRole::ALL {
        assert_eq!(serde_json::to_value(r).unwrap(), r.as_str());
        assert_eq!(CommunityRole::parse(r.as_str()), Some(r));
    }
    for k in LegalBasisKind::ALL {
        assert_eq!(serde_json::to_value(k).unwrap(), k.as_str());
        assert_eq!(LegalBasisKind::parse(k.as_str()), Some(k));
    }
    assert_eq!(
        (Level::City.label_zh(), Level::District.label_zh()),
        ("市级", "区级")
    );
    for unknown in ["", "City", "province", " law"] {
        assert_eq!(Level::parse(unknown), None);
        assert_eq!(CommunityRole::parse(unknown), None);
        assert_eq!(LegalBasisKind::parse(unknown), None);
    }
}
