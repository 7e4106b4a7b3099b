//! `kubeniwa serve`: a sandbox with a kind cluster whose API is served over HTTP on
//! loopback, so the real kubectl can talk to the same cluster the sandbox's own
//! kubectl does. A thin adapter over `Cluster::handle`; the control endpoints under
//! `/kubeniwa/v1/` run shell lines and move the simulated clock for tests.
//!
//! One thread owns the `Sandbox` (it is not shared between threads); each connection
//! has a thread that sends it jobs and waits for their results.

use std::io::{BufReader, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc::{self, Sender};
use std::sync::Arc;
use std::time::{Duration, Instant};

use kubeniwa_core::apiserver::with_type;
use kubeniwa_core::cluster::{WatchEvent, WatchKind};
use kubeniwa_core::resources::{self, ResourceType};
use kubeniwa_core::selectors::{FieldSelector, LabelSelector};
use kubeniwa_core::time::rfc3339;
use kubeniwa_core::{printers, ApiError, Method, Request, Response};
use kubeniwa_sandbox::{Checkpoint, Sandbox};
use serde_json::{json, Value};

use crate::http::{self, HttpRequest, ReadError};
use crate::websocket;
use kubeniwa_kubectl::{Backend, ExecMode, ExecReply, ExecTarget};

/// The kind cluster `serve` creates and serves.
const CLUSTER: &str = "kind";
/// Connections served at once; more are answered 429 and closed.
const MAX_CONNECTIONS: usize = 64;
/// How long a kept-alive connection may stay idle between requests.
const IDLE_TIMEOUT: Duration = Duration::from_secs(120);
/// How often an open watch looks for new events.
const WATCH_POLL: Duration = Duration::from_millis(50);
/// The longest a watch stays open when the client names no `timeoutSeconds`.
const WATCH_MAX: Duration = Duration::from_secs(30 * 60);

/// `kubeniwa serve` options.
#[derive(Debug, Clone)]
pub struct Options {
    /// 0 picks a free port.
    pub port: u16,
    pub seed: u64,
    /// Where the kubeconfig for the real kubectl goes.
    pub kubeconfig: Option<PathBuf>,
    /// Simulated time follows the wall clock from the start (tests want it paused, so
    /// both kubectls see the same instant; a person at a terminal wants it running).
    pub clock_running: bool,
    /// When the simulated clock starts (ms since 1970); the sandbox's default if `None`.
    pub start: Option<u64>,
}

/// What the owner thread holds.
struct State {
    sandbox: Sandbox,
    /// When false, simulated time follows the wall clock.
    paused: bool,
    last_tick: Instant,
    checkpoint: Option<Checkpoint>,
}

type Job = Box<dyn FnOnce(&mut State) + Send>;

/// A handle on the owner thread.
#[derive(Clone)]
struct Owner {
    jobs: Sender<Job>,
}

impl Owner {
    /// Runs `f` on the sandbox's thread and returns its result (`None` if that thread
    /// is gone).
    fn call<R: Send + 'static>(&self, f: impl FnOnce(&mut State) -> R + Send + 'static) -> Option<R> {
        let (tx, rx) = mpsc::channel();
        let job: Job = Box::new(move |state| {
            let _ = tx.send(f(state));
        });
        self.jobs.send(job).ok()?;
        rx.recv().ok()
    }
}

impl State {
    /// Lets wall-clock time into the simulation when the clock is running.
    fn tick(&mut self) {
        let now = Instant::now();
        if !self.paused {
            let ms = now.duration_since(self.last_tick).as_millis() as u64;
            if ms > 0 {
                self.sandbox.advance(ms);
            }
        }
        self.last_tick = now;
    }

    fn api(&mut self, req: &Request) -> Response {
        self.tick();
        let now = self.sandbox.world().now();
        match self.sandbox.world_mut().cluster_mut(CLUSTER) {
            Some(cluster) => {
                cluster.advance_to(now);
                cluster.handle(req)
            }
            None => ApiError { code: 503, reason: "ServiceUnavailable", message: format!("the kind cluster {CLUSTER:?} has been deleted"), details: None }.into_response(),
        }
    }

    fn clock(&self) -> Value {
        let now = self.sandbox.world().now();
        json!({"now": rfc3339(now), "nowMs": now, "elapsedMs": self.sandbox.elapsed_ms(), "paused": self.paused})
    }
}

/// Runs the server until the process is killed.
pub fn serve(options: &Options) -> Result<(), String> {
    let listener = TcpListener::bind(("127.0.0.1", options.port)).map_err(|e| format!("listening on 127.0.0.1:{}: {e}", options.port))?;
    let port = listener.local_addr().map_err(|e| e.to_string())?.port();
    let server = format!("http://127.0.0.1:{port}");
    let kubeconfig = options.kubeconfig.clone().unwrap_or_else(|| std::env::temp_dir().join(format!("kubeniwa-{port}.kubeconfig")));
    std::fs::write(&kubeconfig, kubeconfig_yaml(&server)).map_err(|e| format!("{}: {e}", kubeconfig.display()))?;

    let (jobs, inbox) = mpsc::channel::<Job>();
    let seed = options.seed;
    let clock_running = options.clock_running;
    let start = options.start;
    let (ready_tx, ready_rx) = mpsc::channel();
    std::thread::Builder::new()
        .name("sandbox".into())
        .spawn(move || {
            let mut sandbox = match start {
                Some(ms) => Sandbox::starting_at(seed, ms),
                None => Sandbox::new(seed),
            };
            let created = sandbox.run_line("kind create cluster");
            let _ = ready_tx.send(if created.status == 0 { Ok(()) } else { Err(created.text) });
            let mut state = State { sandbox, paused: !clock_running, last_tick: Instant::now(), checkpoint: None };
            for job in inbox {
                job(&mut state);
            }
        })
        .map_err(|e| e.to_string())?;
    ready_rx.recv().map_err(|_| "the sandbox thread stopped".to_string())?.map_err(|t| format!("kind create cluster failed:\n{t}"))?;

    println!("kubeniwa serve: listening on {server}");
    println!("kubeniwa serve: kubeconfig {}", kubeconfig.display());
    println!("kubeniwa serve: try  kubectl --kubeconfig {} get pods -A", kubeconfig.display());
    let _ = std::io::stdout().flush();

    let owner = Owner { jobs };
    let open = Arc::new(AtomicUsize::new(0));
    for stream in listener.incoming() {
        let Ok(mut stream) = stream else { continue };
        if open.load(Ordering::SeqCst) >= MAX_CONNECTIONS {
            let body = status_body(429, "TooManyRequests", "too many open connections");
            let _ = http::write_response(&mut stream, 429, "application/json", &[], &body, true);
            continue;
        }
        open.fetch_add(1, Ordering::SeqCst);
        let owner = owner.clone();
        let counter = open.clone();
        let spawned = std::thread::Builder::new().name("connection".into()).spawn(move || {
            connection(stream, &owner);
            counter.fetch_sub(1, Ordering::SeqCst);
        });
        if spawned.is_err() {
            open.fetch_sub(1, Ordering::SeqCst);
        }
    }
    Ok(())
}

/// The kubeconfig the real kubectl uses: plain HTTP, no credentials.
pub fn kubeconfig_yaml(server: &str) -> String {
    format!(
        "apiVersion: v1\nclusters:\n- cluster:\n    server: {server}\n  name: kind-kind\ncontexts:\n- context:\n    cluster: kind-kind\n    user: kind-kind\n  name: kind-kind\ncurrent-context: kind-kind\nkind: Config\npreferences: {{}}\nusers:\n- name: kind-kind\n  user: {{}}\n"
    )
}

fn status_body(code: u16, reason: &'static str, message: &str) -> Vec<u8> {
    let status = ApiError { code, reason, message: message.to_string(), details: None }.to_status();
    serde_json::to_vec(&status).unwrap_or_default()
}

fn reason_for(code: u16) -> &'static str {
    match code {
        400 => "BadRequest",
        408 => "Timeout",
        413 => "RequestEntityTooLarge",
        415 => "UnsupportedMediaType",
        _ => "BadRequest",
    }
}

/// Serves one connection's requests until it closes, errs or idles out.
fn connection(stream: TcpStream, owner: &Owner) {
    let _ = stream.set_nodelay(true);
    let _ = stream.set_read_timeout(Some(IDLE_TIMEOUT));
    let _ = stream.set_write_timeout(Some(Duration::from_secs(30)));
    let Ok(read_half) = stream.try_clone() else { return };
    let mut reader = BufReader::new(read_half);
    let mut stream = stream;
    loop {
        match http::read_request(&mut reader) {
            Err(ReadError::Closed) => break,
            Err(ReadError::Bad(code, message)) => {
                let body = status_body(code, reason_for(code), &message);
                let _ = http::write_response(&mut stream, code, "application/json", &[], &body, true);
                break;
            }
            Ok(req) => {
                let close = req.close;
                let keep = respond(&req, &mut stream, owner);
                if close || !keep {
                    break;
                }
            }
        }
    }
    let _ = stream.shutdown(Shutdown::Both);
}

/// Answers one request; false when the connection must close.
fn respond(req: &HttpRequest, stream: &mut TcpStream, owner: &Owner) -> bool {
    let close = req.close;
    if let Some(control) = req.path.strip_prefix("/kubeniwa/v1/") {
        let (code, content_type, extra, body) = control_request(control, req, owner);
        return http::write_response(stream, code, content_type, &extra, &body, close).is_ok();
    }
    if req.method == "GET" || req.method == "POST" {
        if let Some((namespace, pod)) = exec_target(&req.path) {
            return exec(req, namespace, pod, stream, owner);
        }
    }
    if req.method == "GET" && req.path.starts_with("/openapi/v3") {
        if let Some(doc) = crate::openapi::document(&req.path) {
            let body = serde_json::to_vec(&doc).unwrap_or_default();
            return http::write_response(stream, 200, "application/json", &[], &body, close).is_ok();
        }
    }
    let api_req = match to_api_request(req) {
        Ok(r) => r,
        Err(e) => {
            let body = serde_json::to_vec(&e.to_status()).unwrap_or_default();
            return http::write_response(stream, e.code, "application/json", &[], &body, close).is_ok();
        }
    };
    if let Some(watch) = watch_request(&api_req) {
        return match watch {
            Ok(w) => stream_watch(w, &api_req, stream, owner),
            Err(e) => {
                let body = serde_json::to_vec(&e.to_status()).unwrap_or_default();
                http::write_response(stream, e.code, "application/json", &[], &body, close).is_ok()
            }
        };
    }
    let send = api_req.clone();
    let Some(response) = owner.call(move |st| st.api(&send)) else {
        let body = status_body(500, "InternalError", "the sandbox stopped");
        let _ = http::write_response(stream, 500, "application/json", &[], &body, true);
        return false;
    };
    // Logs are plain text; everything else is JSON.
    let (content_type, body) = match (&response.body, api_req.path.ends_with("/log") && response.is_success()) {
        (Value::String(text), true) => ("text/plain", text.clone().into_bytes()),
        (v, _) => ("application/json", serde_json::to_vec(v).unwrap_or_default()),
    };
    // Warnings go out as `Warning: 299 - "text"` headers.
    let warnings: Vec<(&str, String)> = response.warnings.iter().map(|w| ("Warning", format!("299 - {}", serde_json::to_string(w).unwrap_or_default()))).collect();
    http::write_response(stream, response.code, content_type, &warnings, &body, close).is_ok()
}

/// `/api/v1/namespaces/NS/pods/NAME/exec` → (NS, NAME).
fn exec_target(path: &str) -> Option<(String, String)> {
    match path.trim_end_matches('/').split('/').collect::<Vec<_>>().as_slice() {
        ["", "api", "v1", "namespaces", ns, "pods", name, "exec"] => Some((ns.to_string(), name.to_string())),
        _ => None,
    }
}

/// The most stdin an exec takes.
const MAX_EXEC_STDIN: usize = 1024 * 1024;

/// `kubectl exec` (not interactive): a WebSocket with the `v5.channel.k8s.io`
/// subprotocol; the command runs in the sandbox's fake container, its output goes to
/// the stdout channel and its exit status to the error channel. Always closes.
fn exec(req: &HttpRequest, namespace: String, pod: String, stream: &mut TcpStream, owner: &Owner) -> bool {
    let fail = |stream: &mut TcpStream, code: u16, message: &str| {
        let _ = http::write_response(stream, code, "application/json", &[], &status_body(code, reason_for(code), message), true);
        false
    };
    let upgrade = req.header("upgrade").unwrap_or("").to_ascii_lowercase();
    let (Some(key), true) = (req.header("sec-websocket-key"), upgrade.contains("websocket")) else {
        return fail(stream, 400, "Upgrade request required: kubeniwa serve speaks WebSocket (v5.channel.k8s.io), not SPDY");
    };
    let Some(protocol) = websocket::choose_protocol(req.header("sec-websocket-protocol").unwrap_or("")) else {
        return fail(stream, 400, "no supported WebSocket subprotocol (v5.channel.k8s.io, v4.channel.k8s.io)");
    };
    let flag = |name: &str| req.query.iter().any(|(k, v)| k == name && (v == "true" || v == "1"));
    let argv: Vec<String> = req.query.iter().filter(|(k, _)| k == "command").map(|(_, v)| v.clone()).collect();
    let container = req.query.iter().find(|(k, _)| k == "container").map(|(_, v)| v.clone()).unwrap_or_default();
    if argv.is_empty() {
        return fail(stream, 400, "you must specify at least 1 command");
    }
    if websocket::handshake(stream, key, protocol).is_err() {
        return false;
    }
    let status = if flag("tty") {
        json!({"metadata": {}, "status": "Failure", "message": "kubeniwa serve does not run interactive sessions (-t) yet", "reason": "BadRequest", "code": 400})
    } else {
        let mut stdin = Vec::new();
        if flag("stdin") {
            // Until the client closes stdin (v5: [255, 0]) or the connection.
            while let Ok((opcode, payload)) = websocket::receive(stream, MAX_EXEC_STDIN) {
                match (opcode, payload.as_slice()) {
                    (0x8, _) | (_, [255, 0]) => break,
                    (0x2, [0, data @ ..]) => stdin.extend_from_slice(data),
                    _ => {}
                }
                if stdin.len() > MAX_EXEC_STDIN {
                    break;
                }
            }
        }
        let target = ExecTarget { namespace, pod, container };
        let reply = owner.call(move |st| {
            st.tick();
            let world = st.sandbox.world_mut();
            let server = format!("https://127.0.0.1:{}", world.cluster(CLUSTER)?.api_port);
            let reply = Backend::exec(world, &server, &target, &argv, &stdin, ExecMode::Run);
            Some((reply, argv))
        });
        match reply {
            Some(Some((ExecReply::Done { output, status }, argv))) => {
                if websocket::send(stream, 1, output.as_bytes()).is_err() {
                    return false;
                }
                if status == 0 {
                    json!({"metadata": {}, "status": "Success"})
                } else {
                    json!({
                        "metadata": {},
                        "status": "Failure",
                        "message": format!("command terminated with non-zero exit code: error executing command [{}], exit code {status}", argv.join(" ")),
                        "reason": "NonZeroExitCode",
                        "details": {"causes": [{"reason": "ExitCode", "message": status.to_string()}]},
                    })
                }
            }
            Some(Some((ExecReply::Failed(text), _))) => {
                json!({"metadata": {}, "status": "Failure", "message": text.trim_start_matches("error: "), "reason": "InternalError", "code": 500})
            }
            Some(Some((ExecReply::Session, _))) | Some(None) | None => {
                json!({"metadata": {}, "status": "Failure", "message": "the exec could not run", "reason": "InternalError", "code": 500})
            }
        }
    };
    let _ = websocket::send(stream, 3, &serde_json::to_vec(&status).unwrap_or_default());
    let _ = websocket::close(stream);
    false
}

/// HTTP → the core's request: method, path, query, media types, a JSON (or YAML) body.
fn to_api_request(req: &HttpRequest) -> Result<Request, ApiError> {
    let method = match req.method.as_str() {
        "GET" => Method::Get,
        "POST" => Method::Post,
        "PUT" => Method::Put,
        "PATCH" => Method::Patch,
        "DELETE" => Method::Delete,
        other => return Err(ApiError::method_not_allowed(format!("the server does not allow the method {other}"))),
    };
    let content_type = req.header("content-type").map(|c| c.split(';').next().unwrap_or("").trim().to_ascii_lowercase());
    let body = if req.body.is_empty() {
        None
    } else {
        let ct = content_type.as_deref().unwrap_or("application/json");
        if ct.contains("protobuf") {
            // client-go's typed clients send built-in kinds as protobuf. A body that
            // does not decode is left out, so the server answers as it would to an
            // unreadable body: 404 for a resource it does not serve, 400 otherwise.
            return Ok(Request {
                method,
                path: req.path.clone(),
                query: req.query.clone(),
                accept: req.header("accept").map(String::from),
                content_type: Some("application/json".into()),
                body: crate::protobuf::decode(&req.body).ok(),
                impersonate_user: req.header("impersonate-user").map(String::from),
                impersonate_groups: req.headers_named("impersonate-group"),
            });
        }
        let text = std::str::from_utf8(&req.body).map_err(|_| ApiError::bad_request("the request body is not UTF-8"))?;
        if ct.contains("yaml") {
            let docs = kubeniwa_format::yaml::parse_documents(text).map_err(|e| ApiError::bad_request(format!("error converting YAML to JSON: {e}")))?;
            docs.into_iter().next()
        } else {
            Some(serde_json::from_str(text).map_err(|e| undecodable(&req.path, &req.body, &e))?)
        }
    };
    Ok(Request {
        method,
        path: req.path.clone(),
        query: req.query.clone(),
        accept: req.header("accept").map(String::from),
        content_type,
        body,
        impersonate_user: req.header("impersonate-user").map(String::from),
        impersonate_groups: req.headers_named("impersonate-group"),
    })
}

/// A body that is not JSON, as `transformDecodeError` words it: the kind the path
/// wants, the JSON error in Go's words where they are known, and the body's start (hex
/// unless it looks like JSON).
fn undecodable(path: &str, body: &[u8], e: &serde_json::Error) -> ApiError {
    let segs: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
    let (group, version, rest) = match segs.as_slice() {
        ["api", v, rest @ ..] => ("", *v, rest),
        ["apis", g, v, rest @ ..] => (*g, *v, rest),
        _ => return ApiError::bad_request(format!("json parse error: {e}")),
    };
    let plural = match rest {
        ["namespaces", _, p, ..] => *p,
        [p, ..] => *p,
        [] => "",
    };
    let Some(rt) = kubeniwa_core::resources::by_plural(group, version, plural) else {
        return ApiError::bad_request(format!("json parse error: {e}"));
    };
    let first = body.iter().copied().find(|b| !b.is_ascii_whitespace());
    let go_error = match first {
        None => "unexpected end of JSON input".to_string(),
        Some(c) if !matches!(c, b'{' | b'[' | b'"' | b'-' | b'0'..=b'9' | b't' | b'f' | b'n') => format!("invalid character '{}' looking for beginning of value", c as char),
        Some(_) => e.to_string(),
    };
    const MAX: usize = 30;
    let summary = match body.first() {
        None => "<empty>".to_string(),
        Some(b'{') => {
            let shown = String::from_utf8_lossy(&body[..body.len().min(MAX)]).into_owned();
            if body.len() > MAX { format!("{shown} ...") } else { shown }
        }
        Some(_) => {
            let hex: String = body[..body.len().min(MAX)].iter().map(|b| format!("{b:02x}")).collect();
            if body.len() > MAX { format!("{hex} ...") } else { hex }
        }
    };
    ApiError::bad_request(format!("the object provided is unrecognized (must be of type {}): couldn't get version/kind; json parse error: {go_error} ({summary})", rt.kind))
}

/// What a watch follows.
struct Watch {
    rt: &'static ResourceType,
    namespace: Option<String>,
    name: Option<String>,
    labels: LabelSelector,
    fields: FieldSelector,
    table: bool,
}

/// `Some` when the request is a watch (`?watch=true` or the old `/watch/` paths).
fn watch_request(req: &Request) -> Option<Result<Watch, ApiError>> {
    if req.method != Method::Get {
        return None;
    }
    let segs: Vec<&str> = req.path.split('/').filter(|s| !s.is_empty()).collect();
    let (group, version, rest) = match segs.as_slice() {
        ["api", v, rest @ ..] => ("", *v, rest),
        ["apis", g, v, rest @ ..] => (*g, *v, rest),
        _ => return None,
    };
    let (old_style, rest) = match rest {
        ["watch", rest @ ..] => (true, rest),
        _ => (false, rest),
    };
    if !old_style && !matches!(req.query_value("watch"), Some("true" | "1")) {
        return None;
    }
    let (namespace, rest) = match rest {
        ["namespaces", ns, r, rest @ ..] if resources::by_plural(group, version, r).is_some_and(|rt| rt.namespaced) => (Some(ns.to_string()), {
            let mut v = vec![*r];
            v.extend_from_slice(rest);
            v
        }),
        _ => (None, rest.to_vec()),
    };
    let Some(rt) = rest.first().and_then(|p| resources::by_plural(group, version, p)) else {
        return Some(Err(ApiError { code: 404, reason: "NotFound", message: "the server could not find the requested resource".into(), details: None }));
    };
    if rest.len() > 2 {
        return Some(Err(ApiError::method_not_allowed("the server does not allow this method on the requested resource")));
    }
    let labels = match req.query_value("labelSelector").map(LabelSelector::parse).transpose() {
        Ok(l) => l.unwrap_or_default(),
        Err(e) => return Some(Err(ApiError::bad_request(e))),
    };
    let fields = match req.query_value("fieldSelector").map(|s| FieldSelector::parse(s).and_then(|f| f.check_supported(rt.kind).map(|_| f))).transpose() {
        Ok(f) => f.unwrap_or_default(),
        Err(e) => return Some(Err(ApiError::bad_request(e))),
    };
    let table = req.accept.as_deref().is_some_and(|a| a.contains("as=Table"));
    Some(Ok(Watch { rt, namespace, name: rest.get(1).map(|s| s.to_string()), labels, fields, table }))
}

impl Watch {
    fn matches_key(&self, ev: &WatchEvent) -> bool {
        ev.key.resource == self.rt.group_resource()
            && self.namespace.as_deref().is_none_or(|ns| ev.key.namespace == ns)
            && self.name.as_deref().is_none_or(|n| ev.key.name == n)
    }

    fn matches(&self, obj: &Value) -> bool {
        self.labels.matches(obj["metadata"].get("labels")) && self.fields.matches(obj)
    }
}

/// Streams watch events as chunked JSON lines until the timeout, the client leaves, or
/// the sandbox stops. Returns whether the connection can be reused.
fn stream_watch(w: Watch, req: &Request, stream: &mut TcpStream, owner: &Owner) -> bool {
    let timeout = req.query_value("timeoutSeconds").and_then(|t| t.parse::<u64>().ok()).map(Duration::from_secs).unwrap_or(WATCH_MAX).min(WATCH_MAX);
    let requested_rv: Option<u64> = req.query_value("resourceVersion").filter(|v| !v.is_empty() && *v != "0").and_then(|v| v.parse().ok());
    let send_initial = req.query_value("sendInitialEvents") == Some("true");
    let bookmarks = req.query_value("allowWatchBookmarks") == Some("true");
    let w = Arc::new(w);
    // The first batch: the current objects as ADDED (when asked for, or when no
    // resourceVersion is given), or the events since the given version.
    let first = {
        let w = w.clone();
        owner.call(move |st| {
            st.tick();
            let now = st.sandbox.world().now();
            let cluster = st.sandbox.world_mut().cluster_mut(CLUSTER)?;
            cluster.advance_to(now);
            let rv = cluster.resource_version();
            let mut out = Vec::new();
            match requested_rv {
                Some(from) if !send_initial => out.extend(new_events(cluster, &w, from)),
                _ => {
                    let current: Vec<Value> = cluster
                        .list(&w.rt.group_resource(), w.namespace.as_deref())
                        .into_iter()
                        .filter(|o| w.name.as_deref().is_none_or(|n| o["metadata"]["name"] == n))
                        .filter(|o| w.matches(o))
                        .map(|o| with_type(w.rt, o.clone()))
                        .collect();
                    for o in current {
                        out.push(event_json("ADDED", render(cluster, &w, o)));
                    }
                    if send_initial && bookmarks {
                        out.push(bookmark(w.rt, rv, true));
                    }
                }
            }
            Some((out, rv))
        })
    };
    let Some(Some((events, mut rv))) = first else {
        let body = status_body(503, "ServiceUnavailable", "the cluster is gone");
        let _ = http::write_response(stream, 503, "application/json", &[], &body, true);
        return false;
    };
    if http::start_chunked(stream, "application/json").is_err() {
        return false;
    }
    if !send_chunks(stream, &events) {
        return false;
    }
    let started = Instant::now();
    while started.elapsed() < timeout {
        std::thread::sleep(WATCH_POLL);
        if client_gone(stream) {
            return false;
        }
        let w = w.clone();
        let Some(Some((events, next))) = owner.call(move |st| {
            st.tick();
            let now = st.sandbox.world().now();
            let cluster = st.sandbox.world_mut().cluster_mut(CLUSTER)?;
            cluster.advance_to(now);
            Some((new_events(cluster, &w, rv), cluster.resource_version()))
        }) else {
            break;
        };
        rv = next;
        if !send_chunks(stream, &events) {
            return false;
        }
    }
    http::end_chunked(stream).is_ok()
}

fn send_chunks(stream: &mut TcpStream, events: &[Value]) -> bool {
    for e in events {
        let mut line = serde_json::to_vec(e).unwrap_or_default();
        line.push(b'\n');
        if http::write_chunk(stream, &line).is_err() {
            return false;
        }
    }
    true
}

/// True when the client has closed its side (a read would return end of stream).
fn client_gone(stream: &TcpStream) -> bool {
    if stream.set_nonblocking(true).is_err() {
        return true;
    }
    let mut byte = [0u8; 1];
    let gone = match stream.peek(&mut byte) {
        Ok(0) => true,
        Ok(_) => false,
        Err(e) => e.kind() != std::io::ErrorKind::WouldBlock,
    };
    let _ = stream.set_nonblocking(false);
    gone
}

/// The events after `from` that the watch sees, as JSON lines.
fn new_events(cluster: &kubeniwa_core::Cluster, w: &Watch, from: u64) -> Vec<Value> {
    let events: Vec<WatchEvent> = cluster.events_since(from).filter(|e| w.matches_key(e)).cloned().collect();
    events
        .into_iter()
        .filter(|e| w.matches(e.object.value()))
        .map(|e| {
            let kind = match e.kind {
                WatchKind::Added => "ADDED",
                WatchKind::Modified => "MODIFIED",
                WatchKind::Deleted => "DELETED",
            };
            event_json(kind, render(cluster, w, with_type(w.rt, e.object.value().clone())))
        })
        .collect()
}

/// The object as the watcher asked for it: itself, or a one-row Table.
fn render(cluster: &kubeniwa_core::Cluster, w: &Watch, obj: Value) -> Value {
    if w.table {
        printers::table(cluster, w.rt, &[obj], cluster.resource_version())
    } else {
        obj
    }
}

fn event_json(kind: &str, object: Value) -> Value {
    json!({"type": kind, "object": object})
}

/// A BOOKMARK event; `initial_end` marks the end of the initial events of a
/// `sendInitialEvents=true` watch.
fn bookmark(rt: &ResourceType, rv: u64, initial_end: bool) -> Value {
    let mut meta = json!({"resourceVersion": rv.to_string()});
    if initial_end {
        meta["annotations"] = json!({"k8s.io/initial-events-end": "true"});
    }
    event_json("BOOKMARK", json!({"kind": rt.kind, "apiVersion": rt.api_version(), "metadata": meta}))
}

type ControlReply = (u16, &'static str, Vec<(&'static str, String)>, Vec<u8>);

/// `/kubeniwa/v1/...`: exec, clock, checkpoint, restore, and every stored object.
fn control_request(what: &str, req: &HttpRequest, owner: &Owner) -> ControlReply {
    let json_reply = |code: u16, v: Value| -> ControlReply { (code, "application/json", Vec::new(), serde_json::to_vec(&v).unwrap_or_default()) };
    let bad = |code: u16, message: &str| -> ControlReply { (code, "application/json", Vec::new(), status_body(code, reason_for(code), message)) };
    let body_json = || -> Option<Value> { serde_json::from_slice(&req.body).ok() };
    match (req.method.as_str(), what) {
        ("POST", "exec") => {
            let text = String::from_utf8_lossy(&req.body).into_owned();
            let line = match body_json() {
                Some(Value::Object(m)) => match m.get("command").and_then(Value::as_str) {
                    Some(c) => c.to_string(),
                    None => return bad(400, "expected {\"command\": \"...\"} or a command line"),
                },
                _ => text,
            };
            match owner.call(move |st| {
                st.tick();
                let out = st.sandbox.run_line(&line);
                st.last_tick = Instant::now();
                out
            }) {
                Some(out) => (200, "text/plain; charset=utf-8", vec![("X-Kubeniwa-Exit-Status", out.status.to_string())], out.text.into_bytes()),
                None => bad(500, "the sandbox stopped"),
            }
        }
        ("GET", "clock") => json_reply(200, owner.call(|st| st.clock()).unwrap_or(Value::Null)),
        ("POST", "clock") => {
            let Some(Value::Object(m)) = body_json() else {
                return bad(400, "expected {\"advance_ms\": N}, {\"to_ms\": T} or {\"paused\": true|false}");
            };
            let advance = m.get("advance_ms").map(|v| v.as_u64().ok_or(()));
            let to = m.get("to_ms").map(|v| v.as_u64().ok_or(()));
            let paused = m.get("paused").map(|v| v.as_bool().ok_or(()));
            if advance.is_none() && paused.is_none() && to.is_none() || matches!(advance, Some(Err(_))) || matches!(paused, Some(Err(_))) || matches!(to, Some(Err(_))) {
                return bad(400, "expected {\"advance_ms\": N}, {\"to_ms\": T} or {\"paused\": true|false}");
            }
            let advance = advance.and_then(Result::ok);
            let to = to.and_then(Result::ok);
            let paused = paused.and_then(Result::ok);
            json_reply(
                200,
                owner
                    .call(move |st| {
                        st.tick();
                        if let Some(p) = paused {
                            st.paused = p;
                        }
                        if let Some(ms) = advance {
                            st.sandbox.advance(ms);
                        }
                        // Time only goes forward: a target in the past changes nothing.
                        if let Some(t) = to {
                            let now = st.sandbox.world().now();
                            st.sandbox.advance(t.saturating_sub(now));
                        }
                        st.clock()
                    })
                    .unwrap_or(Value::Null),
            )
        }
        ("GET", "objects") => match owner.call(|st| {
            let cluster = st.sandbox.world().cluster(CLUSTER)?;
            let objects: Vec<Value> = cluster.objects().map(|(k, o)| json!({"resource": k.resource, "namespace": k.namespace, "name": k.name, "object": o})).collect();
            Some(Value::Array(objects))
        }) {
            Some(Some(objects)) => json_reply(200, objects),
            _ => bad(404, "the cluster is gone"),
        },
        ("POST", "checkpoint") => json_reply(
            200,
            owner
                .call(|st| {
                    st.checkpoint = Some(st.sandbox.world().checkpoint());
                    st.clock()
                })
                .unwrap_or(Value::Null),
        ),
        ("POST", "restore") => match owner.call(|st| match st.checkpoint.clone() {
            Some(c) => {
                st.sandbox.world_mut().restore(c);
                Some(st.clock())
            }
            None => None,
        }) {
            Some(Some(clock)) => json_reply(200, clock),
            _ => bad(409, "no checkpoint to restore"),
        },
        (_, "exec" | "clock" | "checkpoint" | "restore" | "objects") => bad(405, "method not allowed"),
        _ => bad(404, "no such control endpoint"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn req(path: &str, query: &[(&str, &str)]) -> Request {
        let mut r = Request::get(path);
        for (k, v) in query {
            r = r.query(k, *v);
        }
        r
    }

    #[test]
    fn watch_paths() {
        assert!(watch_request(&req("/api/v1/namespaces/default/pods", &[])).is_none());
        let w = watch_request(&req("/api/v1/namespaces/default/pods", &[("watch", "true")])).unwrap().unwrap();
        assert_eq!((w.rt.plural, w.namespace.as_deref(), w.name.as_deref()), ("pods", Some("default"), None));
        let w = watch_request(&req("/apis/apps/v1/watch/namespaces/ns/deployments/web", &[])).unwrap().unwrap();
        assert_eq!((w.rt.plural, w.namespace.as_deref(), w.name.as_deref()), ("deployments", Some("ns"), Some("web")));
        let e = watch_request(&req("/api/v1/nothings", &[("watch", "1")])).unwrap().err().unwrap();
        assert_eq!(e.code, 404);
        let e = watch_request(&req("/api/v1/pods", &[("watch", "1"), ("labelSelector", "a in (")])).unwrap().err().unwrap();
        assert_eq!(e.code, 400);
    }
}
