//! `kubectl auth can-i` (`pkg/cmd/auth/cani.go`): a SelfSubjectAccessReview for one
//! action (`yes`, or `no` and exit status 1), or with `--list` a SelfSubjectRulesReview
//! whose rules are broken down, compacted and sorted as kubectl's `rbac` util does.

use std::collections::BTreeMap;

use kubeniwa_core::resources;
use kubeniwa_core::{Method, Request};
use kubeniwa_format::table::TabWriter;
use serde_json::{json, Value};

use crate::{server_error, Ctx, Fail, Outcome};

pub(crate) const AUTH_HELP: &str = include_str!("../data/help/auth.txt");
pub(crate) const CAN_I_HELP: &str = include_str!("../data/help/auth-can-i.txt");
pub(crate) const WHOAMI_HELP: &str = include_str!("../data/help/auth-whoami.txt");

const RESOURCE_VERBS: &[&str] = &["get", "list", "watch", "create", "update", "patch", "delete", "deletecollection", "use", "bind", "impersonate", "*", "approve", "sign", "escalate", "attest"];
const NON_RESOURCE_VERBS: &[&str] = &["get", "put", "post", "head", "options", "delete", "patch", "*"];

/// `kubectl auth ...`
pub(crate) fn run(ctx: &mut Ctx) -> Outcome {
    let args = ctx.flags.args.clone();
    match args.first().map(String::as_str) {
        None => {
            ctx.io.err(AUTH_HELP);
            Err(Fail::Silent)
        }
        Some("can-i") => can_i(ctx, &args[1..]),
        Some("whoami") => whoami(ctx),
        Some(_) => Err(Fail::Usage { message: format!("unknown command \"{}\"", args.join(" ")), command: "auth".into() }),
    }
}

fn warn(ctx: &mut Ctx, message: &str) {
    ctx.io.err(format!("Warning: {message}\n"));
}

fn text(message: &str) -> Fail {
    Fail::Text(format!("error: {message}\n"))
}

fn can_i(ctx: &mut Ctx, args: &[String]) -> Outcome {
    let list = ctx.flags.flag("list");
    let quiet = ctx.flags.flag("quiet");
    let all_namespaces = ctx.flags.flag("all-namespaces");
    let subresource = ctx.flags.get("subresource").unwrap_or("").to_string();
    // Complete: the arguments, and the resource as the REST mapper knows it.
    let (mut verb, mut url, mut group, mut resource, mut name) = (String::new(), String::new(), String::new(), String::new(), String::new());
    let mut known: Option<&'static resources::ResourceType> = None;
    if list {
        if !args.is_empty() {
            return Err(text("list option must be specified with no arguments"));
        }
    } else {
        if args.len() != 2 {
            return Err(text("you must specify two arguments: verb resource or verb resource/resourceName.\nSee 'kubectl auth can-i -h' for help and examples."));
        }
        verb = args[0].clone();
        if args[1].starts_with('/') {
            url = args[1].clone();
        } else {
            let (res, n) = args[1].split_once('/').unwrap_or((&args[1], ""));
            name = n.to_string();
            ctx.send(Request::get("/api"))?;
            if res == "*" {
                resource = "*".into();
            } else {
                let lower = res.to_ascii_lowercase();
                match resources::lookup(&lower) {
                    Some(rt) => {
                        known = Some(rt);
                        group = rt.group.to_string();
                        resource = rt.plural.to_string();
                    }
                    None => {
                        let (r, g) = lower.split_once('.').unwrap_or((&lower, ""));
                        if !matches!(lower.as_str(), "users" | "groups") {
                            if g.is_empty() {
                                warn(ctx, &format!("the server doesn't have a resource type '{r}'\n"));
                            } else {
                                warn(ctx, &format!("the server doesn't have a resource type '{r}' in group '{g}'\n"));
                            }
                        }
                        resource = res.to_string();
                    }
                }
            }
        }
    }
    let namespace = if all_namespaces { String::new() } else { ctx.namespace.clone() };
    // Validate.
    if list {
        if quiet || all_namespaces || !subresource.is_empty() {
            return Err(text("list option can't be specified with neither quiet, all-namespaces nor subresource options"));
        }
    } else if !url.is_empty() {
        if !subresource.is_empty() {
            return Err(text("--subresource can not be used with NonResourceURL"));
        }
        if !resource.is_empty() || !name.is_empty() {
            return Err(text("NonResourceURL and ResourceName can not specified together"));
        }
        if !NON_RESOURCE_VERBS.contains(&verb.as_str()) {
            warn(ctx, &format!("verb '{verb}' is not a known verb\n"));
        }
    } else if !resource.is_empty() && !all_namespaces {
        if let Some(rt) = known.filter(|rt| !rt.namespaced) {
            if rt.group.is_empty() {
                warn(ctx, &format!("resource '{}' is not namespace scoped\n", rt.plural));
            } else {
                warn(ctx, &format!("resource '{}' is not namespace scoped in group '{}'\n", rt.plural, rt.group));
            }
        }
        if !RESOURCE_VERBS.contains(&verb.as_str()) {
            warn(ctx, &format!("verb '{verb}' is not a known verb\n"));
        }
    }
    if !list && ctx.flags.flag("no-headers") {
        return Err(text("--no-headers cannot be set without --list specified"));
    }
    if list {
        return access_list(ctx, &namespace);
    }
    let spec = if url.is_empty() {
        let mut attrs = serde_json::Map::new();
        for (k, v) in [("namespace", &namespace), ("verb", &verb), ("group", &group), ("resource", &resource), ("subresource", &subresource), ("name", &name)] {
            if !v.is_empty() {
                attrs.insert(k.into(), json!(v));
            }
        }
        json!({"resourceAttributes": attrs})
    } else {
        json!({"nonResourceAttributes": {"path": url, "verb": verb}})
    };
    let body = json!({"kind": "SelfSubjectAccessReview", "apiVersion": "authorization.k8s.io/v1", "metadata": {}, "spec": spec, "status": {"allowed": false}});
    let review = match ctx.call(impersonating(ctx, Request::new(Method::Post, "/apis/authorization.k8s.io/v1/selfsubjectaccessreviews").body(body)))? {
        Ok(r) => r,
        Err(e) => return Err(Fail::Text(server_error(&e))),
    };
    let status = &review["status"];
    if status["allowed"] == true {
        if !quiet {
            ctx.io.out("yes\n");
        }
        return Ok(());
    }
    if !quiet {
        let mut line = "no".to_string();
        for f in ["reason", "evaluationError"] {
            if let Some(r) = status[f].as_str().filter(|r| !r.is_empty()) {
                line.push_str(&format!(" - {r}"));
            }
        }
        ctx.io.out(format!("{line}\n"));
    }
    Err(Fail::Silent)
}

/// `--as` and `--as-group` become the impersonation headers.
fn impersonating(ctx: &Ctx, mut req: Request) -> Request {
    req.impersonate_user = ctx.flags.get("as").filter(|a| !a.is_empty()).map(String::from);
    req.impersonate_groups = ctx.flags.all("as-group");
    req
}

/// One `rbacv1.PolicyRule`, with its slices as kubectl holds them.
#[derive(Debug, Clone, PartialEq, Default)]
struct Rule {
    verbs: Vec<String>,
    groups: Vec<String>,
    resources: Vec<String>,
    names: Vec<String>,
    urls: Vec<String>,
}

impl Rule {
    /// The generated `PolicyRule.String()`, which the list is sorted by.
    fn go_string(&self) -> String {
        let v = |s: &[String]| format!("[{}]", s.join(" "));
        format!(
            "&PolicyRule{{Verbs:{},APIGroups:{},Resources:{},ResourceNames:{},NonResourceURLs:{},}}",
            v(&self.verbs),
            v(&self.groups),
            v(&self.resources),
            v(&self.names),
            v(&self.urls)
        )
    }
}

fn strings(v: &Value) -> Vec<String> {
    v.as_array().into_iter().flatten().filter_map(|s| s.as_str().map(String::from)).collect()
}

/// `kubectl auth can-i --list`.
fn access_list(ctx: &mut Ctx, namespace: &str) -> Outcome {
    let body = json!({"kind": "SelfSubjectRulesReview", "apiVersion": "authorization.k8s.io/v1", "metadata": {}, "spec": {"namespace": namespace}, "status": {"resourceRules": null, "nonResourceRules": null, "incomplete": false}});
    let review = match ctx.call(impersonating(ctx, Request::new(Method::Post, "/apis/authorization.k8s.io/v1/selfsubjectrulesreviews").body(body)))? {
        Ok(r) => r,
        Err(e) => return Err(Fail::Text(server_error(&e))),
    };
    let status = &review["status"];
    if status["incomplete"] == true {
        warn(ctx, &format!("the list may be incomplete: {}", status["evaluationError"].as_str().unwrap_or("")));
    }
    // convertToPolicyRule, then BreakdownRule.
    let mut rules: Vec<Rule> = Vec::new();
    for r in status["resourceRules"].as_array().into_iter().flatten() {
        rules.push(Rule { verbs: strings(&r["verbs"]), groups: strings(&r["apiGroups"]), resources: strings(&r["resources"]), names: strings(&r["resourceNames"]), urls: Vec::new() });
    }
    for r in status["nonResourceRules"].as_array().into_iter().flatten() {
        rules.push(Rule { verbs: strings(&r["verbs"]), urls: strings(&r["nonResourceURLs"]), ..Default::default() });
    }
    let mut w = TabWriter::kubectl_get();
    if !ctx.flags.flag("no-headers") {
        w.write("Resources\tNon-Resource URLs\tResource Names\tVerbs\n");
    }
    for row in rule_rows(rules) {
        w.write(&format!("{}\n", row.join("\t")));
    }
    ctx.io.out(w.finish());
    Ok(())
}

/// `kubectl auth whoami` (`pkg/cmd/auth/whoami.go`): a SelfSubjectReview, as a table
/// of the user's attributes or the object itself with `-o json|yaml`.
fn whoami(ctx: &mut Ctx) -> Outcome {
    let output = ctx.flags.get("output").unwrap_or("").to_string();
    let (format, template) = output.split_once('=').map(|(f, t)| (f.to_string(), t.to_string())).unwrap_or((output.clone(), String::new()));
    if !matches!(format.as_str(), "" | "json" | "yaml" | "kyaml" | "name" | "jsonpath" | "jsonpath-as-json") {
        return Err(text(&format!("unable to match a printer suitable for the output format \"{output}\", allowed formats are: go-template,go-template-file,json,jsonpath,jsonpath-as-json,jsonpath-file,kyaml,name,template,templatefile,yaml")));
    }
    let review = json!({"kind": "SelfSubjectReview", "apiVersion": "authentication.k8s.io/v1", "metadata": {"creationTimestamp": null}, "status": {}});
    let req = impersonating(ctx, Request::new(Method::Post, "/apis/authentication.k8s.io/v1/selfsubjectreviews").body(review));
    let reply = ctx.call(req)?;
    let obj = match reply {
        Ok(o) => o,
        Err(e) if e.code == 404 => return Err(text("the selfsubjectreviews API is not enabled in the cluster")),
        Err(e) if e.code == 403 => return Err(text("the selfsubjectreviews API is not enabled in the cluster or you do not have permission to call it")),
        Err(e) => return Err(Fail::Text(server_error(&e))),
    };
    let ui = &obj["status"]["userInfo"];
    match format.as_str() {
        "json" => ctx.io.out(typed_json(&obj)),
        "yaml" => ctx.io.out(kubeniwa_format::yaml::to_string(&obj)),
        "kyaml" => ctx.io.out(kubeniwa_format::kyaml::to_string(&obj)),
        "name" => ctx.io.out("selfsubjectreview.authentication.k8s.io/<unknown>\n".to_string()),
        "jsonpath" | "jsonpath-as-json" => {
            let printed = if format == "jsonpath" { kubeniwa_format::jsonpath::print_jsonpath(&template, &obj) } else { kubeniwa_format::jsonpath::print_jsonpath_as_json(&template, &obj) };
            match printed {
                Ok(t) => ctx.io.out(t),
                Err(e) => return Err(Fail::Text(format!("error: {e}\n"))),
            }
        }
        _ => {
            let mut w = TabWriter::kubectl_get();
            w.write("ATTRIBUTE\tVALUE\n");
            if let Some(u) = ui["username"].as_str().filter(|u| !u.is_empty()) {
                w.write(&format!("Username\t{u}\n"));
            }
            if let Some(u) = ui["uid"].as_str().filter(|u| !u.is_empty()) {
                w.write(&format!("UID\t{u}\n"));
            }
            let groups: Vec<&str> = ui["groups"].as_array().into_iter().flatten().filter_map(Value::as_str).collect();
            if !groups.is_empty() {
                w.write(&format!("Groups\t[{}]\n", groups.join(" ")));
            }
            if let Some(extra) = ui["extra"].as_object() {
                for (k, v) in extra {
                    let vals: Vec<&str> = v.as_array().into_iter().flatten().filter_map(Value::as_str).collect();
                    w.write(&format!("Extra: {k}\t[{}]\n", vals.join(" ")));
                }
            }
            ctx.io.out(w.finish());
        }
    }
    Ok(())
}

/// The review as kubectl's JSON printer writes the typed Go struct: fields in struct
/// order (`kind`, `apiVersion`, `metadata`, `status.userInfo.username`, `uid`,
/// `groups`, `extra`), empty ones left out.
fn typed_json(obj: &Value) -> String {
    let ui = &obj["status"]["userInfo"];
    let q = |v: &Value| kubeniwa_format::json::to_string_compact(v);
    let mut fields = Vec::new();
    for key in ["username", "uid"] {
        if ui[key].as_str().is_some_and(|s| !s.is_empty()) {
            fields.push(format!("            \"{key}\": {}", q(&ui[key])));
        }
    }
    for key in ["groups", "extra"] {
        let empty = ui[key].as_array().is_some_and(Vec::is_empty) || ui[key].as_object().is_some_and(|m| m.is_empty()) || ui[key].is_null();
        if !empty {
            let body = kubeniwa_format::json::to_string_indent(&ui[key], "    ").replace('\n', "\n            ");
            fields.push(format!("            \"{key}\": {body}"));
        }
    }
    let user = if fields.is_empty() { "{}".to_string() } else { format!("{{\n{}\n        }}", fields.join(",\n")) };
    let metadata = kubeniwa_format::json::to_string_indent(&obj["metadata"], "    ").replace('\n', "\n    ");
    format!(
        "{{\n    \"kind\": \"SelfSubjectReview\",\n    \"apiVersion\": \"authentication.k8s.io/v1\",\n    \"metadata\": {metadata},\n    \"status\": {{\n        \"userInfo\": {user}\n    }}\n}}\n"
    )
}

/// A role's rules as kubectl shows them (`auth can-i --list`, `describe role`): broken
/// down (`rbac.BreakdownRule`), compacted (`rbac.CompactRules`), sorted by the rule's
/// generated `String()`; each row is Resources, Non-Resource URLs, Resource Names,
/// Verbs.
pub(crate) fn policy_rule_rows(rules: &[Value]) -> Vec<[String; 4]> {
    let rules = rules
        .iter()
        .map(|r| Rule { verbs: strings(&r["verbs"]), groups: strings(&r["apiGroups"]), resources: strings(&r["resources"]), names: strings(&r["resourceNames"]), urls: strings(&r["nonResourceURLs"]) })
        .collect();
    rule_rows(rules)
}

fn rule_rows(rules: Vec<Rule>) -> Vec<[String; 4]> {
    let mut broken: Vec<Rule> = Vec::new();
    for rule in &rules {
        for g in &rule.groups {
            for res in &rule.resources {
                for verb in &rule.verbs {
                    if rule.names.is_empty() {
                        broken.push(Rule { groups: vec![g.clone()], resources: vec![res.clone()], verbs: vec![verb.clone()], ..Default::default() });
                    } else {
                        for n in &rule.names {
                            broken.push(Rule { groups: vec![g.clone()], resources: vec![res.clone()], verbs: vec![verb.clone()], names: vec![n.clone()], ..Default::default() });
                        }
                    }
                }
            }
        }
        for u in &rule.urls {
            for verb in &rule.verbs {
                broken.push(Rule { urls: vec![u.clone()], verbs: vec![verb.clone()], ..Default::default() });
            }
        }
    }
    // CompactRules: single-group, single-resource rules merge their verbs.
    let mut compacted: Vec<Rule> = Vec::new();
    let mut simple: BTreeMap<(String, String, Option<String>), Rule> = BTreeMap::new();
    for r in broken {
        let is_simple = r.urls.is_empty() && r.names.len() <= 1 && r.groups.len() == 1 && r.resources.len() == 1;
        if !is_simple {
            compacted.push(r);
            continue;
        }
        let key = (r.groups[0].clone(), r.resources[0].clone(), r.names.first().cloned());
        match simple.get_mut(&key) {
            Some(existing) => {
                for v in r.verbs {
                    if !existing.verbs.contains(&v) {
                        existing.verbs.push(v);
                    }
                }
            }
            None => {
                simple.insert(key, r);
            }
        }
    }
    compacted.extend(simple.into_values());
    compacted.sort_by_key(Rule::go_string);
    let mut rows = Vec::new();
    for r in &compacted {
        let combined = match r.resources.first() {
            None => String::new(),
            Some(res) => {
                let (base, sub) = match res.split_once('/') {
                    Some((b, s)) => (b, Some(s)),
                    None => (res.as_str(), None),
                };
                let mut c = base.to_string();
                if let Some(g) = r.groups.first().filter(|g| !g.is_empty()) {
                    c = format!("{c}.{g}");
                }
                if let Some(s) = sub {
                    c = format!("{c}/{s}");
                }
                c
            }
        };
        let v = |s: &[String]| format!("[{}]", s.join(" "));
        rows.push([combined, v(&r.urls), v(&r.names), v(&r.verbs)]);
    }
    rows
}
