//! A test host and transcript runner shared by the shell's tests.
#![allow(dead_code)] // Each test binary uses a different part of it.

use kubeniwa_shell::{Host, Io, Shell, Vfs};

/// Knows a few commands, so tests can see what the shell hands to the host.
pub struct TestHost;

impl Host for TestHost {
    fn run(&mut self, argv: &[String], io: &mut Io<'_>) -> Option<i32> {
        match argv[0].as_str() {
            // Echoes its arguments, bracketed, so word splitting is visible.
            "hello" | "kubectl" | "kind" => {
                let args: Vec<String> = argv[1..].iter().map(|a| format!("[{a}]")).collect();
                io.out(format!("{}{}{}\n", argv[0], if args.is_empty() { "" } else { " " }, args.join(" ")));
                Some(0)
            }
            // Upper-cases its stdin.
            "upper" => {
                let text = String::from_utf8_lossy(io.stdin).to_uppercase();
                io.out(text);
                Some(0)
            }
            // Writes to both streams and fails.
            "oops" => {
                io.out("out\n");
                io.err("oops: something went wrong\n");
                Some(3)
            }
            "showenv" => {
                let name = argv.get(1).cloned().unwrap_or_default();
                let v = io.env.get(&name).cloned().unwrap_or_else(|| "<unset>".to_string());
                io.out(format!("{name}={v} cwd={}\n", io.cwd));
                Some(0)
            }
            _ => None,
        }
    }

    fn knows(&self, name: &str) -> bool {
        matches!(name, "hello" | "kubectl" | "kind" | "upper" | "oops" | "showenv")
    }
}

pub fn new_shell() -> Shell {
    Shell::new(Vfs::new(), "/home/learner")
}

/// Runs a transcript: `$ ` starts a command, `> ` continues it. Returns the transcript
/// with each command's output and, when not zero, its status.
pub fn transcript(shell: &mut Shell, input: &str) -> String {
    let mut commands: Vec<String> = Vec::new();
    for line in input.trim_matches('\n').lines() {
        let line = line.trim_start();
        if let Some(cmd) = line.strip_prefix("$ ") {
            commands.push(cmd.to_string());
        } else if let Some(cont) = line.strip_prefix("> ").or_else(|| line.strip_prefix(">").filter(|r| r.is_empty())) {
            if let Some(last) = commands.last_mut() {
                last.push('\n');
                last.push_str(cont);
            }
        } else if line == "$" {
            commands.push(String::new());
        }
    }
    let mut out = String::new();
    let mut host = TestHost;
    for cmd in commands {
        for (i, l) in cmd.lines().enumerate() {
            out.push_str(if i == 0 { "$ " } else { "> " });
            out.push_str(l);
            out.push('\n');
        }
        let outcome = shell.run(&mut host, &cmd);
        out.push_str(&outcome.text);
        if !outcome.text.is_empty() && !outcome.text.ends_with('\n') {
            out.push_str("⏎\n");
        }
        if outcome.status != 0 {
            out.push_str(&format!("[exit {}]\n", outcome.status));
        }
    }
    out
}

pub fn check(input: &str, expect: expect_test::Expect) {
    let mut shell = new_shell();
    expect.assert_eq(&transcript(&mut shell, input));
}
