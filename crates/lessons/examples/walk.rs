//! Walks through lessons as the tests do and prints everything: each step's setup
//! output, the check's message before the solution, what the solution's commands
//! print, and the check after. For lesson authors:
//!
//! ```text
//! cargo run -p kubeniwa-lessons --example walk -- [LESSON_ID] [ja|en] [--shared] [--then 'COMMAND']
//! ```
//!
//! `--shared` walks all the lessons in one sandbox, as a learner would; `--then` runs a
//! command at the end (to look at what the lessons left behind).

use std::path::PathBuf;

use kubeniwa_lessons::{apply_solution, check, load_dir, run_setup, start_lesson, Action, Lang};
use kubeniwa_sandbox::{transcript::strip_sgr, Sandbox};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let then = args.iter().position(|a| a == "--then").and_then(|i| args.get(i + 1)).cloned();
    let shared = args.iter().any(|a| a == "--shared");
    let only = args.iter().find(|a| !matches!(a.as_str(), "ja" | "en" | "--shared" | "--then") && Some(*a) != then.as_ref());
    let lang = if args.iter().any(|a| a == "en") { Lang::En } else { Lang::Ja };
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../lessons");
    let catalog = load_dir(&root).expect("read lessons/");
    for error in &catalog.errors {
        println!("problem: {error}");
    }
    let mut sandbox = Sandbox::new(20261130);
    for lesson in catalog.lessons.iter().filter(|l| only.is_none_or(|id| *id == l.id)) {
        println!("=== {} — {}", lesson.id, lesson.title.get(lang));
        if !shared {
            sandbox = Sandbox::new(20261130);
        }
        start_lesson(&mut sandbox, lesson, lang);
        for step in &lesson.steps {
            println!("--- step {} — {}", step.id, step.title.get(lang));
            if let Some(setup) = run_setup(&mut sandbox, step, lang) {
                println!("[setup: status {}]\n{}", setup.status, setup.output);
            }
            let before = check(&mut sandbox, step, lang);
            println!("[check before: passed={}] {}", before.passed, before.message);
            for (action, output) in apply_solution(&mut sandbox, step) {
                match action {
                    Action::Run(command) => println!("$ {command}"),
                    Action::Write { path, .. } => println!("[editor saves {path}]"),
                    Action::Wait { seconds } => println!("[{seconds} s pass]"),
                }
                if let Some(output) = output {
                    print!("{}", strip_sgr(&output.text));
                }
            }
            let after = check(&mut sandbox, step, lang);
            println!("[check after: passed={}] {}", after.passed, after.message);
        }
    }
    if let Some(command) = then {
        println!("$ {command}");
        print!("{}", strip_sgr(&sandbox.run_line(&command).text));
    }
}
