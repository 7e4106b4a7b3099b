//! A small POSIX-like shell over a virtual filesystem.
//!
//! The shell knows nothing of Kubernetes: commands it does not implement itself
//! (`kubectl`, `kind`, `sleep`, `curl`, ...) are handed to a [`Host`], which the
//! sandbox provides. The same shell runs the learner's terminal, lesson checks and
//! (later) commands inside containers.
//!
//! Architecture invariant: no IO, no clock, no randomness. Everything a command sees
//! comes through [`Io`]. Maps that reach output are `BTreeMap`s; the crate builds for
//! `wasm32-unknown-unknown`.
//!
//! ```
//! use kubeniwa_shell::{Host, Io, Shell, Vfs};
//!
//! struct NoHost;
//! impl Host for NoHost {
//!     fn run(&mut self, _argv: &[String], _io: &mut Io<'_>) -> Option<i32> {
//!         None
//!     }
//! }
//!
//! let mut shell = Shell::new(Vfs::new(), "/home/learner");
//! let out = shell.run(&mut NoHost, "echo hi > f; cat f; kubectl get pods");
//! assert_eq!(out.text, "hi\nbash: kubectl: command not found\n");
//! assert_eq!(out.status, 127);
//! ```
//!
//! # Code map
//!
//! - `parse`, `ast`: source text to a syntax tree, one complete command line at a
//!   time, with bash's syntax errors. Bounded nesting; never panics.
//! - `interp`: the [`Shell`]: expansion (parameters, `$(...)`, `$((...))`, braces,
//!   splitting, globbing), redirections, pipelines, control flow, the step budget.
//! - `builtins`: commands that read or change the shell (`cd`, `export`, `alias`,
//!   `read`, `source`, ...) or run other commands (`xargs`, `env`, `sudo`).
//! - `programs`: coreutils, grep, sed and awk over the [`Vfs`], in GNU's words.
//! - `arith`, `glob`, `brace`: shell arithmetic, glob patterns, brace expansion.
//! - `vfs`: the in-memory filesystem.
//!
//! # Not (yet) supported
//!
//! Associative arrays; background compound commands and pipelines (`(a; b) &`
//! runs to completion, then is a finished job); `bg` and stopping a job (Ctrl-Z); `>(...)`; `getopts`; history expansion (`!!`); `exec` redirections that
//! outlive the command; `trap`, `set -x` and completion builtins are accepted and
//! ignored; braces spanning an expansion (`{$a,b}`); awk's
//! `getline`. Host commands do not consume stdin
//! in `while read` loops (only the shell's own programs do).
//!
//! # Limits (all per [`Shell::run`])
//!
//! A step budget ([`Shell::set_step_budget`], default [`DEFAULT_STEP_BUDGET`]), 32 MiB
//! of output, 16 MiB per string, nesting bounded by count and by measured stack use
//! (safe on the browser's 1 MiB wasm stack), a 64 MiB disk ([`Vfs::set_capacity`]),
//! and work limits inside awk and pattern matching. Running out prints a message and
//! stops the command; nothing panics or hangs.

use std::collections::BTreeMap;

mod arith;
mod ast;
mod brace;
mod builtins;
mod glob;
mod interp;
mod parse;
mod programs;
pub mod vfs;

pub use interp::{Outcome, Shell, ShellState, Stop, Timeline, DEFAULT_STEP_BUDGET, MAX_CALL_DEPTH};
pub use parse::{is_simple_foreground, ParseError, SyntaxError};
pub use vfs::{Entry, Kind, Metadata, Vfs, VfsError};

/// True when `source` is a whole command: no open quote, here-document or compound
/// command, and no trailing `|`, `&&`, `||` or `\`. The terminal asks for more lines
/// (with `> `) until it is.
pub fn is_complete(source: &str) -> bool {
    // A backslash at the very end continues the line.
    let body = source.strip_suffix('\n').unwrap_or(source);
    let trailing = body.chars().rev().take_while(|c| *c == '\\').count();
    if trailing % 2 == 1 {
        return false;
    }
    parse::is_complete(source)
}

/// Whether the shell runs `name` itself (a builtin such as `echo` or `exit`, or one
/// of its coreutils-like programs such as `cat` and `grep`), as a busybox userland does.
pub fn knows_command(name: &str) -> bool {
    builtins::BUILTINS.contains(&name) || programs::lookup(name).is_some()
}

/// Checks `source` for syntax errors without running it.
pub fn check_syntax(source: &str) -> Result<(), ParseError> {
    let mut parser = parse::Parser::new(source, 0);
    while parser.next_line()?.is_some() {}
    Ok(())
}

/// Which output stream a command writes to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stream {
    Out,
    Err,
    /// Straight to the terminal, whatever the command's redirections: what another
    /// process (a background job) printed meanwhile.
    Terminal,
}

/// Where a command's output goes; the shell routes it (terminal, pipe, file, `2>&1`).
pub trait Sink {
    fn write(&mut self, stream: Stream, bytes: &[u8]);
}

/// Everything a command may touch while it runs.
pub struct Io<'a> {
    pub stdin: &'a [u8],
    pub vfs: &'a mut Vfs,
    /// Absolute path of the working directory.
    pub cwd: &'a str,
    /// Exported variables (HOME, KUBECONFIG, ...).
    pub env: &'a BTreeMap<String, String>,
    pub sink: &'a mut dyn Sink,
}

impl Io<'_> {
    pub fn out(&mut self, text: impl AsRef<[u8]>) {
        self.sink.write(Stream::Out, text.as_ref());
    }
    pub fn err(&mut self, text: impl AsRef<[u8]>) {
        self.sink.write(Stream::Err, text.as_ref());
    }
    /// Resolves a path as the command would see it (relative to `cwd`, `~` expanded).
    pub fn resolve(&self, path: &str) -> String {
        let home = self.env.get("HOME").map(String::as_str).unwrap_or("/");
        vfs::resolve(self.cwd, home, path)
    }
}

/// Commands that the shell does not implement itself.
pub trait Host {
    /// Runs `argv[0]` with the arguments `argv[1..]`. Returns the exit status, or
    /// `None` when the host does not know the command (the shell then prints
    /// `bash: foo: command not found` and sets status 127).
    fn run(&mut self, argv: &[String], io: &mut Io<'_>) -> Option<i32>;

    /// Whether the host provides `name` (for `type`, `which` and `command -v`).
    /// The default knows nothing, so those report "not found" for host commands.
    fn knows(&self, name: &str) -> bool {
        let _ = name;
        false
    }

    /// Job control, for `cmd &` where `cmd` is one simple command. The shell calls
    /// this before running it as background process `pid`: while it runs, a host
    /// command that keeps running (a port-forward, `kubectl get -w`, `sleep`) detaches
    /// as that process instead of holding the terminal or blocking. Returns false when
    /// the host has no background processes (the default): the command then runs to
    /// completion, as it does for compound commands.
    fn begin_background(&mut self, pid: u32) -> bool {
        let _ = pid;
        false
    }

    /// Ends what [`Host::begin_background`] began; true when a process detached and
    /// is still running.
    fn end_background(&mut self) -> bool {
        false
    }

    /// A detached process's exit status once it has ended (128 + the signal when it
    /// was killed), `None` while it runs.
    fn job_status(&mut self, pid: u32) -> Option<i32> {
        let _ = pid;
        Some(0)
    }

    /// `kill`: sends `signal` (15 TERM, 9 KILL, 2 INT...) to a detached process.
    fn kill_job(&mut self, pid: u32, signal: i32) {
        let _ = (pid, signal);
    }

    /// `fg`: the detached process takes the terminal. Returns its exit status when it
    /// has ended, or `None` when it now holds the terminal (its status comes later).
    fn foreground_job(&mut self, pid: u32) -> Option<i32> {
        self.job_status(pid)
    }

    /// `wait`: lets time pass until the processes have ended; their last status, or
    /// `None` when the wait now holds the terminal (interrupted by Ctrl-C).
    fn wait_jobs(&mut self, pids: &[u32]) -> Option<i32> {
        let _ = pids;
        Some(0)
    }

    /// The host's clock in milliseconds (for a timed run, [`Shell::run_timed`], since
    /// the process started; its `sleep` moves it). `time` reports how far it moved.
    fn clock_ms(&self) -> u64 {
        0
    }

    /// For a timed run: the host's time is up; the run stops where it is.
    fn out_of_time(&self) -> bool {
        false
    }
}
