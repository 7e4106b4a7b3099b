//! `kubectl set env` and `kubectl set resources` (`pkg/cmd/set`): change the
//! containers of a pod template, print `<kind>/<name> env updated` (or `resource
//! requirements updated`), and nothing when nothing changed.

use kubeniwa_core::resources::ResourceType;
use kubeniwa_core::{Method, Request};
use serde_json::{json, Map, Value};

use crate::get::select;
use crate::{server_error, Ctx, Fail, Outcome};

/// The objects named on the command line (`TYPE/NAME`, `TYPE NAME`, `TYPE -l`, `--all`).
fn objects(ctx: &mut Ctx, words: &[String]) -> Result<Vec<(&'static ResourceType, Value)>, Fail> {
    if words.is_empty() {
        return Err(Fail::Text("error: one or more resources must be specified as <resource> <name> or <resource>/<name>\n".into()));
    }
    let sel = select(words, "set")?;
    let mut out = Vec::new();
    for (rt, names) in sel.groups {
        let ns = rt.namespaced.then(|| ctx.namespace.clone());
        if names.is_empty() {
            let selector = ctx.flags.get("selector").map(String::from);
            if selector.is_none() && !ctx.flags.flag("all") {
                return Err(Fail::Text("error: resource(s) were provided, but no name was specified\n".into()));
            }
            let mut req = Request::get(rt.collection_path(ns.as_deref()));
            if let Some(l) = selector {
                req = req.query("labelSelector", l);
            }
            match ctx.call(req)? {
                Ok(list) => {
                    for mut item in list["items"].as_array().cloned().unwrap_or_default() {
                        item["apiVersion"] = json!(rt.api_version());
                        item["kind"] = json!(rt.kind);
                        out.push((rt, item));
                    }
                }
                Err(e) => return Err(Fail::Text(server_error(&e))),
            }
        } else {
            for n in names {
                match ctx.call(Request::get(rt.object_path(ns.as_deref(), &n)))? {
                    Ok(o) => out.push((rt, o)),
                    Err(e) => return Err(Fail::Text(server_error(&e))),
                }
            }
        }
    }
    Ok(out)
}

/// Where the pod spec is in an object of this kind.
fn spec_path(kind: &str) -> &'static [&'static str] {
    match kind {
        "Pod" => &["spec"],
        "CronJob" => &["spec", "jobTemplate", "spec", "template", "spec"],
        _ => &["spec", "template", "spec"],
    }
}

fn pod_spec_mut<'a>(obj: &'a mut Value, kind: &str) -> &'a mut Value {
    let mut cur = obj;
    for p in spec_path(kind) {
        cur = &mut cur[*p];
    }
    cur
}

/// Sends the changed object back; prints `verb` unless nothing changed.
fn update(ctx: &mut Ctx, rt: &ResourceType, before: &Value, after: Value, verb: &str, errors: &mut Vec<String>, wrap: &str) -> Result<(), Fail> {
    let name = before["metadata"]["name"].as_str().unwrap_or("").to_string();
    if *before == after {
        return Ok(());
    }
    let ns = rt.namespaced.then(|| ctx.namespace.clone());
    let mut req = Request::new(Method::Put, rt.object_path(ns.as_deref(), &name)).body(after);
    if ctx.flags.get("dry-run") == Some("server") {
        req = req.query("dryRun", "All");
    }
    if ctx.flags.get("dry-run") == Some("client") {
        ctx.io.out(format!("{}/{name} {verb} (dry run)\n", rt.kind_group()));
        return Ok(());
    }
    match ctx.call(req)? {
        Ok(_) => {
            let suffix = if ctx.flags.get("dry-run") == Some("server") { " (server dry run)" } else { "" };
            ctx.io.out(format!("{}/{name} {verb}{suffix}\n", rt.kind_group()));
        }
        Err(e) => errors.push(format!("{wrap}{}", e.message)),
    }
    Ok(())
}

/// `kubectl set env TYPE/NAME KEY=VAL... KEY-... [-e KEY=VAL] [--from=configmap/x] [--list]`
pub(crate) fn env(ctx: &mut Ctx, words: &[String]) -> Outcome {
    // Resources come first, then the changes (`KEY=VAL`, `KEY-`, `-`).
    let split = words.iter().position(|w| w.contains('=') || w.ends_with('-')).unwrap_or(words.len());
    let (resource_words, changes) = words.split_at(split);
    if let Some(bad) = changes.iter().find(|w| !(w.contains('=') || w.ends_with('-'))) {
        let _ = bad;
        return Err(Fail::Text(format!("error: all resources must be specified before environment changes: {}\n", changes.join(" "))));
    }
    let mut env: Vec<Value> = Vec::new();
    let mut remove: Vec<String> = Vec::new();
    for c in ctx.flags.all("env").iter().map(String::as_str).chain(changes.iter().map(String::as_str)) {
        if let Some((k, v)) = c.split_once('=') {
            env.push(json!({"name": k, "value": v}));
        } else if let Some(k) = c.strip_suffix('-') {
            remove.push(k.to_string());
        }
    }
    if let Some(from) = ctx.flags.get("from").map(String::from) {
        let (kind, name) = from.split_once('/').unwrap_or((from.as_str(), ""));
        let (resource, ref_field) = match kind {
            "configmap" | "configmaps" | "cm" => ("configmaps", "configMapKeyRef"),
            "secret" | "secrets" => ("secrets", "secretKeyRef"),
            _ => return Err(Fail::Text("error: unsupported resource specified in --from\n".into())),
        };
        let obj = match ctx.call(Request::get(format!("/api/v1/namespaces/{}/{resource}/{name}", ctx.namespace)))? {
            Ok(o) => o,
            Err(e) => return Err(Fail::Text(server_error(&e))),
        };
        let keys_wanted: Vec<String> = ctx.flags.all("keys").iter().flat_map(|k| k.split(',').map(String::from).collect::<Vec<_>>()).collect();
        let prefix = ctx.flags.get("prefix").unwrap_or("").to_string();
        // Go ranges over the map in random order; sorted keys are one of its orders.
        let data: Vec<String> = obj["data"].as_object().map(|m| m.keys().cloned().collect()).unwrap_or_default();
        for key in data {
            if !keys_wanted.is_empty() && !keys_wanted.contains(&key) {
                continue;
            }
            let env_name: String = key.chars().map(|c| if c.is_ascii_alphanumeric() || c == '_' { c.to_ascii_uppercase() } else { '_' }).collect();
            if env_name != key {
                ctx.io.err(format!("Warning: key {key} transferred to {env_name}\n"));
            }
            env.push(json!({"name": format!("{prefix}{env_name}"), "valueFrom": {ref_field: {"key": key, "name": name}}}));
        }
    }
    let overwrite = ctx.flags.get("overwrite") != Some("false");
    let list = ctx.flags.flag("list");
    let container_sel = ctx.flags.get("containers").unwrap_or("*").to_string();
    let mut errors: Vec<String> = Vec::new();
    for (rt, before) in objects(ctx, resource_words)? {
        let name = before["metadata"]["name"].as_str().unwrap_or("").to_string();
        let mut after = before.clone();
        let spec = pod_spec_mut(&mut after, rt.kind);
        let mut matched = 0;
        let mut failure = None;
        let mut listing = String::new();
        for field in ["containers", "initContainers"] {
            let Some(cs) = spec.get_mut(field).and_then(Value::as_array_mut) else { continue };
            for c in cs.iter_mut() {
                if !glob_match(&container_sel, c["name"].as_str().unwrap_or("")) {
                    continue;
                }
                matched += 1;
                let existing = c["env"].as_array().cloned().unwrap_or_default();
                if !overwrite {
                    if let Some(e) = env.iter().find_map(|e| existing.iter().find(|x| x["name"] == e["name"] && x.get("value") != e.get("value"))) {
                        failure = Some(format!("'{}' already has a value ({}), and --overwrite is false", e["name"].as_str().unwrap_or(""), e["value"].as_str().unwrap_or("")));
                        break;
                    }
                }
                let updated = update_env(&existing, &env, &remove);
                if list {
                    listing.push_str(&format!("# {} {name}, container {}\n", rt.kind, c["name"].as_str().unwrap_or("")));
                    for e in &updated {
                        match e.get("valueFrom") {
                            None => listing.push_str(&format!("{}={}\n", e["name"].as_str().unwrap_or(""), e["value"].as_str().unwrap_or(""))),
                            Some(from) => listing.push_str(&format!("# {} from {}\n", e["name"].as_str().unwrap_or(""), ref_string(from))),
                        }
                    }
                }
                if updated.is_empty() {
                    if let Some(m) = c.as_object_mut() {
                        m.remove("env");
                    }
                } else {
                    c["env"] = Value::Array(updated);
                }
            }
        }
        if matched == 0 {
            ctx.io.err(format!("Warning: {}/{name} does not have any containers matching {container_sel:?}\n", rt.kind));
            continue;
        }
        if let Some(f) = failure {
            errors.push(format!("error: {}/{name} {f}", rt.plural));
            continue;
        }
        if list {
            ctx.io.out(listing);
            continue;
        }
        update(ctx, rt, &before, after, "env updated", &mut errors, "failed to patch env update to pod template: ")?;
    }
    finish(errors)
}

fn finish(errors: Vec<String>) -> Outcome {
    match errors.len() {
        0 => Ok(()),
        1 if errors[0].starts_with("error: ") => Err(Fail::Text(format!("{}\n", errors[0]))),
        1 => Err(Fail::Text(format!("error: {}\n", errors[0]))),
        _ => Err(Fail::Text(errors.iter().map(|e| format!("{e}\n")).collect())),
    }
}

/// `updateEnv`: replaced in place, removed, new ones appended.
fn update_env(existing: &[Value], env: &[Value], remove: &[String]) -> Vec<Value> {
    let mut covered: Vec<String> = remove.to_vec();
    let mut out = Vec::new();
    for e in existing {
        let name = e["name"].as_str().unwrap_or("").to_string();
        if covered.contains(&name) {
            continue;
        }
        if let Some(newer) = env.iter().rev().find(|x| x["name"] == name.as_str()) {
            covered.push(name);
            out.push(newer.clone());
            continue;
        }
        out.push(e.clone());
    }
    for e in env {
        let name = e["name"].as_str().unwrap_or("").to_string();
        if covered.contains(&name) {
            continue;
        }
        covered.push(name);
        out.push(e.clone());
    }
    out
}

/// `envutil.GetEnvVarRefString`.
fn ref_string(from: &Value) -> String {
    if let Some(r) = from.get("configMapKeyRef") {
        return format!("configmap {}, key {}", r["name"].as_str().unwrap_or(""), r["key"].as_str().unwrap_or(""));
    }
    if let Some(r) = from.get("secretKeyRef") {
        return format!("secret {}, key {}", r["name"].as_str().unwrap_or(""), r["key"].as_str().unwrap_or(""));
    }
    if let Some(r) = from.get("fieldRef") {
        return format!("field path {}", r["fieldPath"].as_str().unwrap_or(""));
    }
    if let Some(r) = from.get("resourceFieldRef") {
        let c = r["containerName"].as_str().unwrap_or("");
        let c = if c.is_empty() { String::new() } else { format!("{c} ") };
        return format!("resource {c}{}", r["resource"].as_str().unwrap_or(""));
    }
    "invalid valueFrom".into()
}

/// `filepath.Match` for container selectors (`*`, `nginx`, `web-*`).
fn glob_match(pattern: &str, name: &str) -> bool {
    fn go(p: &[char], n: &[char]) -> bool {
        match p.split_first() {
            None => n.is_empty(),
            Some(('*', rest)) => (0..=n.len()).any(|i| go(rest, &n[i..])),
            Some(('?', rest)) => !n.is_empty() && go(rest, &n[1..]),
            Some((c, rest)) => n.first() == Some(c) && go(rest, &n[1..]),
        }
    }
    go(&pattern.chars().collect::<Vec<_>>(), &name.chars().collect::<Vec<_>>())
}

/// `kubectl set resources TYPE/NAME [--limits=cpu=200m,memory=512Mi] [--requests=...] [-c NAME]`
pub(crate) fn resources(ctx: &mut Ctx, words: &[String]) -> Outcome {
    let limits = parse_requirements(ctx.flags.get("limits").unwrap_or(""))?;
    let requests = parse_requirements(ctx.flags.get("requests").unwrap_or(""))?;
    if limits.is_empty() && requests.is_empty() {
        return Err(Fail::Text("error: you must specify an update to requests or limits (in the form of --requests/--limits)\n".into()));
    }
    let container_sel = ctx.flags.get("containers").unwrap_or("*").to_string();
    let mut errors = Vec::new();
    for (rt, before) in objects(ctx, words)? {
        let mut after = before.clone();
        let spec = pod_spec_mut(&mut after, rt.kind);
        let mut matched = false;
        for field in ["initContainers", "containers"] {
            let Some(cs) = spec.get_mut(field).and_then(Value::as_array_mut) else { continue };
            for c in cs.iter_mut().filter(|c| glob_match(&container_sel, c["name"].as_str().unwrap_or(""))) {
                matched = true;
                for (section, values) in [("limits", &limits), ("requests", &requests)] {
                    if values.is_empty() {
                        continue;
                    }
                    if !c["resources"].is_object() {
                        c["resources"] = json!({});
                    }
                    if !c["resources"][section].is_object() {
                        c["resources"][section] = json!({});
                    }
                    for (k, v) in values {
                        c["resources"][section][k] = json!(v);
                    }
                }
            }
        }
        if !matched {
            errors.push(format!("unable to find container named {container_sel}"));
            continue;
        }
        update(ctx, rt, &before, after, "resource requirements updated", &mut errors, "failed to patch resources update to pod template ")?;
    }
    finish(errors)
}

/// `cpu=200m,memory=512Mi`, each quantity checked as `resource.ParseQuantity` does.
fn parse_requirements(text: &str) -> Result<Map<String, Value>, Fail> {
    let mut out = Map::new();
    for part in text.split(',').filter(|p| !p.is_empty()) {
        let Some((k, v)) = part.split_once('=') else {
            return Err(Fail::Text(format!("error: invalid argument syntax {part}\n")));
        };
        if kubeniwa_core::quantity::parse_milli(v).is_err() {
            return Err(Fail::Text("error: quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'\n".into()));
        }
        out.insert(k.to_string(), json!(v));
    }
    Ok(out)
}
