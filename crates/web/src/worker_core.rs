//! What the worker does with each request, around one [`Sandbox`].
//!
//! The worker binary only decodes `postMessage` data, calls [`WorkerCore::handle_json`]
//! and posts the answer back; everything else is here so it runs in native tests.

use kubeniwa_sandbox::Sandbox;

use crate::protocol::{FileText, JournalEntry, Request, Response};

/// The seed of every learner's sandbox. Fixed, so a journal replays to the same state.
pub const SEED: u64 = 1;

/// A command line the worker never passes to the sandbox: it panics on purpose, so the
/// browser tests can check that the page survives a crashed worker.
pub const PANIC_COMMAND: &str = "__kubeniwa_panic";

/// The worker's state: the learner's sandbox.
pub struct WorkerCore {
    sandbox: Sandbox,
}

impl Default for WorkerCore {
    fn default() -> Self {
        WorkerCore::new()
    }
}

impl WorkerCore {
    pub fn new() -> WorkerCore {
        let mut sandbox = Sandbox::new(SEED);
        sandbox.set_interactive(true);
        WorkerCore { sandbox }
    }

    /// The message a worker posts first, once it listens.
    pub fn ready(&self) -> Response {
        Response::Ready { prompt: self.sandbox.prompt(), files: self.sandbox.list_files() }
    }

    /// Decodes a request, handles it, and encodes the answer (if it has one).
    pub fn handle_json(&mut self, text: &str) -> Option<String> {
        let response = match Request::from_json(text) {
            Ok(request) => self.handle(request),
            Err(message) => Some(Response::Error { message }),
        };
        response.map(|r| r.to_json())
    }

    pub fn handle(&mut self, request: Request) -> Option<Response> {
        match request {
            Request::Run { id, source, advance_ms, writes, open_file } => {
                self.sandbox.advance(advance_ms);
                for file in writes {
                    self.write(&file.path, &file.content);
                }
                if source.trim() == PANIC_COMMAND {
                    panic!("{PANIC_COMMAND}: the worker was asked to crash");
                }
                if !self.sandbox.is_complete(&source) {
                    return Some(Response::Incomplete { id });
                }
                let output = self.sandbox.run_line(&source);
                Some(Response::Output {
                    id,
                    text: output.text,
                    status: output.status,
                    prompt: self.sandbox.prompt(),
                    files: self.sandbox.list_files(),
                    open_file: self.open_file(open_file),
                    elapsed_ms: self.sandbox.elapsed_ms(),
                    running: self.sandbox.running(),
                })
            }
            Request::Advance { ms } => {
                let was_running = self.sandbox.running();
                let stream = self.sandbox.advance(ms);
                if !was_running || (stream.text.is_empty() && stream.ended.is_none()) {
                    return None;
                }
                Some(Response::Stream {
                    text: stream.text,
                    ended: stream.ended.is_some(),
                    status: stream.ended.unwrap_or(0),
                    prompt: self.sandbox.prompt(),
                })
            }
            Request::Interrupt => {
                let out = self.sandbox.interrupt();
                Some(Response::Stream { text: out.text, ended: true, status: out.status, prompt: self.sandbox.prompt() })
            }
            Request::Write { path, content } => {
                self.write(&path, &content);
                Some(Response::Files { files: self.sandbox.list_files() })
            }
            Request::Read { path } => {
                let content = self.sandbox.read_file(&path);
                Some(Response::File { path, content })
            }
            Request::Replay { entries, open_file } => {
                for entry in entries {
                    self.apply(entry);
                }
                // The page shows a prompt after a replay: nothing holds the terminal.
                if self.sandbox.running() {
                    let _ = self.sandbox.interrupt();
                }
                Some(Response::Replayed {
                    prompt: self.sandbox.prompt(),
                    files: self.sandbox.list_files(),
                    open_file: self.open_file(open_file),
                    elapsed_ms: self.sandbox.elapsed_ms(),
                })
            }
        }
    }

    fn apply(&mut self, entry: JournalEntry) {
        match entry {
            JournalEntry::Advance { ms } => {
                let _ = self.sandbox.advance(ms);
            }
            JournalEntry::Interrupt => {
                let _ = self.sandbox.interrupt();
            }
            JournalEntry::Write { path, content } => self.write(&path, &content),
            JournalEntry::Run { source } => {
                // The output was shown before the crash; only the state matters now.
                let _ = self.sandbox.run_line(&source);
            }
        }
    }

    fn write(&mut self, path: &str, content: &str) {
        // A failed save (e.g. a path that is a directory) is not worth killing the
        // worker for: the next `cat` shows the learner what the sandbox holds.
        let _ = self.sandbox.write_file(path, content);
    }

    fn open_file(&self, path: Option<String>) -> Option<FileText> {
        let path = path?;
        let content = self.sandbox.read_file(&path)?;
        Some(FileText { path, content })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(core: &mut WorkerCore, source: &str) -> Response {
        core.handle(Request::Run {
            id: 7,
            source: source.into(),
            advance_ms: 0,
            writes: vec![],
            open_file: None,
        })
        .expect("run always answers")
    }

    #[test]
    fn ready_carries_the_prompt() {
        let core = WorkerCore::new();
        let Response::Ready { prompt, .. } = core.ready() else { panic!("not ready") };
        assert!(!prompt.is_empty());
    }

    #[test]
    fn an_unknown_command_says_so() {
        let mut core = WorkerCore::new();
        match run(&mut core, "foo") {
            Response::Output { id, text, status, .. } => {
                assert_eq!(id, 7);
                assert_eq!(text, "bash: foo: command not found\n");
                assert_eq!(status, 127);
            }
            other => panic!("unexpected {other:?}"),
        }
    }

    #[test]
    fn advance_moves_the_clock_and_has_no_answer() {
        let mut core = WorkerCore::new();
        assert_eq!(core.handle(Request::Advance { ms: 1500 }), None);
        match run(&mut core, "") {
            Response::Output { elapsed_ms, .. } => assert_eq!(elapsed_ms, 1500),
            other => panic!("unexpected {other:?}"),
        }
    }

    #[test]
    fn a_watch_holds_the_terminal_streams_and_stops_on_ctrl_c() {
        let mut core = WorkerCore::new();
        run(&mut core, "kind create cluster");
        run(&mut core, "kubectl run web --image=nginx:1.25.3");
        match run(&mut core, "kubectl get pods -w") {
            Response::Output { running, text, .. } => {
                assert!(running);
                assert!(text.starts_with("NAME "), "{text}");
            }
            other => panic!("unexpected {other:?}"),
        }
        match core.handle(Request::Advance { ms: 20_000 }) {
            Some(Response::Stream { text, ended, .. }) => {
                assert!(!ended);
                assert!(text.contains("Running"), "{text}");
            }
            other => panic!("unexpected {other:?}"),
        }
        match core.handle(Request::Interrupt) {
            Some(Response::Stream { text, ended, status, .. }) => {
                assert_eq!((text.as_str(), ended, status), ("^C\n", true, 130));
            }
            other => panic!("unexpected {other:?}"),
        }
        assert_eq!(core.handle(Request::Advance { ms: 1000 }), None);
    }

    #[test]
    fn bad_json_is_answered_with_an_error() {
        let mut core = WorkerCore::new();
        let answer = core.handle_json("not json").expect("an answer");
        assert!(matches!(Response::from_json(&answer), Ok(Response::Error { .. })));
    }

    #[test]
    fn replay_answers_with_the_state() {
        let mut core = WorkerCore::new();
        let entries = vec![
            JournalEntry::Advance { ms: 2000 },
            JournalEntry::Write { path: "pod.yaml".into(), content: "kind: Pod\n".into() },
            JournalEntry::Run { source: "foo".into() },
        ];
        match core.handle(Request::Replay { entries, open_file: None }) {
            Some(Response::Replayed { elapsed_ms, .. }) => assert_eq!(elapsed_ms, 2000),
            other => panic!("unexpected {other:?}"),
        }
    }
}
