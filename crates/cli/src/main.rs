//! `kubeniwa`: runs the sandbox's shell headlessly.
//!
//! `kubeniwa run [--seed N] FILE|-` replays a script or transcript against a fresh
//! sandbox and prints the transcript.

use std::io::Read;
use std::process::ExitCode;

const USAGE: &str = "usage: kubeniwa run [--seed N] FILE|-\n\nRuns the commands of FILE (lines starting with '$ ', continued by '> ') against a fresh\nsandbox and prints the transcript. '-' reads standard input.\n";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        Some("run") => run(&args[1..]),
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
