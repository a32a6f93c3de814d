//! The layers hold (docs/ARCHITECTURE.md, issue 11): the domain never names a database backend
//! nor writes raw SQL — dialect differences and hot inline reads live in the store's
//! repositories (`jianfu_store::repo`) — and the server does not use the store at all.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::{Path, PathBuf};

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("source directory") {
        let path = entry.expect("directory entry").path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// Every `(file, line)` of the crate's sources under `src` containing one of `words`.
fn occurrences(crate_dir: &Path, words: &[&str]) -> Vec<String> {
    let mut files = Vec::new();
    rust_files(&crate_dir.join("src"), &mut files);
    assert!(
        files.len() > 5,
        "found the sources of {}",
        crate_dir.display()
    );
    let mut found = Vec::new();
    for f in files {
        let text = std::fs::read_to_string(&f).expect("readable source");
        for (i, line) in text.lines().enumerate() {
            for w in words {
                if line.contains(w) {
                    found.push(format!("{}:{}: {w}", f.display(), i + 1));
                }
            }
        }
    }
    found
}

fn crates_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("crates directory")
        .to_path_buf()
}

#[test]
fn the_domain_names_no_backend_and_writes_no_raw_sql() {
    let found = occurrences(
        &crates_dir().join("domain"),
        &[
            "DbBackend",
            "get_database_backend",
            "rusqlite",
            "sqlite_reads",
            "query_one_raw",
            "query_all_raw",
            "execute_raw",
            "Statement::from",
        ],
    );
    assert!(
        found.is_empty(),
        "move these into a repository of crates/store/src/repo:\n{}",
        found.join("\n")
    );
}

#[test]
fn the_server_does_not_use_the_store() {
    let server = crates_dir().join("server");
    let found = occurrences(&server, &["jianfu_store"]);
    assert!(found.is_empty(), "{}", found.join("\n"));
    let manifest = std::fs::read_to_string(server.join("Cargo.toml")).expect("server manifest");
    let deps = manifest
        .split("[dev-dependencies]")
        .next()
        .expect("the part before dev-dependencies");
    assert!(
        !deps.contains("jianfu-store"),
        "jianfu-server depends on jianfu-store outside its tests"
    );
}

#[test]
fn the_guard_sees_what_it_looks_for() {
    // The store's repositories do name the backend: a guard that found nothing there would be
    // looking in the wrong place.
    let found = occurrences(&crates_dir().join("store"), &["DbBackend", "rusqlite"]);
    assert!(found.len() >= 3, "{found:?}");
}

/// The domain modules whose aggregates live wholly in a repository build no query themselves
/// (issue 11 moves one aggregate at a time; add a module here once its queries have moved).
#[test]
fn moved_modules_build_no_query() {
    const MOVED: &[&str] = &[
        "tree.rs",
        "data_dictionary.rs",
        "form_draft.rs",
        "credential_reset.rs",
        "plaque/registry.rs",
        "plaque/campaign.rs",
        "plaque/mod.rs",
        "accounts.rs",
        "bulletin.rs",
        "auth.rs",
        "second_factor.rs",
        "personal_data.rs",
        "certificate/catalogue.rs",
        "overview.rs",
        "public_report.rs",
        "department_rating.rs",
        "form_return.rs",
        "escalation.rs",
        "accountability.rs",
        "certificate/seals.rs",
        "certificate/issue.rs",
        "certificate/pki.rs",
        "audit_log.rs",
        "import.rs",
        "case_grouping.rs",
        "evaluation.rs",
        "comprehensive/codes.rs",
        "comprehensive.rs",
        "comprehensive/appeal.rs",
        "supervision.rs",
        "rectification.rs",
        "monitoring.rs",
        "plaque/detector.rs",
        "detection.rs",
        "data_sharing.rs",
        "demand.rs",
        "demand_kinds.rs",
        "bootstrap.rs",
        "page.rs",
        "rate_limit.rs",
        "annual_report.rs",
        "person_record.rs",
    ];
    const QUERY_BUILDING: &[&str] = &[
        "Entity::find",
        "Entity::insert",
        "Entity::delete",
        "update_many",
        "delete_many",
        "ActiveModel",
        "QueryFilter",
        "col_expr",
        "into_partial_model",
        "orm::Select",
        "PaginatorTrait",
    ];
    let src = crates_dir().join("domain").join("src");
    let mut found = Vec::new();
    for m in MOVED {
        let path = src.join(m);
        let text = std::fs::read_to_string(&path).expect("a moved module exists");
        for (i, line) in text.lines().enumerate() {
            for w in QUERY_BUILDING {
                if line.contains(w) {
                    found.push(format!("{}:{}: {w}", path.display(), i + 1));
                }
            }
        }
    }
    assert!(
        found.is_empty(),
        "these modules' queries belong in crates/store/src/repo:\n{}",
        found.join("\n")
    );
}
