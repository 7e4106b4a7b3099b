//! The `pods/ephemeralcontainers` subresource (`kubectl debug`): the only way to add
//! a container to a running pod. Existing ephemeral containers cannot be changed or
//! removed; names must be unique among all the pod's containers; a target container
//! must exist.

use serde_json::{json, Value};

use crate::api::{ApiError, Cause};
use crate::cluster::{Cluster, ObjKey};

/// Applies a patch or update to a pod's ephemeral containers and stores the pod.
pub fn update(cluster: &mut Cluster, key: &ObjKey, body: &Value, content_type: &str, replace: bool) -> Result<Value, ApiError> {
    let current = cluster.get(key).cloned().ok_or_else(|| ApiError::not_found("", "pods", &key.name))?;
    let existing: Vec<Value> = current["spec"]["ephemeralContainers"].as_array().cloned().unwrap_or_default();
    let wanted: Vec<Value> = if replace {
        body["spec"]["ephemeralContainers"].as_array().cloned().unwrap_or_default()
    } else {
        match content_type {
            "application/merge-patch+json" | "application/json-patch+json" => {
                let mut next = current.clone();
                if content_type == "application/merge-patch+json" {
                    crate::patch::merge_patch(&mut next, body);
                } else {
                    crate::patch::json_patch(&mut next, body).map_err(ApiError::bad_request)?;
                }
                next["spec"]["ephemeralContainers"].as_array().cloned().unwrap_or_default()
            }
            // Strategic merge: the list merges by `name`.
            _ => {
                let mut list = existing.clone();
                for item in body["spec"]["ephemeralContainers"].as_array().into_iter().flatten() {
                    match list.iter_mut().find(|c| c["name"] == item["name"]) {
                        Some(c) => crate::patch::merge_patch(c, item),
                        None => list.push(item.clone()),
                    }
                }
                list
            }
        }
    };
    let name = key.name.clone();
    let mut causes = Vec::new();
    let mut defaulted = Vec::new();
    for (i, c) in wanted.iter().enumerate() {
        let mut c = c.clone();
        default_container(&mut c);
        let field = format!("spec.ephemeralContainers[{i}]");
        let cname = c["name"].as_str().unwrap_or("").to_string();
        if cname.is_empty() {
            causes.push(Cause { reason: "FieldValueRequired", field: format!("{field}.name"), message: "Required value".into() });
        }
        let taken = current["spec"]["containers"].as_array().into_iter().chain(current["spec"]["initContainers"].as_array()).flatten().any(|x| x["name"] == cname.as_str())
            || wanted[..i].iter().any(|x| x["name"] == cname.as_str());
        if taken && !cname.is_empty() {
            causes.push(Cause { reason: "FieldValueDuplicate", field: format!("{field}.name"), message: format!("Duplicate value: \"{cname}\"") });
        }
        if c["image"].as_str().is_none_or(str::is_empty) {
            causes.push(Cause { reason: "FieldValueRequired", field: format!("{field}.image"), message: "Required value".into() });
        }
        if let Some(t) = c["targetContainerName"].as_str().filter(|t| !t.is_empty()) {
            if !current["spec"]["containers"].as_array().into_iter().flatten().any(|x| x["name"] == t) {
                causes.push(Cause { reason: "FieldValueNotFound", field: format!("{field}.targetContainerName"), message: format!("Not found: \"{t}\"") });
            }
        }
        defaulted.push(c);
    }
    for old in &existing {
        let kept = defaulted.iter().find(|c| c["name"] == old["name"]);
        if kept != Some(old) {
            causes.push(Cause {
                reason: "FieldValueForbidden",
                field: "spec.ephemeralContainers".into(),
                message: format!("Forbidden: existing ephemeral containers \"{}\" may not be removed or changed", old["name"].as_str().unwrap_or("")),
            });
            break;
        }
    }
    if !causes.is_empty() {
        return Err(ApiError::invalid("", "Pod", &name, causes));
    }
    let mut next = current;
    next["spec"]["ephemeralContainers"] = json!(defaulted);
    Ok(cluster.replace(key, next))
}

/// The API server's defaults for an ephemeral container.
fn default_container(c: &mut Value) {
    let image = c["image"].as_str().unwrap_or("").to_string();
    let obj = match c.as_object_mut() {
        Some(o) => o,
        None => return,
    };
    obj.entry("terminationMessagePath").or_insert(json!("/dev/termination-log"));
    obj.entry("terminationMessagePolicy").or_insert(json!("File"));
    obj.entry("resources").or_insert(json!({}));
    let tag = crate::images::ImageRef::parse(&image).tag;
    let latest = tag == "latest" && !image.contains('@');
    obj.entry("imagePullPolicy").or_insert(json!(if latest { "Always" } else { "IfNotPresent" }));
}
