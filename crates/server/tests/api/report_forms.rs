//! Report forms and data collected once (issue 13), slice 1: the shared data dictionary (4.8-3)
//! kept by the city's data administrator through the API and the pages, every change a new
//! version with the old ones kept and audited; its list searched, paged and exported; bad input
//! refused with every problem at once and nothing stored.

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::auth::{field_error, scalar, texts};
use crate::helpers::{Browser, TestApp, spawn_app};

async fn send(b: &Browser, method: Method, path: &str, v: &Value) -> (StatusCode, Value) {
    let r = b.json(method, path).json(v).send().await.unwrap();
    let s = r.status();
    (s, r.json().await.unwrap_or(Value::Null))
}

/// A person-level, personal item owned by the community, shared on a condition.
fn item(extra: Value) -> Value {
    let mut v = json!({
        "code": "KJ_ETMD",
        "name": "困境儿童名单",
        "kind": "person_record",
        "definition": "父母双方或一方因重残、重病、服刑等原因无法履行抚养义务的儿童",
        "source_node_id": null,
        "update_cycle": "on_change",
        "sharing_class": "conditional",
        "sharing_basis": "仅限民政部门开展儿童关爱服务使用",
        "personal": true,
    });
    for (k, x) in extra.as_object().unwrap() {
        v[k] = x.clone();
    }
    v
}

/// The fields at fault in a problem document: the first one, then the others.
fn fields(p: &Value) -> Vec<String> {
    let mut out = vec![p["field"].as_str().unwrap_or("").to_owned()];
    for e in p["errors"].as_array().into_iter().flatten() {
        let f = e["field"].as_str().unwrap_or("").to_owned();
        if !out.contains(&f) {
            out.push(f);
        }
    }
    out
}

fn codes(p: &Value) -> Vec<String> {
    let mut out = vec![p["code"].as_str().unwrap_or("").to_owned()];
    for e in p["errors"].as_array().into_iter().flatten() {
        let c = e["code"].as_str().unwrap_or("").to_owned();
        if !out.contains(&c) {
            out.push(c);
        }
    }
    out
}

async fn items(t: &TestApp) -> i64 {
    scalar(t, "SELECT COUNT(*) FROM data_item").await
}

async fn versions(t: &TestApp) -> i64 {
    scalar(t, "SELECT COUNT(*) FROM data_item_version").await
}

#[tokio::test]
async fn the_demo_dictionary_is_seeded_with_sources_classes_and_a_history() {
    let t = spawn_app().await;
    let worker = t.login("worker").await;
    let (s, page) = worker.get_api("/api/v1/dictionary?per_page=200").await;
    assert_eq!(s, StatusCode::OK, "{page}");
    assert_eq!(page["total"], 15, "{page}");
    let by_code = |code: &str| {
        page["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|i| i["code"] == code)
            .unwrap_or_else(|| panic!("{code} in {page}"))
            .clone()
    };
    let population = by_code("HJ_RKS");
    assert_eq!(population["name"], "户籍人口数");
    assert_eq!(population["source_name"], "鞍山市公安局");
    assert_eq!(population["sharing_class"], "unconditional");
    let elderly = by_code("DJLR_MD");
    assert_eq!(
        (
            elderly["kind"].as_str(),
            elderly["personal"].as_bool(),
            elderly["sharing_class"].as_str(),
            elderly["version"].as_i64(),
            elderly["source_name"].as_str(),
        ),
        (
            Some("person_record"),
            Some(true),
            Some("conditional"),
            Some(2),
            Some("社区(村)"),
        )
    );
    let disabled = by_code("CJR_MD");
    assert_eq!(disabled["sharing_class"], "not_shared");
    assert!(
        disabled["sharing_basis"]
            .as_str()
            .unwrap()
            .contains("个人信息保护法")
    );
    assert_eq!(
        by_code("HJZZ_JD")["options"],
        json!(["未启动", "进行中", "已完成"])
    );
    // The changed item keeps its first version.
    let (s, d) = worker.get_api("/api/v1/dictionary/DJLR_MD").await;
    assert_eq!(s, StatusCode::OK, "{d}");
    let vs = d["versions"].as_array().unwrap();
    assert_eq!(vs.len(), 2, "{d}");
    assert_eq!(
        (vs[0]["version"].as_i64(), vs[1]["version"].as_i64()),
        (Some(2), Some(1))
    );
    assert!(
        vs[0]["item"]["definition"]
            .as_str()
            .unwrap()
            .contains("无生活自理能力")
    );
    assert!(
        !vs[1]["item"]["definition"]
            .as_str()
            .unwrap()
            .contains("无生活自理能力")
    );
    assert_eq!(vs[1]["changed_by"], "city_approver");
}

#[tokio::test]
async fn the_data_administrator_adds_and_changes_an_item_and_every_version_is_kept() {
    let t = spawn_app().await;
    let admin = t.login("city_approver").await;
    let before = (t.audit_count("dictionary.create").await, items(&t).await);
    let (s, v) = send(&admin, Method::POST, "/api/v1/dictionary", &item(json!({}))).await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    assert_eq!(
        (
            v["version"].as_i64(),
            v["source_name"].as_str(),
            v["kind_zh"].as_str()
        ),
        (Some(1), Some("社区(村)"), Some("人员明细"))
    );
    assert_eq!(t.audit_count("dictionary.create").await, before.0 + 1);
    assert_eq!(items(&t).await, before.1 + 1);

    // A change makes version 2, owned now by the city's civil affairs bureau.
    let civil = t.node_id("鞍山市民政局").await;
    let (s, v2) = send(
        &admin,
        Method::PUT,
        "/api/v1/dictionary/KJ_ETMD",
        &item(json!({"source_node_id": civil, "update_cycle": "monthly", "version": 1, "code": "IGNORED"})),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{v2}");
    assert_eq!(
        (
            v2["version"].as_i64(),
            v2["source_name"].as_str(),
            v2["code"].as_str()
        ),
        (Some(2), Some("鞍山市民政局"), Some("KJ_ETMD")),
        "the code stays"
    );
    let audited = scalar(
        &t,
        "SELECT COUNT(*) FROM audit_entry WHERE action = 'dictionary.update' AND summary LIKE '%update_cycle%'",
    )
    .await;
    assert_eq!(audited, 1, "the audit names what changed");

    // Every reader sees both versions; the page shows the history.
    let head = t.login("head").await;
    let (s, d) = head.get_api("/api/v1/dictionary/KJ_ETMD").await;
    assert_eq!(s, StatusCode::OK);
    let sources: Vec<&str> = d["versions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["item"]["source_name"].as_str().unwrap())
        .collect();
    assert_eq!(sources, ["鞍山市民政局", "社区(村)"], "{d}");
    let (s, html) = head.get_text("/dictionary/KJ_ETMD").await;
    assert_eq!(s, StatusCode::OK);
    let history = texts(&html, "#versions > li summary");
    assert_eq!(history.len(), 2, "{history:?}");
    assert!(history[0].starts_with("第2版") && history[1].starts_with("第1版"));
    assert!(
        texts(&html, "#data-item")[0].contains("鞍山市民政局"),
        "current version shown"
    );
    assert!(
        !html.contains("/dictionary/KJ_ETMD/edit"),
        "a community head reads, does not edit"
    );

    // A change based on version 1 again is refused: version 2 came first. Nothing changes.
    let n = versions(&t).await;
    let (s, p) = send(
        &admin,
        Method::PUT,
        "/api/v1/dictionary/KJ_ETMD",
        &item(json!({"unit": "人", "version": 1})),
    )
    .await;
    assert_eq!(
        (s, p["code"].as_str()),
        (StatusCode::CONFLICT, Some("data_item_changed")),
        "{p}"
    );
    // The same content again is no change.
    let (s, p) = send(
        &admin,
        Method::PUT,
        "/api/v1/dictionary/KJ_ETMD",
        &item(json!({"source_node_id": civil, "update_cycle": "monthly", "version": 2})),
    )
    .await;
    assert_eq!(
        (s, p["code"].as_str()),
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            Some("data_item_unchanged")
        ),
        "{p}"
    );
    assert_eq!(versions(&t).await, n);
    let (s, _) = send(
        &admin,
        Method::PUT,
        "/api/v1/dictionary/NOPE",
        &item(json!({})),
    )
    .await;
    assert_eq!(s, StatusCode::NOT_FOUND);

    // Departments read the dictionary but do not keep it.
    let dept = t.login("city_dept").await;
    let (s, _) = send(
        &dept,
        Method::POST,
        "/api/v1/dictionary",
        &item(json!({"code": "X1"})),
    )
    .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, _) = dept.get_api("/api/v1/dictionary/KJ_ETMD").await;
    assert_eq!(s, StatusCode::OK);
    // Residents and administrators do not read it.
    for who in ["resident", "sysadmin"] {
        let (s, _) = t.login(who).await.get_api("/api/v1/dictionary").await;
        assert_eq!(s, StatusCode::FORBIDDEN, "{who}");
    }
}

/// (what is wrong, the body, the status, codes expected among the problems, the fields at fault).
type BadCase = (
    &'static str,
    Value,
    StatusCode,
    Vec<&'static str>,
    Vec<&'static str>,
);

#[tokio::test]
async fn bad_items_are_refused_with_every_problem_and_nothing_is_stored() {
    let t = spawn_app().await;
    let admin = t.login("city_approver").await;
    let (n, vs) = (items(&t).await, versions(&t).await);
    let cases: Vec<BadCase> = vec![
        (
            "a code already used",
            item(json!({"code": "HJ_RKS"})),
            StatusCode::CONFLICT,
            vec!["data_item_code_taken"],
            vec!["code"],
        ),
        (
            "不予共享 without its legal reason",
            item(json!({"sharing_class": "not_shared", "sharing_basis": "  "})),
            StatusCode::UNPROCESSABLE_ENTITY,
            vec!["not_shared_reason_required"],
            vec!["sharing_basis"],
        ),
        (
            "有条件 without its condition",
            item(json!({"sharing_class": "conditional", "sharing_basis": ""})),
            StatusCode::UNPROCESSABLE_ENTITY,
            vec!["sharing_condition_required"],
            vec!["sharing_basis"],
        ),
        (
            "a choice list with one option",
            item(json!({"kind": "choice", "options": ["是"], "personal": false})),
            StatusCode::UNPROCESSABLE_ENTITY,
            vec!["data_item_options_required"],
            vec!["options"],
        ),
        (
            "options on a count",
            item(json!({"kind": "integer", "options": ["1", "2"], "personal": false})),
            StatusCode::UNPROCESSABLE_ENTITY,
            vec!["data_item_options_unexpected"],
            vec!["options"],
        ),
        (
            "a person-level list not marked personal",
            item(json!({"personal": false})),
            StatusCode::UNPROCESSABLE_ENTITY,
            vec!["person_record_is_personal"],
            vec!["personal"],
        ),
        (
            "a source that is not a department",
            item(json!({"source_node_id": 1})),
            StatusCode::UNPROCESSABLE_ENTITY,
            vec!["data_item_source_invalid"],
            vec!["source"],
        ),
        (
            "a reserved code",
            item(json!({"code": "new"})),
            StatusCode::UNPROCESSABLE_ENTITY,
            vec!["data_item_code_invalid"],
            vec!["code"],
        ),
        (
            "everything wrong at once",
            item(json!({
                "code": "户籍", "name": "", "kind": "blob", "definition": "",
                "update_cycle": "hourly", "sharing_class": "open",
            })),
            StatusCode::UNPROCESSABLE_ENTITY,
            vec![
                "data_item_code_invalid",
                "required",
                "data_item_kind_invalid",
                "data_item_cycle_invalid",
                "data_item_sharing_invalid",
            ],
            vec![
                "code",
                "name",
                "kind",
                "definition",
                "update_cycle",
                "sharing_class",
            ],
        ),
    ];
    for (name, body, status, want_codes, want_fields) in cases {
        let (s, p) = send(&admin, Method::POST, "/api/v1/dictionary", &body).await;
        assert_eq!(s, status, "{name}: {p}");
        let got = codes(&p);
        for c in &want_codes {
            assert!(got.iter().any(|g| g == c), "{name}: {c} in {got:?}");
        }
        assert_eq!(fields(&p), want_fields, "{name}: {p}");
        assert!(
            !p["detail"].as_str().unwrap_or("").is_empty(),
            "{name}: a Chinese message"
        );
    }
    assert_eq!(
        (items(&t).await, versions(&t).await),
        (n, vs),
        "nothing stored"
    );
}

#[tokio::test]
async fn the_pages_list_search_add_and_edit_items() {
    let t = spawn_app().await;
    let admin = t.login("city_approver").await;

    // The list: every item by code, searched, filtered, paged.
    let (s, html) = admin.get_text("/dictionary").await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(texts(&html, "#data-items tbody tr").len(), 15);
    assert!(html.contains("href=\"/dictionary/new\""));
    let (_, html) = admin.get_text("/dictionary?q=低保").await;
    let rows = texts(&html, "#data-items tbody tr");
    assert_eq!(rows.len(), 2, "{rows:?}");
    assert!(rows.iter().all(|r| r.contains("低保")));
    let (_, html) = admin.get_text("/dictionary?kind=person_record").await;
    assert_eq!(texts(&html, "#data-items tbody tr").len(), 2);
    let (_, html) = admin.get_text("/dictionary?sharing_class=not_shared").await;
    let rows = texts(&html, "#data-items tbody tr");
    assert_eq!(rows.len(), 1);
    assert!(rows[0].contains("残疾人名单") && rows[0].contains("个人数据"));
    let (_, html) = admin.get_text("/dictionary?per_page=5&page=3").await;
    assert_eq!(texts(&html, "#data-items tbody tr").len(), 5);
    let (s, _) = admin.get_text("/dictionary?kind=blob").await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);

    // A new item through the form: its problems first, all at once, then saved.
    let (s, html) = admin.get_text("/dictionary/new").await;
    assert_eq!(s, StatusCode::OK);
    assert!(
        html.contains("鞍山市公安局"),
        "departments offered as sources"
    );
    let n = items(&t).await;
    let bad = [
        ("code", "HJ RKS"),
        ("name", "低保边缘户数"),
        ("kind", "integer"),
        ("definition", ""),
        ("source", "community"),
        ("update_cycle", "monthly"),
        ("sharing_class", "not_shared"),
        ("sharing_basis", ""),
    ];
    let r = admin.post_form("/dictionary", &bad).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = r.text().await.unwrap();
    let links: Vec<String> = {
        let doc = scraper::Html::parse_document(&html);
        let sel = scraper::Selector::parse("#form-error a").unwrap();
        doc.select(&sel)
            .map(|a| a.value().attr("href").unwrap().to_owned())
            .collect()
    };
    assert_eq!(links, ["#code", "#definition", "#sharing_basis"], "{html}");
    assert!(
        field_error(&html, "sharing_basis")
            .unwrap()
            .contains("法律、行政法规或政策依据")
    );
    assert!(html.contains("value=\"低保边缘户数\""), "the input is kept");
    assert_eq!(items(&t).await, n);

    let civil = t.node_id("鞍山市民政局").await.to_string();
    let good = [
        ("code", "DBBY_HS"),
        ("name", "低保边缘户数"),
        ("kind", "integer"),
        ("unit", "户"),
        (
            "definition",
            "家庭人均收入低于当地低保标准1.5倍、且财产状况符合规定的家庭户数",
        ),
        ("source", civil.as_str()),
        ("update_cycle", "monthly"),
        ("sharing_class", "unconditional"),
        ("sharing_basis", ""),
    ];
    let r = admin.post_form("/dictionary", &good).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(r.headers()["location"], "/dictionary/DBBY_HS?done=created");
    assert_eq!(items(&t).await, n + 1);

    // The same code again: the form says so beside the code.
    let r = admin.post_form("/dictionary", &good).await;
    assert_eq!(r.status(), StatusCode::CONFLICT);
    let html = r.text().await.unwrap();
    assert!(field_error(&html, "code").unwrap().contains("已被使用"));

    // Edit: the form comes filled with the current version; saving makes version 2.
    let (s, html) = admin.get_text("/dictionary/DBBY_HS/edit").await;
    assert_eq!(s, StatusCode::OK);
    assert!(html.contains("name=\"version\" value=\"1\""));
    let mut edited = good.to_vec();
    edited.retain(|(k, _)| *k != "code");
    edited.push(("version", "1"));
    edited.retain(|(k, _)| *k != "update_cycle");
    edited.push(("update_cycle", "quarterly"));
    let r = admin.post_form("/dictionary/DBBY_HS", &edited).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (_, html) = admin.get_text("/dictionary/DBBY_HS?done=updated").await;
    assert_eq!(texts(&html, "#versions > li summary").len(), 2);
    assert!(texts(&html, "#data-item")[0].contains("每季度"));
    // Saved again on version 1: refused, the page says to reload.
    let r = admin.post_form("/dictionary/DBBY_HS", &edited).await;
    assert_eq!(r.status(), StatusCode::CONFLICT);
    assert!(r.text().await.unwrap().contains("第2版"));
}
