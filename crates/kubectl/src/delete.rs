//! `kubectl delete`: by type and name, `-f`, `-l`, `--all`; waits until objects are
//! gone, as kubectl does by default.

use kubeniwa_core::resources::ResourceType;
use kubeniwa_core::{Method, Request};
use serde_json::json;

use crate::apply::{mapping, read_sources, target};
use crate::get::select;
use crate::{server_error, Ctx, Fail, Outcome};

/// How long kubectl waits for a deletion, in simulated time, before giving up.
const WAIT_LIMIT_MS: u64 = 24 * 3600 * 1000;

pub(crate) fn run(ctx: &mut Ctx) -> Outcome {
    let mut targets: Vec<(&'static ResourceType, Option<String>, String)> = Vec::new();
    let mut errors = String::new();
    if !ctx.flags.all("filename").is_empty() {
        for doc in read_sources(ctx, "delete")? {
            let rt = mapping(&doc)?;
            let t = target(ctx, rt, &doc)?;
            targets.push((rt, t.ns, t.name));
        }
    } else {
        let args = ctx.flags.args.clone();
        if args.is_empty() {
            return Err(Fail::Text(
                "error: You must provide one or more resources by argument or filename.\nExample resource specifications include:\n   '-f rsrc.yaml'\n   '--filename=rsrc.json'\n   '<resource> <name>'\n   '<resource>'\n".into(),
            ));
        }
        let sel = select(&args, "delete")?;
        let all = ctx.flags.flag("all");
        let label = ctx.flags.get("selector").map(String::from);
        for (rt, names) in sel.groups {
            let ns = if rt.namespaced { Some(ctx.namespace.clone()) } else { None };
            if names.is_empty() {
                if !all && label.is_none() {
                    return Err(Fail::Text("error: resource(s) were provided, but no name was specified\n".into()));
                }
                let mut req = Request::get(rt.collection_path(ns.as_deref()));
                if let Some(l) = &label {
                    req = req.query("labelSelector", l.clone());
                }
                match ctx.call(req)? {
                    Ok(list) => {
                        for item in list["items"].as_array().cloned().unwrap_or_default() {
                            targets.push((rt, ns.clone(), item["metadata"]["name"].as_str().unwrap_or("").to_string()));
                        }
                    }
                    Err(e) => errors.push_str(&server_error(&e)),
                }
            } else {
                for n in names {
                    targets.push((rt, ns.clone(), n));
                }
            }
        }
        if targets.is_empty() && errors.is_empty() {
            ctx.io.err(format!("No resources found in {} namespace.\n", ctx.namespace));
            return Ok(());
        }
    }
    let grace: Option<i64> = match ctx.flags.get("grace-period") {
        Some(g) => Some(g.parse().map_err(|_| Fail::Text(format!("error: invalid argument \"{g}\" for \"--grace-period\" flag: strconv.ParseInt: parsing \"{g}\": invalid syntax\n")))?),
        None if ctx.flags.flag("now") => Some(1),
        None => None,
    };
    let force = ctx.flags.flag("force");
    if force && grace.is_none_or(|g| g == 0) {
        ctx.io.err("Warning: Immediate deletion does not wait for confirmation that the running resource has been terminated. The resource may continue to run on the cluster indefinitely.\n");
    }
    let grace = if force && grace.is_none() { Some(0) } else { grace };
    let wait = ctx.flags.get("wait").is_none_or(|w| w != "false");
    let mut pending: Vec<(String, String)> = Vec::new();
    for (rt, ns, name) in targets {
        let mut req = Request::new(Method::Delete, rt.object_path(ns.as_deref(), &name));
        let mut options = json!({"propagationPolicy": "Background"});
        if let Some(g) = grace {
            options["gracePeriodSeconds"] = json!(g);
        }
        req = req.body(options);
        match ctx.call(req)? {
            Ok(deleted) => {
                let ns_part = ns.as_deref().map(|n| format!(" from {n} namespace")).unwrap_or_default();
                ctx.io.out(format!("{} \"{name}\" deleted{ns_part}\n", rt.kind_group()));
                let uid = deleted["metadata"]["uid"].as_str().unwrap_or("").to_string();
                pending.push((rt.object_path(ns.as_deref(), &name), uid));
            }
            Err(e) if e.reason == "NotFound" && ctx.flags.flag("ignore-not-found") => {}
            Err(e) => errors.push_str(&server_error(&e)),
        }
    }
    if wait && grace != Some(0) {
        let mut waited = 0;
        while !pending.is_empty() && waited < WAIT_LIMIT_MS {
            let mut still = Vec::new();
            // Waits for the object with that uid: one recreated under the same name
            // (a StatefulSet's pod) is another object.
            for (path, uid) in std::mem::take(&mut pending) {
                if let Ok(Ok(obj)) = ctx.call(Request::get(path.clone())) {
                    if uid.is_empty() || obj["metadata"]["uid"] == uid.as_str() {
                        still.push((path, uid));
                    }
                }
            }
            pending = still;
            if pending.is_empty() {
                break;
            }
            ctx.backend.wait(250);
            waited += 250;
        }
    }
    if !errors.is_empty() {
        ctx.io.err(errors);
        return Err(Fail::Silent);
    }
    Ok(())
}
