//! Departments read shared data instead of asking again (issue 13 §3, 4.8-3): 无条件 items at
//! once, 有条件 items once their request was approved by the owner, 不予共享 items never (API
//! and page); only communities in the department's jurisdiction; every request and decision
//! audited.

use reqwest::StatusCode;

use crate::auth::scalar;
use crate::helpers::{TestApp, spawn_app};

/// Gives community `community` the current value `value` of item `code` (as a submitted return
/// would), carried by demo demand 1.
async fn hold(t: &TestApp, community: i64, code: &str, value: &str) {
    use jianfu_store::repo::form_returns::{
        CommunityValueRow, FormReturnRow, Saver, insert, set_current_value,
    };
    let version = i32::try_from(scalar(t, "SELECT COUNT(*) FROM form_return").await + 1).unwrap();
    let ret = insert(
        t.app.store.db(),
        &FormReturnRow {
            id: 0,
            demand_id: 1,
            community_node_id: community,
            period_key: "2026-11-01".to_owned(),
            version,
            state: "submitted".to_owned(),
            field_values: format!("{{\"{code}\":\"{value}\"}}"),
            saved_by: 0,
            saved_by_name: String::new(),
            saved_at: 0,
            submitted_by: None,
            submitted_by_name: None,
            submitted_at: None,
        },
        Saver {
            by: 1,
            by_name: "测试",
            at: 0,
        },
    )
    .await
    .unwrap();
    set_current_value(
        t.app.store.db(),
        &CommunityValueRow {
            id: 0,
            community_node_id: community,
            item_code: code.to_owned(),
            value: value.to_owned(),
            source_demand_id: 1,
            source_return_id: ret,
            as_of: "2026-11-30".to_owned(),
            updated_at: 0,
        },
    )
    .await
    .unwrap();
}

async fn outside_community(t: &TestApp) -> i64 {
    let district = t.node_id("铁东区").await;
    scalar(
        t,
        &format!(
            "SELECT MIN(id) FROM node WHERE kind IN ('community', 'village') AND path NOT LIKE \
             (SELECT path FROM node WHERE id = {district}) || '%'"
        ),
    )
    .await
}

#[tokio::test]
async fn unconditional_items_are_read_with_source_and_date() {
    let t = spawn_app().await;
    let heping = t.node_id("示例和平社区").await;
    hold(&t, heping, "HJ_RKS", "3210").await;
    let d = t.login("district_dept").await;
    let reads = t.audit_count("data.read").await;
    let (s, v) = d
        .get_api(&format!("/api/v1/data/{heping}?items=HJ_RKS,HJ_HS"))
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["community_name"], "示例和平社区");
    assert_eq!(v["clauses"][0], "4.8-3");
    assert_eq!(v["values"][0]["code"], "HJ_RKS");
    assert_eq!(v["values"][0]["value"], "3210");
    assert_eq!(v["values"][0]["as_of"], "2026-11-30");
    assert!(v["values"][0]["source"].as_str().is_some());
    assert_eq!(v["values"][0]["basis"], "无条件共享");
    // HJ_HS held by no return yet: no value, still readable.
    assert_eq!(v["values"][1]["code"], "HJ_HS");
    assert!(v["values"][1]["value"].is_null());
    assert_eq!(t.audit_count("data.read").await, reads + 1);
    // The page shows the same.
    let (s, html) = d
        .get_text(&format!("/data?community_id={heping}&items=HJ_RKS"))
        .await;
    assert_eq!(s, StatusCode::OK);
    assert!(
        html.contains("3210") && html.contains("2026-11-30"),
        "{html}"
    );
    assert!(html.contains("4.8-3"));
}

#[tokio::test]
async fn a_not_shared_item_is_never_read_and_the_refusal_cites_its_reason() {
    let t = spawn_app().await;
    let heping = t.node_id("示例和平社区").await;
    hold(&t, heping, "CJR_MD", "张三 210302********1234").await;
    for who in ["district_dept", "city_dept"] {
        let d = t.login(who).await;
        let (s, v) = d
            .get_api(&format!("/api/v1/data/{heping}?items=HJ_RKS,CJR_MD"))
            .await;
        assert_eq!(s, StatusCode::FORBIDDEN, "{who}: {v}");
        assert_eq!(v["code"], "data_not_shared");
        let detail = v["detail"].as_str().unwrap();
        assert!(
            detail.contains("个人信息保护法") && detail.contains("4.8-3"),
            "{detail}"
        );
        // Nothing read came back.
        assert!(!v.to_string().contains("张三"));
        // The page refuses the same, with the reason.
        let (s, html) = d
            .get_text(&format!("/data?community_id={heping}&items=CJR_MD"))
            .await;
        assert_eq!(s, StatusCode::FORBIDDEN);
        assert!(html.contains("不予共享") && html.contains("个人信息保护法"));
        assert!(!html.contains("张三"));
        // Nor may it be requested.
        let (s, v) = d
            .post_api(
                "/api/v1/data-requests",
                &serde_json::json!({ "community_id": heping, "item_code": "CJR_MD", "purpose": "开展助残服务" }),
            )
            .await;
        assert_eq!(s, StatusCode::FORBIDDEN, "{v}");
        assert_eq!(v["code"], "data_not_shared");
    }
    assert_eq!(scalar(&t, "SELECT COUNT(*) FROM data_request").await, 0);
}

#[tokio::test]
async fn a_conditional_item_needs_an_approved_request() {
    let t = spawn_app().await;
    let heping = t.node_id("示例和平社区").await;
    hold(&t, heping, "DJLR_MD", "12").await;
    let d = t.login("district_dept").await;
    let read = format!("/api/v1/data/{heping}?items=DJLR_MD");
    let (s, v) = d.get_api(&read).await;
    assert_eq!(s, StatusCode::FORBIDDEN, "{v}");
    assert_eq!(v["code"], "data_request_required");
    // A request without a purpose is refused, nothing stored.
    let (s, v) = d
        .post_api(
            "/api/v1/data-requests",
            &serde_json::json!({ "community_id": heping, "item_code": "DJLR_MD", "purpose": "" }),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    assert_eq!(v["code"], "data_request_purpose_invalid");
    // An unconditional item needs none.
    let (s, v) = d
        .post_api(
            "/api/v1/data-requests",
            &serde_json::json!({ "community_id": heping, "item_code": "HJ_RKS", "purpose": "开展探访关爱服务" }),
        )
        .await;
    assert_eq!(s, StatusCode::CONFLICT, "{v}");
    assert_eq!(v["code"], "data_request_not_needed");
    assert_eq!(scalar(&t, "SELECT COUNT(*) FROM data_request").await, 0);
    let created = t.audit_count("data_request.create").await;
    let (s, r) = d
        .post_api(
            "/api/v1/data-requests",
            &serde_json::json!({ "community_id": heping, "item_code": "DJLR_MD", "purpose": "开展冬季独居老人探访关爱服务" }),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{r}");
    assert_eq!(r["state"], "pending");
    assert_eq!(r["owner_name"], "示例和平社区");
    assert_eq!(t.audit_count("data_request.create").await, created + 1);
    let id = r["id"].as_i64().unwrap();
    // Pending: still refused; asking twice is refused.
    let (s, v) = d.get_api(&read).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    assert_eq!(v["code"], "data_request_pending");
    let (s, v) = d
        .post_api(
            "/api/v1/data-requests",
            &serde_json::json!({ "community_id": heping, "item_code": "DJLR_MD", "purpose": "再次申请读取" }),
        )
        .await;
    assert_eq!(s, StatusCode::CONFLICT);
    assert_eq!(v["code"], "data_request_exists");
    // The department cannot approve its own request: the community owns the item.
    let (s, _) = d
        .post_api(
            &format!("/api/v1/data-requests/{id}/approve"),
            &serde_json::json!({}),
        )
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    // The community sees it on its list and approves it once.
    let head = t.login("head").await;
    let (s, list) = head.get_api("/api/v1/data-requests").await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(list["items"][0]["id"], id);
    assert_eq!(list["items"][0]["can_decide"], true);
    let approved = t.audit_count("data_request.approve").await;
    let (s, v) = head
        .post_api(
            &format!("/api/v1/data-requests/{id}/approve"),
            &serde_json::json!({}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["state"], "approved");
    assert_eq!(t.audit_count("data_request.approve").await, approved + 1);
    let (s, v) = head
        .post_api(
            &format!("/api/v1/data-requests/{id}/refuse"),
            &serde_json::json!({ "note": "改变主意" }),
        )
        .await;
    assert_eq!(s, StatusCode::CONFLICT);
    assert_eq!(v["code"], "data_request_decided");
    // Now readable, citing the approved request.
    let (s, v) = d.get_api(&read).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["values"][0]["value"], "12");
    assert!(
        v["values"][0]["basis"]
            .as_str()
            .unwrap()
            .contains(&id.to_string())
    );
    // Approved for 铁东区卫生健康局, not for the city's department.
    let c = t.login("city_dept").await;
    let (s, v) = c.get_api(&read).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    assert_eq!(v["code"], "data_request_required");
}

#[tokio::test]
async fn a_refused_request_stays_refused() {
    let t = spawn_app().await;
    let heping = t.node_id("示例和平社区").await;
    let c = t.login("city_dept").await;
    let (s, r) = c
        .post_api(
            "/api/v1/data-requests",
            &serde_json::json!({ "community_id": heping, "item_code": "DJLR_MD", "purpose": "统计全市独居老人" }),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{r}");
    let id = r["id"].as_i64().unwrap();
    // Through the page: refusing needs a reason.
    let worker = t.login("worker").await;
    let (s, html) = worker.get_text("/data-requests").await;
    assert_eq!(s, StatusCode::OK);
    assert!(html.contains("统计全市独居老人"));
    let res = worker
        .post_form(&format!("/data-requests/{id}/refuse"), &[("note", "")])
        .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let worker = t.login("worker").await;
    let refused = t.audit_count("data_request.refuse").await;
    let res = worker
        .post_form(
            &format!("/data-requests/{id}/refuse"),
            &[("note", "用途不属探访关爱服务")],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(t.audit_count("data_request.refuse").await, refused + 1);
    let worker = t.login("worker").await;
    let res = worker
        .post_form(&format!("/data-requests/{id}/approve"), &[])
        .await;
    assert_eq!(res.status(), StatusCode::CONFLICT);
    let (s, v) = c
        .get_api(&format!("/api/v1/data/{heping}?items=DJLR_MD"))
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    assert_eq!(v["code"], "data_request_refused");
    assert_eq!(
        scalar(
            &t,
            &format!("SELECT COUNT(*) FROM data_request WHERE id = {id} AND state = 'refused'")
        )
        .await,
        1
    );
}

#[tokio::test]
async fn only_departments_read_and_only_in_their_jurisdiction() {
    let t = spawn_app().await;
    let heping = t.node_id("示例和平社区").await;
    let outside = outside_community(&t).await;
    // 铁东区's department does not read another district's community.
    let d = t.login("district_dept").await;
    let (s, v) = d
        .get_api(&format!("/api/v1/data/{outside}?items=HJ_RKS"))
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN, "{v}");
    assert_eq!(v["code"], "data_community_out_of_reach");
    let (s, v) = d
        .post_api(
            "/api/v1/data-requests",
            &serde_json::json!({ "community_id": outside, "item_code": "DJLR_MD", "purpose": "开展探访关爱服务" }),
        )
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN, "{v}");
    // The city's department reads the whole city.
    let c = t.login("city_dept").await;
    let (s, _) = c
        .get_api(&format!("/api/v1/data/{outside}?items=HJ_RKS"))
        .await;
    assert_eq!(s, StatusCode::OK);
    // A community, a street, an approver: no sharing right, a clear error.
    for who in ["head", "street", "city_approver", "supervisor"] {
        let b = t.login(who).await;
        let (s, v) = b
            .get_api(&format!("/api/v1/data/{heping}?items=HJ_RKS"))
            .await;
        assert_eq!(s, StatusCode::FORBIDDEN, "{who}");
        assert!(
            v["detail"].as_str().unwrap().contains("共享数据"),
            "{who}: {v}"
        );
    }
    // The domain's own refusal, for a reader that gets past the gate's coarse check.
    let ctx = t.ctx("head").await;
    let e = t
        .app
        .read_shared_data(
            &ctx,
            heping,
            &["HJ_RKS".to_owned()],
            &jianfu_domain::data_sharing::ReadHow {
                purpose: "",
                channel: jianfu_domain::person_record::AccessChannel::ApiRead,
            },
        )
        .await
        .unwrap_err();
    assert_eq!(e.code, "data_read_forbidden");
    // Bad input: no items, an unknown item, not a community.
    let (s, v) = d.get_api(&format!("/api/v1/data/{heping}")).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(v["code"], "data_items_required");
    let (s, v) = d
        .get_api(&format!("/api/v1/data/{heping}?items=NO_SUCH"))
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(v["code"], "data_item_unknown");
    let street = t.node_id("示例一街道").await;
    let (s, v) = d
        .get_api(&format!("/api/v1/data/{street}?items=HJ_RKS"))
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(v["code"], "data_community_invalid");
}

#[tokio::test]
async fn a_community_sees_only_the_requests_it_owns() {
    let t = spawn_app().await;
    let heping = t.node_id("示例和平社区").await;
    let other = scalar(
        &t,
        &format!(
            "SELECT MIN(id) FROM node WHERE kind IN ('community', 'village') AND id <> {heping}"
        ),
    )
    .await;
    let c = t.login("city_dept").await;
    let (s, r) = c
        .post_api(
            "/api/v1/data-requests",
            &serde_json::json!({ "community_id": other, "item_code": "DJLR_MD", "purpose": "开展探访关爱服务" }),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{r}");
    let id = r["id"].as_i64().unwrap();
    // 示例和平社区's head neither sees nor decides another community's request.
    let head = t.login("head").await;
    let (s, list) = head.get_api("/api/v1/data-requests").await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(list["total"], 0);
    let (s, _) = head
        .post_api(
            &format!("/api/v1/data-requests/{id}/approve"),
            &serde_json::json!({}),
        )
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    assert_eq!(
        scalar(
            &t,
            &format!("SELECT COUNT(*) FROM data_request WHERE id = {id} AND state = 'pending'")
        )
        .await,
        1
    );
    // The page form files a request too.
    let d = t.login("district_dept").await;
    let heping_s = heping.to_string();
    let res = d
        .post_form(
            "/data-requests",
            &[
                ("community_id", heping_s.as_str()),
                ("item_code", "DJLR_MD"),
                ("purpose", "开展探访关爱服务"),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let (s, html) = head.get_text("/data-requests").await;
    assert_eq!(s, StatusCode::OK);
    assert!(html.contains("开展探访关爱服务") && html.contains("同意"));
}

#[tokio::test]
async fn the_read_page_offers_items_as_checkboxes_and_reads_the_ticked_ones() {
    let t = spawn_app().await;
    let heping = t.node_id("示例和平社区").await;
    hold(&t, heping, "HJ_RKS", "3210").await;
    let d = t.login("district_dept").await;
    let (s, html) = d.get_text("/data").await;
    assert_eq!(s, StatusCode::OK);
    for code in ["HJ_RKS", "TK_RS", "DJLR_MD", "CJR_MD"] {
        assert!(
            html.contains(&format!(r#"type="checkbox" name="item" value="{code}">"#)),
            "{code}"
        );
    }
    // Two ticked boxes: both read, both ticked again.
    let (s, html) = d
        .get_text(&format!(
            "/data?community_id={heping}&item=HJ_RKS&item=TK_RS"
        ))
        .await;
    assert_eq!(s, StatusCode::OK, "{html}");
    assert!(
        html.contains(r#"value="HJ_RKS" checked"#) && html.contains(r#"value="TK_RS" checked"#)
    );
    assert!(!html.contains(r#"value="CJR_MD" checked"#));
    let table = &html[html.find("id=\"shared-values\"").unwrap()..];
    let table = &table[..table.find("</table>").unwrap()];
    assert_eq!(table.matches("<tr><td>").count(), 2, "{table}");
    assert!(table.contains("3210"));
    // The same item ticked and typed counts once.
    let (s, html) = d
        .get_text(&format!(
            "/data?community_id={heping}&item=HJ_RKS&items=HJ_RKS"
        ))
        .await;
    assert_eq!(s, StatusCode::OK);
    let table = &html[html.find("id=\"shared-values\"").unwrap()..];
    let table = &table[..table.find("</table>").unwrap()];
    assert_eq!(table.matches("<tr><td>").count(), 1, "{table}");
    // None ticked: the message beside the boxes.
    let (s, html) = d.get_text(&format!("/data?community_id={heping}")).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html.contains("请至少选择一个数据项"));
    // A 不予共享 item ticked: refused with its reason, nothing read.
    let (s, html) = d
        .get_text(&format!(
            "/data?community_id={heping}&item=HJ_RKS&item=CJR_MD"
        ))
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    assert!(html.contains("个人信息保护法") && !html.contains("id=\"shared-values\""));
    // No community picked.
    let (s, html) = d.get_text("/data?community_id=&item=HJ_RKS").await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html.contains("请选择一个社区或村"));
}
