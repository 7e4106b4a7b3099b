//! `kubectl cordon|uncordon|drain NODE`: `pkg/cmd/drain` and `pkg/drain`.
//!
//! Drain cordons the node, sorts its pods through the real filters (DaemonSet-managed,
//! mirror, emptyDir, unmanaged), then evicts each pod through the `pods/eviction`
//! subresource, retrying every 5s while a PodDisruptionBudget refuses, and waits
//! (polling every second) until each is gone. That part runs as a [`Job`] so it can
//! hold the terminal while it retries.

use kubeniwa_core::time::Millis;
use kubeniwa_core::{ApiError, Method, Request};
use serde_json::{json, Value};

use crate::{server_error, Backend, Ctx, Fail, Job, Outcome};

const DAEMONSET_FATAL: &str = "DaemonSet-managed Pods (use --ignore-daemonsets to ignore)";
const DAEMONSET_WARNING: &str = "ignoring DaemonSet-managed Pods";
const LOCAL_STORAGE_FATAL: &str = "Pods with local storage (use --delete-emptydir-data to override)";
const LOCAL_STORAGE_WARNING: &str = "deleting Pods with local storage";
const UNMANAGED_FATAL: &str = "cannot delete Pods that declare no controller (use --force to override)";
const UNMANAGED_WARNING: &str = "deleting Pods that declare no controller";
/// `EvictErrorRetryDelay`.
const RETRY_MS: Millis = 5_000;
/// `waitForDelete`'s interval.
const POLL_MS: Millis = 1_000;
/// Where the terminal cannot be held, a drain that would retry for ever stops here.
const UNHELD_CAP_MS: Millis = 600_000;

/// `kubectl cordon NODE` / `uncordon NODE`.
pub(crate) fn cordon(ctx: &mut Ctx, desired: bool) -> Outcome {
    let command = if desired { "cordon" } else { "uncordon" };
    let Some(node) = ctx.flags.args.first().cloned() else {
        return Err(Fail::Text(format!("error: USAGE: {command} NODE [flags]\nSee 'kubectl {command} -h' for help and examples\n")));
    };
    cordon_node(ctx, &node, desired)
}

fn cordon_node(ctx: &mut Ctx, node: &str, desired: bool) -> Outcome {
    let path = format!("/api/v1/nodes/{node}");
    let obj = match ctx.call(Request::get(path.clone()))? {
        Ok(o) => o,
        Err(e) => return Err(Fail::Text(server_error(&e))),
    };
    let word = if desired { "cordoned" } else { "uncordoned" };
    let suffix = match ctx.flags.get("dry-run") {
        Some("client") => " (dry run)",
        Some("server") => " (server dry run)",
        _ => "",
    };
    if (obj["spec"]["unschedulable"] == true) == desired {
        ctx.io.out(format!("node/{node} already {word}{suffix}\n"));
        return Ok(());
    }
    let dry = matches!(ctx.flags.get("dry-run"), Some("client" | "server"));
    if !dry {
        let patch = json!({"spec": {"unschedulable": if desired { json!(true) } else { Value::Null }}});
        let req = Request::new(Method::Patch, path).content_type("application/strategic-merge-patch+json").body(patch);
        if let Err(e) = ctx.call(req)? {
            return Err(Fail::Text(format!("error: unable to {} node {node:?}: {}\n", if desired { "cordon" } else { "uncordon" }, e.message)));
        }
    }
    ctx.io.out(format!("node/{node} {word}{suffix}\n"));
    Ok(())
}

/// `kubectl drain NODE`.
pub(crate) fn drain(ctx: &mut Ctx) -> Outcome {
    let Some(node) = ctx.flags.args.first().cloned() else {
        return Err(Fail::Text("error: USAGE: drain NODE [flags]\nSee 'kubectl drain -h' for help and examples\n".into()));
    };
    let timeout = match ctx.flags.get("timeout") {
        Some(t) => match crate::wait::parse_go_duration(t) {
            Some(ms) => ms.max(0) as Millis,
            None => return Err(Fail::Text(format!("error: invalid argument \"{t}\" for \"--timeout\" flag: time: invalid duration \"{t}\"\nSee 'kubectl drain --help' for usage.\n"))),
        },
        None => 0,
    };
    cordon_node(ctx, &node, true)?;
    let (pods, warnings, errors) = pods_for_deletion(ctx, &node)?;
    if !errors.is_empty() {
        return Err(Fail::Text(drain_failed(&node, &errors)));
    }
    if !warnings.is_empty() {
        ctx.io.err(format!("Warning: {}\n", warnings.join("; ")));
    }
    if ctx.flags.get("dry-run") == Some("client") {
        for (ns, name, _) in &pods {
            ctx.io.out(format!("evicting pod {ns}/{name} (dry run)\n"));
        }
        ctx.io.out(format!("node/{node} drained (dry run)\n"));
        return Ok(());
    }
    let now = ctx.backend.now();
    let mut job = DrainJob {
        server: ctx.server.clone().unwrap_or_default(),
        node: node.clone(),
        deadline: (timeout > 0).then(|| now + timeout),
        timeout_text: crate::wait::go_duration_string(timeout),
        pods: pods.into_iter().map(|(ns, name, uid)| PodState { ns, name, uid, stage: Stage::Evict { at: now } }).collect(),
        errors: Vec::new(),
    };
    if ctx.backend.can_hold() {
        let mut out = String::new();
        if let Some(status) = job.poll(ctx.backend, &mut out) {
            ctx.io.out(out);
            return if status == 0 { Ok(()) } else { Err(Fail::Silent) };
        }
        ctx.io.out(out);
        ctx.backend.hold(Box::new(job));
        return Ok(());
    }
    // No terminal to hold (a script): run it here, on the simulated clock.
    let start = ctx.backend.now();
    loop {
        let mut out = String::new();
        let ended = job.poll(ctx.backend, &mut out);
        ctx.io.out(out);
        if let Some(status) = ended {
            return if status == 0 { Ok(()) } else { Err(Fail::Silent) };
        }
        let now = ctx.backend.now();
        if now >= start + UNHELD_CAP_MS {
            return Err(Fail::Silent);
        }
        let wake = job.next_wake().unwrap_or(now + POLL_MS).max(now + 1);
        ctx.backend.wait(wake - now);
    }
}

/// The real output of a drain that failed on the node's pods.
fn drain_failed(node: &str, errors: &[String]) -> String {
    let agg = if errors.len() == 1 { errors[0].clone() } else { format!("[{}]", errors.join(", ")) };
    let mut text = format!("error: unable to drain node {node:?} due to error: {agg}, continuing command...\nThere are pending nodes to be drained:\n {node}\n");
    // The node's error inside the command's aggregate: printed without `error: `.
    for e in errors {
        text.push_str(&format!("{e}\n"));
    }
    text
}

type PodsForDeletion = (Vec<(String, String, Value)>, Vec<String>, Vec<String>);

/// `GetPodsForDeletion`: the pods to evict, the warnings, the errors (grouped by
/// message, in the order the pods come).
fn pods_for_deletion(ctx: &mut Ctx, node: &str) -> Result<PodsForDeletion, Fail> {
    let mut req = Request::get("/api/v1/pods").query("fieldSelector", format!("spec.nodeName={node}"));
    if let Some(sel) = ctx.flags.get("pod-selector") {
        req = req.query("labelSelector", sel.to_string());
    }
    let list = match ctx.call(req)? {
        Ok(l) => l,
        Err(e) => return Err(Fail::Text(server_error(&e))),
    };
    let force = ctx.flags.flag("force");
    let ignore_ds = ctx.flags.flag("ignore-daemonsets");
    let delete_emptydir = ctx.flags.flag("delete-emptydir-data");
    let mut pods = Vec::new();
    let mut warnings: Vec<(String, Vec<String>)> = Vec::new();
    let mut errors: Vec<(String, Vec<String>)> = Vec::new();
    let add = |groups: &mut Vec<(String, Vec<String>)>, msg: &str, pod: String| match groups.iter_mut().find(|(m, _)| m == msg) {
        Some((_, v)) => v.push(pod),
        None => groups.push((msg.to_string(), vec![pod])),
    };
    for pod in list["items"].as_array().cloned().unwrap_or_default() {
        let ns = pod["metadata"]["namespace"].as_str().unwrap_or("").to_string();
        let name = pod["metadata"]["name"].as_str().unwrap_or("").to_string();
        let id = format!("{ns}/{name}");
        let finished = matches!(pod["status"]["phase"].as_str(), Some("Succeeded" | "Failed"));
        let controller = pod["metadata"]["ownerReferences"].as_array().and_then(|o| o.iter().find(|r| r["controller"] == true)).cloned();
        // The filters in order; the first that does not delete decides, and only the
        // last warning of a deleted pod is kept.
        let mut warning: Option<String> = None;
        if let Some(c) = controller.as_ref().filter(|c| c["kind"] == "DaemonSet" && c["apiVersion"] == "apps/v1") {
            if !finished {
                let ds = c["name"].as_str().unwrap_or("");
                match ctx.call(Request::get(format!("/apis/apps/v1/namespaces/{ns}/daemonsets/{ds}")))? {
                    Err(e) if e.reason == "NotFound" && force => warning = Some(e.message.clone()),
                    Err(e) => {
                        add(&mut errors, &e.message, id);
                        continue;
                    }
                    Ok(_) if !ignore_ds => {
                        add(&mut errors, DAEMONSET_FATAL, id);
                        continue;
                    }
                    Ok(_) => {
                        add(&mut warnings, DAEMONSET_WARNING, id);
                        continue;
                    }
                }
            }
        }
        if pod["metadata"]["annotations"].get("kubernetes.io/config.mirror").is_some() {
            continue;
        }
        let has_emptydir = pod["spec"]["volumes"].as_array().is_some_and(|v| v.iter().any(|v| !v["emptyDir"].is_null()));
        if has_emptydir && !finished {
            if !delete_emptydir {
                add(&mut errors, LOCAL_STORAGE_FATAL, id);
                continue;
            }
            warning = Some(LOCAL_STORAGE_WARNING.into());
        }
        if !finished && controller.is_none() {
            if !force {
                add(&mut errors, UNMANAGED_FATAL, id);
                continue;
            }
            warning = Some(UNMANAGED_WARNING.into());
        }
        if let Some(w) = warning {
            add(&mut warnings, &w, id);
        }
        pods.push((ns, name, pod["metadata"]["uid"].clone()));
    }
    let warnings = warnings.into_iter().map(|(m, p)| format!("{m}: {}", p.join(", "))).collect();
    let errors = errors.into_iter().map(|(m, p)| format!("cannot delete {m}: {}", p.join(", "))).collect();
    Ok((pods, warnings, errors))
}

struct PodState {
    ns: String,
    name: String,
    uid: Value,
    stage: Stage,
}

enum Stage {
    /// Ask for an eviction at this instant.
    Evict { at: Millis },
    /// Evicted; look whether it is gone at this instant.
    Wait { at: Millis },
    Done,
}

struct DrainJob {
    server: String,
    node: String,
    deadline: Option<Millis>,
    timeout_text: String,
    pods: Vec<PodState>,
    errors: Vec<String>,
}

impl DrainJob {
    fn next_wake(&self) -> Option<Millis> {
        self.pods
            .iter()
            .filter_map(|p| match p.stage {
                Stage::Evict { at } | Stage::Wait { at } => Some(at),
                Stage::Done => None,
            })
            .min()
    }
}

impl Job for DrainJob {
    fn poll(&mut self, backend: &mut dyn Backend, out: &mut String) -> Option<i32> {
        let now = backend.now();
        let timed_out = self.deadline.is_some_and(|d| now >= d);
        for p in &mut self.pods {
            match p.stage {
                Stage::Evict { at } if at <= now => {
                    out.push_str(&format!("evicting pod {}/{}\n", p.ns, p.name));
                    // The global timeout is looked at after announcing each attempt.
                    if timed_out {
                        self.errors.push(format!("error when evicting pods/{:?} -n {:?}: global timeout reached: {}", p.name, p.ns, self.timeout_text));
                        p.stage = Stage::Done;
                        continue;
                    }
                    let body = json!({"apiVersion": "policy/v1", "kind": "Eviction", "metadata": {"name": p.name, "namespace": p.ns}});
                    let req = Request::new(Method::Post, format!("/api/v1/namespaces/{}/pods/{}/eviction", p.ns, p.name)).body(body);
                    let Some(r) = backend.send(&self.server, &req) else { return Some(1) };
                    if r.is_success() {
                        p.stage = Stage::Wait { at: now };
                    } else {
                        let e = ApiError::from_status(r.code, &r.body);
                        if e.reason == "NotFound" {
                            p.stage = Stage::Done;
                        } else if e.code == 429 {
                            out.push_str(&format!("error when evicting pods/{:?} -n {:?} (will retry after 5s): {}\n", p.name, p.ns, e.message));
                            p.stage = Stage::Evict { at: now + RETRY_MS };
                        } else {
                            self.errors.push(format!("error when evicting pods/{:?} -n {:?}: {}", p.name, p.ns, e.message));
                            p.stage = Stage::Done;
                        }
                    }
                }
                _ => {}
            }
            if let Stage::Wait { at } = p.stage {
                if at > now {
                    continue;
                }
                let r = backend.send(&self.server, &Request::get(format!("/api/v1/namespaces/{}/pods/{}", p.ns, p.name)));
                let gone = r.is_none_or(|r| !r.is_success() || r.body["metadata"]["uid"] != p.uid);
                if gone {
                    out.push_str(&format!("pod/{} evicted\n", p.name));
                    p.stage = Stage::Done;
                } else if timed_out {
                    self.errors.push(format!("error when waiting for pod {:?} in namespace {:?} to terminate: global timeout reached: {}", p.name, p.ns, self.timeout_text));
                    p.stage = Stage::Done;
                } else {
                    p.stage = Stage::Wait { at: now + POLL_MS };
                }
            }
        }
        if self.pods.iter().any(|p| !matches!(p.stage, Stage::Done)) {
            return None;
        }
        if self.errors.is_empty() {
            out.push_str(&format!("node/{} drained\n", self.node));
            return Some(0);
        }
        let agg = if self.errors.len() == 1 { self.errors[0].clone() } else { format!("[{}]", self.errors.join(", ")) };
        // The pods still on the node, as `GetPodsForDeletion` lists them again.
        let remaining: Vec<String> = match backend.send(&self.server, &Request::get("/api/v1/pods").query("fieldSelector", format!("spec.nodeName={}", self.node))) {
            Some(r) if r.is_success() => self
                .pods
                .iter()
                .filter(|p| r.body["items"].as_array().is_some_and(|items| items.iter().any(|i| i["metadata"]["uid"] == p.uid)))
                .map(|p| p.name.clone())
                .collect(),
            _ => Vec::new(),
        };
        if !remaining.is_empty() {
            out.push_str(&format!("There are pending pods in node {:?} when an error occurred: {agg}\n", self.node));
            for name in remaining {
                out.push_str(&format!("pod/{name}\n"));
            }
        }
        out.push_str(&format!("error: unable to drain node {:?} due to error: {agg}, continuing command...\nThere are pending nodes to be drained:\n {}\n", self.node, self.node));
        for e in &self.errors {
            out.push_str(&format!("{e}\n"));
        }
        Some(1)
    }

    fn next_wake(&self) -> Option<Millis> {
        DrainJob::next_wake(self)
    }
}
