//! `kubectl create SUBCOMMAND`: the generators (`pkg/cmd/create/create_*.go`). Each
//! builds the object kubectl v1.35 builds from its flags, with the same validation
//! order and messages, then prints it (`--dry-run=client`) or POSTs it and prints the
//! server's answer (`job.batch/once created`, `-o yaml|json|name|jsonpath=...`).
//!
//! Every subcommand's flags come from its real help text (`data/help/create-*.txt`),
//! so unknown flags are refused exactly where the real kubectl refuses them.

use kubeniwa_core::resources::{self, ResourceType};
use kubeniwa_core::selectors::LabelSelector;
use kubeniwa_core::{ApiError, Method, Request};
use serde_json::{json, Map, Value};

use crate::flags::Flag;
use crate::{server_error, Ctx, Fail, Outcome};

/// One `kubectl create` subcommand.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Sub {
    /// The command path after `create` (`job`, `service clusterip`, `secret tls`).
    pub name: &'static str,
    pub help: &'static str,
    /// How many words name it (`service clusterip` is two).
    pub words: usize,
}

const fn sub(name: &'static str, help: &'static str, words: usize) -> Sub {
    Sub { name, help, words }
}

/// `(alias, subcommand)`: the words kubectl accepts after `create`.
const FIRST: &[(&str, Sub)] = &[
    ("clusterrole", sub("clusterrole", include_str!("../data/help/create-clusterrole.txt"), 1)),
    ("clusterrolebinding", sub("clusterrolebinding", include_str!("../data/help/create-clusterrolebinding.txt"), 1)),
    ("configmap", sub("configmap", include_str!("../data/help/create-configmap.txt"), 1)),
    ("cm", sub("configmap", include_str!("../data/help/create-configmap.txt"), 1)),
    ("cronjob", sub("cronjob", include_str!("../data/help/create-cronjob.txt"), 1)),
    ("cj", sub("cronjob", include_str!("../data/help/create-cronjob.txt"), 1)),
    ("deployment", sub("deployment", include_str!("../data/help/create-deployment.txt"), 1)),
    ("deploy", sub("deployment", include_str!("../data/help/create-deployment.txt"), 1)),
    ("ingress", sub("ingress", include_str!("../data/help/create-ingress.txt"), 1)),
    ("ing", sub("ingress", include_str!("../data/help/create-ingress.txt"), 1)),
    ("job", sub("job", include_str!("../data/help/create-job.txt"), 1)),
    ("namespace", sub("namespace", include_str!("../data/help/create-namespace.txt"), 1)),
    ("ns", sub("namespace", include_str!("../data/help/create-namespace.txt"), 1)),
    ("poddisruptionbudget", sub("poddisruptionbudget", include_str!("../data/help/create-poddisruptionbudget.txt"), 1)),
    ("pdb", sub("poddisruptionbudget", include_str!("../data/help/create-poddisruptionbudget.txt"), 1)),
    ("priorityclass", sub("priorityclass", include_str!("../data/help/create-priorityclass.txt"), 1)),
    ("pc", sub("priorityclass", include_str!("../data/help/create-priorityclass.txt"), 1)),
    ("quota", sub("quota", include_str!("../data/help/create-quota.txt"), 1)),
    ("resourcequota", sub("quota", include_str!("../data/help/create-quota.txt"), 1)),
    ("role", sub("role", include_str!("../data/help/create-role.txt"), 1)),
    ("rolebinding", sub("rolebinding", include_str!("../data/help/create-rolebinding.txt"), 1)),
    ("secret", sub("secret", include_str!("../data/help/create-secret.txt"), 1)),
    ("service", sub("service", include_str!("../data/help/create-service.txt"), 1)),
    ("svc", sub("service", include_str!("../data/help/create-service.txt"), 1)),
    ("serviceaccount", sub("serviceaccount", include_str!("../data/help/create-serviceaccount.txt"), 1)),
    ("sa", sub("serviceaccount", include_str!("../data/help/create-serviceaccount.txt"), 1)),
];

const SERVICE: &[(&str, Sub)] = &[
    ("clusterip", sub("service clusterip", include_str!("../data/help/create-service-clusterip.txt"), 2)),
    ("externalname", sub("service externalname", include_str!("../data/help/create-service-externalname.txt"), 2)),
    ("loadbalancer", sub("service loadbalancer", include_str!("../data/help/create-service-loadbalancer.txt"), 2)),
    ("nodeport", sub("service nodeport", include_str!("../data/help/create-service-nodeport.txt"), 2)),
];

const SECRET: &[(&str, Sub)] = &[
    ("docker-registry", sub("secret docker-registry", include_str!("../data/help/create-secret-docker-registry.txt"), 2)),
    ("generic", sub("secret generic", include_str!("../data/help/create-secret-generic.txt"), 2)),
    ("tls", sub("secret tls", include_str!("../data/help/create-secret-tls.txt"), 2)),
];

/// The subcommand the positional words name, if any (cobra's `Find`: the first
/// words that are not flags or flag values).
pub(crate) fn find(args: &[String]) -> Option<Sub> {
    let all = all_flags();
    let mut words = Vec::new();
    let mut i = 0;
    while i < args.len() && words.len() < 2 {
        let a = args[i].as_str();
        if a == "--" {
            break;
        }
        if let Some(body) = a.strip_prefix("--") {
            if !body.contains('=') && all.iter().any(|f| f.long == body && f.takes_value) {
                i += 1;
            }
        } else if a.len() > 1 && a.starts_with('-') {
            let c = a.chars().nth(1);
            if a.len() == 2 && all.iter().any(|f| f.short == c && f.takes_value) {
                i += 1;
            }
        } else {
            words.push(a);
        }
        i += 1;
    }
    let first = FIRST.iter().find(|(alias, _)| Some(alias) == words.first())?.1;
    let nested = match first.name {
        "service" => SERVICE,
        "secret" => SECRET,
        _ => return Some(first),
    };
    Some(nested.iter().find(|(n, _)| Some(n) == words.get(1)).map(|(_, s)| *s).unwrap_or(first))
}

/// The flags a help text lists (`    -o, --output='':`): a default of `true` or
/// `false` marks a boolean.
pub(crate) fn flags_of(help: &'static str) -> Vec<Flag> {
    let mut out = Vec::new();
    for line in help.lines() {
        let Some(rest) = line.strip_prefix("    -") else { continue };
        let (short, rest) = match rest.strip_prefix('-') {
            Some(r) => (None, r),
            None => {
                let c = rest.chars().next();
                match rest.get(1..).and_then(|r| r.strip_prefix(", --")) {
                    Some(r) => (c, r),
                    None => continue,
                }
            }
        };
        let Some((long, default)) = rest.split_once('=') else { continue };
        let default = default.strip_suffix(':').unwrap_or(default);
        out.push(Flag { long, short, takes_value: default != "true" && default != "false" });
    }
    out
}

/// Every flag of every generator (to find the subcommand before parsing).
fn all_flags() -> Vec<Flag> {
    let mut out: Vec<Flag> = crate::flags::GLOBAL.to_vec();
    for (_, s) in FIRST.iter().chain(SERVICE).chain(SECRET) {
        out.extend(flags_of(s.help));
    }
    out
}

/// Required flags (cobra's `MarkFlagRequired`), checked before anything else.
fn required(name: &str) -> &'static [&'static str] {
    match name {
        "cronjob" => &["image", "schedule"],
        "deployment" => &["image"],
        "service externalname" => &["external-name"],
        "clusterrolebinding" => &["clusterrole"],
        _ => &[],
    }
}

/// How `--dry-run` was given.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum DryRun {
    None,
    Client,
    Server,
}

/// What every generator shares: the name, dry-run, output, namespace.
struct Gen<'c, 'a, 'b> {
    ctx: &'c mut Ctx<'a, 'b>,
    sub: Sub,
    name: String,
    dry: DryRun,
}

fn usage(sub: Sub, message: String) -> Fail {
    Fail::Usage { message, command: format!("create {}", sub.name) }
}

fn text(message: impl std::fmt::Display) -> Fail {
    Fail::Text(format!("error: {message}\n"))
}

/// Runs `kubectl create SUB ...` (the flags are already parsed against `sub`'s).
pub(crate) fn run(ctx: &mut Ctx, sub: Sub) -> Outcome {
    if matches!(sub.name, "service" | "secret") {
        // A group without its subcommand: cobra's DefaultSubCommandRun.
        let words: Vec<String> = ctx.flags.args.iter().skip(1).cloned().collect();
        if words.is_empty() {
            ctx.io.err(sub.help);
            return Err(Fail::Silent);
        }
        return Err(usage(sub, format!("unknown command \"{}\"", words.join(" "))));
    }
    let missing: Vec<String> = required(sub.name).iter().filter(|f| !ctx.flags.has(f)).map(|f| format!("\"{f}\"")).collect();
    if !missing.is_empty() {
        return Err(text(format!("required flag(s) {} not set", missing.join(", "))));
    }
    let words: Vec<String> = ctx.flags.args.iter().skip(sub.words).cloned().collect();
    if words.len() != 1 {
        return Err(usage(sub, format!("exactly one NAME is required, got {}", words.len())));
    }
    let dry = match ctx.flags.get("dry-run").unwrap_or("none") {
        "none" | "false" => DryRun::None,
        "client" | "true" => DryRun::Client,
        "server" => DryRun::Server,
        other => return Err(text(format!("Invalid dry-run value ({other}). Must be \"none\", \"server\", or \"client\"."))),
    };
    if let Some(o) = ctx.flags.get("output") {
        let format = o.split_once('=').map(|(f, _)| f).unwrap_or(o);
        if !matches!(format, "" | "json" | "yaml" | "name" | "kyaml" | "jsonpath" | "jsonpath-as-json" | "jsonpath-file" | "go-template" | "go-template-file" | "template" | "templatefile") {
            return Err(text(format!("unable to match a printer suitable for the output format \"{o}\", allowed formats are: go-template,go-template-file,json,jsonpath,jsonpath-as-json,jsonpath-file,kyaml,name,template,templatefile,yaml")));
        }
    }
    let g = Gen { name: words[0].clone(), ctx, sub, dry };
    match sub.name {
        "job" => g.job(),
        "cronjob" => g.cronjob(),
        "deployment" => g.deployment(),
        "namespace" => g.namespace(),
        "configmap" => g.configmap(),
        "secret generic" => g.secret_generic(),
        "secret tls" => g.secret_tls(),
        "secret docker-registry" => g.secret_docker(),
        "service clusterip" => g.service("ClusterIP"),
        "service nodeport" => g.service("NodePort"),
        "service loadbalancer" => g.service("LoadBalancer"),
        "service externalname" => g.service("ExternalName"),
        "serviceaccount" => g.serviceaccount(),
        "role" => g.role(false),
        "clusterrole" => g.role(true),
        "rolebinding" => g.rolebinding(false),
        "clusterrolebinding" => g.rolebinding(true),
        "quota" => g.quota(),
        "ingress" => g.ingress(),
        "poddisruptionbudget" => g.pdb(),
        "priorityclass" => g.priorityclass(),
        _ => Err(text(format!("unknown command \"{}\" for \"kubectl create\"", sub.name))),
    }
}

/// `kubectl create foo x`: words that name no subcommand.
pub(crate) fn unexpected_args(args: &[String]) -> Fail {
    Fail::Usage { message: format!("Unexpected args: [{}]", args.join(" ")), command: "create".into() }
}

/// A StringSlice flag: every value, split on commas.
fn slice(ctx: &Ctx, flag: &str) -> Vec<String> {
    ctx.flags.all(flag).iter().flat_map(|v| v.split(',').map(String::from).collect::<Vec<_>>()).filter(|v| !v.is_empty()).collect()
}

impl Gen<'_, '_, '_> {
    fn flag(&self, name: &str) -> Option<String> {
        self.ctx.flags.get(name).map(String::from)
    }

    fn meta(&self) -> Value {
        let mut m = json!({"name": self.name});
        if self.ctx.namespace_explicit {
            m["namespace"] = json!(self.ctx.namespace);
        }
        m
    }

    fn command(&self) -> Option<Vec<String>> {
        self.ctx.flags.after_dash.clone().filter(|c| !c.is_empty())
    }

    /// Prints the object, or sends it and prints the server's answer. `prefix` is the
    /// context kubectl wraps a server error in (`failed to create job: `), if any.
    fn finish(self, rt: &'static ResourceType, mut obj: Value, prefix: Option<&str>) -> Outcome {
        if self.ctx.flags.flag("save-config") {
            let applied = kubeniwa_format::json::to_string_compact(&obj);
            obj["metadata"]["annotations"]["kubectl.kubernetes.io/last-applied-configuration"] = json!(format!("{applied}\n"));
        }
        let ctx = self.ctx;
        let shown = if self.dry == DryRun::Client {
            obj
        } else {
            let ns = rt.namespaced.then(|| ctx.namespace.clone());
            let mut req = Request::new(Method::Post, rt.collection_path(ns.as_deref())).body(obj);
            if self.dry == DryRun::Server {
                req = req.query("dryRun", "All");
            }
            req = req.query("fieldManager", ctx.flags.get("field-manager").unwrap_or("kubectl-create"));
            let validation = match ctx.flags.get("validate").unwrap_or("strict") {
                "warn" => "Warn",
                "ignore" | "false" => "Ignore",
                _ => "Strict",
            };
            req = req.query("fieldValidation", validation);
            match ctx.call(req)? {
                Ok(created) => created,
                Err(e) => return Err(creation_error(&e, prefix)),
            }
        };
        print_object(ctx, rt, &shown, self.dry)
    }

    fn job(mut self) -> Outcome {
        let image = self.flag("image").unwrap_or_default();
        let from = self.flag("from").unwrap_or_default();
        if image.is_empty() == from.is_empty() {
            return Err(text("either --image or --from must be specified"));
        }
        if self.command().is_some() && !from.is_empty() {
            return Err(text("cannot specify --from and command"));
        }
        let rt = resources::lookup("jobs").expect("registered");
        let job = if !image.is_empty() {
            let mut c = json!({"image": image, "name": self.name, "resources": {}});
            if let Some(cmd) = self.command() {
                c["command"] = json!(cmd);
            }
            json!({
                "apiVersion": "batch/v1", "kind": "Job", "metadata": self.meta(),
                "spec": {"template": {"metadata": {}, "spec": {"containers": [c], "restartPolicy": "Never"}}},
                "status": {},
            })
        } else {
            let source = self.fetch_from(&from)?;
            if source["kind"] != "CronJob" {
                let kind = source["kind"].as_str().unwrap_or("");
                return Err(text(format!("unknown object type *{}.{kind}", go_package(rt_of(&source)))));
            }
            let template = &source["spec"]["jobTemplate"];
            let mut annotations = Map::new();
            annotations.insert("cronjob.kubernetes.io/instantiate".into(), json!("manual"));
            if let Some(a) = template["metadata"]["annotations"].as_object() {
                annotations.extend(a.clone());
            }
            let mut meta = self.meta();
            meta["annotations"] = Value::Object(annotations);
            if let Some(l) = template["metadata"].get("labels").filter(|l| l.as_object().is_some_and(|m| !m.is_empty())) {
                meta["labels"] = l.clone();
            }
            meta["ownerReferences"] = json!([{
                "apiVersion": "batch/v1", "controller": true, "kind": "CronJob",
                "name": source["metadata"]["name"], "uid": source["metadata"]["uid"],
            }]);
            let mut spec = template["spec"].clone();
            if spec["template"].get("metadata").is_none() {
                spec["template"]["metadata"] = json!({});
            }
            json!({"apiVersion": "batch/v1", "kind": "Job", "metadata": meta, "spec": spec, "status": {}})
        };
        self.finish(rt, job, Some("failed to create job: "))
    }

    /// `--from=TYPE/NAME`: the object, read from the server as the builder does.
    fn fetch_from(&mut self, from: &str) -> Result<Value, Fail> {
        let (kind, name) = match from.split_once('/') {
            Some((k, n)) => (k, Some(n)),
            None => (from, None),
        };
        self.ctx.send(Request::get("/api"))?;
        let rt = resources::lookup(kind).ok_or_else(|| Fail::Text(format!("error: the server doesn't have a resource type \"{kind}\"\n")))?;
        let ns = rt.namespaced.then(|| self.ctx.namespace.clone());
        let Some(name) = name else {
            let list = match self.ctx.call(Request::get(rt.collection_path(ns.as_deref())))? {
                Ok(l) => l,
                Err(e) => return Err(Fail::Text(server_error(&e))),
            };
            let items = list["items"].as_array().cloned().unwrap_or_default();
            if items.len() != 1 {
                return Err(text("from must be an existing cronjob"));
            }
            return Ok(kubeniwa_core::apiserver::with_type(rt, items[0].clone()));
        };
        match self.ctx.call(Request::get(rt.object_path(ns.as_deref(), name)))? {
            Ok(o) => Ok(o),
            Err(e) => Err(Fail::Text(server_error(&e))),
        }
    }

    fn cronjob(self) -> Outcome {
        let rt = resources::lookup("cronjobs").expect("registered");
        let mut c = json!({"image": self.flag("image"), "name": self.name, "resources": {}});
        if let Some(cmd) = self.command() {
            c["command"] = json!(cmd);
        }
        let restart = self.flag("restart").filter(|r| !r.is_empty()).unwrap_or_else(|| "OnFailure".into());
        let cj = json!({
            "apiVersion": "batch/v1", "kind": "CronJob", "metadata": self.meta(),
            "spec": {
                "jobTemplate": {"metadata": {"name": self.name}, "spec": {"template": {"metadata": {}, "spec": {"containers": [c], "restartPolicy": restart}}}},
                "schedule": self.flag("schedule"),
            },
            "status": {},
        });
        self.finish(rt, cj, Some("failed to create cronjob: "))
    }

    fn deployment(self) -> Outcome {
        let images = slice(self.ctx, "image");
        let command = self.command();
        if images.len() > 1 && command.is_some() {
            return Err(text("cannot specify multiple --image options and command"));
        }
        let replicas: i64 = match self.flag("replicas") {
            Some(r) => r.parse().map_err(|_| invalid_argument(self.sub, &r, "replicas", "ParseInt"))?,
            None => 1,
        };
        let port: i64 = match self.flag("port") {
            Some(p) => p.parse().map_err(|_| invalid_argument(self.sub, &p, "port", "ParseInt"))?,
            None => -1,
        };
        let containers: Vec<Value> = images
            .iter()
            .enumerate()
            .map(|(i, img)| {
                let mut c = json!({"image": img, "name": container_name(img), "resources": {}});
                if let Some(cmd) = &command {
                    c["command"] = json!(cmd);
                }
                // Only the first container gets the port.
                if port >= 0 && i == 0 {
                    c["ports"] = json!([{"containerPort": port}]);
                }
                c
            })
            .collect();
        let labels = json!({"app": self.name});
        let mut meta = self.meta();
        meta["labels"] = labels.clone();
        let body = json!({
            "apiVersion": "apps/v1", "kind": "Deployment", "metadata": meta,
            "spec": {"replicas": replicas, "selector": {"matchLabels": labels}, "strategy": {},
                     "template": {"metadata": {"labels": labels}, "spec": {"containers": containers}}},
            "status": {},
        });
        let rt = resources::lookup("deployments").expect("registered");
        self.finish(rt, body, Some("failed to create deployment: "))
    }

    fn namespace(self) -> Outcome {
        let rt = resources::lookup("namespaces").expect("registered");
        let body = json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": self.name}, "spec": {}, "status": {}});
        self.finish(rt, body, None)
    }

    fn serviceaccount(self) -> Outcome {
        let rt = resources::lookup("serviceaccounts").expect("registered");
        let body = json!({"apiVersion": "v1", "kind": "ServiceAccount", "metadata": self.meta()});
        self.finish(rt, body, Some("failed to create serviceaccount: "))
    }

    fn configmap(self) -> Outcome {
        let files = slice(self.ctx, "from-file");
        let literals = self.ctx.flags.all("from-literal");
        let env_files = slice(self.ctx, "from-env-file");
        if !env_files.is_empty() && (!files.is_empty() || !literals.is_empty()) {
            return Err(text("from-env-file cannot be combined with from-file or from-literal"));
        }
        let mut data = Map::new();
        let mut binary = Map::new();
        let name = self.name.clone();
        let add = |key: &str, value: &[u8], data: &mut Map<String, Value>, binary: &mut Map<String, Value>| -> Result<(), Fail> {
            if let Err(e) = config_key(key) {
                return Err(text(format!("{key:?} is not a valid key name for a ConfigMap: {e}")));
            }
            if data.contains_key(key) {
                return Err(text(format!("cannot add key {key:?}, another key by that name already exists in Data for ConfigMap {name:?}")));
            }
            if binary.contains_key(key) {
                return Err(text(format!("cannot add key {key:?}, another key by that name already exists in BinaryData for ConfigMap {name:?}")));
            }
            match std::str::from_utf8(value) {
                Ok(s) => data.insert(key.to_string(), json!(s)),
                Err(_) => binary.insert(key.to_string(), json!(kubeniwa_core::admission::base64(value))),
            };
            Ok(())
        };
        for lit in &literals {
            let (k, v) = literal_source(lit)?;
            add(&k, v.as_bytes(), &mut data, &mut binary)?;
        }
        for (k, bytes) in self.read_file_sources(&files, "configmap")? {
            add(&k, &bytes, &mut data, &mut binary)?;
        }
        for f in &env_files {
            for (k, v) in self.read_env_file(f, "env config file cannot be a directory")? {
                add(&k, v.as_bytes(), &mut data, &mut binary)?;
            }
        }
        let mut body = json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": self.meta()});
        if !data.is_empty() {
            body["data"] = Value::Object(data);
        }
        if !binary.is_empty() {
            body["binaryData"] = Value::Object(binary);
        }
        let rt = resources::lookup("configmaps").expect("registered");
        self.finish(rt, body, Some("failed to create configmap: "))
    }

    /// `--from-file=[key=]path`: a file, or every regular file of a directory.
    fn read_file_sources(&self, sources: &[String], _what: &str) -> Result<Vec<(String, Vec<u8>)>, Fail> {
        let mut out = Vec::new();
        for source in sources {
            let (key, path) = file_source(source)?;
            let full = self.ctx.io.resolve(&path);
            let vfs = &self.ctx.io.vfs;
            if !vfs.exists(&full) {
                return Err(text(format!("error reading {path}: no such file or directory")));
            }
            if vfs.is_dir(&full) {
                if source.contains('=') {
                    return Err(text("cannot give a key name for a directory path"));
                }
                let names = vfs.list_dir(&full).unwrap_or_default();
                for n in names {
                    let item = format!("{}/{n}", full.trim_end_matches('/'));
                    if vfs.is_file(&item) {
                        out.push((n.clone(), vfs.read(&item).map(<[u8]>::to_vec).unwrap_or_default()));
                    }
                }
            } else {
                out.push((key, vfs.read(&full).map(<[u8]>::to_vec).unwrap_or_default()));
            }
        }
        Ok(out)
    }

    /// `--from-env-file`: `KEY=value` lines (`processEnvFileLine`).
    fn read_env_file(&self, path: &str, dir_message: &str) -> Result<Vec<(String, String)>, Fail> {
        let full = self.ctx.io.resolve(path);
        let vfs = &self.ctx.io.vfs;
        if !vfs.exists(&full) {
            return Err(text(format!("error reading {path}: no such file or directory")));
        }
        if vfs.is_dir(&full) {
            return Err(text(dir_message));
        }
        let bytes = vfs.read(&full).map(<[u8]>::to_vec).unwrap_or_default();
        let mut out = Vec::new();
        for (n, raw) in bytes.split(|b| *b == b'\n').enumerate() {
            let raw = raw.strip_suffix(b"\r").unwrap_or(raw);
            let Ok(line) = std::str::from_utf8(raw) else {
                return Err(text(format!("env file {path} contains invalid utf8 bytes at line {}: {raw:?}", n + 1)));
            };
            let line = if n == 0 { line.trim_start_matches('\u{feff}') } else { line };
            let line = line.trim_start();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let (key, value) = match line.split_once('=') {
                Some((k, v)) => (k, Some(v)),
                None => (line, None),
            };
            if !is_env_var_name(key) {
                return Err(text(format!("{key:?} is not a valid key name: a valid environment variable name must consist of alphabetic characters, digits, '_', '-', or '.', and must not start with a digit (e.g. 'my.env-name',  or 'MY_ENV.NAME',  or 'MyEnvName1', regex used for validation is '[-._a-zA-Z][-._a-zA-Z0-9]*')")));
            }
            // A bare KEY takes its value from kubectl's own environment.
            let value = value.map(String::from).unwrap_or_else(|| self.ctx.io.env.get(key).cloned().unwrap_or_default());
            out.push((key.to_string(), value));
        }
        Ok(out)
    }

    fn secret_generic(self) -> Outcome {
        let files = slice(self.ctx, "from-file");
        let literals = self.ctx.flags.all("from-literal");
        let env_files = slice(self.ctx, "from-env-file");
        if !env_files.is_empty() && (!files.is_empty() || !literals.is_empty()) {
            return Err(text("from-env-file cannot be combined with from-file or from-literal"));
        }
        let mut data = Map::new();
        for lit in &literals {
            let (k, v) = literal_source(lit)?;
            secret_add(&mut data, &k, v.as_bytes())?;
        }
        for (k, bytes) in self.read_file_sources(&files, "secret")? {
            secret_add(&mut data, &k, &bytes)?;
        }
        for f in &env_files {
            for (k, v) in self.read_env_file(f, "env secret file cannot be a directory")? {
                secret_add(&mut data, &k, v.as_bytes())?;
            }
        }
        let mut body = json!({"apiVersion": "v1", "kind": "Secret", "metadata": self.meta()});
        if !data.is_empty() {
            body["data"] = Value::Object(data);
        }
        if let Some(t) = self.flag("type").filter(|t| !t.is_empty()) {
            body["type"] = json!(t);
        }
        let rt = resources::lookup("secrets").expect("registered");
        self.finish(rt, body, Some("failed to create secret "))
    }

    fn secret_tls(self) -> Outcome {
        let cert = self.flag("cert").unwrap_or_default();
        let key = self.flag("key").unwrap_or_default();
        if cert.is_empty() || key.is_empty() {
            return Err(text("key and cert must be specified"));
        }
        let read = |path: &str| -> Result<Vec<u8>, Fail> {
            let full = self.ctx.io.resolve(path);
            match self.ctx.io.vfs.read(&full) {
                Ok(b) => Ok(b.to_vec()),
                Err(_) if self.ctx.io.vfs.is_dir(&full) => Err(text(format!("Cannot read file {path}, read {path}: is a directory"))),
                Err(_) => Err(text(format!("Cannot read file {path}, open {path}: no such file or directory"))),
            }
        };
        let cert_bytes = read(&cert)?;
        let key_bytes = read(&key)?;
        check_key_pair(&cert_bytes, &key_bytes).map_err(text)?;
        let body = json!({
            "apiVersion": "v1", "kind": "Secret", "metadata": self.meta(),
            "data": {"tls.crt": kubeniwa_core::admission::base64(&cert_bytes), "tls.key": kubeniwa_core::admission::base64(&key_bytes)},
            "type": "kubernetes.io/tls",
        });
        let rt = resources::lookup("secrets").expect("registered");
        self.finish(rt, body, Some("failed to create secret "))
    }

    fn secret_docker(self) -> Outcome {
        let files = slice(self.ctx, "from-file");
        let user = self.flag("docker-username").unwrap_or_default();
        let password = self.flag("docker-password").unwrap_or_default();
        let server = self.flag("docker-server").unwrap_or_else(|| "https://index.docker.io/v1/".into());
        let email = self.flag("docker-email").unwrap_or_default();
        if files.is_empty() && (user.is_empty() || password.is_empty() || server.is_empty()) {
            return Err(text("either --from-file or the combination of --docker-username, --docker-password and --docker-server is required"));
        }
        let mut data = Map::new();
        if !files.is_empty() {
            for (k, bytes) in self.read_file_sources(&files, "secret")? {
                secret_add(&mut data, &k, &bytes)?;
            }
        } else {
            let auth = kubeniwa_core::admission::base64(format!("{user}:{password}").as_bytes());
            let q = kubeniwa_format::json::quote;
            let email_field = if email.is_empty() { String::new() } else { format!(",\"email\":{}", q(&email)) };
            let config = format!("{{\"auths\":{{{}:{{\"username\":{},\"password\":{}{email_field},\"auth\":{}}}}}}}", q(&server), q(&user), q(&password), q(&auth));
            data.insert(".dockerconfigjson".into(), json!(kubeniwa_core::admission::base64(config.as_bytes())));
        }
        let body = json!({"apiVersion": "v1", "kind": "Secret", "metadata": self.meta(), "data": data, "type": "kubernetes.io/dockerconfigjson"});
        let rt = resources::lookup("secrets").expect("registered");
        self.finish(rt, body, Some("failed to create secret "))
    }

    fn service(self, kind: &str) -> Outcome {
        let tcp = slice(self.ctx, "tcp");
        let cluster_ip = self.flag("clusterip").unwrap_or_default();
        let external = self.flag("external-name").unwrap_or_default();
        if cluster_ip == "None" && kind != "ClusterIP" {
            return Err(text("ClusterIP=None can only be used with ClusterIP service type"));
        }
        if cluster_ip != "None" && tcp.is_empty() && kind != "ExternalName" {
            return Err(text("at least one tcp port specifier must be provided"));
        }
        if kind == "ExternalName" && !is_dns1123_subdomain(&external) {
            return Err(text(format!("invalid service external name {external}")));
        }
        let node_port: i64 = match self.flag("node-port") {
            Some(p) => p.parse().map_err(|_| invalid_argument(self.sub, &p, "node-port", "ParseInt"))?,
            None => 0,
        };
        let mut ports = Vec::new();
        for spec in &tcp {
            let (port, target) = parse_ports(spec).map_err(text)?;
            let mut p = json!({"name": spec.replace(':', "-"), "port": port, "protocol": "TCP", "targetPort": target});
            if node_port != 0 {
                p["nodePort"] = json!(node_port);
            }
            ports.push(p);
        }
        let mut meta = self.meta();
        meta["labels"] = json!({"app": self.name});
        let mut spec = json!({"selector": {"app": self.name}, "type": kind});
        if !ports.is_empty() {
            spec["ports"] = json!(ports);
        }
        if !external.is_empty() {
            spec["externalName"] = json!(external);
        }
        if !cluster_ip.is_empty() {
            spec["clusterIP"] = json!(cluster_ip);
        }
        let body = json!({"apiVersion": "v1", "kind": "Service", "metadata": meta, "spec": spec, "status": {"loadBalancer": {}}});
        let rt = resources::lookup("services").expect("registered");
        let prefix = format!("failed to create {kind} service: ");
        self.finish(rt, body, Some(&prefix))
    }

    /// `create role` and `create clusterrole`: one rule per API group.
    fn role(self, cluster: bool) -> Outcome {
        let mut verbs: Vec<String> = Vec::new();
        for v in slice(self.ctx, "verb") {
            if v == "*" {
                verbs = vec!["*".into()];
                break;
            }
            if !verbs.contains(&v) {
                verbs.push(v);
            }
        }
        // (group, resource, subresource) as typed.
        let mut wanted: Vec<(String, String, String)> = Vec::new();
        for r in slice(self.ctx, "resource") {
            let (base, sub) = match r.split_once('/') {
                Some((b, s)) => (b.to_string(), s.to_string()),
                None => (r.clone(), String::new()),
            };
            let (res, group) = match base.split_once('.') {
                Some((r, g)) => (r.to_string(), g.to_string()),
                None => (base.clone(), String::new()),
            };
            let star = res == "*" && !base.contains('.') && !r.contains('/');
            if star {
                wanted = vec![(group, res, sub)];
                break;
            }
            wanted.push((group, res, sub));
        }
        let mut names: Vec<String> = Vec::new();
        for n in self.ctx.flags.all("resource-name") {
            if !names.contains(&n) {
                names.push(n);
            }
        }
        let mut urls: Vec<String> = Vec::new();
        for u in slice(self.ctx, "non-resource-url") {
            if !urls.contains(&u) {
                urls.push(u);
            }
        }
        let aggregation = self.flag("aggregation-rule").filter(|a| !a.is_empty());
        // The REST mapper needs discovery, as the real command's Complete does.
        self.ctx.send(Request::get("/api"))?;
        if cluster && aggregation.is_some() {
            if !urls.is_empty() || !verbs.is_empty() || !wanted.is_empty() || !names.is_empty() {
                return Err(text("aggregation rule must be specified without nonResourceURLs, verbs, resources or resourceNames"));
            }
        } else {
            if verbs.is_empty() {
                return Err(text("at least one verb must be specified"));
            }
            if cluster && wanted.is_empty() && urls.is_empty() {
                return Err(text("one of resource or nonResourceURL must be specified"));
            }
            if !cluster && wanted.is_empty() {
                return Err(text("at least one resource must be specified"));
            }
            if !wanted.is_empty() {
                for v in &verbs {
                    if !VALID_RESOURCE_VERBS.contains(&v.as_str()) {
                        self.ctx.io.err(format!("Warning: '{v}' is not a standard resource verb\n"));
                    }
                }
                validate_resources(&wanted, &verbs)?;
            }
            if !urls.is_empty() {
                for v in &verbs {
                    if !["*", "get", "post", "put", "delete", "patch", "head", "options"].contains(&v.as_str()) {
                        return Err(text(format!("invalid verb: '{v}' for nonResourceURL")));
                    }
                }
                for u in &urls {
                    if u == "*" {
                        continue;
                    }
                    if !u.starts_with('/') {
                        return Err(text("nonResourceURL should start with /"));
                    }
                    if u[..u.len() - 1].contains('*') {
                        return Err(text("nonResourceURL only supports wildcard matches when '*' is at the end"));
                    }
                }
            }
        }
        let kind = if cluster { "ClusterRole" } else { "Role" };
        let mut body = json!({"apiVersion": "rbac.authorization.k8s.io/v1", "kind": kind, "metadata": if cluster { json!({"name": self.name}) } else { self.meta() }});
        if let Some(agg) = aggregation {
            let mut labels = Map::new();
            for pair in agg.split(',') {
                let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
                labels.insert(k.to_string(), json!(v));
            }
            body["aggregationRule"] = json!({"clusterRoleSelectors": [{"matchLabels": labels}]});
            body["rules"] = Value::Null;
        } else {
            // Resources grouped by API group, groups sorted.
            let mut groups: std::collections::BTreeMap<String, Vec<String>> = Default::default();
            for (group, res, sub) in &wanted {
                let (g, mut r) = match resources::lookup(&if group.is_empty() { res.clone() } else { format!("{res}.{group}") }) {
                    Some(rt) if res != "*" => (rt.group.to_string(), rt.plural.to_string()),
                    _ => (group.clone(), res.clone()),
                };
                if !sub.is_empty() {
                    r = format!("{r}/{sub}");
                }
                let list = groups.entry(g).or_default();
                if !list.contains(&r) {
                    list.push(r);
                }
            }
            let mut rules: Vec<Value> = groups
                .into_iter()
                .map(|(g, rs)| {
                    let mut rule = json!({"apiGroups": [g], "resources": rs, "verbs": verbs});
                    if !names.is_empty() {
                        rule["resourceNames"] = json!(names);
                    }
                    rule
                })
                .collect();
            if !urls.is_empty() {
                rules.push(json!({"nonResourceURLs": urls, "verbs": verbs}));
            }
            body["rules"] = json!(rules);
        }
        let rt = resources::lookup(if cluster { "clusterroles" } else { "roles" }).expect("registered");
        self.finish(rt, body, None)
    }

    fn rolebinding(self, cluster: bool) -> Outcome {
        let role = self.flag("role").unwrap_or_default();
        let cluster_role = self.flag("clusterrole").unwrap_or_default();
        if !cluster && role.is_empty() == cluster_role.is_empty() {
            return Err(text("exactly one of clusterrole or role must be specified"));
        }
        let mut subjects = Vec::new();
        for u in self.ctx.flags.all("user") {
            subjects.push(json!({"apiGroup": "rbac.authorization.k8s.io", "kind": "User", "name": u}));
        }
        for g in self.ctx.flags.all("group") {
            subjects.push(json!({"apiGroup": "rbac.authorization.k8s.io", "kind": "Group", "name": g}));
        }
        for sa in self.ctx.flags.all("serviceaccount") {
            let parts: Vec<&str> = sa.split(':').collect();
            if parts.len() != 2 || parts[0].is_empty() || parts[1].is_empty() {
                return Err(text("serviceaccount must be <namespace>:<name>"));
            }
            subjects.push(json!({"kind": "ServiceAccount", "name": parts[1], "namespace": parts[0]}));
        }
        let (kind, ref_kind, ref_name) = match (cluster, role.is_empty()) {
            (true, _) => ("ClusterRoleBinding", "ClusterRole", cluster_role),
            (false, true) => ("RoleBinding", "ClusterRole", cluster_role),
            (false, false) => ("RoleBinding", "Role", role),
        };
        let mut body = json!({
            "apiVersion": "rbac.authorization.k8s.io/v1", "kind": kind,
            "metadata": if cluster { json!({"name": self.name}) } else { self.meta() },
            "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": ref_kind, "name": ref_name},
        });
        if !subjects.is_empty() {
            body["subjects"] = json!(subjects);
        }
        let rt = resources::lookup(if cluster { "clusterrolebindings" } else { "rolebindings" }).expect("registered");
        let prefix = if cluster { "failed to create clusterrolebinding: " } else { "failed to create rolebinding: " };
        self.finish(rt, body, Some(prefix))
    }

    fn quota(self) -> Outcome {
        let mut spec = json!({});
        if let Some(hard) = self.flag("hard").filter(|h| !h.is_empty()) {
            let mut list = Map::new();
            for statement in hard.split(',') {
                let parts: Vec<&str> = statement.split('=').collect();
                if parts.len() != 2 {
                    return Err(text(format!("Invalid argument syntax {statement}, expected <resource>=<value>")));
                }
                list.insert(parts[0].to_string(), json!(parse_quantity(parts[1]).map_err(text)?));
            }
            spec["hard"] = Value::Object(list);
        }
        if let Some(scopes) = self.flag("scopes").filter(|s| !s.is_empty()) {
            let mut list = Vec::new();
            for s in scopes.split(',') {
                if s.is_empty() {
                    return Err(text("invalid resource quota scope \"\""));
                }
                list.push(json!(s));
            }
            spec["scopes"] = json!(list);
        }
        let body = json!({"apiVersion": "v1", "kind": "ResourceQuota", "metadata": self.meta(), "spec": spec, "status": {}});
        let rt = resources::lookup("resourcequotas").expect("registered");
        self.finish(rt, body, Some("failed to create quota: "))
    }

    fn ingress(self) -> Outcome {
        let rules = self.ctx.flags.all("rule");
        let backend = self.flag("default-backend").unwrap_or_default();
        if backend.is_empty() && rules.is_empty() {
            return Err(text("not enough information provided: every ingress has to either specify a default-backend (which catches all traffic) or a list of rules (which catch specific paths)"));
        }
        for r in &rules {
            if !ingress_rule_valid(r) {
                return Err(text(format!("rule {r} is invalid and should be in format host/path=svcname:svcport[,tls[=secret]]")));
            }
        }
        let annotations = self.ctx.flags.all("annotation");
        for a in &annotations {
            if !a.contains('=') {
                return Err(text(format!("annotation {a} is invalid and should be in format key=[value]")));
            }
        }
        if !backend.is_empty() && backend.split(':').count() != 2 {
            return Err(text("default-backend should be in format servicename:serviceport"));
        }
        let mut meta = self.meta();
        if !annotations.is_empty() {
            let mut m = Map::new();
            for a in &annotations {
                let (k, v) = a.split_once('=').unwrap_or((a, ""));
                m.insert(k.to_string(), json!(v));
            }
            meta["annotations"] = Value::Object(m);
        }
        let mut spec = json!({});
        if let Some(c) = self.flag("class").filter(|c| !c.is_empty()) {
            spec["ingressClassName"] = json!(c);
        }
        if !backend.is_empty() {
            spec["defaultBackend"] = ingress_backend(&backend);
        }
        // TLS entries: one per secret, hosts gathered.
        let mut tls: Vec<Value> = Vec::new();
        let mut seen_hosts: Vec<String> = Vec::new();
        for r in &rules {
            let parts: Vec<&str> = r.split(',').collect();
            if parts.len() != 2 {
                continue;
            }
            let host = r.split('/').next().unwrap_or("").to_string();
            let secret = parts[1].split('=').nth(1).unwrap_or("").to_string();
            if seen_hosts.contains(&host) {
                continue;
            }
            seen_hosts.push(host.clone());
            if let Some(t) = tls.iter_mut().find(|t| t["secretName"].as_str().unwrap_or("") == secret) {
                t["hosts"].as_array_mut().map(|h| h.push(json!(host)));
                if t["hosts"].is_null() {
                    t["hosts"] = json!([host]);
                }
                continue;
            }
            let mut t = json!({});
            if !host.is_empty() {
                t["hosts"] = json!([host]);
            }
            if !secret.is_empty() {
                t["secretName"] = json!(secret);
            }
            if t.as_object().is_some_and(|m| !m.is_empty()) {
                tls.push(t);
            }
        }
        if !tls.is_empty() {
            spec["tls"] = json!(tls);
        }
        let mut ing_rules: Vec<Value> = Vec::new();
        for r in &rules {
            let without_tls = r.split(',').next().unwrap_or("");
            let (host, rest) = without_tls.split_once('/').unwrap_or((without_tls, ""));
            let (path_part, svc) = rest.split_once('=').unwrap_or((rest, ""));
            let mut path = format!("/{path_part}");
            let mut path_type = "Exact";
            if path.ends_with('*') {
                path_type = "Prefix";
                path.pop();
            }
            let p = json!({"backend": ingress_backend(svc), "path": path, "pathType": path_type});
            if let Some(existing) = ing_rules.iter_mut().find(|x| x["host"].as_str().unwrap_or("") == host) {
                existing["http"]["paths"].as_array_mut().map(|ps| ps.push(p));
                continue;
            }
            let mut rule = json!({"http": {"paths": [p]}});
            if !host.is_empty() {
                rule["host"] = json!(host);
            }
            ing_rules.push(rule);
        }
        if !ing_rules.is_empty() {
            spec["rules"] = json!(ing_rules);
        }
        let body = json!({"apiVersion": "networking.k8s.io/v1", "kind": "Ingress", "metadata": meta, "spec": spec, "status": {"loadBalancer": {}}});
        let rt = resources::lookup("ingresses").expect("registered");
        self.finish(rt, body, Some("failed to create ingress: "))
    }

    fn pdb(self) -> Outcome {
        let selector = self.flag("selector").unwrap_or_default();
        let min = self.flag("min-available").unwrap_or_default();
        let max = self.flag("max-unavailable").unwrap_or_default();
        if selector.is_empty() {
            return Err(text("a selector must be specified"));
        }
        if min.is_empty() && max.is_empty() {
            return Err(text("one of min-available or max-unavailable must be specified"));
        }
        if !min.is_empty() && !max.is_empty() {
            return Err(text("min-available and max-unavailable cannot be both specified"));
        }
        let valid = |v: &str| {
            let digits = v.strip_suffix('%').unwrap_or(v);
            !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit())
        };
        if !min.is_empty() && !valid(&min) {
            return Err(text("invalid format specified for min-available"));
        }
        if !max.is_empty() && !valid(&max) {
            return Err(text("invalid format specified for max-unavailable"));
        }
        let sel = LabelSelector::parse(&selector).map_err(text)?.to_object().map_err(text)?;
        let int_or_string = |v: &str| v.parse::<i64>().map(Value::from).unwrap_or_else(|_| json!(v));
        let mut spec = json!({"selector": sel});
        if !min.is_empty() {
            spec["minAvailable"] = int_or_string(&min);
        }
        if !max.is_empty() {
            spec["maxUnavailable"] = int_or_string(&max);
        }
        let body = json!({
            "apiVersion": "policy/v1", "kind": "PodDisruptionBudget", "metadata": self.meta(), "spec": spec,
            "status": {"currentHealthy": 0, "desiredHealthy": 0, "disruptionsAllowed": 0, "expectedPods": 0},
        });
        let rt = resources::lookup("poddisruptionbudgets").expect("registered");
        self.finish(rt, body, Some("failed to create poddisruptionbudgets: "))
    }

    fn priorityclass(self) -> Outcome {
        let value: i64 = match self.flag("value") {
            Some(v) => v.parse::<i32>().map(i64::from).map_err(|_| invalid_argument(self.sub, &v, "value", "ParseInt"))?,
            None => 0,
        };
        let mut body = json!({
            "apiVersion": "scheduling.k8s.io/v1", "kind": "PriorityClass", "metadata": {"name": self.name},
            "preemptionPolicy": self.flag("preemption-policy").unwrap_or_else(|| "PreemptLowerPriority".into()),
            "value": value,
        });
        if let Some(d) = self.flag("description").filter(|d| !d.is_empty()) {
            body["description"] = json!(d);
        }
        if self.ctx.flags.flag("global-default") {
            body["globalDefault"] = json!(true);
        }
        let rt = resources::lookup("priorityclasses").expect("registered");
        self.finish(rt, body, Some("failed to create priorityclass: "))
    }
}

/// The Go type kubectl names in `unknown object type *v1.Deployment`.
fn go_package(rt: Option<&'static ResourceType>) -> &'static str {
    rt.map(|r| r.version).unwrap_or("unstructured")
}

fn rt_of(obj: &Value) -> Option<&'static ResourceType> {
    resources::by_kind(obj["apiVersion"].as_str().unwrap_or(""), obj["kind"].as_str().unwrap_or(""))
}

/// What kubectl prints after creating (or pretending to).
fn print_object(ctx: &mut Ctx, rt: &ResourceType, obj: &Value, dry: DryRun) -> Outcome {
    let mut obj = obj.clone();
    if !ctx.flags.flag("show-managed-fields") {
        if let Some(m) = obj.get_mut("metadata").and_then(Value::as_object_mut) {
            m.remove("managedFields");
        }
    }
    let name = obj["metadata"]["name"].as_str().unwrap_or("").to_string();
    let output = ctx.flags.get("output").unwrap_or("").to_string();
    let (format, template) = output.split_once('=').unwrap_or((output.as_str(), ""));
    match format {
        "yaml" => ctx.io.out(kubeniwa_format::yaml::to_string(&obj)),
        "json" => ctx.io.out(kubeniwa_format::json::to_string_pretty(&obj)),
        "kyaml" => ctx.io.out(kubeniwa_format::kyaml::to_string(&obj)),
        "name" => ctx.io.out(format!("{}/{name}\n", rt.kind_group())),
        "jsonpath" | "jsonpath-as-json" => {
            let printed = if format == "jsonpath" {
                kubeniwa_format::jsonpath::print_jsonpath(template, &obj)
            } else {
                kubeniwa_format::jsonpath::print_jsonpath_as_json(template, &obj)
            };
            match printed {
                Ok(t) => ctx.io.out(t),
                Err(e) => return Err(text(e.trim_start_matches("error: ").trim_end())),
            }
        }
        _ => {
            let suffix = match dry {
                DryRun::None => "",
                DryRun::Client => " (dry run)",
                DryRun::Server => " (server dry run)",
            };
            ctx.io.out(format!("{}/{name} created{suffix}\n", rt.kind_group()));
        }
    }
    Ok(())
}

/// A server error after POST: kubectl's `failed to create job: MESSAGE`, or the
/// standard `Error from server (...)` form when the command returns it unwrapped.
fn creation_error(e: &ApiError, prefix: Option<&str>) -> Fail {
    match prefix {
        Some(p) => Fail::Text(format!("error: {p}{}\n", e.message)),
        None => Fail::Text(server_error(e)),
    }
}

/// pflag's message for a number flag that does not parse.
fn invalid_argument(sub: Sub, value: &str, flag: &str, func: &str) -> Fail {
    Fail::Text(format!(
        "error: invalid argument \"{value}\" for \"--{flag}\" flag: strconv.{func}: parsing \"{value}\": invalid syntax\nSee 'kubectl create {} --help' for usage.\n",
        sub.name
    ))
}

/// `deployment`'s container name: the image's base name; a name with `_` or `.` gets
/// them replaced and five characters appended (random in kubectl, derived from the
/// name here so that the same command prints the same bytes).
fn container_name(image: &str) -> String {
    let base = image.rsplit('/').next().unwrap_or(image);
    let base = base.split(':').next().unwrap_or(base);
    let base = base.split('@').next().unwrap_or(base);
    if !base.contains(['_', '.']) {
        return base.to_string();
    }
    const ALPHABET: &[u8] = b"bcdfghjklmnpqrstvwxz2456789";
    let mut h: u64 = 0xcbf29ce484222325;
    for b in base.bytes() {
        h = (h ^ u64::from(b)).wrapping_mul(0x100000001b3);
    }
    let suffix: String = (0..5).map(|i| ALPHABET[((h >> (i * 8)) % ALPHABET.len() as u64) as usize] as char).collect();
    format!("{}-{suffix}", base.replace(['_', '.'], "-"))
}

const VALID_RESOURCE_VERBS: &[&str] = &["*", "get", "delete", "list", "create", "update", "patch", "watch", "proxy", "deletecollection", "use", "bind", "escalate", "impersonate"];

/// `validateResource`: every resource is known to the server, and special verbs
/// (`use`, `bind`, `escalate`, `impersonate`) only go with their resources.
fn validate_resources(wanted: &[(String, String, String)], verbs: &[String]) -> Result<(), Fail> {
    for (group, res, _) in wanted {
        if res.is_empty() {
            return Err(text("resource must be specified if apiGroup/subresource specified"));
        }
        if res == "*" {
            return Ok(());
        }
        let found = resources::lookup(&if group.is_empty() { res.clone() } else { format!("{res}.{group}") });
        let (g, r) = match found {
            Some(rt) => (rt.group.to_string(), rt.plural.to_string()),
            None => (group.clone(), res.clone()),
        };
        let mut missing = found.is_none();
        for v in verbs {
            let special: &[(&str, &str)] = match v.as_str() {
                "use" => &[("policy", "podsecuritypolicies"), ("extensions", "podsecuritypolicies")],
                "bind" | "escalate" => &[("rbac.authorization.k8s.io", "roles"), ("rbac.authorization.k8s.io", "clusterroles")],
                "impersonate" => &[("", "users"), ("", "serviceaccounts"), ("", "groups"), ("authentication.k8s.io", "userextras")],
                _ => continue,
            };
            if !special.iter().any(|(sg, sr)| *sg == g && *sr == r) {
                return Err(text(format!("can not perform '{v}' on '{r}' in group '{g}'")));
            }
            missing = false;
        }
        if missing {
            let shown = if group.is_empty() { res.clone() } else { format!("{res}.{group}") };
            return Err(Fail::Text(format!("the server doesn't have a resource type \"{shown}\"\n")));
        }
    }
    Ok(())
}

/// `ParseLiteralSource`: `key=value`.
fn literal_source(source: &str) -> Result<(String, String), Fail> {
    match source.split_once('=') {
        Some((k, v)) if !k.is_empty() => Ok((k.to_string(), v.to_string())),
        _ => Err(text(format!("invalid literal source {source}, expected key=value"))),
    }
}

/// `ParseFileSource`: `[key=]path`.
fn file_source(source: &str) -> Result<(String, String), Fail> {
    match source.split_once('=') {
        None => Ok((source.trim_end_matches('/').rsplit('/').next().unwrap_or(source).to_string(), source.to_string())),
        Some((k, p)) => {
            if k.is_empty() {
                return Err(text(format!("key name for file path {p} missing")));
            }
            if p.is_empty() {
                return Err(text(format!("file path for key name {k} missing")));
            }
            if p.contains('=') {
                return Err(text("key names or file paths cannot contain '='"));
            }
            Ok((k.to_string(), p.to_string()))
        }
    }
}

fn secret_add(data: &mut Map<String, Value>, key: &str, value: &[u8]) -> Result<(), Fail> {
    if let Err(e) = config_key(key) {
        return Err(text(format!("{key:?} is not valid key name for a Secret {e}")));
    }
    if data.contains_key(key) {
        return Err(text(format!("cannot add key {key}, another key by that name already exists")));
    }
    data.insert(key.to_string(), json!(kubeniwa_core::admission::base64(value)));
    Ok(())
}

/// `IsConfigMapKey`.
fn config_key(key: &str) -> Result<(), String> {
    let mut errs = Vec::new();
    if key.len() > 253 {
        errs.push(format!("must be no more than 253 characters"));
    }
    if key.is_empty() || !key.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.')) {
        errs.push("a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')".to_string());
    }
    if key == "." {
        errs.push("must not be '.'".into());
    } else if key == ".." {
        errs.push("must not be '..'".into());
    } else if key.starts_with("..") {
        errs.push("must not start with '..'".into());
    }
    if errs.is_empty() {
        Ok(())
    } else {
        Err(errs.join(","))
    }
}

fn is_env_var_name(key: &str) -> bool {
    !key.is_empty()
        && key.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
        && !key.starts_with(|c: char| c.is_ascii_digit())
}

fn is_dns1123_subdomain(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 253
        && s.split('.').all(|l| {
            !l.is_empty() && l.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-') && !l.starts_with('-') && !l.ends_with('-')
        })
}

/// `--tcp=port[:targetPort]` as `parsePorts` reads it.
fn parse_ports(spec: &str) -> Result<(i64, Value), String> {
    let parts: Vec<&str> = spec.split(':').collect();
    let port: i64 = match parts[0].parse::<u64>() {
        Ok(p) if p <= 65535 => p as i64,
        Ok(_) => return Err(format!("strconv.ParseUint: parsing \"{}\": value out of range", parts[0])),
        Err(_) => return Err(format!("strconv.ParseUint: parsing {}: invalid syntax", kubeniwa_format::json::quote(parts[0]))),
    };
    if parts.len() == 1 {
        return Ok((port, json!(port)));
    }
    let target = parts[1];
    match target.parse::<i64>() {
        Ok(n) if (1..=65535).contains(&n) => Ok((port, json!(n))),
        Ok(_) => Err("must be between 1 and 65535, inclusive".into()),
        Err(_) => {
            let ok = !target.is_empty()
                && target.len() <= 15
                && target.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
                && target.chars().any(|c| c.is_ascii_lowercase())
                && !target.starts_with('-')
                && !target.ends_with('-')
                && !target.contains("--");
            if ok {
                Ok((port, json!(target)))
            } else {
                Err(port_name_errors(target))
            }
        }
    }
}

/// `IsValidPortName`'s messages, joined with commas.
fn port_name_errors(name: &str) -> String {
    let mut errs = Vec::new();
    if name.len() > 15 {
        errs.push("must be no more than 15 characters");
    }
    if !name.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-') {
        errs.push("must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)");
    }
    if name.contains("--") {
        errs.push("must not contain consecutive hyphens");
    }
    if !name.chars().any(|c| c.is_ascii_lowercase()) {
        errs.push("must contain at least one letter (a-z)");
    }
    if name.starts_with('-') || name.ends_with('-') {
        errs.push("must not begin or end with a hyphen");
    }
    errs.join(",")
}

/// `host/path=svc:port[,tls[=secret]]` (the command's rule regex).
fn ingress_rule_valid(rule: &str) -> bool {
    let word = |s: &str| !s.is_empty() && s.chars().all(|c| c.is_alphanumeric() || c == '_' || c == '-');
    let (main, tls) = match rule.split_once(',') {
        Some((m, t)) => (m, Some(t)),
        None => (rule, None),
    };
    if let Some(t) = tls {
        // Unanchored at the end: anything after a valid prefix is accepted.
        if !t.starts_with("tls") {
            return false;
        }
    }
    let Some(slash) = main.find('/') else { return false };
    let host = &main[..slash];
    if !host.chars().all(|c| c.is_alphanumeric() || matches!(c, '_' | '*' | '-' | '.')) {
        return false;
    }
    let rest = &main[slash..];
    // The path is greedy: the last `=` whose right side is `svc:port` wins.
    rest.rmatch_indices('=').any(|(i, _)| {
        let svc = &rest[i + 1..];
        match svc.split_once(':') {
            Some((name, port)) => word(name) && !port.is_empty() && port.chars().take_while(|c| c.is_alphanumeric() || *c == '_' || *c == '-').count() > 0,
            None => false,
        }
    })
}

fn ingress_backend(svc: &str) -> Value {
    let (name, port) = svc.split_once(':').unwrap_or((svc, ""));
    let port = match port.parse::<i64>() {
        Ok(n) => json!({"number": n}),
        Err(_) => json!({"name": port}),
    };
    json!({"service": {"name": name, "port": port}})
}

/// `resource.ParseQuantity`'s syntax check; the value is kept as written.
fn parse_quantity(s: &str) -> Result<String, String> {
    const RE: &str = "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'";
    let body = s.strip_prefix(['+', '-']).unwrap_or(s);
    let num_len = body.chars().take_while(|c| c.is_ascii_digit() || *c == '.').count();
    if num_len == 0 {
        return Err(RE.into());
    }
    let suffix = &body[num_len..];
    let letters = suffix.chars().take_while(|c| "eEinumkKMGTP".contains(*c)).count();
    let tail = &suffix[letters..];
    let tail_digits = tail.strip_prefix(['+', '-']).unwrap_or(tail);
    if !tail_digits.chars().all(|c| c.is_ascii_digit()) {
        return Err(RE.into());
    }
    let valid_suffix = matches!(suffix, "" | "Ki" | "Mi" | "Gi" | "Ti" | "Pi" | "Ei" | "n" | "u" | "m" | "k" | "M" | "G" | "T" | "P" | "E")
        || (suffix.starts_with(['e', 'E']) && suffix[1..].strip_prefix(['+', '-']).unwrap_or(&suffix[1..]).chars().all(|c| c.is_ascii_digit()) && suffix.len() > 1);
    if !valid_suffix || body[..num_len].matches('.').count() > 1 {
        return Err("unable to parse quantity's suffix".into());
    }
    Ok(s.to_string())
}

/// What `tls.X509KeyPair` checks of the PEM blocks before any cryptography.
fn check_key_pair(cert: &[u8], key: &[u8]) -> Result<(), String> {
    let blocks = |data: &[u8]| -> Vec<String> {
        let text = String::from_utf8_lossy(data);
        text.lines().filter_map(|l| l.strip_prefix("-----BEGIN ").and_then(|r| r.strip_suffix("-----")).map(String::from)).collect()
    };
    let cert_blocks = blocks(cert);
    if !cert_blocks.iter().any(|b| b == "CERTIFICATE") {
        if cert_blocks.is_empty() {
            return Err("tls: failed to find any PEM data in certificate input".into());
        }
        if cert_blocks.len() == 1 && cert_blocks[0].ends_with("PRIVATE KEY") {
            return Err("tls: failed to find certificate PEM data in certificate input, but did find a private key; PEM inputs may have been switched".into());
        }
        return Err(format!("tls: failed to find \"CERTIFICATE\" PEM block in certificate input after skipping PEM blocks of the following types: [{}]", cert_blocks.join(" ")));
    }
    let key_blocks = blocks(key);
    if !key_blocks.iter().any(|b| b == "PRIVATE KEY" || b.ends_with(" PRIVATE KEY")) {
        if key_blocks.is_empty() {
            return Err("tls: failed to find any PEM data in key input".into());
        }
        if key_blocks.iter().all(|b| b == "CERTIFICATE") {
            return Err("tls: found a certificate rather than a key in the PEM for the private key".into());
        }
        return Err(format!("tls: failed to find PEM block with type ending in \"PRIVATE KEY\" in key input after skipping PEM blocks of the following types: [{}]", key_blocks.join(" ")));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(v: &[&str]) -> Vec<String> {
        v.iter().map(|x| x.to_string()).collect()
    }

    #[test]
    fn finds_subcommands_past_flags() {
        assert_eq!(find(&s(&["-n", "x", "job", "a"])).map(|s| s.name), Some("job"));
        assert_eq!(find(&s(&["svc", "--tcp", "80", "nodeport", "a"])).map(|s| s.name), Some("service nodeport"));
        assert_eq!(find(&s(&["svc"])).map(|s| s.name), Some("service"));
        assert_eq!(find(&s(&["svc", "nodeport", "a"])).map(|s| s.name), Some("service nodeport"));
        assert_eq!(find(&s(&["secret", "tls", "a"])).map(|s| s.name), Some("secret tls"));
        assert_eq!(find(&s(&["foo", "x"])), None);
    }

    #[test]
    fn flags_come_from_help() {
        let f = flags_of(include_str!("../data/help/create-job.txt"));
        assert!(f.iter().any(|f| f.long == "image" && f.takes_value));
        assert!(f.iter().any(|f| f.long == "output" && f.short == Some('o')));
        assert!(f.iter().any(|f| f.long == "save-config" && !f.takes_value));
        assert!(!f.iter().any(|f| f.long == "restart"));
    }

    #[test]
    fn ingress_rules() {
        assert!(ingress_rule_valid("example.com/=web:80"));
        assert!(ingress_rule_valid("foo.com/path*=svc:8080,tls=sec"));
        assert!(ingress_rule_valid("/bar=svc2:http"));
        assert!(!ingress_rule_valid("bad"));
        assert!(!ingress_rule_valid("foo.com=svc:80"));
    }

    #[test]
    fn quantities() {
        assert_eq!(parse_quantity("10").unwrap(), "10");
        assert!(parse_quantity("abc").unwrap_err().starts_with("quantities must match"));
        assert_eq!(parse_quantity("1Gx").unwrap_err(), "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'");
    }
}
