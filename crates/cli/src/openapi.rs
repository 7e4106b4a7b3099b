//! A minimal OpenAPI v3 for the real kubectl: the index of group-versions and, per
//! group-version, the PATCH operations with their `x-kubernetes-group-version-kind`
//! and query parameters, and no schemas.
//!
//! That is what kubectl's checks read: `apply` and `create -f` ask whether the server
//! validates fields itself (a `fieldValidation` query parameter on the kind's PATCH),
//! and then send `fieldValidation=Strict` instead of downloading schemas; client-side
//! apply finds no strategic-merge request body and computes its patch from the types
//! compiled into kubectl. `kubectl explain` needs the schemas and is not served yet.

use kubeniwa_core::resources::{ResourceType, RESOURCES};
use serde_json::{json, Map, Value};

/// Changes whenever the documents change, so kubectl's cache by URL stays right.
const HASH: &str = "kubeniwa-1";

/// `GET /openapi/v3[/api/v1|/apis/G/V]`; `None` for paths it does not serve.
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

fn group_version(group: &str, version: &str) -> Option<Value> {
    let types: Vec<&ResourceType> = RESOURCES.iter().filter(|r| r.group == group && r.version == version).collect();
    if types.is_empty() {
        return None;
    }
    let query = |name: &str| json!({"name": name, "in": "query", "schema": {"type": "string", "uniqueItems": true}});
    let mut paths = Map::new();
    for rt in types {
        let path = rt.object_path(Some("{namespace}"), "{name}");
        let gvk = json!({"group": rt.group, "version": rt.version, "kind": rt.kind});
        paths.insert(
            path,
            json!({
                "patch": {
                    "operationId": format!("patch{}", rt.kind),
                    "x-kubernetes-action": "patch",
                    "x-kubernetes-group-version-kind": gvk,
                    "parameters": [query("dryRun"), query("fieldManager"), query("fieldValidation"), query("force")],
                    "responses": {"200": {"description": "OK"}},
                },
            }),
        );
    }
    Some(json!({
        "openapi": "3.0.0",
        "info": {"title": "Kubernetes", "version": "v1.35.0"},
        "paths": paths,
        "components": {"schemas": {}},
    }))
}

#[cfg(test)]
mod tests {
    use super::document;

    #[test]
    fn index_and_group_versions() {
        let index = document("/openapi/v3").unwrap();
        assert_eq!(index["paths"]["apis/apps/v1"]["serverRelativeURL"], "/openapi/v3/apis/apps/v1?hash=kubeniwa-1");
        let apps = document("/openapi/v3/apis/apps/v1").unwrap();
        let patch = &apps["paths"]["/apis/apps/v1/namespaces/{namespace}/deployments/{name}"]["patch"];
        assert_eq!(patch["x-kubernetes-group-version-kind"]["kind"], "Deployment");
        assert!(document("/openapi/v3/apis/nothing/v1").is_none());
        assert!(document("/openapi/v2").is_none());
    }
}
