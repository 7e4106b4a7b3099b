//! The StatefulSet controller (`pkg/controller/statefulset`): pods `<set>-<ordinal>`
//! with a stable hostname and subdomain, created in ordinal order and — under the
//! `OrderedReady` policy — only once every lower ordinal is Running and Ready;
//! `Parallel` creates and deletes without waiting. Scale-down removes the highest
//! ordinal first. `volumeClaimTemplates` become claims `<template>-<set>-<ordinal>`,
//! created before the pod and kept after scale-down or deletion (the default
//! `Retain` retention policy). Each template is a ControllerRevision `<set>-<hash>`;
//! `RollingUpdate` replaces pods from the highest ordinal down to the partition, one
//! at a time; `OnDelete` waits for the user to delete them. Status as
//! `kubectl get sts` and `rollout status` read it.
//!
//! [`sync_one`] handles one StatefulSet, so the controller can be driven per key.

use serde_json::{json, Value};

use crate::cluster::{meta_mut, Cluster, ObjKey};
use crate::selectors::LabelSelector;
use crate::time::{parse_rfc3339, Millis};

const COMPONENT: &str = "statefulset-controller";

fn s(v: &Value) -> &str {
    v.as_str().unwrap_or("")
}

/// `SetDefaults_StatefulSet` (with MaxUnavailableStatefulSet, beta in 1.35).
pub fn default_statefulset(obj: &mut Value) {
    let spec = &mut obj["spec"];
    if spec["replicas"].is_null() {
        spec["replicas"] = json!(1);
    }
    let unset = |v: &Value| v.as_str().is_none_or(str::is_empty);
    if unset(&spec["podManagementPolicy"]) {
        spec["podManagementPolicy"] = json!("OrderedReady");
    }
    // An unset strategy becomes RollingUpdate with the defaults below; a strategy
    // given as `type: RollingUpdate` alone keeps no `rollingUpdate`.
    if unset(&spec["updateStrategy"]["type"]) {
        spec["updateStrategy"]["type"] = json!("RollingUpdate");
        if spec["updateStrategy"]["rollingUpdate"].is_null() {
            spec["updateStrategy"]["rollingUpdate"] = json!({});
        }
    }
    if spec["updateStrategy"]["type"] == "RollingUpdate" && spec["updateStrategy"]["rollingUpdate"].is_object() {
        let ru = &mut spec["updateStrategy"]["rollingUpdate"];
        if ru["partition"].is_null() {
            ru["partition"] = json!(0);
        }
        if ru["maxUnavailable"].is_null() {
            ru["maxUnavailable"] = json!(1);
        }
    }
    if spec["revisionHistoryLimit"].is_null() {
        spec["revisionHistoryLimit"] = json!(10);
    }
    for f in ["whenDeleted", "whenScaled"] {
        if unset(&spec["persistentVolumeClaimRetentionPolicy"][f]) {
            spec["persistentVolumeClaimRetentionPolicy"][f] = json!("Retain");
        }
    }
    if let Some(templates) = spec["volumeClaimTemplates"].as_array_mut() {
        for t in templates {
            if t["apiVersion"].is_null() {
                t["apiVersion"] = json!("v1");
            }
            if t["kind"].is_null() {
                t["kind"] = json!("PersistentVolumeClaim");
            }
            if t["spec"]["volumeMode"].is_null() {
                t["spec"]["volumeMode"] = json!("Filesystem");
            }
            if t["status"]["phase"].is_null() {
                t["status"]["phase"] = json!("Pending");
            }
        }
    }
}

/// The ordinal of a pod named `<set>-<n>`, if it is one of the set's.
fn ordinal_of(set: &str, pod: &str) -> Option<i64> {
    let rest = pod.strip_prefix(set)?.strip_prefix('-')?;
    if rest.is_empty() || !rest.bytes().all(|b| b.is_ascii_digit()) || (rest.len() > 1 && rest.starts_with('0')) {
        return None;
    }
    rest.parse().ok()
}

fn ready_since(pod: &Value) -> Option<Millis> {
    pod["status"]["conditions"].as_array()?.iter().find(|c| c["type"] == "Ready" && c["status"] == "True").and_then(|c| c["lastTransitionTime"].as_str().and_then(parse_rfc3339))
}

fn running_and_ready(pod: &Value) -> bool {
    pod["status"]["phase"] == "Running" && ready_since(pod).is_some()
}

fn terminating(pod: &Value) -> bool {
    !pod["metadata"]["deletionTimestamp"].is_null()
}

fn revision_of(pod: &Value) -> &str {
    s(&pod["metadata"]["labels"]["controller-revision-hash"])
}

/// The data a ControllerRevision stores: the template as a strategic merge patch.
pub(crate) fn revision_patch(template: &Value) -> Value {
    let mut t = template.clone();
    if let Some(m) = t.as_object_mut() {
        m.insert("$patch".into(), json!("replace"));
    }
    json!({"spec": {"template": t}})
}

/// `controller.ComputeHash` of a revision's data and the collision count.
pub(crate) fn revision_hash(data: &Value, collision_count: i64) -> String {
    let text = serde_json::to_string(data).unwrap_or_default() + &collision_count.to_string();
    crate::rng::safe_encode(&crate::rng::fnv32a(text.as_bytes()).to_string())
}

/// The owner's ControllerRevisions, by revision number.
pub(crate) fn owned_revisions(c: &Cluster, ns: &str, uid: &str) -> Vec<Value> {
    let mut revs: Vec<Value> = c
        .list("controllerrevisions.apps", Some(ns))
        .into_iter()
        .filter(|r| r["metadata"]["ownerReferences"].as_array().is_some_and(|o| o.iter().any(|o| o["controller"] == true && o["uid"] == uid)))
        .cloned()
        .collect();
    revs.sort_by_key(|r| r["revision"].as_i64().unwrap_or(0));
    revs
}

/// Finds the revision whose data equals the owner's template, or records a new one
/// numbered after the others (an equal older one is renumbered, as a rollback does).
/// Returns the revision's name and hash.
#[allow(dead_code)]
pub(crate) fn ensure_revision(c: &mut Cluster, owner: &Value, collision_count: i64) -> (String, String) {
    let mut count = collision_count;
    ensure_revision_counting(c, owner, &mut count)
}

/// [`ensure_revision`], raising `collision_count` as `CreateControllerRevision` does
/// while the name its hash gives is taken by a revision with other data.
pub(crate) fn ensure_revision_counting(c: &mut Cluster, owner: &Value, collision_count: &mut i64) -> (String, String) {
    let ns = s(&owner["metadata"]["namespace"]).to_string();
    let uid = s(&owner["metadata"]["uid"]).to_string();
    let name = s(&owner["metadata"]["name"]).to_string();
    let data = revision_patch(&owner["spec"]["template"]);
    let revs = owned_revisions(c, &ns, &uid);
    let max = revs.last().and_then(|r| r["revision"].as_i64()).unwrap_or(0);
    if let Some(existing) = revs.iter().find(|r| r["data"] == data) {
        let rev_name = s(&existing["metadata"]["name"]).to_string();
        let rev_hash = s(&existing["metadata"]["labels"]["controller.kubernetes.io/hash"]).to_string();
        if existing["revision"].as_i64().unwrap_or(0) < max {
            let key = ObjKey { resource: "controllerrevisions.apps".into(), namespace: ns.into(), name: rev_name.as_str().into() };
            c.modify(&key, |r| r["revision"] = json!(max + 1));
        }
        return (rev_name, if rev_hash.is_empty() { revision_hash(&data, *collision_count) } else { rev_hash });
    }
    let (mut hash, mut rev_name);
    loop {
        hash = revision_hash(&data, *collision_count);
        rev_name = format!("{name}-{hash}");
        let key = ObjKey { resource: "controllerrevisions.apps".into(), namespace: ns.as_str().into(), name: rev_name.as_str().into() };
        match c.get(&key) {
            Some(taken) if taken["data"] != data => *collision_count += 1,
            _ => break,
        }
    }
    let mut labels = owner["spec"]["template"]["metadata"]["labels"].as_object().cloned().unwrap_or_default();
    labels.insert("controller.kubernetes.io/hash".into(), json!(hash));
    let rev = json!({
        "apiVersion": "apps/v1",
        "kind": "ControllerRevision",
        "metadata": {
            "name": rev_name,
            "namespace": ns,
            "labels": labels,
            "ownerReferences": [{
                "apiVersion": "apps/v1",
                "kind": owner["kind"].as_str().unwrap_or("StatefulSet"),
                "name": name,
                "uid": uid,
                "controller": true,
                "blockOwnerDeletion": true,
            }],
        },
        "data": data,
        "revision": max + 1,
    });
    let key = ObjKey { resource: "controllerrevisions.apps".into(), namespace: ns.into(), name: rev_name.as_str().into() };
    if c.get(&key).is_none() {
        c.insert(key, rev);
    }
    (rev_name, hash)
}

/// Drops the oldest revisions beyond `revisionHistoryLimit` that no pod runs.
pub(crate) fn truncate_history(c: &mut Cluster, owner: &Value, live: &[String]) {
    let ns = s(&owner["metadata"]["namespace"]).to_string();
    let limit = owner["spec"]["revisionHistoryLimit"].as_i64().unwrap_or(10).max(0) as usize;
    let revs = owned_revisions(c, &ns, s(&owner["metadata"]["uid"]));
    let history: Vec<String> = revs.iter().map(|r| s(&r["metadata"]["name"]).to_string()).filter(|n| !live.contains(n)).collect();
    if history.len() > limit {
        for n in &history[..history.len() - limit] {
            c.remove(&ObjKey { resource: "controllerrevisions.apps".into(), namespace: ns.as_str().into(), name: n.as_str().into() });
        }
    }
}

pub fn sync_statefulsets(c: &mut Cluster) {
    for key in c.list_keys("statefulsets.apps") {
        sync_one(c, &key);
    }
}

/// `(*defaultStatefulSetControl).UpdateStatefulSet` for one set.
pub fn sync_one(c: &mut Cluster, key: &ObjKey) {
    let Some(set) = c.get(key).cloned() else { return };
    if !set["metadata"]["deletionTimestamp"].is_null() {
        return;
    }
    let set = crate::apiserver::with_type(crate::resources::lookup("statefulsets.apps").expect("registered"), set);
    let ns = key.namespace.clone();
    let name = key.name.clone();
    let uid = s(&set["metadata"]["uid"]).to_string();
    let spec = &set["spec"];
    let replicas = spec["replicas"].as_i64().unwrap_or(1).max(0);
    let mut collision = set["status"]["collisionCount"].as_i64().unwrap_or(0);
    let (update_rev, _) = ensure_revision_counting(c, &set, &mut collision);
    let current_rev = set["status"]["currentRevision"].as_str().filter(|r| !r.is_empty() && c.get(&ObjKey { resource: "controllerrevisions.apps".into(), namespace: ns.clone(), name: (*r).into() }).is_some()).map(String::from).unwrap_or_else(|| update_rev.clone());
    let monotonic = spec["podManagementPolicy"].as_str().unwrap_or("OrderedReady") != "Parallel";
    let rolling = spec["updateStrategy"]["type"].as_str().unwrap_or("RollingUpdate") == "RollingUpdate";
    let partition = spec["updateStrategy"]["rollingUpdate"]["partition"].as_i64().unwrap_or(0);
    let min_ready = spec["minReadySeconds"].as_i64().unwrap_or(0);
    let now = c.now;
    let selector = LabelSelector::from_object(&spec["selector"]);

    // The set's pods by ordinal; condemned ones have ordinals beyond the replicas.
    let pods: Vec<(i64, Value)> = {
        let mut v: Vec<(i64, Value)> = c
            .list("pods", Some(&ns))
            .into_iter()
            .filter(|p| p["metadata"]["ownerReferences"].as_array().is_some_and(|o| o.iter().any(|r| r["controller"] == true && r["uid"] == uid.as_str())) && selector.matches(p["metadata"].get("labels")))
            .filter_map(|p| ordinal_of(&name, s(&p["metadata"]["name"])).map(|o| (o, p.clone())))
            .collect();
        v.sort_by_key(|(o, _)| *o);
        v
    };
    let mut slots: Vec<Option<Value>> = vec![None; replicas as usize];
    let mut condemned: Vec<Value> = Vec::new();
    for (o, p) in &pods {
        if *o < replicas {
            slots[*o as usize] = Some(p.clone());
        } else {
            condemned.push(p.clone());
        }
    }

    let available = |p: &Value| running_and_ready(p) && ready_since(p).is_some_and(|t| min_ready <= 0 || t + min_ready as Millis * 1000 <= now);
    let mut resync: Option<Millis> = None;
    if min_ready > 0 {
        resync = pods.iter().filter_map(|(_, p)| ready_since(p)).map(|t| t + min_ready as Millis * 1000).filter(|t| *t > now).min();
    }

    // Replicas, in ordinal order.
    let mut blocked = false;
    for ord in 0..replicas {
        let slot = slots[ord as usize].clone();
        match slot {
            Some(p) if matches!(s(&p["status"]["phase"]), "Failed" | "Succeeded") && !terminating(&p) => {
                // A failed pod is deleted and recreated.
                delete_member(c, &set, &ns, s(&p["metadata"]["name"]));
                if monotonic {
                    blocked = true;
                    break;
                }
            }
            None => {
                let rev = if rolling && ord < partition { current_rev.clone() } else { update_rev.clone() };
                let template_set = if rev == update_rev { set.clone() } else { revision_set(c, &set, &ns, &rev) };
                if !create_member(c, &set, &template_set, &rev, ord) {
                    blocked = true;
                    break;
                }
                if monotonic {
                    blocked = true;
                    break;
                }
            }
            Some(p) => {
                if p["status"]["phase"] == "Pending" && !terminating(&p) {
                    create_claims(c, &set, ord);
                }
                if monotonic && (terminating(&p) || !running_and_ready(&p)) {
                    blocked = true;
                    break;
                }
                if !terminating(&p) {
                    update_claim_refs(c, &set, &p, true);
                }
            }
        }
    }

    // Scale down: the highest ordinal first; ordered sets one at a time, once the
    // rest are healthy.
    if !blocked && !condemned.is_empty() {
        // The condemned pods' claims first follow the whenScaled policy.
        for p in &condemned {
            update_claim_refs(c, &set, p, false);
        }
        let unhealthy_remaining = slots.iter().flatten().any(|p| terminating(p) || !running_and_ready(p));
        for p in condemned.iter().rev() {
            if terminating(p) {
                if monotonic {
                    break;
                }
                continue;
            }
            if monotonic && unhealthy_remaining {
                break;
            }
            if monotonic && condemned.iter().any(|q| terminating(q)) {
                break;
            }
            delete_member(c, &set, &ns, s(&p["metadata"]["name"]));
            if monotonic {
                break;
            }
        }
        blocked = monotonic;
    }

    // Rolling update (`updateStatefulSetAfterInvariantEstablished`, MaxUnavailableStatefulSet
    // being on in v1.35): from the highest ordinal down to the partition, as many pods
    // as `maxUnavailable` leaves room for beside the unhealthy ones.
    if !blocked && rolling {
        let max_unavailable = max_unavailable(&spec["updateStrategy"]["rollingUpdate"]["maxUnavailable"], replicas);
        let unavailable = slots.iter().filter(|p| p.as_ref().is_none_or(|p| terminating(p) || !running_and_ready(p))).count() as i64;
        let mut room = max_unavailable - unavailable;
        for ord in (partition.max(0)..replicas).rev() {
            if room <= 0 {
                break;
            }
            let Some(p) = &slots[ord as usize] else { continue };
            if revision_of(p) != update_rev && !terminating(p) {
                delete_member(c, &set, &ns, s(&p["metadata"]["name"]));
                room -= 1;
            }
        }
    }

    // Status from the pods as they are now.
    let pods_now: Vec<Value> = c
        .list("pods", Some(&ns))
        .into_iter()
        .filter(|p| p["metadata"]["ownerReferences"].as_array().is_some_and(|o| o.iter().any(|r| r["controller"] == true && r["uid"] == uid.as_str())) && ordinal_of(&name, s(&p["metadata"]["name"])).is_some())
        .cloned()
        .collect();
    let count = |f: &dyn Fn(&Value) -> bool| pods_now.iter().filter(|p| f(p)).count() as i64;
    let st_replicas = count(&|_| true);
    let ready = count(&|p| running_and_ready(p));
    let avail = count(&|p| available(p));
    let mut current_replicas = count(&|p| revision_of(p) == current_rev);
    let updated = count(&|p| revision_of(p) == update_rev);
    let mut current = current_rev.clone();
    // `completeRollingUpdate`: every pod updated and ready makes the update current.
    if rolling && updated == st_replicas && ready == st_replicas && st_replicas == replicas {
        current = update_rev.clone();
        current_replicas = updated;
    }
    let mut status = json!({
        "availableReplicas": avail,
        "collisionCount": collision,
        "currentReplicas": current_replicas,
        "currentRevision": current,
        "observedGeneration": set["metadata"]["generation"],
        "readyReplicas": ready,
        "replicas": st_replicas,
        "updateRevision": update_rev,
        "updatedReplicas": updated,
    });
    if let Some(m) = status.as_object_mut() {
        for f in ["readyReplicas", "currentReplicas", "updatedReplicas"] {
            if m.get(f).is_some_and(|v| v == 0) {
                m.remove(f);
            }
        }
    }
    c.modify(key, |o| o["status"] = status);
    let live: Vec<String> = vec![current, update_rev];
    truncate_history(c, &set, &live);
    if let Some(at) = resync {
        c.schedule(at, crate::cluster::Timer::Resync);
    }
}

/// `getStatefulSetMaxUnavailable`: an integer or a percentage of the replicas
/// (rounded up), at least 1.
fn max_unavailable(v: &Value, replicas: i64) -> i64 {
    let n = match v {
        Value::Number(n) => n.as_i64().unwrap_or(1),
        Value::String(p) => match p.strip_suffix('%').and_then(|p| p.parse::<i64>().ok()) {
            Some(pct) => (pct * replicas + 99) / 100,
            None => 1,
        },
        _ => 1,
    };
    n.max(1)
}

/// `updateClaimOwnerRefForSetAndPod`: the ordinal's claims get owner references as
/// `persistentVolumeClaimRetentionPolicy` asks — the set (whenDeleted: Delete) while
/// the pod is in range, the pod (whenScaled: Delete) once it is condemned — so the
/// garbage collector removes them with their owner; none when another controller owns
/// a claim.
fn update_claim_refs(c: &mut Cluster, set: &Value, pod: &Value, in_range: bool) {
    let policy = &set["spec"]["persistentVolumeClaimRetentionPolicy"];
    let delete_when_deleted = policy["whenDeleted"] == "Delete";
    let delete_when_scaled = policy["whenScaled"] == "Delete";
    let ns = s(&set["metadata"]["namespace"]).to_string();
    let name = s(&set["metadata"]["name"]).to_string();
    let Some(ord) = ordinal_of(&name, s(&pod["metadata"]["name"])) else { return };
    let set_uid = s(&set["metadata"]["uid"]).to_string();
    let pod_uid = s(&pod["metadata"]["uid"]).to_string();
    let set_ref = json!({"apiVersion": "apps/v1", "blockOwnerDeletion": true, "controller": true, "kind": "StatefulSet", "name": name, "uid": set_uid});
    let pod_ref = json!({"apiVersion": "v1", "blockOwnerDeletion": true, "controller": true, "kind": "Pod", "name": pod["metadata"]["name"], "uid": pod_uid});
    let templates: Vec<Value> = set["spec"]["volumeClaimTemplates"].as_array().cloned().unwrap_or_default();
    for t in &templates {
        let key = ObjKey { resource: "persistentvolumeclaims".into(), namespace: ns.as_str().into(), name: claim_name(s(&t["metadata"]["name"]), &name, ord).into() };
        let Some(claim) = c.get(&key) else { continue };
        let refs: Vec<Value> = claim["metadata"]["ownerReferences"].as_array().cloned().unwrap_or_default();
        let ours = |r: &Value| r["uid"] == set_uid.as_str() || r["uid"] == pod_uid.as_str();
        let unexpected = refs.iter().any(|r| r["controller"] == true && !ours(r));
        let mut next: Vec<Value> = refs.iter().filter(|r| !ours(r)).cloned().collect();
        if !unexpected {
            if delete_when_scaled && !in_range {
                next.push(pod_ref.clone());
            }
            if delete_when_deleted && (in_range || !delete_when_scaled) {
                next.push(set_ref.clone());
            }
        }
        if next != refs {
            c.modify(&key, |cl| {
                if next.is_empty() {
                    if let Some(m) = cl["metadata"].as_object_mut() {
                        m.remove("ownerReferences");
                    }
                } else {
                    cl["metadata"]["ownerReferences"] = json!(next);
                }
            });
        }
    }
}

/// The set as it was at revision `rev` (its template), for pods below the partition.
fn revision_set(c: &Cluster, set: &Value, ns: &str, rev: &str) -> Value {
    let mut out = set.clone();
    if let Some(r) = c.get(&ObjKey { resource: "controllerrevisions.apps".into(), namespace: ns.into(), name: rev.into() }) {
        let mut t = r["data"]["spec"]["template"].clone();
        if let Some(m) = t.as_object_mut() {
            m.remove("$patch");
        }
        out["spec"]["template"] = t;
    }
    out
}

/// The claim names of one ordinal: `<template>-<set>-<ordinal>`.
pub fn claim_name(template: &str, set: &str, ordinal: i64) -> String {
    format!("{template}-{set}-{ordinal}")
}

/// Creates the ordinal's missing claims (before its pod, and again for a pending pod
/// whose claim went away).
fn create_claims(c: &mut Cluster, set: &Value, ord: i64) {
    let ns = s(&set["metadata"]["namespace"]).to_string();
    let name = s(&set["metadata"]["name"]).to_string();
    let pod_name = format!("{name}-{ord}");
    let templates: Vec<Value> = set["spec"]["volumeClaimTemplates"].as_array().cloned().unwrap_or_default();
    for t in &templates {
        let claim = claim_name(s(&t["metadata"]["name"]), &name, ord);
        let key = ObjKey { resource: "persistentvolumeclaims".into(), namespace: ns.as_str().into(), name: claim.as_str().into() };
        if c.get(&key).is_some() {
            continue;
        }
        let mut labels = t["metadata"]["labels"].as_object().cloned().unwrap_or_default();
        for (k, v) in set["spec"]["selector"]["matchLabels"].as_object().into_iter().flatten() {
            labels.insert(k.clone(), v.clone());
        }
        let mut meta = json!({"name": claim, "namespace": ns});
        if !labels.is_empty() {
            meta["labels"] = json!(labels);
        }
        if let Some(a) = t["metadata"]["annotations"].as_object().filter(|a| !a.is_empty()) {
            meta["annotations"] = json!(a);
        }
        let mut pvc = json!({"apiVersion": "v1", "kind": "PersistentVolumeClaim", "metadata": meta, "spec": t["spec"].clone()});
        let rt = crate::resources::lookup("persistentvolumeclaims").expect("registered");
        crate::admission::default_object(c, rt, &mut pvc);
        c.insert(key, pvc);
        c.emit_event(set, None, "Normal", "SuccessfulCreate", COMPONENT, format!("create Claim {claim} Pod {pod_name} in StatefulSet {name} success"));
    }
}

/// Creates the ordinal's missing claims, then its pod. False when the pod could
/// not be created (admission refused it).
fn create_member(c: &mut Cluster, set: &Value, template_set: &Value, rev: &str, ord: i64) -> bool {
    let ns = s(&set["metadata"]["namespace"]).to_string();
    let name = s(&set["metadata"]["name"]).to_string();
    let pod_name = format!("{name}-{ord}");
    let owner_uid = s(&set["metadata"]["uid"]).to_string();
    if c.create_backoff.get(&owner_uid).is_some_and(|(at, _)| c.now < *at) {
        return false;
    }
    create_claims(c, set, ord);
    let templates: Vec<Value> = set["spec"]["volumeClaimTemplates"].as_array().cloned().unwrap_or_default();
    let template = &template_set["spec"]["template"];
    let mut labels = template["metadata"]["labels"].as_object().cloned().unwrap_or_default();
    labels.insert("apps.kubernetes.io/pod-index".into(), json!(ord.to_string()));
    labels.insert("controller-revision-hash".into(), json!(rev));
    labels.insert("statefulset.kubernetes.io/pod-name".into(), json!(pod_name));
    let mut meta = json!({
        "name": pod_name,
        "namespace": ns,
        "labels": labels,
        "ownerReferences": [{
            "apiVersion": "apps/v1",
            "kind": "StatefulSet",
            "name": name,
            "uid": owner_uid,
            "controller": true,
            "blockOwnerDeletion": true,
        }],
    });
    if let Some(a) = template["metadata"]["annotations"].as_object().filter(|a| !a.is_empty()) {
        meta["annotations"] = json!(a);
    }
    let mut pod_spec = template["spec"].clone();
    pod_spec["hostname"] = json!(pod_name);
    if let Some(svc) = set["spec"]["serviceName"].as_str().filter(|n| !n.is_empty()) {
        pod_spec["subdomain"] = json!(svc);
    }
    // Each claim template replaces the template's volume of the same name.
    let mut volumes: Vec<Value> = pod_spec["volumes"].as_array().cloned().unwrap_or_default();
    for t in &templates {
        let vname = s(&t["metadata"]["name"]).to_string();
        let v = json!({"name": vname, "persistentVolumeClaim": {"claimName": claim_name(&vname, &name, ord)}});
        match volumes.iter_mut().find(|x| x["name"] == vname.as_str()) {
            Some(x) => *x = v,
            None => volumes.push(v),
        }
    }
    if !volumes.is_empty() {
        pod_spec["volumes"] = json!(volumes);
    }
    let mut pod = json!({"metadata": meta, "spec": pod_spec});
    let rt = crate::resources::lookup("pods").expect("registered");
    crate::admission::default_object(c, rt, &mut pod);
    meta_mut(&mut pod).insert("generation".into(), json!(1));
    if let Err(e) = crate::quota::admit_pod(c, &ns, &mut pod) {
        let failures = c.create_backoff.get(&owner_uid).map(|(_, n)| n + 1).unwrap_or(1);
        let at = c.now + 1000 * (1u64 << (failures - 1).min(8));
        c.create_backoff.insert(owner_uid, (at, failures));
        c.schedule(at, crate::cluster::Timer::Resync);
        c.emit_event(set, None, "Warning", "FailedCreate", COMPONENT, format!("create Pod {pod_name} in StatefulSet {name} failed error: {}", e.message));
        return false;
    }
    pod["status"]["qosClass"] = json!(crate::admission::qos_class(&pod["spec"]));
    c.create_backoff.remove(&owner_uid);
    c.insert(ObjKey::pod(&ns, &pod_name), pod);
    c.emit_event(set, None, "Normal", "SuccessfulCreate", COMPONENT, format!("create Pod {pod_name} in StatefulSet {name} successful"));
    true
}

fn delete_member(c: &mut Cluster, set: &Value, ns: &str, pod: &str) {
    let key = ObjKey::pod(ns, pod);
    if c.get(&key).is_some_and(|p| p["metadata"]["deletionTimestamp"].is_null()) {
        crate::kubelet::delete_pod(c, &key, None);
        c.emit_event(set, None, "Normal", "SuccessfulDelete", COMPONENT, format!("delete Pod {pod} in StatefulSet {} successful", s(&set["metadata"]["name"])));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ordinals_are_the_set_names_numeric_suffix() {
        assert_eq!(ordinal_of("web", "web-0"), Some(0));
        assert_eq!(ordinal_of("web", "web-12"), Some(12));
        assert_eq!(ordinal_of("web", "web-01"), None);
        assert_eq!(ordinal_of("web", "web-x"), None);
        assert_eq!(ordinal_of("web", "webb-1"), None);
        assert_eq!(ordinal_of("web", "web-"), None);
    }

    #[test]
    fn max_unavailable_is_an_integer_or_a_percentage_rounded_up_and_at_least_one() {
        for (v, replicas, want) in [(json!(2), 3, 2), (json!("50%"), 3, 2), (json!("10%"), 5, 1), (json!("0%"), 4, 1), (Value::Null, 3, 1), (json!(0), 3, 1)] {
            assert_eq!(max_unavailable(&v, replicas), want, "{v} of {replicas}");
        }
    }
}
