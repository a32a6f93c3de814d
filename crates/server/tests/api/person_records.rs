//! Person-level records and who read them (issue 13 §4, 4.8-3): a community keeps records of
//! persons with the ID number sealed and found by its blind index, masked everywhere; every
//! read by a department is in the access log; the resident sees the reads of their own data;
//! the audit administrator sees all; exports need a purpose and are masked unless the head
//! asks for full numbers (and that read is logged too).

use reqwest::StatusCode;

use crate::auth::{dump, scalar};
use crate::helpers::{TestApp, spawn_app};

/// The demo resident's ID number (valid check digit).
const RESIDENT_ID: &str = "210302199001011238";
/// The demo seeds two records of 示例和平社区 (the resident and 李四).
const DEMO_RECORDS: i64 = 2;
/// Another valid number (GB 11643 check character computed).
const OTHER_ID: &str = "11010519491231002X";

async fn add(
    t: &TestApp,
    who: &str,
    community: i64,
    item: &str,
    name: &str,
    id: &str,
) -> serde_json::Value {
    let b = t.login(who).await;
    let (s, v) = b
        .post_api(
            &format!("/api/v1/communities/{community}/person-records"),
            &serde_json::json!({ "item_code": item, "name": name, "id_number": id, "details": "和平街1号" }),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    v
}

/// The department asks for the 有条件 elderly list and the community head approves it.
async fn approved_request(t: &TestApp, community: i64, purpose: &str) {
    let d = t.login("district_dept").await;
    let (s, v) = d
        .post_api(
            "/api/v1/data-requests",
            &serde_json::json!({ "community_id": community, "item_code": "DJLR_MD", "purpose": purpose }),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let id = v["id"].as_i64().unwrap();
    let head = t.login("head").await;
    let (s, v) = head
        .post_api(
            &format!("/api/v1/data-requests/{id}/approve"),
            &serde_json::json!({}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
}

async fn set_identity(t: &TestApp, username: &str, id: &str) -> (StatusCode, serde_json::Value) {
    let admin = t.login("sysadmin").await;
    let account = t.account_id(username).await;
    let r = admin
        .json(
            reqwest::Method::PUT,
            &format!("/api/v1/users/{account}/identity"),
        )
        .json(&serde_json::json!({ "id_number": id }))
        .send()
        .await
        .unwrap();
    let s = r.status();
    (s, r.json().await.unwrap_or(serde_json::Value::Null))
}

#[tokio::test]
async fn a_record_is_sealed_masked_and_found_by_its_blind_index() {
    let t = spawn_app().await;
    let heping = t.node_id("示例和平社区").await;
    let created = t.audit_count("person_record.create").await;
    let v = add(&t, "worker", heping, "CJR_MD", "张三", RESIDENT_ID).await;
    assert_eq!(v["id_masked"], "2103**********1238");
    assert_eq!(v["item_name"], "残疾人名单");
    assert!(!v.to_string().contains(RESIDENT_ID));
    assert_eq!(t.audit_count("person_record.create").await, created + 1);
    // At rest: sealed, never the clear number, nor in the audit log.
    let clear = scalar(
        &t,
        &format!("SELECT COUNT(*) FROM person_record WHERE id_number LIKE '%{RESIDENT_ID}%' OR id_number NOT LIKE 'jf1:%'"),
    )
    .await;
    assert_eq!(clear, 0);
    assert_eq!(
        scalar(
            &t,
            &format!("SELECT COUNT(*) FROM audit_entry WHERE summary LIKE '%{RESIDENT_ID}%'")
        )
        .await,
        0
    );
    // Found by the full number (blind index) and by the name; listed masked.
    let w = t.login("worker").await;
    for q in [RESIDENT_ID, "张"] {
        let (s, l) = w
            .get_api(&format!(
                "/api/v1/communities/{heping}/person-records?item=CJR_MD&q={q}"
            ))
            .await;
        assert_eq!(s, StatusCode::OK, "{l}");
        assert_eq!(l["total"], 1, "{q}: {l}");
        assert_eq!(l["items"][0]["id_masked"], "2103**********1238");
    }
    let (_, l) = w
        .get_api(&format!(
            "/api/v1/communities/{heping}/person-records?item=CJR_MD&q={OTHER_ID}"
        ))
        .await;
    assert_eq!(l["total"], 0);
    // The page shows it masked.
    let (s, html) = w.get_text("/person-records").await;
    assert_eq!(s, StatusCode::OK);
    assert!(html.contains("2103**********1238") && !html.contains(RESIDENT_ID));
    // The same person twice for the same item: 409, nothing added.
    let (s, e) = w
        .post_api(
            &format!("/api/v1/communities/{heping}/person-records"),
            &serde_json::json!({ "item_code": "CJR_MD", "name": "张三", "id_number": RESIDENT_ID }),
        )
        .await;
    assert_eq!(s, StatusCode::CONFLICT, "{e}");
    assert_eq!(e["code"], "person_record_duplicate");
    // The same person on another item is another record (the demo's elderly list).
    let (_, l) = w
        .get_api(&format!(
            "/api/v1/communities/{heping}/person-records?q={RESIDENT_ID}"
        ))
        .await;
    assert_eq!(l["total"], 2, "{l}");
    assert_eq!(
        scalar(&t, "SELECT COUNT(*) FROM person_record").await,
        DEMO_RECORDS + 1
    );
}

#[tokio::test]
async fn bad_records_are_refused_with_every_problem_and_nothing_stored() {
    let t = spawn_app().await;
    let heping = t.node_id("示例和平社区").await;
    let w = t.login("worker").await;
    // A malformed ID number (wrong check character), no name, a non-person item: all at once.
    let (s, e) = w
        .post_api(
            &format!("/api/v1/communities/{heping}/person-records"),
            &serde_json::json!({ "item_code": "HJ_RKS", "name": " ", "id_number": "210302199001011234" }),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
    // The first problem is the answer's own; the others follow in `errors`.
    let mut codes: Vec<&str> = e["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["code"].as_str().unwrap())
        .collect();
    codes.push(e["code"].as_str().unwrap());
    codes.sort_unstable();
    assert_eq!(
        codes,
        [
            "id_number_check_digit",
            "person_record_item_invalid",
            "required"
        ],
        "{e}"
    );
    // The page says it in Chinese beside the field.
    let r = w
        .post_form(
            "/person-records",
            &[
                ("item_code", "DJLR_MD"),
                ("name", "李四"),
                ("id_number", "210302199001011234"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = r.text().await.unwrap();
    assert!(html.contains("身份证号码"), "{html}");
    assert_eq!(
        scalar(&t, "SELECT COUNT(*) FROM person_record").await,
        DEMO_RECORDS
    );
}

#[tokio::test]
async fn a_community_never_reads_or_writes_another_communitys_records() {
    let t = spawn_app().await;
    let heping = t.node_id("示例和平社区").await;
    let guangming = t.node_id("示例光明社区").await;
    let w = t.login("worker").await;
    let denied = t.audit_count("permission.denied").await;
    let (s, e) = w
        .get_api(&format!("/api/v1/communities/{guangming}/person-records"))
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN, "{e}");
    assert_eq!(e["code"], "person_records_other_community");
    let (s, e) = w
        .post_api(
            &format!("/api/v1/communities/{guangming}/person-records"),
            &serde_json::json!({ "item_code": "DJLR_MD", "name": "王五", "id_number": OTHER_ID }),
        )
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN, "{e}");
    assert!(t.audit_count("permission.denied").await >= denied + 2);
    // Departments and residents do not list a community's records at all.
    for who in ["district_dept", "resident", "street"] {
        let b = t.login(who).await;
        let (s, _) = b
            .get_api(&format!("/api/v1/communities/{heping}/person-records"))
            .await;
        assert_eq!(s, StatusCode::FORBIDDEN, "{who}");
    }
    assert_eq!(
        scalar(&t, "SELECT COUNT(*) FROM person_record").await,
        DEMO_RECORDS
    );
}

#[tokio::test]
async fn a_departments_read_is_logged_and_the_resident_sees_only_their_own() {
    let t = spawn_app().await;
    let heping = t.node_id("示例和平社区").await;
    // The demo keeps the resident and 李四 on the elderly list; the resident's account carries
    // the checked ID number (recorded again here through the API).
    let (s, v) = set_identity(&t, "resident", RESIDENT_ID).await;
    assert_eq!(s, StatusCode::NO_CONTENT, "{v}");
    // Not for a staff account; not a malformed number.
    let (s, v) = set_identity(&t, "worker", OTHER_ID).await;
    assert_eq!(s, StatusCode::CONFLICT, "{v}");
    assert_eq!(v["code"], "identity_not_resident");
    let (s, v) = set_identity(&t, "resident", "210302199001011234").await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    // No read yet: the resident's list is empty.
    let r = t.login("resident").await;
    let (s, mine) = r.get_api("/api/v1/me/data-access").await;
    assert_eq!(s, StatusCode::OK, "{mine}");
    assert_eq!(mine["id_masked"], "2103**********1238");
    assert_eq!(mine["reads"]["total"], 0);
    // The department reads the 有条件 list with its approved request: both persons, masked.
    approved_request(&t, heping, "开展独居老人探访关爱服务").await;
    let d = t.login("district_dept").await;
    let (s, v) = d
        .get_api(&format!("/api/v1/data/{heping}?items=DJLR_MD"))
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let persons = v["values"][0]["persons"].as_array().unwrap();
    assert_eq!(persons.len(), 2);
    assert_eq!(persons[0]["name_masked"], "示*****");
    assert_eq!(persons[0]["id_masked"], "2103**********1238");
    assert!(!v.to_string().contains(RESIDENT_ID) && !v.to_string().contains("张三"));
    // One row per person, no clear number in the log.
    assert_eq!(scalar(&t, "SELECT COUNT(*) FROM data_access").await, 2);
    assert_eq!(
        scalar(
            &t,
            &format!("SELECT COUNT(*) FROM data_access WHERE person_index LIKE '%{RESIDENT_ID}%'")
        )
        .await,
        0
    );
    // The page read too, logged as such.
    let (s, html) = d
        .get_text(&format!("/data?community_id={heping}&items=DJLR_MD"))
        .await;
    assert_eq!(s, StatusCode::OK);
    assert!(html.contains("示*****") && !html.contains(RESIDENT_ID));
    assert_eq!(scalar(&t, "SELECT COUNT(*) FROM data_access").await, 4);
    // The resident sees their own two reads, newest first, with department, purpose, item.
    let (s, mine) = r.get_api("/api/v1/me/data-access?per_page=1").await;
    assert_eq!(s, StatusCode::OK, "{mine}");
    assert_eq!(mine["reads"]["total"], 2);
    let first = &mine["reads"]["items"][0];
    assert_eq!(first["channel"], "page_read");
    assert_eq!(first["purpose"], "开展独居老人探访关爱服务");
    assert_eq!(first["item_name"], "独居老人名单");
    assert!(first["reader_unit_name"].as_str().unwrap().len() > 1);
    let (_, page2) = r.get_api("/api/v1/me/data-access?per_page=1&page=2").await;
    assert_eq!(page2["reads"]["items"][0]["channel"], "api_read");
    let (s, html) = r.get_text("/me/data-access").await;
    assert_eq!(s, StatusCode::OK);
    assert!(html.contains("开展独居老人探访关爱服务") && html.contains("独居老人名单"));
    // Only their own: 李四's reads are not the resident's, and bad paging is refused.
    let (s, _) = r.get_api("/api/v1/me/data-access?per_page=500").await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    // Another person's account (李四's number) sees only its two.
    let (s, _) = set_identity(&t, "resident", OTHER_ID).await;
    assert_eq!(s, StatusCode::NO_CONTENT);
    let (_, mine) = r.get_api("/api/v1/me/data-access").await;
    assert_eq!(mine["reads"]["total"], 2);
    assert!(
        mine["reads"]["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|x| x["record_id"] != first["record_id"])
    );
    // Staff do not read the resident's page; the auditor sees all four, filtered and paged.
    let (s, _) = d.get_api("/api/v1/me/data-access").await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let a = t.login("auditor").await;
    let (s, all) = a.get_api("/api/v1/data-access").await;
    assert_eq!(s, StatusCode::OK, "{all}");
    assert_eq!(all["total"], 4);
    let (_, f) = a
        .get_api(&format!(
            "/api/v1/data-access?community={heping}&item=DJLR_MD&per_page=3"
        ))
        .await;
    assert_eq!(f["total"], 4);
    assert_eq!(f["items"].as_array().unwrap().len(), 3);
    let (_, none) = a.get_api("/api/v1/data-access?item=HJ_RKS").await;
    assert_eq!(none["total"], 0);
    let (s, e) = a.get_api("/api/v1/data-access?unit=abc").await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
    let (s, e) = a.get_api("/api/v1/data-access?from=2026-13-01").await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
    let (s, html) = a.get_text("/data-access").await;
    assert_eq!(s, StatusCode::OK);
    assert!(html.contains("开展独居老人探访关爱服务"));
    let exports = t.audit_count("data_access.export").await;
    let r = a.get("/data-access/export.xlsx").await;
    assert_eq!(r.status(), StatusCode::OK);
    assert!(!r.bytes().await.unwrap().is_empty());
    assert_eq!(t.audit_count("data_access.export").await, exports + 1);
    for who in ["district_dept", "head", "resident", "sysadmin"] {
        let b = t.login(who).await;
        let (s, _) = b.get_api("/api/v1/data-access").await;
        assert_eq!(s, StatusCode::FORBIDDEN, "{who}");
    }
}

#[tokio::test]
async fn a_not_shared_person_list_is_never_read_nor_logged() {
    let t = spawn_app().await;
    let heping = t.node_id("示例和平社区").await;
    add(&t, "worker", heping, "CJR_MD", "张三", RESIDENT_ID).await;
    for who in ["district_dept", "city_dept"] {
        let d = t.login(who).await;
        let (s, v) = d
            .get_api(&format!("/api/v1/data/{heping}?items=CJR_MD&purpose=助残"))
            .await;
        assert_eq!(s, StatusCode::FORBIDDEN, "{who}: {v}");
        assert_eq!(v["code"], "data_not_shared");
        assert!(!v.to_string().contains("张"));
    }
    assert_eq!(scalar(&t, "SELECT COUNT(*) FROM data_access").await, 0);
}

#[tokio::test]
async fn exports_need_a_purpose_and_are_masked_unless_the_head_asks() {
    let t = spawn_app().await;
    let heping = t.node_id("示例和平社区").await;
    let path = format!("/api/v1/communities/{heping}/person-records/export");
    let w = t.login("worker").await;
    let exports = t.audit_count("person_record.export").await;
    // No purpose: refused in Chinese with a stable code, nothing exported or logged.
    let (s, e) = w
        .post_api(
            &path,
            &serde_json::json!({ "item_code": "DJLR_MD", "purpose": "  " }),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
    assert_eq!(e["code"], "export_purpose_required");
    assert!(e["detail"].as_str().unwrap().contains("用途"));
    let r = w
        .post_form(
            "/person-records/export.xlsx",
            &[("item_code", "DJLR_MD"), ("purpose", "")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().await.unwrap().contains("导出个人数据须填写用途"));
    assert_eq!(t.audit_count("person_record.export").await, exports);
    // With a purpose: masked, the holder's masked export is not a logged read.
    let (s, rows) = w
        .post_api(
            &path,
            &serde_json::json!({ "item_code": "DJLR_MD", "purpose": "年度核查" }),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{rows}");
    assert_eq!(rows[0]["id_number"], "2103**********1238");
    assert_eq!(scalar(&t, "SELECT COUNT(*) FROM data_access").await, 0);
    // A worker may not ask for full numbers.
    let (s, e) = w
        .post_api(
            &path,
            &serde_json::json!({ "item_code": "DJLR_MD", "purpose": "年度核查", "clear_id": true }),
        )
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN, "{e}");
    assert_eq!(e["code"], "export_clear_id_forbidden");
    // The head may, and the read is logged.
    let head = t.login("head").await;
    let (s, rows) = head
        .post_api(&path, &serde_json::json!({ "item_code": "DJLR_MD", "purpose": "民政部门现场核对", "clear_id": true }))
        .await;
    assert_eq!(s, StatusCode::OK, "{rows}");
    assert_eq!(rows[0]["id_number"], RESIDENT_ID);
    assert_eq!(
        scalar(
            &t,
            "SELECT COUNT(*) FROM data_access WHERE clear_id = TRUE AND channel = 'export'"
        )
        .await,
        DEMO_RECORDS
    );
    assert_eq!(t.audit_count("person_record.export").await, exports + 2);
    // The page's export answers a workbook.
    let r = head
        .post_form(
            "/person-records/export.xlsx",
            &[("item_code", "DJLR_MD"), ("purpose", "年度核查")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    assert!(
        r.headers()["content-type"]
            .to_str()
            .unwrap()
            .contains("spreadsheet")
    );
}

#[tokio::test]
async fn the_system_administrator_records_a_residents_id_number_on_the_account_page() {
    let t = spawn_app().await;
    let resident = t.account_id("resident").await;
    let worker = t.account_id("worker").await;
    let admin = t.login("sysadmin").await;
    let page = format!("/admin/users/{resident}");
    let (s, html) = admin.get_text(&page).await;
    assert_eq!(s, StatusCode::OK);
    assert!(html.contains("实名登记") && html.contains("2103**********1238"));
    assert!(!html.contains(RESIDENT_ID));
    // A staff account has no such form.
    let (_, html) = admin.get_text(&format!("/admin/users/{worker}")).await;
    assert!(
        !html.contains("/identity\""),
        "no identity form on a staff account"
    );
    let set = t.audit_count("resident.identity").await;
    let index = "SELECT id_index FROM resident_identity";
    let before = dump(&t, index).await;
    let post = format!("/admin/users/{resident}/identity");
    // A bad check digit: the message beside the field, nothing changes.
    let r = admin
        .post_form(&post, &[("id_number", "210302199001011234")])
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = r.text().await.unwrap();
    assert!(html.contains("校验"), "{html}");
    // Empty.
    let r = admin.post_form(&post, &[("id_number", "")]).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    // Not a resident: refused with the reason.
    let r = admin
        .post_form(
            &format!("/admin/users/{worker}/identity"),
            &[("id_number", OTHER_ID)],
        )
        .await;
    assert_eq!(r.status(), StatusCode::CONFLICT);
    assert!(r.text().await.unwrap().contains("只有居民账号登记身份证号"));
    assert_eq!(t.audit_count("resident.identity").await, set);
    assert_eq!(dump(&t, index).await, before);
    // A role that may not: the security administrator and the community head.
    for who in ["secadmin", "head"] {
        let b = t.login(who).await;
        let r = b.post_form(&post, &[("id_number", OTHER_ID)]).await;
        assert_eq!(r.status(), StatusCode::FORBIDDEN, "{who}");
    }
    assert_eq!(dump(&t, index).await, before);
    let (_, html) = t.login("secadmin").await.get_text(&page).await;
    assert!(!html.contains("实名登记"));
    // A valid number: saved, masked on the page, audited masked.
    let r = admin.post_form(&post, &[("id_number", OTHER_ID)]).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        r.headers()["location"],
        format!("/admin/users/{resident}?done=identity_set").as_str()
    );
    assert_eq!(t.audit_count("resident.identity").await, set + 1);
    assert_ne!(dump(&t, index).await, before);
    let (_, html) = admin
        .get_text(&format!("/admin/users/{resident}?done=identity_set"))
        .await;
    assert!(html.contains("1101**********002X") && html.contains("已登记身份证号"));
    assert!(!html.contains(OTHER_ID));
    let (_, mine) = t
        .login("resident")
        .await
        .get_api("/api/v1/me/data-access")
        .await;
    assert_eq!(mine["id_masked"], "1101**********002X");
}

#[tokio::test]
async fn the_demo_servers_read_shows_to_the_resident_and_the_auditor() {
    let t = spawn_app().await;
    assert!(t.app.seed_demo_reads().await.unwrap());
    // Once only.
    assert!(!t.app.seed_demo_reads().await.unwrap());
    assert_eq!(scalar(&t, "SELECT COUNT(*) FROM data_request").await, 1);
    assert_eq!(scalar(&t, "SELECT COUNT(*) FROM data_access").await, 2);
    let r = t.login("resident").await;
    let (s, mine) = r.get_api("/api/v1/me/data-access").await;
    assert_eq!(s, StatusCode::OK, "{mine}");
    assert_eq!(mine["reads"]["total"], 1);
    let read = &mine["reads"]["items"][0];
    assert_eq!(read["channel"], "api_read");
    assert_eq!(read["reader_unit_name"], "铁东区卫生健康局");
    assert_eq!(read["item_name"], "独居老人名单");
    let (_, html) = r.get_text("/me/data-access").await;
    assert!(html.contains("开展冬季独居老人探访关爱服务"));
    // The auditor's filters offer the unit, community and item by name.
    let a = t.login("auditor").await;
    let (s, html) = a.get_text("/data-access").await;
    assert_eq!(s, StatusCode::OK);
    let unit = t.node_id("铁东区卫生健康局").await;
    let heping = t.node_id("示例和平社区").await;
    assert!(html.contains(&format!(
        "<option value=\"{unit}\">铁东区卫生健康局</option>"
    )));
    assert!(html.contains(&format!("<option value=\"{heping}\">示例和平社区</option>")));
    assert!(html.contains("<option value=\"DJLR_MD\">独居老人名单</option>"));
    let (_, html) = a
        .get_text(&format!(
            "/data-access?unit={unit}&community={heping}&item=DJLR_MD"
        ))
        .await;
    assert!(html.contains(&format!("<option value=\"{unit}\" selected>")));
    assert_eq!(html.matches("开展冬季独居老人探访关爱服务").count(), 2);
    let other = t.node_id("示例光明社区").await;
    let (_, html) = a.get_text(&format!("/data-access?community={other}")).await;
    assert!(html.contains("暂无记录"));
}
