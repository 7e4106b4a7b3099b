//! Every command the kubectl/kind/shell issue names is pinned by a transcript:
//! `tests/transcripts/coverage.list` holds one regular expression per command, and
//! some command line of some `tests/transcripts/*.txt` must match each.

use std::path::PathBuf;

#[test]
fn every_listed_command_has_a_transcript() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/transcripts");
    let list = std::fs::read_to_string(dir.join("coverage.list")).expect("tests/transcripts/coverage.list");
    let mut commands = Vec::new();
    let mut entries: Vec<PathBuf> = std::fs::read_dir(&dir).expect("tests/transcripts").filter_map(|e| e.ok().map(|e| e.path())).filter(|p| p.extension().is_some_and(|x| x == "txt")).collect();
    entries.sort();
    for path in entries {
        let text = std::fs::read_to_string(&path).expect("readable transcript");
        commands.extend(text.lines().filter_map(|l| l.strip_prefix("$ ").or_else(|| l.strip_prefix("> "))).map(String::from));
    }
    let missing: Vec<&str> = list
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .filter(|pattern| {
            let re = regex::Regex::new(pattern).unwrap_or_else(|e| panic!("coverage.list: {pattern}: {e}"));
            !commands.iter().any(|c| re.is_match(c))
        })
        .collect();
    assert!(missing.is_empty(), "commands no transcript runs (tests/transcripts/coverage.list):\n{}", missing.join("\n"));
}
