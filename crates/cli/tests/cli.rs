//! The `jianfu` binary as an operator uses it: init, accounts from the shell, audit verify
//! (including on a tampered database file), backup, and clear failures.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use jianfu_store::orm::{ConnectionTrait, Database, DbBackend, Statement};

fn jianfu(dir: &Path, args: &[&str], stdin: Option<&str>) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_jianfu"));
    cmd.arg("--data-dir").arg(dir).args(args);
    cmd.env_remove("JIANFU_DATABASE_URL")
        .env_remove("JIANFU_AUDIT_KEY")
        .env("JIANFU_LOG", "warn");
    cmd.stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = cmd.spawn().unwrap();
    if let Some(s) = stdin {
        child.stdin.take().unwrap().write_all(s.as_bytes()).unwrap();
    }
    drop(child.stdin.take());
    child.wait_with_output().unwrap()
}

fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

async fn sql(dir: &Path, q: &str) {
    let url = format!("sqlite://{}", dir.join("jianfu.db").display());
    let db = Database::connect(&url).await.unwrap();
    db.execute_raw(Statement::from_string(DbBackend::Sqlite, q.to_owned()))
        .await
        .unwrap();
    db.close().await.unwrap();
}

#[tokio::test]
async fn audit_verify_detects_an_edited_row_and_a_deleted_tail() {
    let d = tempfile::tempdir().unwrap();
    let o = jianfu(d.path(), &["init", "--demo"], None);
    assert!(o.status.success(), "{}", text(&o));
    assert!(text(&o).contains("创建演示账号"), "progress is shown");
    let o = jianfu(d.path(), &["audit", "verify"], None);
    assert!(o.status.success(), "{}", text(&o));
    assert!(text(&o).contains("审计日志完整"));

    // Delete the last row in the database file: the signed checkpoint notices.
    sql(
        d.path(),
        "DELETE FROM audit_entry WHERE seq = (SELECT MAX(seq) FROM audit_entry)",
    )
    .await;
    let o = jianfu(d.path(), &["audit", "verify"], None);
    assert!(!o.status.success());
    assert!(text(&o).contains("末尾的记录被删除"), "{}", text(&o));

    // Edit a row: the chain names it.
    let d2 = tempfile::tempdir().unwrap();
    assert!(
        jianfu(d2.path(), &["init", "--demo"], None)
            .status
            .success()
    );
    sql(
        d2.path(),
        "UPDATE audit_entry SET summary = '{}' WHERE seq = 2",
    )
    .await;
    let o = jianfu(d2.path(), &["audit", "verify"], None);
    assert!(!o.status.success());
    assert!(
        text(&o).contains("第 2 条的内容与其哈希不符"),
        "{}",
        text(&o)
    );
}

#[test]
fn accounts_from_the_shell_follow_the_rules() {
    let d = tempfile::tempdir().unwrap();
    let o = jianfu(d.path(), &["init"], None);
    assert!(o.status.success(), "{}", text(&o));
    // No default password: the first administrator is created with one typed in.
    let weak = jianfu(
        d.path(),
        &[
            "user",
            "add",
            "admin1",
            "--name",
            "管理员",
            "--node",
            "210300000000",
            "--role",
            "system_admin",
            "--password-stdin",
        ],
        Some("short"),
    );
    assert!(!weak.status.success());
    assert!(text(&weak).contains("密码至少 8 位"));
    let two = jianfu(
        d.path(),
        &[
            "user",
            "add",
            "admin1",
            "--name",
            "管理员",
            "--node",
            "210300000000",
            "--role",
            "system_admin",
            "--role",
            "audit_admin",
            "--password-stdin",
        ],
        Some("Strong#2026pw"),
    );
    assert!(!two.status.success());
    assert!(text(&two).contains("三员分立"));
    let ok = jianfu(
        d.path(),
        &[
            "user",
            "add",
            "admin1",
            "--name",
            "管理员",
            "--node",
            "210300000000",
            "--role",
            "system_admin",
            "--password-stdin",
        ],
        Some("Strong#2026pw\n"),
    );
    assert!(ok.status.success(), "{}", text(&ok));
    let dup = jianfu(
        d.path(),
        &[
            "user",
            "add",
            "admin1",
            "--name",
            "管理员",
            "--node",
            "210300000000",
            "--role",
            "security_admin",
            "--password-stdin",
        ],
        Some("Strong#2026pw"),
    );
    assert!(!dup.status.success());
    assert!(text(&dup).contains("已被使用"));
    assert!(
        jianfu(d.path(), &["user", "lock", "admin1"], None)
            .status
            .success()
    );
    assert!(
        jianfu(d.path(), &["user", "unlock", "admin1"], None)
            .status
            .success()
    );
    assert!(
        !jianfu(d.path(), &["user", "lock", "nobody"], None)
            .status
            .success()
    );
    // The server refuses to start on an empty tree without --demo, with advice.
    let e = tempfile::tempdir().unwrap();
    let o = jianfu(e.path(), &["serve", "--listen", "127.0.0.1:0"], None);
    assert!(!o.status.success());
    assert!(text(&o).contains("jianfu init"));
}

#[test]
fn backup_copies_and_never_overwrites() {
    let d = tempfile::tempdir().unwrap();
    assert!(jianfu(d.path(), &["init", "--demo"], None).status.success());
    let file = d.path().join("backup.db");
    let f = file.to_str().unwrap();
    let o = jianfu(d.path(), &["backup", f], None);
    assert!(o.status.success(), "{}", text(&o));
    assert!(std::fs::metadata(&file).unwrap().len() > 10_000);
    let again = jianfu(d.path(), &["backup", f], None);
    assert!(!again.status.success());
    assert!(text(&again).contains("不会覆盖"));
}

#[test]
fn unreachable_postgres_fails_fast_with_one_line() {
    let d = tempfile::tempdir().unwrap();
    let start = Instant::now();
    let o = jianfu(
        d.path(),
        &[
            "--database",
            "postgres://nobody:secret@127.0.0.1:1/x",
            "migrate",
        ],
        None,
    );
    assert!(!o.status.success());
    assert!(start.elapsed() < Duration::from_secs(30));
    let err = String::from_utf8_lossy(&o.stderr);
    let lines: Vec<&str> = err.lines().filter(|l| !l.trim().is_empty()).collect();
    assert_eq!(lines.len(), 1, "one clear line: {err}");
    assert!(lines[0].contains("无法连接数据库"), "{err}");
    assert!(
        !err.contains("secret"),
        "the password is never printed: {err}"
    );
}

/// Found in issue 15: `jianfu verify FILE` without `--authority-key`, run outside a data
/// directory, created `./jianfu-data` (and a database and audit key in it), logged a missing
/// table and ended with 系统内部错误.
#[test]
fn verify_without_a_key_outside_a_data_directory_creates_nothing_and_says_how_to_pass_the_key() {
    let d = tempfile::tempdir().unwrap();
    std::fs::write(d.path().join("证明.json"), "{}").unwrap();
    let listing = |p: &Path| {
        let mut names: Vec<String> = std::fs::read_dir(p)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    };
    let o = Command::new(env!("CARGO_BIN_EXE_jianfu"))
        .current_dir(d.path())
        .args(["verify", "证明.json"])
        .env_remove("JIANFU_DATABASE_URL")
        .env_remove("JIANFU_AUDIT_KEY")
        .env_remove("JIANFU_DATA_DIR")
        .output()
        .unwrap();
    assert!(!o.status.success());
    let err = String::from_utf8_lossy(&o.stderr);
    let lines: Vec<&str> = err.lines().filter(|l| !l.trim().is_empty()).collect();
    assert_eq!(lines.len(), 1, "one clear line: {err}");
    assert!(lines[0].contains("--authority-key"), "{err}");
    assert!(lines[0].contains("/api/v1/seal-authority"), "{err}");
    assert!(!err.contains("系统内部错误"), "{err}");
    assert_eq!(listing(d.path()), ["证明.json"]);

    // An empty directory given as the data directory stays empty too.
    let empty = d.path().join("empty");
    std::fs::create_dir(&empty).unwrap();
    let o = jianfu(
        &empty,
        &["verify", d.path().join("证明.json").to_str().unwrap()],
        None,
    );
    assert!(!o.status.success());
    assert!(text(&o).contains("--authority-key"), "{}", text(&o));
    assert!(listing(&empty).is_empty(), "{:?}", listing(&empty));

    // A data directory whose database was never migrated: the same advice, no internal error.
    let bare = d.path().join("bare");
    std::fs::create_dir(&bare).unwrap();
    std::fs::write(bare.join("jianfu.db"), b"").unwrap();
    let o = jianfu(
        &bare,
        &["verify", d.path().join("证明.json").to_str().unwrap()],
        None,
    );
    assert!(!o.status.success());
    let all = text(&o);
    assert!(all.contains("--authority-key"), "{all}");
    assert!(
        !all.contains("系统内部错误") && !all.contains("no such table"),
        "{all}"
    );
    assert!(!bare.join("audit.key").exists());
}
