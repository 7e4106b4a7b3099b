//! Server-side printing: the `meta.k8s.io/v1` Table the API server returns when a
//! client asks for `as=Table`, with the columns of Kubernetes' own printers
//! (`pkg/printers/internalversion/printers.go`).

use serde_json::{json, Value};

use crate::cluster::Cluster;
use crate::resources::ResourceType;
use crate::time::{parse_rfc3339, Millis};

/// `Quantity.String()`: the canonical form, `0` when unset.
fn quantity_text(q: &Value) -> String {
    match q {
        Value::String(v) => crate::quantity::canonical(v).unwrap_or_else(|| v.clone()),
        Value::Number(n) => n.to_string(),
        _ => "0".into(),
    }
}

/// `GetAccessModesAsString`: the short names in a fixed order, each once.
fn access_modes(modes: &Value) -> String {
    let list: Vec<&str> = modes.as_array().map(|a| a.iter().filter_map(Value::as_str).collect()).unwrap_or_default();
    [("ReadWriteOnce", "RWO"), ("ReadOnlyMany", "ROX"), ("ReadWriteMany", "RWX"), ("ReadWriteOncePod", "RWOP")]
        .iter()
        .filter(|(m, _)| list.contains(m))
        .map(|(_, short)| *short)
        .collect::<Vec<_>>()
        .join(",")
}

/// A column: name, type, and priority (1 = only with `-o wide`).
struct Col(&'static str, &'static str, u8);

fn columns(kind: &str) -> Vec<Col> {
    let c = |n, t, p| Col(n, t, p);
    match kind {
        "Pod" => vec![
            c("Name", "string", 0),
            c("Ready", "string", 0),
            c("Status", "string", 0),
            c("Restarts", "string", 0),
            c("Age", "string", 0),
            c("IP", "string", 1),
            c("Node", "string", 1),
            c("Nominated Node", "string", 1),
            c("Readiness Gates", "string", 1),
        ],
        "Node" => vec![
            c("Name", "string", 0),
            c("Status", "string", 0),
            c("Roles", "string", 0),
            c("Age", "string", 0),
            c("Version", "string", 0),
            c("Internal-IP", "string", 1),
            c("External-IP", "string", 1),
            c("OS-Image", "string", 1),
            c("Kernel-Version", "string", 1),
            c("Container-Runtime", "string", 1),
        ],
        "Namespace" => vec![c("Name", "string", 0), c("Status", "string", 0), c("Age", "string", 0)],
        "Service" => vec![
            c("Name", "string", 0),
            c("Type", "string", 0),
            c("Cluster-IP", "string", 0),
            c("External-IP", "string", 0),
            c("Port(s)", "string", 0),
            c("Age", "string", 0),
            c("Selector", "string", 1),
        ],
        "Deployment" => vec![
            c("Name", "string", 0),
            c("Ready", "string", 0),
            c("Up-to-date", "integer", 0),
            c("Available", "integer", 0),
            c("Age", "string", 0),
            c("Containers", "string", 1),
            c("Images", "string", 1),
            c("Selector", "string", 1),
        ],
        "ReplicaSet" => vec![
            c("Name", "string", 0),
            c("Desired", "integer", 0),
            c("Current", "integer", 0),
            c("Ready", "integer", 0),
            c("Age", "string", 0),
            c("Containers", "string", 1),
            c("Images", "string", 1),
            c("Selector", "string", 1),
        ],
        "DaemonSet" => vec![
            c("Name", "string", 0),
            c("Desired", "integer", 0),
            c("Current", "integer", 0),
            c("Ready", "integer", 0),
            c("Up-to-date", "integer", 0),
            c("Available", "integer", 0),
            c("Node Selector", "string", 0),
            c("Age", "string", 0),
            c("Containers", "string", 1),
            c("Images", "string", 1),
            c("Selector", "string", 1),
        ],
        "StatefulSet" => vec![c("Name", "string", 0), c("Ready", "string", 0), c("Age", "string", 0), c("Containers", "string", 1), c("Images", "string", 1)],
        "ControllerRevision" => vec![c("Name", "string", 0), c("Controller", "string", 0), c("Revision", "integer", 0), c("Age", "string", 0)],
        "PersistentVolume" => vec![
            c("Name", "string", 0),
            c("Capacity", "string", 0),
            c("Access Modes", "string", 0),
            c("Reclaim Policy", "string", 0),
            c("Status", "string", 0),
            c("Claim", "string", 0),
            c("StorageClass", "string", 0),
            c("VolumeAttributesClass", "string", 0),
            c("Reason", "string", 0),
            c("Age", "string", 0),
            c("VolumeMode", "string", 1),
        ],
        "PersistentVolumeClaim" => vec![
            c("Name", "string", 0),
            c("Status", "string", 0),
            c("Volume", "string", 0),
            c("Capacity", "string", 0),
            c("Access Modes", "string", 0),
            c("StorageClass", "string", 0),
            c("VolumeAttributesClass", "string", 0),
            c("Age", "string", 0),
            c("VolumeMode", "string", 1),
        ],
        "ConfigMap" => vec![c("Name", "string", 0), c("Data", "string", 0), c("Age", "string", 0)],
        "Job" => vec![
            c("Name", "string", 0),
            c("Status", "string", 0),
            c("Completions", "string", 0),
            c("Duration", "string", 0),
            c("Age", "string", 0),
            c("Containers", "string", 1),
            c("Images", "string", 1),
            c("Selector", "string", 1),
        ],
        "CronJob" => vec![
            c("Name", "string", 0),
            c("Schedule", "string", 0),
            c("Timezone", "string", 0),
            c("Suspend", "boolean", 0),
            c("Active", "integer", 0),
            c("Last Schedule", "string", 0),
            c("Age", "string", 0),
            c("Containers", "string", 1),
            c("Images", "string", 1),
            c("Selector", "string", 1),
        ],
        "Secret" => vec![c("Name", "string", 0), c("Type", "string", 0), c("Data", "string", 0), c("Age", "string", 0)],
        "ServiceAccount" => vec![c("Name", "string", 0), c("Secrets", "string", 0), c("Age", "string", 0)],
        "Endpoints" => vec![c("Name", "string", 0), c("Endpoints", "string", 0), c("Age", "string", 0)],
        "Event" => vec![
            c("Last Seen", "string", 0),
            c("Type", "string", 0),
            c("Reason", "string", 0),
            c("Object", "string", 0),
            c("Subobject", "string", 1),
            c("Source", "string", 1),
            c("Message", "string", 0),
            c("First Seen", "string", 1),
            c("Count", "string", 1),
            c("Name", "string", 1),
        ],
        "ResourceQuota" => vec![c("Name", "string", 0), c("Age", "string", 0), c("Request", "string", 0), c("Limit", "string", 0)],
        "LimitRange" => vec![c("Name", "string", 0), c("Created At", "date", 0)],
        "PodDisruptionBudget" => vec![
            c("Name", "string", 0),
            c("Min Available", "string", 0),
            c("Max Unavailable", "string", 0),
            c("Allowed Disruptions", "integer", 0),
            c("Age", "string", 0),
        ],
        "HorizontalPodAutoscaler" => vec![
            c("Name", "string", 0),
            c("Reference", "string", 0),
            c("Targets", "string", 0),
            c("MinPods", "string", 0),
            c("MaxPods", "integer", 0),
            c("Replicas", "integer", 0),
            c("Age", "string", 0),
        ],
        "StorageClass" => vec![
            c("Name", "string", 0),
            c("Provisioner", "string", 0),
            c("ReclaimPolicy", "string", 0),
            c("VolumeBindingMode", "string", 0),
            c("AllowVolumeExpansion", "string", 0),
            c("Age", "string", 0),
        ],
        // RBAC registers no printer: the default table convertor's columns.
        "Role" | "ClusterRole" => vec![c("Name", "string", 0), c("Created At", "date", 0)],
        "RoleBinding" | "ClusterRoleBinding" => vec![
            c("Name", "string", 0),
            c("Role", "string", 0),
            c("Age", "string", 0),
            c("Users", "string", 1),
            c("Groups", "string", 1),
            c("ServiceAccounts", "string", 1),
        ],
        "Ingress" => vec![
            c("Name", "string", 0),
            c("Class", "string", 0),
            c("Hosts", "string", 0),
            c("Address", "string", 0),
            c("Ports", "string", 0),
            c("Age", "string", 0),
        ],
        "APIService" => vec![c("Name", "string", 0), c("Service", "string", 0), c("Available", "string", 0), c("Age", "string", 0)],
        "PriorityClass" => vec![
            c("Name", "string", 0),
            c("Value", "integer", 0),
            c("Global-Default", "boolean", 0),
            c("Age", "string", 0),
            c("PreemptionPolicy", "string", 0),
        ],
        _ => vec![c("Name", "string", 0), c("Age", "string", 0)],
    }
}

/// The Table for `items` of type `rt`, as of the cluster's current instant.
pub fn table(cluster: &Cluster, rt: &ResourceType, items: &[Value], resource_version: u64) -> Value {
    let cols = columns(rt.kind);
    let now = cluster.now();
    let rows: Vec<Value> = items
        .iter()
        .map(|o| {
            let cells = cells(rt.kind, o, now);
            json!({
                "cells": cells,
                "object": {
                    "kind": "PartialObjectMetadata",
                    "apiVersion": "meta.k8s.io/v1",
                    "metadata": o["metadata"].clone(),
                },
            })
        })
        .collect();
    json!({
        "kind": "Table",
        "apiVersion": "meta.k8s.io/v1",
        "metadata": { "resourceVersion": resource_version.to_string() },
        "columnDefinitions": cols.iter().map(|Col(n, t, p)| json!({
            "name": n, "type": t, "format": if *n == "Name" { "name" } else { "" }, "description": "", "priority": p,
        })).collect::<Vec<_>>(),
        "rows": rows,
    })
}

/// `translateTimestampSince`: the AGE of a timestamp, `<unknown>` when missing.
pub fn age(ts: &Value, now: Millis) -> String {
    match ts.as_str().and_then(parse_rfc3339) {
        Some(t) => kubeniwa_format::duration::human_duration(now.saturating_sub(t)),
        None => "<unknown>".into(),
    }
}

fn s(v: &Value) -> String {
    v.as_str().unwrap_or("").to_string()
}

fn int(v: &Value) -> i64 {
    v.as_i64().unwrap_or(0)
}

fn containers_images(spec: &Value) -> (String, String) {
    let cs = spec["containers"].as_array().cloned().unwrap_or_default();
    let names: Vec<String> = cs.iter().map(|c| s(&c["name"])).collect();
    let images: Vec<String> = cs.iter().map(|c| s(&c["image"])).collect();
    (names.join(","), images.join(","))
}

fn selector_string(sel: &Value) -> String {
    let mut parts: Vec<String> = sel["matchLabels"]
        .as_object()
        .map(|m| m.iter().map(|(k, v)| format!("{k}={}", s(v))).collect())
        .unwrap_or_default();
    for e in sel["matchExpressions"].as_array().into_iter().flatten() {
        let vals: Vec<String> = e["values"].as_array().into_iter().flatten().map(s).collect();
        match s(&e["operator"]).as_str() {
            "In" => parts.push(format!("{} in ({})", s(&e["key"]), vals.join(","))),
            "NotIn" => parts.push(format!("{} notin ({})", s(&e["key"]), vals.join(","))),
            "Exists" => parts.push(s(&e["key"])),
            "DoesNotExist" => parts.push(format!("!{}", s(&e["key"]))),
            _ => {}
        }
    }
    if parts.is_empty() {
        "<none>".into()
    } else {
        parts.join(",")
    }
}

fn cells(kind: &str, o: &Value, now: Millis) -> Vec<Value> {
    let name = json!(s(&o["metadata"]["name"]));
    let age_cell = json!(age(&o["metadata"]["creationTimestamp"], now));
    match kind {
        "Pod" => pod_cells(o, now),
        "Node" => {
            let ready = o["status"]["conditions"].as_array().and_then(|cs| cs.iter().find(|c| c["type"] == "Ready")).map(|c| c["status"] == "True");
            let mut status = match ready {
                Some(true) => "Ready".to_string(),
                Some(false) => "NotReady".to_string(),
                None => "Unknown".to_string(),
            };
            if o["spec"]["unschedulable"] == true {
                status.push_str(",SchedulingDisabled");
            }
            let mut roles: Vec<String> = o["metadata"]["labels"]
                .as_object()
                .map(|m| m.keys().filter_map(|k| k.strip_prefix("node-role.kubernetes.io/").map(String::from)).filter(|r| !r.is_empty()).collect())
                .unwrap_or_default();
            roles.sort();
            let roles = if roles.is_empty() { "<none>".to_string() } else { roles.join(",") };
            let addr = |t: &str| {
                o["status"]["addresses"].as_array().and_then(|a| a.iter().find(|x| x["type"] == t)).map(|x| s(&x["address"])).unwrap_or_else(|| "<none>".into())
            };
            let info = &o["status"]["nodeInfo"];
            vec![
                name,
                json!(status),
                json!(roles),
                age_cell,
                json!(s(&info["kubeletVersion"])),
                json!(addr("InternalIP")),
                json!(addr("ExternalIP")),
                json!(s(&info["osImage"])),
                json!(s(&info["kernelVersion"])),
                json!(s(&info["containerRuntimeVersion"])),
            ]
        }
        "Namespace" => vec![name, json!(s(&o["status"]["phase"])), age_cell],
        "Service" => {
            let spec = &o["spec"];
            let type_ = s(&spec["type"]);
            let external = match type_.as_str() {
                "LoadBalancer" => {
                    let ing: Vec<String> = o["status"]["loadBalancer"]["ingress"].as_array().into_iter().flatten().map(|i| s(&i["ip"])).collect();
                    if ing.is_empty() { "<pending>".to_string() } else { ing.join(",") }
                }
                "ExternalName" => s(&spec["externalName"]),
                _ => spec["externalIPs"].as_array().filter(|a| !a.is_empty()).map(|a| a.iter().map(s).collect::<Vec<_>>().join(",")).unwrap_or_else(|| "<none>".into()),
            };
            let ports: Vec<String> = spec["ports"]
                .as_array()
                .into_iter()
                .flatten()
                .map(|p| {
                    let proto = s(&p["protocol"]);
                    match p["nodePort"].as_i64() {
                        Some(np) if np != 0 => format!("{}:{np}/{proto}", int(&p["port"])),
                        _ => format!("{}/{proto}", int(&p["port"])),
                    }
                })
                .collect();
            let cluster_ip = if spec["clusterIP"].is_null() || spec["clusterIP"] == "" { "<none>".to_string() } else { s(&spec["clusterIP"]) };
            let selector = spec["selector"]
                .as_object()
                .filter(|m| !m.is_empty())
                .map(|m| m.iter().map(|(k, v)| format!("{k}={}", s(v))).collect::<Vec<_>>().join(","))
                .unwrap_or_else(|| "<none>".into());
            vec![
                name,
                json!(type_),
                json!(cluster_ip),
                json!(external),
                json!(if ports.is_empty() { "<none>".to_string() } else { ports.join(",") }),
                age_cell,
                json!(selector),
            ]
        }
        "HorizontalPodAutoscaler" => {
            let r = &o["spec"]["scaleTargetRef"];
            let min = o["spec"]["minReplicas"].as_i64().map(|m| m.to_string()).unwrap_or_else(|| "<unset>".into());
            vec![
                name,
                json!(format!("{}/{}", s(&r["kind"]), s(&r["name"]))),
                json!(hpa_targets(o)),
                json!(min),
                json!(int(&o["spec"]["maxReplicas"])),
                json!(int(&o["status"]["currentReplicas"])),
                age_cell,
            ]
        }
        "Deployment" => {
            let (cs, is) = containers_images(&o["spec"]["template"]["spec"]);
            vec![
                name,
                json!(format!("{}/{}", int(&o["status"]["readyReplicas"]), int(&o["spec"]["replicas"]))),
                json!(int(&o["status"]["updatedReplicas"])),
                json!(int(&o["status"]["availableReplicas"])),
                age_cell,
                json!(cs),
                json!(is),
                json!(selector_string(&o["spec"]["selector"])),
            ]
        }
        "ReplicaSet" => {
            let (cs, is) = containers_images(&o["spec"]["template"]["spec"]);
            vec![
                name,
                json!(int(&o["spec"]["replicas"])),
                json!(int(&o["status"]["replicas"])),
                json!(int(&o["status"]["readyReplicas"])),
                age_cell,
                json!(cs),
                json!(is),
                json!(selector_string(&o["spec"]["selector"])),
            ]
        }
        "ResourceQuota" => {
            let (mut req, mut lim) = (Vec::new(), Vec::new());
            for (res, hard) in o["status"]["hard"].as_object().into_iter().flatten() {
                let used = o["status"]["used"].get(res).map(s).unwrap_or_else(|| "0".into());
                let cell = format!("{res}: {used}/{}", s(hard));
                if res.split('.').next() == Some("limits") && res.contains('.') {
                    lim.push(cell);
                } else {
                    req.push(cell);
                }
            }
            vec![name, age_cell, json!(req.join(", ")), json!(lim.join(", "))]
        }
        "LimitRange" => vec![name, json!(s(&o["metadata"]["creationTimestamp"]))],
        "PodDisruptionBudget" => {
            let or_na = |v: &Value| match v {
                Value::Null => "N/A".to_string(),
                Value::String(x) => x.clone(),
                other => other.to_string(),
            };
            vec![name, json!(or_na(&o["spec"]["minAvailable"])), json!(or_na(&o["spec"]["maxUnavailable"])), json!(int(&o["status"]["disruptionsAllowed"])), age_cell]
        }
        "DaemonSet" => {
            let (cs, is) = containers_images(&o["spec"]["template"]["spec"]);
            let node_selector = o["spec"]["template"]["spec"]["nodeSelector"]
                .as_object()
                .filter(|m| !m.is_empty())
                .map(|m| m.iter().map(|(k, v)| format!("{k}={}", s(v))).collect::<Vec<_>>().join(","))
                .unwrap_or_else(|| "<none>".into());
            let st = &o["status"];
            vec![
                name,
                json!(int(&st["desiredNumberScheduled"])),
                json!(int(&st["currentNumberScheduled"])),
                json!(int(&st["numberReady"])),
                json!(int(&st["updatedNumberScheduled"])),
                json!(int(&st["numberAvailable"])),
                json!(node_selector),
                age_cell,
                json!(cs),
                json!(is),
                json!(selector_string(&o["spec"]["selector"])),
            ]
        }
        "Job" => {
            let st = &o["status"];
            let completions = match o["spec"]["completions"].as_i64() {
                Some(n) => format!("{}/{n}", int(&st["succeeded"])),
                None => {
                    let p = int(&o["spec"]["parallelism"]);
                    if p > 1 { format!("{}/1 of {p}", int(&st["succeeded"])) } else { format!("{}/1", int(&st["succeeded"])) }
                }
            };
            let start = st["startTime"].as_str().and_then(parse_rfc3339);
            let end = st["completionTime"].as_str().and_then(parse_rfc3339);
            let duration = match (start, end) {
                (None, _) => String::new(),
                (Some(s0), None) => kubeniwa_format::duration::human_duration(now.saturating_sub(s0)),
                (Some(s0), Some(e)) => kubeniwa_format::duration::human_duration(e.saturating_sub(s0)),
            };
            let has = |t: &str| st["conditions"].as_array().is_some_and(|cs| cs.iter().any(|c| c["type"] == t && c["status"] == "True"));
            let status = if has("Complete") {
                "Complete"
            } else if has("Failed") {
                "Failed"
            } else if !o["metadata"]["deletionTimestamp"].is_null() {
                "Terminating"
            } else if has("Suspended") {
                "Suspended"
            } else if has("FailureTarget") {
                "FailureTarget"
            } else {
                "Running"
            };
            let (cs, is) = containers_images(&o["spec"]["template"]["spec"]);
            vec![name, json!(status), json!(completions), json!(duration), age_cell, json!(cs), json!(is), json!(selector_string(&o["spec"]["selector"]))]
        }
        "CronJob" => {
            let last = match o["status"]["lastScheduleTime"].as_str() {
                Some(_) => age(&o["status"]["lastScheduleTime"], now),
                None => "<none>".into(),
            };
            let (cs, is) = containers_images(&o["spec"]["jobTemplate"]["spec"]["template"]["spec"]);
            vec![
                name,
                json!(s(&o["spec"]["schedule"])),
                json!(o["spec"]["timeZone"].as_str().unwrap_or("<none>")),
                json!(if o["spec"]["suspend"] == true { "True" } else { "False" }),
                json!(o["status"]["active"].as_array().map(|a| a.len()).unwrap_or(0)),
                json!(last),
                age_cell,
                json!(cs),
                json!(is),
                json!(selector_string(&o["spec"]["jobTemplate"]["spec"]["selector"])),
            ]
        }
        "ConfigMap" => {
            let n = o["data"].as_object().map(|m| m.len()).unwrap_or(0) + o["binaryData"].as_object().map(|m| m.len()).unwrap_or(0);
            vec![name, json!(n.to_string()), age_cell]
        }
        "Secret" => {
            let n = o["data"].as_object().map(|m| m.len()).unwrap_or(0);
            vec![name, json!(s(&o["type"])), json!(n.to_string()), age_cell]
        }
        "ServiceAccount" => {
            let n = o["secrets"].as_array().map(|a| a.len()).unwrap_or(0);
            vec![name, json!(n.to_string()), age_cell]
        }
        "Endpoints" => {
            let mut eps = Vec::new();
            for subset in o["subsets"].as_array().into_iter().flatten() {
                for a in subset["addresses"].as_array().into_iter().flatten() {
                    for p in subset["ports"].as_array().into_iter().flatten() {
                        eps.push(format!("{}:{}", s(&a["ip"]), int(&p["port"])));
                    }
                }
            }
            let shown = if eps.is_empty() {
                "<none>".to_string()
            } else if eps.len() > 3 {
                format!("{} + {} more...", eps[..3].join(","), eps.len() - 3)
            } else {
                eps.join(",")
            };
            vec![name, json!(shown), age_cell]
        }
        "Event" => {
            let last = if o["lastTimestamp"].is_null() { &o["eventTime"] } else { &o["lastTimestamp"] };
            let inv = &o["involvedObject"];
            let object = format!("{}/{}", s(&inv["kind"]).to_ascii_lowercase(), s(&inv["name"]));
            let source = {
                let src = &o["source"];
                let comp = s(&src["component"]);
                match src["host"].as_str() {
                    Some(h) => format!("{comp}, {h}"),
                    None => comp,
                }
            };
            vec![
                json!(age(last, now)),
                json!(s(&o["type"])),
                json!(s(&o["reason"])),
                json!(object),
                json!(s(&inv["fieldPath"])),
                json!(source),
                json!(s(&o["message"]).trim().to_string()),
                json!(age(&o["firstTimestamp"], now)),
                json!(int(&o["count"]).to_string()),
                name,
            ]
        }
        "StatefulSet" => {
            let (cs, is) = containers_images(&o["spec"]["template"]["spec"]);
            let ready = format!("{}/{}", int(&o["status"]["readyReplicas"]), o["spec"]["replicas"].as_i64().unwrap_or(1));
            vec![name, json!(ready), age_cell, json!(cs), json!(is)]
        }
        "ControllerRevision" => {
            let controller = o["metadata"]["ownerReferences"]
                .as_array()
                .and_then(|r| r.iter().find(|r| r["controller"] == true))
                .map(|r| {
                    let group = s(&r["apiVersion"]).split_once('/').map(|(g, _)| g.to_string()).unwrap_or_default();
                    let kind = s(&r["kind"]).to_ascii_lowercase();
                    if group.is_empty() { format!("{kind}/{}", s(&r["name"])) } else { format!("{kind}.{group}/{}", s(&r["name"])) }
                })
                .unwrap_or_else(|| "<none>".into());
            vec![name, json!(controller), json!(int(&o["revision"])), age_cell]
        }
        "PersistentVolume" => {
            let claim = &o["spec"]["claimRef"];
            let claim_text = if claim.is_object() { format!("{}/{}", s(&claim["namespace"]), s(&claim["name"])) } else { String::new() };
            let phase = if o["metadata"]["deletionTimestamp"].is_null() { s(&o["status"]["phase"]) } else { "Terminating".to_string() };
            vec![
                name,
                json!(quantity_text(&o["spec"]["capacity"]["storage"])),
                json!(access_modes(&o["spec"]["accessModes"])),
                json!(s(&o["spec"]["persistentVolumeReclaimPolicy"])),
                json!(phase),
                json!(claim_text),
                json!(s(&o["spec"]["storageClassName"])),
                json!(o["spec"]["volumeAttributesClassName"].as_str().unwrap_or("<unset>")),
                json!(s(&o["status"]["reason"])),
                age_cell,
                json!(o["spec"]["volumeMode"].as_str().unwrap_or("<unset>")),
            ]
        }
        "PersistentVolumeClaim" => {
            let phase = if o["metadata"]["deletionTimestamp"].is_null() { s(&o["status"]["phase"]) } else { "Terminating".to_string() };
            let volume = s(&o["spec"]["volumeName"]);
            let (capacity, modes) = if volume.is_empty() { (String::new(), String::new()) } else { (quantity_text(&o["status"]["capacity"]["storage"]), access_modes(&o["status"]["accessModes"])) };
            vec![
                name,
                json!(phase),
                json!(volume),
                json!(capacity),
                json!(modes),
                json!(s(&o["spec"]["storageClassName"])),
                json!(o["spec"]["volumeAttributesClassName"].as_str().unwrap_or("<unset>")),
                age_cell,
                json!(o["spec"]["volumeMode"].as_str().unwrap_or("<unset>")),
            ]
        }
        "StorageClass" => {
            let is_default = o["metadata"]["annotations"]["storageclass.kubernetes.io/is-default-class"] == "true";
            let n = s(&o["metadata"]["name"]);
            vec![
                json!(if is_default { format!("{n} (default)") } else { n }),
                json!(s(&o["provisioner"])),
                json!(o["reclaimPolicy"].as_str().unwrap_or("Delete")),
                json!(o["volumeBindingMode"].as_str().unwrap_or("Immediate")),
                json!(o["allowVolumeExpansion"].as_bool().unwrap_or(false).to_string()),
                age_cell,
            ]
        }
        "Role" | "ClusterRole" => vec![name, json!(s(&o["metadata"]["creationTimestamp"]))],
        "RoleBinding" | "ClusterRoleBinding" => {
            let subjects = o["subjects"].as_array().cloned().unwrap_or_default();
            let of = |kind: &str| -> String {
                subjects
                    .iter()
                    .filter(|x| x["kind"] == kind)
                    .map(|x| if kind == "ServiceAccount" { format!("{}/{}", s(&x["namespace"]), s(&x["name"])) } else { s(&x["name"]) })
                    .collect::<Vec<_>>()
                    .join(", ")
            };
            vec![
                name,
                json!(format!("{}/{}", s(&o["roleRef"]["kind"]), s(&o["roleRef"]["name"]))),
                age_cell,
                json!(of("User")),
                json!(of("Group")),
                json!(of("ServiceAccount")),
            ]
        }
        "Ingress" => {
            let rules = o["spec"]["rules"].as_array().cloned().unwrap_or_default();
            let hosts: Vec<String> = rules.iter().filter_map(|r| r["host"].as_str().filter(|h| !h.is_empty()).map(String::from)).collect();
            let shown = if hosts.is_empty() {
                "*".to_string()
            } else if hosts.len() > 3 {
                format!("{} + {} more...", hosts[..3].join(","), rules.len() - 3)
            } else {
                hosts.join(",")
            };
            let mut addresses: Vec<String> = o["status"]["loadBalancer"]["ingress"]
                .as_array()
                .into_iter()
                .flatten()
                .flat_map(|i| [s(&i["ip"]), s(&i["hostname"])])
                .filter(|a| !a.is_empty())
                .collect();
            addresses.sort();
            addresses.dedup();
            let tls = o["spec"]["tls"].as_array().is_some_and(|t| !t.is_empty());
            vec![
                name,
                json!(o["spec"]["ingressClassName"].as_str().unwrap_or("<none>")),
                json!(shown),
                json!(addresses.join(",")),
                json!(if tls { "80, 443" } else { "80" }),
                age_cell,
            ]
        }
        "APIService" => {
            // kube-aggregator's table convertor: `Local` or namespace/name, and the
            // Available condition (`False (MissingEndpoints)`).
            let svc = &o["spec"]["service"];
            let service = if svc.is_object() { format!("{}/{}", s(&svc["namespace"]), s(&svc["name"])) } else { "Local".to_string() };
            let available = match o["status"]["conditions"].as_array().and_then(|cs| cs.iter().find(|x| x["type"] == "Available")) {
                Some(cond) if cond["status"] == "True" => "True".to_string(),
                Some(cond) if !s(&cond["reason"]).is_empty() => format!("{} ({})", s(&cond["status"]), s(&cond["reason"])),
                Some(cond) => s(&cond["status"]).to_string(),
                None => "Unknown".to_string(),
            };
            vec![name, json!(service), json!(available), age_cell]
        }
        "PriorityClass" => vec![
            name,
            json!(int(&o["value"])),
            json!(o["globalDefault"].as_bool().unwrap_or(false)),
            age_cell,
            json!(s(&o["preemptionPolicy"])),
        ],
        _ => vec![name, age_cell],
    }
}

/// `printPod`: the STATUS reason ladder and `RESTARTS (Xs ago)`.
/// `formatHPAMetrics`: `cpu: 42%/50%`, `<unknown>` until a metric is read, at most
/// two metrics then ` + N more...`.
fn hpa_targets(o: &Value) -> String {
    let specs = o["spec"]["metrics"].as_array().cloned().unwrap_or_default();
    if specs.is_empty() {
        return "<none>".into();
    }
    let statuses = o["status"]["currentMetrics"].as_array().cloned().unwrap_or_default();
    let mut list = Vec::new();
    for (i, m) in specs.iter().enumerate() {
        let st = statuses.get(i).cloned().unwrap_or(Value::Null);
        let text = match s(&m["type"]).as_str() {
            "Resource" | "ContainerResource" => {
                let field = if m["type"] == "Resource" { "resource" } else { "containerResource" };
                let r = &m[field];
                let cur = &st[field]["current"];
                if !r["target"]["averageValue"].is_null() {
                    let current = if cur["averageValue"].is_null() { "<unknown>".to_string() } else { s(&cur["averageValue"]) };
                    format!("{}: {current}/{}", s(&r["name"]), s(&r["target"]["averageValue"]))
                } else {
                    let current = cur["averageUtilization"].as_i64().map(|u| format!("{u}%")).unwrap_or_else(|| "<unknown>".into());
                    let target = r["target"]["averageUtilization"].as_i64().map(|u| format!("{u}%")).unwrap_or_else(|| "<auto>".into());
                    format!("{}: {current}/{target}", s(&r["name"]))
                }
            }
            _ => "<unknown>/<unknown>".to_string(),
        };
        list.push(text);
    }
    if list.len() > 2 {
        let more = list.len() - 2;
        list.truncate(2);
        return format!("{} + {more} more...", list.join(", "));
    }
    list.join(", ")
}

fn pod_cells(o: &Value, now: Millis) -> Vec<Value> {
    let status = &o["status"];
    let total = o["spec"]["containers"].as_array().map(|a| a.len()).unwrap_or(0);
    let mut reason = s(&status["phase"]);
    if let Some(r) = status["reason"].as_str().filter(|r| !r.is_empty()) {
        reason = r.to_string();
    }
    let mut restarts = 0;
    let mut ready = 0;
    let mut last_restart: Option<Millis> = None;
    let mut has_running = false;
    let statuses = status["containerStatuses"].as_array().cloned().unwrap_or_default();
    for c in statuses.iter().rev() {
        restarts += int(&c["restartCount"]);
        if let Some(t) = c["lastState"]["terminated"]["finishedAt"].as_str().and_then(parse_rfc3339) {
            if last_restart.is_none_or(|l| l < t) {
                last_restart = Some(t);
            }
        }
        let st = &c["state"];
        if let Some(r) = st["waiting"]["reason"].as_str().filter(|r| !r.is_empty()) {
            reason = r.to_string();
        } else if let Some(r) = st["terminated"]["reason"].as_str().filter(|r| !r.is_empty()) {
            reason = r.to_string();
        } else if !st["terminated"].is_null() {
            let sig = int(&st["terminated"]["signal"]);
            reason = if sig != 0 { format!("Signal:{sig}") } else { format!("ExitCode:{}", int(&st["terminated"]["exitCode"])) };
        } else if c["ready"] == true && !st["running"].is_null() {
            has_running = true;
            ready += 1;
        }
    }
    if reason == "Completed" && has_running {
        let ready_cond = status["conditions"].as_array().is_some_and(|cs| cs.iter().any(|c| c["type"] == "Ready" && c["status"] == "True"));
        reason = if ready_cond { "Running".into() } else { "NotReady".into() };
    }
    let phase = s(&status["phase"]);
    if !o["metadata"]["deletionTimestamp"].is_null() {
        if status["reason"] == "NodeLost" {
            reason = "Unknown".into();
        } else if phase != "Succeeded" && phase != "Failed" {
            reason = "Terminating".into();
        }
    }
    let restarts_str = match last_restart {
        Some(t) if restarts != 0 => format!("{restarts} ({} ago)", kubeniwa_format::duration::human_duration(now.saturating_sub(t))),
        _ => restarts.to_string(),
    };
    let ip = status["podIP"].as_str().unwrap_or("<none>");
    let node = o["spec"]["nodeName"].as_str().filter(|n| !n.is_empty()).unwrap_or("<none>");
    let nominated = status["nominatedNodeName"].as_str().unwrap_or("<none>");
    let gates = match o["spec"]["readinessGates"].as_array().filter(|g| !g.is_empty()) {
        Some(g) => {
            let true_count = g
                .iter()
                .filter(|gate| {
                    status["conditions"].as_array().is_some_and(|cs| cs.iter().any(|c| c["type"] == gate["conditionType"] && c["status"] == "True"))
                })
                .count();
            format!("{true_count}/{}", g.len())
        }
        None => "<none>".into(),
    };
    vec![
        json!(s(&o["metadata"]["name"])),
        json!(format!("{ready}/{total}")),
        json!(reason),
        json!(restarts_str),
        json!(age(&o["metadata"]["creationTimestamp"], now)),
        json!(ip),
        json!(node),
        json!(nominated),
        json!(gates),
    ]
}

