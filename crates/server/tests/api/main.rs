//! jianfu's integration suite: one test binary (fast to link) that drives the real server over
//! HTTP. Each test gets a fresh database — SQLite by default, PostgreSQL when
//! `JIANFU_TEST_POSTGRES` is set — and the demo data set.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod helpers;

mod audit_chain;
mod auth;
mod bad_input;
mod matrix;
mod stories;
