//! kubectl's own script tests as a second oracle corpus: the `test/cmd/testdata/*.txtar`
//! scripts of kubernetes/kubernetes (copied into `tests/txtar/testdata/`, their fixtures
//! into `tests/txtar/kube-root/`; see `tests/txtar/README.md`) run with the real kubectl
//! v1.35.2 against `kubeniwa serve`, one fresh cluster per script, as upstream's
//! `test/cmd/cmd_test.go` runs them against a real API server: a fresh namespace as
//! the context's default, the working directory at the repository root, `delete`
//! without waiting, the `IMAGE_*` variables.
//!
//! Every assertion is counted: a command's expected success or failure (`kubectl ...`
//! or `! kubectl ...`), `stdout`/`stderr` regular expressions (negated with `!`),
//! `kube-retry` and `cmp`. The script goes on after a failed assertion, so one gap
//! costs only its own assertions. Assertions known to fail are listed, with the
//! reason, in `tests/txtar/known-failures.txt`; any other failure fails the test, and
//! so does a listed one that now passes. Lines the runner does not implement count as
//! not applicable.

mod common;

use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::{find_real_kubectl, summary, workspace_root, Server, COMMAND_TIMEOUT};

/// Simulated time that passes before each command, about what one takes.
const STEP_MS: u64 = 200;

/// One script line split into words, as testscript splits them: blanks separate
/// words, single quotes quote (`''` inside is one quote), `$VAR` and `${VAR}` expand
/// outside single quotes.
fn words(line: &str, env: &BTreeMap<String, String>) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut started = false;
    let chars: Vec<char> = line.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        match c {
            ' ' | '\t' => {
                if started {
                    out.push(std::mem::take(&mut cur));
                    started = false;
                }
                i += 1;
            }
            '\'' => {
                started = true;
                i += 1;
                loop {
                    match chars.get(i) {
                        None => break,
                        Some('\'') if chars.get(i + 1) == Some(&'\'') => {
                            cur.push('\'');
                            i += 2;
                        }
                        Some('\'') => {
                            i += 1;
                            break;
                        }
                        Some(&ch) => {
                            cur.push(ch);
                            i += 1;
                        }
                    }
                }
            }
            '$' => {
                started = true;
                let (name, next) = if chars.get(i + 1) == Some(&'{') {
                    let end = chars[i + 2..].iter().position(|&c| c == '}').map(|p| i + 2 + p).unwrap_or(chars.len());
                    (chars[i + 2..end.min(chars.len())].iter().collect::<String>(), end + 1)
                } else {
                    let len = chars[i + 1..].iter().take_while(|c| c.is_ascii_alphanumeric() || **c == '_').count();
                    (chars[i + 1..i + 1 + len].iter().collect::<String>(), i + 1 + len)
                };
                if name.is_empty() {
                    cur.push('$');
                } else {
                    cur.push_str(env.get(&name).map(String::as_str).unwrap_or(""));
                }
                i = next;
            }
            _ => {
                started = true;
                cur.push(c);
                i += 1;
            }
        }
    }
    if started {
        out.push(cur);
    }
    out
}

/// The script and its `-- name --` files.
fn split_txtar(text: &str) -> (Vec<(usize, String)>, Vec<(String, String)>) {
    let mut script = Vec::new();
    let mut files: Vec<(String, String)> = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let marker = line.strip_prefix("-- ").and_then(|l| l.strip_suffix(" --"));
        if let Some(name) = marker {
            files.push((name.trim().to_string(), String::new()));
        } else if let Some((_, content)) = files.last_mut() {
            content.push_str(line);
            content.push('\n');
        } else {
            script.push((n + 1, line.to_string()));
        }
    }
    (script, files)
}

struct Run {
    stdout: String,
    stderr: String,
    ok: bool,
}

fn real_kubectl(kubectl: &Path, args: &[String], env: &BTreeMap<String, String>, cwd: &Path) -> Run {
    let mut child = match Command::new(kubectl)
        .args(args)
        .env_clear()
        .envs(env)
        .current_dir(cwd)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
    {
        Ok(c) => c,
        Err(e) => return Run { stdout: String::new(), stderr: format!("cannot run the real kubectl: {e}"), ok: false },
    };
    let mut out = child.stdout.take().expect("stdout");
    let mut err = child.stderr.take().expect("stderr");
    let reader = std::thread::spawn(move || {
        let mut s = Vec::new();
        let _ = out.read_to_end(&mut s);
        s
    });
    let err_reader = std::thread::spawn(move || {
        let mut s = Vec::new();
        let _ = err.read_to_end(&mut s);
        s
    });
    let started = Instant::now();
    let ok = loop {
        if let Ok(Some(st)) = child.try_wait() {
            break st.success();
        }
        if started.elapsed() > COMMAND_TIMEOUT {
            let _ = child.kill();
            let _ = child.wait();
            break false;
        }
        std::thread::sleep(Duration::from_millis(10));
    };
    Run {
        stdout: String::from_utf8_lossy(&reader.join().unwrap_or_default()).into_owned(),
        stderr: String::from_utf8_lossy(&err_reader.join().unwrap_or_default()).into_owned(),
        ok,
    }
}

/// The outcome of one script: `(line, what)` of each failed assertion, and counts.
#[derive(Default)]
struct Outcome {
    passed: usize,
    failed: Vec<(usize, String)>,
    not_applicable: Vec<(usize, String)>,
}

fn run_script(kubectl: &Path, name: &str, text: &str) -> Outcome {
    // The clock is paused and moves a fixed step before each command (and by the
    // back-off of `kube-retry`), so what the cluster has done by then never depends
    // on this machine's speed.
    let server = Server::start(&[]);
    let work = std::env::temp_dir().join(format!("kubeniwa-txtar-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&work);
    std::fs::create_dir_all(&work).expect("work directory");
    let kube_root = workspace_root().join("tests/txtar/kube-root");
    let kubeconfig = work.join("kubeconfig");
    std::fs::copy(&server.kubeconfig, &kubeconfig).expect("copy the kubeconfig");

    let mut env: BTreeMap<String, String> = BTreeMap::new();
    env.insert("KUBECONFIG".into(), kubeconfig.display().to_string());
    env.insert("HOME".into(), work.display().to_string());
    env.insert("WORK".into(), work.display().to_string());
    env.insert("PATH".into(), std::env::var("PATH").unwrap_or_default());
    env.insert("TZ".into(), "UTC".into());
    for (k, v) in [
        ("IMAGE_NGINX", "registry.k8s.io/nginx:1.7.9"),
        ("IMAGE_DEPLOYMENT_R1", "registry.k8s.io/nginx:test-cmd"),
        ("IMAGE_DEPLOYMENT_R2", "registry.k8s.io/nginx:1.7.9"),
        ("IMAGE_PERL", "registry.k8s.io/perl"),
        ("IMAGE_PAUSE_V2", "registry.k8s.io/pause:2.0"),
        ("IMAGE_DAEMONSET_R2", "registry.k8s.io/pause:latest"),
        ("IMAGE_DAEMONSET_R2_2", "registry.k8s.io/nginx:test-cmd"),
        ("IMAGE_STATEFULSET_R1", "registry.k8s.io/nginx-slim:0.7"),
        ("IMAGE_STATEFULSET_R2", "registry.k8s.io/nginx-slim:0.8"),
    ] {
        env.insert(k.into(), v.into());
    }
    // Upstream's setup: a fresh namespace, the context's default, with a default
    // service account (ours exists as soon as the namespace does).
    let ns = format!("namespace-{}", name.replace('_', "-"));
    let setup = |args: &[&str]| real_kubectl(kubectl, &args.iter().map(|s| s.to_string()).collect::<Vec<_>>(), &env, &kube_root);
    let created = setup(&["create", "namespace", &ns]);
    assert!(created.ok, "{name}: creating the test namespace: {}", created.stderr);
    let set = setup(&["config", "set-context", "--current", &format!("--namespace={ns}")]);
    assert!(set.ok, "{name}: setting the namespace: {}", set.stderr);

    let mut vars = env.clone();
    let (script, files) = split_txtar(text);
    for (file, content) in &files {
        std::fs::write(work.join(file), content).expect("write a script file");
    }
    let mut outcome = Outcome::default();
    let mut last = Run { stdout: String::new(), stderr: String::new(), ok: true };
    let check = |outcome: &mut Outcome, line: usize, ok: bool, what: String| {
        if ok {
            outcome.passed += 1;
        } else {
            outcome.failed.push((line, what));
        }
    };
    for (n, raw) in &script {
        let line = raw.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let (neg, rest) = match line.strip_prefix('!') {
            Some(r) => (true, r.trim_start()),
            None => (false, line),
        };
        if rest.starts_with('[') {
            outcome.not_applicable.push((*n, line.to_string()));
            continue;
        }
        let w = words(rest, &vars);
        let Some((cmd, args)) = w.split_first() else { continue };
        match cmd.as_str() {
            "kubectl" => {
                let mut args: Vec<String> = args.to_vec();
                let mut redirect = None;
                if let Some(i) = args.iter().position(|a| a == ">") {
                    redirect = args.get(i + 1).cloned();
                    args.truncate(i);
                }
                if args.first().map(String::as_str) == Some("delete") && !args.iter().any(|a| a.starts_with("--wait")) {
                    args.push("--wait=false".into());
                }
                server.control("clock", &format!("{{\"advance_ms\": {STEP_MS}}}"));
                last = real_kubectl(kubectl, &args, &env, &kube_root);
                if let Some(file) = redirect {
                    let _ = std::fs::write(work.join(file), &last.stdout);
                    last.stdout.clear();
                }
                let expected = if neg { "fail" } else { "succeed" };
                check(&mut outcome, *n, last.ok != neg, format!("`{rest}` should {expected}; stdout {:?}, stderr {:?}", last.stdout, last.stderr));
            }
            "stdout" | "stderr" => {
                let text = if cmd == "stdout" { &last.stdout } else { &last.stderr };
                let Some(pattern) = args.first() else {
                    outcome.not_applicable.push((*n, line.to_string()));
                    continue;
                };
                match regex::Regex::new(&format!("(?m){pattern}")) {
                    Ok(re) => {
                        let found = re.is_match(text);
                        let want = if neg { "not to match" } else { "to match" };
                        check(&mut outcome, *n, found != neg, format!("{cmd} {want} {pattern:?}; it was {text:?}"));
                    }
                    Err(_) => outcome.not_applicable.push((*n, line.to_string())),
                }
            }
            "kube-retry" => {
                let (Some(resource), Some(jsonpath), Some(expected)) = (args.first(), args.get(1), args.get(2)) else {
                    outcome.not_applicable.push((*n, line.to_string()));
                    continue;
                };
                let mut get: Vec<String> = vec!["get".into()];
                get.extend(resource.split_whitespace().map(String::from));
                get.push("-o".into());
                get.push(format!("jsonpath={jsonpath}"));
                let mut actual = String::new();
                let mut matched = false;
                for i in 0..10u64 {
                    server.control("clock", &format!("{{\"advance_ms\": {}}}", STEP_MS + (i * 500).min(3000)));
                    let r = real_kubectl(kubectl, &get, &env, &kube_root);
                    actual = r.stdout.trim().to_string();
                    if r.ok && actual == *expected {
                        matched = true;
                        break;
                    }
                }
                check(&mut outcome, *n, matched != neg, format!("kube-retry {resource} {jsonpath}: wanted {expected:?}, got {actual:?}"));
            }
            // Upstream's kubectl runs in the test's process, so `env` changes what the
            // script expands but not what kubectl sees; the same here.
            "env" => {
                for kv in args {
                    if let Some((k, v)) = kv.split_once('=') {
                        vars.insert(k.to_string(), v.to_string());
                    }
                }
            }
            "cp" if args.len() == 2 && (args[0] == "stdout" || args[0] == "stderr") => {
                let text = if args[0] == "stdout" { &last.stdout } else { &last.stderr };
                let _ = std::fs::write(work.join(&args[1]), text);
            }
            "cmp" if args.len() == 2 => {
                let a = std::fs::read(work.join(&args[0])).unwrap_or_default();
                let b = std::fs::read(work.join(&args[1])).unwrap_or_default();
                check(&mut outcome, *n, (a == b) != neg, format!("{} and {} differ", args[0], args[1]));
            }
            _ => outcome.not_applicable.push((*n, line.to_string())),
        }
    }
    drop(server);
    let _ = std::fs::remove_dir_all(&work);
    outcome
}

/// `file:line  # reason` entries.
fn known_failures() -> BTreeMap<String, String> {
    let text = std::fs::read_to_string(workspace_root().join("tests/txtar/known-failures.txt")).unwrap_or_default();
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(|l| match l.split_once("  # ") {
            Some((k, r)) => (k.trim().to_string(), r.trim().to_string()),
            None => (l.to_string(), String::new()),
        })
        .collect()
}

#[test]
fn kubectl_script_tests_against_kubeniwa_serve() {
    let Some(kubectl) = find_real_kubectl() else {
        summary("txtar: SKIPPED — the real kubectl was not found (set KUBENIWA_REAL_KUBECTL or run `cargo xtask`)");
        return;
    };
    let dir = workspace_root().join("tests/txtar/testdata");
    let mut scripts: Vec<PathBuf> = std::fs::read_dir(&dir).expect("tests/txtar/testdata").filter_map(|e| e.ok().map(|e| e.path())).filter(|p| p.extension().is_some_and(|e| e == "txtar")).collect();
    scripts.sort();
    let known = known_failures();
    let (mut passed, mut applicable, mut not_applicable) = (0, 0, 0);
    let mut unexpected = Vec::new();
    let mut now_passing: Vec<String> = known.keys().cloned().collect();
    let mut report = String::new();
    for path in &scripts {
        let name = path.file_stem().and_then(|s| s.to_str()).unwrap_or("script").to_string();
        let text = std::fs::read_to_string(path).expect("read a script");
        let outcome = run_script(&kubectl, &name, &text);
        let file = format!("{name}.txtar");
        let total = outcome.passed + outcome.failed.len();
        passed += outcome.passed;
        applicable += total;
        not_applicable += outcome.not_applicable.len();
        report.push_str(&format!("{file}: {}/{total} assertions pass, {} lines not applicable\n", outcome.passed, outcome.not_applicable.len()));
        for (line, what) in &outcome.failed {
            let key = format!("{file}:{line}");
            now_passing.retain(|k| *k != key);
            match known.get(&key) {
                Some(reason) => report.push_str(&format!("  {key} fails [known: {reason}]: {what}\n")),
                None => {
                    report.push_str(&format!("  {key} FAILS [NOT in tests/txtar/known-failures.txt]: {what}\n"));
                    unexpected.push(key);
                }
            }
        }
        for (line, text) in &outcome.not_applicable {
            report.push_str(&format!("  {file}:{line} not applicable: {text}\n"));
        }
    }
    println!("{report}");
    summary(&format!("txtar: {passed}/{applicable} assertions of kubectl's script tests pass with the real kubectl against kubeniwa serve ({} scripts, {not_applicable} lines not applicable, {} known failures)", scripts.len(), known.len()));
    let _ = std::io::stdout().flush();
    assert!(applicable > 0, "no assertions ran");
    assert!(unexpected.is_empty(), "assertions failing that are not in tests/txtar/known-failures.txt: {unexpected:?} (see the report above)");
    assert!(now_passing.is_empty(), "known failures that now pass; remove them from tests/txtar/known-failures.txt: {now_passing:?}");
}

#[test]
fn words_split_as_testscript_does() {
    let env: BTreeMap<String, String> = [("IMAGE_PERL".to_string(), "registry.k8s.io/perl".to_string())].into();
    assert_eq!(
        words("kubectl create job p --image=${IMAGE_PERL} -- perl -wle 'print bpi(20)' '{.a}''s'", &env),
        ["kubectl", "create", "job", "p", "--image=registry.k8s.io/perl", "--", "perl", "-wle", "print bpi(20)", "{.a}'s"]
    );
    assert_eq!(words("stdout ''", &env), ["stdout", ""]);
}
