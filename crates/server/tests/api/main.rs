//! jianfu's integration suite: one test binary (fast to link) that drives the real server over
//! HTTP. Each test gets a fresh database — SQLite by default, PostgreSQL when
//! `JIANFU_TEST_POSTGRES` is set — and the demo data set.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod helpers;

mod account_security;
mod audit_chain;
mod auth;
mod bad_input;
mod bulletins;
mod certificates;
mod comprehensive;
mod compression;
mod contract;
mod data_sharing;
mod demand_kinds;
mod demands;
mod department_rating;
mod evaluations;
mod every_problem;
mod exports;
mod form_demands;
mod form_drafts;
mod form_returns;
mod import;
mod inbox;
mod matrix;
mod monitoring;
mod person_records;
mod pki;
mod plaques;
mod portal;
mod public_reports;
mod registration;
mod report_forms;
mod satisfaction_codes;
mod second_factor;
mod stories;
mod supervision;
mod supervision_escalation;
mod visibility;

/// The suite must run on the database CI asked for: with `JIANFU_TEST_REQUIRE_POSTGRES=1` and
/// no (or an unusable) `JIANFU_TEST_POSTGRES`, this fails instead of quietly using SQLite.
#[tokio::test]
async fn suite_runs_on_the_configured_database() {
    let required = std::env::var("JIANFU_TEST_REQUIRE_POSTGRES").is_ok_and(|v| v == "1");
    let url = helpers::postgres_url();
    assert!(
        !required || url.is_some(),
        "JIANFU_TEST_REQUIRE_POSTGRES=1 but JIANFU_TEST_POSTGRES is not set: the PostgreSQL run would silently test SQLite"
    );
    let t = helpers::spawn_app().await;
    let backend = t.app.store.backend();
    if url.is_some() {
        assert_eq!(backend, jianfu_store::orm::DbBackend::Postgres);
    } else {
        assert_eq!(backend, jianfu_store::orm::DbBackend::Sqlite);
    }
}
mod annual_report;
mod case_grouping;
mod demand_repo;
mod detections;
mod operations;
mod overview;
mod shared_state;
