//! `cargo xtask bench`: measurements, printed as a table and written as JSON to
//! `target/bench/`. To add one, write a function returning [`Measurement`]s and list it
//! in [`BENCHES`]; a bench that needs the built site says so and gets its URL.

use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{SystemTime, UNIX_EPOCH};

use crate::fail;
use crate::serve;
use crate::setup::Tools;
use crate::site;
use crate::util::{output, Error, Result};

/// One number.
#[derive(Debug, Clone)]
pub struct Measurement {
    pub name: String,
    pub value: f64,
    pub unit: &'static str,
    /// The most it should be, if there is a budget.
    pub budget: Option<f64>,
}

impl Measurement {
    fn new(name: impl Into<String>, value: f64, unit: &'static str) -> Measurement {
        Measurement { name: name.into(), value, unit, budget: None }
    }

    fn budget(mut self, budget: f64) -> Measurement {
        self.budget = Some(budget);
        self
    }
}

/// What a bench gets to work with.
pub struct Context<'a> {
    pub tools: &'a Tools,
    /// The built site, when the bench asked for it.
    pub dist: Option<PathBuf>,
    /// Where the built site is served.
    pub url: Option<String>,
    /// How many times to repeat a timing.
    pub runs: u32,
}

pub struct Bench {
    pub name: &'static str,
    pub needs_site: bool,
    pub run: fn(&Context) -> Result<Vec<Measurement>>,
}

/// Every bench, in the order they run.
pub const BENCHES: &[Bench] = &[
    Bench { name: "site size", needs_site: true, run: site_size },
    Bench { name: "time to first prompt", needs_site: true, run: time_to_prompt },
    Bench { name: "converge 10k pods", needs_site: false, run: converge_10k },
    Bench { name: "hold 100k pods", needs_site: false, run: hold_100k },
];

/// The control plane's budgets (issue 3): 10,000 pods converge in ≤ 2 s; 100,000
/// pods are held in ≤ 1.5 GB.
const CONVERGE_10K_MS: f64 = 2000.0;
const HOLD_100K_MB: f64 = 1536.0;

/// Runs `crates/core/examples/cluster_bench.rs` in release mode (a process of its own,
/// so its peak memory is its own; built with kubeniwa-core's `bench` feature, which it
/// requires) and reads `ms=… peak_kb=… pods=…`.
fn cluster_bench(cx: &Context, which: &str, limit_s: u64) -> Result<(f64, f64, f64)> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    crate::util::run(Command::new(&cargo).current_dir(&cx.tools.root).args(["build", "--quiet", "--release", "-p", "kubeniwa-core", "--features", "bench", "--example", "cluster_bench"]))?;
    let target = std::env::var("CARGO_TARGET_DIR").map(PathBuf::from).unwrap_or_else(|_| cx.tools.root.join("target"));
    let exe = target.join("release/examples/cluster_bench");
    let out_path = target.join(format!("bench/cluster-{which}.out"));
    fs::create_dir_all(target.join("bench"))?;
    let out = fs::File::create(&out_path)?;
    let status = crate::util::run_with_timeout(Command::new(&exe).arg(which).stdout(out), std::time::Duration::from_secs(limit_s))?;
    match status {
        None => fail!("{which}: did not finish within {limit_s} s"),
        Some(s) if !s.success() => fail!("{which}: exited with {s}"),
        Some(_) => {}
    }
    let text = fs::read_to_string(&out_path)?;
    let field = |k: &str| -> f64 { text.split_whitespace().find_map(|w| w.strip_prefix(k)).and_then(|v| v.parse().ok()).unwrap_or(f64::NAN) };
    Ok((field("ms="), field("peak_kb="), field("pods=")))
}

fn converge_10k(cx: &Context) -> Result<Vec<Measurement>> {
    let (ms, kb, pods) = cluster_bench(cx, "converge", 900)?;
    Ok(vec![
        Measurement::new("time to converge (100 deploy × 100, 100 nodes)", ms, "ms").budget(CONVERGE_10K_MS),
        Measurement::new("peak memory", kb / 1024.0, "MB"),
        Measurement::new("pods running", pods, "pods"),
    ])
}

fn hold_100k(cx: &Context) -> Result<Vec<Measurement>> {
    let (ms, kb, pods) = cluster_bench(cx, "hold", 1800)?;
    Ok(vec![
        Measurement::new("peak memory (1000 deploy × 100, 1000 nodes)", kb / 1024.0, "MB").budget(HOLD_100K_MB),
        Measurement::new("time to converge", ms, "ms"),
        Measurement::new("pods running", pods, "pods"),
    ])
}

/// The page's budget before the first prompt.
const FIRST_PROMPT_MS: f64 = 300.0;
const FIRST_PROMPT_BROTLI_KB: f64 = 1000.0;

/// What the browser fetches before the first prompt (relative to dist/). The page
/// shows the prompt before the simulation's worker answers (`Session::start`).
const BEFORE_PROMPT: &[&str] = &[
    "index.html",
    "style.css",
    "build/terminal.css",
    "boot.js",
    "build/terminal.js",
    "app.js",
    "app_bg.wasm",
];

/// The simulation's worker, loaded in parallel with the page: commands typed at the
/// first prompt run when it answers.
const SIMULATION: &[&str] = &["worker_loader.js", "worker.js", "worker_bg.wasm"];

/// Runs every bench, or with `site_only` those that measure the built site.
pub fn bench(tools: &Tools, runs: u32, site_only: bool) -> Result<()> {
    let benches: Vec<&Bench> = BENCHES.iter().filter(|b| b.needs_site || !site_only).collect();
    let needs_site = benches.iter().any(|b| b.needs_site);
    let (dist, server) = if needs_site {
        let dist = site::build(tools, Path::new("dist"))?;
        let server = serve::start(&dist, 0, "/")?;
        (Some(dist), Some(server))
    } else {
        (None, None)
    };
    let cx = Context { tools, dist, url: server.map(|s| s.url), runs };

    let mut results: Vec<(&str, Measurement)> = Vec::new();
    let mut failures = Vec::new();
    for bench in benches {
        println!("bench: {}…", bench.name);
        match (bench.run)(&cx) {
            Ok(measurements) => results.extend(measurements.into_iter().map(|m| (bench.name, m))),
            Err(e) => failures.push(format!("{}: {e}", bench.name)),
        }
    }

    print_table(&results);
    let json = to_json(&results);
    let dir = tools.root.join("target/bench");
    fs::create_dir_all(&dir)?;
    let stamp = SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0);
    fs::write(dir.join("latest.json"), &json)?;
    fs::write(dir.join(format!("bench-{stamp}.json")), &json)?;
    println!("bench: wrote target/bench/latest.json");
    if !failures.is_empty() {
        fail!("{}", failures.join("; "));
    }
    Ok(())
}

fn print_table(results: &[(&str, Measurement)]) {
    let name_width = results.iter().map(|(_, m)| m.name.chars().count()).max().unwrap_or(10).max(11);
    println!("\n{:<22} {:<name_width$} {:>12}  {:<6} budget", "bench", "measurement", "value", "unit");
    for (bench, m) in results {
        let budget = match m.budget {
            Some(b) if m.value <= b => format!("ok (≤ {b})"),
            Some(b) => format!("OVER (> {b})"),
            None => String::new(),
        };
        println!("{bench:<22} {:<name_width$} {:>12}  {:<6} {budget}", m.name, format_value(m.value), m.unit);
    }
    println!();
}

fn format_value(v: f64) -> String {
    if v.fract() == 0.0 && v.abs() < 1e15 {
        format!("{v:.0}")
    } else {
        format!("{v:.1}")
    }
}

fn to_json(results: &[(&str, Measurement)]) -> String {
    let mut s = String::from("{\n  \"measurements\": [\n");
    for (i, (bench, m)) in results.iter().enumerate() {
        let budget = m.budget.map(|b| b.to_string()).unwrap_or_else(|| "null".into());
        let _ = write!(
            s,
            "    {{\"bench\": {}, \"name\": {}, \"value\": {}, \"unit\": {}, \"budget\": {budget}}}",
            json_string(bench),
            json_string(&m.name),
            m.value,
            json_string(m.unit)
        );
        s.push_str(if i + 1 < results.len() { ",\n" } else { "\n" });
    }
    s.push_str("  ]\n}\n");
    s
}

fn json_string(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if (c as u32) < 0x20 => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Bytes of each file, raw, gzip and brotli (computed with node's zlib).
fn compressed_sizes(tools: &Tools, files: &[PathBuf]) -> Result<Vec<(u64, u64, u64)>> {
    let text = output(
        Command::new(&tools.node)
            .args(["--input-type=module", "-e", include_str!("sizes.mjs"), "--"])
            .args(files),
    )?;
    text.lines()
        .map(|line| {
            let mut nums = line.split_whitespace().map(|n| n.parse::<u64>());
            match (nums.next(), nums.next(), nums.next()) {
                (Some(Ok(raw)), Some(Ok(gzip)), Some(Ok(brotli))) => Ok((raw, gzip, brotli)),
                _ => Err(Error(format!("unexpected size line: {line}"))),
            }
        })
        .collect()
}

fn site_size(cx: &Context) -> Result<Vec<Measurement>> {
    let dist = cx.dist.as_ref().expect("needs_site");
    let mut out = Vec::new();
    let kb = |bytes: u64| bytes as f64 / 1000.0;

    for wasm in ["app_bg.wasm", "worker_bg.wasm"] {
        let sizes = compressed_sizes(cx.tools, &[dist.join(wasm)])?;
        let (raw, gzip, brotli) = sizes[0];
        out.push(Measurement::new(format!("{wasm} raw"), kb(raw), "kB"));
        out.push(Measurement::new(format!("{wasm} gzip"), kb(gzip), "kB"));
        out.push(Measurement::new(format!("{wasm} brotli"), kb(brotli), "kB"));
    }

    let before: Vec<PathBuf> = BEFORE_PROMPT.iter().map(|f| dist.join(f)).collect();
    let after: Vec<PathBuf> = fs::read_dir(dist.join("build"))?
        .flatten()
        .map(|e| e.path())
        .filter(|p| !before.contains(p) && !p.to_string_lossy().ends_with(".txt"))
        .collect();
    let js_css = |files: &[PathBuf]| -> Vec<PathBuf> {
        files
            .iter()
            .filter(|p| matches!(p.extension().and_then(|e| e.to_str()), Some("js" | "css")))
            .cloned()
            .collect()
    };
    let sum = |sizes: &[(u64, u64, u64)]| sizes.iter().fold((0, 0, 0), |a, s| (a.0 + s.0, a.1 + s.1, a.2 + s.2));

    let (raw, _, brotli) = sum(&compressed_sizes(cx.tools, &js_css(&before))?);
    out.push(Measurement::new("JS+CSS before the prompt raw", kb(raw), "kB"));
    out.push(Measurement::new("JS+CSS before the prompt brotli", kb(brotli), "kB"));
    let (raw, _, brotli) = sum(&compressed_sizes(cx.tools, &js_css(&after))?);
    out.push(Measurement::new("JS+CSS of the editor raw", kb(raw), "kB"));
    out.push(Measurement::new("JS+CSS of the editor brotli", kb(brotli), "kB"));

    let (_, _, brotli) = sum(&compressed_sizes(cx.tools, &before)?);
    out.push(Measurement::new("all before the prompt brotli", kb(brotli), "kB").budget(FIRST_PROMPT_BROTLI_KB));
    let simulation: Vec<PathBuf> = SIMULATION.iter().map(|f| dist.join(f)).collect();
    let (_, _, brotli) = sum(&compressed_sizes(cx.tools, &simulation)?);
    out.push(Measurement::new("the simulation (worker) brotli", kb(brotli), "kB"));
    let (_, _, brotli) = sum(&compressed_sizes(cx.tools, &after)?);
    out.push(Measurement::new("all of the editor brotli", kb(brotli), "kB"));
    Ok(out)
}

/// Navigation to the first prompt in headless Chromium, `runs` fresh page loads.
fn time_to_prompt(cx: &Context) -> Result<Vec<Measurement>> {
    let url = cx.url.as_ref().expect("needs_site");
    let text = output(
        Command::new(&cx.tools.node)
            .arg("tests/e2e/time-to-prompt.mjs")
            .env("KUBENIWA_URL", url)
            .env("CHROMIUM", &cx.tools.chromium)
            .env("RUNS", cx.runs.to_string())
            .current_dir(&cx.tools.root),
    )?;
    let timings = |prefix: &str| -> Vec<f64> {
        let mut runs: Vec<f64> = text.lines().filter_map(|l| l.strip_prefix(prefix)).filter_map(|v| v.trim().parse().ok()).collect();
        runs.sort_by(|a, b| a.total_cmp(b));
        runs
    };
    let median = |runs: &[f64]| {
        if runs.len() % 2 == 1 {
            runs[runs.len() / 2]
        } else {
            (runs[runs.len() / 2 - 1] + runs[runs.len() / 2]) / 2.0
        }
    };
    let runs = timings("run_ms ");
    let ready = timings("ready_ms ");
    if runs.is_empty() || ready.is_empty() {
        fail!("no timings from tests/e2e/time-to-prompt.mjs: {text}");
    }
    Ok(vec![
        Measurement::new(format!("median of {}", runs.len()), median(&runs).round(), "ms").budget(FIRST_PROMPT_MS),
        Measurement::new("fastest", runs[0].round(), "ms"),
        Measurement::new("slowest", runs[runs.len() - 1].round(), "ms"),
        Measurement::new("simulation answers, median", median(&ready).round(), "ms"),
    ])
}
