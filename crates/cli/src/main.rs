//! The `jianfu` command: runs the server and does the operator's chores (migrate, initialize,
//! manage accounts from the shell, verify the audit chain, back up).

use std::io::{IsTerminal, Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use jianfu_domain::auth::PasswordHasher;
use jianfu_domain::{App, Clock, Role};
use jianfu_server::{AppState, ServerConfig};
use jianfu_store::{AuditKey, Store};
use serde::Deserialize;

#[derive(Parser)]
#[command(
    name = "jianfu",
    version,
    about = "减负：基层减负管理平台（鞍民发〔2021〕18号）",
    long_about = "减负 keeps the list of everything departments place on communities and villages, \
                  who admitted it, and what it costs them; residents get verifiable certificates.\n\n\
                  Settings come from flags, then JIANFU_* environment variables, then the config \
                  file (jianfu.toml in the data directory, or --config), then defaults."
)]
struct Cli {
    /// Where the SQLite database, the audit key and uploads live.
    #[arg(long, global = true, env = "JIANFU_DATA_DIR")]
    data_dir: Option<PathBuf>,
    /// Database URL: sqlite://FILE or postgres://USER@HOST:PORT/DB (default: SQLite in the data
    /// directory).
    #[arg(long, global = true, env = "JIANFU_DATABASE_URL")]
    database: Option<String>,
    /// Configuration file (TOML). Default: jianfu.toml in the data directory, if present.
    #[arg(long, global = true, env = "JIANFU_CONFIG")]
    config: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run the web server (migrates the database first).
    Serve {
        /// Address to listen on.
        #[arg(long, env = "JIANFU_LISTEN")]
        listen: Option<String>,
        /// Load the demo data (Anshan's districts, sample streets and communities, one account
        /// per role with the password printed in the README) if the database is empty.
        #[arg(long)]
        demo: bool,
        /// The address the public reaches this server at; certificates' QR codes point here
        /// (default: http:// and the listen address).
        #[arg(long, env = "JIANFU_PUBLIC_URL")]
        public_url: Option<String>,
        /// Run the clock this many days ahead of the system time: for training and for tests
        /// of deadlines (overdue plaques, certificate time limits). Never in production.
        #[arg(
            long,
            env = "JIANFU_CLOCK_OFFSET_DAYS",
            hide = true,
            allow_hyphen_values = true
        )]
        clock_offset_days: Option<i64>,
        /// How often, in seconds, the escalation of overdue rectifications runs (default 3600).
        #[arg(long, env = "JIANFU_ESCALATION_INTERVAL_SECS")]
        escalation_interval_secs: Option<u64>,
    },
    /// Escalate overdue rectifications once now (what the server does hourly), recorded as a
    /// job run; prints how many were escalated.
    Escalate,
    /// Verify a certificate offline, from its PDF, OFD or JSON: the SM2 signatures of the
    /// document, of the seal record and of the whole file, against the city's seal-authority
    /// public key; an OFD file (GM/T 0099 signature) and a PDF's signature field (CMS)
    /// against the seal authority's root certificate. Exit status 0 only when authentic.
    Verify {
        /// The certificate's PDF, OFD or JSON file.
        file: PathBuf,
        /// The seal authority's public key: hex, or a file holding the hex or the JSON of
        /// /api/v1/seal-authority. Default: the key in the local database.
        #[arg(long)]
        authority_key: Option<String>,
        /// The seal authority's root certificate (PEM or DER file), for OFD files and PDF
        /// signature fields.
        #[arg(long)]
        root: Option<PathBuf>,
    },
    /// Apply pending database migrations and exit.
    Migrate,
    /// Create the city root (or, with --demo, the whole demo data set) in an empty database.
    Init {
        #[arg(long)]
        demo: bool,
        /// Name of the city (root of the tree).
        #[arg(long, default_value = "鞍山市")]
        city_name: String,
        /// 12-digit statistical division code of the city.
        #[arg(long, default_value = "210300000000")]
        city_code: String,
    },
    /// Manage accounts from the shell (e.g. the first administrators).
    #[command(subcommand)]
    User(UserCommand),
    /// Audit log tools.
    #[command(subcommand)]
    Audit(AuditCommand),
    /// Keys of personal data at rest.
    #[command(subcommand)]
    Keys(KeysCommand),
    /// Copy the SQLite database to FILE while the server runs (prints the pg_dump command for
    /// PostgreSQL).
    Backup { file: PathBuf },
    /// Put a SQLite backup (made by `jianfu backup`) in place of the database. Refuses while a
    /// server runs on the database, and checks the backup's audit chain and signed checkpoint
    /// before anything is replaced; the replaced database is kept beside it
    /// (`…before-restore-TIME`). PostgreSQL: pg_restore, see the README.
    Restore { file: PathBuf },
    /// Print the OpenAPI document of the JSON API.
    Openapi,
    /// Print the form hours pre-filling saves (4.8-3): over every admitted report form, the
    /// hours a year asked by the forms as filed and the hours left to fill.
    FormBurden,
}

#[derive(Subcommand)]
enum UserCommand {
    /// Create an account with roles at a node. The password is asked for (or read from stdin).
    Add {
        username: String,
        /// The person's name.
        #[arg(long)]
        name: String,
        /// Division code (or node id) of the unit the roles apply to.
        #[arg(long)]
        node: String,
        /// Role, repeatable: system_admin, security_admin, audit_admin, city_approver, ...
        #[arg(long = "role", required = true)]
        roles: Vec<String>,
        /// Read the password from standard input instead of prompting.
        #[arg(long)]
        password_stdin: bool,
        /// Let the password stand (otherwise the owner must change it at first login).
        #[arg(long)]
        permanent: bool,
    },
    /// Set a new (temporary) password for an account.
    Passwd {
        username: String,
        #[arg(long)]
        password_stdin: bool,
    },
    /// Remove an account's second factor (TOTP) and recovery codes and end its sessions; the
    /// owner enrols again at next login. For when too few administrators can log in for the
    /// dual-control reset at /admin/resets.
    ResetSecondFactor { username: String },
    /// Lock (disable) an account and end its sessions.
    Lock { username: String },
    /// Unlock an account (also clears a failed-login lockout).
    Unlock { username: String },
}

#[derive(Subcommand)]
enum AuditCommand {
    /// Check the whole SM3 hash chain and the signed checkpoint; name the first broken entry.
    Verify {
        /// Also check the chain against the checkpoints published outside the database (the
        /// anchor file, `audit.anchor` in the data directory, or lines a witness kept from
        /// `jianfu audit anchor`): detects a rollback of the whole database.
        #[arg(long)]
        anchor: Option<PathBuf>,
    },
    /// Print the current checkpoint as an anchor line (JSON), after checking the chain, for an
    /// external witness to keep; give it back to `audit verify --anchor`.
    Anchor,
}

#[derive(Subcommand)]
enum KeysCommand {
    /// Add a new data key, re-encrypt every stored ID number under it, then drop the old keys
    /// from the key file (they stay readable until every row is under the new key). Servers
    /// pick up the new key file by themselves.
    RotateData,
}

/// The optional configuration file.
#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct FileConfig {
    database: Option<String>,
    listen: Option<String>,
    secure_cookies: Option<bool>,
    trust_forwarded_for: Option<bool>,
    trusted_proxies: Option<Vec<String>>,
    metrics_allow: Option<Vec<String>>,
    metrics_token: Option<String>,
    database_max_connections: Option<u32>,
    database_acquire_timeout_secs: Option<u64>,
    audit_key_file: Option<PathBuf>,
    audit_anchor_file: Option<PathBuf>,
    data_key_file: Option<PathBuf>,
    public_url: Option<String>,
    escalation_interval_secs: Option<u64>,
}

struct Settings {
    data_dir: PathBuf,
    database: String,
    /// No database was configured: the SQLite file in the data directory.
    default_database: bool,
    file: FileConfig,
}

/// `trusted_proxies` as networks. The older `trust_forwarded_for = true` means the proxy on
/// this machine (the loopback addresses); it cannot be combined with `trusted_proxies`.
fn trusted_proxies(f: &FileConfig) -> Result<Vec<jianfu_server::net::IpNet>, String> {
    match (&f.trusted_proxies, f.trust_forwarded_for) {
        (Some(_), Some(true)) => Err(
            "配置文件中 trust_forwarded_for 与 trusted_proxies 不能同时使用：请只写 trusted_proxies（代理服务器的地址）"
                .into(),
        ),
        (Some(list), _) => networks("trusted_proxies", list),
        (None, Some(true)) => Ok(jianfu_server::net::IpNet::loopback()),
        (None, _) => Ok(Vec::new()),
    }
}

fn networks(key: &str, list: &[String]) -> Result<Vec<jianfu_server::net::IpNet>, String> {
    list.iter()
        .map(|t| jianfu_server::net::IpNet::parse(t).map_err(|e| format!("配置项 {key}：{e}")))
        .collect()
}

/// The token of `/metrics`: `JIANFU_METRICS_TOKEN` or the file's `metrics_token`; at least 16
/// characters, so that it cannot be guessed.
fn metrics_token(f: &FileConfig) -> Result<Option<String>, String> {
    let token = std::env::var("JIANFU_METRICS_TOKEN")
        .ok()
        .filter(|t| !t.is_empty())
        .or_else(|| f.metrics_token.clone());
    match token {
        Some(t)
            if t.trim().len() < 16 || t.chars().any(|c| c.is_whitespace() || c.is_control()) =>
        {
            Err("指标令牌（metrics_token / JIANFU_METRICS_TOKEN）至少 16 个字符且不含空白".into())
        }
        t => Ok(t),
    }
}

/// The connection pool's size and wait from the file (`JIANFU_DATABASE_MAX_CONNECTIONS`
/// overrides the size).
fn pool_settings(f: &FileConfig) -> Result<jianfu_store::PoolSettings, String> {
    let max = match std::env::var("JIANFU_DATABASE_MAX_CONNECTIONS") {
        Ok(v) if !v.is_empty() => Some(
            v.trim()
                .parse::<u32>()
                .map_err(|_| "JIANFU_DATABASE_MAX_CONNECTIONS 应为正整数".to_owned())?,
        ),
        _ => f.database_max_connections,
    };
    if max == Some(0) {
        return Err("数据库连接数（database_max_connections）至少为 1".into());
    }
    if f.database_acquire_timeout_secs == Some(0) {
        return Err("等待数据库连接的秒数（database_acquire_timeout_secs）至少为 1".into());
    }
    Ok(jianfu_store::PoolSettings {
        max_connections: max,
        acquire_timeout: f
            .database_acquire_timeout_secs
            .map(std::time::Duration::from_secs),
    })
}

fn fail(msg: impl std::fmt::Display) -> ExitCode {
    // One line, no secrets: callers redact URLs before they get here.
    let text = msg.to_string().replace('\n', " ");
    eprintln!("错误：{text}");
    ExitCode::FAILURE
}

fn settings(cli: &Cli) -> Result<Settings, String> {
    let data_dir = cli
        .data_dir
        .clone()
        .unwrap_or_else(|| PathBuf::from("jianfu-data"));
    let config_path = cli.config.clone().or_else(|| {
        let p = data_dir.join("jianfu.toml");
        p.exists().then_some(p)
    });
    let file = match config_path {
        Some(p) => {
            let text = std::fs::read_to_string(&p)
                .map_err(|e| format!("无法读取配置文件 {}：{e}", p.display()))?;
            toml::from_str(&text).map_err(|e| format!("配置文件 {} 有误：{e}", p.display()))?
        }
        None => FileConfig::default(),
    };
    let configured = cli.database.clone().or_else(|| file.database.clone());
    let default_database = configured.is_none();
    let database =
        configured.unwrap_or_else(|| format!("sqlite://{}", data_dir.join("jianfu.db").display()));
    Ok(Settings {
        data_dir,
        database,
        default_database,
        file,
    })
}

/// Creates the data directory of the default SQLite file, for the commands that open it.
/// Reading the settings creates nothing (`jianfu verify` must not leave a directory behind).
fn ensure_data_dir(s: &Settings) -> Result<(), String> {
    if s.default_database {
        std::fs::create_dir_all(&s.data_dir)
            .map_err(|e| format!("无法创建数据目录 {}：{e}", s.data_dir.display()))?;
    }
    Ok(())
}

/// The checkpoint key: `JIANFU_AUDIT_KEY` (hex), the configured file, or `audit.key` in the
/// data directory (created on first use, readable by the owner only).
fn audit_key(s: &Settings) -> Result<AuditKey, String> {
    if let Ok(hexkey) = std::env::var("JIANFU_AUDIT_KEY") {
        let bytes = hex::decode(hexkey.trim())
            .map_err(|_| "JIANFU_AUDIT_KEY 应为十六进制字符串".to_owned())?;
        return AuditKey::new(bytes).map_err(|e| e.to_string());
    }
    let path = s
        .file
        .audit_key_file
        .clone()
        .unwrap_or_else(|| s.data_dir.join("audit.key"));
    if !path.exists() {
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir)
                .map_err(|e| format!("无法创建目录 {}：{e}", dir.display()))?;
        }
        let key: [u8; 32] = rand::random();
        write_private(&path, hex::encode(key).as_bytes())
            .map_err(|e| format!("无法写入审计密钥 {}：{e}", path.display()))?;
    }
    jianfu_store::private_files::restrict(&path)
        .map_err(|e| format!("无法把审计密钥 {} 设为仅属主可读写：{e}", path.display()))?;
    let text = std::fs::read_to_string(&path)
        .map_err(|e| format!("无法读取审计密钥 {}：{e}", path.display()))?;
    let bytes = hex::decode(text.trim())
        .map_err(|_| format!("审计密钥文件 {} 内容无效", path.display()))?;
    AuditKey::new(bytes).map_err(|e| e.to_string())
}

fn write_private(path: &Path, data: &[u8]) -> std::io::Result<()> {
    jianfu_store::private_files::open_options()
        .create_new(true)
        .open(path)?
        .write_all(data)
}

fn read_password(from_stdin: bool) -> Result<String, String> {
    if from_stdin || !std::io::stdin().is_terminal() {
        let mut s = String::new();
        std::io::stdin()
            .read_to_string(&mut s)
            .map_err(|e| e.to_string())?;
        return Ok(s.trim_end_matches(['\r', '\n']).to_owned());
    }
    let a = rpassword::prompt_password("密码：").map_err(|e| e.to_string())?;
    let b = rpassword::prompt_password("再次输入：").map_err(|e| e.to_string())?;
    if a != b {
        return Err("两次输入的密码不一致".into());
    }
    Ok(a)
}

async fn open_app(s: &Settings, migrate: bool) -> Result<App, String> {
    ensure_data_dir(s)?;
    let key = audit_key(s)?;
    let pool = pool_settings(&s.file)?;
    let store = if migrate {
        Store::open_with(&s.database, key, pool).await
    } else {
        Store::connect_with(&s.database, key, pool).await
    }
    .map_err(|e| e.to_string())?;
    // Every checkpoint this process commits is published outside the database too.
    let anchor = s
        .file
        .audit_anchor_file
        .clone()
        .unwrap_or_else(|| s.data_dir.join("audit.anchor"));
    if let Some(dir) = anchor.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(|e| format!("无法创建目录 {}：{e}", dir.display()))?;
    }
    store.publish_anchors(&anchor).map_err(|e| e.to_string())?;
    let data_keys = data_key_file(s);
    let keys =
        jianfu_store::personal::DataKeys::load_or_create(&data_keys).map_err(|e| e.to_string())?;
    store.use_data_keys(keys, Some(data_keys));
    let app = App::new(store, Clock::system(), PasswordHasher::default());
    if migrate {
        // Rows of an installation from before encryption (or left under an old key by an
        // interrupted rotation) are brought under the current key before anything else runs.
        let n = app.seal_personal_data().await.map_err(|e| e.to_string())?;
        if n > 0 {
            eprintln!("  · 已加密 {n} 条记录中的个人信息（身份证号、证明文档与 PDF、附件）");
        }
    }
    Ok(app)
}

/// Re-encrypts under the current key, until no row of personal data at rest is left under
/// another (rows written meanwhile under an older key by a server included). Returns the rows
/// changed.
async fn finish_rotation(app: &App) -> Result<u64, String> {
    let mut n = 0;
    while app
        .personal_data_not_under_current_key()
        .await
        .map_err(|e| e.to_string())?
        > 0
    {
        n += app.seal_personal_data().await.map_err(|e| e.to_string())?;
    }
    Ok(n)
}

/// The data-key file: the configured one, or `data.key` in the data directory.
fn data_key_file(s: &Settings) -> PathBuf {
    s.file
        .data_key_file
        .clone()
        .unwrap_or_else(|| s.data_dir.join("data.key"))
}

fn progress(step: &str) {
    eprintln!("  · {step}");
}

async fn run(cli: Cli) -> Result<(), String> {
    let s = settings(&cli)?;
    match cli.command {
        Command::Serve {
            listen,
            demo,
            public_url,
            clock_offset_days,
            escalation_interval_secs,
        } => {
            let listen = listen
                .or(s.file.listen.clone())
                .unwrap_or_else(|| "127.0.0.1:8080".into());
            let public_url = public_url
                .or(s.file.public_url.clone())
                .unwrap_or_else(|| format!("http://{listen}"));
            // Settings first: a mistake in them stops the server before it touches anything.
            let config = ServerConfig {
                secure_cookies: s.file.secure_cookies.unwrap_or(false),
                trusted_proxies: trusted_proxies(&s.file)?,
                metrics_allow: s
                    .file
                    .metrics_allow
                    .as_deref()
                    .map(|list| networks("metrics_allow", list))
                    .transpose()?,
                metrics_token: metrics_token(&s.file)?,
                escalation_period: escalation_interval_secs
                    .or(s.file.escalation_interval_secs)
                    .map(std::time::Duration::from_secs),
            };
            // Held while the server runs: `jianfu restore` will not replace the file under it.
            let _serving = serve_lock(&s)?;
            let app = open_app(&s, true).await?.with_public_url(&public_url);
            if let Some(days) = clock_offset_days.filter(|d| *d != 0) {
                app.clock.advance_ms(days.saturating_mul(86_400_000));
                tracing::warn!(
                    days,
                    "the clock runs ahead of the system time (--clock-offset-days)"
                );
            }
            if demo {
                if app.seed_demo(progress).await.map_err(|e| e.to_string())? {
                    progress(
                        "铁东区卫生健康局经批准读取示例和平社区的独居老人名单（个人数据访问记录）",
                    );
                    app.seed_demo_reads().await.map_err(|e| e.to_string())?;
                    eprintln!(
                        "已载入演示数据；演示账号见 README（密码 {}）",
                        jianfu_domain::bootstrap::DEMO_PASSWORD
                    );
                }
            } else if !app.is_initialized().await.map_err(|e| e.to_string())? {
                return Err("数据库为空：请先运行 `jianfu init` 并用 `jianfu user add` 创建管理员，或用 --demo 载入演示数据".into());
            }
            // An installation older than the PKI gets its root and seal maker now.
            app.ensure_pki().await.map_err(|e| e.to_string())?;
            let listener = tokio::net::TcpListener::bind(&listen)
                .await
                .map_err(|e| format!("无法监听 {listen}：{e}"))?;
            eprintln!(
                "减负 正在运行：http://{}",
                listener
                    .local_addr()
                    .map(|a| a.to_string())
                    .unwrap_or(listen)
            );
            jianfu_server::serve(AppState::new(app, config), listener, async {
                let _ = tokio::signal::ctrl_c().await;
            })
            .await
            .map_err(|e| e.to_string())
        }
        Command::Migrate => {
            let app = open_app(&s, true).await?;
            let applied = app
                .store
                .applied_migrations()
                .await
                .map_err(|e| e.to_string())?;
            println!(
                "数据库已是最新：已应用 {} 个迁移（最新 {}）",
                applied.len(),
                applied.last().map(String::as_str).unwrap_or("-")
            );
            Ok(())
        }
        Command::Init {
            demo,
            city_name,
            city_code,
        } => {
            let app = open_app(&s, true).await?;
            if demo {
                if app.seed_demo(progress).await.map_err(|e| e.to_string())? {
                    progress(
                        "铁东区卫生健康局经批准读取示例和平社区的独居老人名单（个人数据访问记录）",
                    );
                    app.seed_demo_reads().await.map_err(|e| e.to_string())?;
                    println!("已载入演示数据");
                } else {
                    println!("数据库已初始化，未作改动");
                }
            } else {
                app.init_city(&city_name, &city_code)
                    .await
                    .map_err(|e| e.to_string())?;
                println!(
                    "已创建根节点 {city_name}（{city_code}）。下一步：jianfu user add … --role system_admin / security_admin / audit_admin"
                );
            }
            Ok(())
        }
        Command::User(cmd) => {
            let app = open_app(&s, true).await?;
            match cmd {
                UserCommand::Add {
                    username,
                    name,
                    node,
                    roles,
                    password_stdin,
                    permanent,
                } => {
                    let roles = roles
                        .iter()
                        .map(|r| Role::parse(r))
                        .collect::<Result<Vec<_>, _>>()
                        .map_err(|e| e.to_string())?;
                    let password = read_password(password_stdin)?;
                    let id = app
                        .add_account_as_operator(
                            &username, &name, &node, &roles, &password, !permanent,
                        )
                        .await
                        .map_err(|e| e.to_string())?;
                    println!("已创建账号 {username}（编号 {id}）");
                }
                UserCommand::Passwd {
                    username,
                    password_stdin,
                } => {
                    let password = read_password(password_stdin)?;
                    app.set_password_as_operator(&username, &password)
                        .await
                        .map_err(|e| e.to_string())?;
                    println!("已为 {username} 设置临时密码，下次登录须修改");
                }
                UserCommand::ResetSecondFactor { username } => {
                    app.reset_second_factor_as_operator(&username)
                        .await
                        .map_err(|e| e.to_string())?;
                    println!("已重置 {username} 的动态口令，下次登录须重新绑定");
                }
                UserCommand::Lock { username } => {
                    app.set_locked_as_operator(&username, true)
                        .await
                        .map_err(|e| e.to_string())?;
                    println!("已锁定 {username}");
                }
                UserCommand::Unlock { username } => {
                    app.set_locked_as_operator(&username, false)
                        .await
                        .map_err(|e| e.to_string())?;
                    println!("已解锁 {username}");
                }
            }
            Ok(())
        }
        Command::Audit(AuditCommand::Verify { anchor }) => {
            let anchors = match &anchor {
                Some(f) => {
                    let text = std::fs::read_to_string(f)
                        .map_err(|e| format!("无法读取审计锚点文件 {}：{e}", f.display()))?;
                    let list = jianfu_store::Anchor::parse_lines(&text)
                        .map_err(|e| format!("审计锚点文件 {} 有误：{e}", f.display()))?;
                    if list.is_empty() {
                        return Err(format!("审计锚点文件 {} 中没有锚点", f.display()));
                    }
                    list
                }
                None => Vec::new(),
            };
            let app = open_app(&s, false).await?;
            let report = app
                .store
                .verify_audit_with_anchors(&anchors, |n| {
                    if n > 0 && n % 10_000 == 0 {
                        eprintln!("  · 已校验 {n} 条");
                    }
                })
                .await
                .map_err(|e| e.to_string())?;
            match report.broken {
                None if anchor.is_some() => {
                    println!(
                        "审计日志完整：共 {} 条，哈希链、签名检查点与 {} 个外部锚点一致，未被回滚",
                        report.entries, report.anchors
                    );
                    Ok(())
                }
                None => {
                    println!(
                        "审计日志完整：共 {} 条，哈希链与签名检查点一致（用 --anchor 还可查出整库回滚）",
                        report.entries
                    );
                    Ok(())
                }
                Some(b) => Err(format!("审计日志被篡改：{}", b.describe())),
            }
        }
        Command::Audit(AuditCommand::Anchor) => {
            let app = open_app(&s, false).await?;
            match app
                .store
                .current_anchor()
                .await
                .map_err(|e| e.to_string())?
            {
                Some(a) => {
                    println!("{}", a.line());
                    Ok(())
                }
                None => Err("审计日志为空，还没有可发布的锚点".into()),
            }
        }
        Command::Keys(KeysCommand::RotateData) => {
            let app = open_app(&s, true).await?;
            let path = data_key_file(&s);
            let old = app.store.data_keys();
            let new = old.rotated();
            // First the file with the new key and the old ones (so that nothing is unreadable
            // whatever happens next), then every row under the new key, then the old keys go.
            new.save(&path).map_err(|e| e.to_string())?;
            app.store.use_data_keys(new.clone(), Some(path.clone()));
            let mut n = app.seal_personal_data().await.map_err(|e| e.to_string())?;
            // A server that encrypted under the old key while the rows were re-encrypted
            // (it reads the key file again before each write): until none is left.
            n += finish_rotation(&app).await?;
            new.without_old_keys()
                .save(&path)
                .map_err(|e| e.to_string())?;
            // A write that read the old key just before the file changed and committed after
            // the last check: this process still holds the old keys and re-encrypts it.
            n += finish_rotation(&app).await?;
            println!(
                "已轮换数据密钥：新密钥编号 {}，{n} 条记录已重新加密，旧密钥（编号 {}）已从 {} 删除",
                new.current_id(),
                old.ids()
                    .iter()
                    .map(u32::to_string)
                    .collect::<Vec<_>>()
                    .join("、"),
                path.display()
            );
            Ok(())
        }
        Command::Backup { file } => {
            if s.database.starts_with("postgres") {
                println!(
                    "PostgreSQL 请用：pg_dump --format=custom --file={} '{}'",
                    file.display(),
                    jianfu_store::redact_url(&s.database)
                );
                return Ok(());
            }
            let app = open_app(&s, false).await?;
            let path = file.to_str().ok_or("备份文件路径须为 UTF-8")?;
            eprintln!("  · 正在备份到 {path} …");
            app.store
                .backup_sqlite(path)
                .await
                .map_err(|e| e.to_string())?;
            let size = std::fs::metadata(&file).map(|m| m.len()).unwrap_or(0);
            println!("已备份到 {path}（{size} 字节）");
            Ok(())
        }
        Command::Restore { file } => restore_sqlite(&s, &file).await,
        Command::Verify {
            file,
            authority_key,
            root,
        } => verify_offline(&s, &file, authority_key.as_deref(), root.as_deref()).await,
        Command::Escalate => {
            let app = open_app(&s, true).await?;
            let r = app.escalate_overdue().await.map_err(|e| e.to_string())?;
            println!(
                "逾期上报：检查 {} 件，上报 {} 件（第 {} 次运行）",
                r.examined, r.escalated, r.run_id
            );
            Ok(())
        }
        Command::Openapi => {
            println!("{}", jianfu_server::openapi_json());
            Ok(())
        }
        Command::FormBurden => {
            let app = open_app(&s, false).await?;
            let b = app.form_burden_saved().await.map_err(|e| e.to_string())?;
            println!(
                "已准入报表 {} 张，每年 {} 份填报；字段 {} 个，其中 {} 个由共享数据预填（4.8-3）",
                b.forms, b.returns_per_year, b.fields, b.prefilled_fields
            );
            println!(
                "按原表填报每年 {:.1} 小时，预填后需填 {:.1} 小时，节省 {:.1} 小时",
                b.hours_as_filed(),
                b.hours_left(),
                b.hours_saved()
            );
            Ok(())
        }
    }
}

/// The SQLite file of a `sqlite:` URL (`None` for other databases and in-memory ones).
fn sqlite_file(url: &str) -> Option<PathBuf> {
    let rest = url
        .strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))?;
    let path = rest.split('?').next().unwrap_or("");
    (!path.is_empty() && !path.contains(":memory:") && !url.contains("mode=memory"))
        .then(|| PathBuf::from(path))
}

/// The lock file beside a SQLite database: a server holds it shared while it runs, `jianfu
/// restore` exclusively while it replaces the file.
fn lock_file(db: &Path) -> Result<std::fs::File, String> {
    let mut name = db.as_os_str().to_owned();
    name.push(".lock");
    let path = PathBuf::from(name);
    jianfu_store::private_files::open_options()
        .create(true)
        .truncate(false)
        .open(&path)
        .map_err(|e| format!("无法打开锁文件 {}：{e}", path.display()))
}

/// A running server's shared lock on its SQLite file (none for PostgreSQL).
fn serve_lock(s: &Settings) -> Result<Option<std::fs::File>, String> {
    let Some(db) = sqlite_file(&s.database) else {
        return Ok(None);
    };
    ensure_data_dir(s)?;
    let f = lock_file(&db)?;
    match f.try_lock_shared() {
        Ok(()) => Ok(Some(f)),
        Err(std::fs::TryLockError::WouldBlock) => Err(format!(
            "数据库 {} 正在由 jianfu restore 恢复，请在恢复完成后再启动服务器",
            db.display()
        )),
        Err(std::fs::TryLockError::Error(e)) => Err(format!("无法锁定 {}.lock：{e}", db.display())),
    }
}

/// `jianfu restore FILE` (SQLite): see [`Command::Restore`]. Nothing is changed unless every
/// check passed.
async fn restore_sqlite(s: &Settings, file: &Path) -> Result<(), String> {
    let Some(db) = sqlite_file(&s.database) else {
        return Err("jianfu restore 只用于 SQLite 数据库；PostgreSQL 请用 pg_restore 恢复（见 README「PostgreSQL 的备份与恢复」） / restore is for SQLite only; use pg_restore for PostgreSQL".into());
    };
    let mut head = [0u8; 16];
    match std::fs::File::open(file).and_then(|mut f| f.read_exact(&mut head)) {
        Ok(()) if &head == b"SQLite format 3\0" => {}
        Ok(()) => {
            return Err(format!(
                "{} 不是 SQLite 数据库文件（应为 jianfu backup 生成的备份），未作任何更改 / {} is not a SQLite database file; nothing was changed",
                file.display(),
                file.display()
            ));
        }
        Err(e) => {
            return Err(format!(
                "无法读取备份文件 {}：{e}，未作任何更改 / cannot read the backup file; nothing was changed",
                file.display()
            ));
        }
    }
    ensure_data_dir(s)?;
    let lock = lock_file(&db)?;
    match lock.try_lock() {
        Ok(()) => {}
        Err(std::fs::TryLockError::WouldBlock) => {
            return Err(format!(
                "拒绝恢复：数据库 {} 正被运行中的 jianfu 服务器使用（锁文件 {}.lock 被占用），请先停止服务器，未作任何更改 / refusing to restore: a running jianfu server uses this database; stop it first, nothing was changed",
                db.display(),
                db.display()
            ));
        }
        Err(std::fs::TryLockError::Error(e)) => {
            return Err(format!("无法锁定 {}.lock：{e}", db.display()));
        }
    }
    let stamp = chrono::Utc::now().format("%Y%m%dT%H%M%SZ").to_string();
    let with_suffix = |p: &Path, suffix: &str| {
        let mut n = p.as_os_str().to_owned();
        n.push(suffix);
        PathBuf::from(n)
    };
    // The copy that will be put in place is never opened; a second copy is checked.
    let staged = with_suffix(&db, &format!(".restore-{stamp}"));
    let checked = with_suffix(&db, &format!(".restore-{stamp}.check"));
    let remove_checked = || {
        for suffix in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(with_suffix(&checked, suffix));
        }
    };
    let copy = |to: &Path| -> Result<(), String> {
        jianfu_store::private_files::create_new(to)
            .and_then(|()| std::fs::copy(file, to).map(|_| ()))
            .map_err(|e| format!("无法复制备份到 {}：{e}，未作任何更改", to.display()))
    };
    copy(&staged)?;
    if let Err(e) = copy(&checked) {
        let _ = std::fs::remove_file(&staged);
        return Err(e);
    }
    eprintln!("  · 正在校验备份的审计日志 …");
    let verified = async {
        let key = audit_key(s)?;
        let url = format!("sqlite://{}", checked.display());
        let store = Store::connect(&url, key)
            .await
            .map_err(|e| format!("无法打开备份：{e}"))?;
        let report = store
            .verify_audit_with_anchors(&[], |_| {})
            .await
            .map_err(|e| format!("无法校验备份的审计日志：{e}"));
        let _ = store.close().await;
        report
    }
    .await;
    remove_checked();
    let report = match verified {
        Ok(r) => r,
        Err(e) => {
            let _ = std::fs::remove_file(&staged);
            return Err(format!(
                "{e}，未作任何更改 / the backup could not be checked; nothing was changed"
            ));
        }
    };
    if let Some(b) = report.broken {
        let _ = std::fs::remove_file(&staged);
        return Err(format!(
            "拒绝恢复：备份 {} 的审计日志被篡改或损坏：{}，未作任何更改 / refusing to restore: the backup's audit chain is broken; nothing was changed",
            file.display(),
            b.describe()
        ));
    }
    if report.entries == 0 {
        let _ = std::fs::remove_file(&staged);
        return Err(format!(
            "拒绝恢复：备份 {} 中没有审计日志（不是 jianfu 的数据库备份），未作任何更改 / refusing to restore: the backup holds no audit log",
            file.display()
        ));
    }
    // The database and its log files move aside together (the log may hold committed pages).
    let old = with_suffix(&db, &format!(".before-restore-{stamp}"));
    let mut kept = None;
    if db.exists() {
        for suffix in ["", "-wal", "-shm"] {
            let from = with_suffix(&db, suffix);
            if from.exists() {
                std::fs::rename(&from, with_suffix(&old, suffix)).map_err(|e| {
                    format!(
                        "无法把原数据库 {} 移到 {}：{e}",
                        from.display(),
                        old.display()
                    )
                })?;
            }
        }
        kept = Some(old);
    }
    std::fs::rename(&staged, &db).map_err(|e| format!("无法把备份放到 {}：{e}", db.display()))?;
    drop(lock);
    println!(
        "已从 {} 恢复数据库 {}：审计日志 {} 条，哈希链与签名检查点完整",
        file.display(),
        db.display(),
        report.entries
    );
    if let Some(old) = kept {
        println!("原数据库已保存为 {}", old.display());
    }
    println!(
        "注意：恢复旧备份即整库回滚，审计锚点文件中晚于备份的锚点会被 `jianfu audit verify --anchor` 报告为回滚；请记录本次恢复"
    );
    Ok(())
}

/// Reads a seal-authority key given as hex, or as a file with the hex or the API's JSON.
fn read_authority_key(arg: &str) -> Result<jianfu_seal::PublicKey, String> {
    let text = match std::fs::read_to_string(arg) {
        Ok(t) => t,
        Err(_) => arg.to_owned(),
    };
    let hex = match serde_json::from_str::<serde_json::Value>(&text) {
        Ok(v) => v
            .get("public_key")
            .and_then(|k| k.as_str())
            .map(str::to_owned)
            .unwrap_or_default(),
        Err(_) => text.trim().to_owned(),
    };
    jianfu_seal::PublicKey::from_hex(&hex).map_err(|_| {
        "印章管理机构公钥无效（应为十六进制 SM2 公钥或 /api/v1/seal-authority 的 JSON）".to_owned()
    })
}

/// How to give `jianfu verify` the key, said wherever it has none.
const AUTHORITY_KEY_HELP: &str = "请用 --authority-key 指定鞍山市电子印章管理机构的公钥：可直接写十六进制公钥，或写保存了 /api/v1/seal-authority 返回内容的文件，例如 jianfu verify 证明.pdf --authority-key seal-authority.json";

/// The seal authority's key from the local database, for `jianfu verify` without
/// `--authority-key`. Only reads: it creates no data directory, database file or audit key,
/// and a database that is missing, empty or unreachable gets the same advice.
async fn authority_from_database(s: &Settings) -> Result<jianfu_seal::PublicKey, String> {
    let no_key = |why: &str| format!("未指定印章管理机构公钥，{why}。{AUTHORITY_KEY_HELP}");
    if s.default_database && !s.data_dir.join("jianfu.db").is_file() {
        return Err(no_key(&format!(
            "数据目录 {} 中也没有本系统的数据库",
            s.data_dir.display()
        )));
    }
    // Reading writes nothing, so no checkpoint key is needed: the configured one if there is
    // one, otherwise a throwaway key rather than a new key file.
    let key = if std::env::var_os("JIANFU_AUDIT_KEY").is_some()
        || s.file.audit_key_file.as_ref().is_some_and(|p| p.exists())
        || s.data_dir.join("audit.key").exists()
    {
        audit_key(s)?
    } else {
        AuditKey::new(rand::random::<[u8; 32]>().to_vec()).map_err(|e| e.to_string())?
    };
    let store = Store::connect(&s.database, key)
        .await
        .map_err(|e| no_key(&format!("也无法打开本地数据库（{e}）")))?;
    // Straight to the table (not through the domain, which logs a store error as a fault):
    // an empty or foreign database is the user's situation, not the system's.
    use jianfu_store::entity::seal_authority;
    use jianfu_store::orm::EntityTrait;
    match seal_authority::Entity::find_by_id(1).one(store.db()).await {
        Ok(Some(a)) => jianfu_seal::PublicKey::from_hex(&a.public_key)
            .map_err(|_| no_key("本地数据库中的印章管理机构公钥无效")),
        Ok(None) => Err(no_key("本地数据库中也还没有印章管理机构")),
        Err(_) => Err(no_key(
            "本地数据库中也读不到印章管理机构（数据库未初始化或版本不符）",
        )),
    }
}

/// The seal authority's root certificate from a PEM or DER file, accepted as trust anchor.
fn read_root(path: &std::path::Path) -> Result<jianfu_seal::pki::TrustedRoot, String> {
    use jianfu_seal::pki::{TrustedRoot, X509Certificate};
    let bytes =
        std::fs::read(path).map_err(|e| format!("无法读取根证书文件 {}：{e}", path.display()))?;
    let cert = if bytes.trim_ascii_start().starts_with(b"-----BEGIN") {
        X509Certificate::from_pem(&String::from_utf8_lossy(&bytes))
    } else {
        X509Certificate::from_der(&bytes)
    };
    cert.and_then(TrustedRoot::new).map_err(|e| {
        format!(
            "根证书 {} 无效：{}（{}）",
            path.display(),
            e.message(),
            e.code()
        )
    })
}

/// How to give `jianfu verify` the root certificate, said wherever it is needed and missing.
const ROOT_HELP: &str =
    "请用 --root 指定鞍山市电子印章管理机构的根证书（PEM 或 DER 文件，在核验页旁下载）";

/// The note on revocation every offline check of an X.509 signature ends with.
const OFFLINE_REVOCATION: &str = "离线核验不含证书注销名单：签章人证书是否已注销，请在线核验";

fn verify_ofd_file(bytes: &[u8], root: Option<&std::path::Path>) -> Result<(), String> {
    let root = read_root(root.ok_or_else(|| format!("这是 OFD 文件。{ROOT_HELP}"))?)?;
    match jianfu_seal::ofd::verify_ofd(bytes, &root, &[]) {
        Ok(report) => {
            println!("核验通过：OFD 文件的电子签章有效，文件未被篡改（GM/T 0099）");
            for check in &report.checks {
                println!("  ✓ {check}");
            }
            for s in &report.signatures {
                println!(
                    "  签章      {}（印章 {}），签章人 {}，{}",
                    s.seal_name, s.seal_id, s.signer.common_name, s.signer.organization
                );
            }
            if let Some(title) = report.text.first() {
                println!("  文件标题  {title}");
            }
            println!("  {OFFLINE_REVOCATION}");
            Ok(())
        }
        Err(e) => Err(format!(
            "核验未通过（OFD）：{}（{}）",
            e.message(),
            e.code()
        )),
    }
}

/// The PDF's signature field (CMS), when it has one: checked against the root if given.
fn verify_pdf_signature_field(bytes: &[u8], root: Option<&std::path::Path>) -> Result<(), String> {
    let Some(root) = root else {
        println!("PDF 签名域：未核验（{ROOT_HELP}）");
        return Ok(());
    };
    let root = read_root(root)?;
    match jianfu_seal::pdf_sign::verify_pdf_signature(bytes, &root, &[]) {
        Ok(report) => {
            println!(
                "PDF 签名域核验通过：{} 的签名（{}）覆盖整个文件",
                report.signer.common_name, report.sub_filter
            );
            for check in &report.checks {
                println!("  ✓ {check}");
            }
            println!("  {OFFLINE_REVOCATION}");
            Ok(())
        }
        Err(e) => Err(format!(
            "核验未通过（PDF 签名域）：{}（{}）",
            e.message(),
            e.code()
        )),
    }
}

async fn verify_offline(
    s: &Settings,
    file: &std::path::Path,
    key: Option<&str>,
    root: Option<&std::path::Path>,
) -> Result<(), String> {
    let bytes = std::fs::read(file).map_err(|e| format!("无法读取 {}：{e}", file.display()))?;
    if jianfu_seal::ofd::is_zip(&bytes) {
        return verify_ofd_file(&bytes, root);
    }
    // A PDF with a signature field: the CMS over the whole file, then the file our renderer
    // made (the revision its `%JIANFU-SM2` line signs) as before.
    // Issued before the PDF lost its `%JIANFU-SM2` line: the revision that line signs. Issued
    // since: the signature field, once verified, covers the file, and its data is read.
    let mut legacy: Option<&[u8]> = Some(&bytes);
    if jianfu_seal::pdf_sign::has_signature_field(&bytes) {
        verify_pdf_signature_field(&bytes, root)?;
        legacy = jianfu_seal::pdf_sign::original_revision(&bytes);
        if legacy.is_none() && root.is_none() {
            return Err(format!("PDF 签名域未核验。{ROOT_HELP}"));
        }
    }
    let authority = match key {
        Some(k) => read_authority_key(k)?,
        None => authority_from_database(s).await?,
    };
    let verified = match legacy {
        Some(file) => jianfu_seal::verify_file(file, &authority),
        None => jianfu_seal::verify_embedded(&bytes, &authority),
    };
    match verified {
        Ok(doc) => {
            let c = &doc.content;
            println!("核验通过：签名有效，文件未被篡改");
            println!("  证明编号  {}", c.serial);
            println!("  证明事项  {}", c.type_name);
            println!(
                "  出具单位  {}（印章 {}）",
                c.community_name, doc.seal.record.seal_id
            );
            println!(
                "  申请人    {}",
                jianfu_domain::certificate::mask_name(&c.applicant_name)
            );
            println!(
                "  身份证号  {}",
                jianfu_domain::id_number::mask(&c.applicant_id_number)
            );
            println!("  出具日期  {}", c.issued_on);
            println!("  在线核验  {}（离线核验无法得知是否已撤销）", c.verify_url);
            Ok(())
        }
        Err(e) => Err(format!("核验未通过：{}（{}）", e.message(), e.code())),
    }
}

#[tokio::main]
async fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("JIANFU_LOG").unwrap_or_else(|_| {
                tracing_subscriber::EnvFilter::new("info,sqlx=warn,sea_orm=warn")
            }),
        )
        .with_writer(std::io::stderr)
        // Plain `key=value` lines when the log goes to a file or journald, colours on a terminal.
        .with_ansi(std::io::stderr().is_terminal())
        .init();
    match run(Cli::parse()).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => fail(e),
    }
}
