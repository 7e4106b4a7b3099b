//! What a loaded lesson is: titles and texts in both languages, steps with their
//! scripts read in, and reference solutions as ordered actions.

use std::fmt;

/// The languages every lesson is written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Lang {
    Ja,
    En,
}

impl Lang {
    /// Both languages, in the order lesson files list them.
    pub const ALL: [Lang; 2] = [Lang::Ja, Lang::En];

    /// The code used in lesson files and passed to scripts as `$LANG`: `ja` or `en`.
    pub fn code(self) -> &'static str {
        match self {
            Lang::Ja => "ja",
            Lang::En => "en",
        }
    }

    /// Reads a language code; `ja-JP` and `ja_JP.UTF-8` count as `ja`, anything not
    /// Japanese as English.
    pub fn from_code(code: &str) -> Lang {
        if code.to_ascii_lowercase().starts_with("ja") {
            Lang::Ja
        } else {
            Lang::En
        }
    }
}

impl fmt::Display for Lang {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// One value per language.
#[derive(Debug, Clone, PartialEq, Eq, Default, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Localized<T> {
    pub ja: T,
    pub en: T,
}

impl<T> Localized<T> {
    /// The value for `lang`.
    pub fn get(&self, lang: Lang) -> &T {
        match lang {
            Lang::Ja => &self.ja,
            Lang::En => &self.en,
        }
    }

    /// Both values with their language.
    pub fn iter(&self) -> impl Iterator<Item = (Lang, &T)> {
        [(Lang::Ja, &self.ja), (Lang::En, &self.en)].into_iter()
    }
}

/// A lesson: one folder under `lessons/`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Lesson {
    /// The folder name, e.g. `01-kind-cluster`; lessons sort by it.
    pub id: String,
    pub title: Localized<String>,
    /// One or two sentences for the lesson list.
    pub description: Localized<String>,
    /// About how long the lesson takes.
    pub minutes: u32,
    /// Ids of lessons to do first (the page may suggest them; nothing enforces them).
    pub prerequisites: Vec<String>,
    pub steps: Vec<Step>,
}

/// One step of a lesson: text to read, a task, and a check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Step {
    /// Unique within the lesson; the page keeps progress by `lesson.id` + `step.id`.
    pub id: String,
    pub title: Localized<String>,
    /// The step's Markdown (with the extensions of [`crate::markdown`]).
    pub text: Localized<String>,
    /// Run hidden before the step (e.g. creates the broken objects to fix).
    pub setup: Option<Script>,
    /// Exit status 0 means the step is done; what it prints is shown to the learner.
    pub verify: Script,
    /// Shown one at a time on request; both languages have the same number.
    pub hints: Localized<Vec<String>>,
    /// What a learner could do to pass the check, in order.
    pub solution: Vec<Action>,
    /// Resources (`deployments`, `pods`, ...) whose every change since the step opened
    /// the verify script can read with `changes` (conditions over time: "at least 2
    /// ready replicas throughout the rollout").
    pub track: Vec<String>,
}

/// A shell script of a step, read from the lesson folder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Script {
    /// The file name within the lesson folder, e.g. `verify-fix.sh`.
    pub file: String,
    pub source: String,
}

/// One action of a reference solution.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    /// A command line typed into the terminal.
    Run(String),
    /// A file saved from the editor (path relative to the home directory, or absolute).
    Write { path: String, content: String },
    /// Time passing before the next action (images pull, containers start).
    Wait { seconds: u32 },
}
