//! The loader's problem reports and the engine's behaviour, on small lessons written
//! inline: a malformed lesson is reported with its file and line and the others still
//! load; a looping verify script fails the check within the step budget; checks see the
//! learner's history but leave their working directory and variables alone.

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use expect_test::{expect, Expect};
use kubeniwa_lessons::{check, load, run_setup, start_lesson, Lang, Lesson, Step};
use kubeniwa_sandbox::Sandbox;

/// A small valid lesson in folder `dir` with one step whose verify script is `verify`.
fn lesson_files(dir: &str, verify: &str) -> BTreeMap<String, String> {
    let yaml = format!(
        "id: {dir}
title:
  ja: テスト
  en: Test
description:
  ja: テストのレッスン
  en: A lesson for tests
minutes: 1
steps:
  - id: only
    title:
      ja: ステップ
      en: Step
    text:
      ja: step.ja.md
      en: step.en.md
    verify: verify.sh
    hints:
      ja: [ヒント]
      en: [A hint]
    solution:
      - run: echo done
"
    );
    let mut files = BTreeMap::new();
    files.insert(format!("{dir}/lesson.yaml"), yaml);
    files.insert(format!("{dir}/step.ja.md"), "# ステップ\n\n```bash run\necho done\n```\n".to_string());
    files.insert(format!("{dir}/step.en.md"), "# Step\n\n```bash run\necho done\n```\n".to_string());
    files.insert(format!("{dir}/verify.sh"), verify.to_string());
    files
}

/// Loads `files` and shows what loaded and every problem, one per line.
fn check_load(files: &BTreeMap<String, String>, expect: Expect) {
    let catalog = load(files);
    let mut out = String::new();
    for lesson in &catalog.lessons {
        out.push_str(&format!("loaded {}\n", lesson.id));
    }
    for error in &catalog.errors {
        out.push_str(&format!("{error}\n"));
    }
    expect.assert_eq(&out);
}

/// `good` plus a lesson `bad` whose file `path` is replaced by `text`.
fn with_bad(path: &str, text: &str) -> BTreeMap<String, String> {
    let mut files = lesson_files("good", "exit 0\n");
    files.extend(lesson_files("bad", "exit 0\n"));
    files.insert(format!("bad/{path}"), text.to_string());
    files
}

fn bad_yaml(from: &str, to: &str) -> BTreeMap<String, String> {
    let yaml = lesson_files("bad", "")["bad/lesson.yaml"].clone();
    assert!(yaml.contains(from), "{from:?} is not in the lesson file");
    with_bad("lesson.yaml", &yaml.replacen(from, to, 1))
}

#[test]
fn a_yaml_syntax_error_names_the_line_and_the_other_lessons_load() {
    check_load(
        &bad_yaml("minutes: 1", "minutes: [1"),
        expect![[r#"
            loaded good
            bad/lesson.yaml:9: YAML: mapping values are not allowed in this context
        "#]],
    );
    check_load(
        &bad_yaml("  en: Test", "  en: Test: again"),
        expect![[r#"
            loaded good
            bad/lesson.yaml:4: YAML: mapping values are not allowed in this context
        "#]],
    );
}

#[test]
fn a_misspelt_or_missing_field_names_its_line() {
    check_load(
        &bad_yaml("    title:\n      ja: ステップ", "    titel:\n      ja: ステップ"),
        expect![[r#"
            loaded good
            bad/lesson.yaml:11: steps[0].titel: unknown field `titel`, expected one of `id`, `title`, `text`, `setup`, `verify`, `hints`, `solution`, `track`
        "#]],
    );
    check_load(
        &bad_yaml("      en: [A hint]\n", ""),
        expect![[r#"
            loaded good
            bad/lesson.yaml:18: steps[0].hints: missing field `en`
        "#]],
    );
    check_load(
        &bad_yaml("minutes: 1", "minutes: soon"),
        expect![[r#"
            loaded good
            bad/lesson.yaml:8: minutes: invalid type: string "soon", expected u32
        "#]],
    );
    check_load(
        &bad_yaml("      - run: echo done", "      - run: echo done\n        wait: 3"),
        expect![[r#"
            loaded good
            bad/lesson.yaml:22: a solution action is exactly one of `run: COMMAND`, `write: PATH` or `wait: SECONDS`
        "#]],
    );
}

#[test]
fn files_the_lesson_names_must_exist_and_scripts_must_parse() {
    check_load(
        &bad_yaml("verify: verify.sh", "verify: check.sh"),
        expect![[r#"
            loaded good
            bad/lesson.yaml:17: `check.sh` does not exist in bad/
        "#]],
    );
    check_load(
        &with_bad("verify.sh", "if true; then\n  echo yes\nfi fi\n"),
        expect![[r#"
            loaded good
            bad/verify.sh:3: syntax error near unexpected token `fi'
        "#]],
    );
    check_load(
        &bad_yaml("      - run: echo done", "      - run: echo 'done"),
        expect![[r#"
            loaded good
            bad/lesson.yaml:22: line 1 of the command: unexpected EOF while looking for matching `''
        "#]],
    );
    check_load(
        &bad_yaml("      - run: echo done", "      - write: ../outside.yaml\n        content: x"),
        expect![[r#"
            loaded good
            bad/lesson.yaml:22: `../outside.yaml`: the path has an empty, `.` or `..` part
        "#]],
    );
    check_load(
        &bad_yaml("id: bad", "id: other"),
        expect![[r#"
            loaded good
            bad/lesson.yaml:1: id `other` must be the folder name `bad`
        "#]],
    );
}

#[test]
fn markdown_extensions_and_links_are_checked() {
    check_load(
        &with_bad(
            "step.en.md",
            "# Step\n\n```yaml file=../pod.yaml\nkind: Pod\n```\n\n```bash run\nfor x in; do\n```\n\nSee [the picture](flow.svg) and [this](javascript:alert).\n\n```bash\n",
        ),
        expect![[r#"
            loaded good
            bad/step.en.md:3: file=../pod.yaml: the path has an empty, `.` or `..` part
            bad/step.en.md:11: link `flow.svg`: no such file in bad/
            bad/step.en.md:11: link `javascript:alert`: only http(s) links and lesson files
        "#]],
    );
    check_load(
        &with_bad("step.ja.md", "# ステップ\n\n```bash run\nfor x in; do\n```\n"),
        expect![[r#"
            loaded good
            bad/step.ja.md:5: syntax error: unexpected end of file
        "#]],
    );
}

#[test]
fn a_folder_without_a_lesson_file_and_an_unknown_prerequisite_are_reported() {
    let mut files = lesson_files("good", "exit 0\n");
    files.insert("notes/todo.md".into(), "later\n".into());
    files.insert("README.md".into(), "not a lesson\n".into());
    let yaml = files["good/lesson.yaml"].replace("minutes: 1\n", "minutes: 1\nprerequisites:\n  - 00-missing\n");
    files.insert("good/lesson.yaml".into(), yaml);
    check_load(
        &files,
        expect![[r#"
            loaded good
            notes/: no lesson.yaml in this lesson folder
            good/lesson.yaml:10: prerequisite `00-missing` is not a lesson
        "#]],
    );
}

/// The one step of a lesson whose verify script is `verify`.
fn lesson_with(verify: &str) -> (Lesson, Step) {
    let catalog = load(&lesson_files("t", verify));
    assert!(catalog.errors.is_empty(), "{:?}", catalog.errors);
    let lesson = catalog.lessons.into_iter().next().unwrap();
    let step = lesson.steps[0].clone();
    (lesson, step)
}

#[test]
fn a_looping_verify_script_fails_the_check_within_the_budget() {
    let (_, step) = lesson_with("while true; do :; done\n");
    let mut sandbox = Sandbox::new(1);
    let started = Instant::now();
    let result = check(&mut sandbox, &step, Lang::En);
    assert!(started.elapsed() < Duration::from_secs(20), "the check took {:?}", started.elapsed());
    assert!(!result.passed && result.stopped, "{result:?}");
    assert_eq!(result.message, "The check did not finish: its script was stopped at the shell's step budget.");
    let result = check(&mut sandbox, &step, Lang::Ja);
    assert!(!result.passed && result.stopped);
    assert!(result.message.starts_with("チェックが終わりませんでした"), "{}", result.message);
    // The terminal still works afterwards.
    assert_eq!(sandbox.run_line("echo still here").text, "still here\n");
}

#[test]
fn the_message_is_what_the_script_prints_in_the_learners_language() {
    let (_, step) = lesson_with(". /var/kubeniwa/lib.sh\n[ -f ~/answer.txt ] || fail \"answer.txt がありません\" \"no answer.txt\"\nsay \"正解\" \"right\"\n");
    let mut sandbox = Sandbox::new(1);
    let ja = check(&mut sandbox, &step, Lang::Ja);
    let en = check(&mut sandbox, &step, Lang::En);
    assert_eq!((ja.passed, ja.message.as_str()), (false, "answer.txt がありません"));
    assert_eq!((en.passed, en.message.as_str()), (false, "no answer.txt"));
    sandbox.write_file("answer.txt", "42\n").unwrap();
    let en = check(&mut sandbox, &step, Lang::En);
    assert_eq!((en.passed, en.message.as_str()), (true, "right"));

    // Scripts that print nothing get a default sentence.
    let (_, quiet) = lesson_with("exit 0\n");
    assert_eq!(check(&mut sandbox, &quiet, Lang::En).message, "Done!");
    let (_, quiet) = lesson_with("exit 3\n");
    assert_eq!(check(&mut sandbox, &quiet, Lang::Ja).message, "まだ完了していません。");
}

#[test]
fn checks_see_the_lessons_history_but_leave_the_learners_shell_alone() {
    let verify = "cat \"$KUBENIWA_HISTORY\"\necho \"cwd=$(pwd) LANG=$LANG FOO=$FOO\"\ncd /\nFOO=changed\nalias ll='ls -l'\nexit 1\n";
    let (lesson, step) = lesson_with(verify);
    let mut sandbox = Sandbox::new(1);
    let lang = sandbox.run_line("echo \"$LANG\"").text;
    sandbox.run_line("echo before the lesson");
    start_lesson(&mut sandbox, &lesson, Lang::Ja);
    sandbox.run_line("mkdir -p /tmp/work && cd /tmp/work");
    sandbox.run_line("FOO=bar");
    sandbox.run_line("cat > notes.txt <<EOF\n12  not a history number\nEOF");
    let result = check(&mut sandbox, &step, Lang::Ja);
    assert!(!result.passed);
    expect![[r#"
        mkdir -p /tmp/work && cd /tmp/work
        FOO=bar
        cat > notes.txt <<EOF
        12  not a history number
        EOF
        cwd=/tmp/work LANG=ja FOO="#]]
    .assert_eq(&result.message);
    // A second check does not see the first one's line.
    assert_eq!(check(&mut sandbox, &step, Lang::Ja).message, result.message);
    // A learner's alias or function named `bash` does not get in the way.
    sandbox.run_line("bash() { echo hijacked; }; alias bash='echo aliased'");
    assert_eq!(check(&mut sandbox, &step, Lang::Ja).message.lines().last(), Some("cwd=/tmp/work LANG=ja FOO="));
    sandbox.run_line("unset -f bash; unalias bash");
    let after = sandbox.run_line("pwd; echo \"FOO=$FOO LANG=$LANG\"; type ll");
    assert_eq!(after.text, format!("/tmp/work\nFOO=bar LANG={}bash: type: ll: not found\n", lang));
}

#[test]
fn setup_runs_hidden_and_a_step_without_setup_has_none() {
    let (_, step) = lesson_with("exit 0\n");
    let mut sandbox = Sandbox::new(1);
    assert_eq!(run_setup(&mut sandbox, &step, Lang::En), None);
    let mut files = lesson_files("s", "grep -q ready ~/state.txt\n");
    let yaml = files["s/lesson.yaml"].replace("    verify: verify.sh\n", "    setup: setup.sh\n    verify: verify.sh\n");
    files.insert("s/lesson.yaml".into(), yaml);
    files.insert("s/setup.sh".into(), "echo ready > ~/state.txt\necho \"set up in $LANG\"\n".into());
    let catalog = load(&files);
    assert!(catalog.errors.is_empty(), "{:?}", catalog.errors);
    let step = &catalog.lessons[0].steps[0];
    assert!(!check(&mut sandbox, step, Lang::En).passed);
    let setup = run_setup(&mut sandbox, step, Lang::En).unwrap();
    assert_eq!((setup.status, setup.output.as_str(), setup.stopped), (0, "set up in en\n", false));
    assert!(check(&mut sandbox, step, Lang::En).passed);
    // The engine's files stay out of the editor's file list.
    assert_eq!(sandbox.list_files(), vec!["state.txt".to_string()]);
}

#[test]
fn inside_a_container_shell_the_check_asks_to_leave_it() {
    let (_, step) = lesson_with("exit 0\n");
    let mut sandbox = Sandbox::new(1);
    for line in ["kind create cluster", "kubectl run curlpod --image=curlimages/curl:8.4.0 --command -- sleep infinity", "sleep 20"] {
        assert_eq!(sandbox.run_line(line).status, 0, "{line}");
    }
    sandbox.run_line("kubectl exec -it curlpod -- sh");
    assert_ne!(sandbox.prompt(), "$ ", "the terminal should be in the container");
    let inside = check(&mut sandbox, &step, Lang::En);
    assert_eq!((inside.passed, inside.message.as_str()), (false, "The check cannot run inside a container shell. Leave it with `exit`, then check again."));
    sandbox.run_line("exit");
    assert!(check(&mut sandbox, &step, Lang::En).passed);
}

/// `ran_in_order`: the learner's lines matched the patterns in this order, with other
/// lines between allowed ("looked at the pods before the Service").
#[test]
fn ran_in_order_follows_the_history() {
    let verify = ". /var/kubeniwa/lib.sh\nran_in_order 'get pods' 'describe service' && echo bottom-up || echo other-order\nexit 1\n";
    let (lesson, step) = lesson_with(verify);
    let mut sandbox = Sandbox::new(1);
    start_lesson(&mut sandbox, &lesson, Lang::En);
    sandbox.run_line("echo describe service web");
    sandbox.run_line("echo get pods");
    assert_eq!(check(&mut sandbox, &step, Lang::En).message, "other-order");
    sandbox.run_line("echo something else");
    sandbox.run_line("echo describe service web");
    assert_eq!(check(&mut sandbox, &step, Lang::En).message, "bottom-up");
}
