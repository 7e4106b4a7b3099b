//! Reading lesson folders from a map of path → text, checking everything a lesson file
//! refers to, and reporting each problem with its file and line.
//!
//! A lesson with a problem in its own files is skipped; the others load. Paths are
//! relative to the `lessons/` directory and use `/`: `01-kind-cluster/lesson.yaml`.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use kubeniwa_format::yaml::{parse_documents_with_positions, Document, ParseLimits};
use serde::Deserialize;

use crate::markdown::{self, FenceAction, LinkKind};
use crate::model::{Action, Lang, Lesson, Localized, Script, Step};

/// The file that describes a lesson, in each lesson folder.
pub const LESSON_FILE: &str = "lesson.yaml";

/// A problem found while loading lessons.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoadError {
    /// Path relative to the lessons directory.
    pub file: String,
    /// 1-based line, when the problem is at one.
    pub line: Option<u32>,
    pub message: String,
}

impl fmt::Display for LoadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.line {
            Some(line) => write!(f, "{}:{}: {}", self.file, line, self.message),
            None => write!(f, "{}: {}", self.file, self.message),
        }
    }
}

/// The lessons that loaded, in folder order, and the problems found.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Catalog {
    pub lessons: Vec<Lesson>,
    pub errors: Vec<LoadError>,
}

impl Catalog {
    /// The lesson with this id.
    pub fn lesson(&self, id: &str) -> Option<&Lesson> {
        self.lessons.iter().find(|l| l.id == id)
    }
}

/// Loads every lesson folder in `files` (path → text). Files directly in the lessons
/// directory (its README) are not lessons and are ignored.
pub fn load(files: &BTreeMap<String, String>) -> Catalog {
    let mut dirs: BTreeSet<&str> = BTreeSet::new();
    for path in files.keys() {
        if let Some((dir, _)) = path.split_once('/') {
            dirs.insert(dir);
        }
    }
    let mut catalog = Catalog::default();
    // Where each lesson's prerequisites are, to report unknown ones after all have loaded.
    let mut prerequisite_lines: Vec<(String, Vec<Option<u32>>)> = Vec::new();
    for dir in &dirs {
        let file = format!("{dir}/{LESSON_FILE}");
        let Some(text) = files.get(&file) else {
            catalog.errors.push(LoadError { file: format!("{dir}/"), line: None, message: format!("no {LESSON_FILE} in this lesson folder") });
            continue;
        };
        let mut ctx = Ctx { dir, file: file.clone(), files, doc: None, errors: Vec::new() };
        let lesson = read_lesson(&mut ctx, text);
        let lines = match &ctx.doc {
            Some(doc) => {
                let n = lesson.as_ref().map_or(0, |l| l.prerequisites.len());
                (0..n).map(|i| doc.position_of(&format!("/prerequisites/{i}")).map(|p| p.line)).collect()
            }
            None => Vec::new(),
        };
        let failed = !ctx.errors.is_empty();
        catalog.errors.append(&mut ctx.errors);
        if let (Some(lesson), false) = (lesson, failed) {
            prerequisite_lines.push((file, lines));
            catalog.lessons.push(lesson);
        }
    }
    for (lesson, (file, lines)) in catalog.lessons.iter().zip(prerequisite_lines) {
        for (i, prerequisite) in lesson.prerequisites.iter().enumerate() {
            let message = if *prerequisite == lesson.id {
                "a lesson cannot be its own prerequisite".to_string()
            } else if !dirs.contains(prerequisite.as_str()) {
                format!("prerequisite `{prerequisite}` is not a lesson")
            } else {
                continue;
            };
            catalog.errors.push(LoadError { file: file.clone(), line: lines.get(i).copied().flatten(), message });
        }
    }
    catalog
}

/// Checks a path the editor may open or a solution may write: relative to the home
/// directory, with no `..`.
pub(crate) fn check_editor_path(path: &str) -> Result<(), &'static str> {
    if path.is_empty() {
        return Err("the path is empty");
    }
    if path.starts_with('/') || path.starts_with('~') {
        return Err("the path must be relative to the home directory");
    }
    if path.contains('\\') || path.chars().any(char::is_control) {
        return Err("the path has a backslash or control character");
    }
    if path.split('/').any(|part| part.is_empty() || part == "." || part == "..") {
        return Err("the path has an empty, `.` or `..` part");
    }
    Ok(())
}

// ----- the file format, as serde reads it -----

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename = "lesson")]
struct RawLesson {
    id: String,
    title: Localized<String>,
    description: Localized<String>,
    minutes: u32,
    #[serde(default)]
    prerequisites: Vec<String>,
    steps: Vec<RawStep>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename = "step")]
struct RawStep {
    id: String,
    title: Localized<String>,
    text: Localized<String>,
    #[serde(default)]
    setup: Option<String>,
    verify: String,
    #[serde(default)]
    hints: Option<Localized<Vec<String>>>,
    solution: Vec<RawAction>,
    /// Resources whose changes since the step opened its verify script reads.
    #[serde(default)]
    track: Vec<String>,
}

/// One of `run: COMMAND`, `write: PATH` with `content:` or `source:`, `wait: SECONDS`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename = "solution action")]
struct RawAction {
    run: Option<String>,
    write: Option<String>,
    content: Option<String>,
    source: Option<String>,
    wait: Option<u32>,
}

/// The longest a solution may wait in one action.
const MAX_WAIT_SECONDS: u32 = 3600;

// ----- reading one lesson -----

struct Ctx<'a> {
    dir: &'a str,
    /// The lesson.yaml path.
    file: String,
    files: &'a BTreeMap<String, String>,
    doc: Option<Document>,
    errors: Vec<LoadError>,
}

impl Ctx<'_> {
    /// Reports a problem at the part of lesson.yaml that `pointer` names.
    fn at(&mut self, pointer: &str, message: impl Into<String>) {
        let line = self.doc.as_ref().and_then(|d| d.position_of(pointer)).map(|p| p.line);
        self.errors.push(LoadError { file: self.file.clone(), line, message: message.into() });
    }

    /// Reports a problem in another file of the lesson.
    fn in_file(&mut self, file: &str, line: Option<u32>, message: impl Into<String>) {
        self.errors.push(LoadError { file: file.to_string(), line, message: message.into() });
    }

    /// The text of a file the lesson refers to at `pointer`, reported when missing.
    fn referenced(&mut self, pointer: &str, name: &str) -> Option<(String, String)> {
        if let Err(why) = check_editor_path(name) {
            self.at(pointer, format!("`{name}`: {why}"));
            return None;
        }
        let path = format!("{}/{name}", self.dir);
        match self.files.get(&path) {
            Some(text) => Some((path, text.clone())),
            None => {
                self.at(pointer, format!("`{name}` does not exist in {}/", self.dir));
                None
            }
        }
    }
}

fn read_lesson(ctx: &mut Ctx<'_>, text: &str) -> Option<Lesson> {
    let docs = match parse_documents_with_positions(text, &ParseLimits::default()) {
        Ok(docs) => docs,
        Err(e) => {
            let file = ctx.file.clone();
            ctx.in_file(&file, e.line(), format!("YAML: {}", e.problem()));
            return None;
        }
    };
    let mut docs = docs.into_iter().filter(|d| !d.value.is_null());
    let (Some(doc), None) = (docs.next(), docs.next()) else {
        let file = ctx.file.clone();
        ctx.in_file(&file, None, "expected exactly one YAML document");
        return None;
    };
    let raw: Result<RawLesson, _> = serde_path_to_error::deserialize(&doc.value);
    ctx.doc = Some(doc);
    let raw = match raw {
        Ok(raw) => raw,
        Err(e) => {
            let pointer = pointer_of(e.path());
            let at = e.path().to_string();
            let message = if at == "." { e.inner().to_string() } else { format!("{at}: {}", e.inner()) };
            ctx.at(&pointer, message);
            return None;
        }
    };
    if raw.id != ctx.dir {
        ctx.at("/id", format!("id `{}` must be the folder name `{}`", raw.id, ctx.dir));
    }
    check_id(ctx, "/id", &raw.id);
    check_localized(ctx, "/title", &raw.title);
    check_localized(ctx, "/description", &raw.description);
    if raw.minutes == 0 {
        ctx.at("/minutes", "minutes must be at least 1");
    }
    if raw.steps.is_empty() {
        ctx.at("/steps", "a lesson needs at least one step");
    }
    let mut seen = BTreeSet::new();
    let mut steps = Vec::new();
    for (i, raw_step) in raw.steps.into_iter().enumerate() {
        let at = format!("/steps/{i}");
        if !seen.insert(raw_step.id.clone()) {
            ctx.at(&format!("{at}/id"), format!("step id `{}` is used twice", raw_step.id));
        }
        if let Some(step) = read_step(ctx, &at, raw_step) {
            steps.push(step);
        }
    }
    Some(Lesson {
        id: raw.id,
        title: raw.title,
        description: raw.description,
        minutes: raw.minutes,
        prerequisites: raw.prerequisites,
        steps,
    })
}

fn read_step(ctx: &mut Ctx<'_>, at: &str, raw: RawStep) -> Option<Step> {
    check_id(ctx, &format!("{at}/id"), &raw.id);
    check_localized(ctx, &format!("{at}/title"), &raw.title);
    let mut texts = Vec::new();
    for lang in Lang::ALL {
        let pointer = format!("{at}/text/{lang}");
        let name = raw.text.get(lang);
        if !name.ends_with(".md") {
            ctx.at(&pointer, format!("`{name}`: step texts are Markdown files (.md)"));
        }
        if let Some((path, text)) = ctx.referenced(&pointer, name) {
            check_markdown(ctx, &path, &text);
            texts.push(text);
        }
    }
    let setup = raw.setup.as_ref().and_then(|name| script(ctx, &format!("{at}/setup"), name));
    let verify = script(ctx, &format!("{at}/verify"), &raw.verify);
    let hints = raw.hints.unwrap_or_default();
    if hints.ja.len() != hints.en.len() {
        ctx.at(&format!("{at}/hints"), format!("{} hints in ja but {} in en: they are translations of each other", hints.ja.len(), hints.en.len()));
    }
    for (lang, list) in hints.iter() {
        for (j, hint) in list.iter().enumerate() {
            if hint.trim().is_empty() {
                ctx.at(&format!("{at}/hints/{lang}/{j}"), "empty hint");
            }
        }
    }
    if raw.solution.is_empty() {
        ctx.at(&format!("{at}/solution"), "every step needs a solution (the tests run it)");
    }
    let mut solution = Vec::new();
    for (j, action) in raw.solution.into_iter().enumerate() {
        if let Some(action) = read_action(ctx, &format!("{at}/solution/{j}"), action) {
            solution.push(action);
        }
    }
    let [ja, en]: [String; 2] = texts.try_into().ok()?;
    for (j, resource) in raw.track.iter().enumerate() {
        let ok = !resource.is_empty() && resource.bytes().all(|b| b.is_ascii_lowercase() || b == b'.' || b.is_ascii_digit());
        if !ok {
            ctx.at(&format!("{at}/track/{j}"), format!("`{resource}` is not a resource name (plural, lower case: `deployments`, `pods`)"));
        }
    }
    Some(Step { id: raw.id, title: raw.title, text: Localized { ja, en }, setup, verify: verify?, hints, solution, track: raw.track })
}

fn read_action(ctx: &mut Ctx<'_>, at: &str, raw: RawAction) -> Option<Action> {
    let kinds = [raw.run.is_some(), raw.write.is_some(), raw.wait.is_some()].iter().filter(|b| **b).count();
    if kinds != 1 {
        ctx.at(at, "a solution action is exactly one of `run: COMMAND`, `write: PATH` or `wait: SECONDS`");
        return None;
    }
    if raw.write.is_none() && (raw.content.is_some() || raw.source.is_some()) {
        ctx.at(at, "`content` and `source` go with `write`");
        return None;
    }
    if let Some(command) = raw.run {
        if let Err(e) = kubeniwa_shell::check_syntax(&command) {
            ctx.at(&format!("{at}/run"), format!("line {} of the command: {}", e.line, e.error));
            return None;
        }
        return Some(Action::Run(command));
    }
    if let Some(seconds) = raw.wait {
        if seconds == 0 || seconds > MAX_WAIT_SECONDS {
            ctx.at(&format!("{at}/wait"), format!("wait between 1 and {MAX_WAIT_SECONDS} seconds"));
            return None;
        }
        return Some(Action::Wait { seconds });
    }
    let path = raw.write?;
    if let Err(why) = check_editor_path(&path) {
        ctx.at(&format!("{at}/write"), format!("`{path}`: {why}"));
        return None;
    }
    let content = match (raw.content, raw.source) {
        (Some(content), None) => content,
        (None, Some(source)) => ctx.referenced(&format!("{at}/source"), &source)?.1,
        _ => {
            ctx.at(at, "`write` needs exactly one of `content` (the text) or `source` (a file of the lesson)");
            return None;
        }
    };
    Some(Action::Write { path, content })
}

/// Reads a script the lesson refers to and checks its syntax.
fn script(ctx: &mut Ctx<'_>, pointer: &str, name: &str) -> Option<Script> {
    let (path, source) = ctx.referenced(pointer, name)?;
    if let Err(e) = kubeniwa_shell::check_syntax(&source) {
        ctx.in_file(&path, Some(e.line), e.error.to_string());
        return None;
    }
    Some(Script { file: name.to_string(), source })
}

/// Checks the Markdown extensions, the commands of `run` blocks and the links.
fn check_markdown(ctx: &mut Ctx<'_>, path: &str, text: &str) {
    match markdown::fences(text) {
        Ok(fences) => {
            for fence in fences {
                if fence.action == FenceAction::Run {
                    if let Err(e) = kubeniwa_shell::check_syntax(&fence.body) {
                        ctx.in_file(path, Some(fence.line + e.line), e.error.to_string());
                    }
                }
            }
        }
        Err(e) => ctx.in_file(path, Some(e.line), e.message),
    }
    for link in markdown::links(text) {
        match markdown::link_kind(&link.target) {
            LinkKind::Web | LinkKind::Anchor => {}
            LinkKind::Forbidden => ctx.in_file(path, Some(link.line), format!("link `{}`: only http(s) links and lesson files", link.target)),
            LinkKind::File(name) => {
                let ok = check_editor_path(&name).is_ok() && ctx.files.contains_key(&format!("{}/{name}", ctx.dir));
                if !ok {
                    ctx.in_file(path, Some(link.line), format!("link `{}`: no such file in {}/", link.target, ctx.dir));
                }
            }
        }
    }
}

fn check_id(ctx: &mut Ctx<'_>, pointer: &str, id: &str) {
    let ok = id.chars().next().is_some_and(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
        && id.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
    if !ok {
        ctx.at(pointer, format!("id `{id}`: use lowercase letters, digits and `-`"));
    }
}

fn check_localized(ctx: &mut Ctx<'_>, pointer: &str, value: &Localized<String>) {
    for (lang, text) in value.iter() {
        if text.trim().is_empty() {
            ctx.at(&format!("{pointer}/{lang}"), format!("empty {lang} text"));
        }
    }
}

/// The JSON pointer of a serde path (`steps[2].hints.en` → `/steps/2/hints/en`).
fn pointer_of(path: &serde_path_to_error::Path) -> String {
    use serde_path_to_error::Segment;
    let mut out = String::new();
    for segment in path.iter() {
        match segment {
            Segment::Seq { index } => out.push_str(&format!("/{index}")),
            Segment::Map { key } => {
                out.push('/');
                out.push_str(&key.replace('~', "~0").replace('/', "~1"));
            }
            Segment::Enum { .. } | Segment::Unknown => break,
        }
    }
    out
}
