//! The kubelet's prober (`pkg/kubelet/prober`): one worker per container and probe
//! type, ticking every `periodSeconds` from when the kubelet admitted the pod.
//!
//! A worker skips while the container is not running, until `initialDelaySeconds`
//! have passed (counted in whole seconds, as `worker.doProbe` truncates), and for
//! liveness and readiness until the startup probe has succeeded. Every failed probe
//! records an `Unhealthy` event; the result changes only after `successThreshold` /
//! `failureThreshold` identical results in a row. A failed liveness or startup
//! result has the kubelet kill the container (`Killing`) and holds the worker until
//! a new container runs.

use serde_json::Value;

use crate::cluster::{Cluster, ObjKey, Timer};
use crate::images;
use crate::time::Millis;

/// The three probe types, in the order the kubelet creates their workers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum ProbeKind {
    Startup,
    Readiness,
    Liveness,
}

impl ProbeKind {
    pub const ALL: [ProbeKind; 3] = [ProbeKind::Startup, ProbeKind::Readiness, ProbeKind::Liveness];

    /// The container field that configures it.
    pub fn field(self) -> &'static str {
        match self {
            ProbeKind::Startup => "startupProbe",
            ProbeKind::Readiness => "readinessProbe",
            ProbeKind::Liveness => "livenessProbe",
        }
    }

    /// How events name it (`Readiness probe failed: ...`).
    pub fn title(self) -> &'static str {
        match self {
            ProbeKind::Startup => "Startup",
            ProbeKind::Readiness => "Readiness",
            ProbeKind::Liveness => "Liveness",
        }
    }
}

/// What one probe found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Success,
    Failure,
}

/// One prober worker's memory (`worker` in `worker.go`).
#[derive(Debug, Clone, Default)]
pub(crate) struct Worker {
    /// The container the counters belong to; a new container resets them.
    container_id: Option<String>,
    last: Option<Outcome>,
    run: u32,
    /// After a liveness or startup failure, nothing more until the container is new.
    on_hold: bool,
}

/// The probe settings with the API server's defaults.
struct Settings {
    initial_delay: i64,
    period: i64,
    timeout: i64,
    success_threshold: u32,
    failure_threshold: u32,
}

fn settings(probe: &Value) -> Settings {
    let int = |f: &str, d: i64| probe[f].as_i64().unwrap_or(d);
    Settings {
        initial_delay: int("initialDelaySeconds", 0),
        period: int("periodSeconds", 10).max(1),
        timeout: int("timeoutSeconds", 1).max(1),
        success_threshold: int("successThreshold", 1).max(1) as u32,
        failure_threshold: int("failureThreshold", 3).max(1) as u32,
    }
}

/// Starts the workers for a pod the kubelet has just admitted: each probes once at
/// once and then on its ticker.
pub(crate) fn add_pod(cluster: &mut Cluster, key: &ObjKey, uid: &str, pod: &Value) {
    for c in pod["spec"]["containers"].as_array().into_iter().flatten() {
        let name = c["name"].as_str().unwrap_or("").to_string();
        for kind in ProbeKind::ALL {
            if c[kind.field()].is_object() {
                cluster.runtime.probes.insert((uid.to_string(), name.clone(), kind), Worker::default());
                let now = cluster.now;
                cluster.schedule(now, Timer::Probe { pod: key.clone(), uid: uid.to_string(), container: name.clone(), kind });
            }
        }
    }
}

/// One tick of a worker (`worker.doProbe`), then the next tick is scheduled.
pub(crate) fn tick(cluster: &mut Cluster, key: &ObjKey, uid: &str, container: &str, kind: ProbeKind) {
    let wkey = (uid.to_string(), container.to_string(), kind);
    let alive = cluster.get(key).is_some_and(|p| p["metadata"]["uid"] == uid && p["metadata"]["deletionTimestamp"].is_null());
    if !alive || !cluster.runtime.probes.contains_key(&wkey) {
        cluster.runtime.probes.remove(&wkey);
        return;
    }
    let pod = cluster.get(key).cloned().unwrap_or(Value::Null);
    let Some(spec) = pod["spec"]["containers"].as_array().and_then(|cs| cs.iter().find(|c| c["name"] == container)).cloned() else { return };
    let probe = spec[kind.field()].clone();
    let s = settings(&probe);
    let now = cluster.now;
    cluster.schedule(now + s.period as Millis * 1000, Timer::Probe { pod: key.clone(), uid: uid.to_string(), container: container.to_string(), kind });

    let Some(view) = crate::kubelet::container_view(cluster, uid, container) else { return };
    let Some(started_at) = view.running_since else { return };
    let worker = cluster.runtime.probes.get_mut(&wkey).expect("checked above");
    if worker.container_id != view.container_id {
        *worker = Worker { container_id: view.container_id.clone(), ..Worker::default() };
    }
    if worker.on_hold {
        return;
    }
    let has_startup = spec["startupProbe"].is_object();
    match kind {
        ProbeKind::Startup if view.started => return,
        ProbeKind::Readiness | ProbeKind::Liveness if has_startup && !view.started => return,
        _ => {}
    }
    if ((now - started_at) / 1000) < s.initial_delay.max(0) as Millis {
        return;
    }
    let (outcome, message) = run_probe(cluster, &pod, &spec, &probe, kind, started_at, s.timeout);
    if let Some(message) = message {
        let node = pod["spec"]["nodeName"].as_str().unwrap_or("").to_string();
        let path = format!("spec.containers{{{container}}}");
        cluster.emit_event(&pod, Some(&path), "Warning", "Unhealthy", &format!("kubelet/{node}"), message);
    }
    let worker = cluster.runtime.probes.get_mut(&wkey).expect("checked above");
    if worker.last == Some(outcome) {
        worker.run += 1;
    } else {
        worker.last = Some(outcome);
        worker.run = 1;
    }
    let threshold = match outcome {
        Outcome::Success => s.success_threshold,
        Outcome::Failure => s.failure_threshold,
    };
    if worker.run < threshold {
        return;
    }
    if outcome == Outcome::Failure && kind != ProbeKind::Readiness {
        worker.on_hold = true;
        worker.run = 0;
    }
    let has_readiness = spec["readinessProbe"].is_object();
    match (kind, outcome) {
        (ProbeKind::Readiness, o) => crate::kubelet::set_probe_state(cluster, key, uid, container, None, Some(o == Outcome::Success)),
        (ProbeKind::Startup, Outcome::Success) => crate::kubelet::set_probe_state(cluster, key, uid, container, Some(true), (!has_readiness).then_some(true)),
        (ProbeKind::Liveness, Outcome::Success) => {}
        (ProbeKind::Startup, Outcome::Failure) => crate::kubelet::kill_for_probe(cluster, key, uid, container, "startup"),
        (ProbeKind::Liveness, Outcome::Failure) => crate::kubelet::kill_for_probe(cluster, key, uid, container, "liveness"),
    }
}

/// Runs one probe. Returns the outcome and, for a failure, the event message.
fn run_probe(cluster: &mut Cluster, pod: &Value, spec: &Value, probe: &Value, kind: ProbeKind, started_at: Millis, timeout: i64) -> (Outcome, Option<String>) {
    let title = kind.title();
    let pod_ip = pod["status"]["podIP"].as_str().unwrap_or("").to_string();
    let failed = |msg: String| (Outcome::Failure, Some(format!("{title} probe failed: {msg}")));
    let errored = |msg: String| (Outcome::Failure, Some(format!("{title} probe errored and resulted in unknown state: {msg}")));
    if probe["httpGet"].is_object() {
        let h = &probe["httpGet"];
        let port = match resolve_port(spec, &h["port"]) {
            Ok(p) => p,
            Err(e) => return errored(e),
        };
        let host = h["host"].as_str().filter(|s| !s.is_empty()).map(String::from).unwrap_or(pod_ip.clone());
        let scheme = h["scheme"].as_str().unwrap_or("HTTP").to_ascii_lowercase();
        let path = h["path"].as_str().filter(|p| !p.is_empty()).unwrap_or("/").to_string();
        let path = if path.starts_with('/') { path } else { format!("/{path}") };
        let url = format!("{scheme}://{host}:{port}{path}");
        let Some((serving, process, age)) = listener_in_pod(cluster, pod, port, started_at) else {
            return failed(format!("Get \"{url}\": dial tcp {host}:{port}: connect: connection refused"));
        };
        let tls = matches!(process, images::Process::Server { tls: true, .. });
        if scheme == "https" && !tls {
            return failed(format!("Get \"{url}\": http: server gave HTTP response to HTTPS client"));
        }
        if scheme == "http" && tls {
            return failed("HTTP probe failed with statuscode: 400".to_string());
        }
        let serving_args: Vec<String> = pod["spec"]["containers"]
            .as_array()
            .and_then(|cs| cs.iter().find(|c| c["name"] == serving.as_str()))
            .map(|c| c["command"].as_array().into_iter().flatten().chain(c["args"].as_array().into_iter().flatten()).filter_map(|a| a.as_str().map(String::from)).collect())
            .unwrap_or_default();
        let Some(answer) = process.answer_with_args(&path, age, Some(&serving_args)) else { return failed(format!("Get \"{url}\": dial tcp {host}:{port}: connect: connection refused")) };
        if let Some(line) = &answer.log {
            crate::kubelet::append_log(cluster, pod, &serving, line);
        }
        // A server throttled to its CPU limit may not answer within the probe's timeout.
        let serving_spec = pod["spec"]["containers"].as_array().and_then(|cs| cs.iter().find(|c| c["name"] == serving.as_str())).cloned().unwrap_or(Value::Null);
        if crate::resources_model::response_ms(cluster, pod, &serving_spec) > timeout.max(1) as u64 * 1000 {
            return failed(format!("Get \"{url}\": context deadline exceeded (Client.Timeout exceeded while awaiting headers)"));
        }
        return if (200..400).contains(&answer.status) {
            (Outcome::Success, None)
        } else {
            failed(format!("HTTP probe failed with statuscode: {}", answer.status))
        };
    }
    if probe["tcpSocket"].is_object() {
        let t = &probe["tcpSocket"];
        let port = match resolve_port(spec, &t["port"]) {
            Ok(p) => p,
            Err(e) => return errored(e),
        };
        let host = t["host"].as_str().filter(|s| !s.is_empty()).map(String::from).unwrap_or(pod_ip.clone());
        return match listener_in_pod(cluster, pod, port, started_at) {
            Some(_) => (Outcome::Success, None),
            None => failed(format!("dial tcp {host}:{port}: connect: connection refused")),
        };
    }
    if probe["exec"].is_object() {
        let argv: Vec<String> = probe["exec"]["command"].as_array().into_iter().flatten().filter_map(|v| v.as_str().map(String::from)).collect();
        let image = spec["image"].as_str().unwrap_or("");
        return match exec_in_container(spec, image, &argv, cluster.now.saturating_sub(started_at)) {
            Ok((0, _)) => (Outcome::Success, None),
            Ok((_, output)) => failed(output),
            Err(e) => {
                let id = cluster.rng.hex(32);
                errored(format!("rpc error: code = Unknown desc = failed to exec in container: failed to start exec \"{id}\": OCI runtime exec failed: exec failed: unable to start container process: {e}: unknown"))
            }
        };
    }
    // gRPC probes (`grpc.health.v1.Health/Check` on the pod IP and port).
    let port = probe["grpc"]["port"].as_u64().unwrap_or(0) as u16;
    let addr = format!("{pod_ip}:{port}");
    match listener_in_pod(cluster, pod, port, started_at) {
        None => failed(format!("timeout: failed to connect service \"{addr}\" within {timeout}s: context deadline exceeded")),
        Some((_, images::Process::Server { grpc_health: true, .. }, _)) => (Outcome::Success, None),
        // An HTTP/1 server answers the client's HTTP/2 preface with a response.
        Some(_) => failed("error: health rpc probe failed: rpc error: code = Unavailable desc = connection error: desc = \"error reading server preface: http2: frame too large\"".to_string()),
    }
}

/// A probe's `port`: a number, or the name of one of the container's ports.
fn resolve_port(spec: &Value, port: &Value) -> Result<u16, String> {
    if let Some(n) = port.as_u64() {
        return Ok(n as u16);
    }
    let name = port.as_str().unwrap_or("");
    if let Ok(n) = name.parse::<u16>() {
        return Ok(n);
    }
    spec["ports"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|p| p["name"] == name)
        .and_then(|p| p["containerPort"].as_u64())
        .map(|n| n as u16)
        .ok_or_else(|| format!("strconv.Atoi: parsing \"{name}\": invalid syntax"))
}

/// The running container of `pod` whose server listens on `port`: its name, its
/// process and how long it has run.
fn listener_in_pod(cluster: &Cluster, pod: &Value, port: u16, _started_at: Millis) -> Option<(String, &'static images::Process, u64)> {
    let uid = pod["metadata"]["uid"].as_str().unwrap_or("");
    for c in pod["spec"]["containers"].as_array().into_iter().flatten() {
        let name = c["name"].as_str().unwrap_or("");
        let Some(Some(serving)) = crate::kubelet::serving(cluster, uid, name) else { continue };
        if serving.port == port || serving.extra_ports.contains(&port) {
            let image = images::find(c["image"].as_str().unwrap_or(""))?;
            return Some((name.to_string(), &image.process, cluster.now.saturating_sub(serving.since)));
        }
    }
    None
}

/// Runs an exec probe's command in a container whose process has run for `age_ms`:
/// `Ok((exit code, output))`, or `Err` when the program is not in the image.
///
/// Files the container's own shell script creates and removes (`touch /tmp/healthy;
/// sleep 30; rm -f /tmp/healthy`) exist only during their time window.
pub fn exec_in_container(spec: &Value, image: &str, argv: &[String], age_ms: u64) -> Result<(i32, String), String> {
    let Some(img) = images::find(image) else { return Err("exec: \"\": executable file not found in $PATH".into()) };
    let Some(program) = argv.first() else { return Err("exec: \"\": executable file not found in $PATH".into()) };
    let base = program.rsplit('/').next().unwrap_or(program);
    let is_shell = matches!(base, "sh" | "bash" | "ash");
    let has = img.tools.iter().any(|t| t == base) || img.shell && (is_shell || matches!(base, "cat" | "test" | "ls" | "true" | "false" | "echo" | "["));
    if !has {
        return Err(format!("exec: \"{program}\": executable file not found in $PATH"));
    }
    let words: Vec<String> = if is_shell && argv.get(1).map(String::as_str) == Some("-c") {
        argv.get(2).map(|s| s.split_whitespace().map(String::from).collect()).unwrap_or_default()
    } else {
        let mut w = argv.to_vec();
        w[0] = base.to_string();
        w
    };
    let files = script_files(spec, age_ms);
    let exists = |f: &str| files.iter().any(|x| x == f);
    let first = words.first().map(String::as_str).unwrap_or("true");
    Ok(match first {
        "cat" => match words[1..].iter().find(|f| !exists(f)) {
            Some(f) => (1, format!("cat: can't open '{f}': No such file or directory\n")),
            None => (0, String::new()),
        },
        "ls" => match words[1..].iter().filter(|w| !w.starts_with('-')).find(|f| !exists(f)) {
            Some(f) => (1, format!("ls: {f}: No such file or directory\n")),
            None => (0, String::new()),
        },
        "test" | "[" => {
            let f = words.iter().skip(1).find(|w| !w.starts_with('-') && *w != "]").cloned().unwrap_or_default();
            (if exists(&f) { 0 } else { 1 }, String::new())
        }
        "false" => (1, String::new()),
        _ => (0, String::new()),
    })
}

/// The files a container's shell command has created by `age_ms`, following its
/// `touch`, `rm` and `sleep` steps in order.
fn script_files(spec: &Value, age_ms: u64) -> Vec<String> {
    let words: Vec<String> = ["command", "args"].iter().flat_map(|f| spec[*f].as_array().cloned().unwrap_or_default()).filter_map(|v| v.as_str().map(String::from)).collect();
    let script = match words.iter().position(|w| w == "-c") {
        Some(i) => words[i + 1..].join(" "),
        None => return Vec::new(),
    };
    let mut files: Vec<String> = Vec::new();
    let mut t: u64 = 0;
    for step in script.split([';', '\n']).flat_map(|s| s.split("&&")) {
        if t > age_ms {
            break;
        }
        let w: Vec<&str> = step.split_whitespace().collect();
        match w.first().copied() {
            Some("touch") => files.extend(w[1..].iter().map(|s| s.to_string())),
            Some("rm") => files.retain(|f| !w[1..].contains(&f.as_str())),
            Some("sleep") => t += w.get(1).and_then(|s| s.parse::<u64>().ok()).unwrap_or(0) * 1000,
            Some("echo") => {
                if let Some(i) = w.iter().position(|x| *x == ">" || *x == ">>") {
                    files.extend(w.get(i + 1).map(|s| s.to_string()));
                }
            }
            _ => {}
        }
    }
    files
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn the_docs_liveness_exec_file_exists_for_thirty_seconds() {
        let spec = json!({"image": "busybox:1.36.1", "args": ["/bin/sh", "-c", "touch /tmp/healthy; sleep 30; rm -f /tmp/healthy; sleep 600"]});
        let cat = vec!["cat".to_string(), "/tmp/healthy".to_string()];
        assert_eq!(exec_in_container(&spec, "busybox:1.36.1", &cat, 10_000), Ok((0, String::new())));
        assert_eq!(exec_in_container(&spec, "busybox:1.36.1", &cat, 31_000), Ok((1, "cat: can't open '/tmp/healthy': No such file or directory\n".into())));
        let missing = vec!["pg_isready".to_string()];
        assert!(exec_in_container(&spec, "busybox:1.36.1", &missing, 0).unwrap_err().contains("executable file not found"));
    }

    #[test]
    fn named_ports_resolve_or_fail_as_the_kubelet_says() {
        let spec = json!({"ports": [{"name": "http", "containerPort": 8080}]});
        assert_eq!(resolve_port(&spec, &json!("http")), Ok(8080));
        assert_eq!(resolve_port(&spec, &json!(81)), Ok(81));
        assert_eq!(resolve_port(&spec, &json!("web")), Err("strconv.Atoi: parsing \"web\": invalid syntax".into()));
    }
}
