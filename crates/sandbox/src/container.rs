//! Inside a container: its filesystem, environment and programs, for `kubectl exec`
//! and `kubectl run -it`. The same shell runs there, as `sh`, with only the programs
//! the image has.

use std::collections::BTreeMap;

use kubeniwa_core::images::{self, Image};
use kubeniwa_core::ObjKey;
use kubeniwa_shell::{Host, Io, Shell, Vfs};
use serde_json::Value;

use crate::net::{self, From};
use crate::World;

/// A container a command runs in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContainerRef {
    pub cluster: String,
    pub namespace: String,
    pub pod: String,
    pub container: String,
}

impl ContainerRef {
    fn fs_key(&self, uid: &str) -> String {
        format!("{}/{}/{}/{uid}/{}", self.cluster, self.namespace, self.pod, self.container)
    }
}

/// What exec needs to know about a running container.
pub struct Inside {
    pub image: &'static Image,
    pub image_name: String,
    pub uid: String,
    pub env: BTreeMap<String, String>,
    pub hostname: String,
}

/// Looks the container up; `Err` is what kubectl prints.
pub fn inspect(world: &World, r: &ContainerRef, require_running: bool) -> Result<Inside, String> {
    let c = world.clusters.get(&r.cluster).ok_or("error: unable to upgrade connection: pod does not exist")?;
    let pod = c.get(&ObjKey::pod(&r.namespace, &r.pod)).ok_or_else(|| format!("Error from server (NotFound): pods \"{}\" not found", r.pod))?;
    let phase = pod["status"]["phase"].as_str().unwrap_or("");
    if require_running && (phase == "Succeeded" || phase == "Failed") {
        return Err(format!("error: cannot exec into a container in a completed pod; current phase is {phase}"));
    }
    let spec = ["containers", "ephemeralContainers"].iter().filter_map(|f| pod["spec"][*f].as_array()).flatten().find(|x| x["name"] == r.container.as_str());
    let spec = spec.ok_or_else(|| format!("error: unable to upgrade connection: container {} not found in pod {}", r.container, r.pod))?;
    let statuses: Vec<&Value> = ["containerStatuses", "ephemeralContainerStatuses"].iter().filter_map(|f| pod["status"][*f].as_array()).flatten().collect();
    let running = statuses.iter().any(|s| s["name"] == r.container.as_str() && !s["state"]["running"].is_null());
    let started = statuses.iter().any(|s| s["name"] == r.container.as_str() && (!s["state"]["running"].is_null() || !s["state"]["terminated"].is_null()));
    if !running && (require_running || !started) {
        return Err(format!("error: unable to upgrade connection: container not found (\"{}\")", r.container));
    }
    let image_name = spec["image"].as_str().unwrap_or("").to_string();
    let image = images::find(&image_name).ok_or_else(|| format!("error: unable to upgrade connection: container not found (\"{}\")", r.container))?;
    let mut env = BTreeMap::new();
    env.insert("PATH".into(), "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin".into());
    env.insert("HOSTNAME".into(), r.pod.clone());
    let home = if image.user == "root" || image.user.is_empty() { "/root".to_string() } else { format!("/home/{}", image.user) };
    env.insert("HOME".into(), home);
    env.insert("KUBERNETES_SERVICE_HOST".into(), "10.96.0.1".into());
    env.insert("KUBERNETES_SERVICE_PORT".into(), "443".into());
    env.insert("KUBERNETES_SERVICE_PORT_HTTPS".into(), "443".into());
    env.insert("KUBERNETES_PORT".into(), "tcp://10.96.0.1:443".into());
    env.insert("KUBERNETES_PORT_443_TCP".into(), "tcp://10.96.0.1:443".into());
    env.insert("KUBERNETES_PORT_443_TCP_ADDR".into(), "10.96.0.1".into());
    env.insert("KUBERNETES_PORT_443_TCP_PORT".into(), "443".into());
    env.insert("KUBERNETES_PORT_443_TCP_PROTO".into(), "tcp".into());
    let uid = pod["metadata"]["uid"].as_str().unwrap_or("");
    match kubeniwa_core::kubelet::container_env(c, uid, &r.container) {
        // What the kubelet created the container with: service links, envFrom, env.
        Some(created) => {
            for (k, v) in created {
                env.insert(k, v);
            }
        }
        None => {
            for e in spec["env"].as_array().into_iter().flatten() {
                if let (Some(k), Some(v)) = (e["name"].as_str(), e["value"].as_str()) {
                    env.insert(k.to_string(), v.to_string());
                }
            }
        }
    }
    Ok(Inside { image, image_name, uid: pod["metadata"]["uid"].as_str().unwrap_or("").to_string(), env, hostname: r.pod.clone() })
}

/// The container's filesystem as it starts: the usual files of a pod.
fn initial_fs(world: &World, r: &ContainerRef, inside: &Inside) -> Vfs {
    let home = inside.env.get("HOME").cloned().unwrap_or_else(|| "/root".into());
    let pod_ip = world
        .clusters
        .get(&r.cluster)
        .and_then(|c| c.get(&ObjKey::pod(&r.namespace, &r.pod)))
        .and_then(|p| p["status"]["podIP"].as_str().map(String::from))
        .unwrap_or_default();
    let mut vfs = pod_fs(&r.namespace, &inside.hostname, &pod_ip, &home);
    if let images::Process::Server { body: Some(body), port, .. } = &inside.image.process {
        if *port == 80 && inside.image_name.contains("nginx") {
            let _ = vfs.write_creating_dirs("/usr/share/nginx/html/index.html", body.clone().into_bytes());
        }
    }
    vfs
}

/// The files every container of a pod starts with: hostname, hosts, resolv.conf and
/// the service account's.
pub(crate) fn pod_fs(namespace: &str, hostname: &str, pod_ip: &str, home: &str) -> Vfs {
    let mut vfs = Vfs::new();
    for d in ["/bin", "/etc", "/tmp", "/var/run/secrets/kubernetes.io/serviceaccount", "/root", "/usr/bin", "/proc"] {
        let _ = vfs.create_dir_all(d);
    }
    let _ = vfs.create_dir_all(home);
    let files: Vec<(String, String)> = vec![
        ("/etc/hostname".into(), format!("{hostname}\n")),
        ("/etc/hosts".into(), format!("# Kubernetes-managed hosts file.\n127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\nfe00::0\tip6-localnet\nfe00::0\tip6-mcastprefix\nfe00::1\tip6-allnodes\nfe00::2\tip6-allrouters\n{pod_ip}\t{hostname}\n")),
        ("/etc/resolv.conf".into(), format!("search {namespace}.svc.cluster.local svc.cluster.local cluster.local\nnameserver 10.96.0.10\noptions ndots:5\n")),
        ("/var/run/secrets/kubernetes.io/serviceaccount/namespace".into(), namespace.to_string()),
        ("/var/run/secrets/kubernetes.io/serviceaccount/token".into(), "eyJhbGciOiJSUzI1NiIsImtpZCI6Imt1YmVuaXdhIn0.eyJzdWIiOiJzeXN0ZW06c2VydmljZWFjY291bnQ6ZGVmYXVsdDpkZWZhdWx0In0.c2ltdWxhdGVk".into()),
        ("/var/run/secrets/kubernetes.io/serviceaccount/ca.crt".into(), "-----BEGIN CERTIFICATE-----\nMIIDBTCCAe2gAwIBAgIIKubeniwaSimulatedCAwDQYJKoZIhvcNAQELBQAwFTET\n-----END CERTIFICATE-----\n".into()),
    ];
    for (path, text) in files {
        let _ = vfs.write_creating_dirs(&path, text.into_bytes());
    }
    vfs
}

/// A container's filesystem when it starts: the image's files, with its persistent
/// volumes mounted over them as they were left (an empty directory at first).
fn fresh_fs(world: &World, r: &ContainerRef, inside: &Inside) -> Vfs {
    let mut vfs = initial_fs(world, r, inside);
    for (mount, store) in persistent_mounts(world, r) {
        let _ = vfs.remove_all(&mount);
        let _ = vfs.create_dir_all(&mount);
        for (rel, data) in world.volume_data.get(&store).into_iter().flatten() {
            let _ = vfs.write_creating_dirs(&format!("{mount}/{rel}"), data.clone());
        }
    }
    vfs
}

/// The container's mounts of bound PersistentVolumeClaims: (mount path, the volume's
/// store key `cluster/pv-name`). A volume's files outlive the pods that use it.
fn persistent_mounts(world: &World, r: &ContainerRef) -> Vec<(String, String)> {
    let Some(c) = world.clusters.get(&r.cluster) else { return Vec::new() };
    let Some(pod) = c.get(&ObjKey::pod(&r.namespace, &r.pod)) else { return Vec::new() };
    let Some(spec) = pod["spec"]["containers"].as_array().into_iter().flatten().find(|x| x["name"] == r.container.as_str()) else { return Vec::new() };
    let volumes: Vec<&Value> = pod["spec"]["volumes"].as_array().map(|v| v.iter().collect()).unwrap_or_default();
    let mut out = Vec::new();
    for m in spec["volumeMounts"].as_array().into_iter().flatten() {
        let Some(v) = volumes.iter().find(|v| v["name"] == m["name"]) else { continue };
        let Some(claim) = v["persistentVolumeClaim"]["claimName"].as_str() else { continue };
        let key = ObjKey { resource: "persistentvolumeclaims".into(), namespace: r.namespace.as_str().into(), name: claim.into() };
        let Some(pv) = c.get(&key).and_then(|p| p["spec"]["volumeName"].as_str()).filter(|n| !n.is_empty()) else { continue };
        let mount = m["mountPath"].as_str().unwrap_or("").trim_end_matches('/').to_string();
        if !mount.is_empty() && m["subPath"].as_str().is_none_or(str::is_empty) {
            out.push((mount, format!("{}/{pv}", r.cluster)));
        }
    }
    out
}

/// Keeps what the container's persistent volumes hold now.
fn save_volumes(world: &mut World, r: &ContainerRef, vfs: &Vfs) {
    for (mount, store) in persistent_mounts(world, r) {
        let prefix = format!("{mount}/");
        let files: Vec<(String, Vec<u8>)> = vfs
            .walk(&mount)
            .into_iter()
            .filter(|p| vfs.is_file(p))
            .filter_map(|p| Some((p.strip_prefix(&prefix)?.to_string(), vfs.read(&p).ok()?.to_vec())))
            .collect();
        world.volume_data.insert(store, files);
    }
}

/// Writes the container's volume mounts (ConfigMaps, Secrets, the service-account
/// token) as the kubelet last synced them, over whatever the container wrote there.
fn mount_volumes(world: &World, r: &ContainerRef, inside: &Inside, vfs: &mut Vfs) {
    let Some(c) = world.clusters.get(&r.cluster) else { return };
    for (path, text) in kubeniwa_core::kubelet::container_files(c, &inside.uid, &r.container) {
        let _ = vfs.write_creating_dirs(&path, text.into_bytes());
    }
}

/// The programs of a container, for its shell.
pub struct ContainerHost<'w> {
    pub world: &'w mut World,
    pub container: ContainerRef,
    pub tools: Vec<String>,
    pub curl_old_wording: bool,
}

impl Host for ContainerHost<'_> {
    fn clock_ms(&self) -> u64 {
        self.world.now
    }

    fn run(&mut self, argv: &[String], io: &mut Io<'_>) -> Option<i32> {
        let name = argv[0].rsplit('/').next().unwrap_or(&argv[0]).to_string();
        let args = &argv[1..];
        let from = From::Pod { cluster: self.container.cluster.clone(), namespace: self.container.namespace.clone(), pod: self.container.pod.clone(), curl_old_wording: self.curl_old_wording };
        let has = |t: &str| self.tools.iter().any(|x| x == t);
        Some(match name.as_str() {
            "curl" if has("curl") => net::curl(&mut net::WorldNet { world: self.world, from }, args, io),
            "wget" if has("wget") => net::wget(&mut net::WorldNet { world: self.world, from }, args, io),
            "nslookup" if has("nslookup") => net::nslookup(&mut net::WorldNet { world: self.world, from }, args, io),
            "hostname" => {
                io.out(format!("{}\n", self.container.pod));
                0
            }
            "ps" if has("ps") => {
                io.out(ps(self.world, &self.container));
                0
            }
            "sleep" if !args.is_empty() => self.world.run(argv, io).unwrap_or(0),
            "date" => self.world.run(argv, io).unwrap_or(0),
            _ => return None,
        })
    }
}

/// BusyBox `ps`: the container's own process (PID 1), or, for a debug container with
/// a target, the target's process first (they share a process namespace), then the
/// shell and `ps` itself.
fn ps(world: &World, r: &ContainerRef) -> String {
    let mut out = String::from("PID   USER     TIME  COMMAND\n");
    let Some(pod) = world.clusters.get(&r.cluster).and_then(|c| c.get(&ObjKey::pod(&r.namespace, &r.pod))) else { return out };
    let find = |name: &str| ["containers", "ephemeralContainers"].iter().filter_map(|f| pod["spec"][*f].as_array()).flatten().find(|c| c["name"] == name).cloned();
    let me = find(&r.container).unwrap_or(Value::Null);
    let user_of = |spec: &Value| images::find(spec["image"].as_str().unwrap_or("")).map(|i| if i.user.is_empty() { "root".to_string() } else { i.user.chars().take(8).collect() }).unwrap_or_else(|| "root".into());
    let command_of = |spec: &Value| {
        let words: Vec<String> = ["command", "args"].iter().flat_map(|f| spec[*f].as_array().cloned().unwrap_or_default()).filter_map(|v| v.as_str().map(String::from)).collect();
        if words.is_empty() {
            images::find(spec["image"].as_str().unwrap_or("")).map(|i| i.cmd.join(" ")).unwrap_or_default()
        } else {
            words.join(" ")
        }
    };
    let line = |pid: u32, user: &str, cmd: &str| format!("{pid:>5} {user:<8} {:>5} {cmd}\n", "0:00");
    let target = me["targetContainerName"].as_str().and_then(|t| find(t));
    let mut pid = 1;
    if let Some(t) = &target {
        out.push_str(&line(pid, &user_of(t), &command_of(t)));
        pid += 6;
    }
    let own = command_of(&me);
    let me_user = user_of(&me);
    let ephemeral = pod["spec"]["ephemeralContainers"].as_array().is_some_and(|e| e.iter().any(|c| c["name"] == r.container.as_str()));
    if ephemeral {
        // The attached shell is the debug container's own process.
        out.push_str(&line(pid, &me_user, &own));
    } else {
        out.push_str(&line(pid, &me_user, &own));
        pid += 6;
        out.push_str(&line(pid, &me_user, "sh"));
    }
    out.push_str(&line(pid + 6, &me_user, "ps"));
    out
}

/// What running a command in a container produced.
pub struct ExecResult {
    pub output: String,
    pub status: i32,
}

/// Runs `argv` in the container (non-interactively), keeping its filesystem.
pub fn exec(world: &mut World, r: &ContainerRef, argv: &[String], stdin: &[u8], require_running: bool) -> Result<ExecResult, String> {
    let inside = inspect(world, r, require_running)?;
    let program = argv.first().map(|p| p.rsplit('/').next().unwrap_or(p).to_string()).unwrap_or_default();
    let is_shell = matches!(program.as_str(), "sh" | "bash" | "ash");
    let available = (is_shell && inside.image.shell && (program != "bash" || inside.image.tools.iter().any(|t| t == "bash")))
        || inside.image.tools.iter().any(|t| *t == program)
        || inside.image.shell && is_builtin_program(&program);
    if !available {
        return Err(format!(
            "error: Internal error occurred: Internal error occurred: error executing command in container: failed to exec in container: failed to start exec \"{}\": OCI runtime exec failed: exec failed: unable to start container process: exec: \"{}\": executable file not found in $PATH: unknown",
            world.rng.hex(32),
            argv.first().map(String::as_str).unwrap_or("")
        ));
    }
    let key = r.fs_key(&inside.uid);
    let mut vfs = world.container_fs.remove(&key).unwrap_or_else(|| fresh_fs(world, r, &inside));
    mount_volumes(world, r, &inside, &mut vfs);
    let mut shell = container_shell(vfs, &inside, false);
    let script = if is_shell {
        match argv.get(1).map(String::as_str) {
            Some("-c") => argv.get(2).cloned().unwrap_or_default(),
            _ => String::from_utf8_lossy(stdin).into_owned(),
        }
    } else {
        argv.iter().map(|a| shell_quote(a)).collect::<Vec<_>>().join(" ")
    };
    let mut host = ContainerHost { world, container: r.clone(), tools: inside.image.tools.clone(), curl_old_wording: inside.image_name.ends_with(":8.4.0") };
    let outcome = shell.run(&mut host, &script);
    save_volumes(host.world, r, shell.vfs());
    host.world.container_fs.insert(key, shell.vfs().clone());
    Ok(ExecResult { output: outcome.text, status: outcome.status })
}

/// Programs a busybox-like userland has that the shell implements itself.
fn is_builtin_program(p: &str) -> bool {
    matches!(p, "echo" | "cat" | "ls" | "env" | "printenv" | "pwd" | "id" | "whoami" | "uname" | "ps" | "true" | "false" | "test" | "mkdir" | "rm" | "touch" | "head" | "tail" | "grep")
}

pub(crate) fn shell_quote(s: &str) -> String {
    if !s.is_empty() && s.chars().all(|c| c.is_ascii_alphanumeric() || "-_./:=@%+,".contains(c)) {
        s.to_string()
    } else {
        format!("'{}'", s.replace('\'', "'\\''"))
    }
}

fn container_shell(vfs: Vfs, inside: &Inside, tty: bool) -> Shell {
    let home = inside.env.get("HOME").cloned().unwrap_or_else(|| "/root".into());
    let mut shell = Shell::new(vfs, &home);
    shell.set_program_name("sh");
    // The container's environment: the image's PATH, HOSTNAME, what the kubelet
    // resolved (env, envFrom, service links) and HOME, never the host's variables.
    shell.clear_env();
    if tty {
        shell.set_var("TERM", "xterm");
    }
    for (k, v) in &inside.env {
        shell.set_var(k, v);
    }
    shell
}

/// An interactive shell inside a container (`kubectl exec -it POD -- sh`).
pub struct Session {
    pub container: ContainerRef,
    pub uid: String,
    pub shell: Shell,
    pub prompt: String,
    pub tools: Vec<String>,
    pub curl_old_wording: bool,
    /// What kubectl prints when the session ends (a debug container's reattach hint);
    /// the container's shell ends with it.
    pub end_note: Option<String>,
}

/// Opens an interactive session, or says why not (in kubectl's words).
pub fn open_session(world: &mut World, r: &ContainerRef, program: &str) -> Result<Session, String> {
    let inside = inspect(world, r, true)?;
    let ok = inside.image.shell && (program != "bash" || inside.image.tools.iter().any(|t| t == "bash"));
    if !ok {
        return Err(format!(
            "error: Internal error occurred: Internal error occurred: error executing command in container: failed to exec in container: failed to start exec \"{}\": OCI runtime exec failed: exec failed: unable to start container process: exec: \"{program}\": executable file not found in $PATH: unknown",
            world.rng.hex(32)
        ));
    }
    let key = r.fs_key(&inside.uid);
    let mut vfs = world.container_fs.remove(&key).unwrap_or_else(|| fresh_fs(world, r, &inside));
    mount_volumes(world, r, &inside, &mut vfs);
    let shell = container_shell(vfs, &inside, true);
    let prompt = if program == "bash" && inside.image.user == "root" { format!("root@{}:/# ", r.pod) } else { inside.image.prompt.clone() };
    Ok(Session { container: r.clone(), uid: inside.uid, shell, prompt, tools: inside.image.tools.clone(), curl_old_wording: inside.image_name.ends_with(":8.4.0"), end_note: None })
}

/// Puts a session's filesystem back when it ends.
pub fn close_session(world: &mut World, session: Session) {
    save_volumes(world, &session.container, session.shell.vfs());
    world.container_fs.insert(session.container.fs_key(&session.uid), session.shell.vfs().clone());
}

/// Whether the session's pod still runs this container.
pub fn alive(world: &World, s: &Session) -> bool {
    world
        .clusters
        .get(&s.container.cluster)
        .and_then(|c| c.get(&ObjKey::pod(&s.container.namespace, &s.container.pod)))
        .is_some_and(|p: &Value| p["metadata"]["uid"] == s.uid.as_str() && p["metadata"]["deletionTimestamp"].is_null())
}
