//! The scheduler: binds pending pods to nodes as kube-scheduler v1.35's default
//! profile does. Filters run in the default plugin order and the first failing one
//! gives the node's reason (NodeUnschedulable, TaintToleration, NodeAffinity,
//! NodePorts, NodeResourcesFit, PodTopologySpread, InterPodAffinity); feasible nodes are
//! scored (TaintToleration ×3, NodeAffinity ×2, NodeResourcesFit least-allocated ×1,
//! BalancedAllocation ×1, PodTopologySpread ×2 with the system default constraints,
//! InterPodAffinity ×2) and ties are broken with the cluster's seeded generator, as the
//! real scheduler's reservoir sampling does. An unschedulable pod gets the real
//! `FailedScheduling` message: `0/3 nodes are available: 1 Insufficient cpu, 2 node(s)
//! had untolerated taint {…}. preemption: 0/3 nodes are available: …`.
//!
//! Preemption is not simulated: every pod has priority 0 unless a PriorityClass says
//! otherwise, and the PostFilter message reports what DefaultPreemption would find
//! among equal priorities (no victims).

use std::collections::BTreeMap;

use serde_json::{json, Value};

use crate::cluster::{Cluster, ObjKey};
use crate::quantity::milli;
use crate::selectors::LabelSelector;

/// `schedutil.DefaultMilliCPURequest` / `DefaultMemoryRequest`: what a container
/// without requests counts as when scoring.
const DEFAULT_MILLI_CPU: i128 = 100;
const DEFAULT_MEMORY_MILLI: i128 = 200 * 1024 * 1024 * 1000;

/// A pod's resource requests in milli-units.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Requests {
    pub cpu: i128,
    pub memory: i128,
    pub ephemeral: i128,
    /// With the scoring defaults for containers that request nothing.
    pub nonzero_cpu: i128,
    pub nonzero_memory: i128,
}

/// What a pod requests: the sum over containers, at least the largest init
/// container (`resource.PodRequests`), plus the pod overhead.
pub fn pod_requests(spec: &Value) -> Requests {
    let mut r = Requests::default();
    for c in spec["containers"].as_array().into_iter().flatten() {
        let req = &c["resources"]["requests"];
        let (cpu, mem) = (milli(&req["cpu"]), milli(&req["memory"]));
        r.cpu += cpu;
        r.memory += mem;
        r.ephemeral += milli(&req["ephemeral-storage"]);
        r.nonzero_cpu += if req.get("cpu").is_none() { DEFAULT_MILLI_CPU } else { cpu };
        r.nonzero_memory += if req.get("memory").is_none() { DEFAULT_MEMORY_MILLI } else { mem };
    }
    for c in spec["initContainers"].as_array().into_iter().flatten() {
        let req = &c["resources"]["requests"];
        r.cpu = r.cpu.max(milli(&req["cpu"]));
        r.memory = r.memory.max(milli(&req["memory"]));
        r.ephemeral = r.ephemeral.max(milli(&req["ephemeral-storage"]));
    }
    let overhead = &spec["overhead"];
    r.cpu += milli(&overhead["cpu"]);
    r.memory += milli(&overhead["memory"]);
    r
}

/// A pod the scheduler counts on a node.
struct Placed {
    node: usize,
    namespace: String,
    labels: Value,
    terminating: bool,
    /// `requiredDuringScheduling` anti-affinity terms of the placed pod.
    anti_affinity: Vec<Value>,
    host_ports: Vec<(i64, String)>,
}

struct NodeInfo {
    name: String,
    node: Value,
    alloc_cpu: i128,
    alloc_memory: i128,
    alloc_ephemeral: i128,
    alloc_pods: usize,
    req: Requests,
    pods: usize,
}

/// The cluster as one scheduling cycle sees it; updated as pods are bound.
struct Snapshot {
    nodes: Vec<NodeInfo>,
    placed: Vec<Placed>,
    /// How many placed pods have required anti-affinity terms.
    with_anti: usize,
}

impl Snapshot {
    fn build(cluster: &Cluster) -> Snapshot {
        let mut nodes: Vec<NodeInfo> = cluster
            .list("nodes", None)
            .into_iter()
            .map(|n| {
                let a = &n["status"]["allocatable"];
                NodeInfo {
                    name: n["metadata"]["name"].as_str().unwrap_or("").to_string(),
                    node: n.clone(),
                    alloc_cpu: milli(&a["cpu"]),
                    alloc_memory: milli(&a["memory"]),
                    alloc_ephemeral: milli(&a["ephemeral-storage"]),
                    alloc_pods: (milli(&a["pods"]) / 1000).max(0) as usize,
                    req: Requests::default(),
                    pods: 0,
                }
            })
            .collect();
        let index: BTreeMap<String, usize> = nodes.iter().enumerate().map(|(i, n)| (n.name.clone(), i)).collect();
        let mut placed = Vec::new();
        for p in cluster.list("pods", None) {
            let Some(&node) = p["spec"]["nodeName"].as_str().and_then(|n| index.get(n)) else { continue };
            if matches!(p["status"]["phase"].as_str(), Some("Succeeded" | "Failed")) {
                continue;
            }
            let r = pod_requests(&p["spec"]);
            add(&mut nodes[node].req, &r);
            nodes[node].pods += 1;
            placed.push(placed_of(p, node));
        }
        let with_anti = placed.iter().filter(|p: &&Placed| !p.anti_affinity.is_empty()).count();
        Snapshot { nodes, placed, with_anti }
    }

    fn bind(&mut self, pod: &Value, node: usize) {
        let r = pod_requests(&pod["spec"]);
        add(&mut self.nodes[node].req, &r);
        self.nodes[node].pods += 1;
        let placed = placed_of(pod, node);
        self.with_anti += !placed.anti_affinity.is_empty() as usize;
        self.placed.push(placed);
    }
}

fn add(a: &mut Requests, b: &Requests) {
    a.cpu += b.cpu;
    a.memory += b.memory;
    a.ephemeral += b.ephemeral;
    a.nonzero_cpu += b.nonzero_cpu;
    a.nonzero_memory += b.nonzero_memory;
}

fn placed_of(p: &Value, node: usize) -> Placed {
    let anti = p["spec"]["affinity"]["podAntiAffinity"]["requiredDuringSchedulingIgnoredDuringExecution"].as_array().cloned().unwrap_or_default();
    Placed {
        node,
        namespace: p["metadata"]["namespace"].as_str().unwrap_or("").to_string(),
        labels: p["metadata"]["labels"].clone(),
        terminating: !p["metadata"]["deletionTimestamp"].is_null(),
        anti_affinity: anti,
        host_ports: host_ports(p),
    }
}

fn host_ports(p: &Value) -> Vec<(i64, String)> {
    let mut out = Vec::new();
    for c in p["spec"]["containers"].as_array().into_iter().flatten() {
        for port in c["ports"].as_array().into_iter().flatten() {
            if let Some(hp) = port["hostPort"].as_i64().filter(|p| *p > 0) {
                out.push((hp, port["protocol"].as_str().unwrap_or("TCP").to_string()));
            }
        }
    }
    out
}

/// Why a node was filtered out, and whether preemption could help there.
struct Failure {
    reasons: Vec<String>,
    resolvable: bool,
}

fn unresolvable(reason: impl Into<String>) -> Failure {
    Failure { reasons: vec![reason.into()], resolvable: false }
}

/// Binds every unscheduled pod that some node can take, highest priority first.
pub fn schedule_pending(cluster: &mut Cluster) {
    let mut pending: Vec<(i64, ObjKey)> = Vec::new();
    // The store keeps the pods without a node (and not being deleted), in key order.
    let candidates: Vec<ObjKey> = cluster.index.unscheduled.iter().cloned().collect();
    for key in candidates {
        let Some(pod) = cluster.get(&key) else { continue };
        let unscheduled = pod["spec"]["nodeName"].as_str().is_none_or(str::is_empty)
            && pod["metadata"]["deletionTimestamp"].is_null()
            && pod["spec"]["schedulerName"].as_str().unwrap_or("default-scheduler") == "default-scheduler"
            && pod["spec"]["schedulingGates"].as_array().is_none_or(Vec::is_empty);
        if unscheduled {
            pending.push((-pod["spec"]["priority"].as_i64().unwrap_or(0), key));
        }
    }
    if pending.is_empty() {
        return;
    }
    pending.sort_by(|a, b| a.0.cmp(&b.0));
    let mut snap = Snapshot::build(cluster);
    let mut counts = SpreadCache::default();
    for (_, key) in pending {
        let Some(pod) = cluster.get(&key).cloned() else { continue };
        // VolumeBinding's PreFilter: the pod's claims must exist.
        let picked = match crate::storage::pod_volumes(cluster, &pod) {
            Ok(volumes) => pick_node(cluster, &snap, &mut counts, &pod, &volumes).map(|i| (i, volumes)),
            Err(reason) => {
                let n = snap.nodes.len();
                Err(format!("0/{n} nodes are available: {reason}. preemption: 0/{n} nodes are available: {n} Preemption is not helpful for scheduling."))
            }
        };
        match picked {
            Ok((i, volumes)) => {
                let name = snap.nodes[i].name.clone();
                counts.bound(&pod, i);
                snap.bind(&pod, i);
                if volumes.unbound.is_empty() {
                    bind(cluster, &key, &name);
                } else {
                    // PreBind: the claims get the node; the pod waits for their volumes.
                    crate::storage::select_node(cluster, &volumes.unbound, &name);
                }
            }
            Err(message) => {
                let same = pod["status"]["conditions"]
                    .as_array()
                    .is_some_and(|c| c.iter().any(|c| c["type"] == "PodScheduled" && c["message"] == message.as_str()));
                if !same {
                    let now = crate::time::rfc3339(cluster.now);
                    let msg = message.clone();
                    cluster.modify(&key, |p| {
                        p["status"]["conditions"] = json!([{
                            "lastProbeTime": null,
                            "lastTransitionTime": now,
                            "message": msg,
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

/// Per-cycle counts of pods matching a (namespace, selector) on each node.
#[derive(Default)]
struct SpreadCache {
    by_selector: BTreeMap<(String, String), (LabelSelector, Vec<i64>)>,
}

impl SpreadCache {
    fn counts(&mut self, snap: &Snapshot, namespace: &str, selector: &Value) -> &Vec<i64> {
        let key = (namespace.to_string(), selector.to_string());
        &self.by_selector.entry(key).or_insert_with(|| {
            let sel = LabelSelector::from_object(selector);
            let mut counts = vec![0i64; snap.nodes.len()];
            for p in &snap.placed {
                if !p.terminating && p.namespace == namespace && sel.matches(Some(&p.labels)) {
                    counts[p.node] += 1;
                }
            }
            (sel, counts)
        })
        .1
    }

    fn bound(&mut self, pod: &Value, node: usize) {
        let ns = pod["metadata"]["namespace"].as_str().unwrap_or("");
        for ((sel_ns, _), (sel, counts)) in self.by_selector.iter_mut() {
            if sel_ns == ns && sel.matches(pod["metadata"].get("labels")) {
                counts[node] += 1;
            }
        }
    }
}

fn pick_node(cluster: &mut Cluster, snap: &Snapshot, counts: &mut SpreadCache, pod: &Value, volumes: &crate::storage::PodVolumes) -> Result<usize, String> {
    let req = pod_requests(&pod["spec"]);
    let constraints = spread_constraints(cluster, pod);
    let mut feasible = Vec::new();
    let mut failures: Vec<Failure> = Vec::new();
    for i in 0..snap.nodes.len() {
        match filter(snap, counts, pod, &req, &constraints, i, volumes) {
            None => feasible.push(i),
            Some(f) => failures.push(f),
        }
    }
    if feasible.is_empty() {
        return Err(fit_error(snap.nodes.len(), &failures));
    }
    if feasible.len() == 1 {
        return Ok(feasible[0]);
    }
    // A claim already given a node keeps it while the pod waits for the volume.
    if let Some(i) = volumes.selected_node.as_ref().and_then(|n| feasible.iter().copied().find(|i| snap.nodes[*i].name == *n)) {
        return Ok(i);
    }
    let scores = score(snap, counts, pod, &req, &constraints, &feasible);
    let best = scores.iter().copied().max().unwrap_or(0);
    let tied: Vec<usize> = feasible.iter().zip(&scores).filter(|(_, s)| **s == best).map(|(i, _)| *i).collect();
    if tied.len() == 1 {
        return Ok(tied[0]);
    }
    let pick = cluster.rng.below(tied.len() as u64) as usize;
    Ok(tied[pick])
}

/// `FitError.Error()`: the sorted reason histogram, then the preemption summary.
fn fit_error(total: usize, failures: &[Failure]) -> String {
    let mut hist: BTreeMap<&str, usize> = BTreeMap::new();
    let (mut no_victims, mut not_helpful) = (0, 0);
    for f in failures {
        for r in &f.reasons {
            *hist.entry(r.as_str()).or_default() += 1;
        }
        if f.resolvable {
            no_victims += 1;
        } else {
            not_helpful += 1;
        }
    }
    let mut parts: Vec<String> = hist.iter().map(|(r, c)| format!("{c} {r}")).collect();
    parts.sort();
    let mut pre = Vec::new();
    if no_victims > 0 {
        pre.push(format!("{no_victims} No preemption victims found for incoming pod"));
    }
    if not_helpful > 0 {
        pre.push(format!("{not_helpful} Preemption is not helpful for scheduling"));
    }
    pre.sort();
    format!("0/{total} nodes are available: {}. preemption: 0/{total} nodes are available: {}.", parts.join(", "), pre.join(", "))
}

#[allow(clippy::too_many_arguments)]
fn filter(snap: &Snapshot, counts: &mut SpreadCache, pod: &Value, req: &Requests, constraints: &[Constraint], i: usize, volumes: &crate::storage::PodVolumes) -> Option<Failure> {
    let n = &snap.nodes[i];
    let node = &n.node;
    // NodeUnschedulable
    if node["spec"]["unschedulable"] == true && !tolerates(pod, &json!({"key": "node.kubernetes.io/unschedulable", "effect": "NoSchedule"})) {
        return Some(unresolvable("node(s) were unschedulable"));
    }
    // TaintToleration
    for taint in node["spec"]["taints"].as_array().into_iter().flatten() {
        if matches!(taint["effect"].as_str(), Some("NoSchedule" | "NoExecute")) && !tolerates(pod, taint) {
            return Some(unresolvable(format!(
                "node(s) had untolerated taint {{{}: {}}}",
                taint["key"].as_str().unwrap_or(""),
                taint["value"].as_str().unwrap_or("")
            )));
        }
    }
    // NodeAffinity (nodeSelector and required node affinity)
    if !node_affinity_matches(pod, node) {
        return Some(unresolvable("node(s) didn't match Pod's node affinity/selector"));
    }
    // NodePorts
    let wanted = host_ports(pod);
    if !wanted.is_empty() && snap.placed.iter().any(|p| p.node == i && p.host_ports.iter().any(|hp| wanted.contains(hp))) {
        return Some(Failure { reasons: vec!["node(s) didn't have free ports for the requested pod ports".into()], resolvable: true });
    }
    // NodeResourcesFit
    let mut insufficient = Vec::new();
    if n.pods + 1 > n.alloc_pods {
        insufficient.push("Too many pods".to_string());
    }
    if req.cpu > 0 && req.cpu > n.alloc_cpu - n.req.cpu {
        insufficient.push("Insufficient cpu".into());
    }
    if req.memory > 0 && req.memory > n.alloc_memory - n.req.memory {
        insufficient.push("Insufficient memory".into());
    }
    if req.ephemeral > 0 && req.ephemeral > n.alloc_ephemeral - n.req.ephemeral {
        insufficient.push("Insufficient ephemeral-storage".into());
    }
    if !insufficient.is_empty() {
        return Some(Failure { reasons: insufficient, resolvable: true });
    }
    // VolumeBinding: bound volumes' node affinity.
    if !volumes.node_allowed(node) {
        return Some(unresolvable("node(s) had volume node affinity conflict"));
    }
    // PodTopologySpread (DoNotSchedule constraints)
    if let Some(f) = spread_filter(snap, counts, pod, constraints, i) {
        return Some(f);
    }
    // InterPodAffinity
    inter_pod_affinity_filter(snap, pod, i)
}

pub(crate) fn tolerates(pod: &Value, taint: &Value) -> bool {
    pod["spec"]["tolerations"].as_array().into_iter().flatten().any(|t| {
        let op = t["operator"].as_str().unwrap_or("Equal");
        let key = t["key"].as_str().unwrap_or("");
        let effect = t["effect"].as_str().unwrap_or("");
        if !effect.is_empty() && Some(effect) != taint["effect"].as_str() {
            return false;
        }
        if key.is_empty() {
            return op == "Exists";
        }
        if Some(key) != taint["key"].as_str() {
            return false;
        }
        match op {
            "Exists" => true,
            _ => t["value"].as_str().unwrap_or("") == taint["value"].as_str().unwrap_or(""),
        }
    })
}

/// One `NodeSelectorRequirement` (`In`, `NotIn`, `Exists`, `DoesNotExist`, `Gt`, `Lt`).
fn requirement_matches(req: &Value, labels: &Value) -> bool {
    let key = req["key"].as_str().unwrap_or("");
    let value = labels.get(key).and_then(Value::as_str);
    let values: Vec<&str> = req["values"].as_array().into_iter().flatten().filter_map(Value::as_str).collect();
    match req["operator"].as_str().unwrap_or("") {
        "In" => value.is_some_and(|v| values.contains(&v)),
        "NotIn" => value.is_none_or(|v| !values.contains(&v)),
        "Exists" => value.is_some(),
        "DoesNotExist" => value.is_none(),
        "Gt" | "Lt" => {
            let (Some(v), Some(bound)) = (value.and_then(|v| v.parse::<i64>().ok()), values.first().and_then(|b| b.parse::<i64>().ok())) else {
                return false;
            };
            if req["operator"] == "Gt" { v > bound } else { v < bound }
        }
        _ => false,
    }
}

/// A `NodeSelectorTerm`: all its expressions and fields (`metadata.name`) match.
fn term_matches(term: &Value, node: &Value) -> bool {
    let exprs = term["matchExpressions"].as_array();
    let fields = term["matchFields"].as_array();
    if exprs.is_none_or(Vec::is_empty) && fields.is_none_or(Vec::is_empty) {
        return false;
    }
    let labels = &node["metadata"]["labels"];
    let name_fields = json!({"metadata.name": node["metadata"]["name"]});
    exprs.into_iter().flatten().all(|r| requirement_matches(r, labels)) && fields.into_iter().flatten().all(|r| requirement_matches(r, &name_fields))
}

pub(crate) fn node_affinity_matches(pod: &Value, node: &Value) -> bool {
    let labels = &node["metadata"]["labels"];
    if let Some(sel) = pod["spec"]["nodeSelector"].as_object() {
        if !sel.iter().all(|(k, v)| labels.get(k) == Some(v)) {
            return false;
        }
    }
    let required = &pod["spec"]["affinity"]["nodeAffinity"]["requiredDuringSchedulingIgnoredDuringExecution"];
    match required["nodeSelectorTerms"].as_array() {
        Some(terms) if required.is_object() => terms.iter().any(|t| term_matches(t, node)),
        _ => true,
    }
}

/// A topology spread constraint as the plugin uses it.
struct Constraint {
    max_skew: i64,
    key: String,
    hard: bool,
    min_domains: i64,
    selector: Value,
    /// From the system defaults (nodes without the key are ignored, not failed).
    system: bool,
}

fn spread_constraints(cluster: &Cluster, pod: &Value) -> Vec<Constraint> {
    let own = pod["spec"]["topologySpreadConstraints"].as_array().cloned().unwrap_or_default();
    if !own.is_empty() {
        return own
            .iter()
            .map(|c| Constraint {
                max_skew: c["maxSkew"].as_i64().unwrap_or(1),
                key: c["topologyKey"].as_str().unwrap_or("").to_string(),
                hard: c["whenUnsatisfiable"].as_str().unwrap_or("DoNotSchedule") == "DoNotSchedule",
                min_domains: c["minDomains"].as_i64().unwrap_or(1),
                selector: c["labelSelector"].clone(),
                system: false,
            })
            .collect();
    }
    // System defaults: spread the pods of the same owner (and services) softly over
    // hostnames (maxSkew 3) and zones (maxSkew 5).
    let Some(selector) = default_selector(cluster, pod) else { return Vec::new() };
    vec![
        Constraint { max_skew: 3, key: "kubernetes.io/hostname".into(), hard: false, min_domains: 1, selector: selector.clone(), system: true },
        Constraint { max_skew: 5, key: "topology.kubernetes.io/zone".into(), hard: false, min_domains: 1, selector, system: true },
    ]
}

/// `helper.DefaultSelector`: the selectors of the services selecting the pod and of
/// its owning ReplicaSet / StatefulSet / ReplicationController, merged.
fn default_selector(cluster: &Cluster, pod: &Value) -> Option<Value> {
    let ns = pod["metadata"]["namespace"].as_str().unwrap_or("");
    let labels = pod["metadata"].get("labels");
    let mut match_labels = serde_json::Map::new();
    let mut exprs: Vec<Value> = Vec::new();
    for svc in cluster.list("services", Some(ns)) {
        if let Some(sel) = svc["spec"]["selector"].as_object().filter(|s| !s.is_empty()) {
            if sel.iter().all(|(k, v)| labels.and_then(|l| l.get(k)) == Some(v)) {
                for (k, v) in sel {
                    match_labels.insert(k.clone(), v.clone());
                }
            }
        }
    }
    for owner in pod["metadata"]["ownerReferences"].as_array().into_iter().flatten() {
        let resource = match owner["kind"].as_str() {
            Some("ReplicaSet") => "replicasets.apps",
            Some("StatefulSet") => "statefulsets.apps",
            _ => continue,
        };
        let key = ObjKey { resource: resource.into(), namespace: ns.into(), name: owner["name"].as_str().unwrap_or("").into() };
        if let Some(o) = cluster.get(&key) {
            let sel = &o["spec"]["selector"];
            for (k, v) in sel["matchLabels"].as_object().into_iter().flatten() {
                match_labels.insert(k.clone(), v.clone());
            }
            exprs.extend(sel["matchExpressions"].as_array().cloned().unwrap_or_default());
        }
    }
    if match_labels.is_empty() && exprs.is_empty() {
        return None;
    }
    Some(json!({"matchLabels": match_labels, "matchExpressions": exprs}))
}

fn node_label<'a>(node: &'a Value, key: &str) -> Option<&'a str> {
    node["metadata"]["labels"].get(key).and_then(Value::as_str)
}

/// Matching pods per topology value over the nodes that count (node affinity honoured,
/// the constraint's key present).
fn domain_counts(snap: &Snapshot, counts: &mut SpreadCache, pod: &Value, c: &Constraint) -> BTreeMap<String, i64> {
    let ns = pod["metadata"]["namespace"].as_str().unwrap_or("");
    let per_node = if c.selector.is_null() { vec![0; snap.nodes.len()] } else { counts.counts(snap, ns, &c.selector).clone() };
    let mut domains: BTreeMap<String, i64> = BTreeMap::new();
    for (i, n) in snap.nodes.iter().enumerate() {
        if !node_affinity_matches(pod, &n.node) {
            continue;
        }
        if let Some(v) = node_label(&n.node, &c.key) {
            *domains.entry(v.to_string()).or_default() += per_node[i];
        }
    }
    domains
}

fn self_match(pod: &Value, c: &Constraint) -> i64 {
    (!c.selector.is_null() && LabelSelector::from_object(&c.selector).matches(pod["metadata"].get("labels"))) as i64
}

fn spread_filter(snap: &Snapshot, counts: &mut SpreadCache, pod: &Value, constraints: &[Constraint], i: usize) -> Option<Failure> {
    let node = &snap.nodes[i].node;
    let hard: Vec<&Constraint> = constraints.iter().filter(|c| c.hard).collect();
    if hard.iter().any(|c| node_label(node, &c.key).is_none()) {
        return Some(unresolvable("node(s) didn't match pod topology spread constraints (missing required label)"));
    }
    for c in hard {
        let domains = domain_counts(snap, counts, pod, c);
        let mut min = domains.values().copied().min().unwrap_or(0);
        if (domains.len() as i64) < c.min_domains {
            min = 0;
        }
        let value = node_label(node, &c.key).unwrap_or("");
        let here = domains.get(value).copied().unwrap_or(0);
        if here + self_match(pod, c) - min > c.max_skew {
            return Some(Failure { reasons: vec!["node(s) didn't match pod topology spread constraints".into()], resolvable: true });
        }
    }
    None
}

/// The terms of a pod (anti-)affinity: each selects pods in some namespaces.
fn term_selects(term: &Value, owner_ns: &str, p: &Placed) -> bool {
    let namespaces: Vec<&str> = term["namespaces"].as_array().into_iter().flatten().filter_map(Value::as_str).collect();
    let ns_ok = if namespaces.is_empty() && term["namespaceSelector"].is_null() { p.namespace == owner_ns } else { namespaces.contains(&p.namespace.as_str()) || term["namespaceSelector"].as_object().is_some_and(|m| m.is_empty()) };
    ns_ok && !term["labelSelector"].is_null() && LabelSelector::from_object(&term["labelSelector"]).matches(Some(&p.labels))
}

fn same_domain(snap: &Snapshot, a: usize, b: usize, key: &str) -> bool {
    match (node_label(&snap.nodes[a].node, key), node_label(&snap.nodes[b].node, key)) {
        (Some(x), Some(y)) => x == y,
        _ => false,
    }
}

fn inter_pod_affinity_filter(snap: &Snapshot, pod: &Value, i: usize) -> Option<Failure> {
    let affinity = &pod["spec"]["affinity"];
    let required = |kind: &str| affinity[kind]["requiredDuringSchedulingIgnoredDuringExecution"].as_array().is_some_and(|a| !a.is_empty());
    if snap.with_anti == 0 && !required("podAffinity") && !required("podAntiAffinity") {
        return None;
    }
    let ns = pod["metadata"]["namespace"].as_str().unwrap_or("");
    let labels = pod["metadata"].get("labels").cloned().unwrap_or(Value::Null);
    // Existing pods' anti-affinity against this pod.
    let me = Placed { node: i, namespace: ns.to_string(), labels, terminating: false, anti_affinity: Vec::new(), host_ports: Vec::new() };
    for p in snap.placed.iter().filter(|p| !p.anti_affinity.is_empty()) {
        for term in &p.anti_affinity {
            let key = term["topologyKey"].as_str().unwrap_or("");
            if term_selects(term, &p.namespace, &me) && same_domain(snap, p.node, i, key) {
                return Some(Failure { reasons: vec!["node(s) didn't satisfy existing pods anti-affinity rules".into()], resolvable: true });
            }
        }
    }
    let affinity = &pod["spec"]["affinity"];
    for term in affinity["podAffinity"]["requiredDuringSchedulingIgnoredDuringExecution"].as_array().into_iter().flatten() {
        let key = term["topologyKey"].as_str().unwrap_or("");
        let any_match = snap.placed.iter().any(|p| term_selects(term, ns, p));
        let here = snap.placed.iter().any(|p| term_selects(term, ns, p) && same_domain(snap, p.node, i, key));
        // The first pod of a group may go anywhere its own terms would match itself.
        let self_ok = !any_match && term_selects(term, ns, &me) && node_label(&snap.nodes[i].node, key).is_some();
        if !here && !self_ok {
            return Some(unresolvable("node(s) didn't match pod affinity rules"));
        }
    }
    for term in affinity["podAntiAffinity"]["requiredDuringSchedulingIgnoredDuringExecution"].as_array().into_iter().flatten() {
        let key = term["topologyKey"].as_str().unwrap_or("");
        if snap.placed.iter().any(|p| !p.terminating && term_selects(term, ns, p) && same_domain(snap, p.node, i, key)) {
            return Some(Failure { reasons: vec!["node(s) didn't match pod anti-affinity rules".into()], resolvable: true });
        }
    }
    None
}

/// The weighted sum of the default score plugins, each normalised to 0..=100.
fn score(snap: &Snapshot, counts: &mut SpreadCache, pod: &Value, req: &Requests, constraints: &[Constraint], feasible: &[usize]) -> Vec<i64> {
    let mut total = vec![0i64; feasible.len()];
    // TaintToleration (×3): fewer untolerated PreferNoSchedule taints is better.
    let taint_counts: Vec<i64> = feasible
        .iter()
        .map(|&i| {
            snap.nodes[i].node["spec"]["taints"].as_array().into_iter().flatten().filter(|t| t["effect"] == "PreferNoSchedule" && !tolerates(pod, t)).count() as i64
        })
        .collect();
    let max_taints = taint_counts.iter().copied().max().unwrap_or(0);
    for (t, c) in total.iter_mut().zip(&taint_counts) {
        let s = if max_taints == 0 { 100 } else { 100 - c * 100 / max_taints };
        *t += 3 * s;
    }
    // NodeAffinity (×2): the weights of the preferred terms that match.
    let preferred = pod["spec"]["affinity"]["nodeAffinity"]["preferredDuringSchedulingIgnoredDuringExecution"].as_array().cloned().unwrap_or_default();
    if !preferred.is_empty() {
        let raw: Vec<i64> = feasible
            .iter()
            .map(|&i| preferred.iter().filter(|p| term_matches(&p["preference"], &snap.nodes[i].node)).map(|p| p["weight"].as_i64().unwrap_or(0)).sum())
            .collect();
        let max = raw.iter().copied().max().unwrap_or(0);
        for (t, r) in total.iter_mut().zip(&raw) {
            *t += 2 * if max == 0 { 0 } else { r * 100 / max };
        }
    }
    // NodeResourcesFit, LeastAllocated (×1), and BalancedAllocation (×1).
    for (t, &i) in total.iter_mut().zip(feasible) {
        let n = &snap.nodes[i];
        let least = |alloc: i128, used: i128| if alloc == 0 || used > alloc { 0 } else { (alloc - used) * 100 / alloc };
        let cpu = least(n.alloc_cpu, n.req.nonzero_cpu + req.nonzero_cpu);
        let mem = least(n.alloc_memory, n.req.nonzero_memory + req.nonzero_memory);
        *t += ((cpu + mem) / 2) as i64;
        let frac = |alloc: i128, used: i128| if alloc == 0 { 1.0 } else { (used as f64 / alloc as f64).min(1.0) };
        let (fc, fm) = (frac(n.alloc_cpu, n.req.cpu + req.cpu), frac(n.alloc_memory, n.req.memory + req.memory));
        let std = (fc - fm).abs() / 2.0;
        *t += ((1.0 - std) * 100.0) as i64;
    }
    // PodTopologySpread (×2): ScheduleAnyway constraints (or the system defaults).
    let soft: Vec<&Constraint> = constraints.iter().filter(|c| !c.hard).collect();
    if !soft.is_empty() {
        let mut raw: Vec<Option<i64>> = Vec::new();
        let per: Vec<(BTreeMap<String, i64>, f64)> = soft
            .iter()
            .map(|c| {
                let domains = domain_counts(snap, counts, pod, c);
                let size = if c.key == "kubernetes.io/hostname" { feasible.len() } else { domains.len() };
                (domains, ((size + 2) as f64).ln())
            })
            .collect();
        for &i in feasible {
            let node = &snap.nodes[i].node;
            let all_keys = soft.iter().all(|c| node_label(node, &c.key).is_some());
            let require_all = !soft.iter().any(|c| c.system);
            if require_all && !all_keys {
                raw.push(None);
                continue;
            }
            let mut s = 0.0;
            for (c, (domains, weight)) in soft.iter().zip(&per) {
                if let Some(v) = node_label(node, &c.key) {
                    let cnt = domains.get(v).copied().unwrap_or(0);
                    s += cnt as f64 * weight + (c.max_skew - 1) as f64;
                }
            }
            raw.push(Some(s.round() as i64));
        }
        let present: Vec<i64> = raw.iter().flatten().copied().collect();
        let (min, max) = (present.iter().copied().min().unwrap_or(0), present.iter().copied().max().unwrap_or(0));
        for (t, r) in total.iter_mut().zip(&raw) {
            let s = match r {
                None => 0,
                Some(_) if max == 0 => 100,
                Some(r) => 100 * (max + min - r) / max,
            };
            *t += 2 * s;
        }
    }
    // InterPodAffinity (×2): preferred (anti-)affinity weights.
    let affinity = &pod["spec"]["affinity"];
    let mut weighted: Vec<(i64, &Value)> = Vec::new();
    for (kind, sign) in [("podAffinity", 1i64), ("podAntiAffinity", -1)] {
        for p in affinity[kind]["preferredDuringSchedulingIgnoredDuringExecution"].as_array().into_iter().flatten() {
            weighted.push((sign * p["weight"].as_i64().unwrap_or(0), &p["podAffinityTerm"]));
        }
    }
    if !weighted.is_empty() {
        let ns = pod["metadata"]["namespace"].as_str().unwrap_or("");
        let raw: Vec<i64> = feasible
            .iter()
            .map(|&i| {
                let mut s = 0;
                for (w, term) in &weighted {
                    let key = term["topologyKey"].as_str().unwrap_or("");
                    s += w * snap.placed.iter().filter(|p| term_selects(term, ns, p) && same_domain(snap, p.node, i, key)).count() as i64;
                }
                s
            })
            .collect();
        let (min, max) = (raw.iter().copied().min().unwrap_or(0), raw.iter().copied().max().unwrap_or(0));
        for (t, r) in total.iter_mut().zip(&raw) {
            *t += 2 * if max == min { 0 } else { 100 * (r - min) / (max - min) };
        }
    }
    total
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fit_error_sorts_reasons_and_preemption_as_the_scheduler() {
        let f = |r: &[&str], resolvable| Failure { reasons: r.iter().map(|s| s.to_string()).collect(), resolvable };
        let table: Vec<(Vec<Failure>, &str)> = vec![
            (vec![f(&["Insufficient cpu"], true)], "0/1 nodes are available: 1 Insufficient cpu. preemption: 0/1 nodes are available: 1 No preemption victims found for incoming pod."),
            (
                vec![f(&["Insufficient cpu", "Insufficient memory"], true), f(&["node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }"], false)],
                "0/2 nodes are available: 1 Insufficient cpu, 1 Insufficient memory, 1 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }. preemption: 0/2 nodes are available: 1 No preemption victims found for incoming pod, 1 Preemption is not helpful for scheduling.",
            ),
            (
                vec![f(&["node(s) didn't match pod topology spread constraints (missing required label)"], false)],
                "0/1 nodes are available: 1 node(s) didn't match pod topology spread constraints (missing required label). preemption: 0/1 nodes are available: 1 Preemption is not helpful for scheduling.",
            ),
            (
                vec![f(&["node(s) didn't match Pod's node affinity/selector"], false), f(&["node(s) didn't match Pod's node affinity/selector"], false), f(&["node(s) were unschedulable"], false)],
                "0/3 nodes are available: 1 node(s) were unschedulable, 2 node(s) didn't match Pod's node affinity/selector. preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling.",
            ),
        ];
        for (failures, want) in table {
            assert_eq!(fit_error(failures.len(), &failures), want);
        }
    }

    #[test]
    fn requests_sum_containers_and_take_the_largest_init_container() {
        let spec = json!({
            "initContainers": [{"resources": {"requests": {"cpu": "2"}}}],
            "containers": [{"resources": {"requests": {"cpu": "500m", "memory": "64Mi"}}}, {"resources": {}}],
        });
        let r = pod_requests(&spec);
        assert_eq!(r.cpu, 2000);
        assert_eq!(r.memory, 64 * 1024 * 1024 * 1000);
        assert_eq!(r.nonzero_cpu, 600);
        assert_eq!(r.nonzero_memory, 64 * 1024 * 1024 * 1000 + DEFAULT_MEMORY_MILLI);
    }

    #[test]
    fn node_selector_requirements() {
        let labels = json!({"zone": "a", "gen": "5"});
        let table = [
            (json!({"key": "zone", "operator": "In", "values": ["a", "b"]}), true),
            (json!({"key": "zone", "operator": "NotIn", "values": ["a"]}), false),
            (json!({"key": "disk", "operator": "NotIn", "values": ["ssd"]}), true),
            (json!({"key": "zone", "operator": "Exists"}), true),
            (json!({"key": "zone", "operator": "DoesNotExist"}), false),
            (json!({"key": "gen", "operator": "Gt", "values": ["4"]}), true),
            (json!({"key": "gen", "operator": "Lt", "values": ["4"]}), false),
        ];
        for (req, want) in table {
            assert_eq!(requirement_matches(&req, &labels), want, "{req}");
        }
    }
}
