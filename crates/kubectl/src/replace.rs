//! `kubectl replace -f FILE [--force]` and `kubectl autoscale TYPE/NAME --max=N
//! [--min=N] [--cpu=X|--cpu-percent=N] [--memory=X]` (`pkg/cmd/replace`,
//! `pkg/cmd/autoscale`).

use kubeniwa_core::resources::ResourceType;
use kubeniwa_core::{Method, Request};
use serde_json::{json, Value};

use crate::apply::{mapping, read_sources, target, Target};
use crate::{server_error, server_error_in, Ctx, Fail, Outcome};

/// How long `replace --force` waits for the old object to go, at most.
const FORCE_WAIT_MS: u64 = 600_000;

/// `kubectl replace -f FILE`: a PUT of each object as written (`--force`: delete, wait
/// until it is gone, create).
pub(crate) fn replace(ctx: &mut Ctx) -> Outcome {
    let docs = read_sources(ctx, "replace")?;
    let force = ctx.flags.flag("force");
    let mut failed = false;
    for doc in docs {
        let rt = match mapping(&doc) {
            Ok(rt) => rt,
            Err(Fail::Text(t)) => {
                ctx.io.err(t);
                failed = true;
                continue;
            }
            Err(e) => return Err(e),
        };
        let Target { ns, name, mut obj } = target(ctx, rt, &doc)?;
        let path = rt.object_path(ns.as_deref(), &name);
        if force {
            match ctx.call(Request::new(Method::Delete, path.clone()))? {
                Ok(_) => {
                    let from = ns.as_deref().map(|n| format!(" from {n} namespace")).unwrap_or_default();
                    ctx.io.out(format!("{} \"{name}\" deleted{from}\n", rt.kind_group()));
                    let mut waited = 0;
                    while waited < FORCE_WAIT_MS {
                        match ctx.call(Request::get(path.clone()))? {
                            Err(e) if e.reason == "NotFound" => break,
                            _ => {}
                        }
                        ctx.backend.wait(1000);
                        waited += 1000;
                    }
                }
                Err(e) if e.reason == "NotFound" => {}
                Err(e) => {
                    ctx.io.err(server_error(&e));
                    failed = true;
                    continue;
                }
            }
            if let Some(m) = obj["metadata"].as_object_mut() {
                m.remove("resourceVersion");
            }
            match ctx.call(Request::new(Method::Post, rt.collection_path(ns.as_deref())).body(obj))? {
                Ok(_) => ctx.io.out(format!("{}/{name} replaced\n", rt.kind_group())),
                Err(e) => {
                    ctx.io.err(server_error_in(&e, Some(&format!("error when replacing \"{}\"", doc.source))));
                    failed = true;
                }
            }
            continue;
        }
        match ctx.call(Request::new(Method::Put, path).body(obj))? {
            Ok(_) => ctx.io.out(format!("{}/{name} replaced\n", rt.kind_group())),
            Err(e) => {
                ctx.io.err(server_error_in(&e, Some(&format!("error when replacing \"{}\"", doc.source))));
                failed = true;
            }
        }
    }
    if failed {
        Err(Fail::Silent)
    } else {
        Ok(())
    }
}

/// `kubectl autoscale`: an `autoscaling/v2` HorizontalPodAutoscaler, as kubectl 1.35
/// creates it first.
pub(crate) fn autoscale(ctx: &mut Ctx) -> Outcome {
    if ctx.flags.has("cpu-percent") {
        ctx.io.err("Flag --cpu-percent has been deprecated, Use --cpu with percentage or resource quantity format (e.g., '70%' for utilization or '500m' for milliCPU).\n");
    }
    let int = |ctx: &Ctx, f: &str, default: i64| -> Result<i64, Fail> {
        match ctx.flags.get(f) {
            None => Ok(default),
            Some(v) => v.parse::<i32>().map(i64::from).map_err(|_| Fail::Text(format!("error: invalid argument \"{v}\" for \"--{f}\" flag: strconv.ParseInt: parsing \"{v}\": invalid syntax\nSee 'kubectl autoscale --help' for usage.\n"))),
        }
    };
    let min = int(ctx, "min", -1)?;
    let cpu_percent = int(ctx, "cpu-percent", -1)?;
    if !ctx.flags.has("max") {
        return Err(Fail::Text("error: required flag(s) \"max\" not set\n".into()));
    }
    let max = int(ctx, "max", -1)?;
    if max < 1 {
        return Err(Fail::Text(format!("error: --max=MAXPODS is required and must be at least 1, max: {max}\n")));
    }
    if max < min {
        return Err(Fail::Text(format!("error: --max=MAXPODS must be larger or equal to --min=MINPODS, max: {max}, min: {min}\n")));
    }
    let cpu = ctx.flags.get("cpu").map(String::from);
    let memory = ctx.flags.get("memory").map(String::from);
    if cpu_percent >= 0 && cpu.is_some() {
        return Err(Fail::Text("error: --cpu-percent and --cpu are mutually exclusive\n".into()));
    }
    let words = ctx.flags.args.clone();
    let sel = crate::get::select(&words, "autoscale")?;
    let mut count = 0;
    for (rt, names) in sel.groups {
        for name in names {
            let ns = ctx.namespace.clone();
            if let Err(e) = ctx.call(Request::get(rt.object_path(Some(&ns), &name)))? {
                return Err(Fail::Text(server_error(&e)));
            }
            if !matches!(rt.kind, "Deployment" | "ReplicaSet" | "StatefulSet" | "ReplicationController") {
                return Err(Fail::Text(format!("error: cannot autoscale a {}: could not find scale subresource for {}/{}, Resource={} in discovery information\n", rt.kind, rt.group, rt.version, rt.plural)));
            }
            let hpa = hpa_v2(ctx, rt, &name, min, max, cpu_percent, cpu.as_deref(), memory.as_deref())?;
            let hpa_name = hpa["metadata"]["name"].as_str().unwrap_or("").to_string();
            count += 1;
            let output = ctx.flags.get("output").map(String::from);
            if ctx.flags.get("dry-run") == Some("client") {
                print_hpa(ctx, &hpa, &hpa_name, output.as_deref(), "created (dry run)");
                continue;
            }
            let mut req = Request::new(Method::Post, format!("/apis/autoscaling/v2/namespaces/{ns}/horizontalpodautoscalers")).body(hpa);
            if ctx.flags.get("dry-run") == Some("server") {
                req = req.query("dryRun", "All");
            }
            match ctx.call(req)? {
                Ok(created) => {
                    let verb = if ctx.flags.get("dry-run") == Some("server") { "autoscaled (server dry run)" } else { "autoscaled" };
                    print_hpa(ctx, &created, &hpa_name, output.as_deref(), verb);
                }
                Err(e) => return Err(Fail::Text(server_error(&e))),
            }
        }
    }
    if count == 0 {
        return Err(Fail::Text("error: no objects passed to autoscale\n".into()));
    }
    Ok(())
}

fn print_hpa(ctx: &mut Ctx, hpa: &Value, name: &str, output: Option<&str>, verb: &str) {
    match output {
        Some("yaml") => ctx.io.out(kubeniwa_format::yaml::to_string(hpa)),
        Some("json") => ctx.io.out(kubeniwa_format::json::to_string_pretty(hpa)),
        Some("name") => ctx.io.out(format!("horizontalpodautoscaler.autoscaling/{name}\n")),
        _ => ctx.io.out(format!("horizontalpodautoscaler.autoscaling/{name} {verb}\n")),
    }
}

#[allow(clippy::too_many_arguments)]
fn hpa_v2(ctx: &Ctx, rt: &ResourceType, target: &str, min: i64, max: i64, cpu_percent: i64, cpu: Option<&str>, memory: Option<&str>) -> Result<Value, Fail> {
    let name = ctx.flags.get("name").unwrap_or(target).to_string();
    let mut hpa = json!({
        "apiVersion": "autoscaling/v2",
        "kind": "HorizontalPodAutoscaler",
        "metadata": {"name": name},
        "spec": {
            "scaleTargetRef": {"apiVersion": rt.api_version(), "kind": rt.kind, "name": target},
            "maxReplicas": max,
        },
    });
    if min > 0 {
        hpa["spec"]["minReplicas"] = json!(min);
    }
    if ctx.namespace_explicit {
        hpa["metadata"]["namespace"] = json!(ctx.namespace);
    }
    let mut metrics = Vec::new();
    if cpu_percent > 0 {
        metrics.push(json!({"type": "Resource", "resource": {"name": "cpu", "target": {"type": "Utilization", "averageUtilization": cpu_percent}}}));
    }
    for (resource, input) in [("cpu", cpu), ("memory", memory)] {
        let Some(input) = input else { continue };
        let input = input.trim();
        let target = if let Some(p) = input.strip_suffix('%') {
            let v: i64 = p.parse().map_err(|_| Fail::Text(format!("error: failed to create HorizontalPodAutoscaler using autoscaling/v2 API: invalid percentage value: {input}\n")))?;
            json!({"type": "Utilization", "averageUtilization": v})
        } else {
            // A bare number is milliCPU or mebibytes.
            let q = if input.chars().all(|c| c.is_ascii_digit()) { format!("{input}{}", if resource == "cpu" { "m" } else { "Mi" }) } else { input.to_string() };
            if kubeniwa_core::quantity::parse_milli(&q).is_err() {
                return Err(Fail::Text(format!("error: failed to create HorizontalPodAutoscaler using autoscaling/v2 API: invalid resource quantity: {input}\n")));
            }
            json!({"type": "AverageValue", "averageValue": q})
        };
        metrics.push(json!({"type": "Resource", "resource": {"name": resource, "target": target}}));
    }
    if !metrics.is_empty() {
        hpa["spec"]["metrics"] = Value::Array(metrics);
    }
    Ok(hpa)
}
