//! The resource metrics API (`metrics.k8s.io/v1beta1`) as metrics-server serves it,
//! from [`crate::resources_model`]. It exists only while a `metrics-server`
//! Deployment in `kube-system` is available; kind has none, so by default the group
//! is not there and `kubectl top` says "Metrics API not available".

use serde_json::{json, Value};

use crate::api::{ApiError, Request, Response};
use crate::cluster::Cluster;
use crate::time::{rfc3339, Millis};

/// metrics-server's `--metric-resolution`: a pod is measured once it has run a scrape interval.
const RESOLUTION_MS: Millis = 15_000;
/// What the kubelet, containerd and the control plane of a kind node use besides pods.
const NODE_CPU_M: u64 = 130;

/// Answers a `/apis/metrics.k8s.io/...` request, or `None` when the API is not served.
pub fn handle(c: &Cluster, segs: &[&str], req: &Request) -> Option<Result<Response, ApiError>> {
    if segs.get(1) != Some(&"metrics.k8s.io") || !crate::hpa::metrics_api_available(c) {
        return None;
    }
    let not_found = || ApiError { code: 404, reason: "NotFound", message: "the server could not find the requested resource".into(), details: None };
    let selector = req.query_value("labelSelector").map(crate::selectors::LabelSelector::parse);
    let selector = match selector {
        Some(Ok(s)) => Some(s),
        Some(Err(e)) => return Some(Err(ApiError::bad_request(e))),
        None => None,
    };
    let keep = |o: &Value| selector.as_ref().is_none_or(|s| s.matches(Some(&o["metadata"]["labels"])));
    let out = match segs {
        ["apis", "metrics.k8s.io"] => json!({"kind": "APIGroup", "apiVersion": "v1", "name": "metrics.k8s.io", "versions": [{"groupVersion": "metrics.k8s.io/v1beta1", "version": "v1beta1"}], "preferredVersion": {"groupVersion": "metrics.k8s.io/v1beta1", "version": "v1beta1"}}),
        ["apis", "metrics.k8s.io", "v1beta1"] => json!({
            "kind": "APIResourceList", "apiVersion": "v1", "groupVersion": "metrics.k8s.io/v1beta1",
            "resources": [
                {"name": "nodes", "singularName": "", "namespaced": false, "kind": "NodeMetrics", "verbs": ["get", "list"]},
                {"name": "pods", "singularName": "", "namespaced": true, "kind": "PodMetrics", "verbs": ["get", "list"]},
            ],
        }),
        ["apis", "metrics.k8s.io", "v1beta1", "nodes"] => list("NodeMetricsList", c.list("nodes", None).into_iter().filter(|n| keep(n)).map(|n| node_metrics(c, n)).collect()),
        ["apis", "metrics.k8s.io", "v1beta1", "nodes", name] => match c.list("nodes", None).into_iter().find(|n| n["metadata"]["name"] == *name) {
            Some(n) => node_metrics(c, n),
            None => return Some(Err(ApiError::not_found("metrics.k8s.io", "nodes", name))),
        },
        ["apis", "metrics.k8s.io", "v1beta1", "pods"] => list("PodMetricsList", c.list("pods", None).into_iter().filter(|p| keep(p)).filter_map(|p| pod_metrics(c, p)).collect()),
        ["apis", "metrics.k8s.io", "v1beta1", "namespaces", ns, "pods"] => {
            list("PodMetricsList", c.list("pods", Some(ns)).into_iter().filter(|p| keep(p)).filter_map(|p| pod_metrics(c, p)).collect())
        }
        ["apis", "metrics.k8s.io", "v1beta1", "namespaces", ns, "pods", name] => {
            match c.list("pods", Some(ns)).into_iter().find(|p| p["metadata"]["name"] == *name).and_then(|p| pod_metrics(c, p)) {
                Some(m) => m,
                None => return Some(Err(ApiError::not_found("metrics.k8s.io", "pods", name))),
            }
        }
        _ => return Some(Err(not_found())),
    };
    Some(Ok(Response::ok(out)))
}

fn list(kind: &str, items: Vec<Value>) -> Value {
    json!({"kind": kind, "apiVersion": "metrics.k8s.io/v1beta1", "metadata": {}, "items": items})
}

/// The last scrape: on the resolution grid.
fn scrape_time(c: &Cluster) -> Millis {
    c.now() / RESOLUTION_MS * RESOLUTION_MS
}

/// A pod's metrics once all its containers have run for a scrape interval.
fn pod_metrics(c: &Cluster, p: &Value) -> Option<Value> {
    if p["status"]["phase"] != "Running" || !p["metadata"]["deletionTimestamp"].is_null() {
        return None;
    }
    let statuses = p["status"]["containerStatuses"].as_array()?;
    let now = c.now();
    let measured = statuses.iter().all(|s| s["state"]["running"]["startedAt"].as_str().and_then(crate::time::parse_rfc3339).is_some_and(|t| t + RESOLUTION_MS <= now));
    if !measured {
        return None;
    }
    let usage = crate::hpa::pod_usage(c, p);
    let containers: Vec<Value> = usage.iter().map(|(name, (cpu, mem))| json!({"name": name, "usage": {"cpu": format!("{}n", cpu * 1_000_000 + jitter(name, now)), "memory": format!("{}Ki", mem / 1024)}})).collect();
    Some(json!({
        "kind": "PodMetrics", "apiVersion": "metrics.k8s.io/v1beta1",
        "metadata": {"name": p["metadata"]["name"], "namespace": p["metadata"]["namespace"], "creationTimestamp": rfc3339(now), "labels": p["metadata"]["labels"]},
        "timestamp": rfc3339(scrape_time(c)), "window": "15.011s",
        "containers": containers,
    }))
}

fn node_metrics(c: &Cluster, n: &Value) -> Value {
    let name = n["metadata"]["name"].as_str().unwrap_or("");
    let mut cpu = NODE_CPU_M;
    for p in c.list("pods", None) {
        if p["spec"]["nodeName"] != name || p["status"]["phase"] != "Running" {
            continue;
        }
        for (_, (pc, _)) in crate::hpa::pod_usage(c, p) {
            cpu += pc;
        }
    }
    // The working set the kubelet's eviction manager also sees.
    let mem = crate::eviction_manager::node_working_set(c, name);
    json!({
        "kind": "NodeMetrics", "apiVersion": "metrics.k8s.io/v1beta1",
        "metadata": {"name": name, "creationTimestamp": rfc3339(c.now()), "labels": n["metadata"]["labels"]},
        "timestamp": rfc3339(scrape_time(c)), "window": "20.05s",
        "usage": {"cpu": format!("{}n", cpu * 1_000_000 + jitter(name, c.now())), "memory": format!("{}Ki", mem / 1024)},
    })
}

/// Sub-millicore noise, stable within one scrape.
fn jitter(name: &str, now: Millis) -> u64 {
    crate::rng::fnv32a(format!("{name}{}", now / RESOLUTION_MS).as_bytes()) as u64 % 900_000
}
