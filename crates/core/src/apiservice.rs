//! APIServices (`apiregistration.k8s.io/v1`): the aggregation layer's registry. The
//! API server's own group-versions are local APIServices, always available; one
//! backed by a Service (metrics-server's `v1beta1.metrics.k8s.io`) is checked by the
//! availability controller (`kube-aggregator/pkg/controllers/status/remote`): the
//! Service must exist, listen on the port, and have a ready endpoint on that port's
//! name, or the `Available` condition says why not.

use serde_json::{json, Value};

use crate::cluster::Cluster;
use crate::ObjKey;

const RESOURCE: &str = "apiservices.apiregistration.k8s.io";

/// The local APIServices of a v1.35 API server with kind's default feature set:
/// (group, version, groupPriorityMinimum, versionPriority) as `apiVersionPriorities`
/// registers them.
pub const LOCAL: &[(&str, &str, i64, i64)] = &[
    ("", "v1", 18000, 1),
    ("admissionregistration.k8s.io", "v1", 16700, 15),
    ("apiextensions.k8s.io", "v1", 16700, 15),
    ("apiregistration.k8s.io", "v1", 18000, 15),
    ("apps", "v1", 17800, 15),
    ("authentication.k8s.io", "v1", 17700, 15),
    ("authorization.k8s.io", "v1", 17600, 15),
    ("autoscaling", "v1", 17500, 15),
    ("batch", "v1", 17400, 15),
    ("certificates.k8s.io", "v1", 17300, 15),
    ("coordination.k8s.io", "v1", 16500, 15),
    ("discovery.k8s.io", "v1", 16200, 15),
    ("events.k8s.io", "v1", 17750, 15),
    ("flowcontrol.apiserver.k8s.io", "v1", 16100, 21),
    ("networking.k8s.io", "v1", 17200, 15),
    ("node.k8s.io", "v1", 16300, 15),
    ("policy", "v1", 17100, 15),
    ("rbac.authorization.k8s.io", "v1", 17000, 15),
    ("resource.k8s.io", "v1", 16200, 21),
    ("scheduling.k8s.io", "v1", 16600, 15),
    ("storage.k8s.io", "v1", 16800, 15),
    ("autoscaling", "v2", 17500, 30),
];

/// A local APIService object as the autoregister controller creates it.
pub fn local(group: &str, version: &str, group_priority: i64, version_priority: i64, at: &str) -> Value {
    let mut spec = json!({"groupPriorityMinimum": group_priority, "version": version, "versionPriority": version_priority});
    if !group.is_empty() {
        spec["group"] = json!(group);
    }
    json!({
        "metadata": {"name": format!("{version}.{group}"), "labels": {"kube-aggregator.kubernetes.io/automanaged": "onstart"}},
        "spec": spec,
        "status": {"conditions": [{"lastTransitionTime": at, "message": "Local APIServices are always available", "reason": "Local", "status": "True", "type": "Available"}]},
    })
}

/// The `Available` condition of a Service-backed APIService: (status, reason, message).
fn check(c: &Cluster, svc_ref: &Value) -> (&'static str, &'static str, String) {
    let ns = svc_ref["namespace"].as_str().unwrap_or("");
    let name = svc_ref["name"].as_str().unwrap_or("");
    let port = svc_ref["port"].as_i64().unwrap_or(443);
    let Some(svc) = c.get(&ObjKey { resource: "services".into(), namespace: ns.into(), name: name.into() }) else {
        return ("False", "ServiceNotFound", format!("service/{name} in \"{ns}\" is not present"));
    };
    if svc["spec"]["type"] == "ExternalName" {
        return ("True", "Passed", "all checks passed".into());
    }
    let Some(sp) = svc["spec"]["ports"].as_array().into_iter().flatten().find(|p| p["port"].as_i64() == Some(port)) else {
        return ("False", "ServicePortError", format!("service/{name} in \"{ns}\" is not listening on port {port}"));
    };
    let port_name = sp["name"].as_str().unwrap_or("");
    let ready = c.get(&ObjKey { resource: "endpoints".into(), namespace: ns.into(), name: name.into() }).is_some_and(|ep| {
        ep["subsets"].as_array().into_iter().flatten().any(|s| {
            s["addresses"].as_array().is_some_and(|a| !a.is_empty()) && s["ports"].as_array().into_iter().flatten().any(|p| p["name"].as_str().unwrap_or("") == port_name)
        })
    });
    if !ready {
        return ("False", "MissingEndpoints", format!("endpoints for service/{name} in \"{ns}\" have no addresses with port name \"{port_name}\""));
    }
    ("True", "Passed", "all checks passed".into())
}

/// The availability controller: sets each APIService's `Available` condition,
/// keeping its transition time while the status stays.
pub fn sync_apiservices(c: &mut Cluster) {
    for key in c.list_keys(RESOURCE) {
        let Some(a) = c.get(&key) else { continue };
        let (status, reason, message) = if a["spec"]["service"].is_object() {
            check(c, &a["spec"]["service"])
        } else {
            ("True", "Local", "Local APIServices are always available".to_string())
        };
        let old = a["status"]["conditions"].as_array().and_then(|cs| cs.iter().find(|x| x["type"] == "Available")).cloned();
        if old.as_ref().is_some_and(|o| o["status"] == status && o["reason"] == reason && o["message"] == message.as_str()) {
            continue;
        }
        let since = match &old {
            Some(o) if o["status"] == status => o["lastTransitionTime"].clone(),
            _ => json!(crate::time::rfc3339(c.now)),
        };
        c.modify(&key, |o| {
            o["status"] = json!({"conditions": [{"lastTransitionTime": since, "message": message, "reason": reason, "status": status, "type": "Available"}]});
        });
    }
}

/// Whether the APIService named `name` exists and is available.
pub fn available(c: &Cluster, name: &str) -> bool {
    c.get(&ObjKey { resource: RESOURCE.into(), namespace: Default::default(), name: name.into() })
        .is_some_and(|a| a["status"]["conditions"].as_array().into_iter().flatten().any(|x| x["type"] == "Available" && x["status"] == "True"))
}
