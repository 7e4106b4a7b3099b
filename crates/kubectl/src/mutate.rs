//! Commands that change objects in place: scale, rollout, label, annotate, set image,
//! patch and expose.

use kubeniwa_core::resources::{self, ResourceType};
use kubeniwa_core::{Method, Request};
use serde_json::{json, Map, Value};

use crate::get::select;
use crate::{server_error, Ctx, Fail, Outcome};

/// The objects named by `TYPE NAME...` or `TYPE/NAME...`.
fn targets(words: &[String], command: &str) -> Result<Vec<(&'static ResourceType, String)>, Fail> {
    if words.is_empty() {
        return Err(Fail::Text("error: You must provide one or more resources by argument or filename.\nExample resource specifications include:\n   '-f rsrc.yaml'\n   '--filename=rsrc.json'\n   '<resource> <name>'\n   '<resource>'\n".into()));
    }
    let sel = select(words, command)?;
    let mut out = Vec::new();
    for (rt, names) in sel.groups {
        if names.is_empty() {
            return Err(Fail::Text("error: resource(s) were provided, but no name was specified\n".into()));
        }
        for n in names {
            out.push((rt, n));
        }
    }
    Ok(out)
}

fn ns_for(ctx: &Ctx, rt: &ResourceType) -> Option<String> {
    rt.namespaced.then(|| ctx.namespace.clone())
}

fn get_obj(ctx: &mut Ctx, rt: &ResourceType, name: &str) -> Result<Value, Fail> {
    match ctx.call(Request::get(rt.object_path(ns_for(ctx, rt).as_deref(), name)))? {
        Ok(v) => Ok(v),
        Err(e) => Err(Fail::Text(server_error(&e))),
    }
}

fn patch_obj(ctx: &mut Ctx, rt: &ResourceType, name: &str, kind: &str, patch: Value) -> Result<Value, Fail> {
    let req = Request::new(Method::Patch, rt.object_path(ns_for(ctx, rt).as_deref(), name)).content_type(kind).body(patch);
    match ctx.call(req)? {
        Ok(v) => Ok(v),
        Err(e) => Err(Fail::Text(server_error(&e))),
    }
}

/// `kubectl scale deployment/x --replicas=N`
pub(crate) fn scale(ctx: &mut Ctx) -> Outcome {
    let Some(replicas) = ctx.flags.get("replicas").map(String::from) else {
        return Err(Fail::Text("error: required flag(s) \"replicas\" not set\n".into()));
    };
    let n: i64 = replicas.parse().ok().filter(|n: &i64| *n >= 0).ok_or_else(|| Fail::Text("error: The --replicas=COUNT flag is required, and COUNT must be greater than or equal to 0\n".into()))?;
    let words = ctx.flags.args.clone();
    for (rt, name) in targets(&words, "scale")? {
        if !matches!(rt.kind, "Deployment" | "ReplicaSet" | "StatefulSet" | "ReplicationController") {
            return Err(Fail::Text(format!("error: cannot use scale on *v1.{}\n", rt.kind)));
        }
        patch_obj(ctx, rt, &name, "application/merge-patch+json", json!({"spec": {"replicas": n}}))?;
        ctx.io.out(format!("{}/{name} scaled\n", rt.kind_group()));
    }
    Ok(())
}

/// `kubectl label TYPE NAME k=v k-` and `kubectl annotate` (same shape).
pub(crate) fn label(ctx: &mut Ctx, field: &str) -> Outcome {
    let command = if field == "labels" { "label" } else { "annotate" };
    let words = ctx.flags.args.clone();
    let (changes, objects): (Vec<String>, Vec<String>) = words.into_iter().partition(|w| w.contains('=') || w.ends_with('-') && !w.contains('/'));
    if changes.is_empty() {
        return Err(Fail::Text(format!("error: at least one {} update is required\nSee 'kubectl {command} -h' for help and examples\n", if field == "labels" { "label" } else { "annotation" })));
    }
    let overwrite = ctx.flags.flag("overwrite");
    for (rt, name) in targets(&objects, command)? {
        let current = get_obj(ctx, rt, &name)?;
        let mut set = Map::new();
        let mut clashes: Vec<String> = Vec::new();
        for ch in &changes {
            if let Some(k) = ch.strip_suffix('-') {
                set.insert(k.to_string(), Value::Null);
                continue;
            }
            let (k, v) = ch.split_once('=').unwrap_or((ch, ""));
            if let Some(old) = current["metadata"][field].get(k).and_then(Value::as_str) {
                // label.go stops at the first; annotate.go lists them all (the
                // change-cause annotation may always be overwritten).
                if !overwrite && old != v {
                    if field == "labels" {
                        return Err(Fail::Text(format!("error: '{k}' already has a value ({old}), and --overwrite is false\n")));
                    }
                    if k != "kubernetes.io/change-cause" {
                        clashes.push(format!("'{k}' already has a value ({old})"));
                    }
                }
            }
            set.insert(k.to_string(), json!(v));
        }
        if !clashes.is_empty() {
            return Err(Fail::Text(format!("error: --overwrite is false but found the following declared annotation(s): {}\n", clashes.join("; "))));
        }
        let after = patch_obj(ctx, rt, &name, "application/merge-patch+json", json!({"metadata": {field: set}}))?;
        let verb = if command == "label" { "labeled" } else { "annotated" };
        let unchanged = after["metadata"][field] == current["metadata"][field];
        let verb = if unchanged && command == "label" { "not labeled" } else { verb };
        ctx.io.out(format!("{}/{name} {verb}\n", rt.kind_group()));
    }
    Ok(())
}

/// `kubectl set image deployment/x CONTAINER=IMAGE`
pub(crate) fn set(ctx: &mut Ctx) -> Outcome {
    let words = ctx.flags.args.clone();
    match words.first().map(String::as_str) {
        Some("image") => {}
        Some("env") => return crate::set::env(ctx, &words[1..]),
        Some("resources") => return crate::set::resources(ctx, &words[1..]),
        Some(other) => return Err(Fail::Text(format!("error: unknown command \"{other}\" for \"kubectl set\"\n"))),
        None => return Err(Fail::Text("error: Required resource not specified.\n".into())),
    }
    let (changes, objects): (Vec<String>, Vec<String>) = words[1..].iter().cloned().partition(|w| w.contains('='));
    for (rt, name) in targets(&objects, "set image")? {
        let current = get_obj(ctx, rt, &name)?;
        let spec_path: &[&str] = if rt.kind == "Pod" { &["spec"] } else if rt.kind == "CronJob" { &["spec", "jobTemplate", "spec", "template", "spec"] } else { &["spec", "template", "spec"] };
        let mut spec = &current;
        for p in spec_path {
            spec = &spec[*p];
        }
        let containers = spec["containers"].as_array().cloned().unwrap_or_default();
        let mut patched = Vec::new();
        for ch in &changes {
            let (c, image) = ch.split_once('=').unwrap_or((ch, ""));
            let hits: Vec<&Value> = containers.iter().filter(|x| c == "*" || x["name"] == c).collect();
            if hits.is_empty() {
                return Err(Fail::Text(format!("error: unable to find container named \"{c}\"\n")));
            }
            for h in hits {
                patched.push(json!({"name": h["name"], "image": image}));
            }
        }
        let mut patch = json!({"containers": patched});
        for p in spec_path.iter().rev() {
            patch = json!({ *p: patch });
        }
        patch_obj(ctx, rt, &name, "application/strategic-merge-patch+json", patch)?;
        ctx.io.out(format!("{}/{name} image updated\n", rt.kind_group()));
    }
    Ok(())
}

/// `kubectl patch TYPE NAME -p '{...}' [--type strategic|merge|json]`
pub(crate) fn patch(ctx: &mut Ctx) -> Outcome {
    let Some(text) = ctx.flags.get("patch").map(String::from) else {
        return Err(Fail::Text("error: must specify -p to patch\nSee 'kubectl patch -h' for help and examples\n".into()));
    };
    let body: Value = match kubeniwa_format::yaml::parse_documents(&text) {
        Ok(mut docs) if !docs.is_empty() => docs.remove(0),
        _ => return Err(Fail::Text(format!("error: unable to parse \"{text}\": yaml: did not find expected node content\n"))),
    };
    let kind = match ctx.flags.get("type").unwrap_or("strategic") {
        "strategic" => "application/strategic-merge-patch+json",
        "merge" => "application/merge-patch+json",
        "json" => "application/json-patch+json",
        other => return Err(Fail::Text(format!("error: --type must be one of [json merge strategic], not \"{other}\"\n"))),
    };
    let words = ctx.flags.args.clone();
    for (rt, name) in targets(&words, "patch")? {
        let before = get_obj(ctx, rt, &name)?;
        let after = patch_obj(ctx, rt, &name, kind, body.clone())?;
        let same = before["metadata"]["resourceVersion"] == after["metadata"]["resourceVersion"];
        ctx.io.out(format!("{}/{name} patched{}\n", rt.kind_group(), if same { " (no change)" } else { "" }));
    }
    Ok(())
}

/// `kubectl rollout status|restart|history|undo|pause|resume deployment/x`
pub(crate) fn rollout(ctx: &mut Ctx) -> Outcome {
    let words = ctx.flags.args.clone();
    let Some(sub) = words.first().cloned() else {
        return Err(Fail::Text(crate::misc::help("rollout").to_string()));
    };
    let objs = targets(&words[1..], &format!("rollout {sub}"))?;
    for (rt, name) in objs {
        if !matches!(rt.kind, "Deployment" | "DaemonSet" | "StatefulSet") {
            return Err(Fail::Text(format!("error: no {sub} for {}\n", rt.kind)));
        }
        let prefix = format!("{}/{name}", rt.kind_group());
        match sub.as_str() {
            "restart" => {
                let now = kubeniwa_core::time::rfc3339(ctx.backend.now());
                patch_obj(ctx, rt, &name, "application/strategic-merge-patch+json", json!({"spec": {"template": {"metadata": {"annotations": {"kubectl.kubernetes.io/restartedAt": now}}}}}))?;
                ctx.io.out(format!("{prefix} restarted\n"));
            }
            "pause" | "resume" => {
                let paused = sub == "pause";
                let current = get_obj(ctx, rt, &name)?;
                if (current["spec"]["paused"] == true) == paused {
                    return Err(Fail::Text(format!("error: {prefix} is {}\n", if paused { "already paused" } else { "not paused" })));
                }
                patch_obj(ctx, rt, &name, "application/merge-patch+json", json!({"spec": {"paused": if paused { json!(true) } else { Value::Null }}}))?;
                ctx.io.out(format!("{prefix} {}\n", if paused { "paused" } else { "resumed" }));
            }
            "status" => rollout_status(ctx, rt, &name)?,
            "history" if ctx.flags.get("revision").is_some_and(|r| r != "0") => {
                let wanted: i64 = match ctx.flags.get("revision").and_then(|r| r.parse().ok()) {
                    Some(r) => r,
                    None => return Err(Fail::Text(format!("error: invalid argument {:?} for \"--revision\" flag: strconv.ParseInt: parsing {:?}: invalid syntax\nSee 'kubectl rollout history --help' for usage.\n", ctx.flags.get("revision").unwrap_or(""), ctx.flags.get("revision").unwrap_or("")))),
                };
                let rss = owned_replicasets(ctx, rt, &name)?;
                let found = rss.iter().find(|r| r["metadata"]["annotations"]["deployment.kubernetes.io/revision"].as_str().and_then(|v| v.parse::<i64>().ok()) == Some(wanted));
                let Some(rs) = found else {
                    return Err(Fail::Text("error: unable to find the specified revision\n".into()));
                };
                let mut template = rs["spec"]["template"].clone();
                if let Some(cause) = rs["metadata"]["annotations"]["kubernetes.io/change-cause"].as_str() {
                    template["metadata"]["annotations"]["kubernetes.io/change-cause"] = json!(cause);
                }
                ctx.io.out(format!("{prefix} with revision #{wanted}\n{}\n", crate::describe::pod_template_text(&template)));
            }
            "history" => {
                let rss = owned_replicasets(ctx, rt, &name)?;
                let mut revs: Vec<(i64, String)> = rss
                    .iter()
                    .filter_map(|r| {
                        let rev = r["metadata"]["annotations"]["deployment.kubernetes.io/revision"].as_str()?.parse().ok()?;
                        let cause = r["metadata"]["annotations"]["kubernetes.io/change-cause"].as_str().unwrap_or("<none>").to_string();
                        Some((rev, cause))
                    })
                    .collect();
                revs.sort();
                if revs.is_empty() {
                    ctx.io.out(format!("{prefix} No rollout history found.\n"));
                    continue;
                }
                let mut w = kubeniwa_format::table::TabWriter::kubectl_describe();
                w.write("REVISION\tCHANGE-CAUSE\n");
                for (r, c) in revs {
                    w.write(&format!("{r}\t{c}\n"));
                }
                ctx.io.out(format!("{prefix} \n{}\n", w.finish()));
            }
            "undo" => {
                let rss = owned_replicasets(ctx, rt, &name)?;
                let current = get_obj(ctx, rt, &name)?;
                // A StatefulSet's or DaemonSet's current revision is its newest one.
                let newest = rss.iter().filter_map(|r| r["metadata"]["annotations"]["deployment.kubernetes.io/revision"].as_str()?.parse::<i64>().ok()).max().unwrap_or(0);
                let cur_rev: i64 = if rt.kind == "Deployment" {
                    current["metadata"]["annotations"]["deployment.kubernetes.io/revision"].as_str().and_then(|r| r.parse().ok()).unwrap_or(0)
                } else {
                    newest
                };
                let wanted: Option<i64> = ctx.flags.get("to-revision").and_then(|r| r.parse().ok()).filter(|r| *r != 0);
                if let Some(w) = wanted.filter(|w| *w < 0) {
                    return Err(Fail::Text(format!("error: unable to find specified revision {w} in history\n")));
                }
                let mut all: Vec<(i64, &Value)> = rss.iter().filter_map(|r| Some((r["metadata"]["annotations"]["deployment.kubernetes.io/revision"].as_str()?.parse::<i64>().ok()?, r))).collect();
                all.sort_by_key(|(rev, _)| *rev);
                // A DaemonSet's or StatefulSet's `findHistory`: the second newest
                // revision, or the one asked for.
                if rt.kind != "Deployment" && wanted.is_none() && all.len() <= 1 {
                    return Err(Fail::Text("error: no last revision to roll back to\n".into()));
                }
                let target = match wanted {
                    Some(w) => all.iter().find(|(r, _)| *r == w).map(|(_, v)| *v),
                    None if rt.kind != "Deployment" => all.get(all.len() - 2).map(|(_, v)| *v),
                    None => all.iter().rev().find(|(r, _)| *r != cur_rev).map(|(_, v)| *v),
                };
                let Some(target) = target else {
                    return Err(Fail::Text(match wanted {
                        Some(w) => format!("error: unable to find specified revision {w} in history\n"),
                        None => "error: no rollout history found for deployment \"".to_string() + &name + "\"\n",
                    }));
                };
                // `DeploymentRollbacker.Rollback`: after finding the revision, before
                // comparing templates.
                if rt.kind == "Deployment" && current["spec"]["paused"] == true {
                    return Err(Fail::Text("error: you cannot rollback a paused deployment; resume it first with 'kubectl rollout resume' and try again\n".into()));
                }
                let strip = |t: &Value| {
                    let mut t = t.clone();
                    if let Some(l) = t["metadata"]["labels"].as_object_mut() {
                        l.remove("pod-template-hash");
                    }
                    t
                };
                if strip(&target["spec"]["template"]) == strip(&current["spec"]["template"]) {
                    ctx.io.out(format!("{prefix} skipped rollback (current template already matches revision {})\n", wanted.unwrap_or(0)));
                    continue;
                }
                let mut template = target["spec"]["template"].clone();
                if let Some(l) = template["metadata"]["labels"].as_object_mut() {
                    l.remove("pod-template-hash");
                }
                patch_obj(ctx, rt, &name, "application/json-patch+json", json!([{"op": "replace", "path": "/spec/template", "value": template}]))?;
                ctx.io.out(format!("{prefix} rolled back\n"));
            }
            other => return Err(Fail::Text(format!("error: unknown command \"{other}\" for \"kubectl rollout\"\n"))),
        }
    }
    Ok(())
}

/// The owner's history: its ReplicaSets, or for a StatefulSet or DaemonSet its
/// ControllerRevisions shown the same way (revision number as the annotation,
/// the stored template as `spec.template`).
fn owned_replicasets(ctx: &mut Ctx, rt: &ResourceType, name: &str) -> Result<Vec<Value>, Fail> {
    let d = get_obj(ctx, rt, name)?;
    let uid = d["metadata"]["uid"].clone();
    if rt.kind != "Deployment" {
        let cr_rt = resources::lookup("controllerrevisions").expect("registered");
        let list = match ctx.call(Request::get(cr_rt.collection_path(Some(&ctx.namespace.clone()))))? {
            Ok(l) => l,
            Err(e) => return Err(Fail::Text(server_error(&e))),
        };
        return Ok(list["items"]
            .as_array()
            .cloned()
            .unwrap_or_default()
            .into_iter()
            .filter(|r| r["metadata"]["ownerReferences"].as_array().is_some_and(|o| o.iter().any(|o| o["uid"] == uid)))
            .map(|r| {
                let mut template = r["data"]["spec"]["template"].clone();
                if let Some(m) = template.as_object_mut() {
                    m.remove("$patch");
                }
                let mut annotations = r["metadata"]["annotations"].as_object().cloned().unwrap_or_default();
                annotations.insert("deployment.kubernetes.io/revision".into(), json!(r["revision"].as_i64().unwrap_or(0).to_string()));
                json!({"metadata": {"name": r["metadata"]["name"], "annotations": annotations}, "spec": {"template": template}})
            })
            .collect());
    }
    let rs_rt = resources::lookup("replicasets").expect("registered");
    let list = match ctx.call(Request::get(rs_rt.collection_path(Some(&ctx.namespace.clone()))))? {
        Ok(l) => l,
        Err(e) => return Err(Fail::Text(server_error(&e))),
    };
    Ok(list["items"]
        .as_array()
        .cloned()
        .unwrap_or_default()
        .into_iter()
        .filter(|r| r["metadata"]["ownerReferences"].as_array().is_some_and(|o| o.iter().any(|o| o["uid"] == uid)))
        .collect())
}

/// `kubectl rollout status`: prints each new waiting message until the rollout is done.
fn rollout_status(ctx: &mut Ctx, rt: &'static ResourceType, name: &str) -> Outcome {
    let timeout_ms: u64 = 600_000;
    let mut waited = 0;
    let mut last = String::new();
    loop {
        let d = get_obj(ctx, rt, name)?;
        let (msg, done) = rollout_status_message(&d, name);
        if let Some(err) = msg.strip_prefix("error: ") {
            return Err(Fail::Text(format!("error: {err}")));
        }
        if msg != last {
            ctx.io.out(msg.clone());
            last = msg;
        }
        if done || ctx.flags.get("watch") == Some("false") {
            return Ok(());
        }
        if ctx.backend.can_hold() {
            crate::follow::hold_rollout_status(ctx, rt, name, last);
            return Ok(());
        }
        if waited >= timeout_ms {
            return Err(Fail::Text("error: timed out waiting for the condition\n".into()));
        }
        ctx.backend.wait(500);
        waited += 500;
    }
}

/// The status viewer of the object's kind (`polymorphichelpers.StatusViewerFor`).
pub(crate) fn rollout_status_message(d: &Value, name: &str) -> (String, bool) {
    let int = |v: &Value| v.as_i64().unwrap_or(0);
    match d["kind"].as_str() {
        Some("DaemonSet") => {
            if d["spec"]["updateStrategy"]["type"].as_str().unwrap_or("RollingUpdate") != "RollingUpdate" {
                return ("error: rollout status is only available for RollingUpdate strategy type\n".into(), true);
            }
            let st = &d["status"];
            if int(&d["metadata"]["generation"]) <= int(&st["observedGeneration"]) {
                let (updated, desired, available) = (int(&st["updatedNumberScheduled"]), int(&st["desiredNumberScheduled"]), int(&st["numberAvailable"]));
                if updated < desired {
                    return (format!("Waiting for daemon set {name:?} rollout to finish: {updated} out of {desired} new pods have been updated...\n"), false);
                }
                if available < desired {
                    return (format!("Waiting for daemon set {name:?} rollout to finish: {available} of {desired} updated pods are available...\n"), false);
                }
                return (format!("daemon set {name:?} successfully rolled out\n"), true);
            }
            ("Waiting for daemon set spec update to be observed...\n".into(), false)
        }
        Some("StatefulSet") => {
            let spec = &d["spec"];
            let st = &d["status"];
            if spec["updateStrategy"]["type"].as_str().unwrap_or("RollingUpdate") != "RollingUpdate" {
                return ("error: rollout status is only available for RollingUpdate strategy type\n".into(), true);
            }
            if int(&st["observedGeneration"]) == 0 || int(&d["metadata"]["generation"]) > int(&st["observedGeneration"]) {
                return ("Waiting for statefulset spec update to be observed...\n".into(), false);
            }
            let replicas = spec["replicas"].as_i64();
            if let Some(r) = replicas {
                if int(&st["readyReplicas"]) < r {
                    return (format!("Waiting for {} pods to be ready...\n", r - int(&st["readyReplicas"])), false);
                }
            }
            if spec["updateStrategy"]["rollingUpdate"].is_object() {
                if let (Some(r), Some(p)) = (replicas, spec["updateStrategy"]["rollingUpdate"]["partition"].as_i64()) {
                    if int(&st["updatedReplicas"]) < r - p {
                        return (format!("Waiting for partitioned roll out to finish: {} out of {} new pods have been updated...\n", int(&st["updatedReplicas"]), r - p), false);
                    }
                }
                return (format!("partitioned roll out complete: {} new pods have been updated...\n", int(&st["updatedReplicas"])), true);
            }
            let (cur, upd) = (st["currentRevision"].as_str().unwrap_or(""), st["updateRevision"].as_str().unwrap_or(""));
            if cur != upd {
                return (format!("waiting for statefulset rolling update to complete {} pods at revision {upd}...\n", int(&st["updatedReplicas"])), false);
            }
            (format!("statefulset rolling update complete {} pods at revision {cur}...\n", int(&st["currentReplicas"])), true)
        }
        _ => deployment_status_message(d, name),
    }
}

/// `DeploymentStatusViewer.Status`
pub(crate) fn deployment_status_message(d: &Value, name: &str) -> (String, bool) {
    let int = |v: &Value| v.as_i64().unwrap_or(0);
    let st = &d["status"];
    if int(&d["metadata"]["generation"]) > int(&st["observedGeneration"]) {
        return ("Waiting for deployment spec update to be observed...\n".into(), false);
    }
    let timed_out = st["conditions"].as_array().is_some_and(|cs| cs.iter().any(|c| c["type"] == "Progressing" && c["reason"] == "ProgressDeadlineExceeded"));
    if timed_out {
        return (format!("error: deployment \"{name}\" exceeded its progress deadline\n"), true);
    }
    let replicas = int(&d["spec"]["replicas"]);
    let updated = int(&st["updatedReplicas"]);
    if updated < replicas {
        return (format!("Waiting for deployment \"{name}\" rollout to finish: {updated} out of {replicas} new replicas have been updated...\n"), false);
    }
    if int(&st["replicas"]) > updated {
        return (format!("Waiting for deployment \"{name}\" rollout to finish: {} old replicas are pending termination...\n", int(&st["replicas"]) - updated), false);
    }
    if int(&st["availableReplicas"]) < updated {
        return (format!("Waiting for deployment \"{name}\" rollout to finish: {} of {updated} updated replicas are available...\n", int(&st["availableReplicas"])), false);
    }
    (format!("deployment \"{name}\" successfully rolled out\n"), true)
}

/// `kubectl expose deployment x --port=80 [--target-port] [--type] [--name]`
pub(crate) fn expose(ctx: &mut Ctx) -> Outcome {
    let words = ctx.flags.args.clone();
    let objs = targets(&words, "expose")?;
    for (rt, name) in objs {
        let obj = get_obj(ctx, rt, &name)?;
        let selector: Value = match rt.kind {
            "Pod" => obj["metadata"]["labels"].clone(),
            "Service" => obj["spec"]["selector"].clone(),
            _ => obj["spec"]["selector"]["matchLabels"].clone(),
        };
        if !selector.as_object().is_some_and(|m| !m.is_empty()) {
            return Err(Fail::Text(format!("error: couldn't retrieve selectors via --selector flag or introspection: the {} has no labels\n", rt.kind.to_ascii_lowercase())));
        }
        let port = match ctx.flags.get("port") {
            Some(p) => p.parse::<i64>().map_err(|_| Fail::Text(format!("error: invalid port: {p}\n")))?,
            None => {
                let spec = if rt.kind == "Pod" { &obj["spec"] } else { &obj["spec"]["template"]["spec"] };
                match spec["containers"][0]["ports"][0]["containerPort"].as_i64() {
                    Some(p) => p,
                    None => return Err(Fail::Text("error: couldn't find port via --port flag or introspection\nSee 'kubectl expose -h' for help and examples\n".into())),
                }
            }
        };
        let mut p = json!({"port": port, "protocol": ctx.flags.get("protocol").unwrap_or("TCP")});
        match ctx.flags.get("target-port") {
            Some(t) => p["targetPort"] = t.parse::<i64>().map(Value::from).unwrap_or(json!(t)),
            None => p["targetPort"] = json!(port),
        }
        let svc_name = ctx.flags.get("name").map(String::from).unwrap_or_else(|| name.clone());
        let mut svc = json!({
            "apiVersion": "v1", "kind": "Service",
            "metadata": {"name": svc_name, "labels": obj["metadata"]["labels"].clone()},
            "spec": {"ports": [p], "selector": selector},
        });
        if svc["metadata"]["labels"].is_null() {
            svc["metadata"].as_object_mut().map(|m| m.remove("labels"));
        }
        if let Some(t) = ctx.flags.get("type") {
            svc["spec"]["type"] = json!(t);
        }
        let svc_rt = resources::lookup("services").expect("registered");
        let ns = ctx.namespace.clone();
        match ctx.call(Request::new(Method::Post, svc_rt.collection_path(Some(&ns))).body(svc))? {
            Ok(_) => ctx.io.out(format!("service/{svc_name} exposed\n")),
            Err(e) => return Err(Fail::Text(server_error(&e))),
        }
    }
    Ok(())
}
