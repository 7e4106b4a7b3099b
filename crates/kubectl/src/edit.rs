//! `kubectl edit TYPE/NAME` (`pkg/cmd/edit`, `pkg/cmd/util/editor`): the object as
//! YAML in a temp file under a comment header, `$KUBE_EDITOR` / `$EDITOR` (default
//! `vi`) run on it through a shell, then the edit applied: `deployment.apps/x edited`,
//! `Edit cancelled, no changes made.`, or the file reopened with the server's
//! complaints as comments until the edit is valid or the same as before.
//!
//! The editor runs in a fresh shell over the same filesystem, with only the shell's
//! own programs (so `EDITOR='sed -i s/a/b/'` works; an editor it lacks fails as a
//! missing one does). In the page, with neither variable set, the file opens in the
//! page's editor instead ([`crate::Backend::page_editor`]): the command holds the
//! terminal as an [`EditJob`] until the learner closes the file, and each editor
//! session is one [`Edit`] round.

use std::collections::BTreeMap;

use kubeniwa_core::resources::ResourceType;
use kubeniwa_core::{Method, Request};
use kubeniwa_shell::{Host, Io, Shell, Sink, Vfs};
use serde_json::{json, Value};

use crate::flags::Parsed;
use crate::get::select;
use crate::{server_error, Backend, Ctx, Fail, Job, Outcome};

const HEADER: &str = "# Please edit the object below. Lines beginning with a '#' will be ignored,\n# and an empty file will abort the edit. If an error occurs while saving this file will be\n# reopened with the relevant failures.\n#\n";

/// How many times the file is reopened after invalid edits, at most (a real learner
/// gives up; a scripted editor that keeps producing invalid edits must not loop).
const MAX_ROUNDS: usize = 10;

pub(crate) fn run(ctx: &mut Ctx) -> Outcome {
    let words = ctx.flags.args.clone();
    if words.is_empty() {
        return Err(Fail::Text("error: must provide one or more resources by argument or filename.\nExample resource specifications include:\n   '-f rsrc.yaml'\n   '--filename=rsrc.json'\n   '<resource> <name>'\n   '<resource>'\n".into()));
    }
    let sel = select(&words, "edit")?;
    let mut infos: Vec<(&'static ResourceType, Value)> = Vec::new();
    for (rt, names) in sel.groups {
        let ns = rt.namespaced.then(|| ctx.namespace.clone());
        if names.is_empty() {
            let list = match ctx.call(Request::get(rt.collection_path(ns.as_deref())))? {
                Ok(l) => l,
                Err(e) => return Err(Fail::Text(server_error(&e))),
            };
            for mut item in list["items"].as_array().cloned().unwrap_or_default() {
                item["apiVersion"] = json!(rt.api_version());
                item["kind"] = json!(rt.kind);
                infos.push((rt, item));
            }
        } else {
            for n in names {
                match ctx.call(Request::get(rt.object_path(ns.as_deref(), &n)))? {
                    Ok(o) => infos.push((rt, o)),
                    Err(e) => return Err(Fail::Text(server_error(&e))),
                }
            }
        }
    }
    if infos.is_empty() {
        return Err(Fail::Text("error: edit cancelled, no objects found\n".into()));
    }
    for (_, o) in infos.iter_mut() {
        if let Some(m) = o["metadata"].as_object_mut() {
            m.remove("managedFields");
        }
    }
    let original_obj = if infos.len() == 1 {
        infos[0].1.clone()
    } else {
        json!({"apiVersion": "v1", "kind": "List", "metadata": {}, "items": infos.iter().map(|(_, o)| o.clone()).collect::<Vec<_>>()})
    };
    let original = kubeniwa_format::yaml::to_string(&original_obj);
    let path = format!("/tmp/kubectl-edit-{}.yaml", (ctx.backend.now().wrapping_mul(2_654_435_761)) % 4_294_967_296);
    let mut edit = Edit { infos, original, path, reasons: Vec::new(), edited: String::new(), contains_error: false, rounds: 0 };
    let chosen = ctx.io.env.get("KUBE_EDITOR").or_else(|| ctx.io.env.get("EDITOR")).cloned().filter(|e| !e.trim().is_empty());
    if chosen.is_none() && ctx.backend.page_editor() && ctx.backend.can_hold() {
        // The page's editor: the command waits, holding the terminal, until the learner
        // closes it (`Job::editor_closed`).
        edit.open(ctx.io.vfs)?;
        let job = EditJob { edit, server: ctx.server.clone(), namespace: ctx.namespace.clone(), flags: ctx.flags.clone() };
        ctx.backend.hold(Box::new(job));
        return Ok(());
    }
    let editor = chosen.unwrap_or_else(|| "vi".to_string());
    loop {
        edit.open(ctx.io.vfs)?;
        if run_editor(ctx.io, &editor, &edit.path) != 0 {
            return Err(Fail::Text(format!("error: there was a problem with the editor {editor:?}\n")));
        }
        match edit.closed(ctx)? {
            Round::Done => return Ok(()),
            Round::Reopen => {}
        }
    }
}

/// What an edit round decided.
enum Round {
    Done,
    /// The edit was invalid: the file is opened again with the reasons at the top.
    Reopen,
}

/// One `kubectl edit` between editor sessions (`editor.EditOptions.Run`'s loop): the
/// objects as fetched, and what the last round found wrong.
struct Edit {
    infos: Vec<(&'static ResourceType, Value)>,
    /// The objects as YAML, as first shown.
    original: String,
    /// The temp file the editor edits.
    path: String,
    reasons: Vec<(String, Vec<String>)>,
    /// The file as the editor left it last time.
    edited: String,
    contains_error: bool,
    rounds: usize,
}

impl Edit {
    /// Writes the file for the next editor session: the header, the reasons of the
    /// last round's failures, then the objects (as first shown, or as last edited).
    fn open(&mut self, vfs: &mut Vfs) -> Outcome {
        let mut buf = String::from(HEADER);
        for (head, other) in &self.reasons {
            if other.is_empty() {
                buf.push_str(&format!("# {head}\n"));
            } else {
                buf.push_str(&format!("# {head}:\n"));
                for o in other {
                    buf.push_str(&format!("# * {o}\n"));
                }
            }
            buf.push_str("#\n");
        }
        if self.contains_error {
            buf.push_str(&strip_comment_lines(&self.edited));
        } else {
            buf.push_str(&self.original);
        }
        let _ = vfs.create_dir_all("/tmp");
        if vfs.write(&self.path, buf.into_bytes()).is_err() {
            return Err(Fail::Text(format!("error: open {}: no such file or directory\n", self.path)));
        }
        Ok(())
    }

    /// The editor was closed: reads the file and applies the edit.
    fn closed(&mut self, ctx: &mut Ctx) -> Result<Round, Fail> {
        let path = self.path.clone();
        self.rounds += 1;
        let previous = std::mem::take(&mut self.edited);
        self.edited = ctx.io.vfs.read(&path).map(|b| String::from_utf8_lossy(b).into_owned()).unwrap_or_default();
        let edited = self.edited.clone();
        if self.contains_error && strip_comments(&previous) == strip_comments(&edited) {
            ctx.io.err(format!("A copy of your changes has been stored to {path:?}\n"));
            return Err(Fail::Text("error: Edit cancelled, no valid changes were saved.\n".into()));
        }
        if strip_comments(&self.original) == strip_comments(&edited) {
            let _ = ctx.io.vfs.remove(&path);
            ctx.io.err("Edit cancelled, no changes made.\n");
            return Ok(Round::Done);
        }
        if !edited.lines().any(|l| !l.trim().is_empty() && !l.trim_start().starts_with('#')) {
            let _ = ctx.io.vfs.remove(&path);
            ctx.io.err("Edit cancelled, saved file was empty.\n");
            return Ok(Round::Done);
        }
        let docs = match kubeniwa_format::yaml::parse_documents(&strip_comment_lines(&edited)) {
            Ok(d) => d,
            Err(e) => {
                self.reasons = vec![(format!("The edited file had a syntax error: {e}"), Vec::new())];
                self.contains_error = true;
                return self.reopen(ctx);
            }
        };
        let updated: Vec<Value> = match docs.into_iter().next() {
            Some(v) if v["kind"] == "List" => v["items"].as_array().cloned().unwrap_or_default(),
            Some(v) => vec![v],
            None => Vec::new(),
        };
        self.reasons.clear();
        let mut invalid = false;
        for new in updated {
            let Some((rt, old)) = self.infos.iter().find(|(_, o)| o["metadata"]["name"] == new["metadata"]["name"] && o["kind"] == new["kind"]) else {
                return Err(Fail::Text("error: At least one of apiVersion, kind and name was changed\n".into()));
            };
            let rt = *rt;
            let name = old["metadata"]["name"].as_str().unwrap_or("").to_string();
            let resource = if rt.group.is_empty() { rt.plural.to_string() } else { format!("{}.{}", rt.plural, rt.group) };
            if *old == new {
                ctx.io.out(format!("{}/{name} skipped\n", rt.kind_group()));
                continue;
            }
            if new["apiVersion"] != old["apiVersion"] {
                return Err(Fail::Text("error: At least one of apiVersion, kind and name was changed\n".into()));
            }
            let ns = rt.namespaced.then(|| ctx.namespace.clone());
            let req = Request::new(Method::Put, rt.object_path(ns.as_deref(), &name)).body(new.clone()).query("fieldManager", "kubectl-edit");
            match ctx.call(req)? {
                Ok(_) => ctx.io.out(format!("{}/{name} edited\n", rt.kind_group())),
                Err(e) if e.reason == "Invalid" => {
                    let causes: Vec<String> = e
                        .details
                        .as_ref()
                        .and_then(|d| d["causes"].as_array().cloned())
                        .unwrap_or_default()
                        .iter()
                        .map(|c| format!("{}: {}", c["field"].as_str().unwrap_or(""), c["message"].as_str().unwrap_or("")))
                        .collect();
                    self.reasons.push((format!("{resource} {name:?} was not valid"), causes));
                    ctx.io.err(format!("error: {resource} {name:?} is invalid\n"));
                    invalid = true;
                }
                Err(e) if e.reason == "NotFound" => {
                    ctx.io.err(format!("error: {resource} {name:?} could not be found on the server\n"));
                    ctx.io.err(format!("The edits you made on deleted resources have been saved to {path:?}\n"));
                    return Err(Fail::Silent);
                }
                Err(e) => {
                    ctx.io.err(format!("error: {resource} {name:?} could not be patched: {}\n", e.message));
                    ctx.io.err(format!("You can run `kubectl replace -f {path}` to try this update again.\n"));
                    return Err(Fail::Silent);
                }
            }
        }
        if !invalid {
            let _ = ctx.io.vfs.remove(&path);
            return Ok(Round::Done);
        }
        self.contains_error = true;
        self.reopen(ctx)
    }

    /// Another editor session, unless there have been too many.
    fn reopen(&mut self, ctx: &mut Ctx) -> Result<Round, Fail> {
        if self.rounds >= MAX_ROUNDS {
            ctx.io.err(format!("A copy of your changes has been stored to {:?}\n", self.path));
            return Err(Fail::Text("error: Edit cancelled, no valid changes were saved.\n".into()));
        }
        Ok(Round::Reopen)
    }
}

/// `kubectl edit` waiting for the page's editor: holds the terminal (Ctrl-C ends it,
/// leaving the file) until the learner closes the file.
struct EditJob {
    edit: Edit,
    server: Option<String>,
    namespace: String,
    flags: Parsed,
}

impl Job for EditJob {
    fn poll(&mut self, _backend: &mut dyn Backend, _out: &mut String) -> Option<i32> {
        // Nothing happens while the learner edits.
        None
    }

    fn editing(&self) -> Option<String> {
        Some(self.edit.path.clone())
    }

    fn editor_closed(&mut self, backend: &mut dyn Backend, vfs: &mut Vfs, out: &mut String) -> Option<i32> {
        let env = BTreeMap::new();
        let mut sink = Terminal(out);
        let mut io = Io { stdin: &[], vfs, cwd: "/", env: &env, sink: &mut sink };
        let mut ctx = Ctx {
            backend,
            io: &mut io,
            server: self.server.clone(),
            namespace: self.namespace.clone(),
            namespace_explicit: false,
            flags: self.flags.clone(),
        };
        let round = self.edit.closed(&mut ctx).and_then(|round| {
            if let Round::Reopen = round {
                self.edit.open(ctx.io.vfs)?;
            }
            Ok(round)
        });
        match round {
            Ok(Round::Reopen) => None,
            Ok(Round::Done) => Some(0),
            Err(fail) => Some(crate::report(fail, ctx.io)),
        }
    }
}

/// The terminal's interleaving of stdout and stderr, into one string.
struct Terminal<'a>(&'a mut String);

impl Sink for Terminal<'_> {
    fn write(&mut self, _stream: kubeniwa_shell::Stream, bytes: &[u8]) {
        self.0.push_str(&String::from_utf8_lossy(bytes));
    }
}

/// `cmdutil.StripComments`: the lines that are not comments.
fn strip_comments(text: &str) -> String {
    strip_comment_lines(text).lines().filter(|l| !l.trim().is_empty()).collect::<Vec<_>>().join("\n")
}

/// `cmdutil.ManualStrip`: drops the lines that start with `#`.
fn strip_comment_lines(text: &str) -> String {
    let mut out = String::new();
    for l in text.lines() {
        if l.trim_start().starts_with('#') {
            continue;
        }
        out.push_str(l);
        out.push('\n');
    }
    out
}

/// Runs `EDITOR FILE` in a fresh shell over the learner's filesystem; its output goes
/// to the terminal. Returns the editor's exit status. Without the page's editor the
/// default `vi` is missing, as it would be from a bare image.
fn run_editor(io: &mut Io<'_>, editor: &str, path: &str) -> i32 {
    struct NoHost;
    impl Host for NoHost {
        fn run(&mut self, _argv: &[String], _io: &mut Io<'_>) -> Option<i32> {
            None
        }
    }
    let home = io.env.get("HOME").cloned().unwrap_or_else(|| "/".to_string());
    let vfs = std::mem::replace(io.vfs, Vfs::new());
    let mut shell = Shell::new(vfs, &home);
    let outcome = shell.run(&mut NoHost, &format!("{editor} {path}"));
    *io.vfs = std::mem::replace(shell.vfs_mut(), Vfs::new());
    if !outcome.text.is_empty() {
        io.err(outcome.text);
    }
    outcome.status
}
