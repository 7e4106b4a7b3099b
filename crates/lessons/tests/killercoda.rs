//! The Killercoda importer on the scenarios in `tests/killercoda/`: one that uses only
//! what the sandbox has becomes a lesson whose checks fail before its `{{exec}}`
//! commands and pass after them; one that needs docker is refused, naming each
//! unsupported command with its file and line.

use std::path::PathBuf;

use kubeniwa_lessons::killercoda::{import, ImportError, Unsupported};
use kubeniwa_lessons::{apply_solution, check, load, read_dir, run_setup, start_lesson, Lang};
use kubeniwa_sandbox::Sandbox;

fn scenario(name: &str) -> std::collections::BTreeMap<String, String> {
    read_dir(&PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/killercoda").join(name)).expect("read the scenario")
}

#[test]
fn a_scenario_the_sandbox_supports_runs_as_a_lesson() {
    let files = import(&scenario("hello-pod"), "hello-pod").expect("imports");
    let catalog = load(&files.into_iter().map(|(path, text)| (format!("hello-pod/{path}"), text)).collect());
    assert!(catalog.errors.is_empty(), "{:?}", catalog.errors);
    let lesson = &catalog.lessons[0];
    assert_eq!((lesson.title.en.as_str(), lesson.steps.len()), ("Hello, Pod", 2));
    assert!(lesson.steps[0].text.en.contains("```bash run\nkubectl run web --image nginx:1.25.3\n```"), "{}", lesson.steps[0].text.en);
    assert!(lesson.steps[0].text.en.starts_with("# Hello, Pod"), "the intro comes first");
    let mut sandbox = Sandbox::new(3);
    start_lesson(&mut sandbox, lesson, Lang::En);
    for step in &lesson.steps {
        let setup = run_setup(&mut sandbox, step, Lang::En);
        assert!(setup.as_ref().is_none_or(|s| s.status == 0), "{}: {setup:?}", step.id);
        assert!(!check(&mut sandbox, step, Lang::En).passed, "{}: passes before the solution", step.id);
        for (action, output) in apply_solution(&mut sandbox, step) {
            let output = output.expect("commands print");
            assert_eq!(output.status, 0, "{action:?}: {}", output.text);
        }
        let after = check(&mut sandbox, step, Lang::En);
        assert!(after.passed, "{}: fails after the solution: {}", step.id, after.message);
    }
}

#[test]
fn a_scenario_that_needs_docker_names_what_is_missing() {
    let err = import(&scenario("docker-build"), "docker-build").unwrap_err();
    let unsupported = |file: &str, line, command: &str| Unsupported { file: file.into(), line, command: command.into() };
    assert_eq!(
        err,
        ImportError::Unsupported(vec![
            unsupported("step1/text.md", 4, "docker"),
            unsupported("step1/background.sh", 2, "systemctl"),
            unsupported("step1/verify.sh", 2, "docker"),
        ])
    );
    assert_eq!(err.to_string().lines().next(), Some("step1/text.md:4: `docker` is not available in the sandbox"));
}

#[test]
fn a_malformed_index_is_reported_with_its_line() {
    let mut files = scenario("hello-pod");
    files.insert("index.json".into(), "{\n  \"title\": \"x\",\n  \"details\": {\n".into());
    let ImportError::Malformed(message) = import(&files, "x").unwrap_err() else { panic!("not malformed") };
    assert!(message.starts_with("index.json:4: "), "{message}");
}
