//! `watch [-n SECS] [-t] COMMAND`: runs COMMAND through `sh -c` every interval of
//! simulated time and redraws the screen with procps-ng's header
//! (`Every 2.0s: kubectl get pods` and, right-aligned on the 80-column line,
//! `HOSTNAME: Mon Nov 30 09:00:21 2026`), until Ctrl-C.
//!
//! On the page it draws on the alternate screen and leaves it on Ctrl-C, as watch's
//! curses does; a transcript (which drops terminal control sequences) shows each
//! frame as it is drawn, one after the other. The command runs in a fresh `sh` over a
//! copy of the learner's files and exported variables: no aliases or functions, as
//! `sh -c` has none.

use kubeniwa_core::time::{rfc3339, Millis};
use kubeniwa_shell::{Io, Shell, ShellState};

use crate::world::World;

const USAGE: &str = include_str!("../data/watch-usage.txt");
/// The width the header is laid out on (the page's terminal).
const COLUMNS: usize = 80;
/// Alternate screen on, and each frame's clear-and-home.
const ENTER: &str = "\x1b[?1049h";
const LEAVE: &str = "\x1b[?1049l";
const CLEAR: &str = "\x1b[H\x1b[2J";

/// A running `watch`.
pub(crate) struct Watch {
    shell: Shell,
    command: String,
    interval: Millis,
    interval_text: String,
    title: bool,
    hostname: String,
    pub next: Millis,
}

impl Watch {
    /// Draws one frame: runs the command and lays out the screen.
    pub(crate) fn frame(&mut self, world: &mut World) -> String {
        let outcome = self.shell.run(world, &self.command);
        let mut out = String::from(CLEAR);
        if self.title {
            let left = format!("Every {}s: {}", self.interval_text, self.command);
            let right = format!("{}: {}", self.hostname, ctime(world.now));
            let right_len = right.chars().count();
            // Too long for one line: procps cuts the command with `...` and keeps two
            // spaces before the host name.
            let left: String = if left.chars().count() + 1 + right_len > COLUMNS {
                let keep = COLUMNS.saturating_sub(right_len + 2 + 3);
                format!("{}...", left.chars().take(keep).collect::<String>())
            } else {
                left
            };
            let pad = COLUMNS.saturating_sub(left.chars().count() + right_len).max(1);
            out.push_str(&format!("{left}{}{right}\n\n", " ".repeat(pad)));
        }
        out.push_str(&outcome.text);
        if !outcome.text.is_empty() && !outcome.text.ends_with('\n') {
            out.push('\n');
        }
        self.next = world.now.saturating_add(self.interval);
        out
    }

    /// What the terminal gets when watch ends (Ctrl-C): back to the normal screen.
    pub(crate) fn leave() -> &'static str {
        LEAVE
    }
}

/// `Mon Nov 30 09:00:21 2026`, as watch's header shows the time (UTC here).
fn ctime(t: Millis) -> String {
    let full = crate::world::gnu_date(t);
    // `Mon Nov 30 09:00:21 UTC 2026` without the zone.
    let _ = rfc3339;
    full.replace(" UTC", "")
}

/// Runs `watch ARGS`: the first frame now; then, typed alone at the prompt, it holds
/// the terminal and redraws every interval (see `World::poll_held`); elsewhere (a
/// script, a pipeline) it draws once and returns.
pub(crate) fn run(world: &mut World, args: &[String], io: &mut Io<'_>) -> i32 {
    let mut interval: f64 = 2.0;
    let mut title = true;
    let mut i = 0;
    while i < args.len() {
        let a = args[i].as_str();
        if !a.starts_with('-') || a == "-" {
            break;
        }
        if a == "--" {
            i += 1;
            break;
        }
        let value = |i: &mut usize, inline: Option<&str>| -> Option<String> {
            if let Some(v) = inline {
                return Some(v.to_string());
            }
            *i += 1;
            args.get(*i).cloned()
        };
        match a {
            "-h" | "--help" => {
                io.out(USAGE);
                return 0;
            }
            "-v" | "--version" => {
                io.out("watch from procps-ng 4.0.2\n");
                return 0;
            }
            "-t" | "--no-title" => title = false,
            "-b" | "--beep" | "-c" | "--color" | "-d" | "--differences" | "-e" | "--errexit" | "-g" | "--chgexit" | "-p" | "--precise" | "-w" | "--no-wrap" | "-x" | "--exec" => {}
            _ if a.starts_with("--differences=") => {}
            _ if a == "-n" || a == "--interval" || a.starts_with("--interval=") || (a.starts_with("-n") && a.len() > 2) => {
                let inline = a.strip_prefix("--interval=").or_else(|| a.strip_prefix("-n").filter(|v| !v.is_empty()));
                let Some(v) = value(&mut i, inline) else {
                    io.err(format!("watch: option requires an argument -- 'n'\n{USAGE}"));
                    return 1;
                };
                match v.replace(',', ".").parse::<f64>() {
                    Ok(n) if n.is_finite() && n >= 0.0 => interval = n.clamp(0.1, 2_678_400.0),
                    _ => {
                        io.err(format!("watch: failed to parse argument: '{v}': Invalid argument\n"));
                        return 1;
                    }
                }
            }
            "-q" | "--equexit" => {
                i += 1;
            }
            _ => {
                let shown = if a.starts_with("--") { format!("unrecognized option '{a}'") } else { format!("invalid option -- '{}'", a.chars().nth(1).unwrap_or('-')) };
                io.err(format!("watch: {shown}\n{USAGE}"));
                return 1;
            }
        }
        i += 1;
    }
    if i >= args.len() {
        io.err(USAGE);
        return 1;
    }
    let command = args[i..].join(" ");
    let home = io.env.get("HOME").cloned().unwrap_or_else(|| "/root".into());
    let state = ShellState {
        cwd: io.cwd.to_string(),
        env: io.env.clone(),
        vars: Default::default(),
        arrays: Default::default(),
        aliases: Default::default(),
        functions: Default::default(),
        history: Vec::new(),
        status: 0,
    };
    let _ = home;
    let mut shell = Shell::from_state(io.vfs.clone(), state);
    shell.set_program_name("sh");
    let hostname = io.env.get("HOSTNAME").cloned().unwrap_or_else(|| "kubeniwa".to_string());
    let interval_ms = (interval * 1000.0).round() as Millis;
    let mut watch = Watch { shell, command, interval: interval_ms, interval_text: format!("{interval:.1}"), title, hostname, next: world.now };
    let hold = world.may_hold && world.held.is_none() && world.bg_slot.is_none();
    let frame = watch.frame(world);
    if hold {
        io.out(ENTER);
        io.out(frame);
        world.may_hold = false;
        world.held = Some(crate::world::Held::Watch(Box::new(watch)));
    } else {
        io.out(frame);
    }
    0
}
