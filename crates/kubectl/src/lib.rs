//! kubectl, emulated: parses arguments as kubectl does, talks to the API server only
//! through HTTP-shaped requests, and prints exactly what kubectl v1.35 prints.

use kubeniwa_core::time::Millis;
use kubeniwa_core::{ApiError, Request, Response};
use kubeniwa_shell::Io;

mod apply;
mod attach;
mod verbose;
mod auth;
pub mod complete;
mod create_gen;
mod explain;
mod delete;
mod describe;
mod debug;
mod diff;
mod drain;
mod edit;
mod events;
mod exec;
mod follow;
mod forward;
pub mod flags;
mod get;
pub mod kubeconfig;
mod misc;
mod mutate;
mod replace;
mod set;
mod wait;

use flags::{boolean, val, Parsed};

/// The client version this kubectl reports.
pub const CLIENT_VERSION: &str = "v1.35.2";

/// What kubectl needs from the world around it.
pub trait Backend {
    /// Sends a request to the API server at `server` (`https://127.0.0.1:PORT`).
    /// `None` when nothing listens there (connection refused).
    fn send(&mut self, server: &str, req: &Request) -> Option<Response>;
    /// The simulated instant (for log timestamps).
    fn now(&self) -> Millis;
    /// Lets simulated time pass while kubectl waits (e.g. `delete` waiting for the
    /// object to be gone).
    fn wait(&mut self, millis: Millis);
    /// Runs a command in a container (the exec subresource's stream, which real
    /// kubectl upgrades to SPDY/WebSocket). `interactive` asks for a terminal session
    /// that continues after this command returns.
    fn exec(&mut self, server: &str, target: &ExecTarget, argv: &[String], stdin: &[u8], mode: ExecMode) -> ExecReply;
    /// Starts forwarding `localhost:LOCAL` to the pod's `REMOTE` port (the
    /// portforward subresource's stream). Returns the error text kubectl prints.
    fn port_forward(&mut self, server: &str, namespace: &str, pod: &str, ports: &[(u16, u16)]) -> Result<(), String>;
    /// Stops forwarding these local ports (a port-forward that held the terminal
    /// was interrupted or lost its pod).
    fn stop_port_forward(&mut self, ports: &[u16]) {
        let _ = ports;
    }
    /// Whether this command may keep the terminal after it returns, running on as
    /// simulated time passes ([`Job`]). Only a command typed alone at the learner's
    /// prompt may; in a pipeline, a script or a check, long-running commands print
    /// what they have and return.
    fn can_hold(&self) -> bool {
        false
    }
    /// Keeps `job` running in the terminal's foreground (only after `can_hold`).
    fn hold(&mut self, job: Box<dyn Job>) {
        let _ = job;
    }
    /// Whether the terminal sits next to an editor that `kubectl edit` may open its
    /// file in when neither `$KUBE_EDITOR` nor `$EDITOR` is set (the web page). The
    /// command then holds the terminal until the learner closes the file
    /// ([`Job::editing`], [`Job::editor_closed`]).
    fn page_editor(&self) -> bool {
        false
    }
    /// `GET url` from the learner's machine, redirects followed (`-f URL`, as
    /// kubectl's resource builder reads it). Without a network, no host resolves.
    fn get_url(&mut self, url: &str) -> UrlReply {
        let host = url.split("://").nth(1).unwrap_or("").split(['/', ':', '?']).next().unwrap_or("");
        UrlReply::Error(format!("dial tcp: lookup {host} on 127.0.0.53:53: no such host"))
    }
}

/// What an HTTP GET returned.
#[derive(Debug, Clone, PartialEq)]
pub enum UrlReply {
    /// 200 with this body.
    Body(String),
    /// Another status: code and Go's `resp.Status` (`404 Not Found`).
    Status(u16, String),
    /// The request failed (Go's error text without `Get "URL": `).
    Error(String),
}

/// A command that keeps running in the terminal's foreground after [`run`] returned
/// (`get -w`, `logs -f`, `port-forward`, `rollout status`, `events -w`), until it
/// ends by itself or is interrupted with Ctrl-C.
pub trait Job: Send {
    /// Called after each step of the simulated clock: appends what the command
    /// printed (stdout and stderr as the terminal interleaves them) and returns its
    /// exit status once it has ended by itself.
    fn poll(&mut self, backend: &mut dyn Backend, out: &mut String) -> Option<i32>;
    /// Ctrl-C: what the command does as it dies (a port-forward stops listening).
    fn interrupt(&mut self, backend: &mut dyn Backend) {
        let _ = backend;
    }
    /// An instant at which the command wants to look again although nothing changed
    /// in the cluster (a retry after 5s, a once-a-second check).
    fn next_wake(&self) -> Option<Millis> {
        None
    }
    /// The file the command waits for the learner to edit in the page's editor
    /// (`kubectl edit`), if it is waiting for one.
    fn editing(&self) -> Option<String> {
        None
    }
    /// The learner closed the editor; `vfs` holds the file as they left it. Appends
    /// what the command printed and returns its exit status once it has ended, or
    /// `None` when it waits for the editor again (it rewrote the file to reopen it).
    fn editor_closed(&mut self, backend: &mut dyn Backend, vfs: &mut kubeniwa_shell::Vfs, out: &mut String) -> Option<i32> {
        let _ = (backend, vfs, out);
        None
    }
}

/// The container an exec goes to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExecTarget {
    pub namespace: String,
    pub pod: String,
    pub container: String,
}

/// How an exec runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExecMode {
    /// `kubectl exec` without a terminal: run and return.
    Run,
    /// `kubectl exec -it ... -- sh`: the terminal now talks to that shell.
    Interactive,
    /// `kubectl run --rm -it --command -- ...`: the container's own command, which
    /// may already have finished.
    Attach,
    /// `kubectl debug -it`: a session with the ephemeral container's shell; when it
    /// ends, the container ends and kubectl says how to reattach.
    AttachEphemeral,
    /// `kubectl attach -it`: a session with the shell a container runs on stdin; when
    /// it ends, the shell has exited (the container stops, and restarts as its pod's
    /// policy says) and kubectl says how to resume.
    AttachMain,
}

/// What an exec produced.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ExecReply {
    Done { output: String, status: i32 },
    /// An interactive session was opened; the terminal switches to it.
    Session,
    /// kubectl's error text (without trailing newline).
    Failed(String),
}

/// An error kubectl prints before exiting with status 1.
#[derive(Debug)]
pub(crate) enum Fail {
    /// `error: MESSAGE` (plus an optional usage hint line).
    Usage { message: String, command: String },
    /// Printed as is.
    Text(String),
    /// Already printed; exit 1.
    Silent,
    /// Printed as is, exiting with `status` (`exec`'s remote exit code).
    Exit { text: String, status: i32 },
}

pub(crate) type Outcome = Result<(), Fail>;

/// One invocation's context: the chosen cluster and namespace.
pub(crate) struct Ctx<'a, 'b> {
    pub backend: &'a mut dyn Backend,
    pub io: &'a mut Io<'b>,
    pub server: Option<String>,
    pub namespace: String,
    /// Whether `-n` was given (apply checks manifests against it).
    pub namespace_explicit: bool,
    pub flags: Parsed,
}

impl Ctx<'_, '_> {
    /// Sends a request; connection failures become kubectl's message.
    pub fn send(&mut self, req: Request) -> Result<Response, Fail> {
        self.send_warning(req, true)
    }

    fn send_warning(&mut self, req: Request, print_warnings: bool) -> Result<Response, Fail> {
        let Some(server) = self.server.clone() else {
            return Err(self.refused("http://localhost:8080", "localhost:8080"));
        };
        let v = verbose::level(&self.flags);
        let sent_at = self.backend.now();
        verbose::request(self.io, v, sent_at, &server, &req);
        match self.backend.send(&server, &req) {
            Some(r) => {
                let now = self.backend.now();
                verbose::response(self.io, v, now, now.saturating_sub(sent_at), &server, &req, &r);
                // Warning headers, as client-go's default warning handler prints them.
                for w in r.warnings.iter().filter(|_| print_warnings) {
                    self.io.err(format!("Warning: {w}\n"));
                }
                Ok(r)
            }
            None => {
                let host = server.trim_start_matches("https://").trim_start_matches("http://").to_string();
                Err(self.refused(&server, &host))
            }
        }
    }

    /// What kubectl prints when nothing listens: discovery errors, then the summary.
    fn refused(&mut self, url: &str, host: &str) -> Fail {
        let now = self.backend.now();
        let port = host.rsplit(':').next().unwrap_or("8080");
        let dial_host = if host.starts_with("localhost") { format!("127.0.0.1:{port}") } else { host.to_string() };
        for i in 0..5u64 {
            let line = format!(
                "{} memcache.go:265] \"Unhandled Error\" err=\"couldn't get current server API group list: Get \\\"{url}/api?timeout=32s\\\": dial tcp {dial_host}: connect: connection refused\"\n",
                klog_header('E', now + i * 3)
            );
            self.io.err(line);
        }
        Fail::Text(format!("The connection to the server {host} was refused - did you specify the right host or port?\n"))
    }

    /// Sends a request and turns a `Status` failure into an `ApiError`.
    pub fn call(&mut self, req: Request) -> Result<Result<serde_json::Value, ApiError>, Fail> {
        self.call_warning(req, true)
    }

    /// [`Ctx::call`] for a request the real kubectl does not make (a stand-in read):
    /// its warnings are not the learner's to see.
    pub fn call_quiet(&mut self, req: Request) -> Result<Result<serde_json::Value, ApiError>, Fail> {
        self.call_warning(req, false)
    }

    fn call_warning(&mut self, req: Request, print_warnings: bool) -> Result<Result<serde_json::Value, ApiError>, Fail> {
        let r = self.send_warning(req, print_warnings)?;
        if r.is_success() {
            Ok(Ok(r.body))
        } else {
            Ok(Err(ApiError::from_status(r.code, &r.body)))
        }
    }
}

/// klog's line header: `E1130 09:00:21.205109   12345`.
pub(crate) fn klog_header(level: char, now: Millis) -> String {
    let ts = kubeniwa_core::time::rfc3339(now);
    let micros = (now % 1000) * 1000 + 123;
    format!("{level}{}{} {}.{micros:06} {:>7}", &ts[5..7], &ts[8..10], &ts[11..19], 4242)
}

/// `Error from server (NotFound): pods "x" not found`, or for `Invalid` errors the
/// form kubectl's `CheckErr` gives them: `The Pod "x" is invalid: ...`, one cause per
/// line when there are several.
pub(crate) fn server_error(e: &ApiError) -> String {
    server_error_in(e, None)
}

/// As [`server_error`], with kubectl's `error when creating "FILE": ` context.
pub(crate) fn server_error_in(e: &ApiError, context: Option<&str>) -> String {
    if e.reason == "Invalid" {
        if let Some(d) = &e.details {
            let kind = d["kind"].as_str().unwrap_or("");
            let name = d["name"].as_str().unwrap_or("");
            let head = format!("The {kind} {name:?} is invalid");
            let causes: Vec<String> = d["causes"]
                .as_array()
                .into_iter()
                .flatten()
                .map(|c| match c["field"].as_str() {
                    Some(f) if !f.is_empty() => format!("{f}: {}", c["message"].as_str().unwrap_or("")),
                    _ => c["message"].as_str().unwrap_or("").to_string(),
                })
                .collect();
            return match causes.len() {
                0 => format!("{head}\n"),
                1 => format!("{head}: {}\n", causes[0]),
                _ => format!("{head}: \n{}\n", causes.iter().map(|c| format!("* {c}")).collect::<Vec<_>>().join("\n")),
            };
        }
    }
    match context {
        Some(ctx) => format!("Error from server ({}): {ctx}: {}\n", e.reason, e.message),
        None => format!("Error from server ({}): {}\n", e.reason, e.message),
    }
}

/// Runs `kubectl ARGS...` (without the word `kubectl`). Returns the exit status.
pub fn run(args: &[String], backend: &mut dyn Backend, io: &mut Io<'_>) -> i32 {
    // The command is the first word that is not a global flag or its value
    // (`kubectl -n default get pods`, `kubectl --context kind-kind get nodes`).
    let mut pos = None;
    let mut i = 0;
    while i < args.len() {
        let a = args[i].as_str();
        if !a.starts_with('-') {
            pos = Some(i);
            break;
        }
        let takes_value = flags::GLOBAL.iter().any(|f| {
            f.takes_value && (a == format!("--{}", f.long) || f.short.is_some_and(|c| a == format!("-{c}")))
        });
        i += if takes_value { 2 } else { 1 };
    }
    let Some(pos) = pos else {
        io.out(misc::ROOT_HELP);
        return 0;
    };
    let command = args[pos].clone();
    let known = [
        "get", "describe", "apply", "create", "delete", "run", "scale", "rollout", "label", "annotate", "set", "patch", "expose", "exec", "port-forward", "top", "diff", "logs", "version", "cluster-info", "config", "api-resources", "api-versions", "wait", "debug", "auth", "cordon", "uncordon", "drain", "events", "replace", "autoscale", "edit", "completion", "explain", "attach",
    ];
    if !known.contains(&command.as_str()) {
        let mut msg = format!("error: unknown command \"{command}\" for \"kubectl\"\n");
        if let Some(s) = misc::suggest(&command) {
            msg.push_str(&format!("\nDid you mean this?\n\t{s}\n"));
        }
        msg.push('\n');
        msg.push_str("Run 'kubectl --help' for usage.\n");
        io.err(msg);
        return 1;
    }
    let mut rest: Vec<String> = args[..pos].to_vec();
    rest.extend_from_slice(&args[pos + 1..]);
    // `kubectl create job ...`: the generator's own flags and help.
    let generator = if command == "create" { create_gen::find(&rest) } else { None };
    let generator_flags = generator.map(|g| create_gen::flags_of(g.help));
    let specs = generator_flags.as_deref().unwrap_or(command_flags(&command));
    let usage_name = generator.map(|g| format!("create {}", g.name)).unwrap_or_else(|| command.clone());
    let parsed = match flags::parse(&rest, specs) {
        Ok(p) => p,
        Err(e) => {
            io.err(format!("error: {e}\nSee 'kubectl {usage_name} --help' for usage.\n"));
            return 1;
        }
    };
    if parsed.flag("help") {
        let help = match command.as_str() {
            "auth" if parsed.args.first().is_some_and(|a| a == "can-i") => auth::CAN_I_HELP,
            "auth" if parsed.args.first().is_some_and(|a| a == "whoami") => auth::WHOAMI_HELP,
            "auth" => auth::AUTH_HELP,
            _ => generator.map(|g| g.help).or_else(|| parsed.args.first().and_then(|sub| misc::sub_help(&command, sub))).unwrap_or_else(|| misc::help(&command)),
        };
        io.out(help);
        return 0;
    }
    // The kubeconfig decides where requests go.
    let path = parsed.get("kubeconfig").map(String::from).unwrap_or_else(|| kubeconfig::path(io.env));
    let path = io.resolve(&path);
    let text = io.vfs.read(&path).map(|b| String::from_utf8_lossy(b).into_owned()).unwrap_or_default();
    let config = match kubeconfig::KubeConfig::parse(&text, &path) {
        Ok(c) => c,
        Err(e) => {
            io.err(format!("error: {e}\n"));
            return 1;
        }
    };
    let target = match config.target(parsed.get("context")) {
        Ok(t) => t,
        Err(e) if command != "config" => {
            io.err(format!("error: {e}\n"));
            return 1;
        }
        Err(_) => None,
    };
    let namespace = parsed
        .get("namespace")
        .map(String::from)
        .or_else(|| target.as_ref().and_then(|t| t.namespace.clone()))
        .unwrap_or_else(|| "default".into());
    verbose::preamble(io, verbose::level(&parsed), backend.now(), &path);
    let mut ctx = Ctx {
        backend,
        io,
        server: parsed.get("server").map(String::from).or_else(|| target.as_ref().map(|t| t.server.clone())),
        namespace,
        namespace_explicit: parsed.has("namespace"),
        flags: parsed,
    };
    let result = match command.as_str() {
        "get" => get::run(&mut ctx),
        "describe" => describe::run(&mut ctx),
        "apply" => apply::run(&mut ctx, apply::Mode::Apply),
        "create" if generator.is_some() => create_gen::run(&mut ctx, generator.expect("checked")),
        "create" if ctx.flags.all("filename").is_empty() && !ctx.flags.args.is_empty() => Err(create_gen::unexpected_args(&ctx.flags.args)),
        "create" => apply::run(&mut ctx, apply::Mode::Create),
        "scale" => mutate::scale(&mut ctx),
        "rollout" => mutate::rollout(&mut ctx),
        "label" => mutate::label(&mut ctx, "labels"),
        "annotate" => mutate::label(&mut ctx, "annotations"),
        "set" => mutate::set(&mut ctx),
        "patch" => mutate::patch(&mut ctx),
        "expose" => mutate::expose(&mut ctx),
        "exec" => exec::run(&mut ctx),
        "attach" => attach::run(&mut ctx),
        "port-forward" => forward::run(&mut ctx),
        "top" => misc::top(&mut ctx),
        "debug" => debug::run(&mut ctx),
        "diff" => diff::run(&mut ctx),
        "delete" => delete::run(&mut ctx),
        "run" => misc::run_pod(&mut ctx),
        "logs" => misc::logs(&mut ctx),
        "version" => misc::version(&mut ctx),
        "cluster-info" => misc::cluster_info(&mut ctx),
        "config" => misc::config(&mut ctx, &path, config),
        "api-resources" => misc::api_resources(&mut ctx),
        "api-versions" => misc::api_versions(&mut ctx),
        "auth" => auth::run(&mut ctx),
        "completion" => misc::completion(&mut ctx),
        "wait" => wait::run(&mut ctx),
        "cordon" => drain::cordon(&mut ctx, true),
        "uncordon" => drain::cordon(&mut ctx, false),
        "drain" => drain::drain(&mut ctx),
        "events" => events::run(&mut ctx),
        "replace" => replace::replace(&mut ctx),
        "autoscale" => replace::autoscale(&mut ctx),
        "edit" => edit::run(&mut ctx),
        "explain" => explain::run(&mut ctx),
        _ => Ok(()),
    };
    match result {
        Ok(()) => 0,
        Err(fail) => report(fail, ctx.io),
    }
}

/// Prints a failure as kubectl does and returns the exit status.
pub(crate) fn report(fail: Fail, io: &mut Io<'_>) -> i32 {
    match fail {
        Fail::Usage { message, command } => {
            io.err(format!("error: {message}\nSee 'kubectl {command} -h' for help and examples\n"));
            1
        }
        Fail::Text(t) => {
            io.err(t);
            1
        }
        Fail::Silent => 1,
        Fail::Exit { text, status } => {
            io.err(text);
            status
        }
    }
}

fn command_flags(command: &str) -> &'static [flags::Flag] {
    match command {
        "get" => GET_FLAGS,
        "apply" => APPLY_FLAGS,
        "create" => CREATE_FLAGS,
        "delete" => DELETE_FLAGS,
        "run" => RUN_FLAGS,
        "logs" => LOGS_FLAGS,
        "describe" => DESCRIBE_FLAGS,
        "scale" => SCALE_FLAGS,
        "rollout" => ROLLOUT_FLAGS,
        "label" | "annotate" => LABEL_FLAGS,
        "set" => SET_FLAGS,
        "patch" => PATCH_FLAGS,
        "expose" => EXPOSE_FLAGS,
        "exec" => EXEC_FLAGS,
        "attach" => ATTACH_FLAGS,
        "port-forward" => FORWARD_FLAGS,
        "diff" => DIFF_FLAGS,
        "version" => VERSION_FLAGS,
        "auth" => AUTH_FLAGS,
        "api-resources" => API_RESOURCES_FLAGS,
        "config" => CONFIG_FLAGS,
        "wait" => WAIT_FLAGS,
        "debug" => DEBUG_FLAGS,
        "top" => TOP_FLAGS,
        "cordon" | "uncordon" => CORDON_FLAGS,
        "drain" => DRAIN_FLAGS,
        "events" => EVENTS_FLAGS,
        "explain" => EXPLAIN_FLAGS,
        "replace" => REPLACE_FLAGS,
        "autoscale" => AUTOSCALE_FLAGS,
        "edit" => EDIT_FLAGS,
        _ => &[],
    }
}

const TOP_FLAGS: &[flags::Flag] = &[
    boolean("all-namespaces", Some('A')),
    val("selector", Some('l')),
    boolean("containers", None),
    boolean("no-headers", None),
    val("sort-by", None),
    boolean("use-protocol-buffers", None),
];

const DEBUG_FLAGS: &[flags::Flag] = &[
    val("image", None),
    val("target", None),
    val("container", Some('c')),
    boolean("stdin", Some('i')),
    boolean("tty", Some('t')),
    boolean("quiet", Some('q')),
    val("profile", None),
    val("image-pull-policy", None),
    boolean("arguments-only", None),
    boolean("attach", None),
];

const GET_FLAGS: &[flags::Flag] = &[
    val("output", Some('o')),
    val("selector", Some('l')),
    val("field-selector", None),
    boolean("all-namespaces", Some('A')),
    boolean("show-labels", None),
    boolean("show-managed-fields", None),
    val("label-columns", Some('L')),
    boolean("no-headers", None),
    val("sort-by", None),
    boolean("watch", Some('w')),
    boolean("watch-only", None),
    boolean("show-kind", None),
    val("filename", Some('f')),
    val("chunk-size", None),
    boolean("ignore-not-found", None),
];

const APPLY_FLAGS: &[flags::Flag] = &[
    val("filename", Some('f')),
    boolean("recursive", Some('R')),
    val("output", Some('o')),
    val("dry-run", None),
    val("field-manager", None),
    boolean("server-side", None),
    boolean("force-conflicts", None),
    val("validate", None),
    boolean("force", None),
    boolean("save-config", None),
];

const DELETE_FLAGS: &[flags::Flag] = &[
    val("filename", Some('f')),
    boolean("recursive", Some('R')),
    val("selector", Some('l')),
    boolean("all", None),
    boolean("all-namespaces", Some('A')),
    val("grace-period", None),
    boolean("force", None),
    boolean("now", None),
    val("wait", None),
    val("output", Some('o')),
    boolean("ignore-not-found", None),
    val("cascade", None),
    val("field-selector", None),
];

const RUN_FLAGS: &[flags::Flag] = &[
    val("image", None),
    val("port", None),
    val("labels", Some('l')),
    val("env", None),
    val("restart", None),
    boolean("command", None),
    boolean("stdin", Some('i')),
    boolean("tty", Some('t')),
    boolean("rm", None),
    val("dry-run", None),
    val("output", Some('o')),
    val("image-pull-policy", None),
    boolean("attach", None),
    val("overrides", None),
];

const LOGS_FLAGS: &[flags::Flag] = &[
    val("container", Some('c')),
    boolean("follow", Some('f')),
    boolean("previous", Some('p')),
    val("tail", None),
    boolean("timestamps", None),
    val("selector", Some('l')),
    boolean("all-containers", None),
    val("since", None),
    boolean("prefix", None),
];

const WAIT_FLAGS: &[flags::Flag] = &[
    val("for", None),
    val("timeout", None),
    val("selector", Some('l')),
    boolean("all", None),
    boolean("all-namespaces", Some('A')),
    val("field-selector", None),
    val("filename", Some('f')),
    boolean("recursive", Some('R')),
    val("output", Some('o')),
];

const AUTH_FLAGS: &[flags::Flag] = &[boolean("all-namespaces", Some('A')), boolean("list", None), boolean("no-headers", None), boolean("quiet", Some('q')), val("subresource", None), val("output", Some('o'))];
const CORDON_FLAGS: &[flags::Flag] = &[val("selector", Some('l')), val("dry-run", None)];
const DRAIN_FLAGS: &[flags::Flag] = &[
    val("selector", Some('l')),
    val("dry-run", None),
    boolean("force", None),
    boolean("ignore-daemonsets", None),
    boolean("delete-emptydir-data", None),
    boolean("disable-eviction", None),
    val("grace-period", None),
    val("timeout", None),
    val("pod-selector", None),
    val("skip-wait-for-delete-timeout", None),
    val("chunk-size", None),
];

const EXPLAIN_FLAGS: &[flags::Flag] = &[val("api-version", None), val("output", Some('o')), boolean("recursive", None)];

const EVENTS_FLAGS: &[flags::Flag] = &[
    boolean("all-namespaces", Some('A')),
    val("for", None),
    val("types", None),
    boolean("watch", Some('w')),
    boolean("no-headers", None),
    val("output", Some('o')),
    val("chunk-size", None),
];

const REPLACE_FLAGS: &[flags::Flag] = &[
    val("filename", Some('f')),
    boolean("recursive", Some('R')),
    boolean("force", None),
    val("grace-period", None),
    val("timeout", None),
    val("output", Some('o')),
    val("dry-run", None),
    val("validate", None),
    boolean("save-config", None),
];
const AUTOSCALE_FLAGS: &[flags::Flag] = &[
    val("min", None),
    val("max", None),
    val("cpu-percent", None),
    val("cpu", None),
    val("memory", None),
    val("name", None),
    val("dry-run", None),
    val("output", Some('o')),
    val("filename", Some('f')),
    boolean("save-config", None),
];

const EDIT_FLAGS: &[flags::Flag] = &[
    val("filename", Some('f')),
    val("output", Some('o')),
    boolean("output-patch", None),
    boolean("windows-line-endings", None),
    boolean("save-config", None),
    val("validate", None),
    val("field-manager", None),
    val("subresource", None),
    boolean("show-managed-fields", None),
];

const VERSION_FLAGS: &[flags::Flag] = &[boolean("client", None), val("output", Some('o'))];

const API_RESOURCES_FLAGS: &[flags::Flag] = &[boolean("namespaced", None), val("output", Some('o')), boolean("no-headers", None), val("api-group", None), val("verbs", None)];

const CONFIG_FLAGS: &[flags::Flag] = &[boolean("current", None), boolean("minify", None), boolean("raw", None), val("output", Some('o'))];
const DESCRIBE_FLAGS: &[flags::Flag] = &[
    val("filename", Some('f')),
    val("selector", Some('l')),
    boolean("all-namespaces", Some('A')),
    boolean("show-events", None),
    val("chunk-size", None),
    boolean("recursive", Some('R')),
];
const SCALE_FLAGS: &[flags::Flag] = &[val("replicas", None), val("current-replicas", None), val("filename", Some('f')), val("selector", Some('l')), boolean("all", None)];
const ROLLOUT_FLAGS: &[flags::Flag] = &[val("to-revision", None), val("revision", None), val("watch", Some('w')), val("timeout", None), val("output", Some('o'))];
const LABEL_FLAGS: &[flags::Flag] = &[boolean("overwrite", None), boolean("all", None), val("selector", Some('l')), val("filename", Some('f')), val("output", Some('o'))];
const SET_FLAGS: &[flags::Flag] = &[
    boolean("all", None),
    val("selector", Some('l')),
    val("filename", Some('f')),
    val("env", Some('e')),
    val("from", None),
    val("prefix", None),
    val("keys", None),
    boolean("list", None),
    boolean("resolve", None),
    boolean("overwrite", None),
    val("containers", Some('c')),
    val("limits", None),
    val("requests", None),
    val("dry-run", None),
    val("output", Some('o')),
    boolean("local", None),
];
const PATCH_FLAGS: &[flags::Flag] = &[val("patch", Some('p')), val("type", None), val("filename", Some('f')), val("output", Some('o'))];
const EXPOSE_FLAGS: &[flags::Flag] = &[val("port", None), val("target-port", None), val("type", None), val("name", None), val("protocol", None), val("selector", None), val("dry-run", None), val("output", Some('o'))];
const CREATE_FLAGS: &[flags::Flag] = &[
    val("filename", Some('f')),
    boolean("recursive", Some('R')),
    val("output", Some('o')),
    val("dry-run", None),
    val("field-manager", None),
    val("validate", None),
    boolean("save-config", None),
    val("image", None),
    val("replicas", Some('r')),
    val("port", None),
    val("from-literal", None),
    val("from-file", None),
    val("type", None),
];
const EXEC_FLAGS: &[flags::Flag] = &[val("container", Some('c')), boolean("stdin", Some('i')), boolean("tty", Some('t')), boolean("quiet", Some('q')), val("filename", Some('f')), val("pod-running-timeout", None)];
const ATTACH_FLAGS: &[flags::Flag] = &[val("container", Some('c')), boolean("stdin", Some('i')), boolean("tty", Some('t')), boolean("quiet", Some('q')), val("pod-running-timeout", None)];
const FORWARD_FLAGS: &[flags::Flag] = &[val("address", None), val("pod-running-timeout", None)];
const DIFF_FLAGS: &[flags::Flag] = &[val("filename", Some('f')), boolean("recursive", Some('R')), boolean("server-side", None), val("field-manager", None), val("selector", Some('l')), boolean("force-conflicts", None)];
