//! Commands that keep running: `get -w`, `logs -f`, `rollout status`, `port-forward`.
//!
//! Each starts like any command (prints what there is now), then, when the terminal
//! lets it ([`crate::Backend::can_hold`]), hands a [`Job`] to the backend that is
//! polled after every step of the simulated clock and prints what the real command
//! would print at that instant, until it ends by itself or is interrupted. Where it
//! cannot hold the terminal (in a pipeline or a script) it returns after the first
//! part, so a check never hangs.

use kubeniwa_core::resources::ResourceType;
use kubeniwa_core::{ApiError, Request};
use kubeniwa_format::table::TabWriter;
use serde_json::Value;

use crate::get::{table_lines, Selection, TableOpts, TABLE_ACCEPT};
use crate::{server_error, Backend, Ctx, Fail, Job, Outcome};

/// How a watch prints each object, keeping state across events as kubectl's printer
/// does: the table's header once, column widths remembered across flushes, `---`
/// between YAML documents.
struct Printer {
    rt: &'static ResourceType,
    format: Format,
    tw: TabWriter,
    header_done: bool,
    count: usize,
}

enum Format {
    Table(TableOpts),
    Yaml,
    Json,
    Name,
    JsonPath(String),
}

impl Printer {
    fn is_table(&self) -> bool {
        matches!(self.format, Format::Table(_))
    }

    /// Prints a one-or-more-row Table (table formats) or one object (the others).
    fn print(&mut self, v: &Value, out: &mut String) {
        match &self.format {
            Format::Table(opts) => {
                let columns = v["columnDefinitions"].as_array().cloned().unwrap_or_default();
                let rows = v["rows"].as_array().cloned().unwrap_or_default();
                // An empty table prints nothing, not even its header.
                if rows.is_empty() {
                    return;
                }
                let header = !self.header_done && !opts.no_headers;
                self.header_done = true;
                for line in table_lines(opts, self.rt, &columns, &rows, header) {
                    self.tw.write(&line.join("\t"));
                    self.tw.write("\n");
                }
                self.tw.flush();
                out.push_str(&self.tw.take_output());
            }
            Format::Yaml => {
                if self.count > 0 {
                    out.push_str("---\n");
                }
                out.push_str(&kubeniwa_format::yaml::to_string(v));
            }
            Format::Json => {
                out.push_str(&kubeniwa_format::json::to_string_pretty(v));
                if !out.ends_with('\n') {
                    out.push('\n');
                }
            }
            Format::Name => out.push_str(&format!("{}/{}\n", self.rt.kind_group(), v["metadata"]["name"].as_str().unwrap_or(""))),
            Format::JsonPath(t) => {
                if let Ok(text) = kubeniwa_format::jsonpath::print_jsonpath(t, v) {
                    out.push_str(&text);
                }
            }
        }
        self.count += 1;
    }
}

/// `kubectl get TYPE [NAME] -w | --watch-only`: prints the current objects (not with
/// `--watch-only`), then one line (or document) per watch event.
pub(crate) fn get_watch(ctx: &mut Ctx, sel: &Selection) -> Outcome {
    if sel.groups.len() != 1 {
        return Err(Fail::Text("error: you may only specify a single resource type\n".into()));
    }
    let (rt, names) = (sel.groups[0].0, sel.groups[0].1.clone());
    let all_ns = ctx.flags.flag("all-namespaces");
    let ns = if rt.namespaced && !all_ns { Some(ctx.namespace.clone()) } else { None };
    let output = ctx.flags.get("output").unwrap_or("").to_string();
    let format = match output.split_once('=') {
        Some(("jsonpath", t)) => Format::JsonPath(t.to_string()),
        _ => match output.as_str() {
            "yaml" => Format::Yaml,
            "json" => Format::Json,
            "name" => Format::Name,
            o => Format::Table(TableOpts::from_flags(ctx, false, all_ns && rt.namespaced, o == "wide")),
        },
    };
    let mut printer = Printer { rt, format, tw: TabWriter::kubectl_get(), header_done: false, count: 0 };
    let watch_only = ctx.flags.flag("watch-only");
    let name = names.first().cloned();
    let mut selectors: Vec<(String, String)> = Vec::new();
    if let Some(l) = ctx.flags.get("selector") {
        selectors.push(("labelSelector".into(), l.to_string()));
    }
    let mut fields: Vec<String> = ctx.flags.get("field-selector").map(|f| vec![f.to_string()]).unwrap_or_default();
    if let Some(n) = &name {
        fields.push(format!("metadata.name={n}"));
    }
    if !fields.is_empty() {
        selectors.push(("fieldSelector".into(), fields.join(",")));
    }
    // The current state: one object, or the list (whose resourceVersion the watch
    // starts from).
    let mut req = match &name {
        Some(n) => Request::get(rt.object_path(ns.as_deref(), n)),
        None => {
            let mut r = Request::get(rt.collection_path(ns.as_deref()));
            for (k, v) in &selectors {
                r = r.query(k, v.clone());
            }
            r.query("limit", "500")
        }
    };
    if printer.is_table() {
        req = req.accept(TABLE_ACCEPT);
    }
    let body = match ctx.call(req)? {
        Ok(b) => b,
        Err(e) if e.reason == "NotFound" && ctx.flags.flag("ignore-not-found") => return Ok(()),
        Err(e) => return Err(Fail::Text(server_error(&e))),
    };
    let mut out = String::new();
    let rv = if name.is_some() { "0".to_string() } else { body["metadata"]["resourceVersion"].as_str().unwrap_or("0").to_string() };
    if !watch_only {
        if printer.is_table() {
            printer.print(&body, &mut out);
        } else if name.is_some() {
            printer.print(&body, &mut out);
        } else {
            for item in body["items"].as_array().cloned().unwrap_or_default() {
                printer.print(&kubeniwa_core::apiserver::with_type(rt, item), &mut out);
            }
        }
    }
    ctx.io.out(out);
    if !ctx.backend.can_hold() {
        return Ok(());
    }
    let job = WatchJob {
        server: ctx.server.clone().unwrap_or_default(),
        path: rt.collection_path(ns.as_deref()),
        selectors,
        rv,
        // A watch on one object starts with a synthetic ADDED event for it, which
        // kubectl does not print (it printed the object already).
        skip_first: name.is_some(),
        printer,
    };
    ctx.backend.hold(Box::new(job));
    Ok(())
}

struct WatchJob {
    server: String,
    path: String,
    selectors: Vec<(String, String)>,
    rv: String,
    skip_first: bool,
    printer: Printer,
}

impl Job for WatchJob {
    fn poll(&mut self, backend: &mut dyn Backend, out: &mut String) -> Option<i32> {
        let mut req = Request::get(self.path.clone()).query("watch", "true").query("resourceVersion", self.rv.clone());
        for (k, v) in &self.selectors {
            req = req.query(k, v.clone());
        }
        if self.printer.is_table() {
            req = req.accept(TABLE_ACCEPT);
        }
        let r = backend.send(&self.server, &req)?;
        if !r.is_success() {
            out.push_str(&server_error(&ApiError::from_status(r.code, &r.body)));
            return Some(1);
        }
        let skip = std::mem::take(&mut self.skip_first);
        if !skip {
            for ev in r.body["items"].as_array().into_iter().flatten() {
                self.printer.print(&ev["object"], out);
            }
        }
        if let Some(rv) = r.body["metadata"]["resourceVersion"].as_str() {
            self.rv = rv.to_string();
        }
        None
    }
}

/// `kubectl logs -f`: after the log so far, new lines as the container writes them,
/// until that container stops.
pub(crate) fn follow_logs(ctx: &mut Ctx, pod_path: &str, container: &str, pod: &Value, query: Vec<(String, String)>) -> Outcome {
    if container_status(pod, container)["state"]["running"].is_null() || !ctx.backend.can_hold() {
        return Ok(());
    }
    // Where the printed log ends (with `--tail`, only the end was printed).
    hold_logs_job(ctx, pod_path, container, pod, query)
}

/// `kubectl attach` without a terminal session: only what the container writes from
/// now on, until it stops.
pub(crate) fn follow_new_output(ctx: &mut Ctx, pod_path: &str, container: &str, pod: &Value) -> Outcome {
    if !ctx.backend.can_hold() {
        return Ok(());
    }
    hold_logs_job(ctx, pod_path, container, pod, vec![("container".to_string(), container.to_string())])
}

fn container_status(pod: &Value, container: &str) -> Value {
    pod["status"]["containerStatuses"].as_array().into_iter().flatten().find(|c| c["name"] == container).cloned().unwrap_or(Value::Null)
}

/// Holds a [`LogsJob`] that prints what the container writes after the log `query`
/// reads now (nothing when that read fails).
fn hold_logs_job(ctx: &mut Ctx, pod_path: &str, container: &str, pod: &Value, query: Vec<(String, String)>) -> Outcome {
    let mut req = Request::get(format!("{pod_path}/log"));
    for (k, v) in &query {
        req = req.query(k, v.clone());
    }
    let seen = match ctx.call(req)? {
        Ok(t) => t.as_str().unwrap_or("").len(),
        Err(_) => return Ok(()),
    };
    let job = LogsJob {
        server: ctx.server.clone().unwrap_or_default(),
        pod_path: pod_path.to_string(),
        uid: pod["metadata"]["uid"].clone(),
        container: container.to_string(),
        restarts: container_status(pod, container)["restartCount"].as_i64().unwrap_or(0),
        query,
        seen,
    };
    ctx.backend.hold(Box::new(job));
    Ok(())
}

struct LogsJob {
    server: String,
    pod_path: String,
    uid: Value,
    container: String,
    restarts: i64,
    query: Vec<(String, String)>,
    seen: usize,
}

impl LogsJob {
    fn log(&self, backend: &mut dyn Backend, previous: bool) -> Option<String> {
        let mut req = Request::get(format!("{}/log", self.pod_path));
        for (k, v) in &self.query {
            req = req.query(k, v.clone());
        }
        if previous {
            req = req.query("previous", "true");
        }
        let r = backend.send(&self.server, &req)?;
        r.is_success().then(|| r.body.as_str().unwrap_or("").to_string())
    }

    fn print_new(&mut self, text: &str, out: &mut String) {
        if text.len() > self.seen && text.is_char_boundary(self.seen) {
            out.push_str(&text[self.seen..]);
        }
        self.seen = self.seen.max(text.len());
    }
}

impl Job for LogsJob {
    fn poll(&mut self, backend: &mut dyn Backend, out: &mut String) -> Option<i32> {
        let r = backend.send(&self.server, &Request::get(self.pod_path.clone()))?;
        if !r.is_success() || r.body["metadata"]["uid"] != self.uid {
            return Some(0);
        }
        let status = container_status(&r.body, &self.container);
        let restarted = status["restartCount"].as_i64().unwrap_or(0) != self.restarts;
        // The followed container has stopped: its last words, then the stream ends.
        if restarted || status["state"]["running"].is_null() {
            if let Some(text) = self.log(backend, restarted) {
                self.print_new(&text, out);
            }
            return Some(0);
        }
        if let Some(text) = self.log(backend, false) {
            self.print_new(&text, out);
        }
        None
    }
}

/// `kubectl rollout status` that holds the terminal: one line per new state of the
/// rollout until it is done.
pub(crate) fn hold_rollout_status(ctx: &mut Ctx, rt: &'static ResourceType, name: &str, last: String) {
    let job = RolloutJob { server: ctx.server.clone().unwrap_or_default(), path: rt.object_path(Some(&ctx.namespace), name), name: name.to_string(), last };
    ctx.backend.hold(Box::new(job));
}

struct RolloutJob {
    server: String,
    path: String,
    name: String,
    last: String,
}

impl Job for RolloutJob {
    fn poll(&mut self, backend: &mut dyn Backend, out: &mut String) -> Option<i32> {
        let r = backend.send(&self.server, &Request::get(self.path.clone()))?;
        if !r.is_success() {
            out.push_str(&server_error(&ApiError::from_status(r.code, &r.body)));
            return Some(1);
        }
        let (msg, done) = crate::mutate::rollout_status_message(&r.body, &self.name);
        if msg.starts_with("error: ") {
            out.push_str(&msg);
            return Some(1);
        }
        if msg != self.last {
            out.push_str(&msg);
            self.last = msg;
        }
        done.then_some(0)
    }
}

/// `kubectl port-forward` that holds the terminal until Ctrl-C, or until its pod goes.
pub(crate) fn hold_forward(ctx: &mut Ctx, namespace: &str, pod: &Value, ports: &[u16]) {
    let job = ForwardJob {
        server: ctx.server.clone().unwrap_or_default(),
        pod_path: format!("/api/v1/namespaces/{namespace}/pods/{}", pod["metadata"]["name"].as_str().unwrap_or("")),
        uid: pod["metadata"]["uid"].clone(),
        ports: ports.to_vec(),
    };
    ctx.backend.hold(Box::new(job));
}

struct ForwardJob {
    server: String,
    pod_path: String,
    uid: Value,
    ports: Vec<u16>,
}

impl Job for ForwardJob {
    fn poll(&mut self, backend: &mut dyn Backend, out: &mut String) -> Option<i32> {
        let gone = match backend.send(&self.server, &Request::get(self.pod_path.clone())) {
            Some(r) => !r.is_success() || r.body["metadata"]["uid"] != self.uid || !r.body["metadata"]["deletionTimestamp"].is_null(),
            None => true,
        };
        if !gone {
            return None;
        }
        backend.stop_port_forward(&self.ports);
        out.push_str("error: lost connection to pod\n");
        Some(1)
    }

    fn interrupt(&mut self, backend: &mut dyn Backend) {
        backend.stop_port_forward(&self.ports);
    }
}
