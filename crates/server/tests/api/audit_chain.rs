//! The audit chain proves itself: intact after real use, and each kind of tampering done
//! directly in the database — an edited row, a deleted row in the middle, the deleted tail, a
//! rewound checkpoint — is detected and named.

use jianfu_store::audit::BreakKind;
use reqwest::Method;

use crate::helpers::{TestApp, spawn_app};

async fn busy_app() -> TestApp {
    let t = spawn_app().await;
    for u in ["sysadmin", "auditor", "head"] {
        t.login(u).await;
    }
    assert!(t.login_with("worker", "wrong-password").await.is_err());
    t
}

async fn verify(t: &TestApp) -> jianfu_store::VerifyReport {
    t.app.store.verify_audit(|_| {}).await.unwrap()
}

#[tokio::test]
async fn intact_chain_verifies_in_the_api_and_page() {
    let t = busy_app().await;
    let r = verify(&t).await;
    assert!(r.broken.is_none(), "{r:?}");
    assert!(
        r.entries >= 6,
        "demo seeding + logins are audited: {}",
        r.entries
    );
    let b = t.login("auditor").await;
    let v: serde_json::Value = b
        .json(Method::POST, "/api/v1/audit/verify")
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(v["intact"], true, "{v}");
    let page = b
        .post_form("/audit/verify", &[])
        .await
        .text()
        .await
        .unwrap();
    assert!(page.contains("审计日志完整"), "{page}");
    // Verifying is itself recorded.
    assert_eq!(t.audit_count("audit.verify").await, 2);
}

#[tokio::test]
async fn edited_row_is_named() {
    let t = busy_app().await;
    t.sql(r#"UPDATE audit_entry SET actor_name = 'someone-else' WHERE seq = 3"#)
        .await;
    let b = verify(&t).await.broken.expect("tampering detected");
    assert_eq!((b.seq, b.problem), (3, BreakKind::HashMismatch));
    assert!(b.describe().contains("第 3 条"));
    // The auditor's page says so too.
    let page = t
        .login("auditor")
        .await
        .post_form("/audit/verify", &[])
        .await
        .text()
        .await
        .unwrap();
    assert!(
        page.contains("审计日志被篡改") && page.contains("第 3 条"),
        "{page}"
    );
}

#[tokio::test]
async fn deleted_middle_row_is_a_gap() {
    let t = busy_app().await;
    t.sql("DELETE FROM audit_entry WHERE seq = 4").await;
    let b = verify(&t).await.broken.expect("gap detected");
    assert_eq!((b.seq, b.problem), (4, BreakKind::Gap));
}

#[tokio::test]
async fn deleted_tail_is_caught_by_the_checkpoint() {
    let t = busy_app().await;
    let before = verify(&t).await.entries;
    t.sql("DELETE FROM audit_entry WHERE seq = (SELECT MAX(seq) FROM audit_entry)")
        .await;
    let b = verify(&t).await.broken.expect("tail deletion detected");
    assert_eq!((b.seq, b.problem), (before, BreakKind::TailMissing));
}

#[tokio::test]
async fn rewound_checkpoint_fails_its_tag() {
    let t = busy_app().await;
    // Delete the tail AND move the checkpoint back to the new last entry: only the key could
    // produce a valid tag for it.
    t.sql("DELETE FROM audit_entry WHERE seq = (SELECT MAX(seq) FROM audit_entry)")
        .await;
    t.sql(
        "UPDATE audit_checkpoint SET seq = (SELECT MAX(seq) FROM audit_entry), \
         hash = (SELECT hash FROM audit_entry WHERE seq = (SELECT MAX(seq) FROM audit_entry))",
    )
    .await;
    let b = verify(&t).await.broken.expect("forged checkpoint detected");
    assert_eq!(b.problem, BreakKind::CheckpointMismatch);
}

#[tokio::test]
async fn every_write_is_audited_in_its_own_transaction() {
    let t = spawn_app().await;
    let b = t.login("sysadmin").await;
    let parent = t.node_id("示例三街道").await;
    let before = verify(&t).await.entries;
    let r = b
        .post_form(
            "/admin/nodes",
            &[
                ("parent_id", &parent.to_string()),
                ("kind", "community"),
                ("name", "示例审计社区"),
                ("division_code", "210303091009"),
                ("subtype", ""),
            ],
        )
        .await;
    assert_eq!(r.status(), 303);
    let after = verify(&t).await;
    assert!(after.broken.is_none());
    assert_eq!(after.entries, before + 1, "one change, one entry");
    assert_eq!(t.audit_count("node.create").await, 1);
    // A failed change leaves no entry and no row.
    let r = b
        .post_form(
            "/admin/nodes",
            &[
                ("parent_id", &parent.to_string()),
                ("kind", "community"),
                ("name", "示例审计社区二"),
                ("division_code", "210303091009"),
                ("subtype", ""),
            ],
        )
        .await;
    assert_eq!(r.status(), 409);
    assert_eq!(verify(&t).await.entries, before + 1);
}
