//! Lists show exactly what a direct fetch allows. For every demo account and every listable
//! aggregate, the ids its lists return (every page) are the ids whose single fetch succeeds; and
//! the SQL a scope becomes selects exactly the nodes `authorize` allows, for every account and
//! every action. Both run on SQLite and, in CI, on PostgreSQL.

use std::collections::BTreeSet;
use std::future::Future;

use jianfu_domain::accounts::AccountQuery;
use jianfu_domain::authz::{self, Action, Target};
use jianfu_domain::bootstrap::DEMO_ACCOUNTS;
use jianfu_domain::certificate::ApplicationFilter;
use jianfu_domain::demand::{DemandFilter, DemandForm};
use jianfu_domain::page::{Page, PageRequest, every_row};
use jianfu_domain::plaque::{PlaqueFilter, TaskFilter};
use jianfu_domain::rectification::NoticeForm;
use jianfu_domain::supervision::CaseDecision;
use jianfu_domain::{Ctx, Result};
use jianfu_store::entity::{
    account, certificate_application, comprehensive_campaign, demand, node, plaque, removal_task,
    supervision_case,
};
use jianfu_store::orm::{EntityTrait, QueryFilter, QuerySelect};

use crate::helpers::{TestApp, spawn_app, this_year_on};

/// Every id of a table.
async fn all_ids<E>(t: &TestApp, id: E::Column) -> Vec<i64>
where
    E: EntityTrait,
{
    E::find()
        .select_only()
        .column(id)
        .into_tuple()
        .all(t.app.store.db())
        .await
        .unwrap()
}

/// The ids a list shows over all its pages; a refused list shows none.
async fn listed<T, F, Fut>(fetch: F, id: impl Fn(&T) -> i64) -> BTreeSet<i64>
where
    F: FnMut(PageRequest) -> Fut,
    Fut: Future<Output = Result<Page<T>>>,
{
    match every_row(fetch).await {
        Ok(rows) => rows.iter().map(id).collect(),
        Err(e) => {
            assert_eq!(
                e.code, "forbidden",
                "a list is refused only as forbidden: {e:?}"
            );
            BTreeSet::new()
        }
    }
}

/// The ids among `ids` whose single fetch succeeds; any refusal must be forbidden.
async fn fetchable<F, Fut, T>(ids: &[i64], mut fetch: F) -> BTreeSet<i64>
where
    F: FnMut(i64) -> Fut,
    Fut: Future<Output = Result<T>>,
{
    let mut out = BTreeSet::new();
    for &id in ids {
        match fetch(id).await {
            Ok(_) => {
                out.insert(id);
            }
            Err(e) => assert_eq!(e.code, "forbidden", "fetch {id}: {e:?}"),
        }
    }
    out
}

/// Demands that the demo lacks, so that every branch of demand visibility has a row on each
/// side: a city department's draft and its submitted item (city level), and a district item
/// admitted for 示例新华社区 only (not seen by 示例和平社区's staff nor 示例一街道's).
async fn more_demands(t: &TestApp) {
    let city_dept = t.ctx("city_dept").await;
    let form = |requester: i64, title: &str, targets: Vec<i64>| DemandForm {
        requester_node_id: requester,
        title: title.into(),
        description: format!("{title}（可见性测试）"),
        category: "health".into(),
        community_role: "assisting".into(),
        funding_yuan: "1000".into(),
        funding_source: "市级财政专项资金".into(),
        minutes_per_occurrence: "30".into(),
        occurrences_per_year: "4".into(),
        period_start: this_year_on("01-01"),
        period_end: this_year_on("12-31"),
        target_mode: "communities".into(),
        target_ids: targets,
        ..Default::default()
    };
    let xinhua = t.node_id("示例新华社区").await;
    let city_health = t.node_id("鞍山市卫生健康委员会").await;
    t.app
        .create_demand(
            &city_dept,
            &form(city_health, "市级草稿：协助核对慢病档案", vec![xinhua]),
            false,
        )
        .await
        .unwrap();
    t.app
        .create_demand(
            &city_dept,
            &form(city_health, "市级待审批：协助开展健康讲座", vec![xinhua]),
            true,
        )
        .await
        .unwrap();
    let dept = t.ctx("district_dept").await;
    let d = t
        .app
        .create_demand(
            &dept,
            &form(
                t.node_id("铁东区卫生健康局").await,
                "区级已准入：协助新华社区开展义诊通知",
                vec![xinhua],
            ),
            true,
        )
        .await
        .unwrap();
    t.app
        .admit_demand(&t.ctx("district_approver").await, d.id, "", "", "同意")
        .await
        .unwrap();
}

async fn check_account(t: &TestApp, username: &str, ids: &Ids) {
    let ctx: Ctx = t.ctx(username).await;
    let app = &t.app;

    let no_filter = DemandFilter::default();
    let shown = listed(|p| app.list_demands(&ctx, &no_filter, p), |d| d.id).await;
    let allowed = fetchable(&ids.demands, |id| app.demand_detail(&ctx, id)).await;
    assert_eq!(
        shown, allowed,
        "{username}: demands listed ≠ demands readable"
    );

    let no_filter = ApplicationFilter::default();
    let mut shown = listed(|p| app.list_applications(&ctx, &no_filter, p), |a| a.id).await;
    if let Ok(mine) = app.my_applications(&ctx).await {
        shown.extend(mine.iter().map(|a| a.id));
    }
    let allowed = fetchable(&ids.applications, |id| app.application(&ctx, id)).await;
    assert_eq!(shown, allowed, "{username}: applications listed ≠ readable");

    let all = PlaqueFilter {
        status: "all".into(),
        ..Default::default()
    };
    let shown = listed(|p| app.list_plaques(&ctx, &all, p), |v| v.id).await;
    let allowed = fetchable(&ids.plaques, |id| app.plaque(&ctx, id)).await;
    assert_eq!(shown, allowed, "{username}: plaques listed ≠ readable");

    let all = TaskFilter {
        status: "all".into(),
        unit_id: None,
    };
    let shown = listed(|p| app.list_removal_tasks(&ctx, &all, p), |v| v.id).await;
    let allowed = fetchable(&ids.tasks, |id| app.removal_task(&ctx, id)).await;
    assert_eq!(
        shown, allowed,
        "{username}: removal tasks listed ≠ readable"
    );

    let shown = listed(|p| app.list_comprehensive(&ctx, p), |v| v.id).await;
    let allowed = fetchable(&ids.comprehensive, |id| app.comprehensive(&ctx, id)).await;
    assert_eq!(
        shown, allowed,
        "{username}: comprehensive evaluations listed ≠ readable"
    );

    let no_filter = AccountQuery::default();
    let shown = listed(|p| app.list_accounts(&ctx, &no_filter, p), |v| v.id).await;
    let allowed = fetchable(&ids.accounts, |id| app.account_detail(&ctx, id)).await;
    assert_eq!(shown, allowed, "{username}: accounts listed ≠ readable");

    let shown = listed(|p| app.list_monitoring_points(&ctx, p), |v| v.id).await;
    let allowed = fetchable(&ids.monitoring, |id| app.monitoring_point(&ctx, id)).await;
    assert_eq!(
        shown, allowed,
        "{username}: monitoring points listed ≠ readable"
    );

    // Department ratings (5.3-2): the ranking and one's own results together show exactly the
    // units whose result one may read.
    let every = jianfu_domain::department_rating::RankingFilter::default();
    let mut shown = listed(
        |p| app.list_department_ranking(&ctx, &every, p),
        |v| v.unit_id,
    )
    .await;
    if let Ok(own) = app.own_department_ratings(&ctx, &every).await {
        shown.extend(
            own.iter()
                .map(|v| v.unit_id)
                .filter(|u| ids.rated_units.contains(u)),
        );
    }
    let allowed = fetchable(&ids.rated_units, |id| {
        app.department_rating(&ctx, id, &every)
    })
    .await;
    assert_eq!(shown, allowed, "{username}: rated units listed ≠ readable");

    // Cases: the supervisors' where its community is, and the notified unit's (without its
    // reporter) once a notice names it.
    let every = jianfu_domain::demand::CaseFilter::default();
    let rows = every_row(|p| app.list_cases(&ctx, &every, p))
        .await
        .unwrap_or_default();
    let shown: BTreeSet<i64> = rows.iter().map(|c| c.id).collect();
    let case_ids: Vec<i64> = ids.cases.iter().map(|c| c.0).collect();
    let allowed = fetchable(&case_ids, |id| app.case_detail(&ctx, id)).await;
    assert_eq!(shown, allowed, "{username}: cases listed ≠ cases readable");

    // Form returns (issue 13 §3): a community's to-do shows exactly the returns it may open —
    // never another community's; only the filing department reads the form's table.
    let shown: BTreeSet<(i64, i64, String)> = app
        .due_returns(&ctx)
        .await
        .unwrap_or_default()
        .into_iter()
        .map(|r| (r.demand_id, r.community_id, r.period_key))
        .collect();
    let mut allowed = BTreeSet::new();
    for (d, c, k) in &ids.returns {
        if app.form_return(&ctx, *d, *c, k).await.is_ok() {
            allowed.insert((*d, *c, k.clone()));
        }
    }
    assert_eq!(shown, allowed, "{username}: returns listed ≠ readable");
    if username == "worker" || username == "head" {
        let heping = t.node_id("示例和平社区").await;
        assert!(
            !shown.is_empty() && shown.iter().all(|r| r.1 == heping),
            "{username}: {shown:?}"
        );
    }
    let form = ids.returns[0].0;
    assert_eq!(
        app.form_return_table(&ctx, form).await.is_ok(),
        username == "district_dept",
        "{username}: the form's table is its filing department's only"
    );
    // A case reads the same in the list as alone: the reporter hidden alike.
    for c in &rows {
        let one = app.case_detail(&ctx, c.id).await.unwrap();
        assert_eq!(
            (c.reporter_hidden, &c.reporter),
            (one.reporter_hidden, &one.reporter),
            "{username}: case {}",
            c.id
        );
    }
}

async fn demand_titled(t: &TestApp, title: &str) -> i64 {
    demand::Entity::find()
        .filter(jianfu_store::orm::ColumnTrait::eq(
            &demand::Column::Title,
            title,
        ))
        .one(t.app.store.db())
        .await
        .unwrap()
        .unwrap()
        .id
}

struct Ids {
    demands: Vec<i64>,
    applications: Vec<i64>,
    plaques: Vec<i64>,
    tasks: Vec<i64>,
    comprehensive: Vec<i64>,
    accounts: Vec<i64>,
    cases: Vec<(i64, i64)>,
    monitoring: Vec<i64>,
    rated_units: Vec<i64>,
    /// (form, community, period key) of every return due this period (the demo's admitted
    /// report form reaching its communities).
    returns: Vec<(i64, i64, String)>,
}

#[tokio::test]
async fn every_list_shows_exactly_what_its_single_fetch_allows() {
    let t = spawn_app().await;
    more_demands(&t).await;
    // A case, so that the supervisors' list is not empty.
    let worker = t.login("worker").await;
    let community = t.node_id("示例和平社区").await;
    let (status, _) = worker
        .post_api(
            "/api/v1/reports",
            &serde_json::json!({
                "community_id": community,
                "demanding_unit": "某区某局",
                "description": "要求社区每周报送台账，未出示准入编号",
                "claimed_number": "",
            }),
        )
        .await;
    assert!(status.is_success(), "report: {status}");

    // A second case, verified, whose notice names 铁东区卫生健康局: its department's staff see
    // it (and only it), without who reported it.
    let notified = crate::supervision::report_case(
        &t,
        &worker,
        "要求社区每月报送入户走访照片，未出示准入编号",
    )
    .await;
    let sup = t.ctx("district_supervisor").await;
    t.app
        .decide_case(&sup, notified, CaseDecision::Verify, "经核实属实")
        .await
        .unwrap();
    t.app
        .issue_notice(
            &sup,
            notified,
            &NoticeForm {
                unit_id: Some(t.node_id("铁东区卫生健康局").await),
                facts: "要求社区每月报送入户走访照片，该事项未经准入".into(),
                clauses: Vec::new(),
                action_required: "停止下派并书面说明".into(),
                deadline_days: "5".into(),
            },
        )
        .await
        .unwrap();
    let dept = t.ctx("district_dept").await;
    let every = jianfu_domain::demand::CaseFilter::default();
    let theirs = every_row(|p| t.app.list_cases(&dept, &every, p))
        .await
        .unwrap();
    assert_eq!(
        theirs.iter().map(|c| c.id).collect::<Vec<_>>(),
        vec![notified]
    );
    assert!(theirs[0].reporter_hidden && theirs[0].reporter.is_empty());

    // Monitoring points (4.1-8) in two communities, one of them ended (示例和平社区's is
    // the demo's).
    let mut monitoring = Vec::new();
    for (name, end) in [("示例新华社区", true)] {
        let p = t
            .app
            .designate_monitoring_point(
                &sup,
                &jianfu_domain::monitoring::DesignateForm {
                    community_id: t.node_id(name).await,
                    note: String::new(),
                },
            )
            .await
            .unwrap();
        if end {
            t.app.end_monitoring_point(&sup, p.id).await.unwrap();
        }
        monitoring.push(p.id);
    }
    let demo_point: i64 = crate::auth::scalar(&t, "SELECT MIN(id) FROM monitoring_point").await;
    monitoring.push(demo_point);

    let cases: Vec<(i64, i64)> = supervision_case::Entity::find()
        .select_only()
        .column(supervision_case::Column::Id)
        .column(supervision_case::Column::CommunityNodeId)
        .into_tuple()
        .all(t.app.store.db())
        .await
        .unwrap();
    let city_approver = t.ctx("city_approver").await;
    let every_unit = jianfu_domain::department_rating::RankingFilter::default();
    let ids = Ids {
        demands: all_ids::<demand::Entity>(&t, demand::Column::Id).await,
        applications: all_ids::<certificate_application::Entity>(
            &t,
            certificate_application::Column::Id,
        )
        .await,
        plaques: all_ids::<plaque::Entity>(&t, plaque::Column::Id).await,
        tasks: all_ids::<removal_task::Entity>(&t, removal_task::Column::Id).await,
        comprehensive: all_ids::<comprehensive_campaign::Entity>(
            &t,
            comprehensive_campaign::Column::Id,
        )
        .await,
        accounts: all_ids::<account::Entity>(&t, account::Column::Id).await,
        cases,
        monitoring,
        rated_units: every_row(|p| {
            t.app
                .list_department_ranking(&city_approver, &every_unit, p)
        })
        .await
        .unwrap()
        .iter()
        .map(|v| v.unit_id)
        .collect(),
        returns: {
            let heping = t.ctx("worker").await;
            let form = t.app.due_returns(&heping).await.unwrap()[0].clone();
            let mut r = Vec::new();
            for c in ["示例和平社区", "示例光明社区", "示例新华社区"] {
                r.push((form.demand_id, t.node_id(c).await, form.period_key.clone()));
            }
            r
        },
    };
    // The demo must give each side rows, or the comparison proves nothing.
    assert!(ids.demands.len() >= 9, "{:?}", ids.demands);
    assert!(!ids.applications.is_empty());
    assert!(!ids.plaques.is_empty());
    assert!(!ids.tasks.is_empty());
    assert!(!ids.comprehensive.is_empty());
    assert!(!ids.cases.is_empty());
    assert!(!ids.rated_units.is_empty());
    assert_eq!(ids.returns.len(), 3);
    let mut seen_some = 0;
    let mut refused_some = 0;
    let no_filter = DemandFilter::default();
    for (username, ..) in DEMO_ACCOUNTS {
        check_account(&t, username, &ids).await;
        let ctx = t.ctx(username).await;
        let n = listed(|p| t.app.list_demands(&ctx, &no_filter, p), |d| d.id)
            .await
            .len();
        if n > 0 {
            seen_some += 1;
        }
        if n < ids.demands.len() {
            refused_some += 1;
        }
    }
    assert!(
        seen_some >= 8 && refused_some >= 8,
        "{seen_some} {refused_some}"
    );
    // Particular rows, by hand: the city draft is its department's alone; the item placed on
    // 示例新华社区 is not 示例和平社区's worker's.
    let draft = demand_titled(&t, "市级草稿：协助核对慢病档案").await;
    let xinhua = demand_titled(&t, "区级已准入：协助新华社区开展义诊通知").await;
    assert!(
        t.app
            .demand_detail(&t.ctx("city_dept").await, draft)
            .await
            .is_ok()
    );
    for who in ["city_approver", "supervisor", "district_dept"] {
        assert!(
            t.app.demand_detail(&t.ctx(who).await, draft).await.is_err(),
            "{who}"
        );
    }
    assert!(
        t.app
            .demand_detail(&t.ctx("worker").await, xinhua)
            .await
            .is_err()
    );
    assert!(
        t.app
            .demand_detail(&t.ctx("street").await, xinhua)
            .await
            .is_err()
    );
    assert!(
        t.app
            .demand_detail(&t.ctx("city_dept").await, xinhua)
            .await
            .is_ok()
    );
}

/// The SQL a scope becomes (`Scope::path_condition`) selects exactly the nodes that
/// `authorize` allows, for every demo account and every action.
#[tokio::test]
async fn a_scope_selects_exactly_the_nodes_authorize_allows() {
    let t = spawn_app().await;
    let nodes: Vec<node::Model> = node::Entity::find().all(t.app.store.db()).await.unwrap();
    assert!(nodes.len() > 20);
    let mut non_empty = 0;
    for (username, ..) in DEMO_ACCOUNTS {
        let ctx = t.ctx(username).await;
        for action in Action::ALL {
            let scope = authz::visible(&ctx.principal, action);
            let selected: BTreeSet<i64> = node::Entity::find()
                .select_only()
                .column(node::Column::Id)
                .filter(scope.path_condition())
                .into_tuple()
                .all(t.app.store.db())
                .await
                .unwrap()
                .into_iter()
                .collect();
            let allowed: BTreeSet<i64> = nodes
                .iter()
                .filter(|n| {
                    let target = Target {
                        node_id: n.id,
                        path: &n.path,
                    };
                    authz::authorize(&ctx.principal, action, &target).is_ok()
                })
                .map(|n| n.id)
                .collect();
            assert_eq!(selected, allowed, "{username} {action:?}");
            // `covers` agrees with both, node by node.
            for n in &nodes {
                assert_eq!(scope.covers(&n.path), allowed.contains(&n.id));
            }
            if !allowed.is_empty() && allowed.len() < nodes.len() {
                non_empty += 1;
            }
        }
    }
    assert!(non_empty > 40, "{non_empty}");
}

/// Person-level records and the access log (issue 13 §4): for every demo account, a
/// community's records list opens exactly where the single check (`own_units` of
/// `KeepPersonRecords`) allows and shows only that community's records; the access log lists
/// every read for whoever `ViewDataAccessLog` allows and nothing for anyone else; a resident's
/// own reads are exactly the log's rows of the person their account is registered as.
#[tokio::test]
async fn person_records_and_the_access_log_show_what_the_single_check_allows() {
    use jianfu_domain::person_record::AccessQuery;
    let t = spawn_app().await;
    assert!(t.app.seed_demo_reads().await.unwrap());
    let app = &t.app;
    let heping = t.node_id("示例和平社区").await;
    let guangming = t.node_id("示例光明社区").await;
    let reads = all_ids::<jianfu_store::entity::data_access::Entity>(
        &t,
        jianfu_store::entity::data_access::Column::Id,
    )
    .await;
    assert_eq!(reads.len(), 2);
    let mut keepers = Vec::new();
    for (username, ..) in DEMO_ACCOUNTS {
        let ctx: Ctx = t.ctx(username).await;
        let own = authz::own_units(&ctx.principal, Action::KeepPersonRecords);
        for community in [heping, guangming] {
            let listed =
                every_row(|p| app.list_person_records(&ctx, community, None, None, p)).await;
            assert_eq!(
                listed.is_ok(),
                own.contains(&community),
                "{username}: records of {community}"
            );
            if let Ok(rows) = listed {
                assert!(rows.iter().all(|r| r.community_id == community));
                if community == heping {
                    assert_eq!(rows.len(), 2, "{username}");
                    keepers.push(username);
                }
            }
        }
        let every = AccessQuery::default();
        let log = every_row(|p| app.list_data_access(&ctx, &every, p)).await;
        assert_eq!(
            log.is_ok(),
            ctx.principal.may(Action::ViewDataAccessLog),
            "{username}: the access log"
        );
        if let Ok(rows) = log {
            let shown: BTreeSet<i64> = rows.iter().map(|r| r.id).collect();
            assert_eq!(shown, reads.iter().copied().collect(), "{username}");
        }
        assert_eq!(
            app.data_access_parties(&ctx).await.is_ok(),
            ctx.principal.may(Action::ViewDataAccessLog),
            "{username}: the log's filter choices"
        );
        match app.my_data_access(&ctx, PageRequest::default()).await {
            Ok(mine) => {
                assert!(ctx.principal.may(Action::ViewOwnDataAccess), "{username}");
                let expected = if username == "resident" { 1 } else { 0 };
                assert_eq!(mine.reads.total, expected, "{username}: own reads");
            }
            Err(_) => assert!(!ctx.principal.may(Action::ViewOwnDataAccess), "{username}"),
        }
    }
    keepers.sort_unstable();
    assert_eq!(keepers, ["head", "worker"]);
}
