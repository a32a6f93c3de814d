//! The API contract: every rejection an extractor makes (path, query, JSON, form) is
//! problem+json with a stable code and a Chinese detail on the API and the error page on HTML;
//! control characters and invisible-only texts are refused on every input; the OpenAPI
//! document says what the server does; and what a page can do, the API can do.

use reqwest::header::CONTENT_TYPE;
use reqwest::{Method, Response, StatusCode};
use serde_json::{Value, json};

use crate::auth::{problem, scalar, texts};
use crate::helpers::{Browser, TestApp, client, spawn_app};

async fn post(b: &Browser, path: &str, v: &Value) -> Response {
    b.json(Method::POST, path).json(v).send().await.unwrap()
}

async fn get(b: &Browser, path: &str) -> Response {
    b.json(Method::GET, path).send().await.unwrap()
}

/// The English of serde, axum and the URL parser must not reach people.
fn assert_chinese(what: &str, detail: &str) {
    for english in [
        "invalid",
        "Invalid",
        "Failed",
        "Cannot",
        "expected",
        "missing",
        "deserialize",
    ] {
        assert!(!detail.contains(english), "{what}: {detail}");
    }
    assert!(
        detail
            .chars()
            .any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)),
        "{what}: {detail}"
    );
}

async fn api_rejects(r: Response, status: StatusCode, code: &str, field: Option<&str>) -> Value {
    let (s, p) = problem(r).await;
    assert_eq!((s, p["code"].as_str()), (status, Some(code)), "{p}");
    assert_eq!(p["field"].as_str(), field, "{p}");
    assert_chinese(code, p["detail"].as_str().unwrap());
    p
}

async fn page_rejects(r: Response, status: StatusCode, code: &str) {
    assert_eq!(r.status(), status);
    let ct = r.headers()[CONTENT_TYPE].to_str().unwrap().to_owned();
    assert!(ct.starts_with("text/html"), "{ct}");
    let html = r.text().await.unwrap();
    assert!(html.contains(r#"lang="zh-CN""#), "{html}");
    assert!(
        html.contains(&format!("<code>{code}</code>")),
        "{code}: {html}"
    );
    let message = texts(&html, ".flash.error");
    assert_eq!(message.len(), 1, "{html}");
    assert_chinese(code, &message[0]);
}

#[tokio::test]
async fn extractor_rejections_are_problem_json_on_the_api_and_the_error_page_on_pages() {
    let t = spawn_app().await;
    let admin = t.login("sysadmin").await;
    let dept = t.login("district_dept").await;

    // Path: `abc` is not an id.
    let r = get(&admin, "/api/v1/nodes/abc").await;
    api_rejects(r, StatusCode::BAD_REQUEST, "path_invalid", Some("id")).await;
    page_rejects(
        dept.get("/demands/abc").await,
        StatusCode::BAD_REQUEST,
        "path_invalid",
    )
    .await;

    // Query: a page that is no number, a missing required field.
    let r = get(&dept, "/api/v1/demands?page=abc").await;
    api_rejects(
        r,
        StatusCode::UNPROCESSABLE_ENTITY,
        "query_invalid",
        Some("page"),
    )
    .await;
    let r = client()
        .get(t.url("/api/v1/verify?serial=ZM-2026-000001"))
        .send()
        .await
        .unwrap();
    api_rejects(
        r,
        StatusCode::UNPROCESSABLE_ENTITY,
        "query_invalid",
        Some("code"),
    )
    .await;
    page_rejects(
        dept.get("/demands?page=abc").await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "query_invalid",
    )
    .await;

    // JSON of the wrong type, and a missing field, name the field in Chinese.
    let street = t.node_id("示例一街道").await;
    let before = scalar(&t, "SELECT COUNT(*) FROM node").await;
    let r = post(
        &admin,
        "/api/v1/nodes",
        &json!({ "parent_id": street.to_string(), "kind": "community", "name": "示例社区" }),
    )
    .await;
    let p = api_rejects(
        r,
        StatusCode::UNPROCESSABLE_ENTITY,
        "json_invalid_data",
        Some("parent_id"),
    )
    .await;
    assert!(p["detail"].as_str().unwrap().contains("parent_id"), "{p}");
    let r = post(
        &admin,
        "/api/v1/nodes",
        &json!({ "parent_id": street, "kind": "community" }),
    )
    .await;
    let p = api_rejects(
        r,
        StatusCode::UNPROCESSABLE_ENTITY,
        "json_invalid_data",
        Some("name"),
    )
    .await;
    assert!(
        p["detail"].as_str().unwrap().contains("缺少必填字段 name"),
        "{p}"
    );
    assert_eq!(scalar(&t, "SELECT COUNT(*) FROM node").await, before);

    // Paging beyond its bounds is refused, not clamped.
    let r = get(&dept, "/api/v1/demands?per_page=201").await;
    api_rejects(
        r,
        StatusCode::UNPROCESSABLE_ENTITY,
        "per_page_invalid",
        Some("per_page"),
    )
    .await;
    let r = get(&dept, "/api/v1/demands?page=0").await;
    api_rejects(
        r,
        StatusCode::UNPROCESSABLE_ENTITY,
        "page_invalid",
        Some("page"),
    )
    .await;
    let r = get(&dept, "/api/v1/demands?per_page=200").await;
    assert_eq!(r.status(), StatusCode::OK);
}

#[tokio::test]
async fn control_characters_are_refused_on_every_input_and_nothing_is_stored() {
    let t = spawn_app().await;
    let admin = t.login("sysadmin").await;
    let worker = t.login("worker").await;
    let street = t.node_id("示例一街道").await;
    let peace = t.node_id("示例和平社区").await;
    let nodes = || scalar(&t, "SELECT COUNT(*) FROM node");
    let cases = || scalar(&t, "SELECT COUNT(*) FROM supervision_case");
    let (n0, c0) = (nodes().await, cases().await);

    // JSON: a NUL in a name (PostgreSQL answered 500, SQLite stored it).
    for bad in ["示例\u{0}社区", "示例\u{1b}[31m社区", "示例\u{7f}社区"] {
        let r = post(
            &admin,
            "/api/v1/nodes",
            &json!({ "parent_id": street, "kind": "community", "name": bad, "division_code": "210302091009" }),
        )
        .await;
        api_rejects(
            r,
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_characters",
            Some("name"),
        )
        .await;
    }
    // Inside a nested value too.
    let r = post(
        &worker,
        "/api/v1/reports",
        &json!({ "community_id": peace, "demanding_unit": "某局", "description": "x", "claimed_number": "\u{0}" }),
    )
    .await;
    api_rejects(
        r,
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid_characters",
        Some("claimed_number"),
    )
    .await;
    // A form.
    let r = admin
        .post_form(
            "/admin/nodes",
            &[
                ("parent_id", &street.to_string()),
                ("kind", "community"),
                ("name", "示例\u{0}社区"),
                ("division_code", "210302091009"),
                ("subtype", ""),
            ],
        )
        .await;
    page_rejects(r, StatusCode::UNPROCESSABLE_ENTITY, "invalid_characters").await;
    // A query string.
    let r = get(&admin, "/api/v1/users?q=%00").await;
    api_rejects(
        r,
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid_characters",
        Some("q"),
    )
    .await;
    assert_eq!((nodes().await, cases().await), (n0, c0));

    // A text area keeps its newlines and tabs.
    let r = post(
        &worker,
        "/api/v1/reports",
        &json!({ "community_id": peace, "demanding_unit": "某区某局（示例）", "description": "第一项\n\t第二项" }),
    )
    .await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let id: Value = r.json().await.unwrap();
    assert!(id["id"].as_i64().is_some(), "{id}");
    assert_eq!(cases().await, c0 + 1);
}

#[tokio::test]
async fn texts_of_invisible_characters_only_count_as_empty() {
    let t = spawn_app().await;
    let admin = t.login("sysadmin").await;
    let worker = t.login("worker").await;
    let street = t.node_id("示例一街道").await;
    let peace = t.node_id("示例和平社区").await;
    let nodes = scalar(&t, "SELECT COUNT(*) FROM node").await;
    let cases = scalar(&t, "SELECT COUNT(*) FROM supervision_case").await;
    for blank in [
        "\u{200B}",
        "\u{FEFF}\u{3000}",
        "\u{2060} \u{200D}",
        "\u{3164}",
    ] {
        let r = post(
            &admin,
            "/api/v1/nodes",
            &json!({ "parent_id": street, "kind": "community", "name": blank, "division_code": "210302091009" }),
        )
        .await;
        api_rejects(
            r,
            StatusCode::UNPROCESSABLE_ENTITY,
            "name_required",
            Some("name"),
        )
        .await;
        let r = post(
            &worker,
            "/api/v1/reports",
            &json!({ "community_id": peace, "demanding_unit": blank, "description": "要求社区每周报送商户台账" }),
        )
        .await;
        api_rejects(
            r,
            StatusCode::UNPROCESSABLE_ENTITY,
            "demanding_unit_required",
            Some("demanding_unit"),
        )
        .await;
    }
    assert_eq!(scalar(&t, "SELECT COUNT(*) FROM node").await, nodes);
    assert_eq!(
        scalar(&t, "SELECT COUNT(*) FROM supervision_case").await,
        cases
    );
    // Zero-width characters around a name are dropped, not stored.
    let r = post(
        &admin,
        "/api/v1/nodes",
        &json!({ "parent_id": street, "kind": "community", "name": "\u{200B}示例零宽社区\u{FEFF}", "division_code": "210302091009" }),
    )
    .await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let n: Value = r.json().await.unwrap();
    assert_eq!(n["name"], "示例零宽社区");
}

#[tokio::test]
async fn openapi_document_puts_query_parameters_in_the_query_and_declares_problem_json() {
    let t = spawn_app().await;
    let doc: Value = client()
        .get(t.url("/api/v1/openapi.json"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let mut checked = 0;
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            let what = format!("{method} {path}");
            for p in op["parameters"].as_array().into_iter().flatten() {
                let name = p["name"].as_str().unwrap();
                let templated = path.contains(&format!("{{{name}}}"));
                assert_eq!(
                    p["in"] == "path",
                    templated,
                    "{what}: parameter {name} is {}",
                    p["in"]
                );
                if name == "per_page" {
                    assert_eq!(p["schema"]["maximum"], 200, "{what}");
                    assert_eq!(p["required"], false, "{what}");
                }
            }
            for (status, r) in op["responses"].as_object().unwrap() {
                if status.starts_with('4') {
                    let content = r["content"].as_object().unwrap();
                    assert!(
                        content.contains_key("application/problem+json")
                            && !content.contains_key("application/json"),
                        "{what} {status}: {content:?}"
                    );
                }
            }
            let declared = |s: &str| op["responses"].get(s).is_some();
            if path.contains('{') {
                assert!(declared("400") && declared("404"), "{what}");
            }
            if op.get("requestBody").is_some() {
                assert!(declared("415") && declared("422"), "{what}");
            }
            checked += 1;
        }
    }
    assert!(checked > 50, "{checked} operations");
}

#[tokio::test]
async fn a_community_refuses_and_reports_a_demand_through_the_api() {
    let t = spawn_app().await;
    let worker = t.login("worker").await;
    let peace = t.node_id("示例和平社区").await;
    let other = t.node_id("示例繁荣社区").await;
    let cases = || scalar(&t, "SELECT COUNT(*) FROM supervision_case");
    let c0 = cases().await;
    let r = post(
        &worker,
        "/api/v1/reports",
        &json!({ "community_id": other, "demanding_unit": "某局", "description": "x" }),
    )
    .await;
    api_rejects(r, StatusCode::FORBIDDEN, "forbidden", None).await;
    let r = post(
        &worker,
        "/api/v1/reports",
        &json!({ "community_id": peace, "demanding_unit": "某区某局（示例）", "description": "要求社区每周报送商户台账" }),
    )
    .await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let out: Value = r.json().await.unwrap();
    assert_eq!(cases().await, c0 + 1);
    // The supervisors find it among their cases.
    let sup = t.login("district_supervisor").await;
    let list: Value = get(&sup, "/api/v1/cases").await.json().await.unwrap();
    assert!(
        list["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c["id"] == out["id"]),
        "{list}"
    );
}

async fn mine(t: &TestApp, b: &Browser) -> Vec<i64> {
    let r = get(b, "/api/v1/certificates/mine").await;
    assert_eq!(r.status(), StatusCode::OK);
    let v: Value = r.json().await.unwrap();
    let _ = t;
    v.as_array()
        .unwrap()
        .iter()
        .map(|a| a["id"].as_i64().unwrap())
        .collect()
}

#[tokio::test]
async fn a_resident_lists_their_own_applications_and_staff_refuse_one_through_the_api() {
    let t = spawn_app().await;
    let resident = t.login("resident").await;
    let own = scalar(
        &t,
        "SELECT COUNT(*) FROM certificate_application a JOIN account u ON u.id = a.applicant_account_id \
         WHERE u.username = 'resident'",
    )
    .await;
    let before = mine(&t, &resident).await;
    assert_eq!(before.len() as i64, own);
    let body = json!({
        "type_code": "residence",
        "applicant_name": "示例居民张三",
        "id_number": jianfu_domain::bootstrap::DEMO_ID_NUMBER,
        "purpose": "子女入学",
        "details": "自2019年3月起居住于和平街1号。",
    });
    let r = post(&resident, "/api/v1/certificates", &body).await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let a: Value = r.json().await.unwrap();
    let id = a["id"].as_i64().unwrap();
    let after = mine(&t, &resident).await;
    assert_eq!(after.len(), before.len() + 1);
    assert_eq!(after[0], id, "newest first");
    // Someone else's list does not hold it.
    let worker = t.login("worker").await;
    assert!(!mine(&t, &worker).await.contains(&id));

    // The community refuses it with a reason, through the API as on the page.
    let path = format!("/api/v1/certificates/{id}/refuse");
    let r = post(&worker, &path, &json!({ "reason": "\u{200B}" })).await;
    api_rejects(
        r,
        StatusCode::UNPROCESSABLE_ENTITY,
        "required",
        Some("reason"),
    )
    .await;
    let r = post(
        &worker,
        &path,
        &json!({ "reason": "材料不全，请补充租房合同" }),
    )
    .await;
    assert_eq!(r.status(), StatusCode::OK);
    let v: Value = r.json().await.unwrap();
    assert_eq!(v["status"], "refused", "{v}");
    assert_eq!(v["refuse_reason"], "材料不全，请补充租房合同");
    assert_eq!(t.audit_count("certificate.refuse").await, 1);
}

#[tokio::test]
async fn a_district_adds_a_local_certificate_type_through_the_api() {
    let t = spawn_app().await;
    let approver = t.login("district_approver").await;
    let tiedong = t.node_id("铁东区").await;
    let tiexi = t.node_id("铁西区").await;
    let types = || scalar(&t, "SELECT COUNT(*) FROM certificate_type");
    let n0 = types().await;
    let complete = json!({
        "code": "tiedong_api_local",
        "name": "接口本地证明",
        "basis_kind": "regulation",
        "basis_title": "《辽宁省某条例》（示例）",
        "basis_article": "第十条",
        "within_duty": true,
        "conditions": "本社区居民。",
        "materials": "居民身份证",
        "template": "兹证明{姓名}居住在{社区}。此证明仅用于{用途}。",
        "processing_days": 3,
        "purpose": "测试。",
        "steps": "提交申请\n核实\n出具",
    });
    // Without a basis the rules refuse it (4.5-3); nothing is stored.
    let mut no_basis = complete.clone();
    no_basis["basis_kind"] = json!("");
    no_basis["basis_title"] = json!("");
    no_basis["basis_article"] = json!("");
    let path = format!("/api/v1/catalogue/{tiedong}/local");
    let (s, p) = problem(post(&approver, &path, &no_basis).await).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{p}");
    assert!(p["detail"].as_str().unwrap().contains("4.5-3"), "{p}");
    assert_eq!(types().await, n0);
    // Another district's catalogue is not theirs.
    let r = post(
        &approver,
        &format!("/api/v1/catalogue/{tiexi}/local"),
        &complete,
    )
    .await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    assert_eq!(types().await, n0);
    // The complete type is added and listed in the public catalogue.
    let r = post(&approver, &path, &complete).await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let ty: Value = r.json().await.unwrap();
    assert_eq!(
        (ty["code"].as_str(), ty["local"].as_bool()),
        (Some("tiedong_api_local"), Some(true)),
        "{ty}"
    );
    assert_eq!(types().await, n0 + 1);
    let cat: Value = client()
        .get(t.url(&format!("/api/v1/catalogue/{tiedong}")))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(
        cat["types"]
            .as_array()
            .unwrap()
            .iter()
            .any(|x| x["code"] == "tiedong_api_local"),
        "{cat}"
    );
}

async fn openapi(t: &TestApp) -> Value {
    client()
        .get(t.url("/api/v1/openapi.json"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap()
}

/// Two response types were both called `VerifyOut`: the document kept one of them, so the audit
/// chain's answer was described with the certificate check's fields.
#[tokio::test]
async fn openapi_gives_each_response_type_its_own_schema_name() {
    let t = spawn_app().await;
    let doc = openapi(&t).await;
    let schema_of = |path: &str| {
        let r = &doc["paths"][path]["post"]["responses"]["200"]["content"]["application/json"]["schema"]
            ["$ref"];
        let r = if r.is_null() {
            &doc["paths"][path]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
                ["$ref"]
        } else {
            r
        };
        let name = r.as_str().unwrap().rsplit('/').next().unwrap().to_owned();
        let props: Vec<String> = doc["components"]["schemas"][&name]["properties"]
            .as_object()
            .unwrap()
            .keys()
            .cloned()
            .collect();
        (name, props)
    };
    let (audit, audit_props) = schema_of("/api/v1/audit/verify");
    let (cert, cert_props) = schema_of("/api/v1/verify");
    assert_ne!(audit, cert);
    assert!(
        audit_props.contains(&"broken_seq".to_owned()),
        "{audit_props:?}"
    );
    assert!(
        !cert_props.contains(&"broken_seq".to_owned()),
        "{cert_props:?}"
    );

    // What the server sends has the fields the document names.
    let auditor = t.login("auditor").await;
    let v: Value = post(&auditor, "/api/v1/audit/verify", &json!({}))
        .await
        .json()
        .await
        .unwrap();
    for p in &audit_props {
        assert!(v.get(p).is_some(), "{p} in {v}");
    }
}

/// The credential-reset routes read their id with axum's own extractor: `abc` answered
/// text/plain in English.
#[tokio::test]
async fn credential_reset_ids_that_are_no_number_are_problem_json_and_the_error_page() {
    let t = spawn_app().await;
    let secadmin = t.login("secadmin").await;
    for action in ["approve", "reject"] {
        let r = post(
            &secadmin,
            &format!("/api/v1/credential-resets/abc/{action}"),
            &json!({}),
        )
        .await;
        api_rejects(r, StatusCode::BAD_REQUEST, "path_invalid", Some("id")).await;
        page_rejects(
            secadmin
                .post_form(&format!("/admin/resets/abc/{action}"), &[])
                .await,
            StatusCode::BAD_REQUEST,
            "path_invalid",
        )
        .await;
    }
}

/// Lists filtered by a place answer 404 for a place that does not exist; the document must
/// say so.
#[tokio::test]
async fn unknown_places_in_list_filters_are_declared_404() {
    let t = spawn_app().await;
    let doc = openapi(&t).await;
    let district = t.login("district_supervisor").await;
    for (path, query) in [
        ("/api/v1/plaques", "unit_id"),
        ("/api/v1/removal-tasks", "unit_id"),
        ("/api/v1/ledger", "scope"),
    ] {
        let r = get(&district, &format!("{path}?{query}=999999")).await;
        let (s, p) = problem(r).await;
        assert_eq!(s, StatusCode::NOT_FOUND, "{path}: {p}");
        let declared = &doc["paths"][path]["get"]["responses"]["404"];
        assert!(
            declared["content"]["application/problem+json"].is_object(),
            "{path}: {declared}"
        );
    }
}

/// Every closed list in a query is an enum in the document, every value the document lists is
/// taken by the server, and a value outside the list is refused.
#[tokio::test]
async fn query_codes_are_enums_the_server_takes() {
    let t = spawn_app().await;
    let doc = openapi(&t).await;
    let users = [
        ("/api/v1/demands", "district_dept"),
        ("/api/v1/certificates", "worker"),
        ("/api/v1/plaques", "district_supervisor"),
        ("/api/v1/removal-tasks", "district_supervisor"),
        ("/api/v1/audit", "auditor"),
    ];
    let mut checked = 0;
    for (path, user) in users {
        let b = t.login(user).await;
        let params = doc["paths"][path]["get"]["parameters"].as_array().unwrap();
        for name in ["status", "compliance", "outcome"] {
            let Some(p) = params.iter().find(|p| p["name"] == name) else {
                continue;
            };
            let values = p["schema"]["enum"]
                .as_array()
                .unwrap_or_else(|| panic!("{path} {name}: {p}"));
            assert!(values.len() > 2, "{path} {name}");
            for v in values {
                let v = v.as_str().unwrap();
                let r = get(&b, &format!("{path}?{name}={v}")).await;
                assert_eq!(r.status(), StatusCode::OK, "{path}?{name}={v}");
                checked += 1;
            }
            let r = get(&b, &format!("{path}?{name}=bogus")).await;
            assert_eq!(
                r.status(),
                StatusCode::UNPROCESSABLE_ENTITY,
                "{path}?{name}=bogus"
            );
        }
    }
    assert!(checked >= 20, "{checked}");
}

/// Every string the API takes says what it holds: a format, a closed list or a pattern. Free
/// texts carry the server's own rule (no control characters; a required text needs something
/// visible), so that a client does not send what the server rightly refuses.
#[tokio::test]
async fn every_string_the_api_takes_has_a_format_an_enum_or_a_pattern() {
    fn walk(v: &Value, doc: &Value, at: &str, out: &mut Vec<String>, seen: &mut Vec<String>) {
        let Value::Object(o) = v else { return };
        if let Some(r) = o.get("$ref").and_then(Value::as_str) {
            if seen.iter().any(|s| s == r) {
                return;
            }
            seen.push(r.to_owned());
            let name = r.rsplit('/').next().unwrap();
            return walk(&doc["components"]["schemas"][name], doc, at, out, seen);
        }
        let is_string = o.get("type").is_some_and(|t| {
            t == "string"
                || t.as_array()
                    .is_some_and(|a| a.iter().any(|x| x == "string"))
        });
        if is_string
            && !["format", "enum", "pattern"]
                .iter()
                .any(|k| o.contains_key(*k))
        {
            out.push(at.to_owned());
        }
        if let Some(Value::Object(props)) = o.get("properties") {
            for (k, p) in props {
                walk(p, doc, &format!("{at}.{k}"), out, seen);
            }
        }
        for k in ["items", "additionalProperties"] {
            if let Some(x) = o.get(k) {
                walk(x, doc, at, out, seen);
            }
        }
        for k in ["allOf", "anyOf", "oneOf"] {
            for x in o.get(k).and_then(Value::as_array).into_iter().flatten() {
                walk(x, doc, at, out, seen);
            }
        }
    }
    let t = spawn_app().await;
    let doc = openapi(&t).await;
    let mut free = Vec::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            for p in op["parameters"].as_array().into_iter().flatten() {
                let at = format!("{method} {path} ?{}", p["name"]);
                walk(&p["schema"], &doc, &at, &mut free, &mut Vec::new());
            }
            for (_, media) in op["requestBody"]["content"]
                .as_object()
                .into_iter()
                .flatten()
            {
                let at = format!("{method} {path} body");
                walk(&media["schema"], &doc, &at, &mut free, &mut Vec::new());
            }
        }
    }
    assert!(free.is_empty(), "free strings: {free:#?}");

    // The patterns say what the server does: a required name of spaces and zero-width
    // characters is refused, an optional one of them is taken as none.
    let required = doc["components"]["schemas"]["NodeIn"]["properties"]["name"]["pattern"]
        .as_str()
        .unwrap()
        .to_owned();
    let optional = doc["components"]["schemas"]["NodeIn"]["properties"]["subtype"]["pattern"]
        .as_str()
        .unwrap()
        .to_owned();
    let required = regex::Regex::new(&required).unwrap();
    let optional = regex::Regex::new(&optional).unwrap();
    assert!(!required.is_match(" \u{200B}"));
    assert!(optional.is_match(" \u{200B}"));
    assert!(!optional.is_match("a\u{0}b"));
    let admin = t.login("sysadmin").await;
    let street = t.node_id("示例一街道").await;
    let r = post(
        &admin,
        "/api/v1/nodes",
        &json!({ "parent_id": street, "kind": "community", "name": " \u{200B}", "division_code": "210302091009" }),
    )
    .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
}

/// The date filters are `format: date`; a value given empty is refused like any other
/// malformed day (it was taken as "no filter" although the document said it is no date).
#[tokio::test]
async fn empty_date_filters_are_refused_as_the_document_says() {
    let t = spawn_app().await;
    let doc = openapi(&t).await;
    let auditor = t.login("auditor").await;
    let head = t.login("head").await;
    for (path, b) in [("/api/v1/audit", &auditor), ("/api/v1/seal-uses", &head)] {
        for field in ["from", "to"] {
            let p = doc["paths"][path]["get"]["parameters"]
                .as_array()
                .unwrap()
                .iter()
                .find(|p| p["name"] == field)
                .unwrap();
            assert_eq!(p["schema"]["format"], "date", "{path} {field}");
            let r = get(b, &format!("{path}?{field}=")).await;
            api_rejects(
                r,
                StatusCode::UNPROCESSABLE_ENTITY,
                "date_invalid",
                Some(field),
            )
            .await;
            let r = get(b, &format!("{path}?{field}=2026-03-01")).await;
            assert_eq!(r.status(), StatusCode::OK, "{path} {field}");
        }
    }
}

/// The document closes every request object (`additionalProperties: false`), and the server
/// refuses a field it does not know, naming it, instead of dropping it silently (a typo such as
/// `titel` lost the title; schemathesis' extra properties were refused only when they held a
/// control character).
#[tokio::test]
async fn unknown_json_fields_are_refused_and_the_document_closes_request_objects() {
    let t = spawn_app().await;
    let doc = openapi(&t).await;
    for name in ["NodeIn", "DemandIn", "PlaqueIn", "ReportIn", "AdmitIn"] {
        assert_eq!(
            doc["components"]["schemas"][name]["additionalProperties"],
            json!(false),
            "{name}"
        );
    }
    let admin = t.login("sysadmin").await;
    let street = t.node_id("示例一街道").await;
    let before = scalar(&t, "SELECT COUNT(*) FROM node").await;
    let r = post(
        &admin,
        "/api/v1/nodes",
        &json!({ "parent_id": street, "kind": "community", "name": "示例新社区", "division_code": "210302091009", "nmae": "x" }),
    )
    .await;
    let p = api_rejects(
        r,
        StatusCode::UNPROCESSABLE_ENTITY,
        "json_invalid_data",
        Some("nmae"),
    )
    .await;
    assert!(p["detail"].as_str().unwrap().contains("nmae"), "{p}");
    assert_eq!(scalar(&t, "SELECT COUNT(*) FROM node").await, before);
}

/// utoipa names a component after its type: two `ToSchema` types of one name in different API
/// modules silently become one schema, and an endpoint is described with the other's fields.
/// (Schemathesis found the monitoring points' `AnswerOut` standing for the case answers';
/// `MaterialIn` and `ReasonIn` were shared the same way by requests of different shapes.)
#[test]
fn every_api_schema_type_has_its_own_name() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/api");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "rs"))
        .collect();
    files.sort();
    assert!(
        files.len() > 10,
        "read the API modules in {}",
        dir.display()
    );
    let mut seen: std::collections::HashMap<String, String> = std::collections::HashMap::new();
    let mut clashes = Vec::new();
    let mut types = 0;
    for f in &files {
        let text = std::fs::read_to_string(f).unwrap();
        let mut pending = false;
        let mut renamed: Option<String> = None;
        for line in text.lines() {
            let l = line.trim();
            if l.starts_with("#[derive(") && l.contains("ToSchema") {
                pending = true;
                renamed = None;
                continue;
            }
            if !pending {
                continue;
            }
            if let Some(rest) = l.strip_prefix("#[schema(as = ") {
                renamed = Some(rest.trim_end_matches(")]").trim().to_owned());
                continue;
            }
            let decl = l
                .strip_prefix("pub struct ")
                .or_else(|| l.strip_prefix("pub enum "));
            if let Some(decl) = decl {
                let name = renamed.take().unwrap_or_else(|| {
                    decl.split(|c: char| !c.is_alphanumeric() && c != '_')
                        .next()
                        .unwrap()
                        .to_owned()
                });
                types += 1;
                let here = f.file_name().unwrap().to_string_lossy().into_owned();
                if let Some(there) = seen.insert(name.clone(), here.clone()) {
                    clashes.push(format!("{name}: {there} and {here}"));
                }
                pending = false;
            }
        }
    }
    assert!(types > 50, "found {types} schema types");
    assert!(
        clashes.is_empty(),
        "schema names used twice:\n{}",
        clashes.join("\n")
    );
}
