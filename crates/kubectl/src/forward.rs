//! `kubectl port-forward TYPE/NAME [LOCAL:]REMOTE...`
//!
//! Typed alone at the prompt it holds the terminal until Ctrl-C (or until its pod
//! goes: `error: lost connection to pod`), as the real command does. Anywhere else
//! (`kubectl port-forward ... &`, a script) the forward starts and the command
//! returns at once, as a background job would, so a learner with one terminal can
//! `curl localhost:PORT` next; that forward ends when its pod goes.

use kubeniwa_core::resources;
use kubeniwa_core::selectors::LabelSelector;
use kubeniwa_core::Request;
use serde_json::Value;

use crate::{server_error, Ctx, Fail, Outcome};

pub(crate) fn run(ctx: &mut Ctx) -> Outcome {
    let args = ctx.flags.args.clone();
    if args.len() < 2 {
        return Err(Fail::Text("error: TYPE/NAME and list of ports are required for port-forward\nSee 'kubectl port-forward -h' for help and examples\n".into()));
    }
    let (kind, name) = match args[0].split_once('/') {
        Some((k, n)) => (k.to_string(), n.to_string()),
        None => ("pod".to_string(), args[0].clone()),
    };
    let rt = resources::lookup(&kind).ok_or_else(|| Fail::Text(format!("error: the server doesn't have a resource type \"{kind}\"\n")))?;
    let ns = ctx.namespace.clone();
    let obj = match ctx.call(Request::get(rt.object_path(Some(&ns), &name)))? {
        Ok(o) => o,
        Err(e) => return Err(Fail::Text(server_error(&e))),
    };
    // A workload or a Service forwards to one of its pods.
    let pod = if rt.kind == "Pod" {
        obj.clone()
    } else {
        let selector = match rt.kind {
            "Service" => serde_json::json!({ "matchLabels": obj["spec"]["selector"].clone() }),
            _ => obj["spec"]["selector"].clone(),
        };
        let sel = LabelSelector::from_object(&selector);
        let pods = match ctx.call(Request::get(format!("/api/v1/namespaces/{ns}/pods")))? {
            Ok(list) => list["items"].as_array().cloned().unwrap_or_default(),
            Err(e) => return Err(Fail::Text(server_error(&e))),
        };
        let mut candidates: Vec<Value> = pods.into_iter().filter(|p| sel.matches(p["metadata"].get("labels")) && p["metadata"]["deletionTimestamp"].is_null()).collect();
        candidates.sort_by_key(|p| (p["status"]["phase"] != "Running", p["metadata"]["name"].as_str().unwrap_or("").to_string()));
        match candidates.into_iter().next() {
            Some(p) => p,
            None => return Err(Fail::Text(format!("error: timed out waiting for the condition\n"))),
        }
    };
    let phase = pod["status"]["phase"].as_str().unwrap_or("Pending");
    if phase != "Running" {
        return Err(Fail::Text(format!("error: unable to forward port because pod is not running. Current status={phase}\n")));
    }
    let mut ports = Vec::new();
    for spec in &args[1..] {
        let (local, remote) = match spec.split_once(':') {
            Some((l, r)) => (l.to_string(), r.to_string()),
            None => (spec.clone(), spec.clone()),
        };
        if remote.is_empty() {
            return Err(Fail::Text("error: remote port cannot be empty\n".into()));
        }
        // A Service port maps to its target port; a named port to the container's.
        let remote_port = resolve_remote(&obj, &pod, rt.kind, &remote).ok_or_else(|| Fail::Text(format!("error: Service {name} does not have a service port {remote}\n")))?;
        let local_port: u16 = if local.is_empty() {
            0
        } else {
            local.parse().map_err(|_| Fail::Text(format!("error: Error parsing local port '{local}': strconv.ParseUint: parsing \"{local}\": invalid syntax\n")))?
        };
        ports.push((local_port, remote_port));
    }
    let server = ctx.server.clone().unwrap_or_default();
    let pod_name = pod["metadata"]["name"].as_str().unwrap_or("").to_string();
    // Ports given as `:REMOTE` get a free local port.
    let mut chosen = Vec::new();
    let mut next_free = 36_000u16;
    for (l, r) in ports {
        let l = if l == 0 {
            next_free += 17;
            next_free
        } else {
            l
        };
        chosen.push((l, r));
    }
    ctx.backend.port_forward(&server, &ns, &pod_name, &chosen).map_err(|e| Fail::Text(format!("{e}\n")))?;
    for (l, r) in &chosen {
        ctx.io.out(format!("Forwarding from 127.0.0.1:{l} -> {r}\nForwarding from [::1]:{l} -> {r}\n"));
    }
    if ctx.backend.can_hold() {
        let locals: Vec<u16> = chosen.iter().map(|(l, _)| *l).collect();
        crate::follow::hold_forward(ctx, &ns, &pod, &locals);
    }
    Ok(())
}

fn resolve_remote(obj: &Value, pod: &Value, kind: &str, remote: &str) -> Option<u16> {
    let named = |name: &str| -> Option<u16> {
        pod["spec"]["containers"]
            .as_array()?
            .iter()
            .flat_map(|c| c["ports"].as_array().cloned().unwrap_or_default())
            .find(|p| p["name"] == name)
            .and_then(|p| p["containerPort"].as_u64())
            .map(|p| p as u16)
    };
    if kind == "Service" {
        let port: u16 = remote.parse().ok()?;
        let sp = obj["spec"]["ports"].as_array()?.iter().find(|p| p["port"].as_u64() == Some(port as u64))?;
        return match &sp["targetPort"] {
            Value::Number(n) => n.as_u64().map(|n| n as u16),
            Value::String(s) => named(s),
            _ => Some(port),
        };
    }
    remote.parse().ok().or_else(|| named(remote))
}
