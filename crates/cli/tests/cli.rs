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

/// Issue 15: the database, its log, the backups and the keys hold personal data and secrets;
/// they were created with the umask's mode (0644, readable by every local user).
#[cfg(unix)]
#[test]
fn database_backups_and_keys_are_readable_by_the_owner_only() {
    use std::os::unix::fs::PermissionsExt;
    let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    let d = tempfile::tempdir().unwrap();
    let o = jianfu(d.path(), &["init", "--demo"], None);
    assert!(o.status.success(), "{}", text(&o));
    let backup = d.path().join("backup.db");
    let o = jianfu(d.path(), &["backup", backup.to_str().unwrap()], None);
    assert!(o.status.success(), "{}", text(&o));
    let db = d.path().join("jianfu.db");
    for f in [db.clone(), d.path().join("audit.key"), backup] {
        assert_eq!(mode(&f), 0o600, "{} has mode {:o}", f.display(), mode(&f));
    }
    // An installation from before: its files were 0644; the next start takes the other
    // users' access away.
    for f in [&db, &d.path().join("audit.key")] {
        std::fs::set_permissions(f, std::fs::Permissions::from_mode(0o644)).unwrap();
    }
    let o = jianfu(d.path(), &["audit", "verify"], None);
    assert!(o.status.success(), "{}", text(&o));
    for f in [db, d.path().join("audit.key")] {
        assert_eq!(mode(&f), 0o600, "{} has mode {:o}", f.display(), mode(&f));
    }
}

/// Issue 15 item 6: putting back an old copy of the database (chain and checkpoint row
/// together) passes the in-database check; the anchors published outside the database catch it.
#[test]
fn audit_verify_with_anchor_detects_a_rollback_of_the_table_and_checkpoint() {
    let d = tempfile::tempdir().unwrap();
    assert!(jianfu(d.path(), &["init", "--demo"], None).status.success());
    let anchors = d.path().join("audit.anchor");
    let anchor_arg = anchors.to_str().unwrap();
    let lines = std::fs::read_to_string(&anchors).unwrap();
    assert!(
        lines.lines().count() > 1 && lines.contains("jianfu-audit-anchor/1"),
        "every checkpoint is published: {lines}"
    );
    // A witness keeps what `audit anchor` prints.
    let o = jianfu(d.path(), &["audit", "anchor"], None);
    assert!(o.status.success(), "{}", text(&o));
    let witness = d.path().join("witness.txt");
    std::fs::write(&witness, &o.stdout).unwrap();
    let o = jianfu(
        d.path(),
        &["audit", "verify", "--anchor", witness.to_str().unwrap()],
        None,
    );
    assert!(o.status.success(), "{}", text(&o));
    assert!(text(&o).contains("未被回滚"), "{}", text(&o));

    // The old copy: the whole database, its checkpoint row included.
    let old = d.path().join("old.db");
    assert!(
        jianfu(d.path(), &["backup", old.to_str().unwrap()], None)
            .status
            .success()
    );
    assert!(
        jianfu(d.path(), &["user", "lock", "worker"], None)
            .status
            .success()
    );
    let o = jianfu(d.path(), &["audit", "anchor"], None);
    std::fs::write(&witness, &o.stdout).unwrap();
    let db = d.path().join("jianfu.db");
    for suffix in ["-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", db.display()));
    }
    std::fs::copy(&old, &db).unwrap();

    // The rolled-back database is consistent in itself…
    let o = jianfu(d.path(), &["audit", "verify"], None);
    assert!(o.status.success(), "{}", text(&o));
    // …but not with the anchor file, nor with the witness's line.
    for file in [anchor_arg, witness.to_str().unwrap()] {
        let o = jianfu(d.path(), &["audit", "verify", "--anchor", file], None);
        assert!(!o.status.success(), "{}", text(&o));
        assert!(text(&o).contains("被回滚"), "{}", text(&o));
    }
    // Written again after the rollback: the chain's entries differ from the anchors there.
    assert!(
        jianfu(d.path(), &["user", "unlock", "worker"], None)
            .status
            .success()
    );
    let o = jianfu(
        d.path(),
        &["audit", "verify", "--anchor", witness.to_str().unwrap()],
        None,
    );
    assert!(!o.status.success(), "{}", text(&o));
    assert!(text(&o).contains("被回滚"), "{}", text(&o));
    let o = jianfu(d.path(), &["audit", "verify", "--anchor", anchor_arg], None);
    assert!(!o.status.success(), "{}", text(&o));
    assert!(text(&o).contains("被回滚后又写入"), "{}", text(&o));

    // An edited anchor file is refused, not trusted.
    let forged = d.path().join("forged.txt");
    let line = String::from_utf8(jianfu(d.path(), &["audit", "anchor"], None).stdout).unwrap();
    let hash_at = line.find("\"hash\":\"").unwrap() + 8;
    let mut bytes = line.into_bytes();
    bytes[hash_at] = if bytes[hash_at] == b'0' { b'1' } else { b'0' };
    std::fs::write(&forged, bytes).unwrap();
    let o = jianfu(
        d.path(),
        &["audit", "verify", "--anchor", forged.to_str().unwrap()],
        None,
    );
    assert!(!o.status.success());
    assert!(text(&o).contains("锚点签名不符"), "{}", text(&o));
}

async fn count(dir: &Path, q: &str) -> i64 {
    let url = format!("sqlite://{}", dir.join("jianfu.db").display());
    let db = Database::connect(&url).await.unwrap();
    let row = db
        .query_one_raw(Statement::from_string(DbBackend::Sqlite, q.to_owned()))
        .await
        .unwrap()
        .unwrap();
    let n = row.try_get_by_index::<i64>(0).unwrap();
    db.close().await.unwrap();
    n
}

/// The way out when too few administrators can log in for dual control: the operator removes
/// an account's second factor from the shell; recorded as a shell reset and audited.
#[tokio::test]
async fn the_shell_resets_a_second_factor() {
    let d = tempfile::tempdir().unwrap();
    assert!(jianfu(d.path(), &["init", "--demo"], None).status.success());
    let id = "(SELECT id FROM account WHERE username = 'sysadmin')";
    sql(
        d.path(),
        &format!(
            "INSERT INTO second_factor (account_id, secret, confirmed_at, last_step, created_at, updated_at) \
             VALUES ({id}, 'tk1:x', 1, 1, 1, 1)"
        ),
    )
    .await;
    sql(
        d.path(),
        &format!(
            "INSERT INTO recovery_code (account_id, code_hash, used_at, created_at) VALUES ({id}, 'h', NULL, 1)"
        ),
    )
    .await;
    let o = jianfu(d.path(), &["user", "reset-second-factor", "sysadmin"], None);
    assert!(o.status.success(), "{}", text(&o));
    assert!(text(&o).contains("重新绑定"));
    for table in ["second_factor", "recovery_code"] {
        let q = format!("SELECT COUNT(*) FROM {table} WHERE account_id = {id}");
        assert_eq!(count(d.path(), &q).await, 0, "{table}");
    }
    let q = format!(
        "SELECT COUNT(*) FROM credential_reset WHERE account_id = {id} \
         AND kind = 'second_factor' AND state = 'shell'"
    );
    assert_eq!(count(d.path(), &q).await, 1);
    let q = "SELECT COUNT(*) FROM audit_entry WHERE action = 'second_factor.reset'";
    assert_eq!(count(d.path(), q).await, 1);
    assert!(
        !jianfu(d.path(), &["user", "reset-second-factor", "nobody"], None)
            .status
            .success()
    );
}

/// Issue 15 item 3: `jianfu keys rotate-data` brings every encrypted column under the new key —
/// applications' ID numbers, issued certificates' documents and PDFs, attachments (one written
/// in clear, as an installation from before their encryption holds it, is encrypted at the
/// start of the command first) — and drops the old key from the file; all still decrypt.
#[tokio::test]
async fn rotate_data_covers_certificates_and_attachments() {
    use jianfu_store::personal::{
        ATTACHMENT_CONTENT, CERTIFICATE_PDF, DataKeys, binary_header, certificate_row,
    };
    let d = tempfile::tempdir().unwrap();
    assert!(jianfu(d.path(), &["init", "--demo"], None).status.success());
    let issued = count(d.path(), "SELECT COUNT(*) FROM certificate").await;
    assert!(issued > 0, "the demo has issued certificates");
    let k1 = hex::encode(binary_header(1));
    assert_eq!(
        count(
            d.path(),
            &format!(
                "SELECT COUNT(*) FROM certificate WHERE document LIKE 'jf1:1:%' \
                 AND hex(substr(pdf, 1, 8)) = upper('{k1}')"
            )
        )
        .await,
        issued,
        "issued under key 1"
    );
    let application = count(d.path(), "SELECT MIN(id) FROM certificate_application").await;
    let clear = b"%PDF-1.7 a scanned lease";
    sql(
        d.path(),
        &format!(
            "INSERT INTO attachment (application_id, file_name, content_type, size_bytes, sm3, \
             content, created_by, created_at) VALUES ({application}, 'lease.pdf', \
             'application/pdf', {}, '', X'{}', 1, 0)",
            clear.len(),
            hex::encode(clear)
        ),
    )
    .await;

    let o = jianfu(d.path(), &["keys", "rotate-data"], None);
    assert!(o.status.success(), "{}", text(&o));
    assert!(text(&o).contains("新密钥编号 2"), "{}", text(&o));

    let keys = DataKeys::load(&d.path().join("data.key")).unwrap();
    assert_eq!(keys.ids(), vec![2], "the old key is gone from the file");
    let k2 = hex::encode(binary_header(2));
    for (q, n) in [
        (
            format!(
                "SELECT COUNT(*) FROM certificate WHERE document LIKE 'jf1:2:%' \
                 AND hex(substr(pdf, 1, 8)) = upper('{k2}')"
            ),
            issued,
        ),
        (
            format!("SELECT COUNT(*) FROM attachment WHERE hex(substr(content, 1, 8)) <> upper('{k2}')"),
            0,
        ),
        (
            "SELECT COUNT(*) FROM certificate_application WHERE applicant_id_number NOT LIKE 'jf1:2:%'"
                .to_owned(),
            0,
        ),
        (
            format!(
                "SELECT COUNT(*) FROM certificate WHERE ofd IS NOT NULL \
                 AND hex(substr(ofd, 1, 8)) <> upper('{k2}')"
            ),
            0,
        ),
    ] {
        assert_eq!(count(d.path(), &q).await, n, "{q}");
    }
    // Everything decrypts under the new key alone.
    let url = format!("sqlite://{}", d.path().join("jianfu.db").display());
    let db = Database::connect(&url).await.unwrap();
    let rows = db
        .query_all_raw(Statement::from_string(
            DbBackend::Sqlite,
            "SELECT application_id, serial, pdf, ofd FROM certificate".to_owned(),
        ))
        .await
        .unwrap();
    for r in rows {
        let (app, serial, pdf): (i64, String, Vec<u8>) = (
            r.try_get_by_index(0).unwrap(),
            r.try_get_by_index(1).unwrap(),
            r.try_get_by_index(2).unwrap(),
        );
        if let Some(ofd) = r.try_get_by_index::<Option<Vec<u8>>>(3).unwrap() {
            let plain = keys
                .decrypt_bytes(
                    jianfu_store::personal::CERTIFICATE_OFD,
                    certificate_row(app, &serial),
                    &ofd,
                )
                .unwrap();
            assert!(plain.starts_with(b"PK"));
        }
        let plain = keys
            .decrypt_bytes(CERTIFICATE_PDF, certificate_row(app, &serial), &pdf)
            .unwrap();
        assert!(plain.starts_with(b"%PDF"));
    }
    let r = db
        .query_one_raw(Statement::from_string(
            DbBackend::Sqlite,
            "SELECT id, content FROM attachment WHERE file_name = 'lease.pdf'".to_owned(),
        ))
        .await
        .unwrap()
        .unwrap();
    let (id, content): (i64, Vec<u8>) = (
        r.try_get_by_index(0).unwrap(),
        r.try_get_by_index(1).unwrap(),
    );
    assert_eq!(
        keys.decrypt_bytes(ATTACHMENT_CONTENT, id, &content)
            .unwrap(),
        clear
    );
    db.close().await.unwrap();
    // Each batch was audited, and the chain is whole.
    assert!(
        count(
            d.path(),
            "SELECT COUNT(*) FROM audit_entry WHERE action = 'personal_data.encrypt' \
             AND target_type IN ('certificate', 'attachment')"
        )
        .await
            >= 3
    );
    let o = jianfu(d.path(), &["audit", "verify"], None);
    assert!(o.status.success(), "{}", text(&o));
}

/// Issue 18: `jianfu verify` takes an OFD file (GM/T 0099 signature) and a PDF with a
/// signature field (CMS) against the root certificate given with `--root` (PEM or DER),
/// printing each check; the PDF's own file signature is still checked with the authority key.
#[test]
fn verify_checks_an_ofd_file_and_a_pdf_signature_field_against_the_root_certificate() {
    use jianfu_seal::ofd::{OfdStamp, render_ofd};
    use jianfu_seal::pki::{CertRole, CertificateSpec, Serial, Subject, issue, issue_root};
    use jianfu_seal::ses::{EsSeal, SealPicture, SealSpec, SealType};
    use std::time::{Duration, UNIX_EPOCH};

    let jan_2026 = UNIX_EPOCH + Duration::from_secs(1_767_225_600);
    let day = Duration::from_secs(86_400);
    let spec = |cn: &str, serial: u64, days: u32| CertificateSpec {
        subject: Subject::new(cn, "鞍山市电子印章管理机构"),
        serial: Serial::from_u64(serial).unwrap(),
        not_before: jan_2026,
        not_after: jan_2026 + day * days,
    };
    let root_key = jianfu_seal::SealKey::generate();
    let root = issue_root(&spec("鞍山市电子印章管理机构", 1, 7305), &root_key).unwrap();
    let maker_key = jianfu_seal::SealKey::generate();
    let maker = issue(
        &spec("鞍山市电子印章制作中心", 2, 1826),
        CertRole::SealMaker,
        &maker_key.public_key(),
        &root,
        &root_key,
    )
    .unwrap();
    let signer_key = jianfu_seal::SealKey::generate();
    let signer = issue(
        &spec("王丽", 3, 730),
        CertRole::Signer,
        &signer_key.public_key(),
        &root,
        &root_key,
    )
    .unwrap();
    let png = hex::decode("89504e470d0a1a0a0000000d494844520000000200000002080600000072b60d24000000114944415478da63b8cec0ff1f8419600c0043380795684736810000000049454e44ae426082").unwrap();
    let seal = EsSeal::make(
        &SealSpec {
            es_id: "210302001001-01".to_string(),
            seal_type: SealType::Organization,
            name: "鞍山市铁东区示例和平社区居民委员会证明专用章".to_string(),
            signers: vec![signer.clone()],
            created: jan_2026,
            valid_start: jan_2026,
            valid_end: jan_2026 + day * 365,
            picture: SealPicture::png(png, 42, 42).unwrap(),
        },
        &maker,
        &maker_key,
    )
    .unwrap();
    let content = jianfu_seal::CertificateContent {
        version: 1,
        serial: "ZM-2026-000123".to_string(),
        check_code: "7KQ2M9XW4B".to_string(),
        type_code: "kinship".to_string(),
        type_name: "亲属关系证明".to_string(),
        community_name: "鞍山市铁东区示例和平社区居民委员会".to_string(),
        community_code: "210302001001".to_string(),
        applicant_name: "张小明".to_string(),
        applicant_id_number: "210302199001011234".to_string(),
        purpose: "办理户口迁移".to_string(),
        body: "兹证明张小明与张大山系父子关系。".to_string(),
        issued_on: "2026-11-28".to_string(),
        verify_url: "https://jianfu.example.gov.cn/v/ZM-2026-000123?c=7KQ2M9XW4B".to_string(),
        seal_id: "210302001001-01".to_string(),
        signer: "wang.li".to_string(),
    };
    let signed_at = jan_2026 + day * 331;
    let ofd = render_ofd(
        &content,
        &OfdStamp {
            seal: &seal,
            signer: &signer,
            key: &signer_key,
            time: signed_at,
        },
    )
    .unwrap();
    let d = tempfile::tempdir().unwrap();
    let path = |name: &str| d.path().join(name).to_str().unwrap().to_string();
    std::fs::write(path("证明.ofd"), &ofd).unwrap();
    std::fs::write(path("root.pem"), root.to_pem()).unwrap();
    std::fs::write(path("root.der"), root.der()).unwrap();

    for root_file in ["root.pem", "root.der"] {
        let o = jianfu(
            d.path(),
            &["verify", &path("证明.ofd"), "--root", &path(root_file)],
            None,
        );
        let out = text(&o);
        assert!(o.status.success(), "{out}");
        assert!(out.contains("核验通过：OFD 文件的电子签章有效"), "{out}");
        assert_eq!(out.matches("  ✓ ").count(), 5, "{out}");
        assert!(out.contains("签章人 王丽"), "{out}");
        assert!(out.contains("文件标题  亲属关系证明"), "{out}");
    }
    // Without a root: how to pass one. Another root: a foreign authority. Tampered: its reason.
    let o = jianfu(d.path(), &["verify", &path("证明.ofd")], None);
    assert!(!o.status.success());
    assert!(text(&o).contains("--root"), "{}", text(&o));
    let other_key = jianfu_seal::SealKey::generate();
    let other = issue_root(&spec("鞍山市电子印章管理机构", 1, 7305), &other_key).unwrap();
    std::fs::write(path("other.pem"), other.to_pem()).unwrap();
    let o = jianfu(
        d.path(),
        &["verify", &path("证明.ofd"), "--root", &path("other.pem")],
        None,
    );
    assert!(!o.status.success());
    assert!(text(&o).contains("foreign_authority"), "{}", text(&o));
    std::fs::write(path("bad.pem"), "not a certificate").unwrap();
    let o = jianfu(
        d.path(),
        &["verify", &path("证明.ofd"), "--root", &path("bad.pem")],
        None,
    );
    assert!(!o.status.success());
    assert!(text(&o).contains("根证书"), "{}", text(&o));

    // A PDF from the renderer, then signed in a signature field: both signatures verify.
    let authority = jianfu_seal::SealKey::generate();
    let community = jianfu_seal::SealKey::generate();
    let record = jianfu_seal::sign_seal_record(
        jianfu_seal::SealRecord {
            version: 1,
            seal_id: "210302001001-01".to_string(),
            name: "鞍山市铁东区示例和平社区居民委员会".to_string(),
            owner_code: "210302001001".to_string(),
            kind: "证明专用章".to_string(),
            public_key: community.public_key(),
            allowed_signers: vec!["wang.li".to_string()],
            valid_from: "2026-01-01".to_string(),
            valid_to: "2026-12-31".to_string(),
            issuer: "鞍山市电子印章管理机构".to_string(),
            algorithm: "SM2-SM3".to_string(),
        },
        &authority,
    );
    let (_, pdf) = jianfu_seal::seal_and_render(content, &record, &community).unwrap();
    let signed = jianfu_seal::pdf_sign::sign_pdf(&pdf, &signer, &signer_key, signed_at).unwrap();
    std::fs::write(path("证明.pdf"), &signed).unwrap();
    let key = authority.public_key().to_hex();
    let o = jianfu(
        d.path(),
        &[
            "verify",
            &path("证明.pdf"),
            "--authority-key",
            &key,
            "--root",
            &path("root.pem"),
        ],
        None,
    );
    let out = text(&o);
    assert!(o.status.success(), "{out}");
    assert!(out.contains("PDF 签名域核验通过：王丽"), "{out}");
    assert!(out.contains("核验通过：签名有效，文件未被篡改"), "{out}");
    // Without --root the field is reported unchecked and the file signature still checked.
    let o = jianfu(
        d.path(),
        &["verify", &path("证明.pdf"), "--authority-key", &key],
        None,
    );
    let out = text(&o);
    assert!(o.status.success(), "{out}");
    assert!(out.contains("PDF 签名域：未核验"), "{out}");
    // A byte changed in the first revision fails the field's digest first.
    let mut tampered = signed.clone();
    tampered[300] ^= 0x01;
    std::fs::write(path("改.pdf"), &tampered).unwrap();
    let o = jianfu(
        d.path(),
        &[
            "verify",
            &path("改.pdf"),
            "--authority-key",
            &key,
            "--root",
            &path("root.pem"),
        ],
        None,
    );
    assert!(!o.status.success());
    assert!(text(&o).contains("data_hash_mismatch"), "{}", text(&o));
    // The old format alone is verified as before.
    std::fs::write(path("旧.pdf"), &pdf).unwrap();
    let o = jianfu(
        d.path(),
        &["verify", &path("旧.pdf"), "--authority-key", &key],
        None,
    );
    assert!(o.status.success(), "{}", text(&o));
}

/// Issue 18, slice 3: a certificate the demo issued (in GB/T 38540 form) is stored with a
/// signed OFD and a PDF carrying a `/Sig` field; with the root certificate from the database
/// (the file `/api/v1/seal-authority/root.pem|der` serves), `jianfu verify --root` accepts
/// both and refuses each with one byte changed; the PDF passes `qpdf --check` and `pdfsig`
/// lists its signature where those tools are installed.
#[tokio::test]
async fn a_product_issued_ofd_and_pdf_verify_offline_against_the_root() {
    use jianfu_store::personal::{CERTIFICATE_OFD, CERTIFICATE_PDF, DataKeys, certificate_row};
    let d = tempfile::tempdir().unwrap();
    assert!(jianfu(d.path(), &["init", "--demo"], None).status.success());
    let keys = DataKeys::load(&d.path().join("data.key")).unwrap();
    let url = format!("sqlite://{}", d.path().join("jianfu.db").display());
    let db = Database::connect(&url).await.unwrap();
    let r = db
        .query_one_raw(Statement::from_string(
            DbBackend::Sqlite,
            "SELECT application_id, serial, pdf, ofd, format FROM certificate \
             WHERE ofd IS NOT NULL ORDER BY id LIMIT 1"
                .to_owned(),
        ))
        .await
        .unwrap()
        .expect("the demo issues certificates in GB/T 38540 form");
    let (app, serial, pdf, ofd, format): (i64, String, Vec<u8>, Vec<u8>, String) = (
        r.try_get_by_index(0).unwrap(),
        r.try_get_by_index(1).unwrap(),
        r.try_get_by_index(2).unwrap(),
        r.try_get_by_index(3).unwrap(),
        r.try_get_by_index(4).unwrap(),
    );
    assert_eq!(format, "ses-v4");
    let row = certificate_row(app, &serial);
    let pdf = keys.decrypt_bytes(CERTIFICATE_PDF, &row, &pdf).unwrap();
    let ofd = keys.decrypt_bytes(CERTIFICATE_OFD, &row, &ofd).unwrap();
    let root = db
        .query_one_raw(Statement::from_string(
            DbBackend::Sqlite,
            "SELECT der FROM pki_certificate WHERE role = 'root'".to_owned(),
        ))
        .await
        .unwrap()
        .unwrap()
        .try_get_by_index::<Vec<u8>>(0)
        .unwrap();
    db.close().await.unwrap();
    let root = jianfu_seal::pki::X509Certificate::from_der(&root).unwrap();
    let path = |name: &str| d.path().join(name).to_str().unwrap().to_string();
    std::fs::write(path("root.pem"), root.to_pem()).unwrap();
    std::fs::write(path("证明.ofd"), &ofd).unwrap();
    std::fs::write(path("证明.pdf"), &pdf).unwrap();
    for file in ["证明.ofd", "证明.pdf"] {
        let o = jianfu(
            d.path(),
            &["verify", &path(file), "--root", &path("root.pem")],
            None,
        );
        assert!(o.status.success(), "{file}: {}", text(&o));
    }
    // One byte changed in the middle of each: refused.
    for (file, bytes) in [("改.ofd", &ofd), ("改.pdf", &pdf)] {
        let mut changed = bytes.clone();
        let at = changed.len() / 2;
        changed[at] ^= 0x01;
        std::fs::write(path(file), &changed).unwrap();
        let o = jianfu(
            d.path(),
            &["verify", &path(file), "--root", &path("root.pem")],
            None,
        );
        assert!(!o.status.success(), "{file}: {}", text(&o));
    }
    // Tools we did not write, where installed.
    let tool = |name: &str, args: &[&str]| -> Option<Output> {
        match Command::new(name).args(args).output() {
            Ok(o) => Some(o),
            Err(_) if std::env::var_os("CI").is_some() => panic!("{name} is missing"),
            Err(_) => {
                eprintln!("{name} is missing: its check is skipped");
                None
            }
        }
    };
    if let Some(o) = tool("qpdf", &["--check", &path("证明.pdf")]) {
        assert!(o.status.success(), "{}", text(&o));
    }
    if let Some(o) = tool("pdfsig", &[&path("证明.pdf")]) {
        let out = text(&o);
        assert!(out.contains("Total document signed"), "{out}");
    }
}

/// A data directory with the demo data and a backup of it (`backup.db` inside).
fn demo_with_backup() -> (tempfile::TempDir, std::path::PathBuf) {
    let d = tempfile::tempdir().unwrap();
    assert!(jianfu(d.path(), &["init", "--demo"], None).status.success());
    let backup = d.path().join("backup.db");
    let o = jianfu(d.path(), &["backup", backup.to_str().unwrap()], None);
    assert!(o.status.success(), "{}", text(&o));
    (d, backup)
}

/// Issue 17 §7: `jianfu restore FILE` puts a backup back, after checking its audit chain, and
/// never under a running server.
#[tokio::test]
async fn restore_puts_a_checked_backup_back_and_keeps_the_replaced_database() {
    let (d, backup) = demo_with_backup();
    let b = backup.to_str().unwrap();
    // A change after the backup.
    let o = jianfu(
        d.path(),
        &[
            "user",
            "add",
            "newcomer",
            "--name",
            "后来者",
            "--node",
            "210300000000",
            "--role",
            "audit_admin",
            "--password-stdin",
        ],
        Some("Later#Pass2026\n"),
    );
    assert!(o.status.success(), "{}", text(&o));
    assert_eq!(
        count(
            d.path(),
            "SELECT COUNT(*) FROM account WHERE username = 'newcomer'"
        )
        .await,
        1
    );

    let o = jianfu(d.path(), &["restore", b], None);
    assert!(o.status.success(), "{}", text(&o));
    assert!(text(&o).contains("已从"), "{}", text(&o));
    assert!(text(&o).contains("哈希链与签名检查点完整"), "{}", text(&o));
    // The backup's state, and the replaced database kept beside it.
    assert_eq!(
        count(
            d.path(),
            "SELECT COUNT(*) FROM account WHERE username = 'newcomer'"
        )
        .await,
        0
    );
    let kept: Vec<String> = std::fs::read_dir(d.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| {
            n.starts_with("jianfu.db.before-restore-")
                && !n.ends_with("-wal")
                && !n.ends_with("-shm")
        })
        .collect();
    assert_eq!(kept.len(), 1, "{kept:?}");
    // No staging or checking copies are left behind.
    assert!(
        !std::fs::read_dir(d.path()).unwrap().any(|e| e
            .unwrap()
            .file_name()
            .to_string_lossy()
            .contains(".restore-")),
        "a staging copy was left"
    );
    let o = jianfu(d.path(), &["audit", "verify"], None);
    assert!(o.status.success(), "{}", text(&o));
    // Restored with the owner's permissions only, like the database it replaces.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(d.path().join("jianfu.db"))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o077, 0, "{mode:o}");
    }
}

#[tokio::test]
async fn restore_refuses_a_tampered_backup_a_non_database_and_postgres_and_changes_nothing() {
    let (d, backup) = demo_with_backup();
    let b = backup.to_str().unwrap();
    let before = std::fs::read(d.path().join("jianfu.db")).unwrap();
    let files_before = std::fs::read_dir(d.path()).unwrap().count();

    // An entry of the backup's audit log edited.
    let url = format!("sqlite://{}", backup.display());
    let db = Database::connect(&url).await.unwrap();
    db.execute_raw(Statement::from_string(
        DbBackend::Sqlite,
        "UPDATE audit_entry SET summary = '{}' WHERE seq = 3".to_owned(),
    ))
    .await
    .unwrap();
    db.close().await.unwrap();
    let o = jianfu(d.path(), &["restore", b], None);
    assert!(!o.status.success());
    assert!(text(&o).contains("审计日志被篡改或损坏"), "{}", text(&o));
    assert!(text(&o).contains("未作任何更改"), "{}", text(&o));
    assert!(text(&o).contains("nothing was changed"), "{}", text(&o));

    // Not a database at all.
    let junk = d.path().join("junk.db");
    std::fs::write(&junk, b"not a database, just text").unwrap();
    let o = jianfu(d.path(), &["restore", junk.to_str().unwrap()], None);
    assert!(!o.status.success());
    assert!(text(&o).contains("不是 SQLite 数据库文件"), "{}", text(&o));
    let o = jianfu(d.path(), &["restore", "/no/such/file.db"], None);
    assert!(!o.status.success());
    assert!(text(&o).contains("无法读取备份文件"), "{}", text(&o));

    // PostgreSQL is restored with pg_restore (nothing is connected to).
    let o = jianfu(
        d.path(),
        &[
            "--database",
            "postgres://nobody@127.0.0.1:1/x",
            "restore",
            b,
        ],
        None,
    );
    assert!(!o.status.success());
    assert!(text(&o).contains("pg_restore"), "{}", text(&o));

    assert_eq!(std::fs::read(d.path().join("jianfu.db")).unwrap(), before);
    // junk.db is the only new file (and the lock file).
    let after: Vec<String> = std::fs::read_dir(d.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert!(
        after.len() <= files_before + 2 && !after.iter().any(|n| n.contains("restore")),
        "{after:?}"
    );
}

#[test]
fn restore_refuses_while_a_server_runs_on_the_database() {
    use std::io::{BufRead, BufReader};
    let (d, backup) = demo_with_backup();
    let b = backup.to_str().unwrap();

    let mut server = Command::new(env!("CARGO_BIN_EXE_jianfu"))
        .arg("--data-dir")
        .arg(d.path())
        .args(["serve", "--listen", "127.0.0.1:0"])
        .env_remove("JIANFU_DATABASE_URL")
        .env_remove("JIANFU_AUDIT_KEY")
        .env("JIANFU_LOG", "warn")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let stderr = server.stderr.take().unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            if line.contains("正在运行") {
                let _ = tx.send(());
            }
        }
    });
    let up = rx.recv_timeout(Duration::from_secs(60)).is_ok();
    let o = jianfu(d.path(), &["restore", b], None);
    let _ = server.kill();
    let _ = server.wait();
    assert!(up, "the server did not start");
    assert!(!o.status.success());
    assert!(
        text(&o).contains("正被运行中的 jianfu 服务器使用"),
        "{}",
        text(&o)
    );
    assert!(text(&o).contains("stop it first"), "{}", text(&o));

    // Stopped: the same restore goes through.
    let o = jianfu(d.path(), &["restore", b], None);
    assert!(o.status.success(), "{}", text(&o));
}

#[test]
fn bad_proxy_and_metrics_settings_stop_the_server_with_a_clear_message() {
    for (toml, expected) in [
        (
            "trusted_proxies = [\"proxy.local\"]\n",
            "配置项 trusted_proxies：“proxy.local”不是 IP 地址或网段",
        ),
        (
            "metrics_allow = [\"10.0.0.0/40\"]\n",
            "配置项 metrics_allow：“10.0.0.0/40”的前缀长度应为 0–32",
        ),
        ("metrics_token = \"short\"\n", "指标令牌"),
        (
            "trust_forwarded_for = true\ntrusted_proxies = [\"10.0.0.2\"]\n",
            "不能同时使用",
        ),
        ("database_max_connections = 0\n", "至少为 1"),
    ] {
        let d = tempfile::tempdir().unwrap();
        std::fs::write(d.path().join("jianfu.toml"), toml).unwrap();
        let o = jianfu(d.path(), &["serve", "--listen", "127.0.0.1:0"], None);
        assert!(!o.status.success(), "{toml}");
        assert!(text(&o).contains(expected), "{toml}: {}", text(&o));
    }
}
