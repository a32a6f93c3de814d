//! How fast the public admission-number lookup serves, measured against the real server over a
//! database with a million admitted demands, as a ratio to a trivial handler (`/livez`) of the
//! same server measured in the same run — so that a lookup path that starts to scan, or to
//! make more round trips than it needs, shows up as a falling ratio rather than as a number
//! that depends on the machine. Std + tokio only (no criterion, no wrk):
//!
//! ```sh
//! cargo bench -p jianfu-server --bench lookup
//! ```
//!
//! Environment:
//! - `JIANFU_BENCH_DEMANDS` — admitted demands to add to the demo data (default 1,000,000);
//! - `JIANFU_BENCH_CONNECTIONS` — concurrent keep-alive connections (default 32);
//! - `JIANFU_BENCH_SECONDS` — seconds measured per endpoint, after a 2 s warm-up (default 10);
//! - `JIANFU_BENCH_POSTGRES` — a PostgreSQL admin URL (e.g.
//!   `postgres://postgres@127.0.0.1:5432/postgres`): run on a fresh database there instead of
//!   a temporary SQLite file.
//!
//! The server runs in-process on a multi-thread runtime; the load generator, a minimal
//! HTTP/1.1 client over tokio sockets, runs on its own thread with its own single-thread
//! runtime, so that neither starves the other's scheduler. They still share the machine's
//! cores, which the output says.

use std::fmt::Write as _;
use std::net::SocketAddr;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::{Duration, Instant};

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
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

type BoxError = Box<dyn std::error::Error + Send + Sync>;
type Result<T> = std::result::Result<T, BoxError>;

const WARM_UP: Duration = Duration::from_secs(2);
/// The issue's target: lookups at no less than half the rate of the trivial handler.
const TARGET_RATIO: f64 = 0.5;
/// Rows per multi-row INSERT, and per transaction, while seeding.
const ROWS_PER_STATEMENT: u64 = 1_000;
const ROWS_PER_TRANSACTION: u64 = 50_000;
/// Every this many lookups, a connection also checks the body says the number is valid.
const CHECK_EVERY: u64 = 499;

struct Config {
    demands: u64,
    connections: u64,
    seconds: u64,
    postgres: Option<String>,
}

fn env_u64(name: &str, default: u64) -> Result<u64> {
    match std::env::var(name) {
        Ok(v) if !v.trim().is_empty() => {
            let v = v.trim().replace(['_', ','], "");
            v.parse()
                .map_err(|e| format!("{name}={v} is not a whole number: {e}").into())
        }
        _ => Ok(default),
    }
}

impl Config {
    fn from_env() -> Result<Self> {
        let c = Self {
            demands: env_u64("JIANFU_BENCH_DEMANDS", 1_000_000)?,
            connections: env_u64("JIANFU_BENCH_CONNECTIONS", 32)?.max(1),
            seconds: env_u64("JIANFU_BENCH_SECONDS", 10)?.max(1),
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

/// `1234567` → `1,234,567`.
fn thousands(n: u64) -> String {
    let s = n.to_string();
    let mut out = String::with_capacity(s.len() + s.len() / 3);
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
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
// The load generator: one HTTP/1.1 keep-alive connection per task, one request at a time.

struct Conn {
    stream: TcpStream,
    buf: Vec<u8>,
    req: Vec<u8>,
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

impl Conn {
    async fn open(addr: SocketAddr) -> Result<Self> {
        let stream = TcpStream::connect(addr).await?;
        stream.set_nodelay(true)?;
        Ok(Self {
            stream,
            buf: Vec::with_capacity(16 * 1024),
            req: Vec::with_capacity(256),
        })
    }

    async fn fill(&mut self) -> Result<()> {
        if self.stream.read_buf(&mut self.buf).await? == 0 {
            return Err("the server closed the connection".into());
        }
        Ok(())
    }

    /// Sends `GET path` and reads the whole response; returns the status and the body.
    async fn get(&mut self, path: &str) -> Result<(u16, &[u8])> {
        self.req.clear();
        self.req.extend_from_slice(b"GET ");
        self.req.extend_from_slice(path.as_bytes());
        self.req
            .extend_from_slice(b" HTTP/1.1\r\nHost: 127.0.0.1\r\nUser-Agent: jianfu-bench\r\n\r\n");
        self.stream.write_all(&self.req).await?;
        self.buf.clear();
        let head_end = loop {
            if let Some(p) = find(&self.buf, b"\r\n\r\n") {
                break p + 4;
            }
            self.fill().await?;
        };
        let head = std::str::from_utf8(&self.buf[..head_end])?;
        let status: u16 = head
            .get(9..12)
            .ok_or("short status line")?
            .parse()
            .map_err(|_| format!("bad status line: {head}"))?;
        let mut length = None;
        let mut chunked = false;
        for line in head.split("\r\n").skip(1) {
            if let Some((name, value)) = line.split_once(':') {
                if name.eq_ignore_ascii_case("content-length") {
                    length = Some(value.trim().parse::<usize>()?);
                } else if name.eq_ignore_ascii_case("transfer-encoding")
                    && value.trim().eq_ignore_ascii_case("chunked")
                {
                    chunked = true;
                }
            }
        }
        if let Some(len) = length {
            while self.buf.len() < head_end + len {
                self.fill().await?;
            }
            return Ok((status, &self.buf[head_end..head_end + len]));
        }
        if !chunked {
            return Err("response without Content-Length or chunked encoding".into());
        }
        // Chunked: wait for the terminating zero-size chunk, then decode in place.
        loop {
            if let Some(body_len) = dechunk(&mut self.buf, head_end)? {
                return Ok((status, &self.buf[head_end..head_end + body_len]));
            }
            self.fill().await?;
        }
    }
}

/// Decodes a chunked body that starts at `start`, moving the data to `start..`; `None` while
/// incomplete (nothing is moved then).
fn dechunk(buf: &mut [u8], start: usize) -> Result<Option<usize>> {
    let mut spans = Vec::new();
    let mut pos = start;
    loop {
        let Some(eol) = find(&buf[pos..], b"\r\n") else {
            return Ok(None);
        };
        let size_text = std::str::from_utf8(&buf[pos..pos + eol])?;
        let size = usize::from_str_radix(size_text.split(';').next().unwrap_or("").trim(), 16)?;
        let data = pos + eol + 2;
        if size == 0 {
            // No trailers from this server: the body ends with one more CRLF.
            if buf.len() < data + 2 {
                return Ok(None);
            }
            break;
        }
        if buf.len() < data + size + 2 {
            return Ok(None);
        }
        spans.push((data, size));
        pos = data + size + 2;
    }
    let mut out = start;
    for (from, size) in spans {
        buf.copy_within(from..from + size, out);
        out += size;
    }
    Ok(Some(out - start))
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Endpoint {
    Livez,
    LookupApi,
    LookupPage,
}

impl Endpoint {
    fn label(self) -> &'static str {
        match self {
            Self::Livez => "GET /livez",
            Self::LookupApi => "GET /api/v1/lookup/{number}",
            Self::LookupPage => "GET /lookup?number={number}",
        }
    }

    fn path(self, out: &mut String, number: &str) {
        out.clear();
        match self {
            Self::Livez => out.push_str("/livez"),
            Self::LookupApi => {
                out.push_str("/api/v1/lookup/");
                out.push_str(number);
            }
            Self::LookupPage => {
                out.push_str("/lookup?number=");
                out.push_str(number);
            }
        }
    }

    /// Whether a 200 body says what it should about `number`.
    fn body_ok(self, body: &[u8], number: &str) -> bool {
        let Ok(text) = std::str::from_utf8(body) else {
            return false;
        };
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

#[derive(Default)]
struct Tally {
    /// Latency in microseconds of every request started inside the measured window.
    latencies: Vec<u32>,
    not_ok: u64,
    first_failure: Option<String>,
    checked: u64,
}

/// xorshift64*: cheap, and enough to spread lookups over the numbers.
fn next_random(state: &mut u64) -> u64 {
    *state ^= *state >> 12;
    *state ^= *state << 25;
    *state ^= *state >> 27;
    state.wrapping_mul(0x2545_F491_4F6C_DD1D)
}

async fn worker(
    addr: SocketAddr,
    endpoint: Endpoint,
    numbers: Arc<Vec<String>>,
    seed: u64,
    measure_from: Instant,
    until: Instant,
) -> Result<Tally> {
    let mut conn = Conn::open(addr).await?;
    let mut rng = seed | 1;
    let mut path = String::with_capacity(64);
    let mut tally = Tally::default();
    let mut n = 0u64;
    loop {
        let start = Instant::now();
        if start >= until {
            break;
        }
        let number = if endpoint == Endpoint::Livez {
            ""
        } else {
            let i = next_random(&mut rng) % numbers.len() as u64;
            numbers[usize::try_from(i)?].as_str()
        };
        endpoint.path(&mut path, number);
        let (status, body) = conn.get(&path).await?;
        let micros = u32::try_from(start.elapsed().as_micros()).unwrap_or(u32::MAX);
        n += 1;
        let check = n % CHECK_EVERY == 1;
        let failure = if status != 200 {
            Some(format!(
                "{path}: HTTP {status}: {}",
                String::from_utf8_lossy(&body[..body.len().min(300)])
            ))
        } else if check && !endpoint.body_ok(body, number) {
            Some(format!(
                "{path}: unexpected body: {}",
                String::from_utf8_lossy(&body[..body.len().min(300)])
            ))
        } else {
            None
        };
        if check {
            tally.checked += 1;
        }
        if let Some(f) = failure {
            tally.not_ok += 1;
            tally.first_failure.get_or_insert(f);
        }
        if start >= measure_from {
            tally.latencies.push(micros);
        }
    }
    Ok(tally)
}

struct Measured {
    rate: f64,
    p50_ms: f64,
    p99_ms: f64,
    requests: u64,
}

async fn measure(
    addr: SocketAddr,
    endpoint: Endpoint,
    numbers: &Arc<Vec<String>>,
    connections: u64,
    seconds: u64,
) -> Result<Measured> {
    let measure_from = Instant::now() + WARM_UP;
    let window = Duration::from_secs(seconds);
    let until = measure_from + window;
    let mut tasks = Vec::new();
    for c in 0..connections {
        tasks.push(tokio::spawn(worker(
            addr,
            endpoint,
            numbers.clone(),
            0x9E37_79B9_7F4A_7C15 ^ (c + 1).wrapping_mul(0xD1B5_4A32_D192_ED03),
            measure_from,
            until,
        )));
    }
    let mut all = Vec::new();
    let (mut not_ok, mut checked, mut first_failure) = (0u64, 0u64, None);
    for t in tasks {
        let tally = t.await??;
        all.extend_from_slice(&tally.latencies);
        not_ok += tally.not_ok;
        checked += tally.checked;
        if first_failure.is_none() {
            first_failure = tally.first_failure;
        }
    }
    if not_ok > 0 {
        return Err(format!(
            "{}: {not_ok} responses were not 200 with the expected body; first: {}",
            endpoint.label(),
            first_failure.unwrap_or_default()
        )
        .into());
    }
    if all.is_empty() || checked == 0 {
        return Err(format!("{}: no requests completed", endpoint.label()).into());
    }
    all.sort_unstable();
    let pct = |p: usize| f64::from(all[(all.len() * p / 100).min(all.len() - 1)]) / 1000.0;
    let m = Measured {
        rate: all.len() as f64 / window.as_secs_f64(),
        p50_ms: pct(50),
        p99_ms: pct(99),
        requests: all.len() as u64,
    };
    println!(
        "  {:<30} {:>7} req/s   p50 {:>6.2} ms   p99 {:>6.2} ms   ({} requests in {seconds} s, {} bodies checked, all 200)",
        endpoint.label(),
        thousands(m.rate as u64),
        m.p50_ms,
        m.p99_ms,
        thousands(m.requests),
        thousands(checked),
    );
    Ok(m)
}

/// A few lookups one by one before the load, so that a broken fixture fails clearly.
async fn preflight(addr: SocketAddr, numbers: &[String]) -> Result<()> {
    let mut conn = Conn::open(addr).await?;
    let picks = [0, numbers.len() / 2, numbers.len() - 1];
    for endpoint in [Endpoint::Livez, Endpoint::LookupApi, Endpoint::LookupPage] {
        for &i in &picks {
            let number = numbers[i].as_str();
            let mut path = String::new();
            endpoint.path(&mut path, number);
            let (status, body) = conn.get(&path).await?;
            if status != 200 || !endpoint.body_ok(body, number) {
                return Err(format!(
                    "preflight {path}: HTTP {status}: {}",
                    String::from_utf8_lossy(&body[..body.len().min(500)])
                )
                .into());
            }
        }
    }
    Ok(())
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

struct Results {
    livez: Measured,
    api: Measured,
    page: Measured,
}

async fn load(cfg: (u64, u64), addr: SocketAddr, numbers: Arc<Vec<String>>) -> Result<Results> {
    let (connections, seconds) = cfg;
    preflight(addr, &numbers).await?;
    println!(
        "load: {connections} keep-alive connections, one request at a time each, {} s warm-up + {seconds} s per endpoint",
        WARM_UP.as_secs()
    );
    let livez = measure(addr, Endpoint::Livez, &numbers, connections, seconds).await?;
    let api = measure(addr, Endpoint::LookupApi, &numbers, connections, seconds).await?;
    let page = measure(addr, Endpoint::LookupPage, &numbers, connections, seconds).await?;
    Ok(Results { livez, api, page })
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
    println!(
        "machine: {cpus} CPUs, shared by the server ({cpus} tokio workers + database threads) and \
         the load generator (1 thread) — absolute figures understate a dedicated server; the ratio is what to compare"
    );

    if std::env::var("JIANFU_BENCH_EXPERIMENT").is_ok() {
        server_rt.block_on(experiment(&fixture.app, &fixture.numbers))?;
        return Ok(());
    }
    let direct = server_rt.block_on(direct_lookups(
        &fixture.app,
        &fixture.numbers,
        cfg.connections,
        cfg.seconds,
    ))?;
    println!(
        "in-process App::lookup (no HTTP, {} concurrent tasks): {} calls/s",
        cfg.connections,
        thousands(direct as u64)
    );
    let (addr, numbers) = (fixture.addr, fixture.numbers.clone());
    let load_cfg = (cfg.connections, cfg.seconds);
    let client = std::thread::Builder::new()
        .name("bench-client".into())
        .spawn(move || -> Result<Results> {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()?;
            rt.block_on(load(load_cfg, addr, numbers))
        })?;
    let results = client
        .join()
        .map_err(|_| "the load generator thread panicked")?;

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
    let r = results?;

    let verdict = |ratio: f64| {
        if ratio >= TARGET_RATIO {
            "meets target"
        } else {
            "BELOW target"
        }
    };
    let n = thousands(cfg.demands);
    let api_ratio = r.api.rate / r.livez.rate;
    let page_ratio = r.page.rate / r.livez.rate;
    println!();
    println!(
        "lookup ({n} demands): {} req/s, p99 {:.1} ms | trivial /livez: {} req/s, p99 {:.1} ms | ratio {api_ratio:.2} (target ≥ {TARGET_RATIO}, {})",
        thousands(r.api.rate as u64),
        r.api.p99_ms,
        thousands(r.livez.rate as u64),
        r.livez.p99_ms,
        verdict(api_ratio),
    );
    println!(
        "lookup page /lookup ({n} demands): {} req/s, p99 {:.1} ms | ratio {page_ratio:.2} to /livez",
        thousands(r.page.rate as u64),
        r.page.p99_ms,
    );
    println!(
        "({cpus} CPUs shared by client and server, {} connections, {} s each)",
        cfg.connections, cfg.seconds
    );
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
