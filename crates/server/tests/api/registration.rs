//! Registration (备案) of work items with a legal basis (issue 15, "Rules a department can walk
//! through"): clause 4.2-4 exempts an item a law, regulation or rule clearly provides for from
//! the Party committee's and government's approval; it enters the list (清单管理, 4.2-2) when
//! the list keeper of its level (民政, the supervisor role) has checked the cited article.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{Browser, TestApp, client, spawn_app, this_year_on};

/// A work item from `requester` that cites a law, submitted at once.
async fn with_basis(t: &TestApp, requester: &str) -> Value {
    json!({
        "requester_node_id": t.node_id(requester).await,
        "title": "协助开展预防接种信息核对",
        "description": "按法律规定协助核对辖区儿童预防接种信息",
        "category": "health",
        "community_role": "assisting",
        "legal_basis_kind": "law",
        "legal_basis_title": "《中华人民共和国疫苗管理法》",
        "legal_basis_article": "第四十七条",
        "minutes_per_occurrence": 30,
        "occurrences_per_year": 4,
        "period_start": this_year_on("01-01"),
        "period_end": this_year_on("12-31"),
        "target_mode": "scope",
        "target_ids": [],
        "submit": true,
    })
}

fn code(p: &Value) -> Option<&str> {
    p["code"].as_str()
}

fn strings(v: &Value) -> Vec<&str> {
    v.as_array()
        .map(|a| a.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default()
}

/// A supervisor (list keeper) of 铁西区民政局: the keeper of another district.
async fn tiexi_keeper(t: &TestApp) -> Browser {
    let node = t.node_id("铁西区民政局").await;
    t.app
        .add_account_as_operator(
            "tiexi.keeper",
            "示例铁西区民政局监督员",
            &node.to_string(),
            &[jianfu_domain::Role::Supervisor],
            "Tie#xi2026keep",
            false,
        )
        .await
        .unwrap();
    t.login_with("tiexi.keeper", "Tie#xi2026keep")
        .await
        .unwrap_or_else(|_| panic!("login"))
}

#[tokio::test]
async fn a_legal_basis_item_is_registered_by_its_districts_keeper_not_approved() {
    let t = spawn_app().await;
    let dept = t.login("district_dept").await;
    let (s, d) = dept
        .post_api("/api/v1/demands", &with_basis(&t, "铁东区卫生健康局").await)
        .await;
    assert_eq!(s, StatusCode::CREATED, "{d}");
    assert_eq!(d["outcome"], "allow");
    assert_eq!(d["status"], "for_registration", "{d}");
    assert_eq!(d["by_registration"], true);
    assert_eq!(d["authority_zh"], "区(市、县)民政局");
    let id = d["id"].as_i64().unwrap();

    // The page labels it 备案机关 and 待备案, not 审批机关 市委、市政府.
    let (_, page) = dept.get_text(&format!("/demands/{id}")).await;
    assert!(page.contains("待备案"), "status label");
    assert!(
        page.contains(r#"<dt id="authority-label">备案机关</dt>"#),
        "authority label"
    );
    assert!(!page.contains("审批机关"), "no approval authority shown");

    // It is not the approver's: admitting or rejecting it is a conflict, and changes nothing.
    let approver = t.login("district_approver").await;
    for (action, body) in [
        ("admit", json!({ "note": "同意" })),
        ("reject", json!({ "reason": "不同意" })),
    ] {
        let (s, p) = approver
            .post_api(&format!("/api/v1/demands/{id}/{action}"), &body)
            .await;
        assert_eq!(
            (s, code(&p)),
            (StatusCode::CONFLICT, Some("demand_awaiting_registration")),
            "{action}: {p}"
        );
    }

    // Nor the city keeper's, nor another district's keeper's.
    let city_keeper = t.login("supervisor").await;
    let keeper_elsewhere = tiexi_keeper(&t).await;
    for outsider in [&city_keeper, &keeper_elsewhere] {
        let (s, p) = outsider
            .post_api(
                &format!("/api/v1/demands/{id}/register"),
                &json!({ "basis_checked": true }),
            )
            .await;
        assert_eq!(s, StatusCode::FORBIDDEN, "{p}");
        let (s, _) = outsider
            .post_api(
                &format!("/api/v1/demands/{id}/return-registration"),
                &json!({ "ground": "article_not_found", "reason": "查无此条" }),
            )
            .await;
        assert_eq!(s, StatusCode::FORBIDDEN);
    }

    // The district's keeper finds it in the queue of items 待备案.
    let keeper = t.login("district_supervisor").await;
    let (_, queue) = keeper
        .get_api("/api/v1/demands?status=for_registration")
        .await;
    assert!(
        queue["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|x| x["id"] == id),
        "{queue}"
    );
    let (_, home) = keeper.get_text("/").await;
    assert!(
        home.contains("/demands?status=for_registration"),
        "inbox link"
    );
    let (_, list) = keeper.get_text("/demands?status=for_registration").await;
    assert!(list.contains("协助开展预防接种信息核对"));

    // The article must be confirmed as checked.
    let path = format!("/api/v1/demands/{id}/register");
    let (s, p) = keeper.post_api(&path, &json!({ "opinion": "同意" })).await;
    assert_eq!(
        (s, code(&p), p["field"].as_str()),
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            Some("basis_not_checked"),
            Some("basis_checked")
        ),
        "{p}"
    );
    assert!(p["detail"].as_str().unwrap().contains("请确认已核对"));
    let (_, still) = keeper.get_api(&format!("/api/v1/demands/{id}")).await;
    assert_eq!(still["status"], "for_registration");

    // Registered: the number is given, the decision records the clauses and the keeper.
    let (s, r) = keeper
        .post_api(
            &path,
            &json!({ "basis_checked": true, "opinion": "第四十七条规定属实" }),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{r}");
    assert_eq!(r["status"], "admitted");
    let number = r["admission_number"].as_str().unwrap().to_owned();
    assert!(number.starts_with("AZ-"), "{number}");
    assert_eq!(r["valid_to"], this_year_on("12-31"));
    let clauses = strings(&r["clauses"]);
    assert!(
        clauses.contains(&"4.2-2") && clauses.contains(&"4.2-4"),
        "{r}"
    );
    let reg = &r["registration"];
    assert_eq!(reg["outcome"], "registered");
    assert_eq!(reg["by"], "示例铁东区民政局监督员");
    assert_eq!(reg["keeper"], "区(市、县)民政局 · 铁东区");
    assert_eq!(reg["note"], "第四十七条规定属实");
    assert_eq!(strings(&reg["clauses"]), ["4.2-2", "4.2-4"]);
    assert_eq!(
        t.audit_count("demand.register").await,
        1 + 2,
        "2 from the demo"
    );

    // Once only; and the number is looked up like any admission's.
    let (s, p) = keeper
        .post_api(&path, &json!({ "basis_checked": true }))
        .await;
    assert_eq!(
        (s, code(&p)),
        (
            StatusCode::CONFLICT,
            Some("demand_not_awaiting_registration")
        )
    );
    let l: Value = client()
        .get(t.url(&format!("/api/v1/lookup/{number}")))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(l["state"], "valid", "{l}");
    assert!(strings(&l["clauses"]).contains(&"4.2-4"), "{l}");

    // The page shows the registration with its clauses.
    let (_, page) = dept.get_text(&format!("/demands/{id}")).await;
    assert!(page.contains(r#"id="registration" data-outcome="registered""#));
    assert!(page.contains("示例铁东区民政局监督员") && page.contains(&number));
    assert!(page.contains(r##"href="/policy#4.2-4""##), "clause link");
}

#[tokio::test]
async fn the_city_keeper_registers_a_city_item_on_the_page_with_csrf() {
    let t = spawn_app().await;
    let dept = t.login("city_dept").await;
    let (s, d) = dept
        .post_api(
            "/api/v1/demands",
            &with_basis(&t, "鞍山市卫生健康委员会").await,
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{d}");
    assert_eq!(d["status"], "for_registration");
    assert_eq!(d["authority_zh"], "市民政局");
    let id = d["id"].as_i64().unwrap();
    let form = format!("/demands/{id}/register");

    // A district's keeper does not keep the city's list; the city approver does not register.
    let district_keeper = t.login("district_supervisor").await;
    let r = district_keeper
        .post_form(&form, &[("basis_checked", "on")])
        .await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let approver = t.login("city_approver").await;
    let r = approver.post_form(&form, &[("basis_checked", "on")]).await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);

    let keeper = t.login("supervisor").await;
    let (_, page) = keeper.get_text(&format!("/demands/{id}")).await;
    assert!(
        page.contains(r#"id="register-panel""#),
        "keeper sees the form"
    );
    assert!(page.contains("市民政局 · 鞍山市"));

    // Without the CSRF token: refused, nothing changed.
    let r = keeper
        .client
        .post(keeper.url(&form))
        .form(&[("basis_checked", "on")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    // Without the box ticked: the form again, with the message.
    let r = keeper.post_form(&form, &[("opinion", "同意")]).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        r.text()
            .await
            .unwrap()
            .contains("请确认已核对所引法律法规条款存在且适用")
    );
    let (_, still) = keeper.get_api(&format!("/api/v1/demands/{id}")).await;
    assert_eq!(still["status"], "for_registration");

    let r = keeper
        .post_form(&form, &[("basis_checked", "on"), ("opinion", "条款属实")])
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (_, done) = keeper.get_api(&format!("/api/v1/demands/{id}")).await;
    assert_eq!(done["status"], "admitted");
    assert_eq!(done["registration"]["by"], "示例市民政局监督员");
    assert!(done["admission_number"].is_string());
    let (_, page) = keeper.get_text(&format!("/demands/{id}")).await;
    assert!(page.contains("已备案") && page.contains("条款属实"));
}

#[tokio::test]
async fn a_keeper_returns_an_item_to_its_drafter_with_a_ground() {
    let t = spawn_app().await;
    let dept = t.login("district_dept").await;
    let (_, d) = dept
        .post_api("/api/v1/demands", &with_basis(&t, "铁东区卫生健康局").await)
        .await;
    let id = d["id"].as_i64().unwrap();
    let keeper = t.login("district_supervisor").await;
    let path = format!("/api/v1/demands/{id}/return-registration");

    let (s, p) = keeper
        .post_api(&path, &json!({ "ground": "other", "reason": "x" }))
        .await;
    assert_eq!(
        (s, code(&p), p["field"].as_str()),
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            Some("return_ground_invalid"),
            Some("ground")
        )
    );
    let (s, p) = keeper
        .post_api(
            &path,
            &json!({ "ground": "article_not_found", "reason": "  " }),
        )
        .await;
    assert_eq!(
        (s, code(&p), p["field"].as_str()),
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            Some("reason_required"),
            Some("reason")
        )
    );

    let reason = "《疫苗管理法》第四十七条未规定社区核对接种信息，请核对条款";
    let (s, r) = keeper
        .post_api(
            &path,
            &json!({ "ground": "basis_not_applicable", "reason": reason }),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{r}");
    // Back to the drafter as a draft, with the ground recorded on the decision.
    assert_eq!(r["status"], "draft");
    assert_eq!(r["registration"]["outcome"], "returned");
    assert_eq!(r["registration"]["ground"], "basis_not_applicable");
    assert_eq!(r["registration"]["note"], reason);
    assert!(r["admission_number"].is_null());
    assert!(
        r["findings"].as_array().unwrap().iter().any(|f| f["code"]
            == "registration_returned_basis_not_applicable"
            && f["clause"] == "4.2-4"),
        "{r}"
    );
    assert_eq!(t.audit_count("demand.return_registration").await, 1);
    let (_, page) = dept.get_text(&format!("/demands/{id}")).await;
    assert!(page.contains(r#"data-outcome="returned""#) && page.contains(reason));
    assert!(page.contains("所引条款不适用于该事项"));

    // Wrong state: a draft is neither registered nor returned.
    for (action, body) in [
        ("register", json!({ "basis_checked": true })),
        (
            "return-registration",
            json!({ "ground": "article_not_found", "reason": "查无此条" }),
        ),
    ] {
        let (s, p) = keeper
            .post_api(&format!("/api/v1/demands/{id}/{action}"), &body)
            .await;
        assert_eq!(
            (s, code(&p)),
            (
                StatusCode::CONFLICT,
                Some("demand_not_awaiting_registration")
            ),
            "{action}: {p}"
        );
    }

    // The drafter may edit the draft and submit it again: back in the keeper's queue.
    let r = dept.post_form(&format!("/demands/{id}/submit"), &[]).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (_, again) = dept.get_api(&format!("/api/v1/demands/{id}")).await;
    assert_eq!(again["status"], "for_registration");

    // A return through the page leads the keeper back to the queue.
    let r = keeper
        .post_form(
            &format!("/demands/{id}/return-registration"),
            &[("ground", "article_not_found"), ("reason", "查无此条")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        r.headers()["location"],
        "/demands?status=for_registration&done=registration_returned"
    );
}

#[tokio::test]
async fn a_false_wording_match_on_a_legal_basis_item_is_overruled_by_the_keeper() {
    let t = spawn_app().await;
    let dept = t.login("district_dept").await;
    let mut v = with_basis(&t, "铁东区卫生健康局").await;
    // The words of the wording test in demands.rs, with a legal basis.
    v["title"] = json!("协助核对社区老年人城管岗位公益性就业信息");
    v["category"] = json!("social_security");
    v["description"] = json!("由社区协助人社局核对名单");
    let (_, d) = dept.post_api("/api/v1/demands", &v).await;
    assert_eq!(d["status"], "rejected", "{d}");
    let id = d["id"].as_i64().unwrap();
    let path = format!("/api/v1/demands/{id}/overrule-wording");
    let reason = "“城管岗位”是岗位名称，社区仅协助核对接种信息，并非城市管理事项";
    let approver = t.login("district_approver").await;
    let (s, _) = approver.post_api(&path, &json!({ "reason": reason })).await;
    assert_eq!(s, StatusCode::FORBIDDEN, "not the approver's to review");
    let keeper = t.login("district_supervisor").await;
    let (s, o) = keeper.post_api(&path, &json!({ "reason": reason })).await;
    assert_eq!(s, StatusCode::OK, "{o}");
    assert_eq!(o["status"], "for_registration");
    assert_eq!(
        o["wording_overrule"]["overruled_by"],
        "示例铁东区民政局监督员"
    );
    assert_eq!(o["authority_zh"], "区(市、县)民政局");
}

#[tokio::test]
async fn the_demo_registers_its_legal_basis_items() {
    let t = spawn_app().await;
    let keeper = t.login("district_supervisor").await;
    let (_, all) = keeper
        .get_api("/api/v1/demands?status=admitted&per_page=100")
        .await;
    let items = all["items"].as_array().unwrap();
    let registered: Vec<&Value> = items
        .iter()
        .filter(|d| d["registration"]["outcome"] == "registered")
        .collect();
    assert_eq!(registered.len(), 2, "{all}");
    assert!(registered.iter().all(|d| d["by_registration"] == true));
    assert!(
        items
            .iter()
            .filter(|d| d["by_registration"] == false)
            .all(|d| d["registration"].is_null())
    );
}
