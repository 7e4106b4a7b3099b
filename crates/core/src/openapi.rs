//! The API server's OpenAPI v3 documents: `/openapi/v3` (the index of group-versions)
//! and `/openapi/v3/api/v1`, `/openapi/v3/apis/G/V` (per group-version: the PATCH
//! operation of each kind, with its `x-kubernetes-group-version-kind` and query
//! parameters, and the schemas with their field descriptions under
//! `components.schemas`).
//!
//! kubectl reads them for `explain` (the schemas) and for `apply` / `create -f` (a
//! `fieldValidation` query parameter on the kind's PATCH says the server validates
//! fields itself, so kubectl sends `fieldValidation=Strict` instead of checking
//! manifests against the schemas).
//!
//! The schemas (`data/openapi.json`) are generated from the Kubernetes v1.35 JSON
//! schemas by `xtask/schema/gen_explain.py`; that source has no `enum` lists, which
//! the real server's documents carry for enum-typed fields.

use std::collections::BTreeSet;
use std::sync::OnceLock;

use serde_json::{json, Map, Value};

use crate::resources::{ResourceType, RESOURCES};

/// Changes whenever the documents change, so kubectl's cache by URL stays right.
pub const HASH: &str = "kubeniwa-2";

const DATA: &str = include_str!("../data/openapi.json");

fn schemas() -> &'static Map<String, Value> {
    static SCHEMAS: OnceLock<Map<String, Value>> = OnceLock::new();
    SCHEMAS.get_or_init(|| {
        serde_json::from_str::<Value>(DATA).ok().and_then(|mut v| v.get_mut("schemas").map(Value::take)).and_then(|v| match v {
            Value::Object(m) => Some(m),
            _ => None,
        })
        .unwrap_or_default()
    })
}

/// `GET /openapi/v3[/api/v1|/apis/G/V]` (path without the query); `None` for paths
/// it does not serve.
pub fn document(path: &str) -> Option<Value> {
    let rest = path.trim_end_matches('/').strip_prefix("/openapi/v3")?;
    if rest.is_empty() {
        return Some(index());
    }
    let gv = rest.strip_prefix('/')?;
    let (group, version) = match gv.split('/').collect::<Vec<_>>().as_slice() {
        ["api", v] => ("", *v),
        ["apis", g, v] => (*g, *v),
        _ => return None,
    };
    group_version(group, version)
}

fn gv_path(rt: &ResourceType) -> String {
    if rt.group.is_empty() {
        format!("api/{}", rt.version)
    } else {
        format!("apis/{}/{}", rt.group, rt.version)
    }
}

fn index() -> Value {
    let mut paths = Map::new();
    for rt in RESOURCES {
        let p = gv_path(rt);
        paths.entry(p.clone()).or_insert_with(|| json!({"serverRelativeURL": format!("/openapi/v3/{p}?hash={HASH}")}));
    }
    json!({"paths": paths})
}

/// The schema names whose `x-kubernetes-group-version-kind` is this kind.
fn roots_of(rt: &ResourceType) -> Vec<&'static str> {
    schemas()
        .iter()
        .filter(|(_, s)| {
            s.get("x-kubernetes-group-version-kind").and_then(Value::as_array).is_some_and(|gvks| {
                gvks.iter().any(|g| g["group"] == rt.group && g["version"] == rt.version && g["kind"] == rt.kind)
            })
        })
        .map(|(n, _)| n.as_str())
        .collect()
}

fn collect_refs(v: &Value, out: &mut Vec<String>) {
    match v {
        Value::Object(m) => {
            for (k, x) in m {
                match (k.as_str(), x) {
                    ("$ref", Value::String(r)) => out.push(r.rsplit('/').next().unwrap_or("").to_string()),
                    _ => collect_refs(x, out),
                }
            }
        }
        Value::Array(a) => a.iter().for_each(|x| collect_refs(x, out)),
        _ => {}
    }
}

fn group_version(group: &str, version: &str) -> Option<Value> {
    let types: Vec<&ResourceType> = RESOURCES.iter().filter(|r| r.group == group && r.version == version).collect();
    if types.is_empty() {
        return None;
    }
    let query = |name: &str| json!({"name": name, "in": "query", "schema": {"type": "string", "uniqueItems": true}});
    let mut paths = Map::new();
    let mut todo: Vec<String> = Vec::new();
    for rt in types {
        let path = rt.object_path(Some("{namespace}"), "{name}");
        let gvk = json!({"group": rt.group, "version": rt.version, "kind": rt.kind});
        let roots = roots_of(rt);
        let mut op = json!({
            "operationId": format!("patch{}", rt.kind),
            "x-kubernetes-action": "patch",
            "x-kubernetes-group-version-kind": gvk,
            "parameters": [query("dryRun"), query("fieldManager"), query("fieldValidation"), query("force")],
            "responses": {"200": {"description": "OK"}},
        });
        if let Some(root) = roots.first() {
            op["responses"]["200"]["content"] = json!({"application/json": {"schema": {"$ref": format!("#/components/schemas/{root}")}}});
        }
        todo.extend(roots.iter().map(|r| r.to_string()));
        paths.insert(path, json!({ "patch": op }));
    }
    let all = schemas();
    let mut seen = BTreeSet::new();
    while let Some(n) = todo.pop() {
        if let Some(s) = all.get(&n) {
            if seen.insert(n) {
                collect_refs(s, &mut todo);
            }
        }
    }
    let components: Map<String, Value> = seen.into_iter().filter_map(|n| all.get(&n).map(|s| (n, s.clone()))).collect();
    Some(json!({
        "openapi": "3.0.0",
        "info": {"title": "Kubernetes", "version": "v1.35.0"},
        "paths": paths,
        "components": {"schemas": components},
    }))
}

#[cfg(test)]
mod tests {
    use super::document;

    #[test]
    fn index_and_group_versions() {
        let index = document("/openapi/v3").unwrap();
        assert_eq!(index["paths"]["apis/apps/v1"]["serverRelativeURL"], format!("/openapi/v3/apis/apps/v1?hash={}", super::HASH));
        let apps = document("/openapi/v3/apis/apps/v1").unwrap();
        let patch = &apps["paths"]["/apis/apps/v1/namespaces/{namespace}/deployments/{name}"]["patch"];
        assert_eq!(patch["x-kubernetes-group-version-kind"]["kind"], "Deployment");
        let schemas = &apps["components"]["schemas"];
        assert!(schemas["io.k8s.api.apps.v1.Deployment"]["properties"]["spec"]["description"].as_str().unwrap().starts_with("Specification of the desired behavior"));
        assert!(schemas["io.k8s.api.core.v1.PodSpec"]["properties"]["containers"].is_object());
        assert!(document("/openapi/v3/apis/nothing/v1").is_none());
        assert!(document("/openapi/v2").is_none());
    }
}
