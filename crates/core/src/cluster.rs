//! A cluster: its object store, its clock position, its timers, and the loop that
//! runs controllers until the world settles.
//!
//! Writes from controllers go through the same store functions as API writes, so
//! every change bumps `resourceVersion` and is recorded for watchers.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{json, Value};

use compact_str::CompactString;

pub use crate::intern::Interned;
use crate::kubelet::Runtime;
use crate::resources::ResourceType;
use crate::rng::SimRng;
use crate::time::{rfc3339, Millis};

/// Where an object lives in the store.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct ObjKey {
    /// `pods`, `deployments.apps`, ...
    pub resource: Interned,
    /// Empty for cluster-scoped objects.
    pub namespace: Interned,
    /// Inline up to 24 bytes (most names): a key is copied into many indexes and queues.
    pub name: CompactString,
}

impl ObjKey {
    pub fn new(rt: &ResourceType, namespace: &str, name: &str) -> ObjKey {
        ObjKey {
            resource: if rt.group.is_empty() { rt.plural.into() } else { rt.group_resource().into() },
            namespace: if rt.namespaced { namespace.into() } else { Interned::default() },
            name: name.into(),
        }
    }
    pub fn pod(namespace: impl Into<Interned>, name: &str) -> ObjKey {
        ObjKey { resource: pods_resource(), namespace: namespace.into(), name: name.into() }
    }
}

/// The resource of pod keys, interned once per thread rather than looked up per key.
pub fn pods_resource() -> Interned {
    thread_local! {
        static PODS: Interned = Interned::new("pods");
    }
    PODS.with(Interned::clone)
}

/// A change, as a watcher sees it.
#[derive(Debug, Clone, PartialEq)]
pub struct WatchEvent {
    pub kind: WatchKind,
    pub key: ObjKey,
    /// The object as written (or as it was when deleted): `object.value()`.
    pub object: crate::store::Obj,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WatchKind {
    Added,
    Modified,
    Deleted,
}

/// Something scheduled to happen at a simulated instant.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Timer {
    /// The kubelet's next step for a pod (identified by uid, so a re-created pod of
    /// the same name is not confused with the old one).
    Kubelet { pod: ObjKey, uid: String },
    /// The kubelet's pod worker handles a pod bound to its node (see
    /// `crate::kubelet::ADMISSION_MS`).
    Admission { pod: ObjKey, uid: String },
    /// A prober worker's tick for one container and probe type.
    Probe { pod: ObjKey, uid: String, container: String, kind: crate::probes::ProbeKind },
    /// The kubelet's periodic sync of a pod (volume contents).
    PodSync { pod: ObjKey, uid: String },
    /// A container's process printed something at this instant: the kubelet moves
    /// it into the container's log (see `crate::process`).
    Output { uid: String, container: String },
    /// One of a node's kubelet loops: the eviction manager's housekeeping or the node
    /// status update (see `crate::eviction_manager`).
    Eviction { node: String, step: crate::eviction_manager::Step },
    /// Nothing to do but run the controllers again (e.g. a pod becomes available
    /// after `minReadySeconds`).
    Resync,
    /// Events whose time to live ran out go (see [`crate::event_ttl`]). One is
    /// pending while any event is stored, at the earliest expiry.
    EventExpiry,
}

impl Timer {
    /// A timer that mostly changes nothing in the store (the kubelet's periodic syncs,
    /// probe ticks, expiries): when none of an instant's timers wrote, the controllers
    /// have nothing new to see.
    fn is_quiet(&self) -> bool {
        matches!(self, Timer::PodSync { .. } | Timer::Probe { .. } | Timer::Output { .. } | Timer::Eviction { .. } | Timer::EventExpiry)
    }
}

pub use crate::event_ttl::EVENT_TTL_MS;

/// How a cluster was made (`kind create cluster` options).
#[derive(Debug, Clone, PartialEq)]
pub struct ClusterConfig {
    pub name: String,
    /// `kindest/node:v1.35.0`
    pub node_image: String,
    /// Roles of the nodes in order: `control-plane`, `worker`, ...
    pub nodes: Vec<String>,
    /// Extra labels per node, in the same order (kind's `nodes[].labels`).
    pub node_labels: Vec<BTreeMap<String, String>>,
}

impl ClusterConfig {
    pub fn kind_default(name: &str) -> ClusterConfig {
        ClusterConfig { name: name.into(), node_image: crate::KIND_NODE_IMAGE.into(), nodes: vec!["control-plane".into()], node_labels: Vec::new() }
    }
    /// Kubernetes version of the node image: `v1.35.0`.
    pub fn kubernetes_version(&self) -> String {
        self.node_image.rsplit_once(':').map(|(_, t)| t.split('@').next().unwrap_or(t).to_string()).unwrap_or_else(|| "v1.35.0".into())
    }
}

/// One simulated cluster. `Clone` gives an independent copy (a checkpoint).
#[derive(Clone)]
pub struct Cluster {
    pub config: ClusterConfig,
    pub(crate) objects: crate::store::Store,
    resource_version: u64,
    pub(crate) rng: SimRng,
    pub(crate) now: Millis,
    timers: BTreeMap<(Millis, u64), Timer>,
    timer_seq: u64,
    event_seq: u64,
    /// Event identity → the event object, for the correlator.
    /// Keyed by a 128-bit hash of the identity, which can be long (the message).
    /// (The event's name: its namespace is the involved object's, or `default`.)
    /// The event is named `<involved object's name>.<nanos in hex>`: the number is
    /// kept (no name text for each of 100,000s of events).
    event_index: BTreeMap<u128, u64>,
    /// Every stored event by its last write, for its expiry.
    event_ttl: crate::event_ttl::Expiry,
    /// The instant of the pending [`Timer::EventExpiry`] (none while no event is stored).
    event_expiry_at: Option<Millis>,
    pub(crate) watch_log: Vec<(u64, WatchEvent)>,
    pub(crate) runtime: Runtime,
    /// The host port the API server is published on (`https://127.0.0.1:PORT`).
    pub api_port: u16,
    /// Warnings of the request being served (`Warning:` headers).
    pub(crate) warnings: Vec<String>,
    /// Controllers whose pod creation was refused (owner uid → retry time, failures):
    /// their work queue backs off before trying again.
    pub(crate) create_backoff: BTreeMap<String, (Millis, u32)>,
    /// Runs containers' own commands (installed by the sandbox, which has the shell).
    pub(crate) process_runner: Option<std::sync::Arc<dyn crate::process::ProcessRunner>>,
    /// The storage controllers' per-claim timers (`storage.rs`).
    pub(crate) storage: crate::storage::State,
    /// Indexes the store keeps true on every write (see [`Indexes`]).
    pub(crate) index: Indexes,
    /// What each controller has to look at again (see [`Dirty`]).
    pub(crate) dirty: Dirty,
    /// The scheduler's unschedulable pool (`scheduler.rs`).
    pub(crate) sched_queue: crate::scheduler::Queue,
    /// Instants with a `Resync` timer pending (one is enough per instant).
    resync_at: BTreeSet<Millis>,
    /// The key a controller is visiting: what its own sync writes does not queue it
    /// again (the sync leaves it settled; debug builds check that).
    visiting: Option<ObjKey>,
    /// See [`Cluster::set_pack_after`].
    pack_after: usize,
    /// How often the controllers still had work after [`RECONCILE_ROUNDS`] rounds at
    /// one instant (see [`Cluster::unsettled_instants`]).
    unsettled: u64,
}

/// Rounds of controllers, scheduler and kubelet per instant before the rest waits for
/// the next step. A chain of reactions (Deployment, ReplicaSet, pod, binding, kubelet)
/// takes a handful; running out means components answer each other without time
/// passing, which no real cluster does.
const RECONCILE_ROUNDS: usize = 64;

/// Lookups the controllers need without scanning the store, updated by every write.
#[derive(Clone, Default)]
pub(crate) struct Indexes {
    /// uid → how many stored objects carry it.
    pub(crate) uids: BTreeMap<UidKey, u32>,
    /// Owner uid → the objects naming it in `ownerReferences`, in key order.
    pub(crate) dependents: BTreeMap<String, BTreeSet<ObjKey>>,
    /// Pod IP (`status.podIP`) → how many pods report it.
    pub(crate) pod_ips: BTreeMap<String, u32>,
    /// Pods with no node and no deletionTimestamp (the scheduler's candidates).
    pub(crate) unscheduled: BTreeSet<ObjKey>,
    /// Pods whose controller is a ReplicaSet, by its uid: what its status counts.
    pub(crate) rs_pods: BTreeMap<String, BTreeMap<ObjKey, PodBrief>>,
    /// Pods bound to a node and not finished: what the scheduler counts on nodes.
    pub(crate) placed: BTreeMap<ObjKey, crate::scheduler::PlacedEntry>,
    /// Node name → the working set of its pods' running containers (bytes).
    pub(crate) node_working: BTreeMap<String, u64>,
}

/// A uid as the uids index keeps it: a UUID as Kubernetes writes it (lower-case
/// hex, `8-4-4-4-12`) in its 16 bytes, any other text as it is. Every store object
/// (events too) has one, so this is most of the index.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum UidKey {
    Uuid([u8; 16]),
    Text(Box<str>),
}

impl UidKey {
    pub(crate) fn of(uid: &str) -> UidKey {
        let b = uid.as_bytes();
        let canonical = b.len() == 36
            && b.iter().enumerate().all(|(i, &c)| if matches!(i, 8 | 13 | 18 | 23) { c == b'-' } else { c.is_ascii_digit() || (b'a'..=b'f').contains(&c) });
        if !canonical {
            return UidKey::Text(uid.into());
        }
        let mut out = [0u8; 16];
        let mut digits = b.iter().filter(|&&c| c != b'-').map(|&c| if c.is_ascii_digit() { c - b'0' } else { c - b'a' + 10 });
        for byte in &mut out {
            let (hi, lo) = (digits.next().unwrap_or(0), digits.next().unwrap_or(0));
            *byte = hi << 4 | lo;
        }
        UidKey::Uuid(out)
    }
}

/// What the ReplicaSet controller reads of a pod.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct PodBrief {
    /// Not being deleted, not finished.
    pub(crate) active: bool,
    /// When the Ready condition became True.
    pub(crate) ready_since: Option<Millis>,
    /// `metadata.labels` as JSON (empty when absent): pods with the same labels
    /// match a selector alike.
    pub(crate) labels: String,
}

impl PodBrief {
    /// The brief of `pod`, whose `labels` text is given.
    fn with_labels(pod: &Value, labels: String) -> PodBrief {
        PodBrief {
            active: pod["metadata"]["deletionTimestamp"].is_null() && !matches!(pod["status"]["phase"].as_str(), Some("Succeeded" | "Failed")),
            ready_since: pod_ready_since(pod),
            labels,
        }
    }

    fn labels_of(pod: &Value) -> String {
        pod["metadata"].get("labels").map(|l| l.to_string()).unwrap_or_default()
    }
}

/// When the pod's Ready condition became True.
pub(crate) fn pod_ready_since(pod: &Value) -> Option<Millis> {
    pod["status"]["conditions"]
        .as_array()?
        .iter()
        .find(|c| c["type"] == "Ready" && c["status"] == "True")
        .and_then(|c| c["lastTransitionTime"].as_str().and_then(crate::time::parse_rfc3339))
}

/// The uid of a ReplicaSet controller owner reference.
fn rs_controller_uid<'a>(v: impl Fields<'a>) -> Option<&'a str> {
    let r = v.field("metadata")["ownerReferences"].as_array()?.iter().find(|r| r["controller"] == true)?;
    if r["kind"] == "ReplicaSet" {
        r["uid"].as_str()
    } else {
        None
    }
}

/// Work queues: the keys whose controller pass could do something, filled by the
/// writes that could change the outcome (as informer event handlers enqueue keys).
/// A controller visits its queued keys in key order, which is the order of a full
/// pass over its objects; the keys it skips are exactly those a full pass would
/// leave untouched (debug builds run the full pass and check this).
#[derive(Clone, Default)]
pub(crate) struct Dirty {
    /// Pods the kubelet looks at (any write of the pod).
    pub(crate) kubelet: BTreeSet<ObjKey>,
    /// ReplicaSets: written, or one of their pods written or removed.
    pub(crate) replicasets: BTreeSet<ObjKey>,
    /// Deployments: written, or one of their ReplicaSets (or, for Recreate, pods).
    pub(crate) deployments: BTreeSet<ObjKey>,
    /// Namespaces whose services' endpoints may change (pods, services, endpoints).
    pub(crate) endpoints: BTreeSet<Interned>,
    /// Objects the garbage collector checks: written with new owner references, or
    /// dependents of a uid that left the store.
    pub(crate) gc: BTreeSet<ObjKey>,
    /// ReplicaSets to look at again at an instant (minReadySeconds, create back-off).
    pub(crate) replicasets_at: BTreeMap<Millis, BTreeSet<ObjKey>>,
    /// Namespaces whose DaemonSets may have work (their pods or DaemonSets written).
    pub(crate) daemonset_ns: BTreeSet<Interned>,
    /// Every DaemonSet may have work (a node was written, or a look-again instant came).
    pub(crate) daemonsets_all: bool,
    /// Instants at which every DaemonSet is looked at again.
    pub(crate) daemonsets_at: BTreeSet<Millis>,
    /// A ClusterRole was written: the aggregated ones may change.
    pub(crate) clusterroles: bool,
    /// An APIService, Service or Endpoints was written: availability may change.
    pub(crate) apiservices: bool,
}

/// Reads an object's top-level fields: a stored object, or one as it was before a
/// write ([`Prior`]).
pub(crate) trait Fields<'a>: Copy {
    fn field(self, name: &str) -> &'a Value;
}

impl<'a> Fields<'a> for &'a Value {
    fn field(self, name: &str) -> &'a Value {
        &self[name]
    }
}

/// An object as it was before a write, for the indexes and informers that compare
/// it with the written one.
#[derive(Clone, Copy)]
pub(crate) enum Prior<'a> {
    /// The whole object (the write replaced it).
    Whole(&'a Value),
    /// The written object with one top-level field as it was (the write changed that
    /// field in place, see [`Cluster::set_field`]): every other field is the written
    /// object's, its `metadata` too, so it reads the new resourceVersion; `version` is
    /// the old one.
    Field { now: &'a Value, name: &'a str, was: &'a Value, version: Option<u64> },
}

impl<'a> Fields<'a> for Prior<'a> {
    fn field(self, name: &str) -> &'a Value {
        match self {
            Prior::Whole(v) => &v[name],
            Prior::Field { name: changed, was, .. } if changed == name => was,
            Prior::Field { now, .. } => &now[name],
        }
    }
}

impl<'a> Prior<'a> {
    /// The resourceVersion the object had.
    fn version(self) -> Option<u64> {
        match self {
            Prior::Whole(v) => version_of(v),
            Prior::Field { version, .. } => version,
        }
    }

    /// Whether the write left the top-level `field` as it was, the same tree (a write
    /// in place of another field).
    fn kept(self, field: &str) -> bool {
        matches!(self, Prior::Field { name, .. } if name != field)
    }

    /// The whole object, when the write replaced it.
    fn whole(self) -> Option<&'a Value> {
        match self {
            Prior::Whole(v) => Some(v),
            Prior::Field { .. } => None,
        }
    }
}

/// Whether two parts of objects differ (the same part of one tree, as a [`Prior`]
/// gives for the fields a write left alone, without walking it).
pub(crate) fn differ(a: &Value, b: &Value) -> bool {
    !std::ptr::eq(a, b) && a != b
}

/// [`differ`] for fields that may be absent.
pub(crate) fn differ_opt(a: Option<&Value>, b: Option<&Value>) -> bool {
    match (a, b) {
        (Some(a), Some(b)) => differ(a, b),
        (a, b) => a.is_some() != b.is_some(),
    }
}

fn uid_of<'a>(v: impl Fields<'a>) -> Option<&'a str> {
    v.field("metadata")["uid"].as_str()
}

fn owner_uids<'a>(v: impl Fields<'a>) -> Vec<&'a str> {
    v.field("metadata")["ownerReferences"].as_array().map(|refs| refs.iter().filter_map(|r| r["uid"].as_str()).collect()).unwrap_or_default()
}

/// The `(kind, name)` of the controller owner reference.
fn controller_ref<'a>(v: impl Fields<'a>) -> Option<(&'a str, &'a str)> {
    let r = v.field("metadata")["ownerReferences"].as_array()?.iter().find(|r| r["controller"] == true)?;
    Some((r["kind"].as_str().unwrap_or(""), r["name"].as_str().unwrap_or("")))
}

fn is_unscheduled(pod: &Value) -> bool {
    pod["spec"]["nodeName"].as_str().is_none_or(str::is_empty) && pod["metadata"]["deletionTimestamp"].is_null()
}

/// Whether debug builds check that the keys a controller skips are ones a full pass
/// leaves untouched.
pub(crate) const CHECK_SKIPPED: bool = cfg!(debug_assertions);

/// What a step of a controller changed: store, random stream, timers.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct Fingerprint(u64, u128, u64);

/// How many watch events are kept for `?watch=true&resourceVersion=N`.
const WATCH_LOG_LIMIT: usize = 10_000;

/// Parsed objects allowed before the store is packed (a pod's tree is about 25 kB): a
/// cluster of 10,000 pods stays parsed while it works, one of 100,000 is packed but for
/// the last 9,000 objects read or written.
const PACK_AFTER: usize = 12_000;

impl Cluster {
    /// An empty cluster (no objects). Use [`crate::bootstrap::create_kind_cluster`] for
    /// one as kind makes it.
    pub(crate) fn empty(config: ClusterConfig, seed: u64, now: Millis) -> Cluster {
        let mut rng = SimRng::new(seed);
        let api_port = rng.between(32_768, 60_999) as u16;
        Cluster {
            config,
            objects: Default::default(),
            resource_version: 200,
            rng,
            now,
            timers: BTreeMap::new(),
            timer_seq: 0,
            warnings: Vec::new(),
            create_backoff: BTreeMap::new(),
            process_runner: None,
            storage: Default::default(),
            index: Indexes::default(),
            dirty: Dirty { daemonsets_all: true, apiservices: true, ..Dirty::default() },
            sched_queue: Default::default(),
            resync_at: BTreeSet::new(),
            visiting: None,
            pack_after: PACK_AFTER,
            unsettled: 0,
            event_seq: 0,
            event_index: BTreeMap::new(),
            event_ttl: Default::default(),
            event_expiry_at: None,
            watch_log: Vec::new(),
            runtime: Runtime::default(),
            api_port,
        }
    }

    /// Installs what runs containers' own commands (see [`crate::process`]).
    pub fn set_process_runner(&mut self, runner: std::sync::Arc<dyn crate::process::ProcessRunner>) {
        self.process_runner = Some(runner);
    }

    pub fn name(&self) -> &str {
        &self.config.name
    }

    pub fn now(&self) -> Millis {
        self.now
    }

    /// The current `resourceVersion` of the whole store.
    pub fn resource_version(&self) -> u64 {
        self.resource_version
    }

    pub fn get(&self, key: &ObjKey) -> Option<&Value> {
        self.objects.get(key)
    }

    /// The stored object, shared: a snapshot that later writes do not change, without
    /// copying it.
    pub(crate) fn get_shared(&self, key: &ObjKey) -> Option<std::sync::Arc<Value>> {
        self.objects.get_shared(key)
    }

    /// Objects of one resource (`pods`), in one namespace or all (`None`), by key order.
    /// Keys sort by (resource, namespace, name), so this is a range scan.
    pub fn list(&self, resource: &str, namespace: Option<&str>) -> Vec<&Value> {
        self.range(resource, namespace).map(|(_, v)| v).collect()
    }

    pub(crate) fn list_keys(&self, resource: &str) -> Vec<ObjKey> {
        self.range_keys(resource).cloned().collect()
    }

    /// The keys of one resource's objects, in order (without reading the objects).
    pub(crate) fn range_keys(&self, resource: &str) -> impl Iterator<Item = &ObjKey> + '_ {
        let start = ObjKey { resource: resource.into(), namespace: Default::default(), name: Default::default() };
        let resource = start.resource.clone();
        self.objects.keys_from(start).take_while(move |k| k.resource == resource)
    }

    pub(crate) fn range(&self, resource: &str, namespace: Option<&str>) -> impl Iterator<Item = (&ObjKey, &Value)> + '_ {
        let start = ObjKey { resource: resource.into(), namespace: namespace.unwrap_or("").into(), name: Default::default() };
        // Interned: comparing a key's resource and namespace with these is a pointer check.
        let (resource, namespace) = (start.resource.clone(), namespace.map(|_| start.namespace.clone()));
        self.objects
            .range_from(start)
            .take_while(move |(k, _)| k.resource == resource && namespace.as_ref().is_none_or(|ns| k.namespace == *ns))
    }

    /// Stores a new object: assigns uid, resourceVersion and creationTimestamp.
    pub(crate) fn insert(&mut self, key: ObjKey, obj: Value) -> Value {
        let obj = self.prepare_insert(obj);
        self.put(key, obj.clone(), WatchKind::Added);
        obj
    }

    /// [`Cluster::insert`] for a caller that does not need the stored object back.
    pub(crate) fn insert_quiet(&mut self, key: ObjKey, obj: Value) {
        let obj = self.prepare_insert(obj);
        self.put(key, obj, WatchKind::Added);
    }

    /// A new object's uid, resourceVersion (the next one) and creationTimestamp.
    fn prepare_insert(&mut self, mut obj: Value) -> Value {
        let rv = self.resource_version + 1;
        let uid = match obj["metadata"]["uid"].as_str() {
            Some(u) if !u.is_empty() => u.to_string(),
            _ => self.rng.uuid(),
        };
        let meta = meta_mut(&mut obj);
        meta.insert("uid".into(), json!(uid));
        meta.insert("resourceVersion".into(), json!(rv.to_string()));
        meta.entry("creationTimestamp").or_insert_with(|| json!(rfc3339(self.now)));
        obj
    }

    /// Stores `obj` (its resourceVersion already the next one), keeps the indexes and
    /// the watch log.
    fn put(&mut self, key: ObjKey, obj: Value, kind: WatchKind) {
        let rv = self.bump();
        let obj = std::sync::Arc::new(obj);
        let old = self.objects.insert(key.clone(), crate::store::Obj::new(obj.clone()));
        self.on_write(&key, old.as_ref().map(|o| Prior::Whole(o.value())), Some(&obj));
        self.record(rv, kind, key, crate::store::Obj::new(obj));
        if let Some(old) = old {
            self.pack_superseded(&old);
        }
        self.maybe_compact();
    }

    /// A write replaced `old`: the watch log's entry for it keeps only its text
    /// (serialised now rather than at the next compaction), so the tree goes as soon
    /// as whoever still reads it (a component's shared snapshot) lets go.
    fn pack_superseded(&mut self, old: &crate::store::Obj) {
        if let Some(v) = old.parsed_form() {
            self.pack_logged(v);
        }
    }

    /// Packs the watch log's entry of `v`'s write if it holds `v`'s tree.
    fn pack_logged(&mut self, v: &std::sync::Arc<Value>) {
        let Some(rv) = version_of(v) else { return };
        if let Ok(i) = self.watch_log.binary_search_by_key(&rv, |(r, _)| *r) {
            let e = &mut self.watch_log[i].1;
            self.objects.pack_if_holding(&e.key, &mut e.object, v);
        }
    }

    /// Replaces a stored object, bumping its resourceVersion.
    pub(crate) fn replace(&mut self, key: &ObjKey, mut obj: Value) -> Value {
        meta_mut(&mut obj).insert("resourceVersion".into(), json!((self.resource_version + 1).to_string()));
        self.put(key.clone(), obj.clone(), WatchKind::Modified);
        obj
    }

    /// Changes a stored object in place with `f`; writes only when something changed.
    /// Returns false when the object is gone.
    pub(crate) fn modify(&mut self, key: &ObjKey, f: impl FnOnce(&mut Value)) -> bool {
        let Some(current) = self.objects.get(key) else { return false };
        let mut next = current.clone();
        f(&mut next);
        if &next != current {
            meta_mut(&mut next).insert("resourceVersion".into(), json!((self.resource_version + 1).to_string()));
            self.put(key.clone(), next, WatchKind::Modified);
        }
        true
    }

    /// Sets the top-level `field` of a stored object to `value`, which differs from
    /// what is there: [`Cluster::modify`] with `|o| o[field] = value`, without copying
    /// the field's old value or comparing the objects. Returns false when the object
    /// is gone.
    ///
    /// When nothing but the store holds the object's tree once its watch log entry is
    /// packed (as a write packs it anyway), the tree changes in place: a pod's status
    /// write then costs its status, not a copy of the whole pod.
    pub(crate) fn set_field(&mut self, key: &ObjKey, field: &str, value: Value) -> bool {
        let Some(current) = self.objects.get_shared(key) else { return false };
        let Some(map) = current.as_object() else {
            drop(current);
            return self.modify(key, |o| o[field] = value);
        };
        debug_assert!(map.get(field) != Some(&value), "set_field: {field} is unchanged");
        let version = version_of(&current);
        self.pack_logged(&current);
        drop(current);
        let rv = self.resource_version + 1;
        if let Some(tree) = self.objects.unique_mut(key) {
            let was = tree.as_object_mut().and_then(|m| m.insert(field.to_string(), value)).unwrap_or(Value::Null);
            meta_mut(tree).insert("resourceVersion".into(), json!(rv.to_string()));
            let rv = self.bump();
            let now = self.objects.get_shared(key).expect("just written");
            self.on_write(key, Some(Prior::Field { now: &now, name: field, was: &was, version }), Some(&now));
            self.record(rv, WatchKind::Modified, key.clone(), crate::store::Obj::new(now));
            self.maybe_compact();
            return true;
        }
        let Some(map) = self.objects.get(key).and_then(Value::as_object) else { return false };
        let mut next = serde_json::Map::new();
        for (k, v) in map {
            if k != field {
                next.insert(k.clone(), v.clone());
            }
        }
        next.insert(field.to_string(), value);
        let mut next = Value::Object(next);
        meta_mut(&mut next).insert("resourceVersion".into(), json!(rv.to_string()));
        self.put(key.clone(), next, WatchKind::Modified);
        true
    }

    pub(crate) fn remove(&mut self, key: &ObjKey) -> Option<Value> {
        let obj = self.objects.remove(key)?;
        self.on_write(key, Some(Prior::Whole(obj.value())), None);
        let rv = self.bump();
        let value = obj.value().clone();
        self.record(rv, WatchKind::Deleted, key.clone(), obj);
        Some(value)
    }

    fn bump(&mut self) -> u64 {
        // Real resourceVersions come from etcd revisions, which other writes (leases,
        // events of system components) also advance; a small stride keeps numbers
        // looking like a live cluster's.
        self.resource_version += 1;
        self.resource_version
    }

    /// Keeps the indexes true and queues the controllers' work for one write
    /// (`old` → `new`; `None` when absent).
    fn on_write(&mut self, key: &ObjKey, old: Option<Prior<'_>>, new: Option<&Value>) {
        crate::scheduler::observe(&mut self.sched_queue, key, old, new);
        let idx = &mut self.index;
        let dirty = &mut self.dirty;
        let visiting = self.visiting.as_ref();
        let queue = |set: &mut BTreeSet<ObjKey>, k: ObjKey| {
            if visiting != Some(&k) {
                set.insert(k);
            }
        };
        // uids, and the dependents of a uid that leaves the store (a write that left
        // the metadata alone changes neither, nor the owners).
        let same_metadata = old.is_some_and(|o| o.kept("metadata"));
        let (old_uid, new_uid) = (old.and_then(uid_of), new.and_then(uid_of));
        if old_uid != new_uid && !same_metadata {
            if let Some(u) = old_uid {
                let k = UidKey::of(u);
                if let Some(n) = idx.uids.get_mut(&k) {
                    *n -= 1;
                    if *n == 0 {
                        idx.uids.remove(&k);
                        if let Some(deps) = idx.dependents.get(u) {
                            dirty.gc.extend(deps.iter().cloned());
                        }
                    }
                }
            }
            if let Some(u) = new_uid {
                *idx.uids.entry(UidKey::of(u)).or_default() += 1;
            }
        }
        // Owner references.
        let (old_owners, new_owners) = if same_metadata { Default::default() } else { (old.map(owner_uids).unwrap_or_default(), new.map(owner_uids).unwrap_or_default()) };
        let new_identity = old_uid != new_uid;
        if !same_metadata && (old_owners != new_owners || new_identity) {
            for u in &old_owners {
                if let Some(set) = idx.dependents.get_mut(*u) {
                    set.remove(key);
                    if set.is_empty() {
                        idx.dependents.remove(*u);
                    }
                }
            }
            for u in &new_owners {
                idx.dependents.entry(u.to_string()).or_default().insert(key.clone());
            }
            if new.is_some_and(|v| v["metadata"]["ownerReferences"].as_array().is_some_and(|r| !r.is_empty())) {
                dirty.gc.insert(key.clone());
            }
        }
        match key.resource.as_str() {
            "pods" => {
                fn working<'a>(p: impl Fields<'a>) -> Option<(&'a str, u64)> {
                    let node = p.field("spec")["nodeName"].as_str().filter(|n| !n.is_empty())?;
                    Some((node, crate::eviction_manager::pod_working_set(p)))
                }
                let (was, is) = (old.and_then(working), new.and_then(working));
                if was != is {
                    if let Some((node, bytes)) = was {
                        if let Some(sum) = idx.node_working.get_mut(node) {
                            *sum -= bytes;
                        }
                    }
                    if let Some((node, bytes)) = is {
                        match idx.node_working.get_mut(node) {
                            Some(sum) => *sum += bytes,
                            None => {
                                idx.node_working.insert(node.to_string(), bytes);
                            }
                        }
                    }
                }
                // A status write that left what the scheduler counts of the pod as it was
                // leaves its entry.
                let placed_kept = match (old, new) {
                    (Some(o), Some(n)) if o.kept("metadata") && o.kept("spec") => !crate::scheduler::placed_status_differs(&n["metadata"], o.field("status"), &n["status"]),
                    _ => false,
                };
                if !placed_kept {
                    match new.and_then(crate::scheduler::placed_entry) {
                        Some(entry) => {
                            idx.placed.insert(key.clone(), entry);
                        }
                        None => {
                            idx.placed.remove(key);
                        }
                    }
                }
                let (old_ip, new_ip) = (old.and_then(|p| p.field("status")["podIP"].as_str()), new.and_then(|p| p["status"]["podIP"].as_str()));
                if old_ip != new_ip {
                    if let Some(i) = old_ip {
                        if let Some(n) = idx.pod_ips.get_mut(i) {
                            *n -= 1;
                            if *n == 0 {
                                idx.pod_ips.remove(i);
                            }
                        }
                    }
                    if let Some(i) = new_ip {
                        *idx.pod_ips.entry(i.to_string()).or_default() += 1;
                    }
                }
                // Same metadata, same ReplicaSet and labels: the brief is refreshed where it is.
                let refreshed = same_metadata
                    && new
                        .and_then(|p| {
                            let brief = idx.rs_pods.get_mut(rs_controller_uid(p)?)?.get_mut(key)?;
                            *brief = PodBrief::with_labels(p, std::mem::take(&mut brief.labels));
                            Some(())
                        })
                        .is_some();
                let old_brief = old.filter(|_| !refreshed).and_then(rs_controller_uid).and_then(|u| {
                    let m = idx.rs_pods.get_mut(u)?;
                    let brief = m.remove(key);
                    if m.is_empty() {
                        idx.rs_pods.remove(u);
                    }
                    brief
                });
                if let Some(p) = new.filter(|_| !refreshed) {
                    if let Some(u) = rs_controller_uid(p) {
                        // The labels' text is kept when they did not change.
                        let labels = match (old_brief, old) {
                            (Some(b), Some(o)) if !differ_opt(o.field("metadata").get("labels"), p["metadata"].get("labels")) => b.labels,
                            _ => PodBrief::labels_of(p),
                        };
                        idx.rs_pods.entry(u.to_string()).or_default().insert(key.clone(), PodBrief::with_labels(p, labels));
                    }
                }
                if new.is_some_and(is_unscheduled) {
                    idx.unscheduled.insert(key.clone());
                } else {
                    idx.unscheduled.remove(key);
                }
                // The kubelet acts on a pod's spec and metadata, not on its status (its
                // config source passes status-only updates over, `checkAndUpdatePod`).
                if new.is_some() && !old.is_some_and(|o| o.kept("metadata") && o.kept("spec")) {
                    queue(&mut dirty.kubelet, key.clone());
                }
                dirty.endpoints.insert(key.namespace.clone());
                dirty.daemonset_ns.insert(key.namespace.clone());
                // The old and new controllers (once when they are the same).
                let (old_ref, new_ref) = (old.and_then(controller_ref), new.and_then(controller_ref));
                let refs = if old_ref == new_ref { [old_ref, None] } else { [old_ref, new_ref] };
                for r in refs.into_iter().flatten() {
                    if let ("ReplicaSet", rs_name) = r {
                        let rs_key = ObjKey { resource: "replicasets.apps".into(), namespace: key.namespace.clone(), name: rs_name.into() };
                        // A Recreate rollout waits for the old ReplicaSets' pods to go.
                        if let Some(("Deployment", d_name)) = self.objects.get(&rs_key).and_then(controller_ref) {
                            let d_key = ObjKey { resource: "deployments.apps".into(), namespace: key.namespace.clone(), name: d_name.into() };
                            if self.objects.get(&d_key).is_some_and(|d| d["spec"]["strategy"]["type"] == "Recreate") {
                                queue(&mut dirty.deployments, d_key);
                            }
                        }
                        queue(&mut dirty.replicasets, rs_key);
                    }
                }
            }
            "replicasets.apps" => {
                if new.is_some() {
                    queue(&mut dirty.replicasets, key.clone());
                }
                for r in [old.and_then(controller_ref), new.and_then(controller_ref)].into_iter().flatten() {
                    if let ("Deployment", d_name) = r {
                        queue(&mut dirty.deployments, ObjKey { resource: "deployments.apps".into(), namespace: key.namespace.clone(), name: d_name.into() });
                    }
                }
            }
            "deployments.apps" => {
                if new.is_some() {
                    queue(&mut dirty.deployments, key.clone());
                }
            }
            // The DaemonSet controller keeps its ControllerRevisions (`addHistory`,
            // `deleteHistory` requeue the owner).
            "daemonsets.apps" | "controllerrevisions.apps" => {
                dirty.daemonset_ns.insert(key.namespace.clone());
            }
            "nodes" => dirty.daemonsets_all = true,
            "clusterroles.rbac.authorization.k8s.io" => dirty.clusterroles = true,
            "services" | "endpoints" => {
                dirty.endpoints.insert(key.namespace.clone());
                dirty.apiservices = true;
            }
            "endpointslices.discovery.k8s.io" => {
                dirty.endpoints.insert(key.namespace.clone());
            }
            "apiservices.apiregistration.k8s.io" => dirty.apiservices = true,
            "events" | "events.events.k8s.io" => self.event_written(key, old, new),
            _ => {}
        }
    }

    /// Runs `sync` for the keys of `resource` queued in `queue`, in key order (a key
    /// queued during the pass is visited in it when it comes after the current one,
    /// as a full pass would reach it). When checking, runs the full pass instead and
    /// asserts that every key that was not queued changed nothing.
    pub(crate) fn visit_queued(&mut self, resource: &str, queue: fn(&mut Dirty) -> &mut BTreeSet<ObjKey>, mut sync: impl FnMut(&mut Cluster, &ObjKey)) {
        if CHECK_SKIPPED {
            for key in self.list_keys(resource) {
                let queued = queue(&mut self.dirty).remove(&key);
                let before = self.fingerprint();
                self.visiting = Some(key.clone());
                sync(self, &key);
                self.visiting = None;
                self.maybe_compact();
                assert!(queued || before == self.fingerprint(), "{resource} {}/{}: not queued, yet a full pass changed something", key.namespace, key.name);
            }
            let gone: Vec<ObjKey> = queue(&mut self.dirty).iter().filter(|k| !self.objects.contains_key(*k)).cloned().collect();
            for k in gone {
                queue(&mut self.dirty).remove(&k);
            }
            return;
        }
        let mut last: Option<ObjKey> = None;
        // Keys queued during the pass at or before the current one wait for the next.
        let mut behind = Vec::new();
        while let Some(key) = queue(&mut self.dirty).pop_first() {
            if last.as_ref().is_some_and(|l| key <= *l) {
                behind.push(key);
                continue;
            }
            self.visiting = Some(key.clone());
            sync(self, &key);
            self.visiting = None;
            self.maybe_compact();
            last = Some(key);
        }
        queue(&mut self.dirty).extend(behind);
    }

    /// The store's, the random stream's and the timer queue's positions.
    pub(crate) fn fingerprint(&self) -> Fingerprint {
        Fingerprint(self.resource_version, self.rng.position(), self.timer_seq)
    }

    /// Queues a ReplicaSet to be looked at again at `at`.
    pub(crate) fn requeue_replicaset_at(&mut self, at: Millis, key: ObjKey) {
        self.dirty.replicasets_at.entry(at).or_default().insert(key);
    }

    fn record(&mut self, rv: u64, kind: WatchKind, key: ObjKey, object: crate::store::Obj) {
        self.watch_log.push((rv, WatchEvent { kind, key, object }));
        // Trimmed in chunks: shifting the whole log on every write is quadratic.
        if self.watch_log.len() > WATCH_LOG_LIMIT + WATCH_LOG_LIMIT / 4 {
            let drop = self.watch_log.len() - WATCH_LOG_LIMIT;
            self.watch_log.drain(..drop);
        }
    }

    /// Independent copies of the cluster's parts, by name, for a bench to weigh
    /// (it measures what each copy allocates). Only with the `bench` feature.
    #[cfg(feature = "bench")]
    pub fn heap_parts(&self) -> Vec<(String, Box<dyn std::any::Any>)> {
        let mut parts: Vec<(String, Box<dyn std::any::Any>)> = Vec::new();
        for (r, (parsed, packed, objs)) in self.objects.by_resource() {
            parts.push((format!("objects {r} ({}, {parsed} parsed, {packed} packed)", objs.len()), Box::new(objs)));
        }
        // The log's own objects (those that are not the stored ones).
        let mut own: Vec<(u64, crate::store::Obj)> =
            self.watch_log.iter().filter(|(_, e)| !self.objects.shares(&e.key, &e.object)).map(|(rv, e)| (*rv, e.object.deep_copy())).collect();
        own.shrink_to_fit();
        let parsed = own.iter().filter(|(_, o)| o.is_parsed_bench()).count();
        parts.push((format!("watch_log ({}, own {}, {parsed} of them parsed)", self.watch_log.len(), own.len()), Box::new(own)));
        let dicts = self.objects.dictionaries(self.watch_log.iter().map(|(_, e)| &e.object));
        parts.push((format!("dictionaries ({})", dicts.len()), Box::new(dicts)));
        parts.push(("runtime".into(), Box::new(self.runtime.clone())));
        parts.push((format!("timers ({})", self.timers.len()), Box::new(self.timers.clone())));
        parts.push(("index".into(), Box::new(self.index.clone())));
        parts.push(("dirty".into(), Box::new(self.dirty.clone())));
        parts.push((format!("event_index ({})", self.event_index.len()), Box::new(self.event_index.clone())));
        parts.push((format!("event_ttl ({})", self.event_ttl.len()), Box::new(self.event_ttl.clone())));
        parts.push(("storage".into(), Box::new(self.storage.clone())));
        parts
    }

    /// Every stored object with its key, in key order.
    pub fn objects(&self) -> impl Iterator<Item = (&ObjKey, &Value)> {
        self.objects.iter()
    }

    /// Where the indexes the writes keep differ from ones made again from the stored
    /// objects (`None` when they agree): for tests, after any command.
    pub fn index_mismatch(&self) -> Option<String> {
        let mut fresh = self.clone();
        fresh.index = Indexes::default();
        let keys: Vec<ObjKey> = self.objects.keys().cloned().collect();
        for key in keys {
            let obj = self.objects.get_shared(&key).expect("listed");
            fresh.on_write(&key, None, Some(&obj));
        }
        let (a, b) = (&self.index, &fresh.index);
        let placed = |i: &Indexes| i.placed.iter().map(|(k, e)| (k.clone(), e.brief())).collect::<Vec<_>>();
        let parts = [
            ("uids", a.uids == b.uids),
            ("dependents", a.dependents == b.dependents),
            ("pod_ips", a.pod_ips == b.pod_ips),
            ("unscheduled", a.unscheduled == b.unscheduled),
            ("rs_pods", a.rs_pods == b.rs_pods),
            ("placed", placed(a) == placed(b)),
            ("node_working", a.node_working == b.node_working),
        ];
        let wrong: Vec<&str> = parts.iter().filter(|(_, same)| !same).map(|(name, _)| *name).collect();
        (!wrong.is_empty()).then(|| format!("the indexes differ from the store's objects: {}", wrong.join(", ")))
    }

    /// Watch events after `resource_version`, in order.
    pub fn events_since(&self, resource_version: u64) -> impl Iterator<Item = &WatchEvent> {
        self.watch_log.iter().filter(move |(rv, _)| *rv > resource_version).map(|(_, e)| e)
    }

    pub(crate) fn schedule(&mut self, at: Millis, timer: Timer) {
        let at = at.max(self.now);
        // A resync only makes the controllers run at that instant: one is enough.
        if timer == Timer::Resync && !self.resync_at.insert(at) {
            return;
        }
        self.timer_seq += 1;
        self.timers.insert((at, self.timer_seq), timer);
    }

    /// Runs the world up to `t`: fires due timers in order, running controllers after
    /// each, and leaves the clock at `t`.
    pub fn advance_to(&mut self, t: Millis) {
        self.reconcile();
        loop {
            let Some((&(at, seq), _)) = self.timers.iter().next() else { break };
            if at > t {
                break;
            }
            let timer = self.timers.remove(&(at, seq)).expect("key just read");
            if timer == Timer::Resync {
                self.resync_at.remove(&at);
            }
            self.now = self.now.max(at);
            let before = self.resource_version;
            let mut quiet = timer.is_quiet();
            self.fire(timer);
            // Timers of the same instant fire together; the controllers then run once.
            while let Some((&(next, seq), _)) = self.timers.iter().next() {
                if next != at {
                    break;
                }
                let timer = self.timers.remove(&(next, seq)).expect("key just read");
                if timer == Timer::Resync {
                    self.resync_at.remove(&next);
                }
                quiet &= timer.is_quiet();
                self.maybe_compact();
                self.fire(timer);
            }
            if quiet && self.resource_version == before {
                self.maybe_compact();
                continue;
            }
            self.reconcile();
        }
        self.now = self.now.max(t);
    }

    /// Packs the store (see [`crate::store`]) once enough objects are parsed.
    pub(crate) fn maybe_compact(&mut self) {
        if self.objects.over(self.pack_after) {
            // The most recently parsed three quarters stay parsed (see `compact_keeping`).
            self.objects.compact_keeping(self.watch_log.iter_mut().map(|(_, e)| (&e.key, &mut e.object)), self.pack_after * 3 / 4);
        }
    }

    /// Packs every stored and logged object now.
    pub fn compact(&mut self) {
        self.objects.compact(self.watch_log.iter_mut().map(|(_, e)| (&e.key, &mut e.object)));
    }

    /// How many objects may be parsed (read or written) before the store is packed
    /// again; `0` packs after every step (tests use it to check that packing changes
    /// nothing).
    pub fn set_pack_after(&mut self, n: usize) {
        self.pack_after = n;
    }

    /// The instant of the next pending timer, if any.
    pub fn next_timer(&self) -> Option<Millis> {
        self.timers.keys().next().map(|(at, _)| *at)
    }

    fn fire(&mut self, timer: Timer) {
        match timer {
            Timer::Kubelet { pod, uid } => crate::kubelet::step(self, &pod, &uid),
            Timer::PodSync { pod, uid } => crate::kubelet::periodic_sync(self, &pod, &uid),
            Timer::Admission { pod, uid } => crate::kubelet::handle_addition(self, &pod, &uid),
            Timer::Probe { pod, uid, container, kind } => crate::probes::tick(self, &pod, &uid, &container, kind),
            Timer::Output { uid, container } => crate::kubelet::reveal_output(self, &uid, &container),
            Timer::Eviction { node, step } => crate::eviction_manager::fire(self, &node, step),
            Timer::Resync => {}
            Timer::EventExpiry => self.expire_events(),
        }
    }

    /// Runs every controller until none has anything more to do at this instant.
    pub(crate) fn reconcile(&mut self) {
        for _ in 0..RECONCILE_ROUNDS {
            let before = self.resource_version;
            crate::controllers::sync_all(self);
            crate::scheduler::schedule_pending(self);
            crate::kubelet::sync_all(self);
            self.maybe_compact();
            if self.resource_version == before {
                return;
            }
        }
        self.unsettled += 1;
    }

    /// How many times the components were still writing after [`RECONCILE_ROUNDS`]
    /// rounds at one instant: a loop with no time in it (the invariant test wants 0).
    pub fn unsettled_instants(&self) -> u64 {
        self.unsettled
    }

    /// Records an Event about `involved` (core/v1), as components emit them.
    /// `field_path` is e.g. `spec.containers{nginx}` for events about one container.
    pub(crate) fn emit_event(&mut self, involved: &Value, field_path: Option<&str>, type_: &str, reason: &str, source: &str, message: String) {
        let meta = &involved["metadata"];
        // Events about cluster-scoped objects (nodes) live in `default` and name no
        // namespace in involvedObject.
        let involved_ns = meta["namespace"].as_str().unwrap_or("");
        let ns = if involved_ns.is_empty() { "default" } else { involved_ns };
        // The event correlator: an identical event (same object, reason, message,
        // source) updates the existing one's count and lastTimestamp.
        let identity = event_identity([meta["uid"].as_str().unwrap_or(""), type_, reason, source, &message, field_path.unwrap_or("")]);
        if let Some(existing) = self.event_index.get(&identity) {
            let name = format!("{}.{existing:x}", meta["name"].as_str().unwrap_or(""));
            let key = ObjKey { resource: "events".into(), namespace: ns.into(), name: name.into() };
            let ts = rfc3339(self.now);
            if self.modify(&key, |e| {
                let count = e["count"].as_i64().unwrap_or(1) + 1;
                e["count"] = json!(count);
                e["lastTimestamp"] = Value::String(ts);
            }) {
                return;
            }
        }
        // The recorder names events `<object>.<UnixNano in hex>`; the sequence number keeps
        // events of the same millisecond apart and in order.
        self.event_seq += 1;
        let nanos = self.now * 1_000_000 + self.event_seq % 1_000_000;
        let name = format!("{}.{nanos:x}", meta["name"].as_str().unwrap_or(""));
        let ts = rfc3339(self.now);
        let (component, host) = match source.split_once('/') {
            Some((c, h)) => (c, Some(h)),
            None => (source, None),
        };
        // What `prepare_insert` gives a new object.
        let rv = self.resource_version + 1;
        let uid = self.rng.uuid();
        let version = rv.to_string();
        let event = EventText {
            first_timestamp: &ts,
            involved_object: InvolvedText {
                api_version: &involved["apiVersion"],
                field_path,
                kind: involved["kind"].as_str().unwrap_or("Pod"),
                name: &meta["name"],
                namespace: involved_ns,
                resource_version: &meta["resourceVersion"],
                uid: &meta["uid"],
            },
            message: &message,
            metadata: EventMetaText { name: &name, namespace: ns, resource_version: &version, uid: &uid },
            reason,
            component,
            host,
            type_,
        };
        // No component reads an event back: it is stored packed, its text written
        // straight from its parts.
        let text = event.text();
        let key = ObjKey { resource: "events".into(), namespace: ns.into(), name: name.into() };
        self.event_index.insert(identity, nanos);
        let rv = self.bump();
        let (logged, old) = self.objects.insert_packed(key.clone(), &text);
        // What `on_write` reads of a written event: its uid, owners (none) and version.
        let written = json!({"metadata": {"uid": uid, "resourceVersion": version}});
        self.on_write(&key, old.as_ref().map(|o| Prior::Whole(o.value())), Some(&written));
        self.record(rv, WatchKind::Added, key, logged);
        if let Some(old) = old {
            self.pack_superseded(&old);
        }
        self.maybe_compact();
    }

    /// Keeps the events' expiry and the correlator's index true for one write of an
    /// event, whoever wrote it (a component, a user's create, update or delete, the
    /// expiry itself): the entry of the version it replaces goes, the new version's
    /// comes (its time to live starts again), and a removed event's identity no
    /// longer names it.
    fn event_written(&mut self, key: &ObjKey, old: Option<Prior<'_>>, new: Option<&Value>) {
        self.event_ttl.note(key, old.and_then(Prior::version), new.and_then(version_of).map(|r| (r, self.now)));
        if self.event_expiry_at.is_none() {
            self.arm_event_expiry();
        }
        if let (Some(old), None) = (old.and_then(Prior::whole), new) {
            if key.resource == "events" {
                let identity = stored_event_identity(old);
                if self.event_index.get(&identity).is_some_and(|n| crate::event_ttl::recorder_name(&key.name).map(|(_, nanos)| nanos) == Some(*n)) {
                    self.event_index.remove(&identity);
                }
            }
        }
    }

    /// [`Timer::EventExpiry`]: removes the events last written [`EVENT_TTL_MS`] ago or
    /// earlier (a `DELETED` watch event each, as etcd's lease revocation gives), and
    /// sets the timer for the next expiry.
    fn expire_events(&mut self) {
        self.event_expiry_at = None;
        while let Some((key, rv)) = self.event_ttl.pop_due(self.now) {
            // The entry is the stored version's (every write replaces it); the check
            // keeps a stray one from removing a later event of the same name.
            if self.objects.get(&key).and_then(version_of) == Some(rv) {
                self.remove(&key);
            }
            // An hour's events can expire at once: each is parsed to go.
            self.maybe_compact();
        }
        self.arm_event_expiry();
    }

    /// Sets [`Timer::EventExpiry`] for the first stored event's expiry, if any.
    fn arm_event_expiry(&mut self) {
        if let Some(at) = self.event_ttl.next_expiry() {
            self.event_expiry_at = Some(at);
            self.schedule(at, Timer::EventExpiry);
        }
    }
}

impl Cluster {
    /// [`Cluster::replace`] for a caller that does not need the stored object back
    /// (a copy of it), such as a write already known to change the object, built
    /// without [`Cluster::modify`]'s comparison of the two versions.
    pub(crate) fn replace_quiet(&mut self, key: &ObjKey, mut obj: Value) {
        meta_mut(&mut obj).insert("resourceVersion".into(), json!((self.resource_version + 1).to_string()));
        self.put(key.clone(), obj, WatchKind::Modified);
    }
}

/// A stored object's `metadata.resourceVersion` as a number.
pub(crate) fn version_of(v: &Value) -> Option<u64> {
    v["metadata"]["resourceVersion"].as_str().and_then(|r| r.parse().ok())
}

/// The correlator's identity of an event: the involved object's uid, type, reason,
/// source (`component/host`), message and field path.
fn event_identity(parts: [&str; 6]) -> u128 {
    let mut h = crate::rng::Fnv128a::default();
    for part in parts {
        h.write(part.as_bytes());
        h.write(&[0]);
    }
    h.finish()
}

/// The identity [`Cluster::emit_event`] gave a stored event, read back from its fields.
/// A component name holding a `/` is the external provisioner's (`storage.rs`), which
/// emits it with `\u{1}` in its place and writes the `/` afterwards.
fn stored_event_identity(e: &Value) -> u128 {
    let s = |v: &Value| v.as_str().unwrap_or("").to_string();
    let component = s(&e["source"]["component"]);
    let source = match e["source"]["host"].as_str() {
        Some(host) => format!("{component}/{host}"),
        None => component.replace('/', "\u{1}"),
    };
    let involved = &e["involvedObject"];
    event_identity([&s(&involved["uid"]), &s(&e["type"]), &s(&e["reason"]), &source, &s(&e["message"]), &s(&involved["fieldPath"])])
}

/// `metadata` as a mutable map, created when missing.
pub(crate) fn meta_mut(obj: &mut Value) -> &mut serde_json::Map<String, Value> {
    if !obj.get("metadata").is_some_and(Value::is_object) {
        obj["metadata"] = json!({});
    }
    obj["metadata"].as_object_mut().expect("just ensured")
}

/// An Event as components write it (count 1, first and last seen at its creation).
struct EventText<'a> {
    first_timestamp: &'a str,
    involved_object: InvolvedText<'a>,
    message: &'a str,
    metadata: EventMetaText<'a>,
    reason: &'a str,
    component: &'a str,
    host: Option<&'a str>,
    type_: &'a str,
}

struct InvolvedText<'a> {
    api_version: &'a Value,
    field_path: Option<&'a str>,
    kind: &'a str,
    name: &'a Value,
    namespace: &'a str,
    resource_version: &'a Value,
    uid: &'a Value,
}

struct EventMetaText<'a> {
    name: &'a str,
    namespace: &'a str,
    resource_version: &'a str,
    uid: &'a str,
}

impl EventText<'_> {
    /// Its packed text: that of the `Value` it stands for (fields in the order of their
    /// names, see [`crate::store::ObjectText`]).
    fn text(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(512);
        let mut e = crate::store::ObjectText::new(&mut out);
        e.str("apiVersion", "v1").json("count", "1").json("eventTime", "null").str("firstTimestamp", self.first_timestamp);
        let i = &self.involved_object;
        let mut o = e.object("involvedObject");
        o.value("apiVersion", i.api_version);
        if let Some(path) = i.field_path {
            o.str("fieldPath", path);
        }
        o.str("kind", i.kind).value("name", i.name).str("namespace", i.namespace).value("resourceVersion", i.resource_version).value("uid", i.uid);
        o.end();
        e.str("kind", "Event").str("lastTimestamp", self.first_timestamp).str("message", self.message);
        let m = &self.metadata;
        let mut o = e.object("metadata");
        o.str("creationTimestamp", self.first_timestamp).str("name", m.name).str("namespace", m.namespace).str("resourceVersion", m.resource_version).str("uid", m.uid);
        o.end();
        e.str("reason", self.reason).str("reportingComponent", self.component).str("reportingInstance", self.host.unwrap_or(""));
        let mut o = e.object("source");
        o.str("component", self.component);
        if let Some(host) = self.host {
            o.str("host", host);
        }
        o.end();
        e.str("type", self.type_);
        e.end();
        out
    }
}

#[cfg(test)]
mod tests {
    use super::UidKey;

    #[test]
    fn uid_keys_tell_every_uid_apart() {
        let uids = ["8c1e4f2a-0b3d-4e5f-9a6b-7c8d9e0f1a2b", "8c1e4f2a-0b3d-4e5f-9a6b-7c8d9e0f1a2c", "8C1E4F2A-0B3D-4E5F-9A6B-7C8D9E0F1A2B", "8c1e4f2a0b3d4e5f9a6b7c8d9e0f1a2b", "", "x", "8c1e4f2a-0b3d-4e5f-9a6b-7c8d9e0f1a2g"];
        let keys: Vec<UidKey> = uids.iter().map(|u| UidKey::of(u)).collect();
        assert!(matches!(keys[0], UidKey::Uuid(_)));
        assert!(keys[2..].iter().all(|k| matches!(k, UidKey::Text(_))));
        for (i, a) in keys.iter().enumerate() {
            for (j, b) in keys.iter().enumerate() {
                assert_eq!(i == j, a == b, "{} {}", uids[i], uids[j]);
            }
        }
        assert_eq!(UidKey::of(uids[0]), UidKey::of(uids[0]));
    }

    /// A field write in place leaves every earlier version as it was: in the watch
    /// log, and in a snapshot a component still holds (which makes it copy instead).
    #[test]
    fn a_field_written_in_place_keeps_earlier_versions() {
        use super::{Cluster, ClusterConfig, ObjKey};
        use serde_json::json;
        let mut c = crate::bootstrap::create_kind_cluster(ClusterConfig::kind_default("kind"), 1, crate::time::EPOCH_START);
        let key = ObjKey { resource: "configmaps".into(), namespace: "default".into(), name: "cm".into() };
        c.insert_quiet(key.clone(), json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "cm", "namespace": "default"}, "data": {"a": "1"}}));
        let first = c.resource_version();
        // Nothing else holds the tree: changed in place.
        assert!(c.set_field(&key, "data", json!({"a": "2"})));
        // A snapshot is held: the write copies, the snapshot stays.
        let held = c.get_shared(&key).unwrap();
        assert!(c.set_field(&key, "data", json!({"a": "3"})));
        assert_eq!(held["data"]["a"], "2");
        drop(held);
        assert!(c.set_field(&key, "data", json!({"a": "4"})));
        let logged: Vec<(String, String)> = c
            .events_since(first - 1)
            .filter(|e| e.key == key)
            .map(|e| (e.object.value()["data"]["a"].as_str().unwrap().to_string(), e.object.value()["metadata"]["resourceVersion"].as_str().unwrap().to_string()))
            .collect();
        let versions: Vec<String> = (first..first + 4).map(|v| v.to_string()).collect();
        let want: Vec<(String, String)> = ["1", "2", "3", "4"].iter().map(|s| s.to_string()).zip(versions).collect();
        assert_eq!(logged, want);
        assert_eq!(c.get(&key).unwrap()["data"]["a"], "4");
        assert_eq!(Cluster::resource_version(&c), first + 3);
    }

    /// An event's packed text, written from its parts, is that of its `Value`.
    #[test]
    fn an_events_text_is_its_values() {
        use super::{EventMetaText, EventText, InvolvedText};
        use crate::store::value_text;
        use serde_json::json;
        for (path, host) in [(Some("spec.containers{web}"), Some("kind-worker")), (None, None)] {
            let event = EventText {
                first_timestamp: "2026-12-01T00:00:00Z",
                involved_object: InvolvedText { api_version: &json!("v1"), field_path: path, kind: "Pod", name: &json!("web"), namespace: "default", resource_version: &json!("7"), uid: &json!("u-1") },
                message: "Started container \"web\"\n",
                metadata: EventMetaText { name: "web.1", namespace: "default", resource_version: "8", uid: "u-2" },
                reason: "Started",
                component: "kubelet",
                host,
                type_: "Normal",
            };
            let mut involved = json!({"apiVersion": "v1", "kind": "Pod", "name": "web", "namespace": "default", "resourceVersion": "7", "uid": "u-1"});
            if let Some(p) = path {
                involved["fieldPath"] = json!(p);
            }
            let mut source = json!({"component": "kubelet"});
            if let Some(h) = host {
                source["host"] = json!(h);
            }
            let value = json!({
                "apiVersion": "v1", "count": 1, "eventTime": null, "firstTimestamp": "2026-12-01T00:00:00Z",
                "involvedObject": involved, "kind": "Event", "lastTimestamp": "2026-12-01T00:00:00Z",
                "message": "Started container \"web\"\n",
                "metadata": {"creationTimestamp": "2026-12-01T00:00:00Z", "name": "web.1", "namespace": "default", "resourceVersion": "8", "uid": "u-2"},
                "reason": "Started", "reportingComponent": "kubelet", "reportingInstance": host.unwrap_or(""), "source": source, "type": "Normal",
            });
            assert_eq!(String::from_utf8_lossy(&event.text()), String::from_utf8_lossy(&value_text(&value)));
        }
    }

    /// Events expire an hour after their last write, as with kube-apiserver's
    /// `--event-ttl=1h`.
    mod event_ttl {
        use super::super::{Cluster, ClusterConfig, WatchKind, EVENT_TTL_MS};
        use crate::{Method, Request};
        use serde_json::{json, Value};

        const MIN: u64 = 60_000;

        fn cluster() -> Cluster {
            crate::bootstrap::create_kind_cluster(ClusterConfig::kind_default("kind"), 1, crate::time::EPOCH_START)
        }

        fn pod() -> Value {
            json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "web", "namespace": "default", "uid": "0b6f1c8e-2f4a-4d7e-9c1b-3a5d7e9f1b2c", "resourceVersion": "900"}})
        }

        fn back_off(c: &mut Cluster) {
            c.emit_event(&pod(), Some("spec.containers{web}"), "Normal", "BackOff", "kubelet/kind-control-plane", "Back-off restarting failed container web in pod web_default(0b6f1c8e)".into());
        }

        /// The events about the pod: (name, count).
        fn events(c: &Cluster) -> Vec<(String, i64)> {
            c.list("events", Some("default")).into_iter().filter(|e| e["involvedObject"]["name"] == "web").map(|e| (e["metadata"]["name"].as_str().unwrap_or("").to_string(), e["count"].as_i64().unwrap_or(0))).collect()
        }

        /// The expiry index and the correlator's index hold exactly the stored events.
        fn assert_indexes_hold_the_store(c: &Cluster) {
            let stored: Vec<_> = c.objects().filter(|(k, _)| k.resource == "events" || k.resource == "events.events.k8s.io").map(|(k, _)| k.clone()).collect();
            assert_eq!(c.event_ttl.keys(), stored);
            for nanos in c.event_index.values() {
                assert!(stored.iter().any(|k| crate::event_ttl::recorder_name(&k.name).map(|(_, n)| n) == Some(*nanos)), "event_index names a removed event .{nanos:x}");
            }
            assert_eq!(c.event_expiry_at.is_some(), !stored.is_empty());
        }

        #[test]
        fn a_bumped_event_outlives_its_first_expiry() {
            let mut c = cluster();
            let t0 = c.now();
            back_off(&mut c);
            let name = events(&c)[0].0.clone();
            c.advance_to(t0 + 30 * MIN);
            back_off(&mut c);
            assert_eq!(events(&c), [(name.clone(), 2)]);
            c.advance_to(t0 + EVENT_TTL_MS + MIN);
            assert_eq!(events(&c), [(name.clone(), 2)], "the bump set its time to live again");
            assert_indexes_hold_the_store(&c);
            let rv = c.resource_version();
            c.advance_to(t0 + 30 * MIN + EVENT_TTL_MS - 1);
            assert_eq!(events(&c).len(), 1);
            c.advance_to(t0 + 30 * MIN + EVENT_TTL_MS);
            assert_eq!(events(&c), []);
            // Its removal is a deletion as any other, with no event of its own.
            let deleted: Vec<_> = c.events_since(rv).map(|w| (w.kind, w.key.name.to_string())).collect();
            assert_eq!(deleted, [(WatchKind::Deleted, name)]);
            assert_indexes_hold_the_store(&c);
            assert!(c.next_timer().is_none(), "no event is left, so no expiry is pending");
        }

        #[test]
        fn an_expired_events_identity_makes_a_fresh_event() {
            let mut c = cluster();
            let t0 = c.now();
            back_off(&mut c);
            back_off(&mut c);
            let first = events(&c);
            assert_eq!(first[0].1, 2);
            c.advance_to(t0 + EVENT_TTL_MS);
            assert_eq!(events(&c), []);
            assert!(c.event_index.is_empty() && c.event_ttl.len() == 0, "every event is older than an hour");
            back_off(&mut c);
            let again = events(&c);
            assert_eq!(again.len(), 1);
            assert_ne!(again[0].0, first[0].0);
            assert_eq!(again[0].1, 1);
            assert_indexes_hold_the_store(&c);
        }

        #[test]
        fn a_users_events_expire_after_their_last_write() {
            let mut c = cluster();
            let t0 = c.now();
            let body = json!({"apiVersion": "v1", "kind": "Event", "metadata": {"name": "note"}, "involvedObject": {"kind": "Pod", "name": "web", "namespace": "default"}, "reason": "Note", "message": "by hand"});
            let r = c.handle(&Request::new(Method::Post, "/api/v1/namespaces/default/events").body(body));
            assert_eq!(r.code, 201, "{}", r.body);
            let body = json!({"apiVersion": "events.k8s.io/v1", "kind": "Event", "metadata": {"name": "note2"}, "eventTime": "2026-11-30T09:00:20.000000Z", "reportingController": "me/x", "reportingInstance": "me", "action": "Noted", "reason": "Note", "type": "Normal", "regarding": {"kind": "Pod", "name": "web", "namespace": "default"}});
            let r = c.handle(&Request::new(Method::Post, "/apis/events.k8s.io/v1/namespaces/default/events").body(body));
            assert_eq!(r.code, 201, "{}", r.body);
            c.advance_to(t0 + 40 * MIN);
            let mut e = c.handle(&Request::get("/api/v1/namespaces/default/events/note")).body;
            e["message"] = json!("by hand, again");
            let r = c.handle(&Request::new(Method::Put, "/api/v1/namespaces/default/events/note").body(e));
            assert_eq!(r.code, 200, "{}", r.body);
            c.advance_to(t0 + EVENT_TTL_MS);
            assert_eq!(events(&c).len(), 1, "the update set its time to live again");
            assert_eq!(c.handle(&Request::get("/apis/events.k8s.io/v1/namespaces/default/events/note2")).code, 404);
            c.advance_to(t0 + 40 * MIN + EVENT_TTL_MS);
            assert_eq!(events(&c), []);
            assert_indexes_hold_the_store(&c);
        }

        /// The external provisioner's events have a `/` in their component, written
        /// after they are emitted: their identity is still found when they go.
        #[test]
        fn every_identity_goes_with_its_event() {
            let mut c = cluster();
            let t0 = c.now();
            let pvc = json!({"apiVersion": "v1", "kind": "PersistentVolumeClaim", "metadata": {"name": "data"}, "spec": {"accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": "1Gi"}}}});
            let r = c.handle(&Request::new(Method::Post, "/api/v1/namespaces/default/persistentvolumeclaims").body(pvc));
            assert_eq!(r.code, 201, "{}", r.body);
            let pod = json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "user"}, "spec": {"containers": [{"name": "main", "image": "nginx:1.25.3"}], "volumes": [{"name": "d", "persistentVolumeClaim": {"claimName": "data"}}]}});
            let r = c.handle(&Request::new(Method::Post, "/api/v1/namespaces/default/pods").body(pod));
            assert_eq!(r.code, 201, "{}", r.body);
            c.advance_to(t0 + 60_000);
            let sources: Vec<String> = c.list("events", Some("default")).iter().map(|e| e["source"]["component"].as_str().unwrap_or("").to_string()).collect();
            assert!(sources.iter().any(|s| s.contains('/')), "{sources:?}");
            assert_indexes_hold_the_store(&c);
            c.handle(&Request::new(Method::Delete, "/api/v1/namespaces/default/pods/user"));
            c.advance_to(t0 + 60_000 + EVENT_TTL_MS);
            assert_indexes_hold_the_store(&c);
            assert!(c.event_index.is_empty(), "{} identities left", c.event_index.len());
        }

        #[test]
        fn deleting_an_event_forgets_its_identity() {
            let mut c = cluster();
            back_off(&mut c);
            back_off(&mut c);
            let (name, _) = events(&c)[0].clone();
            let r = c.handle(&Request::new(Method::Delete, format!("/api/v1/namespaces/default/events/{name}")));
            assert_eq!(r.code, 200, "{}", r.body);
            assert_indexes_hold_the_store(&c);
            let t = c.now();
            c.advance_to(t + 1_000);
            back_off(&mut c);
            let again = events(&c);
            assert_eq!(again.len(), 1);
            assert_ne!(again[0].0, name);
            assert_eq!(again[0].1, 1);
            assert_indexes_hold_the_store(&c);
        }
    }
}
