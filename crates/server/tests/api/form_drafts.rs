//! Unfinished drafts (暂存, issue 16 item 4): 保存草稿 on a form that does not pass its checks
//! yet stashes it for its owner alone, the inbox lists it, reopening shows every problem left,
//! and saving it complete turns it into a draft demand and removes the stash.

use reqwest::StatusCode;

use crate::auth::scalar;
use crate::helpers::{Browser, TestApp, spawn_app, this_year_on};

async fn stash_count(t: &TestApp) -> i64 {
    scalar(t, "SELECT COUNT(*) FROM form_draft").await
}

async fn demand_count(t: &TestApp) -> i64 {
    scalar(t, "SELECT COUNT(*) FROM demand").await
}

/// The draft form with `title`, and complete or not.
async fn fields(t: &TestApp, title: &str, complete: bool) -> Vec<(&'static str, String)> {
    let mut f = vec![
        (
            "requester_node_id",
            t.node_id("铁东区卫生健康局").await.to_string(),
        ),
        ("title", title.to_owned()),
        ("category", "health".to_owned()),
        ("community_role", "assisting".to_owned()),
        ("target_mode", "communities".to_owned()),
        ("target_ids", t.node_id("示例和平社区").await.to_string()),
    ];
    if complete {
        f.extend([
            ("minutes_per_occurrence", "30".to_owned()),
            ("occurrences_per_year", "12".to_owned()),
            ("period_start", this_year_on("01-01")),
            ("period_end", this_year_on("12-31")),
        ]);
    }
    f
}

async fn post(b: &Browser, path: &str, f: &[(&'static str, String)]) -> reqwest::Response {
    let f: Vec<(&str, &str)> = f.iter().map(|(k, v)| (*k, v.as_str())).collect();
    b.post_form(path, &f).await
}

fn location(r: &reqwest::Response) -> String {
    r.headers()["location"].to_str().unwrap().to_owned()
}

#[tokio::test]
async fn an_incomplete_draft_is_stashed_for_its_owner_and_completed_later() {
    let t = spawn_app().await;
    let dept = t.login("district_dept").await;
    let demands = demand_count(&t).await;

    // 保存草稿 without burden or period: stashed, not a demand.
    let r = post(
        &dept,
        "/demands",
        &fields(&t, "未填完的疫苗通知", false).await,
    )
    .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let page = location(&r);
    let id: i64 = page
        .strip_prefix("/demands/drafts/")
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("stashed to {page}"));
    assert_eq!(demand_count(&t).await, demands, "no demand was saved");
    assert_eq!(stash_count(&t).await, 1);
    assert_eq!(t.audit_count("form_draft.save").await, 1);

    // Reopened: the values kept, every problem listed, the form continues the stash.
    let (s, html) = dept.get_text(&page).await;
    assert_eq!(s, StatusCode::OK);
    assert!(html.contains("已暂存（"), "{html}");
    assert!(html.contains("value=\"未填完的疫苗通知\""), "{html}");
    assert!(html.contains("有 4 处需要修改"), "{html}");
    assert!(
        html.contains("<a href=\"#minutes_per_occurrence\">请填写每次耗时（分钟）</a>")
            && html.contains("<a href=\"#period_start\">请填写开始日期（YYYY-MM-DD）</a>"),
        "{html}"
    );
    assert!(
        html.contains(&format!("action=\"/demands?stash={id}\"")),
        "{html}"
    );
    assert!(
        html.contains(&format!("formaction=\"/demands?submit=1&#38;stash={id}\"")),
        "{html}"
    );

    // The owner's inbox lists it; nobody else's does, and nobody else can open or discard it.
    let (_, inbox) = dept.get_text("/inbox").await;
    assert!(
        inbox.contains("未完成草稿") && inbox.contains(&format!("href=\"{page}\"")),
        "{inbox}"
    );
    let other = t.login("city_dept").await;
    let (_, theirs) = other.get_text("/inbox").await;
    assert!(!theirs.contains("未填完的疫苗通知"));
    assert_eq!(other.get(&page).await.status(), StatusCode::NOT_FOUND);
    let r = other
        .post_form(&format!("/demands/drafts/{id}/discard"), &[])
        .await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    let worker = t.login("worker").await;
    assert_eq!(worker.get(&page).await.status(), StatusCode::FORBIDDEN);
    assert_eq!(stash_count(&t).await, 1);

    // Saved again, still incomplete: the same stash, updated.
    let r = post(
        &dept,
        &format!("/demands?stash={id}"),
        &fields(&t, "未填完的疫苗接种通知", false).await,
    )
    .await;
    assert_eq!(location(&r), page);
    assert_eq!(stash_count(&t).await, 1);
    let (_, html) = dept.get_text(&page).await;
    assert!(html.contains("value=\"未填完的疫苗接种通知\""));

    // 提交审核 checks everything and stashes nothing: the problems, and the stash unchanged.
    let r = post(
        &dept,
        &format!("/demands?submit=1&stash={id}"),
        &fields(&t, "未填完的疫苗接种通知", false).await,
    )
    .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        (demand_count(&t).await, stash_count(&t).await),
        (demands, 1)
    );

    // Complete: a draft demand, and the stash is gone (audited as completed).
    let r = post(
        &dept,
        &format!("/demands?stash={id}"),
        &fields(&t, "疫苗接种通知", true).await,
    )
    .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let demand = location(&r);
    assert!(demand.starts_with("/demands/"), "{demand}");
    assert_eq!(
        (demand_count(&t).await, stash_count(&t).await),
        (demands + 1, 0)
    );
    let completed = scalar(
        &t,
        &format!(
            "SELECT COUNT(*) FROM audit_entry WHERE action = 'form_draft.discard' \
             AND summary LIKE '%\"completed_as\":{}%'",
            demand.trim_start_matches("/demands/")
        ),
    )
    .await;
    assert_eq!(completed, 1);
    assert_eq!(dept.get(&page).await.status(), StatusCode::NOT_FOUND);
    let (_, inbox) = dept.get_text("/inbox").await;
    assert!(!inbox.contains("未完成草稿"), "{inbox}");
}

#[tokio::test]
async fn the_owner_discards_a_stash_with_the_csrf_token_only() {
    let t = spawn_app().await;
    let dept = t.login("district_dept").await;
    let r = post(&dept, "/demands", &fields(&t, "", false).await).await;
    let page = location(&r);
    // An empty title is listed as such.
    let (_, inbox) = dept.get_text("/inbox").await;
    assert!(inbox.contains("（未填写名称）"), "{inbox}");
    let discard = format!("{page}/discard");

    // Without the token nothing happens.
    let r = dept.client.post(dept.url(&discard)).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    assert_eq!(stash_count(&t).await, 1);

    let r = dept.post_form(&discard, &[]).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&r), "/inbox?done=stash_discarded");
    assert_eq!(stash_count(&t).await, 0);
    assert_eq!(t.audit_count("form_draft.discard").await, 1);
    let (_, inbox) = dept.get_text("/inbox?done=stash_discarded").await;
    assert!(inbox.contains("已删除暂存的草稿"));
    // Twice: it is gone.
    assert_eq!(
        dept.post_form(&discard, &[]).await.status(),
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn a_stash_that_is_not_invalid_input_is_not_made() {
    let t = spawn_app().await;
    let dept = t.login("district_dept").await;
    // Targets outside the department's district are forbidden, not unfinished: no stash.
    let mut f = fields(&t, "跨区派发", false).await;
    f.retain(|(k, _)| *k != "target_ids");
    f.push(("target_ids", t.node_id("示例繁荣社区").await.to_string()));
    let r = post(&dept, "/demands", &f).await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    assert_eq!(stash_count(&t).await, 0);
    // A body over the limit is refused with a message, and nothing is stashed.
    let mut f = fields(&t, "过长", false).await;
    f.push(("description", "长".repeat(30_000)));
    let r = post(&dept, "/demands", &f).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = r.text().await.unwrap();
    assert!(html.contains("无法暂存"), "{html}");
    assert_eq!(stash_count(&t).await, 0);
}
