//! The kubelet and a fake container runtime: pulls images from the catalogue, starts
//! and stops containers, restarts them with back-off, and writes pod status.
//!
//! The runtime's view (`Runtime`) is the truth about containers; pod status is
//! rendered from it after every change, as the kubelet's status manager does.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{json, Value};

use crate::cluster::{Cluster, ObjKey, Timer, WatchEvent};
use crate::images::{self, ImageRef, Process};
use crate::network::{NetAnswer, NetCall};
use crate::process::{NetRecord, NetView, ProcessNet, ProcessRequest, ProcessRun};
use crate::time::{rfc3339, Millis};

/// The back-off the kubelet applies to image pulls and crashing containers.
const BACKOFF_INITIAL_MS: Millis = 10_000;
const BACKOFF_MAX_MS: Millis = 300_000;
/// How long the pod sandbox (network namespace, IP) takes to come up.
const SANDBOX_MS: Millis = 1_000;
/// From a pod's binding to the kubelet's pod worker handling the addition, when the
/// eviction manager's admission is to reject it.
pub const ADMISSION_MS: Millis = 200;

/// What the runtime knows, per node and per pod.
#[derive(Debug, Clone, Default)]
pub struct Runtime {
    /// By pod uid. Only ever looked up by key, never walked, so its order cannot reach
    /// any output: hashed (with fixed keys), a lookup costs one comparison of the uid,
    /// where a tree compares it with a dozen others. Boxed, a record stays put when the
    /// table grows, which then moves only pointers.
    pods: std::collections::HashMap<String, Box<PodRuntime>, std::hash::BuildHasherDefault<std::hash::DefaultHasher>>,
    /// Images present on each node (`docker.io/library/nginx:1.25.3`).
    pub(crate) node_images: BTreeMap<String, BTreeSet<String>>,
    /// The last pod IP handed out per node index (host-local IPAM continues after it).
    pub(crate) last_ip: BTreeMap<usize, u32>,
    pub(crate) released_ips: BTreeSet<String>,
    /// The HPA controller's memory, by HPA uid.
    pub(crate) hpas: BTreeMap<String, crate::hpa::HpaState>,
    /// Prober workers by (pod uid, container, probe type).
    pub(crate) probes: BTreeMap<(String, String, crate::probes::ProbeKind), crate::probes::Worker>,
    /// The eviction manager's memory, by node name (`crate::eviction_manager`).
    pub(crate) eviction: BTreeMap<String, crate::eviction_manager::NodeState>,
    /// Pods bound while their node's eviction manager would reject them, by uid: when
    /// the kubelet's pod worker handles the addition (see [`ADMISSION_MS`]).
    admitting: BTreeMap<String, Millis>,
    /// Requests that reached each server container recently (the load on it).
    pub(crate) served: crate::hpa::Served,
    /// The environment a container was last created with: the next one created with
    /// the same (every replica of a template) shares it.
    last_env: std::sync::Arc<[(String, String)]>,
    /// The files a container was last created with: the next one's files of the same
    /// path and text (a ConfigMap's, the cluster's CA certificate) share them.
    last_files: Vec<(String, FileText)>,
    /// The nodes' names in order (see [`node_index`]).
    node_order: NodeOrder,
    /// The service-link variables of each namespace (see [`crate::podenv::resolve_env`]).
    pub(crate) service_links: crate::podenv::ServiceLinks,
    /// The nodes' memory capacities (see [`crate::eviction_manager::watch_node`]).
    pub(crate) capacities: crate::eviction_manager::Capacities,
    /// The image names a container's status was last given (see [`ContainerRt::name_image`]).
    last_image_names: Option<std::sync::Arc<ImageNames>>,
}

/// The nodes' names in store order, as of a resourceVersion: a pod's host IP follows
/// its node's place among them, which only a node added or removed changes (they are
/// read again after any node write, which is rare).
#[derive(Debug, Clone, Default)]
struct NodeOrder {
    /// `None` until first read.
    as_of: Option<u64>,
    names: Vec<compact_str::CompactString>,
}

/// The text of a file a container sees (shared by the containers that see the same).
type FileText = std::sync::Arc<str>;

/// `files`, sharing the text of each one that `known` has at the same path.
fn share_files(known: &[(String, FileText)], files: Vec<(String, String)>) -> Vec<(String, FileText)> {
    files
        .into_iter()
        .map(|(path, text)| {
            let shared = known.iter().find(|(p, t)| *p == path && **t == *text).map(|(_, t)| t.clone());
            (path, shared.unwrap_or_else(|| text.into()))
        })
        .collect()
}

#[derive(Debug, Clone)]
struct PodRuntime {
    key: ObjKey,
    node: String,
    ip: Option<String>,
    sandbox_ready_at: Option<Millis>,
    containers: Vec<ContainerRt>,
    /// When each condition last changed: (status, time).
    conditions: Conditions,
    deleting_until: Option<Millis>,
    stopped: bool,
    /// The eviction manager evicted the pod: when, and the message.
    evicted: Option<(Millis, String)>,
    /// What the status was last rendered from (see [`status_inputs`]), and the pod's
    /// resourceVersion then.
    status_memo: Option<(u64, Box<[u8]>)>,
}

#[derive(Debug, Clone, PartialEq)]
enum State {
    Waiting { reason: String, message: Option<String> },
    Running { started: Millis },
    /// `id` is the runtime's id of the container that ended.
    Terminated { code: i32, reason: String, started: Millis, finished: Millis, message: Option<String>, id: Option<String> },
}

/// What the kubelet will do next for one container.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Next {
    Nothing,
    Pull,
    PullDone,
    PullFailed,
    Start,
    Exit,
    Restart,
    /// A pod sync during an image pull back-off: the kubelet reports it again.
    PullBackOffSync,
}

#[derive(Debug, Clone)]
struct ContainerRt {
    name: String,
    image: String,
    state: State,
    last: Option<State>,
    restarts: u32,
    ready: bool,
    /// The startup probe has succeeded (or there is none) for the current run.
    started: bool,
    /// An ephemeral (debug) container: never restarted, not part of readiness.
    ephemeral: bool,
    /// The kubelet is stopping the container (a failed liveness or startup probe):
    /// the exit code its process ends with.
    killed: Option<i32>,
    /// The kernel's OOM killer ended it (memory over the limit).
    oom: bool,
    /// The last start failed with `CreateContainerConfigError`.
    config_retry: bool,
    /// The environment the current run was created with (shared with the other
    /// containers created with the same one).
    env: std::sync::Arc<[(String, String)]>,
    /// The files of its volume mounts, as the kubelet last synced them.
    files: Vec<(String, FileText)>,
    /// What its server answers on `/`, when the process read it from a file at start.
    body: Option<String>,
    started_once: bool,
    /// The container was killed to be recreated (its definition changed); its next
    /// start counts as a restart.
    relaunch: bool,
    next: Next,
    next_at: Millis,
    backoff: Millis,
    pull_started: Millis,
    /// When a failed pull is tried again.
    retry_at: Millis,
    container_id: Option<String>,
    /// The log of the current and previous run.
    pub logs: Vec<LogLine>,
    pub previous_logs: Vec<LogLine>,
    /// The current run of the container's own command (see `crate::process`).
    own: OwnProcess,
    /// The names its status gives its image (see [`ContainerRt::name_image`]).
    image_names: Option<std::sync::Arc<ImageNames>>,
}

/// An image reference and the names a container's status gives it: the full
/// reference and the image ID (`repository@sha256:…`).
#[derive(Debug)]
struct ImageNames {
    image: String,
    full: String,
    id: String,
}

impl ImageNames {
    fn of(image: &str) -> ImageNames {
        let reference = ImageRef::parse(image);
        let full = reference.full();
        let id = [reference.repository.as_str(), "@sha256:", &digest(&full)].concat();
        ImageNames { image: image.to_string(), full, id }
    }
}

impl ContainerRt {
    /// Gives [`ContainerRt::image_names`] the current image's names, unless it has
    /// them: those of `last` (the last container named, most likely a replica of the
    /// same template) when they are for the same image, which it then shares.
    fn name_image(&mut self, last: &mut Option<std::sync::Arc<ImageNames>>) {
        if self.image_names.as_ref().is_some_and(|n| n.image == self.image) {
            return;
        }
        let names = match last {
            Some(names) if names.image == self.image => names.clone(),
            _ => last.insert(std::sync::Arc::new(ImageNames::of(&self.image))).clone(),
        };
        self.image_names = Some(names);
    }
}

/// A container's own command as the process runner ran it: what it prints later,
/// and how far it was run.
#[derive(Debug, Clone, Default)]
struct OwnProcess {
    /// Output not yet in the log, by the instant it is printed.
    pending: std::collections::VecDeque<(Millis, String)>,
    /// The revealed output after its last newline.
    partial: String,
    /// The exit code the process ends with (at `next_at` of `Next::Exit`).
    exit_code: Option<i32>,
    /// The runtime failed to start it (`StartError`); the message.
    start_error: Option<String>,
    /// When the process was run up to while it still runs: it is run again further then.
    horizon: Option<Millis>,
    /// How far the last run went, and its step budget (both grow when run again).
    horizon_ms: Millis,
    budget: u64,
    argv: Vec<String>,
    started: Millis,
    /// The instant of the pending `Timer::Output` for this container.
    wake: Option<Millis>,
    /// Bytes of output moved into the log so far (a run again from the start skips them).
    revealed: usize,
    /// Network answers settled at the instant the process asked (the clock has passed
    /// them), in call order; a run again gets the same answers for these calls.
    journal: Vec<NetRecord>,
    /// Calls the run made ahead of the clock, answered as the cluster was then; each is
    /// asked again when the clock reaches it.
    speculated: std::collections::VecDeque<NetRecord>,
    /// When the speculated answers were last checked.
    checked_at: Millis,
    /// Which ready endpoint of a Service each call reaches (a stream of the pod's).
    seed: u64,
    /// How many of the journal's calls are filed with the servers they reached.
    filed: usize,
    /// The cluster's answers as they were when the process last ran from its start
    /// with fresh answers: a run taken further answers its new calls from them, as
    /// the whole run would have.
    view: NetView,
    /// The last run paused here (it is taken this far, see `pause_after`): it goes
    /// further when the clock gets here.
    paused: Option<Millis>,
    /// The instant of the pending `Timer::Output` that takes the run further.
    pause_wake: Option<Millis>,
}

/// Starts tracking every pod that was bound to a node since the last sync.
pub fn sync_all(cluster: &mut Cluster) {
    // Only pods written since the last look can need anything.
    cluster.visit_queued("pods", |d| &mut d.kubelet, sync_pod);
}

/// The pod worker handles a pod whose addition waited (see [`ADMISSION_MS`]).
pub fn handle_addition(cluster: &mut Cluster, key: &ObjKey, uid: &str) {
    if cluster.get(key).is_some_and(|p| p["metadata"]["uid"] == uid) {
        sync_pod(cluster, key);
    }
    cluster.runtime.admitting.remove(uid);
}

fn sync_pod(cluster: &mut Cluster, key: &ObjKey) {
    {
        let key = key.clone();
        let Some(pod) = cluster.get(&key) else { return };
        let Some(node) = pod["spec"]["nodeName"].as_str().filter(|n| !n.is_empty()) else { return };
        let uid = pod["metadata"]["uid"].as_str().unwrap_or("");
        if !pod["metadata"]["deletionTimestamp"].is_null() {
            return;
        }
        if let Some(rt) = cluster.runtime.pods.get(uid) {
            // Most writes of a pod the kubelet runs are its own status writes: look
            // before copying anything (what follows acts only on these two).
            let specs = pod["spec"]["containers"].as_array().map(Vec::as_slice).unwrap_or_default();
            let image_changed = rt.containers.iter().any(|c| {
                specs.iter().find(|s| s["name"].as_str().unwrap_or("") == c.name).is_some_and(|s| s["image"].as_str().unwrap_or("") != c.image)
            });
            let ephemeral_added = pod["spec"]["ephemeralContainers"].as_array().into_iter().flatten().any(|e| {
                let name = e["name"].as_str().unwrap_or("");
                !rt.containers.iter().any(|c| c.name == name)
            });
            if !image_changed && !ephemeral_added {
                return;
            }
            let uid = uid.to_string();
            let images: Vec<(String, String)> = pod["spec"]["containers"]
                .as_array()
                .into_iter()
                .flatten()
                .map(|c| (c["name"].as_str().unwrap_or("").to_string(), c["image"].as_str().unwrap_or("").to_string()))
                .collect();
            let ephemeral = pod["spec"]["ephemeralContainers"].clone();
            restart_changed_containers(cluster, &key, &uid, &images);
            add_ephemeral_containers(cluster, &key, &uid, &ephemeral);
            return;
        }
        let (node, uid) = (node.to_string(), uid.to_string());
        if pod["status"]["phase"] == "Running" {
            // Pods the bootstrap created already running have no runtime state to drive.
            return;
        }
        if matches!(pod["status"]["phase"].as_str(), Some("Succeeded" | "Failed")) {
            // A pod the kubelet rejected stays as it is.
            return;
        }
        let admitted = match cluster.runtime.admitting.get(&uid) {
            // The pod worker has not handled the addition yet.
            Some(at) if *at > cluster.now => return,
            // Handled now (`handle_addition` forgets the entry).
            Some(_) => crate::eviction_manager::admit(cluster, &node, pod),
            None => match crate::eviction_manager::admit(cluster, &node, pod) {
                Err(_) => {
                    // A rejection is what the kubelet decides when it handles the pod's
                    // addition, a moment after the binding; without that moment a
                    // ReplicaSet replacing its rejected pods would loop within one instant.
                    let at = cluster.now + ADMISSION_MS;
                    cluster.runtime.admitting.insert(uid.clone(), at);
                    cluster.schedule(at, Timer::Admission { pod: key.clone(), uid });
                    return;
                }
                admitted => admitted,
            },
        };
        if let Err(message) = admitted {
            // `rejectPod`: an event, and a Failed status with nothing else.
            let source = format!("kubelet/{node}");
            let pod = pod.clone();
            cluster.emit_event(&pod, None, "Warning", "Evicted", &source, message.clone());
            let now = cluster.now;
            cluster.modify(&key, |p| {
                p["status"] = json!({
                    "message": format!("Pod was rejected: {message}"),
                    "phase": "Failed",
                    "qosClass": p["status"]["qosClass"].clone(),
                    "reason": "Evicted",
                    "startTime": rfc3339(now),
                });
            });
            return;
        }
        let containers = pod["spec"]["containers"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|c| ContainerRt {
                name: c["name"].as_str().unwrap_or("").to_string(),
                image: c["image"].as_str().unwrap_or("").to_string(),
                state: State::Waiting { reason: "ContainerCreating".into(), message: None },
                last: None,
                restarts: 0,
                ready: false,
                started: false,
                ephemeral: false,
                killed: None,
                oom: false,
                config_retry: false,
                env: Default::default(),
                files: Vec::new(),
                body: None,
                started_once: false,
                relaunch: false,
                next: Next::Pull,
                next_at: cluster.now + SANDBOX_MS,
                backoff: 0,
                pull_started: 0,
                retry_at: 0,
                container_id: None,
                logs: Vec::new(),
                previous_logs: Vec::new(),
                own: OwnProcess::default(),
                image_names: None,
            })
            .collect();
        let now = cluster.now;
        let mut conditions = Conditions::default();
        conditions.insert("PodReadyToStartContainers", (false, now, None));
        conditions.insert("Initialized", (true, now, None));
        conditions.insert("Ready", (false, now, Some("ContainersNotReady")));
        conditions.insert("ContainersReady", (false, now, Some("ContainersNotReady")));
        let rt = PodRuntime {
            key: key.clone(),
            node,
            ip: None,
            sandbox_ready_at: None,
            containers,
            conditions,
            deleting_until: None,
            stopped: false,
            evicted: None,
            status_memo: None,
        };
        cluster.runtime.pods.insert(uid.clone(), Box::new(rt));
        write_status(cluster, &uid);
        if let Some(pod) = cluster.get_shared(&key) {
            crate::probes::add_pod(cluster, &key, &uid, &pod);
        }
        // The pod worker's phase within the sync period (from the uid, so that the
        // cluster's random stream is left alone).
        let first_sync = now + SYNC_PERIOD_MS + crate::rng::fnv32a(uid.as_bytes()) as Millis % (SYNC_PERIOD_MS / 2);
        cluster.schedule(first_sync, Timer::PodSync { pod: key.clone(), uid: uid.clone() });
        cluster.schedule(now + SANDBOX_MS, Timer::Kubelet { pod: key, uid });
    }
}

/// Regular containers, then ephemeral ones.
fn all_container_specs(pod: &Value) -> Vec<Value> {
    ["containers", "ephemeralContainers"].iter().flat_map(|f| pod["spec"][*f].as_array().cloned().unwrap_or_default()).collect()
}

/// Ephemeral containers added through `pods/ephemeralcontainers` start like any
/// other (pull, create, start), after the regular ones in the runtime's list.
fn add_ephemeral_containers(cluster: &mut Cluster, key: &ObjKey, uid: &str, ephemeral: &Value) {
    let now = cluster.now;
    let Some(rt) = cluster.runtime.pods.get_mut(uid) else { return };
    let mut added = false;
    for e in ephemeral.as_array().into_iter().flatten() {
        let name = e["name"].as_str().unwrap_or("").to_string();
        if rt.containers.iter().any(|c| c.name == name) {
            continue;
        }
        let mut c = rt.containers.first().cloned().map(fresh).unwrap_or_else(|| fresh_blank(now));
        c.name = name;
        c.image = e["image"].as_str().unwrap_or("").to_string();
        c.ephemeral = true;
        c.next = Next::Pull;
        c.next_at = now + 300;
        rt.containers.push(c);
        added = true;
    }
    if added {
        cluster.schedule(now + 300, Timer::Kubelet { pod: key.clone(), uid: uid.to_string() });
    }
}

/// A container record with nothing run yet, keeping only the shape of `c`.
fn fresh(c: ContainerRt) -> ContainerRt {
    fresh_blank(c.next_at)
}

fn fresh_blank(_at: Millis) -> ContainerRt {
    ContainerRt {
        name: String::new(),
        image: String::new(),
        state: State::Waiting { reason: "ContainerCreating".into(), message: None },
        last: None,
        restarts: 0,
        ready: false,
        started: false,
        ephemeral: false,
        killed: None,
        oom: false,
        config_retry: false,
        env: Default::default(),
        files: Vec::new(),
        body: None,
        started_once: false,
        relaunch: false,
        next: Next::Nothing,
        next_at: 0,
        backoff: 0,
        pull_started: 0,
        retry_at: 0,
        container_id: None,
        logs: Vec::new(),
        previous_logs: Vec::new(),
        own: OwnProcess::default(),
        image_names: None,
    }
}

/// The learner left an attached session: the shell the container runs on stdin (an
/// ephemeral debug container's, or one `kubectl attach -it` joined) exits.
pub fn end_session(cluster: &mut Cluster, namespace: &str, pod: &str, container: &str, status: i32) {
    let key = ObjKey::pod(namespace, pod);
    let Some(uid) = cluster.get(&key).and_then(|p| p["metadata"]["uid"].as_str().map(String::from)) else { return };
    let now = cluster.now;
    let Some(rt) = cluster.runtime.pods.get_mut(&uid) else { return };
    let Some(c) = rt.containers.iter_mut().find(|c| c.name == container) else { return };
    if matches!(c.state, State::Running { .. }) {
        c.killed = Some(status);
        c.next = Next::Exit;
        c.next_at = now + 50;
        cluster.schedule(now + 50, Timer::Kubelet { pod: key, uid });
    }
}

/// A container whose image changed in the pod spec is killed and created again
/// with the new image (`computePodActions`: "definition changed").
fn restart_changed_containers(cluster: &mut Cluster, key: &ObjKey, uid: &str, images: &[(String, String)]) {
    let now = cluster.now;
    // Most syncs change nothing: look before taking the runtime record and a copy of
    // the pod (the loop below only acts on a container whose image changed).
    let differs = cluster.runtime.pods.get(uid).is_some_and(|rt| {
        rt.containers.iter().any(|c| images.iter().find(|(n, _)| *n == c.name).is_some_and(|(_, image)| *image != c.image))
    });
    if !differs && cluster.get(key).is_some() {
        return;
    }
    let Some(mut rt) = cluster.runtime.pods.remove(uid) else { return };
    let Some(pod) = cluster.get(key).cloned() else { return };
    let source = format!("kubelet/{}", rt.node);
    let mut changed = false;
    for c in rt.containers.iter_mut() {
        let Some((_, image)) = images.iter().find(|(n, _)| *n == c.name) else { continue };
        if *image == c.image {
            continue;
        }
        changed = true;
        let path = format!("spec.containers{{{}}}", c.name);
        if let State::Running { started } = c.state {
            cluster.emit_event(&pod, Some(&path), "Normal", "Killing", &source, format!("Container {} definition changed, will be restarted", c.name));
            c.last = Some(State::Terminated { code: 2, reason: "Error".into(), started, finished: now, message: None, id: c.container_id.clone() });
            c.relaunch = true;
        } else if c.started_once {
            c.relaunch = true;
        }
        c.image = image.clone();
        c.ready = false;
        c.backoff = 0;
        c.next = Next::Pull;
        c.next_at = now + 500;
    }
    let wake = rt.containers.iter().filter(|c| c.next != Next::Nothing).map(|c| c.next_at).min();
    cluster.runtime.pods.insert(uid.to_string(), rt);
    if changed {
        write_status(cluster, uid);
        if let Some(at) = wake {
            cluster.schedule(at, Timer::Kubelet { pod: key.clone(), uid: uid.to_string() });
        }
    }
}

/// The kubelet's work for one pod at the current instant.
pub fn step(cluster: &mut Cluster, key: &ObjKey, uid: &str) {
    let now = cluster.now;
    // (The key's text goes back with the record.)
    let Some((uid_key, mut rt)) = cluster.runtime.pods.remove_entry(uid) else { return };
    let Some(pod) = cluster.get_shared(key) else { return };
    if pod["metadata"]["uid"].as_str() != Some(uid) {
        return;
    }
    // Deletion: stop containers, then remove the pod.
    if let Some(until) = rt.deleting_until {
        if !rt.stopped {
            rt.stopped = true;
            for c in rt.containers.iter_mut() {
                if matches!(c.state, State::Running { .. }) {
                    let path = format!("spec.containers{{{}}}", c.name);
                    cluster.emit_event(&pod, Some(&path), "Normal", "Killing", &format!("kubelet/{}", rt.node), format!("Stopping container {}", c.name));
                }
            }
            let stop_at = rt.containers.iter().map(|c| stop_time(&pod, c, now)).max().unwrap_or(now).min(until);
            cluster.runtime.pods.insert(uid_key, rt);
            cluster.schedule(stop_at, Timer::Kubelet { pod: key.clone(), uid: uid.to_string() });
            return;
        }
        if let Some(ip) = &rt.ip {
            cluster.runtime.released_ips.insert(ip.clone());
        }
        cluster.remove(key);
        return;
    }
    if rt.sandbox_ready_at.is_none() && now >= rt.containers.first().map(|c| c.next_at).unwrap_or(now) {
        rt.sandbox_ready_at = Some(now);
        let node_index = node_index(cluster, &rt.node);
        let ip = if pod["spec"]["hostNetwork"] == true {
            crate::network::node_ip(node_index)
        } else {
            crate::network::assign_pod_ip(cluster, node_index)
        };
        rt.ip = Some(ip);
        rt.conditions.insert("PodReadyToStartContainers", (true, now, None));
    }
    let restart_policy = pod["spec"]["restartPolicy"].as_str().unwrap_or("Always");
    // (Texts of every step are put together with `concat`, cheaper than `format!`.)
    let source = ["kubelet/", &rt.node].concat();
    // Regular containers first, then ephemeral ones, in the runtime's order.
    let command_of: Vec<&Value> = ["containers", "ephemeralContainers"].iter().flat_map(|f| pod["spec"][*f].as_array().into_iter().flatten()).collect();
    let pulls_always = |i: usize| command_of.get(i).is_some_and(|c| c["imagePullPolicy"] == "Always");
    let evicted = rt.evicted.is_some();
    // A container whose command cannot start ends in the same sync: a second pass
    // records its exit before the status is written.
    for pass in 0..2 {
    if pass == 1 && !rt.containers.iter().any(|c| c.own.start_error.is_some() && c.next == Next::Exit && c.next_at <= now) {
        break;
    }
    for i in 0..rt.containers.len() {
        let c = &mut rt.containers[i];
        if c.next == Next::Nothing || c.next_at > now || pass == 1 && c.own.start_error.is_none() {
            continue;
        }
        let path = [if c.ephemeral { "spec.ephemeralContainers{" } else { "spec.containers{" }, &c.name, "}"].concat();
        match c.next {
            Next::Pull => {
                let node_has = cluster.runtime.node_images.get(&rt.node).is_some_and(|s| s.contains(&ImageRef::parse(&c.image).full()));
                if node_has && !pulls_always(i) {
                    let msg = ["Container image \"", &c.image, "\" already present on machine"].concat();
                    cluster.emit_event(&pod, Some(&path), "Normal", "Pulled", &source, msg);
                    c.next = Next::Start;
                    c.next_at = now + 100 + cluster.rng.below(200);
                } else {
                    cluster.emit_event(&pod, Some(&path), "Normal", "Pulling", &source, ["Pulling image \"", &c.image, "\""].concat());
                    c.pull_started = now;
                    match images::find(&c.image) {
                        Some(img) => {
                            // About 20 MB/s from the registry, plus a round trip.
                            let ms = 600 + img.size / 20_000 + cluster.rng.below(700);
                            c.next = Next::PullDone;
                            c.next_at = now + ms;
                        }
                        None => {
                            c.next = Next::PullFailed;
                            c.next_at = now + 900 + cluster.rng.below(900);
                        }
                    }
                    // While a retried pull runs, the container keeps showing its
                    // back-off reason until the pull ends.
                }
            }
            Next::PullDone => {
                let size = images::find(&c.image).map(|i| i.size).unwrap_or(0);
                cluster.runtime.node_images.entry(rt.node.clone()).or_default().insert(ImageRef::parse(&c.image).full());
                let took = go_duration(now - c.pull_started);
                let msg = format!("Successfully pulled image \"{}\" in {took} ({took} including waiting). Image size: {size} bytes.", c.image);
                cluster.emit_event(&pod, Some(&path), "Normal", "Pulled", &source, msg);
                c.backoff = 0;
                c.next = Next::Start;
                c.next_at = now + 100 + cluster.rng.below(200);
            }
            Next::PullFailed => {
                let reference = ImageRef::parse(&c.image);
                let full = reference.full();
                let why = if images::repository_exists(&c.image) {
                    format!("{full}: not found")
                } else {
                    "pull access denied, repository does not exist or may require authorization: server message: insufficient_scope: authorization failed".to_string()
                };
                let detail = format!("rpc error: code = NotFound desc = failed to pull and unpack image \"{full}\": failed to resolve reference \"{full}\": {why}");
                let detail = if images::repository_exists(&c.image) {
                    detail
                } else {
                    format!("failed to pull and unpack image \"{full}\": failed to resolve reference \"{full}\": {why}")
                        .replace("failed to pull and unpack", "rpc error: code = Unknown desc = failed to pull and unpack")
                };
                cluster.emit_event(&pod, Some(&path), "Warning", "Failed", &source, format!("Failed to pull image \"{}\": {detail}", c.image));
                cluster.emit_event(&pod, Some(&path), "Warning", "Failed", &source, "Error: ErrImagePull".to_string());
                c.state = State::Waiting { reason: "ErrImagePull".into(), message: Some(detail) };
                c.backoff = if c.backoff == 0 { BACKOFF_INITIAL_MS } else { (c.backoff * 2).min(BACKOFF_MAX_MS) };
                // The pod worker's next sync shows the back-off; the pull is retried
                // when the back-off ends.
                c.retry_at = now + c.backoff;
                c.next = Next::Restart;
                c.next_at = now + 4_000 + cluster.rng.below(4_000);
            }
            Next::Restart if matches!(c.state, State::Waiting { ref reason, .. } if reason == "ErrImagePull") => {
                let msg = format!("Back-off pulling image \"{}\"", c.image);
                cluster.emit_event(&pod, Some(&path), "Normal", "BackOff", &source, msg.clone());
                cluster.emit_event(&pod, Some(&path), "Warning", "Failed", &source, "Error: ImagePullBackOff".to_string());
                c.state = State::Waiting { reason: "ImagePullBackOff".into(), message: Some(msg) };
                schedule_backoff_sync(c, now, cluster.rng.below(10_000));
            }
            Next::PullBackOffSync => {
                // The pod worker syncs about every half minute while the pull backs
                // off, and each sync reports the back-off again (the notes'
                // "Back-off pulling image ... (x72 over 37m)").
                let msg = format!("Back-off pulling image \"{}\"", c.image);
                cluster.emit_event(&pod, Some(&path), "Normal", "BackOff", &source, msg);
                cluster.emit_event(&pod, Some(&path), "Warning", "Failed", &source, "Error: ImagePullBackOff".to_string());
                schedule_backoff_sync(c, now, cluster.rng.below(10_000));
            }
            Next::Start | Next::Restart => {
                // `generateContainerConfig`: the environment is resolved when the
                // container is created; a missing ConfigMap, Secret or key stops it
                // here, and the pod worker tries again at its next sync.
                let env = match crate::podenv::resolve_env(cluster, &pod, command_of[i]) {
                    Ok(env) if *env == *cluster.runtime.last_env => cluster.runtime.last_env.clone(),
                    Ok(env) => {
                        let env: std::sync::Arc<[(String, String)]> = env.into();
                        cluster.runtime.last_env = env.clone();
                        env
                    }
                    Err(message) => {
                        if c.config_retry || c.next == Next::Restart {
                            let msg = format!("Container image \"{}\" already present on machine", c.image);
                            cluster.emit_event(&pod, Some(&path), "Normal", "Pulled", &source, msg);
                        }
                        cluster.emit_event(&pod, Some(&path), "Warning", "Failed", &source, format!("Error: {message}"));
                        if matches!(c.state, State::Terminated { .. }) {
                            c.last = Some(c.state.clone());
                        }
                        c.state = State::Waiting { reason: "CreateContainerConfigError".into(), message: Some(message) };
                        c.config_retry = true;
                        c.next_at = now + 10_000 + cluster.rng.below(5_000);
                        continue;
                    }
                };
                let was_retry = std::mem::replace(&mut c.config_retry, false);
                if c.relaunch && c.next == Next::Start {
                    c.relaunch = false;
                    c.restarts += 1;
                    c.previous_logs = std::mem::take(&mut c.logs);
                }
                if c.next == Next::Restart {
                    c.restarts += 1;
                    if matches!(c.state, State::Terminated { .. }) {
                        c.last = Some(c.state.clone());
                    }
                    c.previous_logs = std::mem::take(&mut c.logs);
                    if pulls_always(i) {
                        // `Always` pulls again before every start; the layers are
                        // there, so only the manifest round trip is paid.
                        cluster.emit_event(&pod, Some(&path), "Normal", "Pulling", &source, format!("Pulling image \"{}\"", c.image));
                        let took = go_duration(300 + cluster.rng.below(600));
                        let size = images::find(&c.image).map(|i| i.size).unwrap_or(0);
                        let msg = format!("Successfully pulled image \"{}\" in {took} ({took} including waiting). Image size: {size} bytes.", c.image);
                        cluster.emit_event(&pod, Some(&path), "Normal", "Pulled", &source, msg);
                    } else {
                        let msg = format!("Container image \"{}\" already present on machine", c.image);
                        cluster.emit_event(&pod, Some(&path), "Normal", "Pulled", &source, msg);
                    }
                } else if was_retry {
                    let msg = format!("Container image \"{}\" already present on machine", c.image);
                    cluster.emit_event(&pod, Some(&path), "Normal", "Pulled", &source, msg);
                }
                cluster.emit_event(&pod, Some(&path), "Normal", "Created", &source, ["Created container: ", &c.name].concat());
                let files = crate::podenv::mounted_files(cluster, &pod, command_of[i]);
                // A debug container kept open on stdin runs its command while kubectl is
                // attached (the attach runs it and ends the container with its status).
                let attached = c.ephemeral && command_of[i]["stdin"] == true;
                let own = if attached { None } else { run_own_command(cluster, &pod, rt.ip.as_deref().unwrap_or(""), command_of[i], &c.image, &env, &files, now) };
                c.own = OwnProcess::default();
                if let Some((_, _, ProcessRun::NotFound { program }, _)) = &own {
                    // The runtime creates the container but cannot exec its command.
                    let message = format!("failed to create containerd task: failed to create shim task: OCI runtime create failed: runc create failed: unable to start container process: error during container init: exec: \"{program}\": executable file not found in $PATH: unknown");
                    cluster.emit_event(&pod, Some(&path), "Warning", "Failed", &source, format!("Error: {message}"));
                    c.container_id = Some(cluster.rng.hex(32));
                    c.started_once = true;
                    c.killed = None;
                    c.env = env;
                    c.files = share_files(&cluster.runtime.last_files, files);
                    cluster.runtime.last_files = c.files.clone();
                    c.started = false;
                    c.ready = false;
                    c.own.start_error = Some(message.clone());
                    c.state = State::Waiting { reason: "RunContainerError".into(), message: Some(message) };
                    c.next = Next::Exit;
                    c.next_at = now;
                    continue;
                }
                cluster.emit_event(&pod, Some(&path), "Normal", "Started", &source, ["Started container ", &c.name].concat());
                c.container_id = Some(cluster.rng.hex(32));
                c.state = State::Running { started: now };
                c.started_once = true;
                c.killed = None;
                c.env = env;
                c.files = share_files(&cluster.runtime.last_files, files);
                cluster.runtime.last_files = c.files.clone();
                // The image's catalogue entry, found once for what follows.
                let found = images::find(&c.image);
                c.body = served_body(found, &c.files);
                let spec = &command_of[i];
                c.started = !spec["startupProbe"].is_object();
                c.ready = c.started && !spec["readinessProbe"].is_object() && !c.ephemeral;
                let behaviour = behaviour_with(command_of[i], found);
                let port = match found.map(|i| &i.process) {
                    Some(Process::Server { port, port_env, .. }) => {
                        port_env.as_ref().and_then(|var| c.env.iter().find(|(k, _)| k == var)).and_then(|(_, v)| v.parse::<u16>().ok()).unwrap_or(*port)
                    }
                    _ => 0,
                };
                c.logs = behaviour.logs(now, port);
                match behaviour.exit_after {
                    Some((after, _)) => {
                        c.next = Next::Exit;
                        c.next_at = now + after;
                    }
                    None => c.next = Next::Nothing,
                }
                if attached {
                    c.next = Next::Nothing;
                }
                if let Some((argv, seed, ProcessRun::Ran { output, exit, running_until, calls, paused }, view)) = own {
                    // The command ran in the shell: its output and exit replace the
                    // catalogue's description.
                    c.logs.clear();
                    c.own.pending = output.into_iter().map(|(at, text)| (now + at, text)).collect();
                    c.own.argv = argv;
                    c.own.started = now;
                    c.own.horizon_ms = FIRST_HORIZON_MS;
                    c.own.budget = FIRST_STEP_BUDGET;
                    c.own.seed = seed;
                    c.own.view = view;
                    c.own.checked_at = now;
                    settle_calls(c, calls, now, false);
                    file_served(cluster, c);
                    match exit {
                        Some((at, code)) => {
                            c.own.exit_code = Some(code);
                            c.next = Next::Exit;
                            c.next_at = now + at.max(100);
                        }
                        None if paused => {
                            c.next = Next::Nothing;
                            c.own.paused = Some(now + running_until);
                        }
                        None => {
                            c.next = Next::Nothing;
                            c.own.horizon = (running_until >= FIRST_HORIZON_MS).then_some(now + running_until);
                        }
                    }
                    reveal_due(c, now);
                    schedule_output(cluster, uid, c);
                }
                // Memory over the limit: the cgroup's OOM killer ends the process as
                // soon as its allocations reach the limit.
                let demand = crate::resources_model::memory_demand(spec, &c.image);
                if let Some(limit) = crate::resources_model::memory_limit(spec).filter(|l| demand > *l) {
                    let ramp = 150 + (limit / (1 << 20)).min(2_000) * 2 + cluster.rng.below(200);
                    if c.next == Next::Nothing || c.next_at > now + ramp {
                        c.killed = Some(137);
                        c.oom = true;
                        c.next = Next::Exit;
                        c.next_at = now + ramp;
                    }
                }
            }
            Next::Exit => {
                let started = match c.state {
                    State::Running { started } => started,
                    _ => now,
                };
                // What the process printed up to now is in the log; the rest never is.
                reveal_due(c, now);
                let rest = std::mem::take(&mut c.own.partial);
                if !rest.is_empty() {
                    c.logs.push(rest.into());
                }
                c.own.pending.clear();
                c.own.horizon = None;
                c.own.paused = None;
                let start_error = c.own.start_error.take();
                let oom = std::mem::replace(&mut c.oom, false);
                let code = match c.killed.take() {
                    Some(code) => code,
                    None if start_error.is_some() => 128,
                    None => match c.own.exit_code.take() {
                        Some(code) => code,
                        None => behaviour_of(command_of[i], &c.image).exit_after.map(|(_, code)| code).unwrap_or(0),
                    },
                };
                c.started = false;
                let reason = if start_error.is_some() {
                    "StartError"
                } else if oom {
                    "OOMKilled"
                } else if code == 0 {
                    "Completed"
                } else {
                    "Error"
                };
                // A process that never started reports Go's zero time as its start.
                let started = if start_error.is_some() { 0 } else { started };
                c.state = State::Terminated { code, reason: reason.into(), started, finished: now, message: start_error.clone(), id: c.container_id.clone() };
                c.ready = false;
                let restart = match restart_policy {
                    _ if c.ephemeral || evicted => false,
                    "Never" => false,
                    "OnFailure" => code != 0,
                    _ => true,
                };
                if restart {
                    // The first restart is immediate; then 10 s doubling to 5 min.
                    let delay = c.backoff;
                    c.backoff = if c.backoff == 0 { BACKOFF_INITIAL_MS } else { (c.backoff * 2).min(BACKOFF_MAX_MS) };
                    if delay > 0 {
                        c.next = Next::Restart;
                        c.next_at = now + 1_000;
                        // The kubelet reports the back-off at its next sync.
                        let pod_ref = format!("{}_{}({})", key.name, key.namespace, uid);
                        let backoff_msg = format!("back-off {} restarting failed container={} pod={pod_ref}", go_duration_coarse(delay), c.name);
                        cluster.emit_event(&pod, Some(&path), "Warning", "BackOff", &source, format!("Back-off restarting failed container {} in pod {pod_ref}", c.name));
                        c.last = Some(c.state.clone());
                        c.state = State::Waiting { reason: "CrashLoopBackOff".into(), message: Some(backoff_msg) };
                        c.next_at = now + delay;
                    } else {
                        c.next = Next::Restart;
                        c.next_at = now + 1_000;
                    }
                } else {
                    c.next = Next::Nothing;
                }
                // Until the next start, the pod worker reports the failed start.
                if let (Some(message), State::Terminated { .. }, Next::Restart) = (start_error, &c.state, c.next) {
                    c.last = Some(c.state.clone());
                    c.state = State::Waiting { reason: "RunContainerError".into(), message: Some(message) };
                }
            }
            Next::Nothing => {}
        }
    }
    }
    // The pod's next wake-up.
    let wake = rt.containers.iter().filter(|c| c.next != Next::Nothing).map(|c| c.next_at).min();
    let node = rt.node.clone();
    cluster.runtime.pods.insert(uid_key, rt);
    // Let go of the snapshot: the status write then changes the stored pod in place.
    drop(command_of);
    drop(pod);
    write_status(cluster, uid);
    if let Some(at) = wake {
        cluster.schedule(at, Timer::Kubelet { pod: key.clone(), uid: uid.to_string() });
    }
    // What the node's containers use changed: the eviction manager may have work.
    crate::eviction_manager::watch_node(cluster, &node);
}

/// How far a container's own command is run at first, and with how many shell steps;
/// a process still running then is run again four times as far (up to two days).
const FIRST_HORIZON_MS: Millis = 3_600_000;
const FIRST_STEP_BUDGET: u64 = 200_000;
const MAX_HORIZON_MS: Millis = 2 * 86_400_000;

/// A run goes ahead of the calls it replays by as many again (at least this many)
/// and pauses there: a busy client's answers change while a Service scales, and each
/// change runs it again from its start, so it is taken further in steps, each from
/// its start with the answers it had, rather than the whole horizon at once.
const PAUSE_CALLS: usize = 256;

/// Where a run that replays `known` calls pauses.
fn pause_after(known: usize) -> usize {
    known + known.max(PAUSE_CALLS)
}

/// The argv of a container whose command the process runner runs: one that sets
/// `command` (or `args` of an image without an entrypoint), unless it is `stress`
/// (the usage model's) or a shell kept open on stdin for an attached session.
fn own_command(spec: &Value, image: &str) -> Option<Vec<String>> {
    let words: Vec<String> = ["command", "args"].iter().flat_map(|f| spec[*f].as_array().cloned().unwrap_or_default()).filter_map(|v| v.as_str().map(String::from)).collect();
    let args_replace_cmd = spec["command"].is_null() && matches!(images::find(image).map(|i| &i.process), Some(Process::Exit { .. }));
    if words.is_empty() || !(spec["command"].is_array() || args_replace_cmd) || crate::resources_model::stress_args(&words).is_some() {
        return None;
    }
    let shell_only = words.len() == 1 && matches!(words[0].rsplit('/').next().unwrap_or(""), "sh" | "bash" | "ash");
    if spec["stdin"] == true && shell_only {
        return None;
    }
    Some(words)
}

/// Runs a container's own command through the installed runner (`None`: no runner,
/// not its own command, or one the runner cannot model).
#[allow(clippy::too_many_arguments)]
fn run_own_command(cluster: &Cluster, pod: &Value, ip: &str, spec: &Value, image: &str, env: &[(String, String)], files: &[(String, String)], now: Millis) -> Option<(Vec<String>, u64, ProcessRun, NetView)> {
    let runner = cluster.process_runner.clone()?;
    let words = own_command(spec, image)?;
    let argv: Vec<String> = words.iter().map(|w| crate::process::expand(w, env)).collect();
    let namespace = pod["metadata"]["namespace"].as_str().unwrap_or("");
    let seed = own_seed(pod["metadata"]["uid"].as_str().unwrap_or(""), spec["name"].as_str().unwrap_or(""), now);
    let net = KubeletNet { cluster, namespace, pod_ip: ip, seed, journal: &[], view: std::cell::RefCell::new(NetView::new(true)) };
    let request = ProcessRequest {
        image,
        argv: &argv,
        env,
        files,
        namespace,
        pod: pod["metadata"]["name"].as_str().unwrap_or(""),
        pod_ip: ip,
        start: now,
        horizon_ms: FIRST_HORIZON_MS,
        step_budget: FIRST_STEP_BUDGET,
        pause_after_calls: pause_after(0),
        net: &net,
    };
    let run = runner.run(&request)?;
    Some((argv, seed, run, net.view.into_inner()))
}

/// The stream a container's run draws its Services' endpoints from: derived from
/// the pod's uid (itself from the cluster's seeded generator) and the start.
fn own_seed(uid: &str, container: &str, started: Millis) -> u64 {
    let text = format!("{uid}/{container}/{started}");
    ((crate::rng::fnv32a(text.as_bytes()) as u64) << 32) | crate::rng::fnv32a(format!("{text}#").as_bytes()) as u64
}

/// The network as a container's process sees it (see [`ProcessNet`]).
struct KubeletNet<'a> {
    cluster: &'a Cluster,
    namespace: &'a str,
    pod_ip: &'a str,
    seed: u64,
    journal: &'a [NetRecord],
    /// The cluster's answers as it is at the run (asked once per call and pick).
    view: std::cell::RefCell<NetView>,
}

impl ProcessNet for KubeletNet<'_> {
    fn call(&self, index: usize, at: Millis, call: &NetCall) -> NetAnswer {
        match self.journal.get(index) {
            Some(r) if r.at == at && r.call == *call => r.answer.clone(),
            _ => answer_in(&mut self.view.borrow_mut(), self.cluster, self.namespace, self.pod_ip, self.seed, index, call),
        }
    }
}

/// How the cluster answers a process's `index`-th call (as `view` keeps it): a
/// Service's endpoint is the one the process's stream picks for that call.
fn answer_in(view: &mut NetView, cluster: &Cluster, namespace: &str, pod_ip: &str, seed: u64, index: usize, call: &NetCall) -> NetAnswer {
    let mut draw = crate::rng::SimRng::new(seed ^ (index as u64).wrapping_mul(0x9e37_79b9_7f4a_7c15));
    view.answer(call, &mut |n| draw.below(n as u64) as usize, &|call, pick| crate::network::pod_call(cluster, namespace, pod_ip, call, pick))
}

/// Files a run's calls: those the clock has reached are settled, the rest are
/// checked when it reaches them. Calls already settled keep their answers, and so do
/// the ones made ahead of the clock when the run only went further (`further`).
fn settle_calls(c: &mut ContainerRt, calls: Vec<NetRecord>, now: Millis, further: bool) {
    if !further {
        c.own.speculated.clear();
    }
    for record in calls.into_iter().skip(c.own.journal.len() + c.own.speculated.len()) {
        if c.own.started + record.at <= now && c.own.speculated.is_empty() {
            c.own.journal.push(record);
        } else {
            c.own.speculated.push_back(record);
        }
    }
}

/// Files the requests the container's newly settled calls made to servers, at the
/// instant each reached its server (`crate::hpa::load_on` counts them).
fn file_served(cluster: &mut Cluster, c: &mut ContainerRt) {
    let started = c.own.started;
    let mut any = false;
    for record in c.own.journal.iter().skip(c.own.filed) {
        if let NetAnswer::Connect { route: crate::network::Route::Listener { pod, container, .. }, response_ms, .. } = &record.answer {
            cluster.runtime.served.record(pod, container, started + record.at, *response_ms);
            any = true;
        }
    }
    c.own.filed = c.own.journal.len();
    if any {
        cluster.runtime.served.prune(cluster.now);
    }
}

/// Whether an answer the clock reached is the one the run had: the same, or the same
/// server answering within a tenth of the time (its response time follows its load,
/// which moves with every request; a run again is for a different answer).
fn same_answer(now: &NetAnswer, had: &NetAnswer) -> bool {
    match (now, had) {
        (NetAnswer::Connect { resolved: r1, route: t1, response_ms: m1 }, NetAnswer::Connect { resolved: r2, route: t2, response_ms: m2 }) => {
            r1 == r2 && t1 == t2 && m1.abs_diff(*m2) * 10 <= (*m1).max(*m2)
        }
        _ => now == had,
    }
}

/// Asks the cluster again each call the clock has reached; true when one is answered
/// differently now (the process must run again from there). Answers that hold are
/// settled.
fn check_calls(cluster: &Cluster, namespace: &str, pod_ip: &str, c: &mut ContainerRt, now: Millis) -> bool {
    c.own.checked_at = now;
    let mut view = NetView::new(false);
    while let Some(record) = c.own.speculated.front() {
        if c.own.started + record.at > now {
            break;
        }
        let index = c.own.journal.len();
        if !same_answer(&answer_in(&mut view, cluster, namespace, pod_ip, c.own.seed, index, &record.call), &record.answer) {
            c.own.speculated.clear();
            return true;
        }
        if let Some(record) = c.own.speculated.pop_front() {
            c.own.journal.push(record);
        }
    }
    false
}

/// How often at most the kubelet checks a busy client's answers again (a loop that
/// calls every 10 ms is checked once a second, with the network as it is then).
const CHECK_EVERY_MS: Millis = 1_000;

/// Moves what the process printed up to `now` into the log, line by line.
fn reveal_due(c: &mut ContainerRt, now: Millis) {
    while c.own.pending.front().is_some_and(|(at, _)| *at <= now) {
        let Some((_, text)) = c.own.pending.pop_front() else { break };
        c.own.revealed += text.len();
        c.own.partial.push_str(&text);
    }
    while let Some(pos) = c.own.partial.find('\n') {
        let line = c.own.partial[..pos].to_string();
        c.own.partial.drain(..=pos);
        c.logs.push(line.into());
    }
}

/// Wakes the kubelet when the process ends a line next, reaches a network call made
/// ahead of the clock, or reaches its horizon; and, apart, when the clock reaches the
/// instant its run paused at (the run goes further then).
fn schedule_output(cluster: &mut Cluster, uid: &str, c: &mut ContainerRt) {
    let line = c.own.pending.iter().find(|(_, text)| text.contains('\n')).map(|(at, _)| *at);
    let call = c.own.speculated.front().map(|r| (c.own.started + r.at).max(c.own.checked_at + CHECK_EVERY_MS));
    let next = line.into_iter().chain(call).chain(c.own.horizon).min();
    if let Some(at) = next {
        if c.own.wake != Some(at) {
            c.own.wake = Some(at);
            cluster.schedule(at, Timer::Output { uid: uid.to_string(), container: c.name.clone() });
        }
    }
    if let Some(at) = c.own.paused {
        if c.own.pause_wake != Some(at) {
            c.own.pause_wake = Some(at);
            cluster.schedule(at, Timer::Output { uid: uid.to_string(), container: c.name.clone() });
        }
    }
}

/// `Timer::Output`: a container's process printed something, reached a network call
/// it made ahead of the clock (asked again now: when the answer changed, the process
/// runs again from there), or ran as far as it was run (and is run again further);
/// or the clock reached the instant its run paused at, and the run goes further.
pub(crate) fn reveal_output(cluster: &mut Cluster, uid: &str, container: &str) {
    let now = cluster.now;
    let runner = cluster.process_runner.clone();
    let Some(mut rt) = cluster.runtime.pods.remove(uid) else { return };
    let (namespace, pod_name) = (rt.key.namespace.clone(), rt.key.name.clone());
    let ip = rt.ip.clone().unwrap_or_default();
    let mut exit_at = None;
    if let Some(c) = rt.containers.iter_mut().find(|c| c.name == container && (c.own.wake == Some(now) || c.own.pause_wake == Some(now))) {
        let running = matches!(c.state, State::Running { .. });
        if c.own.pause_wake == Some(now) {
            c.own.pause_wake = None;
            if let (true, Some(runner), Some(true)) = (running, runner.as_deref(), c.own.paused.map(|p| p <= now)) {
                // The same run, further: the same horizon, budget and answers.
                exit_at = run_again(cluster, runner, c, &namespace, &pod_name, &ip, now, c.own.horizon_ms, c.own.budget, false);
            }
        } else {
            c.own.wake = None;
            let changed = running && check_calls(cluster, &namespace, &ip, c, now);
            if let (true, Some(runner)) = (changed, runner.as_deref()) {
                // The same budget and horizon as the run it replaces.
                exit_at = run_again(cluster, runner, c, &namespace, &pod_name, &ip, now, c.own.horizon_ms, c.own.budget, true);
            }
            reveal_due(c, now);
            if let (Some(h), Some(runner), State::Running { .. }) = (c.own.horizon, runner.as_deref(), &c.state) {
                if h <= now {
                    c.own.horizon = None;
                    let horizon_ms = (c.own.horizon_ms * 4).min(MAX_HORIZON_MS);
                    let budget = c.own.budget * 4;
                    exit_at = run_again(cluster, runner, c, &namespace, &pod_name, &ip, now, horizon_ms, budget, true).or(exit_at);
                }
            }
            file_served(cluster, c);
        }
        schedule_output(cluster, uid, c);
    }
    let key = rt.key.clone();
    cluster.runtime.pods.insert(uid.to_string(), rt);
    if let Some(at) = exit_at {
        cluster.schedule(at, Timer::Kubelet { pod: key, uid: uid.to_string() });
    }
}

/// Runs a container's process again from its start, with the network answers settled
/// so far: what it printed beyond what the log has is pending, and its exit replaces
/// the one it had. Returns when the kubelet must see it exit. With `fresh`, calls past
/// the settled ones are answered as the cluster is now; otherwise the run only goes
/// further than the one it follows (which paused), with the same answers, and keeps
/// what that one found.
#[allow(clippy::too_many_arguments)]
fn run_again(cluster: &Cluster, runner: &dyn crate::process::ProcessRunner, c: &mut ContainerRt, namespace: &str, pod_name: &str, ip: &str, now: Millis, horizon_ms: Millis, budget: u64, fresh: bool) -> Option<Millis> {
    let mut fresh = fresh;
    let mut exit_at = None;
    let files: Vec<(String, String)> = c.files.iter().map(|(p, t)| (p.clone(), t.to_string())).collect();
    loop {
        let journal = std::mem::take(&mut c.own.journal);
        let view = if fresh { NetView::new(true) } else { std::mem::take(&mut c.own.view) };
        let known = journal.len() + if fresh { 0 } else { c.own.speculated.len() };
        let net = KubeletNet { cluster, namespace, pod_ip: ip, seed: c.own.seed, journal: &journal, view: std::cell::RefCell::new(view) };
        let request = ProcessRequest {
            image: &c.image,
            argv: &c.own.argv,
            env: &c.env,
            files: &files,
            namespace,
            pod: pod_name,
            pod_ip: ip,
            start: c.own.started,
            horizon_ms,
            step_budget: budget,
            pause_after_calls: pause_after(known),
            net: &net,
        };
        let run = runner.run(&request);
        c.own.view = net.view.into_inner();
        c.own.journal = journal;
        let Some(ProcessRun::Ran { output, exit, running_until, calls, paused }) = run else {
            c.own.paused = None;
            return exit_at;
        };
        let started = c.own.started;
        // The same process, run again: what the log has is the same, only the rest is
        // new (further: what is pending is the same too).
        let mut skip = c.own.revealed;
        if fresh {
            c.own.pending.clear();
        } else {
            skip += c.own.pending.iter().map(|(_, text)| text.len()).sum::<usize>();
        }
        for (at, text) in output {
            if skip >= text.len() {
                skip -= text.len();
                continue;
            }
            while !text.is_char_boundary(skip) {
                skip += 1;
            }
            let rest = text[skip..].to_string();
            skip = 0;
            c.own.pending.push_back(((started + at).max(now), rest));
        }
        c.own.horizon_ms = horizon_ms;
        c.own.budget = budget;
        settle_calls(c, calls, now, !fresh);
        let own_exit = c.next == Next::Exit && c.killed.is_none() && c.own.exit_code.is_some();
        if own_exit {
            c.next = Next::Nothing;
            c.own.exit_code = None;
        }
        c.own.paused = None;
        match exit {
            Some((at, code)) => {
                c.own.horizon = None;
                if c.next == Next::Nothing {
                    c.own.exit_code = Some(code);
                    c.next = Next::Exit;
                    c.next_at = (started + at.max(100)).max(now);
                    exit_at = Some(c.next_at);
                }
            }
            None if paused => {
                c.own.horizon = None;
                c.own.paused = Some(started + running_until);
            }
            None => {
                let until = started + running_until;
                c.own.horizon = (running_until >= horizon_ms && horizon_ms < MAX_HORIZON_MS && until > now).then_some(until);
            }
        }
        // A run that paused at an instant the clock has passed goes further at once.
        if c.own.paused.is_none_or(|p| p > now) {
            return exit_at;
        }
        fresh = false;
    }
}

/// The next sync during an image pull back-off, or the retried pull when the
/// back-off ends first.
fn schedule_backoff_sync(c: &mut ContainerRt, now: Millis, jitter: Millis) {
    let sync = now + 25_000 + jitter;
    if sync < c.retry_at {
        c.next = Next::PullBackOffSync;
        c.next_at = sync;
    } else {
        c.next = Next::Pull;
        c.next_at = c.retry_at.max(now);
    }
}

/// The node's place among the nodes (0 when it is gone).
fn node_index(cluster: &mut Cluster, node: &str) -> usize {
    let rv = cluster.resource_version();
    cluster.runtime.node_order.place(&cluster.objects, &cluster.watch_log, rv, node)
}

impl NodeOrder {
    /// [`node_index`], with the store at resourceVersion `rv` and its watch log.
    fn place(&mut self, objects: &crate::store::Store, watch_log: &[(u64, WatchEvent)], rv: u64, node: &str) -> usize {
        let unchanged = self.as_of.is_some_and(|as_of| none_written_since(watch_log, rv, as_of, |e| e.key.resource == "nodes"));
        let start = ObjKey { resource: "nodes".into(), namespace: Default::default(), name: Default::default() };
        let names = || objects.keys_from(start.clone()).take_while(|k| k.resource == start.resource).map(|k| k.name.clone());
        if !unchanged {
            self.names = names().collect();
        }
        debug_assert!(self.names.iter().cloned().eq(names()), "the nodes changed, yet the watch log shows no node written");
        self.as_of = Some(rv);
        self.names.binary_search_by(|n| n.as_str().cmp(node)).unwrap_or(0)
    }
}

/// Whether no write after resourceVersion `as_of` (the store being at `rv`) is one
/// `relevant` picks out, as the watch log tells: every write bumps the resourceVersion
/// by one and is logged, and the log is trimmed from its start. False when the log no
/// longer reaches back to `as_of`.
pub(crate) fn none_written_since(watch_log: &[(u64, WatchEvent)], rv: u64, as_of: u64, relevant: impl Fn(&WatchEvent) -> bool) -> bool {
    let since = watch_log.partition_point(|(r, _)| *r <= as_of);
    let complete = since > 0 || watch_log.first().map_or(rv == as_of, |(r, _)| *r == as_of + 1);
    complete && !watch_log[since..].iter().any(|(_, e)| relevant(e))
}

/// When a container stopped at `now` is gone: servers exit on SIGTERM at once; a
/// shell running `sleep` as PID 1 ignores it and is killed at the end of the grace
/// period.
fn stop_time(pod: &Value, c: &ContainerRt, now: Millis) -> Millis {
    // A container that has already exited has nothing to stop: it cannot ignore SIGTERM.
    if !matches!(c.state, State::Running { .. }) {
        return now + 300;
    }
    let spec = pod["spec"]["containers"].as_array().and_then(|cs| cs.iter().find(|x| x["name"] == c.name.as_str())).cloned().unwrap_or(Value::Null);
    match behaviour_of(&spec, &c.image).ignores_sigterm {
        true => Millis::MAX,
        false => now + 300,
    }
}

/// A line of a container's log: one the image's catalogue entry holds (every replica
/// of an image logs the same) or one written for this container.
pub(crate) type LogLine = std::borrow::Cow<'static, str>;

fn catalogue_lines(lines: &'static [String]) -> Vec<LogLine> {
    lines.iter().map(|l| LogLine::Borrowed(l.as_str())).collect()
}

/// What a container's process does, from its command or the image's default.
struct Behaviour {
    exit_after: Option<(Millis, i32)>,
    ignores_sigterm: bool,
    lines: Vec<LogLine>,
    go_lines: Vec<String>,
}

impl Behaviour {
    fn logs(&self, now: Millis, port: u16) -> Vec<LogLine> {
        let port = port.to_string();
        let stamp = go_log_stamp(now);
        let mut out: Vec<LogLine> = self.lines.clone();
        out.extend(self.go_lines.iter().map(|l| LogLine::Owned(format!("{stamp} {}", l.replace("{port}", &port)))));
        out
    }
}

fn behaviour_of(container: &Value, image: &str) -> Behaviour {
    behaviour_with(container, images::find(image))
}

/// [`behaviour_of`] with the image's catalogue entry (`None`: not in the catalogue).
fn behaviour_with(container: &Value, found: Option<&'static images::Image>) -> Behaviour {
    let words: Vec<String> = ["command", "args"]
        .iter()
        .flat_map(|f| container[*f].as_array().cloned().unwrap_or_default())
        .filter_map(|v| v.as_str().map(String::from))
        .collect();
    if images::command_runs_own_binary(container) {
        // The image's own server started with its own options.
        let mut plain = container.clone();
        if let Some(o) = plain.as_object_mut() {
            o.remove("command");
            o.remove("args");
        }
        return behaviour_with(&plain, found);
    }
    // `args` alone replace the CMD of an image without an entrypoint (busybox's `sh`).
    let args_replace_cmd = container["command"].is_null() && matches!(found.map(|i| &i.process), Some(Process::Exit { .. }));
    if let Some(stress) = crate::resources_model::stress_args(&words) {
        let hogs = format!("stress: info: [1] dispatching hogs: {} cpu, 0 io, {} vm, 0 hdd", stress.cpu, stress.vm);
        let exit_after = stress.timeout_s.map(|t| (t * 1000, 0));
        // Under cgroup v2 the kubelet asks for the whole container to be OOM-killed
        // at once (memory.oom.group), so stress never gets to log its FAIL lines.
        // stress sets no signal handlers: as a container's PID 1 it ignores SIGTERM and
        // is killed when the grace period ends (137).
        return Behaviour { exit_after, ignores_sigterm: true, lines: vec![hogs.into()], go_lines: Vec::new() };
    }
    // A shell with stdin open (an attached debug container) runs until the session ends.
    let shell_first = words.first().map(|w| w.rsplit('/').next().unwrap_or(w)).is_some_and(|w| matches!(w, "sh" | "bash" | "ash"));
    if container["stdin"] == true && (words.len() == 1 && shell_first || words.is_empty() && found.is_some_and(|i| i.shell)) {
        return Behaviour { exit_after: None, ignores_sigterm: true, lines: Vec::new(), go_lines: Vec::new() };
    }
    if !words.is_empty() && (!container["command"].is_null() || args_replace_cmd) {
        let script = words.join(" ");
        let long_running = script.contains("sleep infinity") || script.contains("while ") || script.contains("tail -f");
        if long_running {
            return Behaviour { exit_after: None, ignores_sigterm: true, lines: Vec::new(), go_lines: Vec::new() };
        }
        // A script of steps and sleeps runs for the sum of its sleeps.
        let toks: Vec<&str> = script.split(|ch: char| ch.is_whitespace() || ch == ';').filter(|w| !w.is_empty()).collect();
        let secs: Option<u64> = toks.windows(2).filter(|w| w[0] == "sleep").map(|w| w[1].parse::<u64>().ok()).sum();
        if let Some(secs) = secs.filter(|_| toks.contains(&"sleep")) {
            return Behaviour { exit_after: Some((secs * 1000, 0)), ignores_sigterm: true, lines: Vec::new(), go_lines: Vec::new() };
        }
        return Behaviour { exit_after: Some((100, 0)), ignores_sigterm: false, lines: Vec::new(), go_lines: Vec::new() };
    }
    match found.map(|i| &i.process) {
        Some(Process::Server { logs, go_logs, .. }) => {
            Behaviour { exit_after: None, ignores_sigterm: false, lines: catalogue_lines(logs), go_lines: go_logs.clone() }
        }
        Some(Process::Exit { code, after_ms, logs }) => {
            Behaviour { exit_after: Some((*after_ms, *code)), ignores_sigterm: false, lines: catalogue_lines(logs), go_lines: Vec::new() }
        }
        None => Behaviour { exit_after: None, ignores_sigterm: false, lines: Vec::new(), go_lines: Vec::new() },
    }
}

/// Go's `log` prefix: `2024/08/15 15:02:39`.
fn go_log_stamp(t: Millis) -> String {
    let s = rfc3339(t);
    format!("{}/{}/{} {}", &s[0..4], &s[5..7], &s[8..10], &s[11..19])
}

/// Go's `time.Duration.String()` for a pull time: `3.456s`, `812ms`.
pub fn go_duration(ms: Millis) -> String {
    if ms < 1000 {
        return format!("{ms}ms");
    }
    let secs = ms / 1000;
    let frac = ms % 1000;
    let (m, s) = (secs / 60, secs % 60);
    let sec_part = if frac == 0 { format!("{s}s") } else { format!("{s}.{}s", format!("{frac:03}").trim_end_matches('0')) };
    if m > 0 {
        format!("{m}m{sec_part}")
    } else {
        sec_part
    }
}

/// Back-off durations as the kubelet prints them: `10s`, `1m20s`, `5m0s`.
fn go_duration_coarse(ms: Millis) -> String {
    let secs = ms / 1000;
    if secs >= 60 {
        format!("{}m{}s", secs / 60, secs % 60)
    } else {
        format!("{secs}s")
    }
}

/// Renders pod status from the runtime and writes it when it changed.
fn write_status(cluster: &mut Cluster, uid: &str) {
    let (now, rv) = (cluster.now, cluster.resource_version());
    // The runtime record and the stored pod, borrowed together (each looked up once).
    let Cluster { runtime, objects, watch_log, .. } = cluster;
    let Some(rt) = runtime.pods.get_mut(uid) else { return };
    let all_ready = rt.containers.iter().filter(|c| !c.ephemeral).all(|c| c.ready);
    let set = |rt: &mut PodRuntime, name: &'static str, value: bool, reason: Option<&'static str>| {
        let entry = rt.conditions.get(name);
        if entry.map(|(v, _, _)| v) != Some(value) {
            rt.conditions.insert(name, (value, now, reason));
        }
    };
    set(rt, "ContainersReady", all_ready, if all_ready { None } else { Some("ContainersNotReady") });
    set(rt, "Ready", all_ready, if all_ready { None } else { Some("ContainersNotReady") });
    // An evicted pod turns Failed once none of its containers can still run (the
    // status manager holds the terminal phase back until then); its sandbox is gone.
    let evicted_done = rt.evicted.is_some() && !rt.containers.iter().any(|c| matches!(c.state, State::Running { .. }) || c.next == Next::Exit);
    if evicted_done {
        set(rt, "PodReadyToStartContainers", false, None);
        for name in ["Ready", "ContainersReady"] {
            if let Some(entry) = rt.conditions.get_mut(name) {
                entry.2 = Some("PodFailed");
            }
        }
    }
    let Some(pod) = objects.get(&rt.key) else { return };
    // What the status is rendered from: when neither the runtime's part nor the pod
    // (its resourceVersion) changed since the last render, the status is the same.
    // The node's address follows its place among the nodes.
    let node_ip = crate::network::node_ip(runtime.node_order.place(objects, watch_log, rv, &rt.node));
    let inputs = status_inputs(rt, evicted_done, &node_ip);
    let version = crate::cluster::version_of(pod);
    if let (Some(rv), Some((memo_rv, memo))) = (version, &rt.status_memo) {
        if rv == *memo_rv && **memo == *inputs {
            return;
        }
    }
    for c in rt.containers.iter_mut() {
        c.name_image(&mut runtime.last_image_names);
    }
    let status = render_status(rt, pod, evicted_done, &node_ip, now);
    // Most steps leave the status as it was: then the pod is not copied to compare.
    let changed = pod["status"] != status;
    // A write bumps the store's resourceVersion once, to the pod's new one.
    let written_rv = rv + 1;
    rt.status_memo = if changed { Some(written_rv) } else { version }.map(|rv| (rv, inputs.into_boxed_slice()));
    if changed {
        let key = rt.key.clone();
        let written = cluster.set_field(&key, "status", status);
        debug_assert!(!written || cluster.get(&key).and_then(crate::cluster::version_of) == Some(written_rv), "a status write is one resourceVersion");
        if !written {
            if let Some(rt) = cluster.runtime.pods.get_mut(uid) {
                rt.status_memo = None;
            }
        }
    }
}

/// Everything [`render_status`] reads from the runtime, written out: with the pod's
/// resourceVersion (the rest it reads), equal inputs render the same status.
fn status_inputs(rt: &PodRuntime, evicted_done: bool, node_ip: &str) -> Vec<u8> {
    fn num(out: &mut Vec<u8>, n: u64) {
        out.extend_from_slice(&n.to_le_bytes());
    }
    fn text(out: &mut Vec<u8>, s: &str) {
        num(out, s.len() as u64);
        out.extend_from_slice(s.as_bytes());
    }
    fn opt_text(out: &mut Vec<u8>, s: Option<&str>) {
        match s {
            Some(s) => {
                out.push(1);
                text(out, s);
            }
            None => out.push(0),
        }
    }
    fn state(out: &mut Vec<u8>, s: &State) {
        match s {
            State::Waiting { reason, message } => {
                out.push(0);
                text(out, reason);
                opt_text(out, message.as_deref());
            }
            State::Running { started } => {
                out.push(1);
                num(out, *started);
            }
            State::Terminated { code, reason, started, finished, message, id } => {
                out.push(2);
                num(out, *code as i64 as u64);
                text(out, reason);
                num(out, *started);
                num(out, *finished);
                opt_text(out, message.as_deref());
                opt_text(out, id.as_deref());
            }
        }
    }
    let mut out = Vec::with_capacity(256);
    out.push(evicted_done as u8);
    text(&mut out, node_ip);
    opt_text(&mut out, rt.ip.as_deref());
    match &rt.evicted {
        Some((at, message)) => {
            out.push(1);
            num(&mut out, *at);
            text(&mut out, message);
        }
        None => out.push(0),
    }
    for entry in rt.conditions.0 {
        match entry {
            Some((v, at, reason)) => {
                out.push(1 + v as u8);
                num(&mut out, at);
                opt_text(&mut out, reason);
            }
            None => out.push(0),
        }
    }
    num(&mut out, rt.containers.len() as u64);
    for c in &rt.containers {
        text(&mut out, &c.name);
        text(&mut out, &c.image);
        state(&mut out, &c.state);
        match &c.last {
            Some(s) => {
                out.push(1);
                state(&mut out, s);
            }
            None => out.push(0),
        }
        num(&mut out, c.restarts as u64);
        let flags = [c.ready, c.started, c.ephemeral, c.started_once, c.next == Next::Nothing];
        out.push(flags.iter().enumerate().fold(0u8, |a, (i, f)| a | (*f as u8) << i));
        opt_text(&mut out, c.container_id.as_deref());
    }
    out
}

/// A pod's conditions the kubelet owns: status, when it last changed, and reason.
#[derive(Debug, Clone, Copy, Default)]
struct Conditions([Option<(bool, Millis, Option<&'static str>)>; 4]);

impl Conditions {
    const NAMES: [&'static str; 4] = ["PodReadyToStartContainers", "Initialized", "Ready", "ContainersReady"];

    fn slot(name: &str) -> usize {
        Self::NAMES.iter().position(|n| *n == name).expect("a condition the kubelet owns")
    }

    fn get(&self, name: &str) -> Option<(bool, Millis, Option<&'static str>)> {
        self.0[Self::slot(name)]
    }

    fn get_mut(&mut self, name: &str) -> Option<&mut (bool, Millis, Option<&'static str>)> {
        self.0[Self::slot(name)].as_mut()
    }

    fn insert(&mut self, name: &str, value: (bool, Millis, Option<&'static str>)) {
        self.0[Self::slot(name)] = Some(value);
    }
}

impl std::ops::Index<&str> for Conditions {
    type Output = (bool, Millis, Option<&'static str>);

    fn index(&self, name: &str) -> &Self::Output {
        self.0[Self::slot(name)].as_ref().expect("a condition the kubelet set")
    }
}

/// A JSON object of these entries: collected, the map sorts its keys once and builds
/// its node from them, instead of searching for each key's place as it is inserted.
fn object<'a>(entries: impl IntoIterator<Item = (&'a str, Value)>) -> Value {
    Value::Object(entries.into_iter().map(|(k, v)| (k.to_owned(), v)).collect())
}

/// The keys of one shape of object, as a map of them (made at its first use).
type Shape = std::sync::OnceLock<serde_json::Map<String, Value>>;

/// A JSON object of `entries`, given in key order, as a copy of `shape`'s map with the
/// values set in order: for the objects every status write makes, copying a map of
/// the right keys costs less than building one from a list it must sort.
fn shaped<const N: usize>(shape: &Shape, entries: [(&str, Value); N]) -> Value {
    let keys = shape.get_or_init(|| entries.iter().map(|(k, _)| ((*k).to_owned(), Value::Null)).collect());
    debug_assert!(keys.keys().map(String::as_str).eq(entries.iter().map(|(k, _)| *k)), "entries in the order of the shape's keys");
    let mut map = keys.clone();
    for (slot, (_, value)) in map.values_mut().zip(entries) {
        *slot = value;
    }
    Value::Object(map)
}

fn text(s: &str) -> Value {
    Value::String(s.to_owned())
}

/// The pod's status as the kubelet's status manager renders it from the runtime.
fn render_status(rt: &PodRuntime, pod: &Value, evicted_done: bool, node_ip: &str, now: Millis) -> Value {
    let generation = &pod["metadata"]["generation"];
    let pod_status = &pod["status"];
    // Conditions the kubelet does not own (the scheduler's or an eviction's
    // `DisruptionTarget`) are kept, ahead of its own.
    let mut conditions: Vec<Value> = Vec::with_capacity(6);
    // The first PodScheduled condition's time.
    let mut scheduled: Option<Option<&str>> = None;
    for c in pod_status["conditions"].as_array().into_iter().flatten() {
        match c["type"].as_str() {
            Some("PodScheduled") => {
                scheduled.get_or_insert(c["lastTransitionTime"].as_str());
            }
            Some("PodReadyToStartContainers" | "Initialized" | "Ready" | "ContainersReady") => {}
            _ => conditions.push(c.clone()),
        }
    }
    let scheduled_at = scheduled.flatten().map(String::from).unwrap_or_else(|| rfc3339(now));
    if let Some((at, message)) = &rt.evicted {
        // The eviction manager's condition replaces one of the same type.
        let condition = shaped(
            &CONDITION_WITH_MESSAGE,
            [
                ("lastProbeTime", Value::Null),
                ("lastTransitionTime", Value::String(rfc3339(*at))),
                ("message", Value::String(message.clone())),
                ("observedGeneration", generation.clone()),
                ("reason", text("TerminationByKubelet")),
                ("status", text("True")),
                ("type", text("DisruptionTarget")),
            ],
        );
        match conditions.iter_mut().find(|c| c["type"] == "DisruptionTarget") {
            Some(existing) => *existing = condition,
            None => conditions.push(condition),
        }
    }
    let mut not_ready: Option<String> = None;
    // The conditions often changed at one instant: its text is made once.
    let mut last_time: Option<(Millis, String)> = None;
    for name in Conditions::NAMES {
        let (v, at, reason) = rt.conditions[name];
        let time = match &last_time {
            Some((t, text)) if *t == at => text.clone(),
            _ => last_time.insert((at, rfc3339(at))).1.clone(),
        };
        let (status, time, generation) = (text(if v { "True" } else { "False" }), Value::String(time), generation.clone());
        let condition = match reason {
            // A terminal pod's conditions name no containers.
            Some(r) if r != "PodFailed" => {
                let message = not_ready.get_or_insert_with(|| {
                    let names: Vec<&str> = rt.containers.iter().filter(|c| !c.ready && !c.ephemeral).map(|c| c.name.as_str()).collect();
                    ["containers with unready status: [", &names.join(" "), "]"].concat()
                });
                let message = Value::String(message.clone());
                let entries = [("lastProbeTime", Value::Null), ("lastTransitionTime", time), ("message", message), ("observedGeneration", generation), ("reason", text(r)), ("status", status), ("type", text(name))];
                shaped(&CONDITION_WITH_MESSAGE, entries)
            }
            Some(r) => {
                let entries = [("lastProbeTime", Value::Null), ("lastTransitionTime", time), ("observedGeneration", generation), ("reason", text(r)), ("status", status), ("type", text(name))];
                shaped(&CONDITION_WITH_REASON, entries)
            }
            None => shaped(&CONDITION, [("lastProbeTime", Value::Null), ("lastTransitionTime", time), ("observedGeneration", generation), ("status", status), ("type", text(name))]),
        };
        conditions.push(condition);
    }
    conditions.push(shaped(
        &CONDITION,
        [
            ("lastProbeTime", Value::Null),
            ("lastTransitionTime", Value::String(scheduled_at)),
            ("observedGeneration", generation.clone()),
            ("status", text("True")),
            ("type", text("PodScheduled")),
        ],
    ));
    // Regular containers, then ephemeral ones, in the runtime's order.
    let specs = ["containers", "ephemeralContainers"].into_iter().flat_map(|f| pod["spec"][f].as_array().into_iter().flatten());
    let mut statuses = Vec::with_capacity(rt.containers.len());
    let mut ephemeral_statuses = Vec::new();
    for (c, spec) in rt.containers.iter().zip(specs) {
        let (full, id) = match &c.image_names {
            Some(names) if names.image == c.image => (names.full.clone(), names.id.clone()),
            _ => {
                let names = ImageNames::of(&c.image);
                (names.full, names.id)
            }
        };
        let mounts: Vec<Value> = spec["volumeMounts"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|m| {
                let (path, name) = (m["mountPath"].clone(), m["name"].clone());
                if m["readOnly"] == true {
                    static READ_ONLY_MOUNT: Shape = Shape::new();
                    shaped(&READ_ONLY_MOUNT, [("mountPath", path), ("name", name), ("readOnly", Value::Bool(true)), ("recursiveReadOnly", text("Disabled"))])
                } else {
                    static MOUNT: Shape = Shape::new();
                    shaped(&MOUNT, [("mountPath", path), ("name", name)])
                }
            })
            .collect();
        let image = Value::String(full);
        let image_id = Value::String(if c.started_once { id } else { String::new() });
        let last_state = c.last.as_ref().map(state_json).unwrap_or_else(|| Value::Object(serde_json::Map::new()));
        let (name, ready, restarts, state) = (Value::String(c.name.clone()), Value::Bool(c.ready), Value::from(c.restarts), state_json(&c.state));
        // Ephemeral containers have no readiness or startup.
        let started = (!c.ephemeral).then_some(Value::Bool(c.started && matches!(c.state, State::Running { .. })));
        let container_id = c.container_id.as_ref().map(|id| Value::String(["containerd://", id].concat()));
        let status = match (container_id, started, mounts.is_empty()) {
            // The shapes of a regular container's status with its service account's token mounted.
            (Some(id), Some(started), false) => {
                static RUN: Shape = Shape::new();
                let entries = [("containerID", id), ("image", image), ("imageID", image_id), ("lastState", last_state), ("name", name), ("ready", ready), ("restartCount", restarts), ("started", started), ("state", state), ("volumeMounts", Value::Array(mounts))];
                shaped(&RUN, entries)
            }
            (None, Some(started), false) => {
                static NOT_RUN: Shape = Shape::new();
                let entries = [("image", image), ("imageID", image_id), ("lastState", last_state), ("name", name), ("ready", ready), ("restartCount", restarts), ("started", started), ("state", state), ("volumeMounts", Value::Array(mounts))];
                shaped(&NOT_RUN, entries)
            }
            (container_id, started, _) => {
                let mut s = vec![("image", image), ("imageID", image_id), ("lastState", last_state), ("name", name), ("ready", ready), ("restartCount", restarts), ("state", state)];
                s.extend(started.map(|v| ("started", v)));
                s.extend(container_id.map(|v| ("containerID", v)));
                if !mounts.is_empty() {
                    s.push(("volumeMounts", Value::Array(mounts)));
                }
                object(s)
            }
        };
        if c.ephemeral { &mut ephemeral_statuses } else { &mut statuses }.push(status);
    }
    let running = rt.containers.iter().filter(|c| !c.ephemeral).any(|c| matches!(c.state, State::Running { .. }) || c.started_once && c.next != Next::Nothing);
    let all_done = rt.containers.iter().filter(|c| !c.ephemeral).all(|c| matches!(c.state, State::Terminated { .. }) && c.next == Next::Nothing);
    let phase = if evicted_done {
        "Failed"
    } else if all_done {
        if rt.containers.iter().filter(|c| !c.ephemeral).all(|c| matches!(c.state, State::Terminated { code: 0, .. })) { "Succeeded" } else { "Failed" }
    } else if running {
        "Running"
    } else {
        "Pending"
    };
    let ip_list = |ip: &str| {
        static IP: Shape = Shape::new();
        Value::Array(vec![shaped(&IP, [("ip", text(ip))])])
    };
    let (conditions, statuses, host_ips, host_ip) = (Value::Array(conditions), Value::Array(statuses), ip_list(node_ip), text(node_ip));
    let (generation, phase, qos) = (generation.clone(), text(phase), pod_status["qosClass"].clone());
    let start_time = Value::String(pod_status["startTime"].as_str().map(String::from).unwrap_or_else(|| rfc3339(now)));
    let evicted_message = rt.evicted.as_ref().filter(|_| evicted_done).map(|(_, message)| message);
    match (&rt.ip, ephemeral_statuses.is_empty(), evicted_message) {
        // The shapes of a pod's status but for ephemeral containers and evictions.
        (Some(ip), true, None) => {
            static WITH_IP: Shape = Shape::new();
            let entries = [
                ("conditions", conditions),
                ("containerStatuses", statuses),
                ("hostIP", host_ip),
                ("hostIPs", host_ips),
                ("observedGeneration", generation),
                ("phase", phase),
                ("podIP", text(ip)),
                ("podIPs", ip_list(ip)),
                ("qosClass", qos),
                ("startTime", start_time),
            ];
            shaped(&WITH_IP, entries)
        }
        (None, true, None) => {
            static WITHOUT_IP: Shape = Shape::new();
            let entries = [("conditions", conditions), ("containerStatuses", statuses), ("hostIP", host_ip), ("hostIPs", host_ips), ("observedGeneration", generation), ("phase", phase), ("qosClass", qos), ("startTime", start_time)];
            shaped(&WITHOUT_IP, entries)
        }
        (ip, _, evicted_message) => {
            let mut status = vec![("conditions", conditions), ("containerStatuses", statuses), ("hostIPs", host_ips), ("hostIP", host_ip), ("observedGeneration", generation), ("phase", phase), ("qosClass", qos), ("startTime", start_time)];
            if !ephemeral_statuses.is_empty() {
                status.push(("ephemeralContainerStatuses", Value::Array(ephemeral_statuses)));
            }
            if let Some(message) = evicted_message {
                status.push(("message", text(message)));
                status.push(("reason", text("Evicted")));
            }
            if let Some(ip) = ip {
                status.push(("podIP", text(ip)));
                status.push(("podIPs", ip_list(ip)));
            }
            object(status)
        }
    }
}

/// The shapes of a condition: with a reason and a message, a reason only, neither.
static CONDITION_WITH_MESSAGE: Shape = Shape::new();
static CONDITION_WITH_REASON: Shape = Shape::new();
static CONDITION: Shape = Shape::new();

fn state_json(s: &State) -> Value {
    static WAITING: Shape = Shape::new();
    static RUNNING: Shape = Shape::new();
    static STARTED_AT: Shape = Shape::new();
    match s {
        State::Waiting { reason, message } => {
            let reason = Value::String(reason.clone());
            let waiting = match message {
                Some(m) => {
                    static WITH_MESSAGE: Shape = Shape::new();
                    shaped(&WITH_MESSAGE, [("message", Value::String(m.clone())), ("reason", reason)])
                }
                None => {
                    static REASON: Shape = Shape::new();
                    shaped(&REASON, [("reason", reason)])
                }
            };
            shaped(&WAITING, [("waiting", waiting)])
        }
        State::Running { started } => shaped(&RUNNING, [("running", shaped(&STARTED_AT, [("startedAt", Value::String(rfc3339(*started)))]))]),
        State::Terminated { code, reason, started, finished, message, id } => {
            let mut t = Vec::with_capacity(6);
            t.push(("containerID", id.as_ref().map(|id| Value::String(format!("containerd://{id}"))).unwrap_or(Value::Null)));
            t.push(("exitCode", Value::from(*code)));
            t.push(("finishedAt", Value::String(rfc3339(*finished))));
            t.push(("reason", Value::String(reason.clone())));
            t.push(("startedAt", Value::String(rfc3339(*started))));
            if let Some(m) = message {
                t.push(("message", Value::String(m.clone())));
            }
            object([("terminated", object(t))])
        }
    }
}

/// A stable fake sha256 digest for an image reference (64 hex characters).
fn digest(reference: &str) -> String {
    // Eight FNV-1a hashes of `{i}{reference}` (i from 0 to 7), in hex.
    let mut text = Vec::with_capacity(reference.len() + 1);
    text.push(b'0');
    text.extend_from_slice(reference.as_bytes());
    let mut out = String::with_capacity(64);
    for i in 0..8u8 {
        text[0] = b'0' + i;
        let h = crate::rng::fnv32a(&text);
        out.extend((0..8).rev().map(|nibble| char::from(b"0123456789abcdef"[(h >> (nibble * 4)) as usize & 15])));
    }
    out
}

/// Graceful deletion (`DELETE /pods/NAME`): sets `deletionTimestamp`; the kubelet
/// stops the containers and then removes the pod. Returns the pod as it is now.
pub fn delete_pod(cluster: &mut Cluster, key: &ObjKey, grace: Option<i64>) -> Value {
    let Some(pod) = cluster.get(key).cloned() else { return Value::Null };
    let uid = pod["metadata"]["uid"].as_str().unwrap_or("").to_string();
    let grace = grace.or_else(|| pod["spec"]["terminationGracePeriodSeconds"].as_i64()).unwrap_or(30).max(0) as u64;
    let tracked = cluster.runtime.pods.contains_key(&uid);
    let unbound = pod["spec"]["nodeName"].as_str().is_none_or(str::is_empty);
    if grace == 0 || unbound || !tracked && pod["status"]["phase"] != "Running" {
        if let Some(rt) = cluster.runtime.pods.remove(&uid) {
            if let Some(ip) = rt.ip {
                cluster.runtime.released_ips.insert(ip);
            }
        }
        return cluster.remove(key).unwrap_or(pod);
    }
    if !pod["metadata"]["deletionTimestamp"].is_null() {
        return pod;
    }
    let now = cluster.now;
    let until = now + grace * 1000;
    let mut next = pod.clone();
    next["metadata"]["deletionTimestamp"] = json!(rfc3339(until));
    next["metadata"]["deletionGracePeriodSeconds"] = json!(grace);
    let stored = cluster.replace(key, next);
    match cluster.runtime.pods.get_mut(&uid) {
        Some(rt) => {
            rt.deleting_until = Some(until);
            cluster.schedule(now, Timer::Kubelet { pod: key.clone(), uid });
        }
        None => {
            // A pod the bootstrap made running: give it a runtime entry that only stops.
            let node = pod["spec"]["nodeName"].as_str().unwrap_or("").to_string();
            let rt = PodRuntime {
                key: key.clone(),
                node,
                ip: pod["status"]["podIP"].as_str().map(String::from),
                sandbox_ready_at: Some(now),
                containers: Vec::new(),
                conditions: Conditions::default(),
                deleting_until: Some(until),
                stopped: true,
                evicted: None,
                status_memo: None,
            };
            cluster.runtime.pods.insert(uid.clone(), Box::new(rt));
            cluster.schedule(now + 500, Timer::Kubelet { pod: key.clone(), uid });
        }
    }
    stored
}

/// What the prober needs to know about one container.
pub(crate) struct ContainerView {
    pub running_since: Option<Millis>,
    pub container_id: Option<String>,
    pub started: bool,
}

pub(crate) fn container_view(cluster: &Cluster, uid: &str, name: &str) -> Option<ContainerView> {
    let rt = cluster.runtime.pods.get(uid)?;
    let c = rt.containers.iter().find(|c| c.name == name)?;
    let running_since = match c.state {
        State::Running { started } if c.killed.is_none() && rt.deleting_until.is_none() => Some(started),
        _ => None,
    };
    Some(ContainerView { running_since, container_id: c.container_id.clone(), started: c.started })
}

/// Records a probe result the kubelet acts on: the startup probe succeeded
/// (`started`), readiness changed (`ready`).
pub(crate) fn set_probe_state(cluster: &mut Cluster, key: &ObjKey, uid: &str, name: &str, started: Option<bool>, ready: Option<bool>) {
    let Some(rt) = cluster.runtime.pods.get_mut(uid) else { return };
    let Some(c) = rt.containers.iter_mut().find(|c| c.name == name) else { return };
    if !matches!(c.state, State::Running { .. }) {
        return;
    }
    if let Some(s) = started {
        c.started = s;
    }
    if let Some(r) = ready {
        c.ready = r;
    }
    if cluster.get(key).is_some() {
        write_status(cluster, uid);
    }
}

/// A failed liveness or startup probe: the kubelet stops the container
/// (`computePodActions`: "Container X failed liveness probe, will be restarted") and
/// its restart policy decides what follows.
pub(crate) fn kill_for_probe(cluster: &mut Cluster, key: &ObjKey, uid: &str, name: &str, probe: &str) {
    let now = cluster.now;
    let Some(pod) = cluster.get(key).cloned() else { return };
    let Some(mut rt) = cluster.runtime.pods.remove(uid) else { return };
    let restart = pod["spec"]["restartPolicy"].as_str().unwrap_or("Always") != "Never";
    let spec = pod["spec"]["containers"].as_array().and_then(|cs| cs.iter().find(|c| c["name"] == name)).cloned().unwrap_or(Value::Null);
    let grace = pod["spec"]["terminationGracePeriodSeconds"].as_u64().unwrap_or(30);
    if let Some(c) = rt.containers.iter_mut().find(|c| c.name == name) {
        if matches!(c.state, State::Running { .. }) && c.killed.is_none() {
            let mut message = format!("Container {name} failed {probe} probe");
            if restart {
                message.push_str(", will be restarted");
            }
            let path = format!("spec.containers{{{name}}}");
            cluster.emit_event(&pod, Some(&path), "Normal", "Killing", &format!("kubelet/{}", rt.node), message);
            let (code, after) = stop_exit(&spec, &c.image, grace * 1000);
            // The container keeps running (and its readiness) until it exits.
            c.killed = Some(code);
            c.next = Next::Exit;
            c.next_at = now + after;
        }
    }
    let wake = rt.containers.iter().filter(|c| c.next != Next::Nothing).map(|c| c.next_at).min();
    cluster.runtime.pods.insert(uid.to_string(), rt);
    write_status(cluster, uid);
    if let Some(at) = wake {
        cluster.schedule(at, Timer::Kubelet { pod: key.clone(), uid: uid.to_string() });
    }
}

/// How a running container's process ends when the kubelet stops it: a server exits
/// on SIGTERM at once; a shell that ignores it is killed (137) when the grace period
/// ends. The exit code and how long after the signal.
fn stop_exit(spec: &Value, image: &str, grace_ms: Millis) -> (i32, Millis) {
    match images::find(image).map(|i| &i.process) {
        Some(Process::Server { sigterm_exit, .. }) if spec["command"].is_null() || images::command_runs_own_binary(spec) => (*sigterm_exit, 300),
        _ if behaviour_of(spec, image).ignores_sigterm => (137, grace_ms),
        _ => (143, 300),
    }
}

/// The eviction manager kills a pod (`crate::eviction_manager`): its containers are
/// stopped with the eviction's grace period and never started again; once none runs,
/// the pod is `Failed` with reason `Evicted`. Returns when the last container will
/// have stopped, or `None` when the kubelet does not run this pod.
pub(crate) fn evict_pod(cluster: &mut Cluster, key: &ObjKey, uid: &str, message: &str, grace_ms: Millis) -> Option<Millis> {
    let now = cluster.now;
    let pod = cluster.get(key).cloned()?;
    if pod["metadata"]["uid"].as_str() != Some(uid) {
        return None;
    }
    let mut rt = cluster.runtime.pods.remove(uid)?;
    if rt.evicted.is_some() || rt.deleting_until.is_some() {
        cluster.runtime.pods.insert(uid.to_string(), rt);
        return None;
    }
    rt.evicted = Some((now, message.to_string()));
    let source = format!("kubelet/{}", rt.node);
    let specs = all_container_specs(&pod);
    let mut done = now;
    for (i, c) in rt.containers.iter_mut().enumerate() {
        let spec = specs.get(i).cloned().unwrap_or(Value::Null);
        if matches!(c.state, State::Running { .. }) {
            let path = if c.ephemeral { format!("spec.ephemeralContainers{{{}}}", c.name) } else { format!("spec.containers{{{}}}", c.name) };
            if c.killed.is_none() {
                cluster.emit_event(&pod, Some(&path), "Normal", "Killing", &source, format!("Stopping container {}", c.name));
                let (code, after) = stop_exit(&spec, &c.image, grace_ms);
                c.killed = Some(code);
                c.next = Next::Exit;
                c.next_at = now + after;
            }
            c.next_at = c.next_at.min(now + grace_ms);
            done = done.max(c.next_at);
        } else if c.next != Next::Exit {
            // Nothing is started again: a container waiting to (re)start stays as it is.
            c.next = Next::Nothing;
        }
    }
    let wake = rt.containers.iter().filter(|c| c.next != Next::Nothing).map(|c| c.next_at).min();
    cluster.runtime.pods.insert(uid.to_string(), rt);
    write_status(cluster, uid);
    if let Some(at) = wake {
        cluster.schedule(at, Timer::Kubelet { pod: key.clone(), uid: uid.to_string() });
    }
    Some(done)
}

/// Whether the kubelet runs the pod with this uid and could still evict it.
pub(crate) fn evictable(cluster: &Cluster, uid: &str) -> bool {
    cluster.runtime.pods.get(uid).is_some_and(|rt| rt.evicted.is_none() && rt.deleting_until.is_none())
}

/// A line the container's process logs now (Go `log` prefix).
pub(crate) fn append_log(cluster: &mut Cluster, pod: &Value, name: &str, line: &str) {
    let stamp = go_log_stamp(cluster.now);
    let Some(rt) = pod["metadata"]["uid"].as_str().and_then(|u| cluster.runtime.pods.get_mut(u)) else { return };
    if let Some(c) = rt.containers.iter_mut().find(|c| c.name == name) {
        c.logs.push(format!("{stamp} {line}").into());
    }
}

/// The body a server reads from a file at start (hello-server 1.5's
/// `/etc/config/myconfig.txt`), when the image does so and the file is there.
fn served_body(found: Option<&images::Image>, files: &[(String, FileText)]) -> Option<String> {
    let Some(Process::Server { config_file: Some(path), .. }) = found.map(|i| &i.process) else { return None };
    files.iter().find(|(p, _)| p == path).map(|(_, text)| text.to_string())
}

/// What a running container's server listens on and answers on `/`, from how the
/// kubelet created it (`None` when the kubelet does not drive this pod).
pub struct Serving {
    pub port: u16,
    pub extra_ports: Vec<u16>,
    pub body: Option<String>,
    /// When the process started.
    pub since: Millis,
}

pub fn serving(cluster: &Cluster, uid: &str, name: &str) -> Option<Option<Serving>> {
    let rt = cluster.runtime.pods.get(uid)?;
    let Some(c) = rt.containers.iter().find(|c| c.name == name) else { return Some(None) };
    let State::Running { started } = c.state else { return Some(None) };
    let pod = cluster.get(&rt.key)?;
    let spec = pod["spec"]["containers"].as_array().and_then(|cs| cs.iter().find(|s| s["name"] == name))?;
    if !spec["command"].is_null() && !images::command_runs_own_binary(spec) {
        return Some(None);
    }
    let Some(Process::Server { port, port_env, body, extra_ports, .. }) = images::find(&c.image).map(|i| &i.process) else { return Some(None) };
    let env_port = port_env.as_ref().and_then(|var| c.env.iter().find(|(k, _)| k == var)).and_then(|(_, v)| v.parse::<u16>().ok());
    Some(Some(Serving { port: env_port.unwrap_or(*port), extra_ports: extra_ports.clone(), body: c.body.clone().or_else(|| body.clone()), since: started }))
}

/// The environment a container was created with (`None` if not created yet).
pub fn container_env(cluster: &Cluster, uid: &str, name: &str) -> Option<Vec<(String, String)>> {
    let c = cluster.runtime.pods.get(uid)?.containers.iter().find(|c| c.name == name)?;
    c.started_once.then(|| c.env.to_vec())
}

/// The files a container sees through its volume mounts, as last synced.
pub fn container_files(cluster: &Cluster, uid: &str, name: &str) -> Vec<(String, String)> {
    cluster.runtime.pods.get(uid).and_then(|rt| rt.containers.iter().find(|c| c.name == name)).map(|c| c.files.iter().map(|(p, t)| (p.clone(), t.to_string())).collect()).unwrap_or_default()
}

/// The pod worker's periodic sync (every minute): mounted ConfigMaps and Secrets
/// are written again from the objects as they are now.
pub(crate) fn periodic_sync(cluster: &mut Cluster, key: &ObjKey, uid: &str) {
    let Some(pod) = cluster.get_shared(key) else { return };
    if pod["metadata"]["uid"] != uid || !cluster.runtime.pods.contains_key(uid) {
        return;
    }
    // Only containers created so far have files to sync (a container not created yet
    // gets its files when it starts).
    let mut synced = Vec::new();
    if let Some(rt) = cluster.runtime.pods.get(uid) {
        for (i, c) in rt.containers.iter().enumerate() {
            if !c.started_once || rt.containers[..i].iter().any(|o| o.name == c.name && o.started_once) {
                continue;
            }
            let Some(spec) = pod["spec"]["containers"].as_array().and_then(|cs| cs.iter().find(|s| s["name"].as_str().unwrap_or("") == c.name)) else { continue };
            synced.push((i, crate::podenv::mounted_files_again(cluster, &pod, spec, &c.files)));
        }
    }
    if let Some(rt) = cluster.runtime.pods.get_mut(uid) {
        for (i, f) in synced {
            let c = &mut rt.containers[i];
            c.files = share_files(&c.files, f);
        }
    }
    let now = cluster.now;
    cluster.schedule(now + SYNC_PERIOD_MS, Timer::PodSync { pod: key.clone(), uid: uid.to_string() });
}

/// The kubelet's `syncFrequency`.
const SYNC_PERIOD_MS: Millis = 60_000;

/// The log lines of a container (`previous` for the last terminated run).
pub fn container_logs(cluster: &Cluster, pod: &Value, container: &str, previous: bool) -> Option<Vec<String>> {
    let uid = pod["metadata"]["uid"].as_str()?;
    let rt = cluster.runtime.pods.get(uid)?;
    let c = rt.containers.iter().find(|c| c.name == container)?;
    Some(if previous { &c.previous_logs } else { &c.logs }.iter().map(|l| l.to_string()).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digests_are_eight_hashes_in_hex() {
        for reference in ["docker.io/library/nginx:1.27", "", "registry.k8s.io/pause:3.10"] {
            let slow: String = (0..8u32).map(|i| format!("{:08x}", crate::rng::fnv32a(format!("{i}{reference}").as_bytes()))).collect();
            assert_eq!(digest(reference), slow);
        }
    }

    #[test]
    fn durations_print_like_go() {
        assert_eq!(go_duration(812), "812ms");
        assert_eq!(go_duration(3456), "3.456s");
        assert_eq!(go_duration(3400), "3.4s");
        assert_eq!(go_duration(61_000), "1m1s");
        assert_eq!(go_duration_coarse(20_000), "20s");
        assert_eq!(go_duration_coarse(80_000), "1m20s");
    }
}
