//! Random command sequences against a kind cluster, with the cluster's invariants
//! checked after every command (`../shared/docs/reliability.md`). A failure prints the
//! seed and the commands so the run can be replayed with `kubeniwa run --seed N`.

use std::collections::{BTreeMap, BTreeSet};

use kubeniwa_core::rng::SimRng;
use kubeniwa_core::selectors::LabelSelector;
use kubeniwa_core::Cluster;
use kubeniwa_sandbox::Sandbox;
use serde_json::Value;

const NAMES: [&str; 3] = ["web", "api", "db"];
const IMAGES: [&str; 4] = ["nginx:1.24.0", "nginx:1.25.3", "blux2/hello-server:1.0", "blux2/hello-server:1.1"];

fn pick<'a>(rng: &mut SimRng, xs: &[&'a str]) -> &'a str {
    xs[rng.below(xs.len() as u64) as usize]
}

fn random_command(rng: &mut SimRng) -> String {
    let n = pick(rng, &NAMES);
    match rng.below(20) {
        // Pods asking for more CPU than the node has left, and a higher-priority one
        // that preempts them.
        17 => [format!("kubectl apply -f big-{n}.yaml"), format!("kubectl delete pod big-{n} --wait=false")][rng.below(2) as usize].clone(),
        18 => ["kubectl apply -f hog.yaml", "kubectl delete pod hog --wait=false"][rng.below(2) as usize].to_string(),
        // A BestEffort memory hog: large ones push the node under the kubelet's eviction threshold.
        19 => format!("kubectl run {n}-mem --image=polinux/stress -- stress --vm 1 --vm-bytes {}M --vm-hang 1", [4000, 8000, 15300][rng.below(3) as usize]),
        // Background jobs run on while the other commands change the cluster.
        11 => ["kubectl get pods -w &", "kubectl logs -f deployment/web &", "sleep 7 &", "kubectl port-forward deployment/api 8080:80 &"][rng.below(4) as usize].to_string(),
        12 => ["kill %1", "kill %2", "jobs", "wait %1"][rng.below(4) as usize].to_string(),
        13 => format!("kubectl apply -f sts-{n}.yaml"),
        14 => format!("kubectl scale statefulset {n}-sts --replicas={}", rng.below(4)),
        15 => format!("kubectl delete statefulset {n}-sts --wait=false"),
        16 => format!("kubectl delete pvc data-{n}-sts-{} --wait=false", rng.below(3)),
        0 | 1 => format!("kubectl create deployment {n} --image={} --replicas={}", pick(rng, &IMAGES), rng.below(5)),
        2 => format!("kubectl scale deployment {n} --replicas={}", rng.below(6)),
        3 => format!("kubectl set image deployment/{n} {}={}", n, pick(rng, &IMAGES)),
        4 => format!("kubectl delete deployment {n}"),
        5 => format!("kubectl run {n}-pod --image={}", pick(rng, &IMAGES)),
        6 => format!("kubectl delete pod {n}-pod --grace-period={}", rng.below(3)),
        7 => format!("kubectl expose deployment {n} --port=80"),
        8 => format!("kubectl rollout restart deployment/{n}"),
        9 => "kubectl delete pods --all --wait=false".to_string(),
        _ => format!("sleep {}", rng.below(40)),
    }
}

fn s(v: &Value) -> &str {
    v.as_str().unwrap_or("")
}

/// Checks what must hold at every instant. Returns the first violation.
fn check(c: &Cluster, last_rv: &mut u64) -> Result<(), String> {
    if c.resource_version() < *last_rv {
        return Err(format!("resourceVersion went back from {last_rv} to {}", c.resource_version()));
    }
    *last_rv = c.resource_version();
    if c.unsettled_instants() > 0 {
        return Err(format!("the components went on answering each other at one instant ({} times): a loop with no time in it", c.unsettled_instants()));
    }
    if let Some(mismatch) = c.index_mismatch() {
        return Err(mismatch);
    }
    let objects: Vec<(&kubeniwa_core::ObjKey, &Value)> = c.objects().collect();
    let uids: BTreeSet<&str> = objects.iter().map(|(_, o)| s(&o["metadata"]["uid"])).collect();
    let mut ips = BTreeMap::new();
    let mut cluster_ips = BTreeSet::new();
    let mut node_ports = BTreeSet::new();
    for (k, o) in &objects {
        let controllers = o["metadata"]["ownerReferences"].as_array().map(|r| r.iter().filter(|r| r["controller"] == true).count()).unwrap_or(0);
        if controllers > 1 {
            return Err(format!("{k:?} has {controllers} controller owner references"));
        }
        if let Some(rv) = o["metadata"]["resourceVersion"].as_str() {
            if rv.parse::<u64>().map_or(true, |rv| rv > c.resource_version()) {
                return Err(format!("{k:?} has resourceVersion {rv} beyond the store's"));
            }
        }
        if k.resource == "pods" && o["status"]["phase"] == "Running" && o["spec"]["hostNetwork"] != true {
            if let Some(ip) = o["status"]["podIP"].as_str() {
                if let Some(other) = ips.insert(ip.to_string(), k.name.clone()) {
                    return Err(format!("pods {other} and {} share IP {ip}", k.name));
                }
            }
        }
        if k.resource == "services" {
            if let Some(ip) = o["spec"]["clusterIP"].as_str() {
                if !cluster_ips.insert(ip.to_string()) {
                    return Err(format!("ClusterIP {ip} used twice"));
                }
            }
            for p in o["spec"]["ports"].as_array().into_iter().flatten() {
                if let Some(np) = p["nodePort"].as_i64() {
                    if !(30000..=32767).contains(&np) || !node_ports.insert(np) {
                        return Err(format!("NodePort {np} out of range or used twice"));
                    }
                }
            }
        }
    }
    // The scheduler never overcommits a node's CPU (terminating pods still count: a
    // preemptor waits for its victims to go).
    for (nk, node) in objects.iter().filter(|(k, _)| k.resource == "nodes") {
        let alloc = kubeniwa_core::quantity::milli(&node["status"]["allocatable"]["cpu"]);
        let used: i128 = objects
            .iter()
            .filter(|(k, p)| k.resource == "pods" && p["spec"]["nodeName"] == nk.name.as_str() && !matches!(s(&p["status"]["phase"]), "Succeeded" | "Failed"))
            .flat_map(|(_, p)| p["spec"]["containers"].as_array().cloned().unwrap_or_default())
            .map(|c| kubeniwa_core::quantity::milli(&c["resources"]["requests"]["cpu"]))
            .sum();
        if used > alloc {
            return Err(format!("node {} has {used}m CPU requested of {alloc}m allocatable", nk.name));
        }
    }
    // Endpoints hold exactly the ready pods that match the selector.
    for (k, svc) in objects.iter().filter(|(k, _)| k.resource == "services") {
        let Some(sel) = svc["spec"]["selector"].as_object().filter(|m| !m.is_empty()) else { continue };
        let selector = LabelSelector::from_object(&serde_json::json!({ "matchLabels": sel }));
        let mut want: Vec<String> = objects
            .iter()
            .filter(|(pk, p)| {
                pk.resource == "pods"
                    && pk.namespace == k.namespace
                    && selector.matches(p["metadata"].get("labels"))
                    && p["metadata"]["deletionTimestamp"].is_null()
                    && p["status"]["conditions"].as_array().is_some_and(|cs| cs.iter().any(|c| c["type"] == "Ready" && c["status"] == "True"))
            })
            .filter_map(|(_, p)| p["status"]["podIP"].as_str().map(String::from))
            .collect();
        want.sort();
        let ep = objects.iter().find(|(ek, _)| ek.resource == "endpoints" && ek.namespace == k.namespace && ek.name == k.name);
        let mut have: Vec<String> = ep
            .map(|(_, e)| {
                e["subsets"].as_array().into_iter().flatten().flat_map(|sub| sub["addresses"].as_array().cloned().unwrap_or_default()).filter_map(|a| a["ip"].as_str().map(String::from)).collect()
            })
            .unwrap_or_default();
        have.sort();
        if want != have {
            return Err(format!("endpoints of {} are {have:?}, ready pods are {want:?}", k.name));
        }
    }
    // Storage: a Bound claim's volume is bound back to it; a Bound volume's claim
    // names it (or is being deleted).
    for (k, pvc) in objects.iter().filter(|(k, _)| k.resource == "persistentvolumeclaims") {
        if pvc["status"]["phase"] == "Bound" {
            let pv = objects.iter().find(|(vk, _)| vk.resource == "persistentvolumes" && vk.name == s(&pvc["spec"]["volumeName"]));
            match pv {
                Some((_, v)) if v["spec"]["claimRef"]["uid"] == pvc["metadata"]["uid"] && v["status"]["phase"] == "Bound" => {}
                _ => return Err(format!("claim {} is Bound to {} which is not bound back to it", k.name, s(&pvc["spec"]["volumeName"]))),
            }
        }
    }
    // A StatefulSet's pods: each carries its ordinal (name suffix, pod-index label,
    // hostname), so ordinals are unique because names are.
    for (k, p) in objects.iter().filter(|(k, _)| k.resource == "pods") {
        let Some(owner) = p["metadata"]["ownerReferences"].as_array().and_then(|r| r.iter().find(|r| r["kind"] == "StatefulSet")) else { continue };
        let ordinal = k.name.strip_prefix(&format!("{}-", s(&owner["name"]))).unwrap_or("");
        if ordinal.is_empty() || !ordinal.bytes().all(|b| b.is_ascii_digit()) || p["metadata"]["labels"]["apps.kubernetes.io/pod-index"] != ordinal || p["spec"]["hostname"] != k.name.as_str() {
            return Err(format!("StatefulSet pod {} has no ordinal identity of its set {}", k.name, s(&owner["name"])));
        }
    }
    // An evicted pod is Failed with nothing running; a node carries the memory-pressure
    // taint exactly while it reports MemoryPressure.
    for (k, p) in objects.iter().filter(|(k, _)| k.resource == "pods") {
        if p["status"]["reason"] == "Evicted" {
            let running = p["status"]["containerStatuses"].as_array().into_iter().flatten().any(|s| s["state"]["running"].is_object());
            if p["status"]["phase"] != "Failed" || running {
                return Err(format!("evicted pod {} is {} (a container running: {running})", k.name, p["status"]["phase"]));
            }
        }
    }
    for (k, n) in objects.iter().filter(|(k, _)| k.resource == "nodes") {
        let pressure = n["status"]["conditions"].as_array().into_iter().flatten().any(|c| c["type"] == "MemoryPressure" && c["status"] == "True");
        let tainted = n["spec"]["taints"].as_array().into_iter().flatten().any(|t| t["key"] == "node.kubernetes.io/memory-pressure");
        if pressure != tainted {
            return Err(format!("node {} has MemoryPressure {pressure} but the memory-pressure taint {tainted}", k.name));
        }
    }
    // Settled owners: a ReplicaSet or pod whose controller is gone must be on its way out.
    for (k, o) in &objects {
        if let Some(owner) = o["metadata"]["ownerReferences"].as_array().and_then(|r| r.iter().find(|r| r["controller"] == true)) {
            if owner["kind"] != "Node" && !uids.contains(s(&owner["uid"])) && o["metadata"]["deletionTimestamp"].is_null() {
                return Err(format!("{k:?} points at a missing owner {}", s(&owner["name"])));
            }
        }
    }
    Ok(())
}

fn state_hash(c: &Cluster) -> u32 {
    let text: String = c.objects().map(|(k, o)| format!("{k:?}{o}")).collect();
    kubeniwa_core::rng::fnv32a(text.as_bytes())
}

fn run_seed(seed: u64, steps: usize) -> Result<u32, String> {
    run_seed_packing(seed, steps, None).map(|(hash, _)| hash)
}

/// Also returns everything the commands printed. `pack_after` packs the store that
/// often (see `kubeniwa_core::store`).
fn run_seed_packing(seed: u64, steps: usize, pack_after: Option<usize>) -> Result<(u32, String), String> {
    let mut rng = SimRng::new(seed);
    let mut sandbox = Sandbox::new(seed);
    sandbox.run_line("kind create cluster");
    if let Some(n) = pack_after {
        sandbox.world_mut().cluster_mut("kind").expect("the cluster exists").set_pack_after(n);
    }
    let mut printed = String::new();
    for n in NAMES {
        let manifest = format!(
            "apiVersion: apps/v1\nkind: StatefulSet\nmetadata:\n  name: {n}-sts\nspec:\n  serviceName: {n}\n  replicas: 2\n  selector:\n    matchLabels:\n      sts: {n}\n  template:\n    metadata:\n      labels:\n        sts: {n}\n    spec:\n      containers:\n      - name: c\n        image: nginx:1.25.3\n        volumeMounts:\n        - name: data\n          mountPath: /data\n  volumeClaimTemplates:\n  - metadata:\n      name: data\n    spec:\n      accessModes: [ReadWriteOnce]\n      resources:\n        requests:\n          storage: 1Gi\n"
        );
        sandbox.write_file(&format!("sts-{n}.yaml"), &manifest).expect("the manifest is written");
        let big = format!("apiVersion: v1\nkind: Pod\nmetadata:\n  name: big-{n}\nspec:\n  containers:\n  - name: c\n    image: nginx:1.25.3\n    resources:\n      requests:\n        cpu: \"3\"\n");
        sandbox.write_file(&format!("big-{n}.yaml"), &big).expect("the manifest is written");
    }
    let hog = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: hog\nspec:\n  priorityClassName: high\n  containers:\n  - name: c\n    image: nginx:1.25.3\n    resources:\n      requests:\n        cpu: \"5\"\n";
    sandbox.write_file("hog.yaml", hog).expect("the manifest is written");
    sandbox.run_line("kubectl create priorityclass high --value=1000");
    let mut log = vec!["kind create cluster".to_string()];
    let mut last_rv = 0;
    for _ in 0..steps {
        let cmd = random_command(&mut rng);
        let started = std::time::Instant::now();
        printed.push_str(&sandbox.run_line(&cmd).text);
        if std::env::var("KUBENIWA_TIMING").is_ok_and(|t| t == "2") {
            let c = sandbox.world().cluster("kind").expect("the cluster exists");
            eprintln!("  {:?} $ {cmd}   [{} objects at {}]", started.elapsed(), c.objects().count(), kubeniwa_core::time::rfc3339(c.now()));
        }
        log.push(cmd);
        let c = sandbox.world().cluster("kind").expect("the cluster exists");
        check(c, &mut last_rv).map_err(|e| format!("seed {seed}: {e}\ncommands:\n$ {}", log.join("\n$ ")))?;
    }
    // Let everything settle, then deployments must have converged.
    let started = std::time::Instant::now();
    sandbox.advance(600_000);
    if std::env::var("KUBENIWA_TIMING").is_ok_and(|t| t == "2") {
        eprintln!("  {:?} settling", started.elapsed());
    }
    let c = sandbox.world().cluster("kind").expect("the cluster exists");
    check(c, &mut last_rv).map_err(|e| format!("seed {seed} (settled): {e}\ncommands:\n$ {}", log.join("\n$ ")))?;
    for (k, d) in c.objects().filter(|(k, _)| k.resource == "deployments.apps" && k.namespace == "default") {
        let st = &d["status"];
        let gen_ok = d["metadata"]["generation"] == st["observedGeneration"];
        let replicas = d["spec"]["replicas"].as_i64().unwrap_or(0);
        let image_ok = !d.to_string().contains("hello-server:1.1");
        let updated = st["updatedReplicas"].as_i64().unwrap_or(0);
        let available = st["availableReplicas"].as_i64().unwrap_or(0);
        if !gen_ok || image_ok && (updated != replicas || available != replicas) {
            return Err(format!("seed {seed}: deployment {} did not converge: {st}\ncommands:\n$ {}", k.name, log.join("\n$ ")));
        }
    }
    // A settled high-priority pod runs: it preempts what stands in its way.
    if let Some(hog) = c.objects().find(|(k, _)| k.resource == "pods" && k.name == "hog").map(|(_, p)| p) {
        if hog["metadata"]["deletionTimestamp"].is_null() && hog["status"]["phase"] != "Running" {
            return Err(format!("seed {seed}: the high-priority pod is {} after settling: {}\ncommands:\n$ {}", s(&hog["status"]["phase"]), hog["status"], log.join("\n$ ")));
        }
    }
    // Settled StatefulSets have their replicas, ready, with a Bound claim each.
    for (k, set) in c.objects().filter(|(k, _)| k.resource == "statefulsets.apps") {
        let replicas = set["spec"]["replicas"].as_i64().unwrap_or(0);
        if set["status"]["readyReplicas"].as_i64().unwrap_or(0) != replicas || set["status"]["replicas"].as_i64().unwrap_or(-1) != replicas {
            return Err(format!("seed {seed}: statefulset {} did not converge: {}\ncommands:\n$ {}", k.name, set["status"], log.join("\n$ ")));
        }
        for i in 0..replicas {
            let claim = c.objects().find(|(ck, _)| ck.resource == "persistentvolumeclaims" && ck.name == format!("data-{}-{i}", k.name));
            if !claim.is_some_and(|(_, p)| p["status"]["phase"] == "Bound") {
                return Err(format!("seed {seed}: claim data-{}-{i} is not Bound\ncommands:\n$ {}", k.name, log.join("\n$ ")));
            }
        }
    }
    Ok((state_hash(c), printed))
}

#[test]
fn invariants_hold_for_many_seeds() {
    // KUBENIWA_SEEDS=N runs fewer (or more) seeds; KUBENIWA_TIMING=1 prints each seed's
    // time, KUBENIWA_TIMING=2 each command's too. KUBENIWA_SEED_FROM=K starts at seed K
    // (to replay one seed: FROM=K, SEEDS=K+1).
    let seeds: u64 = std::env::var("KUBENIWA_SEEDS").ok().and_then(|s| s.parse().ok()).unwrap_or(1000);
    let from: u64 = std::env::var("KUBENIWA_SEED_FROM").ok().and_then(|s| s.parse().ok()).unwrap_or(0);
    // A seed that runs for minutes is a bug to find (a loop); the watchdog names it in
    // the log, so a run that never ends still says where it stopped.
    let current = std::sync::Arc::new(std::sync::atomic::AtomicU64::new(u64::MAX));
    {
        let current = current.clone();
        std::thread::spawn(move || {
            let mut seen = (u64::MAX, 0);
            loop {
                std::thread::sleep(std::time::Duration::from_secs(30));
                let seed = current.load(std::sync::atomic::Ordering::Relaxed);
                seen = if seen.0 == seed { (seed, seen.1 + 1) } else { (seed, 0) };
                if seed != u64::MAX && seen.1 >= 2 {
                    eprintln!("invariants: seed {seed} has been running for over {} s (replay: KUBENIWA_SEED_FROM={seed} KUBENIWA_SEEDS={} KUBENIWA_TIMING=2)", seen.1 * 30, seed + 1);
                }
            }
        });
    }
    for seed in from..seeds {
        current.store(seed, std::sync::atomic::Ordering::Relaxed);
        let started = std::time::Instant::now();
        let result = run_seed(seed, 14);
        if std::env::var("KUBENIWA_TIMING").is_ok() {
            eprintln!("seed {seed}: {:?}", started.elapsed());
        }
        if let Err(e) = result {
            panic!("{e}");
        }
    }
}

#[test]
fn packing_the_store_changes_nothing() {
    for seed in [5, 23] {
        let plain = run_seed_packing(seed, 16, None).expect("the invariants hold");
        let packed = run_seed_packing(seed, 16, Some(0)).expect("the invariants hold packed");
        assert_eq!(plain.0, packed.0, "seed {seed}: packing changed the store");
        assert_eq!(plain.1, packed.1, "seed {seed}: packing changed what commands print");
    }
}

#[test]
fn same_seed_same_state() {
    for seed in [3, 17, 42] {
        assert_eq!(run_seed(seed, 20), run_seed(seed, 20), "seed {seed} is not deterministic");
    }
}
