//! The disruption controller (`pkg/controller/disruption`): each PodDisruptionBudget's
//! status — `expectedPods`, `currentHealthy`, `desiredHealthy`, `disruptionsAllowed`
//! and the `DisruptionAllowed` condition — from the pods its selector matches and the
//! scale of the controllers that own them. The eviction subresource reads
//! `disruptionsAllowed`.

use serde_json::{json, Value};

use crate::cluster::{Cluster, ObjKey};
use crate::selectors::LabelSelector;

fn int(v: &Value) -> i64 {
    v.as_i64().unwrap_or(0)
}

/// An `IntOrString` against a total: a number, or a percentage rounded up
/// (`intstr.GetScaledValueFromIntOrPercent(…, roundUp=true)`).
pub fn scaled(v: &Value, total: i64) -> Option<i64> {
    match v {
        Value::Number(n) => n.as_i64(),
        Value::String(s) => {
            let p: i64 = s.strip_suffix('%')?.parse().ok()?;
            Some((p * total + 99) / 100)
        }
        _ => None,
    }
}

/// The pods a PDB covers: same namespace, selector matches (policy/v1: an empty
/// selector matches every pod), not finished.
fn covered_pods(c: &Cluster, pdb: &Value) -> Vec<Value> {
    let ns = pdb["metadata"]["namespace"].as_str().unwrap_or("");
    if pdb["spec"]["selector"].is_null() {
        return Vec::new();
    }
    let sel = LabelSelector::from_object(&pdb["spec"]["selector"]);
    c.list("pods", Some(ns))
        .into_iter()
        .filter(|p| sel.matches(p["metadata"].get("labels")))
        .filter(|p| !matches!(p["status"]["phase"].as_str(), Some("Succeeded" | "Failed")))
        .cloned()
        .collect()
}

fn is_ready(pod: &Value) -> bool {
    pod["status"]["conditions"].as_array().is_some_and(|cs| cs.iter().any(|c| c["type"] == "Ready" && c["status"] == "True"))
}

/// The scale of the controllers owning `pods` (`getExpectedScale`): each distinct
/// controller counted once — a ReplicaSet's Deployment if it has one, a StatefulSet,
/// a ReplicationController. `None` when some pod has no such controller.
fn expected_scale(c: &Cluster, pods: &[Value]) -> Option<i64> {
    let mut seen = std::collections::BTreeSet::new();
    let mut total = 0;
    for p in pods {
        let ns = p["metadata"]["namespace"].as_str().unwrap_or("");
        let owner = p["metadata"]["ownerReferences"].as_array()?.iter().find(|r| r["controller"] == true)?;
        let name = owner["name"].as_str().unwrap_or("");
        let (resource, name) = match owner["kind"].as_str() {
            Some("ReplicaSet") => {
                let rs = c.get(&ObjKey { resource: "replicasets.apps".into(), namespace: ns.into(), name: name.into() })?;
                match rs["metadata"]["ownerReferences"].as_array().and_then(|o| o.iter().find(|r| r["controller"] == true && r["kind"] == "Deployment")) {
                    Some(d) => ("deployments.apps", d["name"].as_str().unwrap_or("").to_string()),
                    None => ("replicasets.apps", name.to_string()),
                }
            }
            Some("StatefulSet") => ("statefulsets.apps", name.to_string()),
            Some("ReplicationController") => ("replicationcontrollers", name.to_string()),
            _ => return None,
        };
        let key = ObjKey { resource: resource.into(), namespace: ns.into(), name: name.into() };
        if seen.insert(key.clone()) {
            total += int(&c.get(&key)?["spec"]["replicas"]);
        }
    }
    Some(total)
}

pub fn sync_pdbs(c: &mut Cluster) {
    for key in c.list_keys("poddisruptionbudgets.policy") {
        let Some(pdb) = c.get(&key).cloned() else { continue };
        let pods = covered_pods(c, &pdb);
        let spec = &pdb["spec"];
        let (expected, desired) = if !spec["maxUnavailable"].is_null() {
            let Some(scale) = expected_scale(c, &pods) else { continue };
            let max_unavailable = scaled(&spec["maxUnavailable"], scale).unwrap_or(0);
            (scale, (scale - max_unavailable).max(0))
        } else if let Some(n) = spec["minAvailable"].as_i64() {
            (pods.len() as i64, n)
        } else if spec["minAvailable"].is_string() {
            let Some(scale) = expected_scale(c, &pods) else { continue };
            (scale, scaled(&spec["minAvailable"], scale).unwrap_or(0))
        } else {
            (pods.len() as i64, 0)
        };
        let healthy = pods.iter().filter(|p| p["metadata"]["deletionTimestamp"].is_null() && is_ready(p)).count() as i64;
        let allowed = if expected <= 0 { 0 } else { (healthy - desired).max(0) };
        let generation = pdb["metadata"]["generation"].clone();
        let now = crate::time::rfc3339(c.now);
        let (status, reason) = if allowed > 0 { ("True", "SufficientPods") } else { ("False", "InsufficientPods") };
        c.modify(&key, |p| {
            let old = p["status"]["conditions"].as_array().and_then(|cs| cs.iter().find(|c| c["type"] == "DisruptionAllowed")).cloned();
            let since = match &old {
                Some(o) if o["status"] == status => o["lastTransitionTime"].clone(),
                _ => json!(now),
            };
            let mut st = json!({
                "conditions": [{
                    "lastTransitionTime": since,
                    "message": "",
                    "observedGeneration": generation,
                    "reason": reason,
                    "status": status,
                    "type": "DisruptionAllowed",
                }],
                "currentHealthy": healthy,
                "desiredHealthy": desired,
                "disruptionsAllowed": allowed,
                "expectedPods": expected,
                "observedGeneration": generation,
            });
            if let Some(d) = p["status"].get("disruptedPods").filter(|d| d.as_object().is_some_and(|m| !m.is_empty())) {
                st["disruptedPods"] = d.clone();
            }
            p["status"] = st;
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentages_round_up() {
        assert_eq!(scaled(&json!("50%"), 3), Some(2));
        assert_eq!(scaled(&json!("25%"), 4), Some(1));
        assert_eq!(scaled(&json!(2), 10), Some(2));
        assert_eq!(scaled(&json!("x"), 10), None);
    }
}
