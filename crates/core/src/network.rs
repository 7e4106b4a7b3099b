//! Cluster networking as kind sets it up: node addresses `172.18.0.x`, pod CIDRs
//! `10.244.<node>.0/24`, the Service CIDR `10.96.0.0/16`, NodePorts 30000-32767.

use serde_json::{json, Value};

use crate::cluster::Cluster;

/// The InternalIP of the n-th node (0-based) of a kind cluster.
pub fn node_ip(index: usize) -> String {
    format!("172.18.0.{}", index + 2)
}

/// The next free pod IP on the node with this index, as the CNI's host-local IPAM
/// hands them out (lowest free address first, from .2).
pub fn allocate_pod_ip(cluster: &Cluster, node_index: usize) -> String {
    let prefix = format!("10.244.{node_index}.");
    let used: std::collections::BTreeSet<String> = cluster
        .list("pods", None)
        .iter()
        .filter_map(|p| p["status"]["podIP"].as_str().map(String::from))
        .collect();
    let released = &cluster.runtime.released_ips;
    // host-local IPAM does not hand a just-released address out again at once: it
    // continues after the last one allocated.
    let start = cluster.runtime.last_ip.get(&node_index).copied().unwrap_or(1) + 1;
    for offset in 0..253u32 {
        let host = (start - 2 + offset) % 253 + 2;
        let ip = format!("{prefix}{host}");
        if !used.contains(&ip) && !released.contains(&ip) {
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
