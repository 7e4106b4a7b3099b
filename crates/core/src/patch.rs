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
pub fn merge_key(field: &str, sample: Option<&Value>) -> Option<&'static str> {
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
            for (k, order) in p {
                if let (Some(f), Value::Array(order)) = (k.strip_prefix("$setElementOrder/"), order) {
                    if let Some(Value::Array(items)) = t.get_mut(f) {
                        set_element_order(f, items, order);
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

/// The patch client-side `kubectl apply` sends (strategicpatch's
/// CreateThreeWayMergePatch): the changes and additions from `current` (the live
/// object) to `modified` (the new manifest), never deleting what only the server
/// set, merged with the deletions from `original` (the last applied manifest) to
/// `modified`: `null` for a removed map key, `{"<key>": …, "$patch": "delete"}` for a
/// removed list item, and `$setElementOrder/<field>` for lists merged by key.
pub fn three_way_merge_patch(original: &Value, modified: &Value, current: &Value) -> Value {
    let empty = Value::Object(Default::default());
    let obj = |v: &Value| if v.is_object() { v.clone() } else { empty.clone() };
    let (original, modified, current) = (obj(original), obj(modified), obj(current));
    let delta = diff_maps(&current, &modified, Diff { ignore_deletions: true, ignore_changes: false });
    let deletions = diff_maps(&original, &modified, Diff { ignore_deletions: false, ignore_changes: true });
    let mut out = deletions;
    merge_patches(&mut out, &delta, "");
    out
}

#[derive(Clone, Copy)]
struct Diff {
    ignore_deletions: bool,
    ignore_changes: bool,
}

fn diff_maps(original: &Value, modified: &Value, opts: Diff) -> Value {
    let mut patch = serde_json::Map::new();
    let (Some(o), Some(m)) = (original.as_object(), modified.as_object()) else {
        return Value::Object(patch);
    };
    for (k, mv) in m {
        let Some(ov) = o.get(k) else {
            if !opts.ignore_changes {
                patch.insert(k.clone(), mv.clone());
            }
            continue;
        };
        match (ov, mv) {
            (Value::Object(_), Value::Object(_)) => {
                let sub = diff_maps(ov, mv, opts);
                if sub.as_object().is_some_and(|s| !s.is_empty()) {
                    patch.insert(k.clone(), sub);
                }
            }
            (Value::Array(oa), Value::Array(ma)) => diff_lists(k, oa, ma, &mut patch, opts),
            _ => {
                if ov != mv && !opts.ignore_changes {
                    patch.insert(k.clone(), mv.clone());
                }
            }
        }
    }
    if !opts.ignore_deletions {
        for k in o.keys() {
            if !m.contains_key(k) {
                patch.insert(k.clone(), Value::Null);
            }
        }
    }
    Value::Object(patch)
}

fn diff_lists(field: &str, original: &[Value], modified: &[Value], patch: &mut serde_json::Map<String, Value>, opts: Diff) {
    let all_maps = original.iter().chain(modified).all(Value::is_object);
    let key = merge_key(field, modified.first().or(original.first())).filter(|_| all_maps);
    let Some(key) = key else {
        if original != modified && !opts.ignore_changes {
            patch.insert(field.to_string(), Value::Array(modified.to_vec()));
        }
        return;
    };
    let mut list = Vec::new();
    for mv in modified {
        let id = mv.get(key);
        match original.iter().find(|o| id.is_some() && o.get(key) == id) {
            Some(ov) => {
                let sub = diff_maps(ov, mv, opts);
                if let Some(s) = sub.as_object().filter(|s| !s.is_empty()) {
                    let mut s = s.clone();
                    s.insert(key.to_string(), id.cloned().unwrap_or(Value::Null));
                    list.push(Value::Object(s));
                }
            }
            None if !opts.ignore_changes => list.push(mv.clone()),
            None => {}
        }
    }
    if !opts.ignore_deletions {
        for ov in original {
            let id = ov.get(key);
            if !modified.iter().any(|m| m.get(key) == id) {
                let mut d = serde_json::Map::new();
                d.insert(key.to_string(), id.cloned().unwrap_or(Value::Null));
                d.insert("$patch".into(), Value::String("delete".into()));
                list.push(Value::Object(d));
            }
        }
    }
    let ids = |l: &[Value]| l.iter().map(|v| v.get(key).cloned()).collect::<Vec<_>>();
    let same_order = {
        let m = ids(modified);
        let o: Vec<_> = ids(original).into_iter().filter(|i| m.contains(i)).collect();
        let m: Vec<_> = m.into_iter().filter(|i| o.contains(i)).collect();
        o == m
    };
    let order = (!opts.ignore_changes && (!list.is_empty() || !same_order)) || (!opts.ignore_deletions && !list.is_empty());
    if !list.is_empty() {
        patch.insert(field.to_string(), Value::Array(list));
    }
    if order {
        let keys = modified
            .iter()
            .map(|m| {
                let mut o = serde_json::Map::new();
                o.insert(key.to_string(), m.get(key).cloned().unwrap_or(Value::Null));
                Value::Object(o)
            })
            .collect();
        patch.insert(format!("$setElementOrder/{field}"), Value::Array(keys));
    }
}

/// Merges two patches (the deletions and the changes) into one.
fn merge_patches(target: &mut Value, patch: &Value, field: &str) {
    match (target, patch) {
        (Value::Object(t), Value::Object(p)) => {
            for (k, v) in p {
                match t.get_mut(k) {
                    Some(existing) if !k.starts_with('$') => merge_patches(existing, v, k),
                    _ => {
                        t.insert(k.clone(), v.clone());
                    }
                }
            }
        }
        (Value::Array(t), Value::Array(p)) => match merge_key(field, p.first().or(t.first())) {
            Some(key) if t.iter().chain(p).all(Value::is_object) => {
                for pv in p {
                    match t.iter_mut().find(|i| i.get(key) == pv.get(key)) {
                        Some(i) => merge_patches(i, pv, ""),
                        None => t.push(pv.clone()),
                    }
                }
            }
            _ => *t = p.clone(),
        },
        (t, p) => *t = p.clone(),
    }
}

/// `$setElementOrder/<field>`: the listed items in the listed order, the items only
/// the server has keeping their positions.
fn set_element_order(field: &str, items: &mut Vec<Value>, order: &[Value]) {
    let Some(key) = merge_key(field, order.first()).filter(|_| items.iter().chain(order).all(Value::is_object)) else {
        return;
    };
    let rank = |v: &Value| order.iter().position(|o| o.get(key).is_some() && o.get(key) == v.get(key));
    let mut listed: Vec<Value> = items.iter().filter(|i| rank(i).is_some()).cloned().collect();
    listed.sort_by_key(|i| rank(i));
    let mut out = listed;
    for (i, item) in items.iter().enumerate() {
        if rank(item).is_none() {
            out.insert(i.min(out.len()), item.clone());
        }
    }
    *items = out;
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
