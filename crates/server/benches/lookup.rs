//! How fast the public admission-number lookup serves, measured against the real server over a
//! database with a million admitted demands, as a ratio to a trivial handler (`/livez`) of the
//! same server measured in the same run — so that a lookup path that starts to scan, or to
//! make more round trips than it needs, shows up as a falling ratio rather than as a number
//! that depends on the machine. The load comes from `wrk` (Debian package `wrk`), in
//! interleaved rounds: `/livez`, the API lookup, the lookup page, `/livez`, …; each round's
//! ratio is printed and the median is compared with the target.
//!
//! ```sh
//! cargo bench -p jianfu-server --bench lookup
//! ```
//!
//! Environment:
//! - `JIANFU_BENCH_DEMANDS` — admitted demands to add to the demo data (default 1,000,000);
//! - `JIANFU_BENCH_POSTGRES` — a PostgreSQL admin URL (e.g.
//!   `postgres://postgres@127.0.0.1:5432/postgres`): run on a fresh database there instead of
//!   a temporary SQLite file;
//! - `JIANFU_BENCH_ROUNDS`, `JIANFU_BENCH_SECONDS`, `JIANFU_BENCH_THREADS`,
//!   `JIANFU_BENCH_CONNECTIONS`, `JIANFU_BENCH_WARMUP_SECONDS` — the wrk load (defaults 3
//!   rounds × 5 s, 2 threads, 32 connections, 2 s warm-up; see `common/mod.rs`).
//!
//! The server runs in-process on a multi-thread runtime; wrk runs as a child process. They
//! share the machine's cores, which the output says. Every request path goes through the same
//! wrk Lua script (a random admission number of the million per request; `/livez` as a list of
//! one), so that the client's cost per request is the same for baseline and lookups.

mod common;

use std::fmt::Write as _;
use std::net::SocketAddr;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::{Duration, Instant};

use common::{
    BoxError, LoadConfig, Result, Target, env_u64, interleaved, medians, ratios_text, thousands,
    verdict,
};
use jianfu_domain::admission::AdmissionNumber;
use jianfu_domain::auth::PasswordHasher;
use jianfu_domain::{App, Clock};
use jianfu_server::{AppState, ServerConfig};
use jianfu_store::entity::{counter, demand, demand_target};
use jianfu_store::orm::{
    ColumnTrait, ConnectionTrait, Database, DbBackend, EntityTrait, QueryFilter, QueryOrder,
    Statement, TransactionTrait,
};
use jianfu_store::{AuditKey, Store};

/// Warm-up of the in-process lookup measurement.
const WARM_UP: Duration = Duration::from_secs(2);
/// The issue's target: lookups at no less than half the rate of the trivial handler.
const TARGET_RATIO: f64 = 0.5;
/// Rows per multi-row INSERT, and per transaction, while seeding.
const ROWS_PER_STATEMENT: u64 = 1_000;
const ROWS_PER_TRANSACTION: u64 = 50_000;

struct Config {
    demands: u64,
    postgres: Option<String>,
    load: LoadConfig,
}

impl Config {
    fn from_env() -> Result<Self> {
        let c = Self {
            load: LoadConfig::from_env()?,
            demands: env_u64("JIANFU_BENCH_DEMANDS", 1_000_000)?,
            postgres: std::env::var("JIANFU_BENCH_POSTGRES")
                .ok()
                .filter(|s| !s.trim().is_empty()),
        };
        if c.demands > 2 * 999_990 {
            return Err("JIANFU_BENCH_DEMANDS: at most 1,999,980 (two years of numbers)".into());
        }
        Ok(c)
    }
}

fn mib(bytes: u64) -> String {
    format!("{:.0} MiB", bytes as f64 / (1024.0 * 1024.0))
}

// ---------------------------------------------------------------------------------------------
// The database and the server.

struct Fixture {
    app: App,
    addr: SocketAddr,
    /// Admission numbers of the seeded demands (all admitted, valid today).
    numbers: Arc<Vec<String>>,
    database: String,
    drop_postgres: Option<(String, String)>,
}

fn replace_db_name(url: &str, db: &str) -> Result<String> {
    let (base, query) = match url.split_once('?') {
        Some((b, q)) => (b, Some(q)),
        None => (url, None),
    };
    let cut = base
        .rfind('/')
        .filter(|&i| i > "postgres://".len())
        .ok_or("JIANFU_BENCH_POSTGRES needs a path, e.g. …:5432/postgres")?;
    let mut out = format!("{}/{db}", &base[..cut]);
    if let Some(q) = query {
        out.push('?');
        out.push_str(q);
    }
    Ok(out)
}

async fn prepare(cfg: &Config, dir: &std::path::Path) -> Result<Fixture> {
    let (url, drop_postgres) = match &cfg.postgres {
        None => (format!("sqlite://{}", dir.join("bench.db").display()), None),
        Some(admin) => {
            let name = format!("jianfu_bench_{}", std::process::id());
            let conn = Database::connect(admin.as_str()).await?;
            conn.execute_unprepared(&format!("CREATE DATABASE {name}"))
                .await?;
            conn.close().await?;
            (replace_db_name(admin, &name)?, Some((admin.clone(), name)))
        }
    };
    let key = AuditKey::new(rand::random::<[u8; 32]>().to_vec())?;
    let store = Store::open(&url, key).await?;
    let app = App::new(store, Clock::system(), PasswordHasher::fast_for_tests());
    let t = Instant::now();
    if !app.seed_demo(|_| {}).await? {
        return Err("the fresh database was already initialized".into());
    }
    println!("demo data seeded in {:.1} s", t.elapsed().as_secs_f64());
    let numbers = seed_demands(&app, cfg.demands).await?;
    let database = describe_database(&app, dir).await?;

    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    let state = AppState::new(app.clone(), ServerConfig::default());
    tokio::spawn(async move {
        if let Err(e) = jianfu_server::serve(state, listener, std::future::pending()).await {
            eprintln!("server stopped: {e}");
        }
    });
    Ok(Fixture {
        app,
        addr,
        numbers: Arc::new(numbers),
        database,
        drop_postgres,
    })
}

fn sql_str(s: &str) -> String {
    format!("'{}'", s.replace('\'', "''"))
}

fn sql_opt_str(s: Option<&str>) -> String {
    s.map_or_else(|| "NULL".to_owned(), sql_str)
}

fn sql_opt_i64(v: Option<i64>) -> String {
    v.map_or_else(|| "NULL".to_owned(), |v| v.to_string())
}

/// Adds `n` admitted demands, one target community each, copied from the first admitted demo
/// demand (same requesting department, district scope, decision and validity period — this
/// year), each with its own admission number.
///
/// This is fixture data, written with raw multi-row INSERTs in large transactions straight
/// through `store.db()`: product writes go through `Store::begin_write` and extend the audit
/// chain, which at one audited transaction per demand would take hours for a million rows and
/// measure nothing the benchmark is about. The audit chain therefore does not cover these rows.
async fn seed_demands(app: &App, n: u64) -> Result<Vec<String>> {
    let db = app.store.db();
    let backend = db.get_database_backend();
    let template = demand::Entity::find()
        .filter(demand::Column::Status.eq("admitted"))
        .order_by_asc(demand::Column::Id)
        .one(db)
        .await?
        .ok_or("the demo data has no admitted demand to copy")?;
    let target = demand_target::Entity::find()
        .filter(demand_target::Column::DemandId.eq(template.id))
        .one(db)
        .await?
        .ok_or("the demo's admitted demand has no target community")?;
    let year: i32 = template
        .admission_number
        .as_deref()
        .and_then(|n| n.get(3..7))
        .ok_or("the demo's admitted demand has no admission number")?
        .parse()?;
    // Continue this year's sequence after the demo's numbers; a year holds 999,999 numbers,
    // so the last few of a million come from the year before (still valid this year).
    let key = format!("admission:{year}");
    let used = counter::Entity::find_by_id(key.clone())
        .one(db)
        .await?
        .map_or(0, |c| c.value);
    let mut numbers = Vec::with_capacity(usize::try_from(n)?);
    let (mut y, mut seq) = (year, used);
    let mut last_seq = std::collections::BTreeMap::new();
    for _ in 0..n {
        seq += 1;
        if seq > 999_999 {
            y -= 1;
            seq = 1;
        }
        numbers.push(AdmissionNumber::new(y, seq)?.to_string());
        last_seq.insert(y, seq);
    }

    let first_id = demand::Entity::find()
        .order_by_desc(demand::Column::Id)
        .one(db)
        .await?
        .map_or(1, |d| d.id + 1);
    // Everything after id, title and admission_number, the same for every row.
    let t = &template;
    let constant = [
        sql_str(&t.kind),
        sql_str(&t.description),
        t.requester_node_id.to_string(),
        t.requester_account_id.to_string(),
        sql_str(&t.level),
        t.scope_node_id.to_string(),
        sql_str(&t.status),
        sql_str(&t.details),
        sql_opt_str(t.legal_basis_kind.as_deref()),
        sql_opt_str(t.legal_basis_title.as_deref()),
        sql_opt_str(t.legal_basis_article.as_deref()),
        sql_opt_i64(t.funding_fen),
        sql_opt_str(t.funding_source.as_deref()),
        t.minutes_per_occurrence.to_string(),
        t.occurrences_per_year.to_string(),
        sql_str(&t.period_start),
        sql_str(&t.period_end),
        sql_opt_str(t.decision.as_deref()),
        sql_opt_str(t.authority.as_deref()),
        sql_opt_i64(t.submitted_at),
        sql_opt_i64(t.reviewed_by),
        sql_opt_i64(t.reviewed_at),
        sql_opt_str(t.review_note.as_deref()),
        sql_opt_str(t.valid_from.as_deref()),
        sql_opt_str(t.valid_to.as_deref()),
        "NULL, NULL, NULL".to_owned(),
        t.created_at.to_string(),
        t.updated_at.to_string(),
    ]
    .join(", ");
    let columns = "id, title, admission_number, kind, description, requester_node_id, \
                   requester_account_id, level, scope_node_id, status, details, \
                   legal_basis_kind, legal_basis_title, legal_basis_article, funding_fen, \
                   funding_source, minutes_per_occurrence, occurrences_per_year, period_start, \
                   period_end, decision, authority, submitted_at, reviewed_by, reviewed_at, \
                   review_note, valid_from, valid_to, revoked_by, revoked_at, revoke_reason, \
                   created_at, updated_at";

    println!(
        "seeding {} admitted demands ({} rows per INSERT, {} per transaction) …",
        thousands(n),
        thousands(ROWS_PER_STATEMENT),
        thousands(ROWS_PER_TRANSACTION)
    );
    let start = Instant::now();
    let mut sql = String::new();
    let mut done = 0u64;
    let mut next_report = 100_000u64;
    while done < n {
        let txn = db.begin().await?;
        let tx_end = (done + ROWS_PER_TRANSACTION).min(n);
        while done < tx_end {
            let end = (done + ROWS_PER_STATEMENT).min(tx_end);
            sql.clear();
            write!(sql, "INSERT INTO demand ({columns}) VALUES ")?;
            for i in done..end {
                let id = first_id + i64::try_from(i)?;
                let number = &numbers[usize::try_from(i)?];
                if i > done {
                    sql.push_str(",\n");
                }
                write!(
                    sql,
                    "({id}, {}, '{number}', {constant})",
                    sql_str(&format!("{}（压测 {}）", t.title, i + 1))
                )?;
            }
            txn.execute_unprepared(&sql).await?;
            let (a, b) = (
                first_id + i64::try_from(done)?,
                first_id + i64::try_from(end)? - 1,
            );
            txn.execute_unprepared(&format!(
                "INSERT INTO demand_target (demand_id, community_node_id) \
                 SELECT id, {} FROM demand WHERE id BETWEEN {a} AND {b}",
                target.community_node_id
            ))
            .await?;
            done = end;
        }
        txn.commit().await?;
        if done >= next_report || done == n {
            let s = start.elapsed().as_secs_f64();
            println!(
                "  {:>9} / {} demands, {:.1} s ({} rows/s)",
                thousands(done),
                thousands(n),
                s,
                thousands((done as f64 / s) as u64)
            );
            next_report = done + 100_000;
        }
    }
    // Keep the product's counters ahead of the numbers used, as admission would.
    for (y, last) in &last_seq {
        let k = format!("admission:{y}");
        if *y == year && used > 0 {
            db.execute_unprepared(&format!(
                "UPDATE counter SET value = {last} WHERE key = {}",
                sql_str(&k)
            ))
            .await?;
        } else {
            db.execute_unprepared(&format!(
                "INSERT INTO counter (key, value) VALUES ({}, {last})",
                sql_str(&k)
            ))
            .await?;
        }
    }
    match backend {
        DbBackend::Postgres => {
            db.execute_unprepared(
                "SELECT setval(pg_get_serial_sequence('demand', 'id'), (SELECT MAX(id) FROM demand))",
            )
            .await?;
            db.execute_unprepared("ANALYZE").await?;
        }
        _ => {
            // Fold the bulk load's WAL into the database file, as a long-running server's
            // checkpoints would have.
            db.execute_unprepared("PRAGMA wal_checkpoint(TRUNCATE)")
                .await?;
        }
    }
    let secs = start.elapsed().as_secs_f64();
    println!(
        "seeded {} demands (+{} targets) in {:.1} s: {} rows/s",
        thousands(n),
        thousands(n),
        secs,
        thousands((n as f64 / secs.max(1e-9)) as u64)
    );
    Ok(numbers)
}

async fn pragma(app: &App, name: &str) -> Result<i64> {
    let row = app
        .store
        .db()
        .query_one_raw(Statement::from_string(
            DbBackend::Sqlite,
            format!("PRAGMA {name}"),
        ))
        .await?
        .ok_or_else(|| format!("PRAGMA {name} returned nothing"))?;
    Ok(row.try_get_by_index::<i64>(0)?)
}

/// Database size and cache, for the report.
async fn describe_database(app: &App, dir: &std::path::Path) -> Result<String> {
    let db = app.store.db();
    let count = |table: &str| format!("SELECT COUNT(*) FROM {table}");
    let backend = db.get_database_backend();
    let mut counts = Vec::new();
    for table in ["demand", "demand_target"] {
        let row = db
            .query_one_raw(Statement::from_string(backend, count(table)))
            .await?
            .ok_or("COUNT returned nothing")?;
        counts.push(u64::try_from(row.try_get_by_index::<i64>(0)?)?);
    }
    let rows = format!(
        "{} demands, {} target rows",
        thousands(counts[0]),
        thousands(counts[1])
    );
    if backend == DbBackend::Postgres {
        let row = db
            .query_one_raw(Statement::from_string(
                backend,
                "SELECT pg_database_size(current_database()), current_setting('shared_buffers')",
            ))
            .await?
            .ok_or("pg_database_size returned nothing")?;
        let size = u64::try_from(row.try_get_by_index::<i64>(0)?)?;
        let shared: String = row.try_get_by_index(1)?;
        return Ok(format!(
            "PostgreSQL, {rows}; database {}, shared_buffers {shared}",
            mib(size)
        ));
    }
    let page_size = pragma(app, "page_size").await?;
    let page_count = pragma(app, "page_count").await?;
    let cache_size = pragma(app, "cache_size").await?;
    // Negative: KiB; positive: pages.
    let cache_kib = if cache_size < 0 {
        -cache_size
    } else {
        cache_size * page_size / 1024
    };
    let file = |suffix: &str| {
        std::fs::metadata(dir.join(format!("bench.db{suffix}"))).map_or(0, |m| m.len())
    };
    Ok(format!(
        "SQLite (WAL), {rows}; file {} ({} pages of {} B; WAL {}), page cache {} KiB per \
         connection (cache_size {cache_size}) — the rest comes from the OS page cache",
        mib(file("")),
        thousands(u64::try_from(page_count)?),
        page_size,
        mib(file("-wal")),
        thousands(u64::try_from(cache_kib)?),
    ))
}

// ---------------------------------------------------------------------------------------------
// The load: wrk (common/mod.rs), after a preflight with reqwest that checks the bodies.

#[derive(Clone, Copy, PartialEq, Eq)]
enum Endpoint {
    Livez,
    LookupApi,
    LookupPage,
}

impl Endpoint {
    fn path(self, number: &str) -> String {
        match self {
            Self::Livez => "/livez".to_owned(),
            Self::LookupApi => format!("/api/v1/lookup/{number}"),
            Self::LookupPage => format!("/lookup?number={number}"),
        }
    }

    /// Whether a 200 body says what it should about `number`.
    fn body_ok(self, text: &str, number: &str) -> bool {
        match self {
            Self::Livez => text == "ok",
            Self::LookupApi => {
                text.contains("\"state\":\"valid\"")
                    && text.contains(&format!("\"number\":\"{number}\""))
            }
            Self::LookupPage => text.contains(number) && text.contains("有效：该事项已经准入"),
        }
    }
}

/// A few lookups one by one before the load, so that a broken fixture fails clearly (wrk
/// only counts statuses).
async fn preflight(addr: SocketAddr, numbers: &[String]) -> Result<()> {
    let client = reqwest::Client::new();
    let picks = [0, numbers.len() / 2, numbers.len() - 1];
    for endpoint in [Endpoint::Livez, Endpoint::LookupApi, Endpoint::LookupPage] {
        for &i in &picks {
            let number = numbers[i].as_str();
            let path = endpoint.path(number);
            let r = client.get(format!("http://{addr}{path}")).send().await?;
            let status = r.status();
            let body = r.text().await?;
            if !status.is_success() || !endpoint.body_ok(&body, number) {
                return Err(format!(
                    "preflight {path}: HTTP {status}: {}",
                    body.chars().take(500).collect::<String>()
                )
                .into());
            }
        }
    }
    Ok(())
}

/// xorshift64*: cheap, and enough to spread lookups over the numbers.
fn next_random(state: &mut u64) -> u64 {
    *state ^= *state >> 12;
    *state ^= *state << 25;
    *state ^= *state >> 27;
    state.wrapping_mul(0x2545_F491_4F6C_DD1D)
}

/// `App::lookup` called in-process by `tasks` concurrent tasks on the server's runtime, without
/// HTTP: how much of a request's cost is the database path. Returns calls per second.
async fn direct_lookups(
    app: &App,
    numbers: &Arc<Vec<String>>,
    tasks: u64,
    seconds: u64,
) -> Result<f64> {
    let measure_from = Instant::now() + WARM_UP;
    let until = measure_from + Duration::from_secs(seconds);
    let mut handles = Vec::new();
    for t in 0..tasks {
        let (app, numbers) = (app.clone(), numbers.clone());
        handles.push(tokio::spawn(async move {
            let mut rng = 0x9E37_79B9_7F4A_7C15 ^ (t + 1).wrapping_mul(0xD1B5_4A32_D192_ED03);
            let mut calls = 0u64;
            loop {
                let start = Instant::now();
                if start >= until {
                    break;
                }
                let i = usize::try_from(next_random(&mut rng) % numbers.len() as u64)?;
                let r = app.lookup(&numbers[i]).await?;
                if r.state != "valid" {
                    return Err(format!("{}: state {}", numbers[i], r.state).into());
                }
                if start >= measure_from {
                    calls += 1;
                }
            }
            Ok::<u64, BoxError>(calls)
        }));
    }
    let mut calls = 0;
    for h in handles {
        calls += h.await??;
    }
    Ok(calls as f64 / seconds as f64)
}

async fn experiment(app: &App, numbers: &Arc<Vec<String>>) -> Result<()> {
    let db = app.store.db();
    let backend = db.get_database_backend();
    let sqls: Vec<(&str, String)> = vec![
        ("select 1", "SELECT 1 AS x".into()),
        ("select 1 where $1", "SELECT 1 AS x WHERE $1 IS NOT NULL".into()),
        ("id by number", "SELECT id FROM demand WHERE admission_number = $1".into()),
        ("row by number", "SELECT d.kind, d.title, d.status, d.valid_from, d.valid_to, d.revoke_reason, d.minutes_per_occurrence, d.occurrences_per_year, d.decision FROM demand d WHERE d.admission_number = $1".into()),
        ("row+requester+count", "SELECT d.kind, d.title, d.status, d.valid_from, d.valid_to, d.revoke_reason, d.minutes_per_occurrence, d.occurrences_per_year, d.decision, r.name AS requester_name, (SELECT COUNT(*) FROM demand_target t WHERE t.demand_id = d.id) AS target_count FROM demand d LEFT JOIN node r ON r.id = d.requester_node_id WHERE d.admission_number = $1".into()),
        ("full (no agg order)", "SELECT d.kind, d.title, d.status, d.valid_from, d.valid_to, d.revoke_reason, d.minutes_per_occurrence, d.occurrences_per_year, d.decision, r.name AS requester_name, (SELECT COUNT(*) FROM demand_target t WHERE t.demand_id = d.id) AS target_count, (SELECT CAST(json_group_array(x.name) AS TEXT) FROM (SELECT c.name, c.path FROM demand_target t JOIN node c ON c.id = t.community_node_id WHERE t.demand_id = d.id ORDER BY t.community_node_id LIMIT 20) x) AS target_names FROM demand d LEFT JOIN node r ON r.id = d.requester_node_id WHERE d.admission_number = $1".into()),
        ("full", "SELECT d.kind, d.title, d.status, d.valid_from, d.valid_to, d.revoke_reason, d.minutes_per_occurrence, d.occurrences_per_year, d.decision, r.name AS requester_name, (SELECT COUNT(*) FROM demand_target t WHERE t.demand_id = d.id) AS target_count, (SELECT CAST(json_group_array(x.name ORDER BY x.path) AS TEXT) FROM (SELECT c.name, c.path FROM demand_target t JOIN node c ON c.id = t.community_node_id WHERE t.demand_id = d.id ORDER BY t.community_node_id LIMIT 20) x) AS target_names FROM demand d LEFT JOIN node r ON r.id = d.requester_node_id WHERE d.admission_number = $1".into()),
    ];
    for (label, sql) in sqls {
        for tasks in [1u64, 32] {
            let until = Instant::now() + Duration::from_secs(3);
            let mut hs = Vec::new();
            for t in 0..tasks {
                let (db, numbers, sql) = (db.clone(), numbers.clone(), sql.clone());
                hs.push(tokio::spawn(async move {
                    let mut rng =
                        0x9E37_79B9_7F4A_7C15 ^ (t + 1).wrapping_mul(0xD1B5_4A32_D192_ED03);
                    let mut calls = 0u64;
                    while Instant::now() < until {
                        let i = usize::try_from(next_random(&mut rng) % numbers.len() as u64)?;
                        let vals: Vec<jianfu_store::orm::Value> = if sql.contains("$1") {
                            vec![numbers[i].as_str().into()]
                        } else {
                            vec![]
                        };
                        let r = db
                            .query_one_raw(Statement::from_sql_and_values(
                                backend,
                                sql.as_str(),
                                vals,
                            ))
                            .await?;
                        if r.is_none() {
                            return Err::<u64, BoxError>("no row".into());
                        }
                        calls += 1;
                    }
                    Ok(calls)
                }));
            }
            let mut calls = 0;
            for h in hs {
                calls += h.await??;
            }
            println!(
                "  experiment {label:<22} tasks {tasks:>2}: {:>7} q/s",
                thousands(calls / 3)
            );
        }
    }
    Ok(())
}

fn run() -> Result<()> {
    let cfg = Config::from_env()?;
    if cfg.demands == 0 {
        return Err("JIANFU_BENCH_DEMANDS must be at least 1".into());
    }
    let cpus = std::thread::available_parallelism().map_or(1, |n| n.get());
    let server_rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .thread_name("bench-server")
        .build()?;
    let dir = tempfile::tempdir()?;
    let fixture = server_rt.block_on(prepare(&cfg, dir.path()))?;
    println!("database: {}", fixture.database);

    if std::env::var("JIANFU_BENCH_EXPERIMENT").is_ok() {
        server_rt.block_on(experiment(&fixture.app, &fixture.numbers))?;
        return Ok(());
    }
    let direct = server_rt.block_on(direct_lookups(
        &fixture.app,
        &fixture.numbers,
        cfg.load.connections,
        cfg.load.seconds,
    ))?;
    println!(
        "in-process App::lookup (no HTTP, {} concurrent tasks): {} calls/s",
        cfg.load.connections,
        thousands(direct as u64)
    );

    let addr = fixture.addr;
    server_rt.block_on(preflight(addr, &fixture.numbers))?;
    let paths = |e: Endpoint| {
        fixture
            .numbers
            .iter()
            .map(|n| e.path(n))
            .collect::<Vec<_>>()
    };
    let livez = Target::new(
        dir.path(),
        "livez",
        "GET /livez",
        &[Endpoint::Livez.path("")],
    )?;
    let api = Target::new(
        dir.path(),
        "lookup-api",
        "GET /api/v1/lookup/{number}",
        &paths(Endpoint::LookupApi),
    )?;
    let page = Target::new(
        dir.path(),
        "lookup-page",
        "GET /lookup?number={number}",
        &paths(Endpoint::LookupPage),
    )?;
    println!(
        "load: {}; a random one of the {} numbers per request; server in-process on {addr} \
         ({cpus} tokio workers + database threads) sharing the {cpus} CPUs with wrk — absolute \
         figures understate a dedicated server; the ratio is what to compare",
        cfg.load.describe(),
        thousands(fixture.numbers.len() as u64),
    );
    let rounds = interleaved(&cfg.load, addr, &livez, &[&api, &page]);

    server_rt.shutdown_timeout(Duration::from_secs(2));
    if let Some((admin, name)) = &fixture.drop_postgres {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()?;
        rt.block_on(async {
            let conn = Database::connect(admin.as_str()).await?;
            conn.execute_unprepared(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                .await?;
            conn.close().await?;
            Ok::<_, BoxError>(())
        })?;
    }
    let rounds = rounds?;

    let n = thousands(cfg.demands);
    let (livez_med, api_med, api_ratio) = medians(&rounds, 0);
    let (_, page_med, page_ratio) = medians(&rounds, 1);
    let line = "=".repeat(100);
    println!("\n{line}");
    println!(
        "LOOKUP BENCHMARK ({n} demands) — ratios to /livez measured in this run (medians over rounds)"
    );
    println!("{line}");
    println!(
        "{:<36} {:>12} {:>12} {:>8} {:>8}  verdict",
        "measure", "req/s", "/livez", "ratio", "target"
    );
    println!(
        "{:<36} {:>12} {:>12} {:>8.3} {:>8}  {}",
        "GET /api/v1/lookup/{number}",
        thousands(api_med.round() as u64),
        thousands(livez_med.round() as u64),
        api_ratio,
        format!("≥ {TARGET_RATIO}"),
        verdict(api_ratio, TARGET_RATIO)
    );
    println!(
        "{:<36} {:>12} {:>12} {:>8.3} {:>8}  (page, no target)",
        "GET /lookup?number={number}",
        thousands(page_med.round() as u64),
        thousands(livez_med.round() as u64),
        page_ratio,
        "",
    );
    println!(
        "ratio = median of the per-round ratios; per round — API ratios: {}; page ratios: {}",
        ratios_text(&rounds, 0),
        ratios_text(&rounds, 1)
    );
    println!(
        "LOOKUP {}   ({cpus} CPUs shared by server, wrk and anything else running)",
        verdict(api_ratio, TARGET_RATIO)
    );
    println!("{line}");
    drop(dir);
    Ok(())
}

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("lookup benchmark failed: {e}");
            ExitCode::FAILURE
        }
    }
}
