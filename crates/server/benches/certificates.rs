//! Certificates (issue 4): how fast a community issues sealed certificates, and how fast the
//! public verification endpoint answers — each as a ratio to a baseline measured in the same
//! run, so that the figures survive a busy or a different machine:
//!
//! - **issue** — `App::issue_certificate` as the demo worker on applications the demo resident
//!   made up front (type `residence`): SM2 signature over the content, PDF render (with its own
//!   SM2 file signature), the current `ses-v4` format (the demo seal is a GB/T 38540 seal: the
//!   PDF's `/Sig` field, a detached CMS signed by the worker's PKI signer certificate, and the
//!   signed OFD; checked on the warm-up certificate and on the format of every issue), and one
//!   durable transaction with the certificate, the seal-ledger row and the audit entry. Throughput is measured with `JIANFU_BENCH_ISSUE_CONCURRENCY` issues
//!   in flight (default 2 × CPUs, as several workers issue at once), and one at a time for the
//!   latency. Baseline: raw single-row durable commits (one INSERT per transaction) on a
//!   SQLite file with the same settings (WAL, synchronous=FULL, opened with `Store::connect`)
//!   in the same directory, one at a time and with the same number in flight — the higher of
//!   the two is the baseline. Ratio: concurrent issues/s ÷ that. Target ≥ 0.1. Interleaved
//!   rounds. Issues whose transactions queue up behind each other share one durable commit
//!   (the store's group commit; each round prints the writes per commit); the raw commits of
//!   the baseline are one transaction each, as the issue defines them.
//! - **SM2** — sign and verify ops/s (`jianfu_seal`), and the other stages of an issue and of a
//!   verification timed alone (seal, render, verify), to show what an issue or a verification
//!   costs.
//! - **verify** — `GET /api/v1/verify?serial=…&code=…` over every issued certificate against
//!   the real server (in-process, 127.0.0.1) with `wrk`, as a ratio to `GET /livez` of the same
//!   server, interleaved rounds. Target ≥ 0.5. Only valid serial + code pairs are sent (failed
//!   attempts are rate-limited per client address).
//!
//! ```sh
//! cargo bench -p jianfu-server --bench certificates
//! ```
//!
//! Needs `wrk` (`apt install wrk`). Environment: `JIANFU_BENCH_ISSUE_ROUNDS` (default 3),
//! `JIANFU_BENCH_ISSUES_PER_ROUND` (default 200: three quarters issued concurrently, a quarter
//! one at a time), `JIANFU_BENCH_ISSUE_CONCURRENCY` (default 2 × CPUs),
//! `JIANFU_BENCH_COMMIT_SECONDS` per baseline measurement (default 2), and for the HTTP part `JIANFU_BENCH_ROUNDS`, `JIANFU_BENCH_SECONDS`,
//! `JIANFU_BENCH_THREADS`, `JIANFU_BENCH_CONNECTIONS`, `JIANFU_BENCH_WARMUP_SECONDS` (see
//! `common/mod.rs`). It always exits 0 once measured — PASS/FAIL is printed, not enforced.

mod common;

use std::hint::black_box;
use std::net::SocketAddr;
use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use common::{
    LoadConfig, Result, Target, env_u64, interleaved, median, medians, ratios_text, thousands,
    verdict,
};
use jianfu_domain::auth::PasswordHasher;
use jianfu_domain::certificate::ApplicationForm;
use jianfu_domain::{App, Clock, Ctx};
use jianfu_seal::{
    RenderOptions, SealKey, SealedCertificate, render_pdf, seal_certificate, sign_seal_record,
    verify_sealed,
};
use jianfu_server::{AppState, ServerConfig};
use jianfu_store::entity::{account, certificate};
use jianfu_store::orm::{
    ColumnTrait, ConnectionTrait, DbBackend, EntityTrait, QueryFilter, QueryOrder, Statement,
    TransactionTrait,
};
use jianfu_store::{AuditKey, Store};

/// The issue's targets.
const ISSUE_TARGET: f64 = 0.1;
const VERIFY_TARGET: f64 = 0.5;
/// Issues before the measured rounds, not counted (first use of the seal, caches).
const ISSUE_WARM_UP: u64 = 5;
/// CPU-only stage timings: warm-up and measured time per row.
const STAGE_WARM_UP: Duration = Duration::from_millis(300);
const STAGE_MEASURE: Duration = Duration::from_secs(2);

struct Config {
    issue_rounds: u64,
    issues_per_round: u64,
    issue_concurrency: usize,
    commit_seconds: u64,
    load: LoadConfig,
}

impl Config {
    fn from_env() -> Result<Self> {
        Ok(Self {
            load: LoadConfig::from_env()?,
            issue_rounds: env_u64("JIANFU_BENCH_ISSUE_ROUNDS", 3)?.max(1),
            issues_per_round: env_u64("JIANFU_BENCH_ISSUES_PER_ROUND", 200)?.max(4),
            issue_concurrency: usize::try_from(env_u64(
                "JIANFU_BENCH_ISSUE_CONCURRENCY",
                2 * u64::try_from(cpus())?,
            )?)?
            .max(1),
            commit_seconds: env_u64("JIANFU_BENCH_COMMIT_SECONDS", 2)?.max(1),
        })
    }
}

fn cpus() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

async fn demo_ctx(app: &App, username: &str) -> Result<Ctx> {
    let a = account::Entity::find()
        .filter(account::Column::Username.eq(username))
        .one(app.store.db())
        .await?
        .ok_or_else(|| format!("demo account {username} missing"))?;
    Ok(Ctx::new(app.principal(&a).await?, None))
}

// ---------------------------------------------------------------------------------------------
// a. Baseline: raw single-row durable commits.

/// A SQLite file next to the product's, opened by the store with the same settings (WAL,
/// synchronous=FULL, checked by `Store::connect`), with one small table.
async fn baseline_store(dir: &std::path::Path) -> Result<Store> {
    let url = format!("sqlite://{}", dir.join("baseline.db").display());
    let store = Store::connect(&url, AuditKey::new(rand::random::<[u8; 32]>().to_vec())?).await?;
    store
        .db()
        .execute_unprepared(
            "CREATE TABLE bench_commit (id INTEGER PRIMARY KEY, at INTEGER NOT NULL, payload TEXT NOT NULL)",
        )
        .await?;
    Ok(store)
}

/// One INSERT of a row with `payload` bytes per transaction, `in_flight` tasks each committing
/// one transaction after another, for `seconds`: commits/s.
async fn commits_per_second(
    store: &Store,
    seconds: u64,
    payload: usize,
    in_flight: usize,
) -> Result<f64> {
    let payload: Arc<str> = "x".repeat(payload).into();
    let until = Instant::now() + Duration::from_secs(seconds);
    let start = Instant::now();
    let mut tasks = Vec::new();
    for _ in 0..in_flight {
        let db = store.db().clone();
        let payload = payload.clone();
        tasks.push(tokio::spawn(async move {
            let mut n = 0u64;
            while Instant::now() < until {
                let txn = db.begin().await?;
                txn.execute_raw(Statement::from_sql_and_values(
                    DbBackend::Sqlite,
                    "INSERT INTO bench_commit (at, payload) VALUES (?, ?)",
                    [i64::try_from(n)?.into(), payload.as_ref().into()],
                ))
                .await?;
                txn.commit().await?;
                n += 1;
            }
            Ok::<_, common::BoxError>(n)
        }));
    }
    let mut n = 0u64;
    for t in tasks {
        n += t.await??;
    }
    Ok(n as f64 / start.elapsed().as_secs_f64())
}

// ---------------------------------------------------------------------------------------------
// b. Issuing.

/// Characters the addresses in the applications are made of, so that no two certificates use
/// quite the same letters (as residents' names and addresses differ): the PDF embeds the subset
/// of the font its text uses, and a run of identical texts would let that work be remembered.
const ADDRESS_CHARS: &str = "安宝北昌朝晨春翠大德东芳丰福富港光广桂海和河红虹湖华欢辉惠吉佳建江金锦景静俊康兰乐利莲林龙绿美明宁平启青庆泉荣瑞山胜盛石顺松泰桃天通同万旺文西喜祥新兴秀旭阳怡永友玉园远月云泽长振正志中竹紫";

/// The `k`-th of the letters that text number `i` is varied with.
fn letter(i: usize, k: usize) -> char {
    let chars: Vec<char> = ADDRESS_CHARS.chars().collect();
    chars[(i * 7 + k * 31) % chars.len()]
}

/// The demo resident applies `n` times for a residence certificate; returns application ids.
async fn apply_many(app: &App, resident: &Ctx, n: u64) -> Result<Vec<i64>> {
    let mut ids = Vec::new();
    for i in 0..usize::try_from(n)? {
        let pick = |k| letter(i, k);
        let form = ApplicationForm {
            type_code: "residence".into(),
            applicant_name: "示例居民张三".into(),
            id_number: jianfu_domain::bootstrap::DEMO_ID_NUMBER.into(),
            purpose: "子女入学".into(),
            details: format!(
                "自2019年3月起居住于{}{}街{}{}小区{}号。",
                pick(1),
                pick(2),
                pick(3),
                pick(4),
                i + 1
            ),
            ..Default::default()
        };
        let a = app.apply_certificate(resident, &form, &[]).await?;
        if a.status != "submitted" {
            return Err(format!("application {} is {}, not submitted", a.id, a.status).into());
        }
        ids.push(a.id);
    }
    Ok(ids)
}

/// Issues on every application, `in_flight` at a time (each task takes the next application
/// when its issue is done): issues/s. Every issue must come back with its certificate.
async fn issue_all(app: &App, worker: &Ctx, ids: &[i64], in_flight: usize) -> Result<f64> {
    let ids: Arc<[i64]> = ids.into();
    let next = Arc::new(AtomicUsize::new(0));
    let start = Instant::now();
    let mut tasks = Vec::new();
    for _ in 0..in_flight.min(ids.len()) {
        let (app, worker, ids, next) = (app.clone(), worker.clone(), ids.clone(), next.clone());
        tasks.push(tokio::spawn(async move {
            loop {
                let Some(&id) = ids.get(next.fetch_add(1, Ordering::Relaxed)) else {
                    return Ok::<_, common::BoxError>(());
                };
                let issued = app.issue_certificate(&worker, id).await?;
                // The current issuing path: GB/T 38540 seal, PKI signer certificate, CMS /Sig
                // in the PDF and a signed OFD ("ses-v4"), not the old JSON-only format.
                if issued.status != "issued"
                    || !issued.serial.starts_with("ZM-")
                    || issued.format != "ses-v4"
                {
                    return Err(format!("application {id}: issued as {issued:?}").into());
                }
            }
        }));
    }
    for t in tasks {
        t.await??;
    }
    Ok(ids.len() as f64 / start.elapsed().as_secs_f64())
}

/// The warm-up's last certificate as issued: its PDF carries a `/Sig` field (detached CMS,
/// SM2) and its OFD a GM/T 0099 signature, both by a signer certificate that chains to the
/// seal authority's root — what every measured issue then does too (`issue_all` checks the
/// format of each).
async fn check_issuing_path(app: &App, worker: &Ctx) -> Result<()> {
    let row = certificate::Entity::find()
        .order_by_desc(certificate::Column::Id)
        .one(app.store.db())
        .await?
        .ok_or("no certificate was issued")?;
    let root = jianfu_seal::pki::TrustedRoot::new(app.root_certificate().await?)?;
    let (_, _, pdf) = app.certificate_document(worker, row.id).await?;
    let sig = jianfu_seal::pdf_sign::verify_pdf_signature(&pdf, &root, &[])?;
    let (_, ofd_bytes) = app.certificate_ofd(worker, row.id).await?;
    let ofd = jianfu_seal::ofd::verify_ofd(&ofd_bytes, &root, &[])?;
    println!(
        "issuing path: {} ({}): PDF ({} B) /Sig {} by {}, OFD ({} B) with {} signature(s) — verified against the root",
        row.serial,
        row.format,
        thousands(pdf.len() as u64),
        sig.sub_filter,
        sig.signer.common_name,
        thousands(ofd_bytes.len() as u64),
        ofd.signatures.len()
    );
    Ok(())
}

/// Reads the application view (what its page shows after an issue), for each id: views/s.
async fn views_per_second(app: &App, worker: &Ctx, ids: &[i64]) -> Result<f64> {
    let start = Instant::now();
    for &id in ids {
        black_box(app.application(worker, id).await?);
    }
    Ok(ids.len() as f64 / start.elapsed().as_secs_f64())
}

struct IssueRound {
    /// Raw commits/s one at a time, and with as many in flight as issues.
    commits: f64,
    commits_in_flight: f64,
    /// Issues/s with `issue_concurrency` in flight, and one at a time.
    issues: f64,
    issues_serial: f64,
}

impl IssueRound {
    fn baseline(&self) -> f64 {
        self.commits.max(self.commits_in_flight)
    }

    fn ratio(&self) -> f64 {
        self.issues / self.baseline()
    }
}

// ---------------------------------------------------------------------------------------------
// c. SM2 and the other stages alone.

/// Calls `f` in batches for about `STAGE_MEASURE` after a warm-up: calls per second.
fn rate(batch: u64, mut f: impl FnMut() -> Result<()>) -> Result<f64> {
    let warm = Instant::now();
    while warm.elapsed() < STAGE_WARM_UP {
        f()?;
    }
    let start = Instant::now();
    let mut calls = 0u64;
    while start.elapsed() < STAGE_MEASURE {
        for _ in 0..batch {
            f()?;
        }
        calls += batch;
    }
    Ok(calls as f64 / start.elapsed().as_secs_f64())
}

struct Stages {
    sign: f64,
    verify: f64,
    seal: f64,
    render: f64,
    verify_sealed: f64,
    json: f64,
    pdf_bytes: usize,
}

/// On the content of a certificate the product issued (re-sealed with a bench key, as the
/// seal key never leaves the domain): SM2 sign and verify of its canonical bytes, and
/// `seal_certificate`, `render_pdf`, `verify_sealed` and the JSON parse the verify endpoint
/// does, each alone on this thread.
fn stages(stored: &str) -> Result<Stages> {
    let doc: SealedCertificate = serde_json::from_str(stored)?;
    let authority = SealKey::generate();
    let key = SealKey::generate();
    let mut record = doc.seal.record.clone();
    record.public_key = key.public_key();
    let seal = sign_seal_record(record, &authority);
    let content = doc.content.clone();
    let sealed = seal_certificate(content.clone(), &seal, &key)?;
    let opts = RenderOptions::signed(&key);
    let pdf_bytes = render_pdf(&sealed, &opts)?.len();
    let authority_pk = authority.public_key();
    let message = content.canonical_bytes();
    let signature = key.sign_hex(&message);
    let public = key.public_key();
    let json = serde_json::to_string(&sealed)?;
    Ok(Stages {
        sign: rate(64, || {
            black_box(key.sign_hex(black_box(&message)));
            Ok(())
        })?,
        verify: rate(64, || {
            if public.verify_hex(black_box(&message), &signature) {
                Ok(())
            } else {
                Err("SM2 verify failed".into())
            }
        })?,
        seal: rate(16, || {
            black_box(seal_certificate(content.clone(), &seal, &key)?);
            Ok(())
        })?,
        render: {
            // Certificates whose texts differ in a few letters, as real ones do, so that the
            // font subset is made afresh each time (renders of one same text would reuse it).
            let variants = (0..64)
                .map(|i| {
                    let mut c = content.clone();
                    c.body = format!("{}{}{}{}", c.body, letter(i, 1), letter(i, 2), letter(i, 3));
                    seal_certificate(c, &seal, &key)
                })
                .collect::<std::result::Result<Vec<_>, _>>()?;
            let mut next = variants.iter().cycle();
            rate(4, || {
                let doc = next.next().ok_or("no variants")?;
                black_box(render_pdf(black_box(doc), &opts)?);
                Ok(())
            })?
        },
        verify_sealed: rate(16, || {
            verify_sealed(black_box(&sealed), &authority_pk)?;
            Ok(())
        })?,
        json: rate(64, || {
            black_box(serde_json::from_str::<SealedCertificate>(black_box(&json))?);
            Ok(())
        })?,
        pdf_bytes,
    })
}

// ---------------------------------------------------------------------------------------------
// d. Verification over HTTP.

/// Serial and check code of every issued certificate.
async fn issued_pairs(app: &App) -> Result<Vec<(String, String)>> {
    let rows = certificate::Entity::find()
        .filter(certificate::Column::Status.eq("issued"))
        .order_by_asc(certificate::Column::Id)
        .all(app.store.db())
        .await?;
    Ok(rows.into_iter().map(|c| (c.serial, c.check_code)).collect())
}

async fn start_server(app: &App) -> Result<SocketAddr> {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    let state = AppState::new(app.clone(), ServerConfig::default());
    tokio::spawn(async move {
        if let Err(e) = jianfu_server::serve(state, listener, std::future::pending()).await {
            eprintln!("server stopped: {e}");
        }
    });
    Ok(addr)
}

/// Every path once with reqwest before the load: `/livez` says ok and each certificate
/// verifies as authentic — wrk only counts statuses.
async fn preflight(addr: SocketAddr, verify_paths: &[String]) -> Result<()> {
    let client = reqwest::Client::new();
    let body = client
        .get(format!("http://{addr}/livez"))
        .send()
        .await?
        .error_for_status()?
        .text()
        .await?;
    if body.trim() != "ok" {
        return Err(format!("/livez said {body:?}").into());
    }
    for p in verify_paths {
        let r = client.get(format!("http://{addr}{p}")).send().await?;
        let status = r.status();
        let v: serde_json::Value = r.json().await?;
        if !status.is_success() || v["state"] != "authentic" {
            return Err(format!("preflight {p}: HTTP {status}: {v}").into());
        }
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------

fn run() -> Result<()> {
    let cfg = Config::from_env()?;
    let cpus = cpus();
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .thread_name("bench-server")
        .build()?;
    let dir = tempfile::tempdir()?;
    println!(
        "jianfu certificates benchmark — {cpus} CPUs, temporary directory {}",
        dir.path().display()
    );

    // The product's database, seeded with the demo data, and the baseline's file beside it.
    let url = format!("sqlite://{}", dir.path().join("bench.db").display());
    let (app, baseline) = rt.block_on(async {
        let store = Store::open(&url, AuditKey::new(rand::random::<[u8; 32]>().to_vec())?).await?;
        let app = App::new(store, Clock::system(), PasswordHasher::fast_for_tests());
        let t = Instant::now();
        if !app.seed_demo(|_| {}).await? {
            return Err::<_, common::BoxError>("the fresh database was already initialized".into());
        }
        println!("demo data seeded in {:.1} s", t.elapsed().as_secs_f64());
        let baseline = baseline_store(dir.path()).await?;
        Ok((app, baseline))
    })?;
    println!("SQLite: WAL, synchronous=FULL (Store::open / Store::connect check both)");

    // b. Applications up front.
    let total = ISSUE_WARM_UP + cfg.issue_rounds * cfg.issues_per_round;
    let (resident, worker, ids, apply_rate) = rt.block_on(async {
        let resident = demo_ctx(&app, "resident").await?;
        let worker = demo_ctx(&app, "worker").await?;
        let t = Instant::now();
        let ids = apply_many(&app, &resident, total).await?;
        let apply_rate = ids.len() as f64 / t.elapsed().as_secs_f64();
        Ok::<_, common::BoxError>((resident, worker, ids, apply_rate))
    })?;
    drop(resident);
    println!(
        "{} applications (residence, as the demo resident) created: {:.0} applies/s",
        thousands(total),
        apply_rate
    );

    // a + b, interleaved: baseline commits, then a batch of issues, per round.
    let (warm, measured) = ids.split_at(usize::try_from(ISSUE_WARM_UP)?);
    rt.block_on(issue_all(&app, &worker, warm, 1))?;
    rt.block_on(check_issuing_path(&app, &worker))?;
    let c = cfg.issue_concurrency;
    println!(
        "\nissue rounds: {} s of raw commits one at a time and {} s with {c} in flight, then {} issues ({} with {c} in flight, {} one at a time), × {}",
        cfg.commit_seconds,
        cfg.commit_seconds,
        cfg.issues_per_round,
        cfg.issues_per_round - cfg.issues_per_round / 4,
        cfg.issues_per_round / 4,
        cfg.issue_rounds
    );
    let mut issue_rounds = Vec::new();
    for (i, chunk) in measured
        .chunks(usize::try_from(cfg.issues_per_round)?)
        .enumerate()
    {
        let commits = rt.block_on(commits_per_second(&baseline, cfg.commit_seconds, 64, 1))?;
        let commits_in_flight =
            rt.block_on(commits_per_second(&baseline, cfg.commit_seconds, 64, c))?;
        let (concurrent, serial) = chunk.split_at(chunk.len() - chunk.len() / 4);
        let before = app
            .store
            .write_stats()
            .ok_or("the product store is not SQLite")?;
        let issues = rt.block_on(issue_all(&app, &worker, concurrent, c))?;
        let after = app
            .store
            .write_stats()
            .ok_or("the product store is not SQLite")?;
        let per_commit =
            (after.writes - before.writes) as f64 / (after.commits - before.commits).max(1) as f64;
        let issues_serial = rt.block_on(issue_all(&app, &worker, serial, 1))?;
        let r = IssueRound {
            commits,
            commits_in_flight,
            issues,
            issues_serial,
        };
        println!(
            "  round {}  raw FULL commits {:>6.0}/s ({c} in flight {:>6.0}/s)   issue_certificate {c} in flight {:>6.1}/s ({:.1} writes per commit), one at a time {:>6.1}/s ({:.1} ms each)   ratio {:.3}",
            i + 1,
            r.commits,
            r.commits_in_flight,
            r.issues,
            per_commit,
            r.issues_serial,
            1000.0 / r.issues_serial,
            r.ratio()
        );
        issue_rounds.push(r);
    }
    let commits_med = median(
        &issue_rounds
            .iter()
            .map(IssueRound::baseline)
            .collect::<Vec<_>>(),
    );
    let issues_med = median(&issue_rounds.iter().map(|r| r.issues).collect::<Vec<_>>());
    let serial_med = median(
        &issue_rounds
            .iter()
            .map(|r| r.issues_serial)
            .collect::<Vec<_>>(),
    );
    let issue_ratios: Vec<f64> = issue_rounds.iter().map(IssueRound::ratio).collect();
    let issue_ratio = median(&issue_ratios);
    // For the breakdown: a raw commit carrying a row as large as a certificate's PDF, and the
    // view an issue's page reads afterwards.
    let blob_commits = rt.block_on(commits_per_second(
        &baseline,
        cfg.commit_seconds,
        32 * 1024,
        1,
    ))?;
    let views = rt.block_on(views_per_second(&app, &worker, measured))?;

    // c. The stages alone, on this thread (the runtime is idle).
    let last = rt
        .block_on(async {
            certificate::Entity::find()
                .order_by_desc(certificate::Column::Id)
                .one(app.store.db())
                .await
        })?
        .ok_or("no certificate was issued")?;
    // Stored encrypted (personal data at rest): the stages work on the document in clear.
    let stored = app.store.open_personal(
        jianfu_store::personal::CERTIFICATE_DOCUMENT,
        jianfu_store::personal::certificate_row(last.application_id, &last.serial),
        &last.document,
    )?;
    println!(
        "\nstages alone, one thread, {} s each:",
        STAGE_MEASURE.as_secs()
    );
    let st = stages(&stored)?;
    let ms = |rate: f64| 1000.0 / rate;
    println!(
        "  SM2 sign (certificate content)       {:>8.0} ops/s  {:>7.3} ms",
        st.sign,
        ms(st.sign)
    );
    println!(
        "  SM2 verify                           {:>8.0} ops/s  {:>7.3} ms",
        st.verify,
        ms(st.verify)
    );
    println!(
        "  seal_certificate (checks + 1 sign)   {:>8.0} ops/s  {:>7.3} ms",
        st.seal,
        ms(st.seal)
    );
    println!(
        "  render_pdf (PDF {} B + 1 sign)    {:>8.1} ops/s  {:>7.3} ms",
        thousands(st.pdf_bytes as u64),
        st.render,
        ms(st.render)
    );
    println!(
        "  verify_sealed (2 SM2 verifies)       {:>8.0} ops/s  {:>7.3} ms",
        st.verify_sealed,
        ms(st.verify_sealed)
    );
    println!(
        "  parse stored certificate JSON        {:>8.0} ops/s  {:>7.3} ms",
        st.json,
        ms(st.json)
    );
    let issue_ms = ms(serial_med);
    let rest = issue_ms - ms(st.seal) - ms(st.render);
    println!(
        "  → one issue alone ≈ {issue_ms:.2} ms: seal {:.2} ms ({:.0} %) + render {:.2} ms ({:.0} %) + database and the rest {rest:.2} ms ({:.0} %)",
        ms(st.seal),
        100.0 * ms(st.seal) / issue_ms,
        ms(st.render),
        100.0 * ms(st.render) / issue_ms,
        100.0 * rest / issue_ms,
    );
    println!(
        "    for scale: one raw single-row FULL commit {:.2} ms (with a 32 KiB row {:.2} ms); \
         the application view its page shows afterwards {:.2} ms; one apply_certificate \
         (reads + one audited durable commit, no crypto, no PDF) {:.2} ms",
        ms(median(
            &issue_rounds.iter().map(|r| r.commits).collect::<Vec<_>>()
        )),
        ms(blob_commits),
        ms(views),
        ms(apply_rate),
    );

    // d. Verification over HTTP.
    let pairs = rt.block_on(issued_pairs(&app))?;
    let verify_paths: Vec<String> = pairs
        .iter()
        .map(|(s, c)| format!("/api/v1/verify?serial={s}&code={c}"))
        .collect();
    let addr = rt.block_on(start_server(&app))?;
    rt.block_on(preflight(addr, &verify_paths))?;
    let livez = Target::new(dir.path(), "livez", "GET /livez", &["/livez".to_owned()])?;
    let verify = Target::new(
        dir.path(),
        "verify",
        &format!("GET /api/v1/verify ({} certs)", pairs.len()),
        &verify_paths,
    )?;
    println!(
        "\nverification over HTTP: server in-process on {addr} ({cpus} tokio workers), {}; \
         {} valid serial+code pairs, all checked authentic first; the {cpus} CPUs are shared by server and wrk",
        cfg.load.describe(),
        thousands(pairs.len() as u64),
    );
    let rounds = interleaved(&cfg.load, addr, &livez, &[&verify])?;
    let (livez_med, verify_med, verify_ratio) = medians(&rounds, 0);
    rt.shutdown_timeout(Duration::from_secs(2));

    let line = "=".repeat(100);
    println!("\n{line}");
    println!(
        "CERTIFICATES BENCHMARK — ratios to baselines measured in this run (medians over rounds)"
    );
    println!("{line}");
    println!(
        "{:<44} {:>14} {:>14} {:>8} {:>8}  verdict",
        "measure", "value", "baseline", "ratio", "target"
    );
    println!(
        "{:<44} {:>12.1}/s {:>12.0}/s {:>8.3} {:>8}  {}",
        format!("issue ({c} in flight) ÷ raw FULL commits"),
        issues_med,
        commits_med,
        issue_ratio,
        format!("≥ {ISSUE_TARGET}"),
        verdict(issue_ratio, ISSUE_TARGET)
    );
    println!(
        "{:<44} {:>12.0}/s {:>12.0}/s {:>8.3} {:>8}  {}",
        "verify (HTTP, wrk) ÷ /livez",
        verify_med,
        livez_med,
        verify_ratio,
        format!("≥ {VERIFY_TARGET}"),
        verdict(verify_ratio, VERIFY_TARGET)
    );
    println!(
        "{:<44} {:>12.1}/s {:>12.0}/s {:>8.3}",
        "issue (one at a time) ÷ raw FULL commits",
        serial_med,
        commits_med,
        serial_med / commits_med
    );
    println!("{:<44} {:>12.0}/s", "SM2 sign (one thread)", st.sign);
    println!("{:<44} {:>12.0}/s", "SM2 verify (one thread)", st.verify);
    println!(
        "ratio = median of the per-round ratios; per round — issue ratios: {}; verify ratios: {}",
        issue_ratios
            .iter()
            .map(|r| format!("{r:.3}"))
            .collect::<Vec<_>>()
            .join(", "),
        ratios_text(&rounds, 0)
    );
    println!(
        "ISSUE {}   VERIFY {}   ({cpus} CPUs shared by server, wrk and anything else running)",
        verdict(issue_ratio, ISSUE_TARGET),
        verdict(verify_ratio, VERIFY_TARGET)
    );
    println!("{line}");
    drop(dir);
    Ok(())
}

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("certificates benchmark failed: {e}");
            ExitCode::FAILURE
        }
    }
}
