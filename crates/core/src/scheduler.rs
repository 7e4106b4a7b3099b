//! The scheduler: binds pending pods to nodes (filter, then score), and explains why
//! when it cannot (`FailedScheduling`).

use serde_json::{json, Value};

use crate::cluster::{Cluster, ObjKey};

/// Binds every unscheduled pod that some node can take.
pub fn schedule_pending(cluster: &mut Cluster) {
    for key in cluster.list_keys("pods") {
        let Some(pod) = cluster.get(&key) else { continue };
        let unscheduled = pod["spec"]["nodeName"].as_str().is_none_or(str::is_empty)
            && pod["metadata"]["deletionTimestamp"].is_null()
            && pod["spec"]["schedulerName"].as_str().unwrap_or("default-scheduler") == "default-scheduler";
        if !unscheduled {
            continue;
        }
        let pod = pod.clone();
        let nodes: Vec<Value> = cluster.list("nodes", None).into_iter().cloned().collect();
        let fits: Vec<&Value> = nodes.iter().filter(|n| node_fits(n, &pod)).collect();
        match fits.first() {
            Some(node) => {
                let name = node["metadata"]["name"].as_str().unwrap_or("").to_string();
                bind(cluster, &key, &name);
            }
            None => {
                let already = pod["status"]["conditions"].as_array().is_some_and(|c| c.iter().any(|c| c["type"] == "PodScheduled"));
                if !already {
                    let message = explain(&nodes, &pod);
                    let now = crate::time::rfc3339(cluster.now);
                    cluster.modify(&key, |p| {
                        p["status"]["conditions"] = json!([{
                            "lastProbeTime": null,
                            "lastTransitionTime": now,
                            "message": message,
                            "reason": "Unschedulable",
                            "status": "False",
                            "type": "PodScheduled",
                        }]);
                    });
                    cluster.emit_event(&pod, None, "Warning", "FailedScheduling", "default-scheduler", message);
                }
            }
        }
    }
}

fn untolerated_taint(node: &Value, pod: &Value) -> Option<String> {
    let tolerations = pod["spec"]["tolerations"].as_array().cloned().unwrap_or_default();
    for taint in node["spec"]["taints"].as_array().into_iter().flatten() {
        let effect = taint["effect"].as_str().unwrap_or("");
        if effect == "PreferNoSchedule" {
            continue;
        }
        let tolerated = tolerations.iter().any(|t| {
            let key_ok = t["key"].is_null() && t["operator"] == "Exists" || t["key"] == taint["key"];
            let op_ok = t["operator"] == "Exists" || t["value"] == taint["value"] || (t["value"].is_null() && taint["value"].is_null());
            let effect_ok = t["effect"].is_null() || t["effect"] == taint["effect"] || t["effect"] == "";
            key_ok && op_ok && effect_ok
        });
        if !tolerated {
            let key = taint["key"].as_str().unwrap_or("");
            let value = taint["value"].as_str().map(|v| format!(": {v}")).unwrap_or_default();
            return Some(format!("{{{key}{value}}}"));
        }
    }
    None
}

fn selector_matches(node: &Value, pod: &Value) -> bool {
    let labels = &node["metadata"]["labels"];
    pod["spec"]["nodeSelector"].as_object().is_none_or(|sel| sel.iter().all(|(k, v)| labels.get(k) == Some(v)))
}

fn node_fits(node: &Value, pod: &Value) -> bool {
    node["spec"]["unschedulable"] != true && untolerated_taint(node, pod).is_none() && selector_matches(node, pod)
}

/// `0/1 nodes are available: 1 node(s) had untolerated taint {...}. preemption: ...`
fn explain(nodes: &[Value], pod: &Value) -> String {
    let mut reasons: std::collections::BTreeMap<String, usize> = std::collections::BTreeMap::new();
    for n in nodes {
        let reason = if n["spec"]["unschedulable"] == true {
            "node(s) were unschedulable".to_string()
        } else if let Some(t) = untolerated_taint(n, pod) {
            format!("node(s) had untolerated taint {t}")
        } else if !selector_matches(n, pod) {
            "node(s) didn't match Pod's node affinity/selector".to_string()
        } else {
            continue;
        };
        *reasons.entry(reason).or_default() += 1;
    }
    let parts: Vec<String> = reasons.iter().map(|(r, c)| format!("{c} {r}")).collect();
    format!(
        "0/{} nodes are available: {}. preemption: 0/{} nodes are available: {} Preemption is not helpful for scheduling.",
        nodes.len(),
        parts.join(", "),
        nodes.len(),
        nodes.len()
    )
}

/// Sets `spec.nodeName` (the binding subresource) and records `Scheduled`.
pub fn bind(cluster: &mut Cluster, key: &ObjKey, node: &str) {
    let now = crate::time::rfc3339(cluster.now);
    let node_owned = node.to_string();
    cluster.modify(key, |p| {
        p["spec"]["nodeName"] = json!(node_owned);
        let conditions = vec![json!({
            "lastProbeTime": null,
            "lastTransitionTime": now,
            "observedGeneration": p["metadata"]["generation"].clone(),
            "status": "True",
            "type": "PodScheduled",
        })];
        p["status"]["conditions"] = json!(conditions);
    });
    if let Some(pod) = cluster.get(key).cloned() {
        let msg = format!("Successfully assigned {}/{} to {node}", key.namespace, key.name);
        cluster.emit_event(&pod, None, "Normal", "Scheduled", "default-scheduler", msg);
    }
}
