//! `kubectl get`: server-side tables, `-o yaml|json|name|wide`, several types at once.

use kubeniwa_core::resources::{self, ResourceType, RESOURCES};
use kubeniwa_core::Request;
use kubeniwa_format::table::{escape_terminal, Table};
use serde_json::{json, Value};

use crate::{server_error, Ctx, Fail, Outcome};

pub(crate) const TABLE_ACCEPT: &str = "application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json";

/// What the user asked for: types, each with the names wanted (empty = all).
pub(crate) struct Selection {
    pub groups: Vec<(&'static ResourceType, Vec<String>)>,
    /// More than one kind was requested, so names are printed as `kind/name`.
    pub with_kind: bool,
}

/// Parses `pods`, `pod myapp`, `pod/myapp svc/x`, `pods,svc`, `all`.
pub(crate) fn select(args: &[String], command: &str) -> Result<Selection, Fail> {
    let mut groups: Vec<(&'static ResourceType, Vec<String>)> = Vec::new();
    let mut push = |rt: &'static ResourceType, name: Option<String>| match groups.iter_mut().find(|(r, _)| std::ptr::eq(*r, rt)) {
        Some((_, names)) => names.extend(name),
        None => groups.push((rt, name.into_iter().collect())),
    };
    let resolve = |word: &str| -> Result<Vec<&'static ResourceType>, Fail> {
        if word == "all" {
            return Ok(ALL_ORDER.iter().filter_map(|k| RESOURCES.iter().find(|r| r.kind == *k && r.in_all)).collect());
        }
        resources::lookup(word)
            .map(|r| vec![r])
            .ok_or_else(|| Fail::Text(format!("error: the server doesn't have a resource type \"{word}\"\n")))
    };
    if args.iter().any(|a| a.contains('/')) {
        for a in args {
            let Some((t, n)) = a.split_once('/') else {
                return Err(Fail::Text(format!(
                    "error: there is no need to specify a resource type as a separate argument when passing arguments in resource/name form (e.g. 'kubectl {command} resource/<resource_name>' instead of 'kubectl {command} resource resource/<resource_name>'\n"
                )));
            };
            for rt in resolve(t)? {
                push(rt, Some(n.to_string()));
            }
        }
    } else if let Some((types, names)) = args.split_first() {
        for t in types.split(',').filter(|t| !t.is_empty()) {
            for rt in resolve(t)? {
                push(rt, None);
                for n in names {
                    push(rt, Some(n.clone()));
                }
            }
        }
    }
    let with_kind = groups.len() > 1 || args.first().is_some_and(|a| a == "all" || a.contains(','));
    Ok(Selection { groups, with_kind })
}

/// The order `kubectl get all` prints kinds in.
const ALL_ORDER: &[&str] = &[
    "Pod", "ReplicationController", "Service", "DaemonSet", "Deployment", "ReplicaSet", "StatefulSet", "HorizontalPodAutoscaler", "CronJob", "Job",
];

pub(crate) fn run(ctx: &mut Ctx) -> Outcome {
    let args = ctx.flags.args.clone();
    if args.is_empty() {
        return Err(Fail::Text(
            "You must specify the type of resource to get. Use \"kubectl api-resources\" for a complete list of supported resources.\n\nerror: Required resource not specified.\nUse \"kubectl explain <resource>\" for a detailed description of that resource (e.g. kubectl explain pods).\nSee 'kubectl get -h' for help and examples\n".into(),
        ));
    }
    let sel = select(&args, "get")?;
    if ctx.flags.flag("watch") || ctx.flags.flag("watch-only") {
        return crate::follow::get_watch(ctx, &sel);
    }
    let output = ctx.flags.get("output").unwrap_or("").to_string();
    let all_ns = ctx.flags.flag("all-namespaces");
    let label_sel = ctx.flags.get("selector").map(String::from);
    let field_sel = ctx.flags.get("field-selector").map(String::from);
    let (format, template) = match output.split_once('=') {
        Some((f, t)) => (f.to_string(), t.to_string()),
        None => (output.clone(), String::new()),
    };
    match format.as_str() {
        "" | "wide" | "yaml" | "json" | "name" | "kyaml" => {}
        "jsonpath" | "jsonpath-as-json" | "custom-columns" if !template.is_empty() => {}
        "jsonpath" | "jsonpath-as-json" => return Err(Fail::Text("error: template format specified but no template given\n".into())),
        "custom-columns" => return Err(Fail::Text("error: custom-columns format specified but no custom columns given\n".into())),
        o => {
            return Err(Fail::Text(format!(
                "error: unable to match a printer suitable for the output format \"{o}\", allowed formats are: custom-columns,custom-columns-file,go-template,go-template-file,json,jsonpath,jsonpath-as-json,jsonpath-file,kyaml,name,template,templatefile,wide,yaml\n"
            )));
        }
    }
    let output = format;
    let mut out = String::new();
    let mut objects: Vec<Value> = Vec::new();
    let mut printed_groups = 0;
    let mut errors = String::new();
    let mut any = false;
    for (rt, names) in &sel.groups {
        let ns = if rt.namespaced && !all_ns { Some(ctx.namespace.clone()) } else { None };
        let table_wanted = output.is_empty() || output == "wide";
        let mut rows: Vec<Value> = Vec::new();
        let mut columns: Vec<Value> = Vec::new();
        if names.is_empty() {
            let mut req = Request::get(rt.collection_path(ns.as_deref()));
            if let Some(l) = &label_sel {
                req = req.query("labelSelector", l.clone());
            }
            if let Some(f) = &field_sel {
                req = req.query("fieldSelector", f.clone());
            }
            req = req.query("limit", "500");
            if table_wanted {
                req = req.accept(TABLE_ACCEPT);
            }
            match ctx.call(req)? {
                Ok(body) => {
                    if table_wanted {
                        columns = body["columnDefinitions"].as_array().cloned().unwrap_or_default();
                        rows = body["rows"].as_array().cloned().unwrap_or_default();
                    } else {
                        for mut item in body["items"].as_array().cloned().unwrap_or_default() {
                            item["apiVersion"] = json!(rt.api_version());
                            item["kind"] = json!(rt.kind);
                            objects.push(item);
                        }
                    }
                }
                Err(e) => {
                    errors.push_str(&server_error(&e));
                    continue;
                }
            }
        } else {
            for name in names {
                let mut req = Request::get(rt.object_path(ns.as_deref(), name));
                if table_wanted {
                    req = req.accept(TABLE_ACCEPT);
                }
                match ctx.call(req)? {
                    Ok(body) => {
                        if table_wanted {
                            columns = body["columnDefinitions"].as_array().cloned().unwrap_or_default();
                            rows.extend(body["rows"].as_array().cloned().unwrap_or_default());
                        } else {
                            objects.push(body);
                        }
                    }
                    Err(e) => {
                        if !ctx.flags.flag("ignore-not-found") || e.reason != "NotFound" {
                            errors.push_str(&server_error(&e));
                        }
                    }
                }
            }
        }
        if !table_wanted {
            continue;
        }
        if rows.is_empty() {
            continue;
        }
        any = true;
        if printed_groups > 0 {
            out.push('\n');
        }
        printed_groups += 1;
        out.push_str(&render_table(ctx, rt, &columns, &rows, sel.with_kind, all_ns && rt.namespaced, output == "wide"));
    }
    // As the JSON and YAML printers of `--show-managed-fields=false` (the default) do.
    if matches!(output.as_str(), "yaml" | "json" | "kyaml") && !ctx.flags.flag("show-managed-fields") {
        for o in &mut objects {
            if let Some(m) = o.get_mut("metadata").and_then(Value::as_object_mut) {
                m.remove("managedFields");
            }
        }
    }
    match output.as_str() {
        "yaml" | "json" => {
            let single = sel.groups.len() == 1 && sel.groups[0].1.len() == 1;
            let found = !objects.is_empty();
            let doc = if single && objects.len() == 1 {
                objects.pop().unwrap_or(Value::Null)
            } else {
                json!({"apiVersion": "v1", "items": objects, "kind": "List", "metadata": {"resourceVersion": ""}})
            };
            // Nothing found and something failed: only the errors are printed.
            if found || errors.is_empty() {
                out.push_str(&if output == "yaml" { kubeniwa_format::yaml::to_string(&doc) } else { kubeniwa_format::json::to_string_pretty(&doc) });
            }
            any = true;
        }
        "jsonpath" | "jsonpath-as-json" | "custom-columns" | "kyaml" => {
            let single = sel.groups.len() == 1 && sel.groups[0].1.len() == 1 && objects.len() == 1;
            let doc = if single {
                objects[0].clone()
            } else {
                json!({"apiVersion": "v1", "items": objects, "kind": "List", "metadata": {"resourceVersion": ""}})
            };
            let printed = match output.as_str() {
                "jsonpath" => kubeniwa_format::jsonpath::print_jsonpath(&template, &doc),
                "jsonpath-as-json" => kubeniwa_format::jsonpath::print_jsonpath_as_json(&template, &doc),
                "kyaml" => Ok(kubeniwa_format::kyaml::to_string(&doc)),
                _ => kubeniwa_format::jsonpath::CustomColumns::parse_spec(&template)
                    .and_then(|c| c.render(&objects, ctx.flags.flag("no-headers"))),
            };
            match printed {
                Ok(text) => out.push_str(&text),
                Err(e) => {
                    ctx.io.out(out);
                    let e = if e.starts_with("error: ") { e } else { format!("error: {e}") };
                    return Err(Fail::Text(if e.ends_with('\n') { e } else { e + "\n" }));
                }
            }
            any = any || !objects.is_empty();
        }
        "name" => {
            for o in &objects {
                let rt = resources::by_kind(o["apiVersion"].as_str().unwrap_or(""), o["kind"].as_str().unwrap_or(""));
                let prefix = rt.map(|r| r.kind_group()).unwrap_or_default();
                out.push_str(&format!("{prefix}/{}\n", o["metadata"]["name"].as_str().unwrap_or("")));
            }
            any = any || !objects.is_empty();
        }
        _ => {}
    }
    ctx.io.out(out);
    if !errors.is_empty() {
        ctx.io.err(errors);
        return Err(Fail::Silent);
    }
    if !any && sel.groups.iter().all(|(_, n)| n.is_empty()) {
        let msg = if all_ns || sel.groups.iter().all(|(r, _)| !r.namespaced) {
            "No resources found\n".to_string()
        } else {
            format!("No resources found in {} namespace.\n", ctx.namespace)
        };
        ctx.io.err(msg);
    }
    Ok(())
}

fn render_table(ctx: &Ctx, rt: &ResourceType, columns: &[Value], rows: &[Value], with_kind: bool, with_ns: bool, wide: bool) -> String {
    let opts = TableOpts::from_flags(ctx, with_kind, with_ns, wide);
    let mut table = Table::kubectl_get();
    for line in table_lines(&opts, rt, columns, rows, !opts.no_headers) {
        table.row(line);
    }
    table.render()
}

/// How `kubectl get` turns a server-side Table into lines: which columns, the
/// namespace, label columns and `--show-labels`.
#[derive(Debug, Clone)]
pub(crate) struct TableOpts {
    pub show_labels: bool,
    pub label_cols: Vec<String>,
    pub no_headers: bool,
    pub with_kind: bool,
    pub with_ns: bool,
    pub wide: bool,
}

impl TableOpts {
    pub fn from_flags(ctx: &Ctx, with_kind: bool, with_ns: bool, wide: bool) -> TableOpts {
        TableOpts {
            show_labels: ctx.flags.flag("show-labels"),
            label_cols: ctx.flags.all("label-columns").iter().flat_map(|l| l.split(',').map(String::from).collect::<Vec<_>>()).collect(),
            no_headers: ctx.flags.flag("no-headers"),
            with_kind,
            with_ns,
            wide,
        }
    }
}

/// The cells of a table's lines: the header (when `header`), then one per row.
pub(crate) fn table_lines(opts: &TableOpts, rt: &ResourceType, columns: &[Value], rows: &[Value], header: bool) -> Vec<Vec<String>> {
    let keep: Vec<usize> = columns.iter().enumerate().filter(|(_, c)| opts.wide || c["priority"].as_i64().unwrap_or(0) == 0).map(|(i, _)| i).collect();
    let mut lines = Vec::new();
    if header {
        let mut head: Vec<String> = Vec::new();
        if opts.with_ns {
            head.push("NAMESPACE".into());
        }
        head.extend(keep.iter().map(|&i| columns[i]["name"].as_str().unwrap_or("").to_uppercase()));
        head.extend(opts.label_cols.iter().map(|l| l.rsplit('/').next().unwrap_or(l).to_uppercase()));
        if opts.show_labels {
            head.push("LABELS".into());
        }
        lines.push(head);
    }
    for row in rows {
        let cells = row["cells"].as_array().cloned().unwrap_or_default();
        let meta = &row["object"]["metadata"];
        let mut line: Vec<String> = Vec::new();
        if opts.with_ns {
            line.push(meta["namespace"].as_str().unwrap_or("").to_string());
        }
        for (n, &i) in keep.iter().enumerate() {
            let cell = cells.get(i).cloned().unwrap_or(Value::Null);
            let mut text = match cell {
                Value::String(s) => s,
                Value::Null => "<none>".into(),
                other => other.to_string(),
            };
            if n == 0 && opts.with_kind && columns[i]["format"] == "name" {
                text = format!("{}/{text}", rt.kind_group());
            }
            line.push(escape_terminal(&text));
        }
        for l in &opts.label_cols {
            line.push(meta["labels"][l.as_str()].as_str().unwrap_or("").to_string());
        }
        if opts.show_labels {
            let labels: Vec<String> =
                meta["labels"].as_object().map(|m| m.iter().map(|(k, v)| format!("{k}={}", v.as_str().unwrap_or(""))).collect()).unwrap_or_default();
            line.push(if labels.is_empty() { "<none>".into() } else { labels.join(",") });
        }
        lines.push(line);
    }
    lines
}
