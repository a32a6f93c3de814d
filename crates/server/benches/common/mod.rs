//! What the server benchmarks share: settings from the environment, and load generation with
//! `wrk` (Debian package `wrk`) against the in-process server — interleaved rounds of a
//! trivial baseline endpoint and the endpoint under test, each round reported, the ratio taken
//! per round and its median reported. Each bench uses part of this.
#![allow(dead_code)]

use std::fmt::Write as _;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::Command;

pub type BoxError = Box<dyn std::error::Error + Send + Sync>;
pub type Result<T> = std::result::Result<T, BoxError>;

/// A whole number from the environment (`_` and `,` allowed as separators), or `default`.
pub fn env_u64(name: &str, default: u64) -> Result<u64> {
    match std::env::var(name) {
        Ok(v) if !v.trim().is_empty() => {
            let v = v.trim().replace(['_', ','], "");
            v.parse()
                .map_err(|e| format!("{name}={v} is not a whole number: {e}").into())
        }
        _ => Ok(default),
    }
}

/// `1234567` → `1,234,567`.
pub fn thousands(n: u64) -> String {
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

/// The median of `values` (mean of the middle two for an even count); 0 when empty.
pub fn median(values: &[f64]) -> f64 {
    let mut v: Vec<f64> = values.iter().copied().filter(|x| x.is_finite()).collect();
    if v.is_empty() {
        return 0.0;
    }
    v.sort_by(f64::total_cmp);
    let m = v.len() / 2;
    if v.len() % 2 == 1 {
        v[m]
    } else {
        (v[m - 1] + v[m]) / 2.0
    }
}

pub fn verdict(ratio: f64, target: f64) -> &'static str {
    if ratio >= target { "PASS" } else { "FAIL" }
}

// ---------------------------------------------------------------------------------------------
// wrk.

/// How to drive the load: `JIANFU_BENCH_THREADS` wrk threads (default 2),
/// `JIANFU_BENCH_CONNECTIONS` keep-alive connections (default 32), `JIANFU_BENCH_SECONDS` per
/// endpoint and round (default 5), `JIANFU_BENCH_ROUNDS` interleaved rounds (default 3), after
/// one unreported warm-up run of `JIANFU_BENCH_WARMUP_SECONDS` (default 2) per endpoint.
#[derive(Clone, Debug)]
pub struct LoadConfig {
    pub wrk: PathBuf,
    pub threads: u64,
    pub connections: u64,
    pub seconds: u64,
    pub rounds: u64,
    pub warmup_seconds: u64,
}

impl LoadConfig {
    /// Finds `wrk` first, so that a missing tool stops the bench before any data is generated.
    pub fn from_env() -> Result<Self> {
        let wrk = find_wrk()?;
        let connections = env_u64("JIANFU_BENCH_CONNECTIONS", 32)?.max(1);
        Ok(Self {
            wrk,
            threads: env_u64("JIANFU_BENCH_THREADS", 2)?.clamp(1, connections),
            connections,
            seconds: env_u64("JIANFU_BENCH_SECONDS", 5)?.max(1),
            rounds: env_u64("JIANFU_BENCH_ROUNDS", 3)?.max(1),
            warmup_seconds: env_u64("JIANFU_BENCH_WARMUP_SECONDS", 2)?,
        })
    }

    pub fn describe(&self) -> String {
        format!(
            "wrk, {} threads, {} keep-alive connections, {} rounds × {} s per endpoint (after a {} s warm-up each)",
            self.threads, self.connections, self.rounds, self.seconds, self.warmup_seconds
        )
    }
}

/// `wrk` from `JIANFU_BENCH_WRK` or the `PATH`; a clear error telling how to install it when
/// it is missing.
pub fn find_wrk() -> Result<PathBuf> {
    if let Some(p) = std::env::var_os("JIANFU_BENCH_WRK").filter(|p| !p.is_empty()) {
        let p = PathBuf::from(p);
        return if p.is_file() {
            Ok(p)
        } else {
            Err(format!("JIANFU_BENCH_WRK={} is not a file", p.display()).into())
        };
    }
    let found = std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|dir| dir.join("wrk"))
            .find(|p| p.is_file())
    });
    found.ok_or_else(|| {
        "the HTTP load generator `wrk` was not found on PATH. Install it \
         (Debian/Ubuntu: `sudo apt install wrk`) or point JIANFU_BENCH_WRK at the binary, \
         then run the benchmark again"
            .into()
    })
}

/// An endpoint to load: a label for the report and the request paths, picked at random by
/// each connection (one path for a fixed URL).
pub struct Target {
    pub label: String,
    script: PathBuf,
}

impl Target {
    /// Writes the request paths and a wrk Lua script for them into `dir`. Every target, also a
    /// single fixed URL, goes through the same script (a `request()` function picking a path
    /// at random), so that the client's per-request cost is the same for baseline and subject.
    pub fn new(dir: &Path, name: &str, label: &str, paths: &[String]) -> Result<Self> {
        if paths.is_empty() {
            return Err(format!("{label}: no request paths").into());
        }
        let list = dir.join(format!("{name}.paths"));
        let mut text = String::with_capacity(paths.iter().map(|p| p.len() + 1).sum());
        for p in paths {
            if !p.starts_with('/') || p.contains(['\n', '\r', ' ']) {
                return Err(format!("{label}: bad request path {p:?}").into());
            }
            text.push_str(p);
            text.push('\n');
        }
        std::fs::write(&list, text)?;
        let script = dir.join(format!("{name}.lua"));
        std::fs::write(&script, lua_script(&list)?)?;
        Ok(Self {
            label: label.to_owned(),
            script,
        })
    }
}

/// A Lua string literal.
fn lua_string(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            c if c.is_ascii_graphic() || c == ' ' => out.push(c),
            c => {
                let mut buf = [0u8; 4];
                for b in c.encode_utf8(&mut buf).bytes() {
                    out.push_str(&format!("\\{b}"));
                }
            }
        }
    }
    out.push('"');
    out
}

/// The marker of the one line `done()` prints for [`run_wrk`] to read.
const REPORT: &str = "JIANFU-WRK";

fn lua_script(paths_file: &Path) -> Result<String> {
    let file = paths_file
        .to_str()
        .ok_or("the temporary directory's path is not UTF-8")?;
    let mut s = String::new();
    write!(
        s,
        r#"-- Written by the jianfu benchmark: GET a random path of the list, report in one line.
local paths_file = {file}
local next_id = 0

function setup(thread)
  next_id = next_id + 1
  thread:set("thread_id", next_id)
end

function init(args)
  paths = {{}}
  for line in io.lines(paths_file) do
    if #line > 0 then paths[#paths + 1] = line end
  end
  n = #paths
  math.randomseed(thread_id * 7919 + os.time())
end

function request()
  return wrk.format("GET", paths[math.random(n)])
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    "{REPORT} requests=%d duration_us=%d connect=%d read=%d write=%d status=%d timeout=%d p50_us=%d p99_us=%d\n",
    summary.requests, summary.duration, e.connect, e.read, e.write, e.status, e.timeout,
    math.floor(latency:percentile(50)), math.floor(latency:percentile(99))))
end
"#,
        file = lua_string(file),
    )?;
    Ok(s)
}

/// What one wrk run measured.
#[derive(Clone, Debug)]
pub struct WrkRun {
    pub requests: u64,
    pub seconds: f64,
    pub rate: f64,
    pub p50_ms: f64,
    pub p99_ms: f64,
    /// Responses that were not 2xx/3xx.
    pub bad_status: u64,
    /// Socket errors: connect + read + write + timeout.
    pub socket_errors: u64,
}

/// Reads the line our `done()` prints.
fn parse_report(stdout: &str) -> Result<WrkRun> {
    let line = stdout
        .lines()
        .find(|l| l.starts_with(REPORT))
        .ok_or("wrk printed no report line")?;
    let get = |key: &str| -> Result<u64> {
        let prefix = format!("{key}=");
        line.split_whitespace()
            .find_map(|w| w.strip_prefix(prefix.as_str()))
            .ok_or_else(|| format!("wrk report without {key}: {line}"))?
            .parse::<u64>()
            .map_err(|e| format!("wrk report {key}: {e}: {line}").into())
    };
    let requests = get("requests")?;
    let seconds = get("duration_us")? as f64 / 1e6;
    let socket_errors = get("connect")? + get("read")? + get("write")? + get("timeout")?;
    Ok(WrkRun {
        requests,
        seconds,
        rate: requests as f64 / seconds.max(1e-9),
        p50_ms: get("p50_us")? as f64 / 1000.0,
        p99_ms: get("p99_us")? as f64 / 1000.0,
        bad_status: get("status")?,
        socket_errors,
    })
}

/// Runs wrk against `addr` with `target`'s script for `seconds`. A run with a non-2xx
/// response is an error: the benchmark measures answers, not refusals.
pub fn run_wrk(
    cfg: &LoadConfig,
    addr: SocketAddr,
    target: &Target,
    seconds: u64,
) -> Result<WrkRun> {
    let out = Command::new(&cfg.wrk)
        .arg("-t")
        .arg(cfg.threads.to_string())
        .arg("-c")
        .arg(cfg.connections.to_string())
        .arg("-d")
        .arg(format!("{seconds}s"))
        .arg("--timeout")
        .arg("10s")
        .arg("-s")
        .arg(&target.script)
        .arg(format!("http://{addr}/"))
        .output()
        .map_err(|e| format!("could not run {}: {e}", cfg.wrk.display()))?;
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    if !out.status.success() {
        return Err(format!(
            "{}: wrk exited with {}:\n{stdout}\n{stderr}",
            target.label, out.status
        )
        .into());
    }
    let run = parse_report(&stdout)
        .map_err(|e| format!("{}: {e}; wrk said:\n{stdout}\n{stderr}", target.label))?;
    if run.requests == 0 {
        return Err(format!("{}: no requests completed:\n{stdout}", target.label).into());
    }
    if run.bad_status > 0 {
        return Err(format!(
            "{}: {} of {} responses were not 2xx/3xx",
            target.label, run.bad_status, run.requests
        )
        .into());
    }
    Ok(run)
}

/// One round: the baseline's run, then each subject's.
pub struct Round {
    pub baseline: WrkRun,
    pub subjects: Vec<WrkRun>,
}

impl Round {
    /// Subject `i`'s rate over the baseline's rate of the same round.
    pub fn ratio(&self, i: usize) -> f64 {
        self.subjects[i].rate / self.baseline.rate
    }
}

fn print_run(round: &str, label: &str, r: &WrkRun, ratio: Option<f64>) {
    let ratio = ratio.map_or_else(String::new, |x| format!("   ratio {x:.3}"));
    let errors = if r.socket_errors > 0 {
        format!("   ({} socket errors)", r.socket_errors)
    } else {
        String::new()
    };
    println!(
        "  {round:<8} {label:<34} {:>8} req/s   p50 {:>7.2} ms   p99 {:>7.2} ms   {:>9} requests{ratio}{errors}",
        thousands(r.rate.round() as u64),
        r.p50_ms,
        r.p99_ms,
        thousands(r.requests),
    );
}

/// A warm-up run of each target (not reported), then `cfg.rounds` rounds of baseline,
/// subject, subject, …; prints each run as it completes.
pub fn interleaved(
    cfg: &LoadConfig,
    addr: SocketAddr,
    baseline: &Target,
    subjects: &[&Target],
) -> Result<Vec<Round>> {
    if cfg.warmup_seconds > 0 {
        for t in std::iter::once(baseline).chain(subjects.iter().copied()) {
            let r = run_wrk(cfg, addr, t, cfg.warmup_seconds)?;
            print_run("warm-up", &t.label, &r, None);
        }
    }
    let mut rounds = Vec::new();
    for n in 1..=cfg.rounds {
        let name = format!("round {n}");
        let b = run_wrk(cfg, addr, baseline, cfg.seconds)?;
        print_run(&name, &baseline.label, &b, None);
        let mut subs = Vec::new();
        for t in subjects {
            let r = run_wrk(cfg, addr, t, cfg.seconds)?;
            print_run(&name, &t.label, &r, Some(r.rate / b.rate));
            subs.push(r);
        }
        rounds.push(Round {
            baseline: b,
            subjects: subs,
        });
    }
    Ok(rounds)
}

/// The median over rounds of the baseline's and subject `i`'s rates and of their ratio.
pub fn medians(rounds: &[Round], i: usize) -> (f64, f64, f64) {
    let b: Vec<f64> = rounds.iter().map(|r| r.baseline.rate).collect();
    let s: Vec<f64> = rounds.iter().map(|r| r.subjects[i].rate).collect();
    let q: Vec<f64> = rounds.iter().map(|r| r.ratio(i)).collect();
    (median(&b), median(&s), median(&q))
}

/// The ratios of subject `i`, round by round, e.g. `0.41, 0.44, 0.39`.
pub fn ratios_text(rounds: &[Round], i: usize) -> String {
    rounds
        .iter()
        .map(|r| format!("{:.3}", r.ratio(i)))
        .collect::<Vec<_>>()
        .join(", ")
}
