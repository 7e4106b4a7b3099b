//! The DaemonSet controller (`pkg/controller/daemon`): one pod per node that should run
//! the daemon (node selector and required node affinity match, NoSchedule/NoExecute
//! taints tolerated by the template plus the tolerations the controller adds), pinned
//! by a `matchFields metadata.name` node affinity and bound by the scheduler; pods on
//! nodes that should not run it are deleted; a changed template rolls out node by
//! node within `maxUnavailable`; status counts as `kubectl get ds` shows them.
//!
//! The template generation (`deprecated.daemonset.template.generation`) is bumped by
//! the API server when the template changes ([`prepare_for_update`]); a pod is up to
//! date when its `pod-template-generation` or `controller-revision-hash` label says so.
//!
//! History (`update.go`): each distinct template is a ControllerRevision
//! `<ds>-<hash>` ([`construct_history`]) whose data is the template as a replacing
//! strategic merge patch; the revision matching the template is renumbered after the
//! others (a rollback re-uses it), its hash labels the new pods, and old revisions
//! beyond `revisionHistoryLimit` that no pod carries are deleted ([`cleanup_history`]).

use serde_json::{json, Value};

use crate::cluster::{Cluster, ObjKey};
use crate::selectors::LabelSelector;
use crate::time::{parse_rfc3339, Millis};

const GENERATION: &str = "deprecated.daemonset.template.generation";
/// `apps.DefaultDaemonSetUniqueLabelKey`.
pub(crate) const HASH_LABEL: &str = "controller-revision-hash";

fn revision_key(ns: &str, name: &str) -> ObjKey {
    ObjKey { resource: "controllerrevisions.apps".into(), namespace: ns.into(), name: name.into() }
}

/// The ControllerRevision `snapshot` records for a DaemonSet's template: named by the
/// template's hash, labelled with the template's labels and the hash, annotated as
/// the DaemonSet is, owned by it.
pub(crate) fn revision_for(ds: &Value, hash: &str, revision: i64) -> Value {
    let name = ds["metadata"]["name"].as_str().unwrap_or("");
    let mut labels = ds["spec"]["template"]["metadata"]["labels"].as_object().cloned().unwrap_or_default();
    labels.insert(HASH_LABEL.into(), json!(hash));
    let mut meta = json!({
        "name": format!("{name}-{hash}"),
        "namespace": ds["metadata"]["namespace"],
        "labels": labels,
        "ownerReferences": [{"apiVersion": "apps/v1", "kind": "DaemonSet", "name": name, "uid": ds["metadata"]["uid"], "controller": true, "blockOwnerDeletion": true}],
    });
    if let Some(a) = ds["metadata"]["annotations"].as_object().filter(|a| !a.is_empty()) {
        meta["annotations"] = json!(a);
    }
    json!({
        "apiVersion": "apps/v1",
        "kind": "ControllerRevision",
        "metadata": meta,
        "data": crate::statefulset::revision_patch(&ds["spec"]["template"]),
        "revision": revision,
    })
}

/// `constructHistory`: the revision of the current template (made or renumbered as
/// needed) and the older ones. Returns the current hash, the old revisions and the
/// collision count (raised while the name a hash gives is taken by other data).
fn construct_history(c: &mut Cluster, ds: &Value) -> (String, Vec<Value>, i64) {
    let ns = ds["metadata"]["namespace"].as_str().unwrap_or("").to_string();
    let uid = ds["metadata"]["uid"].as_str().unwrap_or("");
    let mut histories = crate::statefulset::owned_revisions(c, &ns, uid);
    // A revision without the hash label gets its name as the hash.
    for h in histories.iter_mut() {
        if h["metadata"]["labels"][HASH_LABEL].as_str().is_none_or(|l| l.is_empty()) {
            let name = h["metadata"]["name"].as_str().unwrap_or("").to_string();
            h["metadata"]["labels"][HASH_LABEL] = json!(name);
            c.modify(&revision_key(&ns, &name), |r| r["metadata"]["labels"][HASH_LABEL] = json!(name));
        }
    }
    let data = crate::statefulset::revision_patch(&ds["spec"]["template"]);
    let (current, old): (Vec<Value>, Vec<Value>) = histories.into_iter().partition(|h| h["data"] == data);
    let next = old.iter().filter_map(|h| h["revision"].as_i64()).max().unwrap_or(0) + 1;
    let mut collision = ds["status"]["collisionCount"].as_i64().unwrap_or(0);
    let cur = if current.is_empty() {
        // `snapshot`; a name taken by other data raises the collision count.
        loop {
            let hash = crate::controllers::pod_template_hash(&ds["spec"]["template"], collision);
            let key = revision_key(&ns, &format!("{}-{hash}", ds["metadata"]["name"].as_str().unwrap_or("")));
            match c.get(&key) {
                Some(taken) if taken["data"] != data => collision += 1,
                Some(taken) => break taken.clone(),
                None => break c.insert(key, revision_for(ds, &hash, next)),
            }
        }
    } else {
        // `dedupCurHistories`: keep the newest, relabel pods, drop the others.
        let keep = current.iter().fold(&current[0], |k, h| if h["revision"].as_i64() >= k["revision"].as_i64() { h } else { k }).clone();
        let keep_hash = keep["metadata"]["labels"][HASH_LABEL].clone();
        if current.len() > 1 {
            for pk in c.index.dependents.get(uid).map(|keys| keys.iter().filter(|k| k.resource == "pods").cloned().collect::<Vec<_>>()).unwrap_or_default() {
                if c.get(&pk).is_some_and(|p| p["metadata"]["labels"][HASH_LABEL] != keep_hash) {
                    c.modify(&pk, |p| p["metadata"]["labels"][HASH_LABEL] = keep_hash.clone());
                }
            }
            for h in &current {
                if h["metadata"]["name"] != keep["metadata"]["name"] {
                    c.remove(&revision_key(&ns, h["metadata"]["name"].as_str().unwrap_or("")));
                }
            }
        }
        if keep["revision"].as_i64().unwrap_or(0) < next {
            c.modify(&revision_key(&ns, keep["metadata"]["name"].as_str().unwrap_or("")), |r| r["revision"] = json!(next));
        }
        keep
    };
    (cur["metadata"]["labels"][HASH_LABEL].as_str().unwrap_or("").to_string(), old, collision)
}

/// `cleanupHistory`: the oldest revisions beyond `revisionHistoryLimit` go, unless a
/// pod of the DaemonSet (terminal ones included) carries their hash.
fn cleanup_history(c: &mut Cluster, ds: &Value, mut old: Vec<Value>) {
    let limit = ds["spec"]["revisionHistoryLimit"].as_i64().unwrap_or(10).max(0) as usize;
    if old.len() <= limit {
        return;
    }
    let mut to_kill = old.len() - limit;
    let uid = ds["metadata"]["uid"].as_str().unwrap_or("");
    let ns = ds["metadata"]["namespace"].as_str().unwrap_or("").to_string();
    let live: std::collections::BTreeSet<String> = c
        .index
        .dependents
        .get(uid)
        .into_iter()
        .flatten()
        .filter(|k| k.resource == "pods")
        .filter_map(|k| c.get(k))
        .filter_map(|p| p["metadata"]["labels"][HASH_LABEL].as_str().filter(|h| !h.is_empty()).map(String::from))
        .collect();
    old.sort_by_key(|h| h["revision"].as_i64().unwrap_or(0));
    for h in old {
        if to_kill == 0 {
            break;
        }
        if h["metadata"]["labels"][HASH_LABEL].as_str().is_some_and(|x| live.contains(x)) {
            continue;
        }
        c.remove(&revision_key(&ns, h["metadata"]["name"].as_str().unwrap_or("")));
        to_kill -= 1;
    }
}

/// `PrepareForCreate`: the template generation starts at 1.
pub fn prepare_for_create(obj: &mut Value) {
    if obj["metadata"]["annotations"].get(GENERATION).is_none() {
        obj["metadata"]["annotations"][GENERATION] = json!("1");
    }
}

/// `PrepareForUpdate`: a changed template bumps the template generation.
pub fn prepare_for_update(current: &Value, next: &mut Value) {
    let gen = current["metadata"]["annotations"][GENERATION].as_str().and_then(|g| g.parse::<i64>().ok()).unwrap_or(1);
    let bumped = if current["spec"]["template"] != next["spec"]["template"] { gen + 1 } else { gen };
    next["metadata"]["annotations"][GENERATION] = json!(bumped.to_string());
}

/// The tolerations `AddOrUpdateDaemonPodTolerations` adds, in its order.
fn daemon_tolerations(host_network: bool) -> Vec<Value> {
    let mut t = vec![
        json!({"effect": "NoExecute", "key": "node.kubernetes.io/not-ready", "operator": "Exists"}),
        json!({"effect": "NoExecute", "key": "node.kubernetes.io/unreachable", "operator": "Exists"}),
        json!({"effect": "NoSchedule", "key": "node.kubernetes.io/disk-pressure", "operator": "Exists"}),
        json!({"effect": "NoSchedule", "key": "node.kubernetes.io/memory-pressure", "operator": "Exists"}),
        json!({"effect": "NoSchedule", "key": "node.kubernetes.io/pid-pressure", "operator": "Exists"}),
        json!({"effect": "NoSchedule", "key": "node.kubernetes.io/unschedulable", "operator": "Exists"}),
    ];
    if host_network {
        t.push(json!({"effect": "NoSchedule", "key": "node.kubernetes.io/network-unavailable", "operator": "Exists"}));
    }
    t
}

fn with_daemon_tolerations(spec: &Value) -> Vec<Value> {
    let mut tolerations = spec["tolerations"].as_array().cloned().unwrap_or_default();
    for t in daemon_tolerations(spec["hostNetwork"] == true) {
        if !tolerations.iter().any(|x| x["key"] == t["key"] && x["effect"] == t["effect"]) {
            tolerations.push(t);
        }
    }
    tolerations
}

/// `NodeShouldRunDaemonPod`: the template's node selection and taints.
fn should_run(ds: &Value, node: &Value) -> bool {
    let spec = &ds["spec"]["template"]["spec"];
    let pod = json!({"spec": {"nodeSelector": spec["nodeSelector"], "affinity": spec["affinity"], "tolerations": with_daemon_tolerations(spec)}});
    if !crate::scheduler::node_affinity_matches(&pod, node) {
        return false;
    }
    node["spec"]["taints"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|t| matches!(t["effect"].as_str(), Some("NoSchedule" | "NoExecute")))
        .all(|t| crate::scheduler::tolerates(&pod, t))
}

/// The node a daemon pod is for: its node name, or the node its affinity pins.
fn target_node(pod: &Value) -> Option<String> {
    if let Some(n) = pod["spec"]["nodeName"].as_str().filter(|n| !n.is_empty()) {
        return Some(n.to_string());
    }
    let terms = pod["spec"]["affinity"]["nodeAffinity"]["requiredDuringSchedulingIgnoredDuringExecution"]["nodeSelectorTerms"].as_array()?;
    terms.iter().flat_map(|t| t["matchFields"].as_array().into_iter().flatten()).find(|f| f["key"] == "metadata.name").and_then(|f| f["values"][0].as_str()).map(String::from)
}

fn ready_since(pod: &Value) -> Option<Millis> {
    pod["status"]["conditions"].as_array()?.iter().find(|c| c["type"] == "Ready" && c["status"] == "True").and_then(|c| c["lastTransitionTime"].as_str().and_then(parse_rfc3339))
}

fn scaled_up(v: &Value, total: i64, default: i64) -> i64 {
    match v {
        Value::Number(n) => n.as_i64().unwrap_or(default),
        Value::String(s) => s.strip_suffix('%').and_then(|p| p.parse::<i64>().ok()).map(|p| (p * total + 99) / 100).unwrap_or(default),
        _ => default,
    }
}

pub fn sync_daemonsets(c: &mut Cluster) {
    // A DaemonSet's pass reads its namespace's pods, the nodes and the clock (pods
    // becoming available after minReadySeconds, the create back-off): only those
    // writes, and the instants it asked to be looked at again, can give it work.
    let due: Vec<Millis> = c.dirty.daemonsets_at.range(..=c.now).copied().collect();
    for t in due {
        c.dirty.daemonsets_at.remove(&t);
        c.dirty.daemonsets_all = true;
    }
    let all = std::mem::take(&mut c.dirty.daemonsets_all);
    let namespaces = std::mem::take(&mut c.dirty.daemonset_ns);
    for key in c.list_keys("daemonsets.apps") {
        let queued = all || namespaces.contains(&key.namespace);
        if !queued && !crate::cluster::CHECK_SKIPPED {
            continue;
        }
        let Some(ds) = c.get(&key).cloned() else { continue };
        if !ds["metadata"]["deletionTimestamp"].is_null() {
            continue;
        }
        let before = c.fingerprint();
        sync_one(c, &key, crate::apiserver::with_type(crate::resources::lookup("daemonsets.apps").expect("registered"), ds));
        assert!(queued || before == c.fingerprint(), "daemonset {}/{}: not queued, yet a full pass changed it", key.namespace, key.name);
    }
}

fn sync_one(c: &mut Cluster, key: &ObjKey, ds: Value) {
    let uid = ds["metadata"]["uid"].as_str().unwrap_or("").to_string();
    let selector = LabelSelector::from_object(&ds["spec"]["selector"]);
    let generation = ds["metadata"]["annotations"][GENERATION].as_str().unwrap_or("1").to_string();
    let (hash, old_histories, collision) = construct_history(c, &ds);
    // Nodes and pods are borrowed while deciding; the writes come after.
    let nodes: Vec<&Value> = c.list("nodes", None);
    let owned: Vec<ObjKey> = c.index.dependents.get(&uid).map(|keys| keys.iter().filter(|k| k.resource == "pods" && k.namespace == key.namespace).cloned().collect()).unwrap_or_default();
    let pods: Vec<&Value> = owned
        .iter()
        .filter_map(|k| c.get(k))
        .filter(|p| {
            p["metadata"]["ownerReferences"].as_array().is_some_and(|o| o.iter().any(|r| r["controller"] == true && r["uid"] == uid.as_str()))
                && selector.matches(p["metadata"].get("labels"))
        })
        .collect();
    // The pods of each node, in list order.
    let mut by_node: std::collections::BTreeMap<String, Vec<&Value>> = std::collections::BTreeMap::new();
    for p in &pods {
        if let Some(n) = target_node(p) {
            by_node.entry(n).or_default().push(p);
        }
    }
    let updated = |p: &Value| {
        let l = &p["metadata"]["labels"];
        l["pod-template-generation"] == generation.as_str() || l["controller-revision-hash"] == hash.as_str()
    };
    let min_ready = ds["spec"]["minReadySeconds"].as_i64().unwrap_or(0);
    let now = c.now;
    let available = |p: &Value| ready_since(p).is_some_and(|t| min_ready <= 0 || t + min_ready as Millis * 1000 <= now);
    let (mut desired, mut current, mut misscheduled, mut ready, mut avail, mut up_to_date) = (0, 0, 0, 0, 0, 0);
    let mut to_create: Vec<String> = Vec::new();
    let mut to_delete: Vec<ObjKey> = Vec::new();
    let mut old_available: Vec<ObjKey> = Vec::new();
    let mut unavailable = 0;
    for node in nodes {
        let name = node["metadata"]["name"].as_str().unwrap_or("").to_string();
        let on_node: Vec<&Value> = by_node.get(&name).cloned().unwrap_or_default();
        let active: Vec<&Value> =
            on_node.iter().copied().filter(|p| p["metadata"]["deletionTimestamp"].is_null() && !matches!(p["status"]["phase"].as_str(), Some("Succeeded" | "Failed"))).collect();
        if should_run(&ds, node) {
            desired += 1;
            // Failed daemon pods are deleted and replaced.
            for p in on_node.iter().filter(|p| p["status"]["phase"] == "Failed" && p["metadata"]["deletionTimestamp"].is_null()) {
                to_delete.push(ObjKey::pod(&key.namespace, p["metadata"]["name"].as_str().unwrap_or("")));
            }
            // Pods being deleted still count until they are gone; a new pod waits for them.
            let present: Vec<&Value> = on_node.iter().copied().filter(|p| !matches!(p["status"]["phase"].as_str(), Some("Succeeded" | "Failed"))).collect();
            if present.is_empty() {
                to_create.push(name.clone());
                unavailable += 1;
                continue;
            }
            current += 1;
            // More than one: keep the oldest.
            let mut sorted = active.clone();
            sorted.sort_by(|a, b| a["metadata"]["creationTimestamp"].as_str().cmp(&b["metadata"]["creationTimestamp"].as_str()));
            for extra in sorted.iter().skip(1) {
                to_delete.push(ObjKey::pod(&key.namespace, extra["metadata"]["name"].as_str().unwrap_or("")));
            }
            let terminating = sorted.is_empty();
            let pod = sorted.first().copied().unwrap_or(present[0]);
            if ready_since(pod).is_some() {
                ready += 1;
            }
            let is_available = available(pod);
            if is_available {
                avail += 1;
            }
            if terminating || !is_available {
                unavailable += 1;
            }
            if updated(pod) {
                up_to_date += 1;
            } else if !terminating {
                let pk = ObjKey::pod(&key.namespace, pod["metadata"]["name"].as_str().unwrap_or(""));
                if is_available {
                    old_available.push(pk);
                } else {
                    // An old pod that is not available goes at once.
                    to_delete.push(pk);
                }
            }
        } else if !active.is_empty() {
            misscheduled += 1;
            for p in active {
                to_delete.push(ObjKey::pod(&key.namespace, p["metadata"]["name"].as_str().unwrap_or("")));
            }
        }
    }
    // RollingUpdate: old available pods go while fewer than maxUnavailable are down.
    if ds["spec"]["updateStrategy"]["type"].as_str().unwrap_or("RollingUpdate") == "RollingUpdate" {
        let max_unavailable = scaled_up(&ds["spec"]["updateStrategy"]["rollingUpdate"]["maxUnavailable"], desired, 1).max(1);
        let down = unavailable + to_delete.len() as i64;
        let budget = (max_unavailable - down).max(0) as usize;
        to_delete.extend(old_available.into_iter().take(budget));
    }
    let resync = if min_ready > 0 { pods.iter().filter_map(|p| ready_since(p)).map(|t| t + min_ready as Millis * 1000).filter(|t| *t > now).min() } else { None };
    for name in to_create {
        let mut owner = ds.clone();
        let t = &mut owner["spec"]["template"];
        t["metadata"]["labels"]["controller-revision-hash"] = json!(hash);
        t["metadata"]["labels"]["pod-template-generation"] = json!(generation);
        let tolerations = with_daemon_tolerations(&t["spec"]);
        t["spec"]["tolerations"] = json!(tolerations);
        t["spec"]["affinity"]["nodeAffinity"]["requiredDuringSchedulingIgnoredDuringExecution"] =
            json!({"nodeSelectorTerms": [{"matchFields": [{"key": "metadata.name", "operator": "In", "values": [name]}]}]});
        if !crate::controllers::create_pod_from_template(c, &owner) {
            break;
        }
    }
    for pk in to_delete {
        if c.get(&pk).is_some_and(|p| p["metadata"]["deletionTimestamp"].is_null()) {
            crate::kubelet::delete_pod(c, &pk, None);
            c.emit_event(&ds, None, "Normal", "SuccessfulDelete", "daemonset-controller", format!("Deleted pod: {}", pk.name));
        }
    }
    cleanup_history(c, &ds, old_histories);
    let mut status = json!({
        "currentNumberScheduled": current,
        "desiredNumberScheduled": desired,
        "numberAvailable": avail,
        "numberMisscheduled": misscheduled,
        "numberReady": ready,
        "numberUnavailable": desired - avail,
        "observedGeneration": ds["metadata"]["generation"],
        "updatedNumberScheduled": up_to_date,
    });
    if collision > 0 {
        status["collisionCount"] = json!(collision);
    }
    if let Some(m) = status.as_object_mut() {
        for f in ["numberAvailable", "numberUnavailable", "updatedNumberScheduled"] {
            if m.get(f).is_some_and(|v| v == 0) {
                m.remove(f);
            }
        }
    }
    c.modify(key, |d| d["status"] = status);
    if let Some(at) = resync {
        c.schedule(at, crate::cluster::Timer::Resync);
        c.dirty.daemonsets_at.insert(at);
    }
}
