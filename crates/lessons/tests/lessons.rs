//! The lessons in `lessons/`: every file loads and is valid, and every step's check
//! fails before its reference solution and passes after it, headlessly, one sandbox per
//! lesson (so each step starts where the previous one left off, as for a learner).

use std::path::PathBuf;

use kubeniwa_lessons::markdown::{self, FenceAction};
use kubeniwa_lessons::{apply_solution, check, load_dir, run_setup, start_lesson, Catalog, Lang, Lesson};
use kubeniwa_sandbox::Sandbox;

/// The seed of every lesson's sandbox; a failure message repeats it.
const SEED: u64 = 20261130;

fn lessons_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../lessons")
}

fn catalog() -> Catalog {
    load_dir(&lessons_dir()).expect("read lessons/")
}

#[test]
fn every_lesson_loads_without_problems() {
    let catalog = catalog();
    let problems: Vec<String> = catalog.errors.iter().map(ToString::to_string).collect();
    assert!(problems.is_empty(), "problems in lessons/:\n{}", problems.join("\n"));
    let ids: Vec<&str> = catalog.lessons.iter().map(|l| l.id.as_str()).collect();
    assert!(ids.len() >= 4, "expected at least four lessons, found {ids:?}");
    for lesson in &catalog.lessons {
        assert!(!lesson.steps.is_empty(), "{} has no steps", lesson.id);
        for step in &lesson.steps {
            for lang in Lang::ALL {
                assert!(!step.text.get(lang).trim().is_empty(), "{}/{}: empty {lang} text", lesson.id, step.id);
            }
        }
    }
}

#[test]
fn the_bundled_lessons_are_the_ones_on_disk() {
    let on_disk = kubeniwa_lessons::read_dir(&lessons_dir()).expect("read lessons/");
    let on_disk: std::collections::BTreeMap<String, String> = on_disk.into_iter().filter(|(path, _)| path.contains('/')).collect();
    assert_eq!(kubeniwa_lessons::bundled_files(), on_disk, "build.rs did not pick up a change under lessons/");
    assert_eq!(kubeniwa_lessons::bundled(), catalog());
}

#[test]
fn every_check_fails_before_the_solution_and_passes_after_it() {
    let catalog = catalog();
    assert!(catalog.errors.is_empty(), "fix the load problems first (see every_lesson_loads_without_problems)");
    let mut failures = Vec::new();
    for lesson in &catalog.lessons {
        let mut sandbox = Sandbox::new(SEED);
        walk(&mut sandbox, lesson, "its own sandbox", &mut failures);
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

/// A learner does the lessons in order in one sandbox: each lesson's checks still fail
/// before its solutions (what earlier lessons left behind, files or command history,
/// does not pass them) and pass after.
#[test]
fn the_lessons_in_order_in_one_sandbox() {
    let catalog = catalog();
    let mut failures = Vec::new();
    let mut sandbox = Sandbox::new(SEED);
    for lesson in &catalog.lessons {
        walk(&mut sandbox, lesson, "the shared sandbox", &mut failures);
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

/// Runs every step of `lesson`: setup, check (must fail, in both languages, with
/// different words), solution (every command must succeed), check (must pass).
fn walk(sandbox: &mut Sandbox, lesson: &Lesson, sandbox_name: &str, failures: &mut Vec<String>) {
    start_lesson(sandbox, lesson, Lang::En);
    for step in &lesson.steps {
        let at = format!("{}/{} in {sandbox_name} (seed {SEED})", lesson.id, step.id);
        if let Some(setup) = run_setup(sandbox, step, Lang::En) {
            if setup.status != 0 || setup.stopped {
                failures.push(format!("{at}: setup failed with status {}:\n{}", setup.status, setup.output));
            }
        }
        let before = Lang::ALL.map(|lang| check(sandbox, step, lang));
        for (lang, result) in Lang::ALL.iter().zip(&before) {
            if result.passed {
                failures.push(format!("{at}: the {lang} check passes before the solution: {}", result.message));
            }
            if result.stopped {
                failures.push(format!("{at}: the {lang} check was stopped: {}", result.message));
            }
        }
        if before[0].message == before[1].message {
            failures.push(format!("{at}: the failing check says the same in ja and en: {}", before[0].message));
        }
        for (action, output) in apply_solution(sandbox, step) {
            if let Some(output) = output {
                if output.status != 0 {
                    failures.push(format!("{at}: solution action {action:?} failed with status {}:\n{}", output.status, output.text));
                }
            }
        }
        for lang in Lang::ALL {
            let after = check(sandbox, step, lang);
            if !after.passed {
                failures.push(format!("{at}: the {lang} check fails after the solution: {}", after.message));
            }
        }
    }
}

/// The Japanese and English texts of a step have the same code blocks: the same
/// commands to click and the same files to open, in the same order.
#[test]
fn both_languages_have_the_same_code_blocks() {
    let mut failures = Vec::new();
    for lesson in &catalog().lessons {
        for step in &lesson.steps {
            let blocks = Lang::ALL.map(|lang| {
                markdown::fences(step.text.get(lang))
                    .expect("checked by the loader")
                    .into_iter()
                    .filter(|f| f.action != FenceAction::None)
                    .map(|f| (f.action, f.body))
                    .collect::<Vec<_>>()
            });
            if blocks[0] != blocks[1] {
                failures.push(format!("{}/{}:\nja: {:?}\nen: {:?}", lesson.id, step.id, blocks[0], blocks[1]));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

/// A learner who clicks every button of a step's text, in order (files open in the
/// editor and are saved, commands run), sees every command succeed.
#[test]
fn every_run_block_works_where_the_text_puts_it() {
    let mut failures = Vec::new();
    for lesson in &catalog().lessons {
        let mut sandbox = Sandbox::new(SEED);
        start_lesson(&mut sandbox, lesson, Lang::Ja);
        for step in &lesson.steps {
            run_setup(&mut sandbox, step, Lang::Ja);
            for fence in markdown::fences(&step.text.ja).expect("checked by the loader") {
                match fence.action {
                    FenceAction::Run => {
                        let out = sandbox.run_line(fence.body.trim_end());
                        if out.status != 0 {
                            failures.push(format!(
                                "{}/{} line {}: `{}` failed with status {}:\n{}",
                                lesson.id,
                                step.id,
                                fence.line,
                                fence.body.trim_end(),
                                out.status,
                                out.text
                            ));
                        }
                    }
                    FenceAction::File(path) => sandbox.write_file(&path, &fence.body).expect("write"),
                    FenceAction::None => {}
                }
            }
            // Catch up with the reference solution (some steps ask for more than the
            // buttons do), so the next step starts where it expects to.
            if !check(&mut sandbox, step, Lang::Ja).passed {
                apply_solution(&mut sandbox, step);
            }
            let result = check(&mut sandbox, step, Lang::Ja);
            if !result.passed {
                failures.push(format!("{}/{}: the check fails after the buttons and the solution: {}", lesson.id, step.id, result.message));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}
