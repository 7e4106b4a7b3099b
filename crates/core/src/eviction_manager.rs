//! The kubelet's eviction manager (`pkg/kubelet/eviction`) for node memory, with the
//! kubelet's defaults: the hard threshold `memory.available<100Mi`, a housekeeping
//! sync every 10 s, the 5 min `evictionPressureTransitionPeriod`.
//!
//! A node's available memory is its capacity less what the node's own processes use
//! (the kubelet, containerd, the control plane: the figure `kubectl top node` adds)
//! and the working sets of its pods' running containers (the usage model of
//! [`crate::resources_model`]). When a sync sees it under the threshold, the manager
//! records `EvictionThresholdMet` on the node and evicts one pod, ranked as
//! `rankMemoryPressure` does: pods using more than they request first, then lower
//! priority, then more usage above the request (so BestEffort pods go first);
//! critical pods are never evicted. It waits for the pod's containers to stop, then
//! syncs again. `MemoryPressure` stays true until the threshold has not been met for
//! the transition period; the kubelet's node status update (every 10 s) reports it,
//! and the node lifecycle controller keeps the `node.kubernetes.io/memory-pressure`
//! `NoSchedule` taint in step with it.
//!
//! The loop only runs (has a timer) while there is something to see: a pod step that
//! changed what runs on a node calls [`watch_node`], which starts it when the node is
//! under the threshold; it stops once the node is back to normal.

use serde_json::{json, Value};

use crate::cluster::{Cluster, ObjKey, Timer};
use crate::time::{rfc3339, Millis};

/// `evictionHard: memory.available<100Mi`.
pub const MEMORY_AVAILABLE_THRESHOLD: u64 = 100 << 20;
const THRESHOLD_TEXT: &str = "100Mi";
/// The eviction manager's `monitoringInterval`.
const HOUSEKEEPING_MS: Millis = 10_000;
/// `evictionPressureTransitionPeriod`.
pub const PRESSURE_TRANSITION_MS: Millis = 300_000;
/// `nodeStatusUpdateFrequency`.
const NODE_STATUS_MS: Millis = 10_000;
/// `waitForPodsCleanup`: polled every second, given up after 30 s.
const CLEANUP_POLL_MS: Millis = 1_000;
const CLEANUP_TIMEOUT_MS: Millis = 30_000;
/// A hard threshold evicts with `immediateEvictionGracePeriodSeconds`.
const EVICTION_GRACE_MS: Millis = 1_000;
/// `system-cluster-critical` and above: `IsCriticalPod`.
const CRITICAL_PRIORITY: i64 = 2_000_000_000;
/// What the kubelet, containerd and the control plane of a kind node use besides pods.
pub const SYSTEM_MEMORY: u64 = 560 << 20;
pub const MEMORY_PRESSURE_TAINT: &str = "node.kubernetes.io/memory-pressure";

/// Which of the node's loops a timer is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    /// The eviction manager's synchronize.
    Housekeeping,
    /// The kubelet's node status update.
    NodeStatus,
}

/// The eviction manager's memory for one node.
#[derive(Debug, Clone, Default)]
pub struct NodeState {
    /// When the threshold was last observed met.
    last_met: Option<Millis>,
    /// The manager's `MemoryPressure`: the threshold was met within the transition period.
    pressure: bool,
    /// What the node object reports.
    reported: bool,
    /// Pending timers.
    housekeeping_at: Option<Millis>,
    status_at: Option<Millis>,
    /// The last synchronize: the loop's phase.
    last_sync: Option<Millis>,
}

/// The node's memory capacity in bytes.
pub fn memory_capacity(node: &Value) -> u64 {
    (crate::quantity::milli(&node["status"]["capacity"]["memory"]) / 1000).max(0) as u64
}

/// What a container's process holds in memory (its cgroup's working set): the usage
/// model's demand in whole pages, no more than its limit.
pub fn container_working_set(spec: &Value) -> u64 {
    let image = spec["image"].as_str().unwrap_or("");
    let demand = crate::resources_model::memory_demand(spec, image);
    let demand = crate::resources_model::memory_limit(spec).map_or(demand, |l| demand.min(l));
    demand / 4096 * 4096
}

/// The working set of each running container of a pod, in spec order.
pub(crate) fn pod_working_sets<'a>(pod: impl crate::cluster::Fields<'a>) -> Vec<(String, u64)> {
    running_containers(pod).map(|spec| (spec["name"].as_str().unwrap_or("").to_string(), container_working_set(spec))).collect()
}

/// The working sets of a pod's running containers, summed.
pub(crate) fn pod_working_set<'a>(pod: impl crate::cluster::Fields<'a>) -> u64 {
    running_containers(pod).map(container_working_set).sum()
}

/// The specs of a pod's running containers (none once it has finished).
fn running_containers<'a>(pod: impl crate::cluster::Fields<'a>) -> impl Iterator<Item = &'a Value> {
    let status = pod.field("status");
    let finished = matches!(status["phase"].as_str(), Some("Succeeded" | "Failed"));
    let statuses = status["containerStatuses"].as_array();
    pod.field("spec")["containers"]
        .as_array()
        .filter(|_| !finished)
        .into_iter()
        .flatten()
        .filter(move |spec| statuses.into_iter().flatten().any(|s| s["name"] == spec["name"] && s["state"]["running"].is_object()))
}

/// The node's working set: its own processes and its pods' running containers.
pub fn node_working_set(c: &Cluster, node: &str) -> u64 {
    // Kept by the store on every pod write (a scan of every pod per kubelet step
    // would cost what the cluster holds).
    let pods = c.index.node_working.get(node).copied().unwrap_or(0);
    if crate::cluster::CHECK_SKIPPED {
        let scanned: u64 = c.range("pods", None).filter(|(_, p)| p["spec"]["nodeName"] == node).flat_map(|(_, p)| pod_working_sets(p)).map(|(_, b)| b).sum();
        assert_eq!(scanned, pods, "the node working-set index differs from the store");
    }
    SYSTEM_MEMORY + pods
}

/// `memory.available` of a node, in bytes (never below zero: the kernel does not hand
/// out what is not there).
pub fn memory_available(c: &Cluster, node: &str) -> u64 {
    let Some(n) = c.get(&node_key(node)) else { return 0 };
    memory_capacity(n).saturating_sub(node_working_set(c, node))
}

/// A stored node as an event's involved object names it.
fn typed_node(mut n: Value) -> Value {
    n["apiVersion"] = json!("v1");
    n["kind"] = json!("Node");
    n
}

fn node_key(node: &str) -> ObjKey {
    ObjKey { resource: "nodes".into(), namespace: Default::default(), name: node.into() }
}

/// A pod's memory request: the sum of its containers' requests.
fn pod_memory_request(pod: &Value) -> u64 {
    pod["spec"]["containers"].as_array().into_iter().flatten().map(|c| (crate::quantity::milli(&c["resources"]["requests"]["memory"]) / 1000).max(0) as u64).sum()
}

/// One pod the manager could evict, with what `rankMemoryPressure` compares.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Candidate {
    pub key: ObjKey,
    pub priority: i64,
    pub usage: u64,
    pub request: u64,
}

/// Orders pods for eviction under memory pressure: usage above requests first, then
/// lower priority, then larger usage above the request; ties keep the given order.
pub fn rank(pods: &mut [Candidate]) {
    pods.sort_by(|a, b| {
        let exceeds = |p: &Candidate| p.usage > p.request;
        let over = |p: &Candidate| p.usage as i128 - p.request as i128;
        exceeds(b).cmp(&exceeds(a)).then(a.priority.cmp(&b.priority)).then(over(b).cmp(&over(a)))
    });
}

/// `Quantity.String()` of a byte count (`91244Ki`, `1843Mi`).
fn bytes_text(bytes: u64) -> String {
    crate::quantity::canonical_from(bytes as i128 * 1000, true)
}

/// The eviction message (`evictionMessage` in `pkg/kubelet/eviction/helpers.go`).
pub fn eviction_message(pod: &Value, available: u64) -> String {
    let mut message = format!("The node was low on resource: memory. Threshold quantity: {THRESHOLD_TEXT}, available: {}. ", bytes_text(available));
    let specs = pod["spec"]["containers"].as_array().cloned().unwrap_or_default();
    for (name, usage) in pod_working_sets(pod) {
        let Some(spec) = specs.iter().find(|s| s["name"] == name.as_str()) else { continue };
        let request = &spec["resources"]["requests"]["memory"];
        let request_bytes = (crate::quantity::milli(request) / 1000).max(0) as u64;
        if usage > request_bytes {
            let request_text = request.as_str().and_then(crate::quantity::canonical).unwrap_or_else(|| "0".into());
            message.push_str(&format!("Container {name} was using {}, request is {request_text}, has larger consumption of memory. ", bytes_text(usage)));
        }
    }
    message
}

fn is_critical(pod: &Value) -> bool {
    pod["spec"]["priority"].as_i64().unwrap_or(0) >= CRITICAL_PRIORITY || pod["metadata"]["annotations"]["kubernetes.io/config.mirror"].is_string()
}

/// The eviction manager's pod admission (`Admit`): while it sees memory pressure, a
/// BestEffort pod that does not tolerate the memory-pressure taint is rejected with
/// this message; critical pods are always admitted.
pub fn admit(c: &Cluster, node: &str, pod: &Value) -> Result<(), String> {
    let pressure = c.runtime.eviction.get(node).is_some_and(|s| s.pressure);
    if !pressure || is_critical(pod) || crate::admission::qos_class(&pod["spec"]) != "BestEffort" {
        return Ok(());
    }
    if crate::scheduler::tolerates(pod, &json!({"key": MEMORY_PRESSURE_TAINT, "effect": "NoSchedule"})) {
        return Ok(());
    }
    Err("The node had condition: [MemoryPressure]. ".into())
}

/// The next instant of a loop with period `period` and phase `phase`, after `after`.
fn next_tick(after: Millis, period: Millis, phase: Millis) -> Millis {
    let base = after - after % period + phase % period;
    if base > after {
        base
    } else {
        base + period
    }
}

/// The nodes' memory capacities as of a resourceVersion: every pod step looks at its
/// node's, which only a node write changes.
#[derive(Debug, Clone, Default)]
pub(crate) struct Capacities {
    as_of: u64,
    bytes: std::collections::BTreeMap<String, u64>,
}

/// [`memory_capacity`] of the node (`None` when it is gone), read again only after a
/// node was written.
fn capacity_of(c: &mut Cluster, node: &str) -> Option<u64> {
    let rv = c.resource_version();
    let known = &mut c.runtime.capacities;
    if !crate::kubelet::none_written_since(&c.watch_log, rv, known.as_of, |e| e.key.resource == "nodes") {
        known.bytes.clear();
    }
    known.as_of = rv;
    if let Some(bytes) = known.bytes.get(node).copied() {
        debug_assert_eq!(c.get(&node_key(node)).map(memory_capacity), Some(bytes), "a node changed, yet the watch log shows none written");
        return Some(bytes);
    }
    let bytes = memory_capacity(c.get(&node_key(node))?);
    c.runtime.capacities.bytes.insert(node.to_string(), bytes);
    Some(bytes)
}

/// A pod step changed what runs on `node`: when the node is now under the threshold
/// and the manager's loop is idle, its next housekeeping sync will see it.
pub fn watch_node(c: &mut Cluster, node: &str) {
    if c.runtime.eviction.get(node).is_some_and(|s| s.housekeeping_at.is_some()) {
        return;
    }
    // `memory_available`.
    let Some(capacity) = capacity_of(c, node) else { return };
    if capacity.saturating_sub(node_working_set(c, node)) >= MEMORY_AVAILABLE_THRESHOLD {
        return;
    }
    let now = c.now;
    let state = c.runtime.eviction.entry(node.to_string()).or_default();
    let phase = state.last_sync.unwrap_or_else(|| crate::rng::fnv32a(node.as_bytes()) as Millis);
    // The loop never stopped: its next sync is on its period from the last one.
    let at = next_tick(now.saturating_sub(1), HOUSEKEEPING_MS, phase % HOUSEKEEPING_MS);
    let at = if state.last_sync.is_some_and(|t| at <= t) { at + HOUSEKEEPING_MS } else { at };
    state.housekeeping_at = Some(at);
    c.schedule(at, Timer::Eviction { node: node.to_string(), step: Step::Housekeeping });
}

/// A timer of one of the node's loops fired.
pub fn fire(c: &mut Cluster, node: &str, step: Step) {
    match step {
        Step::Housekeeping => synchronize(c, node),
        Step::NodeStatus => update_node_status(c, node),
    }
}

/// The eviction manager's `synchronize`.
fn synchronize(c: &mut Cluster, node: &str) {
    let now = c.now;
    let mut state = c.runtime.eviction.remove(node).unwrap_or_default();
    if state.housekeeping_at != Some(now) {
        // A stale timer (the loop was rescheduled).
        c.runtime.eviction.insert(node.to_string(), state);
        return;
    }
    state.housekeeping_at = None;
    state.last_sync = Some(now);
    let Some(node_obj) = c.get(&node_key(node)).cloned() else { return };
    let available = memory_available(c, node);
    let met = available < MEMORY_AVAILABLE_THRESHOLD;
    if met {
        state.last_met = Some(now);
    }
    state.pressure = state.last_met.is_some_and(|t| now - t < PRESSURE_TRANSITION_MS);
    if state.pressure != state.reported && state.status_at.is_none() {
        let phase = crate::rng::fnv32a(format!("{node}/status").as_bytes()) as Millis;
        let at = next_tick(now, NODE_STATUS_MS, phase);
        state.status_at = Some(at);
        c.schedule(at, Timer::Eviction { node: node.to_string(), step: Step::NodeStatus });
    }
    let mut next = None;
    if met {
        let source = format!("kubelet/{node}");
        c.emit_event(&typed_node(node_obj), None, "Warning", "EvictionThresholdMet", &source, "Attempting to reclaim memory".into());
        if let Some(done) = evict_one(c, node, available) {
            // `waitForPodsCleanup`, then the next sync at once.
            let waited = done.saturating_sub(now).div_ceil(CLEANUP_POLL_MS).max(1) * CLEANUP_POLL_MS;
            next = Some(now + waited.min(CLEANUP_TIMEOUT_MS));
        }
    }
    if next.is_none() && (met || state.pressure || state.reported || state.status_at.is_some()) {
        next = Some(now + HOUSEKEEPING_MS);
    }
    if let Some(at) = next {
        state.housekeeping_at = Some(at);
        c.schedule(at, Timer::Eviction { node: node.to_string(), step: Step::Housekeeping });
    }
    c.runtime.eviction.insert(node.to_string(), state);
}

/// Ranks the node's active pods and evicts the first one that can be evicted; when
/// its containers will have stopped.
fn evict_one(c: &mut Cluster, node: &str, available: u64) -> Option<Millis> {
    let mut candidates: Vec<(Candidate, String, bool)> = c
        .range("pods", None)
        .filter(|(_, p)| p["spec"]["nodeName"] == node && p["metadata"]["deletionTimestamp"].is_null())
        .filter(|(_, p)| !matches!(p["status"]["phase"].as_str(), Some("Succeeded" | "Failed")))
        .map(|(k, p)| {
            let usage = pod_working_sets(p).iter().map(|(_, b)| b).sum();
            let cand = Candidate { key: k.clone(), priority: p["spec"]["priority"].as_i64().unwrap_or(0), usage, request: pod_memory_request(p) };
            (cand, p["metadata"]["uid"].as_str().unwrap_or("").to_string(), is_critical(p))
        })
        .filter(|(_, uid, _)| crate::kubelet::evictable(c, uid))
        .collect();
    let mut ranked: Vec<Candidate> = candidates.iter().map(|(cand, _, _)| cand.clone()).collect();
    rank(&mut ranked);
    for cand in ranked {
        let Some(pos) = candidates.iter().position(|(x, _, _)| x.key == cand.key) else { continue };
        let (_, uid, critical) = candidates.swap_remove(pos);
        if critical {
            // "cannot evict a critical pod"
            continue;
        }
        let Some(pod) = c.get(&cand.key).cloned() else { continue };
        let message = eviction_message(&pod, available);
        // The kubelet records the eviction, then kills the pod.
        c.emit_event(&pod, None, "Warning", "Evicted", &format!("kubelet/{node}"), message.clone());
        if let Some(done) = crate::kubelet::evict_pod(c, &cand.key, &uid, &message, EVICTION_GRACE_MS) {
            return Some(done);
        }
    }
    None
}

/// The kubelet's node status update: `MemoryPressure` as the manager sees it, then
/// the node lifecycle controller's taint.
fn update_node_status(c: &mut Cluster, node: &str) {
    let now = c.now;
    let Some(mut state) = c.runtime.eviction.remove(node) else { return };
    if state.status_at != Some(now) {
        c.runtime.eviction.insert(node.to_string(), state);
        return;
    }
    state.status_at = None;
    let pressure = state.pressure;
    let key = node_key(node);
    if pressure != state.reported && c.get(&key).is_some() {
        let ts = rfc3339(now);
        let (status, reason, message) = if pressure {
            ("True", "KubeletHasInsufficientMemory", "kubelet has insufficient memory available")
        } else {
            ("False", "KubeletHasSufficientMemory", "kubelet has sufficient memory available")
        };
        c.modify(&key, |n| {
            for cond in n["status"]["conditions"].as_array_mut().into_iter().flatten() {
                cond["lastHeartbeatTime"] = json!(ts);
                if cond["type"] == "MemoryPressure" {
                    cond["status"] = json!(status);
                    cond["reason"] = json!(reason);
                    cond["message"] = json!(message);
                    cond["lastTransitionTime"] = json!(ts);
                }
            }
        });
        let event = if pressure { "NodeHasInsufficientMemory" } else { "NodeHasSufficientMemory" };
        if let Some(n) = c.get(&key).cloned() {
            c.emit_event(&typed_node(n), None, "Normal", event, &format!("kubelet/{node}"), format!("Node {node} status is now: {event}"));
        }
        // The node lifecycle controller (`doNoScheduleTaintingPass`).
        c.modify(&key, |n| {
            let mut taints: Vec<Value> = n["spec"]["taints"].as_array().cloned().unwrap_or_default();
            taints.retain(|t| t["key"] != MEMORY_PRESSURE_TAINT);
            if pressure {
                taints.push(json!({"effect": "NoSchedule", "key": MEMORY_PRESSURE_TAINT}));
            }
            match (taints.is_empty(), n["spec"].as_object_mut()) {
                (true, Some(spec)) => {
                    spec.remove("taints");
                }
                (false, Some(spec)) => {
                    spec.insert("taints".into(), json!(taints));
                }
                _ => {}
            }
        });
        state.reported = pressure;
    }
    let keep = state.pressure || state.reported || state.housekeeping_at.is_some();
    if keep || state.last_sync.is_some() {
        c.runtime.eviction.insert(node.to_string(), state);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn cand(name: &str, priority: i64, usage_mi: u64, request_mi: u64) -> Candidate {
        Candidate { key: ObjKey::pod("default", name), priority, usage: usage_mi << 20, request: request_mi << 20 }
    }

    fn names(c: &[Candidate]) -> Vec<&str> {
        c.iter().map(|c| c.key.name.as_str()).collect()
    }

    #[test]
    fn best_effort_goes_before_pods_within_their_requests() {
        // A Guaranteed pod under its limit, a Burstable pod under its request and a
        // small BestEffort pod: the BestEffort one exceeds its (zero) request.
        let mut pods = vec![cand("guaranteed", 0, 900, 1024), cand("burstable", 0, 200, 256), cand("besteffort", 0, 5, 0)];
        rank(&mut pods);
        // Within their requests, the one closer to its request goes first.
        assert_eq!(names(&pods), vec!["besteffort", "burstable", "guaranteed"]);
    }

    #[test]
    fn among_pods_over_their_requests_priority_then_usage_above_request_decide() {
        let mut pods = vec![
            cand("burstable-over", 0, 600, 100),
            cand("besteffort-small", 0, 50, 0),
            cand("besteffort-big", 0, 2048, 0),
            cand("important", 1000, 4096, 0),
            cand("within", 0, 10, 20),
        ];
        rank(&mut pods);
        assert_eq!(names(&pods), vec!["besteffort-big", "burstable-over", "besteffort-small", "important", "within"]);
    }

    #[test]
    fn ties_keep_key_order() {
        let mut pods = vec![cand("a", 0, 100, 0), cand("b", 0, 100, 0)];
        rank(&mut pods);
        assert_eq!(names(&pods), vec!["a", "b"]);
    }

    #[test]
    fn the_message_names_containers_over_their_requests() {
        let pod = json!({
            "spec": {"containers": [
                {"name": "hog", "image": "polinux/stress", "command": ["stress"], "args": ["--vm", "1", "--vm-bytes", "1G", "--vm-hang", "1"], "resources": {"requests": {"memory": "128M"}}},
                {"name": "quiet", "image": "polinux/stress", "command": ["stress"], "args": ["--vm", "1", "--vm-bytes", "10M", "--vm-hang", "1"], "resources": {"requests": {"memory": "0.5Gi"}}},
            ]},
            "status": {"phase": "Running", "containerStatuses": [
                {"name": "hog", "state": {"running": {}}},
                {"name": "quiet", "state": {"running": {}}},
            ]},
        });
        let msg = eviction_message(&pod, 91_244 * 1024);
        assert_eq!(msg, "The node was low on resource: memory. Threshold quantity: 100Mi, available: 91244Ki. Container hog was using 1049744Ki, request is 128M, has larger consumption of memory. ");
    }

    #[test]
    fn best_effort_message_says_request_is_zero() {
        let pod = json!({
            "spec": {"containers": [{"name": "stress", "image": "polinux/stress", "command": ["stress"], "args": ["--vm", "1", "--vm-bytes", "2G", "--vm-hang", "1"]}]},
            "status": {"phase": "Running", "containerStatuses": [{"name": "stress", "state": {"running": {}}}]},
        });
        assert!(eviction_message(&pod, 0).ends_with("Container stress was using 2098320Ki, request is 0, has larger consumption of memory. "));
        assert!(eviction_message(&pod, 0).contains("available: 0. "));
    }

    #[test]
    fn ticks_follow_the_phase() {
        assert_eq!(next_tick(0, 10_000, 3_000), 3_000);
        assert_eq!(next_tick(3_000, 10_000, 3_000), 13_000);
        assert_eq!(next_tick(3_001, 10_000, 3_000), 13_000);
        assert_eq!(next_tick(12_999, 10_000, 13_000), 13_000);
    }
}
