//! `kubeniwa`: runs the sandbox's shell headlessly.
//!
//! `kubeniwa run [--seed N] FILE|-` replays a script or transcript against a fresh
//! sandbox and prints the transcript. `kubeniwa serve` serves a sandbox's kind cluster
//! over HTTP on loopback for the real kubectl (see [`serve`]). `kubeniwa
//! import-killercoda DIR [OUT]` turns a Killercoda scenario into a lesson folder.

mod http;
mod openapi;
mod protobuf;
mod serve;
mod websocket;

use std::io::Read;
use std::process::ExitCode;

const USAGE: &str = "usage: kubeniwa run [--seed N] FILE|-
       kubeniwa serve [--port N] [--seed N] [--clock paused|running] [--start now|RFC3339]
                      [--kubeconfig PATH]
       kubeniwa import-killercoda DIR [OUT]

run: runs the commands of FILE (lines starting with '$ ', continued by '> ') against a
fresh sandbox and prints the transcript. '-' reads standard input.

serve: creates a kind cluster in a fresh sandbox and serves its API on
http://127.0.0.1:N (default 8001; 0 picks a free port), writing a kubeconfig for the
real kubectl. The simulated clock is paused unless --clock running; it starts at
2026-11-30T09:00:00Z, or at --start (`now`: this machine's clock, to the second, so a
client that computes ages from its own clock agrees). For tests:
  POST /kubeniwa/v1/exec        runs the body as a command line in the sandbox's shell
  POST /kubeniwa/v1/clock       {\"advance_ms\": N}, {\"to_ms\": T} (ms since 1970, only
                                forward) or {\"paused\": true|false}
  POST /kubeniwa/v1/checkpoint  saves the clusters and the clock
  POST /kubeniwa/v1/restore     puts them back
  GET  /kubeniwa/v1/objects     every stored object

import-killercoda: reads the Killercoda scenario in DIR (index.json, step Markdown,
verify.sh, background.sh, foreground.sh) and writes it as a lesson folder OUT (default:
lessons/NAME-OF-DIR). A scenario that uses commands the sandbox lacks is not written:
each is named with its file and line, and the exit status is 1.
";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        Some("run") => run(&args[1..]),
        Some("serve") => serve_command(&args[1..]),
        Some("import-killercoda") => import_killercoda(&args[1..]),
        Some("-h" | "--help" | "help") => {
            print!("{USAGE}");
            ExitCode::SUCCESS
        }
        _ => {
            eprint!("{USAGE}");
            ExitCode::from(2)
        }
    }
}

fn import_killercoda(args: &[String]) -> ExitCode {
    let (dir, out) = match args {
        [dir] => {
            let name = std::path::Path::new(dir).file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
            (dir, std::path::PathBuf::from("lessons").join(name))
        }
        [dir, out] => (dir, std::path::PathBuf::from(out)),
        _ => {
            eprint!("{USAGE}");
            return ExitCode::from(2);
        }
    };
    let files = match kubeniwa_lessons::read_dir(std::path::Path::new(dir)) {
        Ok(files) => files,
        Err(e) => {
            eprintln!("kubeniwa: {dir}: {e}");
            return ExitCode::from(1);
        }
    };
    let id = out.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    match kubeniwa_lessons::killercoda::import(&files, &id) {
        Ok(lesson) => {
            for (path, text) in &lesson {
                let target = out.join(path);
                if let Err(e) = std::fs::create_dir_all(target.parent().unwrap_or(&out)).and_then(|()| std::fs::write(&target, text)) {
                    eprintln!("kubeniwa: {}: {e}", target.display());
                    return ExitCode::from(1);
                }
            }
            println!("wrote {} ({} files)", out.display(), lesson.len());
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("{e}");
            eprintln!("kubeniwa: {dir} was not imported");
            ExitCode::from(1)
        }
    }
}

fn run(args: &[String]) -> ExitCode {
    let mut seed = 1u64;
    let mut file: Option<&str> = None;
    let mut i = 0;
    while i < args.len() {
        match args[i].as_str() {
            "--seed" => {
                i += 1;
                match args.get(i).and_then(|s| s.parse().ok()) {
                    Some(s) => seed = s,
                    None => {
                        eprintln!("kubeniwa: --seed needs a whole number");
                        return ExitCode::from(2);
                    }
                }
            }
            s if s.starts_with("--seed=") => match s["--seed=".len()..].parse() {
                Ok(s) => seed = s,
                Err(_) => {
                    eprintln!("kubeniwa: --seed needs a whole number");
                    return ExitCode::from(2);
                }
            },
            other => file = Some(other),
        }
        i += 1;
    }
    let Some(file) = file else {
        eprint!("{USAGE}");
        return ExitCode::from(2);
    };
    let script = if file == "-" {
        let mut s = String::new();
        if let Err(e) = std::io::stdin().read_to_string(&mut s) {
            eprintln!("kubeniwa: reading standard input: {e}");
            return ExitCode::from(2);
        }
        s
    } else {
        match std::fs::read_to_string(file) {
            Ok(s) => s,
            Err(e) => {
                eprintln!("kubeniwa: {file}: {e}");
                return ExitCode::from(2);
            }
        }
    };
    print!("{}", kubeniwa_sandbox::transcript::run(seed, &script));
    ExitCode::SUCCESS
}

/// The value of `--name V` or `--name=V` at `args[*i]` (advancing `i` past it).
fn flag_value<'a>(args: &'a [String], i: &mut usize, name: &str) -> Option<Option<&'a str>> {
    let a = args[*i].as_str();
    if a == name {
        *i += 1;
        return Some(args.get(*i).map(String::as_str));
    }
    a.strip_prefix(name).and_then(|rest| rest.strip_prefix('=')).map(Some)
}

fn serve_command(args: &[String]) -> ExitCode {
    let mut options = serve::Options { port: 8001, seed: 1, kubeconfig: None, clock_running: false, start: None };
    let mut i = 0;
    while i < args.len() {
        if let Some(v) = flag_value(args, &mut i, "--port") {
            match v.and_then(|s| s.parse().ok()) {
                Some(p) => options.port = p,
                None => {
                    eprintln!("kubeniwa: --port needs a port number");
                    return ExitCode::from(2);
                }
            }
        } else if let Some(v) = flag_value(args, &mut i, "--seed") {
            match v.and_then(|s| s.parse().ok()) {
                Some(s) => options.seed = s,
                None => {
                    eprintln!("kubeniwa: --seed needs a whole number");
                    return ExitCode::from(2);
                }
            }
        } else if let Some(v) = flag_value(args, &mut i, "--clock") {
            match v {
                Some("paused") => options.clock_running = false,
                Some("running") => options.clock_running = true,
                _ => {
                    eprintln!("kubeniwa: --clock is paused or running");
                    return ExitCode::from(2);
                }
            }
        } else if let Some(v) = flag_value(args, &mut i, "--start") {
            let start = match v {
                Some("now") => std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).ok().map(|d| d.as_secs() * 1000),
                Some(t) => kubeniwa_core::time::parse_rfc3339(t),
                None => None,
            };
            match start {
                Some(ms) => options.start = Some(ms),
                None => {
                    eprintln!("kubeniwa: --start is now or a time like 2026-11-30T09:00:00Z");
                    return ExitCode::from(2);
                }
            }
        } else if let Some(v) = flag_value(args, &mut i, "--kubeconfig") {
            match v {
                Some(p) => options.kubeconfig = Some(p.into()),
                None => {
                    eprintln!("kubeniwa: --kubeconfig needs a path");
                    return ExitCode::from(2);
                }
            }
        } else {
            eprintln!("kubeniwa: serve: unknown argument {:?}", args[i]);
            eprint!("{USAGE}");
            return ExitCode::from(2);
        }
        i += 1;
    }
    match serve::serve(&options) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("kubeniwa: serve: {e}");
            ExitCode::FAILURE
        }
    }
}
