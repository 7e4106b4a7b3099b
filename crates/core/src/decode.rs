//! The API server's typed decode of a request body, as `sigs.k8s.io/json` does it into
//! the versioned Go structs: type errors in Go's wording (`json: cannot unmarshal bool
//! into Go struct field EnvVar.spec.containers.env.value of type string`), custom
//! unmarshalers (`resource.Quantity`, `intstr.IntOrString`, `metav1.Time`, base64
//! `[]byte`), and the `fieldValidation` modes for unknown fields: `Strict` fails with
//! `strict decoding error: unknown field "spec.containers[0].imagee"`, `Warn` drops
//! them with a warning each, `Ignore` drops them silently.
//!
//! The field table (`data/fields.txt`) is generated from the Kubernetes v1.35 JSON
//! schemas by `xtask/schema/gen_fields.py`.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use serde_json::Value;

use crate::api::{ApiError, ApiResult};
use crate::resources::ResourceType;

const FIELDS: &str = include_str!("../data/fields.txt");

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldValidation {
    Ignore,
    Warn,
    Strict,
}

impl FieldValidation {
    /// The `fieldValidation` query parameter; the server's default is `Warn`.
    pub fn from_query(v: Option<&str>) -> FieldValidation {
        match v {
            Some("Strict") => FieldValidation::Strict,
            Some("Ignore") => FieldValidation::Ignore,
            _ => FieldValidation::Warn,
        }
    }
}

struct Table {
    roots: BTreeMap<&'static str, &'static str>,
    structs: BTreeMap<&'static str, BTreeMap<&'static str, &'static str>>,
}

fn table() -> &'static Table {
    static T: OnceLock<Table> = OnceLock::new();
    T.get_or_init(|| {
        let mut roots = BTreeMap::new();
        let mut structs: BTreeMap<&str, BTreeMap<&str, &str>> = BTreeMap::new();
        let mut current = "";
        for line in FIELDS.lines() {
            if let Some(rest) = line.strip_prefix('@') {
                if let Some((gvk, def)) = rest.split_once(' ') {
                    roots.insert(gvk, def);
                }
            } else if let Some(def) = line.strip_prefix('=') {
                current = def;
                structs.entry(def).or_default();
            } else if let Some((f, t)) = line.split_once(' ') {
                structs.entry(current).or_default().insert(f, t);
            }
        }
        Table { roots, structs }
    })
}

/// `io.k8s.api.core.v1.PodSpec` → `v1.PodSpec`.
fn go_name(def: &str) -> String {
    let mut parts = def.rsplitn(3, '.');
    let name = parts.next().unwrap_or(def);
    let pkg = parts.next().unwrap_or("");
    format!("{pkg}.{name}")
}

fn short_name(def: &str) -> &str {
    def.rsplit('.').next().unwrap_or(def)
}

fn go_type(t: &str) -> String {
    match t {
        "string" | "bool" | "int32" | "int64" | "float64" => t.to_string(),
        "bytes" => "[]uint8".into(),
        "quantity" => "resource.Quantity".into(),
        "intstr" => "intstr.IntOrString".into(),
        "time" => "v1.Time".into(),
        "any" => "interface {}".into(),
        _ => {
            if let Some(inner) = t.strip_prefix("[]") {
                format!("[]{}", go_type(inner))
            } else if let Some(inner) = t.strip_prefix("map[").and_then(|s| s.strip_suffix(']')) {
                format!("map[string]{}", go_type(inner))
            } else {
                go_name(t)
            }
        }
    }
}

fn kind_of(v: &Value) -> String {
    match v {
        Value::Null => "null".into(),
        Value::Bool(_) => "bool".into(),
        Value::Number(_) => "number".into(),
        Value::String(_) => "string".into(),
        Value::Array(_) => "array".into(),
        Value::Object(_) => "object".into(),
    }
}

#[derive(Default)]
struct State {
    /// The first type error (decoding goes on after it, as Go's does).
    type_error: Option<String>,
    /// An error from a custom unmarshaler: decoding stops.
    fatal: Option<String>,
    unknown: Vec<String>,
}

/// Where a value sits: the Go struct holding the nearest field, that field's JSON path
/// without indices (Go's error context), and the strict path with indices.
struct Ctx<'a> {
    go_struct: &'a str,
    go_path: &'a str,
    strict_path: &'a str,
}

impl State {
    fn type_err(&mut self, v: &Value, ctx: &Ctx, t: &str) {
        self.type_err_with(kind_of(v), ctx, t);
    }
    fn type_err_with(&mut self, value: String, ctx: &Ctx, t: &str) {
        if self.type_error.is_none() {
            self.type_error = Some(context_error(&value, ctx, t));
        }
    }
}

/// Go's `UnmarshalTypeError` with its context: the struct and the field path.
fn context_error(value: &str, ctx: &Ctx, t: &str) -> String {
    format!("json: cannot unmarshal {value} into Go struct field {}.{} of type {}", ctx.go_struct, ctx.go_path, go_type(t))
}

fn walk(t: &str, v: &mut Value, ctx: &Ctx, st: &mut State, prune: bool) {
    if st.fatal.is_some() || v.is_null() {
        return;
    }
    match t {
        "any" => {}
        "string" => {
            if !v.is_string() {
                st.type_err(v, ctx, t);
            }
        }
        "bool" => {
            if !v.is_boolean() {
                st.type_err(v, ctx, t);
            }
        }
        "int32" | "int64" => match v {
            Value::Number(n) => {
                let fits = match n.as_i64() {
                    Some(i) => t == "int64" || i32::try_from(i).is_ok(),
                    None => false,
                };
                if !fits {
                    st.type_err_with(format!("number {n}"), ctx, t);
                }
            }
            _ => st.type_err(v, ctx, t),
        },
        "float64" => {
            if !v.is_number() {
                st.type_err(v, ctx, t);
            }
        }
        "bytes" => match v {
            Value::String(s) => {
                if let Err(at) = check_base64(s) {
                    st.fatal = Some(format!("illegal base64 data at input byte {at}"));
                }
            }
            _ => st.type_err(v, ctx, t),
        },
        "quantity" => {
            let text = match &*v {
                Value::String(s) => s.clone(),
                other => other.to_string(),
            };
            match crate::quantity::parse_milli(&text) {
                Err(e) => st.fatal = Some(e.to_string()),
                // Stored as `Quantity.String()` writes it.
                Ok(_) => {
                    if let Some(c) = crate::quantity::canonical(&text) {
                        *v = Value::String(c);
                    }
                }
            }
        }
        "intstr" => match v {
            Value::String(_) => {}
            Value::Number(n) if n.as_i64().is_some_and(|i| i32::try_from(i).is_ok()) => {}
            // IntOrString's own unmarshal error gets the field context on its way out.
            Value::Number(n) => st.fatal = Some(context_error(&format!("number {n}"), ctx, "int32")),
            other => st.fatal = Some(context_error(&kind_of(other), ctx, "int32")),
        },
        "time" => match v {
            Value::String(s) => {
                if !crate::time::parse_rfc3339(s).is_some() {
                    st.fatal = Some(format!("parsing time {s:?} as \"2006-01-02T15:04:05Z07:00\": cannot parse {s:?} as \"2006\""));
                }
            }
            other => st.fatal = Some(context_error(&kind_of(other), ctx, "string")),
        },
        _ => {
            if let Some(inner) = t.strip_prefix("[]") {
                match v {
                    Value::Array(items) => {
                        for (i, item) in items.iter_mut().enumerate() {
                            let sp = format!("{}[{i}]", ctx.strict_path);
                            walk(inner, item, &Ctx { go_struct: ctx.go_struct, go_path: ctx.go_path, strict_path: &sp }, st, prune);
                        }
                    }
                    _ => st.type_err(v, ctx, t),
                }
            } else if let Some(inner) = t.strip_prefix("map[").and_then(|s| s.strip_suffix(']')) {
                match v {
                    Value::Object(m) => {
                        for (k, item) in m.iter_mut() {
                            let sp = format!("{}[{k}]", ctx.strict_path);
                            walk(inner, item, &Ctx { go_struct: ctx.go_struct, go_path: ctx.go_path, strict_path: &sp }, st, prune);
                        }
                    }
                    _ => st.type_err(v, ctx, t),
                }
            } else {
                walk_struct(t, v, ctx, st, prune);
            }
        }
    }
}

fn walk_struct(def: &str, v: &mut Value, ctx: &Ctx, st: &mut State, prune: bool) {
    let Some(fields) = table().structs.get(def) else { return };
    let Value::Object(m) = v else {
        st.type_err(v, ctx, def);
        return;
    };
    let name = short_name(def);
    // Bodies arrive as kubectl marshals them: keys sorted, so errors come in that order.
    let keys: Vec<String> = m.keys().cloned().collect();
    let mut sorted = keys.clone();
    sorted.sort();
    let mut drop = Vec::new();
    for k in sorted {
        let join = |base: &str| if base.is_empty() { k.clone() } else { format!("{base}.{k}") };
        let sp = join(ctx.strict_path);
        match fields.get(k.as_str()) {
            Some(t) => {
                let gp = join(ctx.go_path);
                let item = m.get_mut(&k).expect("key");
                walk(t, item, &Ctx { go_struct: name, go_path: &gp, strict_path: &sp }, st, prune);
            }
            None => {
                st.unknown.push(sp);
                drop.push(k);
            }
        }
    }
    if prune {
        for k in drop {
            m.remove(&k);
        }
    }
}

fn check_base64(s: &str) -> Result<(), usize> {
    let b = s.as_bytes();
    let valid = |c: u8| c.is_ascii_alphanumeric() || c == b'+' || c == b'/';
    let mut i = 0;
    while i < b.len() && valid(b[i]) {
        i += 1;
    }
    let data_end = i;
    while i < b.len() && b[i] == b'=' {
        i += 1;
    }
    if i != b.len() {
        return Err(i);
    }
    let pad = b.len() - data_end;
    if pad > 2 || (pad > 0 && b.len() % 4 != 0) || (pad == 0 && data_end % 4 == 1) {
        // Go reports the position of the first byte it cannot place.
        return Err(if pad > 0 { data_end } else { data_end - 1 });
    }
    if pad == 0 && data_end % 4 != 0 {
        return Err(data_end);
    }
    Ok(())
}

/// Decodes `obj` as the kind `rt` the way the server does: Go type errors and custom
/// unmarshaler errors first, then unknown fields by `mode`. Unknown fields are dropped
/// from `obj`; the warnings (`unknown field "…"`) are returned for `Warn`.
pub fn decode(rt: &ResourceType, obj: &mut Value, mode: FieldValidation) -> ApiResult<Vec<String>> {
    let gvk = format!("{}/{}", rt.api_version(), rt.kind);
    let Some(def) = table().roots.get(gvk.as_str()) else { return Ok(Vec::new()) };
    let mut st = State::default();
    walk_struct(def, obj, &Ctx { go_struct: rt.kind, go_path: "", strict_path: "" }, &mut st, true);
    let fail = |msg: String| ApiError::bad_request(format!("{kind} in version \"{v}\" cannot be handled as a {kind}: {msg}", kind = rt.kind, v = rt.version));
    if let Some(e) = st.fatal.or(st.type_error) {
        return Err(fail(e));
    }
    let unknown: Vec<String> = st.unknown.iter().map(|p| format!("unknown field {p:?}")).collect();
    match mode {
        FieldValidation::Strict if !unknown.is_empty() => Err(fail(format!("strict decoding error: {}", unknown.join(", ")))),
        FieldValidation::Warn => Ok(unknown),
        _ => Ok(Vec::new()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn pod_rt() -> ResourceType {
        *crate::resources::lookup("pods").expect("pods")
    }

    #[test]
    fn go_wording_for_each_failure() {
        let table: &[(Value, FieldValidation, &str)] = &[
            (
                json!({"spec": {"containers": [{"name": "c", "image": "nginx", "env": [{"name": "X", "value": true}]}]}}),
                FieldValidation::Strict,
                "Pod in version \"v1\" cannot be handled as a Pod: json: cannot unmarshal bool into Go struct field EnvVar.spec.containers.env.value of type string",
            ),
            (
                json!({"metadate": {"name": "a"}, "spec": {"containers": [{"name": "c", "imagee": "nginx"}]}}),
                FieldValidation::Strict,
                "Pod in version \"v1\" cannot be handled as a Pod: strict decoding error: unknown field \"metadate\", unknown field \"spec.containers[0].imagee\"",
            ),
            (
                json!({"metadata": {"labels": {"app": 1}}}),
                FieldValidation::Strict,
                "Pod in version \"v1\" cannot be handled as a Pod: json: cannot unmarshal number into Go struct field ObjectMeta.metadata.labels of type string",
            ),
            (
                json!({"spec": "x"}),
                FieldValidation::Strict,
                "Pod in version \"v1\" cannot be handled as a Pod: json: cannot unmarshal string into Go struct field Pod.spec of type v1.PodSpec",
            ),
            (
                json!({"spec": {"containers": {"name": "c"}}}),
                FieldValidation::Strict,
                "Pod in version \"v1\" cannot be handled as a Pod: json: cannot unmarshal object into Go struct field PodSpec.spec.containers of type []v1.Container",
            ),
            (
                json!({"spec": {"containers": [{"name": "c", "ports": [{"containerPort": 80.5}]}]}}),
                FieldValidation::Strict,
                "Pod in version \"v1\" cannot be handled as a Pod: json: cannot unmarshal number 80.5 into Go struct field ContainerPort.spec.containers.ports.containerPort of type int32",
            ),
            (
                json!({"spec": {"containers": [{"name": "c", "resources": {"limits": {"cpu": "1x"}}}]}}),
                FieldValidation::Strict,
                "Pod in version \"v1\" cannot be handled as a Pod: quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'",
            ),
            (
                json!({"spec": {"containers": [{"name": "c", "resources": {"limits": {"memory": "500mi"}}}]}}),
                FieldValidation::Strict,
                "Pod in version \"v1\" cannot be handled as a Pod: unable to parse quantity's suffix",
            ),
            (
                json!({"spec": {"containers": [{"name": "c", "livenessProbe": {"httpGet": {"port": true}}}]}}),
                FieldValidation::Strict,
                "Pod in version \"v1\" cannot be handled as a Pod: json: cannot unmarshal bool into Go struct field HTTPGetAction.spec.containers.livenessProbe.httpGet.port of type int32",
            ),
            (
                json!({"spec": {"containers": [{"name": "c", "tty": "yes"}]}}),
                FieldValidation::Strict,
                "Pod in version \"v1\" cannot be handled as a Pod: json: cannot unmarshal string into Go struct field Container.spec.containers.tty of type bool",
            ),
        ];
        for (body, mode, want) in table {
            let mut b = body.clone();
            let got = decode(&pod_rt(), &mut b, *mode).expect_err("must fail");
            assert_eq!(got.message, *want, "{body}");
            assert_eq!(got.code, 400);
        }
    }

    #[test]
    fn deployment_and_secret_paths() {
        let deploy = *crate::resources::lookup("deployments").expect("deployments");
        let mut b = json!({"spec": {"replicas": "3"}});
        assert_eq!(
            decode(&deploy, &mut b, FieldValidation::Strict).expect_err("fails").message,
            "Deployment in version \"v1\" cannot be handled as a Deployment: json: cannot unmarshal string into Go struct field DeploymentSpec.spec.replicas of type int32"
        );
        let mut b = json!({"spec": {"template": {"metadata": {"labels": {"app": true}}}}});
        assert_eq!(
            decode(&deploy, &mut b, FieldValidation::Strict).expect_err("fails").message,
            "Deployment in version \"v1\" cannot be handled as a Deployment: json: cannot unmarshal bool into Go struct field ObjectMeta.spec.template.metadata.labels of type string"
        );
        let secret = *crate::resources::lookup("secrets").expect("secrets");
        let mut b = json!({"data": {"k": "not base64!"}});
        assert_eq!(
            decode(&secret, &mut b, FieldValidation::Strict).expect_err("fails").message,
            "Secret in version \"v1\" cannot be handled as a Secret: illegal base64 data at input byte 3"
        );
    }

    #[test]
    fn warn_and_ignore_drop_unknown_fields() {
        let body = json!({"metadata": {"name": "a"}, "spec": {"containers": [{"name": "c", "image": "nginx", "imagee": "x"}]}});
        let mut b = body.clone();
        let w = decode(&pod_rt(), &mut b, FieldValidation::Warn).expect("ok");
        assert_eq!(w, vec!["unknown field \"spec.containers[0].imagee\"".to_string()]);
        assert!(b["spec"]["containers"][0].get("imagee").is_none());
        let mut b = body.clone();
        assert!(decode(&pod_rt(), &mut b, FieldValidation::Ignore).expect("ok").is_empty());
        assert!(b["spec"]["containers"][0].get("imagee").is_none());
        assert_eq!(b["spec"]["containers"][0]["image"], "nginx");
    }
}
