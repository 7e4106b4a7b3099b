//! Server-side apply (`PATCH` with `application/apply-patch+yaml`), for what one field
//! manager owns: the applied configuration is merged into the live object (lists of
//! objects by their merge key, other lists as a whole), the fields the manager applied
//! last time and no longer applies are removed, and what it applies now is recorded in
//! `metadata.managedFields` as a `FieldsV1` set under its name with operation `Apply`.
//!
//! Not modelled: ownership by `Update` managers (so applying over a field another
//! client changed never conflicts) and conflicts between appliers.

use serde_json::{json, Map, Value};

use crate::patch;

/// The `FieldsV1` set of an applied configuration: `f:<field>` for object fields,
/// `k:{"<key>":<value>}` (with `.`) for items of lists merged by key, `{}` for leaves
/// and atomic values. Identity fields of the object (`apiVersion`, `kind`,
/// `metadata.name`, `metadata.namespace`) are not owned.
pub fn field_set(applied: &Value) -> Value {
    let mut top = Map::new();
    if let Some(m) = applied.as_object() {
        for (k, v) in m {
            if matches!(k.as_str(), "apiVersion" | "kind" | "status") {
                continue;
            }
            if k == "metadata" {
                let mut meta = Map::new();
                for (mk, mv) in v.as_object().into_iter().flatten() {
                    if matches!(mk.as_str(), "name" | "namespace" | "resourceVersion" | "uid" | "creationTimestamp" | "generation" | "managedFields") {
                        continue;
                    }
                    meta.insert(format!("f:{mk}"), tree(mv, mk));
                }
                if !meta.is_empty() {
                    top.insert("f:metadata".into(), Value::Object(meta));
                }
                continue;
            }
            top.insert(format!("f:{k}"), tree(v, k));
        }
    }
    Value::Object(top)
}

fn atomic(field: &str) -> bool {
    // LabelSelector is `structType=atomic`.
    field == "selector"
}

fn tree(v: &Value, field: &str) -> Value {
    match v {
        Value::Object(m) if !atomic(field) => {
            let mut out = Map::new();
            for (k, child) in m {
                out.insert(format!("f:{k}"), tree(child, k));
            }
            Value::Object(out)
        }
        Value::Array(items) => match list_key(field, items) {
            Some(key) => {
                let mut out = Map::new();
                for item in items {
                    let mut t = tree(item, "");
                    if let Some(o) = t.as_object_mut() {
                        o.insert(".".into(), json!({}));
                    }
                    out.insert(item_key(key, item), t);
                }
                Value::Object(out)
            }
            None => json!({}),
        },
        _ => json!({}),
    }
}

fn list_key(field: &str, items: &[Value]) -> Option<&'static str> {
    let key = patch::merge_key(field, items.first())?;
    items.iter().all(|i| i.get(key).is_some()).then_some(key)
}

fn item_key(key: &str, item: &Value) -> String {
    format!("k:{}", json!({ key: item[key] }))
}

/// Removes from `live` what `old` owned and `new` no longer does.
pub fn remove_dropped(live: &mut Value, old: &Value, new: &Value) {
    let (Some(old), Some(live_map)) = (old.as_object(), live.as_object_mut()) else { return };
    for (k, sub_old) in old {
        let Some(field) = k.strip_prefix("f:") else { continue };
        match new.get(k) {
            None => {
                live_map.remove(field);
            }
            Some(sub_new) => {
                let Some(child) = live_map.get_mut(field) else { continue };
                if let Value::Array(items) = child {
                    remove_dropped_items(items, sub_old, sub_new);
                } else {
                    remove_dropped(child, sub_old, sub_new);
                }
            }
        }
    }
}

fn remove_dropped_items(items: &mut Vec<Value>, old: &Value, new: &Value) {
    let Some(old) = old.as_object() else { return };
    for (k, sub_old) in old {
        let Some(id) = k.strip_prefix("k:").and_then(|j| serde_json::from_str::<Map<String, Value>>(j).ok()) else { continue };
        let matches = |item: &Value| id.iter().all(|(f, v)| item.get(f) == Some(v));
        match new.get(k) {
            None => items.retain(|i| !matches(i)),
            Some(sub_new) => {
                if let Some(item) = items.iter_mut().find(|i| matches(i)) {
                    remove_dropped(item, sub_old, sub_new);
                }
            }
        }
    }
}

/// Applies `applied` for `manager` to `live` (the stored object with its
/// `managedFields`), at `time`; returns the object to store.
pub fn apply(live: &Value, applied: &Value, manager: &str, api_version: &str, time: &str) -> Value {
    let mut next = live.clone();
    let mut managed: Vec<Value> = live["metadata"]["managedFields"].as_array().cloned().unwrap_or_default();
    let new_set = field_set(applied);
    let mine = managed.iter().position(|e| e["manager"] == manager && e["operation"] == "Apply");
    if let Some(i) = mine {
        remove_dropped(&mut next, &managed[i]["fieldsV1"], &new_set);
    }
    let mut body = applied.clone();
    if let Some(m) = body.as_object_mut() {
        m.remove("status");
        if let Some(meta) = m.get_mut("metadata").and_then(Value::as_object_mut) {
            meta.remove("managedFields");
            meta.remove("resourceVersion");
        }
    }
    patch::strategic_merge_patch(&mut next, &body);
    // A no-op apply changes nothing, not even the time of the manager's entry.
    if next == *live && mine.is_some_and(|i| managed[i]["fieldsV1"] == new_set) {
        return next;
    }
    let entry = json!({"apiVersion": api_version, "fieldsType": "FieldsV1", "fieldsV1": new_set, "manager": manager, "operation": "Apply", "time": time});
    match mine {
        Some(i) => managed[i] = entry,
        None => managed.push(entry),
    }
    if let Some(meta) = next.get_mut("metadata").and_then(Value::as_object_mut) {
        meta.insert("managedFields".into(), Value::Array(managed));
    }
    next
}

/// The `managedFields` of an object created by an apply.
pub fn created_managed_fields(applied: &Value, manager: &str, api_version: &str, time: &str) -> Value {
    json!([{"apiVersion": api_version, "fieldsType": "FieldsV1", "fieldsV1": field_set(applied), "manager": manager, "operation": "Apply", "time": time}])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn deploy(replicas: i64, with_env: bool) -> Value {
        let mut c = json!({"name": "web", "image": "nginx:1.25.3"});
        if with_env {
            c["env"] = json!([{"name": "A", "value": "1"}]);
        }
        json!({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web", "labels": {"app": "web"}},
               "spec": {"replicas": replicas, "selector": {"matchLabels": {"app": "web"}}, "template": {"metadata": {"labels": {"app": "web"}}, "spec": {"containers": [c]}}}})
    }

    #[test]
    fn field_set_is_fieldsv1() {
        let set = field_set(&deploy(2, false));
        assert_eq!(
            set.to_string(),
            r#"{"f:metadata":{"f:labels":{"f:app":{}}},"f:spec":{"f:replicas":{},"f:selector":{},"f:template":{"f:metadata":{"f:labels":{"f:app":{}}},"f:spec":{"f:containers":{"k:{\"name\":\"web\"}":{".":{},"f:image":{},"f:name":{}}}}}}}"#
        );
    }

    #[test]
    fn a_field_no_longer_applied_is_removed() {
        let t = "2026-11-30T09:00:00Z";
        let mut live = deploy(2, true);
        live["metadata"]["managedFields"] = created_managed_fields(&deploy(2, true), "kubectl", "apps/v1", t);
        live["spec"]["progressDeadlineSeconds"] = json!(600);
        let next = apply(&live, &deploy(3, false), "kubectl", "apps/v1", t);
        assert_eq!(next["spec"]["replicas"], 3);
        assert!(next["spec"]["template"]["spec"]["containers"][0].get("env").is_none(), "{next}");
        // A default the server set, never applied, stays.
        assert_eq!(next["spec"]["progressDeadlineSeconds"], 600);
        assert_eq!(next["metadata"]["managedFields"].as_array().map(Vec::len), Some(1));
    }
}
