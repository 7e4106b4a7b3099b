//! The control-plane benches `cargo xtask bench` runs (in release mode, one process per
//! bench so peak memory is the bench's own):
//!
//! - `converge`: 100 Deployments × 100 replicas on a kind cluster of 100 nodes, from
//!   the first create until every Deployment reports 100 available replicas;
//! - `hold`: 1,000 Deployments × 100 replicas on 1,000 nodes, held in the store.
//!
//! Prints one line: `ms=<wall ms> peak_kb=<VmHWM> pods=<ready pods>`. `KUBENIWA_BENCH_TRACE=1`
//! also prints the live heap after the creates and before each simulated second. The example
//! reads the clock and /proc; the library it drives does neither.

use std::time::Instant;

use kubeniwa_core::{bootstrap, ClusterConfig, Method, Request};
use serde_json::json;

/// Counts live heap bytes, so `mem` can weigh the cluster's parts.
struct Counting;
static LIVE: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
/// The most live heap bytes at any time (against `peak_kb`, the process's resident
/// peak, it tells live data from the allocator's fragmentation).
static PEAK: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
unsafe impl std::alloc::GlobalAlloc for Counting {
    unsafe fn alloc(&self, l: std::alloc::Layout) -> *mut u8 {
        let now = LIVE.fetch_add(l.size(), std::sync::atomic::Ordering::Relaxed) + l.size();
        PEAK.fetch_max(now, std::sync::atomic::Ordering::Relaxed);
        unsafe { std::alloc::System.alloc(l) }
    }
    unsafe fn dealloc(&self, p: *mut u8, l: std::alloc::Layout) {
        LIVE.fetch_sub(l.size(), std::sync::atomic::Ordering::Relaxed);
        unsafe { std::alloc::System.dealloc(p, l) }
    }
    unsafe fn realloc(&self, p: *mut u8, l: std::alloc::Layout, n: usize) -> *mut u8 {
        let now = LIVE.fetch_add(n, std::sync::atomic::Ordering::Relaxed) + n;
        PEAK.fetch_max(now, std::sync::atomic::Ordering::Relaxed);
        LIVE.fetch_sub(l.size(), std::sync::atomic::Ordering::Relaxed);
        unsafe { std::alloc::System.realloc(p, l, n) }
    }
}
#[global_allocator]
static A: Counting = Counting;
fn live() -> usize {
    LIVE.load(std::sync::atomic::Ordering::Relaxed)
}

fn peak_kb() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| s.lines().find(|l| l.starts_with("VmHWM:")).and_then(|l| l.split_whitespace().nth(1)).and_then(|v| v.parse().ok()))
        .unwrap_or(0)
}

fn run(nodes: usize, deployments: usize, replicas: usize) -> (u128, u64, usize) {
    let mut roles = vec!["control-plane".to_string()];
    roles.extend(std::iter::repeat_n("worker".to_string(), nodes - 1));
    let config = ClusterConfig { name: "kind".into(), node_image: kubeniwa_core::KIND_NODE_IMAGE.into(), nodes: roles, node_labels: Vec::new() };
    let start_ms = 1_796_029_200_000;
    let mut c = bootstrap::create_kind_cluster(config, 1, start_ms);
    // To try other packing thresholds without rebuilding.
    if let Some(n) = std::env::var("KUBENIWA_BENCH_PACK_AFTER").ok().and_then(|v| v.parse().ok()) {
        c.set_pack_after(n);
    }
    let t0 = Instant::now();
    for i in 0..deployments {
        let name = format!("app{i}");
        let body = json!({
            "apiVersion": "apps/v1",
            "kind": "Deployment",
            "metadata": {"name": name},
            "spec": {
                "replicas": replicas,
                "selector": {"matchLabels": {"app": name}},
                "template": {"metadata": {"labels": {"app": name}}, "spec": {"containers": [{"name": "web", "image": "nginx:1.27"}]}},
            },
        });
        let r = c.handle(&Request::new(Method::Post, "/apis/apps/v1/namespaces/default/deployments").body(body));
        assert!(r.is_success(), "{}", r.body);
    }
    if std::env::var_os("KUBENIWA_BENCH_TRACE").is_some() { eprintln!("posted at {} ms: live {} kB peak {} kB", t0.elapsed().as_millis(), live() >> 10, PEAK.load(std::sync::atomic::Ordering::Relaxed) >> 10); }
    // Simulated time moves on until every Deployment is available.
    let mut t = c.now();
    let t_start = t;
    for _ in 0..600 {
        let done = c.list("deployments.apps", Some("default")).iter().all(|d| d["status"]["availableReplicas"].as_u64() == Some(replicas as u64));
        if done {
            break;
        }
        t += 1000;
        if std::env::var_os("KUBENIWA_BENCH_TRACE").is_some() { eprintln!("t={} at {} ms: live {} kB peak {} kB", (t - t_start)/1000, t0.elapsed().as_millis(), live() >> 10, PEAK.load(std::sync::atomic::Ordering::Relaxed) >> 10); }
        c.advance_to(t);
    }
    // Counted from the Deployments' status (reading every pod would parse the packed
    // store again and weigh that, not holding the pods).
    let running: usize = c.list("deployments.apps", Some("default")).iter().map(|d| d["status"]["readyReplicas"].as_u64().unwrap_or(0) as usize).sum();
    eprintln!("simulated {} s, peak live heap {} kB, {} writes", (t - t_start) / 1000, PEAK.load(std::sync::atomic::Ordering::Relaxed) >> 10, c.resource_version());
    if std::env::var_os("KUBENIWA_BENCH_MEM").is_some() {
        let weigh = |c: &kubeniwa_core::Cluster| {
            eprintln!("live heap {} kB ({} B per pod)", live() >> 10, live() / running.max(1));
            for (name, part) in c.heap_parts() {
                let before = live();
                drop(part);
                eprintln!("{:>10} kB  {name}", (before - live()) >> 10);
            }
        };
        weigh(&c);
        // The same with every object packed (what the store holds at rest).
        c.compact();
        eprintln!("packed:");
        weigh(&c);
    }
    (t0.elapsed().as_millis(), peak_kb(), running)
}

fn main() {
    let which = std::env::args().nth(1).unwrap_or_else(|| "converge".into());
    let (ms, kb, pods) = match which.as_str() {
        "converge" => run(100, 100, 100),
        "hold" => run(1000, 1000, 100),
        // Small sizes for a quick look: `small N D R`.
        "small" => {
            let a: Vec<usize> = std::env::args().skip(2).filter_map(|s| s.parse().ok()).collect();
            run(*a.first().unwrap_or(&10), *a.get(1).unwrap_or(&10), *a.get(2).unwrap_or(&10))
        }
        other => {
            eprintln!("unknown bench {other:?} (converge, hold, small N D R)");
            std::process::exit(2);
        }
    };
    println!("ms={ms} peak_kb={kb} pods={pods}");
}
