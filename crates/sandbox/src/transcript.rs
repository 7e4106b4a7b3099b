//! Transcripts: `$ command` lines (continued by `> ` lines) and what the terminal
//! printed. Running a transcript file replays its commands and prints a new
//! transcript, so a file can be diffed against its own replay.

use crate::Sandbox;

/// One command of a script: its lines joined with `\n`, and how it was written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Item {
    Command(Vec<String>),
    Comment(String),
}

/// Reads a script: `$ ` starts a command, `> ` continues it, `# ` is a comment kept in
/// the output; every other line (expected output) is ignored.
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
        }
    }
    items
}

/// Runs a script against a fresh sandbox and returns the transcript.
pub fn run(seed: u64, script: &str) -> String {
    let mut sandbox = Sandbox::new(seed);
    let mut out = String::new();
    for item in parse(script) {
        match item {
            Item::Comment(c) => {
                out.push_str(&c);
                out.push('\n');
            }
            Item::Command(lines) => {
                out.push_str(&format!("$ {}\n", lines[0]));
                for l in &lines[1..] {
                    out.push_str(&format!("> {l}\n"));
                }
                let result = sandbox.run_line(&lines.join("\n"));
                out.push_str(&strip_sgr(&result.text));
                if !result.text.is_empty() && !result.text.ends_with('\n') {
                    out.push('\n');
                }
            }
        }
    }
    out
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
