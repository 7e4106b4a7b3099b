//! The differential test: the real kubectl (v1.35.2) is the standard our kubectl must
//! meet. `kubeniwa serve` serves one sandbox's kind cluster; each command of
//! `tests/differential/corpus.txt` (a shell line) runs through our kubectl (the
//! `/kubeniwa/v1/exec` endpoint, in the sandbox's shell) and through the real one (in
//! `sh`, where `kubectl` is a function calling it) from the same checkpoint; the outputs
//! must be equal once the server addresses are replaced, and so must every object the
//! cluster holds afterwards (`state: COMMAND` in the list). Known mismatches, each with
//! its reason, are listed in `tests/differential/known-mismatches.txt`; any other
//! mismatch fails, and so does a listed command that now matches.
//!
//! Without the real kubectl (`KUBENIWA_REAL_KUBECTL`, `target/oracle/kubectl/kubectl`
//! as `cargo xtask` installs it, or `kubectl-real` on the PATH) the test says it is
//! skipped and passes.

mod common;

use std::path::Path;

use common::{find_real_kubectl, summary, wall_ms, workspace_root, Server};

/// Writes a manifest where both kubectls will read it: this machine's filesystem and
/// the sandbox's.
fn write_both(server: &Server, path: &str, content: &str) {
    let path = Path::new(path);
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).expect("create the manifest's directory");
    }
    std::fs::write(path, content).expect("write the manifest");
    let dir = path.parent().map(|d| d.display().to_string()).unwrap_or_default();
    let (text, status) = server.ours(&format!("mkdir -p {dir} && cat > {} <<'KUBENIWA_EOF'\n{content}KUBENIWA_EOF", path.display()));
    assert_eq!(status, 0, "writing {} in the sandbox: {text}", path.display());
}

/// Replaces `http(s)://127.0.0.1:PORT` with `<server>`, and what `kubectl diff` takes
/// from this machine rather than from the cluster: the random numbers of its
/// `/tmp/LIVE-N` and `/tmp/MERGED-N` directories and the files' modification times on
/// the `---`/`+++` lines.
fn normalize(text: &str) -> String {
    let text = normalize_server(text);
    let mut out = String::new();
    for line in text.split_inclusive('\n') {
        let mut line = line.to_string();
        for dir in ["/LIVE-", "/MERGED-"] {
            let mut from = 0;
            while let Some(i) = line[from..].find(dir).map(|i| i + from) {
                let digits_at = i + dir.len();
                let digits = line[digits_at..].bytes().take_while(u8::is_ascii_digit).count();
                line.replace_range(digits_at..digits_at + digits, "N");
                from = digits_at + 1;
            }
        }
        if line.starts_with("--- /") || line.starts_with("+++ /") {
            if let Some(tab) = line.find('\t') {
                let end = if line.ends_with('\n') { "\n" } else { "" };
                line = format!("{}\t<mtime>{end}", &line[..tab]);
            }
        }
        out.push_str(&line);
    }
    out
}

fn normalize_server(text: &str) -> String {
    let mut out = String::new();
    let mut rest = text;
    loop {
        let next = ["https://127.0.0.1:", "http://127.0.0.1:"].iter().filter_map(|p| rest.find(p).map(|i| (i, p.len()))).min();
        let Some((i, len)) = next else { break };
        out.push_str(&rest[..i]);
        let after = &rest[i + len..];
        let digits = after.bytes().take_while(u8::is_ascii_digit).count();
        out.push_str("<server>");
        rest = &after[digits..];
    }
    out.push_str(rest);
    out
}

/// A line diff (longest common subsequence), `-` ours, `+` real.
fn diff(ours: &str, real: &str) -> String {
    let a: Vec<&str> = ours.lines().collect();
    let b: Vec<&str> = real.lines().collect();
    let (n, m) = (a.len(), b.len());
    let mut lcs = vec![vec![0u32; m + 1]; n + 1];
    for i in (0..n).rev() {
        for j in (0..m).rev() {
            lcs[i][j] = if a[i] == b[j] { lcs[i + 1][j + 1] + 1 } else { lcs[i + 1][j].max(lcs[i][j + 1]) };
        }
    }
    let mut out = String::new();
    let (mut i, mut j) = (0, 0);
    while i < n || j < m {
        if i < n && j < m && a[i] == b[j] {
            out.push_str(&format!("   {}\n", a[i]));
            i += 1;
            j += 1;
        } else if j < m && (i == n || lcs[i][j + 1] >= lcs[i + 1][j]) {
            out.push_str(&format!("  +{}\n", b[j]));
            j += 1;
        } else {
            out.push_str(&format!("  -{}\n", a[i]));
            i += 1;
        }
    }
    out
}

/// The objects that differ between the state after our kubectl and after the real
/// one, with a line diff of each; `None` when the states are equal.
fn state_diff(ours: &std::collections::BTreeMap<String, serde_json::Value>, real: &std::collections::BTreeMap<String, serde_json::Value>) -> Option<String> {
    let mut out = String::new();
    for key in ours.keys().chain(real.keys().filter(|k| !ours.contains_key(*k))) {
        match (ours.get(key), real.get(key)) {
            (Some(a), Some(b)) if a != b => {
                let pretty = |v: &serde_json::Value| serde_json::to_string_pretty(v).unwrap_or_default();
                out.push_str(&format!("  {key} differs:\n"));
                out.extend(diff(&pretty(a), &pretty(b)).lines().filter(|l| !l.starts_with("   ")).map(|l| format!("  {l}\n")));
            }
            (Some(_), None) => out.push_str(&format!("  {key} only after ours\n")),
            (None, Some(_)) => out.push_str(&format!("  {key} only after the real kubectl\n")),
            _ => {}
        }
    }
    (!out.is_empty()).then_some(out)
}

/// `command  # reason` lines.
fn known_mismatches() -> Vec<(String, String)> {
    let text = std::fs::read_to_string(workspace_root().join("tests/differential/known-mismatches.txt")).unwrap_or_default();
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(|l| match l.split_once("  # ") {
            Some((c, r)) => (c.trim().to_string(), r.trim().to_string()),
            None => (l.to_string(), String::new()),
        })
        .collect()
}

#[test]
fn real_kubectl_and_ours_print_the_same() {
    let Some(kubectl) = find_real_kubectl() else {
        // Straight to stderr: the test harness captures print! of passing tests, and a
        // skip must never look like a silent pass.
        summary("differential: SKIPPED — the real kubectl was not found (set KUBENIWA_REAL_KUBECTL, run `cargo xtask` to install it into target/oracle/, or put kubectl-real on the PATH)");
        return;
    };
    let corpus = std::fs::read_to_string(workspace_root().join("tests/differential/corpus.txt")).expect("read the corpus");
    let known = known_mismatches();
    // The simulated clock starts a minute before this machine's, so the kind cluster
    // exists "a minute ago"; `sync` then keeps it on the wall clock.
    let start = kubeniwa_core::time::rfc3339(wall_ms() / 1000 * 1000 - 60_000);
    let server = Server::start(&["--start", &start]);

    let coredns = server
        .real(&kubectl, "kubectl get pods -n kube-system -l k8s-app=kube-dns -o 'jsonpath={.items[0].metadata.name}'")
        .0;
    let mut compared = 0;
    let mut mismatches = Vec::new();
    let mut unexpected = 0;
    let mut matched_known = Vec::new();
    let mut lines = corpus.lines();
    while let Some(line) = lines.next() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        if let Some(path) = line.strip_prefix("@file ") {
            let content: String = lines.by_ref().take_while(|l| l.trim() != "@end").map(|l| format!("{l}\n")).collect();
            write_both(&server, path.trim(), &content);
            continue;
        }
        if let Some(ms) = line.strip_prefix("@clock +") {
            server.control("clock", &format!("{{\"advance_ms\": {}}}", ms.trim()));
            continue;
        }
        let command = line.replace("{coredns}", coredns.trim());
        // Both clients start from the same state at the same second; the real
        // kubectl's changes stay. If the real kubectl's run crossed into the next
        // second and the outputs differ, the pair runs again from the same state.
        server.control("checkpoint", "");
        let mut attempt = 0;
        let (ours_text, ours_status, ours_state, real_text, real_status, real_state) = loop {
            attempt += 1;
            let second = server.sync();
            let (ours_text, ours_status) = server.ours(&command);
            let ours_state = server.objects();
            server.control("restore", "");
            server.control("clock", &format!("{{\"to_ms\": {second}}}"));
            let (real_text, real_status) = server.real(&kubectl, &command);
            let crossed = wall_ms() >= second + 1000;
            let real_state = server.objects();
            let same = normalize(&ours_text) == normalize(&real_text) && ours_status == real_status && state_diff(&ours_state, &real_state).is_none();
            if same || !crossed || attempt == 3 {
                break (ours_text, ours_status, ours_state, real_text, real_status, real_state);
            }
            server.control("restore", "");
        };
        compared += 1;
        // What the cluster holds afterwards must be the same too.
        let state_key = format!("state: {line}");
        let state_reason = known.iter().find(|(c, _)| *c == state_key).map(|(_, r)| r.clone());
        match (state_diff(&ours_state, &real_state), &state_reason) {
            (None, Some(_)) => matched_known.push(state_key),
            (None, None) => {}
            (Some(d), reason) => {
                let mut report = format!("--- {state_key}");
                match reason {
                    Some(r) => report.push_str(&format!("  [known: {r}]\n")),
                    None => {
                        unexpected += 1;
                        report.push_str("  [NOT in known-mismatches.txt]\n");
                    }
                }
                report.push_str(&d);
                mismatches.push(report);
            }
        }
        let ours_text = normalize(&ours_text);
        let real_text = normalize(&real_text);
        let reason = known.iter().find(|(c, _)| c == line).map(|(_, r)| r.clone());
        if ours_text == real_text && ours_status == real_status {
            if reason.is_some() {
                matched_known.push(line.to_string());
            }
            continue;
        }
        if reason.is_none() {
            unexpected += 1;
        }
        let mut report = format!("--- {line}  (exit: ours {ours_status}, real {real_status})");
        match &reason {
            Some(r) => report.push_str(&format!("  [known: {r}]\n")),
            None => report.push_str("  [NOT in known-mismatches.txt]\n"),
        }
        report.push_str(&diff(&ours_text, &real_text));
        mismatches.push(report);
    }
    let line = format!("differential: {compared} commands compared, {} mismatches ({unexpected} not known)", mismatches.len());
    summary(&format!("{line} — with the real kubectl {}", kubectl.display()));
    println!("{line}");
    for m in &mismatches {
        println!("{m}");
    }
    for m in &matched_known {
        println!("differential: `{m}` now matches; remove it from tests/differential/known-mismatches.txt");
    }
    assert!(compared > 0, "the corpus is empty");
    assert_eq!(unexpected, 0, "mismatches not in tests/differential/known-mismatches.txt (see the diffs above; `-` ours, `+` real)");
    assert!(matched_known.is_empty(), "known mismatches that now match: {matched_known:?}");
}

#[test]
fn normalize_replaces_server_addresses() {
    assert_eq!(normalize("at https://127.0.0.1:41234/x and http://127.0.0.1:8001\n"), "at <server>/x and <server>\n");
    assert_eq!(
        normalize("diff -u -N /tmp/LIVE-123/a /tmp/MERGED-45/a\n--- /tmp/LIVE-123/a\t2026-11-30 08:00:01.123 +0000\n+++ /tmp/MERGED-45/a\t2026-11-30 08:00:01.456 +0000\n"),
        "diff -u -N /tmp/LIVE-N/a /tmp/MERGED-N/a\n--- /tmp/LIVE-N/a\t<mtime>\n+++ /tmp/MERGED-N/a\t<mtime>\n"
    );
}
