//! How fast the work-item and plaque rules decide, measured against a trivial decision, so that a
//! rule set that starts to allocate or search too much shows up as a falling ratio rather than as
//! a number that depends on the machine. Std only (no criterion): `cargo bench -p jianfu-rules`.

use std::hint::black_box;
use std::time::{Duration, Instant};

use jianfu_rules::{
    CommunityRole, Date, Decision, Funding, LegalBasis, LegalBasisKind, Level, Lists, Outcome,
    Placement, PlaqueFacts, PlaqueLists, Reason, ServiceNature, UnitKind, UnitPlaces,
    WorkItemFacts, check_plaque, check_work_item, clause,
};

const WARM_UP: Duration = Duration::from_millis(300);
const MEASURE: Duration = Duration::from_secs(1);
/// Calls between clock reads, so that reading the clock does not dominate.
const BATCH: u64 = 1024;

/// Runs `f(i)` for `i = 0, 1, …` for about `MEASURE` after a warm-up; returns calls per second.
fn rate(mut f: impl FnMut(u64)) -> f64 {
    let mut i = 0u64;
    let warm = Instant::now();
    while warm.elapsed() < WARM_UP {
        for _ in 0..BATCH {
            f(i);
            i = i.wrapping_add(1);
        }
    }
    let start = Instant::now();
    let mut calls = 0u64;
    while start.elapsed() < MEASURE {
        for _ in 0..BATCH {
            f(i);
            i = i.wrapping_add(1);
        }
        calls += BATCH;
    }
    calls as f64 / start.elapsed().as_secs_f64()
}

fn human(rate: f64) -> String {
    if rate >= 1e6 {
        format!("{:.1}M", rate / 1e6)
    } else {
        format!("{:.0}k", rate / 1e3)
    }
}

/// Realistic demands: admitted, needing approval, banned, unfunded, several findings at once.
fn demands() -> Vec<WorkItemFacts<'static>> {
    let law = LegalBasis {
        kind: LegalBasisKind::Law,
        title: "《中华人民共和国城市居民委员会组织法》",
        article: "第三条",
    };
    let funded = Funding {
        amount_fen: 5_000_000,
        source: "区财政专项资金",
    };
    let base = WorkItemFacts {
        level: Level::District,
        category: "civil_affairs",
        community_role: CommunityRole::Assisting,
        within_own_duty: false,
        legal_basis: Some(law),
        funding: None,
        service: ServiceNature::default(),
    };
    vec![
        base,
        WorkItemFacts {
            level: Level::City,
            category: "health",
            legal_basis: None,
            funding: Some(funded),
            ..base
        },
        WorkItemFacts {
            category: "investment_attraction",
            community_role: CommunityRole::Responsible,
            ..base
        },
        WorkItemFacts {
            category: "demolition",
            community_role: CommunityRole::Responsible,
            within_own_duty: true,
            ..base
        },
        WorkItemFacts {
            category: "urban_management",
            ..base
        },
        WorkItemFacts {
            category: "statistical_survey",
            legal_basis: None,
            funding: None,
            ..base
        },
        WorkItemFacts {
            category: "social_security",
            service: ServiceNature {
                public_interest: true,
                professional: true,
                technical: false,
            },
            ..base
        },
        WorkItemFacts {
            category: "no_such_category",
            legal_basis: None,
            funding: Some(Funding {
                amount_fen: 0,
                source: "",
            }),
            ..base
        },
    ]
}

fn main() {
    let lists = match Lists::official() {
        Ok(lists) => lists,
        Err(e) => {
            eprintln!("invalid data/work_item_categories.toml: {e}");
            std::process::exit(1);
        }
    };
    let Some(on) = Date::new(2024, 6, 1) else {
        return;
    };
    let demands = demands();
    let n = demands.len() as u64;

    let rules = rate(|i| {
        let facts = black_box(&demands[(i % n) as usize]);
        black_box(check_work_item(facts, black_box(lists), black_box(on)));
    });
    let baseline = rate(|i| {
        let d = Decision::allow().with(
            Reason::new(clause!("2.0-1"), "baseline", "基准"),
            if black_box(i) % 2 == 0 {
                Outcome::Allow
            } else {
                Outcome::Reject
            },
        );
        black_box(d);
    });
    println!(
        "work_item rules: {} decisions/s (baseline {}/s, ratio {:.3})",
        human(rules),
        human(baseline),
        rules / baseline
    );

    let plaque_lists = match PlaqueLists::official() {
        Ok(lists) => lists,
        Err(e) => {
            eprintln!("invalid plaque data: {e}");
            std::process::exit(1);
        }
    };
    let plaques = plaques();
    let m = plaques.len() as u64;
    let plaque_rules = rate(|i| {
        let facts = black_box(&plaques[(i % m) as usize]);
        black_box(check_plaque(facts, black_box(plaque_lists), black_box(on)));
    });
    println!(
        "plaque rules: {} decisions/s (baseline {}/s, ratio {:.3})",
        human(plaque_rules),
        human(baseline),
        plaque_rules / baseline
    );
}

/// Realistic plaques: whitelisted in several spellings, misplaced, village-only, off the lists,
/// another body's, and street plaques on and off the list.
fn plaques() -> Vec<PlaqueFacts<'static>> {
    let community = |name, placement| PlaqueFacts {
        name,
        placement,
        unit: UnitKind::Community,
        unit_name: "和平社区",
        kind: None,
        temporary_approved: false,
        places: UnitPlaces {
            city: "鞍山市",
            district: "铁东区",
            street: "和平街道",
        },
    };
    let street = |name, placement| PlaqueFacts {
        unit: UnitKind::Street,
        unit_name: "和平街道",
        places: UnitPlaces {
            street: "",
            ..community(name, placement).places
        },
        ..community(name, placement)
    };
    vec![
        community("中共鞍山市铁东区和平社区委员会", Placement::Outdoor),
        community("和平社区居委会", Placement::Outdoor),
        community("和平社区“两代表一委员”工作室", Placement::Indoor),
        community("和平社区新时代文明实践站", Placement::Outdoor),
        community("和平社区股份经济合作社", Placement::Outdoor),
        community("和平社区综合治理工作站", Placement::Indoor),
        community("胜利社区党群服务中心", Placement::Outdoor),
        street("中共鞍山市铁东区和平街道工作委员会", Placement::Outdoor),
        street("和平街道综治办", Placement::Outdoor),
    ]
}
