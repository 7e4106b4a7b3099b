//! Transcripts: `$ command` lines (continued by `> ` lines) and what the terminal
//! printed. Running a transcript file replays its commands and prints a new
//! transcript, so a file can be diffed against its own replay.
//!
//! Commands typed alone may keep the terminal, as in a real one (`kubectl get -w`,
//! `logs -f`, `port-forward`, `rollout status`; see [`Sandbox::set_interactive`]).
//! A line `^C after 30s` (any duration `sleep` takes: `500ms`, `1.5s`, `2m`, `1h`)
//! lets the command that holds the terminal run on for that much simulated time,
//! printing what it prints, and then interrupts it; the replay writes the line back
//! where the terminal shows `^C`. A command still holding the terminal when the next
//! `$` line (or the end of the file) comes runs on until it ends by itself, as typed-
//! ahead input waits for it, for at most [`crate::SETTLE_MS`]; then it is
//! interrupted and the replay shows a plain `^C`.

use crate::Sandbox;

/// One command of a script: its lines joined with `\n`, and how it was written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Item {
    Command(Vec<String>),
    Comment(String),
    /// `^C after DURATION`: simulated milliseconds, and the line as written.
    Interrupt { after_ms: u64, line: String },
}

/// Reads a script: `$ ` starts a command, `> ` continues it, `# ` is a comment kept in
/// the output, `^C after DURATION` interrupts a command that holds the terminal;
/// every other line (expected output) is ignored.
pub fn parse(script: &str) -> Vec<Item> {
    let mut items: Vec<Item> = Vec::new();
    for line in script.lines() {
        if let Some(cmd) = line.strip_prefix("$ ").or_else(|| (line == "$").then_some("")) {
            items.push(Item::Command(vec![cmd.to_string()]));
        } else if let Some(more) = line.strip_prefix("> ").or_else(|| (line == ">").then_some("")) {
            if let Some(Item::Command(lines)) = items.last_mut() {
                lines.push(more.to_string());
            }
        } else if line.starts_with('#') {
            items.push(Item::Comment(line.to_string()));
        } else if let Some(after_ms) = line.strip_prefix("^C after ").and_then(parse_duration) {
            items.push(Item::Interrupt { after_ms, line: line.to_string() });
        }
    }
    items
}

/// `30s`, `1.5s`, `500ms`, `2m`, `1h`, or a bare number of seconds.
fn parse_duration(text: &str) -> Option<u64> {
    let text = text.trim();
    let (num, factor) = if let Some(n) = text.strip_suffix("ms") {
        (n, 1.0)
    } else if let Some(n) = text.strip_suffix('s') {
        (n, 1000.0)
    } else if let Some(n) = text.strip_suffix('m') {
        (n, 60_000.0)
    } else if let Some(n) = text.strip_suffix('h') {
        (n, 3_600_000.0)
    } else {
        (text, 1000.0)
    };
    let v: f64 = num.parse().ok().filter(|v: &f64| v.is_finite() && *v >= 0.0 && *v <= 86_400.0)?;
    Some((v * factor).round() as u64)
}

/// Runs a script against a fresh sandbox and returns the transcript.
pub fn run(seed: u64, script: &str) -> String {
    run_keeping(seed, script).0
}

/// [`run`], also handing back the sandbox as the script left it (for tests that look
/// at the state).
pub fn run_keeping(seed: u64, script: &str) -> (String, Sandbox) {
    let mut sandbox = Sandbox::new(seed);
    sandbox.set_interactive(true);
    let mut out = String::new();
    for item in parse(script) {
        match item {
            Item::Comment(c) => {
                settle(&mut sandbox, &mut out);
                out.push_str(&c);
                out.push('\n');
            }
            Item::Command(lines) => {
                settle(&mut sandbox, &mut out);
                out.push_str(&format!("$ {}\n", lines[0]));
                for l in &lines[1..] {
                    out.push_str(&format!("> {l}\n"));
                }
                let result = sandbox.run_line(&lines.join("\n"));
                push_text(&mut out, &result.text);
            }
            Item::Interrupt { after_ms, line } => {
                let streamed = sandbox.advance(after_ms);
                push_text(&mut out, &streamed.text);
                if sandbox.running() {
                    let last = sandbox.interrupt().text;
                    push_text(&mut out, last.strip_suffix("^C\n").unwrap_or(&last));
                }
                out.push_str(&line);
                out.push('\n');
            }
        }
    }
    settle(&mut sandbox, &mut out);
    (out, sandbox)
}

fn push_text(out: &mut String, text: &str) {
    let text = strip_sgr(text);
    out.push_str(&text);
    if !text.is_empty() && !text.ends_with('\n') {
        out.push('\n');
    }
}

/// Lets a command that still holds the terminal run to its end (or interrupts it
/// after [`crate::SETTLE_MS`]), printing what it printed.
fn settle(sandbox: &mut Sandbox, out: &mut String) {
    if !sandbox.running() {
        return;
    }
    let streamed = sandbox.wait_for_end(crate::SETTLE_MS);
    push_text(out, &streamed.text);
    if sandbox.running() {
        push_text(out, &sandbox.interrupt().text);
    }
}

/// Removes terminal colour sequences (`ESC [ ... m`): a transcript shows text.
pub fn strip_sgr(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\x1b' && chars.peek() == Some(&'[') {
            chars.next();
            for d in chars.by_ref() {
                if d.is_ascii_alphabetic() {
                    break;
                }
            }
            continue;
        }
        out.push(c);
    }
    out
}
