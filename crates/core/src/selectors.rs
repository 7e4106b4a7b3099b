//! Label and field selectors, parsed and matched as `apimachinery` does.

use serde_json::Value;
use std::collections::BTreeSet;

#[derive(Debug, Clone, PartialEq)]
enum Req {
    Eq(String, String),
    NotEq(String, String),
    In(String, BTreeSet<String>),
    NotIn(String, BTreeSet<String>),
    Exists(String),
    NotExists(String),
}

/// A parsed label selector (`app=myapp,tier in (web,api),!canary`).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct LabelSelector {
    reqs: Vec<Req>,
}

impl LabelSelector {
    /// Parses the string form. The error is the server's message.
    pub fn parse(s: &str) -> Result<LabelSelector, String> {
        let mut reqs = Vec::new();
        for part in split_top(s) {
            let part = part.trim();
            if part.is_empty() {
                continue;
            }
            reqs.push(parse_req(part)?);
        }
        Ok(LabelSelector { reqs })
    }

    /// From a `matchLabels` / `matchExpressions` object (Deployment selectors).
    pub fn from_object(sel: &Value) -> LabelSelector {
        let mut reqs = Vec::new();
        if let Some(m) = sel.get("matchLabels").and_then(Value::as_object) {
            for (k, v) in m {
                reqs.push(Req::Eq(k.clone(), v.as_str().unwrap_or("").to_string()));
            }
        }
        if let Some(exprs) = sel.get("matchExpressions").and_then(Value::as_array) {
            for e in exprs {
                let key = e["key"].as_str().unwrap_or("").to_string();
                let values: BTreeSet<String> =
                    e["values"].as_array().map(|a| a.iter().filter_map(|v| v.as_str().map(String::from)).collect()).unwrap_or_default();
                match e["operator"].as_str().unwrap_or("") {
                    "In" => reqs.push(Req::In(key, values)),
                    "NotIn" => reqs.push(Req::NotIn(key, values)),
                    "Exists" => reqs.push(Req::Exists(key)),
                    "DoesNotExist" => reqs.push(Req::NotExists(key)),
                    _ => {}
                }
            }
        }
        LabelSelector { reqs }
    }

    pub fn is_empty(&self) -> bool {
        self.reqs.is_empty()
    }

    /// The `metav1.LabelSelector` object form, as `ParseToLabelSelector` builds it:
    /// equalities become `matchLabels`, everything else `matchExpressions` (values
    /// sorted); `!=` has no object form.
    pub fn to_object(&self) -> Result<Value, String> {
        let mut labels = serde_json::Map::new();
        let mut exprs = Vec::new();
        let expr = |k: &str, op: &str, vals: Vec<String>| {
            let mut e = serde_json::json!({"key": k, "operator": op});
            if !vals.is_empty() {
                e["values"] = serde_json::json!(vals);
            }
            e
        };
        for r in &self.reqs {
            match r {
                Req::Eq(k, v) => {
                    labels.insert(k.clone(), Value::String(v.clone()));
                }
                Req::NotEq(..) => return Err("\"!=\" is not a valid label selector operator".into()),
                Req::In(k, vs) => exprs.push(expr(k, "In", vs.iter().cloned().collect())),
                Req::NotIn(k, vs) => exprs.push(expr(k, "NotIn", vs.iter().cloned().collect())),
                Req::Exists(k) => exprs.push(expr(k, "Exists", Vec::new())),
                Req::NotExists(k) => exprs.push(expr(k, "DoesNotExist", Vec::new())),
            }
        }
        let mut out = serde_json::Map::new();
        if !labels.is_empty() {
            out.insert("matchLabels".into(), Value::Object(labels));
        }
        if !exprs.is_empty() {
            out.insert("matchExpressions".into(), Value::Array(exprs));
        }
        Ok(Value::Object(out))
    }

    pub fn matches(&self, labels: Option<&Value>) -> bool {
        let get = |k: &str| labels.and_then(|l| l.get(k)).and_then(Value::as_str);
        self.reqs.iter().all(|r| match r {
            Req::Eq(k, v) => get(k) == Some(v.as_str()),
            Req::NotEq(k, v) => get(k) != Some(v.as_str()),
            Req::In(k, vs) => get(k).is_some_and(|x| vs.contains(x)),
            Req::NotIn(k, vs) => get(k).is_none_or(|x| !vs.contains(x)),
            Req::Exists(k) => get(k).is_some(),
            Req::NotExists(k) => get(k).is_none(),
        })
    }
}

/// Splits on commas that are not inside parentheses.
fn split_top(s: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let (mut depth, mut start) = (0i32, 0);
    for (i, c) in s.char_indices() {
        match c {
            '(' => depth += 1,
            ')' => depth -= 1,
            ',' if depth == 0 => {
                out.push(&s[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    out.push(&s[start..]);
    out
}

fn parse_req(part: &str) -> Result<Req, String> {
    if let Some(key) = part.strip_prefix('!') {
        return Ok(Req::NotExists(check_key(key.trim())?));
    }
    for (op, neg) in [(" notin ", true), (" in ", false)] {
        if let Some((k, rest)) = part.split_once(op) {
            let rest = rest.trim();
            let inner = rest
                .strip_prefix('(')
                .and_then(|r| r.strip_suffix(')'))
                .ok_or_else(|| format!("unable to parse requirement: found '{rest}', expected: '('"))?;
            let values = inner.split(',').map(|v| v.trim().to_string()).filter(|v| !v.is_empty()).collect();
            let key = check_key(k.trim())?;
            return Ok(if neg { Req::NotIn(key, values) } else { Req::In(key, values) });
        }
    }
    if let Some((k, v)) = part.split_once("!=") {
        return Ok(Req::NotEq(check_key(k.trim())?, check_value(v.trim())?));
    }
    if let Some((k, v)) = part.split_once("==").or_else(|| part.split_once('=')) {
        return Ok(Req::Eq(check_key(k.trim())?, check_value(v.trim())?));
    }
    Ok(Req::Exists(check_key(part)?))
}

fn check_key(k: &str) -> Result<String, String> {
    let name = k.rsplit('/').next().unwrap_or(k);
    let ok = !name.is_empty()
        && name.len() <= 63
        && name.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
        && name.chars().next().is_some_and(|c| c.is_ascii_alphanumeric())
        && name.chars().last().is_some_and(|c| c.is_ascii_alphanumeric());
    if ok {
        Ok(k.to_string())
    } else {
        Err(format!(
            "unable to parse requirement: <nil>: Invalid value: \"{k}\": name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')"
        ))
    }
}

fn check_value(v: &str) -> Result<String, String> {
    let ok = v.is_empty()
        || (v.len() <= 63
            && v.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
            && v.chars().next().is_some_and(|c| c.is_ascii_alphanumeric())
            && v.chars().last().is_some_and(|c| c.is_ascii_alphanumeric()));
    if ok {
        Ok(v.to_string())
    } else {
        Err(format!(
            "unable to parse requirement: values[0][{v}]: Invalid value: \"{v}\": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')"
        ))
    }
}

/// A parsed field selector (`status.phase=Running,spec.nodeName!=x`).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct FieldSelector {
    reqs: Vec<(String, bool, String)>,
}

impl FieldSelector {
    pub fn parse(s: &str) -> Result<FieldSelector, String> {
        let mut reqs = Vec::new();
        for part in s.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            let (k, eq, v) = if let Some((k, v)) = part.split_once("!=") {
                (k, false, v)
            } else if let Some((k, v)) = part.split_once("==").or_else(|| part.split_once('=')) {
                (k, true, v)
            } else {
                return Err(format!("invalid selector: '{s}'; can't understand '{part}'"));
            };
            reqs.push((k.trim().to_string(), eq, v.trim().to_string()));
        }
        Ok(FieldSelector { reqs })
    }

    /// The field labels a resource supports; others are refused as the server does.
    pub fn check_supported(&self, kind: &str) -> Result<(), String> {
        for (k, _, _) in &self.reqs {
            let ok = matches!(k.as_str(), "metadata.name" | "metadata.namespace")
                || match kind {
                    "Pod" => matches!(
                        k.as_str(),
                        "spec.nodeName" | "spec.restartPolicy" | "spec.schedulerName" | "spec.serviceAccountName"
                            | "spec.hostNetwork" | "status.phase" | "status.podIP" | "status.podIPs" | "status.nominatedNodeName"
                    ),
                    "Event" => k.starts_with("involvedObject.") || matches!(k.as_str(), "reason" | "reportingComponent" | "source" | "type"),
                    "Secret" => k == "type",
                    "Node" => k == "spec.unschedulable",
                    "Namespace" => k == "status.phase",
                    "Job" => k == "status.successful",
                    _ => false,
                };
            if !ok {
                return Err(format!("field label not supported: {k}"));
            }
        }
        Ok(())
    }

    pub fn matches(&self, obj: &Value) -> bool {
        self.reqs.iter().all(|(k, eq, v)| {
            let mut cur = obj;
            for part in k.split('.') {
                cur = &cur[part];
            }
            let actual = match cur {
                Value::String(s) => s.clone(),
                Value::Bool(b) => b.to_string(),
                Value::Number(n) => n.to_string(),
                Value::Null => String::new(),
                other => other.to_string(),
            };
            (actual == *v) == *eq
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn label_selectors() {
        let labels = json!({"app": "myapp", "tier": "web"});
        for (sel, want) in [
            ("app=myapp", true),
            ("app==myapp,tier=web", true),
            ("app!=myapp", false),
            ("tier in (web,api)", true),
            ("tier notin (web)", false),
            ("app", true),
            ("!canary", true),
            ("", true),
        ] {
            assert_eq!(LabelSelector::parse(sel).unwrap().matches(Some(&labels)), want, "{sel}");
        }
        assert!(LabelSelector::parse("a b").is_err());
    }
}
