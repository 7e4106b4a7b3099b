//! `kubectl COMMAND [SUBCOMMAND] --help` prints the real kubectl v1.35.2 help text of
//! that exact command, for every command and subcommand issue 5 names: each must equal
//! its capture in `crates/kubectl/data/help/` (`rollout undo` → `rollout-undo.txt`),
//! and, where the real kubectl is on this machine (`KUBENIWA_REAL_KUBECTL`, or
//! `/usr/local/bin/kubectl-real`), what it prints now.

use kubeniwa_sandbox::Sandbox;

const PATHS: &[&str] = &[
    "get", "describe", "apply", "create", "create namespace", "create deployment", "create service", "create service clusterip",
    "create service nodeport", "create configmap", "create secret", "create secret generic", "create job", "create cronjob", "run",
    "delete", "logs", "exec", "attach", "debug", "port-forward", "edit", "diff", "rollout", "rollout status", "rollout restart", "rollout undo",
    "rollout history", "rollout pause", "rollout resume", "scale", "autoscale", "expose", "set", "set image", "set env",
    "set resources", "label", "annotate", "patch", "replace", "explain", "api-resources", "api-versions", "config", "config view",
    "config get-contexts", "config current-context", "config use-context", "config set-context", "cluster-info", "version", "top",
    "top node", "top pod", "cordon", "uncordon", "drain", "wait", "auth", "auth can-i", "events", "completion",
];

fn capture(path: &str) -> String {
    let file = format!("{}/../kubectl/data/help/{}.txt", env!("CARGO_MANIFEST_DIR"), path.replace(' ', "-"));
    std::fs::read_to_string(&file).unwrap_or_else(|e| panic!("{file}: {e}"))
}

fn real_kubectl() -> Option<String> {
    let path = std::env::var("KUBENIWA_REAL_KUBECTL").unwrap_or_else(|_| "/usr/local/bin/kubectl-real".to_string());
    std::path::Path::new(&path).exists().then_some(path)
}

#[test]
fn every_command_prints_its_own_real_help() {
    let mut sandbox = Sandbox::new(1);
    let real = real_kubectl();
    let mut failures = Vec::new();
    for path in PATHS {
        let want = capture(path);
        for flag in ["--help", "-h"] {
            let out = sandbox.run_line(&format!("kubectl {path} {flag}"));
            if out.text != want || out.status != 0 {
                let first = out.text.lines().next().unwrap_or("").to_string();
                failures.push(format!("kubectl {path} {flag}: got a text starting {first:?} (status {})", out.status));
            }
        }
        if let Some(real) = &real {
            let args: Vec<&str> = path.split(' ').chain(["--help"]).collect();
            let output = std::process::Command::new(real).args(&args).env("HOME", "/nonexistent").output().expect("the real kubectl runs");
            let text = String::from_utf8_lossy(&output.stdout).into_owned() + &String::from_utf8_lossy(&output.stderr);
            if text != want {
                failures.push(format!("data/help/{}.txt differs from the real kubectl's `{path} --help`", path.replace(' ', "-")));
            }
        }
    }
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
}
