//! Cluster networking as kind sets it up: node addresses `172.18.0.x`, pod CIDRs
//! `10.244.<node>.0/24`, the Service CIDR `10.96.0.0/16`, NodePorts 30000-32767.

use serde_json::{json, Value};

use crate::cluster::Cluster;

/// The InternalIP of the n-th node (0-based) of a kind cluster.
pub fn node_ip(index: usize) -> String {
    format!("172.18.0.{}", index + 2)
}

/// Hands out the next pod IP on the node with this index and remembers it, as the
/// CNI's host-local IPAM does (it continues after the last address it gave).
pub fn assign_pod_ip(cluster: &mut Cluster, node_index: usize) -> String {
    let ip = allocate_pod_ip(cluster, node_index);
    if let Some(host) = ip.rsplit('.').next().and_then(|h| h.parse().ok()) {
        cluster.runtime.last_ip.insert(node_index, host);
    }
    ip
}

/// The next free pod IP on the node with this index (lowest free address after the
/// last one handed out, from .2).
fn allocate_pod_ip(cluster: &Cluster, node_index: usize) -> String {
    let prefix = format!("10.244.{node_index}.");
    // Addresses pods report, kept by the store.
    let used = &cluster.index.pod_ips;
    let released = &cluster.runtime.released_ips;
    // host-local IPAM does not hand a just-released address out again at once: it
    // continues after the last one allocated.
    let start = cluster.runtime.last_ip.get(&node_index).copied().unwrap_or(1) + 1;
    for offset in 0..253u32 {
        let host = (start - 2 + offset) % 253 + 2;
        let ip = format!("{prefix}{host}");
        if !used.contains_key(&ip) && !released.contains(&ip) {
            return ip;
        }
    }
    format!("{prefix}254")
}

/// Service defaults and allocations (`clusterIP`, `nodePort`).
pub fn default_service(cluster: &mut Cluster, svc: &mut Value) {
    let spec = &mut svc["spec"];
    if spec["type"].is_null() {
        spec["type"] = json!("ClusterIP");
    }
    if spec["sessionAffinity"].is_null() {
        spec["sessionAffinity"] = json!("None");
    }
    let kind = spec["type"].as_str().unwrap_or("ClusterIP").to_string();
    if kind != "ExternalName" {
        if spec["clusterIP"].is_null() || spec["clusterIP"] == "" {
            let ip = allocate_cluster_ip(cluster);
            spec["clusterIP"] = json!(ip);
        }
        if spec["clusterIPs"].is_null() {
            spec["clusterIPs"] = json!([spec["clusterIP"].clone()]);
        }
        if spec["ipFamilies"].is_null() {
            spec["ipFamilies"] = json!(["IPv4"]);
        }
        if spec["ipFamilyPolicy"].is_null() {
            spec["ipFamilyPolicy"] = json!("SingleStack");
        }
        if spec["internalTrafficPolicy"].is_null() {
            spec["internalTrafficPolicy"] = json!("Cluster");
        }
    }
    if matches!(kind.as_str(), "NodePort" | "LoadBalancer") && spec["externalTrafficPolicy"].is_null() {
        spec["externalTrafficPolicy"] = json!("Cluster");
    }
    if let Some(ports) = spec["ports"].as_array().cloned() {
        let mut out = Vec::new();
        for mut p in ports {
            if p["protocol"].is_null() {
                p["protocol"] = json!("TCP");
            }
            if p["targetPort"].is_null() {
                p["targetPort"] = p["port"].clone();
            }
            if matches!(kind.as_str(), "NodePort" | "LoadBalancer") && p["nodePort"].is_null() {
                p["nodePort"] = json!(allocate_node_port(cluster));
            }
            out.push(p);
        }
        spec["ports"] = json!(out);
    }
    if svc["status"].is_null() {
        svc["status"] = json!({"loadBalancer": {}});
    }
}

fn allocate_cluster_ip(cluster: &mut Cluster) -> String {
    let used: Vec<String> = cluster.list("services", None).iter().filter_map(|s| s["spec"]["clusterIP"].as_str().map(String::from)).collect();
    loop {
        // The allocator picks at random from the upper part of the range first.
        let n = cluster.rng.between(16 * 256, 65_534);
        let ip = format!("10.96.{}.{}", n / 256, n % 256);
        if n % 256 != 0 && !used.contains(&ip) {
            return ip;
        }
    }
}

fn allocate_node_port(cluster: &mut Cluster) -> u16 {
    let used: Vec<i64> = cluster
        .list("services", None)
        .iter()
        .flat_map(|s| s["spec"]["ports"].as_array().cloned().unwrap_or_default())
        .filter_map(|p| p["nodePort"].as_i64())
        .collect();
    loop {
        let port = cluster.rng.between(30_000, 32_767) as i64;
        if !used.contains(&port) {
            return port as u16;
        }
    }
}

/// Where a connection to `host:port` lands, as the cluster network routes it.
#[derive(Debug, Clone, PartialEq)]
pub enum Route {
    /// A container process listening on the port: the pod and its body to serve.
    Listener { pod: crate::cluster::ObjKey, container: String, body: Option<String> },
    /// Something is there but nothing listens on the port (RST).
    Refused,
    /// A Service with no ready endpoints: kube-proxy rejects (ICMP unreachable).
    NoEndpoints,
    /// The name does not resolve.
    Unresolvable,
    /// Nothing answers at all (packets dropped).
    Unreachable,
}

/// Where a name resolves, as CoreDNS answers a pod in `namespace`.
#[derive(Debug, Clone, PartialEq)]
pub enum Resolved {
    Ip(String),
    /// A Service's ClusterIP, with its fully qualified name.
    Service { fqdn: String, ip: String },
    /// A headless Service (`clusterIP: None`): a record per ready endpoint, in the
    /// order of its Endpoints (clients connect to the first).
    Headless { fqdn: String, ips: Vec<String> },
    /// An ExternalName Service: a CNAME.
    Cname { fqdn: String, target: String },
    External { name: String, ips: Vec<String> },
    NotFound,
}

fn is_ipv4(s: &str) -> bool {
    let parts: Vec<&str> = s.split('.').collect();
    parts.len() == 4 && parts.iter().all(|p| !p.is_empty() && p.len() <= 3 && p.parse::<u8>().is_ok())
}

/// Resolves a name as a pod's resolver would (search path `<ns>.svc.cluster.local`,
/// `svc.cluster.local`, `cluster.local`; `ndots:5`). External names get stable,
/// plausible addresses.
pub fn resolve(cluster: &Cluster, namespace: &str, name: &str) -> Resolved {
    let name = name.trim_end_matches('.');
    if is_ipv4(name) {
        return Resolved::Ip(name.to_string());
    }
    if name == "localhost" {
        return Resolved::Ip("127.0.0.1".into());
    }
    let lower = name.to_ascii_lowercase();
    // A pod's own record under a headless Service (`<hostname>.<subdomain>.<ns>.svc`),
    // tried along the search path.
    let candidates = if lower.ends_with(".cluster.local") {
        vec![lower.clone()]
    } else {
        vec![format!("{lower}.{namespace}.svc.cluster.local"), format!("{lower}.svc.cluster.local"), format!("{lower}.cluster.local")]
    };
    for fqdn in candidates {
        let labels: Vec<&str> = fqdn.trim_end_matches(".svc.cluster.local").split('.').collect();
        if let [host, sub, ns] = labels.as_slice() {
            if let Some(ip) = pod_record(cluster, ns, sub, host) {
                return Resolved::Service { fqdn: fqdn.clone(), ip };
            }
        }
    }
    let parts: Vec<&str> = lower.trim_end_matches(".cluster.local").split('.').collect();
    let in_cluster = lower.ends_with(".cluster.local") || !lower.contains('.') || parts.len() <= 3 && (parts.len() == 2 || parts.get(2) == Some(&"svc"));
    if in_cluster {
        let (svc, ns) = match parts.as_slice() {
            [svc] => (*svc, namespace),
            [svc, ns] | [svc, ns, "svc"] => (*svc, *ns),
            _ => ("", ""),
        };
        if !svc.is_empty() {
            let key = crate::cluster::ObjKey { resource: "services".into(), namespace: ns.into(), name: svc.into() };
            if let Some(s) = cluster.get(&key) {
                let fqdn = format!("{svc}.{ns}.svc.cluster.local");
                if s["spec"]["type"] == "ExternalName" {
                    return Resolved::Cname { fqdn, target: s["spec"]["externalName"].as_str().unwrap_or("").to_string() };
                }
                if let Some(ip) = s["spec"]["clusterIP"].as_str().filter(|ip| *ip != "None") {
                    return Resolved::Service { fqdn, ip: ip.to_string() };
                }
                // CoreDNS answers a headless Service's name with its ready endpoints'
                // addresses; with none, the name does not exist.
                if s["spec"]["clusterIP"] == "None" {
                    let ep = cluster.get(&crate::cluster::ObjKey { resource: "endpoints".into(), namespace: ns.into(), name: svc.into() });
                    let mut ips: Vec<String> = Vec::new();
                    for subset in ep.and_then(|e| e["subsets"].as_array()).into_iter().flatten() {
                        for a in subset["addresses"].as_array().into_iter().flatten() {
                            if let Some(ip) = a["ip"].as_str().filter(|ip| !ips.iter().any(|x| x == ip)) {
                                ips.push(ip.to_string());
                            }
                        }
                    }
                    if !ips.is_empty() {
                        return Resolved::Headless { fqdn, ips };
                    }
                }
            }
        }
        if lower.ends_with(".cluster.local") || !lower.contains('.') {
            return Resolved::NotFound;
        }
    }
    match external_ips(&lower) {
        Some(ips) => Resolved::External { name: lower, ips },
        None => Resolved::NotFound,
    }
}

/// The address of the ready pod whose `hostname` and `subdomain` name it, when a
/// headless Service of that subdomain exists in its namespace (CoreDNS's records).
fn pod_record(cluster: &Cluster, ns: &str, subdomain: &str, hostname: &str) -> Option<String> {
    let svc = cluster.get(&crate::cluster::ObjKey { resource: "services".into(), namespace: ns.into(), name: subdomain.into() })?;
    if svc["spec"]["clusterIP"] != "None" {
        return None;
    }
    cluster
        .range("pods", Some(ns))
        .map(|(_, p)| p)
        .find(|p| {
            p["spec"]["hostname"] == hostname
                && p["spec"]["subdomain"] == subdomain
                && p["metadata"]["deletionTimestamp"].is_null()
                && p["status"]["conditions"].as_array().is_some_and(|c| c.iter().any(|c| c["type"] == "Ready" && c["status"] == "True"))
        })
        .and_then(|p| p["status"]["podIP"].as_str().map(String::from))
}

/// Well-known public names resolve; made-up ones do not.
fn external_ips(name: &str) -> Option<Vec<String>> {
    let known = [
        ("google.com", "142.251.42.142"),
        ("www.google.com", "142.250.196.100"),
        ("kubernetes.io", "15.197.167.90"),
        ("example.com", "23.192.228.80"),
        ("www.example.com", "23.215.0.136"),
        ("github.com", "20.27.177.113"),
        ("registry-1.docker.io", "54.236.113.205"),
    ];
    known.iter().find(|(n, _)| *n == name).map(|(_, ip)| vec![ip.to_string()])
}

/// The port a container's server process listens on (its image's port, or the one
/// its environment variable names), or `None` when its process is no server.
pub fn listen_port(container: &Value) -> Option<u16> {
    if !container["command"].is_null() {
        return None;
    }
    let image = container["image"].as_str().unwrap_or("");
    let crate::images::Process::Server { port, port_env, .. } = &crate::images::find(image)?.process else { return None };
    let env_port = port_env.as_ref().and_then(|var| {
        container["env"].as_array()?.iter().find(|e| e["name"] == var.as_str()).and_then(|e| e["value"].as_str()).and_then(|v| v.parse::<u16>().ok())
    });
    Some(env_port.unwrap_or(*port))
}

/// What listens on `port` in a running pod, if anything: the container and its body.
fn listener(cluster: &Cluster, pod: &Value, port: u16) -> Option<(String, Option<String>)> {
    if pod["status"]["phase"] != "Running" {
        return None;
    }
    let uid = pod["metadata"]["uid"].as_str().unwrap_or("");
    let statuses = pod["status"]["containerStatuses"].as_array()?;
    for c in pod["spec"]["containers"].as_array()? {
        let name = c["name"].as_str().unwrap_or("");
        match crate::kubelet::serving(cluster, uid, name) {
            Some(Some(s)) if s.port == port || s.extra_ports.contains(&port) => return Some((name.to_string(), s.body)),
            Some(_) => continue,
            // A pod the bootstrap made running: its spec says it all.
            None => {
                let running = statuses.iter().any(|s| s["name"] == name && !s["state"]["running"].is_null());
                if running && listen_port(c) == Some(port) {
                    if let Some(crate::images::Process::Server { body, .. }) = crate::images::find(c["image"].as_str().unwrap_or("")).map(|i| &i.process) {
                        return Some((name.to_string(), body.clone()));
                    }
                }
            }
        }
    }
    None
}

/// Routes a TCP connection from inside the cluster to `ip:port`; a Service's ready
/// endpoint is drawn from the cluster's random stream, as kube-proxy picks one.
pub fn route(cluster: &mut Cluster, ip: &str, port: u16) -> Route {
    let mut rng = cluster.rng.clone();
    let route = route_in(cluster, ip, port, &mut |n| rng.below(n as u64) as usize);
    cluster.rng = rng;
    route
}

/// [`route`] with the endpoint choice given: `pick(n)` is the index of the ready
/// endpoint taken out of `n`.
pub fn route_in(cluster: &Cluster, ip: &str, port: u16, pick: &mut dyn FnMut(usize) -> usize) -> Route {
    // A pod IP.
    let host_network_ip = |p: &Value| p["spec"]["hostNetwork"] == true;
    if let Some(pod) = cluster.range("pods", None).map(|(_, p)| p).find(|p| p["status"]["podIP"] == ip && !host_network_ip(p) && p["metadata"]["deletionTimestamp"].is_null()) {
        return match listener(cluster, pod, port) {
            Some((container, body)) => Route::Listener { pod: pod_key(pod), container, body },
            None => Route::Refused,
        };
    }
    // A Service's ClusterIP: kube-proxy picks a ready endpoint at random.
    if let Some(svc) = cluster.range("services", None).map(|(_, s)| s).find(|s| s["spec"]["clusterIP"] == ip) {
        let Some(sp) = svc["spec"]["ports"].as_array().and_then(|ps| ps.iter().find(|p| p["port"].as_u64() == Some(port as u64))) else {
            return Route::NoEndpoints;
        };
        let ns = svc["metadata"]["namespace"].as_str().unwrap_or("");
        let name = svc["metadata"]["name"].as_str().unwrap_or("");
        let ep_key = crate::cluster::ObjKey { resource: "endpoints".into(), namespace: ns.into(), name: name.into() };
        let targets: Vec<(String, u16)> = cluster
            .get(&ep_key)
            .map(|ep| {
                ep["subsets"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .flat_map(|sub| {
                        let port_num = sub["ports"]
                            .as_array()
                            .and_then(|ps| ps.iter().find(|p| p["name"] == sp["name"] || sp["name"].is_null()))
                            .and_then(|p| p["port"].as_u64())
                            .unwrap_or(0) as u16;
                        sub["addresses"].as_array().cloned().unwrap_or_default().into_iter().filter_map(move |a| a["ip"].as_str().map(|ip| (ip.to_string(), port_num)))
                    })
                    .collect()
            })
            .unwrap_or_default();
        if targets.is_empty() {
            return Route::NoEndpoints;
        }
        let (pip, pport) = targets[pick(targets.len()).min(targets.len() - 1)].clone();
        return route_in(cluster, &pip, pport, pick);
    }
    // A node: NodePorts.
    let is_node = cluster.range("nodes", None).any(|(_, n)| n["status"]["addresses"].as_array().is_some_and(|a| a.iter().any(|x| x["address"] == ip)));
    if is_node || ip == "127.0.0.1" {
        let by_node_port = cluster.range("services", None).map(|(_, s)| s).find(|s| s["spec"]["ports"].as_array().is_some_and(|ps| ps.iter().any(|p| p["nodePort"].as_u64() == Some(port as u64))));
        if let Some(svc) = by_node_port {
            let cip = svc["spec"]["clusterIP"].as_str().unwrap_or("").to_string();
            let sport = svc["spec"]["ports"].as_array().and_then(|ps| ps.iter().find(|p| p["nodePort"].as_u64() == Some(port as u64))).and_then(|p| p["port"].as_u64()).unwrap_or(0) as u16;
            return route_in(cluster, &cip, sport, pick);
        }
        // Host-network pods (the API server on 6443, kubelet 10250) are not modelled
        // as HTTP servers; the port is closed.
        return Route::Refused;
    }
    Route::Unreachable
}

/// One use of the network by a program in a pod: a name looked up, or a TCP
/// connection (an HTTP GET) to `host:port`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum NetCall {
    Lookup { name: String },
    Connect { host: String, port: u16 },
}

/// What the network answered a [`NetCall`].
#[derive(Debug, Clone, PartialEq)]
pub enum NetAnswer {
    Lookup(Resolved),
    /// Where the name resolved, where the connection landed, and how long the
    /// server takes to answer (`resources_model::response_ms`: slower when throttled).
    Connect { resolved: Resolved, route: Route, response_ms: u64 },
}

/// Answers `call` made from the pod `pod` in `namespace` (its address `pod_ip`) as
/// the cluster is now: the pod's resolver, `route_in` with `pick` for a Service's
/// endpoint, and the serving container's response time.
pub fn pod_call(cluster: &Cluster, namespace: &str, pod_ip: &str, call: &NetCall, pick: &mut dyn FnMut(usize) -> usize) -> NetAnswer {
    match call {
        NetCall::Lookup { name } => NetAnswer::Lookup(resolve(cluster, namespace, name)),
        NetCall::Connect { host, port } => {
            let resolved = resolve(cluster, namespace, host);
            let ip = match &resolved {
                Resolved::Ip(ip) | Resolved::Service { ip, .. } => ip.clone(),
                Resolved::Headless { ips, .. } => ips[0].clone(),
                _ => return NetAnswer::Connect { resolved, route: Route::Unresolvable, response_ms: 0 },
            };
            // localhost is the pod's own network namespace, shared by its containers.
            let ip = if ip == "127.0.0.1" { pod_ip.to_string() } else { ip };
            if ip.is_empty() {
                return NetAnswer::Connect { resolved, route: Route::Refused, response_ms: 0 };
            }
            let route = route_in(cluster, &ip, *port, pick);
            let response_ms = response_ms(cluster, &route);
            NetAnswer::Connect { resolved, route, response_ms }
        }
    }
}

/// [`pod_call`] with a Service's endpoint drawn from the cluster's random stream
/// (`kubectl exec`).
pub fn pod_call_drawn(cluster: &mut Cluster, namespace: &str, pod_ip: &str, call: &NetCall) -> NetAnswer {
    let mut rng = cluster.rng.clone();
    let answer = pod_call(cluster, namespace, pod_ip, call, &mut |n| rng.below(n as u64) as usize);
    cluster.rng = rng;
    answer
}

/// How long the server a connection landed on takes to answer (0 when none does).
pub fn response_ms(cluster: &Cluster, route: &Route) -> u64 {
    let Route::Listener { pod, container, .. } = route else { return 0 };
    cluster
        .get(pod)
        .and_then(|p| {
            let spec = p["spec"]["containers"].as_array()?.iter().find(|c| c["name"] == container.as_str())?;
            Some(crate::resources_model::response_ms(cluster, p, spec))
        })
        .unwrap_or(1)
}

fn pod_key(pod: &Value) -> crate::cluster::ObjKey {
    crate::cluster::ObjKey::pod(pod["metadata"]["namespace"].as_str().unwrap_or(""), pod["metadata"]["name"].as_str().unwrap_or(""))
}
