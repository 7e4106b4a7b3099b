//! Tab completion at the prompt: a table of lines and the words bash (with kubectl's
//! and kind's completion loaded) offers for their last word.

use kubeniwa_sandbox::Sandbox;

fn sandbox() -> Sandbox {
    let mut sb = Sandbox::new(7);
    for line in [
        "kind create cluster",
        "kubectl create namespace staging",
        "kubectl run mypod --image=nginx",
        "kubectl run myother --image=nginx -n staging",
        "kubectl create deployment web --image=nginx",
        "kubectl create configmap settings --from-literal=a=b",
        "alias k=kubectl",
        "mkdir -p manifests && touch manifests/pod.yaml manifests/deploy.yaml",
        "sleep 30",
    ] {
        let out = sb.run_line(line);
        assert_eq!(out.status, 0, "{line}: {}", out.text);
    }
    sb
}

#[test]
fn completes_as_bash_with_kubectl_completion() {
    let mut sb = sandbox();
    let table: &[(&str, &[&str])] = &[
        // Commands: builtins, programs, the sandbox's programs, aliases.
        ("kubec", &["kubectl"]),
        ("kin", &["kind"]),
        ("k", &["k", "kill", "kind", "kubectl"]),
        ("ech", &["echo"]),
        // kubectl commands and subcommands from the help texts.
        ("kubectl ge", &["get"]),
        // Every command `kubectl __complete ""` lists (v1.35.2), and only those.
        ("kubectl ", &["alpha", "annotate", "api-resources", "api-versions", "apply", "attach", "auth", "autoscale", "certificate", "cluster-info", "completion", "config", "cordon", "cp", "create", "debug", "delete", "describe", "diff", "drain", "edit", "events", "exec", "explain", "expose", "get", "help", "kustomize", "label", "logs", "options", "patch", "plugin", "port-forward", "proxy", "replace", "rollout", "run", "scale", "set", "taint", "top", "uncordon", "version", "wait"]),
        ("kubectl ro", &["rollout"]),
        ("kubectl rollout ", &["history", "pause", "restart", "resume", "status", "undo"]),
        ("kubectl create dep", &["deployment"]),
        ("kubectl config use", &["use-context"]),
        ("k ge", &["get"]),
        // Resource types as `api-resources -o name` prints them.
        ("kubectl get po", &["poddisruptionbudgets.policy", "pods", "podtemplates"]),
        ("kubectl get deploy", &["deployments.apps"]),
        ("k describe configm", &["configmaps"]),
        // Object names of the current namespace, or of -n's.
        ("kubectl get pods ", &["mypod", "web-"]),
        ("kubectl logs my", &["mypod"]),
        ("kubectl logs -n staging my", &["myother"]),
        ("kubectl get deployments.apps w", &["web"]),
        ("kubectl describe cm s", &["settings"]),
        ("kubectl delete pod/my", &["pod/mypod"]),
        ("kubectl get nodes ", &["kind-control-plane"]),
        ("kubectl cordon ", &["kind-control-plane"]),
        ("kubectl rollout status deployment ", &["web"]),
        ("kubectl rollout status ", &["daemonset", "deployment", "statefulset"]),
        // Flag values.
        ("kubectl get pods -n ", &["default", "kube-node-lease", "kube-public", "kube-system", "local-path-storage", "staging"]),
        ("kubectl get pods --namespace st", &["staging"]),
        ("kubectl get pods --namespace=st", &["--namespace=staging"]),
        ("kubectl --context ", &["kind-kind"]),
        ("kubectl get pods -o ya", &["yaml"]),
        // Flags from the help text.
        ("kubectl get --show-l", &["--show-labels"]),
        ("kubectl logs --ta", &["--tail"]),
        ("kubectl get --all-n", &["--all-namespaces"]),
        // Files where kubectl takes files.
        ("kubectl apply -f man", &["manifests/"]),
        ("kubectl apply -f manifests/", &["manifests/deploy.yaml", "manifests/pod.yaml"]),
        ("cat manifests/p", &["manifests/pod.yaml"]),
        // kind.
        ("kind ", &["build", "completion", "create", "delete", "export", "get", "help", "load", "version"]),
        ("kind get ", &["clusters", "kubeconfig", "nodes"]),
        ("kind delete cluster --name ", &["kind"]),
        // After a pipe, a command again.
        ("kubectl get pods | gr", &["grep"]),
        ("kubectl get pods nothing-like-this", &[]),
    ];
    let mut failures = Vec::new();
    for (line, want) in table {
        let got = sb.complete(line);
        let ok = if *line == "kubectl get pods " {
            got.len() == 2 && got[0] == "mypod" && got[1].starts_with("web-")
        } else {
            got == *want
        };
        if !ok {
            failures.push(format!("{line:?}: got {got:?}, want {want:?}"));
        }
    }
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
}

#[test]
fn completion_changes_nothing() {
    let mut a = sandbox();
    let mut b = sandbox();
    for line in ["kubectl get pods ", "kubectl logs ", "k get po", "kubectl -n "] {
        let _ = a.complete(line);
    }
    let line = "kubectl get pods -A && kubectl get events -A";
    assert_eq!(a.run_line(line), b.run_line(line));
}
