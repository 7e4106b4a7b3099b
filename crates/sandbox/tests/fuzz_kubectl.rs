//! Robustness of kubectl's command line: thousands of seeded random argument lists
//! (real verbs, subcommands, resource types, flags with good and bad values, flag
//! soup, unicode, empty words) run against a kind cluster, and random lines go to Tab
//! completion. Nothing may panic or run long; every command ends with an exit status.
//! A failure prints the seed and the command so it replays.

use kubeniwa_core::rng::SimRng;
use kubeniwa_sandbox::Sandbox;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::time::{Duration, Instant};

/// The simulation's own seeded generator, with the two draws the fuzzer needs.
struct Rng(SimRng);

impl Rng {
    fn new(seed: u64) -> Rng {
        Rng(SimRng::new(seed))
    }
    fn below(&mut self, n: usize) -> usize {
        self.0.below(n as u64) as usize
    }
    fn pick<'a>(&mut self, from: &[&'a str]) -> &'a str {
        from[self.below(from.len())]
    }
}

const VERBS: &[&str] = &[
    "get", "describe", "apply", "create", "delete", "run", "scale", "rollout", "label", "annotate", "set", "patch", "expose", "exec",
    "port-forward", "top", "diff", "logs", "version", "cluster-info", "config", "api-resources", "api-versions", "wait", "debug",
    "auth", "cordon", "uncordon", "drain", "events", "replace", "autoscale", "edit", "completion", "explain", "gte", "", "-",
];

const WORDS: &[&str] = &[
    // subcommands
    "status", "restart", "undo", "history", "pause", "resume", "image", "env", "resources", "view", "get-contexts",
    "current-context", "use-context", "set-context", "can-i", "whoami", "namespace", "deployment", "service", "clusterip",
    "nodeport", "configmap", "secret", "generic", "job", "cronjob", "bash", "node", "pod",
    // resource types and names
    "pods", "po", "pod/nginx", "deploy", "deployment/web", "deployments.apps", "svc", "svc/web", "nodes", "ns", "cm", "rs", "cj",
    "hpa", "pdb", "ep", "all", "pods,svc", "foo", "nginx", "web", "kind-control-plane", "kube-system", "default", "*",
    "web=nginx:1.26", "web=", "=", "app=web", "app-", "a=b=c", "'", "\"", "{", "}", "[", "]", "\\", "%", "é", "日本", "🙂", "",
    " ", "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx", "0", "-1", "99999999999999999999", "1.5", "nan",
    // flags
    "-n", "--namespace", "-n=", "--namespace=kube-system", "-A", "--all-namespaces", "-o", "-o=yaml", "-ojson", "-o", "wide",
    "name", "yaml", "json", "-o=jsonpath={.items[*].metadata.name}", "jsonpath={", "jsonpath={.x[", "-ojsonpath-as-json={.a}",
    "custom-columns=NAME:.metadata.name", "custom-columns=:", "go-template={{.x}}", "-l", "--selector=app in (a,b)", "app!=",
    "--field-selector", "status.phase=Running", "metadata.name==x", "--show-labels", "-L", "app", "--sort-by=.metadata.name",
    "--sort-by={", "-w", "--watch", "--watch-only", "--no-headers", "--context", "kind-kind", "nope", "--dry-run=client",
    "--dry-run=server", "--dry-run", "--replicas=3", "--replicas=-1", "--replicas", "--image=nginx:1.25.3", "--image", "--port=80",
    "--port=x", "--to-revision=1", "--to-revision=-3", "-f", "-", "/nonexistent", "-R", "--v=9", "--v~7", "-v", "8", "-it", "-i",
    "-t", "--", "sh", "-c", "ls", "--help", "-h", "--all", "--force", "--grace-period=0", "--grace-period=-5", "--from-literal=a=b",
    "--from-literal=", "--from-file=/etc/hosts", "--from=cronjob/x", "--from=", "--timeout=1s", "--timeout=x",
    "--for=condition=Ready", "--for=delete", "--for=jsonpath={.status}=x", "--type=merge", "-p", "{\"spec\":{}}", "[", "--tail=2",
    "--tail=-1", "--previous", "-c", "--target=web", "--overwrite", "--record", "--min=1", "--max=0", "--cpu-percent=50", "--limits=cpu=1",
    "--requests=memory=x", "--ignore-daemonsets", "--delete-emptydir-data", "--list", "--as=system:serviceaccount:default:x",
    "--recursive", "--api-version=apps/v1", "--current", "--kubeconfig=/nope", "--server=https://1.2.3.4", "--=", "---", "-Z",
];

fn quote(word: &str) -> String {
    format!("'{}'", word.replace('\'', "'\\''"))
}

fn random_args(rng: &mut Rng) -> Vec<String> {
    let mut args = Vec::new();
    if rng.below(10) < 9 {
        args.push(rng.pick(VERBS).to_string());
    }
    for _ in 0..rng.below(8) {
        let word = match rng.below(20) {
            0 => rng.pick(VERBS).to_string(),
            1 => {
                // A flag glued to a random value.
                format!("{}={}", rng.pick(&["--namespace", "-o", "--replicas", "--selector", "--image", "--port", "--timeout"]), rng.pick(WORDS))
            }
            _ => rng.pick(WORDS).to_string(),
        };
        args.push(word);
    }
    args
}

fn sandbox(seed: u64) -> Sandbox {
    let mut sb = Sandbox::new(seed);
    for line in ["kind create cluster", "kubectl create deployment web --image=nginx:1.25.3", "kubectl run nginx --image=nginx:1.25.3", "kubectl expose deployment web --port=80", "sleep 20"] {
        assert_eq!(sb.run_line(line).status, 0, "{line}");
    }
    sb
}

/// `FUZZ_SCALE=20 cargo test --test fuzz_kubectl` runs twenty times as many seeds.
fn scale() -> u64 {
    std::env::var("FUZZ_SCALE").ok().and_then(|s| s.parse().ok()).unwrap_or(1)
}

#[test]
fn random_kubectl_command_lines_never_panic() {
    let rounds = 6 * scale();
    let mut statuses = std::collections::BTreeMap::new();
    for round in 0..rounds {
        let mut sb = sandbox(round);
        for seed in round * 150..(round + 1) * 150 {
            let mut rng = Rng::new(seed);
            let args = random_args(&mut rng);
            let line = format!("kubectl {}", args.iter().map(|a| quote(a)).collect::<Vec<_>>().join(" "));
            let start = Instant::now();
            let result = catch_unwind(AssertUnwindSafe(|| {
                let out = sb.run_line(&line);
                // `exec -it ... -- sh` opens a container shell: leave it.
                for _ in 0..4 {
                    if sb.prompt() == "$ " {
                        break;
                    }
                    sb.run_line("exit");
                }
                out
            }));
            match result {
                Ok(out) => {
                    *statuses.entry(out.status).or_insert(0u32) += 1;
                    assert!((0..=255).contains(&out.status), "seed {seed}: status {} for {line}", out.status);
                    let elapsed = start.elapsed();
                    assert!(elapsed < Duration::from_secs(10), "seed {seed} took {elapsed:?}: {line}");
                }
                Err(_) => panic!("seed {seed} panicked: {line}"),
            }
        }
    }
    // The lines reach kubectl's commands, not only its flag parser: some succeed.
    let ok = statuses.get(&0).copied().unwrap_or(0);
    let total: u32 = statuses.values().sum();
    eprintln!("exit statuses: {statuses:?}");
    assert!(ok * 20 > total && ok < total, "exit statuses {statuses:?}");
}

#[test]
fn random_completion_lines_never_panic() {
    let mut sb = sandbox(7);
    for seed in 0..600 * scale() {
        let mut rng = Rng::new(seed ^ 0x5eed);
        let args = random_args(&mut rng);
        let mut line = format!("kubectl {}", args.join(" "));
        if rng.below(3) == 0 {
            line.push(' ');
        }
        let result = catch_unwind(AssertUnwindSafe(|| sb.complete(&line)));
        assert!(result.is_ok(), "seed {seed} panicked completing {line:?}");
    }
}
