//! Tab completion for kubectl's words, as `kubectl __complete` answers bash: commands
//! and subcommands (from the captured help texts), flags (from each command's
//! `Options:`), values of `-n`, `--context`, `-o`, resource types (`api-resources -o
//! name`) and object names, fetched with the same requests `kubectl get` sends.

use kubeniwa_shell::{Io, Sink, Stream};

use crate::{create_gen, flags, misc, Backend};

/// What may replace the word being completed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Completion {
    /// These words (already filtered by the prefix, sorted).
    Words(Vec<String>),
    /// File names, as bash's default completion (`-f FILE`).
    Files,
}

struct Capture(Vec<u8>);

impl Sink for Capture {
    fn write(&mut self, stream: Stream, bytes: &[u8]) {
        if matches!(stream, Stream::Out) {
            self.0.extend_from_slice(bytes);
        }
    }
}

/// Runs `kubectl ARGS` quietly (errors dropped, as `__complete` does) and returns its
/// stdout split into words.
fn query(args: &[String], backend: &mut dyn Backend, io: &mut Io<'_>) -> Vec<String> {
    let mut sink = Capture(Vec::new());
    let mut quiet = Io { stdin: &[], vfs: &mut *io.vfs, cwd: io.cwd, env: io.env, sink: &mut sink };
    let status = crate::run(args, backend, &mut quiet);
    if status != 0 {
        return Vec::new();
    }
    String::from_utf8_lossy(&sink.0).split_whitespace().map(String::from).collect()
}

/// The commands of a help text's `Commands:` sections (`  get     Display ...`).
fn commands_of(help: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut inside = false;
    for line in help.lines() {
        if !line.starts_with(' ') && line.contains("Commands") && line.ends_with(':') {
            inside = true;
            continue;
        }
        if !inside {
            continue;
        }
        if line.trim().is_empty() {
            inside = false;
            continue;
        }
        if let Some(rest) = line.strip_prefix("  ") {
            if let Some(word) = rest.split_whitespace().next() {
                if !rest.starts_with(' ') && word.chars().all(|c| c.is_ascii_lowercase() || c == '-') {
                    out.push(word.to_string());
                }
            }
        }
    }
    out
}

/// The flags of a help text's `Options:` (`    -A, --all-namespaces=false:`).
fn flags_of_help(help: &str) -> Vec<(String, Option<String>)> {
    let mut out = Vec::new();
    for line in help.lines() {
        let t = line.trim();
        if !t.starts_with('-') || !t.ends_with(':') {
            continue;
        }
        let (short, long) = match t.split_once(", ") {
            Some((s, l)) if s.len() == 2 => (Some(s.to_string()), l),
            _ => (None, t),
        };
        let Some(long) = long.strip_prefix("--") else { continue };
        let name = long.split(['=', ':']).next().unwrap_or("");
        if !name.is_empty() {
            out.push((format!("--{name}"), short));
        }
    }
    out
}

fn help_of(words: &[&str]) -> &'static str {
    match words {
        ["create", sub, ..] => create_gen::find(&[sub.to_string()]).map(|g| g.help).unwrap_or_else(|| misc::help("create")),
        ["auth", "can-i", ..] => crate::auth::CAN_I_HELP,
        ["auth", ..] => crate::auth::AUTH_HELP,
        [cmd, sub, ..] => misc::sub_help(cmd, sub).unwrap_or_else(|| misc::help(cmd)),
        [cmd, ..] => misc::help(cmd),
        [] => misc::ROOT_HELP,
    }
}

fn filtered(words: impl IntoIterator<Item = String>, prefix: &str) -> Completion {
    let mut v: Vec<String> = words.into_iter().filter(|w| w.starts_with(prefix)).collect();
    v.sort();
    v.dedup();
    Completion::Words(v)
}

/// Completes `cur`, the word after `words` (the words after `kubectl`, complete).
pub fn complete(words: &[String], cur: &str, backend: &mut dyn Backend, io: &mut Io<'_>) -> Completion {
    // Global flags that change where requests go, and the positional words.
    let mut globals: Vec<String> = Vec::new();
    let mut positional: Vec<&str> = Vec::new();
    let mut i = 0;
    let mut all_namespaces = false;
    while i < words.len() {
        let w = words[i].as_str();
        if w == "--" {
            return Completion::Files;
        }
        if let Some(name) = w.strip_prefix('-') {
            let name = name.trim_start_matches('-');
            let (name, inline) = match name.split_once('=') {
                Some((n, _)) => (n, true),
                None => (name, false),
            };
            let global = flags::GLOBAL.iter().find(|f| f.long == name || f.short.is_some_and(|c| name.len() == 1 && name.starts_with(c)));
            if name == "A" || name == "all-namespaces" {
                all_namespaces = true;
            }
            if let Some(f) = global {
                if matches!(f.long, "namespace" | "context" | "kubeconfig" | "cluster" | "user") {
                    globals.push(format!("--{}", f.long));
                    if inline {
                        globals.push(w.split_once('=').map(|(_, v)| v.to_string()).unwrap_or_default());
                    } else if let Some(v) = words.get(i + 1) {
                        globals.push(v.clone());
                    }
                }
                if f.takes_value && !inline {
                    i += 1;
                }
            } else if !inline && takes_value(&positional, name) {
                i += 1;
            }
            i += 1;
            continue;
        }
        positional.push(w);
        i += 1;
    }
    // The value of the flag just before the cursor.
    if let Some(prev) = words.last().filter(|p| p.starts_with('-') && !p.contains('=')) {
        let name = prev.trim_start_matches('-');
        if takes_value(&positional, name) || flags::GLOBAL.iter().any(|f| f.takes_value && (f.long == name || f.short.is_some_and(|c| name.len() == 1 && name.starts_with(c)))) {
            return flag_value(name, cur, &globals, backend, io);
        }
    }
    if let Some((name, value)) = cur.strip_prefix("--").and_then(|f| f.split_once('=')) {
        return match flag_value(name, value, &globals, backend, io) {
            Completion::Words(v) => Completion::Words(v.into_iter().map(|w| format!("--{name}={w}")).collect()),
            files => files,
        };
    }
    if cur.starts_with('-') {
        let mut names: Vec<String> = Vec::new();
        for (long, short) in flags_of_help(help_of(&positional)) {
            names.push(long);
            if cur == "-" {
                names.extend(short);
            }
        }
        if !positional.is_empty() {
            names.extend(flags::GLOBAL.iter().map(|f| format!("--{}", f.long)));
        }
        return filtered(names, cur);
    }
    let Some(&command) = positional.first() else {
        // cobra adds `help` and kubectl `options`; the captured help also lists the
        // plugin its machine had on PATH (`kubectl-real`), which a learner's lacks.
        let commands = commands_of(misc::ROOT_HELP).into_iter().filter(|c| c != "real").chain(["help".to_string(), "options".to_string()]);
        return filtered(commands, cur);
    };
    let args = &positional[1..];
    let mut scope = globals.clone();
    if all_namespaces {
        scope.push("-A".into());
    }
    let names_of = |kind: &str, backend: &mut dyn Backend, io: &mut Io<'_>| -> Vec<String> {
        let mut a: Vec<String> = vec!["get".into(), kind.into(), "-o".into(), "name".into()];
        a.extend(scope.iter().cloned());
        query(&a, backend, io).into_iter().map(|n| n.rsplit('/').next().unwrap_or("").to_string()).collect()
    };
    let types = |backend: &mut dyn Backend, io: &mut Io<'_>| -> Vec<String> {
        let mut a: Vec<String> = vec!["api-resources".into(), "-o".into(), "name".into(), "--verbs=get".into()];
        a.extend(globals.iter().cloned());
        query(&a, backend, io)
    };
    match (command, args) {
        ("create" | "rollout" | "config" | "set" | "auth", []) => filtered(commands_of(misc::help(command)).into_iter().chain(if command == "auth" { commands_of(crate::auth::AUTH_HELP) } else { Vec::new() }), cur),
        ("get" | "describe" | "delete" | "edit" | "label" | "annotate" | "patch" | "scale" | "wait" | "explain" | "events", []) if !cur.contains('/') => {
            if command == "events" {
                return Completion::Words(Vec::new());
            }
            filtered(types(backend, io), cur)
        }
        ("get" | "describe" | "delete" | "edit" | "label" | "annotate" | "patch" | "scale" | "wait", []) => {
            let (kind, name) = cur.split_once('/').unwrap_or(("", ""));
            filtered(names_of(kind, backend, io).into_iter().map(|n| format!("{kind}/{n}")), &format!("{kind}/{name}"))
        }
        ("get" | "describe" | "delete" | "edit" | "label" | "annotate" | "patch" | "scale" | "wait", [kind, ..]) if !kind.contains('/') && !(command != "get" && command != "describe" && command != "delete" && args.len() > 1) => {
            filtered(names_of(kind, backend, io), cur)
        }
        ("logs" | "exec" | "attach" | "port-forward" | "cp", []) => filtered(names_of("pods", backend, io), cur),
        ("logs", [_pod]) => Completion::Words(Vec::new()),
        ("rollout", [_sub]) => filtered(["daemonset", "deployment", "statefulset"].map(String::from), cur),
        ("rollout", [_sub, kind]) => filtered(names_of(kind, backend, io), cur),
        ("expose", []) => filtered(["deployment", "pod", "replicaset", "replicationcontroller", "service"].map(String::from), cur),
        ("expose" | "autoscale", [kind]) => filtered(names_of(kind, backend, io), cur),
        ("autoscale", []) => filtered(["deployment", "replicaset", "replicationcontroller", "statefulset"].map(String::from), cur),
        ("cordon" | "uncordon" | "drain", []) => filtered(names_of("nodes", backend, io), cur),
        ("top", []) => filtered(["node", "pod"].map(String::from), cur),
        ("top", [kind]) => filtered(names_of(kind, backend, io), cur),
        ("config", ["use-context" | "delete-context" | "rename-context" | "set-context", ..]) if args.len() == 1 => {
            filtered(contexts(io), cur)
        }
        ("apply" | "create" | "replace" | "diff", _) if command != "create" || args.is_empty() => Completion::Files,
        _ => Completion::Words(Vec::new()),
    }
}

/// Whether `--name` (or `-n`) of the command in `positional` takes a value.
fn takes_value(positional: &[&str], name: &str) -> bool {
    let help = help_of(positional);
    for line in help.lines() {
        let t = line.trim();
        if !t.starts_with('-') || !t.ends_with(':') {
            continue;
        }
        let (short, long) = match t.split_once(", ") {
            Some((s, l)) if s.len() == 2 => (Some(&s[1..]), l),
            _ => (None, t),
        };
        let long = long.trim_start_matches("--");
        let (lname, default) = long.trim_end_matches(':').split_once('=').unwrap_or((long, ""));
        if lname == name || short == Some(name) {
            return default != "false" && default != "true";
        }
    }
    false
}

/// The context names of the kubeconfig kubectl would read.
fn contexts(io: &Io<'_>) -> Vec<String> {
    let path = io.resolve(&crate::kubeconfig::path(io.env));
    let text = io.vfs.read(&path).map(|b| String::from_utf8_lossy(b).into_owned()).unwrap_or_default();
    crate::kubeconfig::KubeConfig::parse(&text, &path).map(|c| c.context_names()).unwrap_or_default()
}

fn flag_value(name: &str, cur: &str, globals: &[String], backend: &mut dyn Backend, io: &mut Io<'_>) -> Completion {
    let mut scope: Vec<String> = Vec::new();
    let mut g = globals.iter();
    while let Some(f) = g.next() {
        let v = g.next();
        if f != "--namespace" {
            scope.push(f.clone());
            scope.extend(v.cloned());
        }
    }
    match name {
        "n" | "namespace" => {
            let mut a: Vec<String> = vec!["get".into(), "namespaces".into(), "-o".into(), "name".into()];
            a.extend(scope);
            filtered(query(&a, backend, io).into_iter().map(|n| n.trim_start_matches("namespace/").to_string()), cur)
        }
        "context" => filtered(contexts(io), cur),
        "cluster" => filtered(query(&["config".into(), "get-clusters".into()], backend, io).into_iter().filter(|n| n != "NAME"), cur),
        "o" | "output" => filtered(
            ["custom-columns", "custom-columns-file", "go-template", "go-template-file", "json", "jsonpath", "jsonpath-as-json", "jsonpath-file", "name", "template", "templatefile", "wide", "yaml"].map(String::from),
            cur,
        ),
        "f" | "filename" | "kubeconfig" | "from-file" | "env-file" => Completion::Files,
        _ => Completion::Words(Vec::new()),
    }
}
