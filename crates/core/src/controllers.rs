//! The controller manager's controllers that the notes exercise: ReplicaSet,
//! Deployment, Endpoints/EndpointSlice, Namespace, ServiceAccount/root CA, and the
//! garbage collector.
//!
//! Each `sync_*` function reads the store, decides, and writes through the store
//! functions (which bump resourceVersion and record watch events). They are
//! idempotent: the cluster runs them until nothing changes. The decision ladders
//! follow `pkg/controller/*` in Kubernetes; each function names the Go function it
//! mirrors.

use std::sync::Arc;

use serde_json::{json, Value};

use crate::admission;
use crate::cluster::{meta_mut, Cluster, ObjKey};
use crate::resources;
use crate::selectors::LabelSelector;
use crate::time::{parse_rfc3339, rfc3339, Millis};

fn s(v: &Value) -> &str {
    v.as_str().unwrap_or("")
}

fn int(v: &Value) -> i64 {
    v.as_i64().unwrap_or(0)
}

fn key_of(resource: &str, obj: &Value) -> ObjKey {
    ObjKey { resource: resource.into(), namespace: s(&obj["metadata"]["namespace"]).into(), name: s(&obj["metadata"]["name"]).into() }
}

/// The owner reference with `controller: true`, if any.
fn controller_of(obj: &Value) -> Option<&Value> {
    obj["metadata"]["ownerReferences"].as_array()?.iter().find(|r| r["controller"] == true)
}

fn owned_by(obj: &Value, uid: &str) -> bool {
    controller_of(obj).is_some_and(|r| r["uid"] == uid)
}

/// A pod that counts toward a ReplicaSet: not being deleted, not finished.
fn is_active(pod: &Value) -> bool {
    pod["metadata"]["deletionTimestamp"].is_null() && !matches!(s(&pod["status"]["phase"]), "Succeeded" | "Failed")
}

fn ready_since(pod: &Value) -> Option<Millis> {
    pod["status"]["conditions"]
        .as_array()?
        .iter()
        .find(|c| c["type"] == "Ready" && c["status"] == "True")
        .and_then(|c| c["lastTransitionTime"].as_str().and_then(parse_rfc3339))
}


/// Runs every controller once.
pub fn sync_all(c: &mut Cluster) {
    sync_namespaces(c);
    garbage_collect(c);
    sync_deployments(c);
    sync_replicasets(c);
    crate::daemonset::sync_daemonsets(c);
    crate::statefulset::sync_statefulsets(c);
    crate::storage::sync_storage(c);
    crate::jobs::sync_cronjobs(c);
    crate::jobs::sync_jobs(c);
    sync_endpoints(c);
    // The availability controller reads only APIServices, Services and Endpoints.
    sync_when_dirty(c, |d| &mut d.apiservices, crate::apiservice::sync_apiservices, "APIService availability: no APIService, Service or Endpoints written, yet a full pass changed one");
    crate::disruption::sync_pdbs(c);
    crate::quota::sync_quotas(c);
    crate::hpa::sync_hpas(c);
    sync_when_dirty(c, |d| &mut d.clusterroles, crate::authorization::aggregate_cluster_roles, "clusterrole aggregation: no ClusterRole written, yet a full pass changed one");
}

/// Runs a controller whose inputs one `Dirty` flag tracks, when the flag is set; debug
/// builds run it anyway and panic with `unchanged` if it changed something.
fn sync_when_dirty(c: &mut Cluster, flag: fn(&mut crate::cluster::Dirty) -> &mut bool, sync: fn(&mut Cluster), unchanged: &str) {
    if std::mem::take(flag(&mut c.dirty)) {
        sync(c);
    } else if crate::cluster::CHECK_SKIPPED {
        let before = c.fingerprint();
        sync(c);
        assert!(before == c.fingerprint(), "{unchanged}");
    }
}

// ---------------------------------------------------------------------------
// ReplicaSet: `pkg/controller/replicaset.(*ReplicaSetController).syncReplicaSet`

fn sync_replicasets(c: &mut Cluster) {
    // ReplicaSets whose pods become available (minReadySeconds) or whose create
    // back-off ends now.
    let due: Vec<Millis> = c.dirty.replicasets_at.range(..=c.now).map(|(t, _)| *t).collect();
    for t in due {
        if let Some(keys) = c.dirty.replicasets_at.remove(&t) {
            c.dirty.replicasets.extend(keys);
        }
    }
    c.visit_queued("replicasets.apps", |d| &mut d.replicasets, sync_replicaset);
}

/// Pods of `namespace` whose controller is the object with `uid`, in key order.
fn owned_pods(c: &Cluster, namespace: &str, uid: &str) -> Vec<ObjKey> {
    c.index.dependents.get(uid).map(|keys| keys.iter().filter(|k| k.resource == "pods" && k.namespace == namespace).cloned().collect()).unwrap_or_default()
}

/// ReplicaSets of `namespace` naming `uid` as an owner, in key order.
fn replicasets_of(c: &Cluster, namespace: &str, uid: &str) -> Vec<ObjKey> {
    c.index.dependents.get(uid).map(|keys| keys.iter().filter(|k| k.resource == "replicasets.apps" && k.namespace == namespace).cloned().collect()).unwrap_or_default()
}

fn sync_replicaset(c: &mut Cluster, key: &ObjKey) {
    {
        let key = key.clone();
        let now = c.now;
        // Decide from borrowed pods; copy the ReplicaSet only when pods are created or
        // deleted (most passes change nothing).
        let Some(rs_ref) = c.get(&key) else { return };
        if !rs_ref["metadata"]["deletionTimestamp"].is_null() {
            return;
        }
        let uid = s(&rs_ref["metadata"]["uid"]).to_string();
        let selector = LabelSelector::from_object(&rs_ref["spec"]["selector"]);
        let want = int(&rs_ref["spec"]["replicas"]);
        // From the store's briefs of its pods: which match the selector and carry the
        // template's labels is decided once per distinct label set.
        let template_labels = &rs_ref["spec"]["template"]["metadata"]["labels"];
        let mut by_labels: Vec<(&str, bool, bool)> = Vec::new();
        let mut active: Vec<(bool, Option<Millis>)> = Vec::new();
        for (k, b) in c.index.rs_pods.get(&uid).into_iter().flatten().filter(|(k, _)| k.namespace == key.namespace) {
            let (selected, full) = match by_labels.iter().find(|(l, _, _)| *l == b.labels.as_str()) {
                Some(&(_, sel, full)) => (sel, full),
                None => {
                    let labels = c.objects.get(k).and_then(|p| p["metadata"].get("labels"));
                    let sel = selector.matches(labels);
                    let full = template_labels.as_object().is_none_or(|m| m.iter().all(|(k, v)| labels.and_then(|l| l.get(k)) == Some(v)));
                    by_labels.push((b.labels.as_str(), sel, full));
                    (sel, full)
                }
            };
            if selected && b.active {
                active.push((full, b.ready_since));
            }
        }
        let diff = active.len() as i64 - want;
        if diff == 0 {
            // Status, from the pods as they are now (nothing was written).
            let (status, resync) = rs_status(rs_ref, &active, now);
            let write = rs_ref["status"] != status;
            if write {
                c.set_field(&key, "status", status);
            }
            if let Some(at) = resync {
                c.schedule(at, crate::cluster::Timer::Resync);
                c.requeue_replicaset_at(at, key.clone());
            }
            return;
        }
        let pods: Vec<&Value> = c
            .index
            .rs_pods
            .get(&uid)
            .into_iter()
            .flatten()
            .filter(|(k, _)| k.namespace == key.namespace)
            .filter_map(|(k, _)| c.objects.get(k))
            .filter(|p| selector.matches(p["metadata"].get("labels")))
            .collect();
        let active: Vec<&Value> = pods.iter().copied().filter(|p| is_active(p)).collect();
        let victims: Vec<ObjKey> = if diff > 0 {
            // `getPodsToDelete`: unscheduled first, then pending, then not ready,
            // then the most recently ready.
            let mut victims: Vec<&Value> = active.clone();
            victims.sort_by_key(|p| {
                let unscheduled = p["spec"]["nodeName"].as_str().is_none_or(str::is_empty);
                let pending = p["status"]["phase"] == "Pending";
                let ready = ready_since(p);
                (!unscheduled, !pending, ready.is_some(), std::cmp::Reverse(ready.unwrap_or(0)))
            });
            victims.into_iter().take(diff as usize).map(|p| key_of("pods", p)).collect()
        } else {
            Vec::new()
        };
        let rs = rs_ref.clone();
        if diff < 0 {
            let mut proto = PodPrototype::default();
            for _ in 0..(-diff).min(500) {
                if !create_pod(c, &rs, Some(&mut proto)) {
                    break;
                }
            }
            if -diff > 500 {
                // The rest on the next pass.
                c.dirty.replicasets.insert(key.clone());
            }
        } else {
            for pk in victims {
                crate::kubelet::delete_pod(c, &pk, None);
                c.emit_event(&rs, None, "Normal", "SuccessfulDelete", "replicaset-controller", format!("Deleted pod: {}", pk.name));
            }
        }
        // Status, from the pods as they are now.
        let now = c.now;
        let pods: Vec<&Value> = owned_pods(c, &key.namespace, &uid).iter().filter_map(|k| c.get(k)).filter(|p| owned_by(p, &uid) && is_active(p)).collect();
        let template_labels = &rs["spec"]["template"]["metadata"]["labels"];
        let pods: Vec<(bool, Option<Millis>)> = pods
            .iter()
            .map(|p| (template_labels.as_object().is_none_or(|m| m.iter().all(|(k, v)| p["metadata"]["labels"].get(k) == Some(v))), ready_since(p)))
            .collect();
        let (status, resync) = rs_status(&rs, &pods, now);
        if rs["status"] != status {
            c.set_field(&key, "status", status);
        }
        if let Some(at) = resync {
            c.schedule(at, crate::cluster::Timer::Resync);
            c.requeue_replicaset_at(at, key.clone());
        }
    }
}

/// A ReplicaSet's status from its active pods, and when to look again for a pod
/// that becomes available after `minReadySeconds`.
fn rs_status(rs: &Value, pods: &[(bool, Option<Millis>)], now: Millis) -> (Value, Option<Millis>) {
    // Each pod as (carries the template's labels, ready since).
    let min_ready = int(&rs["spec"]["minReadySeconds"]);
    let fully_labeled = pods.iter().filter(|(full, _)| *full).count();
    let ready = pods.iter().filter(|(_, t)| t.is_some()).count();
    // `podutil.IsPodAvailable`: ready for at least `min_ready` seconds.
    let available = pods.iter().filter(|(_, t)| t.is_some_and(|t| min_ready <= 0 || t + min_ready as Millis * 1000 <= now)).count();
    let mut status = serde_json::Map::new();
    status.insert("replicas".into(), pods.len().into());
    status.insert("fullyLabeledReplicas".into(), fully_labeled.into());
    status.insert("readyReplicas".into(), ready.into());
    status.insert("availableReplicas".into(), available.into());
    status.insert("observedGeneration".into(), rs["metadata"]["generation"].clone());
    let mut status = Value::Object(status);
    prune_zeros(&mut status, &["fullyLabeledReplicas", "readyReplicas", "availableReplicas"]);
    let resync = if min_ready > 0 && available < ready {
        pods.iter().filter_map(|(_, t)| *t).map(|t| t + min_ready as Millis * 1000).filter(|t| *t > now).min()
    } else {
        None
    };
    (status, resync)
}

/// Kubernetes omits zero counts from ReplicaSet and Deployment status (`omitempty`).
fn prune_zeros(status: &mut Value, fields: &[&str]) {
    if let Some(m) = status.as_object_mut() {
        for f in fields {
            if m.get(*f).is_some_and(|v| v == 0) {
                m.remove(*f);
            }
        }
    }
}

/// `controller.(*RealPodControl).CreatePods`: a pod from the template, owned by `owner`
/// (a ReplicaSet or a Job).
pub(crate) fn create_pod_from_template(c: &mut Cluster, owner: &Value) -> bool {
    create_pod(c, owner, None)
}

/// A pod as [`create_pod`] builds it from its owner's template before admission, kept
/// for the owner's next pods of the same pass: they differ from it only in the names
/// drawn for them (the pod's and its token volume's), so each is a copy with those
/// set, not the template copied and defaulted again (a ReplicaSet scaled up from 0
/// creates all its pods in one pass).
#[derive(Default)]
struct PodPrototype {
    /// The pod, and whether defaulting drew a name for its token volume.
    built: Option<(Value, bool)>,
}

/// [`create_pod_from_template`], building the pod from `proto` when it holds one.
fn create_pod(c: &mut Cluster, owner: &Value, proto: Option<&mut PodPrototype>) -> bool {
    let ns = s(&owner["metadata"]["namespace"]).to_string();
    let owner_uid = s(&owner["metadata"]["uid"]).to_string();
    if c.create_backoff.get(&owner_uid).is_some_and(|(at, _)| c.now < *at) {
        return false;
    }
    let prefix = format!("{}-", s(&owner["metadata"]["name"]));
    let name = format!("{prefix}{}", c.rng.name_suffix(5));
    let mut pod = match proto.as_ref().and_then(|p| p.built.as_ref()) {
        Some((built, token_volume)) => {
            let mut pod = built.clone();
            meta_mut(&mut pod).insert("name".into(), json!(name));
            if *token_volume {
                // The draw defaulting would make, in the same place of the stream.
                let volume = admission::token_volume_name(&mut c.rng);
                admission::rename_token_volume(&mut pod["spec"], &volume);
            }
            pod
        }
        None => {
            let template = &owner["spec"]["template"];
            let mut meta = json!({
                "generateName": prefix,
                "name": name,
                "namespace": ns,
                "ownerReferences": [{
                    "apiVersion": owner["apiVersion"].as_str().unwrap_or("apps/v1"),
                    "kind": owner["kind"].as_str().unwrap_or("ReplicaSet"),
                    "name": owner["metadata"]["name"],
                    "uid": owner["metadata"]["uid"],
                    "controller": true,
                    "blockOwnerDeletion": true,
                }],
            });
            for f in ["labels", "annotations"] {
                if let Some(v) = template["metadata"].get(f).filter(|v| v.is_object()) {
                    meta[f] = v.clone();
                }
            }
            if owner["kind"] == "Job" {
                // The job controller tracks its pods' completion with a finalizer.
                meta["finalizers"] = json!(["batch.kubernetes.io/job-tracking"]);
            }
            let mut pod = json!({"metadata": meta, "spec": template["spec"].clone()});
            let rt = resources::lookup("pods").expect("pods are registered");
            // Defaulting draws from the random stream only for the token volume's name.
            let before = c.rng.position();
            admission::default_object(c, rt, &mut pod);
            meta_mut(&mut pod).insert("generation".into(), json!(1));
            if let Some(p) = proto {
                p.built = Some((pod.clone(), c.rng.position() != before));
            }
            pod
        }
    };
    let kind = s(&owner["kind"]).to_string();
    let component = match kind.as_str() {
        "Job" => "job-controller",
        "DaemonSet" => "daemonset-controller",
        _ => "replicaset-controller",
    };
    // The create goes through admission (LimitRange, ResourceQuota) like any other.
    if let Err(e) = crate::quota::admit_pod(c, &ns, &mut pod) {
        let failures = c.create_backoff.get(&owner_uid).map(|(_, n)| n + 1).unwrap_or(1);
        let at = c.now + 1000 * (1u64 << (failures - 1).min(8));
        c.create_backoff.insert(owner_uid, (at, failures));
        c.schedule(at, crate::cluster::Timer::Resync);
        match kind.as_str() {
            "ReplicaSet" => c.requeue_replicaset_at(at, ObjKey { resource: "replicasets.apps".into(), namespace: ns.as_str().into(), name: s(&owner["metadata"]["name"]).into() }),
            "DaemonSet" => {
                c.dirty.daemonsets_at.insert(at);
            }
            _ => {}
        }
        c.emit_event(owner, None, "Warning", "FailedCreate", component, format!("Error creating: {}", e.message));
        return false;
    }
    pod["status"]["qosClass"] = json!(admission::qos_class(&pod["spec"]));
    c.create_backoff.remove(&owner_uid);
    c.insert_quiet(ObjKey::pod(&ns, &name), pod);
    c.emit_event(owner, None, "Normal", "SuccessfulCreate", component, format!("Created pod: {name}"));
    true
}

// ---------------------------------------------------------------------------
// Deployment: `pkg/controller/deployment.(*DeploymentController).syncDeployment`

/// The pod-template-hash: a hash of the template (without the hash label) and the
/// collision count, encoded onto the name alphabet.
pub fn pod_template_hash(template: &Value, collision_count: i64) -> String {
    let mut t = template.clone();
    if let Some(l) = t["metadata"]["labels"].as_object_mut() {
        l.remove("pod-template-hash");
    }
    let text = serde_json::to_string(&t).unwrap_or_default() + &collision_count.to_string();
    crate::rng::safe_encode(&crate::rng::fnv32a(text.as_bytes()).to_string())
}

/// Resolves `maxSurge`/`maxUnavailable` (ints or percentages) as
/// `deploymentutil.ResolveFenceposts` does.
fn fenceposts(d: &Value) -> (i64, i64) {
    let replicas = int(&d["spec"]["replicas"]);
    let ru = &d["spec"]["strategy"]["rollingUpdate"];
    let resolve = |v: &Value, round_up: bool| -> i64 {
        match v {
            Value::Number(n) => n.as_i64().unwrap_or(0),
            Value::String(p) if p.ends_with('%') => {
                let pct: i64 = p.trim_end_matches('%').parse().unwrap_or(0);
                let x = pct * replicas;
                if round_up {
                    (x + 99) / 100
                } else {
                    x / 100
                }
            }
            Value::String(p) => p.parse().unwrap_or(0),
            _ => 0,
        }
    };
    let surge = resolve(&ru["maxSurge"], true);
    let mut unavailable = resolve(&ru["maxUnavailable"], false);
    if surge == 0 && unavailable == 0 {
        unavailable = 1;
    }
    (surge, unavailable)
}

fn template_without_hash(t: &Value) -> Value {
    let mut t = t.clone();
    if let Some(l) = t["metadata"]["labels"].as_object_mut() {
        l.remove("pod-template-hash");
    }
    t
}

/// `deploymentutil.EqualIgnoreHash`: `template_without_hash(a) == template_without_hash(b)`,
/// compared in place when both have a labels map (a Deployment syncs after nearly
/// every pod of its ReplicaSets turns ready, and copying templates to compare them
/// was a good part of each sync).
fn equal_ignore_hash(a: &Value, b: &Value) -> bool {
    type Map = serde_json::Map<String, Value>;
    const HASH: &str = "pod-template-hash";
    fn parts(t: &Value) -> Option<(&Map, &Map, &Map)> {
        let t = t.as_object()?;
        let meta = t.get("metadata")?.as_object()?;
        Some((t, meta, meta.get("labels")?.as_object()?))
    }
    let (Some((ta, ma, la)), Some((tb, mb, lb))) = (parts(a), parts(b)) else {
        return template_without_hash(a) == template_without_hash(b);
    };
    // Maps are equal when they have as many keys and each of one's is in the other
    // with an equal value.
    let same = |x: &Map, y: &Map, inner: &dyn Fn(&str, &Value, &Value) -> bool| x.len() == y.len() && x.iter().all(|(k, v)| y.get(k).is_some_and(|w| inner(k, v, w)));
    let unhashed = |l: &Map| l.len() - usize::from(l.contains_key(HASH));
    let labels_equal = unhashed(la) == unhashed(lb) && la.iter().all(|(k, v)| k == HASH || lb.get(k) == Some(v));
    same(ta, tb, &|k, v, w| if k == "metadata" { same(ma, mb, &|k, v, w| if k == "labels" { labels_equal } else { v == w }) } else { v == w })
}

/// The stored Deployment as the API serves it, with `apiVersion` and `kind` (which
/// events about it name): the shared snapshot itself when it has them already.
fn typed_deployment(obj: Arc<Value>) -> Arc<Value> {
    if obj["kind"] == "Deployment" && obj["apiVersion"] == "apps/v1" {
        obj
    } else {
        Arc::new(crate::apiserver::with_type(resources::lookup("deployments").expect("registered"), Value::clone(&obj)))
    }
}

fn sync_deployments(c: &mut Cluster) {
    c.visit_queued("deployments.apps", |d| &mut d.deployments, sync_deployment);
}

fn sync_deployment(c: &mut Cluster, key: &ObjKey) {
    {
        let key = key.clone();
        let Some(d) = c.get_shared(&key) else { return };
        if !d["metadata"]["deletionTimestamp"].is_null() {
            return;
        }
        let d = typed_deployment(d);
        let d: &Value = &d;
        let uid = s(&d["metadata"]["uid"]).to_string();
        // Shared snapshots of the stored ReplicaSets (not copies).
        let mut rss: Vec<Arc<Value>> = replicasets_of(c, &key.namespace, &uid).iter().filter_map(|k| c.get_shared(k)).filter(|r| owned_by(r, &uid)).collect();
        rss.sort_by(|a, b| s(&a["metadata"]["creationTimestamp"]).cmp(s(&b["metadata"]["creationTimestamp"])).then(s(&a["metadata"]["name"]).cmp(s(&b["metadata"]["name"]))));
        let template = &d["spec"]["template"];
        let new_rs = rss.iter().find(|r| equal_ignore_hash(&r["spec"]["template"], template)).cloned();
        let olds: Vec<Arc<Value>> = rss.iter().filter(|r| Some(&r["metadata"]["uid"]) != new_rs.as_ref().map(|n| &n["metadata"]["uid"])).cloned().collect();
        let replicas = int(&d["spec"]["replicas"]);
        let paused = d["spec"]["paused"] == true;
        let recreate = d["spec"]["strategy"]["type"] == "Recreate";
        let max_revision = rss.iter().filter_map(|r| r["metadata"]["annotations"]["deployment.kubernetes.io/revision"].as_str().and_then(|v| v.parse::<i64>().ok())).max().unwrap_or(0);
        let new_rs = match new_rs {
            Some(n) => {
                // Keep the revision annotation current (a rollback re-uses an old RS).
                let rev = n["metadata"]["annotations"]["deployment.kubernetes.io/revision"].as_str().and_then(|v| v.parse::<i64>().ok()).unwrap_or(0);
                if rev < max_revision && !olds.is_empty() && olds.iter().any(|o| int(&o["spec"]["replicas"]) > 0) {
                    let k = key_of("replicasets.apps", &n);
                    let next = (max_revision + 1).to_string();
                    c.modify(&k, |r| r["metadata"]["annotations"]["deployment.kubernetes.io/revision"] = json!(next));
                }
                c.get_shared(&key_of("replicasets.apps", &n)).unwrap_or(n)
            }
            None if paused => return,
            None => {
                let old_total: i64 = olds.iter().map(|o| int(&o["spec"]["replicas"])).sum();
                let initial = if recreate {
                    if old_total > 0 { 0 } else { replicas }
                } else {
                    let (surge, _) = fenceposts(d);
                    (replicas + surge - old_total).clamp(0, replicas)
                };
                Arc::new(create_replicaset(c, d, initial, max_revision + 1))
            }
        };
        if !paused {
            if recreate {
                rollout_recreate(c, d, &new_rs, &olds);
            } else {
                rollout_rolling(c, d, &new_rs, &olds);
            }
            cleanup_old(c, d, &olds);
        }
        sync_deployment_status(c, &key, &new_rs);
    }
}

fn create_replicaset(c: &mut Cluster, d: &Value, replicas: i64, revision: i64) -> Value {
    let hash = pod_template_hash(&d["spec"]["template"], int(&d["status"]["collisionCount"]));
    let name = format!("{}-{hash}", s(&d["metadata"]["name"]));
    let ns = s(&d["metadata"]["namespace"]).to_string();
    let mut template = d["spec"]["template"].clone();
    template["metadata"]["labels"]["pod-template-hash"] = json!(hash);
    let mut selector = d["spec"]["selector"].clone();
    selector["matchLabels"]["pod-template-hash"] = json!(hash);
    let (surge, _) = fenceposts(d);
    let mut labels = template["metadata"]["labels"].clone();
    labels["pod-template-hash"] = json!(hash);
    let rs = json!({
        "apiVersion": "apps/v1",
        "kind": "ReplicaSet",
        "metadata": {
            "name": name,
            "namespace": ns,
            "labels": labels,
            "annotations": {
                "deployment.kubernetes.io/desired-replicas": int(&d["spec"]["replicas"]).to_string(),
                "deployment.kubernetes.io/max-replicas": (int(&d["spec"]["replicas"]) + surge).to_string(),
                "deployment.kubernetes.io/revision": revision.to_string(),
            },
            "ownerReferences": [{"apiVersion": "apps/v1", "kind": "Deployment", "name": d["metadata"]["name"], "uid": d["metadata"]["uid"], "controller": true, "blockOwnerDeletion": true}],
            "generation": 1,
        },
        "spec": {"replicas": replicas, "minReadySeconds": d["spec"]["minReadySeconds"].as_i64().unwrap_or(0), "selector": selector, "template": template},
    });
    let mut rs = rs;
    if int(&rs["spec"]["minReadySeconds"]) == 0 {
        if let Some(m) = rs["spec"].as_object_mut() {
            m.remove("minReadySeconds");
        }
    }
    let stored = c.insert(ObjKey { resource: "replicasets.apps".into(), namespace: ns.into(), name: name.as_str().into() }, rs);
    if replicas > 0 {
        c.emit_event(d, None, "Normal", "ScalingReplicaSet", "deployment-controller", format!("Scaled up replica set {name} from 0 to {replicas}"));
    }
    crate::apiserver::with_type(resources::lookup("replicasets").expect("registered"), stored)
}

/// `(*DeploymentController).scaleReplicaSet`
fn scale_rs(c: &mut Cluster, d: &Value, rs: &Value, to: i64) {
    let from = int(&rs["spec"]["replicas"]);
    if from == to {
        return;
    }
    let k = key_of("replicasets.apps", rs);
    let desired = int(&d["spec"]["replicas"]).to_string();
    let (surge, _) = fenceposts(d);
    let max = (int(&d["spec"]["replicas"]) + surge).to_string();
    c.modify(&k, |r| {
        r["spec"]["replicas"] = json!(to);
        r["metadata"]["annotations"]["deployment.kubernetes.io/desired-replicas"] = json!(desired);
        r["metadata"]["annotations"]["deployment.kubernetes.io/max-replicas"] = json!(max);
        let g = int(&r["metadata"]["generation"]) + 1;
        r["metadata"]["generation"] = json!(g);
    });
    let op = if to > from { "up" } else { "down" };
    c.emit_event(d, None, "Normal", "ScalingReplicaSet", "deployment-controller", format!("Scaled {op} replica set {} from {from} to {to}", s(&rs["metadata"]["name"])));
}

fn rs_available(rs: &Value) -> i64 {
    int(&rs["status"]["availableReplicas"])
}

/// `rolloutRolling`: scale the new RS up within maxSurge, old ones down within
/// maxUnavailable.
fn rollout_rolling(c: &mut Cluster, d: &Value, new_rs: &Value, olds: &[Arc<Value>]) {
    let replicas = int(&d["spec"]["replicas"]);
    let (surge, unavailable) = fenceposts(d);
    let current = |c: &Cluster, k: &ObjKey| c.get_shared(k).unwrap_or_else(|| Arc::new(Value::Null));
    let new_key = key_of("replicasets.apps", new_rs);
    // reconcileNewReplicaSet
    let new_now = current(c, &new_key);
    let new_replicas = int(&new_now["spec"]["replicas"]);
    let old_now: Vec<Arc<Value>> = olds.iter().map(|o| current(c, &key_of("replicasets.apps", o))).filter(|o| !o.is_null()).collect();
    let total: i64 = new_replicas + old_now.iter().map(|o| int(&o["spec"]["replicas"])).sum::<i64>();
    if new_replicas > replicas {
        scale_rs(c, d, &new_now, replicas);
    } else if new_replicas < replicas {
        let max_total = replicas + surge;
        if total < max_total {
            let up = (max_total - total).min(replicas - new_replicas);
            scale_rs(c, d, &new_now, new_replicas + up);
        }
    }
    // reconcileOldReplicaSets
    let new_now = current(c, &new_key);
    let old_now: Vec<Arc<Value>> = olds.iter().map(|o| current(c, &key_of("replicasets.apps", o))).filter(|o| !o.is_null()).collect();
    let old_count: i64 = old_now.iter().map(|o| int(&o["spec"]["replicas"])).sum();
    if old_count == 0 {
        return;
    }
    let all_count = old_count + int(&new_now["spec"]["replicas"]);
    let min_available = replicas - unavailable;
    let new_unavailable = int(&new_now["spec"]["replicas"]) - rs_available(&new_now);
    let max_scaled_down = all_count - min_available - new_unavailable;
    if max_scaled_down <= 0 {
        return;
    }
    // cleanupUnhealthyReplicas: old pods that are not available go first.
    let mut remaining = max_scaled_down;
    for o in &old_now {
        if remaining <= 0 {
            break;
        }
        let spec = int(&o["spec"]["replicas"]);
        let unhealthy = spec - rs_available(o);
        if spec == 0 || unhealthy <= 0 {
            continue;
        }
        let down = unhealthy.min(remaining);
        scale_rs(c, d, o, spec - down);
        remaining -= down;
    }
    // scaleDownOldReplicaSetsForRollingUpdate
    let new_now = current(c, &new_key);
    let old_now: Vec<Arc<Value>> = olds.iter().map(|o| current(c, &key_of("replicasets.apps", o))).filter(|o| !o.is_null()).collect();
    let available: i64 = rs_available(&new_now) + old_now.iter().map(|o| rs_available(o)).sum::<i64>();
    let mut total_down = available - min_available;
    if total_down <= 0 {
        return;
    }
    for o in &old_now {
        if total_down <= 0 {
            break;
        }
        let spec = int(&o["spec"]["replicas"]);
        if spec == 0 {
            continue;
        }
        let down = spec.min(total_down);
        scale_rs(c, d, o, spec - down);
        total_down -= down;
    }
}

/// `rolloutRecreate`: old RSs to zero, wait for their pods to go, then the new one up.
fn rollout_recreate(c: &mut Cluster, d: &Value, new_rs: &Value, olds: &[Arc<Value>]) {
    for o in olds {
        if let Some(cur) = c.get(&key_of("replicasets.apps", o)).cloned() {
            let cur = crate::apiserver::with_type(resources::lookup("replicasets").expect("registered"), cur);
            scale_rs(c, d, &cur, 0);
        }
    }
    let old_uids: Vec<String> = olds.iter().map(|o| s(&o["metadata"]["uid"]).to_string()).collect();
    let ns = s(&d["metadata"]["namespace"]).to_string();
    let old_pods_left = old_uids.iter().any(|u| owned_pods(c, &ns, u).iter().filter_map(|k| c.get(k)).any(|p| owned_by(p, u)));
    if !old_pods_left {
        if let Some(cur) = c.get(&key_of("replicasets.apps", new_rs)).cloned() {
            let cur = crate::apiserver::with_type(resources::lookup("replicasets").expect("registered"), cur);
            scale_rs(c, d, &cur, int(&d["spec"]["replicas"]));
        }
    }
}

/// `cleanupDeployment`: keeps `revisionHistoryLimit` old, empty ReplicaSets.
fn cleanup_old(c: &mut Cluster, d: &Value, olds: &[Arc<Value>]) {
    let limit = d["spec"]["revisionHistoryLimit"].as_i64().unwrap_or(10).max(0) as usize;
    let empty: Vec<&Arc<Value>> = olds
        .iter()
        .filter(|o| c.get(&key_of("replicasets.apps", o)).is_some_and(|cur| int(&cur["spec"]["replicas"]) == 0 && int(&cur["status"]["replicas"]) == 0))
        .collect();
    if empty.len() <= limit {
        return;
    }
    for o in empty.iter().take(empty.len() - limit) {
        c.remove(&key_of("replicasets.apps", o));
    }
}

/// `syncRolloutStatus`: counts and the Available / Progressing conditions.
fn sync_deployment_status(c: &mut Cluster, key: &ObjKey, new_rs: &Value) {
    let Some(d) = c.get_shared(key) else { return };
    let uid = s(&d["metadata"]["uid"]).to_string();
    let rss: Vec<Arc<Value>> = replicasets_of(c, &key.namespace, &uid).iter().filter_map(|k| c.get_shared(k)).filter(|r| owned_by(r, &uid)).collect();
    let new_now = c.get_shared(&key_of("replicasets.apps", new_rs)).unwrap_or_else(|| Arc::new(Value::Null));
    let sum = |f: &str| -> i64 { rss.iter().map(|r| int(&r["status"][f])).sum() };
    let replicas = int(&d["spec"]["replicas"]);
    let (_, unavailable) = fenceposts(&d);
    let available = sum("availableReplicas");
    let updated = int(&new_now["status"]["replicas"]);
    let now = rfc3339(c.now);
    let new_name = s(&new_now["metadata"]["name"]).to_string();
    let old_conditions: &[Value] = d["status"]["conditions"].as_array().map_or(&[], Vec::as_slice);
    // Built field by field rather than with `json!`, which would copy each value
    // through serde once more (the status is built after nearly every pod that
    // turns ready).
    let condition = |type_: &str, status: &str, reason: &str, message: String| -> Value {
        let prev = old_conditions.iter().find(|c| c["type"] == type_);
        let same = prev.is_some_and(|p| p["status"] == status);
        let unchanged = same && prev.is_some_and(|p| p["reason"] == reason && p["message"] == message.as_str());
        let kept = |field: &str, keep: bool| match prev {
            Some(p) if keep => p[field].clone(),
            _ => Value::String(now.clone()),
        };
        let mut cond = serde_json::Map::new();
        cond.insert("lastTransitionTime".into(), kept("lastTransitionTime", same));
        cond.insert("lastUpdateTime".into(), kept("lastUpdateTime", unchanged));
        cond.insert("message".into(), Value::String(message));
        cond.insert("reason".into(), reason.into());
        cond.insert("status".into(), status.into());
        cond.insert("type".into(), type_.into());
        Value::Object(cond)
    };
    let avail_cond = if available >= replicas - unavailable {
        condition("Available", "True", "MinimumReplicasAvailable", "Deployment has minimum availability.".into())
    } else {
        condition("Available", "False", "MinimumReplicasUnavailable", "Deployment does not have minimum availability.".into())
    };
    let old_replicas: i64 = rss.iter().filter(|r| r["metadata"]["uid"] != new_now["metadata"]["uid"]).map(|r| int(&r["status"]["replicas"])).sum();
    let complete = updated == replicas && int(&new_now["status"]["availableReplicas"]) == replicas && old_replicas == 0;
    let had_progressing = old_conditions.iter().any(|c| c["type"] == "Progressing");
    let prog_cond = if complete {
        condition("Progressing", "True", "NewReplicaSetAvailable", format!("ReplicaSet \"{new_name}\" has successfully progressed."))
    } else if !had_progressing {
        condition("Progressing", "True", "NewReplicaSetCreated", format!("Created new replica set \"{new_name}\""))
    } else {
        let prev = old_conditions.iter().find(|c| c["type"] == "Progressing").unwrap_or(&Value::Null);
        let progressing_msg = format!("ReplicaSet \"{new_name}\" is progressing.");
        if prev["reason"] == "NewReplicaSetCreated" && s(&prev["message"]).contains(&new_name) && updated == 0 {
            prev.clone()
        } else {
            condition("Progressing", "True", "ReplicaSetUpdated", progressing_msg)
        }
    };
    let mut status = serde_json::Map::new();
    status.insert("availableReplicas".into(), available.into());
    status.insert("conditions".into(), Value::Array(vec![avail_cond, prog_cond]));
    status.insert("observedGeneration".into(), d["metadata"]["generation"].clone());
    status.insert("readyReplicas".into(), sum("readyReplicas").into());
    status.insert("replicas".into(), sum("replicas").into());
    status.insert("unavailableReplicas".into(), (replicas - available).max(0).into());
    status.insert("updatedReplicas".into(), updated.into());
    if let Some(cc) = d["status"].get("collisionCount") {
        status.insert("collisionCount".into(), cc.clone());
    }
    let mut status = Value::Object(status);
    prune_zeros(&mut status, &["availableReplicas", "readyReplicas", "replicas", "unavailableReplicas", "updatedReplicas"]);
    let revision = new_now["metadata"]["annotations"]["deployment.kubernetes.io/revision"].clone();
    let needs_rev = !revision.is_null() && d["metadata"]["annotations"]["deployment.kubernetes.io/revision"] != revision;
    if needs_rev {
        c.modify(key, |obj| {
            obj["status"] = status;
            obj["metadata"]["annotations"]["deployment.kubernetes.io/revision"] = revision;
        });
    } else if d["status"] != status {
        // Only the status changes (the write after nearly every pod that turns ready):
        // neither the Deployment copied whole nor compared again.
        c.set_field(key, "status", status);
    }
}

// ---------------------------------------------------------------------------
// Endpoints and EndpointSlices: `pkg/controller/endpoint` and `endpointslice`

fn sync_endpoints(c: &mut Cluster) {
    // Services of the namespaces where pods, services or endpoints were written.
    let namespaces = std::mem::take(&mut c.dirty.endpoints);
    let keys: Vec<ObjKey> = if crate::cluster::CHECK_SKIPPED { c.list_keys("services") } else { namespaces.iter().flat_map(|ns| c.range("services", Some(ns)).map(|(k, _)| k.clone())).collect() };
    for key in keys {
        let before = c.fingerprint();
        sync_service_endpoints(c, &key);
        assert!(!crate::cluster::CHECK_SKIPPED || namespaces.contains(&key.namespace) || before == c.fingerprint(), "endpoints {}/{}: not queued, yet a full pass changed them", key.namespace, key.name);
    }
    // Endpoints whose service is gone go with it.
    for key in c.list_keys("endpoints") {
        let svc = ObjKey { resource: "services".into(), namespace: key.namespace.clone(), name: key.name.clone() };
        let managed = c.get(&key).is_some_and(|e| e["metadata"]["labels"]["endpoints.kubernetes.io/managed-by"] == "endpoint-controller");
        if managed && c.get(&svc).is_none() {
            c.remove(&key);
        }
    }
}

fn sync_service_endpoints(c: &mut Cluster, key: &ObjKey) {
    {
        let key = key.clone();
        let Some(svc) = c.get(&key).cloned() else { return };
        let Some(sel) = svc["spec"]["selector"].as_object().filter(|m| !m.is_empty()) else { return };
        let selector = LabelSelector::from_object(&json!({"matchLabels": sel}));
        let mut pods: Vec<Value> = c
            .list("pods", Some(&key.namespace))
            .into_iter()
            .filter(|p| selector.matches(p["metadata"].get("labels")) && !p["status"]["podIP"].is_null() && p["metadata"]["deletionTimestamp"].is_null())
            .filter(|p| !matches!(s(&p["status"]["phase"]), "Succeeded" | "Failed"))
            .cloned()
            .collect();
        pods.sort_by(|a, b| s(&a["status"]["podIP"]).cmp(s(&b["status"]["podIP"])));
        let svc_ports = svc["spec"]["ports"].as_array().cloned().unwrap_or_default();
        // Resolve each service port's targetPort against each pod (named ports).
        let resolve = |p: &Value, pod: &Value| -> Option<i64> {
            match &p["targetPort"] {
                Value::Number(n) => n.as_i64(),
                Value::String(name) => pod["spec"]["containers"]
                    .as_array()?
                    .iter()
                    .flat_map(|c| c["ports"].as_array().cloned().unwrap_or_default())
                    .find(|cp| cp["name"] == name.as_str())
                    .and_then(|cp| cp["containerPort"].as_i64()),
                _ => p["port"].as_i64(),
            }
        };
        let ports_for = |pod: &Value| -> Vec<Value> {
            svc_ports
                .iter()
                .filter_map(|p| {
                    let port = resolve(p, pod)?;
                    let mut v = json!({"port": port, "protocol": p["protocol"].as_str().unwrap_or("TCP")});
                    if let Some(n) = p["name"].as_str() {
                        v["name"] = json!(n);
                    }
                    Some(v)
                })
                .collect()
        };
        let address = |pod: &Value| {
            json!({
                "ip": pod["status"]["podIP"],
                "nodeName": pod["spec"]["nodeName"],
                "targetRef": {"kind": "Pod", "name": pod["metadata"]["name"], "namespace": key.namespace, "uid": pod["metadata"]["uid"]},
            })
        };
        let (ready, not_ready): (Vec<&Value>, Vec<&Value>) = pods.iter().partition(|p| ready_since(p).is_some());
        let mut subsets = Vec::new();
        if !pods.is_empty() {
            let ports = ports_for(&pods[0]);
            let mut subset = json!({"ports": ports});
            if !ready.is_empty() {
                subset["addresses"] = json!(ready.iter().map(|p| address(p)).collect::<Vec<_>>());
            }
            if !not_ready.is_empty() {
                subset["notReadyAddresses"] = json!(not_ready.iter().map(|p| address(p)).collect::<Vec<_>>());
            }
            subsets.push(subset);
        }
        let ep_key = ObjKey { resource: "endpoints".into(), namespace: key.namespace.clone(), name: key.name.clone() };
        let mut labels = svc["metadata"]["labels"].clone();
        if !labels.is_object() {
            labels = json!({});
        }
        labels["endpoints.kubernetes.io/managed-by"] = json!("endpoint-controller");
        let mut ep = json!({"metadata": {"name": key.name, "namespace": key.namespace, "labels": labels}});
        if !subsets.is_empty() {
            ep["subsets"] = json!(subsets);
        }
        match c.get(&ep_key).cloned() {
            None => {
                c.insert(ep_key, ep);
            }
            Some(cur) => {
                let mut next = cur.clone();
                next["metadata"]["labels"] = ep["metadata"]["labels"].clone();
                match ep.get("subsets") {
                    Some(sub) => next["subsets"] = sub.clone(),
                    None => {
                        if let Some(m) = next.as_object_mut() {
                            m.remove("subsets");
                        }
                    }
                }
                if next != cur {
                    c.replace(&ep_key, next);
                }
            }
        }
        // One EndpointSlice per service (IPv4).
        let endpoints: Vec<Value> = pods
            .iter()
            .map(|p| {
                let is_ready = ready_since(p).is_some();
                json!({
                    "addresses": [p["status"]["podIP"]],
                    "conditions": {"ready": is_ready, "serving": is_ready, "terminating": false},
                    "nodeName": p["spec"]["nodeName"],
                    "targetRef": {"kind": "Pod", "name": p["metadata"]["name"], "namespace": key.namespace, "uid": p["metadata"]["uid"]},
                })
            })
            .collect();
        let slice_ports = if pods.is_empty() {
            Value::Null
        } else {
            json!(ports_for(&pods[0]).into_iter().map(|mut p| {
                if p.get("name").is_none() {
                    p["name"] = json!("");
                }
                p
            }).collect::<Vec<_>>())
        };
        let existing = c
            .list("endpointslices.discovery.k8s.io", Some(&key.namespace))
            .into_iter()
            .find(|e| e["metadata"]["labels"]["kubernetes.io/service-name"] == key.name.as_str())
            .cloned();
        let mut body = json!({"addressType": "IPv4", "endpoints": if endpoints.is_empty() { Value::Null } else { json!(endpoints) }, "ports": slice_ports});
        if let Some(m) = body.as_object_mut() {
            m.retain(|_, v| !v.is_null());
        }
        match existing {
            Some(cur) => {
                let mut next = cur.clone();
                for f in ["endpoints", "ports"] {
                    match body.get(f) {
                        Some(v) => next[f] = v.clone(),
                        None => {
                            if let Some(m) = next.as_object_mut() {
                                m.remove(f);
                            }
                        }
                    }
                }
                if next != cur {
                    let k = key_of("endpointslices.discovery.k8s.io", &cur);
                    c.replace(&k, next);
                }
            }
            None => {
                let name = format!("{}-{}", key.name, c.rng.name_suffix(5));
                let mut slice = body;
                slice["metadata"] = json!({
                    "name": name,
                    "namespace": key.namespace,
                    "generateName": format!("{}-", key.name),
                    "labels": {"endpointslice.kubernetes.io/managed-by": "endpointslice-controller.k8s.io", "kubernetes.io/service-name": key.name},
                    "ownerReferences": [{"apiVersion": "v1", "kind": "Service", "name": key.name, "uid": svc["metadata"]["uid"], "controller": true, "blockOwnerDeletion": true}],
                    "generation": 1,
                });
                c.insert(ObjKey { resource: "endpointslices.discovery.k8s.io".into(), namespace: key.namespace.clone(), name: name.into() }, slice);
            }
        }
    }
}

// ---------------------------------------------------------------------------
// Namespaces: the namespace controller, the service-account controller and the
// root-CA publisher.

fn sync_namespaces(c: &mut Cluster) {
    for key in c.list_keys("namespaces") {
        // Read in place: every round of every instant passes here.
        let Some(terminating) = c.get(&key).map(|ns| ns["status"]["phase"] == "Terminating") else { continue };
        let name = key.name.clone();
        if terminating {
            // Delete everything in it; the namespace goes when it is empty.
            let inside: Vec<ObjKey> = c.objects.keys().filter(|k| k.namespace == name).cloned().collect();
            for k in &inside {
                if k.resource == "pods" {
                    crate::kubelet::delete_pod(c, k, None);
                } else if k.resource != "events" {
                    c.remove(k);
                }
            }
            let left = c.objects.keys().any(|k| k.namespace == name && k.resource != "events");
            if !left {
                let events: Vec<ObjKey> = c.objects.keys().filter(|k| k.namespace == name).cloned().collect();
                for k in events {
                    c.remove(&k);
                }
                c.remove(&key);
            }
        } else {
            crate::bootstrap::ensure_namespace_defaults(c, &name);
        }
    }
}

// ---------------------------------------------------------------------------
// Garbage collector (background propagation): dependents of a missing owner go.

fn garbage_collect(c: &mut Cluster) {
    // An object becomes an orphan only when it is written with owner references or
    // when an owner's uid leaves the store: those are the candidates the store queued.
    // Orphans found before were acted on then (removed, or pods being deleted, on
    // which acting again does nothing).
    let candidates = std::mem::take(&mut c.dirty.gc);
    let orphan = |c: &Cluster, o: &Value| -> bool {
        o["metadata"]["ownerReferences"]
            .as_array()
            .filter(|r| !r.is_empty())
            .is_some_and(|refs| refs.iter().all(|r| r["kind"] != "Node" && !c.index.uids.contains_key(&crate::cluster::UidKey::of(s(&r["uid"])))))
    };
    let orphans: Vec<ObjKey> = if crate::cluster::CHECK_SKIPPED {
        // Every object that names an owner (the dependents index holds them all), in
        // key order: the full pass without reading the objects that name none (most
        // are events), which would parse a packed store again on every pass.
        let owned: std::collections::BTreeSet<&ObjKey> = c.index.dependents.values().flatten().collect();
        owned.into_iter().filter(|k| c.get(k).is_some_and(|o| orphan(c, o))).cloned().collect()
    } else {
        candidates.iter().filter(|k| c.get(k).is_some_and(|o| orphan(c, o))).cloned().collect()
    };
    for k in orphans {
        let before = c.fingerprint();
        if k.resource == "pods" {
            let deleting = c.get(&k).is_some_and(|p| !p["metadata"]["deletionTimestamp"].is_null());
            if !deleting {
                crate::kubelet::delete_pod(c, &k, None);
            }
        } else if c.get(&k).is_some_and(|o| o["metadata"]["finalizers"].as_array().is_some_and(|f| !f.is_empty())) {
            // The delete the collector sends waits for the object's finalizers (a
            // claim's pvc-protection): it only gets its deletionTimestamp.
            let now = crate::time::rfc3339(c.now);
            c.modify(&k, |o| {
                if o["metadata"]["deletionTimestamp"].is_null() {
                    o["metadata"]["deletionTimestamp"] = json!(now);
                    o["metadata"]["deletionGracePeriodSeconds"] = json!(0);
                }
            });
        } else {
            c.remove(&k);
        }
        assert!(!crate::cluster::CHECK_SKIPPED || candidates.contains(&k) || before == c.fingerprint(), "garbage collector: {k:?} not queued, yet a full pass changed it");
    }
}
