//! The interpreter: runs parsed command lines against the shell state.
//!
//! Every command runs to completion before the next starts (pipelines are buffered
//! stage by stage). Output is routed through [`Outputs`]: the terminal buffer (stdout
//! and stderr in write order), in-memory channels for pipes and command substitutions,
//! and channels that are flushed into files when their command ends.
//!
//! Control flow (`break`, `return`, `exit`, budget exhaustion) travels as the error
//! side of [`Exec`], so every loop and recursion unwinds cleanly.

use crate::ast::*;
use crate::parse::{is_name, Parser};
use crate::{glob, programs, vfs, Host, Io, Sink, Stream, Vfs};
use std::collections::BTreeMap;
use std::sync::Arc;

/// Steps (commands, loop rounds) one [`Shell::run`] may take by default.
pub const DEFAULT_STEP_BUDGET: u64 = 100_000;
/// How deep functions, subshells, substitutions, `source` and `eval` may nest.
pub const MAX_CALL_DEPTH: u32 = 100;
/// How many lines `history` keeps.
pub const HISTORY_SIZE: usize = 1000;
/// How much output one run may produce before it is stopped.
pub const OUTPUT_LIMIT: usize = 32 << 20;
/// The longest string a variable or a word may hold.
pub const MAX_STRING: usize = 16 << 20;

/// How much stack the interpreter may use below [`Shell::run`]. Depth counters bound
/// recursion by count, but frame sizes differ between debug and release builds and
/// between targets, and the browser's wasm stack is only 1 MiB; so nesting is also
/// bounded by the stack actually used, measured from the address of a local.
pub const STACK_BUDGET: usize = 384 << 10;

/// The address of a local: where the stack is now.
#[inline(never)]
pub(crate) fn stack_position() -> usize {
    let marker = 0u8;
    std::hint::black_box(&marker) as *const u8 as usize
}

/// Stack used since `base` (0 means unknown: nothing used).
pub(crate) fn stack_used(base: usize) -> usize {
    if base == 0 {
        return 0;
    }
    base.abs_diff(stack_position())
}

/// The shell's own state as plain data, for saving a session and restoring it later
/// (the filesystem is saved separately, see [`Vfs::entries`]).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ShellState {
    pub cwd: String,
    /// Exported variables.
    pub env: BTreeMap<String, String>,
    /// Variables that are not exported.
    pub vars: BTreeMap<String, String>,
    pub arrays: BTreeMap<String, BTreeMap<u64, String>>,
    pub aliases: BTreeMap<String, String>,
    /// Function definitions as source text (`name () { ...; }`).
    pub functions: BTreeMap<String, String>,
    pub history: Vec<String>,
    pub status: i32,
}

/// What the terminal shows for one [`Shell::run`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outcome {
    /// Standard output and standard error, interleaved in the order they were written.
    pub text: String,
    /// The exit status of the last command (`$?`).
    pub status: i32,
    /// The shell ran `exit` (an interactive session ends).
    pub exited: bool,
}

/// What a timed run ([`Shell::run_timed`]) printed, and when.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Timeline {
    /// Standard output and error by the host clock's reading when written (in order).
    pub chunks: Vec<(u64, String)>,
    pub status: i32,
    /// Why the run stopped before the script ended, if it did.
    pub stopped: Option<Stop>,
}

/// Why a timed run stopped early.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stop {
    /// The host said its time is up ([`Host::out_of_time`]): the process runs on.
    Horizon,
    /// The step budget or output limit ran out without time passing: a busy loop.
    Busy,
}

/// The variables a function made `local`, with the values to restore (and whether
/// they were exported) when it returns.
pub(crate) type LocalFrame = Vec<(String, Option<(String, bool)>)>;

/// How control leaves a command other than by finishing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Ctl {
    Break(u32),
    Continue(u32),
    Return(i32),
    Exit(i32),
    /// An expansion error: the rest of the command line is abandoned (message printed).
    Fail(i32),
    /// The step budget, depth or output limit ran out (message printed); stops everything.
    Abort(i32),
}

pub(crate) type Exec = Result<i32, Ctl>;

/// Where a file descriptor points.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Target {
    Terminal,
    Chan(usize),
    Null,
}

#[derive(Debug, Clone, Copy)]
pub(crate) struct Fds {
    pub out: Target,
    pub err: Target,
}

/// All output of a run: the terminal and the open channels.
#[derive(Debug, Default, Clone)]
pub(crate) struct Outputs {
    terminal: Vec<u8>,
    chans: Vec<Vec<u8>>,
    free: Vec<usize>,
    total: usize,
    pub overflow: bool,
    /// In a timed run ([`Shell::run_timed`]): the host's clock as last reported, and
    /// the terminal's bytes by the instant they were written.
    timed: bool,
    clock: u64,
    chunks: Vec<(u64, Vec<u8>)>,
}

impl Outputs {
    pub(crate) fn open(&mut self) -> usize {
        match self.free.pop() {
            Some(i) => i,
            None => {
                self.chans.push(Vec::new());
                self.chans.len() - 1
            }
        }
    }
    pub(crate) fn take(&mut self, chan: usize) -> Vec<u8> {
        let data = self.chans.get_mut(chan).map(std::mem::take).unwrap_or_default();
        self.total = self.total.saturating_sub(data.len());
        self.free.push(chan);
        data
    }
    fn write(&mut self, target: Target, bytes: &[u8]) {
        if self.total + bytes.len() > OUTPUT_LIMIT {
            self.overflow = true;
            return;
        }
        match target {
            Target::Terminal => {
                self.total += bytes.len();
                if self.timed {
                    match self.chunks.last_mut() {
                        Some((at, chunk)) if *at == self.clock => chunk.extend_from_slice(bytes),
                        _ => self.chunks.push((self.clock, bytes.to_vec())),
                    }
                }
                self.terminal.extend_from_slice(bytes)
            }
            Target::Chan(i) => {
                if let Some(c) = self.chans.get_mut(i) {
                    self.total += bytes.len();
                    c.extend_from_slice(bytes);
                }
            }
            Target::Null => {}
        }
    }
}

struct Router<'a> {
    fds: Fds,
    out: &'a mut Outputs,
}

impl Sink for Router<'_> {
    fn write(&mut self, stream: Stream, bytes: &[u8]) {
        let target = match stream {
            Stream::Out => self.fds.out,
            Stream::Err => self.fds.err,
            Stream::Terminal => Target::Terminal,
        };
        self.out.write(target, bytes);
    }
}

/// Standard input: the bytes and how far `read` has consumed them.
#[derive(Debug, Clone, Default)]
pub(crate) struct Input {
    pub data: Vec<u8>,
    pub pos: usize,
}

#[derive(Debug, Clone)]
pub(crate) struct Function {
    pub body: Arc<Command>,
    pub source: String,
}

/// The state a subshell copies and throws away.
#[derive(Clone)]
struct Saved {
    cwd: String,
    env: BTreeMap<String, String>,
    vars: BTreeMap<String, String>,
    functions: BTreeMap<String, Function>,
    arrays: BTreeMap<String, BTreeMap<u64, String>>,
    aliases: BTreeMap<String, String>,
    positional: Vec<String>,
    arg0: String,
    errexit: bool,
    pipefail: bool,
    nounset: bool,
    locals: Vec<LocalFrame>,
}

/// A bash-like shell over a [`Vfs`]. Commands it does not know go to a [`Host`].
///
/// `Clone` gives an independent copy (filesystem included), e.g. to run a lesson
/// check without touching the learner's session.
#[derive(Clone)]
pub struct Shell {
    pub(crate) vfs: Vfs,
    pub(crate) cwd: String,
    /// Exported variables.
    pub(crate) env: BTreeMap<String, String>,
    /// Shell variables that are not exported.
    pub(crate) vars: BTreeMap<String, String>,
    pub(crate) functions: BTreeMap<String, Function>,
    /// Indexed arrays: `a=(x y)`, `a[3]=z`.
    pub(crate) arrays: BTreeMap<String, BTreeMap<u64, String>>,
    pub(crate) aliases: BTreeMap<String, String>,
    pub(crate) history: Vec<String>,
    /// How many lines were dropped from the front of `history`.
    pub(crate) history_base: u64,
    pub(crate) positional: Vec<String>,
    pub(crate) status: i32,
    pub(crate) errexit: bool,
    /// `set -o pipefail`: a pipeline fails when any stage fails.
    pub(crate) pipefail: bool,
    /// `set -u`: expanding an unset variable is an error.
    pub(crate) nounset: bool,
    budget: u64,
    steps: u64,
    pub(crate) depth: u32,
    pub(crate) func_depth: u32,
    pub(crate) loop_depth: u32,
    cond_depth: u32,
    pub(crate) locals: Vec<LocalFrame>,
    pub(crate) stdin: Input,
    pub(crate) out: Outputs,
    pub(crate) fds: Fds,
    alias_stack: Vec<String>,
    pub(crate) subst_status: Option<i32>,
    random: u32,
    /// Where the stack was when `run` started (see [`STACK_BUDGET`]).
    stack_base: usize,
    /// Files made for `<(...)` during this run.
    proc_files: Vec<String>,
    /// `$0`: `bash`, or the script's name.
    pub(crate) arg0: String,
    /// Inside `source`, where `return` is allowed outside functions.
    pub(crate) in_source: bool,
    /// The script being run (for error messages), and the line it is on.
    pub(crate) script: Option<String>,
    pub(crate) lineno: u32,
    /// Set by `exit` at the top level during one `run`.
    exited: bool,
    /// Background jobs (`cmd &`) of the interactive shell, by job number.
    pub(crate) jobs: Vec<JobEntry>,
    /// `$!`: the process id of the last background job.
    pub(crate) last_bg: Option<u32>,
    /// Commands run so far; process ids grow with them as a real system's do.
    pub(crate) forks: u32,
    /// Why a timed run stopped early.
    stopped: Option<Stop>,
}

/// A background job in the shell's table.
#[derive(Debug, Clone)]
pub(crate) struct JobEntry {
    pub number: u32,
    pub pid: u32,
    pub text: String,
    /// Detached in the host (ask it for the state), or finished with this status.
    pub state: JobRun,
    /// Started during the current `run`: a job that finished at once (`false &`) is
    /// reported at the next prompt, as bash notices it only then.
    pub fresh: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum JobRun {
    Host,
    Ended(i32),
}

/// How `jobs` and the notices name a job's state, as bash does.
pub(crate) fn job_state_text(status: Option<i32>) -> String {
    match status {
        None => "Running".to_string(),
        Some(0) => "Done".to_string(),
        Some(129) => "Hangup".to_string(),
        Some(130) => "Interrupt".to_string(),
        Some(137) => "Killed".to_string(),
        Some(143) => "Terminated".to_string(),
        Some(n) => format!("Exit {n}"),
    }
}

impl Shell {
    /// A shell in `home` (created if missing), with `HOME`, `USER`, `PATH`, `PWD` set.
    pub fn new(mut vfs: Vfs, home: &str) -> Shell {
        let home = vfs::resolve("/", "/", home);
        let _ = vfs.create_dir_all(&home);
        let user = match vfs::file_name(&home) {
            "/" | "root" => "root".to_string(),
            name => name.to_string(),
        };
        let mut env = BTreeMap::new();
        env.insert("HOME".to_string(), home.clone());
        env.insert("USER".to_string(), user.clone());
        env.insert("LOGNAME".to_string(), user);
        env.insert("PATH".to_string(), "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin".to_string());
        env.insert("PWD".to_string(), home.clone());
        env.insert("SHELL".to_string(), "/bin/bash".to_string());
        env.insert("TERM".to_string(), "xterm-256color".to_string());
        env.insert("LANG".to_string(), "C.UTF-8".to_string());
        env.insert("SHLVL".to_string(), "1".to_string());
        let mut vars = BTreeMap::new();
        vars.insert("IFS".to_string(), " \t\n".to_string());
        vars.insert("PS1".to_string(), "\\u@\\h:\\w\\$ ".to_string());
        vars.insert("HOSTNAME".to_string(), "kubeniwa".to_string());
        vars.insert("BASH".to_string(), "/bin/bash".to_string());
        vars.insert("BASH_VERSION".to_string(), "5.2.21(1)-release".to_string());
        vars.insert("OSTYPE".to_string(), "linux-gnu".to_string());
        vars.insert("HOSTTYPE".to_string(), "x86_64".to_string());
        vars.insert("MACHTYPE".to_string(), "x86_64-pc-linux-gnu".to_string());
        vars.insert("HISTSIZE".to_string(), HISTORY_SIZE.to_string());
        Shell {
            vfs,
            cwd: home,
            env,
            vars,
            functions: BTreeMap::new(),
            arrays: BTreeMap::new(),
            aliases: BTreeMap::new(),
            history: Vec::new(),
            history_base: 0,
            positional: Vec::new(),
            status: 0,
            errexit: false,
            pipefail: false,
            nounset: false,
            budget: DEFAULT_STEP_BUDGET,
            steps: 0,
            depth: 0,
            func_depth: 0,
            loop_depth: 0,
            cond_depth: 0,
            locals: Vec::new(),
            stdin: Input::default(),
            out: Outputs::default(),
            fds: Fds { out: Target::Terminal, err: Target::Terminal },
            alias_stack: Vec::new(),
            subst_status: None,
            random: 0x2545_f491,
            in_source: false,
            arg0: "bash".to_string(),
            stack_base: 0,
            proc_files: Vec::new(),
            exited: false,
            jobs: Vec::new(),
            last_bg: None,
            forks: 0,
            stopped: None,
            script: None,
            lineno: 1,
        }
    }

    /// Makes this shell an `sh` (BusyBox ash) rather than bash: `$0` and the wording
    /// of "not found" change, as in a container image.
    pub fn set_program_name(&mut self, name: &str) {
        self.arg0 = name.to_string();
    }

    pub fn vfs(&self) -> &Vfs {
        &self.vfs
    }
    pub fn vfs_mut(&mut self) -> &mut Vfs {
        &mut self.vfs
    }
    /// The working directory (absolute).
    pub fn cwd(&self) -> &str {
        &self.cwd
    }
    /// The exported variables.
    pub fn env(&self) -> &BTreeMap<String, String> {
        &self.env
    }
    /// A variable's value, exported or not.
    pub fn var(&self, name: &str) -> Option<&str> {
        self.env
            .get(name)
            .or_else(|| self.vars.get(name))
            .or_else(|| self.arrays.get(name).and_then(|a| a.get(&0)))
            .map(String::as_str)
    }
    /// Sets and exports a variable (as `export NAME=value` would).
    /// Forgets every exported variable: a container's shell starts with only the
    /// environment its runtime gives it, none of the learner's terminal.
    pub fn clear_env(&mut self) {
        self.env.clear();
    }
    pub fn set_var(&mut self, name: &str, value: &str) {
        self.vars.remove(name);
        self.env.insert(name.to_string(), value.to_string());
    }
    /// The prompt from `PS1` (`\u@\h:\w\$ ` by default: `learner@kubeniwa:~$ `).
    pub fn prompt(&self) -> String {
        let ps1 = self.var("PS1").unwrap_or("\\$ ").to_string();
        let home = self.var("HOME").unwrap_or("/");
        let short = match self.cwd.strip_prefix(home) {
            Some(rest) if home != "/" && (rest.is_empty() || rest.starts_with('/')) => format!("~{rest}"),
            _ => self.cwd.clone(),
        };
        let user = self.var("USER").unwrap_or("root");
        let mut out = String::new();
        let mut chars = ps1.chars();
        while let Some(c) = chars.next() {
            if c != '\\' {
                out.push(c);
                continue;
            }
            match chars.next() {
                Some('u') => out.push_str(user),
                Some('h') | Some('H') => out.push_str(self.var("HOSTNAME").unwrap_or("kubeniwa")),
                Some('w') => out.push_str(&short),
                Some('W') => out.push_str(if short == "~" { "~" } else { vfs::file_name(&self.cwd) }),
                Some('$') => out.push(if user == "root" { '#' } else { '$' }),
                Some('n') => out.push('\n'),
                Some('\\') => out.push('\\'),
                Some('[') | Some(']') => {}
                Some(other) => {
                    out.push('\\');
                    out.push(other);
                }
                None => out.push('\\'),
            }
        }
        crate::interp::clean(&out)
    }
    /// Tab completion for the end of `line`: the words that could replace its last word,
    /// sorted. The first word completes to commands (builtins, programs, aliases,
    /// functions and `host_commands`), later words to paths (directories end in `/`).
    pub fn completions(&self, line: &str, host_commands: &[&str]) -> Vec<String> {
        let starts_word = line.is_empty() || line.ends_with([' ', '\t', '|', ';', '&', '(']);
        let word = if starts_word { "" } else { line.rsplit([' ', '\t', '|', ';', '&', '(']).next().unwrap_or("") };
        let before = line[..line.len() - word.len()].trim_end();
        let command_position = before.is_empty() || before.ends_with(['|', ';', '&', '(']);
        let mut out: Vec<String> = Vec::new();
        if command_position && !word.contains('/') {
            let names = crate::builtins::BUILTINS
                .iter()
                .chain(programs::NAMES.iter())
                .chain(host_commands.iter())
                .map(|s| s.to_string())
                .chain(self.aliases.keys().cloned())
                .chain(self.functions.keys().cloned())
                .chain(["env", "printenv", "xargs", "sudo", "which", "sh"].iter().map(|s| s.to_string()));
            out.extend(names.filter(|n| n.starts_with(word) && !n.is_empty()));
        } else {
            let (dir_part, prefix) = match word.rfind('/') {
                Some(i) => (&word[..=i], &word[i + 1..]),
                None => ("", word),
            };
            let dir = if dir_part.is_empty() { self.cwd.clone() } else { self.resolve(dir_part) };
            if let Ok(names) = self.vfs.list_dir(&dir) {
                for name in names {
                    if !name.starts_with(prefix) || (name.starts_with('.') && !prefix.starts_with('.')) {
                        continue;
                    }
                    let full = if dir == "/" { format!("/{name}") } else { format!("{dir}/{name}") };
                    let slash = if self.vfs.is_dir(&full) { "/" } else { "" };
                    out.push(format!("{dir_part}{name}{slash}"));
                }
            }
        }
        out.sort();
        out.dedup();
        out
    }

    /// The value of alias `name`, if there is one.
    pub fn alias_value(&self, name: &str) -> Option<&str> {
        self.aliases.get(name).map(String::as_str)
    }

    /// The state to save (everything but the filesystem and the budget).
    pub fn state(&self) -> ShellState {
        ShellState {
            cwd: self.cwd.clone(),
            env: self.env.clone(),
            vars: self.vars.clone(),
            arrays: self.arrays.clone(),
            aliases: self.aliases.clone(),
            functions: self.functions.iter().map(|(k, f)| (k.clone(), f.source.clone())).collect(),
            history: self.history.clone(),
            status: self.status,
        }
    }

    /// A shell restored from saved state over `vfs`. Functions are parsed again from
    /// their source; one that no longer parses is dropped.
    pub fn from_state(vfs: Vfs, state: ShellState) -> Shell {
        let home = state.env.get("HOME").cloned().unwrap_or_else(|| "/root".to_string());
        let mut shell = Shell::new(vfs, &home);
        shell.cwd = if shell.vfs.is_dir(&state.cwd) { state.cwd } else { home };
        shell.env = state.env;
        shell.vars = state.vars;
        shell.arrays = state.arrays;
        shell.aliases = state.aliases;
        shell.history = state.history;
        shell.status = state.status;
        for (name, source) in state.functions {
            let mut parser = Parser::new(&source, 0);
            if let Ok(list) = parser.parse_all() {
                for item in list.items {
                    if let Some(Command::Function { name: n, body, source }) = item.and_or.first.commands.into_iter().next() {
                        if n == name {
                            shell.functions.insert(n, Function { body, source });
                        }
                    }
                }
            }
        }
        shell
    }

    /// The lines run so far, oldest first.
    pub fn history(&self) -> &[String] {
        &self.history
    }
    /// The status of the last command (`$?`).
    pub fn last_status(&self) -> i32 {
        self.status
    }
    /// Sets `$?`: a command that held the terminal ended (or was interrupted: 130)
    /// after [`Shell::run`] returned.
    pub fn set_last_status(&mut self, status: i32) {
        self.status = status;
    }
    /// How many steps (commands and loop rounds) one `run` may take.
    pub fn set_step_budget(&mut self, steps: u64) {
        self.budget = steps.max(1);
    }
    /// Defines an alias, as `alias name=value` would.
    pub fn set_alias(&mut self, name: &str, value: &str) {
        self.aliases.insert(name.to_string(), value.to_string());
    }

    /// Runs a command line (possibly several lines) and returns what the terminal shows.
    pub fn run(&mut self, host: &mut dyn Host, source: &str) -> Outcome {
        self.run_inner(host, source, false).0
    }

    /// Runs `source` as a container's process: what it prints is kept with the host's
    /// clock reading at the time ([`Host::clock_ms`], moved by the host's `sleep`), and
    /// the run stops without a message when the host's time is up or the step budget
    /// runs out (a loop that never sleeps keeps the process busy).
    pub fn run_timed(&mut self, host: &mut dyn Host, source: &str) -> Timeline {
        let (outcome, chunks) = self.run_inner(host, source, true);
        let chunks = chunks.into_iter().map(|(at, bytes)| (at, String::from_utf8_lossy(&bytes).into_owned())).collect();
        Timeline { chunks, status: outcome.status, stopped: self.stopped.take() }
    }

    fn run_inner(&mut self, host: &mut dyn Host, source: &str, timed: bool) -> (Outcome, Vec<(u64, Vec<u8>)>) {
        let line = source.trim_end_matches('\n');
        if !line.trim().is_empty() {
            self.history.push(line.to_string());
            // Like HISTSIZE: keep the most recent lines (numbering carries on).
            if self.history.len() > HISTORY_SIZE {
                let drop = self.history.len() - HISTORY_SIZE;
                self.history.drain(..drop);
                self.history_base += drop as u64;
            }
        }
        self.steps = 0;
        for job in &mut self.jobs {
            job.fresh = false;
        }
        self.out = Outputs { timed, clock: host.clock_ms(), ..Outputs::default() };
        self.stopped = None;
        self.fds = Fds { out: Target::Terminal, err: Target::Terminal };
        self.stdin = Input::default();
        self.depth = 0;
        self.stack_base = stack_position();
        self.alias_stack.clear();
        self.exited = false;
        let status = self.run_source(host, source, false);
        self.status = status;
        let notices = self.job_notices(host);
        if !notices.is_empty() {
            self.out.write(Target::Terminal, notices.as_bytes());
        }
        for path in std::mem::take(&mut self.proc_files) {
            let _ = self.vfs.remove(&path);
        }
        let _ = self.vfs.remove("/dev/fd");
        let text = String::from_utf8_lossy(&self.out.terminal).into_owned();
        let chunks = std::mem::take(&mut self.out.chunks);
        self.out = Outputs::default();
        (Outcome { text, status, exited: std::mem::take(&mut self.exited) }, chunks)
    }

    /// Parses and runs `source` line by line, as bash does: an error on line 3 comes
    /// after lines 1 and 2 have run. `Exit` ends it; the status is returned.
    fn run_source(&mut self, host: &mut dyn Host, source: &str, nested: bool) -> i32 {
        match self.run_lines(host, source) {
            Ok(status) => status,
            Err(Ctl::Exit(n)) => {
                if !nested {
                    self.exited = true;
                }
                n
            }
            Err(Ctl::Fail(n)) | Err(Ctl::Abort(n)) => n,
            Err(Ctl::Return(n)) if !nested => n,
            Err(Ctl::Return(n)) => n,
            Err(Ctl::Break(_)) | Err(Ctl::Continue(_)) => self.status,
        }
    }

    pub(crate) fn run_lines(&mut self, host: &mut dyn Host, source: &str) -> Exec {
        self.run_lines_tracked(host, source, false)
    }

    /// Runs `source`; with `track` (scripts and `source`), `$LINENO` follows the lines
    /// and errors name the script and line, as bash does.
    pub(crate) fn run_lines_tracked(&mut self, host: &mut dyn Host, source: &str, track: bool) -> Exec {
        let mut parser = Parser::new(source, 0);
        let mut status = self.status;
        loop {
            let next = parser.next_line();
            if track {
                self.lineno = parser.start_line;
            }
            match next {
                Ok(Some(list)) => {
                    status = self.exec_list(host, &list)?;
                }
                Ok(None) => break,
                Err(e) => {
                    if track {
                        self.lineno = e.line;
                    }
                    self.print_err(&format!("bash: {}\n", e.error));
                    if track && !e.error.is_incomplete() {
                        // Scripts also show the offending line.
                        let text = source.lines().nth(e.line.saturating_sub(1) as usize).unwrap_or("").to_string();
                        self.print_err(&format!("bash: `{}'\n", clean(&text)));
                    }
                    self.status = 2;
                    return Ok(2);
                }
            }
        }
        if parser.heredoc_incomplete {
            self.print_err("bash: warning: here-document delimited by end-of-file\n");
        }
        Ok(status)
    }

    /// Writes a shell error. Inside a script, bash names the script and line instead
    /// of itself: `./deploy.sh: line 3: foo: command not found`.
    pub(crate) fn print_err(&mut self, text: &str) {
        if let (Some(script), Some(rest)) = (&self.script, text.strip_prefix("bash: ")) {
            let text = format!("{script}: line {}: {rest}", self.lineno);
            self.out.write(self.fds.err, text.as_bytes());
            return;
        }
        self.out.write(self.fds.err, text.as_bytes());
    }

    pub(crate) fn print_out(&mut self, text: &str) {
        self.out.write(self.fds.out, text.as_bytes());
    }

    /// Counts one step; stops the run when the budget is spent or output overflows.
    pub(crate) fn tick(&mut self) -> Result<(), Ctl> {
        self.steps += 1;
        if self.out.timed && (self.steps > self.budget || self.out.overflow) {
            self.stopped = Some(Stop::Busy);
            return Err(Ctl::Abort(0));
        }
        if self.steps > self.budget {
            let msg = format!("bash: step budget exceeded ({} steps); command stopped\n", self.budget);
            self.fds.err = Target::Terminal;
            self.print_err(&msg);
            return Err(Ctl::Abort(130));
        }
        if self.out.overflow {
            self.out.overflow = false;
            self.fds.err = Target::Terminal;
            self.print_err(&format!("bash: output limit exceeded ({} MiB); command stopped\n", OUTPUT_LIMIT >> 20));
            return Err(Ctl::Abort(130));
        }
        Ok(())
    }

    pub(crate) fn enter(&mut self) -> Result<(), Ctl> {
        if self.depth >= MAX_CALL_DEPTH || stack_used(self.stack_base) > STACK_BUDGET {
            self.fds.err = Target::Terminal;
            self.print_err(&format!("bash: maximum nesting level exceeded ({MAX_CALL_DEPTH}); command stopped\n"));
            return Err(Ctl::Abort(1));
        }
        self.depth += 1;
        Ok(())
    }

    // ----- lists and pipelines -----

    pub(crate) fn exec_list(&mut self, host: &mut dyn Host, list: &List) -> Exec {
        let mut status = self.status;
        for item in &list.items {
            if item.background {
                status = self.exec_background(host, item)?;
            } else {
                status = self.exec_and_or(host, &item.and_or)?;
            }
            self.status = status;
        }
        Ok(status)
    }

    /// `cmd &`: the interactive shell prints `[N] PID` and goes on at once. A simple
    /// command the host can detach keeps running there (a port-forward, `get -w`,
    /// `sleep`); anything else runs to completion first and is then a finished job.
    fn exec_background(&mut self, host: &mut dyn Host, item: &Item) -> Exec {
        self.forks += 1;
        let pid = 4242 + 17 + self.forks * 3;
        self.last_bg = Some(pid);
        let interactive = self.script.is_none();
        let number = self.jobs.iter().map(|j| j.number).max().unwrap_or(0) + 1;
        let simple = item.and_or.rest.is_empty() && !item.and_or.first.negate && item.and_or.first.commands.len() == 1 && matches!(item.and_or.first.commands[0], Command::Simple(_));
        let detachable = simple && host.begin_background(pid);
        if interactive {
            let line = format!("[{number}] {pid}\n");
            self.out.write(Target::Terminal, line.as_bytes());
        }
        let saved_stdin = std::mem::take(&mut self.stdin);
        let r = self.subshell(|sh| sh.exec_and_or(host, &item.and_or));
        self.stdin = saved_stdin;
        let detached = detachable && host.end_background();
        let ended = r?;
        if interactive {
            let state = if detached { JobRun::Host } else { JobRun::Ended(ended) };
            self.jobs.push(JobEntry { number, pid, text: item.text.trim_end_matches('&').trim_end().to_string(), state, fresh: true });
        }
        Ok(0)
    }

    /// A job's exit status once it has ended, `None` while it runs.
    pub(crate) fn job_status(&self, host: &mut dyn Host, job: &JobEntry) -> Option<i32> {
        match job.state {
            JobRun::Host => host.job_status(job.pid),
            JobRun::Ended(n) => Some(n),
        }
    }

    /// `+` for the current job (the newest), `-` for the one before.
    pub(crate) fn job_mark(&self, index: usize) -> char {
        let n = self.jobs.len();
        if index + 1 == n {
            '+'
        } else if index + 2 == n {
            '-'
        } else {
            ' '
        }
    }

    /// The lines bash prints before a prompt for the background jobs that ended
    /// (`[1]+  Done                    sleep 10`); they leave the table.
    pub fn job_notices(&mut self, host: &mut dyn Host) -> String {
        let mut out = String::new();
        let mut keep = Vec::new();
        let jobs = self.jobs.clone();
        for (i, job) in jobs.iter().enumerate() {
            match self.job_status(host, job) {
                Some(_) if job.fresh && job.state != JobRun::Host => keep.push(job.clone()),
                Some(status) => out.push_str(&format!("[{}]{}  {:<24}{}\n", job.number, self.job_mark(i), job_state_text(Some(status)), job.text)),
                None => keep.push(job.clone()),
            }
        }
        self.jobs = keep;
        out
    }

    fn exec_and_or(&mut self, host: &mut dyn Host, and_or: &AndOr) -> Exec {
        let has_rest = !and_or.rest.is_empty();
        if has_rest {
            self.cond_depth += 1;
        }
        let first = self.exec_pipeline(host, &and_or.first);
        if has_rest {
            self.cond_depth -= 1;
        }
        let mut status = first?;
        let mut last_ran = !has_rest;
        let mut negated = and_or.first.negate;
        for (i, (connector, pipeline)) in and_or.rest.iter().enumerate() {
            self.status = status;
            let run = match connector {
                Connector::And => status == 0,
                Connector::Or => status != 0,
            };
            let is_last = i + 1 == and_or.rest.len();
            if run {
                if !is_last {
                    self.cond_depth += 1;
                }
                let r = self.exec_pipeline(host, pipeline);
                if !is_last {
                    self.cond_depth -= 1;
                }
                status = r?;
                last_ran = is_last;
                negated = pipeline.negate;
            }
        }
        if self.errexit && status != 0 && last_ran && !negated && self.cond_depth == 0 {
            return Err(Ctl::Exit(status));
        }
        Ok(status)
    }

    fn exec_pipeline(&mut self, host: &mut dyn Host, pipeline: &Pipeline) -> Exec {
        self.tick()?;
        let status = if pipeline.commands.len() == 1 {
            if pipeline.negate {
                self.cond_depth += 1;
            }
            let r = self.exec_command(host, &pipeline.commands[0]);
            if pipeline.negate {
                self.cond_depth -= 1;
            }
            let status = r?;
            self.arrays.insert("PIPESTATUS".to_string(), BTreeMap::from([(0, status.to_string())]));
            status
        } else {
            let mut statuses = BTreeMap::new();
            let mut input: Option<Vec<u8>> = None;
            let mut status = 0;
            // The rightmost failing stage, for pipefail.
            let mut failed: Option<i32> = None;
            let count = pipeline.commands.len();
            for (i, command) in pipeline.commands.iter().enumerate() {
                let chan = if i + 1 < count { Some(self.out.open()) } else { None };
                let saved_fds = self.fds;
                if let Some(c) = chan {
                    self.fds.out = Target::Chan(c);
                }
                let saved_stdin = input.take().map(|data| std::mem::replace(&mut self.stdin, Input { data, pos: 0 }));
                let r = self.subshell(|sh| sh.exec_command(host, command));
                if let Some(s) = saved_stdin {
                    self.stdin = s;
                }
                self.fds = saved_fds;
                if let Some(c) = chan {
                    input = Some(self.out.take(c));
                }
                let stage = r?;
                statuses.insert(i as u64, stage.to_string());
                status = if self.pipefail && stage == 0 && i + 1 == count { failed.unwrap_or(0) } else { stage };
                if stage != 0 {
                    failed = Some(stage);
                }
            }
            self.arrays.insert("PIPESTATUS".to_string(), statuses);
            status
        };
        let status = if pipeline.negate { (status == 0) as i32 } else { status };
        self.status = status;
        Ok(status)
    }

    fn snapshot(&self) -> Saved {
        Saved {
            cwd: self.cwd.clone(),
            env: self.env.clone(),
            vars: self.vars.clone(),
            functions: self.functions.clone(),
            arrays: self.arrays.clone(),
            aliases: self.aliases.clone(),
            positional: self.positional.clone(),
            arg0: self.arg0.clone(),
            errexit: self.errexit,
            pipefail: self.pipefail,
            nounset: self.nounset,
            locals: self.locals.clone(),
        }
    }

    fn restore(&mut self, saved: Saved) {
        self.cwd = saved.cwd;
        self.env = saved.env;
        self.vars = saved.vars;
        self.functions = saved.functions;
        self.arrays = saved.arrays;
        self.aliases = saved.aliases;
        self.positional = saved.positional;
        self.arg0 = saved.arg0;
        self.errexit = saved.errexit;
        self.pipefail = saved.pipefail;
        self.nounset = saved.nounset;
        self.locals = saved.locals;
    }

    /// Runs `f` in a copy of the shell state (the filesystem is shared, as processes
    /// share the disk). `exit` ends only the subshell.
    pub(crate) fn subshell(&mut self, f: impl FnOnce(&mut Shell) -> Exec) -> Exec {
        self.enter()?;
        let saved = self.snapshot();
        let loop_depth = std::mem::replace(&mut self.loop_depth, 0);
        let r = f(self);
        self.loop_depth = loop_depth;
        self.restore(saved);
        self.depth -= 1;
        match r {
            Ok(n) | Err(Ctl::Exit(n)) | Err(Ctl::Fail(n)) | Err(Ctl::Return(n)) => Ok(n),
            Err(Ctl::Break(_)) | Err(Ctl::Continue(_)) => Ok(self.status),
            Err(abort @ Ctl::Abort(_)) => Err(abort),
        }
    }

    // ----- commands -----

    pub(crate) fn exec_command(&mut self, host: &mut dyn Host, command: &Command) -> Exec {
        match command {
            Command::Simple(simple) => self.exec_simple(host, simple),
            Command::Compound(compound, redirects) => {
                self.with_redirects(host, redirects, |sh, host| sh.exec_compound(host, compound))
            }
            Command::Function { name, body, source } => {
                self.functions.insert(name.clone(), Function { body: body.clone(), source: source.clone() });
                Ok(0)
            }
        }
    }

    fn exec_compound(&mut self, host: &mut dyn Host, compound: &Compound) -> Exec {
        self.enter()?;
        let r = self.exec_compound_inner(host, compound);
        self.depth -= 1;
        r
    }

    fn exec_compound_inner(&mut self, host: &mut dyn Host, compound: &Compound) -> Exec {
        match compound {
            Compound::Group(list) => self.exec_list(host, list),
            Compound::Subshell(list) => self.subshell(|sh| sh.exec_list(host, list)),
            Compound::If { branches, otherwise } => {
                for (cond, body) in branches {
                    if self.condition(host, cond)? == 0 {
                        return self.exec_list(host, body);
                    }
                }
                match otherwise {
                    Some(body) => self.exec_list(host, body),
                    None => Ok(0),
                }
            }
            Compound::While { cond, body, until } => {
                let mut status = 0;
                self.loop_depth += 1;
                let r = loop {
                    if let Err(e) = self.tick() {
                        break Err(e);
                    }
                    let c = match self.condition(host, cond) {
                        Ok(c) => c,
                        Err(Ctl::Break(n)) if n <= 1 => break Ok(status),
                        Err(e) => break Err(e),
                    };
                    if (c == 0) == *until {
                        break Ok(status);
                    }
                    match self.exec_list(host, body) {
                        Ok(s) => status = s,
                        Err(Ctl::Break(n)) if n <= 1 => break Ok(status),
                        Err(Ctl::Break(n)) => break Err(Ctl::Break(n - 1)),
                        Err(Ctl::Continue(n)) if n <= 1 => {}
                        Err(Ctl::Continue(n)) => break Err(Ctl::Continue(n - 1)),
                        Err(e) => break Err(e),
                    }
                };
                self.loop_depth -= 1;
                r
            }
            Compound::For { var, words, body } => {
                let items = match words {
                    Some(words) => self.expand_words(host, words)?,
                    None => self.positional.clone(),
                };
                let mut status = 0;
                self.loop_depth += 1;
                let mut r = Ok(0);
                for item in items {
                    if let Err(e) = self.tick() {
                        r = Err(e);
                        break;
                    }
                    if let Err(e) = self.assign(var, item) {
                        r = Err(e);
                        break;
                    }
                    match self.exec_list(host, body) {
                        Ok(s) => status = s,
                        Err(Ctl::Break(n)) if n <= 1 => break,
                        Err(Ctl::Break(n)) => {
                            r = Err(Ctl::Break(n - 1));
                            break;
                        }
                        Err(Ctl::Continue(n)) if n <= 1 => {}
                        Err(Ctl::Continue(n)) => {
                            r = Err(Ctl::Continue(n - 1));
                            break;
                        }
                        Err(e) => {
                            r = Err(e);
                            break;
                        }
                    }
                }
                self.loop_depth -= 1;
                r.map(|_| status)
            }
            Compound::ArithFor { init, cond, step, body } => {
                self.arith_word(host, init)?;
                let mut status = 0;
                self.loop_depth += 1;
                let r = loop {
                    if let Err(e) = self.tick() {
                        break Err(e);
                    }
                    let go = if cond.raw.trim().is_empty() {
                        true
                    } else {
                        match self.arith_word(host, cond) {
                            Ok(v) => v != 0,
                            Err(e) => break Err(e),
                        }
                    };
                    if !go {
                        break Ok(status);
                    }
                    match self.exec_list(host, body) {
                        Ok(s) => status = s,
                        Err(Ctl::Break(n)) if n <= 1 => break Ok(status),
                        Err(Ctl::Break(n)) => break Err(Ctl::Break(n - 1)),
                        Err(Ctl::Continue(n)) if n <= 1 => {}
                        Err(Ctl::Continue(n)) => break Err(Ctl::Continue(n - 1)),
                        Err(e) => break Err(e),
                    }
                    if let Err(e) = self.arith_word(host, step) {
                        break Err(e);
                    }
                };
                self.loop_depth -= 1;
                r
            }
            Compound::Case { word, arms } => {
                let subject = self.expand_string(host, word)?;
                for arm in arms {
                    for pattern in &arm.patterns {
                        let pat = self.expand_pattern(host, pattern)?;
                        if glob::glob_match(&pat, &subject) {
                            return self.exec_list(host, &arm.body);
                        }
                    }
                }
                Ok(0)
            }
            Compound::Cond(expr) => {
                let r = self.eval_cond(host, expr)?;
                Ok(r)
            }
            Compound::Arith(word) => {
                let v = self.arith_word(host, word)?;
                Ok((v == 0) as i32)
            }
        }
    }

    fn condition(&mut self, host: &mut dyn Host, list: &List) -> Exec {
        self.cond_depth += 1;
        let r = self.exec_list(host, list);
        self.cond_depth -= 1;
        r
    }

    /// Evaluates an arithmetic word; errors print bash's message and fail the line.
    pub(crate) fn arith_word(&mut self, host: &mut dyn Host, word: &Word) -> Result<i64, Ctl> {
        let text = self.expand_string(host, word)?;
        self.arith(&text)
    }

    pub(crate) fn arith(&mut self, text: &str) -> Result<i64, Ctl> {
        struct V<'a>(&'a mut Shell);
        impl crate::arith::Vars for V<'_> {
            fn get(&mut self, name: &str) -> Option<String> {
                self.0.var(name).map(str::to_string)
            }
            fn set(&mut self, name: &str, value: i64) {
                let _ = self.0.assign(name, value.to_string());
            }
        }
        match crate::arith::eval(text, &mut V(self)) {
            Ok(v) => Ok(v),
            Err(msg) => {
                self.print_err(&format!("bash: {msg}\n"));
                Err(Ctl::Fail(1))
            }
        }
    }

    /// Sets a variable where it lives (exported stays exported).
    pub(crate) fn assign(&mut self, name: &str, value: String) -> Result<(), Ctl> {
        if value.len() > MAX_STRING {
            self.print_err(&format!("bash: {name}: value too large ({} MiB limit)\n", MAX_STRING >> 20));
            return Err(Ctl::Fail(1));
        }
        if name == "PWD" {
            // Keep the variable in step, but the working directory is ours.
        }
        if let Some(v) = self.env.get_mut(name) {
            *v = value;
        } else if let Some(array) = self.arrays.get_mut(name) {
            array.insert(0, value);
        } else {
            self.vars.insert(name.to_string(), value);
        }
        Ok(())
    }

    pub(crate) fn unset(&mut self, name: &str) {
        self.env.remove(name);
        self.vars.remove(name);
        self.arrays.remove(name);
    }

    /// An array's elements in index order; a scalar is element 0.
    pub(crate) fn array_values(&self, name: &str) -> Vec<(u64, String)> {
        match self.arrays.get(name) {
            Some(a) => a.iter().map(|(k, v)| (*k, v.clone())).collect(),
            None => self.var(name).map(|v| vec![(0, v.to_string())]).unwrap_or_default(),
        }
    }

    /// Runs an assignment word: scalar, `a[i]=v` or `a=(...)`.
    fn run_assign(&mut self, host: &mut dyn Host, assign: &Assign) -> Result<(), Ctl> {
        if let Some(items) = &assign.array {
            let values = self.expand_words(host, items)?;
            let mut array = if assign.append { self.arrays.get(&assign.name).cloned().unwrap_or_default() } else { BTreeMap::new() };
            if !self.arrays.contains_key(&assign.name) {
                if let (true, Some(old)) = (assign.append, self.var(&assign.name)) {
                    array.insert(0, old.to_string());
                }
            }
            let next = array.keys().next_back().map(|k| k + 1).unwrap_or(0);
            for (k, v) in (next..).zip(values) {
                array.insert(k, v);
            }
            self.env.remove(&assign.name);
            self.vars.remove(&assign.name);
            self.arrays.insert(assign.name.clone(), array);
            return Ok(());
        }
        if let Some(index) = &assign.index {
            let i = self.arith_word(host, index)?;
            let value = self.expand_assignment(host, &assign.value)?;
            let mut array = self.arrays.remove(&assign.name).unwrap_or_default();
            if let Some(old) = self.env.remove(&assign.name).or_else(|| self.vars.remove(&assign.name)) {
                array.insert(0, old);
            }
            let i = if i < 0 { array.keys().next_back().map(|k| *k as i64 + 1 + i).unwrap_or(i) } else { i };
            if i < 0 {
                self.arrays.insert(assign.name.clone(), array);
                self.print_err(&format!("bash: {}[{}]: bad array subscript\n", assign.name, index.raw));
                return Err(Ctl::Fail(1));
            }
            let value = if assign.append { format!("{}{value}", array.get(&(i as u64)).cloned().unwrap_or_default()) } else { value };
            array.insert(i as u64, value);
            self.arrays.insert(assign.name.clone(), array);
            return Ok(());
        }
        let value = self.assign_value(host, assign)?;
        self.assign(&assign.name, value)
    }

    /// Runs a simple command: expansion, alias, redirections, then the command itself.
    fn exec_simple(&mut self, host: &mut dyn Host, simple: &Simple) -> Exec {
        // Aliases replace the command word before anything is expanded.
        if let Some(first) = simple.words.first() {
            if let Some(name) = first.literal() {
                if let Some(value) = self.aliases.get(name).cloned() {
                    if !self.alias_stack.iter().any(|a| a == name) {
                        let mut text = String::new();
                        for a in &simple.assigns {
                            text.push_str(&format!("{}{}={} ", a.name, if a.append { "+" } else { "" }, a.value.raw));
                        }
                        text.push_str(&value);
                        for w in &simple.words[1..] {
                            text.push(' ');
                            text.push_str(&w.raw);
                        }
                        self.alias_stack.push(name.to_string());
                        let r = self.with_redirects(host, &simple.redirects, |sh, host| {
                            sh.enter()?;
                            let r = sh.run_lines(host, &text);
                            sh.depth -= 1;
                            r
                        });
                        self.alias_stack.pop();
                        return r;
                    }
                }
            }
        }
        self.subst_status = None;
        let argv = self.expand_words(host, &simple.words)?;
        if argv.is_empty() {
            for assign in &simple.assigns {
                self.run_assign(host, assign)?;
            }
            let status = self.subst_status.unwrap_or(0);
            let r = self.with_redirects(host, &simple.redirects, |_, _| Ok(status));
            return r;
        }
        // Prefix assignments hold for this command only.
        let mut restore: Vec<(String, Option<String>, Option<String>)> = Vec::new();
        for assign in &simple.assigns {
            let value = self.assign_value(host, assign)?;
            restore.push((assign.name.clone(), self.env.get(&assign.name).cloned(), self.vars.get(&assign.name).cloned()));
            self.vars.remove(&assign.name);
            self.env.insert(assign.name.clone(), value);
        }
        let r = self.with_redirects(host, &simple.redirects, |sh, host| {
            let status = sh.dispatch(host, &argv)?;
            if status == 0 {
                for assign in &simple.decl_arrays {
                    sh.run_assign(host, assign)?;
                }
            }
            Ok(status)
        });
        for (name, env, var) in restore.into_iter().rev() {
            self.env.remove(&name);
            self.vars.remove(&name);
            if let Some(v) = env {
                self.env.insert(name.clone(), v);
            }
            if let Some(v) = var {
                self.vars.insert(name, v);
            }
        }
        r
    }

    fn assign_value(&mut self, host: &mut dyn Host, assign: &Assign) -> Result<String, Ctl> {
        let mut value = self.expand_assignment(host, &assign.value)?;
        if assign.append {
            value = format!("{}{}", self.var(&assign.name).unwrap_or(""), value);
        }
        Ok(value)
    }

    /// Runs a command by name: function, builtin, program, script, then the host.
    pub(crate) fn dispatch(&mut self, host: &mut dyn Host, argv: &[String]) -> Exec {
        let name = argv[0].as_str();
        if let Some(function) = self.functions.get(name).cloned() {
            return self.call_function(host, name, &function, &argv[1..]);
        }
        if let Some(r) = self.builtin(host, argv) {
            return r;
        }
        self.forks = self.forks.wrapping_add(1);
        if let Some(program) = programs::lookup(name) {
            return Ok(self.run_program(argv, program));
        }
        if name.contains('/') {
            return self.run_script_file(host, argv);
        }
        let status = self.with_io(|io, _| host.run(argv, io));
        if self.out.timed {
            self.out.clock = host.clock_ms();
            if host.out_of_time() {
                self.stopped = Some(Stop::Horizon);
                return Err(Ctl::Abort(0));
            }
        }
        match status {
            Some(status) => Ok(status),
            None => {
                if self.arg0 == "sh" {
                    self.print_err(&format!("sh: {}: not found\n", clean(name)));
                } else {
                    self.print_err(&format!("bash: {}: command not found\n", clean(name)));
                }
                Ok(127)
            }
        }
    }

    /// Runs one of the programs over the filesystem with the current stdin and outputs.
    pub(crate) fn run_program(&mut self, argv: &[String], f: impl FnOnce(&mut programs::Ctx) -> i32) -> i32 {
        let tty = self.fds.out == Target::Terminal;
        let (status, used) = self.with_io(|io, _| {
            let mut ctx = programs::Ctx { name: &argv[0], args: &argv[1..], io, used_stdin: false, tty };
            let status = f(&mut ctx);
            (status, ctx.used_stdin)
        });
        if used {
            self.stdin.pos = self.stdin.data.len();
        }
        status
    }

    /// Lends the command an [`Io`] over the shell's state.
    pub(crate) fn with_io<R>(&mut self, f: impl FnOnce(&mut Io<'_>, &str) -> R) -> R {
        let pos = self.stdin.pos.min(self.stdin.data.len());
        let mut router = Router { fds: self.fds, out: &mut self.out };
        let mut io = Io { stdin: &self.stdin.data[pos..], vfs: &mut self.vfs, cwd: &self.cwd, env: &self.env, sink: &mut router };
        f(&mut io, "")
    }

    fn call_function(&mut self, host: &mut dyn Host, name: &str, function: &Function, args: &[String]) -> Exec {
        if self.func_depth >= MAX_CALL_DEPTH / 2 {
            self.fds.err = Target::Terminal;
            self.print_err(&format!("bash: {name}: maximum function nesting level exceeded ({})\n", MAX_CALL_DEPTH / 2));
            return Err(Ctl::Abort(1));
        }
        self.enter()?;
        self.func_depth += 1;
        let saved_args = std::mem::replace(&mut self.positional, args.to_vec());
        let saved_funcname = self.vars.insert("FUNCNAME".to_string(), name.to_string());
        let saved_loops = std::mem::replace(&mut self.loop_depth, 0);
        self.locals.push(Vec::new());
        let r = self.exec_command(host, &function.body);
        if let Some(frame) = self.locals.pop() {
            for (var, old) in frame.into_iter().rev() {
                self.unset(&var);
                match old {
                    Some((value, true)) => {
                        self.env.insert(var, value);
                    }
                    Some((value, false)) => {
                        self.vars.insert(var, value);
                    }
                    None => {}
                }
            }
        }
        self.loop_depth = saved_loops;
        self.positional = saved_args;
        match saved_funcname {
            Some(v) => self.vars.insert("FUNCNAME".to_string(), v),
            None => self.vars.remove("FUNCNAME"),
        };
        self.func_depth -= 1;
        self.depth -= 1;
        match r {
            Err(Ctl::Return(n)) => Ok(n),
            Err(Ctl::Break(_)) | Err(Ctl::Continue(_)) => Ok(self.status),
            other => other,
        }
    }

    /// Runs a file from the filesystem as a bash script (`./deploy.sh`, `bash x.sh`).
    pub(crate) fn run_script_file(&mut self, host: &mut dyn Host, argv: &[String]) -> Exec {
        let name = &argv[0];
        let path = self.resolve(name);
        if let Ok(meta) = self.vfs.metadata(&path) {
            if meta.is_file() && meta.mode & 0o111 == 0 {
                self.print_err(&format!("bash: {}: Permission denied\n", clean(name)));
                return Ok(126);
            }
        }
        let source = match self.vfs.read(&path) {
            Ok(data) => String::from_utf8_lossy(data).into_owned(),
            Err(vfs::VfsError::IsADirectory) => {
                self.print_err(&format!("bash: {}: Is a directory\n", clean(name)));
                return Ok(126);
            }
            Err(e) => {
                self.print_err(&format!("bash: {}: {e}\n", clean(name)));
                return Ok(127);
            }
        };
        let args = argv[1..].to_vec();
        self.run_script(host, &source, name, args)
    }

    pub(crate) fn run_script(&mut self, host: &mut dyn Host, source: &str, arg0: &str, args: Vec<String>) -> Exec {
        let source = source.to_string();
        let arg0 = arg0.to_string();
        let saved_script = self.script.take();
        let saved_line = self.lineno;
        let r = self.subshell(move |sh| {
            sh.script = Some(arg0.clone());
            sh.positional = args;
            sh.arg0 = arg0;
            sh.functions.retain(|_, _| false);
            sh.aliases.clear();
            sh.vars.retain(|k, _| matches!(k.as_str(), "IFS" | "HOSTNAME"));
            sh.errexit = false;
            let status = sh.run_lines_tracked(host, &source, true);
            match status {
                Err(Ctl::Return(n)) => Ok(n),
                other => other,
            }
        });
        self.script = saved_script;
        self.lineno = saved_line;
        r
    }

    pub(crate) fn resolve(&self, path: &str) -> String {
        let home = self.env.get("HOME").map(String::as_str).unwrap_or("/");
        vfs::resolve(&self.cwd, home, path)
    }

    // ----- redirections -----

    /// Applies redirections around `f`, then flushes file outputs and restores the fds.
    pub(crate) fn with_redirects(
        &mut self,
        host: &mut dyn Host,
        redirects: &[Redirect],
        f: impl FnOnce(&mut Shell, &mut dyn Host) -> Exec,
    ) -> Exec {
        if redirects.is_empty() {
            return f(self, host);
        }
        let saved_fds = self.fds;
        let mut saved_stdin: Option<Input> = None;
        let mut files: Vec<(usize, String, String)> = Vec::new();
        let mut result = None;
        for r in redirects {
            match self.apply_redirect(host, r, &mut files) {
                Ok(Some(input)) => {
                    let old = std::mem::replace(&mut self.stdin, input);
                    saved_stdin.get_or_insert(old);
                }
                Ok(None) => {}
                Err(e) => {
                    result = Some(e);
                    break;
                }
            }
        }
        let r = match result {
            Some(Ok(status)) => Ok(status),
            Some(Err(ctl)) => Err(ctl),
            None => f(self, host),
        };
        self.fds = saved_fds;
        if let Some(s) = saved_stdin {
            self.stdin = s;
        }
        let mut write_failed = false;
        for (chan, path, shown) in files {
            let data = self.out.take(chan);
            if let Err(e) = self.vfs.append(&path, &data) {
                let msg = format!("bash: {shown}: write error: {e}\n");
                self.print_err(&msg);
                write_failed = true;
            }
        }
        match r {
            Ok(_) if write_failed => Ok(1),
            r => r,
        }
    }

    /// Applies one redirection. `Ok(Some(input))` replaces stdin; `Err(Ok(status))`
    /// means it failed (message printed) and the command does not run.
    fn apply_redirect(
        &mut self,
        host: &mut dyn Host,
        r: &Redirect,
        files: &mut Vec<(usize, String, String)>,
    ) -> Result<Option<Input>, Exec> {
        let fd = r.fd.unwrap_or(match r.op {
            RedirOp::In | RedirOp::HereDoc | RedirOp::HereString | RedirOp::DupIn | RedirOp::ReadWrite => 0,
            _ => 1,
        });
        match r.op {
            RedirOp::HereDoc => {
                let body = self.expand_string(host, &r.target).map_err(Err)?;
                return Ok(Some(Input { data: body.into_bytes(), pos: 0 }));
            }
            RedirOp::HereString => {
                let mut body = self.expand_string(host, &r.target).map_err(Err)?;
                body.push('\n');
                return Ok(Some(Input { data: body.into_bytes(), pos: 0 }));
            }
            RedirOp::DupOut | RedirOp::DupIn => {
                let target = self.expand_string(host, &r.target).map_err(Err)?;
                let to = match target.as_str() {
                    "1" => Some(self.fds.out),
                    "2" => Some(self.fds.err),
                    "-" => Some(Target::Null),
                    "0" => None,
                    t if t.chars().all(|c| c.is_ascii_digit()) => {
                        self.print_err(&format!("bash: {t}: Bad file descriptor\n"));
                        return Err(Ok(1));
                    }
                    _ if r.op == RedirOp::DupOut && r.fd.is_none() => {
                        // `>&file` is `&>file`.
                        let fake = Redirect { fd: None, op: RedirOp::OutErr, target: r.target.clone() };
                        return self.apply_redirect(host, &fake, files);
                    }
                    t => {
                        self.print_err(&format!("bash: {t}: ambiguous redirect\n"));
                        return Err(Ok(1));
                    }
                };
                if let Some(to) = to {
                    match fd {
                        1 => self.fds.out = to,
                        2 => self.fds.err = to,
                        _ => {}
                    }
                }
                return Ok(None);
            }
            _ => {}
        }
        let fields = self.expand_words(host, std::slice::from_ref(&r.target)).map_err(Err)?;
        let [name] = fields.as_slice() else {
            self.print_err(&format!("bash: {}: ambiguous redirect\n", r.target.raw));
            return Err(Ok(1));
        };
        let path = self.resolve(name);
        let shown = clean(name);
        match r.op {
            RedirOp::In | RedirOp::ReadWrite => {
                if r.op == RedirOp::ReadWrite && !self.vfs.exists(&path) {
                    if let Err(e) = self.vfs.write(&path, Vec::new()) {
                        self.print_err(&format!("bash: {shown}: {e}\n"));
                        return Err(Ok(1));
                    }
                }
                match self.vfs.read(&path) {
                    Ok(data) => {
                        let data = data.to_vec();
                        if fd == 0 {
                            return Ok(Some(Input { data, pos: 0 }));
                        }
                        Ok(None)
                    }
                    Err(e) => {
                        self.print_err(&format!("bash: {shown}: {e}\n"));
                        Err(Ok(1))
                    }
                }
            }
            _ => {
                let append = matches!(r.op, RedirOp::Append | RedirOp::AppendOutErr);
                let target = if path == vfs::DEV_NULL {
                    Target::Null
                } else {
                    let opened = if append { self.vfs.append(&path, &[]) } else { self.vfs.write(&path, Vec::new()) };
                    if let Err(e) = opened {
                        self.print_err(&format!("bash: {shown}: {e}\n"));
                        return Err(Ok(1));
                    }
                    let chan = self.out.open();
                    files.push((chan, path, shown.clone()));
                    Target::Chan(chan)
                };
                match (r.op, fd) {
                    (RedirOp::OutErr | RedirOp::AppendOutErr, _) => {
                        self.fds.out = target;
                        self.fds.err = target;
                    }
                    (_, 1) => self.fds.out = target,
                    (_, 2) => self.fds.err = target,
                    _ => {}
                }
                Ok(None)
            }
        }
    }

    // ----- expansion -----

    /// Expands words into fields: parameters, substitutions, splitting, globbing.
    pub(crate) fn expand_words(&mut self, host: &mut dyn Host, words: &[Word]) -> Result<Vec<String>, Ctl> {
        let mut out = Vec::new();
        let braced: Vec<Word> = words.iter().flat_map(crate::brace::expand).collect();
        for word in &braced {
            let mut acc = Acc::new(Mode::Split);
            self.expand_word_into(host, word, &mut acc, false)?;
            for field in acc.finish() {
                if field.glob {
                    let matches = glob::expand(&self.vfs, &self.cwd, &field.pat);
                    if !matches.is_empty() {
                        out.extend(matches);
                        continue;
                    }
                }
                out.push(field.text);
            }
        }
        Ok(out)
    }

    /// Expands a word to one string without splitting or globbing (here-documents, `case`).
    pub(crate) fn expand_string(&mut self, host: &mut dyn Host, word: &Word) -> Result<String, Ctl> {
        let mut acc = Acc::new(Mode::Join);
        self.expand_word_into(host, word, &mut acc, false)?;
        Ok(acc.finish().into_iter().map(|f| f.text).collect::<Vec<_>>().join(" "))
    }

    /// Like [`Shell::expand_string`] but with tilde expansion after `=` (assignments).
    fn expand_assignment(&mut self, host: &mut dyn Host, word: &Word) -> Result<String, Ctl> {
        let mut acc = Acc::new(Mode::Join);
        self.expand_word_into(host, word, &mut acc, false)?;
        Ok(acc.finish().into_iter().map(|f| f.text).collect::<Vec<_>>().join(" "))
    }

    /// Expands a word to a glob pattern: quoted characters are escaped.
    pub(crate) fn expand_pattern(&mut self, host: &mut dyn Host, word: &Word) -> Result<String, Ctl> {
        let mut acc = Acc::new(Mode::Join);
        self.expand_word_into(host, word, &mut acc, false)?;
        Ok(acc.finish().into_iter().map(|f| f.pat).collect::<Vec<_>>().join(" "))
    }

    fn expand_word_into(&mut self, host: &mut dyn Host, word: &Word, acc: &mut Acc, quoted: bool) -> Result<(), Ctl> {
        let mut parts: &[Part] = &word.parts;
        // Tilde expansion: `~` or `~/...` at the start of an unquoted word.
        if !quoted {
            if let Some(Part::Lit(first)) = parts.first() {
                if let Some(rest) = first.strip_prefix('~') {
                    let (user, tail) = match rest.find('/') {
                        Some(i) => (&rest[..i], &rest[i..]),
                        None => (rest, ""),
                    };
                    let alone = tail.is_empty() && parts.len() == 1 || !tail.is_empty();
                    let home = match user {
                        "" => self.var("HOME").map(str::to_string),
                        "+" => Some(self.cwd.clone()),
                        "-" => self.var("OLDPWD").map(str::to_string),
                        "root" => Some("/root".to_string()),
                        u if self.var("USER") == Some(u) => self.var("HOME").map(str::to_string),
                        _ => None,
                    };
                    if let (Some(home), true) = (home, alone || parts.len() == 1) {
                        acc.push_quoted(&home);
                        acc.push_lit(tail);
                        parts = &parts[1..];
                    }
                }
            }
        }
        self.expand_parts(host, parts, acc, quoted)?;
        if acc.size > MAX_STRING {
            self.print_err(&format!("bash: word too large ({} MiB limit)\n", MAX_STRING >> 20));
            return Err(Ctl::Fail(1));
        }
        Ok(())
    }

    fn expand_parts(&mut self, host: &mut dyn Host, parts: &[Part], acc: &mut Acc, quoted: bool) -> Result<(), Ctl> {
        for part in parts {
            match part {
                Part::Lit(s) => {
                    if quoted {
                        acc.push_quoted(s)
                    } else {
                        acc.push_lit(s)
                    }
                }
                Part::Quoted(s) => acc.push_quoted(s),
                Part::Double(inner) => {
                    acc.started = true;
                    self.expand_parts(host, inner, acc, true)?;
                }
                Part::Param(param) => self.expand_param(host, param, acc, quoted)?,
                Part::Command(list) => {
                    let text = self.command_subst(host, list)?;
                    let ifs = self.ifs();
                    acc.push_expansion(&text, quoted, &ifs);
                }
                Part::ProcSubst(list) => {
                    let path = self.proc_subst(host, list)?;
                    acc.push_quoted(&path);
                }
                Part::Arith(word) => {
                    let v = self.arith_word(host, word)?;
                    let ifs = self.ifs();
                    acc.push_expansion(&v.to_string(), quoted, &ifs);
                }
            }
        }
        Ok(())
    }

    fn ifs(&self) -> String {
        self.var("IFS").unwrap_or(" \t\n").to_string()
    }

    /// Runs a command substitution and returns its output without trailing newlines.
    pub(crate) fn command_subst(&mut self, host: &mut dyn Host, list: &List) -> Result<String, Ctl> {
        let chan = self.out.open();
        let saved_fds = self.fds;
        self.fds.out = Target::Chan(chan);
        let saved_stdin = std::mem::take(&mut self.stdin);
        let r = self.subshell(|sh| sh.exec_list(host, list));
        self.stdin = saved_stdin;
        self.fds = saved_fds;
        let data = self.out.take(chan);
        let status = r?;
        self.status = status;
        self.subst_status = Some(status);
        let mut text = String::from_utf8_lossy(&data).into_owned();
        while text.ends_with('\n') {
            text.pop();
        }
        Ok(text)
    }

    /// Runs `<(list)` and returns a path under `/dev/fd` holding its output; the files
    /// are removed when the run ends.
    fn proc_subst(&mut self, host: &mut dyn Host, list: &List) -> Result<String, Ctl> {
        let chan = self.out.open();
        let saved_fds = self.fds;
        self.fds.out = Target::Chan(chan);
        let saved_stdin = std::mem::take(&mut self.stdin);
        let r = self.subshell(|sh| sh.exec_list(host, list));
        self.stdin = saved_stdin;
        self.fds = saved_fds;
        let data = self.out.take(chan);
        r?;
        let path = format!("/dev/fd/{}", 63 - self.proc_files.len().min(50));
        let _ = self.vfs.create_dir_all("/dev/fd");
        let _ = self.vfs.write(&path, data);
        self.proc_files.push(path.clone());
        Ok(path)
    }

    /// The value of a special or named parameter; `None` when unset.
    fn param(&mut self, name: &str) -> Option<String> {
        Some(match name {
            "?" => self.status.to_string(),
            "#" => self.positional.len().to_string(),
            "@" | "*" => self.positional.join(" "),
            "$" => "4242".to_string(),
            "!" => return self.last_bg.map(|p| p.to_string()),
            "-" => format!("{}h{}B", if self.errexit { "e" } else { "" }, if self.nounset { "u" } else { "" }),
            "0" => self.arg0.clone(),
            "RANDOM" => {
                // Deterministic: a 15-bit LCG, so the same script gives the same output.
                self.random = self.random.wrapping_mul(1_103_515_245).wrapping_add(12345);
                ((self.random >> 16) & 0x7fff).to_string()
            }
            "PWD" => return Some(self.cwd.clone()),
            "LINENO" => self.lineno.to_string(),
            n if n.chars().all(|c| c.is_ascii_digit()) => {
                let i: usize = n.parse().ok()?;
                return self.positional.get(i.checked_sub(1)?).cloned();
            }
            n => return self.var(n).map(str::to_string),
        })
    }

    fn expand_param(&mut self, host: &mut dyn Host, param: &Param, acc: &mut Acc, quoted: bool) -> Result<(), Ctl> {
        let name = param.name.as_str();
        // `$@`, `$*`, `${a[@]}`, `${a[*]}` expand to lists; `${a[i]}` to one element.
        let (is_list, star, list, value) = match &param.index {
            Some(index) => {
                let values = self.array_values(name);
                match index.literal() {
                    Some(s @ ("@" | "*")) => {
                        let list: Vec<String> = values.into_iter().map(|(_, v)| v).collect();
                        let joined = list.join(" ");
                        (true, s == "*", list, Some(joined))
                    }
                    _ => {
                        let i = self.arith_word(host, index)?;
                        let i = if i < 0 { values.last().map(|(k, _)| *k as i64 + 1 + i).unwrap_or(-1) } else { i };
                        let v = values.into_iter().find(|(k, _)| *k as i64 == i).map(|(_, v)| v);
                        (false, false, Vec::new(), v)
                    }
                }
            }
            None => {
                let is_list = name == "@" || name == "*";
                let list = if is_list { self.positional.clone() } else { Vec::new() };
                (is_list, name == "*", list, self.param(name))
            }
        };
        let ifs = self.ifs();
        match &param.op {
            ParamOp::Plain => {
                if is_list {
                    if quoted && !star {
                        acc.push_fields(&list);
                    } else if quoted {
                        let sep = ifs.chars().next().map(String::from).unwrap_or_default();
                        acc.push_quoted(&list.join(&sep));
                    } else {
                        for (i, arg) in list.iter().enumerate() {
                            if i > 0 {
                                acc.push_expansion(" ", false, &ifs);
                            }
                            acc.push_expansion(arg, false, &ifs);
                        }
                    }
                } else {
                    if value.is_none() && self.nounset && (is_name(name) || name.chars().all(|c| c.is_ascii_digit())) {
                        self.print_err(&format!("bash: {name}: unbound variable\n"));
                        return Err(Ctl::Fail(1));
                    }
                    acc.push_expansion(&value.unwrap_or_default(), quoted, &ifs);
                }
            }
            ParamOp::Length => {
                let n = if is_list { list.len() } else { value.unwrap_or_default().chars().count() };
                acc.push_expansion(&n.to_string(), quoted, &ifs);
            }
            ParamOp::Default { colon, word } | ParamOp::Alt { colon, word } | ParamOp::Assign { colon, word } | ParamOp::Error { colon, word } => {
                let set = match &value {
                    None => false,
                    Some(v) => !(*colon && v.is_empty()),
                };
                let set = if is_list { !list.is_empty() } else { set };
                match &param.op {
                    ParamOp::Default { .. } => {
                        if set {
                            acc.push_expansion(&value.unwrap_or_default(), quoted, &ifs);
                        } else {
                            self.expand_word_into(host, word, acc, quoted)?;
                        }
                    }
                    ParamOp::Alt { .. } => {
                        if set {
                            self.expand_word_into(host, word, acc, quoted)?;
                        }
                    }
                    ParamOp::Assign { .. } => {
                        if set {
                            acc.push_expansion(&value.unwrap_or_default(), quoted, &ifs);
                        } else {
                            if !is_name(name) {
                                self.print_err(&format!("bash: ${name}: cannot assign in this way\n"));
                                return Err(Ctl::Fail(1));
                            }
                            let v = self.expand_string(host, word)?;
                            self.assign(name, v.clone())?;
                            acc.push_expansion(&v, quoted, &ifs);
                        }
                    }
                    _ => {
                        if set {
                            acc.push_expansion(&value.unwrap_or_default(), quoted, &ifs);
                        } else {
                            let msg = self.expand_string(host, word)?;
                            let msg = if !msg.is_empty() {
                                msg
                            } else if *colon {
                                "parameter null or not set".to_string()
                            } else {
                                "parameter not set".to_string()
                            };
                            self.print_err(&format!("bash: {name}: {msg}\n"));
                            return Err(Ctl::Fail(1));
                        }
                    }
                }
            }
            ParamOp::Trim { suffix, longest, pattern } => {
                let pat = self.expand_pattern(host, pattern)?;
                let v = value.unwrap_or_default();
                let Ok(out) = trim(&v, &pat, *suffix, *longest) else {
                    self.print_err("bash: pattern matching gave up: the value is too long for this pattern\n");
                    return Err(Ctl::Fail(1));
                };
                acc.push_expansion(&out, quoted, &ifs);
            }
            ParamOp::Replace { all, anchor, pattern, with } => {
                let pat = self.expand_pattern(host, pattern)?;
                let rep = self.expand_string(host, with)?;
                let v = value.unwrap_or_default();
                let Ok(out) = replace(&v, &pat, &rep, *all, *anchor) else {
                    self.print_err("bash: pattern matching gave up: the value is too long for this pattern\n");
                    return Err(Ctl::Fail(1));
                };
                acc.push_expansion(&out, quoted, &ifs);
            }
            ParamOp::Slice { offset, length } => {
                let off = self.arith_word(host, offset)?;
                let len = match length {
                    Some(l) => Some(self.arith_word(host, l)?),
                    None => None,
                };
                let chars: Vec<char> = if is_list { Vec::new() } else { value.unwrap_or_default().chars().collect() };
                if is_list {
                    // `${@:2}` and friends: slices of the arguments ($0 is index 0).
                    let all = if param.index.is_some() {
                        list.clone()
                    } else {
                        let mut all = vec![self.arg0.clone()];
                        all.extend(list.iter().cloned());
                        all
                    };
                    let (s, e) = slice_bounds(all.len(), off, len);
                    let Some((s, e)) = s.zip(e) else {
                        self.print_err(&format!("bash: {}: substring expression < 0\n", len.unwrap_or(0)));
                        return Err(Ctl::Fail(1));
                    };
                    let picked: Vec<String> = all[s..e.max(s)].to_vec();
                    if quoted {
                        acc.push_fields(&picked);
                    } else {
                        acc.push_expansion(&picked.join(" "), false, &ifs);
                    }
                } else {
                    let (s, e) = slice_bounds(chars.len(), off, len);
                    let Some((s, e)) = s.zip(e) else {
                        self.print_err(&format!("bash: {}: substring expression < 0\n", len.unwrap_or(0)));
                        return Err(Ctl::Fail(1));
                    };
                    let out: String = chars[s..e.max(s)].iter().collect();
                    acc.push_expansion(&out, quoted, &ifs);
                }
            }
            ParamOp::Case { upper, all } => {
                let v = value.unwrap_or_default();
                let out = match (upper, all) {
                    (true, true) => v.to_uppercase(),
                    (false, true) => v.to_lowercase(),
                    (up, false) => {
                        let mut chars = v.chars();
                        match chars.next() {
                            Some(c) => {
                                let first: String = if *up { c.to_uppercase().collect() } else { c.to_lowercase().collect() };
                                first + chars.as_str()
                            }
                            None => String::new(),
                        }
                    }
                };
                acc.push_expansion(&out, quoted, &ifs);
            }
            ParamOp::Bad(raw) => {
                self.print_err(&format!("bash: {raw}: bad substitution\n"));
                return Err(Ctl::Fail(1));
            }
        }
        Ok(())
    }

    // ----- [[ ]] -----

    fn eval_cond(&mut self, host: &mut dyn Host, expr: &CondExpr) -> Exec {
        Ok(match expr {
            CondExpr::Word(w) => {
                let s = self.expand_string(host, w)?;
                (s.is_empty()) as i32
            }
            CondExpr::Not(e) => {
                let r = self.eval_cond(host, e)?;
                if r == 2 {
                    2
                } else {
                    (r == 0) as i32
                }
            }
            CondExpr::And(a, b) => {
                let r = self.eval_cond(host, a)?;
                if r != 0 {
                    r
                } else {
                    self.eval_cond(host, b)?
                }
            }
            CondExpr::Or(a, b) => {
                let r = self.eval_cond(host, a)?;
                if r == 0 {
                    0
                } else {
                    self.eval_cond(host, b)?
                }
            }
            CondExpr::Unary(op, w) => {
                let s = self.expand_string(host, w)?;
                if op == "-v" {
                    return Ok((self.param(&s).is_none()) as i32);
                }
                let ok = programs::test::unary_vfs(&self.vfs, &|p: &str| self.resolve(p), op, &s);
                (!ok) as i32
            }
            CondExpr::Binary(l, op, r) => {
                let left = self.expand_string(host, l)?;
                match op.as_str() {
                    "==" | "=" | "!=" => {
                        let pat = self.expand_pattern(host, r)?;
                        let m = glob::glob_match(&pat, &left);
                        (m == (op == "!=")) as i32
                    }
                    "=~" => {
                        let re = self.regex_text(host, r)?;
                        match regex::Regex::new(&re) {
                            Ok(re) => match re.captures(&left) {
                                Some(caps) => {
                                    let whole = caps.get(0).map(|m| m.as_str()).unwrap_or("").to_string();
                                    let _ = self.assign("BASH_REMATCH", whole);
                                    0
                                }
                                None => 1,
                            },
                            Err(_) => 2,
                        }
                    }
                    "<" | ">" => {
                        let right = self.expand_string(host, r)?;
                        ((if op == "<" { left < right } else { left > right }) as i32 == 0) as i32
                    }
                    "-eq" | "-ne" | "-lt" | "-le" | "-gt" | "-ge" => {
                        let right = self.expand_string(host, r)?;
                        let a = self.arith(&left)?;
                        let b = self.arith(&right)?;
                        let ok = match op.as_str() {
                            "-eq" => a == b,
                            "-ne" => a != b,
                            "-lt" => a < b,
                            "-le" => a <= b,
                            "-gt" => a > b,
                            _ => a >= b,
                        };
                        (!ok) as i32
                    }
                    _ => {
                        let right = self.expand_string(host, r)?;
                        let ok = programs::test::binary_files_vfs(&self.vfs, &|p: &str| self.resolve(p), &left, op, &right);
                        (!ok) as i32
                    }
                }
            }
        })
    }

    /// The regex on the right of `=~`: quoted parts match literally.
    fn regex_text(&mut self, host: &mut dyn Host, word: &Word) -> Result<String, Ctl> {
        let mut out = String::new();
        for part in &word.parts {
            match part {
                Part::Lit(s) => out.push_str(s),
                other => {
                    let w = Word { parts: vec![other.clone()], raw: String::new() };
                    let s = self.expand_string(host, &w)?;
                    if matches!(other, Part::Param(_) | Part::Command(_) | Part::Arith(_) | Part::ProcSubst(_)) {
                        out.push_str(&s);
                    } else {
                        out.push_str(&regex::escape(&s));
                    }
                }
            }
        }
        Ok(out)
    }
}

/// Strips control characters from a name echoed in an error message.
pub(crate) fn clean(s: &str) -> String {
    s.chars().filter(|c| !c.is_control() || *c == '\t').collect()
}

fn slice_bounds(len: usize, off: i64, length: Option<i64>) -> (Option<usize>, Option<usize>) {
    let len_i = len as i64;
    let start = if off < 0 { (len_i + off).max(0) } else { off.min(len_i) };
    let end = match length {
        None => len_i,
        Some(l) if l < 0 => {
            let e = len_i + l;
            if e < start {
                return (Some(start as usize), None);
            }
            e
        }
        Some(l) => (start.saturating_add(l)).min(len_i),
    };
    (Some(start as usize), Some(end.max(start) as usize))
}

fn char_boundaries(s: &str) -> Vec<usize> {
    let mut v: Vec<usize> = s.char_indices().map(|(i, _)| i).collect();
    v.push(s.len());
    v
}

/// How much matching work (characters compared) one `${x#p}` or `${x/p/r}` may do:
/// glob matching at every position of a long string is quadratic.
const MATCH_WORK: usize = 20_000_000;

/// Pattern matching gave up (see [`MATCH_WORK`]).
struct TooExpensive;

/// Matches globs while counting the work done.
struct Matcher<'a> {
    pat: &'a str,
    /// Steps left.
    work: usize,
}

impl Matcher<'_> {
    fn matches(&mut self, text: &str) -> Result<bool, TooExpensive> {
        glob::glob_match_counted(self.pat, text, &mut self.work).ok_or(TooExpensive)
    }
}

fn trim(v: &str, pat: &str, suffix: bool, longest: bool) -> Result<String, TooExpensive> {
    if !glob::has_glob(pat) {
        // A literal pattern: no search needed.
        let lit = glob::unescape(pat);
        let out = if suffix { v.strip_suffix(lit.as_str()) } else { v.strip_prefix(lit.as_str()) };
        return Ok(out.unwrap_or(v).to_string());
    }
    let bounds = char_boundaries(v);
    let mut m = Matcher { pat, work: MATCH_WORK };
    if !suffix {
        let order: Vec<usize> = if longest { bounds.iter().rev().copied().collect() } else { bounds.clone() };
        for i in order {
            if m.matches(&v[..i])? {
                return Ok(v[i..].to_string());
            }
        }
    } else {
        let order: Vec<usize> = if longest { bounds.clone() } else { bounds.iter().rev().copied().collect() };
        for i in order {
            if m.matches(&v[i..])? {
                return Ok(v[..i].to_string());
            }
        }
    }
    Ok(v.to_string())
}

fn replace(v: &str, pat: &str, rep: &str, all: bool, anchor: Option<bool>) -> Result<String, TooExpensive> {
    if pat.is_empty() {
        return Ok(v.to_string());
    }
    if !glob::has_glob(pat) {
        let lit = glob::unescape(pat);
        return Ok(match anchor {
            Some(true) => match v.strip_prefix(lit.as_str()) {
                Some(rest) => format!("{rep}{rest}"),
                None => v.to_string(),
            },
            Some(false) => match v.strip_suffix(lit.as_str()) {
                Some(rest) => format!("{rest}{rep}"),
                None => v.to_string(),
            },
            None if all => {
                let count = v.matches(lit.as_str()).count();
                if rep.len() > lit.len() && v.len() + count * (rep.len() - lit.len()) > MAX_STRING {
                    return Err(TooExpensive);
                }
                v.replace(lit.as_str(), rep)
            }
            None => v.replacen(lit.as_str(), rep, 1),
        });
    }
    let bounds = char_boundaries(v);
    let mut m = Matcher { pat, work: MATCH_WORK };
    match anchor {
        Some(true) => {
            for &i in bounds.iter().rev() {
                if m.matches(&v[..i])? {
                    return Ok(format!("{rep}{}", &v[i..]));
                }
            }
            Ok(v.to_string())
        }
        Some(false) => {
            for &i in bounds.iter() {
                if m.matches(&v[i..])? {
                    return Ok(format!("{}{rep}", &v[..i]));
                }
            }
            Ok(v.to_string())
        }
        None => {
            let mut out = String::new();
            let mut k = 0;
            let mut replaced = false;
            while k < bounds.len() - 1 {
                let start = bounds[k];
                let mut matched = None;
                if all || !replaced {
                    for (j, &end) in bounds.iter().enumerate().skip(k + 1).rev() {
                        if m.matches(&v[start..end])? {
                            matched = Some(j);
                            break;
                        }
                    }
                }
                match matched {
                    Some(j) => {
                        out.push_str(rep);
                        if out.len() > MAX_STRING {
                            return Err(TooExpensive);
                        }
                        k = j;
                        replaced = true;
                    }
                    None => {
                        out.push_str(&v[start..bounds[k + 1]]);
                        k += 1;
                    }
                }
            }
            Ok(out)
        }
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Mode {
    /// Unquoted expansions are split into fields.
    Split,
    /// Nothing is split (assignment values, here-documents, `case` words).
    Join,
}

#[derive(Default, Debug)]
struct Field {
    text: String,
    /// The field as a glob pattern (quoted characters escaped).
    pat: String,
    /// Has an unquoted glob character.
    glob: bool,
}

/// Accumulates the fields of a word while it is expanded.
struct Acc {
    mode: Mode,
    fields: Vec<Field>,
    cur: Field,
    /// The current field exists even if empty (it had quotes).
    started: bool,
    size: usize,
}

impl Acc {
    fn new(mode: Mode) -> Acc {
        Acc { mode, fields: Vec::new(), cur: Field::default(), started: false, size: 0 }
    }
    fn push_quoted(&mut self, s: &str) {
        self.started = true;
        self.size += s.len();
        self.cur.text.push_str(s);
        self.cur.pat.push_str(&glob::escape(s));
    }
    fn push_lit(&mut self, s: &str) {
        if s.is_empty() {
            return;
        }
        self.started = true;
        self.size += s.len();
        self.cur.text.push_str(s);
        self.cur.pat.push_str(s);
        if glob::has_glob(s) {
            self.cur.glob = true;
        }
    }
    fn end_field(&mut self) {
        if self.started || !self.cur.text.is_empty() {
            self.fields.push(std::mem::take(&mut self.cur));
        }
        self.cur = Field::default();
        self.started = false;
    }
    /// The result of an expansion: split on IFS when unquoted.
    fn push_expansion(&mut self, s: &str, quoted: bool, ifs: &str) {
        if quoted || self.mode == Mode::Join {
            if quoted {
                self.push_quoted(s);
            } else {
                self.push_lit(s);
            }
            return;
        }
        let mut piece = String::new();
        for c in s.chars() {
            if ifs.contains(c) {
                if !piece.is_empty() {
                    self.push_lit(&std::mem::take(&mut piece));
                }
                self.end_field();
            } else {
                piece.push(c);
            }
        }
        if !piece.is_empty() {
            self.push_lit(&piece);
        }
    }
    /// `"$@"`: each argument its own field, the first and last joined to what is around.
    fn push_fields(&mut self, items: &[String]) {
        if self.mode == Mode::Join {
            self.push_quoted(&items.join(" "));
            return;
        }
        for (i, item) in items.iter().enumerate() {
            if i > 0 {
                self.end_field();
            }
            self.push_quoted(item);
        }
        if items.is_empty() {
            // `"$@"` with no arguments vanishes unless something else is in the word.
            self.started = !self.cur.text.is_empty();
        }
    }
    fn finish(mut self) -> Vec<Field> {
        if self.mode == Mode::Join {
            self.started = true;
        }
        self.end_field();
        self.fields
    }
}
