//! The `Priority` admission plugin: a new pod's `spec.priority` and
//! `spec.preemptionPolicy` come from its PriorityClass (or the global default class,
//! or 0 and `PreemptLowerPriority` when there is none), and a pod that names an
//! unknown class, a system class outside `kube-system`, or gives values that differ
//! from the class's is refused with the plugin's words. PriorityClasses themselves:
//! `preemptionPolicy` defaults to `PreemptLowerPriority`, and only one may be the
//! global default.

use serde_json::{json, Value};

use crate::api::{ApiError, ApiResult, Cause};
use crate::cluster::Cluster;

const SYSTEM_CLASSES: [&str; 2] = ["system-node-critical", "system-cluster-critical"];

fn forbidden(kind: &str, obj: &Value, msg: String) -> ApiError {
    let meta = &obj["metadata"];
    let name = meta["name"].as_str().filter(|n| !n.is_empty()).or_else(|| meta["generateName"].as_str()).unwrap_or("");
    let mut e = ApiError::forbidden(format!("{kind} \"{name}\" is forbidden: {msg}"));
    e.details = Some(json!({"name": name, "kind": kind}));
    e
}

/// The global default class: (name, value, preemptionPolicy).
fn default_class(c: &Cluster) -> Option<(String, i64, String)> {
    c.list("priorityclasses.scheduling.k8s.io", None)
        .into_iter()
        .filter(|pc| pc["globalDefault"] == true)
        .map(|pc| class_values(pc))
        // The lowest value wins when several claim to be the default.
        .min_by_key(|(_, v, _)| *v)
}

fn class_values(pc: &Value) -> (String, i64, String) {
    (
        pc["metadata"]["name"].as_str().unwrap_or("").to_string(),
        pc["value"].as_i64().unwrap_or(0),
        pc["preemptionPolicy"].as_str().unwrap_or("PreemptLowerPriority").to_string(),
    )
}

/// Admits a pod being created in `ns`: resolves its priority.
pub fn admit_pod(c: &Cluster, ns: &str, pod: &mut Value) -> ApiResult<()> {
    let spec = &pod["spec"];
    let (name, priority, policy) = match spec["priorityClassName"].as_str().filter(|n| !n.is_empty()) {
        None => match default_class(c) {
            Some((n, v, p)) => (Some(n), v, p),
            None => (None, 0, "PreemptLowerPriority".to_string()),
        },
        Some(class) => {
            if SYSTEM_CLASSES.contains(&class) && ns != "kube-system" {
                return Err(forbidden("pods", pod, format!("pods with {class} priorityClass is not permitted in {ns} namespace")));
            }
            let key = crate::cluster::ObjKey { resource: "priorityclasses.scheduling.k8s.io".into(), namespace: Default::default(), name: class.into() };
            match c.get(&key) {
                Some(pc) => {
                    let (_, v, p) = class_values(pc);
                    (None, v, p)
                }
                None => return Err(forbidden("pods", pod, format!("no PriorityClass with name {class} was found"))),
            }
        }
    };
    if let Some(given) = spec["priority"].as_i64() {
        if given != priority {
            return Err(forbidden("pods", pod, format!("the integer value of priority ({given}) must not be provided in pod spec; priority admission controller computed {priority} from the given PriorityClass name")));
        }
    }
    if let Some(given) = spec["preemptionPolicy"].as_str() {
        if given != policy {
            return Err(forbidden("pods", pod, format!("the string value of PreemptionPolicy ({given}) must not be provided in pod spec; priority admission controller computed {policy} from the given PriorityClass name")));
        }
    }
    if let Some(n) = name {
        pod["spec"]["priorityClassName"] = json!(n);
    }
    pod["spec"]["priority"] = json!(priority);
    pod["spec"]["preemptionPolicy"] = json!(policy);
    Ok(())
}

/// `ValidatePriorityClass` (after the name checks): a `system-` name must be one of
/// the two system classes with their value and `globalDefault: false`; any other
/// class's value is at most 1000000000 (`HighestUserDefinablePriority`); the
/// preemption policy is one of two.
pub fn class_causes(pc: &Value) -> Vec<Cause> {
    let mut causes = Vec::new();
    let name = pc["metadata"]["name"].as_str().unwrap_or("");
    let value = pc["value"].as_i64().unwrap_or(0);
    if name.starts_with("system-") {
        let known = [("system-node-critical", 2_000_001_000), ("system-cluster-critical", 2_000_000_000)];
        let err = match known.iter().find(|(n, _)| *n == name) {
            None => Some(format!("{name} is not a known system priority class")),
            Some((n, v)) if *v != value => Some(format!("value of {n} PriorityClass must be {v}")),
            Some((n, _)) if pc["globalDefault"] == true => Some(format!("globalDefault of {n} PriorityClass must be false")),
            Some(_) => None,
        };
        if let Some(e) = err {
            causes.push(crate::admission::forbidden("metadata.name", &format!("priority class names with 'system-' prefix are reserved for system use only. error: {e}")));
        }
    } else if value > 1_000_000_000 {
        causes.push(crate::admission::forbidden("value", "maximum allowed value of a user defined priority is 1000000000"));
    }
    match pc["preemptionPolicy"].as_str() {
        None | Some("PreemptLowerPriority" | "Never") => {}
        Some("") => causes.push(Cause { reason: "FieldValueRequired", field: "preemptionPolicy".into(), message: "Required value".into() }),
        Some(other) => causes.push(Cause {
            reason: "FieldValueNotSupported",
            field: "preemptionPolicy".into(),
            message: format!("Unsupported value: {other:?}: supported values: \"PreemptLowerPriority\", \"Never\""),
        }),
    }
    causes
}

/// `ValidatePriorityClassUpdate`: the value and the preemption policy stay.
pub fn class_update_causes(old: &Value, new: &Value) -> Vec<Cause> {
    let mut causes = Vec::new();
    if old["value"].as_i64().unwrap_or(0) != new["value"].as_i64().unwrap_or(0) {
        causes.push(crate::admission::forbidden("value", "may not be changed in an update."));
    }
    if old["preemptionPolicy"] != new["preemptionPolicy"] {
        let shown = match &new["preemptionPolicy"] {
            Value::String(p) => format!("{p:?}"),
            _ => "null".to_string(),
        };
        causes.push(Cause { reason: "FieldValueInvalid", field: "preemptionPolicy".into(), message: format!("Invalid value: {shown}: field is immutable") });
    }
    causes
}

/// `SetDefaults_PriorityClass`.
pub fn default_class_object(pc: &mut Value) {
    if pc["preemptionPolicy"].is_null() {
        pc["preemptionPolicy"] = json!("PreemptLowerPriority");
    }
}

/// The plugin's check of a PriorityClass being created or updated: only one global
/// default.
pub fn admit_class(c: &Cluster, pc: &Value, create: bool) -> ApiResult<()> {
    if pc["globalDefault"] != true {
        return Ok(());
    }
    if let Some((existing, _, _)) = default_class(c) {
        let same = pc["metadata"]["name"].as_str() == Some(existing.as_str());
        if create || !same {
            return Err(forbidden("priorityclasses.scheduling.k8s.io", pc, format!("PriorityClass {existing} is already marked as default. Only one default can exist")));
        }
    }
    Ok(())
}
