//! `kubectl wait --for=condition=X[=v] | --for=delete | --for=create | --for=jsonpath=...`
//! on the simulated clock: each object in turn, until the condition holds or the
//! `--timeout` (default 30s) runs out.

use kubeniwa_core::resources::ResourceType;
use kubeniwa_core::time::Millis;
use kubeniwa_core::Request;
use serde_json::Value;

use crate::get::select;
use crate::{server_error, Ctx, Fail, Outcome};

/// How often the condition is looked at while waiting (the real client watches; the
/// simulation only changes at timer instants, so a short step sees each change).
const STEP_MS: Millis = 100;

enum For {
    Delete,
    Create,
    Condition { name: String, value: String },
    JsonPath { template: String, value: Option<String> },
}

pub(crate) fn run(ctx: &mut Ctx) -> Outcome {
    let timeout = match ctx.flags.get("timeout") {
        Some(t) => match parse_go_duration(t) {
            Some(ms) if ms < 0 => 168 * 3_600_000,
            Some(ms) => ms as Millis,
            None => return Err(Fail::Text(format!("error: invalid argument \"{t}\" for \"--timeout\" flag: time: invalid duration \"{t}\"\nSee 'kubectl wait --help' for usage.\n"))),
        },
        None => 30_000,
    };
    let cond = ctx.flags.get("for").unwrap_or("").to_string();
    let lower = cond.to_lowercase();
    let wanted = if lower == "delete" {
        For::Delete
    } else if lower == "create" {
        For::Create
    } else if let Some(rest) = cond.strip_prefix("condition=") {
        let (name, value) = rest.split_once('=').unwrap_or((rest, "true"));
        For::Condition { name: name.to_string(), value: value.to_string() }
    } else if let Some(rest) = cond.strip_prefix("jsonpath=") {
        let parts = split_jsonpath_input(rest);
        if parts.len() > 2 {
            return Err(Fail::Text("error: jsonpath wait format must be --for=jsonpath='{.status.readyReplicas}'=3 or --for=jsonpath='{.status.readyReplicas}'\n".into()));
        }
        let template = relaxed(&parts[0]);
        if parts[0].is_empty() {
            return Err(Fail::Text("error: jsonpath expression cannot be empty\n".into()));
        }
        let value = match parts.get(1) {
            Some(v) => {
                let v = v.trim_matches(|c| c == '\'' || c == '"').to_string();
                if v.is_empty() {
                    return Err(Fail::Text("error: jsonpath wait has to have a value after equal sign, like --for=jsonpath='{.status.readyReplicas}'=3\n".into()));
                }
                Some(v)
            }
            None => None,
        };
        if let Err(e) = kubeniwa_format::jsonpath::JsonPath::parse(&template) {
            return Err(Fail::Text(format!("error: {}\n", kubeniwa_format::jsonpath::parse_error_message(&template, &e))));
        }
        For::JsonPath { template, value }
    } else {
        return Err(Fail::Text(format!("error: unrecognized condition: {cond:?}\n")));
    };
    let args = ctx.flags.args.clone();
    if args.is_empty() {
        return Err(Fail::Text("error: You must provide one or more resources by argument or filename.\nExample resource specifications include:\n   '-f rsrc.yaml'\n   '--filename=rsrc.json'\n   '<resource> <name>'\n   '<resource>'\n".into()));
    }
    let sel = select(&args, "wait")?;
    let deadline = ctx.backend.now() + timeout;
    // `--for=create` first waits for the objects to exist, looking every 0.5s.
    if matches!(wanted, For::Create) {
        loop {
            if !find(ctx, &sel.groups, true)?.is_empty() {
                break;
            }
            if ctx.backend.now() >= deadline {
                return Err(Fail::Text("error: timed out waiting for the condition\n".into()));
            }
            ctx.backend.wait(500);
        }
    }
    let targets = find(ctx, &sel.groups, matches!(wanted, For::Delete))?;
    if targets.is_empty() {
        if matches!(wanted, For::Delete) {
            return Ok(());
        }
        return Err(Fail::Text("error: no matching resources found\n".into()));
    }
    // Each object's failure is collected and the next one is still waited for, as
    // the real visitor does; one error prints as `error: ...`, several one a line.
    let mut errors: Vec<String> = Vec::new();
    'objects: for (rt, ns, name, uid) in targets {
        let path = rt.object_path(ns.as_deref(), &name);
        let object_name = format!("{}/{name}", rt.plural);
        loop {
            let current = match ctx.call(Request::get(path.clone()))? {
                Ok(o) => Some(o),
                Err(e) if e.reason == "NotFound" => None,
                Err(e) => return Err(Fail::Text(server_error(&e))),
            };
            let met = match (&wanted, &current) {
                (For::Delete, None) => true,
                (For::Delete, Some(o)) => o["metadata"]["uid"] != uid,
                (_, None) => return Err(Fail::Text(server_error(&kubeniwa_core::ApiError::not_found(rt.group, rt.plural, &name)))),
                (For::Create, Some(_)) => true,
                (For::Condition { name, value }, Some(o)) => condition_met(o, name, value),
                (For::JsonPath { template, value }, Some(o)) => jsonpath_met(o, template, value.as_deref())?,
            };
            if met {
                ctx.io.out(format!("{}/{name} condition met\n", rt.kind_group()));
                break;
            }
            if timeout == 0 {
                errors.push(format!("condition not met for {object_name}"));
                continue 'objects;
            }
            if ctx.backend.now() >= deadline {
                errors.push(format!("timed out waiting for the condition on {object_name}"));
                continue 'objects;
            }
            ctx.backend.wait(STEP_MS.min(deadline - ctx.backend.now()));
        }
    }
    match errors.len() {
        0 => Ok(()),
        1 => Err(Fail::Text(format!("error: {}\n", errors[0]))),
        _ => Err(Fail::Text(errors.iter().map(|e| format!("{e}\n")).collect())),
    }
}

/// The objects named, selected (`-l`) or all (`--all`), with their uids.
#[allow(clippy::type_complexity)]
fn find(ctx: &mut Ctx, groups: &[(&'static ResourceType, Vec<String>)], ignore_not_found: bool) -> Result<Vec<(&'static ResourceType, Option<String>, String, Value)>, Fail> {
    let all_ns = ctx.flags.flag("all-namespaces");
    let mut out = Vec::new();
    for (rt, names) in groups {
        let ns = if rt.namespaced { Some(ctx.namespace.clone()) } else { None };
        if names.is_empty() {
            let selector = ctx.flags.get("selector").map(String::from);
            if selector.is_none() && !ctx.flags.flag("all") && ctx.flags.get("field-selector").is_none() {
                return Err(Fail::Text("error: resource(s) were provided, but no name was specified\n".into()));
            }
            let list_ns = if all_ns { None } else { ns.clone() };
            let mut req = Request::get(rt.collection_path(list_ns.as_deref()));
            if let Some(l) = selector {
                req = req.query("labelSelector", l);
            }
            if let Some(f) = ctx.flags.get("field-selector") {
                req = req.query("fieldSelector", f.to_string());
            }
            match ctx.call(req)? {
                Ok(list) => {
                    for item in list["items"].as_array().into_iter().flatten() {
                        let item_ns = item["metadata"]["namespace"].as_str().map(String::from);
                        out.push((*rt, item_ns, item["metadata"]["name"].as_str().unwrap_or("").to_string(), item["metadata"]["uid"].clone()));
                    }
                }
                Err(e) => return Err(Fail::Text(server_error(&e))),
            }
        } else {
            for name in names {
                match ctx.call(Request::get(rt.object_path(ns.as_deref(), name)))? {
                    Ok(o) => out.push((*rt, ns.clone(), name.clone(), o["metadata"]["uid"].clone())),
                    Err(e) if e.reason == "NotFound" && ignore_not_found => {}
                    Err(e) => return Err(Fail::Text(server_error(&e))),
                }
            }
        }
    }
    Ok(out)
}

/// `ConditionalWait.checkCondition`: the condition's status, case-folded, once the
/// condition (or the status) has seen the latest generation.
fn condition_met(obj: &Value, name: &str, value: &str) -> bool {
    let Some(conditions) = obj["status"]["conditions"].as_array() else { return false };
    for c in conditions {
        let Some(t) = c["type"].as_str() else { continue };
        if !t.eq_ignore_ascii_case(name) {
            continue;
        }
        let Some(status) = c["status"].as_str() else { continue };
        if let Some(generation) = obj["metadata"]["generation"].as_i64() {
            let observed = c["observedGeneration"].as_i64().or_else(|| obj["status"]["observedGeneration"].as_i64());
            if observed.is_some_and(|o| o < generation) {
                return false;
            }
        }
        return status.to_lowercase() == value.to_lowercase();
    }
    false
}

/// `JSONPathWait.checkCondition`.
fn jsonpath_met(obj: &Value, template: &str, value: Option<&str>) -> Result<bool, Fail> {
    let jp = match kubeniwa_format::jsonpath::JsonPath::parse(template) {
        Ok(j) => j.allow_missing_keys(true),
        Err(_) => return Ok(false),
    };
    let results = jp.find_results(obj).map_err(|e| Fail::Text(format!("error: {e}\n")))?;
    if results.is_empty() || results[0].is_empty() {
        return Ok(false);
    }
    if results.len() > 1 {
        return Err(Fail::Text("error: given jsonpath expression matches more than one list\n".into()));
    }
    if results[0].len() > 1 {
        return Err(Fail::Text("error: given jsonpath expression matches more than one value\n".into()));
    }
    let Some(expected) = value else { return Ok(true) };
    let found = &results[0][0];
    let text = match found {
        Value::Object(_) | Value::Array(_) => return Err(Fail::Text("error: jsonpath leads to a nested object or list which is not supported\n".into())),
        Value::String(s) => s.clone(),
        Value::Null => "<nil>".to_string(),
        other => other.to_string(),
    };
    Ok(text.trim() == expected.trim())
}

/// `cmdget.RelaxedJSONPathExpression`: `.status.phase` and `{.status.phase}` alike.
fn relaxed(expr: &str) -> String {
    let e = expr.trim();
    if e.is_empty() {
        return String::new();
    }
    let inner = e.strip_prefix('{').and_then(|s| s.strip_suffix('}')).unwrap_or(e);
    let inner = if inner.starts_with('.') { inner.to_string() } else { format!(".{inner}") };
    format!("{{{inner}}}")
}

/// Splits on single `=`; `==` stays in the expression.
fn split_jsonpath_input(input: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let b: Vec<char> = input.chars().collect();
    let mut i = 0;
    while i < b.len() {
        if b[i] == '=' {
            if i + 1 < b.len() && b[i + 1] == '=' {
                cur.push_str("==");
                i += 2;
                continue;
            }
            out.push(std::mem::take(&mut cur));
            i += 1;
            continue;
        }
        cur.push(b[i]);
        i += 1;
    }
    out.push(cur);
    out
}

/// Go's `time.ParseDuration`, in milliseconds: `30s`, `1m30s`, `1.5h`, `500ms`, `0`.
pub(crate) fn parse_go_duration(s: &str) -> Option<i64> {
    let (neg, mut rest) = match s.strip_prefix('-') {
        Some(r) => (true, r),
        None => (false, s.strip_prefix('+').unwrap_or(s)),
    };
    if rest == "0" {
        return Some(0);
    }
    if rest.is_empty() {
        return None;
    }
    let mut total = 0f64;
    while !rest.is_empty() {
        let num_len = rest.find(|c: char| !(c.is_ascii_digit() || c == '.')).unwrap_or(rest.len());
        if num_len == 0 {
            return None;
        }
        let num: f64 = rest[..num_len].parse().ok()?;
        rest = &rest[num_len..];
        let unit_len = rest.find(|c: char| c.is_ascii_digit() || c == '.').unwrap_or(rest.len());
        let factor = match &rest[..unit_len] {
            "ns" => 1e-6,
            "us" | "µs" | "μs" => 1e-3,
            "ms" => 1.0,
            "s" => 1000.0,
            "m" => 60_000.0,
            "h" => 3_600_000.0,
            _ => return None,
        };
        rest = &rest[unit_len..];
        total += num * factor;
    }
    let ms = total.round() as i64;
    Some(if neg { -ms } else { ms })
}

/// Go's `time.Duration.String` for whole milliseconds: `7s`, `1m0s`, `1h30m0s`, `1.5s`.
pub(crate) fn go_duration_string(ms: Millis) -> String {
    if ms == 0 {
        return "0s".into();
    }
    if ms < 1000 {
        return format!("{ms}ms");
    }
    let (h, m) = (ms / 3_600_000, (ms / 60_000) % 60);
    let secs = (ms % 60_000) as f64 / 1000.0;
    let s = if ms % 1000 == 0 { format!("{}s", (ms % 60_000) / 1000) } else { format!("{secs}s") };
    if h > 0 {
        format!("{h}h{m}m{s}")
    } else if m > 0 {
        format!("{m}m{s}")
    } else {
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn go_durations() {
        assert_eq!(parse_go_duration("30s"), Some(30_000));
        assert_eq!(parse_go_duration("1m30s"), Some(90_000));
        assert_eq!(parse_go_duration("0"), Some(0));
        assert_eq!(parse_go_duration("-1s"), Some(-1000));
        assert_eq!(parse_go_duration("10"), None);
        assert_eq!(parse_go_duration("abc"), None);
        assert_eq!(go_duration_string(7_000), "7s");
        assert_eq!(go_duration_string(60_000), "1m0s");
        assert_eq!(go_duration_string(5_400_000), "1h30m0s");
    }

    #[test]
    fn jsonpath_input_splits_on_single_equals() {
        assert_eq!(split_jsonpath_input("{.status.phase}=Running"), vec!["{.status.phase}", "Running"]);
        assert_eq!(relaxed(".status.phase"), "{.status.phase}");
    }
}
