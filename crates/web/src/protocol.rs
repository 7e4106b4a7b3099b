//! The messages between the page and the worker, sent as JSON strings through
//! `postMessage`. The worker answers requests in the order it receives them.

use serde::{Deserialize, Serialize};

/// A file's path (relative to the home directory) and its content.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileText {
    pub path: String,
    pub content: String,
}

/// One step of the command journal: what the page asked the sandbox to do, in order.
/// Replaying a journal into a fresh sandbox with the same seed rebuilds the same state.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum JournalEntry {
    /// Simulated time passed.
    Advance { ms: u64 },
    /// The editor saved a file.
    Write { path: String, content: String },
    /// A complete command line ran.
    Run { source: String },
    /// Ctrl-C interrupted the command that held the terminal.
    Interrupt,
    /// A lesson's script ran (setup, check) in the sandbox's shell.
    Lesson { op: LessonOp, lang: String },
    /// The learner closed the file `kubectl edit` waited for: saved with this text, or
    /// left as it was.
    EditorClosed { saved: Option<String> },
}

/// Something a lesson does to the sandbox. Journaled: a check's script leaves a line in
/// the shell's history, and setup scripts create objects.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "snake_case")]
pub enum LessonOp {
    /// The learner starts the lesson (or starts it over) at `step`: mark where its
    /// history starts, and make the sandbox ready for `step`. With `catch_up`, the steps
    /// before it are set up and their reference solutions carried out first (a learner
    /// who comes back to a lesson in a new sandbox continues where they were).
    Prepare { lesson: String, step: usize, catch_up: bool },
    /// Run the setup script of a step opened for the first time.
    Setup { lesson: String, step: usize },
    /// Run the step's verify script.
    Check { lesson: String, step: usize },
}

/// A text in both languages.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct Texts {
    pub ja: String,
    pub en: String,
}

impl Texts {
    /// The text in `lang` (`ja`, anything else is English).
    pub fn get(&self, lang: &str) -> &str {
        if lang == "ja" {
            &self.ja
        } else {
            &self.en
        }
    }
}

/// A lesson as the list shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LessonInfo {
    pub id: String,
    pub title: Texts,
    pub description: Texts,
    pub minutes: u32,
    pub prerequisites: Vec<String>,
    pub steps: Vec<StepInfo>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StepInfo {
    pub id: String,
    pub title: Texts,
}

/// A step's text, rendered for one language.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StepText {
    pub lesson: String,
    pub step: usize,
    pub lang: String,
    /// Sanitised HTML (see `kubeniwa_lessons::markdown::render`); its buttons carry
    /// `data-block="N"`, an index into `blocks`.
    pub html: String,
    pub blocks: Vec<Block>,
    /// Each hint as sanitised HTML.
    pub hints: Vec<String>,
    pub solution: Vec<SolutionItem>,
}

/// A code block with a button.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Block {
    /// Typed into the terminal and run.
    Run { body: String },
    /// Opened in the editor as `path`.
    File { path: String, body: String },
}

/// One action of a step's reference solution.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum SolutionItem {
    Run { command: String },
    Write { path: String, content: String },
    Wait { seconds: u32 },
}

/// What a check said.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CheckOutcome {
    pub passed: bool,
    pub message: String,
}

/// Page → worker.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Request {
    /// Let `advance_ms` pass, save `writes`, then run `source` if it is a complete
    /// command (else answer [`Response::Incomplete`]). `open_file` names the editor's
    /// file, whose content comes back with the output in case the command changed it.
    Run {
        id: u64,
        source: String,
        advance_ms: u64,
        writes: Vec<FileText>,
        open_file: Option<String>,
    },
    /// Real time passed in the page; the simulated clock follows it. Answered with
    /// [`Response::Stream`] only while a command holds the terminal and it printed
    /// something or ended.
    Advance { ms: u64 },
    /// Ctrl-C while a command holds the terminal. Answered with [`Response::Stream`].
    Interrupt,
    /// The editor saved a file. Answered with [`Response::Files`].
    Write { path: String, content: String },
    /// The editor wants to show a file. Answered with [`Response::File`].
    Read { path: String },
    /// Rebuild the state of a crashed worker. Answered with [`Response::Replayed`].
    Replay { entries: Vec<JournalEntry>, open_file: Option<String> },
    /// The lesson list. Answered with [`Response::Lessons`].
    Lessons,
    /// A step's text in `lang`. Answered with [`Response::StepText`].
    StepText { lesson: String, step: usize, lang: String },
    /// Let `advance_ms` pass, then do `op`. Answered with [`Response::LessonDone`].
    Lesson { id: u64, op: LessonOp, lang: String, advance_ms: u64 },
    /// Tab at the prompt: the words that could replace the last word of `line` (the
    /// line up to the cursor). Changes nothing, so it is not journaled. Answered with
    /// [`Response::Completions`].
    Complete { id: u64, line: String },
    /// The learner closed the file the command holding the terminal waits for
    /// (`kubectl edit`): "Save and close" sends the editor's text, "Cancel" none (the
    /// file stays as the command wrote it). Answered with [`Response::Stream`].
    EditorClosed { saved: Option<String> },
}

/// Worker → page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Response {
    /// The first message of every worker: its wasm is running and it listens.
    Ready { prompt: String, files: Vec<String> },
    /// A command ran.
    Output {
        id: u64,
        text: String,
        status: i32,
        prompt: String,
        files: Vec<String>,
        open_file: Option<FileText>,
        elapsed_ms: u64,
        /// The command keeps the terminal (`kubectl get -w`, `logs -f`...): its further
        /// output comes in [`Response::Stream`] messages until one says it ended.
        #[serde(default)]
        running: bool,
        /// The file the command that keeps the terminal waits for the learner to edit
        /// (`kubectl edit`): the page opens it until [`Request::EditorClosed`].
        #[serde(default)]
        editing: Option<FileText>,
    },
    /// More output of the command that holds the terminal; `ended` when the prompt
    /// comes back (it ended by itself, or Ctrl-C: `^C`, status 130). `editing` when it
    /// waits for the editor again (`kubectl edit` reopened the file after an invalid
    /// edit).
    Stream {
        text: String,
        ended: bool,
        status: i32,
        prompt: String,
        #[serde(default)]
        editing: Option<FileText>,
    },
    /// The command is not complete yet (open quote, here-document…): ask for more.
    Incomplete { id: u64 },
    /// The candidates for [`Request::Complete`], sorted.
    Completions { id: u64, candidates: Vec<String> },
    /// The file list after a write.
    Files { files: Vec<String> },
    /// A file's content, `None` if it does not exist.
    File { path: String, content: Option<String> },
    /// The journal has been replayed.
    Replayed {
        prompt: String,
        files: Vec<String>,
        open_file: Option<FileText>,
        elapsed_ms: u64,
        /// A command held the terminal at the end of the journal (the page was closed
        /// while it ran): it was interrupted, and the journal should say so.
        #[serde(default)]
        interrupted: bool,
    },
    /// The lessons compiled into the worker, and the problems of those that did not load.
    Lessons { lessons: Vec<LessonInfo>, problems: Vec<String> },
    /// A step's text; `None` if the lesson or step does not exist.
    StepText { text: Option<StepText>, lesson: String, step: usize, lang: String },
    /// A lesson operation finished; a check says how it went.
    LessonDone { id: u64, check: Option<CheckOutcome>, prompt: String, files: Vec<String> },
    /// The worker could not understand a request (a bug in the page).
    Error { message: String },
}

impl Request {
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).expect("requests always serialize")
    }

    pub fn from_json(text: &str) -> Result<Request, String> {
        serde_json::from_str(text).map_err(|e| format!("bad request: {e}"))
    }
}

impl Response {
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).expect("responses always serialize")
    }

    pub fn from_json(text: &str) -> Result<Response, String> {
        serde_json::from_str(text).map_err(|e| format!("bad response: {e}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requests_are_tagged_json() {
        let req = Request::Advance { ms: 1000 };
        assert_eq!(req.to_json(), r#"{"type":"advance","ms":1000}"#);
        assert_eq!(Request::from_json(&req.to_json()), Ok(req));
        let entry = JournalEntry::Run { source: "ls".into() };
        assert_eq!(serde_json::to_string(&entry).unwrap(), r#"{"kind":"run","source":"ls"}"#);
    }

    #[test]
    fn garbage_is_an_error_not_a_panic() {
        assert!(Request::from_json("{").is_err());
        assert!(Response::from_json(r#"{"type":"nope"}"#).is_err());
    }
}
