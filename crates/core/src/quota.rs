//! LimitRange and ResourceQuota: the admission plugins (`plugin/pkg/admission/
//! limitranger`, `plugin/pkg/admission/resourcequota` with the pod evaluator of
//! `pkg/quota/v1/evaluator/core`) and the quota controller that keeps `status.used`.
//!
//! LimitRanger defaults a pod's container requests and limits (with the
//! `kubernetes.io/limit-ranger` annotation), then checks min, max and the
//! limit/request ratio; ResourceQuota refuses a pod that leaves a tracked resource
//! unspecified (`must specify limits.cpu for: web`) or would exceed the quota
//! (`exceeded quota: q, requested: …, used: …, limited: …`). Both answer 403 Forbidden.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{json, Value};

use crate::api::{ApiError, ApiResult};
use crate::cluster::Cluster;
use crate::quantity::parse_milli;

/// A quantity kept with its format (binary `Mi` or decimal), for Go's `String()`.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Q {
    milli: i128,
    binary: bool,
}

fn q(v: &Value) -> Q {
    let text = match v {
        Value::String(s) => s.clone(),
        Value::Number(n) => n.to_string(),
        _ => String::new(),
    };
    Q { milli: parse_milli(&text).unwrap_or(0), binary: text.ends_with('i') }
}

/// `resource.Quantity.String()` in canonical form: `1`, `500m`, `1536Mi`, `2k`.
fn fmt_q(x: Q) -> String {
    crate::quantity::canonical_from(x.milli, x.binary)
}

fn forbidden(pod: &Value, msg: String) -> ApiError {
    let name = pod["metadata"]["name"].as_str().unwrap_or("");
    let mut e = ApiError::forbidden(format!("pods \"{name}\" is forbidden: {msg}"));
    e.details = Some(json!({"name": name, "kind": "pods"}));
    e
}

/// `utilerrors.NewAggregate(...).Error()`.
fn aggregate(errs: &[String]) -> String {
    if errs.len() == 1 {
        errs[0].clone()
    } else {
        format!("[{}]", errs.join(", "))
    }
}

/// Admission for a pod being created in `ns`: LimitRanger (mutating, then
/// validating), then ResourceQuota.
pub fn admit_pod(c: &Cluster, ns: &str, pod: &mut Value) -> ApiResult<()> {
    crate::priority::admit_pod(c, ns, pod)?;
    let ranges: Vec<Value> = c.list("limitranges", Some(ns)).into_iter().cloned().collect();
    if !ranges.is_empty() {
        limit_ranger_default(&ranges, pod);
        let errs = limit_ranger_validate(&ranges, pod);
        if !errs.is_empty() {
            return Err(forbidden(pod, aggregate(&errs)));
        }
    }
    resource_quota_admit(c, ns, pod)
}

/// `SetDefaults_LimitRangeItem`: `default` from `max`, `defaultRequest` from
/// `default` and then `min`.
fn container_defaults(item: &Value) -> (BTreeMap<String, Value>, BTreeMap<String, Value>) {
    let map = |v: &Value| -> BTreeMap<String, Value> { v.as_object().map(|m| m.iter().map(|(k, v)| (k.clone(), v.clone())).collect()).unwrap_or_default() };
    let mut default = map(&item["default"]);
    let mut request = map(&item["defaultRequest"]);
    for (k, v) in map(&item["max"]) {
        default.entry(k).or_insert(v);
    }
    for (k, v) in default.clone() {
        request.entry(k).or_insert(v);
    }
    for (k, v) in map(&item["min"]) {
        request.entry(k).or_insert(v);
    }
    (default, request)
}

fn limit_ranger_default(ranges: &[Value], pod: &mut Value) {
    let mut notes = Vec::new();
    for list in ["initContainers", "containers"] {
        let kind = if list == "containers" { "container" } else { "init container" };
        let Some(containers) = pod["spec"].get_mut(list).and_then(Value::as_array_mut) else { continue };
        for ctr in containers.iter_mut() {
            let mut set_req = BTreeSet::new();
            let mut set_lim = BTreeSet::new();
            for lr in ranges {
                for item in lr["spec"]["limits"].as_array().into_iter().flatten().filter(|i| i["type"] == "Container") {
                    let (default, request) = container_defaults(item);
                    for (k, v) in default {
                        if ctr["resources"]["limits"].get(&k).is_none() {
                            ctr["resources"]["limits"][k.as_str()] = v;
                            set_lim.insert(k);
                        }
                    }
                    for (k, v) in request {
                        if ctr["resources"]["requests"].get(&k).is_none() {
                            ctr["resources"]["requests"][k.as_str()] = v;
                            set_req.insert(k);
                        }
                    }
                }
            }
            let name = ctr["name"].as_str().unwrap_or("").to_string();
            if !set_req.is_empty() {
                notes.push(format!("{} request for {kind} {name}", set_req.into_iter().collect::<Vec<_>>().join(", ")));
            }
            if !set_lim.is_empty() {
                notes.push(format!("{} limit for {kind} {name}", set_lim.into_iter().collect::<Vec<_>>().join(", ")));
            }
        }
    }
    if !notes.is_empty() {
        pod["metadata"]["annotations"]["kubernetes.io/limit-ranger"] = json!(format!("LimitRanger plugin set: {}", notes.join("; ")));
    }
}

fn min_constraint(kind: &str, res: &str, enforced: &Value, req: &Value, lim: &Value) -> Option<String> {
    let e = q(enforced);
    if req.get(res).is_none() {
        return Some(format!("minimum {res} usage per {kind} is {}.  No request is specified", fmt_q(e)));
    }
    let r = q(&req[res]);
    if r.milli < e.milli {
        return Some(format!("minimum {res} usage per {kind} is {}, but request is {}", fmt_q(e), fmt_q(r)));
    }
    if lim.get(res).is_some() && q(&lim[res]).milli < e.milli {
        return Some(format!("minimum {res} usage per {kind} is {}, but limit is {}", fmt_q(e), fmt_q(q(&lim[res]))));
    }
    None
}

fn max_constraint(kind: &str, res: &str, enforced: &Value, req: &Value, lim: &Value) -> Option<String> {
    let e = q(enforced);
    if lim.get(res).is_none() {
        return Some(format!("maximum {res} usage per {kind} is {}.  No limit is specified", fmt_q(e)));
    }
    let l = q(&lim[res]);
    if l.milli > e.milli {
        return Some(format!("maximum {res} usage per {kind} is {}, but limit is {}", fmt_q(e), fmt_q(l)));
    }
    if req.get(res).is_some() && q(&req[res]).milli > e.milli {
        return Some(format!("maximum {res} usage per {kind} is {}, but request is {}", fmt_q(e), fmt_q(q(&req[res]))));
    }
    None
}

fn ratio_constraint(kind: &str, res: &str, enforced: &Value, req: &Value, lim: &Value) -> Option<String> {
    let e = q(enforced);
    let r = req.get(res).map(q).map(|x| x.milli).unwrap_or(0);
    let l = lim.get(res).map(q).map(|x| x.milli).unwrap_or(0);
    if r == 0 {
        return Some(format!("{res} max limit to request ratio per {kind} is {}, but no request is specified or request is 0", fmt_q(e)));
    }
    if l == 0 {
        return Some(format!("{res} max limit to request ratio per {kind} is {}, but no limit is specified or limit is 0", fmt_q(e)));
    }
    let ratio = l as f64 / r as f64;
    if ratio * 1000.0 > e.milli as f64 {
        return Some(format!("{res} max limit to request ratio per {kind} is {}, but provided ratio is {ratio:.6}", fmt_q(e)));
    }
    None
}

fn check_item(kind: &str, item: &Value, req: &Value, lim: &Value, errs: &mut Vec<String>) {
    for (res, v) in item["min"].as_object().into_iter().flatten() {
        errs.extend(min_constraint(kind, res, v, req, lim));
    }
    for (res, v) in item["max"].as_object().into_iter().flatten() {
        errs.extend(max_constraint(kind, res, v, req, lim));
    }
    for (res, v) in item["maxLimitRequestRatio"].as_object().into_iter().flatten() {
        errs.extend(ratio_constraint(kind, res, v, req, lim));
    }
}

fn limit_ranger_validate(ranges: &[Value], pod: &Value) -> Vec<String> {
    let mut errs = Vec::new();
    for lr in ranges {
        for item in lr["spec"]["limits"].as_array().into_iter().flatten() {
            match item["type"].as_str() {
                Some("Container") => {
                    for list in ["containers", "initContainers"] {
                        for ctr in pod["spec"][list].as_array().into_iter().flatten() {
                            check_item("Container", item, &ctr["resources"]["requests"], &ctr["resources"]["limits"], &mut errs);
                        }
                    }
                }
                Some("Pod") => {
                    let (req, lim) = pod_totals(pod);
                    check_item("Pod", item, &req, &lim, &mut errs);
                }
                _ => {}
            }
        }
    }
    errs
}

/// Sums of the containers' requests and limits, as LimitRanger's Pod type reads them
/// (a resource counts only when every container gives it).
fn pod_totals(pod: &Value) -> (Value, Value) {
    let containers: Vec<&Value> = pod["spec"]["containers"].as_array().into_iter().flatten().collect();
    let mut out = (json!({}), json!({}));
    for (which, slot) in [("requests", &mut out.0), ("limits", &mut out.1)] {
        let mut names = BTreeSet::new();
        for c in &containers {
            for k in c["resources"][which].as_object().into_iter().flatten().map(|(k, _)| k.clone()) {
                names.insert(k);
            }
        }
        for name in names {
            if containers.iter().all(|c| c["resources"][which].get(&name).is_some()) {
                let first = q(&containers[0]["resources"][which][&name]);
                let total: i128 = containers.iter().map(|c| q(&c["resources"][which][&name]).milli).sum();
                slot[name.as_str()] = json!(fmt_q(Q { milli: total, binary: first.binary }));
            }
        }
    }
    out
}

const COMPUTE: &[&str] = &["cpu", "memory", "requests.cpu", "requests.memory", "limits.cpu", "limits.memory"];

/// A pod's usage of quota resources (`podComputeUsageHelper` plus the pod count).
fn pod_usage(pod: &Value) -> BTreeMap<String, Q> {
    let mut out: BTreeMap<String, Q> = BTreeMap::new();
    let mut put = |k: &str, v: Q| {
        let e = out.entry(k.to_string()).or_insert(Q { milli: 0, binary: v.binary });
        e.milli += v.milli;
    };
    put("pods", Q { milli: 1000, binary: false });
    put("count/pods", Q { milli: 1000, binary: false });
    for c in pod["spec"]["containers"].as_array().into_iter().flatten() {
        for (res, v) in c["resources"]["requests"].as_object().into_iter().flatten() {
            if res == "cpu" || res == "memory" || res == "ephemeral-storage" {
                put(res, q(v));
                put(&format!("requests.{res}"), q(v));
            }
        }
        for (res, v) in c["resources"]["limits"].as_object().into_iter().flatten() {
            if res == "cpu" || res == "memory" || res == "ephemeral-storage" {
                put(&format!("limits.{res}"), q(v));
            }
        }
    }
    out
}

/// Resources of each container missing for the tracked compute resources.
fn missing(pod: &Value, required: &BTreeSet<String>) -> BTreeMap<String, BTreeSet<String>> {
    let mut out: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for list in ["containers", "initContainers"] {
        for c in pod["spec"][list].as_array().into_iter().flatten() {
            let mut have = BTreeSet::new();
            for (res, _) in c["resources"]["requests"].as_object().into_iter().flatten() {
                have.insert(res.clone());
                have.insert(format!("requests.{res}"));
            }
            for (res, _) in c["resources"]["limits"].as_object().into_iter().flatten() {
                have.insert(format!("limits.{res}"));
            }
            for r in required.difference(&have) {
                out.entry(r.clone()).or_default().insert(c["name"].as_str().unwrap_or("").to_string());
            }
        }
    }
    out
}

/// What the pods of `ns` use now (terminal pods do not count).
fn namespace_pod_usage(c: &Cluster, ns: &str) -> BTreeMap<String, Q> {
    let mut used: BTreeMap<String, Q> = BTreeMap::new();
    for p in c.list("pods", Some(ns)) {
        if matches!(p["status"]["phase"].as_str(), Some("Succeeded" | "Failed")) {
            continue;
        }
        for (k, v) in pod_usage(p) {
            let e = used.entry(k).or_insert(Q { milli: 0, binary: v.binary });
            e.milli += v.milli;
        }
    }
    used
}

fn pretty(map: &BTreeMap<String, Q>, keys: &[String]) -> String {
    keys.iter().map(|k| format!("{k}={}", fmt_q(map.get(k).copied().unwrap_or(Q { milli: 0, binary: false })))).collect::<Vec<_>>().join(",")
}

fn resource_quota_admit(c: &Cluster, ns: &str, pod: &Value) -> ApiResult<()> {
    let quotas: Vec<Value> = c.list("resourcequotas", Some(ns)).into_iter().cloned().collect();
    if quotas.is_empty() {
        return Ok(());
    }
    let requested = pod_usage(pod);
    let used = namespace_pod_usage(c, ns);
    for quota in &quotas {
        let hard = &quota["spec"]["hard"];
        let name = quota["metadata"]["name"].as_str().unwrap_or("");
        let required: BTreeSet<String> = hard.as_object().into_iter().flatten().map(|(k, _)| k.clone()).filter(|k| COMPUTE.contains(&k.as_str())).collect();
        let miss = missing(pod, &required);
        if !miss.is_empty() {
            let parts: Vec<String> = miss.iter().map(|(r, names)| format!("{r} for: {}", names.iter().cloned().collect::<Vec<_>>().join(","))).collect();
            return Err(forbidden(pod, format!("failed quota: {name}: must specify {}", parts.join("; "))));
        }
        let mut exceeded = Vec::new();
        for (res, limit) in hard.as_object().into_iter().flatten() {
            let Some(req) = requested.get(res) else { continue };
            let now = used.get(res).map(|u| u.milli).unwrap_or(0);
            if now + req.milli > q(limit).milli {
                exceeded.push(res.clone());
            }
        }
        if !exceeded.is_empty() {
            let hard_map: BTreeMap<String, Q> = hard.as_object().into_iter().flatten().map(|(k, v)| (k.clone(), q(v))).collect();
            return Err(forbidden(
                pod,
                format!("exceeded quota: {name}, requested: {}, used: {}, limited: {}", pretty(&requested, &exceeded), pretty(&used, &exceeded), pretty(&hard_map, &exceeded)),
            ));
        }
    }
    Ok(())
}

/// Object-count resources a quota can track, and the store resource they count.
fn counted_resource(name: &str) -> Option<&str> {
    Some(match name {
        "configmaps" | "count/configmaps" => "configmaps",
        "secrets" | "count/secrets" => "secrets",
        "services" | "count/services" => "services",
        "persistentvolumeclaims" | "count/persistentvolumeclaims" => "persistentvolumeclaims",
        "replicationcontrollers" | "count/replicationcontrollers" => "replicationcontrollers",
        "resourcequotas" | "count/resourcequotas" => "resourcequotas",
        "count/deployments.apps" => "deployments.apps",
        "count/replicasets.apps" => "replicasets.apps",
        "count/statefulsets.apps" => "statefulsets.apps",
        "count/daemonsets.apps" => "daemonsets.apps",
        "count/jobs.batch" => "jobs.batch",
        "count/cronjobs.batch" => "cronjobs.batch",
        _ => return None,
    })
}

/// The quota controller: `status.hard` mirrors the spec, `status.used` what the
/// namespace holds.
pub fn sync_quotas(c: &mut Cluster) {
    for key in c.list_keys("resourcequotas") {
        let Some(quota) = c.get(&key).cloned() else { continue };
        let ns = key.namespace.clone();
        let pods = namespace_pod_usage(c, &ns);
        let mut used = serde_json::Map::new();
        for (res, hard) in quota["spec"]["hard"].as_object().into_iter().flatten() {
            let value = if let Some(r) = counted_resource(res) {
                Q { milli: c.list(r, Some(&ns)).len() as i128 * 1000, binary: false }
            } else if res == "services.nodeports" || res == "services.loadbalancers" {
                let t = if res == "services.nodeports" { "NodePort" } else { "LoadBalancer" };
                Q { milli: c.list("services", Some(&ns)).iter().filter(|s| s["spec"]["type"] == t).count() as i128 * 1000, binary: false }
            } else {
                pods.get(res).copied().unwrap_or(Q { milli: 0, binary: q(hard).binary })
            };
            used.insert(res.clone(), json!(fmt_q(value)));
        }
        let hard = quota["spec"]["hard"].clone();
        c.modify(&key, |o| {
            o["status"] = json!({"hard": hard, "used": used});
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantities_print_canonically() {
        let table = [("500m", "500m"), ("1", "1"), ("1000m", "1"), ("2000", "2k"), ("1024Mi", "1Gi"), ("1536Mi", "1536Mi"), ("0", "0"), ("1.5", "1500m")];
        for (input, want) in table {
            assert_eq!(fmt_q(q(&json!(input))), want, "{input}");
        }
    }

    #[test]
    fn limit_range_messages() {
        let item = json!({"type": "Container", "min": {"cpu": "100m"}, "max": {"memory": "1Gi"}, "maxLimitRequestRatio": {"cpu": "2"}});
        let table = [
            (json!({"requests": {"cpu": "50m"}, "limits": {"cpu": "100m", "memory": "512Mi"}}), vec!["minimum cpu usage per Container is 100m, but request is 50m"]),
            (json!({"requests": {"cpu": "200m"}, "limits": {"cpu": "1", "memory": "2Gi"}}), vec!["maximum memory usage per Container is 1Gi, but limit is 2Gi", "cpu max limit to request ratio per Container is 2, but provided ratio is 5.000000"]),
            (json!({"limits": {"cpu": "200m"}}), vec!["minimum cpu usage per Container is 100m.  No request is specified", "maximum memory usage per Container is 1Gi.  No limit is specified", "cpu max limit to request ratio per Container is 2, but no request is specified or request is 0"]),
        ];
        for (res, want) in table {
            let mut errs = Vec::new();
            check_item("Container", &item, &res["requests"], &res["limits"], &mut errs);
            assert_eq!(errs, want, "{res}");
        }
    }
}
