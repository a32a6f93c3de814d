//! The demand and case repositories' writes (issue 11), on the database the suite runs on: a
//! decision moves a demand only from the state its caller read, a draft is replaced only while
//! it is a draft, and the one case insert stores what its source gives and nothing else.

use jianfu_store::Scope;
use jianfu_store::repo::{cases, demands};

use crate::auth::scalar;
use crate::helpers::spawn_app;

#[tokio::test]
async fn a_decision_moves_a_demand_only_from_the_state_it_was_read_in() {
    let t = spawn_app().await;
    let db = t.app.store.db();
    let id = scalar(&t, "SELECT MIN(id) FROM demand WHERE status = 'admitted'").await;
    let supervisor = t.account_id("district_supervisor").await;
    let before = demands::by_id(db, id).await.unwrap().unwrap();
    let targets = demands::targets(db, id).await.unwrap();
    assert!(
        !targets.is_empty(),
        "the demo's admitted demand has targets"
    );

    // Read as submitted, it is admitted by now: nothing changes.
    let stale = demands::Move {
        to: "rejected",
        reviewed: Some((supervisor, Some("迟到的审批意见".into()))),
        ..Default::default()
    };
    assert!(
        !demands::apply(db, id, Some("submitted"), stale, 42)
            .await
            .unwrap()
    );
    assert_eq!(demands::by_id(db, id).await.unwrap().unwrap(), before);

    // From the state it is in: revoked, by whom and why, and nothing else written.
    let revoke = demands::Move {
        to: "revoked",
        revoked: Some((supervisor, "撤销理由".into())),
        ..Default::default()
    };
    assert!(
        demands::apply(db, id, Some("admitted"), revoke, 42)
            .await
            .unwrap()
    );
    let after = demands::by_id(db, id).await.unwrap().unwrap();
    assert_eq!(after.status, "revoked");
    assert_eq!(after.revoked_by, Some(supervisor));
    assert_eq!(after.revoked_at, Some(42));
    assert_eq!(after.revoke_reason.as_deref(), Some("撤销理由"));
    assert_eq!(after.updated_at, 42);
    assert_eq!(after.review_note, before.review_note);
    assert_eq!(after.reviewed_by, before.reviewed_by);
    assert_eq!(after.admission_number, before.admission_number);
    assert_eq!(after.decision, before.decision);

    // Not a draft: its content and targets stay as they are.
    let content = demands::Content {
        title: "改过的标题".into(),
        ..Default::default()
    };
    assert!(
        !demands::replace_draft(db, id, "draft", content, &[], 43)
            .await
            .unwrap()
    );
    let kept = demands::by_id(db, id).await.unwrap().unwrap();
    assert_eq!(kept.title, before.title);
    assert_eq!(kept.updated_at, 42);
    assert_eq!(demands::targets(db, id).await.unwrap(), targets);
}

#[tokio::test]
async fn one_insert_opens_a_case_with_what_its_source_gives() {
    let t = spawn_app().await;
    let db = t.app.store.db();
    let community = t.node_id("示例和平社区").await;
    let case = cases::NewCase {
        kind: "unadmitted_demand",
        status: "open",
        source: "public_complaint",
        node_id: community,
        demanding_unit: "某局".into(),
        description: "要求填报".into(),
        finding: "{}".into(),
        follow_up_hash: Some("ab".repeat(32)),
        now: 7,
        ..Default::default()
    };
    let id = cases::insert(db, case).await.unwrap();
    let row = cases::by_id(db, id).await.unwrap().unwrap();
    assert_eq!(
        (row.kind.as_str(), row.status.as_str(), row.source.as_str()),
        ("unadmitted_demand", "open", "public_complaint")
    );
    assert_eq!(row.community_node_id, community);
    assert_eq!(row.follow_up_hash, Some("ab".repeat(32)));
    assert_eq!((row.created_at, row.updated_at), (7, 7));
    // What an anonymous report does not know stays empty.
    assert_eq!(row.reported_by, None);
    assert_eq!(row.claimed_number, None);
    assert_eq!(row.demand_id, None);
    assert_eq!(row.plaque_id, None);
    assert_eq!(row.monitoring_answer_id, None);
    assert_eq!(row.escalated_at, None);

    // The list finds it by its state, and not under another.
    let root = Scope::subtree("/");
    let everywhere = cases::Visible {
        supervised: &root,
        notified: &[],
    };
    let (open, rows) = cases::list(db, &everywhere, &cases::StateFilter::Is("open"), 0, 1000)
        .await
        .unwrap();
    assert!(rows.iter().any(|r| r.id == id));
    assert_eq!(open, rows.len() as u64);
    let (_, closed) = cases::list(db, &everywhere, &cases::StateFilter::Is("closed"), 0, 1000)
        .await
        .unwrap();
    assert!(closed.iter().all(|r| r.id != id));
    // Nothing visible, nothing listed.
    let (none, _) = cases::list(
        db,
        &cases::Visible {
            supervised: &Scope::nothing(),
            notified: &[],
        },
        &cases::StateFilter::Any,
        0,
        10,
    )
    .await
    .unwrap();
    assert_eq!(none, 0);
}
