//! Persistent storage as a kind cluster has it: the DefaultStorageClass admission
//! plugin, the PersistentVolume controller (`pkg/controller/volume/persistentvolume`:
//! binding claims to volumes, `WaitForFirstConsumer`, `ExternalProvisioning`, the
//! reclaim policy), kind's local-path-provisioner (`rancher.io/local-path`: a hostPath
//! volume under `/var/local-path-provisioner` pinned to the node the scheduler
//! selected), the pvc-protection and pv-protection finalizers, and what the
//! scheduler's VolumeBinding plugin asks of a pod's claims ([`pod_volumes`]).
//!
//! [`sync_claim`] and [`sync_volume`] handle one object each, so the controllers can
//! be driven per key; [`sync_storage`] is the full pass.

use std::collections::BTreeMap;

use serde_json::{json, Value};

use crate::api::Cause;
use crate::cluster::{Cluster, ObjKey, Timer};
use crate::time::{rfc3339, Millis};

const PV_CONTROLLER: &str = "persistentvolume-controller";
const PVC_PROTECTION: &str = "kubernetes.io/pvc-protection";
const PV_PROTECTION: &str = "kubernetes.io/pv-protection";
const SELECTED_NODE: &str = "volume.kubernetes.io/selected-node";
const DEFAULT_CLASS: &str = "storageclass.kubernetes.io/is-default-class";
/// The PV controller's resync period: repeated events (`WaitForFirstConsumer`) come
/// this often while a claim waits.
const RESYNC_MS: Millis = 15_000;
/// How long the local-path provisioner takes to create a volume's directory.
const PROVISION_MS: Millis = 1_500;

/// Per-claim bookkeeping of the storage controllers (by claim uid).
#[derive(Debug, Clone, Default)]
pub struct State {
    /// When the claim's waiting event is next repeated.
    next_wait_event: BTreeMap<String, Millis>,
    /// When the provisioner finishes the claim's volume.
    provision_at: BTreeMap<String, Millis>,
}

fn s(v: &Value) -> &str {
    v.as_str().unwrap_or("")
}

/// The default StorageClass's name (the newest when several are marked default).
fn default_class(c: &Cluster) -> Option<String> {
    c.list("storageclasses.storage.k8s.io", None)
        .into_iter()
        .filter(|sc| s(&sc["metadata"]["annotations"][DEFAULT_CLASS]) == "true")
        .max_by(|a, b| s(&a["metadata"]["creationTimestamp"]).cmp(s(&b["metadata"]["creationTimestamp"])).then_with(|| s(&b["metadata"]["name"]).cmp(s(&a["metadata"]["name"]))))
        .map(|sc| s(&sc["metadata"]["name"]).to_string())
}

fn add_finalizer(obj: &mut Value, f: &str) {
    let list = obj["metadata"]["finalizers"].as_array().cloned().unwrap_or_default();
    if !list.iter().any(|x| x == f) {
        let mut list = list;
        list.push(json!(f));
        obj["metadata"]["finalizers"] = json!(list);
    }
}

/// Defaulting and admission of a claim: DefaultStorageClass fills a missing
/// `storageClassName`, the StorageObjectInUseProtection plugin adds the finalizer.
pub fn default_claim(c: &Cluster, obj: &mut Value) {
    if obj["spec"]["storageClassName"].is_null() && obj["spec"]["volumeName"].is_null() {
        if let Some(name) = default_class(c) {
            obj["spec"]["storageClassName"] = json!(name);
        }
    }
    if obj["spec"]["volumeMode"].is_null() {
        obj["spec"]["volumeMode"] = json!("Filesystem");
    }
    add_finalizer(obj, PVC_PROTECTION);
    if obj["status"]["phase"].is_null() {
        obj["status"]["phase"] = json!("Pending");
    }
}

pub fn default_volume(obj: &mut Value) {
    if obj["spec"]["persistentVolumeReclaimPolicy"].is_null() {
        obj["spec"]["persistentVolumeReclaimPolicy"] = json!("Retain");
    }
    if obj["spec"]["volumeMode"].is_null() {
        obj["spec"]["volumeMode"] = json!("Filesystem");
    }
    add_finalizer(obj, PV_PROTECTION);
    if obj["status"]["phase"].is_null() {
        obj["status"]["phase"] = json!("Pending");
    }
}

const ACCESS_MODES: [&str; 4] = ["ReadOnlyMany", "ReadWriteMany", "ReadWriteOnce", "ReadWriteOncePod"];

fn access_mode_causes(modes: &Value, at: &str) -> Vec<Cause> {
    let mut out = Vec::new();
    match modes.as_array() {
        Some(m) if !m.is_empty() => {
            for mode in m {
                if !ACCESS_MODES.contains(&s(mode)) {
                    out.push(Cause {
                        reason: "FieldValueNotSupported",
                        field: format!("{at}.accessModes"),
                        message: format!("Unsupported value: {}: supported values: \"ReadOnlyMany\", \"ReadWriteMany\", \"ReadWriteOnce\", \"ReadWriteOncePod\"", serde_json::to_string(mode).unwrap_or_default()),
                    });
                }
            }
        }
        _ => out.push(Cause { reason: "FieldValueRequired", field: format!("{at}.accessModes"), message: "Required value: at least 1 access mode is required".into() }),
    }
    out
}

/// `ValidatePersistentVolumeClaim`'s checks of the spec.
pub fn claim_causes(obj: &Value) -> Vec<Cause> {
    let spec = &obj["spec"];
    let mut out = access_mode_causes(&spec["accessModes"], "spec");
    match spec["resources"]["requests"].get("storage") {
        None => out.push(Cause { reason: "FieldValueRequired", field: "spec.resources[storage]".into(), message: "Required value".into() }),
        Some(q) => {
            if crate::quantity::milli(q) <= 0 {
                out.push(Cause { reason: "FieldValueInvalid", field: "spec.resources[storage]".into(), message: format!("Invalid value: \"{}\": must be greater than zero", q.as_str().map(String::from).unwrap_or_else(|| q.to_string())) });
            }
        }
    }
    out
}

/// `ValidatePersistentVolume`'s checks of the spec.
pub fn volume_causes(obj: &Value) -> Vec<Cause> {
    let spec = &obj["spec"];
    let mut out = access_mode_causes(&spec["accessModes"], "spec");
    if spec["capacity"].get("storage").is_none() {
        out.push(Cause { reason: "FieldValueRequired", field: "spec.capacity".into(), message: "Required value".into() });
    }
    let sources = ["hostPath", "local", "nfs", "csi", "iscsi", "fc", "rbd", "cephfs", "glusterfs", "awsElasticBlockStore", "gcePersistentDisk", "azureDisk", "azureFile"];
    if !sources.iter().any(|k| spec[*k].is_object()) {
        out.push(Cause { reason: "FieldValueRequired", field: "spec".into(), message: "Required value: must specify a volume type".into() });
    }
    out
}

/// The claims a pod names (`spec.volumes[].persistentVolumeClaim.claimName`).
pub fn claim_names(pod: &Value) -> Vec<String> {
    pod["spec"]["volumes"].as_array().into_iter().flatten().filter_map(|v| v["persistentVolumeClaim"]["claimName"].as_str()).map(String::from).collect()
}

/// What the VolumeBinding plugin found for a pod's claims.
#[derive(Debug, Default)]
pub struct PodVolumes {
    /// Required node-selector terms of the bound volumes (all must match).
    pub node_affinity: Vec<Value>,
    /// Claims still waiting for a volume (`WaitForFirstConsumer`).
    pub unbound: Vec<ObjKey>,
    /// The node an unbound claim was already given to.
    pub selected_node: Option<String>,
}

impl PodVolumes {
    /// Whether the bound volumes can be used from `node`.
    pub fn node_allowed(&self, node: &Value) -> bool {
        self.node_affinity.iter().all(|req| {
            let pod = json!({"spec": {"affinity": {"nodeAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": req}}}});
            crate::scheduler::node_affinity_matches(&pod, node)
        })
    }
}

/// The VolumeBinding plugin's PreFilter: `Err` is the reason no node can take the
/// pod (a missing or deleted claim, an unbound claim of an `Immediate` class).
pub fn pod_volumes(c: &Cluster, pod: &Value) -> Result<PodVolumes, String> {
    let ns = s(&pod["metadata"]["namespace"]);
    let mut out = PodVolumes::default();
    let mut immediate_unbound = false;
    for name in claim_names(pod) {
        let key = ObjKey { resource: "persistentvolumeclaims".into(), namespace: ns.into(), name: name.as_str().into() };
        let Some(pvc) = c.get(&key) else { return Err(format!("persistentvolumeclaim \"{name}\" not found")) };
        if !pvc["metadata"]["deletionTimestamp"].is_null() {
            return Err(format!("persistentvolumeclaim \"{name}\" is being deleted"));
        }
        let volume = s(&pvc["spec"]["volumeName"]);
        if !volume.is_empty() && pvc["status"]["phase"] == "Bound" {
            if let Some(pv) = c.get(&ObjKey { resource: "persistentvolumes".into(), namespace: Default::default(), name: volume.into() }) {
                if pv["spec"]["nodeAffinity"]["required"].is_object() {
                    out.node_affinity.push(pv["spec"]["nodeAffinity"]["required"].clone());
                }
            }
            continue;
        }
        let wait = class_of(c, pvc).is_some_and(|sc| sc["volumeBindingMode"] == "WaitForFirstConsumer");
        if wait {
            if let Some(n) = pvc["metadata"]["annotations"][SELECTED_NODE].as_str() {
                out.selected_node = Some(n.to_string());
            }
            out.unbound.push(key);
        } else {
            immediate_unbound = true;
        }
    }
    if immediate_unbound {
        return Err("pod has unbound immediate PersistentVolumeClaims".into());
    }
    Ok(out)
}

fn class_of<'a>(c: &'a Cluster, pvc: &Value) -> Option<&'a Value> {
    let name = s(&pvc["spec"]["storageClassName"]);
    if name.is_empty() {
        return None;
    }
    c.get(&ObjKey { resource: "storageclasses.storage.k8s.io".into(), namespace: Default::default(), name: name.into() })
}

/// The scheduler's PreBind for claims that wait for a consumer: the chosen node is
/// written on them, which starts provisioning.
pub fn select_node(c: &mut Cluster, claims: &[ObjKey], node: &str) {
    for k in claims {
        c.modify(k, |p| {
            if p["metadata"]["annotations"][SELECTED_NODE] != node {
                p["metadata"]["annotations"][SELECTED_NODE] = json!(node);
            }
        });
    }
}

pub fn sync_storage(c: &mut Cluster) {
    for key in c.list_keys("persistentvolumeclaims") {
        sync_claim(c, &key);
    }
    for key in c.list_keys("persistentvolumes") {
        sync_volume(c, &key);
    }
}

fn pv_key(name: &str) -> ObjKey {
    ObjKey { resource: "persistentvolumes".into(), namespace: Default::default(), name: name.into() }
}

/// Whether a scheduled pod that has not terminated uses the claim (pvc-protection;
/// a pod not yet on a node does not hold it).
fn claim_in_use(c: &Cluster, ns: &str, name: &str) -> bool {
    c.range("pods", Some(ns)).any(|(_, p)| {
        p["spec"]["nodeName"].as_str().is_some_and(|n| !n.is_empty()) && !matches!(s(&p["status"]["phase"]), "Succeeded" | "Failed") && claim_names(p).iter().any(|n| n == name)
    })
}

/// The running local-path provisioner's identity (`rancher.io/local-path_<pod>_<id>`),
/// if the provisioner runs.
fn provisioner_identity(c: &Cluster, provisioner: &str) -> Option<String> {
    if provisioner != "rancher.io/local-path" {
        return None;
    }
    c.range("pods", Some("local-path-storage"))
        .map(|(_, p)| p)
        .find(|p| {
            p["metadata"]["labels"]["app"] == "local-path-provisioner"
                && p["status"]["phase"] == "Running"
                && p["metadata"]["deletionTimestamp"].is_null()
        })
        .map(|p| format!("{provisioner}_{}_{}", s(&p["metadata"]["name"]), s(&p["metadata"]["uid"])))
}

fn with_claim_type(v: Value) -> Value {
    crate::apiserver::with_type(crate::resources::lookup("persistentvolumeclaims").expect("registered"), v)
}

/// One claim: protection, the waiting events, provisioning and binding.
pub fn sync_claim(c: &mut Cluster, key: &ObjKey) {
    let Some(pvc) = c.get(key).cloned() else { return };
    let pvc = with_claim_type(pvc);
    let uid = s(&pvc["metadata"]["uid"]).to_string();
    let now = c.now;
    if !pvc["metadata"]["deletionTimestamp"].is_null() {
        // pvc-protection: the finalizer goes once no pod uses the claim.
        if !claim_in_use(c, &key.namespace, &key.name) {
            let rest: Vec<Value> = pvc["metadata"]["finalizers"].as_array().into_iter().flatten().filter(|f| *f != PVC_PROTECTION).cloned().collect();
            if rest.is_empty() {
                c.remove(key);
                c.storage.next_wait_event.remove(&uid);
                c.storage.provision_at.remove(&uid);
            } else {
                c.modify(key, |p| p["metadata"]["finalizers"] = json!(rest));
            }
        }
        return;
    }
    let volume = s(&pvc["spec"]["volumeName"]).to_string();
    if !volume.is_empty() {
        // Bound (or pre-bound): complete the binding from the volume's side.
        if pvc["status"]["phase"] != "Bound" {
            if let Some(pv) = c.get(&pv_key(&volume)).cloned() {
                if pv["spec"]["claimRef"]["uid"] == uid.as_str() || pv["spec"]["claimRef"]["name"] == key.name.as_str() && pv["spec"]["claimRef"]["namespace"] == key.namespace.as_str() {
                    bind(c, key, &pv);
                }
            }
        }
        return;
    }
    let class_name = s(&pvc["spec"]["storageClassName"]).to_string();
    let class = class_of(c, &pvc).cloned();
    // A volume already made for this claim (or a matching static one) binds it.
    if let Some(pv) = matching_volume(c, &pvc) {
        bind(c, key, &pv);
        return;
    }
    let due = |c: &Cluster| c.storage.next_wait_event.get(&uid).is_none_or(|t| *t <= now);
    let Some(class) = class else {
        if !class_name.is_empty() && due(c) {
            c.emit_event(&pvc, None, "Warning", "ProvisioningFailed", PV_CONTROLLER, format!("storageclass.storage.k8s.io \"{class_name}\" not found"));
            c.storage.next_wait_event.insert(uid.clone(), now + RESYNC_MS);
            c.schedule(now + RESYNC_MS, Timer::Resync);
        } else if class_name.is_empty() && due(c) {
            c.emit_event(&pvc, None, "Normal", "FailedBinding", PV_CONTROLLER, "no persistent volumes available for this claim and no storage class is set".into());
            c.storage.next_wait_event.insert(uid.clone(), now + RESYNC_MS);
            c.schedule(now + RESYNC_MS, Timer::Resync);
        }
        return;
    };
    let wait = class["volumeBindingMode"] == "WaitForFirstConsumer";
    let selected = pvc["metadata"]["annotations"][SELECTED_NODE].as_str().map(String::from);
    if wait && selected.is_none() {
        if due(c) {
            c.emit_event(&pvc, None, "Normal", "WaitForFirstConsumer", PV_CONTROLLER, "waiting for first consumer to be created before binding".into());
            c.storage.next_wait_event.insert(uid.clone(), now + RESYNC_MS);
            c.schedule(now + RESYNC_MS, Timer::Resync);
        }
        return;
    }
    // Provisioning by the external provisioner the class names.
    let provisioner = s(&class["provisioner"]).to_string();
    if pvc["metadata"]["annotations"]["volume.kubernetes.io/storage-provisioner"] != provisioner.as_str() {
        c.modify(key, |p| {
            p["metadata"]["annotations"]["volume.beta.kubernetes.io/storage-provisioner"] = json!(provisioner);
            p["metadata"]["annotations"]["volume.kubernetes.io/storage-provisioner"] = json!(provisioner);
        });
        c.emit_event(&pvc, None, "Normal", "ExternalProvisioning", PV_CONTROLLER, format!("Waiting for a volume to be created either by the external provisioner '{provisioner}' or manually by the system administrator. If volume creation is delayed, please verify that the provisioner is running and correctly registered."));
    }
    let Some(identity) = provisioner_identity(c, &provisioner) else { return };
    let Some(node) = selected else { return };
    match c.storage.provision_at.get(&uid).copied() {
        None => {
            provisioner_event(c, &pvc, "Provisioning", &identity, format!("External provisioner is provisioning volume for claim \"{}/{}\"", key.namespace, key.name));
            c.storage.provision_at.insert(uid.clone(), now + PROVISION_MS);
            c.schedule(now + PROVISION_MS, Timer::Resync);
        }
        Some(at) if at <= now => {
            c.storage.provision_at.remove(&uid);
            let Some(pvc) = c.get(key).cloned().map(with_claim_type) else { return };
            let name = format!("pvc-{uid}");
            let pv = json!({
                "apiVersion": "v1",
                "kind": "PersistentVolume",
                "metadata": {
                    "name": name,
                    "annotations": {
                        "local.path.provisioner/selected-node": node,
                        "pv.kubernetes.io/provisioned-by": provisioner,
                    },
                    "finalizers": [PV_PROTECTION],
                },
                "spec": {
                    "accessModes": pvc["spec"]["accessModes"],
                    "capacity": {"storage": pvc["spec"]["resources"]["requests"]["storage"]},
                    "claimRef": {
                        "apiVersion": "v1",
                        "kind": "PersistentVolumeClaim",
                        "name": key.name,
                        "namespace": key.namespace,
                        "resourceVersion": pvc["metadata"]["resourceVersion"],
                        "uid": uid,
                    },
                    "hostPath": {"path": format!("/var/local-path-provisioner/{name}_{}_{}", key.namespace, key.name), "type": "DirectoryOrCreate"},
                    "nodeAffinity": {"required": {"nodeSelectorTerms": [{"matchExpressions": [{"key": "kubernetes.io/hostname", "operator": "In", "values": [node]}]}]}},
                    "persistentVolumeReclaimPolicy": class["reclaimPolicy"].as_str().unwrap_or("Delete"),
                    "storageClassName": class_name,
                    "volumeMode": pvc["spec"]["volumeMode"].as_str().unwrap_or("Filesystem"),
                },
                "status": {"phase": "Pending"},
            });
            if c.get(&pv_key(&name)).is_none() {
                c.insert(pv_key(&name), pv.clone());
            }
            provisioner_event(c, &pvc, "ProvisioningSucceeded", &identity, format!("Successfully provisioned volume {name}"));
            if let Some(pv) = c.get(&pv_key(&name)).cloned() {
                bind(c, key, &pv);
            }
        }
        Some(_) => {}
    }
}

/// An event the external provisioner records: its identity (which holds a `/`) is
/// the whole source component, with no host.
fn provisioner_event(c: &mut Cluster, pvc: &Value, reason: &str, identity: &str, message: String) {
    let marker = identity.replace('/', "\u{1}");
    c.emit_event(pvc, None, "Normal", reason, &marker, message);
    let ns = s(&pvc["metadata"]["namespace"]).to_string();
    let found: Vec<ObjKey> = c.range("events", Some(&ns)).filter(|(_, e)| e["source"]["component"] == marker.as_str()).map(|(k, _)| k.clone()).collect();
    for k in found {
        c.modify(&k, |e| {
            e["source"]["component"] = json!(identity);
            e["reportingComponent"] = json!(identity);
        });
    }
}

/// A volume for the claim: one whose claimRef names it, or an Available one of the
/// same class with enough capacity and the access modes.
fn matching_volume(c: &Cluster, pvc: &Value) -> Option<Value> {
    let uid = s(&pvc["metadata"]["uid"]);
    let (ns, name) = (s(&pvc["metadata"]["namespace"]), s(&pvc["metadata"]["name"]));
    let vols = c.list("persistentvolumes", None);
    if let Some(v) = vols.iter().find(|v| v["metadata"]["deletionTimestamp"].is_null() && (v["spec"]["claimRef"]["uid"] == uid || v["spec"]["claimRef"]["uid"].is_null() && v["spec"]["claimRef"]["name"] == name && v["spec"]["claimRef"]["namespace"] == ns)) {
        return Some((*v).clone());
    }
    let wanted = pvc["spec"]["resources"]["requests"]["storage"].clone();
    let want = crate::quantity::milli(&wanted);
    let class = s(&pvc["spec"]["storageClassName"]);
    let modes: Vec<&Value> = pvc["spec"]["accessModes"].as_array().map(|a| a.iter().collect()).unwrap_or_default();
    // The smallest Available volume that fits.
    vols.into_iter()
        .filter(|v| v["status"]["phase"] == "Available" && v["spec"]["claimRef"].is_null() && v["metadata"]["deletionTimestamp"].is_null())
        .filter(|v| s(&v["spec"]["storageClassName"]) == class)
        .filter(|v| modes.iter().all(|m| v["spec"]["accessModes"].as_array().is_some_and(|a| a.contains(m))))
        .map(|v| (crate::quantity::milli(&v["spec"]["capacity"]["storage"]), v))
        .filter(|(q, _)| *q >= want)
        .min_by_key(|(q, _)| *q)
        .map(|(_, v)| v.clone())
}

/// Binds claim and volume both ways, as `bindVolumeToClaim` and `bindClaimToVolume` do.
fn bind(c: &mut Cluster, key: &ObjKey, pv: &Value) {
    let Some(pvc) = c.get(key).cloned() else { return };
    let pv_name = s(&pv["metadata"]["name"]).to_string();
    let now = rfc3339(c.now);
    let claim_ref = json!({
        "apiVersion": "v1",
        "kind": "PersistentVolumeClaim",
        "name": key.name,
        "namespace": key.namespace,
        "resourceVersion": pvc["metadata"]["resourceVersion"],
        "uid": pvc["metadata"]["uid"],
    });
    let provisioned = !pv["metadata"]["annotations"]["pv.kubernetes.io/provisioned-by"].is_null();
    c.modify(&pv_key(&pv_name), |v| {
        if v["spec"]["claimRef"]["uid"].is_null() {
            v["spec"]["claimRef"] = claim_ref.clone();
            if !provisioned {
                v["metadata"]["annotations"]["pv.kubernetes.io/bound-by-controller"] = json!("yes");
            }
        }
        if v["status"]["phase"] != "Bound" {
            v["status"] = json!({"lastPhaseTransitionTime": now, "phase": "Bound"});
        }
    });
    let capacity = pv["spec"]["capacity"].clone();
    let modes = pv["spec"]["accessModes"].clone();
    let by_controller = pvc["spec"]["volumeName"].as_str().is_none_or(str::is_empty);
    c.modify(key, |p| {
        p["spec"]["volumeName"] = json!(pv_name);
        p["metadata"]["annotations"]["pv.kubernetes.io/bind-completed"] = json!("yes");
        if by_controller {
            p["metadata"]["annotations"]["pv.kubernetes.io/bound-by-controller"] = json!("yes");
        }
        p["status"]["phase"] = json!("Bound");
        p["status"]["accessModes"] = modes;
        p["status"]["capacity"] = capacity;
    });
}

/// One volume: Available when unclaimed, Released when its claim is gone, then
/// reclaimed (`Delete`: the provisioner removes it); pv-protection lets a volume
/// being deleted go once it is not bound.
pub fn sync_volume(c: &mut Cluster, key: &ObjKey) {
    let Some(pv) = c.get(key).cloned() else { return };
    let now = rfc3339(c.now);
    let phase = s(&pv["status"]["phase"]).to_string();
    if !pv["metadata"]["deletionTimestamp"].is_null() {
        if phase != "Bound" {
            c.remove(key);
        }
        return;
    }
    let claim = &pv["spec"]["claimRef"];
    if claim.is_null() || claim["name"].is_null() {
        if phase != "Available" {
            c.modify(key, |v| v["status"] = json!({"lastPhaseTransitionTime": now, "phase": "Available"}));
        }
        return;
    }
    let ckey = ObjKey { resource: "persistentvolumeclaims".into(), namespace: s(&claim["namespace"]).into(), name: s(&claim["name"]).into() };
    let present = c.get(&ckey).is_some_and(|p| claim["uid"].is_null() || p["metadata"]["uid"] == claim["uid"]);
    if present {
        return;
    }
    if claim["uid"].is_null() {
        // Pre-bound to a claim not created yet.
        if phase != "Available" {
            c.modify(key, |v| v["status"] = json!({"lastPhaseTransitionTime": now, "phase": "Available"}));
        }
        return;
    }
    match s(&pv["spec"]["persistentVolumeReclaimPolicy"]) {
        "Delete" if phase == "Released" => {
            // The provisioner deletes the volume; pv-protection then lets it go.
            c.remove(key);
        }
        _ if phase != "Released" && phase != "Failed" => {
            c.modify(key, |v| v["status"] = json!({"lastPhaseTransitionTime": now, "phase": "Released"}));
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn claim_validation_names_the_missing_fields() {
        let causes = claim_causes(&json!({"spec": {}}));
        let text: Vec<String> = causes.iter().map(|c| format!("{}: {}", c.field, c.message)).collect();
        assert_eq!(text, vec!["spec.accessModes: Required value: at least 1 access mode is required", "spec.resources[storage]: Required value"]);
        assert!(claim_causes(&json!({"spec": {"accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": "1Gi"}}}})).is_empty());
    }
}

/// The `PersistentVolumeClaimResize` admission plugin: a larger storage request only
/// for a bound claim whose StorageClass sets `allowVolumeExpansion: true` (kind's
/// `standard` leaves it unset).
pub(crate) fn admit_resize(c: &Cluster, old: &Value, new: &Value) -> Result<(), crate::api::ApiError> {
    let size = |v: &Value| crate::quantity::milli(&v["spec"]["resources"]["requests"]["storage"]);
    if size(new) <= size(old) {
        return Ok(());
    }
    let name = new["metadata"]["name"].as_str().unwrap_or("");
    let forbidden = |msg: &str| Err(crate::api::ApiError::forbidden(format!("persistentvolumeclaims \"{name}\" is forbidden: {msg}")));
    if old["status"]["phase"] != "Bound" {
        return forbidden("Only bound persistent volume claims can be expanded");
    }
    let class = |v: &Value| v["spec"]["storageClassName"].as_str().or_else(|| v["metadata"]["annotations"]["volume.beta.kubernetes.io/storage-class"].as_str()).unwrap_or("").to_string();
    let (new_class, old_class) = (class(new), class(old));
    let allowed = !new_class.is_empty()
        && new_class == old_class
        && c.get(&ObjKey { resource: "storageclasses.storage.k8s.io".into(), namespace: Default::default(), name: new_class.into() }).is_some_and(|sc| sc["allowVolumeExpansion"] == true);
    if !allowed {
        return forbidden("only dynamically provisioned pvc can be resized and the storageclass that provisions the pvc must support resize");
    }
    Ok(())
}
