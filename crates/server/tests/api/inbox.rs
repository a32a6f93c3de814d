//! The to-do inbox: each role sees what it can act on, the item disappears once acted on, the
//! badge counts it, overdue items come first, and no item links to a page its reader may not
//! open.

use jianfu_domain::bootstrap::DEMO_ACCOUNTS;
use reqwest::StatusCode;
use serde_json::json;

use crate::helpers::{spawn_app, this_year_on};

#[tokio::test]
async fn the_approver_finds_a_submitted_demand_in_the_inbox_and_it_leaves_once_admitted() {
    let t = spawn_app().await;
    let approver = t.login("district_approver").await;
    let before = t
        .app
        .inbox(&t.ctx("district_approver").await)
        .await
        .unwrap();
    let waiting = before
        .items
        .iter()
        .filter(|i| i.kind_zh == "待审批")
        .count();

    let dept = t.login("district_dept").await;
    let (s, d) = dept
        .post_api(
            "/api/v1/demands",
            &json!({
                "requester_node_id": t.node_id("铁东区卫生健康局").await,
                "title": "协助开展儿童疫苗补种通知",
                "description": "入户通知补种时间地点",
                "category": "health",
                "community_role": "assisting",
                "funding_yuan": "800",
                "funding_source": "区级财政专项资金",
                "minutes_per_occurrence": 20,
                "occurrences_per_year": 4,
                "period_start": this_year_on("01-01"),
                "period_end": this_year_on("12-31"),
                "target_mode": "communities",
                "target_ids": [t.node_id("示例和平社区").await],
                "submit": true,
            }),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{d}");
    let id = d["id"].as_i64().unwrap();
    let href = format!("/demands/{id}");

    let (s, html) = approver.get_text("/inbox").await;
    assert_eq!(s, StatusCode::OK);
    assert!(html.contains("协助开展儿童疫苗补种通知"), "{html}");
    assert!(html.contains(&format!("href=\"{href}\"")));
    assert!(html.contains("待审批"));
    let (_, badge) = approver.get_text("/inbox/badge").await;
    assert!(
        badge.contains(&format!(">{}<", waiting + 1)),
        "badge {badge}, {waiting} waited before"
    );
    // The home page shows it too.
    let (_, home) = approver.get_text("/").await;
    assert!(home.contains("协助开展儿童疫苗补种通知"));
    // The department and the city's approver have nothing to decide on it.
    for who in ["district_dept", "city_approver", "supervisor", "worker"] {
        let inbox = t.app.inbox(&t.ctx(who).await).await.unwrap();
        assert!(
            !inbox.items.iter().any(|i| i.href == href),
            "{who} must not be asked to decide {href}"
        );
    }

    // Acted on from the inbox's link: gone from the inbox.
    let (s, _) = approver
        .post_api(
            &format!("/api/v1/demands/{id}/admit"),
            &json!({ "note": "同意，请按期开展并控制入户频次" }),
        )
        .await;
    assert_eq!(s, StatusCode::OK);
    let (_, html) = approver.get_text("/inbox").await;
    assert!(!html.contains("协助开展儿童疫苗补种通知"));
    // The demand's page tells its history: drafted and submitted by the department, admitted
    // by the approver with the opinion, each with the clauses applied.
    let (_, page) = dept.get_text(&href).await;
    let doc = scraper::Html::parse_document(&page);
    let steps: Vec<String> = doc
        .select(&scraper::Selector::parse("#timeline li").unwrap())
        .map(|li| li.text().collect::<String>())
        .collect();
    assert_eq!(steps.len(), 3, "{steps:?}");
    assert!(steps[0].contains("起草事项") && steps[0].contains("示例铁东区卫健局科员"));
    assert!(steps[1].contains("提交事项") && steps[1].contains("→ 待审批"));
    assert!(steps[2].contains("准入事项") && steps[2].contains("示例铁东区政府审批人"));
    assert!(
        steps[2].contains("意见：同意，请按期开展并控制入户频次"),
        "{}",
        steps[2]
    );
    assert!(steps[2].contains("4.2-4"), "{}", steps[2]);
    // Who may not see the demand does not see its history either.
    let other = t.login("city_dept").await;
    let (s, _) = other.get_text(&href).await;
    assert_eq!(
        s,
        StatusCode::OK,
        "admitted and placed in the city: visible"
    );
    let resident = t.login("resident").await;
    let (s, page) = resident.get_text(&href).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    assert!(!page.contains("timeline"));
    let after = t
        .app
        .inbox(&t.ctx("district_approver").await)
        .await
        .unwrap();
    assert_eq!(after.to_do(), before.to_do());
}

#[tokio::test]
async fn supervisors_find_a_new_case_and_residents_the_news_of_their_applications() {
    let t = spawn_app().await;
    let open_cases = |who: &'static str| {
        let t = &t;
        async move {
            t.app
                .inbox(&t.ctx(who).await)
                .await
                .unwrap()
                .items
                .iter()
                .filter(|i| i.area_zh == "问题线索")
                .count()
        }
    };
    let before = open_cases("district_supervisor").await;
    let worker = t.login("worker").await;
    crate::supervision::report_case(&t, &worker, "要求每周报送照片台账，未出示准入编号").await;
    assert_eq!(open_cases("district_supervisor").await, before + 1);
    assert_eq!(open_cases("supervisor").await, before + 1);
    assert_eq!(open_cases("district_approver").await, 0);
    assert_eq!(open_cases("worker").await, 0);

    // The demo resident has one issued and one refused application: two notices, nothing to do.
    let resident = t.ctx("resident").await;
    let inbox = t.app.inbox(&resident).await.unwrap();
    let kinds: Vec<&str> = inbox.items.iter().map(|i| i.kind_zh).collect();
    assert!(kinds.contains(&"已出具"), "{kinds:?}");
    assert!(kinds.contains(&"不予出具"), "{kinds:?}");
    assert!(inbox.items.iter().all(|i| i.notice));
    assert_eq!(inbox.to_do(), 0);
    let browser = t.login("resident").await;
    let (_, badge) = browser.get_text("/inbox/badge").await;
    assert_eq!(badge, "", "notices are not counted");
    let (_, home) = browser.get_text("/").await;
    assert!(home.contains("已出具"));
    // Community staff are not told the resident's news (they have their own work).
    let staff = t.app.inbox(&t.ctx("worker").await).await.unwrap();
    assert!(staff.items.iter().all(|i| !i.notice));
}

#[tokio::test]
async fn overdue_items_come_first_and_every_link_opens_for_its_reader() {
    let t = spawn_app().await;
    // The street's removal tasks fall due within days; three weeks later they are overdue.
    let street = t.ctx("street").await;
    let now = t.app.inbox(&street).await.unwrap();
    assert!(
        now.items
            .iter()
            .any(|i| i.kind_zh == "待清理" && i.due.is_some())
    );
    t.advance_clock_ms(21 * 86_400_000);
    let street = t.ctx("street").await;
    let later = t.app.inbox(&street).await.unwrap();
    assert!(later.overdue() > 0);
    let first_not_overdue = later
        .items
        .iter()
        .position(|i| !i.overdue)
        .unwrap_or(later.items.len());
    assert!(later.items[..first_not_overdue].iter().all(|i| i.overdue));
    assert!(later.items[first_not_overdue..].iter().all(|i| !i.overdue));
    assert_eq!(first_not_overdue, later.overdue());

    let mut links = 0;
    for (username, ..) in DEMO_ACCOUNTS {
        let b = t.login(username).await;
        let (s, page) = b.get_text("/inbox").await;
        assert_eq!(s, StatusCode::OK, "{username}");
        let inbox = t.app.inbox(&t.ctx(username).await).await.unwrap();
        for item in &inbox.items {
            assert!(page.contains(&item.title.replace('"', "&quot;")) || page.contains(&item.href));
            let (s, _) = b.get_text(&item.href).await;
            assert_eq!(s, StatusCode::OK, "{username}: {} → {s}", item.href);
            links += 1;
        }
    }
    assert!(links >= 10, "{links}");
}
