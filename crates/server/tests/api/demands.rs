//! Demands and admission end to end, through the API and the pages: the lifecycle, who may do
//! what, and every bad input of the issue (clear error, nothing changed).

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::helpers::{Browser, TestApp, client, spawn_app, this_year_on};

async fn demand_count(t: &TestApp) -> u64 {
    use jianfu_store::entity::demand;
    use jianfu_store::orm::{EntityTrait, PaginatorTrait};
    demand::Entity::find()
        .count(t.app.store.db())
        .await
        .unwrap()
}

async fn case_count(t: &TestApp) -> u64 {
    use jianfu_store::entity::supervision_case;
    use jianfu_store::orm::{EntityTrait, PaginatorTrait};
    supervision_case::Entity::find()
        .count(t.app.store.db())
        .await
        .unwrap()
}

/// A valid work item from 铁东区卫生健康局 to two communities of 示例一街道.
async fn body(t: &TestApp) -> Value {
    json!({
        "requester_node_id": t.node_id("铁东区卫生健康局").await,
        "title": "协助开展流感疫苗接种通知",
        "description": "入户通知老年人接种时间地点",
        "category": "health",
        "community_role": "assisting",
        "funding_yuan": "1200",
        "funding_source": "区级财政专项资金",
        "minutes_per_occurrence": 30,
        "occurrences_per_year": 12,
        "period_start": this_year_on("01-01"),
        "period_end": this_year_on("12-31"),
        "target_mode": "communities",
        "target_ids": [t.node_id("示例和平社区").await, t.node_id("示例光明社区").await],
        "submit": true,
    })
}

async fn post(b: &Browser, path: &str, v: &Value) -> (StatusCode, Value) {
    let r = b.json(Method::POST, path).json(v).send().await.unwrap();
    let s = r.status();
    (s, r.json().await.unwrap_or(Value::Null))
}

async fn get(b: &Browser, path: &str) -> (StatusCode, Value) {
    let r = b.json(Method::GET, path).send().await.unwrap();
    let s = r.status();
    (s, r.json().await.unwrap_or(Value::Null))
}

#[tokio::test]
async fn lifecycle_submit_admit_lookup_list_revoke() {
    let t = spawn_app().await;
    let dept = t.login("district_dept").await;
    let (s, d) = post(&dept, "/api/v1/demands", &body(&t).await).await;
    assert_eq!(s, StatusCode::CREATED, "{d}");
    assert_eq!(d["status"], "submitted");
    assert_eq!(
        d["outcome"], "needs_approval",
        "no legal basis: needs the district's approval (4.2-4)"
    );
    let clauses: Vec<&str> = d["clauses"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c.as_str().unwrap())
        .collect();
    assert!(
        clauses.contains(&"4.2-4") && clauses.contains(&"4.2-2"),
        "{clauses:?}"
    );
    assert_eq!(d["hours_per_community"], 6.0);
    assert_eq!(d["total_hours"], 12.0);
    let id = d["id"].as_i64().unwrap();

    // The city's approver cannot admit a district's demand; the district's can.
    let city = t.login("city_approver").await;
    let (s, p) = post(&city, &format!("/api/v1/demands/{id}/admit"), &json!({})).await;
    assert_eq!(s, StatusCode::FORBIDDEN, "{p}");
    let approver = t.login("district_approver").await;
    let (s, a) = post(
        &approver,
        &format!("/api/v1/demands/{id}/admit"),
        &json!({ "note": "同意" }),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{a}");
    let number = a["admission_number"].as_str().unwrap().to_owned();
    assert!(number.starts_with("AZ-") && number.len() == 16, "{number}");
    assert_eq!(a["valid_to"], this_year_on("12-31"));

    // Admitting twice: conflict, number unchanged.
    let (s, p) = post(
        &approver,
        &format!("/api/v1/demands/{id}/admit"),
        &json!({}),
    )
    .await;
    assert_eq!(s, StatusCode::CONFLICT);
    assert_eq!(p["code"], "demand_not_submitted");
    let (_, again) = get(&dept, &format!("/api/v1/demands/{id}")).await;
    assert_eq!(again["admission_number"], number.as_str());

    // Anyone can look it up, without logging in.
    let anon = client();
    let l: Value = anon
        .get(t.url(&format!("/api/v1/lookup/{number}")))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(l["state"], "valid");
    assert_eq!(l["target_count"], 2);
    let page = anon
        .get(t.url(&format!("/lookup?number={}", number.to_lowercase())))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains(r#"data-state="valid""#) && page.contains("协助开展流感疫苗接种通知"));

    // The community sees it on its list, with its burden.
    let peace = t.node_id("示例和平社区").await;
    let list = anon
        .get(t.url(&format!("/communities/{peace}/work-items")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(list.contains(&number));
    let worker = t.login("worker").await;
    let (_, mine) = get(&worker, "/api/v1/demands?status=admitted").await;
    assert!(
        mine["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|d| d["admission_number"] == number.as_str())
    );

    // The ledger counts it for 示例和平社区.
    let (_, ledger) = get(&approver, "/api/v1/ledger").await;
    let row = ledger["by_community"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["name"] == "示例和平社区")
        .unwrap()
        .clone();
    assert!(row["hours_per_year"].as_f64().unwrap() >= 6.0, "{row}");

    // Revoking needs a reason; then the number looks up as revoked, with the reason.
    let sup = t.login("district_supervisor").await;
    let (s, p) = post(
        &sup,
        &format!("/api/v1/demands/{id}/revoke"),
        &json!({ "reason": "  " }),
    )
    .await;
    assert_eq!(
        (s, p["code"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("reason_required"))
    );
    let (_, still) = get(&dept, &format!("/api/v1/demands/{id}")).await;
    assert_eq!(
        still["status"], "admitted",
        "a refused revocation changes nothing"
    );
    let (s, r) = post(
        &sup,
        &format!("/api/v1/demands/{id}/revoke"),
        &json!({ "reason": "经核查属于部门职责" }),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{r}");
    let l: Value = anon
        .get(t.url(&format!("/api/v1/lookup/{number}")))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(l["state"], "revoked");
    assert_eq!(l["revoke_reason"], "经核查属于部门职责");
    let list = anon
        .get(t.url(&format!("/communities/{peace}/work-items")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        !list.contains(&number),
        "a revoked demand leaves the published list"
    );
    for action in [
        "demand.create",
        "demand.submit",
        "demand.admit",
        "demand.revoke",
    ] {
        assert!(t.audit_count(action).await >= 1, "{action} audited");
    }
}

#[tokio::test]
async fn rules_reject_banned_and_own_duty_with_clauses() {
    let t = spawn_app().await;
    let dept = t.login("district_dept").await;
    let mut b = body(&t).await;
    b["category"] = json!("environmental_remediation");
    b["community_role"] = json!("responsible");
    let (s, d) = post(&dept, "/api/v1/demands", &b).await;
    assert_eq!(s, StatusCode::CREATED);
    assert_eq!(d["status"], "rejected");
    assert!(
        d["clauses"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c == "4.2-6")
    );
    assert!(
        d["findings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["code"] == "banned_responsible_subject" && f["clause"] == "4.2-6")
    );
    // The page shows the finding with a link to the clause.
    let page = dept.get_text(&format!("/demands/{}", d["id"])).await.1;
    assert!(
        page.contains(r#"href="/policy#4.2-6""#) && page.contains("不予准入"),
        "{page}"
    );

    let mut b = body(&t).await;
    b["within_own_duty"] = json!(true);
    b["category"] = json!("investment_attraction");
    let (_, d) = post(&dept, "/api/v1/demands", &b).await;
    assert_eq!(d["status"], "rejected");
    let clauses: Vec<&str> = d["clauses"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c.as_str().unwrap())
        .collect();
    assert!(
        clauses.contains(&"4.2-3") && clauses.contains(&"4.2-6"),
        "both findings at once: {clauses:?}"
    );

    // With a legal basis no funding is required; professional services get the 4.2-7 note.
    let mut b = body(&t).await;
    b["legal_basis_kind"] = json!("law");
    b["legal_basis_title"] = json!("《中华人民共和国传染病防治法》");
    b["legal_basis_article"] = json!("第九条");
    b["funding_yuan"] = json!("");
    b["funding_source"] = json!("");
    b["professional"] = json!(true);
    let (_, d) = post(&dept, "/api/v1/demands", &b).await;
    assert_eq!(
        d["status"], "for_registration",
        "a law provides for it: registration, not approval (4.2-4)"
    );
    assert_eq!(d["outcome"], "allow");
    assert!(
        d["findings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["clause"] == "4.2-7")
    );

    // Without a legal basis and without funding: rejected under 费随事转 (4.2-4).
    let mut b = body(&t).await;
    b["funding_yuan"] = json!("");
    b["funding_source"] = json!("");
    let (_, d) = post(&dept, "/api/v1/demands", &b).await;
    assert_eq!(d["status"], "rejected");
    assert!(
        d["findings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["code"] == "funding_required" && f["clause"] == "4.2-4")
    );
}

/// The HTML draft form, posted with `title` and a period that ends before it starts.
async fn post_form_ending_before_start(
    t: &TestApp,
    dept: &Browser,
    title: &str,
) -> reqwest::Response {
    dept.client
        .post(dept.url("/demands?submit=1"))
        .form(&[
            ("csrf_token", dept.csrf.as_str()),
            (
                "requester_node_id",
                &t.node_id("铁东区卫生健康局").await.to_string(),
            ),
            ("title", title),
            ("category", "health"),
            ("community_role", "assisting"),
            ("minutes_per_occurrence", "30"),
            ("occurrences_per_year", "12"),
            ("period_start", "2026-06-01"),
            ("period_end", "2026-05-01"),
            ("target_mode", "scope"),
            ("within_own_duty", "true"),
        ])
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn bad_input_is_refused_and_changes_nothing() {
    let t = spawn_app().await;
    let dept = t.login("district_dept").await;
    let before = demand_count(&t).await;
    let cases: Vec<(&str, Value, StatusCode, &str, Option<&str>)> = vec![
        (
            "end before start",
            json!({ "period_start": "2026-06-01", "period_end": "2026-05-01" }),
            StatusCode::UNPROCESSABLE_ENTITY,
            "period_end_before_start",
            Some("period_end"),
        ),
        (
            "bad date",
            json!({ "period_start": "2026-02-30" }),
            StatusCode::UNPROCESSABLE_ENTITY,
            "date_invalid",
            Some("period_start"),
        ),
        (
            "negative burden",
            json!({ "minutes_per_occurrence": -5 }),
            StatusCode::UNPROCESSABLE_ENTITY,
            "burden_out_of_range",
            Some("minutes_per_occurrence"),
        ),
        (
            "absurd burden",
            json!({ "occurrences_per_year": 100000 }),
            StatusCode::UNPROCESSABLE_ENTITY,
            "burden_out_of_range",
            Some("occurrences_per_year"),
        ),
        (
            "zero minutes",
            json!({ "minutes_per_occurrence": 0 }),
            StatusCode::UNPROCESSABLE_ENTITY,
            "burden_out_of_range",
            Some("minutes_per_occurrence"),
        ),
        (
            "funding without source",
            json!({ "funding_source": "" }),
            StatusCode::UNPROCESSABLE_ENTITY,
            "funding_source_required",
            Some("funding_source"),
        ),
        (
            "negative funding",
            json!({ "funding_yuan": "-10" }),
            StatusCode::UNPROCESSABLE_ENTITY,
            "funding_invalid",
            Some("funding_yuan"),
        ),
        (
            "no title",
            json!({ "title": " " }),
            StatusCode::UNPROCESSABLE_ENTITY,
            "title_invalid",
            Some("title"),
        ),
        (
            "no targets",
            json!({ "target_ids": [] }),
            StatusCode::UNPROCESSABLE_ENTITY,
            "targets_required",
            Some("target_ids"),
        ),
        (
            "unknown target",
            json!({ "target_ids": [999999] }),
            StatusCode::UNPROCESSABLE_ENTITY,
            "target_not_found",
            Some("target_ids"),
        ),
        (
            "bad role",
            json!({ "community_role": "boss" }),
            StatusCode::UNPROCESSABLE_ENTITY,
            "community_role_invalid",
            Some("community_role"),
        ),
    ];
    for (name, patch, status, code, field) in cases {
        let mut b = body(&t).await;
        for (k, v) in patch.as_object().unwrap() {
            b[k] = v.clone();
        }
        let (s, p) = post(&dept, "/api/v1/demands", &b).await;
        assert_eq!(s, status, "{name}: {p}");
        assert_eq!(p["code"], code, "{name}: {p}");
        assert_eq!(p["field"].as_str(), field, "{name}");
        assert!(!p["detail"].as_str().unwrap().is_empty());
        assert!(p.get("errors").is_none(), "{name}: one error, no list: {p}");
    }

    // Every error at once (issue 16): the first is the problem's code and field, the others
    // follow in `errors`, in the order of the form's fields.
    let mut b = body(&t).await;
    b["title"] = json!(" ");
    b["minutes_per_occurrence"] = json!(0);
    b["period_start"] = json!("2026-06-01");
    b["period_end"] = json!("2026-05-01");
    b["target_ids"] = json!([]);
    let (s, p) = post(&dept, "/api/v1/demands", &b).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{p}");
    assert_eq!(
        (p["code"].as_str(), p["field"].as_str()),
        (Some("title_invalid"), Some("title"))
    );
    let rest: Vec<(&str, &str)> = p["errors"]
        .as_array()
        .expect("the other errors")
        .iter()
        .map(|e| {
            assert!(!e["detail"].as_str().unwrap().is_empty(), "{e}");
            (e["field"].as_str().unwrap(), e["code"].as_str().unwrap())
        })
        .collect();
    assert_eq!(
        rest,
        [
            ("minutes_per_occurrence", "burden_out_of_range"),
            ("period_end", "period_end_before_start"),
            ("target_ids", "targets_required"),
        ]
    );
    assert_eq!(
        demand_count(&t).await,
        before,
        "no bad input left a demand behind"
    );

    // The HTML form shows the message next to the field and keeps what was typed.
    let page = post_form_ending_before_start(&t, &dept, "保留我输入的标题").await;
    assert_eq!(page.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = page.text().await.unwrap();
    assert!(
        html.contains("结束日期不能早于开始日期") && html.contains("保留我输入的标题"),
        "{}",
        html.split("<main").nth(1).unwrap_or("")
    );
    assert_eq!(demand_count(&t).await, before);

    // Two errors in the form: a summary at its top links to both fields, and both fields say
    // what is wrong with them.
    let page = post_form_ending_before_start(&t, &dept, "").await;
    assert_eq!(page.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = page.text().await.unwrap();
    let summary = html
        .split("id=\"form-error\"")
        .nth(1)
        .and_then(|s| s.split("</div>").next())
        .unwrap_or_else(|| panic!("no error summary: {html}"));
    assert!(summary.contains("有 2 处需要修改"), "{summary}");
    assert!(
        summary.contains("<a href=\"#title\">请填写事项名称")
            && summary.contains("<a href=\"#period_end\">结束日期不能早于开始日期"),
        "{summary}"
    );
    assert_eq!(html.matches("class=\"field-error\"").count(), 2, "{html}");
    assert_eq!(demand_count(&t).await, before);
}

#[tokio::test]
async fn a_district_department_cannot_reach_another_district() {
    let t = spawn_app().await;
    let dept = t.login("district_dept").await;
    let mut b = body(&t).await;
    b["target_ids"] = json!([t.node_id("示例繁荣社区").await]); // 铁西区
    let (s, p) = post(&dept, "/api/v1/demands", &b).await;
    assert_eq!(s, StatusCode::FORBIDDEN, "{p}");
    assert!(p["detail"].as_str().unwrap().contains("示例繁荣社区"));
    b["target_mode"] = json!("streets");
    b["target_ids"] = json!([t.node_id("示例三街道").await]);
    let (s, _) = post(&dept, "/api/v1/demands", &b).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    // "All of my scope" means the department's own district only.
    b["target_mode"] = json!("scope");
    let (s, d) = post(&dept, "/api/v1/demands", &b).await;
    assert_eq!(s, StatusCode::CREATED);
    let tiexi = t.node_id("示例繁荣社区").await;
    assert!(
        !d["target_ids"]
            .as_array()
            .unwrap()
            .iter()
            .any(|x| x == tiexi)
    );
    assert_eq!(
        d["target_ids"].as_array().unwrap().len(),
        3,
        "the three demo communities of 铁东区"
    );
    // A department cannot draft in another department's name.
    let mut b = body(&t).await;
    b["requester_node_id"] = json!(t.node_id("铁东区民政局").await);
    let (s, _) = post(&dept, "/api/v1/demands", &b).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn only_the_requesting_department_edits_its_draft_and_communities_see_only_their_own() {
    let t = spawn_app().await;
    let dept = t.login("district_dept").await;
    let mut b = body(&t).await;
    b["submit"] = json!(false);
    let (_, d) = post(&dept, "/api/v1/demands", &b).await;
    assert_eq!(d["status"], "draft");
    let id = d["id"].as_i64().unwrap();
    // Another department (city level) can neither see nor edit nor submit the draft.
    let other = t.login("city_dept").await;
    assert_eq!(
        get(&other, &format!("/api/v1/demands/{id}")).await.0,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        post(&other, &format!("/api/v1/demands/{id}/submit"), &json!({}))
            .await
            .0,
        StatusCode::FORBIDDEN
    );
    let r = other
        .post_form(&format!("/demands/{id}"), &[("title", "改掉")])
        .await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    // The authority does not see drafts.
    let approver = t.login("district_approver").await;
    assert_eq!(
        get(&approver, &format!("/api/v1/demands/{id}")).await.0,
        StatusCode::FORBIDDEN
    );
    // The owner submits it; now the authority sees it.
    let (s, d) = post(&dept, &format!("/api/v1/demands/{id}/submit"), &json!({})).await;
    assert_eq!(
        (s, d["status"].as_str()),
        (StatusCode::OK, Some("submitted"))
    );
    assert_eq!(
        get(&approver, &format!("/api/v1/demands/{id}")).await.0,
        StatusCode::OK
    );
    // A submitted demand cannot be edited any more.
    let r = dept
        .post_form(
            &format!("/demands/{id}"),
            &[
                ("title", "改掉"),
                ("category", "health"),
                ("community_role", "assisting"),
                ("minutes_per_occurrence", "1"),
                ("occurrences_per_year", "1"),
                ("period_start", &this_year_on("01-01")),
                ("period_end", &this_year_on("01-02")),
                ("target_mode", "scope"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::CONFLICT);
    let (_, d) = post(
        &approver,
        &format!("/api/v1/demands/{id}/admit"),
        &json!({}),
    )
    .await;
    assert_eq!(d["status"], "admitted");
    // 示例和平社区 sees it; 铁西区's 示例繁荣社区 has no worker, so use the street of another
    // district: the 示例一街道 official sees it, a community outside the targets does not.
    let street = t.login("street").await;
    assert_eq!(
        get(&street, &format!("/api/v1/demands/{id}")).await.0,
        StatusCode::OK
    );
    let tiexi_head = t
        .app
        .add_account_as_operator(
            "fanrong.head",
            "示例繁荣社区书记",
            "210303091001",
            &[jianfu_domain::Role::CommunityHead],
            "Fan#rong2026",
            false,
        )
        .await
        .unwrap();
    assert!(tiexi_head > 0);
    let outsider = t
        .login_with("fanrong.head", "Fan#rong2026")
        .await
        .unwrap_or_else(|_| panic!("login"));
    assert_eq!(
        get(&outsider, &format!("/api/v1/demands/{id}")).await.0,
        StatusCode::FORBIDDEN
    );
    let (_, list) = get(&outsider, "/api/v1/demands").await;
    assert!(
        !list["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|d| d["id"] == id)
    );
}

#[tokio::test]
async fn lookup_answers_every_state_and_refuses_malformed_numbers() {
    let t = spawn_app().await;
    let anon = client();
    let get_l = |n: String| {
        let c = anon.clone();
        let u = t.url(&format!("/api/v1/lookup/{n}"));
        async move {
            let r = c.get(u).send().await.unwrap();
            (r.status(), r.json::<Value>().await.unwrap())
        }
    };
    // The demo data has admitted numbers 1..=4 of this year (4 revoked).
    let year = jianfu_domain::clock::cst_date(t.app.now_ms())
        .map(chrono_year)
        .unwrap();
    let n = |seq| {
        jianfu_domain::admission::AdmissionNumber::new(year, seq)
            .unwrap()
            .to_string()
    };
    assert_eq!(get_l(n(1)).await.1["state"], "valid");
    assert_eq!(get_l(n(4)).await.1["state"], "revoked");
    assert_eq!(get_l(n(999_999)).await.1["state"], "unknown");
    let (s, p) = get_l("AZ-2026-12-3".into()).await;
    assert_eq!(
        (s, p["code"].as_str()),
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            Some("admission_number_malformed")
        )
    );
    let mut typo = n(1);
    let last = typo.pop().unwrap();
    typo.push(if last == '0' { '1' } else { '0' });
    let (s, p) = get_l(typo).await;
    assert_eq!(
        (s, p["code"].as_str()),
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            Some("admission_number_check")
        )
    );
    // Expiry happens by itself when the clock passes the end of validity.
    t.app.clock.advance_ms(400 * 86_400_000);
    assert_eq!(get_l(n(1)).await.1["state"], "expired");
}

fn chrono_year(d: chrono::NaiveDate) -> i32 {
    chrono::Datelike::year(&d)
}

#[tokio::test]
async fn community_refuses_and_reports_an_unadmitted_demand() {
    let t = spawn_app().await;
    let worker = t.login("worker").await;
    let peace = t.node_id("示例和平社区").await;
    let before = case_count(&t).await;
    // Bad reports change nothing.
    let r = worker
        .post_form(
            "/reports",
            &[
                ("community_id", &peace.to_string()),
                ("demanding_unit", ""),
                ("description", "x"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let other = t.node_id("示例繁荣社区").await;
    let r = worker
        .post_form(
            "/reports",
            &[
                ("community_id", &other.to_string()),
                ("demanding_unit", "某局"),
                ("description", "x"),
            ],
        )
        .await;
    assert_eq!(
        r.status(),
        StatusCode::FORBIDDEN,
        "a community reports only for itself"
    );
    // A valid number placed on this community is no ground for refusal.
    let year = jianfu_domain::clock::cst_date(t.app.now_ms())
        .map(chrono_year)
        .unwrap();
    let valid = jianfu_domain::admission::AdmissionNumber::new(year, 1)
        .unwrap()
        .to_string();
    let r = worker
        .post_form(
            "/reports",
            &[
                ("community_id", &peace.to_string()),
                ("demanding_unit", "铁东区卫生健康局"),
                ("description", "健康档案核对"),
                ("claimed_number", &valid),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().await.unwrap().contains("不属于未经准入事项"));
    assert_eq!(case_count(&t).await, before);
    // The real thing.
    let r = worker
        .post_form(
            "/reports",
            &[
                ("community_id", &peace.to_string()),
                ("demanding_unit", "某区某局（示例）"),
                ("description", "要求社区每周报送商户台账"),
                ("claimed_number", ""),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(case_count(&t).await, before + 1);
    // Supervisors of the district and the city see it; another district's would not.
    for sup in ["district_supervisor", "supervisor"] {
        let b = t.login(sup).await;
        let (s, cases) = get(&b, "/api/v1/cases").await;
        assert_eq!(s, StatusCode::OK);
        let c = cases["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["demanding_unit"] == "某区某局（示例）")
            .cloned()
            .unwrap();
        assert_eq!(c["clause"], "4.2-5");
        assert_eq!(c["community_name"], "示例和平社区");
    }
    assert_eq!(
        get(&t.login("district_approver").await, "/api/v1/cases")
            .await
            .0,
        StatusCode::FORBIDDEN
    );
}

#[tokio::test]
async fn ledger_export_is_an_audited_workbook() {
    let t = spawn_app().await;
    let b = t.login("district_approver").await;
    let r = b.get("/ledger/export.xlsx").await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(&r.bytes().await.unwrap()[..2], b"PK");
    assert_eq!(t.audit_count("ledger.export").await, 1);
    // A district approver cannot see another district's ledger.
    let tiexi = t.node_id("铁西区").await;
    assert_eq!(
        b.get(&format!("/ledger?scope={tiexi}")).await.status(),
        StatusCode::FORBIDDEN
    );
    let (_, page) = b.get_text("/ledger?sort=name").await;
    assert!(page.contains("示例和平社区") && page.contains("铁东区卫生健康局"));
}

/// [`body`] with a period of `start`..=`end` days from today.
async fn body_around_today(t: &TestApp, start: i64, end: i64) -> Value {
    let day = |d: i64| (t.today() + chrono::Duration::days(d)).to_string();
    let mut v = body(t).await;
    v["period_start"] = json!(day(start));
    v["period_end"] = json!(day(end));
    v
}

#[tokio::test]
async fn admission_validity_outside_the_period_or_ended_is_refused() {
    let t = spawn_app().await;
    let day = |d: i64| (t.today() + chrono::Duration::days(d)).to_string();
    let dept = t.login("district_dept").await;
    let approver = t.login("district_approver").await;
    let (s, d) = post(
        &dept,
        "/api/v1/demands",
        &body_around_today(&t, -30, 60).await,
    )
    .await;
    assert_eq!(s, StatusCode::CREATED, "{d}");
    let id = d["id"].as_i64().unwrap();
    let admit = |from: String, to: String| {
        let approver = &approver;
        async move {
            post(
                approver,
                &format!("/api/v1/demands/{id}/admit"),
                &json!({ "valid_from": from, "valid_to": to }),
            )
            .await
        }
    };
    for (name, from, to, field, code) in [
        (
            "starts before the period",
            day(-31),
            day(60),
            "valid_from",
            "validity_outside_period",
        ),
        (
            "ends after the period",
            day(-30),
            day(61),
            "valid_to",
            "validity_outside_period",
        ),
        (
            "lies entirely before the period",
            day(-400),
            day(-380),
            "valid_from",
            "validity_outside_period",
        ),
        (
            "ended yesterday",
            day(-30),
            day(-1),
            "valid_to",
            "validity_in_past",
        ),
    ] {
        let (s, p) = admit(from, to).await;
        assert_eq!(
            (s, p["code"].as_str(), p["field"].as_str()),
            (StatusCode::UNPROCESSABLE_ENTITY, Some(code), Some(field)),
            "{name}: {p}"
        );
        let (_, now) = get(&dept, &format!("/api/v1/demands/{id}")).await;
        assert_eq!(now["status"], "submitted", "{name}: nothing changed");
        assert!(now["admission_number"].is_null(), "{name}");
    }
    // The exact bounds are allowed: from the period's first day until today.
    let (s, a) = admit(day(-30), day(0)).await;
    assert_eq!(s, StatusCode::OK, "{a}");
    assert_eq!(a["valid_to"], day(0).as_str());
}

#[tokio::test]
async fn admitting_an_expired_demand_again_says_it_expired() {
    let t = spawn_app().await;
    let dept = t.login("district_dept").await;
    let approver = t.login("district_approver").await;
    let (_, d) = post(
        &dept,
        "/api/v1/demands",
        &body_around_today(&t, 0, 10).await,
    )
    .await;
    let id = d["id"].as_i64().unwrap();
    let path = format!("/api/v1/demands/{id}/admit");
    let (s, a) = post(&approver, &path, &json!({})).await;
    assert_eq!(s, StatusCode::OK, "{a}");
    t.app.clock.advance_ms(11 * 86_400_000);
    let approver = t.login("district_approver").await;
    let (s, p) = post(&approver, &path, &json!({})).await;
    assert_eq!(
        (s, p["code"].as_str()),
        (StatusCode::CONFLICT, Some("demand_not_submitted"))
    );
    let detail = p["detail"].as_str().unwrap();
    assert!(
        detail.contains("已过期") && !detail.contains("已准入"),
        "{detail}"
    );
}

#[tokio::test]
async fn a_period_that_already_ended_is_refused_on_submit() {
    let t = spawn_app().await;
    let dept = t.login("district_dept").await;
    let before = demand_count(&t).await;
    let last_year = body_around_today(&t, -400, -35).await;
    let (s, p) = post(&dept, "/api/v1/demands", &last_year).await;
    assert_eq!(
        (s, p["code"].as_str(), p["field"].as_str()),
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            Some("period_in_past"),
            Some("period_end")
        ),
        "{p}"
    );
    assert_eq!(demand_count(&t).await, before, "nothing stored");
    // Saved as a draft it may be corrected, but not submitted as it stands.
    let mut draft = last_year.clone();
    draft["submit"] = json!(false);
    let (s, d) = post(&dept, "/api/v1/demands", &draft).await;
    assert_eq!(s, StatusCode::CREATED, "{d}");
    let id = d["id"].as_i64().unwrap();
    let (s, p) = post(&dept, &format!("/api/v1/demands/{id}/submit"), &json!({})).await;
    assert_eq!(
        (s, p["code"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("period_in_past"))
    );
    let (_, now) = get(&dept, &format!("/api/v1/demands/{id}")).await;
    assert_eq!(now["status"], "draft");
    // A period that ends today is still open.
    let (s, d) = post(
        &dept,
        "/api/v1/demands",
        &body_around_today(&t, -10, 0).await,
    )
    .await;
    assert_eq!(
        (s, d["status"].as_str()),
        (StatusCode::CREATED, Some("submitted")),
        "{d}"
    );
}

#[tokio::test]
async fn full_width_admission_number_is_looked_up() {
    let t = spawn_app().await;
    let year = jianfu_domain::clock::cst_date(t.app.now_ms())
        .map(chrono_year)
        .unwrap();
    let number = jianfu_domain::admission::AdmissionNumber::new(year, 1)
        .unwrap()
        .to_string();
    let full_width: String = number
        .chars()
        .map(|c| char::from_u32(c as u32 + 0xFEE0).unwrap())
        .collect();
    let r = client()
        .get(t.url(&format!("/api/v1/lookup/{full_width}")))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let l: Value = r.json().await.unwrap();
    assert_eq!(l["state"], "valid", "{l}");
    let page = client()
        .get(t.url("/lookup"))
        .query(&[("number", full_width.as_str())])
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains(r#"data-state="valid""#), "{page}");
}

#[tokio::test]
async fn banned_wording_in_the_title_rejects_whatever_the_category() {
    let t = spawn_app().await;
    let dept = t.login("district_dept").await;
    for (title, description, code, words) in [
        (
            "招商引资任务：每个社区每年引进项目2个",
            "完成年度指标",
            "banned_wording_task_indicator",
            "招商引资",
        ),
        (
            "辖区违法建筑治理",
            "社区负责拆除辖区违法建筑",
            "banned_wording_responsible_subject",
            "违法建筑",
        ),
    ] {
        let mut v = body(&t).await;
        v["title"] = json!(title);
        v["description"] = json!(description);
        v["category"] = json!("other");
        let (s, d) = post(&dept, "/api/v1/demands", &v).await;
        assert_eq!(s, StatusCode::CREATED, "{d}");
        assert_eq!(
            (d["status"].as_str(), d["outcome"].as_str()),
            (Some("rejected"), Some("reject")),
            "{title}: {d}"
        );
        let finding = d["findings"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["code"] == code)
            .unwrap_or_else(|| panic!("{title}: no {code} in {d}"));
        assert_eq!(finding["clause"], "4.2-6");
        assert!(
            finding["message"].as_str().unwrap().contains(words),
            "{finding}"
        );
    }
}

#[tokio::test]
async fn a_false_wording_match_is_overruled_only_by_the_authority_with_a_reason() {
    let t = spawn_app().await;
    let dept = t.login("district_dept").await;
    let mut v = body(&t).await;
    v["title"] = json!("协助核对社区老年人城管岗位公益性就业信息");
    v["category"] = json!("social_security");
    v["community_role"] = json!("assisting");
    v["description"] = json!("由社区协助人社局核对名单");
    let (s, d) = post(&dept, "/api/v1/demands", &v).await;
    assert_eq!(s, StatusCode::CREATED, "{d}");
    assert_eq!(d["status"], "rejected", "{d}");
    let id = d["id"].as_i64().unwrap();
    let path = format!("/api/v1/demands/{id}/overrule-wording");
    // The department that drafted it cannot overrule its own finding.
    let (s, _) = post(
        &dept,
        &path,
        &json!({ "reason": "用语为岗位名称，并非城市管理事项" }),
    )
    .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    // The authority must give a reason; a bad request changes nothing.
    let approver = t.login("district_approver").await;
    let (s, p) = post(&approver, &path, &json!({ "reason": " " })).await;
    assert_eq!(
        (s, p["code"].as_str(), p["field"].as_str()),
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            Some("overrule_reason_required"),
            Some("reason")
        )
    );
    let (_, still) = get(&dept, &format!("/api/v1/demands/{id}")).await;
    assert_eq!(still["status"], "rejected");
    assert!(still["wording_overrule"].is_null());
    // With a reason it goes to the authority's queue; the overrule is recorded and shown.
    let reason = "“城管岗位”是公益性岗位名称，社区仅协助核对名单，并非城市管理事项";
    let (s, o) = post(&approver, &path, &json!({ "reason": reason })).await;
    assert_eq!(s, StatusCode::OK, "{o}");
    assert_eq!(o["status"], "submitted");
    assert_eq!(o["wording_overrule"]["reason"], reason);
    let overruled = o["wording_overrule"]["findings"].as_array().unwrap();
    assert!(
        overruled
            .iter()
            .any(|f| f["message"].as_str().unwrap().contains("城管")),
        "{o}"
    );
    assert!(
        o["findings"]
            .as_array()
            .unwrap()
            .iter()
            .all(|f| f["code"] != "banned_wording_responsible_subject")
    );
    let page = approver
        .get(&format!("/demands/{id}"))
        .await
        .text()
        .await
        .unwrap();
    assert!(
        page.contains(r#"id="wording-overrule""#) && page.contains("公益性岗位名称"),
        "overrule not shown"
    );
    // Once only.
    let (s, p) = post(&approver, &path, &json!({ "reason": reason })).await;
    assert_eq!(
        (s, p["code"].as_str()),
        (StatusCode::CONFLICT, Some("no_wording_match"))
    );
}

#[tokio::test]
async fn a_wording_match_cannot_be_overruled_when_the_category_itself_is_banned_or_other_grounds_reject()
 {
    let t = spawn_app().await;
    let dept = t.login("district_dept").await;
    let approver = t.login("district_approver").await;
    let mut v = body(&t).await;
    v["title"] = json!("招商引资任务");
    v["category"] = json!("other");
    v["within_own_duty"] = json!(true);
    let (_, d) = post(&dept, "/api/v1/demands", &v).await;
    assert_eq!(d["status"], "rejected", "{d}");
    let id = d["id"].as_i64().unwrap();
    let (s, p) = post(
        &approver,
        &format!("/api/v1/demands/{id}/overrule-wording"),
        &json!({ "reason": "认为不是招商引资任务" }),
    )
    .await;
    assert_eq!(
        (s, p["code"].as_str()),
        (StatusCode::CONFLICT, Some("rejected_on_other_grounds"))
    );
    let (_, still) = get(&dept, &format!("/api/v1/demands/{id}")).await;
    assert_eq!(still["status"], "rejected");
}
