//! One learner's world behind one API: the shell and its virtual filesystem, the kind
//! clusters, kubectl, and the simulated clock.
//!
//! The web worker, the native `kubeniwa` CLI and the tests all drive a [`Sandbox`] and
//! nothing else. Same seed + same calls = same bytes.

/// What the terminal shows for one command line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommandOutput {
    /// Everything the terminal shows, in order, lines ending in `\n`.
    pub text: String,
    /// The exit status of the last command (`$?`).
    pub status: i32,
}

/// A learner's sandbox.
pub struct Sandbox {
    seed: u64,
    now_ms: u64,
}

impl Sandbox {
    /// A fresh sandbox: no clusters yet, an empty home directory.
    pub fn new(seed: u64) -> Sandbox {
        Sandbox { seed, now_ms: 0 }
    }

    /// The seed every random choice derives from.
    pub fn seed(&self) -> u64 {
        self.seed
    }

    /// The prompt the terminal prints before each command.
    pub fn prompt(&self) -> String {
        "$ ".to_string()
    }

    /// True when `source` is a whole command (no open quote, here-document or `if`).
    /// The terminal asks for more lines with `> ` until it is.
    pub fn is_complete(&self, source: &str) -> bool {
        let _ = source;
        true
    }

    /// Runs one command line (possibly several lines, for here-documents).
    pub fn run_line(&mut self, line: &str) -> CommandOutput {
        let name = line.split_whitespace().next().unwrap_or("");
        if name.is_empty() {
            return CommandOutput { text: String::new(), status: 0 };
        }
        CommandOutput { text: format!("bash: {name}: command not found\n"), status: 127 }
    }

    /// Lets simulated time pass (the page calls this with real elapsed time).
    pub fn advance(&mut self, millis: u64) {
        self.now_ms += millis;
    }

    /// Simulated milliseconds since the sandbox started.
    pub fn elapsed_ms(&self) -> u64 {
        self.now_ms
    }

    /// Writes a file in the virtual filesystem (the editor saves through this).
    /// Relative paths are relative to the home directory.
    pub fn write_file(&mut self, path: &str, content: &str) -> Result<(), String> {
        let _ = (path, content);
        Ok(())
    }

    /// Reads a file from the virtual filesystem.
    pub fn read_file(&self, path: &str) -> Option<String> {
        let _ = path;
        None
    }

    /// The files under the home directory, as paths relative to it, sorted.
    pub fn list_files(&self) -> Vec<String> {
        Vec::new()
    }
}
