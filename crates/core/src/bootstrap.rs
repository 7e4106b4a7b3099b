//! A cluster as `kind create cluster` leaves it: nodes, the kube-system and
//! local-path-storage workloads, the default namespaces, services and config.
//!
//! Objects are created at the simulated instants kind would create them, so AGE
//! columns differ as they do in a real fresh cluster.

use serde_json::{json, Value};

use crate::admission;
use crate::cluster::{meta_mut, Cluster, ClusterConfig, ObjKey};
use crate::resources::{self, ResourceType};
use crate::time::{rfc3339, Millis};

/// How long `kind create cluster` takes, start to end, in simulated time.
pub const CREATE_DURATION_MS: Millis = 21_000;

/// Creates a cluster as kind does, starting at `start`; its clock ends at
/// `start + CREATE_DURATION_MS`.
pub fn create_kind_cluster(config: ClusterConfig, seed: u64, start: Millis) -> Cluster {
    let mut c = Cluster::empty(config, seed, start);
    let version = c.config.kubernetes_version();
    let nodes: Vec<(String, String)> = node_names(&c.config);
    let multi = nodes.len() > 1;

    // Nodes register first.
    for (i, (name, role)) in nodes.iter().enumerate() {
        c.now = start + 3_000 + i as Millis * 4_000;
        let node = node_object(&c, name, role, i, &version, multi);
        put(&mut c, "Node", "", node);
    }
    c.now = start + 4_000;
    for ns in ["default", "kube-node-lease", "kube-public", "kube-system"] {
        put(&mut c, "Namespace", "", json!({"metadata": {"name": ns}}));
    }
    // Each kubelet holds a Lease in kube-node-lease and reports its start.
    for (i, (name, _)) in nodes.iter().enumerate() {
        let registered = start + 3_000 + i as Millis * 4_000;
        let node_uid = node_uid(&c, name);
        put(&mut c, "Lease", "kube-node-lease", json!({
            "metadata": {"name": name, "ownerReferences": [{"apiVersion": "v1", "kind": "Node", "name": name, "uid": node_uid}]},
            "spec": {"holderIdentity": name, "leaseDurationSeconds": 40, "renewTime": crate::time::rfc3339_micro(registered)},
        }));
        let node = crate::apiserver::with_type(rt_of("Node"), c.get(&ObjKey { resource: "nodes".into(), namespace: Default::default(), name: name.as_str().into() }).cloned().unwrap_or(Value::Null));
        let host = format!("kubelet/{name}");
        let saved = c.now;
        c.now = registered;
        c.emit_event(&node, None, "Normal", "Starting", &host, "Starting kubelet.".into());
        for (reason, what) in [("NodeHasSufficientMemory", "NodeHasSufficientMemory"), ("NodeHasNoDiskPressure", "NodeHasNoDiskPressure"), ("NodeHasSufficientPID", "NodeHasSufficientPID")] {
            c.emit_event(&node, None, "Normal", reason, &host, format!("Node {name} status is now: {what}"));
        }
        c.emit_event(&node, None, "Normal", "NodeAllocatableEnforced", &host, "Updated Node Allocatable limit across pods".into());
        c.now = registered + 2_000;
        c.emit_event(&node, None, "Normal", "RegisteredNode", "node-controller", format!("Node {name} event: Registered Node {name} in Controller"));
        c.now = registered + 6_000;
        c.emit_event(&node, None, "Normal", "Starting", &format!("kube-proxy/{name}"), String::new());
        c.now = registered + 9_000;
        c.emit_event(&node, None, "Normal", "NodeReady", &host, format!("Node {name} status is now: NodeReady"));
        c.now = saved;
    }
    put(&mut c, "Service", "default", json!({
        "metadata": {"name": "kubernetes", "labels": {"component": "apiserver", "provider": "kubernetes"}},
        "spec": {"clusterIP": "10.96.0.1", "ports": [{"name": "https", "port": 443, "protocol": "TCP", "targetPort": 6443}], "sessionAffinity": "None", "type": "ClusterIP"},
    }));
    let endpoints = put(&mut c, "Endpoints", "default", json!({
        "metadata": {"name": "kubernetes", "labels": {"endpointslice.kubernetes.io/skip-mirror": "true"}},
        "subsets": [{"addresses": [{"ip": "172.18.0.2"}], "ports": [{"name": "https", "port": 6443, "protocol": "TCP"}]}],
    }));
    // The API server's endpoint reconciler writes this slice itself (no managed-by
    // label); `kubectl describe svc kubernetes` reads it.
    let slice_uid = crate::rng::uuid_from(&format!("{}/endpointslice", endpoints["metadata"]["uid"].as_str().unwrap_or("")));
    put(&mut c, "EndpointSlice", "default", json!({
        "metadata": {"name": "kubernetes", "uid": slice_uid, "labels": {"kubernetes.io/service-name": "kubernetes"}},
        "addressType": "IPv4",
        "endpoints": [{"addresses": ["172.18.0.2"], "conditions": {"ready": true}}],
        "ports": [{"name": "https", "port": 6443, "protocol": "TCP"}],
    }));

    // Control-plane static pods (mirror pods), host network.
    let cp = nodes[0].0.clone();
    c.now = start + 9_000;
    let statics = [
        ("etcd", format!("registry.k8s.io/etcd:3.6.6-0"), "system-node-critical"),
        ("kube-apiserver", format!("registry.k8s.io/kube-apiserver:{version}"), "system-node-critical"),
        ("kube-controller-manager", format!("registry.k8s.io/kube-controller-manager:{version}"), "system-node-critical"),
        ("kube-scheduler", format!("registry.k8s.io/kube-scheduler:{version}"), "system-node-critical"),
    ];
    for (component, image, priority) in &statics {
        let pod = json!({
            "metadata": {
                "name": format!("{component}-{cp}"),
                "labels": {"component": component, "tier": "control-plane"},
                // The kubelet's mirror-pod annotations: drain skips pods that have
                // `config.mirror`.
                "annotations": {
                    "kubernetes.io/config.hash": manifest_hash(component),
                    "kubernetes.io/config.mirror": manifest_hash(component),
                    "kubernetes.io/config.seen": format!("{}.{:09}Z", &crate::time::rfc3339(start + 7_000)[..19], (u64::from_str_radix(&manifest_hash(component)[..8], 16).unwrap_or(0) % 1_000_000_000)),
                    "kubernetes.io/config.source": "file",
                },
                "ownerReferences": [{"apiVersion": "v1", "kind": "Node", "name": cp, "controller": true, "uid": node_uid(&c, &cp)}],
            },
            "spec": {
                "containers": [{"name": component, "image": image, "resources": {"requests": {"cpu": match *component {
                    "etcd" => "100m",
                    "kube-apiserver" => "250m",
                    "kube-controller-manager" => "200m",
                    _ => "100m",
                }}}}],
                "hostNetwork": true,
                "nodeName": cp,
                "priority": 2000001000,
                "priorityClassName": priority,
                "automountServiceAccountToken": false,
                "tolerations": [{"effect": "NoExecute", "operator": "Exists"}],
            },
        });
        put_running_pod(&mut c, "kube-system", pod, start + 8_000, Some("172.18.0.2".into()));
    }

    // Add-ons: ConfigMaps, service accounts, DNS, CNI, kube-proxy, storage.
    c.now = start + 11_000;
    for ns in ["default", "kube-node-lease", "kube-public", "kube-system"] {
        ensure_namespace_defaults(&mut c, ns);
    }
    for name in ["coredns", "extension-apiserver-authentication", "kube-apiserver-legacy-service-account-token-tracking", "kube-proxy", "kubeadm-config", "kubelet-config"] {
        put(&mut c, "ConfigMap", "kube-system", json!({"metadata": {"name": name}, "data": {}}));
    }
    put(&mut c, "Service", "kube-system", json!({
        "metadata": {"name": "kube-dns", "labels": {"k8s-app": "kube-dns", "kubernetes.io/cluster-service": "true", "kubernetes.io/name": "CoreDNS"},
                     "annotations": {"prometheus.io/port": "9153", "prometheus.io/scrape": "true"}},
        "spec": {"clusterIP": "10.96.0.10", "selector": {"k8s-app": "kube-dns"}, "ports": [
            {"name": "dns", "port": 53, "protocol": "UDP", "targetPort": 53},
            {"name": "dns-tcp", "port": 53, "protocol": "TCP", "targetPort": 53},
            {"name": "metrics", "port": 9153, "protocol": "TCP", "targetPort": 9153},
        ]},
    }));
    let coredns_hash = template_hash("coredns", &version);
    add_workload(&mut c, Workload {
        kind: "Deployment",
        namespace: "kube-system",
        name: "coredns",
        labels: json!({"k8s-app": "kube-dns"}),
        container: "coredns",
        image: "registry.k8s.io/coredns/coredns:v1.13.1",
        priority_class: "system-cluster-critical",
        host_network: false,
        hash: coredns_hash,
        replicas: 2,
        start: start + 12_000,
        nodes: vec![cp.clone(); 2],
    });
    add_workload(&mut c, Workload {
        kind: "DaemonSet",
        namespace: "kube-system",
        name: "kindnet",
        labels: json!({"app": "kindnet", "k8s-app": "kindnet", "tier": "node"}),
        container: "kindnet-cni",
        image: "docker.io/kindest/kindnetd:v20251212-v0.29.0-alpha-105-g20ccfc88",
        priority_class: "system-node-critical",
        host_network: true,
        hash: template_hash("kindnet", &version),
        replicas: nodes.len(),
        start: start + 12_000,
        nodes: nodes.iter().map(|(n, _)| n.clone()).collect(),
    });
    add_workload(&mut c, Workload {
        kind: "DaemonSet",
        namespace: "kube-system",
        name: "kube-proxy",
        labels: json!({"k8s-app": "kube-proxy"}),
        container: "kube-proxy",
        image: "registry.k8s.io/kube-proxy:v1.35.0",
        priority_class: "system-node-critical",
        host_network: true,
        hash: template_hash("kube-proxy", &version),
        replicas: nodes.len(),
        start: start + 12_000,
        nodes: nodes.iter().map(|(n, _)| n.clone()).collect(),
    });
    c.now = start + 13_000;
    put(&mut c, "Namespace", "", json!({"metadata": {"name": "local-path-storage"}}));
    ensure_namespace_defaults(&mut c, "local-path-storage");
    put(&mut c, "ConfigMap", "local-path-storage", json!({"metadata": {"name": "local-path-config"}, "data": {}}));
    add_workload(&mut c, Workload {
        kind: "Deployment",
        namespace: "local-path-storage",
        name: "local-path-provisioner",
        labels: json!({"app": "local-path-provisioner"}),
        container: "local-path-provisioner",
        image: "docker.io/kindest/local-path-provisioner:v20251212-v0.29.0-alpha-105-g20ccfc88",
        priority_class: "",
        host_network: false,
        hash: template_hash("local-path-provisioner", &version),
        replicas: 1,
        start: start + 13_000,
        nodes: vec![cp.clone()],
    });
    put(&mut c, "StorageClass", "", json!({
        "metadata": {"name": "standard", "annotations": {"storageclass.kubernetes.io/is-default-class": "true"}},
        "provisioner": "rancher.io/local-path",
        "reclaimPolicy": "Delete",
        "volumeBindingMode": "WaitForFirstConsumer",
    }));
    // The images kind preloads are present on every node (`crictl images` on a
    // kindest/node): a system pod recreated after an eviction starts without a pull.
    let preloaded = [
        "registry.k8s.io/pause:3.10.1".to_string(),
        "registry.k8s.io/etcd:3.6.6-0".to_string(),
        format!("registry.k8s.io/kube-apiserver:{version}"),
        format!("registry.k8s.io/kube-controller-manager:{version}"),
        format!("registry.k8s.io/kube-scheduler:{version}"),
        "registry.k8s.io/kube-proxy:v1.35.0".to_string(),
        "registry.k8s.io/coredns/coredns:v1.13.1".to_string(),
        "docker.io/kindest/kindnetd:v20251212-v0.29.0-alpha-105-g20ccfc88".to_string(),
        "docker.io/kindest/local-path-provisioner:v20251212-v0.29.0-alpha-105-g20ccfc88".to_string(),
        "docker.io/kindest/local-path-helper:v20251212-v0.29.0-alpha-105-g20ccfc88".to_string(),
    ];
    for (name, _) in &nodes {
        let set = c.runtime.node_images.entry(name.clone()).or_default();
        for image in &preloaded {
            set.insert(image.clone());
        }
    }
    // The API server's built-in PriorityClasses (`scheduling.SystemPriorityClasses`),
    // as old as the cluster; their uids derive from the name, so the cluster's random
    // sequence is the same as without them.
    let at = c.now;
    c.now = start;
    for (name, value, description) in [
        ("system-cluster-critical", 2_000_000_000, "Used for system critical pods that must run in the cluster, but can be moved to another node if necessary."),
        ("system-node-critical", 2_000_001_000, "Used for system critical pods that must not be moved from their current node."),
    ] {
        let uid = crate::rng::uuid_from(&format!("{}/priorityclass/{name}", c.config.name));
        put(&mut c, "PriorityClass", "", json!({"metadata": {"name": name, "uid": uid}, "value": value, "description": description, "preemptionPolicy": "PreemptLowerPriority"}));
    }
    // The aggregator's local APIServices, one per group-version the server serves.
    let at_text = crate::time::rfc3339(start);
    for (group, version, gp, vp) in crate::apiservice::LOCAL {
        let mut obj = crate::apiservice::local(group, version, *gp, *vp, &at_text);
        let name = obj["metadata"]["name"].as_str().unwrap_or("").to_string();
        obj["metadata"]["uid"] = json!(crate::rng::uuid_from(&format!("{}/apiservice/{name}", c.config.name)));
        put(&mut c, "APIService", "", obj);
    }
    put_rbac_objects(&mut c);
    c.now = at;
    c.now = start + CREATE_DURATION_MS;
    c
}

/// The RBAC objects of `data/rbac.yaml`: the API server's bootstrap policy, then what
/// kubeadm and kind's manifests create; then the clusterrole-aggregation controller
/// fills `admin`, `edit` and `view`. Uids derive from the object, so the cluster's
/// random sequence is the same as without them.
fn put_rbac_objects(c: &mut Cluster) {
    let data = rbac_data();
    for (part, bootstrap) in [("bootstrap", true), ("cluster", false)] {
        for entry in data[part].as_array().into_iter().flatten() {
            for obj in rbac_objects(entry, bootstrap) {
                let kind = obj["kind"].as_str().unwrap_or("").to_string();
                let ns = obj["namespace"].as_str().unwrap_or("").to_string();
                let mut obj = obj;
                if let Some(o) = obj.as_object_mut() {
                    o.remove("kind");
                    o.remove("namespace");
                }
                let name = obj["metadata"]["name"].as_str().unwrap_or("").to_string();
                let uid = crate::rng::uuid_from(&format!("{}/{kind}/{ns}/{name}", c.config.name));
                meta_mut(&mut obj).insert("uid".into(), json!(uid));
                put(c, &kind, &ns, obj);
            }
        }
    }
    crate::authorization::aggregate_cluster_roles(c);
}

/// `data/rbac.yaml` parsed once.
fn rbac_data() -> &'static Value {
    static DATA: std::sync::OnceLock<Value> = std::sync::OnceLock::new();
    DATA.get_or_init(|| {
        kubeniwa_format::yaml::parse_documents(include_str!("../data/rbac.yaml")).ok().and_then(|mut d| d.pop()).unwrap_or(Value::Null)
    })
}

/// One entry of `data/rbac.yaml` as the objects it stands for (`kind` and `namespace`
/// kept at the top for the caller); subjects and role references get the API group the
/// API server defaults.
fn rbac_objects(entry: &Value, bootstrap: bool) -> Vec<Value> {
    const GROUP: &str = "rbac.authorization.k8s.io";
    if entry["kind"] == "ControllerBindings" {
        let mut out = Vec::new();
        for n in entry["names"].as_array().into_iter().flatten().filter_map(Value::as_str) {
            let role = format!("system:controller:{n}");
            out.extend(rbac_objects(
                &json!({"kind": "ClusterRoleBinding", "name": role, "roleRef": {"kind": "ClusterRole", "name": role}, "subjects": [{"kind": "ServiceAccount", "name": n, "namespace": "kube-system"}]}),
                bootstrap,
            ));
        }
        return out;
    }
    let kind = entry["kind"].as_str().unwrap_or("");
    let mut meta = json!({"name": entry["name"]});
    if bootstrap {
        let mut labels = json!({"kubernetes.io/bootstrapping": "rbac-defaults"});
        for (k, v) in entry["labels"].as_object().into_iter().flatten() {
            labels[k] = v.clone();
        }
        meta["labels"] = labels;
        if kind != "RoleBinding" {
            meta["annotations"] = json!({"rbac.authorization.kubernetes.io/autoupdate": "true"});
        }
    }
    let mut obj = json!({"kind": kind, "metadata": meta});
    if let Some(ns) = entry["namespace"].as_str() {
        obj["namespace"] = json!(ns);
    }
    if kind.ends_with("Binding") {
        obj["roleRef"] = json!({"apiGroup": GROUP, "kind": entry["roleRef"]["kind"], "name": entry["roleRef"]["name"]});
        if let Some(subjects) = entry["subjects"].as_array() {
            let subjects: Vec<Value> = subjects
                .iter()
                .map(|s| {
                    let mut s = s.clone();
                    if s["kind"] != "ServiceAccount" {
                        s["apiGroup"] = json!(GROUP);
                    }
                    s
                })
                .collect();
            obj["subjects"] = json!(subjects);
        }
    } else {
        if entry.get("aggregationRule").is_some() {
            obj["aggregationRule"] = entry["aggregationRule"].clone();
        }
        if let Some(rules) = entry.get("rules") {
            obj["rules"] = rules.clone();
        }
    }
    vec![obj]
}

/// `kind-control-plane`, `kind-worker`, `kind-worker2`, ...
fn node_names(config: &ClusterConfig) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let (mut cps, mut workers) = (0, 0);
    for role in &config.nodes {
        let base = if role == "control-plane" { "control-plane" } else { "worker" };
        let n = if base == "control-plane" {
            cps += 1;
            cps
        } else {
            workers += 1;
            workers
        };
        let suffix = if n == 1 { String::new() } else { n.to_string() };
        out.push((format!("{}-{base}{suffix}", config.name), base.to_string()));
    }
    if out.is_empty() {
        out.push((format!("{}-control-plane", config.name), "control-plane".into()));
    }
    out
}

fn node_object(c: &Cluster, name: &str, role: &str, index: usize, version: &str, multi: bool) -> Value {
    let mut labels = json!({
        "beta.kubernetes.io/arch": "amd64",
        "beta.kubernetes.io/os": "linux",
        "kubernetes.io/arch": "amd64",
        "kubernetes.io/hostname": name,
        "kubernetes.io/os": "linux",
    });
    for (k, v) in c.config.node_labels.get(index).into_iter().flatten() {
        labels[k.as_str()] = json!(v);
    }
    let mut taints = Vec::new();
    if role == "control-plane" {
        labels["node-role.kubernetes.io/control-plane"] = json!("");
        labels["node.kubernetes.io/exclude-from-external-load-balancers"] = json!("");
        if multi {
            taints.push(json!({"effect": "NoSchedule", "key": "node-role.kubernetes.io/control-plane"}));
        }
    }
    let cidr = format!("10.244.{index}.0/24");
    let ts = rfc3339(c.now);
    let ready_at = rfc3339(c.now + 9_000);
    let resources = json!({"cpu": "8", "ephemeral-storage": "263174212Ki", "hugepages-1Gi": "0", "hugepages-2Mi": "0", "memory": "16283452Ki", "pods": "110"});
    let cond = |t: &str, s: &str, reason: &str, msg: &str, at: &str| json!({
        "lastHeartbeatTime": at, "lastTransitionTime": at, "message": msg, "reason": reason, "status": s, "type": t,
    });
    let mut spec = json!({"podCIDR": cidr, "podCIDRs": [cidr], "providerID": format!("kind://docker/{}/{name}", c.config.name)});
    if !taints.is_empty() {
        spec["taints"] = json!(taints);
    }
    json!({
        "metadata": {
            "name": name,
            "labels": labels,
            "annotations": {
                "node.alpha.kubernetes.io/ttl": "0",
                "volumes.kubernetes.io/controller-managed-attach-detach": "true",
            },
        },
        "spec": spec,
        "status": {
            "addresses": [{"address": crate::network::node_ip(index), "type": "InternalIP"}, {"address": name, "type": "Hostname"}],
            "allocatable": resources,
            "capacity": resources,
            "conditions": [
                cond("MemoryPressure", "False", "KubeletHasSufficientMemory", "kubelet has sufficient memory available", &ts),
                cond("DiskPressure", "False", "KubeletHasNoDiskPressure", "kubelet has no disk pressure", &ts),
                cond("PIDPressure", "False", "KubeletHasSufficientPID", "kubelet has sufficient PID available", &ts),
                cond("Ready", "True", "KubeletReady", "kubelet is posting ready status", &ready_at),
            ],
            "daemonEndpoints": {"kubeletEndpoint": {"Port": 10250}},
            "nodeInfo": {
                "architecture": "amd64",
                "bootID": format!("{:08x}-0000-4000-8000-{:012x}", index + 1, index + 1),
                "containerRuntimeVersion": "containerd://2.2.0",
                "kernelVersion": "6.8.0-88-generic",
                "kubeProxyVersion": "",
                "kubeletVersion": version,
                "machineID": format!("{:032x}", index + 0x6b696e64),
                "operatingSystem": "linux",
                "osImage": "Debian GNU/Linux 12 (bookworm)",
                "systemUUID": format!("{:08x}-0000-4000-8000-{:012x}", index + 0xa1, index + 0xa1),
            },
        },
    })
}

fn node_uid(c: &Cluster, node: &str) -> Value {
    c.get(&ObjKey { resource: "nodes".into(), namespace: Default::default(), name: node.into() }).map(|n| n["metadata"]["uid"].clone()).unwrap_or(Value::Null)
}

/// The kubelet's hash of a static pod manifest (32 hex digits); here a fixed function
/// of the component, as kind's manifests are the same in every cluster.
fn manifest_hash(component: &str) -> String {
    let mut h: u128 = 0x6c62_272e_07bb_0142_62b8_2175_6295_c58d;
    for b in component.bytes() {
        h ^= u128::from(b);
        h = h.wrapping_mul(0x0000_0000_0100_0000_0000_0000_0000_013B);
    }
    format!("{h:032x}")
}

fn rt_of(kind: &str) -> &'static ResourceType {
    resources::RESOURCES.iter().find(|r| r.kind == kind && (r.group.is_empty() || r.group != "events.k8s.io")).expect("bootstrap kinds are registered")
}

/// Stores an object as the API server would after defaulting, at the cluster's now.
fn put(c: &mut Cluster, kind: &str, namespace: &str, mut obj: Value) -> Value {
    let rt = rt_of(kind);
    if rt.namespaced {
        meta_mut(&mut obj).insert("namespace".into(), json!(namespace));
    }
    admission::default_object(c, rt, &mut obj);
    if matches!(kind, "Deployment" | "ReplicaSet" | "DaemonSet") {
        meta_mut(&mut obj).insert("generation".into(), json!(1));
    }
    let name = obj["metadata"]["name"].as_str().unwrap_or("").to_string();
    let key = ObjKey::new(rt, namespace, &name);
    let stored = c.insert(key, obj);
    crate::apiserver::with_type(rt, stored)
}

/// The default ServiceAccount and the `kube-root-ca.crt` ConfigMap every namespace
/// gets from its controllers.
pub(crate) fn ensure_namespace_defaults(c: &mut Cluster, ns: &str) {
    let sa = ObjKey { resource: "serviceaccounts".into(), namespace: ns.into(), name: "default".into() };
    if c.get(&sa).is_none() {
        put(c, "ServiceAccount", ns, json!({"metadata": {"name": "default"}}));
    }
    let cm = ObjKey { resource: "configmaps".into(), namespace: ns.into(), name: "kube-root-ca.crt".into() };
    if c.get(&cm).is_none() {
        put(c, "ConfigMap", ns, json!({
            "metadata": {"name": "kube-root-ca.crt", "annotations": {"kubernetes.io/description": "Contains a CA bundle that can be used to verify the kube-apiserver when using internal endpoints such as the internal service IP or kubernetes.default.svc. No other usage is guaranteed across distributions of Kubernetes clusters."}},
            "data": {"ca.crt": "-----BEGIN CERTIFICATE-----\nMIIDBTCCAe2gAwIBAgIIKubeniwaSimulatedCAwDQYJKoZIhvcNAQELBQAwFTET\n-----END CERTIFICATE-----\n"},
        }));
    }
}

/// A pod that is already running, with the status the kubelet would have written.
fn put_running_pod(c: &mut Cluster, ns: &str, mut pod: Value, started: Millis, ip: Option<String>) {
    let node = pod["spec"]["nodeName"].as_str().unwrap_or("").to_string();
    let node_index = c.list("nodes", None).iter().position(|n| n["metadata"]["name"] == node.as_str()).unwrap_or(0);
    let ip = ip.unwrap_or_else(|| crate::network::assign_pod_ip(c, node_index));
    let t = rfc3339(started);
    let ready = rfc3339(started + 2_000);
    let statuses: Vec<Value> = pod["spec"]["containers"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|ctr| {
            let image = ctr["image"].as_str().unwrap_or("").to_string();
            let id = c.rng.hex(32);
            json!({
                "containerID": format!("containerd://{id}"),
                "image": image,
                "imageID": format!("sha256:{}", c.rng.hex(32)),
                "lastState": {},
                "name": ctr["name"],
                "ready": true,
                "restartCount": 0,
                "started": true,
                "state": {"running": {"startedAt": ready}},
            })
        })
        .collect();
    let cond = |t_: &str, at: &str| json!({"lastProbeTime": null, "lastTransitionTime": at, "observedGeneration": 1, "status": "True", "type": t_});
    pod["status"] = json!({
        "conditions": [cond("PodReadyToStartContainers", &ready), cond("Initialized", &t), cond("Ready", &ready), cond("ContainersReady", &ready), cond("PodScheduled", &t)],
        "containerStatuses": statuses,
        "hostIP": crate::network::node_ip(node_index),
        "hostIPs": [{"ip": crate::network::node_ip(node_index)}],
        "observedGeneration": 1,
        "phase": "Running",
        "podIP": ip,
        "podIPs": [{"ip": ip}],
        "startTime": t,
    });
    let rt = rt_of("Pod");
    meta_mut(&mut pod).insert("namespace".into(), json!(ns));
    meta_mut(&mut pod).insert("generation".into(), json!(1));
    let qos = admission::qos_class(&pod["spec"]);
    admission::default_object(c, rt, &mut pod);
    // What the Priority admission plugin gives pods without a class.
    for (k, v) in [("priority", json!(0)), ("preemptionPolicy", json!("PreemptLowerPriority"))] {
        if pod["spec"][k].is_null() {
            pod["spec"][k] = v;
        }
    }
    pod["status"]["qosClass"] = json!(qos);
    let name = pod["metadata"]["name"].as_str().unwrap_or("").to_string();
    c.insert(ObjKey::new(rt, ns, &name), pod);
}

struct Workload {
    kind: &'static str,
    namespace: &'static str,
    name: &'static str,
    labels: Value,
    container: &'static str,
    image: &'static str,
    priority_class: &'static str,
    host_network: bool,
    hash: String,
    replicas: usize,
    start: Millis,
    nodes: Vec<String>,
}

/// A Deployment (with its ReplicaSet) or DaemonSet and its running pods.
fn add_workload(c: &mut Cluster, w: Workload) {
    let mut pod_spec = json!({"containers": [container_spec(w.name, w.container, w.image)]});
    for (k, v) in extra_pod_spec(w.name) {
        pod_spec[k] = v;
    }
    if w.host_network {
        pod_spec["hostNetwork"] = json!(true);
    }
    if !w.priority_class.is_empty() {
        pod_spec["priorityClassName"] = json!(w.priority_class);
        pod_spec["priority"] = json!(if w.priority_class == "system-node-critical" { 2000001000 } else { 2000000000 });
    }
    if w.namespace == "kube-system" {
        pod_spec["tolerations"] = json!([{"key": "CriticalAddonsOnly", "operator": "Exists"}, {"effect": "NoSchedule", "key": "node-role.kubernetes.io/control-plane"}]);
    }
    let n = w.replicas as i64;
    let selector = json!({"matchLabels": w.labels});
    let (owner_kind, owner_name, owner_uid) = if w.kind == "Deployment" {
        let dep = put(c, "Deployment", w.namespace, json!({
            "metadata": {"name": w.name, "labels": w.labels, "annotations": {"deployment.kubernetes.io/revision": "1"}},
            "spec": {"replicas": n, "selector": selector, "template": {"metadata": {"labels": w.labels}, "spec": pod_spec}},
            "status": {"availableReplicas": n, "observedGeneration": 1, "readyReplicas": n, "replicas": n, "updatedReplicas": n},
        }));
        let mut rs_labels = w.labels.clone();
        rs_labels["pod-template-hash"] = json!(w.hash);
        let rs_name = format!("{}-{}", w.name, w.hash);
        let rs = put(c, "ReplicaSet", w.namespace, json!({
            "metadata": {
                "name": rs_name, "labels": rs_labels,
                "annotations": {"deployment.kubernetes.io/desired-replicas": n.to_string(), "deployment.kubernetes.io/max-replicas": (n + 1).to_string(), "deployment.kubernetes.io/revision": "1"},
                "ownerReferences": [{"apiVersion": "apps/v1", "kind": "Deployment", "name": w.name, "uid": dep["metadata"]["uid"], "controller": true, "blockOwnerDeletion": true}],
            },
            "spec": {"replicas": n, "selector": {"matchLabels": rs_labels}, "template": {"metadata": {"labels": rs_labels}, "spec": pod_spec}},
            "status": {"availableReplicas": n, "fullyLabeledReplicas": n, "observedGeneration": 1, "readyReplicas": n, "replicas": n},
        }));
        ("ReplicaSet", rs_name, rs["metadata"]["uid"].clone())
    } else {
        let ds = put(c, "DaemonSet", w.namespace, json!({
            "metadata": {"name": w.name, "labels": w.labels, "annotations": {"deprecated.daemonset.template.generation": "1"}},
            "spec": {"selector": selector, "template": {"metadata": {"labels": w.labels}, "spec": pod_spec}, "updateStrategy": {"type": "RollingUpdate", "rollingUpdate": {"maxSurge": 0, "maxUnavailable": 1}}, "revisionHistoryLimit": 10},
            "status": {"currentNumberScheduled": n, "desiredNumberScheduled": n, "numberAvailable": n, "numberMisscheduled": 0, "numberReady": n, "observedGeneration": 1, "updatedNumberScheduled": n},
        }));
        // The controller's first sync records the template as revision 1; its uid is
        // a function of the cluster and name, so the seeded names stay as they were.
        let mut rev = crate::daemonset::revision_for(&ds, &w.hash, 1);
        let rev_name = rev["metadata"]["name"].as_str().unwrap_or("").to_string();
        rev["metadata"]["uid"] = json!(crate::rng::uuid_from(&format!("{}/controllerrevision/{}/{rev_name}", c.config.name, w.namespace)));
        c.insert(ObjKey { resource: "controllerrevisions.apps".into(), namespace: w.namespace.into(), name: rev_name.into() }, rev);
        ("DaemonSet", w.name.to_string(), ds["metadata"]["uid"].clone())
    };
    for node in &w.nodes {
        let name = if w.kind == "Deployment" { format!("{}-{}-{}", w.name, w.hash, c.rng.name_suffix(5)) } else { format!("{}-{}", w.name, c.rng.name_suffix(5)) };
        let mut labels = w.labels.clone();
        if w.kind == "Deployment" {
            labels["pod-template-hash"] = json!(w.hash);
        } else {
            labels["controller-revision-hash"] = json!(w.hash);
            labels["pod-template-generation"] = json!("1");
        }
        let mut spec = pod_spec.clone();
        spec["nodeName"] = json!(node);
        let pod = json!({
            "metadata": {
                "name": name, "labels": labels,
                "ownerReferences": [{"apiVersion": "apps/v1", "kind": owner_kind, "name": owner_name, "uid": owner_uid, "controller": true, "blockOwnerDeletion": true}],
                "generateName": if w.kind == "Deployment" { format!("{}-{}-", w.name, w.hash) } else { format!("{}-", w.name) },
            },
            "spec": spec,
        });
        let ip = if w.host_network {
            let idx = c.list("nodes", None).iter().position(|n| n["metadata"]["name"] == node.as_str()).unwrap_or(0);
            Some(crate::network::node_ip(idx))
        } else {
            None
        };
        put_running_pod(c, w.namespace, pod, w.start, ip);
    }
}

/// A pod-template-hash: a function of the template, not of the seed.
pub fn template_hash(name: &str, version: &str) -> String {
    let h = crate::rng::fnv32a(format!("{name}/{version}").as_bytes());
    let encoded = crate::rng::safe_encode(&h.to_string());
    encoded.chars().take(10).collect()
}

/// The container of a kind add-on as its manifest declares it.
fn container_spec(workload: &str, name: &str, image: &str) -> Value {
    match workload {
        "coredns" => json!({
            "name": name,
            "image": image,
            "args": ["-conf", "/etc/coredns/Corefile"],
            "ports": [
                {"containerPort": 53, "name": "dns", "protocol": "UDP"},
                {"containerPort": 53, "name": "dns-tcp", "protocol": "TCP"},
                {"containerPort": 9153, "name": "metrics", "protocol": "TCP"},
                {"containerPort": 8080, "name": "liveness-probe", "protocol": "TCP"},
                {"containerPort": 8181, "name": "readiness-probe", "protocol": "TCP"},
            ],
            "resources": {"limits": {"memory": "170Mi"}, "requests": {"cpu": "100m", "memory": "70Mi"}},
            "livenessProbe": {"failureThreshold": 5, "httpGet": {"path": "/health", "port": "liveness-probe", "scheme": "HTTP"}, "initialDelaySeconds": 60, "periodSeconds": 10, "successThreshold": 1, "timeoutSeconds": 5},
            "readinessProbe": {"failureThreshold": 3, "httpGet": {"path": "/ready", "port": "readiness-probe", "scheme": "HTTP"}, "periodSeconds": 10, "successThreshold": 1, "timeoutSeconds": 1},
            "securityContext": {"allowPrivilegeEscalation": false, "capabilities": {"add": ["NET_BIND_SERVICE"], "drop": ["ALL"]}, "readOnlyRootFilesystem": true},
            "volumeMounts": [{"mountPath": "/etc/coredns", "name": "config-volume", "readOnly": true}],
        }),
        "kindnet" => json!({
            "name": name,
            "image": image,
            "env": [
                {"name": "HOST_IP", "valueFrom": {"fieldRef": {"apiVersion": "v1", "fieldPath": "status.hostIP"}}},
                {"name": "POD_IP", "valueFrom": {"fieldRef": {"apiVersion": "v1", "fieldPath": "status.podIP"}}},
                {"name": "POD_SUBNET", "value": "10.244.0.0/16"},
                {"name": "CONTROL_PLANE_ENDPOINT", "value": "kind-control-plane:6443"},
            ],
            "resources": {"limits": {"cpu": "100m", "memory": "50Mi"}, "requests": {"cpu": "100m", "memory": "50Mi"}},
            "securityContext": {"capabilities": {"add": ["NET_RAW", "NET_ADMIN"]}, "privileged": false},
        }),
        "kube-proxy" => json!({
            "name": name,
            "image": image,
            "command": ["/usr/local/bin/kube-proxy", "--config=/var/lib/kube-proxy/config.conf", "--hostname-override=$(NODE_NAME)"],
            "env": [{"name": "NODE_NAME", "valueFrom": {"fieldRef": {"apiVersion": "v1", "fieldPath": "spec.nodeName"}}}],
            "securityContext": {"privileged": true},
        }),
        _ => json!({"name": name, "image": image}),
    }
}

/// Pod-level fields of the kind add-ons.
fn extra_pod_spec(workload: &str) -> Vec<(&'static str, Value)> {
    match workload {
        "coredns" => vec![
            ("dnsPolicy", json!("Default")),
            ("nodeSelector", json!({"kubernetes.io/os": "linux"})),
            ("serviceAccountName", json!("coredns")),
            ("volumes", json!([{"configMap": {"defaultMode": 420, "items": [{"key": "Corefile", "path": "Corefile"}], "name": "coredns"}, "name": "config-volume"}])),
        ],
        "kube-proxy" => vec![("nodeSelector", json!({"kubernetes.io/os": "linux"})), ("serviceAccountName", json!("kube-proxy"))],
        "kindnet" => vec![("serviceAccountName", json!("kindnet"))],
        "local-path-provisioner" => vec![("nodeSelector", json!({"kubernetes.io/os": "linux"})), ("serviceAccountName", json!("local-path-provisioner-service-account"))],
        _ => Vec::new(),
    }
}
