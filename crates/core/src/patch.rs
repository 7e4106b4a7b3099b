//! The three patch formats the API server accepts: JSON merge patch (RFC 7386),
//! strategic merge patch (lists of objects merged by their merge key), and JSON patch
//! (RFC 6902).

use serde_json::Value;

/// RFC 7386: objects merge, `null` deletes, everything else replaces.
pub fn merge_patch(target: &mut Value, patch: &Value) {
    match patch {
        Value::Object(p) => {
            if !target.is_object() {
                *target = Value::Object(Default::default());
            }
            let t = target.as_object_mut().expect("just made an object");
            for (k, v) in p {
                if v.is_null() {
                    t.remove(k);
                } else {
                    merge_patch(t.entry(k.clone()).or_insert(Value::Null), v);
                }
            }
        }
        other => *target = other.clone(),
    }
}

/// The merge key of a list field, as the Kubernetes types declare it
/// (`patchMergeKey`), chosen by field name and the shape of its items.
pub(crate) fn merge_key(field: &str, sample: Option<&Value>) -> Option<&'static str> {
    let has = |k: &str| sample.is_some_and(|s| s.get(k).is_some());
    match field {
        "containers" | "initContainers" | "ephemeralContainers" | "env" | "volumes" | "imagePullSecrets" => Some("name"),
        "volumeMounts" => Some("mountPath"),
        "volumeDevices" => Some("devicePath"),
        "ports" if has("containerPort") => Some("containerPort"),
        "ports" => Some("port"),
        "conditions" => Some("type"),
        "hostAliases" => Some("ip"),
        "ownerReferences" => Some("uid"),
        "topologySpreadConstraints" => Some("topologyKey"),
        _ => None,
    }
}

/// Strategic merge patch, for the fields kubectl patches in practice.
pub fn strategic_merge_patch(target: &mut Value, patch: &Value) {
    smp(target, patch, "");
}

fn smp(target: &mut Value, patch: &Value, field: &str) {
    match (target, patch) {
        (Value::Object(t), Value::Object(p)) => {
            if p.get("$patch").and_then(Value::as_str) == Some("replace") {
                let mut p = p.clone();
                p.remove("$patch");
                *t = p;
                return;
            }
            for (k, v) in p {
                if k.starts_with("$setElementOrder/") || k == "$retainKeys" || k == "$patch" {
                    continue;
                }
                if v.is_null() {
                    t.remove(k);
                    continue;
                }
                match t.get_mut(k) {
                    Some(existing) => smp(existing, v, k),
                    None => {
                        let mut fresh = Value::Null;
                        smp(&mut fresh, v, k);
                        t.insert(k.clone(), fresh);
                    }
                }
            }
        }
        (t @ Value::Array(_), Value::Array(p)) => {
            let key = merge_key(field, p.first());
            let Some(key) = key.filter(|_| p.iter().all(Value::is_object)) else {
                *t = Value::Array(p.clone());
                return;
            };
            let items = t.as_array_mut().expect("matched an array");
            for pv in p {
                let directive = pv.get("$patch").and_then(Value::as_str);
                let id = pv.get(key);
                let pos = items.iter().position(|i| i.get(key) == id && id.is_some());
                match (directive, pos) {
                    (Some("delete"), Some(i)) => {
                        items.remove(i);
                    }
                    (Some("delete"), None) => {}
                    (_, Some(i)) => smp(&mut items[i], pv, ""),
                    (_, None) => {
                        let mut fresh = Value::Null;
                        smp(&mut fresh, pv, "");
                        items.push(fresh);
                    }
                }
            }
        }
        (t, Value::Object(p)) => {
            let mut fresh = Value::Object(Default::default());
            let cleaned: serde_json::Map<String, Value> = p.iter().filter(|(k, v)| !k.starts_with('$') && !v.is_null()).map(|(k, v)| (k.clone(), v.clone())).collect();
            smp(&mut fresh, &Value::Object(cleaned), field);
            *t = fresh;
        }
        (t, p) => *t = p.clone(),
    }
}

/// RFC 6902 JSON patch. The error is the server's wording.
pub fn json_patch(target: &mut Value, patch: &Value) -> Result<(), String> {
    let ops = patch.as_array().ok_or("json: cannot unmarshal object into Go value of type jsonpatch.Patch")?;
    for op in ops {
        let kind = op["op"].as_str().unwrap_or("");
        let path = op["path"].as_str().unwrap_or("");
        match kind {
            "add" | "replace" => {
                let value = op.get("value").cloned().ok_or_else(|| format!("missing value for {kind} operation"))?;
                set_pointer(target, path, value, kind == "add")?;
            }
            "remove" => {
                remove_pointer(target, path)?;
            }
            "test" => {
                if target.pointer(&unescape_ok(path)) != op.get("value") {
                    return Err(format!("testing value {path} failed: test failed"));
                }
            }
            "copy" | "move" => {
                let from = op["from"].as_str().unwrap_or("");
                let v = target.pointer(from).cloned().ok_or_else(|| format!("{kind} operation does not apply: doc is missing from path: {from}"))?;
                if kind == "move" {
                    remove_pointer(target, from)?;
                }
                set_pointer(target, path, v, true)?;
            }
            other => return Err(format!("Unexpected kind: {other}")),
        }
    }
    Ok(())
}

fn unescape_ok(p: &str) -> String {
    p.to_string()
}

fn split_pointer(path: &str) -> Result<(String, String), String> {
    let i = path.rfind('/').ok_or_else(|| format!("add operation does not apply: doc is missing path: \"{path}\": missing value"))?;
    let last = path[i + 1..].replace("~1", "/").replace("~0", "~");
    Ok((path[..i].to_string(), last))
}

fn set_pointer(target: &mut Value, path: &str, value: Value, add: bool) -> Result<(), String> {
    if path.is_empty() {
        *target = value;
        return Ok(());
    }
    let (parent, last) = split_pointer(path)?;
    let missing = || format!("add operation does not apply: doc is missing path: \"{path}\": missing value");
    let p = target.pointer_mut(&parent).ok_or_else(missing)?;
    match p {
        Value::Object(m) => {
            if !add && !m.contains_key(&last) {
                return Err(format!("replace operation does not apply: doc is missing key: {path}: missing value"));
            }
            m.insert(last, value);
        }
        Value::Array(a) => {
            if last == "-" && add {
                a.push(value);
            } else {
                let i: usize = last.parse().map_err(|_| missing())?;
                if add && i <= a.len() {
                    a.insert(i, value);
                } else if !add && i < a.len() {
                    a[i] = value;
                } else {
                    return Err(missing());
                }
            }
        }
        _ => return Err(missing()),
    }
    Ok(())
}

fn remove_pointer(target: &mut Value, path: &str) -> Result<(), String> {
    let (parent, last) = split_pointer(path)?;
    let missing = || format!("remove operation does not apply: doc is missing path: \"{path}\": missing value");
    match target.pointer_mut(&parent).ok_or_else(missing)? {
        Value::Object(m) => m.remove(&last).map(|_| ()).ok_or_else(missing),
        Value::Array(a) => {
            let i: usize = last.parse().map_err(|_| missing())?;
            if i < a.len() {
                a.remove(i);
                Ok(())
            } else {
                Err(missing())
            }
        }
        _ => Err(missing()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn strategic_merge_merges_containers_by_name() {
        let mut pod = json!({"spec": {"containers": [{"name": "a", "image": "x:1"}, {"name": "b", "image": "y:1"}]}});
        strategic_merge_patch(&mut pod, &json!({"spec": {"containers": [{"name": "b", "image": "y:2"}]}}));
        assert_eq!(pod["spec"]["containers"][1]["image"], "y:2");
        assert_eq!(pod["spec"]["containers"][0]["image"], "x:1");
        strategic_merge_patch(&mut pod, &json!({"spec": {"containers": [{"name": "a", "$patch": "delete"}]}}));
        assert_eq!(pod["spec"]["containers"].as_array().unwrap().len(), 1);
    }

    #[test]
    fn merge_and_json_patch() {
        let mut v = json!({"metadata": {"labels": {"a": "1", "b": "2"}}});
        merge_patch(&mut v, &json!({"metadata": {"labels": {"a": null, "c": "3"}}}));
        assert_eq!(v, json!({"metadata": {"labels": {"b": "2", "c": "3"}}}));
        json_patch(&mut v, &json!([{"op": "replace", "path": "/metadata/labels/b", "value": "9"}])).unwrap();
        assert_eq!(v["metadata"]["labels"]["b"], "9");
        assert!(json_patch(&mut v, &json!([{"op": "remove", "path": "/nope/x"}])).is_err());
    }
}
