//! `kubectl describe`: the describers of kubectl's `pkg/describe` (v1.35.2), rewritten
//! over the JSON objects the API server returns.
//!
//! Every describer writes through [`Out`], kubectl's `PrefixWriter` over a Go tabwriter
//! configured as `tabbedString` does (minwidth 0, tabwidth 8, padding 2). Each function
//! names the Go function it mirrors so that a reader can hold the two side by side.
//! Anything a describer needs besides the object (events, pods, ReplicaSets, the node
//! lease) it asks the API server for with the same requests kubectl sends.

use kubeniwa_core::resources::ResourceType;
use kubeniwa_core::time::{civil_from_days, parse_rfc3339, Millis};
use kubeniwa_core::{ApiError, Request};
use kubeniwa_format::duration::human_duration_signed;
use kubeniwa_format::table::{escape_terminal, TabWriter, TabWriterConfig};
use serde_json::Value;

use crate::{server_error, Ctx, Fail, Outcome};

/// `DescriberSettings`: `--show-events` and `--chunk-size`.
struct Settings {
    show_events: bool,
    chunk_size: u64,
}

/// One object to describe, as the resource builder yields it.
struct Info {
    rt: &'static ResourceType,
    namespace: String,
    name: String,
}

pub(crate) fn run(ctx: &mut Ctx) -> Outcome {
    let args = ctx.flags.args.clone();
    let files = ctx.flags.all("filename");
    if args.is_empty() && files.is_empty() {
        return Err(Fail::Text(
            "error: You must specify the type of resource to describe. Use \"kubectl api-resources\" for a complete list of supported resources.\n".into(),
        ));
    }
    // `--show-events` is a boolean that defaults to true; only `=false` turns it off.
    let settings = Settings {
        show_events: ctx.flags.get("show-events").is_none_or(|v| v != "false"),
        chunk_size: ctx.flags.get("chunk-size").and_then(|v| v.parse().ok()).unwrap_or(500),
    };
    let all_ns = ctx.flags.flag("all-namespaces");
    let selector = ctx.flags.get("selector").map(String::from);

    let mut infos: Vec<Info> = Vec::new();
    let mut errors: Vec<ApiError> = Vec::new();
    if !files.is_empty() {
        if !args.is_empty() {
            return Err(Fail::Text("error: when paths, URLs, or stdin is provided as input, you may not specify resource arguments as well\n".into()));
        }
        for doc in crate::apply::read_sources(ctx, "describe")? {
            let rt = crate::apply::mapping(&doc)?;
            let t = crate::apply::target(ctx, rt, &doc)?;
            infos.push(Info { rt, namespace: t.ns.unwrap_or_default(), name: t.name });
        }
    } else {
        let sel = crate::get::select(&args, "describe")?;
        if selector.is_some() && sel.groups.iter().any(|(_, names)| !names.is_empty()) {
            return Err(Fail::Text("error: name cannot be provided when a selector is specified\n".into()));
        }
        for (rt, names) in &sel.groups {
            if names.is_empty() {
                let ns = if rt.namespaced && !all_ns { Some(ctx.namespace.clone()) } else { None };
                let mut req = Request::get(rt.collection_path(ns.as_deref()));
                if let Some(l) = &selector {
                    req = req.query("labelSelector", l.clone());
                }
                req = with_limit(req, &settings);
                match ctx.call(req)? {
                    Ok(list) => {
                        for item in arr(&list["items"]) {
                            let meta = &item["metadata"];
                            infos.push(Info { rt, namespace: s(&meta["namespace"]).to_string(), name: s(&meta["name"]).to_string() });
                        }
                    }
                    Err(e) => errors.push(e),
                }
            } else {
                if rt.namespaced && all_ns {
                    return Err(Fail::Text("error: a resource cannot be retrieved by name across all namespaces\n".into()));
                }
                let ns = if rt.namespaced { ctx.namespace.clone() } else { String::new() };
                for name in names {
                    let path = rt.object_path(rt.namespaced.then_some(ns.as_str()), name);
                    match ctx.call(Request::get(path))? {
                        Ok(_) => infos.push(Info { rt, namespace: ns.clone(), name: name.clone() }),
                        Err(e) => errors.push(e),
                    }
                }
            }
        }
        // `kubectl describe TYPE NAME_PREFIX`: a name that does not exist describes every
        // object whose name starts with it (DescribeMatchingResources).
        if args.len() == 2 && !args.iter().any(|a| a.contains('/')) && errors.len() == 1 && errors[0].reason == "NotFound" && sel.groups.len() == 1 {
            let original = errors.remove(0);
            return describe_matching(ctx, sel.groups[0].0, &args[1], original, &settings);
        }
    }

    let mut out = String::new();
    // Describer errors are reported once each; the builder's own errors are not deduplicated.
    let mut seen: Vec<String> = Vec::new();
    let mut first = true;
    for info in &infos {
        match describe(ctx, info, &settings)? {
            Ok(text) => {
                if !first {
                    out.push_str("\n\n");
                }
                first = false;
                out.push_str(&text);
            }
            Err(e) => {
                if !seen.contains(&e.message) {
                    seen.push(e.message.clone());
                    errors.push(e);
                }
            }
        }
    }
    ctx.io.out(out);
    if infos.is_empty() && errors.is_empty() {
        let msg = if all_ns { "No resources found\n".to_string() } else { format!("No resources found in {} namespace.\n", ctx.namespace) };
        ctx.io.err(msg);
    }
    if errors.is_empty() {
        return Ok(());
    }
    let text: String = errors.iter().map(server_error).collect();
    Err(Fail::Text(text))
}

/// `DescribeOptions.DescribeMatchingResources`: every object of the type in the namespace
/// whose name starts with `prefix`, each followed by a blank line.
fn describe_matching(ctx: &mut Ctx, rt: &'static ResourceType, prefix: &str, original: ApiError, settings: &Settings) -> Outcome {
    let ns = if rt.namespaced { Some(ctx.namespace.clone()) } else { None };
    let req = with_limit(Request::get(rt.collection_path(ns.as_deref())), settings);
    let list = match ctx.call(req)? {
        Ok(l) => l,
        Err(e) => return Err(Fail::Text(server_error(&e))),
    };
    let mut found = false;
    for item in arr(&list["items"]) {
        let name = s(&item["metadata"]["name"]);
        if !name.starts_with(prefix) {
            continue;
        }
        found = true;
        let info = Info { rt, namespace: s(&item["metadata"]["namespace"]).to_string(), name: name.to_string() };
        match describe(ctx, &info, settings)? {
            Ok(text) => ctx.io.out(format!("{text}\n")),
            Err(e) => return Err(Fail::Text(server_error(&e))),
        }
    }
    if !found {
        return Err(Fail::Text(server_error(&original)));
    }
    Ok(())
}

fn with_limit(req: Request, settings: &Settings) -> Request {
    if settings.chunk_size > 0 {
        req.query("limit", settings.chunk_size.to_string())
    } else {
        req
    }
}

/// The describer kubectl picks for the type (`DescriberFor`), or the generic one.
fn describe(ctx: &mut Ctx, info: &Info, settings: &Settings) -> Result<Result<String, ApiError>, Fail> {
    let ns = info.rt.namespaced.then_some(info.namespace.as_str());
    let obj = match ctx.call(Request::get(info.rt.object_path(ns, &info.name)))? {
        Ok(o) => o,
        Err(e) => {
            if info.rt.kind == "Pod" && info.rt.group.is_empty() {
                return pod_not_found(ctx, info, e, settings);
            }
            return Ok(Err(e));
        }
    };
    let text = match (info.rt.group, info.rt.kind) {
        ("", "Pod") => describe_pod(ctx, &obj, settings)?,
        ("", "Node") => describe_node(ctx, &obj, settings)?,
        ("", "Service") => describe_service(ctx, &obj, settings)?,
        ("", "ServiceAccount") => describe_service_account(ctx, &obj, settings)?,
        ("", "Namespace") => describe_namespace(ctx, &obj, settings)?,
        ("", "ConfigMap") => describe_config_map(ctx, &obj, settings)?,
        ("", "Secret") => describe_secret(&obj),
        ("", "Endpoints") => describe_endpoints(ctx, &obj, settings)?,
        ("", "PersistentVolumeClaim") => describe_pvc(ctx, &obj, settings)?,
        ("", "ReplicationController") => describe_replication_controller(ctx, &obj, settings)?,
        ("", "LimitRange") => describe_limit_range(&obj),
        ("", "ResourceQuota") => describe_quota(&obj),
        ("discovery.k8s.io", "EndpointSlice") => describe_endpoint_slice(ctx, &obj, settings)?,
        ("networking.k8s.io", "Ingress") => describe_ingress(ctx, &obj, settings)?,
        ("networking.k8s.io", "IngressClass") => describe_ingress_class(ctx, &obj, settings)?,
        ("", "PersistentVolume") => describe_pv(ctx, &obj, settings)?,
        ("apps", "Deployment") => describe_deployment(ctx, &obj, settings)?,
        ("apps", "ReplicaSet") => describe_replica_set(ctx, &obj, settings)?,
        ("apps", "DaemonSet") => describe_daemon_set(ctx, &obj, settings)?,
        ("apps", "StatefulSet") => describe_stateful_set(ctx, &obj, settings)?,
        ("batch", "Job") => describe_job(ctx, &obj, settings)?,
        ("batch", "CronJob") => describe_cron_job(ctx, &obj, settings)?,
        ("policy", "PodDisruptionBudget") => describe_pdb(ctx, &obj, settings)?,
        ("autoscaling", "HorizontalPodAutoscaler") => describe_hpa(ctx, &obj, settings)?,
        ("storage.k8s.io", "StorageClass") => describe_storage_class(ctx, &obj, settings)?,
        ("scheduling.k8s.io", "PriorityClass") => describe_priority_class(ctx, &obj, settings)?,
        ("rbac.authorization.k8s.io", "Role" | "ClusterRole") => describe_role(&obj),
        ("rbac.authorization.k8s.io", "RoleBinding" | "ClusterRoleBinding") => describe_role_binding(&obj),
        _ => describe_generic(ctx, info.rt, &obj, settings)?,
    };
    Ok(Ok(text))
}

// ---------------------------------------------------------------------------------------
// The writer

/// kubectl's `prefixWriter` over the tabwriter of `tabbedString`: two spaces per level,
/// terminal escapes made visible (`printers.WriteEscaped`).
///
/// `DescribeEvents` calls `w.Flush()`, but the writer's `flusher` interface wants
/// `Flush()` while `tabwriter.Writer` has `Flush() error`, so that call does nothing; the
/// `Events:` line (a line without tabs) ends the column block anyway.
struct Out {
    /// `None` for a bare `PrefixWriter` on a buffer (no tab alignment), as
    /// `rollout history --revision` prints a pod template.
    tw: Option<TabWriter>,
    raw: String,
    /// The extra levels of a `nestedPrefixWriter` (ephemeral volume claim templates).
    nested: usize,
}

impl Out {
    fn new() -> Out {
        Out { tw: Some(TabWriter::new(TabWriterConfig::KUBECTL_DESCRIBE)), raw: String::new(), nested: 0 }
    }

    fn unaligned() -> Out {
        Out { tw: None, raw: String::new(), nested: 0 }
    }

    fn put(&mut self, text: &str) {
        let text = escape_terminal(text);
        match &mut self.tw {
            Some(tw) => tw.write(&text),
            None => self.raw.push_str(&text),
        }
    }

    /// `Write(level, ...)`: `text` is the already formatted string.
    fn w(&mut self, level: usize, text: &str) {
        let prefix = "  ".repeat(level + self.nested);
        self.put(&format!("{prefix}{text}"));
    }

    /// `WriteLine(text)`; a nested writer indents it like any other write.
    fn line(&mut self, text: &str) {
        let prefix = "  ".repeat(self.nested);
        self.put(&format!("{prefix}{text}\n"));
    }

    fn finish(self) -> String {
        match self.tw {
            Some(tw) => tw.finish(),
            None => self.raw,
        }
    }
}

/// `printTemplate` of `rollout history --revision`: `DescribePodTemplate` on a bare
/// prefix writer.
pub(crate) fn pod_template_text(template: &Value) -> String {
    let mut o = Out::unaligned();
    describe_pod_template(&mut o, template);
    o.finish()
}

// ---------------------------------------------------------------------------------------
// JSON helpers

fn s(v: &Value) -> &str {
    v.as_str().unwrap_or("")
}

/// Go's `%v` of a scalar field as the typed object would hold it.
fn v(x: &Value) -> String {
    match x {
        Value::String(s) => s.clone(),
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

fn int(x: &Value) -> i64 {
    x.as_i64().unwrap_or(0)
}

fn arr(x: &Value) -> &[Value] {
    x.as_array().map(Vec::as_slice).unwrap_or(&[])
}

fn boolean(x: &Value) -> bool {
    x.as_bool().unwrap_or(false)
}

/// A `map[string]string` field, sorted by key.
fn string_map(x: &Value) -> Vec<(String, String)> {
    let mut m: Vec<(String, String)> = x.as_object().map(|o| o.iter().map(|(k, val)| (k.clone(), v(val))).collect()).unwrap_or_default();
    m.sort();
    m
}

fn is_empty_map(x: &Value) -> bool {
    x.as_object().is_none_or(|o| o.is_empty())
}

/// `intstr.IntOrString.String()`.
fn int_or_string(x: &Value) -> String {
    match x {
        Value::Number(n) => n.to_string(),
        Value::String(s) => s.clone(),
        _ => "0".into(),
    }
}

// ---------------------------------------------------------------------------------------
// Time

const ZERO_TIME: &str = "Mon, 01 Jan 0001 00:00:00 +0000";

/// `t.Format(time.RFC1123Z)` of a `metav1.Time` (UTC, as the simulation runs); a missing
/// time formats as Go's zero time.
fn rfc1123z(x: &Value) -> String {
    match x.as_str().and_then(parse_rfc3339) {
        Some(ms) => format_rfc1123z(ms),
        None => ZERO_TIME.into(),
    }
}

fn format_rfc1123z(ms: Millis) -> String {
    const DAYS: [&str; 7] = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
    const MONTHS: [&str; 12] = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
    let secs = ms / 1000;
    let days = secs / 86_400;
    let (y, m, d) = civil_from_days(days as i64);
    let rem = secs % 86_400;
    format!("{}, {d:02} {} {y:04} {:02}:{:02}:{:02} +0000", DAYS[((days + 4) % 7) as usize], MONTHS[(m - 1) as usize], rem / 3600, rem % 3600 / 60, rem % 60)
}

/// `translateTimestampSince`: `<unknown>` for a missing time.
fn since(x: &Value, now: Millis) -> String {
    match x.as_str().and_then(parse_rfc3339) {
        Some(t) => human_duration_signed(now as i64 - t as i64),
        None => "<unknown>".into(),
    }
}

// ---------------------------------------------------------------------------------------
// Shared printers

/// `printLabelsMultilineWithIndent`.
fn labels_multiline(o: &mut Out, initial_indent: &str, title: &str, inner_indent: &str, labels: &Value) {
    o.w(0, &format!("{initial_indent}{title}:{inner_indent}"));
    let labels = string_map(labels);
    if labels.is_empty() {
        o.line("<none>");
        return;
    }
    for (i, (k, val)) in labels.iter().enumerate() {
        if i != 0 {
            o.w(0, initial_indent);
            o.w(0, inner_indent);
        }
        o.w(0, &format!("{k}={val}\n"));
    }
}

/// `printLabelsMultiline`.
fn print_labels(o: &mut Out, title: &str, labels: &Value) {
    labels_multiline(o, "", title, "\t", labels);
}

const MAX_ANNOTATION_LEN: usize = 140;
const LAST_APPLIED: &str = "kubectl.kubernetes.io/last-applied-configuration";

/// `printAnnotationsMultiline`: skips the last-applied configuration; long or multi-line
/// values go on their own lines, each cut at 140 bytes.
fn print_annotations(o: &mut Out, title: &str, annotations: &Value) {
    o.w(0, &format!("{title}:\t"));
    let keys: Vec<(String, String)> = string_map(annotations).into_iter().filter(|(k, _)| k != LAST_APPLIED).collect();
    if keys.is_empty() {
        o.line("<none>");
        return;
    }
    let indent = "\t";
    for (i, (key, value)) in keys.iter().enumerate() {
        if i != 0 {
            o.w(0, indent);
        }
        let value = value.strip_suffix('\n').unwrap_or(value);
        if value.len() + key.len() + 2 > MAX_ANNOTATION_LEN || value.contains('\n') {
            o.w(0, &format!("{key}:\n"));
            for line in value.split('\n') {
                o.w(0, &format!("{indent}  {}\n", shorten(line, MAX_ANNOTATION_LEN - 2)));
            }
        } else {
            o.w(0, &format!("{key}: {value}\n"));
        }
    }
}

/// `shorten`: cuts at a byte count, as Go slices strings.
fn shorten(text: &str, max: usize) -> String {
    if text.len() > max {
        let cut = String::from_utf8_lossy(&text.as_bytes()[..max]).into_owned();
        format!("{cut}...")
    } else {
        text.to_string()
    }
}

/// `printTolerationsMultilineWithIndent`.
fn print_tolerations(o: &mut Out, initial_indent: &str, title: &str, tolerations: &Value) {
    let inner_indent = "\t";
    o.w(0, &format!("{initial_indent}{title}:{inner_indent}"));
    let mut list: Vec<&Value> = arr(tolerations).iter().collect();
    if list.is_empty() {
        o.line("<none>");
        return;
    }
    go_sort(&mut list, |a, b| s(&a["key"]) < s(&b["key"]));
    for (i, t) in list.iter().enumerate() {
        if i != 0 {
            o.w(0, initial_indent);
            o.w(0, inner_indent);
        }
        let (key, value, effect) = (s(&t["key"]), s(&t["value"]), s(&t["effect"]));
        o.w(0, key);
        if !value.is_empty() {
            o.w(0, &format!("={value}"));
        }
        if !effect.is_empty() {
            o.w(0, &format!(":{effect}"));
        }
        if s(&t["operator"]) == "Exists" && value.is_empty() {
            if !key.is_empty() || !effect.is_empty() {
                o.w(0, " op=Exists");
            } else {
                o.w(0, "op=Exists");
            }
        }
        if let Some(secs) = t["tolerationSeconds"].as_i64() {
            o.w(0, &format!(" for {secs}s"));
        }
        o.w(0, "\n");
    }
}

/// `printNodeTaintsMultiline`.
fn print_taints(o: &mut Out, title: &str, taints: &Value) {
    o.w(0, &format!("{title}:\t"));
    let mut list: Vec<&Value> = arr(taints).iter().collect();
    if list.is_empty() {
        o.line("<none>");
        return;
    }
    go_sort(&mut list, |a, b| format!("{},{}", s(&a["effect"]), s(&a["key"])) < format!("{},{}", s(&b["effect"]), s(&b["key"])));
    for (i, t) in list.iter().enumerate() {
        if i != 0 {
            o.w(0, "\t");
        }
        o.w(0, &format!("{}\n", taint_string(t)));
    }
}

/// `Taint.ToString`.
fn taint_string(t: &Value) -> String {
    let (key, value, effect) = (s(&t["key"]), s(&t["value"]), s(&t["effect"]));
    match (value.is_empty(), effect.is_empty()) {
        (true, true) => key.to_string(),
        (false, true) => format!("{key}={value}:"),
        (true, false) => format!("{key}:{effect}"),
        (false, false) => format!("{key}={value}:{effect}"),
    }
}

/// `printController`: `Kind/name` of the controlling owner.
fn controller_of(obj: &Value) -> Option<String> {
    arr(&obj["metadata"]["ownerReferences"])
        .iter()
        .find(|r| boolean(&r["controller"]))
        .map(|r| format!("{}/{}", s(&r["kind"]), s(&r["name"])))
}

/// `labels.FormatLabels`: `k=v,...` sorted, or `<none>`.
fn format_labels(x: &Value) -> String {
    let m = string_map(x);
    if m.is_empty() {
        return "<none>".into();
    }
    m.iter().map(|(k, val)| format!("{k}={val}")).collect::<Vec<_>>().join(",")
}

/// `metav1.LabelSelectorAsSelector(sel).String()`: requirements sorted by key.
fn selector_string(sel: &Value) -> String {
    let mut reqs: Vec<(String, String)> = Vec::new();
    for (k, val) in string_map(&sel["matchLabels"]) {
        reqs.push((k.clone(), format!("{k}={val}")));
    }
    for e in arr(&sel["matchExpressions"]) {
        let key = s(&e["key"]).to_string();
        let mut values: Vec<String> = arr(&e["values"]).iter().map(v).collect();
        values.sort();
        values.dedup();
        let text = match s(&e["operator"]) {
            "In" => format!("{key} in ({})", values.join(",")),
            "NotIn" => format!("{key} notin ({})", values.join(",")),
            "Exists" => key.clone(),
            "DoesNotExist" => format!("!{key}"),
            _ => continue,
        };
        reqs.push((key, text));
    }
    go_sort(&mut reqs, |a, b| a.0 < b.0);
    reqs.into_iter().map(|(_, t)| t).collect::<Vec<_>>().join(",")
}

/// `metav1.FormatLabelSelector`: as [`selector_string`], `<none>` when empty.
fn format_label_selector(sel: &Value) -> String {
    let text = selector_string(sel);
    if text.is_empty() {
        "<none>".into()
    } else {
        text
    }
}

// ---------------------------------------------------------------------------------------
// Events

/// `searchEvents`: the events whose involved object is this one, listed in the object's
/// namespace with the field selector client-go's `GetFieldSelector` builds.
fn search_events(ctx: &mut Ctx, namespace: &str, name: &str, kind: Option<&str>, uid: Option<&str>, settings: &Settings) -> Result<Vec<Value>, Fail> {
    let mut terms = vec![format!("involvedObject.name={name}"), format!("involvedObject.namespace={namespace}")];
    if let Some(k) = kind.filter(|k| !k.is_empty()) {
        terms.push(format!("involvedObject.kind={k}"));
    }
    if let Some(u) = uid.filter(|u| !u.is_empty()) {
        terms.push(format!("involvedObject.uid={u}"));
    }
    let path = if namespace.is_empty() { "/api/v1/events".to_string() } else { format!("/api/v1/namespaces/{namespace}/events") };
    let req = with_limit(Request::get(path).query("fieldSelector", terms.join(",")), settings);
    Ok(match ctx.call(req)? {
        Ok(list) => arr(&list["items"]).to_vec(),
        Err(_) => Vec::new(),
    })
}

/// The events of an object as `searchEvents(client, obj)` finds them (kind and uid set).
fn object_events(ctx: &mut Ctx, obj: &Value, kind: &str, settings: &Settings) -> Result<Option<Vec<Value>>, Fail> {
    if !settings.show_events {
        return Ok(None);
    }
    let meta = &obj["metadata"];
    search_events(ctx, s(&meta["namespace"]), s(&meta["name"]), Some(kind), Some(s(&meta["uid"])), settings).map(Some)
}

/// `DescribeEvents`.
fn describe_events(o: &mut Out, events: &[Value], now: Millis) {
    if events.is_empty() {
        o.w(0, "Events:\t<none>\n");
        return;
    }
    let mut events: Vec<&Value> = events.iter().collect();
    go_sort(&mut events, |a, b| time_of(&a["lastTimestamp"]) < time_of(&b["lastTimestamp"]));
    o.w(0, "Events:\n  Type\tReason\tAge\tFrom\tMessage\n");
    o.w(1, "----\t------\t----\t----\t-------\n");
    for e in events {
        let event_time_zero = e["eventTime"].as_str().and_then(parse_rfc3339).is_none();
        let first = if event_time_zero { since(&e["firstTimestamp"], now) } else { since(&e["eventTime"], now) };
        let interval = if e["series"].is_object() {
            format!("{} (x{} over {first})", since(&e["series"]["lastObservedTime"], now), int(&e["series"]["count"]))
        } else if int(&e["count"]) > 1 {
            format!("{} (x{} over {first})", since(&e["lastTimestamp"], now), int(&e["count"]))
        } else {
            first
        };
        let mut source = s(&e["source"]["component"]).to_string();
        if source.is_empty() {
            source = s(&e["reportingComponent"]).to_string();
        }
        let mut message = s(&e["message"]).trim().to_string();
        let field_path = s(&e["involvedObject"]["fieldPath"]);
        if !field_path.is_empty() {
            message = format!("{field_path}: {message}");
        }
        o.w(1, &format!("{}\t{}\t{interval}\t{source}\t{message}\n", s(&e["type"]), s(&e["reason"])));
    }
}

/// A `metav1.Time` for ordering; missing is Go's zero time, before everything.
fn time_of(x: &Value) -> i64 {
    x.as_str().and_then(parse_rfc3339).map(|t| t as i64).unwrap_or(i64::MIN)
}

/// Go's `sort.Sort` (pattern-defeating quicksort, as in `sort/zsortinterface.go`), so that
/// equal elements end up in the order kubectl leaves them in: insertion sort up to 12
/// elements, and the same pivots and partitions beyond.
fn go_sort<T>(data: &mut [T], less: impl Fn(&T, &T) -> bool) {
    let n = data.len();
    if n < 2 {
        return;
    }
    let limit = usize::BITS - n.leading_zeros();
    pdqsort(data, &less, 0, n, limit as usize);
}

fn insertion_sort<T>(data: &mut [T], less: &impl Fn(&T, &T) -> bool, a: usize, b: usize) {
    for i in a + 1..b {
        let mut j = i;
        while j > a && less(&data[j], &data[j - 1]) {
            data.swap(j, j - 1);
            j -= 1;
        }
    }
}

fn sift_down<T>(data: &mut [T], less: &impl Fn(&T, &T) -> bool, lo: usize, hi: usize, first: usize) {
    let mut root = lo;
    loop {
        let mut child = 2 * root + 1;
        if child >= hi {
            return;
        }
        if child + 1 < hi && less(&data[first + child], &data[first + child + 1]) {
            child += 1;
        }
        if !less(&data[first + root], &data[first + child]) {
            return;
        }
        data.swap(first + root, first + child);
        root = child;
    }
}

fn heap_sort<T>(data: &mut [T], less: &impl Fn(&T, &T) -> bool, a: usize, b: usize) {
    let first = a;
    let hi = b - a;
    let mut i = (hi - 1) / 2;
    loop {
        sift_down(data, less, i, hi, first);
        if i == 0 {
            break;
        }
        i -= 1;
    }
    let mut i = hi - 1;
    loop {
        data.swap(first, first + i);
        sift_down(data, less, 0, i, first);
        if i == 0 {
            break;
        }
        i -= 1;
    }
}

fn pdqsort<T>(data: &mut [T], less: &impl Fn(&T, &T) -> bool, mut a: usize, mut b: usize, mut limit: usize) {
    const MAX_INSERTION: usize = 12;
    let mut was_balanced = true;
    let mut was_partitioned = true;
    loop {
        let length = b - a;
        if length <= MAX_INSERTION {
            insertion_sort(data, less, a, b);
            return;
        }
        if limit == 0 {
            heap_sort(data, less, a, b);
            return;
        }
        if !was_balanced {
            break_patterns(data, a, b);
            limit -= 1;
        }
        let (mut pivot, hint) = choose_pivot(data, less, a, b);
        let mut hint = hint;
        if hint == Hint::Decreasing {
            reverse_range(data, a, b);
            pivot = (b - 1) - (pivot - a);
            hint = Hint::Increasing;
        }
        if was_balanced && was_partitioned && hint == Hint::Increasing && partial_insertion_sort(data, less, a, b) {
            return;
        }
        if a > 0 && !less(&data[a - 1], &data[pivot]) {
            let mid = partition_equal(data, less, a, b, pivot);
            a = mid;
            continue;
        }
        let (mid, already) = partition(data, less, a, b, pivot);
        was_partitioned = already;
        let (left_len, right_len) = (mid - a, b - mid);
        let balance_threshold = length / 8;
        if left_len < right_len {
            was_balanced = left_len >= balance_threshold;
            pdqsort(data, less, a, mid, limit);
            a = mid + 1;
        } else {
            was_balanced = right_len >= balance_threshold;
            pdqsort(data, less, mid + 1, b, limit);
            b = mid;
        }
    }
}

fn partition<T>(data: &mut [T], less: &impl Fn(&T, &T) -> bool, a: usize, b: usize, pivot: usize) -> (usize, bool) {
    data.swap(a, pivot);
    let (mut i, mut j) = (a + 1, b - 1);
    while i <= j && less(&data[i], &data[a]) {
        i += 1;
    }
    while i <= j && !less(&data[j], &data[a]) {
        j -= 1;
    }
    if i > j {
        data.swap(j, a);
        return (j, true);
    }
    data.swap(i, j);
    i += 1;
    j -= 1;
    loop {
        while i <= j && less(&data[i], &data[a]) {
            i += 1;
        }
        while i <= j && !less(&data[j], &data[a]) {
            j -= 1;
        }
        if i > j {
            break;
        }
        data.swap(i, j);
        i += 1;
        j -= 1;
    }
    data.swap(j, a);
    (j, false)
}

fn partition_equal<T>(data: &mut [T], less: &impl Fn(&T, &T) -> bool, a: usize, b: usize, pivot: usize) -> usize {
    data.swap(a, pivot);
    let (mut i, mut j) = (a + 1, b - 1);
    loop {
        while i <= j && !less(&data[a], &data[i]) {
            i += 1;
        }
        while i <= j && less(&data[a], &data[j]) {
            j -= 1;
        }
        if i > j {
            break;
        }
        data.swap(i, j);
        i += 1;
        j -= 1;
    }
    i
}

fn partial_insertion_sort<T>(data: &mut [T], less: &impl Fn(&T, &T) -> bool, a: usize, b: usize) -> bool {
    const MAX_STEPS: usize = 5;
    const SHORTEST_SHIFTING: usize = 50;
    let mut i = a + 1;
    for _ in 0..MAX_STEPS {
        while i < b && !less(&data[i], &data[i - 1]) {
            i += 1;
        }
        if i == b {
            return true;
        }
        if b - a < SHORTEST_SHIFTING {
            return false;
        }
        data.swap(i, i - 1);
        if i - a >= 2 {
            let mut j = i - 1;
            while j >= 1 {
                if !less(&data[j], &data[j - 1]) {
                    break;
                }
                data.swap(j, j - 1);
                j -= 1;
            }
        }
        if b - i >= 2 {
            let mut j = i + 1;
            while j < b {
                if !less(&data[j], &data[j - 1]) {
                    break;
                }
                data.swap(j, j - 1);
                j += 1;
            }
        }
    }
    false
}

fn break_patterns<T>(data: &mut [T], a: usize, b: usize) {
    let length = b - a;
    if length >= 8 {
        let mut random = length as u64;
        // nextPowerOfTwo: 1 << bits.Len(length), so 8 gives 16.
        let modulus = 1u64 << (u64::BITS - (length as u64).leading_zeros());
        let idx = a + (length / 4) * 2 - 1;
        for i in 0..3 {
            random ^= random << 13;
            random ^= random >> 7;
            random ^= random << 17;
            let mut other = (random & (modulus - 1)) as usize;
            if other >= length {
                other -= length;
            }
            data.swap(idx + i, a + other);
        }
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Hint {
    Unknown,
    Increasing,
    Decreasing,
}

fn choose_pivot<T>(data: &mut [T], less: &impl Fn(&T, &T) -> bool, a: usize, b: usize) -> (usize, Hint) {
    const SHORTEST_NINTHER: usize = 50;
    const MAX_SWAPS: usize = 4 * 3;
    let l = b - a;
    let mut swaps = 0usize;
    let mut i = a + l / 4;
    let mut j = a + l / 4 * 2;
    let mut k = a + l / 4 * 3;
    if l >= 8 {
        if l >= SHORTEST_NINTHER {
            i = median_adjacent(data, less, i, &mut swaps);
            j = median_adjacent(data, less, j, &mut swaps);
            k = median_adjacent(data, less, k, &mut swaps);
        }
        j = median(data, less, i, j, k, &mut swaps);
    }
    match swaps {
        0 => (j, Hint::Increasing),
        MAX_SWAPS => (j, Hint::Decreasing),
        _ => (j, Hint::Unknown),
    }
}

fn order2<T>(data: &[T], less: &impl Fn(&T, &T) -> bool, a: usize, b: usize, swaps: &mut usize) -> (usize, usize) {
    if less(&data[b], &data[a]) {
        *swaps += 1;
        return (b, a);
    }
    (a, b)
}

fn median<T>(data: &[T], less: &impl Fn(&T, &T) -> bool, a: usize, b: usize, c: usize, swaps: &mut usize) -> usize {
    let (a, b) = order2(data, less, a, b, swaps);
    let (b, c) = order2(data, less, b, c, swaps);
    let (_a, b) = order2(data, less, a, b, swaps);
    let _ = c;
    b
}

fn median_adjacent<T>(data: &[T], less: &impl Fn(&T, &T) -> bool, a: usize, swaps: &mut usize) -> usize {
    median(data, less, a - 1, a, a + 1, swaps)
}

fn reverse_range<T>(data: &mut [T], a: usize, b: usize) {
    let (mut i, mut j) = (a, b - 1);
    while i < j {
        data.swap(i, j);
        i += 1;
        j -= 1;
    }
}

// ---------------------------------------------------------------------------------------
// Quantities

/// How a `resource.Quantity` prints: the format of the string it was parsed from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum QFormat {
    DecimalSI,
    BinarySI,
    DecimalExponent,
}

/// `resource.Quantity`, held in nano-units (the finest precision Kubernetes keeps).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Quantity {
    nanos: i128,
    format: QFormat,
}

const NANO: i128 = 1_000_000_000;

impl Quantity {
    const ZERO: Quantity = Quantity { nanos: 0, format: QFormat::DecimalSI };

    /// `resource.ParseQuantity`; values finer than a nano-unit round up.
    fn parse(text: &str) -> Option<Quantity> {
        let (negative, rest) = match text.as_bytes().first()? {
            b'-' => (true, &text[1..]),
            b'+' => (false, &text[1..]),
            _ => (false, text),
        };
        let num_end = rest.find(|c: char| !(c.is_ascii_digit() || c == '.')).unwrap_or(rest.len());
        let (number, suffix) = rest.split_at(num_end);
        let (int_part, frac_part) = number.split_once('.').unwrap_or((number, ""));
        if int_part.is_empty() && frac_part.is_empty() || frac_part.contains('.') {
            return None;
        }
        let digits = format!("{int_part}{frac_part}");
        let digits = digits.trim_start_matches('0');
        if digits.len() > 30 {
            return None;
        }
        let mantissa: i128 = if digits.is_empty() { 0 } else { digits.parse().ok()? };
        let frac_len = frac_part.len() as i32;
        let (base2, exp, format) = match suffix {
            "" => (false, 0, QFormat::DecimalSI),
            "n" => (false, -9, QFormat::DecimalSI),
            "u" => (false, -6, QFormat::DecimalSI),
            "m" => (false, -3, QFormat::DecimalSI),
            "k" => (false, 3, QFormat::DecimalSI),
            "M" => (false, 6, QFormat::DecimalSI),
            "G" => (false, 9, QFormat::DecimalSI),
            "T" => (false, 12, QFormat::DecimalSI),
            "P" => (false, 15, QFormat::DecimalSI),
            "E" => (false, 18, QFormat::DecimalSI),
            "Ki" => (true, 10, QFormat::BinarySI),
            "Mi" => (true, 20, QFormat::BinarySI),
            "Gi" => (true, 30, QFormat::BinarySI),
            "Ti" => (true, 40, QFormat::BinarySI),
            "Pi" => (true, 50, QFormat::BinarySI),
            "Ei" => (true, 60, QFormat::BinarySI),
            other => {
                let e = other.strip_prefix('e').or_else(|| other.strip_prefix('E'))?;
                (false, e.parse::<i32>().ok().filter(|e| e.abs() <= 18)?, QFormat::DecimalExponent)
            }
        };
        let nanos = if base2 {
            let scaled = mantissa.checked_mul(1i128 << exp)?.checked_mul(NANO)?;
            ceil_div(scaled, 10i128.pow(frac_len as u32))
        } else {
            let e = exp - frac_len + 9;
            if e >= 0 {
                mantissa.checked_mul(10i128.checked_pow(e as u32)?)?
            } else {
                ceil_div(mantissa, 10i128.checked_pow((-e) as u32)?)
            }
        };
        Some(Quantity { nanos: if negative { -nanos } else { nanos }, format })
    }

    /// A quantity field of an object: a string, or a bare number.
    fn of(x: &Value) -> Option<Quantity> {
        match x {
            Value::String(t) => Quantity::parse(t.trim()),
            Value::Number(n) => Quantity::parse(&n.to_string()),
            _ => None,
        }
    }

    /// `Quantity.Add`: the sum keeps the receiver's format.
    fn add(self, other: Quantity) -> Quantity {
        Quantity { nanos: self.nanos + other.nanos, format: self.format }
    }

    /// `MilliValue`, rounded up.
    fn milli_value(self) -> i128 {
        ceil_div(self.nanos, 1_000_000)
    }

    /// `Value`, rounded up.
    fn value(self) -> i128 {
        ceil_div(self.nanos, NANO)
    }

    /// `Quantity.String()` of a quantity without a cached string: the canonical form.
    fn canonical(self) -> String {
        if self.nanos == 0 {
            return "0".into();
        }
        let sign = if self.nanos < 0 { "-" } else { "" };
        let abs = self.nanos.abs();
        let mut format = self.format;
        if format == QFormat::BinarySI && (abs < 1024 * NANO || abs % NANO != 0) {
            format = QFormat::DecimalSI;
        }
        if format == QFormat::BinarySI {
            let mut value = abs / NANO;
            let mut e = 0usize;
            while value % 1024 == 0 && e < 6 {
                value /= 1024;
                e += 1;
            }
            return format!("{sign}{value}{}", ["", "Ki", "Mi", "Gi", "Ti", "Pi", "Ei"][e]);
        }
        let mut mantissa = abs;
        let mut exp: i32 = -9;
        while mantissa % 10 == 0 {
            mantissa /= 10;
            exp += 1;
        }
        let r = exp.rem_euclid(3);
        mantissa *= 10i128.pow(r as u32);
        exp -= r;
        if format == QFormat::DecimalExponent {
            return if exp == 0 { format!("{sign}{mantissa}") } else { format!("{sign}{mantissa}e{exp}") };
        }
        while exp > 18 {
            mantissa *= 1000;
            exp -= 3;
        }
        let suffix = match exp {
            -9 => "n",
            -6 => "u",
            -3 => "m",
            0 => "",
            3 => "k",
            6 => "M",
            9 => "G",
            12 => "T",
            15 => "P",
            _ => "E",
        };
        format!("{sign}{mantissa}{suffix}")
    }
}

fn ceil_div(a: i128, b: i128) -> i128 {
    let q = a / b;
    if a % b != 0 && ((a > 0) == (b > 0)) {
        q + 1
    } else {
        q
    }
}

/// A quantity field printed as kubectl prints a parsed `Quantity`.
fn quantity_string(x: &Value) -> String {
    match Quantity::of(x) {
        Some(q) => q.canonical(),
        None => v(x),
    }
}

/// A `ResourceList`: (name, quantity) pairs.
type ResourceList = Vec<(String, Quantity)>;

/// A `ResourceList` field as (name, quantity) pairs, sorted by name.
fn resource_list(x: &Value) -> ResourceList {
    let mut out: Vec<(String, Quantity)> =
        x.as_object().map(|o| o.iter().filter_map(|(k, val)| Quantity::of(val).map(|q| (k.clone(), q))).collect()).unwrap_or_default();
    out.sort_by(|a, b| a.0.cmp(&b.0));
    out
}

fn list_get(list: &[(String, Quantity)], name: &str) -> Option<Quantity> {
    list.iter().find(|(k, _)| k == name).map(|(_, q)| *q)
}

/// `addResourceList`.
fn add_resources(list: &mut Vec<(String, Quantity)>, new: &[(String, Quantity)]) {
    for (name, q) in new {
        match list.iter_mut().find(|(k, _)| k == name) {
            Some((_, cur)) => *cur = cur.add(*q),
            None => list.push((name.clone(), *q)),
        }
    }
}

/// `maxResourceList`.
fn max_resources(list: &mut Vec<(String, Quantity)>, new: &[(String, Quantity)]) {
    for (name, q) in new {
        match list.iter_mut().find(|(k, _)| k == name) {
            Some((_, cur)) => {
                if q.nanos > cur.nanos {
                    *cur = *q;
                }
            }
            None => list.push((name.clone(), *q)),
        }
    }
}

/// `resourcehelper.PodRequestsAndLimits`: containers summed, init containers as their
/// maximum (restartable ones running alongside), plus the pod overhead.
fn pod_requests_and_limits(pod: &Value) -> (ResourceList, ResourceList) {
    let spec = &pod["spec"];
    let mut totals = Vec::new();
    for which in ["requests", "limits"] {
        let mut sum: Vec<(String, Quantity)> = Vec::new();
        for c in arr(&spec["containers"]) {
            add_resources(&mut sum, &resource_list(&c["resources"][which]));
        }
        let mut restartable: Vec<(String, Quantity)> = Vec::new();
        let mut init_max: Vec<(String, Quantity)> = Vec::new();
        for c in arr(&spec["initContainers"]) {
            let own = resource_list(&c["resources"][which]);
            let effective = if s(&c["restartPolicy"]) == "Always" {
                add_resources(&mut sum, &own);
                add_resources(&mut restartable, &own);
                restartable.clone()
            } else {
                let mut tmp = Vec::new();
                add_resources(&mut tmp, &own);
                add_resources(&mut tmp, &restartable);
                tmp
            };
            max_resources(&mut init_max, &effective);
        }
        max_resources(&mut sum, &init_max);
        let overhead = resource_list(&spec["overhead"]);
        if which == "requests" {
            add_resources(&mut sum, &overhead);
        } else {
            for (name, q) in &overhead {
                if let Some((_, cur)) = sum.iter_mut().find(|(k, _)| k == name) {
                    if cur.nanos != 0 {
                        *cur = cur.add(*q);
                    }
                }
            }
        }
        totals.push(sum);
    }
    let limits = totals.pop().unwrap_or_default();
    let requests = totals.pop().unwrap_or_default();
    (requests, limits)
}

/// `qos.GetPodQOS`: the status field, else computed as `ComputePodQOS` does.
fn pod_qos(pod: &Value) -> String {
    let recorded = s(&pod["status"]["qosClass"]);
    if !recorded.is_empty() {
        return recorded.to_string();
    }
    let supported = |n: &str| n == "cpu" || n == "memory";
    let mut requests: Vec<(String, Quantity)> = Vec::new();
    let mut limits: Vec<(String, Quantity)> = Vec::new();
    let mut guaranteed = true;
    let mut process = |reqs: &Value, lims: &Value, guaranteed: &mut bool| {
        let positive = |l: &Value| resource_list(l).into_iter().filter(|(n, q)| supported(n) && q.nanos > 0).collect::<Vec<_>>();
        add_resources(&mut requests, &positive(reqs));
        let lim = positive(lims);
        add_resources(&mut limits, &lim);
        if !(lim.iter().any(|(n, _)| n == "cpu") && lim.iter().any(|(n, _)| n == "memory")) {
            *guaranteed = false;
        }
    };
    let spec = &pod["spec"];
    if spec["resources"].is_object() {
        process(&spec["resources"]["requests"], &spec["resources"]["limits"], &mut guaranteed);
        if spec["resources"]["limits"].is_null() {
            // Without pod-level limits the limits check above does not apply.
            guaranteed = true;
        }
    } else {
        for c in arr(&spec["containers"]).iter().chain(arr(&spec["initContainers"])) {
            process(&c["resources"]["requests"], &c["resources"]["limits"], &mut guaranteed);
        }
    }
    if requests.is_empty() && limits.is_empty() {
        return "BestEffort".into();
    }
    if guaranteed {
        for (name, req) in &requests {
            if list_get(&limits, name).is_none_or(|l| l.nanos != req.nanos) {
                guaranteed = false;
                break;
            }
        }
    }
    if guaranteed && requests.len() == limits.len() {
        "Guaranteed".into()
    } else {
        "Burstable".into()
    }
}

// ---------------------------------------------------------------------------------------
// Pods

/// `PodDescriber.Describe` when the pod is gone: its events, if any are left.
fn pod_not_found(ctx: &mut Ctx, info: &Info, err: ApiError, settings: &Settings) -> Result<Result<String, ApiError>, Fail> {
    if settings.show_events {
        let events = search_events(ctx, &info.namespace, &info.name, None, None, settings)?;
        if !events.is_empty() {
            let now = ctx.backend.now();
            let mut o = Out::new();
            o.w(0, &format!("Pod '{}': error '{}', but found events.\n", info.name, err.message));
            describe_events(&mut o, &events, now);
            return Ok(Ok(o.finish()));
        }
    }
    Ok(Err(err))
}

/// `PodDescriber.Describe` and `describePod`.
fn describe_pod(ctx: &mut Ctx, pod: &Value, settings: &Settings) -> Result<String, Fail> {
    let meta = &pod["metadata"];
    let events = if settings.show_events {
        // The reference loses its kind (`ref.Kind = ""`); a mirror pod's events name the
        // static pod's UID.
        let uid = match meta["annotations"]["kubernetes.io/config.mirror"].as_str() {
            Some(m) => m.to_string(),
            None => s(&meta["uid"]).to_string(),
        };
        Some(search_events(ctx, s(&meta["namespace"]), s(&meta["name"]), None, Some(&uid), settings)?)
    } else {
        None
    };
    let now = ctx.backend.now();
    let (spec, status) = (&pod["spec"], &pod["status"]);
    let mut o = Out::new();
    o.w(0, &format!("Name:\t{}\n", s(&meta["name"])));
    o.w(0, &format!("Namespace:\t{}\n", s(&meta["namespace"])));
    if let Some(p) = spec["priority"].as_i64() {
        o.w(0, &format!("Priority:\t{p}\n"));
    }
    if !s(&spec["priorityClassName"]).is_empty() {
        o.w(0, &format!("Priority Class Name:\t{}\n", s(&spec["priorityClassName"])));
    }
    if !s(&spec["runtimeClassName"]).is_empty() {
        o.w(0, &format!("Runtime Class Name:\t{}\n", s(&spec["runtimeClassName"])));
    }
    if !s(&spec["serviceAccountName"]).is_empty() {
        o.w(0, &format!("Service Account:\t{}\n", s(&spec["serviceAccountName"])));
    }
    if s(&spec["nodeName"]).is_empty() {
        o.w(0, "Node:\t<none>\n");
    } else {
        o.w(0, &format!("Node:\t{}/{}\n", s(&spec["nodeName"]), s(&status["hostIP"])));
    }
    if !status["startTime"].is_null() {
        o.w(0, &format!("Start Time:\t{}\n", rfc1123z(&status["startTime"])));
    }
    print_labels(&mut o, "Labels", &meta["labels"]);
    print_annotations(&mut o, "Annotations", &meta["annotations"]);
    let phase = s(&status["phase"]);
    if !meta["deletionTimestamp"].is_null() && phase != "Failed" && phase != "Succeeded" {
        o.w(0, &format!("Status:\tTerminating (lasts {})\n", since(&meta["deletionTimestamp"], now)));
        o.w(0, &format!("Termination Grace Period:\t{}s\n", int(&meta["deletionGracePeriodSeconds"])));
    } else {
        o.w(0, &format!("Status:\t{phase}\n"));
    }
    if !s(&status["reason"]).is_empty() {
        o.w(0, &format!("Reason:\t{}\n", s(&status["reason"])));
    }
    if !s(&status["message"]).is_empty() {
        o.w(0, &format!("Message:\t{}\n", s(&status["message"])));
    }
    let seccomp = &spec["securityContext"]["seccompProfile"];
    if seccomp.is_object() {
        o.w(0, &format!("SeccompProfile:\t{}\n", s(&seccomp["type"])));
        if s(&seccomp["type"]) == "Localhost" {
            o.w(0, &format!("LocalhostProfile:\t{}\n", s(&seccomp["localhostProfile"])));
        }
    }
    o.w(0, &format!("IP:\t{}\n", s(&status["podIP"])));
    let ips = arr(&status["podIPs"]);
    if ips.is_empty() {
        o.w(0, "IPs:\t<none>\n");
    } else {
        o.w(0, "IPs:\n");
        for ip in ips {
            o.w(1, &format!("IP:\t{}\n", s(&ip["ip"])));
        }
    }
    if let Some(c) = controller_of(pod) {
        o.w(0, &format!("Controlled By:\t{c}\n"));
    }
    if !s(&status["nominatedNodeName"]).is_empty() {
        o.w(0, &format!("NominatedNodeName:\t{}\n", s(&status["nominatedNodeName"])));
    }
    if spec["resources"].is_object() {
        o.w(0, "Resources:\n");
        describe_resources(&mut o, &spec["resources"], 1);
    }
    let env = EnvResolver::Pod(pod);
    if !arr(&spec["initContainers"]).is_empty() {
        describe_containers(&mut o, "Init Containers", arr(&spec["initContainers"]), Some(arr(&status["initContainerStatuses"])), &env, "");
    }
    describe_containers(&mut o, "Containers", arr(&spec["containers"]), Some(arr(&status["containerStatuses"])), &env, "");
    if !arr(&spec["ephemeralContainers"]).is_empty() {
        describe_containers(&mut o, "Ephemeral Containers", arr(&spec["ephemeralContainers"]), Some(arr(&status["ephemeralContainerStatuses"])), &env, "");
    }
    let conditions = arr(&status["conditions"]);
    if !arr(&spec["readinessGates"]).is_empty() {
        o.w(0, "Readiness Gates:\n  Type\tStatus\n");
        for g in arr(&spec["readinessGates"]) {
            let ty = s(&g["conditionType"]);
            let st = conditions.iter().find(|c| s(&c["type"]) == ty).map(|c| v(&c["status"])).unwrap_or_else(|| "<none>".into());
            o.w(1, &format!("{ty} \t{st} \n"));
        }
    }
    if !conditions.is_empty() {
        o.w(0, "Conditions:\n  Type\tStatus\n");
        for c in conditions {
            o.w(1, &format!("{} \t{} \n", s(&c["type"]), s(&c["status"])));
        }
    }
    describe_volumes(&mut o, arr(&spec["volumes"]), "");
    o.w(0, &format!("QoS Class:\t{}\n", pod_qos(pod)));
    print_labels(&mut o, "Node-Selectors", &spec["nodeSelector"]);
    print_tolerations(&mut o, "", "Tolerations", &spec["tolerations"]);
    describe_topology_spread(&mut o, &spec["topologySpreadConstraints"], "");
    if spec["workloadRef"].is_object() {
        describe_workload_ref(&mut o, &spec["workloadRef"], "");
    }
    if let Some(events) = &events {
        describe_events(&mut o, events, now);
    }
    Ok(o.finish())
}

/// `describeTopologySpreadConstraints`.
fn describe_topology_spread(o: &mut Out, tscs: &Value, space: &str) {
    let mut list: Vec<&Value> = arr(tscs).iter().collect();
    if list.is_empty() {
        return;
    }
    go_sort(&mut list, |a, b| s(&a["topologyKey"]) < s(&b["topologyKey"]));
    o.w(0, &format!("{space}Topology Spread Constraints:\t"));
    for (i, t) in list.iter().enumerate() {
        if i != 0 {
            o.w(0, space);
            o.w(0, "\t");
        }
        o.w(0, &format!("{}:", s(&t["topologyKey"])));
        o.w(0, s(&t["whenUnsatisfiable"]));
        o.w(0, &format!(" when max skew {} is exceeded", int(&t["maxSkew"])));
        if t["labelSelector"].is_object() {
            o.w(0, &format!(" for selector {}", format_label_selector(&t["labelSelector"])));
        }
        o.w(0, "\n");
    }
}

/// `describeWorkloadReference`.
fn describe_workload_ref(o: &mut Out, r: &Value, space: &str) {
    o.w(0, &format!("{space}WorkloadRef:\n"));
    o.w(1, &format!("Name:\t{}\n", s(&r["name"])));
    o.w(1, &format!("PodGroup:\t{}\n", s(&r["podGroup"])));
    if !s(&r["podGroupReplicaKey"]).is_empty() {
        o.w(1, &format!("PodGroupReplicaKey:\t{}\n", s(&r["podGroupReplicaKey"])));
    }
}

/// Where `fieldRef` environment values come from: the pod, or nothing (templates).
enum EnvResolver<'a> {
    Pod(&'a Value),
    None,
}

impl EnvResolver<'_> {
    /// `EnvValueRetriever`: the pod field a `fieldRef` names, as `fieldpath` extracts it.
    fn resolve(&self, field_path: &str) -> String {
        let EnvResolver::Pod(pod) = self else {
            return String::new();
        };
        let meta = &pod["metadata"];
        for (prefix, map) in [("metadata.labels", &meta["labels"]), ("metadata.annotations", &meta["annotations"])] {
            if let Some(rest) = field_path.strip_prefix(prefix) {
                if rest.is_empty() {
                    return string_map(map).iter().map(|(k, val)| format!("{k}={val:?}")).collect::<Vec<_>>().join("\n");
                }
                if let Some(key) = rest.strip_prefix("['").and_then(|r| r.strip_suffix("']")) {
                    return s(&map[key]).to_string();
                }
                return String::new();
            }
        }
        match field_path {
            "metadata.name" => s(&meta["name"]).into(),
            "metadata.namespace" => s(&meta["namespace"]).into(),
            "metadata.uid" => s(&meta["uid"]).into(),
            "spec.nodeName" => s(&pod["spec"]["nodeName"]).into(),
            "spec.serviceAccountName" => s(&pod["spec"]["serviceAccountName"]).into(),
            "status.hostIP" => s(&pod["status"]["hostIP"]).into(),
            "status.podIP" => s(&pod["status"]["podIP"]).into(),
            "status.hostIPs" => arr(&pod["status"]["hostIPs"]).iter().map(|i| s(&i["ip"]).to_string()).collect::<Vec<_>>().join(","),
            "status.podIPs" => arr(&pod["status"]["podIPs"]).iter().map(|i| s(&i["ip"]).to_string()).collect::<Vec<_>>().join(","),
            _ => String::new(),
        }
    }
}

/// `describeContainers`: `statuses` is `None` in pod templates.
fn describe_containers(o: &mut Out, label: &str, containers: &[Value], statuses: Option<&[Value]>, env: &EnvResolver, space: &str) {
    let none = if containers.is_empty() { " <none>" } else { "" };
    o.w(0, &format!("{space}{label}:{none}\n"));
    for c in containers {
        let name = s(&c["name"]);
        let status = statuses.and_then(|st| st.iter().rev().find(|x| s(&x["name"]) == name));
        describe_container_basic_info(o, c, status, space);
        describe_container_command(o, c);
        if let Some(st) = status {
            describe_container_state(o, st);
        }
        describe_resources(o, &c["resources"], 2);
        describe_container_probes(o, c);
        if !arr(&c["envFrom"]).is_empty() {
            describe_container_env_from(o, c);
        }
        describe_container_env(o, c, env);
        describe_container_volumes(o, c);
    }
}

/// `describeContainerBasicInfo`.
fn describe_container_basic_info(o: &mut Out, c: &Value, status: Option<&Value>, space: &str) {
    let name_indent = if space.is_empty() { "" } else { " " };
    o.w(1, &format!("{name_indent}{}:\n", s(&c["name"])));
    if let Some(st) = status {
        o.w(2, &format!("Container ID:\t{}\n", s(&st["containerID"])));
    }
    o.w(2, &format!("Image:\t{}\n", s(&c["image"])));
    if let Some(st) = status {
        o.w(2, &format!("Image ID:\t{}\n", s(&st["imageID"])));
    }
    let ports = arr(&c["ports"]);
    let port_string = |host: bool| -> String {
        ports
            .iter()
            .map(|p| {
                let num = if host { int(&p["hostPort"]) } else { int(&p["containerPort"]) };
                let mut text = format!("{num}/{}", s(&p["protocol"]));
                if !s(&p["name"]).is_empty() {
                    text = format!("{text} ({})", s(&p["name"]));
                }
                text
            })
            .collect::<Vec<_>>()
            .join(", ")
    };
    let port = port_string(false);
    if port.contains(',') {
        o.w(2, &format!("Ports:\t{port}\n"));
    } else {
        o.w(2, &format!("Port:\t{}\n", or_none(&port)));
    }
    let host_port = port_string(true);
    if host_port.contains(',') {
        o.w(2, &format!("Host Ports:\t{host_port}\n"));
    } else {
        o.w(2, &format!("Host Port:\t{}\n", or_none(&host_port)));
    }
    let seccomp = &c["securityContext"]["seccompProfile"];
    if seccomp.is_object() {
        o.w(2, &format!("SeccompProfile:\t{}\n", s(&seccomp["type"])));
        if s(&seccomp["type"]) == "Localhost" {
            o.w(3, &format!("LocalhostProfile:\t{}\n", s(&seccomp["localhostProfile"])));
        }
    }
}

/// `stringOrNone`.
fn or_none(text: &str) -> String {
    if text.is_empty() {
        "<none>".into()
    } else {
        text.to_string()
    }
}

/// `describeContainerCommand`.
fn describe_container_command(o: &mut Out, c: &Value) {
    for (field, title) in [("command", "Command"), ("args", "Args")] {
        let items = arr(&c[field]);
        if items.is_empty() {
            continue;
        }
        o.w(2, &format!("{title}:\n"));
        for item in items {
            for line in s(item).split('\n') {
                o.w(3, &format!("{line}\n"));
            }
        }
    }
}

/// `describeResources`.
fn describe_resources(o: &mut Out, resources: &Value, level: usize) {
    for (field, title) in [("limits", "Limits"), ("requests", "Requests")] {
        let list = string_map(&resources[field]);
        if list.is_empty() {
            continue;
        }
        o.w(level, &format!("{title}:\n"));
        for (name, _) in list {
            o.w(level + 1, &format!("{name}:\t{}\n", quantity_string(&resources[field][name.as_str()])));
        }
    }
}

/// `describeContainerState`.
fn describe_container_state(o: &mut Out, status: &Value) {
    describe_status(o, "State", &status["state"]);
    if status["lastState"]["terminated"].is_object() {
        describe_status(o, "Last State", &status["lastState"]);
    }
    o.w(2, &format!("Ready:\t{}\n", if boolean(&status["ready"]) { "True" } else { "False" }));
    o.w(2, &format!("Restart Count:\t{}\n", int(&status["restartCount"])));
}

/// `describeStatus`.
fn describe_status(o: &mut Out, state_name: &str, state: &Value) {
    if state["running"].is_object() {
        o.w(2, &format!("{state_name}:\tRunning\n"));
        o.w(3, &format!("Started:\t{}\n", rfc1123z(&state["running"]["startedAt"])));
    } else if state["waiting"].is_object() {
        o.w(2, &format!("{state_name}:\tWaiting\n"));
        if !s(&state["waiting"]["reason"]).is_empty() {
            o.w(3, &format!("Reason:\t{}\n", s(&state["waiting"]["reason"])));
        }
    } else if state["terminated"].is_object() {
        let t = &state["terminated"];
        o.w(2, &format!("{state_name}:\tTerminated\n"));
        if !s(&t["reason"]).is_empty() {
            o.w(3, &format!("Reason:\t{}\n", s(&t["reason"])));
        }
        if !s(&t["message"]).is_empty() {
            o.w(3, &format!("Message:\t{}\n", s(&t["message"])));
        }
        o.w(3, &format!("Exit Code:\t{}\n", int(&t["exitCode"])));
        if int(&t["signal"]) > 0 {
            o.w(3, &format!("Signal:\t{}\n", int(&t["signal"])));
        }
        o.w(3, &format!("Started:\t{}\n", rfc1123z(&t["startedAt"])));
        o.w(3, &format!("Finished:\t{}\n", rfc1123z(&t["finishedAt"])));
    } else {
        o.w(2, &format!("{state_name}:\tWaiting\n"));
    }
}

/// `describeContainerProbe`.
fn describe_container_probes(o: &mut Out, c: &Value) {
    for (field, title) in [("livenessProbe", "Liveness"), ("readinessProbe", "Readiness"), ("startupProbe", "Startup")] {
        if c[field].is_object() {
            o.w(2, &format!("{title}:\t{}\n", describe_probe(&c[field])));
        }
    }
}

/// `DescribeProbe`.
fn describe_probe(p: &Value) -> String {
    let attrs = format!(
        "delay={}s timeout={}s period={}s #success={} #failure={}",
        int(&p["initialDelaySeconds"]),
        int(&p["timeoutSeconds"]),
        int(&p["periodSeconds"]),
        int(&p["successThreshold"]),
        int(&p["failureThreshold"])
    );
    if p["exec"].is_object() {
        let cmd: Vec<String> = arr(&p["exec"]["command"]).iter().map(v).collect();
        return format!("exec [{}] {attrs}", cmd.join(" "));
    }
    if p["httpGet"].is_object() {
        let h = &p["httpGet"];
        let scheme = s(&h["scheme"]).to_ascii_lowercase();
        let port = int_or_string_opt(&h["port"]);
        let host = s(&h["host"]);
        let authority = if port.is_empty() { host.to_string() } else { join_host_port(host, &port) };
        let mut path = s(&h["path"]).to_string();
        if !authority.is_empty() && !path.is_empty() && !path.starts_with('/') {
            path.insert(0, '/');
        }
        let mut url = String::new();
        if !scheme.is_empty() {
            url.push_str(&scheme);
            url.push(':');
        }
        if !scheme.is_empty() || !authority.is_empty() {
            url.push_str("//");
            url.push_str(&authority);
        }
        url.push_str(&path);
        return format!("http-get {url} {attrs}");
    }
    if p["tcpSocket"].is_object() {
        return format!("tcp-socket {}:{} {attrs}", s(&p["tcpSocket"]["host"]), int_or_string_opt(&p["tcpSocket"]["port"]));
    }
    if p["grpc"].is_object() {
        return format!("grpc <pod>:{} {} {attrs}", int(&p["grpc"]["port"]), s(&p["grpc"]["service"]));
    }
    format!("unknown {attrs}")
}

/// `IntOrString.String()`; an absent value is the zero int.
fn int_or_string_opt(x: &Value) -> String {
    match x {
        Value::Null => "0".into(),
        other => int_or_string(other),
    }
}

/// `net.JoinHostPort`.
fn join_host_port(host: &str, port: &str) -> String {
    if host.contains(':') {
        format!("[{host}]:{port}")
    } else {
        format!("{host}:{port}")
    }
}

/// `describeContainerEnvFrom`.
fn describe_container_env_from(o: &mut Out, c: &Value) {
    o.w(2, "Environment Variables from:\n");
    for e in arr(&c["envFrom"]) {
        let (from, name, optional) = if e["configMapRef"].is_object() {
            ("ConfigMap", s(&e["configMapRef"]["name"]), boolean(&e["configMapRef"]["optional"]))
        } else if e["secretRef"].is_object() {
            ("Secret", s(&e["secretRef"]["name"]), boolean(&e["secretRef"]["optional"]))
        } else {
            ("", "", false)
        };
        let prefix = s(&e["prefix"]);
        if prefix.is_empty() {
            o.w(3, &format!("{name}\t{from}\tOptional: {optional}\n"));
        } else {
            o.w(3, &format!("{name}\t{from} with prefix '{prefix}'\tOptional: {optional}\n"));
        }
    }
}

/// `describeContainerEnvVars`.
fn describe_container_env(o: &mut Out, c: &Value, env: &EnvResolver) {
    let vars = arr(&c["env"]);
    let none = if vars.is_empty() { "\t<none>" } else { "" };
    o.w(2, &format!("Environment:{none}\n"));
    for e in vars {
        let name = s(&e["name"]);
        let from = &e["valueFrom"];
        if !from.is_object() {
            for (i, line) in s(&e["value"]).split('\n').enumerate() {
                if i == 0 {
                    o.w(3, &format!("{name}:\t{line}\n"));
                } else {
                    o.w(3, &format!("\t{line}\n"));
                }
            }
            continue;
        }
        if from["fieldRef"].is_object() {
            let f = &from["fieldRef"];
            let value = env.resolve(s(&f["fieldPath"]));
            o.w(3, &format!("{name}:\t{value} ({}:{})\n", s(&f["apiVersion"]), s(&f["fieldPath"])));
        } else if from["resourceFieldRef"].is_object() {
            let r = &from["resourceFieldRef"];
            let resource = s(&r["resource"]);
            let mut value = container_resource_value(c, r);
            if value == "0" && (resource == "limits.cpu" || resource == "limits.memory") {
                value = "node allocatable".into();
            }
            o.w(3, &format!("{name}:\t{value} ({resource})\n"));
        } else if from["secretKeyRef"].is_object() {
            let r = &from["secretKeyRef"];
            o.w(3, &format!("{name}:\t<set to the key '{}' in secret '{}'>\tOptional: {}\n", s(&r["key"]), s(&r["name"]), boolean(&r["optional"])));
        } else if from["configMapKeyRef"].is_object() {
            let r = &from["configMapKeyRef"];
            o.w(3, &format!("{name}:\t<set to the key '{}' of config map '{}'>\tOptional: {}\n", s(&r["key"]), s(&r["name"]), boolean(&r["optional"])));
        }
    }
}

/// `resourcehelper.ExtractContainerResourceValue`: the container's own request or limit,
/// divided by the divisor and rounded up.
fn container_resource_value(c: &Value, r: &Value) -> String {
    let resource = s(&r["resource"]);
    let divisor = Quantity::of(&r["divisor"]).filter(|d| d.nanos != 0).unwrap_or(Quantity { nanos: NANO, format: QFormat::DecimalSI });
    let Some((which, name)) = resource.split_once('.') else {
        return String::new();
    };
    let field = if which == "limits" { "limits" } else { "requests" };
    let q = Quantity::of(&c["resources"][field][name]).unwrap_or(Quantity::ZERO);
    let value = if name == "cpu" {
        (q.milli_value() as f64 / divisor.milli_value() as f64).ceil()
    } else {
        (q.value() as f64 / divisor.value() as f64).ceil()
    };
    format!("{}", value as i64)
}

/// `describeContainerVolumes`.
fn describe_container_volumes(o: &mut Out, c: &Value) {
    let mut mounts: Vec<&Value> = arr(&c["volumeMounts"]).iter().collect();
    let none = if mounts.is_empty() { "\t<none>" } else { "" };
    o.w(2, &format!("Mounts:{none}\n"));
    go_sort(&mut mounts, |a, b| s(&a["mountPath"]) < s(&b["mountPath"]));
    for m in mounts {
        let mut flags = vec![if boolean(&m["readOnly"]) { "ro".to_string() } else { "rw".to_string() }];
        if !s(&m["subPath"]).is_empty() {
            flags.push(format!("path={:?}", s(&m["subPath"])));
        }
        o.w(3, &format!("{} from {} ({})\n", s(&m["mountPath"]), s(&m["name"]), flags.join(",")));
    }
    let mut devices: Vec<&Value> = arr(&c["volumeDevices"]).iter().collect();
    if !devices.is_empty() {
        o.w(2, &format!("Devices:{none}\n"));
        go_sort(&mut devices, |a, b| s(&a["devicePath"]) < s(&b["devicePath"]));
        for d in devices {
            o.w(3, &format!("{} from {}\n", s(&d["devicePath"]), s(&d["name"])));
        }
    }
}

/// `describeVolumes`.
fn describe_volumes(o: &mut Out, volumes: &[Value], space: &str) {
    if volumes.is_empty() {
        o.w(0, &format!("{space}Volumes:\t<none>\n"));
        return;
    }
    o.w(0, &format!("{space}Volumes:\n"));
    let name_indent = if space.is_empty() { "" } else { " " };
    for vol in volumes {
        o.w(1, &format!("{name_indent}{}:\n", s(&vol["name"])));
        if let Some(hp) = vol.get("hostPath").filter(|x| x.is_object()) {
            let ty = if hp["type"].is_string() { s(&hp["type"]).to_string() } else { "<none>".into() };
            o.w(2, &format!("Type:\tHostPath (bare host directory volume)\n    Path:\t{}\n    HostPathType:\t{ty}\n", s(&hp["path"])));
        } else if let Some(ed) = vol.get("emptyDir").filter(|x| x.is_object()) {
            let size = Quantity::of(&ed["sizeLimit"]).filter(|q| q.nanos > 0).map(|q| q.canonical()).unwrap_or_else(|| "<unset>".into());
            o.w(2, &format!("Type:\tEmptyDir (a temporary directory that shares a pod's lifetime)\n    Medium:\t{}\n    SizeLimit:\t{size}\n", s(&ed["medium"])));
        } else if let Some(sec) = vol.get("secret").filter(|x| x.is_object()) {
            o.w(2, &format!("Type:\tSecret (a volume populated by a Secret)\n    SecretName:\t{}\n    Optional:\t{}\n", s(&sec["secretName"]), boolean(&sec["optional"])));
        } else if let Some(cm) = vol.get("configMap").filter(|x| x.is_object()) {
            o.w(2, &format!("Type:\tConfigMap (a volume populated by a ConfigMap)\n    Name:\t{}\n    Optional:\t{}\n", s(&cm["name"]), boolean(&cm["optional"])));
        } else if let Some(nfs) = vol.get("nfs").filter(|x| x.is_object()) {
            o.w(
                2,
                &format!(
                    "Type:\tNFS (an NFS mount that lasts the lifetime of a pod)\n    Server:\t{}\n    Path:\t{}\n    ReadOnly:\t{}\n",
                    s(&nfs["server"]),
                    s(&nfs["path"]),
                    boolean(&nfs["readOnly"])
                ),
            );
        } else if let Some(pvc) = vol.get("persistentVolumeClaim").filter(|x| x.is_object()) {
            o.w(
                2,
                &format!(
                    "Type:\tPersistentVolumeClaim (a reference to a PersistentVolumeClaim in the same namespace)\n    ClaimName:\t{}\n    ReadOnly:\t{}\n",
                    s(&pvc["claimName"]),
                    boolean(&pvc["readOnly"])
                ),
            );
        } else if let Some(eph) = vol.get("ephemeral").filter(|x| x.is_object()) {
            o.w(2, "Type:\tEphemeralVolume (an inline specification for a volume that gets created and deleted with the pod)\n");
            if eph["volumeClaimTemplate"].is_object() {
                o.nested += 2;
                print_pvc(o, &eph["volumeClaimTemplate"], false, 0);
                o.nested -= 2;
            }
        } else if let Some(d) = vol.get("downwardAPI").filter(|x| x.is_object()) {
            o.w(2, "Type:\tDownwardAPI (a volume populated by information about the pod)\n    Items:\n");
            for item in arr(&d["items"]) {
                if item["fieldRef"].is_object() {
                    o.w(3, &format!("{} -> {}\n", s(&item["fieldRef"]["fieldPath"]), s(&item["path"])));
                }
                if item["resourceFieldRef"].is_object() {
                    o.w(3, &format!("{} -> {}\n", s(&item["resourceFieldRef"]["resource"]), s(&item["path"])));
                }
            }
        } else if let Some(p) = vol.get("projected").filter(|x| x.is_object()) {
            o.w(2, "Type:\tProjected (a volume that contains injected data from multiple sources)\n");
            for src in arr(&p["sources"]) {
                if src["secret"].is_object() {
                    o.w(2, &format!("SecretName:\t{}\n    Optional:\t{}\n", s(&src["secret"]["name"]), boolean(&src["secret"]["optional"])));
                } else if src["downwardAPI"].is_object() {
                    o.w(2, "DownwardAPI:\ttrue\n");
                } else if src["configMap"].is_object() {
                    o.w(2, &format!("ConfigMapName:\t{}\n    Optional:\t{}\n", s(&src["configMap"]["name"]), boolean(&src["configMap"]["optional"])));
                } else if src["serviceAccountToken"].is_object() {
                    o.w(2, &format!("TokenExpirationSeconds:\t{}\n", int(&src["serviceAccountToken"]["expirationSeconds"])));
                }
            }
        } else if let Some(csi) = vol.get("csi").filter(|x| x.is_object()) {
            o.w(
                2,
                &format!(
                    "Type:\tCSI (a Container Storage Interface (CSI) volume source)\n    Driver:\t{}\n    FSType:\t{}\n    ReadOnly:\t{}\n",
                    s(&csi["driver"]),
                    s(&csi["fsType"]),
                    boolean(&csi["readOnly"])
                ),
            );
            o.w(2, "VolumeAttributes:\t");
            let attrs = string_map(&csi["volumeAttributes"]);
            if attrs.is_empty() {
                o.line("<none>");
            }
            for (i, (k, val)) in attrs.iter().enumerate() {
                if i != 0 {
                    o.w(2, "");
                    o.w(2, "\t");
                }
                let line = format!("{k}={val}");
                if line.len() > MAX_ANNOTATION_LEN {
                    o.w(2, &format!("{}...\n", String::from_utf8_lossy(&line.as_bytes()[..MAX_ANNOTATION_LEN])));
                } else {
                    o.w(2, &format!("{line}\n"));
                }
            }
        } else if let Some(img) = vol.get("image").filter(|x| x.is_object()) {
            o.w(2, &format!("Type:\tImage (a container image or OCI artifact)\n    Reference:\t{}\n    PullPolicy:\t{}\n", s(&img["reference"]), s(&img["pullPolicy"])));
        } else {
            o.w(1, "<unknown>\n");
        }
    }
}

/// `DescribePodTemplate`.
fn describe_pod_template(o: &mut Out, template: &Value) {
    o.w(0, "Pod Template:\n");
    if !template.is_object() {
        o.w(1, "<unset>");
        return;
    }
    let (meta, spec) = (&template["metadata"], &template["spec"]);
    print_labels(o, "  Labels", &meta["labels"]);
    if !is_empty_map(&meta["annotations"]) {
        print_annotations(o, "  Annotations", &meta["annotations"]);
    }
    if !s(&spec["serviceAccountName"]).is_empty() {
        o.w(1, &format!("Service Account:\t{}\n", s(&spec["serviceAccountName"])));
    }
    if !arr(&spec["initContainers"]).is_empty() {
        describe_containers(o, "Init Containers", arr(&spec["initContainers"]), None, &EnvResolver::None, "  ");
    }
    describe_containers(o, "Containers", arr(&spec["containers"]), None, &EnvResolver::None, "  ");
    describe_volumes(o, arr(&spec["volumes"]), "  ");
    describe_topology_spread(o, &spec["topologySpreadConstraints"], "  ");
    if !s(&spec["priorityClassName"]).is_empty() {
        o.w(1, &format!("Priority Class Name:\t{}\n", s(&spec["priorityClassName"])));
    }
    print_labels(o, "  Node-Selectors", &spec["nodeSelector"]);
    print_tolerations(o, "", "  Tolerations", &spec["tolerations"]);
    if spec["workloadRef"].is_object() {
        describe_workload_ref(o, &spec["workloadRef"], "  ");
    }
}

// ---------------------------------------------------------------------------------------
// Nodes

/// `NodeDescriber.Describe` and `describeNode`.
fn describe_node(ctx: &mut Ctx, node: &Value, settings: &Settings) -> Result<String, Fail> {
    let meta = &node["metadata"];
    let name = s(&meta["name"]).to_string();
    let selector = format!("spec.nodeName={name},status.phase!=Succeeded,status.phase!=Failed");
    let pods_req = with_limit(Request::get("/api/v1/pods").query("fieldSelector", selector), settings);
    let pods: Option<Vec<Value>> = match ctx.call(pods_req)? {
        Ok(list) => Some(arr(&list["items"]).to_vec()),
        Err(e) if e.reason == "Forbidden" => None,
        Err(e) => return Err(Fail::Text(server_error(&e))),
    };
    let events = if settings.show_events {
        // Controllers name the node by its UID, the kubelet by its name.
        let mut events = search_events(ctx, "", &name, Some("Node"), Some(s(&meta["uid"])), settings)?;
        events.extend(search_events(ctx, "", &name, Some("Node"), Some(&name), settings)?);
        Some(events)
    } else {
        None
    };
    let now = ctx.backend.now();
    let (spec, status) = (&node["spec"], &node["status"]);
    let mut o = Out::new();
    o.w(0, &format!("Name:\t{name}\n"));
    let roles = node_roles(node);
    o.w(0, &format!("Roles:\t{}\n", if roles.is_empty() { "<none>".to_string() } else { roles.join(",") }));
    print_labels(&mut o, "Labels", &meta["labels"]);
    print_annotations(&mut o, "Annotations", &meta["annotations"]);
    o.w(0, &format!("CreationTimestamp:\t{}\n", rfc1123z(&meta["creationTimestamp"])));
    print_taints(&mut o, "Taints", &spec["taints"]);
    o.w(0, &format!("Unschedulable:\t{}\n", boolean(&spec["unschedulable"])));
    let lease_path = format!("/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases/{name}");
    match ctx.call(Request::get(lease_path))? {
        Ok(lease) => {
            let ls = &lease["spec"];
            o.w(0, "Lease:\n");
            let holder = if ls["holderIdentity"].is_string() { s(&ls["holderIdentity"]).to_string() } else { "<unset>".into() };
            o.w(1, &format!("HolderIdentity:\t{holder}\n"));
            for (field, title) in [("acquireTime", "AcquireTime"), ("renewTime", "RenewTime")] {
                let value = if ls[field].is_string() { micro_rfc1123z(&ls[field]) } else { "<unset>".into() };
                o.w(1, &format!("{title}:\t{value}\n"));
            }
        }
        Err(e) => o.w(0, &format!("Lease:\tFailed to get lease: {}\n", e.message)),
    }
    let conditions = arr(&status["conditions"]);
    if !conditions.is_empty() {
        o.w(0, "Conditions:\n  Type\tStatus\tLastHeartbeatTime\tLastTransitionTime\tReason\tMessage\n");
        o.w(1, "----\t------\t-----------------\t------------------\t------\t-------\n");
        for c in conditions {
            o.w(
                1,
                &format!(
                    "{} \t{} \t{} \t{} \t{} \t{}\n",
                    s(&c["type"]),
                    s(&c["status"]),
                    rfc1123z(&c["lastHeartbeatTime"]),
                    rfc1123z(&c["lastTransitionTime"]),
                    s(&c["reason"]),
                    s(&c["message"])
                ),
            );
        }
    }
    o.w(0, "Addresses:\n");
    for a in arr(&status["addresses"]) {
        o.w(1, &format!("{}:\t{}\n", s(&a["type"]), s(&a["address"])));
    }
    for (field, title) in [("capacity", "Capacity"), ("allocatable", "Allocatable")] {
        let list = string_map(&status[field]);
        if list.is_empty() {
            continue;
        }
        o.w(0, &format!("{title}:\n"));
        for (res, _) in list {
            o.w(0, &format!("  {res}:\t{}\n", quantity_string(&status[field][res.as_str()])));
        }
    }
    let info = &status["nodeInfo"];
    o.w(0, "System Info:\n");
    for (field, title) in [
        ("machineID", "Machine ID"),
        ("systemUUID", "System UUID"),
        ("bootID", "Boot ID"),
        ("kernelVersion", "Kernel Version"),
        ("osImage", "OS Image"),
        ("operatingSystem", "Operating System"),
        ("architecture", "Architecture"),
        ("containerRuntimeVersion", "Container Runtime Version"),
        ("kubeletVersion", "Kubelet Version"),
        ("kubeProxyVersion", "Kube-Proxy Version"),
    ] {
        o.w(0, &format!("  {title}:\t{}\n", s(&info[field])));
    }
    if !s(&spec["podCIDR"]).is_empty() {
        o.w(0, &format!("PodCIDR:\t{}\n", s(&spec["podCIDR"])));
    }
    let cidrs = arr(&spec["podCIDRs"]);
    if !cidrs.is_empty() {
        o.w(0, &format!("PodCIDRs:\t{}\n", cidrs.iter().map(|c| s(c).to_string()).collect::<Vec<_>>().join(",")));
    }
    if !s(&spec["providerID"]).is_empty() {
        o.w(0, &format!("ProviderID:\t{}\n", s(&spec["providerID"])));
    }
    match &pods {
        Some(pods) => describe_node_resource(&mut o, pods, node, now),
        None => o.w(0, "Pods:\tnot authorized\n"),
    }
    if let Some(events) = &events {
        describe_events(&mut o, events, now);
    }
    Ok(o.finish())
}

/// A `metav1.MicroTime` in RFC1123Z (the fraction is dropped).
fn micro_rfc1123z(x: &Value) -> String {
    rfc1123z(x)
}

/// `findNodeRoles`.
fn node_roles(node: &Value) -> Vec<String> {
    let mut roles: Vec<String> = Vec::new();
    for (k, val) in string_map(&node["metadata"]["labels"]) {
        if let Some(role) = k.strip_prefix("node-role.kubernetes.io/") {
            if !role.is_empty() {
                roles.push(role.to_string());
            }
        } else if k == "kubernetes.io/role" && !val.is_empty() {
            roles.push(val);
        }
    }
    roles.sort();
    roles.dedup();
    roles
}

/// Go's `int64(float64(a) / float64(b) * 100)`.
fn percent(a: i128, b: i128) -> i64 {
    (a as f64 / b as f64 * 100.0) as i64
}

/// `describeNodeResource`.
fn describe_node_resource(o: &mut Out, pods: &[Value], node: &Value, now: Millis) {
    o.w(0, &format!("Non-terminated Pods:\t({} in total)\n", pods.len()));
    o.w(1, "Namespace\tName\t\tCPU Requests\tCPU Limits\tMemory Requests\tMemory Limits\tAge\n");
    o.w(1, "---------\t----\t\t------------\t----------\t---------------\t-------------\t---\n");
    let status = &node["status"];
    let allocatable = if is_empty_map(&status["allocatable"]) { resource_list(&status["capacity"]) } else { resource_list(&status["allocatable"]) };
    let alloc = |n: &str| list_get(&allocatable, n).unwrap_or(Quantity::ZERO);
    let (alloc_cpu, alloc_mem, alloc_eph) = (alloc("cpu").milli_value(), alloc("memory").value(), alloc("ephemeral-storage").value());
    let mut total_reqs: Vec<(String, Quantity)> = Vec::new();
    let mut total_limits: Vec<(String, Quantity)> = Vec::new();
    for pod in pods {
        let (req, lim) = pod_requests_and_limits(pod);
        let get = |l: &[(String, Quantity)], n: &str| list_get(l, n).unwrap_or(Quantity::ZERO);
        let (cr, cl, mr, ml) = (get(&req, "cpu"), get(&lim, "cpu"), get(&req, "memory"), get(&lim, "memory"));
        o.w(
            1,
            &format!(
                "{}\t{}\t\t{} ({}%)\t{} ({}%)\t{} ({}%)\t{} ({}%)\t{}\n",
                s(&pod["metadata"]["namespace"]),
                s(&pod["metadata"]["name"]),
                cr.canonical(),
                percent(cr.milli_value(), alloc_cpu),
                cl.canonical(),
                percent(cl.milli_value(), alloc_cpu),
                mr.canonical(),
                percent(mr.value(), alloc_mem),
                ml.canonical(),
                percent(ml.value(), alloc_mem),
                since(&pod["metadata"]["creationTimestamp"], now)
            ),
        );
        add_resources(&mut total_reqs, &req);
        add_resources(&mut total_limits, &lim);
    }
    o.w(0, "Allocated resources:\n  (Total limits may be over 100 percent, i.e., overcommitted.)\n");
    o.w(1, "Resource\tRequests\tLimits\n");
    o.w(1, "--------\t--------\t------\n");
    let total = |l: &[(String, Quantity)], n: &str| list_get(l, n).unwrap_or(Quantity::ZERO);
    let frac = |q: Quantity, whole: i128, milli: bool| if whole == 0 { 0 } else { percent(if milli { q.milli_value() } else { q.value() }, whole) };
    for (name, whole, milli) in [("cpu", alloc_cpu, true), ("memory", alloc_mem, false), ("ephemeral-storage", alloc_eph, false)] {
        let (r, l) = (total(&total_reqs, name), total(&total_limits, name));
        o.w(1, &format!("{name}\t{} ({}%)\t{} ({}%)\n", r.canonical(), frac(r, whole, milli), l.canonical(), frac(l, whole, milli)));
    }
    let mut huge: Vec<&String> = Vec::new();
    let mut ext: Vec<&String> = Vec::new();
    for (name, _) in &allocatable {
        if name.starts_with("hugepages-") {
            huge.push(name);
        } else if !matches!(name.as_str(), "cpu" | "memory" | "ephemeral-storage" | "pods") {
            ext.push(name);
        }
    }
    for name in huge {
        let (r, l) = (total(&total_reqs, name), total(&total_limits, name));
        let whole = alloc(name).value();
        o.w(1, &format!("{name}\t{} ({}%)\t{} ({}%)\n", r.canonical(), frac(r, whole, false), l.canonical(), frac(l, whole, false)));
    }
    for name in ext {
        o.w(1, &format!("{name}\t{}\t{}\n", total(&total_reqs, name).canonical(), total(&total_limits, name).canonical()));
    }
}

// ---------------------------------------------------------------------------------------
// Workloads

/// Counts the pods a controller owns by phase (`getPodStatusForController`).
fn pod_status_for_controller(ctx: &mut Ctx, namespace: &str, selector: &str, uid: &str, settings: &Settings) -> Result<Result<[u32; 4], ApiError>, Fail> {
    let mut req = Request::get(format!("/api/v1/namespaces/{namespace}/pods"));
    if !selector.is_empty() {
        req = req.query("labelSelector", selector);
    }
    let req = with_limit(req, settings);
    let list = match ctx.call(req)? {
        Ok(l) => l,
        Err(e) => return Ok(Err(e)),
    };
    let mut counts = [0u32; 4];
    for pod in arr(&list["items"]) {
        let owned = arr(&pod["metadata"]["ownerReferences"]).iter().any(|r| boolean(&r["controller"]) && s(&r["uid"]) == uid);
        if !owned {
            continue;
        }
        match s(&pod["status"]["phase"]) {
            "Running" => counts[0] += 1,
            "Pending" => counts[1] += 1,
            "Succeeded" => counts[2] += 1,
            "Failed" => counts[3] += 1,
            _ => {}
        }
    }
    Ok(Ok(counts))
}

/// The `Type Status Reason` conditions table of workloads.
fn workload_conditions(o: &mut Out, conditions: &[Value]) {
    if conditions.is_empty() {
        return;
    }
    o.w(0, "Conditions:\n  Type\tStatus\tReason\n");
    o.w(1, "----\t------\t------\n");
    for c in conditions {
        o.w(1, &format!("{} \t{}\t{}\n", s(&c["type"]), s(&c["status"]), s(&c["reason"])));
    }
}

/// `DeploymentDescriber.Describe` and `describeDeployment`.
fn describe_deployment(ctx: &mut Ctx, d: &Value, settings: &Settings) -> Result<String, Fail> {
    let events = object_events(ctx, d, "Deployment", settings)?;
    let (meta, spec, status) = (&d["metadata"], &d["spec"], &d["status"]);
    let ns = s(&meta["namespace"]).to_string();
    let selector = selector_string(&spec["selector"]);
    // deploymentutil.GetAllReplicaSetsInChunks: the ReplicaSets the deployment controls;
    // the oldest one with the deployment's template is the new one.
    let mut req = Request::get(format!("/apis/apps/v1/namespaces/{ns}/replicasets"));
    if !selector.is_empty() {
        req = req.query("labelSelector", selector.clone());
    }
    let req = with_limit(req, settings);
    let mut old: Vec<Value> = Vec::new();
    let mut new: Option<Value> = None;
    let mut listed = false;
    if let Ok(list) = ctx.call(req)? {
        listed = true;
        let uid = s(&meta["uid"]);
        let owned: Vec<Value> = arr(&list["items"])
            .iter()
            .filter(|rs| arr(&rs["metadata"]["ownerReferences"]).iter().any(|r| boolean(&r["controller"]) && s(&r["uid"]) == uid))
            .cloned()
            .collect();
        let mut by_age: Vec<&Value> = owned.iter().collect();
        go_sort(&mut by_age, |a, b| {
            let (ta, tb) = (time_of(&a["metadata"]["creationTimestamp"]), time_of(&b["metadata"]["creationTimestamp"]));
            if ta == tb {
                s(&a["metadata"]["name"]) < s(&b["metadata"]["name"])
            } else {
                ta < tb
            }
        });
        new = by_age.iter().find(|rs| equal_ignore_hash(&rs["spec"]["template"], &spec["template"])).map(|rs| (*rs).clone());
        let new_uid = new.as_ref().map(|n| s(&n["metadata"]["uid"]).to_string());
        // The old ones in the (sorted) order the new one was searched in.
        old = by_age.into_iter().filter(|rs| Some(s(&rs["metadata"]["uid"]).to_string()) != new_uid).cloned().collect();
    }
    let now = ctx.backend.now();
    let mut o = Out::new();
    o.w(0, &format!("Name:\t{}\n", s(&meta["name"])));
    o.w(0, &format!("Namespace:\t{ns}\n"));
    o.w(0, &format!("CreationTimestamp:\t{}\n", rfc1123z(&meta["creationTimestamp"])));
    print_labels(&mut o, "Labels", &meta["labels"]);
    print_annotations(&mut o, "Annotations", &meta["annotations"]);
    o.w(0, &format!("Selector:\t{selector}\n"));
    o.w(
        0,
        &format!(
            "Replicas:\t{} desired | {} updated | {} total | {} available | {} unavailable\n",
            int(&spec["replicas"]),
            int(&status["updatedReplicas"]),
            int(&status["replicas"]),
            int(&status["availableReplicas"]),
            int(&status["unavailableReplicas"])
        ),
    );
    o.w(0, &format!("StrategyType:\t{}\n", s(&spec["strategy"]["type"])));
    o.w(0, &format!("MinReadySeconds:\t{}\n", int(&spec["minReadySeconds"])));
    let ru = &spec["strategy"]["rollingUpdate"];
    if ru.is_object() {
        o.w(0, &format!("RollingUpdateStrategy:\t{} max unavailable, {} max surge\n", int_or_string_ptr(&ru["maxUnavailable"]), int_or_string_ptr(&ru["maxSurge"])));
    }
    describe_pod_template(&mut o, &spec["template"]);
    workload_conditions(&mut o, arr(&status["conditions"]));
    if listed && (!old.is_empty() || new.is_some()) {
        o.w(0, &format!("OldReplicaSets:\t{}\n", replica_sets_by_labels(&old)));
        o.w(0, &format!("NewReplicaSet:\t{}\n", replica_sets_by_labels(new.as_slice())));
    }
    if let Some(events) = &events {
        describe_events(&mut o, events, now);
    }
    Ok(o.finish())
}

/// `%s` of a `*intstr.IntOrString`: `<nil>` when unset.
fn int_or_string_ptr(x: &Value) -> String {
    if x.is_null() {
        "<nil>".into()
    } else {
        int_or_string(x)
    }
}

/// `equalIgnoreHash`: templates compared without the `pod-template-hash` label.
fn equal_ignore_hash(a: &Value, b: &Value) -> bool {
    fn strip(t: &Value) -> Value {
        let mut t = t.clone();
        if let Some(labels) = t["metadata"]["labels"].as_object_mut() {
            labels.remove("pod-template-hash");
        }
        normalize(&t)
    }
    strip(a) == strip(b)
}

/// Drops nulls and empty maps and lists, which a typed Go object cannot tell apart from
/// absent fields.
fn normalize(x: &Value) -> Value {
    match x {
        Value::Object(m) => Value::Object(
            m.iter()
                .map(|(k, val)| (k.clone(), normalize(val)))
                .filter(|(_, val)| !(val.is_null() || val.as_object().is_some_and(|o| o.is_empty()) || val.as_array().is_some_and(|a| a.is_empty())))
                .collect(),
        ),
        Value::Array(a) => Value::Array(a.iter().map(normalize).collect()),
        other => other.clone(),
    }
}

/// `printReplicaSetsByLabels`.
fn replica_sets_by_labels(list: &[Value]) -> String {
    let items: Vec<String> =
        list.iter().map(|rs| format!("{} ({}/{} replicas created)", s(&rs["metadata"]["name"]), int(&rs["status"]["replicas"]), int(&rs["spec"]["replicas"]))).collect();
    if items.is_empty() {
        "<none>".into()
    } else {
        items.join(", ")
    }
}

/// `ReplicaSetDescriber.Describe` and `describeReplicaSet`.
fn describe_replica_set(ctx: &mut Ctx, rs: &Value, settings: &Settings) -> Result<String, Fail> {
    let (meta, spec, status) = (&rs["metadata"], &rs["spec"], &rs["status"]);
    let ns = s(&meta["namespace"]).to_string();
    let counts = pod_status_for_controller(ctx, &ns, &selector_string(&spec["selector"]), s(&meta["uid"]), settings)?;
    let events = object_events(ctx, rs, "ReplicaSet", settings)?;
    let now = ctx.backend.now();
    let mut o = Out::new();
    o.w(0, &format!("Name:\t{}\n", s(&meta["name"])));
    o.w(0, &format!("Namespace:\t{ns}\n"));
    o.w(0, &format!("Selector:\t{}\n", format_label_selector(&spec["selector"])));
    print_labels(&mut o, "Labels", &meta["labels"]);
    print_annotations(&mut o, "Annotations", &meta["annotations"]);
    if let Some(c) = controller_of(rs) {
        o.w(0, &format!("Controlled By:\t{c}\n"));
    }
    o.w(0, &format!("Replicas:\t{} current / {} desired\n", int(&status["replicas"]), int(&spec["replicas"])));
    o.w(0, "Pods Status:\t");
    match counts {
        Ok([r, w, su, f]) => o.w(0, &format!("{r} Running / {w} Waiting / {su} Succeeded / {f} Failed\n")),
        Err(e) => o.w(0, &format!("error in fetching pods: {}\n", e.message)),
    }
    describe_pod_template(&mut o, &spec["template"]);
    workload_conditions(&mut o, arr(&status["conditions"]));
    if let Some(events) = &events {
        describe_events(&mut o, events, now);
    }
    Ok(o.finish())
}

/// `DaemonSetDescriber.Describe` and `describeDaemonSet`.
fn describe_daemon_set(ctx: &mut Ctx, ds: &Value, settings: &Settings) -> Result<String, Fail> {
    let (meta, spec, status) = (&ds["metadata"], &ds["spec"], &ds["status"]);
    let ns = s(&meta["namespace"]).to_string();
    let selector = selector_string(&spec["selector"]);
    let [r, w, su, f] = match pod_status_for_controller(ctx, &ns, &selector, s(&meta["uid"]), settings)? {
        Ok(counts) => counts,
        Err(e) => return Err(Fail::Text(server_error(&e))),
    };
    let events = object_events(ctx, ds, "DaemonSet", settings)?;
    let now = ctx.backend.now();
    let mut o = Out::new();
    o.w(0, &format!("Name:\t{}\n", s(&meta["name"])));
    o.w(0, &format!("Namespace:\t{ns}\n"));
    o.w(0, &format!("Selector:\t{selector}\n"));
    o.w(0, &format!("Node-Selector:\t{}\n", format_labels(&spec["template"]["spec"]["nodeSelector"])));
    print_labels(&mut o, "Labels", &meta["labels"]);
    print_annotations(&mut o, "Annotations", &meta["annotations"]);
    o.w(0, &format!("Desired Number of Nodes Scheduled: {}\n", int(&status["desiredNumberScheduled"])));
    o.w(0, &format!("Current Number of Nodes Scheduled: {}\n", int(&status["currentNumberScheduled"])));
    o.w(0, &format!("Number of Nodes Scheduled with Up-to-date Pods: {}\n", int(&status["updatedNumberScheduled"])));
    o.w(0, &format!("Number of Nodes Scheduled with Available Pods: {}\n", int(&status["numberAvailable"])));
    o.w(0, &format!("Number of Nodes Misscheduled: {}\n", int(&status["numberMisscheduled"])));
    o.w(0, &format!("Pods Status:\t{r} Running / {w} Waiting / {su} Succeeded / {f} Failed\n"));
    describe_pod_template(&mut o, &spec["template"]);
    if let Some(events) = &events {
        describe_events(&mut o, events, now);
    }
    Ok(o.finish())
}

/// `StatefulSetDescriber.Describe` and `describeStatefulSet`.
fn describe_stateful_set(ctx: &mut Ctx, sts: &Value, settings: &Settings) -> Result<String, Fail> {
    let (meta, spec, status) = (&sts["metadata"], &sts["spec"], &sts["status"]);
    let ns = s(&meta["namespace"]).to_string();
    let selector = selector_string(&spec["selector"]);
    let [r, w, su, f] = match pod_status_for_controller(ctx, &ns, &selector, s(&meta["uid"]), settings)? {
        Ok(counts) => counts,
        Err(e) => return Err(Fail::Text(server_error(&e))),
    };
    let events = object_events(ctx, sts, "StatefulSet", settings)?;
    let now = ctx.backend.now();
    let mut o = Out::new();
    o.w(0, &format!("Name:\t{}\n", s(&meta["name"])));
    o.w(0, &format!("Namespace:\t{ns}\n"));
    o.w(0, &format!("CreationTimestamp:\t{}\n", rfc1123z(&meta["creationTimestamp"])));
    o.w(0, &format!("Selector:\t{selector}\n"));
    print_labels(&mut o, "Labels", &meta["labels"]);
    print_annotations(&mut o, "Annotations", &meta["annotations"]);
    o.w(0, &format!("Replicas:\t{} desired | {} total\n", int(&spec["replicas"]), int(&status["replicas"])));
    o.w(0, &format!("Update Strategy:\t{}\n", s(&spec["updateStrategy"]["type"])));
    let ru = &spec["updateStrategy"]["rollingUpdate"];
    if let Some(partition) = ru["partition"].as_i64() {
        o.w(1, &format!("Partition:\t{partition}\n"));
        if !ru["maxUnavailable"].is_null() {
            o.w(1, &format!("MaxUnavailable:\t{}\n", int_or_string(&ru["maxUnavailable"])));
        }
    }
    o.w(0, &format!("Pods Status:\t{r} Running / {w} Waiting / {su} Succeeded / {f} Failed\n"));
    describe_pod_template(&mut o, &spec["template"]);
    let templates = arr(&spec["volumeClaimTemplates"]);
    if templates.is_empty() {
        o.w(0, "Volume Claims:\t<none>\n");
    } else {
        o.w(0, "Volume Claims:\n");
        for pvc in templates {
            let pm = &pvc["metadata"];
            o.w(1, &format!("Name:\t{}\n", s(&pm["name"])));
            o.w(1, &format!("StorageClass:\t{}\n", pvc_class(pvc)));
            labels_multiline(&mut o, "  ", "Labels", "\t", &pm["labels"]);
            labels_multiline(&mut o, "  ", "Annotations", "\t", &pm["annotations"]);
            let storage = &pvc["spec"]["resources"]["requests"]["storage"];
            let capacity = if storage.is_null() { "<default>".to_string() } else { quantity_string(storage) };
            o.w(1, &format!("Capacity:\t{capacity}\n"));
            let modes: Vec<String> = arr(&pvc["spec"]["accessModes"]).iter().map(v).collect();
            o.w(1, &format!("Access Modes:\t[{}]\n", modes.join(" ")));
        }
    }
    if let Some(events) = &events {
        describe_events(&mut o, events, now);
    }
    Ok(o.finish())
}

/// `storageutil.GetPersistentVolumeClaimClass`: the beta annotation wins over the field.
fn pvc_class(pvc: &Value) -> String {
    if let Some(class) = pvc["metadata"]["annotations"]["volume.beta.kubernetes.io/storage-class"].as_str() {
        return class.to_string();
    }
    s(&pvc["spec"]["storageClassName"]).to_string()
}

/// `StorageClassDescriber.Describe` and `describeStorageClass`.
fn describe_storage_class(ctx: &mut Ctx, sc: &Value, settings: &Settings) -> Result<String, Fail> {
    let events = object_events(ctx, sc, "StorageClass", settings)?;
    let now = ctx.backend.now();
    let meta = &sc["metadata"];
    let annotations = &meta["annotations"];
    let is_default = ["storageclass.kubernetes.io/is-default-class", "storageclass.beta.kubernetes.io/is-default-class"]
        .iter()
        .any(|k| s(&annotations[*k]) == "true");
    let mut o = Out::new();
    o.w(0, &format!("Name:\t{}\n", s(&meta["name"])));
    o.w(0, &format!("IsDefaultClass:\t{}\n", if is_default { "Yes" } else { "No" }));
    o.w(0, &format!("Annotations:\t{}\n", format_labels(annotations)));
    o.w(0, &format!("Provisioner:\t{}\n", s(&sc["provisioner"])));
    o.w(0, &format!("Parameters:\t{}\n", format_labels(&sc["parameters"])));
    let expansion = match sc["allowVolumeExpansion"].as_bool() {
        Some(true) => "True",
        Some(false) => "False",
        None => "<unset>",
    };
    o.w(0, &format!("AllowVolumeExpansion:\t{expansion}\n"));
    let options = arr(&sc["mountOptions"]);
    if options.is_empty() {
        o.w(0, "MountOptions:\t<none>\n");
    } else {
        o.w(0, "MountOptions:\n");
        for opt in options {
            o.w(1, &format!("{}\n", s(opt)));
        }
    }
    if sc["reclaimPolicy"].is_string() {
        o.w(0, &format!("ReclaimPolicy:\t{}\n", s(&sc["reclaimPolicy"])));
    }
    if sc["volumeBindingMode"].is_string() {
        o.w(0, &format!("VolumeBindingMode:\t{}\n", s(&sc["volumeBindingMode"])));
    }
    if let Some(terms) = sc["allowedTopologies"].as_array() {
        o.w(0, "AllowedTopologies:\t");
        if terms.is_empty() {
            o.line("<none>");
        } else {
            o.line("");
            for (i, term) in terms.iter().enumerate() {
                o.w(1, &format!("Term {i}:\t"));
                let reqs = arr(&term["matchLabelExpressions"]);
                if reqs.is_empty() {
                    o.line("<none>");
                }
                for (j, r) in reqs.iter().enumerate() {
                    if j != 0 {
                        o.w(1, "\t");
                    }
                    let values: Vec<String> = arr(&r["values"]).iter().map(v).collect();
                    let mut expr = format!("{} in", s(&r["key"]));
                    if !values.is_empty() {
                        expr = format!("{expr} [{}]", values.join(", "));
                    }
                    o.w(0, &format!("{expr}\n"));
                }
            }
        }
    }
    if let Some(events) = &events {
        describe_events(&mut o, events, now);
    }
    Ok(o.finish())
}

/// `PriorityClassDescriber.Describe` and `describePriorityClass`.
fn describe_priority_class(ctx: &mut Ctx, pc: &Value, settings: &Settings) -> Result<String, Fail> {
    let events = object_events(ctx, pc, "PriorityClass", settings)?;
    let now = ctx.backend.now();
    let mut o = Out::new();
    o.w(0, &format!("Name:\t{}\n", s(&pc["metadata"]["name"])));
    o.w(0, &format!("Value:\t{}\n", int(&pc["value"])));
    o.w(0, &format!("GlobalDefault:\t{}\n", boolean(&pc["globalDefault"])));
    o.w(0, &format!("PreemptionPolicy:\t{}\n", s(&pc["preemptionPolicy"])));
    o.w(0, &format!("Description:\t{}\n", s(&pc["description"])));
    o.w(0, &format!("Annotations:\t{}\n", format_labels(&pc["metadata"]["annotations"])));
    if let Some(events) = &events {
        describe_events(&mut o, events, now);
    }
    Ok(o.finish())
}

/// `RoleDescriber` and `ClusterRoleDescriber`: the rules broken down, compacted and
/// sorted as `auth can-i --list` shows them.
fn describe_role(role: &Value) -> String {
    let meta = &role["metadata"];
    let mut o = Out::new();
    o.w(0, &format!("Name:\t{}\n", s(&meta["name"])));
    print_labels(&mut o, "Labels", &meta["labels"]);
    print_annotations(&mut o, "Annotations", &meta["annotations"]);
    o.w(0, "PolicyRule:\n");
    o.w(1, "Resources\tNon-Resource URLs\tResource Names\tVerbs\n");
    o.w(1, "---------\t-----------------\t--------------\t-----\n");
    for row in crate::auth::policy_rule_rows(arr(&role["rules"])) {
        o.w(1, &format!("{}\n", row.join("\t")));
    }
    o.finish()
}

/// `RoleBindingDescriber` and `ClusterRoleBindingDescriber`.
fn describe_role_binding(binding: &Value) -> String {
    let meta = &binding["metadata"];
    let mut o = Out::new();
    o.w(0, &format!("Name:\t{}\n", s(&meta["name"])));
    print_labels(&mut o, "Labels", &meta["labels"]);
    print_annotations(&mut o, "Annotations", &meta["annotations"]);
    o.w(0, "Role:\n");
    o.w(1, &format!("Kind:\t{}\n", s(&binding["roleRef"]["kind"])));
    o.w(1, &format!("Name:\t{}\n", s(&binding["roleRef"]["name"])));
    o.w(0, "Subjects:\n");
    o.w(1, "Kind\tName\tNamespace\n");
    o.w(1, "----\t----\t---------\n");
    for sub in arr(&binding["subjects"]) {
        o.w(1, &format!("{}\t{}\t{}\n", s(&sub["kind"]), s(&sub["name"]), s(&sub["namespace"])));
    }
    o.finish()
}

/// `ReplicationControllerDescriber.Describe` and `describeReplicationController`.
fn describe_replication_controller(ctx: &mut Ctx, rc: &Value, settings: &Settings) -> Result<String, Fail> {
    let (meta, spec, status) = (&rc["metadata"], &rc["spec"], &rc["status"]);
    let ns = s(&meta["namespace"]).to_string();
    let selector: String = string_map(&spec["selector"]).iter().map(|(k, val)| format!("{k}={val}")).collect::<Vec<_>>().join(",");
    let [r, w, su, f] = match pod_status_for_controller(ctx, &ns, &selector, s(&meta["uid"]), settings)? {
        Ok(counts) => counts,
        Err(e) => return Err(Fail::Text(server_error(&e))),
    };
    let events = object_events(ctx, rc, "ReplicationController", settings)?;
    let now = ctx.backend.now();
    let mut o = Out::new();
    o.w(0, &format!("Name:\t{}\n", s(&meta["name"])));
    o.w(0, &format!("Namespace:\t{ns}\n"));
    o.w(0, &format!("Selector:\t{}\n", format_labels(&spec["selector"])));
    print_labels(&mut o, "Labels", &meta["labels"]);
    print_annotations(&mut o, "Annotations", &meta["annotations"]);
    o.w(0, &format!("Replicas:\t{} current / {} desired\n", int(&status["replicas"]), int(&spec["replicas"])));
    o.w(0, &format!("Pods Status:\t{r} Running / {w} Waiting / {su} Succeeded / {f} Failed\n"));
    describe_pod_template(&mut o, &spec["template"]);
    workload_conditions(&mut o, arr(&status["conditions"]));
    if let Some(events) = &events {
        describe_events(&mut o, events, now);
    }
    Ok(o.finish())
}

/// `JobDescriber.Describe` and `describeJob`.
fn describe_job(ctx: &mut Ctx, job: &Value, settings: &Settings) -> Result<String, Fail> {
    let events = object_events(ctx, job, "Job", settings)?;
    let now = ctx.backend.now();
    let (meta, spec, status) = (&job["metadata"], &job["spec"], &job["status"]);
    let mut o = Out::new();
    o.w(0, &format!("Name:\t{}\n", s(&meta["name"])));
    o.w(0, &format!("Namespace:\t{}\n", s(&meta["namespace"])));
    o.w(0, &format!("Selector:\t{}\n", selector_string(&spec["selector"])));
    print_labels(&mut o, "Labels", &meta["labels"]);
    print_annotations(&mut o, "Annotations", &meta["annotations"]);
    if let Some(c) = controller_of(job) {
        o.w(0, &format!("Controlled By:\t{c}\n"));
    }
    if let Some(p) = spec["parallelism"].as_i64() {
        o.w(0, &format!("Parallelism:\t{p}\n"));
    }
    match spec["completions"].as_i64() {
        Some(c) => o.w(0, &format!("Completions:\t{c}\n")),
        None => o.w(0, "Completions:\t<unset>\n"),
    }
    if spec["completionMode"].is_string() {
        o.w(0, &format!("Completion Mode:\t{}\n", s(&spec["completionMode"])));
    }
    if let Some(b) = spec["suspend"].as_bool() {
        o.w(0, &format!("Suspend:\t{b}\n"));
    }
    if let Some(b) = spec["backoffLimit"].as_i64() {
        o.w(0, &format!("Backoff Limit:\t{b}\n"));
    }
    if let Some(t) = spec["ttlSecondsAfterFinished"].as_i64() {
        o.w(0, &format!("TTL Seconds After Finished:\t{t}\n"));
    }
    if !status["startTime"].is_null() {
        o.w(0, &format!("Start Time:\t{}\n", rfc1123z(&status["startTime"])));
    }
    if !status["completionTime"].is_null() {
        o.w(0, &format!("Completed At:\t{}\n", rfc1123z(&status["completionTime"])));
    }
    if let (Some(start), Some(end)) = (status["startTime"].as_str().and_then(parse_rfc3339), status["completionTime"].as_str().and_then(parse_rfc3339)) {
        o.w(0, &format!("Duration:\t{}\n", human_duration_signed(end as i64 - start as i64)));
    }
    if let Some(a) = spec["activeDeadlineSeconds"].as_i64() {
        o.w(0, &format!("Active Deadline Seconds:\t{a}s\n"));
    }
    let (active, succeeded, failed) = (int(&status["active"]), int(&status["succeeded"]), int(&status["failed"]));
    match status["ready"].as_i64() {
        None => o.w(0, &format!("Pods Statuses:\t{active} Active / {succeeded} Succeeded / {failed} Failed\n")),
        Some(ready) => o.w(0, &format!("Pods Statuses:\t{active} Active ({ready} Ready) / {succeeded} Succeeded / {failed} Failed\n")),
    }
    if s(&spec["completionMode"]) == "Indexed" {
        o.w(0, &format!("Completed Indexes:\t{}\n", cap_indexes(s(&status["completedIndexes"]), 50)));
    }
    describe_pod_template(&mut o, &spec["template"]);
    if let Some(events) = &events {
        describe_events(&mut o, events, now);
    }
    Ok(o.finish())
}

/// `CronJobDescriber.Describe` and `describeCronJob`.
fn describe_cron_job(ctx: &mut Ctx, cj: &Value, settings: &Settings) -> Result<String, Fail> {
    let events = object_events(ctx, cj, "CronJob", settings)?;
    let now = ctx.backend.now();
    let (meta, spec, status) = (&cj["metadata"], &cj["spec"], &cj["status"]);
    let mut o = Out::new();
    o.w(0, &format!("Name:\t{}\n", s(&meta["name"])));
    o.w(0, &format!("Namespace:\t{}\n", s(&meta["namespace"])));
    print_labels(&mut o, "Labels", &meta["labels"]);
    print_annotations(&mut o, "Annotations", &meta["annotations"]);
    o.w(0, &format!("Schedule:\t{}\n", s(&spec["schedule"])));
    o.w(0, &format!("Concurrency Policy:\t{}\n", s(&spec["concurrencyPolicy"])));
    let suspend = match spec["suspend"].as_bool() {
        Some(true) => "True",
        Some(false) => "False",
        None => "<unset>",
    };
    o.w(0, &format!("Suspend:\t{suspend}\n"));
    let optional_int = |x: &Value, unit: &str| x.as_i64().map(|n| format!("{n}{unit}")).unwrap_or_else(|| "<unset>".into());
    o.w(0, &format!("Successful Job History Limit:\t{}\n", optional_int(&spec["successfulJobsHistoryLimit"], "")));
    o.w(0, &format!("Failed Job History Limit:\t{}\n", optional_int(&spec["failedJobsHistoryLimit"], "")));
    o.w(0, &format!("Starting Deadline Seconds:\t{}\n", optional_int(&spec["startingDeadlineSeconds"], "s")));
    // describeJobTemplate
    let jt = &spec["jobTemplate"]["spec"];
    if jt["selector"].is_object() {
        o.w(0, &format!("Selector:\t{}\n", selector_string(&jt["selector"])));
    } else {
        o.w(0, "Selector:\t<unset>\n");
    }
    o.w(0, &format!("Parallelism:\t{}\n", optional_int(&jt["parallelism"], "")));
    o.w(0, &format!("Completions:\t{}\n", optional_int(&jt["completions"], "")));
    if let Some(a) = jt["activeDeadlineSeconds"].as_i64() {
        o.w(0, &format!("Active Deadline Seconds:\t{a}s\n"));
    }
    describe_pod_template(&mut o, &jt["template"]);
    if status["lastScheduleTime"].is_string() {
        o.w(0, &format!("Last Schedule Time:\t{}\n", rfc1123z(&status["lastScheduleTime"])));
    } else {
        o.w(0, "Last Schedule Time:\t<unset>\n");
    }
    o.w(0, "Active Jobs:\t");
    let active = arr(&status["active"]);
    if active.is_empty() {
        o.line("<none>");
    } else {
        for (i, job) in active.iter().enumerate() {
            if i != 0 {
                o.w(0, ", ");
            }
            o.w(0, s(&job["name"]));
        }
        o.line("");
    }
    if let Some(events) = &events {
        describe_events(&mut o, events, now);
    }
    Ok(o.finish())
}

/// `PodDisruptionBudgetDescriber.Describe` and `describePodDisruptionBudgetV1`.
fn describe_pdb(ctx: &mut Ctx, pdb: &Value, settings: &Settings) -> Result<String, Fail> {
    let events = object_events(ctx, pdb, "PodDisruptionBudget", settings)?;
    let now = ctx.backend.now();
    let (meta, spec, status) = (&pdb["metadata"], &pdb["spec"], &pdb["status"]);
    let mut o = Out::new();
    o.w(0, &format!("Name:\t{}\n", s(&meta["name"])));
    o.w(0, &format!("Namespace:\t{}\n", s(&meta["namespace"])));
    if !spec["minAvailable"].is_null() {
        o.w(0, &format!("Min available:\t{}\n", int_or_string(&spec["minAvailable"])));
    } else if !spec["maxUnavailable"].is_null() {
        o.w(0, &format!("Max unavailable:\t{}\n", int_or_string(&spec["maxUnavailable"])));
    }
    if spec["selector"].is_object() {
        o.w(0, &format!("Selector:\t{}\n", format_label_selector(&spec["selector"])));
    } else {
        o.w(0, "Selector:\t<unset>\n");
    }
    o.w(0, "Status:\n");
    o.w(2, &format!("Allowed disruptions:\t{}\n", int(&status["disruptionsAllowed"])));
    o.w(2, &format!("Current:\t{}\n", int(&status["currentHealthy"])));
    o.w(2, &format!("Desired:\t{}\n", int(&status["desiredHealthy"])));
    o.w(2, &format!("Total:\t{}\n", int(&status["expectedPods"])));
    if let Some(events) = &events {
        describe_events(&mut o, events, now);
    }
    Ok(o.finish())
}

/// `HorizontalPodAutoscalerDescriber.Describe` and `describeHorizontalPodAutoscalerV2`.
fn describe_hpa(ctx: &mut Ctx, hpa: &Value, settings: &Settings) -> Result<String, Fail> {
    let events = object_events(ctx, hpa, "HorizontalPodAutoscaler", settings)?;
    let now = ctx.backend.now();
    let (meta, spec, status) = (&hpa["metadata"], &hpa["spec"], &hpa["status"]);
    let mut o = Out::new();
    o.w(0, &format!("Name:\t{}\n", s(&meta["name"])));
    o.w(0, &format!("Namespace:\t{}\n", s(&meta["namespace"])));
    print_labels(&mut o, "Labels", &meta["labels"]);
    print_annotations(&mut o, "Annotations", &meta["annotations"]);
    o.w(0, &format!("CreationTimestamp:\t{}\n", rfc1123z(&meta["creationTimestamp"])));
    let target_ref = &spec["scaleTargetRef"];
    o.w(0, &format!("Reference:\t{}/{}\n", s(&target_ref["kind"]), s(&target_ref["name"])));
    o.w(0, "Metrics:\t( current / target )\n");
    let current_metrics = arr(&status["currentMetrics"]);
    for (i, metric) in arr(&spec["metrics"]).iter().enumerate() {
        let current = |source: &str| current_metrics.get(i).map(|c| &c[source]).filter(|c| c.is_object());
        let unknown = || "<unknown>".to_string();
        match s(&metric["type"]) {
            "External" => {
                let m = &metric["external"];
                if !m["target"]["averageValue"].is_null() {
                    let cur = current("external").filter(|c| !c["current"]["averageValue"].is_null()).map(|c| quantity_string(&c["current"]["averageValue"])).unwrap_or_else(unknown);
                    o.w(1, &format!("{:?} (target average value):\t{cur} / {}\n", s(&m["metric"]["name"]), quantity_string(&m["target"]["averageValue"])));
                } else {
                    let cur = current("external").map(|c| quantity_or_zero(&c["current"]["value"])).unwrap_or_else(unknown);
                    o.w(1, &format!("{:?} (target value):\t{cur} / {}\n", s(&m["metric"]["name"]), quantity_or_zero(&m["target"]["value"])));
                }
            }
            "Pods" => {
                let m = &metric["pods"];
                let cur = current("pods").map(|c| quantity_or_zero(&c["current"]["averageValue"])).unwrap_or_else(unknown);
                o.w(1, &format!("{:?} on pods:\t{cur} / {}\n", s(&m["metric"]["name"]), quantity_or_zero(&m["target"]["averageValue"])));
            }
            "Object" => {
                let m = &metric["object"];
                o.w(1, &format!("\"{}\" on {}/{} ", s(&m["metric"]["name"]), s(&m["describedObject"]["kind"]), s(&m["describedObject"]["name"])));
                if s(&m["target"]["type"]) == "AverageValue" {
                    let cur = current("object").map(|c| quantity_or_zero(&c["current"]["averageValue"])).unwrap_or_else(unknown);
                    o.w(0, &format!("(target average value):\t{cur} / {}\n", quantity_or_zero(&m["target"]["averageValue"])));
                } else {
                    let cur = current("object").map(|c| quantity_or_zero(&c["current"]["value"])).unwrap_or_else(unknown);
                    o.w(0, &format!("(target value):\t{cur} / {}\n", quantity_or_zero(&m["target"]["value"])));
                }
            }
            ty @ ("Resource" | "ContainerResource") => {
                let (field, m) = if ty == "Resource" { ("resource", &metric["resource"]) } else { ("containerResource", &metric["containerResource"]) };
                if ty == "Resource" {
                    o.w(1, &format!("resource {} on pods", s(&m["name"])));
                } else {
                    o.w(1, &format!("resource {} of container \"{}\" on pods", s(&m["name"]), s(&m["container"])));
                }
                if !m["target"]["averageValue"].is_null() {
                    let cur = current(field).map(|c| quantity_or_zero(&c["current"]["averageValue"])).unwrap_or_else(unknown);
                    o.w(0, &format!(":\t{cur} / {}\n", quantity_string(&m["target"]["averageValue"])));
                } else {
                    let cur = current(field)
                        .filter(|c| c["current"]["averageUtilization"].is_i64())
                        .map(|c| format!("{}% ({})", int(&c["current"]["averageUtilization"]), quantity_or_zero(&c["current"]["averageValue"])))
                        .unwrap_or_else(unknown);
                    let target = m["target"]["averageUtilization"].as_i64().map(|u| format!("{u}%")).unwrap_or_else(|| "<auto>".into());
                    // kubectl writes this at level 1 after the text above, hence the gap.
                    o.w(1, &format!("(as a percentage of request):\t{cur} / {target}\n"));
                }
            }
            other => o.w(1, &format!("<unknown metric type {other:?}>\n")),
        }
    }
    let min = spec["minReplicas"].as_i64().map(|m| m.to_string()).unwrap_or_else(|| "<unset>".into());
    o.w(0, &format!("Min replicas:\t{min}\n"));
    o.w(0, &format!("Max replicas:\t{}\n", int(&spec["maxReplicas"])));
    let behavior = &spec["behavior"];
    if behavior.is_object() {
        o.w(0, "Behavior:\n");
        for (field, direction) in [("scaleUp", "Scale Up"), ("scaleDown", "Scale Down")] {
            let rules = &behavior[field];
            if !rules.is_object() {
                continue;
            }
            o.w(1, &format!("{direction}:\n"));
            if let Some(w) = rules["stabilizationWindowSeconds"].as_i64() {
                o.w(2, &format!("Stabilization Window: {w} seconds\n"));
            }
            let policies = arr(&rules["policies"]);
            if !policies.is_empty() {
                let select = if rules["selectPolicy"].is_string() { s(&rules["selectPolicy"]) } else { "Max" };
                o.w(2, &format!("Select Policy: {select}\n"));
                o.w(2, "Policies:\n");
                for p in policies {
                    o.w(3, &format!("- Type: {}\tValue: {}\tPeriod: {} seconds\n", s(&p["type"]), int(&p["value"]), int(&p["periodSeconds"])));
                }
            }
        }
    }
    o.w(0, &format!("{} pods:\t", s(&target_ref["kind"])));
    o.w(0, &format!("{} current / {} desired\n", int(&status["currentReplicas"]), int(&status["desiredReplicas"])));
    let conditions = arr(&status["conditions"]);
    if !conditions.is_empty() {
        o.w(0, "Conditions:\n");
        o.w(1, "Type\tStatus\tReason\tMessage\n");
        o.w(1, "----\t------\t------\t-------\n");
        for c in conditions {
            o.w(1, &format!("{}\t{}\t{}\t{}\n", s(&c["type"]), s(&c["status"]), s(&c["reason"]), s(&c["message"])));
        }
    }
    if let Some(events) = &events {
        describe_events(&mut o, events, now);
    }
    Ok(o.finish())
}

/// `Quantity.String()` of a value field; an unset one is the zero quantity.
fn quantity_or_zero(x: &Value) -> String {
    if x.is_null() {
        "0".into()
    } else {
        quantity_string(x)
    }
}

/// `capIndexesListOrNone`.
fn cap_indexes(indexes: &str, soft_limit: usize) -> String {
    if indexes.is_empty() {
        return "<none>".into();
    }
    let mut i = indexes.len().min(soft_limit);
    if indexes.len() > soft_limit {
        while i < indexes.len() && indexes.as_bytes()[i] != b',' {
            i += 1;
        }
        if i < indexes.len() {
            return format!("{}, ...", &indexes[..i]);
        }
    }
    indexes.to_string()
}

// ---------------------------------------------------------------------------------------
// Services and friends

/// `ServiceDescriber.Describe` and `describeService`.
fn describe_service(ctx: &mut Ctx, svc: &Value, settings: &Settings) -> Result<String, Fail> {
    let (meta, spec, status) = (&svc["metadata"], &svc["spec"], &svc["status"]);
    let ns = s(&meta["namespace"]).to_string();
    let name = s(&meta["name"]).to_string();
    let slices_req = Request::get(format!("/apis/discovery.k8s.io/v1/namespaces/{ns}/endpointslices")).query("labelSelector", format!("kubernetes.io/service-name={name}"));
    let mut slices: Vec<Value> = match ctx.call(slices_req)? {
        Ok(list) => arr(&list["items"]).to_vec(),
        Err(_) => Vec::new(),
    };
    if slices.is_empty() {
        // A cluster always has the EndpointSlices the controller mirrors from Endpoints;
        // where only Endpoints exist, read them as the slices they would be.
        if let Ok(ep) = ctx.call_quiet(Request::get(format!("/api/v1/namespaces/{ns}/endpoints/{name}")))? {
            slices = slices_from_endpoints(&ep);
        }
    }
    let events = object_events(ctx, svc, "Service", settings)?;
    let now = ctx.backend.now();
    let mut o = Out::new();
    o.w(0, &format!("Name:\t{name}\n"));
    o.w(0, &format!("Namespace:\t{ns}\n"));
    print_labels(&mut o, "Labels", &meta["labels"]);
    print_annotations(&mut o, "Annotations", &meta["annotations"]);
    o.w(0, &format!("Selector:\t{}\n", format_labels(&spec["selector"])));
    o.w(0, &format!("Type:\t{}\n", s(&spec["type"])));
    if spec["ipFamilyPolicy"].is_string() {
        o.w(0, &format!("IP Family Policy:\t{}\n", s(&spec["ipFamilyPolicy"])));
    }
    let families = arr(&spec["ipFamilies"]);
    let joined = |list: &[Value]| list.iter().map(|x| s(x).to_string()).collect::<Vec<_>>().join(",");
    o.w(0, &format!("IP Families:\t{}\n", if families.is_empty() { "<none>".into() } else { joined(families) }));
    o.w(0, &format!("IP:\t{}\n", s(&spec["clusterIP"])));
    let ips = arr(&spec["clusterIPs"]);
    o.w(0, &format!("IPs:\t{}\n", if ips.is_empty() { "<none>".into() } else { joined(ips) }));
    if !arr(&spec["externalIPs"]).is_empty() {
        o.w(0, &format!("External IPs:\t{}\n", joined(arr(&spec["externalIPs"]))));
    }
    if !s(&spec["loadBalancerIP"]).is_empty() {
        o.w(0, &format!("Desired LoadBalancer IP:\t{}\n", s(&spec["loadBalancerIP"])));
    }
    if !s(&spec["externalName"]).is_empty() {
        o.w(0, &format!("External Name:\t{}\n", s(&spec["externalName"])));
    }
    let ingress = arr(&status["loadBalancer"]["ingress"]);
    if !ingress.is_empty() {
        let list: Vec<String> = ingress
            .iter()
            .map(|i| {
                if !s(&i["ip"]).is_empty() {
                    if i["ipMode"].is_string() {
                        format!("{} ({})", s(&i["ip"]), s(&i["ipMode"]))
                    } else {
                        s(&i["ip"]).to_string()
                    }
                } else {
                    s(&i["hostname"]).to_string()
                }
            })
            .collect();
        o.w(0, &format!("LoadBalancer Ingress:\t{}\n", list.join(", ")));
    }
    for p in arr(&spec["ports"]) {
        let pname = if s(&p["name"]).is_empty() { "<unset>" } else { s(&p["name"]) };
        let proto = s(&p["protocol"]);
        o.w(0, &format!("Port:\t{pname}\t{}/{proto}\n", int(&p["port"])));
        o.w(0, &format!("TargetPort:\t{}/{proto}\n", int_or_string_opt(&p["targetPort"])));
        if int(&p["nodePort"]) != 0 {
            o.w(0, &format!("NodePort:\t{pname}\t{}/{proto}\n", int(&p["nodePort"])));
        }
        o.w(0, &format!("Endpoints:\t{}\n", format_endpoint_slices(&slices, s(&p["name"]))));
    }
    o.w(0, &format!("Session Affinity:\t{}\n", s(&spec["sessionAffinity"])));
    if !s(&spec["externalTrafficPolicy"]).is_empty() {
        o.w(0, &format!("External Traffic Policy:\t{}\n", s(&spec["externalTrafficPolicy"])));
    }
    if spec["internalTrafficPolicy"].is_string() {
        o.w(0, &format!("Internal Traffic Policy:\t{}\n", s(&spec["internalTrafficPolicy"])));
    }
    if int(&spec["healthCheckNodePort"]) != 0 {
        o.w(0, &format!("HealthCheck NodePort:\t{}\n", int(&spec["healthCheckNodePort"])));
    }
    if !arr(&spec["loadBalancerSourceRanges"]).is_empty() {
        o.w(0, &format!("LoadBalancer Source Ranges:\t{}\n", joined(arr(&spec["loadBalancerSourceRanges"]))));
    }
    if spec["trafficDistribution"].is_string() {
        o.w(0, &format!("Traffic Distribution:\t{}\n", s(&spec["trafficDistribution"])));
    }
    if let Some(events) = &events {
        describe_events(&mut o, events, now);
    }
    Ok(o.finish())
}

/// Endpoints subsets as the EndpointSlices the mirroring controller makes of them.
fn slices_from_endpoints(ep: &Value) -> Vec<Value> {
    arr(&ep["subsets"])
        .iter()
        .map(|subset| {
            let endpoints: Vec<Value> = arr(&subset["addresses"])
                .iter()
                .map(|a| serde_json::json!({"addresses": [s(&a["ip"])], "conditions": {"ready": true}}))
                .chain(arr(&subset["notReadyAddresses"]).iter().map(|a| serde_json::json!({"addresses": [s(&a["ip"])], "conditions": {"ready": false}})))
                .collect();
            let ports: Vec<Value> = arr(&subset["ports"]).iter().map(|p| serde_json::json!({"name": s(&p["name"]), "port": int(&p["port"])})).collect();
            serde_json::json!({"endpoints": endpoints, "ports": ports})
        })
        .collect()
}

/// `formatEndpointSlices` for one service port: up to three ready `ip:port`, then
/// `+ N more...`.
fn format_endpoint_slices(slices: &[Value], port_name: &str) -> String {
    if slices.is_empty() {
        return "<none>".into();
    }
    const MAX: usize = 3;
    let mut list: Vec<String> = Vec::new();
    let mut more = false;
    let mut count = 0usize;
    let ready = |e: &Value| e["conditions"]["ready"].as_bool().unwrap_or(true);
    for slice in slices {
        let ports = arr(&slice["ports"]);
        if ports.is_empty() {
            for e in arr(&slice["endpoints"]) {
                if list.len() == MAX {
                    more = true;
                }
                if !ready(e) {
                    continue;
                }
                if !more {
                    list.push(arr(&e["addresses"]).first().map(|a| s(a).to_string()).unwrap_or_default());
                }
                count += 1;
            }
        } else {
            for p in ports {
                if s(&p["name"]) != port_name {
                    continue;
                }
                for e in arr(&slice["endpoints"]) {
                    if list.len() == MAX {
                        more = true;
                    }
                    if !ready(e) {
                        continue;
                    }
                    if !more {
                        let addr = arr(&e["addresses"]).first().map(|a| s(a).to_string()).unwrap_or_default();
                        list.push(join_host_port(&addr, &int(&p["port"]).to_string()));
                    }
                    count += 1;
                }
            }
        }
    }
    let joined = list.join(",");
    if more {
        format!("{joined} + {} more...", count - MAX)
    } else {
        joined
    }
}

/// `EndpointsDescriber.Describe` and `describeEndpoints`.
fn describe_endpoints(ctx: &mut Ctx, ep: &Value, settings: &Settings) -> Result<String, Fail> {
    let events = object_events(ctx, ep, "Endpoints", settings)?;
    let now = ctx.backend.now();
    let meta = &ep["metadata"];
    let mut o = Out::new();
    o.w(0, &format!("Name:\t{}\n", s(&meta["name"])));
    o.w(0, &format!("Namespace:\t{}\n", s(&meta["namespace"])));
    print_labels(&mut o, "Labels", &meta["labels"]);
    print_annotations(&mut o, "Annotations", &meta["annotations"]);
    o.w(0, "Subsets:\n");
    for subset in arr(&ep["subsets"]) {
        let ips = |field: &str| -> String {
            let list: Vec<String> = arr(&subset[field]).iter().map(|a| s(&a["ip"]).to_string()).collect();
            if list.is_empty() {
                "<none>".into()
            } else {
                list.join(",")
            }
        };
        o.w(1, &format!("Addresses:\t{}\n", ips("addresses")));
        o.w(1, &format!("NotReadyAddresses:\t{}\n", ips("notReadyAddresses")));
        let ports = arr(&subset["ports"]);
        if !ports.is_empty() {
            o.w(1, "Ports:\n");
            o.w(2, "Name\tPort\tProtocol\n");
            o.w(2, "----\t----\t--------\n");
            for p in ports {
                let name = if s(&p["name"]).is_empty() { "<unset>" } else { s(&p["name"]) };
                o.w(2, &format!("{name}\t{}\t{}\n", int(&p["port"]), s(&p["protocol"])));
            }
        }
        o.w(0, "\n");
    }
    if let Some(events) = &events {
        describe_events(&mut o, events, now);
    }
    Ok(o.finish())
}

/// `EndpointSliceDescriber.Describe` and `describeEndpointSliceV1`.
fn describe_endpoint_slice(ctx: &mut Ctx, eps: &Value, settings: &Settings) -> Result<String, Fail> {
    let events = object_events(ctx, eps, "EndpointSlice", settings)?;
    let now = ctx.backend.now();
    let meta = &eps["metadata"];
    let unset = |x: &Value| if x.is_null() { "<unset>".to_string() } else { v(x) };
    let mut o = Out::new();
    o.w(0, &format!("Name:\t{}\n", s(&meta["name"])));
    o.w(0, &format!("Namespace:\t{}\n", s(&meta["namespace"])));
    print_labels(&mut o, "Labels", &meta["labels"]);
    print_annotations(&mut o, "Annotations", &meta["annotations"]);
    o.w(0, &format!("AddressType:\t{}\n", s(&eps["addressType"])));
    let ports = arr(&eps["ports"]);
    if ports.is_empty() {
        o.w(0, "Ports: <unset>\n");
    } else {
        o.w(0, "Ports:\n");
        o.w(1, "Name\tPort\tProtocol\n");
        o.w(1, "----\t----\t--------\n");
        for p in ports {
            let name = if s(&p["name"]).is_empty() { "<unset>" } else { s(&p["name"]) };
            o.w(1, &format!("{name}\t{}\t{}\n", unset(&p["port"]), s(&p["protocol"])));
        }
    }
    let endpoints = arr(&eps["endpoints"]);
    if endpoints.is_empty() {
        o.w(0, "Endpoints: <none>\n");
    } else {
        o.w(0, "Endpoints:\n");
        for e in endpoints {
            let addresses: Vec<String> = arr(&e["addresses"]).iter().map(v).collect();
            o.w(1, &format!("- Addresses:\t{}\n", or_none(&addresses.join(", "))));
            o.w(2, "Conditions:\n");
            o.w(3, &format!("Ready:\t{}\n", unset(&e["conditions"]["ready"])));
            o.w(2, &format!("Hostname:\t{}\n", unset(&e["hostname"])));
            if e["targetRef"].is_object() {
                o.w(2, &format!("TargetRef:\t{}/{}\n", s(&e["targetRef"]["kind"]), s(&e["targetRef"]["name"])));
            }
            o.w(2, &format!("NodeName:\t{}\n", unset(&e["nodeName"])));
            o.w(2, &format!("Zone:\t{}\n", unset(&e["zone"])));
        }
    }
    if let Some(events) = &events {
        describe_events(&mut o, events, now);
    }
    Ok(o.finish())
}

/// `IngressDescriber.Describe` and `describeIngressV1`.
fn describe_ingress(ctx: &mut Ctx, ing: &Value, settings: &Settings) -> Result<String, Fail> {
    let events = object_events(ctx, ing, "Ingress", settings)?;
    let now = ctx.backend.now();
    let (meta, spec, status) = (&ing["metadata"], &ing["spec"], &ing["status"]);
    let ns = s(&meta["namespace"]).to_string();
    let default_backend = if spec["defaultBackend"].is_object() { ingress_backend(ctx, &ns, &spec["defaultBackend"])? } else { "<default>".to_string() };
    // The rules' backends, resolved in the order kubectl asks for them.
    let mut rules: Vec<(String, Vec<(String, String)>)> = Vec::new();
    for rule in arr(&spec["rules"]) {
        if !rule["http"].is_object() {
            continue;
        }
        let host = if s(&rule["host"]).is_empty() { "*".to_string() } else { s(&rule["host"]).to_string() };
        let mut paths = Vec::new();
        for p in arr(&rule["http"]["paths"]) {
            paths.push((s(&p["path"]).to_string(), ingress_backend(ctx, &ns, &p["backend"])?));
        }
        rules.push((host, paths));
    }
    let mut o = Out::new();
    o.w(0, &format!("Name:\t{}\n", s(&meta["name"])));
    print_labels(&mut o, "Labels", &meta["labels"]);
    o.w(0, &format!("Namespace:\t{ns}\n"));
    let mut addresses: Vec<String> = arr(&status["loadBalancer"]["ingress"])
        .iter()
        .filter_map(|i| if !s(&i["ip"]).is_empty() { Some(s(&i["ip"]).to_string()) } else if !s(&i["hostname"]).is_empty() { Some(s(&i["hostname"]).to_string()) } else { None })
        .collect();
    addresses.sort();
    addresses.dedup();
    o.w(0, &format!("Address:\t{}\n", addresses.join(",")));
    let class = if spec["ingressClassName"].is_string() { s(&spec["ingressClassName"]) } else { "<none>" };
    o.w(0, &format!("Ingress Class:\t{class}\n"));
    o.w(0, &format!("Default backend:\t{default_backend}\n"));
    let tls = arr(&spec["tls"]);
    if !tls.is_empty() {
        o.w(0, "TLS:\n");
        for t in tls {
            let hosts: Vec<String> = arr(&t["hosts"]).iter().map(v).collect();
            if s(&t["secretName"]).is_empty() {
                o.w(1, &format!("SNI routes {}\n", hosts.join(",")));
            } else {
                o.w(1, &format!("{} terminates {}\n", s(&t["secretName"]), hosts.join(",")));
            }
        }
    }
    o.w(0, "Rules:\n  Host\tPath\tBackends\n");
    o.w(1, "----\t----\t--------\n");
    for (host, paths) in &rules {
        o.w(1, &format!("{host}\t\n"));
        for (path, backend) in paths {
            o.w(2, &format!("\t{path} \t{backend}\n"));
        }
    }
    if rules.is_empty() {
        o.w(1, &format!("*\t*\t{default_backend}\n"));
    }
    print_annotations(&mut o, "Annotations", &meta["annotations"]);
    if let Some(events) = &events {
        describe_events(&mut o, events, now);
    }
    Ok(o.finish())
}

/// `describeBackendV1`: `service:port (endpoints)`, or the resource a backend names.
fn ingress_backend(ctx: &mut Ctx, ns: &str, backend: &Value) -> Result<String, Fail> {
    let svc = &backend["service"];
    if svc.is_object() {
        let number = int(&svc["port"]["number"]);
        let port_name = s(&svc["port"]["name"]);
        let port = if number != 0 { number.to_string() } else { port_name.to_string() };
        let name = s(&svc["name"]);
        let sb = format!("{name}:{port}");
        let slices_req = Request::get(format!("/apis/discovery.k8s.io/v1/namespaces/{ns}/endpointslices")).query("labelSelector", format!("kubernetes.io/service-name={name}"));
        let slices = match ctx.call(slices_req)? {
            Ok(list) => arr(&list["items"]).to_vec(),
            Err(e) => return Ok(format!("{sb} (<error: {}>)", e.message)),
        };
        let service = match ctx.call(Request::get(format!("/api/v1/namespaces/{ns}/services/{name}")))? {
            Ok(svc) => svc,
            Err(e) => return Ok(format!("{sb} (<error: {}>)", e.message)),
        };
        let mut sp_name = String::new();
        for sp in arr(&service["spec"]["ports"]) {
            if (number != 0 && number == int(&sp["port"])) || (!port_name.is_empty() && port_name == s(&sp["name"])) {
                sp_name = s(&sp["name"]).to_string();
            }
        }
        return Ok(format!("{sb} ({})", format_endpoint_slices(&slices, &sp_name)));
    }
    let res = &backend["resource"];
    if res.is_object() {
        let group = if res["apiGroup"].is_string() { s(&res["apiGroup"]) } else { "<none>" };
        return Ok(format!("APIGroup: {group}, Kind: {}, Name: {}", s(&res["kind"]), s(&res["name"])));
    }
    Ok(String::new())
}

/// `IngressClassDescriber.Describe` and `describeIngressClassV1`.
fn describe_ingress_class(ctx: &mut Ctx, ic: &Value, settings: &Settings) -> Result<String, Fail> {
    let events = object_events(ctx, ic, "IngressClass", settings)?;
    let now = ctx.backend.now();
    let meta = &ic["metadata"];
    let mut o = Out::new();
    o.w(0, &format!("Name:\t{}\n", s(&meta["name"])));
    print_labels(&mut o, "Labels", &meta["labels"]);
    print_annotations(&mut o, "Annotations", &meta["annotations"]);
    o.w(0, &format!("Controller:\t{}\n", s(&ic["spec"]["controller"])));
    let params = &ic["spec"]["parameters"];
    if params.is_object() {
        o.w(0, "Parameters:\n");
        if params["apiGroup"].is_string() {
            o.w(1, &format!("APIGroup:\t{}\n", s(&params["apiGroup"])));
        }
        o.w(1, &format!("Kind:\t{}\n", s(&params["kind"])));
        o.w(1, &format!("Name:\t{}\n", s(&params["name"])));
    }
    if let Some(events) = &events {
        describe_events(&mut o, events, now);
    }
    Ok(o.finish())
}

/// `ServiceAccountDescriber.Describe` and `describeServiceAccount`.
fn describe_service_account(ctx: &mut Ctx, sa: &Value, settings: &Settings) -> Result<String, Fail> {
    let events = object_events(ctx, sa, "ServiceAccount", settings)?;
    let now = ctx.backend.now();
    let meta = &sa["metadata"];
    let mut o = Out::new();
    o.w(0, &format!("Name:\t{}\n", s(&meta["name"])));
    o.w(0, &format!("Namespace:\t{}\n", s(&meta["namespace"])));
    print_labels(&mut o, "Labels", &meta["labels"]);
    print_annotations(&mut o, "Annotations", &meta["annotations"]);
    let pull: Vec<&str> = arr(&sa["imagePullSecrets"]).iter().map(|x| s(&x["name"])).collect();
    if pull.is_empty() {
        o.w(0, "Image pull secrets:\t<none>\n");
    } else {
        let mut prefix = "Image pull secrets:";
        for name in pull {
            o.w(0, &format!("{prefix}\t{name}\n"));
            prefix = "                   ";
        }
    }
    if let Some(events) = &events {
        describe_events(&mut o, events, now);
    }
    Ok(o.finish())
}

// ---------------------------------------------------------------------------------------
// Storage

/// `PersistentVolumeClaimDescriber.Describe` and `describePersistentVolumeClaim`.
fn describe_pvc(ctx: &mut Ctx, pvc: &Value, settings: &Settings) -> Result<String, Fail> {
    let meta = &pvc["metadata"];
    let ns = s(&meta["namespace"]).to_string();
    let name = s(&meta["name"]);
    // getPodsForPVC: the namespace's pods that mount the claim, then its owner pods.
    let pods_req = with_limit(Request::get(format!("/api/v1/namespaces/{ns}/pods")), settings);
    let ns_pods = match ctx.call(pods_req)? {
        Ok(list) => arr(&list["items"]).to_vec(),
        Err(e) => return Err(Fail::Text(server_error(&e))),
    };
    let mut users: Vec<&Value> = Vec::new();
    for pod in &ns_pods {
        for vol in arr(&pod["spec"]["volumes"]) {
            if s(&vol["persistentVolumeClaim"]["claimName"]) == name && vol["persistentVolumeClaim"].is_object() {
                users.push(pod);
            }
        }
    }
    for owner in arr(&meta["ownerReferences"]) {
        if s(&owner["kind"]) != "Pod" {
            continue;
        }
        if let Some(pod) = ns_pods.iter().find(|p| s(&p["metadata"]["uid"]) == s(&owner["uid"])) {
            if !users.iter().any(|u| s(&u["metadata"]["uid"]) == s(&pod["metadata"]["uid"])) {
                users.push(pod);
            }
        }
    }
    let events = object_events(ctx, pvc, "PersistentVolumeClaim", settings)?;
    let now = ctx.backend.now();
    let mut o = Out::new();
    print_pvc(&mut o, pvc, true, now);
    o.w(0, "Used By:\t");
    let mut names: Vec<&str> = users.iter().map(|p| s(&p["metadata"]["name"])).collect();
    if names.is_empty() {
        o.line("<none>");
    } else {
        go_sort(&mut names, |a, b| a < b);
        for (i, n) in names.iter().enumerate() {
            if i != 0 {
                o.w(0, "\t");
            }
            o.w(0, &format!("{n}\n"));
        }
    }
    let conditions = arr(&pvc["status"]["conditions"]);
    if !conditions.is_empty() {
        o.w(0, "Conditions:\n");
        o.w(1, "Type\tStatus\tLastProbeTime\tLastTransitionTime\tReason\tMessage\n");
        o.w(1, "----\t------\t-----------------\t------------------\t------\t-------\n");
        for c in conditions {
            o.w(
                1,
                &format!(
                    "{} \t{} \t{} \t{} \t{} \t{}\n",
                    s(&c["type"]),
                    s(&c["status"]),
                    rfc1123z(&c["lastProbeTime"]),
                    rfc1123z(&c["lastTransitionTime"]),
                    s(&c["reason"]),
                    s(&c["message"])
                ),
            );
        }
    }
    if let Some(events) = &events {
        describe_events(&mut o, events, now);
    }
    Ok(o.finish())
}

/// `printPersistentVolumeClaim`; `full` is false for an ephemeral volume's template.
fn print_pvc(o: &mut Out, pvc: &Value, full: bool, now: Millis) {
    let (meta, spec, status) = (&pvc["metadata"], &pvc["spec"], &pvc["status"]);
    if full {
        o.w(0, &format!("Name:\t{}\n", s(&meta["name"])));
        o.w(0, &format!("Namespace:\t{}\n", s(&meta["namespace"])));
    }
    o.w(0, &format!("StorageClass:\t{}\n", pvc_class(pvc)));
    if full {
        if meta["deletionTimestamp"].is_string() {
            o.w(0, &format!("Status:\tTerminating (lasts {})\n", since(&meta["deletionTimestamp"], now)));
        } else {
            o.w(0, &format!("Status:\t{}\n", s(&status["phase"])));
        }
    }
    o.w(0, &format!("Volume:\t{}\n", s(&spec["volumeName"])));
    print_labels(o, "Labels", &meta["labels"]);
    print_annotations(o, "Annotations", &meta["annotations"]);
    if full {
        o.w(0, &format!("Finalizers:\t{}\n", go_string_list(&meta["finalizers"])));
    }
    let (capacity, modes) = if s(&spec["volumeName"]).is_empty() {
        (String::new(), String::new())
    } else {
        (quantity_or_zero(&status["capacity"]["storage"]), access_modes(&status["accessModes"]))
    };
    o.w(0, &format!("Capacity:\t{capacity}\n"));
    o.w(0, &format!("Access Modes:\t{modes}\n"));
    if spec["volumeMode"].is_string() {
        o.w(0, &format!("VolumeMode:\t{}\n", s(&spec["volumeMode"])));
    }
    let ds = &spec["dataSource"];
    if ds.is_object() {
        o.w(0, "DataSource:\n");
        if ds["apiGroup"].is_string() {
            o.w(1, &format!("APIGroup:\t{}\n", s(&ds["apiGroup"])));
        }
        o.w(1, &format!("Kind:\t{}\n", s(&ds["kind"])));
        o.w(1, &format!("Name:\t{}\n", s(&ds["name"])));
    }
}

/// `%v` of a `[]string`: `[a b]`.
fn go_string_list(x: &Value) -> String {
    format!("[{}]", arr(x).iter().map(v).collect::<Vec<_>>().join(" "))
}

/// `storageutil.GetAccessModesAsString`: `RWO,ROX,RWX,RWOP`, each once, in that order.
fn access_modes(x: &Value) -> String {
    let modes: Vec<&str> = arr(x).iter().map(s).collect();
    [("ReadWriteOnce", "RWO"), ("ReadOnlyMany", "ROX"), ("ReadWriteMany", "RWX"), ("ReadWriteOncePod", "RWOP")]
        .iter()
        .filter(|(mode, _)| modes.contains(mode))
        .map(|(_, short)| *short)
        .collect::<Vec<_>>()
        .join(",")
}

/// `PersistentVolumeDescriber.Describe` and `describePersistentVolume`.
fn describe_pv(ctx: &mut Ctx, pv: &Value, settings: &Settings) -> Result<String, Fail> {
    let events = object_events(ctx, pv, "PersistentVolume", settings)?;
    let now = ctx.backend.now();
    let (meta, spec, status) = (&pv["metadata"], &pv["spec"], &pv["status"]);
    let mut o = Out::new();
    o.w(0, &format!("Name:\t{}\n", s(&meta["name"])));
    print_labels(&mut o, "Labels", &meta["labels"]);
    print_annotations(&mut o, "Annotations", &meta["annotations"]);
    o.w(0, &format!("Finalizers:\t{}\n", go_string_list(&meta["finalizers"])));
    o.w(0, &format!("StorageClass:\t{}\n", pvc_class(pv)));
    if meta["deletionTimestamp"].is_string() {
        o.w(0, &format!("Status:\tTerminating (lasts {})\n", since(&meta["deletionTimestamp"], now)));
    } else {
        o.w(0, &format!("Status:\t{}\n", s(&status["phase"])));
    }
    let claim = &spec["claimRef"];
    let claim_text = if claim.is_object() { format!("{}/{}", s(&claim["namespace"]), s(&claim["name"])) } else { String::new() };
    o.w(0, &format!("Claim:\t{claim_text}\n"));
    o.w(0, &format!("Reclaim Policy:\t{}\n", s(&spec["persistentVolumeReclaimPolicy"])));
    o.w(0, &format!("Access Modes:\t{}\n", access_modes(&spec["accessModes"])));
    if spec["volumeMode"].is_string() {
        o.w(0, &format!("VolumeMode:\t{}\n", s(&spec["volumeMode"])));
    }
    o.w(0, &format!("Capacity:\t{}\n", quantity_or_zero(&spec["capacity"]["storage"])));
    o.w(0, "Node Affinity:\t");
    let required = &spec["nodeAffinity"]["required"];
    if !required.is_object() {
        o.line("<none>");
    } else {
        o.line("");
        o.w(1, "Required Terms:\t");
        let terms = arr(&required["nodeSelectorTerms"]);
        if terms.is_empty() {
            o.line("<none>");
        } else {
            o.line("");
            for (i, term) in terms.iter().enumerate() {
                o.w(2, &format!("Term {i}:\t"));
                let reqs = arr(&term["matchExpressions"]);
                if reqs.is_empty() {
                    o.line("<none>");
                }
                for (j, r) in reqs.iter().enumerate() {
                    if j != 0 {
                        o.w(2, "\t");
                    }
                    let mut expr = format!("{} {}", s(&r["key"]), s(&r["operator"]).to_lowercase());
                    let values: Vec<String> = arr(&r["values"]).iter().map(v).collect();
                    if !values.is_empty() {
                        expr = format!("{expr} [{}]", values.join(", "));
                    }
                    o.w(0, &format!("{expr}\n"));
                }
            }
        }
    }
    o.w(0, &format!("Message:\t{}\n", s(&status["message"])));
    o.w(0, "Source:\n");
    if let Some(hp) = spec.get("hostPath").filter(|x| x.is_object()) {
        let ty = if hp["type"].is_string() { s(&hp["type"]).to_string() } else { "<none>".into() };
        o.w(2, &format!("Type:\tHostPath (bare host directory volume)\n    Path:\t{}\n    HostPathType:\t{ty}\n", s(&hp["path"])));
    } else if let Some(nfs) = spec.get("nfs").filter(|x| x.is_object()) {
        o.w(
            2,
            &format!("Type:\tNFS (an NFS mount that lasts the lifetime of a pod)\n    Server:\t{}\n    Path:\t{}\n    ReadOnly:\t{}\n", s(&nfs["server"]), s(&nfs["path"]), boolean(&nfs["readOnly"])),
        );
    } else if let Some(local) = spec.get("local").filter(|x| x.is_object()) {
        o.w(2, &format!("Type:\tLocalVolume (a persistent volume backed by local storage on a node)\n    Path:\t{}\n", s(&local["path"])));
    } else if let Some(csi) = spec.get("csi").filter(|x| x.is_object()) {
        o.w(
            2,
            &format!(
                "Type:\tCSI (a Container Storage Interface (CSI) volume source)\n    Driver:\t{}\n    FSType:\t{}\n    VolumeHandle:\t{}\n    ReadOnly:\t{}\n",
                s(&csi["driver"]),
                s(&csi["fsType"]),
                s(&csi["volumeHandle"]),
                boolean(&csi["readOnly"])
            ),
        );
        o.w(2, "VolumeAttributes:\t");
        let attrs = string_map(&csi["volumeAttributes"]);
        if attrs.is_empty() {
            o.line("<none>");
        }
        for (i, (k, val)) in attrs.iter().enumerate() {
            if i != 0 {
                o.w(2, "");
                o.w(2, "\t");
            }
            o.w(2, &format!("{}\n", shorten_plain(&format!("{k}={val}"), MAX_ANNOTATION_LEN)));
        }
    } else {
        o.w(1, "<unknown>\n");
    }
    if let Some(events) = &events {
        describe_events(&mut o, events, now);
    }
    Ok(o.finish())
}

/// A CSI attribute line cut at 140 bytes with `...`.
fn shorten_plain(line: &str, max: usize) -> String {
    if line.len() > max {
        format!("{}...", String::from_utf8_lossy(&line.as_bytes()[..max]))
    } else {
        line.to_string()
    }
}

// ---------------------------------------------------------------------------------------
// Namespaces, ConfigMaps, Secrets

/// `NamespaceDescriber.Describe` and `describeNamespace`.
fn describe_namespace(ctx: &mut Ctx, ns: &Value, settings: &Settings) -> Result<String, Fail> {
    let meta = &ns["metadata"];
    let name = s(&meta["name"]).to_string();
    let mut lists: Vec<Option<Vec<Value>>> = Vec::new();
    for plural in ["resourcequotas", "limitranges"] {
        let req = with_limit(Request::get(format!("/api/v1/namespaces/{name}/{plural}")), settings);
        lists.push(match ctx.call(req)? {
            Ok(list) => Some(arr(&list["items"]).to_vec()),
            Err(e) if e.reason == "NotFound" => None,
            Err(e) => return Err(Fail::Text(server_error(&e))),
        });
    }
    let mut o = Out::new();
    o.w(0, &format!("Name:\t{name}\n"));
    print_labels(&mut o, "Labels", &meta["labels"]);
    print_annotations(&mut o, "Annotations", &meta["annotations"]);
    o.w(0, &format!("Status:\t{}\n", s(&ns["status"]["phase"])));
    let conditions = arr(&ns["status"]["conditions"]);
    if !conditions.is_empty() {
        o.w(0, "Conditions:\n");
        o.w(1, "Type\tStatus\tLastTransitionTime\tReason\tMessage\n");
        o.w(1, "----\t------\t------------------\t------\t-------\n");
        for c in conditions {
            o.w(1, &format!("{}\t{}\t{}\t{}\t{}\n", s(&c["type"]), s(&c["status"]), rfc1123z(&c["lastTransitionTime"]), s(&c["reason"]), s(&c["message"])));
        }
    }
    if let Some(quotas) = &lists[0] {
        o.w(0, "\n");
        describe_resource_quotas(&mut o, quotas);
    }
    if let Some(ranges) = &lists[1] {
        o.w(0, "\n");
        describe_limit_ranges(&mut o, ranges);
    }
    Ok(o.finish())
}

/// `DescribeResourceQuotas`.
fn describe_resource_quotas(o: &mut Out, quotas: &[Value]) {
    if quotas.is_empty() {
        o.w(0, "No resource quota.\n");
        return;
    }
    let mut quotas: Vec<&Value> = quotas.iter().collect();
    go_sort(&mut quotas, |a, b| s(&a["metadata"]["name"]) < s(&b["metadata"]["name"]));
    o.w(0, "Resource Quotas\n");
    for q in quotas {
        o.w(1, &format!("Name:\t{}\n", s(&q["metadata"]["name"])));
        let mut scopes: Vec<String> = arr(&q["spec"]["scopes"]).iter().map(v).collect();
        if !scopes.is_empty() {
            scopes.sort();
            o.w(1, &format!("Scopes:\t{}\n", scopes.join(", ")));
            for scope in &scopes {
                let help = quota_scope_help(scope);
                if !help.is_empty() {
                    o.w(1, &format!("* {help}\n"));
                }
            }
        }
        o.w(1, "Resource\tUsed\tHard\n");
        o.w(1, "--------\t---\t---\n");
        for (res, hard) in resource_list(&q["status"]["hard"]) {
            let used = Quantity::of(&q["status"]["used"][res.as_str()]).unwrap_or(Quantity::ZERO);
            o.w(1, &format!("{res}\t{}\t{}\n", used.canonical(), hard.canonical()));
        }
    }
}

/// `DescribeLimitRanges`.
fn describe_limit_ranges(o: &mut Out, ranges: &[Value]) {
    if ranges.is_empty() {
        o.w(0, "No LimitRange resource.\n");
        return;
    }
    o.w(0, "Resource Limits\n Type\tResource\tMin\tMax\tDefault Request\tDefault Limit\tMax Limit/Request Ratio\n");
    o.w(0, " ----\t--------\t---\t---\t---------------\t-------------\t-----------------------\n");
    for lr in ranges {
        describe_limit_range_spec(o, &lr["spec"], " ");
    }
}

/// `describeLimitRangeSpec`. Go walks a map here, so its row order varies between runs;
/// this prints the resources sorted.
fn describe_limit_range_spec(o: &mut Out, spec: &Value, prefix: &str) {
    for item in arr(&spec["limits"]) {
        let fields = ["min", "max", "defaultRequest", "default", "maxLimitRequestRatio"];
        let mut names: Vec<String> = fields.iter().flat_map(|f| string_map(&item[*f]).into_iter().map(|(k, _)| k)).collect();
        names.sort();
        names.dedup();
        for name in names {
            let cell = |f: &str| -> String {
                let x = &item[f][name.as_str()];
                if x.is_null() {
                    "-".into()
                } else {
                    quantity_string(x)
                }
            };
            o.w(
                0,
                &format!(
                    "{prefix}{}\t{name}\t{}\t{}\t{}\t{}\t{}\n",
                    s(&item["type"]),
                    cell("min"),
                    cell("max"),
                    cell("defaultRequest"),
                    cell("default"),
                    cell("maxLimitRequestRatio")
                ),
            );
        }
    }
}

/// `describeLimitRange`.
fn describe_limit_range(lr: &Value) -> String {
    let mut o = Out::new();
    o.w(0, &format!("Name:\t{}\n", s(&lr["metadata"]["name"])));
    o.w(0, &format!("Namespace:\t{}\n", s(&lr["metadata"]["namespace"])));
    o.w(0, "Type\tResource\tMin\tMax\tDefault Request\tDefault Limit\tMax Limit/Request Ratio\n");
    o.w(0, "----\t--------\t---\t---\t---------------\t-------------\t-----------------------\n");
    describe_limit_range_spec(&mut o, &lr["spec"], "");
    o.finish()
}

/// `describeQuota`: a used value in another format than the hard limit is shown as a
/// whole number in the hard limit's format.
fn describe_quota(q: &Value) -> String {
    let mut o = Out::new();
    o.w(0, &format!("Name:\t{}\n", s(&q["metadata"]["name"])));
    o.w(0, &format!("Namespace:\t{}\n", s(&q["metadata"]["namespace"])));
    let mut scopes: Vec<String> = arr(&q["spec"]["scopes"]).iter().map(v).collect();
    if !scopes.is_empty() {
        scopes.sort();
        o.w(0, &format!("Scopes:\t{}\n", scopes.join(", ")));
        for scope in &scopes {
            let help = quota_scope_help(scope);
            if !help.is_empty() {
                o.w(0, &format!(" * {help}\n"));
            }
        }
    }
    o.w(0, "Resource\tUsed\tHard\n");
    o.w(0, "--------\t----\t----\n");
    for (res, hard) in resource_list(&q["status"]["hard"]) {
        let used = Quantity::of(&q["status"]["used"][res.as_str()]);
        let shown = match used {
            Some(u) if u.format == hard.format => u.canonical(),
            Some(u) => Quantity { nanos: u.value() * NANO, format: hard.format }.canonical(),
            None => "0".into(),
        };
        o.w(0, &format!("{res}\t{shown}\t{}\n", hard.canonical()));
    }
    o.finish()
}

/// `helpTextForResourceQuotaScope`.
fn quota_scope_help(scope: &str) -> &'static str {
    match scope {
        "Terminating" => "Matches all pods that have an active deadline. These pods have a limited lifespan on a node before being actively terminated by the system.",
        "NotTerminating" => "Matches all pods that do not have an active deadline. These pods usually include long running pods whose container command is not expected to terminate.",
        "BestEffort" => "Matches all pods that do not have resource requirements set. These pods have a best effort quality of service.",
        "NotBestEffort" => "Matches all pods that have at least one resource requirement set. These pods have a burstable or guaranteed quality of service.",
        _ => "",
    }
}

/// `ConfigMapDescriber.Describe`.
fn describe_config_map(ctx: &mut Ctx, cm: &Value, settings: &Settings) -> Result<String, Fail> {
    let meta = &cm["metadata"];
    let mut o = Out::new();
    o.w(0, &format!("Name:\t{}\n", s(&meta["name"])));
    o.w(0, &format!("Namespace:\t{}\n", s(&meta["namespace"])));
    print_labels(&mut o, "Labels", &meta["labels"]);
    print_annotations(&mut o, "Annotations", &meta["annotations"]);
    o.w(0, "\nData\n====\n");
    for (k, val) in string_map(&cm["data"]) {
        o.w(0, &format!("{k}:\n----\n"));
        o.w(0, &format!("{val}\n"));
        o.w(0, "\n");
    }
    o.w(0, "\nBinaryData\n====\n");
    for (k, val) in string_map(&cm["binaryData"]) {
        o.w(0, &format!("{k}: {} bytes\n", base64_len(&val)));
    }
    o.w(0, "\n");
    if let Some(events) = object_events(ctx, cm, "ConfigMap", settings)? {
        let now = ctx.backend.now();
        describe_events(&mut o, &events, now);
    }
    Ok(o.finish())
}

/// `SecretDescriber.Describe` and `describeSecret`: sizes only, except a service account
/// token, which is shown.
fn describe_secret(secret: &Value) -> String {
    let meta = &secret["metadata"];
    let ty = s(&secret["type"]);
    let mut o = Out::new();
    o.w(0, &format!("Name:\t{}\n", s(&meta["name"])));
    o.w(0, &format!("Namespace:\t{}\n", s(&meta["namespace"])));
    print_labels(&mut o, "Labels", &meta["labels"]);
    print_annotations(&mut o, "Annotations", &meta["annotations"]);
    o.w(0, &format!("\nType:\t{ty}\n"));
    o.w(0, "\nData\n====\n");
    for (k, val) in string_map(&secret["data"]) {
        if k == "token" && ty == "kubernetes.io/service-account-token" {
            o.w(0, &format!("{k}:\t{}\n", String::from_utf8_lossy(&base64_decode(&val))));
        } else {
            o.w(0, &format!("{k}:\t{} bytes\n", base64_len(&val)));
        }
    }
    o.finish()
}

/// The decoded length of standard base64 text.
fn base64_len(text: &str) -> usize {
    base64_decode(text).len()
}

fn base64_decode(text: &str) -> Vec<u8> {
    let mut out = Vec::new();
    let mut buf = 0u32;
    let mut bits = 0;
    for c in text.bytes() {
        let val = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' | b'-' => 62,
            b'/' | b'_' => 63,
            _ => continue,
        };
        buf = (buf << 6) | u32::from(val);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((buf >> bits) as u8);
            buf &= (1 << bits) - 1;
        }
    }
    out
}

// ---------------------------------------------------------------------------------------
// Everything else

/// `genericDescriber`: the object's fields, sorted, with labels made of their names.
fn describe_generic(ctx: &mut Ctx, rt: &ResourceType, obj: &Value, settings: &Settings) -> Result<String, Fail> {
    let events = object_events(ctx, obj, rt.kind, settings)?;
    let now = ctx.backend.now();
    let meta = &obj["metadata"];
    let mut o = Out::new();
    o.w(0, &format!("Name:\t{}\n", s(&meta["name"])));
    o.w(0, &format!("Namespace:\t{}\n", s(&meta["namespace"])));
    print_labels(&mut o, "Labels", &meta["labels"]);
    print_annotations(&mut o, "Annotations", &meta["annotations"]);
    let skip = [".metadata.managedFields", ".metadata.name", ".metadata.namespace", ".metadata.labels", ".metadata.annotations"];
    if let Some(content) = obj.as_object() {
        print_unstructured(&mut o, 0, content, "", &skip);
    }
    if let Some(events) = &events {
        describe_events(&mut o, events, now);
    }
    Ok(o.finish())
}

/// `printUnstructuredContent`.
fn print_unstructured(o: &mut Out, level: usize, content: &serde_json::Map<String, Value>, skip_prefix: &str, skip: &[&str]) {
    let mut fields: Vec<&String> = content.keys().collect();
    fields.sort();
    for field in fields {
        let value = &content[field.as_str()];
        let skip_expr = format!("{skip_prefix}.{field}");
        if skip.contains(&skip_expr.as_str()) {
            continue;
        }
        match value {
            Value::Object(m) => {
                o.w(level, &format!("{}:\n", smart_label(field)));
                print_unstructured(o, level + 1, m, &skip_expr, skip);
            }
            Value::Array(items) => {
                o.w(level, &format!("{}:\n", smart_label(field)));
                for child in items {
                    match child {
                        Value::Object(m) => print_unstructured(o, level + 1, m, &skip_expr, skip),
                        other => o.w(level + 1, &format!("{}\n", go_value(other))),
                    }
                }
            }
            other => o.w(level, &format!("{}:\t{}\n", smart_label(field), go_value(other))),
        }
    }
}

/// `%v` of a value in an unstructured object.
fn go_value(x: &Value) -> String {
    match x {
        Value::Null => "<nil>".into(),
        Value::String(s) => s.clone(),
        Value::Array(a) => format!("[{}]", a.iter().map(go_value).collect::<Vec<_>>().join(" ")),
        Value::Object(m) => format!("map[{}]", m.iter().map(|(k, val)| format!("{k}:{}", go_value(val))).collect::<Vec<_>>().join(" ")),
        other => other.to_string(),
    }
}

/// `smartLabelFor`: `apiVersion` → `API Version`; names with characters other than
/// letters and `-` stay as they are.
fn smart_label(field: &str) -> String {
    if field.chars().any(|c| !c.is_alphabetic() && c != '-') {
        return field.to_string();
    }
    const ACRONYMS: [&str; 5] = ["API", "URL", "UID", "OSB", "GUID"];
    camelcase_split(field)
        .into_iter()
        .filter(|p| p != "_")
        .map(|part| {
            let upper = part.to_uppercase();
            if ACRONYMS.contains(&upper.as_str()) {
                upper
            } else {
                let mut chars = part.chars();
                match chars.next() {
                    Some(first) => first.to_uppercase().collect::<String>() + &chars.as_str().to_lowercase(),
                    None => String::new(),
                }
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// `camelcase.Split` (fatih/camelcase): runs of one character class, with an upper-case
/// letter moved onto the lower-case run after it (`PDFLoader` → `PDF`, `Loader`).
fn camelcase_split(src: &str) -> Vec<String> {
    let class = |c: char| {
        if c.is_lowercase() {
            1
        } else if c.is_uppercase() {
            2
        } else if c.is_numeric() {
            3
        } else {
            4
        }
    };
    let mut runs: Vec<Vec<char>> = Vec::new();
    let mut last = 0;
    for c in src.chars() {
        let k = class(c);
        if k == last {
            if let Some(r) = runs.last_mut() {
                r.push(c);
            }
        } else {
            runs.push(vec![c]);
        }
        last = k;
    }
    for i in 0..runs.len().saturating_sub(1) {
        if runs[i][0].is_uppercase() && runs[i + 1][0].is_lowercase() {
            if let Some(c) = runs[i].pop() {
                runs[i + 1].insert(0, c);
            }
        }
    }
    runs.into_iter().filter(|r| !r.is_empty()).map(|r| r.into_iter().collect()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantities_print_canonically() {
        for (input, want) in [
            ("100m", "100m"),
            ("0.1", "100m"),
            ("1", "1"),
            ("1000", "1k"),
            ("1500", "1500"),
            ("1.5", "1500m"),
            ("70Mi", "70Mi"),
            ("1536Mi", "1536Mi"),
            ("1.5Gi", "1536Mi"),
            ("1024", "1024"),
            ("1Ki", "1Ki"),
            ("512", "512"),
            ("16283452Ki", "16283452Ki"),
            ("263174212Ki", "263174212Ki"),
            ("128974848", "128974848"),
            ("129e6", "129e6"),
            ("0", "0"),
            ("0Mi", "0"),
        ] {
            assert_eq!(Quantity::parse(input).map(|q| q.canonical()).as_deref(), Some(want), "{input}");
        }
        let sum = Quantity::parse("70Mi").unwrap().add(Quantity::parse("100Mi").unwrap());
        assert_eq!(sum.canonical(), "170Mi");
        assert_eq!(Quantity::parse("100m").unwrap().milli_value(), 100);
        assert_eq!(Quantity::parse("1.5Gi").unwrap().value(), 1_610_612_736);
        assert!(Quantity::parse("abc").is_none());
    }

    #[test]
    fn times_print_as_rfc1123z() {
        assert_eq!(rfc1123z(&Value::from("2026-11-30T09:00:21Z")), "Mon, 30 Nov 2026 09:00:21 +0000");
        assert_eq!(rfc1123z(&Value::from("2024-08-15T15:02:31Z")), "Thu, 15 Aug 2024 15:02:31 +0000");
        assert_eq!(rfc1123z(&Value::Null), ZERO_TIME);
    }

    #[test]
    fn smart_labels() {
        for (field, want) in [
            ("apiVersion", "API Version"),
            ("kind", "Kind"),
            ("creationTimestamp", "Creation Timestamp"),
            ("uid", "UID"),
            ("holderIdentity", "Holder Identity"),
            ("leaseDurationSeconds", "Lease Duration Seconds"),
            ("x509", "x509"),
            ("PDFLoader", "Pdf Loader"),
        ] {
            assert_eq!(smart_label(field), want, "{field}");
        }
    }

    #[test]
    fn go_sort_matches_insertion_sort_for_short_lists() {
        let mut v = vec![(3, 'a'), (1, 'b'), (3, 'c'), (1, 'd'), (2, 'e')];
        go_sort(&mut v, |a, b| a.0 < b.0);
        assert_eq!(v, vec![(1, 'b'), (1, 'd'), (2, 'e'), (3, 'a'), (3, 'c')]);
        let mut long: Vec<(u32, usize)> = (0..100).map(|i| ((i * 37 % 11) as u32, i)).collect();
        go_sort(&mut long, |a, b| a.0 < b.0);
        assert!(long.windows(2).all(|w| w[0].0 <= w[1].0));
    }

    #[test]
    fn selectors_format_like_apimachinery() {
        let sel = serde_json::json!({"matchLabels": {"b": "2", "a": "1"}, "matchExpressions": [{"key": "env", "operator": "In", "values": ["prod", "dev"]}, {"key": "x", "operator": "DoesNotExist"}]});
        assert_eq!(selector_string(&sel), "a=1,b=2,env in (dev,prod),!x");
        assert_eq!(format_label_selector(&serde_json::json!({})), "<none>");
    }
}
