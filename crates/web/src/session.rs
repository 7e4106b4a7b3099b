//! The page's state machine: events in (worker messages, keys, editor changes, clock
//! ticks), effects out (post to the worker, write to the terminal, update the editor).
//!
//! It is a reducer in the Elm sense: [`Session::update`] changes the state and returns
//! the effects for the page to perform; it does no IO itself, so every journey through
//! it can be tested natively.
//!
//! Crash recovery: every request that changes the sandbox is appended to the command
//! journal in the order it is posted (which is the order the worker handles it). When
//! the worker dies, the entries it never finished are dropped, a fresh worker is started
//! and the journal is replayed into it, so the learner keeps their clusters and files.

use std::mem;

use crate::lesson_pane::{LessonEvent, Pane, PaneAction, PaneView, Progress};
use crate::line_editor::{Action, LineEditor};
use crate::protocol::{FileText, JournalEntry, Request, Response};
use crate::to_terminal;

/// The file the editor shows when the page opens.
pub const DEFAULT_FILE: &str = "pod.yaml";

/// Its content: a Pod to apply, with a comment saying how.
pub const DEFAULT_CONTENT: &str = "\
# A Pod: one container running nginx. Apply it in the terminal with
#   kubectl apply -f pod.yaml
apiVersion: v1
kind: Pod
metadata:
  name: web
  labels:
    app: web
spec:
  containers:
  - name: nginx
    image: nginx:1.27
    ports:
    - containerPort: 80
";

/// Where the page keeps the command journal, so that the sandbox survives a reload.
pub const JOURNAL_KEY: &str = "kubeniwa.sandbox.v1";

/// How often, at most, the journal is stored while time passes at the prompt.
const SAVE_JOURNAL_EVERY_MS: f64 = 10_000.0;

/// The width completion lists are laid out for (xterm.js's default columns).
const TERMINAL_COLUMNS: usize = 80;

/// The prompt shown while a command is not complete yet.
pub const CONTINUATION_PROMPT: &str = "> ";

/// How long a command must have run before Ctrl-C restarts the worker.
const INTERRUPT_AFTER_MS: f64 = 1000.0;
/// How long a worker may take to start before the learner is told.
const SLOW_START_MS: f64 = 20_000.0;
/// Worker failures in a row (without reaching a prompt) before giving up.
const MAX_FAILURES: u32 = 3;
/// Input kept while the worker is busy, in bytes; a paste larger than this is cut.
const MAX_TYPEAHEAD: usize = 1 << 20;

const BANNER: &str = "\x1b[1m箱庭 Kubeniwa\x1b[0m: a Kubernetes sandbox that runs in this page.\r\n\
Try \x1b[1mkind create cluster\x1b[0m, then \x1b[1mkubectl get nodes\x1b[0m.\r\n\r\n";

/// Something that happened, for [`Session::update`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Event {
    /// A message from the worker.
    Worker(Response),
    /// The worker died (an `error` event: a panic aborts the wasm module) or could not
    /// be started.
    WorkerFailed(String),
    /// Keys typed or text pasted into the terminal.
    TerminalInput(String),
    /// Monaco is on the page.
    EditorLoaded,
    /// The learner edited the editor's file.
    EditorChanged { path: String, content: String },
    /// The learner picked a file in the file list.
    OpenFile(String),
    /// The one-second clock tick.
    Tick,
    /// The editor has been quiet for a moment: save it.
    SaveEditor,
    /// "Save and close" (`save`, also Ctrl-S in the editor) or "Cancel" on the file a
    /// command waits for (`kubectl edit`). Ctrl-S on any other file saves it now.
    EditorDone { save: bool },
    /// Something in the lesson pane.
    Lesson(LessonEvent),
    /// The header's "Reset": a fresh sandbox (no clusters, no files); lesson progress
    /// stays.
    ResetSandbox,
}

/// Something for the page to do, in order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Effect {
    /// Terminate the current worker (if any) and start a new one.
    StartWorker,
    /// Send a request to the worker.
    Post(Request),
    /// Write bytes to the terminal.
    Term(String),
    /// Clear the terminal's screen and scrollback.
    ClearTerminal,
    /// A prompt is on the screen, waiting for input (the first one is timed, and the
    /// browser tests count them to know when a command has finished).
    Prompt,
    /// Load Monaco showing this file.
    LoadEditor { path: String, content: String },
    /// Show this file in the editor (replacing what it shows).
    SetEditor { path: String, content: String },
    /// (Re)start the timer that ends in [`Event::SaveEditor`].
    ScheduleSave,
    /// Store the lesson progress (JSON) under [`crate::lesson_pane::STORAGE_KEY`].
    SaveProgress(String),
    /// Store the command journal (JSON) under [`JOURNAL_KEY`].
    SaveJournal(String),
    /// The simulation answers (its worker is ready, or has replayed the journal).
    SimulationReady,
}

/// What the header shows about the simulation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    Starting,
    Ready,
    Busy,
    Restoring,
    Failed,
}

impl Status {
    pub fn label(self) -> &'static str {
        match self {
            Status::Starting => "starting",
            Status::Ready => "ready",
            Status::Busy => "running",
            Status::Restoring => "restoring",
            Status::Failed => "stopped",
        }
    }
}

/// What the page renders besides the terminal and the editor.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct View {
    pub status: Status,
    /// The files in the home directory, the editor's file included.
    pub files: Vec<String>,
    pub open_file: String,
    pub editor_loaded: bool,
    /// The file a command waits for the learner to edit and close (`kubectl edit`).
    pub editing: Option<String>,
    pub lessons: PaneView,
}

#[derive(Debug, Clone, PartialEq)]
enum Phase {
    /// The worker's wasm is loading; `restoring` says a journal waits for it.
    Starting { since: f64, restoring: bool },
    /// The worker is replaying the journal.
    Replaying,
    /// The prompt is shown; input goes to the line editor.
    Idle,
    /// A command is running. `journal_at` is the index of its `Run` entry.
    Running { id: u64, since: f64, source: String, journal_at: usize },
    /// A command ran and keeps the terminal (`kubectl get -w`): clock ticks go to the
    /// worker and come back as its output; Ctrl-C interrupts it.
    Holding { interrupting: bool },
    /// Tab was pressed: the worker is asked for the candidates; keys wait.
    Completing { id: u64 },
    /// Too many failures; the learner has been told to reload.
    Failed,
}

/// The file in the editor.
#[derive(Debug, Clone)]
struct EditorFile {
    path: String,
    content: String,
    /// Changed since it was last sent to the worker.
    dirty: bool,
    loaded: bool,
    /// A file asked for with [`Request::Read`], shown when it arrives.
    opening: Option<String>,
}

/// A command waits for the learner to edit a file and close it (`kubectl edit`).
#[derive(Debug, Clone)]
struct Editing {
    /// What the editor showed before (path, content, unsaved), shown again after.
    before: (String, String, bool),
    /// Closed: the worker has not answered yet.
    closing: bool,
}

/// Real time in the page, handed to the sandbox in whole milliseconds without drift.
#[derive(Debug, Clone, Default)]
struct Clock {
    origin: Option<f64>,
    given_ms: u64,
}

impl Clock {
    fn start(&mut self, now: f64) {
        self.origin = Some(now);
        self.given_ms = 0;
    }

    /// Milliseconds passed since the last call.
    fn take(&mut self, now: f64) -> u64 {
        let Some(origin) = self.origin else { return 0 };
        let total = (now - origin).max(0.0) as u64;
        let ms = total.saturating_sub(self.given_ms);
        self.given_ms += ms;
        ms
    }
}

/// The page's state.
#[derive(Debug, Clone)]
pub struct Session {
    phase: Phase,
    prompt: String,
    line: LineEditor,
    /// The lines of a command that is not complete yet.
    continuation: Option<String>,
    /// Input that arrived while the worker was busy.
    typeahead: String,
    journal: Vec<JournalEntry>,
    files: Vec<String>,
    editor: EditorFile,
    editing: Option<Editing>,
    clock: Clock,
    next_id: u64,
    shown_first_prompt: bool,
    /// The first prompt is up while the worker's wasm still loads: keys are edited on
    /// the line, and Enter and Tab wait for the worker.
    early_prompt: bool,
    editor_requested: bool,
    warned_slow_start: bool,
    failures: u32,
    pane: Pane,
    lessons_requested: bool,
    /// Lesson requests that wait for the worker to listen.
    outbox: Vec<PaneAction>,
    /// The journal as last stored, and when.
    saved_journal: String,
    saved_journal_at: f64,
    /// The journal came from storage (a reload): the replayed sandbox's files win over
    /// the editor's default one.
    reloaded: bool,
}

impl Default for Session {
    fn default() -> Self {
        Session::new()
    }
}

impl Session {
    pub fn new() -> Session {
        Session {
            phase: Phase::Starting { since: 0.0, restoring: false },
            prompt: "$ ".to_string(),
            line: LineEditor::new(),
            continuation: None,
            typeahead: String::new(),
            journal: Vec::new(),
            files: Vec::new(),
            editor: EditorFile {
                path: DEFAULT_FILE.to_string(),
                content: DEFAULT_CONTENT.to_string(),
                dirty: true,
                loaded: false,
                opening: None,
            },
            editing: None,
            clock: Clock::default(),
            next_id: 1,
            shown_first_prompt: false,
            early_prompt: false,
            editor_requested: false,
            warned_slow_start: false,
            failures: 0,
            pane: Pane::new(Progress::default(), "en"),
            lessons_requested: false,
            outbox: Vec::new(),
            saved_journal: "[]".to_string(),
            saved_journal_at: 0.0,
            reloaded: false,
        }
    }

    /// A session with what the browser stored: the lesson progress and the command
    /// journal (`None` if there is none, or it cannot be read), and the browser's
    /// language (`navigator.language`). A stored journal is replayed into the worker
    /// before the first prompt.
    pub fn restored(progress: Option<&str>, journal: Option<&str>, browser_lang: &str) -> Session {
        let mut session = Session::with_progress(progress, browser_lang);
        let entries: Vec<JournalEntry> = journal.and_then(|j| serde_json::from_str(j).ok()).unwrap_or_default();
        if !entries.is_empty() {
            session.pane.restored(&entries);
            session.saved_journal = journal.unwrap_or_default().to_string();
            session.journal = entries;
            session.reloaded = true;
        }
        session
    }

    /// A session with the lesson progress the browser saved (`None` if there is none)
    /// and the browser's language (`navigator.language`).
    pub fn with_progress(saved: Option<&str>, browser_lang: &str) -> Session {
        Session { pane: Pane::new(Progress::from_json(saved), browser_lang), ..Session::new() }
    }

    /// The effects of opening the page (`now` from `performance.now()`).
    ///
    /// Without a journal to restore, the banner and the first prompt come at once: the
    /// page needs neither the worker nor its wasm (the largest file by far) for them,
    /// and what is typed meanwhile is on the line when the worker answers.
    pub fn start(&mut self, now: f64) -> Vec<Effect> {
        let restoring = !self.journal.is_empty();
        self.phase = Phase::Starting { since: now, restoring };
        let mut fx = vec![Effect::StartWorker];
        if !restoring && !self.shown_first_prompt {
            self.early_prompt = true;
            self.shown_first_prompt = true;
            fx.push(Effect::Term(BANNER.to_string()));
            fx.push(Effect::Term(to_terminal(self.current_prompt())));
            fx.push(Effect::Prompt);
        }
        fx
    }

    /// The command journal so far (what a new worker would replay).
    pub fn journal(&self) -> &[JournalEntry] {
        &self.journal
    }

    pub fn view(&self) -> View {
        let status = match self.phase {
            Phase::Starting { restoring: false, .. } => Status::Starting,
            Phase::Starting { restoring: true, .. } | Phase::Replaying => Status::Restoring,
            Phase::Idle | Phase::Completing { .. } => Status::Ready,
            Phase::Running { .. } | Phase::Holding { .. } => Status::Busy,
            Phase::Failed => Status::Failed,
        };
        // Like `ls`, the file list leaves out hidden files (.kube/config): the learner
        // reaches them from the shell.
        let mut files: Vec<String> = self
            .files
            .iter()
            .filter(|path| !path.split('/').any(|part| part.starts_with('.')))
            .cloned()
            .collect();
        if !files.contains(&self.editor.path) && self.editing.is_none() {
            files.push(self.editor.path.clone());
            files.sort();
        }
        View {
            status,
            files,
            open_file: self.editor.path.clone(),
            editor_loaded: self.editor.loaded,
            editing: self.editing.as_ref().map(|_| self.editor.path.clone()),
            lessons: self.pane.view(),
        }
    }

    /// Handles one event at time `now` (milliseconds, `performance.now()`).
    pub fn update(&mut self, now: f64, event: Event) -> Vec<Effect> {
        let mut fx = Vec::new();
        match event {
            Event::Worker(response) => self.on_response(now, response, &mut fx),
            Event::WorkerFailed(message) => self.on_failure(now, &message, &mut fx),
            Event::TerminalInput(data) => self.on_input(now, data, &mut fx),
            Event::EditorLoaded => self.editor.loaded = true,
            Event::EditorChanged { path, content } => {
                if path == self.editor.path && content != self.editor.content {
                    self.editor.content = content;
                    // The file a command waits for is handed over when it is closed.
                    if self.editing.is_none() {
                        self.editor.dirty = true;
                        fx.push(Effect::ScheduleSave);
                    }
                }
            }
            Event::SaveEditor => self.save_editor(&mut fx),
            Event::EditorDone { save } => self.close_editing(save, &mut fx),
            Event::OpenFile(path) => {
                if path != self.editor.path && self.worker_listens() && self.editing.is_none() {
                    self.save_editor(&mut fx);
                    self.editor.opening = Some(path.clone());
                    fx.push(Effect::Post(Request::Read { path }));
                }
            }
            Event::Tick => self.on_tick(now, &mut fx),
            Event::ResetSandbox => self.pane_actions(now, vec![PaneAction::ResetSandbox], &mut fx),
            Event::Lesson(event) => {
                let actions = self.pane.update(event);
                self.pane_actions(now, actions, &mut fx);
            }
        }
        fx
    }

    /// Carries out what the lesson pane asked for.
    fn pane_actions(&mut self, now: f64, actions: Vec<PaneAction>, fx: &mut Vec<Effect>) {
        for action in actions {
            match action {
                PaneAction::Text { .. } if !self.worker_listens() => self.outbox.push(action),
                // Scripts run in the learner's shell: not while a command holds it.
                PaneAction::Op(_) if !matches!(self.phase, Phase::Idle | Phase::Running { .. }) => self.outbox.push(action),
                PaneAction::Op(op) => {
                    // A check sees the file the learner is editing as it is now.
                    self.save_editor(fx);
                    let advance_ms = self.clock.take(now);
                    if advance_ms > 0 {
                        self.record(JournalEntry::Advance { ms: advance_ms });
                    }
                    let lang = self.pane.lang();
                    self.record(JournalEntry::Lesson { op: op.clone(), lang: lang.clone() });
                    let id = self.next_id;
                    self.next_id += 1;
                    self.pane.posted(id, op.clone());
                    fx.push(Effect::Post(Request::Lesson { id, op, lang, advance_ms }));
                }
                PaneAction::Text { lesson, step, lang } => fx.push(Effect::Post(Request::StepText { lesson, step, lang })),
                PaneAction::Type(text) => {
                    // Replace what is on the line (End, then Ctrl-U), then type the
                    // block a line at a time, as if pasted.
                    let mut input = String::from("\x05\x15");
                    input.push_str(&text.replace("\r\n", "\n").replace('\n', "\r"));
                    if !input.ends_with('\r') {
                        input.push('\r');
                    }
                    if self.phase == Phase::Idle {
                        self.pump(now, input, fx);
                    } else if self.typeahead.len() + input.len() <= MAX_TYPEAHEAD {
                        self.typeahead.push_str(&input);
                    }
                }
                PaneAction::Open { .. } if self.editing.is_some() => self.outbox.push(action),
                PaneAction::Open { path, content } => {
                    self.save_editor(fx);
                    self.editor.opening = None;
                    self.editor.path = path.clone();
                    self.editor.content = content.clone();
                    self.editor.dirty = true;
                    fx.push(Effect::SetEditor { path, content });
                    self.save_editor(fx);
                }
                PaneAction::Save => fx.push(Effect::SaveProgress(self.pane.progress().to_json())),
                PaneAction::ResetSandbox => {
                    self.outbox.clear();
                    self.continuation = None;
                    self.typeahead.clear();
                    self.line = LineEditor::new();
                    fx.push(Effect::ClearTerminal);
                    fx.push(Effect::Term(notice("Starting over with a fresh sandbox…")));
                    self.restart(now, false, fx);
                }
            }
        }
    }

    /// Sends the lesson requests that waited for the worker.
    fn flush_outbox(&mut self, now: f64, fx: &mut Vec<Effect>) {
        let waiting = mem::take(&mut self.outbox);
        self.pane_actions(now, waiting, fx);
    }

    fn worker_listens(&self) -> bool {
        matches!(self.phase, Phase::Idle | Phase::Running { .. } | Phase::Holding { .. })
    }

    fn on_response(&mut self, now: f64, response: Response, fx: &mut Vec<Effect>) {
        match response {
            Response::Ready { prompt, files } => {
                let Phase::Starting { restoring, .. } = self.phase else { return };
                if restoring {
                    self.phase = Phase::Replaying;
                    fx.push(Effect::Post(Request::Replay {
                        entries: self.journal.clone(),
                        open_file: Some(self.editor.path.clone()),
                    }));
                    return;
                }
                self.prompt = prompt;
                self.files = files;
                self.clock.start(now);
                self.phase = Phase::Idle;
                self.editor.dirty = true;
                self.save_editor(fx);
                if mem::take(&mut self.early_prompt) {
                    // The prompt is already up.
                    self.after_prompt(fx);
                } else {
                    if !self.shown_first_prompt {
                        self.shown_first_prompt = true;
                        fx.push(Effect::Term(BANNER.to_string()));
                    }
                    self.show_prompt(fx);
                }
                fx.push(Effect::SimulationReady);
                self.flush_outbox(now, fx);
                self.pump(now, String::new(), fx);
            }
            Response::Replayed { prompt, files, open_file, interrupted, .. } => {
                if self.phase != Phase::Replaying {
                    return;
                }
                if interrupted {
                    // So that a later replay does the same (not wait for the command).
                    self.record(JournalEntry::Interrupt);
                }
                self.prompt = prompt;
                self.files = files;
                if mem::take(&mut self.reloaded) {
                    // A reload: the editor shows the file as the sandbox has it.
                    self.clock.start(now);
                    self.editor.dirty = false;
                    if let Some(file) = open_file {
                        self.editor.content = file.content.clone();
                        fx.push(Effect::SetEditor { path: file.path, content: file.content });
                    }
                } else if open_file.map(|f| f.content) != Some(self.editor.content.clone()) {
                    // After a crash the editor shows what the learner last typed: it
                    // wins over the replay.
                    self.editor.dirty = true;
                }
                self.phase = Phase::Idle;
                self.save_editor(fx);
                fx.push(Effect::SimulationReady);
                let runs = self.runs_in_journal();
                fx.push(Effect::Term(notice(&format!(
                    "Restored: {runs} command{} replayed.",
                    if runs == 1 { "" } else { "s" }
                ))));
                self.show_prompt(fx);
                self.flush_outbox(now, fx);
                self.pump(now, String::new(), fx);
            }
            Response::Output { id, text, prompt, files, open_file, running: holds, editing, .. } => {
                let Phase::Running { id: running, .. } = self.phase else { return };
                if running != id {
                    return;
                }
                fx.push(Effect::Term(to_terminal(&text)));
                self.prompt = prompt;
                self.files = files;
                self.sync_open_file(open_file, fx);
                if holds {
                    self.phase = Phase::Holding { interrupting: false };
                    if let Some(file) = editing {
                        self.start_editing(file, fx);
                    }
                    return;
                }
                self.phase = Phase::Idle;
                self.save_editor(fx);
                self.show_prompt(fx);
                self.pump(now, String::new(), fx);
            }
            Response::Incomplete { id } => {
                let Phase::Running { id: running, source, journal_at, .. } =
                    mem::replace(&mut self.phase, Phase::Idle)
                else {
                    return;
                };
                if running != id {
                    return;
                }
                // It did not run: it is not part of the sandbox's history.
                if journal_at < self.journal.len() {
                    self.journal.remove(journal_at);
                }
                self.continuation = Some(source);
                fx.push(Effect::Term(CONTINUATION_PROMPT.to_string()));
                fx.push(Effect::Prompt);
                self.pump(now, String::new(), fx);
            }
            Response::Stream { text, ended, prompt, editing, .. } => {
                if self.phase == Phase::Idle && !ended {
                    // A background job printed while the prompt waits: the text comes
                    // where the cursor is, then the prompt and the line are redrawn.
                    fx.push(Effect::Term(to_terminal(&text)));
                    let redraw = format!("{}{}", to_terminal(self.current_prompt()), self.line.redraw());
                    fx.push(Effect::Term(redraw));
                    return;
                }
                if !matches!(self.phase, Phase::Holding { .. }) {
                    return;
                }
                fx.push(Effect::Term(to_terminal(&text)));
                if let (Some(file), false) = (editing, ended) {
                    // Reopened with the reasons the edit was invalid.
                    self.start_editing(file, fx);
                }
                if ended {
                    self.stop_editing(fx);
                    self.prompt = prompt;
                    self.phase = Phase::Idle;
                    self.save_editor(fx);
                    self.show_prompt(fx);
                    self.flush_outbox(now, fx);
                    self.pump(now, String::new(), fx);
                }
            }
            Response::Completions { id, candidates } => {
                if self.phase != (Phase::Completing { id }) {
                    return;
                }
                self.phase = Phase::Idle;
                let prompt = to_terminal(self.current_prompt());
                let echo = self.line.complete(&candidates, &prompt, TERMINAL_COLUMNS);
                if !echo.is_empty() {
                    fx.push(Effect::Term(echo));
                }
                self.pump(now, String::new(), fx);
            }
            Response::Files { files } => self.files = files,
            Response::File { path, content } => {
                if self.editor.opening.as_deref() == Some(path.as_str()) {
                    self.editor.opening = None;
                    self.editor.path = path.clone();
                    self.editor.content = content.unwrap_or_default();
                    self.editor.dirty = false;
                    fx.push(Effect::SetEditor { path, content: self.editor.content.clone() });
                }
            }
            Response::Lessons { lessons, problems } => {
                let actions = self.pane.catalog_loaded(lessons, problems);
                self.pane_actions(now, actions, fx);
            }
            Response::StepText { text, lesson, step, lang } => self.pane.text_loaded(text, &lesson, step, &lang),
            Response::LessonDone { id, check, files, .. } => {
                // A script may have changed the files (scripts run in a subshell: the
                // prompt stays).
                self.files = files;
                let actions = self.pane.op_done(id, check);
                self.pane_actions(now, actions, fx);
            }
            Response::Error { message } => {
                fx.push(Effect::Term(error_line(&format!("internal error: {}", message.trim_end()))));
            }
        }
    }

    fn on_failure(&mut self, now: f64, message: &str, fx: &mut Vec<Effect>) {
        if self.phase == Phase::Failed {
            return;
        }
        self.failures += 1;
        fx.push(Effect::Term(format!("\r\n{}", error_line(&format!("The simulation crashed: {message}")))));
        let restoring = match mem::replace(&mut self.phase, Phase::Failed) {
            Phase::Running { journal_at, .. } => {
                self.drop_unfinished(journal_at);
                true
            }
            Phase::Replaying => {
                fx.push(Effect::Term(notice(
                    "Replaying your commands crashed it again: starting a fresh sandbox.",
                )));
                self.journal.clear();
                false
            }
            Phase::Starting { restoring, .. } => restoring,
            Phase::Holding { .. } => {
                // The command that held the terminal is gone with the worker.
                self.record(JournalEntry::Interrupt);
                true
            }
            Phase::Idle | Phase::Completing { .. } | Phase::Failed => !self.journal.is_empty(),
        };
        self.continuation = None;
        self.typeahead.clear();
        if self.failures >= MAX_FAILURES {
            fx.push(Effect::Term(notice("It keeps failing: reload the page to start again.")));
            return;
        }
        if restoring {
            fx.push(Effect::Term(notice("Starting a new one and replaying your commands…")));
        }
        self.restart(now, restoring, fx);
    }

    fn restart(&mut self, now: f64, restoring: bool, fx: &mut Vec<Effect>) {
        self.stop_editing(fx);
        self.early_prompt = false;
        if !restoring {
            self.journal.clear();
            self.clock = Clock::default();
        }
        self.editor.opening = None;
        self.pane.worker_restarted(!restoring);
        self.warned_slow_start = false;
        self.phase = Phase::Starting { since: now, restoring };
        fx.push(Effect::StartWorker);
    }

    /// Drops the journal from the entry the dead worker was running: it never finished
    /// it, nor anything posted after it. The time those entries carried did pass, so
    /// it is kept; the editor's file is saved again after the replay.
    fn drop_unfinished(&mut self, from: usize) {
        if from >= self.journal.len() {
            return;
        }
        let dropped: u64 = self.journal[from..]
            .iter()
            .map(|e| if let JournalEntry::Advance { ms } = e { *ms } else { 0 })
            .sum();
        self.journal.truncate(from);
        if dropped > 0 {
            self.record(JournalEntry::Advance { ms: dropped });
        }
    }

    fn on_input(&mut self, now: f64, data: String, fx: &mut Vec<Effect>) {
        match &self.phase {
            Phase::Idle => self.pump(now, data, fx),
            Phase::Running { since, journal_at, .. }
                if data.contains('\x03') && now - since >= INTERRUPT_AFTER_MS =>
            {
                // The command does not come back: the only way to stop wasm that loops
                // is to end its worker. Restore everything before the command.
                let journal_at = *journal_at;
                self.drop_unfinished(journal_at);
                self.continuation = None;
                self.typeahead.clear();
                fx.push(Effect::Term("^C\r\n".to_string()));
                fx.push(Effect::Term(notice(
                    "Interrupted: restarting the simulation and replaying your commands…",
                )));
                self.restart(now, true, fx);
            }
            Phase::Holding { interrupting: false } if data.contains('\x03') => {
                // Like a terminal's line discipline: Ctrl-C interrupts the foreground
                // command; what was typed before it on the line is dropped.
                self.typeahead.clear();
                self.record(JournalEntry::Interrupt);
                fx.push(Effect::Post(Request::Interrupt));
                self.phase = Phase::Holding { interrupting: true };
                let after = data.split('\x03').next_back().unwrap_or("");
                if !after.is_empty() {
                    self.typeahead.push_str(after);
                }
            }
            Phase::Failed => {}
            Phase::Starting { restoring: false, .. } if self.early_prompt => self.pump(now, data, fx),
            _ => {
                if self.typeahead.len() + data.len() <= MAX_TYPEAHEAD {
                    self.typeahead.push_str(&data);
                }
            }
        }
    }

    /// Feeds typed-ahead input, then `data`, to the line editor while the prompt is up.
    fn pump(&mut self, now: f64, data: String, fx: &mut Vec<Effect>) {
        let mut input = mem::take(&mut self.typeahead);
        input.push_str(&data);
        let mut later = String::new();
        if self.early_prompt {
            // Enter and Tab need the worker: they and what follows them wait for it.
            if let Some(at) = input.find(['\t', '\r', '\n']) {
                later = input.split_off(at);
            }
        }
        while (self.phase == Phase::Idle || self.early_prompt) && !input.is_empty() {
            let feed = self.line.feed(&input);
            if !feed.echo.is_empty() {
                fx.push(Effect::Term(feed.echo));
            }
            match feed.action {
                Some(Action::Submit(line)) => self.submit(now, line, fx),
                Some(Action::Cancel) => {
                    self.continuation = None;
                    self.show_prompt(fx);
                }
                Some(Action::Clear) => {
                    fx.push(Effect::ClearTerminal);
                    let prompt = self.current_prompt().to_string();
                    fx.push(Effect::Term(prompt + &self.line.redraw()));
                }
                Some(Action::Complete(line)) => {
                    let id = self.next_id;
                    self.next_id += 1;
                    self.phase = Phase::Completing { id };
                    fx.push(Effect::Post(Request::Complete { id, line }));
                }
                None => {}
            }
            input = feed.rest;
        }
        input.push_str(&later);
        self.typeahead = input;
    }

    fn submit(&mut self, now: f64, line: String, fx: &mut Vec<Effect>) {
        let source = match self.continuation.take() {
            Some(mut before) => {
                before.push('\n');
                before.push_str(&line);
                before
            }
            None => line,
        };
        let advance_ms = self.clock.take(now);
        if advance_ms > 0 {
            self.record(JournalEntry::Advance { ms: advance_ms });
        }
        let mut writes = Vec::new();
        if self.editor.dirty {
            self.editor.dirty = false;
            let file = FileText { path: self.editor.path.clone(), content: self.editor.content.clone() };
            self.record(JournalEntry::Write { path: file.path.clone(), content: file.content.clone() });
            writes.push(file);
        }
        let id = self.next_id;
        self.next_id += 1;
        let journal_at = self.journal.len();
        self.journal.push(JournalEntry::Run { source: source.clone() });
        fx.push(Effect::Post(Request::Run {
            id,
            source: source.clone(),
            advance_ms,
            writes,
            open_file: Some(self.editor.path.clone()),
        }));
        self.phase = Phase::Running { id, since: now, source, journal_at };
    }

    fn on_tick(&mut self, now: f64, fx: &mut Vec<Effect>) {
        match self.phase {
            Phase::Idle | Phase::Holding { .. } => {
                let ms = self.clock.take(now);
                if ms > 0 {
                    self.record(JournalEntry::Advance { ms });
                    fx.push(Effect::Post(Request::Advance { ms }));
                }
                if now - self.saved_journal_at >= SAVE_JOURNAL_EVERY_MS {
                    self.save_journal(now, fx);
                }
            }
            Phase::Starting { since, .. } if now - since > SLOW_START_MS && !self.warned_slow_start => {
                self.warned_slow_start = true;
                fx.push(Effect::Term(notice("The simulation is slow to start; still trying…")));
            }
            _ => {}
        }
    }

    /// Shows the file a command waits for in the editor; the file shown before is
    /// saved first and comes back when the command ends.
    fn start_editing(&mut self, file: FileText, fx: &mut Vec<Effect>) {
        if self.editing.is_none() {
            self.save_editor(fx);
            let before = (self.editor.path.clone(), self.editor.content.clone(), self.editor.dirty);
            self.editing = Some(Editing { before, closing: false });
        }
        if let Some(editing) = self.editing.as_mut() {
            editing.closing = false;
        }
        self.editor.opening = None;
        self.editor.path = file.path.clone();
        self.editor.content = file.content.clone();
        self.editor.dirty = false;
        fx.push(Effect::SetEditor { path: file.path, content: file.content });
    }

    /// The command that waited for the editor has ended: the editor shows what it
    /// showed before.
    fn stop_editing(&mut self, fx: &mut Vec<Effect>) {
        let Some(Editing { before: (path, content, dirty), .. }) = self.editing.take() else { return };
        self.editor.path = path.clone();
        self.editor.content = content.clone();
        self.editor.dirty = dirty;
        fx.push(Effect::SetEditor { path, content });
    }

    /// "Save and close" or "Cancel" (see [`Event::EditorDone`]).
    fn close_editing(&mut self, save: bool, fx: &mut Vec<Effect>) {
        match self.editing.as_mut() {
            Some(editing) if !editing.closing && self.phase == (Phase::Holding { interrupting: false }) => {
                editing.closing = true;
                let saved = save.then(|| self.editor.content.clone());
                self.record(JournalEntry::EditorClosed { saved: saved.clone() });
                fx.push(Effect::Post(Request::EditorClosed { saved }));
            }
            Some(_) => {}
            None if save => self.save_editor(fx),
            None => {}
        }
    }

    /// Sends the editor's file to the worker if it changed and the worker listens.
    fn save_editor(&mut self, fx: &mut Vec<Effect>) {
        if !self.editor.dirty || !self.worker_listens() || self.editing.is_some() {
            return;
        }
        self.editor.dirty = false;
        let (path, content) = (self.editor.path.clone(), self.editor.content.clone());
        self.record(JournalEntry::Write { path: path.clone(), content: content.clone() });
        fx.push(Effect::Post(Request::Write { path, content }));
    }

    /// A command may have changed the editor's file (`echo … > pod.yaml`): show it,
    /// unless the learner has typed in the editor since it was saved.
    fn sync_open_file(&mut self, open_file: Option<FileText>, fx: &mut Vec<Effect>) {
        let Some(file) = open_file else { return };
        if file.path == self.editor.path && file.content != self.editor.content && !self.editor.dirty {
            self.editor.content = file.content.clone();
            fx.push(Effect::SetEditor { path: file.path, content: file.content });
        }
    }

    /// Appends to the journal, merging with the last entry where that changes nothing
    /// the sandbox can see: consecutive clock advances add up, and a save replaces the
    /// save of the same file just before it.
    fn record(&mut self, entry: JournalEntry) {
        match (self.journal.last_mut(), entry) {
            (Some(JournalEntry::Advance { ms }), JournalEntry::Advance { ms: more }) => *ms += more,
            (Some(JournalEntry::Write { path, content }), JournalEntry::Write { path: p, content: c })
                if *path == p =>
            {
                *content = c
            }
            (_, entry) => self.journal.push(entry),
        }
    }

    fn runs_in_journal(&self) -> usize {
        self.journal.iter().filter(|e| matches!(e, JournalEntry::Run { .. })).count()
    }

    fn current_prompt(&self) -> &str {
        if self.continuation.is_some() {
            CONTINUATION_PROMPT
        } else {
            &self.prompt
        }
    }

    /// Stores the journal if it changed since it was last stored.
    fn save_journal(&mut self, now: f64, fx: &mut Vec<Effect>) {
        let json = serde_json::to_string(&self.journal).unwrap_or_default();
        self.saved_journal_at = now;
        if json != self.saved_journal {
            self.saved_journal = json.clone();
            fx.push(Effect::SaveJournal(json));
        }
    }

    fn show_prompt(&mut self, fx: &mut Vec<Effect>) {
        self.failures = 0;
        let at = self.saved_journal_at;
        self.save_journal(at, fx);
        fx.push(Effect::Term(to_terminal(self.current_prompt())));
        fx.push(Effect::Prompt);
        self.after_prompt(fx);
    }

    /// What loads after the first prompt, once the worker listens: the editor (Monaco
    /// is larger than the rest of the page), then the lesson list.
    fn after_prompt(&mut self, fx: &mut Vec<Effect>) {
        if !self.worker_listens() {
            return;
        }
        self.shown_first_prompt = true;
        if !self.editor_requested {
            self.editor_requested = true;
            fx.push(Effect::LoadEditor {
                path: self.editor.path.clone(),
                content: self.editor.content.clone(),
            });
        }
        if !self.lessons_requested {
            self.lessons_requested = true;
            fx.push(Effect::Post(Request::Lessons));
        }
    }
}

/// A yellow line for the learner, about the page rather than the sandbox.
fn notice(text: &str) -> String {
    format!("\x1b[33m{text}\x1b[0m\r\n")
}

fn error_line(text: &str) -> String {
    format!("\x1b[1;31m{}\x1b[0m\r\n", to_terminal(text))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::worker_core::WorkerCore;

    /// A session wired to a real [`WorkerCore`], the way the page and the worker are,
    /// with a crash switch. Records what the terminal shows.
    struct Harness {
        session: Session,
        worker: Option<WorkerCore>,
        now: f64,
        screen: String,
        editor: Option<(String, String)>,
        starts: u32,
        saved: Option<String>,
        journal_saved: Option<String>,
    }

    impl Harness {
        fn new() -> Harness {
            let mut h = Harness {
                session: Session::new(),
                worker: None,
                now: 0.0,
                screen: String::new(),
                editor: None,
                starts: 0,
                saved: None,
                journal_saved: None,
            };
            let fx = h.session.start(0.0);
            h.perform(fx);
            h
        }

        fn send(&mut self, event: Event) {
            let fx = self.session.update(self.now, event);
            self.perform(fx);
        }

        fn perform(&mut self, fx: Vec<Effect>) {
            let mut replies = Vec::new();
            for effect in fx {
                match effect {
                    Effect::StartWorker => {
                        self.starts += 1;
                        let core = WorkerCore::new();
                        replies.push(core.ready());
                        self.worker = Some(core);
                    }
                    Effect::Post(request) => {
                        let worker = self.worker.as_mut().expect("a worker");
                        replies.extend(worker.handle(request));
                    }
                    Effect::Term(text) => self.screen.push_str(&text),
                    Effect::ClearTerminal => self.screen.clear(),
                    Effect::LoadEditor { path, content } | Effect::SetEditor { path, content } => {
                        self.editor = Some((path, content))
                    }
                    Effect::SaveProgress(json) => self.saved = Some(json),
                    Effect::SaveJournal(json) => self.journal_saved = Some(json),
                    Effect::SimulationReady => {}
                    Effect::Prompt | Effect::ScheduleSave => {}
                }
            }
            for reply in replies {
                self.send(Event::Worker(reply));
            }
        }

        fn type_text(&mut self, text: &str) {
            self.send(Event::TerminalInput(text.to_string()));
        }
    }

    #[test]
    fn the_first_prompt_comes_after_ready_and_loads_the_editor() {
        let h = Harness::new();
        assert!(h.screen.ends_with("$ "), "{:?}", h.screen);
        assert_eq!(h.editor, Some((DEFAULT_FILE.to_string(), DEFAULT_CONTENT.to_string())));
        assert_eq!(h.session.view().status, Status::Ready);
        assert_eq!(h.session.view().files, vec![DEFAULT_FILE.to_string()]);
        // The default file was saved into the sandbox.
        assert_eq!(
            h.session.journal(),
            &[JournalEntry::Write { path: DEFAULT_FILE.into(), content: DEFAULT_CONTENT.into() }]
        );
    }

    #[test]
    fn a_command_runs_and_the_prompt_returns() {
        let mut h = Harness::new();
        h.screen.clear();
        h.type_text("foo\r");
        assert_eq!(h.screen, "foo\r\nbash: foo: command not found\r\n$ ");
    }

    /// The first prompt does not wait for the worker's wasm: typing is edited on the
    /// line at once; Enter waits for the worker, and the command runs when it is ready.
    #[test]
    fn the_first_prompt_comes_before_the_worker() {
        let mut session = Session::new();
        let fx = session.start(0.0);
        assert_eq!(fx[0], Effect::StartWorker);
        assert!(fx.contains(&Effect::Prompt), "{fx:?}");
        assert!(!fx.iter().any(|e| matches!(e, Effect::LoadEditor { .. })), "{fx:?}");
        let fx = session.update(5.0, Event::TerminalInput("fo\x7fo\tx\rls".into()));
        assert_eq!(fx, vec![Effect::Term("fo\x1b[1D \x1b[1Do".into())]);
        assert_eq!(session.view().status, Status::Starting);
        let fx = session.update(10.0, Event::Worker(WorkerCore::new().ready()));
        assert!(!fx.iter().any(|e| matches!(e, Effect::Prompt)), "the prompt is up already: {fx:?}");
        assert!(fx.contains(&Effect::SimulationReady), "{fx:?}");
        assert!(fx.iter().any(|e| matches!(e, Effect::LoadEditor { .. })), "{fx:?}");
        assert!(fx.iter().any(|e| matches!(e, Effect::Post(Request::Complete { line, .. }) if line == "fo")), "{fx:?}");
    }

    #[test]
    fn input_while_a_command_runs_is_typed_ahead() {
        let mut session = Session::new();
        session.start(0.0);
        session.update(0.0, Event::Worker(WorkerCore::new().ready()));
        let fx = session.update(10.0, Event::TerminalInput("a\rb".into()));
        assert!(fx.iter().any(|e| matches!(e, Effect::Post(Request::Run { source, .. }) if source == "a")));
        assert_eq!(session.view().status, Status::Busy);
        // "b" waits for the answer, then is echoed after the prompt.
        let fx = session.update(20.0, Event::TerminalInput("c".into()));
        assert!(fx.is_empty());
        let fx = session.update(
            30.0,
            Event::Worker(Response::Output {
                id: 1,
                text: String::new(),
                status: 0,
                prompt: "$ ".into(),
                files: vec![],
                open_file: None,
                elapsed_ms: 0,
                running: false,
                editing: None,
            }),
        );
        let fx: Vec<Effect> = fx.into_iter().filter(|e| !matches!(e, Effect::SaveJournal(_))).collect();
        assert_eq!(
            fx,
            vec![
                Effect::Term(String::new()),
                Effect::Term("$ ".into()),
                Effect::Prompt,
                Effect::Term("bc".into())
            ]
        );
    }

    #[test]
    fn the_clock_follows_real_time_without_drift() {
        let mut h = Harness::new();
        for i in 1..=3 {
            h.now = f64::from(i) * 1000.4;
            h.send(Event::Tick);
        }
        assert_eq!(h.session.clock.given_ms, 3001);
        // Consecutive advances are one journal entry.
        assert_eq!(h.session.journal().last(), Some(&JournalEntry::Advance { ms: 3001 }));
    }

    #[test]
    fn editor_changes_are_saved_before_the_next_command() {
        let mut h = Harness::new();
        h.send(Event::EditorChanged { path: DEFAULT_FILE.into(), content: "kind: Pod\n".into() });
        let fx = h.session.update(5.0, Event::TerminalInput("cat pod.yaml\r".into()));
        let Some(Effect::Post(Request::Run { writes, .. })) = fx.last() else { panic!("{fx:?}") };
        assert_eq!(writes, &[FileText { path: DEFAULT_FILE.into(), content: "kind: Pod\n".into() }]);
    }

    #[test]
    fn a_crash_restarts_the_worker_and_replays_the_journal() {
        let mut h = Harness::new();
        h.now = 2000.0;
        h.type_text("foo\r");
        h.type_text("bar\r");
        let journal_before = h.session.journal().to_vec();
        // The next command kills the worker before it answers.
        h.now = 3000.0;
        let fx = h.session.update(h.now, Event::TerminalInput("__kubeniwa_panic\r".into()));
        assert!(matches!(fx.last(), Some(Effect::Post(Request::Run { .. }))));
        h.screen.clear();
        h.send(Event::WorkerFailed("unreachable".into()));
        assert_eq!(h.starts, 2);
        assert!(h.screen.contains("The simulation crashed: unreachable"), "{:?}", h.screen);
        assert!(h.screen.contains("Restored: 2 commands replayed."), "{:?}", h.screen);
        assert!(h.screen.ends_with("$ "));
        assert_eq!(h.session.view().status, Status::Ready);
        // The crashing command is gone; the time it carried is kept. (The editor's file
        // is saved again if the replayed sandbox does not hold what the editor shows.)
        let mut expected = journal_before;
        expected.push(JournalEntry::Advance { ms: 1000 });
        assert!(h.session.journal().starts_with(&expected), "{:?}", h.session.journal());
        assert!(!h.session.journal().contains(&JournalEntry::Run { source: "__kubeniwa_panic".into() }));
        h.screen.clear();
        h.type_text("foo\r");
        assert_eq!(h.screen, "foo\r\nbash: foo: command not found\r\n$ ");
    }

    #[test]
    fn repeated_failures_stop_with_a_message() {
        let mut h = Harness::new();
        for _ in 0..MAX_FAILURES {
            // A worker that dies before it is ready, every time.
            let fx = h.session.update(h.now, Event::WorkerFailed("load failed".into()));
            h.screen.extend(fx.iter().filter_map(|e| match e {
                Effect::Term(t) => Some(t.as_str()),
                _ => None,
            }));
            if h.session.phase == Phase::Failed {
                break;
            }
            h.session.phase = Phase::Starting { since: 0.0, restoring: false };
        }
        assert_eq!(h.session.view().status, Status::Failed);
        assert!(h.screen.contains("reload the page"), "{:?}", h.screen);
    }

    #[test]
    fn ctrl_c_on_a_long_command_restarts_without_it() {
        let mut session = Session::new();
        session.start(0.0);
        session.update(0.0, Event::Worker(WorkerCore::new().ready()));
        session.update(100.0, Event::TerminalInput("while true; do :; done\r".into()));
        // Too early: typed ahead.
        assert!(session.update(200.0, Event::TerminalInput("\x03".into())).is_empty());
        let fx = session.update(5000.0, Event::TerminalInput("\x03".into()));
        assert!(fx.contains(&Effect::StartWorker), "{fx:?}");
        assert!(!session.journal().iter().any(|e| matches!(e, JournalEntry::Run { .. })));
        assert_eq!(session.view().status, Status::Restoring);
    }

    #[test]
    fn a_command_that_holds_the_terminal_streams_on_ticks_and_stops_on_ctrl_c() {
        let mut h = Harness::new();
        h.type_text("kind create cluster\r");
        h.type_text("kubectl run web --image=nginx:1.25.3\r");
        h.type_text("kubectl get pods -w\r");
        assert_eq!(h.session.view().status, Status::Busy);
        let before = h.screen.len();
        h.now += 20_000.0;
        h.send(Event::Tick);
        assert!(h.screen[before..].contains("Running"), "{}", &h.screen[before..]);
        h.type_text("echo typed\x03");
        assert!(h.screen.ends_with("^C\r\n$ "), "{:?}", &h.screen[h.screen.len().saturating_sub(40)..]);
        assert_eq!(h.session.view().status, Status::Ready);
        assert!(h.session.journal().contains(&JournalEntry::Interrupt));
        h.type_text("echo $?\r");
        assert!(h.screen.ends_with("130\r\n$ "), "{:?}", &h.screen[h.screen.len().saturating_sub(40)..]);
    }

    /// `kubectl edit` opens the object in the editor while the terminal waits: Cancel
    /// leaves it unchanged; an invalid edit reopens the file with the reasons at the
    /// top; a valid one is applied; the editor shows its file again after; and the
    /// journal replays the edit into a new worker.
    #[test]
    fn kubectl_edit_opens_the_editor_and_carries_on_when_it_is_closed() {
        let mut h = Harness::new();
        h.type_text("kind create cluster\r");
        h.type_text("kubectl create deployment web --image=nginx:1.24.0\r");
        h.type_text("kubectl edit deploy/web\r");
        let view = h.session.view();
        let path = view.editing.clone().expect("kubectl edit waits for the editor");
        assert!(path.starts_with("/tmp/kubectl-edit-") && path.ends_with(".yaml"), "{path}");
        assert_eq!(view.status, Status::Busy);
        assert!(!view.files.contains(&path), "{:?}", view.files);
        let (shown, content) = h.editor.clone().expect("shown");
        assert_eq!(shown, path);
        assert!(content.starts_with("# Please edit the object below. Lines beginning with a '#' will be ignored,\n"), "{content}");
        assert!(content.contains("\n  replicas: 1\n"), "{content}");
        // Typing in the terminal waits, as it would behind vi.
        h.type_text("x");
        assert!(h.screen.ends_with("kubectl edit deploy/web\r\n"), "{:?}", h.screen);

        h.send(Event::EditorDone { save: false });
        assert!(h.screen.ends_with("Edit cancelled, no changes made.\r\n$ x"), "{:?}", h.screen);
        assert_eq!(h.editor.as_ref().map(|e| e.0.as_str()), Some(DEFAULT_FILE));
        assert_eq!(h.session.view().editing, None);
        h.type_text("\x15kubectl edit deploy/web\r");
        let content = h.editor.clone().unwrap().1;
        h.send(Event::EditorChanged { path: path.clone(), content: content.replace("replicas: 1\n", "replicas: -1\n") });
        h.send(Event::EditorDone { save: true });
        assert!(h.screen.ends_with("error: deployments.apps \"web\" is invalid\r\n"), "{:?}", h.screen);
        let (shown, reopened) = h.editor.clone().unwrap();
        assert_eq!(shown, path);
        assert!(reopened.contains("#\n# deployments.apps \"web\" was not valid:\n# * spec.replicas: Invalid value: -1: "), "{reopened}");
        assert!(reopened.contains("\n  replicas: -1\n"), "{reopened}");
        h.send(Event::EditorChanged { path: path.clone(), content: reopened.replace("replicas: -1\n", "replicas: 3\n") });
        h.send(Event::EditorDone { save: true });
        assert!(h.screen.ends_with("deployment.apps/web edited\r\n$ "), "{:?}", h.screen);
        assert_eq!(h.editor.as_ref().map(|e| e.0.as_str()), Some(DEFAULT_FILE));
        h.type_text("kubectl get deploy web -o jsonpath='{.spec.replicas}'\r");
        assert!(h.screen.ends_with("\r\n3$ "), "{:?}", h.screen);

        // A new worker replays the edit.
        h.send(Event::WorkerFailed("gone".into()));
        h.screen.clear();
        h.type_text("kubectl get deploy web -o jsonpath='{.spec.replicas}'\r");
        assert!(h.screen.ends_with("\r\n3$ "), "{:?}", h.screen);
    }

    /// Ctrl-C while kubectl edit waits ends it and gives the editor its file back.
    #[test]
    fn ctrl_c_ends_kubectl_edit() {
        let mut h = Harness::new();
        h.type_text("kind create cluster\r");
        h.type_text("kubectl create deployment web --image=nginx:1.24.0\r");
        h.type_text("kubectl edit deploy/web\r");
        assert!(h.session.view().editing.is_some());
        h.type_text("\x03");
        assert!(h.screen.ends_with("^C\r\n$ "), "{:?}", h.screen);
        assert_eq!(h.session.view().editing, None);
        assert_eq!(h.editor.as_ref().map(|e| e.0.as_str()), Some(DEFAULT_FILE));
        // Ctrl-S in an ordinary file saves it at once.
        h.send(Event::EditorChanged { path: DEFAULT_FILE.into(), content: "kind: Pod\n".into() });
        h.send(Event::EditorDone { save: true });
        assert_eq!(h.session.journal().last(), Some(&JournalEntry::Write { path: DEFAULT_FILE.into(), content: "kind: Pod\n".into() }));
    }

    /// The journal is stored at each prompt; a new page (a reload) replays it before
    /// its first prompt, the editor shows the file as the sandbox has it, and the
    /// header's Reset starts a fresh sandbox (stored as such).
    #[test]
    fn the_sandbox_survives_a_reload() {
        let mut h = Harness::new();
        h.type_text("kind create cluster\r");
        h.type_text("kubectl create deployment web --image=nginx:1.24.0\r");
        h.send(Event::EditorChanged { path: DEFAULT_FILE.into(), content: "kind: Pod\n".into() });
        h.send(Event::SaveEditor);
        h.now = 30_000.0;
        h.send(Event::Tick);
        let stored = h.journal_saved.clone().expect("stored");
        assert!(stored.contains("kubectl create deployment web"), "{stored}");

        let mut h2 = Harness { session: Session::restored(None, Some(&stored), "en"), ..Harness::new() };
        h2.screen.clear();
        let fx = h2.session.start(0.0);
        h2.perform(fx);
        assert!(h2.screen.contains("Restored: 2 commands replayed."), "{:?}", h2.screen);
        assert_eq!(h2.editor, Some((DEFAULT_FILE.to_string(), "kind: Pod\n".to_string())));
        h2.screen.clear();
        h2.type_text("kubectl get deploy -o name\r");
        assert_eq!(h2.screen, "kubectl get deploy -o name\r\ndeployment.apps/web\r\n$ ");
        // Time goes on from the page's clock.
        h2.now = 5000.0;
        h2.send(Event::Tick);
        assert_eq!(h2.session.journal().last(), Some(&JournalEntry::Advance { ms: 5000 }));

        h2.send(Event::ResetSandbox);
        h2.screen.clear();
        h2.type_text("kubectl get deploy\r");
        assert!(h2.screen.contains("The connection to the server localhost:8080 was refused"), "{:?}", h2.screen);
        let stored = h2.journal_saved.clone().unwrap();
        assert!(!stored.contains("deployment"), "{stored}");
        // A stored journal that cannot be read is a fresh start.
        let h3 = Harness { session: Session::restored(None, Some("{not json"), "en"), ..Harness::new() };
        assert!(h3.session.journal().len() <= 1);
    }

    /// A page closed while a command held the terminal: the restored sandbox has it
    /// interrupted, and the journal says so, so that the next replay does the same.
    #[test]
    fn a_reload_interrupts_the_command_that_held_the_terminal() {
        let mut h = Harness::new();
        h.type_text("kind create cluster\r");
        h.type_text("kubectl get nodes -w\r");
        assert_eq!(h.session.view().status, Status::Busy);
        h.now = 20_000.0;
        h.send(Event::Tick);
        let stored = h.journal_saved.clone().expect("stored");
        let mut h2 = Harness { session: Session::restored(None, Some(&stored), "en"), ..Harness::new() };
        let fx = h2.session.start(0.0);
        h2.perform(fx);
        assert_eq!(h2.session.view().status, Status::Ready);
        assert_eq!(h2.session.journal().last(), Some(&JournalEntry::Interrupt));
        h2.screen.clear();
        h2.type_text("kubectl get nodes --no-headers -o name\r");
        assert!(h2.screen.ends_with("node/kind-control-plane\r\n$ "), "{:?}", h2.screen);
    }

    #[test]
    fn the_file_list_leaves_out_hidden_files() {
        let mut session = Session::new();
        session.files = vec![".kube/config".into(), "a/.hidden".into(), "notes.txt".into()];
        assert_eq!(session.view().files, vec!["notes.txt".to_string(), DEFAULT_FILE.to_string()]);
    }

    #[test]
    fn ctrl_l_clears_and_redraws_the_line() {
        let mut h = Harness::new();
        h.type_text("kub\x0c");
        assert_eq!(h.screen, "$ kub");
    }

    /// Tab asks the worker for the candidates; one completes, a second Tab lists them
    /// under the line and the prompt comes back with it; keys typed meanwhile wait.
    #[test]
    fn tab_completes_through_the_worker() {
        let mut h = Harness::new();
        h.type_text("mkdir manifests\r");
        h.type_text("cat man\tx");
        assert!(h.screen.ends_with("$ cat manifests/x"), "{:?}", h.screen);
        h.type_text("\x15kubectl rollout \t\t");
        assert!(
            h.screen.ends_with("Dkubectl rollout \u{7}\r\nhistory  pause    restart  resume   status   undo\r\n$ kubectl rollout "),
            "{:?}",
            h.screen
        );
        // Nothing was run or journaled by completing.
        let runs: Vec<&JournalEntry> = h.session.journal().iter().filter(|e| matches!(e, JournalEntry::Run { .. })).collect();
        assert_eq!(runs, [&JournalEntry::Run { source: "mkdir manifests".into() }]);
    }

    fn lesson(h: &mut Harness, event: LessonEvent) {
        h.send(Event::Lesson(event));
    }

    /// Open a lesson, check (fails, says why), do what the text's buttons do, check
    /// (passes), and the progress is saved; a new page with that progress reopens the
    /// lesson where it was, in a fresh sandbox caught up with the steps before.
    #[test]
    fn a_lesson_journey_through_the_pane() {
        let mut h = Harness::new();
        assert_eq!(h.session.view().lessons.lessons.as_ref().map(|l| l.len() >= 5), Some(true));
        lesson(&mut h, LessonEvent::Open("06-image-not-found".into()));
        let open = h.session.view().lessons.open.expect("open");
        assert_eq!((open.step, open.busy), (0, false));
        let text = open.text.expect("the text arrived");
        assert!(text.html.contains("<h1>"), "{}", text.html);
        lesson(&mut h, LessonEvent::Check);
        let check = h.session.view().lessons.open.unwrap().check.expect("checked");
        assert!(!check.passed, "{check:?}");
        // The first run block: `kubectl get pod myapp`, typed into the terminal.
        h.screen.clear();
        let runs: Vec<usize> = (0..text.blocks.len()).filter(|i| matches!(text.blocks[*i], crate::protocol::Block::Run { .. })).collect();
        for i in runs {
            lesson(&mut h, LessonEvent::Block(i));
        }
        assert!(h.screen.contains("kubectl describe pod myapp"), "{}", h.screen);
        assert!(h.screen.contains("ErrImagePull") || h.screen.contains("ImagePullBackOff"), "{}", h.screen);
        lesson(&mut h, LessonEvent::Check);
        let open = h.session.view().lessons.open.unwrap();
        assert!(open.check.as_ref().unwrap().passed, "{:?}", open.check);
        assert_eq!(open.steps[0].1, true);
        let saved = h.saved.clone().expect("progress saved");
        let progress = Progress::from_json(Some(&saved));
        assert!(progress.lessons["06-image-not-found"].done.contains("investigate"), "{saved}");

        // Next step, then a new page (reload) with the saved progress.
        lesson(&mut h, LessonEvent::Step(1));
        let saved = h.saved.clone().unwrap();
        let mut h2 = Harness { session: Session::with_progress(Some(&saved), "ja-JP"), ..Harness::new() };
        let fx = h2.session.start(0.0);
        h2.perform(fx);
        let view = h2.session.view().lessons;
        assert_eq!(view.lang, "ja");
        let open = view.open.expect("the lesson is open again");
        assert_eq!((open.id.as_str(), open.step, open.steps[0].1), ("06-image-not-found", 1, true));
        lesson(&mut h2, LessonEvent::Check);
        let check = h2.session.view().lessons.open.unwrap().check.unwrap();
        assert!(!check.passed);
        // The fresh sandbox was caught up: the broken pod is there to fix.
        assert!(check.message.contains("myapp"), "{}", check.message);

        // Reset everything: progress gone, a fresh worker.
        let starts = h2.starts;
        lesson(&mut h2, LessonEvent::ResetAll);
        assert_eq!(h2.starts, starts + 1);
        let view = h2.session.view().lessons;
        assert!(view.open.is_none());
        assert_eq!(Progress::from_json(h2.saved.as_deref()).lessons.len(), 0);
    }
}
