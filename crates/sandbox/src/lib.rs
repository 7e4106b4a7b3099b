//! One learner's world behind one API: the shell and its virtual filesystem, the kind
//! clusters, kubectl, and the simulated clock.
//!
//! The web worker, the native `kubeniwa` CLI and the tests all drive a [`Sandbox`] and
//! nothing else. Same seed + same calls = same bytes.

mod complete;
mod jq;
pub mod container;
mod kind;
mod net;
mod process;
pub mod transcript;
mod urls;
mod watch;
mod world;

use kubeniwa_shell::{Shell, Vfs};

pub use complete::HOST_COMMANDS;
pub use world::{Checkpoint, World};

/// The learner's home directory; relative editor paths are under it.
pub const HOME: &str = "/home/learner";

/// What the terminal shows for one command line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommandOutput {
    /// Everything the terminal shows, in order, lines ending in `\n`.
    pub text: String,
    /// The exit status of the last command (`$?`).
    pub status: i32,
}

/// What a command that holds the terminal printed while time passed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Stream {
    pub text: String,
    /// Its exit status, once it has ended by itself (the prompt comes back).
    pub ended: Option<i32>,
}

/// How long a command still holding the terminal may run on, at most, when the next
/// command line arrives without an interrupt (as typed-ahead input waits for it).
pub const SETTLE_MS: u64 = 600_000;

/// A learner's sandbox.
pub struct Sandbox {
    seed: u64,
    world: World,
    shell: Shell,
    /// Interactive container shells (`kubectl exec -it ... -- sh`), innermost last.
    sessions: Vec<container::Session>,
    /// Whether a command typed alone may keep the terminal (`get -w`, `logs -f`...).
    interactive: bool,
}

impl Sandbox {
    /// A fresh sandbox: no clusters yet, an empty home directory.
    pub fn new(seed: u64) -> Sandbox {
        Sandbox::starting_at(seed, kubeniwa_core::time::EPOCH_START)
    }

    /// A fresh sandbox whose simulated clock starts at `start` (ms since the Unix epoch).
    pub fn starting_at(seed: u64, start: u64) -> Sandbox {
        let mut vfs = Vfs::new();
        let _ = vfs.create_dir_all(HOME);
        let _ = vfs.create_dir_all("/tmp");
        Sandbox { seed, world: World::starting_at(seed, start), shell: Shell::new(vfs, HOME), sessions: Vec::new(), interactive: false }
    }

    /// The seed every random choice derives from.
    pub fn seed(&self) -> u64 {
        self.seed
    }

    /// The prompt the terminal prints before each command.
    pub fn prompt(&self) -> String {
        match self.sessions.last() {
            Some(s) => s.prompt.clone(),
            None => "$ ".to_string(),
        }
    }

    /// True when `source` is a whole command (no open quote, here-document or `if`).
    /// The terminal asks for more lines with `> ` until it is.
    pub fn is_complete(&self, source: &str) -> bool {
        kubeniwa_shell::is_complete(source)
    }

    /// Lets commands typed alone at the prompt keep the terminal as they would in a
    /// real one (`kubectl get -w`, `logs -f`, `port-forward`, `rollout status`),
    /// running on as time passes ([`Sandbox::advance`]) until they end or are
    /// interrupted ([`Sandbox::interrupt`]). The page and transcripts turn this on;
    /// without it such commands print what there is and return at once.
    pub fn set_interactive(&mut self, on: bool) {
        self.interactive = on;
    }

    /// True while a command holds the terminal.
    pub fn running(&self) -> bool {
        self.world.held.is_some()
    }

    /// Lets `kubectl edit` (with neither `$KUBE_EDITOR` nor `$EDITOR` set, typed alone
    /// at the prompt of an interactive sandbox) open its file in the page's editor:
    /// the command then holds the terminal, [`Sandbox::editing`] names the file, and
    /// [`Sandbox::editor_closed`] carries on when the learner closes it. Without it,
    /// the default editor `vi` is missing, as in a bare image.
    pub fn set_page_editor(&mut self, on: bool) {
        self.world.page_editor = on;
    }

    /// The file (absolute path) and content the command holding the terminal waits
    /// for the learner to edit, if it waits for the editor.
    pub fn editing(&self) -> Option<(String, String)> {
        let world::Held::Job(job) = self.world.held.as_ref()? else { return None };
        let path = job.editing()?;
        let content = self.shell.vfs().read(&path).ok().map(|b| String::from_utf8_lossy(b).into_owned()).unwrap_or_default();
        Some((path, content))
    }

    /// The learner closed the editor that [`Sandbox::editing`] named: with `saved`, the
    /// file holds that text first (as "save and close"); without, as they left it when
    /// the command wrote it (as quitting without saving). Returns what the command
    /// printed and whether it ended; if not, it waits for the editor again
    /// ([`Sandbox::editing`] has the reopened file).
    pub fn editor_closed(&mut self, saved: Option<&str>) -> Stream {
        let Some((path, _)) = self.editing() else { return Stream::default() };
        let Some(world::Held::Job(mut job)) = self.world.held.take() else { return Stream::default() };
        if let Some(text) = saved {
            let _ = self.shell.vfs_mut().write_creating_dirs(&path, text.as_bytes().to_vec());
        }
        let mut out = String::new();
        let ended = job.editor_closed(&mut self.world, self.shell.vfs_mut(), &mut out);
        self.world.held_output.push_str(&out);
        match ended {
            Some(status) => self.world.held_status = Some(status),
            None => self.world.held = Some(world::Held::Job(job)),
        }
        self.collect()
    }

    /// Runs one command line (possibly several lines, for here-documents). A command
    /// still holding the terminal first runs on until it ends by itself (at most
    /// [`SETTLE_MS`], then it is interrupted), as a line typed ahead waits for it.
    pub fn run_line(&mut self, line: &str) -> CommandOutput {
        if self.editing().is_some() {
            // Waiting for the learner's editor, it would never end by itself.
            let mut before = self.interrupt().text;
            let mut after = self.run_line(line);
            before.push_str(&after.text);
            after.text = before;
            return after;
        }
        if self.running() {
            let mut before = self.wait_for_end(SETTLE_MS).text;
            if self.running() {
                before.push_str(&self.interrupt().text);
            }
            let mut after = self.run_line(line);
            after.text.insert_str(0, &before);
            return after;
        }
        if let Some(mut session) = self.sessions.pop() {
            if !container::alive(&self.world, &session) {
                container::close_session(&mut self.world, session);
                return CommandOutput { text: "command terminated with exit code 137\n".into(), status: 137 };
            }
            let mut host = container::ContainerHost {
                world: &mut self.world,
                container: session.container.clone(),
                tools: session.tools.clone(),
                curl_old_wording: session.curl_old_wording,
            };
            let outcome = session.shell.run(&mut host, line);
            let mut text = outcome.text;
            if outcome.exited {
                match &session.end_note {
                    Some(note) => {
                        // An attached debug container: its shell exits with the session.
                        text.push_str(note);
                        let c = &session.container;
                        if let Some(cluster) = self.world.clusters.get_mut(&c.cluster) {
                            kubeniwa_core::kubelet::end_session(cluster, &c.namespace, &c.pod, &c.container, outcome.status);
                        }
                    }
                    None if outcome.status != 0 => text.push_str(&format!("command terminated with exit code {}\n", outcome.status)),
                    None => {}
                }
                container::close_session(&mut self.world, session);
            } else {
                self.sessions.push(session);
            }
            return CommandOutput { text, status: outcome.status };
        }
        self.shell.vfs_mut().set_now(self.world.now / 1000);
        self.world.may_hold = self.interactive && kubeniwa_shell::is_simple_foreground(line);
        // Anything background processes printed before the line was entered.
        let before = std::mem::take(&mut self.world.held_output);
        self.world.held_status = None;
        let outcome = self.shell.run(&mut self.world, line);
        self.world.may_hold = false;
        if let Some(session) = self.world.pending_session.take() {
            self.sessions.push(session);
        }
        let mut text = before;
        text.push_str(&outcome.text);
        if !self.running() {
            // A script's `fg` or `wait` ran its job here.
            text.push_str(&std::mem::take(&mut self.world.held_output));
        }
        CommandOutput { text, status: outcome.status }
    }

    /// Lets simulated time pass (the page calls this with real elapsed time). Returns
    /// what a command holding the terminal printed meanwhile, and whether it ended.
    /// Background processes (`cmd &`) print here too, while the prompt waits.
    pub fn advance(&mut self, millis: u64) -> Stream {
        if !self.running() {
            self.world.advance(millis);
            return Stream { text: std::mem::take(&mut self.world.held_output), ended: None };
        }
        self.world.advance(millis);
        self.collect()
    }

    /// Lets the command holding the terminal run until it ends by itself, for at most
    /// `max_ms` of simulated time; the clock stops when it ends.
    pub fn wait_for_end(&mut self, max_ms: u64) -> Stream {
        if !self.running() {
            return Stream::default();
        }
        self.world.advance_held(max_ms, true);
        self.collect()
    }

    /// Ctrl-C: interrupts the command holding the terminal (its last output, then
    /// `^C`, status 130). With nothing running the terminal shows `^C` all the same.
    pub fn interrupt(&mut self) -> CommandOutput {
        if self.running() {
            self.world.interrupt_held();
        }
        let mut text = std::mem::take(&mut self.world.held_output);
        text.push_str("^C\n");
        self.shell.set_last_status(130);
        // Background jobs that ended meanwhile are reported before the prompt.
        text.push_str(&self.shell.job_notices(&mut self.world));
        CommandOutput { text, status: 130 }
    }

    fn collect(&mut self) -> Stream {
        let mut text = std::mem::take(&mut self.world.held_output);
        let ended = self.world.held_status.take();
        if let Some(status) = ended {
            self.shell.set_last_status(status);
            text.push_str(&self.shell.job_notices(&mut self.world));
        }
        Stream { text, ended }
    }

    /// Simulated milliseconds since the sandbox started.
    pub fn elapsed_ms(&self) -> u64 {
        self.world.now - self.world.start
    }

    fn path(path: &str) -> String {
        kubeniwa_shell::vfs::resolve(HOME, HOME, path)
    }

    /// Writes a file in the virtual filesystem (the editor saves through this).
    /// Relative paths are relative to the home directory.
    pub fn write_file(&mut self, path: &str, content: &str) -> Result<(), String> {
        self.shell.vfs_mut().write_creating_dirs(&Self::path(path), content.as_bytes().to_vec()).map_err(|e| format!("{path}: {e}"))
    }

    /// Reads a file from the virtual filesystem.
    pub fn read_file(&self, path: &str) -> Option<String> {
        self.shell.vfs().read(&Self::path(path)).ok().map(|b| String::from_utf8_lossy(b).into_owned())
    }

    /// The files under the home directory, as paths relative to it, sorted
    /// (hidden directories such as `.kube` included).
    pub fn list_files(&self) -> Vec<String> {
        let prefix = format!("{HOME}/");
        let mut files: Vec<String> = self
            .shell
            .vfs()
            .walk(HOME)
            .into_iter()
            .filter(|p| self.shell.vfs().is_file(p))
            .filter_map(|p| p.strip_prefix(&prefix).map(String::from))
            .collect();
        files.sort();
        files
    }

    /// The world behind the terminal (clusters and clock), for tests and checks.
    pub fn world(&self) -> &World {
        &self.world
    }

    /// The world, mutably: the native `kubeniwa serve` adapter answers HTTP requests
    /// against the same clusters the sandbox's own kubectl talks to.
    pub fn world_mut(&mut self) -> &mut World {
        &mut self.world
    }
}
