//! Project automation, run as `cargo xtask <task>` (matklad's cargo-xtask convention):
//! Rust instead of shell scripts, so it works the same on every machine and in CI.
//!
//! Every task starts with [`setup`], which finds or installs the tools it needs.

mod bench;
mod oracle;
mod serve;
mod setup;
mod site;
mod test;
mod util;

use std::path::PathBuf;
use std::process::ExitCode;

use util::Result;

const USAGE: &str = "\
usage: cargo xtask <task>

tasks:
  serve [--port N]   build the site and serve it on http://127.0.0.1:8080 (loopback only)
  test               everything: native tests, wasm32 checks, the site, browser journeys
  dist [--out DIR]   write the static site to dist/ (works from any sub-path)
  bench [--runs N] [--site]
                     sizes and time to the first prompt (with --site, only the site's
                     benches), control-plane budgets; JSON in target/bench/
  setup              find or install the tools (every task does this first)
";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some(task) = args.first() else {
        eprint!("{USAGE}");
        return ExitCode::from(2);
    };
    let result = match task.as_str() {
        "setup" => setup::setup().map(|_| ()),
        "serve" => option(&args, "--port", 8080).and_then(serve_site),
        "dist" => option(&args, "--out", PathBuf::from("dist")).and_then(dist),
        "bench" => option(&args, "--runs", 5).and_then(|runs| {
            let site_only = args.iter().any(|a| a == "--site");
            setup::setup().and_then(|t| bench::bench(&t, runs, site_only))
        }),
        "test" => match setup::setup() {
            Ok(tools) => {
                return if test::test(&tools) { ExitCode::SUCCESS } else { ExitCode::FAILURE };
            }
            Err(e) => Err(e),
        },
        "help" | "--help" | "-h" => {
            print!("{USAGE}");
            Ok(())
        }
        other => {
            eprint!("unknown task `{other}`\n\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("xtask {task}: error: {e}");
            if task == "test" {
                println!("xtask: 0 passed, 1 failed");
            }
            ExitCode::FAILURE
        }
    }
}

/// The value after `flag`, parsed, or `default`.
fn option<T: std::str::FromStr>(args: &[String], flag: &str, default: T) -> Result<T> {
    match args.iter().position(|a| a == flag) {
        None => Ok(default),
        Some(i) => match args.get(i + 1).map(|v| v.parse::<T>()) {
            Some(Ok(value)) => Ok(value),
            _ => Err(util::Error(format!("{flag} needs a value"))),
        },
    }
}

fn serve_site(port: u16) -> Result<()> {
    let tools = setup::setup()?;
    let dist = site::build(&tools, &PathBuf::from("dist"))?;
    let server = serve::start(&dist, port, "/")?;
    println!("\nKubeniwa is at {} (Ctrl-C to stop)", server.url);
    loop {
        std::thread::park();
    }
}

fn dist(out: PathBuf) -> Result<()> {
    let tools = setup::setup()?;
    let dist = site::build(&tools, &out)?;
    println!(
        "\n{} is a static site: copy it to any web server or sub-path; it loads nothing from elsewhere.",
        dist.display()
    );
    Ok(())
}
