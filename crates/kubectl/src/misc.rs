//! The smaller kubectl commands: run, logs, version, cluster-info, config,
//! api-resources, api-versions, and help.

use kubeniwa_core::resources::{self, RESOURCES};
use kubeniwa_core::{Method, Request};
use kubeniwa_format::table::Table;
use serde_json::{json, Value};

use crate::kubeconfig::KubeConfig;
use crate::{server_error, Ctx, Fail, Outcome, CLIENT_VERSION};

pub(crate) const ROOT_HELP: &str = include_str!("../data/help/kubectl.txt");

/// The real help text of a command (data captured from kubectl v1.35.2).
pub(crate) fn help(command: &str) -> &'static str {
    match command {
        "get" => include_str!("../data/help/get.txt"),
        "describe" => include_str!("../data/help/describe.txt"),
        "scale" => include_str!("../data/help/scale.txt"),
        "rollout" => include_str!("../data/help/rollout.txt"),
        "label" => include_str!("../data/help/label.txt"),
        "annotate" => include_str!("../data/help/annotate.txt"),
        "set" => include_str!("../data/help/set.txt"),
        "patch" => include_str!("../data/help/patch.txt"),
        "expose" => include_str!("../data/help/expose.txt"),
        "exec" => include_str!("../data/help/exec.txt"),
        "attach" => include_str!("../data/help/attach.txt"),
        "port-forward" => include_str!("../data/help/port-forward.txt"),
        "diff" => include_str!("../data/help/diff.txt"),
        "apply" => include_str!("../data/help/apply.txt"),
        "create" => include_str!("../data/help/create.txt"),
        "delete" => include_str!("../data/help/delete.txt"),
        "run" => include_str!("../data/help/run.txt"),
        "logs" => include_str!("../data/help/logs.txt"),
        "version" => include_str!("../data/help/version.txt"),
        "cluster-info" => include_str!("../data/help/cluster-info.txt"),
        "config" => include_str!("../data/help/config.txt"),
        "api-resources" => include_str!("../data/help/api-resources.txt"),
        "api-versions" => include_str!("../data/help/api-versions.txt"),
        "completion" => include_str!("../data/help/completion.txt"),
        "wait" => include_str!("../data/help/wait.txt"),
        "explain" => include_str!("../data/help/explain.txt"),
        "events" => include_str!("../data/help/events.txt"),
        "cordon" => include_str!("../data/help/cordon.txt"),
        "uncordon" => include_str!("../data/help/uncordon.txt"),
        "drain" => include_str!("../data/help/drain.txt"),
        "replace" => include_str!("../data/help/replace.txt"),
        "autoscale" => include_str!("../data/help/autoscale.txt"),
        "edit" => include_str!("../data/help/edit.txt"),
        "debug" => include_str!("../data/help/debug.txt"),
        "top" => include_str!("../data/help/top.txt"),
        _ => ROOT_HELP,
    }
}

/// The help of `kubectl COMMAND SUBCOMMAND` (`rollout undo`, `config set-context`,
/// `set image`, `top pod`), when the command has subcommands with their own help.
pub(crate) fn sub_help(command: &str, sub: &str) -> Option<&'static str> {
    Some(match (command, sub) {
        ("rollout", "status") => include_str!("../data/help/rollout-status.txt"),
        ("rollout", "restart") => include_str!("../data/help/rollout-restart.txt"),
        ("rollout", "undo") => include_str!("../data/help/rollout-undo.txt"),
        ("rollout", "history") => include_str!("../data/help/rollout-history.txt"),
        ("rollout", "pause") => include_str!("../data/help/rollout-pause.txt"),
        ("rollout", "resume") => include_str!("../data/help/rollout-resume.txt"),
        ("set", "image") => include_str!("../data/help/set-image.txt"),
        ("set", "env") => include_str!("../data/help/set-env.txt"),
        ("set", "resources") => include_str!("../data/help/set-resources.txt"),
        ("config", "view") => include_str!("../data/help/config-view.txt"),
        ("config", "get-contexts") => include_str!("../data/help/config-get-contexts.txt"),
        ("config", "current-context") => include_str!("../data/help/config-current-context.txt"),
        ("config", "use-context" | "use") => include_str!("../data/help/config-use-context.txt"),
        ("config", "set-context") => include_str!("../data/help/config-set-context.txt"),
        ("top", "node" | "nodes" | "no") => include_str!("../data/help/top-node.txt"),
        ("top", "pod" | "pods" | "po") => include_str!("../data/help/top-pod.txt"),
        _ => return None,
    })
}

/// cobra's "Did you mean this?" for a mistyped command (Levenshtein distance ≤ 2).
pub(crate) fn suggest(word: &str) -> Option<&'static str> {
    const COMMANDS: &[&str] = &[
        "annotate", "api-resources", "api-versions", "apply", "attach", "auth", "autoscale", "certificate", "cluster-info", "completion", "config",
        "cordon", "cp", "create", "debug", "delete", "describe", "diff", "drain", "edit", "events", "exec", "explain", "expose", "get", "kustomize",
        "label", "logs", "patch", "plugin", "port-forward", "proxy", "replace", "rollout", "run", "scale", "set", "taint", "top", "uncordon", "version", "wait",
    ];
    COMMANDS.iter().copied().find(|c| levenshtein(c, word) <= 2 || c.starts_with(word) && word.len() >= 2)
}

fn levenshtein(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != *cb);
            cur.push((prev[j] + cost).min(prev[j + 1] + 1).min(cur[j] + 1));
        }
        prev = cur;
    }
    prev[b.len()]
}

pub(crate) fn version(ctx: &mut Ctx) -> Outcome {
    let mut out = format!("Client Version: {CLIENT_VERSION}\nKustomize Version: v5.7.1\n");
    if ctx.flags.flag("client") {
        ctx.io.out(out);
        return Ok(());
    }
    let r = ctx.send(Request::get("/version"));
    match r {
        Ok(r) => {
            out.push_str(&format!("Server Version: {}\n", r.body["gitVersion"].as_str().unwrap_or("")));
            ctx.io.out(out);
            Ok(())
        }
        Err(e) => {
            ctx.io.out(out);
            Err(e)
        }
    }
}

pub(crate) fn cluster_info(ctx: &mut Ctx) -> Outcome {
    let server = ctx.server.clone().unwrap_or_else(|| "http://localhost:8080".into());
    let list = ctx.call(Request::get("/api/v1/namespaces/kube-system/services").query("labelSelector", "kubernetes.io/cluster-service=true"))?;
    let mut out = format!("Kubernetes control plane is running at {server}\n");
    if let Ok(list) = list {
        for svc in list["items"].as_array().into_iter().flatten() {
            let name = svc["metadata"]["labels"]["kubernetes.io/name"].as_str().or(svc["metadata"]["name"].as_str()).unwrap_or("");
            let port = svc["spec"]["ports"][0]["name"].as_str().map(|p| format!(":{p}")).unwrap_or_default();
            out.push_str(&format!("{name} is running at {server}/api/v1/namespaces/kube-system/services/{}{port}/proxy\n", svc["metadata"]["name"].as_str().unwrap_or("")));
        }
    }
    out.push_str("\nTo further debug and diagnose cluster problems, use 'kubectl cluster-info dump'.\n");
    ctx.io.out(out);
    Ok(())
}

pub(crate) fn api_versions(ctx: &mut Ctx) -> Outcome {
    ctx.send(Request::get("/api"))?;
    let mut versions: Vec<String> = vec!["v1".into()];
    for r in RESOURCES.iter().filter(|r| !r.group.is_empty()) {
        let gv = r.api_version();
        if !versions.contains(&gv) {
            versions.push(gv);
        }
    }
    versions.sort();
    ctx.io.out(versions.join("\n") + "\n");
    Ok(())
}

pub(crate) fn api_resources(ctx: &mut Ctx) -> Outcome {
    ctx.send(Request::get("/api"))?;
    let output = ctx.flags.get("output").unwrap_or("").to_string();
    if !matches!(output.as_str(), "" | "wide" | "name") {
        return Err(Fail::Text(format!("error: --output {output} is not available\n")));
    }
    let mut rows: Vec<_> = RESOURCES.iter().collect();
    rows.sort_by(|a, b| (a.group, a.plural).cmp(&(b.group, b.plural)));
    let namespaced = ctx.flags.get("namespaced").map(|v| v != "false");
    let group = ctx.flags.get("api-group").map(String::from);
    // `--verbs=get,list`: every one of them.
    let verbs: Vec<String> = ctx.flags.get("verbs").map(|v| v.split(',').map(|s| s.trim().to_string()).filter(|s| !s.is_empty()).collect()).unwrap_or_default();
    rows.retain(|r| {
        namespaced.is_none_or(|n| n == r.namespaced) && group.as_deref().is_none_or(|g| g == r.group) && verbs.iter().all(|v| r.verbs().contains(&v.as_str()))
    });
    if output == "name" {
        let text: String = rows.iter().map(|r| format!("{}\n", r.group_resource())).collect();
        ctx.io.out(text);
        return Ok(());
    }
    let wide = output == "wide";
    let mut t = Table::kubectl_get();
    if !ctx.flags.flag("no-headers") {
        let mut head = vec!["NAME", "SHORTNAMES", "APIVERSION", "NAMESPACED", "KIND"];
        if wide {
            head.extend(["VERBS", "CATEGORIES"]);
        }
        t.row(head);
    }
    for r in rows {
        let mut row = vec![r.plural.to_string(), r.short_names.join(","), r.api_version(), r.namespaced.to_string(), r.kind.to_string()];
        if wide {
            row.push(r.verbs().join(","));
            row.push(if r.in_all { "all".to_string() } else { String::new() });
        }
        t.row(row);
    }
    ctx.io.out(t.render());
    Ok(())
}

pub(crate) fn config(ctx: &mut Ctx, path: &str, mut config: KubeConfig) -> Outcome {
    let args = ctx.flags.args.clone();
    let sub = args.first().map(String::as_str).unwrap_or("");
    let save = |ctx: &mut Ctx, config: &KubeConfig| {
        let _ = ctx.io.vfs.write_creating_dirs(path, config.to_yaml().into_bytes());
    };
    match sub {
        "view" => {
            let doc = if ctx.flags.flag("raw") { config.doc.clone() } else { config.redacted() };
            ctx.io.out(kubeniwa_format::yaml::to_string(&doc));
            Ok(())
        }
        "current-context" => match config.current_context() {
            Some(c) => {
                ctx.io.out(format!("{c}\n"));
                Ok(())
            }
            None => Err(Fail::Text("error: current-context is not set\n".into())),
        },
        "get-contexts" => {
            let mut t = Table::kubectl_get();
            t.row(["CURRENT", "NAME", "CLUSTER", "AUTHINFO", "NAMESPACE"]);
            let current = config.current_context().unwrap_or("").to_string();
            for c in config.doc["contexts"].as_array().cloned().unwrap_or_default() {
                let name = c["name"].as_str().unwrap_or("");
                t.row([
                    if name == current { "*" } else { "" }.to_string(),
                    name.to_string(),
                    c["context"]["cluster"].as_str().unwrap_or("").to_string(),
                    c["context"]["user"].as_str().unwrap_or("").to_string(),
                    c["context"]["namespace"].as_str().unwrap_or("").to_string(),
                ]);
            }
            ctx.io.out(t.render());
            Ok(())
        }
        "use-context" | "use" => {
            let Some(name) = args.get(1) else {
                return Err(Fail::Text("error: Unexpected args: []\nSee 'kubectl config use-context -h' for help and examples\n".into()));
            };
            if !config.set_current_context(name) {
                return Err(Fail::Text(format!("error: no context exists with the name: \"{name}\"\n")));
            }
            save(ctx, &config);
            ctx.io.out(format!("Switched to context \"{name}\".\n"));
            Ok(())
        }
        "set-context" => {
            let name = if ctx.flags.flag("current") {
                config.current_context().map(String::from).ok_or_else(|| Fail::Text("error: no current context is set\n".into()))?
            } else {
                args.get(1).cloned().ok_or_else(|| Fail::Text("error: you must specify a non-empty context name or --current\n".into()))?
            };
            if let Some(ns) = ctx.flags.get("namespace") {
                config.set_context_namespace(&name, ns);
            }
            save(ctx, &config);
            ctx.io.out(format!("Context \"{name}\" modified.\n"));
            Ok(())
        }
        "" => {
            ctx.io.out(help("config"));
            Ok(())
        }
        other => Err(Fail::Text(format!("error: unknown command \"{other}\" for \"kubectl config\"\nRun 'kubectl config --help' for usage.\n"))),
    }
}

/// `kubectl run NAME --image=IMAGE [--port] [--env] [--labels] [--restart] [--command] -- ...`
pub(crate) fn run_pod(ctx: &mut Ctx) -> Outcome {
    let Some(name) = ctx.flags.args.first().cloned() else {
        return Err(Fail::Text("error: NAME is required for run\nSee 'kubectl run -h' for help and examples\n".into()));
    };
    let Some(image) = ctx.flags.get("image").map(String::from) else {
        return Err(Fail::Text("error: --image is required\nSee 'kubectl run -h' for help and examples\n".into()));
    };
    let mut labels = serde_json::Map::new();
    match ctx.flags.get("labels") {
        Some(l) => {
            for pair in l.split(',') {
                let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
                labels.insert(k.to_string(), json!(v));
            }
        }
        None => {
            labels.insert("run".into(), json!(name));
        }
    }
    let mut container = json!({"image": image, "name": name, "resources": {}});
    if let Some(p) = ctx.flags.get("port") {
        let port: i64 = p.parse().map_err(|_| Fail::Text(format!("error: invalid port: {p}\n")))?;
        container["ports"] = json!([{"containerPort": port}]);
    }
    let env: Vec<Value> = ctx
        .flags
        .all("env")
        .iter()
        .map(|e| {
            let (k, v) = e.split_once('=').unwrap_or((e, ""));
            json!({"name": k, "value": v})
        })
        .collect();
    if !env.is_empty() {
        container["env"] = json!(env);
    }
    if let Some(extra) = ctx.flags.after_dash.clone().or_else(|| (ctx.flags.args.len() > 1).then(|| ctx.flags.args[1..].to_vec())) {
        if ctx.flags.flag("command") {
            container["command"] = json!(extra);
        } else {
            container["args"] = json!(extra);
        }
    }
    if let Some(p) = ctx.flags.get("image-pull-policy") {
        container["imagePullPolicy"] = json!(p);
    }
    if ctx.flags.flag("stdin") {
        container["stdin"] = json!(true);
        container["stdinOnce"] = json!(true);
    }
    if ctx.flags.flag("tty") {
        container["tty"] = json!(true);
    }
    let restart = ctx.flags.get("restart").unwrap_or("Always").to_string();
    if !matches!(restart.as_str(), "Always" | "OnFailure" | "Never") {
        return Err(Fail::Text(format!("error: invalid restart policy: {restart}\n")));
    }
    let pod = json!({
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"labels": labels, "name": name},
        "spec": {"containers": [container], "dnsPolicy": "ClusterFirst", "restartPolicy": restart},
        "status": {},
    });
    match ctx.flags.get("dry-run") {
        Some("client") => {
            match ctx.flags.get("output") {
                Some("yaml") => ctx.io.out(kubeniwa_format::yaml::to_string(&pod)),
                Some("json") => ctx.io.out(kubeniwa_format::json::to_string_pretty(&pod)),
                _ => ctx.io.out(format!("pod/{name} created (dry run)\n")),
            }
            return Ok(());
        }
        Some("server") | Some("none") | None => {}
        Some(other) => return Err(Fail::Text(format!("error: Invalid dry-run value ({other}). Must be \"none\", \"server\", or \"client\".\n"))),
    }
    let rt = resources::lookup("pods").expect("pods are registered");
    let mut req = Request::new(Method::Post, rt.collection_path(Some(&ctx.namespace))).body(pod).query("fieldManager", "kubectl-run");
    if ctx.flags.get("dry-run") == Some("server") {
        req = req.query("dryRun", "All");
    }
    match ctx.call(req)? {
        Ok(created) => {
            let attach = ctx.flags.flag("stdin") || ctx.flags.flag("attach") || ctx.flags.flag("rm");
            if !attach {
                match ctx.flags.get("output") {
                    Some("yaml") => ctx.io.out(kubeniwa_format::yaml::to_string(&created)),
                    Some("json") => ctx.io.out(kubeniwa_format::json::to_string_pretty(&created)),
                    _ => ctx.io.out(format!("pod/{name} created\n")),
                }
                return Ok(());
            }
            attach_and_remove(ctx, &name)
        }
        Err(e) => Err(Fail::Text(server_error(&e))),
    }
}

/// `run -it --rm`: waits for the container to start, attaches to its command, and
/// deletes the pod afterwards.
fn attach_and_remove(ctx: &mut Ctx, name: &str) -> Outcome {
    let path = format!("/api/v1/namespaces/{}/pods/{name}", ctx.namespace);
    let mut waited = 0;
    let mut started = false;
    let mut pod = Value::Null;
    while waited < 300_000 {
        if let Ok(p) = ctx.call(Request::get(path.clone()))? {
            let st = &p["status"]["containerStatuses"][0]["state"];
            started = !st["running"].is_null() || !st["terminated"].is_null();
            pod = p;
            if started {
                break;
            }
        }
        ctx.backend.wait(500);
        waited += 500;
    }
    let container = pod["spec"]["containers"][0]["name"].as_str().unwrap_or(name).to_string();
    let command: Vec<String> = ["command", "args"]
        .iter()
        .flat_map(|f| pod["spec"]["containers"][0][*f].as_array().cloned().unwrap_or_default())
        .filter_map(|v| v.as_str().map(String::from))
        .collect();
    let mut status = 0;
    let lone_shell = command.len() == 1 && matches!(command[0].rsplit('/').next(), Some("sh" | "bash" | "ash"));
    let running = !pod["status"]["containerStatuses"][0]["state"]["running"].is_null();
    if started && running && lone_shell && !ctx.flags.flag("rm") && ctx.flags.flag("stdin") && ctx.flags.flag("tty") && ctx.io.stdin.is_empty() {
        // The attach of `kubectl attach -it`: the terminal talks to the container's shell.
        if !ctx.flags.flag("quiet") {
            ctx.io.err("All commands and output from this session will be recorded in container logs, including credentials and sensitive information passed through the command prompt.\nIf you don't see a command prompt, try pressing enter.\n");
        }
        let server = ctx.server.clone().unwrap_or_default();
        let target = crate::ExecTarget { namespace: ctx.namespace.clone(), pod: name.to_string(), container };
        return match ctx.backend.exec(&server, &target, &command, b"", crate::ExecMode::AttachMain) {
            crate::ExecReply::Done { output, .. } => {
                ctx.io.out(output);
                Ok(())
            }
            crate::ExecReply::Session => Ok(()),
            crate::ExecReply::Failed(e) => Err(Fail::Text(format!("{e}\n"))),
        };
    }
    if !started {
        ctx.io.err("error: timed out waiting for the condition\n");
        status = 1;
    } else if !command.is_empty() {
        let server = ctx.server.clone().unwrap_or_default();
        let target = crate::ExecTarget { namespace: ctx.namespace.clone(), pod: name.to_string(), container };
        match ctx.backend.exec(&server, &target, &command, b"", crate::ExecMode::Attach) {
            crate::ExecReply::Done { output, status: s } => {
                ctx.io.out(output);
                status = s;
            }
            crate::ExecReply::Session => {}
            crate::ExecReply::Failed(e) => {
                ctx.io.err(format!("{e}\n"));
                status = 1;
            }
        }
    } else if let Ok(text) = ctx.call(Request::get(format!("{path}/log")))? {
        ctx.io.out(text.as_str().unwrap_or(""));
    }
    if ctx.flags.flag("rm") {
        ctx.call(Request::new(Method::Delete, path.clone()).body(json!({"gracePeriodSeconds": 0})))?.ok();
        ctx.io.out(format!("pod \"{name}\" deleted from {} namespace\n", ctx.namespace));
    }
    if status != 0 {
        ctx.io.err(format!("pod {}/{name} terminated (Error)\n", ctx.namespace));
        return Err(Fail::Silent);
    }
    Ok(())
}

/// `kubectl logs POD [-c CONTAINER] [--previous] [--tail N]`
pub(crate) fn logs(ctx: &mut Ctx) -> Outcome {
    let args = ctx.flags.args.clone();
    if let (None, Some(selector)) = (args.first(), ctx.flags.get("selector").map(String::from)) {
        return logs_by_selector(ctx, &selector);
    }
    let Some(target) = args.first() else {
        return Err(Fail::Text("error: expected 'logs [-f] [-p] (POD | TYPE/NAME) [-c CONTAINER]'.\nPOD or TYPE/NAME is a required argument for the logs command\nSee 'kubectl logs -h' for help and examples\n".into()));
    };
    // `deploy/NAME`, `job/NAME`, `svc/NAME`... log the first of their pods, as
    // kubectl's AttachablePodForObject picks it.
    let name = match target.split_once('/') {
        Some((kind, n)) if !matches!(kind, "pod" | "pods" | "po") => {
            let rt = resources::lookup(kind).ok_or_else(|| Fail::Text(format!("error: the server doesn't have a resource type \"{kind}\"\n")))?;
            let obj = match ctx.call(Request::get(rt.object_path(Some(&ctx.namespace.clone()), n)))? {
                Ok(o) => o,
                Err(e) => return Err(Fail::Text(server_error(&e))),
            };
            let selector = match rt.kind {
                "Service" => json!({"matchLabels": obj["spec"]["selector"].clone()}),
                _ => obj["spec"]["selector"].clone(),
            };
            let sel = kubeniwa_core::selectors::LabelSelector::from_object(&selector);
            let pods = match ctx.call(Request::get(format!("/api/v1/namespaces/{}/pods", ctx.namespace)))? {
                Ok(l) => l["items"].as_array().cloned().unwrap_or_default(),
                Err(e) => return Err(Fail::Text(server_error(&e))),
            };
            let mut matching: Vec<Value> = pods.into_iter().filter(|p| sel.matches(p["metadata"].get("labels"))).collect();
            matching.sort_by_key(|p| (p["status"]["phase"] != "Running", p["metadata"]["creationTimestamp"].as_str().unwrap_or("").to_string()));
            match matching.first() {
                Some(p) => {
                    if matching.len() > 1 {
                        ctx.io.err(format!("Found {} pods, using pod/{}\n", matching.len(), p["metadata"]["name"].as_str().unwrap_or("")));
                    }
                    p["metadata"]["name"].as_str().unwrap_or("").to_string()
                }
                None => return Err(Fail::Text(format!("error: timed out waiting for the condition\n"))),
            }
        }
        Some((_, n)) => n.to_string(),
        None => target.to_string(),
    };
    let path = format!("/api/v1/namespaces/{}/pods/{name}", ctx.namespace);
    let pod = match ctx.call(Request::get(path.clone()))? {
        Ok(p) => p,
        Err(e) => return Err(Fail::Text(server_error(&e))),
    };
    let names: Vec<String> = pod["spec"]["containers"].as_array().into_iter().flatten().filter_map(|c| c["name"].as_str().map(String::from)).collect();
    let container = match ctx.flags.get("container").map(String::from).or_else(|| args.get(1).cloned()) {
        Some(c) => c,
        None => {
            if names.len() > 1 {
                ctx.io.err(format!("Defaulted container \"{}\" out of: {}\n", names[0], names.join(", ")));
            }
            names.first().cloned().unwrap_or_default()
        }
    };
    let mut req = Request::get(format!("{path}/log")).query("container", container.clone());
    let mut follow_query = vec![("container".to_string(), container.clone())];
    if ctx.flags.flag("timestamps") {
        follow_query.push(("timestamps".into(), "true".into()));
    }
    if ctx.flags.flag("previous") {
        req = req.query("previous", "true");
    }
    if let Some(t) = ctx.flags.get("tail") {
        req = req.query("tailLines", t);
    }
    if ctx.flags.flag("timestamps") {
        req = req.query("timestamps", "true");
    }
    match ctx.call(req)? {
        Ok(text) => {
            ctx.io.out(text.as_str().unwrap_or(""));
            if ctx.flags.flag("follow") && !ctx.flags.flag("previous") {
                return crate::follow::follow_logs(ctx, &path, &container, &pod, follow_query);
            }
            Ok(())
        }
        Err(e) => Err(Fail::Text(server_error(&e))),
    }
}

/// `kubectl logs -l SELECTOR`: the logs of every matching pod, one after another.
fn logs_by_selector(ctx: &mut Ctx, selector: &str) -> Outcome {
    let list = match ctx.call(Request::get(format!("/api/v1/namespaces/{}/pods", ctx.namespace)).query("labelSelector", selector))? {
        Ok(l) => l,
        Err(e) => return Err(Fail::Text(server_error(&e))),
    };
    let pods = list["items"].as_array().cloned().unwrap_or_default();
    if pods.is_empty() {
        ctx.io.err(format!("No resources found in {} namespace.\n", ctx.namespace));
        return Ok(());
    }
    let prefix = ctx.flags.flag("prefix");
    for pod in pods {
        let name = pod["metadata"]["name"].as_str().unwrap_or("").to_string();
        let container = pod["spec"]["containers"][0]["name"].as_str().unwrap_or("").to_string();
        let mut req = Request::get(format!("/api/v1/namespaces/{}/pods/{name}/log", ctx.namespace)).query("container", container.clone());
        req = req.query("tailLines", ctx.flags.get("tail").unwrap_or("10"));
        match ctx.call(req)? {
            Ok(text) => {
                let text = text.as_str().unwrap_or("").to_string();
                if prefix {
                    for line in text.lines() {
                        ctx.io.out(format!("[pod/{name}/{container}] {line}\n"));
                    }
                } else {
                    ctx.io.out(text);
                }
            }
            Err(e) => ctx.io.err(server_error(&e)),
        }
    }
    Ok(())
}

/// `kubectl top pod|node`: kind ships no metrics-server, so until one is installed
/// the Metrics API is missing; then the figures come from the metrics API
/// (`metricsutil.TopCmdPrinter`: millicores and Mi, a trailing tab per column).
pub(crate) fn top(ctx: &mut Ctx) -> Outcome {
    let discovery = ctx.send(Request::get("/apis/metrics.k8s.io/v1beta1"))?;
    if !discovery.is_success() {
        return Err(Fail::Text("error: Metrics API not available\n".into()));
    }
    let args = ctx.flags.args.clone();
    let what = args.first().cloned().unwrap_or_default();
    let name = args.get(1).cloned();
    let all = ctx.flags.flag("all-namespaces");
    let headers = !ctx.flags.flag("no-headers");
    let mut tw = kubeniwa_format::table::TabWriter::kubectl_get();
    match what.as_str() {
        "pod" | "pods" | "po" => {
            let base = if all { "/apis/metrics.k8s.io/v1beta1/pods".to_string() } else { format!("/apis/metrics.k8s.io/v1beta1/namespaces/{}/pods", ctx.namespace) };
            let mut req = Request::get(match &name {
                Some(n) => format!("{base}/{n}"),
                None => base,
            });
            if let Some(l) = ctx.flags.get("selector") {
                req = req.query("labelSelector", l);
            }
            let body = match ctx.call(req)? {
                Ok(b) => b,
                Err(e) if e.code == 404 && name.is_some() => {
                    return Err(Fail::Text(format!("error: podmetrics.metrics.k8s.io \"{}\" not found\n", name.unwrap_or_default())));
                }
                Err(e) => return Err(Fail::Text(crate::server_error(&e))),
            };
            let items: Vec<Value> = if name.is_some() { vec![body] } else { body["items"].as_array().cloned().unwrap_or_default() };
            if items.is_empty() {
                let pods = ctx.call(Request::get(if all { "/api/v1/pods".to_string() } else { format!("/api/v1/namespaces/{}/pods", ctx.namespace) }))?;
                let any = pods.ok().is_some_and(|p| p["items"].as_array().is_some_and(|i| !i.is_empty()));
                if any {
                    return Err(Fail::Text("error: metrics not available yet\n".into()));
                }
                ctx.io.err(if all { "No resources found\n".to_string() } else { format!("No resources found in {} namespace.\n", ctx.namespace) });
                return Ok(());
            }
            let containers = ctx.flags.flag("containers");
            if headers {
                let mut h = String::new();
                if all {
                    h.push_str("NAMESPACE\t");
                }
                if containers {
                    h.push_str("POD\t");
                }
                h.push_str("NAME\tCPU(cores)\tMEMORY(bytes)\t\n");
                tw.write(&h);
            }
            for m in &items {
                let pod = m["metadata"]["name"].as_str().unwrap_or("");
                let ns = m["metadata"]["namespace"].as_str().unwrap_or("");
                let rows: Vec<(String, u64, u64)> = if containers {
                    m["containers"].as_array().into_iter().flatten().map(|c| (c["name"].as_str().unwrap_or("").to_string(), milli(&c["usage"]["cpu"]), bytes(&c["usage"]["memory"]))).collect()
                } else {
                    let (cpu, mem) = m["containers"].as_array().into_iter().flatten().fold((0, 0), |(a, b), c| (a + milli(&c["usage"]["cpu"]), b + bytes(&c["usage"]["memory"])));
                    vec![(pod.to_string(), cpu, mem)]
                };
                for (n, cpu, mem) in rows {
                    let mut line = String::new();
                    if all {
                        line.push_str(&format!("{ns}\t"));
                    }
                    if containers {
                        line.push_str(&format!("{pod}\t"));
                    }
                    line.push_str(&format!("{n}\t{cpu}m\t{}Mi\t\n", mem / (1 << 20)));
                    tw.write(&line);
                }
            }
        }
        "node" | "nodes" | "no" => {
            let nodes = match ctx.call(Request::get("/api/v1/nodes"))? {
                Ok(n) => n["items"].as_array().cloned().unwrap_or_default(),
                Err(e) => return Err(Fail::Text(crate::server_error(&e))),
            };
            let metrics = match ctx.call(Request::get("/apis/metrics.k8s.io/v1beta1/nodes"))? {
                Ok(m) => m["items"].as_array().cloned().unwrap_or_default(),
                Err(e) => return Err(Fail::Text(crate::server_error(&e))),
            };
            if headers {
                tw.write("NAME\tCPU(cores)\tCPU(%)\tMEMORY(bytes)\tMEMORY(%)\t\n");
            }
            for m in metrics.iter().filter(|m| name.as_ref().is_none_or(|n| m["metadata"]["name"] == n.as_str())) {
                let n = m["metadata"]["name"].as_str().unwrap_or("");
                let node = nodes.iter().find(|x| x["metadata"]["name"] == n).cloned().unwrap_or(Value::Null);
                let (cpu, mem) = (milli(&m["usage"]["cpu"]), bytes(&m["usage"]["memory"]));
                let (acpu, amem) = (milli(&node["status"]["allocatable"]["cpu"]).max(1), bytes(&node["status"]["allocatable"]["memory"]).max(1));
                tw.write(&format!("{n}\t{cpu}m\t{}%\t{}Mi\t{}%\t\n", cpu * 100 / acpu, mem / (1 << 20), mem * 100 / amem));
            }
        }
        "" => return Err(Fail::Text("error: You must specify a resource type (node or pod)\n".into())),
        other => return Err(Fail::Text(format!("error: unknown command \"{other}\" for \"kubectl top\"\n"))),
    }
    ctx.io.out(tw.finish());
    Ok(())
}

/// A CPU quantity in millicores (`250000000n` → 250), as `MilliValue` rounds up.
fn milli(v: &Value) -> u64 {
    kubeniwa_core::quantity::milli(v).max(0) as u64
}

/// A memory quantity in bytes.
fn bytes(v: &Value) -> u64 {
    (kubeniwa_core::quantity::milli(v) / 1000).max(0) as u64
}

/// `kubectl completion SHELL`: the script the real kubectl v1.35.2 prints (data).
pub(crate) fn completion(ctx: &mut Ctx) -> Outcome {
    let usage = |message: &str| Fail::Usage { message: message.to_string(), command: "completion".into() };
    let args = ctx.flags.args.clone();
    let script = match args.as_slice() {
        [] => return Err(usage("Shell not specified.")),
        [shell] => match shell.as_str() {
            "bash" => include_str!("../data/completion/bash.txt"),
            "zsh" => include_str!("../data/completion/zsh.txt"),
            "fish" => include_str!("../data/completion/fish.txt"),
            "powershell" => include_str!("../data/completion/powershell.txt"),
            other => return Err(usage(&format!("Unsupported shell type \"{other}\"."))),
        },
        _ => return Err(usage("Too many arguments. Expected only the shell type.")),
    };
    ctx.io.out(script);
    Ok(())
}
