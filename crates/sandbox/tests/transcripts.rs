//! Transcript tests: every `tests/transcripts/*.txt` file is replayed against a fresh
//! sandbox and must come out byte for byte as written. `UPDATE_EXPECT=1` rewrites the
//! files with what the sandbox printed (review the diff before committing).

use std::path::PathBuf;

fn transcripts_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/transcripts")
}

#[test]
fn transcripts_replay_exactly() {
    let dir = transcripts_dir();
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("tests/transcripts exists")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "txt"))
        .collect();
    files.sort();
    assert!(!files.is_empty(), "no transcripts in {}", dir.display());
    let update = std::env::var("UPDATE_EXPECT").is_ok_and(|v| v == "1");
    let mut failures = Vec::new();
    for file in &files {
        let expected = std::fs::read_to_string(file).expect("readable transcript");
        let actual = kubeniwa_sandbox::transcript::run(1, &expected);
        if actual != expected {
            if update {
                std::fs::write(file, &actual).expect("writable transcript");
            } else {
                failures.push(format!("{}:\n{}", file.display(), diff(&expected, &actual)));
            }
        }
    }
    assert!(failures.is_empty(), "{} of {} transcripts differ (UPDATE_EXPECT=1 rewrites them):\n\n{}", failures.len(), files.len(), failures.join("\n"));
}

/// The first differing lines, with a little context.
fn diff(expected: &str, actual: &str) -> String {
    let e: Vec<&str> = expected.lines().collect();
    let a: Vec<&str> = actual.lines().collect();
    let first = e.iter().zip(&a).position(|(x, y)| x != y).unwrap_or(e.len().min(a.len()));
    let from = first.saturating_sub(3);
    let mut out = String::new();
    for i in from..(first + 6).min(e.len().max(a.len())) {
        match (e.get(i), a.get(i)) {
            (Some(x), Some(y)) if x == y => out.push_str(&format!("   {x}\n")),
            (x, y) => {
                if let Some(x) = x {
                    out.push_str(&format!(" - {x}\n"));
                }
                if let Some(y) = y {
                    out.push_str(&format!(" + {y}\n"));
                }
            }
        }
    }
    out
}

#[test]
fn same_seed_same_bytes() {
    let script = "$ kind create cluster\n$ kubectl run web --image=nginx:1.25.3\n$ sleep 20\n$ kubectl get pods -A -o wide\n$ kubectl get pod web -o yaml\n";
    assert_eq!(kubeniwa_sandbox::transcript::run(7, script), kubeniwa_sandbox::transcript::run(7, script));
}
