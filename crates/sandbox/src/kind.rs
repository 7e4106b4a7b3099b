//! `kind`, emulated: clusters as named sets of nodes, and the kubeconfig entries kind
//! writes for them. Status lines go to stderr, as kind logs them.

use kubeniwa_core::bootstrap::{create_kind_cluster, CREATE_DURATION_MS};
use kubeniwa_core::{ClusterConfig, KIND_NODE_IMAGE, KIND_VERSION};
use kubeniwa_kubectl::kubeconfig::{self, KubeConfig};
use kubeniwa_shell::Io;
use serde_json::Value;

use crate::world::World;

const SALUTATIONS: [&str; 4] = [
    "Have a nice day! 👋",
    "Thanks for using kind! 😊",
    "Not sure what to do next? 😅  Check out https://kind.sigs.k8s.io/docs/user/quick-start/",
    "Have a question, bug, or feature request? Let us know! https://kind.sigs.k8s.io/#community 🙂",
];

pub fn run(args: &[String], world: &mut World, io: &mut Io<'_>) -> i32 {
    let words: Vec<&str> = args.iter().map(String::as_str).collect();
    let flag = |names: &[&str]| -> Option<String> {
        let mut it = words.iter();
        while let Some(w) = it.next() {
            for n in names {
                if let Some(v) = w.strip_prefix(&format!("{n}=")) {
                    return Some(v.to_string());
                }
                if w == n {
                    return it.next().map(|v| v.to_string());
                }
            }
        }
        None
    };
    let positional: Vec<&str> = {
        let mut out = Vec::new();
        let mut skip = false;
        for w in &words {
            if skip {
                skip = false;
                continue;
            }
            if w.starts_with('-') {
                skip = !w.contains('=') && matches!(*w, "--name" | "-n" | "--image" | "--config" | "--wait" | "--kubeconfig");
                continue;
            }
            out.push(*w);
        }
        out
    };
    let name = flag(&["--name", "-n"]).unwrap_or_else(|| "kind".into());
    match positional.as_slice() {
        ["version"] => {
            io.out(format!("kind {KIND_VERSION} go1.25.5 linux/amd64\n"));
            0
        }
        ["create", "cluster"] => create(world, io, &name, flag(&["--image"]), flag(&["--config"])),
        ["delete", "cluster"] => delete(world, io, &name),
        ["delete", "clusters"] if words.contains(&"--all") => {
            let names: Vec<String> = world.clusters.keys().cloned().collect();
            for n in &names {
                remove(world, io, n);
            }
            io.err(format!("Deleted clusters: [{}]\n", names.iter().map(|n| format!("\"{n}\"")).collect::<Vec<_>>().join(" ")));
            0
        }
        ["get", "clusters"] => {
            if world.clusters.is_empty() {
                io.err("No kind clusters found.\n");
            }
            for n in world.clusters.keys() {
                io.out(format!("{n}\n"));
            }
            0
        }
        ["get", "nodes"] => match world.clusters.get(&name) {
            Some(c) => {
                let nodes: Vec<String> = c.list("nodes", None).iter().filter_map(|n| n["metadata"]["name"].as_str().map(String::from)).collect();
                for n in nodes {
                    io.out(format!("{n}\n"));
                }
                0
            }
            None => {
                io.err(format!("No kind nodes found for cluster \"{name}\".\n"));
                0
            }
        },
        ["get", "kubeconfig"] => match world.clusters.get(&name) {
            Some(c) => {
                let mut k = KubeConfig::empty();
                k.add_kind_cluster(&name, &format!("https://127.0.0.1:{}", c.api_port));
                io.out(k.to_yaml());
                0
            }
            None => {
                io.err(format!("ERROR: could not locate any control plane nodes for cluster named '{name}'. Use the --name option to select a different cluster\n"));
                1
            }
        },
        ["export", "kubeconfig"] => match world.clusters.get(&name).map(|c| c.api_port) {
            Some(port) => {
                write_kubeconfig(io, |k| k.add_kind_cluster(&name, &format!("https://127.0.0.1:{port}")));
                io.err(format!("Set kubectl context to \"kind-{name}\"\n"));
                0
            }
            None => {
                io.err(format!("ERROR: could not locate any control plane nodes for cluster named '{name}'. Use the --name option to select a different cluster\n"));
                1
            }
        },
        [] => {
            io.out(KIND_HELP);
            0
        }
        other => {
            io.err(format!("ERROR: unknown command \"{}\" for \"kind\"\n", other.first().unwrap_or(&"")));
            1
        }
    }
}

const KIND_HELP: &str = "kind creates and manages local Kubernetes clusters using Docker container 'nodes'\n\nUsage:\n  kind [command]\n\nAvailable Commands:\n  build       Build one of [node-image]\n  completion  Output shell completion code for the specified shell (bash, zsh or fish)\n  create      Creates one of [cluster]\n  delete      Deletes one of [cluster]\n  export      Exports one of [kubeconfig, logs]\n  get         Gets one of [clusters, nodes, kubeconfig]\n  help        Help about any command\n  load        Loads images into nodes\n  version     Prints the kind CLI version\n\nFlags:\n  -h, --help              help for kind\n      --loglevel string   DEPRECATED: see -v instead\n  -q, --quiet             silence all stderr output\n  -v, --verbosity int32   info log verbosity, higher value produces more output\n      --version           version for kind\n\nUse \"kind [command] --help\" for more information about a command.\n";

fn write_kubeconfig(io: &mut Io<'_>, change: impl FnOnce(&mut KubeConfig)) {
    let path = io.resolve(&kubeconfig::path(io.env));
    let text = io.vfs.read(&path).map(|b| String::from_utf8_lossy(b).into_owned()).unwrap_or_default();
    let mut config = KubeConfig::parse(&text, &path).unwrap_or_else(|_| KubeConfig::empty());
    change(&mut config);
    let _ = io.vfs.write_creating_dirs(&path, config.to_yaml().into_bytes());
}

/// Reads a kind config file (`kind: Cluster`, `nodes: [{role: ...}]`).
/// The name, the node roles, and the port mappings `(node index, host, container)`.
type KindConfig = (Option<String>, Vec<String>, Vec<(usize, u16, u16)>, Vec<std::collections::BTreeMap<String, String>>);

fn read_config(io: &mut Io<'_>, path: &str) -> Result<KindConfig, String> {
    let full = io.resolve(path);
    let text = io.vfs.read(&full).map_err(|_| format!("ERROR: failed to create cluster: error reading file: open {path}: no such file or directory"))?;
    let text = String::from_utf8_lossy(text).into_owned();
    let docs = kubeniwa_format::yaml::parse_documents(&text)
        .map_err(|e| format!("ERROR: failed to create cluster: unable to decode config: {}", e.problem()))?;
    let doc = docs.into_iter().next().unwrap_or(Value::Null);
    if doc["kind"] != "Cluster" || doc["apiVersion"].as_str().is_some_and(|v| !v.starts_with("kind.x-k8s.io/")) {
        return Err(format!(
            "ERROR: failed to create cluster: unknown apiVersion: {}",
            doc["apiVersion"].as_str().unwrap_or("")
        ));
    }
    let roles: Vec<String> = doc["nodes"].as_array().into_iter().flatten().map(|n| n["role"].as_str().unwrap_or("control-plane").to_string()).collect();
    let mut mappings = Vec::new();
    for (i, n) in doc["nodes"].as_array().into_iter().flatten().enumerate() {
        for m in n["extraPortMappings"].as_array().into_iter().flatten() {
            let container = m["containerPort"].as_u64().unwrap_or(0) as u16;
            let host = m["hostPort"].as_u64().map(|p| p as u16).unwrap_or(container);
            mappings.push((i, host, container));
        }
    }
    // `labels:` on a node (kind v0.31): string values only, as kind's config decoder requires.
    let mut labels = Vec::new();
    for n in doc["nodes"].as_array().into_iter().flatten() {
        let mut l = std::collections::BTreeMap::new();
        for (k, v) in n["labels"].as_object().into_iter().flatten() {
            let v = match v {
                Value::String(s) => s.clone(),
                other => return Err(format!("ERROR: failed to create cluster: unable to decode config: json: cannot unmarshal {} into Go struct field Node.nodes.labels of type string", match other { Value::Bool(_) => "bool", Value::Number(_) => "number", Value::Array(_) => "array", Value::Object(_) => "object", _ => "null" })),
            };
            l.insert(k.clone(), v);
        }
        labels.push(l);
    }
    Ok((doc["name"].as_str().map(String::from), roles, mappings, labels))
}

fn create(world: &mut World, io: &mut Io<'_>, name: &str, image: Option<String>, config: Option<String>) -> i32 {
    let mut name = name.to_string();
    let mut roles = vec!["control-plane".to_string()];
    let mut mappings = Vec::new();
    let mut node_labels = Vec::new();
    if let Some(path) = config {
        match read_config(io, &path) {
            Ok((n, r, m, l)) => {
                mappings = m;
                node_labels = l;
                if let Some(n) = n {
                    name = n;
                }
                if !r.is_empty() {
                    roles = r;
                }
            }
            Err(e) => {
                io.err(format!("{e}\n"));
                return 1;
            }
        }
    }
    let image = image.unwrap_or_else(|| KIND_NODE_IMAGE.to_string());
    io.err(format!("Creating cluster \"{name}\" ...\n"));
    if world.clusters.contains_key(&name) {
        io.err(format!("ERROR: failed to create cluster: node(s) already exist for a cluster with the name \"{name}\"\n"));
        return 1;
    }
    if let Some((_, host, _)) = mappings.iter().find(|(_, h, _)| world.host_ports.contains_key(h)) {
        io.err(format!(" ✗ Preparing nodes 📦 \nERROR: failed to create cluster: command \"docker run --name {name}-control-plane ...\" failed with error: exit status 125\nCommand Output: docker: Error response from daemon: driver failed programming external connectivity on endpoint {name}-control-plane: Bind for 0.0.0.0:{host} failed: port is already allocated.\n"));
        return 1;
    }
    let seed = world.rng.next_u64();
    let config = ClusterConfig { name: name.clone(), node_image: image.clone(), nodes: roles.clone(), node_labels };
    let mut cluster = create_kind_cluster(config, seed, world.now);
    cluster.set_process_runner(std::sync::Arc::new(crate::process::ShellRunner));
    let port = cluster.api_port;
    let workers = roles.iter().filter(|r| *r != "control-plane").count();
    let mut status = vec![
        format!("Ensuring node image ({image}) 🖼"),
        format!("Preparing nodes {}", "📦 ".repeat(roles.len())),
        "Writing configuration 📜".to_string(),
        "Starting control-plane 🕹️".to_string(),
        "Installing CNI 🔌".to_string(),
        "Installing StorageClass 💾".to_string(),
    ];
    if workers > 0 {
        status.push("Joining worker nodes 🚜".to_string());
    }
    for s in status {
        io.err(format!(" ✓ {s}\n"));
    }
    world.clusters.insert(name.clone(), cluster);
    for (node, host, container) in mappings {
        let node_ip = kubeniwa_core::network::node_ip(node);
        world.host_ports.insert(host, crate::world::HostPort { cluster: name.clone(), node_ip, container_port: container });
    }
    world.advance(CREATE_DURATION_MS);
    write_kubeconfig(io, |k| k.add_kind_cluster(&name, &format!("https://127.0.0.1:{port}")));
    let salutation = SALUTATIONS[world.rng.below(SALUTATIONS.len() as u64) as usize];
    io.err(format!(
        "Set kubectl context to \"kind-{name}\"\nYou can now use your cluster with:\n\nkubectl cluster-info --context kind-{name}\n\n{salutation}\n"
    ));
    0
}

fn remove(world: &mut World, io: &mut Io<'_>, name: &str) -> Vec<String> {
    let Some(c) = world.clusters.remove(name) else { return Vec::new() };
    world.host_ports.retain(|_, h| h.cluster != name);
    world.forwards.retain(|_, f| f.cluster != name);
    write_kubeconfig(io, |k| k.remove_kind_cluster(name));
    c.list("nodes", None).iter().filter_map(|n| n["metadata"]["name"].as_str().map(String::from)).collect()
}

fn delete(world: &mut World, io: &mut Io<'_>, name: &str) -> i32 {
    io.err(format!("Deleting cluster \"{name}\" ...\n"));
    let nodes = remove(world, io, name);
    if !nodes.is_empty() {
        let list: Vec<String> = nodes.iter().map(|n| format!("\"{n}\"")).collect();
        io.err(format!("Deleted nodes: [{}]\n", list.join(" ")));
    }
    0
}
