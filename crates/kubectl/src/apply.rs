//! `kubectl apply -f` (client-side apply with `last-applied-configuration` and a
//! three-way merge) and `kubectl create -f`.

use kubeniwa_core::resources::{self, ResourceType};
use kubeniwa_core::{Method, Request};
use serde_json::{json, Map, Value};

use crate::{Ctx, Fail, Outcome};

pub(crate) const LAST_APPLIED: &str = "kubectl.kubernetes.io/last-applied-configuration";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Mode {
    Apply,
    Create,
}

/// One document read from a manifest source.
pub(crate) struct Doc {
    pub source: String,
    pub obj: Value,
}

/// Reads every `-f` source: files, directories (`.yaml`, `.yml`, `.json`), `-` for stdin.
pub(crate) fn read_sources(ctx: &mut Ctx, command: &str) -> Result<Vec<Doc>, Fail> {
    let sources = ctx.flags.all("filename");
    if sources.is_empty() {
        return Err(Fail::Usage {
            message: "must specify one of -f and -k".into(),
            command: command.into(),
        });
    }
    let mut docs = Vec::new();
    for src in sources {
        let files: Vec<(String, String)> = if src == "-" {
            vec![("STDIN".into(), String::from_utf8_lossy(ctx.io.stdin).into_owned())]
        } else if src.starts_with("http://") || src.starts_with("https://") {
            vec![(src.clone(), read_url(ctx, &src)?)]
        } else {
            let path = ctx.io.resolve(&src);
            match ctx.io.vfs.read(&path) {
                Ok(bytes) => vec![(src.clone(), String::from_utf8_lossy(bytes).into_owned())],
                Err(_) => {
                    let listing = ctx.io.vfs.list_dir(&path);
                    match listing {
                        Ok(entries) => {
                            let mut files = Vec::new();
                            for name in entries {
                                if [".yaml", ".yml", ".json"].iter().any(|e| name.ends_with(e)) {
                                    let full = format!("{}/{name}", path.trim_end_matches('/'));
                                    if let Ok(b) = ctx.io.vfs.read(&full) {
                                        files.push((format!("{}/{name}", src.trim_end_matches('/')), String::from_utf8_lossy(b).into_owned()));
                                    }
                                }
                            }
                            files
                        }
                        Err(_) => return Err(Fail::Text(format!("error: the path \"{src}\" does not exist\n"))),
                    }
                }
            }
        };
        for (name, text) in files {
            let parsed = kubeniwa_format::yaml::parse_documents(&text).map_err(|e| Fail::Text(format!("error: {}\n", e.kubectl_message(&name))))?;
            for obj in parsed {
                if obj.is_null() {
                    continue;
                }
                if obj["kind"] == "List" {
                    for item in obj["items"].as_array().cloned().unwrap_or_default() {
                        docs.push(Doc { source: name.clone(), obj: item });
                    }
                } else {
                    docs.push(Doc { source: name.clone(), obj });
                }
            }
        }
    }
    if docs.is_empty() {
        return Err(Fail::Text("error: no objects passed to ".to_string() + command + "\n"));
    }
    Ok(docs)
}

/// The body of `-f URL` as the resource builder's URL visitor reads it: up to three
/// attempts a second apart while the request fails or the server answers 5xx; any
/// other status is final. A failed request is a connection error, which kubectl
/// reports as `Unable to connect to the server`.
fn read_url(ctx: &mut Ctx, url: &str) -> Result<String, Fail> {
    const ATTEMPTS: usize = 3;
    let mut last = None;
    for attempt in 0..ATTEMPTS {
        if attempt > 0 {
            ctx.backend.wait(1000);
        }
        match ctx.backend.get_url(url) {
            crate::UrlReply::Body(body) => return Ok(body),
            crate::UrlReply::Status(code, status) => {
                last = Some(format!("error: unable to read URL \"{url}\", server reported {status}, status code={code}\n"));
                if !(500..600).contains(&code) {
                    break;
                }
            }
            crate::UrlReply::Error(e) => last = Some(format!("Unable to connect to the server: {e}\n")),
        }
    }
    Err(Fail::Text(last.unwrap_or_default()))
}

/// The type of a manifest, or kubectl's mapping error.
pub(crate) fn mapping(doc: &Doc) -> Result<&'static ResourceType, Fail> {
    let api_version = doc.obj["apiVersion"].as_str().unwrap_or("");
    let kind = doc.obj["kind"].as_str().unwrap_or("");
    if kind.is_empty() || api_version.is_empty() {
        let which = if kind.is_empty() { "kind" } else { "apiVersion" };
        return Err(Fail::Text(format!(
            "error: error validating \"{}\": error validating data: {which} not set; if you choose to ignore these errors, turn validation off with --validate=false\n",
            doc.source
        )));
    }
    resources::by_kind(api_version, kind).ok_or_else(|| {
        let name = doc.obj["metadata"]["name"].as_str().unwrap_or("");
        let ns = doc.obj["metadata"]["namespace"].as_str().unwrap_or("");
        Fail::Text(format!(
            "error: resource mapping not found for name: \"{name}\" namespace: \"{ns}\" from \"{}\": no matches for kind \"{kind}\" in version \"{api_version}\"\nensure CRDs are installed first\n",
            doc.source
        ))
    })
}

/// The namespace a manifest goes to; a conflict with `-n` is kubectl's error.
fn namespace_of(ctx: &Ctx, rt: &ResourceType, obj: &Value) -> Result<Option<String>, Fail> {
    if !rt.namespaced {
        return Ok(None);
    }
    match obj["metadata"]["namespace"].as_str() {
        Some(ns) if ctx.namespace_explicit && ns != ctx.namespace => Err(Fail::Text(format!(
            "error: the namespace from the provided object \"{ns}\" does not match the namespace \"{}\". You must pass '--namespace={ns}' to perform this operation.\n",
            ctx.namespace
        ))),
        Some(ns) => Ok(Some(ns.to_string())),
        None => Ok(Some(ctx.namespace.clone())),
    }
}

/// A manifest's object as a command sends it: the namespace it goes to (see
/// [`namespace_of`]), its name, and the object with that namespace written in.
pub(crate) struct Target {
    pub(crate) ns: Option<String>,
    pub(crate) name: String,
    pub(crate) obj: Value,
}

/// The per-document prologue of apply, create, replace, diff, delete and describe `-f`.
pub(crate) fn target(ctx: &Ctx, rt: &ResourceType, doc: &Doc) -> Result<Target, Fail> {
    let ns = namespace_of(ctx, rt, &doc.obj)?;
    let name = doc.obj["metadata"]["name"].as_str().unwrap_or("").to_string();
    let mut obj = doc.obj.clone();
    if let Some(n) = &ns {
        obj["metadata"]["namespace"] = json!(n);
    }
    Ok(Target { ns, name, obj })
}

/// `--validate` as `cmdutil.GetValidationDirective` reads it: the `fieldValidation`
/// the requests carry.
pub(crate) fn validation_directive(ctx: &Ctx) -> Result<&'static str, Fail> {
    match ctx.flags.get("validate").unwrap_or("strict") {
        "true" | "strict" => Ok("Strict"),
        "warn" => Ok("Warn"),
        "false" | "ignore" => Ok("Ignore"),
        other => Err(Fail::Text(format!("error: invalid - validate option {other:?}; must be one of: strict (or true), warn, ignore (or false)\n"))),
    }
}

pub(crate) fn run(ctx: &mut Ctx, mode: Mode) -> Outcome {
    let command = if mode == Mode::Apply { "apply" } else { "create" };
    if mode == Mode::Create && ctx.flags.all("filename").is_empty() {
        return Err(Fail::Text(
            "error: must specify one of -f and -k\n\nSee 'kubectl create -h' for help and examples\n".into(),
        ));
    }
    validation_directive(ctx)?;
    let docs = read_sources(ctx, command)?;
    let dry_run = match ctx.flags.get("dry-run") {
        None | Some("none") => None,
        Some("client") | Some("true") => Some("client"),
        Some("server") => Some("server"),
        Some(other) => {
            return Err(Fail::Text(format!("error: Invalid dry-run value ({other}). Must be \"none\", \"server\", or \"client\".\n")));
        }
    };
    let suffix = match dry_run {
        Some("client") => " (dry run)",
        Some("server") => " (server dry run)",
        _ => "",
    };
    let output = ctx.flags.get("output").map(String::from);
    let server_side = mode == Mode::Apply && ctx.flags.flag("server-side");
    if mode == Mode::Apply && ctx.flags.flag("force-conflicts") && !server_side {
        return Err(Fail::Text("error: --force-conflicts only works with --server-side\n".into()));
    }
    let mut failed = false;
    for doc in docs {
        let rt = match mapping(&doc) {
            Ok(rt) => rt,
            Err(Fail::Text(t)) => {
                ctx.io.err(t);
                failed = true;
                continue;
            }
            Err(e) => return Err(e),
        };
        let Target { ns, name, obj } = target(ctx, rt, &doc)?;
        let prefix = rt.kind_group();
        let result: Result<(String, Value), String> = if mode == Mode::Create {
            let mut body = obj.clone();
            if ctx.flags.flag("save-config") {
                set_last_applied(&mut body);
            }
            create(ctx, rt, ns.as_deref(), body, dry_run, &doc.source).map(|o| ("created".to_string(), o))
        } else if server_side {
            server_side_apply(ctx, rt, ns.as_deref(), &name, obj, dry_run).map(|o| ("serverside-applied".to_string(), o))
        } else {
            apply_one(ctx, rt, ns.as_deref(), &name, obj, dry_run, &doc.source)?
        };
        match result {
            Ok((verb, applied)) => match output.as_deref() {
                Some("yaml") => ctx.io.out(kubeniwa_format::yaml::to_string(&applied)),
                Some("json") => ctx.io.out(kubeniwa_format::json::to_string_pretty(&applied)),
                Some("name") => ctx.io.out(format!("{prefix}/{name}\n")),
                _ => ctx.io.out(format!("{prefix}/{name} {verb}{suffix}\n")),
            },
            Err(message) => {
                ctx.io.err(message);
                failed = true;
            }
        }
    }
    if failed {
        Err(Fail::Silent)
    } else {
        Ok(())
    }
}

/// The annotation kubectl stores: the manifest as given, compact, with empty
/// `annotations` when it had none of its own.
fn set_last_applied(obj: &mut Value) {
    let mut copy = obj.clone();
    if let Some(m) = copy["metadata"]["annotations"].as_object_mut() {
        m.remove(LAST_APPLIED);
    } else {
        copy["metadata"]["annotations"] = json!({});
    }
    let text = kubeniwa_format::json::to_string_compact(&copy);
    obj["metadata"]["annotations"][LAST_APPLIED] = json!(text + "\n");
}

/// `apply --server-side`: the whole manifest as an apply patch; the server merges it
/// for the field manager (`kubectl` unless `--field-manager`).
fn server_side_apply(ctx: &mut Ctx, rt: &ResourceType, ns: Option<&str>, name: &str, body: Value, dry_run: Option<&str>) -> Result<Value, String> {
    if dry_run == Some("client") {
        return Ok(body);
    }
    let manager = ctx.flags.get("field-manager").unwrap_or("kubectl").to_string();
    let force = if ctx.flags.flag("force-conflicts") { "true" } else { "false" };
    let mut req = Request::new(Method::Patch, rt.object_path(ns, name))
        .content_type("application/apply-patch+yaml")
        .body(body)
        .query("fieldManager", manager)
        .query("fieldValidation", "Strict")
        .query("force", force);
    if dry_run == Some("server") {
        req = req.query("dryRun", "All");
    }
    match ctx.call(req) {
        Ok(Ok(o)) => Ok(o),
        Ok(Err(e)) if e.code == 409 && e.reason == "Conflict" => Err(format!(
            "error: {}\nPlease review the fields above--they currently have other managers. Here\nare the ways you can resolve this warning:\n* If you intend to manage all of these fields, please re-run the apply\n  command with the `--force-conflicts` flag.\n* If you do not intend to manage all of the fields, please edit your\n  manifest to remove references to the fields that should keep their\n  current managers.\n* You may co-own fields by updating your manifest to match the existing\n  value; in this case, you'll become the manager if the other manager(s)\n  stop managing the field (remove it from their configuration).\nSee https://kubernetes.io/docs/reference/using-api/server-side-apply/#conflicts\n",
            e.message
        )),
        Ok(Err(e)) => Err(crate::server_error_in(&e, None)),
        Err(Fail::Text(t)) => Err(t),
        Err(_) => Err(String::new()),
    }
}

fn create(ctx: &mut Ctx, rt: &ResourceType, ns: Option<&str>, body: Value, dry_run: Option<&str>, source: &str) -> Result<Value, String> {
    if dry_run == Some("client") {
        return Ok(body);
    }
    let mut req = Request::new(Method::Post, rt.collection_path(ns)).body(body).query("fieldManager", "kubectl-client-side-apply").query("fieldValidation", validation_directive(ctx).unwrap_or("Strict"));
    if dry_run == Some("server") {
        req = req.query("dryRun", "All");
    }
    match ctx.call(req) {
        Ok(Ok(o)) => Ok(o),
        Ok(Err(e)) => Err(crate::server_error_in(&e, Some(&format!("error when creating \"{source}\"")))),
        Err(Fail::Text(t)) => Err(t),
        Err(_) => Err(String::new()),
    }
}

type ApplyResult = Result<(String, Value), String>;

fn apply_one(ctx: &mut Ctx, rt: &ResourceType, ns: Option<&str>, name: &str, mut obj: Value, dry_run: Option<&str>, source: &str) -> Result<ApplyResult, Fail> {
    set_last_applied(&mut obj);
    let live = ctx.call(Request::get(rt.object_path(ns, name)))?;
    let live = match live {
        Ok(l) => l,
        Err(e) if e.reason == "NotFound" => return Ok(create(ctx, rt, ns, obj, dry_run, source).map(|o| ("created".into(), o))),
        Err(e) => {
            return Ok(Err(format!(
                "Error from server ({}): error when retrieving current configuration of:\nResource: \"{}\", GroupVersionKind: \"{}\"\nName: \"{name}\", Namespace: \"{}\"\nfrom server for: \"{source}\": {}\n",
                e.reason,
                rt.group_resource(),
                gvk(rt),
                ns.unwrap_or(""),
                e.message
            )))
        }
    };
    let previous: Value = live["metadata"]["annotations"][LAST_APPLIED]
        .as_str()
        .and_then(|s| serde_json::from_str(s).ok())
        .unwrap_or(Value::Null);
    let patch = three_way(&previous, &obj, &live);
    let mut preview = live.clone();
    kubeniwa_core::patch::strategic_merge_patch(&mut preview, &patch);
    if preview == live || patch.as_object().is_some_and(Map::is_empty) {
        return Ok(Ok(("unchanged".into(), live)));
    }
    if dry_run == Some("client") {
        return Ok(Ok(("configured".into(), preview)));
    }
    let mut req = Request::new(Method::Patch, rt.object_path(ns, name))
        .content_type("application/strategic-merge-patch+json")
        .body(patch)
        .query("fieldManager", "kubectl-client-side-apply")
        .query("fieldValidation", validation_directive(ctx).unwrap_or("Strict"));
    if dry_run == Some("server") {
        req = req.query("dryRun", "All");
    }
    Ok(match ctx.call(req)? {
        Ok(o) => {
            let verb = if o == live { "unchanged" } else { "configured" };
            Ok((verb.into(), o))
        }
        Err(e) => Err(format!(
            "Error from server ({}): error when applying patch:\n{}\n\nResource: \"{}\", GroupVersionKind: \"{}\"\nName: \"{name}\", Namespace: \"{}\"\nfor: \"{source}\": error when patching \"{source}\": {}\n",
            e.reason,
            kubeniwa_format::json::to_string_compact(&obj),
            rt.group_resource(),
            gvk(rt),
            ns.unwrap_or(""),
            e.message
        )),
    })
}

fn gvk(rt: &ResourceType) -> String {
    if rt.group.is_empty() {
        format!("/{}, Kind={}", rt.version, rt.kind)
    } else {
        format!("{}/{}, Kind={}", rt.group, rt.version, rt.kind)
    }
}

/// The three-way strategic merge patch of client-side apply.
pub(crate) fn three_way(previous: &Value, new: &Value, live: &Value) -> Value {
    kubeniwa_core::patch::three_way_merge_patch(previous, new, live)
}
