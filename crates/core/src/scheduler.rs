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
use std::rc::Rc;
use std::sync::Arc;

use serde_json::{json, Value};

use crate::cluster::{differ, Cluster, Fields, ObjKey, Prior};
use crate::intern::Interned;
use crate::time::Millis;
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
        let (cpu, mem) = (req.get("cpu").map(milli), req.get("memory").map(milli));
        r.cpu += cpu.unwrap_or(0);
        r.memory += mem.unwrap_or(0);
        r.ephemeral += milli(&req["ephemeral-storage"]);
        r.nonzero_cpu += cpu.unwrap_or(DEFAULT_MILLI_CPU);
        r.nonzero_memory += mem.unwrap_or(DEFAULT_MEMORY_MILLI);
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

/// A pod the scheduler counts on a node. What the spreading counts read of every pod
/// each cycle is here; the rest is in the shared [`PodFacts`] (read through `Deref`).
#[derive(Clone)]
pub(crate) struct Placed {
    facts: Arc<PodFacts>,
    node: usize,
    namespace: Interned,
    labels: Arc<Value>,
    /// Terminating with the scheduler's `DisruptionTarget` condition.
    preempting: bool,
    /// Counted on no node: taken out of it for a preemption dry run, or on a node the
    /// snapshot does not have (then `node` is `usize::MAX`).
    removed: bool,
    terminating: bool,
}

/// What the scheduler reads of a placed pod, read once per stored version of it.
pub(crate) struct PodFacts {
    key: ObjKey,
    priority: i64,
    req: Requests,
    /// `status.startTime` (a pod not started yet counts as starting now).
    start: Option<Arc<str>>,
    /// `requiredDuringScheduling` anti-affinity terms of the placed pod.
    anti_affinity: Arc<Vec<Value>>,
    host_ports: Arc<Vec<(i64, String)>>,
}

impl std::ops::Deref for Placed {
    type Target = PodFacts;
    fn deref(&self) -> &PodFacts {
        &self.facts
    }
}

/// A node and what its pods request, read through `Deref` as its [`NodeFacts`].
struct NodeInfo {
    facts: Arc<NodeFacts>,
    req: Requests,
    pods: usize,
}

/// What the filters and scores read of a stored node, read once per version of it.
struct NodeFacts {
    name: String,
    /// The same, interned (as the index of placed pods names nodes).
    interned: Interned,
    /// The stored node, shared (a snapshot later writes do not change).
    node: Arc<Value>,
    /// `spec.unschedulable`.
    unschedulable: bool,
    /// `spec.taints`.
    taints: Vec<Taint>,
    alloc_cpu: i128,
    alloc_memory: i128,
    /// The same as `f64`, for BalancedAllocation.
    alloc_cpu_f: f64,
    alloc_memory_f: f64,
    alloc_ephemeral: i128,
    alloc_pods: usize,
}

impl NodeFacts {
    fn of(n: Arc<Value>) -> NodeFacts {
        let a = &n["status"]["allocatable"];
        let name = n["metadata"]["name"].as_str().unwrap_or("").to_string();
        NodeFacts {
            interned: Interned::new(&name),
            name,
            unschedulable: n["spec"]["unschedulable"] == true,
            taints: n["spec"]["taints"].as_array().into_iter().flatten().map(Taint::of).collect(),
            alloc_cpu: milli(&a["cpu"]),
            alloc_memory: milli(&a["memory"]),
            alloc_ephemeral: milli(&a["ephemeral-storage"]),
            alloc_pods: (milli(&a["pods"]) / 1000).max(0) as usize,
            alloc_cpu_f: milli(&a["cpu"]) as f64,
            alloc_memory_f: milli(&a["memory"]) as f64,
            node: n,
        }
    }
}

impl std::ops::Deref for NodeInfo {
    type Target = NodeFacts;
    fn deref(&self) -> &NodeFacts {
        &self.facts
    }
}

/// A node's taint as the filters and scores compare it.
struct Taint {
    key: Option<String>,
    /// `value`, empty when absent.
    value: String,
    effect: Option<String>,
}

impl Taint {
    fn of(t: &Value) -> Taint {
        Taint {
            key: t["key"].as_str().map(String::from),
            value: t["value"].as_str().unwrap_or("").to_string(),
            effect: t["effect"].as_str().map(String::from),
        }
    }
}

/// A pod's toleration, read once per scheduling attempt.
struct Toleration<'a> {
    /// `operator: Exists` (anything else compares values, as `Equal`).
    exists: bool,
    key: &'a str,
    effect: &'a str,
    value: &'a str,
}

/// The pod's tolerations as [`tolerates_taint`] reads them.
fn tolerations_of(pod: &Value) -> Vec<Toleration<'_>> {
    pod["spec"]["tolerations"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|t| Toleration {
            exists: t["operator"].as_str().unwrap_or("Equal") == "Exists",
            key: t["key"].as_str().unwrap_or(""),
            effect: t["effect"].as_str().unwrap_or(""),
            value: t["value"].as_str().unwrap_or(""),
        })
        .collect()
}

/// [`tolerates`] with the pod's tolerations and the taint already read.
fn tolerates_taint(tolerations: &[Toleration], key: Option<&str>, value: &str, effect: Option<&str>) -> bool {
    tolerations.iter().any(|t| {
        if !t.effect.is_empty() && Some(t.effect) != effect {
            return false;
        }
        if t.key.is_empty() {
            return t.exists;
        }
        if Some(t.key) != key {
            return false;
        }
        t.exists || t.value == value
    })
}

/// What the filters and scores read of the pod being scheduled, read once per
/// attempt instead of once per node.
struct PodCtx<'a> {
    pod: &'a Value,
    key: ObjKey,
    namespace: &'a str,
    priority: i64,
    req: Requests,
    tolerations: Vec<Toleration<'a>>,
    /// Tolerates the `node.kubernetes.io/unschedulable:NoSchedule` taint.
    tolerates_unschedulable: bool,
    host_ports: Vec<(i64, String)>,
    /// [`node_affinity_matches`] for each node of the snapshot.
    affinity: Vec<bool>,
    constraints: Rc<Vec<Constraint>>,
    /// Some of the constraints are `DoNotSchedule`.
    hard_spread: bool,
    /// Required pod affinity or anti-affinity terms.
    required_pod_affinity: bool,
}

impl<'a> PodCtx<'a> {
    fn new(cluster: &Cluster, snap: &Snapshot, memo: &mut ConstraintMemo, pod: &'a Value) -> PodCtx<'a> {
        let tolerations = tolerations_of(pod);
        let tolerates_unschedulable = tolerates_taint(&tolerations, Some("node.kubernetes.io/unschedulable"), "", Some("NoSchedule"));
        let spec = &pod["spec"];
        let constrained = spec["nodeSelector"].is_object() || spec["affinity"]["nodeAffinity"]["requiredDuringSchedulingIgnoredDuringExecution"].is_object();
        let affinity = snap.nodes.iter().map(|n| !constrained || node_affinity_matches(pod, &n.node)).collect();
        let affinity_terms = &spec["affinity"];
        let required = |kind: &str| affinity_terms[kind]["requiredDuringSchedulingIgnoredDuringExecution"].as_array().is_some_and(|a| !a.is_empty());
        let constraints = memo.constraints(cluster, pod);
        PodCtx {
            pod,
            key: key_of(pod),
            namespace: pod["metadata"]["namespace"].as_str().unwrap_or(""),
            priority: priority_of(pod),
            req: pod_requests(spec),
            tolerations,
            tolerates_unschedulable,
            host_ports: host_ports(spec),
            affinity,
            hard_spread: constraints.iter().any(|c| c.hard),
            constraints,
            required_pod_affinity: required("podAffinity") || required("podAntiAffinity"),
        }
    }
}

/// The last pod's spread constraints, for the next pod of the same cycle: the
/// replicas of a template, tried one after another, have the same. They depend on
/// the pod's namespace, labels, owners and own constraints, and on the services and
/// owners in the store, which a scheduling cycle does not write.
#[derive(Default)]
struct ConstraintMemo {
    last: Option<([Value; 4], Rc<Vec<Constraint>>)>,
}

impl ConstraintMemo {
    fn constraints(&mut self, cluster: &Cluster, pod: &Value) -> Rc<Vec<Constraint>> {
        let (meta, spec) = (&pod["metadata"], &pod["spec"]);
        let inputs = [&meta["namespace"], &meta["labels"], &meta["ownerReferences"], &spec["topologySpreadConstraints"]];
        if let Some((last, constraints)) = &self.last {
            if last.iter().zip(inputs).all(|(a, b)| a == b) {
                return constraints.clone();
            }
        }
        let constraints = Rc::new(spread_constraints(cluster, pod));
        self.last = Some((inputs.map(Value::clone), constraints.clone()));
        constraints
    }
}

/// A pending pod a preemption nominated to a node: the filters count it there for
/// pods of lower or equal priority (`RunFilterPluginsWithNominatedPods`).
struct Nominated {
    key: ObjKey,
    node: usize,
    priority: i64,
    req: Requests,
}

/// The cluster as one scheduling cycle sees it; updated as pods are bound.
struct Snapshot {
    nodes: Vec<NodeInfo>,
    /// The cache's list of placed pods, then the pods this cycle bound.
    placed: Vec<Placed>,
    /// How many placed pods have required anti-affinity terms.
    with_anti: usize,
    nominated: Vec<Nominated>,
    /// The rest of the cache the list came from, given back by [`Snapshot::done`].
    cache: PlacedCache,
    /// How many of `placed` are the cache's.
    cached: usize,
    /// The cache's entries a preemption marked as terminating, with their flags before.
    marked: Vec<(usize, bool, bool)>,
}

/// The placed pods as the last scheduling cycle saw them, kept between cycles: the
/// next cycle copies from the store's index only what changed since (a pod written,
/// bound or gone) instead of taking a reference to every pod, which reads memory of
/// each one. A cycle's [`Snapshot`] takes the list and gives it back as it was.
#[derive(Clone, Default)]
pub(crate) struct PlacedCache {
    /// The nodes the entries' `node` indexes, in key order.
    nodes: Vec<Arc<NodeFacts>>,
    /// One entry per entry of the index of placed pods, in its order; a pod on a node
    /// not in `nodes` is `removed` (counted nowhere).
    placed: Vec<Placed>,
    /// Per node: the sum of its pods' requests, and their number.
    sums: Vec<(Requests, usize)>,
    /// How many of the pods have required anti-affinity terms.
    with_anti: usize,
    /// The room of the list before the last refresh, which the next one fills.
    spare: Vec<Placed>,
}

impl PlacedCache {
    /// Brings the list and the sums in line with the index, for the nodes `nodes`.
    /// An entry whose pod was not written since the last refresh is the index's same
    /// [`PodFacts`]: it is moved over as it is, without reading the pod's facts.
    fn refresh(&mut self, index: &BTreeMap<ObjKey, PlacedEntry>, nodes: Vec<Arc<NodeFacts>>) {
        // Entries name nodes by position: other names (or another order) start over.
        if !self.nodes.iter().map(|n| &n.interned).eq(nodes.iter().map(|n| &n.interned)) {
            self.placed.clear();
            self.sums = vec![(Requests::default(), 0); nodes.len()];
            self.with_anti = 0;
        }
        self.nodes = nodes;
        // The index names nodes by interned text: one table entry per name, so its
        // address finds the node without comparing names.
        let mut by_address: Vec<(usize, usize)> = self.nodes.iter().enumerate().map(|(i, n)| (n.interned.as_ptr() as usize, i)).collect();
        by_address.sort_unstable();
        let mut old = std::mem::replace(&mut self.placed, std::mem::take(&mut self.spare));
        self.placed.reserve(index.len());
        let mut before = old.drain(..).peekable();
        'entries: for (key, entry) in index {
            loop {
                match before.peek() {
                    Some(o) if Arc::ptr_eq(&o.facts, &entry.placed.facts) => {
                        self.placed.extend(before.next());
                        continue 'entries;
                    }
                    // Gone from the index, or written since.
                    Some(o) if o.key <= *key => {
                        let replaced = o.key == *key;
                        if let Some(o) = before.next() {
                            self.uncount(&o);
                        }
                        if replaced {
                            break;
                        }
                    }
                    _ => break,
                }
            }
            let address = entry.node.as_ptr() as usize;
            let placed = match by_address.binary_search_by_key(&address, |(a, _)| *a) {
                Ok(at) => Placed { node: by_address[at].1, ..entry.placed.clone() },
                Err(_) => Placed { node: usize::MAX, removed: true, ..entry.placed.clone() },
            };
            self.count(&placed);
            self.placed.push(placed);
        }
        for o in before {
            self.uncount(&o);
        }
        self.spare = old;
    }

    fn count(&mut self, p: &Placed) {
        if !p.removed {
            let (req, pods) = &mut self.sums[p.node];
            add(req, &p.req);
            *pods += 1;
            self.with_anti += !p.anti_affinity.is_empty() as usize;
        }
    }

    fn uncount(&mut self, p: &Placed) {
        if !p.removed {
            let (req, pods) = &mut self.sums[p.node];
            sub(req, &p.req);
            *pods -= 1;
            self.with_anti -= !p.anti_affinity.is_empty() as usize;
        }
    }
}

impl Snapshot {
    /// The snapshot of `cluster`, its placed pods from `cache` (brought up to date).
    fn build(cluster: &Cluster, mut cache: PlacedCache) -> Snapshot {
        // A node not written since the last cycle keeps its facts.
        let mut nodes: Vec<NodeInfo> = Vec::with_capacity(cache.nodes.len());
        for (i, n) in cluster.range_keys("nodes").filter_map(|k| cluster.get_shared(k)).enumerate() {
            let facts = match cache.nodes.get(i) {
                Some(f) if Arc::ptr_eq(&f.node, &n) => f.clone(),
                _ => Arc::new(NodeFacts::of(n)),
            };
            nodes.push(NodeInfo { facts, req: Requests::default(), pods: 0 });
        }
        let mut nominated = Vec::new();
        // Pods nominated to a node by a preemption: unscheduled pods, in key order.
        for key in &cluster.index.unscheduled {
            let Some(p) = cluster.get(key) else { continue };
            if let Some(node) = p["status"]["nominatedNodeName"].as_str().and_then(|n| nodes.iter().position(|x| x.name == n)) {
                nominated.push(Nominated { key: key.clone(), node, priority: priority_of(p), req: pod_requests(&p["spec"]) });
            }
        }
        // From the store's index of bound pods (kept on every write, in key order).
        if crate::cluster::CHECK_SKIPPED {
            let scanned: Vec<&ObjKey> = cluster
                .range("pods", None)
                .filter(|(_, p)| placed_entry(p).is_some())
                .map(|(k, _)| k)
                .collect();
            assert!(scanned.iter().copied().eq(cluster.index.placed.keys()), "the placed-pods index differs from the store");
        }
        let facts: Vec<Arc<NodeFacts>> = nodes.iter().map(|n| n.facts.clone()).collect();
        cache.refresh(&cluster.index.placed, facts);
        if crate::cluster::CHECK_SKIPPED {
            let mut fresh = PlacedCache::default();
            fresh.refresh(&cluster.index.placed, nodes.iter().map(|n| Arc::new(NodeFacts::of(n.node.clone()))).collect());
            let same = |a: &Placed, b: &Placed| Arc::ptr_eq(&a.facts, &b.facts) && (a.node, a.removed, a.terminating, a.preempting) == (b.node, b.removed, b.terminating, b.preempting);
            assert!(
                fresh.placed.len() == cache.placed.len() && fresh.placed.iter().zip(&cache.placed).all(|(a, b)| same(a, b)) && fresh.sums == cache.sums && fresh.with_anti == cache.with_anti,
                "scheduler: the kept list of placed pods differs from the index"
            );
        }
        for (n, (req, pods)) in nodes.iter_mut().zip(&cache.sums) {
            n.req = *req;
            n.pods = *pods;
        }
        let mut placed = std::mem::take(&mut cache.placed);
        placed.reserve(cluster.index.unscheduled.len());
        let cached = placed.len();
        Snapshot { nodes, with_anti: cache.with_anti, nominated, placed, cache, cached, marked: Vec::new() }
    }

    /// The cache the snapshot was built from, as it was: without the pods this cycle
    /// bound (the index has them now, under their own facts) or its marks.
    fn done(mut self) -> PlacedCache {
        self.placed.truncate(self.cached);
        for &(j, terminating, preempting) in self.marked.iter().rev() {
            self.placed[j].terminating = terminating;
            self.placed[j].preempting = preempting;
        }
        debug_assert!(self.placed.iter().all(|p| p.removed == (p.node == usize::MAX)), "scheduler: a dry run left a pod out");
        self.cache.placed = self.placed;
        self.cache
    }

    /// Marks placed pod `j` as terminating by preemption, for the rest of the cycle.
    fn mark_preempted(&mut self, j: usize) {
        let p = &mut self.placed[j];
        if j < self.cached {
            self.marked.push((j, p.terminating, p.preempting));
        }
        p.terminating = true;
        p.preempting = true;
    }

    fn bind(&mut self, pod: &Value, node: usize) -> &Placed {
        let placed = placed_of(pod, node);
        add(&mut self.nodes[node].req, &placed.req);
        self.nodes[node].pods += 1;
        self.with_anti += !placed.anti_affinity.is_empty() as usize;
        self.nominated.retain(|n| n.key != placed.key);
        self.placed.push(placed);
        self.placed.last().expect("just pushed")
    }

    /// The pods on nodes, without those a dry run took out.
    fn live(&self) -> impl Iterator<Item = &Placed> + '_ {
        self.placed.iter().filter(|p| !p.removed)
    }

    /// Takes placed pod `j` out of its node (`NodeInfo.RemovePod`).
    fn take_out(&mut self, j: usize) {
        let p = &mut self.placed[j];
        if p.removed {
            return;
        }
        p.removed = true;
        let n = &mut self.nodes[p.node];
        n.pods -= 1;
        sub(&mut n.req, &p.req);
        self.with_anti -= !p.anti_affinity.is_empty() as usize;
    }

    /// Puts placed pod `j` back on its node.
    fn put_back(&mut self, j: usize) {
        let p = &mut self.placed[j];
        if !p.removed {
            return;
        }
        p.removed = false;
        add(&mut self.nodes[p.node].req, &p.req);
        self.nodes[p.node].pods += 1;
        self.with_anti += !p.anti_affinity.is_empty() as usize;
    }
}

fn key_of(p: &Value) -> ObjKey {
    ObjKey::pod(p["metadata"]["namespace"].as_str().unwrap_or(""), p["metadata"]["name"].as_str().unwrap_or(""))
}

/// `corev1helpers.PodPriority`.
fn priority_of(p: &Value) -> i64 {
    p["spec"]["priority"].as_i64().unwrap_or(0)
}

/// `podTerminatingByPreemption` of a terminating pod: its `status` says the scheduler
/// preempted it.
fn preempted(status: &Value) -> bool {
    status["conditions"].as_array().and_then(|cs| cs.iter().find(|c| c["type"] == "DisruptionTarget")).is_some_and(|c| c["status"] == "True" && c["reason"] == "PreemptionByScheduler")
}

fn sub(a: &mut Requests, b: &Requests) {
    a.cpu -= b.cpu;
    a.memory -= b.memory;
    a.ephemeral -= b.ephemeral;
    a.nonzero_cpu -= b.nonzero_cpu;
    a.nonzero_memory -= b.nonzero_memory;
}

fn add(a: &mut Requests, b: &Requests) {
    a.cpu += b.cpu;
    a.memory += b.memory;
    a.ephemeral += b.ephemeral;
    a.nonzero_cpu += b.nonzero_cpu;
    a.nonzero_memory += b.nonzero_memory;
}

/// What the scheduler counts of a bound, unfinished pod (the store keeps it in
/// `Indexes::placed`, so a scheduling cycle does not read every pod).
#[derive(Clone)]
pub(crate) struct PlacedEntry {
    node: Interned,
    placed: Placed,
}

impl PlacedEntry {
    /// Everything the entry holds, written out (for tests comparing indexes).
    pub(crate) fn brief(&self) -> String {
        let p = &self.placed;
        format!(
            "{} {} {:?} {} {:?} {:?} {} {} {} {} {:?} {:?}",
            self.node, p.key.name, p.key.namespace, p.priority, p.req, p.start, p.preempting, p.removed, p.labels, p.terminating, p.anti_affinity, p.host_ports
        )
    }
}

pub(crate) fn placed_entry(p: &Value) -> Option<PlacedEntry> {
    let node = p["spec"]["nodeName"].as_str().filter(|n| !n.is_empty())?;
    if matches!(p["status"]["phase"].as_str(), Some("Succeeded" | "Failed")) {
        return None;
    }
    Some(PlacedEntry { node: node.into(), placed: placed_of(p, 0) })
}

/// What placed pods share: the labels and start time of the last one (the replicas of
/// a template, placed one after another, have the same labels; many start within the
/// same second) and empty lists. A cluster of 100,000 pods
/// holds one entry per pod; this keeps most of them free of allocations of their own.
#[derive(Default)]
struct SharedParts {
    labels: Arc<Value>,
    start: Option<Arc<str>>,
    no_anti_affinity: Arc<Vec<Value>>,
    no_host_ports: Arc<Vec<(i64, String)>>,
}

thread_local! {
    static SHARED_PARTS: std::cell::RefCell<SharedParts> = std::cell::RefCell::default();
}

/// Whether two statuses of a pod with `metadata` (and the same spec) give it different
/// [`placed_entry`]s: they differ in what it reads of the status (the phase, the start
/// time, and the conditions once the pod is terminating).
pub(crate) fn placed_status_differs(metadata: &Value, a: &Value, b: &Value) -> bool {
    let finished = |s: &Value| matches!(s["phase"].as_str(), Some("Succeeded" | "Failed"));
    finished(a) != finished(b) || a["startTime"] != b["startTime"] || !metadata["deletionTimestamp"].is_null() && a["conditions"] != b["conditions"]
}

fn placed_of(p: &Value, node: usize) -> Placed {
    // Read on every write of a bound pod: each top-level part is looked up once.
    let (meta, spec, status) = (&p["metadata"], &p["spec"], &p["status"]);
    let anti = spec["affinity"]["podAntiAffinity"]["requiredDuringSchedulingIgnoredDuringExecution"].as_array().filter(|a| !a.is_empty());
    let ports = host_ports(spec);
    let key = ObjKey::pod(meta["namespace"].as_str().unwrap_or(""), meta["name"].as_str().unwrap_or(""));
    let (labels, start, anti_affinity, host_ports) = SHARED_PARTS.with_borrow_mut(|shared| {
        let labels = &meta["labels"];
        if *shared.labels != *labels {
            shared.labels = Arc::new(labels.clone());
        }
        let start = status["startTime"].as_str().map(|t| match &shared.start {
            Some(s) if **s == *t => s.clone(),
            _ => {
                let s: Arc<str> = Arc::from(t);
                shared.start = Some(s.clone());
                s
            }
        });
        let anti = anti.map_or_else(|| shared.no_anti_affinity.clone(), |a| Arc::new(a.clone()));
        let ports = if ports.is_empty() { shared.no_host_ports.clone() } else { Arc::new(ports) };
        (shared.labels.clone(), start, anti, ports)
    });
    let namespace = key.namespace.clone();
    let facts = PodFacts { key, priority: spec["priority"].as_i64().unwrap_or(0), req: pod_requests(spec), start, anti_affinity, host_ports };
    let terminating = !meta["deletionTimestamp"].is_null();
    let preempting = terminating && preempted(status);
    Placed { facts: Arc::new(facts), node, namespace, labels, preempting, removed: false, terminating }
}

/// The host ports the containers of pod `spec` ask for.
fn host_ports(spec: &Value) -> Vec<(i64, String)> {
    let mut out = Vec::new();
    for c in spec["containers"].as_array().into_iter().flatten() {
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

/// How long a pod stays in the unschedulable pool before the queue's periodic flush
/// retries it anyway (`podMaxInUnschedulablePodsDuration`).
const FLUSH_AFTER: Millis = 5 * 60 * 1000;

/// The scheduling queue's unschedulable pool: a pod that fitted nowhere waits there
/// until something that could make it fit happens (an assigned pod added, deleted,
/// finished or relabelled, a node or volume written, the pod itself changed) or it
/// has waited [`FLUSH_AFTER`]; meanwhile its retries are skipped. Debug builds check
/// that each skipped retry would have found no node.
#[derive(Clone, Default)]
pub(crate) struct Queue {
    /// Bumped by every write that could make an unschedulable pod fit.
    epoch: u64,
    /// Pods that failed: when, and the epoch they failed at.
    unschedulable: BTreeMap<ObjKey, (Millis, u64)>,
    /// Bumped by every write that could change which pods are pending or due: the
    /// epoch's, the pool's, and any write of a pod without a node.
    changes: u64,
    /// A cycle found no pod to try: the `changes` it saw and the first instant a
    /// waiting pod's flush is due. Until either moves, cycles have nothing to do.
    idle: Option<(u64, Millis)>,
    /// The placed pods as the last cycle saw them.
    placed: PlacedCache,
}

fn assigned<'a>(p: impl Fields<'a>) -> bool {
    p.field("spec")["nodeName"].as_str().is_some_and(|n| !n.is_empty())
}

fn nominated<'a>(p: impl Fields<'a>) -> bool {
    p.field("status")["nominatedNodeName"].as_str().is_some_and(|n| !n.is_empty())
}

fn finished<'a>(p: impl Fields<'a>) -> bool {
    matches!(p.field("status")["phase"].as_str(), Some("Succeeded" | "Failed"))
}

/// The scheduler's informer handlers: sees every store write (`old` → `new`).
pub(crate) fn observe(q: &mut Queue, key: &ObjKey, old: Option<Prior<'_>>, new: Option<&Value>) {
    let unassigned = key.resource == "pods" && (old.is_some_and(|o| !assigned(o)) || new.is_some_and(|n| !assigned(n)));
    // With no pod waiting in the pool, the epoch and the pool have no one to tell.
    if q.unschedulable.is_empty() {
        q.changes += unassigned as u64;
        return;
    }
    let (epoch, pool) = (q.epoch, q.unschedulable.len());
    observe_write(q, key, old, new);
    if unassigned || q.epoch != epoch || q.unschedulable.len() != pool {
        q.changes += 1;
    }
}

fn observe_write(q: &mut Queue, key: &ObjKey, old: Option<Prior<'_>>, new: Option<&Value>) {
    match key.resource.as_str() {
        "pods" => match (old, new) {
            (Some(o), None) => {
                q.unschedulable.remove(key);
                // A nominated pod held room on its node for pods of lower priority.
                if assigned(o) || nominated(o) {
                    q.epoch += 1;
                }
            }
            (None, Some(n)) => {
                if assigned(n) {
                    q.epoch += 1;
                }
            }
            (Some(o), Some(n)) if assigned(n) => {
                let relevant = !assigned(o)
                    || finished(n) != finished(o)
                    || differ(&o.field("metadata")["labels"], &n["metadata"]["labels"])
                    || differ(o.field("spec"), &n["spec"]);
                if relevant {
                    q.unschedulable.remove(key);
                    q.epoch += 1;
                }
            }
            (Some(o), Some(n)) => {
                if o.field("status")["nominatedNodeName"] != n["status"]["nominatedNodeName"] && nominated(o) {
                    q.epoch += 1;
                }
                // The pending pod itself changed (not just the status the scheduler writes).
                let meta = o.field("metadata");
                if differ(o.field("spec"), &n["spec"]) || differ(&meta["labels"], &n["metadata"]["labels"]) || meta["deletionTimestamp"] != n["metadata"]["deletionTimestamp"] {
                    q.unschedulable.remove(key);
                }
            }
            (None, None) => {}
        },
        "nodes" | "persistentvolumeclaims" | "persistentvolumes" | "storageclasses.storage.k8s.io" => q.epoch += 1,
        _ => {}
    }
}

impl Queue {
    /// Whether the pod is to be tried in this cycle.
    fn due(&self, key: &ObjKey, now: Millis) -> bool {
        match self.unschedulable.get(key) {
            None => true,
            Some((since, epoch)) => *epoch != self.epoch || now.saturating_sub(*since) >= FLUSH_AFTER,
        }
    }
}

/// Binds every unscheduled pod that some node can take, highest priority first.
pub fn schedule_pending(cluster: &mut Cluster) {
    let check = crate::cluster::CHECK_SKIPPED;
    // Nothing that could make a pod pending or due happened since a cycle found none.
    let q = &cluster.sched_queue;
    let idle = q.idle.is_some_and(|(changes, until)| changes == q.changes && cluster.now < until);
    if idle && !check {
        return;
    }
    let mut pending: Vec<(i64, ObjKey)> = Vec::new();
    // The store keeps the pods without a node (and not being deleted), in key order.
    for key in &cluster.index.unscheduled {
        let Some(pod) = cluster.get(key) else { continue };
        let unscheduled = pod["spec"]["nodeName"].as_str().is_none_or(str::is_empty)
            && pod["metadata"]["deletionTimestamp"].is_null()
            && pod["spec"]["schedulerName"].as_str().unwrap_or("default-scheduler") == "default-scheduler"
            && pod["spec"]["schedulingGates"].as_array().is_none_or(Vec::is_empty);
        if unscheduled {
            pending.push((-pod["spec"]["priority"].as_i64().unwrap_or(0), key.clone()));
        }
    }
    if pending.is_empty() {
        cluster.sched_queue.idle = Some((cluster.sched_queue.changes, Millis::MAX));
        return;
    }
    let q = &cluster.sched_queue;
    if !pending.iter().any(|(_, k)| q.due(k, cluster.now)) {
        // Each waits in the pool (at the current epoch) until its flush.
        let until = pending.iter().filter_map(|(_, k)| q.unschedulable.get(k)).map(|(since, _)| since.saturating_add(FLUSH_AFTER)).min().unwrap_or(Millis::MAX);
        cluster.sched_queue.idle = Some((cluster.sched_queue.changes, until));
        if !check {
            return;
        }
    } else {
        assert!(!idle, "scheduler: a pod is due although no write since the last cycle could make one");
        cluster.sched_queue.idle = None;
    }
    pending.sort_by(|a, b| a.0.cmp(&b.0));
    let cache = std::mem::take(&mut cluster.sched_queue.placed);
    let mut snap = Snapshot::build(cluster, cache);
    let mut counts = SpreadCache::default();
    let mut memo = ConstraintMemo::default();
    for (_, key) in pending {
        let Some(pod) = cluster.get_shared(&key) else { continue };
        if !cluster.sched_queue.due(&key, cluster.now) {
            if check {
                verify_skipped(cluster, &snap, &mut counts, &mut memo, &pod);
            }
            continue;
        }
        cluster.sched_queue.unschedulable.remove(&key);
        cluster.sched_queue.changes += 1;
        // VolumeBinding's PreFilter: the pod's claims must exist.
        let volumes = match crate::storage::pod_volumes(cluster, &pod) {
            Ok(v) => v,
            Err(reason) => {
                let n = snap.nodes.len();
                let message = format!("0/{n} nodes are available: {reason}. preemption: 0/{n} nodes are available: {n} Preemption is not helpful for scheduling.");
                record_failure(cluster, &key, &pod, message, None);
                continue;
            }
        };
        let pc = PodCtx::new(cluster, &snap, &mut memo, &pod);
        match pick_node(cluster, &snap, &mut counts, &pc, &volumes) {
            Ok(i) => {
                let name = snap.nodes[i].name.clone();
                counts.bound(snap.bind(&pod, i));
                if volumes.unbound.is_empty() {
                    bind(cluster, &key, &name);
                } else {
                    // PreBind: the claims get the node; the pod waits for their volumes.
                    crate::storage::select_node(cluster, &volumes.unbound, &name);
                }
            }
            Err(failures) => {
                let n = snap.nodes.len();
                let base = fit_summary(n, failures.iter().map(|(_, f)| f));
                let (message, nominate) = match post_filter(cluster, &mut snap, &pc, &volumes, &failures) {
                    PostFilter::Nominate { node, victims } => {
                        prepare_candidate(cluster, &mut snap, &pod, node, &victims);
                        // The victims now count as terminating (spreading skips them): the
                        // selectors' counts are taken again when next read, so a count does
                        // not depend on whether it was first read before the preemption.
                        counts.by_selector.clear();
                        snap.nominated.push(Nominated { key: key.clone(), node, priority: pc.priority, req: pc.req });
                        (base, Some(Some(snap.nodes[node].name.clone())))
                    }
                    PostFilter::Fail { message, clear } => (format!("{base} preemption: {message}"), clear.then_some(None)),
                };
                record_failure(cluster, &key, &pod, message, nominate);
            }
        }
    }
    cluster.sched_queue.placed = snap.done();
}

/// Debug builds: a pod whose retry the queue skipped must fit no node now.
fn verify_skipped(cluster: &Cluster, snap: &Snapshot, counts: &mut SpreadCache, memo: &mut ConstraintMemo, pod: &Value) {
    let Ok(volumes) = crate::storage::pod_volumes(cluster, pod) else { return };
    let pc = PodCtx::new(cluster, snap, memo, pod);
    let mut domains = pc.domain_cache();
    for i in 0..snap.nodes.len() {
        assert!(
            filter(snap, counts, &pc, &mut domains, i, &volumes).is_some(),
            "scheduler: pod {}/{} waited in the unschedulable queue, yet node {} would take it",
            pod["metadata"]["namespace"].as_str().unwrap_or(""),
            pod["metadata"]["name"].as_str().unwrap_or(""),
            snap.nodes[i].name
        );
    }
}

/// `handleSchedulingFailure`: the `PodScheduled=False` condition and the
/// `FailedScheduling` event when the message is new; `nominate` sets
/// (`Some(Some(node))`) or clears (`Some(None)`) `status.nominatedNodeName`. The pod
/// waits in the unschedulable pool.
fn record_failure(cluster: &mut Cluster, key: &ObjKey, pod: &Value, message: String, nominate: Option<Option<String>>) {
    let same = pod["status"]["conditions"]
        .as_array()
        .is_some_and(|c| c.iter().any(|c| c["type"] == "PodScheduled" && c["message"] == message.as_str()));
    let current = pod["status"]["nominatedNodeName"].as_str().filter(|n| !n.is_empty()).map(String::from);
    let renominate = nominate.as_ref().is_some_and(|want| *want != current);
    if !same || renominate {
        let now = crate::time::rfc3339(cluster.now);
        let msg = message.clone();
        cluster.modify(key, |p| {
            if !same {
                p["status"]["conditions"] = json!([{
                    "lastProbeTime": null,
                    "lastTransitionTime": now,
                    "message": msg,
                    "reason": "Unschedulable",
                    "status": "False",
                    "type": "PodScheduled",
                }]);
            }
            match nominate {
                Some(Some(node)) => p["status"]["nominatedNodeName"] = json!(node),
                Some(None) => {
                    if let Some(st) = p["status"].as_object_mut() {
                        st.remove("nominatedNodeName");
                    }
                }
                None => {}
            }
        });
    }
    if !same {
        cluster.emit_event(pod, None, "Warning", "FailedScheduling", "default-scheduler", message);
    }
    cluster.sched_queue.unschedulable.insert(key.clone(), (cluster.now, cluster.sched_queue.epoch));
    cluster.sched_queue.changes += 1;
}

/// What the PostFilter (DefaultPreemption) decided.
enum PostFilter {
    /// Preempt `victims` (indexes into the snapshot's placed pods) on `node`.
    Nominate { node: usize, victims: Vec<usize> },
    /// Why not; `clear` drops a nomination the pod had.
    Fail { message: String, clear: bool },
}

/// A PDB as the preemption reads it.
struct Budget {
    namespace: String,
    selector: LabelSelector,
    allowed: i64,
    disrupted: Vec<String>,
}

fn budgets(cluster: &Cluster) -> Vec<Budget> {
    cluster
        .list("poddisruptionbudgets.policy", None)
        .into_iter()
        .filter(|b| b["spec"]["selector"].is_object())
        .map(|b| Budget {
            namespace: b["metadata"]["namespace"].as_str().unwrap_or("").to_string(),
            selector: LabelSelector::from_object(&b["spec"]["selector"]),
            allowed: b["status"]["disruptionsAllowed"].as_i64().unwrap_or(0),
            disrupted: b["status"]["disruptedPods"].as_object().map(|m| m.keys().cloned().collect()).unwrap_or_default(),
        })
        .collect()
}

/// `MoreImportantPod`: higher priority, then started earlier.
fn more_important(a: &Placed, b: &Placed, now: &str) -> std::cmp::Ordering {
    b.priority.cmp(&a.priority).then_with(|| a.start.as_deref().unwrap_or(now).cmp(b.start.as_deref().unwrap_or(now)))
}

/// `DefaultPreemption.PostFilter`: whether evicting lower-priority pods somewhere
/// would let the pod in, and where with the least harm.
fn post_filter(cluster: &mut Cluster, snap: &mut Snapshot, pc: &PodCtx, volumes: &crate::storage::PodVolumes, failures: &[(usize, Failure)]) -> PostFilter {
    let pod = pc.pod;
    let n = snap.nodes.len();
    if pod["spec"]["preemptionPolicy"] == "Never" {
        return PostFilter::Fail { message: "not eligible due to preemptionPolicy=Never.".into(), clear: false };
    }
    let prio = pc.priority;
    if let Some(nominated) = pod["status"]["nominatedNodeName"].as_str().filter(|n| !n.is_empty()) {
        if let Some(i) = snap.nodes.iter().position(|x| x.name == nominated) {
            let unresolvable = failures.iter().any(|(j, f)| *j == i && !f.resolvable);
            if !unresolvable && snap.live().any(|p| p.node == i && p.priority < prio && p.preempting) {
                return PostFilter::Fail { message: "not eligible due to a terminating pod on the nominated node.".into(), clear: false };
            }
        }
    }
    let potential: Vec<usize> = failures.iter().filter(|(_, f)| f.resolvable).map(|(i, _)| *i).collect();
    let mut statuses: Vec<Failure> = failures.iter().filter(|(_, f)| !f.resolvable).map(|_| unresolvable("Preemption is not helpful for scheduling")).collect();
    if potential.is_empty() {
        return PostFilter::Fail { message: fit_summary(n, statuses.iter()), clear: true };
    }
    // The dry run starts at a random node.
    let offset = if potential.len() > 1 { cluster.rng.below(potential.len() as u64) as usize } else { 0 };
    let pdbs = budgets(cluster);
    let now = crate::time::rfc3339(cluster.now);
    let mut candidates: Vec<(usize, Vec<usize>, usize)> = Vec::new();
    for k in 0..potential.len() {
        let i = potential[(offset + k) % potential.len()];
        match select_victims(snap, pc, volumes, i, &pdbs, &now) {
            Ok((victims, violating)) => candidates.push((i, victims, violating)),
            Err(f) => statuses.push(f),
        }
    }
    if candidates.is_empty() {
        return PostFilter::Fail { message: fit_summary(n, statuses.iter()), clear: true };
    }
    // `pickOneNodeForPreemption`: fewest PDB violations, lowest highest-priority
    // victim, lowest priority sum, fewest victims, latest start of the most important
    // victims, then the first.
    let highest = |v: &[usize]| v.iter().map(|&j| snap.placed[j].priority).max().unwrap_or(i64::MIN);
    let narrow = |cands: Vec<(usize, Vec<usize>, usize)>, score: &dyn Fn(&(usize, Vec<usize>, usize)) -> i128| {
        let best = cands.iter().map(score).min().unwrap_or(0);
        cands.into_iter().filter(|c| score(c) == best).collect::<Vec<_>>()
    };
    let mut cands = narrow(candidates, &|c| c.2 as i128);
    cands = narrow(cands, &|c| highest(&c.1) as i128);
    cands = narrow(cands, &|c| c.1.iter().map(|&j| snap.placed[j].priority as i128 + i32::MAX as i128 + 1).sum());
    cands = narrow(cands, &|c| c.1.len() as i128);
    if cands.len() > 1 {
        let earliest = |c: &(usize, Vec<usize>, usize)| -> String {
            let top = highest(&c.1);
            c.1.iter().filter(|&&j| snap.placed[j].priority == top).map(|&j| snap.placed[j].start.as_deref().map(String::from).unwrap_or_else(|| now.clone())).min().unwrap_or_default()
        };
        let latest = cands.iter().map(earliest).max().unwrap_or_default();
        cands.retain(|c| earliest(c) == latest);
    }
    let (node, victims, _) = cands.swap_remove(0);
    PostFilter::Nominate { node, victims }
}

/// `SelectVictimsOnNode`: take every lower-priority pod off node `i`; if the pod
/// then fits, give back as many as possible, most important first (those whose
/// eviction would break a PDB before the others). Returns the victims, most
/// important first, and how many of them break a PDB.
fn select_victims(snap: &mut Snapshot, pc: &PodCtx, volumes: &crate::storage::PodVolumes, i: usize, pdbs: &[Budget], now: &str) -> Result<(Vec<usize>, usize), Failure> {
    let prio = pc.priority;
    let mut potential: Vec<usize> = (0..snap.placed.len()).filter(|&j| !snap.placed[j].removed && snap.placed[j].node == i && snap.placed[j].priority < prio).collect();
    if potential.is_empty() {
        return Err(unresolvable("No preemption victims found for incoming pod"));
    }
    for &j in &potential {
        snap.take_out(j);
    }
    let fits = |snap: &Snapshot| filter(snap, &mut SpreadCache::default(), pc, &mut pc.domain_cache(), i, volumes);
    if let Some(f) = fits(snap) {
        for &j in &potential {
            snap.put_back(j);
        }
        return Err(f);
    }
    potential.sort_by(|&a, &b| more_important(&snap.placed[a], &snap.placed[b], now));
    // filterPodsWithPDBViolation
    let mut allowed: Vec<i64> = pdbs.iter().map(|b| b.allowed).collect();
    let (mut violating, mut non_violating) = (Vec::new(), Vec::new());
    for &j in &potential {
        let p = &snap.placed[j];
        let mut violated = false;
        if p.labels.as_object().is_some_and(|m| !m.is_empty()) {
            for (k, b) in pdbs.iter().enumerate() {
                if *b.namespace != *p.namespace || b.selector.is_empty() || !b.selector.matches(Some(&p.labels)) || b.disrupted.iter().any(|d| *d == p.key.name) {
                    continue;
                }
                allowed[k] -= 1;
                if allowed[k] < 0 {
                    violated = true;
                }
            }
        }
        if violated {
            violating.push(j);
        } else {
            non_violating.push(j);
        }
    }
    let mut victims = Vec::new();
    let mut violations = 0;
    for (group, counts_violation) in [(&violating, true), (&non_violating, false)] {
        for &j in group {
            snap.put_back(j);
            if fits(snap).is_some() {
                snap.take_out(j);
                victims.push(j);
                violations += counts_violation as usize;
            }
        }
    }
    for &j in &victims {
        snap.put_back(j);
    }
    if !violating.is_empty() && !non_violating.is_empty() {
        victims.sort_by(|&a, &b| more_important(&snap.placed[a], &snap.placed[b], now));
    }
    Ok((victims, violations))
}

/// `prepareCandidate`: lower-priority pods nominated to the node lose the
/// nomination; each victim gets the `DisruptionTarget` condition, is deleted
/// gracefully, and a `Preempted` event says by whom.
fn prepare_candidate(cluster: &mut Cluster, snap: &mut Snapshot, pod: &Value, node: usize, victims: &[usize]) {
    let node_name = snap.nodes[node].name.clone();
    let prio = priority_of(pod);
    let lower: Vec<ObjKey> = snap.nominated.iter().filter(|m| m.node == node && m.priority < prio).map(|m| m.key.clone()).collect();
    for k in &lower {
        cluster.modify(k, |p| {
            if let Some(st) = p["status"].as_object_mut() {
                st.remove("nominatedNodeName");
            }
        });
        cluster.sched_queue.unschedulable.remove(k);
        cluster.sched_queue.changes += 1;
    }
    snap.nominated.retain(|m| !(m.node == node && m.priority < prio));
    let uid = pod["metadata"]["uid"].as_str().unwrap_or("").to_string();
    let scheduler = pod["spec"]["schedulerName"].as_str().unwrap_or("default-scheduler").to_string();
    let now = crate::time::rfc3339(cluster.now);
    for &j in victims {
        snap.mark_preempted(j);
        let key = snap.placed[j].key.clone();
        let Some(victim) = cluster.get(&key).cloned() else { continue };
        if !victim["metadata"]["deletionTimestamp"].is_null() {
            continue;
        }
        let condition = json!({
            "lastProbeTime": null,
            "lastTransitionTime": now,
            "message": format!("{scheduler}: preempting to accommodate a higher priority pod"),
            "observedGeneration": victim["metadata"]["generation"].clone(),
            "reason": "PreemptionByScheduler",
            "status": "True",
            "type": "DisruptionTarget",
        });
        cluster.modify(&key, |p| match p["status"]["conditions"].as_array_mut() {
            Some(cs) => match cs.iter_mut().find(|c| c["type"] == "DisruptionTarget") {
                Some(c) => *c = condition,
                None => cs.push(condition),
            },
            None => p["status"]["conditions"] = json!([condition]),
        });
        crate::kubelet::delete_pod(cluster, &key, None);
        cluster.emit_event(&victim, None, "Normal", "Preempted", "default-scheduler", format!("Preempted by pod {uid} on node {node_name}"));
    }
}

/// Per-cycle counts of pods matching a (namespace, selector) on each node, and the
/// nodes' domains per topology key.
#[derive(Default)]
struct SpreadCache {
    /// Namespace → selector (as JSON text) → the selector, its counts per node, and
    /// how many of `bound` they count.
    by_selector: BTreeMap<String, BTreeMap<String, SelectorCounts>>,
    /// Pods bound in this cycle (namespace, labels, node), counted by each selector
    /// when it is next read.
    bound: Vec<(crate::intern::Interned, Arc<Value>, usize)>,
    topology: BTreeMap<String, Topology>,
}

/// A selector, its matching pods per node, and how many of the cycle's bound pods
/// those counts include.
type SelectorCounts = (LabelSelector, Vec<i64>, usize);

/// The nodes' domains for one topology key: each node's domain (`None` without the
/// label), numbered in the order first seen.
struct Topology {
    domain: Rc<Vec<Option<usize>>>,
    len: usize,
}

impl SpreadCache {
    fn counts(&mut self, snap: &Snapshot, namespace: &str, sel_key: &str, selector: &Value) -> &Vec<i64> {
        if let Some((sel, counts, seen)) = self.by_selector.get_mut(namespace).and_then(|m| m.get_mut(sel_key)) {
            for (ns, labels, node) in &self.bound[*seen..] {
                if **ns == *namespace && sel.matches(Some(labels)) {
                    counts[*node] += 1;
                }
            }
            *seen = self.bound.len();
        } else {
            let sel = LabelSelector::from_object(selector);
            let mut counts = vec![0i64; snap.nodes.len()];
            // Replicas share their labels: one match per run of the same labels.
            let mut last: Option<(*const Value, bool)> = None;
            for p in snap.live() {
                if p.terminating || *p.namespace != *namespace {
                    continue;
                }
                let labels = Arc::as_ptr(&p.labels);
                let matches = match last {
                    Some((seen, m)) if seen == labels => m,
                    _ => sel.matches(Some(&p.labels)),
                };
                last = Some((labels, matches));
                if matches {
                    counts[p.node] += 1;
                }
            }
            self.by_selector.entry(namespace.to_string()).or_default().insert(sel_key.to_string(), (sel, counts, self.bound.len()));
        }
        &self.by_selector[namespace][sel_key].1
    }

    fn topology(&mut self, snap: &Snapshot, key: &str) -> &Topology {
        if !self.topology.contains_key(key) {
            let mut names: BTreeMap<&str, usize> = BTreeMap::new();
            let domain = snap
                .nodes
                .iter()
                .map(|n| {
                    node_label(&n.node, key).map(|v| {
                        let next = names.len();
                        *names.entry(v).or_insert(next)
                    })
                })
                .collect();
            let len = names.len();
            self.topology.insert(key.to_string(), Topology { domain: Rc::new(domain), len });
        }
        &self.topology[key]
    }

    /// A pod bound in this cycle (after the snapshot took it in).
    fn bound(&mut self, p: &Placed) {
        self.bound.push((p.namespace.clone(), p.labels.clone(), p.node));
    }
}

fn pick_node(cluster: &mut Cluster, snap: &Snapshot, counts: &mut SpreadCache, pc: &PodCtx, volumes: &crate::storage::PodVolumes) -> Result<usize, Vec<(usize, Failure)>> {
    let mut domains = pc.domain_cache();
    let mut feasible = Vec::with_capacity(snap.nodes.len());
    let mut failures: Vec<(usize, Failure)> = Vec::new();
    for i in 0..snap.nodes.len() {
        match filter(snap, counts, pc, &mut domains, i, volumes) {
            None => feasible.push(i),
            Some(f) => failures.push((i, f)),
        }
    }
    if feasible.is_empty() {
        return Err(failures);
    }
    if feasible.len() == 1 {
        return Ok(feasible[0]);
    }
    // A claim already given a node keeps it while the pod waits for the volume.
    if let Some(i) = volumes.selected_node.as_ref().and_then(|n| feasible.iter().copied().find(|i| snap.nodes[*i].name == *n)) {
        return Ok(i);
    }
    let scores = score(snap, counts, pc, &mut domains, &feasible);
    let best = scores.iter().copied().max().unwrap_or(0);
    let tied: Vec<usize> = feasible.iter().zip(&scores).filter(|(_, s)| **s == best).map(|(i, _)| *i).collect();
    if tied.len() == 1 {
        return Ok(tied[0]);
    }
    let pick = cluster.rng.below(tied.len() as u64) as usize;
    Ok(tied[pick])
}

/// `FitError.Error()`: `0/N nodes are available: ` and the sorted reason histogram.
fn fit_summary<'a>(total: usize, failures: impl Iterator<Item = &'a Failure>) -> String {
    let mut hist: BTreeMap<&str, usize> = BTreeMap::new();
    for f in failures {
        for r in &f.reasons {
            *hist.entry(r.as_str()).or_default() += 1;
        }
    }
    let mut parts: Vec<String> = hist.iter().map(|(r, c)| format!("{c} {r}")).collect();
    parts.sort();
    format!("0/{total} nodes are available: {}.", parts.join(", "))
}

fn filter(snap: &Snapshot, counts: &mut SpreadCache, pc: &PodCtx, domains: &mut [Option<Domains>], i: usize, volumes: &crate::storage::PodVolumes) -> Option<Failure> {
    let n = &snap.nodes[i];
    // NodeUnschedulable
    if n.unschedulable && !pc.tolerates_unschedulable {
        return Some(unresolvable("node(s) were unschedulable"));
    }
    // TaintToleration
    for taint in &n.taints {
        if matches!(taint.effect.as_deref(), Some("NoSchedule" | "NoExecute")) && !tolerates_taint(&pc.tolerations, taint.key.as_deref(), &taint.value, taint.effect.as_deref()) {
            return Some(unresolvable(format!("node(s) had untolerated taint {{{}: {}}}", taint.key.as_deref().unwrap_or(""), taint.value)));
        }
    }
    // NodeAffinity (nodeSelector and required node affinity)
    if !pc.affinity[i] {
        return Some(unresolvable("node(s) didn't match Pod's node affinity/selector"));
    }
    // NodePorts
    let wanted = &pc.host_ports;
    if !wanted.is_empty() && snap.live().any(|p| p.node == i && p.host_ports.iter().any(|hp| wanted.contains(hp))) {
        return Some(Failure { reasons: vec!["node(s) didn't have free ports for the requested pod ports".into()], resolvable: true });
    }
    // NodeResourcesFit, with the pods nominated here that are at least as important.
    let (mut used, mut pods) = (n.req, n.pods);
    if !snap.nominated.is_empty() {
        for m in snap.nominated.iter().filter(|m| m.node == i && m.priority >= pc.priority && m.key != pc.key) {
            add(&mut used, &m.req);
            pods += 1;
        }
    }
    let req = &pc.req;
    let short = [
        (pods + 1 > n.alloc_pods, "Too many pods"),
        (req.cpu > 0 && req.cpu > n.alloc_cpu - used.cpu, "Insufficient cpu"),
        (req.memory > 0 && req.memory > n.alloc_memory - used.memory, "Insufficient memory"),
        (req.ephemeral > 0 && req.ephemeral > n.alloc_ephemeral - used.ephemeral, "Insufficient ephemeral-storage"),
    ];
    if short.iter().any(|(s, _)| *s) {
        let reasons = short.iter().filter(|(s, _)| *s).map(|(_, r)| r.to_string()).collect();
        return Some(Failure { reasons, resolvable: true });
    }
    // VolumeBinding: bound volumes' node affinity.
    if !volumes.node_allowed(&n.node) {
        return Some(unresolvable("node(s) had volume node affinity conflict"));
    }
    // PodTopologySpread (DoNotSchedule constraints)
    if let Some(f) = spread_filter(snap, counts, pc, domains, i) {
        return Some(f);
    }
    // InterPodAffinity
    inter_pod_affinity_filter(snap, pc, i)
}

pub(crate) fn tolerates(pod: &Value, taint: &Value) -> bool {
    tolerates_taint(&tolerations_of(pod), taint["key"].as_str(), taint["value"].as_str().unwrap_or(""), taint["effect"].as_str())
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
    /// The selector as JSON text (what the per-cycle counts are cached by).
    sel_key: String,
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
                sel_key: c["labelSelector"].to_string(),
                system: false,
            })
            .collect();
    }
    // System defaults: spread the pods of the same owner (and services) softly over
    // hostnames (maxSkew 3) and zones (maxSkew 5).
    let Some(selector) = default_selector(cluster, pod) else { return Vec::new() };
    let sel_key = selector.to_string();
    vec![
        Constraint { max_skew: 3, key: "kubernetes.io/hostname".into(), hard: false, min_domains: 1, selector: selector.clone(), sel_key: sel_key.clone(), system: true },
        Constraint { max_skew: 5, key: "topology.kubernetes.io/zone".into(), hard: false, min_domains: 1, selector, sel_key, system: true },
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

/// Matching pods per topology domain over the nodes that count (node affinity
/// honoured, the constraint's key present).
struct Domains {
    /// Each node's domain (`None` without the constraint's key), shared with the
    /// cycle's [`Topology`].
    node: Rc<Vec<Option<usize>>>,
    counts: Vec<i64>,
    /// Domains with a node that counts.
    present: Vec<bool>,
    /// How many are present.
    len: usize,
    /// Whether the pod matches the constraint's own selector (hard constraints).
    self_match: i64,
}

impl Domains {
    /// The smallest count among the present domains (0 without any).
    fn min(&self) -> i64 {
        self.counts.iter().zip(&self.present).filter(|(_, p)| **p).map(|(c, _)| *c).min().unwrap_or(0)
    }

    /// The count of node `i`'s domain (0 when it has none or it is not present).
    fn at(&self, i: usize) -> i64 {
        self.node[i].filter(|d| self.present[*d]).map_or(0, |d| self.counts[d])
    }
}

impl PodCtx<'_> {
    /// An empty [`Domains`] per constraint, filled on first use while the snapshot and
    /// the counts stay as they are.
    fn domain_cache(&self) -> Vec<Option<Domains>> {
        self.constraints.iter().map(|_| None).collect()
    }
}

fn domain_counts(snap: &Snapshot, counts: &mut SpreadCache, pc: &PodCtx, c: &Constraint) -> Domains {
    let topo = counts.topology(snap, &c.key);
    let mut d = Domains { node: topo.domain.clone(), counts: vec![0; topo.len], present: vec![false; topo.len], len: 0, self_match: 0 };
    if c.hard {
        d.self_match = self_match(pc.pod, c);
    }
    let per_node = if c.selector.is_null() { None } else { Some(counts.counts(snap, pc.namespace, &c.sel_key, &c.selector)) };
    for i in 0..snap.nodes.len() {
        if !pc.affinity[i] {
            continue;
        }
        if let Some(x) = d.node[i] {
            if !d.present[x] {
                d.present[x] = true;
                d.len += 1;
            }
            d.counts[x] += per_node.map_or(0, |v| v[i]);
        }
    }
    d
}

/// The domains of constraint `ci`, computed on first use.
fn domains_of<'c>(snap: &Snapshot, counts: &mut SpreadCache, pc: &PodCtx, cache: &'c mut [Option<Domains>], ci: usize) -> &'c Domains {
    cache[ci].get_or_insert_with(|| domain_counts(snap, counts, pc, &pc.constraints[ci]))
}

fn self_match(pod: &Value, c: &Constraint) -> i64 {
    (!c.selector.is_null() && LabelSelector::from_object(&c.selector).matches(pod["metadata"].get("labels"))) as i64
}

fn spread_filter(snap: &Snapshot, counts: &mut SpreadCache, pc: &PodCtx, cache: &mut [Option<Domains>], i: usize) -> Option<Failure> {
    if !pc.hard_spread {
        return None;
    }
    let node = &snap.nodes[i].node;
    if pc.constraints.iter().filter(|c| c.hard).any(|c| node_label(node, &c.key).is_none()) {
        return Some(unresolvable("node(s) didn't match pod topology spread constraints (missing required label)"));
    }
    for (ci, c) in pc.constraints.iter().enumerate().filter(|(_, c)| c.hard) {
        let domains = domains_of(snap, counts, pc, cache, ci);
        let mut min = domains.min();
        if (domains.len as i64) < c.min_domains {
            min = 0;
        }
        let here = domains.at(i);
        if here + domains.self_match - min > c.max_skew {
            return Some(Failure { reasons: vec!["node(s) didn't match pod topology spread constraints".into()], resolvable: true });
        }
    }
    None
}

/// The terms of a pod (anti-)affinity: each selects pods in some namespaces.
fn term_selects(term: &Value, owner_ns: &str, p: &Placed) -> bool {
    let namespaces: Vec<&str> = term["namespaces"].as_array().into_iter().flatten().filter_map(Value::as_str).collect();
    let ns_ok = if namespaces.is_empty() && term["namespaceSelector"].is_null() { &*p.namespace == owner_ns } else { namespaces.contains(&&*p.namespace) || term["namespaceSelector"].as_object().is_some_and(|m| m.is_empty()) };
    ns_ok && !term["labelSelector"].is_null() && LabelSelector::from_object(&term["labelSelector"]).matches(Some(&p.labels))
}

fn same_domain(snap: &Snapshot, a: usize, b: usize, key: &str) -> bool {
    match (node_label(&snap.nodes[a].node, key), node_label(&snap.nodes[b].node, key)) {
        (Some(x), Some(y)) => x == y,
        _ => false,
    }
}

fn inter_pod_affinity_filter(snap: &Snapshot, pc: &PodCtx, i: usize) -> Option<Failure> {
    if snap.with_anti == 0 && !pc.required_pod_affinity {
        return None;
    }
    let pod = pc.pod;
    let ns = pod["metadata"]["namespace"].as_str().unwrap_or("");
    let labels = pod["metadata"].get("labels").cloned().unwrap_or(Value::Null);
    // Existing pods' anti-affinity against this pod.
    let facts = PodFacts { key: key_of(pod), priority: priority_of(pod), req: Requests::default(), start: None, anti_affinity: Arc::default(), host_ports: Arc::default() };
    let me = Placed { namespace: facts.key.namespace.clone(), facts: Arc::new(facts), node: i, labels: Arc::new(labels), preempting: false, removed: false, terminating: false };
    for p in snap.live().filter(|p| !p.anti_affinity.is_empty()) {
        for term in p.anti_affinity.iter() {
            let key = term["topologyKey"].as_str().unwrap_or("");
            if term_selects(term, &p.namespace, &me) && same_domain(snap, p.node, i, key) {
                return Some(Failure { reasons: vec!["node(s) didn't satisfy existing pods anti-affinity rules".into()], resolvable: true });
            }
        }
    }
    let affinity = &pod["spec"]["affinity"];
    for term in affinity["podAffinity"]["requiredDuringSchedulingIgnoredDuringExecution"].as_array().into_iter().flatten() {
        let key = term["topologyKey"].as_str().unwrap_or("");
        let any_match = snap.live().any(|p| term_selects(term, ns, p));
        let here = snap.live().any(|p| term_selects(term, ns, p) && same_domain(snap, p.node, i, key));
        // The first pod of a group may go anywhere its own terms would match itself.
        let self_ok = !any_match && term_selects(term, ns, &me) && node_label(&snap.nodes[i].node, key).is_some();
        if !here && !self_ok {
            return Some(unresolvable("node(s) didn't match pod affinity rules"));
        }
    }
    for term in affinity["podAntiAffinity"]["requiredDuringSchedulingIgnoredDuringExecution"].as_array().into_iter().flatten() {
        let key = term["topologyKey"].as_str().unwrap_or("");
        if snap.live().any(|p| !p.terminating && term_selects(term, ns, p) && same_domain(snap, p.node, i, key)) {
            return Some(Failure { reasons: vec!["node(s) didn't match pod anti-affinity rules".into()], resolvable: true });
        }
    }
    None
}

/// The weighted sum of the default score plugins, each normalised to 0..=100.
fn score(snap: &Snapshot, counts: &mut SpreadCache, pc: &PodCtx, cache: &mut [Option<Domains>], feasible: &[usize]) -> Vec<i64> {
    let (pod, req) = (pc.pod, &pc.req);
    let mut total = vec![0i64; feasible.len()];
    // TaintToleration (×3): fewer untolerated PreferNoSchedule taints is better.
    let taint_counts: Vec<i64> = feasible
        .iter()
        .map(|&i| {
            snap.nodes[i]
                .taints
                .iter()
                .filter(|t| t.effect.as_deref() == Some("PreferNoSchedule") && !tolerates_taint(&pc.tolerations, t.key.as_deref(), &t.value, t.effect.as_deref()))
                .count() as i64
        })
        .collect();
    let max_taints = taint_counts.iter().copied().max().unwrap_or(0);
    for (t, c) in total.iter_mut().zip(&taint_counts) {
        let s = if max_taints == 0 { 100 } else { 100 - c * 100 / max_taints };
        *t += 3 * s;
    }
    // NodeAffinity (×2): the weights of the preferred terms that match.
    if let Some(preferred) = pod["spec"]["affinity"]["nodeAffinity"]["preferredDuringSchedulingIgnoredDuringExecution"].as_array().filter(|p| !p.is_empty()) {
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
        let least = |alloc: i128, used: i128| if alloc == 0 || used > alloc { 0 } else { least_allocated(alloc, used) };
        let cpu = least(n.alloc_cpu, n.req.nonzero_cpu + req.nonzero_cpu);
        let mem = least(n.alloc_memory, n.req.nonzero_memory + req.nonzero_memory);
        *t += ((cpu + mem) / 2) as i64;
        let frac = |alloc: i128, alloc_f: f64, used: f64| if alloc == 0 { 1.0 } else { (used / alloc_f).min(1.0) };
        let (fc, fm) = (frac(n.alloc_cpu, n.alloc_cpu_f, sum_f64(n.req.cpu, req.cpu)), frac(n.alloc_memory, n.alloc_memory_f, sum_f64(n.req.memory, req.memory)));
        let std = (fc - fm).abs() / 2.0;
        *t += ((1.0 - std) * 100.0) as i64;
    }
    // PodTopologySpread (×2): ScheduleAnyway constraints (or the system defaults).
    let soft: Vec<usize> = (0..pc.constraints.len()).filter(|&ci| !pc.constraints[ci].hard).collect();
    if !soft.is_empty() {
        for &ci in &soft {
            domains_of(snap, counts, pc, cache, ci);
        }
        let per: Vec<(&Constraint, &Domains, f64)> = soft
            .iter()
            .map(|&ci| {
                let c = &pc.constraints[ci];
                let domains = cache[ci].as_ref().expect("computed above");
                let size = if c.key == "kubernetes.io/hostname" { feasible.len() } else { domains.len };
                (c, domains, ((size + 2) as f64).ln())
            })
            .collect();
        let require_all = !per.iter().any(|(c, _, _)| c.system);
        // A node without every key scores 0 and counts for neither bound.
        let scored = |i: usize| !require_all || per.iter().all(|(_, d, _)| d.node[i].is_some());
        let mut raw: Vec<i64> = Vec::with_capacity(feasible.len());
        let (mut min, mut max) = (None, None);
        for &i in feasible {
            if !scored(i) {
                raw.push(0);
                continue;
            }
            let mut s = 0.0;
            for (c, domains, weight) in &per {
                if domains.node[i].is_some() {
                    let cnt = domains.at(i);
                    s += cnt as f64 * weight + (c.max_skew - 1) as f64;
                }
            }
            let r = s.round() as i64;
            raw.push(r);
            min = Some(min.map_or(r, |m: i64| m.min(r)));
            max = Some(max.map_or(r, |m: i64| m.max(r)));
        }
        let (min, max) = (min.unwrap_or(0), max.unwrap_or(0));
        for ((t, r), &i) in total.iter_mut().zip(&raw).zip(feasible) {
            let s = match scored(i) {
                false => 0,
                true if max == 0 => 100,
                true => 100 * (max + min - r) / max,
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
                    s += w * snap.live().filter(|p| term_selects(term, ns, p) && same_domain(snap, p.node, i, key)).count() as i64;
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

/// `(a + b) as f64`, added in 64 bits when that cannot overflow (the same nearest
/// value, without the 128-bit conversion routine).
fn sum_f64(a: i128, b: i128) -> f64 {
    if let (Ok(x), Ok(y)) = (i64::try_from(a), i64::try_from(b)) {
        if let Some(sum) = x.checked_add(y) {
            return sum as f64;
        }
    }
    (a + b) as f64
}

/// `(alloc - used) * 100 / alloc`, in 64 bits when that cannot overflow (the same
/// quotient, cheaper than 128-bit division).
fn least_allocated(alloc: i128, used: i128) -> i128 {
    if let (Ok(a), Ok(u)) = (i64::try_from(alloc), i64::try_from(used)) {
        if let Some(x) = a.checked_sub(u).and_then(|d| d.checked_mul(100)) {
            return (x / a) as i128;
        }
    }
    (alloc - used) * 100 / alloc
}

/// Sets `spec.nodeName` (the binding subresource) and records `Scheduled`.
pub fn bind(cluster: &mut Cluster, key: &ObjKey, node: &str) {
    let Some(current) = cluster.get(key) else { return };
    let mut next = current.clone();
    next["spec"]["nodeName"] = json!(node);
    let conditions = vec![json!({
        "lastProbeTime": null,
        "lastTransitionTime": crate::time::rfc3339(cluster.now),
        "observedGeneration": next["metadata"]["generation"].clone(),
        "status": "True",
        "type": "PodScheduled",
    })];
    next["status"]["conditions"] = Value::Array(conditions);
    // ClearingNominatedNodeNameAfterBinding (beta, on in v1.35).
    if let Some(st) = next["status"].as_object_mut() {
        st.remove("nominatedNodeName");
    }
    // A pod given another node changed, without comparing the copies; only a bind to
    // the node it already names (the API's binding of a pod with an empty nodeName to
    // an empty target) is compared, and writes nothing when nothing changed.
    if current["spec"]["nodeName"].as_str() != Some(node) || next != *current {
        cluster.replace_quiet(key, next);
    }
    if let Some(pod) = cluster.get_shared(key) {
        let msg = format!("Successfully assigned {}/{} to {node}", key.namespace, key.name);
        cluster.emit_event(&pod, None, "Normal", "Scheduled", "default-scheduler", msg);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fit_summary_sorts_reasons_as_the_scheduler() {
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
            // The preemption summary after it comes from the dry run (`post_filter`).
            let (head, _) = want.split_once(" preemption:").expect("both parts");
            assert_eq!(fit_summary(failures.len(), failures.iter()), head);
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
