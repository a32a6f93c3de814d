//! The demand kinds beyond work items, on the same lifecycle: a street's temporary plaque
//! approved by the district staffing office (4.1-5), a department's agency, venue, staff
//! or plaque requirement (4.4-3), and its demand that communities issue a certificate (4.5-4). Good paths, authority, and bad input that changes nothing.

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::helpers::{Browser, TestApp, spawn_app, this_year, this_year_on};

async fn post(b: &Browser, path: &str, v: &Value) -> (StatusCode, Value) {
    let r = b.json(Method::POST, path).json(v).send().await.unwrap();
    let s = r.status();
    (s, r.json().await.unwrap_or(Value::Null))
}

async fn demand_count(t: &TestApp) -> i64 {
    crate::auth::scalar(t, "SELECT COUNT(*) FROM demand").await
}

fn plaque(end: &str) -> Value {
    json!({
        "task": "第七次全国人口普查入户登记",
        "plaque_text": "示例一街道人口普查办公室",
        "placement": "indoor",
        "start": this_year_on("01-01"),
        "end": end,
    })
}

#[tokio::test]
async fn temporary_plaque_goes_to_the_staffing_office_and_gets_a_number() {
    let t = spawn_app().await;
    let street = t.login("street").await;
    let (s, d) = post(
        &street,
        "/api/v1/temporary-plaques",
        &plaque(&this_year_on("12-31")),
    )
    .await;
    assert_eq!(s, StatusCode::CREATED, "{d}");
    assert_eq!(d["kind"], "temporary_plaque");
    assert_eq!(d["status"], "submitted");
    assert!(
        d["clauses"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c == "4.1-5"),
        "{d}"
    );
    let id = d["id"].as_i64().unwrap();

    // Not yet approved: the registry may not record it as hanging.
    let e = t.app.admitted_temporary_plaque(id).await.unwrap_err();
    assert_eq!(e.code, "temporary_not_approved");
    assert!(e.message.contains("4.1-5"), "{}", e.message);

    // The district's approver is not the authority for plaques; the staffing office is.
    let approver = t.login("district_approver").await;
    let (s, p) = post(
        &approver,
        &format!("/api/v1/demands/{id}/admit"),
        &json!({}),
    )
    .await;
    assert_eq!(s, StatusCode::FORBIDDEN, "{p}");
    assert!(p["detail"].as_str().unwrap().contains("编制部门"), "{p}");
    let staffing = t.login("staffing").await;
    // The staffing office sees the request in its list.
    let r = staffing
        .json(Method::GET, "/api/v1/demands?status=submitted")
        .send()
        .await
        .unwrap();
    let list: Value = r.json().await.unwrap();
    assert!(
        list["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|x| x["id"] == id),
        "{list}"
    );
    let (s, a) = post(
        &staffing,
        &format!("/api/v1/demands/{id}/admit"),
        &json!({}),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{a}");
    let number = a["admission_number"].as_str().unwrap().to_owned();
    assert_eq!(a["valid_to"], this_year_on("12-31"));
    // Approving twice is refused.
    let (s, _) = post(
        &staffing,
        &format!("/api/v1/demands/{id}/admit"),
        &json!({}),
    )
    .await;
    assert_eq!(s, StatusCode::CONFLICT);

    // Anyone looks the number up.
    let r = reqwest::get(t.url(&format!("/api/v1/lookup/{number}")))
        .await
        .unwrap();
    let l: Value = r.json().await.unwrap();
    assert_eq!(l["state"], "valid", "{l}");

    // Now the registry may record it.
    let g = t.app.admitted_temporary_plaque(id).await.unwrap();
    assert_eq!(g.unit_node_id, t.node_id("示例一街道").await);
    assert_eq!(g.end, this_year_on("12-31"));
    assert_eq!(g.plaque_text, "示例一街道人口普查办公室");
    assert!(t.audit_count("demand.request_temporary_plaque").await >= 1);

    // The demand page shows the plaque's own fields to the staffing office.
    let (s, html) = staffing.get_text(&format!("/demands/{id}")).await;
    assert_eq!(s, StatusCode::OK);
    assert!(html.contains("id=\"temporary-plaque\"") && html.contains("人口普查入户登记"));
}

#[tokio::test]
async fn temporary_plaque_bad_input_changes_nothing() {
    let t = spawn_app().await;
    let before = demand_count(&t).await;
    let street = t.login("street").await;
    // End before start.
    let (s, p) = post(
        &street,
        "/api/v1/temporary-plaques",
        &plaque(&format!("{}-12-31", this_year() - 1)),
    )
    .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{p}");
    assert_eq!(p["code"], "temporary_end_before_start");
    assert_eq!(p["field"], "end");
    // No task named.
    let mut v = plaque(&this_year_on("12-31"));
    v["task"] = json!("  ");
    let (s, p) = post(&street, "/api/v1/temporary-plaques", &v).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{p}");
    assert_eq!(p["code"], "temporary_task_missing");
    // Malformed date, bad placement.
    let mut v = plaque("2026-13-01");
    let (s, _) = post(&street, "/api/v1/temporary-plaques", &v).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    v = plaque(&this_year_on("12-31"));
    v["placement"] = json!("roof");
    let (s, p) = post(&street, "/api/v1/temporary-plaques", &v).await;
    assert_eq!(
        (s, p["code"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("placement_invalid"))
    );
    // A street cannot ask in another unit's name; a community cannot ask at all.
    let mut v = plaque(&this_year_on("12-31"));
    v["unit_id"] = json!(t.node_id("示例二街道").await);
    let (s, _) = post(&street, "/api/v1/temporary-plaques", &v).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let worker = t.login("worker").await;
    let (s, _) = post(
        &worker,
        "/api/v1/temporary-plaques",
        &plaque(&this_year_on("12-31")),
    )
    .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    assert_eq!(demand_count(&t).await, before);
}

fn agency(t_mandate: Value) -> Value {
    let mut v = json!({
        "title": "在社区设立卫生健康工作站",
        "description": "每个社区设立工作站并配备专职人员",
        "work_agency": true,
        "full_time_staff": true,
        "period_start": this_year_on("01-01"),
        "period_end": this_year_on("12-31"),
        "target_mode": "scope",
    });
    for (k, x) in t_mandate.as_object().unwrap() {
        v[k] = x.clone();
    }
    v
}

#[tokio::test]
async fn agency_requirement_needs_a_basis_or_a_mandate_with_its_document() {
    let t = spawn_app().await;
    let dept = t.login("district_dept").await;
    let requester = t.node_id("铁东区卫生健康局").await;
    let with = |extra: Value| {
        let mut v = agency(extra);
        v["requester_node_id"] = json!(requester);
        v
    };
    // No basis, no mandate: stored as rejected with 4.4-3.
    let (s, d) = post(&dept, "/api/v1/agency-requirements", &with(json!({}))).await;
    assert_eq!(s, StatusCode::CREATED, "{d}");
    assert_eq!(d["status"], "rejected");
    assert_eq!(d["kind"], "agency_requirement");
    assert!(
        d["clauses"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c == "4.4-3"),
        "{d}"
    );
    assert!(
        d["findings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["code"] == "no_mandate"),
        "{d}"
    );
    // A mandate without its document number is no mandate.
    let (_, d) = post(
        &dept,
        "/api/v1/agency-requirements",
        &with(json!({"mandate_level": "city"})),
    )
    .await;
    assert_eq!(d["status"], "rejected", "{d}");
    // A district mandate is not one of the three levels of 4.4-3.
    let (_, d) = post(
        &dept,
        "/api/v1/agency-requirements",
        &with(json!({"mandate_level": "district", "mandate_document": "铁东委办发〔2026〕1号"})),
    )
    .await;
    assert_eq!(d["status"], "rejected", "{d}");
    // A city mandate with its document: submitted to the district's authority, which admits.
    let (s, d) = post(
        &dept,
        "/api/v1/agency-requirements",
        &with(json!({"mandate_level": "city", "mandate_document": "鞍委办发〔2026〕12号"})),
    )
    .await;
    assert_eq!(s, StatusCode::CREATED);
    assert_eq!(d["status"], "submitted", "{d}");
    let id = d["id"].as_i64().unwrap();
    let staffing = t.login("staffing").await;
    let (s, _) = post(
        &staffing,
        &format!("/api/v1/demands/{id}/admit"),
        &json!({}),
    )
    .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let approver = t.login("district_approver").await;
    let (s, a) = post(
        &approver,
        &format!("/api/v1/demands/{id}/admit"),
        &json!({}),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{a}");
    assert!(a["admission_number"].as_str().unwrap().starts_with("AZ-"));
    // A legal basis with its article also suffices; 4.2-4 spares it the approval: it goes to
    // the district's list keeper (民政) for registration, not to the approver.
    let (_, d) = post(
        &dept,
        "/api/v1/agency-requirements",
        &with(json!({"legal_basis_kind": "law", "legal_basis_title": "《中华人民共和国基本医疗卫生与健康促进法》", "legal_basis_article": "第三十五条"})),
    )
    .await;
    assert_eq!(d["status"], "for_registration", "{d}");
    let id = d["id"].as_i64().unwrap();
    let (s, _) = post(
        &approver,
        &format!("/api/v1/demands/{id}/admit"),
        &json!({}),
    )
    .await;
    assert_ne!(
        s,
        StatusCode::OK,
        "the approver does not admit what the keeper registers"
    );
    let keeper = t.login("district_supervisor").await;
    let (s, r) = post(
        &keeper,
        &format!("/api/v1/demands/{id}/register"),
        &json!({ "basis_checked": true }),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{r}");
    assert!(
        r["admission_number"].as_str().unwrap().starts_with("AZ-"),
        "{r}"
    );
    assert_eq!(r["by_registration"], true, "{r}");
    let cited: Vec<&str> = r["clauses"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(Value::as_str)
        .collect();
    for c in ["4.4-3", "4.2-2", "4.2-4"] {
        assert!(cited.contains(&c), "{c} in {cited:?}");
    }
    // One the keeper returns has no draft to correct: it ends refused, with the return shown,
    // and the department files it again.
    let (_, d) = post(
        &dept,
        "/api/v1/agency-requirements",
        &with(json!({"legal_basis_kind": "law", "legal_basis_title": "《中华人民共和国城乡规划法》", "legal_basis_article": "第一百条"})),
    )
    .await;
    assert_eq!(d["status"], "for_registration", "{d}");
    let id = d["id"].as_i64().unwrap();
    let (s, r) = post(
        &keeper,
        &format!("/api/v1/demands/{id}/return-registration"),
        &json!({ "ground": "article_not_found", "reason": "该法无第一百条" }),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{r}");
    assert_eq!(r["status"], "rejected", "{r}");
    assert_eq!(r["by_registration"], true, "{r}");
}

#[tokio::test]
async fn agency_requirement_bad_input_changes_nothing() {
    let t = spawn_app().await;
    let before = demand_count(&t).await;
    let dept = t.login("district_dept").await;
    let requester = t.node_id("铁东区卫生健康局").await;
    let mut v = agency(json!({}));
    v["requester_node_id"] = json!(requester);
    // Nothing demanded.
    let mut nothing = v.clone();
    nothing["work_agency"] = json!(false);
    nothing["full_time_staff"] = json!(false);
    let (s, p) = post(&dept, "/api/v1/agency-requirements", &nothing).await;
    assert_eq!(
        (s, p["code"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("nothing_demanded"))
    );
    // Another district's communities.
    let mut far = v.clone();
    far["target_mode"] = json!("communities");
    far["target_ids"] = json!([t.node_id("示例三街道").await]);
    let (s, _) = post(&dept, "/api/v1/agency-requirements", &far).await;
    assert!(
        s == StatusCode::FORBIDDEN || s == StatusCode::UNPROCESSABLE_ENTITY,
        "{s}"
    );
    // End before start; unknown mandate level.
    let mut late = v.clone();
    late["period_end"] = json!("2025-01-01");
    let (s, p) = post(&dept, "/api/v1/agency-requirements", &late).await;
    assert_eq!(
        (s, p["code"].as_str()),
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            Some("period_end_before_start")
        )
    );
    let mut odd = v.clone();
    odd["mandate_level"] = json!("emperor");
    let (s, p) = post(&dept, "/api/v1/agency-requirements", &odd).await;
    assert_eq!(
        (s, p["code"].as_str()),
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            Some("mandate_level_invalid")
        )
    );
    // Several problems at once: the first in the document, the rest in `errors`, in the
    // order of the form's fields.
    let mut many = v.clone();
    many["title"] = json!("");
    many["work_agency"] = json!(false);
    many["venue"] = json!(false);
    many["full_time_staff"] = json!(false);
    many["plaque"] = json!(false);
    many["period_end"] = json!("2026-02-30");
    let (s, p) = post(&dept, "/api/v1/agency-requirements", &many).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(p["field"], "title", "{p}");
    let rest: Vec<&str> = p["errors"]
        .as_array()
        .unwrap_or_else(|| panic!("{p}"))
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    assert_eq!(rest, ["work_agency", "period_end"], "{p}");
    // A community worker cannot place requirements.
    let worker = t.login("worker").await;
    let (s, _) = post(&worker, "/api/v1/agency-requirements", &v).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    assert_eq!(demand_count(&t).await, before);
}

/// A valid certificate demand of 铁东区卫生健康局 on every community of 铁东区, with `extra`.
async fn certificate_demand(t: &TestApp, extra: Value) -> Value {
    let mut v = json!({
        "requester_node_id": t.node_id("铁东区卫生健康局").await,
        "type_code": "residence",
        "purpose": "办理家庭医生签约时核实居住情况",
        "basis_kind": "rule",
        "basis_title": "《辽宁省基本医疗卫生服务管理办法》",
        "basis_article": "第十二条",
        "period_start": this_year_on("01-01"),
        "period_end": this_year_on("12-31"),
        "target_mode": "scope",
    });
    for (k, x) in extra.as_object().unwrap() {
        v[k] = x.clone();
    }
    v
}

fn codes(d: &Value) -> Vec<String> {
    d["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["code"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn certificate_demand_needs_its_basis_and_a_retained_type() {
    let t = spawn_app().await;
    let dept = t.login("district_dept").await;
    // With the basis, for a type 铁东区 retains: registration by the district's keeper, then a
    // number that looks up.
    let (s, d) = post(
        &dept,
        "/api/v1/certificate-demands",
        &certificate_demand(&t, json!({})).await,
    )
    .await;
    assert_eq!(s, StatusCode::CREATED, "{d}");
    assert_eq!(
        (d["kind"].as_str(), d["status"].as_str()),
        (Some("certificate_demand"), Some("for_registration")),
        "{d}"
    );
    assert!(codes(&d).contains(&"basis_cited".to_owned()), "{d}");
    assert!(
        d["clauses"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c == "4.5-4")
    );
    assert_eq!(d["title"], "要求社区(村)出具居住情况证明");
    let id = d["id"].as_i64().unwrap();
    let keeper = t.login("district_supervisor").await;
    let (s, r) = post(
        &keeper,
        &format!("/api/v1/demands/{id}/register"),
        &json!({ "basis_checked": true }),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{r}");
    let number = r["admission_number"].as_str().unwrap().to_owned();
    let l: Value = crate::helpers::client()
        .get(t.url(&format!("/api/v1/lookup/{number}")))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(l["state"], "valid", "{l}");
    // The public service guide of the type lists the department, its basis and number.
    let guide = crate::helpers::client()
        .get(t.url("/guides/residence"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let listed = guide
        .split("id=\"required-by\"")
        .nth(1)
        .unwrap_or_else(|| panic!("no 要求提供此证明的部门: {guide}"));
    assert!(
        listed.contains("铁东区卫生健康局") && listed.contains(&number),
        "{listed}"
    );
    // The page shows the kind's own fields.
    let (_, html) = dept.get_text(&format!("/demands/{id}")).await;
    assert!(
        html.contains("id=\"certificate-demand\"")
            && html.contains("《辽宁省基本医疗卫生服务管理办法》 第十二条"),
        "{html}"
    );

    // Without a basis: refused with 4.5-4, stored so the department sees why.
    let (s, d) = post(
        &dept,
        "/api/v1/certificate-demands",
        &certificate_demand(
            &t,
            json!({"basis_kind": "", "basis_title": "", "basis_article": ""}),
        )
        .await,
    )
    .await;
    assert_eq!(
        (s, d["status"].as_str()),
        (StatusCode::CREATED, Some("rejected")),
        "{d}"
    );
    assert!(codes(&d).contains(&"no_basis_provided".to_owned()), "{d}");
    // A basis without its article is incomplete.
    let (_, d) = post(
        &dept,
        "/api/v1/certificate-demands",
        &certificate_demand(&t, json!({"basis_article": ""})).await,
    )
    .await;
    assert!(codes(&d).contains(&"basis_incomplete".to_owned()), "{d}");
    // A type 铁东区 does not retain (志愿服务记录证明, not adopted; 亲属关系证明, discontinued),
    // or one the catalogue does not know: refused with 4.5-10 even with a basis.
    for extra in [
        json!({"type_code": "volunteer_service"}),
        json!({"type_code": "kinship"}),
        json!({"type_code": "", "type_name": "无犯罪记录证明"}),
    ] {
        let (s, d) = post(
            &dept,
            "/api/v1/certificate-demands",
            &certificate_demand(&t, extra.clone()).await,
        )
        .await;
        assert_eq!(
            (s, d["status"].as_str()),
            (StatusCode::CREATED, Some("rejected")),
            "{extra}: {d}"
        );
        assert!(
            codes(&d).contains(&"not_in_catalogue".to_owned()),
            "{extra}: {d}"
        );
        assert!(
            d["clauses"]
                .as_array()
                .unwrap()
                .iter()
                .any(|c| c == "4.5-10")
        );
    }
    // A retained list is a basis too, with its approver.
    let (_, d) = post(
        &dept,
        "/api/v1/certificate-demands",
        &certificate_demand(
            &t,
            json!({"basis_kind": "retained_list", "basis_title": "《辽宁省保留的证明事项清单》", "basis_article": "province"}),
        )
        .await,
    )
    .await;
    assert_eq!(d["status"], "for_registration", "{d}");
}

#[tokio::test]
async fn certificate_demand_bad_input_changes_nothing_and_names_every_field() {
    let t = spawn_app().await;
    let dept = t.login("district_dept").await;
    let before = demand_count(&t).await;
    let cases = [
        (json!({"type_code": "no_such_type"}), "type_unknown"),
        (
            json!({"type_code": "", "type_name": ""}),
            "type_name_required",
        ),
        (json!({"purpose": " "}), "purpose_required"),
        (json!({"basis_kind": "decree"}), "basis_kind_invalid"),
        (
            json!({"basis_kind": "retained_list", "basis_article": "county"}),
            "retained_list_approver_invalid",
        ),
        (json!({"period_end": "2020-13-01"}), "date_invalid"),
        (
            json!({"period_start": this_year_on("06-01"), "period_end": this_year_on("05-01")}),
            "period_end_before_start",
        ),
        (
            json!({"target_mode": "communities", "target_ids": []}),
            "targets_required",
        ),
    ];
    for (extra, code) in cases {
        let (s, p) = post(
            &dept,
            "/api/v1/certificate-demands",
            &certificate_demand(&t, extra.clone()).await,
        )
        .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{extra}: {p}");
        assert_eq!(p["code"], code, "{extra}: {p}");
    }
    // Several at once: the first in the document, the others in `errors`.
    let (_, p) = post(
        &dept,
        "/api/v1/certificate-demands",
        &certificate_demand(&t, json!({"purpose": "", "period_end": "x"})).await,
    )
    .await;
    assert_eq!(p["field"], "purpose", "{p}");
    assert_eq!(p["errors"][0]["field"], "period_end", "{p}");
    // Another district's communities: forbidden. A worker: forbidden.
    let (s, _) = post(
        &dept,
        "/api/v1/certificate-demands",
        &certificate_demand(
            &t,
            json!({"target_mode": "communities", "target_ids": [t.node_id("示例繁荣社区").await]}),
        )
        .await,
    )
    .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let worker = t.login("worker").await;
    let (s, _) = post(
        &worker,
        "/api/v1/certificate-demands",
        &certificate_demand(&t, json!({})).await,
    )
    .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    assert_eq!(demand_count(&t).await, before);

    // The page: the form keeps what was typed and shows the summary.
    let (s, html) = dept.get_text("/demands/certificate").await;
    assert_eq!(s, StatusCode::OK);
    assert!(html.contains("<option value=\"residence\""), "{html}");
    let r = dept
        .post_form(
            "/demands/certificate",
            &[
                (
                    "requester_node_id",
                    &t.node_id("铁东区卫生健康局").await.to_string(),
                ),
                ("type_code", "residence"),
                ("purpose", ""),
                ("basis_kind", "law"),
                ("basis_title", "《保留我输入的法》"),
                ("period_start", ""),
                ("period_end", ""),
                ("target_mode", "scope"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = r.text().await.unwrap();
    assert!(
        html.contains("有 3 处需要修改") && html.contains("《保留我输入的法》"),
        "{html}"
    );
    assert_eq!(demand_count(&t).await, before);
}

/// 4.5-4: a resident names the department that asked for the certificate and its number; the
/// worker's page says whether that number is an admitted certificate demand.
#[tokio::test]
async fn an_application_names_the_demanding_department_and_the_worker_sees_its_number_checked() {
    let t = spawn_app().await;
    let dept = t.login("district_dept").await;
    let (_, d) = post(
        &dept,
        "/api/v1/certificate-demands",
        &certificate_demand(&t, json!({})).await,
    )
    .await;
    let id = d["id"].as_i64().unwrap();
    let keeper = t.login("district_supervisor").await;
    let (_, r) = post(
        &keeper,
        &format!("/api/v1/demands/{id}/register"),
        &json!({ "basis_checked": true }),
    )
    .await;
    let number = r["admission_number"].as_str().unwrap().to_owned();
    let resident = t.login("resident").await;
    let apply = |demand_number: String| {
        json!({
            "type_code": "residence",
            "applicant_name": "示例居民张三",
            "id_number": jianfu_domain::bootstrap::DEMO_ID_NUMBER,
            "purpose": "家庭医生签约",
            "demanded_by": "铁东区卫生健康局",
            "demand_number": demand_number,
        })
    };
    // Typed in lower case with spaces: read as the number.
    let (s, a) = post(
        &resident,
        "/api/v1/certificates",
        &apply(format!(" {} ", number.to_lowercase())),
    )
    .await;
    assert_eq!(s, StatusCode::CREATED, "{a}");
    assert_eq!(
        (a["demanded_by"].as_str(), a["demand_number"].as_str()),
        (Some("铁东区卫生健康局"), Some(number.as_str())),
        "{a}"
    );
    let worker = t.login("worker").await;
    let (_, html) = worker.get_text(&format!("/certificates/{}", a["id"])).await;
    let doc = scraper::Html::parse_document(&html);
    let sel = scraper::Selector::parse("#demand-check .badge").unwrap();
    let badge = doc.select(&sel).next().expect("the number is checked");
    assert_eq!(badge.value().attr("data-state"), Some("valid"));
    assert!(badge.value().classes().any(|c| c == "ok"), "{html}");

    // A well-formed number nobody gave: the page says so and points to 4.5-4.
    let unknown = jianfu_domain::admission::AdmissionNumber::new(2026, 999_999)
        .unwrap()
        .to_string();
    let (s, a) = post(&resident, "/api/v1/certificates", &apply(unknown)).await;
    assert_eq!(s, StatusCode::CREATED, "{a}");
    let (_, html) = worker.get_text(&format!("/certificates/{}", a["id"])).await;
    let doc = scraper::Html::parse_document(&html);
    let badge = doc.select(&sel).next().expect("the number is checked");
    assert_eq!(badge.value().attr("data-state"), Some("unknown"));
    assert!(badge.value().classes().any(|c| c == "bad"), "{html}");
    assert!(html.contains("未经准入的可拒绝出具并举报"), "{html}");
    // Malformed: refused with the field, nothing stored.
    let before = crate::auth::scalar(&t, "SELECT COUNT(*) FROM certificate_application").await;
    let (s, p) = post(&resident, "/api/v1/certificates", &apply("12345".into())).await;
    assert_eq!(
        (s, p["code"].as_str(), p["field"].as_str()),
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            Some("demand_number_malformed"),
            Some("demand_number")
        ),
        "{p}"
    );
    assert_eq!(
        crate::auth::scalar(&t, "SELECT COUNT(*) FROM certificate_application").await,
        before
    );
}

/// The page names a retained list's approver with a select (`basis_approver`), not by typing a
/// code into the article; a list without its approver is refused at the approver.
#[tokio::test]
async fn the_certificate_demand_page_chooses_a_retained_lists_approver() {
    let t = spawn_app().await;
    let dept = t.login("district_dept").await;
    let (s, html) = dept.get_text("/demands/certificate").await;
    assert_eq!(s, StatusCode::OK);
    assert!(
        html.contains("id=\"basis_approver\""),
        "the select is on the page"
    );
    let start = this_year_on("01-01");
    let end = this_year_on("12-31");
    let fields = |approver: &'static str| {
        vec![
            ("requester_node_id", "0".to_owned()),
            ("type_code", "residence".to_owned()),
            ("purpose", "核实居住情况".to_owned()),
            ("basis_kind", "retained_list".to_owned()),
            ("basis_title", "《辽宁省保留的证明事项清单》".to_owned()),
            ("basis_article", String::new()),
            ("basis_approver", approver.to_owned()),
            ("period_start", start.clone()),
            ("period_end", end.clone()),
            ("target_mode", "scope".to_owned()),
        ]
    };
    let f = fields("");
    let pairs: Vec<(&str, &str)> = f.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let r = dept.post_form("/demands/certificate", &pairs).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        r.text()
            .await
            .unwrap()
            .contains("保留证明事项清单须写明批准机关")
    );
    let f = fields("province");
    let pairs: Vec<(&str, &str)> = f.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let r = dept.post_form("/demands/certificate", &pairs).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let to = r.headers()["location"].to_str().unwrap().to_owned();
    let (_, html) = dept.get_text(&to).await;
    let basis = crate::auth::texts(&html, "#certificate-basis").join("");
    assert!(
        basis.contains("辽宁省保留的证明事项清单") && basis.contains("省"),
        "{basis}"
    );
}
