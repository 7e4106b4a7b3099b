//! What the worker does with each request, around one [`Sandbox`].
//!
//! The worker binary only decodes `postMessage` data, calls [`WorkerCore::handle_json`]
//! and posts the answer back; everything else is here so it runs in native tests.

use kubeniwa_lessons::markdown::{self, FenceAction};
use kubeniwa_lessons::{Action, Catalog, Lang};
use kubeniwa_sandbox::Sandbox;

use crate::protocol::{
    Block, CheckOutcome, FileText, JournalEntry, LessonInfo, LessonOp, Request, Response, SolutionItem, StepInfo, StepText, Texts,
};

/// The seed of every learner's sandbox. Fixed, so a journal replays to the same state.
pub const SEED: u64 = 1;

/// A command line the worker never passes to the sandbox: it panics on purpose, so the
/// browser tests can check that the page survives a crashed worker.
pub const PANIC_COMMAND: &str = "__kubeniwa_panic";

/// The worker's state: the learner's sandbox.
pub struct WorkerCore {
    sandbox: Sandbox,
    /// The bundled lessons, loaded on the first request that needs them (not before the
    /// first prompt).
    lessons: Option<Catalog>,
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
        sandbox.set_page_editor(true);
        WorkerCore { sandbox, lessons: None }
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
                // What background jobs printed since the last tick comes first.
                let before = self.sandbox.advance(advance_ms).text;
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
                    text: before + &output.text,
                    status: output.status,
                    prompt: self.sandbox.prompt(),
                    files: self.sandbox.list_files(),
                    open_file: self.open_file(open_file),
                    elapsed_ms: self.sandbox.elapsed_ms(),
                    running: self.sandbox.running(),
                    editing: self.editing(),
                })
            }
            Request::Advance { ms } => {
                let was_running = self.sandbox.running();
                let stream = self.sandbox.advance(ms);
                // Background jobs (`cmd &`) print while the prompt waits, too.
                if stream.text.is_empty() && (!was_running || stream.ended.is_none()) {
                    return None;
                }
                Some(Response::Stream {
                    text: stream.text,
                    ended: stream.ended.is_some(),
                    status: stream.ended.unwrap_or(0),
                    prompt: self.sandbox.prompt(),
                    editing: None,
                })
            }
            Request::EditorClosed { saved } => {
                let stream = self.sandbox.editor_closed(saved.as_deref());
                Some(Response::Stream {
                    text: stream.text,
                    ended: stream.ended.is_some() || !self.sandbox.running(),
                    status: stream.ended.unwrap_or(0),
                    prompt: self.sandbox.prompt(),
                    editing: self.editing(),
                })
            }
            Request::Complete { id, line } => Some(Response::Completions { id, candidates: self.sandbox.complete(&line) }),
            Request::Interrupt => {
                let out = self.sandbox.interrupt();
                Some(Response::Stream { text: out.text, ended: true, status: out.status, prompt: self.sandbox.prompt(), editing: None })
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
                let interrupted = self.sandbox.running();
                if interrupted {
                    let _ = self.sandbox.interrupt();
                }
                Some(Response::Replayed {
                    prompt: self.sandbox.prompt(),
                    files: self.sandbox.list_files(),
                    open_file: self.open_file(open_file),
                    elapsed_ms: self.sandbox.elapsed_ms(),
                    interrupted,
                })
            }
            Request::Lessons => {
                let catalog = self.catalog();
                let lessons = catalog.lessons.iter().map(lesson_info).collect();
                let problems = catalog.errors.iter().map(ToString::to_string).collect();
                Some(Response::Lessons { lessons, problems })
            }
            Request::StepText { lesson, step, lang } => {
                let text = self.step_text(&lesson, step, &lang);
                Some(Response::StepText { text, lesson, step, lang })
            }
            Request::Lesson { id, op, lang, advance_ms } => {
                self.sandbox.advance(advance_ms);
                let check = self.lesson_op(&op, &lang);
                Some(Response::LessonDone { id, check, prompt: self.sandbox.prompt(), files: self.sandbox.list_files() })
            }
        }
    }

    fn catalog(&mut self) -> &Catalog {
        self.lessons.get_or_insert_with(kubeniwa_lessons::bundled)
    }

    fn step_text(&mut self, lesson: &str, step: usize, lang: &str) -> Option<StepText> {
        let lang_code = Lang::from_code(lang);
        let found = self.catalog().lesson(lesson)?.steps.get(step)?;
        let rendered = markdown::render(found.text.get(lang_code), lang_code);
        let blocks = rendered
            .blocks
            .into_iter()
            .map(|b| match b.action {
                FenceAction::File(path) => Block::File { path, body: b.body },
                _ => Block::Run { body: b.body },
            })
            .collect();
        let hints = found.hints.get(lang_code).iter().map(|h| markdown::render(h, lang_code).html).collect();
        let solution = found
            .solution
            .iter()
            .map(|a| match a {
                Action::Run(command) => SolutionItem::Run { command: command.clone() },
                Action::Write { path, content } => SolutionItem::Write { path: path.clone(), content: content.clone() },
                Action::Wait { seconds } => SolutionItem::Wait { seconds: *seconds },
            })
            .collect();
        Some(StepText { lesson: lesson.to_string(), step, lang: lang_code.code().to_string(), html: rendered.html, blocks, hints, solution })
    }

    /// Does `op`; a check answers with its outcome. An unknown lesson or step does
    /// nothing (the page's saved progress may name a lesson that no longer exists).
    fn lesson_op(&mut self, op: &LessonOp, lang: &str) -> Option<CheckOutcome> {
        // Lesson scripts and catch-up solutions run to the end, as in the tests: a
        // `rollout status` among them must not keep the learner's terminal.
        self.sandbox.set_interactive(false);
        let outcome = self.lesson_op_inner(op, lang);
        self.sandbox.set_interactive(true);
        outcome
    }

    fn lesson_op_inner(&mut self, op: &LessonOp, lang: &str) -> Option<CheckOutcome> {
        let lang = Lang::from_code(lang);
        self.catalog();
        let catalog = self.lessons.as_ref().expect("loaded above");
        let sandbox = &mut self.sandbox;
        match op {
            LessonOp::Prepare { lesson, step, catch_up } => {
                let lesson = catalog.lesson(lesson)?;
                let step = (*step).min(lesson.steps.len().saturating_sub(1));
                if *catch_up {
                    for earlier in &lesson.steps[..step] {
                        kubeniwa_lessons::run_setup(sandbox, earlier, lang);
                        kubeniwa_lessons::apply_solution(sandbox, earlier);
                    }
                }
                kubeniwa_lessons::start_lesson(sandbox, lesson, lang);
                kubeniwa_lessons::run_setup(sandbox, lesson.steps.get(step)?, lang);
                None
            }
            LessonOp::Setup { lesson, step } => {
                let step = catalog.lesson(lesson)?.steps.get(*step)?;
                kubeniwa_lessons::run_setup(sandbox, step, lang);
                None
            }
            LessonOp::Check { lesson, step } => {
                let step = catalog.lesson(lesson)?.steps.get(*step)?;
                let result = kubeniwa_lessons::check(sandbox, step, lang);
                Some(CheckOutcome { passed: result.passed, message: result.message })
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
            JournalEntry::Lesson { op, lang } => {
                let _ = self.lesson_op(&op, &lang);
            }
            JournalEntry::EditorClosed { saved } => {
                let _ = self.sandbox.editor_closed(saved.as_deref());
            }
        }
    }

    fn editing(&self) -> Option<FileText> {
        self.sandbox.editing().map(|(path, content)| FileText { path, content })
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

fn texts(l: &kubeniwa_lessons::Localized<String>) -> Texts {
    Texts { ja: l.ja.clone(), en: l.en.clone() }
}

fn lesson_info(lesson: &kubeniwa_lessons::Lesson) -> LessonInfo {
    LessonInfo {
        id: lesson.id.clone(),
        title: texts(&lesson.title),
        description: texts(&lesson.description),
        minutes: lesson.minutes,
        prerequisites: lesson.prerequisites.clone(),
        steps: lesson.steps.iter().map(|s| StepInfo { id: s.id.clone(), title: texts(&s.title) }).collect(),
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
    fn a_background_job_prints_while_the_prompt_waits() {
        let mut core = WorkerCore::new();
        run(&mut core, "kind create cluster");
        match run(&mut core, "kubectl get pods -w &") {
            Response::Output { running, text, .. } => {
                assert!(!running, "the prompt comes back at once");
                assert!(text.starts_with("[1] "), "{text}");
            }
            other => panic!("unexpected {other:?}"),
        }
        run(&mut core, "kubectl run web --image=nginx:1.25.3");
        match core.handle(Request::Advance { ms: 20_000 }) {
            Some(Response::Stream { text, ended, .. }) => {
                assert!(!ended);
                assert!(text.contains("Running"), "{text}");
            }
            other => panic!("unexpected {other:?}"),
        }
        match run(&mut core, "kill %1") {
            Response::Output { text, .. } => assert_eq!(text, "[1]+  Terminated              kubectl get pods -w\n"),
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

    fn lesson(core: &mut WorkerCore, op: LessonOp) -> Option<CheckOutcome> {
        match core.handle(Request::Lesson { id: 3, op, lang: "en".into(), advance_ms: 0 }) {
            Some(Response::LessonDone { id: 3, check, .. }) => check,
            other => panic!("unexpected {other:?}"),
        }
    }

    #[test]
    fn lessons_list_texts_and_checks() {
        let mut core = WorkerCore::new();
        let Some(Response::Lessons { lessons, problems }) = core.handle(Request::Lessons) else { panic!() };
        assert!(problems.is_empty(), "{problems:?}");
        let first = &lessons[0];
        assert_eq!(first.id, "01-kind-cluster");
        let Some(Response::StepText { text: Some(text), .. }) =
            core.handle(Request::StepText { lesson: first.id.clone(), step: 0, lang: "ja".into() })
        else {
            panic!()
        };
        assert!(text.html.contains("data-block=\"0\""), "{}", text.html);
        assert!(text.blocks.contains(&Block::Run { body: "kind create cluster\n".into() }), "{:?}", text.blocks);
        assert!(!text.hints.is_empty());
        let check = lesson(&mut core, LessonOp::Check { lesson: first.id.clone(), step: 0 }).expect("a check");
        assert!(!check.passed);
        assert!(check.message.contains("kind create cluster"), "{}", check.message);
        run(&mut core, "kind create cluster");
        assert!(lesson(&mut core, LessonOp::Check { lesson: first.id.clone(), step: 0 }).expect("a check").passed);
        // An unknown lesson does nothing.
        assert_eq!(lesson(&mut core, LessonOp::Check { lesson: "nope".into(), step: 0 }), None);
    }

    /// Coming back to a lesson in a fresh sandbox at step 3 sets up and solves the
    /// steps before it, so step 3's check fails only for step 3's reasons.
    #[test]
    fn prepare_catches_up_with_earlier_steps() {
        let mut core = WorkerCore::new();
        lesson(&mut core, LessonOp::Prepare { lesson: "07-replicaset-and-deployment".into(), step: 3, catch_up: true });
        let check = lesson(&mut core, LessonOp::Check { lesson: "07-replicaset-and-deployment".into(), step: 3 }).expect("a check");
        assert!(!check.passed);
        assert!(check.message.contains("still uses nginx:1.24.0"), "{}", check.message);
    }
}
