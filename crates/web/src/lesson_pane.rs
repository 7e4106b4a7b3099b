//! The lesson pane's state: the lesson list from the worker, the learner's progress
//! (saved in the browser), the open lesson and step, hints, and the last check.
//!
//! It decides; the [`crate::session::Session`] it lives in posts what it asks for and
//! journals the lesson operations, so a crashed worker replays them. Nothing here
//! touches the browser: the page hands the saved progress in as a string
//! ([`Progress::from_json`]) and stores [`Progress::to_json`] when told to.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use crate::protocol::{CheckOutcome, LessonInfo, LessonOp, StepText};

/// The localStorage key of the progress.
pub const STORAGE_KEY: &str = "kubeniwa.lessons.v1";

/// What the learner has done, per lesson and step; survives reloads.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct Progress {
    /// `ja` or `en`; `None` until the learner or the browser's language chose.
    pub lang: Option<String>,
    /// The lesson the pane shows; `None` shows the list.
    pub open: Option<String>,
    pub lessons: BTreeMap<String, LessonProgress>,
}

#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct LessonProgress {
    /// The step the learner is on (an index).
    pub step: usize,
    /// The ids of the steps whose check passed.
    pub done: BTreeSet<String>,
}

impl Progress {
    /// Reads saved progress; anything unreadable counts as no progress (a newer or
    /// damaged entry must not keep the page from starting).
    pub fn from_json(text: Option<&str>) -> Progress {
        text.and_then(|t| serde_json::from_str(t).ok()).unwrap_or_default()
    }

    pub fn to_json(&self) -> String {
        serde_json::to_string(self).expect("progress always serializes")
    }
}

/// Something the learner did in the pane.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LessonEvent {
    /// Back to the list.
    ShowList,
    Open(String),
    /// Go to a step of the open lesson (an index).
    Step(usize),
    Check,
    /// A button of the step's text (`data-block`).
    Block(usize),
    /// A button of the solution (an index into it).
    Solution(usize),
    /// One more hint.
    Hint,
    /// `ja` or `en`.
    Lang(String),
    /// Start the open lesson over: its progress and its cluster state.
    ResetLesson,
    /// Forget all progress and start a fresh sandbox.
    ResetAll,
    /// Show or hide the pane.
    Toggle,
}

/// What the session must do for the pane.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PaneAction {
    /// Post a lesson operation (journaled).
    Op(LessonOp),
    /// Ask the worker for a step's text.
    Text { lesson: String, step: usize, lang: String },
    /// Type this into the terminal, then Enter after each line.
    Type(String),
    /// Show this file in the editor with this content, and save it.
    Open { path: String, content: String },
    /// Store the progress.
    Save,
    /// Start over with a fresh sandbox.
    ResetSandbox,
}

/// The pane as the page renders it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PaneView {
    pub shown: bool,
    pub lang: String,
    /// `None` while the list is loading.
    pub lessons: Option<Vec<ListItem>>,
    pub problems: Vec<String>,
    pub open: Option<OpenLesson>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListItem {
    pub id: String,
    pub title: String,
    pub description: String,
    pub minutes: u32,
    pub done: usize,
    pub steps: usize,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpenLesson {
    pub id: String,
    pub title: String,
    /// Each step's title and whether its check passed.
    pub steps: Vec<(String, bool)>,
    pub step: usize,
    /// `None` while it loads.
    pub text: Option<StepText>,
    pub hints_shown: usize,
    pub check: Option<CheckOutcome>,
    /// A check or a setup is running.
    pub busy: bool,
}

/// The pane's state.
#[derive(Debug, Clone, Default)]
pub struct Pane {
    hidden: bool,
    default_lang: String,
    catalog: Option<Vec<LessonInfo>>,
    problems: Vec<String>,
    progress: Progress,
    text: Option<StepText>,
    /// For each lesson prepared in the current sandbox, the steps whose setup ran.
    prepared: BTreeMap<String, BTreeSet<usize>>,
    /// Lesson operations posted and not answered yet, with what they were.
    pending: BTreeMap<u64, LessonOp>,
    check: Option<CheckOutcome>,
    hints_shown: usize,
}

impl Pane {
    /// A pane with saved progress; `browser_lang` (`navigator.language`) chooses the
    /// language until the learner does.
    pub fn new(progress: Progress, browser_lang: &str) -> Pane {
        let default_lang = if browser_lang.to_ascii_lowercase().starts_with("ja") { "ja" } else { "en" };
        Pane { default_lang: default_lang.to_string(), progress, ..Pane::default() }
    }

    pub fn lang(&self) -> String {
        self.progress.lang.clone().unwrap_or_else(|| self.default_lang.clone())
    }

    pub fn progress(&self) -> &Progress {
        &self.progress
    }

    /// Whether the list has arrived (the session asks for it once).
    pub fn has_catalog(&self) -> bool {
        self.catalog.is_some()
    }

    /// The lesson list arrived: reopen the lesson the learner was in.
    pub fn catalog_loaded(&mut self, lessons: Vec<LessonInfo>, problems: Vec<String>) -> Vec<PaneAction> {
        self.catalog = Some(lessons);
        self.problems = problems;
        match self.progress.open.clone() {
            Some(id) if self.info(&id).is_some() => self.enter(&id),
            Some(_) => {
                self.progress.open = None;
                vec![PaneAction::Save]
            }
            None => Vec::new(),
        }
    }

    pub fn text_loaded(&mut self, text: Option<StepText>, lesson: &str, step: usize, lang: &str) {
        let current = self.progress.open.as_deref() == Some(lesson) && self.current_step() == step && self.lang() == lang;
        if current {
            self.text = text;
        }
    }

    /// A lesson operation finished. Returns whether the progress changed.
    pub fn op_done(&mut self, id: u64, check: Option<CheckOutcome>) -> Vec<PaneAction> {
        let Some(op) = self.pending.remove(&id) else { return Vec::new() };
        let (LessonOp::Check { lesson, step }, Some(outcome)) = (op, check) else { return Vec::new() };
        let mut actions = Vec::new();
        if outcome.passed {
            if let Some(step_id) = self.info(&lesson).and_then(|l| l.steps.get(step)).map(|s| s.id.clone()) {
                self.progress.lessons.entry(lesson.clone()).or_default().done.insert(step_id);
                actions.push(PaneAction::Save);
            }
        }
        if self.progress.open.as_deref() == Some(lesson.as_str()) && self.current_step() == step {
            self.check = Some(outcome);
        }
        actions
    }

    /// Remembers that the session posted `op` as request `id`.
    pub fn posted(&mut self, id: u64, op: LessonOp) {
        self.pending.insert(id, op);
    }

    /// The worker restarted: answers to what it was doing will not come. With `fresh`,
    /// the sandbox is new, so no lesson is prepared in it any more.
    /// The sandbox was restored from a saved journal (the page was reloaded): the
    /// lessons prepared in it are those its lesson operations prepared.
    pub fn restored(&mut self, journal: &[crate::protocol::JournalEntry]) {
        use crate::protocol::{JournalEntry, LessonOp};
        for entry in journal {
            match entry {
                JournalEntry::Lesson { op: LessonOp::Prepare { lesson, step, .. }, .. } => {
                    self.prepared.insert(lesson.clone(), (0..=*step).collect());
                }
                JournalEntry::Lesson { op: LessonOp::Setup { lesson, step }, .. } => {
                    self.prepared.entry(lesson.clone()).or_default().insert(*step);
                }
                _ => {}
            }
        }
    }

    pub fn worker_restarted(&mut self, fresh: bool) {
        self.pending.clear();
        if fresh {
            self.prepared.clear();
        }
    }

    pub fn update(&mut self, event: LessonEvent) -> Vec<PaneAction> {
        match event {
            LessonEvent::Toggle => {
                self.hidden = !self.hidden;
                Vec::new()
            }
            LessonEvent::ShowList => {
                self.progress.open = None;
                self.text = None;
                vec![PaneAction::Save]
            }
            LessonEvent::Open(id) => {
                if self.info(&id).is_none() {
                    return Vec::new();
                }
                self.enter(&id)
            }
            LessonEvent::Step(step) => {
                let Some(id) = self.progress.open.clone() else { return Vec::new() };
                let steps = self.info(&id).map_or(0, |l| l.steps.len());
                if step >= steps || step == self.current_step() {
                    return Vec::new();
                }
                self.progress.lessons.entry(id.clone()).or_default().step = step;
                let mut actions = Vec::new();
                if self.prepared.get(&id).is_some_and(|set| !set.contains(&step)) {
                    self.prepared.entry(id.clone()).or_default().insert(step);
                    actions.push(PaneAction::Op(LessonOp::Setup { lesson: id.clone(), step }));
                }
                actions.extend(self.show_step());
                actions
            }
            LessonEvent::Check => {
                let Some(id) = self.progress.open.clone() else { return Vec::new() };
                if self.busy() {
                    return Vec::new();
                }
                self.check = None;
                vec![PaneAction::Op(LessonOp::Check { lesson: id, step: self.current_step() })]
            }
            LessonEvent::Block(index) => {
                let Some(block) = self.text.as_ref().and_then(|t| t.blocks.get(index)) else { return Vec::new() };
                match block {
                    crate::protocol::Block::Run { body } => vec![PaneAction::Type(body.clone())],
                    crate::protocol::Block::File { path, body } => {
                        vec![PaneAction::Open { path: path.clone(), content: body.clone() }]
                    }
                }
            }
            LessonEvent::Solution(index) => {
                let Some(item) = self.text.as_ref().and_then(|t| t.solution.get(index)) else { return Vec::new() };
                match item {
                    crate::protocol::SolutionItem::Run { command } => vec![PaneAction::Type(format!("{command}\n"))],
                    crate::protocol::SolutionItem::Write { path, content } => {
                        vec![PaneAction::Open { path: path.clone(), content: content.clone() }]
                    }
                    crate::protocol::SolutionItem::Wait { .. } => Vec::new(),
                }
            }
            LessonEvent::Hint => {
                let total = self.text.as_ref().map_or(0, |t| t.hints.len());
                self.hints_shown = (self.hints_shown + 1).min(total);
                Vec::new()
            }
            LessonEvent::Lang(lang) => {
                let lang = if lang == "ja" { "ja" } else { "en" }.to_string();
                if lang == self.lang() {
                    return Vec::new();
                }
                self.progress.lang = Some(lang);
                let mut actions = vec![PaneAction::Save];
                if self.progress.open.is_some() {
                    // The check's message was in the other language; check again to read it.
                    self.check = None;
                    actions.extend(self.show_step());
                }
                actions
            }
            LessonEvent::ResetLesson => {
                let Some(id) = self.progress.open.clone() else { return Vec::new() };
                self.progress.lessons.remove(&id);
                self.prepared.remove(&id);
                self.enter(&id)
            }
            LessonEvent::ResetAll => {
                let lang = self.progress.lang.take();
                self.progress = Progress { lang, ..Progress::default() };
                self.prepared.clear();
                self.pending.clear();
                self.text = None;
                self.check = None;
                self.hints_shown = 0;
                vec![PaneAction::Save, PaneAction::ResetSandbox]
            }
        }
    }

    pub fn view(&self) -> PaneView {
        let lang = self.lang();
        let lessons = self.catalog.as_ref().map(|catalog| {
            catalog
                .iter()
                .map(|l| ListItem {
                    id: l.id.clone(),
                    title: l.title.get(&lang).to_string(),
                    description: l.description.get(&lang).to_string(),
                    minutes: l.minutes,
                    done: self.done_count(l),
                    steps: l.steps.len(),
                })
                .collect()
        });
        let open = self.progress.open.as_ref().and_then(|id| self.info(id)).map(|l| {
            let done = self.progress.lessons.get(&l.id).map(|p| &p.done);
            OpenLesson {
                id: l.id.clone(),
                title: l.title.get(&lang).to_string(),
                steps: l
                    .steps
                    .iter()
                    .map(|s| (s.title.get(&lang).to_string(), done.is_some_and(|d| d.contains(&s.id))))
                    .collect(),
                step: self.current_step(),
                text: self.text.clone(),
                hints_shown: self.hints_shown,
                check: self.check.clone(),
                busy: self.busy(),
            }
        });
        PaneView { shown: !self.hidden, lang, lessons, problems: self.problems.clone(), open }
    }

    fn busy(&self) -> bool {
        !self.pending.is_empty()
    }

    fn info(&self, id: &str) -> Option<&LessonInfo> {
        self.catalog.as_ref()?.iter().find(|l| l.id == id)
    }

    fn done_count(&self, lesson: &LessonInfo) -> usize {
        let Some(done) = self.progress.lessons.get(&lesson.id).map(|p| &p.done) else { return 0 };
        lesson.steps.iter().filter(|s| done.contains(&s.id)).count()
    }

    fn current_step(&self) -> usize {
        let Some(id) = &self.progress.open else { return 0 };
        let steps = self.info(id).map_or(1, |l| l.steps.len().max(1));
        self.progress.lessons.get(id).map_or(0, |p| p.step.min(steps - 1))
    }

    /// Opens lesson `id` at the learner's step, preparing it in this sandbox first if
    /// it is not yet.
    fn enter(&mut self, id: &str) -> Vec<PaneAction> {
        self.progress.open = Some(id.to_string());
        let step = self.current_step();
        let mut actions = vec![PaneAction::Save];
        if !self.prepared.contains_key(id) {
            self.prepared.insert(id.to_string(), (0..=step).collect());
            actions.push(PaneAction::Op(LessonOp::Prepare { lesson: id.to_string(), step, catch_up: step > 0 }));
        }
        actions.extend(self.show_step());
        actions
    }

    /// Clears what belonged to the previous step and asks for the current one's text.
    fn show_step(&mut self) -> Vec<PaneAction> {
        let Some(id) = self.progress.open.clone() else { return Vec::new() };
        self.text = None;
        self.check = None;
        self.hints_shown = 0;
        vec![PaneAction::Save, PaneAction::Text { lesson: id, step: self.current_step(), lang: self.lang() }]
    }
}
